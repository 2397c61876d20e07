// SPDX-License-Identifier: GPL-2.0
/*
 * Probe: skb_frags_readable() (6.12): an skb's frags may be device memory
 * (net_iov) the CPU cannot read.  Before it, every frag is a page.
 */
#include <linux/skbuff.h>

bool kdtls_probe(const struct sk_buff *skb);
bool kdtls_probe(const struct sk_buff *skb)
{
	return skb_frags_readable(skb);
}
