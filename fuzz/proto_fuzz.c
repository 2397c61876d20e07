// SPDX-License-Identifier: GPL-2.0
/*
 * proto_fuzz: the handshake's steps (proto.c, client.c, server.c, psk.c
 * over msg.c, reasm.c and prf.c), driven as handshake.c drives them: each
 * datagram's fragments through the epoch filter and reassembly into
 * dtls_proto_msg(), a listening server's first ClientHello (and, with
 * cookies, a HelloVerifyRequest) into dtls_server_start(), the flights a
 * step builds sent to the other side, resends when a step says the peer
 * resent (dtls_proto_answers_resend()) and when the harness's "timer"
 * fires.  Kernel-only pieces are fakes here: the record layer's keys
 * (dtls_key_alloc() records the bytes), flight.c's building half, and
 * kex.c over OpenSSL's X25519 (P-256 is left out: not "supported").
 *
 * Input: 5 bytes of configuration, then
 *  - peer mode (byte 0 bit 0 clear): a real client and server; the rest
 *    is a list of 4-byte edits (index of a sent message, kind, a, b) done
 *    to the wire bytes of the message with that index: benign ones
 *    (re-fragment, duplicate, delay, resend) and hostile ones (flip a
 *    byte, truncate, drop, change the type, length or seq, inject
 *    the input's bytes);
 *  - raw mode (bit 0 set): one side (bit 1: server) alone; the rest is
 *    datagrams, each a flags byte (bit 0: epoch 1), a 2-byte length and
 *    the handshake fragments.
 * Randomness (hello randoms, X25519 keys) comes from the shim's counter,
 * set from the input: a crash reproduces.
 *
 * Properties (abort):
 *  - a step that fails says an alert (proto_msg, server_start), and
 *    neither send nor done; one that succeeds has no alert;
 *  - done only with both keys, of the negotiated suite's cipher;
 *  - the flight never holds more than DTLS_FLIGHT_MAX_MSGS;
 *  - both sides done: the same suite and master secret, the client's TX
 *    key and IV are the server's RX ones and the other way round, and the
 *    server knows the client's identity;
 *  - peer mode with only benign edits and matching configurations: both
 *    sides done;
 *  - nothing left after dtls_proto_free() (keys counted; LSan).
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>

#include "fuzz.h"

/*
 * crypto.h (the record layer's AEADs) and dtls.h (the socket's) are kept
 * out; what the steps take from them is below.
 */
#define _NET_DTLS_CRYPTO_H
#define _NET_DTLS_DTLS_H
#include <linux/list.h>
#include "compat/compat.h"
#include "record.h"

struct dtls_cipher {
	u16	type;
	u8	key_len;
	u8	iv_len;
};

/* The key and IV a step derived, for the harness to compare. */
struct dtls_key {
	const struct dtls_cipher *cipher;
	u16	epoch;
	bool	rx;
	u32	replay_window;
	u64	seq;
	u8	key[32];
	u8	iv[12];
};

const struct dtls_cipher *dtls_cipher_find(u16 type);
struct dtls_key *dtls_key_alloc(const struct dtls_cipher *c, const u8 *key,
				const u8 *iv, u16 epoch, u64 seq, bool rx,
				u32 replay_window, gfp_t gfp);
void dtls_key_put(struct dtls_key *k);

#include "msg.c"
#include "msg_cert.c"
#include "x509.c"
#include "reasm.c"
#include "prf.c"
#include "proto.c"
#include "client.c"
#include "server.c"
#include "psk.c"
#include "cert.c"

/* ------------------------------------------------ fakes of kernel pieces */

#include "rsa.h"

/*
 * ecdsa.c is built on crypto/ecc.c, which user space lacks: no key is
 * ever valid here, so no side has a certificate and the certificate
 * suites are never chosen (dtls_proto_ready() drops them).
 */
int dtls_ecdsa_key_set(struct dtls_ecdsa_key *k, const u8 *priv)
{
	return -EINVAL;
}

void dtls_ecdsa_key_wipe(struct dtls_ecdsa_key *k)
{
	memset(k, 0, sizeof(*k));
}

int dtls_ecdsa_pub_check(const u8 *pub, unsigned int len)
{
	return -EINVAL;
}

