// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching UDP sockets to dtls.ko: every family and socket state, plain
 * UDP passing through an attached socket, getsockopt(SOL_DTLS), detach on
 * close, and the netlink listing; an IPV6_ADDRFORM begun before the
 * attach and finished after it (the socket leaves the list at its close,
 * UDP_ENCAP reset or not, and a kernel handshake on it sends nothing
 * more); plaintext corked by
 * a send begun before the attach never leaves with a record.
 */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>

#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#ifndef UDP_ENCAP
#define UDP_ENCAP 100
#endif

#include "dtls_test.h"
#include "kselftest_harness.h"

enum sock_state { UNBOUND, BOUND, CONNECTED };

FIXTURE(attach) {
	int fd;			/* the socket under test */
	int peer;		/* a plain UDP socket on loopback */
	union dtls_test_addr peer_addr;
	union dtls_test_addr addr;	/* fd's address once bound */
};

FIXTURE_VARIANT(attach) {
	int family;
	enum sock_state state;
};

FIXTURE_VARIANT_ADD(attach, ipv4_unbound) { .family = AF_INET, .state = UNBOUND };
FIXTURE_VARIANT_ADD(attach, ipv4_bound) { .family = AF_INET, .state = BOUND };
FIXTURE_VARIANT_ADD(attach, ipv4_connected) { .family = AF_INET, .state = CONNECTED };
FIXTURE_VARIANT_ADD(attach, ipv6_unbound) { .family = AF_INET6, .state = UNBOUND };
FIXTURE_VARIANT_ADD(attach, ipv6_bound) { .family = AF_INET6, .state = BOUND };
FIXTURE_VARIANT_ADD(attach, ipv6_connected) { .family = AF_INET6, .state = CONNECTED };

FIXTURE_SETUP(attach)
{
	socklen_t len = dtls_test_addr_len(variant->family);

	self->peer = dtls_test_udp_bound(variant->family, &self->peer_addr);
	ASSERT_LE(0, self->peer);

	if (variant->state == UNBOUND) {
		self->fd = socket(variant->family, SOCK_DGRAM, 0);
		ASSERT_LE(0, self->fd);
	} else {
		self->fd = dtls_test_udp_bound(variant->family, &self->addr);
		ASSERT_LE(0, self->fd);
	}
	if (variant->state == CONNECTED)
		ASSERT_EQ(0, connect(self->fd, &self->peer_addr.sa, len));
	ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), self->fd, NULL, NULL, 0));
}

FIXTURE_TEARDOWN(attach)
{
	close(self->fd);
	close(self->peer);
}

TEST_F(attach, info)
{
	struct dtls_info info;
	socklen_t len = sizeof(info);

	memset(&info, 0xff, sizeof(info));
	ASSERT_EQ(0, getsockopt(self->fd, SOL_DTLS, DTLS_INFO, &info, &len));
	EXPECT_EQ(sizeof(info), len);
	EXPECT_EQ(DTLS_SOCK_STATE_ATTACHED, info.state);
	EXPECT_EQ(variant->family, info.family);
	EXPECT_EQ(dtls_test_ino(self->fd), info.ino);

	/* A short buffer gets a prefix, as with other getsockopt()s. */
	len = sizeof(info.state);
	info.state = 0;
	ASSERT_EQ(0, getsockopt(self->fd, SOL_DTLS, DTLS_INFO, &info, &len));
	EXPECT_EQ(sizeof(info.state), len);
	EXPECT_EQ(DTLS_SOCK_STATE_ATTACHED, info.state);

	len = sizeof(info);
	EXPECT_EQ(-1, getsockopt(self->fd, SOL_DTLS, 0x7fff, &info, &len));
	EXPECT_EQ(ENOPROTOOPT, errno);

	/* Nothing is settable yet. */
	EXPECT_EQ(-1, setsockopt(self->fd, SOL_DTLS, DTLS_INFO, &info,
				 sizeof(info)));
	EXPECT_EQ(ENOPROTOOPT, errno);

	/* Ordinary options still reach UDP. */
	int one = 1, val = 0;

	len = sizeof(val);
	ASSERT_EQ(0, setsockopt(self->fd, SOL_SOCKET, SO_RCVBUF, &one,
				sizeof(one)));
	ASSERT_EQ(0, getsockopt(self->fd, SOL_SOCKET, SO_RCVBUF, &val, &len));
	EXPECT_LT(0, val);
}

