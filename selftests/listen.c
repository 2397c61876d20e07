// SPDX-License-Identifier: GPL-2.0
/*
 * Listening sockets: listen(2) on an attached, bound UDP socket whose
 * kernel handshake is configured as a server (not started) makes it a
 * listener.  It answers ClientHellos with stateless cookies, runs each
 * client's handshake on a child socket of its own, and hands established
 * sessions out with accept4(2).  Every test runs in a network namespace of
 * its own (the counters of /proc/net/dtls_stat start at zero there, and
 * addresses can be added to lo).  Tested:
 *  - many_clients (IPv4, IPv6): 12 kernel clients against one listener,
 *    all accepted; each child established with epoch-1 keys on both
 *    sides, its peer the right client, its local address the listener's,
 *    a ping-pong with a payload of its own (a mix-up of sessions shows);
 *    DTLS_LISTEN_INFO before, during and after; EAGAIN and epoll on the
 *    listener; one record per recv and epoll on a child; the
 *    DtlsListenSpawned and DtlsListenAccepted counters;
 *  - flood_other_source (IPv4, IPv6): cookie-less ClientHellos from many
 *    ports of one address while a kernel client on a second address of
 *    lo completes; the per-source rate limit (DtlsListenRatelimited, the
 *    HelloVerifyRequests the flood gets), pending within max_pending;
 *  - address_reuse (IPv4, IPv6): a client says close_notify, its child
 *    reads it, closes and sends its own; a new client on the same address
 *    and port gets a new session;
 *  - openssl_clients: three `openssl s_client -dtls1_2` with a PSK,
 *    data both ways, each line on its own session (SKIP without openssl);
 *    gnutls_clients: the same with three `gnutls-cli --udp`;
 *  - vanished_client: a hand-made client answers the HelloVerifyRequest
 *    and goes silent; others are accepted while it is pending; it goes at
 *    the handshake time-out, not before;
 *  - handshake_buffers_in_cgroup: what a peer makes a kernel handshake
 *    hold (here reassembly buffers) is charged to the listener's memory
 *    cgroup, though the handshake runs in a kernel worker;
 *  - psk_copies_in_cgroup: a listener with 64 PSKs: each session's copy
 *    of them is charged to its memory cgroup;
 *  - handshake_at_memory_limit: remote peers fill the listener's cgroup
 *    to its memory.max: new sessions fail (DtlsListenNoMemory,
 *    DtlsHsFailed), never the OOM killer called (memory.events "oom");
 *  - hello_over_udp_mem: a session whose ClientHello UDP's hard limit
 *    (net.ipv4.udp_mem) refuses is reaped at once, not left pending; the
 *    client's resend, the limit lifted, gets a new session;
 *  - wildcard_reply_source: a listener on 0.0.0.0, a client connected to
 *    127.0.0.2: the cookie exchange and the session answer from 127.0.0.2,
 *    close_notify included;
 *  - max_pending: four cookie ClientHellos at max_pending 2: two sessions,
 *    two drops (DtlsListenPendingFull); then the slots free at time-out;
 *    six kernel clients at once through the two slots all complete;
 *  - backlog_full: listen(fd, 1); a second client waits while the first
 *    session is not accepted (DtlsListenBacklogFull), completes after;
 *  - close_listener: an accepted child (its queued record, then EOF,
 *    EPIPE, EPOLLHUP|EPOLLRDHUP), a pending handshake (its client fails),
 *    an unaccepted session; nothing leaks (module references, sockets);
 *  - close_under_load: 20 rounds of a listener closed (after a shutdown
 *    or not) at varying moments while 8 clients handshake and 2 sessions
 *    are accepted: the accepted ones are shut down, nothing leaks;
 *  - concurrent_accept: two threads in blocking accept; ten clients; each
 *    session accepted once; then one thread is cancelled in accept, the
 *    other woken by shutdown(SHUT_RD) (EINVAL);
 *  - kept_final_flight: the child's last flight lost once; the client's
 *    resend brings it again (DTLS_FINAL_FLIGHT, netlink); then
 *    DTLS_FINAL_FLIGHT_DROP on the child;
 *  - replayed_hello: the client's cookie ClientHello replayed from its
 *    address after the session was accepted: no new session;
 *  - replayed_hello_evicts_nothing: the same replay while the one
 *    handshake slot is held by a peer past the eviction age: nothing is
 *    evicted; a new peer's ClientHello then evicts it;
 *  - gro_session: UDP_GRO on the listener while the handshake runs; the
 *    client's UDP_SEGMENT batch read on the session with UDP_GRO as one
 *    message with UDP's segment size, one record a read without;
 *  - restart_same_address (IPv4, IPv6): a new client from the address
 *    and port of an accepted session (RFC 6347 4.2.8): a new session, the
 *    old one reset (ECONNRESET, EOF, EPIPE); restart_session_lock_held:
 *    the new session made while the old one's owner holds its lock;
 *    restart_shut_held: 8 restarts while the first ended session's lock
 *    is held: each later ended session reads ECONNRESET meanwhile, none
 *    refused (DtlsListenShutFull); the held one once let go;
 *  - user_handshake (IPv4, IPv6), user_raw_peer: a listener without a
 *    kernel handshake; libssl runs each session's handshake on the
 *    accepted socket, keys go in with setsockopt;
 *  - user_session_handshake_listener_gone: the kernel's handshake on a
 *    user-space listener's accepted session, its peer silent; the
 *    listener closes: its handshake ends with the close (ECONNABORTED),
 *    no flight leaves the session again, none starts on another;
 *  - sessions_in_callers_cgroup: the sessions' slab and queued
 *    datagrams charged to the memory cgroup of the listener;
 *  - listen_errors: listen() on a socket kdtls never saw, attached
 *    without a handshake, client role, unbound, no credentials,
 *    connected, handshake started; a second listen() sets the backlog;
 *    hs-start on a listener, hs-config of the client role on one;
 *    accept4 on a socket that is not a listener;
 *  - sockopt_limits: the defaults, the bounds of DTLS_LISTEN_MAX_PENDING,
 *    _ACCEPT_MS and _RATE, short option lengths, DTLS_LISTEN_INFO;
 *  - stray_datagrams: DTLS that is not a ClientHello from an unknown
 *    peer is dropped (DtlsListenNoSession); a datagram that is not DTLS
 *    is read from the listener with recvfrom; a blocking accept honours
 *    SO_RCVTIMEO;
 *  - accept_timeout: a session waiting under the default life goes at
 *    once when DTLS_LISTEN_ACCEPT_MS is lowered; at 500 ms a session never
 *    accepted goes (DtlsListenExpired), not before its time; an accepted
 *    one stays;
 *  - dual_stack: an IPv6 listener on the wildcard address: an IPv4
 *    client's session (v4-mapped peer and local addresses) and an IPv6
 *    one side by side;
 *  - dual_stack_close_notify_sendmsg_hook: with a cgroup/sendmsg4 BPF
 *    program on the system (UDP then takes the socket lock for a send to
 *    a v4-mapped peer), an IPv4 client's session's close and the
 *    listener's close both return and send close_notify;
 *  - close_listener_session_lock_held: the listener's close waits for
 *    the lock of an accepted session whose owner holds it; another
 *    session's close returns meanwhile (and sends its close_notify);
 *  - template_and_failure: a session whose handshake fails (unknown PSK
 *    identity) leaves nothing to accept and leaves the table; a PSK added
 *    after listen() serves the next sessions.
 */
#include <linux/bpf.h>
#include <linux/udp.h>
#include <net/if.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/time.h>

#include <openssl/ssl.h>

#include "dtls_openssl.h"
#include "dtls_test.h"
#include "peer.h"
#include "kselftest_harness.h"

#define PSK_ID		"listen-client"
#define PSK_KEY		"listen-selftest-key-0123456789ab"
#define SUITE		0x00a8		/* PSK-AES128-GCM-SHA256 */
#define OSSL_CIPHER	"PSK-AES128-GCM-SHA256"
#define GNUTLS_PRIO	"NORMAL:-VERS-ALL:+VERS-DTLS1.2:-KX-ALL:+PSK:-CIPHER-ALL:+AES-128-GCM"
/* For what must come: TCG guests are slow, openssl starts slower. */
#define WAIT_MS		60000
/* For what must not come: long enough for a late answer to show up. */
#define QUIET_MS	1500
#define MAX_CLI		16
#define MAX_RAW		4
#define N_OSSL		3

/* The flood test's second source address, on lo. */
#define ALT_V4		"127.0.0.2"
#define ALT_V6		"2001:db8:6c::2"

#define REC_CCS		20
#define REC_ALERT	21
#define REC_HS		22
#define HT_CH		1
#define HT_SH		2
#define HT_HVR		3
#define HT_CKE		16

/* ------------------------------------------------------------ bytes */

static uint8_t *put8(uint8_t *p, unsigned int v)
{
	*p = v;
	return p + 1;
}

static uint8_t *put16(uint8_t *p, unsigned int v)
{
	p[0] = v >> 8;
	p[1] = v;
	return p + 2;
}

static uint8_t *put24(uint8_t *p, uint32_t v)
{
	p[0] = v >> 16;
	p[1] = v >> 8;
	p[2] = v;
	return p + 3;
}

static uint8_t *put48(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 6; i++)
		p[i] = v >> (40 - 8 * i);
	return p + 6;
}

static uint8_t *putb(uint8_t *p, const void *v, size_t n)
{
	memcpy(p, v, n);
	return p + n;
}

/*
 * An epoch-0 record holding the first @flen bytes (@body) of a handshake
 * message of @type, @len bytes long, message_seq @msg_seq.
 */
static size_t hs_record(uint8_t *out, uint64_t rec_seq, uint8_t type,
			uint16_t msg_seq, uint32_t len, const uint8_t *body,
			uint32_t flen)
{
	uint8_t *p = out;

	p = put8(p, REC_HS);
	p = put16(p, DTLS_1_2_VERSION);
	p = put16(p, 0);			/* epoch */
	p = put48(p, rec_seq);
	p = put16(p, 12 + flen);
	p = put8(p, type);
	p = put24(p, len);
	p = put16(p, msg_seq);
	p = put24(p, 0);			/* fragment offset */
	p = put24(p, flen);
	p = putb(p, body, flen);
	return p - out;
}

/*
 * A datagram holding one ClientHello (DTLS 1.2, our one suite, the
 * extended master secret and an empty renegotiation_info), with
 * @cookie: its length.
 */
static size_t hello_build(uint8_t *out, const uint8_t rnd[32],
			  const uint8_t *cookie, uint8_t clen,
			  uint64_t rec_seq, uint16_t msg_seq)
{
	uint8_t body[512], *p = body;
	size_t blen;

	p = put16(p, DTLS_1_2_VERSION);
	p = putb(p, rnd, 32);
	p = put8(p, 0);				/* session_id */
	p = put8(p, clen);
	p = putb(p, cookie, clen);
	p = put16(p, 2);
	p = put16(p, SUITE);
	p = put8(p, 1);				/* compression: null */
	p = put8(p, 0);
	p = put16(p, 9);			/* extensions */
	p = put16(p, 23);			/* extended_master_secret */
	p = put16(p, 0);
	p = put16(p, 0xff01);			/* renegotiation_info */
	p = put16(p, 1);
	p = put8(p, 0);
	blen = p - body;
	return hs_record(out, rec_seq, HT_CH, msg_seq, blen, body, blen);
}

/* Does a record of @type come in the datagram @d? */
static bool has_record(const uint8_t *d, size_t n, uint8_t type)
{
	size_t off = 0;

	while (off + 13 <= n) {
		if (d[off] == type)
			return true;
		off += 13 + (d[off + 11] << 8 | d[off + 12]);
	}
	return false;
}

/* A client's flight 5 begins: its ClientKeyExchange, CCS, or epoch 1. */
static bool starts_flight5(const uint8_t *d, size_t n)
{
	size_t off = 0;

	while (off + 13 <= n) {
		if (d[off] == REC_CCS || d[off + 3] || d[off + 4] ||
		    (d[off] == REC_HS && off + 13 < n && d[off + 13] == HT_CKE))
			return true;
		off += 13 + (d[off + 11] << 8 | d[off + 12]);
	}
	return false;
}

/* Is @d a ClientHello with a cookie (the second one of a client)? */
static bool is_cookie_hello(const uint8_t *d, size_t n)
{
	size_t sid;

	/* record header 13, handshake header 12, version 2, random 32 */
	if (n < 13 + 12 + 35 || d[0] != REC_HS || d[3] || d[4] ||
	    d[13] != HT_CH)
		return false;
	sid = d[25 + 34];
	if (n < 25 + 35 + sid + 1)
		return false;
	return d[25 + 35 + sid] > 0;
}

/* ------------------------------------------------------- small helpers */

static void timeo(int fd, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000,
			      .tv_usec = (ms % 1000) * 1000 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Blocking, with time-outs: for the plain send/recv of the checks. */
static void blocking(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	timeo(fd, 30000);
}

static int lo_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), ret;

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	ret = ioctl(fd, SIOCGIFFLAGS, &ifr);
	if (!ret) {
		ifr.ifr_flags |= IFF_UP;
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return ret;
}

static uint16_t port_of(const union dtls_test_addr *a)
{
	return ntohs(a->sa.sa_family == AF_INET6 ? a->in6.sin6_port :
						   a->in4.sin_port);
}

static int set_u32(int fd, int opt, uint32_t v)
{
	return setsockopt(fd, SOL_DTLS, opt, &v, sizeof(v)) ? -errno : 0;
}

/* The option's value, or UINT32_MAX on error. */
static uint32_t get_u32(int fd, int opt)
{
	socklen_t len = sizeof(uint32_t);
	uint32_t v;

	if (getsockopt(fd, SOL_DTLS, opt, &v, &len) || len != sizeof(v))
		return UINT32_MAX;
	return v;
}

static int linfo(int lfd, struct dtls_listen_info *li)
{
	socklen_t len = sizeof(*li);

	memset(li, 0xff, sizeof(*li));
	if (getsockopt(lfd, SOL_DTLS, DTLS_LISTEN_INFO, li, &len))
		return -errno;
	return len == sizeof(*li) ? 0 : -EMSGSIZE;
}

/* Wait up to @ms for a field of DTLS_LISTEN_INFO to be @want: its last value. */
static uint32_t wait_li(int lfd, size_t off, uint32_t want, int ms)
{
	int64_t end = now_ms() + ms;
	struct dtls_listen_info li;
	uint32_t v;

	for (;;) {
		v = linfo(lfd, &li) ? UINT32_MAX :
				      *(uint32_t *)((char *)&li + off);
		if (v == want || now_ms() >= end)
			return v;
		usleep(10000);
	}
}

#define WAIT_LI(lfd, field, want, ms)					\
	wait_li(lfd, offsetof(struct dtls_listen_info, field), want, ms)

static long long stat_of(const char *name)
{
	return dtls_test_proc_stat(name);
}

/* Wait up to @ms for the counter @name to reach @want: its last value. */
static long long wait_stat(const char *name, long long want, int ms)
{
	int64_t end = now_ms() + ms;
	long long v;

	for (;;) {
		v = stat_of(name);
		if (v >= want || now_ms() >= end)
			return v;
		usleep(10000);
	}
}

static uint32_t hs_state(int fd)
{
	struct dtls_hs_info i;

	return dtls_hs_get(dtls_test_nl(), fd, 0, &i, NULL, 0) ? 0 : i.state;
}

/* The handshake of the client @fd settles within @ms: its state. */
static int wait_client(int fd, int ms)
{
	struct dtls_hs_info i;
	int st = dtls_test_hs_settle(fd, ms, &i);

	if (st != DTLS_HS_STATE_ESTABLISHED)
		dtls_test_hs_show("client", fd);
	return st;
}

/* Nonzero bytes for ClientHello randoms. */
static void fill_random(uint8_t *p, size_t n)
{
	while (n--)
		*p++ = random();
}

/* ------------------------------------------------------------ the relay */

/*
 * A UDP relay in a thread of the test, between one client and the
 * listener: the client sends to @self; the listener sees the relay's
 * address as the client's.  It can drop the listener's datagrams that
 * hold a ChangeCipherSpec (@drop_ccs of them), drop everything of the
 * client's from its flight 5 on (@block_flight5), keeps the client's last
 * ClientHello with a cookie, and can send as the client (relay_inject).
 */
struct relay {
	int fd;
	union dtls_test_addr self, server, client;
	bool have_client;
	int drop_ccs;
	int dropped;
	bool block_flight5;
	bool blocking;
	int blocked;
	uint8_t hello[1024];
	size_t hello_len;
	volatile bool stop;
	bool running;
	pthread_t thread;
	pthread_mutex_t lock;
};

static void *relay_run(void *arg)
{
	struct relay *r = arg;
	socklen_t alen = dtls_test_addr_len(r->server.sa.sa_family);
	uint8_t buf[4096];

	while (!r->stop) {
		struct pollfd p = { .fd = r->fd, .events = POLLIN };
		union dtls_test_addr from;
		socklen_t flen = sizeof(from);
		ssize_t n;

		if (poll(&p, 1, 50) <= 0)
			continue;
		n = recvfrom(r->fd, buf, sizeof(buf), 0, &from.sa, &flen);
		if (n <= 0)
			continue;
		pthread_mutex_lock(&r->lock);
		if (dtls_test_same_addr(&from, &r->server)) {
			bool drop = r->drop_ccs > 0 &&
				    has_record(buf, n, REC_CCS);

			if (drop) {
				r->drop_ccs--;
				r->dropped++;
			} else if (r->have_client) {
				sendto(r->fd, buf, n, 0, &r->client.sa, alen);
			}
		} else {
			if (!r->have_client) {
				r->client = from;
				r->have_client = true;
			}
			if (dtls_test_same_addr(&from, &r->client)) {
				if (r->block_flight5 && starts_flight5(buf, n))
					r->blocking = true;
				if (is_cookie_hello(buf, n) &&
				    (size_t)n <= sizeof(r->hello)) {
					memcpy(r->hello, buf, n);
					r->hello_len = n;
				}
				if (r->blocking)
					r->blocked++;
				else
					sendto(r->fd, buf, n, 0, &r->server.sa,
					       alen);
			}
		}
		pthread_mutex_unlock(&r->lock);
	}
	return NULL;
}

static int relay_start(struct relay *r, const union dtls_test_addr *server,
		       int drop_ccs, bool block_flight5)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	r->server = *server;
	r->drop_ccs = drop_ccs;
	r->block_flight5 = block_flight5;
	r->fd = dtls_test_udp_bound(server->sa.sa_family, &r->self);
	if (r->fd < 0)
		return -1;
	if (pthread_create(&r->thread, NULL, relay_run, r)) {
		close(r->fd);
		r->fd = -1;
		return -1;
	}
	r->running = true;
	return 0;
}

static void relay_stop(struct relay *r)
{
	if (!r->running)
		return;
	r->stop = true;
	pthread_join(r->thread, NULL);
	close(r->fd);
	r->fd = -1;
	r->running = false;
}

/* The next client to send is the relay's client from now on. */
static void relay_forget(struct relay *r)
{
	pthread_mutex_lock(&r->lock);
	r->have_client = false;
	r->hello_len = 0;
	pthread_mutex_unlock(&r->lock);
}

/* As if from the client: the listener sees the relay's address. */
static void relay_inject(struct relay *r, const void *buf, size_t n)
{
	sendto(r->fd, buf, n, 0, &r->server.sa,
	       dtls_test_addr_len(r->server.sa.sa_family));
}

static int relay_get(struct relay *r, int *field)
{
	int v;

	pthread_mutex_lock(&r->lock);
	v = *field;
	pthread_mutex_unlock(&r->lock);
	return v;
}

/* ------------------------------------------------------ a test's world */

struct lctx {
	int family;
	socklen_t alen;
	int lfd;
	union dtls_test_addr la;		/* the listener's address */
	int cli[MAX_CLI];
	union dtls_test_addr ca[MAX_CLI];	/* each client's */
	int child[MAX_CLI];			/* the session of cli[i] */
	int raw[MAX_RAW];
	struct relay r;
	struct peer peer[N_OSSL];
};

static void ctx_init(struct __test_metadata *_metadata, struct lctx *c,
		     int family)
{
	int i;

	memset(c, 0, sizeof(*c));
	c->family = family;
	c->alen = dtls_test_addr_len(family);
	c->lfd = -1;
	c->r.fd = -1;
	for (i = 0; i < MAX_CLI; i++)
		c->cli[i] = c->child[i] = -1;
	for (i = 0; i < MAX_RAW; i++)
		c->raw[i] = -1;
	for (i = 0; i < N_OSSL; i++)
		peer_init(&c->peer[i]);
	srandom(getpid() ^ now_ms());
	signal(SIGPIPE, SIG_IGN);
	/* A netns of our own: fresh counters, room for more addresses. */
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, lo_up());
}

static void ctx_fini(struct lctx *c)
{
	int i;

	relay_stop(&c->r);
	for (i = 0; i < N_OSSL; i++)
		peer_cleanup(&c->peer[i]);
	for (i = 0; i < MAX_CLI; i++) {
		if (c->child[i] >= 0)
			close(c->child[i]);
		if (c->cli[i] >= 0)
			close(c->cli[i]);
	}
	for (i = 0; i < MAX_RAW; i++)
		if (c->raw[i] >= 0)
			close(c->raw[i]);
	if (c->lfd >= 0)
		close(c->lfd);
}

/*
 * The listener: bound to loopback, a PSK server handshake with cookies
 * configured (not started), then listen(@backlog) unless @backlog < 0.
 * It is O_NONBLOCK: accept4's SOCK_NONBLOCK is the new socket's, and
 * whether accept() waits is the listener's own file flag, as for TCP.
 * 0 or -1 (the reason on stderr).
 */
