// SPDX-License-Identifier: GPL-2.0
/*
 * Ephemeral ECDH for ECDHE-PSK (RFC 5489, RFC 8422): x25519 (RFC 7748)
 * through the kernel's curve25519 library, as WireGuard does, and
 * secp256r1 through the kpp API ("ecdh-nist-p256").
 *
 * x25519 is the library and not kpp "curve25519" because the kpp
 * transform is one more allocation, lookup by name and scatterlist walk
 * per side per handshake around the same arch code (curve25519-x86_64);
 * without the library (CONFIG_CRYPTO_LIB_CURVE25519_GENERIC, which exports
 * what curve25519.h calls) x25519 is not offered.  We reject the all-zero
 * result of small-order points (RFC 7748 6.1).
 *
 * The kernel's P-256 public keys and shared secrets are big-endian X | Y
 * and X byte strings, as TLS wants them; we add and check the 0x04 of the
 * uncompressed point.  The kernel validates peer P-256 points (range and
 * curve equation; the cofactor is 1).  Buffers handed to the crypto API
 * through scatterlists live in the kmalloc'ed struct dtls_kex, never on
 * the (possibly vmalloc'ed) stack.
 *
 * Context: process (GFP_KERNEL allocations, kpp requests may sleep).
 */
#include <linux/kmod.h>
#include <crypto/algapi.h>
#include <crypto/curve25519.h>
#include <crypto/kpp.h>
#include <linux/err.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kex.h"

#define DTLS_P256_COORD		32
#define DTLS_P256_POINT		(1 + 2 * DTLS_P256_COORD)
#define DTLS_POINT_UNCOMPRESSED	0x04

struct dtls_kex {
	struct crypto_kpp *tfm;		/* secp256r1 */
	u8 priv[CURVE25519_KEY_SIZE];	/* x25519, clamped */
	u16 group;
	unsigned int pub_len;
	/* Our public value, TLS encoding. */
	u8 pub[DTLS_KEX_PUBLIC_MAX];
	/* The peer's P-256 point in the kernel's encoding (X | Y). */
	u8 peer[2 * DTLS_P256_COORD];
	/* Where the kernel writes the shared secret; wiped after use. */
	u8 shared[DTLS_KEX_SHARED_LEN];
};

#define DTLS_HAVE_X25519	IS_ENABLED(CONFIG_CRYPTO_LIB_CURVE25519_GENERIC)

bool dtls_kex_group_supported(u16 group)
{
	return (DTLS_HAVE_X25519 && group == DTLS_GROUP_X25519) ||
	       group == DTLS_GROUP_SECP256R1;
}

/* One kpp operation: the shared secret if @src is set, else our public key. */
static int dtls_kex_run(struct dtls_kex *kex, u8 *src, unsigned int src_len,
			u8 *dst, unsigned int dst_len)
{
	struct scatterlist sg_src, sg_dst;
	struct kpp_request *req;
	DECLARE_CRYPTO_WAIT(wait);
	int err;

	req = kpp_request_alloc(kex->tfm, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	kpp_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG |
				 CRYPTO_TFM_REQ_MAY_SLEEP, crypto_req_done, &wait);
	sg_init_one(&sg_dst, dst, dst_len);
	kpp_request_set_output(req, &sg_dst, dst_len);
	if (src) {
		sg_init_one(&sg_src, src, src_len);
		kpp_request_set_input(req, &sg_src, src_len);
		err = crypto_kpp_compute_shared_secret(req);
	} else {
		/* kpp_request_alloc leaves ->src unset: the algorithms test it. */
		kpp_request_set_input(req, NULL, 0);
		err = crypto_kpp_generate_public_key(req);
	}
	err = crypto_wait_req(err, &wait);
	kpp_request_free(req);
	return err;
}

/*
 * The ecdh-nist-* secret is a struct kpp_secret header, the key size and
 * the key (crypto/ecdh_helper.c).  Packed here rather than with
 * crypto_ecdh_encode_key() so that dtls.ko does not link against
 * ecdh_generic: crypto_alloc_kpp() loads it only when P-256 is used.
 */
static int dtls_kex_set_ecdh(struct dtls_kex *kex, const u8 *priv,
			     unsigned int len)
{
	struct kpp_secret hdr = { .type = CRYPTO_KPP_SECRET_TYPE_ECDH };
	u8 buf[sizeof(hdr) + sizeof(unsigned short) + DTLS_P256_COORD];
	unsigned short key_size = len;
	int err;

	if (len > DTLS_P256_COORD || (!priv && len))
		return -EINVAL;
	hdr.len = sizeof(hdr) + sizeof(key_size) + len;
	memcpy(buf, &hdr, sizeof(hdr));
	memcpy(buf + sizeof(hdr), &key_size, sizeof(key_size));
	if (len)
		memcpy(buf + sizeof(hdr) + sizeof(key_size), priv, len);
	err = crypto_kpp_set_secret(kex->tfm, buf, hdr.len);
	memzero_explicit(buf, sizeof(buf));
	return err;
}

