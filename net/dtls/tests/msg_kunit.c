// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the DTLS 1.2 handshake message codec, msg.c.  Round trips of
 * every builder, messages captured from OpenSSL 3.0 (s_client/s_server
 * -dtls1_2 -psk on loopback), and malformed bodies: every truncation, a
 * trailing byte, bad vector lengths, duplicate and malformed extensions,
 * builders short of room.  Bodies are parsed from, and built into, heap
 * buffers of exactly their size so that KASAN sees any overrun.
 *
 * Context: process (KUnit).
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "../kex.h"		/* DTLS_GROUP_* */
#include "../msg.c"

/* ---- captured from OpenSSL 3.0 on loopback ---- */

/*
 * openssl s_client -dtls1_2 -psk 0102 (default suites), second
 * ClientHello, with the cookie of ossl_hvr (252 bytes)
 */
static const u8 ossl_ch[] = {
	0xfe, 0xfd, 0xbb, 0x0f, 0x7d, 0x99, 0x3b, 0x38, 0xa4, 0x5b, 0x20, 0xea,
	0x3c, 0x5a, 0x78, 0xb0, 0x6d, 0x82, 0xb7, 0x40, 0xc1, 0x76, 0x4a, 0x8b,
	0x08, 0x0d, 0xfb, 0xa2, 0x6e, 0x81, 0x83, 0xee, 0x17, 0x96, 0x00, 0x14,
	0xc1, 0xc2, 0x89, 0x50, 0x99, 0x8a, 0x57, 0x9e, 0xc4, 0x49, 0x3d, 0x4a,
	0x79, 0x63, 0xab, 0xf2, 0xa6, 0x77, 0xca, 0x5f, 0x00, 0x6c, 0xc0, 0x2c,
	0xc0, 0x30, 0x00, 0x9f, 0xcc, 0xa9, 0xcc, 0xa8, 0xcc, 0xaa, 0xc0, 0x2b,
	0xc0, 0x2f, 0x00, 0x9e, 0xc0, 0x24, 0xc0, 0x28, 0x00, 0x6b, 0xc0, 0x23,
	0xc0, 0x27, 0x00, 0x67, 0xc0, 0x0a, 0xc0, 0x14, 0x00, 0x39, 0xc0, 0x09,
	0xc0, 0x13, 0x00, 0x33, 0x00, 0xad, 0x00, 0xab, 0xcc, 0xae, 0xcc, 0xad,
	0xcc, 0xac, 0x00, 0x9d, 0x00, 0xa9, 0xcc, 0xab, 0x00, 0xac, 0x00, 0xaa,
	0x00, 0x9c, 0x00, 0xa8, 0x00, 0x3d, 0x00, 0x3c, 0xc0, 0x38, 0xc0, 0x36,
	0x00, 0xb7, 0x00, 0xb3, 0x00, 0x95, 0x00, 0x91, 0x00, 0x35, 0x00, 0xaf,
	0x00, 0x8d, 0xc0, 0x37, 0xc0, 0x35, 0x00, 0xb6, 0x00, 0xb2, 0x00, 0x94,
	0x00, 0x90, 0x00, 0x2f, 0x00, 0xae, 0x00, 0x8c, 0x00, 0xff, 0x01, 0x00,
	0x00, 0x52, 0x00, 0x0b, 0x00, 0x04, 0x03, 0x00, 0x01, 0x02, 0x00, 0x0a,
	0x00, 0x0c, 0x00, 0x0a, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x1e, 0x00, 0x19,
	0x00, 0x18, 0x00, 0x23, 0x00, 0x00, 0x00, 0x16, 0x00, 0x00, 0x00, 0x17,
	0x00, 0x00, 0x00, 0x0d, 0x00, 0x2a, 0x00, 0x28, 0x04, 0x03, 0x05, 0x03,
	0x06, 0x03, 0x08, 0x07, 0x08, 0x08, 0x08, 0x09, 0x08, 0x0a, 0x08, 0x0b,
	0x08, 0x04, 0x08, 0x05, 0x08, 0x06, 0x04, 0x01, 0x05, 0x01, 0x06, 0x01,
	0x03, 0x03, 0x03, 0x01, 0x03, 0x02, 0x04, 0x02, 0x05, 0x02, 0x06, 0x02,
};

/*
 * openssl s_client -dtls1_2 -psk 0102 -cipher PSK-AES128-GCM-SHA256,
 * first ClientHello, no cookie (104 bytes)
 */
static const u8 ossl_ch_psk[] = {
	0xfe, 0xfd, 0x7a, 0x19, 0xf5, 0x28, 0x28, 0x7c, 0xd2, 0x54, 0xaf, 0xf8,
	0xc2, 0xc3, 0xf2, 0xcb, 0x83, 0x64, 0x09, 0x14, 0x34, 0xa4, 0x43, 0x55,
	0xa4, 0x85, 0x58, 0x0a, 0xa2, 0x0f, 0x66, 0xf7, 0x97, 0x6e, 0x00, 0x00,
	0x00, 0x04, 0x00, 0xa8, 0x00, 0xff, 0x01, 0x00, 0x00, 0x3a, 0x00, 0x23,
	0x00, 0x00, 0x00, 0x16, 0x00, 0x00, 0x00, 0x17, 0x00, 0x00, 0x00, 0x0d,
	0x00, 0x2a, 0x00, 0x28, 0x04, 0x03, 0x05, 0x03, 0x06, 0x03, 0x08, 0x07,
	0x08, 0x08, 0x08, 0x09, 0x08, 0x0a, 0x08, 0x0b, 0x08, 0x04, 0x08, 0x05,
	0x08, 0x06, 0x04, 0x01, 0x05, 0x01, 0x06, 0x01, 0x03, 0x03, 0x03, 0x01,
	0x03, 0x02, 0x04, 0x02, 0x05, 0x02, 0x06, 0x02,
};

/* openssl s_server -dtls1_2 -listen: HelloVerifyRequest (23 bytes) */
static const u8 ossl_hvr[] = {
	0xfe, 0xff, 0x14, 0xc1, 0xc2, 0x89, 0x50, 0x99, 0x8a, 0x57, 0x9e, 0xc4,
	0x49, 0x3d, 0x4a, 0x79, 0x63, 0xab, 0xf2, 0xa6, 0x77, 0xca, 0x5f,
};

/* ServerHello choosing PSK-AES128-GCM-SHA256 (53 bytes) */
static const u8 ossl_sh_psk[] = {
	0xfe, 0xfd, 0xf6, 0xfb, 0x5a, 0x7f, 0x78, 0xa3, 0x19, 0x63, 0x44, 0x6c,
	0xf7, 0xd2, 0x2c, 0x60, 0x35, 0x94, 0x18, 0x71, 0xdf, 0x0b, 0xe0, 0x4e,
	0x94, 0xc2, 0x8f, 0x92, 0x65, 0xfb, 0x10, 0x38, 0x15, 0xe9, 0x00, 0x00,
	0xa8, 0x00, 0x00, 0x0d, 0xff, 0x01, 0x00, 0x01, 0x00, 0x00, 0x23, 0x00,
	0x00, 0x00, 0x17, 0x00, 0x00,
};

/* ServerHello choosing ECDHE-PSK-AES128-CBC-SHA256 (57 bytes) */
static const u8 ossl_sh_ecdhe[] = {
	0xfe, 0xfd, 0x3f, 0xb2, 0xa9, 0xa6, 0x8a, 0xc0, 0x5a, 0x68, 0xa4, 0x66,
	0x3d, 0x66, 0x15, 0x59, 0x54, 0x3d, 0x72, 0x7a, 0xfa, 0x79, 0x16, 0xaf,
	0x1a, 0x1c, 0x4f, 0xdb, 0x15, 0x34, 0x7a, 0xf3, 0x01, 0x94, 0x00, 0xc0,
	0x37, 0x00, 0x00, 0x11, 0xff, 0x01, 0x00, 0x01, 0x00, 0x00, 0x23, 0x00,
	0x00, 0x00, 0x16, 0x00, 0x00, 0x00, 0x17, 0x00, 0x00,
};

/* ServerKeyExchange: hint "kdtls-hint", x25519 (48 bytes) */
static const u8 ossl_ske_ecdhe[] = {
	0x00, 0x0a, 0x6b, 0x64, 0x74, 0x6c, 0x73, 0x2d, 0x68, 0x69, 0x6e, 0x74,
	0x03, 0x00, 0x1d, 0x20, 0xc4, 0xa1, 0x82, 0x36, 0xef, 0xd7, 0xa7, 0x21,
	0x1e, 0x8e, 0x42, 0x90, 0x18, 0xab, 0x1b, 0xe0, 0xbb, 0xf7, 0x2c, 0xd5,
	0x92, 0xb8, 0x03, 0xf7, 0x92, 0xb9, 0x4b, 0xdd, 0x31, 0x64, 0xba, 0x5a,
};

