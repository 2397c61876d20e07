// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel handshake against peers that get it wrong: wrong keys,
 * unknown identities, replayed cookies, bad fragments, a forged Finished,
 * records out of place, floods of ClientHellos, bad netlink requests, and
 * the socket's behaviour while a handshake runs.
 *
 * Most tests talk to a kernel server through "raw", a plain UDP socket
 * that speaks just enough DTLS 1.2 itself: records and handshake messages
 * built by hand, TLS_PSK_WITH_AES_128_GCM_SHA256 with the TLS 1.2 PRF and
 * the extended master secret computed here with libcrypto, records sealed
 * and opened by dtls_ref.  raw_handshake_ok shows that it completes a
 * handshake and exchanges data, so the other tests' failures are the
 * kernel's answers to what they change.
 */
#include <fcntl.h>
#include <pthread.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/time.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/filter.h>
#include <linux/genetlink.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "dtls_ref.h"
#include "dtls_test.h"
#include "kselftest_harness.h"

#define PSK_ID		"client1"
#define PSK_KEY		"0123456789abcdef0123456789abcdef"
#define PSK_KEY_LEN	32
/* A second identity, long enough for a ClientKeyExchange worth cutting. */
#define LONG_ID		"a-rather-long-psk-identity-for-fragmenting-client-key-exchange"
#define SUITE		0x00a8	/* TLS_PSK_WITH_AES_128_GCM_SHA256 */
#define WAIT_MS		3000	/* for a reply that must come */
/*
 * For one that must not: long enough that a late answer of a slow TCG
 * guest shows up inside it.
 */
#define QUIET_MS	2000

#define REC_CCS		20
#define REC_ALERT	21
#define REC_HS		22
#define REC_DATA	23
#define HT_CH		1
#define HT_SH		2
#define HT_HVR		3
#define HT_SHD		14
#define HT_CKE		16
#define HT_FIN		20
#define V12		0xfefd
#define V10		0xfeff
#define ALERT_BAD_RECORD_MAC	20
#define ALERT_HANDSHAKE_FAILURE	40
#define ALERT_DECRYPT_ERROR	51
#define ALERT_UNKNOWN_PSK_ID	115

/* ------------------------------------------------------------ bytes */

static uint8_t *put8(uint8_t *p, unsigned int v)
{
	*p = v;
	return p + 1;
}

static uint8_t *put16(uint8_t *p, unsigned int v)
{
	p[0] = v >> 8;
	p[1] = v;
	return p + 2;
}

static uint8_t *put24(uint8_t *p, uint32_t v)
{
	p[0] = v >> 16;
	p[1] = v >> 8;
	p[2] = v;
	return p + 3;
}

static uint8_t *put48(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 5; i >= 0; i--, v >>= 8)
		p[i] = v;
	return p + 6;
}

static uint8_t *putb(uint8_t *p, const void *v, size_t n)
{
	if (n)
		memcpy(p, v, n);
	return p + n;
}

static unsigned int get16(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static uint32_t get24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | p[1] << 8 | p[2];
}

static uint64_t get48(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 6; i++)
		v = v << 8 | p[i];
	return v;
}

/* A record around @len bytes of @frag at @out; the record's length. */
static size_t rec_build(uint8_t *out, uint8_t type, uint16_t version,
			uint16_t epoch, uint64_t seq, const void *frag,
			size_t len)
{
	uint8_t *p = out;

	p = put8(p, type);
	p = put16(p, version);
	p = put16(p, epoch);
	p = put48(p, seq);
	p = put16(p, len);
	memmove(p, frag, len);
	return DTLS_REF_HDR_LEN + len;
}

/* A handshake fragment: its header and @flen bytes of @data. */
static size_t hs_frag(uint8_t *out, uint8_t type, uint32_t length,
		      uint16_t seq, uint32_t off, uint32_t flen,
		      const uint8_t *data)
{
	uint8_t *p = out;

	p = put8(p, type);
	p = put24(p, length);
	p = put16(p, seq);
	p = put24(p, off);
	p = put24(p, flen);
	p = putb(p, data, flen);
	return p - out;
}

/* How a ClientHello signals secure renegotiation (RFC 5746 3.3, 3.4). */
#define CH_RENEG	1	/* the empty renegotiation_info extension */
#define CH_SCSV		2	/* TLS_EMPTY_RENEGOTIATION_INFO_SCSV */

/* A ClientHello body: DTLS 1.2, our one suite, EMS; RFC 5746 by @how. */
static size_t ch_body_how(uint8_t *out, const uint8_t rnd[32],
			  const uint8_t *cookie, uint8_t cookie_len,
			  unsigned int how)
{
	uint8_t *p = out;

	p = put16(p, V12);
	p = putb(p, rnd, 32);
	p = put8(p, 0);				/* session_id */
	p = put8(p, cookie_len);
	p = putb(p, cookie, cookie_len);
	p = put16(p, how & CH_SCSV ? 4 : 2);
	p = put16(p, SUITE);
	if (how & CH_SCSV)
		p = put16(p, 0x00ff);
	p = put8(p, 1);				/* compression: null */
	p = put8(p, 0);
	p = put16(p, 4 + (how & CH_RENEG ? 5 : 0));	/* extensions */
	p = put16(p, 23);			/* extended_master_secret */
	p = put16(p, 0);
	if (how & CH_RENEG) {
		p = put16(p, 0xff01);		/* renegotiation_info */
		p = put16(p, 1);
		p = put8(p, 0);
	}
	return p - out;
}

/* A ClientHello body: DTLS 1.2, our one suite, EMS, renegotiation_info. */
static size_t ch_body(uint8_t *out, const uint8_t rnd[32],
		      const uint8_t *cookie, uint8_t cookie_len)
{
	return ch_body_how(out, rnd, cookie, cookie_len, CH_RENEG);
}

/* ------------------------------------------------------ TLS 1.2 PRF */

static void hmac256(const uint8_t *key, size_t klen, const uint8_t *d,
		    size_t dlen, uint8_t out[32])
{
	unsigned int n = 32;

	HMAC(EVP_sha256(), key, klen, d, dlen, out, &n);
}

/* RFC 5246 5: P_SHA256(secret, label + s1 + s2), @olen bytes. */
static void prf(const uint8_t *secret, size_t slen, const char *label,
		const uint8_t *s1, size_t l1, const uint8_t *s2, size_t l2,
		uint8_t *out, size_t olen)
{
	uint8_t seed[128], a[32], buf[32 + 128], h[32];
	size_t sl = strlen(label);

	memcpy(seed, label, sl);
	memcpy(seed + sl, s1, l1);
	memcpy(seed + sl + l1, s2, l2);
	sl += l1 + l2;
	hmac256(secret, slen, seed, sl, a);		/* A(1) */
	while (olen) {
		size_t take = olen < 32 ? olen : 32;

		memcpy(buf, a, 32);
		memcpy(buf + 32, seed, sl);
		hmac256(secret, slen, buf, 32 + sl, h);
		memcpy(out, h, take);
		out += take;
		olen -= take;
		memcpy(buf, a, 32);
		hmac256(secret, slen, buf, 32, a);	/* A(i + 1) */
	}
}

/* ------------------------------------------------------ the raw peer */

/* A whole handshake message from the server. */
struct hmsg {
	uint8_t type;
	uint16_t seq;
	uint64_t rec_seq;
	uint16_t rec_version;
	size_t len;
	uint8_t body[1024];
};

#define RAW_QLEN	8

struct raw {
	int fd;
	uint64_t seq0, seq1;		/* next record seq, epochs 0 and 1 */
	uint16_t mseq;			/* next message_seq */
	uint8_t crand[32], srand[32];
	uint8_t cookie[255];
	uint8_t cookie_len;
	uint8_t tr[8192];		/* from the ClientHello with cookie */
	size_t tlen;
	uint16_t suite;
	int srv_seq;			/* next server message_seq, -1 unknown */
	uint8_t master[48];
	uint8_t ckey[16], skey[16], civ[4], siv[4];
	int alert;			/* last alert description, -1 none */
	size_t last_len;		/* size of the last datagram read */
	struct hmsg q[RAW_QLEN];	/* messages of that datagram */
	int qn, qi;			/* how many, the next one */
	char why[160];			/* what went wrong */
};

static int raw_open(struct raw *r, int family, const union dtls_test_addr *srv)
{
	union dtls_test_addr me;
	int i;

	memset(r, 0, sizeof(*r));
	r->srv_seq = -1;
	r->alert = -1;
	for (i = 0; i < 32; i++)
		r->crand[i] = rand();
	r->fd = dtls_test_udp_bound(family, &me);
	if (r->fd < 0)
		return -1;
	return connect(r->fd, &srv->sa, dtls_test_addr_len(family));
}

