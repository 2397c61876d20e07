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
#include <pthread.h>
#include <sys/time.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "dtls_openssl.h"
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

/* use_srtp on each side (RFC 5764), for pair_handshake() */
struct srtp_opts {
	const uint16_t	*k_profiles;	/* the kernel's, in preference order */
	size_t		n_k;
	const char	*k_mki;		/* the kernel client's MKI, or NULL */
	int		k_required;	/* 1: required */
	const char	*o_profiles;	/* OpenSSL's, or NULL: no use_srtp */
};

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
static int kernel_start_srtp(struct pair *p, bool server, uint16_t suite,
			     const struct srtp_opts *so)
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

	if (so) {
		cfg.srtp_profiles = so->k_profiles;
		cfg.n_srtp_profiles = so->n_k;
		if (so->k_mki) {
			cfg.srtp_mki = so->k_mki;
			cfg.srtp_mki_len = strlen(so->k_mki);
		}
		cfg.srtp_required = so->k_required;
	}
	err = dtls_test_hs_setup(p->kfd, &cfg, PSK_ID, psk, sizeof(psk));
	if (!err)
		err = dtls_hs_start(dtls_test_nl(), p->kfd, 0, msg, sizeof(msg));
	if (err)
		snprintf(p->err, sizeof(p->err), "kernel start: %s (%s)",
			 strerror(-err), msg);
	return err;
}

static int kernel_start(struct pair *p, bool server, uint16_t suite)
{
	return kernel_start_srtp(p, server, suite, NULL);
}

/*
 * Both sides of one session over loopback: the kernel in @kernel_server
 * role, OpenSSL in the other, with @cipher.  @no_ems: OpenSSL without
 * the extended master secret.  0 once both are established, else -1
 * with p->err set.
 */
struct noise;
static void noise_start(struct noise *nz, int fd, pthread_t *th);

/*
 * The sockets (@ka, @oa: their addresses) and OpenSSL's side, before
 * anything is sent.  0, or -1 with p->err set.
 */
static int pair_setup(struct pair *p, int family, bool kernel_server,
		      const char *cipher, bool no_ems,
		      const struct srtp_opts *so, union dtls_test_addr *pka,
		      union dtls_test_addr *poa)
{
	socklen_t alen = dtls_test_addr_len(family);
	union dtls_test_addr ka, oa;
	struct timeval tv = { .tv_sec = 1 };
	BIO *bio;

	parse_psk();
	p->kfd = dtls_test_udp_bound(family, &ka);
	p->ofd = dtls_test_udp_bound(family, &oa);
	if (pka)
		*pka = ka;
	if (poa)
		*poa = oa;
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
	/* OpenSSL's convention: 0 is success. */
	if (so && so->o_profiles &&
	    SSL_CTX_set_tlsext_use_srtp(p->ctx, so->o_profiles)) {
		snprintf(p->err, sizeof(p->err), "use_srtp %s", so->o_profiles);
		return -1;
	}
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
	return 0;
}

