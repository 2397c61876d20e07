// SPDX-License-Identifier: GPL-2.0
/*
 * Listening sockets: one bound UDP socket, many peers (listen.h).
 *
 * listen(2) on an attached, bound, unconnected socket whose handshake is
 * configured as a server (and not started) makes it a listener; that
 * configuration is the template of every session's.  A datagram at the
 * listener goes, by the peer's address:
 *  - to the peer's child socket, if the listener's table has one
 *    (dtls_rx_child(): the child's handshake, or its record layer);
 *  - if it is not DTLS, to the listener's own UDP queue, as plain UDP;
 *  - if it is a ClientHello, past the per-source rate limit, to the
 *    listener's work, which checks its cookie (HelloVerifyRequest if
 *    there is none) and, within max-pending and the backlog, creates a
 *    child socket for the peer and starts the child's handshake with it;
 *  - otherwise it is dropped and counted.
 * An established child waits on the listener's ready list for accept(2),
 * which grafts it onto the new socket accept made; one never accepted
 * goes after accept-ms.
 *
 * Why accept(2): the application gets a socket per session the way it
 * does from a TCP listener, with the peer's address, O_NONBLOCK and
 * O_CLOEXEC, LSM and fd limits checked where a socket is made; poll on the
 * listener means "a session is ready" as for TCP.  A netlink request could
 * not hand a file descriptor to another process safely, and an ioctl would
 * reinvent accept4's arguments.
 *
 * The children are UDP sockets of the listener's family, created by the
 * listener's work with the credentials of whoever called listen(),
 * bound to the address the ClientHello came to and the listener's port,
 * and connected to the peer, but never put in UDP's hash: the listener's
 * table finds them, so the cost of a record does not grow with the
 * number of peers (UDP scans every connected socket of a port on
 * kernels before 6.13).  They are freed after an RCU grace period
 * (SOCK_RCU_FREE), as UDP's hashed sockets are, for the softirq lookup.
 *
 * Closing a child ends its session alone.  Closing the listener ends the
 * handshakes it runs and the sessions never accepted; accepted children
 * can no longer receive (nothing delivers their datagrams) and are shut
 * down: their reads end with 0 once their queue is empty, their sends
 * fail with EPIPE.
 *
 * Contexts and locks:
 *  - dtls_listen_rcv(): softirq, rcu_read_lock() (UDP's encap_rcv); the
 *    table lookup is RCU, a child found is used under a reference on its
 *    sock taken with refcount_inc_not_zero().
 *  - l->lock (spinlock, BHs off) protects the counts, the lists, the
 *    table's membership (insertion and removal; lookups need no lock) and
 *    l->closed.  Nothing sleeps under it; it nests inside no other of ours
 *    but rxq.lock is never taken under it.
 *  - l->work (process): the hellos, creating children, releasing the
 *    children to reap.  l->expire_work: the sessions never accepted.
 *    Neither runs once dtls_listen_close() has cancelled them, and
 *    neither is queued again once l->closed is set.
 *  - dtls_listen_child_done(): the child's handshake work (or a netlink
 *    handler), under the child's hs->lock.
 *  - accept: process, the listener's file held.
 *
 * Lifetime: l->refs, one for the listening socket (dropped at its close)
 * and one per child that still names it (dropped at the child's close).
 * l holds a reference on the listener's struct dtls_sock, so the module
 * stays until l is freed, a grace period after the last put (softirq
 * readers reach it through ds->listener).  A child is owned by the
 * listener (c->sock) until accepted; the table and the lists never hold
 * a child that is closing: its close, or whoever releases it, unlinks it
 * first under l->lock.
 */

#include <linux/cred.h>
#include <linux/filter.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/net.h>
#include <linux/rhashtable.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/transp_v6.h>
#include <net/udp.h>

#include <uapi/linux/dtls.h>

#include "dtls.h"
#include "handshake.h"
#include "trace.h"

/* ClientHellos waiting for the work, at most. */
#define DTLS_LISTEN_HELLO_MAX		256
/* Below this many handshakes running, a template without cookies is obeyed. */
#define DTLS_LISTEN_COOKIE_FREE		8
/* A handshake this old may make room for a new one when all slots are taken. */
#define DTLS_LISTEN_EVICT_MS		1000
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
	bool			closed;
	struct rhashtable	sessions;	/* children by dtls_peer_key */
	struct list_head	children;	/* all of them, c->all */
	struct list_head	pending;	/* handshakes, oldest first, c->ready */
	struct list_head	ready;		/* established, c->ready */
	struct list_head	reap;		/* to release, c->ready */
	u32			n_sessions;
	u32			n_pending;
	u32			n_ready;
	u32			backlog;
	struct sk_buff_head	hello;		/* ClientHellos for the work */
	u32			hello_bytes;	/* their truesize, hello.lock */
	struct work_struct	work;
	struct delayed_work	expire_work;
	const struct cred	*cred;		/* of listen()'s caller */
	siphash_key_t		rl_key;
	spinlock_t		rl_lock;	/* the buckets, softirq only */
	struct dtls_listen_bucket rl[DTLS_LISTEN_RL_BUCKETS];
	struct rcu_work		free_work;
};