static int raw_send(struct raw *r, const void *buf, size_t len)
{
	if (send(r->fd, buf, len, 0) != (ssize_t)len) {
		snprintf(r->why, sizeof(r->why), "send: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* One datagram within @ms: its length, 0 on time-out, -1 on error. */
static ssize_t raw_recv(struct raw *r, uint8_t *buf, size_t cap, int ms)
{
	struct pollfd p = { .fd = r->fd, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, ms) <= 0)
		return 0;
	n = recv(r->fd, buf, cap, 0);
	if (n < 0)
		snprintf(r->why, sizeof(r->why), "recv: %s", strerror(errno));
	else
		r->last_len = n;
	return n;
}

/* One whole message in one epoch-0 record: the datagram's length. */
static size_t raw_msg_record(struct raw *r, uint8_t *out, uint8_t type,
			     const uint8_t *body, size_t len)
{
	uint8_t msg[2048];
	size_t n = hs_frag(msg, type, len, r->mseq++, 0, len, body);

	return rec_build(out, REC_HS, V12, 0, r->seq0++, msg, n);
}

static void raw_tr_add(struct raw *r, uint8_t type, uint16_t seq,
		       const uint8_t *body, size_t len)
{
	r->tlen += hs_frag(r->tr + r->tlen, type, len, seq, 0, len, body);
}

/* The next record of a datagram; false at its end or on garbage. */
struct rrec {
	uint8_t type;
	uint16_t version, epoch;
	uint64_t seq;
	const uint8_t *rec;		/* the whole record */
	const uint8_t *frag;
	size_t len;
};

static bool rec_next(const uint8_t **p, size_t *left, struct rrec *rr)
{
	if (*left < DTLS_REF_HDR_LEN)
		return false;
	rr->rec = *p;
	rr->type = (*p)[0];
	rr->version = get16(*p + 1);
	rr->epoch = get16(*p + 3);
	rr->seq = get48(*p + 5);
	rr->len = get16(*p + 11);
	if (*left - DTLS_REF_HDR_LEN < rr->len)
		return false;
	rr->frag = *p + DTLS_REF_HDR_LEN;
	*p += DTLS_REF_HDR_LEN + rr->len;
	*left -= DTLS_REF_HDR_LEN + rr->len;
	return true;
}

/*
 * The next whole epoch-0 handshake message of type @type (any if 0)
 * within @ms, from what is left of the last datagram first; alerts are
 * remembered in r->alert.  0, or -1 (r->why).
 */
static int raw_wait_msg(struct raw *r, uint8_t type, int ms, struct hmsg *m)
{
	struct timespec t0, t1;
	uint8_t buf[4096];

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		const uint8_t *p = buf;
		struct rrec rr;
		size_t left;
		ssize_t n;
		int el;

		while (r->qi < r->qn) {
			struct hmsg *q = &r->q[r->qi++];

			if (!type || q->type == type) {
				*m = *q;
				return 0;
			}
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		el = (t1.tv_sec - t0.tv_sec) * 1000 +
		     (t1.tv_nsec - t0.tv_nsec) / 1000000;
		n = el < ms ? raw_recv(r, buf, sizeof(buf), ms - el) : 0;
		if (n <= 0) {
			if (!n)
				snprintf(r->why, sizeof(r->why),
					 "no handshake message %u in %d ms",
					 type, ms);
			return -1;
		}
		r->qi = 0;
		r->qn = 0;
		left = n;
		while (rec_next(&p, &left, &rr)) {
			const uint8_t *f = rr.frag;
			size_t fl = rr.len;

			if (rr.type == REC_ALERT && !rr.epoch && rr.len == 2)
				r->alert = rr.frag[1];
			if (rr.type != REC_HS || rr.epoch)
				continue;
			while (fl >= 12 && r->qn < RAW_QLEN) {
				uint32_t len = get24(f + 1), flen = get24(f + 9);
				struct hmsg *q = &r->q[r->qn];

				if (flen > fl - 12)
					break;
				if (!get24(f + 6) && flen == len &&
				    len <= sizeof(q->body)) {
					q->type = f[0];
					q->seq = get16(f + 4);
					q->rec_seq = rr.seq;
					q->rec_version = rr.version;
					q->len = len;
					memcpy(q->body, f + 12, len);
					r->qn++;
				}
				f += 12 + flen;
				fl -= 12 + flen;
			}
		}
	}
}

/* A ClientHello without cookie; the cookie of the HelloVerifyRequest. */
static int raw_get_cookie(struct raw *r)
{
	uint8_t body[512], dg[1024];
	struct hmsg m;
	size_t n;

	n = ch_body(body, r->crand, NULL, 0);
	n = raw_msg_record(r, dg, HT_CH, body, n);
	if (raw_send(r, dg, n) || raw_wait_msg(r, HT_HVR, WAIT_MS, &m))
		return -1;
	if (m.len < 3 || m.body[2] != m.len - 3) {
		snprintf(r->why, sizeof(r->why), "bad HelloVerifyRequest");
		return -1;
	}
	r->cookie_len = m.body[2];
	memcpy(r->cookie, m.body + 3, r->cookie_len);
	return 0;
}

/*
 * Flight 4 after the ClientHello with cookie: ServerHello, [SKE],
 * ServerHelloDone into the transcript.  0, or -1 (r->why).
 */
static int raw_flight4(struct raw *r)
{
	struct hmsg m;

	for (;;) {
		if (raw_wait_msg(r, 0, WAIT_MS, &m))
			return -1;
		if (r->srv_seq < 0) {
			if (m.type != HT_SH)
				continue;	/* a stray HelloVerifyRequest */
			r->srv_seq = m.seq;
		}
		if (m.seq != r->srv_seq)
			continue;		/* a resend */
		r->srv_seq++;
		raw_tr_add(r, m.type, m.seq, m.body, m.len);
		if (m.type == HT_SH) {
			if (m.len < 38) {
				snprintf(r->why, sizeof(r->why), "short SH");
				return -1;
			}
			memcpy(r->srand, m.body + 2, 32);
			r->suite = get16(m.body + 35 + m.body[34]);
		}
		if (m.type == HT_SHD)
			return 0;
	}
}

/* The ClientHello with cookie, whole, then flight 4. */
static int raw_hello(struct raw *r)
{
	uint8_t body[512], dg[1024];
	size_t n;

	if (raw_get_cookie(r))
		return -1;
	n = ch_body(body, r->crand, r->cookie, r->cookie_len);
	raw_tr_add(r, HT_CH, r->mseq, body, n);
	n = raw_msg_record(r, dg, HT_CH, body, n);
	if (raw_send(r, dg, n))
		return -1;
	return raw_flight4(r);
}

/* A PSK ClientKeyExchange body (RFC 4279 2). */
static size_t cke_body(uint8_t *out, const char *id)
{
	uint8_t *p = out;

	p = put16(p, strlen(id));
	p = putb(p, id, strlen(id));
	return p - out;
}

/*
 * Keys, once the ClientKeyExchange is in the transcript: RFC 4279 2
 * premaster, RFC 7627 master secret, RFC 5246 6.3 key block.
 */
static void raw_derive(struct raw *r, const void *psk, size_t psk_len)
{
	uint8_t pms[4 + 2 * 64], *p = pms, sh[32], kb[40];

	p = put16(p, psk_len);
	memset(p, 0, psk_len);
	p += psk_len;
	p = put16(p, psk_len);
	p = putb(p, psk, psk_len);
	SHA256(r->tr, r->tlen, sh);
	prf(pms, p - pms, "extended master secret", sh, 32, NULL, 0,
	    r->master, 48);
	prf(r->master, 48, "key expansion", r->srand, 32, r->crand, 32, kb,
	    sizeof(kb));
	memcpy(r->ckey, kb, 16);
	memcpy(r->skey, kb + 16, 16);
	memcpy(r->civ, kb + 32, 4);
	memcpy(r->siv, kb + 36, 4);
}

/*
 * CCS and our Finished (sealed, epoch 1) into one datagram at @out; with
 * @flip, one bit of verify_data is wrong.  The datagram's length.
 */
static size_t raw_finished(struct raw *r, uint8_t *out, bool flip)
{
	uint8_t th[32], vd[12], msg[24], ccs = 1;
	size_t n;
	ssize_t s;

	SHA256(r->tr, r->tlen, th);
	prf(r->master, 48, "client finished", th, 32, NULL, 0, vd, 12);
	raw_tr_add(r, HT_FIN, r->mseq, vd, 12);
	if (flip)
		vd[5] ^= 0x10;
	hs_frag(msg, HT_FIN, 12, r->mseq++, 0, 12, vd);
	n = rec_build(out, REC_CCS, V12, 0, r->seq0++, &ccs, 1);
	s = dtls_ref_seal(DTLS_CIPHER_AES_GCM_128, r->ckey, r->civ, REC_HS, 1,
			  r->seq1++, NULL, msg, sizeof(msg), out + n);
	return s < 0 ? 0 : n + s;
}

/*
 * The server's Finished within @ms, opened and checked.  0; -EBADMSG if
 * it does not authenticate or verify_data is wrong; -EPROTO on an alert;
 * -ETIMEDOUT.
 */
static int raw_wait_fin(struct raw *r, int ms)
{
	uint8_t buf[4096], pt[256];
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		const uint8_t *p = buf;
		struct rrec rr;
		size_t left;
		ssize_t n;
		int el;

		clock_gettime(CLOCK_MONOTONIC, &t1);
		el = (t1.tv_sec - t0.tv_sec) * 1000 +
		     (t1.tv_nsec - t0.tv_nsec) / 1000000;
		n = el < ms ? raw_recv(r, buf, sizeof(buf), ms - el) : 0;
		if (n <= 0)
			return -ETIMEDOUT;
		left = n;
		while (rec_next(&p, &left, &rr)) {
			struct dtls_ref_hdr h;
			uint8_t th[32], vd[12];
			ssize_t k;

			if (rr.type == REC_ALERT && !rr.epoch && rr.len == 2) {
				r->alert = rr.frag[1];
				return -EPROTO;
			}
			if (rr.epoch != 1)
				continue;
			k = dtls_ref_open(DTLS_CIPHER_AES_GCM_128, r->skey,
					  r->siv, rr.rec,
					  DTLS_REF_HDR_LEN + rr.len, &h, pt,
					  sizeof(pt), NULL);
			if (k < 0)
				return -EBADMSG;
			if (h.type == REC_ALERT && k == 2) {
				r->alert = pt[1];
				return -EPROTO;
			}
			if (h.type != REC_HS || k != 24 || pt[0] != HT_FIN ||
			    get24(pt + 1) != 12 || get24(pt + 9) != 12)
				return -EBADMSG;
			SHA256(r->tr, r->tlen, th);
			prf(r->master, 48, "server finished", th, 32, NULL, 0,
			    vd, 12);
			return memcmp(vd, pt + 12, 12) ? -EBADMSG : 0;
		}
	}
}

/* PSK ClientKeyExchange (identity @id), CCS, Finished: the whole flight 5. */
static int raw_flight5(struct raw *r, const char *id, bool flip)
{
	uint8_t body[256], dg[1024];
	size_t n;

	n = cke_body(body, id);
	raw_tr_add(r, HT_CKE, r->mseq, body, n);
	raw_derive(r, PSK_KEY, PSK_KEY_LEN);
	n = raw_msg_record(r, dg, HT_CKE, body, n);
	n += raw_finished(r, dg + n, flip);
	return raw_send(r, dg, n);
}

/* An application data record, sealed in epoch 1. */
static int raw_send_data(struct raw *r, const void *d, size_t len)
{
	uint8_t dg[2048];
	ssize_t n;

	n = dtls_ref_seal(DTLS_CIPHER_AES_GCM_128, r->ckey, r->civ, REC_DATA,
			  1, r->seq1++, NULL, d, len, dg);
	return n < 0 ? -1 : raw_send(r, dg, n);
}

/* The next application data record within @ms: its length or -1. */
static ssize_t raw_recv_data(struct raw *r, uint8_t *out, size_t cap, int ms)
{
	uint8_t buf[4096];
	struct dtls_ref_hdr h;
	ssize_t n, k;

	while ((n = raw_recv(r, buf, sizeof(buf), ms)) > 0) {
		k = dtls_ref_open(DTLS_CIPHER_AES_GCM_128, r->skey, r->siv,
				  buf, n, &h, out, cap, NULL);
		if (k >= 0 && h.type == REC_DATA)
			return k;
	}
	return -1;
}

/* ------------------------------------------------------ kernel sides */

static long long stat_of(const char *name)
{
	return dtls_test_proc_stat(name);
}

static int hs_state(int fd)
{
	struct dtls_hs_info i;

	return dtls_hs_get(dtls_test_nl(), fd, 0, &i, NULL, 0) ? -1 : (int)i.state;
}

/* Per-socket record counters of @fd; zeroed if unavailable. */
static struct dtls_sock_stats sock_stats(int fd)
{
	struct dtls_sock_stats st = {};

	dtls_test_sock_stats(dtls_test_ino(fd), &st);
	return st;
}

static int getpeername_errno(int fd)
{
	union dtls_test_addr a;
	socklen_t len = sizeof(a);

	return getpeername(fd, &a.sa, &len) ? errno : 0;
}

/*
 * A listening kernel server on loopback, suite SUITE, identities PSK_ID
 * and LONG_ID: its fd, or -1.
 */
static int server_start(int family, union dtls_test_addr *a, uint32_t rto,
			uint32_t timeout)
{
	static const uint16_t suite = SUITE;
	struct dtls_hs_config cfg = {
		.role = DTLS_HS_ROLE_SERVER,
		.suites = &suite,
		.n_suites = 1,
		.rto_initial_ms = rto,
		.timeout_ms = timeout,
		.cookies = -1,
	};
	int fd = dtls_test_udp_bound(family, a);

	if (fd < 0)
		return -1;
	if (dtls_test_hs_setup(fd, &cfg, PSK_ID, PSK_KEY, PSK_KEY_LEN) ||
	    dtls_psk_add(dtls_test_nl(), fd, 0, LONG_ID, strlen(LONG_ID), PSK_KEY, PSK_KEY_LEN,
			 0, NULL, 0) ||
	    dtls_hs_start(dtls_test_nl(), fd, 0, NULL, 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void timeo(int fd, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000,
			      .tv_usec = (ms % 1000) * 1000 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/*
 * A kernel client connected to a kernel server on loopback, both set up
 * but not started.
 */
static int kk_pair(int *srv, int *cli, const char *srv_key, const char *cli_id,
		   const char *cli_key)
{
	static const uint16_t suite = SUITE;
	struct dtls_hs_config cfg = {
		.suites = &suite,
		.n_suites = 1,
		.rto_initial_ms = 200,
		.timeout_ms = 25000,
		.cookies = -1,
	};
	union dtls_test_addr sa, ca;

	*srv = dtls_test_udp_bound(AF_INET, &sa);
	*cli = dtls_test_udp_bound(AF_INET, &ca);
	if (*srv < 0 || *cli < 0 ||
	    connect(*cli, &sa.sa, dtls_test_addr_len(AF_INET)))
		return -1;
	timeo(*srv, 5000);
	timeo(*cli, 5000);
	cfg.role = DTLS_HS_ROLE_SERVER;
	if (dtls_test_hs_setup(*srv, &cfg, PSK_ID, srv_key, strlen(srv_key)))
		return -1;
	cfg.role = DTLS_HS_ROLE_CLIENT;
	return dtls_test_hs_setup(*cli, &cfg, cli_id, cli_key,
				  strlen(cli_key));
}

static int so_error(int fd)
{
	socklen_t len = sizeof(int);
	int e = -1;

	getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len);
	return e;
}

/* ------------------------------------------------- kernel with kernel */

/*
 * The control of the tests below: the same pair with the same key works.
 * First, with room to wait: the first use of the suite's algorithms may
 * have the kernel load crypto modules, which takes seconds in a guest.
 */
TEST(kernel_pair_ok)
{
	struct dtls_hs_info si, ci;
	int srv, cli;

	ASSERT_EQ(0, kk_pair(&srv, &cli, PSK_KEY, PSK_ID, PSK_KEY));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), srv, 0, NULL, 0));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), cli, 0, NULL, 0));
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED,
		  dtls_test_hs_settle(cli, 20000, &ci));
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED,
		  dtls_test_hs_settle(srv, 5000, &si));
	EXPECT_EQ(SUITE, si.suite);
	EXPECT_EQ(0, dtls_test_hs_check(cli, srv, SUITE, 0));
	close(srv);
	close(cli);
}

/*
 * Item 1: the two sides hold different keys.  The server cannot open the
 * client's Finished, which it discards like any record that does not
 * authenticate (RFC 6347 4.1.2.7; issue 11 item 9); when its time-out
 * comes with such records seen, it fails with bad_record_mac
 * (EKEYREJECTED) and tells the client, which fails on the alert
 * (ECONNREFUSED).  The server's time-out is the shorter one here.
 */
