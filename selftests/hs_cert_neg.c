// SPDX-License-Identifier: GPL-2.0
/*
 * Certificates in the in-kernel handshake (ECDHE-ECDSA, 0xc02b) against
 * peers that get them wrong.  "raw", a plain UDP socket speaking DTLS 1.2
 * by hand (libcrypto for ECDH, ECDSA and the PRF, dtls_ref for records),
 * plays the other side; raw_server_ok and raw_client_ok show it completes
 * a handshake, so each failure below is the kernel's answer to what one
 * test changes.
 *  - kernel client, raw server (cli fixture): a ServerKeyExchange whose
 *    signature has a bit flipped or covers other randoms (decrypt_error),
 *    names a group not offered, carries a point of the wrong length or off
 *    the curve, or an RSA signature algorithm (illegal_parameter); an empty
 *    Certificate (handshake_failure), a truncated chain (decode_error), 9
 *    certificates, one not DER or not pinned (bad_certificate), a P-384 or
 *    RSA key (unsupported_certificate); ServerKeyExchange before Certificate
 *    (unexpected_message); raw public keys (RFC 7250): a server choosing
 *    one the client did not list, or an RSA one (unsupported_certificate),
 *    a vector longer than its message or a key with bytes after it
 *    (decode_error), another key than the pinned one (bad_certificate);
 *  - kernel server, raw client (srv fixture): no Certificate, an empty one
 *    when required, one not pinned; a CertificateVerify that does not
 *    verify or uses an RSA algorithm; and with peer-cert-required=0 an
 *    empty Certificate completes without a peer certificate;
 *  - netlink: cert-set and peer-auth refusals, and hs-start of a client
 *    with only certificate suites and no pins.
 * Each failure: the alert on the wire, hs-get failed with that error and
 * alert, no keys installed, DtlsHsFailed counted and DtlsHsDone not.
 */
#include <poll.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include "dtls_ref.h"
#include "dtls_test.h"
#include "kselftest_harness.h"
#include "test_cert.h"

#define SUITE		0xc02b	/* TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 */
#define GROUP_P256	23
#define GROUP_X25519	29
#define SIG_ECDSA	0x0403	/* ecdsa_secp256r1_sha256 */
#define SIG_RSA		0x0401	/* rsa_pkcs1_sha256 */
#define SIG_ECDSA_SHA384 0x0503	/* {sha384, ecdsa} */
#define SIG_ECDSA_SHA512 0x0603	/* {sha512, ecdsa} */
#define WAIT_MS		3000
/*
 * For an answer that may need the kernel's first ECDH: that loads
 * ecdh_generic, which has taken over 15 s in a busy TCG guest.  The tests
 * that wait so long have a time-out of FIRST_TIMEOUT s (the harness's
 * default is 30).
 */
#define FIRST_MS	40000
#define FIRST_TIMEOUT	90

#define REC_CCS		20
#define REC_ALERT	21
#define REC_HS		22
#define REC_DATA	23
#define HT_CH		1
#define HT_SH		2
#define HT_HVR		3
#define HT_CERT		11
#define HT_SKE		12
#define HT_CR		13
#define HT_SHD		14
#define HT_CV		15
#define HT_CKE		16
#define HT_FIN		20
#define V12		0xfefd

#define ALERT_UNEXPECTED_MESSAGE	10
#define ALERT_HANDSHAKE_FAILURE		40
#define ALERT_BAD_CERTIFICATE		42
#define ALERT_UNSUPPORTED_CERTIFICATE	43
#define ALERT_ILLEGAL_PARAMETER		47
#define ALERT_DECODE_ERROR		50
#define ALERT_DECRYPT_ERROR		51
#define ALERT_UNSUPPORTED_EXTENSION	110

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

static size_t rec_build(uint8_t *out, uint8_t type, uint16_t epoch,
			uint64_t seq, const void *frag, size_t len)
{
	uint8_t *p = out;

	p = put8(p, type);
	p = put16(p, V12);
	p = put16(p, epoch);
	p = put48(p, seq);
	p = put16(p, len);
	memmove(p, frag, len);
	return DTLS_REF_HDR_LEN + len;
}

static size_t hs_frag(uint8_t *out, uint8_t type, uint32_t length,
		      uint16_t seq, const uint8_t *data)
{
	uint8_t *p = out;

	p = put8(p, type);
	p = put24(p, length);
	p = put16(p, seq);
	p = put24(p, 0);
	p = put24(p, length);
	p = putb(p, data, length);
	return p - out;
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
	hmac256(secret, slen, seed, sl, a);
	while (olen) {
		size_t take = olen < 32 ? olen : 32;

		memcpy(buf, a, 32);
		memcpy(buf + 32, seed, sl);
		hmac256(secret, slen, buf, 32 + sl, h);
		memcpy(out, h, take);
		out += take;
		olen -= take;
		hmac256(secret, slen, a, 32, a);
	}
}

/* ------------------------------------------------- libcrypto helpers */

/* The 65-byte uncompressed point of a P-256 key: its length or 0. */
static size_t ec_point(EVP_PKEY *k, uint8_t out[65])
{
	size_t n = 0;

	if (!EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
					     out, 65, &n))
		return 0;
	return n;
}

/* ECDH of @k with the peer's P-256 point: the 32-byte x, 0 or -1. */
static int ec_shared(EVP_PKEY *k, const uint8_t *pt, size_t len,
		     uint8_t out[32])
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
				       "prime256v1", 0),
		OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)pt,
					len),
		OSSL_PARAM_END
	};
	EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *peer = NULL;
	size_t n = 32;
	int ok;

	ok = pctx && EVP_PKEY_fromdata_init(pctx) > 0 &&
	     EVP_PKEY_fromdata(pctx, &peer, EVP_PKEY_PUBLIC_KEY, params) > 0 &&
	     (ctx = EVP_PKEY_CTX_new(k, NULL)) &&
	     EVP_PKEY_derive_init(ctx) > 0 &&
	     EVP_PKEY_derive_set_peer(ctx, peer) > 0 &&
	     EVP_PKEY_derive(ctx, out, &n) > 0 && n == 32;
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_CTX_free(pctx);
	EVP_PKEY_free(peer);
	return ok ? 0 : -1;
}

/* ECDSA with @md of @d by @k, DER into @sig: its length or 0. */
static size_t ec_sign(EVP_PKEY *k, const EVP_MD *md, const uint8_t *d,
		      size_t len, uint8_t *sig, size_t cap)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t n = cap;
	int ok;

	ok = ctx && EVP_DigestSignInit(ctx, NULL, md, NULL, k) > 0 &&
	     EVP_DigestSign(ctx, sig, &n, d, len) > 0;
	EVP_MD_CTX_free(ctx);
	return ok ? n : 0;
}

/* Does @sig (DER) over @d with @md verify with @k? */
static bool ec_verify(EVP_PKEY *k, const EVP_MD *md, const uint8_t *d,
		      size_t len, const uint8_t *sig, size_t slen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok;

	ok = ctx && EVP_DigestVerifyInit(ctx, NULL, md, NULL, k) > 0 &&
	     EVP_DigestVerify(ctx, sig, slen, d, len) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

/* A self-signed certificate (SHA-256) of any key, DER: 0 or -1. */
static int cert_of_key(EVP_PKEY *k, const char *cn, uint8_t *der,
		       size_t cap, size_t *len)
{
	X509 *x = X509_new();
	X509_NAME *name;
	uint8_t *p = der;
	int n = -1;

	if (x && k) {
		X509_set_version(x, 2);
		ASN1_INTEGER_set(X509_get_serialNumber(x), 4242);
		X509_gmtime_adj(X509_getm_notBefore(x), -86400L);
		X509_gmtime_adj(X509_getm_notAfter(x), 30 * 86400L);
		X509_set_pubkey(x, k);
		name = X509_get_subject_name(x);
		X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
					   (const unsigned char *)cn, -1, -1,
					   0);
		X509_set_issuer_name(x, name);
		if (X509_sign(x, k, EVP_sha256()))
			n = i2d_X509(x, NULL);
		if (n > 0 && (size_t)n <= cap)
			i2d_X509(x, &p);
		else
			n = -1;
	}
	X509_free(x);
	if (n < 0)
		return -1;
	*len = n;
	return 0;
}

/* ------------------------------------------------------ the raw peer */

struct hmsg {
	uint8_t type;
	uint16_t seq;
	size_t len;
	uint8_t body[2048];
};

#define RAW_QLEN	8

struct raw {
	int fd;
	uint64_t seq0, seq1;
	uint16_t mseq;
	uint8_t crand[32], srand[32];
	uint8_t cookie[255];
	uint8_t cookie_len;
	uint8_t tr[16384];		/* the transcript */
	size_t tlen;
	uint16_t suite;
	int srv_seq;
	EVP_PKEY *ecdh;			/* our ephemeral P-256 key */
	uint8_t peer_pt[128];		/* the peer's ECDH point */
	size_t peer_pt_len;
	uint8_t ske[512];		/* the server's SKE body (raw client) */
	size_t ske_len;
	uint8_t scert[2048];		/* the server's Certificate body */
	size_t scert_len;
	bool got_cr;
	uint8_t cr_sigalgs[64];		/* the CertificateRequest's list */
	size_t cr_sigalgs_len;
	int ch_formats;			/* our ec_point_formats: FMT_* */
	uint16_t ch_sigalg;		/* our one pair; 0: SIG_ECDSA */
	bool sh_formats;		/* the ServerHello had one */
	uint8_t last[8192];		/* the last datagram read */
	size_t last_len;
	uint8_t master[48];
	uint8_t ckey[16], skey[16], civ[4], siv[4];
	int alert;
	struct hmsg q[RAW_QLEN];
	int qn, qi;
	char why[160];
};

static int raw_init(struct raw *r)
{
	int i;

	memset(r, 0, sizeof(*r));
	r->srv_seq = -1;
	r->alert = -1;
	for (i = 0; i < 32; i++) {
		r->crand[i] = rand();
		r->srand[i] = rand();
	}
	r->ecdh = EVP_EC_gen("P-256");
	return r->ecdh ? 0 : -1;
}

