// SPDX-License-Identifier: GPL-2.0
/*
 * Probe: net.core.max_skb_frags in struct net_hotdata (6.9), where UDP's
 * splice reads its frag limit; before, the exported sysctl_max_skb_frags.
 */
/* <net/hotdata.h> pulls in headers that log, which want a module name. */
#define KBUILD_MODNAME "kdtls_probe"
#include <net/hotdata.h>

int *kdtls_probe = &net_hotdata.sysctl_max_skb_frags;
