/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ECDSA over P-256 (FIPS 186-4 6; RFC 6979 nonces), for the certificates
 * of the handshake: of a 32-byte digest, SHA-256's or the first half of
 * SHA-384's (FIPS 186-4 6.4).  Our own,
 * as Debian's 6.1 has no ECDSA in its crypto API and 6.12 verifies only,
 * with crypto/ecc.c's generic C, at about 5,300,000 instructions a scalar
 * multiplication: the group and the products mod n are p256.c's, the
 * inversion mod n crypto/ecc.c's.  See ecdsa.c for what runs in
 * constant time.
 *
 * Numbers on the wire and in these calls are big-endian, 32 bytes; a
 * public key is the uncompressed point 04 || X || Y.
 *
 * Context: process (HMAC through the shared shash transforms of prf.c).
 */
#ifndef _NET_DTLS_ECDSA_H
#define _NET_DTLS_ECDSA_H

#include <linux/types.h>

#define DTLS_P256_LEN		32
#define DTLS_P256_POINT_LEN	(1 + 2 * DTLS_P256_LEN)
/* DER: SEQUENCE { INTEGER r, INTEGER s }, each up to 33 bytes. */
#define DTLS_ECDSA_SIG_MAX	(2 + 2 * (2 + DTLS_P256_LEN + 1))

/* A private key and its public point; wiped by dtls_ecdsa_key_wipe(). */
struct dtls_ecdsa_key {
	u64	d[4];				/* the secret, digits */
	u8	pub[DTLS_P256_POINT_LEN];
};

int dtls_ecdsa_key_set(struct dtls_ecdsa_key *k, const u8 *priv);
void dtls_ecdsa_key_wipe(struct dtls_ecdsa_key *k);
int dtls_ecdsa_pub_check(const u8 *pub, unsigned int len);

/*
 * Sign @hash (SHA-256) with @k: r and s into @r, @s.  @extra (may be
 * NULL) goes into the nonce's derivation as RFC 6979 3.6 allows; the
 * handshake passes fresh random bytes (hedged signatures), the tests none
 * (RFC 6979's own vectors).
 */
int dtls_ecdsa_sign_rs(const struct dtls_ecdsa_key *k, const u8 *hash,
		       const u8 *extra, unsigned int extra_len, u8 *r, u8 *s);
int dtls_ecdsa_verify_rs(const u8 *pub, const u8 *hash, const u8 *r,
			 const u8 *s);

/* The signature as TLS carries it (DER); strict parsing. */
int dtls_ecdsa_sig_build(const u8 *r, const u8 *s, u8 *out,
			 unsigned int cap);
int dtls_ecdsa_sig_parse(const u8 *der, unsigned int len, u8 *r, u8 *s);

/* Both together: sign with fresh random @extra; verify a DER signature. */
int dtls_ecdsa_sign(const struct dtls_ecdsa_key *k, const u8 *hash, u8 *out,
		    unsigned int cap);
int dtls_ecdsa_verify(const u8 *pub, const u8 *hash, const u8 *der,
		      unsigned int len);

#endif /* _NET_DTLS_ECDSA_H */
