// SPDX-License-Identifier: GPL-2.0
/*
 * Stateless HelloVerifyRequest cookies (RFC 6347 4.2.1).
 *
 * cookie = HMAC-SHA256(secret, family | addr | port | version | random |
 * session_id | cipher_suites), every variable-length field behind its
 * length so that no two inputs encode alike.  HMAC is written out over the
 * sha256 library (RFC 2104) so that it needs no allocation and no crypto
 * transform.
 *
 * Two secrets: the current one, which makes cookies, and the previous
 * one.  They rotate lazily, when a cookie is made or checked, on a fixed
 * schedule of DTLS_COOKIE_ROTATE_SECS; after an idle spell of two periods
 * or more both are replaced.  A cookie made under a secret is accepted
 * while that secret is current or previous: between one and two periods.
 * The checker tries both secrets (the cookie carries no generation).
 *
 * Context: any; the secrets are under an irq-safe spinlock, held only to
 * rotate and to copy them out.
 */

#include <linux/bug.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/jiffies.h>
#include <linux/random.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <crypto/algapi.h>
#include <crypto/sha2.h>

#include "cookie.h"
#include "msg.h"

#define DTLS_COOKIE_SECRET_LEN	32
#define DTLS_COOKIE_PERIOD	((u64)DTLS_COOKIE_ROTATE_SECS * HZ)

static_assert(DTLS_COOKIE_LEN == SHA256_DIGEST_SIZE);
static_assert(DTLS_COOKIE_SECRET_LEN <= SHA256_BLOCK_SIZE);

static struct {
	spinlock_t	lock;		/* protects the rest */
	u64		rotate_at;	/* jiffies64 */
	u8		cur[DTLS_COOKIE_SECRET_LEN];
	u8		prev[DTLS_COOKIE_SECRET_LEN];
} dtls_cookie = {
	.lock = __SPIN_LOCK_UNLOCKED(dtls_cookie.lock),
};

/* The current secret becomes the previous one.  Lock held. */
static void dtls_cookie_rotate(void)
{
	memcpy(dtls_cookie.prev, dtls_cookie.cur, DTLS_COOKIE_SECRET_LEN);
	get_random_bytes(dtls_cookie.cur, DTLS_COOKIE_SECRET_LEN);
}

/* Lock held. */
static void dtls_cookie_maybe_rotate(u64 now)
{
	if (time_before64(now, dtls_cookie.rotate_at))
		return;
	if (time_before64(now, dtls_cookie.rotate_at + DTLS_COOKIE_PERIOD)) {
		dtls_cookie_rotate();
		dtls_cookie.rotate_at += DTLS_COOKIE_PERIOD;
	} else {
		/* Idle for two periods: the previous secret expired too. */
		dtls_cookie_rotate();
		dtls_cookie_rotate();
		dtls_cookie.rotate_at = now + DTLS_COOKIE_PERIOD;
	}
}

/* Copy out the current secret and, if @prev, the previous one. */
static void dtls_cookie_secrets(u8 *cur, u8 *prev)
{
	unsigned long flags;

	spin_lock_irqsave(&dtls_cookie.lock, flags);
	dtls_cookie_maybe_rotate(get_jiffies_64());
	memcpy(cur, dtls_cookie.cur, DTLS_COOKIE_SECRET_LEN);
	if (prev)
		memcpy(prev, dtls_cookie.prev, DTLS_COOKIE_SECRET_LEN);
	spin_unlock_irqrestore(&dtls_cookie.lock, flags);
}

void dtls_cookie_init(void)
{
	unsigned long flags;

	spin_lock_irqsave(&dtls_cookie.lock, flags);
	get_random_bytes(dtls_cookie.prev, DTLS_COOKIE_SECRET_LEN);
	get_random_bytes(dtls_cookie.cur, DTLS_COOKIE_SECRET_LEN);
	dtls_cookie.rotate_at = get_jiffies_64() + DTLS_COOKIE_PERIOD;
	spin_unlock_irqrestore(&dtls_cookie.lock, flags);
}

void dtls_cookie_exit(void)
{
	unsigned long flags;

	spin_lock_irqsave(&dtls_cookie.lock, flags);
	memzero_explicit(dtls_cookie.cur, DTLS_COOKIE_SECRET_LEN);
	memzero_explicit(dtls_cookie.prev, DTLS_COOKIE_SECRET_LEN);
	spin_unlock_irqrestore(&dtls_cookie.lock, flags);
}

/* HMAC-SHA256 (RFC 2104) with a key of DTLS_COOKIE_SECRET_LEN bytes. */
static void dtls_hmac_pad(u8 pad[SHA256_BLOCK_SIZE], const u8 *key, u8 x)
{
	int i;

	for (i = 0; i < DTLS_COOKIE_SECRET_LEN; i++)
		pad[i] = key[i] ^ x;
	memset(pad + DTLS_COOKIE_SECRET_LEN, x,
	       SHA256_BLOCK_SIZE - DTLS_COOKIE_SECRET_LEN);
}

static void dtls_hmac_init(struct sha256_state *s, const u8 *key)
{
	u8 pad[SHA256_BLOCK_SIZE];

	dtls_hmac_pad(pad, key, 0x36);
	sha256_init(s);
	sha256_update(s, pad, sizeof(pad));
	memzero_explicit(pad, sizeof(pad));
}

