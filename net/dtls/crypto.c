// SPDX-License-Identifier: GPL-2.0
/*
 * Cipher descriptions and key state.
 *
 * Contexts: dtls_key_alloc() sleeps (process context, setsockopt);
 * dtls_key_put() may be called from any context; the freeing itself runs
 * on dtls_wq, a grace period later.
 */

#include <linux/slab.h>
#include <linux/string.h>

#include <uapi/linux/dtls.h>

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
		.type = DTLS_CIPHER_CHACHA20_POLY1305,
		.alg = "rfc7539(chacha20,poly1305)",
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

static void dtls_key_free_work(struct work_struct *work)
{
	struct dtls_key *k = container_of(to_rcu_work(work), struct dtls_key,
					  free_work);

	crypto_free_aead(k->aead);	/* wipes the key schedule */
	kfree(k->replay);
	kfree_sensitive(k);
}

void dtls_key_put(struct dtls_key *k)
{
	if (k && refcount_dec_and_test(&k->refs)) {
		INIT_RCU_WORK(&k->free_work, dtls_key_free_work);
		queue_rcu_work(dtls_wq, &k->free_work);
	}
}

/**
 * dtls_key_alloc - key state for one direction
 * @c: the cipher
 * @key: c->key_len bytes
 * @iv: c->iv_len bytes (salt or IV)
 * @epoch: epoch of the keys
 * @seq: TX: first sequence number; RX: lowest accepted
 * @rx: receive keys (with a replay window)
 * @replay_window: window size for RX
 *
 * Context: process, may sleep.
 * Return: the key state with one reference, or an ERR_PTR.
 */
struct dtls_key *dtls_key_alloc(const struct dtls_cipher *c, const u8 *key,
				const u8 *iv, u16 epoch, u64 seq, bool rx,
				u32 replay_window)
{
	struct dtls_key *k;
	int err;

	k = kzalloc(sizeof(*k), GFP_KERNEL);
	if (!k)
		return ERR_PTR(-ENOMEM);
	refcount_set(&k->refs, 1);
	spin_lock_init(&k->lock);
	k->cipher = c;
	k->epoch = epoch;
	memcpy(k->iv, iv, c->iv_len);
	atomic64_set(&k->tx_seq, seq);

	if (rx) {
		k->replay = dtls_replay_alloc(replay_window, seq, GFP_KERNEL);
		if (!k->replay) {
			err = -ENOMEM;
			goto err_free;
		}
	}

	k->aead = crypto_alloc_aead(c->alg, 0, 0);
	if (IS_ERR(k->aead)) {
		err = PTR_ERR(k->aead);
		k->aead = NULL;
		goto err_free;
	}
	err = crypto_aead_setkey(k->aead, key, c->key_len);
	if (!err)
		err = crypto_aead_setauthsize(k->aead, c->tag_len);
	if (err)
		goto err_free;
	return k;

err_free:
	crypto_free_aead(k->aead);
	kfree(k->replay);
	kfree_sensitive(k);
	return ERR_PTR(err);
}
