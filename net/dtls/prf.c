// SPDX-License-Identifier: GPL-2.0
/*
 * TLS 1.2 key schedule for DTLS 1.2: the PRF (RFC 5246 5) over
 * HMAC-SHA256 / HMAC-SHA384, the transcript hash, PSK pre-master secrets
 * (RFC 4279 2, RFC 5489 2), the extended master secret (RFC 7627 4), the
 * key block (RFC 5246 6.3) and Finished verify_data (RFC 5246 7.4.9); and
 * the HMAC (RFC 2104) they are made of, which the cookies use too.
 *
 * The hashes are the crypto API's "sha256" and "sha384", whatever driver
 * serves them best (SHA-NI, AVX2, ... : the sha256 library of 6.1 and
 * 6.12 is generic C, and the PRF hashes about a hundred blocks per
 * handshake).  One unkeyed transform of each is allocated with the module
 * (dtls_prf_init()) and shared: an unkeyed shash transform is not written
 * once allocated, every hash keeps its state in its own descriptor, so
 * any number of users may hash at once with no lock and no allocation.
 * HMAC is written out over them: a key becomes its inner and outer hash
 * states once (struct dtls_hmac_key), each MAC then starts from those.
 *
 * Everything else is pure functions over caller buffers.  Keys, states
 * and intermediate values are wiped; when the crypto fails, outputs are
 * zeroed rather than left half written.
 *
 * Context: dtls_prf_init()/dtls_prf_exit(): process.  The rest: any (no
 * allocation, no sleeping), once dtls_prf_init() has returned 0.
 */
#include <crypto/hash.h>
#include <crypto/sha2.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/string.h>

#include "prf.h"

/*
 * Sanity bounds on what callers hand the PRF.  The key schedule needs far
 * less (a 134-byte pre-master, a 48-byte session hash, a key block of at
 * most 2 * (48 + 32 + 16) bytes); anything beyond these is a bug.
 */
#define DTLS_PRF_SECRET_MAX	512
#define DTLS_PRF_SEED_MAX	1040	/* the exporter's: 2 + 1024 context */
#define DTLS_PRF_OUT_MAX	4096	/* the exporter's DTLS_EXPORT_LEN_MAX */

#define DTLS_HASH_BLOCK_MAX	SHA512_BLOCK_SIZE

/* The shared transforms, by enum dtls_prf_hash; dtls_prf_init() users. */
static struct crypto_shash *dtls_hash_tfm[DTLS_PRF_NR];
static unsigned int dtls_hash_users;
static DEFINE_MUTEX(dtls_hash_mutex);

unsigned int dtls_prf_hash_len(enum dtls_prf_hash h)
{
	switch (h) {
	case DTLS_PRF_SHA256:
		return SHA256_DIGEST_SIZE;
	case DTLS_PRF_SHA384:
		return SHA384_DIGEST_SIZE;
	case DTLS_PRF_NR:
		break;
	}
	return 0;
}

/* The crypto API's name of @h's hash; NULL for an unknown @h. */
const char *dtls_prf_hash_name(enum dtls_prf_hash h)
{
	switch (h) {
	case DTLS_PRF_SHA256:
		return "sha256";
	case DTLS_PRF_SHA384:
		return "sha384";
	case DTLS_PRF_NR:
		break;
	}
	return NULL;
}

static void dtls_hash_free(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dtls_hash_tfm); i++) {
		if (dtls_hash_tfm[i])
			crypto_free_shash(dtls_hash_tfm[i]);
		dtls_hash_tfm[i] = NULL;
	}
}

/**
 * dtls_prf_init - allocate the shared hash transforms
 *
 * Counted: each successful call needs its dtls_prf_exit().  A transform
 * whose digest or exported state does not fit ours is refused.
 *
 * Context: process.
 * Return: 0, or a negative errno (nothing is kept then).
 */
