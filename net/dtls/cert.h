/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Certificates of the in-kernel handshake: our own chain and its private
 * key (struct dtls_cert_own), how the peer is authenticated (struct
 * dtls_peer_auth), and what we learnt of the peer's certificate (struct
 * dtls_cert_peer).  The three are embedded in struct dtls_proto.
 *
 * Own credentials come from netlink, or the key from a kernel key of type
 * "user" or "logon" by serial; the key is never readable back and is
 * wiped when replaced or freed.  Only ECDSA P-256 keys sign (ecdsa.c).
 *
 * Peer authentication this file does: pinned SHA-256 fingerprints of the
 * peer's end-entity certificate (WebRTC's a=fingerprint).  A peer's key
 * is ECDSA P-256 or, for verification only, RSA (rsa.c).  Delegation
 * (peer-delegate) is decided last, by user space, once the kernel's own
 * checks passed: the step asks to pause (proto.h: out->pause) and the
 * engine asks user space and waits (handshake.c).  Every kind configured
 * must pass.
 *
 * Context: process; the owner of the struct dtls_proto serialises calls
 * (handshake.c: hs->lock).
 */
#ifndef _NET_DTLS_CERT_H
#define _NET_DTLS_CERT_H

#include <linux/types.h>
#include <crypto/sha2.h>

#include "ecdsa.h"
#include "x509.h"

/*
 * The longest Certificate body, ours or the peer's: the longest handshake
 * message reassembly takes (reasm.h: DTLS_REASM_MAX_MSG).
 */
#define DTLS_CERT_BODY_MAX	16384
#define DTLS_PEER_PINS_MAX	8
#define DTLS_PEER_SUBJECT_MAX	1024	/* hs-get and events carry it */
/* peer-delegate-timeout-ms: its range and default */
#define DTLS_PEER_DELEGATE_MS_MIN	100
#define DTLS_PEER_DELEGATE_MS_MAX	60000
#define DTLS_PEER_DELEGATE_MS_DEFAULT	5000

struct dtls_cert_own {
	u8			*body;		/* Certificate body, ready */
	u32			body_len;	/* 0: no certificate */
	struct dtls_ecdsa_key	key;
};

struct dtls_peer_auth {
	bool	required;	/* a server requires a client certificate */
	bool	delegate;	/* user space decides last (peer-verdict) */
	u32	delegate_ms;	/* ... within this long */
	u8	n_pins;
	u8	pins[DTLS_PEER_PINS_MAX][SHA256_DIGEST_SIZE];
};

/* The peer's end-entity certificate, once it passed the checks. */
struct dtls_cert_peer {
	bool			have;
	enum dtls_x509_key	key;		/* P-256, or RSA */
	u8			sha256[SHA256_DIGEST_SIZE];	/* of its DER */
	u8			*chain;		/* its Certificate body, a copy */
	u32			chain_len;
	u32			subject_off;	/* its subject Name, in @chain */
	u32			subject_len;
	u32			pub_off;	/* its public key, in @chain */
	u32			pub_len;
};

struct dtls_proto;

int dtls_cert_own_set(struct dtls_cert_own *own, const u8 *const *der,
		      const u32 *len, unsigned int n, const u8 *priv);
int dtls_cert_key_from_keyring(s32 serial, u8 *priv);
void dtls_cert_own_free(struct dtls_cert_own *own);

int dtls_peer_auth_set(struct dtls_peer_auth *pa, const u8 *pins,
		       unsigned int n_pins, bool required);
int dtls_peer_auth_replace(struct dtls_peer_auth *pa,
			   const struct dtls_peer_auth *new);
bool dtls_peer_auth_any(const struct dtls_peer_auth *pa);
bool dtls_cert_peer_delegated(const struct dtls_proto *pr);

int dtls_cert_peer_take(struct dtls_proto *pr, const u8 *body, u32 len,
			u8 *alert);
void dtls_cert_peer_free(struct dtls_cert_peer *peer);

#endif /* _NET_DTLS_CERT_H */
