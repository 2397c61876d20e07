// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel handshake with certificates (ECDHE-ECDSA), both roles:
 *  - kernel with kernel: every ECDHE-ECDSA suite, server-only and mutual
 *    authentication by pinned SHA-256 digests, IPv4 and IPv6, x25519 and
 *    P-256, at a 256-byte MTU (the certificate flights are cut into
 *    fragments; a relay checks every datagram's size).  Each side's
 *    installed keys and record counters are checked (dtls_test_hs_check),
 *    and hs-get gives the other's certificate digest, subject and chain;
 *  - with unmodified OpenSSL (s_server -listen, s_client), which verifies
 *    the kernel's certificate and, mutually, presents its own; OpenSSL
 *    with an RSA certificate (rsa_pkcs1_sha256), which the kernel
 *    verifies: ECDHE-RSA suites to an OpenSSL server, an RSA client
 *    certificate to a kernel server; OpenSSL taking and making SHA-384
 *    signatures only (-sigalgs, -client_sigalgs), both roles;
 *  - a pin that does not match fails the handshake with bad_certificate;
 *  - trust anchors in a kernel keyring (peer-trust-keyring, peer-name):
 *    chains root -> (intermediate ->) end-entity, made here and added to
 *    a new keyring with add_key(2); good chains (RSA or P-256 root, with
 *    the root sent or not, the intermediate as the anchor, mutual, DNS,
 *    wildcard and IP names, IPv6), and bad ones, each failing with its
 *    alert (unknown_ca, certificate_expired, bad_certificate) and no keys
 *    installed; OpenSSL s_server sending leaf and intermediate;
 *  - with GnuTLS (gnutls-serv, gnutls-cli), both roles, mutual or not.
 * Certificates are made at run time (test_cert.h).
 *
 * The OpenSSL tests SKIP if openssl is not installed.
 */
#include <sys/syscall.h>
#include <sys/time.h>
#include <linux/keyctl.h>

#include "dtls_test.h"
#include "peer.h"
#include "test_cert.h"
#include "kselftest_harness.h"

#define WAIT_MS	60000

static void cert_timeo(int fd, int secs)
{
	struct timeval tv = { .tv_sec = secs };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/*
 * Attach @fd, configure @role with @suite (0: the defaults), @own as our
 * certificate (NULL: none), @pin as the peer's (NULL: none).
 */
static int cert_prepare(int fd, uint32_t role, uint16_t suite, uint16_t group,
			uint32_t mtu, const struct test_cert *own,
			const struct test_cert *pin, bool required)
{
	struct dtls_hs_config cfg = {
		.role = role,
		.suites = &suite,
		.n_suites = suite ? 1 : 0,
		.groups = &group,
		.n_groups = group ? 1 : 0,
		.mtu = mtu,
		.rto_initial_ms = 500,
		.timeout_ms = 2 * WAIT_MS,
		.cookies = -1,
	};
	char msg[160] = "";
	int err;

	cert_timeo(fd, WAIT_MS / 1000);
	err = dtls_sock_attach(dtls_test_nl(), fd, NULL, NULL, 0);
	if (!err)
		err = dtls_hs_config(dtls_test_nl(), fd, 0, &cfg, msg,
				     sizeof(msg));
	if (!err && own) {
		const uint8_t *der = own->der;
		size_t len = own->len;

		err = dtls_cert_set(dtls_test_nl(), fd, 0, &der, &len, 1,
				    own->priv, 0, msg, sizeof(msg));
	}
	if (!err && pin) {
		const uint8_t (*pins)[32] = &pin->sha256;

		err = dtls_peer_auth(dtls_test_nl(), fd, 0, pins, 1, required,
				     msg, sizeof(msg));
	}
	if (err)
		fprintf(stderr, "# cert_prepare: %s (%s)\n", strerror(-err), msg);
	return err;
}

/* ------------------------------------------------------ kernel to kernel */

FIXTURE(kk) {
	int srv, cli;
	union dtls_test_addr sa, ca;
	struct dtls_test_relay relay;
	struct test_cert scert, ccert;
};

FIXTURE_VARIANT(kk) {
	int family;
	uint16_t suite;		/* 0: the defaults */
	uint16_t group;
	uint32_t mtu;
	bool mutual;
};

#define KK(name, f, s, g, m, mu)					\
	FIXTURE_VARIANT_ADD(kk, name) {					\
		.family = f, .suite = s, .group = g, .mtu = m, .mutual = mu, \
	}

KK(v4_aes128gcm, AF_INET, 0xc02b, 0, 0, false);
KK(v4_aes256gcm_mutual, AF_INET, 0xc02c, 0, 0, true);
KK(v4_chacha_p256, AF_INET, 0xcca9, 23, 0, false);
KK(v4_ccm8_mutual, AF_INET, 0xc0ae, 29, 0, true);
KK(v6_aes128gcm_mutual, AF_INET6, 0xc02b, 23, 0, true);
KK(v4_mtu256_mutual, AF_INET, 0xc02b, 0, 256, true);
KK(v6_mtu256, AF_INET6, 0xcca9, 0, 256, false);
KK(v4_defaults_mutual, AF_INET, 0, 0, 0, true);

FIXTURE_SETUP(kk)
{
	ASSERT_EQ(0, test_cert_make(&self->scert, "kdtls server"));
	ASSERT_EQ(0, test_cert_make(&self->ccert, "kdtls client"));
	self->srv = dtls_test_udp_bound(variant->family, &self->sa);
	self->cli = dtls_test_udp_bound(variant->family, &self->ca);
	ASSERT_GE(self->srv, 0);
	ASSERT_GE(self->cli, 0);
	if (variant->mtu) {
		ASSERT_EQ(0, dtls_test_relay_start(&self->relay, &self->sa));
		ASSERT_EQ(0, connect(self->cli, &self->relay.addr.sa,
				     dtls_test_addr_len(variant->family)));
	} else {
		ASSERT_EQ(0, connect(self->cli, &self->sa.sa,
				     dtls_test_addr_len(variant->family)));
	}
	ASSERT_EQ(0, cert_prepare(self->srv, DTLS_HS_ROLE_SERVER,
				  variant->suite, variant->group, variant->mtu,
				  &self->scert,
				  variant->mutual ? &self->ccert : NULL, true));
	ASSERT_EQ(0, cert_prepare(self->cli, DTLS_HS_ROLE_CLIENT,
				  variant->suite, variant->group, variant->mtu,
				  variant->mutual ? &self->ccert : NULL,
				  &self->scert, false));
}

FIXTURE_TEARDOWN(kk)
{
	dtls_test_relay_stop(&self->relay);
	close(self->srv);
	close(self->cli);
	test_cert_free(&self->scert);
	test_cert_free(&self->ccert);
}

/* The peer's subject is the DER Name of its certificate. */
static bool subject_is(const struct dtls_hs_info *i, const struct test_cert *c)
{
	X509_NAME *n = X509_get_subject_name(c->x509);
	uint8_t *der = NULL;
	int len = i2d_X509_NAME(n, &der);
	bool same = len > 0 && (size_t)len == i->peer_subject_len &&
		    !memcmp(der, i->peer_subject, len);

	OPENSSL_free(der);
	return same;
}

TEST_F_TIMEOUT(kk, handshake, 240)
{
	struct dtls_cert_chain *chain = calloc(1, sizeof(*chain));
	struct dtls_hs_info si, ci;
	char msg[160];

	ASSERT_NE(NULL, chain);
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), self->srv, 0, msg, sizeof(msg)));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), self->cli, 0, msg, sizeof(msg)));
	dtls_test_hs_settle(self->cli, 2 * WAIT_MS, &ci);
	dtls_test_hs_settle(self->srv, 2 * WAIT_MS, &si);
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED, ci.state) {
		dtls_test_hs_show("client", self->cli);
		dtls_test_hs_show("server", self->srv);
	}
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED, si.state) {
		dtls_test_hs_show("server", self->srv);
	}
	/* The defaults put ECDHE-ECDSA-AES128-GCM-SHA256 first. */
	EXPECT_EQ(variant->suite ?: 0xc02b, ci.suite);
	EXPECT_EQ(0, dtls_test_hs_check(self->cli, self->srv, ci.suite, 0));

	/* Each side knows the other's certificate, and only what it saw. */
	ASSERT_TRUE(ci.has_peer_cert);
	EXPECT_EQ(0, memcmp(ci.peer_cert_sha256, self->scert.sha256, 32));
	EXPECT_TRUE(subject_is(&ci, &self->scert));
	EXPECT_EQ(variant->mutual, si.has_peer_cert);
	if (variant->mutual) {
		EXPECT_EQ(0, memcmp(si.peer_cert_sha256, self->ccert.sha256, 32));
		EXPECT_TRUE(subject_is(&si, &self->ccert));
	}
	ASSERT_EQ(0, dtls_peer_chain(dtls_test_nl(), self->cli, 0, chain, msg,
				     sizeof(msg)));
	ASSERT_EQ(1, chain->n);
	ASSERT_EQ(self->scert.len, chain->len[0]);
	EXPECT_EQ(0, memcmp(chain->der[0], self->scert.der, self->scert.len));
	free(chain);

	if (variant->mtu) {
		dtls_test_relay_stop(&self->relay);
		EXPECT_LE(self->relay.max_c2s, variant->mtu);
		EXPECT_LE(self->relay.max_s2c, variant->mtu);
		/* The server's certificate alone is more than one datagram. */
		EXPECT_LT(variant->mtu, self->scert.len + 100);
		TH_LOG("datagrams: client %u, at most %zu bytes; server %u, at most %zu",
		       self->relay.n_c2s, self->relay.max_c2s,
		       self->relay.n_s2c, self->relay.max_s2c);
	}
}