/* OpenSSL's side to its end, then the kernel's.  0, or -1 and p->err. */
static int pair_drive(struct pair *p)
{
	struct dtls_hs_info info;
	time_t deadline;
	int r;

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

static int pair_handshake_full(struct pair *p, int family, bool kernel_server,
			       const char *cipher, uint16_t suite, bool no_ems,
			       const struct srtp_opts *so, struct noise *nz,
			       pthread_t *th)
{
	if (pair_setup(p, family, kernel_server, cipher, no_ems, so, NULL,
		       NULL))
		return -1;
	/* A server waits for the ClientHello: start it first. */
	if (kernel_start_srtp(p, kernel_server, suite, so))
		return -1;
	if (nz)
		noise_start(nz, p->ofd, th);
	return pair_drive(p);
}

static int pair_handshake_srtp(struct pair *p, int family, bool kernel_server,
			       const char *cipher, uint16_t suite, bool no_ems,
			       const struct srtp_opts *so)
{
	return pair_handshake_full(p, family, kernel_server, cipher, suite,
				   no_ems, so, NULL, NULL);
}

static int pair_handshake(struct pair *p, int family, bool kernel_server,
			  const char *cipher, uint16_t suite, bool no_ems)
{
	return pair_handshake_srtp(p, family, kernel_server, cipher, suite,
				   no_ems, NULL);
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

/*
 * use_srtp with OpenSSL (SSL_CTX_set_tlsext_use_srtp) in the other role:
 * the profile both sides name, the MKI, each refusal's alert.
 */
static const uint16_t k_all[] = { 0x0001, 0x0002, 0x0007, 0x0008 };
static const uint16_t k_gcm_first[] = { 0x0008, 0x0007, 0x0001 };
static const uint16_t k_32_80[] = { 0x0002, 0x0001 };
static const uint16_t k_256[] = { 0x0008 };
static const uint16_t k_80[] = { 0x0001 };

FIXTURE(srtp) {
	struct pair p;
};

FIXTURE_VARIANT(srtp) {
	bool kernel_server;
	struct srtp_opts so;
	uint16_t want;		/* the profile both sides end with */
	uint8_t alert;		/* or the kernel's alert (sent or received) */
};

#define K(list) .k_profiles = list, .n_k = sizeof(list) / sizeof(list[0])

/* A server picks its most preferred profile among the client's. */
FIXTURE_VARIANT_ADD(srtp, server_prefers_own) {
	.kernel_server = true, .so = { K(k_all),
	.o_profiles = "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80" },
	.want = 0x0001,
};
FIXTURE_VARIANT_ADD(srtp, server_gcm256) {
	.kernel_server = true, .so = { K(k_gcm_first),
	.o_profiles = "SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_256_GCM" },
	.want = 0x0008,
};
FIXTURE_VARIANT_ADD(srtp, server_none_common) {
	.kernel_server = true, .so = { K(k_256),
	.o_profiles = "SRTP_AES128_CM_SHA1_80" },
	.want = 0,
};
FIXTURE_VARIANT_ADD(srtp, server_required_none_common) {
	.kernel_server = true, .so = { K(k_256), .k_required = 1,
	.o_profiles = "SRTP_AES128_CM_SHA1_80" },
	.alert = 40,
};
FIXTURE_VARIANT_ADD(srtp, server_required_no_offer) {
	.kernel_server = true, .so = { K(k_all), .k_required = 1 },
	.alert = 40,
};
FIXTURE_VARIANT_ADD(srtp, client_server_prefers) {
	.kernel_server = false, .so = { K(k_32_80),
	.o_profiles = "SRTP_AES128_CM_SHA1_80:SRTP_AES128_CM_SHA1_32" },
	.want = 0x0001,
};
FIXTURE_VARIANT_ADD(srtp, client_gcm128) {
	.kernel_server = false, .so = { K(k_all),
	.o_profiles = "SRTP_AEAD_AES_128_GCM" },
	.want = 0x0007,
};
/* OpenSSL takes the MKI and answers with none. */
FIXTURE_VARIANT_ADD(srtp, client_mki) {
	.kernel_server = false, .so = { K(k_80), .k_mki = "kdtls-mki",
	.o_profiles = "SRTP_AES128_CM_SHA1_80" },
	.want = 0x0001,
};
FIXTURE_VARIANT_ADD(srtp, client_none_common) {
	.kernel_server = false, .so = { K(k_80),
	.o_profiles = "SRTP_AEAD_AES_256_GCM" },
	.want = 0,
};
FIXTURE_VARIANT_ADD(srtp, client_required_no_answer) {
	.kernel_server = false, .so = { K(k_80), .k_required = 1 },
	.alert = 40,
};

FIXTURE_SETUP(srtp)
{
	pair_init(&self->p);
}

FIXTURE_TEARDOWN(srtp)
{
	pair_free(&self->p);
}

TEST_F_TIMEOUT(srtp, negotiate, 240)
{
	const SRTP_PROTECTION_PROFILE *op;
	struct dtls_srtp_keys keys, okeys;
	struct dtls_srtp_info si;
	struct dtls_hs_info info;
	uint8_t o[92];
	int r;

	r = pair_handshake_srtp(&self->p, AF_INET, variant->kernel_server,
				"PSK-AES128-GCM-SHA256", 0x00a8, false,
				&variant->so);
	if (variant->alert) {
		ASSERT_NE(0, r);
		dtls_test_hs_settle(self->p.kfd, WAIT_MS, &info);
		ASSERT_EQ(DTLS_HS_STATE_FAILED, info.state);
		ASSERT_EQ(variant->alert, info.alert);
		ASSERT_EQ(0, dtls_get_srtp(self->p.kfd, &si));
		ASSERT_EQ(0, si.profile);
		return;
	}
	ASSERT_EQ(0, r) {
		TH_LOG("%s", self->p.err);
	}
	op = SSL_get_selected_srtp_profile(self->p.ssl);
	ASSERT_EQ(variant->want, op ? op->id : 0);
	/* hs-get and DTLS_SRTP say the same */
	ASSERT_EQ(0, dtls_hs_get(dtls_test_nl(), self->p.kfd, 0, &info, NULL,
				 0));
	ASSERT_EQ(variant->want, info.srtp_profile);
	ASSERT_EQ(0, info.srtp_mki_len);
	ASSERT_EQ(0, dtls_get_srtp(self->p.kfd, &si));
	ASSERT_EQ(variant->want, si.profile);
	ASSERT_EQ(0, si.mki_len);
	if (!variant->want) {
		ASSERT_EQ(-ENOPROTOOPT,
			  dtls_openssl_srtp_keys(self->p.ssl, &okeys));
		return;
	}
	/* Both sides' SRTP keys, from the exporter */
	ASSERT_EQ(0, dtls_srtp_export(self->p.kfd, variant->want, &keys));
	ASSERT_EQ(1, SSL_export_keying_material(self->p.ssl, o,
			2 * (keys.key_len + keys.salt_len),
			DTLS_SRTP_EXPORTER_LABEL,
			strlen(DTLS_SRTP_EXPORTER_LABEL), NULL, 0, 0));
	ASSERT_EQ(0, memcmp(keys.client_key, o, keys.key_len));
	ASSERT_EQ(0, memcmp(keys.server_salt,
			    o + 2 * keys.key_len + keys.salt_len,
			    keys.salt_len));
	/* dtls_openssl's helper: OpenSSL's profile and exporter, split */
	ASSERT_EQ(0, dtls_openssl_srtp_keys(self->p.ssl, &okeys));
	ASSERT_EQ(0, memcmp(&keys, &okeys, sizeof(keys)));
}

/* Kernel with kernel: the server echoes the client's MKI. */
TEST(srtp_kernel_pair_mki)
{
	static const uint16_t cprof[] = { 0x0007, 0x0001 };
	static const uint16_t sprof[] = { 0x0001, 0x0007 };
	struct srtp_opts cso = { K(cprof), .k_mki = "\x01\x02\x03\xff" };
	struct srtp_opts sso = { K(sprof), .k_required = 1 };
	struct dtls_srtp_keys ck, sk;
	struct dtls_hs_info ci, si;
	union dtls_test_addr ca, sa;
	struct pair c, s;
	int i;

	parse_psk();
	pair_init(&c);
	pair_init(&s);
	c.kfd = dtls_test_udp_bound(AF_INET, &ca);
	s.kfd = dtls_test_udp_bound(AF_INET, &sa);
	ASSERT_GE(c.kfd, 0);
	ASSERT_GE(s.kfd, 0);
	ASSERT_EQ(0, connect(c.kfd, &sa.sa, sizeof(sa.in4)));
	ASSERT_EQ(0, kernel_start_srtp(&s, true, 0x00a8, &sso)) {
		TH_LOG("%s", s.err);
	}
	ASSERT_EQ(0, kernel_start_srtp(&c, false, 0x00a8, &cso)) {
		TH_LOG("%s", c.err);
	}
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED,
		  dtls_test_hs_settle(c.kfd, WAIT_MS, &ci));
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED,
		  dtls_test_hs_settle(s.kfd, WAIT_MS, &si));
	/* The server's preference among the client's offer */
	ASSERT_EQ(0x0001, ci.srtp_profile);
	ASSERT_EQ(0x0001, si.srtp_profile);
	ASSERT_EQ(4, ci.srtp_mki_len);
	ASSERT_EQ(4, si.srtp_mki_len);
	ASSERT_EQ(0, memcmp(si.srtp_mki, "\x01\x02\x03\xff", 4));
	ASSERT_EQ(0, dtls_srtp_export(c.kfd, 0x0001, &ck));
	ASSERT_EQ(0, dtls_srtp_export(s.kfd, 0x0001, &sk));
	ASSERT_EQ(0, memcmp(&ck, &sk, sizeof(ck)));
	for (i = 0; i < 16 && !ck.client_key[i]; i++)
		;
	ASSERT_LT(i, 16);
	pair_free(&c);
	pair_free(&s);
}

