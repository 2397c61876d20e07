// SPDX-License-Identifier: GPL-2.0
/*
 * Listening sockets: one bound UDP socket, many peers (listen.h).  This
 * file has the socket's side (listen, accept, close, the sessions' ends);
 * listen_rx.c what reaches it; listener.h the state both share.
 *
 * listen(2) on an attached, bound, unconnected socket whose handshake is
 * configured as a server (and not started) makes it a listener; that
 * configuration is the template of every session's.  On one whose
 * handshake was never configured, the sessions' handshakes are user
 * space's: the listener checks the cookie, makes the child, queues the
 * ClientHello on the child's UDP queue and hands the child out at once;
 * the application runs its handshake over it (a socket of its own
 * before its keys) and installs the keys with setsockopt, as on any
 * connected socket.  A datagram at the listener goes, by the peer's
 * address:
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
 * listener's work with the credentials of whoever called listen(), in
 * the listener's cgroup and memory cgroup (as TCP's accepted sockets),
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
 *    l->closed.  Nothing sleeps under it, and of our locks only a child's
 *    rxq.lock (dtls_final_orphan()) is taken under it; it is taken under
 *    a child's hs->lock (the child's handshake ending), under lock_sock()
 *    and under dtls_net.lock (the netlink dump).
 *  - l->work (process): the hellos, creating children, releasing the
 *    children to reap.  l->expire_work: the sessions never accepted.
 *    l->shut_work: the accepted sessions a restart ended (l->shut), so
 *    that the work never waits for a session's lock; nor does the shut
 *    work: it parks a session whose owner holds it, and the owner's
 *    release_sock() finishes it (DTLS_DEFER_SHUT).  None runs once
 *    dtls_listen_close() has cancelled them, and none is queued again
 *    once l->closed is set; the close shuts what l->shut still holds.
 *  - dtls_listen_child_done(): the child's handshake work (or a netlink
 *    handler, or the listener's work when the child's handshake fails
 *    as it starts), under the child's hs->lock.
 *  - accept: process, the listener's file held.
 *  - A child's lock_sock() guards c->child.notified (its close_notify is
 *    sent once) and orders c->child.orphaned, set under it by
 *    dtls_listen_shut(), against the child's close (a restart sets it
 *    first under l->lock, before the shut, accepted or not: a close
 *    that read it unset just before still sends); both set it with
 *    dtls_final_orphan() (final.c's work reads it under the child's
 *    rxq.lock), then wait for that work with dtls_final_sync().  The
 *    alert is sent after release_sock() (UDP may take the lock), under
 *    l->notify_sem: read by the child's close around its check and
 *    send; the listener's close takes it (write) once, after orphaning
 *    every child, only to wait for the sends already begun; taken
 *    before lock_sock(), never under it, and never held while another
 *    socket's lock is taken (a child's owner can hold its lock as long
 *    as it likes).
 *
 * Lifetime: l->refs, one for the listening socket (dropped at its close)
 * and one per child that still names it (dropped at the child's close).
 * l holds a reference on the listener's struct dtls_sock, so the module
 * stays until l is freed, a grace period after the last put (softirq
 * readers reach it through ds->listener).  A child is owned by the
 * listener (c->sock) until accepted; the table and the lists never hold
 * a child that is closing: its close, or whoever releases it, unlinks it
 * first under l->lock.  l->shut is the exception: it holds accepted
 * children already unlinked, each with references on its sock and
 * state, which their shut puts (dtls_listen_shut_restarted(), or
 * dtls_listen_shut_deferred() for one parked, or the listener's close).
 */

#include <linux/cred.h>
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/udp.h>

#include <uapi/linux/dtls.h>

#include "dtls.h"
#include "handshake.h"
#include "listener.h"
#include "trace.h"

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

void dtls_listen_put(struct dtls_listener *l)
{
	if (!refcount_dec_and_test(&l->refs))
		return;
	INIT_RCU_WORK(&l->free_work, dtls_listen_free_work);
	queue_rcu_work(dtls_wq, &l->free_work);
}

static struct dtls_listener *dtls_listener_of(struct dtls_sock *ds)
{
	return rcu_dereference_protected(ds->listener, true);
}

/*
 * Take @c out of the table and the lists, and out of the counts.
 * Under l->lock; true if it was in.
 */
bool dtls_listen_unlink(struct dtls_listener *l, struct dtls_sock *c)
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