static const struct rhashtable_params dtls_listen_rht = {
	.key_len		= sizeof(struct dtls_peer_key),
	.key_offset		= offsetof(struct dtls_sock, child.key),
	.head_offset		= offsetof(struct dtls_sock, child.node),
	.automatic_shrinking	= true,
};

/* --------------------------------------------------------------- helpers */

static void dtls_listen_free_work(struct work_struct *work)
{
	struct dtls_listener *l = container_of(to_rcu_work(work),
					       struct dtls_listener, free_work);

	rhashtable_destroy(&l->sessions);
	skb_queue_purge(&l->hello);
	put_cred(l->cred);
	dtls_sock_put(l->ds);
	kvfree(l);
}

static void dtls_listen_put(struct dtls_listener *l)
{
	if (!refcount_dec_and_test(&l->refs))
		return;
	INIT_RCU_WORK(&l->free_work, dtls_listen_free_work);
	queue_rcu_work(dtls_wq, &l->free_work);
}

/* The peer of a datagram (its IP and UDP headers are intact). */
static void dtls_listen_key(const struct sk_buff *skb, struct dtls_peer_key *k)
{
	memset(k, 0, sizeof(*k));
	k->port = udp_hdr(skb)->source;
	if (ip_hdr(skb)->version == 6) {
		k->family = AF_INET6;
		memcpy(k->addr, &ipv6_hdr(skb)->saddr, sizeof(k->addr));
		/* fe80::1 on two links are two peers. */
		if (ipv6_addr_type(&ipv6_hdr(skb)->saddr) & IPV6_ADDR_LINKLOCAL)
			k->ifindex = inet6_iif(skb);
	} else {
		k->family = AF_INET;
		k->addr[0] = ip_hdr(skb)->saddr;
	}
}

static struct dtls_listener *dtls_listener_of(struct dtls_sock *ds)
{
	return rcu_dereference_protected(ds->listener, true);
}

/*
 * Take @c out of the table and the lists, and out of the counts.
 * Under l->lock; true if it was in.
 */
static bool dtls_listen_unlink(struct dtls_listener *l, struct dtls_sock *c)
{
	struct dtls_sock_child *ch = &c->child;

	lockdep_assert_held(&l->lock);
	if (!ch->linked)
		return false;
	rhashtable_remove_fast(&l->sessions, &ch->node, dtls_listen_rht);
	list_del_init(&ch->all);
	list_del_init(&ch->ready);
	if (ch->state == DTLS_CHILD_PENDING)
		l->n_pending--;
	else if (ch->state == DTLS_CHILD_READY)
		l->n_ready--;
	l->n_sessions--;
	ch->linked = false;
	return true;
}

/* Queue the work, unless the listener is closing.  Under l->lock. */
static void dtls_listen_kick(struct dtls_listener *l)
{
	lockdep_assert_held(&l->lock);
	if (!l->closed)
		queue_work(dtls_wq, &l->work);
}

/* ------------------------------------------------------- per-source rate */

/*
 * A token bucket per source address (its port does not count: a flood
 * from many ports of one host is one source), WireGuard's ratelimiter in
 * spirit, in a fixed table: sources that share a bucket share a rate,
 * and no flood of addresses allocates anything.  Context: softirq.
 */
static bool dtls_listen_rate_ok(struct dtls_listener *l,
				const struct dtls_peer_key *k)
{
	u32 rate = READ_ONCE(l->ds->listen.rate);
	u64 cost = NSEC_PER_SEC / rate;
	u64 burst = cost * rate;
	struct dtls_listen_bucket *b;
	u64 now, tokens;
	bool ok;

	/* An IPv6 host has a /64 to pick from: that is the source. */
	b = &l->rl[siphash(k->addr, k->family == AF_INET6 ? 8 : 4,
			   &l->rl_key) % DTLS_LISTEN_RL_BUCKETS];
	spin_lock(&l->rl_lock);
	/* Under the lock: a clock read before it could run backwards. */
	now = ktime_get_ns();
	tokens = min(b->tokens + (now - b->last), burst);
	b->last = now;
	ok = tokens >= cost;
	b->tokens = ok ? tokens - cost : tokens;
	spin_unlock(&l->rl_lock);
	return ok;
}

/* ------------------------------------------------------------- receiving */

static void dtls_listen_drop(struct dtls_sock *ds, struct sk_buff *skb,
			     enum dtls_stat s)
{
	dtls_net_stat_add(sock_net(ds->sk), s, 1);
	trace_dtls_drop(ds, DTLS_DROP_LISTEN, 0, 0, skb->len);
	kfree_skb(skb);
}

