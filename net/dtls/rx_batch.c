// SPDX-License-Identifier: GPL-2.0
/*
 * Batches read whole: a reader that asked for batches (UDP_GRO, with room
 * for the control message) takes a coalesced datagram from UDP's queue as
 * it is and opens its records straight into its buffer.
 *
 * Why: for a socket with an encap_rcv, UDP cuts every coalesced datagram
 * into its datagrams before calling the hook (udp_unexpected_gso()), each
 * of which is then made linear, opened and queued as an skb of its own:
 * per 1200-byte record some 2,300 instructions that a batch read whole
 * does not cost (README, Performance).  So while such a reader reads, the
 * socket's encap_rcv is cleared and UDP queues batches whole, as for a
 * UDP_GRO reader of its own.
 *
 * When: RX keys installed, UDP_GRO set, and nothing needs the socket's
 * datagrams in softirq: no kernel handshake, no kept last flight (the
 * peer's Finished again must get it resent even if no one reads), not a
 * listener or a listener's session (theirs come through the listener's
 * hook).  Once gone, none of these comes back on a keyed socket; UDP_GRO
 * may, and the next read then sets encap_rcv again (dtls_rx_batch_leave()).
 *
 * What is read whole: application data records of the current epoch, one
 * a datagram, of the first one's length but the last, which may be
 * shorter, as many as the buffer holds (at most 64, as UDP_GRO gives).
 * From the first datagram that is not such on, the rest of the batch goes
 * the usual way, opened and queued on ds->rxq (dtls_rx_open_rest()) for
 * the next read.  A forged, replayed or malformed record costs only
 * itself.  What the record layer checks, the window, the counters and the
 * tracepoints are the same as in softirq.
 *
 * Contexts: process, the reader's.  encap_rcv changes under lock_sock(),
 * as close's detach and IPV6_ADDRFORM change it.  Readers need no lock
 * between them: each takes a datagram of its own from UDP's queue, and
 * the replay window has its lock.
 */

#include <crypto/aead.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/udp.h>
#include <net/sock.h>
#include <net/udp.h>

#include <uapi/linux/dtls.h>

#include "compat/compat.h"
#include "dtls.h"
#include "handshake.h"
#include "listen.h"
#include "trace.h"

#define DTLS_RX_BATCH_MAX	64	/* records a read: UDP's UDP_GRO_CNT_MAX */

/*
 * The longest datagram read whole: each record goes through a buffer of
 * this size.  Larger ones are opened the usual way, out of place.
 */
#define DTLS_RX_BATCH_DGRAM_MAX	4096

/*
 * A reader that can take a batch: UDP_GRO on, room for the record type's
 * and UDP's control messages, and not a peek (which leaves what it reads
 * where it is).
 */
bool dtls_rx_batch_reader(struct sock *sk, const struct msghdr *msg,
			  int flags)
{
	return !(flags & (MSG_PEEK | MSG_ERRQUEUE)) &&
	       msg->msg_controllen >= CMSG_SPACE(sizeof(u8)) +
				      CMSG_SPACE(sizeof(int)) &&
	       udp_test_bit(GRO_ENABLED, sk);
}

/* May UDP queue the socket's datagrams, batches whole? */
static bool dtls_rx_batch_wanted(struct sock *sk, struct dtls_sock *ds)
{
	return udp_test_bit(GRO_ENABLED, sk) &&
	       rcu_access_pointer(ds->keys.rx) &&
	       !rcu_access_pointer(ds->hs.engine) &&
	       !rcu_access_pointer(ds->final.flight) &&
	       !rcu_access_pointer(ds->listener) &&
	       READ_ONCE(ds->child.state) == DTLS_CHILD_NONE;
}

/*
 * UDP queues the datagrams (@on) or hands them to encap_rcv, as wanted
 * now.  Not on a socket close detached or IPV6_ADDRFORM took back.  What
 * UDP queued meanwhile is opened now, after our queue's records, when
 * encap_rcv takes them again.
 */
static void dtls_rx_batch_set(struct sock *sk, struct dtls_sock *ds, bool on)
{
	lock_sock(sk);
	if (ds->detached || !dtls_sock_still_ours(sk) ||
	    !READ_ONCE(udp_sk(sk)->encap_rcv) == on) {
		/* not ours, or so already */
	} else if (on) {
		if (dtls_rx_batch_wanted(sk, ds))
			WRITE_ONCE(udp_sk(sk)->encap_rcv, NULL);
	} else {
		/* What UDP holds first, then what came meanwhile. */
		__dtls_rx_open_queued(sk, ds, true);
		WRITE_ONCE(udp_sk(sk)->encap_rcv, dtls_encap_rcv);
		__dtls_rx_open_queued(sk, ds, true);
	}
	release_sock(sk);
}

