// SPDX-License-Identifier: GPL-2.0
/*
 * The peer's certificate chain against trust anchors (chain.h).
 *
 * The anchors are the keys of type "asymmetric" (made from X.509
 * certificates) of a keyring user space named at peer-auth time.  The
 * chain is the peer's Certificate message, end-entity first: each
 * certificate's issuer is the next one's subject and the next one's key
 * signs it; each issuer in the chain is a CA (basicConstraints cA); each
 * certificate is within its validity dates.  The walk ends well at the
 * first certificate an anchor vouches for: one whose
 * authorityKeyIdentifier names an anchor (by its subjectKeyIdentifier,
 * as the kernel's own restrict_link_by_signature() looks issuers up) and
 * whose signature that anchor's key verifies, or one that is an anchor
 * itself (same subjectKeyIdentifier, same public key).  An anchor's own
 * dates are not checked: the keyring holds keys, not certificates, and a
 * key's expiry (keyctl timeout) and revocation are honoured by the
 * search.  Signatures: ECDSA P-256 with SHA-256 or SHA-384 (ecdsa.c;
 * Debian's 6.1 has no ECDSA in its crypto API) and RSA PKCS#1 v1.5 with
 * SHA-256 or SHA-384 (rsa.c).
 *
 * Lifetimes and permissions: the caller of peer-auth must be allowed to
 * search the keyring (lookup_user_key() with its credentials, cert.c);
 * the reference taken then is held by struct dtls_peer_auth until it is
 * replaced or the socket's handshake state is freed.  The search here
 * runs in whatever task drives the handshake, so it treats the keyring
 * as possessed (find_asymmetric_key()): the permission was checked once,
 * when the keyring was named.  Keys added to or unlinked from the keyring
 * later count from the next certificate checked.
 *
 * Context: process, may sleep (the keyring search, RSA's transform).
 * The caller serialises calls on a handshake (hs->lock); each anchor is
 * held by a reference while its public key is used.
 */

#include <linux/err.h>
#include <linux/key.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <crypto/public_key.h>
#include <crypto/sha2.h>
#include <keys/asymmetric-subtype.h>
#include <keys/asymmetric-type.h>

#include "chain.h"
#include "compat/compat.h"
#include "ecdsa.h"
#include "msg.h"
#include "prf.h"
#include "proto.h"
#include "rsa.h"
#include "x509.h"

