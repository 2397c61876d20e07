// SPDX-License-Identifier: GPL-2.0
/*
 * Raw public keys (RFC 7250) in the in-kernel handshake, and pins of a
 * SubjectPublicKeyInfo (peer-spki-sha256):
 *  - kernel with kernel: keys alone both ways (mutual), a server key
 *    alone, IPv4 and IPv6, a 256-byte MTU through a relay; a server with
 *    a chain too, which presents its key to a client that prefers one; a
 *    client pinning a certificate and a key, which takes the certificate.
 *    Each side's installed keys are checked, and hs-get reports the
 *    credential type and key digest each side saw;
 *  - refusals: a key pin of another key (bad_certificate), a server with
 *    a key alone and a client that takes only chains (handshake_failure,
 *    no suite), a client with a key alone and a server that requires a
 *    chain (unsupported_certificate);
 *  - OpenSSL 3.0, which has no RFC 7250: its s_server ignores the
 *    extensions and sends its chain, which a kernel client holding only
 *    a key pin checks by the certificate's key.
 */
#include <sys/time.h>

#include "dtls_test.h"
#include "peer.h"
#include "test_cert.h"
#include "kselftest_harness.h"

#define WAIT_MS	60000
#define CTYPE_X509	0
#define CTYPE_RAW	2

struct side {
	const struct test_cert	*own;		/* NULL: none */
	bool			own_chain;	/* else the key alone */
	const struct test_cert	*spki_pin;	/* key pinned, or NULL */
	const struct test_cert	*cert_pin;	/* certificate pinned */
	bool			required;
};

static int rpk_prepare(int fd, uint32_t role, uint32_t mtu,
		       const struct side *s)
{
	uint16_t suite = 0xc02b;
	struct dtls_hs_config cfg = {
		.role = role,
		.suites = &suite,
		.n_suites = 1,
		.mtu = mtu,
		.rto_initial_ms = 500,
		.timeout_ms = 2 * WAIT_MS,
		.cookies = -1,
	};
	uint8_t spki[1][32], pins[1][32];
	struct dtls_peer_auth_cfg pa = {
		.pins = pins, .spki = spki, .required = s->required,
	};
	struct timeval tv = { .tv_sec = WAIT_MS / 1000 };
	char msg[160] = "";
	int err;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	err = dtls_sock_attach(dtls_test_nl(), fd, NULL, NULL, 0);
	if (!err)
		err = dtls_hs_config(dtls_test_nl(), fd, 0, &cfg, msg,
				     sizeof(msg));
	if (!err && s->own) {
		const uint8_t *der = s->own->der;
		size_t len = s->own->len;

		err = dtls_cert_set(dtls_test_nl(), fd, 0, &der, &len,
				    s->own_chain, s->own->priv, 0, msg,
				    sizeof(msg));
	}
	if (s->spki_pin) {
		test_cert_spki_sha256(s->spki_pin, spki[0]);
		pa.n_spki = 1;
	}
	if (s->cert_pin) {
		memcpy(pins[0], s->cert_pin->sha256, 32);
		pa.n_pins = 1;
	}
	if (!err && (pa.n_spki || pa.n_pins))
		err = dtls_peer_auth_set(dtls_test_nl(), fd, 0, &pa, msg,
					 sizeof(msg));
	if (err)
		fprintf(stderr, "# rpk_prepare: %s (%s)\n", strerror(-err), msg);
	return err;
}

/* ------------------------------------------------------ kernel to kernel */

FIXTURE(rpk) {
	int srv, cli;
	union dtls_test_addr sa, ca;
	struct dtls_test_relay relay;
	struct test_cert scert, ccert, other;
};

enum who { NONE, CLIENT, SERVER };

FIXTURE_VARIANT(rpk) {
	int family;
	uint32_t mtu;
	bool srv_chain;		/* the server has a chain as well as its key */
	bool cli_key;		/* the client presents its key, required */
	bool cli_cert_pin;	/* the client pins the server's certificate too */
	bool cli_wrong;		/* the client pins another key */
	bool cli_x509_only;	/* the client pins only a certificate */
	bool srv_x509_only;	/* the server requires a pinned chain */
	int type;		/* what the client sees, once established */
	enum who refuser;	/* NONE: established */
	int alert;
};

FIXTURE_VARIANT_ADD(rpk, mutual_raw_v4) {
	.family = AF_INET, .cli_key = true, .type = CTYPE_RAW,
};
FIXTURE_VARIANT_ADD(rpk, mutual_raw_v6_mtu256) {
	.family = AF_INET6, .mtu = 256, .cli_key = true, .type = CTYPE_RAW,
};
FIXTURE_VARIANT_ADD(rpk, server_raw_v6) {
	.family = AF_INET6, .type = CTYPE_RAW,
};
FIXTURE_VARIANT_ADD(rpk, chain_too_key_preferred) {
	.family = AF_INET, .srv_chain = true, .type = CTYPE_RAW,
};
FIXTURE_VARIANT_ADD(rpk, cert_and_key_pins) {
	.family = AF_INET, .srv_chain = true, .cli_cert_pin = true,
	.type = CTYPE_X509,
};
FIXTURE_VARIANT_ADD(rpk, other_key_pinned) {
	.family = AF_INET, .cli_wrong = true, .refuser = CLIENT, .alert = 42,
};
FIXTURE_VARIANT_ADD(rpk, key_alone_client_takes_chains) {
	.family = AF_INET, .cli_x509_only = true, .refuser = SERVER,
	.alert = 40,
};
FIXTURE_VARIANT_ADD(rpk, key_alone_server_requires_chain) {
	.family = AF_INET, .srv_chain = true, .cli_key = true,
	.srv_x509_only = true, .refuser = SERVER, .alert = 43,
};

