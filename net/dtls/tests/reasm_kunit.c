// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: handshake headers and reassembly (RFC 6347 4.2.2, 4.2.3),
 * reasm.c.
 */
#include <kunit/test.h>

#include "../msg.h"
#include "../reasm.c"

/* Add bytes [off, off + len) of @body as a fragment of message @seq. */
static int add(struct dtls_reasm *r, u8 type, u16 seq, const u8 *body,
	       u32 length, u32 off, u32 len)
{
	struct dtls_hs_hdr h = {
		.type = type,
		.length = length,
		.seq = seq,
		.frag_off = off,
		.frag_len = len,
	};

	return dtls_reasm_add(r, &h, body + off, GFP_KERNEL);
}

static void fill(u8 *p, u32 len, u8 seed)
{
	u32 i;

	for (i = 0; i < len; i++)
		p[i] = seed + i * 7;
}

/* A test-managed buffer of @len bytes, filled from @seed. */
static u8 *buffer(struct kunit *test, u32 len, u8 seed)
{
	u8 *p = kunit_kmalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	fill(p, len, seed);
	return p;
}

/* Pop message @seq and check it is @body of type @type, header included. */
static void expect_pop(struct kunit *test, struct dtls_reasm *r, u8 type,
		       u16 seq, const u8 *body, u32 len)
{
	struct dtls_hs_msg *m = dtls_reasm_pop(r);
	struct dtls_hs_hdr h;

	KUNIT_ASSERT_NOT_NULL(test, m);
	KUNIT_EXPECT_EQ(test, m->type, type);
	KUNIT_EXPECT_EQ(test, m->seq, seq);
	KUNIT_EXPECT_EQ(test, m->len, len);
	KUNIT_EXPECT_EQ(test, dtls_hs_hdr_parse(m->data,
						DTLS_HS_HEADER_LEN + m->len,
						&h), 0);
	KUNIT_EXPECT_EQ(test, h.type, type);
	KUNIT_EXPECT_EQ(test, h.length, len);
	KUNIT_EXPECT_EQ(test, h.seq, seq);
	KUNIT_EXPECT_EQ(test, h.frag_off, 0);
	KUNIT_EXPECT_EQ(test, h.frag_len, len);
	if (len)
		KUNIT_EXPECT_MEMEQ(test, dtls_hs_msg_body(m), body, len);
	KUNIT_EXPECT_EQ(test, r->next_seq, (u16)(seq + 1));
	kfree(m);
}

static void reasm_hdr_parse(struct kunit *test)
{
	static const u8 good[] = {
		1, 0x00, 0x01, 0x02, 0x12, 0x34,
		0x00, 0x00, 0x10, 0x00, 0x00, 0x04,
		0xaa, 0xbb, 0xcc, 0xdd,
	};
	struct dtls_hs_hdr h, h2;
	u8 buf[DTLS_HS_HEADER_LEN + 4];

	KUNIT_ASSERT_EQ(test, dtls_hs_hdr_parse(good, sizeof(good), &h), 0);
	KUNIT_EXPECT_EQ(test, h.type, 1);
	KUNIT_EXPECT_EQ(test, h.length, 0x102);
	KUNIT_EXPECT_EQ(test, h.seq, 0x1234);
	KUNIT_EXPECT_EQ(test, h.frag_off, 0x10);
	KUNIT_EXPECT_EQ(test, h.frag_len, 4);

	/* Round trip through the builder. */
	memcpy(buf, good, sizeof(buf));
	memset(buf, 0, DTLS_HS_HEADER_LEN);
	dtls_hs_hdr_build(buf, &h);
	KUNIT_EXPECT_MEMEQ(test, buf, good, sizeof(good));
	KUNIT_EXPECT_EQ(test, dtls_hs_hdr_parse(buf, sizeof(buf), &h2), 0);
	KUNIT_EXPECT_MEMEQ(test, &h, &h2, sizeof(h));

	/* Short: no whole header. */
	KUNIT_EXPECT_EQ(test, dtls_hs_hdr_parse(good, 11, &h), -EBADMSG);
	KUNIT_EXPECT_EQ(test, dtls_hs_hdr_parse(good, 0, &h), -EBADMSG);
	/* The fragment beyond the buffer. */
	KUNIT_EXPECT_EQ(test, dtls_hs_hdr_parse(good, sizeof(good) - 1, &h),
			-EBADMSG);
	KUNIT_EXPECT_EQ(test, dtls_hs_hdr_parse(good, DTLS_HS_HEADER_LEN, &h),
			-EBADMSG);

	/* The fragment beyond the message: 0xff + 4 > 0x102. */
	memcpy(buf, good, sizeof(buf));
	buf[8] = 0xff;
	KUNIT_EXPECT_EQ(test, dtls_hs_hdr_parse(buf, sizeof(buf), &h),
			-EBADMSG);
	/* ... exactly at its end is fine. */
	buf[8] = 0xfe;
	KUNIT_EXPECT_EQ(test, dtls_hs_hdr_parse(buf, sizeof(buf), &h), 0);
	/* Largest 24-bit values do not wrap. */
	memset(buf + 6, 0xff, 3);
	memset(buf + 1, 0xff, 3);
	KUNIT_EXPECT_EQ(test, dtls_hs_hdr_parse(buf, sizeof(buf), &h),
			-EBADMSG);
	/* A zero-length message with an empty fragment. */
	memset(buf + 1, 0, 3);
	memset(buf + 6, 0, 6);
	KUNIT_EXPECT_EQ(test, dtls_hs_hdr_parse(buf, DTLS_HS_HEADER_LEN, &h), 0);
	KUNIT_EXPECT_EQ(test, h.length, 0);
	KUNIT_EXPECT_EQ(test, h.frag_len, 0);
}

