/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A listener's state (listen.h), shared by listen.c (the socket: listen,
 * accept, close, the sessions' ends) and listen_rx.c (what reaches it:
 * the demultiplexing, the rate limit, the ClientHellos and the sessions
 * they create).  listen.c's top comment has the contexts, locks and
 * lifetimes.
 */
#ifndef _NET_DTLS_LISTENER_H
#define _NET_DTLS_LISTENER_H

#include <linux/cred.h>
#include <linux/rhashtable.h>
#include <linux/rwsem.h>
#include <linux/siphash.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>

#include "dtls.h"

/* ClientHellos waiting for the work, at most. */
#define DTLS_LISTEN_HELLO_MAX		256
/* Below this many handshakes running, a template without cookies is obeyed. */
#define DTLS_LISTEN_COOKIE_FREE		8
/*
 * A handshake this old may make room for a new one when all slots are
 * taken: past a lost flight and its first resend (RTO 1 s) on a slow path.
 */
#define DTLS_LISTEN_EVICT_MS		3000
/*
 * Sessions a restart ended waiting for l->shut_work, at most (it parks
 * those whose owners hold their locks, never waits); past it, a restart
 * waits too.
 */
#define DTLS_LISTEN_SHUT_MAX		256
/* Buckets of the per-source rate limit (a source's address picks one). */
#define DTLS_LISTEN_RL_BUCKETS		1024

struct dtls_listen_bucket {
	u64	last;		/* ns */
	u64	tokens;		/* ns of credit */
};

struct dtls_listener {
	struct dtls_sock	*ds;		/* the listening socket, referenced */
	struct sock		*sk;
	refcount_t		refs;
	spinlock_t		lock;		/* see "Contexts and locks" */
	/*
	 * Held (read) by a child sending its close_notify, (write) by the
	 * listener's close telling an accepted child's peer: the port the
	 * alert leaves from stays the listener's until it is sent.
	 */
	struct rw_semaphore	notify_sem;
	bool			closed;
	/*
	 * No kernel handshake: each session is handed out after the cookie
	 * exchange, its ClientHello queued, for user space's handshake.
	 */
	bool			user;
	struct rhashtable	sessions;	/* children by dtls_peer_key */
	struct list_head	children;	/* all of them, c->all */
	struct list_head	pending;	/* handshakes, oldest first, c->ready */
	struct list_head	ready;		/* established, c->ready */
	struct list_head	reap;		/* to release, c->ready */
	struct list_head	shut;		/* to shut (restart), c->ready */
	u32			n_sessions;
	u32			n_pending;
	u32			n_ready;
	u32			n_shut;		/* on @shut */
	u32			backlog;
	struct sk_buff_head	hello;		/* ClientHellos for the work */
	u32			hello_bytes;	/* their truesize, hello.lock */
	struct work_struct	work;
	struct work_struct	shut_work;	/* @shut, see listen.c */
	struct delayed_work	expire_work;
	const struct cred	*cred;		/* of listen()'s caller */
	siphash_key_t		rl_key;
	spinlock_t		rl_lock;	/* the buckets, softirq only */
	struct dtls_listen_bucket rl[DTLS_LISTEN_RL_BUCKETS];
	struct rcu_work		free_work;
};

static const struct rhashtable_params dtls_listen_rht __maybe_unused = {
	.key_len		= sizeof(struct dtls_peer_key),
	.key_offset		= offsetof(struct dtls_sock, child.key),
	.head_offset		= offsetof(struct dtls_sock, child.node),
	.automatic_shrinking	= true,
};

/* listen.c */
void dtls_listen_put(struct dtls_listener *l);
bool dtls_listen_unlink(struct dtls_listener *l, struct dtls_sock *c);
void dtls_listen_kick(struct dtls_listener *l);
void dtls_listen_shut(struct dtls_sock *c, bool notify, int err);
void dtls_listen_shut_later(struct dtls_listener *l, struct dtls_sock *c);
void dtls_listen_shut_deferred(struct dtls_sock *c);

/* listen_rx.c */
void dtls_listen_work(struct work_struct *work);

#endif /* _NET_DTLS_LISTENER_H */
