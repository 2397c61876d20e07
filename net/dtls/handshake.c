// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel DTLS 1.2 handshake (RFC 6347, RFC 5246), the part with
 * I/O around the protocol's steps (proto.h: client.c, server.c): the
 * work item that takes the peer's datagrams (hs_receive.c opens and
 * reassembles them and hands each message to a step), the timers, and
 * dtls_hs_act(), which does what a step says: sends the flight it built
 * and arms its retransmission timer (RFC 6347 4.2.4.1), installs the
 * keys, or fails with an alert.  hs_control.c creates, configures,
 * starts and stops it for netlink_hs.c.
 *
 * The server's flight 6 is the last: at the end it goes to
 * dtls_final_keep() (final.c), which resends it when an authenticated
 * copy of the client's Finished comes again; this state is freed.
 *
 * Delegation (peer-delegate): a step that took the peer's Certificate
 * may ask to pause (out->pause); dtls_hs_delegate() names the decision
 * (hs->deleg_id), multicasts peer-cert-ntf and arms hs->deleg_timer.
 * peer-verdict (hs_control.c) resumes or fails the handshake; the
 * timer's deadline fails it with certificate_unknown.
 *
 * Contexts and locks: see handshake.h.  The state machine runs only in
 * dtls_hs_work() and the netlink handlers, under hs->lock; so do
 * hs->deleg_id and arming hs->deleg_timer.  The timers only schedule the
 * work.
 */

#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/random.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <crypto/aead.h>
#include <linux/netlink.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/udp.h>

#include <uapi/linux/dtls.h>

#include "cookie.h"
#include "dtls.h"
#include "handshake.h"
#include "msg.h"
#include "peer_mem.h"
#include "proto.h"
#include "reasm.h"
#include "trace.h"

/* The datagrams waiting for the work, at least this much when sk_rcvbuf
 * is smaller; otherwise sk_rcvbuf, as UDP would hold them.
 */
#define DTLS_HS_RXQ_MIN_BYTES	(64 * 1024)

/* --------------------------------------------------------------- helpers */

int dtls_hs_flight_send(struct dtls_hs *hs)
{
	struct dtls_flight_ctx fc = {
		.ds = hs->ds,
		.tx_key = hs->pr.tx_key,
		.tx_seq0 = &hs->tx_seq0,
		.mtu = hs->pr.p.mtu,
	};

	return dtls_flight_send(&fc, &hs->pr.flight);
}

/* One RTO from now, never past the handshake's deadline. */
static unsigned long dtls_hs_due(const struct dtls_hs *hs)
{
	unsigned long t = jiffies + hs->rto;

	return time_before(t, hs->deadline) ? t : hs->deadline;
}

/* The flight timer: our flight is due again one RTO from now. */
static void dtls_hs_arm(struct dtls_hs *hs)
{
	lockdep_assert_held(&hs->lock);
	hs->flight_due = dtls_hs_due(hs);
	mod_timer(&hs->timer, hs->flight_due);
}

/*
 * We just sent our flight again: it is due one RTO from now, not at the
 * old time (RFC 6347 4.2.4: resend, reset the timer).  A timer already
 * run out is not armed again here: dtls_hs_timeout() finds the flight
 * not yet due and arms it for flight_due.
 */
void dtls_hs_flight_resent(struct dtls_hs *hs)
{
	lockdep_assert_held(&hs->lock);
	hs->flight_due = dtls_hs_due(hs);
	mod_timer_pending(&hs->timer, hs->flight_due);
}

/* The peer's flight is complete: we answer it, or we are done. */
static void dtls_hs_rx_flight_done(struct dtls_hs *hs)
{
	if (hs->rx_msgs)
		trace_dtls_hs_flight_rx(hs);
	hs->rx_msgs = 0;
	hs->rx_types = 0;
	hs->rx_bytes = 0;
}

/* Send our new flight and start its timer (RFC 6347 4.2.4.1). */
static void dtls_hs_send_flight(struct dtls_hs *hs, bool timer)
{
	int err;

	dtls_hs_rx_flight_done(hs);
	err = dtls_hs_flight_send(hs);
	if (err)
		net_dbg_ratelimited("dtls: sending a flight: %d\n", err);
	hs->last_resend = jiffies;
	if (timer) {
		hs->rto = msecs_to_jiffies(hs->pr.p.rto_initial_ms);
		dtls_hs_arm(hs);
	} else {
		timer_delete(&hs->timer);
	}
	trace_dtls_hs_flight_tx(hs, DTLS_RETX_NEW, err);
}

/* ------------------------------------------------------ end of handshake */

static void dtls_hs_free_work(struct work_struct *work);