int dtls_ecdsa_sign(const struct dtls_ecdsa_key *k, const u8 *hash, u8 *out,
		    unsigned int cap)
{
	FUZZ_ASSERT(0);
	return -EINVAL;
}

int dtls_ecdsa_verify(const u8 *pub, const u8 *hash, const u8 *der,
		      unsigned int len)
{
	return -EBADMSG;
}

/* chain.c searches kernel keyrings: none is ever named here. */
int dtls_chain_check(struct key *keyring, const char *name,
		     const struct dtls_cert_list *cl, s64 now, u8 *alert)
{
	FUZZ_ASSERT(0);
	return -ENOKEY;
}

/* rsa.c is the kernel's public_key_verify_signature(): none here. */
int dtls_rsa_verify(const u8 *key, u32 key_len, enum dtls_prf_hash h,
		    const u8 *hash, const u8 *sig, u32 sig_len)
{
	return -EBADMSG;
}

/* crypto.c's table, the lengths only. */
static const struct dtls_cipher fz_ciphers[] = {
	{ DTLS_CIPHER_AES_GCM_128, 16, 4 },
	{ DTLS_CIPHER_AES_GCM_256, 32, 4 },
	{ DTLS_CIPHER_AES_CCM_128, 16, 4 },
	{ DTLS_CIPHER_AES_CCM_8_128, 16, 4 },
	{ DTLS_CIPHER_CHACHA20_POLY1305, 32, 12 },
};

static long fz_keys;		/* allocated, not yet put */

const struct dtls_cipher *dtls_cipher_find(u16 type)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fz_ciphers); i++)
		if (fz_ciphers[i].type == type)
			return &fz_ciphers[i];
	return NULL;
}

struct dtls_key *dtls_key_alloc(const struct dtls_cipher *c, const u8 *key,
				const u8 *iv, u16 epoch, u64 seq, bool rx,
				u32 replay_window, gfp_t gfp)
{
	struct dtls_key *k = kzalloc(sizeof(*k), gfp);

	FUZZ_ASSERT(c && c->key_len <= sizeof(k->key) &&
		    c->iv_len <= sizeof(k->iv));
	if (!k)
		return ERR_PTR(-ENOMEM);
	k->cipher = c;
	k->epoch = epoch;
	k->rx = rx;
	k->seq = seq;
	k->replay_window = replay_window;
	memcpy(k->key, key, c->key_len);
	memcpy(k->iv, iv, c->iv_len);
	fz_keys++;
	return k;
}

void dtls_key_put(struct dtls_key *k)
{
	if (!k)
		return;
	fz_keys--;
	kfree_sensitive(k);
}

/* kex.c over OpenSSL: X25519, the private key from the shim's counter. */
struct dtls_kex {
	EVP_PKEY	*pkey;
};

bool dtls_kex_group_supported(u16 group)
{
	return group == DTLS_GROUP_X25519;
}

struct dtls_kex *dtls_kex_new(u16 group)
{
	struct dtls_kex *kex;
	u8 priv[32];

	if (!dtls_kex_group_supported(group))
		return ERR_PTR(-EINVAL);
	kex = kzalloc(sizeof(*kex), GFP_KERNEL);
	if (!kex)
		return ERR_PTR(-ENOMEM);
	get_random_bytes(priv, sizeof(priv));
	kex->pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv,
						 sizeof(priv));
	memzero_explicit(priv, sizeof(priv));
	FUZZ_ASSERT(kex->pkey);
	return kex;
}

int dtls_kex_public(struct dtls_kex *kex, u8 *out, unsigned int cap)
{
	size_t n = cap;

	if (!kex || !out || cap < 32)
		return -EINVAL;
	FUZZ_ASSERT(EVP_PKEY_get_raw_public_key(kex->pkey, out, &n) == 1 &&
		    n == 32);
	return 32;
}

