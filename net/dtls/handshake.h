/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel DTLS 1.2 handshake engine (handshake.c, flight.c, psk.c).
 *
 * One struct dtls_hs per attached socket whose handshake is configured or
 * running.  It is freed when the handshake ends; what outlives it (the
 * result, and on the side that sent the last flight, that flight) lives
 * in struct dtls_sock.
 *
 * Contexts and locks:
 *  - hs->lock (mutex) serialises the state machine: the work item, the
 *    netlink handlers.  lock_sock() may be taken under it, never the
 *    other way round.
 *  - dtls_hs_capture(): softirq (encap_rcv), under rcu_read_lock(); it
 *    only queues the datagram on hs->rxq and schedules the work.
 *  - the retransmission timer only schedules the work; all crypto and
 *    sending run in the work, in process context.
 *  - hs->dead, set under hs->rxq.lock and hs->lock, stops everything.
 *
 * Lifetime: hs->refs.  Being on ds->hs.engine holds one reference; whoever takes
 * it off ds->hs.engine (under lock_sock(): the end of the handshake, or close)
 * drops it in dtls_hs_retire().  A netlink handler takes one in
 * dtls_hs_get(), under lock_sock() while @hs is still on ds->hs.engine, and
 * drops it with dtls_hs_put() after its last use, so a parallel abort,
 * failure or close (genetlink ops run in parallel) cannot free @hs under
 * it.  The work and the timer hold none: the last put frees @hs after an
 * RCU grace period (dtls_hs_capture() reads ds->hs.engine under RCU without a
 * reference), once the work is cancelled and the timer is shut down.
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

#include "kex.h"
#include "msg.h"
#include "prf.h"
#include "reasm.h"

struct dtls_sock;
struct dtls_key;
struct dtls_kex;
struct netlink_ext_ack;
struct nlattr;

/* IANA cipher suites */
#define DTLS_PSK_AES_128_GCM_SHA256		0x00a8
#define DTLS_PSK_AES_256_GCM_SHA384		0x00a9
#define DTLS_PSK_AES_128_CCM_8			0xc0a8
#define DTLS_PSK_CHACHA20_POLY1305_SHA256	0xccab
#define DTLS_ECDHE_PSK_CHACHA20_POLY1305_SHA256	0xccac
#define DTLS_ECDHE_PSK_AES_128_GCM_SHA256	0xd001

struct dtls_suite {
	u16			id;
	u16			cipher;		/* DTLS_CIPHER_* */
	enum dtls_prf_hash	prf;
	bool			ecdhe;
	const char		*name;		/* OpenSSL's name */
};

const struct dtls_suite *dtls_suite_find(u16 id);

/* TLS alerts (RFC 5246 7.2) */
#define DTLS_ALERT_WARNING		1
#define DTLS_ALERT_FATAL		2
#define DTLS_ALERT_CLOSE_NOTIFY		0
#define DTLS_ALERT_UNEXPECTED_MESSAGE	10
#define DTLS_ALERT_BAD_RECORD_MAC	20
#define DTLS_ALERT_HANDSHAKE_FAILURE	40
#define DTLS_ALERT_ILLEGAL_PARAMETER	47
#define DTLS_ALERT_DECODE_ERROR		50
#define DTLS_ALERT_DECRYPT_ERROR	51
#define DTLS_ALERT_PROTOCOL_VERSION	70
#define DTLS_ALERT_INSUFFICIENT_SECURITY 71
#define DTLS_ALERT_INTERNAL_ERROR	80
#define DTLS_ALERT_NO_RENEGOTIATION	100
#define DTLS_ALERT_UNKNOWN_PSK_IDENTITY	115

#define DTLS_HS_MAX_SUITES	8
#define DTLS_HS_MAX_GROUPS	4
#define DTLS_HS_MAX_PSKS	64
#define DTLS_HS_RXQ_MAX		64	/* datagrams waiting for the work */

