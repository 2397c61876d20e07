// SPDX-License-Identifier: GPL-2.0
/*
 * P-256 group arithmetic (p256.h).
 *
 * Field: p = 2^256 - 2^224 + 2^192 + 2^96 - 1, elements as four 64-bit
 * limbs, little-endian, in Montgomery form (a R mod p, R = 2^256), always
 * fully reduced below p.  Multiplication is word-by-word Montgomery
 * (CIOS); as p = -1 mod 2^64, each step's quotient digit is the low limb
 * itself.  No operation branches on, or indexes memory by, a value.
 *
 * Group: homogeneous projective (X : Y : Z), x = X/Z, y = Y/Z, with the
 * complete formulas of Renes, Costello and Batina ("Complete addition
 * formulas for prime order elliptic curves", 2015, algorithms 4 to 6 for
 * a = -3): one formula for every pair of points, the point at infinity
 * (0 : 1 : 0) and doublings included, so no case is told apart by a
 * branch.
 *
 * k G: the scalar's 64 four-bit digits each pick j 16^i G (j = 1..15)
 * from a table built at load (g_table, 60 KiB, read-only after init);
 * the sum is 64 mixed additions and no doubling.  The pick reads all 15
 * entries and keeps one by mask.  A zero digit adds too, and the sum is
 * then not kept (by mask).
 *
 * k Q: a 16-entry table of Q's multiples, then four doublings and one
 * addition a digit, the entry picked by mask as above.
 *
 * Costs (instructions, x86-64, from bench-hs): see README.md's handshake
 * benchmark; a k G is about 1,200 field multiplications, a k Q about
 * 4,400.
 *
 * Context: any; the functions use the stack only (about 2 KiB for k Q).
 */

#include <linux/cache.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/string.h>

#include "compat/compat.h"
#include "p256.h"

#define NL	4	/* limbs */

typedef u64 fe[NL];

struct p256_point {
	fe x, y, z;
};

/* An affine point of the table; (0, 0) is never one. */
struct p256_affine {
	fe x, y;
};

static const fe p256_p = {
	0xffffffffffffffffULL, 0x00000000ffffffffULL,
	0x0000000000000000ULL, 0xffffffff00000001ULL,
};

/* R mod p = 2^256 - p: 1 in Montgomery form. */
static const fe p256_one = {
	0x0000000000000001ULL, 0xffffffff00000000ULL,
	0xffffffffffffffffULL, 0x00000000fffffffeULL,
};

static const u8 p256_b_bytes[DTLS_P256_BYTES] = {
	0x5a, 0xc6, 0x35, 0xd8, 0xaa, 0x3a, 0x93, 0xe7, 0xb3, 0xeb, 0xbd,
	0x55, 0x76, 0x98, 0x86, 0xbc, 0x65, 0x1d, 0x06, 0xb0, 0xcc, 0x53,
	0xb0, 0xf6, 0x3b, 0xce, 0x3c, 0x3e, 0x27, 0xd2, 0x60, 0x4b,
};

static const u8 p256_g_bytes[2 * DTLS_P256_BYTES] = {
	0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6,
	0xe5, 0x63, 0xa4, 0x40, 0xf2, 0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb,
	0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96,
	0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb,
	0x4a, 0x7c, 0x0f, 0x9e, 0x16, 0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31,
	0x5e, 0xce, 0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51, 0xf5,
};

/* Set once by dtls_p256_init(), read-only after. */
static fe p256_rr __ro_after_init;		/* R^2 mod p */
static fe p256_b __ro_after_init;		/* b, Montgomery */
static struct p256_affine g_table[64][15] __ro_after_init;

/* ------------------------------------------------------------ limbs */

/* a b + c + d, low word returned, high word in *hi; never overflows. */
static __always_inline u64 mac(u64 a, u64 b, u64 c, u64 d, u64 *hi)
{
#ifdef __SIZEOF_INT128__
	__uint128_t t = (__uint128_t)a * b + c + d;

	*hi = t >> 64;
	return (u64)t;
#else
	u64 al = (u32)a, ah = a >> 32, bl = (u32)b, bh = b >> 32;
	u64 ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	u64 mid = (ll >> 32) + (u32)lh + (u32)hl;
	u64 lo = (mid << 32) | (u32)ll;
	u64 h = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);

	lo += c;
	h += lo < c;
	lo += d;
	h += lo < d;
	*hi = h;
	return lo;