int dtls_kex_shared(struct dtls_kex *kex, const u8 *peer, unsigned int len,
		    u8 out[DTLS_KEX_SHARED_LEN])
{
	static const u8 zero[DTLS_KEX_SHARED_LEN];
	EVP_PKEY *pp;
	EVP_PKEY_CTX *ctx;
	size_t n = DTLS_KEX_SHARED_LEN;
	int ok;

	FUZZ_ASSERT(kex);
	if (len != 32)
		return -EINVAL;
	pp = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer, len);
	FUZZ_ASSERT(pp);
	ctx = EVP_PKEY_CTX_new(kex->pkey, NULL);
	FUZZ_ASSERT(ctx);
	/* OpenSSL refuses an all-zero result itself (low-order points). */
	ok = EVP_PKEY_derive_init(ctx) == 1 &&
	     EVP_PKEY_derive_set_peer(ctx, pp) == 1 &&
	     EVP_PKEY_derive(ctx, out, &n) == 1 && n == DTLS_KEX_SHARED_LEN &&
	     memcmp(out, zero, n);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pp);
	return ok ? DTLS_KEX_SHARED_LEN : -EINVAL;
}

void dtls_kex_free(struct dtls_kex *kex)
{
	if (!kex)
		return;
	EVP_PKEY_free(kex->pkey);
	kfree_sensitive(kex);
}

/* -------------------------------------------------------------- the link */

extern u64 kshim_random_ctr;
static bool fz_trace, prf_ready;

/*
 * PROTO_FUZZ_SEEDS=<dir>: what each side of a peer run received, written
 * as raw-mode inputs (make -C fuzz seeds; corpus/proto/).
 */
static const char *fz_seeds;
static u8 fz_rec[2][8192];
static size_t fz_rec_len[2];

static void fz_record(unsigned int i, unsigned int epoch, const u8 *p,
		      unsigned int len)
{
	u8 *r = fz_rec[i] + fz_rec_len[i];

	if (!fz_seeds || len > sizeof(fz_rec[i]) - fz_rec_len[i] - 3)
		return;
	r[0] = epoch;
	put_unaligned_be16(len, r + 1);
	memcpy(r + 3, p, len);
	fz_rec_len[i] += 3 + len;
}

static void fz_write_seeds(const u8 *cfg)
{
	static unsigned int n;
	unsigned int i;
	char path[512];
	FILE *f;

	for (i = 0; i < 2; i++) {
		u8 c0 = (cfg[0] & ~3) | 1 | i << 1;

		snprintf(path, sizeof(path), "%s/raw-%u-%02x%02x%02x", fz_seeds,
			 n++, c0, cfg[1], cfg[2]);
		f = fopen(path, "wb");
		FUZZ_ASSERT(f);
		FUZZ_ASSERT(fwrite(&c0, 1, 1, f) == 1 &&
			    fwrite(cfg + 1, 1, 4, f) == 4 &&
			    fwrite(fz_rec[i], 1, fz_rec_len[i], f) ==
			    fz_rec_len[i]);
		FUZZ_ASSERT(!fclose(f));
	}
}

static const u16 fz_suites[] = {
	DTLS_PSK_AES_128_GCM_SHA256, DTLS_PSK_AES_256_GCM_SHA384,
	DTLS_PSK_AES_128_CCM_8, DTLS_PSK_CHACHA20_POLY1305_SHA256,
	DTLS_ECDHE_PSK_CHACHA20_POLY1305_SHA256,
	DTLS_ECDHE_PSK_AES_128_GCM_SHA256,
};

static const u8 fz_id[] = "fuzz-client";
static const u8 fz_key[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
			       14, 15, 16 };
static const u8 fz_cookie[20] = { 0xc0, 0x0c, 0x1e };

struct side {
	struct dtls_proto	pr;
	struct dtls_reasm	reasm;
	bool			listening;	/* a server before its CH */
	bool			cookies;	/* ... which wants our cookie */
	bool			failed, done;
	bool			timer;		/* last flight sent with one */
	bool			keep;		/* done, last flight kept */
	u8			master[DTLS_MASTER_LEN];
	const struct dtls_suite	*suite;
};

#define FZ_MAX_DGRAMS	96
#define FZ_MAX_DGRAM	2048
#define FZ_MAX_EDITS	32

struct dgram {
	u8	to;		/* 0 client, 1 server */
	u8	epoch;
	u16	len;
	u8	data[FZ_MAX_DGRAM];
};