/* Defaults of the netlink parameters */
#define DTLS_HS_MTU_DEFAULT		1400
#define DTLS_HS_RTO_INITIAL_MS		1000
#define DTLS_HS_RTO_MAX_MS		60000
#define DTLS_HS_TIMEOUT_MS		120000

struct dtls_psk {
	struct list_head	node;
	u8			id_len;
	u8			key_len;
	u8			id[DTLS_MAX_IDENTITY_LEN];
	u8			key[DTLS_PSK_MAX_LEN];
};

/* One message of a flight, kept in plaintext so that every resend is
 * sealed afresh with new record sequence numbers.
 */
struct dtls_flight_msg {
	u8	type;		/* record content type: handshake or CCS */
	u16	epoch;
	u32	len;
	u8	*data;		/* handshake: 12-byte header, then the body */
};

#define DTLS_FLIGHT_MAX_MSGS	5

struct dtls_flight {
	unsigned int		n;
	struct dtls_flight_msg	msg[DTLS_FLIGHT_MAX_MSGS];
};

enum dtls_hs_step {
	DTLS_HS_IDLE,
	DTLS_HS_C_WAIT_SH,	/* ClientHello sent: HelloVerifyRequest or SH */
	DTLS_HS_C_WAIT_SHD,	/* ServerHello in: ServerKeyExchange, SHD */
	DTLS_HS_C_WAIT_FIN,	/* flight 5 sent: CCS, server Finished */
	DTLS_HS_S_LISTEN,	/* waiting for a ClientHello */
	DTLS_HS_S_WAIT_CKE,	/* flight 4 sent: ClientKeyExchange */
	DTLS_HS_S_WAIT_FIN,	/* keys derived: client Finished */
	DTLS_HS_DONE,
};

struct dtls_hs_params {
	u8	role;			/* DTLS_HS_ROLE_* */
	bool	cookies;
	bool	icmp_ignore;		/* a client waits out ICMP errors */
	u8	n_suites;
	u8	n_groups;
	u16	suites[DTLS_HS_MAX_SUITES];
	u16	groups[DTLS_HS_MAX_GROUPS];
	u32	mtu;
	u32	rto_initial_ms;
	u32	rto_max_ms;
	u32	timeout_ms;
	u8	hint_len;
	u8	hint[DTLS_MAX_IDENTITY_LEN];
};

struct dtls_hs {
	struct dtls_sock	*ds;
	struct sock		*sk;
	struct mutex		lock;		/* the state machine, below */
	struct work_struct	work;
	struct rcu_work		free_work;
	refcount_t		refs;		/* see "Lifetime" above */
	struct timer_list	timer;
	unsigned long		events;		/* DTLS_HS_EV_* bits */
	int			icmp_err;	/* positive errno */
	struct sk_buff_head	rxq;		/* datagrams while running */
	u32			rxq_bytes;	/* their truesize, rxq.lock */
	bool			dead;

	struct dtls_hs_params	p;
	struct list_head	psks;
	unsigned int		n_psks;

	enum dtls_hs_step	step;
	const struct dtls_suite	*suite;
	u16			group;
	struct dtls_kex		*kex;
	u8			client_random[DTLS_RANDOM_LEN];
	u8			server_random[DTLS_RANDOM_LEN];
	u8			master[DTLS_MASTER_LEN];
	u8			psk[DTLS_PSK_MAX_LEN];
	u8			psk_len;
	u8			peer_id_len;
	u8			peer_id[DTLS_MAX_IDENTITY_LEN];
	bool			got_ske;
	bool			secure_reneg;	/* RFC 5746: the client asked */
	u8			peer_point_len;
	u8			peer_point[DTLS_KEX_PUBLIC_MAX];

	/* The master secret as an HMAC key: key block, both Finished. */
	struct dtls_hmac_key	mkey;

	/* Handshake messages sent and received, for the Finished hashes. */
	u8			*transcript;
	u32			tlen;
	u32			tcap;
	struct dtls_hash_state	thash;		/* transcript[0..thash.len) */

