// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: X.509 views, x509.c.  A self-signed P-256 certificate made with
 * Python's cryptography (SAN DNS:kdtls.test and IP 192.0.2.1, critical
 * basicConstraints cA, a GeneralizedTime notAfter in 2051): every field
 * where it is, its signature verified with ecdsa.c over SHA-256 of the
 * to-be-signed part; every prefix refused; edits one at a time.
 *
 * Context: process (KUnit test thread).
 */
#include <kunit/test.h>
#include <crypto/sha2.h>

#include "../ecdsa.h"
#include "../x509.c"

static const u8 cert[] = {
	0x30, 0x82, 0x01, 0x4c, 0x30, 0x81, 0xf4, 0xa0, 0x03, 0x02, 0x01,
	0x02, 0x02, 0x04, 0x01, 0x23, 0x45, 0x67, 0x30, 0x0a, 0x06, 0x08,
	0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x30, 0x15, 0x31,
	0x13, 0x30, 0x11, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x0a, 0x6b,
	0x64, 0x74, 0x6c, 0x73, 0x20, 0x74, 0x65, 0x73, 0x74, 0x30, 0x20,
	0x17, 0x0d, 0x32, 0x36, 0x30, 0x31, 0x30, 0x31, 0x30, 0x30, 0x30,
	0x30, 0x30, 0x30, 0x5a, 0x18, 0x0f, 0x32, 0x30, 0x35, 0x31, 0x30,
	0x36, 0x33, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x5a, 0x30,
	0x15, 0x31, 0x13, 0x30, 0x11, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c,
	0x0a, 0x6b, 0x64, 0x74, 0x6c, 0x73, 0x20, 0x74, 0x65, 0x73, 0x74,
	0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d,
	0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01,
	0x07, 0x03, 0x42, 0x00, 0x04, 0x14, 0x3c, 0x82, 0x97, 0x29, 0xbc,
	0x23, 0x93, 0x09, 0x1a, 0x57, 0x68, 0x2f, 0x27, 0xbc, 0xc0, 0x4c,
	0x01, 0x6a, 0xec, 0x64, 0x28, 0xef, 0xee, 0xcc, 0x86, 0x60, 0x27,
	0x3a, 0x01, 0xaf, 0xc2, 0x13, 0x50, 0xb8, 0xf5, 0xd2, 0x11, 0x6e,
	0x30, 0xa5, 0x12, 0x4f, 0xfd, 0x68, 0x23, 0x23, 0x9a, 0x24, 0x15,
	0x37, 0x90, 0x7f, 0x2e, 0x14, 0xe7, 0xb2, 0xdc, 0x87, 0x29, 0xc2,
	0x12, 0x57, 0x79, 0xa3, 0x30, 0x30, 0x2e, 0x30, 0x1b, 0x06, 0x03,
	0x55, 0x1d, 0x11, 0x04, 0x14, 0x30, 0x12, 0x82, 0x0a, 0x6b, 0x64,
	0x74, 0x6c, 0x73, 0x2e, 0x74, 0x65, 0x73, 0x74, 0x87, 0x04, 0xc0,
	0x00, 0x02, 0x01, 0x30, 0x0f, 0x06, 0x03, 0x55, 0x1d, 0x13, 0x01,
	0x01, 0xff, 0x04, 0x05, 0x30, 0x03, 0x01, 0x01, 0xff, 0x30, 0x0a,
	0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x03,
	0x47, 0x00, 0x30, 0x44, 0x02, 0x20, 0x70, 0xcb, 0x00, 0x9a, 0xb5,
	0x4e, 0xbb, 0x21, 0xf0, 0xcb, 0x87, 0xe7, 0x2d, 0xd5, 0x8f, 0x8c,
	0xa1, 0xa8, 0xaa, 0x3a, 0x47, 0xc4, 0x7f, 0xbd, 0xad, 0xd9, 0xa5,
	0x89, 0x0c, 0xed, 0xda, 0xd8, 0x02, 0x20, 0x75, 0xbc, 0x61, 0xdc,
	0xa3, 0xd6, 0xdc, 0xad, 0xcc, 0x56, 0xd9, 0xf7, 0xd3, 0x3d, 0xd7,
	0x91, 0xd7, 0x55, 0xaa, 0xd8, 0x63, 0x38, 0xe2, 0xef, 0xfe, 0x6f,
	0xc9, 0x5a, 0x51, 0xfb, 0x18, 0xe8,
};

