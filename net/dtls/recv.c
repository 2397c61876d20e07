// SPDX-License-Identifier: GPL-2.0
/*
 * Reading: recvmsg(), poll() and the ioctls of an attached socket, from
 * the queue of authenticated records that rx.c fills (dtls_sock.rxq,
 * its lock BH-safe), after what UDP queued before the RX keys, and
 * records of one size in one message for a UDP_GRO reader.
 *
 * Contexts: process (the socket's own calls); dtls_sock_is_readable()
 * also from poll's wakeups.  A record taken off the queue is the
 * reader's: it goes back to the queue's head if it cannot be delivered.
 */

#include <linux/ioctl.h>
#include <linux/sockios.h>
#include <linux/udp.h>
#include <asm/ioctls.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/udp.h>

#include <uapi/linux/dtls.h>

#include "compat/compat.h"
#include "dtls.h"
#include "handshake.h"
#include "trace.h"

bool dtls_sock_is_readable(struct sock *sk)
{
	return !skb_queue_empty_lockless(&dtls_sk(sk)->rxq);
}

/*
 * SIOCINQ (FIONREAD) tells the size of the next message; with RX keys the
 * messages wait in our queue, which UDP's ioctl does not see.
 */
int dtls_sk_ioctl(struct sock *sk, int cmd, DTLS_IOCTL_ARG arg)
{
	struct dtls_sock *ds = dtls_sk(sk);
	struct sk_buff *skb;
	int len;

	/* UDP's come first, but for a batch reader's socket (rx_batch.c). */
	if (cmd != SIOCINQ || skb_queue_empty_lockless(&ds->rxq) ||
	    (READ_ONCE(udp_sk(sk)->encap_rcv) && dtls_udp_queued(sk)))
		return ds->base_prot->ioctl(sk, cmd, arg);

	spin_lock_bh(&ds->rxq.lock);
	skb = skb_peek(&ds->rxq);
	len = skb ? skb->len : 0;
	spin_unlock_bh(&ds->rxq.lock);
	return dtls_ioctl_put_int(arg, len);
}

/*
 * Take (or, peeking, reference) the head of the queue, or NULL.
 * @foreign_ok: false for a reader without room for control messages; it
 * could never be told that a datagram is not DTLS (and is not
 * authenticated), so such datagrams are dropped on its way instead of
 * standing at the head of the queue for ever.
 */
static struct sk_buff *dtls_rx_take(struct sock *sk, struct dtls_sock *ds,
				    int flags, bool foreign_ok)
{
	struct sk_buff_head foreign;
	struct sk_buff *skb, *f;

	/*
	 * Datagrams UDP queued before the RX keys, or before the kernel's
	 * handshake took datagrams: open them, or hand them to it.  Those
	 * it queues for a batch reader (rx_batch.c) go after ours.
	 */
	if (dtls_udp_queued(sk)) {
		lock_sock(sk);
		dtls_rx_open_queued(sk, ds);
		release_sock(sk);
	}
	__skb_queue_head_init(&foreign);
	spin_lock_bh(&ds->rxq.lock);
	skb = skb_peek(&ds->rxq);
	/*
	 * A peek looks past them, leaving them for a later reader that has
	 * the room; when there is nothing else, or for a read, they go.
	 */
	while (skb && !foreign_ok &&
	       DTLS_RX_CB(skb)->type == DTLS_RECORD_NOT_DTLS)
		skb = skb_peek_next(skb, &ds->rxq);
	if (!foreign_ok && (!skb || !(flags & MSG_PEEK))) {
		while ((f = skb_peek(&ds->rxq)) && f != skb) {
			__skb_unlink(f, &ds->rxq);
			__skb_queue_tail(&foreign, f);
		}
	}
	if (skb) {
		if (flags & MSG_PEEK)
			skb_get(skb);
		else
			__skb_unlink(skb, &ds->rxq);
	}
	spin_unlock_bh(&ds->rxq.lock);
	if (!skb_queue_empty(&foreign)) {
		dtls_sk_drops_add(sk, skb_queue_len(&foreign));
		dtls_stat_add(ds, DTLS_STAT_RX_DROPPED, skb_queue_len(&foreign));
		if (trace_dtls_drop_enabled()) {
			skb_queue_walk(&foreign, f)
				trace_dtls_drop(ds, DTLS_DROP_NOT_DTLS, 0, 0,
						f->len);
		}
		__skb_queue_purge(&foreign);
	}
	return skb;
}

