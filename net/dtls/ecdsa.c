// SPDX-License-Identifier: GPL-2.0
/*
 * ECDSA P-256 / SHA-256 (ecdsa.h): the group and the products mod n from
 * p256.c, the inversion mod n from crypto/ecc.c (vli_mod_inv()).
 *
 * Signing.  The nonce k comes from RFC 6979's HMAC-DRBG over the private
 * key and the hash, with fresh random bytes added (3.6) when the
 * handshake signs: deterministic if the CRNG failed, never repeated for
 * two messages, unpredictable while it works.  What sees secrets:
 *  - k * G and d * G: p256.c, constant time in the scalar; d * G once
 *    per key lately set (dtls_pub_cache, below);
 *  - k^-1: vli_mod_inv() is variable-time, so it only ever sees k * b
 *    for a random b, and k^-1 = (k * b)^-1 * b;
 *  - r * d and the other products mod n: dtls_p256_scalar_mul(),
 *    constant time;
 *  - k^-1 * (e + r * d) = s is public; the additions mod n are ours,
 *    branch-free.
 * Verification handles public values only: u1 G + u2 Q by p256.c.
 *
 * Every intermediate of ours is wiped before return; vli_mod_inv()
 * leaves its own on the stack, of k * b only, and the last
 * sc_mont_mul() of a signature its product, of k^-1 and e + r d.
 *
 * Context: process.
 */

#include <linux/errno.h>
#include <linux/printk.h>
#include <linux/once.h>
#include <linux/random.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <crypto/algapi.h>		/* crypto_memneq() */
#include <crypto/ecdh.h>		/* ECC_CURVE_NIST_P256 */
#include <crypto/ecc_curve.h>
#include <crypto/hash.h>
#include <crypto/internal/ecc.h>

#include "compat/compat.h"
#include "ecdsa.h"
#include "p256.h"
#include "prf.h"

#define ND	ECC_CURVE_NIST_P256_DIGITS

static const struct ecc_curve *dtls_p256(void)
{
	return ecc_get_curve(ECC_CURVE_NIST_P256);
}

/* 1 <= v < n */
static bool dtls_p256_scalar_ok(const u64 *v, const u64 *n)
{
	return !vli_is_zero(v, ND) && vli_cmp(v, n, ND) < 0;
}

/* r = a + b mod n, for a, b < n; no branch on the values. */
static void dtls_p256_add_mod(u64 *r, const u64 *a, const u64 *b,
			      const u64 *n)
{
	u64 t[ND], u[ND], carry = 0, borrow = 0, mask;
	unsigned int i;

	for (i = 0; i < ND; i++) {
		u64 sum = a[i] + carry;

		carry = sum < carry;
		sum += b[i];
		carry |= sum < b[i];
		t[i] = sum;
	}
	for (i = 0; i < ND; i++) {
		u64 d = t[i] - n[i] - borrow;

		borrow = (t[i] < n[i]) | ((t[i] == n[i]) & borrow);
		u[i] = d;
	}
	/* t - n when t overflowed or t >= n, else t */
	mask = 0 - (carry | (borrow ^ 1));
	for (i = 0; i < ND; i++)
		r[i] = (u[i] & mask) | (t[i] & ~mask);
	memzero_explicit(t, sizeof(t));
	memzero_explicit(u, sizeof(u));
}

/* A 32-byte big-endian number, reduced once mod n (it is < 2n). */
static void dtls_p256_from_bytes_mod(u64 *out, const u8 *in, const u64 *n)
{
	vli_from_be64(out, in, ND);
	if (vli_cmp(out, n, ND) >= 0)
		vli_sub(out, out, n, ND);
}

static void dtls_p256_to_bytes(u8 *out, const u64 *in)
{
	unsigned int i;

	for (i = 0; i < ND; i++)
		put_unaligned_be64(in[ND - 1 - i], out + 8 * i);
}

/* x(k G), big-endian */
static int dtls_p256_x_of_kg(const u64 *k, u8 *x)
{
	u8 kb[DTLS_P256_LEN], xy[2 * DTLS_P256_LEN];
	int err;

	dtls_p256_to_bytes(kb, k);
	err = dtls_p256_mult_g(xy, kb);
	if (!err)
		memcpy(x, xy, DTLS_P256_LEN);
	memzero_explicit(kb, sizeof(kb));
	memzero_explicit(xy, sizeof(xy));
	return err;
}

/* ----------------------------------------------------- RFC 6979 nonces */

