// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: ECDSA P-256 / SHA-256, ecdsa.c.  RFC 6979 A.2.5's key and
 * deterministic signatures (checked with openssl dgst -verify; one of a
 * SHA-384 digest, as a chain may hold), a
 * signature OpenSSL made, hedged signatures of fresh keys, every way a
 * signature, a hash or a public key can be wrong, and strict DER.
 *
 * Context: process (KUnit test thread).
 */
#include <kunit/test.h>

#include "../ecdsa.c"

static const u8 rfc_priv[32] = {
	0xc9, 0xaf, 0xa9, 0xd8, 0x45, 0xba, 0x75, 0x16, 0x6b, 0x5c, 0x21,
	0x57, 0x67, 0xb1, 0xd6, 0x93, 0x4e, 0x50, 0xc3, 0xdb, 0x36, 0xe8,
	0x9b, 0x12, 0x7b, 0x8a, 0x62, 0x2b, 0x12, 0x0f, 0x67, 0x21,
};

static const u8 rfc_pub[65] = {
	0x04,
	0x60, 0xfe, 0xd4, 0xba, 0x25, 0x5a, 0x9d, 0x31, 0xc9, 0x61, 0xeb,
	0x74, 0xc6, 0x35, 0x6d, 0x68, 0xc0, 0x49, 0xb8, 0x92, 0x3b, 0x61,
	0xfa, 0x6c, 0xe6, 0x69, 0x62, 0x2e, 0x60, 0xf2, 0x9f, 0xb6,
	0x79, 0x03, 0xfe, 0x10, 0x08, 0xb8, 0xbc, 0x99, 0xa4, 0x1a, 0xe9,
	0xe9, 0x56, 0x28, 0xbc, 0x64, 0xf2, 0xf1, 0xb2, 0x0c, 0x2d, 0x7e,
	0x9f, 0x51, 0x77, 0xa3, 0xc2, 0x94, 0xd4, 0x46, 0x22, 0x99,
};

struct rfc_vector {
	const char	*msg;
	u8		hash[32];	/* SHA-256(msg) */
	u8		r[32];
	u8		s[32];
};

static const struct rfc_vector rfc_vectors[] = {
	{ "sample",
	  { 0xaf, 0x2b, 0xdb, 0xe1, 0xaa, 0x9b, 0x6e, 0xc1, 0xe2, 0xad, 0xe1,
	    0xd6, 0x94, 0xf4, 0x1f, 0xc7, 0x1a, 0x83, 0x1d, 0x02, 0x68, 0xe9,
	    0x89, 0x15, 0x62, 0x11, 0x3d, 0x8a, 0x62, 0xad, 0xd1, 0xbf },
	  { 0xef, 0xd4, 0x8b, 0x2a, 0xac, 0xb6, 0xa8, 0xfd, 0x11, 0x40, 0xdd,
	    0x9c, 0xd4, 0x5e, 0x81, 0xd6, 0x9d, 0x2c, 0x87, 0x7b, 0x56, 0xaa,
	    0xf9, 0x91, 0xc3, 0x4d, 0x0e, 0xa8, 0x4e, 0xaf, 0x37, 0x16 },
	  { 0xf7, 0xcb, 0x1c, 0x94, 0x2d, 0x65, 0x7c, 0x41, 0xd4, 0x36, 0xc7,
	    0xa1, 0xb6, 0xe2, 0x9f, 0x65, 0xf3, 0xe9, 0x00, 0xdb, 0xb9, 0xaf,
	    0xf4, 0x06, 0x4d, 0xc4, 0xab, 0x2f, 0x84, 0x3a, 0xcd, 0xa8 } },
	{ "test",
	  { 0x9f, 0x86, 0xd0, 0x81, 0x88, 0x4c, 0x7d, 0x65, 0x9a, 0x2f, 0xea,
	    0xa0, 0xc5, 0x5a, 0xd0, 0x15, 0xa3, 0xbf, 0x4f, 0x1b, 0x2b, 0x0b,
	    0x82, 0x2c, 0xd1, 0x5d, 0x6c, 0x15, 0xb0, 0xf0, 0x0a, 0x08 },
	  { 0xf1, 0xab, 0xb0, 0x23, 0x51, 0x83, 0x51, 0xcd, 0x71, 0xd8, 0x81,
	    0x56, 0x7b, 0x1e, 0xa6, 0x63, 0xed, 0x3e, 0xfc, 0xf6, 0xc5, 0x13,
	    0x2b, 0x35, 0x4f, 0x28, 0xd3, 0xb0, 0xb7, 0xd3, 0x83, 0x67 },
	  { 0x01, 0x9f, 0x41, 0x13, 0x74, 0x2a, 0x2b, 0x14, 0xbd, 0x25, 0x92,
	    0x6b, 0x49, 0xc6, 0x49, 0x15, 0x5f, 0x26, 0x7e, 0x60, 0xd3, 0x81,
	    0x4b, 0x4c, 0x0c, 0xc8, 0x42, 0x50, 0xe4, 0x6f, 0x00, 0x83 } },
};