static void reasm_in_order(struct kunit *test)
{
	struct dtls_reasm r;
	u8 a[100], b[300];

	fill(a, sizeof(a), 1);
	fill(b, sizeof(b), 2);
	dtls_reasm_init(&r, 0);
	KUNIT_EXPECT_NULL(test, dtls_reasm_pop(&r));
	KUNIT_EXPECT_EQ(test, add(&r, 1, 0, a, sizeof(a), 0, sizeof(a)),
			DTLS_REASM_STORED);
	expect_pop(test, &r, 1, 0, a, sizeof(a));
	KUNIT_EXPECT_NULL(test, dtls_reasm_pop(&r));
	KUNIT_EXPECT_EQ(test, add(&r, 2, 1, b, sizeof(b), 0, sizeof(b)),
			DTLS_REASM_STORED);
	expect_pop(test, &r, 2, 1, b, sizeof(b));
	KUNIT_EXPECT_EQ(test, r.bytes, 0);
	dtls_reasm_destroy(&r);
}

static void reasm_reverse(struct kunit *test)
{
	struct dtls_reasm r;
	u8 *body = buffer(test, 1000, 3);
	int off;

	dtls_reasm_init(&r, 5);
	for (off = 900; off >= 0; off -= 100) {
		KUNIT_EXPECT_EQ(test, add(&r, 11, 5, body, 1000, off, 100),
				DTLS_REASM_STORED);
		if (off)
			KUNIT_EXPECT_NULL(test, dtls_reasm_pop(&r));
	}
	expect_pop(test, &r, 11, 5, body, 1000);
	KUNIT_EXPECT_EQ(test, r.bytes, 0);
	dtls_reasm_destroy(&r);
}

static void reasm_overlap_duplicate(struct kunit *test)
{
	struct dtls_reasm r;
	u8 *body = buffer(test, 500, 4);
	u8 *other = buffer(test, 500, 0xee);

	dtls_reasm_init(&r, 0);
	KUNIT_EXPECT_EQ(test, add(&r, 1, 0, body, 500, 100, 200),
			DTLS_REASM_STORED);
	KUNIT_EXPECT_EQ(test, add(&r, 1, 0, body, 500, 100, 200),
			DTLS_REASM_STORED);	/* duplicate */
	KUNIT_EXPECT_EQ(test, add(&r, 1, 0, body, 500, 50, 100),
			DTLS_REASM_STORED);	/* overlaps the start */
	KUNIT_EXPECT_EQ(test, add(&r, 1, 0, body, 500, 250, 200),
			DTLS_REASM_STORED);	/* overlaps the end */
	KUNIT_EXPECT_EQ(test, r.slot[0].missing, 50 + 50);
	/* Differing bytes over received ones: the first copy stays. */
	KUNIT_EXPECT_EQ(test, add(&r, 1, 0, other, 500, 60, 300),
			DTLS_REASM_STORED);
	KUNIT_EXPECT_EQ(test, r.slot[0].missing, 50 + 50);
	KUNIT_EXPECT_NULL(test, dtls_reasm_pop(&r));
	/* Covers everything, both holes included. */
	KUNIT_EXPECT_EQ(test, add(&r, 1, 0, body, 500, 0, 500),
			DTLS_REASM_STORED);
	KUNIT_EXPECT_EQ(test, r.slot[0].missing, 0);
	KUNIT_EXPECT_NULL(test, r.slot[0].have);
	/* Complete: a further copy changes nothing. */
	KUNIT_EXPECT_EQ(test, add(&r, 1, 0, other, 500, 0, 500),
			DTLS_REASM_STORED);
	expect_pop(test, &r, 1, 0, body, 500);
	dtls_reasm_destroy(&r);
}

