// SPDX-License-Identifier: GPL-2.0
/*
 * What the client's and the server's steps share (proto.h): the suites,
 * the transcript, building our messages into the flight, the keys and
 * both Finished messages, and the dispatch of a peer's message.
 *
 *   client                                   server
 *   ClientHello                  -->                          (flight 1)
 *                                <--    HelloVerifyRequest    (flight 2)
 *   ClientHello + cookie         -->                          (flight 3)
 *                                <--    ServerHello, [ServerKeyExchange],
 *                                       ServerHelloDone       (flight 4)
 *   ClientKeyExchange, CCS,
 *   Finished                     -->                          (flight 5)
 *                                <--    CCS, Finished         (flight 6)
 *
 * Context: process; the owner serialises calls (proto.h).
 */

#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <crypto/algapi.h>

#include <uapi/linux/dtls.h>

#include "crypto.h"
#include "dtls.h"
#include "ecdsa.h"
#include "peer_mem.h"
#include "proto.h"
#include "rsa.h"

static const struct dtls_suite dtls_suites[] = {
	{ DTLS_PSK_AES_128_GCM_SHA256, DTLS_CIPHER_AES_GCM_128,
	  DTLS_PRF_SHA256, false, false, false, "PSK-AES128-GCM-SHA256" },
	{ DTLS_PSK_AES_256_GCM_SHA384, DTLS_CIPHER_AES_GCM_256,
	  DTLS_PRF_SHA384, false, false, false, "PSK-AES256-GCM-SHA384" },
	{ DTLS_PSK_AES_128_CCM_8, DTLS_CIPHER_AES_CCM_8_128,
	  DTLS_PRF_SHA256, false, false, false, "PSK-AES128-CCM8" },
	{ DTLS_PSK_CHACHA20_POLY1305_SHA256, DTLS_CIPHER_CHACHA20_POLY1305,
	  DTLS_PRF_SHA256, false, false, false, "PSK-CHACHA20-POLY1305" },
	{ DTLS_ECDHE_PSK_CHACHA20_POLY1305_SHA256,
	  DTLS_CIPHER_CHACHA20_POLY1305, DTLS_PRF_SHA256, true, false, false,
	  "ECDHE-PSK-CHACHA20-POLY1305" },
	{ DTLS_ECDHE_PSK_AES_128_GCM_SHA256, DTLS_CIPHER_AES_GCM_128,
	  DTLS_PRF_SHA256, true, false, false, "ECDHE-PSK-AES128-GCM-SHA256" },
	{ DTLS_ECDHE_ECDSA_AES_128_GCM_SHA256, DTLS_CIPHER_AES_GCM_128,
	  DTLS_PRF_SHA256, true, true, false, "ECDHE-ECDSA-AES128-GCM-SHA256" },
	{ DTLS_ECDHE_ECDSA_AES_256_GCM_SHA384, DTLS_CIPHER_AES_GCM_256,
	  DTLS_PRF_SHA384, true, true, false, "ECDHE-ECDSA-AES256-GCM-SHA384" },
	{ DTLS_ECDHE_ECDSA_CHACHA20_POLY1305, DTLS_CIPHER_CHACHA20_POLY1305,
	  DTLS_PRF_SHA256, true, true, false, "ECDHE-ECDSA-CHACHA20-POLY1305" },
	{ DTLS_ECDHE_ECDSA_AES_128_CCM_8, DTLS_CIPHER_AES_CCM_8_128,
	  DTLS_PRF_SHA256, true, true, false, "ECDHE-ECDSA-AES128-CCM8" },
	{ DTLS_ECDHE_RSA_AES_128_GCM_SHA256, DTLS_CIPHER_AES_GCM_128,
	  DTLS_PRF_SHA256, true, true, true, "ECDHE-RSA-AES128-GCM-SHA256" },
	{ DTLS_ECDHE_RSA_AES_256_GCM_SHA384, DTLS_CIPHER_AES_GCM_256,
	  DTLS_PRF_SHA384, true, true, true, "ECDHE-RSA-AES256-GCM-SHA384" },
	{ DTLS_ECDHE_RSA_CHACHA20_POLY1305, DTLS_CIPHER_CHACHA20_POLY1305,
	  DTLS_PRF_SHA256, true, true, true, "ECDHE-RSA-CHACHA20-POLY1305" },
};