/* ClientKeyExchange: identity "Client_identity" (17 bytes) */
static const u8 ossl_cke_psk[] = {
	0x00, 0x0f, 0x43, 0x6c, 0x69, 0x65, 0x6e, 0x74, 0x5f, 0x69, 0x64, 0x65,
	0x6e, 0x74, 0x69, 0x74, 0x79,
};

/* ClientKeyExchange: identity "Client_identity", x25519 point (50 bytes) */
static const u8 ossl_cke_ecdhe[] = {
	0x00, 0x0f, 0x43, 0x6c, 0x69, 0x65, 0x6e, 0x74, 0x5f, 0x69, 0x64, 0x65,
	0x6e, 0x74, 0x69, 0x74, 0x79, 0x20, 0xd0, 0x49, 0x4c, 0x52, 0x5b, 0x77,
	0xae, 0xfe, 0x3b, 0xa2, 0xdb, 0xa8, 0x98, 0x3f, 0xa9, 0x69, 0x61, 0x92,
	0x61, 0x08, 0x5e, 0xea, 0x9c, 0xd6, 0x6e, 0xcd, 0x0e, 0x11, 0xc0, 0x42,
	0xb8, 0x4d,
};

/* Where the extensions block of ossl_ch and ossl_ch_psk starts. */
#define OSSL_CH_EXTS		(2 + 32 + 1 + 1 + 20 + 2 + 108 + 1 + 1)
#define OSSL_CH_PSK_EXTS	(2 + 32 + 1 + 1 + 2 + 4 + 1 + 1)
/* ... and of ossl_sh_psk and ossl_sh_ecdhe */
#define OSSL_SH_EXTS		(2 + 32 + 1 + 2 + 1)

/* ---- helpers ---- */

/* A copy of @len bytes in a heap buffer of exactly that size. */
static u8 *copy(struct kunit *test, const u8 *src, u32 len)
{
	u8 *p = kunit_kmalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	if (len)
		memcpy(p, src, len);
	return p;
}

/* @a then @b, in a heap buffer of exactly their size. */
static u8 *cat(struct kunit *test, const u8 *a, u32 a_len,
	       const u8 *b, u32 b_len)
{
	u8 *p = kunit_kmalloc(test, a_len + b_len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	memcpy(p, a, a_len);
	if (b_len)
		memcpy(p + a_len, b, b_len);
	return p;
}

typedef int (*parse_fn)(const u8 *body, u32 len);

static int parse_ch(const u8 *body, u32 len)
{
	struct dtls_ch ch;

	return dtls_ch_parse(body, len, &ch);
}

static int parse_hvr(const u8 *body, u32 len)
{
	const u8 *cookie;
	u8 cookie_len;

	return dtls_hvr_parse(body, len, &cookie, &cookie_len);
}

static int parse_sh(const u8 *body, u32 len)
{
	struct dtls_sh sh;

	return dtls_sh_parse(body, len, &sh);
}

static int parse_ske_psk(const u8 *body, u32 len)
{
	struct dtls_ske ske;

	return dtls_ske_parse(body, len, false, &ske);
}

static int parse_ske_ecdhe(const u8 *body, u32 len)
{
	struct dtls_ske ske;

	return dtls_ske_parse(body, len, true, &ske);
}

static int parse_cke_psk(const u8 *body, u32 len)
{
	struct dtls_cke cke;

	return dtls_cke_parse(body, len, false, &cke);
}

static int parse_cke_ecdhe(const u8 *body, u32 len)
{
	struct dtls_cke cke;

	return dtls_cke_parse(body, len, true, &cke);
}

/* Parse the first @len bytes of @body from an exact-size copy. */
static int parse_copy(struct kunit *test, parse_fn parse, const u8 *body,
		      u32 len)
{
	u8 *p = copy(test, body, len);
	int rc = parse(p, len);

	kunit_kfree(test, p);
	return rc;
}

/*
 * @body parses; each shorter prefix is -EBADMSG except @ok_len (a hello
 * cut just before its extensions block is a hello without extensions;
 * U32_MAX: none); @body with a byte appended is -EBADMSG.
 */
static void check_exact(struct kunit *test, parse_fn parse, const u8 *body,
			u32 len, u32 ok_len)
{
	u32 l;
	u8 *p;
	int rc;

	KUNIT_EXPECT_EQ(test, parse_copy(test, parse, body, len), 0);
	for (l = 0; l < len; l++) {
		rc = parse_copy(test, parse, body, l);
		if (rc != (l == ok_len ? 0 : -EBADMSG)) {
			KUNIT_FAIL(test, "prefix of %u of %u bytes: %d",
				   l, len, rc);
			break;
		}
	}
	p = cat(test, body, len, (const u8 *)"\0", 1);
	KUNIT_EXPECT_EQ(test, parse(p, len + 1), -EBADMSG);
	p[len] = 0xff;
	KUNIT_EXPECT_EQ(test, parse(p, len + 1), -EBADMSG);
}

typedef int (*build_fn)(u8 *out, unsigned int cap);

/*
 * @build needs exactly @len bytes: with less room each is -EMSGSIZE
 * (into exact-size buffers: an overrun is a KASAN report), with @len it
 * returns @len.
 */
static void check_caps(struct kunit *test, build_fn build, int len)
{
	unsigned int cap;
	u8 *p;
	int rc;

	KUNIT_ASSERT_GT(test, len, 0);
	for (cap = 0; cap < (unsigned int)len; cap++) {
		p = kunit_kmalloc(test, cap, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p);
		rc = build(p, cap);
		kunit_kfree(test, p);
		if (rc != -EMSGSIZE) {
			KUNIT_FAIL(test, "cap %u of %d: %d", cap, len, rc);
			break;
		}
	}
	p = kunit_kmalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, build(p, len), len);
}

/* ---- what the builders are fed ---- */

static const u8 t_random[32] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

static const u8 t_cookie[20] = {
	0xc0, 0x0c, 0x1e, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11,
};

static const u16 t_suites[] = { 0xc037, 0x00a8 };
static const u16 t_groups[] = { DTLS_GROUP_X25519, DTLS_GROUP_SECP256R1 };

static const u8 t_point[65] = { 0x04, 0x11, 0x22, 0x33, [64] = 0x99 };
static const u8 t_identity[] = "kdtls-client";
static const u8 t_hint[] = "kdtls-hint";

static const struct dtls_ch_params t_ch_groups = {
	.random = t_random,
	.cookie = t_cookie,
	.cookie_len = sizeof(t_cookie),
	.suites = t_suites,
	.n_suites = ARRAY_SIZE(t_suites),
	.groups = t_groups,
	.n_groups = ARRAY_SIZE(t_groups),
};

static const struct dtls_ch_params t_ch_plain = {
	.random = t_random,
	.suites = t_suites,
	.n_suites = 1,
};

static const struct dtls_ske t_ske_psk = {
	.hint = t_hint,
	.hint_len = sizeof(t_hint) - 1,
};

static const struct dtls_ske t_ske_ecdhe = {
	.hint = t_hint,
	.hint_len = sizeof(t_hint) - 1,
	.group = DTLS_GROUP_SECP256R1,
	.point = t_point,
	.point_len = sizeof(t_point),
};

static const struct dtls_cke t_cke_psk = {
	.identity = t_identity,
	.identity_len = sizeof(t_identity) - 1,
};

static const struct dtls_cke t_cke_ecdhe = {
	.identity = t_identity,
	.identity_len = sizeof(t_identity) - 1,
	.point = t_point,
	.point_len = 32,
};

static int build_ch_groups(u8 *out, unsigned int cap)
{
	return dtls_ch_build(out, cap, &t_ch_groups);
}

static int build_ch_plain(u8 *out, unsigned int cap)
{
	return dtls_ch_build(out, cap, &t_ch_plain);
}

static int build_hvr(u8 *out, unsigned int cap)
{
	return dtls_hvr_build(out, cap, t_cookie, sizeof(t_cookie));
}

static int build_sh_ecdhe(u8 *out, unsigned int cap)
{
	struct dtls_sh_params p = {
		.random = t_random, .session_id = t_cookie,
		.session_id_len = 16, .suite = 0xc037, .ecdhe = true,
		.reneg = true, .client_ctype = -1,
		.server_ctype = DTLS_CTYPE_RAW_PUBLIC_KEY,
	};

	return dtls_sh_build(out, cap, &p);
}

static int build_sh_psk(u8 *out, unsigned int cap)
{
	struct dtls_sh_params p = {
		.random = t_random, .suite = 0x00a8, .reneg = true,
		.client_ctype = -1, .server_ctype = -1,
	};

	return dtls_sh_build(out, cap, &p);
}

static int build_ske_psk(u8 *out, unsigned int cap)
{
	return dtls_ske_build(out, cap, false, &t_ske_psk);
}

static int build_ske_ecdhe(u8 *out, unsigned int cap)
{
	return dtls_ske_build(out, cap, true, &t_ske_ecdhe);
}

static int build_cke_psk(u8 *out, unsigned int cap)
{
	return dtls_cke_build(out, cap, false, &t_cke_psk);
}