/* What an end that is not committed had allocated. */
static void dtls_hs_end_free(struct dtls_hs_end *end)
{
	kfree(end->mki);
	kfree(end->peer_id);
	kfree(end->cert);
	memset(end, 0, sizeof(*end));
}

/* The transient state of a handshake that is over. */
static void dtls_hs_free_state(struct dtls_hs *hs)
{
	struct sk_buff *skb;

	dtls_reasm_destroy(&hs->reasm);
	dtls_proto_wipe(&hs->pr);
	while ((skb = __skb_dequeue(&hs->early)))
		kfree_skb(skb);
	hs->early_bytes = 0;
	/* Held for a key that never came: dropped now, traced as such. */
	while ((skb = __skb_dequeue(&hs->next))) {
		struct dtls_record_hdr rh;

		dtls_record_parse(skb->data, skb->len, &rh);
		trace_dtls_drop(hs->ds, DTLS_DROP_BAD_EPOCH, rh.epoch, rh.seq,
				rh.length);
		kfree_skb(skb);
	}
}

/*
 * Drop a reference; the last one frees @hs a grace period later (softirq
 * readers may still see it through ds->hs.engine), once its work and timer are
 * quiet.  Context: process.
 */
void dtls_hs_put(struct dtls_hs *hs)
{
	if (!refcount_dec_and_test(&hs->refs))
		return;
	INIT_RCU_WORK(&hs->free_work, dtls_hs_free_work);
	queue_rcu_work(dtls_wq, &hs->free_work);
}

/*
 * Stop @hs for good and drop the reference of its publication on
 * ds->hs.engine.  Called once, by whoever took it off ds->hs.engine.
 */
void dtls_hs_retire(struct dtls_hs *hs)
{
	spin_lock_bh(&hs->rxq.lock);
	hs->dead = true;
	spin_unlock_bh(&hs->rxq.lock);
	dtls_hs_put(hs);
}

static void dtls_hs_free_work(struct work_struct *work)
{
	struct dtls_hs *hs = container_of(to_rcu_work(work), struct dtls_hs,
					  free_work);

	timer_delete_sync(&hs->timer);
	timer_delete_sync(&hs->deleg_timer);
	cancel_work_sync(&hs->work);
	timer_delete_sync(&hs->timer);
	timer_delete_sync(&hs->deleg_timer);
	skb_queue_purge(&hs->rxq);
	mutex_lock(&hs->lock);
	dtls_hs_end_free(&hs->end);
	dtls_hs_free_state(hs);
	dtls_proto_free(&hs->pr);
	mutex_unlock(&hs->lock);
	mutex_destroy(&hs->lock);
	sock_put(hs->sk);
	dtls_sock_put(hs->ds);
	kfree_sensitive(hs);
}

void dtls_hs_set_state(struct dtls_sock *ds, u8 state)
{
	trace_dtls_hs_state(ds, ds->hs.state, state);
	WRITE_ONCE(ds->hs.state, state);
	dtls_sock_quiet_write_space(ds, state == DTLS_HS_STATE_RUNNING);
	/* Writers and readers waiting in dtls_hs_wait(), and poll. */
	ds->sk->sk_state_change(ds->sk);
	ds->sk->sk_write_space(ds->sk);
}

/* An alert record: header, explicit nonce, level and description, tag. */
#define DTLS_HS_ALERT_REC_MAX	(DTLS_HEADER_LEN + 8 + 2 + 16)

/*
 * Send an alert in the current epoch (0 before our CCS).  The record is
 * on the heap: a sealed one goes through a scatterlist, which may not
 * point into a (virtually mapped) stack.
 */
static void dtls_hs_send_alert_level(struct dtls_hs *hs, u8 level, u8 desc)
{
	bool sealed = hs->pr.sent_ccs;
	unsigned int off = DTLS_HEADER_LEN;
	struct dtls_record_hdr h = {
		.type = DTLS_RECORD_TYPE_ALERT,
		.version = DTLS_1_2_VERSION,
		.length = 2,
	};
	u8 *rec;
	int n;

	rec = kzalloc(DTLS_HS_ALERT_REC_MAX, GFP_KERNEL);
	if (!rec)
		return;
	if (sealed)
		off += hs->pr.tx_key->cipher->explicit_len;
	rec[off] = level;
	rec[off + 1] = desc;
	if (sealed) {
		n = dtls_seal_record(hs->pr.tx_key, rec, h.type, 2);
	} else {
		h.seq = hs->tx_seq0++ & DTLS_SEQ_MASK;
		dtls_record_build(rec, &h);
		n = DTLS_HEADER_LEN + 2;
	}
	if (n > 0)
		dtls_send_hs_datagram(hs->ds, rec, n);
	kfree(rec);
}

