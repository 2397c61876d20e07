// SPDX-License-Identifier: GPL-2.0
/*
 * Receiving: records are opened in the UDP receive path, before anything
 * is queued, so that recvmsg() only returns authenticated plaintext and
 * poll() only reports authenticated records.  (A batch reader's socket
 * has UDP queue its datagrams and opens them as it reads: rx_batch.c.)
 *
 * Contexts:
 *  - dtls_encap_rcv() runs in softirq under rcu_read_lock(), for every
 *    datagram UDP delivers to the socket.  Keys are read under RCU.
 *  - A decryption that the crypto API completes asynchronously finishes
 *    in dtls_rx_done(), called back by the crypto driver with BHs disabled
 *    (softirq, or process context under local_bh_disable() as cryptd
 *    does); it holds references on the socket state, key and socket.
 *  - A record whose keys' transform went for idleness is opened by
 *    dtls_rx_wake_all() on dtls_wq, under local_bh_disable() and
 *    rcu_read_lock(), with references on the socket state, key and socket.
 *
 * Queue: authenticated records wait in dtls_sock.rxq (its lock, BH-safe),
 * charged like UDP's own queue (dtls_rx_charge(): sk_rmem_alloc against
 * sk_rcvbuf, pages to the memory cgroup and udp_mem), for the reader
 * (recv.c).  Close sets dtls_sock.detached under that lock, so
 * no completion queues to a socket that is going away.  Datagrams queued
 * by UDP before RX keys were installed stay in UDP's queue and are read
 * first.
 */

#include <linux/filter.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/udp.h>

#include <uapi/linux/dtls.h>

#include "compat/compat.h"
#include "dtls.h"
#include "handshake.h"
#include "trace.h"

/*
 * Records in pages up to this size are made linear to be opened in place;
 * larger ones are opened into a buffer of their own (dtls_rx_plain_skb()).
 * Linearising costs a zeroed buffer and a copy, about twice the record's
 * length in instructions; opening out of place some 4,000 more than in
 * place (the crypto API walks both lists): measured with 1200-byte records
 * in GRO batches, 1,500 more out of place; 16000-byte ones, 38,000 fewer.
 */
#define DTLS_RX_COPY_MAX	2048

/* The longest explicit nonce of our ciphers (AES-GCM's and AES-CCM's). */
#define DTLS_RX_EXPLICIT_MAX	8

/* One record being opened; the crypto request's context follows it. */
struct dtls_rx_req {
	size_t			size;	/* allocated, for dtls_rx_req_get() */
	struct dtls_sock	*ds;
	struct dtls_key		*key;
	struct dtls_aead	*aead;	/* its transform, held */
	struct sk_buff		*skb;
	struct dtls_record_hdr	hdr;
	u16			pt_len;
	u8			nonce[DTLS_MAX_NONCE];
	/*
	 * A record in pages is opened from @src, the datagram, into @skb, a
	 * linear copy of its headers (dtls_rx_plain_skb()): @sgl (after
	 * @req) walks @src, @sg is the plaintext.  Otherwise @src is NULL
	 * and @sg the record in @skb, opened in place.
	 */
	struct sk_buff		*src;
	struct scatterlist	*sgl;
	struct scatterlist	sg;
	struct aead_request	req;	/* last: variable size */
};

/*
 * Memory for what waits in our queue is charged as UDP charges its own
 * queue: to the socket's memory cgroup and to UDP's protocol-wide count
 * (net.ipv4.udp_mem), in whole pages, through sk_forward_alloc, the
 * pool of pages charged and not yet used that UDP keeps under its
 * receive queue's lock (its enqueue, udp_rmem_release()).  The pool is
 * shared with UDP's: each takes from it and gives back what it took, so
 * UDP's destructor finds it whole pages and returns them.
 * Context: BHs off or on, not under sk_receive_queue.lock.
 */
static bool dtls_rx_mem_charge(struct sock *sk, int size)
{
	struct sk_buff_head *q = &sk->sk_receive_queue;
	bool ok = true;

	spin_lock_bh(&q->lock);
	if (size > sk->sk_forward_alloc)
		ok = __sk_mem_schedule(sk, size - sk->sk_forward_alloc,
				       SK_MEM_RECV);
	if (ok)
		WRITE_ONCE(sk->sk_forward_alloc, sk->sk_forward_alloc - size);
	spin_unlock_bh(&q->lock);
	return ok;
}

/* Back to the pool, and its whole pages but one back to the limits. */
static void dtls_rx_mem_uncharge(struct sock *sk, int size)
{
	struct sk_buff_head *q = &sk->sk_receive_queue;
	int amt;

	spin_lock_bh(&q->lock);
	WRITE_ONCE(sk->sk_forward_alloc, sk->sk_forward_alloc + size);
	amt = (sk->sk_forward_alloc - 1) & ~(PAGE_SIZE - 1);
	if (amt > 0)
		__sk_mem_reclaim(sk, amt);
	spin_unlock_bh(&q->lock);
}

static void dtls_rx_skb_destructor(struct sk_buff *skb)
{
	atomic_sub(skb->truesize, &skb->sk->sk_rmem_alloc);
	dtls_rx_mem_uncharge(skb->sk, skb->truesize);
}

static void dtls_rx_mem_destructor(struct sk_buff *skb)
{
	dtls_rx_mem_uncharge(skb->sk, skb->truesize);
}

/**
 * dtls_rx_charge_mem - charge a datagram to the socket's memory only
 * @sk: the socket
 * @skb: the datagram, orphaned
 *
 * To the memory cgroup and udp_mem as dtls_rx_charge() does, not to
 * sk_rcvbuf: for a queue with bounds of its own (the handshake's).
 * Uncharged when freed or orphaned, which must come before its truesize
 * changes (skb_linearize_cow() may change it) and before @sk goes.
 * Context: BHs off or on, not under sk_receive_queue.lock.
 * Return: 0 or -ENOBUFS (a memory limit).
 */
int dtls_rx_charge_mem(struct sock *sk, struct sk_buff *skb)
{
	if (!dtls_rx_mem_charge(sk, skb->truesize))
		return -ENOBUFS;
	skb->sk = sk;
	skb->destructor = dtls_rx_mem_destructor;
	return 0;
}

/*
 * Charge @skb, orphaned, to @sk's receive buffer and memory, as UDP
 * would (__udp_enqueue_schedule_skb()): past sk_rcvbuf only into a
 * queue that is not over it already, so that a datagram larger than a
 * small buffer still gets through.  Uncharged when it is freed.
 * Return: 0, -ENOMEM (the buffer is full) or -ENOBUFS (a memory limit).
 */
