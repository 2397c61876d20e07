// SPDX-License-Identifier: GPL-2.0
/*
 * The server's steps (proto.h): a ClientHello whose cookie checked out
 * (or that needed none) starts them with flight 4 (ServerHello,
 * [Certificate], [ServerKeyExchange], [CertificateRequest],
 * ServerHelloDone); the client's flight 5 ([Certificate],
 * ClientKeyExchange, [CertificateVerify], CCS, Finished) derives the keys
 * and its Finished brings flight 6 (CCS, Finished), the last, which the
 * owner keeps for resends.  The stateless part before, cookies
 * and HelloVerifyRequest, is the owner's (hs_receive.c, cookie.c).
 *
 * Context: process; the owner serialises calls (proto.h).
 */

#include <linux/slab.h>
#include <linux/string.h>

#include <uapi/linux/dtls.h>

#include "crypto.h"
#include "dtls.h"
#include "proto.h"

/*
 * RFC 7250 4.2: what we present, the first of the client's
 * server_certificate_type list we have; without the extension, X.509.
 * Return: the type, or -1 if we have none the client takes.
 */
static int dtls_server_own_type(const struct dtls_proto *pr,
				const struct dtls_ch *ch)
{
	u8 ours[DTLS_CTYPES_MAX];
	unsigned int n = dtls_cert_types_own(&pr->own, ours);

	if (!ch->server_ctypes)
		return pr->own.body_len ? DTLS_CTYPE_X509 : -1;
	return dtls_cert_type_pick(ch->server_ctypes, ch->server_ctypes_len,
				   ours, n);
}

/*
 * What the client is to present if we ask: the first of its
 * client_certificate_type list we can check; without it, X.509.
 * Return: the type, or -1.
 */
static int dtls_server_peer_type(const struct dtls_proto *pr,
				 const struct dtls_ch *ch)
{
	u8 ours[DTLS_CTYPES_MAX];
	unsigned int n = dtls_cert_types_peer(&pr->auth, ours);

	if (!ch->client_ctypes)
		return memchr(ours, DTLS_CTYPE_X509, n) ? DTLS_CTYPE_X509 : -1;
	return dtls_cert_type_pick(ch->client_ctypes, ch->client_ctypes_len,
				   ours, n);
}

/*
 * Whether we could take @s with this client, its point formats aside:
 * offered, usable, and for ECDHE a group (into *@group) and, with our
 * certificate, a signature the client takes.
 */
static bool dtls_server_suite_fits(const struct dtls_proto *pr,
				   const struct dtls_ch *ch,
				   const struct dtls_suite *s, bool have_type,
				   u16 *group)
{
	unsigned int j;

	if (!s || !dtls_ch_has_suite(ch, s->id) ||
	    !dtls_proto_suite_usable(pr, s) || (s->cert && !have_type))
		return false;
	/*
	 * RFC 5246 7.4.1.4.1: our P-256 key signs with SHA-256 or SHA-384,
	 * which the client must list (no list: SHA-1 only); RFC 8422
	 * 5.1.1: and its curve must be one the client has.
	 */
	if (s->cert &&
	    (!dtls_proto_sign_alg(ch->sigalgs, ch->sigalgs_len) ||
	     (ch->groups && !dtls_ch_has_group(ch, DTLS_GROUP_SECP256R1))))
		return false;
	if (!s->ecdhe)
		return true;
	for (j = 0; j < pr->p.n_groups; j++) {
		/* RFC 8422 4: no extension, any group. */
		if (!ch->groups || dtls_ch_has_group(ch, pr->p.groups[j])) {
			*group = pr->p.groups[j];
			return true;
		}
	}
	return false;
}

/* The client's ec_point_formats lacks the uncompressed form. */
static bool dtls_ch_compressed_only(const struct dtls_ch *ch)
{
	return ch->point_formats && !ch->point_uncompressed;
}

/*
 * RFC 8422 5.1.2: a client whose ec_point_formats lacks the uncompressed
 * form, the only one there is, while its supported_groups names a curve,
 * is refused with illegal_parameter by a server that would do ECC with
 * it: one with an ECDHE suite that fits it but for the formats (our
 * groups are all curves).
 */
