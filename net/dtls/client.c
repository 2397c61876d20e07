// SPDX-License-Identifier: GPL-2.0
/*
 * The client's steps (proto.h): flight 1 (ClientHello), flight 3 (the
 * ClientHello again with the server's cookie), flight 5 ([Certificate],
 * ClientKeyExchange, [CertificateVerify], CCS, Finished), then the
 * server's Finished.
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
 * What our ClientHello says beyond its suites: groups and point formats
 * with an ECDHE or a certificate suite, signature algorithms and the
 * certificate types with a certificate suite, use_srtp if configured.
 * The hello is built from it, and the ServerHello checked against it.
 */
static void dtls_client_hello_exts(const struct dtls_proto *pr,
				   struct dtls_ch_params *cp,
				   u16 groups[DTLS_HS_MAX_GROUPS + 1],
				   u8 own[DTLS_CTYPES_MAX],
				   u8 peer[DTLS_CTYPES_MAX])
{
	int i;

	cp->suites = pr->p.suites;
	cp->n_suites = pr->p.n_suites;
	cp->srtp_profiles = pr->p.srtp;
	cp->n_srtp_profiles = pr->p.n_srtp;
	cp->srtp_mki = pr->p.srtp_mki;
	cp->srtp_mki_len = pr->p.srtp_mki_len;
	for (i = 0; i < pr->p.n_suites; i++) {
		const struct dtls_suite *s = dtls_suite_find(pr->p.suites[i]);

		if (s && s->ecdhe) {
			memcpy(groups, pr->p.groups,
			       pr->p.n_groups * sizeof(groups[0]));
			cp->groups = groups;
			cp->n_groups = pr->p.n_groups;
		}
		if (s && s->cert) {
			/* What we verify; we sign with ECDSA only. */
			cp->sigalgs = dtls_sigalgs_offered;
			cp->n_sigalgs = DTLS_SIGALGS_N;
		}
	}
	/*
	 * RFC 8422 5.1.1: supported_groups also names the curves of the
	 * certificates we can verify: P-256, even when the configuration
	 * names others only.  A server may then pick it for ECDHE as well,
	 * and dtls_client_ske() takes it with a certificate suite.
	 */
	if (cp->sigalgs &&
	    !dtls_proto_offered(groups, cp->n_groups, DTLS_GROUP_SECP256R1)) {
		groups[cp->n_groups++] = DTLS_GROUP_SECP256R1;
		cp->groups = groups;
	}
	/* RFC 7250: said only when a raw key is among the types. */
	if (cp->sigalgs) {
		cp->n_client_ctypes = dtls_cert_types_own(&pr->own, own);
		cp->n_server_ctypes = dtls_cert_types_peer(&pr->auth, peer);
		if (!memchr(own, DTLS_CTYPE_RAW_PUBLIC_KEY,
			    cp->n_client_ctypes))
			cp->n_client_ctypes = 0;
		if (!memchr(peer, DTLS_CTYPE_RAW_PUBLIC_KEY,
			    cp->n_server_ctypes))
			cp->n_server_ctypes = 0;
		cp->client_ctypes = own;
		cp->server_ctypes = peer;
	}
}

