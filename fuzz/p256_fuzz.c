// SPDX-License-Identifier: GPL-2.0
/*
 * p256_fuzz: p256.c's group arithmetic against OpenSSL's.
 *
 * Input: one byte (bits 0-2 the operation), then up to 96 bytes, padded
 * with zeros: a, b (32-byte big-endian scalars) and s (a scalar naming
 * the point Q = s G, or with operation 3 the raw X || Y of a point):
 *   0  a G
 *   1  a Q
 *   2  x(a G + b Q)
 *   3  is X || Y a point of the curve
 *   4  a b mod n (a and b reduced mod n first), and is a in [1, n)
 * Scalars are taken as they come, 0, n and above included.  Properties:
 * the same point, or the same refusal (the point at infinity), as
 * OpenSSL's EC_POINT_mul() / EC_POINT_oct2point().
 */
#include "fuzz.h"
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include "p256.c"

static EC_GROUP *grp;
static BN_CTX *bnc;

/* OpenSSL's point as X || Y, or false for the point at infinity. */
static bool ossl_bytes(const EC_POINT *pt, u8 *xy)
{
	u8 buf[65];

	if (EC_POINT_is_at_infinity(grp, pt))
		return false;
	FUZZ_ASSERT(EC_POINT_point2oct(grp, pt, POINT_CONVERSION_UNCOMPRESSED,
				       buf, sizeof(buf), bnc) == 65);
	memcpy(xy, buf + 1, 64);
	return true;
}

static void check(const u8 *in)
{
	const u8 *a = in + 1, *b = in + 33, *s = in + 65;
	BIGNUM *ba = BN_bin2bn(a, 32, NULL), *bb = BN_bin2bn(b, 32, NULL);
	BIGNUM *bs = BN_bin2bn(s, 32, NULL), *zero = BN_new();
	EC_POINT *q = EC_POINT_new(grp), *r = EC_POINT_new(grp);
	u8 qxy[64], want[64], got[64];
	bool have_q, have;
	int err;

	BN_zero(zero);
	FUZZ_ASSERT(EC_POINT_mul(grp, q, bs, NULL, NULL, bnc));
	have_q = ossl_bytes(q, qxy);
	switch (in[0] & 7) {
	case 0:
		FUZZ_ASSERT(EC_POINT_mul(grp, r, ba, NULL, NULL, bnc));
		have = ossl_bytes(r, want);
		err = dtls_p256_mult_g(got, a);
		FUZZ_ASSERT(have == !err);
		FUZZ_ASSERT(!have || !memcmp(got, want, 64));
		break;
	case 1:
		if (!have_q)
			break;
		FUZZ_ASSERT(EC_POINT_mul(grp, r, NULL, q, ba, bnc));
		have = ossl_bytes(r, want);
		err = dtls_p256_mult(got, a, qxy);
		FUZZ_ASSERT(have == !err);
		FUZZ_ASSERT(!have || !memcmp(got, want, 64));
		break;
	case 2:
		if (!have_q)
			break;
		FUZZ_ASSERT(EC_POINT_mul(grp, r, ba, q, bb, bnc));
		have = ossl_bytes(r, want);
		err = dtls_p256_mult2_x(got, a, b, qxy);
		FUZZ_ASSERT(have == !err);
		FUZZ_ASSERT(!have || !memcmp(got, want, 32));
		break;
	case 4: case 5: case 6: case 7: {
		const BIGNUM *n = EC_GROUP_get0_order(grp);
		u64 x[4], y[4], z[4];
		u8 ra[32], rb[32], rz[32], wz[32];
		BIGNUM *bz = BN_new();
		unsigned int i;

		FUZZ_ASSERT(dtls_p256_scalar_valid(a) ==
			    (!BN_is_zero(ba) && BN_cmp(ba, n) < 0));
		FUZZ_ASSERT(BN_nnmod(ba, ba, n, bnc) && BN_nnmod(bb, bb, n, bnc));
		FUZZ_ASSERT(BN_mod_mul(bz, ba, bb, n, bnc));
		FUZZ_ASSERT(BN_bn2binpad(ba, ra, 32) == 32);
		FUZZ_ASSERT(BN_bn2binpad(bb, rb, 32) == 32);
		FUZZ_ASSERT(BN_bn2binpad(bz, wz, 32) == 32);
		for (i = 0; i < 4; i++) {
			x[i] = get_unaligned_be64(ra + 24 - 8 * i);
			y[i] = get_unaligned_be64(rb + 24 - 8 * i);
		}
		dtls_p256_scalar_mul(z, x, y);
		for (i = 0; i < 4; i++)
			put_unaligned_be64(z[i], rz + 24 - 8 * i);
		FUZZ_ASSERT(!memcmp(rz, wz, 32));
		BN_free(bz);
		break;
	}
	case 3: {
		u8 oct[65] = { 4 };

		memcpy(oct + 1, in + 1, 64);
		have = EC_POINT_oct2point(grp, r, oct, 65, bnc);
		FUZZ_ASSERT(dtls_p256_point_valid(in + 1) == have);
		/* and a point OpenSSL made is one */
		FUZZ_ASSERT(!have_q || dtls_p256_point_valid(qxy));
		break;
	}
	}
	BN_free(ba);
	BN_free(bb);
	BN_free(bs);
	BN_free(zero);
	EC_POINT_free(q);
	EC_POINT_free(r);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u8 in[97] = { 0 };

	if (!grp) {
		grp = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
		bnc = BN_CTX_new();
		dtls_p256_init();
	}
	memcpy(in, data, size < sizeof(in) ? size : sizeof(in));
	check(in);
	return 0;
}