/* hs-config refuses unknown and repeated profiles, and a long MKI. */
TEST(srtp_config_refused)
{
	static const uint16_t unknown[] = { 0x0001, 0x0003 };
	static const uint16_t repeated[] = { 0x0001, 0x0001 };
	static const uint16_t five[] = { 1, 2, 7, 8, 1 };
	uint8_t mki[256] = { 0 };
	struct dtls_hs_config cfg = { .cookies = -1 };
	union dtls_test_addr a;
	char msg[128];
	int fd;

	fd = dtls_test_udp_bound(AF_INET, &a);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), fd, NULL, NULL, 0));
	cfg.srtp_profiles = unknown;
	cfg.n_srtp_profiles = 2;
	ASSERT_EQ(-EINVAL, dtls_hs_config(dtls_test_nl(), fd, 0, &cfg, msg,
					  sizeof(msg)));
	ASSERT_NE(NULL, strstr(msg, "SRTP profile"));
	cfg.srtp_profiles = repeated;
	ASSERT_EQ(-EINVAL, dtls_hs_config(dtls_test_nl(), fd, 0, &cfg, msg,
					  sizeof(msg)));
	cfg.srtp_profiles = five;
	cfg.n_srtp_profiles = 5;
	ASSERT_EQ(-EINVAL, dtls_hs_config(dtls_test_nl(), fd, 0, &cfg, msg,
					  sizeof(msg)));
	cfg.n_srtp_profiles = 4;
	cfg.srtp_mki = mki;
	cfg.srtp_mki_len = 256;
	ASSERT_EQ(-EINVAL, dtls_hs_config(dtls_test_nl(), fd, 0, &cfg, msg,
					  sizeof(msg)));
	ASSERT_NE(NULL, strstr(msg, "MKI"));
	cfg.srtp_mki_len = 255;
	ASSERT_EQ(0, dtls_hs_config(dtls_test_nl(), fd, 0, &cfg, msg,
				    sizeof(msg)));
	close(fd);
}

