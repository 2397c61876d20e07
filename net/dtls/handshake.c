// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel DTLS 1.2 handshake (RFC 6347, RFC 5246): PSK and
 * ECDHE-PSK, extended master secret always, stateless cookies, flights
 * with retransmission timers, fragmentation and bounded reassembly.
 *
 *   client                                   server
 *   ClientHello                  -->                          (flight 1)
 *                                <--    HelloVerifyRequest    (flight 2)
 *   ClientHello + cookie         -->                          (flight 3)
 *                                <--    ServerHello, [ServerKeyExchange],
 *                                       ServerHelloDone       (flight 4)
 *   ClientKeyExchange, CCS,
 *   Finished                     -->                          (flight 5)
 *                                <--    CCS, Finished         (flight 6)
 *
 * The server's flight 6 is the last: at the end it goes to
 * dtls_final_keep() (final.c), which resends it when an authenticated
 * copy of the client's Finished comes again; this state is freed.
 *
 * Contexts and locks: see handshake.h.  The state machine runs only in
 * dtls_hs_work() and the netlink handlers, under hs->lock.
 */

#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <crypto/aead.h>
#include <crypto/algapi.h>
#include <linux/netlink.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/udp.h>

#include <uapi/linux/dtls.h>

#include "cookie.h"
#include "dtls.h"
#include "handshake.h"
#include "kex.h"
#include "msg.h"
#include "prf.h"
#include "reasm.h"
#include "trace.h"

static const struct dtls_suite dtls_suites[] = {
	{ DTLS_PSK_AES_128_GCM_SHA256, DTLS_CIPHER_AES_GCM_128,
	  DTLS_PRF_SHA256, false, "PSK-AES128-GCM-SHA256" },
	{ DTLS_PSK_AES_256_GCM_SHA384, DTLS_CIPHER_AES_GCM_256,
	  DTLS_PRF_SHA384, false, "PSK-AES256-GCM-SHA384" },
	{ DTLS_PSK_AES_128_CCM_8, DTLS_CIPHER_AES_CCM_8_128,
	  DTLS_PRF_SHA256, false, "PSK-AES128-CCM8" },
	{ DTLS_PSK_CHACHA20_POLY1305_SHA256, DTLS_CIPHER_CHACHA20_POLY1305,
	  DTLS_PRF_SHA256, false, "PSK-CHACHA20-POLY1305" },
	{ DTLS_ECDHE_PSK_CHACHA20_POLY1305_SHA256,
	  DTLS_CIPHER_CHACHA20_POLY1305, DTLS_PRF_SHA256, true,
	  "ECDHE-PSK-CHACHA20-POLY1305" },
	{ DTLS_ECDHE_PSK_AES_128_GCM_SHA256, DTLS_CIPHER_AES_GCM_128,
	  DTLS_PRF_SHA256, true, "ECDHE-PSK-AES128-GCM-SHA256" },
};

static const u16 dtls_default_groups[] = {
	DTLS_GROUP_X25519, DTLS_GROUP_SECP256R1,
};

const struct dtls_suite *dtls_suite_find(u16 id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dtls_suites); i++)
		if (dtls_suites[i].id == id)
			return &dtls_suites[i];
	return NULL;
}

/* Room for our own messages: a ClientHello with a 255-byte cookie. */
#define DTLS_HS_MSG_MAX		768
/* The transcript of a PSK handshake is well under this. */
#define DTLS_TRANSCRIPT_MAX	8192
/* Records from the peer held back until the handshake is done. */
#define DTLS_HS_EARLY_MAX	16
/* ... and the memory they may take (skb truesize), all of them. */
#define DTLS_HS_EARLY_BYTES	(32 * 1024)
/* The datagrams waiting for the work, at least this much when sk_rcvbuf
 * is smaller; otherwise sk_rcvbuf, as UDP would hold them.
 */
#define DTLS_HS_RXQ_MIN_BYTES	(64 * 1024)

/* --------------------------------------------------------------- helpers */

/*
 * A hello's random: public, so the CRNG's batched per-CPU output will do
 * (get_random_u64()); get_random_bytes() erases its key per call, which
 * secrets need and these do not, at about ten times the cost.
 */
static void dtls_hello_random(u8 out[DTLS_RANDOM_LEN])
{
	unsigned int i;
	u64 v;

	for (i = 0; i < DTLS_RANDOM_LEN; i += sizeof(v)) {
		v = get_random_u64();
		memcpy(out + i, &v, sizeof(v));
	}
}

static int dtls_transcript_add(struct dtls_hs *hs, const u8 *data, u32 len)
{
	if (len > DTLS_TRANSCRIPT_MAX - hs->tlen)
		return -EMSGSIZE;
	if (hs->tlen + len > hs->tcap) {
		u32 cap = min_t(u32, DTLS_TRANSCRIPT_MAX,
				max_t(u32, 1024, 2 * (hs->tlen + len)));
		u8 *t = krealloc(hs->transcript, cap, GFP_KERNEL);

		if (!t)
			return -ENOMEM;
		hs->transcript = t;
		hs->tcap = cap;
	}
	memcpy(hs->transcript + hs->tlen, data, len);
	hs->tlen += len;
	return 0;
}

/* The transcript's digest; each byte is hashed once, however often. */
static int dtls_transcript_hash(struct dtls_hs *hs, u8 *out)
{
	struct dtls_hash_state *st = &hs->thash;

	if (WARN_ON_ONCE(st->len > hs->tlen))
		return -EINVAL;
	return dtls_hash_more(hs->suite->prf, st, hs->transcript + st->len,
			      hs->tlen - st->len, out);
}

/* Wrap @body (already at @msg + 12) into a handshake message of ours. */
static u32 dtls_hs_wrap(struct dtls_hs *hs, u8 *msg, u8 type, u32 body)
{
	struct dtls_hs_hdr h = {
		.type = type,
		.length = body,
		.seq = hs->tx_msg_seq++,
		.frag_off = 0,
		.frag_len = body,
	};

	dtls_hs_hdr_build(msg, &h);
	return DTLS_HS_HEADER_LEN + body;
}

/* Add a message of ours to the flight being built and to the transcript. */
static int dtls_hs_emit(struct dtls_hs *hs, u8 *msg, u8 type, int body,
			u16 epoch)
{
	u32 len;
	int err;

	if (body < 0)
		return body;
	len = dtls_hs_wrap(hs, msg, type, body);
	err = dtls_transcript_add(hs, msg, len);
	if (!err)
		err = dtls_flight_add(&hs->flight, DTLS_RECORD_TYPE_HANDSHAKE,
				      epoch, msg, len);
	return err;
}

static int dtls_hs_flight_send(struct dtls_hs *hs)
{
	struct dtls_flight_ctx fc = {
		.ds = hs->ds,
		.tx_key = hs->tx_key,
		.tx_seq0 = &hs->tx_seq0,
		.mtu = hs->p.mtu,
	};

	return dtls_flight_send(&fc, &hs->flight);
}

/* The flight timer, never past the handshake's deadline. */
static void dtls_hs_arm(struct dtls_hs *hs)
{
	unsigned long t = jiffies + hs->rto;

	mod_timer(&hs->timer, time_before(t, hs->deadline) ? t : hs->deadline);
}

/* A message of the peer's flight, for the dtls_hs_flight_rx tracepoint. */
static void dtls_hs_rx_msg(struct dtls_hs *hs, u8 type, u32 len)
{
	hs->rx_msgs++;
	hs->rx_types |= dtls_trace_msg_bit(type);
	hs->rx_bytes += DTLS_HS_HEADER_LEN + len;
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
		hs->rto = msecs_to_jiffies(hs->p.rto_initial_ms);
		dtls_hs_arm(hs);
	} else {
		del_timer(&hs->timer);
	}
	trace_dtls_hs_flight_tx(hs, err);
}

/* ------------------------------------------------------ end of handshake */

static void dtls_hs_free_work(struct work_struct *work);

/* The transient state of a handshake that is over. */
static void dtls_hs_free_state(struct dtls_hs *hs)
{
	struct sk_buff *skb;

	dtls_reasm_destroy(&hs->reasm);
	kfree_sensitive(hs->transcript);
	hs->transcript = NULL;
	hs->tlen = 0;
	hs->tcap = 0;
	memzero_explicit(&hs->thash, sizeof(hs->thash));
	dtls_hmac_key_wipe(&hs->mkey);
	dtls_kex_free(hs->kex);
	hs->kex = NULL;
	memzero_explicit(hs->master, sizeof(hs->master));
	memzero_explicit(hs->psk, sizeof(hs->psk));
	dtls_psk_clear(hs);
	while ((skb = __skb_dequeue(&hs->early)))
		kfree_skb(skb);
	hs->early_bytes = 0;
}