#endif
}

static __always_inline u64 adc(u64 a, u64 b, u64 *carry)
{
	u64 s = a + *carry, c = s < a;

	s += b;
	*carry = c | (s < b);
	return s;
}

static __always_inline u64 sbb(u64 a, u64 b, u64 *borrow)
{
	u64 d = a - b, w = a < b, r = d - *borrow;

	*borrow = w | (d < *borrow);
	return r;
}

/* All ones if @v, else 0. */
static __always_inline u64 mask_of(u64 v)
{
	return 0 - (u64)(v != 0);
}

/* All ones if a == b (small values). */
static __always_inline u64 mask_eq(u64 a, u64 b)
{
	u64 x = a ^ b;

	return ((x | (0 - x)) >> 63) - 1;
}

/* ------------------------------------------------------------ field */

static void fe_copy(fe r, const fe a)
{
	memcpy(r, a, sizeof(fe));
}

static void fe_cmov(fe r, const fe a, u64 mask)
{
	unsigned int i;

	for (i = 0; i < NL; i++)
		r[i] ^= mask & (r[i] ^ a[i]);
}

/* r = t - p if (carry, t) >= p, else t: (carry, t) < 2p. */
static void fe_reduce_once(fe r, const fe t, u64 carry)
{
	u64 u[NL], borrow = 0;
	unsigned int i;

	for (i = 0; i < NL; i++)
		u[i] = sbb(t[i], p256_p[i], &borrow);
	/* subtract if the high carry was set or no borrow came out */
	fe_copy(r, t);
	fe_cmov(r, u, mask_of(carry | (borrow ^ 1)));
}

static void fe_add(fe r, const fe a, const fe b)
{
	u64 t[NL], carry = 0;
	unsigned int i;

	for (i = 0; i < NL; i++)
		t[i] = adc(a[i], b[i], &carry);
	fe_reduce_once(r, t, carry);
}

static void fe_sub(fe r, const fe a, const fe b)
{
	u64 t[NL], borrow = 0, carry = 0, m;
	unsigned int i;

	for (i = 0; i < NL; i++)
		t[i] = sbb(a[i], b[i], &borrow);
	m = mask_of(borrow);
	for (i = 0; i < NL; i++)
		r[i] = adc(t[i], p256_p[i] & m, &carry);
}

/* r = a b R^-1 mod p */
static void fe_mul(fe r, const fe a, const fe b)
{
	u64 t[NL + 2] = { 0 }, c, hi, m;
	unsigned int i, j;

	for (i = 0; i < NL; i++) {
		c = 0;
		for (j = 0; j < NL; j++)
			t[j] = mac(a[j], b[i], t[j], c, &c);
		t[NL] = mac(1, t[NL], c, 0, &t[NL + 1]);
		/* t += m p with m = t[0] (p' = 1), then one limb down */
		m = t[0];
		mac(m, p256_p[0], t[0], 0, &c);
		for (j = 1; j < NL; j++)
			t[j - 1] = mac(m, p256_p[j], t[j], c, &c);
		t[NL - 1] = mac(1, t[NL], c, 0, &hi);
		t[NL] = t[NL + 1] + hi;
	}
	fe_reduce_once(r, t, t[NL]);
}

static void fe_sqr(fe r, const fe a)
{
	fe_mul(r, a, a);
}

/* a^(p - 2) = a^-1 (0 for 0); the exponent is public. */
static void fe_inv(fe r, const fe a)
{
	/* p - 2, most significant limb first */
	static const u64 e[NL] = {
		0xffffffff00000001ULL, 0x0000000000000000ULL,
		0x00000000ffffffffULL, 0xfffffffffffffffdULL,
	};
	fe t;
	int i, bit;

	fe_copy(t, p256_one);
	for (i = 0; i < NL; i++)
		for (bit = 63; bit >= 0; bit--) {
			fe_sqr(t, t);
			if ((e[i] >> bit) & 1)
				fe_mul(t, t, a);
		}
	fe_copy(r, t);
}

