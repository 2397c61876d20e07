// SPDX-License-Identifier: GPL-2.0
/*
 * Cipher descriptions, key state, and the one place that seals and opens
 * records (RFC 6347 4.1.2.1, RFC 5246 6.2.3.3): the record layer's send
 * and receive paths, the handshake's flights and Finished, the kept last
 * flight and alerts all go through dtls_record_seal() and
 * dtls_record_open*(), and the replay window through
 * dtls_record_replay_*().
 *
 * Contexts: dtls_key_alloc() sleeps (process context, setsockopt);
 * dtls_key_put() may be called from any context; the freeing itself runs
 * a grace period later, in the RCU callback, and a crypto API transform's
 * on dtls_wq.  dtls_chacha_seal() and dtls_chacha_open() run in any
 * context.  Sealing, dtls_record_open() and dtls_key_aead_make() may
 * sleep (process context); dtls_key_aead(), dtls_key_idle(),
 * dtls_record_open_prepare() and the replay helpers run in any context.
 *
 * An AES key keeps its raw bytes and a transform made from them
 * (struct dtls_aead, crypto.h), which goes when the key is idle and is
 * made again by the next user in process context; the receive path in
 * softirq hands such a record to process context first (rx.c).
 *
 * ChaCha20-Poly1305 is built here from the library's ChaCha20 and
 * Poly1305 (arch-optimized where the CPU allows) rather than taken from
 * the crypto API's rfc7539 template: a record is one linear buffer, and
 * the template's scatterlist walks and chain of hash requests cost about
 * as much as the cipher itself at 1200 bytes (see the README's
 * Performance section).
 */

#include <crypto/algapi.h>
#include <crypto/poly1305.h>
#include <linux/fips.h>
#include <linux/moduleparam.h>
#include <linux/scatterlist.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <uapi/linux/dtls.h>

#include "compat/compat.h"
#include "crypto.h"
#include "replay.h"

/* Offsets of a field, and the struct's size, in a uapi crypto_info. */
#define DTLS_INFO_LAYOUT(type, ivfield)					\
	.info_size = sizeof(type),					\
	.key_off = offsetof(type, key),					\
	.iv_off = offsetof(type, ivfield),				\
	.reserved_off = offsetof(type, reserved)

static const struct dtls_cipher dtls_ciphers[] = {
	{
		.type = DTLS_CIPHER_AES_GCM_128, .alg = "gcm(aes)",
		.key_len = 16, .iv_len = 4, .explicit_len = 8, .tag_len = 16,
		DTLS_INFO_LAYOUT(struct dtls12_crypto_info_aes_gcm_128, salt),
	}, {
		.type = DTLS_CIPHER_AES_GCM_256, .alg = "gcm(aes)",
		.key_len = 32, .iv_len = 4, .explicit_len = 8, .tag_len = 16,
		DTLS_INFO_LAYOUT(struct dtls12_crypto_info_aes_gcm_256, salt),
	}, {
		.type = DTLS_CIPHER_AES_CCM_128, .alg = "ccm(aes)", .ccm = true,
		.key_len = 16, .iv_len = 4, .explicit_len = 8, .tag_len = 16,
		DTLS_INFO_LAYOUT(struct dtls12_crypto_info_aes_ccm_128, salt),
	}, {
		.type = DTLS_CIPHER_AES_CCM_8_128, .alg = "ccm(aes)", .ccm = true,
		.key_len = 16, .iv_len = 4, .explicit_len = 8, .tag_len = 8,
		DTLS_INFO_LAYOUT(struct dtls12_crypto_info_aes_ccm_128, salt),
	}, {
		.type = DTLS_CIPHER_CHACHA20_POLY1305, .lib = true,
		.alg = "rfc7539(chacha20,poly1305)",	/* the equivalent */
		.key_len = 32, .iv_len = 12, .explicit_len = 0, .tag_len = 16,
		DTLS_INFO_LAYOUT(struct dtls12_crypto_info_chacha20_poly1305,
				 iv),
	},
};

const struct dtls_cipher *dtls_cipher_find(u16 type)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(dtls_ciphers); i++)
		if (dtls_ciphers[i].type == type)
			return &dtls_ciphers[i];
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(dtls_cipher_find);

/* ccm(aes) takes a 16-byte counter block: flags byte L' = 15 - 12 - 1. */
#define DTLS_CCM_IV_FLAGS	2

void dtls_key_nonce(const struct dtls_key *k, u8 *nonce, u16 epoch, u64 seq,
		    const u8 *explicit)
{
	const struct dtls_cipher *c = k->cipher;
	u8 *n = nonce;
	u8 es[8];
	int i;

	if (!c->explicit_len) {
		/* RFC 7905: iv XOR (0^32 || epoch|seq) */
		memcpy(nonce, k->iv, 12);
		dtls_put_epoch_seq(es, epoch, seq);
		for (i = 0; i < 8; i++)
			nonce[4 + i] ^= es[i];
		return;
	}
	if (c->ccm) {
		memset(nonce, 0, DTLS_MAX_NONCE);
		nonce[0] = DTLS_CCM_IV_FLAGS;
		n = nonce + 1;
	}
	memcpy(n, k->iv, 4);
	memcpy(n + 4, explicit, 8);
}

#define DTLS_CHACHA_ROUNDS	20

/*
 * The ChaCha library's state: a struct chacha_state since 6.16, a u32
 * array before (compat/chacha_state.c); the same struct here, and the
 * library gets what it wants.
 */
#ifdef KDTLS_HAVE_CHACHA_STATE
#define dtls_chacha_state	chacha_state
#define dtls_chacha_lib(st)	(st)
#else
struct dtls_chacha_state {
	u32 x[CHACHA_STATE_WORDS];
};

