// SPDX-License-Identifier: GPL-2.0
/*
 * msg_fuzz: the handshake message parsers and builders of msg.c and
 * msg_cert.c (Certificate, CertificateRequest, CertificateVerify, the
 * signed ServerKeyExchange), and x509.c (views, subjectAltName names) on
 * the whole input and on each certificate of a Certificate message.
 *
 * The input is a handshake message body; when it starts with a whole,
 * unfragmented handshake header (as the corpus of real flights does),
 * the body after it is tried too.  Every parser sees every body.
 * Properties:
 *  - a view points inside the body, and its lengths are the ones the
 *    wire carries within their bounds (session_id <= 32, suites even and
 *    not empty, identity <= 128, points not empty);
 *  - round trip: what a builder makes from a parsed view parses back to
 *    the same view; for the messages without options (HelloVerifyRequest
 *    sent as DTLS 1.0, ServerKeyExchange, ClientKeyExchange) the bytes
 *    are the input's;
 *  - builders fill exactly the length they return, and one byte less
 *    room is -EMSGSIZE with nothing written past it (ASan sees the
 *    buffers at their exact size).
 */
#include "fuzz.h"

#include "msg.c"
#include "msg_cert.c"
#include "reasm.h"
#include "x509.c"

static bool inside(const u8 *body, u32 len, const u8 *p, u32 n)
{
	if (!n)
		return true;
	return p >= body && p <= body + len && n <= (u32)(body + len - p);
}

/* Build with exactly @cap bytes of room; NULL-safe for cap 0. */
typedef int (*build_fn)(u8 *out, unsigned int cap, const void *arg);

static u8 *build_exact(build_fn fn, const void *arg, int *len)
{
	u8 *buf = malloc(65536 + 1024), *out;
	int n, m;

	FUZZ_ASSERT(buf);
	n = fn(buf, 65536 + 1024, arg);
	free(buf);
	*len = n;
	if (n < 0)
		return NULL;
	/* The returned length is enough... */
	out = malloc(n ? n : 1);
	FUZZ_ASSERT(out);
	m = fn(out, n, arg);
	FUZZ_ASSERT(m == n);
	/* ...and one byte less is not; ASan checks nothing is written past. */
	if (n) {
		u8 *small = malloc(n - 1 ? n - 1 : 1);

		FUZZ_ASSERT(small);
		FUZZ_ASSERT(fn(small, n - 1, arg) == -EMSGSIZE);
		free(small);
	}
	return out;
}

/* ---- ClientHello ---- */

static int ch_build(u8 *out, unsigned int cap, const void *arg)
{
	return dtls_ch_build(out, cap, arg);
}

