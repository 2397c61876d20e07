// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the certificate suites' message bodies, msg_cert.c.  Each
 * builder's output parses back to what went in; every body cut short
 * fails; each rule of the format broken on its own fails.
 *
 * Context: process (KUnit test thread).
 */
#include <kunit/test.h>

#include "../kex.h"		/* DTLS_GROUP_X25519 */
#include "../msg_cert.c"

/* Every proper prefix of @body fails to parse with @parse. */
#define EXPECT_PREFIXES_FAIL(test, parse, body, n, view)		\
	do {								\
		unsigned int __i;					\
									\
		for (__i = 0; __i < (n); __i++)				\
			KUNIT_EXPECT_NE_MSG(test, parse(body, __i, view), 0, \
					    "prefix %u", __i);		\
	} while (0)

static void cert_roundtrip(struct kunit *test)
{
	static const u8 a[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
	static const u8 b[] = { 0x30 };
	static const u8 c[300] = { 0x30, 0x82, 0x01, 0x28 };
	struct dtls_cert_list in = {
		.n = 3,
		.der = { a, b, c },
		.len = { sizeof(a), sizeof(b), sizeof(c) },
	}, out;
	u8 buf[512];
	int n;

	n = dtls_cert_build(buf, sizeof(buf), &in);
	KUNIT_ASSERT_EQ(test, n, 3 + 3 * 3 + 5 + 1 + 300);
	KUNIT_EXPECT_EQ(test, dtls_cert_build(buf, n - 1, &in), -EMSGSIZE);
	KUNIT_ASSERT_EQ(test, dtls_cert_parse(buf, n, &out), 0);
	KUNIT_ASSERT_EQ(test, out.n, 3U);
	KUNIT_EXPECT_EQ(test, out.len[0], sizeof(a));
	KUNIT_EXPECT_MEMEQ(test, out.der[0], a, sizeof(a));
	KUNIT_EXPECT_EQ(test, out.len[1], 1U);
	KUNIT_EXPECT_EQ(test, out.len[2], sizeof(c));
	KUNIT_EXPECT_PTR_EQ(test, out.der[2], (const u8 *)buf + n - 300);
	EXPECT_PREFIXES_FAIL(test, dtls_cert_parse, buf, n, &out);

	/* The empty list: a client with no certificate. */
	in.n = 0;
	n = dtls_cert_build(buf, sizeof(buf), &in);
	KUNIT_ASSERT_EQ(test, n, 3);
	KUNIT_EXPECT_EQ(test, dtls_cert_parse(buf, n, &out), 0);
	KUNIT_EXPECT_EQ(test, out.n, 0U);
	/* An empty certificate is not one. */
	in.n = 1;
	in.len[0] = 0;
	KUNIT_EXPECT_EQ(test, dtls_cert_build(buf, sizeof(buf), &in), -EINVAL);
}

static void cert_bad(struct kunit *test)
{
	static const struct {
		const char	*why;
		u8		len;
		u8		b[16];
	} bad[] = {
		{ "outer length short", 8, { 0, 0, 4, 0, 0, 1, 0x30, 0 } },
		{ "outer length long", 7, { 0, 0, 5, 0, 0, 1, 0x30 } },
		{ "entry past the list", 7, { 0, 0, 4, 0, 0, 2, 0x30 } },
		{ "empty entry", 6, { 0, 0, 3, 0, 0, 0 } },
		{ "half an entry header", 5, { 0, 0, 2, 0, 0 } },
		{ "nothing", 0, {} },
	};
	struct dtls_cert_list cl;
	u8 many[3 + 9 * 4];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, dtls_cert_parse(bad[i].b, bad[i].len,
							  &cl),
				    -EBADMSG, "%s", bad[i].why);
	/* Nine one-byte certificates: one more than we take. */
	many[0] = 0;
	many[1] = 0;
	many[2] = 9 * 4;
	for (i = 0; i < 9; i++) {
		many[3 + 4 * i] = 0;
		many[4 + 4 * i] = 0;
		many[5 + 4 * i] = 1;
		many[6 + 4 * i] = 0x30;
	}
	KUNIT_EXPECT_EQ(test, dtls_cert_parse(many, sizeof(many), &cl), -E2BIG);
	many[2] = 8 * 4;
	KUNIT_EXPECT_EQ(test, dtls_cert_parse(many, sizeof(many) - 4, &cl), 0);
	KUNIT_EXPECT_EQ(test, cl.n, 8U);
}

