// SPDX-License-Identifier: GPL-2.0
/*
 * The client's steps (proto.h): flight 1 (ClientHello), flight 3 (the
 * ClientHello again with the server's cookie), flight 5
 * (ClientKeyExchange, CCS, Finished), then the server's Finished.
 *
 * Context: process; the owner serialises calls (proto.h).
 */

#include <linux/slab.h>
#include <linux/string.h>

#include <uapi/linux/dtls.h>

#include "crypto.h"
#include "dtls.h"
#include "proto.h"

/* Flights 1 and 3: a ClientHello, with the server's cookie in 3. */
static int dtls_client_hello(struct dtls_proto *pr, const u8 *cookie,
			     u8 cookie_len, struct dtls_proto_out *out)
{
	struct dtls_ch_params cp = {
		.random = pr->client_random,
		.cookie = cookie,
		.cookie_len = cookie_len,
		.suites = pr->p.suites,
		.n_suites = pr->p.n_suites,
	};
	u8 *msg;
	int err, i;

	for (i = 0; i < pr->p.n_suites; i++) {
		const struct dtls_suite *s = dtls_suite_find(pr->p.suites[i]);

		if (s && s->ecdhe) {
			cp.groups = pr->p.groups;
			cp.n_groups = pr->p.n_groups;
		}
	}
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
	dtls_proto_set_step(pr, DTLS_HS_C_WAIT_SH);
	return dtls_client_hello(pr, NULL, 0, out);
}
EXPORT_SYMBOL_IF_KUNIT(dtls_client_start);

/* Flight 2: a cookie; the exchange stays out of the transcript. */
static int dtls_client_hvr(struct dtls_proto *pr, const struct dtls_hs_msg *m,
			   struct dtls_proto_out *out)
{
	const u8 *cookie;
	u8 cookie_len;

	if (dtls_hvr_parse(dtls_hs_msg_body(m), m->len, &cookie, &cookie_len))
		return -EBADMSG;
	pr->tlen = 0;	/* RFC 6347 4.2.6 */
	memzero_explicit(&pr->thash, sizeof(pr->thash));
	return dtls_client_hello(pr, cookie, cookie_len, out);
}

static int dtls_client_sh(struct dtls_proto *pr, const struct dtls_hs_msg *m,
			  struct dtls_proto_out *out)
{
	struct dtls_sh sh;

	if (dtls_sh_parse(dtls_hs_msg_body(m), m->len, &sh))
		return -EBADMSG;
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
	memcpy(pr->server_random, sh.random, DTLS_RANDOM_LEN);
	dtls_proto_set_step(pr, DTLS_HS_C_WAIT_SHD);
	return 0;
}

static int dtls_client_ske(struct dtls_proto *pr, const struct dtls_hs_msg *m,
			   struct dtls_proto_out *out)
{
	struct dtls_ske ske;

	if (pr->got_ske ||
	    dtls_ske_parse(dtls_hs_msg_body(m), m->len, pr->suite->ecdhe,
			   &ske))
		return -EBADMSG;
	pr->got_ske = true;
	if (!pr->suite->ecdhe)
		return 0;	/* the hint: we have one PSK, it is ignored */
	out->alert = DTLS_ALERT_ILLEGAL_PARAMETER;
	if (!dtls_proto_offered(pr->p.groups, pr->p.n_groups, ske.group))
		return -EPROTO;
	pr->group = ske.group;
	pr->kex = dtls_kex_new(ske.group);
	if (IS_ERR(pr->kex)) {
		int err = PTR_ERR(pr->kex);

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

/* ServerHelloDone: flight 5, ClientKeyExchange, CCS, Finished. */
static int dtls_client_shd(struct dtls_proto *pr, const struct dtls_hs_msg *m,
			   struct dtls_proto_out *out)
{
	static const u8 ccs = 1;
	struct dtls_cke cke = {};
	const struct dtls_psk *psk;
	u8 point[DTLS_KEX_PUBLIC_MAX], *pms, *msg;
	int err, n;

	if (m->len)
		return -EBADMSG;
	out->alert = DTLS_ALERT_UNEXPECTED_MESSAGE;
	if (pr->suite->ecdhe && !pr->kex)
		return -EPROTO;
	out->alert = DTLS_ALERT_INTERNAL_ERROR;
	psk = list_first_entry_or_null(&pr->psks, struct dtls_psk, node);
	if (!psk)
		return -ENOKEY;
	memcpy(pr->psk, psk->key, psk->key_len);
	pr->psk_len = psk->key_len;
	cke.identity = psk->id;
	cke.identity_len = psk->id_len;
	if (pr->suite->ecdhe) {
		n = dtls_kex_public(pr->kex, point, sizeof(point));
		if (n < 0)
			return n;
		cke.point = point;
		cke.point_len = n;
	}

	msg = kmalloc(DTLS_HS_MSG_MAX + DTLS_PREMASTER_MAX, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	pms = msg + DTLS_HS_MSG_MAX;
	dtls_flight_clear(&pr->flight);
	err = dtls_proto_emit(pr, msg, DTLS_HS_CLIENT_KEY_EXCHANGE,
			      dtls_cke_build(msg + DTLS_HS_HEADER_LEN,
					     DTLS_HS_MSG_MAX - DTLS_HS_HEADER_LEN,
					     pr->suite->ecdhe, &cke), 0);
	if (err)
		goto out;
	n = dtls_proto_premaster(pr, pr->peer_point, pr->peer_point_len, pms);
	if (n < 0) {
		err = n;
		out->alert = DTLS_ALERT_ILLEGAL_PARAMETER;
		goto out;
	}
	err = dtls_proto_derive(pr, pms, n);
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
		out->alert = DTLS_ALERT_DECODE_ERROR;
		return dtls_transcript_add(pr, m->data, DTLS_HS_HEADER_LEN +
					   m->len) ?:
		       dtls_client_sh(pr, m, out);
	case DTLS_HS_C_WAIT_SHD:
		if (m->type != DTLS_HS_SERVER_KEY_EXCHANGE &&
		    m->type != DTLS_HS_SERVER_HELLO_DONE)
			return -EPROTO;
		out->alert = DTLS_ALERT_DECODE_ERROR;
		if (dtls_transcript_add(pr, m->data,
					DTLS_HS_HEADER_LEN + m->len))
			return -EMSGSIZE;
		if (m->type == DTLS_HS_SERVER_KEY_EXCHANGE)
			return dtls_client_ske(pr, m, out);
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
