/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kdtls: DTLS record layer on UDP sockets, socket option interface.
 *
 * A UDP socket is attached to the module with the DTLS_CMD_SOCK_ATTACH
 * generic netlink command (see linux/dtls_netlink.h); from then on it
 * answers setsockopt()/getsockopt() at level SOL_DTLS.
 */
#ifndef _UAPI_LINUX_DTLS_H
#define _UAPI_LINUX_DTLS_H

#include <linux/types.h>
#include <linux/dtls_netlink.h>	/* enum dtls_sock_state */

/*
 * Mainline allocates SOL_* levels sequentially from 256 (SOL_TLS 282,
 * SOL_VSOCK 287, and 288 contested by QRTR and QUIC in 2025/2026).  Levels
 * below 256 alias IPPROTO_* numbers.  An out-of-tree level must never be
 * taken by a future mainline allocation, so it lives far above that block:
 * 0x4454 ("DT") cannot collide with any SOL_* of a kernel through 7.x.
 * Upstreaming would replace it with the next sequential number.
 */
#define SOL_DTLS		0x4454

/* getsockopt(SOL_DTLS, ...) */
#define DTLS_INFO		1	/* struct dtls_info, read-only */

struct dtls_info {
	__u32	state;		/* enum dtls_sock_state */
	__u32	family;		/* AF_INET or AF_INET6 */
	__u64	ino;		/* socket inode number, as in the netlink dump */
};

#endif /* _UAPI_LINUX_DTLS_H */