/* openssl dgst -sha256 -sign (RFC 6979's key) over "kdtls": a random k. */
static const u8 ossl_hash[32] = {
	0xad, 0x2d, 0x53, 0x4a, 0xe3, 0x7b, 0x4b, 0x8a, 0xf0, 0xd4, 0x74,
	0x19, 0xe9, 0x40, 0xbf, 0xab, 0x94, 0x01, 0x73, 0x86, 0x0a, 0xc5,
	0x6d, 0xc5, 0x3b, 0x90, 0xec, 0xee, 0x2d, 0xbf, 0xa1, 0x91,
};

static const u8 ossl_sig[70] = {
	0x30, 0x44, 0x02, 0x20, 0x4c, 0x5c, 0xb6, 0x5e, 0xd7, 0xda, 0xc7,
	0xd1, 0xda, 0x6c, 0xd3, 0x4f, 0x08, 0x71, 0x97, 0x9c, 0x36, 0xa8,
	0x34, 0xf5, 0x59, 0x4b, 0x90, 0x31, 0xea, 0x7a, 0x3f, 0xc8, 0xe8,
	0x66, 0xbf, 0xe8, 0x02, 0x20, 0x21, 0xfe, 0x02, 0x0e, 0x9d, 0x16,
	0x38, 0x94, 0x7a, 0x20, 0x8f, 0x04, 0x33, 0x75, 0xfb, 0xd3, 0x92,
	0xb7, 0xf4, 0xd4, 0x94, 0xe1, 0x35, 0x2b, 0x09, 0x12, 0x73, 0x48,
	0x2a, 0x98, 0xaf, 0x60,
};

/* The order n of P-256, big-endian. */
static const u8 p256_n[32] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17,
	0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};

/* The key's public point is RFC 6979's. */
static void ecdsa_rfc6979_key(struct kunit *test)
{
	struct dtls_ecdsa_key k;

	KUNIT_ASSERT_EQ(test, dtls_ecdsa_key_set(&k, rfc_priv), 0);
	KUNIT_EXPECT_MEMEQ(test, k.pub, rfc_pub, sizeof(rfc_pub));
	KUNIT_EXPECT_EQ(test, dtls_ecdsa_pub_check(k.pub, sizeof(k.pub)), 0);
	dtls_ecdsa_key_wipe(&k);
}

/*
 * The cache of derived public keys: the same key again, after as many
 * others as the cache holds and more, still gets its own point, and the
 * others theirs (each checked against a derivation from scratch).
 */
static void ecdsa_pub_cache(struct kunit *test)
{
	struct dtls_ecdsa_key k;
	u8 priv[32], pub[2 * 32], got[2 * 32], tag[DTLS_PUB_TAG_LEN];
	unsigned int i;

	for (i = 0; i < 2 * DTLS_PUB_CACHE_SIZE + 1; i++) {
		memcpy(priv, rfc_priv, sizeof(priv));
		priv[31] ^= i;
		KUNIT_ASSERT_EQ(test, dtls_ecdsa_key_set(&k, priv), 0);
		KUNIT_ASSERT_EQ(test, dtls_p256_mult_g(pub, priv), 0);
		KUNIT_EXPECT_MEMEQ(test, k.pub + 1, pub, sizeof(pub));
		/* and again, from the cache now */
		KUNIT_ASSERT_EQ(test, dtls_pub_tag(priv, tag), 0);
		KUNIT_EXPECT_TRUE(test, dtls_pub_cache_get(tag, got));
		KUNIT_EXPECT_MEMEQ(test, got, pub, sizeof(pub));
		KUNIT_ASSERT_EQ(test, dtls_ecdsa_key_set(&k, priv), 0);
		KUNIT_EXPECT_MEMEQ(test, k.pub + 1, pub, sizeof(pub));
		KUNIT_ASSERT_EQ(test, dtls_ecdsa_key_set(&k, rfc_priv), 0);
		KUNIT_EXPECT_MEMEQ(test, k.pub, rfc_pub, sizeof(rfc_pub));
	}
	dtls_ecdsa_key_wipe(&k);
	memzero_explicit(priv, sizeof(priv));
}