TEST_F(attach, twice)
{
	char msg[256];

	EXPECT_EQ(-EEXIST, dtls_sock_attach(dtls_test_nl(), self->fd, NULL, msg, sizeof(msg)));
	EXPECT_NE(NULL, strstr(msg, "already attached"));
}

TEST_F(attach, listed)
{
	struct dtls_sock_info si;
	struct stat ns;
	char msg[256];
	uint64_t ino = dtls_test_ino(self->fd);

	ASSERT_EQ(1, dtls_test_listed(ino));
	ASSERT_EQ(0, dtls_sock_get(dtls_test_nl(), ino, &si, msg, sizeof(msg)));
	EXPECT_EQ(ino, si.ino);
	EXPECT_EQ(variant->family, si.family);
	EXPECT_EQ(DTLS_SOCK_STATE_ATTACHED, si.state);
	EXPECT_EQ(getuid(), si.uid);
	ASSERT_EQ(0, stat("/proc/self/ns/net", &ns));
	EXPECT_EQ(ns.st_ino, si.netns_ino);

	if (variant->state == UNBOUND) {
		EXPECT_EQ(0, si.local_port);
	} else {
		uint16_t port = variant->family == AF_INET6 ?
			ntohs(self->addr.in6.sin6_port) :
			ntohs(self->addr.in4.sin_port);
		EXPECT_EQ(port, si.local_port);
	}
	EXPECT_EQ(variant->state == CONNECTED, si.connected);
	if (variant->state == CONNECTED) {
		if (variant->family == AF_INET6) {
			EXPECT_EQ(0, memcmp(si.peer_addr,
					    &self->peer_addr.in6.sin6_addr, 16));
			EXPECT_EQ(ntohs(self->peer_addr.in6.sin6_port),
				  si.peer_port);
		} else {
			EXPECT_EQ(0, memcmp(si.peer_addr,
					    &self->peer_addr.in4.sin_addr, 4));
			EXPECT_EQ(ntohs(self->peer_addr.in4.sin_port),
				  si.peer_port);
		}
	}

	/* Close detaches: the socket leaves the list. */
	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(0, dtls_test_listed(ino));
	EXPECT_EQ(-ENOENT, dtls_sock_get(dtls_test_nl(), ino, &si, msg, sizeof(msg)));
}

static void send_to_peer(struct __test_metadata *_metadata,
			 FIXTURE_DATA(attach) *self,
			 const FIXTURE_VARIANT(attach) *variant,
			 const void *buf, size_t len)
{
	ssize_t n;

	if (variant->state == CONNECTED)
		n = send(self->fd, buf, len, 0);
	else
		n = sendto(self->fd, buf, len, 0, &self->peer_addr.sa,
			   dtls_test_addr_len(variant->family));
	ASSERT_EQ((ssize_t)len, n);
}