/* Does the key @pub (of type @kt) sign @c?  0 or a negative errno. */
static int dtls_chain_sig(const struct dtls_x509 *c, enum dtls_x509_key kt,
			  const u8 *pub, u32 pub_len)
{
	u8 hash[SHA384_DIGEST_SIZE];
	enum dtls_prf_hash h;
	bool ec;
	int err;

	switch (c->sig_alg) {
	case DTLS_X509_SIG_ECDSA_SHA256:
		ec = true;
		h = DTLS_PRF_SHA256;
		break;
	case DTLS_X509_SIG_ECDSA_SHA384:
		ec = true;
		h = DTLS_PRF_SHA384;
		break;
	case DTLS_X509_SIG_RSA_SHA256:
		ec = false;
		h = DTLS_PRF_SHA256;
		break;
	case DTLS_X509_SIG_RSA_SHA384:
		ec = false;
		h = DTLS_PRF_SHA384;
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (ec ? kt != DTLS_X509_KEY_EC_P256 || pub_len != DTLS_P256_POINT_LEN :
		 kt != DTLS_X509_KEY_RSA)
		return -EKEYREJECTED;
	err = dtls_hash(h, c->tbs, c->tbs_len, hash);
	if (err)
		return err;
	/*
	 * P-256 signs the leftmost 256 bits of a longer hash (FIPS 186-4
	 * 6.4, SEC 1 4.1.4): the first 32 bytes of a SHA-384 digest.
	 */
	if (ec)
		err = dtls_ecdsa_verify(pub, hash, c->sig, c->sig_len);
	else
		err = dtls_rsa_verify(pub, pub_len, h, hash, c->sig,
				      c->sig_len);
	return err ? -EKEYREJECTED : 0;
}

/* An anchor's public key, if it is one we can use (NULL if not). */
static const struct public_key *dtls_chain_anchor_pub(const struct key *k,
						      enum dtls_x509_key *kt)
{
	const struct asymmetric_key_subtype *st = asymmetric_key_subtype(k);
	const struct public_key *pk = asymmetric_key_public_key(k);

	if (!st || strcmp(st->name, "public_key") || !pk ||
	    pk->key_is_private || !pk->pkey_algo)
		return NULL;
	if (!strcmp(pk->pkey_algo, "rsa"))
		*kt = DTLS_X509_KEY_RSA;
	else if (!strcmp(pk->pkey_algo, "ecdsa-nist-p256") &&
		 pk->keylen == DTLS_P256_POINT_LEN)
		*kt = DTLS_X509_KEY_EC_P256;
	else
		return NULL;
	return pk;
}

/* The anchor whose subjectKeyIdentifier is @id, referenced, or NULL. */
static struct key *dtls_chain_anchor(struct key *keyring, const u8 *id,
				     u32 len)
{
	struct asymmetric_key_id *kid;
	struct key *k;

	kid = asymmetric_key_generate_id(id, len, "", 0);
	if (IS_ERR(kid))
		return NULL;
	/* Possessed: the caller of peer-auth could search it (see above). */
	k = find_asymmetric_key(keyring, NULL, kid, NULL, false);
	kfree(kid);
	if (IS_ERR(k))
		return NULL;
	if (key_validate(k)) {
		key_put(k);
		return NULL;
	}
	return k;
}

/* Is @c issued by an anchor, or an anchor itself? */
static bool dtls_chain_anchored(struct key *keyring,
				const struct dtls_x509 *c)
{
	const struct public_key *pk;
	enum dtls_x509_key kt;
	bool ok = false;
	struct key *k;

	if (c->akid) {
		k = dtls_chain_anchor(keyring, c->akid, c->akid_len);
		if (k) {
			pk = dtls_chain_anchor_pub(k, &kt);
			ok = pk && !dtls_chain_sig(c, kt, pk->key, pk->keylen);
			key_put(k);
		}
	}
	if (!ok && c->skid) {
		k = dtls_chain_anchor(keyring, c->skid, c->skid_len);
		if (k) {
			pk = dtls_chain_anchor_pub(k, &kt);
			ok = pk && kt == c->key && pk->keylen == c->pub_len &&
			     !memcmp(pk->key, c->pub, c->pub_len);
			key_put(k);
		}
	}
	return ok;
}

/**
 * dtls_chain_check - does the peer's chain lead to a trust anchor?
 * @keyring: the anchors (a keyring the caller holds a reference to)
 * @name: the name the end-entity must hold (x509.c), or NULL/"" for none
 * @cl: the peer's certificates, end-entity first, at least one
 * @now: the time, seconds since the epoch (ktime_get_real_seconds())
 * @alert: the alert to fail with (RFC 5246 7.2.2), on error
 *
 * Return: 0; -EBADMSG (a certificate does not parse: bad_certificate),
 * -EKEYEXPIRED (outside its dates: certificate_expired), -EKEYREJECTED
 * (the name is not the end-entity's, an issuer is no CA or not the next
 * certificate, a signature does not verify: bad_certificate) or -ENOKEY
 * (no anchor vouches for the chain: unknown_ca).
 */
int dtls_chain_check(struct key *keyring, const char *name,
		     const struct dtls_cert_list *cl, s64 now, u8 *alert)
{
	struct dtls_x509 x, prev;
	unsigned int i;

	for (i = 0; i < cl->n; i++) {
		*alert = DTLS_ALERT_BAD_CERTIFICATE;
		if (dtls_x509_parse(cl->der[i], cl->len[i], &x))
			return -EBADMSG;
		/*
		 * RFC 5280 6.1.4: an issuer is a CA allowed to sign
		 * certificates, with room below it for the i - 1 CAs under
		 * it; the end-entity signs (RFC 5246 7.4.2).
		 */
		if (i && (!x.ca || prev.issuer_len != x.subject_len ||
			  (x.has_key_usage &&
			   !(x.key_usage & DTLS_X509_KU_KEY_CERT_SIGN)) ||
			  (x.path_len >= 0 && x.path_len < (int)i - 1) ||
			  memcmp(prev.issuer, x.subject, x.subject_len) ||
			  dtls_chain_sig(&prev, x.key, x.pub, x.pub_len)))
			return -EKEYREJECTED;
		if (!i && x.has_key_usage &&
		    !(x.key_usage & DTLS_X509_KU_DIGITAL_SIGNATURE))
			return -EKEYREJECTED;
		*alert = DTLS_ALERT_CERTIFICATE_EXPIRED;
		if (now < x.not_before || now > x.not_after)
			return -EKEYEXPIRED;
		*alert = DTLS_ALERT_BAD_CERTIFICATE;
		if (!i && name && name[0] && !dtls_x509_name_match(&x, name))
			return -EKEYREJECTED;
		if (dtls_chain_anchored(keyring, &x))
			return 0;
		prev = x;
	}
	*alert = DTLS_ALERT_UNKNOWN_CA;
	return -ENOKEY;
}
EXPORT_SYMBOL_IF_KUNIT(dtls_chain_check);
