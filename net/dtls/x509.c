// SPDX-License-Identifier: GPL-2.0
/*
 * X.509 certificates as views (x509.h): a DER walker that checks every
 * length against what encloses it, takes definite minimal lengths only,
 * single-byte tags only, and requires each structure to end exactly where
 * its last field does.  Anything it does not understand in a place that
 * matters (a key or signature algorithm, a version other than v3 or v1)
 * is reported as OTHER or refused; unknown extensions are skipped, as
 * RFC 5280 4.2 allows for non-critical ones; an unknown critical one is
 * refused.
 *
 * Pure code: no allocation, any context.
 */

#include <linux/errno.h>
#include <linux/inet.h>
#include <linux/string.h>

#include "x509.h"

#define DER_BOOLEAN	0x01
#define DER_INTEGER	0x02
#define DER_BIT_STRING	0x03
#define DER_OCTET_STRING 0x04
#define DER_OID		0x06
#define DER_UTC_TIME	0x17
#define DER_GEN_TIME	0x18
#define DER_SEQUENCE	0x30
#define DER_CTX0	0xa0		/* [0] EXPLICIT, constructed */
#define DER_CTX1	0x81		/* [1] IMPLICIT, primitive */
#define DER_CTX2	0x82
#define DER_CTX3	0xa3
#define DER_SAN_DNS	0x82		/* GeneralName dNSName [2] */
#define DER_SAN_IP	0x87		/* GeneralName iPAddress [7] */
#define DER_AKID_KEYID	0x80		/* keyIdentifier [0] IMPLICIT */

static const u8 oid_ec_public_key[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02,
					0x01 };
static const u8 oid_prime256v1[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03,
				     0x01, 0x07 };
static const u8 oid_rsa_encryption[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
					 0x01, 0x01, 0x01 };
static const u8 oid_ecdsa_sha256[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04,
				       0x03, 0x02 };
static const u8 oid_rsa_sha256[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
				     0x01, 0x01, 0x0b };
static const u8 oid_ecdsa_sha384[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04,
				       0x03, 0x03 };
static const u8 oid_rsa_sha384[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
				     0x01, 0x01, 0x0c };
static const u8 oid_san[] = { 0x55, 0x1d, 0x11 };
static const u8 oid_basic_constraints[] = { 0x55, 0x1d, 0x13 };
static const u8 oid_key_usage[] = { 0x55, 0x1d, 0x0f };
static const u8 oid_skid[] = { 0x55, 0x1d, 0x0e };
static const u8 oid_akid[] = { 0x55, 0x1d, 0x23 };

struct der {
	const u8	*p;
	u32		left;
};

/* One TLV: its tag, its content; @whole/@whole_len: the TLV itself. */
static int der_next(struct der *d, u8 *tag, struct der *val,
		    const u8 **whole, u32 *whole_len)
{
	const u8 *start = d->p;
	u32 len, hdr = 2;
	u8 n, i;

	if (d->left < 2)
		return -EBADMSG;
	*tag = d->p[0];
	if ((*tag & 0x1f) == 0x1f)
		return -EBADMSG;		/* multi-byte tags */
	len = d->p[1];
	if (len & 0x80) {
		n = len & 0x7f;
		/* 1..3 length bytes; minimal: no leading 0, >= 128 */
		if (!n || n > 3 || d->left < 2u + n || !d->p[2])
			return -EBADMSG;
		for (len = 0, i = 0; i < n; i++)
			len = (len << 8) | d->p[2 + i];
		if (len < 0x80)
			return -EBADMSG;
		hdr += n;
	}
	if (len > d->left - hdr)
		return -EBADMSG;
	val->p = d->p + hdr;
	val->left = len;
	d->p += hdr + len;
	d->left -= hdr + len;
	if (whole) {
		*whole = start;
		*whole_len = hdr + len;
	}
	return 0;
}