/* With no keys an attached socket is plain UDP, both ways, byte for byte. */
TEST_F(attach, plain_udp_passes)
{
	union dtls_test_addr from, me;
	socklen_t flen = sizeof(from), mlen = sizeof(me);
	char out[1400], in[2000];
	int i, ep;
	struct epoll_event ev = { .events = EPOLLIN };
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN };

	for (i = 0; i < (int)sizeof(out); i++)
		out[i] = (char)(i * 7 + 1);
	/* Includes bytes that look like DTLS record headers. */
	out[0] = 23;
	out[1] = (char)0xfe;
	out[2] = (char)0xfd;

	send_to_peer(_metadata, self, variant, out, sizeof(out));
	ASSERT_EQ((ssize_t)sizeof(out),
		  recvfrom(self->peer, in, sizeof(in), 0, &from.sa, &flen));
	ASSERT_EQ(0, memcmp(in, out, sizeof(out)));

	/* The socket was bound by the send if it was not already. */
	ASSERT_EQ(0, getsockname(self->fd, &me.sa, &mlen));

	ep = epoll_create1(0);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->fd, &ev));
	EXPECT_EQ(0, epoll_wait(ep, &ev, 1, 0));
	EXPECT_EQ(0, poll(&pfd, 1, 0));

	for (i = 0; i < 3; i++) {
		out[0] = (char)(20 + i);
		ASSERT_EQ((ssize_t)sizeof(out) - i,
			  sendto(self->peer, out, sizeof(out) - i, 0, &me.sa,
				 mlen));
	}
	ASSERT_EQ(1, epoll_wait(ep, &ev, 1, 2000));
	EXPECT_EQ(1, poll(&pfd, 1, 2000));
	for (i = 0; i < 3; i++) {
		out[0] = (char)(20 + i);
		ASSERT_EQ((ssize_t)sizeof(out) - i,
			  recv(self->fd, in, sizeof(in), MSG_DONTWAIT));
		EXPECT_EQ(0, memcmp(in, out, sizeof(out) - i));
	}
	EXPECT_EQ(-1, recv(self->fd, in, sizeof(in), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	close(ep);
}

/* An attached socket refuses what would take it away from the DTLS layer. */
TEST_F(attach, refuses_takeover)
{
	int encap = 2;	/* UDP_ENCAP_ESPINUDP */
	int v4 = AF_INET;

	EXPECT_EQ(-1, setsockopt(self->fd, SOL_UDP, UDP_ENCAP,
				 &encap, sizeof(encap)));
	EXPECT_EQ(EBUSY, errno);
	if (variant->family == AF_INET6 && variant->state == CONNECTED) {
		EXPECT_EQ(-1, setsockopt(self->fd, SOL_IPV6, IPV6_ADDRFORM,
					 &v4, sizeof(v4)));
		EXPECT_EQ(EBUSY, errno);
	}
}

/* Data queued before close, and close racing a sender, are both fine. */
TEST_F(attach, close_with_queued_data)
{
	union dtls_test_addr me;
	socklen_t mlen = sizeof(me);
	char buf[512] = { 23, (char)0xfe, (char)0xfd };
	int i;

	send_to_peer(_metadata, self, variant, buf, sizeof(buf));
	ASSERT_EQ(0, getsockname(self->fd, &me.sa, &mlen));
	for (i = 0; i < 32; i++)
		ASSERT_EQ((ssize_t)sizeof(buf),
			  sendto(self->peer, buf, sizeof(buf), 0, &me.sa,
				 mlen));
	close(self->fd);
	self->fd = -1;
	/* A datagram to the closed port is not an error for the sender. */
	sendto(self->peer, buf, sizeof(buf), 0, &me.sa, mlen);
}

struct addrform_call {
	int fd;
	void *val;	/* on a page whose first touch waits for us */
	int ret, err;
};

static void *addrform_thread(void *arg)
{
	struct addrform_call *a = arg;

	a->ret = setsockopt(a->fd, IPPROTO_IPV6, IPV6_ADDRFORM, a->val,
			    sizeof(int));
	a->err = errno;
	return NULL;
}

/*
 * setsockopt(IPV6_ADDRFORM) reads its value before it takes the socket's
 * lock, and the protocol before that: one whose value comes from a page
 * that faults (userfaultfd) until the socket is attached finishes after
 * the attach, in UDP's code, and gives the socket back to plain UDP
 * (not the module's to refuse).  The fixture: a dual-stack socket
 * connected to an IPv4 peer (v4-mapped), and a thread whose
 * IPV6_ADDRFORM on it waits on such a page.
 */
FIXTURE(addrform) {
	struct addrform_call a;
	struct dtls_test_uffd u;
	union dtls_test_addr peer;
	int peer_fd;
	pthread_t t;
	bool started;
};

FIXTURE_SETUP(addrform)
{
	union dtls_test_addr to;
	int err;

	self->a.fd = -1;
	self->a.ret = -2;
	self->peer_fd = -1;
	err = dtls_test_uffd_open(&self->u);
	if (err == -ENOSYS || err == -EPERM)
		SKIP(return, "no userfaultfd: %s", strerror(-err));
	ASSERT_EQ(0, err);

	self->peer_fd = dtls_test_udp_bound(AF_INET, &self->peer);
	ASSERT_LE(0, self->peer_fd);
	self->a.fd = socket(AF_INET6, SOCK_DGRAM, 0);
	ASSERT_LE(0, self->a.fd);
	memset(&to, 0, sizeof(to));
	to.in6.sin6_family = AF_INET6;
	to.in6.sin6_port = self->peer.in4.sin_port;
	to.in6.sin6_addr.s6_addr[10] = 0xff;
	to.in6.sin6_addr.s6_addr[11] = 0xff;
	memcpy(&to.in6.sin6_addr.s6_addr[12], &self->peer.in4.sin_addr, 4);
	ASSERT_EQ(0, connect(self->a.fd, &to.sa, sizeof(to.in6)));

	self->a.val = self->u.area;
	ASSERT_EQ(0, pthread_create(&self->t, NULL, addrform_thread,
				    &self->a));
	self->started = true;
	ASSERT_EQ(0, dtls_test_uffd_wait(&self->u, 10000));
}

FIXTURE_TEARDOWN(addrform)
{
	dtls_test_uffd_close(&self->u);
	if (self->started)
		pthread_join(self->t, NULL);
	if (self->a.fd >= 0)
		close(self->a.fd);
	if (self->peer_fd >= 0)
		close(self->peer_fd);
}

/* Serve the page: the call goes on, in UDP's code, and must succeed. */
static void addrform_finish(struct __test_metadata *_metadata,
			    FIXTURE_DATA(addrform) *self)
{
	union dtls_test_addr me;
	int form = AF_INET;

	ASSERT_EQ(0, dtls_test_uffd_serve(&self->u, &form, sizeof(form)));
	ASSERT_EQ(0, pthread_join(self->t, NULL));
	self->started = false;
	/* UDP's code did it: the module would have said EBUSY. */
	ASSERT_EQ(0, self->a.ret)
		TH_LOG("IPV6_ADDRFORM: %s", strerror(self->a.err));
	ASSERT_EQ(0, getsockname(self->a.fd, &me.sa,
				 &(socklen_t){ sizeof(me) }));
	ASSERT_EQ(AF_INET, me.sa.sa_family);
}

/* Attach, listed; then the call finishes: the socket's inode number. */
static uint64_t addrform_attach_then_finish(struct __test_metadata *_metadata,
					    FIXTURE_DATA(addrform) *self)
{
	uint64_t ino;

	ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), self->a.fd, NULL,
				      NULL, 0));
	ino = dtls_test_ino(self->a.fd);
	ASSERT_EQ(1, dtls_test_listed(ino));
	addrform_finish(_metadata, self);
	return ino;
}

