// SPDX-License-Identifier: GPL-2.0
/*
 * dtls-cert: a DTLS 1.2 client and echo server whose handshake runs in
 * the kernel with certificates: ECDHE-ECDSA, P-256.  dtls-psk's sibling;
 * the program reads its certificate chain and private key with libcrypto,
 * gives the kernel the DER certificates and the 32-byte private scalar
 * (dtls_cert_set()) and the SHA-256 digests of the peer certificates it
 * accepts (dtls_peer_auth()), over netlink (libdtls), starts the
 * handshake, waits for the socket to become writable, and from then on
 * uses send() and recv().  No TLS library: libcrypto only reads files.
 *
 *   dtls-cert server --listen ADDR:PORT --cert F --key F [PEER] [options]
 *   dtls-cert client --connect ADDR:PORT [--cert F --key F] PEER [options]
 *   dtls-cert server|client ADDR... --external [options]
 *
 *   --cert FILE                  our certificate chain: PEM (ours first,
 *                                then its issuers) or one DER certificate
 *   --key FILE                   its private key: EC P-256, PEM or DER,
 *                                SEC1 or PKCS#8, not encrypted
 *   PEER: --peer-sha256 HEX      the SHA-256 of a peer certificate we
 *                                accept: 64 hex digits, or AB:CD:... as
 *                                openssl x509 -fingerprint -sha256 prints
 *         --peer-cert FILE       ... or that certificate's file
 *                                (repeat either, up to 8 in all)
 *   --require-peer-cert          server: fail a client without a
 *                                certificate (else one is asked for, and
 *                                none accepted)
 *   --suite NAME|0xNNNN          allowed suite, in order (repeat; default:
 *                                the four ECDHE-ECDSA suites)
 *   --group x25519|secp256r1     allowed ECDHE group (repeat)
 *   --mtu N                      largest handshake datagram
 *   --rto-ms N                   initial retransmission timeout
 *   --timeout S                  give up after S idle seconds (default 30)
 *   --clients N                  server: serve N clients, then exit
 *                                (default 1; each on its own socket)
 *   --no-echo                    client: expect no replies (not an echo
 *                                server, e.g. openssl s_server)
 *   --external                   attach the socket, print its inode number
 *                                and wait: its handshake is configured and
 *                                started from outside, by the dtls CLI
 *                                (handshake config, cert set, peer pin,
 *                                handshake start --ino N); no --cert, --key,
 *                                pins or handshake options then
 *
 * A client needs a pin: it never offers a certificate suite without one
 * (it would take any server).  It sends its certificate when the server
 * asks (a server with pins asks); a client without --cert answers with
 * none.  A server needs --cert and --key.
 *
 * The server binds with SO_REUSEPORT; its socket answers ClientHellos with
 * stateless cookies and connects itself to the first client that returns
 * one.  For the next client it opens another socket on the same port.
 * Every record a client sends comes back; "echo: TEXT" is printed for
 * each.  A client's close_notify ends its session.
 *
 * The client sends each line of stdin as one record and writes what comes
 * back to stdout.  At the end of stdin it waits for the outstanding
 * replies and sends close_notify.
 *
 * The sockets, the echo server and the client loop are example.c's,
 * shared with dtls-psk; this file has only what certificates change.
 *
 * Status lines ("dtls-cert: handshake done with ...: suite ..., peer
 * certificate AB:CD:... CN=...") go to stderr.  Exit status: 0 when every
 * handshake succeeded (and the client got every reply), 1 otherwise, 2
 * for a usage error.
 */
#define _GNU_SOURCE	/* memmem() */

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "example.h"

#define PROG		"dtls-cert"
#define FILE_MAX	(256 * 1024)

static struct {
	const uint8_t	*der[DTLS_CERT_CHAIN_MAX];	/* our chain */
	size_t		der_len[DTLS_CERT_CHAIN_MAX];
	size_t		n_der;
	uint8_t		priv[32];	/* its P-256 private scalar */
	bool		have_key;
	uint8_t		pins[DTLS_PEER_PINS_MAX][32];
	size_t		n_pins;
	bool		require_peer;
	bool		external;
	const char	*cert_file, *key_file;
} o;

/* --------------------------------------------------------------- options */

static bool is_pem(const uint8_t *buf, size_t len)
{
	return memmem(buf, len, "-----BEGIN ", 11) != NULL;
}

/*
 * The certificates of @path, DER, into @der (malloc()ed) and @len: every
 * CERTIFICATE of a PEM file in order, or a DER file's one.  Their number
 * (at least 1), or exits.
 */