static int build_cke_ecdhe(u8 *out, unsigned int cap)
{
	return dtls_cke_build(out, cap, true, &t_cke_ecdhe);
}

/* Build into an exact-size buffer, first sizing it in a large one. */
static u8 *build(struct kunit *test, build_fn fn, int *len)
{
	u8 *big = kunit_kmalloc(test, 1024, GFP_KERNEL);
	u8 *p;

	KUNIT_ASSERT_NOT_NULL(test, big);
	*len = fn(big, 1024);
	KUNIT_ASSERT_GT(test, *len, 0);
	p = kunit_kmalloc(test, *len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_EQ(test, fn(p, *len), *len);
	KUNIT_EXPECT_MEMEQ(test, p, big, *len);
	kunit_kfree(test, big);
	return p;
}

/* ---- round trips ---- */

static void msg_ch_roundtrip(struct kunit *test)
{
	/* EMS, empty renegotiation_info, then groups and point formats */
	static const u8 tail[] = {
		0x00, 0x19, 0x00, 0x17, 0x00, 0x00, 0xff, 0x01, 0x00, 0x01,
		0x00, 0x00, 0x0a, 0x00, 0x06, 0x00, 0x04, 0x00, 0x1d, 0x00,
		0x17, 0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,
	};
	struct dtls_ch ch;
	int len;
	u8 *p = build(test, build_ch_groups, &len);

	KUNIT_EXPECT_EQ(test, len, 2 + 32 + 1 + 1 + 20 + 2 + 4 + 2 +
			(int)sizeof(tail));
	KUNIT_EXPECT_EQ(test, p[0], 0xfe);
	KUNIT_EXPECT_EQ(test, p[1], 0xfd);
	KUNIT_EXPECT_MEMEQ(test, p + len - sizeof(tail), tail, sizeof(tail));
	KUNIT_ASSERT_EQ(test, dtls_ch_parse(p, len, &ch), 0);
	KUNIT_EXPECT_EQ(test, ch.version, 0xfefd);
	KUNIT_EXPECT_PTR_EQ(test, ch.random, (const u8 *)p + 2);
	KUNIT_EXPECT_MEMEQ(test, ch.random, t_random, 32);
	KUNIT_EXPECT_EQ(test, ch.session_id_len, 0);
	KUNIT_EXPECT_EQ(test, ch.cookie_len, sizeof(t_cookie));
	KUNIT_EXPECT_MEMEQ(test, ch.cookie, t_cookie, sizeof(t_cookie));
	KUNIT_EXPECT_EQ(test, ch.suites_len, 4);
	KUNIT_EXPECT_TRUE(test, dtls_ch_has_suite(&ch, 0xc037));
	KUNIT_EXPECT_TRUE(test, dtls_ch_has_suite(&ch, 0x00a8));
	KUNIT_EXPECT_FALSE(test, dtls_ch_has_suite(&ch, 0x00a9));
	KUNIT_EXPECT_FALSE(test, ch.reneg_scsv);
	KUNIT_EXPECT_TRUE(test, ch.null_compression);
	KUNIT_EXPECT_TRUE(test, ch.ems);
	KUNIT_EXPECT_TRUE(test, ch.reneg_info);
	KUNIT_EXPECT_FALSE(test, ch.reneg_bad);
	KUNIT_EXPECT_EQ(test, ch.groups_len, 4);
	KUNIT_EXPECT_TRUE(test, dtls_ch_has_group(&ch, DTLS_GROUP_X25519));
	KUNIT_EXPECT_TRUE(test, dtls_ch_has_group(&ch, DTLS_GROUP_SECP256R1));
	KUNIT_EXPECT_FALSE(test, dtls_ch_has_group(&ch, 24));
	KUNIT_EXPECT_TRUE(test, ch.point_formats);
	KUNIT_EXPECT_TRUE(test, ch.point_uncompressed);
	check_exact(test, parse_ch, p, len, len - sizeof(tail));
}

/* Without groups: EMS and renegotiation_info only, no cookie. */
static void msg_ch_roundtrip_plain(struct kunit *test)
{
	static const u8 tail[] = {
		0x00, 0x09, 0x00, 0x17, 0x00, 0x00, 0xff, 0x01, 0x00, 0x01,
		0x00,
	};
	struct dtls_ch ch;
	int len;
	u8 *p = build(test, build_ch_plain, &len);

	KUNIT_EXPECT_EQ(test, len, 2 + 32 + 1 + 1 + 2 + 2 + 2 +
			(int)sizeof(tail));
	KUNIT_EXPECT_MEMEQ(test, p + len - sizeof(tail), tail, sizeof(tail));
	KUNIT_ASSERT_EQ(test, dtls_ch_parse(p, len, &ch), 0);
	KUNIT_EXPECT_EQ(test, ch.cookie_len, 0);
	KUNIT_EXPECT_EQ(test, ch.suites_len, 2);
	KUNIT_EXPECT_TRUE(test, dtls_ch_has_suite(&ch, 0xc037));
	KUNIT_EXPECT_TRUE(test, ch.ems);
	KUNIT_EXPECT_TRUE(test, ch.reneg_info);
	KUNIT_EXPECT_NULL(test, ch.groups);
	KUNIT_EXPECT_FALSE(test, dtls_ch_has_group(&ch, DTLS_GROUP_X25519));
	KUNIT_EXPECT_FALSE(test, ch.point_formats);
	check_exact(test, parse_ch, p, len, len - sizeof(tail));
}

static void msg_ch_build_invalid(struct kunit *test)
{
	struct dtls_ch_params p = t_ch_plain;
	u8 buf[128];

	p.n_suites = 0;
	KUNIT_EXPECT_EQ(test, dtls_ch_build(buf, sizeof(buf), &p), -EINVAL);
	p.n_suites = 0x8000;
	KUNIT_EXPECT_EQ(test, dtls_ch_build(buf, sizeof(buf), &p), -EINVAL);
	p.n_suites = 1;
	p.n_groups = 0x8000;
	KUNIT_EXPECT_EQ(test, dtls_ch_build(buf, sizeof(buf), &p), -EINVAL);
}

static void msg_hvr_roundtrip(struct kunit *test)
{
	static const u8 v12[] = { 0xfe, 0xfd, 0x02, 0xaa, 0xbb };
	static const u8 tls[] = { 0x03, 0x03, 0x00 };
	const u8 *cookie;
	u8 cookie_len, *p, *big, *c255;
	int len;

	p = build(test, build_hvr, &len);
	KUNIT_EXPECT_EQ(test, len, 3 + (int)sizeof(t_cookie));
	KUNIT_EXPECT_EQ(test, p[0], 0xfe);
	KUNIT_EXPECT_EQ(test, p[1], 0xff);
	KUNIT_ASSERT_EQ(test, dtls_hvr_parse(p, len, &cookie, &cookie_len), 0);
	KUNIT_EXPECT_PTR_EQ(test, cookie, (const u8 *)p + 3);
	KUNIT_EXPECT_EQ(test, cookie_len, sizeof(t_cookie));
	KUNIT_EXPECT_MEMEQ(test, cookie, t_cookie, sizeof(t_cookie));
	check_exact(test, parse_hvr, p, len, U32_MAX);

	/* The longest cookie, and none. */
	big = kunit_kzalloc(test, 3 + 255, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, big);
	KUNIT_EXPECT_EQ(test, dtls_hvr_build(big, 258, t_point, 0), 3);
	KUNIT_EXPECT_EQ(test, dtls_hvr_parse(big, 3, &cookie, &cookie_len), 0);
	KUNIT_EXPECT_EQ(test, cookie_len, 0);
	c255 = kunit_kmalloc(test, 255, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c255);
	memset(c255, 0x5a, 255);
	KUNIT_EXPECT_EQ(test, dtls_hvr_build(big, 258, c255, 255), 258);
	KUNIT_EXPECT_EQ(test, dtls_hvr_parse(big, 258, &cookie, &cookie_len),
			0);
	KUNIT_EXPECT_EQ(test, cookie_len, 255);
	KUNIT_EXPECT_MEMEQ(test, cookie, c255, 255);

	/* DTLS 1.2 is accepted too; not a DTLS version: -EPROTO. */
	KUNIT_EXPECT_EQ(test, parse_copy(test, parse_hvr, v12, sizeof(v12)), 0);
	KUNIT_EXPECT_EQ(test, parse_copy(test, parse_hvr, tls, sizeof(tls)),
			-EPROTO);
}

static void msg_sh_roundtrip(struct kunit *test)
{
	static const u8 tail_ecdhe[] = {
		0xc0, 0x37, 0x00, 0x00, 0x14, 0x00, 0x17, 0x00, 0x00, 0xff,
		0x01, 0x00, 0x01, 0x00, 0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,
		0x00, 0x14, 0x00, 0x01, 0x02,
	};
	static const u8 tail_psk[] = {
		0x00, 0xa8, 0x00, 0x00, 0x09, 0x00, 0x17, 0x00, 0x00, 0xff,
		0x01, 0x00, 0x01, 0x00,
	};
	struct dtls_sh sh;
	u8 buf[128], *p;
	int len;

	p = build(test, build_sh_ecdhe, &len);
	KUNIT_EXPECT_EQ(test, len, 2 + 32 + 1 + 16 + (int)sizeof(tail_ecdhe));
	KUNIT_EXPECT_MEMEQ(test, p + len - sizeof(tail_ecdhe), tail_ecdhe,
			   sizeof(tail_ecdhe));
	KUNIT_ASSERT_EQ(test, dtls_sh_parse(p, len, &sh), 0);
	KUNIT_EXPECT_EQ(test, sh.version, 0xfefd);
	KUNIT_EXPECT_MEMEQ(test, sh.random, t_random, 32);
	KUNIT_EXPECT_EQ(test, sh.session_id_len, 16);
	KUNIT_EXPECT_MEMEQ(test, sh.session_id, t_cookie, 16);
	KUNIT_EXPECT_EQ(test, sh.suite, 0xc037);
	KUNIT_EXPECT_EQ(test, sh.compression, 0);
	KUNIT_EXPECT_TRUE(test, sh.ems);
	KUNIT_EXPECT_TRUE(test, sh.reneg_info);
	KUNIT_EXPECT_FALSE(test, sh.reneg_bad);
	KUNIT_EXPECT_TRUE(test, sh.point_formats);
	KUNIT_EXPECT_TRUE(test, sh.point_uncompressed);
	KUNIT_EXPECT_FALSE(test, sh.has_client_ctype);
	KUNIT_EXPECT_TRUE(test, sh.has_server_ctype);
	KUNIT_EXPECT_EQ(test, sh.server_ctype, DTLS_CTYPE_RAW_PUBLIC_KEY);
	check_exact(test, parse_sh, p, len, len - sizeof(tail_ecdhe) + 3);

	p = build(test, build_sh_psk, &len);
	KUNIT_EXPECT_EQ(test, len, 2 + 32 + 1 + (int)sizeof(tail_psk));
	KUNIT_EXPECT_MEMEQ(test, p + len - sizeof(tail_psk), tail_psk,
			   sizeof(tail_psk));
	KUNIT_ASSERT_EQ(test, dtls_sh_parse(p, len, &sh), 0);
	KUNIT_EXPECT_EQ(test, sh.session_id_len, 0);
	KUNIT_EXPECT_EQ(test, sh.suite, 0x00a8);
	KUNIT_EXPECT_TRUE(test, sh.ems);
	KUNIT_EXPECT_TRUE(test, sh.reneg_info);
	KUNIT_EXPECT_FALSE(test, sh.point_formats);
	check_exact(test, parse_sh, p, len, len - sizeof(tail_psk) + 3);

	KUNIT_EXPECT_EQ(test, dtls_sh_build(buf, sizeof(buf),
					    &(struct dtls_sh_params){
						.random = t_random,
						.session_id = t_point,
						.session_id_len = 33,
						.client_ctype = -1,
						.server_ctype = -1 }),
			-EINVAL);
}

static void msg_ske_roundtrip(struct kunit *test)
{
	struct dtls_ske ske, bad = t_ske_ecdhe;
	u8 buf[128], *p;
	int len;

	p = build(test, build_ske_psk, &len);
	KUNIT_EXPECT_EQ(test, len, 2 + 10);
	KUNIT_EXPECT_EQ(test, get_unaligned_be16(p), 10);
	KUNIT_ASSERT_EQ(test, dtls_ske_parse(p, len, false, &ske), 0);
	KUNIT_EXPECT_EQ(test, ske.hint_len, 10);
	KUNIT_EXPECT_MEMEQ(test, ske.hint, t_hint, 10);
	KUNIT_EXPECT_NULL(test, ske.point);
	KUNIT_EXPECT_EQ(test, ske.point_len, 0);
	check_exact(test, parse_ske_psk, p, len, U32_MAX);
	/* An ECDHE_PSK SKE needs the curve after the hint. */
	KUNIT_EXPECT_EQ(test, dtls_ske_parse(p, len, true, &ske), -EBADMSG);

	p = build(test, build_ske_ecdhe, &len);
	KUNIT_EXPECT_EQ(test, len, 2 + 10 + 1 + 2 + 1 + 65);
	KUNIT_EXPECT_EQ(test, p[12], DTLS_NAMED_CURVE);
	KUNIT_ASSERT_EQ(test, dtls_ske_parse(p, len, true, &ske), 0);
	KUNIT_EXPECT_EQ(test, ske.hint_len, 10);
	KUNIT_EXPECT_MEMEQ(test, ske.hint, t_hint, 10);
	KUNIT_EXPECT_EQ(test, ske.group, DTLS_GROUP_SECP256R1);
	KUNIT_EXPECT_EQ(test, ske.point_len, 65);
	KUNIT_EXPECT_MEMEQ(test, ske.point, t_point, 65);
	check_exact(test, parse_ske_ecdhe, p, len, U32_MAX);
	KUNIT_EXPECT_EQ(test, dtls_ske_parse(p, len, false, &ske), -EBADMSG);

	/* No hint at all: an empty vector. */
	bad.hint = NULL;
	bad.hint_len = 0;
	KUNIT_EXPECT_EQ(test, dtls_ske_build(buf, sizeof(buf), false, &bad), 2);
	KUNIT_EXPECT_EQ(test, dtls_ske_parse(buf, 2, false, &ske), 0);
	KUNIT_EXPECT_EQ(test, ske.hint_len, 0);
	bad.point_len = 0;
	KUNIT_EXPECT_EQ(test, dtls_ske_build(buf, sizeof(buf), true, &bad),
			-EINVAL);
}

static void msg_cke_roundtrip(struct kunit *test)
{
	struct dtls_cke cke, big = t_cke_psk;
	u8 *p, *buf;
	int len;

	p = build(test, build_cke_psk, &len);
	KUNIT_EXPECT_EQ(test, len, 2 + 12);
	KUNIT_ASSERT_EQ(test, dtls_cke_parse(p, len, false, &cke), 0);
	KUNIT_EXPECT_EQ(test, cke.identity_len, 12);
	KUNIT_EXPECT_MEMEQ(test, cke.identity, t_identity, 12);
	KUNIT_EXPECT_NULL(test, cke.point);
	check_exact(test, parse_cke_psk, p, len, U32_MAX);
	KUNIT_EXPECT_EQ(test, dtls_cke_parse(p, len, true, &cke), -EBADMSG);

	p = build(test, build_cke_ecdhe, &len);
	KUNIT_EXPECT_EQ(test, len, 2 + 12 + 1 + 32);
	KUNIT_ASSERT_EQ(test, dtls_cke_parse(p, len, true, &cke), 0);
	KUNIT_EXPECT_EQ(test, cke.identity_len, 12);
	KUNIT_EXPECT_MEMEQ(test, cke.identity, t_identity, 12);
	KUNIT_EXPECT_EQ(test, cke.point_len, 32);
	KUNIT_EXPECT_MEMEQ(test, cke.point, t_point, 32);
	check_exact(test, parse_cke_ecdhe, p, len, U32_MAX);
	KUNIT_EXPECT_EQ(test, dtls_cke_parse(p, len, false, &cke), -EBADMSG);

	/* Identities up to DTLS_MAX_IDENTITY_LEN, both ways. */
	buf = kunit_kzalloc(test, 2 + DTLS_MAX_IDENTITY_LEN + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	big.identity = buf;
	big.identity_len = DTLS_MAX_IDENTITY_LEN;
	p = kunit_kmalloc(test, 2 + DTLS_MAX_IDENTITY_LEN + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, dtls_cke_build(p, 2 + DTLS_MAX_IDENTITY_LEN,
					     false, &big),
			2 + DTLS_MAX_IDENTITY_LEN);
	KUNIT_EXPECT_EQ(test, dtls_cke_parse(p, 2 + DTLS_MAX_IDENTITY_LEN,
					     false, &cke), 0);
	big.identity_len++;
	KUNIT_EXPECT_EQ(test, dtls_cke_build(p, 2 + DTLS_MAX_IDENTITY_LEN + 1,
					     false, &big), -EINVAL);
	put_unaligned_be16(DTLS_MAX_IDENTITY_LEN + 1, p);
	KUNIT_EXPECT_EQ(test, dtls_cke_parse(p, 2 + DTLS_MAX_IDENTITY_LEN + 1,
					     false, &cke), -EBADMSG);
	big.identity_len = 1;
	big.point_len = 0;
	KUNIT_EXPECT_EQ(test, dtls_cke_build(p, 8, true, &big), -EINVAL);
}

/* Every builder, short of room by any amount. */
static void msg_build_caps(struct kunit *test)
{
	static const build_fn fns[] = {
		build_ch_groups, build_ch_plain, build_hvr, build_sh_ecdhe,
		build_sh_psk, build_ske_psk, build_ske_ecdhe, build_cke_psk,
		build_cke_ecdhe,
	};
	unsigned int i;
	int len;

	for (i = 0; i < ARRAY_SIZE(fns); i++) {
		kunit_kfree(test, build(test, fns[i], &len));
		check_caps(test, fns[i], len);
	}
}

/* ---- OpenSSL's messages ---- */

static void msg_ossl_client_hello(struct kunit *test)
{
	static const u16 groups[] = { 0x001d, 0x0017, 0x001e, 0x0019, 0x0018 };
	u8 *p = copy(test, ossl_ch, sizeof(ossl_ch));
	struct dtls_ch ch;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, get_unaligned_be16(p + OSSL_CH_EXTS),
			sizeof(ossl_ch) - OSSL_CH_EXTS - 2);
	KUNIT_ASSERT_EQ(test, dtls_ch_parse(p, sizeof(ossl_ch), &ch), 0);
	KUNIT_EXPECT_EQ(test, ch.version, 0xfefd);
	KUNIT_EXPECT_PTR_EQ(test, ch.random, (const u8 *)p + 2);
	KUNIT_EXPECT_EQ(test, ch.session_id_len, 0);
	/* The cookie of the HelloVerifyRequest it answers */
	KUNIT_EXPECT_EQ(test, ch.cookie_len, 20);
	KUNIT_EXPECT_MEMEQ(test, ch.cookie, ossl_hvr + 3, 20);
	KUNIT_EXPECT_EQ(test, ch.suites_len, 108);
	KUNIT_EXPECT_TRUE(test, dtls_ch_has_suite(&ch, 0xc037));
	KUNIT_EXPECT_TRUE(test, dtls_ch_has_suite(&ch, 0x00a8));
	KUNIT_EXPECT_TRUE(test, dtls_ch_has_suite(&ch, 0xc02c));
	KUNIT_EXPECT_FALSE(test, dtls_ch_has_suite(&ch, 0x1301));
	KUNIT_EXPECT_TRUE(test, ch.reneg_scsv);
	KUNIT_EXPECT_TRUE(test, ch.null_compression);
	KUNIT_EXPECT_TRUE(test, ch.ems);
	/* OpenSSL signals secure renegotiation with the SCSV only. */
	KUNIT_EXPECT_FALSE(test, ch.reneg_info);
	KUNIT_EXPECT_FALSE(test, ch.reneg_bad);
	KUNIT_EXPECT_EQ(test, ch.groups_len, 10);
	for (i = 0; i < ARRAY_SIZE(groups); i++)
		KUNIT_EXPECT_TRUE(test, dtls_ch_has_group(&ch, groups[i]));
	KUNIT_EXPECT_FALSE(test, dtls_ch_has_group(&ch, 0x0100));
	KUNIT_EXPECT_TRUE(test, ch.point_formats);
	KUNIT_EXPECT_TRUE(test, ch.point_uncompressed);
	check_exact(test, parse_ch, ossl_ch, sizeof(ossl_ch), OSSL_CH_EXTS);
}

static void msg_ossl_client_hello_psk(struct kunit *test)
{
	u8 *p = copy(test, ossl_ch_psk, sizeof(ossl_ch_psk));
	struct dtls_ch ch;

	KUNIT_ASSERT_EQ(test, get_unaligned_be16(p + OSSL_CH_PSK_EXTS),
			sizeof(ossl_ch_psk) - OSSL_CH_PSK_EXTS - 2);
	KUNIT_ASSERT_EQ(test, dtls_ch_parse(p, sizeof(ossl_ch_psk), &ch), 0);
	KUNIT_EXPECT_EQ(test, ch.version, 0xfefd);
	KUNIT_EXPECT_EQ(test, ch.cookie_len, 0);
	KUNIT_EXPECT_EQ(test, ch.suites_len, 4);
	KUNIT_EXPECT_TRUE(test, dtls_ch_has_suite(&ch, 0x00a8));
	KUNIT_EXPECT_TRUE(test, ch.reneg_scsv);
	KUNIT_EXPECT_TRUE(test, ch.null_compression);
	KUNIT_EXPECT_TRUE(test, ch.ems);
	KUNIT_EXPECT_FALSE(test, ch.reneg_info);
	KUNIT_EXPECT_NULL(test, ch.groups);
	KUNIT_EXPECT_FALSE(test, ch.point_formats);
	check_exact(test, parse_ch, ossl_ch_psk, sizeof(ossl_ch_psk),
		    OSSL_CH_PSK_EXTS);
}

static void msg_ossl_hello_verify_request(struct kunit *test)
{
	u8 *p = copy(test, ossl_hvr, sizeof(ossl_hvr));
	const u8 *cookie;
	u8 cookie_len, out[3 + 20];

	KUNIT_ASSERT_EQ(test, dtls_hvr_parse(p, sizeof(ossl_hvr), &cookie,
					     &cookie_len), 0);
	KUNIT_EXPECT_EQ(test, cookie_len, 20);
	KUNIT_EXPECT_PTR_EQ(test, cookie, (const u8 *)p + 3);
	check_exact(test, parse_hvr, ossl_hvr, sizeof(ossl_hvr), U32_MAX);
	/* OpenSSL sends it as DTLS 1.0 as well: byte for byte the same. */
	KUNIT_EXPECT_EQ(test, dtls_hvr_build(out, sizeof(out), cookie,
					     cookie_len), sizeof(out));
	KUNIT_EXPECT_MEMEQ(test, out, ossl_hvr, sizeof(out));
}

static void msg_ossl_server_hello(struct kunit *test)
{
	u8 *p = copy(test, ossl_sh_psk, sizeof(ossl_sh_psk));
	struct dtls_sh sh;

	KUNIT_ASSERT_EQ(test, dtls_sh_parse(p, sizeof(ossl_sh_psk), &sh), 0);
	KUNIT_EXPECT_EQ(test, sh.version, 0xfefd);
	KUNIT_EXPECT_PTR_EQ(test, sh.random, (const u8 *)p + 2);
	KUNIT_EXPECT_EQ(test, sh.session_id_len, 0);
	KUNIT_EXPECT_EQ(test, sh.suite, 0x00a8);
	KUNIT_EXPECT_EQ(test, sh.compression, 0);
	KUNIT_EXPECT_TRUE(test, sh.ems);
	KUNIT_EXPECT_TRUE(test, sh.reneg_info);
	KUNIT_EXPECT_FALSE(test, sh.reneg_bad);
	KUNIT_EXPECT_FALSE(test, sh.point_formats);
	check_exact(test, parse_sh, ossl_sh_psk, sizeof(ossl_sh_psk),
		    OSSL_SH_EXTS);

	p = copy(test, ossl_sh_ecdhe, sizeof(ossl_sh_ecdhe));
	KUNIT_ASSERT_EQ(test, dtls_sh_parse(p, sizeof(ossl_sh_ecdhe), &sh), 0);
	KUNIT_EXPECT_EQ(test, sh.suite, 0xc037);
	KUNIT_EXPECT_TRUE(test, sh.ems);
	KUNIT_EXPECT_TRUE(test, sh.reneg_info);
	check_exact(test, parse_sh, ossl_sh_ecdhe, sizeof(ossl_sh_ecdhe),
		    OSSL_SH_EXTS);
}

static void msg_ossl_key_exchange(struct kunit *test)
{
	u8 *p = copy(test, ossl_ske_ecdhe, sizeof(ossl_ske_ecdhe)), *out;
	struct dtls_ske ske;
	struct dtls_cke cke;

	KUNIT_ASSERT_EQ(test, dtls_ske_parse(p, sizeof(ossl_ske_ecdhe), true,
					     &ske), 0);
	KUNIT_EXPECT_EQ(test, ske.hint_len, 10);
	KUNIT_EXPECT_MEMEQ(test, ske.hint, "kdtls-hint", 10);
	KUNIT_EXPECT_EQ(test, ske.group, 0x001d);
	KUNIT_EXPECT_EQ(test, ske.point_len, 32);
	KUNIT_EXPECT_PTR_EQ(test, ske.point, (const u8 *)p + 16);
	check_exact(test, parse_ske_ecdhe, ossl_ske_ecdhe,
		    sizeof(ossl_ske_ecdhe), U32_MAX);
	out = kunit_kmalloc(test, sizeof(ossl_ske_ecdhe), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, out);
	KUNIT_EXPECT_EQ(test, dtls_ske_build(out, sizeof(ossl_ske_ecdhe),
					     true, &ske),
			sizeof(ossl_ske_ecdhe));
	KUNIT_EXPECT_MEMEQ(test, out, ossl_ske_ecdhe, sizeof(ossl_ske_ecdhe));

	p = copy(test, ossl_cke_psk, sizeof(ossl_cke_psk));
	KUNIT_ASSERT_EQ(test, dtls_cke_parse(p, sizeof(ossl_cke_psk), false,
					     &cke), 0);
	KUNIT_EXPECT_EQ(test, cke.identity_len, 15);
	KUNIT_EXPECT_MEMEQ(test, cke.identity, "Client_identity", 15);
	check_exact(test, parse_cke_psk, ossl_cke_psk, sizeof(ossl_cke_psk),
		    U32_MAX);

	p = copy(test, ossl_cke_ecdhe, sizeof(ossl_cke_ecdhe));
	KUNIT_ASSERT_EQ(test, dtls_cke_parse(p, sizeof(ossl_cke_ecdhe), true,
					     &cke), 0);
	KUNIT_EXPECT_EQ(test, cke.identity_len, 15);
	KUNIT_EXPECT_MEMEQ(test, cke.identity, "Client_identity", 15);
	KUNIT_EXPECT_EQ(test, cke.point_len, 32);
	KUNIT_EXPECT_PTR_EQ(test, cke.point, (const u8 *)p + 18);
	check_exact(test, parse_cke_ecdhe, ossl_cke_ecdhe,
		    sizeof(ossl_cke_ecdhe), U32_MAX);
	out = kunit_kmalloc(test, sizeof(ossl_cke_ecdhe), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, out);
	KUNIT_EXPECT_EQ(test, dtls_cke_build(out, sizeof(ossl_cke_ecdhe),
					     true, &cke),
			sizeof(ossl_cke_ecdhe));
	KUNIT_EXPECT_MEMEQ(test, out, ossl_cke_ecdhe, sizeof(ossl_cke_ecdhe));
}

/* ---- malformed hellos ---- */

/* version and random of a ClientHello */
static const u8 ch_pre[34] = { 0xfe, 0xfd, [2 ... 33] = 0x5a };

/* The fixed part of a ClientHello, up to its extensions block. */
static const u8 ch_head[] = {
	0xfe, 0xfd, [2 ... 33] = 0x5a,		/* version, random */
	0x00,					/* session_id */
	0x00,					/* cookie */
	0x00, 0x04, 0x00, 0xa8, 0x00, 0xff,	/* cipher_suites */
	0x01, 0x00,				/* compression_methods */
};

/* Parse ch_pre followed by @rest. */
static int ch_pre_with(struct kunit *test, const u8 *rest, u32 len,
		       struct dtls_ch *ch)
{
	return dtls_ch_parse(cat(test, ch_pre, sizeof(ch_pre), rest, len),
			     sizeof(ch_pre) + len, ch);
}

/* Parse ch_head followed by @exts (the whole block, with its length). */
static int ch_with(struct kunit *test, const u8 *exts, u32 len,
		   struct dtls_ch *ch)
{
	return dtls_ch_parse(cat(test, ch_head, sizeof(ch_head), exts, len),
			     sizeof(ch_head) + len, ch);
}

#define CH_PRE(test, ch, ...) ({					\
	static const u8 __rest[] = { __VA_ARGS__ };			\
	ch_pre_with(test, __rest, sizeof(__rest), ch);			\
})