/*
 * The socket's close is then UDP's: the module's state of it must go
 * all the same, not stay listed naming a freed socket (a use after free
 * for the next dump).
 */
TEST_F(addrform, before_attach)
{
	uint64_t ino;

	ino = addrform_attach_then_finish(_metadata, self);

	/* UDP's close ends the module's state too. */
	EXPECT_EQ(0, close(self->a.fd));
	self->a.fd = -1;
	EXPECT_EQ(0, dtls_test_listed(ino));
}

/*
 * Should its owner also reset UDP_ENCAP (plain UDP's option by then),
 * UDP's close calls nothing of the module.  Its state of the socket must
 * go all the same (a listing asks for that at once), not stay, holding
 * the closed socket and the module, for ever.
 */
TEST_F(addrform, encap_reset_then_close)
{
	int zero = 0, listed = 1, ms;
	uint64_t ino;

	ino = addrform_attach_then_finish(_metadata, self);
	ASSERT_EQ(0, setsockopt(self->a.fd, SOL_UDP, UDP_ENCAP, &zero,
				sizeof(zero)));

	EXPECT_EQ(0, close(self->a.fd));
	self->a.fd = -1;
	for (ms = 0; listed == 1 && ms < 5000; ms += 10) {
		listed = dtls_test_listed(ino);
		if (listed == 1)
			usleep(10000);
	}
	EXPECT_EQ(0, listed);
	/* No socket of the module's is left: its reference went. */
	EXPECT_EQ(0, dtls_test_wait_refcnt(0, 5000));
}

struct dump_loop {
	int stop;	/* atomic */
	int rounds;
};

