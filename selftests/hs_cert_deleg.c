// SPDX-License-Identifier: GPL-2.0
/*
 * Delegation of the peer's certificate check to user space (peer-delegate,
 * peer-verdict, peer-cert-ntf), kernel client with kernel server:
 *  - either side delegates (the server on a required client certificate,
 *    mutual); a thread listening to the events group answers each
 *    peer-cert-ntf of that socket: accept (established on both, exactly
 *    one event, the peer's chain in it), reject (bad_certificate on both,
 *    no keys), no answer (certificate_unknown, ETIMEDOUT after 200 ms),
 *    a stale id first (refused; the right one then completes it);
 *  - pins and delegation together: a pin that does not match fails
 *    before user space is asked;
 *  - the socket closed while it waits for the answer;
 *  - refusals: a verdict with nothing pending, a timeout out of range.
 * Certificates are made at run time (test_cert.h).
 */
#include <pthread.h>
#include <semaphore.h>
#include <sys/time.h>

#include "dtls_test.h"
#include "test_cert.h"
#include "kselftest_harness.h"

#define WAIT_MS		60000
#define DELEG_MS	5000	/* but for the no-answer case */

enum answer { ACCEPT, REJECT, NONE, STALE, CLOSE };

/* The thread that plays user space: listens, answers for one socket. */
struct answerer {
	pthread_t	th;
	struct dtls_nl	*mon;
	uint64_t	ino;
	enum answer	mode;
	sem_t		ready, asked;
	/* What it saw, read after the thread is joined. */
	int		events;
	uint32_t	id;
	uint32_t	role;
	uint16_t	suite;
	uint8_t		sha256[32];
	size_t		chain_n;
	size_t		chain_len0;
	int		stale_err, err;
};

static void answer_ready(void *arg)
{
	struct answerer *a = arg;

	sem_post(&a->ready);
}

static int answer_peer(const struct dtls_peer_cert_ev *ev, void *arg)
{
	struct answerer *a = arg;
	char msg[160];

	if (ev->ino != a->ino)
		return 0;
	if (a->events++)
		return 0;
	a->id = ev->delegation_id;
	a->role = ev->role;
	a->suite = ev->suite;
	memcpy(a->sha256, ev->peer_cert_sha256, 32);
	a->chain_n = ev->chain.n;
	a->chain_len0 = ev->chain.n ? ev->chain.len[0] : 0;
	switch (a->mode) {
	case ACCEPT:
	case REJECT:
		a->err = dtls_peer_verdict(dtls_test_nl(), -1, a->ino, a->id,
					   a->mode == ACCEPT, msg, sizeof(msg));
		break;
	case STALE:
		a->stale_err = dtls_peer_verdict(dtls_test_nl(), -1, a->ino,
						 a->id + 1 ?: 1, true, msg,
						 sizeof(msg));
		a->err = dtls_peer_verdict(dtls_test_nl(), -1, a->ino, a->id,
					   true, msg, sizeof(msg));
		break;
	case NONE:
		break;
	case CLOSE:
		break;
	}
	sem_post(&a->asked);
	return 0;
}

static void *answer_thread(void *arg)
{
	struct answerer *a = arg;

	dtls_monitor_peer(a->mon, NULL, answer_peer, answer_ready, a);
	sem_post(&a->ready);	/* never blocks the test if it failed */
	return NULL;
}

static int answer_start(struct answerer *a, uint64_t ino, enum answer mode)
{
	int err;

	memset(a, 0, sizeof(*a));
	a->ino = ino;
	a->mode = mode;
	sem_init(&a->ready, 0, 0);
	sem_init(&a->asked, 0, 0);
	err = dtls_open(&a->mon);
	if (err)
		return err;
	err = -pthread_create(&a->th, NULL, answer_thread, a);
	if (err)
		return err;
	sem_wait(&a->ready);
	return 0;
}

/* Wait up to @ms for the first event to be handled. */
static int answer_wait(struct answerer *a, int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return sem_timedwait(&a->asked, &ts) ? -errno : 0;
}

static void answer_stop(struct answerer *a)
{
	if (a->th) {
		pthread_cancel(a->th);
		pthread_join(a->th, NULL);
		a->th = 0;
	}
	dtls_close(a->mon);
	a->mon = NULL;
}

