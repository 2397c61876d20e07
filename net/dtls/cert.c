// SPDX-License-Identifier: GPL-2.0
/*
 * Certificates of the in-kernel handshake (cert.h): our own chain and key,
 * the peer's authentication settings, and the checks on the peer's
 * Certificate message.
 *
 * Context: process; the owner serialises calls (cert.h).
 */

#include <linux/key.h>
#include <linux/key-type.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/string.h>
#include <crypto/algapi.h>
#include <keys/user-type.h>

#include <uapi/linux/dtls.h>

#include "cert.h"
#include "chain.h"
#include "compat/compat.h"
#include "msg.h"
#include "peer_mem.h"
#include "proto.h"

/**
 * dtls_cert_own_set - our certificate chain and private key
 * @own: where they go; what was there is freed
 * @der: the certificates, DER, our own first, then its issuers
 * @len: their lengths
 * @n: how many, 0..DTLS_CERT_CHAIN_MAX; 0: the key alone, presented as a
 *     raw public key (RFC 7250)
 * @priv: the private key of the first, a P-256 scalar, 32 bytes big-endian
 *
 * Each certificate must parse, the first must hold a P-256 key and that
 * key must be @priv's public key: a mismatch would fail every handshake
 * at the peer, far from its cause.
 * Return: 0, -EBADMSG (a certificate does not parse), -EOPNOTSUPP (ours
 * is not P-256), -EINVAL (@priv is no P-256 scalar), -EKEYREJECTED (not
 * our certificate's key), -EMSGSIZE (longer than DTLS_CERT_BODY_MAX) or
 * -ENOMEM.
 */
