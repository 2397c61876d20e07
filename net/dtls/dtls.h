/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdtls internal definitions shared by the files of dtls.ko.
 */
#ifndef _NET_DTLS_DTLS_H
#define _NET_DTLS_DTLS_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <net/netns/generic.h>
#include <net/sock.h>

/*
 * Per attached socket.  Reached from the socket through sk_user_data (RCU;
 * the receive path in softirq reads it) and from the netlink dump through
 * the per-netns list.  Freed after an RCU grace period once the socket is
 * detached; that callback also drops the module reference taken at attach.
 */
struct dtls_sock {
	struct sock *sk;
	struct proto *base_prot;		/* the UDP proto restored on close */
	struct list_head node;		/* in dtls_net.socks, under its lock */
	u64 ino;			/* sock_i_ino(), for user space */
	struct rcu_head rcu;
};

#define DTLS_MODULE_VERSION "0.1.0"

/* Per network namespace: the attached sockets, for dumps and lookups. */
struct dtls_net {
	struct mutex lock;		/* protects socks; process context only */
	struct list_head socks;
};

extern unsigned int dtls_net_id;

static inline struct dtls_net *dtls_net(const struct net *net)
{
	return net_generic(net, dtls_net_id);
}

/* sock.c */
struct dtls_sock *dtls_sock_attach(struct socket *sock,
				   struct netlink_ext_ack *extack);
void dtls_sock_exit(void);

/* netlink.c */
int dtls_netlink_init(void);
void dtls_netlink_exit(void);

#endif /* _NET_DTLS_DTLS_H */
