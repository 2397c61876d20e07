/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KDTLS_FUZZ_CRYPTO_SHA2_H
#define _KDTLS_FUZZ_CRYPTO_SHA2_H
#include "../kshim.h"

#define SHA256_DIGEST_SIZE	32
#define SHA256_BLOCK_SIZE	64
#define SHA384_DIGEST_SIZE	48
#define SHA384_BLOCK_SIZE	128
#define SHA512_DIGEST_SIZE	64
#define SHA512_BLOCK_SIZE	128

/*
 * The exported hash state (prf.h sizes its HMAC keys by it).  OpenSSL's
 * SHA512_CTX, which the shim exports, is 216 bytes: a little more than
 * the kernel's 208, hence the padding.
 */
struct sha512_state {
	u64	state[8];
	u64	count[2];
	u8	buf[SHA512_BLOCK_SIZE];
	u64	shim_pad[2];
};

#endif
