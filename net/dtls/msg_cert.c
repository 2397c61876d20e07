// SPDX-License-Identifier: GPL-2.0
/*
 * The handshake messages of certificate suites (msg.h): Certificate
 * (RFC 5246 7.4.2), CertificateRequest (7.4.4), CertificateVerify (7.4.8,
 * a digitally-signed struct, 4.7) and the signed ServerKeyExchange of
 * ECDHE_ECDSA and ECDHE_RSA (RFC 8422 5.4).
 *
 * As in msg.c: every length is checked against what is left before it is
 * used, a body must end exactly where its last field does, builders never
 * write past their room.  The certificates themselves are opaque here.
 * Pure code: no locks, no allocation, any context.
 */

#include <linux/errno.h>
#include <linux/string.h>
#include <uapi/linux/dtls.h>

#include "msg.h"
#include "msg_io.h"

/* ---- Certificate ---- */

/**
 * dtls_cert_parse - the certificates of a Certificate body
 * @body: the body
 * @len: its length
 * @cl: views into @body, the sender's own certificate first
 *
 * An empty list is valid (a client without a certificate); each entry
 * is at least one byte.
 * Return: 0, -EBADMSG, or -E2BIG past DTLS_CERT_CHAIN_MAX certificates.
 */
int dtls_cert_parse(const u8 *body, u32 len, struct dtls_cert_list *cl)
{
	struct msg_rd r = { .p = body, .left = len };
	const u8 *list;
	u32 list_len;

	memset(cl, 0, sizeof(*cl));
	if (!msg_rd_vec24(&r, &list, &list_len) || r.left)
		return -EBADMSG;
	r.p = list;
	r.left = list_len;
	while (r.left) {
		const u8 *der;
		u32 der_len;

		if (!msg_rd_vec24(&r, &der, &der_len) || !der_len)
			return -EBADMSG;
		if (cl->n == DTLS_CERT_CHAIN_MAX)
			return -E2BIG;
		cl->der[cl->n] = der;
		cl->len[cl->n] = der_len;
		cl->n++;
	}
	return 0;
}

/**
 * dtls_cert_build - a Certificate body
 * @out: where
 * @cap: room at @out
 * @cl: the certificates, own first (none: the empty list)
 *
 * Return: the body's length, -EINVAL (an empty certificate, too many) or
 * -EMSGSIZE.
 */
int dtls_cert_build(u8 *out, unsigned int cap,
		    const struct dtls_cert_list *cl)
{
	struct msg_wr w = { .out = out, .cap = cap };
	u32 total = 0;
	unsigned int i;

	if (cl->n > DTLS_CERT_CHAIN_MAX)
		return -EINVAL;
	for (i = 0; i < cl->n; i++) {
		if (!cl->len[i] || cl->len[i] > 0xffffff - 3 - total)
			return -EINVAL;
		total += 3 + cl->len[i];
	}
	msg_wr_u24(&w, total);
	for (i = 0; i < cl->n; i++) {
		msg_wr_u24(&w, cl->len[i]);
		msg_wr_bytes(&w, cl->der[i], cl->len[i]);
	}
	return msg_wr_end(&w);
}

/* ---- CertificateRequest ---- */

/* A list of u16 in a vector: a whole number of them, at least one. */
static bool msg_list16_ok(u16 len)
{
	return len >= 2 && !(len & 1);
}

/**
 * dtls_sigalgs_has - is @alg in a signature_algorithms list?
 * @list: big-endian u16 each
 * @len: the list's length in bytes
 * @alg: DTLS_SIG_*
 */
bool dtls_sigalgs_has(const u8 *list, u16 len, u16 alg)
{
	u32 i;

	for (i = 0; list && i + 1 < len; i += 2)
		if (get_unaligned_be16(list + i) == alg)
			return true;
	return false;
}

/**
 * dtls_cert_req_parse - a CertificateRequest body (TLS 1.2)
 * @body: the body
 * @len: its length
 * @cr: views into @body
 *
 * Return: 0 or -EBADMSG.
 */
int dtls_cert_req_parse(const u8 *body, u32 len, struct dtls_cert_req *cr)
{
	struct msg_rd r = { .p = body, .left = len };

	memset(cr, 0, sizeof(*cr));
	/* certificate_types<1..2^8-1>, supported_signature_algorithms
	 * <2..2^16-2>, certificate_authorities<0..2^16-1>
	 */
	if (!msg_rd_vec8(&r, &cr->types, &cr->n_types) || !cr->n_types ||
	    !msg_rd_vec16(&r, &cr->sigalgs, &cr->sigalgs_len) ||
	    !msg_list16_ok(cr->sigalgs_len) ||
	    !msg_rd_vec16(&r, &cr->cas, &cr->cas_len) || r.left)
		return -EBADMSG;
	return 0;
}

/**
 * dtls_cert_req_build - a CertificateRequest body, no authorities named
 * @out: where
 * @cap: room at @out
 * @types: ClientCertificateType values
 * @n_types: how many, 1..255
 * @sigalgs: DTLS_SIG_* values
 * @n_sigalgs: how many, at least 1
 *
 * Return: the body's length, -EINVAL or -EMSGSIZE.
 */