static int dtls_rx_charge(struct sock *sk, struct sk_buff *skb)
{
	unsigned int rmem = atomic_read(&sk->sk_rmem_alloc);
	unsigned int rcvbuf = READ_ONCE(sk->sk_rcvbuf);
	unsigned int size = skb->truesize;

	if (rmem + size > rcvbuf && (rcvbuf > INT_MAX >> 1 || rmem > rcvbuf))
		return -ENOMEM;
	if (!dtls_rx_mem_charge(sk, size))
		return -ENOBUFS;
	atomic_add(size, &sk->sk_rmem_alloc);
	skb->sk = sk;
	skb->destructor = dtls_rx_skb_destructor;
	return 0;
}

/*
 * Queue @skb (its data: the payload) for recvmsg, or drop it if full.
 * @early: a private list to collect on instead of the socket's queue (see
 * dtls_rx_open_queued()), or NULL.
 * The counters move before the wakeup: a reader that got the record and
 * then asks for them must see it counted.
 */
static void dtls_rx_queue(struct dtls_sock *ds, struct sk_buff *skb, u8 type,
			  struct sk_buff_head *early)
{
	unsigned int len = skb->len;
	struct sock *sk = ds->sk;
	int err;

	skb_orphan(skb);
	skb_dst_drop(skb);
	/* No reference on the device is held: as UDP, forget it. */
	skb->dev = NULL;
	DTLS_RX_CB(skb)->type = type;
	/* SO_RXQ_OVFL reads it; UDP's own enqueue never ran to set it. */
	sock_skb_set_dropcount(sk, skb);

	err = dtls_rx_charge(sk, skb);
	if (err) {
		if (!READ_ONCE(ds->detached)) {
			dtls_sk_drops_add(sk, 1);
			dtls_stat_inc(ds, DTLS_STAT_RX_DROPPED);
			trace_dtls_drop(ds, err == -ENOBUFS ? DTLS_DROP_NOMEM :
							      DTLS_DROP_RCVBUF,
					0, 0, skb->len);
		}
		kfree_skb(skb);
		return;
	}
	spin_lock_bh(&ds->rxq.lock);
	if (ds->detached) {
		spin_unlock_bh(&ds->rxq.lock);
		kfree_skb(skb);
		return;
	}
	if (type == DTLS_RECORD_NOT_DTLS) {
		dtls_stat_inc(ds, DTLS_STAT_RX_NOT_DTLS);
	} else {
		dtls_stat_inc(ds, DTLS_STAT_RX_RECORDS);
		dtls_stat_add(ds, DTLS_STAT_RX_BYTES, len);
	}
	if (early) {
		spin_unlock_bh(&ds->rxq.lock);
		__skb_queue_tail(early, skb);
		return;
	}
	__skb_queue_tail(&ds->rxq, skb);
	/* Under the lock: close cannot free the socket meanwhile. */
	sk->sk_data_ready(sk);
	spin_unlock_bh(&ds->rxq.lock);
}

/*
 * The record authenticated or failed (@err): account, update, queue (on
 * @early if not NULL, see dtls_rx_queue()).  Consumes @skb.  The caller
 * keeps @ds and @k alive (references, or the RCU read side).
 */
static void dtls_rx_accept(struct dtls_sock *ds, struct dtls_key *k,
			   struct sk_buff *skb, const struct dtls_record_hdr *h,
			   unsigned int pt_len, int err,
			   struct sk_buff_head *early)
{
	const struct dtls_cipher *c = k->cipher;

	if (err) {
		dtls_stat_inc(ds, err == -EBADMSG ? DTLS_STAT_RX_AUTH_FAIL :
						    DTLS_STAT_RX_DROPPED);
		trace_dtls_drop(ds, err == -EBADMSG ? DTLS_DROP_AUTH_FAIL :
						      DTLS_DROP_CRYPTO,
				h->epoch, h->seq, h->length);
		kfree_skb(skb);
		return;
	}

	/* Only now, authenticated, may the record move the window. */
	if (!dtls_record_replay_accept(k, h->seq)) {	/* a copy won */
		dtls_stat_inc(ds, DTLS_STAT_RX_REPLAY);
		trace_dtls_drop(ds, DTLS_DROP_REPLAY, h->epoch, h->seq,
				h->length);
		kfree_skb(skb);
		return;
	}
	dtls_key_used(k);

	__skb_pull(skb, DTLS_HEADER_LEN + c->explicit_len);
	__skb_trim(skb, pt_len);
	skb->ip_summed = CHECKSUM_NONE;
	/*
	 * After a kernel handshake: the peer's Finished again asks for the
	 * kept last flight, its first data record drops it (final.c).  The
	 * application never sees handshake records.
	 */
	if (unlikely(READ_ONCE(ds->hs.state)) &&
	    dtls_final_rx(ds, h->type, skb->data, skb->len)) {
		consume_skb(skb);
		return;
	}
	dtls_rx_queue(ds, skb, h->type, early);
}

/*
 * A request of at least @size bytes.  The socket keeps the last one of a
 * record opened in place (dtls_sock.rx_spare, a few hundred bytes) for
 * the next: its kmalloc(), which init_on_alloc zeroes, and kfree() were
 * some 400 instructions of a 1200-byte record.  Taken and given back by
 * xchg() and cmpxchg(): the softirqs of several CPUs and asynchronous
 * completions may race for it, and a record opened while the spare is out
 * gets a request of its own.  Freed when the socket's transforms go for
 * idleness (sockopt.c) and with the socket.
 * Context: any; the caller holds @ds or the RCU read side.
 */
static struct dtls_rx_req *dtls_rx_req_get(struct dtls_sock *ds, size_t size)
{
	struct dtls_rx_req *rr = xchg(&ds->rx_spare, NULL);

	if (rr && rr->size >= size)
		return rr;
	kfree(rr);
	rr = kmalloc(size, GFP_ATOMIC);
	if (rr)
		rr->size = size;
	return rr;
}

/*
 * Keep @rr, wiped (the crypto context's counter block holds the implicit
 * nonce, and a forged record's right tag), for the next record, unless a
 * spare is there already or @rr carries an sg list for a record in pages.
 */
static void dtls_rx_req_put(struct dtls_sock *ds, struct dtls_rx_req *rr,
			    bool keep)
{
	struct crypto_aead *tfm = crypto_aead_reqtfm(&rr->req);

	/* The request and its context, which follows it. */
	memzero_explicit(&rr->req,
			 sizeof(rr->req) + crypto_aead_reqsize(tfm));
	memzero_explicit(rr->nonce, sizeof(rr->nonce));
	if (!keep || cmpxchg(&ds->rx_spare, NULL, rr))
		kfree(rr);
}

/**
 * dtls_rx_spare_free - free the request kept for the next record
 * @ds: the socket
 *
 * Context: any.
 */