TEST(wrong_psk)
{
	long long started = stat_of("DtlsHsStarted");
	long long failed = stat_of("DtlsHsFailed");
	long long done = stat_of("DtlsHsDone");
	struct dtls_hs_config short_cfg = { .timeout_ms = 1500, .cookies = -1 };
	struct dtls_sock_stats s0, s1;
	struct dtls_hs_info si, ci;
	char buf[16];
	int srv, cli;

	ASSERT_EQ(0, dtls_test_wait_refcnt(0, 5000));
	ASSERT_EQ(0, kk_pair(&srv, &cli, PSK_KEY, PSK_ID,
			     "fedcba9876543210fedcba9876543210"));
	ASSERT_EQ(0, dtls_hs_config(dtls_test_nl(), srv, 0, &short_cfg, NULL, 0));
	s0 = sock_stats(srv);
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), srv, 0, NULL, 0));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), cli, 0, NULL, 0));

	ASSERT_EQ(DTLS_HS_STATE_FAILED, dtls_test_hs_settle(srv, 8000, &si));
	ASSERT_EQ(DTLS_HS_STATE_FAILED, dtls_test_hs_settle(cli, 8000, &ci));
	s1 = sock_stats(srv);
	EXPECT_LE(1, s1.rx_auth_fail - s0.rx_auth_fail);
	EXPECT_EQ(EKEYREJECTED, si.error);
	EXPECT_EQ(ALERT_BAD_RECORD_MAC, si.alert);
	EXPECT_FALSE(si.alert_remote);
	EXPECT_EQ(ECONNREFUSED, ci.error);
	EXPECT_EQ(ALERT_BAD_RECORD_MAC, ci.alert);
	EXPECT_TRUE(ci.alert_remote);

	/* SO_ERROR once, then every call returns the handshake's error. */
	EXPECT_EQ(EKEYREJECTED, so_error(srv));
	EXPECT_EQ(ECONNREFUSED, so_error(cli));
	EXPECT_EQ(-1, recv(srv, buf, sizeof(buf), 0));
	EXPECT_EQ(EKEYREJECTED, errno);
	EXPECT_EQ(-1, send(srv, "x", 1, 0));
	EXPECT_EQ(EKEYREJECTED, errno);
	EXPECT_EQ(-1, recv(cli, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(ECONNREFUSED, errno);
	EXPECT_EQ(-1, send(cli, "x", 1, 0));
	EXPECT_EQ(ECONNREFUSED, errno);
	/* A failed socket takes no new handshake. */
	EXPECT_NE(0, dtls_hs_start(dtls_test_nl(), cli, 0, NULL, 0));

	EXPECT_EQ(started + 2, stat_of("DtlsHsStarted"));
	EXPECT_EQ(failed + 2, stat_of("DtlsHsFailed"));
	EXPECT_EQ(done, stat_of("DtlsHsDone"));
	close(srv);
	close(cli);
	/* Nothing left behind: each socket's state holds a module ref. */
	EXPECT_EQ(0, dtls_test_wait_refcnt(0, 5000));
}

/* Item 2: the server does not know the client's identity. */
TEST(unknown_identity)
{
	long long failed = stat_of("DtlsHsFailed");
	struct dtls_hs_info si, ci;
	int srv, cli;

	ASSERT_EQ(0, kk_pair(&srv, &cli, PSK_KEY, "nobody", PSK_KEY));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), srv, 0, NULL, 0));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), cli, 0, NULL, 0));

	ASSERT_EQ(DTLS_HS_STATE_FAILED, dtls_test_hs_settle(srv, 8000, &si));
	ASSERT_EQ(DTLS_HS_STATE_FAILED, dtls_test_hs_settle(cli, 8000, &ci));
	EXPECT_EQ(ALERT_UNKNOWN_PSK_ID, si.alert);
	EXPECT_FALSE(si.alert_remote);
	EXPECT_EQ(ENOKEY, si.error);
	EXPECT_EQ(ALERT_UNKNOWN_PSK_ID, ci.alert);
	EXPECT_TRUE(ci.alert_remote);
	EXPECT_EQ(ECONNREFUSED, ci.error);
	EXPECT_EQ(0, si.peer_id_len);
	EXPECT_EQ(failed + 2, stat_of("DtlsHsFailed"));
	close(srv);
	close(cli);
	EXPECT_EQ(0, dtls_test_wait_refcnt(0, 5000));
}

/*
 * Item 7: once established, a ClientHello in epoch 0 from the client's
 * own address and port (a raw IPv4 socket writes the UDP header) is a
 * record without keys to the server's record layer: dropped and counted,
 * no answer, the connection keeps working.
 */
TEST(client_hello_after_handshake)
{
	struct dtls_sock_stats s0, s1, c0, c1;
	union dtls_test_addr sa, ca;
	socklen_t alen = sizeof(sa);
	uint8_t body[256], dg[512], rnd[32] = { 1 };
	struct sockaddr_in to;
	struct udphdr *uh;
	int srv, cli, rawfd, i;
	size_t n;

	ASSERT_EQ(0, kk_pair(&srv, &cli, PSK_KEY, PSK_ID, PSK_KEY));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), srv, 0, NULL, 0));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), cli, 0, NULL, 0));
	ASSERT_EQ(0, dtls_test_ping_pong(cli, srv)) {
		dtls_test_hs_show("server", srv);
		dtls_test_hs_show("client", cli);
	}
	ASSERT_EQ(0, getsockname(srv, &sa.sa, &alen));
	alen = sizeof(ca);
	ASSERT_EQ(0, getsockname(cli, &ca.sa, &alen));

	rawfd = socket(AF_INET, SOCK_RAW, IPPROTO_UDP);
	ASSERT_GE(rawfd, 0);
	s0 = sock_stats(srv);
	c0 = sock_stats(cli);
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_addr = sa.in4.sin_addr;
	/* One as DTLS 1.2, one as 1.0 as first ClientHellos often are. */
	for (i = 0; i < 2; i++) {
		n = ch_body(body, rnd, NULL, 0);
		n = hs_frag(dg + 8 + 13, HT_CH, n, 0, 0, n, body);
		n = rec_build(dg + 8, REC_HS, i ? V10 : V12, 0, i,
			      dg + 8 + 13, n);
		uh = (struct udphdr *)dg;
		uh->source = ca.in4.sin_port;
		uh->dest = sa.in4.sin_port;
		uh->len = htons(8 + n);
		uh->check = 0;
		ASSERT_EQ((ssize_t)(8 + n),
			  sendto(rawfd, dg, 8 + n, 0, (struct sockaddr *)&to,
				 sizeof(to)));
	}
	usleep(QUIET_MS * 1000);
	s1 = sock_stats(srv);
	c1 = sock_stats(cli);
	EXPECT_EQ(2, (s1.rx_bad_epoch - s0.rx_bad_epoch) +
		     (s1.rx_malformed - s0.rx_malformed));
	EXPECT_EQ(s0.rx_records, s1.rx_records);
	/* No answer reached the client. */
	EXPECT_EQ(c0.rx_bad_epoch, c1.rx_bad_epoch);
	EXPECT_EQ(c0.rx_malformed, c1.rx_malformed);
	EXPECT_EQ(c0.rx_records, c1.rx_records);
	EXPECT_EQ(DTLS_HS_STATE_ESTABLISHED, hs_state(srv));
	EXPECT_EQ(0, dtls_test_hs_check(cli, srv, SUITE, 0));
	close(rawfd);
	close(srv);
	close(cli);
}

/* ------------------------------------------- raw client, kernel server */

FIXTURE(lsn) {
	int srv;
	union dtls_test_addr sa;
	struct raw r;
};

FIXTURE_VARIANT(lsn) {
	int family;
};

FIXTURE_VARIANT_ADD(lsn, v4) {
	.family = AF_INET,
};

FIXTURE_VARIANT_ADD(lsn, v6) {
	.family = AF_INET6,
};

FIXTURE_SETUP(lsn)
{
	srand(getpid());
	/* A long RTO: no resend of flight 4 gets in the way. */
	self->srv = server_start(variant->family, &self->sa, 5000, 10000);
	ASSERT_GE(self->srv, 0);
	timeo(self->srv, WAIT_MS);
	ASSERT_EQ(0, raw_open(&self->r, variant->family, &self->sa));
}

FIXTURE_TEARDOWN(lsn)
{
	close(self->r.fd);
	close(self->srv);
}

/* The raw peer completes a handshake and exchanges data: it is right. */
TEST_F(lsn, raw_handshake_ok)
{
	struct dtls_hs_info si;
	uint8_t buf[64];
	char got[64];

	ASSERT_EQ(0, raw_hello(&self->r)) TH_LOG("%s", self->r.why);
	EXPECT_EQ(SUITE, self->r.suite);
	ASSERT_EQ(0, raw_flight5(&self->r, PSK_ID, false));
	ASSERT_EQ(0, raw_wait_fin(&self->r, WAIT_MS)) {
		TH_LOG("alert %d", self->r.alert);
		dtls_test_hs_show("server", self->srv);
	}
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED,
		  dtls_test_hs_settle(self->srv, WAIT_MS, &si));
	EXPECT_EQ(SUITE, si.suite);
	EXPECT_EQ(strlen(PSK_ID), si.peer_id_len);
	EXPECT_EQ(0, getpeername_errno(self->srv));

	ASSERT_EQ(0, raw_send_data(&self->r, "hello kernel", 12));
	ASSERT_EQ(12, recv(self->srv, got, sizeof(got), 0));
	EXPECT_EQ(0, memcmp(got, "hello kernel", 12));
	ASSERT_EQ(9, send(self->srv, "hello raw", 9, 0));
	ASSERT_EQ(9, raw_recv_data(&self->r, buf, sizeof(buf), WAIT_MS));
	EXPECT_EQ(0, memcmp(buf, "hello raw", 9));
}

/*
 * Item 3: a cookie is bound to the client's address and port.  The same
 * ClientHello with port A's cookie, sent from port B, gets a fresh
 * HelloVerifyRequest (with another cookie) and leaves no state; from A
 * it still works.
 */
TEST_F(lsn, cookie_from_other_port)
{
	struct raw b;
	uint8_t body[512], dg[1024];
	struct hmsg m;
	size_t n;

	ASSERT_EQ(0, raw_get_cookie(&self->r)) TH_LOG("%s", self->r.why);
	ASSERT_EQ(0, raw_open(&b, variant->family, &self->sa));
	memcpy(b.crand, self->r.crand, 32);
	b.mseq = 1;
	b.seq0 = 1;
	n = ch_body(body, b.crand, self->r.cookie, self->r.cookie_len);
	n = raw_msg_record(&b, dg, HT_CH, body, n);
	ASSERT_EQ(0, raw_send(&b, dg, n));
	ASSERT_EQ(0, raw_wait_msg(&b, 0, WAIT_MS, &m)) TH_LOG("%s", b.why);
	EXPECT_EQ(HT_HVR, m.type);
	ASSERT_EQ(3 + 32, m.len);
	EXPECT_NE(0, memcmp(m.body + 3, self->r.cookie, 32));
	EXPECT_EQ(DTLS_HS_STATE_RUNNING, hs_state(self->srv));
	EXPECT_EQ(ENOTCONN, getpeername_errno(self->srv));
	/* Nothing else comes to B: no ServerHello, no flight. */
	EXPECT_NE(0, raw_wait_msg(&b, 0, QUIET_MS, &m));
	close(b.fd);

	/* A's own cookie is good: A gets its ServerHello. */
	n = ch_body(body, self->r.crand, self->r.cookie, self->r.cookie_len);
	n = raw_msg_record(&self->r, dg, HT_CH, body, n);
	ASSERT_EQ(0, raw_send(&self->r, dg, n));
	ASSERT_EQ(0, raw_wait_msg(&self->r, 0, WAIT_MS, &m))
		TH_LOG("%s", self->r.why);
	EXPECT_EQ(HT_SH, m.type);
}

/*
 * Item 5: a Finished that authenticates but whose verify_data is wrong.
 * The server fails with decrypt_error, sent in the clear (it sent no CCS).
 */
TEST_F(lsn, finished_wrong_verify_data)
{
	long long failed = stat_of("DtlsHsFailed");
	struct dtls_hs_info si;

	ASSERT_EQ(0, raw_hello(&self->r)) TH_LOG("%s", self->r.why);
	ASSERT_EQ(0, raw_flight5(&self->r, PSK_ID, true));
	EXPECT_EQ(-EPROTO, raw_wait_fin(&self->r, WAIT_MS));
	EXPECT_EQ(ALERT_DECRYPT_ERROR, self->r.alert);
	ASSERT_EQ(DTLS_HS_STATE_FAILED,
		  dtls_test_hs_settle(self->srv, WAIT_MS, &si));
	EXPECT_EQ(ALERT_DECRYPT_ERROR, si.alert);
	EXPECT_FALSE(si.alert_remote);
	EXPECT_EQ(EKEYREJECTED, si.error);
	EXPECT_EQ(failed + 1, stat_of("DtlsHsFailed"));
	EXPECT_EQ(EKEYREJECTED, so_error(self->srv));
}

/*
 * Item 8: a ClientHello in an epoch-1 record at a listening server: no
 * answer, no state.  The same in epoch 0 gets its HelloVerifyRequest.
 */
TEST_F(lsn, epoch1_client_hello)
{
	struct dtls_sock_stats s0, s1;
	uint8_t body[512], msg[600], dg[1024];
	struct hmsg m;
	size_t n;

	s0 = sock_stats(self->srv);
	n = ch_body(body, self->r.crand, NULL, 0);
	n = hs_frag(msg, HT_CH, n, 0, 0, n, body);
	n = rec_build(dg, REC_HS, V12, 1, 0, msg, n);
	ASSERT_EQ(0, raw_send(&self->r, dg, n));
	EXPECT_NE(0, raw_wait_msg(&self->r, 0, QUIET_MS, &m));
	EXPECT_EQ(0, self->r.last_len);
	s1 = sock_stats(self->srv);
	EXPECT_LE(1, (s1.rx_malformed - s0.rx_malformed) +
		     (s1.rx_bad_epoch - s0.rx_bad_epoch));
	EXPECT_EQ(DTLS_HS_STATE_RUNNING, hs_state(self->srv));
	EXPECT_EQ(ENOTCONN, getpeername_errno(self->srv));

	ASSERT_EQ(0, raw_get_cookie(&self->r)) TH_LOG("%s", self->r.why);
}

/*
 * Item 9: 1000 ClientHellos without cookies from 50 source ports.  Each
 * gets a HelloVerifyRequest no larger than itself, with the ClientHello's
 * message_seq and record sequence number; the server keeps no state.
 */
