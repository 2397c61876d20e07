/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kdtls: DTLS record layer on UDP sockets, socket option interface.
 *
 * A UDP socket is attached to the module with the DTLS_CMD_SOCK_ATTACH
 * generic netlink command (see linux/dtls_netlink.h); from then on it
 * answers setsockopt()/getsockopt() at level SOL_DTLS.  The model is kTLS
 * (linux/tls.h): user space does the handshake and hands the traffic keys
 * over; the kernel seals and opens every record.
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

/* Socket options, level SOL_DTLS */
#define DTLS_INFO		1	/* get: struct dtls_info */
#define DTLS_TX			2	/* set/get: struct dtls12_crypto_info_* */
#define DTLS_RX			3	/* set/get: struct dtls12_crypto_info_* */
#define DTLS_REPLAY_WINDOW	4	/* set/get: int, in records */
#define DTLS_FINAL_FLIGHT	5	/* get: struct dtls_final_flight_info */
#define DTLS_FINAL_FLIGHT_DROP	6	/* set: drop the kept last flight */
#define DTLS_FINAL_FLIGHT_LIFETIME 7	/* set/get: __u32 ms, 0: never */
#define DTLS_FINAL_FLIGHT_RESENDS 8	/* set/get: __u32, resends at most */
#define DTLS_EXPORT_KEYING_MATERIAL 9	/* get: struct dtls_export in, bytes out */
#define DTLS_EXPORTER_WIPE	10	/* set: wipe the master secret (no value) */
#define DTLS_SRTP		11	/* get: struct dtls_srtp_info */
#define DTLS_LISTEN_INFO	12	/* get: struct dtls_listen_info */
#define DTLS_LISTEN_MAX_PENDING	13	/* set/get: __u32, handshakes at once */
#define DTLS_LISTEN_ACCEPT_MS	14	/* set/get: __u32 ms an unaccepted session lives */
#define DTLS_LISTEN_RATE	15	/* set/get: __u32 ClientHellos/s per source address */

/* Control messages, level SOL_DTLS */
#define DTLS_SET_RECORD_TYPE	1	/* sendmsg: __u8 content type */
#define DTLS_GET_RECORD_TYPE	2	/* recvmsg: __u8 content type */
/*
 * sendmsg, no data: the datagram is not DTLS (RFC 7983: STUN, SRTP) and
 * leaves as it is, in any state; its first byte must not be 20..63.
 */
#define DTLS_SET_NOT_DTLS	3

/* DTLS_GET_RECORD_TYPE of a datagram that is not DTLS (RFC 7983 demux). */
#define DTLS_RECORD_NOT_DTLS	0

/* Record content types (RFC 5246 6.2.1) */
#define DTLS_RECORD_TYPE_CHANGE_CIPHER_SPEC	20
#define DTLS_RECORD_TYPE_ALERT			21
#define DTLS_RECORD_TYPE_HANDSHAKE		22
#define DTLS_RECORD_TYPE_DATA			23

#define DTLS_1_2_VERSION	0xfefd	/* as on the wire: {254, 253} */

/* Cipher types; the values of the AEADs kTLS also has are kTLS's. */
#define DTLS_CIPHER_AES_GCM_128		51
#define DTLS_CIPHER_AES_GCM_256		52
#define DTLS_CIPHER_AES_CCM_128		53	/* 16-byte tag, RFC 6655 */
#define DTLS_CIPHER_CHACHA20_POLY1305	54	/* RFC 7905 */
#define DTLS_CIPHER_AES_CCM_8_128	60	/* 8-byte tag, RFC 6655 */

#define DTLS_REPLAY_WINDOW_MIN		32
#define DTLS_REPLAY_WINDOW_DEFAULT	64
#define DTLS_REPLAY_WINDOW_MAX		4096

#define DTLS_SEQ_MAX		((1ULL << 48) - 1)

/*
 * Common head of every crypto_info.  All fields in host byte order.
 *  version:     DTLS_1_2_VERSION
 *  cipher_type: DTLS_CIPHER_*
 *  epoch:       epoch of these keys, >= 1; a later install for the same
 *               direction must be epoch + 1 (re-key)
 *  reserved:    0
 *  seq:         TX: sequence number of the first record sent (<= 2^48-1)
 *               RX: lowest sequence number accepted; records below it are
 *               taken as already received (e.g. the Finished that the
 *               handshake in user space already read)
 * On getsockopt() the key is returned zeroed and seq is the next sequence
 * number to send (TX) or one above the highest authenticated (RX).
 */
struct dtls_crypto_info {
	__u16	version;
	__u16	cipher_type;
	__u16	epoch;
	__u16	reserved;
	__u64	seq;
};

/* The explicit nonce of GCM and CCM records is epoch|seq, never random. */
struct dtls12_crypto_info_aes_gcm_128 {
	struct dtls_crypto_info info;
	__u8	key[16];
	__u8	salt[4];	/* client/server_write_IV of the key block */
	__u8	reserved[4];
};

struct dtls12_crypto_info_aes_gcm_256 {
	struct dtls_crypto_info info;
	__u8	key[32];
	__u8	salt[4];
	__u8	reserved[4];
};

/* For DTLS_CIPHER_AES_CCM_128 and DTLS_CIPHER_AES_CCM_8_128 */
struct dtls12_crypto_info_aes_ccm_128 {
	struct dtls_crypto_info info;
	__u8	key[16];
	__u8	salt[4];
	__u8	reserved[4];
};

