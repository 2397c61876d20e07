// SPDX-License-Identifier: GPL-2.0
/*
 * dtls-offload: a DTLS 1.2 handshake with OpenSSL in user space, then the
 * record layer in the kernel: after dtls_openssl_offload() the program
 * only uses send() and recv() on its UDP socket, and kdtls seals and opens
 * the records.
 *
 *   dtls-offload client HOST PORT [options]
 *   dtls-offload server PORT [options]
 *
 *   --psk HEX            pre-shared key (PSK mode; default if no --cert)
 *   --psk-identity ID    PSK identity (default "kdtls")
 *   --cert FILE --key FILE   server certificate and key (certificate mode)
 *   --ca FILE            client: verify the server against this CA
 *   --cipher LIST        OpenSSL cipher list (e.g. PSK-AES128-GCM-SHA256)
 *   --count N            records to send (client default 1, server 0)
 *   --payload N          bytes per record (default 64)
 *   --expect N           records to receive before exiting (client 0,
 *                        server: as many as --count of the client, 1)
 *   --echo               send every record received back (server)
 *   --bind ADDR          server: local address (default 0.0.0.0)
 *   --timeout S          give up after S seconds (default 10)
 *   --hold MS            keep the socket open MS milliseconds after the
 *                        exchange (to look at it with `dtls show -s`)
 *   --emulate            no kernel: seal and open the records in user
 *                        space with the same keys, exactly as the kernel
 *                        would (checks the key derivation anywhere)
 *
 * The client sends its records first, then waits for what it expects; the
 * server waits for its records (echoing them with --echo), then sends.
 * Every record received is printed as "recv type T len N: TEXT".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include <linux/dtls.h>

#include "dtls_openssl.h"
#include "libdtls.h"

#define PROG		"dtls-offload"
#define MAX_RECORD	16384
#define HDR_LEN		13
#define EXPLICIT_LEN	8

struct opts {
	bool		server;
	const char	*host, *port, *bind;
	unsigned char	psk[64];
	size_t		psk_len;
	const char	*identity;
	const char	*cert, *key, *ca;
	const char	*cipher;
	long		count, payload, expect;
	bool		echo, emulate;
	int		timeout_ms;
	long		hold_ms;
};

static struct opts o = {
	.identity = "kdtls",
	.payload = 64,
	.expect = -1,
	.count = -1,
	.timeout_ms = 10000,
};

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void usage(void)
{
	fprintf(stderr,
		"Usage: " PROG " client HOST PORT [options]\n"
		"       " PROG " server PORT [options]\n"
		"Options: --psk HEX --psk-identity ID | --cert F --key F [--ca F]\n"
		"         --cipher LIST --count N --payload N --expect N --echo\n"
		"         --bind ADDR --timeout S --hold MS --emulate\n");
	exit(2);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long num(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 0)
		die("not a number: %s", s);
	return v;
}

static void parse_hex(const char *s)
{
	size_t n = strlen(s);

	if (n % 2 || n / 2 > sizeof(o.psk) || !n)
		die("--psk: 1 to %zu bytes of hex", sizeof(o.psk));
	for (size_t i = 0; i < n / 2; i++) {
		unsigned int b;

		if (sscanf(s + 2 * i, "%2x", &b) != 1)
			die("--psk: not hex: %s", s);
		o.psk[i] = (unsigned char)b;
	}
	o.psk_len = n / 2;
}

static void parse_args(int argc, char **argv)
{
	int i;

	if (argc < 3)
		usage();
	if (!strcmp(argv[1], "client")) {
		if (argc < 4)
			usage();
		o.host = argv[2];
		o.port = argv[3];
		i = 4;
	} else if (!strcmp(argv[1], "server")) {
		o.server = true;
		o.port = argv[2];
		i = 3;
	} else {
		usage();
	}
	for (; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = true;

		if (!strcmp(a, "--echo")) {
			o.echo = true;
			takes = false;
		} else if (!strcmp(a, "--emulate")) {
			o.emulate = true;
			takes = false;
		} else if (!v) {
			usage();
		} else if (!strcmp(a, "--psk")) {
			parse_hex(v);
		} else if (!strcmp(a, "--psk-identity")) {
			o.identity = v;
		} else if (!strcmp(a, "--cert")) {
			o.cert = v;
		} else if (!strcmp(a, "--key")) {
			o.key = v;
		} else if (!strcmp(a, "--ca")) {
			o.ca = v;
		} else if (!strcmp(a, "--cipher")) {
			o.cipher = v;
		} else if (!strcmp(a, "--count")) {
			o.count = num(v);
		} else if (!strcmp(a, "--payload")) {
			o.payload = num(v);
		} else if (!strcmp(a, "--expect")) {
			o.expect = num(v);
		} else if (!strcmp(a, "--bind")) {
			o.bind = v;
		} else if (!strcmp(a, "--timeout")) {
			o.timeout_ms = (int)num(v) * 1000;
		} else if (!strcmp(a, "--hold")) {
			o.hold_ms = num(v);
		} else {
			usage();
		}
		if (takes)
			i++;
	}
	if (o.count < 0)
		o.count = o.server ? 0 : 1;
	if (o.expect < 0)
		o.expect = o.server ? 1 : 0;
	if (o.payload > MAX_RECORD)
		die("--payload: at most %d", MAX_RECORD);
	if (!o.psk_len && !o.cert && !o.ca && !o.server)
		die("give --psk, or certificates");
	if (o.server && !o.psk_len && (!o.cert || !o.key))
		die("server: give --psk, or --cert and --key");
}

/* PSK callbacks (TLS 1.2 style: identity and key, no hint handling). */