/*
 * The first record looks like a ClientHello: handshake, epoch 0, type 1.
 * The work checks the rest.
 */
static bool dtls_listen_looks_hello(const struct sk_buff *skb)
{
	u8 buf[DTLS_HEADER_LEN + 1];
	const u8 *p;

	p = skb_header_pointer(skb, sizeof(struct udphdr), sizeof(buf), buf);
	return p && p[0] == DTLS_RECORD_TYPE_HANDSHAKE && !p[3] && !p[4] &&
	       p[DTLS_HEADER_LEN] == DTLS_HS_CLIENT_HELLO;
}

static void dtls_listen_hello_queue(struct dtls_listener *l,
				    struct sk_buff *skb)
{
	u32 cap = max_t(u32, READ_ONCE(l->sk->sk_rcvbuf), 64 * 1024);
	bool queued = false;

	__skb_pull(skb, sizeof(struct udphdr));
	skb_dst_drop(skb);
	spin_lock(&l->hello.lock);
	if (skb_queue_len(&l->hello) < DTLS_LISTEN_HELLO_MAX &&
	    l->hello_bytes + skb->truesize <= cap) {
		__skb_queue_tail(&l->hello, skb);
		l->hello_bytes += skb->truesize;
		queued = true;
	}
	spin_unlock(&l->hello.lock);
	if (!queued) {
		dtls_listen_drop(l->ds, skb, DTLS_STAT_LISTEN_QUEUE_FULL);
		return;
	}
	spin_lock(&l->lock);
	dtls_listen_kick(l);
	spin_unlock(&l->lock);
}

/**
 * dtls_listen_rcv - a datagram at a listening socket
 * @ds: the listener
 * @l: its ds->listener, as the caller read it
 * @skb: data at the UDP header, checksum verified
 *
 * Context: softirq, rcu_read_lock() held (UDP's encap_rcv).
 * Return: as encap_rcv: >0 for UDP to queue it on the listener, 0 if
 * consumed.
 */
int dtls_listen_rcv(struct dtls_sock *ds, struct dtls_listener *l,
		    struct sk_buff *skb)
{
	struct dtls_peer_key key;
	struct dtls_sock *c;
	u8 b;
	const u8 *first;

	dtls_listen_key(skb, &key);
	c = rhashtable_lookup(&l->sessions, &key, dtls_listen_rht);
	if (!c) {
		first = skb_header_pointer(skb, sizeof(struct udphdr), 1, &b);
		if (!first || !dtls_first_byte_is_dtls(*first))
			return 1;	/* plain UDP, for the listener's reader */
	}

	/*
	 * What we consume passes the listener's filter, cgroup ingress BPF
	 * and LSM hook, as UDP's would: the sessions' sockets were made by
	 * a kernel worker, in no cgroup of the application's.
	 */
	if (sk_filter_trim_cap(ds->sk, skb, sizeof(struct udphdr))) {
		atomic_inc(&ds->sk->sk_drops);
		dtls_stat_inc(ds, DTLS_STAT_RX_DROPPED);
		trace_dtls_drop(ds, DTLS_DROP_FILTER, 0, 0, skb->len);
		kfree_skb(skb);
		return 0;
	}
	if (c) {
		struct sock *csk = c->sk;

		/* Closing: its last reference may be gone already. */
		if (!refcount_inc_not_zero(&csk->sk_refcnt)) {
			kfree_skb(skb);
			return 0;
		}
		dtls_rx_child(c, skb);
		sock_put(csk);
		return 0;
	}
	/* A broadcast or multicast hello would make every host answer. */
	if (skb->pkt_type != PACKET_HOST || skb_is_gso(skb) ||
	    !dtls_listen_looks_hello(skb)) {
		dtls_listen_drop(ds, skb, DTLS_STAT_LISTEN_NO_SESSION);
		return 0;
	}
	if (READ_ONCE(l->closed)) {
		kfree_skb(skb);
		return 0;
	}
	if (!dtls_listen_rate_ok(l, &key)) {
		dtls_listen_drop(ds, skb, DTLS_STAT_LISTEN_RATELIMITED);
		return 0;
	}
	dtls_listen_hello_queue(l, skb);
	return 0;
}

/**
 * dtls_listen_err_child - the child an ICMP error at a listener is for
 * @ds: the listener
 * @skb: the ICMP error, the offending datagram's headers after its own
 * @port: the offending datagram's UDP destination port (the peer's)
 *
 * Context: softirq, rcu_read_lock() held (UDP's encap_err_rcv).
 * Return: the child's sock with a reference, or NULL.
 */