struct edit {
	u8	idx, kind, a, b;
};

static struct {
	struct side	s[2];
	bool		peer;		/* both sides real */
	unsigned int	sent;		/* messages sent so far: edit index */
	unsigned int	resends;	/* answers to the peer's resends */
	bool		pending[2];	/* a flight to resend (edit 4) */
	struct dgram	q[FZ_MAX_DGRAMS];
	unsigned int	qh, qt;		/* queue head and tail */
	struct dgram	held;		/* a delayed message */
	bool		have_held;
	const struct edit *edits;
	unsigned int	n_edits;
	const u8	*inject;	/* bytes for injections */
	size_t		inject_len;
} fz;

static void fz_queue(u8 to, u8 epoch, const u8 *p, size_t len)
{
	struct dgram *d;

	if (fz.qt >= FZ_MAX_DGRAMS || len > FZ_MAX_DGRAM)
		return;
	d = &fz.q[fz.qt++];
	d->to = to;
	d->epoch = epoch;
	d->len = len;
	memcpy(d->data, p, len);
}

/* Cut a whole message (header and body) in two fragments at @at. */
static void fz_queue_split(u8 to, u8 epoch, const u8 *msg, u32 len, u32 at)
{
	u8 buf[FZ_MAX_DGRAM];
	struct dtls_hs_hdr h;
	u32 blen;

	if (dtls_hs_hdr_parse(msg, len, &h) || h.frag_off ||
	    h.frag_len != h.length || !h.length) {
		fz_queue(to, epoch, msg, len);
		return;
	}
	blen = h.length;
	at = 1 + at % blen;
	if (at >= blen) {
		fz_queue(to, epoch, msg, len);
		return;
	}
	/* The second part first: reassembly takes any order. */
	h.frag_off = at;
	h.frag_len = blen - at;
	dtls_hs_hdr_build(buf, &h);
	memcpy(buf + DTLS_HS_HEADER_LEN, msg + DTLS_HS_HEADER_LEN + at,
	       blen - at);
	fz_queue(to, epoch, buf, DTLS_HS_HEADER_LEN + blen - at);
	h.frag_off = 0;
	h.frag_len = at;
	dtls_hs_hdr_build(buf, &h);
	memcpy(buf + DTLS_HS_HEADER_LEN, msg + DTLS_HS_HEADER_LEN, at);
	fz_queue(to, epoch, buf, DTLS_HS_HEADER_LEN + at);
}

/* Edits that a network does without an attacker. */
static bool fz_benign(u8 kind)
{
	return kind % 16 < 5;
}

/* One message of a flight on its way to @to, through the input's edits. */
static void fz_send_msg(u8 to, u8 epoch, const u8 *msg, u32 len)
{
	u8 buf[FZ_MAX_DGRAM];
	unsigned int idx = fz.sent++, i;
	bool dropped = false;

	if (len > sizeof(buf))
		return;
	memcpy(buf, msg, len);
	for (i = 0; i < fz.n_edits; i++) {
		const struct edit *e = &fz.edits[i];
		u32 n;

		if (e->idx != idx)
			continue;
		switch (e->kind % 16) {
		case 0:		/* nothing */
			break;
		case 1:		/* two fragments */
			fz_queue_split(to, epoch, buf, len, e->a << 8 | e->b);
			dropped = true;
			break;
		case 2:		/* twice */
			fz_queue(to, epoch, buf, len);
			break;
		case 3:		/* after the next message */
			if (!fz.have_held) {
				fz.held.to = to;
				fz.held.epoch = epoch;
				fz.held.len = len;
				memcpy(fz.held.data, buf, len);
				fz.have_held = true;
				dropped = true;
			}
			break;
		case 4:		/* the sender's whole flight again, later */
			fz.pending[!to] = true;
			break;
		case 5:		/* flip bits */
			if (len)
				buf[(e->a << 8 | e->b) % len] ^= e->b ?: 0x80;
			break;
		case 6:		/* a byte of the body */
			if (len > DTLS_HS_HEADER_LEN)
				buf[DTLS_HS_HEADER_LEN +
				    e->a % (len - DTLS_HS_HEADER_LEN)] = e->b;
			break;
		case 7:		/* truncated */
			len = (e->a << 8 | e->b) % (len + 1);
			break;
		case 8:		/* lost */
			dropped = true;
			break;
		case 9:		/* another type */
			buf[0] = e->a;
			break;
		case 10:	/* another length, the fragment's too */
			if (len >= DTLS_HS_HEADER_LEN) {
				n = (len - DTLS_HS_HEADER_LEN + e->a - 128) &
				    0xffff;
				put_unaligned_be24(n, buf + 1);
				put_unaligned_be24(n, buf + 9);
			}
			break;
		case 11:	/* another message_seq */
			if (len >= DTLS_HS_HEADER_LEN)
				buf[5] += e->a;
			break;
		case 12:	/* injected before it: input bytes */
			n = min_t(size_t, e->a + 1, fz.inject_len);
			fz_queue(to, e->b & 1, fz.inject, n);
			fz.inject += n;
			fz.inject_len -= n;
			break;
		case 13:	/* the other epoch */
			epoch ^= 1;
			break;
		case 14:	/* a byte appended */
			if (len < sizeof(buf))
				buf[len++] = e->a;
			break;
		default:	/* a byte of the header */
			if (len)
				buf[e->a % min_t(u32, len,
						 DTLS_HS_HEADER_LEN)] = e->b;
			break;
		}
	}
	if (!dropped)
		fz_queue(to, epoch, buf, len);
}

