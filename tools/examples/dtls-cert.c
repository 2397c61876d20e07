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
 * Status lines ("dtls-cert: handshake done with ...: suite ..., peer
 * certificate AB:CD:... CN=...") go to stderr.  Exit status: 0 when every
 * handshake succeeded (and the client got every reply), 1 otherwise, 2
 * for a usage error.
 */
#define _GNU_SOURCE	/* memmem() */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/dtls.h>
#include <linux/dtls_netlink.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "libdtls.h"

#define PROG		"dtls-cert"
#define MAX_RECORD	16384
#define MAX_SESSIONS	64
#define MAX_SUITES	8
#define MAX_GROUPS	4
#define FILE_MAX	(256 * 1024)

struct opts {
	bool		server;
	const char	*addr;
	const uint8_t	*der[DTLS_CERT_CHAIN_MAX];	/* our chain */
	size_t		der_len[DTLS_CERT_CHAIN_MAX];
	size_t		n_der;
	uint8_t		priv[32];	/* its P-256 private scalar */
	bool		have_key;
	uint8_t		pins[DTLS_PEER_PINS_MAX][32];
	size_t		n_pins;
	bool		require_peer;
	uint16_t	suites[MAX_SUITES];
	uint16_t	groups[MAX_GROUPS];
	struct dtls_hs_config cfg;
	int		timeout_ms;
	long		clients;
	bool		echo;
	bool		external;
};

static struct opts o = {
	.cfg = { .cookies = -1 },
	.timeout_ms = 30000,
	.clients = 1,
	.echo = true,
};

/* The libdtls handle: one netlink socket for every request of the run. */
static struct dtls_nl *nl;

static void __attribute__((format(printf, 1, 2))) say(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void __attribute__((noreturn)) usage(const char *why)
{
	if (why)
		say("%s", why);
	fprintf(stderr,
		"Usage: " PROG " server --listen ADDR:PORT --cert F --key F [PEER] [options]\n"
		"       " PROG " client --connect ADDR:PORT [--cert F --key F] PEER [options]\n"
		"       " PROG " server|client --listen|--connect ADDR:PORT --external [options]\n"
		"  PEER: (--peer-sha256 HEX | --peer-cert FILE)...\n"
		"  options: --require-peer-cert (server) --suite S... --group G...\n"
		"           --mtu N --rto-ms N --timeout S --clients N (server)\n"
		"           --no-echo (client)\n");
	exit(2);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* --------------------------------------------------------------- options */

/* At most @max bytes of @path, with read(2): -1 on error. */
static ssize_t read_file(const char *path, uint8_t *buf, size_t max)
{
	ssize_t n = dtls_read_file(path, buf, max);

	if (n == -EFBIG)
		say("%s: longer than %zu bytes", path, max);
	else if (n < 0)
		say("%s: %s", path, strerror(-n));
	return n < 0 ? -1 : n;
}

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
	ssize_t n = read_file(path, buf, sizeof(buf));
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
	ssize_t n = read_file(path, buf, sizeof(buf));
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

static long num(const char *opt, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || !*s || v < min || v > max) {
		say("--%s: '%s' is not a number from %ld to %ld", opt, s, min,
		    max);
		exit(2);
	}
	return v;
}

static void parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen",		required_argument, NULL, 'l' },
		{ "connect",		required_argument, NULL, 'c' },
		{ "cert",		required_argument, NULL, 'C' },
		{ "key",		required_argument, NULL, 'k' },
		{ "peer-sha256",	required_argument, NULL, 'P' },
		{ "peer-cert",		required_argument, NULL, 'p' },
		{ "require-peer-cert",	no_argument,	   NULL, 'R' },
		{ "suite",		required_argument, NULL, 's' },
		{ "group",		required_argument, NULL, 'g' },
		{ "mtu",		required_argument, NULL, 'm' },
		{ "rto-ms",		required_argument, NULL, 'r' },
		{ "timeout",		required_argument, NULL, 't' },
		{ "clients",		required_argument, NULL, 'n' },
		{ "no-echo",		no_argument,	   NULL, 'E' },
		{ "external",		no_argument,	   NULL, 'X' },
		{ "help",		no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *key_file = NULL, *cert_file = NULL;
	int c;

	if (argc < 2)
		usage(NULL);
	if (!strcmp(argv[1], "server"))
		o.server = true;
	else if (strcmp(argv[1], "client"))
		usage(strcmp(argv[1], "-h") && strcmp(argv[1], "--help") ?
		      "first argument: server or client" : NULL);
	optind = 2;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
		case 'c':
			if ((c == 'l') != o.server)
				usage(o.server ? "a server --listen's" :
						 "a client --connect's");
			o.addr = optarg;
			break;
		case 'C':
			cert_file = optarg;
			break;
		case 'k':
			key_file = optarg;
			break;
		case 'P':
		case 'p':
			if (o.n_pins == DTLS_PEER_PINS_MAX)
				usage("at most 8 peer pins");
			if (c == 'P' && parse_sha256(optarg, o.pins[o.n_pins]))
				usage("--peer-sha256: not 64 hex digits (colons between the bytes or not)");
			if (c == 'p') {
				const uint8_t *der[1];
				size_t len[1];

				/* The file's first certificate: the peer's own. */
				load_certs(optarg, der, len, 1);
				SHA256(der[0], len[0], o.pins[o.n_pins]);
				OPENSSL_free((void *)der[0]);
			}
			o.n_pins++;
			break;
		case 'R':
			o.require_peer = true;
			break;
		case 's':
			if (o.cfg.n_suites == MAX_SUITES ||
			    dtls_suite_parse(optarg, &o.suites[o.cfg.n_suites]))
				usage("--suite: unknown suite, or too many");
			o.cfg.n_suites++;
			break;
		case 'g':
			if (o.cfg.n_groups == MAX_GROUPS ||
			    dtls_group_parse(optarg, &o.groups[o.cfg.n_groups]))
				usage("--group: unknown group, or too many");
			o.cfg.n_groups++;
			break;
		case 'm':
			o.cfg.mtu = num("mtu", optarg, 1, 65535);
			break;
		case 'r':
			o.cfg.rto_initial_ms = num("rto-ms", optarg, 1, 600000);
			break;
		case 't':
			o.timeout_ms = num("timeout", optarg, 1, 86400) * 1000;
			break;
		case 'n':
			o.clients = num("clients", optarg, 1, 1000000);
			break;
		case 'E':
			o.echo = false;
			break;
		case 'X':
			o.external = true;
			break;
		case 'h':
			usage(NULL);
		default:
			usage(NULL);
		}
	}
	if (optind < argc)
		usage("unexpected argument");
	if (!o.addr)
		usage(o.server ? "--listen ADDR:PORT is required" :
				 "--connect ADDR:PORT is required");
	if (o.external) {
		if (cert_file || key_file || o.n_pins || o.require_peer ||
		    o.cfg.n_suites || o.cfg.n_groups || o.cfg.mtu ||
		    o.cfg.rto_initial_ms)
			usage("--external: the dtls CLI configures the handshake");
		return;
	}
	if (!cert_file != !key_file)
		usage("--cert and --key go together");
	if (o.server && !cert_file)
		usage("a server needs --cert and --key");
	if (!o.server && !o.n_pins)
		usage("a client needs --peer-sha256 or --peer-cert: it takes no server unchecked");
	if (o.require_peer && (!o.server || !o.n_pins))
		usage("--require-peer-cert: a server's, with a pin");
	if (cert_file) {
		o.n_der = load_certs(cert_file, o.der, o.der_len,
				     DTLS_CERT_CHAIN_MAX);
		load_key(key_file, o.priv);
		o.have_key = true;
	}
	o.cfg.suites = o.suites;
	o.cfg.groups = o.groups;
	/* The kernel's whole-handshake limit: at most an hour. */
	o.cfg.timeout_ms = o.timeout_ms < 3600000 ? o.timeout_ms : 3600000;
}