/* Our x25519 key pair from @priv: a copy, clamped, and its public value. */
static int dtls_kex_x25519_pair(struct dtls_kex *kex, const u8 *priv,
				unsigned int len)
{
	if (!DTLS_HAVE_X25519 || !priv || len != CURVE25519_KEY_SIZE)
		return -EINVAL;
	memcpy(kex->priv, priv, sizeof(kex->priv));
	curve25519_clamp_secret(kex->priv);
	kex->pub_len = CURVE25519_KEY_SIZE;
	if (!curve25519_generate_public(kex->pub, kex->priv))
		return -EINVAL;
	return 0;
}

/*
 * A key pair for @group from the private key @priv: 32 bytes for x25519;
 * for secp256r1 a big-endian scalar, or none (@len 0) to have the kernel
 * generate one.  dtls_kex_new() and the KUnit suite (fixed test vectors)
 * use it.
 */
static struct dtls_kex *dtls_kex_new_priv(u16 group, const u8 *priv,
					  unsigned int len)
{
	const char *alg = "ecdh-nist-p256";
	struct dtls_kex *kex;
	int err;

	if (!dtls_kex_group_supported(group))
		return ERR_PTR(-EINVAL);
	kex = kzalloc(sizeof(*kex), GFP_KERNEL);
	if (!kex)
		return ERR_PTR(-ENOMEM);
	kex->group = group;
	if (group == DTLS_GROUP_X25519) {
		err = dtls_kex_x25519_pair(kex, priv, len);
		if (err)
			goto fail;
		return kex;
	}

	kex->tfm = crypto_alloc_kpp(alg, 0, 0);
	/*
	 * ecdh_generic's only module alias is "crypto-ecdh", not the name
	 * of the P-256 algorithm it provides: load it by that, and retry.
	 */
	if (PTR_ERR_OR_ZERO(kex->tfm) == -ENOENT &&
	    !request_module("crypto-ecdh"))
		kex->tfm = crypto_alloc_kpp(alg, 0, 0);
	if (IS_ERR(kex->tfm)) {
		err = PTR_ERR(kex->tfm);
		kex->tfm = NULL;
		goto fail;
	}

	err = dtls_kex_set_ecdh(kex, priv, len);
	if (!err)
		err = dtls_kex_run(kex, NULL, 0, kex->pub + 1,
				   2 * DTLS_P256_COORD);
	kex->pub[0] = DTLS_POINT_UNCOMPRESSED;
	kex->pub_len = DTLS_P256_POINT;
	if (err)
		goto fail;
	return kex;

fail:
	dtls_kex_free(kex);
	return ERR_PTR(err);
}

struct dtls_kex *dtls_kex_new(u16 group)
{
	u8 priv[CURVE25519_KEY_SIZE];
	struct dtls_kex *kex;

	if (group != DTLS_GROUP_X25519)
		return dtls_kex_new_priv(group, NULL, 0);
	get_random_bytes(priv, sizeof(priv));
	kex = dtls_kex_new_priv(group, priv, sizeof(priv));
	memzero_explicit(priv, sizeof(priv));
	return kex;
}

int dtls_kex_public(struct dtls_kex *kex, u8 *out, unsigned int cap)
{
	if (!kex || !out || cap < kex->pub_len)
		return -EINVAL;
	memcpy(out, kex->pub, kex->pub_len);
	return kex->pub_len;
}

int dtls_kex_shared(struct dtls_kex *kex, const u8 *peer, unsigned int len,
		    u8 out[DTLS_KEX_SHARED_LEN])
{
	static const u8 zero[DTLS_KEX_SHARED_LEN];
	int err;

	if (!kex || !peer || !out)
		return -EINVAL;
	if (kex->group == DTLS_GROUP_X25519) {
		if (len != CURVE25519_KEY_SIZE)
			return -EINVAL;
		/* false: the all-zero secret, checked below */
		err = curve25519(kex->shared, kex->priv, peer) ? 0 : -EINVAL;
	} else {
		/* Only the uncompressed form (RFC 8422 5.4.1). */
		if (len != DTLS_P256_POINT || peer[0] != DTLS_POINT_UNCOMPRESSED)
			return -EINVAL;
		memcpy(kex->peer, peer + 1, len - 1);
		err = dtls_kex_run(kex, kex->peer, len - 1, kex->shared,
				   DTLS_KEX_SHARED_LEN);
	}
	/* x25519 with a small-order point: the all-zero secret. */
	if (!err && !crypto_memneq(kex->shared, zero, DTLS_KEX_SHARED_LEN))
		err = -EINVAL;
	if (!err)
		memcpy(out, kex->shared, DTLS_KEX_SHARED_LEN);
	memzero_explicit(kex->shared, sizeof(kex->shared));
	memzero_explicit(kex->peer, sizeof(kex->peer));
	return err ? err : DTLS_KEX_SHARED_LEN;
}

void dtls_kex_free(struct dtls_kex *kex)
{
	if (!kex)
		return;
	/* crypto_free_kpp() wipes the context holding a P-256 key. */
	if (kex->tfm)
		crypto_free_kpp(kex->tfm);
	kfree_sensitive(kex);
}