struct sock *dtls_listen_err_child(struct dtls_sock *ds, struct sk_buff *skb,
				   __be16 port)
{
	struct dtls_listener *l = rcu_dereference(ds->listener);
	struct dtls_peer_key key = { .port = port };
	struct dtls_sock *c;

	if (!l)
		return NULL;
#if IS_ENABLED(CONFIG_IPV6)
	if (skb->protocol == htons(ETH_P_IPV6)) {
		const struct ipv6hdr *ip6 = (void *)(icmp6_hdr(skb) + 1);

		key.family = AF_INET6;
		memcpy(key.addr, &ip6->daddr, sizeof(key.addr));
		if (ipv6_addr_type(&ip6->daddr) & IPV6_ADDR_LINKLOCAL)
			key.ifindex = inet6_iif(skb);
	} else
#endif
	{
		const struct iphdr *ip = (void *)(icmp_hdr(skb) + 1);

		key.family = AF_INET;
		key.addr[0] = ip->daddr;
	}
	c = rhashtable_lookup(&l->sessions, &key, dtls_listen_rht);
	if (!c || !refcount_inc_not_zero(&c->sk->sk_refcnt))
		return NULL;
	return c->sk;
}

/* ------------------------------------------------------------- children */

/*
 * A UDP socket for the peer of @hello: the listener's family, options
 * and port, the address @hello came to, connected to the peer, attached
 * and in the table.  Context: the listener's work.
 */
static struct dtls_sock *dtls_listen_child_new(struct dtls_listener *l,
					       struct sk_buff *hello,
					       const struct dtls_peer_key *key)
{
	struct sock *lsk = l->sk;
	struct sockaddr_storage peer;
	const struct cred *old;
	struct socket *sock;
	struct dtls_sock *c;
	struct sock *sk;
	int err;

	old = override_creds(l->cred);
	err = __sock_create(sock_net(lsk), lsk->sk_family, SOCK_DGRAM,
			    IPPROTO_UDP, &sock, 0);
	revert_creds(old);
	if (err)
		return ERR_PTR(err);
	sk = sock->sk;
	/* The softirq lookup reads a child under RCU alone. */
	sock_set_flag(sk, SOCK_RCU_FREE);

	lock_sock(sk);
	WRITE_ONCE(sk->sk_rcvbuf, READ_ONCE(lsk->sk_rcvbuf));
	WRITE_ONCE(sk->sk_sndbuf, READ_ONCE(lsk->sk_sndbuf));
	WRITE_ONCE(sk->sk_mark, READ_ONCE(lsk->sk_mark));
	WRITE_ONCE(sk->sk_priority, READ_ONCE(lsk->sk_priority));
	WRITE_ONCE(sk->sk_bound_dev_if, READ_ONCE(lsk->sk_bound_dev_if));
	inet_sk(sk)->tos = READ_ONCE(inet_sk(lsk)->tos);
	/* Bound as UDP's bind would, outside UDP's hash. */
	inet_sk(sk)->inet_num = inet_sk(lsk)->inet_num;
	inet_sk(sk)->inet_sport = inet_sk(lsk)->inet_sport;
	if (ip_hdr(hello)->version == 4) {
		__be32 a = ip_hdr(hello)->daddr;

		inet_sk(sk)->inet_rcv_saddr = a;
		inet_sk(sk)->inet_saddr = a;
#if IS_ENABLED(CONFIG_IPV6)
		if (sk->sk_family == AF_INET6) {
			/* bindv6only=1 set it; this peer is IPv4. */
			sk->sk_ipv6only = 0;
			ipv6_addr_set_v4mapped(a, &sk->sk_v6_rcv_saddr);
			inet6_sk(sk)->saddr = sk->sk_v6_rcv_saddr;
		}
#endif
	} else {
#if IS_ENABLED(CONFIG_IPV6)
		sk->sk_ipv6only = lsk->sk_ipv6only;
		sk->sk_v6_rcv_saddr = ipv6_hdr(hello)->daddr;
		inet6_sk(sk)->saddr = ipv6_hdr(hello)->daddr;
		inet_sk(sk)->inet_rcv_saddr = LOOPBACK4_IPV6;
		inet_sk(sk)->inet_saddr = LOOPBACK4_IPV6;
#endif
	}
	release_sock(sk);

	c = dtls_sock_attach(sock, NULL);
	if (IS_ERR(c)) {
		sock_release(sock);
		return c;
	}
	dtls_skb_peer(hello, &peer);
	err = c->base_prot->connect(sk, (struct sockaddr *)&peer,
				    peer.ss_family == AF_INET6 ?
				    sizeof(struct sockaddr_in6) :
				    sizeof(struct sockaddr_in));
	if (err) {
		sock_release(sock);
		return ERR_PTR(err);
	}

	c->child.key = *key;
	c->child.sock = sock;
	c->child.state = DTLS_CHILD_PENDING;
	INIT_LIST_HEAD(&c->child.ready);
	refcount_inc(&l->refs);
	c->child.l = l;
	spin_lock_bh(&l->lock);
	err = l->closed ? -ESHUTDOWN :
	      rhashtable_lookup_insert_fast(&l->sessions, &c->child.node,
					    dtls_listen_rht);
	if (!err) {
		list_add_tail(&c->child.all, &l->children);
		c->child.ready_at = jiffies;
		list_add_tail(&c->child.ready, &l->pending);
		c->child.linked = true;
		l->n_sessions++;
		l->n_pending++;
	}
	spin_unlock_bh(&l->lock);
	if (err) {
		sock_release(sock);	/* drops c->child.l's reference */
		return ERR_PTR(err);
	}
	return c;
}

