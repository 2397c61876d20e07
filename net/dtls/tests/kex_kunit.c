// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: ephemeral ECDH, kex.c (x25519: the library; P-256: p256.c).  Known answers from RFC 7748
 * 6.1 (x25519) and RFC 5903 8.1 (secp256r1; both checked with openssl),
 * fresh key pairs agreeing, and hostile peer values rejected.
 *
 * The fixed secp256r1 private keys are big-endian scalars, as p256.c
 * reads them.
 *
 * Context: process (KUnit test thread).
 */
#include <kunit/test.h>

#include "../kex.c"

static const u8 x25519_alice_priv[32] = {
	0x77, 0x07, 0x6d, 0x0a, 0x73, 0x18, 0xa5, 0x7d,
	0x3c, 0x16, 0xc1, 0x72, 0x51, 0xb2, 0x66, 0x45,
	0xdf, 0x4c, 0x2f, 0x87, 0xeb, 0xc0, 0x99, 0x2a,
	0xb1, 0x77, 0xfb, 0xa5, 0x1d, 0xb9, 0x2c, 0x2a,
};

static const u8 x25519_alice_pub[32] = {
	0x85, 0x20, 0xf0, 0x09, 0x89, 0x30, 0xa7, 0x54,
	0x74, 0x8b, 0x7d, 0xdc, 0xb4, 0x3e, 0xf7, 0x5a,
	0x0d, 0xbf, 0x3a, 0x0d, 0x26, 0x38, 0x1a, 0xf4,
	0xeb, 0xa4, 0xa9, 0x8e, 0xaa, 0x9b, 0x4e, 0x6a,
};

static const u8 x25519_bob_priv[32] = {
	0x5d, 0xab, 0x08, 0x7e, 0x62, 0x4a, 0x8a, 0x4b,
	0x79, 0xe1, 0x7f, 0x8b, 0x83, 0x80, 0x0e, 0xe6,
	0x6f, 0x3b, 0xb1, 0x29, 0x26, 0x18, 0xb6, 0xfd,
	0x1c, 0x2f, 0x8b, 0x27, 0xff, 0x88, 0xe0, 0xeb,
};

static const u8 x25519_bob_pub[32] = {
	0xde, 0x9e, 0xdb, 0x7d, 0x7b, 0x7d, 0xc1, 0xb4,
	0xd3, 0x5b, 0x61, 0xc2, 0xec, 0xe4, 0x35, 0x37,
	0x3f, 0x83, 0x43, 0xc8, 0x5b, 0x78, 0x67, 0x4d,
	0xad, 0xfc, 0x7e, 0x14, 0x6f, 0x88, 0x2b, 0x4f,
};

static const u8 x25519_shared[32] = {
	0x4a, 0x5d, 0x9d, 0x5b, 0xa4, 0xce, 0x2d, 0xe1,
	0x72, 0x8e, 0x3b, 0xf4, 0x80, 0x35, 0x0f, 0x25,
	0xe0, 0x7e, 0x21, 0xc9, 0x47, 0xd1, 0x9e, 0x33,
	0x76, 0xf0, 0x9b, 0x3c, 0x1e, 0x16, 0x17, 0x42,
};

static const u8 p256_i_priv[32] = {
	0xc8, 0x8f, 0x01, 0xf5, 0x10, 0xd9, 0xac, 0x3f,
	0x70, 0xa2, 0x92, 0xda, 0xa2, 0x31, 0x6d, 0xe5,
	0x44, 0xe9, 0xaa, 0xb8, 0xaf, 0xe8, 0x40, 0x49,
	0xc6, 0x2a, 0x9c, 0x57, 0x86, 0x2d, 0x14, 0x33,
};

static const u8 p256_i_pub[65] = {
	0x04, 0xda, 0xd0, 0xb6, 0x53, 0x94, 0x22, 0x1c,
	0xf9, 0xb0, 0x51, 0xe1, 0xfe, 0xca, 0x57, 0x87,
	0xd0, 0x98, 0xdf, 0xe6, 0x37, 0xfc, 0x90, 0xb9,
	0xef, 0x94, 0x5d, 0x0c, 0x37, 0x72, 0x58, 0x11,
	0x80, 0x52, 0x71, 0xa0, 0x46, 0x1c, 0xdb, 0x82,
	0x52, 0xd6, 0x1f, 0x1c, 0x45, 0x6f, 0xa3, 0xe5,
	0x9a, 0xb1, 0xf4, 0x5b, 0x33, 0xac, 0xcf, 0x5f,
	0x58, 0x38, 0x9e, 0x05, 0x77, 0xb8, 0x99, 0x0b,
	0xb3,
};

