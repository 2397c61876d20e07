// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: HelloVerifyRequest cookies (RFC 6347 4.2.1), cookie.c.  Each
 * case starts from fresh secrets (dtls_cookie_init()); the suite holds the
 * shared hash transforms (dtls_prf_init(), prf.c, in prf_kunit.c).
 */
#include <kunit/test.h>

#include "../cookie.c"

struct cookie_fixture {
	struct sockaddr_in	sin;
	struct sockaddr_in6	sin6;
	u8			random[32];
	u8			session_id[8];
	u8			suites[4];
	u8			cookie[DTLS_COOKIE_LEN + 1];
	struct dtls_ch		ch;
};

static struct cookie_fixture *fixture(struct kunit *test)
{
	struct cookie_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->sin.sin_family = AF_INET;
	f->sin.sin_addr.s_addr = htonl(0xc0000201);	/* 192.0.2.1 */
	f->sin.sin_port = htons(4433);
	f->sin6.sin6_family = AF_INET6;
	f->sin6.sin6_addr.s6_addr[0] = 0x20;		/* 2001:db8::1 */
	f->sin6.sin6_addr.s6_addr[1] = 0x01;
	f->sin6.sin6_addr.s6_addr[2] = 0x0d;
	f->sin6.sin6_addr.s6_addr[3] = 0xb8;
	f->sin6.sin6_addr.s6_addr[15] = 0x01;
	f->sin6.sin6_port = htons(4433);
	for (i = 0; i < sizeof(f->random); i++)
		f->random[i] = i;
	memset(f->session_id, 0x5a, sizeof(f->session_id));
	f->suites[0] = 0xc0;
	f->suites[1] = 0xa8;
	f->suites[2] = 0x00;
	f->suites[3] = 0xa8;
	f->ch.version = 0xfefd;
	f->ch.random = f->random;
	f->ch.session_id = NULL;
	f->ch.session_id_len = 0;
	f->ch.suites = f->suites;
	f->ch.suites_len = sizeof(f->suites);
	f->ch.cookie = f->cookie;
	f->ch.cookie_len = DTLS_COOKIE_LEN;
	return f;
}

static bool check4(struct cookie_fixture *f)
{
	return dtls_cookie_check((struct sockaddr *)&f->sin, &f->ch);
}

static bool check6(struct cookie_fixture *f)
{
	return dtls_cookie_check((struct sockaddr *)&f->sin6, &f->ch);
}

static void make4(struct cookie_fixture *f)
{
	dtls_cookie_make((struct sockaddr *)&f->sin, &f->ch, f->cookie);
}

static void make6(struct cookie_fixture *f)
{
	dtls_cookie_make((struct sockaddr *)&f->sin6, &f->ch, f->cookie);
}

/* Forces one rotation, as if a period had passed. */
static void force_rotation(void)
{
	unsigned long flags;

	spin_lock_irqsave(&dtls_cookie.lock, flags);
	dtls_cookie_rotate();
	spin_unlock_irqrestore(&dtls_cookie.lock, flags);
}

/* Makes the next use find the rotation due since @periods periods. */
static void rotation_due(unsigned int periods)
{
	unsigned long flags;

	spin_lock_irqsave(&dtls_cookie.lock, flags);
	dtls_cookie.rotate_at = get_jiffies_64() - periods * DTLS_COOKIE_PERIOD;
	spin_unlock_irqrestore(&dtls_cookie.lock, flags);
}

/* RFC 4231 test case 2: a key shorter than the block is zero-padded. */
static void cookie_hmac_vector(struct kunit *test)
{
	static const char data[] = "what do ya want for nothing?";
	static const u8 expect[SHA256_DIGEST_SIZE] = {
		0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e,
		0x6a, 0x04, 0x24, 0x26, 0x08, 0x95, 0x75, 0xc7,
		0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27, 0x39, 0x83,
		0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43,
	};
	u8 key[DTLS_COOKIE_SECRET_LEN] = { 'J', 'e', 'f', 'e' };
	struct dtls_hmac_key k;
	SHASH_DESC_ON_STACK(desc, k.tfm);
	u8 out[SHA256_DIGEST_SIZE];

	/* The cookie's HMAC: a 32-byte key, of which 28 are zero here. */
	KUNIT_ASSERT_EQ(test, dtls_hmac_setkey(&k, DTLS_PRF_SHA256, key,
					       sizeof(key)), 0);
	KUNIT_ASSERT_EQ(test, dtls_hmac_begin(desc, &k), 0);
	KUNIT_ASSERT_EQ(test, crypto_shash_update(desc, data,
						  sizeof(data) - 1), 0);
	KUNIT_ASSERT_EQ(test, dtls_hmac_end(desc, &k, out), 0);
	KUNIT_EXPECT_MEMEQ(test, out, expect, sizeof(expect));
	dtls_hmac_key_wipe(&k);
	shash_desc_zero(desc);
}

