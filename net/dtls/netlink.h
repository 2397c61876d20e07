/* SPDX-License-Identifier: GPL-2.0 */
/* The "dtls" generic netlink family, shared by netlink.c and netlink_hs.c. */
#ifndef _DTLS_NETLINK_H
#define _DTLS_NETLINK_H

#include <net/genetlink.h>

extern struct genl_family dtls_nl_family;

#endif