/* "host:port", "[v6]:port"; an empty host is the wildcard. */
static int resolve(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	struct addrinfo hints = {
		.ai_socktype = SOCK_DGRAM,
		.ai_flags = AI_NUMERICSERV | (o.server ? AI_PASSIVE : 0),
	}, *res;
	char host[256];
	const char *colon = strrchr(s, ':');
	size_t hlen;
	int err;

	if (!colon || !colon[1])
		return -1;
	hlen = colon - s;
	if (hlen >= 2 && s[0] == '[' && s[hlen - 1] == ']') {
		s++;
		hlen -= 2;
	}
	if (hlen >= sizeof(host))
		return -1;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	err = getaddrinfo(hlen ? host : NULL, colon + 1, &hints, &res);
	if (err) {
		say("%s: %s", s, gai_strerror(err));
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static void addr_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const void *)ss;

		inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof(ip));
		snprintf(buf, len, "[%s]:%u", ip, ntohs(a->sin6_port));
	} else {
		const struct sockaddr_in *a = (const void *)ss;

		inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
		snprintf(buf, len, "%s:%u", ip, ntohs(a->sin_port));
	}
}

/* ------------------------------------------------------------ handshake */

/*
 * A UDP socket with its kernel handshake started: the server's bound
 * (SO_REUSEPORT), the client's connected.  -1 on error (reported).
 */
