// SPDX-License-Identifier: GPL-2.0
/*
 * Probe: skb_splice_from_iter(), with which UDP takes the pages of a
 * send's iterator for MSG_SPLICE_PAGES (6.5).  Some older kernels define
 * the flag (to block it from user space) without honouring it.  Its
 * arguments are not probed: 7.x dropped the gfp one, and we do not call it.
 */
#include <linux/skbuff.h>

typeof(skb_splice_from_iter) *kdtls_probe = skb_splice_from_iter;