int dtls_cert_own_set(struct dtls_cert_own *own, const u8 *const *der,
		      const u32 *len, unsigned int n, const u8 *priv)
{
	/* SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING } */
	static const u8 spki_head[DTLS_P256_SPKI_LEN - DTLS_P256_POINT_LEN] = {
		0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce,
		0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d,
		0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
	};
	struct dtls_cert_list cl = { .n = n };
	struct dtls_ecdsa_key key;
	struct dtls_x509 x;
	u8 *body = NULL;
	int err, body_len = 0;
	unsigned int i;

	if (n > DTLS_CERT_CHAIN_MAX)
		return -EINVAL;
	/* The last parsed is the first, ours. */
	for (i = n; i-- > 0;) {
		if (dtls_x509_parse(der[i], len[i], &x))
			return -EBADMSG;
		cl.der[i] = der[i];
		cl.len[i] = len[i];
	}
	if (n && x.key != DTLS_X509_KEY_EC_P256)
		return -EOPNOTSUPP;
	err = dtls_ecdsa_key_set(&key, priv);
	if (err)
		return -EINVAL;
	err = -EKEYREJECTED;
	if (n && (x.pub_len != sizeof(key.pub) ||
		  memcmp(x.pub, key.pub, x.pub_len)))
		goto out;
	if (n) {
		err = -ENOMEM;
		body = kmalloc(DTLS_CERT_BODY_MAX, GFP_KERNEL);
		if (!body)
			goto out;
		body_len = dtls_cert_build(body, DTLS_CERT_BODY_MAX, &cl);
		if (body_len < 0) {
			kfree(body);
			err = body_len == -EMSGSIZE ? -EMSGSIZE : -EINVAL;
			goto out;
		}
	}
	dtls_cert_own_free(own);
	own->body = body;
	own->body_len = body_len;
	own->key = key;
	own->has_key = true;
	memcpy(own->spki, spki_head, sizeof(spki_head));
	memcpy(own->spki + sizeof(spki_head), key.pub, sizeof(key.pub));
	err = 0;
out:
	dtls_ecdsa_key_wipe(&key);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(dtls_cert_own_set);

/**
 * dtls_cert_key_from_keyring - a private key held in a kernel key
 * @serial: a "user" or "logon" key the caller may search, holding the
 *	    32-byte P-256 scalar
 * @priv: 32 bytes; the caller wipes them
 *
 * Return: 0 or a negative errno.
 */
int dtls_cert_key_from_keyring(s32 serial, u8 *priv)
{
#if IS_ENABLED(CONFIG_KEYS)
	const struct user_key_payload *upayload;
	key_ref_t ref;
	struct key *key;
	int err;

	ref = lookup_user_key(serial, 0, KEY_NEED_SEARCH);
	if (IS_ERR(ref))
		return PTR_ERR(ref);
	key = key_ref_to_ptr(ref);
	err = -EKEYREJECTED;
	if (key->type == &key_type_user || key->type == &key_type_logon) {
		down_read(&key->sem);
		upayload = user_key_payload_locked(key);
		err = -EKEYREVOKED;
		if (upayload) {
			err = upayload->datalen == DTLS_P256_LEN ? 0 : -EINVAL;
			if (!err)
				memcpy(priv, upayload->data, DTLS_P256_LEN);
		}
		up_read(&key->sem);
	}
	key_ref_put(ref);
	return err;
#else
	return -EOPNOTSUPP;
#endif
}

void dtls_cert_own_free(struct dtls_cert_own *own)
{
	kfree(own->body);	/* public */
	own->body = NULL;
	own->body_len = 0;
	own->has_key = false;
	dtls_ecdsa_key_wipe(&own->key);
}

/**
 * dtls_peer_auth_set - how the peer's certificate is checked
 * @pa: the settings, replaced
 * @pins: SHA-256 digests of the certificates accepted, 32 bytes each
 * @n_pins: how many, up to DTLS_PEER_PINS_MAX
 * @required: a server fails a client that sends no certificate
 *
 * Return: 0 or -EINVAL.
 */
int dtls_peer_auth_set(struct dtls_peer_auth *pa, const u8 *pins,
		       unsigned int n_pins, bool required)
{
	struct dtls_peer_auth new = { .required = required };

	if (n_pins > DTLS_PEER_PINS_MAX)
		return -EINVAL;
	memcpy(new.pins, pins, n_pins * sizeof(new.pins[0]));
	new.n_pins = n_pins;
	return dtls_peer_auth_replace(pa, &new);
}
EXPORT_SYMBOL_IF_KUNIT(dtls_peer_auth_set);

/**
 * dtls_peer_auth_replace - check new settings and put them in place
 * @pa: the settings, replaced on success (its keyring reference dropped)
 * @new: what netlink (or a test) built; on success its keyring reference
 *	 moves to @pa and @new holds none
 *
 * Return: 0 or -EINVAL if @new cannot authenticate anyone yet requires it,
 * or names a peer with no keyring to check the name against.
 */
int dtls_peer_auth_replace(struct dtls_peer_auth *pa,
			   struct dtls_peer_auth *new)
{
	if (new->n_pins > DTLS_PEER_PINS_MAX ||
	    new->n_spki > DTLS_PEER_PINS_MAX ||
	    (new->required && !dtls_peer_auth_any(new)) ||
	    (new->delegate && (new->delegate_ms < DTLS_PEER_DELEGATE_MS_MIN ||
			       new->delegate_ms > DTLS_PEER_DELEGATE_MS_MAX)) ||
	    (new->name[0] && !new->keyring) ||
	    strnlen(new->name, sizeof(new->name)) == sizeof(new->name))
		return -EINVAL;
	dtls_peer_auth_free(pa);
	*pa = *new;
	new->keyring = NULL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(dtls_peer_auth_replace);

/**
 * dtls_peer_auth_keyring - the trust anchors' keyring, by serial
 * @pa: settings being built; holds the reference taken
 * @serial: a keyring (or a special keyring, KEY_SPEC_*) the calling task
 *	    may search
 *
 * The permission is checked here, with the caller's credentials, once:
 * the handshake searches the keyring later in whatever task drives it
 * (chain.c).
 * Context: process, the task that names the keyring.
 * Return: 0, -ENOTDIR if the key is no keyring, or lookup_user_key()'s
 * error (-ENOKEY, -EACCES, -EKEYREVOKED...).
 */
int dtls_peer_auth_keyring(struct dtls_peer_auth *pa, s32 serial)
{
#if IS_ENABLED(CONFIG_KEYS)
	key_ref_t ref;

	ref = lookup_user_key(serial, 0, KEY_NEED_SEARCH);
	if (IS_ERR(ref))
		return PTR_ERR(ref);
	if (key_ref_to_ptr(ref)->type != &key_type_keyring) {
		key_ref_put(ref);
		return -ENOTDIR;
	}
	key_put(pa->keyring);
	pa->keyring = key_ref_to_ptr(ref);
	return 0;
#else
	return -EOPNOTSUPP;
#endif
}

/**
 * dtls_peer_auth_free - drop the settings' keyring reference
 * @pa: the settings; pins and name stay, the keyring is gone
 *
 * Context: any (key_put()).
 */
void dtls_peer_auth_free(struct dtls_peer_auth *pa)
{
	key_put(pa->keyring);
	pa->keyring = NULL;
}

/* Whether the peer's certificate can be checked at all. */
bool dtls_peer_auth_any(const struct dtls_peer_auth *pa)
{
	return pa->n_pins || pa->n_spki || pa->keyring || pa->delegate;
}
EXPORT_SYMBOL_IF_KUNIT(dtls_peer_auth_any);

/*
 * After dtls_cert_peer_take() passed: does user space decide on the
 * peer's certificate too (peer-delegate)?  Not on an empty Certificate,
 * which a server that does not require one accepts as it is.
 */
bool dtls_cert_peer_delegated(const struct dtls_proto *pr)
{
	return pr->auth.delegate && pr->peer_cert.have;
}

static bool dtls_pin_hit(const u8 (*pins)[SHA256_DIGEST_SIZE],
			 unsigned int n, const u8 *sha)
{
	unsigned int i;
	bool hit = false;

	for (i = 0; i < n; i++)
		hit |= !crypto_memneq(sha, pins[i], SHA256_DIGEST_SIZE);
	return hit;
}

/*
 * Pins, of certificates and of keys, are one check the peer passes by
 * matching any; a raw key can match only the key pins.
 */
static bool dtls_peer_pinned(const struct dtls_peer_auth *pa,
			     const struct dtls_cert_peer *peer)
{
	if (!pa->n_pins && !pa->n_spki)
		return true;
	return (peer->type == DTLS_CTYPE_X509 &&
		dtls_pin_hit(pa->pins, pa->n_pins, peer->sha256)) ||
	       dtls_pin_hit(pa->spki, pa->n_spki, peer->spki_sha256);
}

/**
 * dtls_cert_types_own - the certificate types we can present
 * @own: our credentials
 * @types: DTLS_CTYPES_MAX bytes, filled in our order of preference
 *
 * A chain first (every peer takes one), then the key alone.
 * Return: how many.
 */
unsigned int dtls_cert_types_own(const struct dtls_cert_own *own, u8 *types)
{
	unsigned int n = 0;

	if (own->body_len)
		types[n++] = DTLS_CTYPE_X509;
	if (own->has_key)
		types[n++] = DTLS_CTYPE_RAW_PUBLIC_KEY;
	return n;
}

/**
 * dtls_cert_types_peer - the certificate types we can authenticate
 * @pa: how the peer is checked
 * @types: DTLS_CTYPES_MAX bytes, filled in our order of preference
 *
 * A raw key only against key pins, and not when a keyring must see a
 * chain; with key pins alone, preferred.
 * Return: how many.
 */
unsigned int dtls_cert_types_peer(const struct dtls_peer_auth *pa, u8 *types)
{
	bool raw = pa->n_spki && !pa->keyring;
	unsigned int n = 0;

	if (raw && !pa->n_pins)
		types[n++] = DTLS_CTYPE_RAW_PUBLIC_KEY;
	if (dtls_peer_auth_any(pa))
		types[n++] = DTLS_CTYPE_X509;
	if (raw && pa->n_pins)
		types[n++] = DTLS_CTYPE_RAW_PUBLIC_KEY;
	return n;
}

/*
 * The first of the peer's @offered types (its order, RFC 7250 4.2) that is
 * among @ours, or -1.
 */
int dtls_cert_type_pick(const u8 *offered, unsigned int n_offered,
			const u8 *ours, unsigned int n_ours)
{
	unsigned int i;

	for (i = 0; i < n_offered; i++)
		if (memchr(ours, offered[i], n_ours))
			return offered[i];
	return -1;
}

/**
 * dtls_cert_own_body - our Certificate message body, of type @type
 * @own: our credentials, with what @type needs
 * @type: DTLS_CTYPE_X509: the chain; DTLS_CTYPE_RAW_PUBLIC_KEY: the key
 *	  as ASN.1_subjectPublicKeyInfo<1..2^24-1> (RFC 7250 3)
 * @out: where to
 * @cap: room at @out
 *
 * Return: the length, or -EINVAL.
 */
int dtls_cert_own_body(const struct dtls_cert_own *own, u8 type, u8 *out,
		       unsigned int cap)
{
	if (type == DTLS_CTYPE_RAW_PUBLIC_KEY) {
		if (!own->has_key || cap < 3 + sizeof(own->spki))
			return -EINVAL;
		out[0] = 0;
		put_unaligned_be16(sizeof(own->spki), out + 1);
		memcpy(out + 3, own->spki, sizeof(own->spki));
		return 3 + sizeof(own->spki);
	}
	if (!own->body_len || own->body_len > cap)
		return -EINVAL;
	memcpy(out, own->body, own->body_len);
	return own->body_len;
}

/*
 * The key of the peer's certificate is one its suite signs with: a
 * server's, the suite's (ECDSA or RSA); a client's, either (our
 * CertificateRequest lists both).  A P-256 point must be on the curve.
 */
static bool dtls_cert_key_fits(const struct dtls_proto *pr,
			       const struct dtls_x509 *x)
{
	bool client = pr->p.role == DTLS_HS_ROLE_CLIENT;

	switch (x->key) {
	case DTLS_X509_KEY_EC_P256:
		return !(client && pr->suite->rsa) &&
		       !dtls_ecdsa_pub_check(x->pub, x->pub_len);
	case DTLS_X509_KEY_RSA:
		return !(client && !pr->suite->rsa) && x->pub_len;
	default:
		return false;
	}
}

/*
 * The peer's Certificate body as a raw public key (RFC 7250 3):
 * ASN.1_subjectPublicKeyInfo<1..2^24-1>, or an empty vector, which a
 * client without a key sends.  Return: 0 with the key in @x, 1 if empty,
 * or -EBADMSG.
 */
static int dtls_cert_raw_parse(const u8 *body, u32 len, struct dtls_x509 *x)
{
	if (len < 3 || get_unaligned_be24(body) != len - 3)
		return -EBADMSG;
	if (len == 3)
		return 1;
	return dtls_x509_parse_spki(body + 3, len - 3, x);
}

/*
 * A chain into @cl, its end-entity certificate into @x and its digest
 * into @sha.  Return: 0, 1 if the list is empty, or a negative errno.
 */
static int dtls_cert_chain_parse(const u8 *body, u32 len,
				 struct dtls_cert_list *cl, struct dtls_x509 *x,
				 u8 *sha, u8 *alert)
{
	int err;

	err = dtls_cert_parse(body, len, cl);
	if (err == -E2BIG)
		*alert = DTLS_ALERT_BAD_CERTIFICATE;
	if (err)
		return err;
	if (!cl->n)
		return 1;
	*alert = DTLS_ALERT_BAD_CERTIFICATE;
	if (dtls_x509_parse(cl->der[0], cl->len[0], x) ||
	    x->subject_len > DTLS_PEER_SUBJECT_MAX)
		return -EBADMSG;
	*alert = DTLS_ALERT_INTERNAL_ERROR;
	return dtls_hash(DTLS_PRF_SHA256, cl->der[0], cl->len[0], sha);
}

/**
 * dtls_cert_peer_take - the peer's Certificate message
 * @pr: the protocol state; pr->peer_cert is set when a credential passes
 * @body: the message body, a chain or a raw key as pr->ctype_peer says
 * @len: its length
 * @alert: the alert to fail with, on error
 *
 * An empty message is accepted only from a client the server does not
 * require a certificate of.  The end-entity certificate (or the raw key)
 * must parse, hold the key the suite signs with (a client's: P-256 or
 * RSA, as our CertificateRequest allows), match a pin if pins are set,
 * and a chain lead to a trust anchor if a keyring is set (chain.c, which
 * picks the alert; a raw key never does).  Delegation to user space
 * comes after (dtls_cert_peer_delegated()).
 * Return: 0 or a negative errno.
 */
int dtls_cert_peer_take(struct dtls_proto *pr, const u8 *body, u32 len,
			u8 *alert)
{
	struct dtls_cert_peer *peer = &pr->peer_cert;
	struct dtls_cert_peer got = { .type = pr->ctype_peer };
	struct dtls_cert_list cl = {};
	struct dtls_x509 x;
	int err;

	*alert = DTLS_ALERT_DECODE_ERROR;
	if (got.type == DTLS_CTYPE_RAW_PUBLIC_KEY)
		err = dtls_cert_raw_parse(body, len, &x);
	else
		err = dtls_cert_chain_parse(body, len, &cl, &x, got.sha256,
					    alert);
	if (err < 0)
		return err;
	if (err) {
		/* RFC 5246 7.4.6: the server's choice, handshake_failure. */
		*alert = DTLS_ALERT_HANDSHAKE_FAILURE;
		if (pr->p.role == DTLS_HS_ROLE_CLIENT || pr->auth.required)
			return -ENOKEY;
		return 0;
	}
	*alert = DTLS_ALERT_UNSUPPORTED_CERTIFICATE;
	if (!dtls_cert_key_fits(pr, &x))
		return -EKEYREJECTED;
	*alert = DTLS_ALERT_INTERNAL_ERROR;
	err = dtls_hash(DTLS_PRF_SHA256, x.spki, x.spki_len, got.spki_sha256);
	if (err)
		return err;
	/* Every kind of check configured must pass; delegation is last. */
	*alert = DTLS_ALERT_BAD_CERTIFICATE;
	if (!dtls_peer_auth_any(&pr->auth) ||
	    !dtls_peer_pinned(&pr->auth, &got))
		return -EKEYREJECTED;
	if (pr->auth.keyring) {
		*alert = DTLS_ALERT_UNKNOWN_CA;
		if (got.type != DTLS_CTYPE_X509)
			return -ENOKEY;
		err = dtls_chain_check(pr->auth.keyring, pr->auth.name, &cl,
				       ktime_get_real_seconds(), alert);
		if (err)
			return err;
	}
	*alert = DTLS_ALERT_INTERNAL_ERROR;
	got.chain = kmemdup(body, len, DTLS_GFP_PEER_KEEP);
	if (!got.chain)
		return -ENOMEM;
	got.chain_len = len;
	if (x.subject) {
		got.subject_off = x.subject - body;
		got.subject_len = x.subject_len;
	}
	got.pub_off = x.pub - body;
	got.pub_len = x.pub_len;
	got.key = x.key;
	got.have = true;
	dtls_cert_peer_free(peer);
	*peer = got;
	return 0;
}

void dtls_cert_peer_free(struct dtls_cert_peer *peer)
{
	kfree(peer->chain);
	memset(peer, 0, sizeof(*peer));
}
