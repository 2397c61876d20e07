// SPDX-License-Identifier: GPL-2.0
/* Probe: proto ioctls take a kernel int pointer (6.5+), not a user arg. */
#include <net/sock.h>

static int kdtls_probe_ioctl(struct sock *sk, int cmd, int *karg)
{
	return 0;
}

struct proto kdtls_probe = { .ioctl = kdtls_probe_ioctl };