static void *dump_thread(void *arg)
{
	struct dump_loop *d = arg;

	while (!__atomic_load_n(&d->stop, __ATOMIC_SEQ_CST)) {
		dtls_test_listed(0);
		d->rounds++;
	}
	return NULL;
}

/*
 * With UDP_ENCAP set to another tunnel's type instead, UDP's destroy
 * still calls the module's, while listings ask the sweep to reclaim the
 * same socket: it must be released once (twice would free it twice),
 * whichever comes first.
 */
TEST_F(addrform, encap_other_close_while_listing)
{
	struct dump_loop d = { 0 };
	int l2tp = 3;	/* UDP_ENCAP_L2TPINUDP */
	uint64_t ino;
	pthread_t t;

	ino = addrform_attach_then_finish(_metadata, self);
	ASSERT_EQ(0, setsockopt(self->a.fd, SOL_UDP, UDP_ENCAP, &l2tp,
				sizeof(l2tp)));
	ASSERT_EQ(0, pthread_create(&t, NULL, dump_thread, &d));
	usleep(50000);

	EXPECT_EQ(0, close(self->a.fd));
	self->a.fd = -1;
	EXPECT_EQ(0, dtls_test_wait_refcnt(0, 5000));
	__atomic_store_n(&d.stop, 1, __ATOMIC_SEQ_CST);
	pthread_join(t, NULL);
	EXPECT_LT(0, d.rounds);
	EXPECT_EQ(0, dtls_test_listed(ino));
}

/*
 * A kernel handshake running on such a socket sends nothing once UDP has
 * it: its resends would otherwise go on through UDP, and, should the
 * owner also reset UDP_ENCAP so that no close of ours runs, after UDP's
 * close too (an orphaned socket, on which UDP's send dereferences NULL
 * when the send buffer is full).
 */
/* A client handshake whose ClientHello comes again every 100-200 ms. */
static const uint16_t psk_aes128 = 0x00a8;	/* PSK-AES128-GCM-SHA256 */
static const struct dtls_hs_config resending_client = {
	.role = DTLS_HS_ROLE_CLIENT, .suites = &psk_aes128, .n_suites = 1,
	.rto_initial_ms = 100, .rto_max_ms = 200,
	.timeout_ms = 60000, .cookies = -1,
};

