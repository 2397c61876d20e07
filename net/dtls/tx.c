// SPDX-License-Identifier: GPL-2.0
/*
 * Sending: each sendmsg() is sealed into one record in one datagram, or,
 * with UDP_SEGMENT, cut into pieces of that many bytes of plaintext, each
 * sealed as a record of its own and all handed to UDP at once as one GSO
 * datagram that UDP (or the device) cuts at the records' edges.
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

#include <linux/bvec.h>
#include <linux/ip.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/uio.h>
#ifdef KDTLS_HAVE_NET_HOTDATA_FRAGS
#include <net/hotdata.h>
#endif
#include <net/inet_sock.h>
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
 * Whether UDP takes the pages of a send's iterator (MSG_SPLICE_PAGES,
 * 6.5): some older kernels define the flag without honouring it.
 */
#ifdef KDTLS_HAVE_SKB_SPLICE_FROM_ITER
#define DTLS_TX_CAN_SPLICE	true
#else
#define DTLS_TX_CAN_SPLICE	false
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

/* What the caller's control messages ask of a send. */
struct dtls_tx_opts {
	u8	type;		/* record type, or DTLS_RECORD_NOT_DTLS */
	bool	segment;	/* UDP_SEGMENT given: @gso_size */
	u16	gso_size;	/* bytes of plaintext a record; 0: one record */
};

/*
 * The content type asked for with DTLS_SET_RECORD_TYPE, or data; or
 * DTLS_RECORD_NOT_DTLS for DTLS_SET_NOT_DTLS; and a UDP_SEGMENT size,
 * checked as UDP checks it (the last one counts, as in UDP).  Other
 * SOL_UDP messages are refused.  Every control message is read before
 * the verdict, so that a refused one next to DTLS_SET_NOT_DTLS fails at
 * once rather than wait for the keys.
 */
static int dtls_tx_cmsgs(struct msghdr *msg, struct dtls_tx_opts *o)
{
	struct cmsghdr *cmsg;
	bool typed = false;
	int err = 0;

	o->type = DTLS_RECORD_TYPE_DATA;
	if (!msg->msg_controllen)
		return 0;
	/* sendmsg() and io_uring copy control data in before the proto. */
	if (WARN_ON_ONCE(msg->msg_control_is_user))
		return -EINVAL;
	for_each_cmsghdr(cmsg, msg) {
		if (!CMSG_OK(msg, cmsg))
			return -EINVAL;
		if (cmsg->cmsg_level == SOL_UDP) {
			if (cmsg->cmsg_type != UDP_SEGMENT) {
				err = err ?: -EOPNOTSUPP;
				continue;
			}
			if (cmsg->cmsg_len != CMSG_LEN(sizeof(u16)))
				return -EINVAL;
			o->gso_size = get_unaligned((u16 *)CMSG_DATA(cmsg));
			o->segment = true;
			continue;
		}
		if (cmsg->cmsg_level != SOL_DTLS)
			continue;
		if (cmsg->cmsg_type == DTLS_SET_NOT_DTLS &&
		    cmsg->cmsg_len == CMSG_LEN(0) && !typed) {
			o->type = DTLS_RECORD_NOT_DTLS;
			typed = true;
			continue;
		}
		if (cmsg->cmsg_type != DTLS_SET_RECORD_TYPE ||
		    cmsg->cmsg_len != CMSG_LEN(sizeof(u8)) || typed)
			return -EINVAL;
		o->type = *(u8 *)CMSG_DATA(cmsg);
		typed = true;
		if (o->type < DTLS_RECORD_TYPE_CHANGE_CIPHER_SPEC ||
		    o->type > DTLS_RECORD_TYPE_DATA)
			return -EINVAL;
	}
	return err;
}

/* Room on the stack for the control messages UDP gets, most of the time. */
#define DTLS_TX_CTL_STACK	64