static void reasm_type_length_change(struct kunit *test)
{
	struct dtls_reasm r;
	u8 body[200];
	u32 bytes;

	fill(body, sizeof(body), 5);
	dtls_reasm_init(&r, 0);
	KUNIT_EXPECT_EQ(test, add(&r, 2, 0, body, 200, 0, 100),
			DTLS_REASM_STORED);
	bytes = r.bytes;
	KUNIT_EXPECT_EQ(test, add(&r, 2, 0, body, 199, 100, 99), -EBADMSG);
	KUNIT_EXPECT_EQ(test, add(&r, 2, 0, body, 201, 100, 101), -EBADMSG);
	KUNIT_EXPECT_EQ(test, add(&r, 3, 0, body, 200, 100, 100), -EBADMSG);
	/* Nothing of those was taken. */
	KUNIT_EXPECT_EQ(test, r.bytes, bytes);
	KUNIT_EXPECT_EQ(test, r.slot[0].missing, 100);
	KUNIT_EXPECT_EQ(test, r.slot[0].msg->type, 2);
	KUNIT_EXPECT_EQ(test, r.slot[0].msg->len, 200);
	KUNIT_EXPECT_NULL(test, dtls_reasm_pop(&r));
	KUNIT_EXPECT_EQ(test, add(&r, 2, 0, body, 200, 100, 100),
			DTLS_REASM_STORED);
	expect_pop(test, &r, 2, 0, body, sizeof(body));
	dtls_reasm_destroy(&r);
}

static void reasm_too_long(struct kunit *test)
{
	struct dtls_reasm r;
	u8 *body = buffer(test, DTLS_REASM_MAX_MSG, 6);

	dtls_reasm_init(&r, 0);
	KUNIT_EXPECT_EQ(test, add(&r, 1, 0, body, DTLS_REASM_MAX_MSG + 1, 0,
				  16), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, add(&r, 1, 0, body, 0xffffff, 0, 16), -EMSGSIZE);
	KUNIT_EXPECT_NULL(test, r.slot[0].msg);
	KUNIT_EXPECT_EQ(test, r.bytes, 0);
	/* A header that was not parsed: fragment beyond the message. */
	KUNIT_EXPECT_EQ(test, add(&r, 1, 0, body, 10, 0, 16), -EBADMSG);
	KUNIT_EXPECT_NULL(test, r.slot[0].msg);
	/* The largest accepted, in two fragments. */
	KUNIT_EXPECT_EQ(test, add(&r, 1, 0, body, DTLS_REASM_MAX_MSG,
				  DTLS_REASM_MAX_MSG - 16, 16),
			DTLS_REASM_STORED);
	KUNIT_EXPECT_NULL(test, dtls_reasm_pop(&r));
	dtls_reasm_destroy(&r);
	KUNIT_EXPECT_EQ(test, r.bytes, 0);
}

static void reasm_zero_length(struct kunit *test)
{
	struct dtls_reasm r;
	u8 none[1] = { 0 };

	dtls_reasm_init(&r, 3);
	KUNIT_EXPECT_EQ(test, add(&r, DTLS_HS_SERVER_HELLO_DONE, 3, none, 0, 0,
				  0), DTLS_REASM_STORED);
	KUNIT_EXPECT_NULL(test, r.slot[0].have);
	expect_pop(test, &r, DTLS_HS_SERVER_HELLO_DONE, 3, NULL, 0);
	KUNIT_EXPECT_EQ(test, r.bytes, 0);
	dtls_reasm_destroy(&r);
}