void dtls_rx_spare_free(struct dtls_sock *ds)
{
	kfree(xchg(&ds->rx_spare, NULL));
}

/*
 * A crypto API request finished: the record, then its references.  The
 * request is given back before @ds's reference: it is kept in @ds.
 */
static void dtls_rx_finish(struct dtls_rx_req *rr, int err,
			   struct sk_buff_head *early)
{
	struct dtls_aead *a = rr->aead;
	struct dtls_sock *ds = rr->ds;
	struct dtls_key *k = rr->key;

	dtls_rx_accept(ds, k, rr->skb, &rr->hdr, rr->pt_len, err, early);
	consume_skb(rr->src);
	/* Given back (another may take it) with its transform still held. */
	dtls_rx_req_put(ds, rr, !rr->src);
	dtls_aead_put(a);
	dtls_key_put(k);
	dtls_sock_put(ds);
}

static void dtls_rx_done(DTLS_CRYPTO_CB_ARG arg, int err)
{
	struct dtls_rx_req *rr = dtls_crypto_cb_data(arg);
	struct sock *sk = rr->ds->sk;

	if (err == -EINPROGRESS)
		return;
	dtls_rx_finish(rr, err, NULL);
	sock_put(sk);
}

/* The keys for @epoch: the current ones, or the previous until expiry. */
static struct dtls_key *dtls_rx_key(struct dtls_sock *ds, u16 epoch)
{
	struct dtls_key *k = rcu_dereference(ds->keys.rx);

	if (k && k->epoch == epoch)
		return k;
	k = rcu_dereference(ds->keys.rx_prev);
	/* Its expiry was written before it (dtls_keys_install()). */
	smp_rmb();
	if (k && k->epoch == epoch &&
	    time_before(jiffies, READ_ONCE(ds->keys.rx_prev_expires)))
		return k;
	return NULL;
}

/*
 * Records for keys whose transform went for idleness (crypto.h): the
 * transform is made again in process context, where the record is then
 * opened (dtls_rx_wake_all()).  Only a record that may be fresh waits;
 * while it does, it is charged to the socket's receive buffer, and at
 * most DTLS_RX_WAKE_MAX wait over all sockets: more are dropped
 * (DtlsRxDropped).  Each holds references on the socket state, its key
 * and the socket.  A record that waits may be passed by one that comes
 * later, as on the network; one passed by more than the replay window is
 * dropped as a replay.
 */
#define DTLS_RX_WAKE_MAX	4096

struct dtls_rx_wake {
	struct llist_node	node;
	struct dtls_sock	*ds;
	struct dtls_key		*key;
	struct sk_buff		*skb;
};

static LLIST_HEAD(dtls_rx_wake_list);
static atomic_t dtls_rx_wake_count = ATOMIC_INIT(0);
static void dtls_rx_wake_all(struct work_struct *work);
static DECLARE_WORK(dtls_rx_wake_work, dtls_rx_wake_all);

/*
 * Context: BHs off, under RCU; @skb holds the record @h of keys @k.
 * Return: false if @skb is still ours (counted, to be dropped).
 */
static bool dtls_rx_wake_defer(struct dtls_sock *ds, struct dtls_key *k,
			       struct sk_buff *skb,
			       const struct dtls_record_hdr *h)
{
	const struct dtls_cipher *c = k->cipher;
	struct sock *sk = ds->sk;
	struct dtls_rx_wake *rw;

	/* What dtls_record_open_prepare() and the window would refuse. */
	if (!dtls_record_length_ok(c, h->length)) {
		dtls_stat_inc(ds, DTLS_STAT_RX_MALFORMED);
		trace_dtls_drop(ds, DTLS_DROP_MALFORMED, h->epoch, h->seq,
				h->length);
		return false;
	}
	if (!dtls_record_replay_fresh(k, h->seq)) {
		dtls_stat_inc(ds, DTLS_STAT_RX_REPLAY);
		trace_dtls_drop(ds, DTLS_DROP_REPLAY, h->epoch, h->seq,
				h->length);
		return false;
	}
	/* Charged while it waits; the caller's kfree_skb() if it does not. */
	skb_orphan(skb);
	if (dtls_rx_charge(sk, skb))
		goto full;
	if (atomic_inc_return(&dtls_rx_wake_count) > DTLS_RX_WAKE_MAX)
		goto err;
	rw = kmalloc(sizeof(*rw), GFP_ATOMIC);
	if (!rw)
		goto err;
	/* UDP's lookup took no reference: the socket may be closing. */
	if (!refcount_inc_not_zero(&sk->sk_refcnt))
		goto err_free;
	if (!refcount_inc_not_zero(&ds->refs))
		goto err_sock;
	if (!refcount_inc_not_zero(&k->refs)) {
		dtls_sock_put(ds);
		goto err_sock;
	}
	/* Its route may be the receive path's, valid under its RCU only. */
	skb_dst_drop(skb);
	skb->dev = NULL;
	rw->ds = ds;
	rw->key = k;
	rw->skb = skb;
	if (llist_add(&rw->node, &dtls_rx_wake_list))
		queue_work(dtls_wq, &dtls_rx_wake_work);
	return true;
err_sock:
	sock_put(sk);
err_free:
	kfree(rw);
err:
	atomic_dec(&dtls_rx_wake_count);
full:
	dtls_sk_drops_add(sk, 1);
	dtls_stat_inc(ds, DTLS_STAT_RX_DROPPED);
	trace_dtls_drop(ds, DTLS_DROP_RCVBUF, h->epoch, h->seq, h->length);
	return false;
}

static void dtls_rx_record(struct dtls_sock *ds, struct sk_buff *skb,
			   struct sk_buff_head *early, struct dtls_key *held_key,
			   struct dtls_aead *held);

/* Context: process (dtls_wq). */
static void dtls_rx_wake_all(struct work_struct *work)
{
	struct llist_node *n = llist_del_all(&dtls_rx_wake_list);
	struct dtls_rx_wake *rw, *tmp;

	llist_for_each_entry_safe(rw, tmp, llist_reverse_order(n), node) {
		struct dtls_sock *ds = rw->ds;
		struct sock *sk = ds->sk;
		struct dtls_aead *a;

		atomic_dec(&dtls_rx_wake_count);
		skb_orphan(rw->skb);	/* uncharged: dtls_rx_queue() again */
		a = dtls_key_aead_make(rw->key);
		if (IS_ERR(a)) {
			dtls_stat_inc(ds, DTLS_STAT_RX_DROPPED);
			trace_dtls_drop(ds, DTLS_DROP_NOMEM, rw->key->epoch, 0,
					rw->skb->len);
			kfree_skb(rw->skb);
		} else {
			/*
			 * Counted before the record, whose delivery wakes the
			 * reader.  The making keeps the new transform from the
			 * idle timer for a period, and the record is opened
			 * with the one held here whatever the timer does.
			 */
			if (dtls_key_take_remade(rw->key))
				dtls_sock_keys_remade(ds);
			local_bh_disable();
			rcu_read_lock();
			dtls_rx_record(ds, rw->skb, NULL, rw->key, a);
			rcu_read_unlock();
			local_bh_enable();
			dtls_aead_put(a);
		}
		dtls_key_put(rw->key);
		dtls_sock_put(ds);
		sock_put(sk);
		kfree(rw);
		cond_resched();
	}
}