/*
 * The control messages UDP gets for a send: the caller's, but for its
 * UDP_SEGMENT (already read by dtls_tx_cmsgs()), and then, if @gso_size,
 * a UDP_SEGMENT of ours, last, so that it is the one UDP takes.  In @buf
 * if it is large enough, else in *@heap, which the caller frees.  The
 * control data is the kernel's copy of the caller's: it cannot change
 * under us, and what CMSG_OK() passed fits @buf or *@heap.
 * Return: the length written to *@ctl, -EINVAL for a control message
 * that does not fit the caller's buffer (as UDP), or -ENOMEM.
 */
static int dtls_tx_ctl_build(struct msghdr *msg, u16 gso_size,
			     u8 *buf, void **heap, void **ctl)
{
	size_t room = CMSG_ALIGN(msg->msg_controllen) + CMSG_SPACE(sizeof(u16));
	struct cmsghdr *cmsg, *out;
	size_t n = 0;
	u8 *p = buf;

	*heap = NULL;
	/* Never, as dtls_tx_cmsgs() says; but a plain send gets here too. */
	if (msg->msg_controllen && msg->msg_control_is_user)
		return -EINVAL;
	if (room > DTLS_TX_CTL_STACK) {
		p = kmalloc(room, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		*heap = p;
	}
	if (msg->msg_controllen) {
		for_each_cmsghdr(cmsg, msg) {
			/* A plain send has not had them checked. */
			if (!CMSG_OK(msg, cmsg)) {
				kfree(*heap);
				*heap = NULL;
				return -EINVAL;
			}
			if (cmsg->cmsg_level == SOL_UDP &&
			    cmsg->cmsg_type == UDP_SEGMENT)
				continue;
			memcpy(p + n, cmsg, cmsg->cmsg_len);
			memset(p + n + cmsg->cmsg_len, 0,
			       CMSG_ALIGN(cmsg->cmsg_len) - cmsg->cmsg_len);
			n += CMSG_ALIGN(cmsg->cmsg_len);
		}
	}
	if (gso_size) {
		out = (struct cmsghdr *)(p + n);
		memset(out, 0, CMSG_SPACE(sizeof(u16)));
		out->cmsg_level = SOL_UDP;
		out->cmsg_type = UDP_SEGMENT;
		out->cmsg_len = CMSG_LEN(sizeof(u16));
		put_unaligned(gso_size, (u16 *)CMSG_DATA(out));
		n += CMSG_SPACE(sizeof(u16));
	}
	*ctl = p;
	return n;
}

/*
 * A batch is sealed into pieces of memory of at most this size, as many
 * whole records as fit, or one record where one does not (16 KiB and its
 * overhead, order 3): never one allocation of up to 64 KiB.  A full
 * piece then holds more than half of it, so a datagram's 64 KiB take at
 * most DTLS_TX_PIECES.
 */
#define DTLS_TX_PIECE		16384
#define DTLS_TX_PIECES		8

/*
 * Hand UDP @len bytes of ours in @kv (@nr pieces) as one datagram, with
 * only the caller's destination, control messages and DTLS_TX_UDP_FLAGS;
 * if @gso_size, as a GSO datagram UDP cuts every @gso_size bytes.  The
 * caller's UDP_SEGMENT never reaches UDP (a keyed send refuses the other
 * SOL_UDP messages).  With @pages (the page of each piece), UDP takes
 * the pages themselves, a reference each, rather than a copy
 * (MSG_SPLICE_PAGES): nothing writes to them again while UDP or the
 * device holds them (dtls_tx_frag_room()), so they are not "shared" in
 * MSG_NO_SHARED_FRAGS's sense, as page cache is: an skb's user that
 * writes in place (ESP) may take them as they are.  UDP copies them
 * anyway where the route's device cannot take pages (no scatter-gather).
 * Sent once, whatever UDP answers: an EMSGSIZE may come after some
 * segments went (a path MTU that shrank under a GSO send), and sending
 * again would put those records on the wire twice.
 */
static int dtls_tx_udp(struct sock *sk, struct msghdr *msg,
		       const struct dtls_tx_opts *o, struct kvec *kv,
		       struct page **pages, unsigned int nr, size_t len,
		       u16 gso_size)
{
	struct msghdr kmsg = {
		.msg_name = msg->msg_name,
		.msg_namelen = msg->msg_namelen,
		.msg_control = msg->msg_control,
		.msg_controllen = msg->msg_controllen,
		.msg_flags = msg->msg_flags & DTLS_TX_UDP_FLAGS,
	};
	u8 buf[DTLS_TX_CTL_STACK] __aligned(sizeof(long));
	struct bio_vec bv[DTLS_TX_PIECES];
	void *heap = NULL;
	unsigned int i;
	int err;

	if (WARN_ON_ONCE(nr > DTLS_TX_PIECES))
		return -EINVAL;
	if (o->segment || gso_size) {
		err = dtls_tx_ctl_build(msg, gso_size, buf, &heap,
					&kmsg.msg_control);
		if (err < 0)
			return err;
		kmsg.msg_controllen = err;
	}
	if (pages) {
		for (i = 0; i < nr; i++)
			bvec_set_page(&bv[i], pages[i], kv[i].iov_len,
				      (u8 *)kv[i].iov_base -
				      (u8 *)page_address(pages[i]));
		iov_iter_bvec(&kmsg.msg_iter, ITER_SOURCE, bv, nr, len);
		kmsg.msg_flags |= MSG_SPLICE_PAGES | MSG_NO_SHARED_FRAGS;
	} else {
		iov_iter_kvec(&kmsg.msg_iter, ITER_SOURCE, kv, nr, len);
	}
	err = dtls_sk(sk)->base_prot->sendmsg(sk, &kmsg, len);
	kfree(heap);
	return err;
}

/*
 * A piece is carved from the task's page fragment, as TCP carves what it
 * copies in: the fragment's page is reused from its start once nothing
 * else holds it, so a send costs no allocation, and none of it zeroed
 * (Debian's init_on_alloc zeroes a kmalloc() and, past 8 KiB, a page
 * allocation every time).  Safe to hand out unzeroed: every byte of a
 * piece is written (header, explicit nonce, sealed plaintext, tag)
 * before UDP sees it, and a piece whose filling fails is wiped.  The
 * reference taken keeps the page ours while UDP copies from it (or takes
 * references of its own), even if UDP itself appends to the same
 * fragment meanwhile (its paged path).
 * Only in a task, and only where the socket lets sk_page_frag() use the
 * task's fragment (reclaim may not recurse into it): the socket's own
 * fragment would need its lock; elsewhere, and when no high-order page
 * is free, kmalloc().  Like TCP's, the page stays with the task (32 KiB)
 * until it exits or needs a new one.
 *
 * skb_page_frag_refill() promises room for at most a page; a piece may
 * need up to 16 KiB and more, so the room is made here, the same way.
 *
 * Where UDP can take the pages (MSG_SPLICE_PAGES, dtls_tx_udp()), every send
 * takes it: UDP then copies nothing where it takes them (dtls_tx_splices(), and
 * no more frags than it allows), a batch of up to 26 records of 1200 bytes
 * costs no allocation, and a larger one new pages for what does not fit the
 * current one.  Before 6.5, UDP copies a send, a GSO datagram or one of more
 * than a few pages into the same fragment, and its skb keeps the page until the
 * device is done with it: a batch would take a new zeroed page nearly every
 * send (measured on loopback: 16 records of 1200 bytes cost 1,000 instructions
 * a record more so), so only a send of one record takes the fragment, and only
 * if the record and UDP's copy of it fit one fragment page.  The sysctl
 * net.core.high_order_alloc_disable, which the kernel's refill obeys, is not
 * exported to modules: a failed order-3 allocation falls back to kmalloc()
 * instead.  KASAN has no redzone between pieces of a page: the length of every
 * sealed record is checked instead.
 */
#define DTLS_TX_FRAG_BYTES	32768
#define DTLS_TX_FRAG_ORDER	get_order(DTLS_TX_FRAG_BYTES)
#define DTLS_TX_ALIGN		max_t(unsigned int, SMP_CACHE_BYTES, \
				      ARCH_DMA_MINALIGN)