/**
 * dtls_rx_batch_leave - datagrams to encap_rcv again
 * @sk: an attached socket
 * @ds: its state
 *
 * For a read that is not a batch reader's (but a peek), and UDP_GRO's
 * change: records are opened in softirq again, their counters move on
 * arrival, and a reader that does not take batches does not pay for
 * cutting them.  Context: process.
 */
void dtls_rx_batch_leave(struct sock *sk, struct dtls_sock *ds)
{
	if (!READ_ONCE(udp_sk(sk)->encap_rcv) && !READ_ONCE(ds->detached))
		dtls_rx_batch_set(sk, ds, false);
}

/* What one read holds. */
struct dtls_rx_batch {
	struct dtls_key		*key;		/* held: the current RX keys */
	struct dtls_aead	*aead;		/* held: AES */
	struct aead_request	*req;		/* AES */
	u8			*buf;		/* a record, then its plaintext */
	unsigned int		buf_len;
	bool			in_pages;	/* ChaCha20 opens from the skb */
	struct dtls_skb_pos	pos;		/* in the skb, read forward */
	unsigned int		seg;		/* the first plaintext's length */
	unsigned int		n;		/* records read */
	size_t			bytes;		/* their bytes */
	/* ChaCha20 into the reader's pages where they lie (iter_pin.c) */
	struct dtls_pin		pin;
};

/* What dtls_rx_batch_record() did with a record. */
enum {
	DTLS_RX_BATCH_READ,	/* into the buffer */
	DTLS_RX_BATCH_LAST,	/* likewise, and shorter: the batch ends */
	DTLS_RX_BATCH_SKIP,	/* dropped, counted */
	DTLS_RX_BATCH_STOP,	/* not for a batch: it and the rest go on */
};

static int dtls_rx_batch_start(struct dtls_sock *ds, struct dtls_rx_batch *b,
			       unsigned int dgram)
{
	struct dtls_key *k;

	rcu_read_lock();
	k = rcu_dereference(ds->keys.rx);
	if (k && !refcount_inc_not_zero(&k->refs))
		k = NULL;
	rcu_read_unlock();
	if (!k)
		return -ENOKEY;
	b->key = k;
	if (!k->cipher->lib) {
		b->aead = dtls_key_aead_make(k);
		if (IS_ERR(b->aead)) {
			b->aead = NULL;
			return -ENOMEM;
		}
		if (dtls_key_take_remade(k))
			dtls_sock_keys_remade(ds);
		b->req = aead_request_alloc(b->aead->tfm, GFP_KERNEL);
		if (!b->req)
			return -ENOMEM;
	}
	b->buf = kmalloc(dgram, GFP_KERNEL);
	if (!b->buf)
		return -ENOMEM;
	b->buf_len = dgram;
	return 0;
}

static void dtls_rx_batch_end(struct dtls_rx_batch *b)
{
	if (b->buf) {
		memzero_explicit(b->buf, b->buf_len);	/* plaintext */
		kfree(b->buf);
	}
	if (b->req)
		aead_request_free(b->req);		/* wiped */
	if (b->aead)
		dtls_aead_put(b->aead);
	if (b->key)
		dtls_key_put(b->key);
}

/* A record dropped: counted and traced as the softirq path does. */
static void dtls_rx_batch_drop(struct dtls_sock *ds, enum dtls_stat stat,
			       enum dtls_drop_reason why,
			       const struct dtls_record_hdr *h)
{
	dtls_stat_inc(ds, stat);
	trace_dtls_drop(ds, why, h->epoch, h->seq, h->length);
}

/*
 * Has @ds RX keys for @epoch: the previous ones, or new ones installed
 * since the batch took its own?
 */
static bool dtls_rx_batch_epoch_known(struct dtls_sock *ds, u16 epoch)
{
	struct dtls_key *k, *prev;
	bool known;

	rcu_read_lock();
	k = rcu_dereference(ds->keys.rx);
	prev = rcu_dereference(ds->keys.rx_prev);
	known = (k && k->epoch == epoch) || (prev && prev->epoch == epoch);
	rcu_read_unlock();
	return known;
}

/*
 * Open the ChaCha20 record of @pt_len bytes at @ct in @skb straight into
 * the reader's pages (iter_pin.c), pinning up to @want bytes of them.
 * Return: 0 or -EBADMSG if opened there, 1 if it must be copied, nothing
 * written.
 */
