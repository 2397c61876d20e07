/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TLS 1.2 key schedule for DTLS 1.2 (RFC 5246 5, RFC 7627, RFC 4279,
 * RFC 5489): the PRF, PSK pre-master secrets, the extended master secret,
 * the key block and Finished verify_data; the HMAC they are made of
 * (RFC 2104), also the cookies'.  Over the crypto API's "sha256" and
 * "sha384", one shared transform each, allocated by dtls_prf_init().
 *
 * Context: dtls_prf_init()/dtls_prf_exit(): process.  The rest: any (no
 * allocation, no sleeping) between them.
 */
#ifndef _NET_DTLS_PRF_H
#define _NET_DTLS_PRF_H

#include <crypto/sha2.h>
#include <linux/types.h>

struct crypto_shash;
struct shash_desc;

enum dtls_prf_hash {
	DTLS_PRF_SHA256,
	DTLS_PRF_SHA384,
	DTLS_PRF_NR,		/* how many: not a hash */
};

#define DTLS_MAX_HASH_LEN	48
#define DTLS_MASTER_LEN		48
#define DTLS_RANDOM_LEN		32
#define DTLS_VERIFY_LEN		12
/* Pre-master of ECDHE-PSK with a 32-byte share and a 64-byte PSK. */
#define DTLS_PSK_MAX_LEN	64
#define DTLS_PREMASTER_MAX	(2 + 66 + 2 + DTLS_PSK_MAX_LEN)

/* The longest label the PRF takes (an exporter's label too). */
#define DTLS_PRF_LABEL_MAX	64

/*
 * An exported hash state: struct sha512_state on 6.x; 7.x's export adds
 * a byte, the length of the partial block (209 for SHA-384); 216 keeps
 * the states 8-byte multiples.
 * dtls_prf_init() checks that the transforms' states fit.
 */
#define DTLS_HMAC_STATE_MAX	(sizeof(struct sha512_state) + 8)

/* The shared transforms: counted, 0 or -errno; process context. */
int dtls_prf_init(void);
void dtls_prf_exit(void);

unsigned int dtls_prf_hash_len(enum dtls_prf_hash h);
const char *dtls_prf_hash_name(enum dtls_prf_hash h);

/*
 * HMAC (RFC 2104): a key as its inner and outer hash states, made once by
 * dtls_hmac_setkey(); one MAC is dtls_hmac_begin() on a descriptor
 * (SHASH_DESC_ON_STACK()), crypto_shash_update()s of the message,
 * dtls_hmac_end().  Wipe the key with dtls_hmac_key_wipe() and the
 * descriptor with shash_desc_zero() when done.
 */
struct dtls_hmac_key {
	struct crypto_shash	*tfm;
	unsigned int		len;		/* of the MAC */
	u8			istate[DTLS_HMAC_STATE_MAX];
	u8			ostate[DTLS_HMAC_STATE_MAX];
};

int dtls_hmac_setkey(struct dtls_hmac_key *k, enum dtls_prf_hash h,
		     const u8 *key, unsigned int len);
void dtls_hmac_key_wipe(struct dtls_hmac_key *k);
int dtls_hmac_begin(struct shash_desc *desc, const struct dtls_hmac_key *k);
int dtls_hmac_end(struct shash_desc *desc, const struct dtls_hmac_key *k,
		  u8 *out);

/* Digest of @len bytes (the transcript) with the PRF's hash. */
int dtls_hash(enum dtls_prf_hash h, const u8 *data, unsigned int len, u8 *out);

/*
 * A running hash (the transcript, hashed once however often its digest
 * is taken): start zeroed; each dtls_hash_more() adds the bytes that
 * follow and gives the digest of all so far (the last one again, kept,
 * when nothing follows).
 */
struct dtls_hash_state {
	u32	len;			/* bytes hashed so far */
	bool	started;
	u8	h;			/* enum dtls_prf_hash, once started */
	u8	state[DTLS_HMAC_STATE_MAX];
	u8	digest[DTLS_MAX_HASH_LEN];	/* of the first len bytes */
};

int dtls_hash_more(enum dtls_prf_hash h, struct dtls_hash_state *st,
		   const u8 *data, unsigned int len, u8 *out);

/* P_hash(secret, label + seed1 + seed2), RFC 5246 5; @seed2 may be NULL. */
int dtls_prf(enum dtls_prf_hash h, const u8 *secret, unsigned int secret_len,
	     const char *label, const u8 *seed1, unsigned int seed1_len,
	     const u8 *seed2, unsigned int seed2_len,
	     u8 *out, unsigned int out_len);
/* The same with the secret made into @key by dtls_hmac_setkey() already. */
int dtls_prf_k(const struct dtls_hmac_key *key, const char *label,
	       const u8 *seed1, unsigned int seed1_len,
	       const u8 *seed2, unsigned int seed2_len,
	       u8 *out, unsigned int out_len);

/*
 * PSK pre-master: uint16 len, other_secret, uint16 len, psk.  @other NULL
 * means plain PSK (RFC 4279 2: psk_len zero bytes); otherwise the ECDHE
 * shared secret (RFC 5489 2).  Returns the length written or -EINVAL.
 */
int dtls_psk_premaster(u8 *out, unsigned int cap, const u8 *other,
		       unsigned int other_len, const u8 *psk,
		       unsigned int psk_len);

/* RFC 7627 4: PRF(pms, "extended master secret", session_hash)[0..47] */
int dtls_master_secret(enum dtls_prf_hash h, const u8 *pms,
		       unsigned int pms_len, const u8 *session_hash,
		       u8 master[DTLS_MASTER_LEN]);

/* RFC 5246 6.3: PRF(master, "key expansion", server_random + client_random) */
int dtls_key_block(enum dtls_prf_hash h, const u8 master[DTLS_MASTER_LEN],
		   const u8 client_random[DTLS_RANDOM_LEN],
		   const u8 server_random[DTLS_RANDOM_LEN],
		   u8 *out, unsigned int len);

/* RFC 5246 7.4.9: PRF(master, "client/server finished", hash)[0..11] */
int dtls_verify_data(enum dtls_prf_hash h, const u8 master[DTLS_MASTER_LEN],
		     bool client, const u8 *handshake_hash,
		     u8 out[DTLS_VERIFY_LEN]);

/*
 * The same three under the master secret made into an HMAC key once
 * (dtls_master_key()), for a side that uses it three times: key block
 * and both Finished.  Wipe @mk with dtls_hmac_key_wipe().
 */
int dtls_master_key(enum dtls_prf_hash h, const u8 master[DTLS_MASTER_LEN],
		    struct dtls_hmac_key *mk);
int dtls_key_block_k(const struct dtls_hmac_key *mk,
		     const u8 client_random[DTLS_RANDOM_LEN],
		     const u8 server_random[DTLS_RANDOM_LEN],
		     u8 *out, unsigned int len);
int dtls_verify_data_k(const struct dtls_hmac_key *mk, bool client,
		       const u8 *handshake_hash, u8 out[DTLS_VERIFY_LEN]);

#endif /* _NET_DTLS_PRF_H */
