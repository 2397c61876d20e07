// SPDX-License-Identifier: GPL-2.0
/*
 * P-256 group arithmetic (p256.h).
 *
 * Field: p = 2^256 - 2^224 + 2^192 + 2^96 - 1, elements as four 64-bit
 * limbs, little-endian, in Montgomery form (a R mod p, R = 2^256), always
 * fully reduced below p.  Multiplication is word-by-word Montgomery
 * (CIOS); as p = -1 mod 2^64, each step's quotient digit is the low limb
 * itself.  No field operation branches on, or indexes memory by, a
 * value; only verification's u2 Q (public values, below) branches.
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

static const fe p256_zero;

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

/* the group order n, limbs little-endian */
static const fe p256_n = {
	0xf3b9cac2fc632551ULL, 0xbce6faada7179e84ULL,
	0xffffffffffffffffULL, 0xffffffff00000000ULL,
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
	r[0] ^= mask & (r[0] ^ a[0]);
	r[1] ^= mask & (r[1] ^ a[1]);
	r[2] ^= mask & (r[2] ^ a[2]);
	r[3] ^= mask & (r[3] ^ a[3]);
}

/* r = (c, t) - p if that is not negative, else t: (c, t) < 2p. */
static __always_inline void fe_reduce_once(fe r, u64 t0, u64 t1, u64 t2,
					   u64 t3, u64 c)
{
	u64 u0, u1, u2, u3, borrow = 0, m;

	u0 = sbb(t0, p256_p[0], &borrow);
	u1 = sbb(t1, p256_p[1], &borrow);
	u2 = sbb(t2, p256_p[2], &borrow);
	u3 = sbb(t3, p256_p[3], &borrow);
	/* keep t if the subtraction borrowed more than the carry held */
	m = mask_of(borrow & (c ^ 1));
	r[0] = (t0 & m) | (u0 & ~m);
	r[1] = (t1 & m) | (u1 & ~m);
	r[2] = (t2 & m) | (u2 & ~m);
	r[3] = (t3 & m) | (u3 & ~m);
}

static void fe_add(fe r, const fe a, const fe b)
{
	u64 t0, t1, t2, t3, c = 0;

	t0 = adc(a[0], b[0], &c);
	t1 = adc(a[1], b[1], &c);
	t2 = adc(a[2], b[2], &c);
	t3 = adc(a[3], b[3], &c);
	fe_reduce_once(r, t0, t1, t2, t3, c);
}

static void fe_sub(fe r, const fe a, const fe b)
{
	u64 t0, t1, t2, t3, borrow = 0, c = 0, m;

	t0 = sbb(a[0], b[0], &borrow);
	t1 = sbb(a[1], b[1], &borrow);
	t2 = sbb(a[2], b[2], &borrow);
	t3 = sbb(a[3], b[3], &borrow);
	m = mask_of(borrow);		/* a < b: add p back */
	r[0] = adc(t0, p256_p[0] & m, &c);
	r[1] = adc(t1, p256_p[1] & m, &c);
	r[2] = adc(t2, p256_p[2] & m, &c);
	r[3] = adc(t3, p256_p[3] & m, &c);
}

/* (c2, c1, c0) += a b */
#define MULADD(a, b) do {						\
	u64 _h, _l = mac(a, b, 0, 0, &_h);				\
									\
	c0 += _l;							\
	_h += c0 < _l;							\
	c1 += _h;							\
	c2 += c1 < _h;							\
} while (0)

/* the column is done: out = c0, shift the accumulator down a word */
#define COLUMN(out) do {						\
	out = c0;							\
	c0 = c1;							\
	c1 = c2;							\
	c2 = 0;								\
} while (0)

/*
 * r = t R^-1 mod p, t < p 2^256 (eight limbs): four steps of += m p with
 * m the low limb (p = -1 mod 2^64, so p' = 1), one limb down each; p's
 * limbs 0 and 2 need no product (m p0 + t0 = m 2^64, p2 = 0).  The low
 * half comes out at most p, the high half is added after.
 */
