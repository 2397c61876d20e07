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
#include "proto.h"

/**
 * dtls_cert_own_set - our certificate chain and private key
 * @own: where they go; what was there is freed
 * @der: the certificates, DER, our own first, then its issuers
 * @len: their lengths
 * @n: how many, 1..DTLS_CERT_CHAIN_MAX
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
	struct dtls_cert_list cl = { .n = n };
	struct dtls_ecdsa_key key;
	struct dtls_x509 x;
	unsigned int i;
	u8 *body;
	int err, body_len;

	if (!n || n > DTLS_CERT_CHAIN_MAX)
		return -EINVAL;
	/* The last parsed is the first, ours. */
	for (i = n; i-- > 0;) {
		if (dtls_x509_parse(der[i], len[i], &x))
			return -EBADMSG;
		cl.der[i] = der[i];
		cl.len[i] = len[i];
	}
	if (x.key != DTLS_X509_KEY_EC_P256)
		return -EOPNOTSUPP;
	err = dtls_ecdsa_key_set(&key, priv);
	if (err)
		return -EINVAL;
	err = -EKEYREJECTED;
	if (x.pub_len != sizeof(key.pub) || memcmp(x.pub, key.pub, x.pub_len))
		goto out;
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
	dtls_cert_own_free(own);
	own->body = body;
	own->body_len = body_len;
	own->key = key;
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
	    (new->required && !dtls_peer_auth_any(new)) ||
	    (new->name[0] && !new->keyring) ||
	    strnlen(new->name, sizeof(new->name)) == sizeof(new->name))
		return -EINVAL;
	dtls_peer_auth_free(pa);
	*pa = *new;
	new->keyring = NULL;
	return 0;
}

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
	return pa->n_pins || pa->keyring;
}

static bool dtls_peer_pinned(const struct dtls_peer_auth *pa, const u8 *sha)
{
	unsigned int i;
	bool hit = false;

	for (i = 0; i < pa->n_pins; i++)
		hit |= !crypto_memneq(sha, pa->pins[i], SHA256_DIGEST_SIZE);
	return hit;
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

/**
 * dtls_cert_peer_take - the peer's Certificate message
 * @pr: the protocol state; pr->peer_cert is set when a certificate passes
 * @body: the message body
 * @len: its length
 * @alert: the alert to fail with, on error
 *
 * An empty list is accepted only from a client the server does not
 * require a certificate of.  The first certificate must parse, hold the
 * key the suite signs with (a client's: P-256 or RSA, as our
 * CertificateRequest allows), match a pinned digest if pins are set, and
 * the chain lead to a trust anchor if a keyring is set (chain.c, which
 * picks the alert).
 * Return: 0 or a negative errno.
 */
int dtls_cert_peer_take(struct dtls_proto *pr, const u8 *body, u32 len,
			u8 *alert)
{
	struct dtls_cert_peer *peer = &pr->peer_cert;
	u8 sha[SHA256_DIGEST_SIZE];
	struct dtls_cert_list cl;
	struct dtls_x509 x;
	int err;

	*alert = DTLS_ALERT_DECODE_ERROR;
	err = dtls_cert_parse(body, len, &cl);
	if (err == -E2BIG)
		*alert = DTLS_ALERT_BAD_CERTIFICATE;
	if (err)
		return err;
	if (!cl.n) {
		/* RFC 5246 7.4.6: the server's choice, handshake_failure. */
		*alert = DTLS_ALERT_HANDSHAKE_FAILURE;
		if (pr->p.role == DTLS_HS_ROLE_CLIENT || pr->auth.required)
			return -ENOKEY;
		return 0;
	}
	*alert = DTLS_ALERT_BAD_CERTIFICATE;
	if (dtls_x509_parse(cl.der[0], cl.len[0], &x) ||
	    x.subject_len > DTLS_PEER_SUBJECT_MAX)
		return -EBADMSG;
	*alert = DTLS_ALERT_UNSUPPORTED_CERTIFICATE;
	if (!dtls_cert_key_fits(pr, &x))
		return -EKEYREJECTED;
	*alert = DTLS_ALERT_INTERNAL_ERROR;
	err = dtls_hash(DTLS_PRF_SHA256, cl.der[0], cl.len[0], sha);
	if (err)
		return err;
	*alert = DTLS_ALERT_BAD_CERTIFICATE;
	if (pr->auth.n_pins && !dtls_peer_pinned(&pr->auth, sha))
		return -EKEYREJECTED;
	if (pr->auth.keyring) {
		err = dtls_chain_check(pr->auth.keyring, pr->auth.name, &cl,
				       ktime_get_real_seconds(), alert);
		if (err)
			return err;
	}
	/* Nothing configured checks it: never accept it unchecked. */
	if (!dtls_peer_auth_any(&pr->auth))
		return -EKEYREJECTED;
	*alert = DTLS_ALERT_INTERNAL_ERROR;
	dtls_cert_peer_free(peer);
	peer->chain = kmemdup(body, len, GFP_KERNEL);
	if (!peer->chain)
		return -ENOMEM;
	peer->chain_len = len;
	peer->subject_off = x.subject - body;
	peer->subject_len = x.subject_len;
	peer->pub_off = x.pub - body;
	peer->pub_len = x.pub_len;
	peer->key = x.key;
	memcpy(peer->sha256, sha, sizeof(sha));
	peer->have = true;
	return 0;
}

void dtls_cert_peer_free(struct dtls_cert_peer *peer)
{
	kfree(peer->chain);
	memset(peer, 0, sizeof(*peer));
}