/* Without extra input, RFC 6979's signatures to the byte; they verify. */
static void ecdsa_rfc6979_sign(struct kunit *test)
{
	u8 r[32], s[32];
	struct dtls_ecdsa_key k;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, dtls_ecdsa_key_set(&k, rfc_priv), 0);
	for (i = 0; i < ARRAY_SIZE(rfc_vectors); i++) {
		const struct rfc_vector *v = &rfc_vectors[i];

		KUNIT_ASSERT_EQ(test, dtls_ecdsa_sign_rs(&k, v->hash, NULL, 0,
							 r, s), 0);
		KUNIT_EXPECT_MEMEQ_MSG(test, r, v->r, 32, "%s", v->msg);
		KUNIT_EXPECT_MEMEQ_MSG(test, s, v->s, 32, "%s", v->msg);
		KUNIT_EXPECT_EQ(test, dtls_ecdsa_verify_rs(rfc_pub, v->hash,
							   v->r, v->s), 0);
	}
	dtls_ecdsa_key_wipe(&k);
}

/*
 * RFC 6979 A.2.5, SHA-384, "sample" (checked with openssl dgst -sha384
 * -verify): P-256 signs the first 32 bytes of the 48-byte digest, as a
 * certificate signed ecdsa-with-SHA384 is checked (chain.c).
 */
static void ecdsa_rfc6979_sha384(struct kunit *test)
{
	static const u8 h384[48] = {
		0x9a, 0x90, 0x83, 0x50, 0x5b, 0xc9, 0x22, 0x76, 0xae, 0xc4, 0xbe,
		0x31, 0x26, 0x96, 0xef, 0x7b, 0xf3, 0xbf, 0x60, 0x3f, 0x4b, 0xbd,
		0x38, 0x11, 0x96, 0xa0, 0x29, 0xf3, 0x40, 0x58, 0x53, 0x12, 0x31,
		0x3b, 0xca, 0x4a, 0x9b, 0x5b, 0x89, 0x0e, 0xfe, 0xe4, 0x2c, 0x77,
		0xb1, 0xee, 0x25, 0xfe,
	};
	static const u8 r[32] = {
		0x0e, 0xaf, 0xea, 0x03, 0x9b, 0x20, 0xe9, 0xb4, 0x23, 0x09, 0xfb,
		0x1d, 0x89, 0xe2, 0x13, 0x05, 0x7c, 0xbf, 0x97, 0x3d, 0xc0, 0xcf,
		0xc8, 0xf1, 0x29, 0xed, 0xdd, 0xc8, 0x00, 0xef, 0x77, 0x19,
	};
	static const u8 s[32] = {
		0x48, 0x61, 0xf0, 0x49, 0x1e, 0x69, 0x98, 0xb9, 0x45, 0x51, 0x93,
		0xe3, 0x4e, 0x7b, 0x0d, 0x28, 0x4d, 0xdd, 0x71, 0x49, 0xa7, 0x4b,
		0x95, 0xb9, 0x26, 0x1f, 0x13, 0xab, 0xde, 0x94, 0x09, 0x54,
	};
	u8 h[32];

	KUNIT_EXPECT_EQ(test, dtls_ecdsa_verify_rs(rfc_pub, h384, r, s), 0);
	/* Its last 16 bytes are not signed; its 32nd is. */
	memcpy(h, h384, sizeof(h));
	h[31] ^= 1;
	KUNIT_EXPECT_EQ(test, dtls_ecdsa_verify_rs(rfc_pub, h, r, s),
			-EKEYREJECTED);
}

/* A signature OpenSSL made, as DER, verifies. */
static void ecdsa_openssl_sig(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, dtls_ecdsa_verify(rfc_pub, ossl_hash, ossl_sig,
						sizeof(ossl_sig)), 0);
}