static int listener_up(struct lctx *c, uint32_t rto, uint32_t timeout,
		       int backlog)
{
	uint16_t suite = SUITE;
	struct dtls_hs_config cfg = {
		.role = DTLS_HS_ROLE_SERVER, .suites = &suite, .n_suites = 1,
		.rto_initial_ms = rto, .rto_max_ms = 60000,
		.timeout_ms = timeout, .cookies = 1,
	};

	c->lfd = dtls_test_udp_bound(c->family, &c->la);
	if (c->lfd < 0) {
		fprintf(stderr, "# listener socket: %s\n", strerror(errno));
		return -1;
	}
	timeo(c->lfd, 30000);
	if (dtls_test_hs_setup(c->lfd, &cfg, PSK_ID, PSK_KEY, strlen(PSK_KEY)))
		return -1;
	if (backlog >= 0 && listen(c->lfd, backlog)) {
		fprintf(stderr, "# listen: %s\n", strerror(errno));
		return -1;
	}
	return fcntl(c->lfd, F_SETFL, O_NONBLOCK);
}

static int set_blocking(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -1 : fcntl(fd, F_SETFL, on ? fl & ~O_NONBLOCK :
						   fl | O_NONBLOCK);
}

/*
 * Kernel client @i: bound to @from (NULL: loopback, any port), connected
 * to @to (NULL: the listener; its family is the client's), a PSK client
 * handshake with @id and @key started.  0 or -1 (the reason on stderr).
 */
static int client_up_psk(struct lctx *c, int i,
			 const union dtls_test_addr *from,
			 const union dtls_test_addr *to, uint32_t rto,
			 uint32_t rto_max, uint32_t timeout, const char *id,
			 const char *key)
{
	uint16_t suite = SUITE;
	struct dtls_hs_config cfg = {
		.role = DTLS_HS_ROLE_CLIENT, .suites = &suite, .n_suites = 1,
		.rto_initial_ms = rto, .rto_max_ms = rto_max,
		.timeout_ms = timeout, .cookies = -1,
	};
	union dtls_test_addr *a = &c->ca[i];
	int family = to ? to->sa.sa_family : c->family;
	socklen_t len = dtls_test_addr_len(family);
	char msg[128] = "";
	int fd, err;

	fd = socket(family, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	c->cli[i] = fd;
	if (from)
		*a = *from;
	else
		dtls_test_loopback(family, a);
	if (bind(fd, &a->sa, len) || getsockname(fd, &a->sa, &len) ||
	    connect(fd, to ? &to->sa : &c->la.sa, len)) {
		fprintf(stderr, "# client %d: bind/connect: %s\n", i,
			strerror(errno));
		return -1;
	}
	timeo(fd, 30000);
	if (dtls_test_hs_setup(fd, &cfg, id, key, strlen(key)))
		return -1;
	err = dtls_hs_start(dtls_test_nl(), fd, 0, msg, sizeof(msg));
	if (err) {
		fprintf(stderr, "# client %d: hs-start: %s (%s)\n", i,
			strerror(-err), msg);
		return -1;
	}
	return 0;
}

static int client_up(struct lctx *c, int i, const union dtls_test_addr *from,
		     const union dtls_test_addr *to, uint32_t rto,
		     uint32_t rto_max, uint32_t timeout)
{
	return client_up_psk(c, i, from, to, rto, rto_max, timeout, PSK_ID,
			     PSK_KEY);
}

/*
 * accept4(SOCK_NONBLOCK | SOCK_CLOEXEC) within @ms: the child, its peer
 * in @peer; -1 (errno) if none came.
 */
static int accept_wait(int lfd, union dtls_test_addr *peer, int ms)
{
	int64_t end = now_ms() + ms;

	for (;;) {
		struct pollfd p = { .fd = lfd, .events = POLLIN };
		socklen_t len = sizeof(*peer);
		int64_t left = end - now_ms();
		int fd;

		poll(&p, 1, left > 0 ? left : 0);
		fd = accept4(lfd, &peer->sa, &len,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0)
			return fd;
		if (errno != EAGAIN || now_ms() >= end) {
			fprintf(stderr, "# accept4: %s\n", strerror(errno));
			return -1;
		}
	}
}

/* Which client of the first @n has the address @a: its index, or -1. */
static int client_of(const struct lctx *c, int n,
		     const union dtls_test_addr *a)
{
	int i;

	for (i = 0; i < n; i++)
		if (c->cli[i] >= 0 && dtls_test_same_addr(a, &c->ca[i]))
			return i;
	return -1;
}

/*
 * A line each way between client @i and its child, with a nonce: one
 * session's data on another's socket shows.  0 or -1 (on stderr).
 */
static int tagged(int cli, int child, int i)
{
	char out[64], in[128];
	ssize_t r;
	int n;

	n = snprintf(out, sizeof(out), "client %d nonce %08lx", i, random());
	if (send(cli, out, n, 0) != n) {
		fprintf(stderr, "# client %d: send: %s\n", i, strerror(errno));
		return -1;
	}
	r = recv(child, in, sizeof(in), 0);
	if (r != n || memcmp(in, out, n)) {
		fprintf(stderr, "# child of client %d: got %zd (%s): '%.*s'\n",
			i, r, r < 0 ? strerror(errno) : "", r > 0 ? (int)r : 0,
			in);
		return -1;
	}
	n = snprintf(out, sizeof(out), "child of %d nonce %08lx", i, random());
	if (send(child, out, n, 0) != n) {
		fprintf(stderr, "# child of %d: send: %s\n", i, strerror(errno));
		return -1;
	}
	r = recv(cli, in, sizeof(in), 0);
	if (r != n || memcmp(in, out, n)) {
		fprintf(stderr, "# client %d: got %zd (%s): '%.*s'\n", i, r,
			r < 0 ? strerror(errno) : "", r > 0 ? (int)r : 0, in);
		return -1;
	}
	return 0;
}

/*
 * Child c->child[i] of client i: its peer and local addresses, its
 * handshake (server, established, our PSK identity), the keys and record
 * counters of both sides (dtls_test_hs_check), a tagged exchange.
 */
static void check_child(struct __test_metadata *_metadata, struct lctx *c,
			int i)
{
	int fd = c->child[i];
	union dtls_test_addr a;
	socklen_t len = sizeof(a);
	struct dtls_hs_info hi;
	struct dtls_info di;

	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, getpeername(fd, &a.sa, &len));
	EXPECT_EQ(c->alen, len);
	EXPECT_TRUE(dtls_test_same_addr(&a, &c->ca[i]));
	len = sizeof(a);
	ASSERT_EQ(0, getsockname(fd, &a.sa, &len));
	EXPECT_TRUE(dtls_test_same_addr(&a, &c->la));
	len = sizeof(di);
	ASSERT_EQ(0, getsockopt(fd, SOL_DTLS, DTLS_INFO, &di, &len));
	EXPECT_EQ(c->family, di.family);
	EXPECT_EQ(dtls_test_ino(fd), di.ino);	/* the accepted socket's */
	ASSERT_EQ(0, dtls_hs_get(dtls_test_nl(), fd, 0, &hi, NULL, 0));
	EXPECT_EQ(DTLS_HS_ROLE_SERVER, hi.role);
	EXPECT_EQ(DTLS_HS_STATE_ESTABLISHED, hi.state);
	EXPECT_EQ(SUITE, hi.suite);
	EXPECT_EQ(strlen(PSK_ID), hi.peer_id_len);
	EXPECT_EQ(0, memcmp(hi.peer_id, PSK_ID, strlen(PSK_ID)));
	blocking(fd);
	EXPECT_EQ(0, dtls_test_hs_check(c->cli[i], fd, SUITE, 0));
	EXPECT_EQ(0, tagged(c->cli[i], fd, i));
}

/* ----------------------------------------------------- the hand-made peer */

/* A plain UDP socket on @from (NULL: loopback), unconnected. */
static int raw_open(int family, const union dtls_test_addr *from)
{
	union dtls_test_addr a;
	socklen_t len = dtls_test_addr_len(family);
	int fd = socket(family, SOCK_DGRAM, 0);

	if (fd < 0)
		return -1;
	if (from)
		a = *from;
	else
		dtls_test_loopback(family, &a);
	if (bind(fd, &a.sa, len)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Wait up to @ms for a datagram on @fd with an epoch-0 handshake message
 * of @type first in one of its records; its body (up to *@len bytes) into
 * @body if not NULL.  0, or -1 if none came.
 */
static int raw_wait(int fd, uint8_t type, int ms, uint8_t *body, size_t *len)
{
	int64_t end = now_ms() + ms;
	uint8_t buf[4096];

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t left = end - now_ms();
		size_t off = 0;
		ssize_t n;

		if (left <= 0 || poll(&p, 1, left) <= 0)
			return -1;
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		while (n > 0 && off + 13 <= (size_t)n) {
			size_t rl = buf[off + 11] << 8 | buf[off + 12];
			const uint8_t *f = buf + off + 13;

			if (off + 13 + rl > (size_t)n)
				break;
			if (buf[off] == REC_HS && !buf[off + 3] &&
			    !buf[off + 4] && rl >= 12 && f[0] == type) {
				size_t ml = f[9] << 16 | f[10] << 8 | f[11];

				if (ml > rl - 12)
					ml = rl - 12;
				if (body) {
					if (ml > *len)
						ml = *len;
					memcpy(body, f + 12, ml);
					*len = ml;
				}
				return 0;
			}
			off += 13 + rl;
		}
	}
}

/* A ClientHello without cookie, and the HelloVerifyRequest's cookie. */
static int raw_cookie(int fd, const union dtls_test_addr *to,
		      const uint8_t rnd[32], uint8_t *cookie, uint8_t *clen)
{
	uint8_t dg[1024], body[512];
	size_t n, blen = sizeof(body);

	n = hello_build(dg, rnd, NULL, 0, 0, 0);
	if (sendto(fd, dg, n, 0, &to->sa,
		   dtls_test_addr_len(to->sa.sa_family)) != (ssize_t)n)
		return -1;
	if (raw_wait(fd, HT_HVR, 10000, body, &blen)) {
		fprintf(stderr, "# raw client: no HelloVerifyRequest\n");
		return -1;
	}
	if (blen < 3 || body[2] != blen - 3 || !body[2])
		return -1;
	*clen = body[2];
	memcpy(cookie, body + 3, *clen);
	return 0;
}

/* The ClientHello with @cookie. */
static int raw_send_hello(int fd, const union dtls_test_addr *to,
			  const uint8_t rnd[32], const uint8_t *cookie,
			  uint8_t clen)
{
	uint8_t dg[1024];
	size_t n = hello_build(dg, rnd, cookie, clen, 1, 1);

	return sendto(fd, dg, n, 0, &to->sa,
		      dtls_test_addr_len(to->sa.sa_family)) == (ssize_t)n ?
	       0 : -1;
}

/*
 * A session started for the hand-made client @fd: the cookie exchange,
 * the ClientHello with the cookie, the listener's ServerHello.  From
 * then on it says nothing more.  0 or -1.
 */
static int raw_spawn(int fd, const union dtls_test_addr *to)
{
	uint8_t rnd[32], cookie[255], clen;

	fill_random(rnd, sizeof(rnd));
	if (raw_cookie(fd, to, rnd, cookie, &clen) ||
	    raw_send_hello(fd, to, rnd, cookie, clen))
		return -1;
	if (raw_wait(fd, HT_SH, 10000, NULL, NULL)) {
		fprintf(stderr, "# raw client: no ServerHello\n");
		return -1;
	}
	return 0;
}

/* sendmsg() of an alert record (DTLS_SET_RECORD_TYPE 21). */
static ssize_t send_alert(int fd, uint8_t level, uint8_t desc)
{
	uint8_t a[2] = { level, desc };
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(1)];
	} cb;
	struct iovec iov = { a, sizeof(a) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cb.b,
			    .msg_controllen = sizeof(cb.b) };
	struct cmsghdr *cm;

	memset(&cb, 0, sizeof(cb));
	cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_DTLS;
	cm->cmsg_type = DTLS_SET_RECORD_TYPE;
	cm->cmsg_len = CMSG_LEN(1);
	*CMSG_DATA(cm) = REC_ALERT;
	return sendmsg(fd, &m, 0);
}

/* A close_notify alert record comes on @fd within @ms: 0, or -1. */
static int recv_close_notify(int fd, int ms, const char *who)
{
	uint8_t buf[64], type = 0;
	ssize_t n;

	timeo(fd, ms);
	n = dtls_recv_typed(fd, buf, sizeof(buf), 0, &type, NULL, NULL);
	timeo(fd, 30000);
	if (n == 2 && type == REC_ALERT && buf[0] == 1 && buf[1] == 0)
		return 0;
	fprintf(stderr, "# %s: no close_notify: got %zd (%s), type %u\n", who,
		n, n < 0 ? strerror(-n) : "", type);
	return -1;
}

/* ----------------------------------------------------------- fixtures */

FIXTURE(listen) {
	struct lctx c;
};

FIXTURE_VARIANT(listen) {
	int family;
};

FIXTURE_VARIANT_ADD(listen, v4) {
	.family = AF_INET,
};

FIXTURE_VARIANT_ADD(listen, v6) {
	.family = AF_INET6,
};

FIXTURE_SETUP(listen)
{
	ctx_init(_metadata, &self->c, variant->family);
}

FIXTURE_TEARDOWN(listen)
{
	ctx_fini(&self->c);
}

/* IPv4 only */
FIXTURE(l4) {
	struct lctx c;
};

FIXTURE_SETUP(l4)
{
	ctx_init(_metadata, &self->c, AF_INET);
}

static char udp_mem_saved[96];	/* net.ipv4.udp_mem while a test changed it */
static int udp_mem_swap(const char *val, char *old, size_t len);
/* A test's cgroup/sendmsg4 program's cgroup, while the program is on. */
static char hook_cg[128];
static int hook_cg_fd = -1;
static int sendmsg4_hook_off(void);

FIXTURE_TEARDOWN(l4)
{
	char tmp[96];

	/* A test that failed with UDP's limit lowered: the next ones'. */
	if (udp_mem_saved[0] && udp_mem_swap(udp_mem_saved, tmp, sizeof(tmp)))
		TH_LOG("net.ipv4.udp_mem not restored to %s", udp_mem_saved);
	ctx_fini(&self->c);
	/* A test that failed with its BPF program on: not the next ones'. */
	if (sendmsg4_hook_off())
		TH_LOG("%s not removed: %s", hook_cg, strerror(errno));
}

/* ------------------------------------------------------- many clients */

#define N_MANY	12

/* Two records, two reads; epoll on the child says when there is one. */
static void record_per_call(struct __test_metadata *_metadata, int cli,
			    int child)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	char buf[256];
	int ep = epoll_create1(EPOLL_CLOEXEC);

	ASSERT_GE(ep, 0);
	ev.data.fd = child;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, child, &ev));
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
	ASSERT_EQ(5, send(cli, "first", 5, 0));
	ASSERT_EQ(7, send(cli, "second!", 7, 0));
	EXPECT_EQ(1, epoll_wait(ep, &out, 1, 10000));
	EXPECT_TRUE(out.events & EPOLLIN);
	EXPECT_EQ(5, recv(child, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "first", 5));
	EXPECT_EQ(7, recv(child, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "second!", 7));
	EXPECT_EQ(-1, recv(child, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
	close(ep);
}

TEST_F_TIMEOUT(listen, many_clients, 180)
{
	struct lctx *c = &self->c;
	long long spawned0 = stat_of("DtlsListenSpawned");
	long long accepted0 = stat_of("DtlsListenAccepted");
	struct epoll_event ev = { .events = EPOLLIN }, out;
	struct dtls_listen_info li;
	struct dtls_sock_info si;
	uint32_t max_pending = 0;
	bool seen[N_MANY] = {};
	int ep, i, k, fd, done;
	int64_t end;

	ASSERT_EQ(0, spawned0);	/* a netns of our own */
	ASSERT_EQ(0, listener_up(c, 500, WAIT_MS, 16));
	/* 12 clients of one address, two hellos each: over the default burst. */
	ASSERT_EQ(0, set_u32(c->lfd, DTLS_LISTEN_RATE, 1000));
	ASSERT_EQ(0, linfo(c->lfd, &li));
	EXPECT_EQ(0, li.sessions);
	EXPECT_EQ(0, li.pending);
	EXPECT_EQ(0, li.ready);
	EXPECT_EQ(16, li.backlog);
	EXPECT_EQ(DTLS_LISTEN_MAX_PENDING_DEFAULT, li.max_pending);
	EXPECT_EQ(DTLS_LISTEN_ACCEPT_MS_DEFAULT, li.accept_ms);
	EXPECT_EQ(1000, li.rate);

	/* Nothing to accept yet. */
	EXPECT_EQ(-1, accept4(c->lfd, NULL, NULL, SOCK_NONBLOCK));
	EXPECT_EQ(EAGAIN, errno);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_GE(ep, 0);
	ev.data.fd = c->lfd;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, c->lfd, &ev));
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));

	for (i = 0; i < N_MANY; i++)
		ASSERT_EQ(0, client_up(c, i, NULL, NULL, 500, 4000, WAIT_MS));
	/* While they run: the counts add up, at most N pending. */
	end = now_ms() + 2 * WAIT_MS;
	do {
		ASSERT_EQ(0, linfo(c->lfd, &li));
		EXPECT_LE(li.pending + li.ready, li.sessions);
		EXPECT_LE(li.sessions, N_MANY);
		if (li.pending > max_pending)
			max_pending = li.pending;
		for (i = 0, done = 0; i < N_MANY; i++)
			done += hs_state(c->cli[i]) ==
				DTLS_HS_STATE_ESTABLISHED;
		if (done < N_MANY)
			usleep(5000);
	} while (done < N_MANY && now_ms() < end);
	for (i = 0; i < N_MANY; i++)
		ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED,
			  wait_client(c->cli[i], 1000));
	TH_LOG("most pending seen: %u", max_pending);

	/* All established, none accepted: all ready, none pending. */
	EXPECT_EQ(N_MANY, WAIT_LI(c->lfd, ready, N_MANY, 10000));
	ASSERT_EQ(0, linfo(c->lfd, &li));
	EXPECT_EQ(N_MANY, li.sessions);
	EXPECT_EQ(0, li.pending);
	EXPECT_EQ(1, epoll_wait(ep, &out, 1, 10000));
	EXPECT_TRUE(out.events & EPOLLIN);

	for (i = 0; i < N_MANY; i++) {
		union dtls_test_addr peer;
		socklen_t plen = sizeof(peer);

		/* accept4's flags are the new socket's, nothing inherited. */
		bool flags = i % 2 == 0;

		fd = accept4(c->lfd, &peer.sa, &plen,
			     flags ? SOCK_NONBLOCK | SOCK_CLOEXEC : 0);
		ASSERT_LE(0, fd);
		EXPECT_EQ(c->alen, plen);
		EXPECT_EQ(flags, !!(fcntl(fd, F_GETFL) & O_NONBLOCK));
		EXPECT_EQ(flags, !!(fcntl(fd, F_GETFD) & FD_CLOEXEC));
		k = client_of(c, N_MANY, &peer);
		ASSERT_LE(0, k);
		ASSERT_FALSE(seen[k]);
		seen[k] = true;
		c->child[k] = fd;
	}
	/* Every one taken: EAGAIN, no EPOLLIN, none ready. */
	EXPECT_EQ(-1, accept4(c->lfd, NULL, NULL, SOCK_NONBLOCK));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
	ASSERT_EQ(0, linfo(c->lfd, &li));
	EXPECT_EQ(N_MANY, li.sessions);
	EXPECT_EQ(0, li.pending);
	EXPECT_EQ(0, li.ready);

	/* The netlink view: the listener's table, a child's peer. */
	ASSERT_EQ(0, dtls_sock_get(dtls_test_nl(), dtls_test_ino(c->lfd), &si,
				   NULL, 0));
	EXPECT_TRUE(si.is_listener);
	EXPECT_FALSE(si.connected);
	EXPECT_EQ(N_MANY, si.listen.sessions);
	EXPECT_EQ(0, si.listen.ready);
	EXPECT_EQ(16, si.listen.backlog);
	EXPECT_EQ(1000, si.listen.rate);
	ASSERT_EQ(0, dtls_sock_get(dtls_test_nl(), dtls_test_ino(c->child[0]),
				   &si, NULL, 0));
	EXPECT_FALSE(si.is_listener);
	EXPECT_TRUE(si.connected);
	EXPECT_EQ(port_of(&c->ca[0]), si.peer_port);
	EXPECT_EQ(port_of(&c->la), si.local_port);

	for (i = 0; i < N_MANY; i++)
		check_child(_metadata, c, i);
	record_per_call(_metadata, c->cli[0], c->child[0]);
	EXPECT_EQ(spawned0 + N_MANY, stat_of("DtlsListenSpawned"));
	EXPECT_EQ(accepted0 + N_MANY, stat_of("DtlsListenAccepted"));

	/* Closing the children empties the table. */
	for (i = 0; i < N_MANY; i++) {
		close(c->child[i]);
		c->child[i] = -1;
	}
	EXPECT_EQ(0, WAIT_LI(c->lfd, sessions, 0, 10000));
	close(ep);
}

/* ------------------------------------------------------------- flood */

#define FLOOD_SOCKS	32
#define FLOOD_MIN	2000

struct flood {
	union dtls_test_addr to;
	int fds[FLOOD_SOCKS];
	volatile bool stop;
	volatile bool done;
	unsigned long sent, hvr;
	int64_t t0, t1;
	pthread_t thread;
};

static void flood_drain(struct flood *f, int i)
{
	uint8_t in[512];
	ssize_t n;

	while ((n = recv(f->fds[i], in, sizeof(in), MSG_DONTWAIT)) > 0)
		if (n > 13 && in[0] == REC_HS && in[13] == HT_HVR)
			f->hvr++;
}

/*
 * ClientHellos without cookies, round robin over FLOOD_SOCKS ports of
 * one address, until stopped (and FLOOD_MIN sent) or 60 s passed.
 */
static void *flood_run(void *arg)
{
	struct flood *f = arg;
	socklen_t alen = dtls_test_addr_len(f->to.sa.sa_family);
	uint8_t dg[512], rnd[32];
	unsigned long i = 0;
	size_t n;

	f->t0 = now_ms();
	while ((!f->stop || f->sent < FLOOD_MIN) && now_ms() - f->t0 < 60000) {
		int k = i++ % FLOOD_SOCKS;

		fill_random(rnd, sizeof(rnd));
		n = hello_build(dg, rnd, NULL, 0, i, 0);
		if (sendto(f->fds[k], dg, n, 0, &f->to.sa, alen) ==
		    (ssize_t)n)
			f->sent++;
		flood_drain(f, k);
		/* Room for the rest of the guest now and then. */
		if (i % 64 == 0)
			usleep(1000);
	}
	f->t1 = now_ms();
	f->done = true;
	return NULL;
}

