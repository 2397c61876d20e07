/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel DTLS 1.2 handshake engine: its I/O (handshake.c,
 * hs_receive.c, flight.c) and control (hs_control.c) around the
 * protocol's steps (proto.h).
 *
 * One struct dtls_hs per attached socket whose handshake is configured or
 * running.  It is freed when the handshake ends; what outlives it (the
 * result, and on the side that sent the last flight, that flight) lives
 * in struct dtls_sock.
 *
 * Contexts and locks:
 *  - hs->lock (mutex) serialises the state machine: the work item, the
 *    netlink handlers.  lock_sock() is never taken before it.  Under it,
 *    nothing waits for a socket's owner, who may be user space holding
 *    it for as long as it likes, but the start of a listener's new child,
 *    which no user has yet: the end of a handshake is decided in hs->end
 *    and committed when the work owns the socket (dtls_hs_settle(),
 *    dtls_sock_try_own()), else when the owner's release_sock() queues
 *    the work again.  A decided end stops the steps like hs->dead
 *    (dtls_hs_over()), not the queue.
 *  - dtls_hs_take(): softirq (encap_rcv) or BHs off in process context
 *    (datagrams UDP queued before), under rcu_read_lock().  It charges
 *    the datagram to the socket's memory (sk_receive_queue.lock, taken
 *    outside hs->rxq.lock, never inside), queues it on hs->rxq and
 *    schedules the work; a datagram that is not DTLS goes on ds->rxq
 *    for the reader.  Once the queue is closed (hs->dead) it hands the
 *    datagram back: its caller gives it to the record layer or UDP.
 *    dtls_hs_take_hello() does the same for a listener's child's first
 *    datagram, in process context with BHs off, under hs->lock and a
 *    reference (not RCU).
 *  - the retransmission timer only schedules the work; all crypto and
 *    sending run in the work, in process context.
 *  - delegation (peer-delegate): a step asks to pause after the peer's
 *    Certificate; under hs->lock the work sets hs->deleg_id (never 0),
 *    multicasts peer-cert-ntf and arms hs->deleg_timer.  While the id is
 *    set, no message leaves reassembly for the steps (records are still
 *    taken, reassembled, bounded as always).  peer-verdict (netlink,
 *    process context) takes hs->lock, checks the id, clears it and
 *    stops the timer, then either resumes the steps on what reassembly
 *    holds (dtls_hs_resume()) or fails with bad_certificate.  The timer
 *    only schedules the work (DTLS_HS_EV_DELEG), which fails with
 *    certificate_unknown if the id is still set at the deadline.  Failing,
 *    ending and freeing the handshake stop the timer like the other.
 *  - hs->dead stops everything.  The commit of a failure sets it under
 *    hs->lock (the work stops), then retiring under hs->rxq.lock too
 *    (the queue closes); of a success, under both as it empties the
 *    queue.
 *
 * Lifetime: hs->refs.  Being on ds->hs.engine holds one reference; whoever takes
 * it off ds->hs.engine (under lock_sock(): the end of the handshake, or close)
 * drops it in dtls_hs_retire().  A netlink handler takes one in
 * dtls_hs_get(), under RCU while @hs is still on ds->hs.engine, and
 * drops it with dtls_hs_put() after its last use, so a parallel abort,
 * failure or close (genetlink ops run in parallel) cannot free @hs under
 * it.  The work and the timer hold none: the last put frees @hs after an
 * RCU grace period (dtls_hs_take() reads ds->hs.engine under RCU without a
 * reference), once the work is cancelled and both timers are shut down.
 */
#ifndef _NET_DTLS_HANDSHAKE_H
#define _NET_DTLS_HANDSHAKE_H

#include <linux/bits.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/skbuff.h>
#include <linux/timer.h>
#include <linux/workqueue.h>

#include <uapi/linux/dtls_netlink.h>

#include "proto.h"
#include "reasm.h"

struct dtls_sock;
struct dtls_key;
struct dtls_kex;
struct netlink_ext_ack;
struct nlattr;
struct sockaddr_storage;

#define DTLS_HS_RXQ_MAX		64	/* datagrams waiting for the work */
/* Records from the peer held back until the handshake is done. */
#define DTLS_HS_EARLY_MAX	16
/* ... and the memory they take (skb truesize), the rest copy's too. */
#define DTLS_HS_EARLY_BYTES	(32 * 1024)

enum dtls_hs_end_kind {
	DTLS_HS_END_NONE,
	DTLS_HS_END_FAILED,
	DTLS_HS_END_ESTABLISHED,
};

/*
 * How the handshake ends, decided and waiting to be committed under the
 * socket lock (dtls_hs_settle()): the work does not wait for a socket
 * its owner holds.  Under hs->lock.
 */
struct dtls_hs_end {
	u8			kind;		/* enum dtls_hs_end_kind */
	u8			alert;		/* failed: what we sent or got */
	bool			remote;		/* failed: @alert is the peer's */
	bool			keep;		/* established: our flight stays */
	int			err;		/* failed: negative errno */
	/* Established: what the session keeps, allocated beforehand. */
	u8			*mki;
	u8			*peer_id;
	struct dtls_cert_peer	*cert;
};