static __always_inline void fe_mont_reduce(fe r, u64 t0, u64 t1, u64 t2,
					   u64 t3, u64 t4, u64 t5, u64 t6,
					   u64 t7)
{
	u64 c, h, m;
	unsigned int i;

	for (i = 0; i < NL; i++) {
		m = t0;
		t0 = mac(m, p256_p[1], t1, m, &c);
		t1 = mac(1, t2, c, 0, &c);
		t2 = mac(m, p256_p[3], t3, c, &h);
		t3 = h;
	}
	c = 0;
	t0 = adc(t0, t4, &c);
	t1 = adc(t1, t5, &c);
	t2 = adc(t2, t6, &c);
	t3 = adc(t3, t7, &c);
	fe_reduce_once(r, t0, t1, t2, t3, c);
}

/* r = a b R^-1 mod p: the product by columns, then the reduction */
static void fe_mul(fe r, const fe a, const fe b)
{
	u64 c0 = 0, c1 = 0, c2 = 0, t0, t1, t2, t3, t4, t5, t6;

	MULADD(a[0], b[0]);
	COLUMN(t0);
	MULADD(a[0], b[1]);
	MULADD(a[1], b[0]);
	COLUMN(t1);
	MULADD(a[0], b[2]);
	MULADD(a[1], b[1]);
	MULADD(a[2], b[0]);
	COLUMN(t2);
	MULADD(a[0], b[3]);
	MULADD(a[1], b[2]);
	MULADD(a[2], b[1]);
	MULADD(a[3], b[0]);
	COLUMN(t3);
	MULADD(a[1], b[3]);
	MULADD(a[2], b[2]);
	MULADD(a[3], b[1]);
	COLUMN(t4);
	MULADD(a[2], b[3]);
	MULADD(a[3], b[2]);
	COLUMN(t5);
	MULADD(a[3], b[3]);
	COLUMN(t6);
	fe_mont_reduce(r, t0, t1, t2, t3, t4, t5, t6, c0);
}

/*
 * r = a^2 R^-1 mod p: the six cross products once, doubled, and the four
 * squares, then the reduction.
 */
static void fe_sqr(fe r, const fe a)
{
	u64 t0, t1, t2, t3, t4, t5, t6, t7, c, h;

	/* cross products a_i a_j, i < j, into t1..t6 */
	t1 = mac(a[0], a[1], 0, 0, &c);
	t2 = mac(a[0], a[2], c, 0, &c);
	t3 = mac(a[0], a[3], c, 0, &t4);
	t3 = mac(a[1], a[2], t3, 0, &c);
	t4 = mac(a[1], a[3], t4, c, &t5);
	t5 = mac(a[2], a[3], t5, 0, &t6);
	/* doubled */
	t7 = t6 >> 63;
	t6 = (t6 << 1) | (t5 >> 63);
	t5 = (t5 << 1) | (t4 >> 63);
	t4 = (t4 << 1) | (t3 >> 63);
	t3 = (t3 << 1) | (t2 >> 63);
	t2 = (t2 << 1) | (t1 >> 63);
	t1 <<= 1;
	/* and the squares */
	t0 = mac(a[0], a[0], 0, 0, &c);
	t1 = mac(1, t1, c, 0, &c);
	h = c;
	t2 = mac(a[1], a[1], t2, h, &c);
	t3 = mac(1, t3, c, 0, &c);
	h = c;
	t4 = mac(a[2], a[2], t4, h, &c);
	t5 = mac(1, t5, c, 0, &c);
	h = c;
	t6 = mac(a[3], a[3], t6, h, &c);
	t7 += c;
	fe_mont_reduce(r, t0, t1, t2, t3, t4, t5, t6, t7);
}

static void fe_sqr_n(fe r, const fe a, unsigned int n)
{
	fe_sqr(r, a);
	while (--n)
		fe_sqr(r, r);
}

/*
 * a^(p - 2) = a^-1 (0 for 0): p - 2 is, from the top, 32 ones, 31
 * zeros, a one, 96 zeros, 94 ones, 0, 1; xN below is a^(2^N - 1).
 * 255 squarings and 13 multiplications.
 */