#define DTLS_TX_FRAG_MAX	((DTLS_TX_FRAG_BYTES - DTLS_TX_ALIGN) / 2)

/*
 * Whether UDP is to take the pages of @size bytes sealed as @segs
 * records (above) rather than copy them: a batch, which UDP puts in
 * pages anyway (a GSO datagram), or a record too large for the linear
 * skb UDP copies smaller ones into.  A small record stays copied: a
 * receiver on the same host (loopback, veth) gets UDP's skb, and
 * linearising it costs more than the copy saves (1200 bytes, measured:
 * 360 instructions saved on the send, 1,230 spent on the receive).
 */
static bool dtls_tx_splices(size_t size, unsigned int segs)
{
	return DTLS_TX_CAN_SPLICE &&
	       (segs > 1 || size + MAX_HEADER >= SKB_MAX_ALLOC);
}

/*
 * The frags UDP's splice puts in an skb at most (skb_splice_from_iter()):
 * net.core.max_skb_frags, which an administrator may lower.  Read before
 * the send: one that lowers it meanwhile gets the caller an EMSGSIZE.
 */
static unsigned int dtls_tx_frag_limit(void)
{
#if defined(KDTLS_HAVE_NET_HOTDATA_FRAGS)
	return min_t(unsigned int, MAX_SKB_FRAGS,
		     READ_ONCE(net_hotdata.sysctl_max_skb_frags));
#elif defined(KDTLS_HAVE_SKB_SPLICE_FROM_ITER)
	return min_t(unsigned int, MAX_SKB_FRAGS,
		     READ_ONCE(sysctl_max_skb_frags));
#else
	return MAX_SKB_FRAGS;
#endif
}