static const u16 dtls_default_groups[] = {
	DTLS_GROUP_X25519, DTLS_GROUP_SECP256R1,
};

bool dtls_srtp_profile_known(u16 profile)
{
	switch (profile) {
	case DTLS_SRTP_AES128_CM_SHA1_80:
	case DTLS_SRTP_AES128_CM_SHA1_32:
	case DTLS_SRTP_AEAD_AES_128_GCM:
	case DTLS_SRTP_AEAD_AES_256_GCM:
		return true;
	}
	return false;
}

const struct dtls_suite *dtls_suite_find(u16 id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dtls_suites); i++)
		if (dtls_suites[i].id == id)
			return &dtls_suites[i];
	return NULL;
}

bool dtls_proto_offered(const u16 *list, unsigned int n, u16 v)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (list[i] == v)
			return true;
	return false;
}

/* Whether we have what @s needs: a PSK; our certificate; pins or anchors. */
bool dtls_proto_suite_usable(const struct dtls_proto *pr,
			     const struct dtls_suite *s)
{
	if (!s->cert)
		return pr->n_psks;
	if (pr->p.role == DTLS_HS_ROLE_SERVER)
		return pr->own.has_key && !s->rsa;	/* we sign with ECDSA */
	/* A client never takes a server's certificate unchecked. */
	return dtls_peer_auth_any(&pr->auth);
}

/*
 * A hello's random: public, so the CRNG's batched per-CPU output will do
 * (get_random_u64()); get_random_bytes() erases its key per call, which
 * secrets need and these do not, at about ten times the cost.
 */
void dtls_hello_random(u8 out[DTLS_RANDOM_LEN])
{
	unsigned int i;
	u64 v;

	for (i = 0; i < DTLS_RANDOM_LEN; i += sizeof(v)) {
		v = get_random_u64();
		memcpy(out + i, &v, sizeof(v));
	}
}

int dtls_transcript_add(struct dtls_proto *pr, const u8 *data, u32 len)
{
	if (len > DTLS_TRANSCRIPT_MAX - pr->tlen)
		return -EMSGSIZE;
	if (pr->tlen + len > pr->tcap) {
		u32 cap = min_t(u32, DTLS_TRANSCRIPT_MAX,
				max_t(u32, 1024, 2 * (pr->tlen + len)));
		u8 *t = krealloc(pr->transcript, cap, DTLS_GFP_PEER_KEEP);

		if (!t)
			return -ENOMEM;
		pr->transcript = t;
		pr->tcap = cap;
	}
	memcpy(pr->transcript + pr->tlen, data, len);
	pr->tlen += len;
	return 0;
}

/*
 * The peer's message (header and body, @len bytes) joins the transcript.
 * Too long for it is the peer's doing (decode_error, -EMSGSIZE); no
 * memory for it is ours (internal_error, -ENOMEM).  Added, @out->alert
 * is decode_error, for the parse that follows.
 */
int dtls_transcript_add_peer_raw(struct dtls_proto *pr, const u8 *msg,
				 u32 len, struct dtls_proto_out *out)
{
	int err = dtls_transcript_add(pr, msg, len);

	out->alert = err == -ENOMEM ? DTLS_ALERT_INTERNAL_ERROR :
				      DTLS_ALERT_DECODE_ERROR;
	return err;
}

int dtls_transcript_add_peer(struct dtls_proto *pr, const struct dtls_hs_msg *m,
			     struct dtls_proto_out *out)
{
	return dtls_transcript_add_peer_raw(pr, m->data,
					    DTLS_HS_HEADER_LEN + m->len, out);
}

