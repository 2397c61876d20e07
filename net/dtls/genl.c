// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/dtls.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "genl.h"

#include <uapi/linux/dtls_netlink.h>

/* DTLS_CMD_SOCK_ATTACH - do */
const struct nla_policy dtls_sock_attach_nl_policy[DTLS_A_SOCK_FD + 1] = {
	[DTLS_A_SOCK_FD] = { .type = NLA_S32, },
};

/* DTLS_CMD_SOCK_GET - do */
const struct nla_policy dtls_sock_get_nl_policy[DTLS_A_SOCK_INO + 1] = {
	[DTLS_A_SOCK_INO] = { .type = NLA_U64, },
};

/* Ops table for dtls */
const struct genl_ops dtls_nl_ops[2] = {
	{
		.cmd		= DTLS_CMD_SOCK_ATTACH,
		.doit		= dtls_nl_sock_attach_doit,
		.policy		= dtls_sock_attach_nl_policy,
		.maxattr	= DTLS_A_SOCK_FD,
	},
	{
		.cmd		= DTLS_CMD_SOCK_GET,
		.doit		= dtls_nl_sock_get_doit,
		.dumpit		= dtls_nl_sock_get_dumpit,
		.policy		= dtls_sock_get_nl_policy,
		.maxattr	= DTLS_A_SOCK_INO,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
};