static void dtls_hs_send_alert(struct dtls_hs *hs, u8 desc)
{
	dtls_hs_send_alert_level(hs, DTLS_ALERT_FATAL, desc);
}

/* A captured datagram for the record layer, the handshake being over. */
static void dtls_hs_inject(struct dtls_hs *hs, struct sk_buff *skb)
{
	skb_orphan(skb);	/* uncharged before its truesize may change */
	if (skb_linearize_cow(skb))
		kfree_skb(skb);
	else
		dtls_rx_inject(hs->ds, skb);
}

/*
 * Datagrams captured while the last message was being handled, for the
 * record layer.  The queue closes as it is emptied (hs->dead under its
 * lock): a datagram that comes later, the engine read before it was
 * unpublished, goes to the record layer from dtls_hs_take().
 */
static void dtls_hs_deliver_queued(struct dtls_hs *hs)
{
	struct sk_buff_head q;
	struct sk_buff *skb;

	__skb_queue_head_init(&q);
	spin_lock_bh(&hs->rxq.lock);
	hs->dead = true;
	skb_queue_splice_init(&hs->rxq, &q);
	WRITE_ONCE(hs->rxq_bytes, 0);
	spin_unlock_bh(&hs->rxq.lock);
	while ((skb = __skb_dequeue(&q)))
		dtls_hs_inject(hs, skb);
}

/*
 * The records behind the Finished that completed the handshake, in the
 * datagram dtls_hs_rx_datagram() is handling (RFC 6347 4.1.1: records
 * share datagrams): the record layer's once it has the keys, after the
 * data records that came before the Finished and before the datagrams
 * captured since.  A copy of them and the headers, at the tail of
 * hs->early: the steps up the stack still read the datagram, which lives
 * only for this call, and the keys may go in later (dtls_hs_settle()).
 * What is not a record there is counted malformed, as in the handshake,
 * not passed on as a datagram that is not DTLS.  Not authenticated yet,
 * so charged and bounded as the data records before the Finished.
 */
static void dtls_hs_keep_rest(struct dtls_hs *hs)
{
	struct sk_buff *skb = hs->rx_skb, *rest;
	unsigned int off = hs->rx_off;
	enum dtls_drop_reason why;

	hs->rx_skb = NULL;
	if (!skb || off >= skb->len)
		return;
	if (!dtls_first_byte_is_dtls(skb->data[off])) {
		dtls_stat_inc(hs->ds, DTLS_STAT_RX_MALFORMED);
		trace_dtls_drop(hs->ds, DTLS_DROP_MALFORMED, 0, 0,
				skb->len - off);
		return;
	}
	rest = dtls_rx_segment(skb, off, skb->len - off, DTLS_GFP_PEER);
	if (!rest) {
		why = DTLS_DROP_NOMEM;
		goto drop;
	}
	if (rest->truesize > DTLS_HS_EARLY_BYTES - hs->early_bytes) {
		kfree_skb(rest);
		why = DTLS_DROP_HS_EARLY;
		goto drop;
	}
	hs->early_bytes += rest->truesize;
	__skb_queue_tail(&hs->early, rest);
	return;

drop:
	dtls_sk_drops_add(hs->sk, 1);
	dtls_stat_inc(hs->ds, DTLS_STAT_RX_DROPPED);
	trace_dtls_drop(hs->ds, why, 0, 0, skb->len - off);
}

static void dtls_hs_deliver_early(struct dtls_hs *hs)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(&hs->early)))
		dtls_rx_inject(hs->ds, skb);
	hs->early_bytes = 0;
}

/* The failure, as the socket's readers see it.  Under lock_sock(). */
static void dtls_hs_commit_failed(struct dtls_hs *hs)
{
	struct dtls_sock *ds = hs->ds;
	struct sock *sk = hs->sk;

	/* Its datagrams go with it from now on (dtls_hs_takes_datagrams()). */
	dtls_proto_set_step(&hs->pr, DTLS_HS_DONE);
	rcu_assign_pointer(ds->hs.engine, NULL);
	ds->hs.error = -hs->end.err;
	ds->hs.alert = hs->end.alert;
	ds->hs.alert_remote = hs->end.remote;
	/* A listener's shut, there first, told the reader ECONNRESET. */
	if (!READ_ONCE(ds->child.reset))
		WRITE_ONCE(sk->sk_err, -hs->end.err);
	/* Counted before the state shows: a reader reads both. */
	dtls_net_stat_add(sock_net(sk), DTLS_STAT_HS_FAILED, 1);
	dtls_hs_set_state(ds, DTLS_HS_STATE_FAILED);
	sk_error_report(sk);
}

