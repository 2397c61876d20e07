// SPDX-License-Identifier: GPL-2.0
/*
 * Interoperability with OpenSSL: this process does a DTLS 1.2 handshake
 * with libssl against an `openssl s_server` or `openssl s_client`
 * subprocess on loopback, hands the session to the kernel with
 * dtls_openssl_offload(), and from then on only uses send()/recv() on the
 * UDP socket.  OpenSSL on the other side must print exactly the records
 * the kernel sealed, and the kernel must deliver exactly the lines the
 * subprocess was fed; both sides then exchange close_notify alerts as
 * records of type 21.  All five ciphers, the kernel as client and as
 * server.  A tshark capture checks the wire format of the kernel's
 * records, and a proxy that drops the peer's final flight checks that
 * the offload continues from the sequence numbers OpenSSL really used.
 *
 * Tests SKIP if openssl (or tshark) is not installed.
 */
#include <fcntl.h>
#include <linux/udp.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "dtls_test.h"
#include "dtls_openssl.h"
#include "peer.h"
#include "kselftest_harness.h"

#define PSK_HEX		"a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"
#define PSK_ID		"kdtls-selftest"

#ifndef SOL_UDP
#define SOL_UDP		IPPROTO_UDP
#endif
#define N_TX		50	/* records the kernel sends */
#define N_RX		20	/* lines the peer sends */
#define WAIT_MS		60000	/* any single wait; TCG guests are slow */

static unsigned char psk[32];

static void parse_psk(void)
{
	for (size_t i = 0; i < sizeof(psk); i++) {
		unsigned int b;

		sscanf(PSK_HEX + 2 * i, "%2x", &b);
		psk[i] = (unsigned char)b;
	}
}

static unsigned int psk_client_cb(SSL *ssl, const char *hint, char *id,
				  unsigned int max_id, unsigned char *key,
				  unsigned int max_key)
{
	(void)ssl;
	(void)hint;
	if (max_id < sizeof(PSK_ID) || max_key < sizeof(psk))
		return 0;
	memcpy(id, PSK_ID, sizeof(PSK_ID));
	memcpy(key, psk, sizeof(psk));
	return sizeof(psk);
}

static unsigned int psk_server_cb(SSL *ssl, const char *id,
				  unsigned char *key, unsigned int max_key)
{
	(void)ssl;
	if (!id || strcmp(id, PSK_ID) || max_key < sizeof(psk))
		return 0;
	memcpy(key, psk, sizeof(psk));
	return sizeof(psk);
}

static bool wait_readable(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, ms) == 1;
}

/* recvmsg() with the record type: length, or -errno. */
static ssize_t recv_record(int fd, void *buf, size_t len, int *type)
{
	char cbuf[CMSG_SPACE(sizeof(uint8_t))];
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	ssize_t n;

	*type = -1;
	if (!wait_readable(fd, WAIT_MS))
		return -ETIMEDOUT;
	n = recvmsg(fd, &mh, MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_DTLS &&
		    cm->cmsg_type == DTLS_GET_RECORD_TYPE &&
		    cm->cmsg_len == CMSG_LEN(sizeof(uint8_t)))
			*type = *CMSG_DATA(cm);
	return n;
}

/* send() of one record of content type @type. */
static ssize_t send_typed(int fd, const void *buf, size_t len, uint8_t type)
{
	char cbuf[CMSG_SPACE(sizeof(uint8_t))] = { 0 };
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cm->cmsg_level = SOL_DTLS;
	cm->cmsg_type = DTLS_SET_RECORD_TYPE;
	cm->cmsg_len = CMSG_LEN(sizeof(uint8_t));
	*CMSG_DATA(cm) = type;
	return sendmsg(fd, &mh, 0);
}

/* Record @i the kernel sends: printable, ends in '\n', sizes 2..16384. */
static size_t tx_size(int i)
{
	static const size_t big[] = { 16384, 1, 1200, 8000, 2 };

	if (i < 5)
		return big[i] < 2 ? 2 : big[i];
	return 2 + ((size_t)i * 977) % 3000;
}

static size_t make_line(char *buf, int i, size_t n, char tag)
{
	int h = snprintf(buf, n + 1, "%c%d ", tag, i);

	for (size_t j = (size_t)h; j < n; j++)
		buf[j] = (char)('A' + (j * 7 + (size_t)i) % 58);
	for (size_t j = 0; j < n; j++)	/* keep it printable text */
		if (buf[j] > 'Z' && buf[j] < 'a')
			buf[j] = '-';
	buf[n - 1] = '\n';
	return n;
}

/* Peer's lines: 2..3000 bytes, one record each (a pipe write <= 4096). */
static size_t rx_size(int i)
{
	return 2 + ((size_t)i * 1499 + 40) % 2999;
}

struct session {
	struct peer	peer;
	int		fd;
	SSL_CTX		*ctx;
	SSL		*ssl;
	uint16_t	port;
	char		err[256];
};

static void session_init(struct session *s)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	peer_init(&s->peer);
}

static void session_cleanup(struct session *s)
{
	peer_cleanup(&s->peer);
	if (s->ssl)
		SSL_free(s->ssl);
	if (s->ctx)
		SSL_CTX_free(s->ctx);
	if (s->fd >= 0)
		close(s->fd);
	session_init(s);
}

/* The subprocess's stderr, for the log of a failed test. */
static const char *peer_stderr(struct session *s)
{
	static char buf[2048];
	char *all = slurp(s->peer.err, NULL);

	snprintf(buf, sizeof(buf), "%s", all ? all : "(none)");
	free(all);
	return buf;
}