static const u8 p256_r_priv[32] = {
	0xc6, 0xef, 0x9c, 0x5d, 0x78, 0xae, 0x01, 0x2a,
	0x01, 0x11, 0x64, 0xac, 0xb3, 0x97, 0xce, 0x20,
	0x88, 0x68, 0x5d, 0x8f, 0x06, 0xbf, 0x9b, 0xe0,
	0xb2, 0x83, 0xab, 0x46, 0x47, 0x6b, 0xee, 0x53,
};

static const u8 p256_r_pub[65] = {
	0x04, 0xd1, 0x2d, 0xfb, 0x52, 0x89, 0xc8, 0xd4,
	0xf8, 0x12, 0x08, 0xb7, 0x02, 0x70, 0x39, 0x8c,
	0x34, 0x22, 0x96, 0x97, 0x0a, 0x0b, 0xcc, 0xb7,
	0x4c, 0x73, 0x6f, 0xc7, 0x55, 0x44, 0x94, 0xbf,
	0x63, 0x56, 0xfb, 0xf3, 0xca, 0x36, 0x6c, 0xc2,
	0x3e, 0x81, 0x57, 0x85, 0x4c, 0x13, 0xc5, 0x8d,
	0x6a, 0xac, 0x23, 0xf0, 0x46, 0xad, 0xa3, 0x0f,
	0x83, 0x53, 0xe7, 0x4f, 0x33, 0x03, 0x98, 0x72,
	0xab,
};

static const u8 p256_shared[32] = {
	0xd6, 0x84, 0x0f, 0x6b, 0x42, 0xf6, 0xed, 0xaf,
	0xd1, 0x31, 0x16, 0xe0, 0xe1, 0x25, 0x65, 0x20,
	0x2f, 0xef, 0x8e, 0x9e, 0xce, 0x7d, 0xce, 0x03,
	0x81, 0x24, 0x64, 0xd0, 0x4b, 0x94, 0x42, 0xde,
};

static const u8 x25519_order8[32] = {
	0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae,
	0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a,
	0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd,
	0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00,
};

static void kex_free_action(void *kex)
{
	dtls_kex_free(kex);
}

/* A key pair freed when the test ends, whatever the outcome. */
static struct dtls_kex *kex_get(struct kunit *test, u16 group,
				const u8 *priv, unsigned int len)
{
	struct dtls_kex *kex;

	kex = priv ? dtls_kex_new_priv(group, priv, len) : dtls_kex_new(group);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, kex);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kex_free_action,
							kex), 0);
	return kex;
}

/* @a and @b (with public values @pub_a and @pub_b) agree on @shared. */
static void kex_check_pair(struct kunit *test, struct dtls_kex *a,
			   struct dtls_kex *b, const u8 *pub_a,
			   const u8 *pub_b, unsigned int pub_len,
			   const u8 *shared)
{
	u8 pub[DTLS_KEX_PUBLIC_MAX];
	u8 sa[DTLS_KEX_SHARED_LEN];
	u8 sb[DTLS_KEX_SHARED_LEN];

	KUNIT_ASSERT_EQ(test, dtls_kex_public(a, pub, sizeof(pub)), pub_len);
	KUNIT_EXPECT_MEMEQ(test, pub, pub_a, pub_len);
	KUNIT_ASSERT_EQ(test, dtls_kex_public(b, pub, sizeof(pub)), pub_len);
	KUNIT_EXPECT_MEMEQ(test, pub, pub_b, pub_len);

	KUNIT_ASSERT_EQ(test, dtls_kex_shared(a, pub_b, pub_len, sa),
			DTLS_KEX_SHARED_LEN);
	KUNIT_ASSERT_EQ(test, dtls_kex_shared(b, pub_a, pub_len, sb),
			DTLS_KEX_SHARED_LEN);
	KUNIT_EXPECT_MEMEQ(test, sa, sb, DTLS_KEX_SHARED_LEN);
	if (shared)
		KUNIT_EXPECT_MEMEQ(test, sa, shared, DTLS_KEX_SHARED_LEN);
}

