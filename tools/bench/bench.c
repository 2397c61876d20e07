// SPDX-License-Identifier: GPL-2.0
/*
 * What the benchmarks of tools/bench/ share: see bench.h.  User space,
 * one thread.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
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

/* ------------------------------------------------------------ slab */

static int slabinfo_fd = -1;	/* kept open: reading allocates nothing */
static int shrink_fd[SLAB_MAX_CACHES];
static int n_shrink;

void slab_open(void)
{
	DIR *d = opendir("/sys/kernel/slab");
	struct dirent *e;

	slabinfo_fd = open("/proc/slabinfo", O_RDONLY | O_CLOEXEC);
	if (slabinfo_fd < 0 || !d)
		die("/proc/slabinfo, /sys/kernel/slab: %s (root, SLUB?)",
		    strerror(errno));
	/* The shrink files too, so that shrinking opens nothing. */
	while ((e = readdir(d)) && n_shrink < SLAB_MAX_CACHES) {
		char path[300];
		int fd;

		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;	/* the links are aliases */
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
			 e->d_name);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd >= 0)
			shrink_fd[n_shrink++] = fd;
	}
	closedir(d);
	if (!n_shrink)
		die("no /sys/kernel/slab/*/shrink");
}

static void slab_add(struct slabs *s, const char *name, long long objs,
		     long long size)
{
	char norm[48];
	int i;

	/* kmalloc-rnd-05-512 -> kmalloc-512 */
	if (!strncmp(name, "kmalloc-rnd-", 12) && strlen(name) > 15)
		snprintf(norm, sizeof(norm), "kmalloc-%.38s", name + 15);
	else
		snprintf(norm, sizeof(norm), "%.47s", name);
	for (i = 0; i < s->n; i++)
		if (!strcmp(s->c[i].name, norm))
			break;
	if (i == s->n) {
		if (s->n == SLAB_MAX_CACHES)
			die("more than %d slab caches", SLAB_MAX_CACHES);
		snprintf(s->c[s->n].name, sizeof(s->c[0].name), "%s", norm);
		s->c[s->n].objs = 0;
		s->c[s->n].size = size;
		s->n++;
	}
	s->c[i].objs += objs;
	s->total += objs * size;
}

void slab_read(struct slabs *s)
{
	static char buf[1 << 18];
	size_t len = 0;
	ssize_t r;
	char *line, *save;

	if (lseek(slabinfo_fd, 0, SEEK_SET) < 0)
		die("lseek /proc/slabinfo: %s", strerror(errno));
	while ((r = read(slabinfo_fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += r;
	if (r < 0)
		die("read /proc/slabinfo: %s", strerror(errno));
	buf[len] = 0;
	s->n = 0;
	s->total = 0;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char name[64];
		long long active, num, size;

		if (line[0] == '#' || !strncmp(line, "slabinfo", 8))
			continue;
		if (sscanf(line, "%63s %lld %lld %lld", name, &active, &num,
			   &size) != 4)
			die("/proc/slabinfo: bad line '%s'", line);
		slab_add(s, name, active, size);
	}
}

/*
 * Flush the CPU slabs of every cache (their free objects count as in use
 * in /proc/slabinfo) and read.  Deferred frees (RCU: sockets, keys, the
 * handshake state) take a while: read until two readings agree.
 */
void slab_settle(struct slabs *s)
{
	long long prev = -1;

	for (int i = 0; i < 30; i++) {
		usleep(300000);
		for (int j = 0; j < n_shrink; j++)
			if (pwrite(shrink_fd[j], "1", 1, 0) != 1)
				die("shrink: %s", strerror(errno));
		slab_read(s);
		if (prev >= 0 && llabs(s->total - prev) <= 512)
			return;
		prev = s->total;
	}
	fprintf(stderr, "%s: slab memory not settled (last change %lld bytes)\n",
		bench_prog, s->total - prev);
}

long long slab_cache_bytes(const struct slabs *s, const char *name,
			   long long *objs)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->c[i].name, name)) {
			*objs = s->c[i].objs;
			return s->c[i].objs * s->c[i].size;
		}
	*objs = 0;
	return 0;
}
