// SPDX-License-Identifier: GPL-2.0
/*
 * The kept last flight (RFC 6347 4.2.4): the side that sends the last
 * flight of a handshake is established at once, yet must answer a
 * retransmission of the peer's last flight with its own again, or the
 * peer deadlocks when that flight was lost.  So the connection keeps the
 * flight behind one pointer (ds->final.flight), with everything else of the
 * handshake freed, and:
 *  - resends it when the peer's Finished comes again in the new epoch,
 *    authenticated by the record layer (never for an epoch-0 or forged
 *    copy), at most once per retransmission interval and at most
 *    ds->final.max_resends times;
 *  - drops it on the peer's first authenticated application record (the
 *    peer has finished), on setsockopt(DTLS_FINAL_FLIGHT_DROP) (the
 *    application has proof of its own), or after its lifetime (2 x MSL by
 *    default).  A later copy of the peer's Finished is ignored and
 *    counted: the connection stays usable.
 *
 * The flight is kept as its messages (the CCS and the 24-byte Finished),
 * not as sealed datagrams: every resend needs fresh record sequence
 * numbers, which AEAD binds into nonce and tag, so a sealed copy could not
 * be resent as it is; sealing afresh costs the same memory.
 *
 * Nothing here depends on the role: whichever side sent the last flight
 * keeps it.
 *
 * The peer's other handshake records after the handshake ask for a
 * renegotiation, which kdtls never does: a ClientHello to a server or a
 * HelloRequest to a client gets a sealed no_renegotiation warning alert
 * (RFC 5246 7.4.1.2, 7.2.2) and the session goes on.  Only records the
 * record layer authenticated get there, so a spoofer cannot make us send.
 *
 * Contexts and locks:
 *  - ds->final.flight is published with RCU; whoever xchg()es it to NULL owns
 *    and frees it (kfree_rcu()), so a drop may come from any context.
 *  - dtls_final_rx(): softirq or a crypto completion (the record layer,
 *    after authentication), under rcu_read_lock().
 *  - ds->final.work resends the flight (only it writes the flight's
 *    resend fields) and sends that alert, each when its bit in
 *    ds->final.pending_ops is set.  Queued from the receive path, it
 *    holds a reference on @ds.  The alert's bit is set under ds->rxq.lock
 *    unless close has set ds->detached, and close clears it and cancels
 *    or waits for the work before the socket goes; a resend queued later
 *    finds no flight.  One work item: a burst of requests gets one answer.
 *    A listener's session its listener let go (its close, or a peer
 *    starting again) sends nothing more from it: the port may soon be
 *    another socket's.  The work reads child.orphaned (and @detached)
 *    under ds->rxq.lock, where dtls_final_orphan() sets it, and the
 *    listener then waits for the work (dtls_final_sync()).
 *  - the lifetime ends on the socket's timer (sock.c), softirq.
 *  - dtls_final_release(): close, process context.
 */

#include <linux/slab.h>
#include <net/sock.h>

#include <uapi/linux/dtls.h>

#include "compat/compat.h"
#include "dtls.h"
#include "handshake.h"
#include "peer_mem.h"
#include "trace.h"

/* What ds->final.work has to do: bits of ds->final.pending_ops. */
enum {
	DTLS_FINAL_OP_RESEND,		/* the kept flight, again */
	DTLS_FINAL_OP_RENEG,		/* the no_renegotiation alert */
};

/*
 * Bookkeeping of a kept flight (56 bytes on 64-bit), followed by its
 * messages, each framed by type, epoch and a be16 length (4 bytes).
 */
struct dtls_final {
	struct rcu_head	rcu;
	struct dtls_key	*tx_key;	/* the epoch of the flight's Finished */
	u64		tx_seq0;	/* next epoch-0 sequence (the CCS) */
	unsigned long	created;	/* jiffies */
	u32		last_resend;	/* jiffies, low 32 bits */
	u16		interval;	/* jiffies between resends, at least */
	u16		mtu;
	u16		peer_fin_seq;	/* message_seq of the peer's Finished */
	u16		resends;
	u16		len;		/* of msgs[] */
	u8		msgs[];
};

