// SPDX-License-Identifier: GPL-2.0
/*
 * DTLS 1.2 handshake message bodies: ClientHello and HelloVerifyRequest
 * (RFC 6347 4.3.2), ServerHello (RFC 5246 7.4.1.3), the PSK and ECDHE_PSK
 * key exchanges (RFC 4279 2, RFC 5489 2) and the hello extensions kdtls
 * understands (RFC 7627, RFC 5746, RFC 8422).
 *
 * Parsers read through a bounded cursor: every length is checked against
 * what is left before it is used, and the body must end exactly where the
 * last field does.  Builders check the room left before every write.
 * Pure code: no locks, no allocation, any context.
 */

#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <uapi/linux/dtls.h>

#include "compat/compat.h"
#include "msg.h"
#include "msg_io.h"
#include "prf.h"		/* DTLS_RANDOM_LEN */

/*
 * Unknown extension types remembered to refuse a repeated one.  Real
 * hellos carry a handful; past this many, further unknown types are
 * skipped without the check (they are ignored anyway), which bounds the
 * work a hostile hello can cause.  Understood types are always checked.
 */
#define MSG_EXT_SEEN_MAX	32

/* ---- extensions ---- */

struct msg_exts {
	bool		ems;
	bool		reneg_info;
	bool		reneg_bad;
	const u8	*groups;
	u16		groups_len;
	bool		point_formats;
	bool		point_uncompressed;
	const u8	*sigalgs;
	u16		sigalgs_len;
	const u8	*ctypes[2];		/* client's, server's */
	u8		ctypes_len[2];
	const u8	*srtp_profiles;
	u16		srtp_profiles_len;
	const u8	*srtp_mki;
	u8		srtp_mki_len;
	bool		unknown;		/* a type not understood */
};

#define MSG_EXT_BIT_EMS		BIT(0)
#define MSG_EXT_BIT_RENEG	BIT(1)
#define MSG_EXT_BIT_GROUPS	BIT(2)
#define MSG_EXT_BIT_FORMATS	BIT(3)
#define MSG_EXT_BIT_SIGALGS	BIT(4)
#define MSG_EXT_BIT_CTYPE_C	BIT(5)
#define MSG_EXT_BIT_CTYPE_S	BIT(6)
#define MSG_EXT_BIT_SRTP	BIT(7)

/* The bit of an understood extension type, 0 for the others. */
static u32 msg_ext_bit(u16 type, bool client)
{
	switch (type) {
	case DTLS_EXT_EXTENDED_MASTER_SECRET:
		return MSG_EXT_BIT_EMS;
	case DTLS_EXT_RENEGOTIATION_INFO:
		return MSG_EXT_BIT_RENEG;
	case DTLS_EXT_SUPPORTED_GROUPS:
		/* Servers do not send it in DTLS 1.2: unknown there. */
		return client ? MSG_EXT_BIT_GROUPS : 0;
	case DTLS_EXT_EC_POINT_FORMATS:
		return MSG_EXT_BIT_FORMATS;
	case DTLS_EXT_SIGNATURE_ALGORITHMS:
		/* RFC 5246 7.4.1.4.1: servers must not send it. */
		return client ? MSG_EXT_BIT_SIGALGS : 0;
	case DTLS_EXT_CLIENT_CERT_TYPE:
		return MSG_EXT_BIT_CTYPE_C;
	case DTLS_EXT_SERVER_CERT_TYPE:
		return MSG_EXT_BIT_CTYPE_S;
	case DTLS_EXT_USE_SRTP:
		return MSG_EXT_BIT_SRTP;
	default:
		return 0;
	}
}

/*
 * RFC 7250 4.1: a client lists CertificateType<1..2^8-1>; a server names
 * the one it chose, a single byte.
 */
static int msg_parse_ctypes(struct msg_rd *r, bool client, const u8 **v,
			    u8 *len)
{
	if (client) {
		if (!msg_rd_vec8(r, v, len) || !*len)
			return -EBADMSG;
	} else {
		*len = 1;
		if (!msg_rd_bytes(r, 1, v))
			return -EBADMSG;
	}
	return r->left ? -EBADMSG : 0;
}