static void reasm_old_and_far(struct kunit *test)
{
	struct dtls_reasm r;
	u8 body[10];

	fill(body, sizeof(body), 7);
	dtls_reasm_init(&r, 100);
	KUNIT_EXPECT_EQ(test, add(&r, 1, 99, body, 10, 0, 10), DTLS_REASM_OLD);
	KUNIT_EXPECT_EQ(test, add(&r, 1, 0, body, 10, 0, 10), DTLS_REASM_OLD);
	/* 2^15 back is old; 2^15 - 1 ahead is only far. */
	KUNIT_EXPECT_EQ(test, add(&r, 1, 100 + 0x8000, body, 10, 0, 10),
			DTLS_REASM_OLD);
	KUNIT_EXPECT_EQ(test, add(&r, 1, 100 + 0x7fff, body, 10, 0, 10),
			DTLS_REASM_DROPPED);
	KUNIT_EXPECT_EQ(test, add(&r, 1, 100 + DTLS_REASM_AHEAD, body, 10, 0,
				  10), DTLS_REASM_DROPPED);
	/* Old or far, even with a bad length: nothing to look at. */
	KUNIT_EXPECT_EQ(test, add(&r, 1, 98, body, 0xffffff, 0, 10),
			DTLS_REASM_OLD);
	KUNIT_EXPECT_EQ(test, r.bytes, 0);
	KUNIT_EXPECT_EQ(test, add(&r, 1, 100 + DTLS_REASM_AHEAD - 1, body, 10,
				  0, 10), DTLS_REASM_STORED);
	KUNIT_EXPECT_NULL(test, dtls_reasm_pop(&r));
	KUNIT_EXPECT_EQ(test, r.next_seq, 100);
	dtls_reasm_destroy(&r);
	KUNIT_EXPECT_EQ(test, r.bytes, 0);
}

static void reasm_budget(struct kunit *test)
{
	struct dtls_reasm r;
	u8 *body = buffer(test, DTLS_REASM_MAX_MSG, 8);
	u32 bytes;

	dtls_reasm_init(&r, 0);
	/* Two partial maximal messages (buffer and bitmap) exceed it. */
	KUNIT_EXPECT_EQ(test, add(&r, 1, 1, body, DTLS_REASM_MAX_MSG, 0, 100),
			DTLS_REASM_STORED);
	bytes = r.bytes;
	KUNIT_EXPECT_GT(test, bytes, DTLS_REASM_MAX_MSG);
	KUNIT_EXPECT_EQ(test, add(&r, 1, 2, body, DTLS_REASM_MAX_MSG, 0, 100),
			DTLS_REASM_DROPPED);
	KUNIT_EXPECT_NULL(test, r.slot[2].msg);
	KUNIT_EXPECT_EQ(test, r.bytes, bytes);
	/* Later fragments of the buffered one still go in. */
	KUNIT_EXPECT_EQ(test, add(&r, 1, 1, body, DTLS_REASM_MAX_MSG, 100,
				  DTLS_REASM_MAX_MSG - 100), DTLS_REASM_STORED);
	/* Complete: its bitmap went back to the budget. */
	KUNIT_EXPECT_LT(test, r.bytes, bytes);
	KUNIT_EXPECT_LE(test, r.bytes, DTLS_REASM_MAX_BYTES);
	/* Small messages fit until the budget runs out. */
	KUNIT_EXPECT_EQ(test, add(&r, 1, 0, body, 1000, 0, 1000),
			DTLS_REASM_STORED);
	KUNIT_EXPECT_EQ(test, add(&r, 1, 2, body, DTLS_REASM_MAX_MSG, 0,
				  DTLS_REASM_MAX_MSG), DTLS_REASM_DROPPED);
	KUNIT_EXPECT_LE(test, r.bytes, DTLS_REASM_MAX_BYTES);
	expect_pop(test, &r, 1, 0, body, 1000);
	expect_pop(test, &r, 1, 1, body, DTLS_REASM_MAX_MSG);
	KUNIT_EXPECT_EQ(test, r.bytes, 0);
	/* With room again, it is taken. */
	KUNIT_EXPECT_EQ(test, add(&r, 1, 2, body, DTLS_REASM_MAX_MSG, 0,
				  DTLS_REASM_MAX_MSG), DTLS_REASM_STORED);
	expect_pop(test, &r, 1, 2, body, DTLS_REASM_MAX_MSG);
	dtls_reasm_destroy(&r);
}

