// SPDX-License-Identifier: GPL-2.0
/*
 * The "dtls" generic netlink family: attach sockets, list them; the
 * handshake's commands and events are in netlink_hs.c.
 *
 * The ops table and policies are generated from
 * Documentation/netlink/specs/dtls.yaml into genl.c; this file holds the
 * socket commands' handlers.  All of them run in process context.  Permissions are declared
 * in the spec: attaching needs none (the fd is looked up in the caller's own
 * file table, as kTLS needs none), listing needs CAP_NET_ADMIN in the
 * namespace whose sockets are listed.
 */

#include <linux/file.h>
#include <linux/net.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include <uapi/linux/dtls.h>

#include "dtls.h"
#include "listen.h"
#include "netlink.h"
/* The generated ops and policies (generated/genl.c, from the spec). */
#include "generated/genl.h"

static int dtls_nl_put_addr(struct sk_buff *skb, struct sock *sk)
{
	const struct inet_sock *inet = inet_sk(sk);
	bool connected = READ_ONCE(sk->sk_state) == TCP_ESTABLISHED;
	int err;

	if (nla_put_u16(skb, DTLS_A_SOCK_LOCAL_PORT, READ_ONCE(inet->inet_num)))
		return -EMSGSIZE;
	if (connected &&
	    nla_put_u16(skb, DTLS_A_SOCK_PEER_PORT,
			ntohs(READ_ONCE(inet->inet_dport))))
		return -EMSGSIZE;

#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		struct in6_addr addr = sk->sk_v6_rcv_saddr;

		err = nla_put_in6_addr(skb, DTLS_A_SOCK_LOCAL_ADDR, &addr);
		if (!err && connected) {
			addr = sk->sk_v6_daddr;
			err = nla_put_in6_addr(skb, DTLS_A_SOCK_PEER_ADDR,
					       &addr);
		}
		return err;
	}
#endif
	err = nla_put_in_addr(skb, DTLS_A_SOCK_LOCAL_ADDR,
			      READ_ONCE(inet->inet_rcv_saddr));
	if (!err && connected)
		err = nla_put_in_addr(skb, DTLS_A_SOCK_PEER_ADDR,
				      READ_ONCE(inet->inet_daddr));
	return err;
}

static int dtls_nl_put_keys(struct sk_buff *skb, struct dtls_sock *ds)
{
	struct dtls_key *tx, *rx;
	int err = 0;

	rcu_read_lock();
	tx = rcu_dereference(ds->keys.tx);
	rx = rcu_dereference(ds->keys.rx);
	if (tx && (nla_put_u16(skb, DTLS_A_SOCK_TX_CIPHER, tx->cipher->type) ||
		   nla_put_u16(skb, DTLS_A_SOCK_TX_EPOCH, tx->epoch)))
		err = -EMSGSIZE;
	if (rx && (nla_put_u16(skb, DTLS_A_SOCK_RX_CIPHER, rx->cipher->type) ||
		   nla_put_u16(skb, DTLS_A_SOCK_RX_EPOCH, rx->epoch)))
		err = -EMSGSIZE;
	rcu_read_unlock();
	return err;
}