/* ------------------------------------------- the wrong pin, either side */

FIXTURE(pin) {
	int srv, cli;
	union dtls_test_addr sa, ca;
	struct test_cert scert, ccert, other;
};

FIXTURE_VARIANT(pin) {
	bool client_wrong;	/* the client pins another server's digest */
};

FIXTURE_VARIANT_ADD(pin, client_pins_other) { .client_wrong = true };
FIXTURE_VARIANT_ADD(pin, server_pins_other) { .client_wrong = false };

FIXTURE_SETUP(pin)
{
	ASSERT_EQ(0, test_cert_make(&self->scert, "server"));
	ASSERT_EQ(0, test_cert_make(&self->ccert, "client"));
	ASSERT_EQ(0, test_cert_make(&self->other, "other"));
	self->srv = dtls_test_udp_bound(AF_INET, &self->sa);
	self->cli = dtls_test_udp_bound(AF_INET, &self->ca);
	ASSERT_EQ(0, connect(self->cli, &self->sa.sa, sizeof(self->sa.in4)));
	ASSERT_EQ(0, cert_prepare(self->srv, DTLS_HS_ROLE_SERVER, 0xc02b, 0, 0,
				  &self->scert,
				  variant->client_wrong ? &self->ccert :
							  &self->other, true));
	ASSERT_EQ(0, cert_prepare(self->cli, DTLS_HS_ROLE_CLIENT, 0xc02b, 0, 0,
				  &self->ccert,
				  variant->client_wrong ? &self->other :
							  &self->scert, false));
}

FIXTURE_TEARDOWN(pin)
{
	close(self->srv);
	close(self->cli);
	test_cert_free(&self->scert);
	test_cert_free(&self->ccert);
	test_cert_free(&self->other);
}

TEST_F_TIMEOUT(pin, bad_certificate, 240)
{
	int refuser = variant->client_wrong ? self->cli : self->srv;
	int refused = variant->client_wrong ? self->srv : self->cli;
	long long before = dtls_test_proc_stat("DtlsHsFailed");
	struct dtls_hs_info ri, di;
	struct dtls_info info;
	socklen_t len = sizeof(info);
	char msg[160];

	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), self->srv, 0, msg, sizeof(msg)));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), self->cli, 0, msg, sizeof(msg)));
	dtls_test_hs_settle(refuser, 2 * WAIT_MS, &ri);
	dtls_test_hs_settle(refused, 2 * WAIT_MS, &di);
	ASSERT_EQ(DTLS_HS_STATE_FAILED, ri.state);
	EXPECT_EQ(EKEYREJECTED, ri.error);
	EXPECT_EQ(42, ri.alert);		/* bad_certificate, ours */
	EXPECT_FALSE(ri.alert_remote);
	EXPECT_FALSE(ri.has_peer_cert);
	/* The other side hears it. */
	ASSERT_EQ(DTLS_HS_STATE_FAILED, di.state);
	EXPECT_EQ(42, di.alert);
	EXPECT_TRUE(di.alert_remote);
	EXPECT_GE(dtls_test_proc_stat("DtlsHsFailed"), before + 2);
	/* No keys on either side. */
	ASSERT_EQ(0, getsockopt(refuser, SOL_DTLS, DTLS_INFO, &info, &len));
	EXPECT_EQ(0, info.tx_cipher);
	EXPECT_EQ(0, info.rx_cipher);
	len = sizeof(info);
	ASSERT_EQ(0, getsockopt(refused, SOL_DTLS, DTLS_INFO, &info, &len));
	EXPECT_EQ(0, info.tx_cipher);
	EXPECT_EQ(0, info.rx_cipher);
}

/* ------------------------------------------------------------ OpenSSL */

FIXTURE(ossl) {
	int fd;
	struct peer peer;
	struct dtls_test_relay relay;
	struct test_cert kcert, ocert;	/* the kernel's, OpenSSL's */
};

FIXTURE_VARIANT(ossl) {
	const char *cipher;
	uint16_t suite;
	bool kernel_server;
	bool mutual;
	uint32_t mtu;
	int family;
	bool rsa;		/* OpenSSL's certificate is RSA 2048 */
	/*
	 * OpenSSL's -sigalgs (what it signs with as a server, or lists in
	 * its ClientHello) and -client_sigalgs (what a server's
	 * CertificateRequest lists, or a client's CertificateVerify uses).
	 */
	const char *sigalgs, *client_sigalgs;
};

