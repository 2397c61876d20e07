// SPDX-License-Identifier: GPL-2.0
/*
 * cookie_fuzz: stateless HelloVerifyRequest cookies (cookie.c over
 * prf.c's HMAC), the shash API over OpenSSL, and OpenSSL's own HMAC as
 * the reference.
 *
 * Input: flags (1: bit 0 IPv6, bit 1 unknown family), address (16),
 * port (2), time before the cookie is made and time from then to the
 * check (2 each, in quarter seconds), which field to alter afterwards
 * (1), then a ClientHello body (dtls_ch_parse()).  Properties:
 *  - the cookie the ClientHello carries passes exactly when it is the
 *    HMAC-SHA256, computed by OpenSSL from the documented input, under
 *    the current or the previous secret (a random cookie never passes);
 *  - a made cookie is that HMAC under the current secret; it passes at
 *    once, still passes less than one rotation period later, passes
 *    exactly while its secret is current or previous, and never passes
 *    two periods or more later;
 *  - with any one input field altered (family, address, port, version,
 *    random, session_id, suites), it does not pass; nor with a length
 *    other than DTLS_COOKIE_LEN.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "fuzz.h"

#include "msg.c"
#include "prf.c"
#include "cookie.c"

extern u64 kshim_jiffies, kshim_random_ctr;

/* The documented HMAC input (cookie.c's header comment), rebuilt here. */
static void reference(const u8 secret[DTLS_COOKIE_SECRET_LEN],
		      const struct sockaddr *peer, const struct dtls_ch *ch,
		      u8 out[DTLS_COOKIE_LEN])
{
	u8 in[2 + 1 + 16 + 2 + 2 + 32 + 1 + 32 + 2 + 65536];
	unsigned int n = 0, olen = 0;
	sa_family_t fam = peer->sa_family;

	in[n++] = fam >> 8;
	in[n++] = fam;
	if (fam == AF_INET) {
		const struct sockaddr_in *s = (const void *)peer;

		in[n++] = 4;
		memcpy(in + n, &s->sin_addr, 4);
		n += 4;
		memcpy(in + n, &s->sin_port, 2);
		n += 2;
	} else if (fam == AF_INET6) {
		const struct sockaddr_in6 *s = (const void *)peer;

		in[n++] = 16;
		memcpy(in + n, &s->sin6_addr, 16);
		n += 16;
		memcpy(in + n, &s->sin6_port, 2);
		n += 2;
	}
	in[n++] = ch->version >> 8;
	in[n++] = ch->version;
	memcpy(in + n, ch->random, 32);
	n += 32;
	in[n++] = ch->session_id_len;
	memcpy(in + n, ch->session_id, ch->session_id_len);
	n += ch->session_id_len;
	in[n++] = ch->suites_len >> 8;
	in[n++] = ch->suites_len;
	memcpy(in + n, ch->suites, ch->suites_len);
	n += ch->suites_len;
	FUZZ_ASSERT(HMAC(EVP_sha256(), secret, DTLS_COOKIE_SECRET_LEN, in, n,
			 out, &olen));
	FUZZ_ASSERT(olen == DTLS_COOKIE_LEN);
}