/* RFC 7905: nonce = iv XOR (0^32 || epoch|seq); no explicit nonce. */
struct dtls12_crypto_info_chacha20_poly1305 {
	struct dtls_crypto_info info;
	__u8	key[32];
	__u8	iv[12];
	__u8	reserved[4];
};

/* getsockopt(SOL_DTLS, DTLS_INFO); a shorter buffer gets a prefix. */
struct dtls_info {
	__u32	state;		/* enum dtls_sock_state */
	__u32	family;		/* AF_INET or AF_INET6 */
	__u64	ino;		/* socket inode number, as in the netlink dump */
	__u16	tx_cipher;	/* DTLS_CIPHER_*, 0 without TX keys */
	__u16	rx_cipher;	/* DTLS_CIPHER_*, 0 without RX keys */
	__u16	tx_epoch;
	__u16	rx_epoch;
};

/*
 * The last flight of a kernel handshake (the server's CCS and Finished in
 * a full handshake) is kept after it, resent when the peer's Finished
 * comes again authenticated, and dropped on the first application record
 * from the peer, on DTLS_FINAL_FLIGHT_DROP, or after its lifetime
 * (default 2 x MSL = 240 s).
 */
#define DTLS_FINAL_FLIGHT_LIFETIME_DEFAULT	240000
#define DTLS_FINAL_FLIGHT_RESENDS_DEFAULT	8

/* Why a kept flight went */
#define DTLS_FINAL_DROP_DATA	1	/* the peer's application data */
#define DTLS_FINAL_DROP_USER	2	/* DTLS_FINAL_FLIGHT_DROP */
#define DTLS_FINAL_DROP_TIMER	3	/* its lifetime ran out */

/* getsockopt(SOL_DTLS, DTLS_FINAL_FLIGHT); a shorter buffer gets a prefix. */
struct dtls_final_flight_info {
	__u32	held;		/* 1 while kept */
	__u32	bytes;		/* of the kept flight's messages */
	__u32	resends;	/* resends attempted (also after the drop) */
	__u32	age_ms;		/* since kept (while held) */
	__u32	dropped_by;	/* DTLS_FINAL_DROP_*, 0 if not dropped */
	__u32	late;		/* peer retransmissions ignored since */
};

/*
 * getsockopt(SOL_DTLS, DTLS_EXPORT_KEYING_MATERIAL): the RFC 5705 exporter
 * of a session the kernel's handshake established (always with the
 * extended master secret, RFC 7627).  @optval holds this header, then
 * @label_len bytes of label and @context_len bytes of context; *optlen
 * must cover both and also @length.  On success the first @length bytes
 * of @optval are PRF(master_secret, label, client_random + server_random
 * [+ uint16 context_len + context]) and *optlen is @length.
 *
 * Errors: EINVAL a malformed request (sizes, flags, reserved, a NUL in the
 * label, a label of the key schedule's own: "client finished", "server
 * finished", "master secret", "key expansion", "extended master secret");
 * EMSGSIZE @length, @label_len or @context_len past its bound; ENOTCONN
 * no kernel handshake has been established on the socket (also a socket
 * keyed from user space); EKEYEXPIRED the master secret was wiped
 * (DTLS_EXPORTER_WIPE).  The master secret is kept from the end of the
 * handshake until DTLS_EXPORTER_WIPE or close, and wiped then.
 */
#define DTLS_EXPORT_LEN_MAX		4096
#define DTLS_EXPORT_LABEL_MAX		64
#define DTLS_EXPORT_CONTEXT_MAX		1024

#define DTLS_EXPORT_F_CONTEXT	0x1	/* use a context (even an empty one) */

struct dtls_export {
	__u32	length;		/* bytes wanted, 1..DTLS_EXPORT_LEN_MAX */
	__u16	label_len;	/* 1..DTLS_EXPORT_LABEL_MAX */
	__u16	context_len;	/* 0..DTLS_EXPORT_CONTEXT_MAX; F_CONTEXT only */
	__u32	flags;		/* DTLS_EXPORT_F_* */
	__u32	reserved;	/* 0 */
	/* __u8 label[label_len], context[context_len] follow */
};

/*
 * getsockopt(SOL_DTLS, DTLS_SRTP): the use_srtp result (RFC 5764) of the
 * kernel's handshake once established; @profile 0 before, or when none
 * was negotiated.  A shorter buffer gets a prefix.
 */
struct dtls_srtp_info {
	__u16	profile;	/* SRTP protection profile, IANA value */
	__u16	mki_len;	/* 0..255 */
	__u8	mki[256];
};

/*
 * A listening socket (listen(2) on an attached, bound server socket whose
 * handshake is configured): its limits and what it holds now.
 */
#define DTLS_LISTEN_MAX_PENDING_DEFAULT	256
#define DTLS_LISTEN_MAX_PENDING_MAX	65536
#define DTLS_LISTEN_ACCEPT_MS_DEFAULT	30000
#define DTLS_LISTEN_RATE_DEFAULT	20	/* burst: the same */

struct dtls_listen_info {
	__u32	sessions;	/* in its table: pending, ready and accepted */
	__u32	pending;	/* handshakes running */
	__u32	ready;		/* established, waiting for accept() */
	__u32	backlog;	/* listen(2)'s, the most @ready may reach */
	__u32	max_pending;
	__u32	accept_ms;
	__u32	rate;
	__u32	flags;		/* DTLS_LISTEN_F_* */
};

/* The sessions' handshakes run in user space (listen(2) without one). */
#define DTLS_LISTEN_F_USER_HANDSHAKE	1

#endif /* _UAPI_LINUX_DTLS_H */
