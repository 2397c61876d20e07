/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Certificates for the selftests, made with libcrypto at run time: a
 * P-256 key and a self-signed certificate (or one signed by another's
 * key), in DER and, for openssl s_server/s_client, in PEM files; the raw
 * private scalar the kernel takes; the SHA-256 digest a pin names.  And
 * chains (test_cert_make_chain()): a CA, intermediates, an end-entity,
 * with the extensions a verifier reads (basicConstraints, key
 * identifiers, subjectAltName), dates chosen by the caller.
 * Link with -lcrypto.
 */
#ifndef KDTLS_SELFTEST_CERT_H
#define KDTLS_SELFTEST_CERT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

struct test_cert {
	EVP_PKEY	*pkey;
	X509		*x509;
	uint8_t		der[4096];
	size_t		len;
	uint8_t		priv[32];	/* the scalar, big-endian */
	uint8_t		sha256[32];	/* of @der */
	char		cert_pem[64];	/* files, when written */
	char		key_pem[64];
};

/*
 * A key (P-256, or RSA of @rsa_bits) and a certificate for @cn, valid
 * from @not_before_days to @not_after_days from now, signed by @issuer's
 * key (NULL: self-signed).  The raw scalar only for P-256.  0 or -1.
 */
static inline int test_cert_make_key(struct test_cert *c, const char *cn,
				     const struct test_cert *issuer,
				     long not_before_days, long not_after_days,
				     unsigned int rsa_bits)
{
	EVP_PKEY *sign_key;
	X509_NAME *name;
	BIGNUM *d = NULL;
	uint8_t *p;
	int n;

	memset(c, 0, sizeof(*c));
	c->pkey = rsa_bits ? EVP_RSA_gen(rsa_bits) : EVP_EC_gen("P-256");
	c->x509 = X509_new();
	if (!c->pkey || !c->x509)
		return -1;
	X509_set_version(c->x509, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(c->x509),
			 (long)(getpid() ^ (uintptr_t)c) & 0x7fffffff);
	X509_gmtime_adj(X509_getm_notBefore(c->x509),
			not_before_days * 86400L);
	X509_gmtime_adj(X509_getm_notAfter(c->x509), not_after_days * 86400L);
	X509_set_pubkey(c->x509, c->pkey);
	name = X509_get_subject_name(c->x509);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
				   (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(c->x509, issuer ?
			     X509_get_subject_name(issuer->x509) : name);
	sign_key = issuer ? issuer->pkey : c->pkey;
	if (!X509_sign(c->x509, sign_key, EVP_sha256()))
		return -1;
	n = i2d_X509(c->x509, NULL);
	if (n <= 0 || (size_t)n > sizeof(c->der))
		return -1;
	p = c->der;
	i2d_X509(c->x509, &p);
	c->len = n;
	SHA256(c->der, c->len, c->sha256);
	if (rsa_bits)
		return 0;
	if (!EVP_PKEY_get_bn_param(c->pkey, OSSL_PKEY_PARAM_PRIV_KEY, &d) ||
	    BN_bn2binpad(d, c->priv, sizeof(c->priv)) != sizeof(c->priv)) {
		BN_free(d);
		return -1;
	}
	BN_clear_free(d);
	return 0;
}

static inline int test_cert_make_dates(struct test_cert *c, const char *cn,
				       const struct test_cert *issuer,
				       long not_before_days,
				       long not_after_days)
{
	return test_cert_make_key(c, cn, issuer, not_before_days,
				  not_after_days, 0);
}

static inline int test_cert_make(struct test_cert *c, const char *cn)
{
	return test_cert_make_dates(c, cn, NULL, -1, 30);
}

static inline int test_cert_make_rsa(struct test_cert *c, const char *cn)
{
	return test_cert_make_key(c, cn, NULL, -1, 30, 2048);
}

/* What test_cert_make_chain() makes. */
struct test_cert_opts {
	const char	*cn;
	long		not_before_days;	/* from now; both 0: -1, 30 */
	long		not_after_days;
	unsigned int	rsa_bits;		/* 0: P-256 */
	bool		ca;			/* basicConstraints cA TRUE */
	const char	*san;	/* "DNS:a.example,IP:::1" (openssl's syntax) */
	const char	*key_usage;	/* "critical,keyCertSign", or NULL */
	const char	*md;	/* the issuer signs with: "SHA384"; NULL: SHA256 */
};

static inline int test_cert_ext(X509V3_CTX *ctx, X509 *x, int nid,
				const char *value)
{
	X509_EXTENSION *e = X509V3_EXT_nconf_nid(NULL, ctx, nid, value);
	int ok = e && X509_add_ext(x, e, -1);

	X509_EXTENSION_free(e);
	return ok ? 0 : -1;
}

/*
 * A certificate as @o says, signed by @issuer's key (NULL: self-signed),
 * with a subjectKeyIdentifier, an authorityKeyIdentifier (the issuer's
 * key identifier, as a verifier looks its issuer up by), basicConstraints
 * (critical) and, with @o->san, a subjectAltName.  0 or -1.
 */
static inline int test_cert_make_chain(struct test_cert *c,
				       const struct test_cert_opts *o,
				       const struct test_cert *issuer)
{
	long nb = o->not_before_days, na = o->not_after_days;
	const EVP_MD *md;
	X509_NAME *name;
	BIGNUM *d = NULL;
	X509V3_CTX ctx;
	uint8_t *p;
	int n;

	if (!nb && !na) {
		nb = -1;
		na = 30;
	}
	memset(c, 0, sizeof(*c));
	c->pkey = o->rsa_bits ? EVP_RSA_gen(o->rsa_bits) : EVP_EC_gen("P-256");
	c->x509 = X509_new();
	if (!c->pkey || !c->x509)
		return -1;
	X509_set_version(c->x509, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(c->x509),
			 (long)((getpid() << 8) ^ (uintptr_t)c) & 0x7fffffff);
	X509_gmtime_adj(X509_getm_notBefore(c->x509), nb * 86400L);
	X509_gmtime_adj(X509_getm_notAfter(c->x509), na * 86400L);
	X509_set_pubkey(c->x509, c->pkey);
	name = X509_get_subject_name(c->x509);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
				   (const unsigned char *)o->cn, -1, -1, 0);
	X509_set_issuer_name(c->x509, issuer ?
			     X509_get_subject_name(issuer->x509) : name);
	X509V3_set_ctx(&ctx, issuer ? issuer->x509 : c->x509, c->x509, NULL,
		       NULL, 0);
	if (test_cert_ext(&ctx, c->x509, NID_subject_key_identifier, "hash") ||
	    test_cert_ext(&ctx, c->x509, NID_authority_key_identifier,
			  "keyid:always") ||
	    test_cert_ext(&ctx, c->x509, NID_basic_constraints,
			  o->ca ? "critical,CA:TRUE" : "critical,CA:FALSE") ||
	    (o->san && test_cert_ext(&ctx, c->x509, NID_subject_alt_name,
				     o->san)) ||
	    (o->key_usage && test_cert_ext(&ctx, c->x509, NID_key_usage,
					   o->key_usage)))
		return -1;
	md = o->md ? EVP_get_digestbyname(o->md) : EVP_sha256();
	/* NULL would sign with the key's default digest: never silently. */
	if (!md || !X509_sign(c->x509, issuer ? issuer->pkey : c->pkey, md))
		return -1;
	n = i2d_X509(c->x509, NULL);
	if (n <= 0 || (size_t)n > sizeof(c->der))
		return -1;
	p = c->der;
	i2d_X509(c->x509, &p);
	c->len = n;
	SHA256(c->der, c->len, c->sha256);
	if (o->rsa_bits)
		return 0;
	if (!EVP_PKEY_get_bn_param(c->pkey, OSSL_PKEY_PARAM_PRIV_KEY, &d) ||
	    BN_bn2binpad(d, c->priv, sizeof(c->priv)) != sizeof(c->priv)) {
		BN_free(d);
		return -1;
	}
	BN_clear_free(d);
	return 0;
}