/*
 * STUN and RTP-like datagrams (RFC 7983: first byte 0..3, 128..191) from
 * the peer's address while the handshake runs reach the application
 * untouched, and the handshake completes.
 */
struct noise {
	int		fd;
	int		n;
	volatile bool	stop;
};

static void *noise_run(void *arg)
{
	struct noise *nz = arg;
	uint8_t stun[20] = { 0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42 };
	uint8_t rtp[40] = { 0x80, 0x60 };

	while (!nz->stop && nz->n < 20) {
		stun[19] = nz->n;
		rtp[39] = nz->n;
		if (send(nz->fd, stun, sizeof(stun), 0) != sizeof(stun) ||
		    send(nz->fd, rtp, sizeof(rtp), 0) != sizeof(rtp))
			break;
		__atomic_fetch_add(&nz->n, 1, __ATOMIC_RELEASE);
		usleep(20000);
	}
	return NULL;
}

/* The noise runs; its first datagrams are sent before this returns. */
static void noise_start(struct noise *nz, int fd, pthread_t *th)
{
	int i;

	nz->fd = fd;
	pthread_create(th, NULL, noise_run, nz);
	for (i = 0; i < 500 && !__atomic_load_n(&nz->n, __ATOMIC_ACQUIRE);
	     i++)
		usleep(10000);
}

/* A handshake with the noise from the OpenSSL side's socket meanwhile. */
static int pair_handshake_noise(struct pair *p, bool kernel_server,
				const struct srtp_opts *so, struct noise *nz,
				pthread_t *th)
{
	return pair_handshake_full(p, AF_INET, kernel_server,
				   "PSK-AES128-GCM-SHA256", 0x00a8, false, so,
				   nz, th);
}

