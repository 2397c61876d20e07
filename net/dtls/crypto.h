/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NET_DTLS_CRYPTO_H
#define _NET_DTLS_CRYPTO_H

#include <crypto/aead.h>
#include <crypto/chacha.h>
#include <linux/jiffies.h>
#include <linux/llist.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "record.h"

struct dtls_replay;

/* What differs between the AEADs of DTLS 1.2. */
struct dtls_cipher {
	u16		type;		/* DTLS_CIPHER_* */
	const char	*alg;		/* kernel crypto API name */
	u8		key_len;
	u8		iv_len;		/* salt (4) or full IV (12) */
	u8		explicit_len;	/* explicit nonce in the record */
	u8		tag_len;
	bool		ccm;		/* 16-byte CCM counter block as IV */
	bool		lib;		/* ChaCha20-Poly1305 by the library */
	u16		info_size;	/* sizeof the uapi crypto_info */
	u16		key_off;	/* offsets in that struct */
	u16		iv_off;
	u16		reserved_off;	/* 4 reserved bytes at the end */
};

const struct dtls_cipher *dtls_cipher_find(u16 type);

static inline unsigned int dtls_cipher_overhead(const struct dtls_cipher *c)
{
	return DTLS_HEADER_LEN + c->explicit_len + c->tag_len;
}

/*
 * A record's length a receiver of @c may open: its explicit nonce, tag and
 * at most 2^14 bytes of plaintext, the most a sender may put in a record
 * (RFC 5246 6.2.1).  6.2.3 lets a receiver take up to 2^14 + 2048 bytes
 * of ciphertext; an AEAD record has no use for more than 24 of those,
 * and OpenSSL refuses them too.
 */
static inline bool dtls_record_length_ok(const struct dtls_cipher *c,
					 unsigned int length)
{
	return length >= c->explicit_len + c->tag_len &&
	       length - c->explicit_len - c->tag_len <= DTLS_MAX_PLAINTEXT;
}

/*
 * dtls_aead.remade: made again, not yet counted; or counted (taken), its
 * making still keeping it from the idle timer for a period.  With the key
 * clock of the making in the low byte.
 */
#define DTLS_AEAD_REMADE	0x100
#define DTLS_AEAD_COUNTED	0x200

/*
 * A crypto API transform with the key set, shared by the users of one
 * dtls_key: made when the key is installed, dropped when the key has been
 * idle for a while (dtls_key_idle()), made again on use.  Idle sessions
 * of a busy server keep only their raw keys: a transform costs about
 * 1 KiB (AES-GCM) to 2.3 KiB (AES-CCM).
 *
 * Lifetime: @refs counts the key's reference (while the key points at it)
 * and each user's (a sender, a decryption in flight).  The last put frees
 * it an RCU grace period later, from process context (crypto_free_aead()
 * may sleep): lookups from the key are under RCU.
 */
struct dtls_aead {
	refcount_t		refs;
	/*
	 * Made again (dtls_key_aead_make()): DTLS_AEAD_REMADE, then
	 * DTLS_AEAD_COUNTED once taken (dtls_key_take_remade()), with the
	 * key clock of the making in the low byte, until the idle timer
	 * finds the period over; else 0.
	 */
	u32			remade;
	struct crypto_aead	*tfm;
	union {
		struct rcu_head		rcu;
		struct llist_node	free_node;	/* after @rcu's callback */
	};
};

/*
 * Keys of one direction and one epoch.  Immutable once published, except
 * tx_seq (atomic), for RX the replay window (under @lock), @aead and
 * @used_at.  96 bytes (kmalloc-96) on 64-bit without lock debugging: the
 * small fields first, what the record path reads in the first cache line.
 *
 * Lifetime: referenced by the socket (dtls_sock.tx/rx/rx_prev, RCU) and
 * by senders and asynchronous decryptions in flight (@refs).  The last put
 * frees it an RCU grace period later (@rcu), in the RCU callback: the
 * softirq receive path uses it under rcu_read_lock() only.  Its transform
 * (@aead) has references of its own.
 */
struct dtls_key {
	refcount_t		refs;
	u16			epoch;
	u8			iv[12];
	bool			rx;		/* RX keys: @replay, not @tx_seq */
	u8			used_at;	/* dtls_key_used(): seconds, mod 256 */
	spinlock_t		lock;		/* RX: protects @replay */
	const struct dtls_cipher *cipher;
	union {
		u32	chacha_key[CHACHA_KEY_SIZE / 4];	/* cipher->lib */
		struct {					/* !cipher->lib */
			u8			aes_key[32];
			struct dtls_aead __rcu	*aead;
		};
	};
	union {
		atomic64_t		tx_seq;	/* TX: next sequence number */
		struct dtls_replay	*replay;	/* RX */
	};
	struct rcu_head		rcu;
};

extern struct workqueue_struct *dtls_wq;

struct dtls_key *dtls_key_alloc(const struct dtls_cipher *c, const u8 *key,
				const u8 *iv, u16 epoch, u64 seq, bool rx,
				u32 replay_window, gfp_t gfp);
void dtls_key_put(struct dtls_key *k);
struct dtls_aead *dtls_key_aead(struct dtls_key *k);
struct dtls_aead *dtls_key_aead_make(struct dtls_key *k);
void dtls_aead_put(struct dtls_aead *a);
bool dtls_key_idle(struct dtls_key *k, bool *freed);
unsigned long dtls_key_idle_period(void);
bool dtls_key_take_remade(struct dtls_key *k);