#define OS(name, c, s, srv, mu, m, f)					\
	FIXTURE_VARIANT_ADD(ossl, name) {				\
		.cipher = c, .suite = s, .kernel_server = srv,		\
		.mutual = mu, .mtu = m, .family = f,			\
	}

#define OS_RSA(name, c, s, srv, mu, f)					\
	FIXTURE_VARIANT_ADD(ossl, name) {				\
		.cipher = c, .suite = s, .kernel_server = srv,		\
		.mutual = mu, .family = f, .rsa = true,			\
	}

OS_RSA(client_rsa_aes128gcm, "ECDHE-RSA-AES128-GCM-SHA256", 0xc02f, false,
       false, AF_INET);
OS_RSA(client_rsa_aes256gcm_mutual, "ECDHE-RSA-AES256-GCM-SHA384", 0xc030,
       false, true, AF_INET6);
OS_RSA(client_rsa_chacha, "ECDHE-RSA-CHACHA20-POLY1305", 0xcca8, false,
       false, AF_INET);
OS_RSA(server_rsa_client_cert, "ECDHE-ECDSA-AES128-GCM-SHA256", 0xc02b, true,
       true, AF_INET);

/*
 * SHA-384 signatures only, each way: the kernel verifies OpenSSL's
 * ServerKeyExchange (ECDSA, RSA) or CertificateVerify (ECDSA, RSA) with
 * SHA-384, and signs its own with SHA-384 when that is all the peer takes.
 */
#define OS_384(name, c, s, srv, r, sa, csa)				\
	FIXTURE_VARIANT_ADD(ossl, name) {				\
		.cipher = c, .suite = s, .kernel_server = srv,		\
		.mutual = true, .family = AF_INET, .rsa = r,		\
		.sigalgs = sa, .client_sigalgs = csa,			\
	}

OS_384(client_sha384, "ECDHE-ECDSA-AES256-GCM-SHA384", 0xc02c, false, false,
       "ECDSA+SHA384", "ECDSA+SHA384");
OS_384(client_rsa_sha384, "ECDHE-RSA-AES128-GCM-SHA256", 0xc02f, false, true,
       "RSA+SHA384", "ECDSA+SHA384");
OS_384(server_sha384, "ECDHE-ECDSA-AES128-GCM-SHA256", 0xc02b, true, false,
       "ECDSA+SHA384", "ECDSA+SHA384");
OS_384(server_rsa_client_sha384, "ECDHE-ECDSA-CHACHA20-POLY1305", 0xcca9,
       true, true, "ECDSA+SHA384", "RSA+SHA384");

OS(server_aes128gcm, "ECDHE-ECDSA-AES128-GCM-SHA256", 0xc02b, true, false,
   0, AF_INET);
OS(server_aes256gcm_mutual, "ECDHE-ECDSA-AES256-GCM-SHA384", 0xc02c, true,
   true, 0, AF_INET);
OS(server_chacha_mutual_v6, "ECDHE-ECDSA-CHACHA20-POLY1305", 0xcca9, true,
   true, 0, AF_INET6);
OS(server_ccm8, "ECDHE-ECDSA-AES128-CCM8", 0xc0ae, true, false, 0, AF_INET);
OS(server_mtu256_mutual, "ECDHE-ECDSA-AES128-GCM-SHA256", 0xc02b, true, true,
   256, AF_INET);
OS(client_aes128gcm, "ECDHE-ECDSA-AES128-GCM-SHA256", 0xc02b, false, false,
   0, AF_INET);
OS(client_aes256gcm_mutual, "ECDHE-ECDSA-AES256-GCM-SHA384", 0xc02c, false,
   true, 0, AF_INET);
OS(client_chacha_mutual_v6, "ECDHE-ECDSA-CHACHA20-POLY1305", 0xcca9, false,
   true, 0, AF_INET6);
OS(client_ccm8_mutual, "ECDHE-ECDSA-AES128-CCM8", 0xc0ae, false, true, 0,
   AF_INET);
OS(client_mtu256_mutual, "ECDHE-ECDSA-AES128-GCM-SHA256", 0xc02b, false,
   true, 256, AF_INET);

FIXTURE_SETUP(ossl)
{
	self->fd = -1;
	peer_init(&self->peer);
	memset(&self->relay, 0, sizeof(self->relay));
	if (!have_prog("openssl"))
		SKIP(return, "openssl not installed");
	ASSERT_EQ(0, test_cert_make(&self->kcert, "kdtls kernel"));
	ASSERT_EQ(0, variant->rsa ?
		     test_cert_make_rsa(&self->ocert, "kdtls rsa") :
		     test_cert_make(&self->ocert, "kdtls openssl"));
	ASSERT_EQ(0, test_cert_write_pem(&self->kcert));
	ASSERT_EQ(0, test_cert_write_pem(&self->ocert));
}

FIXTURE_TEARDOWN(ossl)
{
	dtls_test_relay_stop(&self->relay);
	if (self->fd >= 0)
		close(self->fd);
	peer_cleanup(&self->peer);
	test_cert_free(&self->kcert);
	test_cert_free(&self->ocert);
}

static void show_peer(struct peer *p)
{
	char *e = slurp(p->err, NULL), *o = slurp(p->out, NULL);

	fprintf(stderr, "# peer stderr: %.1500s\n# peer stdout: %.1500s\n",
		e ?: "", o ?: "");
	free(e);
	free(o);
}

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

/*
 * The kernel's side of a test against a peer program on loopback: a
 * client connected to the peer's @port, or (@server) a server on a port
 * of its own, returned in *port; through @relay when @mtu is set, which
 * then measures the kernel's datagrams.  Attached and configured by
 * cert_prepare(), not started.
 */
static void kernel_side(struct __test_metadata *_metadata, int *fd,
			struct dtls_test_relay *relay, int family, bool server,
			uint16_t *port, uint16_t suite, uint32_t mtu,
			const struct test_cert *own, const struct test_cert *pin)
{
	*fd = dtls_test_peer_socket(family, server, port, relay, mtu);
	ASSERT_LE(0, *fd);
	ASSERT_EQ(0, cert_prepare(*fd, server ? DTLS_HS_ROLE_SERVER :
						DTLS_HS_ROLE_CLIENT,
				  suite, 0, mtu, own, pin, server && pin));
}

/*
 * After the lines: established with @suite, the peer's certificate
 * checked against its pin when one was asked for (@peer), and no datagram
 * of the kernel's over @mtu.
 */
static void check_session(struct __test_metadata *_metadata, int fd,
			  uint16_t suite, const struct test_cert *peer,
			  struct dtls_test_relay *relay, uint32_t mtu,
			  bool server)
{
	struct dtls_hs_info info;

	ASSERT_EQ(0, dtls_hs_get(dtls_test_nl(), fd, 0, &info, NULL, 0));
	EXPECT_EQ(DTLS_HS_STATE_ESTABLISHED, info.state);
	EXPECT_EQ(suite, info.suite);
	EXPECT_EQ(!!peer, info.has_peer_cert);
	if (peer && info.has_peer_cert)
		EXPECT_EQ(0, memcmp(info.peer_cert_sha256, peer->sha256, 32));
	if (mtu) {
		dtls_test_relay_stop(relay);
		EXPECT_LE(server ? relay->max_s2c : relay->max_c2s, mtu);
	}
}

