// SPDX-License-Identifier: GPL-2.0
/*
 * Ephemeral ECDH for ECDHE-PSK (RFC 5489, RFC 8422): x25519 (RFC 7748)
 * through the kernel's curve25519 library, as WireGuard does, and
 * secp256r1 through p256.c (the kpp API's "ecdh-nist-p256", crypto/ecc.c's
 * generic C, cost 8x OpenSSL's instructions a handshake).
 *
 * x25519 is the library and not kpp "curve25519" because the kpp
 * transform is one more allocation, lookup by name and scatterlist walk
 * per side per handshake around the same arch code (curve25519-x86_64);
 * without the library (CONFIG_CRYPTO_LIB_CURVE25519_GENERIC, which exports
 * what curve25519.h calls) x25519 is not offered.  We reject the all-zero
 * result of small-order points (RFC 7748 6.1).
 *
 * P-256 public keys and shared secrets are big-endian X | Y and X byte
 * strings, as TLS wants them; we add and check the 0x04 of the
 * uncompressed point.  dtls_p256_mult() validates the peer's point (range
 * and curve equation; the cofactor is 1), and multiplies in constant time
 * in our scalar.
 *
 * Context: process (its allocations may sleep).
 */
#include <crypto/algapi.h>
#include <crypto/curve25519.h>
#include <linux/err.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kex.h"
#include "p256.h"
#include "peer_mem.h"

#define DTLS_P256_COORD		32
#define DTLS_P256_POINT		(1 + 2 * DTLS_P256_COORD)
#define DTLS_POINT_UNCOMPRESSED	0x04

struct dtls_kex {
	/* x25519: clamped; secp256r1: the scalar, big-endian */
	u8 priv[CURVE25519_KEY_SIZE];
	u16 group;
	unsigned int pub_len;
	/* Our public value, TLS encoding. */
	u8 pub[DTLS_KEX_PUBLIC_MAX];
	/* The shared point (X | Y for P-256); wiped after use. */
	u8 shared[2 * DTLS_P256_COORD];
};

#define DTLS_HAVE_X25519	IS_ENABLED(CONFIG_CRYPTO_LIB_CURVE25519_GENERIC)

bool dtls_kex_group_supported(u16 group)
{
	return (DTLS_HAVE_X25519 && group == DTLS_GROUP_X25519) ||
	       group == DTLS_GROUP_SECP256R1;
}

/*
 * Our P-256 key pair: @priv (32 bytes, 1 <= d < n) or, with no @priv, a
 * random scalar in that range.
 */
static int dtls_kex_p256_pair(struct dtls_kex *kex, const u8 *priv,
			      unsigned int len)
{
	int tries;

	if (priv) {
		if (len != DTLS_P256_COORD || !dtls_p256_scalar_valid(priv))
			return -EINVAL;
		memcpy(kex->priv, priv, DTLS_P256_COORD);
	} else {
		if (len)
			return -EINVAL;
		/* n is 2^256 - 2^224 + ...: a retry once in 2^32 draws */
		for (tries = 0; tries < 16; tries++) {
			get_random_bytes(kex->priv, DTLS_P256_COORD);
			if (dtls_p256_scalar_valid(kex->priv))
				break;
		}
		if (tries == 16)
			return -EAGAIN;
	}
	kex->pub[0] = DTLS_POINT_UNCOMPRESSED;
	kex->pub_len = DTLS_P256_POINT;
	return dtls_p256_mult_g(kex->pub + 1, kex->priv);
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
 * use it.  Made for a peer's handshake: charged to its socket's memory
 * cgroup (the caller's active one), never with the OOM killer.
 */
static struct dtls_kex *dtls_kex_new_priv(u16 group, const u8 *priv,
					  unsigned int len)
{
	struct dtls_kex *kex;
	int err;

	if (!dtls_kex_group_supported(group))
		return ERR_PTR(-EINVAL);
	kex = kzalloc(sizeof(*kex), DTLS_GFP_PEER_KEEP);
	if (!kex)
		return ERR_PTR(-ENOMEM);
	kex->group = group;
	if (group == DTLS_GROUP_X25519)
		err = dtls_kex_x25519_pair(kex, priv, len);
	else
		err = dtls_kex_p256_pair(kex, priv, len);
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
		/* not a point, or the point at infinity */
		err = dtls_p256_mult(kex->shared, kex->priv, peer + 1);
	}
	/* x25519 with a small-order point: the all-zero secret. */
	if (!err && !crypto_memneq(kex->shared, zero, DTLS_KEX_SHARED_LEN))
		err = -EINVAL;
	if (!err)
		memcpy(out, kex->shared, DTLS_KEX_SHARED_LEN);
	memzero_explicit(kex->shared, sizeof(kex->shared));
	return err ? err : DTLS_KEX_SHARED_LEN;
}

void dtls_kex_free(struct dtls_kex *kex)
{
	if (!kex)
		return;
	kfree_sensitive(kex);		/* wipes the private key */
}