static void raw_free(struct raw *r)
{
	if (r->fd > 0)
		close(r->fd);
	EVP_PKEY_free(r->ecdh);
	r->ecdh = NULL;
}

static int raw_send(struct raw *r, const void *buf, size_t len)
{
	if (send(r->fd, buf, len, 0) != (ssize_t)len) {
		snprintf(r->why, sizeof(r->why), "send: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static ssize_t raw_recv(struct raw *r, uint8_t *buf, size_t cap, int ms)
{
	struct pollfd p = { .fd = r->fd, .events = POLLIN };

	if (poll(&p, 1, ms) <= 0)
		return 0;
	return recv(r->fd, buf, cap, 0);
}

static void raw_tr_add(struct raw *r, uint8_t type, uint16_t seq,
		       const uint8_t *body, size_t len)
{
	r->tlen += hs_frag(r->tr + r->tlen, type, len, seq, body);
}

/*
 * One whole message in one epoch-0 record at @out, into the transcript:
 * the record's length.
 */
static size_t raw_put_msg(struct raw *r, uint8_t *out, uint8_t type,
			  const uint8_t *body, size_t len)
{
	uint8_t msg[16384 + 12];
	size_t n;

	raw_tr_add(r, type, r->mseq, body, len);
	n = hs_frag(msg, type, len, r->mseq++, body);
	return rec_build(out, REC_HS, 0, r->seq0++, msg, n);
}

struct rrec {
	uint8_t type;
	uint16_t epoch;
	const uint8_t *rec;
	const uint8_t *frag;
	size_t len;
};

static bool rec_next(const uint8_t **p, size_t *left, struct rrec *rr)
{
	if (*left < DTLS_REF_HDR_LEN)
		return false;
	rr->rec = *p;
	rr->type = (*p)[0];
	rr->epoch = get16(*p + 3);
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
 * within @ms; an alert in the clear ends the wait (r->alert).  0, or -1
 * (r->why).
 */
static int raw_wait_msg(struct raw *r, uint8_t type, int ms, struct hmsg *m)
{
	struct timespec t0, t1;
	uint8_t buf[8192];

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
		if (r->alert >= 0) {
			snprintf(r->why, sizeof(r->why),
				 "alert %d before handshake message %u",
				 r->alert, type);
			return -1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		el = (t1.tv_sec - t0.tv_sec) * 1000 +
		     (t1.tv_nsec - t0.tv_nsec) / 1000000;
		n = el < ms ? raw_recv(r, buf, sizeof(buf), ms - el) : 0;
		if (n <= 0) {
			snprintf(r->why, sizeof(r->why),
				 "no handshake message %u in %d ms (alert %d)",
				 type, ms, r->alert);
			return -1;
		}
		memcpy(r->last, buf, n);
		r->last_len = n;
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

/*
 * The next alert within @ms: 0 if in the clear (epoch 0), 1 if in epoch 1
 * (not opened), -ETIMEDOUT.  *@level, *@desc for a clear one.  Handshake
 * records before it are counted in *@hs_seen (may be NULL).
 */
static int raw_wait_alert(struct raw *r, int ms, int *level, int *desc,
			  int *hs_seen)
{
	struct timespec t0, t1;
	uint8_t buf[8192];

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
			if (rr.type == REC_HS && hs_seen)
				(*hs_seen)++;
			if (rr.type != REC_ALERT)
				continue;
			if (rr.epoch)
				return 1;
			if (rr.len != 2)
				return -EBADMSG;
			*level = rr.frag[0];
			*desc = rr.frag[1];
			return 0;
		}
	}
}

/* RFC 7627 master secret from @pms and the transcript; the key block. */
static void raw_derive(struct raw *r, const uint8_t *pms, size_t len)
{
	uint8_t sh[32], kb[40];

	SHA256(r->tr, r->tlen, sh);
	prf(pms, len, "extended master secret", sh, 32, NULL, 0, r->master,
	    48);
	prf(r->master, 48, "key expansion", r->srand, 32, r->crand, 32, kb,
	    sizeof(kb));
	memcpy(r->ckey, kb, 16);
	memcpy(r->skey, kb + 16, 16);
	memcpy(r->civ, kb + 32, 4);
	memcpy(r->siv, kb + 36, 4);
}

/* The Finished verify_data of the transcript so far. */
static void raw_vd(struct raw *r, bool client, uint8_t vd[12])
{
	uint8_t th[32];

	SHA256(r->tr, r->tlen, th);
	prf(r->master, 48, client ? "client finished" : "server finished", th,
	    32, NULL, 0, vd, 12);
}

/* CCS and a Finished sealed in epoch 1, at @out: the bytes, 0 on error. */
static size_t raw_ccs_fin(struct raw *r, uint8_t *out, bool client)
{
	const uint8_t *key = client ? r->ckey : r->skey;
	const uint8_t *iv = client ? r->civ : r->siv;
	uint8_t vd[12], msg[24], ccs = 1;
	ssize_t s;
	size_t n;

	raw_vd(r, client, vd);
	raw_tr_add(r, HT_FIN, r->mseq, vd, 12);
	hs_frag(msg, HT_FIN, 12, r->mseq++, vd);
	n = rec_build(out, REC_CCS, 0, r->seq0++, &ccs, 1);
	s = dtls_ref_seal(DTLS_CIPHER_AES_GCM_128, key, iv, REC_HS, 1,
			  r->seq1++, NULL, msg, sizeof(msg), out + n);
	return s < 0 ? 0 : n + s;
}

/*
 * The peer's Finished in epoch 1 within @ms, opened with its keys and
 * checked against the transcript; with @in_last, the datagram
 * raw_wait_msg() read last is looked at first (flight 5 comes whole).
 * 0, -EBADMSG, -EPROTO (an alert), or -ETIMEDOUT.
 */
static int raw_wait_fin(struct raw *r, bool from_client, bool in_last, int ms)
{
	const uint8_t *key = from_client ? r->ckey : r->skey;
	const uint8_t *iv = from_client ? r->civ : r->siv;
	uint8_t buf[8192], pt[256], vd[12];
	ssize_t n;

	for (;;) {
		const uint8_t *p = buf;
		size_t left;
		struct rrec rr;

		if (in_last) {
			memcpy(buf, r->last, r->last_len);
			n = r->last_len;
			in_last = false;
		} else {
			n = raw_recv(r, buf, sizeof(buf), ms);
			if (n <= 0)
				return -ETIMEDOUT;
		}
		left = n;
		while (rec_next(&p, &left, &rr)) {
			struct dtls_ref_hdr h;
			ssize_t k;

			if (rr.type == REC_ALERT && !rr.epoch && rr.len == 2) {
				r->alert = rr.frag[1];
				return -EPROTO;
			}
			if (rr.epoch != 1)
				continue;
			k = dtls_ref_open(DTLS_CIPHER_AES_GCM_128, key, iv,
					  rr.rec, DTLS_REF_HDR_LEN + rr.len, &h,
					  pt, sizeof(pt), NULL);
			if (k != 24 || h.type != REC_HS || pt[0] != HT_FIN)
				return -EBADMSG;
			raw_vd(r, from_client, vd);
			if (memcmp(vd, pt + 12, 12))
				return -EBADMSG;
			raw_tr_add(r, HT_FIN, get16(pt + 4), pt + 12, 12);
			return 0;
		}
	}
}

/* ------------------------------------------------------ kernel sides */

static long long stat_of(const char *name)
{
	return dtls_test_proc_stat(name);
}

static void timeo(int fd, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000,
			      .tv_usec = (ms % 1000) * 1000 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static int hs_state(int fd)
{
	struct dtls_hs_info i;

	return dtls_hs_get(dtls_test_nl(), fd, 0, &i, NULL, 0) ? -1 :
	       (int)i.state;
}

/* DTLS_INFO of @fd: its ciphers, or -1 for both if it fails. */
static void keys_of(int fd, int *tx, int *rx)
{
	struct dtls_info di = {};
	socklen_t len = sizeof(di);

	*tx = *rx = -1;
	if (getsockopt(fd, SOL_DTLS, DTLS_INFO, &di, &len))
		return;
	*tx = di.tx_cipher;
	*rx = di.rx_cipher;
}

/* SO_ERROR of @fd (read once, then cleared). */
static int so_error_of(int fd)
{
	socklen_t len = sizeof(int);
	int e = -1;

	getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len);
	return e;
}

/* Counters around one handshake of the kernel's. */
struct counts {
	long long failed, done;
};

static struct counts counts_now(void)
{
	struct counts c = { stat_of("DtlsHsFailed"), stat_of("DtlsHsDone") };

	return c;
}

/*
 * The handshakes that complete (raw_server_ok, raw_client_ok,
 * empty_cert_not_required), in a fixture of their own for the longer
 * time-out; declared before cli and srv, they run before those (after
 * the netlink tests, which need no ECDH) and load ecdh_generic.
 */
FIXTURE(ok) {
	int unused;
};

FIXTURE_SETUP(ok)
{
}

FIXTURE_TEARDOWN(ok)
{
}

/* ------------------------------------------ raw server, kernel client */

enum cli_kind {
	CK_SIG_FLIPPED,		/* a bit of the SKE signature flipped */
	CK_SIG_OTHER_RANDOMS,	/* signed over other randoms */
	CK_GROUP_NOT_OFFERED,	/* x25519; the client offered P-256 only */
	CK_POINT_SHORT,		/* a 64-byte point */
	CK_POINT_OFF_CURVE,	/* y + 1 */
	CK_SIGALG_RSA,		/* rsa_pkcs1_sha256 */
	CK_SIGALG_SHA512,	/* {sha512, ecdsa}: not offered */
	CK_SIGALG_RELABELLED,	/* SHA-256 signed, {sha384, ecdsa} said */
	CK_CERT_EMPTY,		/* an empty certificate_list */
	CK_CERT_TRUNCATED,	/* an entry's length past the list's end */
	CK_CERT_NINE,		/* 9 certificates */
	CK_CERT_NOT_DER,	/* the entry is not a certificate */
	CK_CERT_P384,
	CK_CERT_RSA,
	CK_CERT_NOT_PINNED,	/* a good P-256 certificate, another pin */
	CK_SKE_FIRST,		/* SKE before Certificate */
	CK_SH_UNKNOWN_EXT,	/* a ServerHello extension of type 0x1234 */
	CK_SH_SIGALGS,		/* signature_algorithms, a client's */
	CK_RPK_NOT_LISTED,	/* a raw key chosen; the client takes chains */
	CK_RPK_LONG,		/* the key's vector longer than the message */
	CK_RPK_TRAILING,	/* a byte after the SubjectPublicKeyInfo */
	CK_RPK_RSA,		/* an RSA raw key */
	CK_RPK_OTHER,		/* a raw key other than the pinned one */
};

/* The variants where the client also pins raw's key. */
static bool ck_spki_pinned(enum cli_kind k)
{
	return k >= CK_RPK_LONG;
}

FIXTURE(cli) {
	int cli;
	struct raw r;
	struct test_cert mine;		/* the raw server's */
	struct test_cert other;		/* another P-256 one */
	struct hmsg ch;
	struct counts c0;
};

FIXTURE_VARIANT(cli) {
	enum cli_kind kind;
	int alert;
	int error;
};

#define CLI_VARIANT(name, k, a, e)				\
	FIXTURE_VARIANT_ADD(cli, name) { .kind = k, .alert = a, .error = e, }

CLI_VARIANT(ske_sig_bit_flipped, CK_SIG_FLIPPED, ALERT_DECRYPT_ERROR,
	    EKEYREJECTED);
CLI_VARIANT(ske_sig_other_randoms, CK_SIG_OTHER_RANDOMS, ALERT_DECRYPT_ERROR,
	    EKEYREJECTED);
CLI_VARIANT(ske_group_not_offered, CK_GROUP_NOT_OFFERED,
	    ALERT_ILLEGAL_PARAMETER, EPROTO);
CLI_VARIANT(ske_point_short, CK_POINT_SHORT, ALERT_ILLEGAL_PARAMETER, EINVAL);
CLI_VARIANT(ske_point_off_curve, CK_POINT_OFF_CURVE, ALERT_ILLEGAL_PARAMETER,
	    EINVAL);
CLI_VARIANT(ske_sigalg_rsa, CK_SIGALG_RSA, ALERT_ILLEGAL_PARAMETER,
	    EKEYREJECTED);
CLI_VARIANT(ske_sigalg_sha512, CK_SIGALG_SHA512, ALERT_ILLEGAL_PARAMETER,
	    EKEYREJECTED);
CLI_VARIANT(ske_sigalg_relabelled, CK_SIGALG_RELABELLED, ALERT_DECRYPT_ERROR,
	    EKEYREJECTED);
CLI_VARIANT(cert_empty, CK_CERT_EMPTY, ALERT_HANDSHAKE_FAILURE, ENOKEY);
CLI_VARIANT(cert_truncated, CK_CERT_TRUNCATED, ALERT_DECODE_ERROR, EBADMSG);
CLI_VARIANT(cert_chain_of_9, CK_CERT_NINE, ALERT_BAD_CERTIFICATE, E2BIG);
CLI_VARIANT(cert_not_der, CK_CERT_NOT_DER, ALERT_BAD_CERTIFICATE, EBADMSG);
CLI_VARIANT(cert_p384, CK_CERT_P384, ALERT_UNSUPPORTED_CERTIFICATE,
	    EKEYREJECTED);
CLI_VARIANT(cert_rsa, CK_CERT_RSA, ALERT_UNSUPPORTED_CERTIFICATE,
	    EKEYREJECTED);
CLI_VARIANT(cert_not_pinned, CK_CERT_NOT_PINNED, ALERT_BAD_CERTIFICATE,
	    EKEYREJECTED);
CLI_VARIANT(ske_before_cert, CK_SKE_FIRST, ALERT_UNEXPECTED_MESSAGE, EPROTO);
CLI_VARIANT(sh_ext_not_asked, CK_SH_UNKNOWN_EXT, ALERT_UNSUPPORTED_EXTENSION,
	    EPROTO);
CLI_VARIANT(sh_sigalgs, CK_SH_SIGALGS, ALERT_UNSUPPORTED_EXTENSION, EPROTO);
/* A client that takes chains sends no server_certificate_type: not asked. */
CLI_VARIANT(rpk_not_listed, CK_RPK_NOT_LISTED, ALERT_UNSUPPORTED_EXTENSION,
	    EPROTO);
CLI_VARIANT(rpk_longer_than_message, CK_RPK_LONG, ALERT_DECODE_ERROR, EBADMSG);
CLI_VARIANT(rpk_trailing_byte, CK_RPK_TRAILING, ALERT_DECODE_ERROR, EBADMSG);
CLI_VARIANT(rpk_rsa, CK_RPK_RSA, ALERT_UNSUPPORTED_CERTIFICATE, EKEYREJECTED);
CLI_VARIANT(rpk_not_pinned, CK_RPK_OTHER, ALERT_BAD_CERTIFICATE,
	    EKEYREJECTED);

/* SHA-256 of the DER SubjectPublicKeyInfo of @k, into @out. */
static void spki_sha256(EVP_PKEY *k, uint8_t out[32])
{
	uint8_t *der = NULL;
	int n = i2d_PUBKEY(k, &der);

	memset(out, 0, 32);
	if (n > 0)
		SHA256(der, n, out);
	OPENSSL_free(der);
}

/*
 * A kernel client (suite SUITE, group P-256 only, the peer pinned to
 * @pin, and with @spki to that key too) connected to raw's socket,
 * started; its ClientHello in @ch and the transcript.  0 or -1.
 */
static int rsrv_start(struct raw *r, int *cli, const uint8_t pin[32],
		      const uint8_t *spki, struct hmsg *ch)
{
	static const uint16_t suite = SUITE, group = GROUP_P256;
	struct dtls_hs_config cfg = {
		.role = DTLS_HS_ROLE_CLIENT,
		.suites = &suite,
		.n_suites = 1,
		.groups = &group,
		.n_groups = 1,
		.rto_initial_ms = 5000,
		.timeout_ms = 60000,
		.cookies = -1,
	};
	struct dtls_peer_auth_cfg pa = {
		.pins = (const uint8_t (*)[32])pin, .n_pins = 1,
		.spki = (const uint8_t (*)[32])spki, .n_spki = !!spki,
	};
	union dtls_test_addr sa, ca;
	char msg[128] = "";

	r->fd = dtls_test_udp_bound(AF_INET, &sa);
	*cli = dtls_test_udp_bound(AF_INET, &ca);
	if (r->fd < 0 || *cli < 0 ||
	    connect(*cli, &sa.sa, dtls_test_addr_len(AF_INET)) ||
	    connect(r->fd, &ca.sa, dtls_test_addr_len(AF_INET)))
		return -1;
	timeo(*cli, WAIT_MS);
	if (dtls_sock_attach(dtls_test_nl(), *cli, NULL, NULL, 0) ||
	    dtls_hs_config(dtls_test_nl(), *cli, 0, &cfg, msg, sizeof(msg)) ||
	    dtls_peer_auth_set(dtls_test_nl(), *cli, 0, &pa, msg,
			       sizeof(msg)) ||
	    dtls_hs_start(dtls_test_nl(), *cli, 0, msg, sizeof(msg))) {
		snprintf(r->why, sizeof(r->why), "client setup: %s", msg);
		return -1;
	}
	if (raw_wait_msg(r, HT_CH, WAIT_MS, ch) || ch->len < 34)
		return -1;
	memcpy(r->crand, ch->body + 2, 32);
	raw_tr_add(r, HT_CH, ch->seq, ch->body, ch->len);
	r->mseq = 0;
	return 0;
}

/*
 * ServerHello: SUITE, EMS, an empty renegotiation_info; with @raw_key,
 * server_certificate_type: a raw public key (RFC 7250).
 */
static size_t sh_body_ct(struct raw *r, uint8_t *out, bool raw_key)
{
	uint8_t *p = out;

	p = put16(p, V12);
	p = putb(p, r->srand, 32);
	p = put8(p, 0);
	p = put16(p, SUITE);
	p = put8(p, 0);
	p = put16(p, raw_key ? 14 : 9);
	p = put16(p, 23);
	p = put16(p, 0);
	p = put16(p, 0xff01);
	p = put16(p, 1);
	p = put8(p, 0);
	if (raw_key) {
		p = put16(p, 20);
		p = put16(p, 1);
		p = put8(p, 2);
	}
	return p - out;
}

static size_t sh_body(struct raw *r, uint8_t *out)
{
	return sh_body_ct(r, out, false);
}

/*
 * A raw key's Certificate body: the SubjectPublicKeyInfo of @k in its
 * vector, which claims @extra bytes more, with @trailing bytes after the
 * key inside it.
 */
static size_t rpk_body(uint8_t *out, EVP_PKEY *k, int extra, int trailing)
{
	uint8_t *der = NULL;
	int n = i2d_PUBKEY(k, &der);

	if (n <= 0)
		return 0;
	put24(out, n + trailing + extra);
	memcpy(out + 3, der, n);
	memset(out + 3 + n, 0, trailing);
	OPENSSL_free(der);
	return 3 + n + trailing;
}

/* A Certificate body of @n certificates. */
static size_t cert_body(uint8_t *out, const uint8_t *const *der,
			const size_t *len, int n)
{
	uint8_t *p = out + 3;
	int i;

	for (i = 0; i < n; i++) {
		p = put24(p, len[i]);
		p = putb(p, der[i], len[i]);
	}
	put24(out, p - out - 3);
	return p - out;
}

/*
 * A ServerKeyExchange body: ServerECDHParams (@group, @pt), @sigalg and
 * an ECDSA signature with @md by @k over @cr || @sr || params.
 */
static size_t ske_body(uint8_t *out, EVP_PKEY *k, const uint8_t *cr,
		       const uint8_t *sr, uint16_t group, const uint8_t *pt,
		       size_t ptlen, uint16_t sigalg, const EVP_MD *md)
{
	uint8_t tbs[64 + 4 + 255], sig[128], *p = out;
	size_t plen, slen;

	p = put8(p, 3);			/* named_curve */
	p = put16(p, group);
	p = put8(p, ptlen);
	p = putb(p, pt, ptlen);
	plen = p - out;
	memcpy(tbs, cr, 32);
	memcpy(tbs + 32, sr, 32);
	memcpy(tbs + 64, out, plen);
	slen = ec_sign(k, md, tbs, 64 + plen, sig, sizeof(sig));
	if (!slen)
		return 0;
	p = put16(p, sigalg);
	p = put16(p, slen);
	p = putb(p, sig, slen);
	return p - out;
}

FIXTURE_SETUP(cli)
{
	srand(getpid() ^ time(NULL));
	self->cli = -1;
	ASSERT_EQ(0, test_cert_make(&self->mine, "raw server"));
	ASSERT_EQ(0, test_cert_make(&self->other, "someone else"));
	ASSERT_EQ(0, raw_init(&self->r));
	self->c0 = counts_now();
	uint8_t spki[32];

	spki_sha256(self->mine.pkey, spki);
	ASSERT_EQ(0, rsrv_start(&self->r, &self->cli, self->mine.sha256,
				ck_spki_pinned(variant->kind) ? spki : NULL,
				&self->ch)) TH_LOG("%s", self->r.why);
}

FIXTURE_TEARDOWN(cli)
{
	raw_free(&self->r);
	if (self->cli >= 0)
		close(self->cli);
	test_cert_free(&self->mine);
	test_cert_free(&self->other);
}

/*
 * Flight 4 as the variant has it, in one datagram (one record per
 * message): ServerHello, Certificate, ServerKeyExchange, ServerHelloDone.
 */
TEST_F_TIMEOUT(cli, fails, FIRST_TIMEOUT)
{
	static uint8_t body[16384], cbody[16384], dg[40000];
	uint8_t pt[65], ske[512], junk[300], *der[9];
	size_t ptlen, skelen, clen, n = 0, dlen[9], xlen = 0;
	uint8_t xder[4096], rr[32];
	int level = -1, desc = -1, tx, rx, i, hs_seen = 0;
	enum cli_kind k = variant->kind;
	uint16_t group = GROUP_P256, sigalg = SIG_ECDSA;
	EVP_PKEY *xk = NULL;
	struct dtls_hs_info ci;
	struct raw *r = &self->r;

	/* The Certificate. */
	der[0] = self->mine.der;
	dlen[0] = self->mine.len;
	switch (k) {
	case CK_CERT_EMPTY:
		clen = cert_body(cbody, NULL, NULL, 0);
		break;
	case CK_CERT_TRUNCATED:
		/* The entry claims 10 bytes more than the list holds. */
		clen = cert_body(cbody, (const uint8_t *const *)der, dlen, 1);
		put24(cbody + 3, dlen[0] + 10);
		break;
	case CK_CERT_NINE:
		for (i = 1; i < 9; i++) {
			der[i] = self->other.der;
			dlen[i] = self->other.len;
		}
		clen = cert_body(cbody, (const uint8_t *const *)der, dlen, 9);
		break;
	case CK_CERT_NOT_DER:
		memset(junk, 0x30, sizeof(junk));
		der[0] = junk;
		dlen[0] = sizeof(junk);
		clen = cert_body(cbody, (const uint8_t *const *)der, dlen, 1);
		break;
	case CK_CERT_P384:
	case CK_CERT_RSA:
		xk = k == CK_CERT_P384 ? EVP_EC_gen("P-384") :
					 EVP_RSA_gen(1024);
		ASSERT_NE(NULL, xk);
		ASSERT_EQ(0, cert_of_key(xk, "raw server", xder, sizeof(xder),
					 &xlen));
		EVP_PKEY_free(xk);
		der[0] = xder;
		dlen[0] = xlen;
		clen = cert_body(cbody, (const uint8_t *const *)der, dlen, 1);
		break;
	case CK_CERT_NOT_PINNED:
		der[0] = self->other.der;
		dlen[0] = self->other.len;
		clen = cert_body(cbody, (const uint8_t *const *)der, dlen, 1);
		break;
	case CK_RPK_NOT_LISTED:
		clen = rpk_body(cbody, self->mine.pkey, 0, 0);
		break;
	case CK_RPK_LONG:
		clen = rpk_body(cbody, self->mine.pkey, 5, 0);
		break;
	case CK_RPK_TRAILING:
		clen = rpk_body(cbody, self->mine.pkey, 0, 1);
		break;
	case CK_RPK_RSA:
		xk = EVP_RSA_gen(1024);
		ASSERT_NE(NULL, xk);
		clen = rpk_body(cbody, xk, 0, 0);
		EVP_PKEY_free(xk);
		break;
	case CK_RPK_OTHER:
		clen = rpk_body(cbody, self->other.pkey, 0, 0);
		break;
	default:
		clen = cert_body(cbody, (const uint8_t *const *)der, dlen, 1);
		break;
	}

	/* The ServerKeyExchange, signed by the pinned certificate's key. */
	ptlen = ec_point(r->ecdh, pt);
	ASSERT_EQ(65, ptlen);
	switch (k) {
	case CK_GROUP_NOT_OFFERED:
		group = GROUP_X25519;
		ptlen = 32;		/* any 32 bytes: it is not looked at */
		break;
	case CK_POINT_SHORT:
		ptlen = 64;
		break;
	case CK_POINT_OFF_CURVE:
		pt[64] ^= 1;
		break;
	case CK_SIGALG_RSA:
		sigalg = SIG_RSA;
		break;
	case CK_SIGALG_SHA512:
		sigalg = SIG_ECDSA_SHA512;
		break;
	case CK_SIGALG_RELABELLED:
		sigalg = SIG_ECDSA_SHA384;
		break;
	default:
		break;
	}
	if (k == CK_SIG_OTHER_RANDOMS) {
		for (i = 0; i < 32; i++)
			rr[i] = r->crand[i] ^ 0x5a;
		skelen = ske_body(ske, self->mine.pkey, rr, r->srand, group, pt,
				  ptlen, sigalg, EVP_sha256());
	} else {
		skelen = ske_body(ske, self->mine.pkey, r->crand, r->srand,
				  group, pt, ptlen, sigalg, EVP_sha256());
	}
	ASSERT_LT(0, skelen);
	if (k == CK_SIG_FLIPPED)
		ske[skelen - 1] ^= 1;	/* the last bit of s: DER stays good */

	ASSERT_LT(0, clen);
	n = sh_body_ct(r, body, k >= CK_RPK_NOT_LISTED);
	if (k == CK_SH_UNKNOWN_EXT || k == CK_SH_SIGALGS) {
		/* One more, empty, and the extensions' length with it. */
		put16(body + n, k == CK_SH_SIGALGS ? 13 : 0x1234);
		put16(body + n + 2, 0);
		put16(body + 38, get16(body + 38) + 4);
		n += 4;
	}
	n = raw_put_msg(r, dg, HT_SH, body, n);
	if (k == CK_SKE_FIRST) {
		n += raw_put_msg(r, dg + n, HT_SKE, ske, skelen);
		n += raw_put_msg(r, dg + n, HT_CERT, cbody, clen);
	} else {
		n += raw_put_msg(r, dg + n, HT_CERT, cbody, clen);
		n += raw_put_msg(r, dg + n, HT_SKE, ske, skelen);
	}
	n += raw_put_msg(r, dg + n, HT_SHD, NULL, 0);
	ASSERT_EQ(0, raw_send(r, dg, n));

	/* The alert, in the clear, and nothing of flight 5 before it. */
	ASSERT_EQ(0, raw_wait_alert(r, FIRST_MS, &level, &desc, &hs_seen)) {
		dtls_test_hs_show("client", self->cli);
	}
	EXPECT_EQ(2, level);
	EXPECT_EQ(variant->alert, desc);
	EXPECT_EQ(0, hs_seen);

	ASSERT_EQ(DTLS_HS_STATE_FAILED,
		  dtls_test_hs_settle(self->cli, WAIT_MS, &ci));
	EXPECT_EQ(variant->error, ci.error) TH_LOG("error %u (%s)", ci.error,
						   strerror(ci.error));
	EXPECT_EQ(variant->alert, ci.alert);
	EXPECT_FALSE(ci.alert_remote);
	EXPECT_FALSE(ci.has_peer_cert);
	keys_of(self->cli, &tx, &rx);
	EXPECT_EQ(0, tx);
	EXPECT_EQ(0, rx);
	EXPECT_EQ(self->c0.failed + 1, stat_of("DtlsHsFailed"));
	EXPECT_EQ(self->c0.done, stat_of("DtlsHsDone"));
	EXPECT_EQ(variant->error, so_error_of(self->cli));
}

/*
 * The pairs the kernel offers, in its order (signature_algorithms, the
 * CertificateRequest): SHA-256 first, so peers that take the offerer's
 * order sign as they did before SHA-384 was offered.
 */
static const uint8_t kernel_sigalgs[] = { 0x04, 0x03, 0x04, 0x01,
					  0x05, 0x03, 0x05, 0x01 };

/* The ClientHello @ch's extension @type: its body and *@n, or NULL. */
static const uint8_t *ch_ext(const struct hmsg *ch, unsigned int type,
			     size_t *n)
{
	const uint8_t *b = ch->body;
	size_t len = ch->len, off = 34, end;
	int i;

	/* session_id<1>, cookie<1>, cipher_suites<2>, compression<1> */
	for (i = 0; i < 4; i++) {
		if (off + (i == 2 ? 2 : 1) > len)
			return NULL;
		off += i == 2 ? 2 + get16(b + off) : 1 + b[off];
	}
	if (off + 2 > len)
		return NULL;
	end = off + 2 + get16(b + off);
	for (off += 2; off + 4 <= end && end <= len;
	     off += 4 + get16(b + off + 2)) {
		*n = get16(b + off + 2);
		if (get16(b + off) == type)
			return off + 4 + *n <= end ? b + off + 4 : NULL;
	}
	return NULL;
}

/*
 * The raw server is right: with the same code and nothing changed, the
 * kernel client completes the handshake, holds the server's certificate
 * digest and keys, and its data opens with raw's keys.  Its
 * ServerKeyExchange is signed with @sigalg (@md), which the kernel offers.
 */
static void raw_server_run(struct __test_metadata *_metadata,
			   uint16_t sigalg, const EVP_MD *md)
{
	static uint8_t body[4096], cbody[4096], dg[8192];
	uint8_t pt[65], ske[512], pms[32], buf[4096], got[64];
	const uint8_t *ext;
	const uint8_t *der[1];
	size_t ptlen, skelen, clen, n, dlen[1];
	struct counts c0 = counts_now();
	struct test_cert mine;
	struct dtls_hs_info ci;
	struct dtls_ref_hdr h;
	struct hmsg ch, m;
	struct raw r;
	struct timespec t0, t1;
	int cli = -1, tx, rx, ms;
	ssize_t k;

	srand(getpid() ^ time(NULL));
	ASSERT_EQ(0, test_cert_make(&mine, "raw server"));
	ASSERT_EQ(0, raw_init(&r));
	ASSERT_EQ(0, rsrv_start(&r, &cli, mine.sha256, NULL, &ch)) TH_LOG("%s", r.why);
	/* signature_algorithms: the list's length, then the list. */
	ext = ch_ext(&ch, 13, &n);
	ASSERT_NE(NULL, ext);
	ASSERT_EQ(2 + sizeof(kernel_sigalgs), n);
	EXPECT_EQ(sizeof(kernel_sigalgs), get16(ext));
	EXPECT_EQ(0, memcmp(ext + 2, kernel_sigalgs, sizeof(kernel_sigalgs)));

	der[0] = mine.der;
	dlen[0] = mine.len;
	clen = cert_body(cbody, der, dlen, 1);
	ptlen = ec_point(r.ecdh, pt);
	ASSERT_EQ(65, ptlen);
	skelen = ske_body(ske, mine.pkey, r.crand, r.srand, GROUP_P256, pt,
			  ptlen, sigalg, md);
	ASSERT_LT(0, skelen);
	n = sh_body(&r, body);
	n = raw_put_msg(&r, dg, HT_SH, body, n);
	n += raw_put_msg(&r, dg + n, HT_CERT, cbody, clen);
	n += raw_put_msg(&r, dg + n, HT_SKE, ske, skelen);
	n += raw_put_msg(&r, dg + n, HT_SHD, NULL, 0);
	ASSERT_EQ(0, raw_send(&r, dg, n));

	/*
	 * Flight 5 in one datagram: ClientKeyExchange (its point alone), CCS
	 * and the client's Finished, checked here.  FIRST_MS: this may be
	 * the kernel's first ECDH.
	 */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(0, raw_wait_msg(&r, HT_CKE, FIRST_MS, &m)) {
		TH_LOG("%s", r.why);
		dtls_test_hs_show("client", cli);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	     (t1.tv_nsec - t0.tv_nsec) / 1000000;
	if (ms > 2000)
		TH_LOG("flight 5 came after %d ms", ms);
	ASSERT_EQ(66, m.len);
	ASSERT_EQ(65, m.body[0]);
	raw_tr_add(&r, HT_CKE, m.seq, m.body, m.len);
	ASSERT_EQ(0, ec_shared(r.ecdh, m.body + 1, 65, pms));
	raw_derive(&r, pms, sizeof(pms));
	ASSERT_EQ(0, raw_wait_fin(&r, true, true, WAIT_MS));
	/* Ours: SH 0, Certificate 1, SKE 2, SHD 3, Finished 4. */
	ASSERT_EQ(4, r.mseq);
	n = raw_ccs_fin(&r, dg, false);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, raw_send(&r, dg, n));

	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED,
		  dtls_test_hs_settle(cli, WAIT_MS, &ci)) {
		dtls_test_hs_show("client", cli);
	}
	EXPECT_EQ(SUITE, ci.suite);
	EXPECT_TRUE(ci.has_peer_cert);
	EXPECT_EQ(0, memcmp(ci.peer_cert_sha256, mine.sha256, 32));
	keys_of(cli, &tx, &rx);
	EXPECT_EQ(DTLS_CIPHER_AES_GCM_128, tx);
	EXPECT_EQ(DTLS_CIPHER_AES_GCM_128, rx);
	EXPECT_EQ(c0.done + 1, stat_of("DtlsHsDone"));
	EXPECT_EQ(c0.failed, stat_of("DtlsHsFailed"));

	ASSERT_EQ(4, send(cli, "data", 4, 0));
	k = raw_recv(&r, buf, sizeof(buf), WAIT_MS);
	ASSERT_LT(0, k);
	EXPECT_EQ(4, dtls_ref_open(DTLS_CIPHER_AES_GCM_128, r.ckey, r.civ,
				   buf, k, &h, got, sizeof(got), NULL));
	EXPECT_EQ(0, memcmp(got, "data", 4));
	raw_free(&r);
	close(cli);
	test_cert_free(&mine);
}

TEST_F_TIMEOUT(ok, raw_server_ok, FIRST_TIMEOUT)
{
	raw_server_run(_metadata, SIG_ECDSA, EVP_sha256());
}

/* {sha384, ecdsa}: the kernel client checks the SHA-384 digest's first half. */
TEST_F_TIMEOUT(ok, raw_server_sha384, FIRST_TIMEOUT)
{
	raw_server_run(_metadata, SIG_ECDSA_SHA384, EVP_sha384());
}

/* ------------------------------------------- raw client, kernel server */

/* A ClientHello's ec_point_formats (RFC 8422 5.1.2). */
#define FMT_UNCOMPRESSED	0	/* { uncompressed } */
#define FMT_NONE		1	/* no extension: uncompressed only */
#define FMT_COMPRESSED		2	/* { ansiX962_compressed_prime } */

/* A ClientHello body for SUITE: EMS, reneg, P-256, @fmt, @sigalg. */
static size_t ch_body(uint8_t *out, const uint8_t rnd[32],
		      const uint8_t *cookie, uint8_t cookie_len, int fmt,
		      uint16_t sigalg)
{
	uint8_t *p = out;

	p = put16(p, V12);
	p = putb(p, rnd, 32);
	p = put8(p, 0);
	p = put8(p, cookie_len);
	p = putb(p, cookie, cookie_len);
	p = put16(p, 2);
	p = put16(p, SUITE);
	p = put8(p, 1);
	p = put8(p, 0);
	p = put16(p, 4 + 5 + 8 + (fmt == FMT_NONE ? 0 : 6) + 8);
	p = put16(p, 23);			/* extended_master_secret */
	p = put16(p, 0);
	p = put16(p, 0xff01);			/* renegotiation_info */
	p = put16(p, 1);
	p = put8(p, 0);
	p = put16(p, 10);			/* supported_groups */
	p = put16(p, 4);
	p = put16(p, 2);
	p = put16(p, GROUP_P256);
	if (fmt != FMT_NONE) {
		p = put16(p, 11);		/* ec_point_formats */
		p = put16(p, 2);
		p = put8(p, 1);
		p = put8(p, fmt == FMT_COMPRESSED ? 1 : 0);
	}
	p = put16(p, 13);			/* signature_algorithms */
	p = put16(p, 4);
	p = put16(p, 2);
	p = put16(p, sigalg);
	return p - out;
}

/* Whether the ServerHello @b of @len bytes has an extension of @type. */
static bool sh_has_ext(const uint8_t *b, size_t len, unsigned int type)
{
	size_t off = 35 + (len > 34 ? b[34] : 0) + 3, end;

	if (off + 2 > len)
		return false;
	end = off + 2 + get16(b + off);
	for (off += 2; off + 4 <= end && end <= len;
	     off += 4 + get16(b + off + 2))
		if (get16(b + off) == type)
			return true;
	return false;
}

/*
 * ClientHello, HelloVerifyRequest, ClientHello with the cookie, then
 * flight 4 into the transcript: ServerHello, Certificate, SKE, [CR],
 * ServerHelloDone; the server's point, SKE and Certificate kept.
 */
static int raw_hello(struct raw *r)
{
	uint8_t body[512], msg[600], dg[1024];
	struct hmsg m;
	size_t n;

	n = ch_body(body, r->crand, NULL, 0, r->ch_formats,
		    r->ch_sigalg ?: SIG_ECDSA);
	n = hs_frag(msg, HT_CH, n, r->mseq++, body);
	n = rec_build(dg, REC_HS, 0, r->seq0++, msg, n);
	if (raw_send(r, dg, n) || raw_wait_msg(r, HT_HVR, WAIT_MS, &m))
		return -1;
	if (m.len < 3 || m.body[2] != m.len - 3) {
		snprintf(r->why, sizeof(r->why), "bad HelloVerifyRequest");
		return -1;
	}
	r->cookie_len = m.body[2];
	memcpy(r->cookie, m.body + 3, r->cookie_len);
	n = ch_body(body, r->crand, r->cookie, r->cookie_len,
		    r->ch_formats, r->ch_sigalg ?: SIG_ECDSA);
	n = raw_put_msg(r, dg, HT_CH, body, n);
	if (raw_send(r, dg, n))
		return -1;
	for (;;) {
		if (raw_wait_msg(r, 0, r->srv_seq < 0 ? FIRST_MS : WAIT_MS, &m))
			return -1;
		if (r->srv_seq < 0) {
			if (m.type != HT_SH)
				continue;
			r->srv_seq = m.seq;
		}
		if (m.seq != r->srv_seq)
			continue;
		r->srv_seq++;
		raw_tr_add(r, m.type, m.seq, m.body, m.len);
		switch (m.type) {
		case HT_SH:
			if (m.len < 38 || m.len < 37u + m.body[34])
				return -1;
			memcpy(r->srand, m.body + 2, 32);
			r->suite = get16(m.body + 35 + m.body[34]);
			r->sh_formats = sh_has_ext(m.body, m.len, 11);
			break;
		case HT_CERT:
			memcpy(r->scert, m.body, m.len);
			r->scert_len = m.len;
			break;
		case HT_SKE:
			/* named_curve, group, point<1..255> */
			if (m.len < 4 || m.body[3] + 4u > m.len ||
			    m.len > sizeof(r->ske)) {
				snprintf(r->why, sizeof(r->why), "bad SKE");
				return -1;
			}
			memcpy(r->ske, m.body, m.len);
			r->ske_len = m.len;
			r->peer_pt_len = m.body[3];
			memcpy(r->peer_pt, m.body + 4, r->peer_pt_len);
			break;
		case HT_CR:
			/* types<1..255>, supported_signature_algorithms */
			r->got_cr = true;
			n = m.len ? 1 + m.body[0] : 0;
			if (!n || n + 2 > m.len ||
			    get16(m.body + n) > sizeof(r->cr_sigalgs) ||
			    n + 2 + get16(m.body + n) > m.len) {
				snprintf(r->why, sizeof(r->why), "bad CR");
				return -1;
			}
			r->cr_sigalgs_len = get16(m.body + n);
			memcpy(r->cr_sigalgs, m.body + n + 2,
			       r->cr_sigalgs_len);
			break;
		case HT_SHD:
			return 0;
		}
	}
}

enum srv_kind {
	SK_OK,			/* Certificate, CKE, CertificateVerify */
	SK_CERT_MISSING,	/* no Certificate at all */
	SK_CERT_EMPTY,		/* an empty one, required */
	SK_CERT_NOT_PINNED,
	SK_CV_BAD,		/* signed over another transcript */
	SK_CV_SIGALG_RSA,
	SK_CV_SIGALG_SHA512,	/* {sha512, ecdsa}: not offered */
	SK_CV_RELABELLED,	/* SHA-256 signed, {sha384, ecdsa} said */
	SK_CERT_EMPTY_OPTIONAL,	/* an empty one, not required */
};

/*
 * A kernel server, bound on loopback: SUITE, @cert and its key, the peer
 * pinned to @pin, @required.  Its fd or -1.
 */
static int server_start(union dtls_test_addr *a, const struct test_cert *cert,
			const uint8_t pin[32], bool required)
{
	static const uint16_t suite = SUITE;
	struct dtls_hs_config cfg = {
		.role = DTLS_HS_ROLE_SERVER,
		.suites = &suite,
		.n_suites = 1,
		.rto_initial_ms = 5000,
		.timeout_ms = 60000,
		.cookies = -1,
	};
	const uint8_t *der = cert->der;
	char msg[128] = "";
	int fd = dtls_test_udp_bound(AF_INET, a);

	if (fd < 0)
		return -1;
	if (dtls_sock_attach(dtls_test_nl(), fd, NULL, NULL, 0) ||
	    dtls_hs_config(dtls_test_nl(), fd, 0, &cfg, msg, sizeof(msg)) ||
	    dtls_cert_set(dtls_test_nl(), fd, 0, &der, &cert->len, 1,
			  cert->priv, 0, msg, sizeof(msg)) ||
	    dtls_peer_auth(dtls_test_nl(), fd, 0, (const uint8_t (*)[32])pin,
			   1, required, msg, sizeof(msg)) ||
	    dtls_hs_start(dtls_test_nl(), fd, 0, msg, sizeof(msg))) {
		fprintf(stderr, "# server setup: %s\n", msg);
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Flight 5 of the variant, in one datagram: [Certificate],
 * ClientKeyExchange, [CertificateVerify], CCS, Finished (the keys derived
 * from the server's point).  0 or -1.
 */
static int raw_flight5(struct raw *r, enum srv_kind k,
		       const struct test_cert *mine,
		       const struct test_cert *other)
{
	static uint8_t dg[16384];
	uint8_t body[4096], sig[128], pms[32], pt[65];
	const uint8_t *der[1];
	size_t n = 0, len, dlen[1], slen, c;

	if (k != SK_CERT_MISSING) {
		der[0] = k == SK_CERT_NOT_PINNED ? other->der : mine->der;
		dlen[0] = k == SK_CERT_NOT_PINNED ? other->len : mine->len;
		len = cert_body(body, der, dlen,
				k == SK_CERT_EMPTY ||
				k == SK_CERT_EMPTY_OPTIONAL ? 0 : 1);
		n += raw_put_msg(r, dg + n, HT_CERT, body, len);
	}
	if (ec_point(r->ecdh, pt) != 65)
		return -1;
	body[0] = 65;
	memcpy(body + 1, pt, 65);
	n += raw_put_msg(r, dg + n, HT_CKE, body, 66);
	if (ec_shared(r->ecdh, r->peer_pt, r->peer_pt_len, pms)) {
		snprintf(r->why, sizeof(r->why), "ECDH with the server's point");
		return -1;
	}
	raw_derive(r, pms, sizeof(pms));
	if (k != SK_CERT_MISSING && k != SK_CERT_EMPTY &&
	    k != SK_CERT_EMPTY_OPTIONAL) {
		/* CertificateVerify: the transcript so far, signed. */
		uint16_t alg = r->ch_sigalg ?: SIG_ECDSA;

		if (k == SK_CV_BAD)
			r->tr[r->tlen - 1] ^= 1;
		slen = ec_sign(mine->pkey, alg == SIG_ECDSA_SHA384 ?
			       EVP_sha384() : EVP_sha256(), r->tr, r->tlen,
			       sig, sizeof(sig));
		if (k == SK_CV_BAD)
			r->tr[r->tlen - 1] ^= 1;
		if (!slen)
			return -1;
		if (k == SK_CV_SIGALG_RSA)
			alg = SIG_RSA;
		else if (k == SK_CV_SIGALG_SHA512)
			alg = SIG_ECDSA_SHA512;
		else if (k == SK_CV_RELABELLED)
			alg = SIG_ECDSA_SHA384;
		len = put16(put16(body, alg), slen) - body;
		memcpy(body + len, sig, slen);
		n += raw_put_msg(r, dg + n, HT_CV, body, len + slen);
	}
	c = raw_ccs_fin(r, dg + n, true);
	if (!c)
		return -1;
	return raw_send(r, dg, n + c);
}

FIXTURE(srv) {
	int srv;
	union dtls_test_addr sa;
	struct raw r;
	struct test_cert kcert;		/* the kernel server's */
	struct test_cert mine;		/* raw's */
	struct test_cert other;
	struct counts c0;
};

FIXTURE_VARIANT(srv) {
	enum srv_kind kind;
	bool required;
	int alert;
	int error;
};

#define SRV_VARIANT(name, k, req, a, e)					\
	FIXTURE_VARIANT_ADD(srv, name) {				\
		.kind = k, .required = req, .alert = a, .error = e,	\
	}

SRV_VARIANT(cert_missing, SK_CERT_MISSING, true, ALERT_UNEXPECTED_MESSAGE,
	    EPROTO);
SRV_VARIANT(cert_empty_required, SK_CERT_EMPTY, true, ALERT_HANDSHAKE_FAILURE,
	    ENOKEY);
SRV_VARIANT(cert_not_pinned, SK_CERT_NOT_PINNED, true, ALERT_BAD_CERTIFICATE,
	    EKEYREJECTED);
SRV_VARIANT(cv_does_not_verify, SK_CV_BAD, true, ALERT_DECRYPT_ERROR,
	    EKEYREJECTED);
SRV_VARIANT(cv_sigalg_rsa, SK_CV_SIGALG_RSA, true, ALERT_ILLEGAL_PARAMETER,
	    EKEYREJECTED);
SRV_VARIANT(cv_sigalg_sha512, SK_CV_SIGALG_SHA512, true,
	    ALERT_ILLEGAL_PARAMETER, EKEYREJECTED);
SRV_VARIANT(cv_sigalg_relabelled, SK_CV_RELABELLED, true, ALERT_DECRYPT_ERROR,
	    EKEYREJECTED);

FIXTURE_SETUP(srv)
{
	srand(getpid() ^ time(NULL));
	self->srv = -1;
	ASSERT_EQ(0, test_cert_make(&self->kcert, "kernel server"));
	ASSERT_EQ(0, test_cert_make(&self->mine, "raw client"));
	ASSERT_EQ(0, test_cert_make(&self->other, "someone else"));
	ASSERT_EQ(0, raw_init(&self->r));
	self->c0 = counts_now();
	self->srv = server_start(&self->sa, &self->kcert, self->mine.sha256,
				 variant->required);
	ASSERT_LE(0, self->srv);
	timeo(self->srv, WAIT_MS);
	self->r.fd = dtls_test_udp_bound(AF_INET, &(union dtls_test_addr){});
	ASSERT_LE(0, self->r.fd);
	ASSERT_EQ(0, connect(self->r.fd, &self->sa.sa,
			     dtls_test_addr_len(AF_INET)));
}

FIXTURE_TEARDOWN(srv)
{
	raw_free(&self->r);
	if (self->srv >= 0)
		close(self->srv);
	test_cert_free(&self->kcert);
	test_cert_free(&self->mine);
	test_cert_free(&self->other);
}

TEST_F_TIMEOUT(srv, fails, FIRST_TIMEOUT)
{
	int level = -1, desc = -1, tx, rx;
	struct dtls_hs_info si;

	ASSERT_EQ(0, raw_hello(&self->r)) TH_LOG("%s", self->r.why);
	EXPECT_EQ(SUITE, self->r.suite);
	ASSERT_TRUE(self->r.got_cr);
	ASSERT_EQ(0, raw_flight5(&self->r, variant->kind, &self->mine,
				 &self->other)) TH_LOG("%s", self->r.why);

	ASSERT_EQ(0, raw_wait_alert(&self->r, FIRST_MS, &level, &desc, NULL)) {
		dtls_test_hs_show("server", self->srv);
	}
	EXPECT_EQ(2, level);
	EXPECT_EQ(variant->alert, desc);
	ASSERT_EQ(DTLS_HS_STATE_FAILED,
		  dtls_test_hs_settle(self->srv, WAIT_MS, &si));
	EXPECT_EQ(variant->error, si.error) TH_LOG("error %u (%s)", si.error,
						   strerror(si.error));
	EXPECT_EQ(variant->alert, si.alert);
	EXPECT_FALSE(si.alert_remote);
	EXPECT_FALSE(si.has_peer_cert);
	keys_of(self->srv, &tx, &rx);
	EXPECT_EQ(0, tx);
	EXPECT_EQ(0, rx);
	EXPECT_EQ(self->c0.failed + 1, stat_of("DtlsHsFailed"));
	EXPECT_EQ(self->c0.done, stat_of("DtlsHsDone"));
	EXPECT_EQ(variant->error, so_error_of(self->srv));
}

/* The kernel server's side of a handshake that completed. */
static void srv_established(struct __test_metadata *_metadata, int srv,
			    struct raw *r, const uint8_t *peer_sha)
{
	struct dtls_hs_info si;
	uint8_t buf[4096], got[64];
	struct dtls_ref_hdr h;
	int tx, rx;
	ssize_t k;

	ASSERT_EQ(DTLS_HS_STATE_ESTABLISHED,
		  dtls_test_hs_settle(srv, WAIT_MS, &si)) {
		dtls_test_hs_show("server", srv);
	}
	EXPECT_EQ(SUITE, si.suite);
	EXPECT_EQ(!!peer_sha, si.has_peer_cert);
	if (peer_sha)
		EXPECT_EQ(0, memcmp(si.peer_cert_sha256, peer_sha, 32));
	keys_of(srv, &tx, &rx);
	EXPECT_EQ(DTLS_CIPHER_AES_GCM_128, tx);
	EXPECT_EQ(DTLS_CIPHER_AES_GCM_128, rx);
	ASSERT_EQ(4, send(srv, "data", 4, 0));
	k = raw_recv(r, buf, sizeof(buf), WAIT_MS);
	ASSERT_LT(0, k);
	EXPECT_EQ(4, dtls_ref_open(DTLS_CIPHER_AES_GCM_128, r->skey, r->siv,
				   buf, k, &h, got, sizeof(got), NULL));
	EXPECT_EQ(REC_DATA, h.type);
	EXPECT_EQ(0, memcmp(got, "data", 4));
}

/*
 * The raw client is right: its certificate, key exchange and
 * CertificateVerify complete the handshake; the server's
 * ServerKeyExchange verifies with the server's certificate, whose digest
 * the client's side sees and the server's hs-get has raw's.  The client
 * lists the one pair @sigalg: the server signs with its hash, and takes
 * the client's CertificateVerify made with it.
 */
static void raw_client_run(struct __test_metadata *_metadata,
			   uint16_t sigalg)
{
	const EVP_MD *md = sigalg == SIG_ECDSA_SHA384 ? EVP_sha384() :
							EVP_sha256();
	struct test_cert kcert, mine, other;
	union dtls_test_addr sa, me;
	struct counts c0;
	uint8_t tbs[64 + 512], sha[32];
	size_t plen;
	struct raw r;
	int srv;

	srand(getpid() ^ time(NULL));
	ASSERT_EQ(0, test_cert_make(&kcert, "kernel server"));
	ASSERT_EQ(0, test_cert_make(&mine, "raw client"));
	ASSERT_EQ(0, test_cert_make(&other, "someone else"));
	ASSERT_EQ(0, raw_init(&r));
	r.ch_sigalg = sigalg;
	c0 = counts_now();
	srv = server_start(&sa, &kcert, mine.sha256, true);
	ASSERT_LE(0, srv);
	r.fd = dtls_test_udp_bound(AF_INET, &me);
	ASSERT_LE(0, r.fd);
	ASSERT_EQ(0, connect(r.fd, &sa.sa, dtls_test_addr_len(AF_INET)));
	ASSERT_EQ(0, raw_hello(&r)) TH_LOG("%s", r.why);
	EXPECT_EQ(SUITE, r.suite);
	EXPECT_TRUE(r.got_cr);
	ASSERT_EQ(sizeof(kernel_sigalgs), r.cr_sigalgs_len);
	EXPECT_EQ(0, memcmp(r.cr_sigalgs, kernel_sigalgs,
			    sizeof(kernel_sigalgs)));
	EXPECT_TRUE(r.sh_formats);	/* asked */

	/* The server's chain is its certificate; its SKE is signed by it. */
	ASSERT_EQ(3 + 3 + kcert.len, r.scert_len);
	EXPECT_EQ(0, memcmp(r.scert + 6, kcert.der, kcert.len));
	SHA256(r.scert + 6, r.scert_len - 6, sha);
	EXPECT_EQ(0, memcmp(sha, kcert.sha256, 32));
	ASSERT_EQ(65, r.peer_pt_len);
	EXPECT_EQ(GROUP_P256, get16(r.ske + 1));
	plen = 4 + r.peer_pt_len;
	ASSERT_LT(plen + 4, r.ske_len);
	EXPECT_EQ(sigalg, get16(r.ske + plen));
	memcpy(tbs, r.crand, 32);
	memcpy(tbs + 32, r.srand, 32);
	memcpy(tbs + 64, r.ske, plen);
	EXPECT_TRUE(ec_verify(kcert.pkey, md, tbs, 64 + plen,
			      r.ske + plen + 4, get16(r.ske + plen + 2)));

	ASSERT_EQ(0, raw_flight5(&r, SK_OK, &mine, &other)) TH_LOG("%s", r.why);
	ASSERT_EQ(0, raw_wait_fin(&r, false, false, WAIT_MS)) {
		TH_LOG("alert %d", r.alert);
		dtls_test_hs_show("server", srv);
	}
	srv_established(_metadata, srv, &r, mine.sha256);
	EXPECT_EQ(c0.done + 1, stat_of("DtlsHsDone"));
	EXPECT_EQ(c0.failed, stat_of("DtlsHsFailed"));
	raw_free(&r);
	close(srv);
	test_cert_free(&kcert);
	test_cert_free(&mine);
	test_cert_free(&other);
}

TEST_F_TIMEOUT(ok, raw_client_ok, FIRST_TIMEOUT)
{
	raw_client_run(_metadata, SIG_ECDSA);
}

/* SHA-384 only (RFC 5246 7.4.1.4.1): P-256 signs its first 256 bits. */
TEST_F_TIMEOUT(ok, raw_client_sha384, FIRST_TIMEOUT)
{
	raw_client_run(_metadata, SIG_ECDSA_SHA384);
}

/*
 * RFC 8422 5.1.2 and RFC 5246 7.4.1.4: a ClientHello without
 * ec_point_formats (uncompressed points only) gets a ServerHello without
 * one, an extension it did not send, and the handshake completes; one
 * whose list lacks the uncompressed form gets illegal_parameter.
 */
TEST_F_TIMEOUT(ok, point_formats, FIRST_TIMEOUT)
{
	struct test_cert kcert, mine, other;
	union dtls_test_addr sa, me;
	struct dtls_hs_info si;
	struct raw r;
	int srv, fmt;

	srand(getpid() ^ time(NULL));
	ASSERT_EQ(0, test_cert_make(&kcert, "kernel server"));
	ASSERT_EQ(0, test_cert_make(&mine, "raw client"));
	ASSERT_EQ(0, test_cert_make(&other, "someone else"));
	for (fmt = FMT_NONE; fmt <= FMT_COMPRESSED; fmt++) {
		ASSERT_EQ(0, raw_init(&r));
		r.ch_formats = fmt;
		srv = server_start(&sa, &kcert, mine.sha256, true);
		ASSERT_LE(0, srv);
		r.fd = dtls_test_udp_bound(AF_INET, &me);
		ASSERT_LE(0, r.fd);
		ASSERT_EQ(0, connect(r.fd, &sa.sa,
				     dtls_test_addr_len(AF_INET)));
		if (fmt == FMT_NONE) {
			ASSERT_EQ(0, raw_hello(&r)) TH_LOG("%s", r.why);
			EXPECT_FALSE(r.sh_formats);
			ASSERT_EQ(0, raw_flight5(&r, SK_OK, &mine, &other))
				TH_LOG("%s", r.why);
			ASSERT_EQ(0, raw_wait_fin(&r, false, false, WAIT_MS))
				TH_LOG("alert %d", r.alert);
			srv_established(_metadata, srv, &r, mine.sha256);
		} else {
			EXPECT_EQ(-1, raw_hello(&r));
			EXPECT_EQ(ALERT_ILLEGAL_PARAMETER, r.alert)
				TH_LOG("%s", r.why);
			ASSERT_EQ(DTLS_HS_STATE_FAILED,
				  dtls_test_hs_settle(srv, WAIT_MS, &si));
			EXPECT_EQ(ALERT_ILLEGAL_PARAMETER, si.alert);
			EXPECT_FALSE(si.alert_remote);
		}
		raw_free(&r);
		close(srv);
	}
	test_cert_free(&kcert);
	test_cert_free(&mine);
	test_cert_free(&other);
}

/*
 * peer-cert-required=0: a client that answers the CertificateRequest with
 * an empty Certificate goes on, without a CertificateVerify, to a
 * completed handshake, and the server holds no peer certificate.
 */
TEST_F_TIMEOUT(ok, empty_cert_not_required, FIRST_TIMEOUT)
{
	struct test_cert kcert, mine, other;
	union dtls_test_addr sa, me;
	struct raw r;
	int srv;

	srand(getpid() ^ time(NULL));
	ASSERT_EQ(0, test_cert_make(&kcert, "kernel server"));
	ASSERT_EQ(0, test_cert_make(&mine, "raw client"));
	ASSERT_EQ(0, test_cert_make(&other, "someone else"));
	ASSERT_EQ(0, raw_init(&r));
	srv = server_start(&sa, &kcert, mine.sha256, false);
	ASSERT_LE(0, srv);
	r.fd = dtls_test_udp_bound(AF_INET, &me);
	ASSERT_LE(0, r.fd);
	ASSERT_EQ(0, connect(r.fd, &sa.sa, dtls_test_addr_len(AF_INET)));
	ASSERT_EQ(0, raw_hello(&r)) TH_LOG("%s", r.why);
	ASSERT_TRUE(r.got_cr);
	ASSERT_EQ(0, raw_flight5(&r, SK_CERT_EMPTY_OPTIONAL, &mine, &other))
		TH_LOG("%s", r.why);
	ASSERT_EQ(0, raw_wait_fin(&r, false, false, WAIT_MS)) {
		TH_LOG("alert %d", r.alert);
		dtls_test_hs_show("server", srv);
	}
	srv_established(_metadata, srv, &r, NULL);
	raw_free(&r);
	close(srv);
	test_cert_free(&kcert);
	test_cert_free(&mine);
	test_cert_free(&other);
}

/* ----------------------------------------------------- netlink inputs */

struct nla_spec {
	uint16_t type;
	const void *data;
	size_t len;
};

/*
 * A request @cmd for @fd with @n attributes, built by hand (libdtls
 * refuses some of these before the kernel sees them): 0 or -errno.
 */
static int nl_raw(uint8_t cmd, int fd, const struct nla_spec *a, int n)
{
	static char buf[65536];
	struct mnl_socket *nl;
	struct genlmsghdr *g;
	struct nlmsghdr *nlh;
	uint16_t family = 0;
	uint32_t portid, seq = time(NULL);
	int32_t sfd = fd;
	int ret = -EIO, i;
	ssize_t len;

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
	len = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (len <= 0)
		goto out;
	nlh = (struct nlmsghdr *)buf;
	if (nlh->nlmsg_type == NLMSG_ERROR)
		goto out;
	{
		struct nlattr *at;

		mnl_attr_for_each(at, nlh, sizeof(*g))
			if (mnl_attr_get_type(at) == CTRL_ATTR_FAMILY_ID)
				family = mnl_attr_get_u16(at);
	}
	if (!family)
		goto out;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = DTLS_FAMILY_VERSION;
	mnl_attr_put(nlh, DTLS_A_HS_FD, sizeof(sfd), &sfd);
	for (i = 0; i < n; i++)
		mnl_attr_put(nlh, a[i].type, a[i].len, a[i].data);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		goto out;
	len = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (len <= 0)
		goto out;
	ret = mnl_cb_run(buf, len, seq, portid, NULL, NULL) < 0 ? -errno : 0;
out:
	if (nl)
		mnl_socket_close(nl);
	return ret;
}

/*
 * cert-set refusals: a key that is not the certificate's, a blob that is
 * not DER, a P-384 certificate, 9 certificates.  None leaves a
 * certificate: a server with only certificate suites still cannot start;
 * a good one then lets it.
 */
TEST(netlink_cert_set_refused)
{
	static const uint16_t suite = SUITE;
	struct dtls_hs_config cfg = {
		.role = DTLS_HS_ROLE_SERVER,
		.suites = &suite,
		.n_suites = 1,
		.cookies = -1,
	};
	struct test_cert good, other;
	uint8_t junk[200], p384[4096];
	struct nla_spec a[10];
	union dtls_test_addr sa;
	const uint8_t *der;
	char msg[128];
	size_t len;
	EVP_PKEY *k;
	int fd, i;

	ASSERT_EQ(0, test_cert_make(&good, "good"));
	ASSERT_EQ(0, test_cert_make(&other, "other"));
	fd = dtls_test_udp_bound(AF_INET, &sa);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), fd, NULL, NULL, 0));
	ASSERT_EQ(0, dtls_hs_config(dtls_test_nl(), fd, 0, &cfg, msg,
				    sizeof(msg)));

	/* Another certificate's key. */
	der = good.der;
	EXPECT_EQ(-EKEYREJECTED,
		  dtls_cert_set(dtls_test_nl(), fd, 0, &der, &good.len, 1,
				other.priv, 0, msg, sizeof(msg)));
	/* Not DER. */
	memset(junk, 0xa5, sizeof(junk));
	der = junk;
	len = sizeof(junk);
	EXPECT_EQ(-EINVAL, dtls_cert_set(dtls_test_nl(), fd, 0, &der, &len, 1,
					 good.priv, 0, msg, sizeof(msg)));
	/* A P-384 key. */
	k = EVP_EC_gen("P-384");
	ASSERT_NE(NULL, k);
	ASSERT_EQ(0, cert_of_key(k, "p384", p384, sizeof(p384), &len));
	EVP_PKEY_free(k);
	der = p384;
	EXPECT_EQ(-EOPNOTSUPP, dtls_cert_set(dtls_test_nl(), fd, 0, &der, &len,
					     1, good.priv, 0, msg,
					     sizeof(msg)));
	/* 9 certificates: libdtls refuses them itself, so by hand. */
	a[0] = (struct nla_spec){ DTLS_A_HS_CERT_KEY, good.priv, 32 };
	for (i = 1; i < 10; i++)
		a[i] = (struct nla_spec){ DTLS_A_HS_CERT_DER, good.der,
					  good.len };
	EXPECT_EQ(-EINVAL, nl_raw(DTLS_CMD_CERT_SET, fd, a, 10));

	/* None of those left a certificate: nothing to serve with. */
	EXPECT_EQ(-ENOKEY, dtls_hs_start(dtls_test_nl(), fd, 0, msg,
					 sizeof(msg)));
	EXPECT_EQ(DTLS_HS_STATE_CONFIGURED, hs_state(fd));
	/* The same request with 8 goes through: it was the count. */
	EXPECT_EQ(0, nl_raw(DTLS_CMD_CERT_SET, fd, a, 9));
	EXPECT_EQ(0, dtls_hs_start(dtls_test_nl(), fd, 0, msg, sizeof(msg)));
	EXPECT_EQ(DTLS_HS_STATE_RUNNING, hs_state(fd));
	close(fd);
	test_cert_free(&good);
	test_cert_free(&other);
}

/*
 * peer-auth refusals: 9 pins, a 31-byte pin (by hand: libdtls sends
 * neither), peer-cert-required without pins.  None leaves a pin: a client
 * with only certificate suites cannot start; 8 pins are fine.
 */
TEST(netlink_peer_auth_refused)
{
	static const uint16_t suite = SUITE;
	struct dtls_hs_config cfg = {
		.role = DTLS_HS_ROLE_CLIENT,
		.suites = &suite,
		.n_suites = 1,
		.cookies = -1,
	};
	uint8_t pins[9][32];
	struct nla_spec a[9];
	union dtls_test_addr ca, sa;
	char msg[128];
	int fd, peer, i;

	memset(pins, 0x11, sizeof(pins));
	fd = dtls_test_udp_bound(AF_INET, &ca);
	peer = dtls_test_udp_bound(AF_INET, &sa);
	ASSERT_LE(0, fd);
	ASSERT_LE(0, peer);
	ASSERT_EQ(0, connect(fd, &sa.sa, dtls_test_addr_len(AF_INET)));
	ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), fd, NULL, NULL, 0));
	ASSERT_EQ(0, dtls_hs_config(dtls_test_nl(), fd, 0, &cfg, msg,
				    sizeof(msg)));

	for (i = 0; i < 9; i++)
		a[i] = (struct nla_spec){ DTLS_A_HS_PEER_PIN_SHA256, pins[i],
					  32 };
	EXPECT_EQ(-EINVAL, nl_raw(DTLS_CMD_PEER_AUTH, fd, a, 9));
	/* The policy's exact length: a range error. */
	a[0].len = 31;
	EXPECT_EQ(-ERANGE, nl_raw(DTLS_CMD_PEER_AUTH, fd, a, 1));
	EXPECT_EQ(-EINVAL, dtls_peer_auth(dtls_test_nl(), fd, 0, NULL, 0, true,
					  msg, sizeof(msg)));
	EXPECT_EQ(-ENOKEY, dtls_hs_start(dtls_test_nl(), fd, 0, msg,
					 sizeof(msg)));
	EXPECT_EQ(DTLS_HS_STATE_CONFIGURED, hs_state(fd));

	a[0].len = 32;
	EXPECT_EQ(0, nl_raw(DTLS_CMD_PEER_AUTH, fd, a, 8));
	EXPECT_EQ(0, dtls_hs_start(dtls_test_nl(), fd, 0, msg, sizeof(msg)));
	EXPECT_EQ(DTLS_HS_STATE_RUNNING, hs_state(fd));
	close(fd);
	close(peer);
}