static int hs_socket(const struct sockaddr_storage *ss, socklen_t len)
{
	struct dtls_hs_config cfg = o.cfg;
	char msg[256] = "";
	const char *what;
	uint64_t ino = 0;
	int fd, one = 1, err;

	cfg.role = o.server ? DTLS_HS_ROLE_SERVER : DTLS_HS_ROLE_CLIENT;
	fd = socket(ss->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		say("socket: %s", strerror(errno));
		return -1;
	}
	if (o.server) {
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) ||
		    bind(fd, (const struct sockaddr *)ss, len)) {
			say("bind %s: %s", o.addr, strerror(errno));
			goto out;
		}
	} else if (connect(fd, (const struct sockaddr *)ss, len)) {
		say("connect %s: %s", o.addr, strerror(errno));
		goto out;
	}
	what = "attach";
	/* Opened at the first socket: socket errors come first. */
	err = nl ? 0 : dtls_open(&nl);
	if (!err)
		err = dtls_sock_attach(nl, fd, &ino, msg, sizeof(msg));
	if (!err && o.external) {
		say("socket ino %llu attached: waiting for its handshake to be configured and started (dtls handshake config, cert set, peer pin, handshake start --ino %llu)",
		    (unsigned long long)ino, (unsigned long long)ino);
		/*
		 * Until then it is plain UDP, writable: wait for the start
		 * before poll() may take POLLOUT for the handshake's end.
		 */
		for (long long end = now_ms() + o.timeout_ms; now_ms() < end;) {
			struct dtls_hs_info h;

			if (dtls_hs_get(nl, fd, 0, &h, NULL, 0))
				break;
			if (h.state >= DTLS_HS_STATE_RUNNING)
				return fd;
			usleep(100000);
		}
		say("ino %llu: no handshake started", (unsigned long long)ino);
		goto out;
	}
	if (!err) {
		what = "handshake config";
		err = dtls_hs_config(nl, fd, 0, &cfg, msg, sizeof(msg));
	}
	if (!err && o.have_key) {
		/* The kernel keeps the key; nothing reads it back. */
		what = "cert set";
		err = dtls_cert_set(nl, fd, 0, o.der, o.der_len, o.n_der,
				    o.priv, 0, msg, sizeof(msg));
	}
	if (!err && o.n_pins) {
		what = "peer auth";
		err = dtls_peer_auth(nl, fd, 0,
				     (const uint8_t (*)[32])o.pins, o.n_pins,
				     o.require_peer, msg, sizeof(msg));
	}
	if (!err) {
		what = "handshake start";
		err = dtls_hs_start(nl, fd, 0, msg, sizeof(msg));
	}
	if (!err)
		return fd;
	if (err == -ENOENT && !*msg)
		snprintf(msg, sizeof(msg), "is the dtls module loaded?");
	say("%s: %s%s%s%s", what, strerror(-err), *msg ? " (" : "", msg,
	    *msg ? ")" : "");
out:
	close(fd);
	return -1;
}

/*
 * The handshake of @fd is over (writable, or an error): report it.
 * Return: true if established.
 */
static bool hs_result(int fd)
{
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	struct dtls_hs_info h;
	char pa[80] = "?", fp[96] = "", subj[256] = "";
	int soerr = 0, err;
	socklen_t elen = sizeof(soerr);

	getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &elen);
	err = dtls_hs_get(nl, fd, 0, &h, NULL, 0);
	if (err) {
		say("handshake state: %s", strerror(-err));
		return false;
	}
	if (!getpeername(fd, (struct sockaddr *)&peer, &plen))
		addr_str(&peer, pa, sizeof(pa));
	if (h.state != DTLS_HS_STATE_ESTABLISHED) {
		say("handshake with %s failed: %s%s%s%s", pa,
		    strerror(h.error ? (int)h.error : soerr ? soerr : EPROTO),
		    h.alert ? ", alert " : "",
		    h.alert ? dtls_alert_name(h.alert) : "",
		    h.alert ? (h.alert_remote ? " (received)" : " (sent)") : "");
		return false;
	}
	if (h.has_peer_cert) {
		const unsigned char *p = h.peer_subject;
		X509_NAME *name = d2i_X509_NAME(NULL, &p,
						 (long)h.peer_subject_len);

		fingerprint(h.peer_cert_sha256, fp);
		if (name)
			X509_NAME_oneline(name, subj, sizeof(subj));
		X509_NAME_free(name);
		ERR_clear_error();
	}
	if (h.has_peer_cert)
		say("handshake done with %s: suite %s, peer certificate sha256 %s subject %s",
		    pa, dtls_suite_name(h.suite), fp, *subj ? subj : "?");
	else
		say("handshake done with %s: suite %s, no peer certificate",
		    pa, dtls_suite_name(h.suite));
	return true;
}