/* Flights 1 and 3: a ClientHello, with the server's cookie in 3. */
static int dtls_client_hello(struct dtls_proto *pr, const u8 *cookie,
			     u8 cookie_len, struct dtls_proto_out *out)
{
	struct dtls_ch_params cp = {
		.random = pr->client_random,
		.cookie = cookie,
		.cookie_len = cookie_len,
	};
	u16 groups[DTLS_HS_MAX_GROUPS + 1];
	u8 own[DTLS_CTYPES_MAX], peer[DTLS_CTYPES_MAX], *msg;
	int err;

	dtls_client_hello_exts(pr, &cp, groups, own, peer);
	msg = kmalloc(DTLS_HS_MSG_MAX, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	dtls_flight_clear(&pr->flight);
	err = dtls_proto_emit(pr, msg, DTLS_HS_CLIENT_HELLO,
			      dtls_ch_build(msg + DTLS_HS_HEADER_LEN,
					    DTLS_HS_MSG_MAX - DTLS_HS_HEADER_LEN,
					    &cp), 0);
	kfree(msg);
	if (!err) {
		out->send = true;
		out->timer = true;
	}
	return err;
}

/**
 * dtls_client_start - flight 1
 * @pr: a client's state, configured, with its PSK
 * @out: what to do next: send the flight
 *
 * Return: 0 or a negative errno.
 */
int dtls_client_start(struct dtls_proto *pr, struct dtls_proto_out *out)
{
	memset(out, 0, sizeof(*out));
	dtls_hello_random(pr->client_random);
	pr->hvrs = 0;
	dtls_proto_set_step(pr, DTLS_HS_C_WAIT_SH);
	return dtls_client_hello(pr, NULL, 0, out);
}
EXPORT_SYMBOL_IF_KUNIT(dtls_client_start);

/*
 * HelloVerifyRequests a handshake answers.  A server sends one, a second
 * only if its cookie secret changed in between.  Each costs a ClientHello
 * larger than itself sent to the server's address and a timer restarted,
 * so forged ones (epoch 0 has no authentication) must not drive them.
 */
#define DTLS_CLIENT_HVR_MAX	3

/* Flight 2: a cookie; the exchange stays out of the transcript. */
static int dtls_client_hvr(struct dtls_proto *pr, const struct dtls_hs_msg *m,
			   struct dtls_proto_out *out)
{
	const u8 *cookie;
	u8 cookie_len;

	if (pr->hvrs >= DTLS_CLIENT_HVR_MAX) {
		out->alert = DTLS_ALERT_UNEXPECTED_MESSAGE;
		return -EPROTO;
	}
	pr->hvrs++;
	if (dtls_hvr_parse(dtls_hs_msg_body(m), m->len, &cookie, &cookie_len))
		return -EBADMSG;
	pr->tlen = 0;	/* RFC 6347 4.2.6 */
	memzero_explicit(&pr->thash, sizeof(pr->thash));
	return dtls_client_hello(pr, cookie, cookie_len, out);
}

/*
 * RFC 7250 4.2: the certificate types the server chose, each one we
 * listed; none said is X.509.  A server's with a PSK suite is ignored.
 */
static int dtls_client_sh_types(struct dtls_proto *pr,
				const struct dtls_sh *sh)
{
	u8 types[DTLS_CTYPES_MAX];
	unsigned int n;

	if (!pr->suite->cert)
		return 0;
	if (sh->has_server_ctype) {
		n = dtls_cert_types_peer(&pr->auth, types);
		if (!memchr(types, DTLS_CTYPE_RAW_PUBLIC_KEY, n) ||
		    !memchr(types, sh->server_ctype, n))
			return -EPROTO;
		pr->ctype_peer = sh->server_ctype;
	}
	if (sh->has_client_ctype) {
		n = dtls_cert_types_own(&pr->own, types);
		if (!memchr(types, DTLS_CTYPE_RAW_PUBLIC_KEY, n) ||
		    !memchr(types, sh->client_ctype, n))
			return -EPROTO;
		pr->ctype_own = sh->client_ctype;
	}
	return 0;
}

/*
 * RFC 5764 4.1.1: the server's use_srtp names one profile we offered and
 * our MKI or none; it may answer without it unless we require SRTP.  An
 * answer to an offer we did not make is an unsupported extension.
 */
static int dtls_client_sh_srtp(struct dtls_proto *pr, const struct dtls_sh *sh,
			       struct dtls_proto_out *out)
{
	if (!sh->srtp) {
		out->alert = DTLS_ALERT_HANDSHAKE_FAILURE;
		return pr->p.n_srtp && pr->p.srtp_required ? -EPROTO : 0;
	}
	out->alert = DTLS_ALERT_UNSUPPORTED_EXTENSION;
	if (!pr->p.n_srtp)
		return -EPROTO;
	out->alert = DTLS_ALERT_ILLEGAL_PARAMETER;
	if (!dtls_proto_offered(pr->p.srtp, pr->p.n_srtp, sh->srtp_profile))
		return -EPROTO;
	if (sh->srtp_mki_len &&
	    (sh->srtp_mki_len != pr->p.srtp_mki_len ||
	     memcmp(sh->srtp_mki, pr->p.srtp_mki, sh->srtp_mki_len)))
		return -EPROTO;
	pr->srtp_profile = sh->srtp_profile;
	pr->srtp_mki_len = sh->srtp_mki_len;
	memcpy(pr->srtp_mki, sh->srtp_mki, sh->srtp_mki_len);
	return 0;
}

/*
 * RFC 5246 7.4.1.4: a ServerHello has only extensions our hello had
 * (use_srtp: dtls_client_sh_srtp()), else the handshake is aborted.
 */
static bool dtls_client_sh_exts_asked(const struct dtls_proto *pr,
				      const struct dtls_sh *sh)
{
	struct dtls_ch_params cp = {};
	u16 groups[DTLS_HS_MAX_GROUPS + 1];
	u8 own[DTLS_CTYPES_MAX], peer[DTLS_CTYPES_MAX];

	if (sh->unknown_ext)
		return false;
	dtls_client_hello_exts(pr, &cp, groups, own, peer);
	return (!sh->point_formats || cp.n_groups) &&
	       (!sh->has_client_ctype || cp.n_client_ctypes) &&
	       (!sh->has_server_ctype || cp.n_server_ctypes);
}

static int dtls_client_sh(struct dtls_proto *pr, const struct dtls_hs_msg *m,
			  struct dtls_proto_out *out)
{
	struct dtls_sh sh;

	if (dtls_sh_parse(dtls_hs_msg_body(m), m->len, &sh))
		return -EBADMSG;
	out->alert = DTLS_ALERT_UNSUPPORTED_EXTENSION;
	if (!dtls_client_sh_exts_asked(pr, &sh))
		return -EPROTO;
	out->alert = DTLS_ALERT_PROTOCOL_VERSION;
	if (sh.version != DTLS_1_2_VERSION)
		return -EPROTO;
	out->alert = DTLS_ALERT_ILLEGAL_PARAMETER;
	pr->suite = dtls_suite_find(sh.suite);
	if (!pr->suite ||
	    !dtls_proto_offered(pr->p.suites, pr->p.n_suites, sh.suite) ||
	    sh.compression)
		return -EPROTO;
	/* RFC 7627 5.3: no extended master secret, no session. */
	out->alert = DTLS_ALERT_HANDSHAKE_FAILURE;
	if (!sh.ems || sh.reneg_bad)
		return -EPROTO;
	out->alert = DTLS_ALERT_UNSUPPORTED_CERTIFICATE;
	if (dtls_client_sh_types(pr, &sh))
		return -EPROTO;
	if (dtls_client_sh_srtp(pr, &sh, out))
		return -EPROTO;
	memcpy(pr->server_random, sh.random, DTLS_RANDOM_LEN);
	dtls_proto_set_step(pr, DTLS_HS_C_WAIT_SHD);
	return 0;
}

/* The server's Certificate (certificate suites), checked (cert.c). */
static int dtls_client_cert(struct dtls_proto *pr, const struct dtls_hs_msg *m,
			    struct dtls_proto_out *out)
{
	int err;

	err = dtls_cert_peer_take(pr, dtls_hs_msg_body(m), m->len,
				  &out->alert);
	if (!err) {
		pr->got_cert = true;
		out->pause = dtls_cert_peer_delegated(pr);
	}
	return err;
}

/* A signed ServerKeyExchange: params, signed by the certificate's key. */
static int dtls_client_ske_signed(struct dtls_proto *pr,
				  const struct dtls_hs_msg *m,
				  struct dtls_ske *ske,
				  struct dtls_proto_out *out)
{
	struct dtls_ske_signed ss;
	int err;

	if (dtls_ske_signed_parse(dtls_hs_msg_body(m), m->len, &ss))
		return -EBADMSG;
	err = dtls_proto_verify(pr, &ss.sig, ss.params, ss.params_len,
				&out->alert);
	if (err)
		return err;
	ske->group = ss.group;
	ske->point = ss.point;
	ske->point_len = ss.point_len;
	return 0;
}

static int dtls_client_ske(struct dtls_proto *pr, const struct dtls_hs_msg *m,
			   struct dtls_proto_out *out)
{
	struct dtls_ske ske = {};
	int err;

	pr->got_ske = true;
	if (pr->suite->cert) {
		err = dtls_client_ske_signed(pr, m, &ske, out);
		if (err)
			return err;
	} else if (dtls_ske_parse(dtls_hs_msg_body(m), m->len,
				  pr->suite->ecdhe, &ske)) {
		return -EBADMSG;
	}
	if (!pr->suite->ecdhe)
		return 0;	/* the hint: we have one PSK, it is ignored */
	out->alert = DTLS_ALERT_ILLEGAL_PARAMETER;
	/* secp256r1 too with certificate suites: we listed it (above). */
	if (!dtls_proto_offered(pr->p.groups, pr->p.n_groups, ske.group) &&
	    !(pr->suite->cert && ske.group == DTLS_GROUP_SECP256R1 &&
	      dtls_kex_group_supported(ske.group)))
		return -EPROTO;
	pr->group = ske.group;
	pr->kex = dtls_kex_new(ske.group);
	if (IS_ERR(pr->kex)) {
		err = PTR_ERR(pr->kex);
		pr->kex = NULL;
		out->alert = DTLS_ALERT_INTERNAL_ERROR;
		return err;
	}
	/* The server's point, for the shared secret after SHD. */
	if (ske.point_len > sizeof(pr->peer_point))
		return -EPROTO;
	memcpy(pr->peer_point, ske.point, ske.point_len);
	pr->peer_point_len = ske.point_len;
	return 0;
}

/* CertificateRequest: answered with our certificate if it fits. */
static int dtls_client_cr(struct dtls_proto *pr, const struct dtls_hs_msg *m)
{
	struct dtls_cert_req cr;

	if (dtls_cert_req_parse(dtls_hs_msg_body(m), m->len, &cr))
		return -EBADMSG;
	pr->got_cr = true;
	pr->sign_alg = dtls_proto_sign_alg(cr.sigalgs, cr.sigalgs_len);
	pr->cr_ecdsa = (pr->ctype_own == DTLS_CTYPE_RAW_PUBLIC_KEY ?
			pr->own.has_key : pr->own.body_len) &&
		       memchr(cr.types, DTLS_CERT_TYPE_ECDSA_SIGN, cr.n_types) &&
		       pr->sign_alg;
	return 0;
}

/*
 * Flight 5's Certificate: ours, or none (RFC 5246 7.4.6), an empty list
 * or raw key vector alike.
 */
static int dtls_client_cert_out(struct dtls_proto *pr, u8 *msg,
				unsigned int cap)
{
	int len = 3;

	if (pr->cr_ecdsa)
		len = dtls_cert_own_body(&pr->own, pr->ctype_own,
					 msg + DTLS_HS_HEADER_LEN,
					 cap - DTLS_HS_HEADER_LEN);
	else
		memset(msg + DTLS_HS_HEADER_LEN, 0, len);
	return dtls_proto_emit(pr, msg, DTLS_HS_CERTIFICATE, len, 0);
}

/* Flight 5's CertificateVerify: the messages so far, signed. */
static int dtls_client_cv(struct dtls_proto *pr, u8 *msg, unsigned int cap)
{
	int n;

	n = dtls_proto_sign(pr, NULL, 0, msg + DTLS_HS_HEADER_LEN,
			    cap - DTLS_HS_HEADER_LEN);
	return dtls_proto_emit(pr, msg, DTLS_HS_CERTIFICATE_VERIFY, n, 0);
}

/*
 * ServerHelloDone: flight 5, [Certificate], ClientKeyExchange,
 * [CertificateVerify], CCS, Finished.
 */
static int dtls_client_shd(struct dtls_proto *pr, const struct dtls_hs_msg *m,
			   struct dtls_proto_out *out)
{
	static const u8 ccs = 1;
	unsigned int cap = DTLS_HS_MSG_MAX;
	struct dtls_cke cke = {};
	const struct dtls_psk *psk;
	u8 point[DTLS_KEX_PUBLIC_MAX], *pms, *msg;
	int err, n;

	if (m->len)
		return -EBADMSG;
	out->alert = DTLS_ALERT_UNEXPECTED_MESSAGE;
	if ((pr->suite->ecdhe && !pr->kex) || (pr->suite->cert && !pr->got_cert))
		return -EPROTO;
	out->alert = DTLS_ALERT_INTERNAL_ERROR;
	if (!pr->suite->cert) {
		psk = list_first_entry_or_null(&pr->psks, struct dtls_psk,
					       node);
		if (!psk)
			return -ENOKEY;
		memcpy(pr->psk, psk->key, psk->key_len);
		pr->psk_len = psk->key_len;
		cke.identity = psk->id;
		cke.identity_len = psk->id_len;
	}
	if (pr->suite->ecdhe) {
		n = dtls_kex_public(pr->kex, point, sizeof(point));
		if (n < 0)
			return n;
		cke.point = point;
		cke.point_len = n;
	}

	if (pr->cr_ecdsa)
		cap = max_t(unsigned int, cap,
			    DTLS_HS_HEADER_LEN + pr->own.body_len);
	msg = kmalloc(cap + DTLS_PREMASTER_MAX, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	pms = msg + cap;
	dtls_flight_clear(&pr->flight);
	err = pr->got_cr ? dtls_client_cert_out(pr, msg, cap) : 0;
	if (err)
		goto out;
	if (pr->suite->cert)
		n = dtls_cke_ecdh_build(msg + DTLS_HS_HEADER_LEN,
					cap - DTLS_HS_HEADER_LEN, cke.point,
					cke.point_len);
	else
		n = dtls_cke_build(msg + DTLS_HS_HEADER_LEN,
				   cap - DTLS_HS_HEADER_LEN, pr->suite->ecdhe,
				   &cke);
	err = dtls_proto_emit(pr, msg, DTLS_HS_CLIENT_KEY_EXCHANGE, n, 0);
	if (err)
		goto out;
	n = dtls_proto_premaster(pr, pr->peer_point, pr->peer_point_len, pms);
	if (n < 0) {
		err = n;
		out->alert = DTLS_ALERT_ILLEGAL_PARAMETER;
		goto out;
	}
	err = dtls_proto_derive(pr, pms, n);
	/* RFC 7627 4: the session hash stops at ClientKeyExchange. */
	if (!err && pr->cr_ecdsa)
		err = dtls_client_cv(pr, msg, cap);
	if (!err)
		err = dtls_flight_add(&pr->flight,
				      DTLS_RECORD_TYPE_CHANGE_CIPHER_SPEC, 0,
				      &ccs, 1);
	if (!err)
		err = dtls_proto_emit_finished(pr, msg);
	if (!err) {
		dtls_proto_set_step(pr, DTLS_HS_C_WAIT_FIN);
		pr->sent_ccs = true;
		out->send = true;
		out->timer = true;
	}
out:
	kfree_sensitive(msg);
	return err;
}

/*
 * Flight 4 after the ServerHello: Certificate, ServerKeyExchange,
 * CertificateRequest with a certificate suite, in this order; with PSK
 * an optional ServerKeyExchange; ServerHelloDone last.
 */
static bool dtls_client_in_order(const struct dtls_proto *pr, u8 type)
{
	bool cert = pr->suite->cert;

	switch (type) {
	case DTLS_HS_CERTIFICATE:
		return cert && !pr->got_cert;
	case DTLS_HS_SERVER_KEY_EXCHANGE:
		return !pr->got_ske && (!cert || pr->got_cert);
	case DTLS_HS_CERTIFICATE_REQUEST:
		return cert && pr->got_ske && !pr->got_cr;
	case DTLS_HS_SERVER_HELLO_DONE:
		return true;
	}
	return false;
}

/* A message of the server's; @out is cleared (dtls_proto_msg()). */
int dtls_client_msg(struct dtls_proto *pr, const struct dtls_hs_msg *m,
		    struct dtls_proto_out *out)
{
	int err;

	out->alert = DTLS_ALERT_UNEXPECTED_MESSAGE;
	switch (pr->step) {
	case DTLS_HS_C_WAIT_SH:
		pr->peer_flight_seq = m->seq;
		if (m->type == DTLS_HS_HELLO_VERIFY_REQUEST) {
			out->alert = DTLS_ALERT_DECODE_ERROR;
			return dtls_client_hvr(pr, m, out);
		}
		if (m->type != DTLS_HS_SERVER_HELLO)
			return -EPROTO;
		return dtls_transcript_add_peer(pr, m, out) ?:
		       dtls_client_sh(pr, m, out);
	case DTLS_HS_C_WAIT_SHD:
		if (!dtls_client_in_order(pr, m->type))
			return -EPROTO;
		err = dtls_transcript_add_peer(pr, m, out);
		if (err)
			return err;
		switch (m->type) {
		case DTLS_HS_CERTIFICATE:
			return dtls_client_cert(pr, m, out);
		case DTLS_HS_SERVER_KEY_EXCHANGE:
			return dtls_client_ske(pr, m, out);
		case DTLS_HS_CERTIFICATE_REQUEST:
			return dtls_client_cr(pr, m);
		}
		return dtls_client_shd(pr, m, out);
	case DTLS_HS_C_WAIT_FIN:
		if (m->type != DTLS_HS_FINISHED)
			return -EPROTO;
		out->alert = DTLS_ALERT_DECRYPT_ERROR;
		err = dtls_proto_check_finished(pr, m);
		/* The step turns DONE when the owner installed the keys. */
		out->done = !err;
		return err;
	default:
		return -EPROTO;
	}
}