/*
 * @to, data reserved for @hdr bytes of headroom, gets @from's metadata
 * and its IP and UDP headers (@hdr bytes before its data) at its head.
 * skb_copy_header() keeps @from's header offsets, which are from a head
 * laid out otherwise: they are set again.
 */
static void dtls_rx_copy_headers(struct sk_buff *to,
				 const struct sk_buff *from,
				 unsigned int hdr)
{
	skb_copy_header(to, from);
	skb_unset_mac_header(to);
	skb_set_network_header(to, -(int)hdr);
	skb_set_transport_header(to, -(int)(from->data -
					     skb_transport_header(from)));
	memcpy(to->head, skb_network_header(from), hdr);
}

/* A request with room for its crypto context; its sg list follows. */
static size_t dtls_rx_req_size(struct crypto_aead *tfm)
{
	return ALIGN(sizeof(struct dtls_rx_req) + crypto_aead_reqsize(tfm),
		     __alignof__(struct scatterlist));
}

/*
 * A linear skb for the plaintext of the record in pages @skb (data at its
 * header, in the head): @skb's IP and UDP headers and metadata, and @len
 * bytes of data, the first @copy (header, explicit nonce) @skb's.  From
 * the CPU's page fragment cache, as a driver's receive buffers: reused
 * memory, not zeroed, where linearising @skb would take a new zeroed
 * buffer (init_on_alloc) and copy it whole.  The rest of the data is
 * written by the decryption before anyone sees it (dtls_rx_accept() trims
 * it to the plaintext).
 */
static struct sk_buff *dtls_rx_plain_skb(struct sk_buff *skb,
					 unsigned int copy, unsigned int len)
{
	unsigned int hdr = skb->data - skb_network_header(skb);
	unsigned int size = SKB_DATA_ALIGN(hdr + len) +
			    SKB_DATA_ALIGN(sizeof(struct skb_shared_info));
	struct sk_buff *out;
	void *buf;

	/* More than the cache's page: it could only fail, and churn. */
	if (size > PAGE_FRAG_CACHE_MAX_SIZE)
		return NULL;
	/*
	 * A driver's timestamp that points into @skb's pages (igc): only
	 * @skb can resolve it, and it goes before the reader asks.
	 */
	if (skb_shinfo(skb)->tx_flags & SKBTX_HW_TSTAMP_NETDEV)
		return NULL;
	buf = netdev_alloc_frag(size);
	if (!buf)
		return NULL;
	out = build_skb(buf, size);
	if (!out) {
		skb_free_frag(buf);
		return NULL;
	}
	/* Emergency reserves are not for a socket's queue. */
	if (out->pfmemalloc) {
		kfree_skb(out);
		return NULL;
	}
	skb_reserve(out, hdr);
	dtls_rx_copy_headers(out, skb, hdr);
	/* build_skb() gave it shared info of its own. */
	*skb_hwtstamps(out) = *skb_hwtstamps(skb);
	skb_put_data(out, skb->data, copy);
	skb_put(out, len - copy);
	return out;
}

/*
 * Pages of @skb no one else may write while a record in them is opened
 * from them: the AEAD reads the ciphertext twice (the MAC, then the
 * decryption; ours, and the crypto API's generic GCM), and a writer in
 * between would get chosen bits past the tag.  Not pages the sender
 * shares (page cache, vmsplice: SKBFL_SHARED_FRAG), nor pages mapped
 * into a process (a packet socket's TX ring puts its mmapped ring in an
 * skb unmarked; zerocopy frags are copied before local delivery, and
 * would be mapped too), nor device memory.  Context: any.
 */
bool dtls_rx_pages_private(const struct sk_buff *skb)
{
	const struct skb_shared_info *si = skb_shinfo(skb);
	int i;

	if (skb_has_frag_list(skb) || skb_has_shared_frag(skb) ||
	    !skb_frags_readable(skb))
		return false;
	for (i = 0; i < si->nr_frags; i++)
		if (folio_mapped(page_folio(skb_frag_page(&si->frags[i]))))
			return false;
	return true;
}

/*
 * What opening @skb under @k writes to must be ours alone: an skb a tap
 * shares (cloned) gets a head of its own, and its header and explicit
 * nonce come into the head, where the AAD is built.  The pages of a
 * record opened @apart are only read (dtls_rx_plain_skb()); others are
 * made linear.
 * Return: false if memory ran out.
 */
static bool dtls_rx_writable(struct dtls_key *k, struct sk_buff *skb,
			     bool apart)
{
	if (skb_is_nonlinear(skb) && !apart)
		return !skb_linearize_cow(skb);
	if (skb_unclone(skb, GFP_ATOMIC))
		return false;
	return pskb_may_pull(skb, min_t(unsigned int, skb->len,
					DTLS_HEADER_LEN +
					k->cipher->explicit_len));
}

/*
 * Open the record @skb (data at its header, which is in the head; the
 * record is exactly @skb) and queue it.  Consumes @skb.  @held, if not
 * NULL, is a transform of @held_key the caller holds: the record is
 * opened with it if its keys are @held_key and theirs went meanwhile.
 */
static void dtls_rx_record(struct dtls_sock *ds, struct sk_buff *skb,
			   struct sk_buff_head *early, struct dtls_key *held_key,
			   struct dtls_aead *held)
{
	struct sock *sk = ds->sk;
	u8 nonce[DTLS_MAX_NONCE], *aad;
	struct dtls_aead *a = NULL;
	struct dtls_record_hdr h;
	struct sk_buff *out = NULL;
	unsigned int pt_len, nsg;
	struct dtls_rx_req *rr;
	size_t size;
	struct dtls_key *k;
	unsigned int ct_off;
	bool apart;
	int err;