/* The second address on lo: 127.0.0.2 is there already, IPv6 gets one. */
static int alt_addr(int family, union dtls_test_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->sa.sa_family = family;
	if (family == AF_INET)
		return inet_pton(AF_INET, ALT_V4, &a->in4.sin_addr) == 1 ? 0 : -1;
	if (system("PATH=/usr/sbin:/usr/bin:/sbin:/bin; "
		   "ip -6 addr add " ALT_V6 "/128 dev lo nodad"))
		return -1;
	return inet_pton(AF_INET6, ALT_V6, &a->in6.sin6_addr) == 1 ? 0 : -1;
}

TEST_F_TIMEOUT(listen, flood_other_source, 180)
{
	struct lctx *c = &self->c;
	struct flood *f = calloc(1, sizeof(*f));
	long long rl0 = stat_of("DtlsListenRatelimited");
	long long sp0 = stat_of("DtlsListenSpawned");
	long long hvr0 = stat_of("DtlsHsHelloVerifySent");
	long long rl, hvr_sent, qfull;
	struct dtls_listen_info li;
	union dtls_test_addr alt;
	uint32_t max_pending = 0;
	bool flooding;
	unsigned long allowed;
	int64_t end;
	int i, st;

	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, alt_addr(c->family, &alt));
	ASSERT_EQ(0, listener_up(c, 300, WAIT_MS, 4));
	ASSERT_EQ(0, set_u32(c->lfd, DTLS_LISTEN_MAX_PENDING, 4));
	f->to = c->la;
	for (i = 0; i < FLOOD_SOCKS; i++) {
		f->fds[i] = raw_open(c->family, NULL);
		ASSERT_LE(0, f->fds[i]);
	}
	ASSERT_EQ(0, pthread_create(&f->thread, NULL, flood_run, f));
	/* Under way ... */
	end = now_ms() + 20000;
	while (__atomic_load_n(&f->sent, __ATOMIC_RELAXED) < 200 &&
	       now_ms() < end)
		usleep(10000);

	/* ... a client of another address completes all the same. */
	EXPECT_EQ(0, client_up(c, 0, &alt, NULL, 300, 1000, 2 * WAIT_MS));
	end = now_ms() + 2 * WAIT_MS;
	do {
		if (!linfo(c->lfd, &li) && li.pending > max_pending)
			max_pending = li.pending;
		st = hs_state(c->cli[0]);
		if (st == DTLS_HS_STATE_ESTABLISHED ||
		    st == DTLS_HS_STATE_FAILED)
			break;
		usleep(20000);
	} while (now_ms() < end);
	flooding = !f->done;
	f->stop = true;
	pthread_join(f->thread, NULL);
	for (i = 0; i < FLOOD_SOCKS; i++) {
		flood_drain(f, i);
		close(f->fds[i]);
	}
	rl = stat_of("DtlsListenRatelimited") - rl0;
	hvr_sent = stat_of("DtlsHsHelloVerifySent") - hvr0;
	qfull = stat_of("DtlsListenQueueFull");
	TH_LOG("flood: %lu ClientHellos in %lld ms, %lu answered; rate-limited %lld, queue full %lld, HelloVerifyRequests sent %lld; most pending %u",
	       f->sent, (long long)(f->t1 - f->t0), f->hvr, rl, qfull,
	       hvr_sent, max_pending);

	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED, wait_client(c->cli[0], 1000));
	/* It completed while the flood went on. */
	EXPECT_TRUE(flooding);
	c->child[0] = accept_wait(c->lfd, &alt, 10000);
	ASSERT_LE(0, c->child[0]);
	EXPECT_TRUE(dtls_test_same_addr(&alt, &c->ca[0]));
	check_child(_metadata, c, 0);

	/*
	 * One source: at most a second's burst and the rate (20/s) pass,
	 * the rest are counted.
	 */
	allowed = DTLS_LISTEN_RATE_DEFAULT +
		  DTLS_LISTEN_RATE_DEFAULT * ((f->t1 - f->t0) / 1000 + 1) + 5;
	EXPECT_LE(FLOOD_MIN, f->sent);
	EXPECT_LE(f->hvr, allowed);
	EXPECT_LE(hvr_sent, allowed + 4);	/* and the client's */
	EXPECT_LE(f->sent / 2, rl);
	EXPECT_LE(max_pending, 4);
	/* No session but the client's. */
	EXPECT_EQ(sp0 + 1, stat_of("DtlsListenSpawned"));
	ASSERT_EQ(0, linfo(c->lfd, &li));
	EXPECT_EQ(1, li.sessions);
	EXPECT_EQ(0, li.pending);
	free(f);
}

/* ----------------------------------------------------- address reuse */

TEST_F_TIMEOUT(listen, address_reuse, 120)
{
	struct lctx *c = &self->c;
	long long sp0 = stat_of("DtlsListenSpawned");
	union dtls_test_addr first, peer, other;
	uint8_t buf[64], type = 0;

	ASSERT_EQ(0, listener_up(c, 300, WAIT_MS, 4));
	ASSERT_EQ(0, client_up(c, 0, NULL, NULL, 300, 2000, WAIT_MS));
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED, wait_client(c->cli[0], WAIT_MS));
	c->child[0] = accept_wait(c->lfd, &peer, 10000);
	ASSERT_LE(0, c->child[0]);
	check_child(_metadata, c, 0);

	/* The client says goodbye: an alert record, for the child's reader. */
	ASSERT_EQ(2, send_alert(c->cli[0], 1, 0));
	EXPECT_EQ(2, dtls_recv_typed(c->child[0], buf, sizeof(buf), 0, &type,
				     NULL, NULL));
	EXPECT_EQ(REC_ALERT, type);
	EXPECT_EQ(1, buf[0]);
	EXPECT_EQ(0, buf[1]);
	/* The child's close sends close_notify and ends the session. */
	close(c->child[0]);
	c->child[0] = -1;
	EXPECT_EQ(0, WAIT_LI(c->lfd, sessions, 0, 10000));
	EXPECT_EQ(0, recv_close_notify(c->cli[0], 5000, "client"));
	first = c->ca[0];
	close(c->cli[0]);
	c->cli[0] = -1;

	/* The same address and port again: a new session, a new child. */
	ASSERT_EQ(0, client_up(c, 1, &first, NULL, 300, 2000, WAIT_MS));
	EXPECT_TRUE(dtls_test_same_addr(&c->ca[1], &first));
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED, wait_client(c->cli[1], WAIT_MS));
	c->child[1] = accept_wait(c->lfd, &peer, 10000);
	ASSERT_LE(0, c->child[1]);
	EXPECT_TRUE(dtls_test_same_addr(&peer, &first));
	check_child(_metadata, c, 1);
	EXPECT_EQ(sp0 + 2, stat_of("DtlsListenSpawned"));
	EXPECT_EQ(1, WAIT_LI(c->lfd, sessions, 1, 1000));

	/* The same port on another address: another peer, another session. */
	ASSERT_EQ(0, alt_addr(c->family, &other));
	if (c->family == AF_INET6)
		other.in6.sin6_port = first.in6.sin6_port;
	else
		other.in4.sin_port = first.in4.sin_port;
	ASSERT_EQ(0, client_up(c, 2, &other, NULL, 300, 2000, WAIT_MS));
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED, wait_client(c->cli[2], WAIT_MS));
	c->child[2] = accept_wait(c->lfd, &peer, 10000);
	ASSERT_LE(0, c->child[2]);
	EXPECT_TRUE(dtls_test_same_addr(&peer, &other));
	EXPECT_EQ(2, WAIT_LI(c->lfd, sessions, 2, 1000));
	check_child(_metadata, c, 2);
	EXPECT_EQ(0, tagged(c->cli[1], c->child[1], 1));
	EXPECT_EQ(0, tagged(c->cli[2], c->child[2], 2));
}

/* ----------------------------------------------------------- OpenSSL */

static bool wait_text(const char *path, const char *text, int ms)
{
	int64_t end = now_ms() + ms;

	for (;;) {
		char *out = slurp(path, NULL);
		bool found = out && strstr(out, text);

		free(out);
		if (found)
			return true;
		if (now_ms() >= end)
			return false;
		usleep(50000);
	}
}

static void show_peers(struct lctx *c)
{
	int i;

	for (i = 0; i < N_OSSL; i++) {
		char *e = slurp(c->peer[i].err, NULL);
		char *o = slurp(c->peer[i].out, NULL);

		fprintf(stderr, "# client %d stderr: %.800s\n# stdout: %.800s\n",
			i, e ?: "", o ?: "");
		free(e);
		free(o);
	}
}

/* The child that got "from-peer I": I, or -1. */
static int peer_line(int child)
{
	char buf[128];
	ssize_t n = recv(child, buf, sizeof(buf) - 1, 0);
	int i;

	if (n <= 0)
		return -1;
	buf[n] = 0;
	if (sscanf(buf, "from-peer %d\n", &i) != 1 || i < 0 || i >= N_OSSL)
		return -1;
	return i;
}

/*
 * N_OSSL clients of one implementation at once, PSK: openssl s_client
 * or, with @gnutls, gnutls-cli.
 */
static void peer_clients(struct __test_metadata *_metadata, struct lctx *c,
			 bool gnutls)
{
	char hex[2 * sizeof(PSK_KEY)], target[32], port[8], line[64];
	int map[N_OSSL], i, j;
	bool got[N_OSSL] = {};
	size_t k;

	for (k = 0; k < strlen(PSK_KEY); k++)
		sprintf(hex + 2 * k, "%02x", (uint8_t)PSK_KEY[k]);
	ASSERT_EQ(0, listener_up(c, 500, 2 * WAIT_MS, 8));
	snprintf(target, sizeof(target), "127.0.0.1:%u", port_of(&c->la));
	snprintf(port, sizeof(port), "%u", port_of(&c->la));
	for (i = 0; i < N_OSSL; i++) {
		char *ossl[] = {
			"openssl", "s_client", "-dtls1_2", "-connect", target,
			"-psk", hex, "-psk_identity", PSK_ID, "-cipher",
			OSSL_CIPHER, "-quiet", NULL
		};
		char *gtls[] = {
			"gnutls-cli", "--udp", "--port", port, "--pskusername",
			PSK_ID, "--pskkey", hex, "--priority", GNUTLS_PRIO,
			"127.0.0.1", NULL
		};

		ASSERT_EQ(0, peer_start(&c->peer[i], gnutls ? gtls : ossl));
	}
	for (j = 0; j < N_OSSL; j++) {
		union dtls_test_addr peer;
		struct dtls_hs_info hi;

		c->child[j] = accept_wait(c->lfd, &peer, 2 * WAIT_MS);
		if (c->child[j] < 0)
			show_peers(c);
		ASSERT_LE(0, c->child[j]);
		ASSERT_EQ(0, dtls_hs_get(dtls_test_nl(), c->child[j], 0, &hi,
					 NULL, 0));
		EXPECT_EQ(DTLS_HS_STATE_ESTABLISHED, hi.state);
		EXPECT_EQ(SUITE, hi.suite);
		EXPECT_EQ(strlen(PSK_ID), hi.peer_id_len);
		blocking(c->child[j]);
	}
	/* Each client's line comes out of one child, a different one each. */
	for (i = 0; i < N_OSSL; i++) {
		int n = snprintf(line, sizeof(line), "from-peer %d\n", i);

		ASSERT_EQ(n, write(c->peer[i].in, line, n));
	}
	for (j = 0; j < N_OSSL; j++) {
		map[j] = peer_line(c->child[j]);
		if (map[j] < 0)
			show_peers(c);
		ASSERT_LE(0, map[j]);
		ASSERT_FALSE(got[map[j]]);
		got[map[j]] = true;
	}
	/* And each child's answer reaches its own client alone. */
	for (j = 0; j < N_OSSL; j++) {
		int n = snprintf(line, sizeof(line), "to-peer %d\n", map[j]);

		ASSERT_EQ(n, send(c->child[j], line, n, 0));
	}
	for (i = 0; i < N_OSSL; i++) {
		char *out;

		snprintf(line, sizeof(line), "to-peer %d\n", i);
		EXPECT_TRUE(wait_text(c->peer[i].out, line, WAIT_MS));
		out = slurp(c->peer[i].out, NULL);
		ASSERT_NE(NULL, out);
		for (j = 0; j < N_OSSL; j++) {
			snprintf(line, sizeof(line), "to-peer %d\n", j);
			EXPECT_EQ(i == j, strstr(out, line) != NULL);
		}
		free(out);
	}
	EXPECT_EQ(N_OSSL, stat_of("DtlsListenSpawned"));
	EXPECT_EQ(N_OSSL, stat_of("DtlsListenAccepted"));
}

TEST_F_TIMEOUT(l4, openssl_clients, 240)
{
	if (!have_prog("openssl"))
		SKIP(return, "openssl not installed");
	peer_clients(_metadata, &self->c, false);
}

/* The same with three gnutls-cli: another stack's cookie exchange. */
TEST_F_TIMEOUT(l4, gnutls_clients, 240)
{
	if (!have_prog("gnutls-cli"))
		SKIP(return, "gnutls-bin not installed");
	peer_clients(_metadata, &self->c, true);
}

/* ------------------------------------------------- a vanished client */

#define VANISH_TIMEOUT	5000

TEST_F_TIMEOUT(l4, vanished_client, 120)
{
	struct lctx *c = &self->c;
	long long failed0 = stat_of("DtlsHsFailed");
	struct dtls_listen_info li;
	int64_t t0, t1;
	int i, k;

	/* The children's handshake time-out is the listener's. */
	ASSERT_EQ(0, listener_up(c, 300, VANISH_TIMEOUT, 8));
	c->raw[0] = raw_open(AF_INET, NULL);
	ASSERT_LE(0, c->raw[0]);
	t0 = now_ms();
	ASSERT_EQ(0, raw_spawn(c->raw[0], &c->la));
	EXPECT_EQ(1, WAIT_LI(c->lfd, pending, 1, 5000));

	/* The others do not wait for it. */
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, client_up(c, i, NULL, NULL, 300, 2000, WAIT_MS));
	for (i = 0; i < 4; i++) {
		union dtls_test_addr peer;
		int fd;

		ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED,
			  wait_client(c->cli[i], WAIT_MS));
		fd = accept_wait(c->lfd, &peer, 10000);
		ASSERT_LE(0, fd);
		k = client_of(c, 4, &peer);
		ASSERT_LE(0, k);
		ASSERT_EQ(-1, c->child[k]);
		c->child[k] = fd;
	}
	t1 = now_ms();
	ASSERT_EQ(0, linfo(c->lfd, &li));
	TH_LOG("4 sessions accepted %lld ms after the silent one began",
	       (long long)(t1 - t0));
	/* The silent one is still pending: they came first. */
	EXPECT_EQ(1, li.pending);
	EXPECT_EQ(5, li.sessions);
	EXPECT_EQ(0, li.ready);
	EXPECT_GT(VANISH_TIMEOUT, t1 - t0);
	for (i = 0; i < 4; i++) {
		blocking(c->child[i]);
		EXPECT_EQ(0, tagged(c->cli[i], c->child[i], i));
	}

	/* Its time-out ends it, not before. */
	EXPECT_EQ(0, WAIT_LI(c->lfd, pending, 0, VANISH_TIMEOUT + 20000));
	t1 = now_ms();
	EXPECT_LE(VANISH_TIMEOUT - 50, t1 - t0);
	EXPECT_EQ(4, WAIT_LI(c->lfd, sessions, 4, 5000));
	EXPECT_LE(failed0 + 1, stat_of("DtlsHsFailed"));
	EXPECT_EQ(5, stat_of("DtlsListenSpawned"));
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, tagged(c->cli[i], c->child[i], i));
}

/* ---------------------------------------- a hello over UDP's memory */

/* Swap net.ipv4.udp_mem, a sysctl of the initial network namespace. */
static int udp_mem_swap(const char *val, char *old, size_t len)
{
	int me = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int init = open("/proc/1/ns/net", O_RDONLY | O_CLOEXEC);
	int ret = -1;

	if (me >= 0 && init >= 0 && !setns(init, CLONE_NEWNET)) {
		ret = dtls_test_sysctl_swap("/proc/sys/net/ipv4/udp_mem", val,
					    old, len);
		if (setns(me, CLONE_NEWNET))
			ret = -1;
	}
	if (me >= 0)
		close(me);
	if (init >= 0)
		close(init);
	return ret;
}

#define HOG_LEN		16000
#define HOG_PAGES	64

/*
 * A session whose ClientHello cannot be charged (UDP over its hard
 * limit, net.ipv4.udp_mem) is reaped at once, not left pending with no
 * timer to end it; the client's resend, the limit lifted, gets a new one.
 */
TEST_F_TIMEOUT(l4, hello_over_udp_mem, 90)
{
	long long spawned0 = stat_of("DtlsListenSpawned");
	long long dropped0 = stat_of("DtlsRxDropped");
	long long failed0 = stat_of("DtlsHsFailed");
	uint8_t rnd[32], cookie[255], clen;
	struct lctx *c = &self->c;
	static uint8_t big[HOG_LEN];
	int rcvbuf = INT_MAX / 2, hog, i;
	union dtls_test_addr ha;
	char tmp[96];
	socklen_t hlen = c->alen;
	uint32_t pending;

	ASSERT_EQ(0, listener_up(c, 300, WAIT_MS, 8));
	c->raw[0] = raw_open(AF_INET, NULL);
	c->raw[1] = raw_open(AF_INET, NULL);
	c->raw[2] = hog = raw_open(AF_INET, NULL);
	ASSERT_LE(0, c->raw[0]);
	ASSERT_LE(0, c->raw[1]);
	ASSERT_LE(0, hog);
	fill_random(rnd, sizeof(rnd));
	ASSERT_EQ(0, raw_cookie(c->raw[0], &c->la, rnd, cookie, &clen));

	/* UDP's count past each CPU's reserve: a queue nobody reads. */
	ASSERT_EQ(0, setsockopt(hog, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
				sizeof(rcvbuf)));
	ASSERT_EQ(0, getsockname(hog, &ha.sa, &hlen));
	for (i = 0; i < 4096 && dtls_test_udp_mem_pages() < HOG_PAGES; i++)
		ASSERT_EQ(HOG_LEN, sendto(c->raw[1], big, HOG_LEN, 0, &ha.sa,
					  hlen));
	ASSERT_LE(HOG_PAGES, dtls_test_udp_mem_pages());

	/* Put back by the teardown if the test ends before it is. */
	ASSERT_EQ(0, udp_mem_swap("1 1 1", udp_mem_saved,
				  sizeof(udp_mem_saved)))
		TH_LOG("udp_mem: %s", strerror(errno));
	EXPECT_EQ(0, raw_send_hello(c->raw[0], &c->la, rnd, cookie, clen));
	EXPECT_EQ(spawned0 + 1,
		  wait_stat("DtlsListenSpawned", spawned0 + 1, 10000));
	EXPECT_LE(dropped0 + 1,
		  wait_stat("DtlsRxDropped", dropped0 + 1, 10000));
	pending = WAIT_LI(c->lfd, pending, 0, 5000);
	ASSERT_EQ(0, udp_mem_swap(udp_mem_saved, tmp, sizeof(tmp)))
		TH_LOG("udp_mem not restored to %s: %s", udp_mem_saved,
		       strerror(errno));
	udp_mem_saved[0] = '\0';
	/* Its handshake failed at once (no timer in S_LISTEN). */
	EXPECT_EQ(0, pending);
	EXPECT_LE(failed0 + 1, stat_of("DtlsHsFailed"));
	EXPECT_EQ(0, WAIT_LI(c->lfd, sessions, 0, 5000));
	close(hog);
	c->raw[2] = -1;

	/* The resend makes a new session, which answers. */
	ASSERT_EQ(0, raw_send_hello(c->raw[0], &c->la, rnd, cookie, clen));
	EXPECT_EQ(0, raw_wait(c->raw[0], HT_SH, 10000, NULL, NULL));
	EXPECT_EQ(spawned0 + 2, stat_of("DtlsListenSpawned"));
	EXPECT_EQ(1, WAIT_LI(c->lfd, pending, 1, 5000));
}

/* ------------------------------------------------------- max pending */

#define N_QUEUED	6