/*
 * Wait for something to read, in our queue or UDP's, unless the socket
 * has an error or was shut down, the wait is over or a signal came.
 * Return: 1 to look again; 0 at the end of file; or the error.
 */
static int dtls_rx_wait(struct sock *sk, struct dtls_sock *ds, long *timeo)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	int err;

	err = sock_error(sk);
	if (err)
		return err;
	if (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN)
		return 0;
	if (!*timeo)
		return -EAGAIN;
	if (signal_pending(current))
		return sock_intr_errno(*timeo);
	add_wait_queue(sk_sleep(sk), &wait);
	if (skb_queue_empty_lockless(&ds->rxq) && !dtls_udp_queued(sk) &&
	    !READ_ONCE(sk->sk_err) &&
	    !(READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN))
		*timeo = wait_woken(&wait, TASK_INTERRUPTIBLE, *timeo);
	remove_wait_queue(sk_sleep(sk), &wait);
	return 1;
}

/* dtls_rx_take(), waiting if asked. */
static struct sk_buff *dtls_rx_dequeue(struct sock *sk, struct dtls_sock *ds,
				       int flags, bool foreign_ok, long *timeo,
				       int *err)
{
	struct sk_buff *skb;

	for (;;) {
		skb = dtls_rx_take(sk, ds, flags, foreign_ok);
		if (skb)
			return skb;
		*err = dtls_rx_wait(sk, ds, timeo);
		if (*err <= 0)
			return NULL;
	}
}

/*
 * The source address.  A datagram that is not DTLS keeps the headers
 * that name its sender (a server's socket is not connected while its
 * handshake runs); a record comes from the connected peer, since keys
 * need a connection.
 */
static void dtls_rx_name(struct sock *sk, const struct sk_buff *skb,
			 struct msghdr *msg, int *addr_len)
{
	bool hdrs = DTLS_RX_CB(skb)->type == DTLS_RECORD_NOT_DTLS &&
		    skb_transport_header_was_set(skb);

	if (!msg->msg_name)
		return;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		DECLARE_SOCKADDR(struct sockaddr_in6 *, sin6, msg->msg_name);

		sin6->sin6_family = AF_INET6;
		sin6->sin6_flowinfo = 0;
		if (!hdrs) {
			sin6->sin6_port = inet_sk(sk)->inet_dport;
			sin6->sin6_addr = sk->sk_v6_daddr;
		} else if (ip_hdr(skb)->version == 4) {
			sin6->sin6_port = udp_hdr(skb)->source;
			ipv6_addr_set_v4mapped(ip_hdr(skb)->saddr,
					       &sin6->sin6_addr);
		} else {
			sin6->sin6_port = udp_hdr(skb)->source;
			sin6->sin6_addr = ipv6_hdr(skb)->saddr;
		}
		sin6->sin6_scope_id =
			ipv6_iface_scope_id(&sin6->sin6_addr,
					    hdrs ? skb->skb_iif :
					    sk->sk_bound_dev_if);
		*addr_len = sizeof(*sin6);
		return;
	}
#endif
	{
		DECLARE_SOCKADDR(struct sockaddr_in *, sin, msg->msg_name);

		sin->sin_family = AF_INET;
		sin->sin_port = hdrs ? udp_hdr(skb)->source :
				       inet_sk(sk)->inet_dport;
		sin->sin_addr.s_addr = hdrs ? ip_hdr(skb)->saddr :
					      inet_sk(sk)->inet_daddr;
		memset(sin->sin_zero, 0, sizeof(sin->sin_zero));
		*addr_len = sizeof(*sin);
	}
}

/* Give a record back to the head of the queue (no room for its type). */
static void dtls_rx_requeue(struct dtls_sock *ds, struct sk_buff *skb)
{
	spin_lock_bh(&ds->rxq.lock);
	__skb_queue_head(&ds->rxq, skb);
	spin_unlock_bh(&ds->rxq.lock);
}

#define DTLS_RX_GRO_MAX		64	/* UDP's UDP_GRO_CNT_MAX */

/*
 * UDP_GRO: a reader that asked for batches gets, with the application
 * data record @first, the data records that follow it in the queue as
 * UDP's GRO would have them: of its length but for the last, which may be
 * shorter, at most DTLS_RX_GRO_MAX in all, and only whole records that
 * fit in @room bytes after it.  Unlinked onto @batch; their bytes.
 * Alerts, handshake records and datagrams that are not DTLS always go
 * alone: their readers act on each.
 */

static size_t dtls_rx_take_batch(struct dtls_sock *ds,
				 const struct sk_buff *first, size_t room,
				 struct sk_buff_head *batch)
{
	unsigned int seg = first->len, n = 1;
	u8 type = DTLS_RX_CB(first)->type;
	struct sk_buff *skb;
	size_t bytes = 0;

