// SPDX-License-Identifier: GPL-2.0
/*
 * Anti-replay window (RFC 6347 4.1.2.6).
 *
 * A record is checked before it is decrypted and the window is updated
 * only after it authenticated, so a forged record never moves it.  The
 * bitmap is circular: bit (seq % nbits) stands for seq while seq is within
 * the window, so advancing never shifts memory, it clears the bits that
 * fall out.  Pure code: callers provide the locking.
 */

#include <linux/bitmap.h>
#include <linux/log2.h>
#include <linux/slab.h>

#include "replay.h"

/**
 * dtls_replay_alloc - a window of @size records
 * @size: window size, DTLS_REPLAY_WINDOW_MIN..MAX (checked by the caller)
 * @floor: lowest sequence number to accept; those below count as seen
 * @gfp: allocation flags
 */
struct dtls_replay *dtls_replay_alloc(u32 size, u64 floor, gfp_t gfp)
{
	u32 nbits = roundup_pow_of_two(max_t(u32, size, BITS_PER_LONG));
	struct dtls_replay *w;

	w = kzalloc(struct_size(w, bits, BITS_TO_LONGS(nbits)), gfp);
	if (!w)
		return NULL;
	w->size = size;
	w->nbits = nbits;
	if (floor) {
		/* As if every record up to floor - 1 had been received. */
		w->top = floor - 1;
		w->any = true;
		bitmap_fill(w->bits, nbits);
	}
	return w;
}

/* May a record with @seq be accepted (if it authenticates)? */
bool dtls_replay_check(const struct dtls_replay *w, u64 seq)
{
	if (!w->any || seq > w->top)
		return true;
	if (w->top - seq >= w->size)
		return false;		/* too old: left the window */
	return !test_bit(seq & (w->nbits - 1), w->bits);
}

/* Record @seq authenticated: mark it, advancing the window if it is new. */
void dtls_replay_update(struct dtls_replay *w, u64 seq)
{
	if (!w->any) {
		w->any = true;
		w->top = seq;
	} else if (seq > w->top) {
		u64 gap = seq - w->top;

		if (gap >= w->nbits) {
			bitmap_zero(w->bits, w->nbits);
		} else {
			u64 s;

			for (s = w->top + 1; s < seq; s++)
				__clear_bit(s & (w->nbits - 1), w->bits);
		}
		w->top = seq;
	}
	__set_bit(seq & (w->nbits - 1), w->bits);
}

/* One above the highest sequence number seen (0 if none). */
u64 dtls_replay_next(const struct dtls_replay *w)
{
	return w->any ? w->top + 1 : 0;
}
