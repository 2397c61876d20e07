// SPDX-License-Identifier: GPL-2.0
/*
 * Stateless HelloVerifyRequest cookies (RFC 6347 4.2.1).
 *
 * cookie = HMAC-SHA256(secret, family | addr | port | version | random |
 * session_id | cipher_suites), every variable-length field behind its
 * length so that no two inputs encode alike.  The HMAC is prf.c's, over
 * the shared "sha256" transform: no allocation, no sleeping.  Each secret
 * is kept with its HMAC key states, made when it is drawn, so that a
 * cookie costs two hash blocks, not four.
 *
 * Two secrets: the current one, which makes cookies, and the previous
 * one.  They rotate lazily, when a cookie is made or checked, on a fixed
 * schedule of DTLS_COOKIE_ROTATE_SECS; after an idle spell of two periods
 * or more both are replaced.  A cookie made under a secret is accepted
 * while that secret is current or previous: between one and two periods.
 * The checker tries the current secret, then the previous one (the cookie
 * carries no generation).  Which one matched shows in the time taken;
 * that tells a client only how old its own cookie is.
 *
 * Context: any, between dtls_prf_init() and dtls_prf_exit(); the secrets
 * are under an irq-safe spinlock, held only to rotate and to copy them
 * out.
 */

#include <linux/bug.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/jiffies.h>
#include <linux/random.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <crypto/sha2.h>

#include "cookie.h"
#include "msg.h"
#include "prf.h"

#define DTLS_COOKIE_SECRET_LEN	32
#define DTLS_COOKIE_PERIOD	((u64)DTLS_COOKIE_ROTATE_SECS * HZ)

static_assert(DTLS_COOKIE_LEN == SHA256_DIGEST_SIZE);
static_assert(DTLS_COOKIE_SECRET_LEN <= SHA256_BLOCK_SIZE);

static struct {
	spinlock_t	lock;		/* protects the rest */
	u64		rotate_at;	/* jiffies64 */
	u8		cur[DTLS_COOKIE_SECRET_LEN];
	u8		prev[DTLS_COOKIE_SECRET_LEN];
	struct dtls_hmac_key kcur;	/* cur as an HMAC key */
	struct dtls_hmac_key kprev;
} dtls_cookie = {
	.lock = __SPIN_LOCK_UNLOCKED(dtls_cookie.lock),
};

/*
 * A new current secret and its key.  A key that cannot be made (only
 * before dtls_prf_init()) is left wiped: no cookie is made or accepted
 * under it.  Lock held.
 */
static void dtls_cookie_draw(void)
{
	get_random_bytes(dtls_cookie.cur, DTLS_COOKIE_SECRET_LEN);
	dtls_hmac_setkey(&dtls_cookie.kcur, DTLS_PRF_SHA256, dtls_cookie.cur,
			 DTLS_COOKIE_SECRET_LEN);
}

