// SPDX-License-Identifier: GPL-2.0
/*
 * Sending: each sendmsg() is sealed into one record in one datagram.
 *
 * Context: process (the socket's sendmsg), may sleep.  Concurrent senders
 * are fine: each takes its own sequence number with an atomic increment
 * and its own reference on the TX keys, so a re-key in between only
 * means the record goes out under the keys it started with.
 *
 * Every way into an attached socket's send path ends here: send(),
 * sendmsg(), sendmmsg(), io_uring, and sendfile()/splice() (6.5 and later
 * pass MSG_SPLICE_PAGES to sendmsg; before, sock_no_sendpage() calls it,
 * as sock.c leaves the proto without a sendpage).  The caller's msghdr is
 * never handed to UDP: UDP gets a message of its own over the sealed
 * record, with only the caller's destination, control messages and the
 * flags below.
 */

#include <linux/slab.h>
#include <linux/uio.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include <uapi/linux/dtls.h>

#include "dtls.h"
#include "handshake.h"

#ifndef ITER_SOURCE
#define ITER_SOURCE WRITE	/* before 6.2 the direction was WRITE */
#endif

/* Flags UDP gets from a keyed send; they change how, not what, it sends. */
#define DTLS_TX_UDP_FLAGS	(MSG_DONTWAIT | MSG_CONFIRM | MSG_DONTROUTE | \
				 MSG_NOSIGNAL | MSG_CMSG_COMPAT)

#ifndef MSG_SENDPAGE_NOTLAST
#define MSG_SENDPAGE_NOTLAST	0
#endif
#ifndef MSG_SPLICE_PAGES
#define MSG_SPLICE_PAGES	0
#endif
/*
 * Flags accepted and dropped.  A record is sealed into memory of ours,
 * so the pages of a splice are copied like any other data, and every
 * record is a datagram of its own: MSG_MORE would cork UDP and let the
 * kernel's own flights (a resent last flight) land in the caller's
 * datagram.
 */
#define DTLS_TX_IGNORED_FLAGS	(MSG_MORE | MSG_EOR | MSG_WAITALL | MSG_BATCH | \
				 MSG_SPLICE_PAGES | MSG_SENDPAGE_NOTLAST | \
				 MSG_SENDPAGE_NOPOLICY | MSG_SENDPAGE_DECRYPTED)

/*
 * Anything else (MSG_ZEROCOPY, io_uring's zero-copy sends, MSG_OOB,
 * MSG_PROBE...) asks for something a sealed copy cannot honour: refuse,
 * as kTLS does, rather than pretend.
 */
static int dtls_tx_check_flags(const struct msghdr *msg)
{
	if (msg->msg_flags & ~(DTLS_TX_UDP_FLAGS | DTLS_TX_IGNORED_FLAGS))
		return -EOPNOTSUPP;
	if (msg->msg_ubuf)
		return -EOPNOTSUPP;
	return 0;
}

/*
 * Keys belong to one peer: a destination, if given, must be it.  The
 * socket is connected (keys need it); only the family's own address form
 * is taken, so no v4-mapped or AF_UNSPEC detour is left to check.
 */
static int dtls_tx_check_dest(struct sock *sk, const struct msghdr *msg)
{
	const struct inet_sock *inet = inet_sk(sk);

	if (!msg->msg_name)
		return 0;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = msg->msg_name;

		if (msg->msg_namelen < SIN6_LEN_RFC2133 ||
		    sin6->sin6_family != AF_INET6 ||
		    sin6->sin6_port != inet->inet_dport ||
		    !ipv6_addr_equal(&sin6->sin6_addr, &sk->sk_v6_daddr))
			return -EISCONN;
		/* fe80::1 on another link is another host. */
		if (msg->msg_namelen >= sizeof(*sin6) && sin6->sin6_scope_id &&
		    __ipv6_addr_needs_scope_id(ipv6_addr_type(&sin6->sin6_addr)) &&
		    sin6->sin6_scope_id != READ_ONCE(sk->sk_bound_dev_if))
			return -EISCONN;
		return 0;
	}
#endif
	{
		const struct sockaddr_in *sin = msg->msg_name;

		if (msg->msg_namelen < sizeof(*sin) ||
		    sin->sin_family != AF_INET ||
		    sin->sin_port != inet->inet_dport ||
		    sin->sin_addr.s_addr != inet->inet_daddr)
			return -EISCONN;
	}
	return 0;
}

