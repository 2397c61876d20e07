/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Listening sockets (listen.c): one bound UDP socket, many peers.  Each
 * peer that returns a valid cookie gets a child socket of its own, which
 * runs the handshake and, once established, is handed to the application
 * by accept(2).  The listener finds a child by the peer's address in its
 * own table: the children are not in UDP's hash, so the cost of a record
 * does not grow with the number of peers.
 *
 * Included by dtls.h: the per-socket part is embedded in struct dtls_sock.
 */
#ifndef _NET_DTLS_LISTEN_H
#define _NET_DTLS_LISTEN_H

#include <linux/list.h>
#include <linux/rhashtable-types.h>
#include <linux/types.h>

struct dtls_listener;
struct dtls_listen_info;
struct dtls_sock;
struct sk_buff;
struct socket;
struct sock;

/*
 * A peer's address, the key of a listener's table.  An IPv4 peer of an
 * AF_INET6 listener is AF_INET here, as on the wire.  Room is left for a
 * Connection ID (RFC 9146) as a second key.
 */
struct dtls_peer_key {
	__be32	addr[4];
	__be16	port;
	u16	family;
	int	ifindex;	/* of an IPv6 link-local address, else 0 */
};

enum dtls_child_state {
	DTLS_CHILD_NONE,	/* not a listener's child */
	DTLS_CHILD_PENDING,	/* its handshake runs */
	DTLS_CHILD_READY,	/* established, waits for accept() */
	DTLS_CHILD_ACCEPTED,	/* the application's */
	DTLS_CHILD_GONE,	/* failed or expired: to release */
};

/*
 * A child socket's link to its listener.  @state, @ready and @all change
 * under the listener's lock; @l and @key are set once, before the child
 * is in the table.  @sock is the child's struct socket while the listener
 * owns it (until accept()).
 */
struct dtls_sock_child {
	struct rhash_head	node;		/* in l->sessions */
	struct dtls_peer_key	key;
	struct dtls_listener	*l;		/* a reference, NULL: no parent */
	struct socket		*sock;
	struct list_head	all;		/* l->children */
	/* l->pending, l->ready, l->reap, or l->shut (a restart ended it) */
	struct list_head	ready;
	u32			hello_id;	/* its ClientHello's random, hashed */
	u32			ready_at;	/* jiffies: dtls_child_waited() */
	u8			state;		/* enum dtls_child_state */
	bool			linked;		/* in l->sessions and l->children */
	/* Its listener closed, or a restart ended it: shut down */
	bool			orphaned;
	bool			user;		/* its handshake is user space's */
	/* Its close_notify went (its close and its listener's race). */
	bool			notified;	/* under lock_sock() */
	/* Its listener's shut gave its reader an error (ECONNRESET). */
	bool			reset;
};

/*
 * How long the session has waited since @ready_at, in jiffies: in 32 bits,
 * as it waits an hour at most (DTLS_LISTEN_ACCEPT_MS, the handshake's
 * time-out), which keeps struct dtls_sock in 512 bytes.
 */
static inline u32 dtls_child_waited(const struct dtls_sock_child *ch)
{
	return (u32)jiffies - ch->ready_at;
}

/* A socket's listening limits, settable before listen(2) (SOL_DTLS). */
struct dtls_listen_params {
	u32	max_pending;
	u32	accept_ms;
	u32	rate;
};

void dtls_listen_params_init(struct dtls_sock *ds);
int dtls_listen(struct socket *sock, int backlog);
int dtls_listen_accept(struct socket *sock, struct socket *newsock,
		       int flags, bool kern);
int dtls_listen_rcv(struct dtls_sock *ds, struct dtls_listener *l,
		    struct sk_buff *skb);
bool dtls_listen_child_hello(struct dtls_sock *ds, struct sk_buff *skb);
void dtls_listen_close(struct dtls_sock *ds);
struct sock *dtls_listen_err_child(struct dtls_sock *ds, struct sk_buff *skb,
				   __be16 port);
void dtls_listen_child_close(struct dtls_sock *ds);
void dtls_listen_child_done(struct dtls_sock *ds, bool established);
bool dtls_listen_get_info(struct dtls_sock *ds, struct dtls_listen_info *li);
int dtls_listen_setsockopt(struct dtls_sock *ds, int optname, u32 val);
int dtls_listen_getsockopt(struct dtls_sock *ds, int optname, u32 *val);
bool dtls_listen_readable(struct dtls_sock *ds);

#endif /* _NET_DTLS_LISTEN_H */
