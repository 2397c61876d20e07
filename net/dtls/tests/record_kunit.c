// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: DTLS 1.2 record header parsing and building, record.h.
 */
#include <kunit/test.h>

#include "../record.h"

static void record_parse_ok(struct kunit *test)
{
	static const u8 rec[] = {
		23, 0xfe, 0xfd, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02,
		0x00, 0x03, 0xaa, 0xbb, 0xcc,
	};
	struct dtls_record_hdr h;

	KUNIT_ASSERT_EQ(test, dtls_record_parse(rec, sizeof(rec), &h), 0);
	KUNIT_EXPECT_EQ(test, h.type, 23);
	KUNIT_EXPECT_EQ(test, h.version, 0xfefd);
	KUNIT_EXPECT_EQ(test, h.epoch, 1);
	KUNIT_EXPECT_EQ(test, h.seq, 0x0102ULL);
	KUNIT_EXPECT_EQ(test, h.length, 3);
}

/* A header cut short, or a length past the end, is refused. */
static void record_parse_bounds(struct kunit *test)
{
	u8 rec[DTLS_HEADER_LEN + 4] = { 22, 0xfe, 0xfd };
	struct dtls_record_hdr h;
	int n;

	for (n = 0; n < DTLS_HEADER_LEN; n++)
		KUNIT_EXPECT_EQ(test, dtls_record_parse(rec, n, &h), -EBADMSG);
	rec[12] = 4;
	KUNIT_EXPECT_EQ(test, dtls_record_parse(rec, sizeof(rec), &h), 0);
	rec[12] = 5;
	KUNIT_EXPECT_EQ(test, dtls_record_parse(rec, sizeof(rec), &h),
			-EBADMSG);
	rec[11] = 0xff;
	rec[12] = 0xff;
	KUNIT_EXPECT_EQ(test, dtls_record_parse(rec, sizeof(rec), &h),
			-EBADMSG);
}

/* 48-bit sequence numbers survive a build/parse round trip. */
static void record_build_roundtrip(struct kunit *test)
{
	struct dtls_record_hdr in = {
		.type = 21, .version = 0xfefd, .epoch = 0xbeef,
		.seq = (1ULL << 48) - 1, .length = 0x1234,
	}, out;
	size_t len = DTLS_HEADER_LEN + 0x1234;
	u8 *buf = kunit_kzalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	dtls_record_build(buf, &in);
	KUNIT_ASSERT_EQ(test, dtls_record_parse(buf, len, &out), 0);
	KUNIT_EXPECT_EQ(test, out.type, in.type);
	KUNIT_EXPECT_EQ(test, out.epoch, in.epoch);
	KUNIT_EXPECT_EQ(test, out.seq, in.seq);
	KUNIT_EXPECT_EQ(test, out.length, in.length);
}

/* RFC 5246 6.2.3.3 additional data: seq_num + type + version + length. */
static void record_aad(struct kunit *test)
{
	static const u8 want[DTLS_AAD_LEN] = {
		0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
		23, 0xfe, 0xfd, 0x04, 0xb0,
	};
	struct dtls_record_hdr h = {
		.type = 23, .version = 0xfefd, .epoch = 2, .seq = 0x100,
		.length = 9999,
	};
	u8 aad[DTLS_AAD_LEN];

	dtls_build_aad(aad, &h, 1200);
	KUNIT_EXPECT_MEMEQ(test, aad, want, sizeof(want));
}

/* RFC 7983 demultiplexing by first byte. */
static void record_first_byte(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, dtls_first_byte_is_dtls(0));	/* STUN */
	KUNIT_EXPECT_FALSE(test, dtls_first_byte_is_dtls(19));
	KUNIT_EXPECT_TRUE(test, dtls_first_byte_is_dtls(20));
	KUNIT_EXPECT_TRUE(test, dtls_first_byte_is_dtls(63));
	KUNIT_EXPECT_FALSE(test, dtls_first_byte_is_dtls(64));	/* TURN */
	KUNIT_EXPECT_FALSE(test, dtls_first_byte_is_dtls(128));	/* RTP */
}

static struct kunit_case dtls_record_cases[] = {
	KUNIT_CASE(record_parse_ok),
	KUNIT_CASE(record_parse_bounds),
	KUNIT_CASE(record_build_roundtrip),
	KUNIT_CASE(record_aad),
	KUNIT_CASE(record_first_byte),
	{}
};

static struct kunit_suite dtls_record_suite = {
	.name = "dtls_record",
	.test_cases = dtls_record_cases,
};

kunit_test_suite(dtls_record_suite);