/* The current secret becomes the previous one.  Lock held. */
static void dtls_cookie_rotate(void)
{
	memcpy(dtls_cookie.prev, dtls_cookie.cur, DTLS_COOKIE_SECRET_LEN);
	dtls_cookie.kprev = dtls_cookie.kcur;
	dtls_cookie_draw();
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

/* Copy out the current secret's key and, if @prev, the previous one's. */
static void dtls_cookie_keys(struct dtls_hmac_key *cur,
			     struct dtls_hmac_key *prev)
{
	unsigned long flags;

	spin_lock_irqsave(&dtls_cookie.lock, flags);
	dtls_cookie_maybe_rotate(get_jiffies_64());
	*cur = dtls_cookie.kcur;
	if (prev)
		*prev = dtls_cookie.kprev;
	spin_unlock_irqrestore(&dtls_cookie.lock, flags);
}

/* After dtls_prf_init(): the keys are made from the secrets here. */
void dtls_cookie_init(void)
{
	unsigned long flags;

	spin_lock_irqsave(&dtls_cookie.lock, flags);
	dtls_cookie_draw();
	dtls_cookie_rotate();
	dtls_cookie.rotate_at = get_jiffies_64() + DTLS_COOKIE_PERIOD;
	spin_unlock_irqrestore(&dtls_cookie.lock, flags);
}

void dtls_cookie_exit(void)
{
	unsigned long flags;

	spin_lock_irqsave(&dtls_cookie.lock, flags);
	memzero_explicit(dtls_cookie.cur, DTLS_COOKIE_SECRET_LEN);
	memzero_explicit(dtls_cookie.prev, DTLS_COOKIE_SECRET_LEN);
	dtls_hmac_key_wipe(&dtls_cookie.kcur);
	dtls_hmac_key_wipe(&dtls_cookie.kprev);
	spin_unlock_irqrestore(&dtls_cookie.lock, flags);
}

/*
 * The peer and the ClientHello fields, variable ones behind their length:
 * family, address length, address, port, version, random and the
 * session_id's length go through one buffer, then the session_id, the
 * cipher_suites' length and the cipher_suites.
 */
static int dtls_cookie_input(struct shash_desc *s,
			     const struct sockaddr *peer,
			     const struct dtls_ch *ch)
{
	u8 b[2 + 1 + sizeof(struct in6_addr) + 2 + 2 + 32 + 1];
	const struct sockaddr_in6 *sin6;
	const struct sockaddr_in *sin;
	unsigned int n = 0;
	int err;

	b[n++] = peer->sa_family >> 8;
	b[n++] = peer->sa_family;
	switch (peer->sa_family) {
	case AF_INET:
		sin = (const struct sockaddr_in *)peer;
		b[n++] = sizeof(sin->sin_addr);
		memcpy(b + n, &sin->sin_addr, sizeof(sin->sin_addr));
		n += sizeof(sin->sin_addr);
		memcpy(b + n, &sin->sin_port, 2);
		n += 2;
		break;
	case AF_INET6:
		sin6 = (const struct sockaddr_in6 *)peer;
		b[n++] = sizeof(sin6->sin6_addr);
		memcpy(b + n, &sin6->sin6_addr, sizeof(sin6->sin6_addr));
		n += sizeof(sin6->sin6_addr);
		memcpy(b + n, &sin6->sin6_port, 2);
		n += 2;
		break;
	default:	/* never accepted by dtls_cookie_check() */
		break;
	}
	b[n++] = ch->version >> 8;
	b[n++] = ch->version;
	memcpy(b + n, ch->random, 32);
	n += 32;
	b[n++] = ch->session_id_len;
	err = crypto_shash_update(s, b, n);
	if (!err && ch->session_id_len)
		err = crypto_shash_update(s, ch->session_id,
					  ch->session_id_len);
	b[0] = ch->suites_len >> 8;
	b[1] = ch->suites_len;
	if (!err)
		err = crypto_shash_update(s, b, 2);
	if (!err && ch->suites_len)
		err = crypto_shash_update(s, ch->suites, ch->suites_len);
	return err;
}

/* HMAC-SHA256 under @k; on error (a wiped key) @out is zeroed. */
static noinline_for_stack int
dtls_cookie_hmac(const struct dtls_hmac_key *k, const struct sockaddr *peer,
		 const struct dtls_ch *ch, u8 out[DTLS_COOKIE_LEN])
{
	SHASH_DESC_ON_STACK(desc, k->tfm);
	int err;

	err = dtls_hmac_begin(desc, k);
	if (!err)
		err = dtls_cookie_input(desc, peer, ch);
	if (!err)
		err = dtls_hmac_end(desc, k, out);
	if (err)
		memzero_explicit(out, DTLS_COOKIE_LEN);
	shash_desc_zero(desc);
	return err;
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
	struct dtls_hmac_key k;

	dtls_cookie_keys(&k, NULL);
	dtls_cookie_hmac(&k, peer, ch, out);
	dtls_hmac_key_wipe(&k);
}

/**
 * dtls_cookie_check - whether the ClientHello carries a valid cookie
 * @peer: the client's address, a struct sockaddr_in or sockaddr_in6
 * @ch: the ClientHello
 *
 * Each comparison is constant time; the previous secret is tried only
 * when the current one fails, so most checks cost one HMAC.
 */
bool dtls_cookie_check(const struct sockaddr *peer, const struct dtls_ch *ch)
{
	struct dtls_hmac_key k, prev;
	u8 mac[DTLS_COOKIE_LEN];
	int neq = 1, err;

	if (ch->cookie_len != DTLS_COOKIE_LEN || !ch->cookie)
		return false;
	if (peer->sa_family != AF_INET && peer->sa_family != AF_INET6)
		return false;
	dtls_cookie_keys(&k, &prev);
	err = dtls_cookie_hmac(&k, peer, ch, mac);
	if (!err)
		neq = crypto_memneq(mac, ch->cookie, DTLS_COOKIE_LEN);
	if (neq) {
		err = dtls_cookie_hmac(&prev, peer, ch, mac);
		if (!err)
			neq = crypto_memneq(mac, ch->cookie, DTLS_COOKIE_LEN);
	}
	dtls_hmac_key_wipe(&k);
	dtls_hmac_key_wipe(&prev);
	memzero_explicit(mac, sizeof(mac));
	return !neq;
}
