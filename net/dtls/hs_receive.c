// SPDX-License-Identifier: GPL-2.0
/*
 * What the handshake receives (handshake.h): a listening server's first
 * ClientHello, with its stateless cookie exchange (RFC 6347 4.2.1); then
 * the peer's records, opened (epoch 1) and reassembled into messages for
 * the protocol's steps, with the peer's resent flights answered and data
 * that comes before the Finished held back.  While user space decides
 * on the peer's certificate (hs->deleg_id set, handshake.h), messages
 * stay in reassembly; dtls_hs_resume() hands them on once it accepted.
 *
 * Context: process, the handshake work (or, for dtls_hs_resume(), the
 * peer-verdict handler), under hs->lock.
 */

#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/udp.h>

#include <uapi/linux/dtls.h>

#include "cookie.h"
#include "dtls.h"
#include "handshake.h"
#include "peer_mem.h"
#include "trace.h"

/*
 * Epoch-1 handshake records held until their key exists: a Finished's
 * record body is 40 to 48 bytes (12 of verify_data, its fragment header,
 * the cipher's explicit nonce and tag).
 */
#define DTLS_HS_NEXT_MAX	2
#define DTLS_HS_NEXT_LEN	128

/* --------------------------------------------------------- the listener */

/* The client's address of a captured datagram (its IP header is intact). */
void dtls_skb_peer(const struct sk_buff *skb, struct sockaddr_storage *ss)
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
static void dtls_hs_send_hvr(struct dtls_sock *ds, const struct dtls_ch *ch,
			     const struct dtls_hs_hdr *chh, u64 rec_seq,
			     const struct sockaddr *peer,
			     const struct sk_buff *skb)
{
	unsigned int ch_len = skb->len;
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
	/* A listener's session its listener let go: as dtls_send_hs_datagram(). */
	if (READ_ONCE(ds->child.orphaned))
		return;
	/*
	 * From the address the ClientHello came to; IPv6 refuses a source
	 * that is routed to us but on no interface (AnyIP): then as routing
	 * picks it.
	 */
	if (dtls_send_reply(ds, buf, DTLS_HEADER_LEN + rh.length, peer, skb) &&
	    dtls_send_datagram(ds, buf, DTLS_HEADER_LEN + rh.length, peer))
		return;
	dtls_net_stat_add(sock_net(ds->sk), DTLS_STAT_HS_HVR_SENT, 1);
}

/*
 * A ClientHello at a server waiting for one (@ds answers): its form, and
 * with @cookies its cookie, which it lacks: then a HelloVerifyRequest
 * goes back and nothing is kept.
 * Return: true if a handshake may start with it (@h, @ch, @peer set).
 */
static bool dtls_hello_take(struct dtls_sock *ds, struct sk_buff *skb,
			    const struct dtls_record_hdr *rh, const u8 *frag,
			    unsigned int len, bool cookies,
			    struct dtls_hs_hdr *h, struct dtls_ch *ch,
			    struct sockaddr_storage *peer)
{
	if (rh->epoch || rh->type != DTLS_RECORD_TYPE_HANDSHAKE ||
	    dtls_hs_hdr_parse(frag, len, h) ||
	    h->type != DTLS_HS_CLIENT_HELLO || h->frag_off ||
	    h->frag_len != h->length ||
	    dtls_ch_parse(frag + DTLS_HS_HEADER_LEN, h->length, ch)) {
		dtls_stat_inc(ds, DTLS_STAT_RX_MALFORMED);
		trace_dtls_drop(ds, DTLS_DROP_MALFORMED, rh->epoch, rh->seq,
				len);
		return false;
	}
	/* DTLS versions count down: 1.2 is 0xfefd. */
	if (ch->version > DTLS_1_2_VERSION || !ch->null_compression)
		return false;
	dtls_skb_peer(skb, peer);
	if (cookies && !dtls_cookie_check((struct sockaddr *)peer, ch)) {
		dtls_hs_send_hvr(ds, ch, h, rh->seq, (struct sockaddr *)peer,
				 skb);
		return false;
	}
	return true;
}

/**
 * dtls_hello_check - a datagram at a listening socket, from a new peer
 * @ds: the listening socket, which answers
 * @skb: the datagram, data at the UDP payload, headers intact
 * @cookies: a valid cookie is required
 *
 * Context: process (listen.c's work).
 * Return: true if its first record is a ClientHello that may start a
 * session; false if it was answered (HelloVerifyRequest) or is not one.
 */