FIXTURE_SETUP(rpk)
{
	struct side s = {}, c = {};

	ASSERT_EQ(0, test_cert_make(&self->scert, "kdtls server"));
	ASSERT_EQ(0, test_cert_make(&self->ccert, "kdtls client"));
	ASSERT_EQ(0, test_cert_make(&self->other, "kdtls other"));
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
	s.own = &self->scert;
	s.own_chain = variant->srv_chain;
	if (variant->cli_key) {
		s.required = true;
		if (variant->srv_x509_only)
			s.cert_pin = &self->ccert;
		else
			s.spki_pin = &self->ccert;
		c.own = &self->ccert;
	}
	if (variant->cli_x509_only)
		c.cert_pin = &self->scert;
	else
		c.spki_pin = variant->cli_wrong ? &self->other : &self->scert;
	if (variant->cli_cert_pin)
		c.cert_pin = &self->scert;
	ASSERT_EQ(0, rpk_prepare(self->srv, DTLS_HS_ROLE_SERVER, variant->mtu,
				 &s));
	ASSERT_EQ(0, rpk_prepare(self->cli, DTLS_HS_ROLE_CLIENT, variant->mtu,
				 &c));
}

FIXTURE_TEARDOWN(rpk)
{
	dtls_test_relay_stop(&self->relay);
	close(self->srv);
	close(self->cli);
	test_cert_free(&self->scert);
	test_cert_free(&self->ccert);
	test_cert_free(&self->other);
}

static void expect_no_keys(struct __test_metadata *_metadata, int fd)
{
	struct dtls_info info;
	socklen_t len = sizeof(info);

	ASSERT_EQ(0, getsockopt(fd, SOL_DTLS, DTLS_INFO, &info, &len));
	EXPECT_EQ(0, info.tx_cipher);
	EXPECT_EQ(0, info.rx_cipher);
}

TEST_F_TIMEOUT(rpk, handshake, 240)
{
	long long before = dtls_test_proc_stat("DtlsHsFailed");
	struct dtls_hs_info si, ci, *ri, *di;
	uint8_t want[32];
	char msg[160];

	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), self->srv, 0, msg, sizeof(msg)));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), self->cli, 0, msg, sizeof(msg)));
	dtls_test_hs_settle(self->cli, 2 * WAIT_MS, &ci);
	dtls_test_hs_settle(self->srv, 2 * WAIT_MS, &si);

	if (variant->refuser != NONE) {
		ri = variant->refuser == CLIENT ? &ci : &si;
		di = variant->refuser == CLIENT ? &si : &ci;
		ASSERT_EQ(DTLS_HS_STATE_FAILED, ri->state) {
			dtls_test_hs_show("client", self->cli);
			dtls_test_hs_show("server", self->srv);
		}
		EXPECT_EQ(variant->alert, ri->alert);
		EXPECT_FALSE(ri->alert_remote);
		EXPECT_FALSE(ri->has_peer_key);
		ASSERT_EQ(DTLS_HS_STATE_FAILED, di->state);
		EXPECT_EQ(variant->alert, di->alert);
		EXPECT_TRUE(di->alert_remote);
		EXPECT_GE(dtls_test_proc_stat("DtlsHsFailed"), before + 2);
		expect_no_keys(_metadata, self->cli);
		expect_no_keys(_metadata, self->srv);
		return;
	}

	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED, ci.state) {
		dtls_test_hs_show("client", self->cli);
		dtls_test_hs_show("server", self->srv);
	}
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED, si.state)
		dtls_test_hs_show("server", self->srv);
	EXPECT_EQ(0, dtls_test_hs_check(self->cli, self->srv, ci.suite, 0));

	/* What the client saw: the server's key, raw or in its chain. */
	ASSERT_TRUE(ci.has_peer_key);
	EXPECT_EQ(variant->type, ci.peer_cert_type);
	test_cert_spki_sha256(&self->scert, want);
	EXPECT_EQ(0, memcmp(ci.peer_spki_sha256, want, 32));
	EXPECT_EQ(variant->type == CTYPE_X509, ci.has_peer_cert);
	if (ci.has_peer_cert) {
		EXPECT_EQ(0, memcmp(ci.peer_cert_sha256, self->scert.sha256,
				    32));
	} else {
		EXPECT_EQ(0, ci.peer_subject_len);
	}

	/* The server, the client's key when it asked for one. */
	EXPECT_EQ(variant->cli_key, si.has_peer_key);
	if (variant->cli_key) {
		EXPECT_EQ(CTYPE_RAW, si.peer_cert_type);
		EXPECT_FALSE(si.has_peer_cert);
		test_cert_spki_sha256(&self->ccert, want);
		EXPECT_EQ(0, memcmp(si.peer_spki_sha256, want, 32));
	}
	if (variant->mtu) {
		dtls_test_relay_stop(&self->relay);
		EXPECT_LE(self->relay.max_c2s, variant->mtu);
		EXPECT_LE(self->relay.max_s2c, variant->mtu);
	}
}