	dtls_record_parse(skb->data, skb->len, &h);
	if (h.version != DTLS_1_2_VERSION ||
	    h.type < DTLS_RECORD_TYPE_CHANGE_CIPHER_SPEC ||
	    h.type > DTLS_RECORD_TYPE_DATA) {
		dtls_stat_inc(ds, DTLS_STAT_RX_MALFORMED);
		trace_dtls_drop(ds, DTLS_DROP_MALFORMED, h.epoch, h.seq,
				h.length);
		goto drop;
	}
	k = dtls_rx_key(ds, h.epoch);
	if (!k) {
		dtls_stat_inc(ds, DTLS_STAT_RX_BAD_EPOCH);
		trace_dtls_drop(ds, DTLS_DROP_BAD_EPOCH, h.epoch, h.seq,
				h.length);
		goto drop;
	}
	/* Before anything is written into the record: it may go as it is. */
	if (!k->cipher->lib) {
		a = dtls_key_aead(k);
		if (!a && held && k == held_key) {
			refcount_inc(&held->refs);
			a = held;
		}
		if (!a) {
			if (dtls_rx_wake_defer(ds, k, skb, &h))
				return;
			goto drop;
		}
	}
	/*
	 * A record in pages no one else may write (dtls_rx_pages_private())
	 * is opened out of place, from them into a linear skb of its own:
	 * by the library's ChaCha20-Poly1305 always (records in pages are
	 * over DTLS_RX_COPY_MAX here, dtls_rx_pull_headers()) unless pages
	 * are mapped one at a time (highmem), by the crypto API when it is
	 * large.  Others are made linear, a copy read once.
	 */
	apart = skb_is_nonlinear(skb) && dtls_rx_pages_private(skb) &&
		(k->cipher->lib ? !IS_ENABLED(CONFIG_HIGHMEM) :
				  skb->len > DTLS_RX_COPY_MAX);
	if (!dtls_rx_writable(k, skb, apart)) {
		dtls_stat_inc(ds, DTLS_STAT_RX_DROPPED);
		trace_dtls_drop(ds, DTLS_DROP_NOMEM, h.epoch, h.seq, h.length);
		goto drop;
	}
	aad = dtls_record_open_prepare(k, skb->data, &h, nonce, &pt_len);
	if (!aad) {
		dtls_stat_inc(ds, DTLS_STAT_RX_MALFORMED);
		trace_dtls_drop(ds, DTLS_DROP_MALFORMED, h.epoch, h.seq,
				h.length);
		goto drop;
	}
	if (!dtls_record_replay_fresh(k, h.seq)) {
		dtls_stat_inc(ds, DTLS_STAT_RX_REPLAY);
		trace_dtls_drop(ds, DTLS_DROP_REPLAY, h.epoch, h.seq,
				h.length);
		goto wipe;
	}

	ct_off = aad - skb->data + DTLS_AAD_LEN;
	if (apart) {
		out = dtls_rx_plain_skb(skb, ct_off, ct_off + pt_len);
		/* Without memory for it, made linear after all. */
		if (!out) {
			if (skb_linearize(skb))
				goto nomem;
			aad = skb->data + ct_off - DTLS_AAD_LEN;
		}
	}

	/*
	 * ChaCha20-Poly1305 by the library is synchronous: no request to
	 * allocate and no references to take, the RCU read side of our
	 * caller keeping @ds and @k (both freed a grace period after their
	 * last reference) alive.
	 */
	if (k->cipher->lib) {
		if (out) {
			err = dtls_chacha_open_skb(k, nonce, aad, skb, ct_off,
						   pt_len, out->data + ct_off);
			consume_skb(skb);
			skb = out;
		} else {
			err = dtls_chacha_open(k, nonce, aad,
					       aad + DTLS_AAD_LEN, pt_len);
		}
		memzero_explicit(nonce, sizeof(nonce));
		dtls_rx_accept(ds, k, skb, &h, pt_len, err, early);
		return;
	}

	/* Out of place: an sg entry for the head's part, one a frag. */
	nsg = out ? 1 + skb_shinfo(skb)->nr_frags : 0;
	size = dtls_rx_req_size(a->tfm) + nsg * sizeof(*rr->sgl);
	if (nsg) {
		rr = kmalloc(size, GFP_ATOMIC);
		if (rr)
			rr->size = size;
	} else {
		rr = dtls_rx_req_get(ds, size);
	}
	if (!rr) {
		kfree_skb(out);
		goto nomem;
	}
	/* First: dtls_rx_req_put() wipes the context by its size. */
	aead_request_set_tfm(&rr->req, a->tfm);
	/*
	 * Held until dtls_rx_finish(), which may run asynchronously (and
	 * the socket until dtls_rx_done()).  Under RCU any may be on its
	 * way out (close, re-key; UDP's lookup took no reference on the
	 * socket): then drop.
	 */
	if (!refcount_inc_not_zero(&ds->sk->sk_refcnt))
		goto unref;
	if (!refcount_inc_not_zero(&ds->refs)) {
		sock_put(ds->sk);
		goto unref;
	}
	if (!refcount_inc_not_zero(&k->refs)) {
		dtls_sock_put(ds);
		sock_put(ds->sk);
		goto unref;
	}
	rr->ds = ds;
	rr->key = k;
	rr->aead = a;		/* and its reference */
	rr->skb = out ?: skb;
	rr->src = out ? skb : NULL;
	rr->hdr = h;
	rr->pt_len = pt_len;
	memcpy(rr->nonce, nonce, sizeof(rr->nonce));
	memzero_explicit(nonce, sizeof(nonce));
	if (out) {
		/* The AAD and ciphertext where they lie; into @out's data. */
		rr->sgl = (void *)rr + dtls_rx_req_size(a->tfm);
		sg_init_table(rr->sgl, nsg);
		err = skb_to_sgvec(skb, rr->sgl, aad - skb->data,
				   DTLS_AAD_LEN + pt_len + k->cipher->tag_len);
		if (unlikely(err < 0)) {
			dtls_rx_finish(rr, -ENOMEM, early);
			sock_put(sk);
			return;
		}
		sg_init_one(&rr->sg, out->data + (aad - skb->data),
			    DTLS_AAD_LEN + pt_len);
		dtls_record_open_req_sg(&rr->req, rr->sgl, &rr->sg, k, a->tfm,
					rr->nonce, pt_len);
	} else {
		dtls_record_open_req(&rr->req, &rr->sg, k, a->tfm, aad,
				     rr->nonce, pt_len);
	}
	aead_request_set_callback(&rr->req, 0, dtls_rx_done, rr);

	err = crypto_aead_decrypt(&rr->req);
	if (err == -EINPROGRESS)
		return;
	dtls_rx_finish(rr, err, early);
	sock_put(sk);
	return;
unref:
	kfree(rr);
	kfree_skb(out);
	goto wipe;
nomem:
	dtls_stat_inc(ds, DTLS_STAT_RX_DROPPED);
	trace_dtls_drop(ds, DTLS_DROP_NOMEM, h.epoch, h.seq, h.length);
wipe:
	memzero_explicit(nonce, sizeof(nonce));
drop:
	dtls_aead_put(a);
	kfree_skb(skb);
}

