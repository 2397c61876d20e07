/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TLS 1.2 key schedule for DTLS 1.2 (RFC 5246 5, RFC 7627, RFC 4279,
 * RFC 5489): the PRF, PSK pre-master secrets, the extended master secret,
 * the key block and Finished verify_data.  Pure functions over buffers;
 * they allocate their hmac transform per call and may sleep.
 *
 * Context: process (GFP_KERNEL allocations, crypto API may sleep).
 */
#ifndef _NET_DTLS_PRF_H
#define _NET_DTLS_PRF_H

#include <linux/types.h>

enum dtls_prf_hash {
	DTLS_PRF_SHA256,
	DTLS_PRF_SHA384,
};

#define DTLS_MAX_HASH_LEN	48
#define DTLS_MASTER_LEN		48
#define DTLS_RANDOM_LEN		32
#define DTLS_VERIFY_LEN		12
/* Pre-master of ECDHE-PSK with a 32-byte share and a 64-byte PSK. */
#define DTLS_PSK_MAX_LEN	64
#define DTLS_PREMASTER_MAX	(2 + 66 + 2 + DTLS_PSK_MAX_LEN)

unsigned int dtls_prf_hash_len(enum dtls_prf_hash h);

/* Digest of @len bytes (the transcript) with the PRF's hash. */
int dtls_hash(enum dtls_prf_hash h, const u8 *data, unsigned int len, u8 *out);

/* P_hash(secret, label + seed1 + seed2), RFC 5246 5; @seed2 may be NULL. */
int dtls_prf(enum dtls_prf_hash h, const u8 *secret, unsigned int secret_len,
	     const char *label, const u8 *seed1, unsigned int seed1_len,
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

#endif /* _NET_DTLS_PRF_H */