/*
 * Drop a reference; the last one frees @hs a grace period later (softirq
 * readers may still see it through ds->hs.engine), once its work and timer are
 * quiet.  Context: process.
 */
static void dtls_hs_put(struct dtls_hs *hs)
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
static void dtls_hs_retire(struct dtls_hs *hs)
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

	del_timer_sync(&hs->timer);
	cancel_work_sync(&hs->work);
	del_timer_sync(&hs->timer);
	skb_queue_purge(&hs->rxq);
	mutex_lock(&hs->lock);
	dtls_hs_free_state(hs);
	dtls_flight_clear(&hs->flight);
	dtls_key_put(hs->tx_key);
	dtls_key_put(hs->rx_key);
	mutex_unlock(&hs->lock);
	mutex_destroy(&hs->lock);
	sock_put(hs->sk);
	dtls_sock_put(hs->ds);
	kfree_sensitive(hs);
}

/* Take @hs off the socket (under lock_sock()); true if we were first. */
static bool dtls_hs_unpublish(struct dtls_sock *ds, struct dtls_hs *hs)
{
	struct dtls_hs *cur;

	cur = rcu_dereference_protected(ds->hs.engine, lockdep_sock_is_held(ds->sk));
	if (cur != hs)
		return false;
	rcu_assign_pointer(ds->hs.engine, NULL);
	return true;
}

static void dtls_hs_set_state(struct dtls_sock *ds, u8 state)
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
	bool sealed = hs->sent_ccs;
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
		off += hs->tx_key->cipher->explicit_len;
	rec[off] = level;
	rec[off + 1] = desc;
	if (sealed) {
		n = dtls_seal_record(hs->tx_key, rec, h.type, 2);
	} else {
		h.seq = hs->tx_seq0++ & DTLS_SEQ_MASK;
		dtls_record_build(rec, &h);
		n = DTLS_HEADER_LEN + 2;
	}
	if (n > 0)
		dtls_send_datagram(hs->ds, rec, n, NULL);
	kfree(rec);
}

static void dtls_hs_send_alert(struct dtls_hs *hs, u8 desc)
{
	dtls_hs_send_alert_level(hs, DTLS_ALERT_FATAL, desc);
}

/*
 * The handshake failed: tell the peer (@alert, unless 0 or it came from
 * the peer), fail the socket with @err, notify, retire.
 */
static void dtls_hs_fail(struct dtls_hs *hs, int err, u8 alert, bool remote)
{
	struct dtls_sock *ds = hs->ds;
	struct sock *sk = hs->sk;
	bool first;

	lockdep_assert_held(&hs->lock);
	if (alert && !remote && sk->sk_state == TCP_ESTABLISHED)
		dtls_hs_send_alert(hs, alert);
	del_timer(&hs->timer);

	lock_sock(sk);
	first = dtls_hs_unpublish(ds, hs);
	if (first) {
		ds->hs.error = -err;
		ds->hs.alert = alert;
		ds->hs.alert_remote = remote;
		WRITE_ONCE(sk->sk_err, -err);
		dtls_hs_set_state(ds, DTLS_HS_STATE_FAILED);
		sk_error_report(sk);
	}
	release_sock(sk);
	hs->step = DTLS_HS_DONE;
	if (!first)
		return;
	dtls_nl_hs_event(ds, false);
	hs->dead = true;	/* under hs->lock: the work stops */
	dtls_hs_retire(hs);
}

/* A captured datagram for the record layer, the handshake being over. */
static void dtls_hs_inject(struct dtls_hs *hs, struct sk_buff *skb)
{
	if (skb_linearize_cow(skb))
		kfree_skb(skb);
	else
		dtls_rx_inject(hs->ds, skb);
}

/* Datagrams captured while the last message was being handled. */
static void dtls_hs_deliver_queued(struct dtls_hs *hs)
{
	struct sk_buff_head q;
	struct sk_buff *skb;

	__skb_queue_head_init(&q);
	spin_lock_bh(&hs->rxq.lock);
	skb_queue_splice_init(&hs->rxq, &q);
	hs->rxq_bytes = 0;
	spin_unlock_bh(&hs->rxq.lock);
	while ((skb = __skb_dequeue(&q)))
		dtls_hs_inject(hs, skb);
}

static void dtls_hs_deliver_early(struct dtls_hs *hs)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(&hs->early)))
		dtls_rx_inject(hs->ds, skb);
	hs->early_bytes = 0;
}

/*
 * Done: the keys go to the record layer, waiters wake.  @keep: we sent
 * the last flight, which stays for resends (the server in a full
 * handshake); otherwise the handshake state goes now.
 */
static void dtls_hs_established(struct dtls_hs *hs, bool keep)
{
	struct dtls_sock *ds = hs->ds;
	struct sock *sk = hs->sk;
	int err;

	lockdep_assert_held(&hs->lock);
	dtls_hs_rx_flight_done(hs);
	lock_sock(sk);
	if (rcu_access_pointer(ds->hs.engine) != hs) {
		release_sock(sk);
		return;
	}
	dtls_key_get(hs->tx_key);
	err = dtls_keys_install(sk, false, hs->tx_key);
	if (err) {
		dtls_key_put(hs->tx_key);
	} else {
		dtls_key_get(hs->rx_key);
		err = dtls_keys_install(sk, true, hs->rx_key);
		if (err)
			dtls_key_put(hs->rx_key);
	}
	if (err) {
		release_sock(sk);
		dtls_hs_fail(hs, err, DTLS_ALERT_INTERNAL_ERROR, false);
		return;
	}
	/*
	 * icmp-ignore: the ICMP errors the handshake's own datagrams drew
	 * were its to ignore; the application never sent those.
	 */
	if (hs->p.icmp_ignore)
		WRITE_ONCE(sk->sk_err, 0);
	ds->hs.suite = hs->suite->id;
	if (hs->peer_id_len) {
		kfree(ds->hs.peer_id);
		ds->hs.peer_id = kmemdup(hs->peer_id, hs->peer_id_len,
					 GFP_KERNEL);
		ds->hs.peer_id_len = ds->hs.peer_id ? hs->peer_id_len : 0;
	}
	/* We sent the last flight: it stays, the handshake state goes. */
	if (keep)
		dtls_final_keep(ds, &hs->flight, hs->tx_key, hs->tx_seq0,
				hs->p.mtu, hs->peer_flight_seq,
				hs->p.rto_initial_ms);
	WRITE_ONCE(hs->step, DTLS_HS_DONE);
	dtls_hs_unpublish(ds, hs);
	dtls_hs_set_state(ds, DTLS_HS_STATE_ESTABLISHED);
	release_sock(sk);

	del_timer(&hs->timer);
	dtls_hs_deliver_early(hs);
	dtls_hs_deliver_queued(hs);
	dtls_hs_free_state(hs);
	dtls_nl_hs_event(ds, true);
	hs->dead = true;
	dtls_hs_retire(hs);
}

/* ------------------------------------------------------------------ keys */

/* Key block and record-layer keys (RFC 5246 6.3; AEAD: no MAC keys). */
static int dtls_hs_derive(struct dtls_hs *hs, const u8 *pms,
			  unsigned int pms_len)
{
	const struct dtls_cipher *c = dtls_cipher_find(hs->suite->cipher);
	bool client = hs->p.role == DTLS_HS_ROLE_CLIENT;
	u8 sh[DTLS_MAX_HASH_LEN], kb[2 * 32 + 2 * 12];
	const u8 *ck, *sk, *civ, *siv;
	struct dtls_key *tx, *rx;
	int err;

	if (!c)
		return -EINVAL;
	/* RFC 7627 4: the session hash runs through ClientKeyExchange. */
	err = dtls_transcript_hash(hs, sh);
	if (!err)
		err = dtls_master_secret(hs->suite->prf, pms, pms_len, sh,
					 hs->master);
	if (!err)
		err = dtls_master_key(hs->suite->prf, hs->master, &hs->mkey);
	if (!err)
		err = dtls_key_block_k(&hs->mkey, hs->client_random,
				       hs->server_random, kb,
				       2 * c->key_len + 2 * c->iv_len);
	if (err)
		goto out;
	ck = kb;
	sk = kb + c->key_len;
	civ = kb + 2 * c->key_len;
	siv = civ + c->iv_len;
	tx = dtls_key_alloc(c, client ? ck : sk, client ? civ : siv, 1, 0,
			    false, 0);
	if (IS_ERR(tx)) {
		err = PTR_ERR(tx);
		goto out;
	}
	rx = dtls_key_alloc(c, client ? sk : ck, client ? siv : civ, 1, 0,
			    true, READ_ONCE(hs->ds->keys.replay_window));
	if (IS_ERR(rx)) {
		dtls_key_put(tx);
		err = PTR_ERR(rx);
		goto out;
	}
	hs->tx_key = tx;
	hs->rx_key = rx;
out:
	memzero_explicit(kb, sizeof(kb));
	memzero_explicit(sh, sizeof(sh));
	return err;
}