/*
 * All max-pending handshakes run: the oldest goes if it had its chance
 * (DTLS_LISTEN_EVICT_MS), so that peers that return a cookie and go
 * silent hold a slot for that long, not for the handshake's timeout.
 * Under l->lock.  Return: whether a slot is free now.
 */
static bool dtls_listen_evict(struct dtls_listener *l)
{
	struct dtls_sock *c;

	lockdep_assert_held(&l->lock);
	c = list_first_entry_or_null(&l->pending, struct dtls_sock,
				     child.ready);
	if (!c || time_before(jiffies, c->child.ready_at +
			      msecs_to_jiffies(DTLS_LISTEN_EVICT_MS)))
		return false;
	list_move_tail(&c->child.ready, &l->reap);
	c->child.state = DTLS_CHILD_GONE;
	l->n_pending--;
	dtls_listen_kick(l);
	dtls_net_stat_add(sock_net(l->sk), DTLS_STAT_LISTEN_EVICTED, 1);
	return true;
}

/*
 * A ClientHello from a peer not in the table.  Context: the work.
 */
static void dtls_listen_hello(struct dtls_listener *l, struct sk_buff *skb)
{
	struct dtls_sock *ds = l->ds;
	struct net *net = sock_net(l->sk);
	struct dtls_peer_key key;
	u32 max_pending = READ_ONCE(ds->listen.max_pending);
	bool cookies, full, busy, known;
	struct dtls_sock *c;

	dtls_listen_key(skb, &key);
	spin_lock_bh(&l->lock);
	known = rhashtable_lookup_fast(&l->sessions, &key, dtls_listen_rht);
	full = l->n_ready >= l->backlog;
	busy = l->n_pending >= max_pending && !dtls_listen_evict(l);
	cookies = l->n_pending >= DTLS_LISTEN_COOKIE_FREE;
	spin_unlock_bh(&l->lock);
	/* Its session began since: the peer resent its first ClientHello. */
	if (known) {
		kfree_skb(skb);
		return;
	}
	if (full || busy) {
		dtls_net_stat_add(net, full ? DTLS_STAT_LISTEN_BACKLOG_FULL :
					      DTLS_STAT_LISTEN_PENDING_FULL, 1);
		trace_dtls_drop(ds, DTLS_DROP_LISTEN, 0, 0, skb->len);
		kfree_skb(skb);
		return;
	}
	if (!dtls_hello_check(ds, skb, cookies || dtls_hs_template_cookies(ds))) {
		kfree_skb(skb);
		return;
	}
	c = dtls_listen_child_new(l, skb, &key);
	if (IS_ERR(c)) {
		net_dbg_ratelimited("dtls: listener: new session: %ld\n",
				    PTR_ERR(c));
		kfree_skb(skb);
		return;
	}
	dtls_net_stat_add(net, DTLS_STAT_LISTEN_SPAWNED, 1);
	if (dtls_hs_start_child(c, ds, skb)) {
		/* No handshake to end it: the work releases it. */
		spin_lock_bh(&l->lock);
		if (c->child.linked &&
		    c->child.state == DTLS_CHILD_PENDING) {
			l->n_pending--;
			c->child.state = DTLS_CHILD_GONE;
			list_move_tail(&c->child.ready, &l->reap);
		}
		spin_unlock_bh(&l->lock);
	}
}

/* Release the children to reap.  Context: the work. */
static void dtls_listen_reap(struct dtls_listener *l)
{
	struct socket *sock;
	struct dtls_sock *c;

	for (;;) {
		spin_lock_bh(&l->lock);
		c = list_first_entry_or_null(&l->reap, struct dtls_sock,
					     child.ready);
		sock = NULL;
		if (c) {
			dtls_listen_unlink(l, c);
			list_del_init(&c->child.ready);
			sock = c->child.sock;
			c->child.sock = NULL;
		}
		spin_unlock_bh(&l->lock);
		if (!c)
			break;
		if (sock)
			sock_release(sock);
	}
}

static void dtls_listen_work(struct work_struct *work)
{
	struct dtls_listener *l = container_of(work, struct dtls_listener,
					       work);
	struct sk_buff *skb;
	unsigned int n = 0;

	dtls_listen_reap(l);
	while (!READ_ONCE(l->closed)) {
		spin_lock_bh(&l->hello.lock);
		skb = __skb_dequeue(&l->hello);
		if (skb)
			l->hello_bytes -= skb->truesize;
		spin_unlock_bh(&l->hello.lock);
		if (!skb)
			break;
		dtls_listen_hello(l, skb);
		/* A long queue shares the worker with the others. */
		if (++n % 16 == 0)
			cond_resched();
	}
	dtls_listen_reap(l);
}