static void fz_send_flight(unsigned int from)
{
	const struct dtls_flight *f = &fz.s[from].pr.flight;
	unsigned int i;

	FUZZ_ASSERT(f->n <= DTLS_FLIGHT_MAX_MSGS);
	if (!fz.peer)
		return;
	for (i = 0; i < f->n; i++) {
		if (f->msg[i].type != DTLS_RECORD_TYPE_HANDSHAKE)
			continue;	/* the CCS: the record layer's */
		fz_send_msg(!from, f->msg[i].epoch, f->msg[i].data,
			    f->msg[i].len);
	}
	if (fz.have_held) {
		fz_queue(fz.held.to, fz.held.epoch, fz.held.data,
			 fz.held.len);
		fz.have_held = false;
	}
}

/* handshake.c's dtls_hs_act(), with the properties of a step's result. */
static void fz_act(unsigned int i, int err, const struct dtls_proto_out *out,
		   bool alert_wanted)
{
	struct side *sd = &fz.s[i];

	if (fz_trace)
		fprintf(stderr, "act %u err %d alert %u send %d done %d step %d\n",
			i, err, out->alert, out->send, out->done, sd->pr.step);
	FUZZ_ASSERT(sd->pr.flight.n <= DTLS_FLIGHT_MAX_MSGS);
	if (err) {
		FUZZ_ASSERT(err < 0);
		FUZZ_ASSERT(!alert_wanted || out->alert);
		FUZZ_ASSERT(!out->send && !out->done);
		sd->failed = true;
		return;
	}
	/* Success may leave an alert set (client_sh, server_start): unused */
	if (out->send) {
		FUZZ_ASSERT(sd->pr.flight.n);
		sd->timer = out->timer;
		fz_send_flight(i);
	}
	if (out->done) {
		FUZZ_ASSERT(sd->pr.tx_key && sd->pr.rx_key);
		FUZZ_ASSERT(sd->pr.suite);
		FUZZ_ASSERT(sd->pr.tx_key->cipher ==
			    dtls_cipher_find(sd->pr.suite->cipher));
		FUZZ_ASSERT(sd->pr.rx_key->cipher == sd->pr.tx_key->cipher);
		FUZZ_ASSERT(sd->pr.tx_key->epoch == 1 && !sd->pr.tx_key->rx &&
			    sd->pr.rx_key->epoch == 1 && sd->pr.rx_key->rx);
		/* handshake.c: DONE, then the secrets go (dtls_proto_wipe) */
		dtls_proto_set_step(&sd->pr, DTLS_HS_DONE);
		memcpy(sd->master, sd->pr.master, DTLS_MASTER_LEN);
		sd->suite = sd->pr.suite;
		dtls_proto_wipe(&sd->pr);
		sd->done = true;
		sd->keep = out->keep;
		sd->timer = false;
	}
}

