/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The DTLS 1.2 handshake as steps without I/O (proto.c, client.c,
 * server.c), as WireGuard's noise.c builds and consumes messages while
 * send.c sends them.
 *
 * A step takes the protocol state and one whole message of the peer
 * (reassembled, and opened if it came in epoch 1) and says in a struct
 * dtls_proto_out what follows: send the flight it built in pr->flight
 * (with or without a retransmission timer), install pr->tx_key and
 * pr->rx_key, or, when it returns an error, send out->alert and fail.
 * A step may also ask to pause (out->pause: user space decides on the
 * peer's certificate, peer-delegate); the next message comes once it
 * accepted.
 * A step sends nothing, arms no timer and touches no socket: handshake.c
 * does, and tests/proto_kunit.c drives whole handshakes through the steps
 * with nothing in between but memory.
 *
 * Context: process (GFP_KERNEL, synchronous crypto).  The owner
 * serialises calls on one struct dtls_proto (handshake.c: hs->lock).
 */
#ifndef _NET_DTLS_PROTO_H
#define _NET_DTLS_PROTO_H

#include <linux/list.h>
#include <linux/types.h>

#include "cert.h"
#include "kex.h"
#include "msg.h"
#include "prf.h"
#include "reasm.h"

struct dtls_key;

/* IANA cipher suites */
#define DTLS_PSK_AES_128_GCM_SHA256		0x00a8
#define DTLS_PSK_AES_256_GCM_SHA384		0x00a9
#define DTLS_PSK_AES_128_CCM_8			0xc0a8
#define DTLS_PSK_CHACHA20_POLY1305_SHA256	0xccab
#define DTLS_ECDHE_PSK_CHACHA20_POLY1305_SHA256	0xccac
#define DTLS_ECDHE_PSK_AES_128_GCM_SHA256	0xd001
#define DTLS_ECDHE_ECDSA_AES_128_GCM_SHA256	0xc02b
#define DTLS_ECDHE_ECDSA_AES_256_GCM_SHA384	0xc02c
#define DTLS_ECDHE_ECDSA_CHACHA20_POLY1305	0xcca9
#define DTLS_ECDHE_ECDSA_AES_128_CCM_8		0xc0ae
#define DTLS_ECDHE_RSA_AES_128_GCM_SHA256	0xc02f
#define DTLS_ECDHE_RSA_AES_256_GCM_SHA384	0xc030
#define DTLS_ECDHE_RSA_CHACHA20_POLY1305	0xcca8

struct dtls_suite {
	u16			id;
	u16			cipher;		/* DTLS_CIPHER_* */
	enum dtls_prf_hash	prf;
	bool			ecdhe;
	bool			cert;		/* ECDHE_ECDSA/RSA: no PSK */
	bool			rsa;		/* ECDHE_RSA: we only verify */
	const char		*name;		/* OpenSSL's name */
};

const struct dtls_suite *dtls_suite_find(u16 id);

/* TLS alerts (RFC 5246 7.2) */
#define DTLS_ALERT_WARNING		1
#define DTLS_ALERT_FATAL		2
#define DTLS_ALERT_CLOSE_NOTIFY		0
#define DTLS_ALERT_UNEXPECTED_MESSAGE	10
#define DTLS_ALERT_BAD_RECORD_MAC	20
#define DTLS_ALERT_HANDSHAKE_FAILURE	40
#define DTLS_ALERT_BAD_CERTIFICATE	42
#define DTLS_ALERT_UNSUPPORTED_CERTIFICATE 43
#define DTLS_ALERT_CERTIFICATE_EXPIRED	45
#define DTLS_ALERT_CERTIFICATE_UNKNOWN	46
#define DTLS_ALERT_ILLEGAL_PARAMETER	47
#define DTLS_ALERT_UNKNOWN_CA		48
#define DTLS_ALERT_DECODE_ERROR		50
#define DTLS_ALERT_DECRYPT_ERROR	51
#define DTLS_ALERT_PROTOCOL_VERSION	70
#define DTLS_ALERT_INSUFFICIENT_SECURITY 71
#define DTLS_ALERT_INTERNAL_ERROR	80
#define DTLS_ALERT_NO_RENEGOTIATION	100
#define DTLS_ALERT_UNSUPPORTED_EXTENSION 110
#define DTLS_ALERT_UNKNOWN_PSK_IDENTITY	115

#define DTLS_HS_MAX_SUITES	16
#define DTLS_HS_MAX_GROUPS	4
#define DTLS_HS_MAX_PSKS	64
#define DTLS_SRTP_MKI_MAX	255

/* SRTP protection profiles (RFC 5764 4.1.2, RFC 7714 14.2) */
#define DTLS_SRTP_AES128_CM_SHA1_80	0x0001
#define DTLS_SRTP_AES128_CM_SHA1_32	0x0002
#define DTLS_SRTP_AEAD_AES_128_GCM	0x0007
#define DTLS_SRTP_AEAD_AES_256_GCM	0x0008

bool dtls_srtp_profile_known(u16 profile);

/* Defaults of the netlink parameters */
#define DTLS_HS_MTU_DEFAULT		1400
#define DTLS_HS_RTO_INITIAL_MS		1000
#define DTLS_HS_RTO_MAX_MS		60000
#define DTLS_HS_TIMEOUT_MS		120000

struct dtls_psk {
	struct list_head	node;
	u8			id_len;
	u8			key_len;
	u8			id[DTLS_MAX_IDENTITY_LEN];
	u8			key[DTLS_PSK_MAX_LEN];
};

/* One message of a flight, kept in plaintext so that every resend is
 * sealed afresh with new record sequence numbers.
 */
struct dtls_flight_msg {
	u8	type;		/* record content type: handshake or CCS */
	u16	epoch;
	u32	len;
	u8	*data;		/* handshake: 12-byte header, then the body */
};

#define DTLS_FLIGHT_MAX_MSGS	5

struct dtls_flight {
	unsigned int		n;
	struct dtls_flight_msg	msg[DTLS_FLIGHT_MAX_MSGS];
};

enum dtls_hs_step {
	DTLS_HS_IDLE,
	DTLS_HS_C_WAIT_SH,	/* ClientHello sent: HelloVerifyRequest or SH */
	DTLS_HS_C_WAIT_SHD,	/* ServerHello in: [Certificate], SKE, [CR], SHD */
	DTLS_HS_C_WAIT_FIN,	/* flight 5 sent: CCS, server Finished */
	DTLS_HS_S_LISTEN,	/* waiting for a ClientHello */
	DTLS_HS_S_WAIT_CKE,	/* flight 4 sent: ClientKeyExchange */
	DTLS_HS_S_WAIT_FIN,	/* keys derived: client Finished */
	DTLS_HS_S_WAIT_CERT,	/* flight 4 asked for it: client Certificate */
	DTLS_HS_S_WAIT_CV,	/* keys derived: CertificateVerify */
	DTLS_HS_DONE,
};

struct dtls_hs_params {
	u8	role;			/* DTLS_HS_ROLE_* */
	bool	cookies;
	bool	icmp_ignore;		/* a client waits out ICMP errors */
	u8	n_suites;
	u8	n_groups;
	u16	suites[DTLS_HS_MAX_SUITES];
	u16	groups[DTLS_HS_MAX_GROUPS];
	u32	mtu;
	u32	rto_initial_ms;
	u32	rto_max_ms;
	u32	timeout_ms;
	u8	hint_len;
	u8	hint[DTLS_MAX_IDENTITY_LEN];
	/* RFC 5764 use_srtp: profiles in order of preference; 0: none */
	u8	n_srtp;
	bool	srtp_required;		/* fail a peer without a profile */
	u16	srtp[DTLS_SRTP_MAX_PROFILES];
	u8	srtp_mki_len;		/* a client's MKI, offered */
	u8	srtp_mki[DTLS_SRTP_MKI_MAX];
};

/* The configuration and the state of one handshake's protocol. */
struct dtls_proto {
	struct dtls_hs_params	p;
	struct list_head	psks;
	unsigned int		n_psks;
	struct dtls_cert_own	own;		/* our chain and key */
	struct dtls_peer_auth	auth;		/* how the peer's is checked */
	u32			replay_window;	/* of the epoch-1 rx key */

	enum dtls_hs_step	step;		/* READ_ONCE() outside */
	const struct dtls_suite	*suite;
	u16			group;
	struct dtls_kex		*kex;
	u8			client_random[DTLS_RANDOM_LEN];
	u8			server_random[DTLS_RANDOM_LEN];
	u8			master[DTLS_MASTER_LEN];
	u8			psk[DTLS_PSK_MAX_LEN];
	u8			psk_len;
	u8			peer_id_len;
	u8			peer_id[DTLS_MAX_IDENTITY_LEN];
	u8			hvrs;		/* HelloVerifyRequests taken */
	bool			got_ske;
	bool			got_cert;	/* the peer's Certificate */
	bool			got_cr;		/* a CertificateRequest */
	bool			cr_ecdsa;	/* ... that our key can answer */
	u16			sign_alg;	/* what we sign with; 0: none */
	u8			ctype_peer;	/* RFC 7250: what the peer */
	u8			ctype_own;	/* ... and we present */
	bool			secure_reneg;	/* RFC 5746: the client asked */
	bool			sent_ccs;	/* our alerts go in epoch 1 */
	u8			peer_point_len;
	u8			peer_point[DTLS_KEX_PUBLIC_MAX];
	u16			srtp_profile;	/* negotiated; 0: none */
	u8			srtp_mki_len;	/* ... and its MKI */
	u8			srtp_mki[DTLS_SRTP_MKI_MAX];
	struct dtls_cert_peer	peer_cert;

	/* The master secret as an HMAC key: key block, both Finished. */
	struct dtls_hmac_key	mkey;

	/* Handshake messages sent and received, for the Finished hashes. */
	u8			*transcript;
	u32			tlen;
	u32			tcap;
	struct dtls_hash_state	thash;		/* transcript[0..thash.len) */

	u16			tx_msg_seq;	/* next message_seq we send */
	u16			peer_flight_seq; /* first of the peer's last */
	struct dtls_key		*tx_key;	/* epoch 1, for the record layer */
	struct dtls_key		*rx_key;
	struct dtls_flight	flight;		/* our last flight */
};

/* What the caller of a step does next (all false: wait for more). */
struct dtls_proto_out {
	u8	alert;		/* the step failed: this alert, 0 for none */
	bool	send;		/* pr->flight is new: send it */
	bool	timer;		/* ... and resend it until answered */
	bool	done;		/* install pr->tx_key and pr->rx_key */
	bool	keep;		/* ... and keep our last flight for resends */
	bool	pause;		/* ask user space about pr->peer_cert; feed
				 * no further message until it accepts
				 */
};

/* proto.c */
void dtls_proto_init(struct dtls_proto *pr);
void dtls_proto_defaults(struct dtls_proto *pr);
int dtls_proto_ready(struct dtls_proto *pr);
void dtls_proto_wipe(struct dtls_proto *pr);
void dtls_proto_free(struct dtls_proto *pr);
int dtls_proto_msg(struct dtls_proto *pr, const struct dtls_hs_msg *m,
		   struct dtls_proto_out *out);
bool dtls_proto_answers_resend(const struct dtls_proto *pr,
			       const struct dtls_hs_hdr *h);

/* client.c */
int dtls_client_start(struct dtls_proto *pr, struct dtls_proto_out *out);
int dtls_client_msg(struct dtls_proto *pr, const struct dtls_hs_msg *m,
		    struct dtls_proto_out *out);

/* server.c */
int dtls_server_start(struct dtls_proto *pr, const u8 *msg,
		      const struct dtls_hs_hdr *h, const struct dtls_ch *ch,
		      struct dtls_proto_out *out);
int dtls_server_msg(struct dtls_proto *pr, const struct dtls_hs_msg *m,
		    struct dtls_proto_out *out);

/* psk.c */
int dtls_psk_add(struct dtls_proto *pr, const u8 *id, unsigned int id_len,
		 const u8 *key, unsigned int key_len, gfp_t gfp);
int dtls_psk_add_keyring(struct dtls_proto *pr, const u8 *id,
			 unsigned int id_len, s32 serial);
const struct dtls_psk *dtls_psk_find(const struct dtls_proto *pr,
				     const u8 *id, unsigned int id_len);
void dtls_psk_clear(struct dtls_proto *pr);

/* proto.c: building a flight (sending it is flight.c's, handshake.h) */
int dtls_flight_add(struct dtls_flight *f, u8 type, u16 epoch,
		    const u8 *data, u32 len);
void dtls_flight_clear(struct dtls_flight *f);

/* Shared by the steps (proto.c) */
#define DTLS_HS_MSG_MAX		768	/* a ClientHello, 255-byte cookie */
/* The transcript: both Certificate messages at their longest, the rest. */
#define DTLS_TRANSCRIPT_MAX	(2 * (DTLS_HS_HEADER_LEN + DTLS_CERT_BODY_MAX) + \
				 8192)