TEST_F_TIMEOUT(l4, max_pending, 120)
{
	struct lctx *c = &self->c;
	uint8_t rnd[MAX_RAW][32], cookie[MAX_RAW][255], clen[MAX_RAW];
	long long pf0 = stat_of("DtlsListenPendingFull");
	struct dtls_listen_info li;
	union dtls_test_addr peer;
	int64_t end;
	int i, k, done, got = 0;

	ASSERT_EQ(0, listener_up(c, 300, 2000, 8));
	ASSERT_EQ(0, set_u32(c->lfd, DTLS_LISTEN_MAX_PENDING, 2));
	EXPECT_EQ(2, get_u32(c->lfd, DTLS_LISTEN_MAX_PENDING));
	/* Four hand-made clients get their cookies ... */
	for (i = 0; i < MAX_RAW; i++) {
		c->raw[i] = raw_open(AF_INET, NULL);
		ASSERT_LE(0, c->raw[i]);
		fill_random(rnd[i], 32);
		ASSERT_EQ(0, raw_cookie(c->raw[i], &c->la, rnd[i], cookie[i],
					&clen[i]));
	}
	/* ... and come back at once: two sessions, two drops. */
	for (i = 0; i < MAX_RAW; i++)
		ASSERT_EQ(0, raw_send_hello(c->raw[i], &c->la, rnd[i],
					    cookie[i], clen[i]));
	EXPECT_EQ(pf0 + 2, wait_stat("DtlsListenPendingFull", pf0 + 2, 10000));
	ASSERT_EQ(0, linfo(c->lfd, &li));
	EXPECT_GE(2, li.pending);
	EXPECT_GE(2, li.sessions);
	EXPECT_EQ(2, stat_of("DtlsListenSpawned"));
	end = now_ms() + 3000;
	for (i = 0; i < MAX_RAW; i++) {
		int64_t left = end - now_ms();

		got += !raw_wait(c->raw[i], HT_SH, left > 0 ? left : 0, NULL,
				 NULL);
	}
	EXPECT_EQ(2, got);
	EXPECT_EQ(pf0 + 2, stat_of("DtlsListenPendingFull"));

	/* Their time-out frees the slots; a real client gets one. */
	EXPECT_EQ(0, WAIT_LI(c->lfd, pending, 0, 20000));
	EXPECT_EQ(0, WAIT_LI(c->lfd, sessions, 0, 5000));
	ASSERT_EQ(0, client_up(c, 0, NULL, NULL, 300, 2000, WAIT_MS));
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED, wait_client(c->cli[0], WAIT_MS));
	c->child[0] = accept_wait(c->lfd, &peer, 10000);
	ASSERT_LE(0, c->child[0]);
	check_child(_metadata, c, 0);
	EXPECT_EQ(3, stat_of("DtlsListenSpawned"));

	/*
	 * Six clients at once through two slots: each gets one in turn (the
	 * dropped hellos are resent), never more than two pending.
	 */
	ASSERT_EQ(0, set_u32(c->lfd, DTLS_LISTEN_RATE, 1000));
	for (i = 1; i <= N_QUEUED; i++)
		ASSERT_EQ(0, client_up(c, i, NULL, NULL, 100, 400, WAIT_MS));
	end = now_ms() + 2 * WAIT_MS;
	do {
		ASSERT_EQ(0, linfo(c->lfd, &li));
		EXPECT_GE(2, li.pending);
		for (i = 1, done = 0; i <= N_QUEUED; i++)
			done += hs_state(c->cli[i]) ==
				DTLS_HS_STATE_ESTABLISHED;
		if (done < N_QUEUED)
			usleep(2000);
	} while (done < N_QUEUED && now_ms() < end);
	for (i = 1; i <= N_QUEUED; i++) {
		ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED,
			  wait_client(c->cli[i], 1000));
	}
	for (i = 1; i <= N_QUEUED; i++) {
		int fd = accept_wait(c->lfd, &peer, 10000);

		ASSERT_LE(0, fd);
		k = client_of(c, N_QUEUED + 1, &peer);
		ASSERT_LE(1, k);
		ASSERT_EQ(-1, c->child[k]);
		c->child[k] = fd;
	}
	for (i = 1; i <= N_QUEUED; i++)
		check_child(_metadata, c, i);
	EXPECT_EQ(3 + N_QUEUED, stat_of("DtlsListenSpawned"));
	TH_LOG("hellos dropped at max_pending while the six ran: %lld",
	       stat_of("DtlsListenPendingFull") - pf0 - 2);
	ASSERT_EQ(0, linfo(c->lfd, &li));
	EXPECT_EQ(0, li.pending);
	EXPECT_EQ(N_QUEUED + 1, li.sessions);
}

/* ------------------------------------------------------ backlog full */

TEST_F_TIMEOUT(l4, backlog_full, 120)
{
	struct lctx *c = &self->c;
	long long bf0 = stat_of("DtlsListenBacklogFull");
	struct dtls_listen_info li;
	union dtls_test_addr peer;

	ASSERT_EQ(0, listener_up(c, 300, WAIT_MS, 1));
	ASSERT_EQ(0, client_up(c, 0, NULL, NULL, 300, 2000, WAIT_MS));
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED, wait_client(c->cli[0], WAIT_MS));
	EXPECT_EQ(1, WAIT_LI(c->lfd, ready, 1, 10000));

	/* The backlog is full: the second client's hellos are dropped. */
	ASSERT_EQ(0, client_up(c, 1, NULL, NULL, 200, 400, WAIT_MS));
	EXPECT_LE(bf0 + 3, wait_stat("DtlsListenBacklogFull", bf0 + 3, 20000));
	EXPECT_EQ(DTLS_HS_STATE_RUNNING, hs_state(c->cli[1]));
	ASSERT_EQ(0, linfo(c->lfd, &li));
	EXPECT_EQ(1, li.sessions);
	EXPECT_EQ(1, li.ready);
	EXPECT_EQ(0, li.pending);
	EXPECT_EQ(1, li.backlog);
	EXPECT_EQ(1, stat_of("DtlsListenSpawned"));

	/* Accepting the first makes room: the next resend gets through. */
	c->child[0] = accept_wait(c->lfd, &peer, 5000);
	ASSERT_LE(0, c->child[0]);
	EXPECT_TRUE(dtls_test_same_addr(&peer, &c->ca[0]));
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED, wait_client(c->cli[1], WAIT_MS));
	c->child[1] = accept_wait(c->lfd, &peer, 10000);
	ASSERT_LE(0, c->child[1]);
	EXPECT_TRUE(dtls_test_same_addr(&peer, &c->ca[1]));
	check_child(_metadata, c, 0);
	check_child(_metadata, c, 1);
	EXPECT_EQ(2, stat_of("DtlsListenSpawned"));
	EXPECT_EQ(2, stat_of("DtlsListenAccepted"));
}

/* --------------------------------------------------- closing a listener */

/* sockets_used down to @base within @ms: the last count. */
static long sockets_settle(long base, int ms)
{
	long n = dtls_test_sockets_used();

	while (n > base && ms > 0) {
		usleep(20000);
		ms -= 20;
		n = dtls_test_sockets_used();
	}
	return n;
}

TEST_F_TIMEOUT(l4, close_listener, 120)
{
	struct lctx *c = &self->c;
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP }, out;
	struct dtls_listen_info li;
	struct dtls_hs_info hi;
	union dtls_test_addr peer;
	struct pollfd p;
	long base_socks;
	char buf[64];
	int64_t end;
	int ep;

	ASSERT_EQ(0, dtls_test_wait_refcnt(0, 10000));
	dtls_test_nl();		/* the handle is part of the baseline */
	base_socks = dtls_test_sockets_used();
	ASSERT_LT(0, base_socks);
	ASSERT_EQ(0, listener_up(c, 300, WAIT_MS, 8));

	/* A: accepted. */
	ASSERT_EQ(0, client_up(c, 0, NULL, NULL, 300, 2000, WAIT_MS));
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED, wait_client(c->cli[0], WAIT_MS));
	c->child[0] = accept_wait(c->lfd, &peer, 10000);
	ASSERT_LE(0, c->child[0]);
	check_child(_metadata, c, 0);

	/* B: pending, its flight 5 never arrives (relay). */
	ASSERT_EQ(0, relay_start(&c->r, &c->la, 0, true));
	ASSERT_EQ(0, client_up(c, 1, NULL, &c->r.self, 300, 600, 6000));
	end = now_ms() + 20000;
	while (relay_get(&c->r, &c->r.blocked) < 1 && now_ms() < end)
		usleep(10000);
	EXPECT_LE(1, relay_get(&c->r, &c->r.blocked));
	EXPECT_EQ(1, WAIT_LI(c->lfd, pending, 1, 5000));

	/* C: established, not accepted. */
	ASSERT_EQ(0, client_up(c, 2, NULL, NULL, 300, 2000, WAIT_MS));
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED, wait_client(c->cli[2], WAIT_MS));
	EXPECT_EQ(1, WAIT_LI(c->lfd, ready, 1, 10000));
	ASSERT_EQ(0, linfo(c->lfd, &li));
	EXPECT_EQ(3, li.sessions);
	EXPECT_EQ(1, li.pending);
	EXPECT_EQ(1, li.ready);

	/* A record for A's child, left unread. */
	ASSERT_EQ(10, send(c->cli[0], "last words", 10, 0));
	p.fd = c->child[0];
	p.events = POLLIN;
	ASSERT_EQ(1, poll(&p, 1, 10000));

	close(c->lfd);
	c->lfd = -1;

	/* A's child: the queued record, then end of file. */
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(10, recv(c->child[0], buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "last words", 10));
	EXPECT_EQ(0, recv(c->child[0], buf, sizeof(buf), 0));
	EXPECT_EQ(-1, send(c->child[0], "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
	p.events = POLLIN | POLLRDHUP;
	p.revents = 0;
	EXPECT_EQ(1, poll(&p, 1, 0));
	EXPECT_TRUE(p.revents & POLLHUP);
	EXPECT_TRUE(p.revents & POLLRDHUP);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, c->child[0], &ev));
	EXPECT_EQ(1, epoll_wait(ep, &out, 1, 0));
	EXPECT_TRUE(out.events & EPOLLHUP);
	EXPECT_TRUE(out.events & EPOLLRDHUP);
	close(ep);

	/* B's handshake ends: failed, at the latest at its own time-out. */
	EXPECT_EQ(DTLS_HS_STATE_FAILED,
		  dtls_test_hs_settle(c->cli[1], 30000, &hi));
	relay_stop(&c->r);

	/* Nothing is left behind once everything is closed. */
	close(c->child[0]);
	c->child[0] = -1;
	for (int i = 0; i < 3; i++) {
		close(c->cli[i]);
		c->cli[i] = -1;
	}
	EXPECT_EQ(0, dtls_test_wait_refcnt(0, 15000));
	EXPECT_GE(base_socks, sockets_settle(base_socks, 15000));
}

/*
 * The listener closed while sessions are spawned, run, wait and are
 * accepted, over and over (at varying moments, with and without a
 * shutdown first): the accepted children still close cleanly, and
 * nothing is left behind.
 */
#define CLOSE_ROUNDS	20
#define CLOSE_CLIENTS	8

TEST_F_TIMEOUT(l4, close_under_load, 180)
{
	struct lctx *c = &self->c;
	int round, i, accepted = 0;
	long base_socks;

	ASSERT_EQ(0, dtls_test_wait_refcnt(0, 10000));
	dtls_test_nl();
	base_socks = dtls_test_sockets_used();
	for (round = 0; round < CLOSE_ROUNDS; round++) {
		ASSERT_EQ(0, listener_up(c, 100, 3000, 4));
		ASSERT_EQ(0, set_u32(c->lfd, DTLS_LISTEN_RATE, 100000));
		for (i = 0; i < CLOSE_CLIENTS; i++)
			ASSERT_EQ(0, client_up(c, i, NULL, NULL, 50, 100,
					       2000));
		usleep((round % 8) * 3000);
		for (i = 0; i < 2; i++) {
			union dtls_test_addr peer;
			socklen_t len = sizeof(peer);

			c->child[i] = accept4(c->lfd, &peer.sa, &len, 0);
			accepted += c->child[i] >= 0;
		}
		if (round % 2)
			shutdown(c->lfd, SHUT_RD);
		close(c->lfd);
		c->lfd = -1;
		for (i = 0; i < CLOSE_CLIENTS; i++) {
			if (c->child[i] >= 0) {
				char buf[8];

				/* Shut down: EOF, EPIPE (or a record first). */
				EXPECT_LE(0, recv(c->child[i], buf,
						  sizeof(buf), MSG_DONTWAIT));
				EXPECT_EQ(-1, send(c->child[i], "x", 1,
						   MSG_DONTWAIT | MSG_NOSIGNAL));
				EXPECT_EQ(EPIPE, errno);
				close(c->child[i]);
				c->child[i] = -1;
			}
			close(c->cli[i]);
			c->cli[i] = -1;
		}
	}
	TH_LOG("%d sessions spawned, %d accepted in %d rounds",
	       (int)stat_of("DtlsListenSpawned"), accepted, CLOSE_ROUNDS);
	EXPECT_EQ(0, dtls_test_wait_refcnt(0, 20000));
	EXPECT_GE(base_socks, sockets_settle(base_socks, 20000));
}

/* -------------------------------------------------- concurrent accept */

#define N_CONC	10

struct acceptors {
	int lfd;
	pthread_mutex_t lock;
	int n;
	int fds[2 * N_CONC];
	union dtls_test_addr peers[2 * N_CONC];
	int by[2];			/* accepted by each thread */
	int err[2];
	struct acceptor {
		struct acceptors *a;
		int id;
	} arg[2];
	pthread_t th[2];
};

/* Blocking accept4 in a loop, until cancelled. */
static void *acceptor_run(void *arg)
{
	struct acceptor *me = arg;
	struct acceptors *a = me->a;
	int *id = &me->id;

	for (;;) {
		union dtls_test_addr peer;
		socklen_t len = sizeof(peer);
		int fd = accept4(a->lfd, &peer.sa, &len, SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			a->err[*id] = errno;
			return NULL;
		}
		pthread_mutex_lock(&a->lock);
		if (a->n < 2 * N_CONC) {
			a->fds[a->n] = fd;
			a->peers[a->n] = peer;
			a->n++;
		} else {
			close(fd);
		}
		a->by[*id]++;
		pthread_mutex_unlock(&a->lock);
	}
	return NULL;
}

static int acc_count(struct acceptors *a)
{
	int n;

	pthread_mutex_lock(&a->lock);
	n = a->n;
	pthread_mutex_unlock(&a->lock);
	return n;
}

TEST_F_TIMEOUT(l4, concurrent_accept, 150)
{
	struct lctx *c = &self->c;
	struct acceptors *a = calloc(1, sizeof(*a));
	struct timespec ts;
	int64_t end;
	int i, k;

	ASSERT_NE(NULL, a);
	ASSERT_EQ(0, listener_up(c, 300, WAIT_MS, 16));
	ASSERT_EQ(0, set_u32(c->lfd, DTLS_LISTEN_RATE, 1000));
	pthread_mutex_init(&a->lock, NULL);
	ASSERT_EQ(0, set_blocking(c->lfd, true));
	a->lfd = c->lfd;
	for (i = 0; i < 2; i++) {
		a->arg[i].a = a;
		a->arg[i].id = i;
		ASSERT_EQ(0, pthread_create(&a->th[i], NULL, acceptor_run,
					    &a->arg[i]));
	}
	/* Both block: there is nothing to accept. */
	usleep(300000);
	EXPECT_EQ(0, acc_count(a));

	for (i = 0; i < N_CONC; i++)
		ASSERT_EQ(0, client_up(c, i, NULL, NULL, 300, 2000, WAIT_MS));
	for (i = 0; i < N_CONC; i++)
		ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED,
			  wait_client(c->cli[i], WAIT_MS));
	end = now_ms() + 20000;
	while (acc_count(a) < N_CONC && now_ms() < end)
		usleep(10000);
	/* And no more come. */
	usleep(500000);
	EXPECT_EQ(N_CONC, acc_count(a));

	/*
	 * Blocked in accept: one goes at a signal (cancellation), the other
	 * when the listener is shut down for reading (EINVAL, as TCP's).
	 */
	pthread_cancel(a->th[0]);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 10;
	EXPECT_EQ(0, pthread_timedjoin_np(a->th[0], NULL, &ts));
	EXPECT_EQ(0, a->err[0]);
	usleep(100000);
	EXPECT_EQ(0, a->err[1]);	/* still waiting */
	shutdown(c->lfd, SHUT_RD);	/* ENOTCONN: UDP's, unconnected */
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 10;
	EXPECT_EQ(0, pthread_timedjoin_np(a->th[1], NULL, &ts));
	EXPECT_EQ(EINVAL, a->err[1]);
	TH_LOG("accepted by thread 0: %d, thread 1: %d", a->by[0], a->by[1]);
	EXPECT_EQ(N_CONC, a->by[0] + a->by[1]);

	/* Each session once. */
	ASSERT_GE(N_CONC, a->n);
	for (i = 0; i < a->n; i++) {
		k = client_of(c, N_CONC, &a->peers[i]);
		ASSERT_LE(0, k);
		ASSERT_EQ(-1, c->child[k]);
		c->child[k] = a->fds[i];
		EXPECT_FALSE(fcntl(c->child[k], F_GETFL) & O_NONBLOCK);
	}
	for (i = 0; i < N_CONC; i++)
		check_child(_metadata, c, i);
	EXPECT_EQ(0, WAIT_LI(c->lfd, ready, 0, 1000));
	EXPECT_EQ(N_CONC, stat_of("DtlsListenAccepted"));
	free(a);
}

/* ------------------------------------------------ the kept last flight */

static int get_final(int fd, struct dtls_final_flight_info *fi)
{
	socklen_t len = sizeof(*fi);

	return getsockopt(fd, SOL_DTLS, DTLS_FINAL_FLIGHT, fi, &len);
}

TEST_F_TIMEOUT(l4, kept_final_flight, 90)
{
	struct lctx *c = &self->c;
	long long resent0 = stat_of("DtlsFinalFlightResent");
	struct dtls_final_flight_info fi;
	union dtls_test_addr peer;
	struct dtls_sock_info si;
	int child;

	/*
	 * The child's timer is 10 s: nothing here needs it, and a child
	 * stalled on a loaded host could otherwise resend its flight 4, draw
	 * another flight 5 from the client and so answer with its kept
	 * flight twice.
	 */
	ASSERT_EQ(0, listener_up(c, 10000, WAIT_MS, 4));
	/* The child's last flight (its CCS) is lost once. */
	ASSERT_EQ(0, relay_start(&c->r, &c->la, 1, false));
	/* The client resends 1 s on: the child's kept flight answers. */
	ASSERT_EQ(0, client_up(c, 0, NULL, &c->r.self, 1000, 60000, WAIT_MS));
	/* The child is ready once its flight left (lost on the way). */
	child = c->child[0] = accept_wait(c->lfd, &peer, WAIT_MS);
	ASSERT_LE(0, child);
	EXPECT_TRUE(dtls_test_same_addr(&peer, &c->r.self));
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED, wait_client(c->cli[0], WAIT_MS));
	EXPECT_EQ(1, relay_get(&c->r, &c->r.dropped));

	/* The client's resend of its Finished brought the kept flight. */
	ASSERT_EQ(0, get_final(child, &fi));
	EXPECT_EQ(1, fi.held);
	EXPECT_EQ(25, fi.bytes);	/* CCS, Finished (12 + 12) */
	EXPECT_EQ(1, fi.resends);
	EXPECT_LE(resent0 + 1, stat_of("DtlsFinalFlightResent"));
	ASSERT_EQ(0, dtls_sock_get(dtls_test_nl(), dtls_test_ino(child), &si,
				   NULL, 0));
	EXPECT_TRUE(si.final_held);
	EXPECT_EQ(1, si.final_resends);

	/* The application drops it. */
	ASSERT_EQ(0, setsockopt(child, SOL_DTLS, DTLS_FINAL_FLIGHT_DROP, NULL,
				0));
	ASSERT_EQ(0, get_final(child, &fi));
	EXPECT_EQ(0, fi.held);
	EXPECT_EQ(DTLS_FINAL_DROP_USER, fi.dropped_by);
	EXPECT_EQ(1, fi.resends);
	blocking(child);
	EXPECT_EQ(0, dtls_test_hs_check(c->cli[0], child, SUITE, 0));
	EXPECT_EQ(0, tagged(c->cli[0], child, 0));
}

/* ------------------------------------------------------------ UDP_GRO */

#ifndef SOL_UDP
#define SOL_UDP		IPPROTO_UDP
#endif

/* A UDP_SEGMENT send of @len bytes in pieces of @seg. */
static ssize_t send_seg(int fd, const void *buf, size_t len, uint16_t seg)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(uint16_t))];
	} c = {};
	struct iovec iov = { (void *)buf, len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = c.b, .msg_controllen = sizeof(c.b) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

	cm->cmsg_level = SOL_UDP;
	cm->cmsg_type = UDP_SEGMENT;
	cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
	memcpy(CMSG_DATA(cm), &seg, sizeof(seg));
	return sendmsg(fd, &m, 0);
}

/* recvmsg() with room for control messages; *@seg UDP_GRO's or -1. */
static ssize_t recv_seg(int fd, void *buf, size_t cap, int *seg)
{
	union {
		struct cmsghdr h;
		char b[128];
	} c;
	struct iovec iov = { buf, cap };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = c.b, .msg_controllen = sizeof(c.b) };
	struct cmsghdr *cm;
	ssize_t n = recvmsg(fd, &m, 0);

	*seg = -1;
	for (cm = n >= 0 ? CMSG_FIRSTHDR(&m) : NULL; cm;
	     cm = CMSG_NXTHDR(&m, cm))
		if (cm->cmsg_level == SOL_UDP && cm->cmsg_type == UDP_GRO)
			memcpy(seg, CMSG_DATA(cm), sizeof(*seg));
	return n;
}

/* The session's rx_records reaching @want within WAIT_MS; its value. */
static uint64_t rx_records_wait(int fd, uint64_t want)
{
	int64_t end = now_ms() + WAIT_MS;
	struct dtls_sock_stats st;

	for (;;) {
		memset(&st, 0, sizeof(st));
		if (dtls_test_sock_stats(dtls_test_ino(fd), &st) ||
		    st.rx_records >= want || now_ms() >= end)
			return st.rx_records;
		usleep(5000);
	}
}