static void fuzz_ch(const u8 *body, u32 len)
{
	struct dtls_ch ch, ch2;
	struct dtls_ch_params p = { 0 };
	static u16 suites[0x8000], groups[0x8000], sigalgs[0x8000];
	unsigned int i;
	u8 *out;
	int n;

	if (dtls_ch_parse(body, len, &ch))
		return;
	FUZZ_ASSERT(inside(body, len, ch.random, DTLS_RANDOM_LEN));
	FUZZ_ASSERT(inside(body, len, ch.session_id, ch.session_id_len));
	FUZZ_ASSERT(ch.session_id_len <= DTLS_MAX_SESSION_ID_LEN);
	FUZZ_ASSERT(inside(body, len, ch.cookie, ch.cookie_len));
	FUZZ_ASSERT(inside(body, len, ch.suites, ch.suites_len));
	FUZZ_ASSERT(ch.suites_len >= 2 && !(ch.suites_len & 1));
	FUZZ_ASSERT(!ch.groups || inside(body, len, ch.groups, ch.groups_len));
	FUZZ_ASSERT(!ch.groups || (ch.groups_len >= 2 &&
				   !(ch.groups_len & 1)));
	FUZZ_ASSERT(!(ch.reneg_info && ch.reneg_bad));
	FUZZ_ASSERT(!ch.point_uncompressed || ch.point_formats);
	FUZZ_ASSERT(!ch.sigalgs ||
		    (inside(body, len, ch.sigalgs, ch.sigalgs_len) &&
		     ch.sigalgs_len >= 2 && !(ch.sigalgs_len & 1)));
	FUZZ_ASSERT(ch.reneg_scsv ==
		    dtls_ch_has_suite(&ch, DTLS_SCSV_RENEGOTIATION));
	/* The fixed part and the vectors fit in the body. */
	FUZZ_ASSERT(2u + 32 + 1 + ch.session_id_len + 1 + ch.cookie_len +
		    2 + ch.suites_len + 2 <= len);

	/* Build what the parse saw; it must parse back the same. */
	for (i = 0; i < ch.suites_len / 2u; i++)
		suites[i] = get_unaligned_be16(ch.suites + 2 * i);
	for (i = 0; ch.groups && i < ch.groups_len / 2u; i++)
		groups[i] = get_unaligned_be16(ch.groups + 2 * i);
	for (i = 0; ch.sigalgs && i < ch.sigalgs_len / 2u; i++)
		sigalgs[i] = get_unaligned_be16(ch.sigalgs + 2 * i);
	p.random = ch.random;
	p.cookie = ch.cookie;
	p.cookie_len = ch.cookie_len;
	p.suites = suites;
	p.n_suites = ch.suites_len / 2;
	p.groups = groups;
	p.n_groups = ch.groups ? ch.groups_len / 2 : 0;
	p.sigalgs = sigalgs;
	p.n_sigalgs = ch.sigalgs ? ch.sigalgs_len / 2 : 0;
	FUZZ_ASSERT(!ch.client_ctypes ||
		    (inside(body, len, ch.client_ctypes, ch.client_ctypes_len) &&
		     ch.client_ctypes_len));
	FUZZ_ASSERT(!ch.server_ctypes ||
		    (inside(body, len, ch.server_ctypes, ch.server_ctypes_len) &&
		     ch.server_ctypes_len));
	p.client_ctypes = ch.client_ctypes;
	p.n_client_ctypes = ch.client_ctypes ? ch.client_ctypes_len : 0;
	p.server_ctypes = ch.server_ctypes;
	p.n_server_ctypes = ch.server_ctypes ? ch.server_ctypes_len : 0;
	out = build_exact(ch_build, &p, &n);
	if (!out) {
		/* Only lists longer than we ever send are refused. */
		FUZZ_ASSERT(n == -EINVAL);
		FUZZ_ASSERT(p.n_groups > DTLS_CH_LIST_MAX ||
			    p.n_sigalgs > DTLS_CH_LIST_MAX ||
			    p.n_client_ctypes > DTLS_CTYPES_MAX ||
			    p.n_server_ctypes > DTLS_CTYPES_MAX);
		return;
	}
	FUZZ_ASSERT(!ch.client_ctypes ||
		    (ch2.client_ctypes_len == ch.client_ctypes_len &&
		     !memcmp(ch2.client_ctypes, ch.client_ctypes,
			     ch.client_ctypes_len)));
	FUZZ_ASSERT(!ch.server_ctypes ||
		    (ch2.server_ctypes_len == ch.server_ctypes_len &&
		     !memcmp(ch2.server_ctypes, ch.server_ctypes,
			     ch.server_ctypes_len)));
	FUZZ_ASSERT(dtls_ch_parse(out, n, &ch2) == 0);
	FUZZ_ASSERT(ch2.version == DTLS_1_2_VERSION);
	FUZZ_ASSERT(!memcmp(ch2.random, ch.random, DTLS_RANDOM_LEN));
	FUZZ_ASSERT(ch2.session_id_len == 0);
	FUZZ_ASSERT(ch2.cookie_len == ch.cookie_len &&
		    !memcmp(ch2.cookie, ch.cookie, ch.cookie_len));
	FUZZ_ASSERT(ch2.suites_len == ch.suites_len &&
		    !memcmp(ch2.suites, ch.suites, ch.suites_len));
	FUZZ_ASSERT(ch2.reneg_scsv == ch.reneg_scsv);
	FUZZ_ASSERT(ch2.null_compression && ch2.ems && ch2.reneg_info &&
		    !ch2.reneg_bad);
	if (ch.groups) {
		FUZZ_ASSERT(ch2.groups_len == ch.groups_len &&
			    !memcmp(ch2.groups, ch.groups, ch.groups_len));
		FUZZ_ASSERT(ch2.point_formats && ch2.point_uncompressed);
		for (i = 0; i < ch.groups_len / 2u; i++)
			FUZZ_ASSERT(dtls_ch_has_group(&ch2, groups[i]));
	} else {
		FUZZ_ASSERT(!ch2.groups && !ch2.point_formats);
	}
	FUZZ_ASSERT(!ch.sigalgs == !ch2.sigalgs);
	FUZZ_ASSERT(!ch.sigalgs || (ch2.sigalgs_len == ch.sigalgs_len &&
				    !memcmp(ch2.sigalgs, ch.sigalgs,
					    ch.sigalgs_len)));
	free(out);
}