bool dtls_hello_check(struct dtls_sock *ds, struct sk_buff *skb, bool cookies)
{
	struct sockaddr_storage peer;
	struct dtls_record_hdr rh;
	struct dtls_hs_hdr h;
	struct dtls_ch ch;

	if (skb_linearize_cow(skb))
		return false;
	if (dtls_record_parse(skb->data, skb->len, &rh) ||
	    (rh.version != DTLS_1_2_VERSION &&
	     rh.version != DTLS_VERSION_1_0)) {
		dtls_stat_inc(ds, DTLS_STAT_RX_MALFORMED);
		trace_dtls_drop(ds, DTLS_DROP_MALFORMED, 0, 0, skb->len);
		return false;
	}
	return dtls_hello_take(ds, skb, &rh, skb->data + DTLS_HEADER_LEN,
			       rh.length, cookies, &h, &ch, &peer);
}

/* Connect the listening socket to its client, as DTLSv1_listen() does. */
static int dtls_hs_server_connect(struct dtls_hs *hs,
				  const struct sockaddr_storage *peer)
{
	struct sock *sk = hs->sk;
	int len = peer->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
						sizeof(struct sockaddr_in);
	int err;

	if (READ_ONCE(sk->sk_state) == TCP_ESTABLISHED)
		return 0;
	/*
	 * UDP's connect waits for the socket lock, which user space may
	 * hold as long as it likes: UDP's connect without its lock, under
	 * our try (dtls_sock_try_own()).  Where UDP also files a connected
	 * socket by its four-tuple (7.x), it is left out of that index;
	 * lookups still find it by its address and port.
	 */
	if (dtls_sock_try_own(hs->ds, 0) <= 0)
		return -EAGAIN;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6)
		err = __ip6_datagram_connect(sk, (DTLS_PROTO_SOCKADDR *)peer,
					     len);
	else
#endif
		err = __ip4_datagram_connect(sk, (DTLS_PROTO_SOCKADDR *)peer,
					     len);
	release_sock(sk);
	return err;
}

/*
 * A ClientHello at a listening server.  Nothing is kept until its cookie
 * is valid; then the socket connects to the client and the handshake
 * starts with this ClientHello.  A listener's child (listen.c) is
 * connected already and its listener checked the cookie.
 */
static void dtls_hs_server_listen(struct dtls_hs *hs, struct sk_buff *skb,
				  const struct dtls_record_hdr *rh,
				  const u8 *frag, unsigned int len)
{
	struct dtls_proto_out out;
	struct sockaddr_storage peer;
	struct dtls_hs_hdr h;
	struct dtls_ch ch;
	int err;

	if (!dtls_hello_take(hs->ds, skb, rh, frag, len, hs->pr.p.cookies,
			     &h, &ch, &peer))
		return;

	/* A client to talk to: the handshake proper starts. */
	err = dtls_hs_server_connect(hs, &peer);
	if (err == -EAGAIN) {
		/* Its owner holds the socket: the client resends. */
		dtls_stat_inc(hs->ds, DTLS_STAT_RX_DROPPED);
		trace_dtls_drop(hs->ds, DTLS_DROP_OWNED, rh->epoch, rh->seq,
				rh->length);
		return;
	}
	if (err) {
		dtls_hs_fail(hs, err, 0, false);
		return;
	}
	hs->deadline = jiffies + msecs_to_jiffies(hs->pr.p.timeout_ms);
	dtls_reasm_init(&hs->reasm, h.seq + 1);
	hs->tx_seq0 = rh->seq + 1;
	dtls_hs_rx_msg(hs, h.type, h.length);
	err = dtls_server_start(&hs->pr, frag, &h, &ch, &out);
	dtls_hs_act(hs, err, &out);
}

/* ------------------------------------------------------------- receiving */

/* Half the initial timeout: a peer's resends come no faster than that. */
static bool dtls_hs_may_resend(struct dtls_hs *hs)
{
	return time_after_eq(jiffies, hs->last_resend +
			     msecs_to_jiffies(hs->pr.p.rto_initial_ms) / 2);
}

/*
 * A message we already have came again: the peer resent its flight, so
 * ours was lost (RFC 6347 4.2.4).  The first fragment of the flight's
 * first message answers with our flight, at most once per half RTO, and
 * our timer starts again from now (4.2.4: resend, reset the timer), not
 * doubled: the peer's answer to the copy is a round trip away, and the
 * old expiry would send it a third time meanwhile.
 */
