/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/dtls.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_DTLS_NETLINK_H
#define _UAPI_LINUX_DTLS_NETLINK_H

#define DTLS_FAMILY_NAME	"dtls"
#define DTLS_FAMILY_VERSION	1

/**
 * enum dtls_sock_state - Life cycle of an attached socket.
 * @DTLS_SOCK_STATE_ATTACHED: Attached, no keys installed; datagrams pass
 *   unchanged.
 */
enum dtls_sock_state {
	DTLS_SOCK_STATE_ATTACHED = 1,
};

enum dtls_hs_role {
	DTLS_HS_ROLE_CLIENT = 1,
	DTLS_HS_ROLE_SERVER,
};

/**
 * enum dtls_hs_state - Life cycle of the in-kernel handshake on a socket.
 * @DTLS_HS_STATE_CONFIGURED: Parameters or credentials set, not started.
 * @DTLS_HS_STATE_RUNNING: Handshake in progress (a server may be waiting for a
 *   ClientHello).
 * @DTLS_HS_STATE_ESTABLISHED: Handshake done; the record layer carries the
 *   data.
 * @DTLS_HS_STATE_FAILED: Handshake failed or aborted; see error and alert.
 */
enum dtls_hs_state {
	DTLS_HS_STATE_CONFIGURED = 1,
	DTLS_HS_STATE_RUNNING,
	DTLS_HS_STATE_ESTABLISHED,
	DTLS_HS_STATE_FAILED,
};

enum {
	DTLS_A_SOCK_FD = 1,
	DTLS_A_SOCK_INO,
	DTLS_A_SOCK_NETNS_INO,
	DTLS_A_SOCK_FAMILY,
	DTLS_A_SOCK_LOCAL_ADDR,
	DTLS_A_SOCK_LOCAL_PORT,
	DTLS_A_SOCK_PEER_ADDR,
	DTLS_A_SOCK_PEER_PORT,
	DTLS_A_SOCK_STATE,
	DTLS_A_SOCK_UID,
	DTLS_A_SOCK_TX_CIPHER,
	DTLS_A_SOCK_TX_EPOCH,
	DTLS_A_SOCK_RX_CIPHER,
	DTLS_A_SOCK_RX_EPOCH,
	DTLS_A_SOCK_STATS,

	__DTLS_A_SOCK_MAX,
	DTLS_A_SOCK_MAX = (__DTLS_A_SOCK_MAX - 1)
};

enum {
	DTLS_A_HS_FD = 1,
	DTLS_A_HS_INO,
	DTLS_A_HS_ROLE,
	DTLS_A_HS_SUITE,
	DTLS_A_HS_GROUP,
	DTLS_A_HS_MTU,
	DTLS_A_HS_RTO_INITIAL_MS,
	DTLS_A_HS_RTO_MAX_MS,
	DTLS_A_HS_TIMEOUT_MS,
	DTLS_A_HS_COOKIES,
	DTLS_A_HS_PSK_IDENTITY,
	DTLS_A_HS_PSK_KEY,
	DTLS_A_HS_PSK_KEY_SERIAL,
	DTLS_A_HS_PSK_HINT,
	DTLS_A_HS_STATE,
	DTLS_A_HS_PEER_IDENTITY,
	DTLS_A_HS_ERROR,
	DTLS_A_HS_ALERT,
	DTLS_A_HS_ALERT_REMOTE,

	__DTLS_A_HS_MAX,
	DTLS_A_HS_MAX = (__DTLS_A_HS_MAX - 1)
};

enum {
	DTLS_A_STATS_TX_RECORDS = 1,
	DTLS_A_STATS_TX_BYTES,
	DTLS_A_STATS_RX_RECORDS,
	DTLS_A_STATS_RX_BYTES,
	DTLS_A_STATS_RX_AUTH_FAIL,
	DTLS_A_STATS_RX_REPLAY,
	DTLS_A_STATS_RX_BAD_EPOCH,
	DTLS_A_STATS_RX_MALFORMED,
	DTLS_A_STATS_RX_NOT_DTLS,
	DTLS_A_STATS_RX_DROPPED,

	__DTLS_A_STATS_MAX,
	DTLS_A_STATS_MAX = (__DTLS_A_STATS_MAX - 1)
};

enum {
	DTLS_CMD_SOCK_ATTACH = 1,
	DTLS_CMD_SOCK_GET,
	DTLS_CMD_HS_CONFIG,
	DTLS_CMD_PSK_ADD,
	DTLS_CMD_HS_START,
	DTLS_CMD_HS_ABORT,
	DTLS_CMD_HS_GET,
	DTLS_CMD_HS_DONE_NTF,
	DTLS_CMD_HS_FAILED_NTF,

	__DTLS_CMD_MAX,
	DTLS_CMD_MAX = (__DTLS_CMD_MAX - 1)
};

#define DTLS_MCGRP_EVENTS	"events"

#endif /* _UAPI_LINUX_DTLS_NETLINK_H */
