// SPDX-License-Identifier: GPL-2.0
/* Probe: struct proto's connect takes a struct sockaddr_unsized (7.x). */
#include <net/sock.h>

static int kdtls_probe_connect(struct sock *sk, struct sockaddr_unsized *uaddr,
			       int addr_len)
{
	return 0;
}

struct proto kdtls_probe = { .connect = kdtls_probe_connect };