#define dtls_chacha_lib(st)	((st)->x)
#endif

/*
 * The keystream a record has left: @ks holds @ks_len bytes computed ahead
 * of the state's counter, the first @used of them spent.
 */
struct dtls_chacha_stream {
	struct dtls_chacha_state	state;
	u8				ks[2 * CHACHA_BLOCK_SIZE];
	unsigned int			ks_len;
	unsigned int			used;
};

/*
 * RFC 8439 2.8: ChaCha20 block 0 of the nonce gives the one-time Poly1305
 * key, the blocks from 1 on encrypt.  Blocks 0 and 1 come from one call:
 * the library computes one block in C, two with SIMD, so asking for two
 * costs less.  @st gets block 1's keystream, its state left at block 2.
 * The MAC starts over the AAD, padded to 16 bytes.
 */
static void dtls_chacha_begin(const struct dtls_key *k, const u8 *nonce,
			      const u8 *aad, struct dtls_chacha_stream *st,
			      struct poly1305_desc_ctx *mac)
{
	u8 *block = st->ks;

	/* The IV of chacha_init(): 32-bit block counter, 96-bit nonce. */
	memset(block, 0, 4);
	memcpy(block + 4, nonce, CHACHA_IV_SIZE - 4);
	chacha_init(dtls_chacha_lib(&st->state), k->chacha_key, block);
	memset(block, 0, sizeof(st->ks));
	chacha_crypt(dtls_chacha_lib(&st->state), block, block,
		     sizeof(st->ks), DTLS_CHACHA_ROUNDS);
	poly1305_init(mac, block);		/* its first 32 bytes */
	st->ks_len = sizeof(st->ks);
	st->used = CHACHA_BLOCK_SIZE;

	memset(block, 0, 16);
	memcpy(block, aad, DTLS_AAD_LEN);
	poly1305_update(mac, block, 16);
}

/*
 * XOR the next @len bytes of keystream into @in, to @out (the same, or
 * apart).  A @last piece may end anywhere; another is kept whole blocks
 * for the library, and the keystream of its ragged end carried over.
 */
static void dtls_chacha_xor(struct dtls_chacha_stream *st, u8 *out,
			    const u8 *in, unsigned int len, bool last)
{
	unsigned int n = min(len, st->ks_len - st->used);

	crypto_xor_cpy(out, in, st->ks + st->used, n);
	st->used += n;
	out += n;
	in += n;
	len -= n;
	n = last && len > CHACHA_BLOCK_SIZE ? len :
					       round_down(len, CHACHA_BLOCK_SIZE);
	if (n)
		chacha_crypt(dtls_chacha_lib(&st->state), out, in, n,
			     DTLS_CHACHA_ROUNDS);
	if (n == len)
		return;
	out += n;
	in += n;
	len -= n;
	memset(st->ks, 0, sizeof(st->ks));
	chacha_crypt(dtls_chacha_lib(&st->state), st->ks, st->ks,
		     sizeof(st->ks), DTLS_CHACHA_ROUNDS);
	st->ks_len = sizeof(st->ks);
	crypto_xor_cpy(out, in, st->ks, len);
	st->used = len;
}

/* The end of the MAC: after @len bytes of ciphertext, padding, lengths. */
static void dtls_chacha_tag(struct poly1305_desc_ctx *mac, unsigned int len,
			    u8 *tag)
{
	static const u8 zeros[16];
	__le64 lens[2] = { cpu_to_le64(DTLS_AAD_LEN), cpu_to_le64(len) };

	if (len % 16)
		poly1305_update(mac, zeros, 16 - len % 16);
	poly1305_update(mac, (const u8 *)lens, sizeof(lens));
	poly1305_final(mac, tag);
}

static void dtls_chacha_wipe(struct dtls_chacha_stream *st,
			     struct poly1305_desc_ctx *mac)
{
	memzero_explicit(st, sizeof(*st));
	memzero_explicit(mac, sizeof(*mac));
}

/*
 * Seal into @data from @src's pages from byte @src_off of the first on,
 * or in place (@src NULL).  The plaintext is read once, the MAC taken
 * over what was written: a caller writing its pages meanwhile changes
 * only what it sends.
 */
static void __dtls_chacha_seal(const struct dtls_key *k, const u8 *nonce,
			       const u8 *aad, u8 *data, unsigned int len,
			       struct page **src, unsigned int src_off)
{
	struct poly1305_desc_ctx mac;
	struct dtls_chacha_stream st;
	unsigned int done, n;

	dtls_chacha_begin(k, nonce, aad, &st, &mac);
	if (!src)
		dtls_chacha_xor(&st, data, data, len, true);
	for (done = 0; src && done < len; done += n, src_off += n) {
		n = min_t(unsigned int, len - done,
			  PAGE_SIZE - src_off % PAGE_SIZE);
		dtls_chacha_xor(&st, data + done,
				(u8 *)page_address(src[src_off / PAGE_SIZE]) +
				src_off % PAGE_SIZE, n, done + n == len);
	}
	poly1305_update(&mac, data, len);
	dtls_chacha_tag(&mac, len, data + len);
	dtls_chacha_wipe(&st, &mac);
}

void dtls_chacha_seal(const struct dtls_key *k, const u8 *nonce,
		      const u8 *aad, u8 *data, unsigned int len)
{
	__dtls_chacha_seal(k, nonce, aad, data, len, NULL, 0);
}
EXPORT_SYMBOL_IF_KUNIT(dtls_chacha_seal);