/* One record, with its content type: its length, or -1 (errno). */
static ssize_t recv_record(int fd, void *buf, size_t len, uint8_t *type)
{
	char cbuf[CMSG_SPACE(sizeof(uint8_t))];
	struct iovec iov = { buf, len };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	ssize_t n;

	n = recvmsg(fd, &mh, MSG_DONTWAIT);
	if (n < 0)
		return n;
	*type = DTLS_RECORD_TYPE_DATA;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_DTLS &&
		    cm->cmsg_type == DTLS_GET_RECORD_TYPE)
			*type = *CMSG_DATA(cm);
	return n;
}

/* A warning-level close_notify alert, sealed by the kernel. */
static void send_close_notify(int fd)
{
	static const uint8_t alert[2] = { 1, 0 };
	char cbuf[CMSG_SPACE(sizeof(uint8_t))] = { 0 };
	struct iovec iov = { (void *)alert, sizeof(alert) };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cm->cmsg_level = SOL_DTLS;
	cm->cmsg_type = DTLS_SET_RECORD_TYPE;
	cm->cmsg_len = CMSG_LEN(sizeof(uint8_t));
	*CMSG_DATA(cm) = DTLS_RECORD_TYPE_ALERT;
	if (sendmsg(fd, &mh, 0) < 0)
		say("close_notify: %s", strerror(errno));
}

/* Wait until @fd's handshake is over; true if established. */
static bool hs_wait(int fd)
{
	long long deadline = now_ms() + o.timeout_ms;
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	for (;;) {
		long long left = deadline - now_ms();
		int n;

		if (left <= 0) {
			say("handshake: no result after %d s", o.timeout_ms / 1000);
			return false;
		}
		n = poll(&p, 1, (int)left);
		if (n < 0 && errno != EINTR) {
			say("poll: %s", strerror(errno));
			return false;
		}
		if (n > 0)
			return hs_result(fd);
	}
}

/* --------------------------------------------------------------- server */

/* Print a record as one line of text. */
static void print_echo(const uint8_t *buf, size_t n)
{
	fputs("echo: ", stdout);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	for (size_t i = 0; i < n; i++)
		putchar(buf[i] >= 0x20 && buf[i] < 0x7f ? buf[i] : '.');
	putchar('\n');
	fflush(stdout);
}

/* A record on an established session: false when the session is over. */
static bool serve_record(int fd)
{
	static uint8_t buf[MAX_RECORD];
	uint8_t type;
	ssize_t n;

	n = recv_record(fd, buf, sizeof(buf), &type);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return true;
		say("recv: %s", strerror(errno));
		return false;
	}
	if (type == DTLS_RECORD_TYPE_ALERT) {
		if (n == 2 && (buf[0] == 2 || buf[1] == 0)) {
			say("peer sent alert %s: session over",
			    dtls_alert_name(buf[1]));
			return false;
		}
		return true;
	}
	if (type != DTLS_RECORD_TYPE_DATA)
		return true;
	print_echo(buf, n);
	if (send(fd, buf, n, 0) != n) {
		say("send: %s", strerror(errno));
		return false;
	}
	return true;
}