/* A message of ours joins the flight being built, in plaintext (proto.h). */
int dtls_flight_add(struct dtls_flight *f, u8 type, u16 epoch,
		    const u8 *data, u32 len)
{
	struct dtls_flight_msg *m;

	if (f->n >= DTLS_FLIGHT_MAX_MSGS)
		return -ENOSPC;
	m = &f->msg[f->n];
	/* A peer's ClientHello can make this (listen.c): no OOM killer. */
	m->data = kmemdup(data, len, DTLS_GFP_PEER_KEEP);
	if (!m->data)
		return -ENOMEM;
	m->type = type;
	m->epoch = epoch;
	m->len = len;
	f->n++;
	return 0;
}

void dtls_flight_clear(struct dtls_flight *f)
{
	unsigned int i;

	for (i = 0; i < f->n; i++)
		kfree_sensitive(f->msg[i].data);
	f->n = 0;
}

/* The transcript's digest; each byte is hashed once, however often. */
static int dtls_transcript_hash(struct dtls_proto *pr, u8 *out)
{
	struct dtls_hash_state *st = &pr->thash;

	if (WARN_ON_ONCE(st->len > pr->tlen))
		return -EINVAL;
	return dtls_hash_more(pr->suite->prf, st, pr->transcript + st->len,
			      pr->tlen - st->len, out);
}

/*
 * Wrap @body (already at @msg + 12, or a negative errno) into a message
 * of ours and add it to the flight being built and to the transcript.
 */
int dtls_proto_emit(struct dtls_proto *pr, u8 *msg, u8 type, int body,
		    u16 epoch)
{
	struct dtls_hs_hdr h = { .type = type, .seq = pr->tx_msg_seq };
	u32 len;
	int err;

	if (body < 0)
		return body;
	h.length = body;
	h.frag_len = body;
	dtls_hs_hdr_build(msg, &h);
	pr->tx_msg_seq++;
	len = DTLS_HS_HEADER_LEN + body;
	err = dtls_transcript_add(pr, msg, len);
	if (!err)
		err = dtls_flight_add(&pr->flight, DTLS_RECORD_TYPE_HANDSHAKE,
				      epoch, msg, len);
	return err;
}

/* Key block and record-layer keys (RFC 5246 6.3; AEAD: no MAC keys). */
int dtls_proto_derive(struct dtls_proto *pr, const u8 *pms,
		      unsigned int pms_len)
{
	const struct dtls_cipher *c = dtls_cipher_find(pr->suite->cipher);
	bool client = pr->p.role == DTLS_HS_ROLE_CLIENT;
	u8 sh[DTLS_MAX_HASH_LEN], kb[2 * 32 + 2 * 12];
	const u8 *ck, *sk, *civ, *siv;
	struct dtls_key *tx, *rx;
	int err;

	if (!c)
		return -EINVAL;
	/* RFC 7627 4: the session hash runs through ClientKeyExchange. */
	err = dtls_transcript_hash(pr, sh);
	if (!err)
		err = dtls_master_secret(pr->suite->prf, pms, pms_len, sh,
					 pr->master);
	if (!err)
		err = dtls_master_key(pr->suite->prf, pr->master, &pr->mkey);
	if (!err)
		err = dtls_key_block_k(&pr->mkey, pr->client_random,
				       pr->server_random, kb,
				       2 * c->key_len + 2 * c->iv_len);
	if (err)
		goto out;
	ck = kb;
	sk = kb + c->key_len;
	civ = kb + 2 * c->key_len;
	siv = civ + c->iv_len;
	tx = dtls_key_alloc(c, client ? ck : sk, client ? civ : siv, 1, 0,
			    false, 0, DTLS_GFP_PEER_KEEP);
	if (IS_ERR(tx)) {
		err = PTR_ERR(tx);
		goto out;
	}
	rx = dtls_key_alloc(c, client ? sk : ck, client ? siv : civ, 1, 0,
			    true, pr->replay_window, DTLS_GFP_PEER_KEEP);
	if (IS_ERR(rx)) {
		dtls_key_put(tx);
		err = PTR_ERR(rx);
		goto out;
	}
	pr->tx_key = tx;
	pr->rx_key = rx;
out:
	memzero_explicit(kb, sizeof(kb));
	memzero_explicit(sh, sizeof(sh));
	return err;
}

