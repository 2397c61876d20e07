// SPDX-License-Identifier: GPL-2.0
/*
 * What reaches a listening socket (listen.c has the whole picture, its
 * contexts, locks and lifetimes): each datagram, demultiplexed in softirq
 * by its source to the session with that peer, or to the listener's own
 * UDP queue if it is not DTLS, or, a ClientHello past the per-source rate
 * limit, to the listener's work; the work answers it with a cookie or
 * makes the peer's session: a socket of its own, in the table, whose
 * handshake starts from that ClientHello.  ICMP errors go the same way.
 */

#include <linux/filter.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/in6.h>
#include <linux/cgroup.h>
#include <linux/memcontrol.h>
#include <linux/sched/mm.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/net.h>
#include <linux/udp.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/sock.h>
#include <net/transp_v6.h>
#include <net/udp.h>

#include <uapi/linux/dtls.h>

#include "dtls.h"
#include "handshake.h"
#include "listener.h"
#include "peer_mem.h"
#include "trace.h"

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

/* Sent to a broadcast or multicast address (a link's, or an IP one). */
static bool dtls_listen_not_unicast(const struct sk_buff *skb)
{
	const struct rtable *rt;

	if (skb->pkt_type != PACKET_HOST)
		return true;
	if (ip_hdr(skb)->version == 6)
		return ipv6_addr_is_multicast(&ipv6_hdr(skb)->daddr);
	rt = skb_rtable(skb);
	return rt && (rt->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST));
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
	 * and LSM hook, as UDP's would: the listener is the socket UDP found
	 * (a session's own filter runs too, dtls_rx_child()).
	 */
	if (sk_filter_trim_cap(ds->sk, skb, sizeof(struct udphdr))) {
		dtls_sk_drops_add(ds->sk, 1);
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
	if (dtls_listen_not_unicast(skb) || skb_is_gso(skb) ||
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
 * dtls_listen_child_hello - a ClientHello from an established session's peer
 * @ds: the session (a listener's child), its sock referenced by the caller
 * @skb: data at the UDP header; consumed if true is returned
 *
 * RFC 6347 4.2.8: a client that lost its state (a reboot) starts again
 * from the same address and port.  Its ClientHello goes to the listener's
 * work, which asks for a cookie and, with a fresh one, ends the old
 * session and makes a new one (dtls_listen_admit()).  A session whose
 * handshake still runs keeps its ClientHellos: its handshake answers them
 * (a user-space handshake reads them until its keys are in).
 * Context: softirq, rcu_read_lock() held.  Return: whether it was taken.
 */
bool dtls_listen_child_hello(struct dtls_sock *ds, struct sk_buff *skb)
{
	struct dtls_listener *l;

	if (!dtls_listen_looks_hello(skb))
		return false;
	/* Not answered, as at the listener (the child drops it). */
	if (dtls_listen_not_unicast(skb))
		return false;
	if (ds->child.user ? !rcu_access_pointer(ds->keys.rx) :
	    READ_ONCE(ds->hs.state) != DTLS_HS_STATE_ESTABLISHED)
		return false;
	/* Its close puts the listener after an RCU grace period. */
	l = READ_ONCE(ds->child.l);
	if (!l || READ_ONCE(l->closed))
		return false;
	if (!dtls_listen_rate_ok(l, &ds->child.key)) {
		dtls_listen_drop(l->ds, skb, DTLS_STAT_LISTEN_RATELIMITED);
		return true;
	}
	dtls_listen_hello_queue(l, skb);
	return true;
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
	if (IS_ENABLED(CONFIG_IPV6) && skb->protocol == htons(ETH_P_IPV6)) {
		const struct ipv6hdr *ip6 = (void *)(icmp6_hdr(skb) + 1);

		key.family = AF_INET6;
		memcpy(key.addr, &ip6->daddr, sizeof(key.addr));
		if (ipv6_addr_type(&ip6->daddr) & IPV6_ADDR_LINKLOCAL)
			key.ifindex = inet6_iif(skb);
	} else {
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
 * Which ClientHello made a session: its random, hashed.  @skb passed
 * dtls_hello_check() (a whole ClientHello, linear, at the UDP payload).
 */
static u32 dtls_listen_hello_id(struct dtls_listener *l,
				const struct sk_buff *skb)
{
	unsigned int off = DTLS_HEADER_LEN + DTLS_HS_HEADER_LEN + 2;

	if (skb->len < off + 32)
		return 0;
	return (u32)siphash(skb->data + off, 32, &l->rl_key);
}

/*
 * As TCP's accepted sockets: the session's socket is in the listener's
 * cgroup (egress BPF, net_cls, net_prio) and memory cgroup, not in the
 * worker's that made it.  Nothing is charged to it yet.
 */
static void dtls_listen_child_cgroups(struct sock *sk, struct sock *lsk)
{
#ifdef CONFIG_SOCK_CGROUP_DATA
	struct cgroup *was = sock_cgroup_ptr(&sk->sk_cgrp_data);
	struct cgroup *cg = sock_cgroup_ptr(&lsk->sk_cgrp_data);

	/* The references cgroup_sk_alloc() takes and cgroup_sk_free() puts. */
	cgroup_get(cg);
	cgroup_bpf_get(cg);
	sk->sk_cgrp_data = lsk->sk_cgrp_data;
	cgroup_bpf_put(was);
	cgroup_put(was);
#endif
#ifdef CONFIG_MEMCG
	/* The listener holds its own: it cannot be gone. */
	if (mem_cgroup_from_sk(lsk)) {
		struct mem_cgroup *old = mem_cgroup_from_sk(sk);

		sk->sk_memcg = mem_cgroup_from_sk(lsk);
		css_get(&sk->sk_memcg->css);
		if (old)
			css_put(&old->css);
	}
#endif
}

/*
 * A UDP socket for the peer of @hello: the listener's family, options
 * and port, the address @hello came to, attached; not connected yet.
 */
static struct dtls_sock *dtls_listen_child_sock(struct dtls_listener *l,
						const struct sk_buff *hello,
						struct socket **sockp)
{
	struct sock *lsk = l->sk;
	struct mem_cgroup *memcg;
	const struct cred *old;
	struct socket *sock;
	struct dtls_sock *c;
	struct sock *sk;
	int err;

	/*
	 * The socket and its inode are charged to no cgroup (accept()
	 * gives the caller a file and inode of its own): made where no gfp
	 * flag can be passed, at the cgroup's limit they would call the OOM
	 * killer for a remote peer's doing.
	 */
	memcg = set_active_memcg(NULL);
	old = override_creds(l->cred);
	err = __sock_create(sock_net(lsk), lsk->sk_family, SOCK_DGRAM,
			    IPPROTO_UDP, &sock, 0);
	revert_creds(old);
	set_active_memcg(memcg);
	if (err)
		return ERR_PTR(err);
	*sockp = sock;
	sk = sock->sk;
	/* The softirq lookup reads a child under RCU alone. */
	sock_set_flag(sk, SOCK_RCU_FREE);
	dtls_listen_child_cgroups(sk, lsk);

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

	c = dtls_sock_attach(sock, NULL, DTLS_GFP_PEER);
	if (IS_ERR(c))
		sock_release(sock);
	return c;
}

/*
 * The session of @hello's peer: a socket from dtls_listen_child_sock(),
 * connected to the peer, in the table.  A user-space handshake's takes
 * @hello (*@hellop is NULL then).  Context: the listener's work.
 */
static struct dtls_sock *dtls_listen_child_new(struct dtls_listener *l,
					       struct sk_buff **hellop,
					       const struct dtls_peer_key *key)
{
	struct sk_buff *hello = *hellop;
	struct sockaddr_storage peer;
	struct socket *sock;
	struct dtls_sock *c;
	int err;

	c = dtls_listen_child_sock(l, hello, &sock);
	if (IS_ERR(c))
		return c;
	dtls_skb_peer(hello, &peer);
	err = c->base_prot->connect(c->sk, (DTLS_PROTO_SOCKADDR *)&peer,
				    peer.ss_family == AF_INET6 ?
				    sizeof(struct sockaddr_in6) :
				    sizeof(struct sockaddr_in));
	if (err) {
		sock_release(sock);
		return ERR_PTR(err);
	}

	c->child.key = *key;
	c->child.user = l->user;
	c->child.hello_id = dtls_listen_hello_id(l, hello);
	/*
	 * A user-space handshake reads its ClientHello first: on its queue
	 * before the table brings the peer's next datagrams.
	 */
	if (l->user) {
		local_bh_disable();
		dtls_rx_child_udp(c, hello);
		local_bh_enable();
		*hellop = NULL;
	}
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
		c->child.ready_at = (u32)jiffies;
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
	if (!c || dtls_child_waited(&c->child) <
		  msecs_to_jiffies(DTLS_LISTEN_EVICT_MS))
		return false;
	list_move_tail(&c->child.ready, &l->reap);
	c->child.state = DTLS_CHILD_GONE;
	l->n_pending--;
	dtls_listen_kick(l);
	dtls_net_stat_add(sock_net(l->sk), DTLS_STAT_LISTEN_EVICTED, 1);
	return true;
}

static void dtls_listen_refuse(struct dtls_sock *ds, struct sk_buff *skb,
			       enum dtls_stat s)
{
	dtls_net_stat_add(sock_net(ds->sk), s, 1);
	trace_dtls_drop(ds, DTLS_DROP_LISTEN, 0, 0, skb->len);
	kfree_skb(skb);
}

/*
 * Whether the ClientHello @id from @key, whose address its cookie proved,
 * makes a session now.  Every refusal the listener's state decides comes
 * before anything goes, under the same hold of l->lock: no pending
 * handshake is evicted and no old session ended for a ClientHello it then
 * drops.  (Making the session may still fail after: no memory.)
 *
 * RFC 6347 4.2.8: from the address of an established session, the peer
 * starts again.  Unless this is the ClientHello that made the session
 * (resent late, or replayed), the session is abandoned, its table slot
 * freed for the new one.  One not accepted goes; an accepted one is shut
 * down with ECONNRESET, no close_notify (its peer is the new client), by
 * l->shut_work: its owner may hold its lock.  While
 * DTLS_LISTEN_SHUT_MAX ended sessions wait for that work, the peer waits
 * too: it resends.
 *
 * A slot among max-pending: if all are taken (only while the caller saw
 * them taken and so checked the cookie: this work alone adds to
 * n_pending), the oldest handshake may make room.  A session ended here
 * was not pending: it frees none.
 *
 * Context: the work.  Return: true to make the session; false with
 * *@refused the counter to count, or DTLS_STAT_NUM for a ClientHello of
 * the session's own (its handshake began, or the one that made it).
 */
static bool dtls_listen_admit(struct dtls_listener *l,
			      const struct dtls_peer_key *key, u32 id,
			      u32 max_pending, enum dtls_stat *refused)
{
	bool shut = false, restarted = false;
	struct dtls_sock *c;

	*refused = DTLS_STAT_NUM;
	spin_lock_bh(&l->lock);
	c = rhashtable_lookup_fast(&l->sessions, key, dtls_listen_rht);
	/* One failed, expired or evicted is released whatever came. */
	if (c && c->child.state != DTLS_CHILD_GONE &&
	    (c->child.state == DTLS_CHILD_PENDING ||
	     c->child.hello_id == id))
		goto refuse;
	if (c && c->child.state == DTLS_CHILD_ACCEPTED &&
	    l->n_shut >= DTLS_LISTEN_SHUT_MAX) {
		*refused = DTLS_STAT_LISTEN_SHUT_FULL;
		goto refuse;
	}
	if (l->n_pending >= max_pending && !dtls_listen_evict(l)) {
		*refused = DTLS_STAT_LISTEN_PENDING_FULL;
		goto refuse;
	}
	if (c) {
		shut = c->child.state == DTLS_CHILD_ACCEPTED;
		restarted = c->child.state != DTLS_CHILD_GONE;
		dtls_listen_unlink(l, c);
		/* Its close_notify would go to the new client. */
		dtls_final_orphan(c);
		if (shut) {
			/* In the table: its close has not run, as for close. */
			sock_hold(c->sk);
			refcount_inc(&c->refs);
			dtls_listen_shut_later(l, c);
		} else {
			/* Not accepted: the listener's to release. */
			c->child.state = DTLS_CHILD_GONE;
			list_add_tail(&c->child.ready, &l->reap);
		}
	}
	spin_unlock_bh(&l->lock);
	if (!c)
		return true;
	/*
	 * Not reaped yet, by this work: alive until then.  An accepted
	 * one's kept-flight work is waited for by its shut, not here, where
	 * every ClientHello waits: a resend already past its orphan check
	 * may still reach the new client, as records it cannot open.
	 */
	if (!shut)
		dtls_final_sync(c);
	if (restarted)
		dtls_net_stat_add(sock_net(l->sk), DTLS_STAT_LISTEN_RESTARTED,
				  1);
	return true;
refuse:
	spin_unlock_bh(&l->lock);
	return false;
}

/*
 * A ClientHello from a peer not in the table, or from the peer of an
 * established session (dtls_listen_child_hello()).  Context: the work.
 */
static void dtls_listen_hello(struct dtls_listener *l, struct sk_buff *skb)
{
	struct dtls_sock *ds = l->ds;
	struct net *net = sock_net(ds->sk);
	struct dtls_peer_key key;
	u32 max_pending = READ_ONCE(ds->listen.max_pending);
	bool cookies, full, busy;
	enum dtls_stat refused;
	struct mem_cgroup *memcg;
	struct dtls_sock *c;
	u8 known = 0;
	int err;
	u32 id;

	dtls_listen_key(skb, &key);
	spin_lock_bh(&l->lock);
	c = rhashtable_lookup_fast(&l->sessions, &key, dtls_listen_rht);
	if (c)
		known = c->child.state;
	full = l->n_ready >= l->backlog;
	busy = l->n_pending >= max_pending;
	cookies = l->n_pending >= DTLS_LISTEN_COOKIE_FREE;
	spin_unlock_bh(&l->lock);
	/* Its handshake began since: the peer resent its first ClientHello. */
	if (known == DTLS_CHILD_PENDING) {
		kfree_skb(skb);
		return;
	}
	if (full && known != DTLS_CHILD_READY) {
		dtls_listen_refuse(ds, skb, DTLS_STAT_LISTEN_BACKLOG_FULL);
		return;
	}
	/*
	 * Only a peer that proved its address may make room (below) or end
	 * its old session.  A user-space handshake always gets one that
	 * did: its session is the application's the moment it is made.
	 */
	cookies = cookies || busy || known || l->user ||
		  dtls_hs_template_cookies(ds);
	if (!dtls_hello_check(ds, skb, cookies)) {
		kfree_skb(skb);
		return;
	}
	id = dtls_listen_hello_id(l, skb);
	if (!dtls_listen_admit(l, &key, id, max_pending, &refused)) {
		if (refused == DTLS_STAT_NUM)
			kfree_skb(skb);
		else
			dtls_listen_refuse(ds, skb, refused);
		return;
	}
	/*
	 * What the session's state and handshake allocate here is charged
	 * to the listener's memory cgroup, not the worker's; at its limit
	 * the session is refused (-ENOMEM), never the OOM killer called.
	 */
	memcg = set_active_memcg(dtls_sk_memcg(l->sk));
	c = dtls_listen_child_new(l, &skb, &key);
	if (IS_ERR(c)) {
		set_active_memcg(memcg);
		if (PTR_ERR(c) == -ENOMEM) {
			dtls_net_stat_add(net, DTLS_STAT_LISTEN_NO_MEMORY, 1);
			/* Else it went to the session (user-space handshake). */
			if (skb)
				trace_dtls_drop(ds, DTLS_DROP_LISTEN, 0, 0,
						skb->len);
		}
		net_dbg_ratelimited("dtls: listener: new session: %ld\n",
				    PTR_ERR(c));
		kfree_skb(skb);
		return;
	}
	dtls_net_stat_add(net, DTLS_STAT_LISTEN_SPAWNED, 1);
	if (l->user) {
		set_active_memcg(memcg);
		/* Its handshake starts where the application reads. */
		dtls_listen_child_done(c, true);
		return;
	}
	err = dtls_hs_start_child(c, ds, skb);
	set_active_memcg(memcg);
	if (err == -ENOMEM)
		dtls_net_stat_add(net, DTLS_STAT_LISTEN_NO_MEMORY, 1);
	if (err) {
		/*
		 * A handshake that never started has nothing to end the
		 * session (one that failed did it already): the work
		 * releases it.
		 */
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

void dtls_listen_work(struct work_struct *work)
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