TEST_F_TIMEOUT(ossl, echo, 300)
{
	int family = variant->family ?: AF_INET;
	const char *lo = family == AF_INET6 ? "[::1]" : "127.0.0.1";
	const bool ks = variant->kernel_server;
	char portarg[48], mtuarg[16], msg[160], got[64];
	uint16_t port = ks ? 0 : free_port();
	char *argv[40];
	int n = 0;

	snprintf(mtuarg, sizeof(mtuarg), "%u", variant->mtu);
	if (!variant->kernel_server) {
		argv[n++] = "openssl";
		argv[n++] = "s_server";
		argv[n++] = "-dtls1_2";
		argv[n++] = "-listen";
		argv[n++] = "-accept";
		argv[n++] = portarg;
		argv[n++] = "-cert";
		argv[n++] = self->ocert.cert_pem;
		argv[n++] = "-key";
		argv[n++] = self->ocert.key_pem;
		argv[n++] = "-naccept";
		argv[n++] = "1";
		if (variant->mutual) {
			/* Require the kernel's certificate, and verify it. */
			argv[n++] = "-Verify";
			argv[n++] = "1";
			argv[n++] = "-CAfile";
			argv[n++] = self->kcert.cert_pem;
			argv[n++] = "-verify_return_error";
		}
	} else {
		argv[n++] = "openssl";
		argv[n++] = "s_client";
		argv[n++] = "-dtls1_2";
		argv[n++] = "-connect";
		argv[n++] = portarg;
		/* Verify the kernel's certificate. */
		argv[n++] = "-CAfile";
		argv[n++] = self->kcert.cert_pem;
		argv[n++] = "-verify_return_error";
		if (variant->mutual) {
			argv[n++] = "-cert";
			argv[n++] = self->ocert.cert_pem;
			argv[n++] = "-key";
			argv[n++] = self->ocert.key_pem;
		}
	}
	argv[n++] = "-cipher";
	argv[n++] = (char *)variant->cipher;
	if (variant->sigalgs) {
		argv[n++] = "-sigalgs";
		argv[n++] = (char *)variant->sigalgs;
		argv[n++] = "-client_sigalgs";
		argv[n++] = (char *)variant->client_sigalgs;
	}
	if (variant->mtu) {
		argv[n++] = "-mtu";
		argv[n++] = mtuarg;
	}
	argv[n] = NULL;

	if (!ks) {
		snprintf(portarg, sizeof(portarg), "%s:%u", lo, port);
		ASSERT_EQ(0, peer_start(&self->peer, argv));
		ASSERT_TRUE(wait_port_af(port, family, WAIT_MS))
			show_peer(&self->peer);
	}
	kernel_side(_metadata, &self->fd, &self->relay, family, ks, &port,
		    variant->suite, variant->mtu,
		    ks || variant->mutual ? &self->kcert : NULL,
		    !ks || variant->mutual ? &self->ocert : NULL);
	if (ks)
		snprintf(portarg, sizeof(portarg), "%s:%u", lo, port);
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), self->fd, 0, msg,
				   sizeof(msg))) {
		TH_LOG("hs-start: %s", msg);
	}
	if (variant->kernel_server) {
		ASSERT_EQ(0, peer_start(&self->peer, argv));
	} else {
		/* s_server only reads stdin once a client is in. */
		ASSERT_EQ(3, send(self->fd, "hi\n", 3, 0)) {
			TH_LOG("send: %s", strerror(errno));
			show_peer(&self->peer);
		}
	}

	/* OpenSSL verified the kernel's certificate. */
	if (variant->kernel_server) {
		EXPECT_TRUE(wait_text(self->peer.out,
				      "Verify return code: 0 (ok)", WAIT_MS)) {
			show_peer(&self->peer);
		}
	}
	ASSERT_EQ(6, write(self->peer.in, "hello\n", 6));
	memset(got, 0, sizeof(got));
	ASSERT_EQ(6, recv(self->fd, got, sizeof(got), 0)) {
		TH_LOG("recv: %s", strerror(errno));
		dtls_test_hs_show("kernel", self->fd);
		show_peer(&self->peer);
	}
	EXPECT_EQ(0, memcmp(got, "hello\n", 6));
	ASSERT_EQ(9, send(self->fd, "from-krn\n", 9, 0));
	EXPECT_TRUE(wait_text(self->peer.out, "from-krn", WAIT_MS))
		show_peer(&self->peer);
	/* The kernel checked OpenSSL's certificate against its pin. */
	check_session(_metadata, self->fd, variant->suite,
		      !ks || variant->mutual ? &self->ocert : NULL,
		      &self->relay, variant->mtu, ks);
}

/* ------------------------------------------------------------- GnuTLS */

/*
 * ECDHE-ECDSA with GnuTLS, whose certificate messages and signatures
 * come from another code base than OpenSSL's: a kernel client with
 * `gnutls-serv --udp --echo` (the kernel pins its certificate; mutually,
 * gnutls-serv requires and verifies the kernel's), a kernel server with
 * `gnutls-cli --udp`, which verifies the kernel's certificate against it
 * as its CA and, mutually, presents its own.  Lines go both ways.  SKIP
 * without gnutls-bin.
 */
FIXTURE(gnutls) {
	int fd;
	struct peer peer;
	struct dtls_test_relay relay;
	struct test_cert kcert, gcert;	/* the kernel's, GnuTLS's */
};

FIXTURE_VARIANT(gnutls) {
	const char *cipher;	/* GnuTLS's name */
	uint16_t suite;
	bool kernel_server;
	bool mutual;
	uint32_t mtu;
	int family;
	bool rsa;		/* GnuTLS's certificate is RSA 2048 */
};

#define GT(name, c, s, srv, mu, m, f)					\
	FIXTURE_VARIANT_ADD(gnutls, name) {				\
		.cipher = c, .suite = s, .kernel_server = srv,		\
		.mutual = mu, .mtu = m, .family = f,			\
	}

#define GT_RSA(name, c, s, srv, mu)					\
	FIXTURE_VARIANT_ADD(gnutls, name) {				\
		.cipher = c, .suite = s, .kernel_server = srv,		\
		.mutual = mu, .family = AF_INET, .rsa = true,		\
	}

GT(client_aes128gcm, "AES-128-GCM", 0xc02b, false, false, 0, AF_INET);
GT(client_chacha_mutual_v6, "CHACHA20-POLY1305", 0xcca9, false, true, 0,
   AF_INET6);