TEST_F(addrform, handshake_sends_nothing_after)
{
	struct pollfd pfd = { .fd = self->peer_fd, .events = POLLIN };
	char buf[2048], msg[128] = "";
	int hellos = 0;
	uint64_t ino;

	ASSERT_EQ(0, dtls_test_hs_setup(self->a.fd, &resending_client, "id",
					"0123456789abcdef", 16));
	ino = dtls_test_ino(self->a.fd);
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), self->a.fd, 0, msg,
				   sizeof(msg))) TH_LOG("hs-start: %s", msg);
	/* The peer never answers: the ClientHello comes again and again. */
	while (hellos < 3 && poll(&pfd, 1, 2000) == 1)
		if (recv(self->peer_fd, buf, sizeof(buf), 0) > 0)
			hellos++;
	ASSERT_EQ(3, hellos);

	addrform_finish(_metadata, self);
	/*
	 * Drain what left before (a send that began before the call may
	 * still be on its way); then, three resend intervals: nothing.
	 */
	usleep(300000);
	while (recv(self->peer_fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	EXPECT_EQ(0, poll(&pfd, 1, 700));

	EXPECT_EQ(0, close(self->a.fd));
	self->a.fd = -1;
	EXPECT_EQ(0, dtls_test_listed(ino));
}

struct tid_call {
	int fd;
	int cpu;	/* cork_thread: run only there, if >= 0 */
	int fifo;	/* cork_thread: SCHED_FIFO at this priority, if > 0 */
	pid_t tid;	/* atomic: set as the thread starts */
	long ret;
	int err;
};

static int pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static void *attach_thread(void *arg)
{
	struct tid_call *a = arg;

	__atomic_store_n(&a->tid, gettid(), __ATOMIC_SEQ_CST);
	a->ret = dtls_sock_attach(dtls_test_nl(), a->fd, NULL, NULL, 0);
	return NULL;
}

static void *cork_thread(void *arg)
{
	struct tid_call *a = arg;

	struct sched_param sp = { .sched_priority = a->fifo };

	if ((a->cpu >= 0 && pin_to_cpu(a->cpu)) ||
	    (a->fifo > 0 && sched_setscheduler(0, SCHED_FIFO, &sp))) {
		a->err = errno;
		return NULL;
	}
	__atomic_store_n(&a->tid, gettid(), __ATOMIC_SEQ_CST);
	a->ret = send(a->fd, "PLAINTEXT", 9, MSG_MORE);
	a->err = errno;
	return NULL;
}

/* The thread's id once it runs; 0 if it has not within 10 s. */
static pid_t tid_of(struct tid_call *a)
{
	pid_t tid;
	int ms = 0;

	while (!(tid = __atomic_load_n(&a->tid, __ATOMIC_SEQ_CST)) &&
	       ms++ < 10000)
		usleep(1000);
	return tid;
}

/*
 * A send(MSG_MORE) that began before the attach (UDP's sendmsg, waiting
 * for the socket lock the attach holds) corks its plaintext after it.
 * It must never leave: the keys drop it, and the next record goes out
 * alone.  It did go out, the record appended to the plaintext.
 */
TEST(corked_before_attach)
{
	struct dtls12_crypto_info_aes_gcm_128 ci = {
		.info = { .version = DTLS_1_2_VERSION,
			  .cipher_type = DTLS_CIPHER_AES_GCM_128, .epoch = 1 },
	};
	struct tid_call at = { .ret = -1, .cpu = -1 },
			ck = { .ret = -1, .cpu = -1 };
	struct dtls_test_lock_holder h;
	union dtls_test_addr peer;
	struct dtls_test_uffd u;
	struct pollfd pfd;
	pthread_t ht, att, ckt;
	int peer_fd, fd, err;
	uint8_t buf[128];
	ssize_t n;

	err = dtls_test_uffd_open(&u);
	if (err == -ENOSYS || err == -EPERM) {
		dtls_test_uffd_close(&u);
		SKIP(return, "no userfaultfd: %s", strerror(-err));
	}
	ASSERT_EQ(0, err);
	peer_fd = dtls_test_udp_bound(AF_INET6, &peer);
	ASSERT_LE(0, peer_fd);
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, connect(fd, &peer.sa, sizeof(peer.in6)));
	ASSERT_NE(NULL, dtls_test_nl());

	/* The socket's lock held; the attach waits for it, then the send. */
	h.fd = fd;
	h.u = &u;
	ASSERT_EQ(0, pthread_create(&ht, NULL, dtls_test_hold_lock, &h));
	ASSERT_EQ(0, dtls_test_uffd_wait(&u, 10000));
	at.fd = ck.fd = fd;
	ASSERT_EQ(0, pthread_create(&att, NULL, attach_thread, &at));
	ASSERT_EQ(0, dtls_test_wait_wchan(tid_of(&at), "__lock_sock", 10000));
	ASSERT_EQ(0, pthread_create(&ckt, NULL, cork_thread, &ck));
	ASSERT_EQ(0, dtls_test_wait_wchan(tid_of(&ck), "__lock_sock", 10000));
	ASSERT_EQ(0, dtls_test_uffd_serve(&u, "", 1));
	pthread_join(ht, NULL);
	pthread_join(att, NULL);
	pthread_join(ckt, NULL);
	dtls_test_uffd_close(&u);
	/* The lock's waiters, in turn: the attach, then the corked send. */
	ASSERT_EQ(0, at.ret);
	ASSERT_EQ(9, ck.ret) TH_LOG("send(MSG_MORE): %s", strerror(ck.err));

	/* The keys drop it; the record leaves alone. */
	ASSERT_EQ(0, setsockopt(fd, SOL_DTLS, DTLS_TX, &ci, sizeof(ci)));
	EXPECT_EQ(6, send(fd, "record", 6, 0));
	pfd.fd = peer_fd;
	pfd.events = POLLIN;
	ASSERT_EQ(1, poll(&pfd, 1, 2000));
	n = recv(peer_fd, buf, sizeof(buf), 0);
	/* Header 13, explicit nonce 8, the 6 bytes, tag 16. */
	EXPECT_EQ(13 + 8 + 6 + 16, n);
	EXPECT_EQ(DTLS_RECORD_TYPE_DATA, buf[0]);
	close(fd);
	EXPECT_EQ(0, poll(&pfd, 1, 300));
	close(peer_fd);
}