static unsigned int psk_client_cb(SSL *ssl, const char *hint, char *identity,
				  unsigned int max_identity_len,
				  unsigned char *psk, unsigned int max_psk_len)
{
	(void)ssl;
	(void)hint;
	if (strlen(o.identity) + 1 > max_identity_len ||
	    o.psk_len > max_psk_len)
		return 0;
	strcpy(identity, o.identity);
	memcpy(psk, o.psk, o.psk_len);
	return (unsigned int)o.psk_len;
}

static unsigned int psk_server_cb(SSL *ssl, const char *identity,
				  unsigned char *psk, unsigned int max_psk_len)
{
	(void)ssl;
	if (!identity || strcmp(identity, o.identity) ||
	    o.psk_len > max_psk_len)
		return 0;
	memcpy(psk, o.psk, o.psk_len);
	return (unsigned int)o.psk_len;
}

static void ssl_die(const char *what)
{
	unsigned long e = ERR_get_error();

	die("%s: %s", what, e ? ERR_error_string(e, NULL) : "failed");
}

static SSL_CTX *make_ctx(void)
{
	SSL_CTX *ctx = SSL_CTX_new(o.server ? DTLS_server_method() :
					      DTLS_client_method());

	if (!ctx)
		ssl_die("SSL_CTX_new");
	/* kdtls does DTLS 1.2 only. */
	if (!SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) ||
	    !SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION))
		ssl_die("DTLS 1.2");
	if (o.cipher && !SSL_CTX_set_cipher_list(ctx, o.cipher))
		ssl_die("--cipher");
	if (o.psk_len) {
		if (o.server)
			SSL_CTX_set_psk_server_callback(ctx, psk_server_cb);
		else
			SSL_CTX_set_psk_client_callback(ctx, psk_client_cb);
		if (!o.cipher && !SSL_CTX_set_cipher_list(ctx, "PSK"))
			ssl_die("PSK ciphers");
	}
	if (o.cert) {
		if (SSL_CTX_use_certificate_chain_file(ctx, o.cert) != 1)
			ssl_die("--cert");
		if (SSL_CTX_use_PrivateKey_file(ctx, o.key ? o.key : o.cert,
						SSL_FILETYPE_PEM) != 1)
			ssl_die("--key");
	}
	if (o.ca) {
		if (SSL_CTX_load_verify_locations(ctx, o.ca, NULL) != 1)
			ssl_die("--ca");
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	}
	return ctx;
}