static void fe_inv(fe r, const fe a)
{
	fe x2, x4, x8, x16, x32, t;

	fe_sqr(x2, a);
	fe_mul(x2, x2, a);
	fe_sqr_n(x4, x2, 2);
	fe_mul(x4, x4, x2);
	fe_sqr_n(x8, x4, 4);
	fe_mul(x8, x8, x4);
	fe_sqr_n(x16, x8, 8);
	fe_mul(x16, x16, x8);
	fe_sqr_n(x32, x16, 16);
	fe_mul(x32, x32, x16);
	fe_sqr_n(t, x32, 32);		/* 32 ones, 31 zeros, */
	fe_mul(t, t, a);		/* a one */
	fe_sqr_n(t, t, 96);		/* 96 zeros */
	fe_sqr_n(t, t, 32);		/* 94 ones: 32 + 32 + 16 + 8 + 4 + 2 */
	fe_mul(t, t, x32);
	fe_sqr_n(t, t, 32);
	fe_mul(t, t, x32);
	fe_sqr_n(t, t, 16);
	fe_mul(t, t, x16);
	fe_sqr_n(t, t, 8);
	fe_mul(t, t, x8);
	fe_sqr_n(t, t, 4);
	fe_mul(t, t, x4);
	fe_sqr_n(t, t, 2);
	fe_mul(t, t, x2);
	fe_sqr_n(t, t, 2);		/* 0, 1 */
	fe_mul(r, t, a);
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

/*
 * Verification's u2 Q handles public values only, and may take the
 * cheaper road: Jacobian coordinates (x = X/Z^2, y = Y/Z^3), doubling in
 * 3M + 5S (a = -3) where the complete formula takes 14 products, the
 * exceptional cases told apart by branches, and a width-5 NAF of u2 over
 * the odd multiples Q, 3Q, .., 15Q.
 */
struct p256_jac {
	fe x, y, z;
};

/* dbl-2001-b; Z = 0 stays 0 (P-256 has no point with y = 0) */
static void jac_double(struct p256_jac *r, const struct p256_jac *a)
{
	fe delta, gamma, beta, alpha, t, u;

	fe_sqr(delta, a->z);
	fe_sqr(gamma, a->y);
	fe_mul(beta, a->x, gamma);
	fe_sub(t, a->x, delta);
	fe_add(u, a->x, delta);
	fe_mul(alpha, t, u);
	fe_triple(alpha, alpha);
	fe_add(t, a->y, a->z);
	fe_sqr(t, t);
	fe_sub(t, t, gamma);
	fe_sub(r->z, t, delta);
	fe_add(beta, beta, beta);
	fe_add(beta, beta, beta);		/* 4 beta */
	fe_sqr(t, alpha);
	fe_sub(t, t, beta);
	fe_sub(r->x, t, beta);
	fe_sub(t, beta, r->x);
	fe_mul(t, alpha, t);
	fe_sqr(gamma, gamma);
	fe_add(gamma, gamma, gamma);
	fe_add(gamma, gamma, gamma);
	fe_add(gamma, gamma, gamma);		/* 8 gamma^2 */
	fe_sub(r->y, t, gamma);
}

/* add-2007-bl, with the cases it leaves out; r may alias a */
static void jac_add(struct p256_jac *r, const struct p256_jac *a,
		    const struct p256_jac *b)
{
	fe z1z1, z2z2, u1, u2, s1, s2, h, i, j, rr, v;

	if (fe_is_zero(a->z)) {
		*r = *b;
		return;
	}
	if (fe_is_zero(b->z)) {
		*r = *a;
		return;
	}
	fe_sqr(z1z1, a->z);
	fe_sqr(z2z2, b->z);
	fe_mul(u1, a->x, z2z2);
	fe_mul(u2, b->x, z1z1);
	fe_mul(s1, a->y, b->z);
	fe_mul(s1, s1, z2z2);
	fe_mul(s2, b->y, a->z);
	fe_mul(s2, s2, z1z1);
	fe_sub(h, u2, u1);
	fe_sub(rr, s2, s1);
	if (fe_is_zero(h)) {
		if (fe_is_zero(rr))
			jac_double(r, a);
		else
			memset(r, 0, sizeof(*r));	/* a = -b */
		return;
	}
	fe_add(rr, rr, rr);
	fe_add(i, h, h);
	fe_sqr(i, i);
	fe_mul(j, h, i);
	fe_mul(v, u1, i);
	fe_add(r->z, a->z, b->z);
	fe_sqr(r->z, r->z);
	fe_sub(r->z, r->z, z1z1);
	fe_sub(r->z, r->z, z2z2);
	fe_mul(r->z, r->z, h);
	fe_sqr(r->x, rr);
	fe_sub(r->x, r->x, j);
	fe_sub(r->x, r->x, v);
	fe_sub(r->x, r->x, v);
	fe_sub(v, v, r->x);
	fe_mul(v, rr, v);
	fe_mul(s1, s1, j);
	fe_add(s1, s1, s1);
	fe_sub(r->y, v, s1);
}

/* The width-5 NAF of a 256-bit number: digits 0 or odd in -15..15. */
static void scalar_wnaf(s8 *naf, const u8 *k)
{
	u64 w[5] = { 0 };
	unsigned int i;
	int d;

	for (i = 0; i < NL; i++)
		w[i] = get_unaligned_be64(k + 8 * (NL - 1 - i));
	for (i = 0; i < 257; i++) {
		d = 0;
		if (w[0] & 1) {
			d = w[0] & 31;
			if (d > 15)
				d -= 32;
			/* w -= d: d's sign decides, and carries go up */
			if (d > 0) {
				u64 b = 0;
				unsigned int l;

				w[0] = sbb(w[0], d, &b);
				for (l = 1; l < 5; l++)
					w[l] = sbb(w[l], 0, &b);
			} else {
				u64 c = 0;
				unsigned int l;

				w[0] = adc(w[0], -d, &c);
				for (l = 1; l < 5; l++)
					w[l] = adc(w[l], 0, &c);
			}
		}
		naf[i] = d;
		w[0] = (w[0] >> 1) | (w[1] << 63);
		w[1] = (w[1] >> 1) | (w[2] << 63);
		w[2] = (w[2] >> 1) | (w[3] << 63);
		w[3] = (w[3] >> 1) | (w[4] << 63);
		w[4] >>= 1;
	}
}

/* r = k Q in Jacobian form, k public */
static void mult_vartime(struct p256_jac *r, const u8 *k,
			 const struct p256_point *q)
{
	struct p256_jac odd[8], q2, e;
	s8 naf[257];
	int i;

	fe_copy(odd[0].x, q->x);
	fe_copy(odd[0].y, q->y);
	fe_copy(odd[0].z, q->z);		/* Z = 1 */
	jac_double(&q2, &odd[0]);
	for (i = 1; i < 8; i++)
		jac_add(&odd[i], &odd[i - 1], &q2);
	scalar_wnaf(naf, k);
	memset(r, 0, sizeof(*r));
	for (i = 256; i >= 0; i--) {
		jac_double(r, r);
		if (naf[i] > 0) {
			jac_add(r, r, &odd[naf[i] / 2]);
		} else if (naf[i] < 0) {
			e = odd[-naf[i] / 2];
			fe_sub(e.y, p256_zero, e.y);
			jac_add(r, r, &e);
		}
	}
}

/* ------------------------------------------------------------ calls */

/*
 * Arithmetic mod n for ECDSA: Montgomery again, a general modulus this
 * time (n' = -n^-1 mod 2^64 from dtls_p256_init()); nothing branches on
 * a value.
 */
static u64 p256_n0 __ro_after_init;		/* -n^-1 mod 2^64 */
static fe p256_nrr __ro_after_init;		/* R^2 mod n */

/* r = a b R^-1 mod n, a, b < n */
static void sc_mont_mul(fe r, const fe a, const fe b)
{
	u64 t[NL + 2] = { 0 }, c, m, u[NL], borrow = 0, keep;
	unsigned int i, j;

	for (i = 0; i < NL; i++) {
		c = 0;
		for (j = 0; j < NL; j++)
			t[j] = mac(a[j], b[i], t[j], c, &c);
		t[NL] = mac(1, t[NL], c, 0, &t[NL + 1]);
		m = t[0] * p256_n0;
		mac(m, p256_n[0], t[0], 0, &c);
		for (j = 1; j < NL; j++)
			t[j - 1] = mac(m, p256_n[j], t[j], c, &c);
		t[NL - 1] = mac(1, t[NL], c, 0, &c);
		t[NL] = t[NL + 1] + c;
	}
	for (i = 0; i < NL; i++)
		u[i] = sbb(t[i], p256_n[i], &borrow);
	keep = mask_of(borrow & (t[NL] ^ 1));
	for (i = 0; i < NL; i++)
		r[i] = (t[i] & keep) | (u[i] & ~keep);
}

/**
 * dtls_p256_scalar_mul - a b mod n, in constant time
 * @r: the product, four 64-bit digits, least significant first
 * @a: a factor below n, the same way
 * @b: another
 */
void dtls_p256_scalar_mul(u64 *r, const u64 *a, const u64 *b)
{
	fe t;

	sc_mont_mul(t, a, b);		/* a b R^-1 */
	sc_mont_mul(r, t, p256_nrr);	/* a b */
	memzero_explicit(t, sizeof(t));
}
EXPORT_SYMBOL_IF_KUNIT(dtls_p256_scalar_mul);

bool dtls_p256_scalar_valid(const u8 *k)
{
	u64 t, any = 0, borrow = 0;
	unsigned int i;

	for (i = 0; i < NL; i++) {
		t = get_unaligned_be64(k + 8 * (NL - 1 - i));
		any |= t;
		sbb(t, p256_n[i], &borrow);
	}
	return (any != 0) & borrow;
}
EXPORT_SYMBOL_IF_KUNIT(dtls_p256_scalar_valid);

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
	struct p256_jac j;

	if (!pt_from_bytes(&qq, q))
		return -EINVAL;
	mult_g(&a, u1);
	mult_vartime(&j, u2, &qq);
	/* Jacobian to projective: (X Z, Y, Z^3) */
	fe_mul(b.x, j.x, j.z);
	fe_copy(b.y, j.y);
	fe_sqr(b.z, j.z);
	fe_mul(b.z, b.z, j.z);
	if (fe_is_zero(j.z))
		pt_set_infinity(&b);
	pt_add(&a, &a, &b);
	return pt_to_bytes(x, NULL, &a);
}
EXPORT_SYMBOL_IF_KUNIT(dtls_p256_mult2_x);