/* ---- HelloVerifyRequest ---- */

struct hvr_arg {
	const u8	*cookie;
	u8		cookie_len;
};

static int hvr_build(u8 *out, unsigned int cap, const void *arg)
{
	const struct hvr_arg *a = arg;

	return dtls_hvr_build(out, cap, a->cookie, a->cookie_len);
}

static void fuzz_hvr(const u8 *body, u32 len)
{
	struct hvr_arg a;
	const u8 *c2;
	u8 *out, l2;
	int err, n;

	err = dtls_hvr_parse(body, len, &a.cookie, &a.cookie_len);
	if (err == -EBADMSG)
		return;
	FUZZ_ASSERT(len == 3u + a.cookie_len);
	FUZZ_ASSERT(inside(body, len, a.cookie, a.cookie_len));
	if (err) {
		FUZZ_ASSERT(err == -EPROTO);
		FUZZ_ASSERT(get_unaligned_be16(body) != DTLS_VERSION_1_0 &&
			    get_unaligned_be16(body) != DTLS_1_2_VERSION);
		return;
	}
	FUZZ_ASSERT(get_unaligned_be16(body) == DTLS_VERSION_1_0 ||
		    get_unaligned_be16(body) == DTLS_1_2_VERSION);
	out = build_exact(hvr_build, &a, &n);
	FUZZ_ASSERT(out && n == (int)len);
	FUZZ_ASSERT(get_unaligned_be16(out) == DTLS_VERSION_1_0);
	FUZZ_ASSERT(!memcmp(out + 2, body + 2, len - 2));
	FUZZ_ASSERT(dtls_hvr_parse(out, n, &c2, &l2) == 0);
	FUZZ_ASSERT(l2 == a.cookie_len && !memcmp(c2, a.cookie, l2));
	free(out);
}

/* ---- ServerHello ---- */

struct sh_arg {
	const struct dtls_sh	*sh;
	bool			ecdhe, reneg;
};

static int sh_build(u8 *out, unsigned int cap, const void *arg)
{
	const struct sh_arg *a = arg;

	struct dtls_sh_params p = {
		.random = a->sh->random,
		.session_id = a->sh->session_id,
		.session_id_len = a->sh->session_id_len,
		.suite = a->sh->suite,
		.ecdhe = a->ecdhe,
		.reneg = a->reneg,
		.client_ctype = a->sh->has_client_ctype ?
				a->sh->client_ctype : -1,
		.server_ctype = a->sh->has_server_ctype ?
				a->sh->server_ctype : -1,
	};

	return dtls_sh_build(out, cap, &p);
}

static void fuzz_sh(const u8 *body, u32 len)
{
	struct dtls_sh sh, sh2;
	struct sh_arg a = { .sh = &sh };
	u8 *out;
	int n;

	if (dtls_sh_parse(body, len, &sh))
		return;
	FUZZ_ASSERT(inside(body, len, sh.random, DTLS_RANDOM_LEN));
	FUZZ_ASSERT(inside(body, len, sh.session_id, sh.session_id_len));
	FUZZ_ASSERT(sh.session_id_len <= DTLS_MAX_SESSION_ID_LEN);
	FUZZ_ASSERT(2u + 32 + 1 + sh.session_id_len + 2 + 1 <= len);
	FUZZ_ASSERT(!(sh.reneg_info && sh.reneg_bad));
	FUZZ_ASSERT(!sh.point_uncompressed || sh.point_formats);

	a.ecdhe = sh.point_formats;
	a.reneg = sh.reneg_info;
	out = build_exact(sh_build, &a, &n);
	FUZZ_ASSERT(out);
	FUZZ_ASSERT(dtls_sh_parse(out, n, &sh2) == 0);
	FUZZ_ASSERT(sh2.version == DTLS_1_2_VERSION);
	FUZZ_ASSERT(!memcmp(sh2.random, sh.random, DTLS_RANDOM_LEN));
	FUZZ_ASSERT(sh2.session_id_len == sh.session_id_len &&
		    !memcmp(sh2.session_id, sh.session_id, sh.session_id_len));
	FUZZ_ASSERT(sh2.suite == sh.suite && sh2.compression == 0);
	FUZZ_ASSERT(sh2.ems && !sh2.reneg_bad);
	FUZZ_ASSERT(sh2.reneg_info == sh.reneg_info);
	FUZZ_ASSERT(sh2.point_formats == sh.point_formats);
	FUZZ_ASSERT(sh2.point_uncompressed == sh.point_formats);
	FUZZ_ASSERT(sh2.has_client_ctype == sh.has_client_ctype &&
		    sh2.client_ctype == sh.client_ctype);
	FUZZ_ASSERT(sh2.has_server_ctype == sh.has_server_ctype &&
		    sh2.server_ctype == sh.server_ctype);
	free(out);
}