int dtls_chacha_open(const struct dtls_key *k, const u8 *nonce,
		     const u8 *aad, u8 *data, unsigned int len)
{
	struct poly1305_desc_ctx mac;
	struct dtls_chacha_stream st;
	u8 tag[POLY1305_DIGEST_SIZE];
	int err = 0;

	/* Authenticate first: a forged record is never decrypted. */
	dtls_chacha_begin(k, nonce, aad, &st, &mac);
	poly1305_update(&mac, data, len);
	dtls_chacha_tag(&mac, len, tag);
	if (crypto_memneq(tag, data + len, sizeof(tag)))
		err = -EBADMSG;
	else
		dtls_chacha_xor(&st, data, data, len, true);
	dtls_chacha_wipe(&st, &mac);
	/* A forged record's right tag, its sequence number still fresh. */
	memzero_explicit(tag, sizeof(tag));
	return err;
}

/*
 * Bytes of an skb as stretches of contiguous memory.  UDP's splice gives
 * a record sealed in a compound page one frag a 4 KiB page; read frag by
 * frag, each ragged end cost a keystream refill and a partial block,
 * about 4,000 instructions of a 16000-byte record.  Frags that follow
 * each other in the direct map are one run.
 */
struct dtls_run {
	const u8	*p;
	unsigned int	len;
};

struct dtls_runs {
	const struct sk_buff	*skb;
	unsigned int		off;	/* the next byte, in @skb */
	unsigned int		left;	/* bytes still to give */
	unsigned int		frag;	/* the frag holding or after @off */
	unsigned int		start;	/* where it starts, in @skb */
};

/*
 * Read [@off, @off + @len) of @skb in runs (dtls_runs_next()).  Return:
 * false if it cannot be read that way: a frag list, device memory,
 * highmem (no lasting mapping), or @skb too short.
 */
static bool dtls_runs_start(struct dtls_runs *it, const struct sk_buff *skb,
			    unsigned int off, unsigned int len,
			    const struct dtls_skb_pos *pos)
{
	if (IS_ENABLED(CONFIG_HIGHMEM) || skb_has_frag_list(skb) ||
	    !skb_frags_readable(skb) || len > skb->len ||
	    off > skb->len - len)
		return false;
	it->skb = skb;
	it->off = off;
	it->left = len;
	it->frag = 0;
	it->start = skb_headlen(skb);
	/* On from where the last read ended, not from the first frag. */
	if (pos && pos->skb == skb && pos->start <= off &&
	    pos->start >= it->start) {
		it->frag = pos->frag;
		it->start = pos->start;
	}
	return true;
}

/* Where @it is now, for the next read of its skb. */
static void dtls_runs_pos(const struct dtls_runs *it, struct dtls_skb_pos *pos)
{
	if (!pos)
		return;
	pos->skb = it->skb;
	pos->frag = it->frag;
	pos->start = it->start;
}

/*
 * The next run into @r: the rest of the head, or frags as long as each
 * starts where the last ended in memory.  Return: false once all were
 * given.
 */
static bool dtls_runs_next(struct dtls_runs *it, struct dtls_run *r)
{
	const struct skb_shared_info *si = skb_shinfo(it->skb);

	if (!it->left)
		return false;
	if (it->off < it->start) {		/* the head: a run alone */
		r->p = it->skb->data + it->off;
		r->len = min(it->left, it->start - it->off);
		goto out;
	}
	r->len = 0;
	while (r->len < it->left && it->frag < si->nr_frags) {
		unsigned int pos = it->off + r->len, end, take;
		const skb_frag_t *f = &si->frags[it->frag];
		const u8 *p;

		end = it->start + skb_frag_size(f);
		if (pos >= end) {		/* before @off */
			it->start = end;
			it->frag++;
			continue;
		}
		p = (const u8 *)skb_frag_address(f) + (pos - it->start);
		if (r->len && r->p + r->len != p)
			break;			/* the next run's */
		if (!r->len)
			r->p = p;
		take = min(it->left - r->len, end - pos);
		r->len += take;
		if (pos + take == end) {
			it->start = end;
			it->frag++;
		}
	}
out:
	it->off += r->len;
	it->left -= r->len;
	return r->len;
}

/**
 * dtls_skb_read - copy bytes of an skb, on from where the last read ended
 * @skb: the skb
 * @pos: where the last read of @skb ended, updated; its reads go forward
 * @off: the first byte
 * @to: @len bytes
 * @len: how many
 *
 * skb_copy_bits() walks the frags from the first each time: the headers
 * of the records of a batch in 4 KiB frags cost some 400 instructions a
 * record that way.  Context: any.
 * Return: 0, or -EFAULT if @skb is too short.
 */
int dtls_skb_read(const struct sk_buff *skb, struct dtls_skb_pos *pos,
		  unsigned int off, u8 *to, unsigned int len)
{
	struct dtls_runs it;
	struct dtls_run r;

	if (!dtls_runs_start(&it, skb, off, len, pos))
		return skb_copy_bits(skb, off, to, len);
	while (dtls_runs_next(&it, &r)) {
		memcpy(to, r.p, r.len);
		to += r.len;
	}
	dtls_runs_pos(&it, pos);
	return 0;
}

/* Where opened bytes go: @buf, or @pages from @off of the first. */
struct dtls_chacha_dst {
	u8		*buf;
	struct page	**pages;
	unsigned int	off;
};

