/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the benchmarks of tools/bench/ share (bench.c): dying cleanly, the
 * measured spans of the icount plugin (shared/tools/icount/mark.h) and the
 * lines they print, a few socket helpers, the PSK of the OpenSSL pairs,
 * readings of the kernel's slab memory.  User space, one thread.
 *
 * A span is bracketed by mark_begin()/mark_end(); the plugin then prints
 * one line "icount: kernel=K user=U total=T" on QEMU's stderr.  For each
 * span this program prints, on stdout,
 *
 *   SPAN idx=I <fields> ns=T
 *
 * where <fields> are the caller's "key=value" words and ns the wall-clock
 * time of the span (TCG: indicative only); the I-th icount line belongs
 * to span I (spans are numbered from 0 in the order they run).  SPAN lines
 * are held back while spans run and printed by the next span_label() (or
 * spans_flush()): no serial output, and its interrupts, between the spans
 * of one batch.
 */
#ifndef KDTLS_BENCH_H
#define KDTLS_BENCH_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The program's name, for messages; set by the program. */
extern const char *bench_prog;

/*
 * The PSK both ends of a pair use (kdtls and OpenSSL alike), random,
 * drawn by bench_psk_init(); bench_ssl_psk() gives an SSL_CTX the PSK
 * callback of its role.
 */
extern unsigned char bench_psk[32];
extern const char bench_psk_identity[];
void bench_psk_init(void);
struct ssl_ctx_st;
void bench_ssl_psk(struct ssl_ctx_st *ctx, bool server);

void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...);
/* die() with OpenSSL's first queued error. */
void __attribute__((noreturn)) ssl_die(const char *what);

int64_t now_ns(void);
void random_bytes(void *p, size_t n);
void set_nonblock(int fd, bool on);

/* Map the marker page: 0, or -1 (it is not mapped, nothing is counted). */
int bench_marks_init(void);
/* Where the marker page goes, for the message when it cannot be mapped. */
void *bench_mark_page(void);

#define SPAN_FIELDS	160

struct span {
	char	fields[SPAN_FIELDS];
	int64_t	t0;
};

/*
 * Print "span I: <label>", let the serial line drain and the CPU idle a
 * moment (SETTLE_US), so that neither the serial interrupts nor deferred
 * work of what ran before lands in the spans that follow.
 */
void __attribute__((format(printf, 1, 2))) span_label(const char *fmt, ...);
/* Format the fields (outside the span), then mark_begin(). */
void __attribute__((format(printf, 2, 3)))
span_start(struct span *s, const char *fmt, ...);
/* mark_end(), then queue the SPAN line. */
void span_end(struct span *s);
void spans_flush(void);
/* The number of spans so far. */
int span_count(void);

/*
 * A UDP socket on 127.0.0.1, any port: its address in @addr.  Dies on
 * failure.
 */
int udp_bound(struct sockaddr_in *addr);
void udp_connect(int fd, const struct sockaddr_in *to);

/*
 * Kernel slab memory (hs-bench, listen-bench): a snapshot of
 * /proc/slabinfo, bytes in use per cache (objects in use times their
 * size); the random kmalloc caches (kmalloc-rnd-NN-SIZE) are summed as
 * kmalloc-SIZE.  The guest boots with slab_nomerge, so that every cache
 * has its own name.  slab_open() opens /proc/slabinfo and every cache's
 * shrink file once (reading allocates nothing then); slab_settle() shrinks
 * every cache (the free objects of CPU slabs count as in use otherwise)
 * and reads until two readings agree, deferred (RCU) frees having run.
 * Root only.
 */
#define SLAB_MAX_CACHES	512

struct slab_cache {
	char		name[48];
	long long	objs, size;
};

struct slabs {
	int			n;
	long long		total;
	struct slab_cache	c[SLAB_MAX_CACHES];
};

void slab_open(void);
void slab_read(struct slabs *s);
void slab_settle(struct slabs *s);
/* Bytes of @name in @s, its objects in *@objs; 0 if it has none. */
long long slab_cache_bytes(const struct slabs *s, const char *name,
			   long long *objs);

#endif /* KDTLS_BENCH_H */