/* hs_receive.c's listening server: a whole ClientHello, first fragment. */
static void fz_listen(unsigned int i, unsigned int epoch, const u8 *p,
		      unsigned int len)
{
	struct side *sd = &fz.s[i];
	struct dtls_proto_out out;
	struct dtls_hs_hdr h;
	struct dtls_ch ch;
	int err;

	if (epoch || dtls_hs_hdr_parse(p, len, &h) ||
	    h.type != DTLS_HS_CLIENT_HELLO || h.frag_off ||
	    h.frag_len != h.length ||
	    dtls_ch_parse(p + DTLS_HS_HEADER_LEN, h.length, &ch))
		return;
	if (ch.version > DTLS_1_2_VERSION || !ch.null_compression)
		return;
	if (sd->cookies && (ch.cookie_len != sizeof(fz_cookie) ||
			    memcmp(ch.cookie, fz_cookie, sizeof(fz_cookie)))) {
		/* dtls_hs_send_hvr(): the ClientHello's message_seq */
		struct dtls_hs_hdr hh = { .type = DTLS_HS_HELLO_VERIFY_REQUEST,
					  .seq = h.seq };
		u8 buf[DTLS_HS_HEADER_LEN + 64];
		int body = dtls_hvr_build(buf + DTLS_HS_HEADER_LEN, 64,
					  fz_cookie, sizeof(fz_cookie));

		FUZZ_ASSERT(body > 0);
		hh.length = body;
		hh.frag_len = body;
		dtls_hs_hdr_build(buf, &hh);
		if (fz.peer)
			fz_send_msg(!i, 0, buf, DTLS_HS_HEADER_LEN + body);
		return;
	}
	sd->listening = false;
	dtls_reasm_init(&sd->reasm, h.seq + 1);
	err = dtls_server_start(&sd->pr, p, &h, &ch, &out);
	fz_act(i, err, &out, true);
}

/* hs_receive.c's dtls_hs_fragments(): one record's handshake fragments. */
static void fz_receive(unsigned int i, unsigned int epoch, const u8 *p,
		       unsigned int len)
{
	struct side *sd = &fz.s[i];
	struct dtls_proto_out out;
	struct dtls_hs_msg *m;
	struct dtls_hs_hdr h;
	int ret;

	if (fz_trace)
		fprintf(stderr, "recv %u epoch %u len %u type %u\n", i, epoch,
			len, len ? p[0] : 0);
	fz_record(i, epoch, p, len);
	if (sd->failed)
		return;
	if (sd->done) {
		/* final.c: the kept flight answers the peer's resends */
		if (sd->keep && fz.resends < 8) {
			fz.resends++;
			fz_send_flight(i);
		}
		return;
	}
	/* Epoch 1 opens only with the keys the steps derived. */
	if (epoch && !sd->pr.rx_key)
		return;
	if (sd->listening) {
		fz_listen(i, epoch, p, len);
		return;
	}
	while (len) {
		if (dtls_hs_hdr_parse(p, len, &h))
			return;
		if (h.type == DTLS_HS_HELLO_REQUEST &&
		    sd->pr.p.role == DTLS_HS_ROLE_CLIENT) {
			/* skipped */
		} else if (h.type == DTLS_HS_FINISHED ? epoch : !epoch) {
			ret = dtls_reasm_add(&sd->reasm, &h,
					     p + DTLS_HS_HEADER_LEN,
					     GFP_KERNEL);
			if (ret == DTLS_REASM_OLD &&
			    dtls_proto_answers_resend(&sd->pr, &h) &&
			    fz.resends < 8) {
				fz.resends++;
				fz_send_flight(i);
			}
		}
		p += DTLS_HS_HEADER_LEN + h.frag_len;
		len -= DTLS_HS_HEADER_LEN + h.frag_len;

		while ((m = dtls_reasm_pop(&sd->reasm))) {
			FUZZ_ASSERT(m->len <= DTLS_REASM_MAX_MSG);
			ret = dtls_proto_msg(&sd->pr, m, &out);
			kfree_sensitive(m);
			fz_act(i, ret, &out, true);
			if (sd->failed || sd->done)
				return;
		}
	}
}

