/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libdtls: user-space interface to the kdtls "dtls" generic netlink family.
 *
 * Two kinds of functions:
 *
 *  - Netlink requests.  dtls_open() opens a handle, struct dtls_nl: one
 *    netlink socket, with the family id resolved once.  Each request
 *    function below takes it first and sends exactly one request of the
 *    netlink spec (Documentation/netlink/specs/dtls.yaml), and is named
 *    after it: sock-attach is dtls_sock_attach(), sock-get
 *    dtls_sock_get() (do) and dtls_sock_dump() (dump), hs-config
 *    dtls_hs_config(), psk-add dtls_psk_add(), hs-start
 *    dtls_hs_start(), hs-abort dtls_hs_abort(), hs-get dtls_hs_get(),
 *    the events group dtls_monitor() (and dtls_monitor_peer(), which
 *    also gets peer-cert-ntf), peer-verdict dtls_peer_verdict().
 *    dtls_hs_setup() alone sends
 *    three (attach, psk-add, hs-config) in one message.
 *  - Everything else (setsockopt helpers, names, parsing, files): plain
 *    functions that take no handle.
 *
 * A handle is used by one thread at a time (or one handle per thread),
 * and only in the process that opened it: a child of fork() opens its
 * own.  Its socket stays in the network namespace and with the
 * credentials it was opened with.  It is bound to the family it
 * resolved: once the kdtls module is unloaded its calls fail (-ENOENT,
 * with an empty message); after a reload, close it and open another.
 * There is no global state: all of it is in the handle.
 *
 * Return convention: 0 or a negative errno value.  -ENOENT with an empty
 * message from dtls_open() means the generic netlink family "dtls" is
 * not registered: the kdtls module is not loaded.  Where a function
 * takes @msg and @msglen, @msg receives the kernel's extended ack text
 * (NLMSGERR_ATTR_MSG) when the kernel sent one, else ""; @msg may be NULL
 * when @msglen is 0.
 *
 * A socket is named by @fd (a socket of the calling process) or, in the
 * handshake requests when @fd < 0, by @ino, its inode number (that needs
 * CAP_NET_ADMIN in the handle's network namespace).
 */
#ifndef LIBDTLS_H
#define LIBDTLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <linux/dtls.h>		/* struct dtls_listen_info, DTLS_LISTEN_* */

#ifdef __cplusplus
extern "C" {
#endif

#define DTLS_TOOLS_VERSION "0.1.0"

/*
 * One attached socket, as reported by DTLS_CMD_SOCK_GET.
 *
 * Addresses are in network byte order: 4 bytes for AF_INET (the remaining
 * 12 are zero), 16 for AF_INET6.  Ports are in host byte order.  peer_addr
 * and peer_port are zero unless connected.  state is an enum
 * dtls_sock_state value (linux/dtls_netlink.h).
 */
/* Record layer counters of one socket (DTLS_A_SOCK_STATS), since attach. */
struct dtls_sock_stats {
	uint64_t	tx_records;
	uint64_t	tx_bytes;
	uint64_t	rx_records;
	uint64_t	rx_bytes;
	uint64_t	rx_auth_fail;
	uint64_t	rx_replay;
	uint64_t	rx_bad_epoch;
	uint64_t	rx_malformed;
	uint64_t	rx_not_dtls;
	uint64_t	rx_dropped;
	uint64_t	final_resent;		/* kept last flight resends attempted */
	uint64_t	final_drop_data;	/* ... dropped on peer data */
	uint64_t	final_drop_user;	/* ... by DTLS_FINAL_FLIGHT_DROP */
	uint64_t	final_drop_timer;	/* ... after its lifetime */
	uint64_t	final_late;		/* peer resends ignored after */
};

struct dtls_sock_info {
	uint64_t	ino;
	uint32_t	netns_ino;
	uint16_t	family;
	bool		connected;
	uint8_t		local_addr[16];
	uint16_t	local_port;
	uint8_t		peer_addr[16];
	uint16_t	peer_port;
	uint32_t	state;
	uint32_t	uid;
	uint16_t	tx_cipher;	/* DTLS_CIPHER_*, 0 without TX keys */
	uint16_t	tx_epoch;
	uint16_t	rx_cipher;	/* DTLS_CIPHER_*, 0 without RX keys */
	uint16_t	rx_epoch;
	bool		has_stats;	/* the kernel sent DTLS_A_SOCK_STATS */
	struct dtls_sock_stats stats;
	bool		final_held;	/* a kept last flight (final.c) */
	uint32_t	final_bytes;
	uint32_t	final_resends;
	uint32_t	final_age_ms;
	/*
	 * A listening socket (listen(2)): the kernel sent DTLS_A_SOCK_LISTEN,
	 * its sessions and limits as getsockopt DTLS_LISTEN_INFO gives them
	 * (reserved is 0).  All zero on other sockets.
	 */
	bool		is_listener;
	struct dtls_listen_info listen;
};

/*
 * dtls_cipher_name() - short name of a DTLS_CIPHER_* value (linux/dtls.h).
 *
 * Return: "aes-gcm-128", "aes-gcm-256", "aes-ccm-128", "aes-ccm-8",
 * "chacha20-poly1305", or NULL for a value this library does not know.
 */
const char *dtls_cipher_name(uint16_t cipher);

/*
 * dtls_crypto_info_size() - size of the struct dtls12_crypto_info_* that
 * DTLS_TX/DTLS_RX take for @cipher.
 *
 * Return: the size, or -EINVAL for an unknown cipher.
 */
ssize_t dtls_crypto_info_size(uint16_t cipher);

/*
 * dtls_set_tx(), dtls_set_rx() - install the keys of one direction:
 * setsockopt(fd, SOL_DTLS, DTLS_TX or DTLS_RX, crypto_info, len).
 * @fd: an attached, connected UDP socket.
 * @crypto_info: a struct dtls12_crypto_info_* (linux/dtls.h).
 * @len: its exact size (see dtls_crypto_info_size()).
 *
 * Return: 0 or -errno (see Documentation/dtls.rst, "Record layer").
 */
int dtls_set_tx(int fd, const void *crypto_info, size_t len);
int dtls_set_rx(int fd, const void *crypto_info, size_t len);

/*
 * dtls_get_tx(), dtls_get_rx() - read back the installed keys of one
 * direction; the kernel returns the key zeroed and seq the next sequence
 * number to send (TX) or one above the highest authenticated (RX).
 * @len: in: size of @crypto_info; out: bytes returned.
 *
 * Return: 0, -ENOKEY without keys, or another -errno.
 */
int dtls_get_tx(int fd, void *crypto_info, size_t *len);
int dtls_get_rx(int fd, void *crypto_info, size_t *len);

/*
 * dtls_state_name() - name of an enum dtls_sock_state value.
 *
 * Return: "attached", or "unknown" for any value this library does not know.
 */
const char *dtls_state_name(uint32_t state);

/*
 * dtls_sock_info_format_addr() - format the local or peer address of @info.
 * @info: socket description.
 * @peer: format the peer address instead of the local one.
 * @buf: receives "1.2.3.4:5" (AF_INET) or "[::1]:5" (AF_INET6),
 *	 NUL-terminated.  64 bytes are always enough.
 * @len: size of @buf.
 *
 * Return: 0, -ENOTCONN if @peer and the socket is not connected,
 * -EAFNOSUPPORT for another family, -ENOSPC if @buf is too small.
 */
int dtls_sock_info_format_addr(const struct dtls_sock_info *info, bool peer,
			       char *buf, size_t len);

/* ------------------------------------------------------------------------
 * The in-kernel handshake: its configuration and result.
 */
struct dtls_hs_config {
	uint32_t	role;		/* DTLS_HS_ROLE_*, 0: leave as is */
	const uint16_t	*suites;	/* IANA values, preference order */
	size_t		n_suites;	/* 0: leave as is */
	const uint16_t	*groups;	/* IANA values (23, 29) */
	size_t		n_groups;
	uint32_t	mtu;		/* 0: leave as is (and below) */
	uint32_t	rto_initial_ms;
	uint32_t	rto_max_ms;
	uint32_t	timeout_ms;
	int		cookies;	/* -1: leave as is, else 0 or 1 */
	const void	*hint;		/* NULL: leave as is */
	size_t		hint_len;
	int		start;		/* 1: then start (hs-config's start) */
	int		icmp_ignore;	/* client: 1 waits out ICMP errors,
					 * -1 fails on the first (default),
					 * 0: leave as is */
	/* use_srtp (RFC 5764): profiles in order of preference, 0: leave */
	const uint16_t	*srtp_profiles;	/* DTLS_SRTP_* */
	size_t		n_srtp_profiles;
	const void	*srtp_mki;	/* a client's; NULL: leave as is */
	size_t		srtp_mki_len;	/* 0..255 */
	int		srtp_required;	/* 1 require, -1 not, 0 leave */
};

struct dtls_hs_info {
	uint64_t	ino;
	uint32_t	role;		/* DTLS_HS_ROLE_* */
	uint32_t	state;		/* DTLS_HS_STATE_*, 0 if never used */
	uint16_t	suite;		/* IANA, once established */
	uint8_t		peer_id[128];
	size_t		peer_id_len;
	uint32_t	error;		/* positive errno, once failed */
	uint8_t		alert;
	bool		alert_remote;
	uint8_t		cmd;		/* events: DTLS_CMD_HS_{DONE,FAILED}_NTF */
	/* Certificate suites, established: the peer's certificate... */
	bool		has_peer_cert;
	uint8_t		peer_cert_sha256[32];
	uint8_t		peer_subject[1024];	/* its subject Name, DER */
	size_t		peer_subject_len;
	/* ... or raw public key (RFC 7250): its type, its key's digest. */
	bool		has_peer_key;
	uint8_t		peer_cert_type;		/* DTLS_CERT_TYPE_* */
	uint8_t		peer_spki_sha256[32];	/* of its SubjectPublicKeyInfo */
	/* use_srtp (RFC 5764), established: the profile (0: none), MKI */
	uint16_t	srtp_profile;
	uint8_t		srtp_mki[255];
	size_t		srtp_mki_len;
};

const char *dtls_hs_state_name(uint32_t state);
const char *dtls_suite_name(uint16_t suite);
const char *dtls_alert_name(uint8_t alert);

/*
 * dtls_hs_role_name() - "client", "server", or "none" for 0 and unknown
 * values.
 */
const char *dtls_hs_role_name(uint32_t role);

/*
 * dtls_suite_parse() - a cipher suite by OpenSSL name (as dtls_suite_name()
 * returns, case-insensitive) or by number ("0x00a8", "168").  Numbers are
 * taken as they are, known or not: the kernel has the last word.
 * Return: 0, or -EINVAL for an unknown name or a number above 0xffff.
 */
int dtls_suite_parse(const char *s, uint16_t *suite);

/*
 * dtls_group_name(), dtls_group_parse() - ECDHE groups: "x25519" (29),
 * "secp256r1" (23, also "p-256", "p256", "prime256v1"), or a number.
 * dtls_group_name() returns "unknown" for other values.
 */
const char *dtls_group_name(uint16_t group);
int dtls_group_parse(const char *s, uint16_t *group);

/*
 * dtls_read_file() - at most @max bytes of @path ("-": standard input)
 * into @buf, with read(2) so that no stdio buffer keeps a copy of a key.
 * Return: the length; -EFBIG if there is more; -errno.  On error @buf is
 * wiped.
 */
ssize_t dtls_read_file(const char *path, uint8_t *buf, size_t max);

/* Hex digits in @buf (white space ignored) to bytes, in place: the byte
 * count, or -EINVAL for anything else or an odd number of digits. */
ssize_t dtls_unhex(uint8_t *buf, size_t len);

/* ========================================================================
 * Netlink requests, on a handle.  Each returns 0 or -errno; @msg gets the
 * kernel's extended ack text, or "" (see the top of this file).
 */
struct dtls_nl;

/*
 * dtls_open() - open a handle into *@h: a generic netlink socket, and
 * CTRL_CMD_GETFAMILY to resolve the "dtls" family.
 * Return: 0, -ENOENT if the kdtls module is not loaded, or another -errno.
 */
int dtls_open(struct dtls_nl **h);

/* dtls_close() - close @h and free it (NULL is ignored). */
void dtls_close(struct dtls_nl *h);

/*
 * dtls_sock_attach() - sock-attach: attach the UDP socket @fd of the
 * calling process to kdtls.
 * @ino: if not NULL, receives the socket's inode number (the key of
 *	 dtls_sock_get() and of the @ino arguments below).
 *
 * Needs no privilege.
 * Return: 0 or -errno (-EEXIST if already attached).
 */
int dtls_sock_attach(struct dtls_nl *h, int fd, uint64_t *ino, char *msg,
		     size_t msglen);

/*
 * dtls_sock_get() - sock-get (do): one attached socket of the handle's
 * network namespace, by inode number, into @out.
 *
 * Needs CAP_NET_ADMIN in that namespace.
 * Return: 0, -ENOENT (with a kernel message) if no attached socket has
 * that inode number, -EPROTO if the reply is malformed, or another -errno.
 */
int dtls_sock_get(struct dtls_nl *h, uint64_t ino, struct dtls_sock_info *out,
		  char *msg, size_t msglen);

/*
 * dtls_sock_dump() - sock-get (dump): every attached socket of the
 * handle's network namespace.
 * @out: receives a malloc()ed array of *@n entries (NULL if there are
 *	 none); the caller free()s it.  Untouched on error.
 * @n: receives the number of entries.
 *
 * Needs CAP_NET_ADMIN in that namespace.
 * Return: 0, -EPROTO if a reply is malformed, or another -errno.
 */
int dtls_sock_dump(struct dtls_nl *h, struct dtls_sock_info **out, size_t *n,
		   char *msg, size_t msglen);

/*
 * dtls_hs_config() - hs-config: set the kernel handshake's parameters of
 * the socket @fd (or @ino if @fd < 0); the members of @cfg left at their
 * "leave as is" value are not sent.  @cfg->start also starts it.
 */
int dtls_hs_config(struct dtls_nl *h, int fd, uint64_t ino,
		   const struct dtls_hs_config *cfg, char *msg, size_t msglen);

/*
 * dtls_psk_add() - psk-add: give the handshake of @fd (or @ino) the PSK
 * @id: @key (1..64 bytes), or the kernel key @serial when @key is NULL.
 * The request is wiped from memory once sent.
 */
int dtls_psk_add(struct dtls_nl *h, int fd, uint64_t ino, const void *id,
		 size_t id_len, const void *key, size_t key_len,
		 int32_t serial, char *msg, size_t msglen);

/* dtls_hs_start(), dtls_hs_abort() - hs-start, hs-abort of @fd (or @ino). */
int dtls_hs_start(struct dtls_nl *h, int fd, uint64_t ino, char *msg,
		  size_t msglen);
int dtls_hs_abort(struct dtls_nl *h, int fd, uint64_t ino, char *msg,
		  size_t msglen);

/*
 * dtls_hs_get() - hs-get: the handshake state and result of @fd (or
 * @ino) into @out.
 * Return: 0, -EPROTO if there is no reply or it is malformed, or -errno.
 */
int dtls_hs_get(struct dtls_nl *h, int fd, uint64_t ino,
		struct dtls_hs_info *out, char *msg, size_t msglen);

#define DTLS_CERT_CHAIN_MAX	8	/* certificates in a chain */
#define DTLS_CERT_CHAIN_BYTES	16384	/* the chain's DER, in all */
#define DTLS_PEER_PINS_MAX	8

/*
 * dtls_cert_set() - our certificate chain (@n DER certificates, ours
 * first) and the P-256 private key of the first: @key, 32 bytes (the
 * scalar, big-endian), or NULL and the kernel key @serial ("user" or
 * "logon") that holds it.  With @n 0, the key alone, presented as a raw
 * public key (RFC 7250) to peers that take one.  Before the handshake
 * starts; replaces.
 * Return: 0 or -errno (the reason in @msg).
 */
int dtls_cert_set(struct dtls_nl *h, int fd, uint64_t ino,
		  const uint8_t *const *der, const size_t *len, size_t n,
		  const void *key, int32_t serial, char *msg, size_t msglen);

/*
 * How the peer is authenticated (netlink peer-auth); zero what is not
 * used.  Pins are one check: the peer passes it if it matches any pin,
 * of a certificate or a key.  Every kind set (pins, keyring, delegation)
 * must pass.
 */
struct dtls_peer_auth_cfg {
	const uint8_t	(*pins)[32];	/* SHA-256 of certificates, up to 8 */
	size_t		n_pins;
	const uint8_t	(*spki)[32];	/* SHA-256 of SubjectPublicKeyInfos */
	size_t		n_spki;		/* ... up to 8; raw public keys too */
	bool		required;	/* a server fails a client without */
	/*
	 * A chain to a trust anchor of the keyring @keyring (a serial, or a
	 * KEY_SPEC_* special keyring, the caller may search; its
	 * "asymmetric" keys made from X.509 certificates), whose end-entity
	 * holds @name in its subjectAltName (a DNS name, a "*." wildcard
	 * there matching one label, or an IPv4/IPv6 literal; NULL or "": no
	 * name check; a name needs a keyring).
	 */
	int32_t		keyring;	/* 0: no chain check */
	const char	*name;		/* up to 253 bytes */
	/*
	 * User space decides last (dtls_monitor_peer(), dtls_peer_verdict())
	 * within @delegate_timeout_ms: 100..60000, 0 for the kernel's 5000.
	 */
	bool		delegate;
	uint32_t	delegate_timeout_ms;
};

/*
 * dtls_peer_auth_set() - how the peer's certificate or raw key is
 * checked, before the handshake starts; replaces what was set.
 */
int dtls_peer_auth_set(struct dtls_nl *h, int fd, uint64_t ino,
		       const struct dtls_peer_auth_cfg *cfg, char *msg,
		       size_t msglen);

/*
 * dtls_peer_auth() - dtls_peer_auth_set() with certificate pins alone:
 * the peer's SHA-256 must be one of @pins (up to 8); a server with
 * @required fails a client that sends none.
 */
int dtls_peer_auth(struct dtls_nl *h, int fd, uint64_t ino,
		   const uint8_t (*pins)[32], size_t n_pins, bool required,
		   char *msg, size_t msglen);

/*
 * dtls_peer_auth_delegate() - as dtls_peer_auth(), and user space decides
 * last on every peer certificate that passed the kernel's checks (the
 * pins, if any: @n_pins may be 0): the handshake pauses, a peer-cert-ntf
 * event goes to the events group (dtls_monitor_peer()) and
 * dtls_peer_verdict() must answer within @timeout_ms (100..60000; 0: the
 * kernel's default, 5000), or the handshake fails with
 * certificate_unknown.  Before the handshake starts; replaces.
 */
int dtls_peer_auth_delegate(struct dtls_nl *h, int fd, uint64_t ino,
			    const uint8_t (*pins)[32], size_t n_pins,
			    bool required, uint32_t timeout_ms, char *msg,
			    size_t msglen);

/*
 * dtls_peer_verdict() - peer-verdict: answer the peer-cert-ntf @id of
 * @fd (or @ino): @accept lets the handshake go on, otherwise it fails
 * with bad_certificate.
 * Return: 0, -ENOENT if no decision with @id is pending (another id, an
 * answer already given, or the deadline passed), or -errno.
 */
int dtls_peer_verdict(struct dtls_nl *h, int fd, uint64_t ino, uint32_t id,
		      bool accept, char *msg, size_t msglen);

/* The peer's certificate chain, as it sent it (once established). */
struct dtls_cert_chain {
	size_t		n;
	size_t		len[DTLS_CERT_CHAIN_MAX];
	const uint8_t	*der[DTLS_CERT_CHAIN_MAX];	/* into @buf */
	uint8_t		buf[DTLS_CERT_CHAIN_BYTES];
};

/* A peer-cert-ntf event: a handshake waits for dtls_peer_verdict(). */
struct dtls_peer_cert_ev {
	uint64_t		ino;
	uint32_t		role;		/* DTLS_HS_ROLE_* */
	uint16_t		suite;		/* IANA */
	uint32_t		delegation_id;	/* for dtls_peer_verdict() */
	uint8_t			peer_cert_sha256[32];
	uint8_t			peer_subject[1024];	/* DER Name */
	size_t			peer_subject_len;
	struct dtls_cert_chain	chain;		/* as the peer sent it */
};

int dtls_peer_chain(struct dtls_nl *h, int fd, uint64_t ino,
		    struct dtls_cert_chain *out, char *msg, size_t msglen);

/*
 * dtls_hs_setup() - dtls_sock_attach(), dtls_psk_add() and
 * dtls_hs_config() of the caller's socket @fd, sent together: one
 * netlink message with three requests, two replies (the attach's and
 * the last ack) instead of three round trips.  With @cfg->start the
 * configuration also starts the handshake: set a server up before the
 * clients that will talk to it.  The kernel carries out each request
 * even when one before it failed (a failed attach makes the other two
 * fail too); the first error is returned, with its message, and a
 * handshake started all the same is aborted.
 * Return: 0 or -errno.
 */
int dtls_hs_setup(struct dtls_nl *h, int fd, const struct dtls_hs_config *cfg,
		  const void *id, size_t id_len, const void *key,
		  size_t key_len, int32_t serial, char *msg, size_t msglen);

/*
 * dtls_monitor() - join the "events" multicast group on @h and call @cb
 * for each handshake event (done or failed; ev->cmd says which) of the
 * handle's network namespace, until @cb returns non-zero (returned) or
 * an error (-errno; -EPERM without CAP_NET_ADMIN in the namespace).
 * @ready, if not NULL, is called once subscribed.  The handle leaves the
 * group on return and may serve requests again.
 */
int dtls_monitor(struct dtls_nl *h,
		 int (*cb)(const struct dtls_hs_info *ev, void *arg),
		 void (*ready)(void *arg), void *arg);

/*
 * dtls_monitor_peer() - as dtls_monitor(), and @peer_cb (if not NULL)
 * is called for each peer-cert-ntf event; @cb may be NULL.  Answer with
 * dtls_peer_verdict() on another handle: this one only listens.
 */
int dtls_monitor_peer(struct dtls_nl *h,
		      int (*cb)(const struct dtls_hs_info *ev, void *arg),
		      int (*peer_cb)(const struct dtls_peer_cert_ev *ev,
				     void *arg),
		      void (*ready)(void *arg), void *arg);

/*
 * dtls_export_keying_material() - the RFC 5705 exporter of @fd's session
 * (getsockopt SOL_DTLS DTLS_EXPORT_KEYING_MATERIAL): @len bytes of
 * PRF(master_secret, @label, client_random + server_random [+ context])
 * into @out.  @context is used (even empty) when @use_context.
 * Bounds: @label 1..64 bytes, @context 0..1024, @len 1..4096.
 *
 * Return: 0; -EINVAL a malformed request or a label of the key schedule;
 * -EMSGSIZE past a bound; -ENOTCONN no kernel handshake established on
 * @fd (a socket keyed from user space exports with its TLS library);
 * -EKEYEXPIRED after dtls_exporter_wipe(); another -errno.
 */
int dtls_export_keying_material(int fd, const char *label, size_t label_len,
				const void *context, size_t context_len,
				bool use_context, void *out, size_t len);

/*
 * dtls_exporter_wipe() - wipe @fd's master secret (setsockopt
 * DTLS_EXPORTER_WIPE): every later export fails with -EKEYEXPIRED.
 * Return: 0 or -errno.
 */
int dtls_exporter_wipe(int fd);

/*
 * dtls_export() - the same as dtls_export_keying_material() over netlink
 * (the "export" request); @fd only, the caller's own socket.
 * Return: as dtls_export_keying_material().
 */
int dtls_export(struct dtls_nl *h, int fd, const char *label,
		size_t label_len, const void *context, size_t context_len,
		bool use_context, void *out, size_t len, char *msg,
		size_t msglen);

/* SRTP protection profiles (RFC 5764 4.1.2, RFC 7714 14.2) */
#define DTLS_SRTP_AES128_CM_HMAC_SHA1_80	0x0001
#define DTLS_SRTP_AES128_CM_HMAC_SHA1_32	0x0002
#define DTLS_SRTP_AEAD_AES_128_GCM		0x0007
#define DTLS_SRTP_AEAD_AES_256_GCM		0x0008

#define DTLS_SRTP_EXPORTER_LABEL	"EXTRACTOR-dtls_srtp"

/* The SRTP master keys and salts of both sides, for one profile. */
struct dtls_srtp_keys {
	uint16_t	profile;
	uint8_t		key_len;	/* 16 or 32 */
	uint8_t		salt_len;	/* 14 (AES-CM) or 12 (AEAD) */
	uint8_t		client_key[32];
	uint8_t		server_key[32];
	uint8_t		client_salt[14];
	uint8_t		server_salt[14];
};

/*
 * dtls_srtp_profile_name() - "SRTP_AES128_CM_SHA1_80" and the others as
 * OpenSSL names them, or NULL for an unknown profile.
 */
const char *dtls_srtp_profile_name(uint16_t profile);

/*
 * dtls_srtp_profile_parse() - a profile by name (as above,
 * case-insensitive) or number.  Return: 0 or -EINVAL.
 */
int dtls_srtp_profile_parse(const char *s, uint16_t *profile);

/*
 * dtls_get_srtp() - getsockopt(SOL_DTLS, DTLS_SRTP): the negotiated
 * profile (0: none, or not established) and MKI.
 * Return: 0 or -errno.
 */
struct dtls_srtp_info;
int dtls_get_srtp(int fd, struct dtls_srtp_info *out);

/*
 * dtls_srtp_lengths() - the master key and salt lengths of @profile.
 * Return: 0, or -EINVAL for a profile this library does not know.
 */
int dtls_srtp_lengths(uint16_t profile, size_t *key_len, size_t *salt_len);

/*
 * dtls_srtp_split() - split the output of the "EXTRACTOR-dtls_srtp"
 * exporter (RFC 5764 4.2: client key, server key, client salt, server
 * salt) into @out.  @len must be exactly 2 * (key_len + salt_len).
 * Return: 0, or -EINVAL (unknown profile, wrong length).
 */
int dtls_srtp_split(uint16_t profile, const void *material, size_t len,
		    struct dtls_srtp_keys *out);

/*
 * dtls_srtp_export() - export and split @fd's SRTP keys for @profile.
 * Return: 0 or as dtls_export_keying_material(); @out is zeroed on error.
 */
int dtls_srtp_export(int fd, uint16_t profile, struct dtls_srtp_keys *out);

/* ------------------------------------------------------------------------
 * Listening sockets: listen(2) on an attached, bound server socket whose
 * kernel handshake is configured (hs-config, credentials) but not
 * started; accept(2) gives one socket a peer, its handshake established.
 * On one never configured, accept(2) gives the socket once the peer's
 * cookie checked out, its ClientHello queued, for a handshake in user
 * space (dtls_openssl_offload() installs its keys).
 */

/*
 * dtls_listen_info_get() - getsockopt(SOL_DTLS, DTLS_LISTEN_INFO) of the
 * listening socket @fd into @out: its sessions (pending, ready for
 * accept(), accepted), backlog and limits.
 * Return: 0, -EINVAL if @fd is not listening, or another -errno.
 */
int dtls_listen_info_get(int fd, struct dtls_listen_info *out);

/*
 * dtls_listen_set(), dtls_listen_get() - a listening limit of @fd, before
 * or after listen(2): @opt is DTLS_LISTEN_MAX_PENDING (handshakes at
 * once, 1..DTLS_LISTEN_MAX_PENDING_MAX), DTLS_LISTEN_ACCEPT_MS (how long
 * an established session waits for accept(), 100..3600000 ms) or
 * DTLS_LISTEN_RATE (ClientHellos per second from one source address).
 * Return: 0, -EINVAL for another @opt or a value out of range, or
 * another -errno.
 */
int dtls_listen_set(int fd, int opt, uint32_t val);
int dtls_listen_get(int fd, int opt, uint32_t *val);

/*
 * dtls_send_not_dtls() - send @len bytes as they are, marked with
 * DTLS_SET_NOT_DTLS (RFC 7983 multiplexing: STUN, TURN, SRTP on the
 * DTLS port), to @to if not NULL.  Works in every state of an attached
 * socket, a kernel handshake running included; the first byte must not
 * be 20..63 (DTLS).  Return: bytes sent or -errno.
 */
ssize_t dtls_send_not_dtls(int fd, const void *buf, size_t len, int flags,
			   const struct sockaddr *to, socklen_t tolen);

/*
 * dtls_recv_typed() - recvmsg() with room for DTLS_GET_RECORD_TYPE: the
 * message's length, its record type in *@type (application data when
 * none came: a socket without keys), its sender in @from (may be NULL,
 * *@fromlen in/out).  DTLS_RECORD_NOT_DTLS marks a datagram that is not
 * DTLS (RFC 7983: STUN, RTP), which a keyed socket, or one whose kernel
 * handshake runs, gives only to such readers.  Return: bytes or -errno.
 */
ssize_t dtls_recv_typed(int fd, void *buf, size_t len, int flags,
			uint8_t *type, struct sockaddr *from,
			socklen_t *fromlen);

#ifdef __cplusplus
}
#endif

#endif /* LIBDTLS_H */
