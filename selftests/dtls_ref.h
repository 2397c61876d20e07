/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An independent user-space reference of the DTLS 1.2 record layer, built
 * on OpenSSL libcrypto (EVP), for the selftests to play the peer of a
 * kdtls socket: seal what the kernel must open, open what it sealed.
 *
 * It follows the RFCs, not the kernel's code:
 *  - record (RFC 6347 4.1): type(1) version(2) epoch(2) seq(6) length(2),
 *    then the fragment; several records may share one datagram;
 *  - AEAD (RFC 5246 6.2.3.3): additional data = epoch|seq(8) type(1)
 *    version(2) plaintext length(2);
 *  - AES-GCM (RFC 5288) and AES-CCM(-8) (RFC 6655): nonce = salt(4) |
 *    explicit(8), the explicit part sent first in the fragment; any value
 *    is legal on the wire (the kernel sends epoch|seq);
 *  - ChaCha20-Poly1305 (RFC 7905): nonce = iv(12) XOR (0^4 | epoch|seq),
 *    nothing explicit on the wire.
 * Tags are 16 bytes, except 8 for AES-CCM-8.
 */
#ifndef KDTLS_DTLS_REF_H
#define KDTLS_DTLS_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define DTLS_REF_HDR_LEN	13
#define DTLS_REF_EXPLICIT_LEN	8
#define DTLS_REF_MAX_PLAINTEXT	(1 << 14)
/* Largest record this reference produces: header, nonce, 2^14, tag. */
#define DTLS_REF_MAX_RECORD	(DTLS_REF_HDR_LEN + DTLS_REF_EXPLICIT_LEN + \
				 DTLS_REF_MAX_PLAINTEXT + 16)

/* What a cipher_type (linux/dtls.h DTLS_CIPHER_*) means on the wire. */
struct dtls_ref_cipher {
	uint16_t type;		/* DTLS_CIPHER_* */
	const char *name;
	size_t key_len;		/* 16 or 32 */
	size_t iv_len;		/* salt (4) for GCM/CCM, iv (12) for ChaCha */
	size_t explicit_len;	/* 8 for GCM/CCM, 0 for ChaCha */
	size_t tag_len;		/* 16, or 8 for CCM-8 */
	size_t info_len;	/* sizeof(struct dtls12_crypto_info_*) */
};

/* NULL for an unknown cipher type. */
const struct dtls_ref_cipher *dtls_ref_cipher(uint16_t type);

/* Bytes a record adds to its plaintext: header, explicit nonce, tag. */
size_t dtls_ref_overhead(uint16_t cipher);

/* A parsed record header; len is the fragment length field. */
struct dtls_ref_hdr {
	uint8_t type;
	uint16_t version;
	uint16_t epoch;
	uint64_t seq;		/* 48 bits */
	uint16_t len;
};

/*
 * dtls_ref_parse() - parse the record header at @buf.
 * Return: bytes of the whole record (13 + len), or -EINVAL if @buflen is
 * shorter than the header or than the length field says.
 */
ssize_t dtls_ref_parse(const uint8_t *buf, size_t buflen,
		       struct dtls_ref_hdr *hdr);

/*
 * dtls_ref_seal() - seal one DTLS 1.2 record.
 * @cipher: DTLS_CIPHER_*.
 * @key: key_len bytes.
 * @iv: salt (4 bytes) for GCM/CCM, iv (12 bytes) for ChaCha20-Poly1305.
 * @type: content type, written to the header and the additional data.
 * @epoch, @seq: the record's epoch and 48-bit sequence number.
 * @explicit_nonce: GCM/CCM: the 8 bytes to send as explicit nonce, or NULL
 *	for epoch|seq (what kdtls sends); ignored for ChaCha20-Poly1305.
 * @pt, @ptlen: plaintext (any length up to 65535 - overhead: this is a
 *	test tool, it does not enforce 2^14).
 * @out: room for @ptlen + dtls_ref_overhead(@cipher) bytes.
 *
 * Return: the record's length, or -EINVAL (unknown cipher, bad length),
 * -EIO (libcrypto failed).
 */
ssize_t dtls_ref_seal(uint16_t cipher, const uint8_t *key, const uint8_t *iv,
		      uint8_t type, uint16_t epoch, uint64_t seq,
		      const uint8_t *explicit_nonce, const void *pt,
		      size_t ptlen, uint8_t *out);

/* dtls_ref_seal() with another record version in header and additional data. */
ssize_t dtls_ref_seal_version(uint16_t cipher, const uint8_t *key,
			      const uint8_t *iv, uint8_t type,
			      uint16_t version, uint16_t epoch, uint64_t seq,
			      const uint8_t *explicit_nonce, const void *pt,
			      size_t ptlen, uint8_t *out);

/*
 * dtls_ref_open() - open the first record of @buf.
 * @hdr: receives the record's header (also on authentication failure).
 * @pt: receives the plaintext; @ptcap its size.
 * @reclen: if not NULL, receives the bytes the record took in @buf, so
 *	that the next record of a datagram starts at @buf + *@reclen.
 *
 * Return: the plaintext length; -EINVAL if @buf does not hold a whole record
 * or the fragment is shorter than explicit nonce + tag; -EPROTO if the
 * version is not DTLS 1.2 (0xfefd); -ENOSPC if @ptcap is too small;
 * -EBADMSG if the record does not authenticate; -EIO on a libcrypto error.
 */
ssize_t dtls_ref_open(uint16_t cipher, const uint8_t *key, const uint8_t *iv,
		      const uint8_t *buf, size_t buflen,
		      struct dtls_ref_hdr *hdr, uint8_t *pt, size_t ptcap,
		      size_t *reclen);

/* Write epoch|seq as 8 big-endian bytes (the explicit nonce kdtls sends). */
void dtls_ref_epoch_seq(uint16_t epoch, uint64_t seq, uint8_t out[8]);

/*
 * dtls_ref_selftest() - check the reference against known answers computed
 * by an independent implementation, plus round trips and tamper checks for
 * every cipher.
 * @err: receives a description of the first failure.
 * Return: 0, or -1 with @err set.
 */
int dtls_ref_selftest(char *err, size_t errlen);

#endif /* KDTLS_DTLS_REF_H */