int dtls_prf_init(void)
{
	struct crypto_shash *tfm;
	unsigned int i;
	int err = 0;

	mutex_lock(&dtls_hash_mutex);
	if (dtls_hash_users)
		goto out;
	for (i = 0; i < ARRAY_SIZE(dtls_hash_tfm) && !err; i++) {
		tfm = crypto_alloc_shash(dtls_prf_hash_name(i), 0, 0);
		if (IS_ERR(tfm)) {
			err = PTR_ERR(tfm);
			break;
		}
		dtls_hash_tfm[i] = tfm;
		if (crypto_shash_digestsize(tfm) != dtls_prf_hash_len(i) ||
		    crypto_shash_blocksize(tfm) > DTLS_HASH_BLOCK_MAX ||
		    crypto_shash_blocksize(tfm) % sizeof(long) ||
		    crypto_shash_statesize(tfm) > DTLS_HMAC_STATE_MAX)
			err = -EINVAL;
	}
	if (err)
		dtls_hash_free();
out:
	if (!err)
		dtls_hash_users++;
	mutex_unlock(&dtls_hash_mutex);
	return err;
}

/**
 * dtls_prf_exit - drop a dtls_prf_init(); the last one frees the transforms
 *
 * Context: process; nobody hashes any more.
 */
void dtls_prf_exit(void)
{
	mutex_lock(&dtls_hash_mutex);
	if (!WARN_ON_ONCE(!dtls_hash_users) && !--dtls_hash_users)
		dtls_hash_free();
	mutex_unlock(&dtls_hash_mutex);
}

/* The shared transform of @h; NULL for an unknown hash or before init. */
static struct crypto_shash *dtls_hash_get(enum dtls_prf_hash h)
{
	if ((unsigned int)h >= ARRAY_SIZE(dtls_hash_tfm))
		return NULL;
	return READ_ONCE(dtls_hash_tfm[h]);
}

int dtls_hash(enum dtls_prf_hash h, const u8 *data, unsigned int len, u8 *out)
{
	struct crypto_shash *tfm = dtls_hash_get(h);
	int err;

	if (!out || (!data && len) || !tfm)
		return -EINVAL;
	err = crypto_shash_tfm_digest(tfm, data, len, out);
	if (err)
		memzero_explicit(out, dtls_prf_hash_len(h));
	return err;
}

/**
 * dtls_hash_more - the digest of a message that grows, each byte hashed once
 * @h: the hash, the same for every call on @st
 * @st: the state after what was hashed so far (zeroed: nothing yet),
 *	updated to include @data
 * @data: the @len bytes that follow
 * @len: their number
 * @out: the digest of everything so far
 *
 * Return: 0, or a negative errno (@st is reset and @out zeroed then).
 */
int dtls_hash_more(enum dtls_prf_hash h, struct dtls_hash_state *st,
		   const u8 *data, unsigned int len, u8 *out)
{
	struct crypto_shash *tfm = dtls_hash_get(h);
	SHASH_DESC_ON_STACK(desc, tfm);
	int err;

	if (!tfm || !st || !out || (!data && len) ||
	    (st->started && st->h != h))
		return -EINVAL;
	if (st->started && !len) {
		memcpy(out, st->digest, dtls_prf_hash_len(h));
		return 0;
	}
	desc->tfm = tfm;
	err = st->started ? crypto_shash_import(desc, st->state) :
			    crypto_shash_init(desc);
	if (!err && len)
		err = crypto_shash_update(desc, data, len);
	if (!err)
		err = crypto_shash_export(desc, st->state);
	if (!err)
		err = crypto_shash_final(desc, out);
	if (err) {
		memzero_explicit(st, sizeof(*st));
		memzero_explicit(out, dtls_prf_hash_len(h));
	} else {
		st->started = true;
		st->h = h;
		st->len += len;
		memcpy(st->digest, out, dtls_prf_hash_len(h));
	}
	shash_desc_zero(desc);
	return err;
}

/* ------------------------------------------------------------------ HMAC */

/**
 * dtls_hmac_setkey - the inner and outer hash states of an HMAC key
 * @k: the key's states, for dtls_hmac_begin()/dtls_hmac_end()
 * @h: the hash
 * @key: the key; longer than the hash's block, it is hashed first
 * @len: its length
 *
 * Return: 0, or a negative errno (@k is wiped then).
 */