static void kex_x25519_rfc7748(struct kunit *test)
{
	struct dtls_kex *alice, *bob;

	alice = kex_get(test, DTLS_GROUP_X25519, x25519_alice_priv, 32);
	bob = kex_get(test, DTLS_GROUP_X25519, x25519_bob_priv, 32);
	kex_check_pair(test, alice, bob, x25519_alice_pub, x25519_bob_pub, 32,
		       x25519_shared);
}

static void kex_p256_rfc5903(struct kunit *test)
{
	struct dtls_kex *i, *r;

	i = kex_get(test, DTLS_GROUP_SECP256R1, p256_i_priv, 32);
	r = kex_get(test, DTLS_GROUP_SECP256R1, p256_r_priv, 32);
	kex_check_pair(test, i, r, p256_i_pub, p256_r_pub, 65, p256_shared);
}

static void kex_fresh_pairs(struct kunit *test)
{
	static const u16 groups[] = { DTLS_GROUP_X25519, DTLS_GROUP_SECP256R1 };
	u8 pa[DTLS_KEX_PUBLIC_MAX], pb[DTLS_KEX_PUBLIC_MAX];
	struct dtls_kex *a, *b;
	unsigned int i;
	int len;

	for (i = 0; i < ARRAY_SIZE(groups); i++) {
		KUNIT_EXPECT_TRUE(test, dtls_kex_group_supported(groups[i]));
		a = kex_get(test, groups[i], NULL, 0);
		b = kex_get(test, groups[i], NULL, 0);
		len = dtls_kex_public(a, pa, sizeof(pa));
		KUNIT_ASSERT_EQ(test, len,
				groups[i] == DTLS_GROUP_X25519 ? 32 : 65);
		KUNIT_ASSERT_EQ(test, dtls_kex_public(b, pb, sizeof(pb)), len);
		if (len == 65) {
			KUNIT_EXPECT_EQ(test, pa[0], 0x04);
			KUNIT_EXPECT_EQ(test, pb[0], 0x04);
		}
		KUNIT_EXPECT_MEMNEQ(test, pa, pb, len);
		kex_check_pair(test, a, b, pa, pb, len, NULL);
		/* Exactly enough room; one byte short. */
		KUNIT_EXPECT_EQ(test, dtls_kex_public(a, pa, len), len);
		KUNIT_EXPECT_EQ(test, dtls_kex_public(a, pa, len - 1), -EINVAL);
	}
}

/* @peer is refused and @out is left alone. */
static void kex_expect_refused(struct kunit *test, struct dtls_kex *kex,
			       const u8 *peer, unsigned int len)
{
	u8 out[DTLS_KEX_SHARED_LEN];
	u8 *copy;

	/* A heap copy of exactly @len bytes: KASAN sees any overread. */
	copy = kunit_kmalloc(test, len ? len : 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, copy);
	memcpy(copy, peer, len);
	memset(out, 0xee, sizeof(out));
	KUNIT_EXPECT_EQ(test, dtls_kex_shared(kex, copy, len, out), -EINVAL);
	KUNIT_EXPECT_EQ(test, out[0], 0xee);
	KUNIT_EXPECT_EQ(test, out[DTLS_KEX_SHARED_LEN - 1], 0xee);
}

static void kex_x25519_bad_peer(struct kunit *test)
{
	struct dtls_kex *kex;
	u8 pt[33] = { 0 };

	kex = kex_get(test, DTLS_GROUP_X25519, x25519_alice_priv, 32);
	kex_expect_refused(test, kex, x25519_bob_pub, 31);
	kex_expect_refused(test, kex, pt, 33);
	kex_expect_refused(test, kex, pt, 0);
	/* Small-order points: the all-zero shared secret. */
	kex_expect_refused(test, kex, pt, 32);
	pt[0] = 1;
	kex_expect_refused(test, kex, pt, 32);
	kex_expect_refused(test, kex, x25519_order8, 32);
	/* Still usable after the refusals. */
	kex_check_pair(test, kex,
		       kex_get(test, DTLS_GROUP_X25519, x25519_bob_priv, 32),
		       x25519_alice_pub, x25519_bob_pub, 32, x25519_shared);
}