/* Pre-master secret of the suite: PSK alone, or ECDHE shared + PSK. */
static int dtls_hs_premaster(struct dtls_hs *hs, const u8 *peer_point,
			     unsigned int point_len, u8 *pms)
{
	u8 z[DTLS_KEX_SHARED_LEN];
	int n;

	if (!hs->suite->ecdhe)
		return dtls_psk_premaster(pms, DTLS_PREMASTER_MAX, NULL, 0,
					  hs->psk, hs->psk_len);
	n = dtls_kex_shared(hs->kex, peer_point, point_len, z);
	if (n < 0)
		return n;
	n = dtls_psk_premaster(pms, DTLS_PREMASTER_MAX, z, n, hs->psk,
			       hs->psk_len);
	memzero_explicit(z, sizeof(z));
	return n;
}

/* Our Finished (RFC 5246 7.4.9), added to the flight in epoch 1. */
static int dtls_hs_emit_finished(struct dtls_hs *hs, u8 *msg)
{
	u8 th[DTLS_MAX_HASH_LEN];
	int err;

	err = dtls_transcript_hash(hs, th);
	if (!err)
		err = dtls_verify_data_k(&hs->mkey,
					 hs->p.role == DTLS_HS_ROLE_CLIENT, th,
					 msg + DTLS_HS_HEADER_LEN);
	if (!err)
		err = dtls_hs_emit(hs, msg, DTLS_HS_FINISHED, DTLS_VERIFY_LEN,
				   1);
	return err;
}

/* The peer's Finished: verify_data over the transcript before it. */
static int dtls_hs_check_finished(struct dtls_hs *hs,
				  const struct dtls_hs_msg *m)
{
	u8 th[DTLS_MAX_HASH_LEN], want[DTLS_VERIFY_LEN];
	int err;

	if (m->len != DTLS_VERIFY_LEN)
		return -EBADMSG;
	err = dtls_transcript_hash(hs, th);
	if (!err)
		err = dtls_verify_data_k(&hs->mkey,
					 hs->p.role != DTLS_HS_ROLE_CLIENT, th,
					 want);
	if (!err && crypto_memneq(want, dtls_hs_msg_body(m), DTLS_VERIFY_LEN))
		err = -EKEYREJECTED;
	memzero_explicit(want, sizeof(want));
	return err;
}

/* ---------------------------------------------------------------- client */

static int dtls_hs_client_hello(struct dtls_hs *hs, const u8 *cookie,
				u8 cookie_len)
{
	struct dtls_ch_params cp = {
		.random = hs->client_random,
		.cookie = cookie,
		.cookie_len = cookie_len,
		.suites = hs->p.suites,
		.n_suites = hs->p.n_suites,
	};
	u8 *msg;
	int err, i;

	for (i = 0; i < hs->p.n_suites; i++) {
		const struct dtls_suite *s = dtls_suite_find(hs->p.suites[i]);

		if (s && s->ecdhe) {
			cp.groups = hs->p.groups;
			cp.n_groups = hs->p.n_groups;
		}
	}
	msg = kmalloc(DTLS_HS_MSG_MAX, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	dtls_flight_clear(&hs->flight);
	err = dtls_hs_emit(hs, msg, DTLS_HS_CLIENT_HELLO,
			   dtls_ch_build(msg + DTLS_HS_HEADER_LEN,
					 DTLS_HS_MSG_MAX - DTLS_HS_HEADER_LEN,
					 &cp), 0);
	kfree(msg);
	if (!err)
		dtls_hs_send_flight(hs, true);
	return err;
}

static int dtls_hs_client_start(struct dtls_hs *hs)
{
	dtls_hello_random(hs->client_random);
	hs->step = DTLS_HS_C_WAIT_SH;
	return dtls_hs_client_hello(hs, NULL, 0);
}

/* Flight 2: a cookie; the exchange stays out of the transcript. */
static int dtls_hs_client_hvr(struct dtls_hs *hs, const struct dtls_hs_msg *m)
{
	const u8 *cookie;
	u8 cookie_len;

	if (dtls_hvr_parse(dtls_hs_msg_body(m), m->len, &cookie, &cookie_len))
		return -EBADMSG;
	hs->tlen = 0;	/* RFC 6347 4.2.6 */
	memzero_explicit(&hs->thash, sizeof(hs->thash));
	return dtls_hs_client_hello(hs, cookie, cookie_len);
}

static bool dtls_hs_offered(const u16 *list, unsigned int n, u16 v)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (list[i] == v)
			return true;
	return false;
}

static int dtls_hs_client_sh(struct dtls_hs *hs, const struct dtls_hs_msg *m,
			     u8 *alert)
{
	struct dtls_sh sh;

	if (dtls_sh_parse(dtls_hs_msg_body(m), m->len, &sh))
		return -EBADMSG;
	*alert = DTLS_ALERT_PROTOCOL_VERSION;
	if (sh.version != DTLS_1_2_VERSION)
		return -EPROTO;
	*alert = DTLS_ALERT_ILLEGAL_PARAMETER;
	hs->suite = dtls_suite_find(sh.suite);
	if (!hs->suite ||
	    !dtls_hs_offered(hs->p.suites, hs->p.n_suites, sh.suite) ||
	    sh.compression)
		return -EPROTO;
	/* RFC 7627 5.3: no extended master secret, no session. */
	*alert = DTLS_ALERT_HANDSHAKE_FAILURE;
	if (!sh.ems || sh.reneg_bad)
		return -EPROTO;
	memcpy(hs->server_random, sh.random, DTLS_RANDOM_LEN);
	hs->step = DTLS_HS_C_WAIT_SHD;
	return 0;
}

static int dtls_hs_client_ske(struct dtls_hs *hs, const struct dtls_hs_msg *m,
			      u8 *alert)
{
	struct dtls_ske ske;

	if (hs->got_ske ||
	    dtls_ske_parse(dtls_hs_msg_body(m), m->len, hs->suite->ecdhe,
			   &ske))
		return -EBADMSG;
	hs->got_ske = true;
	if (!hs->suite->ecdhe)
		return 0;	/* the hint: we have one PSK, it is ignored */
	*alert = DTLS_ALERT_ILLEGAL_PARAMETER;
	if (!dtls_hs_offered(hs->p.groups, hs->p.n_groups, ske.group))
		return -EPROTO;
	hs->group = ske.group;
	hs->kex = dtls_kex_new(ske.group);
	if (IS_ERR(hs->kex)) {
		int err = PTR_ERR(hs->kex);

		hs->kex = NULL;
		*alert = DTLS_ALERT_INTERNAL_ERROR;
		return err;
	}
	/* The server's point, for the shared secret after SHD. */
	if (ske.point_len > sizeof(hs->peer_point))
		return -EPROTO;
	memcpy(hs->peer_point, ske.point, ske.point_len);
	hs->peer_point_len = ske.point_len;
	return 0;
}

