/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels kdtls builds for, decided by compile
 * probes (the .c files next to this one, run by the Makefile) rather than by kernel
 * version: distributions backport.
 */
#ifndef _NET_DTLS_COMPAT_H
#define _NET_DTLS_COMPAT_H

#include <linux/crypto.h>
#include <linux/uaccess.h>

/* 6.12 moved the unaligned accessors to linux/. */
#ifdef KDTLS_HAVE_LINUX_UNALIGNED
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * Crypto completion callbacks: since 6.3 they get the request's data;
 * before, the crypto_async_request, whose ->data it is.
 */
#ifdef KDTLS_HAVE_CRYPTO_CB_VOID
#define DTLS_CRYPTO_CB_ARG		void *
#define dtls_crypto_cb_data(arg)	(arg)
#else
#define DTLS_CRYPTO_CB_ARG		struct crypto_async_request *
#define dtls_crypto_cb_data(arg)	((arg)->data)
#endif

/*
 * struct proto ioctls: since 6.5 the value goes through an int the caller
 * copies out; before, the handler wrote to the user's argument itself.
 */
#ifdef KDTLS_HAVE_PROTO_IOCTL_KARG
#define DTLS_IOCTL_ARG			int *
static inline int dtls_ioctl_put_int(int *arg, int val)
{
	*arg = val;
	return 0;
}
#else
#define DTLS_IOCTL_ARG			unsigned long
static inline int dtls_ioctl_put_int(unsigned long arg, int val)
{
	return put_user(val, (int __user *)arg);
}
#endif

/*
 * What tests/proto_kunit.c calls in dtls.ko is exported to KUnit modules
 * only, and only on kernels with KUnit (<kunit/visibility.h> decides;
 * a kernel without the header exports nothing).
 */
#ifdef KDTLS_HAVE_KUNIT_VISIBILITY
#include <kunit/visibility.h>
#else
#define EXPORT_SYMBOL_IF_KUNIT(symbol)	__ADDRESSABLE(symbol)
#endif

/*
 * Timers: del_timer*() are timer_delete*() since 6.2 (Debian's 6.1 has
 * them too), from_timer() is timer_container_of() since 6.16, and 7.x
 * has only the new names.
 */
#ifndef KDTLS_HAVE_TIMER_DELETE
#define timer_delete		del_timer
#define timer_delete_sync	del_timer_sync
#endif
#ifndef KDTLS_HAVE_TIMER_CONTAINER_OF
#define timer_container_of	from_timer
#endif

/* A per-CPU workqueue: 7.x wants it said, the default before. */
#ifndef KDTLS_HAVE_WQ_PERCPU
#define WQ_PERCPU		0
#endif

/*
 * A socket's drops: 7.x counts UDP's per NUMA node, which only its
 * helpers reach (SO_RXQ_OVFL reads them there); an atomic_t before.
 */
#ifdef KDTLS_HAVE_SK_DROPS_INC
#define dtls_sk_drops_add(sk, n)	sk_drops_add(sk, n)
#else
#define dtls_sk_drops_add(sk, n)	atomic_add(n, &(sk)->sk_drops)
#endif

/* The socket's owner: sk_uid() (6.16+) reads what sock_i_uid() locked for. */
#ifndef KDTLS_HAVE_SK_UID
#define sk_uid(sk)		sock_i_uid(sk)
#endif

/* The socket's memory cgroup: its accessor (6.11+), or the field. */
#ifndef KDTLS_HAVE_MEM_CGROUP_FROM_SK
#define mem_cgroup_from_sk(sk) \
	(IS_ENABLED(CONFIG_MEMCG) ? READ_ONCE((sk)->sk_memcg) : NULL)
#endif

/* Frags of device memory (net_iov) came with skb_frags_readable(). */
#ifndef KDTLS_HAVE_SKB_FRAGS_READABLE
#define skb_frags_readable(skb)	((void)(skb), true)
#endif

/* struct proto's connect takes a struct sockaddr_unsized in 7.x. */
#ifdef KDTLS_HAVE_SOCKADDR_UNSIZED
#define DTLS_PROTO_SOCKADDR	struct sockaddr_unsized
#else
#define DTLS_PROTO_SOCKADDR	struct sockaddr
#endif

/*
 * UDP-Lite is gone in 7.x: UDP's cb has no checksum coverage and its MIB
 * macros no is_udplite argument.
 */
#ifdef KDTLS_HAVE_UDP_CSCOV
#define dtls_udp_mib_inc(net, field)	__UDP_INC_STATS(net, field, 0)
#define dtls_udp6_mib_inc(net, field)	__UDP6_INC_STATS(net, field, 0)
#else
#define dtls_udp_mib_inc(net, field)	__UDP_INC_STATS(net, field)
#define dtls_udp6_mib_inc(net, field)	__UDP6_INC_STATS(net, field)
#endif

#endif /* _NET_DTLS_COMPAT_H */