struct dtls_drbg {
	u8	k[32];
	u8	v[32];
};

/* K = HMAC_K(V || sep || parts...); V = HMAC_K(V) (RFC 6979 3.2 d-g). */
static int dtls_drbg_update(struct dtls_drbg *g, int sep, const u8 *x,
			    const u8 *h, const u8 *extra,
			    unsigned int extra_len)
{
	struct dtls_hmac_key hk;
	int err;

	err = dtls_hmac_setkey(&hk, DTLS_PRF_SHA256, g->k, sizeof(g->k));
	if (err)
		return err;
	{
		SHASH_DESC_ON_STACK(desc, hk.tfm);
		u8 s = sep;

		err = dtls_hmac_begin(desc, &hk) ?:
		      crypto_shash_update(desc, g->v, sizeof(g->v));
		if (!err && sep >= 0)
			err = crypto_shash_update(desc, &s, 1);
		if (!err && x)
			err = crypto_shash_update(desc, x, 32);
		if (!err && h)
			err = crypto_shash_update(desc, h, 32);
		if (!err && extra_len)
			err = crypto_shash_update(desc, extra, extra_len);
		if (!err)
			err = dtls_hmac_end(desc, &hk, sep >= 0 ? g->k : g->v);
		shash_desc_zero(desc);
	}
	if (!err && sep >= 0)
		err = dtls_hmac_setkey(&hk, DTLS_PRF_SHA256, g->k,
				       sizeof(g->k));
	if (!err && sep >= 0) {
		SHASH_DESC_ON_STACK(desc, hk.tfm);

		err = dtls_hmac_begin(desc, &hk) ?:
		      crypto_shash_update(desc, g->v, sizeof(g->v)) ?:
		      dtls_hmac_end(desc, &hk, g->v);
		shash_desc_zero(desc);
	}
	dtls_hmac_key_wipe(&hk);
	return err;
}

/* V = HMAC_K(V): the next 256 bits of output. */
static int dtls_drbg_next(struct dtls_drbg *g)
{
	return dtls_drbg_update(g, -1, NULL, NULL, NULL, 0);
}

/* ------------------------------------------------------------- signing */

/*
 * Public keys lately derived, by the SHA-256 of a random salt and their
 * private key: a server gives every socket the same key, and d G was
 * most of the cost of a cert-set.  The digest tells nothing of the key,
 * and the salt (drawn once per load) keeps it from being matched against
 * digests computed elsewhere.  A hit and a miss differ in time, which
 * tells a caller, in any namespace, only whether a key it holds was set
 * lately.  Public points and digests only: nothing to wipe.
 */
#define DTLS_PUB_TAG_LEN	32
#define DTLS_PUB_CACHE_SIZE	8

static struct {
	u8	tag[DTLS_PUB_TAG_LEN];
	u8	pub[2 * DTLS_P256_LEN];
	bool	used;
} dtls_pub_cache[DTLS_PUB_CACHE_SIZE];
static unsigned int dtls_pub_cache_next;
static DEFINE_SPINLOCK(dtls_pub_cache_lock);
static u8 dtls_pub_salt[32];

static int dtls_pub_tag(const u8 *priv, u8 *tag)
{
	u8 buf[sizeof(dtls_pub_salt) + DTLS_P256_LEN];
	int err;

	get_random_once(dtls_pub_salt, sizeof(dtls_pub_salt));
	memcpy(buf, dtls_pub_salt, sizeof(dtls_pub_salt));
	memcpy(buf + sizeof(dtls_pub_salt), priv, DTLS_P256_LEN);
	err = dtls_hash(DTLS_PRF_SHA256, buf, sizeof(buf), tag);
	memzero_explicit(buf, sizeof(buf));
	return err;
}

/* Each entry's tag compared whole (crypto_memneq()). */
static bool dtls_pub_cache_get(const u8 *tag, u8 *pub)
{
	bool hit = false;
	unsigned int i;

	spin_lock(&dtls_pub_cache_lock);
	for (i = 0; i < DTLS_PUB_CACHE_SIZE; i++)
		if (!crypto_memneq(dtls_pub_cache[i].tag, tag,
				   DTLS_PUB_TAG_LEN) &&
		    dtls_pub_cache[i].used && !hit) {
			memcpy(pub, dtls_pub_cache[i].pub,
			       sizeof(dtls_pub_cache[i].pub));
			hit = true;
		}
	spin_unlock(&dtls_pub_cache_lock);
	return hit;
}