/* What the shut tells the session's readers.  Owning its socket. */
static void dtls_listen_shut_mark(struct dtls_sock *c, int err)
{
	struct sock *csk = c->sk;

	if (err) {
		WRITE_ONCE(c->child.reset, true);
		WRITE_ONCE(csk->sk_err, err);
		sk_error_report(csk);
	}
	WRITE_ONCE(csk->sk_shutdown, SHUTDOWN_MASK);
	csk->sk_state_change(csk);
}

/**
 * dtls_listen_shut - an accepted session that nothing will reach again
 * @c: the session, taken out of the table; the caller's references on
 *     it and its sock (taken under l->lock while it was in) are put here
 * @notify: tell the peer (close_notify), unless the session is closing
 *	    (its close said so, or will not, being orphaned)
 * @err: a socket error for its reader (ECONNRESET), or 0
 *
 * Its reads end with 0 once its queue is empty, its sends with EPIPE; a
 * kernel handshake of its own is aborted (ECONNABORTED) and no new one
 * can start.  Context: process, not under l->lock, the child's
 * lock_sock() or hs->lock (the abort takes hs->lock, then tries the
 * socket).
 */
void dtls_listen_shut(struct dtls_sock *c, bool notify, int err)
{
	struct sock *csk = c->sk;

	lock_sock(csk);
	dtls_final_orphan(c);
	notify = notify && !c->closing && !c->child.notified;
	c->child.notified |= notify;
	release_sock(csk);
	dtls_final_sync(c);
	/*
	 * A handshake of its own (a user-space-handshake listener's session
	 * may run the kernel's) ends: nothing will answer it, and its sends
	 * would go to whoever has the address or port now.
	 */
	dtls_hs_abort(c);
	/*
	 * Not under lock_sock(): UDP's cgroup sendmsg hook takes it for a
	 * send that names its address, as UDPv6 does for a v4-mapped peer.
	 */
	if (notify)
		dtls_tx_close_notify(c);
	lock_sock(csk);
	dtls_listen_shut_mark(c, err);
	release_sock(csk);
	sock_put(csk);
	dtls_sock_put(c);
}

/**
 * dtls_listen_shut_deferred - finish the shut of a session a restart ended
 * @c: the session, its shut parked by dtls_listen_shut_restarted()
 *
 * Context: under the socket's slock, BHs off (dtls_sock_run_deferred()):
 * its owner's release_sock(), the socket still owned, or its close's
 * detach.  Either way the socket's own references are still held, so
 * the references the shut puts are not the last.
 */
void dtls_listen_shut_deferred(struct dtls_sock *c)
{
	dtls_listen_shut_mark(c, ECONNRESET);
	__sock_put(c->sk);
	dtls_sock_put(c);
}

/*
 * A session a restart ended: orphaned already, under l->lock
 * (dtls_listen_admit()), and nothing to tell its peer, whose address is
 * the new client's.  The shut never waits for the session's owner, who
 * may hold its lock as long as it likes: it is parked, and the owner's
 * release_sock() finishes it (dtls_listen_shut_deferred()).
 */
static void dtls_listen_shut_restarted(struct dtls_sock *c)
{
	int owned;

	dtls_final_sync(c);
	dtls_hs_abort(c);
	owned = dtls_sock_try_own(c, DTLS_DEFER_SHUT);
	if (!owned)
		return;
	/* Or closing (UDP's close holds it): marked all the same. */
	dtls_listen_shut_mark(c, ECONNRESET);
	if (owned > 0)
		release_sock(c->sk);
	sock_put(c->sk);
	dtls_sock_put(c);
}

/* The sessions a restart ended.  Context: process. */
static void dtls_listen_shut_all(struct dtls_listener *l)
{
	struct dtls_sock *c;

	for (;;) {
		spin_lock_bh(&l->lock);
		c = list_first_entry_or_null(&l->shut, struct dtls_sock,
					     child.ready);
		if (c) {
			list_del_init(&c->child.ready);
			l->n_shut--;
		}
		spin_unlock_bh(&l->lock);
		if (!c)
			return;
		dtls_listen_shut_restarted(c);
	}
}

static void dtls_listen_shut_work(struct work_struct *work)
{
	dtls_listen_shut_all(container_of(work, struct dtls_listener,
					  shut_work));
}

/**
 * dtls_listen_shut_later - shut an accepted session a restart ended
 * @l: its listener
 * @c: the session, unlinked, with the references its shut puts
 *
 * Not from the listener's work, which makes every session: l->shut_work
 * does it, or the listener's close.  A session whose owner holds its
 * lock is parked, not waited for (dtls_listen_shut_restarted()): its
 * sends fail at once, being orphaned; its reader learns of it when the
 * owner lets go.  Under l->lock.
 */