/* The body of one understood extension, which it must fill exactly. */
static int msg_parse_ext(u32 bit, const u8 *body, u16 len, bool client,
			 struct msg_exts *e)
{
	struct msg_rd r = { .p = body, .left = len };
	const u8 *v;
	u16 len16;
	u8 len8, i;

	switch (bit) {
	case MSG_EXT_BIT_EMS:
		/* RFC 7627 5.1: extension_data is empty. */
		if (len)
			return -EBADMSG;
		e->ems = true;
		return 0;
	case MSG_EXT_BIT_RENEG:
		/* RFC 5746 3.2: renegotiated_connection<0..255>. */
		if (!msg_rd_vec8(&r, &v, &len8) || r.left)
			return -EBADMSG;
		if (len8)
			e->reneg_bad = true;
		else
			e->reneg_info = true;
		return 0;
	case MSG_EXT_BIT_GROUPS:
		/* RFC 8422 5.1.1: NamedCurve named_curve_list<2..2^16-1>. */
		if (!msg_rd_vec16(&r, &v, &len16) || r.left ||
		    !len16 || (len16 & 1))
			return -EBADMSG;
		e->groups = v;
		e->groups_len = len16;
		return 0;
	case MSG_EXT_BIT_FORMATS:
		/* RFC 8422 5.1.2: ECPointFormat ec_point_format_list<1..2^8-1>. */
		if (!msg_rd_vec8(&r, &v, &len8) || r.left || !len8)
			return -EBADMSG;
		e->point_formats = true;
		for (i = 0; i < len8; i++)
			if (v[i] == 0)
				e->point_uncompressed = true;
		return 0;
	case MSG_EXT_BIT_SIGALGS:
		/* supported_signature_algorithms<2..2^16-2> */
		if (!msg_rd_vec16(&r, &v, &len16) || r.left ||
		    !len16 || (len16 & 1))
			return -EBADMSG;
		e->sigalgs = v;
		e->sigalgs_len = len16;
		return 0;
	case MSG_EXT_BIT_CTYPE_C:
		return msg_parse_ctypes(&r, client, &e->ctypes[0],
					&e->ctypes_len[0]);
	case MSG_EXT_BIT_CTYPE_S:
		return msg_parse_ctypes(&r, client, &e->ctypes[1],
					&e->ctypes_len[1]);
	case MSG_EXT_BIT_SRTP:
		/*
		 * RFC 5764 4.1.1: SRTPProtectionProfiles<2..2^16-1> (a
		 * server's: exactly one), opaque srtp_mki<0..255>.
		 */
		if (!msg_rd_vec16(&r, &e->srtp_profiles, &e->srtp_profiles_len) ||
		    !e->srtp_profiles_len || (e->srtp_profiles_len & 1) ||
		    (!client && e->srtp_profiles_len != 2) ||
		    !msg_rd_vec8(&r, &e->srtp_mki, &e->srtp_mki_len) || r.left)
			return -EBADMSG;
		return 0;
	}
	return 0;
}

/*
 * What is left of a hello after its fixed part: nothing, or an extensions
 * block whose uint16 length covers the rest exactly (RFC 5246 7.4.1.2).
 */
static int msg_parse_exts(struct msg_rd *r, bool client, struct msg_exts *e)
{
	u16 seen[MSG_EXT_SEEN_MAX];
	unsigned int n_seen = 0, i;
	u32 known = 0, bit;
	u16 total, type, len;
	const u8 *body;
	int err;

	memset(e, 0, sizeof(*e));
	if (!r->left)
		return 0;
	if (!msg_rd_u16(r, &total) || total != r->left)
		return -EBADMSG;
	while (r->left) {
		if (!msg_rd_u16(r, &type) || !msg_rd_vec16(r, &body, &len))
			return -EBADMSG;
		bit = msg_ext_bit(type, client);
		if (bit) {
			if (known & bit)
				return -EBADMSG;
			known |= bit;
			err = msg_parse_ext(bit, body, len, client, e);
			if (err)
				return err;
			continue;
		}
		e->unknown = true;
		for (i = 0; i < n_seen; i++)
			if (seen[i] == type)
				return -EBADMSG;
		if (n_seen < MSG_EXT_SEEN_MAX)
			seen[n_seen++] = type;
	}
	return 0;
}