/* Pre-master secret of the suite: PSK alone, or ECDHE shared + PSK. */
int dtls_proto_premaster(struct dtls_proto *pr, const u8 *peer_point,
			 unsigned int point_len, u8 *pms)
{
	u8 z[DTLS_KEX_SHARED_LEN];
	int n;

	if (!pr->suite->ecdhe)
		return dtls_psk_premaster(pms, DTLS_PREMASTER_MAX, NULL, 0,
					  pr->psk, pr->psk_len);
	n = dtls_kex_shared(pr->kex, peer_point, point_len, z);
	if (n < 0)
		return n;
	if (pr->suite->cert) {
		/* RFC 8422 5.10: the shared x coordinate alone. */
		memcpy(pms, z, n);
		memzero_explicit(z, sizeof(z));
		return n;
	}
	n = dtls_psk_premaster(pms, DTLS_PREMASTER_MAX, z, n, pr->psk,
			       pr->psk_len);
	memzero_explicit(z, sizeof(z));
	return n;
}

/*
 * The signature algorithms we offer (signature_algorithms,
 * CertificateRequest), in this order, and take (RFC 5246 7.4.1.4.1).
 */
const u16 dtls_sigalgs_offered[DTLS_SIGALGS_N] = {
	DTLS_SIG_ECDSA_SECP256R1_SHA256, DTLS_SIG_RSA_PKCS1_SHA256,
	DTLS_SIG_ECDSA_SHA384, DTLS_SIG_RSA_PKCS1_SHA384,
};

/*
 * Of each, index by index: the key it needs and the hash it names.  A
 * P-256 key signs the first 256 bits of a SHA-384 digest (FIPS 186-4 6.4).
 */
static const struct {
	enum dtls_x509_key	key;
	enum dtls_prf_hash	hash;
} dtls_sigalgs[] = {
	{ DTLS_X509_KEY_EC_P256, DTLS_PRF_SHA256 },
	{ DTLS_X509_KEY_RSA, DTLS_PRF_SHA256 },
	{ DTLS_X509_KEY_EC_P256, DTLS_PRF_SHA384 },
	{ DTLS_X509_KEY_RSA, DTLS_PRF_SHA384 },
};

static_assert(ARRAY_SIZE(dtls_sigalgs) == DTLS_SIGALGS_N);

static int dtls_sigalg_find(u16 alg)
{
	unsigned int i;

	for (i = 0; i < DTLS_SIGALGS_N; i++)
		if (dtls_sigalgs_offered[i] == alg)
			return i;
	return -1;
}

/*
 * What our P-256 key signs with: the first of our pairs for it, in our
 * order (SHA-256 first), that the peer lists (RFC 5246 7.4.1.4.1); 0 for
 * none.
 */
u16 dtls_proto_sign_alg(const u8 *list, u16 len)
{
	unsigned int i;

	for (i = 0; i < DTLS_SIGALGS_N; i++)
		if (dtls_sigalgs[i].key == DTLS_X509_KEY_EC_P256 &&
		    dtls_sigalgs_has(list, len, dtls_sigalgs_offered[i]))
			return dtls_sigalgs_offered[i];
	return 0;
}

/*
 * What a ServerKeyExchange signs (RFC 8422 5.4): the randoms and the
 * ServerECDHParams, hashed with @h; or (@params NULL) what a
 * CertificateVerify signs (RFC 5246 7.4.8): the messages so far.
 */