static size_t load_certs(const char *path, const uint8_t **der, size_t *len,
			 size_t max)
{
	static uint8_t buf[FILE_MAX];
	ssize_t n = ex_read_file(path, buf, sizeof(buf));
	size_t count = 0;
	X509 *x = NULL;
	BIO *bio;

	if (n < 0)
		exit(1);
	bio = BIO_new_mem_buf(buf, (int)n);
	for (;;) {
		unsigned char *d = NULL;
		int l;

		if (is_pem(buf, n)) {
			x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
		} else if (!count) {
			const unsigned char *p = buf;

			x = d2i_X509(NULL, &p, n);
		}
		if (!x)
			break;
		l = i2d_X509(x, &d);
		X509_free(x);
		x = NULL;
		if (count == max || l <= 0) {
			say("%s: more than %zu certificates", path, max);
			exit(1);
		}
		der[count] = d;		/* OPENSSL_malloc()ed; kept */
		len[count++] = l;
	}
	BIO_free(bio);
	ERR_clear_error();
	if (!count) {
		say("%s: no X.509 certificate in it (PEM, or one DER)", path);
		exit(1);
	}
	return count;
}

/* The P-256 private scalar of the EC key in @path (PEM or DER), or exits. */
static void load_key(const char *path, uint8_t priv[32])
{
	static uint8_t buf[FILE_MAX];
	ssize_t n = ex_read_file(path, buf, sizeof(buf));
	const unsigned char *p = buf;
	EVP_PKEY *pkey = NULL;
	char group[64] = "";
	BIGNUM *d = NULL;
	bool ok;

	if (n < 0)
		exit(1);
	if (is_pem(buf, n)) {
		BIO *bio = BIO_new_mem_buf(buf, (int)n);

		/* "" as the passphrase: an encrypted key fails, no prompt. */
		if (bio)
			pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, "");
		BIO_free(bio);
	} else {
		pkey = d2i_AutoPrivateKey(NULL, &p, n);
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	ok = pkey && EVP_PKEY_is_a(pkey, "EC") &&
	     EVP_PKEY_get_group_name(pkey, group, sizeof(group), NULL) &&
	     !strcmp(group, "prime256v1") &&
	     EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &d) &&
	     BN_bn2binpad(d, priv, 32) == 32;
	BN_clear_free(d);
	EVP_PKEY_free(pkey);
	ERR_clear_error();
	if (!ok) {
		say("%s: not an EC P-256 private key (PEM or DER, not encrypted)",
		    path);
		exit(1);
	}
}

