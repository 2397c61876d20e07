// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the TLS 1.2 key schedule, prf.c.  Expected values come from the
 * published TLS 1.2 PRF test vectors (P_SHA256 and P_SHA384, label "test
 * label") and, for the pre-master, master secret, key block and Finished,
 * from OpenSSL's TLS1-PRF (openssl kdf) over the same inputs.
 *
 * Context: process (KUnit test thread).
 */
#include <kunit/test.h>

#include "../prf.c"

/* The published TLS 1.2 PRF vectors; both verified with openssl kdf. */
static const u8 tv256_secret[16] = {
	0x9b, 0xbe, 0x43, 0x6b, 0xa9, 0x40, 0xf0, 0x17,
	0xb1, 0x76, 0x52, 0x84, 0x9a, 0x71, 0xdb, 0x35,
};

static const u8 tv256_seed[16] = {
	0xa0, 0xba, 0x9f, 0x93, 0x6c, 0xda, 0x31, 0x18,
	0x27, 0xa6, 0xf7, 0x96, 0xff, 0xd5, 0x19, 0x8c,
};

static const u8 tv256_out[100] = {
	0xe3, 0xf2, 0x29, 0xba, 0x72, 0x7b, 0xe1, 0x7b,
	0x8d, 0x12, 0x26, 0x20, 0x55, 0x7c, 0xd4, 0x53,
	0xc2, 0xaa, 0xb2, 0x1d, 0x07, 0xc3, 0xd4, 0x95,
	0x32, 0x9b, 0x52, 0xd4, 0xe6, 0x1e, 0xdb, 0x5a,
	0x6b, 0x30, 0x17, 0x91, 0xe9, 0x0d, 0x35, 0xc9,
	0xc9, 0xa4, 0x6b, 0x4e, 0x14, 0xba, 0xf9, 0xaf,
	0x0f, 0xa0, 0x22, 0xf7, 0x07, 0x7d, 0xef, 0x17,
	0xab, 0xfd, 0x37, 0x97, 0xc0, 0x56, 0x4b, 0xab,
	0x4f, 0xbc, 0x91, 0x66, 0x6e, 0x9d, 0xef, 0x9b,
	0x97, 0xfc, 0xe3, 0x4f, 0x79, 0x67, 0x89, 0xba,
	0xa4, 0x80, 0x82, 0xd1, 0x22, 0xee, 0x42, 0xc5,
	0xa7, 0x2e, 0x5a, 0x51, 0x10, 0xff, 0xf7, 0x01,
	0x87, 0x34, 0x7b, 0x66,
};

static const u8 tv384_secret[16] = {
	0xb8, 0x0b, 0x73, 0x3d, 0x6c, 0xee, 0xfc, 0xdc,
	0x71, 0x56, 0x6e, 0xa4, 0x8e, 0x55, 0x67, 0xdf,
};

static const u8 tv384_seed[16] = {
	0xcd, 0x66, 0x5c, 0xf6, 0xa8, 0x44, 0x7d, 0xd6,
	0xff, 0x8b, 0x27, 0x55, 0x5e, 0xdb, 0x74, 0x65,
};

static const u8 tv384_out[148] = {
	0x7b, 0x0c, 0x18, 0xe9, 0xce, 0xd4, 0x10, 0xed,
	0x18, 0x04, 0xf2, 0xcf, 0xa3, 0x4a, 0x33, 0x6a,
	0x1c, 0x14, 0xdf, 0xfb, 0x49, 0x00, 0xbb, 0x5f,
	0xd7, 0x94, 0x21, 0x07, 0xe8, 0x1c, 0x83, 0xcd,
	0xe9, 0xca, 0x0f, 0xaa, 0x60, 0xbe, 0x9f, 0xe3,
	0x4f, 0x82, 0xb1, 0x23, 0x3c, 0x91, 0x46, 0xa0,
	0xe5, 0x34, 0xcb, 0x40, 0x0f, 0xed, 0x27, 0x00,
	0x88, 0x4f, 0x9d, 0xc2, 0x36, 0xf8, 0x0e, 0xdd,
	0x8b, 0xfa, 0x96, 0x11, 0x44, 0xc9, 0xe8, 0xd7,
	0x92, 0xec, 0xa7, 0x22, 0xa7, 0xb3, 0x2f, 0xc3,
	0xd4, 0x16, 0xd4, 0x73, 0xeb, 0xc2, 0xc5, 0xfd,
	0x4a, 0xbf, 0xda, 0xd0, 0x5d, 0x91, 0x84, 0x25,
	0x9b, 0x5b, 0xf8, 0xcd, 0x4d, 0x90, 0xfa, 0x0d,
	0x31, 0xe2, 0xde, 0xc4, 0x79, 0xe4, 0xf1, 0xa2,
	0x60, 0x66, 0xf2, 0xee, 0xa9, 0xa6, 0x92, 0x36,
	0xa3, 0xe5, 0x26, 0x55, 0xc9, 0xe9, 0xae, 0xe6,
	0x91, 0xc8, 0xf3, 0xa2, 0x68, 0x54, 0x30, 0x8d,
	0x5e, 0xaa, 0x3b, 0xe8, 0x5e, 0x09, 0x90, 0x70,
	0x3d, 0x73, 0xe5, 0x6f,
};

static const u8 sha256_empty[32] = {
	0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14,
	0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
	0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c,
	0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
};

static const u8 sha384_abc[48] = {
	0xcb, 0x00, 0x75, 0x3f, 0x45, 0xa3, 0x5e, 0x8b,
	0xb5, 0xa0, 0x3d, 0x69, 0x9a, 0xc6, 0x50, 0x07,
	0x27, 0x2c, 0x32, 0xab, 0x0e, 0xde, 0xd1, 0x63,
	0x1a, 0x8b, 0x60, 0x5a, 0x43, 0xff, 0x5b, 0xed,
	0x80, 0x86, 0x07, 0x2b, 0xa1, 0xe7, 0xcc, 0x23,
	0x58, 0xba, 0xec, 0xa1, 0x34, 0xc8, 0x25, 0xa7,
};

/* Key-schedule inputs and OpenSSL-computed outputs. */
static const u8 psk[16] = {
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

static const u8 ecdh_z[32] = {
	0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
	0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
	0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7,
	0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
};

static const u8 pms_plain[36] = {
	0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x10, 0x10, 0x11, 0x12, 0x13,
	0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b,
	0x1c, 0x1d, 0x1e, 0x1f,
};

static const u8 pms_ecdhe[52] = {
	0x00, 0x20, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5,
	0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad,
	0xae, 0xaf, 0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5,
	0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd,
	0xbe, 0xbf, 0x00, 0x10, 0x10, 0x11, 0x12, 0x13,
	0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b,
	0x1c, 0x1d, 0x1e, 0x1f,
};

static const u8 client_random[32] = {
	0x30, 0x33, 0x36, 0x39, 0x3c, 0x3f, 0x42, 0x45,
	0x48, 0x4b, 0x4e, 0x51, 0x54, 0x57, 0x5a, 0x5d,
	0x60, 0x63, 0x66, 0x69, 0x6c, 0x6f, 0x72, 0x75,
	0x78, 0x7b, 0x7e, 0x81, 0x84, 0x87, 0x8a, 0x8d,
};

static const u8 server_random[32] = {
	0x70, 0x75, 0x7a, 0x7f, 0x84, 0x89, 0x8e, 0x93,
	0x98, 0x9d, 0xa2, 0xa7, 0xac, 0xb1, 0xb6, 0xbb,
	0xc0, 0xc5, 0xca, 0xcf, 0xd4, 0xd9, 0xde, 0xe3,
	0xe8, 0xed, 0xf2, 0xf7, 0xfc, 0x01, 0x06, 0x0b,
};

static const u8 sha256_session_hash[32] = {
	0xa4, 0x01, 0xe2, 0xb8, 0x8c, 0xe0, 0x4b, 0x5b,
	0x86, 0xb8, 0xa8, 0xb2, 0x1d, 0x85, 0x98, 0xb7,
	0xdb, 0xf5, 0xc9, 0xcd, 0xe1, 0x0f, 0x49, 0x09,
	0x3c, 0x0f, 0xee, 0xb7, 0x85, 0x85, 0xb0, 0x22,
};

static const u8 sha256_master[48] = {
	0x43, 0x8a, 0x81, 0xbe, 0x55, 0xc8, 0x9d, 0xc5,
	0xa0, 0x17, 0x07, 0xee, 0x76, 0xe1, 0x86, 0x4f,
	0x55, 0x90, 0x6f, 0xac, 0x68, 0x6c, 0xa1, 0xe3,
	0xce, 0xef, 0x4f, 0xe7, 0x12, 0xe9, 0x57, 0x56,
	0x3b, 0xa7, 0xba, 0xdf, 0xee, 0x7c, 0xaf, 0x17,
	0x89, 0x3d, 0x5e, 0xa7, 0x4a, 0xc1, 0xd9, 0xf2,
};

static const u8 sha256_key_block[40] = {
	0x07, 0xd6, 0x0d, 0x40, 0xb2, 0x15, 0x8f, 0x24,
	0xa8, 0xb9, 0x66, 0x83, 0xe4, 0xa3, 0xc2, 0x64,
	0x40, 0xa8, 0x49, 0xc2, 0x90, 0x31, 0xd9, 0xc7,
	0xf0, 0x75, 0xcd, 0xd6, 0xd5, 0x1e, 0xd6, 0x74,
	0x01, 0xd5, 0x8d, 0x81, 0x74, 0xb5, 0x75, 0xf9,
};

static const u8 sha256_finished_hash[32] = {
	0xe3, 0xc4, 0xb5, 0xdf, 0xa8, 0x09, 0xa7, 0x5c,
	0x65, 0x61, 0xa3, 0x5f, 0x74, 0xe3, 0x8f, 0x39,
	0x7c, 0x59, 0xe1, 0x88, 0xd6, 0x78, 0xbb, 0xf9,
	0xe4, 0xeb, 0xe6, 0x3c, 0x0a, 0x14, 0x82, 0xb1,
};

static const u8 sha256_client_verify[12] = {
	0x32, 0xfe, 0x9a, 0x68, 0x22, 0x06, 0xaa, 0x0e,
	0x58, 0xf3, 0xe2, 0xd8,
};

static const u8 sha256_server_verify[12] = {
	0x74, 0x16, 0xe1, 0xda, 0x4f, 0xca, 0x54, 0x28,
	0x07, 0xbd, 0xfc, 0xf9,
};

static const u8 sha384_session_hash[48] = {
	0xda, 0x33, 0x0f, 0xc3, 0x99, 0x16, 0x0d, 0x01,
	0x35, 0x1c, 0xa2, 0xa6, 0x04, 0x2b, 0x76, 0x19,
	0x0d, 0x58, 0x95, 0xea, 0xc4, 0x2c, 0xb7, 0x61,
	0x63, 0xa5, 0xeb, 0xcc, 0x0a, 0x63, 0xba, 0xee,
	0x1b, 0x88, 0x15, 0x0c, 0x62, 0xc6, 0xd2, 0xf8,
	0x40, 0xc0, 0x2c, 0xc7, 0xe1, 0xc1, 0xef, 0x9d,
};

static const u8 sha384_master[48] = {
	0x02, 0xad, 0x47, 0x3a, 0xbc, 0xfb, 0xe4, 0xaa,
	0x31, 0xdc, 0x50, 0xf6, 0xef, 0x2c, 0xea, 0x59,
	0x42, 0xe2, 0x5b, 0x6c, 0x92, 0x12, 0xeb, 0x91,
	0xb1, 0xad, 0x21, 0x19, 0x3b, 0xcd, 0x18, 0x59,
	0x93, 0x00, 0x2c, 0xcc, 0x65, 0x19, 0xbf, 0x29,
	0x38, 0x6e, 0x28, 0x29, 0x00, 0xe6, 0x60, 0x75,
};

static const u8 sha384_key_block[72] = {
	0xe1, 0xb8, 0x8f, 0x4d, 0xc7, 0xfe, 0x95, 0x84,
	0x39, 0x52, 0x59, 0xc5, 0x3d, 0xd3, 0xb1, 0x3a,
	0x19, 0x25, 0x62, 0x37, 0x9e, 0x7b, 0xac, 0xb0,
	0xbc, 0x8a, 0xd1, 0x79, 0x29, 0x14, 0x9a, 0xde,
	0x3c, 0x04, 0x6f, 0x7f, 0x89, 0xaf, 0x1e, 0x0f,
	0x8b, 0x34, 0x41, 0x68, 0x63, 0x09, 0xa4, 0xe9,
	0x85, 0x19, 0xf3, 0x68, 0xb2, 0xbb, 0xd5, 0x92,
	0xed, 0xd8, 0x3a, 0x50, 0xdc, 0x4a, 0x7f, 0xbb,
	0x41, 0x7d, 0xa6, 0xe6, 0xc5, 0x4f, 0x8f, 0xba,
};

static const u8 sha384_finished_hash[48] = {
	0xf5, 0x69, 0x59, 0x32, 0x09, 0x73, 0xd4, 0x4f,
	0x0d, 0xf3, 0xf5, 0x46, 0x4f, 0x34, 0xa5, 0x40,
	0x5f, 0x09, 0xdb, 0x3c, 0x05, 0xc9, 0xf0, 0xbc,
	0x82, 0x7f, 0x69, 0x3e, 0x24, 0x2a, 0x29, 0xfe,
	0xad, 0xe7, 0xf1, 0xca, 0x0f, 0x42, 0x08, 0xd2,
	0x94, 0xd1, 0x0f, 0x59, 0x1b, 0x3b, 0x1a, 0x63,
};

static const u8 sha384_client_verify[12] = {
	0x55, 0x2d, 0xee, 0x81, 0xcf, 0xe9, 0x64, 0xcc,
	0xfb, 0x11, 0x14, 0x29,
};

static const u8 sha384_server_verify[12] = {
	0xa8, 0x9a, 0x04, 0xe4, 0x74, 0x84, 0x08, 0xb6,
	0x1e, 0xa5, 0xcb, 0x39,
};

static const char session_msgs[] = "ClientHello...ClientKeyExchange";
static const char finished_msgs[] = "ClientHello...Finished";

static void prf_sha256_vector(struct kunit *test)
{
	u8 out[sizeof(tv256_out)];

	KUNIT_ASSERT_EQ(test, dtls_prf(DTLS_PRF_SHA256, tv256_secret,
				       sizeof(tv256_secret), "test label",
				       tv256_seed, sizeof(tv256_seed), NULL, 0,
				       out, sizeof(out)), 0);
	KUNIT_EXPECT_MEMEQ(test, out, tv256_out, sizeof(out));

	/* The seed split in two gives the same stream. */
	memset(out, 0, sizeof(out));
	KUNIT_ASSERT_EQ(test, dtls_prf(DTLS_PRF_SHA256, tv256_secret,
				       sizeof(tv256_secret), "test label",
				       tv256_seed, 5, tv256_seed + 5,
				       sizeof(tv256_seed) - 5,
				       out, sizeof(out)), 0);
	KUNIT_EXPECT_MEMEQ(test, out, tv256_out, sizeof(out));
}

static void prf_sha384_vector(struct kunit *test)
{
	u8 out[sizeof(tv384_out)];

	KUNIT_ASSERT_EQ(test, dtls_prf(DTLS_PRF_SHA384, tv384_secret,
				       sizeof(tv384_secret), "test label",
				       tv384_seed, sizeof(tv384_seed), NULL, 0,
				       out, sizeof(out)), 0);
	KUNIT_EXPECT_MEMEQ(test, out, tv384_out, sizeof(out));
}

/* Shorter outputs are prefixes, across and at block boundaries. */
static void prf_truncated(struct kunit *test)
{
	static const unsigned int lens[] = { 1, 12, 31, 32, 33, 64, 65 };
	u8 out[sizeof(tv256_out) + 1];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		memset(out, 0xee, sizeof(out));
		KUNIT_ASSERT_EQ(test, dtls_prf(DTLS_PRF_SHA256, tv256_secret,
					       sizeof(tv256_secret),
					       "test label", tv256_seed,
					       sizeof(tv256_seed), NULL, 0,
					       out, lens[i]), 0);
		KUNIT_EXPECT_MEMEQ(test, out, tv256_out, lens[i]);
		KUNIT_EXPECT_EQ(test, out[lens[i]], 0xee);
	}
}

/* dtls_prf() with P_SHA256 and the "test label" vector's secret. */
static int prf256(const u8 *secret, unsigned int secret_len, const char *label,
		  const u8 *s1, unsigned int s1_len, const u8 *s2,
		  unsigned int s2_len, u8 *out, unsigned int out_len)
{
	return dtls_prf(DTLS_PRF_SHA256, secret, secret_len, label, s1, s1_len,
			s2, s2_len, out, out_len);
}

static void prf_bad_args(struct kunit *test)
{
	static const char long_label[] =
		"0123456789012345678901234567890123456789012345678901234567890123x";
	const u8 *key = tv256_secret;
	u8 *big = kunit_kzalloc(test, 8192, GFP_KERNEL);
	u8 out[16];

	KUNIT_ASSERT_NOT_NULL(test, big);
	KUNIT_EXPECT_EQ(test, dtls_prf((enum dtls_prf_hash)7, key, 16, "x",
				       NULL, 0, NULL, 0, out, 16), -EINVAL);
	/* Output: none, NULL, more than 4096 bytes (the exporter's most). */
	KUNIT_EXPECT_EQ(test, prf256(key, 16, "x", NULL, 0, NULL, 0, out, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, prf256(key, 16, "x", NULL, 0, NULL, 0, NULL, 16),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, prf256(key, 16, "x", NULL, 0, NULL, 0, big, 4097),
			-EINVAL);
	/* Secret: empty, NULL, more than 512 bytes. */
	KUNIT_EXPECT_EQ(test, prf256(key, 0, "x", NULL, 0, NULL, 0, out, 16),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, prf256(NULL, 16, "x", NULL, 0, NULL, 0, out, 16),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, prf256(big, 513, "x", NULL, 0, NULL, 0, out, 16),
			-EINVAL);
	/* Label: NULL, more than 64 characters. */
	KUNIT_EXPECT_EQ(test, prf256(key, 16, NULL, NULL, 0, NULL, 0, out, 16),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, prf256(key, 16, long_label, NULL, 0, NULL, 0,
				     out, 16), -EINVAL);
	/* Seeds: NULL with a length, more than 1040 bytes. */
	KUNIT_EXPECT_EQ(test, prf256(key, 16, "x", NULL, 1, NULL, 0, out, 16),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, prf256(key, 16, "x", big, 16, NULL, 1, out, 16),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, prf256(key, 16, "x", big, 1041, NULL, 0, out, 16),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, prf256(key, 16, "x", big, 1, big, 1041, out, 16),
			-EINVAL);
	/* The limits themselves are fine: a 64-character label, no seed. */
	KUNIT_EXPECT_EQ(test, prf256(key, 16, long_label + 1, NULL, 0, NULL, 0,
				     out, 16), 0);
	KUNIT_EXPECT_EQ(test, prf256(big, 512, "x", big, 1040, big, 1040,
				     big + 4096, 4096), 0);
}

static void prf_hash(struct kunit *test)
{
	u8 out[DTLS_MAX_HASH_LEN];

	KUNIT_EXPECT_EQ(test, dtls_prf_hash_len(DTLS_PRF_SHA256), 32);
	KUNIT_EXPECT_EQ(test, dtls_prf_hash_len(DTLS_PRF_SHA384), 48);
	KUNIT_EXPECT_EQ(test, dtls_prf_hash_len((enum dtls_prf_hash)7), 0);

	KUNIT_ASSERT_EQ(test, dtls_hash(DTLS_PRF_SHA256, NULL, 0, out), 0);
	KUNIT_EXPECT_MEMEQ(test, out, sha256_empty, sizeof(sha256_empty));
	KUNIT_ASSERT_EQ(test, dtls_hash(DTLS_PRF_SHA384, (const u8 *)"abc",
					3, out), 0);
	KUNIT_EXPECT_MEMEQ(test, out, sha384_abc, sizeof(sha384_abc));

	KUNIT_EXPECT_EQ(test, dtls_hash(DTLS_PRF_SHA256, NULL, 1, out),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_hash(DTLS_PRF_SHA256, out, 1, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_hash((enum dtls_prf_hash)7, out, 1, out),
			-EINVAL);
	/* The count is not a hash: no transform past the table's end. */
	KUNIT_EXPECT_EQ(test, dtls_prf_hash_len(DTLS_PRF_NR), 0);
	KUNIT_EXPECT_EQ(test, dtls_hash(DTLS_PRF_NR, out, 1, out), -EINVAL);
}

static void prf_premaster_plain(struct kunit *test)
{
	u8 out[DTLS_PREMASTER_MAX + 1];

	memset(out, 0xee, sizeof(out));
	KUNIT_ASSERT_EQ(test, dtls_psk_premaster(out, sizeof(out), NULL, 0,
						 psk, sizeof(psk)),
			(int)sizeof(pms_plain));
	KUNIT_EXPECT_MEMEQ(test, out, pms_plain, sizeof(pms_plain));
	KUNIT_EXPECT_EQ(test, out[sizeof(pms_plain)], 0xee);

	/* Exactly enough room, and one byte short. */
	KUNIT_EXPECT_EQ(test, dtls_psk_premaster(out, sizeof(pms_plain), NULL,
						 0, psk, sizeof(psk)),
			(int)sizeof(pms_plain));
	KUNIT_EXPECT_EQ(test, dtls_psk_premaster(out, sizeof(pms_plain) - 1,
						 NULL, 0, psk, sizeof(psk)),
			-EINVAL);
}

static void prf_premaster_ecdhe(struct kunit *test)
{
	u8 out[DTLS_PREMASTER_MAX];
	u8 big[DTLS_PSK_MAX_LEN + 4] = { 0 };

	KUNIT_ASSERT_EQ(test, dtls_psk_premaster(out, sizeof(out), ecdh_z,
						 sizeof(ecdh_z), psk,
						 sizeof(psk)),
			(int)sizeof(pms_ecdhe));
	KUNIT_EXPECT_MEMEQ(test, out, pms_ecdhe, sizeof(pms_ecdhe));

	/* The largest: a 66-byte share and a 64-byte PSK. */
	KUNIT_EXPECT_EQ(test, dtls_psk_premaster(out, sizeof(out), big, 66,
						 big, DTLS_PSK_MAX_LEN),
			DTLS_PREMASTER_MAX);
	KUNIT_EXPECT_EQ(test, out[0], 0);
	KUNIT_EXPECT_EQ(test, out[1], 66);
	KUNIT_EXPECT_EQ(test, out[68], 0);
	KUNIT_EXPECT_EQ(test, out[69], DTLS_PSK_MAX_LEN);
}

static void prf_premaster_bad(struct kunit *test)
{
	u8 out[DTLS_PREMASTER_MAX];
	u8 big[DTLS_PSK_MAX_LEN + 4] = { 0 };

	KUNIT_EXPECT_EQ(test, dtls_psk_premaster(out, sizeof(out), NULL, 0,
						 psk, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_psk_premaster(out, sizeof(out), NULL, 0,
						 NULL, 16), -EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_psk_premaster(out, sizeof(out), NULL, 0,
						 big, DTLS_PSK_MAX_LEN + 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_psk_premaster(out, sizeof(out), NULL, 16,
						 psk, sizeof(psk)), -EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_psk_premaster(out, sizeof(out), ecdh_z, 0,
						 psk, sizeof(psk)), -EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_psk_premaster(out, sizeof(out), big, 67,
						 psk, sizeof(psk)), -EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_psk_premaster(NULL, sizeof(out), NULL, 0,
						 psk, sizeof(psk)), -EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_psk_premaster(out, sizeof(pms_ecdhe) - 1,
						 ecdh_z, sizeof(ecdh_z), psk,
						 sizeof(psk)), -EINVAL);
}

struct schedule_case {
	enum dtls_prf_hash h;
	const u8 *pms;
	unsigned int pms_len;
	const u8 *session_hash;
	const u8 *master;
	const u8 *key_block;
	unsigned int key_block_len;
	const u8 *finished_hash;
	const u8 *client_verify;
	const u8 *server_verify;
};

static const struct schedule_case schedule_cases[] = {
	{ DTLS_PRF_SHA256, pms_plain, sizeof(pms_plain), sha256_session_hash,
	  sha256_master, sha256_key_block, sizeof(sha256_key_block),
	  sha256_finished_hash, sha256_client_verify, sha256_server_verify },
	{ DTLS_PRF_SHA384, pms_ecdhe, sizeof(pms_ecdhe), sha384_session_hash,
	  sha384_master, sha384_key_block, sizeof(sha384_key_block),
	  sha384_finished_hash, sha384_client_verify, sha384_server_verify },
};

/* Transcript hash -> extended master secret -> key block -> Finished. */
static void prf_key_schedule(struct kunit *test)
{
	u8 hash[DTLS_MAX_HASH_LEN];
	u8 master[DTLS_MASTER_LEN];
	u8 kb[128];
	u8 vd[DTLS_VERIFY_LEN];
	unsigned int i, hlen;

	for (i = 0; i < ARRAY_SIZE(schedule_cases); i++) {
		const struct schedule_case *c = &schedule_cases[i];

		hlen = dtls_prf_hash_len(c->h);
		KUNIT_ASSERT_EQ(test, dtls_hash(c->h, (const u8 *)session_msgs,
						strlen(session_msgs), hash), 0);
		KUNIT_EXPECT_MEMEQ(test, hash, c->session_hash, hlen);
		KUNIT_ASSERT_EQ(test, dtls_master_secret(c->h, c->pms,
							 c->pms_len, hash,
							 master), 0);
		KUNIT_EXPECT_MEMEQ(test, master, c->master, DTLS_MASTER_LEN);

		KUNIT_ASSERT_EQ(test, dtls_key_block(c->h, master,
						     client_random,
						     server_random, kb,
						     c->key_block_len), 0);
		KUNIT_EXPECT_MEMEQ(test, kb, c->key_block, c->key_block_len);

		KUNIT_ASSERT_EQ(test, dtls_hash(c->h, (const u8 *)finished_msgs,
						strlen(finished_msgs), hash), 0);
		KUNIT_EXPECT_MEMEQ(test, hash, c->finished_hash, hlen);
		KUNIT_ASSERT_EQ(test, dtls_verify_data(c->h, master, true,
						       hash, vd), 0);
		KUNIT_EXPECT_MEMEQ(test, vd, c->client_verify, DTLS_VERIFY_LEN);
		KUNIT_ASSERT_EQ(test, dtls_verify_data(c->h, master, false,
						       hash, vd), 0);
		KUNIT_EXPECT_MEMEQ(test, vd, c->server_verify, DTLS_VERIFY_LEN);
	}
}

/* The same schedule with the master secret made into a key once. */
static void prf_key_schedule_keyed(struct kunit *test)
{
	u8 kb[128], vd[DTLS_VERIFY_LEN];
	struct dtls_hmac_key mk;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(schedule_cases); i++) {
		const struct schedule_case *c = &schedule_cases[i];

		KUNIT_ASSERT_EQ(test, dtls_master_key(c->h, c->master, &mk),
				0);
		KUNIT_ASSERT_EQ(test, dtls_key_block_k(&mk, client_random,
						       server_random, kb,
						       c->key_block_len), 0);
		KUNIT_EXPECT_MEMEQ(test, kb, c->key_block, c->key_block_len);
		KUNIT_ASSERT_EQ(test, dtls_verify_data_k(&mk, true,
							 c->finished_hash,
							 vd), 0);
		KUNIT_EXPECT_MEMEQ(test, vd, c->client_verify, DTLS_VERIFY_LEN);
		KUNIT_ASSERT_EQ(test, dtls_verify_data_k(&mk, false,
							 c->finished_hash,
							 vd), 0);
		KUNIT_EXPECT_MEMEQ(test, vd, c->server_verify, DTLS_VERIFY_LEN);
		dtls_hmac_key_wipe(&mk);
	}
	/* A wiped key makes nothing. */
	memset(vd, 0xee, sizeof(vd));
	KUNIT_EXPECT_EQ(test, dtls_verify_data_k(&mk, true,
						 sha256_finished_hash, vd),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_key_block_k(NULL, client_random,
					       server_random, kb, 16), -EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_master_key(DTLS_PRF_SHA256, NULL, &mk),
			-EINVAL);
}

/* A running hash: each digest is that of everything so far. */
static void prf_hash_more(struct kunit *test)
{
	const u8 *msgs = (const u8 *)session_msgs;
	unsigned int len = strlen(session_msgs), i;
	u8 out[DTLS_MAX_HASH_LEN], want[DTLS_MAX_HASH_LEN];
	struct dtls_hash_state st;

	for (i = 0; i < ARRAY_SIZE(schedule_cases); i++) {
		const struct schedule_case *c = &schedule_cases[i];
		unsigned int hlen = dtls_prf_hash_len(c->h);

		memset(&st, 0, sizeof(st));
		KUNIT_ASSERT_EQ(test, dtls_hash_more(c->h, &st, NULL, 0, out),
				0);
		KUNIT_ASSERT_EQ(test, dtls_hash(c->h, NULL, 0, want), 0);
		KUNIT_EXPECT_MEMEQ(test, out, want, hlen);
		KUNIT_ASSERT_EQ(test, dtls_hash_more(c->h, &st, msgs, 11, out),
				0);
		KUNIT_ASSERT_EQ(test, dtls_hash(c->h, msgs, 11, want), 0);
		KUNIT_EXPECT_MEMEQ(test, out, want, hlen);
		KUNIT_ASSERT_EQ(test, dtls_hash_more(c->h, &st, msgs + 11,
						     len - 11, out), 0);
		KUNIT_EXPECT_MEMEQ(test, out, c->session_hash, hlen);
		KUNIT_EXPECT_EQ(test, st.len, len);
		/* Nothing more: the same digest again. */
		KUNIT_ASSERT_EQ(test, dtls_hash_more(c->h, &st, NULL, 0, out),
				0);
		KUNIT_EXPECT_MEMEQ(test, out, c->session_hash, hlen);
	}
	/* Another hash on a started state, bad arguments. */
	KUNIT_EXPECT_EQ(test, dtls_hash_more(DTLS_PRF_SHA256, &st, msgs, 1,
					     out), -EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_hash_more((enum dtls_prf_hash)7, &st, msgs,
					     1, out), -EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_hash_more(DTLS_PRF_SHA384, &st, NULL, 1,
					     out), -EINVAL);
}

static void prf_key_schedule_bad(struct kunit *test)
{
	const enum dtls_prf_hash bad_hash = (enum dtls_prf_hash)7;
	u8 master[DTLS_MASTER_LEN];
	u8 vd[DTLS_VERIFY_LEN];
	u8 kb[16];

	KUNIT_EXPECT_EQ(test, dtls_master_secret(bad_hash, pms_plain,
						 sizeof(pms_plain),
						 sha256_session_hash, master),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_master_secret(DTLS_PRF_SHA256, pms_plain, 0,
						 sha256_session_hash, master),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_master_secret(DTLS_PRF_SHA256, pms_plain,
						 DTLS_PREMASTER_MAX + 1,
						 sha256_session_hash, master),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_master_secret(DTLS_PRF_SHA256, pms_plain,
						 sizeof(pms_plain), NULL,
						 master), -EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_master_secret(DTLS_PRF_SHA256, NULL,
						 sizeof(pms_plain),
						 sha256_session_hash, master),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_key_block(DTLS_PRF_SHA256, sha256_master,
					     client_random, server_random, kb,
					     0), -EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_key_block(DTLS_PRF_SHA256, sha256_master,
					     NULL, server_random, kb,
					     sizeof(kb)), -EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_key_block(bad_hash, sha256_master,
					     client_random, server_random, kb,
					     sizeof(kb)), -EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_verify_data(bad_hash, sha256_master, true,
					       sha256_finished_hash, vd),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_verify_data(DTLS_PRF_SHA256, sha256_master,
					       true, NULL, vd), -EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_verify_data(DTLS_PRF_SHA256, NULL, true,
					       sha256_finished_hash, vd),
			-EINVAL);
}

/* One HMAC under dtls_hmac_setkey() in one or two updates. */
static void hmac_check(struct kunit *test, enum dtls_prf_hash h,
		       const u8 *key, unsigned int key_len, const char *data,
		       const u8 *expect)
{
	unsigned int len = strlen(data), hlen = dtls_prf_hash_len(h);
	u8 out[DTLS_MAX_HASH_LEN];
	struct dtls_hmac_key k;
	SHASH_DESC_ON_STACK(desc, k.tfm);

	KUNIT_ASSERT_EQ(test, dtls_hmac_setkey(&k, h, key, key_len), 0);
	KUNIT_EXPECT_EQ(test, k.len, hlen);
	KUNIT_ASSERT_EQ(test, dtls_hmac_begin(desc, &k), 0);
	KUNIT_ASSERT_EQ(test, crypto_shash_update(desc, data, len), 0);
	KUNIT_ASSERT_EQ(test, dtls_hmac_end(desc, &k, out), 0);
	KUNIT_EXPECT_MEMEQ(test, out, expect, hlen);
	/* Again under the same key states, the message in two parts. */
	memset(out, 0, sizeof(out));
	KUNIT_ASSERT_EQ(test, dtls_hmac_begin(desc, &k), 0);
	KUNIT_ASSERT_EQ(test, crypto_shash_update(desc, data, 5), 0);
	KUNIT_ASSERT_EQ(test, crypto_shash_update(desc, data + 5, len - 5),
			0);
	KUNIT_ASSERT_EQ(test, dtls_hmac_end(desc, &k, out), 0);
	KUNIT_EXPECT_MEMEQ(test, out, expect, hlen);
	dtls_hmac_key_wipe(&k);
	shash_desc_zero(desc);
}

/*
 * RFC 4231 test cases 2 (a 4-byte key) and 6 (a 131-byte key, longer
 * than either block: hashed first), HMAC-SHA256 and HMAC-SHA384.
 */
static void prf_hmac_vectors(struct kunit *test)
{
	static const char data2[] = "what do ya want for nothing?";
	static const char data6[] =
		"Test Using Larger Than Block-Size Key - Hash Key First";
	static const u8 sha256_2[32] = {
		0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e,
		0x6a, 0x04, 0x24, 0x26, 0x08, 0x95, 0x75, 0xc7,
		0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27, 0x39, 0x83,
		0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43,
	};
	static const u8 sha384_2[48] = {
		0xaf, 0x45, 0xd2, 0xe3, 0x76, 0x48, 0x40, 0x31,
		0x61, 0x7f, 0x78, 0xd2, 0xb5, 0x8a, 0x6b, 0x1b,
		0x9c, 0x7e, 0xf4, 0x64, 0xf5, 0xa0, 0x1b, 0x47,
		0xe4, 0x2e, 0xc3, 0x73, 0x63, 0x22, 0x44, 0x5e,
		0x8e, 0x22, 0x40, 0xca, 0x5e, 0x69, 0xe2, 0xc7,
		0x8b, 0x32, 0x39, 0xec, 0xfa, 0xb2, 0x16, 0x49,
	};
	static const u8 sha256_6[32] = {
		0x60, 0xe4, 0x31, 0x59, 0x1e, 0xe0, 0xb6, 0x7f,
		0x0d, 0x8a, 0x26, 0xaa, 0xcb, 0xf5, 0xb7, 0x7f,
		0x8e, 0x0b, 0xc6, 0x21, 0x37, 0x28, 0xc5, 0x14,
		0x05, 0x46, 0x04, 0x0f, 0x0e, 0xe3, 0x7f, 0x54,
	};
	static const u8 sha384_6[48] = {
		0x4e, 0xce, 0x08, 0x44, 0x85, 0x81, 0x3e, 0x90,
		0x88, 0xd2, 0xc6, 0x3a, 0x04, 0x1b, 0xc5, 0xb4,
		0x4f, 0x9e, 0xf1, 0x01, 0x2a, 0x2b, 0x58, 0x8f,
		0x3c, 0xd1, 0x1f, 0x05, 0x03, 0x3a, 0xc4, 0xc6,
		0x0c, 0x2e, 0xf6, 0xab, 0x40, 0x30, 0xfe, 0x82,
		0x96, 0x24, 0x8d, 0xf1, 0x63, 0xf4, 0x49, 0x52,
	};
	u8 *key6 = kunit_kzalloc(test, 131, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, key6);
	memset(key6, 0xaa, 131);
	hmac_check(test, DTLS_PRF_SHA256, (const u8 *)"Jefe", 4, data2,
		   sha256_2);
	hmac_check(test, DTLS_PRF_SHA384, (const u8 *)"Jefe", 4, data2,
		   sha384_2);
	hmac_check(test, DTLS_PRF_SHA256, key6, 131, data6, sha256_6);
	hmac_check(test, DTLS_PRF_SHA384, key6, 131, data6, sha384_6);
}

static void prf_hmac_bad(struct kunit *test)
{
	struct dtls_hmac_key k;

	KUNIT_EXPECT_EQ(test, dtls_hmac_setkey(&k, (enum dtls_prf_hash)7,
					       (const u8 *)"k", 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_hmac_setkey(&k, DTLS_PRF_SHA256, NULL, 1),
			-EINVAL);
}

static struct kunit_case prf_cases[] = {
	KUNIT_CASE(prf_hmac_vectors),
	KUNIT_CASE(prf_hmac_bad),
	KUNIT_CASE(prf_sha256_vector),
	KUNIT_CASE(prf_sha384_vector),
	KUNIT_CASE(prf_truncated),
	KUNIT_CASE(prf_bad_args),
	KUNIT_CASE(prf_hash),
	KUNIT_CASE(prf_premaster_plain),
	KUNIT_CASE(prf_premaster_ecdhe),
	KUNIT_CASE(prf_premaster_bad),
	KUNIT_CASE(prf_key_schedule),
	KUNIT_CASE(prf_key_schedule_keyed),
	KUNIT_CASE(prf_hash_more),
	KUNIT_CASE(prf_key_schedule_bad),
	{}
};

static int prf_suite_init(struct kunit_suite *suite)
{
	return dtls_prf_init();
}

static void prf_suite_exit(struct kunit_suite *suite)
{
	dtls_prf_exit();
}

static struct kunit_suite prf_suite = {
	.name = "dtls_prf",
	.suite_init = prf_suite_init,
	.suite_exit = prf_suite_exit,
	.test_cases = prf_cases,
};

kunit_test_suite(prf_suite);