/* Wait for @fd readable until @deadline: 1, 0 on time-out. */
static int wait_readable(int fd, int64_t deadline)
{
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t left = deadline - now_ms();
		int r;

		if (left <= 0)
			return 0;
		r = poll(&pfd, 1, (int)left);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
	}
}

static int client_socket(void)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM };
	struct addrinfo *ai;
	int fd, r;

	r = getaddrinfo(o.host, o.port, &hints, &ai);
	if (r)
		die("%s:%s: %s", o.host, o.port, gai_strerror(r));
	fd = socket(ai->ai_family, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen))
		die("connect %s:%s: %s", o.host, o.port, strerror(errno));
	freeaddrinfo(ai);
	return fd;
}

/*
 * Bind, wait for the first datagram (the ClientHello) and connect to its
 * sender: the handshake then runs on a connected socket, as kdtls needs.
 */
static int server_socket(int64_t deadline)
{
	struct addrinfo hints = {
		.ai_socktype = SOCK_DGRAM,
		.ai_flags = AI_PASSIVE | AI_NUMERICHOST,
	};
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	struct addrinfo *ai;
	char c;
	int fd, r, one = 1;

	r = getaddrinfo(o.bind ? o.bind : "0.0.0.0", o.port, &hints, &ai);
	if (r)
		die("bind address: %s", gai_strerror(r));
	fd = socket(ai->ai_family, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen))
		die("bind port %s: %s", o.port, strerror(errno));
	freeaddrinfo(ai);
	printf("listening on port %s\n", o.port);
	fflush(stdout);

	if (!wait_readable(fd, deadline))
		die("no client within the time-out");
	if (recvfrom(fd, &c, 1, MSG_PEEK, (struct sockaddr *)&peer, &plen) < 0)
		die("recvfrom: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&peer, plen))
		die("connect to client: %s", strerror(errno));
	return fd;
}

/*
 * User-space record layer, for --emulate: what the kernel does, in the
 * fewest lines.  Nonce and additional data as in Documentation/dtls.rst.
 */
struct emu {
	struct dtls_openssl_keys	k;
	uint64_t			tx_seq;
};

static const EVP_CIPHER *emu_cipher(const struct dtls_openssl_keys *k)
{
	switch (k->cipher) {
	case DTLS_CIPHER_AES_GCM_128:
		return EVP_aes_128_gcm();
	case DTLS_CIPHER_AES_GCM_256:
		return EVP_aes_256_gcm();
	case DTLS_CIPHER_AES_CCM_128:
	case DTLS_CIPHER_AES_CCM_8_128:
		return EVP_aes_128_ccm();
	case DTLS_CIPHER_CHACHA20_POLY1305:
		return EVP_chacha20_poly1305();
	}
	return NULL;
}