/* 64 hex digits, colons between the bytes or not: 0, or -1. */
static int parse_sha256(const char *s, uint8_t out[32])
{
	size_t n = 0;

	while (*s && n < 32) {
		unsigned int v;

		if (*s == ':' && n)
			s++;
		if (!isxdigit((unsigned char)s[0]) ||
		    !isxdigit((unsigned char)s[1]) ||
		    sscanf(s, "%2x", &v) != 1)
			return -1;
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n == 32 && !*s ? 0 : -1;
}

/* "AB:CD:...", as openssl prints a fingerprint; @out: 96 bytes. */
static void fingerprint(const uint8_t sha[32], char *out)
{
	for (int i = 0; i < 32; i++)
		snprintf(out + 3 * i, 4, "%02X%s", sha[i], i < 31 ? ":" : "");
}

static const struct option cert_opts[] = {
	{ "cert",		required_argument, NULL, 'C' },
	{ "key",		required_argument, NULL, 'k' },
	{ "peer-sha256",	required_argument, NULL, 'P' },
	{ "peer-cert",		required_argument, NULL, 'p' },
	{ "require-peer-cert",	no_argument,	   NULL, 'R' },
	{ "external",		no_argument,	   NULL, 'X' },
	{ NULL, 0, NULL, 0 },
};

static void cert_opt(int c, const char *arg)
{
	switch (c) {
	case 'C':
		o.cert_file = arg;
		break;
	case 'k':
		o.key_file = arg;
		break;
	case 'P':
	case 'p':
		if (o.n_pins == DTLS_PEER_PINS_MAX)
			ex_usage("at most 8 peer pins");
		if (c == 'P' && parse_sha256(arg, o.pins[o.n_pins]))
			ex_usage("--peer-sha256: not 64 hex digits (colons between the bytes or not)");
		if (c == 'p') {
			const uint8_t *der[1];
			size_t len[1];

			/* The file's first certificate: the peer's own. */
			load_certs(arg, der, len, 1);
			SHA256(der[0], len[0], o.pins[o.n_pins]);
			OPENSSL_free((void *)der[0]);
		}
		o.n_pins++;
		break;
	case 'R':
		o.require_peer = true;
		break;
	case 'X':
		o.external = true;
		break;
	default:
		ex_usage(NULL);
	}
}

/* What the options must go with, and the files; exits if wrong. */
static void cert_check(void)
{
	if (o.external) {
		if (o.cert_file || o.key_file || o.n_pins || o.require_peer ||
		    ex.cfg.n_suites || ex.cfg.n_groups || ex.cfg.mtu ||
		    ex.cfg.rto_initial_ms)
			ex_usage("--external: the dtls CLI configures the handshake");
		return;
	}
	if (!o.cert_file != !o.key_file)
		ex_usage("--cert and --key go together");
	if (ex.server && !o.cert_file)
		ex_usage("a server needs --cert and --key");
	if (!ex.server && !o.n_pins)
		ex_usage("a client needs --peer-sha256 or --peer-cert: it takes no server unchecked");
	if (o.require_peer && (!ex.server || !o.n_pins))
		ex_usage("--require-peer-cert: a server's, with a pin");
	if (o.cert_file) {
		o.n_der = load_certs(o.cert_file, o.der, o.der_len,
				     DTLS_CERT_CHAIN_MAX);
		load_key(o.key_file, o.priv);
		o.have_key = true;
	}
}

/* ------------------------------------------------------------ handshake */

/* --external: the dtls CLI configures and starts the handshake. */
static int cert_attached(int fd, uint64_t ino)
{
	if (!o.external)
		return 0;
	say("socket ino %llu attached: waiting for its handshake to be configured and started (dtls handshake config, cert set, peer pin, handshake start --ino %llu)",
	    (unsigned long long)ino, (unsigned long long)ino);
	/*
	 * Until then it is plain UDP, writable: wait for the start
	 * before poll() may take POLLOUT for the handshake's end.
	 */
	for (long long end = ex_now_ms() + ex.timeout_ms; ex_now_ms() < end;) {
		struct dtls_hs_info h;

		if (dtls_hs_get(ex_nl, fd, 0, &h, NULL, 0))
			break;
		if (h.state >= DTLS_HS_STATE_RUNNING)
			return 1;
		usleep(100000);
	}
	say("ino %llu: no handshake started", (unsigned long long)ino);
	return -1;
}

static int cert_creds(int fd, const char **what, char *msg, size_t len)
{
	int err = 0;

	if (o.have_key) {
		/* The kernel keeps the key; nothing reads it back. */
		*what = "cert set";
		err = dtls_cert_set(ex_nl, fd, 0, o.der, o.der_len, o.n_der,
				    o.priv, 0, msg, len);
	}
	if (!err && o.n_pins) {
		*what = "peer auth";
		err = dtls_peer_auth(ex_nl, fd, 0,
				     (const uint8_t (*)[32])o.pins, o.n_pins,
				     o.require_peer, msg, len);
	}
	return err;
}

static void cert_done(const char *peer, const struct dtls_hs_info *h)
{
	char fp[96] = "", subj[256] = "";
	const unsigned char *p = h->peer_subject;
	X509_NAME *name;

	if (!h->has_peer_cert) {
		say("handshake done with %s: suite %s, no peer certificate",
		    peer, dtls_suite_name(h->suite));
		return;
	}
	fingerprint(h->peer_cert_sha256, fp);
	name = d2i_X509_NAME(NULL, &p, (long)h->peer_subject_len);
	if (name)
		X509_NAME_oneline(name, subj, sizeof(subj));
	X509_NAME_free(name);
	ERR_clear_error();
	say("handshake done with %s: suite %s, peer certificate sha256 %s subject %s",
	    peer, dtls_suite_name(h->suite), fp, *subj ? subj : "?");
}

static const struct example cert = {
	.prog		= PROG,
	.usage		= PROG " server --listen ADDR:PORT --cert F --key F [PEER] [options]\n"
		"       " PROG " client --connect ADDR:PORT [--cert F --key F] PEER [options]\n"
		"       " PROG " server|client --listen|--connect ADDR:PORT --external [options]\n"
		"  PEER: (--peer-sha256 HEX | --peer-cert FILE)...\n"
		"  options: --require-peer-cert (server) --suite S... --group G...\n"
		"           --mtu N --rto-ms N --timeout S --clients N (server)\n"
		"           --no-echo (client)\n",
	.extra_arg	= "unexpected argument",
	.opts		= cert_opts,
	.opt		= cert_opt,
	.attached	= cert_attached,
	.creds		= cert_creds,
	.hs_done	= cert_done,
};

int main(int argc, char **argv)
{
	int rc;

	ex_parse_args(&cert, argc, argv);
	cert_check();
	rc = ex_run();
	OPENSSL_cleanse(o.priv, sizeof(o.priv));
	dtls_close(ex_nl);
	return rc;
}