static void deleg_timeo(int fd, int secs)
{
	struct timeval tv = { .tv_sec = secs };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/*
 * Attach @fd (its inode number in *@ino), configure @role for
 * ECDHE-ECDSA-AES128-GCM, @own as our certificate (NULL: none), @pin as
 * the peer's (NULL: none), and delegate if @deleg_ms.
 */
static int deleg_prepare(int fd, uint64_t *ino, uint32_t role,
			 const struct test_cert *own,
			 const struct test_cert *pin, bool required,
			 uint32_t deleg_ms)
{
	uint16_t suite = 0xc02b;
	struct dtls_hs_config cfg = {
		.role = role,
		.suites = &suite,
		.n_suites = 1,
		.rto_initial_ms = 500,
		.timeout_ms = 2 * WAIT_MS,
		.cookies = -1,
	};
	const uint8_t (*pins)[32] = pin ? &pin->sha256 : NULL;
	char msg[160] = "";
	int err;

	deleg_timeo(fd, WAIT_MS / 1000);
	err = dtls_sock_attach(dtls_test_nl(), fd, ino, NULL, 0);
	if (!err)
		err = dtls_hs_config(dtls_test_nl(), fd, 0, &cfg, msg,
				     sizeof(msg));
	if (!err && own) {
		const uint8_t *der = own->der;
		size_t len = own->len;

		err = dtls_cert_set(dtls_test_nl(), fd, 0, &der, &len, 1,
				    own->priv, 0, msg, sizeof(msg));
	}
	if (!err && deleg_ms)
		err = dtls_peer_auth_delegate(dtls_test_nl(), fd, 0, pins,
					      pin ? 1 : 0, required, deleg_ms,
					      msg, sizeof(msg));
	else if (!err && pin)
		err = dtls_peer_auth(dtls_test_nl(), fd, 0, pins, 1, required,
				     msg, sizeof(msg));
	if (err)
		fprintf(stderr, "# deleg_prepare: %s (%s)\n", strerror(-err),
			msg);
	return err;
}

static void no_keys(struct __test_metadata *_metadata, int fd)
{
	struct dtls_info info;
	socklen_t len = sizeof(info);

	ASSERT_EQ(0, getsockopt(fd, SOL_DTLS, DTLS_INFO, &info, &len));
	EXPECT_EQ(0, info.tx_cipher);
	EXPECT_EQ(0, info.rx_cipher);
}

/* ------------------------------------------------------------ deleg */

FIXTURE(deleg) {
	int srv, cli;
	uint64_t sino, cino;
	union dtls_test_addr sa, ca;
	struct test_cert scert, ccert, other;
	struct answerer ans;
};

FIXTURE_VARIANT(deleg) {
	bool server;		/* the server delegates (mutual); else the client */
	enum answer answer;
	bool pin;		/* the delegating side also pins the peer */
	bool pin_wrong;		/* ... another certificate */
};

FIXTURE_VARIANT_ADD(deleg, client_accept) { .answer = ACCEPT };
FIXTURE_VARIANT_ADD(deleg, client_pin_accept) { .answer = ACCEPT, .pin = true };
FIXTURE_VARIANT_ADD(deleg, client_pin_wrong) {
	.answer = ACCEPT, .pin = true, .pin_wrong = true,
};
FIXTURE_VARIANT_ADD(deleg, client_reject) { .answer = REJECT };
FIXTURE_VARIANT_ADD(deleg, client_no_answer) { .answer = NONE };
FIXTURE_VARIANT_ADD(deleg, client_stale) { .answer = STALE };
FIXTURE_VARIANT_ADD(deleg, client_close) { .answer = CLOSE };
FIXTURE_VARIANT_ADD(deleg, server_accept) { .server = true, .answer = ACCEPT };
FIXTURE_VARIANT_ADD(deleg, server_reject) { .server = true, .answer = REJECT };
FIXTURE_VARIANT_ADD(deleg, server_no_answer) {
	.server = true, .answer = NONE,
};
FIXTURE_VARIANT_ADD(deleg, server_stale) { .server = true, .answer = STALE };
FIXTURE_VARIANT_ADD(deleg, server_close) { .server = true, .answer = CLOSE };

FIXTURE_SETUP(deleg)
{
	uint32_t ms = variant->answer == NONE ? 200 : DELEG_MS;
	const struct test_cert *pin;

	ASSERT_EQ(0, test_cert_make(&self->scert, "deleg server"));
	ASSERT_EQ(0, test_cert_make(&self->ccert, "deleg client"));
	ASSERT_EQ(0, test_cert_make(&self->other, "deleg other"));
	self->srv = dtls_test_udp_bound(AF_INET, &self->sa);
	self->cli = dtls_test_udp_bound(AF_INET, &self->ca);
	ASSERT_GE(self->srv, 0);
	ASSERT_GE(self->cli, 0);
	ASSERT_EQ(0, connect(self->cli, &self->sa.sa, sizeof(self->sa.in4)));
	if (variant->server) {
		pin = variant->pin ? variant->pin_wrong ? &self->other :
			&self->ccert : NULL;
		ASSERT_EQ(0, deleg_prepare(self->srv, &self->sino,
					   DTLS_HS_ROLE_SERVER, &self->scert,
					   pin, true, ms));
		ASSERT_EQ(0, deleg_prepare(self->cli, &self->cino,
					   DTLS_HS_ROLE_CLIENT, &self->ccert,
					   &self->scert, false, 0));
	} else {
		pin = variant->pin ? variant->pin_wrong ? &self->other :
			&self->scert : NULL;
		ASSERT_EQ(0, deleg_prepare(self->srv, &self->sino,
					   DTLS_HS_ROLE_SERVER, &self->scert,
					   NULL, false, 0));
		ASSERT_EQ(0, deleg_prepare(self->cli, &self->cino,
					   DTLS_HS_ROLE_CLIENT, NULL, pin,
					   false, ms));
	}
	ASSERT_EQ(0, answer_start(&self->ans, variant->server ? self->sino :
				  self->cino, variant->answer));
}

FIXTURE_TEARDOWN(deleg)
{
	answer_stop(&self->ans);
	if (self->srv >= 0)
		close(self->srv);
	if (self->cli >= 0)
		close(self->cli);
	test_cert_free(&self->scert);
	test_cert_free(&self->ccert);
	test_cert_free(&self->other);
}

TEST_F_TIMEOUT(deleg, handshake, 240)
{
	int *dfd = variant->server ? &self->srv : &self->cli;
	int *pfd = variant->server ? &self->cli : &self->srv;
	const struct test_cert *peer = variant->server ? &self->ccert :
							 &self->scert;
	struct dtls_hs_info di, pi;
	char msg[160] = "";

	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), self->srv, 0, msg, sizeof(msg)));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), self->cli, 0, msg, sizeof(msg)));

	if (variant->answer == CLOSE) {
		uint64_t ino = variant->server ? self->sino : self->cino;

		/* Closed while it waits: nothing to answer any more. */
		ASSERT_EQ(0, answer_wait(&self->ans, WAIT_MS));
		close(*dfd);
		*dfd = -1;
		EXPECT_NE(0, dtls_peer_verdict(dtls_test_nl(), -1, ino,
					       self->ans.id, true, msg,
					       sizeof(msg)));
		/* The peer is left alone; abort it rather than wait. */
		dtls_hs_abort(dtls_test_nl(), *pfd, 0, NULL, 0);
		dtls_test_hs_settle(*pfd, 2 * WAIT_MS, &pi);
		EXPECT_EQ(DTLS_HS_STATE_FAILED, pi.state);
		answer_stop(&self->ans);
		EXPECT_EQ(1, self->ans.events);
		return;
	}

	dtls_test_hs_settle(*dfd, 2 * WAIT_MS, &di);
	dtls_test_hs_settle(*pfd, 2 * WAIT_MS, &pi);
	/* Peer retransmissions asked nothing again. */
	usleep(300000);
	answer_stop(&self->ans);

	if (variant->pin_wrong) {
		/* The kernel's pin check first: user space is not asked. */
		EXPECT_EQ(0, self->ans.events);
		ASSERT_EQ(DTLS_HS_STATE_FAILED, di.state);
		EXPECT_EQ(EKEYREJECTED, di.error);
		EXPECT_EQ(42, di.alert);
		EXPECT_FALSE(di.alert_remote);
		ASSERT_EQ(DTLS_HS_STATE_FAILED, pi.state);
		EXPECT_EQ(42, pi.alert);
		EXPECT_TRUE(pi.alert_remote);
		return;
	}

	/* One event, with what the peer presented. */
	ASSERT_EQ(1, self->ans.events);
	EXPECT_NE(0, self->ans.id);
	EXPECT_EQ(variant->server ? DTLS_HS_ROLE_SERVER : DTLS_HS_ROLE_CLIENT,
		  self->ans.role);
	EXPECT_EQ(0xc02b, self->ans.suite);
	EXPECT_EQ(0, memcmp(self->ans.sha256, peer->sha256, 32));
	EXPECT_EQ(1, self->ans.chain_n);
	EXPECT_EQ(peer->len, self->ans.chain_len0);

	switch (variant->answer) {
	case STALE:
		EXPECT_EQ(-ENOENT, self->ans.stale_err);
		/* fall through */
	case ACCEPT:
		EXPECT_EQ(0, self->ans.err);
		ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED, di.state) {
			dtls_test_hs_show("delegating", *dfd);
			dtls_test_hs_show("peer", *pfd);
		}
		ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED, pi.state);
		EXPECT_TRUE(di.has_peer_cert);
		EXPECT_EQ(0, memcmp(di.peer_cert_sha256, peer->sha256, 32));
		EXPECT_EQ(0, dtls_test_hs_check(self->cli, self->srv, 0xc02b, 0));
		/* Answered: a second answer finds nothing pending. */
		EXPECT_EQ(-ENOENT, dtls_peer_verdict(dtls_test_nl(), *dfd, 0,
						     self->ans.id, true, msg,
						     sizeof(msg)));
		break;
	case REJECT:
		EXPECT_EQ(0, self->ans.err);
		ASSERT_EQ(DTLS_HS_STATE_FAILED, di.state);
		EXPECT_EQ(EKEYREJECTED, di.error);
		EXPECT_EQ(42, di.alert);	/* bad_certificate */
		EXPECT_FALSE(di.alert_remote);
		ASSERT_EQ(DTLS_HS_STATE_FAILED, pi.state);
		EXPECT_EQ(42, pi.alert);
		EXPECT_TRUE(pi.alert_remote);
		no_keys(_metadata, *dfd);
		no_keys(_metadata, *pfd);
		break;
	case NONE:
		ASSERT_EQ(DTLS_HS_STATE_FAILED, di.state);
		EXPECT_EQ(ETIMEDOUT, di.error);
		EXPECT_EQ(46, di.alert);	/* certificate_unknown */
		EXPECT_FALSE(di.alert_remote);
		ASSERT_EQ(DTLS_HS_STATE_FAILED, pi.state);
		EXPECT_EQ(46, pi.alert);
		EXPECT_TRUE(pi.alert_remote);
		no_keys(_metadata, *dfd);
		no_keys(_metadata, *pfd);
		/* Too late now. */
		EXPECT_EQ(-ENOENT, dtls_peer_verdict(dtls_test_nl(), *dfd, 0,
						     self->ans.id, true, msg,
						     sizeof(msg)));
		break;
	case CLOSE:
		break;
	}
}