static void put_be(uint8_t *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* 12-byte nonce and 13-byte additional data of record epoch|seq. */
static void emu_nonce_aad(const struct dtls_openssl_keys *k, bool tx,
			  const uint8_t es[8], uint8_t type, size_t len,
			  uint8_t nonce[12], uint8_t aad[13])
{
	const uint8_t *iv = tx ? k->tx_iv : k->rx_iv;

	if (k->cipher == DTLS_CIPHER_CHACHA20_POLY1305) {
		memcpy(nonce, iv, 12);
		for (int i = 0; i < 8; i++)
			nonce[4 + i] ^= es[i];
	} else {
		memcpy(nonce, iv, 4);
		memcpy(nonce + 4, es, 8);
	}
	memcpy(aad, es, 8);
	aad[8] = type;
	put_be(aad + 9, DTLS_1_2_VERSION, 2);
	put_be(aad + 11, len, 2);
}

/* AEAD in one call: encrypt (tag out) or decrypt (tag in), 0 or -1. */
static int emu_aead(const struct dtls_openssl_keys *k, bool enc,
		    const uint8_t *key, const uint8_t nonce[12],
		    const uint8_t aad[13], const uint8_t *in, size_t len,
		    uint8_t *out, uint8_t *tag)
{
	bool ccm = k->cipher == DTLS_CIPHER_AES_CCM_128 ||
		   k->cipher == DTLS_CIPHER_AES_CCM_8_128;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n, ok;

	ok = c && EVP_CipherInit_ex(c, emu_cipher(k), NULL, NULL, NULL, enc) &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL);
	if (ok && (ccm || !enc))
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG,
					 (int)k->tag_len, enc ? NULL : tag);
	ok = ok && EVP_CipherInit_ex(c, NULL, NULL, key, nonce, enc);
	if (ok && ccm)
		ok = EVP_CipherUpdate(c, NULL, &n, NULL, (int)len);
	ok = ok && EVP_CipherUpdate(c, NULL, &n, aad, 13) &&
	     EVP_CipherUpdate(c, out, &n, in, (int)len);
	if (ok && !ccm)
		ok = EVP_CipherFinal_ex(c, out + n, &n);
	if (ok && enc)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG,
					 (int)k->tag_len, tag);
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -1;
}

static size_t emu_explicit(const struct dtls_openssl_keys *k)
{
	return k->cipher == DTLS_CIPHER_CHACHA20_POLY1305 ? 0 : EXPLICIT_LEN;
}

static ssize_t emu_send(int fd, struct emu *e, const void *buf, size_t len)
{
	uint8_t rec[HDR_LEN + EXPLICIT_LEN + MAX_RECORD + 16];
	uint8_t es[8], nonce[12], aad[13];
	size_t x = emu_explicit(&e->k);
	uint8_t *ct = rec + HDR_LEN + x;

	put_be(es, (uint64_t)e->k.tx_epoch << 48 | e->tx_seq++, 8);
	rec[0] = DTLS_RECORD_TYPE_DATA;
	put_be(rec + 1, DTLS_1_2_VERSION, 2);
	memcpy(rec + 3, es, 8);
	put_be(rec + 11, x + len + e->k.tag_len, 2);
	memcpy(rec + HDR_LEN, es, x);
	emu_nonce_aad(&e->k, true, es, DTLS_RECORD_TYPE_DATA, len, nonce, aad);
	if (emu_aead(&e->k, true, e->k.tx_key, nonce, aad, buf, len, ct,
		     ct + len))
		die("seal failed");
	if (send(fd, rec, HDR_LEN + x + len + e->k.tag_len, 0) < 0)
		return -1;
	return (ssize_t)len;
}

/* One datagram, its first record opened into @buf: length, type in @type. */
static ssize_t emu_recv(int fd, struct emu *e, void *buf, size_t size,
			int *type)
{
	uint8_t rec[HDR_LEN + EXPLICIT_LEN + MAX_RECORD + 256];
	uint8_t nonce[12], aad[13];
	size_t x = emu_explicit(&e->k), len;
	ssize_t n = recv(fd, rec, sizeof(rec), 0);
	uint64_t es;

	if (n < 0)
		return -1;
	len = (size_t)rec[11] << 8 | rec[12];
	if (n < HDR_LEN || len + HDR_LEN > (size_t)n ||
	    len < x + e->k.tag_len || len - x - e->k.tag_len > size) {
		fprintf(stderr, PROG ": emulate: malformed record dropped\n");
		errno = EAGAIN;
		return -1;
	}
	es = 0;
	for (int i = 3; i < 11; i++)
		es = es << 8 | rec[i];
	if (es >> 48 != e->k.rx_epoch || (es & DTLS_SEQ_MAX) < e->k.rx_seq) {
		fprintf(stderr, PROG ": emulate: epoch/seq %llx dropped\n",
			(unsigned long long)es);
		errno = EAGAIN;
		return -1;
	}
	len -= x + e->k.tag_len;
	emu_nonce_aad(&e->k, false, rec + 3, rec[0], len, nonce, aad);
	if (x)	/* GCM/CCM: the explicit nonce is the sender's choice */
		memcpy(nonce + 4, rec + HDR_LEN, 8);
	if (emu_aead(&e->k, false, e->k.rx_key, nonce, aad,
		     rec + HDR_LEN + x, len, buf, rec + HDR_LEN + x + len)) {
		fprintf(stderr, PROG ": emulate: record failed authentication\n");
		errno = EBADMSG;
		return -1;
	}
	*type = rec[0];
	return (ssize_t)len;
}