void dtls_listen_shut_later(struct dtls_listener *l, struct dtls_sock *c)
{
	lockdep_assert_held(&l->lock);
	list_add_tail(&c->child.ready, &l->shut);
	l->n_shut++;
	if (!l->closed)
		queue_work(dtls_wq, &l->shut_work);
}

/* Queue the work, unless the listener is closing.  Under l->lock. */
void dtls_listen_kick(struct dtls_listener *l)
{
	lockdep_assert_held(&l->lock);
	if (!l->closed)
		queue_work(dtls_wq, &l->work);
}

/* Sessions never accepted go after accept-ms. */
static void dtls_listen_expire_work(struct work_struct *work)
{
	struct dtls_listener *l = container_of(to_delayed_work(work),
					       struct dtls_listener, expire_work);
	u32 life = msecs_to_jiffies(READ_ONCE(l->ds->listen.accept_ms));
	struct dtls_sock *c, *tmp;
	unsigned int expired = 0;
	long next = -1;		/* jiffies until the next one goes */
	u32 waited;

	spin_lock_bh(&l->lock);
	list_for_each_entry_safe(c, tmp, &l->ready, child.ready) {
		waited = dtls_child_waited(&c->child);
		if (waited < life) {
			next = life - waited;
			break;
		}
		list_move_tail(&c->child.ready, &l->reap);
		c->child.state = DTLS_CHILD_GONE;
		l->n_ready--;
		expired++;
	}
	if (expired)
		dtls_listen_kick(l);
	if (next >= 0 && !l->closed)
		queue_delayed_work(dtls_wq, &l->expire_work, next);
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
 * Context: the child's handshake (its work, a netlink handler, or the
 * listener's work when it fails as it starts), under its hs->lock; or,
 * for a user-space handshake, the listener's work once the child has its
 * ClientHello.
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
	ds->child.ready_at = (u32)jiffies;
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
 * Context: process (its close), before anything else of it goes; not
 * under lock_sock(), which guards @ds->child.notified.
 */
void dtls_listen_child_close(struct dtls_sock *ds)
{
	struct dtls_listener *l = ds->child.l;
	bool notify;

	if (!l)
		return;
	/*
	 * The peer learns the session is over (RFC 5246 7.2.1), unless its
	 * listener shut it down (and told the peer): then the port may be
	 * another socket's.  The listener's close orphans its children
	 * (dtls_listen_shut()) before its port goes, and waits for a
	 * close_notify being sent (l->notify_sem).  Not sent under
	 * lock_sock(): see dtls_listen_shut().
	 */
	down_read(&l->notify_sem);
	lock_sock(ds->sk);
	notify = !READ_ONCE(ds->child.orphaned) && !ds->child.notified;
	ds->child.notified = true;
	release_sock(ds->sk);
	if (notify)
		dtls_tx_close_notify(ds);
	up_read(&l->notify_sem);
	spin_lock_bh(&l->lock);
	dtls_listen_unlink(l, ds);
	spin_unlock_bh(&l->lock);
	WRITE_ONCE(ds->child.l, NULL);
	dtls_listen_put(l);
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
	bool user;
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
	if (sk->sk_reuseport || rcu_access_pointer(sk->sk_reuseport_cb))
		return -EOPNOTSUPP;
	/* Never configured: the sessions' handshakes are user space's. */
	user = !rcu_access_pointer(ds->hs.engine) && !READ_ONCE(ds->hs.state);
	err = user ? 0 : dtls_hs_listen_check(ds);
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
	init_rwsem(&l->notify_sem);
	spin_lock_init(&l->rl_lock);
	INIT_LIST_HEAD(&l->children);
	INIT_LIST_HEAD(&l->pending);
	INIT_LIST_HEAD(&l->ready);
	INIT_LIST_HEAD(&l->reap);
	INIT_LIST_HEAD(&l->shut);
	skb_queue_head_init(&l->hello);
	INIT_WORK(&l->work, dtls_listen_work);
	INIT_WORK(&l->shut_work, dtls_listen_shut_work);
	INIT_DELAYED_WORK(&l->expire_work, dtls_listen_expire_work);
	l->backlog = backlog;
	l->user = user;
	l->cred = get_current_cred();
	get_random_bytes(&l->rl_key, sizeof(l->rl_key));

	lock_sock(sk);
	if (rcu_access_pointer(ds->listener) || ds->closing)
		err = -EINVAL;
	else if (sk->sk_state == TCP_ESTABLISHED ||
		 rcu_access_pointer(ds->keys.tx) ||
		 rcu_access_pointer(ds->keys.rx))
		err = -EISCONN;
	else if (user ? rcu_access_pointer(ds->hs.engine) || ds->hs.state :
		 ds->hs.state != DTLS_HS_STATE_CONFIGURED)
		err = -EALREADY;	/* a handshake came or went meanwhile */
#ifndef KDTLS_HAVE_EXPORT_UDP_ENQUEUE
	/*
	 * Sessions of user-space handshakes get their datagrams through
	 * UDP's own enqueue until their keys are in: 7.x does not export it.
	 */
	else if (user)
		err = -EOPNOTSUPP;
#endif
	if (!err) {
		refcount_inc(&ds->refs);
		rcu_assign_pointer(ds->listener, l);
		/* Its HelloVerifyRequests must not wait behind it. */
		dtls_udp_drop_corked(sk);
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

	if (!l)
		return;
	spin_lock_bh(&l->lock);
	WRITE_ONCE(l->closed, true);
	spin_unlock_bh(&l->lock);
	cancel_work_sync(&l->work);
	cancel_delayed_work_sync(&l->expire_work);
	skb_queue_purge(&l->hello);
	/* What restarts left to shut: those are not among its children. */
	cancel_work_sync(&l->shut_work);
	dtls_listen_shut_all(l);

	for (;;) {
		spin_lock_bh(&l->lock);
		c = list_first_entry_or_null(&l->children, struct dtls_sock,
					     child.all);
		sock = NULL;
		if (c) {
			dtls_listen_unlink(l, c);
			sock = c->child.sock;
			c->child.sock = NULL;
			if (!sock) {
				/*
				 * Accepted: its close is its owner's and may
				 * run now; linked, it still holds its own
				 * reference, so these are safe to take.
				 */
				sock_hold(c->sk);
				refcount_inc(&c->refs);
			}
		}
		spin_unlock_bh(&l->lock);
		if (!c)
			break;
		if (sock) {
			sock_release(sock);
			continue;
		}
		/* The listener still has the port: the peer hears of it. */
		dtls_listen_shut(c, true, 0);
	}
	/*
	 * Every child is orphaned now: a child's close that saw it was not
	 * is still sending its close_notify.  Wait for those before the
	 * port goes; later ones send nothing.
	 */
	down_write(&l->notify_sem);
	up_write(&l->notify_sem);
	rcu_assign_pointer(ds->listener, NULL);
	dtls_listen_put(l);
}

/*
 * The next session ready, or an error; waits as @timeo says.  Its struct
 * socket, the listener's until now, goes to *@sockp in the same l->lock
 * section that makes it ACCEPTED.
 */
static struct dtls_sock *dtls_listen_next(struct dtls_listener *l,
					  struct sock *sk, long timeo,
					  struct socket **sockp)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct dtls_sock *c;
	int err;

	/*
	 * Not exclusive: UDP's readers of the listener wait exclusively on
	 * the same queue, and a wake-up meant for one must not end at the
	 * other.
	 */
	add_wait_queue(sk_sleep(sk), &wait);
	for (;;) {
		spin_lock_bh(&l->lock);
		c = list_first_entry_or_null(&l->ready, struct dtls_sock,
					     child.ready);
		if (c) {
			list_del_init(&c->child.ready);
			l->n_ready--;
			c->child.state = DTLS_CHILD_ACCEPTED;
			*sockp = c->child.sock;
			c->child.sock = NULL;
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
	c = dtls_listen_next(l, sk, sock_rcvtimeo(sk, flags & O_NONBLOCK),
			     &csock);
	if (IS_ERR(c))
		return PTR_ERR(c);

	/* Accepted: csock is ours, no other context has it now. */
	csk = c->sk;
	lock_sock(csk);
	sock_graft(csk, newsock);
	newsock->state = SS_CONNECTED;
	release_sock(csk);
	/*
	 * A send already under way (the kept flight's resend, a refused
	 * renegotiation's alert: nothing else sends on a session before it
	 * is accepted) may still read sk_socket's old value: let it end
	 * before the socket it was made with goes.
	 */
	dtls_final_sync(c);
	csock->sk = NULL;
	sock_release(csock);
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
		if (l->user)
			li->flags |= DTLS_LISTEN_F_USER_HANDSHAKE;
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