/* ---- ClientHello ---- */

/**
 * dtls_ch_parse - parse a ClientHello body (RFC 6347 4.3.2)
 * @body: the body, after the handshake header
 * @len: its length
 * @ch: the view, pointing into @body
 *
 * The version is reported, not checked.
 * Return: 0, or -EBADMSG.
 */
int dtls_ch_parse(const u8 *body, u32 len, struct dtls_ch *ch)
{
	struct msg_rd r = { .p = body, .left = len };
	struct msg_exts e;
	const u8 *comp;
	u8 n_comp, i;
	int err;

	memset(ch, 0, sizeof(*ch));
	if (!msg_rd_u16(&r, &ch->version) ||
	    !msg_rd_bytes(&r, DTLS_RANDOM_LEN, &ch->random) ||
	    !msg_rd_vec8(&r, &ch->session_id, &ch->session_id_len) ||
	    ch->session_id_len > DTLS_MAX_SESSION_ID_LEN ||
	    !msg_rd_vec8(&r, &ch->cookie, &ch->cookie_len) ||
	    !msg_rd_vec16(&r, &ch->suites, &ch->suites_len) ||
	    ch->suites_len < 2 || (ch->suites_len & 1) ||
	    !msg_rd_vec8(&r, &comp, &n_comp) || !n_comp)
		return -EBADMSG;

	ch->reneg_scsv = dtls_ch_has_suite(ch, DTLS_SCSV_RENEGOTIATION);
	for (i = 0; i < n_comp; i++)
		if (comp[i] == 0)
			ch->null_compression = true;

	err = msg_parse_exts(&r, true, &e);
	if (err)
		return err;
	ch->ems = e.ems;
	ch->reneg_info = e.reneg_info;
	ch->reneg_bad = e.reneg_bad;
	ch->groups = e.groups;
	ch->groups_len = e.groups_len;
	ch->point_formats = e.point_formats;
	ch->point_uncompressed = e.point_uncompressed;
	ch->sigalgs = e.sigalgs;
	ch->sigalgs_len = e.sigalgs_len;
	ch->client_ctypes = e.ctypes[0];
	ch->client_ctypes_len = e.ctypes_len[0];
	ch->server_ctypes = e.ctypes[1];
	ch->server_ctypes_len = e.ctypes_len[1];
	ch->srtp_profiles = e.srtp_profiles;
	ch->srtp_profiles_len = e.srtp_profiles_len;
	ch->srtp_mki = e.srtp_mki;
	ch->srtp_mki_len = e.srtp_mki_len;
	return 0;
}

static bool msg_list16_has(const u8 *list, u16 len, u16 v)
{
	u32 i;

	if (!list)
		return false;
	for (i = 0; i + 1 < len; i += 2)
		if (get_unaligned_be16(list + i) == v)
			return true;
	return false;
}

/* Whether a parsed ClientHello offers @suite. */
bool dtls_ch_has_suite(const struct dtls_ch *ch, u16 suite)
{
	return msg_list16_has(ch->suites, ch->suites_len, suite);
}

/* Whether a parsed ClientHello lists @group in supported_groups. */
bool dtls_ch_has_group(const struct dtls_ch *ch, u16 group)
{
	return msg_list16_has(ch->groups, ch->groups_len, group);
}

/* extended_master_secret */
static void msg_wr_ems(struct msg_wr *w)
{
	msg_wr_u16(w, DTLS_EXT_EXTENDED_MASTER_SECRET);
	msg_wr_u16(w, 0);
}

#define MSG_EXT_EMS_LEN		4

/* an empty renegotiation_info (RFC 5746 3.2: renegotiated_connection) */
static void msg_wr_reneg(struct msg_wr *w)
{
	msg_wr_u16(w, DTLS_EXT_RENEGOTIATION_INFO);
	msg_wr_u16(w, 1);
	msg_wr_u8(w, 0);
}