static int run_server(const struct sockaddr_storage *ss, socklen_t len)
{
	struct pollfd p[MAX_SESSIONS + 1];
	long started = 0, sessions = 0;
	long long idle_until = now_ms() + o.timeout_ms;
	int listener = -1, rc = 0;

	for (;;) {
		long long left;
		short lrev;
		int n;

		/* Always one socket waiting for a client, while any are due. */
		if (listener < 0 && started < o.clients &&
		    sessions < MAX_SESSIONS) {
			listener = hs_socket(ss, len);
			if (listener < 0)
				return 1;
			started++;
			if (started == 1)
				say("listening on %s", o.addr);
		}
		if (listener < 0 && !sessions)
			break;
		for (long i = 0; i < sessions; i++)
			p[i].events = POLLIN;
		p[sessions].fd = listener;
		p[sessions].events = POLLOUT;
		p[sessions].revents = 0;

		left = idle_until - now_ms();
		if (left <= 0) {
			/* A failure only if a client was due and never came. */
			say("idle for %d s: exiting", o.timeout_ms / 1000);
			if (listener >= 0)
				rc = 1;
			break;
		}
		n = poll(p, sessions + 1, (int)left);
		if (n < 0 && errno != EINTR) {
			say("poll: %s", strerror(errno));
			rc = 1;
			break;
		}
		if (n <= 0)
			continue;
		idle_until = now_ms() + o.timeout_ms;
		lrev = p[sessions].revents;

		for (long i = 0; i < sessions; i++) {
			if (!p[i].revents)
				continue;
			if (!(p[i].revents & POLLERR) && serve_record(p[i].fd))
				continue;
			if (p[i].revents & POLLERR) {
				int e = 0;
				socklen_t el = sizeof(e);

				getsockopt(p[i].fd, SOL_SOCKET, SO_ERROR, &e, &el);
				say("session: %s", strerror(e ?: EIO));
			}
			close(p[i].fd);
			p[i--] = p[--sessions];
		}
		if (listener >= 0 && lrev) {
			if (hs_result(listener)) {
				p[sessions].fd = listener;
				sessions++;
			} else {
				close(listener);
				rc = 1;
			}
			listener = -1;
		}
	}
	for (long i = 0; i < sessions; i++)
		close(p[i].fd);
	if (listener >= 0)
		close(listener);
	return rc;
}

/* --------------------------------------------------------------- client */

static int run_client(const struct sockaddr_storage *ss, socklen_t len)
{
	static uint8_t line[MAX_RECORD], buf[MAX_RECORD];
	struct pollfd p[2];
	long sent = 0, got = 0;
	size_t have = 0;
	bool eof = false;
	long long idle_until;
	int fd, rc = 0;

	fd = hs_socket(ss, len);
	if (fd < 0)
		return 1;
	if (!hs_wait(fd)) {
		close(fd);
		return 1;
	}

	idle_until = now_ms() + o.timeout_ms;
	for (;;) {
		long long left;
		int n;

		if (eof && (!o.echo || got >= sent))
			break;
		left = idle_until - now_ms();
		if (left <= 0) {
			say("no reply for %d s: %ld of %ld records came back",
			    o.timeout_ms / 1000, got, sent);
			rc = 1;
			break;
		}
		p[0].fd = fd;
		p[0].events = POLLIN;
		p[1].fd = eof ? -1 : STDIN_FILENO;
		p[1].events = POLLIN;
		n = poll(p, 2, (int)left);
		if (n < 0 && errno != EINTR) {
			say("poll: %s", strerror(errno));
			rc = 1;
			break;
		}
		if (n <= 0)
			continue;

		if (p[0].revents) {
			uint8_t type;
			ssize_t r = recv_record(fd, buf, sizeof(buf), &type);

			if (r < 0 && errno != EAGAIN && errno != EINTR) {
				say("recv: %s", strerror(errno));
				rc = 1;
				break;
			}
			if (r >= 0 && type == DTLS_RECORD_TYPE_ALERT) {
				say("peer sent alert %s",
				    r == 2 ? dtls_alert_name(buf[1]) : "?");
				break;
			}
			if (r >= 0 && type == DTLS_RECORD_TYPE_DATA) {
				fwrite(buf, 1, r, stdout);
				fflush(stdout);
				got++;
				idle_until = now_ms() + o.timeout_ms;
			}
		}
		if (p[1].revents) {
			ssize_t r = read(STDIN_FILENO, line + have,
					 sizeof(line) - have);
			uint8_t *nl;

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				eof = true;
				r = 0;
			}
			have += r;
			idle_until = now_ms() + o.timeout_ms;
			/* Each line one record; at EOF or full, what is left. */
			while (have) {
				size_t l;

				nl = memchr(line, '\n', have);
				if (nl)
					l = nl - line + 1;
				else if (eof || have == sizeof(line))
					l = have;
				else
					break;
				if (send(fd, line, l, 0) != (ssize_t)l) {
					say("send: %s", strerror(errno));
					rc = 1;
					goto out;
				}
				sent++;
				memmove(line, line + l, have - l);
				have -= l;
			}
		}
	}
out:
	send_close_notify(fd);
	close(fd);
	return rc;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int rc;

	parse_args(argc, argv);
	if (resolve(o.addr, &ss, &len))
		usage("ADDR:PORT: cannot use that address");
	setvbuf(stdout, NULL, _IOLBF, 0);
	rc = o.server ? run_server(&ss, len) : run_client(&ss, len);
	OPENSSL_cleanse(o.priv, sizeof(o.priv));
	dtls_close(nl);
	return rc;
}
