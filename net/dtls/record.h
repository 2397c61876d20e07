/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DTLS 1.2 record format (RFC 6347 4.1) and what the AEADs add to it.
 * Pure helpers: no locks, no allocation, any context.
 */
#ifndef _NET_DTLS_RECORD_H
#define _NET_DTLS_RECORD_H

#include <linux/kernel.h>
#include <linux/types.h>

#include "compat/compat.h"

#define DTLS_HEADER_LEN		13	/* type, version, epoch, seq(6), length */
#define DTLS_AAD_LEN		13	/* epoch|seq(8), type, version, length */
#define DTLS_MAX_PLAINTEXT	16384	/* 2^14 */
/* RFC 6347 4.1: the length of a record must not exceed 2^14 + 2048. */
#define DTLS_MAX_CIPHERTEXT	(DTLS_MAX_PLAINTEXT + 2048)
#define DTLS_MAX_NONCE		16	/* ccm(aes) takes a 16-byte IV block */
#define DTLS_SEQ_MASK		((1ULL << 48) - 1)

/* RFC 7983: a first byte in 20..63 means DTLS. */
static inline bool dtls_first_byte_is_dtls(u8 b)
{
	return b >= 20 && b <= 63;
}

struct dtls_record_hdr {
	u8	type;
	u16	version;
	u16	epoch;
	u64	seq;		/* 48 bits */
	u16	length;		/* of what follows the header */
};

/*
 * Parse the record header at @p, of which @avail bytes are readable.
 * Return: 0, or -EBADMSG if the header or the length it announces does
 * not fit.
 */
static inline int dtls_record_parse(const u8 *p, size_t avail,
				    struct dtls_record_hdr *h)
{
	if (avail < DTLS_HEADER_LEN)
		return -EBADMSG;
	h->type = p[0];
	h->version = get_unaligned_be16(p + 1);
	h->epoch = get_unaligned_be16(p + 3);
	h->seq = ((u64)get_unaligned_be16(p + 5) << 32) |
		 get_unaligned_be32(p + 7);
	h->length = get_unaligned_be16(p + 11);
	if (h->length > avail - DTLS_HEADER_LEN)
		return -EBADMSG;
	return 0;
}

static inline void dtls_put_epoch_seq(u8 *p, u16 epoch, u64 seq)
{
	put_unaligned_be16(epoch, p);
	put_unaligned_be16(seq >> 32, p + 2);
	put_unaligned_be32((u32)seq, p + 4);
}

static inline void dtls_record_build(u8 *p, const struct dtls_record_hdr *h)
{
	p[0] = h->type;
	put_unaligned_be16(h->version, p + 1);
	dtls_put_epoch_seq(p + 3, h->epoch, h->seq);
	put_unaligned_be16(h->length, p + 11);
}

/* Additional data of RFC 5246 6.2.3.3, for @len bytes of plaintext. */
static inline void dtls_build_aad(u8 *aad, const struct dtls_record_hdr *h,
				  u16 len)
{
	dtls_put_epoch_seq(aad, h->epoch, h->seq);
	aad[8] = h->type;
	put_unaligned_be16(h->version, aad + 9);
	put_unaligned_be16(len, aad + 11);
}

#endif /* _NET_DTLS_RECORD_H */
