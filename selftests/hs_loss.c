// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel handshake over a bad link: two network namespaces joined
 * by a veth pair, netem on both ends (10% and 30% loss, 20 ms delay with
 * reordering, 20% duplication), IPv4 and IPv6.  Kernel servers listen in
 * one namespace, kernel clients connect from the other; each variant runs
 * its handshakes side by side, and every one must complete on its own
 * retransmissions (nothing is restarted by the test) and then carry one
 * record each way.  Data records may be lost too: the echo, and only the
 * echo, is retried by the test.
 *
 * The namespaces are the test process's own (unshare, setns): they go
 * away with it.  Neighbours are static so that netem drops only our
 * datagrams, not ARP or neighbour discovery.
 */
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <sys/time.h>
#include <time.h>

#include "dtls_test.h"
#include "test_cert.h"
#include "kselftest_harness.h"

#define PSK_ID		"loss-client"
#define PSK_KEY		"0123456789abcdef0123456789abcdef"
#define MAX_HS		10

/* Addresses of the benchmarking range (RFC 2544) and of documentation. */
#define SRV_V4		"198.18.0.1"
#define CLI_V4		"198.18.0.2"
#define SRV_V6		"2001:db8:6b64::1"
#define CLI_V6		"2001:db8:6b64::2"
#define SRV_MAC		"02:6b:64:00:00:01"
#define CLI_MAC		"02:6b:64:00:00:02"

/* Run a shell command built from @fmt; its exit status (0: fine). */
static int run(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int n, st;

	n = snprintf(cmd, sizeof(cmd),
		     "PATH=/usr/sbin:/usr/bin:/sbin:/bin; exec >/dev/null; ");
	va_start(ap, fmt);
	vsnprintf(cmd + n, sizeof(cmd) - n, fmt, ap);
	va_end(ap);
	st = system(cmd);
	if (st)
		fprintf(stderr, "# failed (%d): %s\n", st, cmd + n);
	return st;
}

/* One end of the link, in the current netns. */
static int side_setup(const char *dev, const char *my4, const char *my6,
		      const char *peer4, const char *peer6,
		      const char *peer_mac)
{
	return run("ip link set lo up && "
		   "ip addr add %s/24 dev %s && "
		   "ip -6 addr add %s/64 dev %s nodad && "
		   "ip link set %s up && "
		   "ip neigh replace %s lladdr %s dev %s nud permanent && "
		   "ip -6 neigh replace %s lladdr %s dev %s nud permanent",
		   my4, dev, my6, dev, dev, peer4, peer_mac, dev, peer6,
		   peer_mac, dev);
}

static void set_addr(int family, const char *ip, union dtls_test_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->sa.sa_family = family;
	if (family == AF_INET6)
		inet_pton(AF_INET6, ip, &a->in6.sin6_addr);
	else
		inet_pton(AF_INET, ip, &a->in4.sin_addr);
}

static void timeo(int fd, int which, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000,
			      .tv_usec = (ms % 1000) * 1000 };

	setsockopt(fd, SOL_SOCKET, which, &tv, sizeof(tv));
}