/*
 * Whether @size bytes sealed as @segs records take the fragment (above).
 * Where UDP takes the pages, always: a piece that does not fit the
 * current fragment page takes a new one (zeroed, as a kmalloc()ed piece
 * of more than 8 KiB is, which UDP would then copy into new zeroed pages
 * of its own).
 */
static bool dtls_tx_takes_frag(size_t size, unsigned int segs)
{
	return DTLS_TX_CAN_SPLICE || (segs == 1 && size <= DTLS_TX_FRAG_MAX);
}

static bool dtls_tx_frag_room(struct page_frag *pf, unsigned int size,
			      gfp_t gfp)
{
	if (pf->page) {
		if (page_ref_count(pf->page) == 1 && size <= pf->size) {
			pf->offset = 0;
			return true;
		}
		if (ALIGN(pf->offset, DTLS_TX_ALIGN) + size <= pf->size)
			return true;
		put_page(pf->page);
		pf->page = NULL;
	}
	/* As the kernel's refill: no direct reclaim for a high order. */
	pf->page = alloc_pages((gfp & ~__GFP_DIRECT_RECLAIM) | __GFP_COMP |
			       __GFP_NOWARN | __GFP_NORETRY,
			       DTLS_TX_FRAG_ORDER);
	if (!pf->page)
		return false;
	pf->offset = 0;
	pf->size = PAGE_SIZE << DTLS_TX_FRAG_ORDER;
	return size <= pf->size;
}

/* @size bytes to seal into; *@page NULL if they were kmalloc()ed. */
static u8 *dtls_tx_piece_get(struct sock *sk, unsigned int size,
			     bool frag, struct page **page)
{
	struct page_frag *pf = sk_page_frag(sk);
	unsigned int off;

	*page = NULL;
	if (frag && pf == &current->task_frag && in_task() &&
	    dtls_tx_frag_room(pf, size, sk->sk_allocation)) {
		off = ALIGN(pf->offset, DTLS_TX_ALIGN);
		pf->offset = off + size;
		*page = pf->page;
		get_page(*page);
		return page_address(*page) + off;
	}
	return kmalloc(size, sk->sk_allocation);
}