static int dtls_rx_batch_open_pinned(struct dtls_rx_batch *b,
				     struct sk_buff *skb, unsigned int ct,
				     unsigned int pt_len, const u8 *nonce,
				     const u8 *aad, struct msghdr *msg,
				     size_t want)
{
	if (!dtls_pin_room(&b->pin, &msg->msg_iter, pt_len, want, true))
		return 1;
	/* b->pin.off moves once the window took the record (accepted). */
	return dtls_chacha_open_skb_pages(b->key, nonce, aad, skb, ct, pt_len,
					  b->pin.pages, b->pin.off, &b->pos);
}

/*
 * Open the datagram of @n bytes at @off in @skb, if it is one record a
 * batch reads, into @msg, which has @room bytes left.
 * Return: DTLS_RX_BATCH_*, or -EFAULT (the record is lost, as UDP loses a
 * datagram it cannot copy).
 */
static int dtls_rx_batch_record(struct dtls_sock *ds, struct dtls_rx_batch *b,
				struct sk_buff *skb, unsigned int off,
				unsigned int n, struct msghdr *msg, size_t room)
{
	struct dtls_key *k = b->key;
	const struct dtls_cipher *c = k->cipher;
	u8 nonce[DTLS_MAX_NONCE], *aad, *pt;
	struct dtls_record_hdr h;
	unsigned int pt_len, head;
	DECLARE_CRYPTO_WAIT(wait);
	struct scatterlist sg;
	bool copy;
	int err;

	/* ChaCha20 from pages: only the header is copied, for the AAD. */
	head = b->in_pages ? DTLS_HEADER_LEN + c->explicit_len : n;
	if (n < DTLS_HEADER_LEN || n < head ||
	    dtls_skb_read(skb, &b->pos, off, b->buf, head))
		return DTLS_RX_BATCH_STOP;
	/*
	 * Not one record of application data of the current epoch (another
	 * type, several records, the previous epoch, not DTLS): that and
	 * the rest the usual way, which reads them as messages of their own.
	 * What it would drop, dropped here.
	 */
	if (dtls_record_parse(b->buf, n, &h) ||
	    DTLS_HEADER_LEN + h.length != n ||
	    h.type != DTLS_RECORD_TYPE_DATA)
		return DTLS_RX_BATCH_STOP;
	if (h.version != DTLS_1_2_VERSION) {
		dtls_rx_batch_drop(ds, DTLS_STAT_RX_MALFORMED,
				   DTLS_DROP_MALFORMED, &h);
		return DTLS_RX_BATCH_SKIP;
	}
	if (h.epoch != k->epoch) {
		if (dtls_rx_batch_epoch_known(ds, h.epoch))
			return DTLS_RX_BATCH_STOP;
		dtls_rx_batch_drop(ds, DTLS_STAT_RX_BAD_EPOCH,
				   DTLS_DROP_BAD_EPOCH, &h);
		return DTLS_RX_BATCH_SKIP;
	}
	aad = dtls_record_open_prepare(k, b->buf, &h, nonce, &pt_len);
	if (!aad) {
		dtls_rx_batch_drop(ds, DTLS_STAT_RX_MALFORMED,
				   DTLS_DROP_MALFORMED, &h);
		return DTLS_RX_BATCH_SKIP;
	}
	if (!pt_len || pt_len > room || (b->n && pt_len > b->seg)) {
		memzero_explicit(nonce, sizeof(nonce));
		return DTLS_RX_BATCH_STOP;
	}
	if (!dtls_record_replay_fresh(k, h.seq)) {
		memzero_explicit(nonce, sizeof(nonce));
		dtls_rx_batch_drop(ds, DTLS_STAT_RX_REPLAY,
				   DTLS_DROP_REPLAY, &h);
		return DTLS_RX_BATCH_SKIP;
	}

	pt = aad + DTLS_AAD_LEN;
	copy = true;
	if (b->in_pages) {
		/* Into the reader's pages: as many as this datagram may fill. */
		err = dtls_rx_batch_open_pinned(b, skb, off + (pt - b->buf),
						pt_len, nonce, aad, msg,
						min_t(size_t, room,
						      skb->len - off));
		copy = err > 0;
		if (copy)
			err = dtls_chacha_open_skb(k, nonce, aad, skb,
						   off + (pt - b->buf),
						   pt_len, pt);
	} else if (c->lib) {
		err = dtls_chacha_open(k, nonce, aad, pt, pt_len);
	} else {
		dtls_record_open_req(b->req, &sg, k, b->aead->tfm, aad, nonce,
				     pt_len);
		aead_request_set_callback(b->req, CRYPTO_TFM_REQ_MAY_BACKLOG |
					  CRYPTO_TFM_REQ_MAY_SLEEP,
					  crypto_req_done, &wait);
		err = crypto_wait_req(crypto_aead_decrypt(b->req), &wait);
	}
	memzero_explicit(nonce, sizeof(nonce));
	if (err) {
		if (err == -EBADMSG)
			dtls_rx_batch_drop(ds, DTLS_STAT_RX_AUTH_FAIL,
					   DTLS_DROP_AUTH_FAIL, &h);
		else
			dtls_rx_batch_drop(ds, DTLS_STAT_RX_DROPPED,
					   DTLS_DROP_CRYPTO, &h);
		return DTLS_RX_BATCH_SKIP;
	}
	/* Only now, authenticated, may the record move the window. */
	if (!dtls_record_replay_accept(k, h.seq)) {	/* a copy won */
		dtls_rx_batch_drop(ds, DTLS_STAT_RX_REPLAY,
				   DTLS_DROP_REPLAY, &h);
		return DTLS_RX_BATCH_SKIP;
	}
	dtls_key_used(k);
	dtls_stat_inc(ds, DTLS_STAT_RX_RECORDS);
	dtls_stat_add(ds, DTLS_STAT_RX_BYTES, pt_len);
	if (!copy) {
		b->pin.off += pt_len;
	} else {
		/* After what went into pinned pages, and only then. */
		dtls_pin_release(&b->pin, &msg->msg_iter, true);
		if (copy_to_iter(pt, pt_len, &msg->msg_iter) != pt_len)
			return -EFAULT;
	}
	if (!b->n)
		b->seg = pt_len;
	b->n++;
	b->bytes += pt_len;
	return pt_len < b->seg ? DTLS_RX_BATCH_LAST : DTLS_RX_BATCH_READ;
}