FIXTURE(interleave) {
	struct pair p;
};

FIXTURE_VARIANT(interleave) {
	bool kernel_server;
};

FIXTURE_VARIANT_ADD(interleave, server) {
	.kernel_server = true,
};

FIXTURE_VARIANT_ADD(interleave, client) {
	.kernel_server = false,
};

FIXTURE_SETUP(interleave)
{
	pair_init(&self->p);
}

FIXTURE_TEARDOWN(interleave)
{
	pair_free(&self->p);
}

TEST_F_TIMEOUT(interleave, stun_rtp, 240)
{
	struct srtp_opts so = { K(k_all), .k_required = 1,
				.o_profiles = "SRTP_AES128_CM_SHA1_80" };
	struct noise nz = { .fd = -1 };
	uint8_t buf[128];
	pthread_t th;
	int got = 0, stun = 0, rtp = 0;
	ssize_t n;

	/* The noise starts once the kernel's side is, from a thread. */
	ASSERT_EQ(0, pair_handshake_noise(&self->p, variant->kernel_server,
					  &so, &nz, &th)) {
		TH_LOG("%s", self->p.err);
	}
	nz.stop = true;
	pthread_join(th, NULL);
	ASSERT_GT(nz.n, 0);
	/* Every datagram of the noise, as it was sent, and nothing else */
	for (;;) {
		char cbuf[CMSG_SPACE(1)];
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
		};

		/* A reader with room for the record type gets them. */
		n = recvmsg(self->p.kfd, &mh, MSG_DONTWAIT);
		if (n <= 0)
			break;
		got++;
		if (n == 20 && !memcmp(buf, "\x00\x01\x00\x00\x21\x12\xa4\x42",
					8) && buf[19] == stun)
			stun++;
		else if (n == 40 && buf[0] == 0x80 && buf[1] == 0x60 &&
			 buf[39] == rtp)
			rtp++;
		else
			ASSERT_TRUE(false) {
				TH_LOG("datagram %d of %zd bytes changed", got, n);
			}
	}
	ASSERT_EQ(nz.n, stun);
	ASSERT_EQ(nz.n, rtp);
	/* ... and the session works */
	ASSERT_EQ(5, send(self->p.kfd, "media", 5, 0));
	n = SSL_read(self->p.ssl, buf, sizeof(buf));
	ASSERT_EQ(5, n);
}

/*
 * ICE on the DTLS port while the kernel's handshake runs (RFC 7983): a
 * reader with room for the record type takes STUN, marked
 * DTLS_RECORD_NOT_DTLS, with its sender's address, and answers it with a
 * datagram marked DTLS_SET_NOT_DTLS;
 * a ClientHello that came before hs-start, behind a STUN request, goes to
 * the handshake, never to the reader.  OpenSSL's retransmission timer is
 * set beyond the test's deadline: the handshake completes only if that
 * first ClientHello was not lost.
 */
static const uint8_t stun_req[20] = { 0x00, 0x01, 0x00, 0x00, 0x21, 0x12,
				      0xa4, 0x42, 's', 't', 'u', 'n' };

/* recvmsg() with room for the record type: its length, *type, *from. */
static ssize_t recv_typed(int fd, void *buf, size_t len, int flags,
			  int *type, union dtls_test_addr *from)
{
	socklen_t alen = sizeof(*from);
	uint8_t t;
	ssize_t n;

	*type = -1;
	n = dtls_recv_typed(fd, buf, len, flags, &t, &from->sa, &alen);
	if (n < 0) {
		errno = -n;
		return -1;
	}
	*type = t;
	return n;
}

/* sendmsg() marked DTLS_SET_NOT_DTLS, to @to if not NULL. */
static ssize_t send_not_dtls(int fd, const void *buf, size_t len,
			     const union dtls_test_addr *to)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(0)];
	} c = {};
	struct iovec iov = { (void *)buf, len };
	struct msghdr mh = {
		.msg_name = (void *)to,
		.msg_namelen = to ? dtls_test_addr_len(to->sa.sa_family) : 0,
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = c.b, .msg_controllen = sizeof(c.b),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cm->cmsg_level = SOL_DTLS;
	cm->cmsg_type = DTLS_SET_NOT_DTLS;
	cm->cmsg_len = CMSG_LEN(0);
	return sendmsg(fd, &mh, 0);
}