static int dtls_nl_put_stats(struct sk_buff *skb, struct dtls_sock *ds)
{
	struct nlattr *nest;
	int i;

	/* The counters are in the order of the spec's "stats" set. */
	BUILD_BUG_ON((int)DTLS_A_STATS_TX_RECORDS != (int)DTLS_STAT_TX_RECORDS + 1);
	BUILD_BUG_ON((int)DTLS_A_STATS_MAX != (int)DTLS_SOCK_STAT_NUM);

	nest = nla_nest_start(skb, DTLS_A_SOCK_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < DTLS_SOCK_STAT_NUM; i++) {
		if (nla_put_u64_64bit(skb, i + 1,
				      atomic64_read(&ds->stats.v[i]), 0)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int dtls_nl_put_final(struct sk_buff *skb, struct dtls_sock *ds)
{
	struct dtls_final_flight_info fi;

	dtls_final_info(ds, &fi);
	if (!fi.held)
		return 0;
	if (nla_put_u8(skb, DTLS_A_SOCK_FINAL_HELD, 1) ||
	    nla_put_u32(skb, DTLS_A_SOCK_FINAL_BYTES, fi.bytes) ||
	    nla_put_u32(skb, DTLS_A_SOCK_FINAL_RESENDS, fi.resends) ||
	    nla_put_u32(skb, DTLS_A_SOCK_FINAL_AGE_MS, fi.age_ms))
		return -EMSGSIZE;
	return 0;
}

/* A listening socket's sessions and limits; nothing on other sockets. */
static int dtls_nl_put_listen(struct sk_buff *skb, struct dtls_sock *ds)
{
	struct dtls_listen_info li;
	struct nlattr *nest;

	if (!dtls_listen_get_info(ds, &li))
		return 0;
	nest = nla_nest_start(skb, DTLS_A_SOCK_LISTEN);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, DTLS_A_LISTEN_SESSIONS, li.sessions) ||
	    nla_put_u32(skb, DTLS_A_LISTEN_PENDING, li.pending) ||
	    nla_put_u32(skb, DTLS_A_LISTEN_READY, li.ready) ||
	    nla_put_u32(skb, DTLS_A_LISTEN_BACKLOG, li.backlog) ||
	    nla_put_u32(skb, DTLS_A_LISTEN_MAX_PENDING, li.max_pending) ||
	    nla_put_u32(skb, DTLS_A_LISTEN_ACCEPT_MS, li.accept_ms) ||
	    nla_put_u32(skb, DTLS_A_LISTEN_RATE, li.rate) ||
	    nla_put_u32(skb, DTLS_A_LISTEN_FLAGS, li.flags)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * One socket's attributes.  Called under dtls_net.lock, which keeps the
 * socket alive (close unlinks it first); fields are read without the socket
 * lock, as a snapshot, like sock_diag does.
 */
static int dtls_nl_fill_sock(struct sk_buff *skb, struct dtls_sock *ds,
			     struct user_namespace *user_ns, u32 portid,
			     u32 seq, int flags)
{
	struct sock *sk = ds->sk;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &dtls_nl_family, flags,
			  DTLS_CMD_SOCK_GET);
	if (!hdr)
		return -EMSGSIZE;

	if (nla_put_u64_64bit(skb, DTLS_A_SOCK_INO, ds->ino, 0) ||
	    nla_put_u32(skb, DTLS_A_SOCK_NETNS_INO, sock_net(sk)->ns.inum) ||
	    nla_put_u16(skb, DTLS_A_SOCK_FAMILY, sk->sk_family) ||
	    dtls_nl_put_addr(skb, sk) ||
	    nla_put_u32(skb, DTLS_A_SOCK_STATE, DTLS_SOCK_STATE_ATTACHED) ||
	    nla_put_u32(skb, DTLS_A_SOCK_UID,
			from_kuid_munged(user_ns, sk_uid(sk))) ||
	    dtls_nl_put_keys(skb, ds) || dtls_nl_put_stats(skb, ds) ||
	    dtls_nl_put_final(skb, ds) || dtls_nl_put_listen(skb, ds)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

int dtls_nl_sock_attach_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct dtls_sock *ds;
	struct socket *sock;
	struct sk_buff *msg;
	void *hdr;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, DTLS_A_SOCK_FD))
		return -EINVAL;

	sock = sockfd_lookup(nla_get_s32(info->attrs[DTLS_A_SOCK_FD]), &err);
	if (!sock) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[DTLS_A_SOCK_FD],
				    "not an open socket of the caller");
		return err;
	}

	msg = genlmsg_new(nla_total_size_64bit(sizeof(u64)), GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto out;
	}

	ds = dtls_sock_attach(sock, info->extack, GFP_KERNEL_ACCOUNT);
	if (IS_ERR(ds)) {
		err = PTR_ERR(ds);
		nlmsg_free(msg);
		goto out;
	}
	dtls_sock_watch(ds);

	/* The socket is attached now: a reply too small is not a failure. */
	hdr = genlmsg_put(msg, info->snd_portid, info->snd_seq, &dtls_nl_family,
			  0, DTLS_CMD_SOCK_ATTACH);
	if (!hdr || nla_put_u64_64bit(msg, DTLS_A_SOCK_INO, ds->ino, 0)) {
		nlmsg_free(msg);
		err = 0;
		goto out;
	}
	genlmsg_end(msg, hdr);
	err = genlmsg_reply(msg, info);