GT(client_mtu256_mutual, "AES-256-GCM", 0xc02c, false, true, 256, AF_INET);
GT(server_aes128gcm, "AES-128-GCM", 0xc02b, true, false, 0, AF_INET);
GT(server_ccm8_mutual_v6, "AES-128-CCM-8", 0xc0ae, true, true, 0, AF_INET6);
GT(server_mtu256_mutual, "AES-128-GCM", 0xc02b, true, true, 256, AF_INET);
/* ECDHE-RSA to gnutls-serv; gnutls-cli's RSA certificate to the kernel. */
GT_RSA(client_rsa_aes128gcm, "AES-128-GCM", 0xc02f, false, false);
GT_RSA(server_rsa_client_cert, "AES-128-GCM", 0xc02b, true, true);

FIXTURE_SETUP(gnutls)
{
	self->fd = -1;
	peer_init(&self->peer);
	memset(&self->relay, 0, sizeof(self->relay));
	if (!have_prog("gnutls-cli") || !have_prog("gnutls-serv"))
		SKIP(return, "gnutls-bin not installed");
	ASSERT_EQ(0, test_cert_make(&self->kcert, "kdtls kernel"));
	ASSERT_EQ(0, variant->rsa ?
		     test_cert_make_rsa(&self->gcert, "kdtls gnutls rsa") :
		     test_cert_make(&self->gcert, "kdtls gnutls"));
	ASSERT_EQ(0, test_cert_write_pem(&self->kcert));
	ASSERT_EQ(0, test_cert_write_pem(&self->gcert));
}

FIXTURE_TEARDOWN(gnutls)
{
	dtls_test_relay_stop(&self->relay);
	if (self->fd >= 0)
		close(self->fd);
	peer_cleanup(&self->peer);
	test_cert_free(&self->kcert);
	test_cert_free(&self->gcert);
}

TEST_F_TIMEOUT(gnutls, echo, 300)
{
	int family = variant->family ?: AF_INET;
	const bool ks = variant->kernel_server;
	char portarg[16], mtuarg[32], prio[160], msg[160], got[64], buf[32];
	uint16_t port = ks ? 0 : free_port();
	char *argv[40];
	int n = 0, i;

	snprintf(prio, sizeof(prio),
		 "NORMAL:-VERS-ALL:+VERS-DTLS1.2:-KX-ALL:+%s:-CIPHER-ALL:+%s",
		 variant->rsa && !variant->kernel_server ? "ECDHE-RSA" :
							   "ECDHE-ECDSA",
		 variant->cipher);
	snprintf(mtuarg, sizeof(mtuarg), "--mtu=%u", variant->mtu);
	snprintf(portarg, sizeof(portarg), "%u", port);
	if (!ks) {
		argv[n++] = "gnutls-serv";
		argv[n++] = "--udp";
		argv[n++] = "--echo";
		argv[n++] = "--port";
		argv[n++] = portarg;
		argv[n++] = "--x509certfile";
		argv[n++] = self->gcert.cert_pem;
		argv[n++] = "--x509keyfile";
		argv[n++] = self->gcert.key_pem;
		if (variant->mutual) {
			argv[n++] = "--require-client-cert";
			argv[n++] = "--verify-client-cert";
			argv[n++] = "--x509cafile";
			argv[n++] = self->kcert.cert_pem;
		}
	} else {
		argv[n++] = "gnutls-cli";
		argv[n++] = "--udp";
		argv[n++] = "--port";
		argv[n++] = portarg;
		/* The kernel's certificate, self-signed, as the CA. */
		argv[n++] = "--x509cafile";
		argv[n++] = self->kcert.cert_pem;
		argv[n++] = "--verify-hostname=kdtls kernel";
		if (variant->mutual) {
			argv[n++] = "--x509certfile";
			argv[n++] = self->gcert.cert_pem;
			argv[n++] = "--x509keyfile";
			argv[n++] = self->gcert.key_pem;
		}
	}
	argv[n++] = "--priority";
	argv[n++] = prio;
	if (variant->mtu)
		argv[n++] = mtuarg;
	if (variant->kernel_server)
		argv[n++] = family == AF_INET6 ? "::1" : "127.0.0.1";
	argv[n] = NULL;

	if (!ks) {
		ASSERT_EQ(0, peer_start(&self->peer, argv));
		ASSERT_TRUE(wait_port_af(port, family, WAIT_MS))
			show_peer(&self->peer);
	}
	kernel_side(_metadata, &self->fd, &self->relay, family, ks, &port,
		    variant->suite, variant->mtu,
		    ks || variant->mutual ? &self->kcert : NULL,
		    !ks || variant->mutual ? &self->gcert : NULL);
	/* argv[3] points to it: gnutls-cli's port, once known. */
	snprintf(portarg, sizeof(portarg), "%u", port);
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), self->fd, 0, msg,
				   sizeof(msg))) {
		TH_LOG("hs-start: %s", msg);
	}
	if (variant->kernel_server) {
		ASSERT_EQ(0, peer_start(&self->peer, argv));
		/* gnutls-cli verified the kernel's certificate. */
		EXPECT_TRUE(wait_text(self->peer.out,
				      "The certificate is trusted", WAIT_MS))
			show_peer(&self->peer);
		ASSERT_EQ(6, write(self->peer.in, "hello\n", 6));
		memset(got, 0, sizeof(got));
		ASSERT_EQ(6, recv(self->fd, got, sizeof(got), 0)) {
			TH_LOG("recv: %s", strerror(errno));
			dtls_test_hs_show("kernel", self->fd);
			show_peer(&self->peer);
		}
		EXPECT_EQ(0, memcmp(got, "hello\n", 6));
		ASSERT_EQ(9, send(self->fd, "from-krn\n", 9, 0));
		EXPECT_TRUE(wait_text(self->peer.out, "from-krn", WAIT_MS))
			show_peer(&self->peer);
	} else {
		/* Each line comes back through gnutls-serv's echo. */
		for (i = 0; i < 3; i++) {
			int len = snprintf(buf, sizeof(buf), "kernel %d\n", i);

			ASSERT_EQ(len, send(self->fd, buf, len, 0)) {
				TH_LOG("send: %s", strerror(errno));
				show_peer(&self->peer);
			}
			memset(got, 0, sizeof(got));
			ASSERT_EQ(len, recv(self->fd, got, sizeof(got), 0)) {
				TH_LOG("recv: %s", strerror(errno));
				dtls_test_hs_show("kernel", self->fd);
				show_peer(&self->peer);
			}
			EXPECT_EQ(0, memcmp(got, buf, len));
		}
	}
	/* The kernel checked GnuTLS's certificate against its pin. */
	check_session(_metadata, self->fd, variant->suite,
		      !ks || variant->mutual ? &self->gcert : NULL,
		      &self->relay, variant->mtu, ks);
}

/* ------------------------------------------ trust anchors in a keyring */