/* Sessions never accepted go after accept-ms. */
static void dtls_listen_expire_work(struct work_struct *work)
{
	struct dtls_listener *l = container_of(to_delayed_work(work),
					       struct dtls_listener, expire_work);
	unsigned long life = msecs_to_jiffies(READ_ONCE(l->ds->listen.accept_ms));
	struct dtls_sock *c, *tmp;
	unsigned int expired = 0;
	unsigned long next = 0;

	spin_lock_bh(&l->lock);
	list_for_each_entry_safe(c, tmp, &l->ready, child.ready) {
		if (time_before(jiffies, c->child.ready_at + life)) {
			next = c->child.ready_at + life;
			break;
		}
		list_move_tail(&c->child.ready, &l->reap);
		c->child.state = DTLS_CHILD_GONE;
		l->n_ready--;
		expired++;
	}
	if (expired)
		dtls_listen_kick(l);
	if (next && !l->closed)
		queue_delayed_work(dtls_wq, &l->expire_work,
				   time_after(next, jiffies) ? next - jiffies : 0);
	spin_unlock_bh(&l->lock);
	if (expired)
		dtls_net_stat_add(sock_net(l->sk), DTLS_STAT_LISTEN_EXPIRED,
				  expired);
}

/**
 * dtls_listen_child_done - a child's handshake ended
 * @ds: the child
 * @established: it did; otherwise it failed
 *
 * Context: the child's handshake (its work, or a netlink handler), under
 * its hs->lock.
 */
void dtls_listen_child_done(struct dtls_sock *ds, bool established)
{
	struct dtls_listener *l;

	/*
	 * The handshake is off the socket already: the child's close may
	 * run now and put the last reference on @l, which RCU keeps.
	 */
	rcu_read_lock();
	l = READ_ONCE(ds->child.l);
	if (!l) {
		rcu_read_unlock();
		return;
	}
	spin_lock_bh(&l->lock);
	if (!ds->child.linked || l->closed ||
	    ds->child.state != DTLS_CHILD_PENDING)
		goto out;
	l->n_pending--;
	list_del_init(&ds->child.ready);
	if (!established) {
		ds->child.state = DTLS_CHILD_GONE;
		list_add_tail(&ds->child.ready, &l->reap);
		dtls_listen_kick(l);
		goto out;
	}
	ds->child.state = DTLS_CHILD_READY;
	ds->child.ready_at = jiffies;
	list_add_tail(&ds->child.ready, &l->ready);
	l->n_ready++;
	queue_delayed_work(dtls_wq, &l->expire_work,
			   msecs_to_jiffies(READ_ONCE(l->ds->listen.accept_ms)));
	/* Accept and poll wait on the listener. */
	l->sk->sk_data_ready(l->sk);
out:
	spin_unlock_bh(&l->lock);
	rcu_read_unlock();
}

/**
 * dtls_listen_child_close - a child closes
 * @ds: the child
 *
 * Context: process (its close), before anything else of it goes.
 */
void dtls_listen_child_close(struct dtls_sock *ds)
{
	struct dtls_listener *l = ds->child.l;

	if (!l)
		return;
	spin_lock_bh(&l->lock);
	dtls_listen_unlink(l, ds);
	spin_unlock_bh(&l->lock);
	WRITE_ONCE(ds->child.l, NULL);
	dtls_listen_put(l);
}

/**
 * dtls_listen_child_free - the last of a child, at its close
 * @ds: the child
 *
 * The struct socket it was made with, empty since accept(): once no work
 * of the child sends any more (after dtls_sockopt_release()).
 * Context: process (close).
 */
void dtls_listen_child_free(struct dtls_sock *ds)
{
	if (ds->child.old_sock) {
		sock_release(ds->child.old_sock);
		ds->child.old_sock = NULL;
	}
}

/* ------------------------------------------------------------ the socket */

/**
 * dtls_listen - listen(2) on an attached socket
 * @sock: the socket
 * @backlog: sessions established and not yet accepted, at most (the
 *	     caller clamped it to somaxconn)
 *
 * A second call changes the backlog.
 * Context: process.  Return: 0 or a negative errno.
 */
