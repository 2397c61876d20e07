/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Handshake message headers, fragmentation and bounded reassembly
 * (RFC 6347 4.2.2, 4.2.3).
 *
 * Reassembly keeps at most DTLS_REASM_AHEAD messages (next_seq and the
 * ones after it) and DTLS_REASM_MAX_BYTES of buffers per session.
 * Duplicate and overlapping fragments are fine; a fragment whose message
 * type or length differs from earlier fragments of the same message is
 * rejected.
 *
 * Context: any; the caller serialises calls on one struct dtls_reasm.
 */
#ifndef _NET_DTLS_REASM_H
#define _NET_DTLS_REASM_H

#include <linux/types.h>

#define DTLS_HS_HEADER_LEN	12	/* type, length(3), seq(2), off(3), len(3) */
#define DTLS_REASM_MAX_MSG	16384	/* longest message accepted */
/* Messages buffered, next_seq included: a whole flight (five, with
 * certificates) and one more.
 */
#define DTLS_REASM_AHEAD	6
#define DTLS_REASM_MAX_BYTES	32768	/* buffer bytes per session */

struct dtls_hs_hdr {
	u8	type;
	u32	length;		/* of the whole message body (24 bits) */
	u16	seq;		/* message_seq */
	u32	frag_off;
	u32	frag_len;
};

/*
 * Parse the 12-byte header at @p; checks that the fragment lies within
 * @avail and within the message.  -EBADMSG otherwise.
 */
int dtls_hs_hdr_parse(const u8 *p, unsigned int avail, struct dtls_hs_hdr *h);
void dtls_hs_hdr_build(u8 *p, const struct dtls_hs_hdr *h);

/* A whole message: @data holds the unfragmented header then the body. */
struct dtls_hs_msg {
	u8	type;
	u16	seq;
	u32	len;		/* body length */
	u8	data[];		/* DTLS_HS_HEADER_LEN + len */
};

static inline const u8 *dtls_hs_msg_body(const struct dtls_hs_msg *m)
{
	return m->data + DTLS_HS_HEADER_LEN;
}

struct dtls_reasm_slot {
	struct dtls_hs_msg	*msg;		/* NULL: slot empty */
	unsigned long		*have;		/* bitmap of body bytes received */
	u32			missing;	/* body bytes still missing */
};

struct dtls_reasm {
	u16			next_seq;	/* the message expected next */
	u32			bytes;		/* buffered, bitmaps included */
	struct dtls_reasm_slot	slot[DTLS_REASM_AHEAD];	/* next_seq + i */
};

/* dtls_reasm_add() results besides errors */
#define DTLS_REASM_STORED	0	/* kept (or a duplicate of what is kept) */
#define DTLS_REASM_OLD		1	/* seq < next_seq: a retransmission */
#define DTLS_REASM_DROPPED	2	/* too far ahead or over budget */

void dtls_reasm_init(struct dtls_reasm *r, u16 next_seq);
/*
 * Add one fragment.  Errors: -EBADMSG (type or length differs from an
 * earlier fragment of the message), -EMSGSIZE (message longer than
 * DTLS_REASM_MAX_MSG), -ENOMEM.
 */
int dtls_reasm_add(struct dtls_reasm *r, const struct dtls_hs_hdr *h,
		   const u8 *frag, gfp_t gfp);
/* The complete message next_seq, moving on to the next; NULL if none. */
struct dtls_hs_msg *dtls_reasm_pop(struct dtls_reasm *r);
/* Frees what is buffered. */
void dtls_reasm_destroy(struct dtls_reasm *r);

#endif /* _NET_DTLS_REASM_H */