/* A new keyring in the process keyring, holding @n anchors: its serial. */
static int32_t trust_keyring(const struct test_cert *const *anchors, int n)
{
	int32_t ring = syscall(SYS_add_key, "keyring", "kdtls-trust", NULL, 0,
			       KEY_SPEC_PROCESS_KEYRING);

	if (ring < 0) {
		fprintf(stderr, "# add_key keyring: %s\n", strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (syscall(SYS_add_key, "asymmetric", "", anchors[i]->der,
			    anchors[i]->len, ring) < 0) {
			fprintf(stderr, "# add_key asymmetric: %s\n",
				strerror(errno));
			return -1;
		}
	}
	return ring;
}

/*
 * A root CA as @o says, P-256 unless the kernel refuses a self-signed
 * P-256 certificate as an "asymmetric" key: Debian's 6.1 has no ECDSA in
 * its crypto API and fails the self-signature check with ENOENT.  Then
 * RSA 2048 (@o says so after).  P-256 anchors are still tested there as
 * intermediates, which the kernel does not verify when adding them.
 */
static int trust_root(struct test_cert *c, struct test_cert_opts *o)
{
	int32_t ring;

	if (test_cert_make_chain(c, o, NULL))
		return -1;
	if (o->rsa_bits)
		return 0;
	ring = syscall(SYS_add_key, "keyring", "kdtls-probe", NULL, 0,
		       KEY_SPEC_PROCESS_KEYRING);
	if (ring < 0)
		return -1;
	if (syscall(SYS_add_key, "asymmetric", "", c->der, c->len, ring) >= 0)
		return 0;
	fprintf(stderr, "# a self-signed P-256 anchor is refused (%s): RSA roots\n",
		strerror(errno));
	test_cert_free(c);
	o->rsa_bits = 2048;
	return test_cert_make_chain(c, o, NULL);
}

/* Our certificate chain (@n certificates, ours first) and key. */
static int trust_own(int fd, const struct test_cert *const *chain, int n)
{
	const uint8_t *der[4];
	size_t len[4];
	char msg[160] = "";
	int err;

	for (int i = 0; i < n; i++) {
		der[i] = chain[i]->der;
		len[i] = chain[i]->len;
	}
	err = dtls_cert_set(dtls_test_nl(), fd, 0, der, len, n,
			    chain[0]->priv, 0, msg, sizeof(msg));
	if (err)
		fprintf(stderr, "# cert-set: %s (%s)\n", strerror(-err), msg);
	return err;
}

static int trust_peer(int fd, int32_t ring, const char *name, bool required)
{
	struct dtls_peer_auth_cfg t = {
		.keyring = ring, .name = name, .required = required,
	};
	char msg[160] = "";
	int err = dtls_peer_auth_set(dtls_test_nl(), fd, 0, &t, msg, sizeof(msg));

	if (err)
		fprintf(stderr, "# peer-auth: %s (%s)\n", strerror(-err), msg);
	return err;
}

enum { ANCHOR_ROOT, ANCHOR_INTER, ANCHOR_OTHER };
enum { SEND_CHAIN, SEND_WITH_ROOT, SEND_WRONG_ORDER };

FIXTURE(trust) {
	int srv, cli;
	union dtls_test_addr sa, ca;
	struct test_cert root, inter, leaf, other, ccert;
	int32_t ring;
};

FIXTURE_VARIANT(trust) {
	int family;
	bool inter;		/* root -> intermediate -> leaf */
	bool rsa_root;		/* the root's key is RSA 2048 */
	const char *san;	/* the leaf's subjectAltName */
	const char *name;	/* the name the client asks for */
	int anchor;		/* ANCHOR_* in the keyring */
	int send;		/* SEND_*: the chain the server sends */
	long leaf_nb, leaf_na;	/* the leaf's dates (days from now) */
	long inter_nb, inter_na;
	bool inter_not_ca;
	const char *inter_ku;	/* the intermediate's keyUsage */
	const char *leaf_ku;	/* the leaf's */
	const char *inter_md;	/* the root signs the intermediate with */
	const char *leaf_md;	/* its issuer signs the leaf with */
	bool bad_inter_sig;	/* the root's signature on it, one bit off */
	bool impostor;		/* another key signs the leaf, as "inter" */
	bool mutual;		/* the server checks the client's chain too */
	bool client_untrusted;	/* ... which is self-signed */
	int alert;		/* 0: both established; else the refuser's */
	int error;
	bool server_refuses;
};

#define TR(n, ...) FIXTURE_VARIANT_ADD(trust, n) { __VA_ARGS__ }

TR(root_leaf, .family = AF_INET);
TR(inter_dns, .family = AF_INET, .inter = true,
   .san = "DNS:srv.example.com", .name = "SRV.Example.COM");
TR(inter_rsa_root, .family = AF_INET, .inter = true, .rsa_root = true);
TR(inter_with_root, .family = AF_INET, .inter = true,
   .send = SEND_WITH_ROOT);
TR(inter_is_anchor, .family = AF_INET, .inter = true,
   .anchor = ANCHOR_INTER);
TR(wildcard, .family = AF_INET, .inter = true,
   .san = "DNS:other.example.net,DNS:*.example.com",
   .name = "host.example.com");
TR(ipv4, .family = AF_INET, .san = "DNS:x.example,IP:127.0.0.1",
   .name = "127.0.0.1");
TR(v6_ipv6, .family = AF_INET6, .inter = true, .san = "IP:::1",
   .name = "::1");
TR(mutual, .family = AF_INET, .inter = true, .mutual = true,
   .san = "DNS:srv.example.com", .name = "srv.example.com");
/* keyUsage, critical as CAs and most leaves mark it (RFC 5280 4.2.1.3) */
TR(key_usage_critical, .family = AF_INET, .inter = true,
   .inter_ku = "critical,keyCertSign,cRLSign",
   .leaf_ku = "critical,digitalSignature");

/* RFC 5758 3.2, RFC 4055 5: SHA-384 signatures, P-256 and RSA issuers */
TR(sha384, .family = AF_INET, .inter = true, .inter_md = "SHA384",
   .leaf_md = "SHA384");
TR(sha384_rsa_root, .family = AF_INET, .inter = true, .rsa_root = true,
   .inter_md = "SHA384", .leaf_md = "SHA384");
TR(sha384_anchor_signs, .family = AF_INET, .leaf_md = "SHA384");

TR(untrusted_root, .family = AF_INET, .inter = true,
   .anchor = ANCHOR_OTHER, .alert = 48, .error = ENOKEY);
TR(leaf_expired, .family = AF_INET, .inter = true, .leaf_nb = -30,
   .leaf_na = -1, .alert = 45, .error = EKEYEXPIRED);
TR(leaf_not_yet_valid, .family = AF_INET, .leaf_nb = 1, .leaf_na = 30,
   .alert = 45, .error = EKEYEXPIRED);
TR(inter_expired, .family = AF_INET, .inter = true, .inter_nb = -30,
   .inter_na = -1, .alert = 45, .error = EKEYEXPIRED);
TR(name_mismatch, .family = AF_INET, .inter = true,
   .san = "DNS:srv.example.com", .name = "evil.example.com",
   .alert = 42, .error = EKEYREJECTED);
TR(wildcard_two_labels, .family = AF_INET, .san = "DNS:*.example.com",
   .name = "a.b.example.com", .alert = 42, .error = EKEYREJECTED);
TR(ip_not_dns, .family = AF_INET, .san = "DNS:127.0.0.1",
   .name = "127.0.0.1", .alert = 42, .error = EKEYREJECTED);
TR(no_san, .family = AF_INET, .name = "srv.example.com", .alert = 42,
   .error = EKEYREJECTED);
TR(inter_not_ca, .family = AF_INET, .inter = true, .inter_not_ca = true,
   .alert = 42, .error = EKEYREJECTED);
TR(inter_without_cert_sign, .family = AF_INET, .inter = true,
   .inter_ku = "critical,digitalSignature", .alert = 42,
   .error = EKEYREJECTED);
TR(leaf_without_digital_signature, .family = AF_INET, .inter = true,
   .leaf_ku = "keyEncipherment", .alert = 42, .error = EKEYREJECTED);
TR(wrong_order, .family = AF_INET, .inter = true,
   .send = SEND_WRONG_ORDER, .alert = 42, .error = EKEYREJECTED);
TR(bad_signature, .family = AF_INET, .inter = true, .impostor = true,
   .alert = 42, .error = EKEYREJECTED);
TR(bad_signature_sha384, .family = AF_INET, .inter = true, .impostor = true,
   .leaf_md = "SHA384", .alert = 42, .error = EKEYREJECTED);
/* The root's RSA SHA-384 signature of the intermediate, one bit off. */
TR(bad_signature_sha384_rsa, .family = AF_INET, .inter = true,
   .rsa_root = true, .inter_md = "SHA384", .bad_inter_sig = true,
   .alert = 48, .error = ENOKEY);
/* A signature it cannot check does not pass: SHA-512 is not taken. */
TR(sha512_refused, .family = AF_INET, .inter = true, .leaf_md = "SHA512",
   .alert = 42, .error = EKEYREJECTED);
TR(mutual_client_untrusted, .family = AF_INET, .inter = true,
   .mutual = true, .client_untrusted = true, .alert = 48, .error = ENOKEY,
   .server_refuses = true);

FIXTURE_SETUP(trust)
{
	struct test_cert_opts ro = {
		.cn = "kdtls root", .ca = true,
		.rsa_bits = variant->rsa_root ? 2048 : 0,
	};
	struct test_cert_opts io = {
		.cn = "kdtls inter", .ca = !variant->inter_not_ca,
		.not_before_days = variant->inter_nb,
		.not_after_days = variant->inter_na,
		.key_usage = variant->inter_ku, .md = variant->inter_md,
	};
	struct test_cert_opts lo = {
		.cn = "kdtls leaf", .san = variant->san,
		.not_before_days = variant->leaf_nb,
		.not_after_days = variant->leaf_na,
		.key_usage = variant->leaf_ku, .md = variant->leaf_md,
	};
	struct test_cert_opts oo = { .cn = "kdtls root", .ca = true };
	struct test_cert_opts co = { .cn = "kdtls client" };
	const struct test_cert *anchor, *chain[3];
	struct test_cert *signer;
	int n = 0;

	self->srv = self->cli = -1;
	ASSERT_EQ(0, trust_root(&self->root, &ro));
	/* Another root, of the same name: the impostor, the wrong anchor. */
	ASSERT_EQ(0, trust_root(&self->other, &oo));
	if (variant->inter) {
		ASSERT_EQ(0, test_cert_make_chain(&self->inter, &io,
						  &self->root));
		/* The last byte of the DER is the signature's. */
		if (variant->bad_inter_sig)
			self->inter.der[self->inter.len - 1] ^= 1;
	}
	signer = variant->inter ? &self->inter : &self->root;
	if (variant->impostor) {
		/* "kdtls inter" again, its own key: the leaf's signer. */
		test_cert_free(&self->other);
		ASSERT_EQ(0, test_cert_make_chain(&self->other, &io,
						  &self->root));
		signer = &self->other;
	}
	ASSERT_EQ(0, test_cert_make_chain(&self->leaf, &lo, signer));
	ASSERT_EQ(0, test_cert_make_chain(&self->ccert, &co,
					  variant->client_untrusted ? NULL :
								      signer));

	anchor = variant->anchor == ANCHOR_INTER ? &self->inter :
		 variant->anchor == ANCHOR_OTHER ? &self->other : &self->root;
	self->ring = trust_keyring(&anchor, 1);
	ASSERT_GT(self->ring, 0);

	chain[n++] = &self->leaf;
	if (variant->send == SEND_WRONG_ORDER)
		chain[n++] = &self->root;
	if (variant->inter)
		chain[n++] = &self->inter;
	if (variant->send == SEND_WITH_ROOT)
		chain[n++] = &self->root;

	self->srv = dtls_test_udp_bound(variant->family, &self->sa);
	self->cli = dtls_test_udp_bound(variant->family, &self->ca);
	ASSERT_GE(self->srv, 0);
	ASSERT_GE(self->cli, 0);
	ASSERT_EQ(0, connect(self->cli, &self->sa.sa,
			     dtls_test_addr_len(variant->family)));
	ASSERT_EQ(0, cert_prepare(self->srv, DTLS_HS_ROLE_SERVER, 0xc02b, 0,
				  0, NULL, NULL, false));
	ASSERT_EQ(0, trust_own(self->srv, chain, n));
	ASSERT_EQ(0, cert_prepare(self->cli, DTLS_HS_ROLE_CLIENT, 0xc02b, 0,
				  0, NULL, NULL, false));
	ASSERT_EQ(0, trust_peer(self->cli, self->ring, variant->name, false));
	if (variant->mutual) {
		const struct test_cert *cc[2] = { &self->ccert, signer };

		ASSERT_EQ(0, trust_own(self->cli, cc,
				       variant->client_untrusted ||
				       !variant->inter ? 1 : 2));
		ASSERT_EQ(0, trust_peer(self->srv, self->ring, NULL, true));
	}
}

FIXTURE_TEARDOWN(trust)
{
	if (self->srv >= 0)
		close(self->srv);
	if (self->cli >= 0)
		close(self->cli);
	test_cert_free(&self->root);
	test_cert_free(&self->inter);
	test_cert_free(&self->leaf);
	test_cert_free(&self->other);
	test_cert_free(&self->ccert);
}

TEST_F_TIMEOUT(trust, handshake, 240)
{
	int refuser = variant->server_refuses ? self->srv : self->cli;
	int refused = variant->server_refuses ? self->cli : self->srv;
	struct dtls_hs_info ri, di;
	struct dtls_info info;
	socklen_t len;
	char msg[160];

	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), self->srv, 0, msg,
				   sizeof(msg)));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), self->cli, 0, msg,
				   sizeof(msg)));
	dtls_test_hs_settle(refuser, 2 * WAIT_MS, &ri);
	dtls_test_hs_settle(refused, 2 * WAIT_MS, &di);
	if (!variant->alert) {
		ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED, ri.state) {
			dtls_test_hs_show("client", self->cli);
			dtls_test_hs_show("server", self->srv);
		}
		ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED, di.state);
		EXPECT_EQ(0, dtls_test_hs_check(self->cli, self->srv,
						ri.suite, 0));
		ASSERT_TRUE(ri.has_peer_cert);
		EXPECT_EQ(0, memcmp(ri.peer_cert_sha256, self->leaf.sha256,
				    32));
		EXPECT_EQ(variant->mutual, di.has_peer_cert);
		if (variant->mutual)
			EXPECT_EQ(0, memcmp(di.peer_cert_sha256,
					    self->ccert.sha256, 32));
		return;
	}
	ASSERT_EQ(DTLS_HS_STATE_FAILED, ri.state) {
		dtls_test_hs_show("refuser", refuser);
	}
	EXPECT_EQ(variant->error, ri.error);
	EXPECT_EQ(variant->alert, ri.alert);
	EXPECT_FALSE(ri.alert_remote);
	EXPECT_FALSE(ri.has_peer_cert);
	/* The other side hears it on the wire. */
	ASSERT_EQ(DTLS_HS_STATE_FAILED, di.state);
	EXPECT_EQ(variant->alert, di.alert);
	EXPECT_TRUE(di.alert_remote);
	/* No keys on either side. */
	len = sizeof(info);
	ASSERT_EQ(0, getsockopt(refuser, SOL_DTLS, DTLS_INFO, &info, &len));
	EXPECT_EQ(0, info.tx_cipher);
	EXPECT_EQ(0, info.rx_cipher);
	len = sizeof(info);
	ASSERT_EQ(0, getsockopt(refused, SOL_DTLS, DTLS_INFO, &info, &len));
	EXPECT_EQ(0, info.tx_cipher);
	EXPECT_EQ(0, info.rx_cipher);
}