int dtls_hmac_setkey(struct dtls_hmac_key *k, enum dtls_prf_hash h,
		     const u8 *key, unsigned int len)
{
	struct crypto_shash *tfm = dtls_hash_get(h);
	unsigned long padw[DTLS_HASH_BLOCK_MAX / sizeof(long)];
	u8 *pad = (u8 *)padw, kh[DTLS_MAX_HASH_LEN];
	SHASH_DESC_ON_STACK(desc, tfm);
	unsigned int bs, i;
	int err;

	if (!tfm || (!key && len))
		return -EINVAL;
	desc->tfm = tfm;
	k->tfm = tfm;
	k->len = dtls_prf_hash_len(h);
	bs = crypto_shash_blocksize(tfm);
	err = 0;
	if (len > bs) {
		err = crypto_shash_digest(desc, key, len, kh);
		key = kh;
		len = k->len;
	}
	/* K ^ ipad, then K ^ opad: K zero-padded to the block. */
	memset(pad, 0x36, bs);
	for (i = 0; i < len; i++)
		pad[i] ^= key[i];
	if (!err)
		err = crypto_shash_init(desc);
	if (!err)
		err = crypto_shash_update(desc, pad, bs);
	if (!err)
		err = crypto_shash_export(desc, k->istate);
	for (i = 0; i < bs / sizeof(long); i++)
		padw[i] ^= REPEAT_BYTE(0x36 ^ 0x5c);
	if (!err)
		err = crypto_shash_init(desc);
	if (!err)
		err = crypto_shash_update(desc, pad, bs);
	if (!err)
		err = crypto_shash_export(desc, k->ostate);
	memzero_explicit(padw, sizeof(padw));
	memzero_explicit(kh, sizeof(kh));
	shash_desc_zero(desc);
	if (err)
		dtls_hmac_key_wipe(k);
	return err;
}

void dtls_hmac_key_wipe(struct dtls_hmac_key *k)
{
	memzero_explicit(k, sizeof(*k));
}

/**
 * dtls_hmac_begin - start one MAC under @k
 * @desc: a descriptor for @k->tfm (SHASH_DESC_ON_STACK())
 * @k: the key
 *
 * The message then goes in with crypto_shash_update(@desc, ...).
 */
int dtls_hmac_begin(struct shash_desc *desc, const struct dtls_hmac_key *k)
{
	if (!k->tfm)
		return -EINVAL;
	desc->tfm = k->tfm;
	return crypto_shash_import(desc, k->istate);
}

/**
 * dtls_hmac_end - finish the MAC begun on @desc: @k->len bytes into @out
 * @desc: the descriptor of dtls_hmac_begin()
 * @k: the key
 * @out: the MAC; zeroed on error
 *
 * @desc is left holding hash state: shash_desc_zero() it when done.
 */
int dtls_hmac_end(struct shash_desc *desc, const struct dtls_hmac_key *k,
		  u8 *out)
{
	u8 inner[DTLS_MAX_HASH_LEN];
	int err;

	err = crypto_shash_final(desc, inner);
	if (!err)
		err = crypto_shash_import(desc, k->ostate);
	if (!err)
		err = crypto_shash_finup(desc, inner, k->len, out);
	memzero_explicit(inner, sizeof(inner));
	if (err)
		memzero_explicit(out, k->len);
	return err;
}

/* ------------------------------------------------------------------- PRF */

/*
 * The PRF seed is label + seed1 + seed2; empty parts are skipped.  A seed
 * that fits @buf (every one of the key schedule's) is copied there
 * whole, so that each HMAC takes it in one update, not three.
 */