#define MSG_EXT_RENEG_LEN	5
#define MSG_EXT_EMS_RENEG_LEN	(MSG_EXT_EMS_LEN + MSG_EXT_RENEG_LEN)

/* ec_point_formats {uncompressed} */
static void msg_wr_point_formats(struct msg_wr *w)
{
	msg_wr_u16(w, DTLS_EXT_EC_POINT_FORMATS);
	msg_wr_u16(w, 2);
	msg_wr_u8(w, 1);
	msg_wr_u8(w, 0);
}

#define MSG_EXT_FORMATS_LEN	6

/* A certificate type extension: a client's list, a server's choice. */
static void msg_wr_ctypes(struct msg_wr *w, u16 type, const u8 *types,
			  unsigned int n, bool client)
{
	msg_wr_u16(w, type);
	msg_wr_u16(w, n + client);
	if (client)
		msg_wr_u8(w, n);
	msg_wr_bytes(w, types, n);
}

/* use_srtp (RFC 5764 4.1.1): the profiles, the MKI */
static void msg_wr_srtp(struct msg_wr *w, const u16 *profiles,
			unsigned int n, const u8 *mki, u8 mki_len)
{
	unsigned int i;

	msg_wr_u16(w, DTLS_EXT_USE_SRTP);
	msg_wr_u16(w, 2 + 2 * n + 1 + mki_len);
	msg_wr_u16(w, 2 * n);
	for (i = 0; i < n; i++)
		msg_wr_u16(w, profiles[i]);
	msg_wr_u8(w, mki_len);
	msg_wr_bytes(w, mki, mki_len);
}

/**
 * dtls_ch_build - build a ClientHello body
 * @out: where to
 * @cap: room at @out
 * @p: random, cookie, suites and groups
 *
 * Return: the body length, -EMSGSIZE if @cap is too small, -EINVAL if
 * there are no suites or the lists do not fit their length fields.
 */
int dtls_ch_build(u8 *out, unsigned int cap, const struct dtls_ch_params *p)
{
	struct msg_wr w = { .out = out, .cap = cap };
	u32 ext_len = MSG_EXT_EMS_RENEG_LEN;
	unsigned int i;

	if (!p->n_suites || p->n_suites > 0xffff / 2 ||
	    p->n_groups > DTLS_CH_LIST_MAX || p->n_sigalgs > DTLS_CH_LIST_MAX ||
	    p->n_client_ctypes > DTLS_CTYPES_MAX ||
	    p->n_server_ctypes > DTLS_CTYPES_MAX ||
	    p->n_srtp_profiles > DTLS_SRTP_MAX_PROFILES)
		return -EINVAL;
	if (p->n_srtp_profiles)
		ext_len += 4 + 2 + 2 * p->n_srtp_profiles + 1 + p->srtp_mki_len;
	if (p->n_groups)
		ext_len += 4 + 2 + 2 * p->n_groups + MSG_EXT_FORMATS_LEN;
	if (p->n_sigalgs)
		ext_len += 4 + 2 + 2 * p->n_sigalgs;
	if (p->n_client_ctypes)
		ext_len += 4 + 1 + p->n_client_ctypes;
	if (p->n_server_ctypes)
		ext_len += 4 + 1 + p->n_server_ctypes;

	msg_wr_u16(&w, DTLS_1_2_VERSION);
	msg_wr_bytes(&w, p->random, DTLS_RANDOM_LEN);
	msg_wr_u8(&w, 0);				/* session_id */
	msg_wr_u8(&w, p->cookie_len);
	msg_wr_bytes(&w, p->cookie, p->cookie_len);
	msg_wr_u16(&w, 2 * p->n_suites);
	for (i = 0; i < p->n_suites; i++)
		msg_wr_u16(&w, p->suites[i]);
	msg_wr_u8(&w, 1);				/* compression */
	msg_wr_u8(&w, 0);

	msg_wr_u16(&w, ext_len);
	msg_wr_ems(&w);
	msg_wr_reneg(&w);
	if (p->n_groups) {
		msg_wr_u16(&w, DTLS_EXT_SUPPORTED_GROUPS);
		msg_wr_u16(&w, 2 + 2 * p->n_groups);
		msg_wr_u16(&w, 2 * p->n_groups);
		for (i = 0; i < p->n_groups; i++)
			msg_wr_u16(&w, p->groups[i]);
		msg_wr_point_formats(&w);
	}
	if (p->n_sigalgs) {
		msg_wr_u16(&w, DTLS_EXT_SIGNATURE_ALGORITHMS);
		msg_wr_u16(&w, 2 + 2 * p->n_sigalgs);
		msg_wr_u16(&w, 2 * p->n_sigalgs);
		for (i = 0; i < p->n_sigalgs; i++)
			msg_wr_u16(&w, p->sigalgs[i]);
	}
	if (p->n_client_ctypes)
		msg_wr_ctypes(&w, DTLS_EXT_CLIENT_CERT_TYPE, p->client_ctypes,
			      p->n_client_ctypes, true);
	if (p->n_server_ctypes)
		msg_wr_ctypes(&w, DTLS_EXT_SERVER_CERT_TYPE, p->server_ctypes,
			      p->n_server_ctypes, true);
	if (p->n_srtp_profiles)
		msg_wr_srtp(&w, p->srtp_profiles, p->n_srtp_profiles,
			    p->srtp_mki, p->srtp_mki_len);
	return msg_wr_end(&w);
}