/*
 * The same send, let take the lock only after the kernel handshake has
 * started: it is a SCHED_FIFO thread of priority 1 on CPU 1 and waits,
 * woken, behind one of priority 2 spinning there.  Neither RT throttling
 * nor 6.12's fair server lets it run meanwhile: they pause every RT
 * thread of the CPU, and run only fair ones.  The handshake's resends
 * drop the plaintext and go on.  Before, every one failed with EBUSY
 * until the handshake timed out.
 */
struct cpu_hog {
	int cpu;
	int running;	/* atomic: 1 spinning, -1 could not */
	int stop;	/* atomic */
};

static void *hog_thread(void *arg)
{
	struct sched_param sp = { .sched_priority = 2 };
	struct cpu_hog *h = arg;
	struct timespec t0, t;

	if (pin_to_cpu(h->cpu) || sched_setscheduler(0, SCHED_FIFO, &sp)) {
		__atomic_store_n(&h->running, -1, __ATOMIC_SEQ_CST);
		return NULL;
	}
	__atomic_store_n(&h->running, 1, __ATOMIC_SEQ_CST);
	/*
	 * About 5 s at most (the test needs one): the CPU's kernel threads
	 * get only what RT throttling leaves meanwhile.
	 */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!__atomic_load_n(&h->stop, __ATOMIC_SEQ_CST)) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 5)
			break;
	}
	return NULL;
}

FIXTURE(late_cork) {
	struct dtls_test_uffd u;
	struct cpu_hog hog;
	/* Here, not on the test's stack, which a failed ASSERT leaves. */
	struct tid_call at, ck;
	struct dtls_test_lock_holder h;
	pthread_t hog_t, ht, att, ckt;
	bool hogging, holding, attaching, corking;
	int fd, peer_fd;
};

FIXTURE_SETUP(late_cork)
{
	int err;

	self->fd = self->peer_fd = -1;
	err = dtls_test_uffd_open(&self->u);
	if (err == -ENOSYS || err == -EPERM)
		SKIP(return, "no userfaultfd: %s", strerror(-err));
	ASSERT_EQ(0, err);
	ASSERT_LE(2, sysconf(_SC_NPROCESSORS_ONLN));
	/* The test's threads on CPU 0 (inherited), the waiting send on 1. */
	ASSERT_EQ(0, pin_to_cpu(0));
}

FIXTURE_TEARDOWN(late_cork)
{
	if (self->hogging) {
		__atomic_store_n(&self->hog.stop, 1, __ATOMIC_SEQ_CST);
		pthread_join(self->hog_t, NULL);
	}
	/* Closing the uffd lets the holder, then the waiters, go on. */
	dtls_test_uffd_close(&self->u);
	if (self->holding)
		pthread_join(self->ht, NULL);
	if (self->attaching)
		pthread_join(self->att, NULL);
	if (self->corking)
		pthread_join(self->ckt, NULL);
	if (self->fd >= 0)
		close(self->fd);
	if (self->peer_fd >= 0)
		close(self->peer_fd);
}

/*
 * A ClientHello (or its resend) at @peer_fd within @ms, and no
 * plaintext: 0, -1 if none came, -2 if something else did.
 */
static int next_hello(int peer_fd, int ms)
{
	struct pollfd pfd = { .fd = peer_fd, .events = POLLIN };
	uint8_t buf[2048];
	ssize_t n;

	if (poll(&pfd, 1, ms) != 1)
		return -1;
	n = recv(peer_fd, buf, sizeof(buf), 0);
	/* Record header 13, handshake header 12; ClientHello is 1. */
	if (n < 25 || buf[0] != DTLS_RECORD_TYPE_HANDSHAKE || buf[13] != 1 ||
	    memmem(buf, n, "PLAINTEXT", 9))
		return -2;
	return 0;
}

