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
#define DTLS_EXT_SIGNATURE_ALGORITHMS	13
#define DTLS_EXT_CLIENT_CERT_TYPE	19	/* RFC 7250 */
#define DTLS_EXT_SERVER_CERT_TYPE	20
#define DTLS_EXT_USE_SRTP		14	/* RFC 5764 4.1.1 */
#define DTLS_EXT_EXTENDED_MASTER_SECRET	23
#define DTLS_EXT_RENEGOTIATION_INFO	0xff01

#define DTLS_SCSV_RENEGOTIATION		0x00ff	/* RFC 5746 3.3 */
#define DTLS_VERSION_1_0		0xfeff
#define DTLS_MAX_COOKIE_LEN		255
#define DTLS_MAX_SESSION_ID_LEN		32
#define DTLS_MAX_IDENTITY_LEN		128	/* RFC 4279 5.3 minimum */
#define DTLS_NAMED_CURVE		3	/* ECCurveType named_curve */

/* Certificate types (RFC 7250 3), as the certificate type extensions say */
#define DTLS_CTYPE_X509			0
#define DTLS_CTYPE_RAW_PUBLIC_KEY	2
#define DTLS_CTYPES_MAX			2	/* in a list we build */

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
	const u8	*sigalgs;		/* signature_algorithms; NULL */
	u16		sigalgs_len;		/* in bytes */
	/* RFC 7250: certificate types the client can send, and take */
	const u8	*client_ctypes;		/* NULL: absent */
	u8		client_ctypes_len;
	const u8	*server_ctypes;		/* NULL: absent */
	u8		server_ctypes_len;
	/* RFC 5764 4.1.1 use_srtp: the profiles offered, the MKI */
	const u8	*srtp_profiles;		/* NULL: absent */
	u16		srtp_profiles_len;	/* in bytes, even, >= 2 */
	const u8	*srtp_mki;
	u8		srtp_mki_len;
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
	const u16	*sigalgs;		/* with certificate suites */
	unsigned int	n_sigalgs;
	const u8	*client_ctypes;		/* RFC 7250; 0: no extension */
	unsigned int	n_client_ctypes;
	const u8	*server_ctypes;
	unsigned int	n_server_ctypes;
	const u16	*srtp_profiles;		/* RFC 5764; 0: no use_srtp */
	unsigned int	n_srtp_profiles;
	const u8	*srtp_mki;
	u8		srtp_mki_len;
};

/* Most SRTP protection profiles a ClientHello we build offers */
#define DTLS_SRTP_MAX_PROFILES	4

/* Longest groups or signature_algorithms list a ClientHello we build has */
#define DTLS_CH_LIST_MAX	16

/*
 * Version DTLS 1.2, empty session_id, compression {null}, extensions
 * extended_master_secret, renegotiation_info (empty), and with groups
 * supported_groups and ec_point_formats {uncompressed}, with signature
 * algorithms signature_algorithms, and with certificate types the
 * client_certificate_type and server_certificate_type extensions.
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
	bool		has_client_ctype;	/* RFC 7250: the one chosen */
	u8		client_ctype;
	bool		has_server_ctype;
	u8		server_ctype;
	bool		srtp;			/* use_srtp: one profile */
	u16		srtp_profile;
	const u8	*srtp_mki;
	u8		srtp_mki_len;
	/* One no client asks for of a server (groups, sigalgs), or unknown. */
	bool		unknown_ext;
};

int dtls_sh_parse(const u8 *body, u32 len, struct dtls_sh *sh);

struct dtls_sh_params {
	const u8	*random;		/* 32 bytes */
	const u8	*session_id;		/* may be NULL if len is 0 */
	u8		session_id_len;
	u16		suite;
	bool		ecdhe;			/* ec_point_formats */
	bool		reneg;			/* renegotiation_info */
	s16		client_ctype;		/* RFC 7250; < 0: none */
	s16		server_ctype;
	u16		srtp_profile;		/* RFC 5764; 0: no use_srtp */
	const u8	*srtp_mki;
	u8		srtp_mki_len;
};