/* ---- HelloVerifyRequest ---- */

/**
 * dtls_hvr_parse - parse a HelloVerifyRequest body (RFC 6347 4.2.1)
 * @body: the body
 * @len: its length
 * @cookie: set to the cookie, in @body
 * @cookie_len: set to its length
 *
 * Return: 0, -EBADMSG, or -EPROTO if server_version is neither DTLS 1.0
 * nor DTLS 1.2.
 */
int dtls_hvr_parse(const u8 *body, u32 len, const u8 **cookie, u8 *cookie_len)
{
	struct msg_rd r = { .p = body, .left = len };
	u16 version;

	if (!msg_rd_u16(&r, &version) ||
	    !msg_rd_vec8(&r, cookie, cookie_len) || r.left)
		return -EBADMSG;
	if (version != DTLS_VERSION_1_0 && version != DTLS_1_2_VERSION)
		return -EPROTO;
	return 0;
}

/* A HelloVerifyRequest body, sent as DTLS 1.0 (RFC 6347 4.2.1). */
int dtls_hvr_build(u8 *out, unsigned int cap, const u8 *cookie, u8 cookie_len)
{
	struct msg_wr w = { .out = out, .cap = cap };

	msg_wr_u16(&w, DTLS_VERSION_1_0);
	msg_wr_u8(&w, cookie_len);
	msg_wr_bytes(&w, cookie, cookie_len);
	return msg_wr_end(&w);
}

/* ---- ServerHello ---- */

/**
 * dtls_sh_parse - parse a ServerHello body (RFC 5246 7.4.1.3)
 * @body: the body
 * @len: its length
 * @sh: the view, pointing into @body
 *
 * The version, suite and compression are reported, not checked.
 * Return: 0, or -EBADMSG.
 */
