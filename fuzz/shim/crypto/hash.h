/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The synchronous hash API (crypto_shash_*) over OpenSSL's SHA-256 and
 * SHA-384 (kshim.c), for prf.c's HMAC and so cookie.c.
 */
#ifndef _KDTLS_FUZZ_CRYPTO_HASH_H
#define _KDTLS_FUZZ_CRYPTO_HASH_H
#include "../kshim.h"
#include "sha2.h"

struct crypto_shash {
	int		sha384;		/* else SHA-256 */
	unsigned int	digestsize;
	unsigned int	blocksize;
	unsigned int	statesize;
};

struct shash_desc {
	struct crypto_shash	*tfm;
	/* an OpenSSL SHA256_CTX or SHA512_CTX */
	u64			ctx[sizeof(struct sha512_state) / 8];
};

#define SHASH_DESC_ON_STACK(desc, t)					\
	struct shash_desc __##desc##_desc = { .tfm = (t) };		\
	struct shash_desc *desc = &__##desc##_desc

struct crypto_shash *crypto_alloc_shash(const char *name, u32 type, u32 mask);
void crypto_free_shash(struct crypto_shash *tfm);

static inline unsigned int crypto_shash_digestsize(struct crypto_shash *t)
{
	return t->digestsize;
}

static inline unsigned int crypto_shash_blocksize(struct crypto_shash *t)
{
	return t->blocksize;
}

static inline unsigned int crypto_shash_statesize(struct crypto_shash *t)
{
	return t->statesize;
}

int crypto_shash_init(struct shash_desc *desc);
int crypto_shash_update(struct shash_desc *desc, const u8 *data,
			unsigned int len);
int crypto_shash_final(struct shash_desc *desc, u8 *out);
int crypto_shash_finup(struct shash_desc *desc, const u8 *data,
		       unsigned int len, u8 *out);
int crypto_shash_digest(struct shash_desc *desc, const u8 *data,
			unsigned int len, u8 *out);
int crypto_shash_tfm_digest(struct crypto_shash *tfm, const u8 *data,
			    unsigned int len, u8 *out);
int crypto_shash_export(struct shash_desc *desc, void *out);
int crypto_shash_import(struct shash_desc *desc, const void *in);

static inline void shash_desc_zero(struct shash_desc *desc)
{
	memzero_explicit(desc, sizeof(*desc));
}

#endif
