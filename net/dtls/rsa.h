/* SPDX-License-Identifier: GPL-2.0 */
/* RSA signature verification for the handshake (rsa.c). */
#ifndef _NET_DTLS_RSA_H
#define _NET_DTLS_RSA_H

#include <linux/types.h>

#include "prf.h"

#define DTLS_RSA_MIN_BYTES	256	/* 2048-bit modulus */
#define DTLS_RSA_MAX_BYTES	512	/* 4096-bit */

int dtls_rsa_verify(const u8 *key, u32 key_len, enum dtls_prf_hash h,
		    const u8 *hash, const u8 *sig, u32 sig_len);

#endif /* _NET_DTLS_RSA_H */