struct dtls_prf_seed {
	const u8 *part[3];
	unsigned int len[3];
	u8 buf[128];
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
 * with A(0) = seed, A(i) = HMAC(secret, A(i - 1)); @k is the secret.  The
 * last block is truncated to @out_len.
 */
static int dtls_p_hash(const struct dtls_hmac_key *k,
		       const struct dtls_prf_seed *seed,
		       u8 *out, unsigned int out_len)
{
	unsigned int hlen = k->len;
	SHASH_DESC_ON_STACK(desc, k->tfm);
	u8 a[DTLS_MAX_HASH_LEN];
	u8 block[DTLS_MAX_HASH_LEN];
	bool first = true;
	unsigned int n;
	int err = 0;

	while (out_len) {
		/* A(i) */
		err = dtls_hmac_begin(desc, k);
		if (!err)
			err = first ? dtls_prf_update_seed(desc, seed) :
				      crypto_shash_update(desc, a, hlen);
		if (!err)
			err = dtls_hmac_end(desc, k, a);
		first = false;
		/* HMAC(secret, A(i) + seed) */
		if (!err)
			err = dtls_hmac_begin(desc, k);
		if (!err)
			err = crypto_shash_update(desc, a, hlen);
		if (!err)
			err = dtls_prf_update_seed(desc, seed);
		if (!err)
			err = dtls_hmac_end(desc, k, block);
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

/* The arguments of the PRF but the secret, checked, into @seed. */
static int dtls_prf_seed_set(struct dtls_prf_seed *seed, const char *label,
			     const u8 *seed1, unsigned int seed1_len,
			     const u8 *seed2, unsigned int seed2_len,
			     const u8 *out, unsigned int out_len)
{
	size_t label_len;

	if (!out || !out_len || out_len > DTLS_PRF_OUT_MAX || !label ||
	    (!seed1 && seed1_len) || seed1_len > DTLS_PRF_SEED_MAX ||
	    (!seed2 && seed2_len) || seed2_len > DTLS_PRF_SEED_MAX)
		return -EINVAL;
	label_len = strnlen(label, DTLS_PRF_LABEL_MAX + 1);
	if (label_len > DTLS_PRF_LABEL_MAX)
		return -EINVAL;
	seed->part[0] = (const u8 *)label;
	seed->len[0] = label_len;
	seed->part[1] = seed1;
	seed->len[1] = seed1_len;
	seed->part[2] = seed2;
	seed->len[2] = seed2_len;
	if (label_len + seed1_len + seed2_len <= sizeof(seed->buf)) {
		u8 *p = seed->buf;
		unsigned int i;

		for (i = 0; i < ARRAY_SIZE(seed->part); i++) {
			if (seed->len[i])
				memcpy(p, seed->part[i], seed->len[i]);
			p += seed->len[i];
			seed->part[i] = NULL;
			seed->len[i] = 0;
		}
		seed->part[0] = seed->buf;
		seed->len[0] = p - seed->buf;
	}
	return 0;
}

int dtls_prf(enum dtls_prf_hash h, const u8 *secret, unsigned int secret_len,
	     const char *label, const u8 *seed1, unsigned int seed1_len,
	     const u8 *seed2, unsigned int seed2_len,
	     u8 *out, unsigned int out_len)
{
	struct dtls_hmac_key key;
	struct dtls_prf_seed seed;
	int err;

	if (!dtls_prf_hash_len(h) || !secret || !secret_len ||
	    secret_len > DTLS_PRF_SECRET_MAX ||
	    dtls_prf_seed_set(&seed, label, seed1, seed1_len, seed2,
			      seed2_len, out, out_len))
		return -EINVAL;
	err = dtls_hmac_setkey(&key, h, secret, secret_len);
	if (!err)
		err = dtls_p_hash(&key, &seed, out, out_len);
	dtls_hmac_key_wipe(&key);
	if (err)
		memzero_explicit(out, out_len);
	return err;
}

int dtls_prf_k(const struct dtls_hmac_key *key, const char *label,
	       const u8 *seed1, unsigned int seed1_len,
	       const u8 *seed2, unsigned int seed2_len,
	       u8 *out, unsigned int out_len)
{
	struct dtls_prf_seed seed;
	int err;

	if (!key || !key->tfm ||
	    dtls_prf_seed_set(&seed, label, seed1, seed1_len, seed2,
			      seed2_len, out, out_len))
		return -EINVAL;
	err = dtls_p_hash(key, &seed, out, out_len);
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

int dtls_master_key(enum dtls_prf_hash h, const u8 master[DTLS_MASTER_LEN],
		    struct dtls_hmac_key *mk)
{
	if (!master || !mk)
		return -EINVAL;
	return dtls_hmac_setkey(mk, h, master, DTLS_MASTER_LEN);
}

int dtls_key_block_k(const struct dtls_hmac_key *mk,
		     const u8 client_random[DTLS_RANDOM_LEN],
		     const u8 server_random[DTLS_RANDOM_LEN],
		     u8 *out, unsigned int len)
{
	if (!client_random || !server_random)
		return -EINVAL;
	return dtls_prf_k(mk, "key expansion", server_random, DTLS_RANDOM_LEN,
			  client_random, DTLS_RANDOM_LEN, out, len);
}

int dtls_verify_data_k(const struct dtls_hmac_key *mk, bool client,
		       const u8 *handshake_hash, u8 out[DTLS_VERIFY_LEN])
{
	if (!mk || !handshake_hash)
		return -EINVAL;
	return dtls_prf_k(mk, client ? "client finished" : "server finished",
			  handshake_hash, mk->len, NULL, 0, out,
			  DTLS_VERIFY_LEN);
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
