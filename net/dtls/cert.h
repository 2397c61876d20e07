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
 * peer's end-entity certificate (WebRTC's a=fingerprint) or of its
 * SubjectPublicKeyInfo; a peer passes if it matches any pin.  The SPKI
 * pins also authenticate raw public keys (RFC 7250), which both sides
 * may present instead of a chain when the certificate type extensions
 * say so: we offer to take one only with SPKI pins, and present ours
 * whenever we have a key and the peer takes one.  A chain to a trust
 * anchor in a kernel keyring, with the name the peer must hold, is
 * another kind (chain.c).  A peer's key is ECDSA P-256 or, for
 * verification only, RSA (rsa.c).  Delegation (peer-delegate) is
 * decided last, by user space, once the kernel's own checks passed: the
 * step asks to pause (proto.h: out->pause) and the engine asks user
 * space and waits (handshake.c).  Every kind configured must pass.
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
/* A P-256 key as a SubjectPublicKeyInfo (RFC 5480): 26 bytes, the point */
#define DTLS_P256_SPKI_LEN	(26 + DTLS_P256_POINT_LEN)
/* peer-delegate-timeout-ms: its range and default */
#define DTLS_PEER_DELEGATE_MS_MIN	100
#define DTLS_PEER_DELEGATE_MS_MAX	60000
#define DTLS_PEER_DELEGATE_MS_DEFAULT	5000
#define DTLS_PEER_NAME_MAX	253	/* a DNS name; netlink's policy */

struct dtls_cert_own {
	u8			*body;		/* X.509: Certificate body, ready */
	u32			body_len;	/* 0: no certificate */
	bool			has_key;	/* 0: neither */
	u8			spki[DTLS_P256_SPKI_LEN];	/* raw key */
	struct dtls_ecdsa_key	key;
};

struct dtls_peer_auth {
	bool	required;	/* a server requires a client certificate */
	bool	delegate;	/* user space decides last (peer-verdict) */
	u32	delegate_ms;	/* ... within this long */
	u8	n_pins;
	u8	n_spki;
	u8	pins[DTLS_PEER_PINS_MAX][SHA256_DIGEST_SIZE];
	u8	spki[DTLS_PEER_PINS_MAX][SHA256_DIGEST_SIZE];
	struct key *keyring;	/* trust anchors, referenced, or NULL */
	char	name[DTLS_PEER_NAME_MAX + 1];	/* "": no name check */
};

/* The peer's credential, a certificate or a raw key, once it passed. */
struct dtls_cert_peer {
	bool			have;
	u8			type;		/* DTLS_CTYPE_* */
	enum dtls_x509_key	key;		/* P-256, or RSA */
	u8			sha256[SHA256_DIGEST_SIZE];	/* X.509: DER */
	u8			spki_sha256[SHA256_DIGEST_SIZE];
	u8			*chain;		/* its Certificate body, a copy */
	u32			chain_len;
	u32			subject_off;	/* X.509: subject Name, in @chain */
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
bool dtls_cert_peer_delegated(const struct dtls_proto *pr);

unsigned int dtls_cert_types_own(const struct dtls_cert_own *own, u8 *types);
unsigned int dtls_cert_types_peer(const struct dtls_peer_auth *pa,
				  u8 *types);
int dtls_cert_type_pick(const u8 *offered, unsigned int n_offered,
			const u8 *ours, unsigned int n_ours);
int dtls_cert_own_body(const struct dtls_cert_own *own, u8 type, u8 *out,
		       unsigned int cap);

int dtls_cert_peer_take(struct dtls_proto *pr, const u8 *body, u32 len,
			u8 *alert);
void dtls_cert_peer_free(struct dtls_cert_peer *peer);

#endif /* _NET_DTLS_CERT_H */
