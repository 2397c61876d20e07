// SPDX-License-Identifier: GPL-2.0
/*
 * Flights of the in-kernel handshake (RFC 6347 4.2.4): the messages of a
 * flight are kept in plaintext and every transmission seals them afresh,
 * so a resend never repeats a record sequence number.  Handshake messages
 * are cut into fragments that fit the configured datagram size, and
 * records are packed into datagrams up to that size.
 *
 * The flight is sent through a struct dtls_flight_ctx, so that both the
 * handshake and, after it, the kept last flight (final.c) use this.
 * Building a flight is the protocol's (proto.c: dtls_flight_add()).
 *
 * Context: process (the handshake work, the final flight's work, the
 * listener's work, netlink handlers, close), never under lock_sock():
 * UDP's sendmsg may take it (a cork, a cgroup sendmsg hook), and so may
 * dtls_send_msg() (a late cork to drop).  Neither is waited for while
 * the socket is owned: a send of ours then fails, a datagram lost (but
 * for an owner that comes between the check and UDP's own lock).
 */

#include <linux/bpf-cgroup.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include <uapi/linux/dtls.h>

#include "dtls.h"
#include "handshake.h"

unsigned int dtls_flight_bytes(const struct dtls_flight *f)
{
	unsigned int i, n = 0;

	for (i = 0; i < f->n; i++)
		n += f->msg[i].len;
	return n;
}

/* Its messages' types, dtls_trace_msg_bit()s: for the tracepoints. */
u32 dtls_flight_types(const struct dtls_flight *f)
{
	unsigned int i;
	u32 m = 0;

	for (i = 0; i < f->n; i++) {
		const struct dtls_flight_msg *msg = &f->msg[i];

		if (msg->type == DTLS_RECORD_TYPE_HANDSHAKE && msg->len)
			m |= dtls_trace_msg_bit(msg->data[0]);
		else if (msg->type == DTLS_RECORD_TYPE_CHANGE_CIPHER_SPEC)
			m |= DTLS_TRACE_MSG_CCS;
		else
			m |= DTLS_TRACE_MSG_OTHER;
	}
	return m;
}

/*
 * The source of a reply to @skb: the address it came to (a wildcard-bound
 * socket would otherwise leave it to routing, and a client connected to
 * that address would drop the reply), as a kernel control message.
 */
union dtls_pktinfo_cmsg {
	struct cmsghdr	hdr;
	u8		buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
};

static void dtls_reply_source(struct msghdr *msg, union dtls_pktinfo_cmsg *cb,
			      const struct sk_buff *skb)
{
	struct cmsghdr *cm = &cb->hdr;
	u8 *data = cb->buf + CMSG_ALIGN(sizeof(struct cmsghdr));

	memset(cb, 0, sizeof(*cb));
	if (ip_hdr(skb)->version == 4) {
		struct in_pktinfo pi = {
			.ipi_spec_dst.s_addr = ip_hdr(skb)->daddr,
		};

		cm->cmsg_level = SOL_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(data, &pi, sizeof(pi));
		msg->msg_controllen = CMSG_SPACE(sizeof(pi));
	} else {
		struct in6_pktinfo pi = { .ipi6_addr = ipv6_hdr(skb)->daddr };

		if (ipv6_addr_type(&pi.ipi6_addr) & IPV6_ADDR_LINKLOCAL)
			pi.ipi6_ifindex = inet6_iif(skb);
		cm->cmsg_level = SOL_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(data, &pi, sizeof(pi));
		msg->msg_controllen = CMSG_SPACE(sizeof(pi));
	}
	msg->msg_control = cb;
	msg->msg_control_is_user = false;
}

static int dtls_send_msg(struct dtls_sock *ds, const void *buf,
			 unsigned int len, const struct sockaddr *to,
			 const struct sk_buff *reply_to);

/* @to: NULL on a connected socket.  Context: process, not lock_sock(). */
int dtls_send_datagram(struct dtls_sock *ds, const void *buf,
		       unsigned int len, const struct sockaddr *to)
{
	return dtls_send_msg(ds, buf, len, to, NULL);
}

