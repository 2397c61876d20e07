// SPDX-License-Identifier: GPL-2.0
/* Probe: inet socket flags are bits read with inet_test_bit() (6.6+). */
#include <net/inet_sock.h>

int kdtls_probe(struct sock *sk);
int kdtls_probe(struct sock *sk)
{
	return inet_test_bit(RECVERR, sk);
}