/* The next TLV must have @want as its tag. */
static int der_expect(struct der *d, u8 want, struct der *val)
{
	u8 tag;

	if (der_next(d, &tag, val, NULL, NULL) || tag != want)
		return -EBADMSG;
	return 0;
}

static bool der_is(const struct der *v, const u8 *oid, u32 len)
{
	return v->left == len && !memcmp(v->p, oid, len);
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static s64 x509_days(s64 y, unsigned int m, unsigned int d)
{
	s64 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int x509_digits(const u8 *p, unsigned int n, unsigned int *v)
{
	unsigned int i;

	for (*v = 0, i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -EBADMSG;
		*v = *v * 10 + p[i] - '0';
	}
	return 0;
}

/* UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ (5280 4.1.2.5) */
static int x509_time(struct der *d, s64 *t)
{
	static const u8 mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
				    30, 31 };
	unsigned int y, mo, da, h, mi, s, yl;
	struct der v;
	u8 tag;

	if (der_next(d, &tag, &v, NULL, NULL))
		return -EBADMSG;
	if (tag == DER_UTC_TIME)
		yl = 2;
	else if (tag == DER_GEN_TIME)
		yl = 4;
	else
		return -EBADMSG;
	if (v.left != yl + 11 || v.p[v.left - 1] != 'Z' ||
	    x509_digits(v.p, yl, &y) || x509_digits(v.p + yl, 2, &mo) ||
	    x509_digits(v.p + yl + 2, 2, &da) ||
	    x509_digits(v.p + yl + 4, 2, &h) ||
	    x509_digits(v.p + yl + 6, 2, &mi) ||
	    x509_digits(v.p + yl + 8, 2, &s))
		return -EBADMSG;
	if (yl == 2)
		y += y < 50 ? 2000 : 1900;
	if (mo < 1 || mo > 12 || da < 1 || da > mdays[mo - 1] || h > 23 ||
	    mi > 59 || s > 59)
		return -EBADMSG;
	/* February 29th of a common year */
	if (mo == 2 && da == 29 && (y % 4 || (y % 100 == 0 && y % 400)))
		return -EBADMSG;
	*t = x509_days(y, mo, da) * 86400 + h * 3600 + mi * 60 + s;
	return 0;
}

/* AlgorithmIdentifier: the OID, parameters left alone. */
static int x509_alg(struct der *d, struct der *oid, struct der *params)
{
	struct der a;
	u8 tag;

	if (der_expect(d, DER_SEQUENCE, &a) || der_expect(&a, DER_OID, oid))
		return -EBADMSG;
	params->p = a.p;
	params->left = a.left;
	if (a.left && (der_next(&a, &tag, params, NULL, NULL) || a.left))
		return -EBADMSG;
	return 0;
}

/* BIT STRING whose bits are whole bytes: its bytes. */
static int x509_bits(struct der *d, const u8 **p, u32 *len)
{
	struct der v;

	if (der_expect(d, DER_BIT_STRING, &v) || !v.left || v.p[0])
		return -EBADMSG;
	*p = v.p + 1;
	*len = v.left - 1;
	return 0;
}

static int x509_spki(struct der *d, struct dtls_x509 *c)
{
	struct der spki, oid, params;
	u8 tag;

	if (der_next(d, &tag, &spki, &c->spki, &c->spki_len) ||
	    tag != DER_SEQUENCE || x509_alg(&spki, &oid, &params) ||
	    x509_bits(&spki, &c->pub, &c->pub_len) || spki.left)
		return -EBADMSG;
	if (der_is(&oid, oid_ec_public_key, sizeof(oid_ec_public_key)) &&
	    der_is(&params, oid_prime256v1, sizeof(oid_prime256v1)))
		c->key = DTLS_X509_KEY_EC_P256;
	else if (der_is(&oid, oid_rsa_encryption, sizeof(oid_rsa_encryption)))
		c->key = DTLS_X509_KEY_RSA;
	return 0;
}

/* basicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, ... } */
static int x509_basic_constraints(struct der *v, struct dtls_x509 *c)
{
	struct der seq, b;
	u8 tag;

	if (der_expect(v, DER_SEQUENCE, &seq) || v->left)
		return -EBADMSG;
	if (seq.left && seq.p[0] == DER_BOOLEAN) {
		/* DER: TRUE is 0xff, and a default is left out */
		if (der_next(&seq, &tag, &b, NULL, NULL) || b.left != 1 ||
		    b.p[0] != 0xff)
			return -EBADMSG;
		c->ca = true;
	}
	if (seq.left) {
		/* pathLenConstraint INTEGER (0..MAX); past 2 bytes, no limit */
		if (der_expect(&seq, DER_INTEGER, &b) || !b.left ||
		    (b.p[0] & 0x80))
			return -EBADMSG;
		if (b.left <= 2)
			c->path_len = b.left == 2 ? b.p[0] << 8 | b.p[1] :
						    b.p[0];
	}
	return seq.left ? -EBADMSG : 0;
}

/* KeyUsage ::= BIT STRING; the first 16 bits are all RFC 5280 names. */
static int x509_key_usage(struct der *v, struct dtls_x509 *c)
{
	struct der b;

	if (der_expect(v, DER_BIT_STRING, &b) || v->left || b.left < 2 ||
	    b.p[0] > 7)
		return -EBADMSG;
	c->key_usage = b.p[1] << 8 | (b.left > 2 ? b.p[2] : 0);
	c->has_key_usage = true;
	return 0;
}

/* SubjectKeyIdentifier ::= OCTET STRING */
static int x509_skid(struct der *v, struct dtls_x509 *c)
{
	struct der id;

	if (c->skid || der_expect(v, DER_OCTET_STRING, &id) || v->left ||
	    !id.left)
		return -EBADMSG;
	c->skid = id.p;
	c->skid_len = id.left;
	return 0;
}

/*
 * AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] OPTIONAL,
 * authorityCertIssuer [1] OPTIONAL, authorityCertSerialNumber [2]
 * OPTIONAL }: the keyIdentifier only, the others are skipped.
 */
static int x509_akid(struct der *v, struct dtls_x509 *c)
{
	struct der seq, id;
	u8 tag;

	if (c->akid || der_expect(v, DER_SEQUENCE, &seq) || v->left)
		return -EBADMSG;
	while (seq.left) {
		if (der_next(&seq, &tag, &id, NULL, NULL))
			return -EBADMSG;
		if (tag == DER_AKID_KEYID) {
			if (!id.left)
				return -EBADMSG;
			c->akid = id.p;
			c->akid_len = id.left;
		}
	}
	return 0;
}

static int x509_extensions(struct der *d, struct dtls_x509 *c)
{
	struct der outer, list;
	u32 seen = 0;	/* RFC 5280 4.2: an extension appears once */

	if (der_expect(d, DER_CTX3, &outer) ||
	    der_expect(&outer, DER_SEQUENCE, &list) || outer.left ||
	    !list.left)
		return -EBADMSG;
	while (list.left) {
		struct der ext, oid, val, b;
		bool critical = false;
		u8 tag;

		if (der_expect(&list, DER_SEQUENCE, &ext) ||
		    der_expect(&ext, DER_OID, &oid) ||
		    der_next(&ext, &tag, &val, NULL, NULL))
			return -EBADMSG;
		if (tag == DER_BOOLEAN) {
			if (val.left != 1 || val.p[0] != 0xff)
				return -EBADMSG;
			critical = true;
			if (der_next(&ext, &tag, &val, NULL, NULL))
				return -EBADMSG;
		}
		if (tag != DER_OCTET_STRING || ext.left)
			return -EBADMSG;
		if (der_is(&oid, oid_san, sizeof(oid_san))) {
			if (c->san)
				return -EBADMSG;	/* twice */
			if (der_next(&val, &tag, &b, &c->san, &c->san_len) ||
			    tag != DER_SEQUENCE || val.left)
				return -EBADMSG;
		} else if (der_is(&oid, oid_basic_constraints,
				  sizeof(oid_basic_constraints))) {
			if ((seen & BIT(0)) || x509_basic_constraints(&val, c))
				return -EBADMSG;
			seen |= BIT(0);
		} else if (der_is(&oid, oid_key_usage, sizeof(oid_key_usage))) {
			if ((seen & BIT(1)) || x509_key_usage(&val, c))
				return -EBADMSG;
			seen |= BIT(1);
		} else if (der_is(&oid, oid_skid, sizeof(oid_skid))) {
			if ((seen & BIT(2)) || x509_skid(&val, c))
				return -EBADMSG;
			seen |= BIT(2);
		} else if (der_is(&oid, oid_akid, sizeof(oid_akid))) {
			if ((seen & BIT(3)) || x509_akid(&val, c))
				return -EBADMSG;
			seen |= BIT(3);
		} else if (critical) {
			return -EOPNOTSUPP;
		}
	}
	return 0;
}

/**
 * dtls_x509_parse - a view of a DER certificate
 * @der: the certificate
 * @len: its length, exactly
 * @c: the view, pointing into @der
 *
 * Return: 0; -EBADMSG (not DER, or not a certificate), -EOPNOTSUPP (an
 * unknown critical extension, a version we do not know).
 */
int dtls_x509_parse(const u8 *der, u32 len, struct dtls_x509 *c)
{
	struct der d = { .p = der, .left = len }, cert, tbs, v, oid, params;
	u8 tag;

	memset(c, 0, sizeof(*c));
	c->path_len = -1;
	if (der_expect(&d, DER_SEQUENCE, &cert) || d.left)
		return -EBADMSG;
	if (der_next(&cert, &tag, &tbs, &c->tbs, &c->tbs_len) ||
	    tag != DER_SEQUENCE || x509_alg(&cert, &oid, &params) ||
	    x509_bits(&cert, &c->sig, &c->sig_len) || cert.left)
		return -EBADMSG;
	if (der_is(&oid, oid_ecdsa_sha256, sizeof(oid_ecdsa_sha256)))
		c->sig_alg = DTLS_X509_SIG_ECDSA_SHA256;
	else if (der_is(&oid, oid_rsa_sha256, sizeof(oid_rsa_sha256)))
		c->sig_alg = DTLS_X509_SIG_RSA_SHA256;
	else if (der_is(&oid, oid_ecdsa_sha384, sizeof(oid_ecdsa_sha384)))
		c->sig_alg = DTLS_X509_SIG_ECDSA_SHA384;
	else if (der_is(&oid, oid_rsa_sha384, sizeof(oid_rsa_sha384)))
		c->sig_alg = DTLS_X509_SIG_RSA_SHA384;

	/* version [0] EXPLICIT: v3 (2) with extensions, or absent (v1) */
	if (tbs.left && tbs.p[0] == DER_CTX0) {
		struct der ver;

		if (der_expect(&tbs, DER_CTX0, &v) ||
		    der_expect(&v, DER_INTEGER, &ver) || v.left)
			return -EBADMSG;
		if (ver.left != 1 || ver.p[0] != 2)
			return -EOPNOTSUPP;
	}
	if (der_expect(&tbs, DER_INTEGER, &v) || !v.left)
		return -EBADMSG;
	c->serial = v.p;
	c->serial_len = v.left;
	/* signature: the same algorithm as signatureAlgorithm (4.1.1.2) */
	{
		struct der oid2, params2;

		if (x509_alg(&tbs, &oid2, &params2) ||
		    oid2.left != oid.left ||
		    memcmp(oid2.p, oid.p, oid.left))
			return -EBADMSG;
	}
	if (der_next(&tbs, &tag, &v, &c->issuer, &c->issuer_len) ||
	    tag != DER_SEQUENCE)
		return -EBADMSG;
	if (der_expect(&tbs, DER_SEQUENCE, &v) ||
	    x509_time(&v, &c->not_before) || x509_time(&v, &c->not_after) ||
	    v.left)
		return -EBADMSG;
	if (der_next(&tbs, &tag, &v, &c->subject, &c->subject_len) ||
	    tag != DER_SEQUENCE)
		return -EBADMSG;
	if (x509_spki(&tbs, c))
		return -EBADMSG;
	/* issuerUniqueID, subjectUniqueID: skipped */
	while (tbs.left && (tbs.p[0] == DER_CTX1 || tbs.p[0] == DER_CTX2))
		if (der_next(&tbs, &tag, &v, NULL, NULL))
			return -EBADMSG;
	if (tbs.left) {
		int err = x509_extensions(&tbs, c);

		if (err)
			return err;
	}
	return tbs.left ? -EBADMSG : 0;
}

/**
 * dtls_x509_parse_spki - a SubjectPublicKeyInfo alone (RFC 7250 raw key)
 * @der: the SubjectPublicKeyInfo, DER, nothing after it
 * @len: its length
 * @c: filled with spki, key and pub; the rest is zero
 *
 * Return: 0 or -EBADMSG.
 */
int dtls_x509_parse_spki(const u8 *der, u32 len, struct dtls_x509 *c)
{
	struct der d = { .p = der, .left = len };

	memset(c, 0, sizeof(*c));
	if (x509_spki(&d, c) || d.left)
		return -EBADMSG;
	return 0;
}

/*
 * A dNSName of the certificate, @pat, against the name asked for: equal
 * but for ASCII case; or @pat is "*." and a suffix of two labels or more,
 * and @name is one label (not empty) followed by that suffix.
 */
static bool x509_dns_match(const u8 *pat, u32 pat_len, const char *name,
			   size_t name_len)
{
	const char *dot;

	if (!pat_len || memchr(pat, 0, pat_len))
		return false;
	if (pat_len == name_len &&
	    !strncasecmp((const char *)pat, name, name_len))
		return true;
	if (pat_len < 4 || pat[0] != '*' || pat[1] != '.' ||
	    !memchr(pat + 2, '.', pat_len - 2) || memchr(pat + 2, '*',
							pat_len - 2))
		return false;
	dot = strchr(name, '.');
	if (!dot || dot == name)
		return false;
	return name_len - (dot - name) == pat_len - 1 &&
	       !strncasecmp((const char *)pat + 1, dot, pat_len - 1);
}

/**
 * dtls_x509_name_match - does the certificate hold this name?
 * @c: the certificate's view
 * @name: a DNS name, or an IPv4 or IPv6 address literal (NUL-terminated)
 *
 * The subjectAltName only (RFC 6125 6.4.4: no fallback to the common
 * name): an address literal is compared with the iPAddress entries, a
 * DNS name with the dNSName entries, ASCII case-insensitively, a left-most
 * "*" label in the certificate matching exactly one label of @name.  A
 * wildcard never matches an address literal.
 *
 * Return: true if an entry matches.
 */
bool dtls_x509_name_match(const struct dtls_x509 *c, const char *name)
{
	struct der san, seq, v;
	size_t name_len = strlen(name);
	u8 ip[16], tag;
	int ip_len = 0;

	if (!c->san || !name_len)
		return false;
	if (in4_pton(name, name_len, ip, -1, NULL))
		ip_len = 4;
	else if (in6_pton(name, name_len, ip, -1, NULL))
		ip_len = 16;
	san.p = c->san;
	san.left = c->san_len;
	if (der_expect(&san, DER_SEQUENCE, &seq))
		return false;
	while (seq.left) {
		if (der_next(&seq, &tag, &v, NULL, NULL))
			return false;
		if (ip_len && tag == DER_SAN_IP && v.left == ip_len &&
		    !memcmp(v.p, ip, ip_len))
			return true;
		if (!ip_len && tag == DER_SAN_DNS &&
		    x509_dns_match(v.p, v.left, name, name_len))
			return true;
	}
	return false;
}