static bool dtls_server_formats_bad(const struct dtls_proto *pr,
				    const struct dtls_ch *ch, bool have_type)
{
	unsigned int i;
	u16 group;

	if (!dtls_ch_compressed_only(ch) || !ch->groups)
		return false;
	for (i = 0; i < pr->p.n_suites; i++) {
		const struct dtls_suite *s = dtls_suite_find(pr->p.suites[i]);

		if (s && s->ecdhe &&
		    dtls_server_suite_fits(pr, ch, s, have_type, &group))
			return true;
	}
	return false;
}

/* The suite we pick: ours in our order, if it fits the client. */
static const struct dtls_suite *dtls_server_choose(struct dtls_proto *pr,
						   const struct dtls_ch *ch,
						   bool have_type, u16 *group)
{
	unsigned int i;
	u16 g = 0;

	for (i = 0; i < pr->p.n_suites; i++) {
		const struct dtls_suite *s = dtls_suite_find(pr->p.suites[i]);

		if (dtls_server_suite_fits(pr, ch, s, have_type, &g) &&
		    !(s->ecdhe && dtls_ch_compressed_only(ch))) {
			*group = s->ecdhe ? g : 0;
			return s;
		}
	}
	return NULL;
}

/* ServerKeyExchange of ECDHE_ECDSA: our point, signed (RFC 8422 5.4). */
static int dtls_server_ske_signed(struct dtls_proto *pr, u8 *msg,
				  unsigned int cap, const u8 *point, u8 len)
{
	u8 *body = msg + DTLS_HS_HEADER_LEN;
	int n, sig;

	cap -= DTLS_HS_HEADER_LEN;
	n = dtls_ske_params_build(body, cap, pr->group, point, len);
	if (n < 0)
		return n;
	sig = dtls_proto_sign(pr, body, n, body + n, cap - n);
	if (sig < 0)
		return sig;
	return dtls_proto_emit(pr, msg, DTLS_HS_SERVER_KEY_EXCHANGE, n + sig,
			       0);
}

/* Our Certificate: the chain, ready since netlink gave it, or our key. */
static int dtls_server_cert(struct dtls_proto *pr, u8 *msg, unsigned int cap)
{
	return dtls_proto_emit(pr, msg, DTLS_HS_CERTIFICATE,
			       dtls_cert_own_body(&pr->own, pr->ctype_own,
						  msg + DTLS_HS_HEADER_LEN,
						  cap - DTLS_HS_HEADER_LEN), 0);
}

/*
 * Flight 4: ServerHello, [Certificate], [ServerKeyExchange],
 * [CertificateRequest], ServerHelloDone.
 */
static int dtls_server_flight4(struct dtls_proto *pr, bool cr,
			       const struct dtls_sh_params *sp,
			       struct dtls_proto_out *out)
{
	static const u8 cr_types[] = { DTLS_CERT_TYPE_ECDSA_SIGN,
				       DTLS_CERT_TYPE_RSA_SIGN };
	struct dtls_ske ske = {
		.hint = pr->p.hint,
		.hint_len = pr->p.hint_len,
	};
	unsigned int cap = DTLS_HS_MSG_MAX;
	u8 point[DTLS_KEX_PUBLIC_MAX], *msg;
	int err, n;