TEST_F(late_cork, handshake_drops_it)
{
	struct tid_call *at = &self->at, *ck = &self->ck;
	struct pollfd pfd = { .events = POLLIN };
	union dtls_test_addr peer;
	char msg[128] = "";
	int err;

	self->peer_fd = dtls_test_udp_bound(AF_INET6, &peer);
	ASSERT_LE(0, self->peer_fd);
	self->fd = socket(AF_INET6, SOCK_DGRAM, 0);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, connect(self->fd, &peer.sa, sizeof(peer.in6)));
	ASSERT_NE(NULL, dtls_test_nl());

	/* The lock held; the attach, then the send (on CPU 1) wait for it. */
	self->h.fd = self->fd;
	self->h.u = &self->u;
	ASSERT_EQ(0, pthread_create(&self->ht, NULL, dtls_test_hold_lock,
				    &self->h));
	self->holding = true;
	ASSERT_EQ(0, dtls_test_uffd_wait(&self->u, 10000));
	at->fd = ck->fd = self->fd;
	at->ret = ck->ret = -1;
	at->cpu = -1;
	ck->cpu = 1;
	ck->fifo = 1;
	ASSERT_EQ(0, pthread_create(&self->att, NULL, attach_thread, at));
	self->attaching = true;
	ASSERT_EQ(0, dtls_test_wait_wchan(tid_of(at), "__lock_sock", 10000));
	ASSERT_EQ(0, pthread_create(&self->ckt, NULL, cork_thread, ck));
	self->corking = true;
	ASSERT_NE(0, tid_of(ck))
		TH_LOG("SCHED_FIFO on CPU 1: %s", strerror(ck->err));
	ASSERT_EQ(0, dtls_test_wait_wchan(tid_of(ck), "__lock_sock", 10000));

	/* CPU 1 taken: the send, woken when the attach is done, waits. */
	self->hog.cpu = 1;
	ASSERT_EQ(0, pthread_create(&self->hog_t, NULL, hog_thread,
				    &self->hog));
	self->hogging = true;
	while (!__atomic_load_n(&self->hog.running, __ATOMIC_SEQ_CST))
		usleep(1000);
	ASSERT_EQ(1, self->hog.running);
	ASSERT_EQ(0, dtls_test_uffd_serve(&self->u, "", 1));
	pthread_join(self->ht, NULL);
	self->holding = false;
	pthread_join(self->att, NULL);
	self->attaching = false;
	ASSERT_EQ(0, at->ret);

	/* The handshake starts; its ClientHello leaves. */
	ASSERT_EQ(0, dtls_hs_config(dtls_test_nl(), self->fd, 0,
				    &resending_client, msg, sizeof(msg)))
		TH_LOG("%s", msg);
	ASSERT_EQ(0, dtls_psk_add(dtls_test_nl(), self->fd, 0, "id", 2,
				  "0123456789abcdef", 16, 0, msg,
				  sizeof(msg))) TH_LOG("%s", msg);
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), self->fd, 0, msg,
				   sizeof(msg))) TH_LOG("hs-start: %s", msg);
	ASSERT_EQ(0, next_hello(self->peer_fd, 2000));
	/* Only now does the send take the lock, and cork. */
	ASSERT_EQ(-1, __atomic_load_n(&ck->ret, __ATOMIC_SEQ_CST))
		TH_LOG("the send went before the handshake");
	__atomic_store_n(&self->hog.stop, 1, __ATOMIC_SEQ_CST);
	pthread_join(self->hog_t, NULL);
	self->hogging = false;
	pthread_join(self->ckt, NULL);
	self->corking = false;
	ASSERT_EQ(9, ck->ret) TH_LOG("send(MSG_MORE): %s", strerror(ck->err));

	/*
	 * The resends go on, each alone: whatever came meanwhile (a resend
	 * the hog held up may come with the send), then two more.
	 */
	while ((err = next_hello(self->peer_fd, 0)) == 0)
		;
	EXPECT_EQ(-1, err);
	EXPECT_EQ(0, next_hello(self->peer_fd, 2000));
	EXPECT_EQ(0, next_hello(self->peer_fd, 2000));
	close(self->fd);
	self->fd = -1;
	/* Nothing of the plaintext, ever. */
	pfd.fd = self->peer_fd;
	while (poll(&pfd, 1, 300) == 1)
		EXPECT_NE(-2, next_hello(self->peer_fd, 0));
}

TEST_HARNESS_MAIN