/* The certificate and key as PEM files, for openssl(1): 0 or -1. */
static inline int test_cert_write_pem(struct test_cert *c)
{
	FILE *f;
	int fd, ok;

	snprintf(c->cert_pem, sizeof(c->cert_pem), "/tmp/kdtls-cert.XXXXXX");
	snprintf(c->key_pem, sizeof(c->key_pem), "/tmp/kdtls-key.XXXXXX");
	fd = mkstemp(c->cert_pem);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	ok = f && PEM_write_X509(f, c->x509);
	if (f)
		fclose(f);
	fd = mkstemp(c->key_pem);
	if (!ok || fd < 0)
		return -1;
	f = fdopen(fd, "w");
	ok = f && PEM_write_PrivateKey(f, c->pkey, NULL, NULL, 0, NULL, NULL);
	if (f)
		fclose(f);
	return ok ? 0 : -1;
}

/* "AB:CD:..." as openssl prints a fingerprint, into @out (96 bytes). */
static inline void test_cert_fingerprint(const uint8_t *sha, char *out)
{
	for (int i = 0; i < 32; i++)
		sprintf(out + 3 * i, "%02X%s", sha[i], i < 31 ? ":" : "");
}

/* SHA-256 of the DER SubjectPublicKeyInfo of @c's key (a key pin). */
static inline void test_cert_spki_sha256(const struct test_cert *c,
					 uint8_t out[32])
{
	uint8_t *der = NULL;
	int n = i2d_PUBKEY(c->pkey, &der);

	memset(out, 0, 32);
	if (n > 0)
		SHA256(der, n, out);
	OPENSSL_free(der);
}

static inline void test_cert_free(struct test_cert *c)
{
	if (c->cert_pem[0])
		unlink(c->cert_pem);
	if (c->key_pem[0])
		unlink(c->key_pem);
	X509_free(c->x509);
	EVP_PKEY_free(c->pkey);
	memset(c, 0, sizeof(*c));
}

#endif /* KDTLS_SELFTEST_CERT_H */