	dtls_hello_random(pr->server_random);
	if (pr->suite->cert)
		cap = max_t(unsigned int, cap,
			    DTLS_HS_HEADER_LEN + pr->own.body_len);
	msg = kmalloc(cap, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	dtls_flight_clear(&pr->flight);
	err = dtls_proto_emit(pr, msg, DTLS_HS_SERVER_HELLO,
			      dtls_sh_build(msg + DTLS_HS_HEADER_LEN,
					    DTLS_HS_MSG_MAX - DTLS_HS_HEADER_LEN,
					    sp), 0);
	if (!err && pr->suite->cert)
		err = dtls_server_cert(pr, msg, cap);
	if (err)
		goto out;
	if (pr->suite->ecdhe) {
		pr->kex = dtls_kex_new(pr->group);
		if (IS_ERR(pr->kex)) {
			err = PTR_ERR(pr->kex);
			pr->kex = NULL;
			goto out;
		}
		n = dtls_kex_public(pr->kex, point, sizeof(point));
		if (n < 0) {
			err = n;
			goto out;
		}
		ske.group = pr->group;
		ske.point = point;
		ske.point_len = n;
	}
	if (pr->suite->cert) {
		err = dtls_server_ske_signed(pr, msg, cap, point, n);
		if (!err && cr)
			err = dtls_proto_emit(pr, msg,
					      DTLS_HS_CERTIFICATE_REQUEST,
					      dtls_cert_req_build(msg + DTLS_HS_HEADER_LEN,
								  cap - DTLS_HS_HEADER_LEN,
								  cr_types,
								  ARRAY_SIZE(cr_types),
								  dtls_sigalgs_offered,
								  DTLS_SIGALGS_N),
					      0);
		if (err)
			goto out;
	} else if (pr->suite->ecdhe || pr->p.hint_len) {
		/* A PSK ServerKeyExchange carries only the hint: sent if set. */
		err = dtls_proto_emit(pr, msg, DTLS_HS_SERVER_KEY_EXCHANGE,
				      dtls_ske_build(msg + DTLS_HS_HEADER_LEN,
						     DTLS_HS_MSG_MAX -
						     DTLS_HS_HEADER_LEN,
						     pr->suite->ecdhe, &ske),
				      0);
		if (err)
			goto out;
	}
	err = dtls_proto_emit(pr, msg, DTLS_HS_SERVER_HELLO_DONE, 0, 0);
	if (!err) {
		dtls_proto_set_step(pr, cr ? DTLS_HS_S_WAIT_CERT :
					     DTLS_HS_S_WAIT_CKE);
		out->send = true;
		out->timer = true;
	}
out:
	kfree(msg);
	return err;
}

/*
 * RFC 5764 4.1.1: our most preferred profile among the client's, its MKI
 * echoed.  None in common (or none offered): no use_srtp in the answer,
 * or handshake_failure if we require SRTP.
 */
static int dtls_server_srtp(struct dtls_proto *pr, const struct dtls_ch *ch,
			    struct dtls_sh_params *sp)
{
	unsigned int i, j;

	if (!pr->p.n_srtp)
		return 0;
	for (i = 0; i < pr->p.n_srtp && ch->srtp_profiles; i++)
		for (j = 0; j + 1 < ch->srtp_profiles_len; j += 2)
			if (get_unaligned_be16(ch->srtp_profiles + j) ==
			    pr->p.srtp[i])
				goto found;
	return pr->p.srtp_required ? -EPROTO : 0;
found:
	pr->srtp_profile = pr->p.srtp[i];
	pr->srtp_mki_len = ch->srtp_mki_len;
	memcpy(pr->srtp_mki, ch->srtp_mki, ch->srtp_mki_len);
	sp->srtp_profile = pr->srtp_profile;
	sp->srtp_mki = pr->srtp_mki;
	sp->srtp_mki_len = pr->srtp_mki_len;
	return 0;
}

/**
 * dtls_server_start - a ClientHello to answer: flight 4
 * @pr: a server's state, configured, with its PSKs
 * @msg: the ClientHello, header and body
 * @h: its header, parsed: one fragment, the whole message
 * @ch: its body, parsed
 * @out: what to do next: send the flight, or fail with @out->alert
 *
 * Return: 0 or a negative errno.
 */
int dtls_server_start(struct dtls_proto *pr, const u8 *msg,
		      const struct dtls_hs_hdr *h, const struct dtls_ch *ch,
		      struct dtls_proto_out *out)
{
	struct dtls_sh_params sp = { .client_ctype = -1, .server_ctype = -1 };
	int err, peer_type;
	bool cr, have_type;
	u16 group = 0;