/* Round robin over the entries. */
static void dtls_pub_cache_put(const u8 *tag, const u8 *pub)
{
	unsigned int i;

	spin_lock(&dtls_pub_cache_lock);
	i = dtls_pub_cache_next++ % DTLS_PUB_CACHE_SIZE;
	memcpy(dtls_pub_cache[i].tag, tag, DTLS_PUB_TAG_LEN);
	memcpy(dtls_pub_cache[i].pub, pub, sizeof(dtls_pub_cache[i].pub));
	dtls_pub_cache[i].used = true;
	spin_unlock(&dtls_pub_cache_lock);
}

/**
 * dtls_ecdsa_key_set - a private key, and its public point computed
 * @k: the key
 * @priv: the secret, 32 bytes big-endian, 1 <= d < n
 *
 * Return: 0, or -EINVAL (@k is wiped then).
 */
int dtls_ecdsa_key_set(struct dtls_ecdsa_key *k, const u8 *priv)
{
	u8 tag[DTLS_PUB_TAG_LEN];
	bool tagged;

	vli_from_be64(k->d, priv, ND);
	if (!dtls_p256_scalar_valid(priv))
		goto fail;
	tagged = !dtls_pub_tag(priv, tag);
	if (!tagged || !dtls_pub_cache_get(tag, k->pub + 1)) {
		if (dtls_p256_mult_g(k->pub + 1, priv))
			goto fail;
		if (tagged)
			dtls_pub_cache_put(tag, k->pub + 1);
	}
	k->pub[0] = 4;
	return 0;
fail:
	dtls_ecdsa_key_wipe(k);
	return -EINVAL;
}

void dtls_ecdsa_key_wipe(struct dtls_ecdsa_key *k)
{
	memzero_explicit(k, sizeof(*k));
}

/* s = k^-1 (e + r d) mod n, k^-1 through a random blind (see above). */
/* A random scalar, 1 <= v < n. */
static int dtls_p256_random_scalar(u64 *v, const u64 *n)
{
	int tries;

	for (tries = 0; tries < 16; tries++) {
		get_random_bytes(v, ND * sizeof(u64));
		if (dtls_p256_scalar_ok(v, n))
			return 0;
	}
	return -EAGAIN;
}

static int dtls_ecdsa_s(u64 *s, const u64 *k, const u64 *e, const u64 *r,
			const u64 *d, const u64 *n)
{
	u64 b[ND], t[ND];
	int err;

	err = dtls_p256_random_scalar(b, n);
	if (err)
		goto out;
	dtls_p256_scalar_mul(t, k, b);		/* k b */
	vli_mod_inv(t, t, n, ND);		/* (k b)^-1 */
	dtls_p256_scalar_mul(t, t, b);		/* k^-1 */
	dtls_p256_scalar_mul(b, r, d);		/* r d */
	dtls_p256_add_mod(b, b, e, n);		/* e + r d */
	dtls_p256_scalar_mul(s, t, b);
out:
	memzero_explicit(b, sizeof(b));
	memzero_explicit(t, sizeof(t));
	return err;
}

/**
 * dtls_ecdsa_sign_rs - sign a 32-byte digest
 * @k: the private key
 * @hash: the message's SHA-256, or the first 32 bytes of its SHA-384
 * @extra: additional input for the nonce (RFC 6979 3.6), or NULL
 * @extra_len: its length
 * @r: the signature's r, 32 bytes big-endian
 * @s: and s
 *
 * Return: 0 or a negative errno.
 */