struct dtls_hs {
	struct dtls_sock	*ds;
	struct sock		*sk;
	struct mutex		lock;		/* the state machine, below */
	struct work_struct	work;
	struct rcu_work		free_work;
	refcount_t		refs;		/* see "Lifetime" above */
	struct timer_list	timer;
	struct timer_list	deleg_timer;	/* peer-verdict's deadline */
	u32			deleg_id;	/* pending peer-verdict; 0: none */
	unsigned long		deleg_deadline;	/* jiffies */
	unsigned long		events;		/* DTLS_HS_EV_* bits */
	int			icmp_err;	/* positive errno */
	struct sk_buff_head	rxq;		/* datagrams while running */
	u32			rxq_bytes;	/* their truesize; rxq.lock to
						 * change, read without
						 */
	bool			dead;
	struct dtls_hs_end	end;

	struct dtls_proto	pr;		/* the protocol, proto.h */
	struct dtls_reasm	reasm;
	u64			tx_seq0;	/* epoch-0 record sequence */
	/* The datagram dtls_hs_rx_datagram() handles, its next record. */
	struct sk_buff		*rx_skb;
	unsigned int		rx_off;

	unsigned long		rto;		/* jiffies */
	unsigned long		deadline;	/* jiffies */
	unsigned long		last_resend;	/* jiffies */
	unsigned long		flight_due;	/* jiffies: resend then */
	struct sk_buff_head	early;		/* data records before Finished */
	u32			early_bytes;	/* their truesize */
	struct sk_buff_head	next;		/* epoch 1 before its key */
	u32			auth_fail;	/* sealed records that did not open */

	/* The peer's flight so far, for the dtls_hs_flight_rx tracepoint. */
	u32			rx_types;	/* dtls_trace_msg_bit()s */
	u32			rx_bytes;
	u16			rx_msgs;
};

/* Why a flight went (the dtls_hs_flight_tx and _retransmit tracepoints). */
enum dtls_retx_why {
	DTLS_RETX_TIMER,
	DTLS_RETX_PEER,
	DTLS_RETX_NEW,		/* the first time */
};

/*
 * Message types for the tracepoints, as a mask: bit n for handshake type
 * n, and two more for a ChangeCipherSpec and for anything else.
 */
#define DTLS_TRACE_MSG_CCS	BIT(31)
#define DTLS_TRACE_MSG_OTHER	BIT(30)

static inline u32 dtls_trace_msg_bit(u8 hs_type)
{
	return hs_type < 30 ? BIT(hs_type) : DTLS_TRACE_MSG_OTHER;
}

/*
 * Must a sender or reader of @ds wait for the kernel's handshake, or fail
 * with its error (dtls_hs_wait())?  Not once it is established: the fast
 * path takes no wait queue.
 */
static inline bool dtls_hs_blocks(u8 state)
{
	return state == DTLS_HS_STATE_RUNNING || state == DTLS_HS_STATE_FAILED;
}

/*
 * Is the handshake over for the steps: retired, or its end decided and
 * waiting for the socket (hs->end)?  Under hs->lock.  Its datagrams are
 * still taken meanwhile (dtls_hs_takes_datagrams()): once the end is
 * committed they go to the record layer, or with the handshake.
 */
static inline bool dtls_hs_over(const struct dtls_hs *hs)
{
	return hs->dead || hs->end.kind;
}

/* Does the handshake take the socket's datagrams now?  Under RCU. */
static inline bool dtls_hs_takes_datagrams(const struct dtls_hs *hs)
{
	enum dtls_hs_step step = READ_ONCE(hs->pr.step);

	return step != DTLS_HS_IDLE && step != DTLS_HS_DONE;
}

/* A message of the peer's flight, for the dtls_hs_flight_rx tracepoint. */
static inline void dtls_hs_rx_msg(struct dtls_hs *hs, u8 type, u32 len)
{
	hs->rx_msgs++;
	hs->rx_types |= dtls_trace_msg_bit(type);
	hs->rx_bytes += DTLS_HS_HEADER_LEN + len;
}

#define DTLS_HS_EV_TIMER	0
#define DTLS_HS_EV_ICMP		1	/* a hard ICMP error, in icmp_err */
#define DTLS_HS_EV_DELEG	2	/* hs->deleg_timer fired */

/*
 * An hs-config request as netlink_hs.c parsed it: @set names the fields of
 * @p that were given (the others keep their values); a suite or group
 * list longer than ours is flagged rather than cut.
 */