#define CH_EXTS(test, ch, ...) ({					\
	static const u8 __exts[] = { __VA_ARGS__ };			\
	ch_with(test, __exts, sizeof(__exts), ch);			\
})

static void msg_ch_bad_vectors(struct kunit *test)
{
	struct dtls_ch ch;
	u8 *p;
	u32 len;

	/* The reference: session_id, cookie, two suites, one method. */
	KUNIT_EXPECT_EQ(test, CH_PRE(test, &ch, 0x01, 0xaa, 0x01, 0xbb,
				     0x00, 0x04, 0x00, 0xa8, 0x00, 0xff,
				     0x01, 0x00), 0);
	KUNIT_EXPECT_TRUE(test, ch.reneg_scsv);
	KUNIT_EXPECT_EQ(test, ch.session_id_len, 1);
	KUNIT_EXPECT_EQ(test, ch.cookie_len, 1);
	/* odd cipher_suites length */
	KUNIT_EXPECT_EQ(test, CH_PRE(test, &ch, 0x00, 0x00,
				     0x00, 0x03, 0x00, 0xa8, 0x00,
				     0x01, 0x00), -EBADMSG);
	/* no cipher suites */
	KUNIT_EXPECT_EQ(test, CH_PRE(test, &ch, 0x00, 0x00, 0x00, 0x00,
				     0x01, 0x00), -EBADMSG);
	/* no compression methods */
	KUNIT_EXPECT_EQ(test, CH_PRE(test, &ch, 0x00, 0x00,
				     0x00, 0x02, 0x00, 0xa8, 0x00), -EBADMSG);
	/* compression methods without null: parses, null not offered */
	KUNIT_EXPECT_EQ(test, CH_PRE(test, &ch, 0x00, 0x00,
				     0x00, 0x02, 0x00, 0xa8, 0x01, 0x01), 0);
	KUNIT_EXPECT_FALSE(test, ch.null_compression);
	/* cookie longer than the body */
	KUNIT_EXPECT_EQ(test, CH_PRE(test, &ch, 0x00, 0x10, 0xaa, 0xbb),
			-EBADMSG);
	KUNIT_EXPECT_EQ(test, CH_PRE(test, &ch, 0x00, 0xff,
				     0x00, 0x02, 0x00, 0xa8, 0x01, 0x00),
			-EBADMSG);
	/* suites longer than the body */
	KUNIT_EXPECT_EQ(test, CH_PRE(test, &ch, 0x00, 0x00,
				     0x00, 0x08, 0x00, 0xa8, 0x01, 0x00),
			-EBADMSG);
	/* one byte after the compression methods */
	KUNIT_EXPECT_EQ(test, CH_PRE(test, &ch, 0x00, 0x00,
				     0x00, 0x02, 0x00, 0xa8, 0x01, 0x00,
				     0x00), -EBADMSG);

	/* session_id of 32 bytes, then of 33 */
	len = sizeof(ch_pre) + 1 + 33 + 1 + 4 + 2;
	p = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	memcpy(p, ch_pre, sizeof(ch_pre));
	p[34] = 32;
	/* cookie at 67: 00; suites at 68: 00 02 00 a8; compression 01 00 */
	p[69] = 0x02;
	p[71] = 0xa8;
	p[72] = 0x01;
	KUNIT_EXPECT_EQ(test, dtls_ch_parse(p, len - 1, &ch), 0);
	KUNIT_EXPECT_EQ(test, ch.session_id_len, 32);
	memmove(p + 68, p + 67, len - 68);
	p[34] = 33;
	p[67] = 0;
	KUNIT_EXPECT_EQ(test, dtls_ch_parse(p, len, &ch), -EBADMSG);
}