/* The keys to the record layer.  Under lock_sock(). */
static int dtls_hs_install_keys(struct dtls_hs *hs)
{
	int err;

	dtls_key_get(hs->pr.tx_key);
	err = dtls_keys_install(hs->sk, false, hs->pr.tx_key);
	if (err) {
		dtls_key_put(hs->pr.tx_key);
		return err;
	}
	dtls_key_get(hs->pr.rx_key);
	err = dtls_keys_install(hs->sk, true, hs->pr.rx_key);
	if (err)
		dtls_key_put(hs->pr.rx_key);
	return err;
}

/* The session, as the socket's readers see it, keys in.  Under lock_sock(). */
static void dtls_hs_commit_established(struct dtls_hs *hs)
{
	struct dtls_hs_end *end = &hs->end;
	struct dtls_sock *ds = hs->ds;
	struct sock *sk = hs->sk;

	/*
	 * icmp-ignore: the ICMP errors the handshake's own datagrams drew
	 * were its to ignore; the application never sent those.
	 */
	if (hs->pr.p.icmp_ignore)
		WRITE_ONCE(sk->sk_err, 0);
	ds->hs.suite = hs->pr.suite->id;
	if (end->peer_id) {
		kfree(ds->hs.peer_id);
		ds->hs.peer_id = end->peer_id;
		ds->hs.peer_id_len = hs->pr.peer_id_len;
		end->peer_id = NULL;
	}
	ds->hs.srtp_profile = hs->pr.srtp_profile;
	if (end->mki) {
		kfree(ds->hs.srtp_mki);	/* NULL: one handshake a socket */
		ds->hs.srtp_mki = end->mki;
		ds->hs.srtp_mki_len = hs->pr.srtp_mki_len;
		end->mki = NULL;
	}
	/* What the exporter needs, until DTLS_EXPORTER_WIPE or close. */
	dtls_export_keep(ds, hs->pr.suite->prf, hs->pr.master,
			 hs->pr.client_random, hs->pr.server_random);
	/* The peer's certificate moves to the socket, for hs-get. */
	if (end->cert && !ds->hs.peer_cert) {
		*end->cert = hs->pr.peer_cert;
		memset(&hs->pr.peer_cert, 0, sizeof(hs->pr.peer_cert));
		WRITE_ONCE(ds->hs.peer_cert, end->cert);
		end->cert = NULL;
	}
	/* We sent the last flight: it stays, the handshake state goes. */
	if (end->keep)
		dtls_final_keep(ds, &hs->pr.flight, hs->pr.tx_key, hs->tx_seq0,
				hs->pr.p.mtu, hs->pr.peer_flight_seq,
				hs->pr.p.rto_initial_ms);
	/* The record layer's datagrams from now on: it has the keys. */
	dtls_proto_set_step(&hs->pr, DTLS_HS_DONE);
	rcu_assign_pointer(ds->hs.engine, NULL);
	dtls_net_stat_add(sock_net(sk), DTLS_STAT_HS_DONE, 1);
	dtls_hs_set_state(ds, DTLS_HS_STATE_ESTABLISHED);
}

/*
 * Commit the end decided in hs->end under the socket lock, then tell
 * and retire.  If the socket's owner holds the lock, the end waits: the
 * owner's release_sock() queues the work again, which comes back here
 * (dtls_sock_try_own()).  Meanwhile the handshake is over for its steps
 * (dtls_hs_over()): its timers are off, its datagrams wait on hs->rxq
 * (for the record layer, or to go with it), and control calls find it
 * ending.  Context: process, under hs->lock, not under lock_sock().
 */
static void dtls_hs_settle(struct dtls_hs *hs)
{
	bool ok = hs->end.kind == DTLS_HS_END_ESTABLISHED;
	struct dtls_sock *ds = hs->ds;
	int err;

	lockdep_assert_held(&hs->lock);
	/*
	 * Not ours any more (IPV6_ADDRFORM, a call begun before the attach):
	 * the end waits for close.
	 */
	if (!hs->end.kind || hs->dead ||
	    dtls_sock_try_own(ds, DTLS_DEFER_HS_WORK) <= 0)
		return;
	/* Close took it off first: close retires it. */
	if (rcu_access_pointer(ds->hs.engine) != hs) {
		release_sock(hs->sk);
		return;
	}
	if (ok) {
		err = dtls_hs_install_keys(hs);
		if (err) {
			release_sock(hs->sk);
			dtls_hs_end_free(&hs->end);
			/* With its alert, which may not go under the lock. */
			dtls_hs_fail(hs, err, DTLS_ALERT_INTERNAL_ERROR, false);
			return;
		}
		dtls_hs_commit_established(hs);
	} else {
		dtls_hs_commit_failed(hs);
	}
	release_sock(hs->sk);
	/* A listener's child: for accept(), or for the reaper. */
	dtls_listen_child_done(ds, ok);
	if (ok) {
		dtls_hs_deliver_early(hs);
		dtls_hs_deliver_queued(hs);
		dtls_hs_free_state(hs);
	}
	dtls_nl_hs_event(ds, ok);
	hs->dead = true;	/* under hs->lock: the work stops */
	dtls_hs_retire(hs);
}