static void kex_p256_bad_peer(struct kunit *test)
{
	struct dtls_kex *kex;
	u8 pt[66];

	kex = kex_get(test, DTLS_GROUP_SECP256R1, p256_i_priv, 32);
	/* X | Y without the prefix, one byte short, one too many. */
	kex_expect_refused(test, kex, p256_r_pub + 1, 64);
	kex_expect_refused(test, kex, p256_r_pub, 64);
	memcpy(pt, p256_r_pub, 65);
	pt[65] = 0;
	kex_expect_refused(test, kex, pt, 66);
	kex_expect_refused(test, kex, pt, 0);
	/* Compressed (0x02, 0x03) and hybrid (0x06) forms. */
	pt[0] = 0x02;
	kex_expect_refused(test, kex, pt, 65);
	kex_expect_refused(test, kex, pt, 33);
	pt[0] = 0x03;
	kex_expect_refused(test, kex, pt, 33);
	pt[0] = 0x06;
	kex_expect_refused(test, kex, pt, 65);
	/* Not on the curve. */
	pt[0] = 0x04;
	pt[64] ^= 1;
	kex_expect_refused(test, kex, pt, 65);
	/* A coordinate not below p. */
	memset(pt + 1, 0xff, 32);
	pt[64] ^= 1;
	kex_expect_refused(test, kex, pt, 65);
	/* The point at infinity as (0, 0). */
	memset(pt + 1, 0, 64);
	kex_expect_refused(test, kex, pt, 65);
	/* Still usable after the refusals. */
	kex_check_pair(test, kex,
		       kex_get(test, DTLS_GROUP_SECP256R1, p256_r_priv, 32),
		       p256_i_pub, p256_r_pub, 65, p256_shared);
}

/* The order of P-256, n */
static const u8 p256_order[32] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17,
	0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};

static void kex_bad_args(struct kunit *test)
{
	static const u8 zero[33];
	struct dtls_kex *kex;
	u8 out[DTLS_KEX_SHARED_LEN];

	KUNIT_EXPECT_FALSE(test, dtls_kex_group_supported(0));
	KUNIT_EXPECT_FALSE(test, dtls_kex_group_supported(24));
	KUNIT_EXPECT_FALSE(test, dtls_kex_group_supported(30));
	KUNIT_EXPECT_PTR_EQ(test, dtls_kex_new(24), ERR_PTR(-EINVAL));
	KUNIT_EXPECT_PTR_EQ(test, dtls_kex_new(0), ERR_PTR(-EINVAL));
	KUNIT_EXPECT_PTR_EQ(test, dtls_kex_new_priv(DTLS_GROUP_X25519,
						    x25519_alice_priv, 31),
			    ERR_PTR(-EINVAL));
	KUNIT_EXPECT_PTR_EQ(test, dtls_kex_new_priv(DTLS_GROUP_X25519, NULL,
						    32), ERR_PTR(-EINVAL));
	KUNIT_EXPECT_PTR_EQ(test, dtls_kex_new_priv(DTLS_GROUP_SECP256R1,
						    zero, 33), ERR_PTR(-EINVAL));
	/* Zero is no P-256 private key, nor is n. */
	KUNIT_EXPECT_PTR_EQ(test, dtls_kex_new_priv(DTLS_GROUP_SECP256R1,
						    zero, 32), ERR_PTR(-EINVAL));
	KUNIT_EXPECT_PTR_EQ(test, dtls_kex_new_priv(DTLS_GROUP_SECP256R1,
						    p256_order, 32),
			    ERR_PTR(-EINVAL));

	kex = kex_get(test, DTLS_GROUP_X25519, NULL, 0);
	KUNIT_EXPECT_EQ(test, dtls_kex_public(NULL, out, sizeof(out)), -EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_kex_public(kex, NULL, sizeof(out)), -EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_kex_shared(NULL, x25519_bob_pub, 32, out),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_kex_shared(kex, NULL, 32, out), -EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_kex_shared(kex, x25519_bob_pub, 32, NULL),
			-EINVAL);
	dtls_kex_free(NULL);
}

static struct kunit_case kex_cases[] = {
	KUNIT_CASE(kex_x25519_rfc7748),
	KUNIT_CASE(kex_p256_rfc5903),
	KUNIT_CASE(kex_fresh_pairs),
	KUNIT_CASE(kex_x25519_bad_peer),
	KUNIT_CASE(kex_p256_bad_peer),
	KUNIT_CASE(kex_bad_args),
	{}
};

static struct kunit_suite kex_suite = {
	.name = "dtls_kex",
	.test_cases = kex_cases,
};

kunit_test_suite(kex_suite);