	struct dtls_reasm	reasm;
	u16			tx_msg_seq;	/* next message_seq we send */
	u16			peer_flight_seq; /* first of the peer's last */
	u64			tx_seq0;	/* epoch-0 record sequence */
	struct dtls_key		*tx_key;	/* epoch 1, also the record layer's */
	struct dtls_key		*rx_key;
	struct dtls_flight	flight;		/* our last flight sent */

	unsigned long		rto;		/* jiffies */
	unsigned long		deadline;	/* jiffies */
	unsigned long		last_resend;	/* jiffies */
	bool			sent_ccs;
	struct sk_buff_head	early;		/* data records before Finished */
	u32			early_bytes;	/* their truesize */
	u32			auth_fail;	/* sealed records that did not open */

	/* The peer's flight so far, for the dtls_hs_flight_rx tracepoint. */
	u32			rx_types;	/* dtls_trace_msg_bit()s */
	u32			rx_bytes;
	u16			rx_msgs;
};

/* Why a flight went again (the dtls_hs_retransmit tracepoint). */
enum dtls_retx_why {
	DTLS_RETX_TIMER,
	DTLS_RETX_PEER,
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

/* Does the handshake take the socket's datagrams now?  Under RCU. */
static inline bool dtls_hs_takes_datagrams(const struct dtls_hs *hs)
{
	enum dtls_hs_step step = READ_ONCE(hs->step);

	return step != DTLS_HS_IDLE && step != DTLS_HS_DONE;
}

#define DTLS_HS_EV_TIMER	0
#define DTLS_HS_EV_ICMP		1	/* a hard ICMP error, in icmp_err */

/*
 * An hs-config request as netlink.c parsed it: @set names the fields of
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

/* handshake.c */
int dtls_hs_config(struct dtls_sock *ds, const struct dtls_hs_config_req *req,
		   struct netlink_ext_ack *extack);
int dtls_hs_psk_add(struct dtls_sock *ds, const u8 *id, unsigned int id_len,
		    const u8 *key, unsigned int key_len, s32 serial,
		    struct netlink_ext_ack *extack);
int dtls_hs_start(struct dtls_sock *ds, struct netlink_ext_ack *extack);
int dtls_hs_abort(struct dtls_sock *ds);
bool dtls_hs_capture(struct dtls_sock *ds, struct sk_buff *skb);
void dtls_hs_icmp_error(struct dtls_sock *ds, int err);
void dtls_hs_release(struct dtls_sock *ds);
int dtls_hs_wait(struct sock *sk, struct dtls_sock *ds, long *timeo);

/* psk.c */
int dtls_psk_add(struct dtls_hs *hs, const u8 *id, unsigned int id_len,
		 const u8 *key, unsigned int key_len);
int dtls_psk_add_keyring(struct dtls_hs *hs, const u8 *id,
			 unsigned int id_len, s32 serial);
const struct dtls_psk *dtls_psk_find(struct dtls_hs *hs, const u8 *id,
				     unsigned int id_len);
void dtls_psk_clear(struct dtls_hs *hs);

/* flight.c */
int dtls_flight_add(struct dtls_flight *f, u8 type, u16 epoch,
		    const u8 *data, u32 len);
void dtls_flight_clear(struct dtls_flight *f);
struct dtls_flight_ctx {
	struct dtls_sock	*ds;
	struct dtls_key		*tx_key;	/* epoch 1 */
	u64			*tx_seq0;	/* next epoch-0 record sequence */
	u32			mtu;
};

int dtls_flight_send(struct dtls_flight_ctx *fc, const struct dtls_flight *f);
int dtls_send_datagram(struct dtls_sock *ds, const void *buf,
		       unsigned int len, const struct sockaddr *to);
unsigned int dtls_flight_bytes(const struct dtls_flight *f);
u32 dtls_flight_types(const struct dtls_flight *f);

#endif /* _NET_DTLS_HANDSHAKE_H */
