/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim.h - the few kernel interfaces the pure pieces of net/dtls use,
 * over libc and OpenSSL, so that they build in user space for fuzzing.
 * Every linux/... and crypto/... header of this directory includes this
 * one; -I fuzz/shim comes first, so the pieces' #include <linux/...>
 * land here.  Only what the pieces use is here, nothing more.
 */
#ifndef _KDTLS_FUZZ_KSHIM_H
#define _KDTLS_FUZZ_KSHIM_H

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* The system's linux/types.h: __u8, __be16, ... (include_next in ours). */
#include <linux/types.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
typedef unsigned int gfp_t;

#define GFP_KERNEL	0u
#define GFP_ATOMIC	1u
/* Flags the module passes; the shim's allocator ignores them. */
#define __GFP_ACCOUNT		2u
#define __GFP_NORETRY		4u
#define __GFP_RETRY_MAYFAIL	8u
#define __GFP_NOWARN		16u
#define GFP_KERNEL_ACCOUNT	(GFP_KERNEL | __GFP_ACCOUNT)

#define __user
#ifndef __always_inline
#define __always_inline		inline __attribute__((always_inline))
#endif
#define noinline		__attribute__((noinline))
#define noinline_for_stack	noinline
#define __maybe_unused		__attribute__((unused))
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))
#ifndef static_assert
#define static_assert(e, ...)	_Static_assert(e, #e)
#endif

/* Kconfig: no CONFIG_* is set in user space (IS_ENABLED() as kconfig.h). */
#define __ARG_PLACEHOLDER_1		0,
#define __take_second_arg(__ignored, val, ...) val
#define ____is_defined(arg1_or_junk)	__take_second_arg(arg1_or_junk 1, 0)
#define ___is_defined(val)		____is_defined(__ARG_PLACEHOLDER_##val)
#define __is_defined(x)			___is_defined(x)
#define IS_ENABLED(option)		__is_defined(option)
/* compat.h's EXPORT_SYMBOL_IF_KUNIT() without KUnit */
#define __ADDRESSABLE(sym)						\
	static void *__addressable_##sym __attribute__((used)) = (void *)&sym;

#define container_of(ptr, type, member)				\
	((type *)((char *)(ptr) - offsetof(type, member)))

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define BIT(n)			(1UL << (n))
#define BITS_PER_LONG		(8 * (int)sizeof(long))
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define BITS_TO_LONGS(n)	DIV_ROUND_UP(n, BITS_PER_LONG)
#define REPEAT_BYTE(x)		((~0ul / 0xff) * (x))

#define min(a, b)		((a) < (b) ? (a) : (b))
#define max(a, b)		((a) > (b) ? (a) : (b))
#define min_t(t, a, b)		((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b)		((t)(a) > (t)(b) ? (t)(a) : (t)(b))

/* struct_size(): saturating, as the kernel's. */
#define struct_size(p, member, n)					\
	kshim_struct_size(sizeof(*(p)), sizeof((p)->member[0]), (n))
static inline size_t kshim_struct_size(size_t base, size_t each, size_t n)
{
	if (n && each > (SIZE_MAX - base) / n)
		return SIZE_MAX;
	return base + each * n;
}

/* WARN_ON_ONCE(): counted, never aborts; the harnesses look at the count. */
extern unsigned long kshim_warnings;
#define WARN_ON_ONCE(c) ({						\
	bool __c = !!(c);						\
	if (__c)							\
		kshim_warnings++;					\
	__c;								\
})
#define WARN_ON(c)		WARN_ON_ONCE(c)
#define BUILD_BUG_ON(c)		_Static_assert(!(c), #c)
#define BUG_ON(c)		do { if (c) abort(); } while (0)

/* errors as pointers */
#define MAX_ERRNO		4095
#define IS_ERR_VALUE(x)		((unsigned long)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long e) { return (void *)e; }
static inline long PTR_ERR(const void *p) { return (long)p; }
static inline bool IS_ERR(const void *p) { return IS_ERR_VALUE(p); }