static void dtls_tx_piece_put(void *buf, struct page *page)
{
	if (page)
		put_page(page);
	else
		kfree(buf);
}

/*
 * Seal @len bytes of the caller's as records of @seg bytes of plaintext
 * (the last may be shorter; @len 0 is one empty record) under @k, and
 * hand them to UDP as one datagram, a GSO one if @gso_size (the size of a
 * sealed record of @seg bytes, where UDP is to cut).  The caller checked
 * the sizes.  All or nothing: a record that cannot be sealed fails the
 * send, and the sequence numbers the batch took are left unused.
 */
static int dtls_send_records(struct sock *sk, struct dtls_key *k,
			     struct msghdr *msg, const struct dtls_tx_opts *o,
			     size_t len, unsigned int seg, unsigned int segs,
			     u16 gso_size)
{
	struct dtls_sock *ds = dtls_sk(sk);
	const struct dtls_cipher *c = k->cipher;
	unsigned int ovh = dtls_cipher_overhead(c);
	unsigned int pt_off = DTLS_HEADER_LEN + c->explicit_len;
	unsigned int per_piece = max(1U, DTLS_TX_PIECE / (seg + ovh));
	unsigned int pieces = DIV_ROUND_UP(segs, per_piece);
	struct page *pages[DTLS_TX_PIECES];
	struct kvec kv[DTLS_TX_PIECES];
	unsigned int nr = 0, frags = 0, i, j;
	size_t left = len, total = 0;
	struct dtls_sealer sealer;
	struct dtls_pin pin;
	bool frag, splice;
	int err;

	pin.n = 0;
	if (WARN_ON_ONCE(pieces > DTLS_TX_PIECES))
		return -EMSGSIZE;
	err = dtls_sealer_init(&sealer, k);
	/* Whatever came of it: a transform made again is watched. */
	dtls_tx_key_sealed(ds, k);
	if (err)
		return err;
	frag = dtls_tx_takes_frag(len + (size_t)segs * ovh, segs);
	/* And then only if every piece is in a page (none fell back). */
	splice = frag && dtls_tx_splices(len + (size_t)segs * ovh, segs);
	for (i = 0; i < segs; i += per_piece) {
		unsigned int n = min(per_piece, segs - i);
		size_t pt = min_t(size_t, left, (size_t)n * seg);
		size_t size = pt + (size_t)n * ovh, off = 0;
		u8 *p;

		p = dtls_tx_piece_get(sk, size, frag, &pages[nr]);
		if (!p) {
			err = -ENOMEM;
			goto out;
		}
		splice &= !!pages[nr];
		frags += DIV_ROUND_UP(offset_in_page(p) + size, PAGE_SIZE);
		kv[nr].iov_base = p;
		kv[nr++].iov_len = size;
		for (j = 0; j < n; j++) {
			unsigned int plen = min_t(size_t, left, seg);

			/* ChaCha20 from the caller's pages (iter_pin.c). */
			if (c->lib && !IS_ENABLED(CONFIG_HIGHMEM) &&
			    dtls_pin_room(&pin, &msg->msg_iter, plen, left,
					  false)) {
				err = dtls_sealer_seal_pages(&sealer, p + off,
							     o->type, plen,
							     pin.pages,
							     pin.off);
				pin.off += plen;
			} else if (!copy_from_iter_full(p + off + pt_off, plen,
							&msg->msg_iter)) {
				err = -EFAULT;
				goto wipe;
			} else {
				err = dtls_sealer_seal(&sealer, p + off,
						       o->type, plen);
			}
			if (err < 0)
				goto wipe;
			/* All of it written: none of the memory's past goes. */
			if (WARN_ON_ONCE(err != plen + ovh)) {
				err = -EINVAL;
				goto wipe;
			}
			off += plen + ovh;
			left -= plen;
		}
		total += size;
	}
	dtls_sealer_done(&sealer);	/* not held while UDP may block */
	dtls_pin_release(&pin, &msg->msg_iter, false);
	/*
	 * UDP takes a frag a base page (pages of a compound one are not
	 * merged) and refuses a send of more than its limit with EMSGSIZE,
	 * having sent nothing: more, and UDP copies them instead.
	 */
	splice &= frags <= dtls_tx_frag_limit();

	err = dtls_tx_udp(sk, msg, o, kv, splice ? pages : NULL, nr, total,
			  gso_size);
	if (err >= 0) {
		dtls_stat_add(ds, DTLS_STAT_TX_RECORDS, segs);
		/* Offered as pages (a device without SG still copies). */
		if (splice)
			dtls_net_stat_add(sock_net(sk), DTLS_STAT_TX_SPLICED,
					  segs);
		dtls_stat_add(ds, DTLS_STAT_TX_BYTES, len);
		err = len;
	}
	goto out;
wipe:
	/* Only the piece being filled may hold plaintext. */
	memzero_explicit(kv[nr - 1].iov_base, kv[nr - 1].iov_len);
out:
	dtls_sealer_done(&sealer);
	dtls_pin_release(&pin, &msg->msg_iter, false);
	while (nr--)
		dtls_tx_piece_put(kv[nr].iov_base, pages[nr]);
	return err;
}

