// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching UDP sockets: the "UDP ULP".
 *
 * Mainline has no upper-layer-protocol hook for UDP, so, like kTLS and
 * udp_bpf, an attached socket gets a copy of its own struct proto with a
 * few methods replaced, and its encap_rcv hook pointed at us.  Closing the
 * socket puts everything back before UDP tears it down.
 *
 * Contexts and locks:
 *  - dtls_sock_attach(): process context, a netlink doit holding a file
 *    reference on the socket or a listener's work (dtls_wq) with a child
 *    socket of its own, so it cannot race with close.  The check and the
 *    swap run under lock_sock() and sk_callback_lock (the lock sockmap and
 *    UDP tunnels take around sk_user_data), so of two concurrent attaches
 *    exactly one wins.
 *  - dtls_sk_close(): process context, called once: on the last fput,
 *    or, for a listener's child never accepted, by the sock_release() of
 *    the listener's close, reap or failed child creation; no other
 *    syscall can be running on the socket.  dtls_encap_destroy() does
 *    its work instead from UDP's destroy when IPV6_ADDRFORM took the
 *    socket back from us (a call begun before the attach), and
 *    dtls_sock_reclaim() (dtls_wq) if UDP's destroy did not call us.
 *  - dtls_encap_rcv(): softirq, under rcu_read_lock() held by the UDP
 *    receive path.  It may run concurrently with close, so the state it
 *    reaches through sk_user_data is freed only after a grace period.
 *  - dtls_write_space(): wherever UDP frees a sent skb (softirq or
 *    process), only while a handshake runs; it reads its state under RCU.
 *  - dtls_sock_timer(): softirq, from the first deadline armed to close,
 *    which stops it before anything it reads goes.
 *  - dtls_net.lock (mutex) protects the per-netns list; it is never taken
 *    with lock_sock() held, and lock_sock() is never taken under it.
 *    The sweep and listings take sk_callback_lock (read, BHs off) under
 *    it (dtls_sk_closed_by_udp()); no mutex is taken under that lock.
 *  - dtls_udp_drop_late_cork() takes lock_sock() for a send that finds
 *    plaintext UDP holds corked: a keyed send waits for it, the kernel's
 *    own sends (works, netlink handlers, close) only try; never with it
 *    held (UDP's sendmsg may take it too); it may be under hs->lock or
 *    l->notify_sem.
 *  - dtls_sock_try_own(): a work's try at the socket lock, which never
 *    waits for the owner; dtls_sk_release_cb() (under slock, the socket
 *    still owned) queues again what it deferred.
 *  - dtls_prot_lock (mutex) serialises the first attach of each family,
 *    which waits under it for a work on dtls_encap_wq; it is taken
 *    killably, and never with lock_sock() held.
 */

#include <linux/fs.h>
#include <linux/in6.h>
#include <linux/module.h>
#include <linux/udp.h>
#include <net/ipv6.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include <uapi/linux/dtls.h>

#include "dtls.h"
#include "handshake.h"
#include "listener.h"
#include "peer_mem.h"

/*
 * UDP_ENCAP_* values are small (1..7).  Ours is private and chosen so that
 * no code comparing encap_type against a known value mistakes us for it.
 */
#define DTLS_ENCAP_TYPE		0xd7

enum {
	DTLS_PROT_IPV4,
	DTLS_PROT_IPV6,
	DTLS_PROT_NUM,
};

/*
 * The proto copies are built on the first attach of each family, from the
 * socket's own proto: udpv6_prot is not exported.  Later attaches must find
 * the same base, or something else has overridden the socket's proto.
 */
static DEFINE_MUTEX(dtls_prot_lock);
static struct proto *dtls_base_prot[DTLS_PROT_NUM];
static struct proto dtls_prot[DTLS_PROT_NUM];

/*
 * The socket's proto_ops, copied the same way, for poll alone: while the
 * kernel's handshake runs, a socket is not writable.  Built under
 * dtls_prot_lock with the proto.
 */
static const struct proto_ops *dtls_base_ops[DTLS_PROT_NUM];
static struct {
	struct /* not const: copied at attach */ proto_ops ops;
} dtls_ops[DTLS_PROT_NUM];

static __poll_t dtls_poll(struct file *file, struct socket *sock,
			  poll_table *wait)
{
	struct sock *sk = sock->sk;
	int i = sk->sk_family == AF_INET6 ? DTLS_PROT_IPV6 : DTLS_PROT_IPV4;
	__poll_t mask = dtls_base_ops[i]->poll(file, sock, wait);
	struct dtls_sock *ds;

	rcu_read_lock();
	ds = rcu_dereference_sk_user_data(sk);
	if (ds && READ_ONCE(ds->hs.state) == DTLS_HS_STATE_RUNNING)
		mask &= ~(EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND);
	/* A listener: a session waits for accept(). */
	if (ds && dtls_listen_readable(ds))
		mask |= EPOLLIN | EPOLLRDNORM;
	rcu_read_unlock();
	return mask;
}

#ifdef KDTLS_HAVE_PROTO_ACCEPT_ARG
static int dtls_accept(struct socket *sock, struct socket *newsock,
		       struct proto_accept_arg *arg)
{
	return dtls_listen_accept(sock, newsock, arg->flags, arg->kern);
}
#else
static int dtls_accept(struct socket *sock, struct socket *newsock, int flags,
		       bool kern)
{
	return dtls_listen_accept(sock, newsock, flags, kern);
}
#endif

/*
 * While the kernel's handshake runs the socket is not writable (above), yet
 * UDP's write-space callback would wake every poller each time a flight
 * sent leaves the socket's send buffer, to find nothing.  For the length of
 * a handshake sk_write_space is ours and keeps quiet; the handshake's end
 * puts the socket's own back (so that established sockets keep the fast
 * path of sock_wfree()) and wakes the pollers once.
 */
static void dtls_write_space(struct sock *sk)
{
	void (*base)(struct sock *sk) = NULL;
	struct dtls_sock *ds;

	rcu_read_lock();
	ds = rcu_dereference_sk_user_data(sk);
	if (ds && READ_ONCE(ds->hs.state) != DTLS_HS_STATE_RUNNING)
		base = ds->base_write_space;
	rcu_read_unlock();
	if (base)
		base(sk);
}

/**
 * dtls_sock_quiet_write_space - write-space wake-ups off or on again
 * @ds: the socket
 * @quiet: true when a handshake starts, false when it ends
 *
 * Context: process; takes sk_callback_lock.
 */
void dtls_sock_quiet_write_space(struct dtls_sock *ds, bool quiet)
{
	struct sock *sk = ds->sk;

	write_lock_bh(&sk->sk_callback_lock);
	if (quiet && sk->sk_write_space == ds->base_write_space)
		WRITE_ONCE(sk->sk_write_space, dtls_write_space);
	else if (!quiet && sk->sk_write_space == dtls_write_space)
		WRITE_ONCE(sk->sk_write_space, ds->base_write_space);
	write_unlock_bh(&sk->sk_callback_lock);
}

/*
 * One timer for the socket's deadlines, the kept flight's lifetime
 * (final.c) and the previous RX epoch's end (sockopt.c): each sets it
 * with dtls_sock_timer_arm() and, when it fires, does what is due and
 * says when it is next due.  An earlier deadline wins; a later one is
 * found again when the timer fires.  Context: softirq.
 */
static void dtls_sock_timer(struct timer_list *t)
{
	struct dtls_sock *ds = timer_container_of(ds, t, timer);
	unsigned long a, b;
	bool ka, kb;

	ka = dtls_final_expire(ds, &a);
	kb = dtls_keys_expire(ds, &b);
	if (ka && kb && time_before(b, a))
		a = b;
	if (ka || kb)
		timer_reduce(t, ka ? a : b);
}

/*
 * Have the socket's timer fire at @expires at the latest.  Context: any,
 * on an open socket: close stops the timer once no one else arms it.
 */
void dtls_sock_timer_arm(struct dtls_sock *ds, unsigned long expires)
{
	timer_reduce(&ds->timer, expires);
}

/*
 * UDP calls encap_rcv only while its static keys are on.  Taking them per
 * socket (udp_tunnel_encap_enable()) would patch kernel text on every
 * attach and every close, which costs a busy server IPIs to all CPUs; the
 * module takes them once per family, on first attach, and gives them back
 * at unload.  Not every kernel exports a way to give the IPv6 key back
 * (7.x keeps udpv6_encap_needed_key), so a kernel UDP socket of each
 * family, marked as a tunnel's, holds them for us: UDP's destroy gives
 * them back when it is released.
 */
static struct socket *dtls_encap_holder[DTLS_PROT_NUM];	/* dtls_prot_lock */

struct dtls_encap_req {
	struct work_struct	work;
	int			family;
	struct socket		*sock;
	int			err;
};

/*
 * Context: a kworker of dtls_encap_wq, so that the socket, which lives
 * until unload, holds the root cgroup and no memory cgroup rather than
 * the first attacher's.
 */
static void dtls_encap_holder_make(struct work_struct *work)
{
	struct dtls_encap_req *req = container_of(work, struct dtls_encap_req,
						  work);

	req->err = sock_create_kern(&init_net, req->family, SOCK_DGRAM,
				    IPPROTO_UDP, &req->sock);
	if (!req->err)
		udp_tunnel_encap_enable(req->sock->sk);
}

/*
 * The wait is under dtls_prot_lock and not killable, so it must end:
 * dtls_encap_wq has a rescuer, which runs the work when memory is too
 * short for a new kworker (system_unbound_wq has none).
 */
static int dtls_encap_keys_get(int i, int family)
{
	struct dtls_encap_req req = { .family = family };

	lockdep_assert_held(&dtls_prot_lock);
	if (dtls_encap_holder[i])
		return 0;
	INIT_WORK_ONSTACK(&req.work, dtls_encap_holder_make);
	queue_work(dtls_encap_wq, &req.work);
	flush_work(&req.work);
	destroy_work_on_stack(&req.work);
	if (req.err)
		return req.err;
	dtls_encap_holder[i] = req.sock;
	return 0;
}

/* Context: module exit, when no socket is attached any more. */
void dtls_sock_exit(void)
{
	int i;

	for (i = 0; i < DTLS_PROT_NUM; i++) {
		if (!dtls_encap_holder[i])
			continue;
		sock_release(dtls_encap_holder[i]);
		dtls_encap_holder[i] = NULL;
	}
}

static bool dtls_sk_attached(const struct sock *sk)
{
	const struct proto *prot = READ_ONCE(sk->sk_prot);

	return prot == &dtls_prot[DTLS_PROT_IPV4] ||
	       prot == &dtls_prot[DTLS_PROT_IPV6];
}

/*
 * Our state of @sk if it is attached, else NULL.  Context: process, the
 * caller holding the socket's file (close cannot run).
 */
struct dtls_sock *dtls_sock_of(struct sock *sk)
{
	return dtls_sk_attached(sk) ? dtls_sk(sk) : NULL;
}

/*
 * A reference on the file at *@f unless its last one is gone (probed,
 * 6.7+; here, not in compat.h, which user space builds for the
 * fuzzers): before, files are freed a grace period after their last
 * reference.
 */
#ifndef KDTLS_HAVE_GET_FILE_ACTIVE
static inline struct file *get_file_active(struct file **f)
{
	struct file *file;

	rcu_read_lock();
	file = READ_ONCE(*f);
	if (file && !atomic_long_inc_not_zero(&file->f_count))
		file = NULL;
	rcu_read_unlock();
	return file;
}
#endif

static bool dtls_sk_v4mapped(const struct sock *sk)
{
#if IS_ENABLED(CONFIG_IPV6)
	return ipv6_addr_v4mapped(&sk->sk_v6_daddr);
#else
	return false;
#endif
}

/*
 * dtls_sock_hold_open - before a send of the module's own (a flight, an
 * alert, a close_notify): keep the socket's close from running during
 * the send, and say whether the socket is still ours.
 * @ds: the socket's state
 * @pin: set to the file reference taken (NULL if none), for
 *	dtls_sock_release_hold()
 *
 * A socket UDP took back (IPV6_ADDRFORM begun before the attach, see
 * dtls_encap_destroy()) is sent nothing more.  Should the owner also
 * reset UDP_ENCAP, UDP's close runs without us, while the handshake's
 * work and timers still run: UDP's send then finds sk_socket NULL once
 * the socket is orphaned.  Holding the file keeps the close off until
 * the send is done.  No file to hold (the last fput under way, when no
 * syscall can be running, so the socket stays ours, and our close stops
 * every sender of ours before UDP's close): the socket's struct socket
 * stays as long as the socket is ours.  struct socket
 * and struct file are freed a grace period after their last use, so
 * reading them under RCU is safe.  A close() meanwhile leaves the
 * socket's release to the fput() of dtls_sock_release_hold() (a work's
 * comes a jiffy later, from delayed_fput), so the file is held only
 * where IPV6_ADDRFORM can apply: a UDPv6 socket connected to a v4-mapped
 * peer (its address stays v4-mapped after the call), not a listener's
 * session (attached as it was made, before anyone could call anything).
 * Every other close stays synchronous (a listener's shuts its sessions
 * before close() returns).
 *
 * Context: process.  Return: true if the caller may send on the socket.
 */
bool dtls_sock_hold_open(struct dtls_sock *ds, struct file **pin)
{
	struct sock *sk = ds->sk;
	struct socket *sock;

	*pin = NULL;
	/*
	 * Taken back: no need to hold off a close that may be UDP's alone;
	 * the sweep will look for it (a connect begun before the attach
	 * may have made it takeable without passing ours).
	 */
	if (!dtls_sk_attached(sk)) {
		dtls_sock_watch(ds);
		return false;
	}
	if (READ_ONCE(ds->child.l) || !dtls_sk_v4mapped(sk))
		return true;
	rcu_read_lock();
	sock = READ_ONCE(sk->sk_socket);
	if (sock)
		*pin = get_file_active(&sock->file);
	rcu_read_unlock();
	/*
	 * sk_prot again, read after sk_socket and the file: what UDP's close
	 * cleared (sock_orphan(), under sk_callback_lock) came after what
	 * IPV6_ADDRFORM wrote (a syscall that held the file).
	 */
	smp_rmb();
	if (dtls_sk_attached(sk))
		return true;
	dtls_sock_release_hold(*pin);
	*pin = NULL;
	dtls_sock_watch(ds);
	return false;
}

void dtls_sock_release_hold(struct file *pin)
{
	if (pin)
		fput(pin);
}

/*
 * Drop what UDP holds corked: plaintext of a send(MSG_MORE) that began
 * before the attach (dtls_udp_batching()), which must not leave once
 * keys are in, and would otherwise keep every keyed send failing.  7.x
 * exports no way to drop an IPv4 one: it stays, and sends fail with
 * EBUSY until the socket is closed.  Context: process, under lock_sock().
 */
void dtls_udp_drop_corked(struct sock *sk)
{
	struct udp_sock *up = udp_sk(sk);

	sock_owned_by_me(sk);
	switch (up->pending) {
#if IS_ENABLED(CONFIG_IPV6)
	case AF_INET6:
		up->len = 0;
		WRITE_ONCE(up->pending, 0);
		ip6_flush_pending_frames(sk);
		break;
#endif
#ifdef KDTLS_HAVE_EXPORT_UDP_FLUSH_PENDING
	case AF_INET:
		udp_flush_pending_frames(sk);
		break;
#endif
	default:
		break;
	}
}

static void dtls_sk_release_cb(struct sock *sk);

/**
 * dtls_sock_still_ours - is @sk still in our proto?
 * @sk: an attached socket
 *
 * False once close detached it or IPV6_ADDRFORM gave it UDP's proto.
 * Context: under lock_sock(), where both change it.
 */
bool dtls_sock_still_ours(struct sock *sk)
{
	return READ_ONCE(sk->sk_prot)->release_cb == dtls_sk_release_cb;
}

/*
 * lock_sock_nested() with a trylock's lockdep annotation, which the kernel
 * does not export.  Owned by another, @defer goes into *@deferred in the
 * slock section that saw the owner, if its release_sock() will call ours
 * (dtls_sk_release_cb()): not once close detached the socket, or
 * IPV6_ADDRFORM gave it UDP's proto.
 */
static int __dtls_sk_try_own(struct sock *sk, u8 *deferred, u8 defer)
{
	int ret = 1;

	spin_lock_bh(&sk->sk_lock.slock);
	if (!sock_owned_by_user_nocheck(sk)) {
		sk->sk_lock.owned = 1;
	} else if (READ_ONCE(sk->sk_prot)->release_cb != dtls_sk_release_cb) {
		ret = -EBADF;
	} else {
		ret = 0;
		if (deferred)
			*deferred |= defer;
	}
	spin_unlock_bh(&sk->sk_lock.slock);
	if (ret > 0)
		mutex_acquire(&sk->sk_lock.dep_map, 0, 1, _RET_IP_);
	return ret;
}

/**
 * dtls_sock_try_own - own @ds's socket as lock_sock() would, without waiting
 * @ds: the socket
 * @defer: DTLS_DEFER_* to restart when the owner lets it go, or 0
 *
 * A work on dtls_wq never waits for a socket lock: user space can hold
 * one for as long as it likes (a setsockopt() copying from a faulting
 * page), and 256 works asleep on one CPU stall every work of the module
 * there.  If the socket is owned, @defer is recorded under the same slock
 * section that saw the owner; its release_sock() calls
 * dtls_sk_release_cb() within one slock section with letting go, so the
 * restart cannot be lost.
 * Context: process, not under lock_sock().
 * Return: 1 if the caller owns the socket (release_sock() it); 0 if
 * another does (@defer recorded); -EBADF if another does and the socket
 * is no longer ours (closing, or IPV6_ADDRFORM): nothing recorded.
 */
int dtls_sock_try_own(struct dtls_sock *ds, u8 defer)
{
	return __dtls_sk_try_own(ds->sk, &ds->hs.deferred, defer);
}

/*
 * __dtls_udp_drop_late_cork - for a send that finds UDP holding plaintext:
 * a send(MSG_MORE) begun before the attach can reach the socket lock
 * after the keys or the handshake's start dropped what was there (it was
 * preempted between UDP reading sk_prot and taking the lock).  Dropped
 * only while the socket is ours: once UDP took it back, what it corks is
 * its owner's.  @wait: a keyed send of the application's waits for the
 * socket lock; a send of the module's own (a work, a netlink handler,
 * close) only tries: that sender may hold it as long as it likes (its
 * copy from a page that faults), and the send then fails (EBUSY: lost,
 * resent as a lost datagram would be).
 * Context: process, not under lock_sock().
 */
void __dtls_udp_drop_late_cork(struct sock *sk, bool wait)
{
	if (!wait) {
		if (__dtls_sk_try_own(sk, NULL, 0) <= 0)
			return;
	} else {
		lock_sock(sk);
	}
	if (dtls_sk_attached(sk))
		dtls_udp_drop_corked(sk);
	release_sock(sk);
}

/*
 * Restart, once, what dtls_sock_try_own() deferred.  Context: under
 * sk->sk_lock.slock, BHs off: no sleeping, only queueing.
 */
static void dtls_sock_run_deferred(struct dtls_sock *ds)
{
	u8 deferred = ds->hs.deferred;
	struct dtls_hs *hs;

	lockdep_assert_held(&ds->sk->sk_lock.slock);
	if (likely(!deferred))
		return;
	ds->hs.deferred = 0;
	/*
	 * Owned: the engine, and the reference it holds, stay.  Detached:
	 * the close took it off, and none comes after.
	 */
	hs = rcu_dereference_protected(ds->hs.engine, true);
	if ((deferred & DTLS_DEFER_HS_WORK) && hs)
		queue_work(dtls_wq, &hs->work);
	if (deferred & DTLS_DEFER_SHUT)
		dtls_listen_shut_deferred(ds);
}

/* The owner's release_sock(), still owning the socket, under its slock. */
static void dtls_sk_release_cb(struct sock *sk)
{
	struct dtls_sock *ds = dtls_sk(sk);

	if (ds->base_prot->release_cb)
		ds->base_prot->release_cb(sk);
	dtls_sock_run_deferred(ds);
}

static void dtls_sock_free_rcu(struct rcu_head *head)
{
	struct dtls_sock *ds = container_of(head, struct dtls_sock, rcu);

	kfree(ds->hs.peer_id);
	kfree(ds->hs.srtp_mki);
	dtls_rx_spare_free(ds);
	dtls_export_wipe(ds);
	if (ds->hs.peer_cert) {
		dtls_cert_peer_free(ds->hs.peer_cert);
		kfree(ds->hs.peer_cert);
	}
	kfree(ds);
	/* Last: once this reference is gone the module may be unloaded. */
	module_put(THIS_MODULE);
}

/* Context: any.  The memory goes a grace period after the last put. */
void dtls_sock_put(struct dtls_sock *ds)
{
	if (refcount_dec_and_test(&ds->refs))
		call_rcu(&ds->rcu, dtls_sock_free_rcu);
}

/*
 * Closing an attached socket.  Who can still reach @ds or @sk once the last
 * file reference is gone, and why each is safe:
 *  - the netlink dump and by-inode lookups: through dn->socks, left first
 *    under dn->lock; a lookup that got in holds a reference on @ds and
 *    one on @sk (netlink_hs.c), by-fd ones hold the file, so not us;
 *  - the handshake's work and timer (they send on @sk): marked dead by
 *    dtls_hs_release() under hs->lock before anything else goes, after
 *    which they do nothing (the work checks under that lock; the timer
 *    only queues the work) until the handshake's free cancels both; a
 *    netlink handler still holding @hs finds it dead (handshake.h);
 *  - the softirq receive and ICMP paths (encap_rcv, encap_err_rcv): run
 *    under RCU, see sk_user_data cleared under sk_callback_lock, and the
 *    memory they may still read goes a grace period after the last put;
 *  - asynchronous decryptions: each holds @ds and @sk; queued after
 *    @detached (set under rxq.lock) they drop their record;
 *  - the socket's timer (the kept flight's lifetime, the previous RX
 *    epoch's end, idle keys' transforms): stopped once the handshake is,
 *    which arms it too; setsockopt() and the timer itself are the others
 *    that do, but for works and decryptions that made a transform again
 *    (dtls_sock_keys_used()), which do not once @detached is set;
 *  - final.c's work: cancelled or waited for in dtls_sockopt_release(),
 *    and the renegotiation alert is never asked for once @detached is
 *    set; a resend queued by a late decryption holds @ds and finds no
 *    flight;
 *  - keys are freed by their own RCU callback and work, a grace period
 *    after their last reference;
 *  - the module: each @ds holds it until its RCU callback has run.
 */
static void dtls_sk_close(struct sock *sk, long timeout);

static void dtls_sk_detach(struct sock *sk)
{
	struct dtls_sock *ds = dtls_sk(sk);
	struct dtls_net *dn = dtls_net(sock_net(sk));

	mutex_lock(&dn->lock);
	list_del_init(&ds->node);
	mutex_unlock(&dn->lock);

	/* A listener's children first; a child leaves its listener's table. */
	dtls_listen_close(ds);
	dtls_listen_child_close(ds);

	/* Then the handshake: its work sends on the socket. */
	dtls_hs_release(ds);
	/*
	 * Receive paths still running see @detached and queue nothing more,
	 * and works and decryptions no longer arm the timer
	 * (dtls_sock_keys_used()): nothing arms it now but the timer, which
	 * this waits for.
	 */
	spin_lock_bh(&ds->rxq.lock);
	WRITE_ONCE(ds->detached, true);
	spin_unlock_bh(&ds->rxq.lock);
	timer_delete_sync(&ds->timer);

	lock_sock(sk);
	/* Nothing exports any more: the secret goes now, not with @ds. */
	dtls_export_wipe(ds);
	write_lock_bh(&sk->sk_callback_lock);
	WRITE_ONCE(udp_sk(sk)->encap_rcv, NULL);
	WRITE_ONCE(udp_sk(sk)->encap_err_rcv, NULL);
	WRITE_ONCE(udp_sk(sk)->encap_destroy, NULL);
	WRITE_ONCE(udp_sk(sk)->encap_type, 0);
	rcu_assign_sk_user_data(sk, NULL);
	/* Not ours any more if IPV6_ADDRFORM took it (dtls_encap_destroy()). */
	if (sk->sk_prot->close == dtls_sk_close)
		WRITE_ONCE(sk->sk_prot, ds->base_prot);
	if (sk->sk_write_space == dtls_write_space)
		WRITE_ONCE(sk->sk_write_space, ds->base_write_space);
	write_unlock_bh(&sk->sk_callback_lock);
	release_sock(sk);
	/*
	 * A shut parked while this held the socket: that release_sock()
	 * called UDP's release_cb, not ours.  None is parked after this
	 * (dtls_sock_try_own() sees UDP's proto).
	 */
	spin_lock_bh(&sk->sk_lock.slock);
	dtls_sock_run_deferred(ds);
	spin_unlock_bh(&sk->sk_lock.slock);

	skb_queue_purge(&ds->rxq);
	dtls_sockopt_release(ds);
}

static void dtls_sk_close(struct sock *sk, long timeout)
{
	struct dtls_sock *ds = dtls_sk(sk);

	dtls_sk_detach(sk);
	ds->base_prot->close(sk, timeout);
	sock_put(sk);		/* the attach's */
	dtls_sock_put(ds);
}

/*
 * UDP's destroy, when our close did not run: an IPV6_ADDRFORM that read
 * the protocol before the attach (its option value still being copied
 * in, say) finished after it and gave the socket back to plain UDP,
 * whose close then comes here (encap_type is still ours).  The socket
 * goes on through UDP's close; what we hold of it goes now, as our
 * close would have done.  Should the owner also have reset encap_type
 * (UDP_ENCAP, UDP's own once the socket is), neither runs: the
 * attach's reference keeps the socket, so @ds on dn->socks names a
 * closed socket, held, never a freed one, until dtls_sock_reclaim().
 * Context: process, the socket's last fput (__sock_release(), under the
 * socket inode's lock), no socket lock held.
 */
static void dtls_encap_destroy(struct sock *sk)
{
	struct dtls_net *dn = dtls_net(sock_net(sk));
	struct dtls_sock *ds;
	bool mine;

	rcu_read_lock();
	ds = rcu_dereference_sk_user_data(sk);
	if (ds && !refcount_inc_not_zero(&ds->refs))
		ds = NULL;
	rcu_read_unlock();
	if (!ds)
		return;
	/* The sweep may have claimed it (below): it is released once. */
	mutex_lock(&dn->lock);
	mine = !list_empty(&ds->node);
	list_del_init(&ds->node);
	mutex_unlock(&dn->lock);
	if (mine) {
		dtls_sk_detach(sk);
		sock_put(sk);	/* the attach's; UDP's close holds its own */
		dtls_sock_put(ds);
	}
	dtls_sock_put(ds);	/* ours, above */
}

/*
 * Reclaiming what UDP closed without us (above): no hook of UDP runs on
 * such a close, so a sweep of the netns's list finds them, every
 * DTLS_RECLAIM_PERIOD while a socket IPV6_ADDRFORM could take is
 * attached (dtls_sock_watch()), and at once when a listing (netlink)
 * meets one.  Until then the socket, its state and the module stay
 * held, never freed.  The sweep and dtls_encap_destroy() may both find
 * a socket whose encap_type is still ours: whichever takes it off the
 * list (under its lock) releases it, whatever UDP's destroy tests.
 */
#define DTLS_RECLAIM_PERIOD	(60 * HZ)
#define DTLS_RECLAIM_BATCH	16

/*
 * Closed while UDP had it, and on the list: not released yet.  Orphaned
 * (sk_socket NULL, under sk_callback_lock), not only SOCK_DEAD: UDP's
 * destroy, which may still call dtls_encap_destroy(), runs between the
 * two, and the module must stay while it can.
 */
static bool dtls_sk_closed_by_udp(struct dtls_sock *ds)
{
	struct sock *sk = ds->sk;
	bool closed;

	read_lock_bh(&sk->sk_callback_lock);
	closed = sock_flag(sk, SOCK_DEAD) && !sk->sk_socket &&
		 !dtls_sk_attached(sk) &&
		 rcu_access_pointer(__sk_user_data(sk)) == ds;
	read_unlock_bh(&sk->sk_callback_lock);
	return closed;
}

/*
 * Taken back already (until its close), or could be: IPV6_ADDRFORM's
 * own checks, a dual-stack UDPv6 socket connected to a v4-mapped peer
 * (a listener too, by a connect begun before the attach); not a
 * listener's session, attached before anyone could call on it.
 */
static bool dtls_sk_takeable(struct dtls_sock *ds)
{
	struct sock *sk = ds->sk;

	if (!dtls_sk_attached(sk))
		return true;
	return READ_ONCE(sk->sk_family) == AF_INET6 && !ipv6_only_sock(sk) &&
	       READ_ONCE(sk->sk_state) == TCP_ESTABLISHED &&
	       dtls_sk_v4mapped(sk) && !ds->child.state;
}

/* The next sweep, in DTLS_RECLAIM_PERIOD unless one is due sooner. */
static void dtls_sock_reclaim_later(struct dtls_net *dn)
{
	queue_delayed_work(dtls_wq, &dn->reclaim,
			   round_jiffies_relative(DTLS_RECLAIM_PERIOD));
}

/*
 * A socket of the caller's own, attached or connected, or one a send of
 * ours found taken back: if IPV6_ADDRFORM could take it now, or did,
 * the sweep runs.  Context: process.
 */
void dtls_sock_watch(struct dtls_sock *ds)
{
	if (dtls_sk_takeable(ds))
		dtls_sock_reclaim_later(dtls_net(sock_net(ds->sk)));
}

/*
 * The sweep.  A socket it claims goes off the list, so that nothing
 * else finds it, up to DTLS_RECLAIM_BATCH a round.  UDP's close may
 * still be putting its reference: the attach's keeps the socket.
 * Context: process (dtls_wq).
 */
static void dtls_sock_reclaim(struct work_struct *work)
{
	struct dtls_net *dn = container_of(to_delayed_work(work),
					   struct dtls_net, reclaim);
	struct dtls_sock *gone[DTLS_RECLAIM_BATCH], *ds;
	bool watch = false, more = false;
	unsigned int n = 0, i;

	mutex_lock(&dn->lock);
	list_for_each_entry(ds, &dn->socks, node) {
		if (!dtls_sk_closed_by_udp(ds))
			watch = watch || dtls_sk_takeable(ds);
		else if (n < ARRAY_SIZE(gone))
			gone[n++] = ds;
		else
			more = true;
	}
	for (i = 0; i < n; i++)
		list_del_init(&gone[i]->node);
	if (more)
		mod_delayed_work(dtls_wq, &dn->reclaim, 0);
	else if (watch)
		dtls_sock_reclaim_later(dn);
	mutex_unlock(&dn->lock);

	for (i = 0; i < n; i++) {
		struct sock *sk = gone[i]->sk;

		dtls_sk_detach(sk);
		sock_put(sk);		/* the attach's, likely the last */
		dtls_sock_put(gone[i]);
	}
}

/* A listing meets @ds: reclaim it now if UDP closed it.  Under dn->lock. */
void dtls_sock_reclaim_check(struct dtls_net *dn, struct dtls_sock *ds)
{
	lockdep_assert_held(&dn->lock);
	if (dtls_sk_closed_by_udp(ds))
		mod_delayed_work(dtls_wq, &dn->reclaim, 0);
}

void dtls_sock_net_init(struct dtls_net *dn)
{
	INIT_DELAYED_WORK(&dn->reclaim, dtls_sock_reclaim);
}

/* The netns goes: every socket of its list went before (main.c). */
void dtls_sock_net_exit(struct dtls_net *dn)
{
	cancel_delayed_work_sync(&dn->reclaim);
}

/*
 * UDP_SEGMENT on an attached socket: the size is ours, not UDP's, which
 * would cut sealed records (and the kernel's own flights) at it.  tx.c
 * cuts the plaintext at it, seals each piece as a record and tells UDP
 * the size of those records.  The checks are UDP's own.
 */
static int dtls_sk_set_segment(struct sock *sk, sockptr_t optval,
			       unsigned int optlen)
{
	int val;

	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;
	if (val < 0 || val > USHRT_MAX)
		return -EINVAL;
	WRITE_ONCE(dtls_sk(sk)->tx_gso_size, val);
	return 0;
}

static int dtls_sk_get_segment(struct sock *sk, char __user *optval,
			       int __user *optlen)
{
	int val = READ_ONCE(dtls_sk(sk)->tx_gso_size);
	int len;

	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	len = min_t(unsigned int, len, sizeof(int));
	if (put_user(len, optlen))
		return -EFAULT;
	if (copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}

static int dtls_sk_setsockopt(struct sock *sk, int level, int optname,
			      sockptr_t optval, unsigned int optlen)
{
	if (level == SOL_DTLS)
		return dtls_setsockopt(sk, optname, optval, optlen);
	/* UDP takes its options at either level, UDP-Lite's too. */
	if (level == SOL_UDPLITE)
		level = SOL_UDP;
	/* Either would pull the socket out from under the DTLS layer. */
	if (level == SOL_UDP && optname == UDP_ENCAP)
		return -EBUSY;
	if (level == SOL_UDP && optname == UDP_SEGMENT)
		return dtls_sk_set_segment(sk, optval, optlen);
	/*
	 * A corked socket would gather the kernel's own flights into the
	 * caller's datagram: one record, one datagram (tx.c).  UDP_GRO goes
	 * to UDP: it lets GRO coalesce the datagrams for the socket, and
	 * asks recvmsg for records in batches (recv.c, rx_batch.c).
	 */
	if (level == SOL_UDP && optname == UDP_CORK)
		return -EOPNOTSUPP;
	if (level == SOL_UDP && optname == UDP_GRO) {
		int err = dtls_sk(sk)->base_prot->setsockopt(sk, level,
							     optname, optval,
							     optlen);

		if (!err)
			dtls_rx_batch_leave(sk, dtls_sk(sk));
		return err;
	}
	if (level == SOL_IPV6 && optname == IPV6_ADDRFORM)
		return -EBUSY;
	return dtls_sk(sk)->base_prot->setsockopt(sk, level, optname, optval,
						  optlen);
}

static int dtls_sk_getsockopt(struct sock *sk, int level, int optname,
			      char __user *optval, int __user *optlen)
{
	if (level == SOL_DTLS)
		return dtls_getsockopt(sk, optname, optval, optlen);
	if ((level == SOL_UDP || level == SOL_UDPLITE) &&
	    optname == UDP_SEGMENT)
		return dtls_sk_get_segment(sk, optval, optlen);
	return dtls_sk(sk)->base_prot->getsockopt(sk, level, optname,
						  optval, optlen);
}

static bool dtls_sk_keyed(struct sock *sk)
{
	struct dtls_sock *ds = dtls_sk(sk);

	return rcu_access_pointer(ds->keys.tx) || rcu_access_pointer(ds->keys.rx);
}

/*
 * Keys belong to one peer: no connecting elsewhere once they are in.  A
 * listener's child has its peer for good; a listener has many.
 */
static int dtls_sk_connect(struct sock *sk, DTLS_PROTO_SOCKADDR *uaddr,
			   int addr_len)
{
	struct dtls_sock *ds = dtls_sk(sk);
	int err;

	if (dtls_sk_keyed(sk) || ds->child.state)
		return -EISCONN;
	if (rcu_access_pointer(ds->listener))
		return -EINVAL;
	err = ds->base_prot->connect(sk, uaddr, addr_len);
	if (!err)
		dtls_sock_watch(ds);
	return err;
}

static int dtls_sk_disconnect(struct sock *sk, int flags)
{
	struct dtls_sock *ds = dtls_sk(sk);

	if (dtls_sk_keyed(sk) || ds->child.state ||
	    rcu_access_pointer(ds->listener))
		return -EISCONN;
	return dtls_sk(sk)->base_prot->disconnect(sk, flags);
}

static void dtls_build_proto(struct proto *prot, const struct proto *base)
{
	*prot = *base;
	prot->close = dtls_sk_close;
	prot->connect = dtls_sk_connect;
	prot->disconnect = dtls_sk_disconnect;
	prot->setsockopt = dtls_sk_setsockopt;
	prot->getsockopt = dtls_sk_getsockopt;
	prot->sendmsg = dtls_sk_sendmsg;
	prot->recvmsg = dtls_sk_recvmsg;
	prot->sock_is_readable = dtls_sock_is_readable;
	prot->ioctl = dtls_sk_ioctl;
	prot->release_cb = dtls_sk_release_cb;
	/* sockmap would replace our proto in turn: refuse it. */
	prot->psock_update_sk_prot = NULL;
#ifdef KDTLS_HAVE_PROTO_SENDPAGE
	/*
	 * udp_sendpage() would append the page to a UDP datagram, in the
	 * clear.  Without it, inet_sendpage() goes through sock_no_sendpage()
	 * and so through our sendmsg, which seals.
	 */
	prot->sendpage = NULL;
#endif
#ifdef KDTLS_HAVE_PROTO_SPLICE_EOF
	/*
	 * UDP's would push what UDP holds corked.  Our sends cork nothing;
	 * only a send begun before the attach can have corked plaintext
	 * (dtls_udp_batching()), and that must not leave now.
	 */
	prot->splice_eof = NULL;
#endif
}

/*
 * Our proto copy for @sk's family, and in @base the UDP proto it was built
 * from; NULL if the socket's proto is not the plain UDP one, an ERR_PTR if
 * the first copy could not take UDP's keys, or -EINTR if the caller was
 * killed waiting for another's first copy.
 * Context: process (netlink doit, or a listener's work on dtls_wq); takes
 * dtls_prot_lock, killably, so never call it under lock_sock().
 */
static struct proto *dtls_prot_for(struct sock *sk, struct proto **base)
{
	static const char * const names[DTLS_PROT_NUM] = { "UDP", "UDPv6" };
	int i = sk->sk_family == AF_INET6 ? DTLS_PROT_IPV6 : DTLS_PROT_IPV4;
	struct proto *cur = READ_ONCE(sk->sk_prot);
	struct proto *prot = NULL;

	/* Pairs with the release below: a set base means a built copy. */
	*base = smp_load_acquire(&dtls_base_prot[i]);
	if (*base)
		return &dtls_prot[i];

	if (mutex_lock_killable(&dtls_prot_lock))
		return ERR_PTR(-EINTR);
	if (!dtls_base_prot[i] && !strcmp(cur->name, names[i]) &&
	    (i != DTLS_PROT_IPV4 || cur == &udp_prot) &&
	    !rcu_access_pointer(__sk_user_data(sk))) {
		int err = dtls_encap_keys_get(i, sk->sk_family);

		if (err) {
			mutex_unlock(&dtls_prot_lock);
			return ERR_PTR(err);
		}
		dtls_build_proto(&dtls_prot[i], cur);
		if (sk->sk_socket) {
			dtls_base_ops[i] = sk->sk_socket->ops;
			dtls_ops[i].ops = *dtls_base_ops[i];
			dtls_ops[i].ops.poll = dtls_poll;
			dtls_ops[i].ops.listen = dtls_listen;
			dtls_ops[i].ops.accept = dtls_accept;
		}
		/* Publish the copy before the base that says it is built. */
		smp_store_release(&dtls_base_prot[i], cur);
	}
	*base = dtls_base_prot[i];
	if (*base)
		prot = &dtls_prot[i];
	mutex_unlock(&dtls_prot_lock);
	return prot;
}

/*
 * Our poll, if the socket has the ops our copy was built from.  The copy
 * stays until the socket is released (release itself is the base one).
 */
static void dtls_swap_ops(struct socket *sock)
{
	int i = sock->sk->sk_family == AF_INET6 ? DTLS_PROT_IPV6 :
						  DTLS_PROT_IPV4;

	if (dtls_base_ops[i] && sock->ops == dtls_base_ops[i])
		WRITE_ONCE(sock->ops, &dtls_ops[i].ops);
}

static int dtls_sock_check(struct socket *sock, struct netlink_ext_ack *extack)
{
	struct sock *sk = sock->sk;

	if ((sk->sk_family != AF_INET && sk->sk_family != AF_INET6) ||
	    sk->sk_type != SOCK_DGRAM || sk->sk_protocol != IPPROTO_UDP) {
		NL_SET_ERR_MSG_MOD(extack, "not a UDP socket");
		return -EPROTONOSUPPORT;
	}
	return 0;
}

/* Under lock_sock() and sk_callback_lock: may @sk be attached? */
static int dtls_sock_check_locked(struct sock *sk, const struct proto *base,
				  struct netlink_ext_ack *extack)
{
	if (dtls_sk_attached(sk)) {
		NL_SET_ERR_MSG_MOD(extack, "socket is already attached");
		return -EEXIST;
	}
	if (rcu_access_pointer(__sk_user_data(sk))) {
		NL_SET_ERR_MSG_MOD(extack,
				   "socket is in use by a sockmap or a tunnel");
		return -EBUSY;
	}
	if (udp_sk(sk)->encap_type || READ_ONCE(udp_sk(sk)->encap_rcv) ||
	    READ_ONCE(udp_sk(sk)->encap_err_rcv)) {
		NL_SET_ERR_MSG_MOD(extack, "UDP encapsulation already in use");
		return -EBUSY;
	}
	/* What sock.c refuses or keeps for itself must not be there already. */
	if (udp_sk(sk)->pending || udp_test_bit(CORK, sk) ||
	    READ_ONCE(udp_sk(sk)->gso_size)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "socket is corked or has UDP_SEGMENT set");
		return -EBUSY;
	}
	if (!base || READ_ONCE(sk->sk_prot) != base) {
		NL_SET_ERR_MSG_MOD(extack, "socket protocol is overridden");
		return -EBUSY;
	}
	return 0;
}

/**
 * dtls_sock_attach - attach a UDP socket to the DTLS layer
 * @sock: the socket, held by the caller through its file
 * @extack: for the reason of a refusal
 * @gfp: GFP_KERNEL_ACCOUNT for the caller's own socket; DTLS_GFP_PEER
 *	 for a listener's session, made for a peer (which resends its
 *	 ClientHello): no reclaim for it and never the OOM killer (proto.h)
 *
 * Context: process; takes lock_sock() and the per-netns list lock.
 * Return: the new per-socket state, or an ERR_PTR.
 */
struct dtls_sock *dtls_sock_attach(struct socket *sock,
				   struct netlink_ext_ack *extack, gfp_t gfp)
{
	struct sock *sk = sock->sk;
	struct dtls_net *dn = dtls_net(sock_net(sk));
	struct proto *base;
	struct dtls_sock *ds;
	struct proto *prot;
	int err;

	err = dtls_sock_check(sock, extack);
	if (err)
		return ERR_PTR(err);

	ds = kzalloc(sizeof(*ds), gfp);
	if (!ds)
		return ERR_PTR(-ENOMEM);
	ds->sk = sk;
	ds->ino = sock_i_ino(sk);
	refcount_set(&ds->refs, 1);
	skb_queue_head_init(&ds->rxq);
	timer_setup(&ds->timer, dtls_sock_timer, 0);
	dtls_sockopt_init(ds);
	if (!try_module_get(THIS_MODULE)) {
		kfree(ds);
		return ERR_PTR(-ENODEV);
	}

	prot = dtls_prot_for(sk, &base);
	if (IS_ERR(prot)) {
		module_put(THIS_MODULE);
		kfree(ds);
		return ERR_CAST(prot);
	}
	lock_sock(sk);
	write_lock_bh(&sk->sk_callback_lock);
	err = dtls_sock_check_locked(sk, base, extack);
	if (!err) {
		ds->base_prot = base;
		ds->base_write_space = sk->sk_write_space;
		rcu_assign_sk_user_data(sk, ds);
		udp_sk(sk)->encap_type = DTLS_ENCAP_TYPE;
		WRITE_ONCE(udp_sk(sk)->encap_rcv, dtls_encap_rcv);
		WRITE_ONCE(udp_sk(sk)->encap_err_rcv, dtls_encap_err_rcv);
		WRITE_ONCE(udp_sk(sk)->encap_destroy, dtls_encap_destroy);
		WRITE_ONCE(sk->sk_prot, prot);
		dtls_swap_ops(sock);
	}
	write_unlock_bh(&sk->sk_callback_lock);
	release_sock(sk);

	if (err) {
		module_put(THIS_MODULE);
		kfree(ds);
		return ERR_PTR(err);
	}

	/* Until our close (or dtls_encap_destroy()): @ds names @sk. */
	sock_hold(sk);
	mutex_lock(&dn->lock);
	list_add_tail(&ds->node, &dn->socks);
	mutex_unlock(&dn->lock);
	return ds;
}
