/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A view of an X.509 certificate (RFC 5280 4.1), DER, for the handshake's
 * peer authentication: what was signed and by what, the validity dates,
 * the names, the public key and its SubjectPublicKeyInfo (pinned for raw
 * public keys, RFC 7250), subjectAltName, basicConstraints and the key
 * identifiers that find an issuer among trust anchors (chain.c).  Our own
 * bounded DER walker: the kernel's X.509 parser is exported but its
 * header and structure are internal to crypto/asymmetric_keys.
 *
 * Pure code: no allocation, any context.  Every view points into the
 * certificate given.
 */
#ifndef _NET_DTLS_X509_H
#define _NET_DTLS_X509_H

#include <linux/types.h>

enum dtls_x509_key {
	DTLS_X509_KEY_OTHER,
	DTLS_X509_KEY_EC_P256,		/* id-ecPublicKey, prime256v1 */
	DTLS_X509_KEY_RSA,		/* rsaEncryption */
};

enum dtls_x509_sig {
	DTLS_X509_SIG_OTHER,
	DTLS_X509_SIG_ECDSA_SHA256,	/* ecdsa-with-SHA256 */
	DTLS_X509_SIG_RSA_SHA256,	/* sha256WithRSAEncryption */
	DTLS_X509_SIG_ECDSA_SHA384,	/* ecdsa-with-SHA384 */
	DTLS_X509_SIG_RSA_SHA384,	/* sha384WithRSAEncryption */
};

struct dtls_x509 {
	const u8		*tbs;		/* the signed part, whole TLV */
	u32			tbs_len;
	enum dtls_x509_sig	sig_alg;
	const u8		*sig;		/* signatureValue's bits */
	u32			sig_len;
	const u8		*serial;	/* INTEGER content */
	u32			serial_len;
	const u8		*issuer;	/* Name, whole TLV */
	u32			issuer_len;
	const u8		*subject;
	u32			subject_len;
	s64			not_before;	/* seconds since the epoch */
	s64			not_after;
	const u8		*spki;		/* SubjectPublicKeyInfo TLV */
	u32			spki_len;
	enum dtls_x509_key	key;
	const u8		*pub;		/* subjectPublicKey's bits */
	u32			pub_len;
	const u8		*san;		/* GeneralNames TLV, or NULL */
	u32			san_len;
	bool			ca;		/* basicConstraints cA */
	int			path_len;	/* its pathLenConstraint, -1 */
	u16			key_usage;	/* keyUsage, bit 0 the MSB */
	bool			has_key_usage;
	const u8		*skid;		/* subjectKeyIdentifier, or NULL */
	u32			skid_len;
	const u8		*akid;		/* authorityKeyIdentifier's */
	u32			akid_len;	/* keyIdentifier, or NULL */
};

/* keyUsage bits (RFC 5280 4.2.1.3), as struct dtls_x509 holds them */
#define DTLS_X509_KU_DIGITAL_SIGNATURE	0x8000
#define DTLS_X509_KU_KEY_CERT_SIGN	0x0400

int dtls_x509_parse(const u8 *der, u32 len, struct dtls_x509 *c);
int dtls_x509_parse_spki(const u8 *der, u32 len, struct dtls_x509 *c);
bool dtls_x509_name_match(const struct dtls_x509 *c, const char *name);

#endif /* _NET_DTLS_X509_H */
