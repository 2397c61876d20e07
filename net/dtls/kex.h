/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ephemeral ECDH for ECDHE-PSK (RFC 5489, RFC 8422) through the kernel's
 * kpp API: x25519 ("curve25519") and secp256r1 ("ecdh-nist-p256").
 * Public values use the TLS encodings: x25519 32 bytes, secp256r1 the
 * 65-byte uncompressed point (0x04 | X | Y).  The shared secret is 32
 * bytes (the X coordinate for secp256r1).
 *
 * Context: process (may sleep).
 */
#ifndef _NET_DTLS_KEX_H
#define _NET_DTLS_KEX_H

#include <linux/types.h>

/* IANA TLS Supported Groups */
#define DTLS_GROUP_SECP256R1	23
#define DTLS_GROUP_X25519	29

#define DTLS_KEX_PUBLIC_MAX	65
#define DTLS_KEX_SHARED_LEN	32

struct dtls_kex;

bool dtls_kex_group_supported(u16 group);

/* A fresh private key for @group; ERR_PTR on failure. */
struct dtls_kex *dtls_kex_new(u16 group);

/* Our public value in TLS encoding; returns its length. */
int dtls_kex_public(struct dtls_kex *kex, u8 *out, unsigned int cap);

/*
 * The shared secret with the peer's public value (TLS encoding).  Invalid
 * points, wrong lengths and an all-zero x25519 result give -EINVAL.
 * Returns DTLS_KEX_SHARED_LEN.
 */
int dtls_kex_shared(struct dtls_kex *kex, const u8 *peer, unsigned int len,
		    u8 out[DTLS_KEX_SHARED_LEN]);

/* Frees the transform and wipes the private key; NULL is fine. */
void dtls_kex_free(struct dtls_kex *kex);

#endif /* _NET_DTLS_KEX_H */