/*
 * Start the openssl peer, connect our socket, run the handshake in this
 * process.  @via_port: connect to this port instead of the peer's (a
 * proxy in between).  0 or -1 with s->err set.
 */
static int session_handshake(struct session *s, const char *cipher,
			     bool kernel_server, uint16_t via_port)
{
	char portarg[32], target[64];
	union dtls_test_addr a, peer;
	socklen_t plen = sizeof(peer);
	BIO *bio;
	char c;

	parse_psk();
	if (!kernel_server) {
		char *argv[] = {
			"openssl", "s_server", "-dtls1_2", "-accept", portarg,
			"-nocert", "-psk", PSK_HEX, "-psk_identity", PSK_ID,
			"-cipher", (char *)cipher, "-quiet", "-naccept", "1",
			NULL
		};

		if (!s->port)	/* else picked by the caller */
			s->port = free_port();
		snprintf(portarg, sizeof(portarg), "%u", s->port);
		if (!s->port || peer_start(&s->peer, argv)) {
			snprintf(s->err, sizeof(s->err), "start s_server");
			return -1;
		}
		if (!wait_port(s->port, WAIT_MS)) {
			snprintf(s->err, sizeof(s->err), "s_server not up");
			return -1;
		}
		s->fd = socket(AF_INET, SOCK_DGRAM, 0);
		dtls_test_loopback(AF_INET, &a);
		a.in4.sin_port = htons(via_port ? via_port : s->port);
		if (s->fd < 0 || connect(s->fd, &a.sa, sizeof(a.in4))) {
			snprintf(s->err, sizeof(s->err), "connect: %s",
				 strerror(errno));
			return -1;
		}
	} else {
		char *argv[] = {
			"openssl", "s_client", "-dtls1_2", "-connect", target,
			"-psk", PSK_HEX, "-psk_identity", PSK_ID,
			"-cipher", (char *)cipher, "-quiet", NULL
		};

		s->fd = dtls_test_udp_bound(AF_INET, &a);
		if (s->fd < 0) {
			snprintf(s->err, sizeof(s->err), "bind: %s",
				 strerror(errno));
			return -1;
		}
		s->port = ntohs(a.in4.sin_port);
		snprintf(target, sizeof(target), "127.0.0.1:%u",
			 via_port ? via_port : s->port);
		if (peer_start(&s->peer, argv)) {
			snprintf(s->err, sizeof(s->err), "start s_client");
			return -1;
		}
		/* The ClientHello's sender is the peer: connect to it. */
		if (!wait_readable(s->fd, WAIT_MS) ||
		    recvfrom(s->fd, &c, 1, MSG_PEEK, &peer.sa, &plen) < 0 ||
		    connect(s->fd, &peer.sa, plen)) {
			snprintf(s->err, sizeof(s->err), "no ClientHello");
			return -1;
		}
	}

	s->ctx = SSL_CTX_new(kernel_server ? DTLS_server_method() :
					     DTLS_client_method());
	if (!s->ctx || !SSL_CTX_set_min_proto_version(s->ctx, DTLS1_2_VERSION) ||
	    !SSL_CTX_set_max_proto_version(s->ctx, DTLS1_2_VERSION) ||
	    !SSL_CTX_set_cipher_list(s->ctx, cipher)) {
		snprintf(s->err, sizeof(s->err), "SSL_CTX for %s", cipher);
		return -1;
	}
	if (kernel_server)
		SSL_CTX_set_psk_server_callback(s->ctx, psk_server_cb);
	else
		SSL_CTX_set_psk_client_callback(s->ctx, psk_client_cb);
	s->ssl = SSL_new(s->ctx);
	bio = BIO_new_dgram(s->fd, BIO_NOCLOSE);
	if (!s->ssl || !bio || dtls_openssl_prepare(s->ssl)) {
		BIO_free(bio);
		snprintf(s->err, sizeof(s->err), "SSL_new");
		return -1;
	}
	plen = sizeof(peer);
	getpeername(s->fd, &peer.sa, &plen);
	BIO_ctrl(bio, BIO_CTRL_DGRAM_SET_CONNECTED, 0, &peer.ss);
	SSL_set_bio(s->ssl, bio, bio);
	if (kernel_server)
		SSL_set_accept_state(s->ssl);
	else
		SSL_set_connect_state(s->ssl);
	return dtls_openssl_handshake(s->ssl, s->fd, WAIT_MS, s->err,
				      sizeof(s->err)) ? -1 : 0;
}