TEST_F_TIMEOUT(l4, gro_session, 90)
{
	enum { SEG = 300, N = 6 };
	struct lctx *c = &self->c;
	static uint8_t pt[N * SEG], buf[2 * N * SEG];
	union dtls_test_addr peer;
	int one = 1, zero = 0, child, seg, i;
	uint64_t base;

	fill_random(pt, sizeof(pt));
	ASSERT_EQ(0, listener_up(c, 300, WAIT_MS, 4));
	ASSERT_EQ(0, setsockopt(c->lfd, SOL_UDP, UDP_GRO, &one, sizeof(one)));
	ASSERT_EQ(0, client_up(c, 0, NULL, NULL, 300, 60000, WAIT_MS));
	child = c->child[0] = accept_wait(c->lfd, &peer, WAIT_MS);
	ASSERT_LE(0, child);
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED, wait_client(c->cli[0], WAIT_MS));
	blocking(child);
	EXPECT_EQ(0, tagged(c->cli[0], child, 0));

	/* Without UDP_GRO on the session: a record a read. */
	base = rx_records_wait(child, 0);
	ASSERT_EQ((ssize_t)sizeof(pt), send_seg(c->cli[0], pt, sizeof(pt),
						SEG));
	ASSERT_EQ(base + N, rx_records_wait(child, base + N));
	for (i = 0; i < N; i++) {
		EXPECT_EQ(SEG, recv_seg(child, buf, sizeof(buf), &seg));
		EXPECT_EQ(-1, seg);
		EXPECT_EQ(0, memcmp(buf, pt + i * SEG, SEG));
	}

	/* With it: the batch in one read, with its segment size. */
	ASSERT_EQ(0, setsockopt(child, SOL_UDP, UDP_GRO, &one, sizeof(one)));
	ASSERT_EQ((ssize_t)sizeof(pt) - 1,
		  send_seg(c->cli[0], pt, sizeof(pt) - 1, SEG));
	ASSERT_EQ(base + 2 * N, rx_records_wait(child, base + 2 * N));
	EXPECT_EQ((ssize_t)sizeof(pt) - 1, recv_seg(child, buf, sizeof(buf),
						    &seg));
	EXPECT_EQ(SEG, seg);
	EXPECT_EQ(0, memcmp(buf, pt, sizeof(pt) - 1));
	ASSERT_EQ(0, setsockopt(child, SOL_UDP, UDP_GRO, &zero, sizeof(zero)));
	EXPECT_EQ(0, tagged(c->cli[0], child, 0));
}

/* ------------------------------------------------ a replayed ClientHello */

TEST_F_TIMEOUT(l4, replayed_hello, 90)
{
	struct lctx *c = &self->c;
	struct dtls_listen_info li;
	union dtls_test_addr peer;
	uint8_t hello[1024], buf[256], type;
	size_t hlen;
	long long sp;
	ssize_t n;
	int i, child;

	ASSERT_EQ(0, listener_up(c, 300, WAIT_MS, 4));
	ASSERT_EQ(0, relay_start(&c->r, &c->la, 0, false));
	ASSERT_EQ(0, client_up(c, 0, NULL, &c->r.self, 300, 2000, WAIT_MS));
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED, wait_client(c->cli[0], WAIT_MS));
	child = c->child[0] = accept_wait(c->lfd, &peer, 10000);
	ASSERT_LE(0, child);
	blocking(child);
	ASSERT_EQ(0, tagged(c->cli[0], child, 0));

	pthread_mutex_lock(&c->r.lock);
	hlen = c->r.hello_len;
	memcpy(hello, c->r.hello, hlen);
	pthread_mutex_unlock(&c->r.lock);
	ASSERT_LT(0, hlen);

	/* The same cookie ClientHello again, from the session's address. */
	sp = stat_of("DtlsListenSpawned");
	EXPECT_EQ(1, sp);
	for (i = 0; i < 3; i++) {
		relay_inject(&c->r, hello, hlen);
		usleep(100000);
	}
	usleep(QUIET_MS * 1000);
	EXPECT_EQ(sp, stat_of("DtlsListenSpawned"));
	ASSERT_EQ(0, linfo(c->lfd, &li));
	EXPECT_EQ(1, li.sessions);
	EXPECT_EQ(0, li.pending);
	EXPECT_EQ(0, li.ready);
	EXPECT_EQ(-1, accept4(c->lfd, NULL, NULL, SOCK_NONBLOCK));
	EXPECT_EQ(EAGAIN, errno);

	/* The session goes on (what the child said to it, if anything, aside). */
	EXPECT_EQ(DTLS_HS_STATE_ESTABLISHED, hs_state(child));
	while ((n = dtls_recv_typed(c->cli[0], buf, sizeof(buf), MSG_DONTWAIT,
				    &type, NULL, NULL)) >= 0)
		TH_LOG("the client got a record of type %u, %zd bytes", type, n);
	EXPECT_EQ(0, tagged(c->cli[0], child, 0));
	EXPECT_EQ(0, dtls_test_hs_check(c->cli[0], child, SUITE, 0));
}

/*
 * Client @i through the relay: established, its session accepted from the
 * relay's address, a tagged record each way.  0, or -1 (on stderr).
 */
static int relayed_session(struct lctx *c, int i)
{
	union dtls_test_addr peer;

	if (client_up(c, i, NULL, &c->r.self, 300, 2000, WAIT_MS) ||
	    wait_client(c->cli[i], WAIT_MS) != DTLS_HS_STATE_ESTABLISHED) {
		fprintf(stderr, "# client %d: not established\n", i);
		return -1;
	}
	c->child[i] = accept_wait(c->lfd, &peer, 10000);
	if (c->child[i] < 0 || !dtls_test_same_addr(&peer, &c->r.self)) {
		fprintf(stderr, "# client %d: no session from the relay\n", i);
		return -1;
	}
	blocking(c->child[i]);
	return tagged(c->cli[i], c->child[i], i);
}

/*
 * The replayed ClientHello while every handshake slot is taken by one
 * older than the eviction age: refused before anything is evicted, so
 * the pending handshake stays.  A new peer's ClientHello then evicts it.
 */
#define EVICT_AGE_MS	3000	/* DTLS_LISTEN_EVICT_MS */

TEST_F_TIMEOUT(l4, replayed_hello_evicts_nothing, 90)
{
	uint8_t rnd[2][32], cookie[2][255], clen[2], hello[1024];
	long long ev0, sp0, pf0, rl0, hv0;
	struct lctx *c = &self->c;
	struct dtls_listen_info li;
	size_t hlen;
	int i;

	ASSERT_EQ(0, listener_up(c, 300, 60000, 4));
	ASSERT_EQ(0, relay_start(&c->r, &c->la, 0, false));
	ASSERT_EQ(0, relayed_session(c, 0));
	pthread_mutex_lock(&c->r.lock);
	hlen = c->r.hello_len;
	memcpy(hello, c->r.hello, hlen);
	pthread_mutex_unlock(&c->r.lock);
	ASSERT_LT(0, hlen);

	/* One slot, taken by a peer silent after its ServerHello. */
	ASSERT_EQ(0, set_u32(c->lfd, DTLS_LISTEN_MAX_PENDING, 1));
	for (i = 0; i < 2; i++) {
		c->raw[i] = raw_open(AF_INET, NULL);
		ASSERT_LE(0, c->raw[i]);
		fill_random(rnd[i], 32);
		ASSERT_EQ(0, raw_cookie(c->raw[i], &c->la, rnd[i], cookie[i],
					&clen[i]));
	}
	ASSERT_EQ(0, raw_send_hello(c->raw[0], &c->la, rnd[0], cookie[0],
				    clen[0]));
	ASSERT_EQ(0, raw_wait(c->raw[0], HT_SH, 10000, NULL, NULL));
	ASSERT_EQ(1, WAIT_LI(c->lfd, pending, 1, 5000));
	usleep((EVICT_AGE_MS + 500) * 1000);

	ev0 = stat_of("DtlsListenEvicted");
	sp0 = stat_of("DtlsListenSpawned");
	pf0 = stat_of("DtlsListenPendingFull");
	/* Each replay reaches the listener's work, its cookie good. */
	rl0 = stat_of("DtlsListenRatelimited") + stat_of("DtlsListenQueueFull");
	hv0 = stat_of("DtlsHsHelloVerifySent");
	for (i = 0; i < 3; i++) {
		relay_inject(&c->r, hello, hlen);
		usleep(100000);
	}
	usleep(QUIET_MS * 1000);
	EXPECT_EQ(ev0, stat_of("DtlsListenEvicted"));
	EXPECT_EQ(sp0, stat_of("DtlsListenSpawned"));
	EXPECT_EQ(pf0, stat_of("DtlsListenPendingFull"));
	EXPECT_EQ(rl0, stat_of("DtlsListenRatelimited") +
		  stat_of("DtlsListenQueueFull"));
	EXPECT_EQ(hv0, stat_of("DtlsHsHelloVerifySent"));
	ASSERT_EQ(0, linfo(c->lfd, &li));
	EXPECT_EQ(1, li.pending);
	EXPECT_EQ(2, li.sessions);
	EXPECT_EQ(0, tagged(c->cli[0], c->child[0], 0));

	/* A peer that proved its address does make room. */
	ASSERT_EQ(0, raw_send_hello(c->raw[1], &c->la, rnd[1], cookie[1],
				    clen[1]));
	EXPECT_EQ(0, raw_wait(c->raw[1], HT_SH, 10000, NULL, NULL));
	EXPECT_EQ(ev0 + 1, wait_stat("DtlsListenEvicted", ev0 + 1, 5000));
	EXPECT_EQ(sp0 + 1, stat_of("DtlsListenSpawned"));
	ASSERT_EQ(0, linfo(c->lfd, &li));
	EXPECT_EQ(1, li.pending);
	EXPECT_EQ(2, WAIT_LI(c->lfd, sessions, 2, 5000));
}

/*
 * RFC 6347 4.2.8: a client that lost its state starts again from the
 * address and port of its accepted session (a second client behind the
 * same relay port).  Its ClientHello gets a cookie exchange, then a new
 * session; the old one is shut down: ECONNRESET, then end of file, and
 * EPIPE on send; DtlsListenRestarted counts it.
 */
TEST_F_TIMEOUT(listen, restart_same_address, 120)
{
	struct lctx *c = &self->c;
	char buf[64];

	ASSERT_EQ(0, listener_up(c, 300, WAIT_MS, 4));
	ASSERT_EQ(0, relay_start(&c->r, &c->la, 0, false));
	ASSERT_EQ(0, relayed_session(c, 0));

	/* The same address and port, a client that knows nothing of it. */
	relay_forget(&c->r);
	ASSERT_EQ(0, relayed_session(c, 1));
	EXPECT_EQ(1, stat_of("DtlsListenRestarted"));
	EXPECT_EQ(2, stat_of("DtlsListenSpawned"));
	EXPECT_EQ(1, WAIT_LI(c->lfd, sessions, 1, 5000));

	/* The old session: reset, then over. */
	timeo(c->child[0], 5000);
	EXPECT_EQ(-1, recv(c->child[0], buf, sizeof(buf), 0));
	EXPECT_EQ(ECONNRESET, errno);
	EXPECT_EQ(0, recv(c->child[0], buf, sizeof(buf), 0));
	EXPECT_EQ(-1, send(c->child[0], "x", 1, 0));
	EXPECT_EQ(EPIPE, errno);
	/* Its close says nothing to the new client's session. */
	close(c->child[0]);
	c->child[0] = -1;
	EXPECT_EQ(0, tagged(c->cli[1], c->child[1], 1));
	EXPECT_EQ(0, dtls_test_hs_check(c->cli[1], c->child[1], SUITE, 0));
}

/*
 * IPv6 only: a session's lock can be held (IPV6_RTHDR, dtls_test.h) by
 * @holder until @u's page is served, or closed by the teardown.
 */
FIXTURE(l6) {
	struct lctx c;
	struct dtls_test_uffd u;
	struct dtls_test_lock_holder r;
	pthread_t holder;
	bool holding;
};

FIXTURE_SETUP(l6)
{
	ctx_init(_metadata, &self->c, AF_INET6);
}

FIXTURE_TEARDOWN(l6)
{
	if (self->holding) {
		dtls_test_uffd_close(&self->u);
		pthread_join(self->holder, NULL);
	}
	ctx_fini(&self->c);
}

/*
 * The l6 tests' start: a listener (@rate ClientHellos a second a source,
 * or its default), client 0's session through the relay, and that
 * session's lock held by self->holder (a setsockopt copying its value
 * from a page that does not come).  0, or the -errno of a userfaultfd
 * the kernel refuses us (the caller skips).
 */
static int l6_session_locked(struct __test_metadata *_metadata,
			     FIXTURE_DATA(l6) *self, uint32_t rate)
{
	struct lctx *c = &self->c;
	int err = dtls_test_uffd_open(&self->u);

	if (err == -ENOSYS || err == -EPERM) {
		dtls_test_uffd_close(&self->u);
		return err;
	}
	ASSERT_EQ(0, err);
	ASSERT_EQ(0, listener_up(c, 300, WAIT_MS, 4));
	if (rate)
		ASSERT_EQ(0, set_u32(c->lfd, DTLS_LISTEN_RATE, rate));
	ASSERT_EQ(0, relay_start(&c->r, &c->la, 0, false));
	ASSERT_EQ(0, relayed_session(c, 0));

	self->r.fd = c->child[0];
	self->r.u = &self->u;
	ASSERT_EQ(0, pthread_create(&self->holder, NULL, dtls_test_hold_lock,
				    &self->r));
	self->holding = true;
	ASSERT_EQ(0, dtls_test_uffd_wait(&self->u, 10000));
	return 0;
}

/*
 * The holder lets go.  The userfaultfd is closed before the join, so
 * that a failed serve does not leave the join waiting.
 */
static void l6_let_go(struct __test_metadata *_metadata,
		      FIXTURE_DATA(l6) *self)
{
	uint8_t zero = 0;

	EXPECT_EQ(0, dtls_test_uffd_serve(&self->u, &zero, sizeof(zero)));
	dtls_test_uffd_close(&self->u);
	pthread_join(self->holder, NULL);
	self->holding = false;
}

/*
 * A restart shuts the old session down, and its owner may hold the
 * session's lock (a setsockopt copying its value from a page that does
 * not come).  The new client's session must not wait for it: the
 * listener's work, which makes every session, did.
 */
TEST_F_TIMEOUT(l6, restart_session_lock_held, 120)
{
	struct lctx *c = &self->c;
	char buf[64];
	int err;

	err = l6_session_locked(_metadata, self, 0);
	if (err)
		SKIP(return, "no userfaultfd: %s", strerror(-err));

	/* The same address and port, a new client, while the lock is held. */
	relay_forget(&c->r);
	err = relayed_session(c, 1);
	EXPECT_EQ(1, stat_of("DtlsListenRestarted"));
	l6_let_go(_metadata, self);
	ASSERT_EQ(0, err);

	/* The old session: reset once its owner let go, then over. */
	timeo(c->child[0], 5000);
	EXPECT_EQ(-1, recv(c->child[0], buf, sizeof(buf), 0));
	EXPECT_EQ(ECONNRESET, errno);
	EXPECT_EQ(0, recv(c->child[0], buf, sizeof(buf), 0));
	EXPECT_EQ(0, tagged(c->cli[1], c->child[1], 1));
}

/*
 * A restart's shut of the session before never waits for that session's
 * owner, who may hold its lock as long as it likes: while the first
 * ended session's lock is held, each of RESTARTS more restarts ends the
 * session before it, which reads ECONNRESET at once, and none is refused
 * (DtlsListenShutFull).  The held one reads ECONNRESET once let go.  The
 * shut work used to take them one at a time and wait on the held one,
 * with every later one behind it.
 */
#define RESTARTS	8

TEST_F_TIMEOUT(l6, restart_shut_held, 300)
{
	static int cli[RESTARTS + 1], child[RESTARTS + 1];
	struct lctx *c = &self->c;
	union dtls_test_addr peer;
	int err, i, n = 0;
	char buf[64];

	/* Two ClientHellos a restart, all from the relay's address. */
	err = l6_session_locked(_metadata, self, 100000);
	if (err)
		SKIP(return, "no userfaultfd: %s", strerror(-err));
	cli[n] = c->cli[0];
	child[n++] = c->child[0];
	c->cli[0] = c->child[0] = -1;

	for (i = 1; i <= RESTARTS; i++) {
		relay_forget(&c->r);
		ASSERT_EQ(0, client_up(c, 1, NULL, &c->r.self, 300, 2000,
				       WAIT_MS));
		ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED,
			  wait_client(c->cli[1], WAIT_MS))
			TH_LOG("restart %d", i);
		cli[n] = c->cli[1];
		child[n] = accept_wait(c->lfd, &peer, 10000);
		ASSERT_LE(0, child[n++]);
		c->cli[1] = -1;
	}
	EXPECT_EQ(RESTARTS, stat_of("DtlsListenRestarted"));

	/* Each ended one but the held: reset while it is still held. */
	for (i = 1; i < n - 1; i++) {
		timeo(child[i], 10000);
		EXPECT_EQ(-1, recv(child[i], buf, sizeof(buf), 0))
			TH_LOG("session %d", i);
		EXPECT_EQ(ECONNRESET, errno) TH_LOG("session %d", i);
		EXPECT_EQ(0, recv(child[i], buf, sizeof(buf), 0));
	}
	EXPECT_EQ(0, stat_of("DtlsListenShutFull"));
	/* The last goes on. */
	blocking(child[n - 1]);
	EXPECT_EQ(0, tagged(cli[n - 1], child[n - 1], 1));

	l6_let_go(_metadata, self);
	timeo(child[0], 5000);
	EXPECT_EQ(-1, recv(child[0], buf, sizeof(buf), 0));
	EXPECT_EQ(ECONNRESET, errno);
	EXPECT_EQ(0, recv(child[0], buf, sizeof(buf), 0));
	for (i = 0; i < n; i++) {
		close(child[i]);
		close(cli[i]);
	}
}

/* ------------------------------------------- handshakes in user space */

/*
 * A listener whose sessions' handshakes are user space's: attached and
 * bound, no handshake configured, listen(@backlog).  0 or -1 (errno).
 */
static int listener_user_up(struct lctx *c, int backlog)
{
	int err;

	c->lfd = dtls_test_udp_bound(c->family, &c->la);
	if (c->lfd < 0 ||
	    dtls_sock_attach(dtls_test_nl(), c->lfd, NULL, NULL, 0) ||
	    listen(c->lfd, backlog)) {
		err = errno;
		fprintf(stderr, "# user listener: %s\n", strerror(err));
		errno = err;
		return -1;
	}
	timeo(c->lfd, 30000);
	return fcntl(c->lfd, F_SETFL, O_NONBLOCK);
}

/*
 * listener_user_up(), skipping the test where listen() refuses user-space
 * handshakes: the kernel keeps UDP's enqueue to itself (7.x), through
 * which the sessions' datagrams reach the application before its keys.
 * The manifest allows the skip on those kernels only.
 */
#define USER_LISTENER_UP(c, backlog)					\
	do {								\
		int __r = listener_user_up(c, backlog);			\
									\
		if (__r && errno == EOPNOTSUPP)				\
			SKIP(return, "listen(): no user-space handshakes here"); \
		ASSERT_EQ(0, __r);					\
	} while (0)

static unsigned int user_psk_cb(SSL *ssl, const char *id, unsigned char *key,
				unsigned int max_key)
{
	(void)ssl;
	if (!id || strcmp(id, PSK_ID) || max_key < strlen(PSK_KEY))
		return 0;
	memcpy(key, PSK_KEY, strlen(PSK_KEY));
	return strlen(PSK_KEY);
}

static int user_cookie_gen(SSL *ssl, unsigned char *cookie,
			   unsigned int *len)
{
	(void)ssl;
	memset(cookie, 0x5a, 16);
	*len = 16;
	return 1;
}

/* The listener checked the peer's cookie before the session was made. */
static int user_cookie_ok(SSL *ssl, const unsigned char *cookie,
			  unsigned int len)
{
	(void)ssl;
	(void)cookie;
	return len > 0;
}

/*
 * libssl's server handshake on the accepted session @fd, as an
 * application of a user-space listener runs it: DTLSv1_listen() takes
 * the ClientHello whose cookie the kernel checked (message_seq 1), then
 * the handshake; the keys are not installed.  0, or -1 (on stderr).
 */
static int user_serve(int fd, SSL_CTX **ctx, SSL **ssl)
{
	int64_t end = now_ms() + WAIT_MS;
	union dtls_test_addr peer;
	socklen_t plen = sizeof(peer);
	BIO_ADDR *from = BIO_ADDR_new();
	char err[256] = "";
	BIO *bio;
	int r = 0;

	*ctx = SSL_CTX_new(DTLS_server_method());
	if (!from || !*ctx ||
	    !SSL_CTX_set_min_proto_version(*ctx, DTLS1_2_VERSION) ||
	    !SSL_CTX_set_max_proto_version(*ctx, DTLS1_2_VERSION) ||
	    !SSL_CTX_set_cipher_list(*ctx, OSSL_CIPHER))
		goto fail;
	SSL_CTX_set_psk_server_callback(*ctx, user_psk_cb);
	SSL_CTX_set_cookie_generate_cb(*ctx, user_cookie_gen);
	SSL_CTX_set_cookie_verify_cb(*ctx, user_cookie_ok);
	SSL_CTX_set_options(*ctx, SSL_OP_COOKIE_EXCHANGE);
	*ssl = SSL_new(*ctx);
	bio = BIO_new_dgram(fd, BIO_NOCLOSE);
	if (!*ssl || !bio || dtls_openssl_prepare(*ssl)) {
		BIO_free(bio);
		goto fail;
	}
	getpeername(fd, &peer.sa, &plen);
	BIO_ctrl(bio, BIO_CTRL_DGRAM_SET_CONNECTED, 0, &peer.ss);
	SSL_set_bio(*ssl, bio, bio);
	while (now_ms() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		r = DTLSv1_listen(*ssl, from);
		if (r)
			break;
		poll(&p, 1, 100);
	}
	BIO_ADDR_free(from);
	from = NULL;
	if (r <= 0) {
		fprintf(stderr, "# DTLSv1_listen: %d\n", r);
		goto fail;
	}
	if (dtls_openssl_handshake(*ssl, fd, WAIT_MS, err, sizeof(err))) {
		fprintf(stderr, "# user-space handshake: %s\n", err);
		goto fail;
	}
	return 0;
fail:
	BIO_ADDR_free(from);
	fprintf(stderr, "# libssl server on the session failed\n");
	return -1;
}

static void user_free(SSL_CTX *ctx, SSL *ssl)
{
	SSL_free(ssl);
	SSL_CTX_free(ctx);
}

/* Both ends keyed for AES-128-GCM, epoch 1 (DTLS_INFO). */
static void keyed(struct __test_metadata *_metadata, int fd)
{
	struct dtls_info di = {};
	socklen_t len = sizeof(di);

	ASSERT_EQ(0, getsockopt(fd, SOL_DTLS, DTLS_INFO, &di, &len));
	EXPECT_EQ(DTLS_CIPHER_AES_GCM_128, di.tx_cipher);
	EXPECT_EQ(DTLS_CIPHER_AES_GCM_128, di.rx_cipher);
	EXPECT_EQ(1, di.tx_epoch);
	EXPECT_EQ(1, di.rx_epoch);
}