int dtls_ecdsa_sign_rs(const struct dtls_ecdsa_key *k, const u8 *hash,
		       const u8 *extra, unsigned int extra_len, u8 *r, u8 *s)
{
	const struct ecc_curve *c = dtls_p256();
	u64 e[ND], kk[ND], rr[ND], ss[ND];
	u8 x[32], h1[32], pt[DTLS_P256_LEN];
	struct dtls_drbg g;
	int err, tries;

	dtls_p256_from_bytes_mod(e, hash, c->n);
	dtls_p256_to_bytes(h1, e);		/* bits2octets(h1) */
	dtls_p256_to_bytes(x, k->d);		/* int2octets(x) */
	memset(g.v, 0x01, sizeof(g.v));
	memset(g.k, 0x00, sizeof(g.k));
	err = dtls_drbg_update(&g, 0, x, h1, extra, extra_len) ?:
	      dtls_drbg_update(&g, 1, x, h1, extra, extra_len);
	for (tries = 0; !err && tries < 64; tries++) {
		err = dtls_drbg_next(&g);
		if (err)
			break;
		vli_from_be64(kk, g.v, ND);	/* qlen = hlen = 256 */
		if (dtls_p256_scalar_valid(g.v) &&
		    !dtls_p256_x_of_kg(kk, pt)) {
			/* r = x(k G) mod n; x < p < 2n */
			dtls_p256_from_bytes_mod(rr, pt, c->n);
			if (!vli_is_zero(rr, ND)) {
				err = dtls_ecdsa_s(ss, kk, e, rr, k->d, c->n);
				if (!err && !vli_is_zero(ss, ND))
					break;
			}
		}
		/* RFC 6979 3.2 h.3: K = HMAC_K(V || 0x00), V = HMAC_K(V) */
		if (!err)
			err = dtls_drbg_update(&g, 0, NULL, NULL, NULL, 0);
	}
	if (!err && tries == 64)
		err = -EAGAIN;
	if (!err) {
		dtls_p256_to_bytes(r, rr);
		dtls_p256_to_bytes(s, ss);
	}
	memzero_explicit(&g, sizeof(g));
	memzero_explicit(kk, sizeof(kk));
	memzero_explicit(x, sizeof(x));
	memzero_explicit(pt, sizeof(pt));
	memzero_explicit(ss, sizeof(ss));
	return err;
}

/* -------------------------------------------------------- verification */

/* An uncompressed point on P-256 (SP 800-56A 5.6.2.3.4; cofactor 1). */
static int dtls_p256_point(const u8 *pub, unsigned int len)
{
	if (len != DTLS_P256_POINT_LEN || pub[0] != 4)
		return -EBADMSG;
	return dtls_p256_point_valid(pub + 1) ? 0 : -EINVAL;
}

/**
 * dtls_ecdsa_pub_check - is this a public key on P-256?
 * @pub: 04 || X || Y
 * @len: its length
 *
 * Return: 0, -EBADMSG (not an uncompressed point) or -EINVAL (not on
 * the curve, or out of range).
 */
int dtls_ecdsa_pub_check(const u8 *pub, unsigned int len)
{
	return dtls_p256_point(pub, len);
}

/**
 * dtls_ecdsa_verify_rs - check a signature of a 32-byte digest
 * @pub: the signer's public key, 04 || X || Y
 * @hash: the message's SHA-256, or the first 32 bytes of its SHA-384
 * @r: the signature's r, 32 bytes big-endian
 * @s: and s
 *
 * Return: 0 if it verifies, -EKEYREJECTED if not, -EINVAL for a public
 * key not on the curve.
 */
int dtls_ecdsa_verify_rs(const u8 *pub, const u8 *hash, const u8 *r,
			 const u8 *s)
{
	const struct ecc_curve *c = dtls_p256();
	u64 rr[ND], ss[ND], e[ND], w[ND], u[ND];
	u8 u1[DTLS_P256_LEN], u2[DTLS_P256_LEN], x[DTLS_P256_LEN];
	int err;

	err = dtls_p256_point(pub, DTLS_P256_POINT_LEN);
	if (err)
		return err;
	vli_from_be64(rr, r, ND);
	vli_from_be64(ss, s, ND);
	if (!dtls_p256_scalar_ok(rr, c->n) || !dtls_p256_scalar_ok(ss, c->n))
		return -EKEYREJECTED;
	dtls_p256_from_bytes_mod(e, hash, c->n);
	vli_mod_inv(w, ss, c->n, ND);
	dtls_p256_scalar_mul(u, e, w);
	dtls_p256_to_bytes(u1, u);
	dtls_p256_scalar_mul(u, rr, w);
	dtls_p256_to_bytes(u2, u);
	if (dtls_p256_mult2_x(x, u1, u2, pub + 1))
		return -EKEYREJECTED;		/* the point at infinity */
	/* v = x mod n; x < p < 2n */
	dtls_p256_from_bytes_mod(u, x, c->n);
	return vli_cmp(u, rr, ND) ? -EKEYREJECTED : 0;
}

/* ----------------------------------------------------------------- DER */