/* getsockopt(DTLS_TX or DTLS_RX): the installed info, key zeroed. */
static int get_keys(int fd, int opt, union dtls_openssl_crypto_info *ci)
{
	socklen_t len = sizeof(*ci);

	memset(ci, 0xaa, sizeof(*ci));
	return getsockopt(fd, SOL_DTLS, opt, ci, &len) ? -errno : (int)len;
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

FIXTURE(ossl)
{
	struct session s;
};

FIXTURE_VARIANT(ossl)
{
	const char	*cipher;	/* OpenSSL name */
	uint16_t	dtls_cipher;
	bool		kernel_server;
};

#define OSSL_VARIANTS(name, ossl_name, dc)				\
	FIXTURE_VARIANT_ADD(ossl, name##_client) {			\
		.cipher = ossl_name, .dtls_cipher = dc,			\
		.kernel_server = false,					\
	};								\
	FIXTURE_VARIANT_ADD(ossl, name##_server) {			\
		.cipher = ossl_name, .dtls_cipher = dc,			\
		.kernel_server = true,					\
	}

OSSL_VARIANTS(aes_gcm_128, "PSK-AES128-GCM-SHA256", DTLS_CIPHER_AES_GCM_128);
OSSL_VARIANTS(aes_gcm_256, "PSK-AES256-GCM-SHA384", DTLS_CIPHER_AES_GCM_256);
OSSL_VARIANTS(chacha20_poly1305, "PSK-CHACHA20-POLY1305",
	      DTLS_CIPHER_CHACHA20_POLY1305);
OSSL_VARIANTS(aes_ccm_128, "PSK-AES128-CCM", DTLS_CIPHER_AES_CCM_128);
OSSL_VARIANTS(aes_ccm_8, "PSK-AES128-CCM8", DTLS_CIPHER_AES_CCM_8_128);

FIXTURE_SETUP(ossl)
{
	session_init(&self->s);
	if (!have_prog("openssl"))
		SKIP(return, "openssl not installed");
}

FIXTURE_TEARDOWN(ossl)
{
	session_cleanup(&self->s);
}

/*
 * Handshake, offload, N_TX records kernel -> OpenSSL, N_RX lines OpenSSL
 * -> kernel, counters, close_notify both ways.
 */
TEST_F_TIMEOUT(ossl, exchange, 240)
{
	union dtls_openssl_crypto_info ci;
	struct session *s = &self->s;
	struct dtls_sock_info info;
	static char buf[16384 + 64], want_tx[N_TX * 16400];
	uint64_t tx_bytes = 0, rx_bytes = 0;
	size_t want_len = 0, got_len;
	struct dtls_info di;
	socklen_t dilen = sizeof(di);
	char *got, emsg[256] = "";
	int type, st;
	ssize_t n;

	ASSERT_EQ(0, session_handshake(s, variant->cipher,
				       variant->kernel_server, 0))
		TH_LOG("%s; peer: %s", s->err, peer_stderr(s));
	ASSERT_STREQ(variant->cipher,
		     SSL_CIPHER_get_name(SSL_get_current_cipher(s->ssl)));
	ASSERT_EQ(0, dtls_openssl_offload(s->ssl, s->fd, s->err,
					  sizeof(s->err)))
		TH_LOG("offload: %s", s->err);

	/* What was installed: epoch 1, after the Finished (seq 0). */
	ASSERT_LT(0, get_keys(s->fd, DTLS_TX, &ci));
	EXPECT_EQ(DTLS_1_2_VERSION, ci.info.version);
	EXPECT_EQ(variant->dtls_cipher, ci.info.cipher_type);
	EXPECT_EQ(1, ci.info.epoch);
	EXPECT_EQ(1, ci.info.seq);
	EXPECT_TRUE(all_zero(&ci.aes_gcm_128.key, sizeof(ci.aes_gcm_128.key)));
	ASSERT_LT(0, get_keys(s->fd, DTLS_RX, &ci));
	EXPECT_EQ(variant->dtls_cipher, ci.info.cipher_type);
	EXPECT_EQ(1, ci.info.epoch);
	EXPECT_EQ(1, ci.info.seq);
	ASSERT_EQ(0, getsockopt(s->fd, SOL_DTLS, DTLS_INFO, &di, &dilen));
	EXPECT_EQ(variant->dtls_cipher, di.tx_cipher);
	EXPECT_EQ(variant->dtls_cipher, di.rx_cipher);
	EXPECT_EQ(1, di.tx_epoch);
	EXPECT_EQ(1, di.rx_epoch);

	/* Kernel -> OpenSSL: it prints every record, in order. */
	for (int i = 0; i < N_TX; i++) {
		size_t len = make_line(buf, i, tx_size(i), 'k');

		ASSERT_EQ((ssize_t)len, send(s->fd, buf, len, 0))
			TH_LOG("send %d (%zu bytes): %s", i, len,
			       strerror(errno));
		memcpy(want_tx + want_len, buf, len);
		want_len += len;
		tx_bytes += len;
		/* Pace: a slow peer must not overflow its receive buffer. */
		if (i % 5 == 4)
			ASSERT_TRUE(wait_size(s->peer.out, (long)want_len,
					      WAIT_MS))
				TH_LOG("peer printed %ld of %zu bytes; %s",
				       file_size(s->peer.out), want_len,
				       peer_stderr(s));
	}
	got = slurp(s->peer.out, &got_len);
	ASSERT_TRUE(got != NULL);
	EXPECT_EQ(want_len, got_len);
	EXPECT_EQ(0, memcmp(want_tx, got, want_len < got_len ? want_len :
							       got_len))
		TH_LOG("peer printed different bytes");
	free(got);

	/* OpenSSL -> kernel: each line of its stdin is one record. */
	for (int i = 0; i < N_RX; i++) {
		size_t len = make_line(buf, i, rx_size(i), 'o'), have = 0;
		static char rbuf[16384 + 64];

		ASSERT_EQ((ssize_t)len, write(s->peer.in, buf, len));
		while (have < len) {
			n = recv_record(s->fd, rbuf + have,
					sizeof(rbuf) - have, &type);
			ASSERT_LT(0, n) TH_LOG("line %d: %s; peer: %s", i,
					       strerror((int)-n),
					       peer_stderr(s));
			EXPECT_EQ(DTLS_RECORD_TYPE_DATA, type);
			have += (size_t)n;
		}
		ASSERT_EQ(len, have);
		ASSERT_EQ(0, memcmp(buf, rbuf, len)) TH_LOG("line %d", i);
		rx_bytes += len;
	}

	/* The counters of this socket. */
	ASSERT_EQ(0, dtls_sock_get(dtls_test_nl(), dtls_test_ino(s->fd), &info, emsg,
				   sizeof(emsg)))
		TH_LOG("%s", emsg);
	EXPECT_EQ(variant->dtls_cipher, info.tx_cipher);
	EXPECT_EQ(variant->dtls_cipher, info.rx_cipher);
	EXPECT_EQ(1, info.tx_epoch);
	EXPECT_EQ(1, info.rx_epoch);
	ASSERT_TRUE(info.has_stats);
	EXPECT_EQ(N_TX, info.stats.tx_records);
	EXPECT_EQ(tx_bytes, info.stats.tx_bytes);
	EXPECT_LE(N_RX, info.stats.rx_records);
	EXPECT_EQ(rx_bytes, info.stats.rx_bytes);
	EXPECT_EQ(0, info.stats.rx_auth_fail);
	EXPECT_EQ(0, info.stats.rx_replay);
	EXPECT_EQ(0, info.stats.rx_bad_epoch);
	EXPECT_EQ(0, info.stats.rx_malformed);
	EXPECT_EQ(0, info.stats.rx_dropped);

	/*
	 * close_notify (alert level 1, description 0) as a record of type
	 * 21: OpenSSL answers with its own and exits.
	 */
	ASSERT_EQ(2, send_typed(s->fd, "\x01\x00", 2,
				DTLS_RECORD_TYPE_ALERT));
	n = recv_record(s->fd, buf, sizeof(buf), &type);
	ASSERT_EQ(2, n) TH_LOG("%s; peer: %s", strerror((int)-n),
			       peer_stderr(s));
	EXPECT_EQ(DTLS_RECORD_TYPE_ALERT, type);
	EXPECT_EQ(1, buf[0]);
	EXPECT_EQ(0, buf[1]);
	st = peer_wait(&s->peer, WAIT_MS);
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
		TH_LOG("peer status %#x: %s", st, peer_stderr(s));
}

/*
 * A UDP proxy between us and the peer that drops the peer's first
 * datagram with an epoch-1 record (its Finished).  We retransmit our final
 * flight, the peer retransmits its own, so each side's Finished went out
 * twice: epoch 1 seq 0 and seq 1.  The offload must start at seq 2 both
 * ways; starting at 1 would make OpenSSL drop our first record as a
 * replay.
 */
struct proxy {
	int		front, back;	/* front: ours; back: the peer's */
	volatile bool	stop;
	bool		dropped;
	pthread_t	thread;
};

static bool has_epoch1(const uint8_t *d, ssize_t n)
{
	for (ssize_t i = 0; i + 13 <= n; i += 13 + (d[i + 11] << 8 | d[i + 12]))
		if ((d[i + 3] << 8 | d[i + 4]) == 1)
			return true;
	return false;
}

static void *proxy_run(void *arg)
{
	struct proxy *p = arg;
	union dtls_test_addr us;
	socklen_t ulen = 0;
	static uint8_t d[65536];

	while (!p->stop) {
		struct pollfd pfd[2] = {
			{ .fd = p->front, .events = POLLIN },
			{ .fd = p->back, .events = POLLIN },
		};
		ssize_t n;

		if (poll(pfd, 2, 50) <= 0)
			continue;
		if (pfd[0].revents & POLLIN) {
			ulen = sizeof(us);
			n = recvfrom(p->front, d, sizeof(d), 0, &us.sa, &ulen);
			if (n > 0)
				send(p->back, d, n, 0);
		}
		if (pfd[1].revents & POLLIN) {
			n = recv(p->back, d, sizeof(d), 0);
			if (n <= 0 || !ulen)
				continue;
			if (!p->dropped && has_epoch1(d, n)) {
				p->dropped = true;
				continue;
			}
			sendto(p->front, d, n, 0, &us.sa, ulen);
		}
	}
	return NULL;
}

FIXTURE(ossl_retx)
{
	struct session s;
	struct proxy px;
};

FIXTURE_SETUP(ossl_retx)
{
	session_init(&self->s);
	memset(&self->px, 0, sizeof(self->px));
	self->px.front = self->px.back = -1;
	if (!have_prog("openssl"))
		SKIP(return, "openssl not installed");
}

FIXTURE_TEARDOWN(ossl_retx)
{
	if (self->px.thread) {
		self->px.stop = true;
		pthread_join(self->px.thread, NULL);
	}
	if (self->px.front >= 0)
		close(self->px.front);
	if (self->px.back >= 0)
		close(self->px.back);
	session_cleanup(&self->s);
}

TEST_F_TIMEOUT(ossl_retx, finished_lost, 240)
{
	char portarg[32], buf[256], rbuf[256], *got;
	char *argv[] = {
		"openssl", "s_server", "-dtls1_2", "-accept", portarg,
		"-nocert", "-psk", PSK_HEX, "-psk_identity", PSK_ID,
		"-cipher", "PSK-AES128-GCM-SHA256", "-quiet", "-naccept", "1",
		NULL
	};
	union dtls_openssl_crypto_info ci;
	struct session *s = &self->s;
	struct proxy *px = &self->px;
	union dtls_test_addr fa, ba;
	size_t len;
	BIO *bio;
	int type;
	ssize_t n;

	parse_psk();
	s->port = free_port();
	snprintf(portarg, sizeof(portarg), "%u", s->port);
	ASSERT_EQ(0, peer_start(&s->peer, argv));
	ASSERT_TRUE(wait_port(s->port, WAIT_MS));

	px->front = dtls_test_udp_bound(AF_INET, &fa);
	px->back = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, px->front);
	ASSERT_LE(0, px->back);
	dtls_test_loopback(AF_INET, &ba);
	ba.in4.sin_port = htons(s->port);
	ASSERT_EQ(0, connect(px->back, &ba.sa, sizeof(ba.in4)));
	ASSERT_EQ(0, pthread_create(&px->thread, NULL, proxy_run, px));

	s->fd = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, s->fd);
	ASSERT_EQ(0, connect(s->fd, &fa.sa, sizeof(fa.in4)));
	s->ctx = SSL_CTX_new(DTLS_client_method());
	ASSERT_TRUE(s->ctx != NULL);
	SSL_CTX_set_min_proto_version(s->ctx, DTLS1_2_VERSION);
	SSL_CTX_set_max_proto_version(s->ctx, DTLS1_2_VERSION);
	ASSERT_EQ(1, SSL_CTX_set_cipher_list(s->ctx, "PSK-AES128-GCM-SHA256"));
	SSL_CTX_set_psk_client_callback(s->ctx, psk_client_cb);
	s->ssl = SSL_new(s->ctx);
	ASSERT_TRUE(s->ssl != NULL);
	ASSERT_EQ(0, dtls_openssl_prepare(s->ssl));
	bio = BIO_new_dgram(s->fd, BIO_NOCLOSE);
	ASSERT_TRUE(bio != NULL);
	BIO_ctrl(bio, BIO_CTRL_DGRAM_SET_CONNECTED, 0, &fa.ss);
	SSL_set_bio(s->ssl, bio, bio);
	SSL_set_connect_state(s->ssl);
	/* OpenSSL's first retransmission timer is 1 s. */
	ASSERT_EQ(0, dtls_openssl_handshake(s->ssl, s->fd, 60000, s->err,
					    sizeof(s->err)))
		TH_LOG("%s; peer: %s", s->err, peer_stderr(s));
	ASSERT_TRUE(px->dropped);

	ASSERT_EQ(0, dtls_openssl_offload(s->ssl, s->fd, s->err,
					  sizeof(s->err)))
		TH_LOG("offload: %s", s->err);
	ASSERT_LT(0, get_keys(s->fd, DTLS_TX, &ci));
	EXPECT_EQ(1, ci.info.epoch);
	EXPECT_EQ(2, ci.info.seq);
	ASSERT_LT(0, get_keys(s->fd, DTLS_RX, &ci));
	EXPECT_EQ(1, ci.info.epoch);
	EXPECT_EQ(2, ci.info.seq);

	/* The peer prints our first record: it was not taken as a replay. */
	len = make_line(buf, 0, 100, 'k');
	ASSERT_EQ((ssize_t)len, send(s->fd, buf, len, 0));
	EXPECT_TRUE(wait_size(s->peer.out, (long)len, WAIT_MS))
		TH_LOG("peer: %s", peer_stderr(s));
	got = slurp(s->peer.out, NULL);
	EXPECT_TRUE(got && !strncmp(got, buf, len));
	free(got);
	/* And we open its records (seq 2 and up). */
	len = make_line(buf, 1, 60, 'o');
	ASSERT_EQ((ssize_t)len, write(s->peer.in, buf, len));
	n = recv_record(s->fd, rbuf, sizeof(rbuf), &type);
	ASSERT_EQ((ssize_t)len, n) TH_LOG("%s", strerror((int)-n));
	EXPECT_EQ(DTLS_RECORD_TYPE_DATA, type);
	EXPECT_EQ(0, memcmp(buf, rbuf, len));
}

