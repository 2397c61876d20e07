// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel handshake, kernel with kernel on loopback: every suite and
 * group, IPv4 and IPv6, data both ways once established; the netlink
 * state, events and the socket's behaviour while it runs; the module's
 * tracepoints as tracefs shows them; handshakes that end while their
 * socket's owner holds its lock stall no one else's (wq).
 */
#include <fcntl.h>
#include <sched.h>
#include <linux/udp.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "dtls_test.h"

#ifndef SOL_UDP
#define SOL_UDP		IPPROTO_UDP
#endif

#define PSK_ID		"client1"
#define PSK_KEY		"0123456789abcdef0123456789abcdef"

struct hs_opts {
	uint16_t suite;
	uint16_t group;
	uint32_t mtu;
	int cookies;
};

static void hs_timeo(int fd, int secs)
{
	struct timeval tv = { .tv_sec = secs };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Attach and configure @fd for @role; 0 or -errno. */
static int hs_prepare(int fd, uint32_t role, const struct hs_opts *o,
		    const char *key)
{
	struct dtls_hs_config cfg = {
		.role = role,
		.suites = &o->suite,
		.n_suites = o->suite ? 1 : 0,
		.groups = &o->group,
		.n_groups = o->group ? 1 : 0,
		.mtu = o->mtu,
		/*
	 * Long waits: the first use of an AEAD in a guest loads and
	 * self-tests its modules, seconds under TCG (and more with KASAN).
	 */
	.rto_initial_ms = 200,
		.timeout_ms = 60000,
		.cookies = o->cookies,
	};
	char msg[128];
	int err;

	err = dtls_sock_attach(dtls_test_nl(), fd, NULL, NULL, 0);
	if (!err)
		err = dtls_hs_config(dtls_test_nl(), fd, 0, &cfg, msg, sizeof(msg));
	if (!err)
		err = dtls_psk_add(dtls_test_nl(), fd, 0, PSK_ID, strlen(PSK_ID), key,
				   strlen(key), 0, msg, sizeof(msg));
	if (err)
		fprintf(stderr, "# hs_prepare: %s (%s)\n", strerror(-err), msg);
	return err;
}

/* On failure: both sides' handshake state, and the netns counters. */
static void hs_dump(int srv, int cli)
{
	struct dtls_hs_info i;
	char line[256];
	FILE *f;

	if (!dtls_hs_get(dtls_test_nl(), srv, 0, &i, NULL, 0))
		fprintf(stderr, "# server: %s error %u alert %u%s\n",
			dtls_hs_state_name(i.state), i.error, i.alert,
			i.alert_remote ? " (remote)" : "");
	if (!dtls_hs_get(dtls_test_nl(), cli, 0, &i, NULL, 0))
		fprintf(stderr, "# client: %s error %u alert %u%s\n",
			dtls_hs_state_name(i.state), i.error, i.alert,
			i.alert_remote ? " (remote)" : "");
	f = fopen("/proc/net/dtls_stat", "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strstr(line, "\t0\n"))
			fprintf(stderr, "#   %s", line);
	if (f)
		fclose(f);
}

FIXTURE(hs) {
	int srv, cli;
	union dtls_test_addr sa, ca;
	/* With an MTU: between the two, to see every datagram's size. */
	struct dtls_test_relay relay;
};

FIXTURE_VARIANT(hs) {
	int family;
	struct hs_opts o;
};

#define HS_VARIANT(name, fam, s, g, m)					\
	FIXTURE_VARIANT_ADD(hs, name) {					\
		.family = fam,						\
		.o = { .suite = s, .group = g, .mtu = m, .cookies = -1 }, \
	}

HS_VARIANT(v4_psk_aes128gcm, AF_INET, 0x00a8, 0, 0);
HS_VARIANT(v4_psk_aes256gcm, AF_INET, 0x00a9, 0, 0);
HS_VARIANT(v4_psk_ccm8, AF_INET, 0xc0a8, 0, 0);
HS_VARIANT(v4_psk_chacha, AF_INET, 0xccab, 0, 0);
HS_VARIANT(v4_ecdhe_chacha_x25519, AF_INET, 0xccac, 29, 0);
HS_VARIANT(v4_ecdhe_chacha_p256, AF_INET, 0xccac, 23, 0);
HS_VARIANT(v4_ecdhe_aes128gcm_x25519, AF_INET, 0xd001, 29, 0);
HS_VARIANT(v4_ecdhe_aes128gcm_p256, AF_INET, 0xd001, 23, 0);
HS_VARIANT(v6_psk_aes128gcm, AF_INET6, 0x00a8, 0, 0);
HS_VARIANT(v6_ecdhe_chacha_x25519, AF_INET6, 0xccac, 29, 0);
HS_VARIANT(v6_ecdhe_aes128gcm_p256, AF_INET6, 0xd001, 23, 0);
HS_VARIANT(v4_mtu256_ecdhe_p256, AF_INET, 0xd001, 23, 256);
HS_VARIANT(v6_mtu256_psk_aes256, AF_INET6, 0x00a9, 0, 256);
HS_VARIANT(v4_defaults, AF_INET, 0, 0, 0);

FIXTURE_SETUP(hs)
{
	self->srv = dtls_test_udp_bound(variant->family, &self->sa);
	self->cli = dtls_test_udp_bound(variant->family, &self->ca);
	ASSERT_GE(self->srv, 0);
	ASSERT_GE(self->cli, 0);
	if (variant->o.mtu) {
		ASSERT_EQ(0, dtls_test_relay_start(&self->relay, &self->sa));
		ASSERT_EQ(0, connect(self->cli, &self->relay.addr.sa,
				     dtls_test_addr_len(variant->family)));
	} else {
		ASSERT_EQ(0, connect(self->cli, &self->sa.sa,
				     dtls_test_addr_len(variant->family)));
	}
	/*
	 * Long waits: the first use of an AEAD in a guest loads and
	 * self-tests its modules, seconds under TCG (more with KASAN).
	 */
	hs_timeo(self->srv, 60);
	hs_timeo(self->cli, 60);
	ASSERT_EQ(0, hs_prepare(self->srv, DTLS_HS_ROLE_SERVER, &variant->o,
			      PSK_KEY));
	ASSERT_EQ(0, hs_prepare(self->cli, DTLS_HS_ROLE_CLIENT, &variant->o,
			      PSK_KEY));
}

FIXTURE_TEARDOWN(hs)
{
	dtls_test_relay_stop(&self->relay);
	close(self->srv);
	close(self->cli);
}

/* Both sides start; the client sends, the server echoes. */
TEST_F_TIMEOUT(hs, echo, 150)
{
	struct dtls_hs_info si, ci;
	char buf[2048], msg[128];
	int i;

	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), self->srv, 0, msg, sizeof(msg)));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), self->cli, 0, msg, sizeof(msg)));

	for (i = 0; i < 20; i++) {
		int n = snprintf(buf, sizeof(buf), "ping %d", i);

		ASSERT_EQ(n, send(self->cli, buf, n, 0)) {
			TH_LOG("send: %s", strerror(errno));
			hs_dump(self->srv, self->cli);
		}
		ASSERT_EQ(n, recv(self->srv, buf, sizeof(buf), 0)) {
			TH_LOG("server recv: %s", strerror(errno));
		}
		ASSERT_EQ(n, send(self->srv, buf, n, 0));
		memset(buf, 0, sizeof(buf));
		ASSERT_EQ(n, recv(self->cli, buf, sizeof(buf), 0));
		ASSERT_EQ(0, strncmp(buf, "ping ", 5));
	}

	ASSERT_EQ(0, dtls_hs_get(dtls_test_nl(), self->srv, 0, &si, msg, sizeof(msg)));
	ASSERT_EQ(0, dtls_hs_get(dtls_test_nl(), self->cli, 0, &ci, msg, sizeof(msg)));
	EXPECT_EQ(DTLS_HS_STATE_ESTABLISHED, si.state);
	EXPECT_EQ(DTLS_HS_STATE_ESTABLISHED, ci.state);
	EXPECT_EQ(si.suite, ci.suite);
	if (variant->o.suite)
		EXPECT_EQ(variant->o.suite, si.suite);
	EXPECT_EQ(strlen(PSK_ID), si.peer_id_len);
	EXPECT_EQ(0, memcmp(si.peer_id, PSK_ID, si.peer_id_len));
	EXPECT_EQ(0, dtls_test_hs_check(self->cli, self->srv, variant->o.suite,
					0));

	/* Every datagram either side sent fits the MTU. */
	if (variant->o.mtu) {
		dtls_test_relay_stop(&self->relay);
		EXPECT_LE(self->relay.max_c2s, variant->o.mtu);
		EXPECT_LE(self->relay.max_s2c, variant->o.mtu);
		TH_LOG("datagrams: client %u, at most %zu bytes; server %u, at most %zu",
		       self->relay.n_c2s, self->relay.max_c2s,
		       self->relay.n_s2c, self->relay.max_s2c);
	}
}

