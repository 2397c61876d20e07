// SPDX-License-Identifier: GPL-2.0
/*
 * kshim.c - the out-of-line part of the user-space shim: the counters the
 * harnesses read and set, deterministic "random" bytes, and the shash API
 * over OpenSSL's low-level SHA-256/SHA-384, whose contexts are plain
 * structs that export and import by copy, as the kernel's do.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include "kshim.h"
#include "crypto/hash.h"

unsigned long kshim_warnings;
u64 kshim_jiffies;
u64 kshim_random_ctr;

_Static_assert(sizeof(SHA256_CTX) <= sizeof(struct sha512_state), "state");
_Static_assert(sizeof(SHA512_CTX) <= sizeof(struct sha512_state), "state");

/* Distinct bytes for every call (a counter through SHA-256): fuzzing
 * wants determinism, the properties only want secrets that differ. */
void get_random_bytes(void *buf, size_t n)
{
	u8 blk[SHA256_DIGEST_LENGTH], *p = buf;
	size_t k;

	while (n) {
		kshim_random_ctr++;
		SHA256((const u8 *)&kshim_random_ctr, sizeof(kshim_random_ctr),
		       blk);
		k = n < sizeof(blk) ? n : sizeof(blk);
		memcpy(p, blk, k);
		p += k;
		n -= k;
	}
}

static struct crypto_shash kshim_sha256 = {
	.sha384 = 0, .digestsize = 32, .blocksize = 64,
	.statesize = sizeof(SHA256_CTX),
};

static struct crypto_shash kshim_sha384 = {
	.sha384 = 1, .digestsize = 48, .blocksize = 128,
	.statesize = sizeof(SHA512_CTX),
};

struct crypto_shash *crypto_alloc_shash(const char *name, u32 type, u32 mask)
{
	(void)type;
	(void)mask;
	if (!strcmp(name, "sha256"))
		return &kshim_sha256;
	if (!strcmp(name, "sha384"))
		return &kshim_sha384;
	return ERR_PTR(-ENOENT);
}

void crypto_free_shash(struct crypto_shash *tfm)
{
	(void)tfm;
}

int crypto_shash_init(struct shash_desc *d)
{
	if (d->tfm->sha384)
		SHA384_Init((SHA512_CTX *)d->ctx);
	else
		SHA256_Init((SHA256_CTX *)d->ctx);
	return 0;
}

int crypto_shash_update(struct shash_desc *d, const u8 *data,
			unsigned int len)
{
	if (d->tfm->sha384)
		SHA384_Update((SHA512_CTX *)d->ctx, data, len);
	else
		SHA256_Update((SHA256_CTX *)d->ctx, data, len);
	return 0;
}

int crypto_shash_final(struct shash_desc *d, u8 *out)
{
	if (d->tfm->sha384)
		SHA384_Final(out, (SHA512_CTX *)d->ctx);
	else
		SHA256_Final(out, (SHA256_CTX *)d->ctx);
	return 0;
}

int crypto_shash_finup(struct shash_desc *d, const u8 *data,
		       unsigned int len, u8 *out)
{
	crypto_shash_update(d, data, len);
	return crypto_shash_final(d, out);
}

int crypto_shash_digest(struct shash_desc *d, const u8 *data,
			unsigned int len, u8 *out)
{
	crypto_shash_init(d);
	return crypto_shash_finup(d, data, len, out);
}

int crypto_shash_tfm_digest(struct crypto_shash *tfm, const u8 *data,
			    unsigned int len, u8 *out)
{
	SHASH_DESC_ON_STACK(d, tfm);
	int err = crypto_shash_digest(d, data, len, out);

	shash_desc_zero(d);
	return err;
}

int crypto_shash_export(struct shash_desc *d, void *out)
{
	memcpy(out, d->ctx, d->tfm->statesize);
	return 0;
}

int crypto_shash_import(struct shash_desc *d, const void *in)
{
	memcpy(d->ctx, in, d->tfm->statesize);
	return 0;
}