static noinline_for_stack int
dtls_proto_signed_hash(const struct dtls_proto *pr, enum dtls_prf_hash h,
		       const u8 *params, unsigned int len, u8 *hash)
{
	u8 buf[2 * DTLS_RANDOM_LEN + 4 + 255];

	if (!params)
		return dtls_hash(h, pr->transcript, pr->tlen, hash);
	if (len > sizeof(buf) - 2 * DTLS_RANDOM_LEN)
		return -EMSGSIZE;
	memcpy(buf, pr->client_random, DTLS_RANDOM_LEN);
	memcpy(buf + DTLS_RANDOM_LEN, pr->server_random, DTLS_RANDOM_LEN);
	memcpy(buf + 2 * DTLS_RANDOM_LEN, params, len);
	return dtls_hash(h, buf, 2 * DTLS_RANDOM_LEN + len, hash);
}

/**
 * dtls_proto_sign - our signature, as a digitally-signed struct
 * @pr: the handshake; pr->sign_alg says the algorithm
 * @params: a ServerKeyExchange's params, or NULL: a CertificateVerify
 * @len: their length
 * @out: where the struct goes
 * @cap: room at @out
 *
 * Return: its length, or a negative errno.
 */
int dtls_proto_sign(struct dtls_proto *pr, const u8 *params,
		    unsigned int len, u8 *out, unsigned int cap)
{
	struct dtls_signed sg = { .sigalg = pr->sign_alg };
	int i = dtls_sigalg_find(pr->sign_alg);
	u8 der[DTLS_ECDSA_SIG_MAX], hash[DTLS_MAX_HASH_LEN];
	int n;

	if (i < 0 || dtls_sigalgs[i].key != DTLS_X509_KEY_EC_P256)
		return -EINVAL;
	n = dtls_proto_signed_hash(pr, dtls_sigalgs[i].hash, params, len,
				   hash);
	if (!n)
		n = dtls_ecdsa_sign(&pr->own.key, hash, der, sizeof(der));
	memzero_explicit(hash, sizeof(hash));
	if (n < 0)
		return n;
	sg.sig = der;
	sg.sig_len = n;
	return dtls_signed_build(out, cap, &sg);
}

/**
 * dtls_proto_verify - the peer's signature, with the key of its certificate
 * @pr: the handshake
 * @sg: the digitally-signed struct
 * @params: a ServerKeyExchange's params, or NULL: a CertificateVerify
 * @len: their length
 * @alert: set to the alert a failure calls for
 *
 * Return: 0; -EKEYREJECTED for an algorithm we did not offer or one of
 * another key (illegal_parameter), a signature that does not verify or
 * an RSA key of an unsafe size (decrypt_error); another negative errno
 * for a failure of ours (internal_error).
 */
int dtls_proto_verify(struct dtls_proto *pr, const struct dtls_signed *sg,
		      const u8 *params, unsigned int len, u8 *alert)
{
	const struct dtls_cert_peer *pc = &pr->peer_cert;
	const u8 *pub = pc->chain + pc->pub_off;
	int i = dtls_sigalg_find(sg->sigalg);
	u8 hash[DTLS_MAX_HASH_LEN];
	int err;

	*alert = DTLS_ALERT_ILLEGAL_PARAMETER;
	if (!pc->have || i < 0 || dtls_sigalgs[i].key != pc->key)
		return -EKEYREJECTED;
	*alert = DTLS_ALERT_INTERNAL_ERROR;
	err = dtls_proto_signed_hash(pr, dtls_sigalgs[i].hash, params, len,
				     hash);
	if (err)
		return err;
	*alert = DTLS_ALERT_DECRYPT_ERROR;
	if (pc->key == DTLS_X509_KEY_EC_P256)
		err = dtls_ecdsa_verify(pub, hash, sg->sig, sg->sig_len);
	else
		err = dtls_rsa_verify(pub, pc->pub_len, dtls_sigalgs[i].hash,
				      hash, sg->sig, sg->sig_len);
	return err ? -EKEYREJECTED : 0;
}

