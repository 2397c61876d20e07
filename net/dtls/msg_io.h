/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bounded cursors the message parsers and builders use (msg.c,
 * msg_cert.c): a reader that never goes past what is left, and a writer
 * that never writes past its room and remembers that something did not
 * fit.  Pure code, any context.
 */
#ifndef _NET_DTLS_MSG_IO_H
#define _NET_DTLS_MSG_IO_H

#include <linux/errno.h>
#include <linux/string.h>
#include <linux/types.h>

#include "compat/compat.h"

/* ---- reading ---- */

struct msg_rd {
	const u8	*p;
	u32		left;
};

static inline bool msg_rd_bytes(struct msg_rd *r, u32 n, const u8 **v)
{
	if (r->left < n)
		return false;
	*v = r->p;
	r->p += n;
	r->left -= n;
	return true;
}

static inline bool msg_rd_u8(struct msg_rd *r, u8 *v)
{
	if (r->left < 1)
		return false;
	*v = r->p[0];
	r->p++;
	r->left--;
	return true;
}

static inline bool msg_rd_u16(struct msg_rd *r, u16 *v)
{
	if (r->left < 2)
		return false;
	*v = get_unaligned_be16(r->p);
	r->p += 2;
	r->left -= 2;
	return true;
}

/* opaque x<0..2^8-1> */
static inline bool msg_rd_vec8(struct msg_rd *r, const u8 **v, u8 *len)
{
	return msg_rd_u8(r, len) && msg_rd_bytes(r, *len, v);
}

/* opaque x<0..2^16-1> */
static inline bool msg_rd_vec16(struct msg_rd *r, const u8 **v, u16 *len)
{
	return msg_rd_u16(r, len) && msg_rd_bytes(r, *len, v);
}

/* ---- writing ---- */

struct msg_wr {
	u8		*out;
	unsigned int	cap;
	unsigned int	len;
	bool		full;	/* a write did not fit: -EMSGSIZE */
};

static inline void msg_wr_bytes(struct msg_wr *w, const void *v, unsigned int n)
{
	if (w->full || w->cap - w->len < n) {
		w->full = true;
		return;
	}
	if (n)
		memcpy(w->out + w->len, v, n);
	w->len += n;
}

static inline void msg_wr_u8(struct msg_wr *w, u8 v)
{
	msg_wr_bytes(w, &v, 1);
}

static inline void msg_wr_u16(struct msg_wr *w, u16 v)
{
	u8 b[2];

	put_unaligned_be16(v, b);
	msg_wr_bytes(w, b, 2);
}

static inline int msg_wr_end(const struct msg_wr *w)
{
	return w->full ? -EMSGSIZE : w->len;
}

/* opaque x<0..2^24-1> */
static inline bool msg_rd_vec24(struct msg_rd *r, const u8 **v, u32 *len)
{
	const u8 *b;

	if (!msg_rd_bytes(r, 3, &b))
		return false;
	*len = (b[0] << 16) | (b[1] << 8) | b[2];
	return msg_rd_bytes(r, *len, v);
}

static inline void msg_wr_u24(struct msg_wr *w, u32 v)
{
	u8 b[3] = { v >> 16, v >> 8, v };

	msg_wr_bytes(w, b, 3);
}

#endif /* _NET_DTLS_MSG_IO_H */