static bool reference_check(const struct sockaddr *peer,
			    const struct dtls_ch *ch)
{
	u8 mac[DTLS_COOKIE_LEN];

	if (ch->cookie_len != DTLS_COOKIE_LEN)
		return false;
	if (peer->sa_family != AF_INET && peer->sa_family != AF_INET6)
		return false;
	reference(dtls_cookie.cur, peer, ch, mac);
	if (!memcmp(mac, ch->cookie, DTLS_COOKIE_LEN))
		return true;
	reference(dtls_cookie.prev, peer, ch, mac);
	return !memcmp(mac, ch->cookie, DTLS_COOKIE_LEN);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static bool inited;
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr *peer = (struct sockaddr *)&ss;
	u8 made[DTLS_COOKIE_LEN], ref[DTLS_COOKIE_LEN];
	u8 secret[DTLS_COOKIE_SECRET_LEN];
	u8 *body, *alt = NULL;
	struct dtls_ch ch, ch2;
	u64 t0, dt, made_at;
	bool ok, cur, prev;
	u8 flags, which;
	size_t len;

	if (size < 24 || size - 24 > 65536)
		return 0;
	if (!inited) {
		FUZZ_ASSERT(dtls_prf_init() == 0);
		inited = true;
	}
	flags = data[0];
	t0 = (u64)get_unaligned_be16(data + 19) * HZ / 4;
	dt = (u64)get_unaligned_be16(data + 21) * HZ / 4;
	which = data[23];
	len = size - 24;
	body = malloc(len ? len : 1);
	FUZZ_ASSERT(body);
	memcpy(body, data + 24, len);
	if (dtls_ch_parse(body, len, &ch))
		goto out;

	memset(&ss, 0, sizeof(ss));
	if (flags & 2) {
		peer->sa_family = AF_UNIX;
	} else if (flags & 1) {
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, data + 1, 16);
		memcpy(&sin6->sin6_port, data + 17, 2);
	} else {
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, data + 1, 4);
		memcpy(&sin->sin_port, data + 17, 2);
	}

	/* Fresh secrets, jiffies as the kernel's start (wrapping soon). */
	kshim_random_ctr = 0;
	kshim_jiffies = (u64)(-300 * HZ);
	dtls_cookie_init();

	/* The cookie the ClientHello carries. */
	kshim_jiffies += t0;
	ok = dtls_cookie_check(peer, &ch);
	FUZZ_ASSERT(ok == reference_check(peer, &ch));
	if (flags & 2) {
		FUZZ_ASSERT(!ok);
		goto out;
	}

	/* A cookie made now... */
	dtls_cookie_make(peer, &ch, made);
	made_at = kshim_jiffies;
	memcpy(secret, dtls_cookie.cur, sizeof(secret));
	reference(secret, peer, &ch, ref);
	FUZZ_ASSERT(!memcmp(made, ref, DTLS_COOKIE_LEN));
	ch2 = ch;
	ch2.cookie = made;
	ch2.cookie_len = DTLS_COOKIE_LEN;
	FUZZ_ASSERT(dtls_cookie_check(peer, &ch2));
	ch2.cookie_len = DTLS_COOKIE_LEN - 1 - (which & 7);
	FUZZ_ASSERT(!dtls_cookie_check(peer, &ch2));
	ch2.cookie_len = DTLS_COOKIE_LEN;

	/* ...checked @dt later. */
	kshim_jiffies += dt;
	ok = dtls_cookie_check(peer, &ch2);
	cur = !memcmp(secret, dtls_cookie.cur, sizeof(secret));
	prev = !memcmp(secret, dtls_cookie.prev, sizeof(secret));
	FUZZ_ASSERT(ok == (cur || prev));
	if (kshim_jiffies - made_at < DTLS_COOKIE_PERIOD)
		FUZZ_ASSERT(ok);
	if (kshim_jiffies - made_at >= 2 * DTLS_COOKIE_PERIOD)
		FUZZ_ASSERT(!ok);
	if (!ok)
		goto out;

	/* One field altered: refused. */
	alt = malloc(len ? len : 1);
	FUZZ_ASSERT(alt);
	memcpy(alt, body, len);
	switch (which % 7) {
	case 0:
		peer->sa_family = peer->sa_family == AF_INET ? AF_INET6 :
							       AF_INET;
		break;
	case 1:
		if (peer->sa_family == AF_INET)
			sin->sin_addr.s_addr ^= 1u << (which >> 3);
		else
			sin6->sin6_addr.s6_addr[which >> 4] ^= 1;
		break;
	case 2:
		if (peer->sa_family == AF_INET)
			sin->sin_port ^= 1u << (which >> 4);
		else
			sin6->sin6_port ^= 1u << (which >> 4);
		break;
	case 3:
		ch2.version ^= 1u << (which >> 4);
		break;
	case 4:
		alt[ch.random - body + (which >> 3)] ^= 1;
		ch2.random = alt + (ch.random - body);
		break;
	case 5:
		if (ch.session_id_len) {
			alt[ch.session_id - body +
			    (which >> 3) % ch.session_id_len] ^= 0x80;
			ch2.session_id = alt + (ch.session_id - body);
		} else {	/* a longer session_id */
			ch2.session_id = ch.random;
			ch2.session_id_len = 1;
		}
		break;
	default:
		alt[ch.suites - body + (which >> 3) % ch.suites_len] ^= 0x40;
		ch2.suites = alt + (ch.suites - body);
		break;
	}
	FUZZ_ASSERT(!dtls_cookie_check(peer, &ch2));
out:
	free(alt);
	free(body);
	return 0;
}