/* OpenSSL retransmits after 100 s: later than the test's deadline. */
static unsigned int slow_timer(SSL *ssl, unsigned int timer_us)
{
	return 100 * 1000 * 1000;
}

FIXTURE(ice) {
	struct pair p;
	int sfd;
};

FIXTURE_VARIANT(ice) {
	bool kernel_server;
	int family;
};

FIXTURE_VARIANT_ADD(ice, server) {
	.kernel_server = true, .family = AF_INET,
};

FIXTURE_VARIANT_ADD(ice, server_v6) {
	.kernel_server = true, .family = AF_INET6,
};

FIXTURE_VARIANT_ADD(ice, client) {
	.kernel_server = false, .family = AF_INET,
};

FIXTURE_SETUP(ice)
{
	pair_init(&self->p);
	self->sfd = -1;
}

FIXTURE_TEARDOWN(ice)
{
	pair_free(&self->p);
	if (self->sfd >= 0)
		close(self->sfd);
}

/* The kernel's side still runs its handshake. */
#define ASSERT_RUNNING(fd) do {						\
	struct dtls_hs_info _i;						\
									\
	ASSERT_EQ(0, dtls_hs_get(dtls_test_nl(), fd, 0, &_i, NULL, 0));	\
	ASSERT_EQ(DTLS_HS_STATE_RUNNING, _i.state);			\
} while (0)