static long long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000LL +
	       (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* A counter of /proc/net/dtls_stat in the netns @ns. */
static long long ns_stat(int ns, int orig, const char *name)
{
	long long v;

	if (setns(ns, CLONE_NEWNET))
		return -1;
	v = dtls_test_proc_stat(name);
	setns(orig, CLONE_NEWNET);
	return v;
}

/* A UDP socket created in @ns, bound to @ip: its fd, its address in @a. */
static int socket_in(int ns, int orig, int family, const char *ip,
		     union dtls_test_addr *a)
{
	socklen_t len = dtls_test_addr_len(family);
	int fd;

	if (setns(ns, CLONE_NEWNET))
		return -1;
	fd = socket(family, SOCK_DGRAM, 0);
	setns(orig, CLONE_NEWNET);
	if (fd < 0)
		return -1;
	set_addr(family, ip, a);
	if (bind(fd, &a->sa, len) || getsockname(fd, &a->sa, &len)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A plain datagram each way between the namespaces, within 5 s: 0 or -1. */
static int link_ready(int nsa, int nsb, int orig, int family)
{
	const char *a_ip = family == AF_INET6 ? SRV_V6 : SRV_V4;
	const char *b_ip = family == AF_INET6 ? CLI_V6 : CLI_V4;
	union dtls_test_addr aa, ba;
	int a, b, i, ret = -1, got = 0;
	char c;

	a = socket_in(nsa, orig, family, a_ip, &aa);
	b = socket_in(nsb, orig, family, b_ip, &ba);
	for (i = 0; a >= 0 && b >= 0 && i < 100 && got != 3; i++) {
		struct pollfd p[2] = { { .fd = a, .events = POLLIN },
				       { .fd = b, .events = POLLIN } };

		if (!(got & 1))
			sendto(b, "b", 1, 0, &aa.sa, dtls_test_addr_len(family));
		if (!(got & 2))
			sendto(a, "a", 1, 0, &ba.sa, dtls_test_addr_len(family));
		poll(p, 2, 50);
		while (recv(a, &c, 1, MSG_DONTWAIT) == 1)
			got |= 1;
		while (recv(b, &c, 1, MSG_DONTWAIT) == 1)
			got |= 2;
	}
	if (got == 3)
		ret = 0;
	if (got == 3 && i > 2)
		fprintf(stderr, "# link ready after %d tries\n", i);
	else if (got != 3)
		fprintf(stderr, "# link not ready: %d\n", got);
	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);
	return ret;
}

/* Certificates of the ECDHE-ECDSA variants; NULL for PSK. */
struct loss_certs {
	struct test_cert srv, cli;
};

/* Our certificate and the other's pin, required by the server. */
static int cert_creds(int fd, bool server, const struct loss_certs *lc)
{
	const struct test_cert *own = server ? &lc->srv : &lc->cli;
	const struct test_cert *peer = server ? &lc->cli : &lc->srv;
	const uint8_t *der = own->der;
	size_t len = own->len;
	char msg[160] = "";
	int err;

	err = dtls_cert_set(dtls_test_nl(), fd, 0, &der, &len, 1, own->priv,
			    0, msg, sizeof(msg));
	if (!err)
		err = dtls_peer_auth(dtls_test_nl(), fd, 0, &peer->sha256, 1,
				     server, msg, sizeof(msg));
	if (err)
		fprintf(stderr, "# certificates: %s (%s)\n", strerror(-err),
			msg);
	return err;
}

/* dtls_test_hs_setup() with the PSK, and the certificates if any. */
static int side_prepare(int fd, const struct dtls_hs_config *cfg,
			const struct loss_certs *lc)
{
	if (dtls_test_hs_setup(fd, cfg, PSK_ID, PSK_KEY, strlen(PSK_KEY)))
		return -1;
	return lc ? cert_creds(fd, cfg->role == DTLS_HS_ROLE_SERVER, lc) : 0;
}

/*
 * One handshake with the variant's suite and group on loopback, in the
 * test's own netns: the first use of an algorithm may have the kernel
 * load a crypto module, which takes seconds in an emulated guest and
 * would stall every handshake of the variant alike.  0 or -1.
 */
static int warm_up(int family, const struct dtls_hs_config *base,
		   const struct loss_certs *lc)
{
	struct dtls_hs_config cfg = *base;
	union dtls_test_addr sa, ca;
	struct dtls_hs_info i;
	int srv, cli, ret = -1;
	char c;

	srv = dtls_test_udp_bound(family, &sa);
	cli = dtls_test_udp_bound(family, &ca);
	if (srv < 0 || cli < 0 ||
	    connect(cli, &sa.sa, dtls_test_addr_len(family)))
		goto out;
	cfg.role = DTLS_HS_ROLE_SERVER;
	if (side_prepare(srv, &cfg, lc))
		goto out;
	cfg.role = DTLS_HS_ROLE_CLIENT;
	if (side_prepare(cli, &cfg, lc) ||
	    dtls_hs_start(dtls_test_nl(), srv, 0, NULL, 0) || dtls_hs_start(dtls_test_nl(), cli, 0, NULL, 0))
		goto out;
	timeo(srv, SO_RCVTIMEO, 30000);
	timeo(cli, SO_SNDTIMEO, 30000);
	if (send(cli, "w", 1, 0) == 1 && recv(srv, &c, 1, 0) == 1 &&
	    dtls_test_hs_settle(cli, 0, &i) == DTLS_HS_STATE_ESTABLISHED)
		ret = 0;
out:
	if (srv >= 0)
		close(srv);
	if (cli >= 0)
		close(cli);
	return ret;
}

FIXTURE(loss) {
	int orig, nsa, nsb;	/* the test's netns, server's, client's */
	int srv[MAX_HS], cli[MAX_HS];
	struct loss_certs certs;
};

FIXTURE_VARIANT(loss) {
	int family;
	const char *netem;
	int n;			/* handshakes */
	uint16_t suite;
	uint16_t group;
	/*
	 * Retransmissions must have happened: with 30% loss on the 30 or
	 * more handshake datagrams of 5 handshakes, anything else is under
	 * 1 in 40000 (with 10%, a few in a hundred: not checked).
	 */
	bool lossy;
	bool cert;		/* ECDHE-ECDSA, mutual */
	uint32_t mtu;		/* 0: the default */
};

#define LOSS_VARIANT(name, fam, nm, cnt, s, g, l)			\
	FIXTURE_VARIANT_ADD(loss, name) {				\
		.family = fam, .netem = nm, .n = cnt, .suite = s,	\
		.group = g, .lossy = l,					\
	}

LOSS_VARIANT(v4_loss10, AF_INET, "loss 10%", 10, 0x00a8, 0, false);
LOSS_VARIANT(v6_loss10_ecdhe, AF_INET6, "loss 10%", 5, 0xd001, 29, false);
LOSS_VARIANT(v4_loss30, AF_INET, "loss 30%", 10, 0x00a8, 0, true);
LOSS_VARIANT(v6_loss30_ecdhe, AF_INET6, "loss 30%", 5, 0xccac, 29, true);
LOSS_VARIANT(v4_reorder, AF_INET, "delay 20ms reorder 25% 50%", 5, 0x00a8,
	     0, false);
LOSS_VARIANT(v6_reorder_p256, AF_INET6, "delay 20ms reorder 25% 50%", 5,
	     0xd001, 23, false);
LOSS_VARIANT(v4_duplicate, AF_INET, "duplicate 20%", 5, 0x00a8, 0, false);
LOSS_VARIANT(v6_duplicate, AF_INET6, "duplicate 20%", 5, 0x00a9, 0, false);

#define LOSS_CERT_VARIANT(name, fam, nm, cnt, s, l)			\
	FIXTURE_VARIANT_ADD(loss, name) {				\
		.family = fam, .netem = nm, .n = cnt, .suite = s,	\
		.group = 29, .lossy = l, .cert = true, .mtu = 256,	\
	}

LOSS_CERT_VARIANT(v4_loss30_ecdsa_mtu256, AF_INET, "loss 30%", 5, 0xc02b,
		  true);
LOSS_CERT_VARIANT(v6_loss30_ecdsa_mtu256, AF_INET6, "loss 30%", 5, 0xcca9,
		  true);
LOSS_CERT_VARIANT(v4_reorder_ecdsa_mtu256, AF_INET,
		  "delay 20ms reorder 25% 50%", 5, 0xc02c, false);

FIXTURE_SETUP(loss)
{
	int i;

	for (i = 0; i < MAX_HS; i++) {
		self->srv[i] = -1;
		self->cli[i] = -1;
	}
	if (variant->cert) {
		ASSERT_EQ(0, test_cert_make(&self->certs.srv, "loss server"));
		ASSERT_EQ(0, test_cert_make(&self->certs.cli, "loss client"));
	}
	self->orig = open("/proc/self/ns/net", O_RDONLY);
	ASSERT_GE(self->orig, 0);
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	self->nsb = open("/proc/self/ns/net", O_RDONLY);
	ASSERT_GE(self->nsb, 0);
	ASSERT_EQ(0, setns(self->orig, CLONE_NEWNET));
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	self->nsa = open("/proc/self/ns/net", O_RDONLY);
	ASSERT_GE(self->nsa, 0);

	/* In the server's netns now; the client end goes to the other. */
	ASSERT_EQ(0, run("ip link add va address %s type veth peer name vb "
			 "address %s netns /proc/%d/fd/%d", SRV_MAC, CLI_MAC,
			 getpid(), self->nsb));
	ASSERT_EQ(0, side_setup("va", SRV_V4, SRV_V6, CLI_V4, CLI_V6,
				CLI_MAC));
	ASSERT_EQ(0, setns(self->nsb, CLONE_NEWNET));
	ASSERT_EQ(0, side_setup("vb", CLI_V4, CLI_V6, SRV_V4, SRV_V6,
				SRV_MAC));
	ASSERT_EQ(0, setns(self->orig, CLONE_NEWNET));

	/*
	 * The link is up once a datagram goes each way (IPv6 waits for the
	 * carrier); only then does netem start, so that what the handshakes
	 * meet is the configured loss alone.
	 */
	ASSERT_EQ(0, link_ready(self->nsa, self->nsb, self->orig,
				variant->family));
	ASSERT_EQ(0, setns(self->nsa, CLONE_NEWNET));
	ASSERT_EQ(0, run("tc qdisc add dev va root netem %s", variant->netem));
	ASSERT_EQ(0, setns(self->nsb, CLONE_NEWNET));
	ASSERT_EQ(0, run("tc qdisc add dev vb root netem %s", variant->netem));
	ASSERT_EQ(0, setns(self->orig, CLONE_NEWNET));
}

FIXTURE_TEARDOWN(loss)
{
	int i;

	for (i = 0; i < MAX_HS; i++) {
		if (self->srv[i] >= 0)
			close(self->srv[i]);
		if (self->cli[i] >= 0)
			close(self->cli[i]);
	}
	close(self->nsa);
	close(self->nsb);
	close(self->orig);
	if (variant->cert) {
		test_cert_free(&self->certs.srv);
		test_cert_free(&self->certs.cli);
	}
}

/*
 * One record each way once the client is established; data records may
 * be lost, so each direction is retried every 500 ms.  0, or -errno of
 * the client's first send (the handshake's failure).
 */
static int echo_lossy(int cli, int srv, int i)
{
	char ping[32], pong[32], buf[64];
	int n = snprintf(ping, sizeof(ping), "ping %d", i);
	int m = snprintf(pong, sizeof(pong), "pong %d", i);
	int tries;

	timeo(srv, SO_RCVTIMEO, 500);
	timeo(cli, SO_RCVTIMEO, 500);
	for (tries = 0;; tries++) {
		if (tries == 40)
			return -ETIMEDOUT;
		/* The first send waits for the handshake. */
		if (send(cli, ping, n, 0) != n)
			return -errno;
		if (recv(srv, buf, sizeof(buf), 0) == n &&
		    !memcmp(buf, ping, n))
			break;
	}
	for (tries = 0;; tries++) {
		if (tries == 40)
			return -ETIMEDOUT;
		if (send(srv, pong, m, 0) != m)
			return -errno;
		if (recv(cli, buf, sizeof(buf), 0) == m &&
		    !memcmp(buf, pong, m))
			return 0;
	}
}

TEST_F_TIMEOUT(loss, handshakes, 170)
{
	struct dtls_hs_config cfg = {
		.suites = &variant->suite,
		.n_suites = 1,
		.groups = &variant->group,
		.n_groups = variant->group ? 1 : 0,
		.rto_initial_ms = 100,
		/* Backing off no further than 1 s keeps the run short. */
		.rto_max_ms = 1000,
		.timeout_ms = 60000,
		.cookies = -1,
		.mtu = variant->mtu,
	};
	const struct loss_certs *lc = variant->cert ? &self->certs : NULL;
	const char *srv_ip = variant->family == AF_INET6 ? SRV_V6 : SRV_V4;
	const char *cli_ip = variant->family == AF_INET6 ? CLI_V6 : CLI_V4;
	long long a_done, b_done, a_fail, b_fail, resends;
	struct timespec t0;
	int i, err;

	ASSERT_EQ(0, warm_up(variant->family, &cfg, lc));
	a_done = ns_stat(self->nsa, self->orig, "DtlsHsDone");
	b_done = ns_stat(self->nsb, self->orig, "DtlsHsDone");
	a_fail = ns_stat(self->nsa, self->orig, "DtlsHsFailed");
	b_fail = ns_stat(self->nsb, self->orig, "DtlsHsFailed");
	ASSERT_EQ(0, a_done);
	ASSERT_EQ(0, b_done);

	for (i = 0; i < variant->n; i++) {
		union dtls_test_addr sa, ca;

		self->srv[i] = socket_in(self->nsa, self->orig,
					 variant->family, srv_ip, &sa);
		self->cli[i] = socket_in(self->nsb, self->orig,
					 variant->family, cli_ip, &ca);
		ASSERT_GE(self->srv[i], 0);
		ASSERT_GE(self->cli[i], 0);
		ASSERT_EQ(0, connect(self->cli[i], &sa.sa,
				     dtls_test_addr_len(variant->family)));
		/* Past the handshake's own time-out: its error shows. */
		timeo(self->cli[i], SO_SNDTIMEO, 75000);
		cfg.role = DTLS_HS_ROLE_SERVER;
		ASSERT_EQ(0, side_prepare(self->srv[i], &cfg, lc));
		cfg.role = DTLS_HS_ROLE_CLIENT;
		ASSERT_EQ(0, side_prepare(self->cli[i], &cfg, lc));
		ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), self->srv[i], 0, NULL, 0));
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < variant->n; i++)
		ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), self->cli[i], 0, NULL, 0));

	for (i = 0; i < variant->n; i++) {
		struct dtls_hs_info si, ci;

		err = echo_lossy(self->cli[i], self->srv[i], i);
		ASSERT_EQ(0, err) {
			TH_LOG("handshake %d: %s after %lld ms", i,
			       strerror(-err), ms_since(&t0));
			dtls_test_hs_show("server", self->srv[i]);
			dtls_test_hs_show("client", self->cli[i]);
		}
		ASSERT_EQ(0, dtls_hs_get(dtls_test_nl(), self->srv[i], 0, &si, NULL, 0));
		ASSERT_EQ(0, dtls_hs_get(dtls_test_nl(), self->cli[i], 0, &ci, NULL, 0));
		EXPECT_EQ(DTLS_HS_STATE_ESTABLISHED, si.state);
		EXPECT_EQ(DTLS_HS_STATE_ESTABLISHED, ci.state);
		EXPECT_EQ(variant->suite, si.suite);
		EXPECT_EQ(variant->suite, ci.suite);
		if (lc) {
			/* Each checked the other's certificate. */
			EXPECT_TRUE(si.has_peer_cert && ci.has_peer_cert);
			EXPECT_EQ(0, memcmp(si.peer_cert_sha256,
					    lc->cli.sha256, 32));
			EXPECT_EQ(0, memcmp(ci.peer_cert_sha256,
					    lc->srv.sha256, 32));
		} else {
			EXPECT_EQ(strlen(PSK_ID), si.peer_id_len);
		}
		/* Keys and counters; the sides are in two netns. */
		EXPECT_EQ(0, dtls_test_hs_check(self->cli[i], self->srv[i],
						variant->suite,
						DTLS_TEST_LOSSY));
	}

	EXPECT_EQ(a_done + variant->n,
		  ns_stat(self->nsa, self->orig, "DtlsHsDone"));
	EXPECT_EQ(b_done + variant->n,
		  ns_stat(self->nsb, self->orig, "DtlsHsDone"));
	EXPECT_EQ(a_fail, ns_stat(self->nsa, self->orig, "DtlsHsFailed"));
	EXPECT_EQ(b_fail, ns_stat(self->nsb, self->orig, "DtlsHsFailed"));
	resends = ns_stat(self->nsa, self->orig, "DtlsHsRetransmit") +
		  ns_stat(self->nsa, self->orig, "DtlsHsResendOnPeer") +
		  ns_stat(self->nsb, self->orig, "DtlsHsRetransmit") +
		  ns_stat(self->nsb, self->orig, "DtlsHsResendOnPeer");
	TH_LOG("%d handshakes and echoes in %lld ms, %lld flights resent",
	       variant->n, ms_since(&t0), resends);
	if (variant->lossy)
		EXPECT_LT(0, resends);
}

TEST_HARNESS_MAIN
