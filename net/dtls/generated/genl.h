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

extern const struct nla_policy dtls_hs_config_nl_policy[DTLS_A_HS_SRTP_REQUIRED + 1];

extern const struct nla_policy dtls_psk_add_nl_policy[DTLS_A_HS_PSK_KEY_SERIAL + 1];

extern const struct nla_policy dtls_hs_start_nl_policy[DTLS_A_HS_INO + 1];

extern const struct nla_policy dtls_hs_abort_nl_policy[DTLS_A_HS_INO + 1];

extern const struct nla_policy dtls_hs_get_nl_policy[DTLS_A_HS_INO + 1];

extern const struct nla_policy dtls_cert_set_nl_policy[DTLS_A_HS_CERT_KEY_SERIAL + 1];

extern const struct nla_policy dtls_peer_auth_nl_policy[DTLS_A_HS_PEER_DELEGATE_TIMEOUT_MS + 1];

extern const struct nla_policy dtls_peer_verdict_nl_policy[DTLS_A_HS_VERDICT + 1];

extern const struct nla_policy dtls_export_nl_policy[DTLS_A_HS_EXPORT_LENGTH + 1];

/* Ops table for dtls */
extern const struct genl_ops dtls_nl_ops[11];

int dtls_nl_sock_attach_doit(struct sk_buff *skb, struct genl_info *info);
int dtls_nl_sock_get_doit(struct sk_buff *skb, struct genl_info *info);
int dtls_nl_sock_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int dtls_nl_hs_config_doit(struct sk_buff *skb, struct genl_info *info);
int dtls_nl_psk_add_doit(struct sk_buff *skb, struct genl_info *info);
int dtls_nl_hs_start_doit(struct sk_buff *skb, struct genl_info *info);
int dtls_nl_hs_abort_doit(struct sk_buff *skb, struct genl_info *info);
int dtls_nl_hs_get_doit(struct sk_buff *skb, struct genl_info *info);
int dtls_nl_cert_set_doit(struct sk_buff *skb, struct genl_info *info);
int dtls_nl_peer_auth_doit(struct sk_buff *skb, struct genl_info *info);
int dtls_nl_peer_verdict_doit(struct sk_buff *skb, struct genl_info *info);
int dtls_nl_export_doit(struct sk_buff *skb, struct genl_info *info);

enum {
	DTLS_NLGRP_EVENTS,
};

#endif /* _LINUX_DTLS_GEN_H */