	memset(out, 0, sizeof(*out));
	have_type = dtls_server_own_type(pr, ch) >= 0;
	if (dtls_server_formats_bad(pr, ch, have_type)) {
		out->alert = DTLS_ALERT_ILLEGAL_PARAMETER;
		return -EPROTO;
	}
	pr->suite = dtls_server_choose(pr, ch, have_type, &group);
	if (!pr->suite || !ch->ems || ch->reneg_bad) {
		/* RFC 7627 5.3 for EMS; no common suite. */
		out->alert = DTLS_ALERT_HANDSHAKE_FAILURE;
		/* RFC 7250 4.2: no certificate type in common. */
		if (ch->ems && ch->server_ctypes &&
		    dtls_server_own_type(pr, ch) < 0)
			out->alert = DTLS_ALERT_UNSUPPORTED_CERTIFICATE;
		return -EPROTO;
	}
	pr->group = group;
	if (pr->suite->cert)
		pr->sign_alg = dtls_proto_sign_alg(ch->sigalgs,
						   ch->sigalgs_len);
	/* RFC 5746 3.6: the SCSV or the empty extension asks for an answer. */
	pr->secure_reneg = ch->reneg_scsv || ch->reneg_info;
	sp.random = pr->server_random;
	sp.suite = pr->suite->id;
	/* RFC 5246 7.4.1.4: only extensions the client sent. */
	sp.ecdhe = pr->suite->ecdhe && ch->point_formats;
	sp.reneg = pr->secure_reneg;
	out->alert = DTLS_ALERT_HANDSHAKE_FAILURE;
	if (dtls_server_srtp(pr, ch, &sp))
		return -EPROTO;
	cr = pr->suite->cert && dtls_peer_auth_any(&pr->auth);
	if (pr->suite->cert) {
		pr->ctype_own = dtls_server_own_type(pr, ch);
		if (ch->server_ctypes)
			sp.server_ctype = pr->ctype_own;
		/*
		 * RFC 7250 4.2: a client that can present nothing we check
		 * is not asked, unless we require a certificate.
		 */
		peer_type = cr ? dtls_server_peer_type(pr, ch) : -1;
		out->alert = DTLS_ALERT_UNSUPPORTED_CERTIFICATE;
		if (cr && peer_type < 0 && pr->auth.required)
			return -EPROTO;
		cr = peer_type >= 0;
		if (cr) {
			pr->ctype_peer = peer_type;
			if (ch->client_ctypes)
				sp.client_ctype = peer_type;
		}
	}
	memcpy(pr->client_random, ch->random, DTLS_RANDOM_LEN);
	pr->tx_msg_seq = h->seq;
	pr->peer_flight_seq = h->seq;
	err = dtls_transcript_add_peer_raw(pr, msg,
					   DTLS_HS_HEADER_LEN + h->length, out);
	if (err)
		return err;
	out->alert = DTLS_ALERT_INTERNAL_ERROR;
	return dtls_server_flight4(pr, cr, &sp, out);
}
EXPORT_SYMBOL_IF_KUNIT(dtls_server_start);

static int dtls_server_cke(struct dtls_proto *pr, const struct dtls_hs_msg *m,
			   struct dtls_proto_out *out)
{
	const struct dtls_psk *psk;
	struct dtls_cke cke = {};
	u8 pms[DTLS_PREMASTER_MAX];
	int n, err;

	if (pr->suite->cert) {
		if (dtls_cke_ecdh_parse(dtls_hs_msg_body(m), m->len,
					&cke.point, &cke.point_len))
			return -EBADMSG;
		goto premaster;
	}
	if (dtls_cke_parse(dtls_hs_msg_body(m), m->len, pr->suite->ecdhe,
			   &cke))
		return -EBADMSG;
	out->alert = DTLS_ALERT_UNKNOWN_PSK_IDENTITY;
	psk = dtls_psk_find(pr, cke.identity, cke.identity_len);
	if (!psk)
		return -ENOKEY;
	memcpy(pr->psk, psk->key, psk->key_len);
	pr->psk_len = psk->key_len;
	memcpy(pr->peer_id, cke.identity, cke.identity_len);
	pr->peer_id_len = cke.identity_len;

premaster:
	out->alert = DTLS_ALERT_ILLEGAL_PARAMETER;
	n = dtls_proto_premaster(pr, cke.point, cke.point_len, pms);
	if (n < 0)
		return n;
	out->alert = DTLS_ALERT_INTERNAL_ERROR;
	err = dtls_proto_derive(pr, pms, n);
	memzero_explicit(pms, sizeof(pms));
	if (!err)
		dtls_proto_set_step(pr, pr->peer_cert.have ? DTLS_HS_S_WAIT_CV :
							     DTLS_HS_S_WAIT_FIN);
	return err;
}

/* The client's Certificate, asked for by our CertificateRequest. */
static int dtls_server_cert_in(struct dtls_proto *pr,
			       const struct dtls_hs_msg *m,
			       struct dtls_proto_out *out)
{
	int err;

