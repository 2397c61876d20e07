/* SPDX-License-Identifier: GPL-2.0 */
/* How memory made for a remote peer is allocated. */
#ifndef _NET_DTLS_PEER_MEM_H
#define _NET_DTLS_PEER_MEM_H

#include <linux/gfp.h>

/*
 * Memory a peer makes the handshake hold: charged to the socket's memory
 * cgroup (the steps run under it), and never made room for by the OOM
 * killer.  What the peer resends if it is dropped (reassembly, held
 * records) is refused at once; what the handshake cannot go on without
 * once taken (the transcript, the peer's certificate chain, the key
 * exchange, the keys and what the session keeps) is retried first, the
 * handshake failing if it still does not fit.  A listener's session
 * copies the listener's PSKs with DTLS_GFP_PEER.
 */
#define DTLS_GFP_PEER	(GFP_KERNEL_ACCOUNT | __GFP_NORETRY | __GFP_NOWARN)
#define DTLS_GFP_PEER_KEEP \
	(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

#endif /* _NET_DTLS_PEER_MEM_H */