int dtls_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	struct dtls_sock *ds = dtls_sock_of(sk);
	struct dtls_listener *l;
	int err;

	if (!ds)
		return -EINVAL;
	backlog = max(backlog, 1);
	lock_sock(sk);
	l = rcu_dereference_protected(ds->listener, lockdep_sock_is_held(sk));
	if (l) {
		spin_lock_bh(&l->lock);
		l->backlog = backlog;
		spin_unlock_bh(&l->lock);
	}
	release_sock(sk);
	if (l)
		return 0;
	if (ds->child.state)
		return -EINVAL;
	if (!inet_sk(sk)->inet_num)
		return -EINVAL;		/* unbound: no port to listen on */
	/*
	 * Each listener has its table: a reuseport group would hand a
	 * peer's datagrams to another member whenever the group changes.
	 */
	if (sk->sk_reuseport)
		return -EOPNOTSUPP;
	err = dtls_hs_listen_check(ds);
	if (err)
		return err;

	l = kvzalloc(sizeof(*l), GFP_KERNEL_ACCOUNT);
	if (!l)
		return -ENOMEM;
	err = rhashtable_init(&l->sessions, &dtls_listen_rht);
	if (err) {
		kvfree(l);
		return err;
	}
	l->ds = ds;
	l->sk = sk;
	refcount_set(&l->refs, 1);
	spin_lock_init(&l->lock);
	spin_lock_init(&l->rl_lock);
	INIT_LIST_HEAD(&l->children);
	INIT_LIST_HEAD(&l->pending);
	INIT_LIST_HEAD(&l->ready);
	INIT_LIST_HEAD(&l->reap);
	skb_queue_head_init(&l->hello);
	INIT_WORK(&l->work, dtls_listen_work);
	INIT_DELAYED_WORK(&l->expire_work, dtls_listen_expire_work);
	l->backlog = backlog;
	l->cred = get_current_cred();
	get_random_bytes(&l->rl_key, sizeof(l->rl_key));

	lock_sock(sk);
	if (rcu_access_pointer(ds->listener) || ds->closing)
		err = -EINVAL;
	else if (sk->sk_state == TCP_ESTABLISHED ||
		 rcu_access_pointer(ds->keys.tx) ||
		 rcu_access_pointer(ds->keys.rx))
		err = -EISCONN;
	else if (ds->hs.state != DTLS_HS_STATE_CONFIGURED)
		err = -EALREADY;
	if (!err) {
		refcount_inc(&ds->refs);
		rcu_assign_pointer(ds->listener, l);
	}
	release_sock(sk);
	if (err) {
		rhashtable_destroy(&l->sessions);
		put_cred(l->cred);
		kvfree(l);
	}
	return err;
}

/**
 * dtls_listen_close - the listener closes
 * @ds: the listener
 *
 * Context: process (its close), before its handshake template goes.
 */
void dtls_listen_close(struct dtls_sock *ds)
{
	struct dtls_listener *l = dtls_listener_of(ds);
	struct socket *sock;
	struct dtls_sock *c;
	struct sock *csk;

	if (!l)
		return;
	spin_lock_bh(&l->lock);
	l->closed = true;
	spin_unlock_bh(&l->lock);
	cancel_work_sync(&l->work);
	cancel_delayed_work_sync(&l->expire_work);
	skb_queue_purge(&l->hello);

	for (;;) {
		spin_lock_bh(&l->lock);
		c = list_first_entry_or_null(&l->children, struct dtls_sock,
					     child.all);
		sock = NULL;
		csk = NULL;
		if (c) {
			dtls_listen_unlink(l, c);
			sock = c->child.sock;
			c->child.sock = NULL;
			if (!sock) {
				/* Accepted: its close is its owner's. */
				csk = c->sk;
				sock_hold(csk);
			}
		}
		spin_unlock_bh(&l->lock);
		if (!c)
			break;
		if (sock) {
			sock_release(sock);
			continue;
		}
		lock_sock(csk);
		WRITE_ONCE(csk->sk_shutdown, SHUTDOWN_MASK);
		csk->sk_state_change(csk);
		release_sock(csk);
		sock_put(csk);
	}
	rcu_assign_pointer(ds->listener, NULL);
	dtls_listen_put(l);
}

/* The next session ready, or an error; waits as @timeo says. */
static struct dtls_sock *dtls_listen_next(struct dtls_listener *l,
					  struct sock *sk, long timeo)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct dtls_sock *c;
	int err;

	/* One session, one waiter woken. */
	add_wait_queue_exclusive(sk_sleep(sk), &wait);
	for (;;) {
		spin_lock_bh(&l->lock);
		c = list_first_entry_or_null(&l->ready, struct dtls_sock,
					     child.ready);
		if (c) {
			list_del_init(&c->child.ready);
			l->n_ready--;
			c->child.state = DTLS_CHILD_ACCEPTED;
		}
		spin_unlock_bh(&l->lock);
		if (c)
			break;
		err = 0;
		if (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN)
			err = -EINVAL;
		else if (!timeo)
			err = -EAGAIN;
		else if (signal_pending(current))
			err = sock_intr_errno(timeo);
		if (err) {
			c = ERR_PTR(err);
			break;
		}
		timeo = wait_woken(&wait, TASK_INTERRUPTIBLE, timeo);
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	return c;
}

/**
 * dtls_listen_accept - accept(2) on a listener
 * @sock: the listener
 * @newsock: the socket accept made, without a sock yet
 * @flags: O_NONBLOCK (the file's and accept4's)
 * @kern: unused
 *
 * Context: process.  Return: 0 or a negative errno.
 */