/* One libdtls request a socket: attach, PSK, configure and start. */
static int hs_setup_one(struct dtls_nl *nl, int fd, uint32_t role,
			const uint16_t *suite, int start, char *msg, size_t len)
{
	static const uint16_t x25519 = 29;
	struct dtls_hs_config cfg = {
		.role = role,
		.suites = suite,
		.n_suites = 1,
		.groups = &x25519,
		.n_groups = 1,
		.mtu = 256,		/* more datagrams: more wake-ups to spare */
		.rto_initial_ms = 200,
		.rto_max_ms = 200,	/* resends 200 ms apart, no back-off */
		.timeout_ms = 60000,
		.cookies = -1,
		.start = start,
	};

	return dtls_hs_setup(nl, fd, &cfg, PSK_ID, strlen(PSK_ID), PSK_KEY,
			       strlen(PSK_KEY), 0, msg, len);
}

static long hs_nvcsw(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_THREAD, &ru) ? -1 : ru.ru_nvcsw;
}

#define HS_LATE_DATAGRAMS	6

struct hs_late {
	int srv;
	struct dtls_test_relay *relay;
};

/*
 * Start the server once the client has sent its ClientHello and five
 * resends of it (seen by the relay), not after a set time: however slow
 * the guest, the client sends that many datagrams while it is polled.
 */
static void *hs_start_later(void *arg)
{
	struct hs_late *l = arg;
	int i;

	for (i = 0; i < 60000 / 10; i++) {
		if (__atomic_load_n(&l->relay->n_c2s, __ATOMIC_RELAXED) >=
		    HS_LATE_DATAGRAMS)
			break;
		usleep(10000);
	}
	return (void *)(long)dtls_hs_start(dtls_test_nl(), l->srv, 0, NULL, 0);
}

/*
 * hs-config's start flag through dtls_hs_setup(): the client starts with
 * no hs-start.  A poller waiting for POLLOUT sleeps once: the datagrams
 * the handshake sends do not wake it (UDP's write-space callback is quiet
 * while the handshake runs).  Every datagram goes through a relay, and the
 * server starts only once the client has sent HS_LATE_DATAGRAMS of them
 * (resends every 200 ms), so that a kernel waking pollers per datagram
 * would wake this one at least that often; the flights of the handshake
 * itself add more.  A wake-up that finds the socket not writable is not
 * seen by poll()'s caller, only as a sleep of its thread: the count is
 * the thread's voluntary context switches during the poll() (its memory
 * locked, so that no page fault sleeps in between), which must stay
 * below half of what such a kernel would cause.
 */
TEST(setup_with_start)
{
	static const uint16_t suite = 0xccac;
	union dtls_test_addr sa, ca;
	struct pollfd pfd = { .events = POLLOUT };
	struct dtls_test_relay relay;
	struct dtls_nl *nl = NULL;
	struct hs_late late;
	char msg[128] = "";
	int srv, cli;
	long before, after;
	unsigned int sent;
	pthread_t t;
	void *ret;

	srv = dtls_test_udp_bound(AF_INET, &sa);
	cli = dtls_test_udp_bound(AF_INET, &ca);
	ASSERT_GE(srv, 0);
	ASSERT_GE(cli, 0);
	ASSERT_EQ(0, dtls_test_relay_start(&relay, &sa));
	ASSERT_EQ(0, connect(cli, &relay.addr.sa, dtls_test_addr_len(AF_INET)));
	hs_timeo(srv, 60);
	hs_timeo(cli, 60);
	ASSERT_EQ(0, dtls_open(&nl));
	ASSERT_EQ(0, hs_setup_one(nl, srv, DTLS_HS_ROLE_SERVER, &suite, 0, msg,
			      sizeof(msg))) TH_LOG("%s", msg);
	/*
	 * No stray sleep in the measure: its calls have run once, and no
	 * page fault (of a binary on 9p) waits for I/O.
	 */
	pfd.fd = cli;
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_LE(0, hs_nvcsw());
	EXPECT_EQ(0, mlockall(MCL_CURRENT | MCL_FUTURE));
	ASSERT_EQ(0, hs_setup_one(nl, cli, DTLS_HS_ROLE_CLIENT, &suite, 1, msg,
			      sizeof(msg))) TH_LOG("%s", msg);
	late.srv = srv;
	late.relay = &relay;
	ASSERT_EQ(0, pthread_create(&t, NULL, hs_start_later, &late));

	before = hs_nvcsw();
	ASSERT_EQ(1, poll(&pfd, 1, 60000)) hs_dump(srv, cli);
	after = hs_nvcsw();
	sent = __atomic_load_n(&relay.n_c2s, __ATOMIC_RELAXED);
	munlockall();
	ASSERT_EQ(0, pthread_join(t, &ret));
	ASSERT_EQ(0, (long)ret);
	ASSERT_EQ(POLLOUT, pfd.revents & (POLLOUT | POLLERR));
	ASSERT_LE(HS_LATE_DATAGRAMS, sent);
	/* One sleep and its wake-up; spares for stray ones. */
	TH_LOG("%ld sleeps in poll() while the client sent %u datagrams",
	       after - before, sent);
	EXPECT_LE(after - before, 3);
	EXPECT_LT(after - before, sent / 2);

	EXPECT_EQ(0, dtls_test_hs_check(cli, srv, suite, 0));
	dtls_test_relay_stop(&relay);
	dtls_close(nl);
	close(srv);
	close(cli);
}

