// SPDX-License-Identifier: GPL-2.0
/*
 * The user ABI of <linux/dtls.h>: layouts a compiled program depends on.
 * Also holds the module information of dtls_kunit.ko (every *_kunit.c
 * of this directory, see the Makefile).
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/stddef.h>
#include <uapi/linux/dtls.h>

/* DTLS_INFO: an old 16-byte reader gets state, family and ino. */
static void dtls_info_layout(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, offsetof(struct dtls_info, state), 0);
	KUNIT_EXPECT_EQ(test, offsetof(struct dtls_info, family), 4);
	KUNIT_EXPECT_EQ(test, offsetof(struct dtls_info, ino), 8);
	KUNIT_EXPECT_EQ(test, offsetof(struct dtls_info, tx_cipher), 16);
	KUNIT_EXPECT_EQ(test, offsetof(struct dtls_info, rx_cipher), 18);
	KUNIT_EXPECT_EQ(test, offsetof(struct dtls_info, tx_epoch), 20);
	KUNIT_EXPECT_EQ(test, offsetof(struct dtls_info, rx_epoch), 22);
	KUNIT_EXPECT_EQ(test, sizeof(struct dtls_info), 24);
}

/* The crypto_info structs: a common 16-byte head, no implicit padding. */
static void dtls_crypto_info_layout(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct dtls_crypto_info), 16);
	KUNIT_EXPECT_EQ(test, offsetof(struct dtls_crypto_info, seq), 8);
	KUNIT_EXPECT_EQ(test, sizeof(struct dtls12_crypto_info_aes_gcm_128), 40);
	KUNIT_EXPECT_EQ(test, sizeof(struct dtls12_crypto_info_aes_gcm_256), 56);
	KUNIT_EXPECT_EQ(test, sizeof(struct dtls12_crypto_info_aes_ccm_128), 40);
	KUNIT_EXPECT_EQ(test,
			sizeof(struct dtls12_crypto_info_chacha20_poly1305), 64);
	KUNIT_EXPECT_EQ(test,
			offsetof(struct dtls12_crypto_info_chacha20_poly1305, iv),
			48);
}

static void dtls_uapi_constants(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, DTLS_SEQ_MAX, 0xffffffffffffULL);
	KUNIT_EXPECT_LE(test, DTLS_REPLAY_WINDOW_MIN, DTLS_REPLAY_WINDOW_DEFAULT);
	KUNIT_EXPECT_LE(test, DTLS_REPLAY_WINDOW_DEFAULT, DTLS_REPLAY_WINDOW_MAX);
	KUNIT_EXPECT_EQ(test, DTLS_1_2_VERSION, 0xfefd);
}

static struct kunit_case dtls_uapi_cases[] = {
	KUNIT_CASE(dtls_info_layout),
	KUNIT_CASE(dtls_crypto_info_layout),
	KUNIT_CASE(dtls_uapi_constants),
	{}
};

static struct kunit_suite dtls_uapi_suite = {
	.name = "dtls_uapi",
	.test_cases = dtls_uapi_cases,
};

kunit_test_suite(dtls_uapi_suite);

MODULE_DESCRIPTION("KUnit tests of kdtls (dtls.ko)");
MODULE_LICENSE("GPL");