/* dtls_chacha_xor() into @d, page by page. */
static void dtls_chacha_xor_to(struct dtls_chacha_stream *st,
			       struct dtls_chacha_dst *d, const u8 *in,
			       unsigned int len, bool last)
{
	while (len) {
		unsigned int n = len;
		u8 *out = d->buf + d->off;

		if (d->pages) {
			out = (u8 *)page_address(d->pages[d->off / PAGE_SIZE]) +
			      d->off % PAGE_SIZE;
			n = min_t(unsigned int, len,
				  PAGE_SIZE - d->off % PAGE_SIZE);
		}
		dtls_chacha_xor(st, out, in, n, last && n == len);
		if (d->pages)	/* a user mapping may alias it */
			flush_dcache_page(d->pages[d->off / PAGE_SIZE]);
		d->off += n;
		in += n;
		len -= n;
	}
}

static int __dtls_chacha_open_skb(const struct dtls_key *k, const u8 *nonce,
				  const u8 *aad, struct sk_buff *src,
				  unsigned int off, unsigned int len,
				  struct dtls_chacha_dst *d,
				  struct dtls_skb_pos *pos)
{
	u8 tag[POLY1305_DIGEST_SIZE], want[POLY1305_DIGEST_SIZE];
	struct poly1305_desc_ctx mac;
	struct dtls_chacha_stream st;
	struct dtls_runs it, again;
	struct dtls_run r;
	unsigned int done;
	int err = -EBADMSG;

	if (!dtls_runs_start(&it, src, off, len, pos))
		return -EBADMSG;
	again = it;
	dtls_chacha_begin(k, nonce, aad, &st, &mac);
	/* Authenticate first: a forged record is never decrypted. */
	while (dtls_runs_next(&it, &r))
		poly1305_update(&mac, r.p, r.len);
	dtls_chacha_tag(&mac, len, tag);
	/* The tag follows: on from where the MAC ended. */
	dtls_runs_pos(&it, pos);
	if (dtls_skb_read(src, pos, off + len, want, sizeof(want)) ||
	    crypto_memneq(tag, want, sizeof(tag)))
		goto out;
	it = again;
	for (done = 0; dtls_runs_next(&it, &r); done += r.len)
		dtls_chacha_xor_to(&st, d, r.p, r.len, done + r.len == len);
	err = 0;
out:
	dtls_chacha_wipe(&st, &mac);
	memzero_explicit(tag, sizeof(tag));
	return err;
}

