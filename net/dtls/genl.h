/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/dtls.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_DTLS_GEN_H
#define _LINUX_DTLS_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/dtls_netlink.h>

extern const struct nla_policy dtls_sock_attach_nl_policy[DTLS_A_SOCK_FD + 1];

extern const struct nla_policy dtls_sock_get_nl_policy[DTLS_A_SOCK_INO + 1];

/* Ops table for dtls */
extern const struct genl_ops dtls_nl_ops[2];

int dtls_nl_sock_attach_doit(struct sk_buff *skb, struct genl_info *info);
int dtls_nl_sock_get_doit(struct sk_buff *skb, struct genl_info *info);
int dtls_nl_sock_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

#endif /* _LINUX_DTLS_GEN_H */