static bool fe_is_zero(const fe a)
{
	return !(a[0] | a[1] | a[2] | a[3]);
}

/* Big-endian bytes to limbs; false if not below p. */
static bool fe_from_bytes(fe r, const u8 *in)
{
	u64 t[NL], borrow = 0;
	unsigned int i;

	for (i = 0; i < NL; i++)
		t[i] = get_unaligned_be64(in + 8 * (NL - 1 - i));
	for (i = 0; i < NL; i++)
		sbb(t[i], p256_p[i], &borrow);
	fe_mul(r, t, p256_rr);		/* into Montgomery form */
	return borrow;
}

static void fe_to_bytes(u8 *out, const fe a)
{
	static const fe one = { 1 };
	fe t;
	unsigned int i;

	fe_mul(t, a, one);		/* out of Montgomery form */
	for (i = 0; i < NL; i++)
		put_unaligned_be64(t[NL - 1 - i], out + 8 * i);
}

/* ------------------------------------------------------------ group */

static void pt_cmov(struct p256_point *r, const struct p256_point *a,
		    u64 mask)
{
	fe_cmov(r->x, a->x, mask);
	fe_cmov(r->y, a->y, mask);
	fe_cmov(r->z, a->z, mask);
}

static void pt_set_infinity(struct p256_point *r)
{
	memset(r, 0, sizeof(*r));
	fe_copy(r->y, p256_one);
}

/* 3 a */
static void fe_triple(fe r, const fe a)
{
	fe t;

	fe_add(t, a, a);
	fe_add(r, t, a);
}

/*
 * The shared tail of the three formulas: from xy = X1 X2, yy = Y1 Y2,
 * the products of pairs xyp, yzp, xzp (as the algorithms name them) and
 * zz = Z1 Z2, the sum.  @r may alias an input point, not these.
 */
static void pt_finish(struct p256_point *r, const fe xx, const fe yy,
		      const fe zz, const fe xyp, const fe yzp, const fe xzp)
{
	fe t0, t1, t2, ymb, ypb;

	/* t0 = 3 (xzp - b zz) */
	fe_mul(t0, p256_b, zz);
	fe_sub(t0, xzp, t0);
	fe_triple(t0, t0);
	fe_sub(ymb, yy, t0);		/* yy - 3 (xzp - b zz) */
	fe_add(ypb, yy, t0);		/* yy + 3 (xzp - b zz) */
	/* t1 = 3 (b xzp - 3 zz - xx) */
	fe_triple(t2, zz);
	fe_mul(t1, p256_b, xzp);
	fe_sub(t1, t1, t2);
	fe_sub(t1, t1, xx);
	fe_triple(t1, t1);
	/* t2 = 3 xx - 3 zz */
	fe_triple(t0, xx);
	fe_sub(t2, t0, t2);

	fe_mul(t0, ypb, xyp);
	fe_mul(r->x, yzp, t1);
	fe_sub(r->x, t0, r->x);
	fe_mul(t0, ypb, ymb);
	fe_mul(r->y, t2, t1);
	fe_add(r->y, t0, r->y);
	fe_mul(t0, ymb, yzp);
	fe_mul(r->z, xyp, t2);
	fe_add(r->z, t0, r->z);
}

/* r = a + b, any points (RCB algorithm 4). */
static void pt_add(struct p256_point *r, const struct p256_point *a,
		   const struct p256_point *b)
{
	fe xx, yy, zz, xyp, yzp, xzp, s, t;

	fe_mul(xx, a->x, b->x);
	fe_mul(yy, a->y, b->y);
	fe_mul(zz, a->z, b->z);
	fe_add(s, a->x, a->y);
	fe_add(t, b->x, b->y);
	fe_mul(xyp, s, t);
	fe_add(s, xx, yy);
	fe_sub(xyp, xyp, s);		/* X1 Y2 + X2 Y1 */
	fe_add(s, a->y, a->z);
	fe_add(t, b->y, b->z);
	fe_mul(yzp, s, t);
	fe_add(s, yy, zz);
	fe_sub(yzp, yzp, s);		/* Y1 Z2 + Y2 Z1 */
	fe_add(s, a->x, a->z);
	fe_add(t, b->x, b->z);
	fe_mul(xzp, s, t);
	fe_add(s, xx, zz);
	fe_sub(xzp, xzp, s);		/* X1 Z2 + X2 Z1 */
	pt_finish(r, xx, yy, zz, xyp, yzp, xzp);
}

