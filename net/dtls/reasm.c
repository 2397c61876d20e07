// SPDX-License-Identifier: GPL-2.0
/*
 * Handshake message headers and bounded reassembly (RFC 6347 4.2.2,
 * 4.2.3).
 *
 * Slot i of a struct dtls_reasm holds message next_seq + i.  A message
 * gets its buffer (header in unfragmented form, then the body) from its
 * first fragment; while fragments are missing a byte bitmap records which
 * body bytes arrived, so duplicates and overlaps are harmless: only bytes
 * not yet received are copied (on conflicting overlaps the first copy
 * wins).  A message that arrives whole needs no bitmap, and the bitmap is
 * freed as soon as the message is complete.  Buffers and bitmaps count
 * against DTLS_REASM_MAX_BYTES.
 *
 * Pure code, context: any (allocations use the caller's gfp); the caller
 * serialises the calls on one struct dtls_reasm.
 */

#include <linux/bitmap.h>
#include <linux/errno.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat/compat.h"
#include "reasm.h"

#define DTLS_HS_LEN_MAX		0xffffffU	/* 24-bit fields */

/**
 * dtls_hs_hdr_parse - parse a handshake header
 * @p: the header, followed by the fragment
 * @avail: bytes readable at @p
 * @h: result
 *
 * Return: 0, or -EBADMSG if the header or the fragment does not fit in
 * @avail or the fragment lies beyond the end of the message.
 */
int dtls_hs_hdr_parse(const u8 *p, unsigned int avail, struct dtls_hs_hdr *h)
{
	if (avail < DTLS_HS_HEADER_LEN)
		return -EBADMSG;
	h->type = p[0];
	h->length = get_unaligned_be24(p + 1);
	h->seq = get_unaligned_be16(p + 4);
	h->frag_off = get_unaligned_be24(p + 6);
	h->frag_len = get_unaligned_be24(p + 9);
	/* All three are below 2^24: the sum cannot overflow. */
	if (h->frag_len > avail - DTLS_HS_HEADER_LEN ||
	    h->frag_off + h->frag_len > h->length)
		return -EBADMSG;
	return 0;
}

/**
 * dtls_hs_hdr_build - write a handshake header
 * @p: DTLS_HS_HEADER_LEN bytes
 * @h: the header; the 24-bit fields are truncated to 24 bits
 */
void dtls_hs_hdr_build(u8 *p, const struct dtls_hs_hdr *h)
{
	p[0] = h->type;
	put_unaligned_be24(h->length & DTLS_HS_LEN_MAX, p + 1);
	put_unaligned_be16(h->seq, p + 4);
	put_unaligned_be24(h->frag_off & DTLS_HS_LEN_MAX, p + 6);
	put_unaligned_be24(h->frag_len & DTLS_HS_LEN_MAX, p + 9);
}

void dtls_reasm_init(struct dtls_reasm *r, u16 next_seq)
{
	memset(r, 0, sizeof(*r));
	r->next_seq = next_seq;
}

/* What a message of @len body bytes costs against the budget. */
static u32 dtls_reasm_msg_cost(u32 len)
{
	struct dtls_hs_msg *m;

	return struct_size(m, data, DTLS_HS_HEADER_LEN + len);
}

static u32 dtls_reasm_bitmap_cost(u32 len)
{
	return BITS_TO_LONGS(len) * sizeof(unsigned long);
}

static void dtls_reasm_free_bitmap(struct dtls_reasm *r,
				   struct dtls_reasm_slot *s)
{
	if (!s->have)
		return;
	r->bytes -= dtls_reasm_bitmap_cost(s->msg->len);
	bitmap_free(s->have);
	s->have = NULL;
}

static void dtls_reasm_free_slot(struct dtls_reasm *r,
				 struct dtls_reasm_slot *s)
{
	if (!s->msg)
		return;
	dtls_reasm_free_bitmap(r, s);
	r->bytes -= dtls_reasm_msg_cost(s->msg->len);
	kfree(s->msg);
	s->msg = NULL;
	s->missing = 0;
}

/* A new message from its first fragment @h; the data is copied later. */
static int dtls_reasm_new(struct dtls_reasm *r, struct dtls_reasm_slot *s,
			  const struct dtls_hs_hdr *h, gfp_t gfp)
{
	bool whole = h->frag_off == 0 && h->frag_len == h->length;
	u32 cost = dtls_reasm_msg_cost(h->length);
	struct dtls_hs_hdr uh = {
		.type = h->type,
		.length = h->length,
		.seq = h->seq,
		.frag_off = 0,
		.frag_len = h->length,
	};
	struct dtls_hs_msg *m;

	if (!whole)
		cost += dtls_reasm_bitmap_cost(h->length);
	if (cost > DTLS_REASM_MAX_BYTES - r->bytes)
		return DTLS_REASM_DROPPED;

	m = kmalloc(dtls_reasm_msg_cost(h->length), gfp);
	if (!m)
		return -ENOMEM;
	if (!whole) {
		s->have = bitmap_zalloc(h->length, gfp);
		if (!s->have) {
			kfree(m);
			return -ENOMEM;
		}
	}
	m->type = h->type;
	m->seq = h->seq;
	m->len = h->length;
	dtls_hs_hdr_build(m->data, &uh);
	s->msg = m;
	s->missing = h->length;
	r->bytes += cost;
	return DTLS_REASM_STORED;
}