/* Offsets in cert[] (openssl x509 -text shows the same). */
#define TBS_OFF		4
#define TBS_LEN		247
#define SPKI_OFF	110
#define SPKI_LEN	91
#define PUB_OFF		136
#define NOT_BEFORE	1767225600LL	/* 2026-01-01 00:00:00 UTC */
#define NOT_AFTER	2571741296LL	/* 2051-06-30 12:34:56 UTC */

static u8 *cert_copy(struct kunit *test)
{
	u8 *c = kunit_kmalloc(test, sizeof(cert), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	memcpy(c, cert, sizeof(cert));
	return c;
}

/* Where @pat starts in the certificate. */
static unsigned int cert_find(struct kunit *test, const u8 *pat,
			      unsigned int n)
{
	unsigned int i;

	for (i = 0; i + n <= sizeof(cert); i++)
		if (!memcmp(cert + i, pat, n))
			return i;
	KUNIT_FAIL(test, "pattern not in the certificate");
	return 0;
}

static void x509_fields(struct kunit *test)
{
	static const u8 serial[] = { 0x01, 0x23, 0x45, 0x67 };
	struct dtls_x509 x;

	KUNIT_ASSERT_EQ(test, dtls_x509_parse(cert, sizeof(cert), &x), 0);
	KUNIT_EXPECT_PTR_EQ(test, x.tbs, cert + TBS_OFF);
	KUNIT_EXPECT_EQ(test, x.tbs_len, TBS_LEN);
	KUNIT_EXPECT_EQ(test, x.sig_alg, DTLS_X509_SIG_ECDSA_SHA256);
	KUNIT_EXPECT_EQ(test, x.serial_len, sizeof(serial));
	KUNIT_EXPECT_MEMEQ(test, x.serial, serial, sizeof(serial));
	KUNIT_EXPECT_EQ(test, x.not_before, NOT_BEFORE);
	KUNIT_EXPECT_EQ(test, x.not_after, NOT_AFTER);
	KUNIT_EXPECT_PTR_EQ(test, x.spki, cert + SPKI_OFF);
	KUNIT_EXPECT_EQ(test, x.spki_len, SPKI_LEN);
	KUNIT_EXPECT_EQ(test, x.key, DTLS_X509_KEY_EC_P256);
	KUNIT_EXPECT_PTR_EQ(test, x.pub, cert + PUB_OFF);
	KUNIT_EXPECT_EQ(test, x.pub_len, DTLS_P256_POINT_LEN);
	KUNIT_EXPECT_NOT_NULL(test, x.san);
	KUNIT_EXPECT_TRUE(test, x.ca);
	KUNIT_EXPECT_EQ(test, x.issuer_len, x.subject_len);
	KUNIT_EXPECT_MEMEQ(test, x.issuer, x.subject, x.subject_len);
	KUNIT_EXPECT_EQ(test, dtls_ecdsa_pub_check(x.pub, x.pub_len), 0);
}

/*
 * The signature algorithm by its OID (its last byte: SHA-256 2, SHA-384
 * 3, SHA-512 4, not taken), the same in the TBS and outside it.
 */
static void x509_sig_algs(struct kunit *test)
{
	static const u8 oid[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d,
				  0x04, 0x03, 0x02 };
	unsigned int in = cert_find(test, oid, sizeof(oid)), out;
	struct dtls_x509 x;
	u8 *c;

	for (out = in + 1; out + sizeof(oid) <= sizeof(cert); out++)
		if (!memcmp(cert + out, oid, sizeof(oid)))
			break;
	KUNIT_ASSERT_LT(test, out + sizeof(oid), sizeof(cert) + 1);
	KUNIT_ASSERT_LT(test, in, (unsigned int)TBS_OFF + TBS_LEN);
	KUNIT_ASSERT_GE(test, out, (unsigned int)TBS_OFF + TBS_LEN);

	c = cert_copy(test);
	c[in + sizeof(oid) - 1] = 3;
	c[out + sizeof(oid) - 1] = 3;
	KUNIT_EXPECT_EQ(test, dtls_x509_parse(c, sizeof(cert), &x), 0);
	KUNIT_EXPECT_EQ(test, x.sig_alg, DTLS_X509_SIG_ECDSA_SHA384);
	c[in + sizeof(oid) - 1] = 4;
	c[out + sizeof(oid) - 1] = 4;
	KUNIT_EXPECT_EQ(test, dtls_x509_parse(c, sizeof(cert), &x), 0);
	KUNIT_EXPECT_EQ(test, x.sig_alg, DTLS_X509_SIG_OTHER);
	/* The two disagree: not a certificate. */
	c[in + sizeof(oid) - 1] = 2;
	c[out + sizeof(oid) - 1] = 3;
	KUNIT_EXPECT_EQ(test, dtls_x509_parse(c, sizeof(cert), &x), -EBADMSG);
}

/* Its own key verifies its signature; one bit of the TBS changed, not. */
static void x509_self_signed(struct kunit *test)
{
	u8 hash[SHA256_DIGEST_SIZE], *c = cert_copy(test);
	struct dtls_x509 x;

	KUNIT_ASSERT_EQ(test, dtls_x509_parse(c, sizeof(cert), &x), 0);
	sha256(x.tbs, x.tbs_len, hash);
	KUNIT_EXPECT_EQ(test, dtls_ecdsa_verify(x.pub, hash, x.sig,
						x.sig_len), 0);
	c[TBS_OFF + 20] ^= 1;		/* inside the serial or an OID */
	sha256(x.tbs, x.tbs_len, hash);
	KUNIT_EXPECT_EQ(test, dtls_ecdsa_verify(x.pub, hash, x.sig,
						x.sig_len), -EKEYREJECTED);
}

static void x509_prefixes(struct kunit *test)
{
	struct dtls_x509 x;
	unsigned int i;
	u8 *c;

	for (i = 0; i < sizeof(cert); i++) {
		c = kunit_kmalloc(test, i ? i : 1, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, c);
		memcpy(c, cert, i);
		KUNIT_EXPECT_EQ_MSG(test, dtls_x509_parse(c, i, &x), -EBADMSG,
				    "prefix %u", i);
		kunit_kfree(test, c);
	}
	c = kunit_kmalloc(test, sizeof(cert) + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	memcpy(c, cert, sizeof(cert));
	c[sizeof(cert)] = 0;
	KUNIT_EXPECT_EQ(test, dtls_x509_parse(c, sizeof(cert) + 1, &x),
			-EBADMSG);
}

static void x509_edits(struct kunit *test)
{
	static const u8 bc_oid[] = { 0x06, 0x03, 0x55, 0x1d, 0x13 };
	static const u8 version[] = { 0xa0, 0x03, 0x02, 0x01, 0x02 };
	static const u8 p256[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01,
				   0x07 };
	static const u8 not_before[] = { '2', '6', '0', '1', '0', '1' };
	static const u8 ecdsa_sha256[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04,
					   0x03, 0x02 };
	struct dtls_x509 x;
	unsigned int off;
	u8 *c;

	/* An unknown critical extension: basicConstraints renamed. */
	c = cert_copy(test);
	c[cert_find(test, bc_oid, sizeof(bc_oid)) + 4] = 0x7f;
	KUNIT_EXPECT_EQ(test, dtls_x509_parse(c, sizeof(cert), &x),
			-EOPNOTSUPP);
	/* Version 2 */
	c = cert_copy(test);
	c[cert_find(test, version, sizeof(version)) + 4] = 1;
	KUNIT_EXPECT_EQ(test, dtls_x509_parse(c, sizeof(cert), &x),
			-EOPNOTSUPP);
	/* Another curve: a key we do not know, still a certificate. */
	c = cert_copy(test);
	c[cert_find(test, p256, sizeof(p256)) + 7] = 0x08;
	KUNIT_EXPECT_EQ(test, dtls_x509_parse(c, sizeof(cert), &x), 0);
	KUNIT_EXPECT_EQ(test, x.key, DTLS_X509_KEY_OTHER);
	/* Month 13, then day 32 (UTCTime 260101000000Z) */
	c = cert_copy(test);
	off = cert_find(test, not_before, sizeof(not_before));
	c[off + 2] = '1';
	c[off + 3] = '3';
	KUNIT_EXPECT_EQ(test, dtls_x509_parse(c, sizeof(cert), &x), -EBADMSG);
	c[off + 2] = '0';
	c[off + 3] = '1';
	c[off + 4] = '3';
	c[off + 5] = '2';
	KUNIT_EXPECT_EQ(test, dtls_x509_parse(c, sizeof(cert), &x), -EBADMSG);
	/* The TBS's signature algorithm is not the outer one (4.1.1.2) */
	c = cert_copy(test);
	off = cert_find(test, ecdsa_sha256, sizeof(ecdsa_sha256));
	KUNIT_EXPECT_LT(test, off, TBS_OFF + TBS_LEN);
	c[off + sizeof(ecdsa_sha256) - 1] = 0x03;	/* with SHA-384 */
	KUNIT_EXPECT_EQ(test, dtls_x509_parse(c, sizeof(cert), &x), -EBADMSG);
}

/* UTCTime and GeneralizedTime, one TLV each: the seconds, or refused. */
static void x509_times(struct kunit *test)
{
	static const struct {
		u8		tag, len;
		const char	*s;
		s64		t;	/* -1: refused */
	} cases[] = {
		{ 0x17, 13, "700101000000Z", 0 },
		{ 0x17, 13, "491231235959Z", 2524607999LL },
		{ 0x17, 13, "500101000000Z", -631152000LL },
		{ 0x18, 15, "20000229120000Z", 951825600LL },
		{ 0x18, 15, "21000229120000Z", -1 },	/* not a leap year */
		{ 0x18, 15, "20230229120000Z", -1 },
		{ 0x18, 15, "99991231235959Z", 253402300799LL },
		{ 0x17, 13, "700101000060Z", -1 },
		{ 0x17, 13, "700101240000Z", -1 },
		{ 0x17, 13, "7001010000+0Z", -1 },
		{ 0x17, 13, "700101000000+", -1 },
		{ 0x17, 11, "7001010000Z", -1 },	/* no seconds */
		{ 0x18, 13, "700101000000Z", -1 },	/* too short */
		{ 0x17, 14, "700101000000Z", -1 },	/* past the end */
		{ 0x04, 13, "700101000000Z", -1 },	/* not a time */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t n = strlen(cases[i].s);
		u8 buf[2 + 16];
		struct der d = { .p = buf, .left = 2 + n };
		s64 t = -1;
		int err;

		buf[0] = cases[i].tag;
		buf[1] = cases[i].len;
		memcpy(buf + 2, cases[i].s, n);
		err = x509_time(&d, &t);
		KUNIT_EXPECT_EQ_MSG(test, err ? -1 : t, cases[i].t, "case %u",
				    i);
	}
}

/* subjectAltName entries against names asked for (x509_name_match). */
static void x509_names(struct kunit *test)
{
	static const u8 san[] = {
		0x30, 0x29,
		0x82, 0x0d, '*', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.',
		'c', 'o', 'm',
		0x82, 0x06, 'a', '.', 't', 'e', 's', 't',
		0x87, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0x01,
	};
	struct dtls_x509 c = { .san = san, .san_len = sizeof(san) };
	struct dtls_x509 x;

	KUNIT_EXPECT_TRUE(test, dtls_x509_name_match(&c, "host.example.com"));
	KUNIT_EXPECT_TRUE(test, dtls_x509_name_match(&c, "HOST.Example.COM"));
	KUNIT_EXPECT_TRUE(test, dtls_x509_name_match(&c, "A.test"));
	KUNIT_EXPECT_TRUE(test, dtls_x509_name_match(&c, "2001:db8::1"));
	KUNIT_EXPECT_FALSE(test, dtls_x509_name_match(&c, "example.com"));
	KUNIT_EXPECT_FALSE(test, dtls_x509_name_match(&c, ".example.com"));
	KUNIT_EXPECT_FALSE(test, dtls_x509_name_match(&c, "a.b.example.com"));
	KUNIT_EXPECT_FALSE(test, dtls_x509_name_match(&c, "b.test"));
	KUNIT_EXPECT_FALSE(test, dtls_x509_name_match(&c, "a.test."));
	KUNIT_EXPECT_FALSE(test, dtls_x509_name_match(&c, "2001:db8::2"));
	KUNIT_EXPECT_FALSE(test, dtls_x509_name_match(&c, ""));
	/* The certificate above: DNS kdtls.test, IP 192.0.2.1, CN ignored. */
	KUNIT_ASSERT_EQ(test, dtls_x509_parse(cert, sizeof(cert), &x), 0);
	KUNIT_EXPECT_TRUE(test, dtls_x509_name_match(&x, "kdtls.test"));
	KUNIT_EXPECT_TRUE(test, dtls_x509_name_match(&x, "192.0.2.1"));
	KUNIT_EXPECT_FALSE(test, dtls_x509_name_match(&x, "192.0.2.2"));
	KUNIT_EXPECT_FALSE(test, dtls_x509_name_match(&x, "kdtls test"));
}

static struct kunit_case x509_cases[] = {
	KUNIT_CASE(x509_fields),
	KUNIT_CASE(x509_self_signed),
	KUNIT_CASE(x509_sig_algs),
	KUNIT_CASE(x509_prefixes),
	KUNIT_CASE(x509_edits),
	KUNIT_CASE(x509_times),
	KUNIT_CASE(x509_names),
	{}
};

static struct kunit_suite dtls_x509_suite = {
	.name = "dtls_x509",
	.test_cases = x509_cases,
};

kunit_test_suite(dtls_x509_suite);