/* The messages of @f as a flight whose data point into @buf, a copy. */
static void dtls_final_unpack(struct dtls_flight *fl, u8 *buf,
			      unsigned int len)
{
	unsigned int off = 0;

	fl->n = 0;
	while (off + 4 <= len && fl->n < DTLS_FLIGHT_MAX_MSGS) {
		struct dtls_flight_msg *m = &fl->msg[fl->n++];

		m->type = buf[off];
		m->epoch = buf[off + 1];
		m->len = get_unaligned_be16(buf + off + 2);
		m->data = buf + off + 4;
		off += 4 + m->len;
	}
}

static void dtls_final_free(struct dtls_final *f)
{
	dtls_key_put(f->tx_key);
	kfree_rcu(f, rcu);
}

/* Take the kept flight off @ds and free it; @why: DTLS_FINAL_DROP_*. */
static void dtls_final_drop(struct dtls_sock *ds, u8 why)
{
	static const enum dtls_stat stat[] = {
		[DTLS_FINAL_DROP_DATA] = DTLS_STAT_FINAL_DROP_DATA,
		[DTLS_FINAL_DROP_USER] = DTLS_STAT_FINAL_DROP_USER,
		[DTLS_FINAL_DROP_TIMER] = DTLS_STAT_FINAL_DROP_TIMER,
	};
	struct dtls_final *f = unrcu_pointer(xchg(&ds->final.flight, NULL));

	if (!f)
		return;
	WRITE_ONCE(ds->final.dropped_by, why);
	dtls_stat_inc(ds, stat[why]);
	trace_dtls_final_drop(ds, why, f->resends);
	dtls_final_free(f);
}

/**
 * dtls_final_keep - keep the last flight after the handshake
 * @ds: the socket, established
 * @fl: the flight just sent
 * @tx_key: its keys (a reference is taken)
 * @tx_seq0: the next epoch-0 record sequence number
 * @mtu: datagram size
 * @peer_fin_seq: message_seq of the peer's Finished
 * @interval_ms: least time between two resends
 *
 * Context: process (the handshake work).
 * Return: 0 or -ENOMEM (then nothing is kept: a peer that lost the flight
 * times out, as with a peer that keeps nothing).
 */
int dtls_final_keep(struct dtls_sock *ds, const struct dtls_flight *fl,
		    struct dtls_key *tx_key, u64 tx_seq0, u32 mtu,
		    u16 peer_fin_seq, u32 interval_ms)
{
	unsigned int i, len = 0;
	struct dtls_final *f;
	u32 lifetime;
	u8 *p;

	for (i = 0; i < fl->n; i++)
		len += 4 + fl->msg[i].len;
	if (len > U16_MAX) {
		trace_dtls_final_keep(ds, fl, 0, -EMSGSIZE);
		return -EMSGSIZE;
	}
	/* Kept at a peer's Finished, in its socket's cgroup: no OOM killer. */
	f = kmalloc(struct_size(f, msgs, len), DTLS_GFP_PEER_KEEP);
	if (!f) {
		trace_dtls_final_keep(ds, fl, 0, -ENOMEM);
		return -ENOMEM;
	}
	dtls_key_get(tx_key);
	f->tx_key = tx_key;
	f->tx_seq0 = tx_seq0;
	f->created = jiffies;
	f->last_resend = (u32)jiffies;
	f->interval = min_t(unsigned long, msecs_to_jiffies(interval_ms),
			    U16_MAX);
	f->mtu = mtu;
	f->peer_fin_seq = peer_fin_seq;
	f->resends = 0;
	f->len = len;
	for (i = 0, p = f->msgs; i < fl->n; i++) {
		const struct dtls_flight_msg *m = &fl->msg[i];

		p[0] = m->type;
		p[1] = m->epoch;
		put_unaligned_be16(m->len, p + 2);
		memcpy(p + 4, m->data, m->len);
		p += 4 + m->len;
	}

	WRITE_ONCE(ds->final.dropped_by, 0);
	f = unrcu_pointer(xchg(&ds->final.flight, RCU_INITIALIZER(f)));
	if (f)
		dtls_final_free(f);	/* cannot happen: one handshake */
	lifetime = READ_ONCE(ds->final.lifetime_ms);
	trace_dtls_final_keep(ds, fl, lifetime, 0);
	if (lifetime)
		dtls_sock_timer_arm(ds, jiffies + msecs_to_jiffies(lifetime));
	return 0;
}