/*
 * Split a datagram into records.  The common case, one record filling the
 * datagram, keeps the skb; otherwise each record gets a copy of its own so
 * that each is queued (and read) as its own message.
 */
static void dtls_rx_datagram(struct dtls_sock *ds, struct sk_buff *skb,
			     struct sk_buff_head *early)
{
	struct dtls_record_hdr h;
	unsigned int off = 0;

	if (!dtls_record_parse(skb->data, skb->len, &h) &&
	    DTLS_HEADER_LEN + h.length == skb->len) {
		dtls_rx_record(ds, skb, early, NULL, NULL);
		return;
	}
	/* Each record is copied out of the head. */
	if (skb_linearize(skb)) {
		dtls_stat_inc(ds, DTLS_STAT_RX_DROPPED);
		trace_dtls_drop(ds, DTLS_DROP_NOMEM, 0, 0, skb->len);
		kfree_skb(skb);
		return;
	}
	while (off < skb->len) {
		struct sk_buff *rec;
		unsigned int len;

		if (dtls_record_parse(skb->data + off, skb->len - off, &h)) {
			dtls_stat_inc(ds, DTLS_STAT_RX_MALFORMED);
			trace_dtls_drop(ds, DTLS_DROP_MALFORMED, 0, 0,
					skb->len - off);
			break;
		}
		len = DTLS_HEADER_LEN + h.length;
		rec = alloc_skb(len, GFP_ATOMIC);
		if (!rec) {
			dtls_stat_inc(ds, DTLS_STAT_RX_DROPPED);
			trace_dtls_drop(ds, DTLS_DROP_NOMEM, h.epoch, h.seq,
					skb->len - off);
			break;
		}
		rec->tstamp = skb->tstamp;
		skb_put_data(rec, skb->data + off, len);
		dtls_rx_record(ds, rec, early, NULL, NULL);
		off += len;
	}
	consume_skb(skb);
}

/**
 * dtls_rx_not_dtls - queue a datagram that is not DTLS for the reader
 * @ds: the socket
 * @skb: data at the UDP payload; its IP and UDP headers name the sender
 * @early: as for dtls_rx_queue()
 *
 * RFC 7983: STUN, TURN, RTP... pass up unchanged, marked.
 * Context: BHs off (softirq, or process under local_bh_disable()).
 */
void dtls_rx_not_dtls(struct dtls_sock *ds, struct sk_buff *skb,
		      struct sk_buff_head *early)
{
	dtls_rx_queue(ds, skb, DTLS_RECORD_NOT_DTLS, early);
}

/*
 * The first record's header, and what may follow it up to the longest
 * explicit nonce, into the head of @skb (data at the UDP header): enough
 * for dtls_rx_datagram() to tell one record from several; the rest of a
 * large datagram may stay in pages (dtls_rx_record()).  A small one is
 * made linear now, in one go rather than a pull and then a copy.  (Into
 * a kmalloc() buffer, which init_on_alloc zeroes: a page fragment cache
 * would cost more, as records of a batch wait in the queue and hold its
 * page, so that each refill takes new pages, zeroed too.)
 */
static bool dtls_rx_pull_headers(struct sk_buff *skb)
{
	if (skb_is_nonlinear(skb) && skb->len <= DTLS_RX_COPY_MAX)
		return !skb_linearize_cow(skb);
	return pskb_may_pull(skb, min_t(unsigned int, skb->len,
					sizeof(struct udphdr) +
					DTLS_HEADER_LEN +
					DTLS_RX_EXPLICIT_MAX));
}

/* A datagram's payload (RX keys installed): records, or not DTLS at all. */
static void dtls_rx_payload(struct dtls_sock *ds, struct sk_buff *skb,
			    struct sk_buff_head *early)
{
	if (!skb->len || !dtls_first_byte_is_dtls(skb->data[0])) {
		dtls_rx_not_dtls(ds, skb, early);
		return;
	}
	dtls_rx_datagram(ds, skb, early);
}

/**
 * dtls_encap_rcv - UDP's encap_rcv hook of an attached socket
 * @sk: the socket
 * @skb: a datagram, data at the UDP header, checksum verified
 *
 * Context: softirq, rcu_read_lock() held.
 * Return: >0 to let UDP queue the datagram (no RX keys), 0 if consumed.
 */
int dtls_encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct dtls_sock *ds = rcu_dereference_sk_user_data(sk);
	struct dtls_listener *l;
	struct dtls_hs *hs;

	if (!ds)
		return 1;
	l = rcu_dereference(ds->listener);
	if (unlikely(l))
		return dtls_listen_rcv(ds, l, skb);
	hs = rcu_dereference(ds->hs.engine);
	if (likely(!hs || !dtls_hs_takes_datagrams(hs)) &&
	    !rcu_access_pointer(ds->keys.rx))
		return 1;	/* plain UDP: UDP applies its own policy */

	/*
	 * UDP runs encap_rcv before the socket filter, cgroup ingress BPF
	 * and the LSM's sock_rcv_skb: what we consume must pass them here,
	 * before the handshake parses it or a record is opened.
	 */
	if (sk_filter_trim_cap(sk, skb, sizeof(struct udphdr))) {
		dtls_sk_drops_add(sk, 1);
		dtls_stat_inc(ds, DTLS_STAT_RX_DROPPED);
		trace_dtls_drop(ds, DTLS_DROP_FILTER, 0, 0, skb->len);
		kfree_skb(skb);
		return 0;
	}

	/*
	 * Datagrams coalesced by GRO (UDP_GRO, or a UDP_SEGMENT send over
	 * loopback or veth) never get here whole: for a socket with an
	 * encap_rcv, UDP cuts them into their datagrams first
	 * (udp_unexpected_gso(), 6.1 and 6.12), so that each is a datagram
	 * of its own here, its records opened and checked against the
	 * window on their own.  Only a UDP tunnel's GSO packet sent to our
	 * port would stay whole: not DTLS, dropped and counted.
	 */
	if (unlikely(skb_is_gso(skb))) {
		dtls_sk_drops_add(sk, 1);
		dtls_stat_inc(ds, DTLS_STAT_RX_DROPPED);
		kfree_skb(skb);
		return 0;
	}

	/*
	 * While the kernel's handshake runs, every DTLS datagram is its;
	 * the others are the application's (dtls_hs_take()).
	 */
	if (unlikely(hs)) {
		__skb_pull(skb, sizeof(struct udphdr));
		if (dtls_hs_take(ds, skb, NULL))
			return 0;
		__skb_push(skb, sizeof(struct udphdr));
	}
	/*
	 * No RX keys: the handshake failed in between.  UDP queues it (and
	 * runs the filter once more, in this race only).
	 */
	if (!rcu_access_pointer(ds->keys.rx))
		return 1;

	if (!dtls_rx_pull_headers(skb)) {
		dtls_stat_inc(ds, DTLS_STAT_RX_DROPPED);
		trace_dtls_drop(ds, DTLS_DROP_NOMEM, 0, 0, skb->len);
		kfree_skb(skb);
		return 0;
	}
	__skb_pull(skb, sizeof(struct udphdr));
	dtls_rx_payload(ds, skb, NULL);
	return 0;
}