int dtls_listen_accept(struct socket *sock, struct socket *newsock,
		       int flags, bool kern)
{
	struct sock *sk = sock->sk;
	struct dtls_sock *ds = dtls_sock_of(sk);
	struct dtls_listener *l = ds ? dtls_listener_of(ds) : NULL;
	struct socket *csock;
	struct dtls_sock *c;
	struct sock *csk;

	if (!l)
		return -EINVAL;
	c = dtls_listen_next(l, sk, sock_rcvtimeo(sk, flags & O_NONBLOCK));
	if (IS_ERR(c))
		return PTR_ERR(c);

	/* Accepted: no other context touches c->child.sock now. */
	csock = c->child.sock;
	c->child.sock = NULL;
	csk = c->sk;
	lock_sock(csk);
	sock_graft(csk, newsock);
	newsock->state = SS_CONNECTED;
	release_sock(csk);
	/*
	 * The socket it was made with goes at its close: a send in flight
	 * (the kept flight's resend) may still read sk_socket's old value.
	 */
	csock->sk = NULL;
	c->child.old_sock = csock;
	WRITE_ONCE(c->ino, sock_i_ino(csk));
	dtls_net_stat_add(sock_net(sk), DTLS_STAT_LISTEN_ACCEPTED, 1);
	return 0;
}

/* Does accept(2) find a session now?  Context: any (poll). */
bool dtls_listen_readable(struct dtls_sock *ds)
{
	struct dtls_listener *l;
	bool ready = false;

	rcu_read_lock();
	l = rcu_dereference(ds->listener);
	if (l)
		ready = READ_ONCE(l->n_ready) > 0;
	rcu_read_unlock();
	return ready;
}

/**
 * dtls_listen_get_info - what a listener holds, for getsockopt and netlink
 * @ds: the socket
 * @li: filled
 *
 * Context: process.  Return: false if @ds is not a listener.
 */
bool dtls_listen_get_info(struct dtls_sock *ds, struct dtls_listen_info *li)
{
	struct dtls_listener *l;

	memset(li, 0, sizeof(*li));
	li->max_pending = READ_ONCE(ds->listen.max_pending);
	li->accept_ms = READ_ONCE(ds->listen.accept_ms);
	li->rate = READ_ONCE(ds->listen.rate);
	rcu_read_lock();
	l = rcu_dereference(ds->listener);
	if (l) {
		spin_lock_bh(&l->lock);
		li->sessions = l->n_sessions;
		li->pending = l->n_pending;
		li->ready = l->n_ready;
		li->backlog = l->backlog;
		spin_unlock_bh(&l->lock);
	}
	rcu_read_unlock();
	return l;
}

/* The limits, before or after listen(2).  Context: process. */
int dtls_listen_setsockopt(struct dtls_sock *ds, int optname, u32 val)
{
	struct dtls_listener *l;

	switch (optname) {
	case DTLS_LISTEN_MAX_PENDING:
		if (!val || val > DTLS_LISTEN_MAX_PENDING_MAX)
			return -EINVAL;
		WRITE_ONCE(ds->listen.max_pending, val);
		return 0;
	case DTLS_LISTEN_RATE:
		if (!val || val > 100000)
			return -EINVAL;
		WRITE_ONCE(ds->listen.rate, val);
		return 0;
	case DTLS_LISTEN_ACCEPT_MS:
		if (val < 100 || val > 3600000)
			return -EINVAL;
		WRITE_ONCE(ds->listen.accept_ms, val);
		/* Sessions that wait already: by the new lifetime. */
		rcu_read_lock();
		l = rcu_dereference(ds->listener);
		if (l) {
			spin_lock_bh(&l->lock);
			if (!l->closed)
				mod_delayed_work(dtls_wq, &l->expire_work, 0);
			spin_unlock_bh(&l->lock);
		}
		rcu_read_unlock();
		return 0;
	}
	return -ENOPROTOOPT;
}

int dtls_listen_getsockopt(struct dtls_sock *ds, int optname, u32 *val)
{
	switch (optname) {
	case DTLS_LISTEN_MAX_PENDING:
		*val = READ_ONCE(ds->listen.max_pending);
		return 0;
	case DTLS_LISTEN_RATE:
		*val = READ_ONCE(ds->listen.rate);
		return 0;
	case DTLS_LISTEN_ACCEPT_MS:
		*val = READ_ONCE(ds->listen.accept_ms);
		return 0;
	}
	return -ENOPROTOOPT;
}

/* The defaults, at attach. */
void dtls_listen_params_init(struct dtls_sock *ds)
{
	ds->listen.max_pending = DTLS_LISTEN_MAX_PENDING_DEFAULT;
	ds->listen.accept_ms = DTLS_LISTEN_ACCEPT_MS_DEFAULT;
	ds->listen.rate = DTLS_LISTEN_RATE_DEFAULT;
}