/* Copy the bytes of the fragment that were not received yet. */
static void dtls_reasm_fill(struct dtls_reasm_slot *s,
			    const struct dtls_hs_hdr *h, const u8 *frag)
{
	u8 *body = s->msg->data + DTLS_HS_HEADER_LEN;
	u32 end = h->frag_off + h->frag_len;
	u32 a = h->frag_off, b;

	if (!s->have) {		/* a new message arriving whole */
		if (h->frag_len)
			memcpy(body, frag, h->frag_len);
		s->missing = 0;
		return;
	}
	while (a < end) {
		a = find_next_zero_bit(s->have, end, a);
		if (a >= end)
			break;
		b = find_next_bit(s->have, end, a);
		memcpy(body + a, frag + (a - h->frag_off), b - a);
		bitmap_set(s->have, a, b - a);
		s->missing -= b - a;
		a = b;
	}
}

/**
 * dtls_reasm_add - add one handshake fragment
 * @r: the reassembly state
 * @h: its header (as dtls_hs_hdr_parse() returned it)
 * @frag: @h->frag_len bytes
 * @gfp: allocation flags
 *
 * Return: DTLS_REASM_STORED (also for a duplicate), DTLS_REASM_OLD for a
 * message before next_seq, DTLS_REASM_DROPPED for one too far ahead or
 * over the budget; -EBADMSG if the type or the length differs from an
 * earlier fragment of the message (which stays as it was), -EMSGSIZE for
 * a message longer than DTLS_REASM_MAX_MSG, -ENOMEM.
 */
int dtls_reasm_add(struct dtls_reasm *r, const struct dtls_hs_hdr *h,
		   const u8 *frag, gfp_t gfp)
{
	u16 ahead = (u16)(h->seq - r->next_seq);
	struct dtls_reasm_slot *s;
	int ret;

	/* seq in the 2^15 before next_seq: already delivered. */
	if (ahead >= 0x8000)
		return DTLS_REASM_OLD;
	if (ahead >= DTLS_REASM_AHEAD)
		return DTLS_REASM_DROPPED;
	/* Not relying on the caller having used dtls_hs_hdr_parse(). */
	if (h->frag_len > h->length || h->frag_off > h->length - h->frag_len)
		return -EBADMSG;
	if (h->length > DTLS_REASM_MAX_MSG)
		return -EMSGSIZE;

	s = &r->slot[ahead];
	if (s->msg) {
		if (h->type != s->msg->type || h->length != s->msg->len)
			return -EBADMSG;
		if (!s->missing)
			return DTLS_REASM_STORED;
	} else {
		ret = dtls_reasm_new(r, s, h, gfp);
		if (ret != DTLS_REASM_STORED)
			return ret;
	}
	dtls_reasm_fill(s, h, frag);
	if (!s->missing)
		dtls_reasm_free_bitmap(r, s);
	return DTLS_REASM_STORED;
}

/**
 * dtls_reasm_pop - take the next message if it is complete
 * @r: the reassembly state
 *
 * Return: message next_seq, which the caller frees with kfree(), and
 * next_seq moves on; NULL if it is not complete (yet).
 */
struct dtls_hs_msg *dtls_reasm_pop(struct dtls_reasm *r)
{
	struct dtls_reasm_slot *s = &r->slot[0];
	struct dtls_hs_msg *m = s->msg;

	if (!m || s->missing)
		return NULL;
	/* Complete: its bitmap is gone already. */
	r->bytes -= dtls_reasm_msg_cost(m->len);
	memmove(&r->slot[0], &r->slot[1],
		sizeof(r->slot[0]) * (DTLS_REASM_AHEAD - 1));
	memset(&r->slot[DTLS_REASM_AHEAD - 1], 0, sizeof(r->slot[0]));
	r->next_seq++;
	return m;
}

void dtls_reasm_destroy(struct dtls_reasm *r)
{
	int i;

	for (i = 0; i < DTLS_REASM_AHEAD; i++)
		dtls_reasm_free_slot(r, &r->slot[i]);
	WARN_ON_ONCE(r->bytes);
	r->bytes = 0;
}