	if (type != DTLS_RECORD_TYPE_DATA || !seg || room < seg)
		return 0;
	room -= seg;
	spin_lock_bh(&ds->rxq.lock);
	while (n < DTLS_RX_GRO_MAX && (skb = skb_peek(&ds->rxq))) {
		if (DTLS_RX_CB(skb)->type != type || !skb->len ||
		    skb->len > seg || skb->len > room - bytes)
			break;
		__skb_unlink(skb, &ds->rxq);
		__skb_queue_tail(batch, skb);
		bytes += skb->len;
		n++;
		if (skb->len < seg)
			break;
	}
	spin_unlock_bh(&ds->rxq.lock);
	return bytes;
}

/* Give records back to the head of the queue, in their order. */
static void dtls_rx_requeue_batch(struct dtls_sock *ds,
				  struct sk_buff_head *batch)
{
	spin_lock_bh(&ds->rxq.lock);
	skb_queue_splice(batch, &ds->rxq);
	spin_unlock_bh(&ds->rxq.lock);
}

/*
 * Copy the records of @batch into @msg, after the first: @batch is empty
 * on success (consumed); on failure the records are back in the queue.
 */
static int dtls_rx_copy_batch(struct dtls_sock *ds, struct msghdr *msg,
			      struct sk_buff_head *batch)
{
	struct sk_buff *skb;
	int err;

	skb_queue_walk(batch, skb) {
		err = skb_copy_datagram_msg(skb, 0, msg, skb->len);
		if (err) {
			dtls_rx_requeue_batch(ds, batch);
			return err;
		}
	}
	while ((skb = __skb_dequeue(batch)))
		consume_skb(skb);
	return 0;
}

/* UDP's recvmsg; 7.x's sets msg_namelen itself, not @addr_len. */
static int dtls_base_recvmsg(const struct dtls_sock *ds, struct sock *sk,
			     struct msghdr *msg, size_t len, int flags,
			     int *addr_len)
{
#ifdef KDTLS_HAVE_RECVMSG_NO_ADDR_LEN
	return ds->base_prot->recvmsg(sk, msg, len, flags);
#else
	return ds->base_prot->recvmsg(sk, msg, len, flags, addr_len);
#endif
}

/* Datagrams a non-blocking batch read may find without a record. */
#define DTLS_RX_BATCH_PASSES	64

/*
 * A batch reader's read (rx_batch.c): records of one length read whole
 * from a datagram UDP queued, waiting for one if asked.
 * Return: the bytes read, an error, 0 at the end of file, or -ENOENT for
 * the usual way.
 */
static int dtls_recvmsg_batch(struct sock *sk, struct dtls_sock *ds,
			      struct msghdr *msg, size_t len, long *timeo,
			      int *addr_len)
{
	u8 type = DTLS_RECORD_TYPE_DATA;
	unsigned int seg, passes;
	struct sk_buff *skb;
	int ret;

	for (passes = 0;; passes++) {
		ret = dtls_rx_batch_read(sk, ds, msg, len, &skb, &seg);
		if (ret > 0)
			break;
		if (!ret) {		/* nothing read of one: the next */
			/* Forged ones may keep coming: as UDP's wait would. */
			if (signal_pending(current))
				return sock_intr_errno(*timeo);
			if (!*timeo && passes >= DTLS_RX_BATCH_PASSES)
				return -EAGAIN;
			cond_resched();
			continue;
		}
		if (ret != -EAGAIN)
			return ret;
		ret = dtls_rx_wait(sk, ds, timeo);
		if (ret <= 0)
			return ret;
	}
	/* As the usual way gives them: the type, the size, the rest. */
	put_cmsg(msg, SOL_DTLS, DTLS_GET_RECORD_TYPE, sizeof(type), &type);
	if (seg)
		put_cmsg(msg, SOL_UDP, UDP_GRO, sizeof(seg), &seg);
	sock_recv_cmsgs(msg, sk, skb);
	DTLS_RX_CB(skb)->type = type;		/* named as a record */
	dtls_rx_name(sk, skb, msg, addr_len);
	consume_skb(skb);
	return ret;
}