/* Our Finished (RFC 5246 7.4.9), added to the flight in epoch 1. */
int dtls_proto_emit_finished(struct dtls_proto *pr, u8 *msg)
{
	u8 th[DTLS_MAX_HASH_LEN];
	int err;

	err = dtls_transcript_hash(pr, th);
	if (!err)
		err = dtls_verify_data_k(&pr->mkey,
					 pr->p.role == DTLS_HS_ROLE_CLIENT, th,
					 msg + DTLS_HS_HEADER_LEN);
	if (!err)
		err = dtls_proto_emit(pr, msg, DTLS_HS_FINISHED,
				      DTLS_VERIFY_LEN, 1);
	return err;
}

/* The peer's Finished: verify_data over the transcript before it. */
int dtls_proto_check_finished(struct dtls_proto *pr,
			      const struct dtls_hs_msg *m)
{
	u8 th[DTLS_MAX_HASH_LEN], want[DTLS_VERIFY_LEN];
	int err;

	if (m->len != DTLS_VERIFY_LEN)
		return -EBADMSG;
	err = dtls_transcript_hash(pr, th);
	if (!err)
		err = dtls_verify_data_k(&pr->mkey,
					 pr->p.role != DTLS_HS_ROLE_CLIENT, th,
					 want);
	if (!err && crypto_memneq(want, dtls_hs_msg_body(m), DTLS_VERIFY_LEN))
		err = -EKEYREJECTED;
	memzero_explicit(want, sizeof(want));
	return err;
}

/**
 * dtls_proto_msg - one whole handshake message of the peer
 * @pr: the protocol state
 * @m: the message, reassembled; a Finished came in epoch 1
 * @out: what to do next
 *
 * Return: 0, or a negative errno with the alert to send in @out->alert.
 */
int dtls_proto_msg(struct dtls_proto *pr, const struct dtls_hs_msg *m,
		   struct dtls_proto_out *out)
{
	memset(out, 0, sizeof(*out));
	if (pr->p.role == DTLS_HS_ROLE_CLIENT)
		return dtls_client_msg(pr, m, out);
	return dtls_server_msg(pr, m, out);
}
EXPORT_SYMBOL_IF_KUNIT(dtls_proto_msg);

/*
 * The peer's message @h we already had came again: it resent its flight,
 * so ours was lost (RFC 6347 4.2.4).  The first fragment of the flight's
 * first message asks for our last flight, if we have one to give: not
 * once the server has the start of the client's flight 5 (it has nothing
 * new to say; the client's timer runs).
 */
bool dtls_proto_answers_resend(const struct dtls_proto *pr,
			       const struct dtls_hs_hdr *h)
{
	bool in_flight5 = pr->step == DTLS_HS_S_WAIT_FIN ||
			  pr->step == DTLS_HS_S_WAIT_CV ||
			  (pr->step == DTLS_HS_S_WAIT_CKE && pr->got_cert);

	/*
	 * Nor while the client still takes in the server's flight 4: the
	 * server resending it (its timer: our flight 5 cannot go yet) says
	 * nothing about our ClientHello, and answering it would only make
	 * the server send the whole flight once more.
	 */
	return !h->frag_off && h->seq == pr->peer_flight_seq &&
	       pr->flight.n && !in_flight5 && pr->step != DTLS_HS_C_WAIT_SHD;
}
EXPORT_SYMBOL_IF_KUNIT(dtls_proto_answers_resend);

/* A fresh state: nothing configured but the defaults of netlink's. */
void dtls_proto_init(struct dtls_proto *pr)
{
	memset(pr, 0, sizeof(*pr));
	INIT_LIST_HEAD(&pr->psks);
	pr->p.role = DTLS_HS_ROLE_CLIENT;
	pr->p.cookies = true;
	pr->p.mtu = DTLS_HS_MTU_DEFAULT;
	pr->p.rto_initial_ms = DTLS_HS_RTO_INITIAL_MS;
	pr->p.rto_max_ms = DTLS_HS_RTO_MAX_MS;
	pr->p.timeout_ms = DTLS_HS_TIMEOUT_MS;
}
EXPORT_SYMBOL_IF_KUNIT(dtls_proto_init);