/*
 * The content type asked for with DTLS_SET_RECORD_TYPE, or data; or
 * DTLS_RECORD_NOT_DTLS for DTLS_SET_NOT_DTLS.  UDP's own UDP_SEGMENT
 * would cut the sealed record into pieces: refused.  Every control
 * message is read before the verdict, so that a refused one next to
 * DTLS_SET_NOT_DTLS fails at once rather than wait for the keys.
 */
static int dtls_tx_cmsgs(struct msghdr *msg, u8 *type)
{
	struct cmsghdr *cmsg;
	bool typed = false;
	int err = 0;

	*type = DTLS_RECORD_TYPE_DATA;
	if (!msg->msg_controllen)
		return 0;
	/* sendmsg() and io_uring copy control data in before the proto. */
	if (WARN_ON_ONCE(msg->msg_control_is_user))
		return -EINVAL;
	for_each_cmsghdr(cmsg, msg) {
		if (!CMSG_OK(msg, cmsg))
			return -EINVAL;
		if (cmsg->cmsg_level == SOL_UDP)
			err = err ?: -EOPNOTSUPP;
		if (cmsg->cmsg_level != SOL_DTLS)
			continue;
		if (cmsg->cmsg_type == DTLS_SET_NOT_DTLS &&
		    cmsg->cmsg_len == CMSG_LEN(0) && !typed) {
			*type = DTLS_RECORD_NOT_DTLS;
			typed = true;
			continue;
		}
		if (cmsg->cmsg_type != DTLS_SET_RECORD_TYPE ||
		    cmsg->cmsg_len != CMSG_LEN(sizeof(u8)) || typed)
			return -EINVAL;
		*type = *(u8 *)CMSG_DATA(cmsg);
		typed = true;
		if (*type < DTLS_RECORD_TYPE_CHANGE_CIPHER_SPEC ||
		    *type > DTLS_RECORD_TYPE_DATA)
			return -EINVAL;
	}
	return err;
}

/*
 * Hand UDP @len bytes of ours at @buf as one datagram, with only the
 * caller's destination, control messages and DTLS_TX_UDP_FLAGS.
 */
static int dtls_tx_udp(struct sock *sk, const struct msghdr *msg, void *buf,
		       size_t len)
{
	struct msghdr kmsg = {
		.msg_name = msg->msg_name,
		.msg_namelen = msg->msg_namelen,
		.msg_control = msg->msg_control,
		.msg_controllen = msg->msg_controllen,
		.msg_flags = msg->msg_flags & DTLS_TX_UDP_FLAGS,
	};
	struct kvec kv = { .iov_base = buf, .iov_len = len };

	iov_iter_kvec(&kmsg.msg_iter, ITER_SOURCE, &kv, 1, len);
	return dtls_sk(sk)->base_prot->sendmsg(sk, &kmsg, len);
}

static int dtls_send_record(struct sock *sk, struct dtls_key *k,
			    struct msghdr *msg, size_t len, u8 type)
{
	struct dtls_sock *ds = dtls_sk(sk);
	const struct dtls_cipher *c = k->cipher;
	unsigned int pt_off = DTLS_HEADER_LEN + c->explicit_len;
	unsigned int total = len + dtls_cipher_overhead(c);
	u8 *buf;
	int err;

	buf = kmalloc(total, sk->sk_allocation);
	if (!buf)
		return -ENOMEM;
	if (!copy_from_iter_full(buf + pt_off, len, &msg->msg_iter)) {
		err = -EFAULT;
		goto out;
	}
	err = dtls_seal_record(k, buf, type, len);
	dtls_tx_key_sealed(ds, k);
	if (err < 0)
		goto out;

	err = dtls_tx_udp(sk, msg, buf, total);
	if (err >= 0) {
		dtls_stat_inc(ds, DTLS_STAT_TX_RECORDS);
		dtls_stat_add(ds, DTLS_STAT_TX_BYTES, len);
		err = len;
	}
out:
	kfree(buf);
	return err;
}

/*
 * RFC 7983 multiplexing on the sending side: a datagram the caller marks
 * with DTLS_SET_NOT_DTLS (STUN, TURN, SRTP of a WebRTC session on the DTLS
 * port) leaves as it is, in every state, the kernel's handshake running
 * included.  It is copied in first and its first byte checked there, so
 * that what leaves can never pass for a DTLS record, even if the caller
 * rewrites its buffer meanwhile.  Like a record it is a datagram of its
 * own: no cork, no GSO.
 */
