// SPDX-License-Identifier: GPL-2.0
/*
 * RSA signatures of a peer (rsa_pkcs1_sha256 and rsa_pkcs1_sha384, RFC
 * 5246 7.4.1.4.1): the ServerKeyExchange of ECDHE_RSA suites and a
 * client's CertificateVerify with an RSA certificate; and certificates
 * in a chain (sha256/sha384WithRSAEncryption, RFC 4055 5).  Verification
 * only, through the kernel's own public_key_verify_signature()
 * (crypto/asymmetric_keys; its digest field is "m" on 7.x:
 * KDTLS_HAVE_PKS_DIGEST); we never sign with RSA.  Signatures (so
 * moduli) under 2048 bits are refused.
 *
 * Context: process (it allocates a transform per call).
 */

#include <linux/errno.h>
#include <crypto/public_key.h>

#include "rsa.h"

/**
 * dtls_rsa_verify - check a PKCS#1 v1.5 signature over a digest
 * @key: the RSAPublicKey, DER: a certificate's subjectPublicKey bits
 * @key_len: its length
 * @h: the hash: SHA-256 or SHA-384
 * @hash: the digest signed
 * @sig: the signature, as long as the modulus
 * @sig_len: its length
 *
 * Return: 0, -EKEYREJECTED for a signature under 2048 or over 4096 bits,
 * -EBADMSG for one that does not verify, -EINVAL for an unknown @h.
 */
int dtls_rsa_verify(const u8 *key, u32 key_len, enum dtls_prf_hash h,
		    const u8 *hash, const u8 *sig, u32 sig_len)
{
	unsigned int hash_len = dtls_prf_hash_len(h);
	struct public_key pk = {
		.key		= (void *)key,
		.keylen		= key_len,
		.id_type	= "X509",
		.pkey_algo	= "rsa",
	};
	struct public_key_signature ps = {
		.s		= (u8 *)sig,
		.s_size		= sig_len,
#ifdef KDTLS_HAVE_PKS_DIGEST
		.digest		= (u8 *)hash,
		.digest_size	= hash_len,
#else
		.m		= (u8 *)hash,	/* a digest: !algo_takes_data */
		.m_size		= hash_len,
#endif
		.pkey_algo	= "rsa",
		.hash_algo	= dtls_prf_hash_name(h),
		.encoding	= "pkcs1",
	};

	if (!ps.hash_algo)	/* and no length: an unknown @h */
		return -EINVAL;
	if (sig_len < DTLS_RSA_MIN_BYTES || sig_len > DTLS_RSA_MAX_BYTES)
		return -EKEYREJECTED;
	return public_key_verify_signature(&pk, &ps) ? -EBADMSG : 0;
}
