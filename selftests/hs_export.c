// SPDX-License-Identifier: GPL-2.0
/*
 * The RFC 5705 exporter of a kernel handshake's session
 * (getsockopt DTLS_EXPORT_KEYING_MATERIAL, the netlink "export" request)
 * against OpenSSL's SSL_export_keying_material() on the other side of
 * the same session, in this process: kernel server with an OpenSSL
 * client and kernel client with an OpenSSL server, SHA-256 and SHA-384
 * PRFs, IPv4 and IPv6; several labels, contexts (none, empty, short,
 * 1024 bytes) and lengths (1 to 4096).  Both sides use the extended
 * master secret (RFC 7627); the kernel refuses a peer without it, so
 * that no exporter of a session without it exists (no_ems).  The SRTP
 * keys of libdtls's dtls_srtp_export() split what OpenSSL exports for
 * "EXTRACTOR-dtls_srtp" as RFC 5764 4.2 lays it out.  Then
 * DTLS_EXPORTER_WIPE (EKEYEXPIRED after it), and bad requests: before
 * the handshake, on a socket without a kernel handshake, sizes, flags,
 * labels, each with its errno.
 */
#include <poll.h>
#include <sys/time.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "dtls_test.h"
#include "peer.h"
#include "kselftest_harness.h"

#define PSK_HEX	"5b8c2f0e9d1a7c6b4e3f2a1908d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2918070"
#define PSK_ID	"kdtls-export"
#define WAIT_MS	60000

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

/* The two sides: the kernel's socket and OpenSSL's, connected to it. */
struct pair {
	int		kfd;
	int		ofd;
	SSL_CTX		*ctx;
	SSL		*ssl;
	char		err[256];
};

static void pair_init(struct pair *p)
{
	memset(p, 0, sizeof(*p));
	p->kfd = p->ofd = -1;
}

static void pair_free(struct pair *p)
{
	if (p->ssl)
		SSL_free(p->ssl);
	if (p->ctx)
		SSL_CTX_free(p->ctx);
	if (p->kfd >= 0)
		close(p->kfd);
	if (p->ofd >= 0)
		close(p->ofd);
	pair_init(p);
}

/* Kernel side: attach, PSK, configure, start.  0 or -errno. */
static int kernel_start(struct pair *p, bool server, uint16_t suite)
{
	struct dtls_hs_config cfg = {
		.role = server ? DTLS_HS_ROLE_SERVER : DTLS_HS_ROLE_CLIENT,
		.suites = &suite,
		.n_suites = 1,
		.rto_initial_ms = 500,
		.timeout_ms = 2 * WAIT_MS,
		.cookies = -1,
	};
	char msg[128] = "";
	int err;

	err = dtls_test_hs_setup(p->kfd, &cfg, PSK_ID, psk, sizeof(psk));
	if (!err)
		err = dtls_hs_start(dtls_test_nl(), p->kfd, 0, msg, sizeof(msg));
	if (err)
		snprintf(p->err, sizeof(p->err), "kernel start: %s (%s)",
			 strerror(-err), msg);
	return err;
}

/*
 * Both sides of one session over loopback: the kernel in @kernel_server
 * role, OpenSSL in the other, with @cipher.  @no_ems: OpenSSL without
 * the extended master secret.  0 once both are established, else -1
 * with p->err set.
 */