static void msg_ch_bad_extensions(struct kunit *test)
{
	struct dtls_ch ch;

	/* an empty extensions block */
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x00), 0);
	KUNIT_EXPECT_FALSE(test, ch.ems);
	/* block length one too long, one too short */
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x05,
				      0x00, 0x17, 0x00, 0x00), -EBADMSG);
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x03,
				      0x00, 0x17, 0x00, 0x00), -EBADMSG);
	/* an extension header cut short, a body past the block */
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x03,
				      0x00, 0x17, 0x00), -EBADMSG);
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x05,
				      0x00, 0x17, 0x00, 0x02, 0x00), -EBADMSG);
	/* duplicates: understood, unknown */
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x08,
				      0x00, 0x17, 0x00, 0x00,
				      0x00, 0x17, 0x00, 0x00), -EBADMSG);
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x0c,
				      0x00, 0x0a, 0x00, 0x04, 0x00, 0x02,
				      0x00, 0x1d,
				      0x00, 0x17, 0x00, 0x00,
				      0x00, 0x0a, 0x00, 0x04, 0x00, 0x02,
				      0x00, 0x17), -EBADMSG);
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x0d,
				      0x12, 0x34, 0x00, 0x00,
				      0x00, 0x17, 0x00, 0x00,
				      0x12, 0x34, 0x00, 0x01, 0xff), -EBADMSG);
	/* unknown extensions are skipped, whatever their body */
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x0b,
				      0x7a, 0x7a, 0x00, 0x03, 0xff, 0xff, 0xff,
				      0x00, 0x17, 0x00, 0x00), 0);
	KUNIT_EXPECT_TRUE(test, ch.ems);
	/* signature_algorithms: an odd list, a list longer than the body */
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x07,
				      0x00, 0x0d, 0x00, 0x03, 0x00, 0x01,
				      0x04), -EBADMSG);
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x08,
				      0x00, 0x0d, 0x00, 0x04, 0x00, 0x04,
				      0x04, 0x03), -EBADMSG);
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x0a,
				      0x00, 0x0d, 0x00, 0x06, 0x00, 0x04,
				      0x08, 0x04, 0x04, 0x03), 0);
	KUNIT_EXPECT_EQ(test, ch.sigalgs_len, 4);
	KUNIT_EXPECT_EQ(test, get_unaligned_be16(ch.sigalgs + 2),
			DTLS_SIG_ECDSA_SECP256R1_SHA256);
	/* extended_master_secret with a body */
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x05,
				      0x00, 0x17, 0x00, 0x01, 0x00), -EBADMSG);
	/* renegotiation_info: not empty, no length byte, inner lengths */
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x06,
				      0xff, 0x01, 0x00, 0x02, 0x01, 0xaa), 0);
	KUNIT_EXPECT_TRUE(test, ch.reneg_bad);
	KUNIT_EXPECT_FALSE(test, ch.reneg_info);
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x04,
				      0xff, 0x01, 0x00, 0x00), -EBADMSG);
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x06,
				      0xff, 0x01, 0x00, 0x02, 0x02, 0xaa),
			-EBADMSG);
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x06,
				      0xff, 0x01, 0x00, 0x02, 0x00, 0x00),
			-EBADMSG);
	/* supported_groups: odd, empty, inner length off, no inner length */
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x09,
				      0x00, 0x0a, 0x00, 0x05, 0x00, 0x03,
				      0x00, 0x1d, 0x00), -EBADMSG);
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x06,
				      0x00, 0x0a, 0x00, 0x02, 0x00, 0x00),
			-EBADMSG);
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x08,
				      0x00, 0x0a, 0x00, 0x04, 0x00, 0x04,
				      0x00, 0x1d), -EBADMSG);
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x05,
				      0x00, 0x0a, 0x00, 0x01, 0x00), -EBADMSG);
	/* ec_point_formats: empty list, inner length off, no uncompressed */
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x05,
				      0x00, 0x0b, 0x00, 0x01, 0x00), -EBADMSG);
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x06,
				      0x00, 0x0b, 0x00, 0x02, 0x02, 0x00),
			-EBADMSG);
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x06,
				      0x00, 0x0b, 0x00, 0x02, 0x01, 0x01), 0);
	KUNIT_EXPECT_TRUE(test, ch.point_formats);
	KUNIT_EXPECT_FALSE(test, ch.point_uncompressed);
}