#define FLOOD_SOCKS	50
#define FLOOD_ROUNDS	20
TEST_F(lsn, hello_flood)
{
	long long hvr0 = stat_of("DtlsHsHelloVerifySent");
	long long started = stat_of("DtlsHsStarted");
	int fds[FLOOD_SOCKS], i, j, got = 0, bad = 0;
	uint8_t body[512], msg[600], dg[1024];

	for (i = 0; i < FLOOD_SOCKS; i++) {
		union dtls_test_addr a;

		fds[i] = dtls_test_udp_bound(variant->family, &a);
		ASSERT_GE(fds[i], 0);
		ASSERT_EQ(0, connect(fds[i], &self->sa.sa,
				     dtls_test_addr_len(variant->family)));
	}
	for (j = 0; j < FLOOD_ROUNDS; j++) {
		size_t len[FLOOD_SOCKS];

		for (i = 0; i < FLOOD_SOCKS; i++) {
			uint8_t rnd[32];
			size_t n;
			int k;

			for (k = 0; k < 32; k++)
				rnd[k] = rand();
			n = ch_body(body, rnd, NULL, 0);
			n = hs_frag(msg, HT_CH, n, j, 0, n, body);
			len[i] = rec_build(dg, REC_HS, V12, 0, 1000 + j, msg,
					   n);
			ASSERT_EQ((ssize_t)len[i], send(fds[i], dg, len[i], 0));
		}
		for (i = 0; i < FLOOD_SOCKS; i++) {
			struct pollfd p = { .fd = fds[i], .events = POLLIN };
			ssize_t n;

			if (poll(&p, 1, got ? 1000 : WAIT_MS) != 1)
				continue;
			n = recv(fds[i], dg, sizeof(dg), 0);
			got++;
			if (n < 13 + 12 + 3 || n > (ssize_t)len[i] ||
			    dg[0] != REC_HS || dg[13] != HT_HVR ||
			    get48(dg + 5) != 1000u + j ||
			    get16(dg + 13 + 4) != (unsigned int)j)
				bad++;
		}
	}
	for (i = 0; i < FLOOD_SOCKS; i++)
		close(fds[i]);
	EXPECT_LE(FLOOD_SOCKS * FLOOD_ROUNDS - 10, got);
	EXPECT_EQ(0, bad);
	EXPECT_LE(got, stat_of("DtlsHsHelloVerifySent") - hvr0);
	EXPECT_EQ(started, stat_of("DtlsHsStarted"));
	EXPECT_EQ(DTLS_HS_STATE_RUNNING, hs_state(self->srv));
	EXPECT_EQ(ENOTCONN, getpeername_errno(self->srv));
	/* And the server still serves a real client. */
	ASSERT_EQ(0, raw_hello(&self->r)) TH_LOG("%s", self->r.why);
}

/*
 * Item 6: after ServerHelloDone, a CCS and garbage epoch-1 records before
 * any ClientKeyExchange.  The server has no keys for epoch 1: it drops
 * them, never becomes established, and its time-out ends it.
 */
TEST(ccs_before_key_exchange)
{
	struct dtls_sock_stats s0, s1;
	union dtls_test_addr sa;
	struct dtls_hs_info si;
	uint8_t dg[512], junk[64], ccs = 1;
	struct raw r;
	size_t n;
	int srv, i;

	/*
	 * The time-out is checked when the flight timer fires (1 s, 3 s,
	 * 7 s): past the quiet window below, not long after it.
	 */
	srv = server_start(AF_INET, &sa, 1000, QUIET_MS + 2000);
	ASSERT_GE(srv, 0);
	ASSERT_EQ(0, raw_open(&r, AF_INET, &sa));
	ASSERT_EQ(0, raw_hello(&r)) TH_LOG("%s", r.why);
	s0 = sock_stats(srv);
	n = rec_build(dg, REC_CCS, V12, 0, r.seq0++, &ccs, 1);
	ASSERT_EQ(0, raw_send(&r, dg, n));
	for (i = 0; i < 4; i++) {
		memset(junk, 0x5a + i, sizeof(junk));
		n = rec_build(dg, i & 1 ? REC_DATA : REC_HS, V12, 1, i, junk,
			      sizeof(junk));
		ASSERT_EQ(0, raw_send(&r, dg, n));
	}
	EXPECT_EQ(-ETIMEDOUT, raw_wait_fin(&r, QUIET_MS));
	s1 = sock_stats(srv);
	EXPECT_EQ(4, s1.rx_bad_epoch - s0.rx_bad_epoch);
	EXPECT_EQ(DTLS_HS_STATE_RUNNING, hs_state(srv));

	ASSERT_EQ(DTLS_HS_STATE_FAILED, dtls_test_hs_settle(srv, 15000, &si));
	EXPECT_EQ(ETIMEDOUT, si.error);
	close(r.fd);
	close(srv);
}

/* ----------------------------------------------------- bad fragments */

/*
 * Item 4: the ClientHello with cookie (phase "ch") or the
 * ClientKeyExchange (phase "cke") sent in fragments.  Overlapping,
 * duplicate and reordered fragments reassemble; a fragment whose message
 * length or type differs from the first one's, a message over 16384
 * bytes, or a fragment past the message's end is rejected and counted,
 * and the message goes on from the good fragments alone.
 */
enum frag_kind {
	FK_OVERLAP, FK_DUP, FK_REORDER, FK_LEN, FK_TYPE, FK_HUGE, FK_BEYOND,
};

FIXTURE(frag) {
	int srv;
	union dtls_test_addr sa;
	struct raw r;
};

FIXTURE_VARIANT(frag) {
	bool cke;
	enum frag_kind kind;
};

#define FRAG_VARIANT(name, c, k)				\
	FIXTURE_VARIANT_ADD(frag, name) { .cke = c, .kind = k, }

FRAG_VARIANT(ch_overlap, false, FK_OVERLAP);
FRAG_VARIANT(ch_duplicate, false, FK_DUP);
FRAG_VARIANT(ch_reorder, false, FK_REORDER);
FRAG_VARIANT(ch_length_differs, false, FK_LEN);
FRAG_VARIANT(ch_type_differs, false, FK_TYPE);
FRAG_VARIANT(ch_over_16384, false, FK_HUGE);
FRAG_VARIANT(ch_beyond_end, false, FK_BEYOND);
FRAG_VARIANT(cke_overlap, true, FK_OVERLAP);
FRAG_VARIANT(cke_duplicate, true, FK_DUP);
FRAG_VARIANT(cke_reorder, true, FK_REORDER);
FRAG_VARIANT(cke_length_differs, true, FK_LEN);
FRAG_VARIANT(cke_type_differs, true, FK_TYPE);
FRAG_VARIANT(cke_over_16384, true, FK_HUGE);
FRAG_VARIANT(cke_beyond_end, true, FK_BEYOND);

FIXTURE_SETUP(frag)
{
	srand(getpid());
	self->srv = server_start(AF_INET, &self->sa, 5000, 10000);
	ASSERT_GE(self->srv, 0);
	ASSERT_EQ(0, raw_open(&self->r, AF_INET, &self->sa));
}

FIXTURE_TEARDOWN(frag)
{
	close(self->r.fd);
	close(self->srv);
}

/* Send one fragment [off, off + flen) of @body in a record of its own. */
static int send_frag(struct raw *r, uint8_t type, uint32_t length,
		     uint16_t seq, uint32_t off, uint32_t flen,
		     const uint8_t *body)
{
	uint8_t msg[20100], dg[20200];
	size_t n = hs_frag(msg, type, length, seq, off, flen, body + off);

	n = rec_build(dg, REC_HS, V12, 0, r->seq0++, msg, n);
	return raw_send(r, dg, n);
}

TEST_F(frag, cases)
{
	long long bad0 = stat_of("DtlsHsBadFragment");
	uint8_t type = variant->cke ? HT_CKE : HT_CH;
	bool good = variant->kind <= FK_REORDER;
	struct dtls_sock_stats s0, s1;
	uint8_t body[20100], fin[256];
	struct dtls_hs_info si;
	struct hmsg m;
	size_t L, h, finlen = 0;
	uint16_t seq;
	long long bad;

	memset(body, 0x33, sizeof(body));
	if (variant->cke) {
		ASSERT_EQ(0, raw_hello(&self->r)) TH_LOG("%s", self->r.why);
		L = cke_body(body, LONG_ID);
	} else {
		ASSERT_EQ(0, raw_get_cookie(&self->r))
			TH_LOG("%s", self->r.why);
		L = ch_body(body, self->r.crand, self->r.cookie,
			    self->r.cookie_len);
	}
	seq = self->r.mseq++;
	h = L / 2;
	s0 = sock_stats(self->srv);

	switch (variant->kind) {
	case FK_OVERLAP:
		ASSERT_EQ(0, send_frag(&self->r, type, L, seq, 0, h + 8, body));
		ASSERT_EQ(0, send_frag(&self->r, type, L, seq, h - 8, L - h + 8,
				       body));
		break;
	case FK_DUP:
		ASSERT_EQ(0, send_frag(&self->r, type, L, seq, 0, h, body));
		ASSERT_EQ(0, send_frag(&self->r, type, L, seq, 0, h, body));
		ASSERT_EQ(0, send_frag(&self->r, type, L, seq, h, L - h, body));
		ASSERT_EQ(0, send_frag(&self->r, type, L, seq, h, L - h, body));
		break;
	case FK_REORDER:
		ASSERT_EQ(0, send_frag(&self->r, type, L, seq, 2 * L / 3,
				       L - 2 * L / 3, body));
		ASSERT_EQ(0, send_frag(&self->r, type, L, seq, 0, L / 3, body));
		ASSERT_EQ(0, send_frag(&self->r, type, L, seq, L / 3,
				       2 * L / 3 - L / 3, body));
		break;
	case FK_LEN:
		ASSERT_EQ(0, send_frag(&self->r, type, L, seq, 0, h, body));
		ASSERT_EQ(0, send_frag(&self->r, type, L + 4, seq, h, L - h,
				       body));
		break;
	case FK_TYPE:
		ASSERT_EQ(0, send_frag(&self->r, type, L, seq, 0, h, body));
		ASSERT_EQ(0, send_frag(&self->r, variant->cke ? HT_CH : HT_SH,
				       L, seq, h, L - h, body));
		break;
	case FK_HUGE:
		/* The first fragment of a message that claims 20000 bytes. */
		ASSERT_EQ(0, send_frag(&self->r, type, 20000, seq, 0, L, body));
		break;
	case FK_BEYOND:
		ASSERT_EQ(0, send_frag(&self->r, type, L, seq, 0, h, body));
		ASSERT_EQ(0, send_frag(&self->r, type, L, seq, h, L - h + 16,
				       body));
		break;
	}

	if (variant->cke) {
		/* The keys and our Finished, as if the message were whole. */
		raw_tr_add(&self->r, HT_CKE, seq, body, L);
		raw_derive(&self->r, PSK_KEY, PSK_KEY_LEN);
		finlen = raw_finished(&self->r, fin, false);
		ASSERT_LT(0, finlen);
		ASSERT_EQ(0, raw_send(&self->r, fin, finlen));
	}

	/*
	 * A listening server keeps nothing before a valid cookie, so it takes
	 * a ClientHello only whole, in one record (as OpenSSL's
	 * DTLSv1_listen()): fragments of one are ignored, good or bad, and
	 * the whole message then works.
	 */
	if (good && variant->cke) {
		ASSERT_EQ(0, raw_wait_fin(&self->r, WAIT_MS))
			TH_LOG("alert %d", self->r.alert);
		EXPECT_EQ(DTLS_HS_STATE_ESTABLISHED,
			  dtls_test_hs_settle(self->srv, WAIT_MS, &si));
		return;
	}

	/* Rejected: no answer, no progress, the rejection counted. */
	if (variant->cke) {
		EXPECT_EQ(-ETIMEDOUT, raw_wait_fin(&self->r, QUIET_MS));
	} else {
		EXPECT_NE(0, raw_wait_msg(&self->r, HT_SH, QUIET_MS, &m));
	}
	EXPECT_EQ(DTLS_HS_STATE_RUNNING, hs_state(self->srv));
	s1 = sock_stats(self->srv);
	bad = stat_of("DtlsHsBadFragment") - bad0;
	if (variant->cke) {
		EXPECT_LE(1, bad);
	} else {
		/* A listening server counts what it drops as malformed. */
		EXPECT_LE(1, bad + (long long)(s1.rx_malformed -
					       s0.rx_malformed));
		EXPECT_EQ(ENOTCONN, getpeername_errno(self->srv));
	}

	/* The good fragments alone (again) make the message whole. */
	if (variant->kind == FK_HUGE) {
		ASSERT_EQ(0, send_frag(&self->r, type, L, seq, 0, L, body));
	} else {
		ASSERT_EQ(0, send_frag(&self->r, type, L, seq, h, L - h, body));
	}
	if (variant->cke) {
		/* The Finished that came before the keys was dropped. */
		ASSERT_EQ(0, raw_send(&self->r, fin, finlen));
		ASSERT_EQ(0, raw_wait_fin(&self->r, WAIT_MS))
			TH_LOG("alert %d", self->r.alert);
		EXPECT_EQ(DTLS_HS_STATE_ESTABLISHED,
			  dtls_test_hs_settle(self->srv, WAIT_MS, &si));
	} else if (variant->kind != FK_HUGE) {
		/* A listening server needs the ClientHello whole. */
		ASSERT_EQ(0, send_frag(&self->r, type, L, seq, 0, L, body));
		ASSERT_EQ(0, raw_wait_msg(&self->r, HT_SH, WAIT_MS, &m))
			TH_LOG("%s", self->r.why);
	} else {
		ASSERT_EQ(0, raw_wait_msg(&self->r, HT_SH, WAIT_MS, &m))
			TH_LOG("%s", self->r.why);
	}
}

/* ----------------------------------------------------- netlink inputs */

/* PSK_ADD with both psk-key and psk-key-serial, by hand: 0 or -errno. */
static int nl_psk_add_both(int fd)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	struct genlmsghdr *g;
	struct nlmsghdr *nlh;
	uint16_t family = 0;
	uint32_t portid, seq = time(NULL);
	int32_t sfd = fd, serial = 1;
	int ret = -EIO;
	ssize_t n;

	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto out;
	portid = mnl_socket_get_portid(nl);

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = ++seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, DTLS_FAMILY_NAME);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		goto out;
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n <= 0)
		goto out;
	nlh = (struct nlmsghdr *)buf;
	if (nlh->nlmsg_type == NLMSG_ERROR)
		goto out;
	{
		struct nlattr *a;

		mnl_attr_for_each(a, nlh, sizeof(*g))
			if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
				family = mnl_attr_get_u16(a);
	}
	if (!family)
		goto out;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = DTLS_CMD_PSK_ADD;
	g->version = DTLS_FAMILY_VERSION;
	mnl_attr_put(nlh, DTLS_A_HS_FD, sizeof(sfd), &sfd);
	mnl_attr_put(nlh, DTLS_A_HS_PSK_IDENTITY, strlen(PSK_ID), PSK_ID);
	mnl_attr_put(nlh, DTLS_A_HS_PSK_KEY, PSK_KEY_LEN, PSK_KEY);
	mnl_attr_put(nlh, DTLS_A_HS_PSK_KEY_SERIAL, sizeof(serial), &serial);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		goto out;
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n <= 0)
		goto out;
	ret = mnl_cb_run(buf, n, seq, portid, NULL, NULL) < 0 ? -errno : 0;