int dtls_chacha_open_skb(const struct dtls_key *k, const u8 *nonce,
			 const u8 *aad, struct sk_buff *src, unsigned int off,
			 unsigned int len, u8 *dst)
{
	struct dtls_chacha_dst d = { .buf = dst };

	return __dtls_chacha_open_skb(k, nonce, aad, src, off, len, &d, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(dtls_chacha_open_skb);

int dtls_chacha_open_skb_pages(const struct dtls_key *k, const u8 *nonce,
			       const u8 *aad, struct sk_buff *src,
			       unsigned int off, unsigned int len,
			       struct page **dst, unsigned int dst_off,
			       struct dtls_skb_pos *pos)
{
	struct dtls_chacha_dst d = { .pages = dst, .off = dst_off };

	return __dtls_chacha_open_skb(k, nonce, aad, src, off, len, &d, pos);
}
EXPORT_SYMBOL_IF_KUNIT(dtls_chacha_open_skb_pages);

/* ------------------------------------------------------- transforms */

/*
 * How long a key's transform may stay unused: the socket's timer drops it
 * once it has gone that long without a record (dtls_key_idle()), and the
 * next record makes it again.  0 keeps the transforms of keys installed
 * or used from then on.  At most DTLS_AEAD_IDLE_MAX: the clock of
 * dtls_key_used() wraps after 256 s.
 */
#define DTLS_AEAD_IDLE_MAX	120

static unsigned int aead_idle_secs = 15;
module_param(aead_idle_secs, uint, 0644);
MODULE_PARM_DESC(aead_idle_secs,
		 "Seconds without a record after which an AES key's crypto transform is freed (0: never; at most 120)");

static unsigned int dtls_aead_idle_secs(void)
{
	return min_t(unsigned int, READ_ONCE(aead_idle_secs),
		     DTLS_AEAD_IDLE_MAX);
}

/*
 * Transforms whose last reference went, a grace period later, freed in
 * process context: one work for all, fed by their RCU callbacks.
 * dtls_exit() waits for the callbacks (rcu_barrier()), then drains
 * dtls_wq.
 */
static LLIST_HEAD(dtls_aead_free_list);

static void dtls_aead_free_all(struct work_struct *work)
{
	struct llist_node *n = llist_del_all(&dtls_aead_free_list);
	struct dtls_aead *a, *tmp;

	llist_for_each_entry_safe(a, tmp, n, free_node) {
		crypto_free_aead(a->tfm);	/* wipes the key schedule */
		kfree(a);
		/* A listener closing with thousands of sessions: share. */
		cond_resched();
	}
}

static DECLARE_WORK(dtls_aead_free_work, dtls_aead_free_all);

/* Context: any (the RCU callback: softirq). */
static void dtls_aead_free(struct dtls_aead *a)
{
	if (llist_add(&a->free_node, &dtls_aead_free_list))
		queue_work(dtls_wq, &dtls_aead_free_work);
}

static void dtls_aead_free_rcu(struct rcu_head *head)
{
	dtls_aead_free(container_of(head, struct dtls_aead, rcu));
}

/* Context: any. */
void dtls_aead_put(struct dtls_aead *a)
{
	if (a && refcount_dec_and_test(&a->refs))
		call_rcu(&a->rcu, dtls_aead_free_rcu);
}

/**
 * dtls_key_aead - the key's transform, if it has one
 * @k: keys with !cipher->lib
 *
 * Context: any.
 * Return: the transform with a reference for the caller (dtls_aead_put()),
 * or NULL if it was dropped for idleness (dtls_key_aead_make()).
 */
struct dtls_aead *dtls_key_aead(struct dtls_key *k)
{
	struct dtls_aead *a;

	rcu_read_lock();
	a = rcu_dereference(k->aead);
	if (a && !refcount_inc_not_zero(&a->refs))
		a = NULL;
	rcu_read_unlock();
	return a;
}

static struct dtls_aead *dtls_aead_alloc(const struct dtls_key *k)
{
	const struct dtls_cipher *c = k->cipher;
	struct dtls_aead *a;
	int err;

	a = kmalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return ERR_PTR(-ENOMEM);
	refcount_set(&a->refs, 1);
	a->remade = 0;
	a->tfm = crypto_alloc_aead(c->alg, 0, 0);
	if (IS_ERR(a->tfm)) {
		err = PTR_ERR(a->tfm);
		goto err_free;
	}
	err = crypto_aead_setkey(a->tfm, k->aes_key, c->key_len);
	if (!err)
		err = crypto_aead_setauthsize(a->tfm, c->tag_len);
	if (!err)
		return a;
	crypto_free_aead(a->tfm);
err_free:
	kfree(a);
	return ERR_PTR(err);
}

/**
 * dtls_key_aead_make - the key's transform, made again if it went
 * @k: keys with !cipher->lib
 *
 * Of two callers making it at once, one's transform is kept.  It is
 * marked made again: the next caller owning the socket that takes the
 * mark (dtls_key_take_remade()) counts it and arms the socket's timer, so
 * that it goes again when idle.
 * Context: process, may sleep.
 * Return: as dtls_key_aead(), or an ERR_PTR.
 */
struct dtls_aead *dtls_key_aead_make(struct dtls_key *k)
{
	struct dtls_aead *a, *old;

	for (;;) {
		a = dtls_key_aead(k);
		if (a)
			return a;
		a = dtls_aead_alloc(k);
		if (IS_ERR(a))
			return a;
		refcount_inc(&a->refs);		/* the caller's */
		/*
		 * Not used yet: only a sealed or authenticated record says
		 * so.  Until one does, its making keeps it for a period, so
		 * that the timer cannot take it from under the record that
		 * is about to use it (which would also lose the mark).
		 */
		a->remade = DTLS_AEAD_REMADE | dtls_key_clock();
		old = unrcu_pointer(cmpxchg(&k->aead, NULL,
					    RCU_INITIALIZER(a)));
		if (!old)
			return a;
		/* Another caller's won: never published, no grace period. */
		crypto_free_aead(a->tfm);
		kfree(a);
	}
}

/**
 * dtls_key_idle - drop the transform of a key left unused
 * @k: keys, or NULL
 * @freed: set to true if the transform went here
 *
 * Called on the socket's timer, at least once a period of aead_idle_secs
 * while the key has a transform: one unused for that long goes (users in
 * flight keep theirs until they are done), unless it was made again less
 * than that long ago for a record still on its way.  A remade transform
 * that no record ever used (forged ones) goes a period after its making.
 * Context: any (softirq), under rcu_read_lock().
 * Return: true while the key still has a transform to watch.
 */
bool dtls_key_idle(struct dtls_key *k, bool *freed)
{
	unsigned int secs = dtls_aead_idle_secs();
	struct dtls_aead *a;
	u32 remade;
	u8 age;

	if (!k || k->cipher->lib || !secs)
		return false;
	a = rcu_dereference(k->aead);
	if (!a)
		return false;
	/*
	 * Made again for a record not yet through: its making counts, for
	 * a whole period of the seconds clock.
	 */
	remade = READ_ONCE(a->remade);
	/*
	 * Mark, then used_at: a sender sets used_at before it takes the
	 * mark (which stays, counted, for the period anyway).
	 */
	smp_rmb();
	age = dtls_key_clock() - (u8)remade;
	if (remade && age <= secs)
		return true;
	/* Over: the clock's wrap would make a stale mark count again. */
	if (remade & DTLS_AEAD_COUNTED)
		cmpxchg(&a->remade, remade, 0);
	age = dtls_key_clock() - READ_ONCE(k->used_at);
	if (age < secs)
		return true;
	a = unrcu_pointer(xchg(&k->aead, NULL));
	if (a) {
		dtls_aead_put(a);
		*freed = true;
	}
	return false;
}

/* How long until dtls_key_idle() should look again (0: never). */
unsigned long dtls_key_idle_period(void)
{
	return (unsigned long)dtls_aead_idle_secs() * HZ;
}

/**
 * dtls_key_take_remade - whether @k's transform was made again since
 * @k: keys
 *
 * True once per transform that dtls_key_aead_make() made again: the
 * caller, who owns the socket, counts it and has the socket's timer watch
 * it (dtls_sock_keys_remade()).  The making still keeps the transform for
 * its period: a record on its way may not have been through yet.
 * Context: any.
 */
bool dtls_key_take_remade(struct dtls_key *k)
{
	struct dtls_aead *a;
	bool taken = false;
	u32 m;

	if (k->cipher->lib)
		return false;
	rcu_read_lock();
	a = rcu_dereference(k->aead);
	m = a ? READ_ONCE(a->remade) : 0;
	if (unlikely(m & DTLS_AEAD_REMADE))
		taken = cmpxchg(&a->remade, m,
				(m & 0xff) | DTLS_AEAD_COUNTED) == m;
	rcu_read_unlock();
	return taken;
}

/* ------------------------------------------------------------- keys */

/*
 * Context: softirq (the RCU callback).  No one can reach @k any more, so
 * neither its transform through it: the key's reference goes without a
 * second grace period.
 */
static void dtls_key_free_rcu(struct rcu_head *head)
{
	struct dtls_key *k = container_of(head, struct dtls_key, rcu);
	struct dtls_aead *a;

	if (!k->cipher->lib) {
		a = rcu_dereference_protected(k->aead, true);
		if (a && refcount_dec_and_test(&a->refs))
			dtls_aead_free(a);
	}
	if (k->rx)
		kfree(k->replay);
	kfree_sensitive(k);			/* and the raw key */
}

/* Context: any. */
void dtls_key_put(struct dtls_key *k)
{
	if (k && refcount_dec_and_test(&k->refs))
		call_rcu(&k->rcu, dtls_key_free_rcu);
}
EXPORT_SYMBOL_IF_KUNIT(dtls_key_put);

/**
 * dtls_key_alloc - key state for one direction
 * @c: the cipher
 * @key: c->key_len bytes
 * @iv: c->iv_len bytes (salt or IV)
 * @epoch: epoch of the keys
 * @seq: TX: first sequence number; RX: lowest accepted
 * @rx: receive keys (with a replay window)
 * @replay_window: window size for RX
 * @gfp: for the key state and its replay window: charged to the memory
 *	 cgroup of whoever it is for (the caller's setsockopt, or a peer's
 *	 handshake); the crypto API's transforms are charged to no one
 *
 * Context: process, may sleep.
 * Return: the key state with one reference, or an ERR_PTR.
 */
struct dtls_key *dtls_key_alloc(const struct dtls_cipher *c, const u8 *key,
				const u8 *iv, u16 epoch, u64 seq, bool rx,
				u32 replay_window, gfp_t gfp)
{
	struct dtls_aead *a;
	struct dtls_key *k;
	int err, i;

	BUILD_BUG_ON(sizeof(k->aes_key) < 32);
	if (c->key_len > (c->lib ? CHACHA_KEY_SIZE : sizeof(k->aes_key)))
		return ERR_PTR(-EINVAL);
	k = kzalloc(sizeof(*k), gfp);
	if (!k)
		return ERR_PTR(-ENOMEM);
	refcount_set(&k->refs, 1);
	spin_lock_init(&k->lock);
	k->cipher = c;
	k->epoch = epoch;
	k->rx = rx;
	k->used_at = dtls_key_clock();
	memcpy(k->iv, iv, c->iv_len);

	if (rx) {
		k->replay = dtls_replay_alloc(replay_window, seq, gfp);
		if (!k->replay) {
			err = -ENOMEM;
			goto err_free;
		}
	} else {
		atomic64_set(&k->tx_seq, seq);
	}

	if (c->lib) {
		/* Not a FIPS cipher: refused there, as the crypto API does. */
		if (fips_enabled) {
			err = -ENOENT;
			goto err_free;
		}
		for (i = 0; i < ARRAY_SIZE(k->chacha_key); i++)
			k->chacha_key[i] = get_unaligned_le32(key + 4 * i);
		return k;
	}

	memcpy(k->aes_key, key, c->key_len);
	a = dtls_aead_alloc(k);
	if (IS_ERR(a)) {
		err = PTR_ERR(a);
		goto err_free;
	}
	RCU_INIT_POINTER(k->aead, a);
	return k;

err_free:
	if (rx)
		kfree(k->replay);
	kfree_sensitive(k);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_IF_KUNIT(dtls_key_alloc);

/* ------------------------------------------------------------ sealing */

/**
 * dtls_sealer_init - get ready to seal records under one key
 * @s: the sealer
 * @k: TX keys
 *
 * A batch (a GSO send) seals all its records with one transform reference
 * and one crypto request: a kmalloc() a record, which init_on_alloc
 * zeroes, and its free were some 400 instructions of a 1200-byte record.
 * The library's ChaCha20-Poly1305 needs neither.
 * Context: process (may sleep).
 * Return: 0, or a negative errno.
 */
int dtls_sealer_init(struct dtls_sealer *s, struct dtls_key *k)
{
	s->key = k;
	s->aead = NULL;
	s->req = NULL;
	if (k->cipher->lib)
		return 0;
	s->aead = dtls_key_aead_make(k);
	if (IS_ERR(s->aead)) {
		int err = PTR_ERR(s->aead);

		s->aead = NULL;
		return err;
	}
	s->req = aead_request_alloc(s->aead->tfm, GFP_KERNEL);
	if (!s->req) {
		dtls_sealer_done(s);
		return -ENOMEM;
	}
	return 0;
}

/**
 * dtls_sealer_done - release what dtls_sealer_init() took
 * @s: the sealer
 *
 * The request is freed wiped: CCM's context holds MAC state.
 */
void dtls_sealer_done(struct dtls_sealer *s)
{
	if (s->req)
		aead_request_free(s->req);
	s->req = NULL;
	dtls_aead_put(s->aead);
	s->aead = NULL;
}

/* Seal by the crypto API: @aad is followed by the plaintext, and room. */
static int dtls_seal_aead(struct dtls_sealer *s, u8 *nonce, u8 *aad,
			  unsigned int len)
{
	struct aead_request *req = s->req;
	struct scatterlist sg;
	DECLARE_CRYPTO_WAIT(wait);

	sg_init_one(&sg, aad, DTLS_AAD_LEN + len + s->key->cipher->tag_len);
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG |
				  CRYPTO_TFM_REQ_MAY_SLEEP,
				  crypto_req_done, &wait);
	aead_request_set_crypt(req, &sg, &sg, len, nonce);
	aead_request_set_ad(req, DTLS_AAD_LEN);
	/* Waited for: the request is free again when this returns. */
	return crypto_wait_req(crypto_aead_encrypt(req), &wait);
}

/*
 * Seal @len bytes in place.  @buf holds header | explicit nonce |
 * plaintext | room for the tag; @h gives type, version, epoch and seq and
 * gets the length.
 */
static int dtls_record_seal(struct dtls_sealer *s, u8 *buf,
			    struct dtls_record_hdr *h, unsigned int len,
			    struct page **src, unsigned int src_off)
{
	struct dtls_key *k = s->key;
	const struct dtls_cipher *c = k->cipher;
	unsigned int pt_off = DTLS_HEADER_LEN + c->explicit_len;
	u8 *aad = buf + pt_off - DTLS_AAD_LEN;
	u8 nonce[DTLS_MAX_NONCE], explicit[8];
	int err = 0;

	dtls_put_epoch_seq(explicit, h->epoch, h->seq);
	dtls_key_nonce(k, nonce, h->epoch, h->seq, explicit);
	/* The AAD goes right before the plaintext; the header comes after. */
	dtls_build_aad(aad, h, len);
	if (c->lib)
		__dtls_chacha_seal(k, nonce, aad, buf + pt_off, len, src,
				   src_off);
	else
		err = dtls_seal_aead(s, nonce, aad, len);
	memzero_explicit(nonce, sizeof(nonce));
	if (err)
		return err;

	h->length = c->explicit_len + len + c->tag_len;
	dtls_record_build(buf, h);
	memcpy(buf + DTLS_HEADER_LEN, explicit, c->explicit_len);
	return 0;
}

/* dtls_sealer_seal(), from @src's pages if not NULL. */
static int __dtls_sealer_seal(struct dtls_sealer *s, u8 *rec, u8 type,
			      unsigned int pt_len, struct page **src,
			      unsigned int src_off)
{
	struct dtls_key *k = s->key;
	struct dtls_record_hdr h = {
		.type = type,
		.version = DTLS_1_2_VERSION,
		.epoch = k->epoch,
	};
	int err;

	h.seq = atomic64_fetch_inc(&k->tx_seq);
	if (h.seq > DTLS_SEQ_MAX) {
		atomic64_set(&k->tx_seq, DTLS_SEQ_MAX + 1);
		return -EKEYEXPIRED;
	}
	err = dtls_record_seal(s, rec, &h, pt_len, src, src_off);
	if (err)
		return err;
	dtls_key_used(k);
	return DTLS_HEADER_LEN + h.length;
}

/**
 * dtls_sealer_seal - seal one record in place, with the next sequence number
 * @s: a sealer, from dtls_sealer_init()
 * @rec: the record; the plaintext at DTLS_HEADER_LEN + explicit_len, with
 *	 room for the tag after it
 * @type: content type
 * @pt_len: plaintext length
 *
 * A sequence number is never used twice under one key: at the end of the
 * space the keys are spent (-EKEYEXPIRED).
 * Context: process (may sleep).
 * Return: the record's length, or a negative errno.
 */
int dtls_sealer_seal(struct dtls_sealer *s, u8 *rec, u8 type,
		     unsigned int pt_len)
{
	return __dtls_sealer_seal(s, rec, type, pt_len, NULL, 0);
}

/**
 * dtls_sealer_seal_pages - dtls_sealer_seal() from the caller's pages
 * @s: a sealer of ChaCha20-Poly1305 keys (cipher->lib)
 * @rec: as for dtls_sealer_seal(), the plaintext's room not written
 * @type: content type
 * @pt_len: plaintext length
 * @src: the plaintext's pages (no highmem: their direct map)...
 * @src_off: ...from this byte of the first on
 *
 * Context: process.
 * Return: the record's length, or a negative errno.
 */
int dtls_sealer_seal_pages(struct dtls_sealer *s, u8 *rec, u8 type,
			   unsigned int pt_len, struct page **src,
			   unsigned int src_off)
{
	if (WARN_ON_ONCE(!s->key->cipher->lib))
		return -EINVAL;
	return __dtls_sealer_seal(s, rec, type, pt_len, src, src_off);
}

/**
 * dtls_seal_record - seal one record, as dtls_sealer_seal(), on its own
 * @k: TX keys
 * @rec: as for dtls_sealer_seal()
 * @type: content type
 * @pt_len: plaintext length
 *
 * Context: process (may sleep).
 * Return: the record's length, or a negative errno.
 */
int dtls_seal_record(struct dtls_key *k, u8 *rec, u8 type,
		     unsigned int pt_len)
{
	struct dtls_sealer s;
	int err;

	err = dtls_sealer_init(&s, k);
	if (err)
		return err;
	err = dtls_sealer_seal(&s, rec, type, pt_len);
	dtls_sealer_done(&s);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(dtls_seal_record);

/* ------------------------------------------------------------ opening */

/*
 * The replay window (RFC 6347 4.1.2.6): a record is looked at only if
 * fresh, and moves the window only once it authenticated, so a forged
 * copy cannot shut out the real one.  Any context.
 */
bool dtls_record_replay_fresh(struct dtls_key *k, u64 seq)
{
	bool fresh;

	spin_lock_bh(&k->lock);
	fresh = dtls_replay_check(k->replay, seq);
	spin_unlock_bh(&k->lock);
	return fresh;
}

/* Authenticated: move the window.  False if a copy won the race. */
bool dtls_record_replay_accept(struct dtls_key *k, u64 seq)
{
	bool fresh;

	spin_lock_bh(&k->lock);
	fresh = dtls_replay_check(k->replay, seq);
	if (fresh)
		dtls_replay_update(k->replay, seq);
	spin_unlock_bh(&k->lock);
	return fresh;
}

/**
 * dtls_record_open_prepare - nonce and AAD for opening a record in place
 * @k: RX keys of the record's epoch
 * @rec: the record, header first; the AAD overwrites the header and
 *	 explicit nonce, ending right before the ciphertext
 * @h: its parsed header
 * @nonce: DTLS_MAX_NONCE bytes, for the AEAD (wipe after use)
 * @pt_len: the plaintext's length
 *
 * Context: any.  Return: the AAD (DTLS_AAD_LEN bytes, then the ciphertext
 * and tag), or NULL if the record is too short for the cipher or its
 * plaintext would be longer than 2^14 bytes (dtls_record_length_ok();
 * invalid records are discarded, RFC 6347 4.1.2.7).
 */
u8 *dtls_record_open_prepare(struct dtls_key *k, u8 *rec,
			     const struct dtls_record_hdr *h, u8 *nonce,
			     unsigned int *pt_len)
{
	const struct dtls_cipher *c = k->cipher;
	u8 *aad;

	if (!dtls_record_length_ok(c, h->length))
		return NULL;
	*pt_len = h->length - c->explicit_len - c->tag_len;
	/* The peer picks the explicit nonce; any value is accepted. */
	dtls_key_nonce(k, nonce, h->epoch, h->seq, rec + DTLS_HEADER_LEN);
	aad = rec + DTLS_HEADER_LEN + c->explicit_len - DTLS_AAD_LEN;
	dtls_build_aad(aad, h, *pt_len);
	return aad;
}

/**
 * dtls_record_open_req - set up a crypto API request that opens a record
 * @req: the request, for @tfm
 * @sg: one entry, filled here
 * @k: RX keys (not cipher->lib)
 * @tfm: their transform, held by the caller until the request completes
 * @aad: from dtls_record_open_prepare()
 * @nonce: likewise; must live until the request completes
 * @pt_len: likewise
 *
 * The caller sets the callback and calls crypto_aead_decrypt().
 */
void dtls_record_open_req(struct aead_request *req, struct scatterlist *sg,
			  struct dtls_key *k, struct crypto_aead *tfm, u8 *aad,
			  u8 *nonce, unsigned int pt_len)
{
	sg_init_one(sg, aad, DTLS_AAD_LEN + pt_len + k->cipher->tag_len);
	dtls_record_open_req_sg(req, sg, sg, k, tfm, nonce, pt_len);
}

/**
 * dtls_record_open_req_sg - dtls_record_open_req() from and to anywhere
 * @req: the request, for @tfm
 * @src: the AAD (DTLS_AAD_LEN bytes), then the ciphertext and tag
 * @dst: room for the AAD (which may or may not be written), then for the
 *	 plaintext; @src to open in place
 * @k: RX keys (not cipher->lib)
 * @tfm: their transform, held by the caller until the request completes
 * @nonce: from dtls_record_open_prepare(); must live until completion
 * @pt_len: likewise
 */
void dtls_record_open_req_sg(struct aead_request *req, struct scatterlist *src,
			     struct scatterlist *dst, struct dtls_key *k,
			     struct crypto_aead *tfm, u8 *nonce,
			     unsigned int pt_len)
{
	aead_request_set_tfm(req, tfm);
	aead_request_set_crypt(req, src, dst, pt_len + k->cipher->tag_len,
			       nonce);
	aead_request_set_ad(req, DTLS_AAD_LEN);
}

/**
 * dtls_record_open - open one record in place, synchronously
 * @k: RX keys of the record's epoch
 * @rec: the record, header first
 * @h: its parsed header
 * @pt: the plaintext, in @rec
 * @pt_len: its length
 *
 * Replay check, authentication and decryption, then the window moves.
 * For the handshake (its Finished); the record layer opens
 * asynchronously with the pieces above (rx.c).
 * Context: process, may sleep.
 * Return: 0; -EBADMSG if it does not authenticate, -EALREADY for a
 * replay, -EINVAL if too short, or another negative errno.
 */
int dtls_record_open(struct dtls_key *k, u8 *rec,
		     const struct dtls_record_hdr *h, u8 **pt,
		     unsigned int *pt_len)
{
	u8 nonce[DTLS_MAX_NONCE], *aad;
	struct aead_request *req;
	DECLARE_CRYPTO_WAIT(wait);
	struct scatterlist sg;
	struct dtls_aead *a;
	unsigned int len;
	int err;

	aad = dtls_record_open_prepare(k, rec, h, nonce, &len);
	if (!aad)
		return -EINVAL;
	if (!dtls_record_replay_fresh(k, h->seq)) {
		err = -EALREADY;
		goto out;
	}
	if (k->cipher->lib) {
		err = dtls_chacha_open(k, nonce, aad, aad + DTLS_AAD_LEN, len);
	} else {
		a = dtls_key_aead_make(k);
		if (IS_ERR(a)) {
			err = PTR_ERR(a);
			goto out;
		}
		req = aead_request_alloc(a->tfm, GFP_KERNEL);
		if (!req) {
			dtls_aead_put(a);
			err = -ENOMEM;
			goto out;
		}
		dtls_record_open_req(req, &sg, k, a->tfm, aad, nonce, len);
		aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG |
					  CRYPTO_TFM_REQ_MAY_SLEEP,
					  crypto_req_done, &wait);
		err = crypto_wait_req(crypto_aead_decrypt(req), &wait);
		aead_request_free(req);
		dtls_aead_put(a);
	}
	if (!err && !dtls_record_replay_accept(k, h->seq))
		err = -EALREADY;
	if (!err) {
		dtls_key_used(k);
		*pt = aad + DTLS_AAD_LEN;
		*pt_len = len;
	}
out:
	memzero_explicit(nonce, sizeof(nonce));
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(dtls_record_open);