/* An end is decided: no resend, and no verdict is waited for. */
static void dtls_hs_stop_timers(struct dtls_hs *hs)
{
	timer_delete(&hs->timer);
	timer_delete(&hs->deleg_timer);
	hs->deleg_id = 0;
}

/*
 * The handshake failed: tell the peer (@alert, unless 0 or it came from
 * the peer), fail the socket with @err, notify, retire.  The first end
 * decided wins: one alert, one error.
 */
void dtls_hs_fail(struct dtls_hs *hs, int err, u8 alert, bool remote)
{
	struct dtls_hs_end *end = &hs->end;

	lockdep_assert_held(&hs->lock);
	if (end->kind)
		return;
	if (alert && !remote && hs->sk->sk_state == TCP_ESTABLISHED)
		dtls_hs_send_alert(hs, alert);
	dtls_hs_stop_timers(hs);
	end->kind = DTLS_HS_END_FAILED;
	end->err = err;
	end->alert = alert;
	end->remote = remote;
	dtls_hs_settle(hs);
}

/*
 * Done: the keys go to the record layer, waiters wake.  @keep: we sent
 * the last flight, which stays for resends (the server in a full
 * handshake); otherwise the handshake state goes once the keys are in.
 */
static void dtls_hs_established(struct dtls_hs *hs, bool keep)
{
	struct dtls_hs_end *end = &hs->end;
	struct dtls_sock *ds = hs->ds;

	lockdep_assert_held(&hs->lock);
	if (end->kind)
		return;
	dtls_hs_rx_flight_done(hs);
	/*
	 * What the session keeps out of line (the SRTP MKI, the peer's
	 * identity and certificate), allocated first: the application may
	 * authorise the peer by them, so without memory for them the
	 * handshake fails rather than end established without them.
	 */
	if (hs->pr.srtp_mki_len) {
		end->mki = kmemdup(hs->pr.srtp_mki, hs->pr.srtp_mki_len,
				   DTLS_GFP_PEER_KEEP);
		if (!end->mki)
			goto nomem;
	}
	if (hs->pr.peer_id_len) {
		end->peer_id = kmemdup(hs->pr.peer_id, hs->pr.peer_id_len,
				       DTLS_GFP_PEER_KEEP);
		if (!end->peer_id)
			goto nomem;
	}
	/* One handshake a socket: set only at the commit, under lock_sock(). */
	if (hs->pr.peer_cert.have && !READ_ONCE(ds->hs.peer_cert)) {
		end->cert = kmalloc(sizeof(*end->cert), DTLS_GFP_PEER_KEEP);
		if (!end->cert)
			goto nomem;
	}
	dtls_hs_stop_timers(hs);
	dtls_hs_keep_rest(hs);
	end->keep = keep;
	end->kind = DTLS_HS_END_ESTABLISHED;
	dtls_hs_settle(hs);
	return;

nomem:
	dtls_hs_end_free(end);
	dtls_hs_fail(hs, -ENOMEM, DTLS_ALERT_INTERNAL_ERROR, false);
}

/*
 * A step asks user space about the peer's certificate (peer-delegate):
 * name the decision, tell the events group, wait until the deadline.
 * The peer's further messages stay in reassembly meanwhile
 * (hs_receive.c); our retransmission timer runs on as before.
 */
static void dtls_hs_delegate(struct dtls_hs *hs)
{
	u32 id;

	lockdep_assert_held(&hs->lock);
	do {
		id = get_random_u32();
	} while (!id);
	hs->deleg_id = id;
	hs->deleg_deadline = jiffies +
			     msecs_to_jiffies(hs->pr.auth.delegate_ms);
	mod_timer(&hs->deleg_timer, hs->deleg_deadline);
	/* No one to ask (no listener, no memory): no answer will come. */
	if (dtls_nl_peer_cert_event(hs->ds,
				    hs->pr.suite ? hs->pr.suite->id : 0,
				    &hs->pr.peer_cert, id))
		dtls_hs_fail(hs, -ETIMEDOUT, DTLS_ALERT_CERTIFICATE_UNKNOWN,
			     false);
}

