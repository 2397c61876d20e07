// SPDX-License-Identifier: GPL-2.0
/* Probe: sk_drops_inc(), a socket's drops per NUMA node for UDP (7.x). */
#include <net/sock.h>

void kdtls_probe(struct sock *sk);
void kdtls_probe(struct sock *sk)
{
	sk_drops_inc(sk);
}