/* r = a + b, b affine and not infinity (RCB algorithm 5). */
static void pt_add_affine(struct p256_point *r, const struct p256_point *a,
			  const struct p256_affine *b)
{
	fe xx, yy, xyp, yzp, xzp, s, t;

	fe_mul(xx, a->x, b->x);
	fe_mul(yy, a->y, b->y);
	fe_add(s, a->x, a->y);
	fe_add(t, b->x, b->y);
	fe_mul(xyp, s, t);
	fe_add(s, xx, yy);
	fe_sub(xyp, xyp, s);
	fe_mul(yzp, b->y, a->z);
	fe_add(yzp, yzp, a->y);		/* Y1 + Y2 Z1 */
	fe_mul(xzp, b->x, a->z);
	fe_add(xzp, xzp, a->x);		/* X1 + X2 Z1 */
	pt_finish(r, xx, yy, a->z, xyp, yzp, xzp);
}

/* r = 2 a (RCB algorithm 6, through the addition's tail). */
static void pt_double(struct p256_point *r, const struct p256_point *a)
{
	fe xx, yy, zz, xyp, yzp, xzp;

	fe_sqr(xx, a->x);
	fe_sqr(yy, a->y);
	fe_sqr(zz, a->z);
	fe_mul(xyp, a->x, a->y);
	fe_add(xyp, xyp, xyp);
	fe_mul(yzp, a->y, a->z);
	fe_add(yzp, yzp, yzp);
	fe_mul(xzp, a->x, a->z);
	fe_add(xzp, xzp, xzp);
	pt_finish(r, xx, yy, zz, xyp, yzp, xzp);
}

/* Affine x (and y) of @a, big-endian; -EINVAL for infinity. */
static int pt_to_bytes(u8 *x, u8 *y, const struct p256_point *a)
{
	fe zi, t;

	if (fe_is_zero(a->z))
		return -EINVAL;
	fe_inv(zi, a->z);
	fe_mul(t, a->x, zi);
	fe_to_bytes(x, t);
	if (y) {
		fe_mul(t, a->y, zi);
		fe_to_bytes(y, t);
	}
	return 0;
}

/* X || Y to a point with Z = 1; false if not on the curve. */
static bool pt_from_bytes(struct p256_point *r, const u8 *xy)
{
	fe l, rhs;
	bool ok;

	ok = fe_from_bytes(r->x, xy);
	ok &= fe_from_bytes(r->y, xy + DTLS_P256_BYTES);
	/* y^2 = x^3 - 3 x + b */
	fe_sqr(l, r->y);
	fe_sqr(rhs, r->x);
	fe_mul(rhs, rhs, r->x);
	fe_triple(r->z, r->x);
	fe_sub(rhs, rhs, r->z);
	fe_add(rhs, rhs, p256_b);
	fe_copy(r->z, p256_one);
	return ok && !memcmp(l, rhs, sizeof(fe));
}

/* Digit @i (0 the least significant) of a big-endian 32-byte scalar. */
static unsigned int scalar_digit(const u8 *k, unsigned int i)
{
	return (k[DTLS_P256_BYTES - 1 - i / 2] >> (4 * (i & 1))) & 15;
}

/* r = k G, constant time in k */
static void mult_g(struct p256_point *r, const u8 *k)
{
	struct p256_point sum;
	struct p256_affine e;
	unsigned int i, j, d;
	u64 m;

	pt_set_infinity(r);
	for (i = 0; i < 64; i++) {
		d = scalar_digit(k, i);
		memset(&e, 0, sizeof(e));
		for (j = 0; j < 15; j++) {
			m = mask_eq(j + 1, d);
			fe_cmov(e.x, g_table[i][j].x, m);
			fe_cmov(e.y, g_table[i][j].y, m);
		}
		pt_add_affine(&sum, r, &e);
		pt_cmov(r, &sum, ~mask_eq(d, 0));
	}
	memzero_explicit(&sum, sizeof(sum));
	memzero_explicit(&e, sizeof(e));
}