static void cookie_make_check(struct kunit *test)
{
	struct cookie_fixture *f = fixture(test);
	u8 first[DTLS_COOKIE_LEN];

	make4(f);
	KUNIT_EXPECT_TRUE(test, check4(f));
	/* Deterministic under one secret. */
	memcpy(first, f->cookie, sizeof(first));
	make4(f);
	KUNIT_EXPECT_MEMEQ(test, first, f->cookie, sizeof(first));
	/* The cookie in the ClientHello does not go into the cookie. */
	f->cookie[0] ^= 1;
	make4(f);
	KUNIT_EXPECT_MEMEQ(test, first, f->cookie, sizeof(first));

	make6(f);
	KUNIT_EXPECT_TRUE(test, check6(f));
	KUNIT_EXPECT_FALSE(test, check4(f));

	/* A session id and its content count. */
	f->ch.session_id = f->session_id;
	f->ch.session_id_len = sizeof(f->session_id);
	KUNIT_EXPECT_FALSE(test, check6(f));
	make6(f);
	KUNIT_EXPECT_TRUE(test, check6(f));
	f->session_id[3] ^= 1;
	KUNIT_EXPECT_FALSE(test, check6(f));
}

static void cookie_other_peer(struct kunit *test)
{
	struct cookie_fixture *f = fixture(test);

	make4(f);
	f->sin.sin_port = htons(4434);
	KUNIT_EXPECT_FALSE(test, check4(f));
	f->sin.sin_port = htons(4433);
	KUNIT_EXPECT_TRUE(test, check4(f));
	f->sin.sin_addr.s_addr = htonl(0xc0000202);
	KUNIT_EXPECT_FALSE(test, check4(f));
	f->sin.sin_addr.s_addr = htonl(0xc0000201);
	KUNIT_EXPECT_TRUE(test, check4(f));

	make6(f);
	f->sin6.sin6_addr.s6_addr[15] = 0x02;
	KUNIT_EXPECT_FALSE(test, check6(f));
	f->sin6.sin6_addr.s6_addr[15] = 0x01;
	f->sin6.sin6_port = htons(1);
	KUNIT_EXPECT_FALSE(test, check6(f));
	f->sin6.sin6_port = htons(4433);
	KUNIT_EXPECT_TRUE(test, check6(f));

	/* IPv4 against the same address mapped in IPv6. */
	make4(f);
	memset(&f->sin6.sin6_addr, 0, sizeof(f->sin6.sin6_addr));
	f->sin6.sin6_addr.s6_addr[10] = 0xff;
	f->sin6.sin6_addr.s6_addr[11] = 0xff;
	memcpy(&f->sin6.sin6_addr.s6_addr[12], &f->sin.sin_addr, 4);
	KUNIT_EXPECT_FALSE(test, check6(f));
	KUNIT_EXPECT_TRUE(test, check4(f));

	/* Neither IPv4 nor IPv6. */
	f->sin.sin_family = AF_UNIX;
	KUNIT_EXPECT_FALSE(test, check4(f));
	make4(f);
	KUNIT_EXPECT_FALSE(test, check4(f));
}

static void cookie_other_hello(struct kunit *test)
{
	struct cookie_fixture *f = fixture(test);

	make4(f);
	f->random[31] ^= 0x80;
	KUNIT_EXPECT_FALSE(test, check4(f));
	f->random[31] ^= 0x80;
	KUNIT_EXPECT_TRUE(test, check4(f));
	f->ch.version = 0xfeff;
	KUNIT_EXPECT_FALSE(test, check4(f));
	f->ch.version = 0xfefd;
	f->suites[3] = 0xa9;
	KUNIT_EXPECT_FALSE(test, check4(f));
	f->suites[3] = 0xa8;
	f->ch.suites_len = 2;
	KUNIT_EXPECT_FALSE(test, check4(f));
	f->ch.suites_len = 4;
	KUNIT_EXPECT_TRUE(test, check4(f));
	/* A byte moved from the suites to the session id. */
	f->ch.session_id = f->suites;
	f->ch.session_id_len = 2;
	f->ch.suites = f->suites + 2;
	f->ch.suites_len = 2;
	KUNIT_EXPECT_FALSE(test, check4(f));
}