/* The size of @skb's datagrams: its segments', or its own. */
static unsigned int dtls_rx_batch_dgram(const struct sk_buff *skb)
{
	return skb_is_gso(skb) && skb_shinfo(skb)->gso_size ?
	       skb_shinfo(skb)->gso_size : skb->len;
}

/*
 * A datagram of UDP's queue, its checksum checked, or NULL with UDP's
 * error (-EAGAIN if there is none).  @more: one that continues a batch,
 * which leaves the socket's error to the next read.
 */
static struct sk_buff *dtls_rx_batch_take(struct sock *sk,
					  struct dtls_sock *ds, bool more,
					  int *err)
{
	struct sk_buff *skb;
	int peek = 0;

	for (;;) {
		*err = -EAGAIN;
		if (more && (READ_ONCE(sk->sk_err) || !dtls_udp_queued(sk)))
			return NULL;
		skb = __skb_recv_udp(sk, MSG_DONTWAIT, &peek, err);
		if (!skb) {
			/* Come since: the next read's (icmp.c). */
			if (more && *err != -EAGAIN &&
			    !cmpxchg(&sk->sk_err, 0, -*err))
				sk_error_report(sk);
			return NULL;
		}
		/* skb_consume_udp(), which 7.x does not export. */
		sk_peek_offset_bwd(sk, skb->len);
		if (udp_skb_csum_unnecessary(skb) ||
		    !__udp_lib_checksum_complete(skb)) {
			dtls_rx_udp_mib_add(sock_net(sk), skb,
					    UDP_MIB_INDATAGRAMS,
					    skb_is_gso(skb) ?
					    skb_shinfo(skb)->gso_segs : 1);
			return skb;
		}
		/* As udp_recvmsg() counts a checksum error. */
		dtls_rx_udp_mib_add(sock_net(sk), skb, UDP_MIB_CSUMERRORS, 1);
		dtls_rx_udp_mib_add(sock_net(sk), skb, UDP_MIB_INERRORS, 1);
		dtls_sk_drops_add(sk, 1);
		dtls_stat_inc(ds, DTLS_STAT_RX_DROPPED);
		trace_dtls_drop(ds, DTLS_DROP_CSUM, 0, 0, skb->len);
		kfree_skb(skb);
	}
}

/*
 * Read what a batch may of @skb into @msg (@len bytes in all); the rest
 * the usual way.  Return: true if the batch may go on into the next
 * datagram (all of @skb read, the last record of the batch's length, room
 * left), or false; *@err set to -EFAULT if the copy failed.
 */