TEST_F_TIMEOUT(ice, stun_during_handshake, 240)
{
	struct srtp_opts so = { K(k_all), .o_profiles = "SRTP_AES128_CM_SHA1_80" };
	struct timeval tv = { .tv_sec = 10 };
	union dtls_test_addr ka, oa, sa, from;
	struct dtls_srtp_info si;
	socklen_t silen = sizeof(si);
	uint8_t buf[128], resp[20];
	int type;
	ssize_t n;

	ASSERT_EQ(0, pair_setup(&self->p, variant->family,
				variant->kernel_server, "PSK-AES128-GCM-SHA256",
				false, &so, &ka, &oa)) {
		TH_LOG("%s", self->p.err);
	}
	DTLS_set_timer_cb(self->p.ssl, slow_timer);
	self->sfd = dtls_test_udp_bound(variant->family, &sa);
	ASSERT_GE(self->sfd, 0);
	setsockopt(self->p.kfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(self->sfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memcpy(resp, stun_req, sizeof(resp));
	resp[0] = 0x01;		/* binding success */

	if (variant->kernel_server) {
		/* STUN, then the ClientHello, then STUN from elsewhere. */
		ASSERT_EQ(sizeof(stun_req), send(self->p.ofd, stun_req,
						 sizeof(stun_req), 0));
		ASSERT_NE(1, SSL_do_handshake(self->p.ssl));
		ASSERT_EQ(sizeof(stun_req),
			  sendto(self->sfd, stun_req, sizeof(stun_req), 0,
				 &ka.sa, dtls_test_addr_len(variant->family)));
		ASSERT_EQ(0, kernel_start_srtp(&self->p, true, 0x00a8, &so)) {
			TH_LOG("%s", self->p.err);
		}
	} else {
		/* The kernel's ClientHello waits at OpenSSL's socket. */
		ASSERT_EQ(0, kernel_start_srtp(&self->p, false, 0x00a8, &so)) {
			TH_LOG("%s", self->p.err);
		}
		ASSERT_EQ(sizeof(stun_req), send(self->p.ofd, stun_req,
						 sizeof(stun_req), 0));
	}

	/* The first STUN request, while the handshake runs. */
	n = recv_typed(self->p.kfd, buf, sizeof(buf), 0, &type, &from);
	ASSERT_EQ(sizeof(stun_req), n) {
		TH_LOG("recv: %s", strerror(errno));
	}
	EXPECT_EQ(0, memcmp(buf, stun_req, n));
	EXPECT_EQ(DTLS_RECORD_NOT_DTLS, type);
	EXPECT_TRUE(dtls_test_same_addr(&from, &oa));
	ASSERT_RUNNING(self->p.kfd);
	/* A data send still waits for the handshake: never plaintext. */
	EXPECT_EQ(-1, send(self->p.kfd, "data", 4, MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	/*
	 * The answer leaves as it is, to where the caller says (not to
	 * OpenSSL's socket, where the handshake's flights may be already).
	 */
	ASSERT_EQ(sizeof(resp), send_not_dtls(self->p.kfd, resp, sizeof(resp),
					      &sa)) {
		TH_LOG("send: %s", strerror(errno));
	}
	n = recv(self->sfd, buf, sizeof(buf), 0);
	ASSERT_EQ(sizeof(resp), n);
	EXPECT_EQ(0, memcmp(buf, resp, n));

	if (variant->kernel_server) {
		/* The ClientHello goes to the handshake; STUN comes next. */
		n = recv_typed(self->p.kfd, buf, sizeof(buf), 0, &type, &from);
		ASSERT_EQ(sizeof(stun_req), n) {
			TH_LOG("recv: %s", strerror(errno));
		}
		EXPECT_EQ(0, memcmp(buf, stun_req, n));
		EXPECT_EQ(DTLS_RECORD_NOT_DTLS, type);
		EXPECT_TRUE(dtls_test_same_addr(&from, &sa));
		ASSERT_EQ(sizeof(resp), send_not_dtls(self->p.kfd, resp,
						      sizeof(resp), &sa));
		ASSERT_EQ(sizeof(resp), recv(self->sfd, buf, sizeof(buf), 0));
	}

	ASSERT_EQ(0, pair_drive(&self->p)) {
		TH_LOG("%s", self->p.err);
	}
	ASSERT_EQ(0, getsockopt(self->p.kfd, SOL_DTLS, DTLS_SRTP, &si, &silen));
	EXPECT_EQ(1, si.profile);
	/* Nothing of the handshake ever reached the reader. */
	EXPECT_EQ(-1, recv_typed(self->p.kfd, buf, sizeof(buf), MSG_DONTWAIT,
				 &type, &from));
	EXPECT_EQ(EAGAIN, errno);
	/* Established: SRTP-like datagrams out unchanged, records sealed. */
	ASSERT_EQ(4, send_not_dtls(self->p.kfd, "\x80rtp", 4, NULL));
	ASSERT_EQ(4, recv(self->p.ofd, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "\x80rtp", 4));
	ASSERT_EQ(5, send(self->p.kfd, "media", 5, 0));
	ASSERT_EQ(5, SSL_read(self->p.ssl, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "media", 5));
}

/*
 * While it runs: a datagram that looks like DTLS goes to the handshake
 * (which drops it) and never to the reader; a reader without room for
 * the type gets nothing (it could not tell STUN from data), one with too
 * little room gets EIO and leaves it queued, a peek leaves it too; a
 * marked datagram whose first byte says DTLS, or an empty one, is
 * refused.
 */
TEST_F_TIMEOUT(ice, refusals_while_running, 120)
{
	uint8_t junk[40] = { 23, 0xfe, 0xfd, 0, 1 };
	union dtls_test_addr ka, oa, sa, from;
	uint8_t buf[64];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	char one;
	int type;

	ASSERT_EQ(0, pair_setup(&self->p, variant->family,
				variant->kernel_server, "PSK-AES128-GCM-SHA256",
				false, NULL, &ka, &oa)) {
		TH_LOG("%s", self->p.err);
	}
	ASSERT_EQ(0, kernel_start(&self->p, variant->kernel_server, 0x00a8)) {
		TH_LOG("%s", self->p.err);
	}
	self->sfd = dtls_test_udp_bound(variant->family, &sa);
	ASSERT_GE(self->sfd, 0);
	EXPECT_EQ(-1, recv(self->p.kfd, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(sizeof(junk), send(self->p.ofd, junk, sizeof(junk), 0));
	ASSERT_EQ(sizeof(stun_req), send(self->p.ofd, stun_req,
					 sizeof(stun_req), 0));
	/* A peek without room for the type: nothing, and it stays. */
	EXPECT_EQ(-1, recv(self->p.kfd, buf, sizeof(buf),
			   MSG_PEEK | MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	/* Too little room for the type: EIO, and it stays. */
	mh.msg_control = &one;
	mh.msg_controllen = sizeof(one);
	EXPECT_EQ(-1, recvmsg(self->p.kfd, &mh, MSG_DONTWAIT));
	EXPECT_EQ(EIO, errno);
	ASSERT_EQ(sizeof(stun_req), recv_typed(self->p.kfd, buf, sizeof(buf),
					       MSG_PEEK | MSG_DONTWAIT, &type,
					       &from));
	EXPECT_EQ(DTLS_RECORD_NOT_DTLS, type);
	ASSERT_EQ(sizeof(stun_req), recv_typed(self->p.kfd, buf, sizeof(buf),
					       MSG_DONTWAIT, &type, &from));
	EXPECT_EQ(0, memcmp(buf, stun_req, sizeof(stun_req)));
	EXPECT_TRUE(dtls_test_same_addr(&from, &oa));
	/* The junk went to the handshake, never here. */
	EXPECT_EQ(-1, recv_typed(self->p.kfd, buf, sizeof(buf), MSG_DONTWAIT,
				 &type, &from));
	EXPECT_EQ(EAGAIN, errno);
	/*
	 * A read without room could not tell STUN from data: it drops it
	 * on its way, as after the handshake, and poll() stops saying
	 * readable.
	 */
	ASSERT_EQ(sizeof(stun_req), send(self->p.ofd, stun_req,
					 sizeof(stun_req), 0));
	ASSERT_EQ(1, poll(&(struct pollfd){ .fd = self->p.kfd,
					    .events = POLLIN }, 1, 5000));
	EXPECT_EQ(-1, recv(self->p.kfd, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, poll(&(struct pollfd){ .fd = self->p.kfd,
					    .events = POLLIN }, 1, 0));
	EXPECT_EQ(-1, recv_typed(self->p.kfd, buf, sizeof(buf), MSG_DONTWAIT,
				 &type, &from));
	EXPECT_EQ(EAGAIN, errno);
	junk[0] = 22;
	EXPECT_EQ(-1, send_not_dtls(self->p.kfd, junk, sizeof(junk), &sa));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, send_not_dtls(self->p.kfd, junk, 0, &sa));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, send(self->p.kfd, "data", 4, MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(-1, recv(self->sfd, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_RUNNING(self->p.kfd);
}

/*
 * A ClientHello that came before hs-start, behind STUN, with no reader at
 * all: the start hands it to the handshake (OpenSSL would resend it only
 * after the test's deadline) and keeps the STUN for the application.
 */
FIXTURE(ice_start) {
	struct pair p;
};

FIXTURE_SETUP(ice_start)
{
	pair_init(&self->p);
}

FIXTURE_TEARDOWN(ice_start)
{
	pair_free(&self->p);
}

TEST_F_TIMEOUT(ice_start, early_client_hello, 240)
{
	union dtls_test_addr ka, oa, from;
	uint8_t buf[64];
	int type;

	ASSERT_EQ(0, pair_setup(&self->p, AF_INET, true,
				"PSK-AES128-GCM-SHA256", false, NULL, &ka,
				&oa)) {
		TH_LOG("%s", self->p.err);
	}
	DTLS_set_timer_cb(self->p.ssl, slow_timer);
	ASSERT_EQ(sizeof(stun_req), send(self->p.ofd, stun_req,
					 sizeof(stun_req), 0));
	ASSERT_NE(1, SSL_do_handshake(self->p.ssl));
	ASSERT_EQ(0, kernel_start(&self->p, true, 0x00a8)) {
		TH_LOG("%s", self->p.err);
	}
	ASSERT_EQ(0, pair_drive(&self->p)) {
		TH_LOG("%s", self->p.err);
	}
	ASSERT_EQ(sizeof(stun_req), recv_typed(self->p.kfd, buf, sizeof(buf),
					       MSG_DONTWAIT, &type, &from));
	EXPECT_EQ(DTLS_RECORD_NOT_DTLS, type);
	EXPECT_TRUE(dtls_test_same_addr(&from, &oa));
	EXPECT_EQ(-1, recv_typed(self->p.kfd, buf, sizeof(buf), MSG_DONTWAIT,
				 &type, &from));
	EXPECT_EQ(EAGAIN, errno);
}

TEST_HARNESS_MAIN