/*
 * The most UDP payload one datagram of the connected socket can carry:
 * 64 KiB less the UDP header, IPv4's header and options, or IPv6's
 * extension headers (ip_append_data() and ip6_append_data() refuse more
 * with EMSGSIZE).
 */
static size_t dtls_udp_max_payload(struct sock *sk)
{
	size_t max = U16_MAX - sizeof(struct udphdr);
	struct ip_options_rcu *opt;

#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6 &&
	    !ipv6_addr_v4mapped(&sk->sk_v6_daddr)) {
		struct ipv6_txoptions *o;

		rcu_read_lock();
		o = rcu_dereference(inet6_sk(sk)->opt);
		if (o)
			max -= min_t(size_t, max, o->opt_flen + o->opt_nflen);
		rcu_read_unlock();
		return max;
	}
#endif
	max -= sizeof(struct iphdr);
	rcu_read_lock();
	opt = rcu_dereference(inet_sk(sk)->inet_opt);
	if (opt)
		max -= opt->opt.optlen;
	rcu_read_unlock();
	return max;
}

/*
 * The sizes of a send with UDP_SEGMENT, checked as UDP checks its own (a
 * datagram larger than an IP packet can carry: EMSGSIZE; more than
 * UDP_MAX_SEGMENTS pieces: EINVAL) before anything is sealed, and a piece
 * must fit a record.  UDP still checks the sealed datagram: a record too
 * large for the path's MTU, a socket without UDP checksums, IPsec.  One
 * record goes as a datagram of its own, not a GSO one (which UDP refuses
 * in more cases, and never fragments).
 */
static int dtls_send_segments(struct sock *sk, struct dtls_key *k,
			      struct msghdr *msg, const struct dtls_tx_opts *o,
			      size_t len, unsigned int gso_size)
{
	unsigned int ovh = dtls_cipher_overhead(k->cipher);
	unsigned int seg, segs;

	if (len > U16_MAX)
		return -EMSGSIZE;
	seg = min_t(size_t, len, gso_size);
	if (seg > DTLS_MAX_PLAINTEXT)
		return -EMSGSIZE;
	segs = len ? DIV_ROUND_UP(len, gso_size) : 1;
	if (segs > UDP_MAX_SEGMENTS)
		return -EINVAL;
	if (len + (size_t)segs * ovh > dtls_udp_max_payload(sk))
		return -EMSGSIZE;
	return dtls_send_records(sk, k, msg, o, len, seg, segs,
				 segs > 1 ? seg + ovh : 0);
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
			      const struct dtls_tx_opts *o, size_t len)
{
	struct kvec kv;
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
	kv.iov_base = buf;
	kv.iov_len = len;
	err = dtls_tx_udp(sk, msg, o, &kv, NULL, 1, len, 0);
out:
	kvfree(buf);
	return err;
}