out:
	if (nl)
		mnl_socket_close(nl);
	return ret;
}

/* Item 10: configuration the kernel must refuse. */
TEST(netlink_bad_config)
{
	static const uint16_t bad_suite = 0x1234, good_suite = SUITE;
	struct dtls_hs_config cfg = { .cookies = -1 };
	union dtls_test_addr a;
	char msg[128];
	int fd = dtls_test_udp_bound(AF_INET, &a);

	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), fd, NULL, NULL, 0));
	cfg.suites = &bad_suite;
	cfg.n_suites = 1;
	EXPECT_EQ(-EINVAL, dtls_hs_config(dtls_test_nl(), fd, 0, &cfg, msg, sizeof(msg)));
	EXPECT_NE(0, msg[0]);
	cfg.suites = &good_suite;
	cfg.mtu = 100;
	EXPECT_EQ(-EINVAL, dtls_hs_config(dtls_test_nl(), fd, 0, &cfg, msg, sizeof(msg)));
	cfg.mtu = 0;
	cfg.rto_initial_ms = 10;
	EXPECT_EQ(-EINVAL, dtls_hs_config(dtls_test_nl(), fd, 0, &cfg, msg, sizeof(msg)));
	cfg.rto_initial_ms = 0;
	cfg.timeout_ms = 10;
	EXPECT_EQ(-EINVAL, dtls_hs_config(dtls_test_nl(), fd, 0, &cfg, msg, sizeof(msg)));
	cfg.timeout_ms = 0;
	/* And a good one still goes through after those. */
	EXPECT_EQ(0, dtls_hs_config(dtls_test_nl(), fd, 0, &cfg, msg, sizeof(msg)));
	close(fd);
}

TEST(netlink_bad_psk)
{
	union dtls_test_addr a;
	uint8_t key[65], id[129];
	char msg[128];
	int fd = dtls_test_udp_bound(AF_INET, &a);

	memset(key, 'k', sizeof(key));
	memset(id, 'i', sizeof(id));
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), fd, NULL, NULL, 0));
	EXPECT_EQ(-EINVAL, dtls_psk_add(dtls_test_nl(), fd, 0, PSK_ID, strlen(PSK_ID), key, 65,
					0, msg, sizeof(msg)));
	EXPECT_EQ(-EINVAL, dtls_psk_add(dtls_test_nl(), fd, 0, PSK_ID, strlen(PSK_ID), key, 0,
					0, msg, sizeof(msg)));
	EXPECT_EQ(-EINVAL, dtls_psk_add(dtls_test_nl(), fd, 0, "", 0, key, 32, 0, msg,
					sizeof(msg)));
	EXPECT_EQ(-EINVAL, dtls_psk_add(dtls_test_nl(), fd, 0, id, 129, key, 32, 0, msg,
					sizeof(msg)));
	EXPECT_EQ(-EINVAL, nl_psk_add_both(fd));
	/* None of those left a key: start has none. */
	EXPECT_EQ(-ENOKEY, dtls_hs_start(dtls_test_nl(), fd, 0, msg, sizeof(msg)));
	/* The limits themselves are fine. */
	EXPECT_EQ(0, dtls_psk_add(dtls_test_nl(), fd, 0, id, 128, key, 64, 0, msg,
				  sizeof(msg)));
	close(fd);
}

TEST(netlink_start_errors)
{
	struct dtls_hs_config cfg = { .role = DTLS_HS_ROLE_CLIENT,
				      .cookies = -1 };
	union dtls_test_addr a, sa;
	char msg[128];
	int fd, srv;

	/* A client without a PSK, then unconnected. */
	fd = dtls_test_udp_bound(AF_INET, &a);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), fd, NULL, NULL, 0));
	ASSERT_EQ(0, dtls_hs_config(dtls_test_nl(), fd, 0, &cfg, msg, sizeof(msg)));
	EXPECT_EQ(-ENOKEY, dtls_hs_start(dtls_test_nl(), fd, 0, msg, sizeof(msg)));
	ASSERT_EQ(0, dtls_psk_add(dtls_test_nl(), fd, 0, PSK_ID, strlen(PSK_ID), PSK_KEY,
				  PSK_KEY_LEN, 0, msg, sizeof(msg)));
	EXPECT_EQ(-ENOTCONN, dtls_hs_start(dtls_test_nl(), fd, 0, msg, sizeof(msg)));
	EXPECT_EQ(DTLS_HS_STATE_CONFIGURED, hs_state(fd));

	/* Connected (to a silent socket): it starts, once. */
	srv = dtls_test_udp_bound(AF_INET, &sa);
	ASSERT_GE(srv, 0);
	ASSERT_EQ(0, connect(fd, &sa.sa, dtls_test_addr_len(AF_INET)));
	EXPECT_EQ(0, dtls_hs_start(dtls_test_nl(), fd, 0, msg, sizeof(msg)));
	EXPECT_EQ(-EBUSY, dtls_hs_start(dtls_test_nl(), fd, 0, msg, sizeof(msg)));
	EXPECT_EQ(-EBUSY, dtls_hs_config(dtls_test_nl(), fd, 0, &cfg, msg, sizeof(msg)));
	EXPECT_EQ(-EBUSY, dtls_psk_add(dtls_test_nl(), fd, 0, "x", 1, PSK_KEY, 16, 0, msg,
				       sizeof(msg)));
	EXPECT_EQ(DTLS_HS_STATE_RUNNING, hs_state(fd));
	close(fd);
	close(srv);
}

/* Item 10: hs-abort of a running client fails its socket. */
TEST(netlink_abort_running)
{
	struct dtls_hs_config cfg = { .role = DTLS_HS_ROLE_CLIENT,
				      .cookies = -1 };
	long long failed = stat_of("DtlsHsFailed");
	union dtls_test_addr a, sa;
	struct dtls_hs_info ci;
	char buf[16];
	int fd, srv;

	fd = dtls_test_udp_bound(AF_INET, &a);
	srv = dtls_test_udp_bound(AF_INET, &sa);
	ASSERT_GE(fd, 0);
	ASSERT_GE(srv, 0);
	ASSERT_EQ(0, connect(fd, &sa.sa, dtls_test_addr_len(AF_INET)));
	ASSERT_EQ(0, dtls_test_hs_setup(fd, &cfg, PSK_ID, PSK_KEY,
					PSK_KEY_LEN));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), fd, 0, NULL, 0));
	ASSERT_EQ(DTLS_HS_STATE_RUNNING, hs_state(fd));
	EXPECT_EQ(0, dtls_hs_abort(dtls_test_nl(), fd, 0, NULL, 0));

	ASSERT_EQ(0, dtls_hs_get(dtls_test_nl(), fd, 0, &ci, NULL, 0));
	EXPECT_EQ(DTLS_HS_STATE_FAILED, ci.state);
	EXPECT_EQ(ECONNABORTED, ci.error);
	EXPECT_EQ(0, ci.alert);
	EXPECT_EQ(ECONNABORTED, so_error(fd));
	EXPECT_EQ(-1, send(fd, "x", 1, 0));
	EXPECT_EQ(ECONNABORTED, errno);
	EXPECT_EQ(-1, recv(fd, buf, sizeof(buf), 0));
	EXPECT_EQ(ECONNABORTED, errno);
	EXPECT_NE(0, dtls_hs_abort(dtls_test_nl(), fd, 0, NULL, 0));
	EXPECT_EQ(failed + 1, stat_of("DtlsHsFailed"));
	close(fd);
	close(srv);
}

/* Item 10: a socket whose keys came from user space takes no handshake. */
TEST(netlink_user_keys)
{
	struct dtls12_crypto_info_aes_gcm_128 ci = {
		.info = { .version = DTLS_1_2_VERSION,
			  .cipher_type = DTLS_CIPHER_AES_GCM_128,
			  .epoch = 1 },
	};
	struct dtls_hs_config cfg = { .role = DTLS_HS_ROLE_CLIENT,
				      .cookies = -1 };
	union dtls_test_addr a, b;
	char msg[128];
	int fd, peer;

	fd = dtls_test_udp_bound(AF_INET, &a);
	peer = dtls_test_udp_bound(AF_INET, &b);
	ASSERT_GE(fd, 0);
	ASSERT_GE(peer, 0);
	ASSERT_EQ(0, connect(fd, &b.sa, dtls_test_addr_len(AF_INET)));
	ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), fd, NULL, NULL, 0));
	ASSERT_EQ(0, dtls_set_tx(fd, &ci, sizeof(ci)));
	EXPECT_EQ(-EISCONN, dtls_hs_config(dtls_test_nl(), fd, 0, &cfg, msg, sizeof(msg)));
	EXPECT_EQ(-EISCONN, dtls_psk_add(dtls_test_nl(), fd, 0, PSK_ID, strlen(PSK_ID),
					 PSK_KEY, PSK_KEY_LEN, 0, msg,
					 sizeof(msg)));
	EXPECT_EQ(-EISCONN, dtls_hs_start(dtls_test_nl(), fd, 0, msg, sizeof(msg)));
	close(fd);
	close(peer);
}

/* ------------------------------------------------ the running socket */

/*
 * Item 11: while its handshake runs, a socket neither reads nor writes:
 * non-blocking calls give EAGAIN, poll and epoll show no EPOLLOUT; the
 * handshake's end wakes them with EPOLLOUT.  The client talks to a kernel
 * server that is set up but started only later (the client resends its
 * ClientHello meanwhile).
 */
TEST(running_socket)
{
	static const uint16_t suite = SUITE;
	struct dtls_hs_config cfg = {
		.suites = &suite,
		.n_suites = 1,
		.rto_initial_ms = 100,
		.rto_max_ms = 200,
		.timeout_ms = 20000,
		.cookies = -1,
	};
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT }, out;
	struct sock_filter drop = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog drop_all = { .len = 1, .filter = &drop };
	union dtls_test_addr sa, ca;
	struct pollfd p;
	char buf[64];
	int srv, cli, ep;

	srv = dtls_test_udp_bound(AF_INET, &sa);
	cli = dtls_test_udp_bound(AF_INET, &ca);
	ASSERT_GE(srv, 0);
	ASSERT_GE(cli, 0);
	ASSERT_EQ(0, connect(cli, &sa.sa, dtls_test_addr_len(AF_INET)));
	cfg.role = DTLS_HS_ROLE_SERVER;
	ASSERT_EQ(0, dtls_test_hs_setup(srv, &cfg, PSK_ID, PSK_KEY,
					PSK_KEY_LEN));
	cfg.role = DTLS_HS_ROLE_CLIENT;
	ASSERT_EQ(0, dtls_test_hs_setup(cli, &cfg, PSK_ID, PSK_KEY,
					PSK_KEY_LEN));

	/* Configured, not running: a plain UDP socket still, writable. */
	p = (struct pollfd){ .fd = cli, .events = POLLOUT };
	EXPECT_EQ(1, poll(&p, 1, 0));

	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), cli, 0, NULL, 0));
	usleep(150000);		/* a resend or two */
	EXPECT_EQ(DTLS_HS_STATE_RUNNING, hs_state(cli));
	EXPECT_EQ(-1, recv(cli, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(-1, send(cli, "x", 1, MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, fcntl(cli, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-1, recv(cli, buf, sizeof(buf), 0));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(-1, send(cli, "x", 1, 0));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, fcntl(cli, F_SETFL, 0));

	p = (struct pollfd){ .fd = cli, .events = POLLOUT | POLLIN };
	EXPECT_EQ(0, poll(&p, 1, 0));
	ep = epoll_create1(0);
	ASSERT_GE(ep, 0);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, cli, &ev));
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));

	/*
	 * A listening server is not writable either.  The client's resends
	 * queued meanwhile would reach it at the start (a ClientHello that
	 * came before hs-start is not lost) and could end the handshake
	 * before the look: they wait outside a filter that drops everything,
	 * the queue emptied, until it is done.
	 */
	ASSERT_EQ(0, setsockopt(srv, SOL_SOCKET, SO_ATTACH_FILTER, &drop_all,
				sizeof(drop_all)));
	while (recv(srv, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		;
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), srv, 0, NULL, 0));
	p = (struct pollfd){ .fd = srv, .events = POLLOUT };
	EXPECT_EQ(0, poll(&p, 1, 0));
	EXPECT_EQ(-1, recv(srv, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, setsockopt(srv, SOL_SOCKET, SO_DETACH_FILTER, &ep,
				sizeof(ep)));	/* an int, not read */

	/* The client's next resend finds the server: established, EPOLLOUT. */
	ASSERT_EQ(1, epoll_wait(ep, &out, 1, 10000)) {
		dtls_test_hs_show("server", srv);
		dtls_test_hs_show("client", cli);
	}
	EXPECT_TRUE(out.events & EPOLLOUT);
	EXPECT_EQ(DTLS_HS_STATE_ESTABLISHED, hs_state(cli));
	p = (struct pollfd){ .fd = cli, .events = POLLOUT };
	EXPECT_EQ(1, poll(&p, 1, 0));
	EXPECT_TRUE(p.revents & POLLOUT);
	EXPECT_EQ(-1, recv(cli, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(4, send(cli, "ping", 4, MSG_DONTWAIT));
	p = (struct pollfd){ .fd = srv, .events = POLLIN | POLLOUT };
	EXPECT_EQ(1, poll(&p, 1, 5000));
	EXPECT_TRUE(p.revents & POLLOUT);
	timeo(srv, 5000);
	EXPECT_EQ(4, recv(srv, buf, sizeof(buf), 0));
	EXPECT_EQ(0, dtls_test_hs_check(cli, srv, SUITE, 0));
	close(ep);
	close(cli);
	close(srv);
}

/* ------------------------------------------------------ issue 11 items */

/*
 * The ClientKeyExchange alone (keys derived on both sides), not the CCS
 * and Finished that follow it: the server is then waiting for the Finished.
 */
static int raw_cke_only(struct raw *r)
{
	uint8_t body[256], dg[1024];
	size_t n;

	n = cke_body(body, PSK_ID);
	raw_tr_add(r, HT_CKE, r->mseq, body, n);
	raw_derive(r, PSK_KEY, PSK_KEY_LEN);
	n = raw_msg_record(r, dg, HT_CKE, body, n);
	if (raw_send(r, dg, n))
		return -1;
	/* Time for the server to derive its keys: forgeries come after. */
	usleep(300 * 1000);
	return 0;
}

/* @n epoch-1 records of @type whose tag cannot be right, @len bytes each. */
static int raw_forge(struct raw *r, uint8_t type, int n, size_t len,
		     int pace_us)
{
	static uint8_t junk[9000], dg[9100];
	int i;

	for (i = 0; i < n; i++) {
		size_t k;

		memset(junk, 0xa5 ^ i, len);
		/* seq 0 too: the real Finished's, the window must not move */
		k = rec_build(dg, type, V12, 1, i ? 1000 + i : 0, junk, len);
		if (raw_send(r, dg, k))
			return -1;
		if (pace_us)
			usleep(pace_us);
	}
	return 0;
}

/*
 * Issue 11 item 9: records of epoch 1 that do not authenticate, sent at
 * a server waiting for the client's Finished (after the client's keys
 * are in), one alone and then a flood: each is discarded and counted
 * (RFC 6347 4.1.2.7), the real Finished that follows completes the
 * handshake.  Before, the first one failed it with bad_record_mac.
 */
TEST_F(lsn, forged_epoch1_after_ccs)
{
	struct dtls_sock_stats s0, s1;
	struct dtls_hs_info si;
	uint8_t dg[1024], ccs = 1, got[16];
	size_t n;

	ASSERT_EQ(0, raw_hello(&self->r)) TH_LOG("%s", self->r.why);
	ASSERT_EQ(0, raw_cke_only(&self->r)) TH_LOG("%s", self->r.why);
	n = rec_build(dg, REC_CCS, V12, 0, self->r.seq0++, &ccs, 1);
	ASSERT_EQ(0, raw_send(&self->r, dg, n));
	s0 = sock_stats(self->srv);
	ASSERT_EQ(0, raw_forge(&self->r, REC_HS, 1, 40, 0));
	usleep(200 * 1000);
	EXPECT_EQ(DTLS_HS_STATE_RUNNING, hs_state(self->srv));
	ASSERT_EQ(0, raw_forge(&self->r, REC_HS, 200, 40, 0));
	ASSERT_EQ(0, raw_forge(&self->r, REC_ALERT, 20, 26, 0));
	usleep(300 * 1000);
	s1 = sock_stats(self->srv);
	/* Each one counted: as an authentication failure, or dropped. */
	EXPECT_LE(1, s1.rx_auth_fail - s0.rx_auth_fail);
	EXPECT_EQ(221, (s1.rx_auth_fail - s0.rx_auth_fail) +
		       (s1.rx_dropped - s0.rx_dropped));
	EXPECT_EQ(DTLS_HS_STATE_RUNNING, hs_state(self->srv));

	n = raw_finished(&self->r, dg, false);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, raw_send(&self->r, dg, n));
	ASSERT_EQ(0, raw_wait_fin(&self->r, WAIT_MS))
		TH_LOG("alert %d", self->r.alert);
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED,
		  dtls_test_hs_settle(self->srv, WAIT_MS, &si));
	ASSERT_EQ(0, raw_send_data(&self->r, "after forgery", 13));
	ASSERT_EQ(13, recv(self->srv, got, sizeof(got), 0));
}