/*
 * Kernel record layer: plain recvmsg() with the record type cmsg.  Every
 * message carries it once RX keys are installed (records the peer sent
 * before that are opened at install); *type is -1 if it is missing.
 */
static ssize_t kernel_recv(int fd, void *buf, size_t size, int *type)
{
	char cbuf[CMSG_SPACE(sizeof(uint8_t))];
	struct iovec iov = { .iov_base = buf, .iov_len = size };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	ssize_t n = recvmsg(fd, &mh, 0);

	*type = -1;
	if (n < 0)
		return n;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_DTLS &&
		    cm->cmsg_type == DTLS_GET_RECORD_TYPE)
			*type = *CMSG_DATA(cm);
	return n;
}

static struct emu *emu;

static ssize_t rec_send(int fd, const void *buf, size_t len)
{
	return emu ? emu_send(fd, emu, buf, len) : send(fd, buf, len, 0);
}

static ssize_t rec_recv(int fd, void *buf, size_t size, int *type)
{
	return emu ? emu_recv(fd, emu, buf, size, type) :
		     kernel_recv(fd, buf, size, type);
}

/* "<role> <i> " then a letter pattern, ending in '\n' (printable text). */
static size_t make_payload(char *buf, long i)
{
	size_t n = (size_t)o.payload;
	int h = snprintf(buf, MAX_RECORD + 1, "%s %ld ",
			 o.server ? "server" : "client", i);

	for (size_t j = (size_t)h; j < n; j++)
		buf[j] = (char)('a' + (j + (size_t)i) % 26);
	if (n)
		buf[n - 1] = '\n';
	return n;
}

static void send_records(int fd)
{
	static char buf[MAX_RECORD + 64];

	for (long i = 0; i < o.count; i++) {
		size_t n = make_payload(buf, i);

		if (rec_send(fd, buf, n) < 0)
			die("send: %s", strerror(errno));
	}
	printf("sent %ld records of %ld bytes\n", o.count, o.payload);
	fflush(stdout);
}

static void recv_records(int fd, int64_t deadline)
{
	static char buf[MAX_RECORD + 1];
	long got = 0;

	while (got < o.expect) {
		ssize_t n;
		int type;

		if (!wait_readable(fd, deadline))
			die("time-out: received %ld of %ld records", got,
			    o.expect);
		n = rec_recv(fd, buf, sizeof(buf) - 1, &type);
		if (n < 0) {
			if (errno == EAGAIN || errno == EBADMSG)
				continue;
			die("recv: %s", strerror(errno));
		}
		if (type < 0) {
			printf("recv %zd bytes without a record type\n", n);
			continue;
		}
		buf[n] = 0;
		for (ssize_t j = 0; j < n; j++)
			if ((buf[j] < 0x20 && buf[j] != '\n') || buf[j] > 0x7e)
				buf[j] = '.';
		printf("recv type %d len %zd: %.*s%s", type, n,
		       n > 80 ? 80 : (int)n, buf,
		       n && n <= 80 && buf[n - 1] == '\n' ? "" : "\n");
		fflush(stdout);
		if (type != DTLS_RECORD_TYPE_DATA)
			continue;
		got++;
		if (o.echo && rec_send(fd, buf, (size_t)n) < 0)
			die("echo: %s", strerror(errno));
	}
}

