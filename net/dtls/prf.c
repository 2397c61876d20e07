// SPDX-License-Identifier: GPL-2.0
/*
 * TLS 1.2 key schedule for DTLS 1.2: the PRF (RFC 5246 5) over
 * hmac(sha256) / hmac(sha384), the transcript hash, PSK pre-master
 * secrets (RFC 4279 2, RFC 5489 2), the extended master secret
 * (RFC 7627 4), the key block (RFC 5246 6.3) and Finished verify_data
 * (RFC 5246 7.4.9).  Pure functions over caller buffers: no state, each
 * call allocates its transform and frees it (the crypto API wipes it)
 * before returning.  Intermediate values are wiped; when the crypto
 * fails, the output is zeroed rather than left half written.
 *
 * Context: process (GFP_KERNEL allocations, the crypto API may sleep).
 */
#include <crypto/hash.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "prf.h"

/*
 * Sanity bounds on what callers hand the PRF.  The key schedule needs far
 * less (a 134-byte pre-master, a 48-byte session hash, a key block of at
 * most 2 * (48 + 32 + 16) bytes); anything beyond these is a bug.
 */
#define DTLS_PRF_SECRET_MAX	512
#define DTLS_PRF_LABEL_MAX	64
#define DTLS_PRF_SEED_MAX	256
#define DTLS_PRF_OUT_MAX	1024

unsigned int dtls_prf_hash_len(enum dtls_prf_hash h)
{
	switch (h) {
	case DTLS_PRF_SHA256:
		return 32;
	case DTLS_PRF_SHA384:
		return 48;
	}
	return 0;
}

static const char *dtls_hash_name(enum dtls_prf_hash h, bool hmac)
{
	switch (h) {
	case DTLS_PRF_SHA256:
		return hmac ? "hmac(sha256)" : "sha256";
	case DTLS_PRF_SHA384:
		return hmac ? "hmac(sha384)" : "sha384";
	}
	return NULL;
}

/* Allocates the (h)mac transform of @h and checks its digest size. */
static struct crypto_shash *dtls_alloc_shash(enum dtls_prf_hash h, bool hmac)
{
	const char *name = dtls_hash_name(h, hmac);
	struct crypto_shash *tfm;

	if (!name)
		return ERR_PTR(-EINVAL);
	tfm = crypto_alloc_shash(name, 0, 0);
	if (IS_ERR(tfm))
		return tfm;
	if (crypto_shash_digestsize(tfm) != dtls_prf_hash_len(h)) {
		crypto_free_shash(tfm);
		return ERR_PTR(-EINVAL);
	}
	return tfm;
}

int dtls_hash(enum dtls_prf_hash h, const u8 *data, unsigned int len, u8 *out)
{
	struct crypto_shash *tfm;
	int err;

	if (!out || (!data && len))
		return -EINVAL;
	tfm = dtls_alloc_shash(h, false);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	err = crypto_shash_tfm_digest(tfm, data, len, out);
	crypto_free_shash(tfm);
	return err;
}

/* The PRF seed is label + seed1 + seed2; empty parts are skipped. */
struct dtls_prf_seed {
	const u8 *part[3];
	unsigned int len[3];
};

static int dtls_prf_update_seed(struct shash_desc *desc,
				const struct dtls_prf_seed *seed)
{
	unsigned int i;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(seed->part) && !err; i++)
		if (seed->len[i])
			err = crypto_shash_update(desc, seed->part[i],
						  seed->len[i]);
	return err;
}

/*
 * P_hash(secret, seed) = HMAC(secret, A(1) + seed) +
 *			  HMAC(secret, A(2) + seed) + ...
 * with A(0) = seed, A(i) = HMAC(secret, A(i - 1)); @tfm is keyed with the
 * secret.  The last block is truncated to @out_len.
 */
static int dtls_p_hash(struct crypto_shash *tfm,
		       const struct dtls_prf_seed *seed,
		       u8 *out, unsigned int out_len)
{
	unsigned int hlen = crypto_shash_digestsize(tfm);
	SHASH_DESC_ON_STACK(desc, tfm);
	u8 a[DTLS_MAX_HASH_LEN];
	u8 block[DTLS_MAX_HASH_LEN];
	bool first = true;
	unsigned int n;
	int err = 0;

	if (hlen > DTLS_MAX_HASH_LEN)
		return -EINVAL;
	desc->tfm = tfm;
	while (out_len) {
		/* A(i) */
		err = crypto_shash_init(desc);
		if (!err)
			err = first ? dtls_prf_update_seed(desc, seed) :
				      crypto_shash_update(desc, a, hlen);
		if (!err)
			err = crypto_shash_final(desc, a);
		first = false;
		/* HMAC(secret, A(i) + seed) */
		if (!err)
			err = crypto_shash_init(desc);
		if (!err)
			err = crypto_shash_update(desc, a, hlen);
		if (!err)
			err = dtls_prf_update_seed(desc, seed);
		if (!err)
			err = crypto_shash_final(desc, block);
		if (err)
			break;
		n = min(out_len, hlen);
		memcpy(out, block, n);
		out += n;
		out_len -= n;
	}
	memzero_explicit(a, sizeof(a));
	memzero_explicit(block, sizeof(block));
	shash_desc_zero(desc);
	return err;
}