/**
 * dtls_rx_udp_mib_add - count @n in UDP's counter @field of @skb's family
 * @net: the socket's netns
 * @skb: a datagram
 * @field: UDP_MIB_*
 * @n: how many
 *
 * Context: any.
 */
void dtls_rx_udp_mib_add(struct net *net, const struct sk_buff *skb,
			 int field, unsigned int n)
{
	while (n--) {
#if IS_ENABLED(CONFIG_IPV6)
		if (skb->protocol == htons(ETH_P_IPV6)) {
			dtls_udp6_mib_inc(net, field);
			continue;
		}
#endif
		dtls_udp_mib_inc(net, field);
	}
}

/* A datagram UDP's queue refused, counted as UDP does: by its family. */
static void dtls_rx_udp_mib_drop(struct net *net, const struct sk_buff *skb,
				 int err)
{
	int why = err == -ENOBUFS ? UDP_MIB_MEMERRORS : UDP_MIB_RCVBUFERRORS;

#if IS_ENABLED(CONFIG_IPV6)
	if (skb->protocol == htons(ETH_P_IPV6)) {
		dtls_udp6_mib_inc(net, why);
		dtls_udp6_mib_inc(net, UDP_MIB_INERRORS);
		return;
	}
#endif
	dtls_udp_mib_inc(net, why);
	dtls_udp_mib_inc(net, UDP_MIB_INERRORS);
}

/**
 * dtls_rx_child_udp - a datagram for a child without RX keys, to UDP's queue
 * @ds: the child of a listener whose sessions' handshakes are user space's
 * @skb: data at the UDP payload, its checksum verified; consumed
 *
 * What UDP does after encap_rcv, so that the application's handshake
 * reads the child as a socket of its own, and the keys it installs open
 * the records that came before them (dtls_rx_open_queued()).  The
 * listener's policy (and the child's filter) passed it already.
 * Context: BHs off (softirq, or the listener's work).
 */
void dtls_rx_child_udp(struct dtls_sock *ds, struct sk_buff *skb)
{
	struct sock *sk = ds->sk;
	int err;

	/* udp_csum_pull_header(): the UDP header is off already. */
	skb_postpull_rcsum(skb, skb->data - sizeof(struct udphdr),
			   sizeof(struct udphdr));
#ifdef KDTLS_HAVE_UDP_CSCOV
	UDP_SKB_CB(skb)->cscov -= sizeof(struct udphdr);
#endif
	/* UDP's IP_PKTINFO for IPv4 (ipv4_pktinfo_prepare()); the dst goes. */
	if (skb->protocol == htons(ETH_P_IP))
		PKTINFO_SKB_CB(skb)->ipi_spec_dst.s_addr = ip_hdr(skb)->daddr;
	skb_dst_drop(skb);
#ifdef KDTLS_HAVE_EXPORT_UDP_ENQUEUE
	err = __udp_enqueue_schedule_skb(sk, skb);
#else
	err = -ENOBUFS;		/* no such children here: dtls_listen() */
#endif
	if (err < 0) {
		dtls_rx_udp_mib_drop(sock_net(sk), skb, err);
		dtls_stat_inc(ds, DTLS_STAT_RX_DROPPED);
		trace_dtls_drop(ds, DTLS_DROP_RCVBUF, 0, 0, skb->len);
		kfree_skb(skb);
	}
}

/**
 * dtls_rx_child - a datagram for a listener's child (listen.c)
 * @ds: the child, its sock referenced by the caller
 * @skb: data at the UDP header, checksum verified; consumed
 *
 * What encap_rcv does for a socket of its own, but nothing goes back to
 * UDP: the child is not in UDP's hash, and has no UDP queue to use.
 * The listener ran its own policy on @skb already.
 * Context: softirq, rcu_read_lock() held.
 */
void dtls_rx_child(struct dtls_sock *ds, struct sk_buff *skb)
{
	struct sock *sk = ds->sk;

	/*
	 * The listener's filter, cgroup BPF and LSM hook passed it (listen.c);
	 * a filter the application attached to the session's own socket
	 * runs too.
	 */
	if (rcu_access_pointer(sk->sk_filter) &&
	    sk_filter_trim_cap(sk, skb, sizeof(struct udphdr))) {
		dtls_sk_drops_add(sk, 1);
		dtls_stat_inc(ds, DTLS_STAT_RX_DROPPED);
		trace_dtls_drop(ds, DTLS_DROP_FILTER, 0, 0, skb->len);
		goto drop;
	}
	/* Cut by UDP for the listener already, as in dtls_encap_rcv(). */
	if (unlikely(skb_is_gso(skb))) {
		dtls_sk_drops_add(sk, 1);
		dtls_stat_inc(ds, DTLS_STAT_RX_DROPPED);
		goto drop;
	}
	/* Its peer starting again, to the listener (RFC 6347 4.2.8). */
	if (unlikely(dtls_listen_child_hello(ds, skb)))
		return;
	__skb_pull(skb, sizeof(struct udphdr));
	if (dtls_hs_take(ds, skb, NULL))
		return;
	if (!rcu_access_pointer(ds->keys.rx)) {
		/* Its handshake is user space's: what it reads, as UDP's. */
		if (ds->child.user) {
			dtls_rx_child_udp(ds, skb);
			return;
		}
		/* Its handshake failed: the listener releases it. */
		dtls_stat_inc(ds, DTLS_STAT_RX_DROPPED);
		goto drop;
	}
	if (!dtls_rx_pull_headers(skb)) {
		dtls_stat_inc(ds, DTLS_STAT_RX_DROPPED);
		trace_dtls_drop(ds, DTLS_DROP_NOMEM, 0, 0, skb->len);
		goto drop;
	}
	dtls_rx_payload(ds, skb, NULL);
	return;
drop:
	kfree_skb(skb);
}

/*
 * One segment of the coalesced datagram @skb: @n bytes at @off, in
 * an skb of its own sized for them, with a copy of the headers that name
 * the sender (not a copy of the whole datagram each: 64 of those would
 * each be charged as 64 KiB).  Also the records behind a Finished
 * (handshake.c), which the peer makes us hold: DTLS_GFP_PEER there.
 * Context: process.
 */