/*
 * An attached socket without keys is plain UDP, but for its UDP_SEGMENT
 * socket option, which is ours (sock.c): UDP gets it as a control message,
 * unless the caller gave one of its own, which UDP takes as it would.
 */
static int dtls_send_plain(struct sock *sk, struct msghdr *msg, size_t len,
			   const struct dtls_tx_opts *o)
{
	u16 gso_size = READ_ONCE(dtls_sk(sk)->tx_gso_size);
	u8 buf[DTLS_TX_CTL_STACK] __aligned(sizeof(long));
	void *control = msg->msg_control;
	size_t controllen = msg->msg_controllen;
	void *heap, *ctl;
	int err;

	if (!gso_size || o->segment)
		return dtls_sk(sk)->base_prot->sendmsg(sk, msg, len);
	err = dtls_tx_ctl_build(msg, gso_size, buf, &heap, &ctl);
	if (err < 0)
		return err;
	msg->msg_control = ctl;
	msg->msg_controllen = err;
	err = dtls_sk(sk)->base_prot->sendmsg(sk, msg, len);
	msg->msg_control = control;
	msg->msg_controllen = controllen;
	kfree(heap);
	return err;
}

int dtls_sk_sendmsg(struct sock *sk, struct msghdr *msg, size_t len)
{
	struct dtls_sock *ds = dtls_sk(sk);
	struct dtls_tx_opts o = {};
	unsigned int gso_size;
	struct dtls_key *k;
	int cmsg_err;
	int err;

	/* A record is a datagram of its own, keyed or not (see above). */
	msg->msg_flags &= ~MSG_MORE;

	/* A session whose listener closed: nothing will reach it again. */
	if (unlikely(READ_ONCE(ds->child.orphaned)))
		return -EPIPE;

	cmsg_err = dtls_tx_cmsgs(msg, &o);
	if (o.type == DTLS_RECORD_NOT_DTLS) {
		/* Not a record: never cut, nor sent with a segment size. */
		if (!cmsg_err && o.segment)
			cmsg_err = -EOPNOTSUPP;
		return cmsg_err ?: dtls_send_not_dtls(sk, msg, &o, len);
	}

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

	/*
	 * The keys are taken once: the records of one send, a batch
	 * included, are all of one epoch, whatever re-key comes meanwhile.
	 */
	k = dtls_tx_key_get(ds);
	if (!k) {
		/* Never plaintext on a socket whose handshake the kernel ran. */
		if (READ_ONCE(ds->hs.state) >= DTLS_HS_STATE_RUNNING)
			return -ENOTCONN;
		return dtls_send_plain(sk, msg, len, &o);
	}

	/*
	 * A splice hands over up to a pipe's worth (64 KiB) at once: seal
	 * the first 2^14 bytes (as one record, or as records of the
	 * UDP_SEGMENT size) and let splice come back for the rest, as it
	 * does after any short send.
	 */
	if ((msg->msg_flags & MSG_SPLICE_PAGES) && len > DTLS_MAX_PLAINTEXT)
		len = DTLS_MAX_PLAINTEXT;
	dtls_udp_drop_late_cork(sk, true);
	gso_size = o.segment ? o.gso_size : READ_ONCE(ds->tx_gso_size);
	err = dtls_tx_check_flags(msg);
	if (!err)
		err = dtls_tx_check_dest(sk, msg);
	if (!err)
		err = cmsg_err;
	if (!err && !gso_size && len > DTLS_MAX_PLAINTEXT)
		err = -EMSGSIZE;
	if (!err && unlikely(dtls_udp_batching(sk)))
		err = -EBUSY;
	if (!err && gso_size)
		err = dtls_send_segments(sk, k, msg, &o, len, gso_size);
	else if (!err)
		err = dtls_send_records(sk, k, msg, &o, len, len, 1, 0);
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
 * Context: process (close, a listener's shutting a session), not under
 * lock_sock().
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
