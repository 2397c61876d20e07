// SPDX-License-Identifier: GPL-2.0
/*
 * Cipher descriptions and key state.
 *
 * Contexts: dtls_key_alloc() sleeps (process context, setsockopt);
 * dtls_key_put() may be called from any context; the freeing itself runs
 * on dtls_wq, a grace period later.  dtls_chacha_seal() and
 * dtls_chacha_open() run in any context.
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
 * Keystream for up to one block at the state's counter, XORed into @data.
 * The library computes one block in C, two with SIMD: asking for two costs
 * less.
 */
static void dtls_chacha_short(u32 *state, u8 *data, unsigned int len)
{
	u8 ks[2 * CHACHA_BLOCK_SIZE];

	memset(ks, 0, sizeof(ks));
	chacha_crypt(state, ks, ks, sizeof(ks), DTLS_CHACHA_ROUNDS);
	crypto_xor(data, ks, len);
	memzero_explicit(ks, sizeof(ks));
}

/*
 * RFC 8439 2.8: ChaCha20 block 0 of the nonce gives the one-time Poly1305
 * key, the blocks from 1 on encrypt.  Blocks 0 and 1 come from one call
 * (see dtls_chacha_short()): @ks gets the keystream of block 1, @state is
 * left at block 2.  The MAC starts over the AAD, padded to 16 bytes.
 */
static void dtls_chacha_begin(const struct dtls_key *k, const u8 *nonce,
			      const u8 *aad, u32 *state, u8 *ks,
			      struct poly1305_desc_ctx *mac)
{
	u8 block[2 * CHACHA_BLOCK_SIZE];

	/* The IV of chacha_init(): 32-bit block counter, 96-bit nonce. */
	memset(block, 0, 4);
	memcpy(block + 4, nonce, CHACHA_IV_SIZE - 4);
	chacha_init(state, k->chacha_key, block);
	memset(block, 0, sizeof(block));
	chacha_crypt(state, block, block, sizeof(block), DTLS_CHACHA_ROUNDS);
	poly1305_init(mac, block);		/* its first 32 bytes */
	memcpy(ks, block + CHACHA_BLOCK_SIZE, CHACHA_BLOCK_SIZE);

	memset(block, 0, 16);
	memcpy(block, aad, DTLS_AAD_LEN);
	poly1305_update(mac, block, 16);
	memzero_explicit(block, sizeof(block));
}

/* Encrypt or decrypt @len bytes in place, from block 1 on. */
static void dtls_chacha_xor(u32 *state, const u8 *ks, u8 *data,
			    unsigned int len)
{
	unsigned int n = min_t(unsigned int, len, CHACHA_BLOCK_SIZE);

	crypto_xor(data, ks, n);
	data += n;
	len -= n;
	if (len > CHACHA_BLOCK_SIZE)
		chacha_crypt(state, data, data, len, DTLS_CHACHA_ROUNDS);
	else if (len)
		dtls_chacha_short(state, data, len);
}

/* The rest of the MAC: @len bytes of ciphertext, padded, both lengths. */
static void dtls_chacha_tag(struct poly1305_desc_ctx *mac, const u8 *ct,
			    unsigned int len, u8 *tag)
{
	static const u8 zeros[16];
	__le64 lens[2] = { cpu_to_le64(DTLS_AAD_LEN), cpu_to_le64(len) };

	poly1305_update(mac, ct, len);
	if (len % 16)
		poly1305_update(mac, zeros, 16 - len % 16);
	poly1305_update(mac, (const u8 *)lens, sizeof(lens));
	poly1305_final(mac, tag);
}

void dtls_chacha_seal(const struct dtls_key *k, const u8 *nonce,
		      const u8 *aad, u8 *data, unsigned int len)
{
	struct poly1305_desc_ctx mac;
	u32 state[CHACHA_STATE_WORDS];
	u8 ks[CHACHA_BLOCK_SIZE];

	dtls_chacha_begin(k, nonce, aad, state, ks, &mac);
	dtls_chacha_xor(state, ks, data, len);
	dtls_chacha_tag(&mac, data, len, data + len);
	memzero_explicit(state, sizeof(state));
	memzero_explicit(ks, sizeof(ks));
	memzero_explicit(&mac, sizeof(mac));
}

int dtls_chacha_open(const struct dtls_key *k, const u8 *nonce,
		     const u8 *aad, u8 *data, unsigned int len)
{
	struct poly1305_desc_ctx mac;
	u32 state[CHACHA_STATE_WORDS];
	u8 ks[CHACHA_BLOCK_SIZE];
	u8 tag[POLY1305_DIGEST_SIZE];
	int err = 0;

	/* Authenticate first: a forged record is never decrypted. */
	dtls_chacha_begin(k, nonce, aad, state, ks, &mac);
	dtls_chacha_tag(&mac, data, len, tag);
	if (crypto_memneq(tag, data + len, sizeof(tag)))
		err = -EBADMSG;
	else
		dtls_chacha_xor(state, ks, data, len);
	memzero_explicit(state, sizeof(state));
	memzero_explicit(ks, sizeof(ks));
	memzero_explicit(&mac, sizeof(mac));
	return err;
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
	int err, i;

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