static bool dtls_rx_batch_datagram(struct dtls_sock *ds,
				   struct dtls_rx_batch *b,
				   struct sk_buff *skb, struct msghdr *msg,
				   size_t len, int *err)
{
	unsigned int dgram = dtls_rx_batch_dgram(skb), off = 0, n;
	int ret = DTLS_RX_BATCH_STOP;

	if (!skb->len || dgram > b->buf_len)
		goto rest;
	/* Pages no one else writes are read twice, MAC then data. */
	b->in_pages = !IS_ENABLED(CONFIG_HIGHMEM) && b->key->cipher->lib &&
		      dtls_rx_pages_private(skb);
	b->pos.skb = NULL;	/* another skb may have had its address */
	for (; off < skb->len; off += n) {
		if (b->n == DTLS_RX_BATCH_MAX) {
			ret = DTLS_RX_BATCH_STOP;
			break;
		}
		n = min(dgram, skb->len - off);
		ret = dtls_rx_batch_record(ds, b, skb, off, n, msg,
					   len - b->bytes);
		if (ret == DTLS_RX_BATCH_STOP)
			break;
		if (ret == DTLS_RX_BATCH_LAST || ret < 0) {
			off += n;
			break;
		}
	}
	if (ret < 0)
		*err = ret;
rest:
	if (off < skb->len) {
		dtls_rx_open_rest(ds, skb, off);
		return false;
	}
	return ret != DTLS_RX_BATCH_LAST && ret >= 0 && b->n &&
	       b->n < DTLS_RX_BATCH_MAX && len - b->bytes >= b->seg;
}

/**
 * dtls_rx_batch_read - read a batch from UDP's queue, for a batch reader
 * @sk: an attached socket
 * @ds: its state
 * @msg: the reader's, dtls_rx_batch_reader()
 * @len: its buffer's size
 * @skbp: the first datagram read from, for the control messages (the
 *	  caller consumes it)
 * @seg: the records' length (the last may be shorter) if more than one
 *	 was read, else 0
 *
 * Records of one length go on from one datagram of UDP's into the next,
 * as from one record to the next in ds->rxq (recv.c).
 * Return: the bytes read (@seg and *@skbp set); 0 if none was read of a
 * datagram (look again); -ENOENT if the usual way must read (records
 * queued, or no batches for this socket); -EAGAIN if UDP holds nothing;
 * or UDP's error (the socket's, ICMP), or -EFAULT.
 */
int dtls_rx_batch_read(struct sock *sk, struct dtls_sock *ds,
		       struct msghdr *msg, size_t len, struct sk_buff **skbp,
		       unsigned int *seg)
{
	struct dtls_rx_batch b = {};
	struct sk_buff *first, *skb;
	int err = 0;
	bool more;

	if (READ_ONCE(udp_sk(sk)->encap_rcv)) {
		if (!dtls_rx_batch_wanted(sk, ds))
			return -ENOENT;
		dtls_rx_batch_set(sk, ds, true);
		if (READ_ONCE(udp_sk(sk)->encap_rcv))
			return -ENOENT;
	} else if (!dtls_rx_batch_wanted(sk, ds)) {
		dtls_rx_batch_leave(sk, ds);
		return -ENOENT;
	}
	/* What encap_rcv queued before is older: read first. */
	if (!skb_queue_empty_lockless(&ds->rxq))
		return -ENOENT;

	first = dtls_rx_batch_take(sk, ds, false, &err);
	if (!first)
		return err;
	if (first->len &&
	    dtls_rx_batch_dgram(first) <= DTLS_RX_BATCH_DGRAM_MAX &&
	    !dtls_rx_batch_start(ds, &b, dtls_rx_batch_dgram(first))) {
		skb = first;
		do {
			more = dtls_rx_batch_datagram(ds, &b, skb, msg, len,
						      &err);
			if (skb != first)
				consume_skb(skb);
		} while (more && (skb = dtls_rx_batch_take(sk, ds, true,
							   &err)));
	} else {
		dtls_rx_open_rest(ds, first, 0);
	}
	dtls_pin_release(&b.pin, &msg->msg_iter, true);
	dtls_rx_batch_end(&b);
	if (b.n)
		dtls_net_stat_add(sock_net(sk), DTLS_STAT_RX_BATCHED, b.n);
	/* A copy that failed after others: theirs, as UDP's partial read. */
	if (!b.n) {
		consume_skb(first);
		return err == -EFAULT ? err : 0;
	}
	*skbp = first;
	*seg = b.n > 1 ? b.seg : 0;
	return b.bytes;
}