/*
 * The kernel's records on the wire, as tshark's DTLS dissector reads them:
 * application_data, DTLS 1.2, epoch 1, sequence numbers 1, 2, 3, ... right
 * after OpenSSL's Finished (epoch 1 seq 0), the length that the cipher's
 * overhead gives and, for GCM and CCM, epoch|seq as the explicit nonce
 * (never random, says the spec).  One capture and one dissection for all five
 * ciphers, each session on its own port: starting tshark costs a minute
 * in a TCG guest.  The capture runs dumpcap, what tshark itself runs to
 * capture, when it is there.
 */
static const struct wire_cipher {
	const char	*name;
	size_t		overhead;	/* explicit nonce + tag */
	size_t		tag;
} wire_ciphers[] = {
	{ "PSK-AES128-GCM-SHA256", 8 + 16, 16 },
	{ "PSK-AES256-GCM-SHA384", 8 + 16, 16 },
	{ "PSK-CHACHA20-POLY1305", 16, 16 },
	{ "PSK-AES128-CCM", 8 + 16, 16 },
	{ "PSK-AES128-CCM8", 8 + 8, 8 },
};

#define N_WIRE	5
#define WIRE_N	10

FIXTURE(ossl_wire)
{
	struct session s[N_WIRE];
	struct peer cap;
	char pcap[64];
};