/* memory */
static inline void *kmalloc(size_t n, gfp_t gfp) { (void)gfp; return malloc(n); }
static inline void *kzalloc(size_t n, gfp_t gfp) { (void)gfp; return calloc(1, n); }
static inline void kfree(const void *p) { free((void *)p); }
static inline void kfree_sensitive(const void *p) { free((void *)p); }
static inline void *krealloc(const void *p, size_t n, gfp_t gfp)
{
	(void)gfp;
	return realloc((void *)p, n);
}

static inline void *kmemdup(const void *s, size_t n, gfp_t gfp)
{
	void *p = kmalloc(n, gfp);

	if (p)
		memcpy(p, s, n);
	return p;
}

static inline void memzero_explicit(void *p, size_t n)
{
	memset(p, 0, n);
	__asm__ __volatile__("" : : "r"(p) : "memory");
}

/* unaligned big-endian accessors */
static inline u16 get_unaligned_be16(const void *p)
{
	const u8 *b = p;

	return (u16)(b[0] << 8 | b[1]);
}

static inline u32 get_unaligned_be24(const void *p)
{
	const u8 *b = p;

	return (u32)b[0] << 16 | (u32)b[1] << 8 | b[2];
}

static inline u32 get_unaligned_be32(const void *p)
{
	const u8 *b = p;

	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

static inline u64 get_unaligned_be48(const void *p)
{
	const u8 *b = p;

	return (u64)get_unaligned_be16(b) << 32 | get_unaligned_be32(b + 2);
}

static inline u64 get_unaligned_be64(const void *p)
{
	const u8 *b = p;

	return (u64)get_unaligned_be32(b) << 32 | get_unaligned_be32(b + 4);
}

static inline void put_unaligned_be16(u16 v, void *p)
{
	u8 *b = p;

	b[0] = v >> 8;
	b[1] = v;
}

static inline void put_unaligned_be24(u32 v, void *p)
{
	u8 *b = p;

	b[0] = v >> 16;
	b[1] = v >> 8;
	b[2] = v;
}

static inline void put_unaligned_be32(u32 v, void *p)
{
	u8 *b = p;

	b[0] = v >> 24;
	b[1] = v >> 16;
	b[2] = v >> 8;
	b[3] = v;
}

static inline void put_unaligned_be48(u64 v, void *p)
{
	u8 *b = p;

	put_unaligned_be16(v >> 32, b);
	put_unaligned_be32((u32)v, b + 2);
}

static inline void put_unaligned_be64(u64 v, void *p)
{
	u8 *b = p;

	put_unaligned_be32(v >> 32, b);
	put_unaligned_be32((u32)v, b + 4);
}

/* log2 */
static inline unsigned long roundup_pow_of_two(unsigned long n)
{
	return n <= 1 ? 1 : 1UL << (BITS_PER_LONG - __builtin_clzl(n - 1));
}

static inline bool is_power_of_2(unsigned long n)
{
	return n && !(n & (n - 1));
}

/* bit operations and bitmaps, plain C */
#define BIT_WORD(nr)		((nr) / BITS_PER_LONG)
#define BIT_MASK(nr)		(1UL << ((nr) % BITS_PER_LONG))

static inline bool test_bit(unsigned long nr, const unsigned long *a)
{
	return a[BIT_WORD(nr)] & BIT_MASK(nr);
}

static inline void __set_bit(unsigned long nr, unsigned long *a)
{
	a[BIT_WORD(nr)] |= BIT_MASK(nr);
}

static inline void __clear_bit(unsigned long nr, unsigned long *a)
{
	a[BIT_WORD(nr)] &= ~BIT_MASK(nr);
}

#define set_bit(nr, a)		__set_bit(nr, a)
#define clear_bit(nr, a)	__clear_bit(nr, a)

/*
 * find_next_bit(), find_next_zero_bit() and bitmap_set() a word at a
 * time, as the kernel's (lib/find_bit.c, lib/bitmap.c): bit by bit they
 * cost reasm_fuzz most of its time, which the kernel never pays.  They
 * read no word beyond BITS_TO_LONGS(size), as the kernel's.
 */
static inline unsigned long kshim_find_bit(const unsigned long *a,
					   unsigned long size,
					   unsigned long off,
					   unsigned long invert)
{
	unsigned long w;

	if (off >= size)
		return size;
	w = (a[BIT_WORD(off)] ^ invert) & (~0UL << (off % BITS_PER_LONG));
	while (!w) {
		off = (BIT_WORD(off) + 1) * BITS_PER_LONG;
		if (off >= size)
			return size;
		w = a[BIT_WORD(off)] ^ invert;
	}
	off = BIT_WORD(off) * BITS_PER_LONG + __builtin_ctzl(w);
	return off < size ? off : size;
}

static inline unsigned long find_next_bit(const unsigned long *a,
					  unsigned long size,
					  unsigned long off)
{
	return kshim_find_bit(a, size, off, 0);
}

static inline unsigned long find_next_zero_bit(const unsigned long *a,
					       unsigned long size,
					       unsigned long off)
{
	return kshim_find_bit(a, size, off, ~0UL);
}

static inline void bitmap_set(unsigned long *a, unsigned int start,
			      unsigned int n)
{
	unsigned long *p = a + BIT_WORD(start);
	unsigned long mask = ~0UL << (start % BITS_PER_LONG);
	unsigned int bits = BITS_PER_LONG - start % BITS_PER_LONG;
	unsigned int end = start + n;

	while (n >= bits) {
		*p++ |= mask;
		n -= bits;
		bits = BITS_PER_LONG;
		mask = ~0UL;
	}
	if (n)
		*p |= mask & (~0UL >> (-end & (BITS_PER_LONG - 1)));
}

static inline void bitmap_zero(unsigned long *a, unsigned int nbits)
{
	memset(a, 0, BITS_TO_LONGS(nbits) * sizeof(long));
}

static inline void bitmap_fill(unsigned long *a, unsigned int nbits)
{
	memset(a, 0xff, BITS_TO_LONGS(nbits) * sizeof(long));
}

static inline unsigned long *bitmap_zalloc(unsigned int nbits, gfp_t gfp)
{
	return kzalloc(BITS_TO_LONGS(nbits) * sizeof(long), gfp);
}

static inline void bitmap_free(const unsigned long *a)
{
	kfree(a);
}

/* locks: the harnesses are single-threaded */
typedef struct { int unused; } spinlock_t;
#define __SPIN_LOCK_UNLOCKED(l)		{ 0 }
#define DEFINE_SPINLOCK(l)		spinlock_t l = __SPIN_LOCK_UNLOCKED(l)
#define spin_lock_init(l)		do { (void)(l); } while (0)
#define spin_lock(l)			do { (void)(l); } while (0)
#define spin_unlock(l)			do { (void)(l); } while (0)
#define spin_lock_bh(l)			do { (void)(l); } while (0)
#define spin_unlock_bh(l)		do { (void)(l); } while (0)
#define spin_lock_irqsave(l, f)		do { (void)(l); (f) = 0; } while (0)
#define spin_unlock_irqrestore(l, f)	do { (void)(l); (void)(f); } while (0)
struct mutex { int unused; };
#define DEFINE_MUTEX(m)			struct mutex m = { 0 }
#define mutex_lock(m)			do { (void)(m); } while (0)
#define mutex_unlock(m)			do { (void)(m); } while (0)

/* time: jiffies the harness sets */
#define HZ				1000
extern u64 kshim_jiffies;
static inline u64 get_jiffies_64(void) { return kshim_jiffies; }
#define time_after64(a, b)		((s64)((b) - (a)) < 0)
#define time_before64(a, b)		time_after64(b, a)

/* randomness: deterministic, from a counter the harness may reset */
void get_random_bytes(void *buf, size_t n);
static inline u64 get_random_u64(void)
{
	u64 v;

	get_random_bytes(&v, sizeof(v));
	return v;
}

/* crypto/algapi.h */
static inline int crypto_memneq(const void *a, const void *b, size_t n)
{
	const volatile u8 *x = a, *y = b;
	u8 d = 0;

	while (n--)
		d |= *x++ ^ *y++;
	return d != 0;
}

#endif /* _KDTLS_FUZZ_KSHIM_H */