int dtls_cert_req_build(u8 *out, unsigned int cap, const u8 *types,
			u8 n_types, const u16 *sigalgs, unsigned int n_sigalgs)
{
	struct msg_wr w = { .out = out, .cap = cap };
	unsigned int i;

	if (!n_types || !n_sigalgs || n_sigalgs > 0x7fff)
		return -EINVAL;
	msg_wr_u8(&w, n_types);
	msg_wr_bytes(&w, types, n_types);
	msg_wr_u16(&w, 2 * n_sigalgs);
	for (i = 0; i < n_sigalgs; i++)
		msg_wr_u16(&w, sigalgs[i]);
	msg_wr_u16(&w, 0);
	return msg_wr_end(&w);
}

/* ---- digitally-signed: CertificateVerify ---- */

static bool msg_rd_signed(struct msg_rd *r, struct dtls_signed *sg)
{
	return msg_rd_u16(r, &sg->sigalg) &&
	       msg_rd_vec16(r, &sg->sig, &sg->sig_len) && sg->sig_len;
}

/**
 * dtls_signed_parse - a digitally-signed struct: CertificateVerify
 * @body: the body
 * @len: its length
 * @sg: the algorithm, and a view of the signature into @body
 *
 * Return: 0 or -EBADMSG.
 */
int dtls_signed_parse(const u8 *body, u32 len, struct dtls_signed *sg)
{
	struct msg_rd r = { .p = body, .left = len };

	memset(sg, 0, sizeof(*sg));
	return msg_rd_signed(&r, sg) && !r.left ? 0 : -EBADMSG;
}

/**
 * dtls_signed_build - a digitally-signed struct
 * @out: where
 * @cap: room at @out
 * @sg: the algorithm and the signature (at least one byte)
 *
 * Return: its length, -EINVAL or -EMSGSIZE.
 */
int dtls_signed_build(u8 *out, unsigned int cap,
		      const struct dtls_signed *sg)
{
	struct msg_wr w = { .out = out, .cap = cap };

	if (!sg->sig_len)
		return -EINVAL;
	msg_wr_u16(&w, sg->sigalg);
	msg_wr_u16(&w, sg->sig_len);
	msg_wr_bytes(&w, sg->sig, sg->sig_len);
	return msg_wr_end(&w);
}

/* ---- signed ServerKeyExchange ---- */

/**
 * dtls_ske_signed_parse - ServerKeyExchange of ECDHE_ECDSA / ECDHE_RSA
 * @body: the body
 * @len: its length
 * @ss: the group and point, the span the signature covers, the signature
 *
 * Return: 0 or -EBADMSG.
 */
int dtls_ske_signed_parse(const u8 *body, u32 len,
			  struct dtls_ske_signed *ss)
{
	struct msg_rd r = { .p = body, .left = len };
	u8 curve_type;

	memset(ss, 0, sizeof(*ss));
	/* ServerECDHParams: named_curve, point<1..2^8-1> */
	if (!msg_rd_u8(&r, &curve_type) || curve_type != DTLS_NAMED_CURVE ||
	    !msg_rd_u16(&r, &ss->group) ||
	    !msg_rd_vec8(&r, &ss->point, &ss->point_len) || !ss->point_len)
		return -EBADMSG;
	ss->params = body;
	ss->params_len = len - r.left;
	return msg_rd_signed(&r, &ss->sig) && !r.left ? 0 : -EBADMSG;
}

/**
 * dtls_ske_params_build - ServerECDHParams, what the server signs (after
 * the randoms) and sends before the signature (dtls_signed_build())
 * @out: where
 * @cap: room at @out
 * @group: the named curve
 * @point: our public point
 * @point_len: its length, at least 1
 *
 * Return: its length, -EINVAL or -EMSGSIZE.
 */
int dtls_ske_params_build(u8 *out, unsigned int cap, u16 group,
			  const u8 *point, u8 point_len)
{
	struct msg_wr w = { .out = out, .cap = cap };

	if (!point_len)
		return -EINVAL;
	msg_wr_u8(&w, DTLS_NAMED_CURVE);
	msg_wr_u16(&w, group);
	msg_wr_u8(&w, point_len);
	msg_wr_bytes(&w, point, point_len);
	return msg_wr_end(&w);
}

/* ---- ClientKeyExchange of ECDHE_ECDSA (RFC 8422 5.7) ---- */

/**
 * dtls_cke_ecdh_parse - ClientECDiffieHellmanPublic: point<1..2^8-1>
 * @body: the body
 * @len: its length
 * @point: a view of the point into @body
 * @point_len: its length
 *
 * Return: 0 or -EBADMSG.
 */
int dtls_cke_ecdh_parse(const u8 *body, u32 len, const u8 **point,
			u8 *point_len)
{
	struct msg_rd r = { .p = body, .left = len };

	return msg_rd_vec8(&r, point, point_len) && *point_len && !r.left ?
	       0 : -EBADMSG;
}

int dtls_cke_ecdh_build(u8 *out, unsigned int cap, const u8 *point,
			u8 point_len)
{
	struct msg_wr w = { .out = out, .cap = cap };

	if (!point_len)
		return -EINVAL;
	msg_wr_u8(&w, point_len);
	msg_wr_bytes(&w, point, point_len);
	return msg_wr_end(&w);
}