static void print_keys(int fd, const struct dtls_openssl_keys *k)
{
	union dtls_openssl_crypto_info tx, rx;
	size_t tl = sizeof(tx), rl = sizeof(rx);

	if (emu) {
		printf("emulating %s: tx epoch %u seq %llu, rx epoch %u seq %llu%s\n",
		       dtls_cipher_name(k->cipher), k->tx_epoch,
		       (unsigned long long)k->tx_seq, k->rx_epoch,
		       (unsigned long long)k->rx_seq,
		       k->seq_tracked ? "" : " (assumed)");
		return;
	}
	if (dtls_get_tx(fd, &tx, &tl) || dtls_get_rx(fd, &rx, &rl)) {
		printf("offloaded (DTLS_TX/DTLS_RX not readable)\n");
		return;
	}
	printf("offloaded %s: tx epoch %u seq %llu, rx epoch %u seq %llu\n",
	       dtls_cipher_name(tx.info.cipher_type), tx.info.epoch,
	       (unsigned long long)tx.info.seq, rx.info.epoch,
	       (unsigned long long)rx.info.seq);
}

int main(int argc, char **argv)
{
	struct sockaddr_storage peer;
	socklen_t plen;
	int64_t deadline;
	char err[256];
	SSL_CTX *ctx;
	BIO *bio;
	SSL *ssl;
	int fd, r;

	parse_args(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	deadline = now_ms() + o.timeout_ms;

	ctx = make_ctx();
	fd = o.server ? server_socket(deadline) : client_socket();

	ssl = SSL_new(ctx);
	if (!ssl)
		ssl_die("SSL_new");
	if (dtls_openssl_prepare(ssl))
		die("dtls_openssl_prepare: out of memory");
	bio = BIO_new_dgram(fd, BIO_NOCLOSE);
	if (!bio)
		ssl_die("BIO_new_dgram");
	/* The BIO writes to its peer address even on a connected socket. */
	plen = sizeof(peer);
	if (getpeername(fd, (struct sockaddr *)&peer, &plen))
		die("getpeername: %s", strerror(errno));
	BIO_ctrl(bio, BIO_CTRL_DGRAM_SET_CONNECTED, 0, &peer);
	SSL_set_bio(ssl, bio, bio);
	if (o.server)
		SSL_set_accept_state(ssl);
	else
		SSL_set_connect_state(ssl);

	r = dtls_openssl_handshake(ssl, fd, (int)(deadline - now_ms()), err,
				   sizeof(err));
	if (r)
		die("%s", err);
	printf("handshake done: %s, %s\n", SSL_get_version(ssl),
	       SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)));

	if (o.emulate) {
		emu = calloc(1, sizeof(*emu));
		if (!emu)
			die("out of memory");
		r = dtls_openssl_keys(ssl, &emu->k, err, sizeof(err));
		emu->tx_seq = emu->k.tx_seq;
	} else {
		r = dtls_openssl_offload(ssl, fd, err, sizeof(err));
	}
	if (r)
		die("offload: %s", err);
	print_keys(fd, emu ? &emu->k : NULL);

	if (o.server) {
		recv_records(fd, deadline);
		send_records(fd);
	} else {
		send_records(fd);
		recv_records(fd, deadline);
	}

	if (o.hold_ms)
		usleep(o.hold_ms * 1000);

	/* Quiet shutdown after the offload: OpenSSL sends nothing. */
	SSL_set_quiet_shutdown(ssl, 1);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	if (emu) {
		dtls_openssl_keys_wipe(&emu->k);
		free(emu);
	}
	close(fd);
	return 0;
}