static void dtls_hs_peer_resent(struct dtls_hs *hs,
				const struct dtls_hs_hdr *h)
{
	int err;

	if (!dtls_proto_answers_resend(&hs->pr, h) || !dtls_hs_may_resend(hs))
		return;
	err = dtls_hs_flight_send(hs);
	hs->last_resend = jiffies;
	if (!err)
		dtls_hs_flight_resent(hs);
	dtls_net_stat_add(sock_net(hs->sk), DTLS_STAT_HS_PEER_RESENT, 1);
	trace_dtls_hs_retransmit(hs, DTLS_RETX_PEER, err);
}

/*
 * The whole messages reassembly holds, in order, to the steps; none
 * while user space decides on the peer's certificate (hs->deleg_id).
 * Errors are fatal (@alert).
 */
static int dtls_hs_steps(struct dtls_hs *hs, u8 *alert)
{
	struct dtls_proto_out out;
	struct dtls_hs_msg *m;
	int ret;

	while (!dtls_hs_over(hs) && hs->pr.step != DTLS_HS_DONE && !hs->deleg_id &&
	       (m = dtls_reasm_pop(&hs->reasm))) {
		dtls_hs_rx_msg(hs, m->type, m->len);
		/* For the rx key, if this step derives it. */
		hs->pr.replay_window = READ_ONCE(hs->ds->replay_window);
		ret = dtls_proto_msg(&hs->pr, m, &out);
		kfree_sensitive(m);
		if (ret) {
			*alert = out.alert;
			return ret;
		}
		dtls_hs_act(hs, 0, &out);
	}
	return 0;
}

/* The handshake fragments of one record; errors are fatal (@alert). */
static int dtls_hs_fragments(struct dtls_hs *hs, const u8 *p,
			     unsigned int len,
			     const struct dtls_record_hdr *rh, u8 *alert)
{
	u16 epoch = rh->epoch;
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
		    hs->pr.p.role == DTLS_HS_ROLE_CLIENT) {
			/* skip it */
		} else if (h.type == DTLS_HS_FINISHED ? epoch : !epoch) {
			ret = dtls_reasm_add(&hs->reasm, &h,
					     p + DTLS_HS_HEADER_LEN,
					     DTLS_GFP_PEER);
			if (ret == DTLS_REASM_OLD) {
				dtls_hs_peer_resent(hs, &h);
			} else if (ret == -ENOMEM) {
				/* The peer resends it (DTLS_GFP_PEER). */
				dtls_sk_drops_add(hs->sk, 1);
				dtls_stat_inc(hs->ds, DTLS_STAT_RX_DROPPED);
				trace_dtls_drop(hs->ds, DTLS_DROP_NOMEM, epoch,
						rh->seq,
						DTLS_HS_HEADER_LEN + h.frag_len);
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

		ret = dtls_hs_steps(hs, alert);
		if (ret)
			return ret;
		if (dtls_hs_over(hs) || hs->pr.step == DTLS_HS_DONE)
			return 0;
	}
	return 0;
}

static void dtls_hs_next_open(struct dtls_hs *hs);

/**
 * dtls_hs_resume - user space accepted the peer's certificate: go on
 * @hs: the handshake, its hs->deleg_id cleared
 *
 * The messages that came meanwhile wait in reassembly.
 * Context: process, under hs->lock.
 */