/* ServerHelloDone: flight 5, ClientKeyExchange, CCS, Finished. */
static int dtls_hs_client_shd(struct dtls_hs *hs, const struct dtls_hs_msg *m,
			      u8 *alert)
{
	static const u8 ccs = 1;
	struct dtls_cke cke = {};
	const struct dtls_psk *psk;
	u8 point[DTLS_KEX_PUBLIC_MAX], *pms, *msg;
	int err, n;

	if (m->len)
		return -EBADMSG;
	*alert = DTLS_ALERT_UNEXPECTED_MESSAGE;
	if (hs->suite->ecdhe && !hs->kex)
		return -EPROTO;
	*alert = DTLS_ALERT_INTERNAL_ERROR;
	psk = list_first_entry_or_null(&hs->psks, struct dtls_psk, node);
	if (!psk)
		return -ENOKEY;
	memcpy(hs->psk, psk->key, psk->key_len);
	hs->psk_len = psk->key_len;
	cke.identity = psk->id;
	cke.identity_len = psk->id_len;
	if (hs->suite->ecdhe) {
		n = dtls_kex_public(hs->kex, point, sizeof(point));
		if (n < 0)
			return n;
		cke.point = point;
		cke.point_len = n;
	}

	msg = kmalloc(DTLS_HS_MSG_MAX + DTLS_PREMASTER_MAX, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	pms = msg + DTLS_HS_MSG_MAX;
	dtls_flight_clear(&hs->flight);
	err = dtls_hs_emit(hs, msg, DTLS_HS_CLIENT_KEY_EXCHANGE,
			   dtls_cke_build(msg + DTLS_HS_HEADER_LEN,
					  DTLS_HS_MSG_MAX - DTLS_HS_HEADER_LEN,
					  hs->suite->ecdhe, &cke), 0);
	if (err)
		goto out;
	n = dtls_hs_premaster(hs, hs->peer_point, hs->peer_point_len, pms);
	if (n < 0) {
		err = n;
		*alert = DTLS_ALERT_ILLEGAL_PARAMETER;
		goto out;
	}
	err = dtls_hs_derive(hs, pms, n);
	if (!err)
		err = dtls_flight_add(&hs->flight,
				      DTLS_RECORD_TYPE_CHANGE_CIPHER_SPEC, 0,
				      &ccs, 1);
	if (!err)
		err = dtls_hs_emit_finished(hs, msg);
	if (!err) {
		hs->step = DTLS_HS_C_WAIT_FIN;
		hs->sent_ccs = true;
		dtls_hs_send_flight(hs, true);
	}
out:
	kfree_sensitive(msg);
	return err;
}

static int dtls_hs_client_msg(struct dtls_hs *hs, const struct dtls_hs_msg *m,
			      u8 *alert)
{
	*alert = DTLS_ALERT_UNEXPECTED_MESSAGE;
	switch (hs->step) {
	case DTLS_HS_C_WAIT_SH:
		hs->peer_flight_seq = m->seq;
		if (m->type == DTLS_HS_HELLO_VERIFY_REQUEST) {
			*alert = DTLS_ALERT_DECODE_ERROR;
			return dtls_hs_client_hvr(hs, m);
		}
		if (m->type != DTLS_HS_SERVER_HELLO)
			return -EPROTO;
		*alert = DTLS_ALERT_DECODE_ERROR;
		return dtls_transcript_add(hs, m->data, DTLS_HS_HEADER_LEN +
					   m->len) ?:
		       dtls_hs_client_sh(hs, m, alert);
	case DTLS_HS_C_WAIT_SHD:
		if (m->type != DTLS_HS_SERVER_KEY_EXCHANGE &&
		    m->type != DTLS_HS_SERVER_HELLO_DONE)
			return -EPROTO;
		*alert = DTLS_ALERT_DECODE_ERROR;
		if (dtls_transcript_add(hs, m->data,
					DTLS_HS_HEADER_LEN + m->len))
			return -EMSGSIZE;
		if (m->type == DTLS_HS_SERVER_KEY_EXCHANGE)
			return dtls_hs_client_ske(hs, m, alert);
		return dtls_hs_client_shd(hs, m, alert);
	case DTLS_HS_C_WAIT_FIN:
		if (m->type != DTLS_HS_FINISHED)
			return -EPROTO;
		*alert = DTLS_ALERT_DECRYPT_ERROR;
		return dtls_hs_check_finished(hs, m) ?:
		       (dtls_hs_established(hs, false), 0);
	default:
		return -EPROTO;
	}
}

/* ---------------------------------------------------------------- server */

/* The suite we pick: ours in our order, if offered (and a group fits). */
static const struct dtls_suite *dtls_hs_choose(struct dtls_hs *hs,
					       const struct dtls_ch *ch,
					       u16 *group)
{
	unsigned int i, j;

	for (i = 0; i < hs->p.n_suites; i++) {
		const struct dtls_suite *s = dtls_suite_find(hs->p.suites[i]);

		if (!s || !dtls_ch_has_suite(ch, s->id))
			continue;
		if (!s->ecdhe)
			return s;
		if (ch->point_formats && !ch->point_uncompressed)
			continue;
		for (j = 0; j < hs->p.n_groups; j++) {
			/* RFC 8422 4: no extension, any group. */
			if (!ch->groups ||
			    dtls_ch_has_group(ch, hs->p.groups[j])) {
				*group = hs->p.groups[j];
				return s;
			}
		}
	}
	return NULL;
}

/* The client's address of a captured datagram (its IP header is intact). */
static void dtls_hs_skb_peer(const struct sk_buff *skb,
			     struct sockaddr_storage *ss)
{
	const struct udphdr *uh = udp_hdr(skb);

	memset(ss, 0, sizeof(*ss));
	if (ip_hdr(skb)->version == 6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = uh->source;
		s6->sin6_addr = ipv6_hdr(skb)->saddr;
		if (ipv6_addr_type(&s6->sin6_addr) & IPV6_ADDR_LINKLOCAL)
			s6->sin6_scope_id = inet6_iif(skb);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = uh->source;
		s4->sin_addr.s_addr = ip_hdr(skb)->saddr;
	}
}

/*
 * Stateless HelloVerifyRequest: same message_seq as the ClientHello and,
 * RFC 6347 4.2.1, its record sequence number; never larger than it.
 */
static void dtls_hs_send_hvr(struct dtls_hs *hs, const struct dtls_ch *ch,
			     const struct dtls_hs_hdr *chh, u64 rec_seq,
			     const struct sockaddr *peer, unsigned int ch_len)
{
	u8 buf[DTLS_HEADER_LEN + DTLS_HS_HEADER_LEN + 3 + DTLS_COOKIE_LEN];
	u8 cookie[DTLS_COOKIE_LEN];
	struct dtls_hs_hdr h = { .type = DTLS_HS_HELLO_VERIFY_REQUEST,
				 .seq = chh->seq };
	struct dtls_record_hdr rh = {
		.type = DTLS_RECORD_TYPE_HANDSHAKE,
		.version = DTLS_VERSION_1_0,
		.seq = rec_seq,
	};
	int body;

	dtls_cookie_make(peer, ch, cookie);
	body = dtls_hvr_build(buf + DTLS_HEADER_LEN + DTLS_HS_HEADER_LEN,
			      3 + DTLS_COOKIE_LEN, cookie, DTLS_COOKIE_LEN);
	if (body < 0)
		return;
	h.length = body;
	h.frag_len = body;
	dtls_hs_hdr_build(buf + DTLS_HEADER_LEN, &h);
	rh.length = DTLS_HS_HEADER_LEN + body;
	dtls_record_build(buf, &rh);
	if (DTLS_HEADER_LEN + rh.length > ch_len)
		return;		/* no amplification */
	dtls_send_datagram(hs->ds, buf, DTLS_HEADER_LEN + rh.length, peer);
	dtls_net_stat_add(sock_net(hs->sk), DTLS_STAT_HS_HVR_SENT, 1);
}

/* Flight 4: ServerHello, [ServerKeyExchange], ServerHelloDone. */
static int dtls_hs_server_flight4(struct dtls_hs *hs)
{
	struct dtls_ske ske = {
		.hint = hs->p.hint,
		.hint_len = hs->p.hint_len,
	};
	u8 point[DTLS_KEX_PUBLIC_MAX], *msg;
	int err, n;

	dtls_hello_random(hs->server_random);
	msg = kmalloc(DTLS_HS_MSG_MAX, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	dtls_flight_clear(&hs->flight);
	err = dtls_hs_emit(hs, msg, DTLS_HS_SERVER_HELLO,
			   dtls_sh_build(msg + DTLS_HS_HEADER_LEN,
					 DTLS_HS_MSG_MAX - DTLS_HS_HEADER_LEN,
					 hs->server_random, NULL, 0,
					 hs->suite->id, hs->suite->ecdhe,
					 hs->secure_reneg), 0);
	if (err)
		goto out;
	if (hs->suite->ecdhe) {
		hs->kex = dtls_kex_new(hs->group);
		if (IS_ERR(hs->kex)) {
			err = PTR_ERR(hs->kex);
			hs->kex = NULL;
			goto out;
		}
		n = dtls_kex_public(hs->kex, point, sizeof(point));
		if (n < 0) {
			err = n;
			goto out;
		}
		ske.group = hs->group;
		ske.point = point;
		ske.point_len = n;
	}
	/* A PSK ServerKeyExchange carries only the hint: sent if set. */
	if (hs->suite->ecdhe || hs->p.hint_len) {
		err = dtls_hs_emit(hs, msg, DTLS_HS_SERVER_KEY_EXCHANGE,
				   dtls_ske_build(msg + DTLS_HS_HEADER_LEN,
						  DTLS_HS_MSG_MAX -
						  DTLS_HS_HEADER_LEN,
						  hs->suite->ecdhe, &ske), 0);
		if (err)
			goto out;
	}
	err = dtls_hs_emit(hs, msg, DTLS_HS_SERVER_HELLO_DONE, 0, 0);
	if (!err) {
		hs->step = DTLS_HS_S_WAIT_CKE;
		dtls_hs_send_flight(hs, true);
	}
out:
	kfree(msg);
	return err;
}

/* Connect the listening socket to its client, as DTLSv1_listen() does. */
static int dtls_hs_server_connect(struct dtls_hs *hs,
				  const struct sockaddr_storage *peer)
{
	struct sock *sk = hs->sk;
	int len = peer->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
						sizeof(struct sockaddr_in);

	if (READ_ONCE(sk->sk_state) == TCP_ESTABLISHED)
		return 0;
	return hs->ds->base_prot->connect(sk, (struct sockaddr *)peer, len);
}

/*
 * A ClientHello at a listening server.  Nothing is kept until its cookie
 * is valid; then the socket connects to the client and the handshake
 * starts with this ClientHello.
 */
static void dtls_hs_server_listen(struct dtls_hs *hs, struct sk_buff *skb,
				  const struct dtls_record_hdr *rh,
				  const u8 *frag, unsigned int len)
{
	struct sockaddr_storage peer;
	struct dtls_hs_hdr h;
	struct dtls_ch ch;
	u16 group = 0;
	int err;

	if (rh->epoch || rh->type != DTLS_RECORD_TYPE_HANDSHAKE ||
	    dtls_hs_hdr_parse(frag, len, &h) ||
	    h.type != DTLS_HS_CLIENT_HELLO || h.frag_off ||
	    h.frag_len != h.length ||
	    dtls_ch_parse(frag + DTLS_HS_HEADER_LEN, h.length, &ch)) {
		dtls_stat_inc(hs->ds, DTLS_STAT_RX_MALFORMED);
		trace_dtls_drop(hs->ds, DTLS_DROP_MALFORMED, rh->epoch, rh->seq,
				len);
		return;
	}
	/* DTLS versions count down: 1.2 is 0xfefd. */
	if (ch.version > DTLS_1_2_VERSION || !ch.null_compression)
		return;
	dtls_hs_skb_peer(skb, &peer);
	if (hs->p.cookies &&
	    !dtls_cookie_check((struct sockaddr *)&peer, &ch)) {
		dtls_hs_send_hvr(hs, &ch, &h, rh->seq, (struct sockaddr *)&peer,
				 skb->len);
		return;
	}

	/* A client to talk to: the handshake proper starts. */
	hs->suite = dtls_hs_choose(hs, &ch, &group);
	err = dtls_hs_server_connect(hs, &peer);
	if (err) {
		dtls_hs_fail(hs, err, 0, false);
		return;
	}
	if (!hs->suite || !ch.ems || ch.reneg_bad) {
		/* RFC 7627 5.3 for EMS; no common suite. */
		dtls_hs_fail(hs, -EPROTO, DTLS_ALERT_HANDSHAKE_FAILURE, false);
		return;
	}
	hs->group = group;
	/* RFC 5746 3.6: the SCSV or the empty extension asks for an answer. */
	hs->secure_reneg = ch.reneg_scsv || ch.reneg_info;
	memcpy(hs->client_random, ch.random, DTLS_RANDOM_LEN);
	hs->deadline = jiffies + msecs_to_jiffies(hs->p.timeout_ms);
	dtls_reasm_init(&hs->reasm, h.seq + 1);
	hs->tx_msg_seq = h.seq;
	hs->peer_flight_seq = h.seq;
	hs->tx_seq0 = rh->seq + 1;
	dtls_hs_rx_msg(hs, h.type, h.length);
	err = dtls_transcript_add(hs, frag, DTLS_HS_HEADER_LEN + h.length);
	if (!err)
		err = dtls_hs_server_flight4(hs);
	if (err)
		dtls_hs_fail(hs, err, DTLS_ALERT_INTERNAL_ERROR, false);
}

static int dtls_hs_server_cke(struct dtls_hs *hs, const struct dtls_hs_msg *m,
			      u8 *alert)
{
	const struct dtls_psk *psk;
	struct dtls_cke cke;
	u8 pms[DTLS_PREMASTER_MAX];
	int n, err;

	if (dtls_cke_parse(dtls_hs_msg_body(m), m->len, hs->suite->ecdhe,
			   &cke))
		return -EBADMSG;
	*alert = DTLS_ALERT_UNKNOWN_PSK_IDENTITY;
	psk = dtls_psk_find(hs, cke.identity, cke.identity_len);
	if (!psk)
		return -ENOKEY;
	memcpy(hs->psk, psk->key, psk->key_len);
	hs->psk_len = psk->key_len;
	memcpy(hs->peer_id, cke.identity, cke.identity_len);
	hs->peer_id_len = cke.identity_len;

	*alert = DTLS_ALERT_ILLEGAL_PARAMETER;
	n = dtls_hs_premaster(hs, cke.point, cke.point_len, pms);
	if (n < 0)
		return n;
	*alert = DTLS_ALERT_INTERNAL_ERROR;
	err = dtls_hs_derive(hs, pms, n);
	memzero_explicit(pms, sizeof(pms));
	if (!err)
		hs->step = DTLS_HS_S_WAIT_FIN;
	return err;
}

/* The client's Finished checks out: flight 6, CCS and Finished; done. */
static int dtls_hs_server_finish(struct dtls_hs *hs)
{
	static const u8 ccs = 1;
	u8 msg[DTLS_HS_HEADER_LEN + DTLS_VERIFY_LEN];
	int err;

	dtls_flight_clear(&hs->flight);
	err = dtls_flight_add(&hs->flight, DTLS_RECORD_TYPE_CHANGE_CIPHER_SPEC,
			      0, &ccs, 1);
	if (!err)
		err = dtls_hs_emit_finished(hs, msg);
	if (err)
		return err;
	hs->sent_ccs = true;
	dtls_hs_send_flight(hs, false);
	dtls_hs_established(hs, true);
	return 0;
}

static int dtls_hs_server_msg(struct dtls_hs *hs, const struct dtls_hs_msg *m,
			      u8 *alert)
{
	*alert = DTLS_ALERT_UNEXPECTED_MESSAGE;
	switch (hs->step) {
	case DTLS_HS_S_WAIT_CKE:
		if (m->type != DTLS_HS_CLIENT_KEY_EXCHANGE)
			return -EPROTO;
		hs->peer_flight_seq = m->seq;
		*alert = DTLS_ALERT_DECODE_ERROR;
		if (dtls_transcript_add(hs, m->data,
					DTLS_HS_HEADER_LEN + m->len))
			return -EMSGSIZE;
		return dtls_hs_server_cke(hs, m, alert);
	case DTLS_HS_S_WAIT_FIN:
		if (m->type != DTLS_HS_FINISHED)
			return -EPROTO;
		*alert = DTLS_ALERT_DECRYPT_ERROR;
		if (dtls_hs_check_finished(hs, m))
			return -EKEYREJECTED;
		/* From now on, its copies are what asks for our flight 6. */
		hs->peer_flight_seq = m->seq;
		*alert = DTLS_ALERT_INTERNAL_ERROR;
		return dtls_transcript_add(hs, m->data,
					   DTLS_HS_HEADER_LEN + m->len) ?:
		       dtls_hs_server_finish(hs);
	default:
		return -EPROTO;
	}
}

/* ------------------------------------------------------------- receiving */

/*
 * Open an epoch-1 record of the handshake in place, synchronously; the
 * record layer's replay window moves only once it authenticates.
 */
/* Half the initial timeout: a peer's resends come no faster than that. */
static bool dtls_hs_may_resend(struct dtls_hs *hs)
{
	return time_after_eq(jiffies, hs->last_resend +
			     msecs_to_jiffies(hs->p.rto_initial_ms) / 2);
}

/*
 * A message we already have came again: the peer resent its flight, so
 * ours was lost (RFC 6347 4.2.4).  The first fragment of the flight's
 * first message answers with our flight, at most once per half RTO.
 */
static void dtls_hs_peer_resent(struct dtls_hs *hs,
				const struct dtls_hs_hdr *h)
{
	int err;

	/* Waiting for its Finished, the server has nothing new to say. */
	if (h->frag_off || h->seq != hs->peer_flight_seq || !hs->flight.n ||
	    hs->step == DTLS_HS_S_WAIT_FIN || !dtls_hs_may_resend(hs))
		return;
	err = dtls_hs_flight_send(hs);
	hs->last_resend = jiffies;
	dtls_net_stat_add(sock_net(hs->sk), DTLS_STAT_HS_PEER_RESENT, 1);
	trace_dtls_hs_retransmit(hs, DTLS_RETX_PEER, err);
}

/* The handshake fragments of one record; errors are fatal (@alert). */
static int dtls_hs_fragments(struct dtls_hs *hs, const u8 *p,
			     unsigned int len,
			     const struct dtls_record_hdr *rh, u8 *alert)
{
	u16 epoch = rh->epoch;
	struct dtls_hs_msg *m;
	struct dtls_hs_hdr h;
	int ret;

	while (len) {
		if (dtls_hs_hdr_parse(p, len, &h)) {
			dtls_net_stat_add(sock_net(hs->sk),
					  DTLS_STAT_HS_BAD_FRAGMENT, 1);
			trace_dtls_drop(hs->ds, DTLS_DROP_HS_FRAGMENT, epoch,
					rh->seq, len);
			return 0;
		}
		/*
		 * Finished comes encrypted, everything else in the clear.
		 * A HelloRequest while negotiating is ignored (RFC 5246
		 * 7.4.1.1); it takes no message_seq of the handshake.
		 */
		if (h.type == DTLS_HS_HELLO_REQUEST &&
		    hs->p.role == DTLS_HS_ROLE_CLIENT) {
			/* skip it */
		} else if (h.type == DTLS_HS_FINISHED ? epoch : !epoch) {
			ret = dtls_reasm_add(&hs->reasm, &h,
					     p + DTLS_HS_HEADER_LEN,
					     GFP_KERNEL);
			if (ret == DTLS_REASM_OLD) {
				dtls_hs_peer_resent(hs, &h);
			} else if (ret == -ENOMEM) {
				return 0;
			} else if (ret < 0 || ret == DTLS_REASM_DROPPED) {
				dtls_net_stat_add(sock_net(hs->sk),
						  DTLS_STAT_HS_BAD_FRAGMENT, 1);
				trace_dtls_drop(hs->ds, DTLS_DROP_HS_FRAGMENT,
						epoch, rh->seq,
						DTLS_HS_HEADER_LEN + h.frag_len);
			}
		}
		p += DTLS_HS_HEADER_LEN + h.frag_len;
		len -= DTLS_HS_HEADER_LEN + h.frag_len;

		while ((m = dtls_reasm_pop(&hs->reasm))) {
			dtls_hs_rx_msg(hs, m->type, m->len);
			if (hs->p.role == DTLS_HS_ROLE_CLIENT)
				ret = dtls_hs_client_msg(hs, m, alert);
			else
				ret = dtls_hs_server_msg(hs, m, alert);
			kfree_sensitive(m);
			if (ret)
				return ret;
			if (hs->step == DTLS_HS_DONE)
				return 0;
		}
	}
	return 0;
}

/* Errno for a fatal alert from the peer. */
static int dtls_hs_alert_errno(u8 desc)
{
	switch (desc) {
	case DTLS_ALERT_CLOSE_NOTIFY:
		return -ECONNRESET;
	case DTLS_ALERT_UNKNOWN_PSK_IDENTITY:
	case DTLS_ALERT_DECRYPT_ERROR:
	case DTLS_ALERT_BAD_RECORD_MAC:
	case DTLS_ALERT_HANDSHAKE_FAILURE:
		return -ECONNREFUSED;
	default:
		return -EPROTO;
	}
}

/* A record from the peer during the handshake: @rec, linear, writable. */
static void dtls_hs_rx_record(struct dtls_hs *hs, u8 *rec,
			      const struct dtls_record_hdr *rh)
{
	struct dtls_sock *ds = hs->ds;
	unsigned int blen = rh->length;
	u8 *body = rec + DTLS_HEADER_LEN;
	u8 alert = 0;
	int err;

	if (rh->epoch) {
		if (rh->epoch != 1 || !hs->rx_key) {
			dtls_stat_inc(ds, DTLS_STAT_RX_BAD_EPOCH);
			trace_dtls_drop(ds, DTLS_DROP_BAD_EPOCH, rh->epoch,
					rh->seq, blen);
			return;
		}
		if (rh->type == DTLS_RECORD_TYPE_DATA) {
			struct sk_buff *skb;

			/*
			 * Data before the Finished: opened once done.  Not
			 * authenticated yet, so bounded in number and bytes.
			 */
			if (skb_queue_len(&hs->early) >= DTLS_HS_EARLY_MAX) {
				dtls_stat_inc(ds, DTLS_STAT_RX_DROPPED);
				trace_dtls_drop(ds, DTLS_DROP_HS_EARLY,
						rh->epoch, rh->seq, blen);
				return;
			}
			skb = alloc_skb(DTLS_HEADER_LEN + blen, GFP_KERNEL);
			if (skb && skb->truesize >
				   DTLS_HS_EARLY_BYTES - hs->early_bytes) {
				kfree_skb(skb);
				skb = NULL;
			}
			if (!skb) {
				dtls_stat_inc(ds, DTLS_STAT_RX_DROPPED);
				trace_dtls_drop(ds, DTLS_DROP_HS_EARLY,
						rh->epoch, rh->seq, blen);
				return;
			}
			skb_put_data(skb, rec, DTLS_HEADER_LEN + blen);
			hs->early_bytes += skb->truesize;
			__skb_queue_tail(&hs->early, skb);
			return;
		}
		err = dtls_record_open(hs->rx_key, rec, rh, &body, &blen);
		if (err == -EBADMSG) {
			/*
			 * RFC 6347 4.1.2.7: discarded silently, anyone can
			 * send it.  A wrong PSK looks the same; it shows
			 * when the handshake times out (dtls_hs_timeout()).
			 */
			dtls_stat_inc(ds, DTLS_STAT_RX_AUTH_FAIL);
			trace_dtls_drop(ds, DTLS_DROP_AUTH_FAIL, rh->epoch,
					rh->seq, rh->length);
			hs->auth_fail++;
			return;
		}
		if (err) {
			dtls_stat_inc(ds, err == -EALREADY ?
				      DTLS_STAT_RX_REPLAY :
				      DTLS_STAT_RX_MALFORMED);
			trace_dtls_drop(ds, err == -EALREADY ?
					DTLS_DROP_REPLAY : DTLS_DROP_MALFORMED,
					rh->epoch, rh->seq, rh->length);
			return;
		}
	}

	switch (rh->type) {
	case DTLS_RECORD_TYPE_HANDSHAKE:
		err = dtls_hs_fragments(hs, body, blen, rh, &alert);
		if (err)
			dtls_hs_fail(hs, err, alert, false);
		break;
	case DTLS_RECORD_TYPE_CHANGE_CIPHER_SPEC:
		/*
		 * Nothing depends on it: the epoch-1 Finished authenticates
		 * itself, and one that comes before its CCS (reordering) is
		 * fine.  A CCS before the keys exist moves nothing.
		 */
		if (blen != 1 || body[0] != 1) {
			dtls_stat_inc(ds, DTLS_STAT_RX_MALFORMED);
			trace_dtls_drop(ds, DTLS_DROP_MALFORMED, rh->epoch,
					rh->seq, blen);
		}
		break;
	case DTLS_RECORD_TYPE_ALERT:
		if (blen != 2) {
			dtls_stat_inc(ds, DTLS_STAT_RX_MALFORMED);
			trace_dtls_drop(ds, DTLS_DROP_MALFORMED, rh->epoch,
					rh->seq, blen);
			break;
		}
		if (body[0] == DTLS_ALERT_FATAL ||
		    body[1] == DTLS_ALERT_CLOSE_NOTIFY)
			dtls_hs_fail(hs, dtls_hs_alert_errno(body[1]), body[1],
				     true);
		break;
	default:
		dtls_stat_inc(ds, DTLS_STAT_RX_MALFORMED);
		trace_dtls_drop(ds, DTLS_DROP_MALFORMED, rh->epoch, rh->seq,
				blen);
		break;
	}
}

/* A datagram captured during the handshake; data at the UDP payload. */
static void dtls_hs_rx_datagram(struct dtls_hs *hs, struct sk_buff *skb)
{
	struct dtls_record_hdr rh;
	unsigned int off = 0;

	if (skb_linearize_cow(skb))
		return;
	while (off < skb->len && !hs->dead && hs->step != DTLS_HS_DONE) {
		u8 *rec = skb->data + off;

		if (dtls_record_parse(rec, skb->len - off, &rh)) {
			dtls_stat_inc(hs->ds, DTLS_STAT_RX_MALFORMED);
			trace_dtls_drop(hs->ds, DTLS_DROP_MALFORMED, 0, 0,
					skb->len - off);
			return;
		}
		off += DTLS_HEADER_LEN + rh.length;
		if (rh.version != DTLS_1_2_VERSION &&
		    (rh.epoch || rh.version != DTLS_VERSION_1_0)) {
			dtls_stat_inc(hs->ds, DTLS_STAT_RX_MALFORMED);
			trace_dtls_drop(hs->ds, DTLS_DROP_MALFORMED, rh.epoch,
					rh.seq, rh.length);
			continue;
		}
		if (hs->step == DTLS_HS_S_LISTEN) {
			/* Only a first record counts, one ClientHello. */
			dtls_hs_server_listen(hs, skb, &rh,
					      rec + DTLS_HEADER_LEN,
					      rh.length);
			return;
		}
		dtls_hs_rx_record(hs, rec, &rh);
	}
}

/* ---------------------------------------------------------------- timers */

/* Flight timer or overall deadline (RFC 6347 4.2.4.1: double, cap). */
static void dtls_hs_timeout(struct dtls_hs *hs)
{
	unsigned long max = msecs_to_jiffies(hs->p.rto_max_ms);

	if (hs->step == DTLS_HS_DONE || hs->step == DTLS_HS_S_LISTEN)
		return;
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
	if (!timer_pending(&hs->timer)) {
		int err;

		hs->rto = min(hs->rto * 2, max);
		err = dtls_hs_flight_send(hs);
		hs->last_resend = jiffies;
		dtls_net_stat_add(sock_net(hs->sk), DTLS_STAT_HS_RETRANSMIT, 1);
		dtls_hs_arm(hs);
		trace_dtls_hs_retransmit(hs, DTLS_RETX_TIMER, err);
	}
}

static void dtls_hs_timer_fn(struct timer_list *t)
{
	struct dtls_hs *hs = from_timer(hs, t, timer);

	/* No crypto here: the work does the resend. */
	set_bit(DTLS_HS_EV_TIMER, &hs->events);
	queue_work(dtls_wq, &hs->work);
}

/* The next datagram for the work, uncharged.  Context: process. */
static struct sk_buff *dtls_hs_rxq_pop(struct dtls_hs *hs)
{
	struct sk_buff *skb;

	spin_lock_bh(&hs->rxq.lock);
	skb = __skb_dequeue(&hs->rxq);
	if (skb)
		hs->rxq_bytes -= skb->truesize;
	spin_unlock_bh(&hs->rxq.lock);
	return skb;
}

static void dtls_hs_work(struct work_struct *work)
{
	struct dtls_hs *hs = container_of(work, struct dtls_hs, work);
	struct sk_buff *skb;

	mutex_lock(&hs->lock);
	if (test_and_clear_bit(DTLS_HS_EV_TIMER, &hs->events) && !hs->dead)
		dtls_hs_timeout(hs);
	/*
	 * A client has no one else to wait for: fail now, not at timeout,
	 * unless told to wait out a route or a server that comes back.
	 */
	if (test_and_clear_bit(DTLS_HS_EV_ICMP, &hs->events) && !hs->dead &&
	    hs->p.role == DTLS_HS_ROLE_CLIENT && !hs->p.icmp_ignore &&
	    hs->step != DTLS_HS_DONE &&
	    hs->step != DTLS_HS_IDLE)
		dtls_hs_fail(hs, -READ_ONCE(hs->icmp_err), 0, false);
	while (!hs->dead && (skb = dtls_hs_rxq_pop(hs))) {
		if (hs->step == DTLS_HS_DONE) {
			dtls_hs_inject(hs, skb);
			continue;
		}
		dtls_hs_rx_datagram(hs, skb);
		kfree_skb(skb);
	}
	mutex_unlock(&hs->lock);
}

/* --------------------------------------------------------- socket hooks */

/*
 * Queue for the work, unless retired or full: at most DTLS_HS_RXQ_MAX
 * datagrams and, as UDP would hold them, the socket's receive buffer
 * (DTLS_HS_RXQ_MIN_BYTES at least) in skb truesize; one datagram always
 * fits.  Context: softirq.
 */
static bool dtls_hs_enqueue(struct dtls_hs *hs, struct sk_buff *skb)
{
	u32 cap = max_t(u32, READ_ONCE(hs->sk->sk_rcvbuf),
			DTLS_HS_RXQ_MIN_BYTES);
	bool queued = false;

	spin_lock(&hs->rxq.lock);
	if (!hs->dead && skb_queue_len(&hs->rxq) < DTLS_HS_RXQ_MAX &&
	    (!hs->rxq_bytes || hs->rxq_bytes + skb->truesize <= cap)) {
		__skb_queue_tail(&hs->rxq, skb);
		hs->rxq_bytes += skb->truesize;
		/* Under the lock: retiring waits for it, then cancels. */
		queue_work(dtls_wq, &hs->work);
		queued = true;
	}
	spin_unlock(&hs->rxq.lock);
	return queued;
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
 * dtls_hs_capture - take a datagram for the running handshake
 * @ds: the socket
 * @skb: the datagram, data at the UDP header
 *
 * Context: softirq, rcu_read_lock() held (UDP's encap_rcv).
 * Return: true if consumed.
 */
bool dtls_hs_capture(struct dtls_sock *ds, struct sk_buff *skb)
{
	struct dtls_hs *hs = rcu_dereference(ds->hs.engine);

	if (!hs || !dtls_hs_takes_datagrams(hs))
		return false;
	__skb_pull(skb, sizeof(struct udphdr));
	skb_dst_drop(skb);
	if (!dtls_hs_enqueue(hs, skb)) {
		dtls_stat_inc(ds, DTLS_STAT_RX_DROPPED);
		trace_dtls_drop(ds, DTLS_DROP_HS_QUEUE, 0, 0, skb->len);
		kfree_skb(skb);
	}
	return true;
}

/**
 * dtls_hs_wait - wait for the handshake to end
 * @sk: the socket
 * @ds: its state
 * @timeo: time left, updated
 *
 * Context: process (send and receive paths).
 * Return: 0 once established; the handshake's error, -EAGAIN or
 * -ERESTARTSYS/-EINTR otherwise.
 */
int dtls_hs_wait(struct sock *sk, struct dtls_sock *ds, long *timeo)
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

/* ------------------------------------------------------- control (netlink) */

/*
 * The handshake of @ds, created on first use, with a reference for the
 * caller (dtls_hs_put()).  Taken under lock_sock() while @hs is on
 * ds->hs.engine, which holds a reference of its own until it is retired: a
 * concurrent abort, failure or close cannot free it under the caller.
 * Context: process, holding the socket (its file, or a reference from the
 * netns list).
 */
static struct dtls_hs *dtls_hs_get(struct dtls_sock *ds, bool create)
{
	struct sock *sk = ds->sk;
	struct dtls_hs *hs;
	int err = 0;

	lock_sock(sk);
	hs = rcu_dereference_protected(ds->hs.engine, lockdep_sock_is_held(sk));
	if (hs) {
		refcount_inc(&hs->refs);
		goto out;
	}
	if (!create)
		goto out;
	if (ds->closing)
		err = -EBADF;
	else if (ds->hs.state == DTLS_HS_STATE_ESTABLISHED)
		err = -EISCONN;
	else if (ds->hs.state)
		err = -EALREADY;	/* one handshake per socket */
	else if (rcu_access_pointer(ds->keys.tx) || rcu_access_pointer(ds->keys.rx))
		err = -EISCONN;		/* keys from user space */
	if (err)
		goto out;
	hs = kzalloc(sizeof(*hs), GFP_KERNEL);
	if (!hs) {
		err = -ENOMEM;
		goto out;
	}
	hs->ds = ds;
	hs->sk = sk;
	refcount_set(&hs->refs, 2);	/* ds->hs.engine and the caller */
	sock_hold(sk);
	refcount_inc(&ds->refs);
	mutex_init(&hs->lock);
	INIT_WORK(&hs->work, dtls_hs_work);
	timer_setup(&hs->timer, dtls_hs_timer_fn, 0);
	skb_queue_head_init(&hs->rxq);
	__skb_queue_head_init(&hs->early);
	INIT_LIST_HEAD(&hs->psks);
	hs->p.role = DTLS_HS_ROLE_CLIENT;
	hs->p.cookies = true;
	hs->p.mtu = DTLS_HS_MTU_DEFAULT;
	hs->p.rto_initial_ms = DTLS_HS_RTO_INITIAL_MS;
	hs->p.rto_max_ms = DTLS_HS_RTO_MAX_MS;
	hs->p.timeout_ms = DTLS_HS_TIMEOUT_MS;
	ds->hs.role = hs->p.role;
	trace_dtls_hs_state(ds, ds->hs.state, DTLS_HS_STATE_CONFIGURED);
	ds->hs.state = DTLS_HS_STATE_CONFIGURED;
	rcu_assign_pointer(ds->hs.engine, hs);
out:
	release_sock(sk);
	return err ? ERR_PTR(err) : hs ?: ERR_PTR(-ENOENT);
}

static int dtls_hs_lock_idle(struct dtls_sock *ds, struct dtls_hs **hsp)
{
	struct dtls_hs *hs = dtls_hs_get(ds, true);

	if (IS_ERR(hs))
		return PTR_ERR(hs);
	mutex_lock(&hs->lock);
	if (hs->dead || hs->step != DTLS_HS_IDLE) {
		mutex_unlock(&hs->lock);
		dtls_hs_put(hs);
		return -EBUSY;
	}
	*hsp = hs;
	return 0;
}

/* The end of a dtls_hs_lock_idle() section. */
static void dtls_hs_unlock_put(struct dtls_hs *hs)
{
	mutex_unlock(&hs->lock);
	dtls_hs_put(hs);
}

/**
 * dtls_hs_config - change the parameters of a handshake not yet started
 * @ds: the socket
 * @req: the fields given (@req->set) and their values; the others keep
 *	 theirs
 * @extack: for the reason of a refusal
 *
 * Checks what the values mean (a suite or group we have, ranges); the
 * caller (netlink.c) has checked their form.
 * Context: process, may sleep.  Return: 0 or a negative errno.
 */
int dtls_hs_config(struct dtls_sock *ds, const struct dtls_hs_config_req *req,
		   struct netlink_ext_ack *extack)
{
	const struct dtls_hs_params *in = &req->p;
	struct dtls_hs_params p;
	struct dtls_hs *hs;
	unsigned int i;
	int err;

	err = dtls_hs_lock_idle(ds, &hs);
	if (err)
		return err;
	p = hs->p;
	err = -EINVAL;
	if (req->set & DTLS_HS_SET_ROLE)
		p.role = in->role;
	if (req->set & DTLS_HS_SET_SUITES) {
		for (i = 0; i < in->n_suites; i++)
			if (!dtls_suite_find(in->suites[i]))
				break;
		if (i < in->n_suites || req->suite_attr[DTLS_HS_MAX_SUITES]) {
			NL_SET_ERR_MSG_ATTR(extack, req->suite_attr[i < in->n_suites ?
						i : DTLS_HS_MAX_SUITES],
					    "unknown suite or too many");
			goto out;
		}
		p.n_suites = in->n_suites;
		memcpy(p.suites, in->suites, sizeof(p.suites));
	}
	if (req->set & DTLS_HS_SET_GROUPS) {
		for (i = 0; i < in->n_groups; i++)
			if (!dtls_kex_group_supported(in->groups[i]))
				break;
		if (i < in->n_groups || req->group_attr[DTLS_HS_MAX_GROUPS]) {
			NL_SET_ERR_MSG_ATTR(extack, req->group_attr[i < in->n_groups ?
						i : DTLS_HS_MAX_GROUPS],
					    "unsupported group or too many");
			goto out;
		}
		p.n_groups = in->n_groups;
		memcpy(p.groups, in->groups, sizeof(p.groups));
	}
	if (req->set & DTLS_HS_SET_MTU)
		p.mtu = in->mtu;
	if (req->set & DTLS_HS_SET_RTO_INITIAL)
		p.rto_initial_ms = in->rto_initial_ms;
	if (req->set & DTLS_HS_SET_RTO_MAX)
		p.rto_max_ms = in->rto_max_ms;
	if (req->set & DTLS_HS_SET_TIMEOUT)
		p.timeout_ms = in->timeout_ms;
	if (req->set & DTLS_HS_SET_COOKIES)
		p.cookies = in->cookies;
	if (req->set & DTLS_HS_SET_ICMP_IGNORE)
		p.icmp_ignore = in->icmp_ignore;
	if (req->set & DTLS_HS_SET_HINT) {
		p.hint_len = in->hint_len;
		memcpy(p.hint, in->hint, sizeof(p.hint));
	}
	if (p.mtu < 256 || p.mtu > 65507) {
		NL_SET_ERR_MSG(extack, "mtu out of 256..65507");
		goto out;
	}
	if (p.rto_initial_ms < 50 || p.rto_initial_ms > 60000 ||
	    p.rto_max_ms < p.rto_initial_ms || p.rto_max_ms > 600000) {
		NL_SET_ERR_MSG(extack,
			       "rto-initial-ms out of 50..60000 or rto-max-ms out of it..600000");
		goto out;
	}
	if (p.timeout_ms < 100 || p.timeout_ms > 3600000) {
		NL_SET_ERR_MSG(extack, "timeout-ms out of 100..3600000");
		goto out;
	}
	hs->p = p;
	WRITE_ONCE(ds->hs.role, p.role);
	err = 0;
out:
	dtls_hs_unlock_put(hs);
	return err;
}

/**
 * dtls_hs_psk_add - give a handshake not yet started a PSK
 * @ds: the socket
 * @id: the identity, 1..128 bytes
 * @id_len: its length
 * @key: the key, 1..64 bytes; NULL to read it from the kernel key @serial
 * @key_len: its length
 * @serial: a "user" or "logon" key the caller may search, when !@key
 * @extack: for the reason of a refusal
 *
 * Context: process, may sleep.  Return: 0 or a negative errno.
 */
int dtls_hs_psk_add(struct dtls_sock *ds, const u8 *id, unsigned int id_len,
		    const u8 *key, unsigned int key_len, s32 serial,
		    struct netlink_ext_ack *extack)
{
	struct dtls_hs *hs;
	int err;

	err = dtls_hs_lock_idle(ds, &hs);
	if (err)
		return err;
	if (key)
		err = dtls_psk_add(hs, id, id_len, key, key_len);
	else
		err = dtls_psk_add_keyring(hs, id, id_len, serial);
	if (err == -EINVAL)
		NL_SET_ERR_MSG(extack, "PSK must be 1..64 bytes");
	dtls_hs_unlock_put(hs);
	return err;
}

/* Fill defaults: every suite and group we have, ECDHE first. */
static void dtls_hs_defaults(struct dtls_hs *hs)
{
	static const u16 order[] = {
		DTLS_ECDHE_PSK_AES_128_GCM_SHA256,
		DTLS_ECDHE_PSK_CHACHA20_POLY1305_SHA256,
		DTLS_PSK_AES_128_GCM_SHA256,
		DTLS_PSK_AES_256_GCM_SHA384,
		DTLS_PSK_CHACHA20_POLY1305_SHA256,
		DTLS_PSK_AES_128_CCM_8,
	};
	unsigned int i;

	if (!hs->p.n_suites)
		for (i = 0; i < ARRAY_SIZE(order); i++)
			hs->p.suites[hs->p.n_suites++] = order[i];
	if (!hs->p.n_groups)
		for (i = 0; i < ARRAY_SIZE(dtls_default_groups); i++)
			if (dtls_kex_group_supported(dtls_default_groups[i]))
				hs->p.groups[hs->p.n_groups++] =
					dtls_default_groups[i];
}

int dtls_hs_start(struct dtls_sock *ds, struct netlink_ext_ack *extack)
{
	struct sock *sk = ds->sk;
	struct dtls_hs *hs;
	int err;

	err = dtls_hs_lock_idle(ds, &hs);
	if (err)
		return err;
	err = -ENOKEY;
	if (!hs->n_psks) {
		NL_SET_ERR_MSG(extack, "no PSK");
		goto out;
	}
	err = -ENOTCONN;
	if (hs->p.role == DTLS_HS_ROLE_CLIENT &&
	    READ_ONCE(sk->sk_state) != TCP_ESTABLISHED) {
		NL_SET_ERR_MSG(extack, "a client socket must be connected");
		goto out;
	}
	if (hs->p.role == DTLS_HS_ROLE_SERVER && !inet_sk(sk)->inet_num) {
		NL_SET_ERR_MSG(extack, "a server socket must be bound");
		goto out;
	}
	dtls_hs_defaults(hs);
	hs->rto = msecs_to_jiffies(hs->p.rto_initial_ms);
	hs->deadline = jiffies + msecs_to_jiffies(hs->p.timeout_ms);
	dtls_reasm_init(&hs->reasm, 0);
	lock_sock(sk);
	dtls_hs_set_state(ds, DTLS_HS_STATE_RUNNING);
	release_sock(sk);
	dtls_net_stat_add(sock_net(sk), DTLS_STAT_HS_STARTED, 1);
	if (hs->p.role == DTLS_HS_ROLE_SERVER) {
		WRITE_ONCE(hs->step, DTLS_HS_S_LISTEN);
		err = 0;
	} else {
		err = dtls_hs_client_start(hs);
		if (err)
			dtls_hs_fail(hs, err, 0, false);
		err = 0;	/* the failure is the socket's now */
	}
out:
	dtls_hs_unlock_put(hs);
	return err;
}

int dtls_hs_abort(struct dtls_sock *ds)
{
	struct dtls_hs *hs = dtls_hs_get(ds, false);
	int err = 0;

	if (IS_ERR(hs))
		return -ENOENT;
	mutex_lock(&hs->lock);
	if (hs->dead || hs->step == DTLS_HS_DONE)
		err = -EALREADY;
	else
		dtls_hs_fail(hs, -ECONNABORTED, 0, false);
	mutex_unlock(&hs->lock);
	dtls_hs_put(hs);
	return err;
}

/**
 * dtls_hs_release - the socket closes: stop its handshake
 * @ds: the socket
 *
 * Context: process (close), not under lock_sock().
 */
void dtls_hs_release(struct dtls_sock *ds)
{
	struct sock *sk = ds->sk;
	struct dtls_hs *hs;

	lock_sock(sk);
	ds->closing = true;
	hs = rcu_replace_pointer(ds->hs.engine, NULL, lockdep_sock_is_held(sk));
	release_sock(sk);
	if (hs) {
		mutex_lock(&hs->lock);
		hs->dead = true;
		mutex_unlock(&hs->lock);
		dtls_hs_retire(hs);
	}
}