/*
 * A datagram of the kernel's handshake or kept flight on a connected
 * socket: a flight, or an alert of the handshake or after it.  Not for
 * a listener's session its listener let go (dtls_final_orphan()): its
 * peer's address may be a new client's now (a restart), its port
 * another socket's (the listener closed).  One already past the check
 * may still leave.  For an accepted session, the shut that follows
 * (dtls_listen_shut(), dtls_listen_shut_restarted()) waits for the kept
 * flight's work (dtls_final_sync()), aborts the handshake under
 * hs->lock, which the handshake's own sends hold, and its SEND_SHUTDOWN
 * (once the session's owner lets it go, if it holds it) makes the
 * socket layer refuse UDP a buffer (EPIPE); one not accepted that a
 * restart ended is released after the same wait (dtls_listen_admit()).
 * A close_notify, which the listener's close still sends, goes by
 * dtls_send_datagram().
 */
int dtls_send_hs_datagram(struct dtls_sock *ds, const void *buf,
			  unsigned int len)
{
	if (READ_ONCE(ds->child.orphaned))
		return -EPIPE;
	return dtls_send_msg(ds, buf, len, NULL, NULL);
}

/* To the sender of @skb, from the address it came to.  As above. */
int dtls_send_reply(struct dtls_sock *ds, const void *buf, unsigned int len,
		    const struct sockaddr *to, const struct sk_buff *skb)
{
	return dtls_send_msg(ds, buf, len, to, skb);
}

/*
 * Would UDP run a cgroup sendmsg program, under lock_sock(), for a send
 * to @to (NULL: the connected peer)?  It does for a send that names its
 * peer, and UDPv6 names a v4-mapped connected peer to UDP's sendmsg,
 * which runs UDP4's.
 */
static bool dtls_udp_sendmsg_locks(const struct sock *sk,
				   const struct sockaddr *to)
{
	bool v6 = sk->sk_family == AF_INET6;

#if IS_ENABLED(CONFIG_IPV6)
	if (!to && !(v6 && ipv6_addr_v4mapped(&sk->sk_v6_daddr)))
		return false;
#else
	if (!to)
		return false;
#endif
	return cgroup_bpf_enabled(CGROUP_UDP4_SENDMSG) ||
	       (v6 && cgroup_bpf_enabled(CGROUP_UDP6_SENDMSG));
}

static int dtls_send_msg(struct dtls_sock *ds, const void *buf,
			 unsigned int len, const struct sockaddr *to,
			 const struct sk_buff *reply_to)
{
	union dtls_pktinfo_cmsg cb;
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	struct kvec kv = { .iov_base = (void *)buf, .iov_len = len };
	struct file *pin;
	int err, pending;

	if (to) {
		msg.msg_name = (void *)to;
		msg.msg_namelen = to->sa_family == AF_INET6 ?
				  sizeof(struct sockaddr_in6) :
				  sizeof(struct sockaddr_in);
	}
	if (reply_to)
		dtls_reply_source(&msg, &cb, reply_to);
	iov_iter_kvec(&msg.msg_iter, ITER_SOURCE, &kv, 1, len);
	/*
	 * UDP would run a cgroup sendmsg program under lock_sock(), which
	 * user space may hold as long as it likes: not waited for (lost,
	 * and resent as a lost datagram would be).  An owner that takes the
	 * lock between this check and UDP's still makes us wait.
	 */
	if (dtls_udp_sendmsg_locks(ds->sk, to) &&
	    sock_owned_by_user_nocheck(ds->sk))
		return -EAGAIN;
	if (!dtls_sock_hold_open(ds, &pin))
		return -EPIPE;
	dtls_udp_drop_late_cork(ds->sk, false);
	if (unlikely(dtls_udp_batching(ds->sk))) {
		dtls_sock_release_hold(pin);
		return -EBUSY;
	}
	/*
	 * A pending error (an ICMP error, icmp.c) is the application's, not
	 * ours: UDP would hand it to this send and send nothing.  Take it
	 * aside for the send and put it back, unless a newer one came.
	 */
	pending = xchg(&ds->sk->sk_err, 0);
	err = ds->base_prot->sendmsg(ds->sk, &msg, len);
	if (pending && !cmpxchg(&ds->sk->sk_err, 0, pending))
		sk_error_report(ds->sk);
	dtls_sock_release_hold(pin);
	return err < 0 ? err : 0;
}