/*
 * The tests without variants; a fixture for their time-out (RSA roots
 * are slow to make in a TCG guest).
 */
FIXTURE(trust1) {
	int unused;
};

FIXTURE_SETUP(trust1)
{
}

FIXTURE_TEARDOWN(trust1)
{
}

/* peer-auth refuses a key that is no keyring, and a name alone. */
TEST_F_TIMEOUT(trust1, refused, 240)
{
	struct test_cert root;
	struct test_cert_opts ro = { .cn = "kdtls root", .ca = true };
	const struct test_cert *a = &root;
	struct dtls_peer_auth_cfg t = { .name = "a.example" };
	union dtls_test_addr sa;
	int32_t ring, key;
	char msg[160];
	int fd;

	ASSERT_EQ(0, trust_root(&root, &ro));
	ring = trust_keyring(&a, 1);
	ASSERT_GT(ring, 0);
	key = syscall(SYS_add_key, "asymmetric", "", root.der, root.len, ring);
	fd = dtls_test_udp_bound(AF_INET, &sa);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, cert_prepare(fd, DTLS_HS_ROLE_CLIENT, 0, 0, 0, NULL, NULL,
				  false));
	EXPECT_EQ(-ENOTDIR, trust_peer(fd, key, NULL, false));
	EXPECT_EQ(-ENOKEY, trust_peer(fd, 0x7ffffff0, NULL, false));
	EXPECT_EQ(-EINVAL, dtls_peer_auth_set(dtls_test_nl(), fd, 0, &t, msg,
					   sizeof(msg)));
	EXPECT_EQ(0, trust_peer(fd, ring, "a.example", true));
	close(fd);
	test_cert_free(&root);
}