static void reasm_future_in_order(struct kunit *test)
{
	struct dtls_reasm r;
	u8 b[DTLS_REASM_AHEAD][64];
	int i;

	for (i = 0; i < DTLS_REASM_AHEAD; i++)
		fill(b[i], sizeof(b[i]), 10 + i);
	dtls_reasm_init(&r, 7);
	/* Last first, next_seq itself in two halves, the half last. */
	for (i = DTLS_REASM_AHEAD - 1; i > 0; i--)
		KUNIT_EXPECT_EQ(test, add(&r, 20 + i, 7 + i, b[i], 64, 0, 64),
				DTLS_REASM_STORED);
	KUNIT_EXPECT_EQ(test, add(&r, 20, 7, b[0], 64, 0, 32),
			DTLS_REASM_STORED);
	KUNIT_EXPECT_NULL(test, dtls_reasm_pop(&r));
	KUNIT_EXPECT_EQ(test, add(&r, 20, 7, b[0], 64, 32, 32),
			DTLS_REASM_STORED);
	for (i = 0; i < DTLS_REASM_AHEAD; i++)
		expect_pop(test, &r, 20 + i, 7 + i, b[i], 64);
	KUNIT_EXPECT_NULL(test, dtls_reasm_pop(&r));
	KUNIT_EXPECT_EQ(test, r.bytes, 0);
	/* The window moved: 7 is old now, 7 + 2 * AHEAD - 1 fits. */
	KUNIT_EXPECT_EQ(test, add(&r, 20, 7, b[0], 64, 0, 64), DTLS_REASM_OLD);
	KUNIT_EXPECT_EQ(test, add(&r, 20, 7 + 2 * DTLS_REASM_AHEAD - 1, b[0],
				  64, 0, 64), DTLS_REASM_STORED);
	dtls_reasm_destroy(&r);
}

static void reasm_seq_wrap(struct kunit *test)
{
	struct dtls_reasm r;
	u8 a[20], b[30];

	fill(a, sizeof(a), 30);
	fill(b, sizeof(b), 31);
	dtls_reasm_init(&r, 65535);
	KUNIT_EXPECT_EQ(test, add(&r, 2, 0, b, 30, 0, 30), DTLS_REASM_STORED);
	KUNIT_EXPECT_EQ(test, r.slot[1].msg->seq, 0);
	KUNIT_EXPECT_EQ(test, add(&r, 1, 65534, a, 20, 0, 20), DTLS_REASM_OLD);
	KUNIT_EXPECT_EQ(test, add(&r, 1, 65535, a, 20, 0, 20),
			DTLS_REASM_STORED);
	expect_pop(test, &r, 1, 65535, a, 20);
	KUNIT_EXPECT_EQ(test, r.next_seq, 0);
	expect_pop(test, &r, 2, 0, b, 30);
	KUNIT_EXPECT_EQ(test, r.next_seq, 1);
	KUNIT_EXPECT_EQ(test, add(&r, 1, 65535, a, 20, 0, 20), DTLS_REASM_OLD);
	dtls_reasm_destroy(&r);
}

static void reasm_destroy_partial(struct kunit *test)
{
	struct dtls_reasm r;
	u8 *body = buffer(test, 3000, 40);
	int i;

	dtls_reasm_init(&r, 0);
	for (i = 0; i < DTLS_REASM_AHEAD; i++)
		KUNIT_EXPECT_EQ(test, add(&r, 1, i, body, 3000, 1000, 500),
				DTLS_REASM_STORED);
	KUNIT_EXPECT_EQ(test, add(&r, 1, 1, body, 3000, 0, 3000),
			DTLS_REASM_STORED);
	KUNIT_EXPECT_GT(test, r.bytes, 0);
	dtls_reasm_destroy(&r);
	KUNIT_EXPECT_EQ(test, r.bytes, 0);
	for (i = 0; i < DTLS_REASM_AHEAD; i++) {
		KUNIT_EXPECT_NULL(test, r.slot[i].msg);
		KUNIT_EXPECT_NULL(test, r.slot[i].have);
	}
}

static struct kunit_case dtls_reasm_cases[] = {
	KUNIT_CASE(reasm_hdr_parse),
	KUNIT_CASE(reasm_in_order),
	KUNIT_CASE(reasm_reverse),
	KUNIT_CASE(reasm_overlap_duplicate),
	KUNIT_CASE(reasm_type_length_change),
	KUNIT_CASE(reasm_too_long),
	KUNIT_CASE(reasm_zero_length),
	KUNIT_CASE(reasm_old_and_far),
	KUNIT_CASE(reasm_budget),
	KUNIT_CASE(reasm_future_in_order),
	KUNIT_CASE(reasm_seq_wrap),
	KUNIT_CASE(reasm_destroy_partial),
	{}
};

static struct kunit_suite dtls_reasm_suite = {
	.name = "dtls_reasm",
	.test_cases = dtls_reasm_cases,
};

kunit_test_suite(dtls_reasm_suite);