/* Does @h ask the established side @ds for a renegotiation? */
static bool dtls_final_is_reneg(struct dtls_sock *ds,
				const struct dtls_hs_hdr *h)
{
	if (READ_ONCE(ds->hs.state) != DTLS_HS_STATE_ESTABLISHED ||
	    h->frag_off)
		return false;
	if (READ_ONCE(ds->hs.role) == DTLS_HS_ROLE_SERVER)
		return h->type == DTLS_HS_CLIENT_HELLO;
	return h->type == DTLS_HS_HELLO_REQUEST;
}

/*
 * Have ds->final.work do @what (DTLS_FINAL_OP_*).  The bit is set
 * before the work is queued: a work already pending sees it.  The work
 * holds a reference on @ds: it may run after the socket closed.
 * Context: softirq or a crypto completion.
 */
static void dtls_final_queue(struct dtls_sock *ds, int what)
{
	set_bit(what, &ds->final.pending_ops);
	if (refcount_inc_not_zero(&ds->refs) &&
	    !queue_work(dtls_wq, &ds->final.work))
		dtls_sock_put(ds);
}

/* Context: softirq or a crypto completion. */
static void dtls_final_refuse_reneg(struct dtls_sock *ds)
{
	spin_lock_bh(&ds->rxq.lock);
	if (!ds->detached)
		dtls_final_queue(ds, DTLS_FINAL_OP_RENEG);
	spin_unlock_bh(&ds->rxq.lock);
}

/* Seal and send no_renegotiation.  Context: process (ds->final.work). */
static void dtls_final_reneg(struct dtls_sock *ds)
{
	struct dtls_key *k;
	unsigned int off;
	u8 *rec = NULL;
	int n;

	k = dtls_tx_key_get(ds);
	if (k)
		rec = kzalloc(dtls_cipher_overhead(k->cipher) + 2, GFP_KERNEL);
	if (rec) {
		off = DTLS_HEADER_LEN + k->cipher->explicit_len;
		rec[off] = DTLS_ALERT_WARNING;
		rec[off + 1] = DTLS_ALERT_NO_RENEGOTIATION;
		n = dtls_seal_record(k, rec, DTLS_RECORD_TYPE_ALERT, 2);
		dtls_tx_key_sealed(ds, k);
		/* Counted first: on loopback the peer has it within the send. */
		if (n > 0) {
			dtls_net_stat_add(sock_net(ds->sk),
					  DTLS_STAT_HS_RENEG_REFUSED, 1);
			dtls_send_hs_datagram(ds, rec, n);
		}
		kfree(rec);
	}
	if (k)
		dtls_key_put(k);
}

/*
 * A record the record layer authenticated, on a socket that kept (or
 * kept and dropped) a last flight, or made its keys in a kernel
 * handshake.  Return: true if it was a handshake record (the caller then
 * drops it, it is for no one else).
 *
 * Context: softirq or a crypto completion.
 */
bool dtls_final_rx(struct dtls_sock *ds, u8 type, const u8 *data,
		   unsigned int len)
{
	struct dtls_final *f;
	struct dtls_hs_hdr h;
	bool mine = true;

	if (type != DTLS_RECORD_TYPE_DATA &&
	    type != DTLS_RECORD_TYPE_HANDSHAKE)
		return false;
	rcu_read_lock();
	f = rcu_dereference(ds->final.flight);
	if (type == DTLS_RECORD_TYPE_DATA) {
		if (f)
			dtls_final_drop(ds, DTLS_FINAL_DROP_DATA);
		mine = false;
	} else if (dtls_hs_hdr_parse(data, len, &h)) {
		/* not a handshake message: dropped */
	} else if (dtls_final_is_reneg(ds, &h)) {
		dtls_final_refuse_reneg(ds);
	} else if (h.type != DTLS_HS_FINISHED || h.frag_off) {
		/* Its first fragment is enough: the rest may be lost too. */
	} else if (!f) {
		if (READ_ONCE(ds->final.dropped_by)) {
			dtls_stat_inc(ds, DTLS_STAT_FINAL_LATE);
			trace_dtls_drop(ds, DTLS_DROP_FINAL_LATE, 0, 0, len);
		}
	} else if (h.seq == f->peer_fin_seq) {
		dtls_final_queue(ds, DTLS_FINAL_OP_RESEND);
	}
	rcu_read_unlock();
	return mine;
}

