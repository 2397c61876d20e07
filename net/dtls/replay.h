/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NET_DTLS_REPLAY_H
#define _NET_DTLS_REPLAY_H

#include <linux/types.h>

/*
 * Anti-replay window of RFC 6347 4.1.2.6 for one epoch.  The caller
 * serializes check+update (dtls_key.lock); the functions themselves are
 * pure.  Bit (seq % nbits) of @bits stands for seq in (top - size, top].
 */
struct dtls_replay {
	u64	top;		/* highest sequence number seen */
	u32	size;		/* window in records, as configured */
	u32	nbits;		/* power of two >= size */
	bool	any;		/* top is valid: something was seen */
	unsigned long bits[];
};

struct dtls_replay *dtls_replay_alloc(u32 size, u64 floor, gfp_t gfp);
bool dtls_replay_check(const struct dtls_replay *w, u64 seq);
void dtls_replay_update(struct dtls_replay *w, u64 seq);
u64 dtls_replay_next(const struct dtls_replay *w);

#endif /* _NET_DTLS_REPLAY_H */