#define N_USER	2

/*
 * Two kernel clients at a listener without a kernel handshake: each
 * session is handed out after the cookie exchange with that ClientHello
 * on it; libssl runs the server's handshake over the session socket and
 * its keys go in with setsockopt (dtls_openssl_offload()).  A record the
 * client sends before then is opened when the keys come; the sessions
 * keep their data apart; a session's close says close_notify.
 */
TEST_F_TIMEOUT(listen, user_handshake, 180)
{
	struct lctx *c = &self->c;
	SSL_CTX *ctx[N_USER] = {};
	SSL *ssl[N_USER] = {};
	struct dtls_listen_info li;
	struct dtls_sock_info si;
	union dtls_test_addr peer;
	uint8_t buf[2048];
	char err[256] = "";
	uint8_t type = 0;
	int i, k, fd;
	ssize_t n;

	USER_LISTENER_UP(c, 4);
	ASSERT_EQ(0, linfo(c->lfd, &li));
	EXPECT_EQ(DTLS_LISTEN_F_USER_HANDSHAKE, li.flags);
	ASSERT_EQ(0, dtls_test_fd_info(c->lfd, &si));	/* netlink's view */
	EXPECT_TRUE(si.is_listener);
	EXPECT_EQ(DTLS_LISTEN_F_USER_HANDSHAKE, si.listen.flags);
	/* No kernel handshake on it, from now on either. */
	EXPECT_EQ(-EINVAL, dtls_hs_start(dtls_test_nl(), c->lfd, 0, NULL, 0));
	EXPECT_EQ(-EINVAL, dtls_psk_add(dtls_test_nl(), c->lfd, 0, PSK_ID,
					 strlen(PSK_ID), PSK_KEY,
					 strlen(PSK_KEY), 0, NULL, 0));

	for (i = 0; i < N_USER; i++)
		ASSERT_EQ(0, client_up(c, i, NULL, NULL, 300, 2000, WAIT_MS));
	for (i = 0; i < N_USER; i++) {
		fd = accept_wait(c->lfd, &peer, WAIT_MS);
		ASSERT_LE(0, fd);
		k = client_of(c, N_USER, &peer);
		ASSERT_LE(0, k);
		ASSERT_EQ(-1, c->child[k]);
		c->child[k] = fd;
		/* Its ClientHello, the one with the cookie, waits on it. */
		n = recv(fd, buf, sizeof(buf), MSG_PEEK);
		ASSERT_LT(0, n);
		EXPECT_TRUE(is_cookie_hello(buf, n));
	}
	ASSERT_EQ(0, linfo(c->lfd, &li));
	EXPECT_EQ(N_USER, li.sessions);
	EXPECT_EQ(0, li.pending);
	EXPECT_EQ(0, li.ready);

	for (i = 0; i < N_USER; i++) {
		ASSERT_EQ(0, user_serve(c->child[i], &ctx[i], &ssl[i]));
		ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED,
			  wait_client(c->cli[i], WAIT_MS));
	}
	for (i = 0; i < N_USER; i++) {
		struct pollfd p = { .fd = c->child[i], .events = POLLIN };

		/* The client's resent flight, if any: libssl has its own. */
		while (recv(c->child[i], buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
		/* Before the session's keys: it waits in the UDP queue. */
		n = snprintf((char *)buf, sizeof(buf), "early %d", i);
		ASSERT_EQ(n, send(c->cli[i], buf, n, 0));
		ASSERT_EQ(1, poll(&p, 1, 5000));
	}
	for (i = 0; i < N_USER; i++) {
		char want[32];
		int m = snprintf(want, sizeof(want), "early %d", i);

		ASSERT_EQ(0, dtls_openssl_offload(ssl[i], c->child[i], err,
						  sizeof(err))) {
			TH_LOG("offload: %s", err);
		}
		keyed(_metadata, c->child[i]);
		keyed(_metadata, c->cli[i]);
		blocking(c->child[i]);
		/*
		 * The client's Finished may have come more than once (libssl is
		 * slow in a TCG guest, the client's RTO short): a resent one is
		 * a handshake record now, past what the handshake read.
		 */
		do {
			n = dtls_recv_typed(c->child[i], buf, sizeof(buf), 0,
					    &type, NULL, NULL);
		} while (n > 0 && type == REC_HS);
		EXPECT_EQ(DTLS_RECORD_TYPE_DATA, type);
		EXPECT_EQ(m, n);
		EXPECT_EQ(0, memcmp(buf, want, m));
	}
	for (i = 0; i < N_USER; i++)
		EXPECT_EQ(0, tagged(c->cli[i], c->child[i], i));
	for (i = 0; i < N_USER; i++) {
		close(c->child[i]);
		c->child[i] = -1;
		EXPECT_EQ(0, recv_close_notify(c->cli[i], 5000, "client"));
		user_free(ctx[i], ssl[i]);
	}
	EXPECT_EQ(N_USER, stat_of("DtlsListenSpawned"));
	EXPECT_EQ(N_USER, stat_of("DtlsListenAccepted"));
	EXPECT_EQ(0, WAIT_LI(c->lfd, sessions, 0, 5000));
}

/*
 * The hand-made client at a user-space listener: a ClientHello without a
 * cookie gets a HelloVerifyRequest and makes nothing; the one with it
 * makes a session, handed out with that ClientHello; whatever the peer
 * sends next (its resent ClientHello, a datagram that is not DTLS) is
 * read from the session as from a UDP socket, with the peer's address;
 * a datagram from another peer stays the listener's.  A session never
 * accepted expires.
 */
TEST_F_TIMEOUT(l4, user_raw_peer, 90)
{
	struct lctx *c = &self->c;
	uint8_t rnd[32], cookie[255], clen, buf[2048];
	union dtls_test_addr peer, from;
	struct dtls_listen_info li;
	socklen_t len;
	ssize_t n;
	int raw, other;

	USER_LISTENER_UP(c, 4);
	raw = c->raw[0] = raw_open(AF_INET, NULL);
	other = c->raw[1] = raw_open(AF_INET, NULL);
	ASSERT_LE(0, raw);
	ASSERT_LE(0, other);
	fill_random(rnd, sizeof(rnd));
	ASSERT_EQ(0, raw_cookie(raw, &c->la, rnd, cookie, &clen));
	ASSERT_EQ(0, linfo(c->lfd, &li));
	EXPECT_EQ(0, li.sessions);

	ASSERT_EQ(0, raw_send_hello(raw, &c->la, rnd, cookie, clen));
	c->child[0] = accept_wait(c->lfd, &peer, WAIT_MS);
	ASSERT_LE(0, c->child[0]);
	blocking(c->child[0]);
	ASSERT_EQ(0, raw_send_hello(raw, &c->la, rnd, cookie, clen));
	ASSERT_EQ(3, sendto(raw, "abc", 3, 0, &c->la.sa, c->alen));
	ASSERT_EQ(3, sendto(other, "xyz", 3, 0, &c->la.sa, c->alen));
	for (int i = 0; i < 2; i++) {
		len = sizeof(from);
		n = recvfrom(c->child[0], buf, sizeof(buf), 0, &from.sa, &len);
		ASSERT_LT(0, n);
		EXPECT_TRUE(is_cookie_hello(buf, n));
		EXPECT_TRUE(dtls_test_same_addr(&from, &peer));
	}
	len = sizeof(from);
	n = recvfrom(c->child[0], buf, sizeof(buf), 0, &from.sa, &len);
	EXPECT_EQ(3, n);
	EXPECT_EQ(0, memcmp(buf, "abc", 3));
	EXPECT_TRUE(dtls_test_same_addr(&from, &peer));
	/* Unkeyed, the session sends as UDP: the peer gets it as it is. */
	ASSERT_EQ(4, send(c->child[0], "pong", 4, 0));
	timeo(raw, 5000);
	EXPECT_EQ(4, recv(raw, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "pong", 4));
	/* The other peer's datagram: the listener's. */
	blocking(c->lfd);
	n = recv(c->lfd, buf, sizeof(buf), 0);
	EXPECT_EQ(3, n);
	EXPECT_EQ(0, memcmp(buf, "xyz", 3));
	set_blocking(c->lfd, false);

	/* A second peer's session, never accepted: it goes. */
	ASSERT_EQ(0, set_u32(c->lfd, DTLS_LISTEN_ACCEPT_MS, 300));
	fill_random(rnd, sizeof(rnd));
	ASSERT_EQ(0, raw_cookie(other, &c->la, rnd, cookie, &clen));
	ASSERT_EQ(0, raw_send_hello(other, &c->la, rnd, cookie, clen));
	EXPECT_EQ(2, wait_stat("DtlsListenSpawned", 2, 10000));
	EXPECT_EQ(1, wait_stat("DtlsListenExpired", 1, 10000));
	EXPECT_EQ(1, WAIT_LI(c->lfd, sessions, 1, 10000));
	EXPECT_EQ(-1, accept4(c->lfd, NULL, NULL, SOCK_NONBLOCK));
	EXPECT_EQ(EAGAIN, errno);

	/* The listener closes: its keyless session reads what is queued, EOF. */
	ASSERT_EQ(3, sendto(raw, "end", 3, 0, &c->la.sa, c->alen));
	usleep(200000);
	close(c->lfd);
	c->lfd = -1;
	timeo(c->child[0], 5000);
	EXPECT_EQ(3, recv(c->child[0], buf, sizeof(buf), 0));
	EXPECT_EQ(0, recv(c->child[0], buf, sizeof(buf), 0));
	EXPECT_EQ(-1, send(c->child[0], "x", 1, 0));
	EXPECT_EQ(EPIPE, errno);
}

/* ------------------------------------------------------------- cgroups */

#define CG_ROOT	"/sys/fs/cgroup"

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* @key's value in @cg's flat-keyed @file (memory.stat), or -1. */
static long long cg_key(const char *cg, const char *file, const char *key)
{
	char path[256], line[128], name[64];
	long long v = -1, n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", cg, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lld", name, &n) == 2 &&
		    !strcmp(name, key)) {
			v = n;
			break;
		}
	fclose(f);
	return v;
}

/* @key's value in @cg's memory.stat (bytes), or -1. */
static long long cg_stat(const char *cg, const char *key)
{
	return cg_key(cg, "memory.stat", key);
}

/*
 * Wait (memory.stat is flushed every 2 s, or past a batch of updates)
 * until @key of @cg grew by @want from @before; the last value read.
 */
static long long cg_stat_grows(const char *cg, const char *key,
			       long long before, long long want)
{
	long long v = before;
	int i;

	for (i = 0; i < 80; i++) {
		v = cg_stat(cg, key);
		if (v - before >= want)
			break;
		usleep(100000);
	}
	return v;
}

FIXTURE(lcg) {
	struct lctx c;
	char cg[128];
	bool memory_on;		/* we enabled +memory at the root */
};

/*
 * cgroup2 at CG_ROOT, mounted in a mount namespace of the test's if it is
 * not there.  0; 1 if the kernel has no cgroup2; -1 if the namespace
 * could not be made (errno).
 */
static int cg_mount(void)
{
	if (!access(CG_ROOT "/cgroup.controllers", F_OK))
		return 0;
	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -1;
	return mount("none", CG_ROOT, "cgroup2", 0, NULL) ? 1 : 0;
}

/*
 * The test process in a cgroup v2 of its own with the memory controller:
 * cgroup2 mounted in a mount namespace of the test's if it is not at
 * CG_ROOT; SKIP if the kernel has no memory cgroup.
 */
FIXTURE_SETUP(lcg)
{
	char pid[32], procs[192], ctl[256] = "";
	int fd, err;

	ctx_init(_metadata, &self->c, AF_INET);
	self->cg[0] = '\0';
	err = cg_mount();
	if (err > 0)
		SKIP(return, "no cgroup2: %s", strerror(errno));
	ASSERT_EQ(0, err);
	fd = open(CG_ROOT "/cgroup.subtree_control", O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_LE(0, read(fd, ctl, sizeof(ctl) - 1));
	close(fd);
	if (!strstr(ctl, "memory")) {
		if (write_file(CG_ROOT "/cgroup.subtree_control", "+memory"))
			SKIP(return, "no memory cgroup: %s", strerror(errno));
		self->memory_on = true;
	}
	snprintf(self->cg, sizeof(self->cg), CG_ROOT "/kdtls-listen-%d",
		 getpid());
	ASSERT_EQ(0, mkdir(self->cg, 0755));
	snprintf(pid, sizeof(pid), "%d", getpid());
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", self->cg);
	ASSERT_EQ(0, write_file(procs, pid));
	ASSERT_LE(0, cg_stat(self->cg, "sock"));
}

FIXTURE_TEARDOWN(lcg)
{
	char pid[32];
	int i;

	ctx_fini(&self->c);
	if (!self->cg[0])
		return;
	snprintf(pid, sizeof(pid), "%d", getpid());
	write_file(CG_ROOT "/cgroup.procs", pid);
	/* Sessions' sockets go with their RCU grace period. */
	for (i = 0; i < 100 && rmdir(self->cg) && errno == EBUSY; i++)
		usleep(50000);
	if (self->memory_on)
		write_file(CG_ROOT "/cgroup.subtree_control", "-memory");
}

#define CG_DGRAMS	48
#define CG_SESSIONS	16
#define CG_SLAB_SESSIONS 64

/*
 * A listener made in a cgroup: the sessions its work makes (a kernel
 * worker) are the cgroup's: their kdtls state is charged to it ("slab" in
 * memory.stat grows with sessions never accepted; their socket and inode
 * are charged to no cgroup until accept(), as the kernel cannot make them
 * without risking the OOM killer), and so is what a session holds in its
 * receive queue ("sock").
 */
TEST_F_TIMEOUT(lcg, sessions_in_callers_cgroup, 120)
{
	struct lctx *c = &self->c;
	uint8_t rnd[32], cookie[255], clen, buf[1200];
	int fds[CG_SLAB_SESSIONS], i, rcvbuf = 1 << 20;
	union dtls_test_addr peer;
	long long before, after;

	USER_LISTENER_UP(c, 2 * CG_SLAB_SESSIONS);
	/* Room for every datagram below, whatever rmem_default is. */
	ASSERT_EQ(0, setsockopt(c->lfd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
				sizeof(rcvbuf)));
	ASSERT_EQ(0, set_u32(c->lfd, DTLS_LISTEN_RATE, 1000));
	/* None expires (and frees its queue) while a slow guest counts. */
	ASSERT_EQ(0, set_u32(c->lfd, DTLS_LISTEN_ACCEPT_MS, 600000));
	for (i = 0; i < CG_SLAB_SESSIONS; i++) {
		fds[i] = raw_open(AF_INET, NULL);
		ASSERT_LE(0, fds[i]);
	}

	/* What a session holds in its queue: its socket memory. */
	c->raw[0] = fds[0];
	fill_random(rnd, sizeof(rnd));
	ASSERT_EQ(0, raw_cookie(fds[0], &c->la, rnd, cookie, &clen));
	ASSERT_EQ(0, raw_send_hello(fds[0], &c->la, rnd, cookie, clen));
	c->child[0] = accept_wait(c->lfd, &peer, WAIT_MS);
	ASSERT_LE(0, c->child[0]);
	usleep(2500000);	/* memory.stat's periodic flush */
	before = cg_stat(self->cg, "sock");
	memset(buf, 'x', sizeof(buf));
	for (i = 0; i < CG_DGRAMS; i++)
		ASSERT_EQ(sizeof(buf), sendto(fds[0], buf, sizeof(buf), 0,
					      &c->la.sa, c->alen));
	/*
	 * Charged in pages, some ahead (sk_forward_alloc): the cgroup holds
	 * them all at the end, and at least half of them came now.
	 */
	after = cg_stat_grows(self->cg, "sock", before,
			      CG_DGRAMS * (long long)sizeof(buf) / 2);
	EXPECT_LE(CG_DGRAMS * (long long)sizeof(buf) / 2, after - before);
	EXPECT_LE(CG_DGRAMS * (long long)sizeof(buf), after) {
		TH_LOG("sock bytes of the cgroup: %lld before, %lld after",
		       before, after);
	}
	/* They are all there to read, after the ClientHello. */
	EXPECT_LT(0, recv(c->child[0], buf, sizeof(buf), MSG_DONTWAIT));
	for (i = 0; i < CG_DGRAMS; i++)
		ASSERT_EQ(sizeof(buf), recv(c->child[0], buf, sizeof(buf),
					    MSG_DONTWAIT));

	/* Sessions made, not accepted: the worker's allocations alone. */
	usleep(2500000);
	before = cg_stat(self->cg, "slab");
	for (i = 1; i < CG_SLAB_SESSIONS; i++) {
		fill_random(rnd, sizeof(rnd));
		ASSERT_EQ(0, raw_cookie(fds[i], &c->la, rnd, cookie, &clen));
		ASSERT_EQ(0, raw_send_hello(fds[i], &c->la, rnd, cookie, clen));
	}
	ASSERT_EQ(CG_SLAB_SESSIONS - 1,
		  WAIT_LI(c->lfd, ready, CG_SLAB_SESSIONS - 1, 20000));
	/*
	 * Their struct dtls_sock is 512 bytes; the statistics of up to a
	 * page of slab a CPU may wait in that CPU's stock, unseen (two CPUs).
	 */
	after = cg_stat_grows(self->cg, "slab", before,
			      (CG_SLAB_SESSIONS - 1) * 512 - 2 * 4096);
	EXPECT_LE((CG_SLAB_SESSIONS - 1) * 512LL - 2 * 4096, after - before) {
		TH_LOG("slab of the cgroup: %lld before, %lld after", before,
		       after);
	}
	for (i = 1; i < CG_SLAB_SESSIONS; i++)
		close(fds[i]);
}

/*
 * CG_SESSIONS raw peers (@fds) each with a session pending on the
 * listener of @c: 0, or -1.
 */
static int cg_pending_sessions(struct lctx *c, int *fds)
{
	int i;

	for (i = 0; i < CG_SESSIONS; i++) {
		fds[i] = raw_open(AF_INET, NULL);
		if (fds[i] < 0 || raw_spawn(fds[i], &c->la))
			return -1;
	}
	return WAIT_LI(c->lfd, pending, CG_SESSIONS, 10000) == CG_SESSIONS ?
	       0 : -1;
}

#define CG_HELD_MSGS	3
#define CG_HELD_LEN	8000

/*
 * What a peer makes a kernel handshake hold is charged to the socket's
 * memory cgroup, though the handshake's work runs in a kernel worker:
 * here the first fragment of each of three 8000-byte messages, which
 * reassembly buffers whole, on each of the listener's sessions ("slab"
 * of the cgroup grows by all of them).
 */
TEST_F_TIMEOUT(lcg, handshake_buffers_in_cgroup, 120)
{
	const long long want = (long long)CG_SESSIONS * CG_HELD_MSGS *
			       CG_HELD_LEN;
	uint8_t dg[256], zero[64] = { 0 };
	struct lctx *c = &self->c;
	int fds[CG_SESSIONS], i, k;
	long long before, after;
	size_t n;

	ASSERT_EQ(0, listener_up(c, 10000, 60000, 2 * CG_SESSIONS));
	ASSERT_EQ(0, set_u32(c->lfd, DTLS_LISTEN_RATE, 1000));
	ASSERT_EQ(0, cg_pending_sessions(c, fds));
	usleep(2500000);	/* memory.stat's periodic flush */
	before = cg_stat(self->cg, "slab");
	/* After the two ClientHellos: record and message_seq 2 on. */
	for (i = 0; i < CG_SESSIONS; i++)
		for (k = 0; k < CG_HELD_MSGS; k++) {
			n = hs_record(dg, 2 + k, HT_CKE, 2 + k, CG_HELD_LEN,
				      zero, sizeof(zero));
			ASSERT_EQ(n, sendto(fds[i], dg, n, 0, &c->la.sa,
					    c->alen));
		}
	after = cg_stat_grows(self->cg, "slab", before, want);
	EXPECT_LE(want, after - before) {
		TH_LOG("slab of the cgroup: %lld before, %lld after", before,
		       after);
	}
	/* Held, not refused: the sessions still wait for the rest. */
	EXPECT_EQ(CG_SESSIONS, WAIT_LI(c->lfd, pending, CG_SESSIONS, 1000));
	for (i = 0; i < CG_SESSIONS; i++)
		close(fds[i]);
}

#define CG_PSKS		64	/* DTLS_HS_MAX_PSKS */
#define CG_PSK_SIZE	216	/* struct dtls_psk: its slab object at least */

/*
 * A listener with CG_PSKS PSKs: each session's handshake copies them
 * (16 KiB), for a peer that only sent a ClientHello; charged to the
 * socket's memory cgroup, as the rest of the session's state.
 */
TEST_F_TIMEOUT(lcg, psk_copies_in_cgroup, 120)
{
	const long long want = (long long)CG_SESSIONS * CG_PSKS * CG_PSK_SIZE;
	struct lctx *c = &self->c;
	int fds[CG_SESSIONS], i;
	long long before, after;
	char id[32], msg[128];

	ASSERT_EQ(0, listener_up(c, 10000, 60000, 2 * CG_SESSIONS));
	ASSERT_EQ(0, set_u32(c->lfd, DTLS_LISTEN_RATE, 1000));
	for (i = 1; i < CG_PSKS; i++) {
		snprintf(id, sizeof(id), "identity-%d", i);
		ASSERT_EQ(0, dtls_psk_add(dtls_test_nl(), c->lfd, 0, id,
					  strlen(id), PSK_KEY, strlen(PSK_KEY),
					  0, msg, sizeof(msg))) TH_LOG("%s", msg);
	}
	/* The table can hold no more: the limit is what is measured. */
	ASSERT_EQ(-ENOSPC, dtls_psk_add(dtls_test_nl(), c->lfd, 0, "one-more",
					8, PSK_KEY, strlen(PSK_KEY), 0, msg,
					sizeof(msg)));
	usleep(2500000);	/* memory.stat's periodic flush */
	before = cg_stat(self->cg, "slab");
	ASSERT_EQ(0, cg_pending_sessions(c, fds));
	after = cg_stat_grows(self->cg, "slab", before, want);
	EXPECT_LE(want, after - before) {
		TH_LOG("slab of the cgroup: %lld before, %lld after", before,
		       after);
	}
	for (i = 0; i < CG_SESSIONS; i++)
		close(fds[i]);
}

/* The number in @cg's file @name (memory.current), or -1. */
static long long cg_value(const char *cg, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", cg, name);
	return dtls_test_read_num(path);
}

/* The cgroup's memory.events entry @key (a count of events), or -1. */
static long long cg_event(const char *cg, const char *key)
{
	return cg_key(cg, "memory.events", key);
}

#define CG_LIMIT_ROOM	(192 * 1024)
#define CG_LIMIT_TRIES	64

/*
 * A listener whose memory cgroup reaches its limit through what remote
 * peers send (new sessions, the first fragments of big messages): new
 * sessions fail (no ServerHello; DtlsListenNoMemory or DtlsHsFailed
 * count them) and what they would hold is dropped, and the OOM killer is
 * never called for it (memory.events "oom" does not move).  The cgroup
 * keeps the listener, not the test, so an OOM would find nothing to
 * kill.  The limit lifted, a new peer gets its session.
 */
TEST_F_TIMEOUT(lcg, handshake_at_memory_limit, 240)
{
	uint8_t dg[256], zero[64] = { 0 }, rnd[32], cookie[255], clen;
	long long oom, nomem, failed, cur, refused;
	int fds[CG_LIMIT_TRIES], n_fds = 0, i, k, fd, limited_at = -1;
	struct lctx *c = &self->c;
	char path[192], val[32];
	size_t n;

	ASSERT_EQ(0, listener_up(c, 10000, 60000, 4 * CG_LIMIT_TRIES));
	ASSERT_EQ(0, set_u32(c->lfd, DTLS_LISTEN_RATE, 1000));
	ASSERT_EQ(0, set_u32(c->lfd, DTLS_LISTEN_MAX_PENDING,
			     CG_LIMIT_TRIES));
	snprintf(val, sizeof(val), "%d", getpid());
	ASSERT_EQ(0, write_file(CG_ROOT "/cgroup.procs", val));
	oom = cg_event(self->cg, "oom");
	ASSERT_LE(0, oom);
	nomem = stat_of("DtlsListenNoMemory");
	failed = stat_of("DtlsHsFailed");
	cur = cg_value(self->cg, "memory.current");
	ASSERT_LT(0, cur);
	snprintf(path, sizeof(path), "%s/memory.max", self->cg);
	snprintf(val, sizeof(val), "%lld", cur + CG_LIMIT_ROOM);
	ASSERT_EQ(0, write_file(path, val));

	/* Sessions, each holding what it can, until they fail. */
	for (i = 0; i < CG_LIMIT_TRIES; i++) {
		if (limited_at >= 0 && i >= limited_at + 4)
			break;
		fd = raw_open(AF_INET, NULL);
		ASSERT_LE(0, fd);
		fds[n_fds++] = fd;
		fill_random(rnd, sizeof(rnd));
		ASSERT_EQ(0, raw_cookie(fd, &c->la, rnd, cookie, &clen));
		ASSERT_EQ(0, raw_send_hello(fd, &c->la, rnd, cookie, clen));
		if (raw_wait(fd, HT_SH, 3000, NULL, NULL)) {
			if (limited_at < 0)
				limited_at = i;
			continue;
		}
		for (k = 0; k < CG_HELD_MSGS; k++) {
			n = hs_record(dg, 2 + k, HT_CKE, 2 + k, CG_HELD_LEN,
				      zero, sizeof(zero));
			ASSERT_EQ(n, sendto(fd, dg, n, 0, &c->la.sa,
					    c->alen));
		}
		usleep(100000);
	}
	refused = stat_of("DtlsListenNoMemory") - nomem +
		  stat_of("DtlsHsFailed") - failed;
	TH_LOG("first refused: %d of %d; counted %lld; oom %lld -> %lld",
	       limited_at, n_fds, refused, oom, cg_event(self->cg, "oom"));
	EXPECT_LE(0, limited_at) {
		TH_LOG("never refused (%lld bytes at start)", cur);
	}
	EXPECT_LT(0, refused);
	EXPECT_EQ(oom, cg_event(self->cg, "oom"));

	/* The limit lifted, a new peer gets its session. */
	ASSERT_EQ(0, write_file(path, "max"));
	for (i = 0; i < n_fds; i++)
		close(fds[i]);
	fd = raw_open(AF_INET, NULL);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, raw_spawn(fd, &c->la));
	close(fd);
}

