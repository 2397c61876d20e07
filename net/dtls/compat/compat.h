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

#endif /* _NET_DTLS_COMPAT_H */