static int dtls_send_not_dtls(struct sock *sk, struct msghdr *msg,
			      size_t len)
{
	void *buf;
	int err;

	err = dtls_tx_check_flags(msg);
	if (err)
		return err;
	if (!len || len > U16_MAX)	/* UDP's own bound is a little less */
		return len ? -EMSGSIZE : -EINVAL;
	if (dtls_udp_batching(sk))
		return -EBUSY;
	buf = kvmalloc(len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	err = -EFAULT;
	if (!copy_from_iter_full(buf, len, &msg->msg_iter))
		goto out;
	err = -EINVAL;
	if (dtls_first_byte_is_dtls(*(u8 *)buf))
		goto out;
	err = dtls_tx_udp(sk, msg, buf, len);
out:
	kvfree(buf);
	return err;
}

int dtls_sk_sendmsg(struct sock *sk, struct msghdr *msg, size_t len)
{
	struct dtls_sock *ds = dtls_sk(sk);
	struct dtls_key *k;
	int cmsg_err;
	u8 type;
	int err;

	/* A record is a datagram of its own, keyed or not (see above). */
	msg->msg_flags &= ~MSG_MORE;

	/* A session whose listener closed: nothing will reach it again. */
	if (unlikely(READ_ONCE(ds->child.orphaned)))
		return -EPIPE;

	cmsg_err = dtls_tx_cmsgs(msg, &type);
	if (type == DTLS_RECORD_NOT_DTLS)
		return cmsg_err ?: dtls_send_not_dtls(sk, msg, len);

	/* A socket of the kernel's handshake sends once it is established. */
	if (unlikely(dtls_hs_blocks(READ_ONCE(ds->hs.state)))) {
		long timeo = sock_sndtimeo(sk, msg->msg_flags & MSG_DONTWAIT);

		/* A refused control message fails now, not at the end. */
		if (cmsg_err)
			return cmsg_err;

		err = dtls_hs_wait(sk, ds, &timeo, false);
		if (err)
			return err;
	}

	k = dtls_tx_key_get(ds);
	if (!k) {
		/* Never plaintext on a socket whose handshake the kernel ran. */
		if (READ_ONCE(ds->hs.state) >= DTLS_HS_STATE_RUNNING)
			return -ENOTCONN;
		return ds->base_prot->sendmsg(sk, msg, len);	/* plain UDP */
	}

	/*
	 * A splice hands over up to a pipe's worth (64 KiB) at once: seal
	 * the first 2^14 bytes as a record and let splice come back for the
	 * rest, as it does after any short send.
	 */
	if ((msg->msg_flags & MSG_SPLICE_PAGES) && len > DTLS_MAX_PLAINTEXT)
		len = DTLS_MAX_PLAINTEXT;
	err = dtls_tx_check_flags(msg);
	if (!err)
		err = dtls_tx_check_dest(sk, msg);
	if (!err)
		err = cmsg_err;
	if (!err && len > DTLS_MAX_PLAINTEXT)
		err = -EMSGSIZE;
	if (!err && unlikely(dtls_udp_batching(sk)))
		err = -EBUSY;
	if (!err)
		err = dtls_send_record(sk, k, msg, len, type);
	dtls_key_put(k);
	return err;
}

/* An alert record: header, explicit nonce, level and description, tag. */
#define DTLS_TX_ALERT_MAX	(DTLS_HEADER_LEN + 8 + 2 + 16)

/**
 * dtls_tx_close_notify - tell the peer the session ends
 * @ds: a connected socket; nothing happens without TX keys
 *
 * A warning-level close_notify alert, sealed, sent once.  The record is
 * on the heap: a scatterlist may not point into a virtually mapped stack.
 * Context: process (close).
 */
void dtls_tx_close_notify(struct dtls_sock *ds)
{
	struct dtls_key *k = dtls_tx_key_get(ds);
	unsigned int off;
	u8 *rec;
	int n;

	if (!k)
		return;
	rec = kzalloc(DTLS_TX_ALERT_MAX, GFP_KERNEL);
	if (rec) {
		off = DTLS_HEADER_LEN + k->cipher->explicit_len;
		rec[off] = 1;		/* warning */
		rec[off + 1] = 0;	/* close_notify */
		n = dtls_seal_record(k, rec, DTLS_RECORD_TYPE_ALERT, 2);
		if (n > 0 && !dtls_send_datagram(ds, rec, n, NULL))
			dtls_stat_inc(ds, DTLS_STAT_TX_RECORDS);
		kfree(rec);
	}
	dtls_key_put(k);
}