/* One INTEGER of at most 32 bytes of value, minimal, not negative. */
static int dtls_der_uint(const u8 **p, const u8 *end, u8 *out)
{
	const u8 *q = *p;
	unsigned int len;

	if (end - q < 2 || q[0] != 0x02)
		return -EBADMSG;
	len = q[1];
	q += 2;
	if (!len || len > DTLS_P256_LEN + 1 || len > end - q)
		return -EBADMSG;
	if (q[0] & 0x80)
		return -EBADMSG;		/* negative */
	if (len > 1 && !q[0] && !(q[1] & 0x80))
		return -EBADMSG;		/* not minimal */
	if (len == DTLS_P256_LEN + 1) {
		if (q[0])
			return -EBADMSG;
		q++;
		len--;
	}
	memset(out, 0, DTLS_P256_LEN - len);
	memcpy(out + DTLS_P256_LEN - len, q, len);
	*p = q + len;
	return 0;
}

/**
 * dtls_ecdsa_sig_parse - r and s of a DER ECDSA-Sig-Value
 * @der: SEQUENCE { INTEGER r, INTEGER s }, DER (short lengths only: the
 *	 whole is at most 72 bytes)
 * @len: its length, exactly
 * @r: r, 32 bytes big-endian
 * @s: s
 *
 * Return: 0 or -EBADMSG.
 */
int dtls_ecdsa_sig_parse(const u8 *der, unsigned int len, u8 *r, u8 *s)
{
	const u8 *p = der + 2, *end = der + len;

	if (len < 2 || der[0] != 0x30 || der[1] != len - 2 || der[1] > 0x7f)
		return -EBADMSG;
	if (dtls_der_uint(&p, end, r) || dtls_der_uint(&p, end, s) ||
	    p != end)
		return -EBADMSG;
	return 0;
}

static unsigned int dtls_der_put_uint(u8 *out, const u8 *v)
{
	unsigned int i = 0, n;

	while (i < DTLS_P256_LEN - 1 && !v[i])
		i++;
	n = DTLS_P256_LEN - i;
	out[0] = 0x02;
	if (v[i] & 0x80) {
		out[1] = n + 1;
		out[2] = 0;
		memcpy(out + 3, v + i, n);
		return 3 + n;
	}
	out[1] = n;
	memcpy(out + 2, v + i, n);
	return 2 + n;
}

/**
 * dtls_ecdsa_sig_build - the DER ECDSA-Sig-Value of @r and @s
 * @r: 32 bytes big-endian
 * @s: 32 bytes big-endian
 * @out: room for it
 * @cap: its size, DTLS_ECDSA_SIG_MAX will always do
 *
 * Return: its length, or -ENOSPC.
 */
int dtls_ecdsa_sig_build(const u8 *r, const u8 *s, u8 *out,
			 unsigned int cap)
{
	u8 tmp[DTLS_ECDSA_SIG_MAX];
	unsigned int n;

	n = dtls_der_put_uint(tmp + 2, r);
	n += dtls_der_put_uint(tmp + 2 + n, s);
	tmp[0] = 0x30;
	tmp[1] = n;
	if (n + 2 > cap)
		return -ENOSPC;
	memcpy(out, tmp, n + 2);
	return n + 2;
}

/**
 * dtls_ecdsa_sign - sign a 32-byte digest, hedged, DER out
 * @k: the private key
 * @hash: 32 bytes
 * @out: the DER signature
 * @cap: room in @out
 *
 * Return: the signature's length, or a negative errno.
 */
int dtls_ecdsa_sign(const struct dtls_ecdsa_key *k, const u8 *hash, u8 *out,
		    unsigned int cap)
{
	u8 extra[32], r[DTLS_P256_LEN], s[DTLS_P256_LEN];
	int err;

	get_random_bytes(extra, sizeof(extra));
	err = dtls_ecdsa_sign_rs(k, hash, extra, sizeof(extra), r, s);
	if (!err)
		err = dtls_ecdsa_sig_build(r, s, out, cap);
	memzero_explicit(extra, sizeof(extra));
	return err;
}

/**
 * dtls_ecdsa_verify - check a DER signature of a 32-byte digest
 * @pub: 04 || X || Y
 * @hash: 32 bytes
 * @der: the signature
 * @len: its length
 *
 * Return: 0 if it verifies; -EBADMSG (malformed), -EKEYREJECTED (does
 * not verify), -EINVAL (not a key on P-256), -ENOMEM.
 */
int dtls_ecdsa_verify(const u8 *pub, const u8 *hash, const u8 *der,
		      unsigned int len)
{
	u8 r[DTLS_P256_LEN], s[DTLS_P256_LEN];

	if (dtls_ecdsa_sig_parse(der, len, r, s))
		return -EBADMSG;
	return dtls_ecdsa_verify_rs(pub, hash, r, s);
}
