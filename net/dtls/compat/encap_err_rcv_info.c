// SPDX-License-Identifier: GPL-2.0
/* Probe: encap_err_rcv gets err, port, info and payload (6.2+). */
#include <linux/udp.h>

static void kdtls_probe_err(struct sock *sk, struct sk_buff *skb, int err,
			    __be16 port, u32 info, u8 *payload)
{
}

void kdtls_probe(struct udp_sock *up);
void kdtls_probe(struct udp_sock *up)
{
	up->encap_err_rcv = kdtls_probe_err;
}