FIXTURE_SETUP(ossl_wire)
{
	for (int i = 0; i < N_WIRE; i++)
		session_init(&self->s[i]);
	peer_init(&self->cap);
	self->pcap[0] = 0;
	if (!have_prog("openssl"))
		SKIP(return, "openssl not installed");
	if (!have_prog("tshark"))
		SKIP(return, "tshark not installed");
}

FIXTURE_TEARDOWN(ossl_wire)
{
	if (self->cap.pid > 0) {
		kill(self->cap.pid, SIGINT);
		peer_wait(&self->cap, 10000);
	}
	peer_cleanup(&self->cap);
	if (self->pcap[0])
		unlink(self->pcap);
	for (int i = 0; i < N_WIRE; i++)
		session_cleanup(&self->s[i]);
}

struct wire_seen {
	uint16_t	sport;		/* our port */
	size_t		sizes[WIRE_N];
	size_t		n;		/* records of ours after the Finished */
	uint64_t	next_seq;
};

/* One line of tshark -T fields: check the records of ours in it. */
static void wire_line(struct __test_metadata *_metadata, char *line,
		      struct wire_seen *w)
{
	char types[256], vers[256], epochs[256], seqs[256], lens[256];
	char *ts, *vs, *es, *ss, *ls, *s1, *s2, *s3, *s4, *s5;
	static char data[8192];
	unsigned int sport;
	int c = -1;

