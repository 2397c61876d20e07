// SPDX-License-Identifier: GPL-2.0
/* Probe: sk_uid(), which replaced sock_i_uid() (6.16+). */
#include <net/sock.h>

kuid_t kdtls_probe(const struct sock *sk);
kuid_t kdtls_probe(const struct sock *sk)
{
	return sk_uid(sk);
}