/* use_srtp (RFC 5764 4.1.1) in a ClientHello: the list, the MKI. */
static void msg_ch_use_srtp(struct kunit *test)
{
	struct dtls_ch ch;

	/* profiles 1 and 8, MKI 0xaa 0xbb */
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x0d,
				      0x00, 0x0e, 0x00, 0x09, 0x00, 0x04,
				      0x00, 0x01, 0x00, 0x08, 0x02, 0xaa,
				      0xbb), 0);
	KUNIT_EXPECT_EQ(test, ch.srtp_profiles_len, 4);
	KUNIT_EXPECT_EQ(test, get_unaligned_be16(ch.srtp_profiles + 2), 8);
	KUNIT_EXPECT_EQ(test, ch.srtp_mki_len, 2);
	KUNIT_EXPECT_EQ(test, ch.srtp_mki[1], 0xbb);
	/* no MKI */
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x09,
				      0x00, 0x0e, 0x00, 0x05, 0x00, 0x02,
				      0x00, 0x07, 0x00), 0);
	KUNIT_EXPECT_EQ(test, ch.srtp_mki_len, 0);
	/* an empty list, an odd one */
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x07,
				      0x00, 0x0e, 0x00, 0x03, 0x00, 0x00,
				      0x00), -EBADMSG);
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x0a,
				      0x00, 0x0e, 0x00, 0x06, 0x00, 0x03,
				      0x00, 0x01, 0x00, 0x00), -EBADMSG);
	/* an MKI longer than the rest, bytes after it, no MKI length */
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x0a,
				      0x00, 0x0e, 0x00, 0x06, 0x00, 0x02,
				      0x00, 0x01, 0x02, 0xaa), -EBADMSG);
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x0a,
				      0x00, 0x0e, 0x00, 0x06, 0x00, 0x02,
				      0x00, 0x01, 0x00, 0xff), -EBADMSG);
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x08,
				      0x00, 0x0e, 0x00, 0x04, 0x00, 0x02,
				      0x00, 0x01), -EBADMSG);
	/* a list longer than the body; twice */
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x09,
				      0x00, 0x0e, 0x00, 0x05, 0x00, 0x04,
				      0x00, 0x01, 0x00), -EBADMSG);
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x12,
				      0x00, 0x0e, 0x00, 0x05, 0x00, 0x02,
				      0x00, 0x01, 0x00,
				      0x00, 0x0e, 0x00, 0x05, 0x00, 0x02,
				      0x00, 0x01, 0x00), -EBADMSG);
}