/*
 * start with what start refuses (no PSK) fails the request and leaves the
 * socket idle; a setup whose configuration is refused leaves nothing
 * running either.
 */
TEST(start_flag_refused)
{
	static const uint16_t bad_suite = 0x1234;
	struct dtls_hs_config cfg = {
		.role = DTLS_HS_ROLE_SERVER,
		.cookies = -1,
		.start = 1,
	};
	union dtls_test_addr sa;
	struct dtls_nl *nl = NULL;
	struct dtls_hs_info info;
	char msg[128] = "";
	int fd, fd2;

	fd = dtls_test_udp_bound(AF_INET, &sa);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), fd, NULL, NULL, 0));
	EXPECT_EQ(-ENOKEY, dtls_hs_config(dtls_test_nl(), fd, 0, &cfg, msg, sizeof(msg)));
	EXPECT_NE(NULL, strstr(msg, "PSK")) TH_LOG("message: %s", msg);
	ASSERT_EQ(0, dtls_hs_get(dtls_test_nl(), fd, 0, &info, NULL, 0));
	EXPECT_NE(DTLS_HS_STATE_RUNNING, info.state);

	fd2 = dtls_test_udp_bound(AF_INET, &sa);
	ASSERT_GE(fd2, 0);
	ASSERT_EQ(0, dtls_open(&nl));
	EXPECT_EQ(-EINVAL, hs_setup_one(nl, fd2, DTLS_HS_ROLE_SERVER, &bad_suite,
				    1, msg, sizeof(msg)));
	ASSERT_EQ(0, dtls_hs_get(dtls_test_nl(), fd2, 0, &info, NULL, 0));
	EXPECT_NE(DTLS_HS_STATE_RUNNING, info.state);
	dtls_close(nl);
	close(fd);
	close(fd2);
}

static int hs_no_event(const struct dtls_hs_info *ev, void *arg)
{
	return 1;
}

static void hs_subscribed(void *arg)
{
	_exit(0);		/* not refused: the test fails, at once */
}

/*
 * The events name clients: only CAP_NET_ADMIN subscribes (root does, in
 * the cli tests); a process without it (uid nobody) gets EPERM.
 */
TEST(events_need_net_admin)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		if (setgid(65534) || setuid(65534))
			_exit(100);
		_exit(-dtls_monitor(dtls_test_nl(), hs_no_event, hs_subscribed, NULL));
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(EPERM, WEXITSTATUS(status));
}

/*
 * The tracepoints (net/dtls/trace.h), read through tracefs: a trace
 * instance of our own, so that nothing else's tracing is disturbed, with
 * every dtls event on.  The client starts alone and resends its
 * ClientHello on its timer until the server starts; then both finish and
 * exchange one record.  The buffer must show each side's states in
 * order, their flights, the client's timer retransmission, the server's
 * kept last flight and its drop on the client's data.  Tracepoints are
 * part of the module: no events/dtls directory is a failure.
 *
 * The instance is made with the global record-cmd option off.  With it
 * on, enabling an event hooks sched_switch to keep command names, which
 * rewrites a jump in __schedule() on every CPU; under QEMU's TCG a CPU
 * was seen to run the breakpoint of that rewrite after it was gone (an
 * int3 Oops in the debug guest).  Command names are not needed here:
 * lines are found by inode.  Sockets are closed before the events go
 * off, so that no dtls code runs while its tracepoints are rewritten.
 */
#define TRACEFS		"/sys/kernel/tracing"
#define TRACE_INST	TRACEFS "/instances/kdtls_selftest"
#define TRACE_BUF	(1 << 20)
#define TRACE_RECORD_CMD TRACEFS "/options/record-cmd"