struct sk_buff *dtls_rx_segment(const struct sk_buff *skb,
				unsigned int off, unsigned int n, gfp_t gfp)
{
	unsigned int hdr = skb->data - skb_network_header(skb);
	struct sk_buff *seg;

	seg = alloc_skb(hdr + n, gfp);
	if (!seg)
		return NULL;
	skb_reserve(seg, hdr);
	dtls_rx_copy_headers(seg, skb, hdr);
	if (skb_copy_bits(skb, off, skb_put(seg, n), n)) {
		kfree_skb(seg);
		return NULL;
	}
	skb_gso_reset(seg);
	return seg;
}

/*
 * The datagrams of @skb, one GRO or GSO made of several (or just one),
 * from @off on: each in an skb of its own, cut at the segment size as UDP
 * would have handed them to encap_rcv, so that each record and each
 * datagram that is not DTLS goes on its own, onto @early.  Does not
 * consume @skb.  Context: process.
 */
static void dtls_rx_cut(struct dtls_sock *ds, const struct sk_buff *skb,
			unsigned int off, struct sk_buff_head *early)
{
	unsigned int gso = skb_shinfo(skb)->gso_size, n;
	struct sk_buff *seg;

	if (!skb_is_gso(skb) || !gso)
		gso = skb->len;
	if (off >= skb->len && skb->len)
		return;
	/* An empty datagram is one too (not DTLS: passed up). */
	do {
		n = min(gso, skb->len - off);
		seg = dtls_rx_segment(skb, off, n, GFP_KERNEL);
		if (!seg) {
			dtls_sk_drops_add(ds->sk, 1);
			dtls_stat_inc(ds, DTLS_STAT_RX_DROPPED);
			trace_dtls_drop(ds, DTLS_DROP_NOMEM, 0, 0, n);
			continue;
		}
		/* UDP keeps its scratch in ->dev (udp_set_dev_scratch). */
		seg->dev = NULL;
		skb_dst_drop(seg);
		__skb_queue_tail(early, seg);
	} while ((off += n) < skb->len);
}

/*
 * Open the datagrams of @early (consumed) and put what they give at the
 * head of the reader's queue, as they came before anything queued there,
 * or at its @tail, after it.  Context: process.
 */
static void dtls_rx_open_early(struct dtls_sock *ds, struct sk_buff_head *early,
			       bool tail)
{
	struct sk_buff_head opened;
	struct sk_buff *skb;

	if (skb_queue_empty(early))
		return;
	__skb_queue_head_init(&opened);
	/*
	 * As in softirq: the receive path takes its locks without _bh.  A
	 * datagram at a time: UDP's whole queue may be here.
	 */
	while ((skb = __skb_dequeue(early))) {
		local_bh_disable();
		rcu_read_lock();
		if (!dtls_hs_take(ds, skb, &opened))
			dtls_rx_payload(ds, skb, &opened);
		rcu_read_unlock();
		local_bh_enable();
		cond_resched();
	}

	spin_lock_bh(&ds->rxq.lock);
	if (tail)
		skb_queue_splice_tail(&opened, &ds->rxq);
	else
		skb_queue_splice(&opened, &ds->rxq);
	if (!skb_queue_empty(&ds->rxq))
		ds->sk->sk_data_ready(ds->sk);
	spin_unlock_bh(&ds->rxq.lock);
}

/**
 * dtls_rx_open_rest - what a batch reader leaves of a datagram of UDP's
 * @ds: the socket, RX keys installed
 * @skb: a datagram taken from UDP's queue (data at its payload); not
 *	 consumed
 * @off: where the part not yet read starts, at a segment's edge
 *
 * Opened the way records from encap_rcv are, and queued (rx_batch.c).
 * Context: process.
 */
void dtls_rx_open_rest(struct dtls_sock *ds, const struct sk_buff *skb,
		       unsigned int off)
{
	struct sk_buff_head early;

	__skb_queue_head_init(&early);
	dtls_rx_cut(ds, skb, off, &early);
	dtls_rx_open_early(ds, &early, true);
}

/*
 * RX keys are in, yet UDP holds datagrams that came before them: a peer
 * may send right after its Finished, before the application installed the
 * keys.  Open them now, as kTLS does with data already queued, and put
 * them ahead of what arrived since.  Likewise when the kernel's handshake
 * starts taking datagrams (dtls_hs_take(): a ClientHello that beat
 * hs-start goes to it, STUN to our queue).  Each datagram is copied:
 * UDP's queued skbs carry UDP's own accounting state.  While a batch
 * reader has UDP queue them (rx_batch.c), and when it stops, they came
 * after what our queue holds: @tail.
 *
 * Context: process, under lock_sock() (so one caller at a time).
 */
void __dtls_rx_open_queued(struct sock *sk, struct dtls_sock *ds, bool tail)
{
	struct sk_buff_head early;
	struct sk_buff *skb;
	int off, err, pending;
	bool csum_ok;

	__skb_queue_head_init(&early);
	/*
	 * UDP hands out the socket's pending error (an ICMP error, icmp.c)
	 * before it looks at the queue: set it aside for the drain, it is the
	 * application's.
	 */
	pending = xchg(&sk->sk_err, 0);
	for (;;) {
		off = 0;
		skb = __skb_recv_udp(sk, MSG_DONTWAIT, &off, &err);
		if (!skb)
			break;
		csum_ok = udp_skb_csum_unnecessary(skb) ||
			  !__udp_lib_checksum_complete(skb);
		if (csum_ok) {
			dtls_rx_cut(ds, skb, 0, &early);
		} else {
			dtls_stat_inc(ds, DTLS_STAT_RX_DROPPED);
			trace_dtls_drop(ds, DTLS_DROP_CSUM, 0, 0, skb->len);
		}
		/*
		 * skb_consume_udp(), which 7.x does not export: UDP's memory
		 * went back when __skb_recv_udp() took the datagram.
		 */
		sk_peek_offset_bwd(sk, skb->len);
		consume_skb(skb);
	}
	if (err && err != -EAGAIN && !pending)
		pending = -err;		/* one that came during the drain */
	if (pending && !cmpxchg(&sk->sk_err, 0, pending))
		sk_error_report(sk);
	dtls_rx_open_early(ds, &early, tail);
}

void dtls_rx_open_queued(struct sock *sk, struct dtls_sock *ds)
{
	__dtls_rx_open_queued(sk, ds, !READ_ONCE(udp_sk(sk)->encap_rcv));
}

/*
 * A datagram the handshake held back (records that came before its
 * Finished), now that the keys are in.  @skb: the UDP payload, linear.
 * Context: process.
 */
void dtls_rx_inject(struct dtls_sock *ds, struct sk_buff *skb)
{
	local_bh_disable();
	rcu_read_lock();
	dtls_rx_payload(ds, skb, NULL);
	rcu_read_unlock();
	local_bh_enable();
}