/* ------------------------------------------------------------ bad inputs */

/* DTLS_TX with an AES-GCM-128 key: the errno, 0 if it was taken. */
static int tx_keys_errno(int fd)
{
	struct dtls12_crypto_info_aes_gcm_128 ci = {
		.info = { .version = DTLS_1_2_VERSION,
			  .cipher_type = DTLS_CIPHER_AES_GCM_128, .epoch = 1 },
	};

	errno = 0;
	return setsockopt(fd, SOL_DTLS, DTLS_TX, &ci, sizeof(ci)) ? errno : 0;
}

/* listen(@fd, 4) fails: its errno (0 if it did not fail). */
static int listen_errno(int fd)
{
	errno = 0;
	return listen(fd, 4) ? errno : 0;
}

/*
 * A session of a user-space-handshake listener runs the kernel's
 * handshake after accept(); its peer is silent, so it resends.  The
 * listener closes: the session's port may be another socket's now, so
 * its handshake ends with the close (ECONNABORTED) rather than resending
 * into a shut socket (EPIPE) until its time-out.
 */
TEST_F_TIMEOUT(l4, user_session_handshake_listener_gone, 90)
{
	uint16_t suite = SUITE;
	struct dtls_hs_config cfg = {
		.role = DTLS_HS_ROLE_SERVER, .suites = &suite, .n_suites = 1,
		.rto_initial_ms = 300, .rto_max_ms = 600, .timeout_ms = WAIT_MS,
	};
	uint8_t rnd[32], cookie[255], clen, buf[2048];
	struct lctx *c = &self->c;
	union dtls_test_addr peer;
	struct pollfd p;
	int raw, child;
	long long retx;

	USER_LISTENER_UP(c, 4);
	raw = c->raw[0] = raw_open(AF_INET, NULL);
	ASSERT_LE(0, raw);
	fill_random(rnd, sizeof(rnd));
	ASSERT_EQ(0, raw_cookie(raw, &c->la, rnd, cookie, &clen));
	ASSERT_EQ(0, raw_send_hello(raw, &c->la, rnd, cookie, clen));
	child = c->child[0] = accept_wait(c->lfd, &peer, WAIT_MS);
	ASSERT_LE(0, child);
	/* A second session, no handshake on it yet. */
	c->raw[1] = raw_open(AF_INET, NULL);
	ASSERT_LE(0, c->raw[1]);
	fill_random(rnd, sizeof(rnd));
	ASSERT_EQ(0, raw_cookie(c->raw[1], &c->la, rnd, cookie, &clen));
	ASSERT_EQ(0, raw_send_hello(c->raw[1], &c->la, rnd, cookie, clen));
	c->child[1] = accept_wait(c->lfd, &peer, WAIT_MS);
	ASSERT_LE(0, c->child[1]);

	/* Its ClientHello waits on it: the kernel's handshake answers it. */
	ASSERT_EQ(0, dtls_hs_config(dtls_test_nl(), child, 0, &cfg, NULL, 0));
	ASSERT_EQ(0, dtls_psk_add(dtls_test_nl(), child, 0, PSK_ID,
				  strlen(PSK_ID), PSK_KEY, strlen(PSK_KEY), 0,
				  NULL, 0));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), child, 0, NULL, 0));
	ASSERT_EQ(0, raw_wait(raw, HT_SH, 10000, NULL, NULL));
	ASSERT_EQ(0, raw_wait(raw, HT_SH, 5000, NULL, NULL))
		TH_LOG("no resend of the server's flight");

	/* The close ends it, before it returns. */
	close(c->lfd);
	c->lfd = -1;
	EXPECT_EQ(DTLS_HS_STATE_FAILED, hs_state(child));
	retx = stat_of("DtlsHsRetransmit");
	EXPECT_EQ(-1, recv(child, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(ECONNABORTED, errno);
	/* None starts on a session so let go. */
	EXPECT_EQ(-EPIPE, dtls_hs_config(dtls_test_nl(), c->child[1], 0, &cfg,
					 NULL, 0));

	/* What was on its way already; then nothing, not resent. */
	usleep(200000);
	while (recv(raw, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	p = (struct pollfd){ .fd = raw, .events = POLLIN };
	EXPECT_EQ(0, poll(&p, 1, 3000));
	EXPECT_EQ(retx, stat_of("DtlsHsRetransmit"));
}

/*
 * A listener bound to the wildcard address, a client connected to
 * 127.0.0.2: the HelloVerifyRequest must come from 127.0.0.2 (routing
 * alone would pick 127.0.0.1, which the connected client drops), and so
 * must the session's datagrams, its close_notify included.
 */
TEST_F_TIMEOUT(l4, wildcard_reply_source, 60)
{
	struct lctx *c = &self->c;
	uint16_t suite = SUITE;
	struct dtls_hs_config cfg = {
		.role = DTLS_HS_ROLE_SERVER, .suites = &suite, .n_suites = 1,
		.rto_initial_ms = 300, .rto_max_ms = 60000,
		.timeout_ms = WAIT_MS, .cookies = 1,
	};
	union dtls_test_addr any = { .in4 = { .sin_family = AF_INET } };
	union dtls_test_addr to, peer, me;
	socklen_t len = sizeof(any.in4);

	c->lfd = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, c->lfd);
	ASSERT_EQ(0, bind(c->lfd, &any.sa, len));
	ASSERT_EQ(0, getsockname(c->lfd, &any.sa, &len));
	ASSERT_EQ(0, dtls_test_hs_setup(c->lfd, &cfg, PSK_ID, PSK_KEY,
					strlen(PSK_KEY)));
	ASSERT_EQ(0, listen(c->lfd, 4));
	ASSERT_EQ(0, fcntl(c->lfd, F_SETFL, O_NONBLOCK));

	to = any;
	to.in4.sin_addr.s_addr = htonl(0x7f000002);
	ASSERT_EQ(0, client_up(c, 0, NULL, &to, 300, 2000, WAIT_MS));
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED, wait_client(c->cli[0], WAIT_MS));
	c->child[0] = accept_wait(c->lfd, &peer, 10000);
	ASSERT_LE(0, c->child[0]);
	len = sizeof(me.in4);
	ASSERT_EQ(0, getsockname(c->child[0], &me.sa, &len));
	EXPECT_EQ(htonl(0x7f000002), me.in4.sin_addr.s_addr);
	EXPECT_EQ(any.in4.sin_port, me.in4.sin_port);
	EXPECT_EQ(0, tagged(c->cli[0], c->child[0], 0));

	close(c->child[0]);
	c->child[0] = -1;
	EXPECT_EQ(0, recv_close_notify(c->cli[0], 5000, "client"));
}

TEST_F_TIMEOUT(l4, listen_errors, 60)
{
	struct lctx *c = &self->c;
	uint16_t suite = SUITE;
	struct dtls_hs_config srv = {
		.role = DTLS_HS_ROLE_SERVER, .suites = &suite, .n_suites = 1,
		.cookies = -1,
	};
	struct dtls_hs_config cli = {
		.role = DTLS_HS_ROLE_CLIENT, .suites = &suite, .n_suites = 1,
		.cookies = -1,
	};
	union dtls_test_addr a, to;
	struct dtls_listen_info li;
	int fd, e;

	/* A UDP socket kdtls never saw: UDP's own answer. */
	fd = dtls_test_udp_bound(AF_INET, &a);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EOPNOTSUPP, listen_errno(fd));
	EXPECT_EQ(-1, accept4(fd, NULL, NULL, SOCK_NONBLOCK));
	EXPECT_EQ(EOPNOTSUPP, errno);
	close(fd);

	/* Attached, keys installed: no longer a socket for many peers. */
	fd = dtls_test_udp_bound(AF_INET, &a);
	ASSERT_LE(0, fd);
	dtls_test_loopback(AF_INET, &to);
	to.in4.sin_port = htons(9);
	ASSERT_EQ(0, connect(fd, &to.sa, sizeof(to.in4)));
	ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), fd, NULL, NULL, 0));
	ASSERT_EQ(0, tx_keys_errno(fd));
	EXPECT_EQ(EISCONN, listen_errno(fd));
	close(fd);

	/* A client. */
	fd = dtls_test_udp_bound(AF_INET, &a);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, dtls_test_hs_setup(fd, &cli, PSK_ID, PSK_KEY,
					strlen(PSK_KEY)));
	EXPECT_EQ(EINVAL, listen_errno(fd));
	close(fd);

	/* Not bound: no port to listen on. */
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, dtls_test_hs_setup(fd, &srv, PSK_ID, PSK_KEY,
					strlen(PSK_KEY)));
	EXPECT_EQ(EINVAL, listen_errno(fd));
	close(fd);

	/* No credentials. */
	fd = dtls_test_udp_bound(AF_INET, &a);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), fd, NULL, NULL, 0));
	ASSERT_EQ(0, dtls_hs_config(dtls_test_nl(), fd, 0, &srv, NULL, 0));
	EXPECT_EQ(ENOKEY, listen_errno(fd));
	close(fd);

	/* In a reuseport group: each listener has its own table. */
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &(int){ 1 },
				sizeof(int)));
	dtls_test_loopback(AF_INET, &a);
	ASSERT_EQ(0, bind(fd, &a.sa, sizeof(a.in4)));
	ASSERT_EQ(0, dtls_test_hs_setup(fd, &srv, PSK_ID, PSK_KEY,
					strlen(PSK_KEY)));
	EXPECT_EQ(EOPNOTSUPP, listen_errno(fd));
	close(fd);

	/* Connected. */
	fd = dtls_test_udp_bound(AF_INET, &a);
	ASSERT_LE(0, fd);
	dtls_test_loopback(AF_INET, &to);
	to.in4.sin_port = htons(9);
	ASSERT_EQ(0, connect(fd, &to.sa, sizeof(to.in4)));
	ASSERT_EQ(0, dtls_test_hs_setup(fd, &srv, PSK_ID, PSK_KEY,
					strlen(PSK_KEY)));
	EXPECT_EQ(EISCONN, listen_errno(fd));
	close(fd);

	/* Its handshake started already. */
	fd = dtls_test_udp_bound(AF_INET, &a);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, dtls_test_hs_setup(fd, &srv, PSK_ID, PSK_KEY,
					strlen(PSK_KEY)));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), fd, 0, NULL, 0));
	e = listen_errno(fd);
	EXPECT_TRUE(e == EALREADY || e == EBUSY);
	/* Not a listener: accept says so. */
	EXPECT_EQ(-1, accept4(fd, NULL, NULL, SOCK_NONBLOCK));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, getsockopt(fd, SOL_DTLS, DTLS_LISTEN_INFO, &li,
				 &(socklen_t){ sizeof(li) }));
	EXPECT_EQ(EINVAL, errno);
	dtls_hs_abort(dtls_test_nl(), fd, 0, NULL, 0);
	close(fd);

	/* A listener: a second listen() sets the backlog ... */
	ASSERT_EQ(0, listener_up(c, 300, WAIT_MS, 3));
	ASSERT_EQ(0, linfo(c->lfd, &li));
	EXPECT_EQ(3, li.backlog);
	EXPECT_EQ(0, listen(c->lfd, 7));
	ASSERT_EQ(0, linfo(c->lfd, &li));
	EXPECT_EQ(7, li.backlog);
	/* ... its handshake is the children's template, never started ... */
	EXPECT_EQ(-EINVAL, dtls_hs_start(dtls_test_nl(), c->lfd, 0, NULL, 0));
	/* ... whose sessions are servers: no client role for it ... */
	EXPECT_EQ(-EINVAL, dtls_hs_config(dtls_test_nl(), c->lfd, 0, &cli,
					  NULL, 0));
	/* ... and it still works. */
	ASSERT_EQ(0, client_up(c, 0, NULL, NULL, 300, 2000, WAIT_MS));
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED, wait_client(c->cli[0], WAIT_MS));
	c->child[0] = accept_wait(c->lfd, &a, 10000);
	ASSERT_LE(0, c->child[0]);
	check_child(_metadata, c, 0);
	/* A child is no listener either. */
	EXPECT_EQ(-1, accept4(c->child[0], NULL, NULL, SOCK_NONBLOCK));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_NE(0, listen_errno(c->child[0]));
	/* A listener has many peers, a child one for good. */
	dtls_test_loopback(AF_INET, &to);
	to.in4.sin_port = htons(9);
	EXPECT_EQ(-1, connect(c->lfd, &to.sa, sizeof(to.in4)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, connect(c->child[0], &to.sa, sizeof(to.in4)));
	EXPECT_EQ(EISCONN, errno);
	/* Keys need a connection: none on a listener. */
	EXPECT_EQ(ENOTCONN, tx_keys_errno(c->lfd));
	/* And all of that changed nothing. */
	EXPECT_EQ(0, tagged(c->cli[0], c->child[0], 0));
	EXPECT_EQ(0, WAIT_LI(c->lfd, ready, 0, 0));
	EXPECT_EQ(1, WAIT_LI(c->lfd, sessions, 1, 0));
}

TEST_F_TIMEOUT(l4, sockopt_limits, 60)
{
	static const struct {
		int opt;
		uint32_t val;
		bool ok;
	} cases[] = {
		{ DTLS_LISTEN_MAX_PENDING, 0, false },
		{ DTLS_LISTEN_MAX_PENDING, DTLS_LISTEN_MAX_PENDING_MAX + 1, false },
		{ DTLS_LISTEN_MAX_PENDING, UINT32_MAX, false },
		{ DTLS_LISTEN_MAX_PENDING, 1, true },
		{ DTLS_LISTEN_MAX_PENDING, DTLS_LISTEN_MAX_PENDING_MAX, true },
		{ DTLS_LISTEN_ACCEPT_MS, 0, false },
		{ DTLS_LISTEN_ACCEPT_MS, 99, false },
		{ DTLS_LISTEN_ACCEPT_MS, 3600001, false },
		{ DTLS_LISTEN_ACCEPT_MS, 100, true },
		{ DTLS_LISTEN_ACCEPT_MS, 3600000, true },
		{ DTLS_LISTEN_RATE, 0, false },
		{ DTLS_LISTEN_RATE, 100001, false },
		{ DTLS_LISTEN_RATE, 1, true },
		{ DTLS_LISTEN_RATE, 100000, true },
	};
	struct lctx *c = &self->c;
	struct dtls_listen_info li;
	uint16_t short_val = 5;
	size_t i;

	/* Before listen(): the defaults, and they can be set. */
	ASSERT_EQ(0, listener_up(c, 300, WAIT_MS, -1));
	EXPECT_EQ(DTLS_LISTEN_MAX_PENDING_DEFAULT,
		  get_u32(c->lfd, DTLS_LISTEN_MAX_PENDING));
	EXPECT_EQ(DTLS_LISTEN_ACCEPT_MS_DEFAULT,
		  get_u32(c->lfd, DTLS_LISTEN_ACCEPT_MS));
	EXPECT_EQ(DTLS_LISTEN_RATE_DEFAULT, get_u32(c->lfd, DTLS_LISTEN_RATE));
	EXPECT_EQ(0, set_u32(c->lfd, DTLS_LISTEN_RATE, 50));
	EXPECT_EQ(-EINVAL, linfo(c->lfd, &li));		/* not a listener */
	ASSERT_EQ(0, listen(c->lfd, 5));
	ASSERT_EQ(0, linfo(c->lfd, &li));
	EXPECT_EQ(0, li.sessions);
	EXPECT_EQ(0, li.pending);
	EXPECT_EQ(0, li.ready);
	EXPECT_EQ(5, li.backlog);
	EXPECT_EQ(DTLS_LISTEN_MAX_PENDING_DEFAULT, li.max_pending);
	EXPECT_EQ(DTLS_LISTEN_ACCEPT_MS_DEFAULT, li.accept_ms);
	EXPECT_EQ(50, li.rate);
	EXPECT_EQ(0, li.flags);	/* the kernel's handshakes */

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint32_t before = get_u32(c->lfd, cases[i].opt);
		uint32_t after = before;
		int want = -EINVAL;

		if (cases[i].ok) {
			want = 0;
			after = cases[i].val;
		}
		EXPECT_EQ(want, set_u32(c->lfd, cases[i].opt, cases[i].val));
		EXPECT_EQ(after, get_u32(c->lfd, cases[i].opt));
	}
	/* Too short a value. */
	EXPECT_EQ(-1, setsockopt(c->lfd, SOL_DTLS, DTLS_LISTEN_RATE,
				 &short_val, sizeof(short_val)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(100000, get_u32(c->lfd, DTLS_LISTEN_RATE));
	/* DTLS_LISTEN_INFO tells the last of each. */
	ASSERT_EQ(0, linfo(c->lfd, &li));
	EXPECT_EQ(DTLS_LISTEN_MAX_PENDING_MAX, li.max_pending);
	EXPECT_EQ(3600000, li.accept_ms);
	EXPECT_EQ(100000, li.rate);
}

TEST_F_TIMEOUT(l4, stray_datagrams, 60)
{
	struct lctx *c = &self->c;
	long long ns0 = stat_of("DtlsListenNoSession");
	uint8_t app[13 + 24], cke[13 + 12 + 8], alert[13 + 2], buf[256];
	union dtls_test_addr me, from;
	socklen_t flen, mlen = sizeof(me);
	struct dtls_listen_info li;
	struct pollfd p;
	int64_t t0;
	ssize_t n;
	int fd;

	ASSERT_EQ(0, listener_up(c, 300, WAIT_MS, 4));
	fd = c->raw[0] = raw_open(AF_INET, NULL);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, getsockname(fd, &me.sa, &mlen));

	/* DTLS but no ClientHello, from a peer without a session. */
	memset(app, 0xab, sizeof(app));		/* application data, epoch 1 */
	put16(put48(put16(put16(put8(app, 23), DTLS_1_2_VERSION), 1), 7),
	      sizeof(app) - 13);
	memset(cke, 0, sizeof(cke));		/* a ClientKeyExchange */
	put16(put48(put16(put16(put8(cke, REC_HS), DTLS_1_2_VERSION), 0), 2),
	      sizeof(cke) - 13);
	cke[13] = HT_CKE;
	cke[16] = cke[24] = 8;
	memset(alert, 0, sizeof(alert));	/* a fatal alert */
	put16(put48(put16(put16(put8(alert, REC_ALERT), DTLS_1_2_VERSION), 0),
		    3), 2);
	alert[13] = 2;
	alert[14] = 40;
	ASSERT_EQ(sizeof(app), sendto(fd, app, sizeof(app), 0, &c->la.sa,
				      c->alen));
	ASSERT_EQ(sizeof(cke), sendto(fd, cke, sizeof(cke), 0, &c->la.sa,
				      c->alen));
	ASSERT_EQ(sizeof(alert), sendto(fd, alert, sizeof(alert), 0,
					&c->la.sa, c->alen));
	EXPECT_EQ(ns0 + 3, wait_stat("DtlsListenNoSession", ns0 + 3, 5000));
	usleep(200000);
	EXPECT_EQ(ns0 + 3, stat_of("DtlsListenNoSession"));
	/* Dropped: nothing to read, no session, no answer. */
	EXPECT_EQ(-1, recv(c->lfd, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, linfo(c->lfd, &li));
	EXPECT_EQ(0, li.sessions);
	EXPECT_EQ(0, stat_of("DtlsListenSpawned"));
	EXPECT_EQ(-1, recv(fd, buf, sizeof(buf), MSG_DONTWAIT));

	/* Not DTLS: plain UDP, for the listener's reader. */
	ASSERT_EQ(9, sendto(fd, "\x01stun-ish", 9, 0, &c->la.sa, c->alen));
	ASSERT_EQ(4, sendto(fd, "\x80rtp", 4, 0, &c->la.sa, c->alen));
	p.fd = c->lfd;
	p.events = POLLIN;
	EXPECT_EQ(1, poll(&p, 1, 5000));
	flen = sizeof(from);
	n = recvfrom(c->lfd, buf, sizeof(buf), MSG_DONTWAIT, &from.sa, &flen);
	EXPECT_EQ(9, n);
	EXPECT_EQ(0, memcmp(buf, "\x01stun-ish", 9));
	EXPECT_TRUE(dtls_test_same_addr(&from, &me));
	flen = sizeof(from);
	n = recvfrom(c->lfd, buf, sizeof(buf), 0, &from.sa, &flen);
	EXPECT_EQ(4, n);
	EXPECT_EQ(0, memcmp(buf, "\x80rtp", 4));
	EXPECT_TRUE(dtls_test_same_addr(&from, &me));
	EXPECT_EQ(ns0 + 3, stat_of("DtlsListenNoSession"));
	/* A datagram is no session: accept finds none, and waits its time. */
	EXPECT_EQ(-1, accept4(c->lfd, NULL, NULL, SOCK_NONBLOCK));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, set_blocking(c->lfd, true));
	timeo(c->lfd, 300);
	t0 = now_ms();
	EXPECT_EQ(-1, accept4(c->lfd, NULL, NULL, 0));
	EXPECT_EQ(EAGAIN, errno);
	t0 = now_ms() - t0;
	EXPECT_LE(250, t0);
	EXPECT_GT(10000, t0);
}