/*
 * Many distinct unknown extensions are fine, a repeated one among them is
 * not, and understood ones are always checked for repeats.
 */
static void msg_ch_many_extensions(struct kunit *test)
{
	const unsigned int n = 2 * MSG_EXT_SEEN_MAX;
	u32 len = 2 + 4 * (n + 2);
	struct dtls_ch ch;
	unsigned int i;
	u8 *exts;

	exts = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, exts);
	put_unaligned_be16(len - 2, exts);
	for (i = 0; i < n; i++)
		put_unaligned_be16(0x1000 + i, exts + 2 + 4 * i);
	put_unaligned_be16(DTLS_EXT_EXTENDED_MASTER_SECRET,
			   exts + 2 + 4 * n);
	put_unaligned_be16(0x2000, exts + 2 + 4 * (n + 1));
	KUNIT_EXPECT_EQ(test, ch_with(test, exts, len, &ch), 0);
	KUNIT_EXPECT_TRUE(test, ch.ems);
	/* a repeat of the first unknown type, at the end */
	put_unaligned_be16(0x1000, exts + 2 + 4 * (n + 1));
	KUNIT_EXPECT_EQ(test, ch_with(test, exts, len, &ch), -EBADMSG);
	/* a repeated EMS after the table is full */
	put_unaligned_be16(DTLS_EXT_EXTENDED_MASTER_SECRET,
			   exts + 2 + 4 * (n + 1));
	KUNIT_EXPECT_EQ(test, ch_with(test, exts, len, &ch), -EBADMSG);
}

/* The fixed part of a ServerHello, up to its extensions block. */
static const u8 sh_head[] = {
	0xfe, 0xfd, [2 ... 33] = 0x5a,		/* version, random */
	0x00,					/* session_id */
	0x00, 0xa8,				/* cipher_suite */
	0x00,					/* compression_method */
};

#define SH_EXTS(test, sh, ...) ({					\
	static const u8 __exts[] = { __VA_ARGS__ };			\
	dtls_sh_parse(cat(test, sh_head, sizeof(sh_head), __exts,	\
			  sizeof(__exts)),				\
		      sizeof(sh_head) + sizeof(__exts), sh);		\
})

static void msg_sh_bad(struct kunit *test)
{
	struct dtls_sh sh;
	u8 *p;

	KUNIT_EXPECT_EQ(test, SH_EXTS(test, &sh, 0x00, 0x08,
				      0x00, 0x17, 0x00, 0x00,
				      0x00, 0x17, 0x00, 0x00), -EBADMSG);
	KUNIT_EXPECT_EQ(test, SH_EXTS(test, &sh, 0x00, 0x05,
				      0x00, 0x17, 0x00, 0x01, 0x00), -EBADMSG);
	KUNIT_EXPECT_EQ(test, SH_EXTS(test, &sh, 0x00, 0x06,
				      0xff, 0x01, 0x00, 0x02, 0x01, 0x00), 0);
	KUNIT_EXPECT_TRUE(test, sh.reneg_bad);
	KUNIT_EXPECT_FALSE(test, sh.reneg_info);
	KUNIT_EXPECT_EQ(test, SH_EXTS(test, &sh, 0x00, 0x06,
				      0x00, 0x0b, 0x00, 0x02, 0x01, 0x00), 0);
	KUNIT_EXPECT_TRUE(test, sh.point_formats);
	KUNIT_EXPECT_TRUE(test, sh.point_uncompressed);
	KUNIT_EXPECT_EQ(test, SH_EXTS(test, &sh, 0x00, 0x04,
				      0x00, 0x0b, 0x00, 0x00), -EBADMSG);
	/* supported_groups is not a ServerHello extension: skipped */
	KUNIT_EXPECT_EQ(test, SH_EXTS(test, &sh, 0x00, 0x05,
				      0x00, 0x0a, 0x00, 0x01, 0x00), 0);
	KUNIT_EXPECT_EQ(test, SH_EXTS(test, &sh, 0x00, 0x03,
				      0x00, 0x17, 0x00, 0x00), -EBADMSG);

	/* session_id of 33 bytes */
	p = kunit_kzalloc(test, 34 + 1 + 33 + 3, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	memcpy(p, sh_head, 34);
	p[34] = 32;
	KUNIT_EXPECT_EQ(test, dtls_sh_parse(p, 34 + 1 + 32 + 3, &sh), 0);
	KUNIT_EXPECT_EQ(test, sh.session_id_len, 32);
	p[34] = 33;
	KUNIT_EXPECT_EQ(test, dtls_sh_parse(p, 34 + 1 + 33 + 3, &sh),
			-EBADMSG);
}

/* ---- malformed key exchanges ---- */

#define PARSE(test, fn, ...) ({						\
	static const u8 __b[] = { __VA_ARGS__ };			\
	parse_copy(test, fn, __b, sizeof(__b));				\
})