/*
 * Do what a step of the protocol said (proto.h): fail with its alert,
 * send the flight it built, install the keys, or pause for user space.
 */
void dtls_hs_act(struct dtls_hs *hs, int err, const struct dtls_proto_out *out)
{
	if (err) {
		dtls_hs_fail(hs, err, out->alert, false);
		return;
	}
	if (out->send)
		dtls_hs_send_flight(hs, out->timer);
	if (out->done)
		dtls_hs_established(hs, out->keep);
	else if (out->pause)
		dtls_hs_delegate(hs);
}

/* ---------------------------------------------------------------- timers */

/* Flight timer or overall deadline (RFC 6347 4.2.4.1: double, cap). */
static void dtls_hs_timeout(struct dtls_hs *hs)
{
	unsigned long max = msecs_to_jiffies(hs->pr.p.rto_max_ms);
	int err;

	if (hs->pr.step == DTLS_HS_DONE || hs->pr.step == DTLS_HS_S_LISTEN)
		return;
	/*
	 * A listener's session its listener let go (closed, or its peer
	 * started again): nothing it sends may leave, nothing will answer.
	 * Before the deadline: that is not why it ends.
	 */
	if (READ_ONCE(hs->ds->child.orphaned)) {
		dtls_hs_fail(hs, -ECONNABORTED, 0, false);
		return;
	}
	if (time_after_eq(jiffies, hs->deadline)) {
		/*
		 * Sealed records of the peer never opened: most likely
		 * the two sides hold different keys (a wrong PSK).
		 */
		if (hs->auth_fail)
			dtls_hs_fail(hs, -EKEYREJECTED,
				     DTLS_ALERT_BAD_RECORD_MAC, false);
		else
			dtls_hs_fail(hs, -ETIMEDOUT, 0, false);
		return;
	}
	/*
	 * Not due yet: the flight went again since this timer was set (the
	 * answer to the peer's copy), or this is an event of a timer set
	 * again after it ran out.
	 */
	if (time_before(jiffies, hs->flight_due)) {
		mod_timer(&hs->timer, hs->flight_due);
		return;
	}
	hs->rto = min(hs->rto * 2, max);
	err = dtls_hs_flight_send(hs);
	hs->last_resend = jiffies;
	dtls_net_stat_add(sock_net(hs->sk), DTLS_STAT_HS_RETRANSMIT, 1);
	dtls_hs_arm(hs);
	trace_dtls_hs_retransmit(hs, DTLS_RETX_TIMER, err);
}

void dtls_hs_timer_fn(struct timer_list *t)
{
	struct dtls_hs *hs = timer_container_of(hs, t, timer);

	/* No crypto here: the work does the resend. */
	set_bit(DTLS_HS_EV_TIMER, &hs->events);
	queue_work(dtls_wq, &hs->work);
}

/* peer-verdict's deadline: the work fails the handshake, if still paused. */
void dtls_hs_deleg_timer_fn(struct timer_list *t)
{
	struct dtls_hs *hs = timer_container_of(hs, t, deleg_timer);

	set_bit(DTLS_HS_EV_DELEG, &hs->events);
	queue_work(dtls_wq, &hs->work);
}

/* The next datagram for the work, uncharged.  Context: process. */
static struct sk_buff *dtls_hs_rxq_pop(struct dtls_hs *hs)
{
	struct sk_buff *skb;

	spin_lock_bh(&hs->rxq.lock);
	skb = __skb_dequeue(&hs->rxq);
	if (skb)
		WRITE_ONCE(hs->rxq_bytes, hs->rxq_bytes - skb->truesize);
	spin_unlock_bh(&hs->rxq.lock);
	if (skb)
		skb_orphan(skb);
	return skb;
}

