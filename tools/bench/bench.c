// SPDX-License-Identifier: GPL-2.0
/*
 * What the benchmarks of tools/bench/ share: see bench.h.  User space,
 * one thread.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "bench.h"
#include "mark.h"	/* shared/tools/icount/mark.h, by include path */

#define SETTLE_US	100000

const char *bench_prog = "bench";

static int span_idx;
static bool in_span;

void die(const char *fmt, ...)
{
	va_list ap;

	/* Keep the plugin's lines paired with our spans even on failure. */
	if (in_span) {
		mark_end();
		in_span = false;
	}
	spans_flush();
	fprintf(stderr, "%s: ", bench_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void ssl_die(const char *what)
{
	unsigned long e = ERR_get_error();

	die("%s: %s", what, e ? ERR_error_string(e, NULL) : "failed");
}

int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void random_bytes(void *p, size_t n)
{
	if (getrandom(p, n, 0) != (ssize_t)n)
		die("getrandom: %s", strerror(errno));
}

void set_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK :
					     fl & ~O_NONBLOCK))
		die("fcntl: %s", strerror(errno));
}

int bench_marks_init(void)
{
	return mark_init();
}

void *bench_mark_page(void)
{
	return MARK_PAGE;
}

/* ------------------------------------------------------------ PSK */

unsigned char bench_psk[32];
const char bench_psk_identity[] = "bench";

void bench_psk_init(void)
{
	random_bytes(bench_psk, sizeof(bench_psk));
}

static unsigned int psk_client_cb(SSL *ssl, const char *hint, char *identity,
				  unsigned int max_identity_len,
				  unsigned char *key, unsigned int max_psk_len)
{
	(void)ssl;
	(void)hint;
	if (sizeof(bench_psk_identity) > max_identity_len ||
	    sizeof(bench_psk) > max_psk_len)
		return 0;
	memcpy(identity, bench_psk_identity, sizeof(bench_psk_identity));
	memcpy(key, bench_psk, sizeof(bench_psk));
	return sizeof(bench_psk);
}

static unsigned int psk_server_cb(SSL *ssl, const char *identity,
				  unsigned char *key, unsigned int max_psk_len)
{
	(void)ssl;
	if (!identity || strcmp(identity, bench_psk_identity) ||
	    sizeof(bench_psk) > max_psk_len)
		return 0;
	memcpy(key, bench_psk, sizeof(bench_psk));
	return sizeof(bench_psk);
}

void bench_ssl_psk(SSL_CTX *ctx, bool server)
{
	if (server)
		SSL_CTX_set_psk_server_callback(ctx, psk_server_cb);
	else
		SSL_CTX_set_psk_client_callback(ctx, psk_client_cb);
}

/* ------------------------------------------------------------ spans */

#define MAX_PENDING	1024
static char pending[MAX_PENDING][SPAN_FIELDS + 64];
static int npending;

void spans_flush(void)
{
	for (int i = 0; i < npending; i++)
		fputs(pending[i], stdout);
	npending = 0;
	fflush(stdout);
}

int span_count(void)
{
	return span_idx;
}

void span_label(const char *fmt, ...)
{
	va_list ap;

	spans_flush();
	printf("span %d: ", span_idx);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (isatty(STDOUT_FILENO))
		tcdrain(STDOUT_FILENO);
	usleep(SETTLE_US);
}

void span_start(struct span *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->fields, sizeof(s->fields), fmt, ap);
	va_end(ap);
	s->t0 = now_ns();
	in_span = true;
	mark_begin();
}

void span_end(struct span *s)
{
	int64_t ns;

	mark_end();
	in_span = false;
	ns = now_ns() - s->t0;
	if (npending == MAX_PENDING)
		spans_flush();
	snprintf(pending[npending++], sizeof(pending[0]),
		 "SPAN idx=%d %s ns=%lld\n", span_idx, s->fields,
		 (long long)ns);
	span_idx++;
}

/* ------------------------------------------------------------ sockets */

int udp_bound(struct sockaddr_in *addr)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t len = sizeof(*addr);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		die("socket: %s", strerror(errno));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)))
		die("bind: %s", strerror(errno));
	if (getsockname(fd, (struct sockaddr *)addr, &len))
		die("getsockname: %s", strerror(errno));
	return fd;
}

void udp_connect(int fd, const struct sockaddr_in *to)
{
	if (connect(fd, (const struct sockaddr *)to, sizeof(*to)))
		die("connect: %s", strerror(errno));
}
