// SPDX-License-Identifier: GPL-2.0
/* Probe: struct proto's recvmsg sets msg_namelen itself, no addr_len (7.x). */
#include <net/sock.h>

static int kdtls_probe_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
			       int flags)
{
	return 0;
}

struct proto kdtls_probe = { .recvmsg = kdtls_probe_recvmsg };