/* ---- ServerKeyExchange, ClientKeyExchange ---- */

struct kx_arg {
	bool			ecdhe;
	const struct dtls_ske	*ske;
	const struct dtls_cke	*cke;
};

static int ske_build(u8 *out, unsigned int cap, const void *arg)
{
	const struct kx_arg *a = arg;

	return dtls_ske_build(out, cap, a->ecdhe, a->ske);
}

static int cke_build(u8 *out, unsigned int cap, const void *arg)
{
	const struct kx_arg *a = arg;

	return dtls_cke_build(out, cap, a->ecdhe, a->cke);
}

static void fuzz_kx(const u8 *body, u32 len, bool ecdhe)
{
	struct dtls_ske ske;
	struct dtls_cke cke;
	struct kx_arg a = { .ecdhe = ecdhe, .ske = &ske, .cke = &cke };
	u8 *out;
	int n;

	if (!dtls_ske_parse(body, len, ecdhe, &ske)) {
		FUZZ_ASSERT(inside(body, len, ske.hint, ske.hint_len));
		FUZZ_ASSERT(inside(body, len, ske.point, ske.point_len));
		FUZZ_ASSERT(ecdhe ? ske.point_len > 0 :
			    !ske.point_len && !ske.group);
		out = build_exact(ske_build, &a, &n);
		FUZZ_ASSERT(out && n == (int)len && !memcmp(out, body, len));
		free(out);
	}
	if (!dtls_cke_parse(body, len, ecdhe, &cke)) {
		FUZZ_ASSERT(inside(body, len, cke.identity, cke.identity_len));
		FUZZ_ASSERT(cke.identity_len <= DTLS_MAX_IDENTITY_LEN);
		FUZZ_ASSERT(inside(body, len, cke.point, cke.point_len));
		FUZZ_ASSERT(ecdhe ? cke.point_len > 0 : !cke.point_len);
		out = build_exact(cke_build, &a, &n);
		FUZZ_ASSERT(out && n == (int)len && !memcmp(out, body, len));
		free(out);
	}
}

/* ---- certificate suites (msg_cert.c, x509.c) ---- */

static void fuzz_x509(const u8 *der, u32 len)
{
	struct dtls_x509 x;

	if (dtls_x509_parse(der, len, &x))
		return;
	FUZZ_ASSERT(inside(der, len, x.tbs, x.tbs_len) && x.tbs_len);
	FUZZ_ASSERT(inside(der, len, x.sig, x.sig_len));
	FUZZ_ASSERT(x.serial_len && inside(der, len, x.serial, x.serial_len));
	FUZZ_ASSERT(inside(x.tbs, x.tbs_len, x.issuer, x.issuer_len));
	FUZZ_ASSERT(inside(x.tbs, x.tbs_len, x.subject, x.subject_len));
	FUZZ_ASSERT(inside(x.tbs, x.tbs_len, x.spki, x.spki_len));
	FUZZ_ASSERT(inside(x.spki, x.spki_len, x.pub, x.pub_len));
	FUZZ_ASSERT(!x.san || inside(x.tbs, x.tbs_len, x.san, x.san_len));
	FUZZ_ASSERT(!x.skid || inside(x.tbs, x.tbs_len, x.skid, x.skid_len));
	FUZZ_ASSERT(!x.akid || inside(x.tbs, x.tbs_len, x.akid, x.akid_len));
	/* The name matcher walks the subjectAltName: DNS, wildcard, IP. */
	dtls_x509_name_match(&x, "a.example.com");
	dtls_x509_name_match(&x, "192.0.2.1");
	dtls_x509_name_match(&x, "2001:db8::1");
	/* Years 1950..9999 */
	FUZZ_ASSERT(x.not_before >= -631152000LL &&
		    x.not_before < 253402300800LL);
	FUZZ_ASSERT(x.not_after >= -631152000LL &&
		    x.not_after < 253402300800LL);
}

static int cert_build(u8 *out, unsigned int cap, const void *arg)
{
	return dtls_cert_build(out, cap, arg);
}

struct cert_req_args {
	const struct dtls_cert_req	*cr;
	u16				algs[0x8000];
};