/*
 * Extensions: EMS; renegotiation_info (empty) if @reneg, the client having
 * signalled it; ec_point_formats if @ecdhe; the certificate types chosen.
 */
int dtls_sh_build(u8 *out, unsigned int cap, const struct dtls_sh_params *p);

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

/* ---- certificates (msg_cert.c) ---- */

#define DTLS_HS_CERTIFICATE		11
#define DTLS_HS_CERTIFICATE_REQUEST	13
#define DTLS_HS_CERTIFICATE_VERIFY	15

/* SignatureAndHashAlgorithm (RFC 5246 7.4.1.4.1) as one number */
#define DTLS_SIG_RSA_PKCS1_SHA256	0x0401
#define DTLS_SIG_ECDSA_SECP256R1_SHA256	0x0403
#define DTLS_SIG_RSA_PKCS1_SHA384	0x0501
#define DTLS_SIG_ECDSA_SHA384		0x0503	/* {sha384, ecdsa} */
#define DTLS_SIG_RSA_PSS_RSAE_SHA256	0x0804

/* ClientCertificateType (RFC 5246 7.4.4, RFC 8422 5.5) */
#define DTLS_CERT_TYPE_RSA_SIGN		1
#define DTLS_CERT_TYPE_ECDSA_SIGN	64

#define DTLS_CERT_CHAIN_MAX	8	/* certificates in a chain */

/* Certificate: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>. */
struct dtls_cert_list {
	unsigned int	n;
	const u8	*der[DTLS_CERT_CHAIN_MAX];
	u32		len[DTLS_CERT_CHAIN_MAX];
};

int dtls_cert_parse(const u8 *body, u32 len, struct dtls_cert_list *cl);
int dtls_cert_build(u8 *out, unsigned int cap,
		    const struct dtls_cert_list *cl);

/* CertificateRequest: types, signature algorithms, authorities (opaque). */
struct dtls_cert_req {
	const u8	*types;
	u8		n_types;
	const u8	*sigalgs;		/* big-endian u16 each */
	u16		sigalgs_len;		/* in bytes, even, >= 2 */
	const u8	*cas;			/* DistinguishedName list */
	u16		cas_len;
};

int dtls_cert_req_parse(const u8 *body, u32 len, struct dtls_cert_req *cr);
int dtls_cert_req_build(u8 *out, unsigned int cap, const u8 *types,
			u8 n_types, const u16 *sigalgs, unsigned int n_sigalgs);
bool dtls_sigalgs_has(const u8 *list, u16 len, u16 alg);

/* digitally-signed (RFC 5246 4.7): CertificateVerify's body. */
struct dtls_signed {
	u16		sigalg;
	const u8	*sig;
	u16		sig_len;		/* >= 1 */
};

int dtls_signed_parse(const u8 *body, u32 len, struct dtls_signed *sg);
int dtls_signed_build(u8 *out, unsigned int cap,
		      const struct dtls_signed *sg);

/*
 * ServerKeyExchange of ECDHE_ECDSA and ECDHE_RSA (RFC 8422 5.4): the
 * ServerECDHParams, then their signature.  @params and @params_len: the
 * bytes the signature covers after the two randoms.
 */
struct dtls_ske_signed {
	u16			group;
	const u8		*point;
	u8			point_len;
	const u8		*params;
	u16			params_len;
	struct dtls_signed	sig;
};

int dtls_ske_signed_parse(const u8 *body, u32 len,
			  struct dtls_ske_signed *ss);
int dtls_ske_params_build(u8 *out, unsigned int cap, u16 group,
			  const u8 *point, u8 point_len);

/* ClientKeyExchange of ECDHE_ECDSA: the client's point alone. */
int dtls_cke_ecdh_parse(const u8 *body, u32 len, const u8 **point,
			u8 *point_len);
int dtls_cke_ecdh_build(u8 *out, unsigned int cap, const u8 *point,
			u8 point_len);

#endif /* _NET_DTLS_MSG_H */
