/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Peer authentication by a certificate chain to a trust anchor held in a
 * kernel keyring (chain.c), with the name the end-entity must hold.
 */
#ifndef _NET_DTLS_CHAIN_H
#define _NET_DTLS_CHAIN_H

#include <linux/types.h>

struct key;
struct dtls_cert_list;

int dtls_chain_check(struct key *keyring, const char *name,
		     const struct dtls_cert_list *cl, s64 now, u8 *alert);

#endif /* _NET_DTLS_CHAIN_H */