/*
 * At the start, what was left unset: every suite and group, certificates
 * first, then ECDHE (dtls_proto_ready() keeps those we have credentials
 * for).
 */
void dtls_proto_defaults(struct dtls_proto *pr)
{
	static const u16 order[] = {
		DTLS_ECDHE_ECDSA_AES_128_GCM_SHA256,
		DTLS_ECDHE_ECDSA_CHACHA20_POLY1305,
		DTLS_ECDHE_ECDSA_AES_256_GCM_SHA384,
		DTLS_ECDHE_ECDSA_AES_128_CCM_8,
		DTLS_ECDHE_RSA_AES_128_GCM_SHA256,
		DTLS_ECDHE_RSA_CHACHA20_POLY1305,
		DTLS_ECDHE_RSA_AES_256_GCM_SHA384,
		DTLS_ECDHE_PSK_AES_128_GCM_SHA256,
		DTLS_ECDHE_PSK_CHACHA20_POLY1305_SHA256,
		DTLS_PSK_AES_128_GCM_SHA256,
		DTLS_PSK_AES_256_GCM_SHA384,
		DTLS_PSK_CHACHA20_POLY1305_SHA256,
		DTLS_PSK_AES_128_CCM_8,
	};
	unsigned int i;

	if (!pr->p.n_suites)
		for (i = 0; i < ARRAY_SIZE(order); i++)
			pr->p.suites[pr->p.n_suites++] = order[i];
	if (!pr->p.n_groups)
		for (i = 0; i < ARRAY_SIZE(dtls_default_groups); i++)
			if (dtls_kex_group_supported(dtls_default_groups[i]))
				pr->p.groups[pr->p.n_groups++] =
					dtls_default_groups[i];
}
EXPORT_SYMBOL_IF_KUNIT(dtls_proto_defaults);

/*
 * At the start: keep the allowed suites we have credentials for (a
 * client offers nothing it cannot complete).  -ENOKEY if none is left.
 */
int dtls_proto_ready(struct dtls_proto *pr)
{
	unsigned int i, n = 0;

	BUILD_BUG_ON(ARRAY_SIZE(((struct dtls_hs_params *)0)->suites) <
		     ARRAY_SIZE(dtls_suites));
	for (i = 0; i < pr->p.n_suites; i++) {
		const struct dtls_suite *s = dtls_suite_find(pr->p.suites[i]);

		if (s && dtls_proto_suite_usable(pr, s))
			pr->p.suites[n++] = pr->p.suites[i];
	}
	pr->p.n_suites = n;
	return n ? 0 : -ENOKEY;
}
EXPORT_SYMBOL_IF_KUNIT(dtls_proto_ready);

/*
 * The secrets and the transient state, at the end of the handshake; the
 * flight and the keys stay (the kept flight and the record layer took
 * their own references) until dtls_proto_free().
 */
void dtls_proto_wipe(struct dtls_proto *pr)
{
	kfree_sensitive(pr->transcript);
	pr->transcript = NULL;
	pr->tlen = 0;
	pr->tcap = 0;
	memzero_explicit(&pr->thash, sizeof(pr->thash));
	dtls_hmac_key_wipe(&pr->mkey);
	dtls_kex_free(pr->kex);
	pr->kex = NULL;
	memzero_explicit(pr->master, sizeof(pr->master));
	memzero_explicit(pr->psk, sizeof(pr->psk));
	dtls_psk_clear(pr);
	dtls_cert_own_free(&pr->own);
}

/* Everything, for good. */
void dtls_proto_free(struct dtls_proto *pr)
{
	dtls_proto_wipe(pr);
	dtls_flight_clear(&pr->flight);
	dtls_key_put(pr->tx_key);
	pr->tx_key = NULL;
	dtls_key_put(pr->rx_key);
	pr->rx_key = NULL;
	dtls_cert_peer_free(&pr->peer_cert);
	dtls_peer_auth_free(&pr->auth);
}
EXPORT_SYMBOL_IF_KUNIT(dtls_proto_free);