int dtls_prf(enum dtls_prf_hash h, const u8 *secret, unsigned int secret_len,
	     const char *label, const u8 *seed1, unsigned int seed1_len,
	     const u8 *seed2, unsigned int seed2_len,
	     u8 *out, unsigned int out_len)
{
	struct dtls_prf_seed seed;
	struct crypto_shash *tfm;
	size_t label_len;
	int err;

	if (!dtls_prf_hash_len(h) || !out || !out_len ||
	    out_len > DTLS_PRF_OUT_MAX || !secret || !secret_len ||
	    secret_len > DTLS_PRF_SECRET_MAX || !label ||
	    (!seed1 && seed1_len) || seed1_len > DTLS_PRF_SEED_MAX ||
	    (!seed2 && seed2_len) || seed2_len > DTLS_PRF_SEED_MAX)
		return -EINVAL;
	label_len = strnlen(label, DTLS_PRF_LABEL_MAX + 1);
	if (label_len > DTLS_PRF_LABEL_MAX)
		return -EINVAL;

	seed.part[0] = (const u8 *)label;
	seed.len[0] = label_len;
	seed.part[1] = seed1;
	seed.len[1] = seed1_len;
	seed.part[2] = seed2;
	seed.len[2] = seed2_len;

	tfm = dtls_alloc_shash(h, true);
	if (IS_ERR(tfm)) {
		err = PTR_ERR(tfm);
		goto out;
	}
	err = crypto_shash_setkey(tfm, secret, secret_len);
	if (!err)
		err = dtls_p_hash(tfm, &seed, out, out_len);
	crypto_free_shash(tfm);
out:
	if (err)
		memzero_explicit(out, out_len);
	return err;
}

/*
 * struct {
 *	opaque other_secret<0..2^16-1>;
 *	opaque psk<0..2^16-1>;
 * };
 * Plain PSK (@other NULL, @other_len 0): other_secret is psk_len zero
 * bytes.  ECDHE-PSK: other_secret is the ECDH shared secret (at most 66
 * bytes, the X coordinate of P-521).  The PSK is 1 to DTLS_PSK_MAX_LEN
 * bytes.
 */
int dtls_psk_premaster(u8 *out, unsigned int cap, const u8 *other,
		       unsigned int other_len, const u8 *psk,
		       unsigned int psk_len)
{
	const unsigned int other_max = DTLS_PREMASTER_MAX - 4 - DTLS_PSK_MAX_LEN;
	unsigned int olen, total;
	u8 *p = out;

	if (!out || !psk || !psk_len || psk_len > DTLS_PSK_MAX_LEN)
		return -EINVAL;
	if (other) {
		if (!other_len || other_len > other_max)
			return -EINVAL;
		olen = other_len;
	} else {
		if (other_len)
			return -EINVAL;
		olen = psk_len;
	}
	total = 2 + olen + 2 + psk_len;
	if (cap < total)
		return -EINVAL;

	*p++ = olen >> 8;
	*p++ = olen & 0xff;
	if (other)
		memcpy(p, other, olen);
	else
		memset(p, 0, olen);
	p += olen;
	*p++ = psk_len >> 8;
	*p++ = psk_len & 0xff;
	memcpy(p, psk, psk_len);
	return total;
}

int dtls_master_secret(enum dtls_prf_hash h, const u8 *pms,
		       unsigned int pms_len, const u8 *session_hash,
		       u8 master[DTLS_MASTER_LEN])
{
	unsigned int hlen = dtls_prf_hash_len(h);

	if (!hlen || !pms || !pms_len || pms_len > DTLS_PREMASTER_MAX ||
	    !session_hash || !master)
		return -EINVAL;
	return dtls_prf(h, pms, pms_len, "extended master secret",
			session_hash, hlen, NULL, 0, master, DTLS_MASTER_LEN);
}

int dtls_key_block(enum dtls_prf_hash h, const u8 master[DTLS_MASTER_LEN],
		   const u8 client_random[DTLS_RANDOM_LEN],
		   const u8 server_random[DTLS_RANDOM_LEN],
		   u8 *out, unsigned int len)
{
	if (!master || !client_random || !server_random)
		return -EINVAL;
	return dtls_prf(h, master, DTLS_MASTER_LEN, "key expansion",
			server_random, DTLS_RANDOM_LEN,
			client_random, DTLS_RANDOM_LEN, out, len);
}

int dtls_verify_data(enum dtls_prf_hash h, const u8 master[DTLS_MASTER_LEN],
		     bool client, const u8 *handshake_hash,
		     u8 out[DTLS_VERIFY_LEN])
{
	unsigned int hlen = dtls_prf_hash_len(h);

	if (!hlen || !master || !handshake_hash)
		return -EINVAL;
	return dtls_prf(h, master, DTLS_MASTER_LEN,
			client ? "client finished" : "server finished",
			handshake_hash, hlen, NULL, 0, out, DTLS_VERIFY_LEN);
}