/* Anything changed: the signature, the hash, the key. */
static void ecdsa_verify_rejects(struct kunit *test)
{
	const struct rfc_vector *v = &rfc_vectors[0];
	u8 r[32], s[32], h[32], pub[65];
	unsigned int i;

	for (i = 0; i < 256; i += 37) {
		memcpy(r, v->r, 32);
		r[i / 8] ^= 1 << (i % 8);
		KUNIT_EXPECT_EQ(test, dtls_ecdsa_verify_rs(rfc_pub, v->hash, r,
							   v->s),
				-EKEYREJECTED);
		memcpy(s, v->s, 32);
		s[i / 8] ^= 1 << (i % 8);
		KUNIT_EXPECT_EQ(test, dtls_ecdsa_verify_rs(rfc_pub, v->hash,
							   v->r, s),
				-EKEYREJECTED);
		memcpy(h, v->hash, 32);
		h[i / 8] ^= 1 << (i % 8);
		KUNIT_EXPECT_EQ(test, dtls_ecdsa_verify_rs(rfc_pub, h, v->r,
							   v->s),
				-EKEYREJECTED);
	}
	/* The other vector's signature, and r and s swapped. */
	KUNIT_EXPECT_EQ(test, dtls_ecdsa_verify_rs(rfc_pub, v->hash,
						   rfc_vectors[1].r,
						   rfc_vectors[1].s),
			-EKEYREJECTED);
	KUNIT_EXPECT_EQ(test, dtls_ecdsa_verify_rs(rfc_pub, v->hash, v->s,
						   v->r), -EKEYREJECTED);
	/* r, s out of 1..n-1 */
	memset(r, 0, 32);
	KUNIT_EXPECT_EQ(test, dtls_ecdsa_verify_rs(rfc_pub, v->hash, r, v->s),
			-EKEYREJECTED);
	KUNIT_EXPECT_EQ(test, dtls_ecdsa_verify_rs(rfc_pub, v->hash, v->r, r),
			-EKEYREJECTED);
	KUNIT_EXPECT_EQ(test, dtls_ecdsa_verify_rs(rfc_pub, v->hash, p256_n,
						   v->s), -EKEYREJECTED);
	memset(s, 0xff, 32);
	KUNIT_EXPECT_EQ(test, dtls_ecdsa_verify_rs(rfc_pub, v->hash, v->r, s),
			-EKEYREJECTED);
	/* Keys: compressed form, off the curve, x >= p, the wrong length. */
	memcpy(pub, rfc_pub, sizeof(pub));
	pub[0] = 2;
	KUNIT_EXPECT_EQ(test, dtls_ecdsa_verify_rs(pub, v->hash, v->r, v->s),
			-EBADMSG);
	pub[0] = 4;
	pub[64] ^= 1;
	KUNIT_EXPECT_EQ(test, dtls_ecdsa_verify_rs(pub, v->hash, v->r, v->s),
			-EINVAL);
	memset(pub + 1, 0xff, 32);
	KUNIT_EXPECT_EQ(test, dtls_ecdsa_pub_check(pub, sizeof(pub)), -EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_ecdsa_pub_check(rfc_pub, 64), -EBADMSG);
}

/* Private keys out of 1..n-1 are refused (and wiped). */
static void ecdsa_key_range(struct kunit *test)
{
	static const u8 zero[32];
	struct dtls_ecdsa_key k;

	KUNIT_EXPECT_EQ(test, dtls_ecdsa_key_set(&k, zero), -EINVAL);
	KUNIT_EXPECT_NULL(test, memchr_inv(&k, 0, sizeof(k)));
	KUNIT_EXPECT_EQ(test, dtls_ecdsa_key_set(&k, p256_n), -EINVAL);
	KUNIT_EXPECT_NULL(test, memchr_inv(&k, 0, sizeof(k)));
}

/*
 * Fresh keys: hedged signatures verify under their key only, and two of
 * the same hash differ; without extra input they repeat.
 */
static void ecdsa_sign_verify(struct kunit *test)
{
	u8 priv[32], hash[32], sig[2][DTLS_ECDSA_SIG_MAX], r[2][32], s[2][32];
	struct dtls_ecdsa_key k, other;
	int i, n[2];

	get_random_bytes(priv, sizeof(priv));
	KUNIT_ASSERT_EQ(test, dtls_ecdsa_key_set(&k, priv), 0);
	get_random_bytes(priv, sizeof(priv));
	KUNIT_ASSERT_EQ(test, dtls_ecdsa_key_set(&other, priv), 0);
	get_random_bytes(hash, sizeof(hash));
	for (i = 0; i < 2; i++) {
		n[i] = dtls_ecdsa_sign(&k, hash, sig[i], sizeof(sig[i]));
		KUNIT_ASSERT_GT(test, n[i], 8);
		KUNIT_EXPECT_EQ(test, dtls_ecdsa_verify(k.pub, hash, sig[i],
							n[i]), 0);
		KUNIT_EXPECT_EQ(test, dtls_ecdsa_verify(other.pub, hash, sig[i],
							n[i]), -EKEYREJECTED);
	}
	KUNIT_EXPECT_FALSE(test,
			   n[0] == n[1] && !memcmp(sig[0], sig[1], n[0]));
	for (i = 0; i < 2; i++)
		KUNIT_ASSERT_EQ(test, dtls_ecdsa_sign_rs(&k, hash, NULL, 0, r[i],
							 s[i]), 0);
	KUNIT_EXPECT_MEMEQ(test, r[0], r[1], 32);
	KUNIT_EXPECT_MEMEQ(test, s[0], s[1], 32);
	dtls_ecdsa_key_wipe(&k);
	dtls_ecdsa_key_wipe(&other);
	memzero_explicit(priv, sizeof(priv));
}