int dtls_sh_parse(const u8 *body, u32 len, struct dtls_sh *sh)
{
	struct msg_rd r = { .p = body, .left = len };
	struct msg_exts e;
	int err;

	memset(sh, 0, sizeof(*sh));
	if (!msg_rd_u16(&r, &sh->version) ||
	    !msg_rd_bytes(&r, DTLS_RANDOM_LEN, &sh->random) ||
	    !msg_rd_vec8(&r, &sh->session_id, &sh->session_id_len) ||
	    sh->session_id_len > DTLS_MAX_SESSION_ID_LEN ||
	    !msg_rd_u16(&r, &sh->suite) ||
	    !msg_rd_u8(&r, &sh->compression))
		return -EBADMSG;

	err = msg_parse_exts(&r, false, &e);
	if (err)
		return err;
	sh->ems = e.ems;
	sh->reneg_info = e.reneg_info;
	sh->reneg_bad = e.reneg_bad;
	sh->point_formats = e.point_formats;
	sh->point_uncompressed = e.point_uncompressed;
	sh->has_client_ctype = e.ctypes[0];
	sh->client_ctype = e.ctypes[0] ? e.ctypes[0][0] : 0;
	sh->has_server_ctype = e.ctypes[1];
	sh->server_ctype = e.ctypes[1] ? e.ctypes[1][0] : 0;
	sh->srtp = e.srtp_profiles;
	sh->srtp_profile = e.srtp_profiles ?
			   get_unaligned_be16(e.srtp_profiles) : 0;
	sh->srtp_mki = e.srtp_mki;
	sh->srtp_mki_len = e.srtp_mki_len;
	sh->unknown_ext = e.unknown;
	return 0;
}

/**
 * dtls_sh_build - build a ServerHello body
 * @out: where to
 * @cap: room at @out
 * @p: what goes in; @p->reneg adds an empty renegotiation_info: the
 *     client signalled secure renegotiation (RFC 5746 3.6).  A server
 *     sends no extension the client did not offer (RFC 5246 7.4.1.4):
 *     the caller says a certificate type only if the client listed some.
 *
 * Return: the body length, -EMSGSIZE, or -EINVAL for a too long session_id.
 */
int dtls_sh_build(u8 *out, unsigned int cap, const struct dtls_sh_params *p)
{
	struct msg_wr w = { .out = out, .cap = cap };
	u16 ext_len = MSG_EXT_EMS_LEN;
	u8 ct;

	if (p->session_id_len > DTLS_MAX_SESSION_ID_LEN)
		return -EINVAL;
	if (p->ecdhe)
		ext_len += MSG_EXT_FORMATS_LEN;
	if (p->reneg)
		ext_len += MSG_EXT_RENEG_LEN;
	if (p->client_ctype >= 0)
		ext_len += 4 + 1;
	if (p->server_ctype >= 0)
		ext_len += 4 + 1;
	if (p->srtp_profile)
		ext_len += 4 + 2 + 2 + 1 + p->srtp_mki_len;

	msg_wr_u16(&w, DTLS_1_2_VERSION);
	msg_wr_bytes(&w, p->random, DTLS_RANDOM_LEN);
	msg_wr_u8(&w, p->session_id_len);
	msg_wr_bytes(&w, p->session_id, p->session_id_len);
	msg_wr_u16(&w, p->suite);
	msg_wr_u8(&w, 0);				/* compression */
	msg_wr_u16(&w, ext_len);
	msg_wr_ems(&w);
	if (p->reneg)
		msg_wr_reneg(&w);
	if (p->ecdhe)
		msg_wr_point_formats(&w);
	if (p->client_ctype >= 0) {
		ct = p->client_ctype;
		msg_wr_ctypes(&w, DTLS_EXT_CLIENT_CERT_TYPE, &ct, 1, false);
	}
	if (p->server_ctype >= 0) {
		ct = p->server_ctype;
		msg_wr_ctypes(&w, DTLS_EXT_SERVER_CERT_TYPE, &ct, 1, false);
	}
	if (p->srtp_profile)
		msg_wr_srtp(&w, &p->srtp_profile, 1, p->srtp_mki,
			    p->srtp_mki_len);
	return msg_wr_end(&w);
}

/* ---- ServerKeyExchange ---- */

/**
 * dtls_ske_parse - parse a PSK or ECDHE_PSK ServerKeyExchange body
 * @body: the body
 * @len: its length
 * @ecdhe: ECDHE_PSK (RFC 5489 2): a named curve and a point follow the hint
 * @ske: the view, pointing into @body
 *
 * Only named curves are accepted (curve_type 3); the group is reported,
 * not checked.  Return: 0, or -EBADMSG.
 */
