// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the anti-replay window (RFC 6347 4.1.2.6), replay.c.
 */
#include <kunit/test.h>

#include "../replay.c"

/* Check, and on success update, as the receive path does. */
static bool accept(struct dtls_replay *w, u64 seq)
{
	if (!dtls_replay_check(w, seq))
		return false;
	dtls_replay_update(w, seq);
	return true;
}

static struct dtls_replay *window(struct kunit *test, u32 size, u64 floor)
{
	struct dtls_replay *w = dtls_replay_alloc(size, floor, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, w);
	return w;
}

static void replay_fresh_and_duplicate(struct kunit *test)
{
	struct dtls_replay *w = window(test, 64, 0);

	KUNIT_EXPECT_EQ(test, dtls_replay_next(w), 0);
	KUNIT_EXPECT_TRUE(test, accept(w, 0));
	KUNIT_EXPECT_FALSE(test, accept(w, 0));
	KUNIT_EXPECT_TRUE(test, accept(w, 2));
	KUNIT_EXPECT_TRUE(test, accept(w, 1));	/* reordered, in window */
	KUNIT_EXPECT_FALSE(test, accept(w, 1));
	KUNIT_EXPECT_EQ(test, dtls_replay_next(w), 3);
	kfree(w);
}

/* top - 63 is the oldest a 64-record window accepts; top - 64 is out. */
static void replay_window_edges(struct kunit *test)
{
	struct dtls_replay *w = window(test, 64, 0);

	KUNIT_EXPECT_TRUE(test, accept(w, 100));
	KUNIT_EXPECT_TRUE(test, dtls_replay_check(w, 37));
	KUNIT_EXPECT_FALSE(test, dtls_replay_check(w, 36));
	KUNIT_EXPECT_TRUE(test, accept(w, 37));
	KUNIT_EXPECT_FALSE(test, accept(w, 37));
	/* Far future: accepted, and everything before it is now too old. */
	KUNIT_EXPECT_TRUE(test, accept(w, 100 + 1000000));
	KUNIT_EXPECT_FALSE(test, dtls_replay_check(w, 100));
	KUNIT_EXPECT_TRUE(test, dtls_replay_check(w, 100 + 1000000 - 63));
	KUNIT_EXPECT_FALSE(test, dtls_replay_check(w, 100 + 1000000 - 64));
	kfree(w);
}

/* A check alone never moves the window: only authenticated updates do. */
static void replay_check_is_pure(struct kunit *test)
{
	struct dtls_replay *w = window(test, 64, 0);

	KUNIT_EXPECT_TRUE(test, accept(w, 10));
	KUNIT_EXPECT_TRUE(test, dtls_replay_check(w, 5000));
	KUNIT_EXPECT_TRUE(test, dtls_replay_check(w, 9));
	KUNIT_EXPECT_EQ(test, dtls_replay_next(w), 11);
	kfree(w);
}

/* Sizes that are not a power of two keep their exact edge. */
static void replay_odd_sizes(struct kunit *test)
{
	static const u32 sizes[] = { 32, 100, 1000, 1024, 4096 };
	int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		u32 n = sizes[i];
		struct dtls_replay *w = window(test, n, 0);

		KUNIT_EXPECT_TRUE(test, accept(w, 10000));
		KUNIT_EXPECT_TRUE(test, accept(w, 10000 - (n - 1)));
		KUNIT_EXPECT_FALSE(test, dtls_replay_check(w, 10000 - n));
		kfree(w);
	}
}

/* Gaps clear the bits of the records they skip, also across wrap. */
static void replay_gaps(struct kunit *test)
{
	struct dtls_replay *w = window(test, 64, 0);
	u64 s;

	for (s = 0; s < 64; s++)
		KUNIT_EXPECT_TRUE(test, accept(w, s));
	KUNIT_EXPECT_TRUE(test, accept(w, 64 + 30));
	/* 64..93 were skipped: their (reused) bits must read as unseen. */
	for (s = 64; s < 94; s++)
		KUNIT_EXPECT_TRUE(test, dtls_replay_check(w, s));
	for (s = 31; s < 64; s++)
		KUNIT_EXPECT_FALSE(test, dtls_replay_check(w, s));
	kfree(w);
}

/* A floor marks everything below it as received. */
static void replay_floor(struct kunit *test)
{
	struct dtls_replay *w = window(test, 64, 1);

	KUNIT_EXPECT_FALSE(test, dtls_replay_check(w, 0));
	KUNIT_EXPECT_EQ(test, dtls_replay_next(w), 1);
	KUNIT_EXPECT_TRUE(test, accept(w, 1));
	kfree(w);

	w = window(test, 64, 1000);
	KUNIT_EXPECT_FALSE(test, dtls_replay_check(w, 999));
	KUNIT_EXPECT_FALSE(test, dtls_replay_check(w, 950));
	KUNIT_EXPECT_FALSE(test, dtls_replay_check(w, 0));
	KUNIT_EXPECT_TRUE(test, accept(w, 1000));
	kfree(w);
}

/* The last sequence number of an epoch. */
static void replay_seq_max(struct kunit *test)
{
	const u64 max = (1ULL << 48) - 1;
	struct dtls_replay *w = window(test, 64, max - 1);

	KUNIT_EXPECT_TRUE(test, accept(w, max));
	KUNIT_EXPECT_FALSE(test, accept(w, max));
	/* The floor itself was never received; below it counts as seen. */
	KUNIT_EXPECT_TRUE(test, accept(w, max - 1));
	KUNIT_EXPECT_FALSE(test, accept(w, max - 1));
	KUNIT_EXPECT_FALSE(test, accept(w, max - 2));
	kfree(w);
}

static struct kunit_case dtls_replay_cases[] = {
	KUNIT_CASE(replay_fresh_and_duplicate),
	KUNIT_CASE(replay_window_edges),
	KUNIT_CASE(replay_check_is_pure),
	KUNIT_CASE(replay_odd_sizes),
	KUNIT_CASE(replay_gaps),
	KUNIT_CASE(replay_floor),
	KUNIT_CASE(replay_seq_max),
	{}
};

static struct kunit_suite dtls_replay_suite = {
	.name = "dtls_replay",
	.test_cases = dtls_replay_cases,
};

kunit_test_suite(dtls_replay_suite);
