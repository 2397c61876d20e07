/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DTLS 1.2 handshake message bodies (RFC 6347 4.3.2, RFC 5246 7.4,
 * RFC 4279, RFC 5489, RFC 7627, RFC 5746, RFC 8422): parse into views that
 * point into the caller's buffer, and build into a caller's buffer.
 *
 * Every parser consumes the body exactly: a short, long or inconsistent
 * body is -EBADMSG (the caller answers decode_error).  Extensions: the
 * ones listed in the views are understood, unknown ones are skipped, a
 * repeated extension type is -EBADMSG.  Builders return the body length
 * or -EMSGSIZE.
 *
 * Context: any; no allocation.
 */
#ifndef _NET_DTLS_MSG_H
#define _NET_DTLS_MSG_H

#include <linux/types.h>

/* Handshake types (RFC 5246 7.4, RFC 6347 4.3.2) */
#define DTLS_HS_HELLO_REQUEST		0
#define DTLS_HS_CLIENT_HELLO		1
#define DTLS_HS_SERVER_HELLO		2
#define DTLS_HS_HELLO_VERIFY_REQUEST	3
#define DTLS_HS_SERVER_KEY_EXCHANGE	12
#define DTLS_HS_SERVER_HELLO_DONE	14
#define DTLS_HS_CLIENT_KEY_EXCHANGE	16
#define DTLS_HS_FINISHED		20

/* Extension types */
#define DTLS_EXT_SUPPORTED_GROUPS	10
#define DTLS_EXT_EC_POINT_FORMATS	11
#define DTLS_EXT_EXTENDED_MASTER_SECRET	23
#define DTLS_EXT_RENEGOTIATION_INFO	0xff01

#define DTLS_SCSV_RENEGOTIATION		0x00ff	/* RFC 5746 3.3 */
#define DTLS_VERSION_1_0		0xfeff
#define DTLS_MAX_COOKIE_LEN		255
#define DTLS_MAX_SESSION_ID_LEN		32
#define DTLS_MAX_IDENTITY_LEN		128	/* RFC 4279 5.3 minimum */
#define DTLS_NAMED_CURVE		3	/* ECCurveType named_curve */

/* A ClientHello; the pointers point into the parsed body. */
struct dtls_ch {
	u16		version;
	const u8	*random;		/* 32 bytes */
	const u8	*session_id;
	u8		session_id_len;
	const u8	*cookie;
	u8		cookie_len;
	const u8	*suites;		/* big-endian u16 each */
	u16		suites_len;		/* in bytes, even, >= 2 */
	bool		null_compression;	/* method 0 offered */
	bool		ems;			/* extended_master_secret */
	bool		reneg_scsv;		/* SCSV among the suites */
	bool		reneg_info;		/* renegotiation_info, empty */
	bool		reneg_bad;		/* renegotiation_info, not empty */
	const u8	*groups;		/* supported_groups; NULL: absent */
	u16		groups_len;		/* in bytes */
	bool		point_formats;		/* ec_point_formats present */
	bool		point_uncompressed;	/* ... and it lists 0 */
};

int dtls_ch_parse(const u8 *body, u32 len, struct dtls_ch *ch);
bool dtls_ch_has_suite(const struct dtls_ch *ch, u16 suite);
bool dtls_ch_has_group(const struct dtls_ch *ch, u16 group);

struct dtls_ch_params {
	const u8	*random;		/* 32 bytes */
	const u8	*cookie;
	u8		cookie_len;
	const u16	*suites;
	unsigned int	n_suites;
	const u16	*groups;		/* with ECDHE suites; else 0 */
	unsigned int	n_groups;
};

/*
 * Version DTLS 1.2, empty session_id, compression {null}, extensions
 * extended_master_secret, renegotiation_info (empty), and with groups
 * supported_groups and ec_point_formats {uncompressed}.
 */
int dtls_ch_build(u8 *out, unsigned int cap, const struct dtls_ch_params *p);

/* HelloVerifyRequest: version DTLS 1.0 or 1.2 accepted; sent as 1.0. */
int dtls_hvr_parse(const u8 *body, u32 len, const u8 **cookie, u8 *cookie_len);
int dtls_hvr_build(u8 *out, unsigned int cap, const u8 *cookie, u8 cookie_len);

struct dtls_sh {
	u16		version;
	const u8	*random;
	const u8	*session_id;
	u8		session_id_len;
	u16		suite;
	u8		compression;
	bool		ems;
	bool		reneg_info;		/* present and empty */
	bool		reneg_bad;		/* present, not empty */
	bool		point_formats;
	bool		point_uncompressed;
};

int dtls_sh_parse(const u8 *body, u32 len, struct dtls_sh *sh);
/*
 * Extensions: EMS; renegotiation_info (empty) if @reneg, the client having
 * signalled it; ec_point_formats if @ecdhe.
 */
int dtls_sh_build(u8 *out, unsigned int cap, const u8 *random,
		  const u8 *session_id, u8 session_id_len, u16 suite,
		  bool ecdhe, bool reneg);

/* ServerKeyExchange of PSK (hint only) and ECDHE_PSK (hint, curve, point). */
struct dtls_ske {
	const u8	*hint;
	u16		hint_len;
	u16		group;			/* ECDHE only */
	const u8	*point;
	u8		point_len;		/* ECDHE only, >= 1 */
};

int dtls_ske_parse(const u8 *body, u32 len, bool ecdhe, struct dtls_ske *ske);
int dtls_ske_build(u8 *out, unsigned int cap, bool ecdhe,
		   const struct dtls_ske *ske);

/* ClientKeyExchange of PSK (identity) and ECDHE_PSK (identity, point). */
struct dtls_cke {
	const u8	*identity;
	u16		identity_len;
	const u8	*point;
	u8		point_len;
};

int dtls_cke_parse(const u8 *body, u32 len, bool ecdhe, struct dtls_cke *cke);
int dtls_cke_build(u8 *out, unsigned int cap, bool ecdhe,
		   const struct dtls_cke *cke);

#endif /* _NET_DTLS_MSG_H */
