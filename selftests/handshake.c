// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel handshake, kernel with kernel on loopback: every suite and
 * group, IPv4 and IPv6, data both ways once established; the netlink
 * state, events and the socket's behaviour while it runs; the module's
 * tracepoints as tracefs shows them.
 */
#include <fcntl.h>
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

TEST_HARNESS_MAIN
