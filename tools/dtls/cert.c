// SPDX-License-Identifier: GPL-2.0
/*
 * dtls cert set: give a socket's kernel handshake our certificate chain
 * and its ECDSA P-256 private key, for the ECDHE-ECDSA suites.  The chain
 * is read from a PEM file (one or more certificates, ours first) or a
 * single DER certificate; the key from a PEM or DER EC private key (SEC1
 * or PKCS#8, not encrypted), or named by kernel key serial.  libcrypto
 * reads the files; the kernel gets the DER certificates and the 32-byte
 * private scalar, which is wiped here once sent.  Without --chain the key
 * alone goes, presented as a raw public key (RFC 7250) to peers that
 * take one.
 *
 * Also the certificate helpers that peer.c (a pin from a certificate
 * file) and output.c (fingerprints) share.
 */
#define _GNU_SOURCE	/* memmem() */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cli.h"

/* A chain file: PEM of 8 certificates of 16 KiB of DER, and room. */
#define CHAIN_FILE_MAX	(256 * 1024)
#define KEY_FILE_MAX	(16 * 1024)

/* "AB:CD:...:EF", as `openssl x509 -fingerprint -sha256` prints it. */
void fp_colon(const uint8_t sha[32], char out[FP_COLON_LEN])
{
	for (int i = 0; i < 32; i++)
		snprintf(out + 3 * i, 4, "%02X%s", sha[i], i < 31 ? ":" : "");
}

/*
 * DER (a certificate, a key) starts with a SEQUENCE; anything else is
 * taken for PEM, which may have text before its blocks (openssl x509
 * -text writes some).
 */
static bool is_pem(const uint8_t *buf, size_t len)
{
	return len && buf[0] != 0x30;
}

/* SHA-256 of the SubjectPublicKeyInfo of certificate @der: 0, or -1. */
int cert_spki_sha256(const uint8_t *der, size_t len, uint8_t out[32])
{
	const unsigned char *p = der;
	unsigned char *spki = NULL;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	int n = -1;

	if (x)
		n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &spki);
	if (n > 0)
		SHA256(spki, (size_t)n, out);
	OPENSSL_free(spki);
	X509_free(x);
	return n > 0 ? 0 : -1;
}

void certs_free(struct cert_file *cf)
{
	for (size_t i = 0; i < cf->n; i++)
		free(cf->der[i]);
	memset(cf, 0, sizeof(*cf));
}

/* Append @x's DER to @cf: false (reported as a failure of @what) if full. */
static bool certs_add(struct cert_file *cf, X509 *x, const char *what,
		      const char *name)
{
	unsigned char *der = NULL;
	int len;

	if (cf->n == DTLS_CERT_CHAIN_MAX) {
		fail("%s: %s: more than %d certificates", what, name,
		     DTLS_CERT_CHAIN_MAX);
		return false;
	}
	len = i2d_X509(x, &der);
	if (len <= 0) {
		fail("%s: %s: cannot encode a certificate", what, name);
		return false;
	}
	cf->der[cf->n] = malloc(len);
	if (!cf->der[cf->n]) {
		OPENSSL_free(der);
		fail("%s: out of memory", what);
		return false;
	}
	memcpy(cf->der[cf->n], der, len);
	OPENSSL_free(der);
	cf->len[cf->n++] = len;
	return true;
}

/*
 * The certificates of @path ("-": stdin): every CERTIFICATE block of a
 * PEM file, in order (other blocks, a key for one, are skipped), or the
 * one certificate of a DER file.  0, or -1 (reported, for @what).
 */
int certs_load(const char *path, struct cert_file *cf, const char *what)
{
	const char *name = strcmp(path, "-") ? path : "stdin";
	const unsigned char *p;
	unsigned long e;
	uint8_t *buf;
	ssize_t len;
	X509 *x;
	BIO *bio;
	int ret = -1;

	memset(cf, 0, sizeof(*cf));
	buf = malloc(CHAIN_FILE_MAX);
	if (!buf) {
		fail("%s: out of memory", what);
		return -1;
	}
	len = read_file(path, buf, CHAIN_FILE_MAX, false);
	if (len < 0)
		goto out;
	if (is_pem(buf, len)) {
		bio = BIO_new_mem_buf(buf, (int)len);
		if (!bio) {
			fail("%s: out of memory", what);
			goto out;
		}
		ERR_clear_error();
		while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
			bool ok = certs_add(cf, x, what, name);

			X509_free(x);
			if (!ok) {
				BIO_free(bio);
				certs_free(cf);
				goto out;
			}
		}
		BIO_free(bio);
		/* The end of the file ends the loop; anything else is wrong. */
		e = ERR_peek_last_error();
		if (e && (ERR_GET_LIB(e) != ERR_LIB_PEM ||
			  ERR_GET_REASON(e) != PEM_R_NO_START_LINE)) {
			fail("%s: %s: certificate %zu does not parse", what,
			     name, cf->n + 1);
			certs_free(cf);
			goto out;
		}
	} else {
		p = buf;
		x = d2i_X509(NULL, &p, len);
		if (x && p != buf + len) {
			fail("%s: %s: bytes after the DER certificate (a DER file holds one; use PEM for a chain)",
			     what, name);
			X509_free(x);
			goto out;
		}
		if (x) {
			bool ok = certs_add(cf, x, what, name);

			X509_free(x);
			if (!ok)
				goto out;
		}
	}
	if (!cf->n) {
		fail("%s: %s: no X.509 certificate in it (PEM, or one DER certificate)",
		     what, name);
		goto out;
	}
	ret = 0;