static void msg_kx_bad(struct kunit *test)
{
	/* ECDHE_PSK SKE: empty hint, x25519, 1-byte point: the reference */
	KUNIT_EXPECT_EQ(test, PARSE(test, parse_ske_ecdhe, 0x00, 0x00,
				    0x03, 0x00, 0x1d, 0x01, 0x42), 0);
	/* explicit_prime curve (1), explicit_char2 (2) */
	KUNIT_EXPECT_EQ(test, PARSE(test, parse_ske_ecdhe, 0x00, 0x00,
				    0x01, 0x00, 0x1d, 0x01, 0x42), -EBADMSG);
	KUNIT_EXPECT_EQ(test, PARSE(test, parse_ske_ecdhe, 0x00, 0x00,
				    0x02, 0x00, 0x1d, 0x01, 0x42), -EBADMSG);
	/* empty point */
	KUNIT_EXPECT_EQ(test, PARSE(test, parse_ske_ecdhe, 0x00, 0x00,
				    0x03, 0x00, 0x1d, 0x00), -EBADMSG);
	/* point longer than the body; hint longer than the body */
	KUNIT_EXPECT_EQ(test, PARSE(test, parse_ske_ecdhe, 0x00, 0x00,
				    0x03, 0x00, 0x1d, 0x02, 0x42), -EBADMSG);
	KUNIT_EXPECT_EQ(test, PARSE(test, parse_ske_psk, 0x00, 0x03,
				    0x61, 0x62), -EBADMSG);
	/* PSK SKE with something after the hint */
	KUNIT_EXPECT_EQ(test, PARSE(test, parse_ske_psk, 0x00, 0x01,
				    0x61, 0x03), -EBADMSG);

	/* CKE: identity longer than the body, by one and by a lot */
	KUNIT_EXPECT_EQ(test, PARSE(test, parse_cke_psk, 0x00, 0x03,
				    0x61, 0x62), -EBADMSG);
	KUNIT_EXPECT_EQ(test, PARSE(test, parse_cke_psk, 0xff, 0xff,
				    0x61, 0x62), -EBADMSG);
	KUNIT_EXPECT_EQ(test, PARSE(test, parse_cke_ecdhe, 0x00, 0x05,
				    0x61, 0x62, 0x01, 0x42), -EBADMSG);
	/* empty identity: well-formed (the caller decides) */
	KUNIT_EXPECT_EQ(test, PARSE(test, parse_cke_psk, 0x00, 0x00), 0);
	/* ECDHE_PSK CKE: empty point, point past the end, no point */
	KUNIT_EXPECT_EQ(test, PARSE(test, parse_cke_ecdhe, 0x00, 0x01,
				    0x61, 0x00), -EBADMSG);
	KUNIT_EXPECT_EQ(test, PARSE(test, parse_cke_ecdhe, 0x00, 0x01,
				    0x61, 0x02, 0x42), -EBADMSG);
	KUNIT_EXPECT_EQ(test, PARSE(test, parse_cke_ecdhe, 0x00, 0x01,
				    0x61), -EBADMSG);
	KUNIT_EXPECT_EQ(test, PARSE(test, parse_cke_ecdhe, 0x00, 0x01,
				    0x61, 0x01, 0x42), 0);

	/* HVR: cookie past the end, nothing after the version */
	KUNIT_EXPECT_EQ(test, PARSE(test, parse_hvr, 0xfe, 0xff, 0x02, 0xaa),
			-EBADMSG);
	KUNIT_EXPECT_EQ(test, PARSE(test, parse_hvr, 0xfe, 0xff), -EBADMSG);
}

/* RFC 7250 4.1: a client's lists, a server's single choice. */
static void msg_cert_types(struct kunit *test)
{
	static const u8 both[] = { DTLS_CTYPE_RAW_PUBLIC_KEY, DTLS_CTYPE_X509 };
	static const u8 tail[] = { 0x00, 0x13, 0x00, 0x02, 0x01, 0x00,
				   0x00, 0x14, 0x00, 0x03, 0x02, 0x02, 0x00 };
	struct dtls_ch_params cp = t_ch_plain;
	struct dtls_ch ch;
	struct dtls_sh sh;
	u8 buf[256];
	int len;

	cp.client_ctypes = both + 1;
	cp.n_client_ctypes = 1;
	cp.server_ctypes = both;
	cp.n_server_ctypes = 2;
	len = dtls_ch_build(buf, sizeof(buf), &cp);
	KUNIT_ASSERT_GT(test, len, (int)sizeof(tail));
	KUNIT_EXPECT_MEMEQ(test, buf + len - sizeof(tail), tail, sizeof(tail));
	KUNIT_ASSERT_EQ(test, dtls_ch_parse(buf, len, &ch), 0);
	KUNIT_EXPECT_EQ(test, ch.client_ctypes_len, 1);
	KUNIT_EXPECT_EQ(test, ch.client_ctypes[0], DTLS_CTYPE_X509);
	KUNIT_EXPECT_EQ(test, ch.server_ctypes_len, 2);
	KUNIT_EXPECT_MEMEQ(test, ch.server_ctypes, both, 2);
	/* Longer lists than we ever send are refused. */
	cp.n_server_ctypes = DTLS_CTYPES_MAX + 1;
	KUNIT_EXPECT_EQ(test, dtls_ch_build(buf, sizeof(buf), &cp), -EINVAL);

	/* A client's list: empty, or longer than its extension. */
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x05,
				      0x00, 0x14, 0x00, 0x01, 0x00), -EBADMSG);
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x06,
				      0x00, 0x13, 0x00, 0x02, 0x02, 0x02),
			-EBADMSG);
	/* ... or one byte, as a server would send it. */
	KUNIT_EXPECT_EQ(test, CH_EXTS(test, &ch, 0x00, 0x05,
				      0x00, 0x14, 0x00, 0x01, 0x02), -EBADMSG);
	/* A server's choice: exactly one byte; twice the same is refused. */
	KUNIT_EXPECT_EQ(test, SH_EXTS(test, &sh, 0x00, 0x0a,
				      0x00, 0x17, 0x00, 0x00,
				      0x00, 0x13, 0x00, 0x02, 0x01, 0x00),
			-EBADMSG);
	KUNIT_EXPECT_EQ(test, SH_EXTS(test, &sh, 0x00, 0x08,
				      0x00, 0x17, 0x00, 0x00,
				      0x00, 0x14, 0x00, 0x00), -EBADMSG);
	KUNIT_EXPECT_EQ(test, SH_EXTS(test, &sh, 0x00, 0x0e,
				      0x00, 0x14, 0x00, 0x01, 0x02,
				      0x00, 0x17, 0x00, 0x00,
				      0x00, 0x14, 0x00, 0x01, 0x02), -EBADMSG);
	KUNIT_EXPECT_EQ(test, SH_EXTS(test, &sh, 0x00, 0x0e,
				      0x00, 0x13, 0x00, 0x01, 0x02,
				      0x00, 0x17, 0x00, 0x00,
				      0x00, 0x14, 0x00, 0x01, 0x00), 0);
	KUNIT_EXPECT_TRUE(test, sh.has_client_ctype);
	KUNIT_EXPECT_EQ(test, sh.client_ctype, DTLS_CTYPE_RAW_PUBLIC_KEY);
	KUNIT_EXPECT_TRUE(test, sh.has_server_ctype);
	KUNIT_EXPECT_EQ(test, sh.server_ctype, DTLS_CTYPE_X509);
}

static struct kunit_case dtls_msg_cases[] = {
	KUNIT_CASE(msg_ch_roundtrip),
	KUNIT_CASE(msg_ch_roundtrip_plain),
	KUNIT_CASE(msg_ch_build_invalid),
	KUNIT_CASE(msg_hvr_roundtrip),
	KUNIT_CASE(msg_sh_roundtrip),
	KUNIT_CASE(msg_ske_roundtrip),
	KUNIT_CASE(msg_cke_roundtrip),
	KUNIT_CASE(msg_build_caps),
	KUNIT_CASE(msg_ossl_client_hello),
	KUNIT_CASE(msg_ossl_client_hello_psk),
	KUNIT_CASE(msg_ossl_hello_verify_request),
	KUNIT_CASE(msg_ossl_server_hello),
	KUNIT_CASE(msg_ossl_key_exchange),
	KUNIT_CASE(msg_ch_bad_vectors),
	KUNIT_CASE(msg_ch_bad_extensions),
	KUNIT_CASE(msg_ch_many_extensions),
	KUNIT_CASE(msg_ch_use_srtp),
	KUNIT_CASE(msg_sh_bad),
	KUNIT_CASE(msg_kx_bad),
	KUNIT_CASE(msg_cert_types),
	{}
};

static struct kunit_suite dtls_msg_suite = {
	.name = "dtls_msg",
	.test_cases = dtls_msg_cases,
};

kunit_test_suite(dtls_msg_suite);