void dtls_hello_random(u8 out[DTLS_RANDOM_LEN]);
int dtls_transcript_add(struct dtls_proto *pr, const u8 *data, u32 len);
int dtls_transcript_add_peer_raw(struct dtls_proto *pr, const u8 *msg,
				 u32 len, struct dtls_proto_out *out);
int dtls_transcript_add_peer(struct dtls_proto *pr, const struct dtls_hs_msg *m,
			     struct dtls_proto_out *out);
int dtls_proto_emit(struct dtls_proto *pr, u8 *msg, u8 type, int body,
		    u16 epoch);
int dtls_proto_derive(struct dtls_proto *pr, const u8 *pms,
		      unsigned int pms_len);
int dtls_proto_premaster(struct dtls_proto *pr, const u8 *peer_point,
			 unsigned int point_len, u8 *pms);
int dtls_proto_emit_finished(struct dtls_proto *pr, u8 *msg);
int dtls_proto_check_finished(struct dtls_proto *pr,
			      const struct dtls_hs_msg *m);
bool dtls_proto_offered(const u16 *list, unsigned int n, u16 v);
bool dtls_proto_suite_usable(const struct dtls_proto *pr,
			     const struct dtls_suite *s);
/* Signatures: the pairs we offer and take; ours is always P-256. */
#define DTLS_SIGALGS_N	4
extern const u16 dtls_sigalgs_offered[DTLS_SIGALGS_N];
u16 dtls_proto_sign_alg(const u8 *list, u16 len);
int dtls_proto_sign(struct dtls_proto *pr, const u8 *params,
		    unsigned int len, u8 *out, unsigned int cap);
int dtls_proto_verify(struct dtls_proto *pr, const struct dtls_signed *sg,
		      const u8 *params, unsigned int len, u8 *alert);

static inline void dtls_proto_set_step(struct dtls_proto *pr,
				       enum dtls_hs_step step)
{
	WRITE_ONCE(pr->step, step);	/* dtls_hs_takes_datagrams() */
}

#endif /* _NET_DTLS_PROTO_H */