out:
	ERR_clear_error();
	free(buf);
	return ret;
}

/* No passphrase prompts: an encrypted key is an error. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

/*
 * The P-256 private scalar of the key in @path (PEM or DER; SEC1 or
 * PKCS#8) into @priv, big-endian.  0, or -1 (reported).  Every copy of
 * the key this function made is wiped or freed by libcrypto's clearing
 * frees before it returns.
 */
static int key_load(const char *path, uint8_t priv[32])
{
	const char *name = strcmp(path, "-") ? path : "stdin";
	static uint8_t buf[KEY_FILE_MAX];
	const unsigned char *p = buf;
	EVP_PKEY *pkey = NULL;
	char group[64] = "";
	BIGNUM *d = NULL;
	ssize_t len;
	int ret = -1;

	len = read_file(path, buf, sizeof(buf), true);
	if (len < 0)
		return -1;
	if (is_pem(buf, len)) {
		BIO *bio = BIO_new_mem_buf(buf, (int)len);

		if (bio)
			pkey = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase,
						       NULL);
		BIO_free(bio);
		if (!pkey && memmem(buf, len, "ENCRYPTED", 9)) {
			fail("cert set: %s: an encrypted key; decrypt it first (openssl pkey -in F -out F2)",
			     name);
			goto out;
		}
	} else {
		pkey = d2i_AutoPrivateKey(NULL, &p, len);
	}
	if (!pkey) {
		fail("cert set: %s: no private key in it (PEM or DER, SEC1 or PKCS#8)",
		     name);
		goto out;
	}
	if (!EVP_PKEY_is_a(pkey, "EC") ||
	    !EVP_PKEY_get_group_name(pkey, group, sizeof(group), NULL) ||
	    strcmp(group, "prime256v1")) {
		fail("cert set: %s: not an EC P-256 (prime256v1) key%s%s", name,
		     *group ? ", but " : "", group);
		goto out;
	}
	if (!EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &d) ||
	    BN_bn2binpad(d, priv, 32) != 32) {
		fail("cert set: %s: cannot read the private scalar", name);
		goto out;
	}
	ret = 0;
out:
	BN_clear_free(d);
	EVP_PKEY_free(pkey);
	OPENSSL_cleanse(buf, sizeof(buf));
	ERR_clear_error();
	return ret;
}

static int cmd_cert_set(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ino",	required_argument, NULL, 'i' },
		{ "chain",	required_argument, NULL, 'c' },
		{ "key",	required_argument, NULL, 'k' },
		{ "key-serial",	required_argument, NULL, 's' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *chain = NULL, *key_file = NULL;
	const uint8_t *der[DTLS_CERT_CHAIN_MAX];
	uint64_t ino = 0, serial = 0;
	bool serial_set = false;
	struct cert_file cf;
	struct dtls_nl *nl;
	uint8_t priv[32];
	size_t total = 0;
	char msg[256];
	int c, err;

	cur_usage = "cert set --ino N [--chain FILE] (--key FILE | --key-serial SERIAL)";
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (!opt_ino(optarg, &ino))
				return 1;
			break;
		case 'c':
			chain = optarg;
			break;
		case 'k':
			key_file = optarg;
			break;
		case 's':
			if (!parse_uint(optarg, INT32_MAX, &serial) || !serial) {
				fail("--key-serial: '%s' is not a key serial number",
				     optarg);
				return 1;
			}
			serial_set = true;
			break;
		default:
			return opt_help(c);
		}
	}
	if (optind < argc)
		return usage_err("cert set: unexpected argument");
	if (!ino)
		return usage_err("cert set: --ino is required");
	if (!key_file == !serial_set)
		return usage_err("cert set: give one of --key and --key-serial");
	if (key_file && chain && !strcmp(chain, "-") && !strcmp(key_file, "-"))
		return usage_err("cert set: only one of --chain and --key can be - (stdin)");

	/* No chain: the key alone, a raw public key (RFC 7250). */
	memset(&cf, 0, sizeof(cf));
	if (chain && certs_load(chain, &cf, "cert set"))
		return 1;
	for (size_t i = 0; i < cf.n; i++) {
		der[i] = cf.der[i];
		total += cf.len[i];
	}
	if (total > DTLS_CERT_CHAIN_BYTES) {
		fail("cert set: %s: the chain is %zu bytes of DER, over the kernel's %d",
		     chain ? chain : "-", total, DTLS_CERT_CHAIN_BYTES);
		certs_free(&cf);
		return 1;
	}
	if (key_file && key_load(key_file, priv)) {
		certs_free(&cf);
		return 1;
	}
	nl = nl_open("cert set");
	if (!nl) {
		OPENSSL_cleanse(priv, sizeof(priv));
		certs_free(&cf);
		return 1;
	}
	err = dtls_cert_set(nl, -1, ino, der, cf.len, cf.n,
			    key_file ? priv : NULL, (int32_t)serial, msg,
			    sizeof(msg));
	OPENSSL_cleanse(priv, sizeof(priv));
	dtls_close(nl);
	certs_free(&cf);
	if (err) {
		fail_nl("cert set", err, msg);
		return 1;
	}
	return 0;
}

static const struct cmd cert_commands[] = {
	{ "set", NULL, NULL, cmd_cert_set },
};

int cmd_cert(int argc, char **argv)
{
	return dispatch_sub("cert", cert_commands, ARRAY_SIZE(cert_commands),
			    argc, argv);
}