void dtls_hs_work(struct work_struct *work)
{
	struct dtls_hs *hs = container_of(work, struct dtls_hs, work);
	struct mem_cgroup *memcg;
	struct sk_buff *skb;

	/* What a peer makes the handshake hold is its socket's owner's. */
	memcg = set_active_memcg(dtls_sk_memcg(hs->sk));
	mutex_lock(&hs->lock);
	/* An end that waited for the socket's owner (dtls_hs_settle()). */
	if (hs->end.kind)
		dtls_hs_settle(hs);
	if (test_and_clear_bit(DTLS_HS_EV_TIMER, &hs->events) &&
	    !dtls_hs_over(hs))
		dtls_hs_timeout(hs);
	/* No peer-verdict in time (a verdict clears the id first). */
	if (test_and_clear_bit(DTLS_HS_EV_DELEG, &hs->events) &&
	    !dtls_hs_over(hs) &&
	    hs->deleg_id && time_after_eq(jiffies, hs->deleg_deadline))
		dtls_hs_fail(hs, -ETIMEDOUT, DTLS_ALERT_CERTIFICATE_UNKNOWN,
			     false);
	/*
	 * A client has no one else to wait for: fail now, not at timeout,
	 * unless told to wait out a route or a server that comes back.
	 */
	if (test_and_clear_bit(DTLS_HS_EV_ICMP, &hs->events) &&
	    !dtls_hs_over(hs) &&
	    hs->pr.p.role == DTLS_HS_ROLE_CLIENT && !hs->pr.p.icmp_ignore &&
	    hs->pr.step != DTLS_HS_DONE &&
	    hs->pr.step != DTLS_HS_IDLE)
		dtls_hs_fail(hs, -READ_ONCE(hs->icmp_err), 0, false);
	/* While an end waits, datagrams wait too (dtls_hs_settle()). */
	while (!dtls_hs_over(hs) && (skb = dtls_hs_rxq_pop(hs)))
		dtls_hs_rx_datagram(hs, skb);
	mutex_unlock(&hs->lock);
	set_active_memcg(memcg);
}

/* --------------------------------------------------------- socket hooks */

/*
 * Room on hs->rxq for @truesize more: at most DTLS_HS_RXQ_MAX datagrams
 * and, as UDP would hold them, the socket's receive buffer
 * (DTLS_HS_RXQ_MIN_BYTES at least) in skb truesize; one datagram always
 * fits.  Exact under hs->rxq.lock; without it, a hint that spares a
 * flood the charge (dtls_hs_queue()).
 */
static bool dtls_hs_rxq_room(const struct dtls_hs *hs, unsigned int truesize)
{
	u32 cap = max_t(u32, READ_ONCE(hs->sk->sk_rcvbuf),
			DTLS_HS_RXQ_MIN_BYTES);
	u32 bytes = READ_ONCE(hs->rxq_bytes);

	return skb_queue_len_lockless(&hs->rxq) < DTLS_HS_RXQ_MAX &&
	       (!bytes || bytes + truesize <= cap);
}

/*
 * Queue for the work, unless retired or full (dtls_hs_rxq_room()).
 * Context: BHs off.
 * Return: 0 (queued), -ENOMEM (full) or -ESHUTDOWN (retired meanwhile).
 */
static int dtls_hs_enqueue(struct dtls_hs *hs, struct sk_buff *skb)
{
	int err = -ENOMEM;

	spin_lock(&hs->rxq.lock);
	if (hs->dead) {
		err = -ESHUTDOWN;
	} else if (dtls_hs_rxq_room(hs, skb->truesize)) {
		/* Its route not kept while queued; UDP's if refused. */
		skb_dst_drop(skb);
		__skb_queue_tail(&hs->rxq, skb);
		WRITE_ONCE(hs->rxq_bytes, hs->rxq_bytes + skb->truesize);
		/* Under the lock: retiring waits for it, then cancels. */
		queue_work(dtls_wq, &hs->work);
		err = 0;
	}
	spin_unlock(&hs->rxq.lock);
	return err;
}

/*
 * Charge a DTLS datagram and queue it for the work.  It is charged to
 * the socket's memory cgroup and udp_mem while it waits, not to its
 * receive buffer (a flight must fit a small one); the work uncharges it
 * when it takes it (dtls_hs_rxq_pop()).  Context: BHs off.
 * Return: 0; -ESHUTDOWN if retired meanwhile (@skb the caller's again,
 * uncharged); as dtls_rx_charge(), -ENOMEM (full) or -ENOBUFS (a memory
 * limit), @skb dropped and counted.
 */
static int dtls_hs_queue(struct dtls_hs *hs, struct sk_buff *skb)
{
	enum dtls_drop_reason why = DTLS_DROP_HS_QUEUE;
	struct dtls_sock *ds = hs->ds;
	int err = -ENOMEM;

	skb_orphan(skb);
	/* Not charged (twice a lock) for a queue that is full anyway. */
	if (dtls_hs_rxq_room(hs, skb->truesize)) {
		err = dtls_rx_charge_mem(ds->sk, skb);
		if (err)
			why = DTLS_DROP_NOMEM;
		else
			err = dtls_hs_enqueue(hs, skb);
	}
	if (err == -ESHUTDOWN) {
		skb_orphan(skb);
		return err;
	}
	if (err) {
		dtls_sk_drops_add(ds->sk, 1);
		dtls_stat_inc(ds, DTLS_STAT_RX_DROPPED);
		trace_dtls_drop(ds, why, 0, 0, skb->len);
		kfree_skb(skb);
	}
	return err;
}

