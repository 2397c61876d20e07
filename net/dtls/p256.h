/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The group of NIST P-256 (secp256r1), for ECDSA (ecdsa.c).  crypto/ecc.c's
 * generic multi-precision C costs about 5,300,000 instructions a scalar
 * multiplication; this one, 4 x 64-bit Montgomery arithmetic with complete
 * formulas and a precomputed table of G's multiples, costs a small fraction
 * of that (p256.c has the figures).
 *
 * Numbers and coordinates in and out are big-endian, 32 bytes; a point is
 * X || Y, 64 bytes (no 04 prefix).  Every multiplication runs in constant
 * time in its scalar; the points are public.
 *
 * Context: any (no allocation, no sleep); dtls_p256_init() at module load.
 */
#ifndef _NET_DTLS_P256_H
#define _NET_DTLS_P256_H

#include <linux/types.h>

#define DTLS_P256_BYTES	32

void dtls_p256_init(void);

/* 1 <= k < n, for a secret k (constant time) */
bool dtls_p256_scalar_valid(const u8 *k);

/* a b mod n, a and b below n, little-endian 64-bit digits (ecdsa.c's) */
void dtls_p256_scalar_mul(u64 *r, const u64 *a, const u64 *b);

/* Is X || Y a point of the curve, coordinates below p? */
bool dtls_p256_point_valid(const u8 *xy);

/* @xy = @k G; -EINVAL if that is the point at infinity (k = 0 mod n). */
int dtls_p256_mult_g(u8 *xy, const u8 *k);

/* @xy = @k Q, for @q a valid point; -EINVAL for the point at infinity. */
int dtls_p256_mult(u8 *xy, const u8 *k, const u8 *q);

/* @x = x(@u1 G + @u2 Q), for @q valid; -EINVAL for the point at infinity. */
int dtls_p256_mult2_x(u8 *x, const u8 *u1, const u8 *u2, const u8 *q);

#endif /* _NET_DTLS_P256_H */
