/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stateless HelloVerifyRequest cookies (RFC 6347 4.2.1): an HMAC-SHA256,
 * under a secret rotated every DTLS_COOKIE_ROTATE_SECS, of the client's
 * address and port and the ClientHello's version, random, session_id and
 * cipher_suites.  A cookie made under the current or the previous secret
 * is accepted, so a cookie lives between one and two rotation periods.
 *
 * Context: any (no allocation, no sleeping).
 */
#ifndef _NET_DTLS_COOKIE_H
#define _NET_DTLS_COOKIE_H

#include <linux/socket.h>
#include <linux/types.h>

#define DTLS_COOKIE_LEN		32
#define DTLS_COOKIE_ROTATE_SECS	120

struct dtls_ch;

void dtls_cookie_init(void);
/* Wipes the secrets. */
void dtls_cookie_exit(void);

/* @peer is a struct sockaddr_in or sockaddr_in6. */
void dtls_cookie_make(const struct sockaddr *peer, const struct dtls_ch *ch,
		      u8 out[DTLS_COOKIE_LEN]);
/* Constant-time; false for any length other than DTLS_COOKIE_LEN. */
bool dtls_cookie_check(const struct sockaddr *peer, const struct dtls_ch *ch);

#endif /* _NET_DTLS_COOKIE_H */