	err = dtls_cert_peer_take(pr, dtls_hs_msg_body(m), m->len,
				  &out->alert);
	if (!err) {
		pr->got_cert = true;
		out->pause = dtls_cert_peer_delegated(pr);
		dtls_proto_set_step(pr, DTLS_HS_S_WAIT_CKE);
	}
	return err;
}

/* CertificateVerify: the client signed the messages before it. */
static int dtls_server_cv(struct dtls_proto *pr, const struct dtls_hs_msg *m,
			  struct dtls_proto_out *out)
{
	struct dtls_signed sg;
	int err;

	if (dtls_signed_parse(dtls_hs_msg_body(m), m->len, &sg))
		return -EBADMSG;
	err = dtls_proto_verify(pr, &sg, NULL, 0, &out->alert);
	if (err)
		return err;
	err = dtls_transcript_add_peer(pr, m, out);
	if (!err)
		dtls_proto_set_step(pr, DTLS_HS_S_WAIT_FIN);
	return err;
}

/* The client's Finished checks out: flight 6, CCS and Finished; done. */
static int dtls_server_finish(struct dtls_proto *pr,
			      struct dtls_proto_out *out)
{
	static const u8 ccs = 1;
	u8 msg[DTLS_HS_HEADER_LEN + DTLS_VERIFY_LEN];
	int err;

	out->alert = DTLS_ALERT_INTERNAL_ERROR;
	dtls_flight_clear(&pr->flight);
	err = dtls_flight_add(&pr->flight, DTLS_RECORD_TYPE_CHANGE_CIPHER_SPEC,
			      0, &ccs, 1);
	if (!err)
		err = dtls_proto_emit_finished(pr, msg);
	if (err)
		return err;
	pr->sent_ccs = true;
	/* The last flight: no timer, kept; DONE once the keys are in. */
	out->send = true;
	out->done = true;
	out->keep = true;
	return 0;
}

/* A message of the client's; @out is cleared (dtls_proto_msg()). */
int dtls_server_msg(struct dtls_proto *pr, const struct dtls_hs_msg *m,
		    struct dtls_proto_out *out)
{
	out->alert = DTLS_ALERT_UNEXPECTED_MESSAGE;
	switch (pr->step) {
	case DTLS_HS_S_WAIT_CERT:
		if (m->type != DTLS_HS_CERTIFICATE)
			return -EPROTO;
		pr->peer_flight_seq = m->seq;
		return dtls_transcript_add_peer(pr, m, out) ?:
		       dtls_server_cert_in(pr, m, out);
	case DTLS_HS_S_WAIT_CKE:
		if (m->type != DTLS_HS_CLIENT_KEY_EXCHANGE)
			return -EPROTO;
		if (!pr->got_cert)
			pr->peer_flight_seq = m->seq;
		return dtls_transcript_add_peer(pr, m, out) ?:
		       dtls_server_cke(pr, m, out);
	case DTLS_HS_S_WAIT_CV:
		if (m->type != DTLS_HS_CERTIFICATE_VERIFY)
			return -EPROTO;
		out->alert = DTLS_ALERT_DECODE_ERROR;
		return dtls_server_cv(pr, m, out);
	case DTLS_HS_S_WAIT_FIN:
		if (m->type != DTLS_HS_FINISHED)
			return -EPROTO;
		out->alert = DTLS_ALERT_DECRYPT_ERROR;
		if (dtls_proto_check_finished(pr, m))
			return -EKEYREJECTED;
		/* From now on, its copies are what asks for our flight 6. */
		pr->peer_flight_seq = m->seq;
		return dtls_transcript_add_peer(pr, m, out) ?:
		       dtls_server_finish(pr, out);
	default:
		return -EPROTO;
	}
}