/*
 * Issue 11 item 11: what a peer makes the handshake hold is bounded and
 * the excess counted.  At a server waiting for the Finished: 16 epoch-1
 * data records of 8000 bytes (records sent early are held until the
 * handshake is done: at most 32 KiB of them now, all 16 before) and
 * fragments of 16384-byte messages ahead of the Finished (the reassembly
 * budget).  The drops show in rx-dropped and DtlsHsBadFragment, and the
 * handshake still completes and carries data.
 */
TEST_F(lsn, early_and_fragment_flood)
{
	long long bad0 = stat_of("DtlsHsBadFragment");
	struct dtls_sock_stats s0, s1;
	static uint8_t big[16384];
	struct dtls_hs_info si;
	uint8_t dg[1024], got[16];
	uint16_t fin_seq;
	size_t n;
	int i;

	ASSERT_EQ(0, raw_hello(&self->r)) TH_LOG("%s", self->r.why);
	ASSERT_EQ(0, raw_cke_only(&self->r)) TH_LOG("%s", self->r.why);
	s0 = sock_stats(self->srv);
	/* Paced: the handshake's own queue is not what is tested here. */
	ASSERT_EQ(0, raw_forge(&self->r, REC_DATA, 16, 8000, 20000));
	fin_seq = self->r.mseq;
	for (i = 1; i <= 3; i++)
		ASSERT_EQ(0, send_frag(&self->r, HT_CKE, sizeof(big),
				       fin_seq + i, 0, 1000, big));
	usleep(300 * 1000);
	s1 = sock_stats(self->srv);
	EXPECT_LE(12, s1.rx_dropped - s0.rx_dropped);
	EXPECT_LE(1, stat_of("DtlsHsBadFragment") - bad0);
	EXPECT_EQ(DTLS_HS_STATE_RUNNING, hs_state(self->srv));

	n = raw_finished(&self->r, dg, false);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, raw_send(&self->r, dg, n));
	ASSERT_EQ(0, raw_wait_fin(&self->r, WAIT_MS))
		TH_LOG("alert %d", self->r.alert);
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED,
		  dtls_test_hs_settle(self->srv, WAIT_MS, &si));
	ASSERT_EQ(0, raw_send_data(&self->r, "still usable", 12));
	ASSERT_EQ(12, recv(self->srv, got, sizeof(got), 0));
	EXPECT_EQ(0, memcmp(got, "still usable", 12));
}

/* The extension @type of a hello's body (after @fixed bytes), or NULL. */
static const uint8_t *hello_ext(const uint8_t *b, size_t len, size_t fixed,
				unsigned int type, size_t *elen)
{
	size_t off = fixed, end;

	if (len < off + 2)
		return NULL;
	end = off + 2 + get16(b + off);
	if (end > len)
		return NULL;
	for (off += 2; off + 4 <= end; off += 4 + get16(b + off + 2)) {
		if (get16(b + off) == type && off + 4 + get16(b + off + 2) <= end) {
			*elen = get16(b + off + 2);
			return b + off + 4;
		}
	}
	return NULL;
}

/* A ServerHello's fixed part: version, random, session_id, suite, comp. */
static size_t sh_fixed(const uint8_t *b, size_t len)
{
	return len < 35 ? len : 35 + b[34] + 3;
}

/*
 * Issue 11 item 13, server: RFC 5746 3.6.  A ClientHello that signals
 * secure renegotiation with the SCSV, with the empty extension, or both,
 * gets an empty renegotiation_info in the ServerHello (ff01 0001 00); one
 * that signals neither gets none (RFC 5246 7.4.1.4: no extension the
 * client did not offer; before, it always came).
 */
TEST(sh_renegotiation_info)
{
	static const unsigned int hows[] = {
		CH_SCSV, CH_RENEG, CH_SCSV | CH_RENEG, 0,
	};
	unsigned int i;

	for (i = 0; i < sizeof(hows) / sizeof(hows[0]); i++) {
		uint8_t body[512], dg[1024];
		union dtls_test_addr sa;
		const uint8_t *e;
		struct hmsg m;
		struct raw r;
		size_t n, elen = 0;
		int srv;

		srv = server_start(AF_INET, &sa, 5000, 10000);
		ASSERT_GE(srv, 0);
		ASSERT_EQ(0, raw_open(&r, AF_INET, &sa));
		n = ch_body_how(body, r.crand, NULL, 0, hows[i]);
		n = raw_msg_record(&r, dg, HT_CH, body, n);
		ASSERT_EQ(0, raw_send(&r, dg, n));
		ASSERT_EQ(0, raw_wait_msg(&r, HT_HVR, WAIT_MS, &m))
			TH_LOG("%s", r.why);
		ASSERT_EQ(m.len, 3 + m.body[2]);
		n = ch_body_how(body, r.crand, m.body + 3, m.body[2], hows[i]);
		n = raw_msg_record(&r, dg, HT_CH, body, n);
		ASSERT_EQ(0, raw_send(&r, dg, n));
		ASSERT_EQ(0, raw_wait_msg(&r, HT_SH, WAIT_MS, &m))
			TH_LOG("%s", r.why);
		e = hello_ext(m.body, m.len, sh_fixed(m.body, m.len), 0xff01,
			      &elen);
		if (hows[i]) {
			ASSERT_NE(NULL, e) TH_LOG("case %u", hows[i]);
			ASSERT_EQ(1, elen);
			EXPECT_EQ(0, e[0]);
		} else {
			EXPECT_EQ(NULL, e) TH_LOG("unasked renegotiation_info");
		}
		/* EMS is answered in every case. */
		EXPECT_NE(NULL, hello_ext(m.body, m.len,
					  sh_fixed(m.body, m.len), 23, &elen));
		close(r.fd);
		close(srv);
	}
}

/* ------------------------------------------ raw server, kernel client */

struct raw;
struct hmsg;
static int rsrv_start_cfg(struct raw *r, int *cli, struct hmsg *ch,
			  const struct dtls_hs_config *cfgp);

/*
 * "raw" as the server of a kernel client (suite SUITE, PSK_ID): the
 * client's ClientHello is in @ch and in the transcript; no cookie.
 */
/* use_srtp of the next rsrv_start()'s kernel client, if set */
static const struct dtls_hs_config *rsrv_srtp;

static int rsrv_start(struct raw *r, int *cli, struct hmsg *ch)
{
	static const uint16_t suite = SUITE;
	struct dtls_hs_config cfg = {
		.role = DTLS_HS_ROLE_CLIENT,
		.suites = &suite,
		.n_suites = 1,
		.rto_initial_ms = 5000,
		.timeout_ms = 10000,
		.cookies = -1,
	};

	if (rsrv_srtp) {
		cfg.srtp_profiles = rsrv_srtp->srtp_profiles;
		cfg.n_srtp_profiles = rsrv_srtp->n_srtp_profiles;
		cfg.srtp_mki = rsrv_srtp->srtp_mki;
		cfg.srtp_mki_len = rsrv_srtp->srtp_mki_len;
	}
	return rsrv_start_cfg(r, cli, ch, &cfg);
}

static int rsrv_start_cfg(struct raw *r, int *cli, struct hmsg *ch,
			  const struct dtls_hs_config *cfgp)
{
	struct dtls_hs_config cfg = *cfgp;
	union dtls_test_addr sa, ca;
	int i;

	memset(r, 0, sizeof(*r));
	r->srv_seq = -1;
	r->alert = -1;
	for (i = 0; i < 32; i++)
		r->srand[i] = rand();
	r->fd = dtls_test_udp_bound(AF_INET, &sa);
	*cli = dtls_test_udp_bound(AF_INET, &ca);
	if (r->fd < 0 || *cli < 0 ||
	    connect(*cli, &sa.sa, dtls_test_addr_len(AF_INET)) ||
	    connect(r->fd, &ca.sa, dtls_test_addr_len(AF_INET)))
		return -1;
	timeo(*cli, WAIT_MS);
	if (dtls_test_hs_setup(*cli, &cfg, PSK_ID, PSK_KEY, PSK_KEY_LEN) ||
	    dtls_hs_start(dtls_test_nl(), *cli, 0, NULL, 0))
		return -1;
	if (raw_wait_msg(r, HT_CH, WAIT_MS, ch))
		return -1;
	if (ch->len < 34)
		return -1;
	memcpy(r->crand, ch->body + 2, 32);
	raw_tr_add(r, HT_CH, ch->seq, ch->body, ch->len);
	return 0;
}

/* ServerHello (EMS, with @reneg an empty renegotiation_info), SHD. */
static int rsrv_flight4(struct raw *r, bool reneg)
{
	uint8_t sh[128], *p = sh, msg[256], dg[512];
	size_t n, m;

	p = put16(p, V12);
	p = putb(p, r->srand, 32);
	p = put8(p, 0);
	p = put16(p, SUITE);
	p = put8(p, 0);
	p = put16(p, reneg ? 9 : 4);
	p = put16(p, 23);
	p = put16(p, 0);
	if (reneg) {
		p = put16(p, 0xff01);
		p = put16(p, 1);
		p = put8(p, 0);
	}
	n = p - sh;
	raw_tr_add(r, HT_SH, r->mseq, sh, n);
	m = hs_frag(msg, HT_SH, n, r->mseq++, 0, n, sh);
	raw_tr_add(r, HT_SHD, r->mseq, NULL, 0);
	m += hs_frag(msg + m, HT_SHD, 0, r->mseq++, 0, 0, NULL);
	n = rec_build(dg, REC_HS, V12, 0, r->seq0++, msg, m);
	return raw_send(r, dg, n);
}

/*
 * The client's flight 5: its ClientKeyExchange into the transcript, the
 * keys, and its Finished, computed here, into the transcript.
 */
static int rsrv_flight5_in(struct raw *r)
{
	uint8_t th[32], vd[12];
	struct hmsg m;

	if (raw_wait_msg(r, HT_CKE, WAIT_MS, &m))
		return -1;
	raw_tr_add(r, HT_CKE, m.seq, m.body, m.len);
	raw_derive(r, PSK_KEY, PSK_KEY_LEN);
	SHA256(r->tr, r->tlen, th);
	prf(r->master, 48, "client finished", th, 32, NULL, 0, vd, 12);
	raw_tr_add(r, HT_FIN, m.seq + 1, vd, 12);
	return 0;
}

