// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: a ChaCha20-Poly1305 record opened where it lies in an skb
 * (dtls_chacha_open_skb(), crypto.c), whatever the layout: some of it in
 * the head, the rest in frags of one compound page, each frag within a
 * 4 KiB page as UDP's splice makes them, back to back in memory (read as
 * one run) or apart.  The plaintext must be what the library seals in
 * place, and a change of any byte past the AAD must fail it.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/prandom.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

#include <uapi/linux/dtls.h>

#include "../crypto.h"
#include "../record.h"

#define CS_MAX_CT	9000			/* the longest plaintext */
#define CS_ORDER	2			/* 16 KiB: record and gaps */
#define CS_LAYOUTS	200

struct cs_ctx {
	struct dtls_key *key;
	struct rnd_state rnd;
	u8 nonce[DTLS_MAX_NONCE];
	u8 aad[DTLS_AAD_LEN];
	u8 *pt, *wire, *out;
	struct page *page;
};

static u32 cs_below(struct cs_ctx *c, u32 n)
{
	return n ? prandom_u32_state(&c->rnd) % n : 0;
}

static int cs_init(struct kunit *test)
{
	u8 keymat[32], iv[12];
	struct cs_ctx *c;

	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	prandom_seed_state(&c->rnd, 0x6b64746c73ULL);
	prandom_bytes_state(&c->rnd, keymat, sizeof(keymat));
	prandom_bytes_state(&c->rnd, iv, sizeof(iv));
	c->key = dtls_key_alloc(dtls_cipher_find(DTLS_CIPHER_CHACHA20_POLY1305),
				keymat, iv, 1, 0, true, 64, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(c->key));
	c->pt = kunit_kmalloc(test, CS_MAX_CT, GFP_KERNEL);
	c->wire = kunit_kmalloc(test, CS_MAX_CT + 16, GFP_KERNEL);
	c->out = kunit_kmalloc(test, CS_MAX_CT, GFP_KERNEL);
	c->page = alloc_pages(GFP_KERNEL | __GFP_COMP, CS_ORDER);
	KUNIT_ASSERT_TRUE(test, c->pt && c->wire && c->out && c->page);
	test->priv = c;
	return 0;
}

static void cs_exit(struct kunit *test)
{
	struct cs_ctx *c = test->priv;

	if (!c)
		return;
	if (c->page)
		__free_pages(c->page, CS_ORDER);
	if (!IS_ERR_OR_NULL(c->key))
		dtls_key_put(c->key);
}

/*
 * @len bytes of plaintext sealed, then laid out: @pre bytes of other data
 * and up to 64 of the record in the head, the rest in frags of the
 * compound page, a frag at most to the end of a 4 KiB page, a gap after
 * some.  Return: the skb, the record at @pre.
 */
static struct sk_buff *cs_layout(struct kunit *test, struct cs_ctx *c,
				 unsigned int len, unsigned int *pre)
{
	unsigned int total = len + 16, head, pos, cur, nfrags = 0;
	struct sk_buff *skb;

	prandom_bytes_state(&c->rnd, c->pt, len);
	prandom_bytes_state(&c->rnd, c->nonce, sizeof(c->nonce));
	prandom_bytes_state(&c->rnd, c->aad, sizeof(c->aad));
	memcpy(c->wire, c->pt, len);
	dtls_chacha_seal(c->key, c->nonce, c->aad, c->wire, len);

	skb = alloc_skb(128, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	*pre = cs_below(c, 24);
	skb_put_data(skb, c->pt, *pre);		/* anything */
	head = cs_below(c, min(total, 65U));
	skb_put_data(skb, c->wire, head);

	cur = cs_below(c, 200);
	for (pos = head; pos < total; nfrags++) {
		unsigned int left = total - pos, n;

		/* Few enough frags: the last ones take what is left. */
		n = nfrags >= MAX_SKB_FRAGS - 4 ? left :
		    1 + cs_below(c, min(left, 3000U));
		n = min(n, (unsigned int)(PAGE_SIZE - offset_in_page(cur)));
		KUNIT_ASSERT_LT(test, nfrags, (unsigned int)MAX_SKB_FRAGS);
		KUNIT_ASSERT_LE(test, cur + n, PAGE_SIZE << CS_ORDER);
		memcpy(page_address(c->page) + cur, c->wire + pos, n);
		get_page(c->page);
		skb_add_rx_frag(skb, nfrags, nth_page(c->page, cur / PAGE_SIZE),
				offset_in_page(cur), n, n);
		pos += n;
		cur += n;
		if (cs_below(c, 3) == 0)	/* apart from the next */
			cur += 1 + cs_below(c, 40);
	}
	return skb;
}

/* Every layout opens to the plaintext the library sealed. */
static void chacha_skb_layouts(struct kunit *test)
{
	struct cs_ctx *c = test->priv;
	unsigned int i, len, pre;
	struct sk_buff *skb;
	int err;

	for (i = 0; i < CS_LAYOUTS; i++) {
		len = 1 + cs_below(c, CS_MAX_CT);
		skb = cs_layout(test, c, len, &pre);
		memset(c->out, 0, len);
		err = dtls_chacha_open_skb(c->key, c->nonce, c->aad, skb, pre,
					   len, c->out);
		KUNIT_EXPECT_EQ_MSG(test, err, 0, "layout %u, %u bytes, %u frags",
				    i, len, skb_shinfo(skb)->nr_frags);
		KUNIT_EXPECT_MEMEQ(test, c->out, c->pt, len);
		kfree_skb(skb);
	}
}

/*
 * One byte changed anywhere in the ciphertext or the tag, in the head or
 * in a frag, fails it; so does an skb too short for the record.
 */
static void chacha_skb_forged(struct kunit *test)
{
	struct cs_ctx *c = test->priv;
	unsigned int i, len, pre, at;
	struct sk_buff *skb;
	int err;
	u8 b;

	for (i = 0; i < CS_LAYOUTS; i++) {
		len = 1 + cs_below(c, CS_MAX_CT);
		skb = cs_layout(test, c, len, &pre);
		at = pre + cs_below(c, len + 16);
		KUNIT_ASSERT_EQ(test, skb_copy_bits(skb, at, &b, 1), 0);
		b ^= 1 << cs_below(c, 8);
		KUNIT_ASSERT_EQ(test, skb_store_bits(skb, at, &b, 1), 0);
		err = dtls_chacha_open_skb(c->key, c->nonce, c->aad, skb, pre,
					   len, c->out);
		KUNIT_EXPECT_EQ_MSG(test, err, -EBADMSG, "layout %u, byte %u of %u",
				    i, at - pre, len + 16);
		kfree_skb(skb);
	}
	skb = cs_layout(test, c, 100, &pre);
	KUNIT_EXPECT_EQ(test, dtls_chacha_open_skb(c->key, c->nonce, c->aad,
						   skb, pre + 1, 100, c->out),
			-EBADMSG);
	kfree_skb(skb);
}

static struct kunit_case chacha_skb_cases[] = {
	KUNIT_CASE(chacha_skb_layouts),
	KUNIT_CASE(chacha_skb_forged),
	{}
};

static struct kunit_suite chacha_skb_suite = {
	.name = "dtls_chacha_skb",
	.init = cs_init,
	.exit = cs_exit,
	.test_cases = chacha_skb_cases,
};

kunit_test_suite(chacha_skb_suite);