static int pair_handshake(struct pair *p, int family, bool kernel_server,
			  const char *cipher, uint16_t suite, bool no_ems)
{
	socklen_t alen = dtls_test_addr_len(family);
	union dtls_test_addr ka, oa;
	struct timeval tv = { .tv_sec = 1 };
	struct dtls_hs_info info;
	time_t deadline;
	BIO *bio;
	int r;

	parse_psk();
	p->kfd = dtls_test_udp_bound(family, &ka);
	p->ofd = dtls_test_udp_bound(family, &oa);
	if (p->kfd < 0 || p->ofd < 0 || connect(p->ofd, &ka.sa, alen) ||
	    (!kernel_server && connect(p->kfd, &oa.sa, alen))) {
		snprintf(p->err, sizeof(p->err), "sockets: %s",
			 strerror(errno));
		return -1;
	}
	p->ctx = SSL_CTX_new(kernel_server ? DTLS_client_method() :
					     DTLS_server_method());
	if (!p->ctx || !SSL_CTX_set_min_proto_version(p->ctx, DTLS1_2_VERSION) ||
	    !SSL_CTX_set_max_proto_version(p->ctx, DTLS1_2_VERSION) ||
	    !SSL_CTX_set_cipher_list(p->ctx, cipher)) {
		snprintf(p->err, sizeof(p->err), "SSL_CTX for %s", cipher);
		return -1;
	}
	if (no_ems)
		SSL_CTX_set_options(p->ctx, SSL_OP_NO_EXTENDED_MASTER_SECRET);
	if (kernel_server)
		SSL_CTX_set_psk_client_callback(p->ctx, psk_client_cb);
	else
		SSL_CTX_set_psk_server_callback(p->ctx, psk_server_cb);
	p->ssl = SSL_new(p->ctx);
	bio = BIO_new_dgram(p->ofd, BIO_NOCLOSE);
	if (!p->ssl || !bio) {
		BIO_free(bio);
		snprintf(p->err, sizeof(p->err), "SSL_new");
		return -1;
	}
	BIO_ctrl(bio, BIO_CTRL_DGRAM_SET_CONNECTED, 0, &ka.ss);
	SSL_set_bio(p->ssl, bio, bio);
	setsockopt(p->ofd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (kernel_server)
		SSL_set_connect_state(p->ssl);
	else
		SSL_set_accept_state(p->ssl);
	/* A server waits for the ClientHello: start it first. */
	if (kernel_start(p, kernel_server, suite))
		return -1;

	deadline = time(NULL) + WAIT_MS / 1000;
	while ((r = SSL_do_handshake(p->ssl)) != 1) {
		int e = SSL_get_error(p->ssl, r);

		if (e != SSL_ERROR_WANT_READ || time(NULL) > deadline) {
			snprintf(p->err, sizeof(p->err),
				 "OpenSSL handshake: error %d, %s", e,
				 ERR_reason_error_string(ERR_peek_error()) ?:
				 "-");
			return -1;
		}
		DTLSv1_handle_timeout(p->ssl);
	}
	r = dtls_test_hs_settle(p->kfd, WAIT_MS, &info);
	if (r != DTLS_HS_STATE_ESTABLISHED) {
		snprintf(p->err, sizeof(p->err), "kernel state %d, error %u",
			 r, info.error);
		return -1;
	}
	return 0;
}

/* The kernel's exporter by getsockopt, by hand (not through libdtls). */
static int k_export_raw(int fd, const void *label, uint16_t label_len,
			const void *ctx, uint16_t ctx_len, uint32_t flags,
			uint32_t reserved, uint32_t len, socklen_t optlen,
			uint8_t *out, socklen_t *outlen)
{
	struct dtls_export req = {
		.length = len, .label_len = label_len, .context_len = ctx_len,
		.flags = flags, .reserved = reserved,
	};
	static uint8_t buf[8192];

	memset(buf, 0, sizeof(buf));
	memcpy(buf, &req, sizeof(req));
	memcpy(buf + sizeof(req), label, label_len);
	if (ctx_len)
		memcpy(buf + sizeof(req) + label_len, ctx, ctx_len);
	if (getsockopt(fd, SOL_DTLS, DTLS_EXPORT_KEYING_MATERIAL, buf,
		       &optlen))
		return -errno;
	if (out)
		memcpy(out, buf, optlen);
	if (outlen)
		*outlen = optlen;
	return 0;
}

static const char long_label[] =
	"EXPERIMENTAL-0123456789012345678901234567890123456789012345678901";

struct ekm_case {
	const char	*label;
	int		ctx_len;	/* -1: no context */
	uint32_t	len;
};

static const struct ekm_case ekm_cases[] = {
	{ "EXTRACTOR-dtls_srtp", -1, 60 },
	{ "EXTRACTOR-dtls_srtp", -1, 88 },
	{ "EXPERIMENTAL kdtls", -1, 1 },
	{ "EXPERIMENTAL kdtls", 0, 32 },	/* empty context: not none */
	{ "EXPERIMENTAL kdtls", 32, 100 },
	/* OpenSSL's TLS1-PRF takes a seed of 1024 bytes at most. */
	{ "EXPERIMENTAL kdtls", 900, 4096 },
	{ "EXPERIMENTAL-0123456789012345678901234567890123456789012345678901"
	  + 1, 7, 48 },			/* 64 bytes */
	{ "x", 1, 1024 },
};

FIXTURE(exp) {
	struct pair p;
};

FIXTURE_VARIANT(exp) {
	bool kernel_server;
	const char *cipher;
	uint16_t suite;
	int family;
};

FIXTURE_VARIANT_ADD(exp, server_sha256) {
	.kernel_server = true, .cipher = "PSK-AES128-GCM-SHA256",
	.suite = 0x00a8, .family = AF_INET,
};

FIXTURE_VARIANT_ADD(exp, server_sha384) {
	.kernel_server = true, .cipher = "PSK-AES256-GCM-SHA384",
	.suite = 0x00a9, .family = AF_INET,
};

FIXTURE_VARIANT_ADD(exp, client_sha256) {
	.kernel_server = false, .cipher = "PSK-AES128-GCM-SHA256",
	.suite = 0x00a8, .family = AF_INET,
};

FIXTURE_VARIANT_ADD(exp, client_sha384_v6) {
	.kernel_server = false, .cipher = "PSK-AES256-GCM-SHA384",
	.suite = 0x00a9, .family = AF_INET6,
};

FIXTURE_VARIANT_ADD(exp, server_ecdhe_v6) {
	.kernel_server = true, .cipher = "ECDHE-PSK-CHACHA20-POLY1305",
	.suite = 0xccac, .family = AF_INET6,
};

FIXTURE_SETUP(exp)
{
	pair_init(&self->p);
	ASSERT_EQ(0, pair_handshake(&self->p, variant->family,
				    variant->kernel_server, variant->cipher,
				    variant->suite, false)) {
		TH_LOG("%s", self->p.err);
	}
}

FIXTURE_TEARDOWN(exp)
{
	pair_free(&self->p);
}

/* Both sides export the same bytes, by getsockopt and by netlink. */
TEST_F_TIMEOUT(exp, match, 240)
{
	static uint8_t ctx[1024], k[4096], nl[4096], o[4096];
	char msg[128];
	size_t i;

	for (i = 0; i < sizeof(ctx); i++)
		ctx[i] = i * 7 + 3;
	for (i = 0; i < sizeof(ekm_cases) / sizeof(ekm_cases[0]); i++) {
		const struct ekm_case *c = &ekm_cases[i];
		bool use = c->ctx_len >= 0;
		size_t cl = use ? c->ctx_len : 0;

		memset(k, 0, sizeof(k));
		memset(o, 0xff, sizeof(o));
		memset(nl, 0x55, sizeof(nl));
		ASSERT_EQ(1, SSL_export_keying_material(self->p.ssl, o, c->len,
							c->label,
							strlen(c->label),
							ctx, cl, use)) {
			TH_LOG("case %zu: OpenSSL refused", i);
		}
		ASSERT_EQ(0, dtls_export_keying_material(self->p.kfd, c->label,
							 strlen(c->label), ctx,
							 cl, use, k, c->len));
		ASSERT_EQ(0, memcmp(k, o, c->len)) {
			TH_LOG("case %zu: %s ctx %d len %u differ", i,
			       c->label, c->ctx_len, c->len);
		}
		msg[0] = 0;
		ASSERT_EQ(0, dtls_export(dtls_test_nl(), self->p.kfd, c->label,
					 strlen(c->label), ctx, cl, use, nl,
					 c->len, msg, sizeof(msg))) {
			TH_LOG("netlink export: %s", msg);
		}
		ASSERT_EQ(0, memcmp(nl, o, c->len));
	}
	/* Without a context and with an empty one: not the same bytes. */
	ASSERT_EQ(0, dtls_export_keying_material(self->p.kfd, "EXPERIMENTAL a",
						 14, NULL, 0, false, k, 32));
	ASSERT_EQ(0, dtls_export_keying_material(self->p.kfd, "EXPERIMENTAL a",
						 14, NULL, 0, true, o, 32));
	ASSERT_NE(0, memcmp(k, o, 32));
	/* The kernel's bounds, past what OpenSSL takes: 1024 + 4096. */
	ASSERT_EQ(0, dtls_export_keying_material(self->p.kfd, long_label + 1,
						 64, ctx, 1024, true, k, 4096));
}

/* libdtls's SRTP split of OpenSSL's EXTRACTOR-dtls_srtp, every profile. */
TEST_F_TIMEOUT(exp, srtp_split, 240)
{
	static const uint16_t profiles[] = {
		DTLS_SRTP_AES128_CM_HMAC_SHA1_80,
		DTLS_SRTP_AES128_CM_HMAC_SHA1_32,
		DTLS_SRTP_AEAD_AES_128_GCM, DTLS_SRTP_AEAD_AES_256_GCM,
	};
	static const uint8_t ksz[] = { 16, 16, 16, 32 }, ssz[] = { 14, 14, 12, 12 };
	struct dtls_srtp_keys keys;
	uint8_t o[92];
	size_t i, n;

	for (i = 0; i < 4; i++) {
		n = 2 * (ksz[i] + ssz[i]);
		ASSERT_EQ(1, SSL_export_keying_material(self->p.ssl, o, n,
				DTLS_SRTP_EXPORTER_LABEL,
				strlen(DTLS_SRTP_EXPORTER_LABEL), NULL, 0, 0));
		ASSERT_EQ(0, dtls_srtp_export(self->p.kfd, profiles[i], &keys));
		ASSERT_EQ(profiles[i], keys.profile);
		ASSERT_EQ(ksz[i], keys.key_len);
		ASSERT_EQ(ssz[i], keys.salt_len);
		ASSERT_EQ(0, memcmp(keys.client_key, o, ksz[i]));
		ASSERT_EQ(0, memcmp(keys.server_key, o + ksz[i], ksz[i]));
		ASSERT_EQ(0, memcmp(keys.client_salt, o + 2 * ksz[i], ssz[i]));
		ASSERT_EQ(0, memcmp(keys.server_salt, o + 2 * ksz[i] + ssz[i],
				    ssz[i]));
		/* The split refuses a length that is not the profile's. */
		ASSERT_EQ(-EINVAL, dtls_srtp_split(profiles[i], o, n - 1, &keys));
	}
	ASSERT_EQ(-EINVAL, dtls_srtp_export(self->p.kfd, 0x0003, &keys));
	ASSERT_EQ(-EINVAL, dtls_srtp_split(0x0000, o, 60, &keys));
}

/* DTLS_EXPORTER_WIPE: EKEYEXPIRED after, both ways; records still flow. */
TEST_F_TIMEOUT(exp, wipe, 240)
{
	char msg[128], buf[16];
	uint8_t k[32];
	int n;

	ASSERT_EQ(0, dtls_export_keying_material(self->p.kfd, "EXPERIMENTAL w",
						 14, NULL, 0, false, k, 32));
	ASSERT_EQ(0, dtls_exporter_wipe(self->p.kfd));
	ASSERT_EQ(-EKEYEXPIRED,
		  dtls_export_keying_material(self->p.kfd, "EXPERIMENTAL w", 14,
					      NULL, 0, false, k, 32));
	ASSERT_EQ(-EKEYEXPIRED, dtls_export(dtls_test_nl(), self->p.kfd,
					    "EXPERIMENTAL w", 14, NULL, 0,
					    false, k, 32, msg, sizeof(msg)));
	ASSERT_NE(NULL, strstr(msg, "wiped"));
	/* Twice is fine. */
	ASSERT_EQ(0, dtls_exporter_wipe(self->p.kfd));
	/* The session goes on: the kernel's record reaches OpenSSL. */
	ASSERT_EQ(5, send(self->p.kfd, "after", 5, 0));
	n = SSL_read(self->p.ssl, buf, sizeof(buf));
	ASSERT_EQ(5, n);
	ASSERT_EQ(0, memcmp(buf, "after", 5));
}

/* Requests the kernel refuses on an established socket, each errno. */
TEST_F_TIMEOUT(exp, bad_requests, 240)
{
	const int fd = self->p.kfd;
	static uint8_t big[4097];
	char ctx[1100] = { 0 };
	socklen_t olen;
	uint8_t out[64];
	char msg[128];
	int H = sizeof(struct dtls_export);

	/* The good one, then one field wrong at a time. */
	ASSERT_EQ(0, k_export_raw(fd, "EXPERIMENTAL b", 14, NULL, 0, 0, 0, 32,
				  H + 32, out, &olen));
	ASSERT_EQ(32, olen);
	/* Lengths: 0, past 4096. */
	ASSERT_EQ(-EINVAL, k_export_raw(fd, "EXPERIMENTAL b", 14, NULL, 0, 0,
					0, 0, H + 32, NULL, NULL));
	ASSERT_EQ(-EMSGSIZE, k_export_raw(fd, "EXPERIMENTAL b", 14, NULL, 0, 0,
					  0, 4097, 8192, NULL, NULL));
	/* Label: empty, 65 bytes, a NUL in it, the key schedule's own. */
	ASSERT_EQ(-EINVAL, k_export_raw(fd, "", 0, NULL, 0, 0, 0, 32, H + 32,
					NULL, NULL));
	ASSERT_EQ(-EMSGSIZE, k_export_raw(fd, long_label, 65, NULL, 0, 0, 0,
					  32, H + 100, NULL, NULL));
	ASSERT_EQ(-EINVAL, k_export_raw(fd, "EXPERIMENTAL\0b", 14, NULL, 0, 0,
					0, 32, H + 32, NULL, NULL));
	ASSERT_EQ(-EINVAL, k_export_raw(fd, "master secret", 13, NULL, 0, 0,
					0, 32, H + 32, NULL, NULL));
	ASSERT_EQ(-EINVAL, k_export_raw(fd, "key expansion", 13, NULL, 0, 0,
					0, 32, H + 32, NULL, NULL));
	ASSERT_EQ(-EINVAL, k_export_raw(fd, "extended master secret", 22, NULL,
					0, 0, 0, 32, H + 32, NULL, NULL));
	/* Context: past 1024; given without the flag. */
	ASSERT_EQ(-EMSGSIZE, k_export_raw(fd, "EXPERIMENTAL b", 14, ctx, 1025,
					  DTLS_EXPORT_F_CONTEXT, 0, 32, 2000,
					  NULL, NULL));
	ASSERT_EQ(-EINVAL, k_export_raw(fd, "EXPERIMENTAL b", 14, ctx, 4, 0, 0,
					32, H + 32, NULL, NULL));
	/* Unknown flags, reserved not zero. */
	ASSERT_EQ(-EINVAL, k_export_raw(fd, "EXPERIMENTAL b", 14, NULL, 0, 2,
					0, 32, H + 32, NULL, NULL));
	ASSERT_EQ(-EINVAL, k_export_raw(fd, "EXPERIMENTAL b", 14, NULL, 0, 0,
					1, 32, H + 32, NULL, NULL));
	/* optlen: short of the header, of the label, of the output. */
	ASSERT_EQ(-EINVAL, k_export_raw(fd, "EXPERIMENTAL b", 14, NULL, 0, 0,
					0, 8, H - 1, NULL, NULL));
	ASSERT_EQ(-EINVAL, k_export_raw(fd, "EXPERIMENTAL b", 14, NULL, 0, 0,
					0, 8, H + 13, NULL, NULL));
	ASSERT_EQ(-EINVAL, k_export_raw(fd, "EXPERIMENTAL b", 14, NULL, 0, 0,
					0, 64, H + 32, NULL, NULL));
	/* Netlink: the same bounds, and by fd only. */
	ASSERT_EQ(-EINVAL, dtls_export(dtls_test_nl(), fd, "EXPERIMENTAL b",
				       14, NULL, 0, false, out, 0, msg,
				       sizeof(msg)));
	ASSERT_EQ(-EMSGSIZE, dtls_export(dtls_test_nl(), fd, long_label, 65,
					 NULL, 0, false, out, 32, msg,
					 sizeof(msg)));
	ASSERT_EQ(-EMSGSIZE, dtls_export(dtls_test_nl(), fd, "EXPERIMENTAL b",
					 14, ctx, 1025, true, out, 32, msg,
					 sizeof(msg)));
	ASSERT_EQ(-EINVAL, dtls_export(dtls_test_nl(), fd, "master secret",
				       13, NULL, 0, false, out, 32, msg,
				       sizeof(msg)));
	ASSERT_EQ(-EMSGSIZE, dtls_export(dtls_test_nl(), fd, "EXPERIMENTAL b",
					 14, NULL, 0, false, big, 4097, msg,
					 sizeof(msg)));
}

FIXTURE(exp_bad) {
	struct pair p;
};

FIXTURE_SETUP(exp_bad)
{
	pair_init(&self->p);
}

FIXTURE_TEARDOWN(exp_bad)
{
	pair_free(&self->p);
}

/* No kernel handshake established: ENOTCONN, before, during and never. */
TEST_F(exp_bad, before_handshake)
{
	union dtls_test_addr a;
	uint8_t out[32];
	char msg[128];
	int fd;

	/* Attached, no handshake at all (a socket keyed from user space). */
	fd = dtls_test_udp_bound(AF_INET, &a);
	ASSERT_GE(fd, 0);
	self->p.kfd = fd;
	ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), fd, NULL, NULL, 0));
	ASSERT_EQ(-ENOTCONN, dtls_export_keying_material(fd, "EXPERIMENTAL n",
							 14, NULL, 0, false,
							 out, 32));
	ASSERT_EQ(-ENOTCONN, dtls_export(dtls_test_nl(), fd, "EXPERIMENTAL n",
					 14, NULL, 0, false, out, 32, msg,
					 sizeof(msg)));
	/* Another socket: a server waiting for its ClientHello. */
	fd = dtls_test_udp_bound(AF_INET, &a);
	ASSERT_GE(fd, 0);
	self->p.ofd = fd;
	parse_psk();
	{
		struct pair q = { .kfd = fd };

		ASSERT_EQ(0, kernel_start(&q, true, 0x00a8)) {
			TH_LOG("%s", q.err);
		}
	}
	ASSERT_EQ(-ENOTCONN, dtls_export_keying_material(fd, "EXPERIMENTAL n",
							 14, NULL, 0, false,
							 out, 32));
	/* Wiping nothing is no error, and the handshake may still come. */
	ASSERT_EQ(0, dtls_exporter_wipe(fd));
}

/*
 * OpenSSL without the extended master secret: the kernel refuses the
 * session (RFC 7627 5.3), so there is no exporter of it.
 */
TEST_F_TIMEOUT(exp_bad, no_ems, 240)
{
	struct dtls_hs_info info;
	uint8_t out[32];

	ASSERT_NE(0, pair_handshake(&self->p, AF_INET, true,
				    "PSK-AES128-GCM-SHA256", 0x00a8, true));
	dtls_test_hs_settle(self->p.kfd, WAIT_MS, &info);
	ASSERT_EQ(DTLS_HS_STATE_FAILED, info.state);
	ASSERT_EQ(-ENOTCONN, dtls_export_keying_material(self->p.kfd,
							 "EXPERIMENTAL n", 14,
							 NULL, 0, false, out,
							 32));
}

TEST_HARNESS_MAIN