static int trace_write(const char *file, const char *val)
{
	int fd = open(file, O_WRONLY | O_TRUNC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -EIO;
}

/* The instance's buffer, as text, into @buf (NUL-terminated). */
static ssize_t trace_read(char *buf, size_t len)
{
	int fd = open(TRACE_INST "/trace", O_RDONLY);
	size_t off = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while (off < len - 1 && (n = read(fd, buf + off, len - 1 - off)) > 0)
		off += n;
	buf[off] = 0;
	close(fd);
	return off;
}

/* Where the first line with @event: and @what (after "ino=@ino ") is. */
static const char *trace_find(const char *buf, const char *event,
			      uint64_t ino, const char *what)
{
	char key[160];
	const char *p = buf;

	snprintf(key, sizeof(key), " %s: ino=%llu ", event,
		 (unsigned long long)ino);
	while ((p = strstr(p, key))) {
		const char *eol = strchr(p, '\n');
		const char *w = strstr(p + strlen(key), what);

		if (w && (!eol || w < eol))
			return p;
		p += strlen(key);
	}
	return NULL;
}

FIXTURE(trace) {
	int srv, cli;
	uint64_t sino, cino;
	char *buf;
	bool inst;
	bool record_cmd;	/* was on: turn it on again at the end */
};

FIXTURE_SETUP(trace)
{
	union dtls_test_addr sa, ca;
	struct stat st;

	self->srv = -1;
	self->cli = -1;
	self->buf = malloc(TRACE_BUF);
	ASSERT_NE(NULL, self->buf);
	if (stat(TRACEFS "/events", &st))
		ASSERT_EQ(0, mount("nodev", TRACEFS, "tracefs", 0, NULL))
			TH_LOG("mount tracefs: %s", strerror(errno));
	ASSERT_EQ(0, stat(TRACEFS "/events/dtls", &st))
		TH_LOG("no dtls events in " TRACEFS "/events");
	rmdir(TRACE_INST);		/* a leftover of an aborted run */
	{
		char on[4] = "";
		int fd = open(TRACE_RECORD_CMD, O_RDONLY);

		ASSERT_LE(0, fd);
		ASSERT_LT(0, read(fd, on, sizeof(on) - 1));
		close(fd);
		self->record_cmd = on[0] == '1';
	}
	if (self->record_cmd)
		ASSERT_EQ(0, trace_write(TRACE_RECORD_CMD, "0"));
	ASSERT_EQ(0, mkdir(TRACE_INST, 0700))
		TH_LOG("mkdir " TRACE_INST ": %s", strerror(errno));
	self->inst = true;
	ASSERT_EQ(0, trace_write(TRACE_INST "/events/dtls/enable", "1"));

	self->srv = dtls_test_udp_bound(AF_INET, &sa);
	self->cli = dtls_test_udp_bound(AF_INET, &ca);
	ASSERT_GE(self->srv, 0);
	ASSERT_GE(self->cli, 0);
	ASSERT_EQ(0, connect(self->cli, &sa.sa, dtls_test_addr_len(AF_INET)));
	self->sino = dtls_test_ino(self->srv);
	self->cino = dtls_test_ino(self->cli);
	hs_timeo(self->srv, 60);
	hs_timeo(self->cli, 60);
}

FIXTURE_TEARDOWN(trace)
{
	if (self->srv >= 0)
		close(self->srv);
	if (self->cli >= 0)
		close(self->cli);
	if (self->inst) {
		EXPECT_EQ(0, trace_write(TRACE_INST "/events/dtls/enable",
					 "0"));
		EXPECT_EQ(0, trace_write(TRACE_INST "/trace", ""));
		EXPECT_EQ(0, rmdir(TRACE_INST));
	}
	if (self->record_cmd)
		EXPECT_EQ(0, trace_write(TRACE_RECORD_CMD, "1"));
	free(self->buf);
}

TEST_F_TIMEOUT(trace, handshake, 150)
{
	const struct hs_opts o = { .suite = 0x00a8, .cookies = -1 };
	const char *p, *q;
	char msg[128];
	int i;

	ASSERT_EQ(0, hs_prepare(self->srv, DTLS_HS_ROLE_SERVER, &o, PSK_KEY));
	ASSERT_EQ(0, hs_prepare(self->cli, DTLS_HS_ROLE_CLIENT, &o, PSK_KEY));

	/* The client alone: its ClientHello goes again on the timer. */
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), self->cli, 0, msg, sizeof(msg)));
	for (i = 0; i < 600; i++) {
		ASSERT_LE(0, trace_read(self->buf, TRACE_BUF));
		if (trace_find(self->buf, "dtls_hs_retransmit", self->cino,
			       "why=timer"))
			break;
		usleep(100000);
	}
	ASSERT_NE(NULL, trace_find(self->buf, "dtls_hs_retransmit",
				   self->cino,
				   "role=client step=wait_server_hello why=timer msgs=1 types=ClientHello"))
		TH_LOG("trace:\n%s", self->buf);

	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), self->srv, 0, msg, sizeof(msg)));
	ASSERT_EQ(0, dtls_test_ping_pong(self->cli, self->srv)) {
		hs_dump(self->srv, self->cli);
	}
	ASSERT_LE(0, trace_read(self->buf, TRACE_BUF));

	/* Each side: configured, running, established, in that order. */
	p = trace_find(self->buf, "dtls_hs_state", self->sino,
		       "none -> configured");
	q = trace_find(self->buf, "dtls_hs_state", self->sino,
		       "role=server configured -> running");
	EXPECT_NE(NULL, p);
	EXPECT_NE(NULL, q);
	EXPECT_LT(p, q);
	p = trace_find(self->buf, "dtls_hs_state", self->sino,
		       "role=server running -> established error=0");
	EXPECT_NE(NULL, p);
	EXPECT_LT(q, p);
	p = trace_find(self->buf, "dtls_hs_state", self->cino,
		       "role=client none -> configured");
	q = trace_find(self->buf, "dtls_hs_state", self->cino,
		       "role=client configured -> running");
	EXPECT_NE(NULL, p);
	EXPECT_NE(NULL, q);
	EXPECT_LT(p, q);
	p = trace_find(self->buf, "dtls_hs_state", self->cino,
		       "role=client running -> established error=0");
	EXPECT_NE(NULL, p);
	EXPECT_LT(q, p);
	EXPECT_EQ(NULL, trace_find(self->buf, "dtls_hs_state", self->sino,
				   "-> failed"));
	EXPECT_EQ(NULL, trace_find(self->buf, "dtls_hs_state", self->cino,
				   "-> failed"));

	/* Flights both ways, on both sides. */
	EXPECT_NE(NULL, trace_find(self->buf, "dtls_hs_flight_tx", self->cino,
				   "role=client step=wait_server_hello why=new msgs=1 types=ClientHello"));
	EXPECT_NE(NULL, trace_find(self->buf, "dtls_hs_flight_tx", self->cino,
				   "types=ClientKeyExchange|ChangeCipherSpec|Finished"));
	EXPECT_NE(NULL, trace_find(self->buf, "dtls_hs_flight_tx", self->sino,
				   "role=server step=wait_client_key_exchange"));
	EXPECT_NE(NULL, trace_find(self->buf, "dtls_hs_flight_tx", self->sino,
				   "types=ChangeCipherSpec|Finished"));
	EXPECT_NE(NULL, trace_find(self->buf, "dtls_hs_flight_rx", self->cino,
				   "types=ServerHello|"));
	EXPECT_NE(NULL, trace_find(self->buf, "dtls_hs_flight_rx", self->cino,
				   "msgs=1 types=Finished"));
	EXPECT_NE(NULL, trace_find(self->buf, "dtls_hs_flight_rx", self->sino,
				   "msgs=1 types=ClientHello"));
	EXPECT_NE(NULL, trace_find(self->buf, "dtls_hs_flight_rx", self->sino,
				   "types=ClientKeyExchange|Finished"));

	/* The server sent the last flight: kept, then dropped on data. */
	EXPECT_NE(NULL, trace_find(self->buf, "dtls_final_keep", self->sino,
				   "role=server msgs=2 types=ChangeCipherSpec|Finished"));
	EXPECT_NE(NULL, trace_find(self->buf, "dtls_final_drop", self->sino,
				   "why=data"));
	EXPECT_EQ(NULL, trace_find(self->buf, "dtls_final_keep", self->cino,
				   ""));
	if (_metadata->exit_code)
		TH_LOG("trace:\n%s", self->buf);
}