/* Resend the kept flight.  Context: process (ds->final.work). */
static void dtls_final_resend(struct dtls_sock *ds)
{
	struct dtls_flight fl = {};
	struct dtls_flight_ctx fc;
	struct dtls_final *f;
	unsigned int len = 0, resends = 0;
	u8 *copy = NULL;
	u64 seq0;
	int err;

	rcu_read_lock();
	f = rcu_dereference(ds->final.flight);
	/* The first copy is answered at once, later ones an interval apart. */
	if (f && f->resends < READ_ONCE(ds->final.max_resends) &&
	    (!f->resends ||
	     (u32)jiffies - f->last_resend >= f->interval)) {
		/*
		 * A drop racing with us has put the flight's key reference;
		 * after a re-key that may have been the last one, and a key
		 * at zero must not come back to life.
		 */
		if (refcount_inc_not_zero(&f->tx_key->refs)) {
			copy = kmemdup(f->msgs, f->len, GFP_ATOMIC);
			if (!copy)
				dtls_key_put(f->tx_key);
		}
		if (copy) {
			fc.tx_key = f->tx_key;
			fc.mtu = f->mtu;
			len = f->len;
			seq0 = f->tx_seq0;
			resends = ++f->resends;
			f->last_resend = (u32)jiffies;
		}
	}
	rcu_read_unlock();
	if (!copy)
		return;

	dtls_final_unpack(&fl, copy, len);
	fc.ds = ds;
	fc.tx_seq0 = &seq0;
	/*
	 * Counted first: on loopback the peer has the flight within the
	 * send, and may be done (its owner reading the counter) before
	 * this work runs again.  A send that fails is counted too (traced
	 * with its error), as one lost on the way would be.
	 */
	dtls_stat_inc(ds, DTLS_STAT_FINAL_RESENT);
	err = dtls_flight_send(&fc, &fl);
	/* A transform made again to seal it is watched for idleness. */
	dtls_tx_key_sealed(ds, fc.tx_key);
	trace_dtls_final_resend(ds, resends, seq0, err);
	/* Only this work writes it; the flight may have gone meanwhile. */
	rcu_read_lock();
	f = rcu_dereference(ds->final.flight);
	if (f)
		f->tx_seq0 = seq0;
	rcu_read_unlock();
	dtls_key_put(fc.tx_key);
	kfree_sensitive(copy);
}

/* Resend and refuse, as pending_ops asks.  Context: process (dtls_wq). */
static void dtls_final_work(struct work_struct *work)
{
	struct dtls_sock *ds = container_of(work, struct dtls_sock, final.work);
	bool stop;

	/*
	 * Not once close set @detached (a work queued after close waited
	 * for it holds @ds, not the socket), nor once a listener's close
	 * orphaned the session.
	 */
	spin_lock_bh(&ds->rxq.lock);
	stop = ds->detached || READ_ONCE(ds->child.orphaned);
	spin_unlock_bh(&ds->rxq.lock);
	if (test_and_clear_bit(DTLS_FINAL_OP_RESEND, &ds->final.pending_ops) &&
	    !stop)
		dtls_final_resend(ds);
	if (test_and_clear_bit(DTLS_FINAL_OP_RENEG, &ds->final.pending_ops) &&
	    !stop)
		dtls_final_reneg(ds);
	dtls_sock_put(ds);	/* the reference dtls_final_queue() took */
}

/**
 * dtls_final_expire - the kept flight's lifetime, on the socket's timer
 * @ds: the socket
 * @expires: set to when the lifetime ends, if it has not yet
 *
 * Context: softirq (sock.c's timer, stopped by close).
 * Return: true if @expires was set (the timer must fire again then).
 */