#define DTLS_HS_SET_ROLE	BIT(0)
#define DTLS_HS_SET_SUITES	BIT(1)
#define DTLS_HS_SET_GROUPS	BIT(2)
#define DTLS_HS_SET_MTU		BIT(3)
#define DTLS_HS_SET_RTO_INITIAL	BIT(4)
#define DTLS_HS_SET_RTO_MAX	BIT(5)
#define DTLS_HS_SET_TIMEOUT	BIT(6)
#define DTLS_HS_SET_COOKIES	BIT(7)
#define DTLS_HS_SET_ICMP_IGNORE	BIT(8)
#define DTLS_HS_SET_HINT	BIT(9)
#define DTLS_HS_SET_SRTP	BIT(10)	/* profiles (none: off) */
#define DTLS_HS_SET_SRTP_MKI	BIT(11)
#define DTLS_HS_SET_SRTP_REQ	BIT(12)

struct dtls_hs_config_req {
	u32			set;
	struct dtls_hs_params	p;
	/*
	 * Where each suite and group came from, for the error to point at;
	 * the last entry: the first one past our list's length, if any.
	 */
	const struct nlattr	*suite_attr[DTLS_HS_MAX_SUITES + 1];
	const struct nlattr	*group_attr[DTLS_HS_MAX_GROUPS + 1];
};

/* hs_control.c, for netlink_hs.c and sock.c */
int dtls_hs_config(struct dtls_sock *ds, const struct dtls_hs_config_req *req,
		   struct netlink_ext_ack *extack);
int dtls_hs_psk_add(struct dtls_sock *ds, const u8 *id, unsigned int id_len,
		    const u8 *key, unsigned int key_len, s32 serial,
		    struct netlink_ext_ack *extack);
int dtls_hs_cert_set(struct dtls_sock *ds, const u8 *const *der,
		     const u32 *len, unsigned int n, const u8 *key, s32 serial,
		     struct netlink_ext_ack *extack);
int dtls_hs_peer_auth(struct dtls_sock *ds, struct dtls_peer_auth *pa,
		      struct netlink_ext_ack *extack);
int dtls_hs_start(struct dtls_sock *ds, struct netlink_ext_ack *extack);
int dtls_hs_listen_check(struct dtls_sock *ds);
bool dtls_hs_template_cookies(struct dtls_sock *ds);
int dtls_hs_start_child(struct dtls_sock *ds, struct dtls_sock *parent,
			struct sk_buff *hello);
int dtls_hs_abort(struct dtls_sock *ds);
int dtls_hs_peer_verdict(struct dtls_sock *ds, u32 id, bool accept,
			 struct netlink_ext_ack *extack);
void dtls_hs_release(struct dtls_sock *ds);

/* handshake.c: the socket's hooks */
int dtls_hs_take_hello(struct dtls_hs *hs, struct sk_buff *hello);
bool dtls_hs_take(struct dtls_sock *ds, struct sk_buff *skb,
		  struct sk_buff_head *early);
void dtls_hs_icmp_error(struct dtls_sock *ds, int err);
int dtls_hs_wait(struct sock *sk, struct dtls_sock *ds, long *timeo, bool rx);

/* handshake.c, for hs_receive.c and hs_control.c */
void dtls_hs_work(struct work_struct *work);
void dtls_hs_timer_fn(struct timer_list *t);
void dtls_hs_deleg_timer_fn(struct timer_list *t);
void dtls_hs_put(struct dtls_hs *hs);
void dtls_hs_retire(struct dtls_hs *hs);
void dtls_hs_set_state(struct dtls_sock *ds, u8 state);
/* ... and these under hs->lock */
int dtls_hs_flight_send(struct dtls_hs *hs);
void dtls_hs_flight_resent(struct dtls_hs *hs);
void dtls_hs_fail(struct dtls_hs *hs, int err, u8 alert, bool remote);
void dtls_hs_act(struct dtls_hs *hs, int err,
		 const struct dtls_proto_out *out);

/* hs_receive.c */
void dtls_hs_rx_datagram(struct dtls_hs *hs, struct sk_buff *skb);
bool dtls_hello_check(struct dtls_sock *ds, struct sk_buff *skb, bool cookies);
void dtls_skb_peer(const struct sk_buff *skb, struct sockaddr_storage *ss);
void dtls_hs_resume(struct dtls_hs *hs);

/* flight.c */
struct dtls_flight_ctx {
	struct dtls_sock	*ds;
	struct dtls_key		*tx_key;	/* epoch 1 */
	u64			*tx_seq0;	/* next epoch-0 record sequence */
	u32			mtu;
};

int dtls_flight_send(struct dtls_flight_ctx *fc, const struct dtls_flight *f);
int dtls_send_datagram(struct dtls_sock *ds, const void *buf,
		       unsigned int len, const struct sockaddr *to);
int dtls_send_hs_datagram(struct dtls_sock *ds, const void *buf,
			  unsigned int len);
int dtls_send_reply(struct dtls_sock *ds, const void *buf, unsigned int len,
		    const struct sockaddr *to, const struct sk_buff *skb);
unsigned int dtls_flight_bytes(const struct dtls_flight *f);
u32 dtls_flight_types(const struct dtls_flight *f);

#endif /* _NET_DTLS_HANDSHAKE_H */