static void cert_req(struct kunit *test)
{
	static const u8 types[] = { DTLS_CERT_TYPE_ECDSA_SIGN,
				    DTLS_CERT_TYPE_RSA_SIGN };
	static const u16 algs[] = { DTLS_SIG_ECDSA_SECP256R1_SHA256,
				    DTLS_SIG_RSA_PSS_RSAE_SHA256 };
	/* One named authority, opaque to us. */
	static const u8 with_ca[] = { 1, 64, 0, 2, 4, 3, 0, 5, 0, 3, 0x30,
				      1, 0 };
	static const u8 no_types[] = { 0, 0, 2, 4, 3, 0, 0 };
	static const u8 odd_algs[] = { 1, 64, 0, 1, 4, 0, 0 };
	static const u8 no_algs[] = { 1, 64, 0, 0, 0, 0 };
	struct dtls_cert_req cr;
	u8 buf[64];
	int n;

	n = dtls_cert_req_build(buf, sizeof(buf), types, 2, algs, 2);
	KUNIT_ASSERT_EQ(test, n, 1 + 2 + 2 + 4 + 2);
	KUNIT_ASSERT_EQ(test, dtls_cert_req_parse(buf, n, &cr), 0);
	KUNIT_EXPECT_EQ(test, cr.n_types, 2);
	KUNIT_EXPECT_EQ(test, cr.types[0], DTLS_CERT_TYPE_ECDSA_SIGN);
	KUNIT_EXPECT_TRUE(test, dtls_sigalgs_has(cr.sigalgs, cr.sigalgs_len,
						 DTLS_SIG_RSA_PSS_RSAE_SHA256));
	KUNIT_EXPECT_FALSE(test, dtls_sigalgs_has(cr.sigalgs, cr.sigalgs_len,
						  DTLS_SIG_RSA_PKCS1_SHA256));
	KUNIT_EXPECT_EQ(test, cr.cas_len, 0);
	EXPECT_PREFIXES_FAIL(test, dtls_cert_req_parse, buf, n, &cr);
	KUNIT_EXPECT_EQ(test, dtls_cert_req_build(buf, n - 1, types, 2, algs,
						  2), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, dtls_cert_req_build(buf, sizeof(buf), types, 0,
						  algs, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_cert_req_build(buf, sizeof(buf), types, 2,
						  algs, 0), -EINVAL);

	KUNIT_ASSERT_EQ(test, dtls_cert_req_parse(with_ca, sizeof(with_ca),
						  &cr), 0);
	KUNIT_EXPECT_EQ(test, cr.cas_len, 5);
	/* One more byte; no types; an odd or empty algorithm list. */
	memcpy(buf, with_ca, sizeof(with_ca));
	buf[sizeof(with_ca)] = 0;
	KUNIT_EXPECT_EQ(test, dtls_cert_req_parse(buf, sizeof(with_ca) + 1,
						  &cr), -EBADMSG);
	KUNIT_EXPECT_EQ(test, dtls_cert_req_parse(no_types, sizeof(no_types),
						  &cr), -EBADMSG);
	KUNIT_EXPECT_EQ(test, dtls_cert_req_parse(odd_algs, sizeof(odd_algs),
						  &cr), -EBADMSG);
	KUNIT_EXPECT_EQ(test, dtls_cert_req_parse(no_algs, sizeof(no_algs),
						  &cr), -EBADMSG);
}

static void cert_verify(struct kunit *test)
{
	static const u8 sig[] = { 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01,
				  0x01 };
	static const u8 empty[] = { 4, 3, 0, 0 };
	struct dtls_signed in = {
		.sigalg = DTLS_SIG_ECDSA_SECP256R1_SHA256,
		.sig = sig,
		.sig_len = sizeof(sig),
	}, out;
	u8 buf[32];
	int n;

	n = dtls_signed_build(buf, sizeof(buf), &in);
	KUNIT_ASSERT_EQ(test, n, 4 + (int)sizeof(sig));
	KUNIT_ASSERT_EQ(test, dtls_signed_parse(buf, n, &out), 0);
	KUNIT_EXPECT_EQ(test, out.sigalg, in.sigalg);
	KUNIT_EXPECT_EQ(test, out.sig_len, in.sig_len);
	KUNIT_EXPECT_MEMEQ(test, out.sig, sig, sizeof(sig));
	EXPECT_PREFIXES_FAIL(test, dtls_signed_parse, buf, n, &out);
	buf[n] = 0;
	KUNIT_EXPECT_EQ(test, dtls_signed_parse(buf, n + 1, &out), -EBADMSG);
	in.sig_len = 0;
	KUNIT_EXPECT_EQ(test, dtls_signed_build(buf, sizeof(buf), &in),
			-EINVAL);
	/* An empty signature on the wire */
	KUNIT_EXPECT_EQ(test, dtls_signed_parse(empty, sizeof(empty), &out),
			-EBADMSG);
}

static void ske_signed(struct kunit *test)
{
	static const u8 point[32] = { 9, 8, 7 };
	static const u8 sig[] = { 1, 2, 3, 4, 5 };
	struct dtls_signed sg = {
		.sigalg = DTLS_SIG_ECDSA_SECP256R1_SHA256,
		.sig = sig,
		.sig_len = sizeof(sig),
	};
	struct dtls_ske_signed ss;
	u8 buf[128];
	int p, n;

	p = dtls_ske_params_build(buf, sizeof(buf), DTLS_GROUP_X25519, point,
				  sizeof(point));
	KUNIT_ASSERT_EQ(test, p, 4 + 32);
	n = dtls_signed_build(buf + p, sizeof(buf) - p, &sg);
	KUNIT_ASSERT_GT(test, n, 0);
	n += p;
	KUNIT_ASSERT_EQ(test, dtls_ske_signed_parse(buf, n, &ss), 0);
	KUNIT_EXPECT_EQ(test, ss.group, DTLS_GROUP_X25519);
	KUNIT_EXPECT_EQ(test, ss.point_len, sizeof(point));
	KUNIT_EXPECT_MEMEQ(test, ss.point, point, sizeof(point));
	KUNIT_EXPECT_PTR_EQ(test, ss.params, (const u8 *)buf);
	KUNIT_EXPECT_EQ(test, ss.params_len, p);
	KUNIT_EXPECT_EQ(test, ss.sig.sig_len, sizeof(sig));
	EXPECT_PREFIXES_FAIL(test, dtls_ske_signed_parse, buf, n, &ss);
	buf[n] = 0;
	KUNIT_EXPECT_EQ(test, dtls_ske_signed_parse(buf, n + 1, &ss),
			-EBADMSG);
	/* explicit_prime curves (1) are not taken */
	buf[0] = 1;
	KUNIT_EXPECT_EQ(test, dtls_ske_signed_parse(buf, n, &ss), -EBADMSG);
	KUNIT_EXPECT_EQ(test, dtls_ske_params_build(buf, sizeof(buf), 29,
						    point, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_ske_params_build(buf, 35, 29, point, 32),
			-EMSGSIZE);
}

static struct kunit_case msg_cert_cases[] = {
	KUNIT_CASE(cert_roundtrip),
	KUNIT_CASE(cert_bad),
	KUNIT_CASE(cert_req),
	KUNIT_CASE(cert_verify),
	KUNIT_CASE(ske_signed),
	{}
};

static struct kunit_suite dtls_msg_cert_suite = {
	.name = "dtls_msg_cert",
	.test_cases = msg_cert_cases,
};

kunit_test_suite(dtls_msg_cert_suite);