/* r = k Q, constant time in k */
static void mult(struct p256_point *r, const u8 *k,
		 const struct p256_point *q)
{
	struct p256_point tab[16], e;
	unsigned int i, j, d;
	int w;

	pt_set_infinity(&tab[0]);
	tab[1] = *q;
	for (j = 2; j < 16; j++) {
		if (j & 1)
			pt_add(&tab[j], &tab[j - 1], q);
		else
			pt_double(&tab[j], &tab[j / 2]);
	}
	pt_set_infinity(r);
	for (w = 63; w >= 0; w--) {
		for (i = 0; i < 4 && w != 63; i++)
			pt_double(r, r);
		d = scalar_digit(k, w);
		e = tab[0];
		for (j = 1; j < 16; j++)
			pt_cmov(&e, &tab[j], mask_eq(j, d));
		pt_add(r, r, &e);
	}
	memzero_explicit(&e, sizeof(e));
	memzero_explicit(tab, sizeof(tab));
}

/* ------------------------------------------------------------ calls */

bool dtls_p256_point_valid(const u8 *xy)
{
	struct p256_point q;

	return pt_from_bytes(&q, xy);
}
EXPORT_SYMBOL_IF_KUNIT(dtls_p256_point_valid);

int dtls_p256_mult_g(u8 *xy, const u8 *k)
{
	struct p256_point r;
	int err;

	mult_g(&r, k);
	err = pt_to_bytes(xy, xy + DTLS_P256_BYTES, &r);
	memzero_explicit(&r, sizeof(r));
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(dtls_p256_mult_g);

int dtls_p256_mult(u8 *xy, const u8 *k, const u8 *q)
{
	struct p256_point r, qq;
	int err;

	if (!pt_from_bytes(&qq, q))
		return -EINVAL;
	mult(&r, k, &qq);
	err = pt_to_bytes(xy, xy + DTLS_P256_BYTES, &r);
	memzero_explicit(&r, sizeof(r));
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(dtls_p256_mult);

int dtls_p256_mult2_x(u8 *x, const u8 *u1, const u8 *u2, const u8 *q)
{
	struct p256_point a, b, qq;

	if (!pt_from_bytes(&qq, q))
		return -EINVAL;
	mult_g(&a, u1);
	mult(&b, u2, &qq);
	pt_add(&a, &a, &b);
	return pt_to_bytes(x, NULL, &a);
}
EXPORT_SYMBOL_IF_KUNIT(dtls_p256_mult2_x);

/*
 * g_table[i][j - 1] = j 16^i G in affine form, a window's 15 points
 * brought to Z = 1 with one inversion (Montgomery's trick).
 */
static void __init build_window(struct p256_affine *out,
				struct p256_point *base)
{
	struct p256_point pts[15];
	fe acc[15], inv, t;
	int j;

	pts[0] = *base;
	for (j = 1; j < 15; j++)
		pt_add(&pts[j], &pts[j - 1], base);
	pt_double(base, &pts[7]);	/* 16 base, the next window's */
	fe_copy(acc[0], pts[0].z);
	for (j = 1; j < 15; j++)
		fe_mul(acc[j], acc[j - 1], pts[j].z);
	fe_inv(inv, acc[14]);
	for (j = 14; j >= 0; j--) {
		if (j) {
			fe_mul(t, inv, acc[j - 1]);	/* 1 / Z_j */
			fe_mul(inv, inv, pts[j].z);
		} else {
			fe_copy(t, inv);
		}
		fe_mul(out[j].x, pts[j].x, t);
		fe_mul(out[j].y, pts[j].y, t);
	}
}

void __init dtls_p256_init(void)
{
	struct p256_point base;
	unsigned int i;

	/* R^2 = R 2^256 mod p: R doubled 256 times */
	fe_copy(p256_rr, p256_one);
	for (i = 0; i < 256; i++)
		fe_add(p256_rr, p256_rr, p256_rr);
	fe_from_bytes(p256_b, p256_b_bytes);
	pt_from_bytes(&base, p256_g_bytes);
	for (i = 0; i < 64; i++)
		build_window(g_table[i], &base);
}
