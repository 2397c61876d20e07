// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP errors for attached sockets.
 *
 * UDP takes a socket with an encap_type for a tunnel, which has no
 * application to tell: it passes ICMP errors only to encap_err_rcv.  An
 * attached socket has an application, so this does what UDP does for a
 * plain socket: with IP_RECVERR/IPV6_RECVERR the error is queued on the
 * error queue; a hard error (port unreachable: ECONNREFUSED) on a
 * connected socket becomes the socket's error, so send(), recv(), poll()
 * and SO_ERROR see it, and a kernel client handshake fails at once.
 *
 * The error queue entry is built here rather than by ip_icmp_error(),
 * which older kernels do not export; the ICMP header is read from the skb
 * for the same reason (older kernels pass neither the errno nor the info).
 *
 * Context: softirq (UDP's ICMP error handler), under rcu_read_lock();
 * @skb's network header is the outer IP header, its transport header the
 * ICMP header, its data the inner IP header.
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/errqueue.h>
#include <linux/udp.h>
#include <net/icmp.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "dtls.h"
#include "handshake.h"

struct dtls_icmp {
	int err;
	bool hard;
	u8 origin;	/* SO_EE_ORIGIN_ICMP or _ICMP6 */
	u8 type;
	u8 code;
	u32 info;
	unsigned int daddr_off;	/* of the inner daddr, from the network hdr */
};

static bool dtls_icmp_v4(struct sock *sk, struct sk_buff *skb,
			 struct dtls_icmp *e)
{
	const struct icmphdr *ih = icmp_hdr(skb);

	e->origin = SO_EE_ORIGIN_ICMP;
	e->type = ih->type;
	e->code = ih->code;
	e->info = 0;
	e->err = EHOSTUNREACH;
	e->hard = false;
	switch (ih->type) {
	case ICMP_SOURCE_QUENCH:
	case ICMP_REDIRECT:
		return false;
	case ICMP_PARAMETERPROB:
		e->err = EPROTO;
		e->hard = true;
		e->info = ntohl(ih->un.gateway) >> 24;
		break;
	case ICMP_DEST_UNREACH:
		if (ih->code == ICMP_FRAG_NEEDED) {
			/* UDP has updated the path MTU already. */
			if (READ_ONCE(inet_sk(sk)->pmtudisc) == IP_PMTUDISC_DONT)
				return false;
			e->err = EMSGSIZE;
			e->hard = true;
			e->info = ntohs(ih->un.frag.mtu);
			break;
		}
		if (ih->code <= NR_ICMP_UNREACH) {
			e->err = icmp_err_convert[ih->code].errno;
			e->hard = icmp_err_convert[ih->code].fatal;
		}
		break;
	default:
		break;
	}
	e->daddr_off = (u8 *)&((struct iphdr *)(ih + 1))->daddr -
		       skb_network_header(skb);
	return true;
}

#if IS_ENABLED(CONFIG_IPV6)
static bool dtls_icmp_v6(struct sock *sk, struct sk_buff *skb,
			 struct dtls_icmp *e)
{
	const struct icmp6hdr *ih = icmp6_hdr(skb);

	e->origin = SO_EE_ORIGIN_ICMP6;
	e->type = ih->icmp6_type;
	e->code = ih->icmp6_code;
	e->info = ntohl(ih->icmp6_mtu);
	if (ih->icmp6_type == NDISC_REDIRECT)
		return false;
	e->hard = icmpv6_err_convert(e->type, e->code, &e->err);
	if (ih->icmp6_type == ICMPV6_PKT_TOOBIG) {
		/* A bit-field on 6.1: no READ_ONCE(); a racy read is harmless. */
		if (inet6_sk(sk)->pmtudisc != IPV6_PMTUDISC_DONT)
			e->hard = true;
	}
	e->daddr_off = (u8 *)&((struct ipv6hdr *)(ih + 1))->daddr -
		       skb_network_header(skb);
	return true;
}
#endif

/* IP_RECVERR for ICMP, IPV6_RECVERR for ICMPv6 (a v4-mapped peer: IP's). */
static bool dtls_icmp_recverr(struct sock *sk, const struct dtls_icmp *e)
{
#ifdef KDTLS_HAVE_INET_TEST_BIT
	if (e->origin == SO_EE_ORIGIN_ICMP6)
		return inet6_test_bit(RECVERR6, sk);
	return inet_test_bit(RECVERR, sk);
#else
#if IS_ENABLED(CONFIG_IPV6)
	if (e->origin == SO_EE_ORIGIN_ICMP6)
		return inet6_sk(sk)->recverr;
#endif
	return inet_sk(sk)->recverr;
#endif
}

/* A copy of @skb on the error queue, as ip_icmp_error() queues it. */
static void dtls_icmp_queue(struct sock *sk, struct sk_buff *skb,
			    const struct dtls_icmp *e, __be16 port,
			    const u8 *payload)
{
	struct sock_exterr_skb *serr;

	skb = skb_clone(skb, GFP_ATOMIC);
	if (!skb)
		return;
	/* The IP control block stays: IP_PKTINFO on the error queue. */
	serr = SKB_EXT_ERR(skb);
	memset(&serr->ee, 0, sizeof(serr->ee));
	serr->opt_stats = 0;
	serr->ee.ee_errno = e->err;
	serr->ee.ee_origin = e->origin;
	serr->ee.ee_type = e->type;
	serr->ee.ee_code = e->code;
	serr->ee.ee_info = e->info;
	serr->addr_offset = e->daddr_off;
	serr->port = port;
	if (e->origin == SO_EE_ORIGIN_ICMP6)
		skb->protocol = htons(ETH_P_IPV6);
	if (skb_pull(skb, payload - skb->data)) {
		skb_reset_transport_header(skb);
		if (!sock_queue_err_skb(sk, skb))
			return;
	}
	kfree_skb(skb);
}

static void dtls_icmp_error_sk(struct sock *sk, struct dtls_sock *ds,
			       struct sk_buff *skb, const struct udphdr *uh)
{
	struct dtls_icmp e;
	bool ok;

#if IS_ENABLED(CONFIG_IPV6)
	if (skb->protocol == htons(ETH_P_IPV6))
		ok = dtls_icmp_v6(sk, skb, &e);
	else
#endif
		ok = dtls_icmp_v4(sk, skb, &e);
	if (!ok)
		return;
	if (dtls_icmp_recverr(sk, &e))
		dtls_icmp_queue(sk, skb, &e, uh->dest, (const u8 *)(uh + 1));
	else if (!e.hard || READ_ONCE(sk->sk_state) != TCP_ESTABLISHED)
		return;
	WRITE_ONCE(sk->sk_err, e.err);
	sk_error_report(sk);
	/*
	 * Only an unreachable peer ends a handshake: a soft error, or a
	 * smaller path MTU (the next flight fits it), does not.
	 */
	if (e.hard && e.err != EMSGSIZE)
		dtls_hs_icmp_error(ds, e.err);
}

static void dtls_icmp_error(struct sock *sk, struct sk_buff *skb,
			    const struct udphdr *uh)
{
	struct dtls_sock *ds = rcu_dereference_sk_user_data(sk);
	struct sock *csk;

	if (!ds)
		return;
	/* At a listener: the error of the session with that peer, if any. */
	if (unlikely(rcu_access_pointer(ds->listener))) {
		csk = dtls_listen_err_child(ds, skb, uh->dest);
		if (csk) {
			struct dtls_sock *cds = rcu_dereference_sk_user_data(csk);

			/* NULL: the child is closing. */
			if (cds)
				dtls_icmp_error_sk(csk, cds, skb, uh);
			sock_put(csk);
			return;
		}
	}
	dtls_icmp_error_sk(sk, ds, skb, uh);
}

#ifdef KDTLS_HAVE_ENCAP_ERR_RCV_INFO
void dtls_encap_err_rcv(struct sock *sk, struct sk_buff *skb, int err,
			__be16 port, u32 info, u8 *payload)
{
	dtls_icmp_error(sk, skb, (const struct udphdr *)payload - 1);
}
#else
void dtls_encap_err_rcv(struct sock *sk, struct sk_buff *skb,
			unsigned int udp_offset)
{
	dtls_icmp_error(sk, skb,
			(const struct udphdr *)(skb->data + udp_offset));
}
#endif