/* CCS and the server's Finished (@flip: verify_data wrong), one datagram. */
static int rsrv_finished(struct raw *r, bool flip)
{
	uint8_t th[32], vd[12], msg[24], dg[256], ccs = 1;
	ssize_t s;
	size_t n;

	SHA256(r->tr, r->tlen, th);
	prf(r->master, 48, "server finished", th, 32, NULL, 0, vd, 12);
	if (flip)
		vd[5] ^= 0x10;
	hs_frag(msg, HT_FIN, 12, r->mseq++, 0, 12, vd);
	n = rec_build(dg, REC_CCS, V12, 0, r->seq0++, &ccs, 1);
	s = dtls_ref_seal(DTLS_CIPHER_AES_GCM_128, r->skey, r->siv, REC_HS, 1,
			  r->seq1++, NULL, msg, sizeof(msg), dg + n);
	if (s < 0)
		return -1;
	return raw_send(r, dg, n + s);
}

/*
 * The next alert from the kernel within @ms: 1 if sealed in epoch 1
 * (opened with @key and @iv, the kernel side's), 0 if in the clear,
 * -EBADMSG if an epoch-1 alert does not open or is not 2 bytes,
 * -ETIMEDOUT.  *@level, *@desc.
 */
static int raw_wait_alert(struct raw *r, int ms, const uint8_t *key,
			  const uint8_t *iv, int *level, int *desc)
{
	uint8_t buf[4096], pt[64];
	ssize_t n;

	while ((n = raw_recv(r, buf, sizeof(buf), ms)) > 0) {
		const uint8_t *p = buf;
		size_t left = n;
		struct rrec rr;

		while (rec_next(&p, &left, &rr)) {
			struct dtls_ref_hdr h;
			ssize_t k;

			if (rr.type != REC_ALERT)
				continue;
			if (!rr.epoch) {
				if (rr.len != 2)
					return -EBADMSG;
				*level = rr.frag[0];
				*desc = rr.frag[1];
				return 0;
			}
			k = dtls_ref_open(DTLS_CIPHER_AES_GCM_128, key, iv,
					  rr.rec, DTLS_REF_HDR_LEN + rr.len, &h,
					  pt, sizeof(pt), NULL);
			if (k != 2 || h.type != REC_ALERT || h.epoch != 1)
				return -EBADMSG;
			*level = pt[0];
			*desc = pt[1];
			return 1;
		}
	}
	return -ETIMEDOUT;
}

/* The kernel client's next alert (see raw_wait_alert). */
static int rsrv_wait_alert(struct raw *r, int ms, int *level, int *desc)
{
	return raw_wait_alert(r, ms, r->ckey, r->civ, level, desc);
}

/* One handshake message of type @ht, sealed in epoch 1 with @key, @iv. */
static int raw_send_sealed_hs(struct raw *r, uint8_t ht, const uint8_t *key,
			      const uint8_t *iv, const uint8_t *body,
			      size_t len)
{
	uint8_t msg[1024], dg[1200];
	ssize_t n;

	n = hs_frag(msg, ht, len, r->mseq++, 0, len, body);
	n = dtls_ref_seal(DTLS_CIPHER_AES_GCM_128, key, iv, REC_HS, 1,
			  r->seq1++, NULL, msg, n, dg);
	return n < 0 ? -1 : raw_send(r, dg, n);
}

/*
 * Issue 11 item 13, server: after the handshake, a ClientHello sealed in
 * the new epoch (a renegotiation) gets a sealed no_renegotiation warning
 * alert (1, 100), counted in DtlsHsRenegRefused, and the session goes on
 * both ways.  A forged one (it does not authenticate) gets nothing.
 */
TEST_F(lsn, renegotiation_refused)
{
	long long refused0 = stat_of("DtlsHsRenegRefused");
	uint8_t body[256], buf[64], rnd[32] = { 7 };
	struct dtls_hs_info si;
	int level = -1, desc = -1;
	char got[64];
	size_t n;

	ASSERT_EQ(0, raw_hello(&self->r)) TH_LOG("%s", self->r.why);
	ASSERT_EQ(0, raw_flight5(&self->r, PSK_ID, false));
	ASSERT_EQ(0, raw_wait_fin(&self->r, WAIT_MS));
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED,
		  dtls_test_hs_settle(self->srv, WAIT_MS, &si));
	/* Data first: the kept flight is gone, only renegotiation is left. */
	ASSERT_EQ(0, raw_send_data(&self->r, "one", 3));
	ASSERT_EQ(3, recv(self->srv, got, sizeof(got), 0));

	/* Forged: same bytes under a wrong key, no answer. */
	n = ch_body(body, rnd, NULL, 0);
	ASSERT_EQ(0, raw_send_sealed_hs(&self->r, HT_CH, self->r.skey,
					self->r.civ, body, n));
	EXPECT_EQ(-ETIMEDOUT, raw_wait_alert(&self->r, QUIET_MS, self->r.skey,
					     self->r.siv, &level, &desc));
	EXPECT_EQ(refused0, stat_of("DtlsHsRenegRefused"));

	ASSERT_EQ(0, raw_send_sealed_hs(&self->r, HT_CH, self->r.ckey,
					self->r.civ, body, n));
	ASSERT_EQ(1, raw_wait_alert(&self->r, WAIT_MS, self->r.skey,
				    self->r.siv, &level, &desc));
	EXPECT_EQ(1, level);
	EXPECT_EQ(100, desc);
	EXPECT_EQ(refused0 + 1, stat_of("DtlsHsRenegRefused"));

	EXPECT_EQ(DTLS_HS_STATE_ESTABLISHED, hs_state(self->srv));
	ASSERT_EQ(0, raw_send_data(&self->r, "two", 3));
	ASSERT_EQ(3, recv(self->srv, got, sizeof(got), 0));
	EXPECT_EQ(0, memcmp(got, "two", 3));
	ASSERT_EQ(5, send(self->srv, "three", 5, 0));
	ASSERT_EQ(5, raw_recv_data(&self->r, buf, sizeof(buf), WAIT_MS));
	EXPECT_EQ(0, memcmp(buf, "three", 5));
}

/*
 * The raw server is right: a kernel client completes the handshake with
 * it.  Issue 11 item 13, client: its ClientHello asks for secure
 * renegotiation with the empty extension (ff01 0001 00), and it takes a
 * ServerHello that answers with an empty one.  Issue 11 item 9, client:
 * epoch-1 records that do not authenticate, before the server's
 * Finished, are discarded and counted; the handshake completes.
 */
TEST(raw_server_forged_epoch1)
{
	struct dtls_sock_stats c0, c1;
	struct dtls_hs_info ci;
	const uint8_t *e;
	struct hmsg ch;
	size_t elen = 0, fixed;
	struct raw r;
	int cli;

	ASSERT_EQ(0, rsrv_start(&r, &cli, &ch)) TH_LOG("%s", r.why);
	/* version, random, session_id, cookie, suites, compression */
	fixed = 34;
	fixed += 1 + ch.body[fixed];
	fixed += 1 + ch.body[fixed];
	fixed += 2 + get16(ch.body + fixed);
	fixed += 1 + ch.body[fixed];
	e = hello_ext(ch.body, ch.len, fixed, 0xff01, &elen);
	ASSERT_NE(NULL, e);
	ASSERT_EQ(1, elen);
	EXPECT_EQ(0, e[0]);

	ASSERT_EQ(0, rsrv_flight4(&r, true));
	ASSERT_EQ(0, rsrv_flight5_in(&r)) TH_LOG("%s", r.why);
	usleep(100 * 1000);
	c0 = sock_stats(cli);
	ASSERT_EQ(0, raw_forge(&r, REC_HS, 100, 40, 0));
	usleep(300 * 1000);
	c1 = sock_stats(cli);
	EXPECT_LE(1, c1.rx_auth_fail - c0.rx_auth_fail);
	EXPECT_EQ(100, (c1.rx_auth_fail - c0.rx_auth_fail) +
		       (c1.rx_dropped - c0.rx_dropped));
	EXPECT_EQ(DTLS_HS_STATE_RUNNING, hs_state(cli));
	ASSERT_EQ(0, rsrv_finished(&r, false));
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED,
		  dtls_test_hs_settle(cli, WAIT_MS, &ci)) {
		dtls_test_hs_show("client", cli);
	}
	EXPECT_EQ(SUITE, ci.suite);
	close(r.fd);
	close(cli);
}

/*
 * Issue 11 item 13, client: a ServerHello whose renegotiation_info is not
 * empty fails the handshake with handshake_failure (RFC 5746 3.4).
 */
TEST(raw_server_reneg_not_empty)
{
	uint8_t sh[128], *p = sh, msg[256], dg[512];
	struct dtls_hs_info ci;
	struct hmsg ch;
	struct raw r;
	size_t n, m;
	int cli;

	ASSERT_EQ(0, rsrv_start(&r, &cli, &ch)) TH_LOG("%s", r.why);
	p = put16(p, V12);
	p = putb(p, r.srand, 32);
	p = put8(p, 0);
	p = put16(p, SUITE);
	p = put8(p, 0);
	p = put16(p, 4 + 6);
	p = put16(p, 23);
	p = put16(p, 0);
	p = put16(p, 0xff01);
	p = put16(p, 2);
	p = put8(p, 1);
	p = put8(p, 0x42);
	n = p - sh;
	m = hs_frag(msg, HT_SH, n, r.mseq++, 0, n, sh);
	m += hs_frag(msg + m, HT_SHD, 0, r.mseq++, 0, 0, NULL);
	n = rec_build(dg, REC_HS, V12, 0, r.seq0++, msg, m);
	ASSERT_EQ(0, raw_send(&r, dg, n));
	ASSERT_EQ(DTLS_HS_STATE_FAILED, dtls_test_hs_settle(cli, WAIT_MS, &ci));
	EXPECT_EQ(ALERT_HANDSHAKE_FAILURE, ci.alert);
	EXPECT_FALSE(ci.alert_remote);
	close(r.fd);
	close(cli);
}

#define ALERT_UNEXPECTED_MESSAGE	10

/*
 * A client answers a few HelloVerifyRequests a handshake (a server's,
 * one more if its cookie secret turned), not every one that comes: each
 * costs a ClientHello larger than itself sent to the server's address.
 * Three, each with a cookie of its own, get a ClientHello carrying it;
 * the fourth fails the handshake with unexpected_message and gets none.
 */
TEST(raw_server_hello_verify_bounded)
{
	uint8_t body[16], dg[256];
	struct dtls_hs_info ci;
	struct hmsg ch;
	struct raw r;
	size_t n;
	int cli, i;

	ASSERT_EQ(0, rsrv_start(&r, &cli, &ch)) TH_LOG("%s", r.why);
	for (i = 0; i < 4; i++) {
		put16(body, V10);
		body[2] = 8;
		memset(body + 3, 0xc0 + i, 8);
		r.mseq = ch.seq;	/* the HelloVerifyRequest answers it */
		n = raw_msg_record(&r, dg, HT_HVR, body, 11);
		ASSERT_EQ(0, raw_send(&r, dg, n));
		if (i == 3)
			break;
		ASSERT_EQ(0, raw_wait_msg(&r, HT_CH, WAIT_MS, &ch))
			TH_LOG("no ClientHello after HelloVerifyRequest %d", i);
		EXPECT_EQ(i + 1, ch.seq);
		/* version, random, session_id, then the cookie */
		ASSERT_LT(35 + ch.body[34], ch.len);
		EXPECT_EQ(8, ch.body[35 + ch.body[34]]);
		EXPECT_EQ(0xc0 + i, ch.body[36 + ch.body[34]]);
	}
	ASSERT_EQ(DTLS_HS_STATE_FAILED, dtls_test_hs_settle(cli, WAIT_MS, &ci));
	EXPECT_EQ(ALERT_UNEXPECTED_MESSAGE, ci.alert);
	EXPECT_FALSE(ci.alert_remote);
	EXPECT_NE(0, raw_wait_msg(&r, HT_CH, QUIET_MS, &ch));
	close(r.fd);
	close(cli);
}

/*
 * Issue 11 item 13, client: after the handshake, a HelloRequest sealed in
 * the new epoch gets a sealed no_renegotiation warning alert; the client
 * stays established and its data still reaches the server.
 */
TEST(raw_server_hello_request_refused)
{
	long long refused0 = stat_of("DtlsHsRenegRefused");
	uint8_t buf[4096], pt[64];
	int level = -1, desc = -1;
	struct dtls_ref_hdr h;
	struct dtls_hs_info ci;
	struct hmsg ch;
	struct raw r;
	ssize_t n;
	int cli;

	ASSERT_EQ(0, rsrv_start(&r, &cli, &ch)) TH_LOG("%s", r.why);
	ASSERT_EQ(0, rsrv_flight4(&r, true));
	ASSERT_EQ(0, rsrv_flight5_in(&r)) TH_LOG("%s", r.why);
	ASSERT_EQ(0, rsrv_finished(&r, false));
	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED,
		  dtls_test_hs_settle(cli, WAIT_MS, &ci));

	ASSERT_EQ(0, raw_send_sealed_hs(&r, 0 /* hello_request */, r.skey,
					r.siv, NULL, 0));
	ASSERT_EQ(1, rsrv_wait_alert(&r, WAIT_MS, &level, &desc));
	EXPECT_EQ(1, level);
	EXPECT_EQ(100, desc);
	EXPECT_EQ(refused0 + 1, stat_of("DtlsHsRenegRefused"));
	EXPECT_EQ(DTLS_HS_STATE_ESTABLISHED, hs_state(cli));

	ASSERT_EQ(4, send(cli, "data", 4, 0));
	n = raw_recv(&r, buf, sizeof(buf), WAIT_MS);
	ASSERT_LT(0, n);
	EXPECT_EQ(4, dtls_ref_open(DTLS_CIPHER_AES_GCM_128, r.ckey, r.civ, buf,
				   n, &h, pt, sizeof(pt), NULL));
	EXPECT_EQ(REC_DATA, h.type);
	EXPECT_EQ(0, memcmp(pt, "data", 4));
	close(r.fd);
	close(cli);
}