/*
 * UDP_SEGMENT on sockets of the kernel's handshake: set before the start,
 * it cuts none of the handshake's own flights (a ClientHello is larger
 * than the 100 bytes set: cut, it could not complete), and once
 * established a send is cut into records of that size, each its own
 * message for the peer.
 */
FIXTURE(hs_gso) {
	int srv, cli;
	union dtls_test_addr sa, ca;
};

FIXTURE_SETUP(hs_gso)
{
	static const struct hs_opts o = { .suite = 0x00a8, .cookies = -1 };

	self->srv = dtls_test_udp_bound(AF_INET, &self->sa);
	self->cli = dtls_test_udp_bound(AF_INET, &self->ca);
	ASSERT_GE(self->srv, 0);
	ASSERT_GE(self->cli, 0);
	ASSERT_EQ(0, connect(self->cli, &self->sa.sa,
			     dtls_test_addr_len(AF_INET)));
	hs_timeo(self->srv, 60);
	hs_timeo(self->cli, 60);
	ASSERT_EQ(0, hs_prepare(self->srv, DTLS_HS_ROLE_SERVER, &o, PSK_KEY));
	ASSERT_EQ(0, hs_prepare(self->cli, DTLS_HS_ROLE_CLIENT, &o, PSK_KEY));
}

FIXTURE_TEARDOWN(hs_gso)
{
	close(self->srv);
	close(self->cli);
}

TEST_F_TIMEOUT(hs_gso, records_after_handshake, 150)
{
	static const int seg = 100;
	char buf[1000], back[200], msg[128];
	int i;

	for (i = 0; i < (int)sizeof(buf); i++)
		buf[i] = (char)(i * 7 + 1);
	ASSERT_EQ(0, setsockopt(self->cli, SOL_UDP, UDP_SEGMENT, &seg,
				sizeof(seg)));
	ASSERT_EQ(0, setsockopt(self->srv, SOL_UDP, UDP_SEGMENT, &seg,
				sizeof(seg)));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), self->srv, 0, msg, sizeof(msg)));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), self->cli, 0, msg, sizeof(msg)));
	ASSERT_EQ((ssize_t)sizeof(buf), send(self->cli, buf, sizeof(buf), 0)) {
		TH_LOG("send: %s", strerror(errno));
		hs_dump(self->srv, self->cli);
	}
	for (i = 0; i < (int)sizeof(buf) / seg; i++) {
		ASSERT_EQ(seg, recv(self->srv, back, sizeof(back), 0))
			TH_LOG("record %d: %s", i, strerror(errno));
		EXPECT_EQ(0, memcmp(buf + i * seg, back, seg));
	}
	EXPECT_EQ(-1, recv(self->srv, back, sizeof(back), MSG_DONTWAIT));
	EXPECT_EQ(0, dtls_test_ping_pong(self->cli, self->srv));
}

/*
 * The handshake's end in its work, while the socket's owner holds the
 * socket's lock for good (a thread whose setsockopt copies its value
 * from a userfaultfd page that does not come: dtls_test_hold_lock()).
 * The work must not sleep for the lock in dtls_wq: that workqueue runs
 * WQ_SLOTS works at once a CPU, so that many sleeping ones stall every
 * other work of the CPU, every other socket's handshake.  N client
 * handshakes (WQ_SLOTS a CPU and WQ_EXTRA more) that nothing answers
 * start, each socket's lock taken by a thread of its own right after its
 * start, and reach their deadline (WQ_TIMEOUT_MS) held; then a fresh
 * handshake of a loopback pair, one started on each CPU (the thread that
 * starts it pinned there: its datagrams, so its works, are that CPU's),
 * must complete within WQ_FRESH_MS while all are still held.  It did
 * not: each timed-out handshake's work slept in lock_sock() in
 * dtls_hs_fail(), and at least one CPU had WQ_SLOTS of them.  Let go,
 * every one of the N ends in ETIMEDOUT and is counted once.  The whole
 * hold lasts well under a minute: works that sleep that long would be
 * hung tasks.
 */
#define WQ_SLOTS	256	/* dtls_wq's max_active: WQ_DFL_ACTIVE */
#define WQ_EXTRA	64
#define WQ_TIMEOUT_MS	20000	/* the held handshakes' deadline */
#define WQ_PAST_MS	3000	/* slept past the last deadline */
#define WQ_FRESH_MS	10000
#define WQ_END_MS	15000	/* for all N to fail once let go */
#define WQ_STACK	(64 * 1024)

struct wq_hold {
	struct dtls_test_lock_holder h;
	pid_t tid;
};

static void *wq_hold_lock(void *arg)
{
	struct wq_hold *w = arg;

	__atomic_store_n(&w->tid, (pid_t)syscall(SYS_gettid),
			 __ATOMIC_SEQ_CST);
	return dtls_test_hold_lock(&w->h);
}

static int64_t wq_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int wq_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

FIXTURE(wq) {
	int n, ncpu;
	int cpus[CPU_SETSIZE];	/* the online CPUs the test may use */
	cpu_set_t all;		/* the test's affinity at the start */
	int *fd;		/* the N held clients */
	struct wq_hold *hold;
	pthread_t *ht;
	int nthreads;		/* holders made */
	struct dtls_test_uffd u;
	bool have_uffd;
	int peer;		/* where they send: it never answers */
	int *fsrv, *fcli;	/* a fresh pair a CPU */
	int64_t *fstart;	/* when each started */
	int64_t *fdone;		/* when seen established, or 0 */
};

