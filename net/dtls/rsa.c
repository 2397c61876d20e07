// SPDX-License-Identifier: GPL-2.0
/*
 * RSA signatures of a peer (rsa_pkcs1_sha256, RFC 5246 7.4.1.4.1): the
 * ServerKeyExchange of ECDHE_RSA suites and a client's CertificateVerify
 * with an RSA certificate.  Verification only, through the kernel's own
 * public_key_verify_signature() (crypto/asymmetric_keys), the same on 6.1
 * and 6.12; we never sign with RSA.  Keys under 2048 bits are refused.
 *
 * Context: process (it allocates a transform per call).
 */

#include <linux/errno.h>
#include <crypto/public_key.h>

#include "rsa.h"

/**
 * dtls_rsa_verify - check a PKCS#1 v1.5 signature over a SHA-256 digest
 * @key: the RSAPublicKey, DER: a certificate's subjectPublicKey bits
 * @key_len: its length
 * @hash: the SHA-256 digest signed
 * @sig: the signature, as long as the modulus
 * @sig_len: its length
 *
 * Return: 0, -EKEYREJECTED for a modulus under 2048 or over 4096 bits,
 * or -EBADMSG for a signature that does not verify.
 */
int dtls_rsa_verify(const u8 *key, u32 key_len, const u8 *hash,
		    const u8 *sig, u32 sig_len)
{
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
		.digest_size	= 32,
#else
		.m		= (u8 *)hash,	/* a digest: !algo_takes_data */
		.m_size		= 32,
#endif
		.pkey_algo	= "rsa",
		.hash_algo	= "sha256",
		.encoding	= "pkcs1",
	};

	if (sig_len < DTLS_RSA_MIN_BYTES || sig_len > DTLS_RSA_MAX_BYTES)
		return -EKEYREJECTED;
	return public_key_verify_signature(&pk, &ps) ? -EBADMSG : 0;
}