/**
 * dtls_hs_icmp_error - the peer is unreachable (icmp.c)
 * @ds: the socket
 * @err: positive errno of a hard ICMP error
 *
 * Context: softirq, rcu_read_lock() held.
 */
void dtls_hs_icmp_error(struct dtls_sock *ds, int err)
{
	struct dtls_hs *hs = rcu_dereference(ds->hs.engine);

	if (!hs || !dtls_hs_takes_datagrams(hs))
		return;
	spin_lock(&hs->rxq.lock);
	if (!hs->dead) {
		WRITE_ONCE(hs->icmp_err, err);
		set_bit(DTLS_HS_EV_ICMP, &hs->events);
		queue_work(dtls_wq, &hs->work);
	}
	spin_unlock(&hs->rxq.lock);
}

/**
 * dtls_hs_take - a datagram for a socket whose handshake runs
 * @ds: the socket
 * @skb: the datagram, data at the UDP payload, its IP and UDP headers
 *	 intact (they name the sender)
 * @early: as for dtls_rx_not_dtls()
 *
 * RFC 7983: a datagram that is not DTLS (STUN, TURN, RTP on the same
 * port, as WebRTC has them) is the application's, untouched, marked
 * DTLS_RECORD_NOT_DTLS as after the handshake; the others are the
 * handshake's, never the application's.
 *
 * Context: BHs off, rcu_read_lock() held: UDP's encap_rcv, or
 * dtls_rx_open_queued() for what UDP queued before.
 * Return: false if no handshake takes datagrams (@skb untouched but for
 * its owner), or no longer: it ended since the check.
 */
bool dtls_hs_take(struct dtls_sock *ds, struct sk_buff *skb,
		  struct sk_buff_head *early)
{
	struct dtls_hs *hs = rcu_dereference(ds->hs.engine);
	const u8 *first;
	u8 b;

	if (!hs || !dtls_hs_takes_datagrams(hs))
		return false;
	first = skb_header_pointer(skb, 0, 1, &b);
	if (!first || !dtls_first_byte_is_dtls(*first)) {
		dtls_rx_not_dtls(ds, skb, early);
		return true;
	}
	/* Done or failed since: the keys' or UDP's (the caller). */
	return dtls_hs_queue(hs, skb) != -ESHUTDOWN;
}

/**
 * dtls_hs_take_hello - a listener's child takes its ClientHello
 * @hs: the child's handshake, started (S_LISTEN), a reference held
 * @hello: the ClientHello, as for dtls_hs_take(); consumed
 *
 * Charged and queued as dtls_hs_take() does, but a refusal is reported:
 * S_LISTEN arms no timer, so a child without its hello would hold a
 * pending slot until evicted.  The caller fails the handshake instead,
 * and the client's resend finds a new session.
 *
 * Context: process, hs->lock held.
 * Return: 0, or a negative errno (@hello freed).
 */
int dtls_hs_take_hello(struct dtls_hs *hs, struct sk_buff *hello)
{
	int err;

	/* Nothing else runs the steps: the work waits for the lock. */
	lockdep_assert_held(&hs->lock);
	local_bh_disable();
	err = dtls_hs_queue(hs, hello);
	local_bh_enable();
	if (err == -ESHUTDOWN)
		kfree_skb(hello);
	return err;
}

/**
 * dtls_hs_wait - wait for the handshake to end
 * @sk: the socket
 * @ds: its state
 * @timeo: time left, updated
 *
 * @rx: a reader that can take datagrams that are not DTLS (it has room
 *	for their type): one queued, or one UDP holds, ends the wait too
 *
 * Context: process (send and receive paths).
 * Return: 0 once established; 1 (@rx) if something may be for the
 * reader; the handshake's error, -EAGAIN or -ERESTARTSYS/-EINTR
 * otherwise.
 */
int dtls_hs_wait(struct sock *sk, struct dtls_sock *ds, long *timeo, bool rx)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	int err;

	add_wait_queue(sk_sleep(sk), &wait);
	for (;;) {
		u8 state = READ_ONCE(ds->hs.state);

		if (state == DTLS_HS_STATE_ESTABLISHED) {
			err = 0;
			break;
		}
		if (state == DTLS_HS_STATE_FAILED) {
			err = -(READ_ONCE(ds->hs.error) ?: ECONNABORTED);
			break;
		}
		if (rx && (!skb_queue_empty_lockless(&ds->rxq) ||
			   dtls_udp_queued(sk))) {
			err = 1;
			break;
		}
		if (!*timeo) {
			err = -EAGAIN;
			break;
		}
		if (signal_pending(current)) {
			err = sock_intr_errno(*timeo);
			break;
		}
		*timeo = wait_woken(&wait, TASK_INTERRUPTIBLE, *timeo);
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	return err;
}