FIXTURE_SETUP(wq)
{
	struct rlimit rl;
	rlim_t want;
	int err, i, c;

	self->peer = -1;
	self->u.fd = -1;
	ASSERT_EQ(0, sched_getaffinity(0, sizeof(self->all), &self->all));
	for (c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &self->all))
			self->cpus[self->ncpu++] = c;
	ASSERT_LE(1, self->ncpu);
	/* Enough for a CPU the test may not use, too. */
	i = (int)sysconf(_SC_NPROCESSORS_ONLN);
	self->n = WQ_SLOTS * (i > self->ncpu ? i : self->ncpu) + WQ_EXTRA;
	self->fd = calloc(self->n, sizeof(*self->fd));
	self->hold = calloc(self->n, sizeof(*self->hold));
	self->ht = calloc(self->n, sizeof(*self->ht));
	self->fsrv = calloc(self->ncpu, sizeof(*self->fsrv));
	self->fcli = calloc(self->ncpu, sizeof(*self->fcli));
	self->fstart = calloc(self->ncpu, sizeof(*self->fstart));
	self->fdone = calloc(self->ncpu, sizeof(*self->fdone));
	ASSERT_TRUE(self->fd && self->hold && self->ht && self->fsrv &&
		    self->fcli && self->fstart && self->fdone);
	for (i = 0; i < self->n; i++)
		self->fd[i] = -1;
	for (i = 0; i < self->ncpu; i++)
		self->fsrv[i] = self->fcli[i] = -1;

	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &rl));
	want = self->n + 2 * self->ncpu + 256;
	if (rl.rlim_cur < want) {
		rl.rlim_cur = want;
		if (rl.rlim_max < want)
			rl.rlim_max = want;
		ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl))
			TH_LOG("RLIMIT_NOFILE %llu: %s",
			       (unsigned long long)want, strerror(errno));
	}

	err = dtls_test_uffd_open(&self->u);
	if (err == -ENOSYS || err == -EPERM) {
		dtls_test_uffd_close(&self->u);
		SKIP(return, "no userfaultfd: %s", strerror(-err));
	}
	self->have_uffd = true;
	ASSERT_EQ(0, err);
}

/* The holders let go (the page served, then gone), and joined. */
static void wq_let_go(FIXTURE_DATA(wq) *self)
{
	uint8_t zero = 0;
	int i;

	if (self->have_uffd) {
		dtls_test_uffd_serve(&self->u, &zero, sizeof(zero));
		dtls_test_uffd_close(&self->u);
		self->have_uffd = false;
	}
	for (i = 0; i < self->nthreads; i++)
		pthread_join(self->ht[i], NULL);
	self->nthreads = 0;
}

FIXTURE_TEARDOWN(wq)
{
	int i;

	wq_let_go(self);
	sched_setaffinity(0, sizeof(self->all), &self->all);
	for (i = 0; self->fd && i < self->n; i++)
		if (self->fd[i] >= 0)
			close(self->fd[i]);
	for (i = 0; self->fsrv && i < self->ncpu; i++) {
		if (self->fsrv[i] >= 0)
			close(self->fsrv[i]);
		if (self->fcli[i] >= 0)
			close(self->fcli[i]);
	}
	if (self->peer >= 0)
		close(self->peer);
	free(self->fd);
	free(self->hold);
	free(self->ht);
	free(self->fsrv);
	free(self->fcli);
	free(self->fstart);
	free(self->fdone);
}

/* @fd attached, its kernel PSK handshake configured in @role. */
static int psk_setup(int fd, int role)
{
	static const uint16_t suite = 0x00a8;
	struct dtls_hs_config cfg = {
		.role = role,
		.suites = &suite,
		.n_suites = 1,
		.cookies = -1,
	};

	return dtls_test_hs_setup(fd, &cfg, PSK_ID, PSK_KEY, strlen(PSK_KEY));
}

/*
 * A loopback pair of kernel PSK handshakes, started (server first) from
 * the calling thread: its sockets in *srv and *cli.
 */
static void psk_pair_start(struct __test_metadata *_metadata, int family,
			   int *srv, int *cli)
{
	union dtls_test_addr sa;
	char msg[128] = "";

	*srv = dtls_test_udp_bound(family, &sa);
	ASSERT_LE(0, *srv);
	*cli = socket(family, SOCK_DGRAM, 0);
	ASSERT_LE(0, *cli);
	ASSERT_EQ(0, connect(*cli, &sa.sa, dtls_test_addr_len(family)));
	hs_timeo(*srv, 10);
	hs_timeo(*cli, 10);
	ASSERT_EQ(0, psk_setup(*srv, DTLS_HS_ROLE_SERVER));
	ASSERT_EQ(0, psk_setup(*cli, DTLS_HS_ROLE_CLIENT));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), *srv, 0, msg, sizeof(msg)))
		TH_LOG("server hs-start: %s", msg);
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), *cli, 0, msg, sizeof(msg)))
		TH_LOG("client hs-start: %s", msg);
}

/* Both sides of a pair established (now): true or false. */
static bool psk_pair_done(int srv, int cli)
{
	struct dtls_hs_info i;

	return !dtls_hs_get(dtls_test_nl(), cli, 0, &i, NULL, 0) &&
	       i.state == DTLS_HS_STATE_ESTABLISHED &&
	       !dtls_hs_get(dtls_test_nl(), srv, 0, &i, NULL, 0) &&
	       i.state == DTLS_HS_STATE_ESTABLISHED;
}