/*
 * A client allowed only certificate suites, with a PSK and a certificate
 * of its own but no pins, has nothing it could complete: it would take any
 * server.  hs-start says -ENOKEY and leaves it configured; a pin lets it
 * start.
 */
TEST(client_ecdsa_only_without_pins)
{
	static const uint16_t suites[] = { 0xc02b, 0xc02c, 0xcca9, 0xc0ae };
	struct dtls_hs_config cfg = {
		.role = DTLS_HS_ROLE_CLIENT,
		.suites = suites,
		.n_suites = 4,
		.cookies = -1,
	};
	union dtls_test_addr ca, sa;
	struct test_cert mine;
	const uint8_t *der;
	char msg[128];
	int fd, peer;

	ASSERT_EQ(0, test_cert_make(&mine, "client"));
	fd = dtls_test_udp_bound(AF_INET, &ca);
	peer = dtls_test_udp_bound(AF_INET, &sa);
	ASSERT_LE(0, fd);
	ASSERT_LE(0, peer);
	ASSERT_EQ(0, connect(fd, &sa.sa, dtls_test_addr_len(AF_INET)));
	ASSERT_EQ(0, dtls_test_hs_setup(fd, &cfg, "client1",
					"0123456789abcdef", 16));
	der = mine.der;
	ASSERT_EQ(0, dtls_cert_set(dtls_test_nl(), fd, 0, &der, &mine.len, 1,
				   mine.priv, 0, msg, sizeof(msg)));
	EXPECT_EQ(-ENOKEY, dtls_hs_start(dtls_test_nl(), fd, 0, msg,
					 sizeof(msg)));
	EXPECT_EQ(DTLS_HS_STATE_CONFIGURED, hs_state(fd));
	ASSERT_EQ(0, dtls_peer_auth(dtls_test_nl(), fd, 0,
				    (const uint8_t (*)[32])mine.sha256, 1,
				    false, msg, sizeof(msg)));
	EXPECT_EQ(0, dtls_hs_start(dtls_test_nl(), fd, 0, msg, sizeof(msg)));
	EXPECT_EQ(DTLS_HS_STATE_RUNNING, hs_state(fd));
	close(fd);
	close(peer);
	test_cert_free(&mine);
}

TEST_HARNESS_MAIN