/*
 * Issue 11 item 4: the kernel client, its keys in and its CCS sent, gets
 * a server Finished whose verify_data is wrong.  It fails with
 * decrypt_error and sends that alert sealed in epoch 1, through a
 * scatterlist over heap memory (it was a stack array: wrong with
 * VMAP_STACK, caught by CONFIG_DEBUG_SG).  The alert opens with the
 * client's keys and is fatal decrypt_error.
 */
TEST(sealed_alert_on_bad_finished)
{
	struct dtls_hs_info ci;
	int level = -1, desc = -1;
	struct hmsg ch;
	struct raw r;
	int cli;

	ASSERT_EQ(0, rsrv_start(&r, &cli, &ch)) TH_LOG("%s", r.why);
	ASSERT_EQ(0, rsrv_flight4(&r, true));
	ASSERT_EQ(0, rsrv_flight5_in(&r)) TH_LOG("%s", r.why);
	ASSERT_EQ(0, rsrv_finished(&r, true));
	ASSERT_EQ(1, rsrv_wait_alert(&r, WAIT_MS, &level, &desc));
	EXPECT_EQ(2, level);
	EXPECT_EQ(ALERT_DECRYPT_ERROR, desc);
	ASSERT_EQ(DTLS_HS_STATE_FAILED, dtls_test_hs_settle(cli, WAIT_MS, &ci));
	EXPECT_EQ(EKEYREJECTED, ci.error);
	EXPECT_EQ(ALERT_DECRYPT_ERROR, ci.alert);
	EXPECT_FALSE(ci.alert_remote);
	close(r.fd);
	close(cli);
}

/*
 * Issue 11 item 5: netlink handshake commands run in parallel
 * (parallel_ops) with the handshake's own failure, aborts and closes.
 * One thread keeps creating client handshakes that fail on their own
 * within 100 ms (nothing answers) and closes them at random; three loop
 * config, start, abort and get on them, by fd and by inode, for three
 * seconds.  A handle must never be freed under a command: the kernel
 * log stays clean (the runner checks it) and nothing leaks.
 */
#define RACE_SLOTS	8
#define RACE_WORKERS	3
#define RACE_SECONDS	3

struct race {
	union dtls_test_addr dead;	/* where the clients talk to */
	volatile int stop;
	int fd[RACE_SLOTS];
	uint64_t ino[RACE_SLOTS];
	pthread_mutex_t lock;
	unsigned long ops;
};

static void *race_creator(void *arg)
{
	static const uint16_t suite = SUITE;
	struct dtls_hs_config cfg = {
		.suites = &suite,
		.n_suites = 1,
		.rto_initial_ms = 50,
		.rto_max_ms = 50,
		.timeout_ms = 100,
		.cookies = -1,
	};
	struct race *rc = arg;
	unsigned int i = 0;

	while (!rc->stop) {
		union dtls_test_addr a;
		int fd = dtls_test_udp_bound(AF_INET, &a), old;
		uint64_t ino;

		if (fd < 0)
			continue;
		cfg.role = i & 3 ? DTLS_HS_ROLE_CLIENT : DTLS_HS_ROLE_SERVER;
		if (cfg.role == DTLS_HS_ROLE_CLIENT)
			connect(fd, &rc->dead.sa, dtls_test_addr_len(AF_INET));
		ino = dtls_test_ino(fd);
		if (dtls_sock_attach(dtls_test_nl(), fd, NULL, NULL, 0) ||
		    dtls_hs_config(dtls_test_nl(), fd, 0, &cfg, NULL, 0) ||
		    dtls_psk_add(dtls_test_nl(), fd, 0, PSK_ID, strlen(PSK_ID), PSK_KEY,
				 PSK_KEY_LEN, 0, NULL, 0)) {
			close(fd);
			continue;
		}
		if (i & 1)
			dtls_hs_start(dtls_test_nl(), fd, 0, NULL, 0);
		pthread_mutex_lock(&rc->lock);
		old = rc->fd[i % RACE_SLOTS];
		rc->fd[i % RACE_SLOTS] = fd;
		rc->ino[i % RACE_SLOTS] = ino;
		pthread_mutex_unlock(&rc->lock);
		/* Closed while the workers may be using it. */
		if (old >= 0)
			close(old);
		i++;
		usleep(rand() % 3000);
	}
	return NULL;
}

static void *race_worker(void *arg)
{
	static const uint16_t suite = SUITE;
	struct dtls_hs_config cfg = {
		.suites = &suite,
		.n_suites = 1,
		.rto_initial_ms = 50,
		.timeout_ms = 100,
		.cookies = -1,
		.start = 1,
	};
	struct race *rc = arg;
	struct dtls_nl *h;
	unsigned int seed = (unsigned long)&h;

	if (dtls_open(&h))
		return NULL;
	while (!rc->stop) {
		unsigned int k = rand_r(&seed) % RACE_SLOTS;
		struct dtls_hs_info info;
		uint64_t ino;
		int fd;

		pthread_mutex_lock(&rc->lock);
		fd = rc->fd[k];
		ino = rc->ino[k];
		pthread_mutex_unlock(&rc->lock);
		if (fd < 0)
			continue;
		switch (rand_r(&seed) % 8) {
		case 0:
			dtls_hs_abort(h, fd, 0, NULL, 0);
			break;
		case 1:
			dtls_hs_abort(h, -1, ino, NULL, 0);
			break;
		case 2:
			dtls_hs_get(h, fd, 0, &info, NULL, 0);
			break;
		case 3:
			dtls_hs_get(h, -1, ino, &info, NULL, 0);
			break;
		case 4:
			dtls_hs_config(h, fd, 0, &cfg, NULL, 0);
			break;
		case 5:
			dtls_hs_config(h, -1, ino, &cfg, NULL, 0);
			break;
		case 6:
			dtls_hs_start(h, -1, ino, NULL, 0);
			break;
		default:
			dtls_psk_add(h, -1, ino, PSK_ID, strlen(PSK_ID),
				       PSK_KEY, PSK_KEY_LEN, 0, NULL, 0);
			break;
		}
		__atomic_add_fetch(&rc->ops, 1, __ATOMIC_RELAXED);
	}
	dtls_close(h);
	return NULL;
}

TEST(netlink_races)
{
	pthread_t creator, workers[RACE_WORKERS];
	struct race rc = { .lock = PTHREAD_MUTEX_INITIALIZER };
	long long failed = stat_of("DtlsHsFailed");
	int dead, i;

	ASSERT_EQ(0, dtls_test_wait_refcnt(0, 5000));
	dead = dtls_test_udp_bound(AF_INET, &rc.dead);
	ASSERT_GE(dead, 0);
	for (i = 0; i < RACE_SLOTS; i++)
		rc.fd[i] = -1;
	ASSERT_EQ(0, pthread_create(&creator, NULL, race_creator, &rc));
	for (i = 0; i < RACE_WORKERS; i++)
		ASSERT_EQ(0, pthread_create(&workers[i], NULL, race_worker,
					    &rc));
	sleep(RACE_SECONDS);
	rc.stop = 1;
	pthread_join(creator, NULL);
	for (i = 0; i < RACE_WORKERS; i++)
		pthread_join(workers[i], NULL);
	for (i = 0; i < RACE_SLOTS; i++)
		if (rc.fd[i] >= 0)
			close(rc.fd[i]);
	close(dead);
	TH_LOG("%lu commands, %lld handshakes failed", rc.ops,
	       stat_of("DtlsHsFailed") - failed);
	EXPECT_LT(100, rc.ops);
	EXPECT_LT(0, stat_of("DtlsHsFailed") - failed);
	/* Every handshake and socket state went: no reference left. */
	EXPECT_EQ(0, dtls_test_wait_refcnt(0, 10000));
}

/*
 * Issue 14, client: a server's use_srtp (RFC 5764 4.1.1) that is
 * malformed (decode_error), names a profile the client did not offer or
 * another MKI (illegal_parameter), or answers no offer
 * (unsupported_extension) fails the handshake with that alert.
 */
FIXTURE(raw_srtp) {
	int cli;
	struct raw r;
};

FIXTURE_VARIANT(raw_srtp) {
	uint16_t n_offer;	/* 0: no use_srtp offered */
	const char *mki;	/* offered */
	const char *ext;	/* the server's extension_data */
	size_t ext_len;
	int alert;
};

#define RAW_SRTP(name, n, m, e, a)					\
	FIXTURE_VARIANT_ADD(raw_srtp, name) {				\
		.n_offer = n, .mki = m, .ext = e,			\
		.ext_len = sizeof(e) - 1, .alert = a,			\
	}

RAW_SRTP(profile_not_offered, 1, NULL, "\x00\x02\x00\x02\x00", 47);
RAW_SRTP(profile_unknown, 2, NULL, "\x00\x02\x00\x05\x00", 47);
RAW_SRTP(mki_not_ours, 1, "ab", "\x00\x02\x00\x01\x02xy", 47);
RAW_SRTP(mki_not_offered, 1, NULL, "\x00\x02\x00\x01\x01x", 47);
RAW_SRTP(unsolicited, 0, NULL, "\x00\x02\x00\x01\x00", 110);
RAW_SRTP(two_profiles, 2, NULL, "\x00\x04\x00\x01\x00\x02\x00", 50);
RAW_SRTP(odd_list, 1, NULL, "\x00\x03\x00\x01\x00\x00", 50);
RAW_SRTP(empty_list, 1, NULL, "\x00\x00\x00", 50);
RAW_SRTP(mki_overlong, 1, "ab", "\x00\x02\x00\x01\x05" "ab", 50);
RAW_SRTP(trailing_byte, 1, NULL, "\x00\x02\x00\x01\x00\xff", 50);
RAW_SRTP(no_mki_length, 1, NULL, "\x00\x02\x00\x01", 50);

FIXTURE_SETUP(raw_srtp)
{
	self->cli = -1;
}

FIXTURE_TEARDOWN(raw_srtp)
{
	rsrv_srtp = NULL;
	if (self->cli >= 0)
		close(self->cli);
	if (self->r.fd > 0)
		close(self->r.fd);
}

TEST_F(raw_srtp, refused)
{
	static const uint16_t offer[] = { 0x0001, 0x0007 };
	struct dtls_hs_config sc = {
		.srtp_profiles = offer,
		.n_srtp_profiles = variant->n_offer,
		.srtp_mki = variant->mki,
		.srtp_mki_len = variant->mki ? strlen(variant->mki) : 0,
	};
	uint8_t sh[256], *p = sh, msg[512], dg[768];
	struct dtls_hs_info ci;
	struct hmsg ch;
	size_t n, m;

	rsrv_srtp = &sc;
	ASSERT_EQ(0, rsrv_start(&self->r, &self->cli, &ch))
		TH_LOG("%s", self->r.why);
	p = put16(p, V12);
	p = putb(p, self->r.srand, 32);
	p = put8(p, 0);
	p = put16(p, SUITE);
	p = put8(p, 0);
	p = put16(p, 4 + 4 + variant->ext_len);
	p = put16(p, 23);
	p = put16(p, 0);
	p = put16(p, 14);
	p = put16(p, variant->ext_len);
	p = putb(p, variant->ext, variant->ext_len);
	n = p - sh;
	m = hs_frag(msg, HT_SH, n, self->r.mseq++, 0, n, sh);
	m += hs_frag(msg + m, HT_SHD, 0, self->r.mseq++, 0, 0, NULL);
	n = rec_build(dg, REC_HS, V12, 0, self->r.seq0++, msg, m);
	ASSERT_EQ(0, raw_send(&self->r, dg, n));
	ASSERT_EQ(DTLS_HS_STATE_FAILED,
		  dtls_test_hs_settle(self->cli, WAIT_MS, &ci));
	EXPECT_EQ(variant->alert, ci.alert);
	EXPECT_FALSE(ci.alert_remote);
	EXPECT_EQ(0, ci.srtp_profile);
}

/* The kernel client's use_srtp, as offered: profiles in order, its MKI. */
TEST(raw_srtp_offer)
{
	static const uint16_t offer[] = { 0x0008, 0x0001, 0x0002 };
	struct dtls_hs_config sc = {
		.srtp_profiles = offer, .n_srtp_profiles = 3,
		.srtp_mki = "\x00\x01\x02", .srtp_mki_len = 3,
	};
	static const uint8_t want[] = { 0, 6, 0, 8, 0, 1, 0, 2, 3, 0, 1, 2 };
	const uint8_t *e;
	struct hmsg ch;
	struct raw r;
	size_t elen, fixed;
	int cli;

	rsrv_srtp = &sc;
	ASSERT_EQ(0, rsrv_start(&r, &cli, &ch)) TH_LOG("%s", r.why);
	rsrv_srtp = NULL;
	/* version, random, session_id, cookie, suites, compression */
	fixed = 2 + 32;
	fixed += 1 + ch.body[fixed];
	fixed += 1 + ch.body[fixed];
	fixed += 2 + (ch.body[fixed] << 8 | ch.body[fixed + 1]);
	fixed += 1 + ch.body[fixed];
	e = hello_ext(ch.body, ch.len, fixed, 14, &elen);
	ASSERT_NE(NULL, e);
	ASSERT_EQ(sizeof(want), elen);
	EXPECT_EQ(0, memcmp(e, want, sizeof(want)));
	close(r.fd);
	close(cli);
}

TEST_HARNESS_MAIN