static void side_init(unsigned int i, u8 role, u8 suite_sel, u8 group_sel,
		      const u8 *key, const u8 *id, unsigned int id_len)
{
	struct side *sd = &fz.s[i];
	struct dtls_proto *pr = &sd->pr;

	memset(sd, 0, sizeof(*sd));
	dtls_proto_init(pr);
	pr->p.role = role;
	pr->replay_window = 64;
	if (suite_sel < ARRAY_SIZE(fz_suites)) {
		pr->p.suites[0] = fz_suites[suite_sel];
		pr->p.n_suites = 1;
	} else if (suite_sel == 6) {
		/* PSK first, then ECDHE: the other order than the default */
		pr->p.suites[0] = DTLS_PSK_CHACHA20_POLY1305_SHA256;
		pr->p.suites[1] = DTLS_ECDHE_PSK_AES_128_GCM_SHA256;
		pr->p.suites[2] = 0x1301;	/* unknown to us */
		pr->p.n_suites = 3;
	}
	if (group_sel) {
		pr->p.groups[0] = DTLS_GROUP_X25519;
		pr->p.n_groups = 1;
	}
	dtls_proto_defaults(pr);
	FUZZ_ASSERT(!dtls_psk_add(pr, id, id_len, key, sizeof(fz_key),
				  GFP_KERNEL));
	/* As hs-start does: only the suites we have credentials for. */
	FUZZ_ASSERT(!dtls_proto_ready(pr));
	dtls_reasm_init(&sd->reasm, 0);
}

static bool fz_suites_meet(u8 a, u8 b)
{
	/* 7+: the defaults, every suite; 6: two known suites */
	if (a >= 7 || b >= 7 || a == b)
		return true;
	if (a == 6)
		return b == 3 || b == 5;
	if (b == 6)
		return a == 3 || a == 5;
	return false;
}

