// SPDX-License-Identifier: GPL-2.0
/*
 * Probe: skb_splice_from_iter(), with which UDP takes the pages of a
 * send's iterator for MSG_SPLICE_PAGES (6.5).  Some older kernels define
 * the flag (to block it from user space) without honouring it.
 */
#include <linux/skbuff.h>

ssize_t (*kdtls_probe)(struct sk_buff *skb, struct iov_iter *iter,
		       ssize_t maxsize, gfp_t gfp) = skb_splice_from_iter;
