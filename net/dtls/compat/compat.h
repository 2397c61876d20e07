/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels kdtls builds for, decided by compile
 * probes (the .c files next to this one, run by the Makefile) rather than by kernel
 * version: distributions backport.
 */
#ifndef _NET_DTLS_COMPAT_H
#define _NET_DTLS_COMPAT_H

#include <linux/crypto.h>

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

#endif /* _NET_DTLS_COMPAT_H */