static void dtls_hmac_final(struct sha256_state *s, const u8 *key,
			    u8 out[SHA256_DIGEST_SIZE])
{
	u8 pad[SHA256_BLOCK_SIZE];
	u8 inner[SHA256_DIGEST_SIZE];

	sha256_final(s, inner);
	dtls_hmac_pad(pad, key, 0x5c);
	sha256_init(s);
	sha256_update(s, pad, sizeof(pad));
	sha256_update(s, inner, sizeof(inner));
	sha256_final(s, out);
	memzero_explicit(pad, sizeof(pad));
	memzero_explicit(inner, sizeof(inner));
}

static void dtls_cookie_put(struct sha256_state *s, const void *p,
			    unsigned int len)
{
	if (len)
		sha256_update(s, p, len);
}

/* The peer and the ClientHello fields, variable ones behind their length. */
static void dtls_cookie_input(struct sha256_state *s,
			      const struct sockaddr *peer,
			      const struct dtls_ch *ch)
{
	const struct sockaddr_in6 *sin6;
	const struct sockaddr_in *sin;
	u8 b[2];

	b[0] = peer->sa_family >> 8;
	b[1] = peer->sa_family;
	dtls_cookie_put(s, b, 2);
	switch (peer->sa_family) {
	case AF_INET:
		sin = (const struct sockaddr_in *)peer;
		b[0] = sizeof(sin->sin_addr);
		dtls_cookie_put(s, b, 1);
		dtls_cookie_put(s, &sin->sin_addr, sizeof(sin->sin_addr));
		dtls_cookie_put(s, &sin->sin_port, sizeof(sin->sin_port));
		break;
	case AF_INET6:
		sin6 = (const struct sockaddr_in6 *)peer;
		b[0] = sizeof(sin6->sin6_addr);
		dtls_cookie_put(s, b, 1);
		dtls_cookie_put(s, &sin6->sin6_addr, sizeof(sin6->sin6_addr));
		dtls_cookie_put(s, &sin6->sin6_port, sizeof(sin6->sin6_port));
		break;
	default:	/* never accepted by dtls_cookie_check() */
		break;
	}
	b[0] = ch->version >> 8;
	b[1] = ch->version;
	dtls_cookie_put(s, b, 2);
	dtls_cookie_put(s, ch->random, 32);
	b[0] = ch->session_id_len;
	dtls_cookie_put(s, b, 1);
	dtls_cookie_put(s, ch->session_id, ch->session_id_len);
	b[0] = ch->suites_len >> 8;
	b[1] = ch->suites_len;
	dtls_cookie_put(s, b, 2);
	dtls_cookie_put(s, ch->suites, ch->suites_len);
}

static void dtls_cookie_hmac(const u8 *key, const struct sockaddr *peer,
			     const struct dtls_ch *ch, u8 out[DTLS_COOKIE_LEN])
{
	struct sha256_state s;

	dtls_hmac_init(&s, key);
	dtls_cookie_input(&s, peer, ch);
	dtls_hmac_final(&s, key, out);
}

/**
 * dtls_cookie_make - the cookie for a HelloVerifyRequest
 * @peer: the client's address, a struct sockaddr_in or sockaddr_in6
 * @ch: its ClientHello (the cookie in it is not used)
 * @out: the cookie
 */
void dtls_cookie_make(const struct sockaddr *peer, const struct dtls_ch *ch,
		      u8 out[DTLS_COOKIE_LEN])
{
	u8 key[DTLS_COOKIE_SECRET_LEN];

	dtls_cookie_secrets(key, NULL);
	dtls_cookie_hmac(key, peer, ch, out);
	memzero_explicit(key, sizeof(key));
}

/**
 * dtls_cookie_check - whether the ClientHello carries a valid cookie
 * @peer: the client's address, a struct sockaddr_in or sockaddr_in6
 * @ch: the ClientHello
 *
 * Constant time in the cookie's content: both secrets are always tried.
 */
bool dtls_cookie_check(const struct sockaddr *peer, const struct dtls_ch *ch)
{
	u8 cur[DTLS_COOKIE_SECRET_LEN], prev[DTLS_COOKIE_SECRET_LEN];
	u8 a[DTLS_COOKIE_LEN], b[DTLS_COOKIE_LEN];
	int neq;

	if (ch->cookie_len != DTLS_COOKIE_LEN || !ch->cookie)
		return false;
	if (peer->sa_family != AF_INET && peer->sa_family != AF_INET6)
		return false;
	dtls_cookie_secrets(cur, prev);
	dtls_cookie_hmac(cur, peer, ch, a);
	dtls_cookie_hmac(prev, peer, ch, b);
	neq = crypto_memneq(a, ch->cookie, DTLS_COOKIE_LEN);
	neq &= crypto_memneq(b, ch->cookie, DTLS_COOKIE_LEN);
	memzero_explicit(cur, sizeof(cur));
	memzero_explicit(prev, sizeof(prev));
	memzero_explicit(a, sizeof(a));
	memzero_explicit(b, sizeof(b));
	return !neq;
}