TEST_F_TIMEOUT(wq, owned_end, 300)
{
	static const uint16_t suite = 0x00a8;
	struct dtls_hs_config cfg = {
		.role = DTLS_HS_ROLE_CLIENT,
		.suites = &suite,
		.n_suites = 1,
		/* No resend: the deadline is the only timer event. */
		.rto_initial_ms = 60000,
		.rto_max_ms = 60000,
		.timeout_ms = WQ_TIMEOUT_MS,
		.cookies = -1,
	};
	long long failed0, started0, failed, started;
	int64_t t0, t_started, t_held, t_let_go, until;
	int i, c, srv, cli, bad, wrong = 0;
	union dtls_test_addr pa;
	struct dtls_hs_info hi;
	pthread_attr_t attr;
	bool fresh_ok;

	/*
	 * A pair first, nothing held: the first use of the AEAD loads and
	 * tests its modules, seconds under TCG, not to be counted below.
	 */
	psk_pair_start(_metadata, AF_INET, &srv, &cli);
	until = wq_now_ms() + 60000;
	while (!(fresh_ok = psk_pair_done(srv, cli)) && wq_now_ms() < until)
		usleep(20000);
	if (!fresh_ok) {
		dtls_test_hs_show("warm-up client", cli);
		dtls_test_hs_show("warm-up server", srv);
	}
	close(srv);
	close(cli);
	ASSERT_TRUE(fresh_ok) TH_LOG("a handshake with nothing held failed");

	/* N clients, configured, connected to a socket that never answers. */
	self->peer = dtls_test_udp_bound(AF_INET6, &pa);
	ASSERT_LE(0, self->peer);
	t0 = wq_now_ms();
	for (i = 0; i < self->n; i++) {
		self->fd[i] = socket(AF_INET6, SOCK_DGRAM, 0);
		ASSERT_LE(0, self->fd[i]) TH_LOG("socket %d: %s", i,
						 strerror(errno));
		ASSERT_EQ(0, connect(self->fd[i], &pa.sa, sizeof(pa.in6)));
		ASSERT_EQ(0, dtls_test_hs_setup(self->fd[i], &cfg, PSK_ID,
						PSK_KEY, strlen(PSK_KEY)));
		self->hold[i].h.fd = self->fd[i];
		self->hold[i].h.u = &self->u;
	}
	TH_LOG("%d clients (%d CPUs) configured in %lld ms", self->n,
	       self->ncpu, (long long)(wq_now_ms() - t0));

	/*
	 * Each started, then its lock taken by a thread of its own (the
	 * start takes the lock too), from each CPU in turn: the deadline's
	 * timer, so its work, most likely on that CPU.
	 */
	ASSERT_EQ(0, pthread_attr_init(&attr));
	ASSERT_EQ(0, pthread_attr_setstacksize(&attr, WQ_STACK));
	failed0 = dtls_test_proc_stat("DtlsHsFailed");
	started0 = dtls_test_proc_stat("DtlsHsStarted");
	ASSERT_LE(0, failed0);
	t0 = wq_now_ms();
	for (i = 0; i < self->n; i++) {
		char msg[128] = "";

		ASSERT_EQ(0, wq_pin(self->cpus[i % self->ncpu]));
		ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), self->fd[i], 0, msg,
					   sizeof(msg)))
			TH_LOG("hs-start %d: %s", i, msg);
		ASSERT_EQ(0, pthread_create(&self->ht[i], &attr, wq_hold_lock,
					    &self->hold[i]))
			TH_LOG("holder %d: %s", i, strerror(errno));
		self->nthreads++;
	}
	t_started = wq_now_ms();
	pthread_attr_destroy(&attr);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(self->all), &self->all));

	/* Every holder waits for the page, the lock held. */
	for (i = 0; i < self->n; i++)
		ASSERT_EQ(0, dtls_test_uffd_wait(&self->u, 30000))
			TH_LOG("%d of %d holders waiting for the page", i,
			       self->n);
	for (i = 0; i < self->n; i++) {
		pid_t tid;

		tid = __atomic_load_n(&self->hold[i].tid, __ATOMIC_SEQ_CST);
		ASSERT_NE(0, tid);
		ASSERT_EQ(0, dtls_test_wait_wchan(tid, "handle_userfault",
						  5000))
			TH_LOG("holder %d (tid %d) not in handle_userfault",
			       i, tid);
	}
	t_held = wq_now_ms();
	failed = dtls_test_proc_stat("DtlsHsFailed");
	started = dtls_test_proc_stat("DtlsHsStarted");
	TH_LOG("%d started in %lld ms, all held %lld ms after the first start (deadline %d ms)",
	       self->n, (long long)(t_started - t0),
	       (long long)(t_held - t0), WQ_TIMEOUT_MS);
	EXPECT_EQ(started0 + self->n, started);
	/* None ended before its owner held it: each deadline meets it. */
	ASSERT_EQ(failed0, failed)
		TH_LOG("%lld handshakes ended before their socket was held: the guest is too slow for a %d ms deadline",
		       failed - failed0, WQ_TIMEOUT_MS);

	/* Every deadline past, its work run, the sockets still held. */
	until = t_started + WQ_TIMEOUT_MS + WQ_PAST_MS;
	while (wq_now_ms() < until)
		usleep(50000);
	TH_LOG("deadlines past; DtlsHsFailed +%lld while held",
	       dtls_test_proc_stat("DtlsHsFailed") - failed0);

	/* A fresh pair on each CPU completes meanwhile. */
	for (c = 0; c < self->ncpu; c++) {
		ASSERT_EQ(0, wq_pin(self->cpus[c]));
		self->fstart[c] = wq_now_ms();
		psk_pair_start(_metadata, AF_INET,
			      &self->fsrv[c], &self->fcli[c]);
	}
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(self->all), &self->all));
	until = self->fstart[0] + WQ_FRESH_MS;
	for (;;) {
		fresh_ok = true;
		for (c = 0; c < self->ncpu; c++) {
			if (!self->fdone[c] &&
			    psk_pair_done(self->fsrv[c], self->fcli[c]))
				self->fdone[c] = wq_now_ms();
			fresh_ok &= !!self->fdone[c];
		}
		if (fresh_ok || wq_now_ms() >= until)
			break;
		usleep(20000);
	}
	for (c = 0; c < self->ncpu; c++) {
		EXPECT_NE(0, self->fdone[c]) {
			TH_LOG("CPU %d: a fresh handshake not done in %d ms while %d sockets' handshakes ended held",
			       self->cpus[c], WQ_FRESH_MS, self->n);
			dtls_test_hs_show("fresh client", self->fcli[c]);
			dtls_test_hs_show("fresh server", self->fsrv[c]);
		}
		if (!self->fdone[c])
			continue;
		TH_LOG("CPU %d: fresh handshake done within %lld ms of its start",
		       self->cpus[c],
		       (long long)(self->fdone[c] - self->fstart[c]));
		EXPECT_EQ(0, dtls_test_ping_pong(self->fcli[c], self->fsrv[c]))
			TH_LOG("CPU %d: ping-pong: %s", self->cpus[c],
			       strerror(errno));
	}

	/* Let go: every one of the N ends, in ETIMEDOUT, counted once. */
	t_let_go = wq_now_ms();
	TH_LOG("held for %lld ms in all", (long long)(t_let_go - t_held));
	wq_let_go(self);
	until = wq_now_ms() + WQ_END_MS;
	bad = 0;
	for (i = 0; i < self->n; i++) {
		int st = dtls_test_hs_settle(self->fd[i],
					     (int)(until - wq_now_ms()), &hi);

		if (st == DTLS_HS_STATE_FAILED && hi.error == ETIMEDOUT)
			continue;
		if (st == DTLS_HS_STATE_FAILED)
			wrong++;
		if (bad++ < 5)
			TH_LOG("client %d: %s, error %u (%s)", i,
			       st < 0 ? strerror(-st) :
			       dtls_hs_state_name(hi.state),
			       st < 0 ? 0 : hi.error,
			       st < 0 ? "" : strerror(hi.error));
	}
	TH_LOG("%d of %d failed in ETIMEDOUT %lld ms after the holders let go",
	       self->n - bad, self->n, (long long)(wq_now_ms() - t_let_go));
	EXPECT_EQ(0, bad) TH_LOG("%d not failed in ETIMEDOUT, %d of them failed otherwise",
				 bad, wrong);
	failed = dtls_test_proc_stat("DtlsHsFailed");
	while (failed - failed0 < self->n && wq_now_ms() < until) {
		usleep(20000);
		failed = dtls_test_proc_stat("DtlsHsFailed");
	}
	EXPECT_EQ(self->n, failed - failed0);
}