/* --------------------------------------------------------- accept-ms */

TEST_F_TIMEOUT(l4, accept_timeout, 90)
{
	struct lctx *c = &self->c;
	union dtls_test_addr peer;
	struct pollfd p;
	int64_t t0, t1;

	ASSERT_EQ(0, listener_up(c, 300, WAIT_MS, 4));

	/* C waits under the default 30 s; a shorter life applies to it too. */
	ASSERT_EQ(0, client_up(c, 2, NULL, NULL, 300, 2000, WAIT_MS));
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED, wait_client(c->cli[2], WAIT_MS));
	EXPECT_EQ(1, WAIT_LI(c->lfd, ready, 1, 10000));
	usleep(300000);
	EXPECT_EQ(1, WAIT_LI(c->lfd, ready, 1, 0));
	t0 = now_ms();
	ASSERT_EQ(0, set_u32(c->lfd, DTLS_LISTEN_ACCEPT_MS, 200));
	EXPECT_EQ(0, WAIT_LI(c->lfd, ready, 0, 10000));
	EXPECT_GT(5000, now_ms() - t0);
	EXPECT_EQ(1, wait_stat("DtlsListenExpired", 1, 5000));
	EXPECT_EQ(0, WAIT_LI(c->lfd, sessions, 0, 5000));

	ASSERT_EQ(0, set_u32(c->lfd, DTLS_LISTEN_ACCEPT_MS, 500));
	EXPECT_EQ(500, get_u32(c->lfd, DTLS_LISTEN_ACCEPT_MS));

	/* A: accepted at once. */
	ASSERT_EQ(0, client_up(c, 0, NULL, NULL, 300, 2000, WAIT_MS));
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED, wait_client(c->cli[0], WAIT_MS));
	c->child[0] = accept_wait(c->lfd, &peer, 10000);
	ASSERT_LE(0, c->child[0]);
	EXPECT_TRUE(dtls_test_same_addr(&peer, &c->ca[0]));

	/* B: never accepted; it goes after 500 ms, not before. */
	t0 = now_ms();
	ASSERT_EQ(0, client_up(c, 1, NULL, NULL, 300, 2000, WAIT_MS));
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED, wait_client(c->cli[1], WAIT_MS));
	EXPECT_EQ(0, WAIT_LI(c->lfd, ready, 0, 20000));
	t1 = now_ms();
	EXPECT_LE(450, t1 - t0);
	EXPECT_EQ(2, wait_stat("DtlsListenExpired", 2, 5000));
	EXPECT_EQ(1, WAIT_LI(c->lfd, sessions, 1, 5000));
	EXPECT_EQ(-1, accept4(c->lfd, NULL, NULL, SOCK_NONBLOCK));
	EXPECT_EQ(EAGAIN, errno);
	p.fd = c->lfd;
	p.events = POLLIN;
	EXPECT_EQ(0, poll(&p, 1, 0));

	/* A's session is the application's: it stays. */
	usleep(800000);
	EXPECT_EQ(2, stat_of("DtlsListenExpired"));
	EXPECT_EQ(1, WAIT_LI(c->lfd, sessions, 1, 0));
	check_child(_metadata, c, 0);
	EXPECT_EQ(3, stat_of("DtlsListenSpawned"));
	EXPECT_EQ(1, stat_of("DtlsListenAccepted"));
}

/* ------------------------------------------------------- dual stack */

/* Is @a the IPv6 address @v6 (text) at @port? */
static bool is_in6(const union dtls_test_addr *a, const char *v6,
		   uint16_t port)
{
	struct in6_addr want;

	inet_pton(AF_INET6, v6, &want);
	return a->sa.sa_family == AF_INET6 &&
	       !memcmp(&a->in6.sin6_addr, &want, sizeof(want)) &&
	       ntohs(a->in6.sin6_port) == port;
}

/*
 * An IPv6 listener of @c on the wildcard address, not IPV6_V6ONLY; its
 * port, or 0.
 */
static uint16_t dual_listener_up(struct lctx *c)
{
	uint16_t suite = SUITE;
	struct dtls_hs_config cfg = {
		.role = DTLS_HS_ROLE_SERVER, .suites = &suite, .n_suites = 1,
		.rto_initial_ms = 300, .timeout_ms = WAIT_MS, .cookies = 1,
	};
	socklen_t len = sizeof(c->la);
	int off = 0;

	c->lfd = socket(AF_INET6, SOCK_DGRAM, 0);
	memset(&c->la, 0, sizeof(c->la));
	c->la.in6.sin6_family = AF_INET6;
	c->la.in6.sin6_addr = in6addr_any;
	if (c->lfd < 0 ||
	    setsockopt(c->lfd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) ||
	    bind(c->lfd, &c->la.sa, sizeof(c->la.in6)) ||
	    getsockname(c->lfd, &c->la.sa, &len) ||
	    dtls_test_hs_setup(c->lfd, &cfg, PSK_ID, PSK_KEY,
			       strlen(PSK_KEY)) ||
	    listen(c->lfd, 4) || set_blocking(c->lfd, false))
		return 0;
	return port_of(&c->la);
}

/*
 * An IPv6 listener on the wildcard address (not IPV6_V6ONLY): an IPv4
 * client's session has its v4-mapped address, and the child the address
 * the ClientHello came to; an IPv6 client alongside.
 */
TEST_F_TIMEOUT(l4, dual_stack, 90)
{
	struct lctx *c = &self->c;
	union dtls_test_addr to4, to6, peer, a;
	socklen_t len;
	uint16_t port;
	int i;

	port = dual_listener_up(c);
	ASSERT_NE(0, port);

	dtls_test_loopback(AF_INET, &to4);
	to4.in4.sin_port = htons(port);
	dtls_test_loopback(AF_INET6, &to6);
	to6.in6.sin6_port = htons(port);
	ASSERT_EQ(0, client_up(c, 0, NULL, &to4, 300, 2000, WAIT_MS));
	ASSERT_EQ(0, client_up(c, 1, NULL, &to6, 300, 2000, WAIT_MS));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED,
			  wait_client(c->cli[i], WAIT_MS));
		c->child[i] = accept_wait(c->lfd, &peer, 10000);
		ASSERT_LE(0, c->child[i]);
		EXPECT_EQ(AF_INET6, peer.sa.sa_family);
	}
	/* Which is which: by the peer's address. */
	len = sizeof(peer);
	ASSERT_EQ(0, getpeername(c->child[0], &peer.sa, &len));
	if (!is_in6(&peer, "::ffff:127.0.0.1", port_of(&c->ca[0]))) {
		int t = c->child[0];

		c->child[0] = c->child[1];
		c->child[1] = t;
	}
	len = sizeof(peer);
	ASSERT_EQ(0, getpeername(c->child[0], &peer.sa, &len));
	EXPECT_TRUE(is_in6(&peer, "::ffff:127.0.0.1", port_of(&c->ca[0])));
	len = sizeof(a);
	ASSERT_EQ(0, getsockname(c->child[0], &a.sa, &len));
	EXPECT_TRUE(is_in6(&a, "::ffff:127.0.0.1", port));
	len = sizeof(peer);
	ASSERT_EQ(0, getpeername(c->child[1], &peer.sa, &len));
	EXPECT_TRUE(is_in6(&peer, "::1", port_of(&c->ca[1])));
	len = sizeof(a);
	ASSERT_EQ(0, getsockname(c->child[1], &a.sa, &len));
	EXPECT_TRUE(is_in6(&a, "::1", port));
	for (i = 0; i < 2; i++) {
		blocking(c->child[i]);
		EXPECT_EQ(0, dtls_test_hs_check(c->cli[i], c->child[i], SUITE,
						0));
		EXPECT_EQ(0, tagged(c->cli[i], c->child[i], i));
	}
}

/*
 * A cgroup/sendmsg4 BPF program that lets every datagram go, attached to
 * a new cgroup (no task in it): the kernel then takes the socket lock
 * for a UDPv4 send that names an address, which a UDPv6 send to a
 * v4-mapped peer becomes, on any socket.  Return: the cgroup's fd (the
 * program stays with it until it is removed), or -1 with errno.
 */
static int sendmsg4_hook_on(void)
{
	struct bpf_insn insns[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;
	int prog, cgfd, err;

	if (cg_mount())
		return -1;
	snprintf(hook_cg, sizeof(hook_cg), CG_ROOT "/kdtls-bpf-%d", getpid());
	if (mkdir(hook_cg, 0755)) {
		hook_cg[0] = '\0';
		return -1;
	}
	cgfd = open(hook_cg, O_RDONLY | O_DIRECTORY);
	if (cgfd < 0)
		goto fail;
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_SOCK_ADDR;
	attr.expected_attach_type = BPF_CGROUP_UDP4_SENDMSG;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = 2;
	attr.license = (uintptr_t)"GPL";
	prog = syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (prog < 0)
		goto fail;
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = cgfd;
	attr.attach_bpf_fd = prog;
	attr.attach_type = BPF_CGROUP_UDP4_SENDMSG;
	err = syscall(__NR_bpf, BPF_PROG_ATTACH, &attr, sizeof(attr));
	close(prog);
	if (!err) {
		hook_cg_fd = cgfd;
		return 0;
	}
fail:
	err = errno;
	if (cgfd >= 0)
		close(cgfd);
	rmdir(hook_cg);
	hook_cg[0] = '\0';
	errno = err;
	return -1;
}

/* The program goes with its cgroup.  0, or -1 with errno. */
static int sendmsg4_hook_off(void)
{
	if (!hook_cg[0])
		return 0;
	close(hook_cg_fd);
	hook_cg_fd = -1;
	if (rmdir(hook_cg))
		return -1;
	hook_cg[0] = '\0';
	return 0;
}

/* A dual-stack listener and @n IPv4 clients' sessions, accepted. */
static void dual_sessions_up(struct __test_metadata *_metadata,
			     struct lctx *c, int n)
{
	union dtls_test_addr to4, peer;
	uint16_t port;
	int i;

	port = dual_listener_up(c);
	ASSERT_NE(0, port);
	dtls_test_loopback(AF_INET, &to4);
	to4.in4.sin_port = htons(port);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, client_up(c, i, NULL, &to4, 300, 2000, WAIT_MS));
		ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED,
			  wait_client(c->cli[i], WAIT_MS));
		c->child[i] = accept_wait(c->lfd, &peer, 10000);
		ASSERT_LE(0, c->child[i]);
		blocking(c->child[i]);
		EXPECT_EQ(0, tagged(c->cli[i], c->child[i], i));
	}
}

/*
 * The last close of @fd, ours closed, made by a child process: did it
 * return within @ms?  (A close that hangs leaves the test able to fail.)
 */
static bool close_returns(int fd, int ms)
{
	int go[2], i, st;
	pid_t pid;
	char b = 0;

	if (pipe(go))
		return false;
	pid = fork();
	if (pid < 0)
		return false;
	if (!pid) {
		close(go[1]);
		if (read(go[0], &b, 1) != 1)
			_exit(2);
		_exit(close(fd) ? 1 : 0);
	}
	close(go[0]);
	close(fd);
	if (write(go[1], &b, 1) != 1)
		return false;
	close(go[1]);
	for (i = 0; i < ms / 10; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) && !WEXITSTATUS(st);
		usleep(10000);
	}
	return false;
}

/*
 * With a cgroup/sendmsg4 program on the system, the close_notify of an
 * IPv4 client's session of a dual-stack listener (its peer v4-mapped)
 * goes out from the session's close, and from the listener's close for
 * an accepted one: both close() return and the clients get the alert.
 * The alert was sent under the session's socket lock, which UDP takes
 * again for the program: the close never returned.
 */
TEST_F_TIMEOUT(l4, dual_stack_close_notify_sendmsg_hook, 90)
{
	struct lctx *c = &self->c;

	ASSERT_EQ(0, sendmsg4_hook_on()) TH_LOG("cgroup/sendmsg4 program: %s",
						strerror(errno));
	dual_sessions_up(_metadata, c, 2);
	/* The session's close, in a process of its own: it may hang. */
	ASSERT_TRUE(close_returns(c->child[0], 10000));
	c->child[0] = -1;
	EXPECT_EQ(0, recv_close_notify(c->cli[0], 5000, "client 0"));
	/* The listener's close tells the accepted session's peer. */
	ASSERT_TRUE(close_returns(c->lfd, 10000));
	c->lfd = -1;
	EXPECT_EQ(0, recv_close_notify(c->cli[1], 5000, "client 1"));
	EXPECT_EQ(0, sendmsg4_hook_off());
}

struct close_call {
	int fd;
	int done;	/* atomic: close() returned */
};

static void *close_thread(void *arg)
{
	struct close_call *cc = arg;

	close(cc->fd);
	__atomic_store_n(&cc->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static bool close_done(struct close_call *cc, int ms)
{
	int i;

	for (i = 0; i <= ms / 10; i++) {
		if (__atomic_load_n(&cc->done, __ATOMIC_SEQ_CST))
			return true;
		usleep(10000);
	}
	return false;
}

/*
 * The listener's close waits for the lock of an accepted session whose
 * owner holds it (a setsockopt copying its value from a page that does
 * not come); another session's close must not wait behind it.  It did:
 * the listener's close held the semaphore that sessions' closes take
 * (to send their close_notify before the port goes) while it waited.
 */
TEST_F_TIMEOUT(l4, close_listener_session_lock_held, 90)
{
	struct close_call lclose = { .fd = -1 }, sclose = { .fd = -1 };
	struct lctx *c = &self->c;
	struct dtls_test_uffd u;
	struct dtls_test_lock_holder r;
	pthread_t rt, lt, st;
	bool session_closed;
	uint8_t zero = 0;
	int err;

	err = dtls_test_uffd_open(&u);
	if (err == -ENOSYS || err == -EPERM) {
		dtls_test_uffd_close(&u);
		SKIP(return, "no userfaultfd: %s", strerror(-err));
	}
	ASSERT_EQ(0, err);
	dual_sessions_up(_metadata, c, 2);

	r.fd = c->child[0];
	r.u = &u;
	ASSERT_EQ(0, pthread_create(&rt, NULL, dtls_test_hold_lock, &r));
	ASSERT_EQ(0, dtls_test_uffd_wait(&u, 10000));

	/* The listener's close reaches session 0 and waits for its lock. */
	lclose.fd = c->lfd;
	c->lfd = -1;
	ASSERT_EQ(0, pthread_create(&lt, NULL, close_thread, &lclose));
	EXPECT_FALSE(close_done(&lclose, 2000));

	/* Session 1's close returns meanwhile, and tells its peer. */
	sclose.fd = c->child[1];
	c->child[1] = -1;
	ASSERT_EQ(0, pthread_create(&st, NULL, close_thread, &sclose));
	session_closed = close_done(&sclose, 5000);

	/* The owner's call goes on; so does everything. */
	EXPECT_EQ(0, dtls_test_uffd_serve(&u, &zero, sizeof(zero)));
	pthread_join(rt, NULL);
	pthread_join(lt, NULL);
	pthread_join(st, NULL);
	dtls_test_uffd_close(&u);
	EXPECT_TRUE(session_closed);
	EXPECT_EQ(0, recv_close_notify(c->cli[1], 5000, "client 1"));
	/* Session 0, still open, heard of the listener's close. */
	EXPECT_EQ(0, recv_close_notify(c->cli[0], 5000, "client 0"));
}

/* ------------------------------------- the template, failed handshakes */

#define ID2	"second-identity"
#define KEY2	"a-second-psk-for-later-sessions!"

/*
 * The listener's configuration is the template of sessions to come: a
 * PSK added after listen() serves the next client.  A handshake that
 * fails (an unknown identity) leaves nothing to accept, and its session
 * goes from the table.
 */
TEST_F_TIMEOUT(l4, template_and_failure, 90)
{
	struct lctx *c = &self->c;
	long long failed0 = stat_of("DtlsHsFailed");
	struct dtls_listen_info li;
	struct dtls_hs_info hi;
	union dtls_test_addr peer;
	char msg[128] = "";

	ASSERT_EQ(0, listener_up(c, 300, WAIT_MS, 4));
	/* An identity nobody configured: refused (unknown_psk_identity). */
	ASSERT_EQ(0, client_up_psk(c, 0, NULL, NULL, 300, 2000, WAIT_MS,
				   ID2, KEY2));
	EXPECT_EQ(DTLS_HS_STATE_FAILED,
		  dtls_test_hs_settle(c->cli[0], WAIT_MS, &hi));
	EXPECT_EQ(ECONNREFUSED, hi.error);
	EXPECT_TRUE(hi.alert_remote);
	EXPECT_EQ(0, WAIT_LI(c->lfd, sessions, 0, 10000));
	ASSERT_EQ(0, linfo(c->lfd, &li));
	EXPECT_EQ(0, li.pending);
	EXPECT_EQ(0, li.ready);
	EXPECT_EQ(-1, accept4(c->lfd, NULL, NULL, 0));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(1, stat_of("DtlsListenSpawned"));
	EXPECT_EQ(0, stat_of("DtlsListenAccepted"));
	EXPECT_LE(failed0 + 1, stat_of("DtlsHsFailed"));

	/* Added after listen(): the next session has it. */
	ASSERT_EQ(0, dtls_psk_add(dtls_test_nl(), c->lfd, 0, ID2, strlen(ID2),
				  KEY2, strlen(KEY2), 0, msg, sizeof(msg)));
	ASSERT_EQ(0, client_up_psk(c, 1, NULL, NULL, 300, 2000, WAIT_MS,
				   ID2, KEY2));
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED, wait_client(c->cli[1], WAIT_MS));
	c->child[1] = accept_wait(c->lfd, &peer, 10000);
	ASSERT_LE(0, c->child[1]);
	EXPECT_TRUE(dtls_test_same_addr(&peer, &c->ca[1]));
	ASSERT_EQ(0, dtls_hs_get(dtls_test_nl(), c->child[1], 0, &hi, NULL, 0));
	EXPECT_EQ(DTLS_HS_STATE_ESTABLISHED, hi.state);
	EXPECT_EQ(strlen(ID2), hi.peer_id_len);
	EXPECT_EQ(0, memcmp(hi.peer_id, ID2, strlen(ID2)));
	blocking(c->child[1]);
	EXPECT_EQ(0, tagged(c->cli[1], c->child[1], 1));
	/* The old identity still works too. */
	ASSERT_EQ(0, client_up(c, 2, NULL, NULL, 300, 2000, WAIT_MS));
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED, wait_client(c->cli[2], WAIT_MS));
	c->child[2] = accept_wait(c->lfd, &peer, 10000);
	ASSERT_LE(0, c->child[2]);
	check_child(_metadata, c, 2);
	EXPECT_EQ(3, stat_of("DtlsListenSpawned"));
}

TEST_HARNESS_MAIN