void dtls_hs_resume(struct dtls_hs *hs)
{
	u8 alert = 0;
	int err;

	lockdep_assert_held(&hs->lock);
	if (dtls_hs_over(hs) || hs->pr.step == DTLS_HS_DONE)
		return;
	err = dtls_hs_steps(hs, &alert);
	if (err)
		dtls_hs_fail(hs, err, alert, false);
	else
		dtls_hs_next_open(hs);
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

/*
 * The peer's Finished came before the message that derives its key: its
 * flight reordered, or our server paused for user space's verdict on the
 * certificate that comes first.  RFC 6347 4.1 lets us buffer or discard
 * it; discarded, the handshake would wait for the peer's timer (a second
 * at least) to send it again.  A few small handshake records are held,
 * opened once the key is there (dtls_hs_next_open()); anyone can send
 * them, so they are bounded, and a forged one only costs that wait.
 */
static bool dtls_hs_next_hold(struct dtls_hs *hs, const u8 *rec,
			      const struct dtls_record_hdr *rh)
{
	struct sk_buff *skb;

	if (rh->epoch != 1 || rh->type != DTLS_RECORD_TYPE_HANDSHAKE ||
	    rh->length > DTLS_HS_NEXT_LEN ||
	    skb_queue_len(&hs->next) >= DTLS_HS_NEXT_MAX)
		return false;
	skb = alloc_skb(DTLS_HEADER_LEN + rh->length, DTLS_GFP_PEER);
	if (!skb)
		return false;
	skb_put_data(skb, rec, DTLS_HEADER_LEN + rh->length);
	__skb_queue_tail(&hs->next, skb);
	return true;
}

static void dtls_hs_rx_record(struct dtls_hs *hs, u8 *rec,
			      const struct dtls_record_hdr *rh);

/* The records dtls_hs_next_hold() kept, once their key exists. */
static void dtls_hs_next_open(struct dtls_hs *hs)
{
	struct dtls_record_hdr rh;
	struct sk_buff *skb;

	while (hs->pr.rx_key && !dtls_hs_over(hs) &&
	       hs->pr.step != DTLS_HS_DONE &&
	       (skb = __skb_dequeue(&hs->next))) {
		dtls_record_parse(skb->data, skb->len, &rh);
		dtls_hs_rx_record(hs, skb->data, &rh);
		kfree_skb(skb);
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
		if (rh->epoch != 1 || !hs->pr.rx_key) {
			/* No key for its epoch (yet): counted, held or not. */
			dtls_stat_inc(ds, DTLS_STAT_RX_BAD_EPOCH);
			if (hs->pr.rx_key || !dtls_hs_next_hold(hs, rec, rh))
				trace_dtls_drop(ds, DTLS_DROP_BAD_EPOCH,
						rh->epoch, rh->seq, blen);
			return;
		}
		if (rh->type == DTLS_RECORD_TYPE_DATA) {
			struct sk_buff *skb;

			/*
			 * Data before the Finished: opened once done.  Not
			 * authenticated yet, so bounded in number and bytes.
			 */
			if (!dtls_record_length_ok(hs->pr.rx_key->cipher,
						   blen)) {
				dtls_stat_inc(ds, DTLS_STAT_RX_MALFORMED);
				trace_dtls_drop(ds, DTLS_DROP_MALFORMED,
						rh->epoch, rh->seq, blen);
				return;
			}
			if (skb_queue_len(&hs->early) >= DTLS_HS_EARLY_MAX) {
				dtls_stat_inc(ds, DTLS_STAT_RX_DROPPED);
				trace_dtls_drop(ds, DTLS_DROP_HS_EARLY,
						rh->epoch, rh->seq, blen);
				return;
			}
			/*
			 * Charged while held; delivered, charged as socket
			 * memory too until read (at most 32 KiB, once).
			 */
			skb = alloc_skb(DTLS_HEADER_LEN + blen, DTLS_GFP_PEER);
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
		err = dtls_record_open(hs->pr.rx_key, rec, rh, &body, &blen);
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

/*
 * A datagram captured during the handshake; data at the UDP payload.
 * Consumes @skb.  If a record of it completes the handshake, the records
 * behind it go to the record layer (dtls_hs_established(): hs->rx_skb).
 */
void dtls_hs_rx_datagram(struct dtls_hs *hs, struct sk_buff *skb)
{
	struct dtls_record_hdr rh;
	unsigned int off = 0;

	if (skb_linearize_cow(skb)) {
		kfree_skb(skb);
		return;
	}
	while (off < skb->len && !dtls_hs_over(hs) &&
	       hs->pr.step != DTLS_HS_DONE) {
		u8 *rec = skb->data + off;

		if (dtls_record_parse(rec, skb->len - off, &rh)) {
			dtls_stat_inc(hs->ds, DTLS_STAT_RX_MALFORMED);
			trace_dtls_drop(hs->ds, DTLS_DROP_MALFORMED, 0, 0,
					skb->len - off);
			break;
		}
		off += DTLS_HEADER_LEN + rh.length;
		if (rh.version != DTLS_1_2_VERSION &&
		    (rh.epoch || rh.version != DTLS_VERSION_1_0)) {
			dtls_stat_inc(hs->ds, DTLS_STAT_RX_MALFORMED);
			trace_dtls_drop(hs->ds, DTLS_DROP_MALFORMED, rh.epoch,
					rh.seq, rh.length);
			continue;
		}
		if (hs->pr.step == DTLS_HS_S_LISTEN) {
			/* Only a first record counts, one ClientHello. */
			dtls_hs_server_listen(hs, skb, &rh,
					      rec + DTLS_HEADER_LEN,
					      rh.length);
			break;
		}
		hs->rx_skb = skb;
		hs->rx_off = off;
		dtls_hs_rx_record(hs, rec, &rh);
		hs->rx_skb = NULL;
	}
	dtls_hs_next_open(hs);
	kfree_skb(skb);
}