/* a = 2 a mod n, a < n */
static void __init sc_double(fe a)
{
	u64 t[NL], u[NL], c = 0, borrow = 0, keep;
	unsigned int i;

	for (i = 0; i < NL; i++)
		t[i] = adc(a[i], a[i], &c);
	for (i = 0; i < NL; i++)
		u[i] = sbb(t[i], p256_n[i], &borrow);
	keep = mask_of(borrow & (c ^ 1));
	for (i = 0; i < NL; i++)
		a[i] = (t[i] & keep) | (u[i] & ~keep);
}

/*
 * g_table[i][j - 1] = j 16^i G in affine form, a window's 15 points
 * brought to Z = 1 with one inversion (Montgomery's trick).
 */
static void __init build_window(struct p256_affine *out,
				struct p256_point *base)
{
	struct p256_point pts[15];
	fe inv, t;
	int j;

	pts[0] = *base;
	for (j = 1; j < 15; j++)
		pt_add(&pts[j], &pts[j - 1], base);
	pt_double(base, &pts[7]);	/* 16 base, the next window's */
	/* out[j].y holds Z_0 .. Z_j until out[j] is written (stack room) */
	fe_copy(out[0].y, pts[0].z);
	for (j = 1; j < 15; j++)
		fe_mul(out[j].y, out[j - 1].y, pts[j].z);
	fe_inv(inv, out[14].y);
	for (j = 14; j >= 0; j--) {
		if (j) {
			fe_mul(t, inv, out[j - 1].y);	/* 1 / Z_j */
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
	/* n^-1 mod 2^64 by Newton's iteration (each doubles the bits) */
	p256_n0 = p256_n[0];
	for (i = 0; i < 6; i++)
		p256_n0 *= 2 - p256_n[0] * p256_n0;
	p256_n0 = 0 - p256_n0;
	/* R^2 mod n: 1 doubled 512 times, mod n each time */
	memset(p256_nrr, 0, sizeof(p256_nrr));
	p256_nrr[0] = 1;
	for (i = 0; i < 512; i++)
		sc_double(p256_nrr);
	pt_from_bytes(&base, p256_g_bytes);
	for (i = 0; i < 64; i++)
		build_window(g_table[i], &base);
}