/* Seconds, modulo 256: the clock of dtls_key_used() and dtls_key_idle(). */
static inline u8 dtls_key_clock(void)
{
	return (u8)(jiffies / HZ);
}

/*
 * A record was sealed, or opened and authenticated, with @k: its transform
 * is not idle.  Only authenticated records count, so that forged ones
 * cannot keep it.  Any context.
 */
static inline void dtls_key_used(struct dtls_key *k)
{
	u8 now = dtls_key_clock();

	if (READ_ONCE(k->used_at) != now)
		WRITE_ONCE(k->used_at, now);
}

static inline void dtls_key_get(struct dtls_key *k)
{
	refcount_inc(&k->refs);
}

/* Build the AEAD IV for record (epoch, seq) with explicit nonce @explicit. */
void dtls_key_nonce(const struct dtls_key *k, u8 *nonce, u16 epoch, u64 seq,
		    const u8 *explicit);

/*
 * ChaCha20-Poly1305 (RFC 8439 2.8) of a record in one linear buffer, for
 * keys whose cipher->lib is set: @aad is DTLS_AAD_LEN bytes, @data holds
 * @len bytes of plaintext (seal) or ciphertext (open) followed by the
 * 16-byte tag.  Sealing writes the tag; opening checks it before it
 * decrypts, in place, and returns -EBADMSG if it does not match.
 * Any context (the library uses the FPU only where it may).
 */
void dtls_chacha_seal(const struct dtls_key *k, const u8 *nonce,
		      const u8 *aad, u8 *data, unsigned int len);
int dtls_chacha_open(const struct dtls_key *k, const u8 *nonce,
		     const u8 *aad, u8 *data, unsigned int len);
/*
 * The same, out of place: the ciphertext and tag are @len + 16 bytes at
 * @off in @src (in its pages, say), the plaintext goes to @dst.  @src is
 * read twice, the MAC then the decryption, and never written: the caller
 * makes sure no one else writes it meanwhile.  Context: any.  An skb
 * whose bytes cannot be read in place (a frag list, frags of device
 * memory, highmem) fails it as forged: the caller makes those linear.
 */
struct sk_buff;
int dtls_chacha_open_skb(const struct dtls_key *k, const u8 *nonce,
			 const u8 *aad, struct sk_buff *src, unsigned int off,
			 unsigned int len, u8 *dst);
/*
 * Where the last read of an skb's frags ended (dtls_skb_read()): reads
 * of records one after the other in a batch go on from there.
 */
struct dtls_skb_pos {
	const struct sk_buff	*skb;
	unsigned int		frag;	/* the frag it ended in */
	unsigned int		start;	/* where that frag starts in @skb */
};

int dtls_skb_read(const struct sk_buff *skb, struct dtls_skb_pos *pos,
		  unsigned int off, u8 *to, unsigned int len);

/*
 * dtls_chacha_open_skb() into pages: the plaintext from byte @dst_off of
 * @dst[0] on, across page boundaries (no highmem: their direct map); the
 * ciphertext read on from @pos, which it updates.
 */
int dtls_chacha_open_skb_pages(const struct dtls_key *k, const u8 *nonce,
			       const u8 *aad, struct sk_buff *src,
			       unsigned int off, unsigned int len,
			       struct page **dst, unsigned int dst_off,
			       struct dtls_skb_pos *pos);

/* Sealing and opening records (crypto.c) */
struct scatterlist;

/* Seals records under one key; lives on the sender's stack. */
struct dtls_sealer {
	struct dtls_key		*key;
	struct dtls_aead	*aead;	/* held; NULL for the library's */
	struct aead_request	*req;
};

int dtls_sealer_init(struct dtls_sealer *s, struct dtls_key *k);
int dtls_sealer_seal(struct dtls_sealer *s, u8 *rec, u8 type,
		     unsigned int pt_len);
int dtls_sealer_seal_pages(struct dtls_sealer *s, u8 *rec, u8 type,
			   unsigned int pt_len, struct page **src,
			   unsigned int src_off);
void dtls_sealer_done(struct dtls_sealer *s);
int dtls_seal_record(struct dtls_key *k, u8 *rec, u8 type,
		     unsigned int pt_len);
bool dtls_record_replay_fresh(struct dtls_key *k, u64 seq);
bool dtls_record_replay_accept(struct dtls_key *k, u64 seq);
u8 *dtls_record_open_prepare(struct dtls_key *k, u8 *rec,
			     const struct dtls_record_hdr *h, u8 *nonce,
			     unsigned int *pt_len);
void dtls_record_open_req(struct aead_request *req, struct scatterlist *sg,
			  struct dtls_key *k, struct crypto_aead *tfm, u8 *aad,
			  u8 *nonce, unsigned int pt_len);
void dtls_record_open_req_sg(struct aead_request *req, struct scatterlist *src,
			     struct scatterlist *dst, struct dtls_key *k,
			     struct crypto_aead *tfm, u8 *nonce,
			     unsigned int pt_len);
int dtls_record_open(struct dtls_key *k, u8 *rec,
		     const struct dtls_record_hdr *h, u8 **pt,
		     unsigned int *pt_len);

#endif /* _NET_DTLS_CRYPTO_H */