out:
	sockfd_put(sock);
	return err;
}

int dtls_nl_sock_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct dtls_net *dn = dtls_net(genl_info_net(info));
	struct dtls_sock *ds;
	struct sk_buff *msg;
	u64 ino;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, DTLS_A_SOCK_INO))
		return -EINVAL;
	ino = nla_get_u64(info->attrs[DTLS_A_SOCK_INO]);

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	err = -ENOENT;
	mutex_lock(&dn->lock);
	list_for_each_entry(ds, &dn->socks, node) {
		if (ds->ino != ino)
			continue;
		dtls_sock_reclaim_check(dn, ds);
		err = dtls_nl_fill_sock(msg, ds, sk_user_ns(NETLINK_CB(skb).sk),
					info->snd_portid, info->snd_seq, 0);
		break;
	}
	mutex_unlock(&dn->lock);

	if (err) {
		if (err == -ENOENT)
			NL_SET_ERR_MSG_ATTR(info->extack,
					    info->attrs[DTLS_A_SOCK_INO],
					    "no attached socket with this inode number");
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* cb->args[0]: how many sockets of the list earlier calls have sent. */
int dtls_nl_sock_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct dtls_net *dn = dtls_net(sock_net(skb->sk));
	struct user_namespace *user_ns = sk_user_ns(NETLINK_CB(cb->skb).sk);
	struct dtls_sock *ds;
	long idx = 0;
	int err = 0;

	mutex_lock(&dn->lock);
	list_for_each_entry(ds, &dn->socks, node) {
		if (idx++ < cb->args[0])
			continue;
		dtls_sock_reclaim_check(dn, ds);
		err = dtls_nl_fill_sock(skb, ds, user_ns,
					NETLINK_CB(cb->skb).portid,
					cb->nlh->nlmsg_seq, NLM_F_MULTI);
		if (err)
			break;
		cb->args[0] = idx;
	}
	mutex_unlock(&dn->lock);

	/* A full skb ends this round; the dump goes on in the next. */
	if (err && err != -EMSGSIZE)
		return err;
	return skb->len;
}

/*
 * Handshake events name sockets and clients' identities: subscribing takes
 * CAP_NET_ADMIN in the network namespace's user namespace.  The spec says
 * so (admin-perm), but 6.12's generator leaves mcast group flags out of
 * generated/genl.c, so the family uses this table; the generated enum sizes it.
 * A kernel without the flag would let anyone subscribe: the module does
 * not build there rather than leak.
 */
#ifndef GENL_MCAST_CAP_NET_ADMIN
#error "kdtls needs GENL_MCAST_CAP_NET_ADMIN (6.6, backported to Debian's 6.1)"
#endif

static const struct genl_multicast_group dtls_nl_mcgrps_admin[] = {
	[DTLS_NLGRP_EVENTS] = {
		.name	= "events",
		.flags	= GENL_MCAST_CAP_NET_ADMIN,
	},
};

static_assert(ARRAY_SIZE(dtls_nl_mcgrps_admin) == DTLS_NLGRP_EVENTS + 1);

struct genl_family dtls_nl_family __ro_after_init = {
	.name		= DTLS_FAMILY_NAME,
	.version	= DTLS_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= dtls_nl_ops,
	.n_ops		= ARRAY_SIZE(dtls_nl_ops),
	.mcgrps		= dtls_nl_mcgrps_admin,
	.n_mcgrps	= ARRAY_SIZE(dtls_nl_mcgrps_admin),
	.resv_start_op	= DTLS_CMD_SOCK_GET + 1,
};

int __init dtls_netlink_init(void)
{
	return genl_register_family(&dtls_nl_family);
}

void dtls_netlink_exit(void)
{
	genl_unregister_family(&dtls_nl_family);
}