bool dtls_final_expire(struct dtls_sock *ds, unsigned long *expires)
{
	u32 lifetime = READ_ONCE(ds->final.lifetime_ms);
	struct dtls_final *f;
	unsigned long t = 0;
	bool kept = false;

	rcu_read_lock();
	f = rcu_dereference(ds->final.flight);
	if (f && lifetime) {
		t = f->created + msecs_to_jiffies(lifetime);
		kept = true;
	}
	rcu_read_unlock();
	if (!kept)
		return false;
	if (time_before(jiffies, t)) {
		*expires = t;
		return true;
	}
	dtls_final_drop(ds, DTLS_FINAL_DROP_TIMER);
	return false;
}

void dtls_final_init(struct dtls_sock *ds)
{
	INIT_WORK(&ds->final.work, dtls_final_work);
	ds->final.lifetime_ms = DTLS_FINAL_FLIGHT_LIFETIME_DEFAULT;
	ds->final.max_resends = DTLS_FINAL_FLIGHT_RESENDS_DEFAULT;
}

/*
 * Context: close, process, @ds->detached set and the socket's timer
 * stopped.  A resend queued meanwhile (a crypto completion may still open
 * a record) holds its own reference and finds no flight; no alert is
 * asked for any more, and one asked for before is not sent.
 */
void dtls_final_release(struct dtls_sock *ds)
{
	struct dtls_final *f;

	f = unrcu_pointer(xchg(&ds->final.flight, NULL));
	if (f)
		dtls_final_free(f);
	clear_bit(DTLS_FINAL_OP_RENEG, &ds->final.pending_ops);
	if (cancel_work_sync(&ds->final.work))
		dtls_sock_put(ds);	/* the reference it held */
}

/**
 * dtls_final_orphan - a listener's session its listener let go: the work
 * sends nothing more for it (the port may soon be another socket's)
 * @ds: the session
 *
 * @child.orphaned is set under ds->rxq.lock, where the work reads it.
 * A work already past that read is waited for by dtls_final_sync().
 * Context: process; nests inside l->lock and lock_sock().
 */
void dtls_final_orphan(struct dtls_sock *ds)
{
	spin_lock_bh(&ds->rxq.lock);
	WRITE_ONCE(ds->child.orphaned, true);
	spin_unlock_bh(&ds->rxq.lock);
}

/*
 * Wait for a resend or alert of the work already under way (after
 * dtls_final_orphan(), or before an accepted session's old struct socket
 * goes).  Context: process, no lock held that the work takes.
 */
void dtls_final_sync(struct dtls_sock *ds)
{
	flush_work(&ds->final.work);
}

/* setsockopt(SOL_DTLS, DTLS_FINAL_FLIGHT_*).  Context: process. */
int dtls_final_setsockopt(struct dtls_sock *ds, int optname, u32 val)
{
	switch (optname) {
	case DTLS_FINAL_FLIGHT_DROP:
		dtls_final_drop(ds, DTLS_FINAL_DROP_USER);
		return 0;
	case DTLS_FINAL_FLIGHT_LIFETIME:
		WRITE_ONCE(ds->final.lifetime_ms, val);
		/* Applies to a flight kept now, too: looked at again now. */
		dtls_sock_timer_arm(ds, jiffies);
		return 0;
	case DTLS_FINAL_FLIGHT_RESENDS:
		if (val > U16_MAX)
			return -EINVAL;
		WRITE_ONCE(ds->final.max_resends, val);
		return 0;
	}
	return -ENOPROTOOPT;
}

void dtls_final_info(struct dtls_sock *ds, struct dtls_final_flight_info *fi)
{
	struct dtls_final *f;

	memset(fi, 0, sizeof(*fi));
	rcu_read_lock();
	f = rcu_dereference(ds->final.flight);
	if (f) {
		fi->held = 1;
		struct dtls_flight fl;
		unsigned int i;

		dtls_final_unpack(&fl, f->msgs, f->len);
		for (i = 0; i < fl.n; i++)
			fi->bytes += fl.msg[i].len;
		fi->age_ms = jiffies_to_msecs(jiffies - f->created);
	}
	rcu_read_unlock();
	fi->dropped_by = READ_ONCE(ds->final.dropped_by);
	/* Counters, so that they stay after the drop. */
	fi->resends = atomic64_read(&ds->stats.v[DTLS_STAT_FINAL_RESENT]);
	fi->late = atomic64_read(&ds->stats.v[DTLS_STAT_FINAL_LATE]);
}