/* OpenSSL s_server sends its leaf and intermediate; the kernel trusts the root. */
TEST_F_TIMEOUT(trust1, ossl_server_chain, 300)
{
	struct test_cert_opts ro = { .cn = "ossl root", .ca = true };
	struct test_cert_opts io = { .cn = "ossl inter", .ca = true };
	struct test_cert_opts lo = { .cn = "ossl leaf",
				     .san = "DNS:dtls.example.org" };
	struct test_cert root, inter, leaf;
	const struct test_cert *a = &root;
	struct peer peer = { .in = -1 };
	struct dtls_hs_info info;
	char portarg[48], msg[160], got[16];
	union dtls_test_addr sa;
	uint16_t port;
	int32_t ring;
	int fd;
	char *argv[] = {
		"openssl", "s_server", "-dtls1_2", "-listen", "-accept",
		portarg, "-cert", leaf.cert_pem, "-key", leaf.key_pem,
		"-cert_chain", inter.cert_pem, "-naccept", "1", "-cipher",
		"ECDHE-ECDSA-AES128-GCM-SHA256", NULL,
	};

	if (!have_prog("openssl"))
		SKIP(return, "openssl not installed");
	ASSERT_EQ(0, trust_root(&root, &ro));
	ASSERT_EQ(0, test_cert_make_chain(&inter, &io, &root));
	ASSERT_EQ(0, test_cert_make_chain(&leaf, &lo, &inter));
	ASSERT_EQ(0, test_cert_write_pem(&inter));
	ASSERT_EQ(0, test_cert_write_pem(&leaf));
	argv[7] = leaf.cert_pem;
	argv[9] = leaf.key_pem;
	argv[11] = inter.cert_pem;
	ring = trust_keyring(&a, 1);
	ASSERT_GT(ring, 0);

	port = free_port();
	snprintf(portarg, sizeof(portarg), "127.0.0.1:%u", port);
	ASSERT_EQ(0, peer_start(&peer, argv));
	ASSERT_TRUE(wait_port(port, WAIT_MS))
		show_peer(&peer);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_GE(fd, 0);
	dtls_test_loopback(AF_INET, &sa);
	sa.in4.sin_port = htons(port);
	ASSERT_EQ(0, connect(fd, &sa.sa, sizeof(sa.in4)));
	ASSERT_EQ(0, cert_prepare(fd, DTLS_HS_ROLE_CLIENT, 0xc02b, 0, 0, NULL,
				  NULL, false));
	ASSERT_EQ(0, trust_peer(fd, ring, "dtls.example.org", false));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), fd, 0, msg, sizeof(msg)));
	ASSERT_EQ(3, send(fd, "hi\n", 3, 0)) {
		dtls_test_hs_show("kernel", fd);
		show_peer(&peer);
	}
	ASSERT_EQ(6, write(peer.in, "hello\n", 6));
	memset(got, 0, sizeof(got));
	ASSERT_EQ(6, recv(fd, got, sizeof(got), 0)) {
		dtls_test_hs_show("kernel", fd);
		show_peer(&peer);
	}
	EXPECT_EQ(0, memcmp(got, "hello\n", 6));
	ASSERT_EQ(0, dtls_hs_get(dtls_test_nl(), fd, 0, &info, msg,
				 sizeof(msg)));
	EXPECT_EQ(DTLS_HS_STATE_ESTABLISHED, info.state);
	EXPECT_TRUE(info.has_peer_cert);
	EXPECT_EQ(0, memcmp(info.peer_cert_sha256, leaf.sha256, 32));
	close(fd);
	peer_cleanup(&peer);
	test_cert_free(&root);
	test_cert_free(&inter);
	test_cert_free(&leaf);
}

TEST_HARNESS_MAIN