/* Record overhead in @epoch: the header, and the AEAD's with keys. */
static unsigned int dtls_flight_overhead(const struct dtls_flight_ctx *fc,
					 u16 epoch)
{
	const struct dtls_cipher *c;

	if (!epoch)
		return DTLS_HEADER_LEN;
	c = fc->tx_key->cipher;
	return DTLS_HEADER_LEN + c->explicit_len + c->tag_len;
}

/*
 * Finish the record at @rec whose plaintext (@pt_len bytes) is in place:
 * epoch 0 in the clear, epoch 1 sealed.  Returns the record's length.
 */
static int dtls_flight_record(struct dtls_flight_ctx *fc, u8 *rec, u8 type,
			      u16 epoch, unsigned int pt_len)
{
	struct dtls_record_hdr h = {
		.type = type,
		.version = DTLS_1_2_VERSION,
		.epoch = 0,
		.length = pt_len,
	};

	if (epoch)
		return dtls_seal_record(fc->tx_key, rec, type, pt_len);
	h.seq = (*fc->tx_seq0)++ & DTLS_SEQ_MASK;
	dtls_record_build(rec, &h);
	return DTLS_HEADER_LEN + pt_len;
}

/* Where the plaintext of a record in @epoch starts. */
static unsigned int dtls_flight_pt_off(const struct dtls_flight_ctx *fc,
				       u16 epoch)
{
	return DTLS_HEADER_LEN + (epoch ? fc->tx_key->cipher->explicit_len : 0);
}

/* A fragment this short is not worth a record; start a new datagram. */
#define DTLS_FLIGHT_MIN_FRAG	32

/**
 * dtls_flight_send - transmit a flight, sealed afresh
 * @fc: where and how: socket, keys, epoch-0 sequence, datagram size
 * @f: the flight
 *
 * Return: 0 or a negative errno (nothing is retried here: the timer
 * resends the whole flight).
 */
int dtls_flight_send(struct dtls_flight_ctx *fc, const struct dtls_flight *f)
{
	unsigned int mtu = fc->mtu, used = 0, i;
	int err = 0, n;
	u8 *buf;

	buf = kmalloc(mtu, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;

	for (i = 0; i < f->n && !err; i++) {
		const struct dtls_flight_msg *m = &f->msg[i];
		unsigned int ovh = dtls_flight_overhead(fc, m->epoch);
		unsigned int pt_off = dtls_flight_pt_off(fc, m->epoch);
		struct dtls_hs_hdr hh;
		u32 body, off = 0;

		if (m->type != DTLS_RECORD_TYPE_HANDSHAKE) {
			if (used + ovh + m->len > mtu) {
				err = dtls_send_hs_datagram(fc->ds, buf, used);
				used = 0;
			}
			memcpy(buf + used + pt_off, m->data, m->len);
			n = dtls_flight_record(fc, buf + used, m->type,
					       m->epoch, m->len);
			if (n < 0)
				err = n;
			else
				used += n;
			continue;
		}

		/* A handshake message: the header is rewritten per fragment. */
		dtls_hs_hdr_parse(m->data, m->len, &hh);
		body = m->len - DTLS_HS_HEADER_LEN;
		do {
			unsigned int room, frag;

			ovh = dtls_flight_overhead(fc, m->epoch) +
			      DTLS_HS_HEADER_LEN;
			if (used &&
			    (used + ovh > mtu ||
			     mtu - used - ovh < min_t(u32, body - off,
						      DTLS_FLIGHT_MIN_FRAG))) {
				err = dtls_send_hs_datagram(fc->ds, buf, used);
				used = 0;
				if (err)
					break;
			}
			room = mtu - used - ovh;
			frag = min_t(u32, room, body - off);
			hh.frag_off = off;
			hh.frag_len = frag;
			dtls_hs_hdr_build(buf + used + pt_off, &hh);
			memcpy(buf + used + pt_off + DTLS_HS_HEADER_LEN,
			       m->data + DTLS_HS_HEADER_LEN + off, frag);
			n = dtls_flight_record(fc, buf + used, m->type,
					       m->epoch,
					       DTLS_HS_HEADER_LEN + frag);
			if (n < 0) {
				err = n;
				break;
			}
			used += n;
			off += frag;
		} while (off < body);
	}
	if (!err && used)
		err = dtls_send_hs_datagram(fc->ds, buf, used);
	kfree(buf);
	return err;
}