/*
 * The client's end waits for its socket's owner.  In a network namespace
 * of the test's own whose loopback delays every datagram by HELD_DELAY_MS
 * (netem), the client's socket is held (a thread copying from a page
 * that does not come) right after its start, long before the server's
 * Finished comes: the client decides its end and cannot commit it.  The
 * server, established, sends HELD_RECORDS records at once; they reach
 * the client before its keys, and wait with its handshake rather than be
 * lost or put before it.  Let go, the client is established and reads
 * each, in order; DtlsHsDone counts it only then.
 */
#define HELD_RECORDS	16
#define HELD_DELAY_MS	300

FIXTURE(held) {
	int unused;
};

FIXTURE_SETUP(held)
{
}

FIXTURE_TEARDOWN(held)
{
}

TEST_F_TIMEOUT(held, client_end, 150)
{
	struct dtls_test_lock_holder h;
	struct dtls_test_uffd u;
	struct dtls_hs_info hi;
	char buf[64], cmd[128];
	int srv, cli, i, err;
	uint8_t zero = 0;
	pthread_t ht;
	ssize_t n;

	err = dtls_test_uffd_open(&u);
	if (err == -ENOSYS || err == -EPERM) {
		dtls_test_uffd_close(&u);
		SKIP(return, "no userfaultfd: %s", strerror(-err));
	}
	ASSERT_EQ(0, err);
	/* This test's process only: the harness forks one per test. */
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	snprintf(cmd, sizeof(cmd),
		 "ip link set lo up && tc qdisc add dev lo root netem delay %dms",
		 HELD_DELAY_MS);
	ASSERT_EQ(0, system(cmd));

	psk_pair_start(_metadata, AF_INET6, &srv, &cli);

	/* Held before the server has even seen its ClientHello. */
	h.fd = cli;
	h.u = &u;
	ASSERT_EQ(0, pthread_create(&ht, NULL, dtls_test_hold_lock, &h));
	ASSERT_EQ(0, dtls_test_uffd_wait(&u, 10000));
	EXPECT_EQ(0, dtls_test_proc_stat("DtlsHsDone"));

	EXPECT_EQ(DTLS_HS_STATE_ESTABLISHED,
		  dtls_test_hs_settle(srv, 60000, &hi));
	for (i = 0; i < HELD_RECORDS; i++) {
		snprintf(buf, sizeof(buf), "record %d", i);
		EXPECT_EQ((ssize_t)strlen(buf), send(srv, buf, strlen(buf), 0));
	}
	/* Arrived, and the client's end still waits: the server counted. */
	usleep(3 * HELD_DELAY_MS * 1000);
	EXPECT_EQ(1, dtls_test_proc_stat("DtlsHsDone"));

	EXPECT_EQ(0, dtls_test_uffd_serve(&u, &zero, sizeof(zero)));
	dtls_test_uffd_close(&u);
	pthread_join(ht, NULL);

	EXPECT_EQ(DTLS_HS_STATE_ESTABLISHED,
		  dtls_test_hs_settle(cli, 10000, &hi));
	for (i = 0; i < HELD_RECORDS; i++) {
		char want[64];

		snprintf(want, sizeof(want), "record %d", i);
		n = recv(cli, buf, sizeof(buf) - 1, 0);
		ASSERT_EQ((ssize_t)strlen(want), n)
			TH_LOG("record %d: %s", i, n < 0 ? strerror(errno) : "");
		buf[n] = 0;
		EXPECT_STREQ(want, buf);
	}
	EXPECT_EQ(2, dtls_test_proc_stat("DtlsHsDone"));
	EXPECT_EQ(0, dtls_test_ping_pong(cli, srv));
	close(cli);
	close(srv);
}

/*
 * A server's handshake connects its socket to its client, which UDP does
 * under the socket lock: not while the socket's owner holds it (the work
 * would wait for it).  The ClientHello is dropped then, and the client's
 * resend gets through once the owner lets go: both ends complete.
 */
TEST_F_TIMEOUT(held, server_connect, 150)
{
	struct dtls_test_lock_holder h;
	struct dtls_test_uffd u;
	union dtls_test_addr sa;
	struct dtls_hs_info hi;
	char msg[128] = "";
	int srv, cli, err;
	uint8_t zero = 0;
	pthread_t ht;

	err = dtls_test_uffd_open(&u);
	if (err == -ENOSYS || err == -EPERM) {
		dtls_test_uffd_close(&u);
		SKIP(return, "no userfaultfd: %s", strerror(-err));
	}
	ASSERT_EQ(0, err);
	/* Counters of this test's own. */
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, system("ip link set lo up"));
	srv = dtls_test_udp_bound(AF_INET6, &sa);
	ASSERT_LE(0, srv);
	cli = socket(AF_INET6, SOCK_DGRAM, 0);
	ASSERT_LE(0, cli);
	ASSERT_EQ(0, connect(cli, &sa.sa, sizeof(sa.in6)));
	hs_timeo(srv, 10);
	hs_timeo(cli, 10);
	ASSERT_EQ(0, psk_setup(srv, DTLS_HS_ROLE_SERVER));
	ASSERT_EQ(0, psk_setup(cli, DTLS_HS_ROLE_CLIENT));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), srv, 0, msg, sizeof(msg)))
		TH_LOG("server hs-start: %s", msg);

	h.fd = srv;
	h.u = &u;
	ASSERT_EQ(0, pthread_create(&ht, NULL, dtls_test_hold_lock, &h));
	ASSERT_EQ(0, dtls_test_uffd_wait(&u, 10000));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), cli, 0, msg, sizeof(msg)))
		TH_LOG("client hs-start: %s", msg);
	/* The first ClientHello and its resend (1 s), held off. */
	usleep(1500 * 1000);
	EXPECT_EQ(0, dtls_test_proc_stat("DtlsHsDone"));
	EXPECT_EQ(DTLS_HS_STATE_RUNNING, dtls_test_hs_settle(cli, 0, &hi));

	EXPECT_EQ(0, dtls_test_uffd_serve(&u, &zero, sizeof(zero)));
	dtls_test_uffd_close(&u);
	pthread_join(ht, NULL);
	EXPECT_EQ(DTLS_HS_STATE_ESTABLISHED,
		  dtls_test_hs_settle(cli, 30000, &hi));
	EXPECT_EQ(DTLS_HS_STATE_ESTABLISHED,
		  dtls_test_hs_settle(srv, 10000, &hi));
	EXPECT_EQ(2, dtls_test_proc_stat("DtlsHsDone"));
	EXPECT_EQ(0, dtls_test_ping_pong(cli, srv));
	close(cli);
	close(srv);
}

TEST_HARNESS_MAIN