static int dtls_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
			int flags, int *addr_len)
{
	struct dtls_sock *ds = dtls_sk(sk);
	struct sk_buff_head batch;
	struct sk_buff *skb;
	unsigned int copied;
	size_t more;
	long timeo;
	u8 type;
	int err;

	/*
	 * A socket of the kernel's handshake reads records once it is
	 * established; while it runs, a reader with room for the type takes
	 * what is not DTLS (RFC 7983: STUN, RTP), marked, as after.
	 */
	skb = NULL;
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	if (unlikely(dtls_hs_blocks(READ_ONCE(ds->hs.state))) &&
	    !(flags & MSG_ERRQUEUE)) {
		/*
		 * A reader without room drops them on its way, as after the
		 * handshake (so that poll() stops saying readable); only a
		 * peek without room waits for the end alone.
		 */
		bool rx = msg->msg_controllen || !(flags & MSG_PEEK);

		while ((err = dtls_hs_wait(sk, ds, &timeo, rx)) == 1) {
			skb = dtls_rx_take(sk, ds, flags,
					   msg->msg_controllen);
			if (skb)
				break;
		}
		if (err < 0)
			return err;
	}

	if (!skb && rcu_access_pointer(ds->keys.rx)) {
		if (dtls_rx_batch_reader(sk, msg, flags)) {
			err = dtls_recvmsg_batch(sk, ds, msg, len, &timeo,
						 addr_len);
			if (err != -ENOENT)
				return err;
		} else if (!(flags & (MSG_PEEK | MSG_ERRQUEUE))) {
			dtls_rx_batch_leave(sk, ds);
		}
	}
	if (!skb) {
		if (flags & MSG_ERRQUEUE ||
		    (!rcu_access_pointer(ds->keys.rx) &&
		     skb_queue_empty_lockless(&ds->rxq)))
			return dtls_base_recvmsg(ds, sk, msg, len, flags,
						 addr_len);
		skb = dtls_rx_dequeue(sk, ds, flags, msg->msg_controllen,
				      &timeo, &err);
		if (!skb)
			return err;
	}

	/* Data needs no type for a caller that asked for no control data. */
	type = DTLS_RX_CB(skb)->type;
	err = 0;
	if (type != DTLS_RECORD_TYPE_DATA || msg->msg_controllen)
		err = put_cmsg(msg, SOL_DTLS, DTLS_GET_RECORD_TYPE,
			       sizeof(type), &type);
	if (type != DTLS_RECORD_TYPE_DATA &&
	    (err || (msg->msg_flags & MSG_CTRUNC))) {
		/* Never hand out a non-data record as if it were data. */
		if (flags & MSG_PEEK)
			kfree_skb(skb);
		else
			dtls_rx_requeue(ds, skb);
		return -EIO;
	}

	/*
	 * UDP_GRO: records of one size in one message, and their size in
	 * UDP's control message, for a reader with room for it (a reader
	 * without could not tell where they end: one record).
	 */
	__skb_queue_head_init(&batch);
	more = 0;
	if (!(flags & MSG_PEEK) &&
	    msg->msg_controllen >= CMSG_SPACE(sizeof(int)) &&
	    udp_test_bit(GRO_ENABLED, sk)) {
		more = dtls_rx_take_batch(ds, skb, len, &batch);
		if (more) {
			int seg = skb->len;

			if (put_cmsg(msg, SOL_UDP, UDP_GRO, sizeof(seg),
				     &seg)) {
				dtls_rx_requeue_batch(ds, &batch);
				more = 0;
			}
		}
	}

	copied = skb->len;
	if (copied > len) {
		copied = len;
		msg->msg_flags |= MSG_TRUNC;
	}
	err = skb_copy_datagram_msg(skb, 0, msg, copied);
	if (!err && more)
		err = dtls_rx_copy_batch(ds, msg, &batch);
	if (err) {
		if (flags & MSG_PEEK)
			kfree_skb(skb);
		else
			dtls_rx_requeue(ds, skb);
		return err;
	}
	sock_recv_cmsgs(msg, sk, skb);
	dtls_rx_name(sk, skb, msg, addr_len);
	err = (flags & MSG_TRUNC) ? skb->len + more : copied + more;
	consume_skb(skb);
	return err;
}

/*
 * struct proto's recvmsg: 7.x's sets msg_namelen itself (the socket
 * layer zeroed it), older ones through @addr_len.
 */
#ifdef KDTLS_HAVE_RECVMSG_NO_ADDR_LEN
int dtls_sk_recvmsg(struct sock *sk, struct msghdr *msg, size_t len, int flags)
{
	return dtls_recvmsg(sk, msg, len, flags, &msg->msg_namelen);
}
#else
int dtls_sk_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
		    int flags, int *addr_len)
{
	return dtls_recvmsg(sk, msg, len, flags, addr_len);
}
#endif