/* DER: minimal integers both ways; everything else refused. */
static void ecdsa_der(struct kunit *test)
{
	static const u8 bad[][12] = {
		{ 8, 0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01 },	/* SET */
		{ 8, 0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01 },	/* len */
		{ 8, 0x30, 0x06, 0x03, 0x01, 0x01, 0x02, 0x01, 0x01 },	/* tag */
		{ 8, 0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x01 },	/* < 0 */
		{ 9, 0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01 },
		{ 7, 0x30, 0x05, 0x02, 0x00, 0x02, 0x01, 0x01 },	/* empty */
		{ 10, 0x30, 0x08, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x05,
		  0x00 },						/* more */
		{ 5, 0x30, 0x03, 0x02, 0x01, 0x01 },			/* no s */
		{ 9, 0x30, 0x81, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01 },
	};
	u8 r[32], s[32], r2[32], s2[32], der[DTLS_ECDSA_SIG_MAX + 1];
	unsigned int i;
	int n;

	/* r with its top bit set takes a 0x00; s with leading zeros, less. */
	memset(r, 0xee, 32);
	memset(s, 0, 32);
	s[31] = 0x42;
	n = dtls_ecdsa_sig_build(r, s, der, sizeof(der));
	KUNIT_ASSERT_EQ(test, n, 2 + 2 + 33 + 2 + 1);
	KUNIT_EXPECT_EQ(test, der[3], 33);
	KUNIT_EXPECT_EQ(test, der[4], 0);
	KUNIT_EXPECT_EQ(test, dtls_ecdsa_sig_parse(der, n, r2, s2), 0);
	KUNIT_EXPECT_MEMEQ(test, r, r2, 32);
	KUNIT_EXPECT_MEMEQ(test, s, s2, 32);
	KUNIT_EXPECT_EQ(test, dtls_ecdsa_sig_build(r, s, der, n - 1), -ENOSPC);
	for (i = 1; i < n; i++)
		KUNIT_EXPECT_EQ(test, dtls_ecdsa_sig_parse(der, i, r2, s2),
				-EBADMSG);
	/* 33 bytes not starting with 0x00, and 34 */
	der[4] = 1;
	KUNIT_EXPECT_EQ(test, dtls_ecdsa_sig_parse(der, n, r2, s2), -EBADMSG);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, dtls_ecdsa_sig_parse(bad[i] + 1,
							       bad[i][0], r2,
							       s2),
				    -EBADMSG, "case %u", i);
	/* The largest, both 33 bytes: 72, and it parses. */
	memset(s, 0x80, 32);
	KUNIT_EXPECT_EQ(test, dtls_ecdsa_sig_build(r, s, der, sizeof(der)),
			DTLS_ECDSA_SIG_MAX);
	KUNIT_EXPECT_EQ(test, dtls_ecdsa_sig_parse(der, DTLS_ECDSA_SIG_MAX, r2,
						   s2), 0);
	KUNIT_EXPECT_EQ(test, dtls_ecdsa_verify(rfc_pub, ossl_hash, ossl_sig,
						sizeof(ossl_sig) - 1),
			-EBADMSG);
}

static int ecdsa_suite_init(struct kunit_suite *suite)
{
	return dtls_prf_init();
}

static void ecdsa_suite_exit(struct kunit_suite *suite)
{
	dtls_prf_exit();
}

static struct kunit_case ecdsa_cases[] = {
	KUNIT_CASE(ecdsa_rfc6979_key),
	KUNIT_CASE(ecdsa_pub_cache),
	KUNIT_CASE(ecdsa_rfc6979_sign),
	KUNIT_CASE(ecdsa_rfc6979_sha384),
	KUNIT_CASE(ecdsa_openssl_sig),
	KUNIT_CASE(ecdsa_verify_rejects),
	KUNIT_CASE(ecdsa_key_range),
	KUNIT_CASE(ecdsa_sign_verify),
	KUNIT_CASE(ecdsa_der),
	{}
};

static struct kunit_suite dtls_ecdsa_suite = {
	.name = "dtls_ecdsa",
	.suite_init = ecdsa_suite_init,
	.suite_exit = ecdsa_suite_exit,
	.test_cases = ecdsa_cases,
};

kunit_test_suite(dtls_ecdsa_suite);
