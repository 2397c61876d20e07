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

/* DTLS_CMD_HS_CONFIG - do */
const struct nla_policy dtls_hs_config_nl_policy[DTLS_A_HS_SRTP_REQUIRED + 1] = {
	[DTLS_A_HS_FD] = { .type = NLA_S32, },
	[DTLS_A_HS_INO] = { .type = NLA_U64, },
	[DTLS_A_HS_ROLE] = NLA_POLICY_RANGE(NLA_U32, 1, 2),
	[DTLS_A_HS_SUITE] = { .type = NLA_U16, },
	[DTLS_A_HS_GROUP] = { .type = NLA_U16, },
	[DTLS_A_HS_MTU] = { .type = NLA_U32, },
	[DTLS_A_HS_RTO_INITIAL_MS] = { .type = NLA_U32, },
	[DTLS_A_HS_RTO_MAX_MS] = { .type = NLA_U32, },
	[DTLS_A_HS_TIMEOUT_MS] = { .type = NLA_U32, },
	[DTLS_A_HS_COOKIES] = NLA_POLICY_MAX(NLA_U8, 1),
	[DTLS_A_HS_PSK_HINT] = { .type = NLA_BINARY, },
	[DTLS_A_HS_START] = { .type = NLA_FLAG, },
	[DTLS_A_HS_ICMP_IGNORE] = NLA_POLICY_MAX(NLA_U8, 1),
	[DTLS_A_HS_SRTP_PROFILE] = { .type = NLA_U16, },
	[DTLS_A_HS_SRTP_MKI] = { .type = NLA_BINARY, },
	[DTLS_A_HS_SRTP_REQUIRED] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* DTLS_CMD_PSK_ADD - do */
const struct nla_policy dtls_psk_add_nl_policy[DTLS_A_HS_PSK_KEY_SERIAL + 1] = {
	[DTLS_A_HS_FD] = { .type = NLA_S32, },
	[DTLS_A_HS_INO] = { .type = NLA_U64, },
	[DTLS_A_HS_PSK_IDENTITY] = { .type = NLA_BINARY, },
	[DTLS_A_HS_PSK_KEY] = { .type = NLA_BINARY, },
	[DTLS_A_HS_PSK_KEY_SERIAL] = { .type = NLA_S32, },
};

/* DTLS_CMD_HS_START - do */
const struct nla_policy dtls_hs_start_nl_policy[DTLS_A_HS_INO + 1] = {
	[DTLS_A_HS_FD] = { .type = NLA_S32, },
	[DTLS_A_HS_INO] = { .type = NLA_U64, },
};

/* DTLS_CMD_HS_ABORT - do */
const struct nla_policy dtls_hs_abort_nl_policy[DTLS_A_HS_INO + 1] = {
	[DTLS_A_HS_FD] = { .type = NLA_S32, },
	[DTLS_A_HS_INO] = { .type = NLA_U64, },
};

/* DTLS_CMD_HS_GET - do */
const struct nla_policy dtls_hs_get_nl_policy[DTLS_A_HS_INO + 1] = {
	[DTLS_A_HS_FD] = { .type = NLA_S32, },
	[DTLS_A_HS_INO] = { .type = NLA_U64, },
};

/* DTLS_CMD_CERT_SET - do */
const struct nla_policy dtls_cert_set_nl_policy[DTLS_A_HS_CERT_KEY_SERIAL + 1] = {
	[DTLS_A_HS_FD] = { .type = NLA_S32, },
	[DTLS_A_HS_INO] = { .type = NLA_U64, },
	[DTLS_A_HS_CERT_DER] = { .type = NLA_BINARY, },
	[DTLS_A_HS_CERT_KEY] = NLA_POLICY_EXACT_LEN(32),
	[DTLS_A_HS_CERT_KEY_SERIAL] = { .type = NLA_S32, },
};

/* DTLS_CMD_PEER_AUTH - do */
const struct nla_policy dtls_peer_auth_nl_policy[DTLS_A_HS_PEER_DELEGATE_TIMEOUT_MS + 1] = {
	[DTLS_A_HS_FD] = { .type = NLA_S32, },
	[DTLS_A_HS_INO] = { .type = NLA_U64, },
	[DTLS_A_HS_PEER_PIN_SHA256] = NLA_POLICY_EXACT_LEN(32),
	[DTLS_A_HS_PEER_CERT_REQUIRED] = NLA_POLICY_MAX(NLA_U8, 1),
	[DTLS_A_HS_PEER_TRUST_KEYRING] = { .type = NLA_S32, },
	[DTLS_A_HS_PEER_NAME] = { .type = NLA_NUL_STRING, .len = 253, },
	[DTLS_A_HS_PEER_SPKI_SHA256] = NLA_POLICY_EXACT_LEN(32),
	[DTLS_A_HS_PEER_DELEGATE] = NLA_POLICY_MAX(NLA_U8, 1),
	[DTLS_A_HS_PEER_DELEGATE_TIMEOUT_MS] = { .type = NLA_U32, },
};

/* DTLS_CMD_PEER_VERDICT - do */
const struct nla_policy dtls_peer_verdict_nl_policy[DTLS_A_HS_VERDICT + 1] = {
	[DTLS_A_HS_FD] = { .type = NLA_S32, },
	[DTLS_A_HS_INO] = { .type = NLA_U64, },
	[DTLS_A_HS_DELEGATION_ID] = { .type = NLA_U32, },
	[DTLS_A_HS_VERDICT] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* DTLS_CMD_EXPORT - do */
const struct nla_policy dtls_export_nl_policy[DTLS_A_HS_EXPORT_LENGTH + 1] = {
	[DTLS_A_HS_FD] = { .type = NLA_S32, },
	[DTLS_A_HS_EXPORT_LABEL] = { .type = NLA_BINARY, },
	[DTLS_A_HS_EXPORT_CONTEXT] = { .type = NLA_BINARY, },
	[DTLS_A_HS_EXPORT_LENGTH] = { .type = NLA_U32, },
};

/* Ops table for dtls */
const struct genl_ops dtls_nl_ops[11] = {
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
	{
		.cmd		= DTLS_CMD_HS_CONFIG,
		.doit		= dtls_nl_hs_config_doit,
		.policy		= dtls_hs_config_nl_policy,
		.maxattr	= DTLS_A_HS_SRTP_REQUIRED,
	},
	{
		.cmd		= DTLS_CMD_PSK_ADD,
		.doit		= dtls_nl_psk_add_doit,
		.policy		= dtls_psk_add_nl_policy,
		.maxattr	= DTLS_A_HS_PSK_KEY_SERIAL,
	},
	{
		.cmd		= DTLS_CMD_HS_START,
		.doit		= dtls_nl_hs_start_doit,
		.policy		= dtls_hs_start_nl_policy,
		.maxattr	= DTLS_A_HS_INO,
	},
	{
		.cmd		= DTLS_CMD_HS_ABORT,
		.doit		= dtls_nl_hs_abort_doit,
		.policy		= dtls_hs_abort_nl_policy,
		.maxattr	= DTLS_A_HS_INO,
	},
	{
		.cmd		= DTLS_CMD_HS_GET,
		.doit		= dtls_nl_hs_get_doit,
		.policy		= dtls_hs_get_nl_policy,
		.maxattr	= DTLS_A_HS_INO,
	},
	{
		.cmd		= DTLS_CMD_CERT_SET,
		.doit		= dtls_nl_cert_set_doit,
		.policy		= dtls_cert_set_nl_policy,
		.maxattr	= DTLS_A_HS_CERT_KEY_SERIAL,
	},
	{
		.cmd		= DTLS_CMD_PEER_AUTH,
		.doit		= dtls_nl_peer_auth_doit,
		.policy		= dtls_peer_auth_nl_policy,
		.maxattr	= DTLS_A_HS_PEER_DELEGATE_TIMEOUT_MS,
	},
	{
		.cmd		= DTLS_CMD_PEER_VERDICT,
		.doit		= dtls_nl_peer_verdict_doit,
		.policy		= dtls_peer_verdict_nl_policy,
		.maxattr	= DTLS_A_HS_VERDICT,
	},
	{
		.cmd		= DTLS_CMD_EXPORT,
		.doit		= dtls_nl_export_doit,
		.policy		= dtls_export_nl_policy,
		.maxattr	= DTLS_A_HS_EXPORT_LENGTH,
	},
};

static const struct genl_multicast_group dtls_nl_mcgrps[] = {
	[DTLS_NLGRP_EVENTS] = { "events", },
};
