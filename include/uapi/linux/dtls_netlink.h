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

	__DTLS_A_SOCK_MAX,
	DTLS_A_SOCK_MAX = (__DTLS_A_SOCK_MAX - 1)
};

enum {
	DTLS_CMD_SOCK_ATTACH = 1,
	DTLS_CMD_SOCK_GET,

	__DTLS_CMD_MAX,
	DTLS_CMD_MAX = (__DTLS_CMD_MAX - 1)
};

#endif /* _UAPI_LINUX_DTLS_NETLINK_H */