static void fz_check_keys(const struct dtls_key *tx, const struct dtls_key *rx)
{
	FUZZ_ASSERT(tx && rx && tx->cipher == rx->cipher);
	FUZZ_ASSERT(!memcmp(tx->key, rx->key, tx->cipher->key_len));
	FUZZ_ASSERT(!memcmp(tx->iv, rx->iv, tx->cipher->iv_len));
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static const u8 other_key[16] = { 0xff };
	static const u8 other_id[] = "fuzz-other";
	struct side *c = &fz.s[0], *s = &fz.s[1];
	struct dtls_proto_out out;
	const u8 *cfg = data;
	u8 flags, csel, ssel, gsel;
	bool benign = true, expect;
	unsigned int i, rounds;

	if (size < 5)
		return 0;
	fz_trace = getenv("PROTO_FUZZ_TRACE");
	fz_seeds = getenv("PROTO_FUZZ_SEEDS");
	fz_rec_len[0] = fz_rec_len[1] = 0;
	if (!prf_ready) {
		FUZZ_ASSERT(dtls_prf_init() == 0);	/* main.c, at load */
		prf_ready = true;
	}
	flags = data[0];
	csel = data[1] & 15;
	ssel = data[1] >> 4;
	gsel = data[2];
	kshim_random_ctr = (u64)get_unaligned_be16(data + 3) << 32;
	data += 5;
	size -= 5;

	memset(&fz, 0, sizeof(fz));
	fz.peer = !(flags & 1);
	side_init(0, DTLS_HS_ROLE_CLIENT, csel, gsel & 1, fz_key,
		  (flags & 0x40) ? other_id : fz_id,
		  (flags & 0x40) ? sizeof(other_id) - 1 : sizeof(fz_id) - 1);
	side_init(1, DTLS_HS_ROLE_SERVER, ssel, gsel & 2,
		  (flags & 0x10) ? other_key : fz_key, fz_id,
		  sizeof(fz_id) - 1);
	s->listening = true;
	s->cookies = flags & 4;
	s->pr.p.cookies = s->cookies;
	if (flags & 8) {
		s->pr.p.hint_len = 1 + gsel % DTLS_MAX_IDENTITY_LEN;
		memset(s->pr.p.hint, 'h', s->pr.p.hint_len);
	}
	if (flags & 0x20) {
		/* More PSKs at the server, one of them the client's id. */
		for (i = 0; i < 3; i++) {
			u8 id[8] = "fuzz-00";

			id[6] += i;
			FUZZ_ASSERT(!dtls_psk_add(&s->pr, id, 7, other_key,
						  sizeof(other_key),
						  GFP_KERNEL));
		}
		FUZZ_ASSERT(!dtls_psk_add(&s->pr, other_id,
					  sizeof(other_id) - 1, fz_key,
					  sizeof(fz_key), GFP_KERNEL));
	}

	if (fz.peer) {
		fz.edits = (const struct edit *)data;
		fz.n_edits = min_t(size_t, size / 4, FZ_MAX_EDITS);
		fz.inject = data + 4 * fz.n_edits;
		fz.inject_len = size - 4 * fz.n_edits;
		for (i = 0; i < fz.n_edits; i++)
			if (!fz_benign(fz.edits[i].kind))
				benign = false;

		FUZZ_ASSERT(!dtls_client_start(&c->pr, &out));
		fz_act(0, 0, &out, false);
		for (rounds = 0; rounds < 8; rounds++) {
			while (fz.qh < fz.qt) {
				struct dgram *d = &fz.q[fz.qh++];

				fz_receive(d->to, d->epoch, d->data, d->len);
			}
			if (fz.have_held) {
				fz_queue(fz.held.to, fz.held.epoch,
					 fz.held.data, fz.held.len);
				fz.have_held = false;
				continue;
			}
			if (c->done && s->done)
				break;
			if (fz.pending[0] || fz.pending[1]) {
				for (i = 0; i < 2; i++)
					if (fz.pending[i] && !fz.s[i].failed)
						fz_send_flight(i);
				fz.pending[0] = fz.pending[1] = false;
				continue;
			}
			/* The timer fires: whoever waits resends. */
			for (i = 0; i < 2; i++)
				if (!fz.s[i].failed && !fz.s[i].done &&
				    fz.s[i].timer)
					fz_send_flight(i);
		}
		if (fz_seeds)
			fz_write_seeds(cfg);
		/* Configurations that agree, a network without attacker. */
		expect = benign && fz_suites_meet(csel, ssel) &&
			 ((flags & 0x40) ? (flags & 0x20) : !(flags & 0x10));
		if (expect)
			FUZZ_ASSERT(c->done && s->done);
		if (c->done && s->done) {
			const u8 *id = (flags & 0x40) ? other_id : fz_id;
			unsigned int id_len = (flags & 0x40) ?
					      sizeof(other_id) - 1 :
					      sizeof(fz_id) - 1;

			FUZZ_ASSERT(c->suite == s->suite);
			FUZZ_ASSERT(!memcmp(c->master, s->master,
					    DTLS_MASTER_LEN));
			fz_check_keys(c->pr.tx_key, s->pr.rx_key);
			fz_check_keys(s->pr.tx_key, c->pr.rx_key);
			FUZZ_ASSERT(s->pr.peer_id_len == id_len &&
				    !memcmp(s->pr.peer_id, id, id_len));
		}
	} else {
		unsigned int t = (flags >> 1) & 1;	/* the side alone */

		if (!t) {
			FUZZ_ASSERT(!dtls_client_start(&c->pr, &out));
			fz_act(0, 0, &out, false);
		}
		while (size >= 3) {
			u8 ep = data[0] & 1;
			size_t n = min_t(size_t, get_unaligned_be16(data + 1),
					 size - 3);

			fz_receive(t, ep, data + 3, n);
			data += 3 + n;
			size -= 3 + n;
		}
	}

	for (i = 0; i < 2; i++) {
		dtls_proto_free(&fz.s[i].pr);
		FUZZ_ASSERT(!fz.s[i].pr.tx_key && !fz.s[i].pr.rx_key &&
			    !fz.s[i].pr.flight.n && !fz.s[i].pr.kex &&
			    !fz.s[i].pr.transcript);
		dtls_reasm_destroy(&fz.s[i].reasm);
	}
	FUZZ_ASSERT(fz_keys == 0);
	return 0;
}
