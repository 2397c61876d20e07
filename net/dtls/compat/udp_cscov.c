// SPDX-License-Identifier: GPL-2.0
/* Probe: UDP-Lite's checksum coverage in UDP's skb cb (gone in 7.x). */
/* <net/udp.h> logs with net_dbg_ratelimited(), which wants a module name. */
#define KBUILD_MODNAME "kdtls_probe"
#include <net/udp.h>

static int __maybe_unused kdtls_probe(struct sk_buff *skb)
{
	return UDP_SKB_CB(skb)->cscov;
}
