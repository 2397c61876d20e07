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
 * Peer authentication: pinned SHA-256 fingerprints of the peer's
 * end-entity certificate (WebRTC's a=fingerprint), and a chain to a trust
 * anchor in a kernel keyring with the name the peer must hold (chain.c).
 * Each kind configured must pass.  A peer's key is ECDSA P-256 or, for
 * verification only, RSA (rsa.c).
 *
 * struct dtls_peer_auth holds a reference to its keyring: it is moved,
 * not copied, by dtls_peer_auth_replace() and dropped by
 * dtls_peer_auth_free().
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
#define DTLS_PEER_NAME_MAX	253	/* a DNS name; netlink's policy */

struct dtls_cert_own {
	u8			*body;		/* Certificate body, ready */
	u32			body_len;	/* 0: no certificate */
	struct dtls_ecdsa_key	key;
};

struct dtls_peer_auth {
	bool	required;	/* a server requires a client certificate */
	u8	n_pins;
	u8	pins[DTLS_PEER_PINS_MAX][SHA256_DIGEST_SIZE];
	struct key *keyring;	/* trust anchors, referenced, or NULL */
	char	name[DTLS_PEER_NAME_MAX + 1];	/* "": no name check */
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
struct key;

int dtls_cert_own_set(struct dtls_cert_own *own, const u8 *const *der,
		      const u32 *len, unsigned int n, const u8 *priv);
int dtls_cert_key_from_keyring(s32 serial, u8 *priv);
void dtls_cert_own_free(struct dtls_cert_own *own);

int dtls_peer_auth_set(struct dtls_peer_auth *pa, const u8 *pins,
		       unsigned int n_pins, bool required);
int dtls_peer_auth_replace(struct dtls_peer_auth *pa,
			   struct dtls_peer_auth *new);
int dtls_peer_auth_keyring(struct dtls_peer_auth *pa, s32 serial);
void dtls_peer_auth_free(struct dtls_peer_auth *pa);
bool dtls_peer_auth_any(const struct dtls_peer_auth *pa);

int dtls_cert_peer_take(struct dtls_proto *pr, const u8 *body, u32 len,
			u8 *alert);
void dtls_cert_peer_free(struct dtls_cert_peer *peer);

#endif /* _NET_DTLS_CERT_H */