static void cookie_bad_length(struct kunit *test)
{
	struct cookie_fixture *f = fixture(test);

	make4(f);
	KUNIT_EXPECT_TRUE(test, check4(f));
	f->ch.cookie_len = DTLS_COOKIE_LEN - 1;
	KUNIT_EXPECT_FALSE(test, check4(f));
	f->ch.cookie_len = DTLS_COOKIE_LEN + 1;
	KUNIT_EXPECT_FALSE(test, check4(f));
	f->ch.cookie_len = 0;
	KUNIT_EXPECT_FALSE(test, check4(f));
	f->ch.cookie_len = DTLS_COOKIE_LEN;
	f->cookie[DTLS_COOKIE_LEN - 1] ^= 1;
	KUNIT_EXPECT_FALSE(test, check4(f));
	f->cookie[DTLS_COOKIE_LEN - 1] ^= 1;
	f->cookie[0] ^= 0x10;
	KUNIT_EXPECT_FALSE(test, check4(f));
	f->cookie[0] ^= 0x10;
	KUNIT_EXPECT_TRUE(test, check4(f));
}

static void cookie_rotation(struct kunit *test)
{
	struct cookie_fixture *f = fixture(test);
	u8 old[DTLS_COOKIE_LEN];

	make4(f);
	memcpy(old, f->cookie, sizeof(old));
	force_rotation();
	KUNIT_EXPECT_TRUE(test, check4(f));
	/* New cookies come from the new secret. */
	make4(f);
	KUNIT_EXPECT_TRUE(test, check4(f));
	KUNIT_EXPECT_NE(test, memcmp(old, f->cookie, sizeof(old)), 0);
	force_rotation();
	KUNIT_EXPECT_TRUE(test, check4(f));
	memcpy(f->cookie, old, sizeof(old));
	KUNIT_EXPECT_FALSE(test, check4(f));
}

/* The lazy rotation on use, on its schedule. */
static void cookie_rotation_due(struct kunit *test)
{
	struct cookie_fixture *f = fixture(test);
	u64 at;

	make4(f);
	KUNIT_EXPECT_TRUE(test, check4(f));
	/* Not due: the secrets stay. */
	at = dtls_cookie.rotate_at;
	KUNIT_EXPECT_TRUE(test, check4(f));
	KUNIT_EXPECT_EQ(test, dtls_cookie.rotate_at, at);

	/* Due now: one rotation, the next one a period later. */
	rotation_due(0);
	at = dtls_cookie.rotate_at;
	KUNIT_EXPECT_TRUE(test, check4(f));
	KUNIT_EXPECT_EQ(test, dtls_cookie.rotate_at, at + DTLS_COOKIE_PERIOD);
	KUNIT_EXPECT_TRUE(test, check4(f));
	rotation_due(0);
	KUNIT_EXPECT_FALSE(test, check4(f));

	/* Idle for two periods: both secrets are replaced at once. */
	make4(f);
	KUNIT_EXPECT_TRUE(test, check4(f));
	rotation_due(1);
	KUNIT_EXPECT_FALSE(test, check4(f));
	KUNIT_EXPECT_GT(test, dtls_cookie.rotate_at, get_jiffies_64());
	make4(f);
	KUNIT_EXPECT_TRUE(test, check4(f));
}

/* Exit wipes the secrets. */
static void cookie_exit_wipes(struct kunit *test)
{
	static const u8 zero[DTLS_COOKIE_SECRET_LEN];

	dtls_cookie_exit();
	KUNIT_EXPECT_MEMEQ(test, dtls_cookie.cur, zero, sizeof(zero));
	KUNIT_EXPECT_MEMEQ(test, dtls_cookie.prev, zero, sizeof(zero));
	dtls_cookie_init();
	KUNIT_EXPECT_MEMNEQ(test, dtls_cookie.cur, zero, sizeof(zero));
	KUNIT_EXPECT_MEMNEQ(test, dtls_cookie.prev, zero, sizeof(zero));
}

static int cookie_test_init(struct kunit *test)
{
	dtls_cookie_init();
	return 0;
}

static void cookie_test_exit(struct kunit *test)
{
	dtls_cookie_exit();
}

static int cookie_suite_init(struct kunit_suite *suite)
{
	return dtls_prf_init();
}

static void cookie_suite_exit(struct kunit_suite *suite)
{
	dtls_prf_exit();
}

static struct kunit_case dtls_cookie_cases[] = {
	KUNIT_CASE(cookie_hmac_vector),
	KUNIT_CASE(cookie_make_check),
	KUNIT_CASE(cookie_other_peer),
	KUNIT_CASE(cookie_other_hello),
	KUNIT_CASE(cookie_bad_length),
	KUNIT_CASE(cookie_rotation),
	KUNIT_CASE(cookie_rotation_due),
	KUNIT_CASE(cookie_exit_wipes),
	{}
};

static struct kunit_suite dtls_cookie_suite = {
	.name = "dtls_cookie",
	.test_cases = dtls_cookie_cases,
	.suite_init = cookie_suite_init,
	.suite_exit = cookie_suite_exit,
	.init = cookie_test_init,
	.exit = cookie_test_exit,
};

kunit_test_suite(dtls_cookie_suite);