	data[0] = 0;
	if (sscanf(line, "%u %255s %255s %255s %255s %255s %8191s", &sport,
		   types, vers, epochs, seqs, lens, data) < 6)
		return;
	for (int i = 0; i < N_WIRE; i++)
		if (w[i].sport == sport)
			c = i;
	if (c < 0)
		return;		/* the peer's */
	/* A datagram of several records has comma-separated fields. */
	for (ts = strtok_r(types, ",", &s1), vs = strtok_r(vers, ",", &s2),
	     es = strtok_r(epochs, ",", &s3), ss = strtok_r(seqs, ",", &s4),
	     ls = strtok_r(lens, ",", &s5);
	     ts && vs && es && ss && ls;
	     ts = strtok_r(NULL, ",", &s1), vs = strtok_r(NULL, ",", &s2),
	     es = strtok_r(NULL, ",", &s3), ss = strtok_r(NULL, ",", &s4),
	     ls = strtok_r(NULL, ",", &s5)) {
		unsigned long type = strtoul(ts, NULL, 0);
		unsigned long epoch = strtoul(es, NULL, 0);
		unsigned long long seq = strtoull(ss, NULL, 0);
		unsigned long rlen = strtoul(ls, NULL, 0);

		if (epoch == 0)
			continue;	/* handshake in clear text */
		if (type == 22 && seq == 0)
			continue;	/* OpenSSL's Finished */
		EXPECT_EQ(23, type) TH_LOG("%s: %s", wire_ciphers[c].name, line);
		EXPECT_STREQ("0xfefd", vs);
		EXPECT_EQ(1, epoch);
		EXPECT_EQ(w[c].next_seq, seq)
			TH_LOG("%s: %s", wire_ciphers[c].name, line);
		if (w[c].n < WIRE_N)
			EXPECT_EQ(w[c].sizes[w[c].n] + wire_ciphers[c].overhead,
				  rlen)
				TH_LOG("%s record %zu: %s", wire_ciphers[c].name,
				       w[c].n, line);
		/*
		 * GCM and CCM: the explicit nonce, the first 8 bytes of the
		 * encrypted record, is epoch|seq (one record per datagram,
		 * so data is this record's).
		 */
		if (wire_ciphers[c].overhead - wire_ciphers[c].tag == 8 &&
		    type == 23) {
			char want[40];

			snprintf(want, sizeof(want), "%04lx%012llx",
				 epoch & 0xffff, seq & DTLS_SEQ_MAX);
			EXPECT_EQ(0, strncmp(data, want, 16))
				TH_LOG("%s: explicit nonce %.16s, want %s",
				       wire_ciphers[c].name, data, want);
		}
		w[c].next_seq = seq + 1;
		w[c].n++;
	}
}

TEST_F_TIMEOUT(ossl_wire, records, 600)
{
	char filter[256] = "", cmd[1024], line[1024], buf[4096];
	char *cap_argv[] = {
		have_prog("dumpcap") ? "dumpcap" : "tshark", "-q", "-i", "lo",
		"-f", filter, "-w", self->pcap, NULL
	};
	struct wire_seen w[N_WIRE] = { 0 };
	static char out[4096];
	union dtls_test_addr la;
	int holders[N_WIRE];
	size_t out_len = 0;
	int64_t end;
	FILE *p;
	int st, fd;

	/* The capture filter needs the ports first: pick distinct ones. */
	for (int i = 0; i < N_WIRE; i++) {
		holders[i] = dtls_test_udp_bound(AF_INET, &la);
		ASSERT_LE(0, holders[i]);
		self->s[i].port = ntohs(la.in4.sin_port);
		snprintf(filter + strlen(filter), sizeof(filter) - strlen(filter),
			 "%sudp port %u", i ? " or " : "", self->s[i].port);
	}
	for (int i = 0; i < N_WIRE; i++)
		close(holders[i]);

	snprintf(self->pcap, sizeof(self->pcap), "/tmp/kdtls-ossl.XXXXXX");
	fd = mkstemp(self->pcap);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, peer_start(&self->cap, cap_argv));
	/* It says so on stderr once the capture is open. */
	end = now_ms() + 120000;
	for (;;) {
		char *e = slurp(self->cap.err, NULL);
		bool up = e && strstr(e, "Capturing on");

		free(e);
		if (up)
			break;
		ASSERT_LT(now_ms(), end) TH_LOG("%s did not start", cap_argv[0]);
		ASSERT_EQ(0, waitpid(self->cap.pid, &st, WNOHANG))
			TH_LOG("%s exited", cap_argv[0]);
		usleep(20000);
	}

	for (int c = 0; c < N_WIRE; c++) {
		struct session *s = &self->s[c];
		socklen_t llen = sizeof(la);
		size_t total = 0;

		ASSERT_EQ(0, session_handshake(s, wire_ciphers[c].name, false, 0))
			TH_LOG("%s: %s; peer: %s", wire_ciphers[c].name, s->err,
			       peer_stderr(s));
		ASSERT_EQ(0, dtls_openssl_offload(s->ssl, s->fd, s->err,
						  sizeof(s->err)))
			TH_LOG("offload: %s", s->err);
		ASSERT_EQ(0, getsockname(s->fd, &la.sa, &llen));
		w[c].sport = ntohs(la.in4.sin_port);
		w[c].next_seq = 1;
		for (int i = 0; i < WIRE_N; i++) {
			size_t n = make_line(buf, i, 10 + (size_t)i * 97, 'w');

			w[c].sizes[i] = n;
			ASSERT_EQ((ssize_t)n, send(s->fd, buf, n, 0));
			total += n;
		}
		ASSERT_TRUE(wait_size(s->peer.out, (long)total, WAIT_MS))
			TH_LOG("peer: %s", peer_stderr(s));
		session_cleanup(s);
	}
	/* Let the capture see the last datagram, then stop it. */
	usleep(300000);
	kill(self->cap.pid, SIGINT);
	st = peer_wait(&self->cap, 30000);
	ASSERT_TRUE(WIFEXITED(st)) TH_LOG("capture status %#x", st);

	snprintf(cmd, sizeof(cmd), "tshark -n -r %s", self->pcap);
	for (int c = 0; c < N_WIRE; c++)
		snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd),
			 " -d udp.port==%u,dtls", self->s[c].port);
	snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd),
		 " -T fields -E separator=/s -e udp.srcport"
		 " -e dtls.record.content_type -e dtls.record.version"
		 " -e dtls.record.epoch -e dtls.record.sequence_number"
		 " -e dtls.record.length -e dtls.app_data 2>&1");
	p = popen(cmd, "r");
	ASSERT_TRUE(p != NULL);
	while (fgets(line, sizeof(line), p)) {
		/* Kept for the log if nothing of ours shows up. */
		if (out_len + strlen(line) < sizeof(out)) {
			strcpy(out + out_len, line);
			out_len += strlen(line);
		}
		wire_line(_metadata, line, w);
	}
	EXPECT_EQ(0, pclose(p));
	for (int c = 0; c < N_WIRE; c++) {
		EXPECT_EQ(WIRE_N, w[c].n)
			TH_LOG("%s: %zu records of ours after the Finished; "
			       "tshark printed:\n%s", wire_ciphers[c].name,
			       w[c].n, out);
	}
}