/* ------------------------------------------------------------ refusals */

TEST(verdict_nothing_pending)
{
	union dtls_test_addr a;
	int fd = dtls_test_udp_bound(AF_INET, &a);
	char msg[160] = "";

	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), fd, NULL, NULL, 0));
	/* No handshake at all. */
	EXPECT_EQ(-ENOENT, dtls_peer_verdict(dtls_test_nl(), fd, 0, 1, true,
					     msg, sizeof(msg)));
	EXPECT_NE(0, msg[0]);
	/* Configured, not started. */
	ASSERT_EQ(0, dtls_peer_auth_delegate(dtls_test_nl(), fd, 0, NULL, 0,
					     false, 0, msg, sizeof(msg)));
	EXPECT_EQ(-ENOENT, dtls_peer_verdict(dtls_test_nl(), fd, 0, 1, false,
					     msg, sizeof(msg)));
	close(fd);
}

TEST(timeout_range)
{
	static const uint32_t bad[] = { 1, 99, 60001, 0xffffffff };
	union dtls_test_addr a;
	int fd = dtls_test_udp_bound(AF_INET, &a);
	char msg[160] = "";
	size_t i;

	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), fd, NULL, NULL, 0));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		msg[0] = '\0';
		EXPECT_EQ(-EINVAL,
			  dtls_peer_auth_delegate(dtls_test_nl(), fd, 0, NULL,
						  0, false, bad[i], msg,
						  sizeof(msg)));
		EXPECT_NE(NULL, strstr(msg, "peer-delegate-timeout-ms"));
	}
	EXPECT_EQ(0, dtls_peer_auth_delegate(dtls_test_nl(), fd, 0, NULL, 0,
					     true, 100, msg, sizeof(msg)));
	EXPECT_EQ(0, dtls_peer_auth_delegate(dtls_test_nl(), fd, 0, NULL, 0,
					     false, 60000, msg, sizeof(msg)));
	close(fd);
}

TEST_HARNESS_MAIN