int dtls_ske_parse(const u8 *body, u32 len, bool ecdhe, struct dtls_ske *ske)
{
	struct msg_rd r = { .p = body, .left = len };
	u8 curve_type;

	memset(ske, 0, sizeof(*ske));
	if (!msg_rd_vec16(&r, &ske->hint, &ske->hint_len))
		return -EBADMSG;
	if (ecdhe) {
		/* RFC 8422 5.4: ServerECDHParams, point<1..2^8-1> */
		if (!msg_rd_u8(&r, &curve_type) ||
		    curve_type != DTLS_NAMED_CURVE ||
		    !msg_rd_u16(&r, &ske->group) ||
		    !msg_rd_vec8(&r, &ske->point, &ske->point_len) ||
		    !ske->point_len)
			return -EBADMSG;
	}
	return r.left ? -EBADMSG : 0;
}

/**
 * dtls_ske_build - build a PSK or ECDHE_PSK ServerKeyExchange body
 * @out: where to
 * @cap: room at @out
 * @ecdhe: add the named curve @ske->group and @ske->point
 * @ske: hint (may be empty), and with @ecdhe group and point (not empty)
 *
 * Return: the body length, -EMSGSIZE, or -EINVAL for an empty point.
 */
int dtls_ske_build(u8 *out, unsigned int cap, bool ecdhe,
		   const struct dtls_ske *ske)
{
	struct msg_wr w = { .out = out, .cap = cap };

	if (ecdhe && !ske->point_len)
		return -EINVAL;
	msg_wr_u16(&w, ske->hint_len);
	msg_wr_bytes(&w, ske->hint, ske->hint_len);
	if (ecdhe) {
		msg_wr_u8(&w, DTLS_NAMED_CURVE);
		msg_wr_u16(&w, ske->group);
		msg_wr_u8(&w, ske->point_len);
		msg_wr_bytes(&w, ske->point, ske->point_len);
	}
	return msg_wr_end(&w);
}

/* ---- ClientKeyExchange ---- */

/**
 * dtls_cke_parse - parse a PSK or ECDHE_PSK ClientKeyExchange body
 * @body: the body
 * @len: its length
 * @ecdhe: ECDHE_PSK (RFC 5489 2): the client's point follows the identity
 * @cke: the view, pointing into @body
 *
 * Return: 0, or -EBADMSG (also for an identity longer than
 * DTLS_MAX_IDENTITY_LEN).
 */
int dtls_cke_parse(const u8 *body, u32 len, bool ecdhe, struct dtls_cke *cke)
{
	struct msg_rd r = { .p = body, .left = len };

	memset(cke, 0, sizeof(*cke));
	if (!msg_rd_vec16(&r, &cke->identity, &cke->identity_len) ||
	    cke->identity_len > DTLS_MAX_IDENTITY_LEN)
		return -EBADMSG;
	if (ecdhe) {
		/* RFC 8422 5.7: ClientECDiffieHellmanPublic, point<1..2^8-1> */
		if (!msg_rd_vec8(&r, &cke->point, &cke->point_len) ||
		    !cke->point_len)
			return -EBADMSG;
	}
	return r.left ? -EBADMSG : 0;
}

/**
 * dtls_cke_build - build a PSK or ECDHE_PSK ClientKeyExchange body
 * @out: where to
 * @cap: room at @out
 * @ecdhe: add @cke->point
 * @cke: identity (at most DTLS_MAX_IDENTITY_LEN), with @ecdhe the point
 *
 * Return: the body length, -EMSGSIZE, or -EINVAL for a too long identity
 * or an empty point.
 */
int dtls_cke_build(u8 *out, unsigned int cap, bool ecdhe,
		   const struct dtls_cke *cke)
{
	struct msg_wr w = { .out = out, .cap = cap };

	if (cke->identity_len > DTLS_MAX_IDENTITY_LEN ||
	    (ecdhe && !cke->point_len))
		return -EINVAL;
	msg_wr_u16(&w, cke->identity_len);
	msg_wr_bytes(&w, cke->identity, cke->identity_len);
	if (ecdhe) {
		msg_wr_u8(&w, cke->point_len);
		msg_wr_bytes(&w, cke->point, cke->point_len);
	}
	return msg_wr_end(&w);
}