/*
 * dtls show prints the keys of each direction and, with -s, the counters:
 * text and JSON (parsed by python3) for a socket offloaded from OpenSSL.
 */
FIXTURE(ossl_cli)
{
	struct session s;
};

FIXTURE_SETUP(ossl_cli)
{
	session_init(&self->s);
	if (!have_prog("openssl"))
		SKIP(return, "openssl not installed");
}

FIXTURE_TEARDOWN(ossl_cli)
{
	session_cleanup(&self->s);
}

static const char show_json_check[] =
	"import json,sys\n"
	"ino = int(sys.argv[1])\n"
	"d = [s for s in json.load(sys.stdin) if s['ino'] == ino][0]\n"
	"st = d['stats']\n"
	"print(d['tx']['cipher'], d['tx']['cipher_type'], d['tx']['epoch'],\n"
	"      d['rx']['cipher'], d['rx']['epoch'], st['tx_records'],\n"
	"      st['tx_bytes'], st['rx_records'], st['rx_bytes'],\n"
	"      st['rx_auth_fail'], st['rx_not_dtls'], len(st))\n";

TEST_F_TIMEOUT(ossl_cli, show_keys_and_stats, 240)
{
	const char *bin = getenv("KDTLS_DTLS_BIN") ?: "tools/out/dtls";
	char cmd[4096], out[8192], want[512], line[64];
	struct session *s = &self->s;
	unsigned long long ino;
	int type;
	ssize_t n;

	ASSERT_EQ(0, session_handshake(s, "PSK-AES256-GCM-SHA384", false, 0))
		TH_LOG("%s; peer: %s", s->err, peer_stderr(s));
	ASSERT_EQ(0, dtls_openssl_offload(s->ssl, s->fd, s->err,
					  sizeof(s->err)))
		TH_LOG("offload: %s", s->err);
	ino = (unsigned long long)dtls_test_ino(s->fd);
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(10, send(s->fd, "012345678\n", 10, 0));
	ASSERT_TRUE(wait_size(s->peer.out, 30, WAIT_MS));
	ASSERT_EQ(7, write(s->peer.in, "hello\n\n", 7));
	n = recv_record(s->fd, line, sizeof(line), &type);
	ASSERT_EQ(7, n);

	snprintf(cmd, sizeof(cmd), "%s show", bin);
	ASSERT_EQ(0, dtls_test_capture(cmd, out, sizeof(out)));
	snprintf(want, sizeof(want), "ino %llu ", ino);
	ASSERT_TRUE(strstr(out, want) != NULL) TH_LOG("%s", out);
	EXPECT_TRUE(strstr(strstr(out, want),
			   " tx aes-gcm-256 epoch 1 rx aes-gcm-256 epoch 1\n") != NULL)
		TH_LOG("%s", out);
	EXPECT_TRUE(strstr(out, "tx-records") == NULL) TH_LOG("%s", out);

	snprintf(cmd, sizeof(cmd), "%s show -s", bin);
	ASSERT_EQ(0, dtls_test_capture(cmd, out, sizeof(out)));
	ASSERT_TRUE(strstr(out, want) != NULL) TH_LOG("%s", out);
	EXPECT_TRUE(strstr(strstr(out, want),
			   "epoch 1\n    tx-records 3 tx-bytes 30 rx-records 1 "
			   "rx-bytes 7 rx-auth-fail 0 rx-replay 0 "
			   "rx-bad-epoch 0 rx-malformed 0 rx-not-dtls 0 "
			   "rx-dropped 0 final-resent 0 final-drop-data 0 "
			   "final-drop-user 0 final-drop-timer 0 "
			   "final-late 0\n") != NULL)
		TH_LOG("%s", out);

	snprintf(cmd, sizeof(cmd), "%s show -j -s | python3 -c \"%s\" %llu",
		 bin, show_json_check, ino);
	ASSERT_EQ(0, dtls_test_capture(cmd, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_STREQ("aes-gcm-256 52 1 aes-gcm-256 1 3 30 1 7 0 0 15\n", out);
}

/*
 * A record the peer sends between the end of the handshake and the RX
 * install is queued by UDP before the kernel has keys.  The contract that
 * dtls_openssl users rely on to notice it: it is delivered first,
 * unchanged (the raw record), and without a DTLS_GET_RECORD_TYPE control
 * message; what follows is opened.
 */
FIXTURE(ossl_early)
{
	struct session s;
};

FIXTURE_SETUP(ossl_early)
{
	session_init(&self->s);
	if (!have_prog("openssl"))
		SKIP(return, "openssl not installed");
}

FIXTURE_TEARDOWN(ossl_early)
{
	session_cleanup(&self->s);
}

TEST_F_TIMEOUT(ossl_early, record_before_rx_keys, 240)
{
	struct session *s = &self->s;
	char buf[256];
	int type;
	ssize_t n;

	ASSERT_EQ(0, session_handshake(s, "PSK-AES128-GCM-SHA256", false, 0))
		TH_LOG("%s; peer: %s", s->err, peer_stderr(s));
	ASSERT_EQ(6, write(s->peer.in, "early\n", 6));
	ASSERT_TRUE(wait_readable(s->fd, WAIT_MS));
	ASSERT_EQ(0, dtls_openssl_offload(s->ssl, s->fd, s->err,
					  sizeof(s->err)))
		TH_LOG("offload: %s", s->err);

	/*
	 * The peer's record reached the socket before the RX keys: the
	 * kernel opens it when the keys go in, and it comes first.
	 */
	n = recv_record(s->fd, buf, sizeof(buf), &type);
	ASSERT_EQ(6, n);
	EXPECT_EQ(DTLS_RECORD_TYPE_DATA, type);
	EXPECT_EQ(0, memcmp(buf, "early\n", 6));

	ASSERT_EQ(5, write(s->peer.in, "late\n", 5));
	n = recv_record(s->fd, buf, sizeof(buf), &type);
	ASSERT_EQ(5, n);
	EXPECT_EQ(DTLS_RECORD_TYPE_DATA, type);
	EXPECT_EQ(0, memcmp(buf, "late\n", 5));
}

/*
 * OpenSSL reads a GSO send: one sendmsg() with UDP_SEGMENT, 16 records of
 * 1200 bytes and a shorter one, a datagram each on the wire; s_server
 * prints their plaintext, in order.  Then the socket option, 64 records.
 */
FIXTURE(ossl_gso)
{
	struct session s;
};

FIXTURE_SETUP(ossl_gso)
{
	session_init(&self->s);
	if (!have_prog("openssl"))
		SKIP(return, "openssl not installed");
}

FIXTURE_TEARDOWN(ossl_gso)
{
	session_cleanup(&self->s);
}

TEST_F_TIMEOUT(ossl_gso, segments, 240)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(uint16_t))];
	} c = {};
	static char want[16 * 1200 + 500 + 64 * 900];
	struct session *s = &self->s;
	struct iovec iov = { want, 16 * 1200 + 500 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = c.b, .msg_controllen = sizeof(c.b) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	size_t len = 0, got_len;
	int seg = 900;
	char *got;

	ASSERT_EQ(0, session_handshake(s, "PSK-AES128-GCM-SHA256", false, 0))
		TH_LOG("%s; peer: %s", s->err, peer_stderr(s));
	ASSERT_EQ(0, dtls_openssl_offload(s->ssl, s->fd, s->err,
					  sizeof(s->err)))
		TH_LOG("offload: %s", s->err);
	for (int i = 0; len < sizeof(want); i++)
		len += make_line(want + len, i, sizeof(want) - len < 100 ?
				 sizeof(want) - len : 100, 'g');

	cm->cmsg_level = SOL_UDP;
	cm->cmsg_type = UDP_SEGMENT;
	cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
	*(uint16_t *)CMSG_DATA(cm) = 1200;
	ASSERT_EQ((ssize_t)iov.iov_len, sendmsg(s->fd, &mh, 0))
		TH_LOG("%s", strerror(errno));
	ASSERT_TRUE(wait_size(s->peer.out, (long)iov.iov_len, WAIT_MS))
		TH_LOG("peer printed %ld of %zu bytes; %s",
		       file_size(s->peer.out), iov.iov_len, peer_stderr(s));

	ASSERT_EQ(0, setsockopt(s->fd, SOL_UDP, UDP_SEGMENT, &seg,
				sizeof(seg)));
	ASSERT_EQ(64 * 900, send(s->fd, want + iov.iov_len, 64 * 900, 0))
		TH_LOG("%s", strerror(errno));
	ASSERT_TRUE(wait_size(s->peer.out, (long)sizeof(want), WAIT_MS))
		TH_LOG("peer printed %ld of %zu bytes; %s",
		       file_size(s->peer.out), sizeof(want), peer_stderr(s));
	got = slurp(s->peer.out, &got_len);
	ASSERT_TRUE(got != NULL);
	EXPECT_EQ(sizeof(want), got_len);
	EXPECT_EQ(0, memcmp(want, got, got_len < sizeof(want) ? got_len :
							   sizeof(want)))
		TH_LOG("peer printed different bytes");
	free(got);
}

TEST_HARNESS_MAIN
