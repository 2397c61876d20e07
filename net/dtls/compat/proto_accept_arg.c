// SPDX-License-Identifier: GPL-2.0
/* Probe: proto_ops.accept takes a struct proto_accept_arg (6.10+). */
#include <linux/net.h>

static int kdtls_probe_accept(struct socket *sock, struct socket *newsock,
			      struct proto_accept_arg *arg)
{
	return 0;
}

const struct proto_ops kdtls_probe = { .accept = kdtls_probe_accept };