/* ---------------------------------------------------------- bad input */

/* A key alone must still be a P-256 scalar: 0 is refused. */
TEST(key_alone_zero_scalar)
{
	static const uint8_t zero[32];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	char msg[160] = "";

	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), fd, NULL, NULL, 0));
	EXPECT_EQ(-EINVAL, dtls_cert_set(dtls_test_nl(), fd, 0, NULL, NULL, 0,
					 zero, 0, msg, sizeof(msg)));
	close(fd);
}

/* More than 8 key pins are refused, the settings unchanged. */
TEST(spki_pins_max)
{
	static const uint8_t pins[9][32];
	struct dtls_peer_auth_cfg pa = { .spki = pins, .n_spki = 9 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	char msg[160] = "";

	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), fd, NULL, NULL, 0));
	/* libdtls refuses first; the kernel's answer is the same. */
	EXPECT_EQ(-EINVAL, dtls_peer_auth_set(dtls_test_nl(), fd, 0, &pa, msg,
					      sizeof(msg)));
	pa.n_spki = 8;
	EXPECT_EQ(0, dtls_peer_auth_set(dtls_test_nl(), fd, 0, &pa, msg,
					sizeof(msg)));
	close(fd);
}

/* ------------------------------------------------------------ OpenSSL */

FIXTURE(ossl) {
	int fd;
	struct peer peer;
	struct test_cert ocert;
};

FIXTURE_SETUP(ossl)
{
	self->fd = -1;
	peer_init(&self->peer);
	if (!have_prog("openssl"))
		SKIP(return, "openssl not installed");
	ASSERT_EQ(0, test_cert_make(&self->ocert, "kdtls openssl"));
	ASSERT_EQ(0, test_cert_write_pem(&self->ocert));
}

FIXTURE_TEARDOWN(ossl)
{
	if (self->fd >= 0)
		close(self->fd);
	peer_cleanup(&self->peer);
	test_cert_free(&self->ocert);
}

/*
 * The kernel client offers to take a raw key (it holds only a key pin);
 * s_server, without RFC 7250, sends its chain; the key in it is pinned.
 */
TEST_F_TIMEOUT(ossl, key_pin_of_chain, 300)
{
	char portarg[48], msg[160], got[16];
	uint16_t port = free_port();
	struct side c = { .spki_pin = &self->ocert };
	struct dtls_hs_info info;
	union dtls_test_addr a;
	uint8_t want[32];
	char *argv[] = {
		"openssl", "s_server", "-dtls1_2", "-listen", "-accept",
		portarg, "-cert", self->ocert.cert_pem, "-key",
		self->ocert.key_pem, "-naccept", "1", "-cipher",
		"ECDHE-ECDSA-AES128-GCM-SHA256", NULL,
	};

	snprintf(portarg, sizeof(portarg), "127.0.0.1:%u", port);
	ASSERT_EQ(0, peer_start(&self->peer, argv));
	ASSERT_TRUE(wait_port(port, WAIT_MS));
	self->fd = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_GE(self->fd, 0);
	dtls_test_loopback(AF_INET, &a);
	a.in4.sin_port = htons(port);
	ASSERT_EQ(0, connect(self->fd, &a.sa, sizeof(a.in4)));
	ASSERT_EQ(0, rpk_prepare(self->fd, DTLS_HS_ROLE_CLIENT, 0, &c));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), self->fd, 0, msg,
				   sizeof(msg)));
	/* s_server only reads stdin once a client is in. */
	ASSERT_EQ(3, send(self->fd, "hi\n", 3, 0));
	ASSERT_EQ(6, write(self->peer.in, "hello\n", 6));
	memset(got, 0, sizeof(got));
	ASSERT_EQ(6, recv(self->fd, got, sizeof(got), 0)) {
		dtls_test_hs_show("kernel", self->fd);
	}
	EXPECT_EQ(0, memcmp(got, "hello\n", 6));
	ASSERT_EQ(0, dtls_hs_get(dtls_test_nl(), self->fd, 0, &info, msg,
				 sizeof(msg)));
	EXPECT_EQ(DTLS_HS_STATE_ESTABLISHED, info.state);
	EXPECT_EQ(CTYPE_X509, info.peer_cert_type);
	EXPECT_TRUE(info.has_peer_cert);
	test_cert_spki_sha256(&self->ocert, want);
	EXPECT_EQ(0, memcmp(info.peer_spki_sha256, want, 32));
}

TEST_HARNESS_MAIN