static int cert_req_build(u8 *out, unsigned int cap, const void *arg)
{
	const struct cert_req_args *a = arg;

	return dtls_cert_req_build(out, cap, a->cr->types, a->cr->n_types,
				   a->algs, a->cr->sigalgs_len / 2);
}

static int signed_build(u8 *out, unsigned int cap, const void *arg)
{
	return dtls_signed_build(out, cap, arg);
}

static void fuzz_cert(const u8 *body, u32 len)
{
	static struct cert_req_args ra;
	struct dtls_ske_signed ss;
	struct dtls_cert_list cl;
	struct dtls_cert_req cr;
	struct dtls_signed sg;
	unsigned int i;
	u8 *out;
	int n;

	if (!dtls_cert_parse(body, len, &cl)) {
		FUZZ_ASSERT(cl.n <= DTLS_CERT_CHAIN_MAX);
		for (i = 0; i < cl.n; i++) {
			FUZZ_ASSERT(cl.len[i] &&
				    inside(body, len, cl.der[i], cl.len[i]));
			fuzz_x509(cl.der[i], cl.len[i]);
		}
		out = build_exact(cert_build, &cl, &n);
		FUZZ_ASSERT(out && n == (int)len && !memcmp(out, body, len));
		free(out);
	}
	if (!dtls_cert_req_parse(body, len, &cr)) {
		FUZZ_ASSERT(cr.n_types && inside(body, len, cr.types,
						 cr.n_types));
		FUZZ_ASSERT(cr.sigalgs_len >= 2 && !(cr.sigalgs_len & 1) &&
			    inside(body, len, cr.sigalgs, cr.sigalgs_len));
		FUZZ_ASSERT(inside(body, len, cr.cas, cr.cas_len));
		for (i = 0; i < cr.sigalgs_len / 2; i++) {
			ra.algs[i] = get_unaligned_be16(cr.sigalgs + 2 * i);
			FUZZ_ASSERT(dtls_sigalgs_has(cr.sigalgs,
						     cr.sigalgs_len,
						     ra.algs[i]));
		}
		/* We name no authorities: without them, the same bytes. */
		ra.cr = &cr;
		out = build_exact(cert_req_build, &ra, &n);
		FUZZ_ASSERT(out && n == (int)len - cr.cas_len);
		FUZZ_ASSERT(!memcmp(out, body, n - 2));
		free(out);
	}
	if (!dtls_signed_parse(body, len, &sg)) {
		FUZZ_ASSERT(sg.sig_len && inside(body, len, sg.sig, sg.sig_len));
		out = build_exact(signed_build, &sg, &n);
		FUZZ_ASSERT(out && n == (int)len && !memcmp(out, body, len));
		free(out);
	}
	if (!dtls_ske_signed_parse(body, len, &ss)) {
		u8 params[4 + 255];

		FUZZ_ASSERT(ss.params == body &&
			    ss.params_len == 4 + ss.point_len);
		FUZZ_ASSERT(inside(body, len, ss.point, ss.point_len));
		FUZZ_ASSERT(dtls_ske_params_build(params, sizeof(params),
						  ss.group, ss.point,
						  ss.point_len) ==
			    ss.params_len);
		FUZZ_ASSERT(!memcmp(params, body, ss.params_len));
		out = build_exact(signed_build, &ss.sig, &n);
		FUZZ_ASSERT(out && n == (int)(len - ss.params_len) &&
			    !memcmp(out, body + ss.params_len, n));
		free(out);
	}
}

static void fuzz_body(const u8 *body, u32 len)
{
	fuzz_x509(body, len);
	fuzz_cert(body, len);
	fuzz_ch(body, len);
	fuzz_hvr(body, len);
	fuzz_sh(body, len);
	fuzz_kx(body, len, false);
	fuzz_kx(body, len, true);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u8 *copy;

	if (size > 65536)
		return 0;
	/* An exact-size heap copy: ASan sees any read past the end. */
	copy = malloc(size ? size : 1);
	FUZZ_ASSERT(copy);
	memcpy(copy, data, size);
	fuzz_body(copy, size);
	/* A whole message with its handshake header: its body too. */
	if (size >= DTLS_HS_HEADER_LEN &&
	    get_unaligned_be24(copy + 1) == size - DTLS_HS_HEADER_LEN &&
	    get_unaligned_be24(copy + 6) == 0 &&
	    get_unaligned_be24(copy + 9) == size - DTLS_HS_HEADER_LEN)
		fuzz_body(copy + DTLS_HS_HEADER_LEN, size - DTLS_HS_HEADER_LEN);
	free(copy);
	return 0;
}
