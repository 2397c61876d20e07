// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: whole handshakes through the protocol's steps (proto.h), a
 * client's and a server's struct dtls_proto with nothing in between but
 * the flights each step built: no socket, no timer, no record layer.
 * Every suite and group; then, for each failure the steps know, the
 * flight edited on its way and the errno and alert the step must give.
 * The same for the certificate suites, with two P-256 certificates
 * (proto_certs.h): server-only and mutual, and their failures.
 *
 * The steps are dtls.ko's (EXPORT_SYMBOL_IF_KUNIT); the message parsers
 * and builders are this module's copies (msg_kunit.c and reasm_kunit.c
 * include msg.c and reasm.c).
 *
 * Context: process (KUnit test thread).
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <crypto/sha2.h>

#include <uapi/linux/dtls.h>

#include "../compat/compat.h"	/* put_unaligned_be16() */
#include "../crypto.h"
#include "../proto.h"
#include "proto_certs.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

static const u8 test_id[] = "kunit-client";
static const u8 test_key[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
				 14, 15, 16 };

/*
 * An edit of a message on its way (NULL: none).  Return false to drop
 * the message.
 */
typedef bool (*edit_fn)(struct dtls_hs_msg *m);

struct pair {
	struct dtls_proto	c, s;
	struct dtls_proto_out	co, so;
	int			cerr, serr;
	edit_fn			to_server, to_client;
	void			(*edit_ch)(struct dtls_ch *ch);
};

static void side_init(struct kunit *test, struct dtls_proto *pr, u8 role,
		      u16 suite, u16 group, const u8 *key)
{
	pr->p.role = role;
	pr->replay_window = 64;
	if (suite) {
		pr->p.suites[0] = suite;
		pr->p.n_suites = 1;
	}
	if (group) {
		pr->p.groups[0] = group;
		pr->p.n_groups = 1;
	}
	dtls_proto_defaults(pr);
	KUNIT_ASSERT_EQ(test, dtls_psk_add(pr, test_id, sizeof(test_id) - 1,
					   key, sizeof(test_key), GFP_KERNEL),
			0);
}

static void pair_exit(void *data)
{
	struct pair *pp = data;

	dtls_proto_free(&pp->c);
	dtls_proto_free(&pp->s);
}

static struct pair *pair_new(struct kunit *test, u16 suite, u16 group)
{
	struct pair *pp = kunit_kzalloc(test, sizeof(*pp), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, pp);
	/* Freed however the test ends, even halfway through side_init(). */
	dtls_proto_init(&pp->c);
	dtls_proto_init(&pp->s);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, pair_exit, pp),
			0);
	side_init(test, &pp->c, DTLS_HS_ROLE_CLIENT, suite, group, test_key);
	side_init(test, &pp->s, DTLS_HS_ROLE_SERVER, suite, group, test_key);
	return pp;
}

/* A handshake message of a flight as the steps take it, reassembled. */
static struct dtls_hs_msg *msg_of(struct kunit *test,
				  const struct dtls_flight_msg *fm)
{
	struct dtls_hs_msg *m;
	struct dtls_hs_hdr h;

	KUNIT_ASSERT_EQ(test, dtls_hs_hdr_parse(fm->data, fm->len, &h), 0);
	KUNIT_ASSERT_EQ(test, h.frag_len, h.length);
	/* Slack: an edit may claim a longer body than the message has. */
	m = kunit_kzalloc(test, sizeof(*m) + fm->len + 16, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);
	m->type = h.type;
	m->seq = h.seq;
	m->len = h.length;
	memcpy(m->data, fm->data, fm->len);
	return m;
}

/*
 * Hand the handshake messages of @fl to @to (a ChangeCipherSpec moves
 * nothing: it is the record layer's), each after @edit; stop at an error.
 */
static int deliver(struct kunit *test, struct dtls_proto *to,
		   const struct dtls_flight *fl, edit_fn edit,
		   struct dtls_proto_out *out)
{
	unsigned int i;
	int err;

	for (i = 0; i < fl->n; i++) {
		struct dtls_hs_msg *m;

		if (fl->msg[i].type != DTLS_RECORD_TYPE_HANDSHAKE)
			continue;
		m = msg_of(test, &fl->msg[i]);
		if (edit && !edit(m))
			continue;
		err = dtls_proto_msg(to, m, out);
		if (err)
			return err;
	}
	return 0;
}

/* The server takes the client's ClientHello (its cookie already good). */
static int server_hello(struct kunit *test, struct pair *pp)
{
	struct dtls_hs_msg *m;
	struct dtls_ch ch;
	struct dtls_hs_hdr h;

	KUNIT_ASSERT_EQ(test, pp->c.flight.n, 1U);
	m = msg_of(test, &pp->c.flight.msg[0]);
	KUNIT_ASSERT_EQ(test, m->type, DTLS_HS_CLIENT_HELLO);
	if (pp->to_server && !pp->to_server(m))
		return -ENOMSG;
	KUNIT_ASSERT_EQ(test, dtls_hs_hdr_parse(m->data,
						DTLS_HS_HEADER_LEN + m->len,
						&h), 0);
	KUNIT_ASSERT_EQ(test, dtls_ch_parse(dtls_hs_msg_body(m), m->len, &ch),
			0);
	if (pp->edit_ch)
		pp->edit_ch(&ch);
	return dtls_server_start(&pp->s, m->data, &h, &ch, &pp->so);
}

/*
 * Flights 1, 4, 5 and 6 in turn until one side fails: the result in
 * pp->cerr and pp->serr, what each side was told last in pp->co, pp->so.
 */
static void run(struct kunit *test, struct pair *pp)
{
	KUNIT_ASSERT_EQ(test, dtls_client_start(&pp->c, &pp->co), 0);
	KUNIT_EXPECT_TRUE(test, pp->co.send && pp->co.timer);
	pp->serr = server_hello(test, pp);
	if (pp->serr)
		return;
	KUNIT_EXPECT_TRUE(test, pp->so.send && pp->so.timer);
	pp->cerr = deliver(test, &pp->c, &pp->s.flight, pp->to_client,
			   &pp->co);
	if (pp->cerr)
		return;
	KUNIT_EXPECT_TRUE(test, pp->co.send && pp->co.timer);
	pp->serr = deliver(test, &pp->s, &pp->c.flight, pp->to_server,
			   &pp->so);
	if (pp->serr)
		return;
	pp->cerr = deliver(test, &pp->c, &pp->s.flight, pp->to_client,
			   &pp->co);
}

/* A record sealed with @tx opens with @rx; one flipped bit does not. */
static void check_keys(struct kunit *test, struct dtls_key *tx,
		       struct dtls_key *rx)
{
	static const char data[] = "through the steps";
	unsigned int off, pt_len;
	struct dtls_record_hdr h;
	u8 *rec, *pt;
	int n, i;

	KUNIT_ASSERT_NOT_NULL(test, tx);
	KUNIT_ASSERT_NOT_NULL(test, rx);
	KUNIT_EXPECT_PTR_EQ(test, tx->cipher, rx->cipher);
	rec = kunit_kzalloc(test, 128, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, rec);
	for (i = 0; i < 2; i++) {
		off = DTLS_HEADER_LEN + tx->cipher->explicit_len;
		memcpy(rec + off, data, sizeof(data));
		n = dtls_seal_record(tx, rec, DTLS_RECORD_TYPE_DATA,
				     sizeof(data));
		KUNIT_ASSERT_GT(test, n, 0);
		KUNIT_ASSERT_EQ(test, dtls_record_parse(rec, n, &h), 0);
		KUNIT_EXPECT_EQ(test, h.epoch, 1);
		if (i)
			rec[n - 1] ^= 1;
		KUNIT_EXPECT_EQ(test, dtls_record_open(rx, rec, &h, &pt,
						       &pt_len),
				i ? -EBADMSG : 0);
		if (i)
			break;
		KUNIT_EXPECT_EQ(test, pt_len, sizeof(data));
		KUNIT_EXPECT_MEMEQ(test, pt, data, sizeof(data));
	}
}

/* Both sides done, on the same suite and secrets, the server's flight
 * kept, the keys of one opening what the other sealed.
 */
static void check_done(struct kunit *test, struct pair *pp, u16 suite)
{
	static const u8 zero[DTLS_MASTER_LEN];

	KUNIT_ASSERT_EQ(test, pp->serr, 0);
	KUNIT_ASSERT_EQ(test, pp->cerr, 0);
	KUNIT_EXPECT_TRUE(test, pp->so.send && pp->so.done && pp->so.keep);
	KUNIT_EXPECT_FALSE(test, pp->so.timer);
	KUNIT_EXPECT_TRUE(test, pp->co.done);
	KUNIT_EXPECT_FALSE(test, pp->co.send || pp->co.keep);
	KUNIT_EXPECT_EQ(test, pp->c.suite->id, suite);
	KUNIT_EXPECT_PTR_EQ(test, pp->c.suite, pp->s.suite);
	KUNIT_EXPECT_MEMEQ(test, pp->c.master, pp->s.master, DTLS_MASTER_LEN);
	KUNIT_EXPECT_MEMNEQ(test, pp->c.master, zero, DTLS_MASTER_LEN);
	KUNIT_EXPECT_EQ(test, pp->s.peer_id_len, sizeof(test_id) - 1);
	KUNIT_EXPECT_MEMEQ(test, pp->s.peer_id, test_id, sizeof(test_id) - 1);
	KUNIT_EXPECT_TRUE(test, pp->c.sent_ccs && pp->s.sent_ccs);
	/* Flight 6: CCS, Finished in epoch 1. */
	KUNIT_EXPECT_EQ(test, pp->s.flight.n, 2U);
	KUNIT_EXPECT_EQ(test, pp->s.flight.msg[0].type,
			DTLS_RECORD_TYPE_CHANGE_CIPHER_SPEC);
	KUNIT_EXPECT_EQ(test, pp->s.flight.msg[1].epoch, 1);
	check_keys(test, pp->c.tx_key, pp->s.rx_key);
	check_keys(test, pp->s.tx_key, pp->c.rx_key);
}

struct suite_case {
	u16		suite;
	u16		group;
	bool		hint;
	const char	*name;
};

static const struct suite_case suite_cases[] = {
	{ DTLS_PSK_AES_128_GCM_SHA256, 0, false, "psk-aes128-gcm" },
	{ DTLS_PSK_AES_256_GCM_SHA384, 0, false, "psk-aes256-gcm-sha384" },
	{ DTLS_PSK_AES_128_CCM_8, 0, false, "psk-aes128-ccm8" },
	{ DTLS_PSK_CHACHA20_POLY1305_SHA256, 0, true, "psk-chacha-hint" },
	{ DTLS_ECDHE_PSK_AES_128_GCM_SHA256, DTLS_GROUP_X25519, false,
	  "ecdhe-psk-aes128-gcm-x25519" },
	{ DTLS_ECDHE_PSK_CHACHA20_POLY1305_SHA256, DTLS_GROUP_X25519, true,
	  "ecdhe-psk-chacha-x25519-hint" },
	{ DTLS_ECDHE_PSK_AES_128_GCM_SHA256, DTLS_GROUP_SECP256R1, false,
	  "ecdhe-psk-aes128-gcm-p256" },
	{ DTLS_ECDHE_PSK_CHACHA20_POLY1305_SHA256, DTLS_GROUP_SECP256R1,
	  false, "ecdhe-psk-chacha-p256" },
};

static void suite_case_desc(const struct suite_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(suite, suite_cases, suite_case_desc);

/* Every suite and group, both roles, to the end. */
static void proto_handshake(struct kunit *test)
{
	const struct suite_case *sc = test->param_value;
	struct pair *pp = pair_new(test, sc->suite, sc->group);

	if (sc->hint) {
		pp->s.p.hint_len = 4;
		memcpy(pp->s.p.hint, "hint", 4);
	}
	run(test, pp);
	check_done(test, pp, sc->suite);
	KUNIT_EXPECT_EQ(test, pp->c.group, sc->group);
	KUNIT_EXPECT_EQ(test, pp->s.group, sc->group);
	/* A PSK ServerKeyExchange goes only with a hint. */
	KUNIT_EXPECT_EQ(test, pp->c.got_ske, sc->group || sc->hint);
}

/* Defaults on both sides: the first of ours, ECDHE-PSK AES-128-GCM. */
static void proto_defaults(struct kunit *test)
{
	struct pair *pp = pair_new(test, 0, 0);

	KUNIT_EXPECT_GE(test, pp->c.p.n_suites, 6);
	run(test, pp);
	check_done(test, pp, DTLS_ECDHE_PSK_AES_128_GCM_SHA256);
	KUNIT_EXPECT_EQ(test, pp->s.group, DTLS_GROUP_X25519);
}

/*
 * A client that offers ECDHE-ECDSA before PSK, with compressed points
 * only, ECDSA with SHA-256 among its signatures, and x25519 as its only
 * curve.  The server has a certificate, but its P-256 key does not fit
 * that client: it does no ECC with it, so it takes PSK rather than
 * refusing the formats (RFC 8422 5.1.2).  With P-256 among the client's
 * curves it would do ECDHE-ECDSA, so it refuses them.
 */
static const u8 ecdsa_then_psk[] = { 0xc0, 0x2b, 0x00, 0xa8 };
static const u8 x25519_only[] = { 0x00, 0x1d };
static const u8 x25519_p256[] = { 0x00, 0x1d, 0x00, 0x17 };
static const u8 ecdsa_sha256[] = { 0x04, 0x03 };

static void ch_ecdsa_compressed(struct dtls_ch *ch)
{
	ch->suites = ecdsa_then_psk;
	ch->suites_len = sizeof(ecdsa_then_psk);
	ch->sigalgs = ecdsa_sha256;
	ch->sigalgs_len = sizeof(ecdsa_sha256);
	ch->groups = x25519_only;
	ch->groups_len = sizeof(x25519_only);
	ch->point_formats = true;
	ch->point_uncompressed = false;
}

static void ch_ecdsa_compressed_p256(struct dtls_ch *ch)
{
	ch_ecdsa_compressed(ch);
	ch->groups = x25519_p256;
	ch->groups_len = sizeof(x25519_p256);
}

/* A server with a certificate and a PSK, ECDHE-ECDSA first. */
static struct pair *ecdsa_psk_pair(struct kunit *test,
				   void (*edit_ch)(struct dtls_ch *ch))
{
	struct pair *pp = pair_new(test, DTLS_PSK_AES_128_GCM_SHA256,
				   DTLS_GROUP_X25519);
	const u8 *der = kunit_server_cert;
	u32 len = sizeof(kunit_server_cert);

	KUNIT_ASSERT_EQ(test, dtls_cert_own_set(&pp->s.own, &der, &len, 1,
						kunit_server_key), 0);
	pp->s.p.suites[0] = DTLS_ECDHE_ECDSA_AES_128_GCM_SHA256;
	pp->s.p.suites[1] = DTLS_PSK_AES_128_GCM_SHA256;
	pp->s.p.n_suites = 2;
	pp->s.p.groups[1] = DTLS_GROUP_SECP256R1;
	pp->s.p.n_groups = 2;
	KUNIT_ASSERT_EQ(test, dtls_proto_ready(&pp->s), 0);
	/* Both usable: dtls_proto_ready() keeps them. */
	KUNIT_ASSERT_EQ(test, pp->s.p.n_suites, 2);
	pp->edit_ch = edit_ch;
	run(test, pp);
	return pp;
}

static void proto_formats_unused_ecc(struct kunit *test)
{
	struct pair *pp = ecdsa_psk_pair(test, ch_ecdsa_compressed);

	check_done(test, pp, DTLS_PSK_AES_128_GCM_SHA256);
	KUNIT_EXPECT_EQ(test, pp->s.group, 0);

	pp = ecdsa_psk_pair(test, ch_ecdsa_compressed_p256);
	KUNIT_EXPECT_EQ(test, pp->serr, -EPROTO);
	KUNIT_EXPECT_EQ(test, pp->so.alert, DTLS_ALERT_ILLEGAL_PARAMETER);
	KUNIT_EXPECT_FALSE(test, pp->so.send);
}

/* A HelloVerifyRequest with @cookie, message_seq @seq. */
static struct dtls_hs_msg *hvr_msg(struct kunit *test, const u8 *cookie,
				   u8 cookie_len, u16 seq)
{
	struct dtls_hs_hdr h = {
		.type = DTLS_HS_HELLO_VERIFY_REQUEST, .seq = seq,
	};
	struct dtls_hs_msg *m;
	int body;

	m = kunit_kzalloc(test, sizeof(*m) + DTLS_HS_HEADER_LEN + 3 +
			  cookie_len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);
	body = dtls_hvr_build(m->data + DTLS_HS_HEADER_LEN, 3 + cookie_len,
			      cookie, cookie_len);
	KUNIT_ASSERT_EQ(test, body, 3 + cookie_len);
	h.length = body;
	h.frag_len = body;
	dtls_hs_hdr_build(m->data, &h);
	m->type = h.type;
	m->seq = seq;
	m->len = body;
	return m;
}

/*
 * A HelloVerifyRequest: the client answers with the cookie in a second
 * ClientHello (message_seq 1), and the transcript starts again from it.
 */
static void proto_cookie_exchange(struct kunit *test)
{
	static const u8 cookie[20] = { 0xc0, 0x0c, 0x1e };
	struct pair *pp = pair_new(test, DTLS_PSK_AES_128_GCM_SHA256, 0);
	struct dtls_hs_msg *m;
	struct dtls_ch ch;

	KUNIT_ASSERT_EQ(test, dtls_client_start(&pp->c, &pp->co), 0);
	m = hvr_msg(test, cookie, sizeof(cookie), 0);
	KUNIT_ASSERT_EQ(test, dtls_proto_msg(&pp->c, m, &pp->co), 0);
	KUNIT_EXPECT_TRUE(test, pp->co.send && pp->co.timer);
	KUNIT_ASSERT_EQ(test, pp->c.flight.n, 1U);
	KUNIT_EXPECT_EQ(test, pp->c.tlen, pp->c.flight.msg[0].len);
	m = msg_of(test, &pp->c.flight.msg[0]);
	KUNIT_EXPECT_EQ(test, m->seq, 1);
	KUNIT_ASSERT_EQ(test, dtls_ch_parse(dtls_hs_msg_body(m), m->len, &ch),
			0);
	KUNIT_ASSERT_EQ(test, ch.cookie_len, sizeof(cookie));
	KUNIT_EXPECT_MEMEQ(test, ch.cookie, cookie, sizeof(cookie));

	/* The rest as usual; the server answers with message_seq 1 on. */
	pp->serr = server_hello(test, pp);
	KUNIT_ASSERT_EQ(test, pp->serr, 0);
	KUNIT_EXPECT_EQ(test, msg_of(test, &pp->s.flight.msg[0])->seq, 1);
	pp->cerr = deliver(test, &pp->c, &pp->s.flight, NULL, &pp->co);
	KUNIT_ASSERT_EQ(test, pp->cerr, 0);
	pp->serr = deliver(test, &pp->s, &pp->c.flight, NULL, &pp->so);
	KUNIT_ASSERT_EQ(test, pp->serr, 0);
	pp->cerr = deliver(test, &pp->c, &pp->s.flight, NULL, &pp->co);
	check_done(test, pp, DTLS_PSK_AES_128_GCM_SHA256);
}

/*
 * HelloVerifyRequests are answered a few times a handshake, not at the
 * rate a sender of forged ones picks: the fourth fails the handshake
 * with unexpected_message and sends no ClientHello.
 */
static void proto_cookie_exchange_bounded(struct kunit *test)
{
	struct pair *pp = pair_new(test, DTLS_PSK_AES_128_GCM_SHA256, 0);
	u8 cookie[8] = { 0xc0, 0x0c, 0x1e };
	struct dtls_hs_msg *m;
	struct dtls_ch ch;
	int i;

	KUNIT_ASSERT_EQ(test, dtls_client_start(&pp->c, &pp->co), 0);
	for (i = 0; i < 3; i++) {
		cookie[7] = i;
		m = hvr_msg(test, cookie, sizeof(cookie), i);
		memset(&pp->co, 0, sizeof(pp->co));
		KUNIT_ASSERT_EQ(test, dtls_proto_msg(&pp->c, m, &pp->co), 0);
		KUNIT_EXPECT_TRUE(test, pp->co.send);
		KUNIT_ASSERT_EQ(test, pp->c.flight.n, 1U);
		m = msg_of(test, &pp->c.flight.msg[0]);
		KUNIT_ASSERT_EQ(test, dtls_ch_parse(dtls_hs_msg_body(m),
						    m->len, &ch), 0);
		KUNIT_ASSERT_EQ(test, ch.cookie_len, sizeof(cookie));
		KUNIT_EXPECT_EQ(test, ch.cookie[7], i);
	}
	memset(&pp->co, 0, sizeof(pp->co));
	m = hvr_msg(test, cookie, sizeof(cookie), 3);
	KUNIT_EXPECT_EQ(test, dtls_proto_msg(&pp->c, m, &pp->co), -EPROTO);
	KUNIT_EXPECT_FALSE(test, pp->co.send);
	KUNIT_EXPECT_EQ(test, pp->co.alert, DTLS_ALERT_UNEXPECTED_MESSAGE);
}

/* ------------------------------------------------------- failure paths */

static u8 *body_of(struct dtls_hs_msg *m)
{
	return m->data + DTLS_HS_HEADER_LEN;
}

/* Offsets in a ServerHello body with no session id: suite at 35. */
#define SH_SUITE_OFF	35

static bool sh_version_1_0(struct dtls_hs_msg *m)
{
	if (m->type == DTLS_HS_SERVER_HELLO)
		put_unaligned_be16(DTLS_VERSION_1_0, body_of(m));
	return true;
}

static bool sh_other_suite(struct dtls_hs_msg *m)
{
	if (m->type == DTLS_HS_SERVER_HELLO)
		put_unaligned_be16(DTLS_PSK_AES_256_GCM_SHA384,
				   body_of(m) + SH_SUITE_OFF);
	return true;
}

static bool sh_unknown_suite(struct dtls_hs_msg *m)
{
	if (m->type == DTLS_HS_SERVER_HELLO)
		put_unaligned_be16(0x1301, body_of(m) + SH_SUITE_OFF);
	return true;
}

/* Rename the extended_master_secret extension to one nobody knows. */
static bool sh_no_ems(struct dtls_hs_msg *m)
{
	u8 *b = body_of(m), *exts = b + SH_SUITE_OFF + 3;
	unsigned int i;

	if (m->type != DTLS_HS_SERVER_HELLO)
		return true;
	/* The extension taken out, and the block's length with it. */
	for (i = SH_SUITE_OFF + 5; i + 4 <= m->len;
	     i += 4 + get_unaligned_be16(b + i + 2)) {
		if (get_unaligned_be16(b + i) == DTLS_EXT_EXTENDED_MASTER_SECRET) {
			memmove(b + i, b + i + 4, m->len - i - 4);
			m->len -= 4;
			put_unaligned_be16(get_unaligned_be16(exts) - 4, exts);
			break;
		}
	}
	return true;
}

/* An empty extension of a type no client asked for, after the others. */
static bool sh_unasked_ext(struct dtls_hs_msg *m)
{
	u8 *b = body_of(m), *exts = b + SH_SUITE_OFF + 3;

	if (m->type != DTLS_HS_SERVER_HELLO)
		return true;
	put_unaligned_be16(0x7a7a, b + m->len);
	put_unaligned_be16(0, b + m->len + 2);
	m->len += 4;
	put_unaligned_be16(get_unaligned_be16(exts) + 4, exts);
	return true;
}

static bool sh_truncated(struct dtls_hs_msg *m)
{
	if (m->type == DTLS_HS_SERVER_HELLO)
		m->len = 20;
	return true;
}

static bool drop_ske(struct dtls_hs_msg *m)
{
	return m->type != DTLS_HS_SERVER_KEY_EXCHANGE;
}

/* An ECDHE ServerKeyExchange without a hint: 00 00, 03, the group. */
static bool ske_other_group(struct dtls_hs_msg *m)
{
	if (m->type == DTLS_HS_SERVER_KEY_EXCHANGE)
		put_unaligned_be16(DTLS_GROUP_SECP256R1, body_of(m) + 3);
	return true;
}

static bool ske_short(struct dtls_hs_msg *m)
{
	if (m->type == DTLS_HS_SERVER_KEY_EXCHANGE)
		m->len = 3;
	return true;
}

static bool shd_with_body(struct dtls_hs_msg *m)
{
	if (m->type == DTLS_HS_SERVER_HELLO_DONE)
		m->len = 1;
	return true;
}

static bool hello_done_first(struct dtls_hs_msg *m)
{
	if (m->type == DTLS_HS_SERVER_HELLO)
		m->type = DTLS_HS_SERVER_HELLO_DONE;
	return true;
}

static bool finished_flipped(struct dtls_hs_msg *m)
{
	if (m->type == DTLS_HS_FINISHED)
		body_of(m)[0] ^= 0x80;
	return true;
}

static bool finished_short(struct dtls_hs_msg *m)
{
	if (m->type == DTLS_HS_FINISHED)
		m->len = DTLS_VERIFY_LEN - 1;
	return true;
}

static bool drop_cke(struct dtls_hs_msg *m)
{
	return m->type != DTLS_HS_CLIENT_KEY_EXCHANGE;
}

/* The client's x25519 point, all zeros: a low-order point. */
static bool cke_zero_point(struct dtls_hs_msg *m)
{
	unsigned int id = sizeof(test_id) - 1;

	if (m->type == DTLS_HS_CLIENT_KEY_EXCHANGE && m->len == 2 + id + 33)
		memset(body_of(m) + 2 + id + 1, 0, 32);
	return true;
}

static bool cke_unknown_id(struct dtls_hs_msg *m)
{
	if (m->type == DTLS_HS_CLIENT_KEY_EXCHANGE)
		body_of(m)[2] ^= 0x20;
	return true;
}

static bool cke_short(struct dtls_hs_msg *m)
{
	if (m->type == DTLS_HS_CLIENT_KEY_EXCHANGE)
		m->len = 1;
	return true;
}

static void ch_no_ems(struct dtls_ch *ch)
{
	ch->ems = false;
}

static void ch_reneg_bad(struct dtls_ch *ch)
{
	ch->reneg_bad = true;
}

static void ch_compressed_points(struct dtls_ch *ch)
{
	ch->point_formats = true;
	ch->point_uncompressed = false;
}

struct fail_case {
	const char	*name;
	u16		suite;		/* the client's; 0: defaults */
	u16		server_suite;	/* the server's, if other */
	u16		group;
	edit_fn		to_server, to_client;
	void		(*edit_ch)(struct dtls_ch *ch);
	bool		wrong_key;	/* the server's PSK differs */
	bool		server_fails;	/* else the client */
	int		err;
	u8		alert;
};

static const struct fail_case fail_cases[] = {
	{ "no-common-suite", DTLS_PSK_AES_128_GCM_SHA256,
	  DTLS_PSK_AES_256_GCM_SHA384, 0, NULL, NULL, NULL, false, true,
	  -EPROTO, DTLS_ALERT_HANDSHAKE_FAILURE },
	{ "ch-without-ems", 0, 0, 0, NULL, NULL, ch_no_ems, false, true,
	  -EPROTO, DTLS_ALERT_HANDSHAKE_FAILURE },
	{ "ch-renegotiation-info-not-empty", 0, 0, 0, NULL, NULL,
	  ch_reneg_bad, false, true, -EPROTO, DTLS_ALERT_HANDSHAKE_FAILURE },
	{ "ch-compressed-points-only", DTLS_ECDHE_PSK_AES_128_GCM_SHA256, 0,
	  DTLS_GROUP_X25519, NULL, NULL, ch_compressed_points, false, true,
	  -EPROTO, DTLS_ALERT_ILLEGAL_PARAMETER },
	{ "sh-version", DTLS_PSK_AES_128_GCM_SHA256, 0, 0, NULL,
	  sh_version_1_0, NULL, false, false, -EPROTO,
	  DTLS_ALERT_PROTOCOL_VERSION },
	{ "sh-suite-not-offered", DTLS_PSK_AES_128_GCM_SHA256, 0, 0, NULL,
	  sh_other_suite, NULL, false, false, -EPROTO,
	  DTLS_ALERT_ILLEGAL_PARAMETER },
	{ "sh-suite-unknown", DTLS_PSK_AES_128_GCM_SHA256, 0, 0, NULL,
	  sh_unknown_suite, NULL, false, false, -EPROTO,
	  DTLS_ALERT_ILLEGAL_PARAMETER },
	{ "sh-without-ems", DTLS_PSK_AES_128_GCM_SHA256, 0, 0, NULL,
	  sh_no_ems, NULL, false, false, -EPROTO,
	  DTLS_ALERT_HANDSHAKE_FAILURE },
	{ "sh-extension-not-asked", DTLS_PSK_AES_128_GCM_SHA256, 0, 0, NULL,
	  sh_unasked_ext, NULL, false, false, -EPROTO,
	  DTLS_ALERT_UNSUPPORTED_EXTENSION },
	{ "sh-truncated", DTLS_PSK_AES_128_GCM_SHA256, 0, 0, NULL,
	  sh_truncated, NULL, false, false, -EBADMSG,
	  DTLS_ALERT_DECODE_ERROR },
	{ "unexpected-hello-done", DTLS_PSK_AES_128_GCM_SHA256, 0, 0, NULL,
	  hello_done_first, NULL, false, false, -EPROTO,
	  DTLS_ALERT_UNEXPECTED_MESSAGE },
	{ "ecdhe-without-ske", DTLS_ECDHE_PSK_AES_128_GCM_SHA256, 0,
	  DTLS_GROUP_X25519, NULL, drop_ske, NULL, false, false, -EPROTO,
	  DTLS_ALERT_UNEXPECTED_MESSAGE },
	{ "ske-group-not-offered", DTLS_ECDHE_PSK_AES_128_GCM_SHA256, 0,
	  DTLS_GROUP_X25519, NULL, ske_other_group, NULL, false, false,
	  -EPROTO, DTLS_ALERT_ILLEGAL_PARAMETER },
	{ "ske-truncated", DTLS_ECDHE_PSK_AES_128_GCM_SHA256, 0,
	  DTLS_GROUP_X25519, NULL, ske_short, NULL, false, false, -EBADMSG,
	  DTLS_ALERT_DECODE_ERROR },
	{ "shd-with-body", DTLS_PSK_AES_128_GCM_SHA256, 0, 0, NULL,
	  shd_with_body, NULL, false, false, -EBADMSG,
	  DTLS_ALERT_DECODE_ERROR },
	{ "cke-unknown-identity", DTLS_PSK_AES_128_GCM_SHA256, 0, 0,
	  cke_unknown_id, NULL, NULL, false, true, -ENOKEY,
	  DTLS_ALERT_UNKNOWN_PSK_IDENTITY },
	{ "cke-truncated", DTLS_PSK_AES_128_GCM_SHA256, 0, 0, cke_short,
	  NULL, NULL, false, true, -EBADMSG, DTLS_ALERT_DECODE_ERROR },
	{ "cke-low-order-point", DTLS_ECDHE_PSK_AES_128_GCM_SHA256, 0,
	  DTLS_GROUP_X25519, cke_zero_point, NULL, NULL, false, true,
	  -EINVAL, DTLS_ALERT_ILLEGAL_PARAMETER },
	{ "finished-without-cke", DTLS_PSK_AES_128_GCM_SHA256, 0, 0,
	  drop_cke, NULL, NULL, false, true, -EPROTO,
	  DTLS_ALERT_UNEXPECTED_MESSAGE },
	{ "wrong-psk", DTLS_PSK_AES_128_GCM_SHA256, 0, 0, NULL, NULL, NULL,
	  true, true, -EKEYREJECTED, DTLS_ALERT_DECRYPT_ERROR },
	{ "wrong-psk-ecdhe", DTLS_ECDHE_PSK_CHACHA20_POLY1305_SHA256, 0,
	  DTLS_GROUP_X25519, NULL, NULL, NULL, true, true, -EKEYREJECTED,
	  DTLS_ALERT_DECRYPT_ERROR },
	{ "client-finished-flipped", DTLS_PSK_AES_128_GCM_SHA256, 0, 0,
	  finished_flipped, NULL, NULL, false, true, -EKEYREJECTED,
	  DTLS_ALERT_DECRYPT_ERROR },
	{ "server-finished-flipped", DTLS_PSK_AES_128_GCM_SHA256, 0, 0, NULL,
	  finished_flipped, NULL, false, false, -EKEYREJECTED,
	  DTLS_ALERT_DECRYPT_ERROR },
	{ "server-finished-short", DTLS_PSK_AES_128_GCM_SHA256, 0, 0, NULL,
	  finished_short, NULL, false, false, -EBADMSG,
	  DTLS_ALERT_DECRYPT_ERROR },
};

static void fail_case_desc(const struct fail_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(fail, fail_cases, fail_case_desc);

/* Each failure: the step's errno and alert, and nothing more to do. */
static void proto_failure(struct kunit *test)
{
	static const u8 other_key[16] = { 0xff };
	const struct fail_case *fc = test->param_value;
	struct pair *pp = pair_new(test, fc->suite, fc->group);
	struct dtls_proto_out *out;

	if (fc->server_suite)
		pp->s.p.suites[0] = fc->server_suite;
	if (fc->wrong_key)
		KUNIT_ASSERT_EQ(test, dtls_psk_add(&pp->s, test_id,
						   sizeof(test_id) - 1,
						   other_key,
						   sizeof(other_key),
						   GFP_KERNEL), 0);
	pp->to_server = fc->to_server;
	pp->to_client = fc->to_client;
	pp->edit_ch = fc->edit_ch;
	run(test, pp);
	if (fc->server_fails) {
		KUNIT_EXPECT_EQ(test, pp->serr, fc->err);
		KUNIT_EXPECT_EQ(test, pp->cerr, 0);
		out = &pp->so;
	} else {
		KUNIT_EXPECT_EQ(test, pp->cerr, fc->err);
		KUNIT_EXPECT_EQ(test, pp->serr, 0);
		out = &pp->co;
	}
	KUNIT_EXPECT_EQ(test, out->alert, fc->alert);
	KUNIT_EXPECT_FALSE(test, out->done);
	KUNIT_EXPECT_FALSE(test, out->send);
}

/*
 * A ClientHello that does not fit in the transcript is the peer's
 * doing: decode_error and EMSGSIZE, not internal_error; nothing sent.
 */
static void proto_transcript_full(struct kunit *test)
{
	struct pair *pp = pair_new(test, DTLS_PSK_AES_128_GCM_SHA256, 0);

	KUNIT_ASSERT_EQ(test, dtls_client_start(&pp->c, &pp->co), 0);
	/* As if what came before had filled it; nothing is allocated. */
	pp->s.tlen = DTLS_TRANSCRIPT_MAX;
	KUNIT_EXPECT_EQ(test, server_hello(test, pp), -EMSGSIZE);
	pp->s.tlen = 0;
	KUNIT_EXPECT_EQ(test, pp->so.alert, DTLS_ALERT_DECODE_ERROR);
	KUNIT_EXPECT_FALSE(test, pp->so.send || pp->so.done);
}

/* A bare message of @type, no body. */
static struct dtls_hs_msg *bare_msg(struct kunit *test, u8 type)
{
	struct dtls_hs_msg *m;

	m = kunit_kzalloc(test, sizeof(*m) + DTLS_HS_HEADER_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);
	m->type = type;
	return m;
}

static void expect_unexpected(struct kunit *test, struct dtls_proto *pr,
			      u8 type)
{
	struct dtls_proto_out out;

	KUNIT_EXPECT_EQ(test, dtls_proto_msg(pr, bare_msg(test, type), &out),
			-EPROTO);
	KUNIT_EXPECT_EQ(test, out.alert, DTLS_ALERT_UNEXPECTED_MESSAGE);
	KUNIT_EXPECT_FALSE(test, out.send || out.done);
}

/*
 * In each state, what it does not wait for is refused with
 * unexpected_message, a ClientHello at the client and a ServerHello at
 * the server included; so is everything once the owner made it DONE.
 */
static void proto_unexpected(struct kunit *test)
{
	struct pair *pp = pair_new(test, DTLS_PSK_AES_128_GCM_SHA256, 0);

	KUNIT_ASSERT_EQ(test, dtls_client_start(&pp->c, &pp->co), 0);
	expect_unexpected(test, &pp->c, DTLS_HS_FINISHED);
	expect_unexpected(test, &pp->c, DTLS_HS_CLIENT_HELLO);
	KUNIT_ASSERT_EQ(test, server_hello(test, pp), 0);
	expect_unexpected(test, &pp->s, DTLS_HS_FINISHED);
	expect_unexpected(test, &pp->s, DTLS_HS_SERVER_HELLO);
	KUNIT_ASSERT_EQ(test, deliver(test, &pp->c, &pp->s.flight, NULL,
				      &pp->co), 0);
	expect_unexpected(test, &pp->c, DTLS_HS_SERVER_HELLO);
	KUNIT_ASSERT_EQ(test, deliver(test, &pp->s, &pp->c.flight, NULL,
				      &pp->so), 0);
	KUNIT_ASSERT_EQ(test, deliver(test, &pp->c, &pp->s.flight, NULL,
				      &pp->co), 0);
	check_done(test, pp, DTLS_PSK_AES_128_GCM_SHA256);
	dtls_proto_set_step(&pp->c, DTLS_HS_DONE);
	dtls_proto_set_step(&pp->s, DTLS_HS_DONE);
	expect_unexpected(test, &pp->c, DTLS_HS_FINISHED);
	expect_unexpected(test, &pp->s, DTLS_HS_CLIENT_KEY_EXCHANGE);
}

static bool only_cke(struct dtls_hs_msg *m)
{
	return m->type == DTLS_HS_CLIENT_KEY_EXCHANGE;
}

static bool only_sh(struct dtls_hs_msg *m)
{
	return m->type == DTLS_HS_SERVER_HELLO;
}

/*
 * Which of the peer's messages, come again, ask for our last flight:
 * the first fragment of the first message of the peer's last flight,
 * and not while the server waits for the client's Finished, nor while
 * the client waits for the rest of the server's flight 4.
 */
static void proto_answers_resend(struct kunit *test)
{
	struct pair *pp = pair_new(test, DTLS_PSK_AES_128_GCM_SHA256, 0);
	struct pair *part = pair_new(test, DTLS_PSK_AES_128_GCM_SHA256, 0);
	struct dtls_hs_hdr h = { .type = DTLS_HS_CLIENT_HELLO };

	KUNIT_ASSERT_EQ(test, dtls_client_start(&pp->c, &pp->co), 0);
	KUNIT_ASSERT_EQ(test, server_hello(test, pp), 0);
	/* The server holds flight 4; the ClientHello (seq 0) came again. */
	KUNIT_EXPECT_TRUE(test, dtls_proto_answers_resend(&pp->s, &h));
	h.frag_off = 10;
	KUNIT_EXPECT_FALSE(test, dtls_proto_answers_resend(&pp->s, &h));
	h.frag_off = 0;
	h.seq = 1;
	KUNIT_EXPECT_FALSE(test, dtls_proto_answers_resend(&pp->s, &h));

	KUNIT_ASSERT_EQ(test, deliver(test, &pp->c, &pp->s.flight, NULL,
				      &pp->co), 0);
	/* The client holds flight 5; the ServerHello (seq 0) came again. */
	h.seq = 0;
	KUNIT_EXPECT_TRUE(test, dtls_proto_answers_resend(&pp->c, &h));

	/* Only the CKE so far: the server waits for the Finished. */
	KUNIT_ASSERT_EQ(test, deliver(test, &pp->s, &pp->c.flight,
				      only_cke, &pp->so), 0);
	KUNIT_EXPECT_EQ(test, pp->s.step, DTLS_HS_S_WAIT_FIN);
	h.seq = 1;
	KUNIT_EXPECT_FALSE(test, dtls_proto_answers_resend(&pp->s, &h));

	/* A client with the ServerHello only: its copy is not answered. */
	KUNIT_ASSERT_EQ(test, dtls_client_start(&part->c, &part->co), 0);
	KUNIT_ASSERT_EQ(test, server_hello(test, part), 0);
	KUNIT_ASSERT_EQ(test, deliver(test, &part->c, &part->s.flight,
				      only_sh, &part->co), 0);
	KUNIT_EXPECT_EQ(test, part->c.step, DTLS_HS_C_WAIT_SHD);
	h.seq = 0;
	KUNIT_EXPECT_FALSE(test, dtls_proto_answers_resend(&part->c, &h));
}

/* ------------------------------------------------------- certificates */

/*
 * A pair on certificate suite @suite: the server's certificate pinned at
 * the client; with @mutual, the client's too, required by the server.
 */
static struct pair *cert_pair_new(struct kunit *test, u16 suite, bool mutual)
{
	struct pair *pp = pair_new(test, suite, DTLS_GROUP_X25519);
	const u8 *der = kunit_server_cert;
	u32 len = sizeof(kunit_server_cert);
	u8 pin[SHA256_DIGEST_SIZE];

	KUNIT_ASSERT_EQ(test, dtls_cert_own_set(&pp->s.own, &der, &len, 1,
						kunit_server_key), 0);
	sha256(kunit_server_cert, sizeof(kunit_server_cert), pin);
	KUNIT_ASSERT_EQ(test, dtls_peer_auth_set(&pp->c.auth, pin, 1, false),
			0);
	if (mutual) {
		der = kunit_client_cert;
		len = sizeof(kunit_client_cert);
		KUNIT_ASSERT_EQ(test, dtls_cert_own_set(&pp->c.own, &der,
							&len, 1,
							kunit_client_key), 0);
		sha256(kunit_client_cert, sizeof(kunit_client_cert), pin);
		KUNIT_ASSERT_EQ(test, dtls_peer_auth_set(&pp->s.auth, pin, 1,
							 true), 0);
	}
	KUNIT_ASSERT_EQ(test, dtls_proto_ready(&pp->c), 0);
	KUNIT_ASSERT_EQ(test, dtls_proto_ready(&pp->s), 0);
	return pp;
}

struct cert_case {
	u16		suite;
	bool		mutual;
	const char	*name;
};

static const struct cert_case cert_cases[] = {
	{ DTLS_ECDHE_ECDSA_AES_128_GCM_SHA256, false, "aes128-gcm" },
	{ DTLS_ECDHE_ECDSA_AES_256_GCM_SHA384, true, "aes256-gcm-mutual" },
	{ DTLS_ECDHE_ECDSA_CHACHA20_POLY1305, true, "chacha-mutual" },
	{ DTLS_ECDHE_ECDSA_AES_128_CCM_8, false, "ccm8" },
};

static void cert_case_desc(const struct cert_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(cert, cert_cases, cert_case_desc);

/* Each side knows the other's certificate, when it was sent. */
static void proto_cert_handshake(struct kunit *test)
{
	const struct cert_case *cc = test->param_value;
	struct pair *pp = cert_pair_new(test, cc->suite, cc->mutual);
	u8 sha[SHA256_DIGEST_SIZE];

	run(test, pp);
	KUNIT_ASSERT_EQ(test, pp->serr, 0);
	KUNIT_ASSERT_EQ(test, pp->cerr, 0);
	KUNIT_EXPECT_TRUE(test, pp->so.done && pp->co.done);
	KUNIT_EXPECT_EQ(test, pp->c.suite->id, cc->suite);
	KUNIT_EXPECT_MEMEQ(test, pp->c.master, pp->s.master, DTLS_MASTER_LEN);
	check_keys(test, pp->c.tx_key, pp->s.rx_key);
	check_keys(test, pp->s.tx_key, pp->c.rx_key);
	KUNIT_ASSERT_TRUE(test, pp->c.peer_cert.have);
	sha256(kunit_server_cert, sizeof(kunit_server_cert), sha);
	KUNIT_EXPECT_MEMEQ(test, pp->c.peer_cert.sha256, sha, sizeof(sha));
	KUNIT_EXPECT_EQ(test, pp->s.peer_cert.have, cc->mutual);
	KUNIT_EXPECT_EQ(test, pp->c.got_cr, cc->mutual);
	KUNIT_EXPECT_EQ(test, pp->s.peer_id_len, 0);
}

/* A signed ServerKeyExchange: curve type, group, point (65), sigalg... */
static bool ske_sig_flipped(struct dtls_hs_msg *m)
{
	if (m->type == DTLS_HS_SERVER_KEY_EXCHANGE)
		body_of(m)[m->len - 1] ^= 0x01;
	return true;
}

static void ske_set_sigalg(struct dtls_hs_msg *m, u16 alg)
{
	u8 *p = body_of(m);

	if (m->type == DTLS_HS_SERVER_KEY_EXCHANGE)
		put_unaligned_be16(alg, p + 4 + p[3]);
}

static bool ske_sig_rsa(struct dtls_hs_msg *m)
{
	ske_set_sigalg(m, DTLS_SIG_RSA_PKCS1_SHA256);
	return true;
}

/* {sha512, ecdsa}: a pair we do not offer. */
static bool ske_sig_sha512(struct dtls_hs_msg *m)
{
	ske_set_sigalg(m, 0x0603);
	return true;
}

/* A SHA-256 signature called a SHA-384 one: the hash is checked too. */
static bool ske_sig_relabelled(struct dtls_hs_msg *m)
{
	ske_set_sigalg(m, DTLS_SIG_ECDSA_SHA384);
	return true;
}

static bool cv_sig_relabelled(struct dtls_hs_msg *m)
{
	if (m->type == DTLS_HS_CERTIFICATE_VERIFY)
		put_unaligned_be16(DTLS_SIG_ECDSA_SHA384, body_of(m));
	return true;
}

static bool cv_sig_rsa(struct dtls_hs_msg *m)
{
	if (m->type == DTLS_HS_CERTIFICATE_VERIFY)
		put_unaligned_be16(DTLS_SIG_RSA_PKCS1_SHA384, body_of(m));
	return true;
}

/* The server's point changed: the signature no longer covers it. */
static bool ske_point_changed(struct dtls_hs_msg *m)
{
	if (m->type == DTLS_HS_SERVER_KEY_EXCHANGE)
		body_of(m)[5] ^= 0x01;
	return true;
}

static bool drop_cert(struct dtls_hs_msg *m)
{
	return m->type != DTLS_HS_CERTIFICATE;
}

static bool cv_flipped(struct dtls_hs_msg *m)
{
	if (m->type == DTLS_HS_CERTIFICATE_VERIFY)
		body_of(m)[m->len - 1] ^= 0x01;
	return true;
}

/* An empty certificate_list in place of the client's. */
static bool cert_emptied(struct dtls_hs_msg *m)
{
	if (m->type == DTLS_HS_CERTIFICATE) {
		memset(body_of(m), 0, 3);
		m->len = 3;
	}
	return true;
}

/* The list's length one more than what follows. */
static bool cert_truncated(struct dtls_hs_msg *m)
{
	if (m->type == DTLS_HS_CERTIFICATE)
		m->len--;
	return true;
}

/* The certificate's DER changed: another digest, no pin matches. */
static bool cert_other(struct dtls_hs_msg *m)
{
	if (m->type == DTLS_HS_CERTIFICATE)
		body_of(m)[m->len - 1] ^= 0x01;
	return true;
}

struct cert_fail {
	const char	*name;
	bool		mutual;
	edit_fn		to_server, to_client;
	bool		server_fails;
	int		err;
	u8		alert;
};

static const struct cert_fail cert_fails[] = {
	{ "ske-signature-flipped", false, NULL, ske_sig_flipped, false,
	  -EKEYREJECTED, DTLS_ALERT_DECRYPT_ERROR },
	{ "ske-point-not-signed", false, NULL, ske_point_changed, false,
	  -EKEYREJECTED, DTLS_ALERT_DECRYPT_ERROR },
	{ "ske-sigalg-other-key", false, NULL, ske_sig_rsa, false,
	  -EKEYREJECTED, DTLS_ALERT_ILLEGAL_PARAMETER },
	{ "ske-sigalg-sha512", false, NULL, ske_sig_sha512, false,
	  -EKEYREJECTED, DTLS_ALERT_ILLEGAL_PARAMETER },
	{ "ske-sigalg-relabelled", false, NULL, ske_sig_relabelled, false,
	  -EKEYREJECTED, DTLS_ALERT_DECRYPT_ERROR },
	{ "server-cert-missing", false, NULL, drop_cert, false, -EPROTO,
	  DTLS_ALERT_UNEXPECTED_MESSAGE },
	{ "server-cert-empty", false, NULL, cert_emptied, false, -ENOKEY,
	  DTLS_ALERT_HANDSHAKE_FAILURE },
	{ "server-cert-truncated", false, NULL, cert_truncated, false,
	  -EBADMSG, DTLS_ALERT_DECODE_ERROR },
	{ "server-cert-not-pinned", false, NULL, cert_other, false,
	  -EKEYREJECTED, DTLS_ALERT_BAD_CERTIFICATE },
	{ "client-cert-empty-required", true, cert_emptied, NULL, true,
	  -ENOKEY, DTLS_ALERT_HANDSHAKE_FAILURE },
	{ "client-cert-not-pinned", true, cert_other, NULL, true,
	  -EKEYREJECTED, DTLS_ALERT_BAD_CERTIFICATE },
	{ "cv-flipped", true, cv_flipped, NULL, true, -EKEYREJECTED,
	  DTLS_ALERT_DECRYPT_ERROR },
	{ "cv-sigalg-relabelled", true, cv_sig_relabelled, NULL, true,
	  -EKEYREJECTED, DTLS_ALERT_DECRYPT_ERROR },
	{ "cv-sigalg-other-key", true, cv_sig_rsa, NULL, true, -EKEYREJECTED,
	  DTLS_ALERT_ILLEGAL_PARAMETER },
};

static void cert_fail_desc(const struct cert_fail *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(cert_fail, cert_fails, cert_fail_desc);

static void proto_cert_failure(struct kunit *test)
{
	const struct cert_fail *fc = test->param_value;
	struct pair *pp = cert_pair_new(test,
					DTLS_ECDHE_ECDSA_AES_128_GCM_SHA256,
					fc->mutual);
	struct dtls_proto_out *out;

	pp->to_server = fc->to_server;
	pp->to_client = fc->to_client;
	run(test, pp);
	if (fc->server_fails) {
		KUNIT_EXPECT_EQ(test, pp->serr, fc->err);
		KUNIT_EXPECT_EQ(test, pp->cerr, 0);
		out = &pp->so;
	} else {
		KUNIT_EXPECT_EQ(test, pp->cerr, fc->err);
		KUNIT_EXPECT_EQ(test, pp->serr, 0);
		out = &pp->co;
	}
	KUNIT_EXPECT_EQ(test, out->alert, fc->alert);
	KUNIT_EXPECT_FALSE(test, out->done || out->send);
}

/*
 * Credentials: our key must be our certificate's; a client offers no
 * certificate suite without pins; a server with pins asks for the
 * client's certificate, and accepts none unless it is required.
 */
static void proto_cert_config(struct kunit *test)
{
	const u8 *der = kunit_server_cert;
	u32 len = sizeof(kunit_server_cert);
	struct pair *pp = pair_new(test, 0, 0);
	u8 pin[SHA256_DIGEST_SIZE] = {};

	KUNIT_EXPECT_EQ(test, dtls_cert_own_set(&pp->s.own, &der, &len, 1,
						kunit_client_key),
			-EKEYREJECTED);
	KUNIT_EXPECT_EQ(test, pp->s.own.body_len, 0);
	len = 10;
	KUNIT_EXPECT_EQ(test, dtls_cert_own_set(&pp->s.own, &der, &len, 1,
						kunit_server_key), -EBADMSG);
	KUNIT_EXPECT_EQ(test, dtls_peer_auth_set(&pp->s.auth, pin, 0, true),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dtls_peer_auth_set(&pp->s.auth, pin, 9, false),
			-EINVAL);
	/* The client has a PSK and no pins: PSK suites only. */
	KUNIT_ASSERT_EQ(test, dtls_proto_ready(&pp->c), 0);
	KUNIT_EXPECT_EQ(test, pp->c.p.n_suites, 6);
	KUNIT_EXPECT_EQ(test, pp->c.p.suites[0],
			DTLS_ECDHE_PSK_AES_128_GCM_SHA256);
}

/*
 * A server that asks for the client's certificate without requiring it:
 * a client without one answers with an empty list and no
 * CertificateVerify, and the handshake completes.
 */
static void proto_cert_optional(struct kunit *test)
{
	struct pair *pp = cert_pair_new(test,
					DTLS_ECDHE_ECDSA_AES_128_GCM_SHA256,
					false);
	u8 pin[SHA256_DIGEST_SIZE];

	sha256(kunit_client_cert, sizeof(kunit_client_cert), pin);
	KUNIT_ASSERT_EQ(test, dtls_peer_auth_set(&pp->s.auth, pin, 1, false),
			0);
	run(test, pp);
	KUNIT_ASSERT_EQ(test, pp->serr, 0);
	KUNIT_ASSERT_EQ(test, pp->cerr, 0);
	KUNIT_EXPECT_TRUE(test, pp->c.got_cr);
	KUNIT_EXPECT_FALSE(test, pp->c.cr_ecdsa);
	KUNIT_EXPECT_FALSE(test, pp->s.peer_cert.have);
	KUNIT_EXPECT_TRUE(test, pp->so.done && pp->co.done);
	/* Flight 5: Certificate, ClientKeyExchange, CCS, Finished. */
	KUNIT_EXPECT_EQ(test, pp->c.flight.n, 4U);
}

/* ------------------------------------------------ raw public keys */

/* @pr takes the key of @peer, whose SPKI is pinned, as RFC 7250 allows. */
static void pin_spki(struct kunit *test, struct dtls_proto *pr,
		     const struct dtls_proto *peer, bool required)
{
	struct dtls_peer_auth pa = { .required = required, .n_spki = 1 };

	sha256(peer->own.spki, sizeof(peer->own.spki), pa.spki[0]);
	KUNIT_ASSERT_EQ(test, dtls_peer_auth_replace(&pr->auth, &pa), 0);
}

/*
 * Raw public keys both ways: keys alone, SPKI pins.  Then a server with
 * a chain too: the client's list (raw key first) decides.  Then a pin
 * of another key fails with bad_certificate.
 */
static void proto_raw_keys(struct kunit *test)
{
	const u16 suite = DTLS_ECDHE_ECDSA_AES_128_GCM_SHA256;
	const u8 *der = kunit_server_cert;
	u32 len = sizeof(kunit_server_cert);
	struct pair *pp = pair_new(test, suite, DTLS_GROUP_X25519);
	u8 sha[SHA256_DIGEST_SIZE];

	KUNIT_ASSERT_EQ(test, dtls_cert_own_set(&pp->s.own, NULL, NULL, 0,
						kunit_server_key), 0);
	KUNIT_ASSERT_EQ(test, dtls_cert_own_set(&pp->c.own, NULL, NULL, 0,
						kunit_client_key), 0);
	KUNIT_EXPECT_EQ(test, pp->s.own.body_len, 0U);
	pin_spki(test, &pp->c, &pp->s, false);
	pin_spki(test, &pp->s, &pp->c, true);
	KUNIT_ASSERT_EQ(test, dtls_proto_ready(&pp->c), 0);
	KUNIT_ASSERT_EQ(test, dtls_proto_ready(&pp->s), 0);
	run(test, pp);
	KUNIT_ASSERT_EQ(test, pp->serr, 0);
	KUNIT_ASSERT_EQ(test, pp->cerr, 0);
	KUNIT_EXPECT_TRUE(test, pp->so.done && pp->co.done);
	KUNIT_EXPECT_MEMEQ(test, pp->c.master, pp->s.master, DTLS_MASTER_LEN);
	KUNIT_ASSERT_TRUE(test, pp->c.peer_cert.have);
	KUNIT_EXPECT_EQ(test, pp->c.peer_cert.type, DTLS_CTYPE_RAW_PUBLIC_KEY);
	sha256(pp->s.own.spki, sizeof(pp->s.own.spki), sha);
	KUNIT_EXPECT_MEMEQ(test, pp->c.peer_cert.spki_sha256, sha, sizeof(sha));
	KUNIT_ASSERT_TRUE(test, pp->s.peer_cert.have);
	KUNIT_EXPECT_EQ(test, pp->s.peer_cert.type, DTLS_CTYPE_RAW_PUBLIC_KEY);
	KUNIT_EXPECT_EQ(test, pp->s.peer_cert.subject_len, 0U);

	/* A chain as well at the server: the client prefers the raw key. */
	pp = pair_new(test, suite, DTLS_GROUP_X25519);
	KUNIT_ASSERT_EQ(test, dtls_cert_own_set(&pp->s.own, &der, &len, 1,
						kunit_server_key), 0);
	pin_spki(test, &pp->c, &pp->s, false);
	KUNIT_ASSERT_EQ(test, dtls_proto_ready(&pp->c), 0);
	KUNIT_ASSERT_EQ(test, dtls_proto_ready(&pp->s), 0);
	run(test, pp);
	KUNIT_ASSERT_EQ(test, pp->cerr, 0);
	KUNIT_EXPECT_EQ(test, pp->c.peer_cert.type, DTLS_CTYPE_RAW_PUBLIC_KEY);

	/* Another key pinned: bad_certificate. */
	pp = pair_new(test, suite, DTLS_GROUP_X25519);
	KUNIT_ASSERT_EQ(test, dtls_cert_own_set(&pp->s.own, NULL, NULL, 0,
						kunit_server_key), 0);
	KUNIT_ASSERT_EQ(test, dtls_cert_own_set(&pp->c.own, NULL, NULL, 0,
						kunit_client_key), 0);
	pin_spki(test, &pp->c, &pp->c, false);
	KUNIT_ASSERT_EQ(test, dtls_proto_ready(&pp->c), 0);
	KUNIT_ASSERT_EQ(test, dtls_proto_ready(&pp->s), 0);
	run(test, pp);
	KUNIT_EXPECT_EQ(test, pp->cerr, -EKEYREJECTED);
	KUNIT_EXPECT_EQ(test, pp->co.alert, DTLS_ALERT_BAD_CERTIFICATE);
	KUNIT_EXPECT_FALSE(test, pp->c.peer_cert.have);

	/* A key alone and a client that takes only chains: no suite. */
	pp = cert_pair_new(test, suite, false);
	KUNIT_ASSERT_EQ(test, dtls_cert_own_set(&pp->s.own, NULL, NULL, 0,
						kunit_server_key), 0);
	run(test, pp);
	KUNIT_EXPECT_EQ(test, pp->serr, -EPROTO);
	KUNIT_EXPECT_EQ(test, pp->so.alert, DTLS_ALERT_HANDSHAKE_FAILURE);
}

/*
 * Hand the handshake messages of @fl to @to as deliver() does, counting
 * the steps that asked to pause (out->pause) and noting the type of the
 * message that did; each resumes at once, as an accepting verdict would.
 */
static int deliver_count_pauses(struct kunit *test, struct dtls_proto *to,
				const struct dtls_flight *fl,
				struct dtls_proto_out *out,
				unsigned int *pauses, u8 *type)
{
	unsigned int i;
	int err;

	for (i = 0; i < fl->n; i++) {
		struct dtls_hs_msg *m;

		if (fl->msg[i].type != DTLS_RECORD_TYPE_HANDSHAKE)
			continue;
		m = msg_of(test, &fl->msg[i]);
		err = dtls_proto_msg(to, m, out);
		if (err)
			return err;
		if (out->pause) {
			(*pauses)++;
			*type = m->type;
		}
	}
	return 0;
}

/*
 * Delegation (peer-delegate), alone at the client, with a required
 * client certificate at the server: each side's step asks to pause once,
 * right after the peer's Certificate passed, and the handshake completes
 * when it goes on.
 */
static void proto_cert_delegate(struct kunit *test)
{
	struct pair *pp = cert_pair_new(test,
					DTLS_ECDHE_ECDSA_AES_128_GCM_SHA256,
					true);
	struct dtls_peer_auth pa = { .delegate = true, .delegate_ms = 5000 };
	unsigned int cpauses = 0, spauses = 0;
	u8 ctype = 0, stype = 0;

	/* The client: delegation alone; the server: pins and delegation. */
	KUNIT_ASSERT_EQ(test, dtls_peer_auth_replace(&pp->c.auth, &pa), 0);
	KUNIT_EXPECT_TRUE(test, dtls_peer_auth_any(&pp->c.auth));
	pp->s.auth.delegate = true;
	pp->s.auth.delegate_ms = 100;
	/* Out of range: refused. */
	pa.delegate_ms = 99;
	KUNIT_EXPECT_EQ(test, dtls_peer_auth_replace(&pp->c.auth, &pa),
			-EINVAL);
	pa.delegate_ms = 60001;
	KUNIT_EXPECT_EQ(test, dtls_peer_auth_replace(&pp->c.auth, &pa),
			-EINVAL);

	KUNIT_ASSERT_EQ(test, dtls_client_start(&pp->c, &pp->co), 0);
	KUNIT_EXPECT_FALSE(test, pp->co.pause);
	KUNIT_ASSERT_EQ(test, server_hello(test, pp), 0);
	KUNIT_EXPECT_FALSE(test, pp->so.pause);
	KUNIT_ASSERT_EQ(test, deliver_count_pauses(test, &pp->c, &pp->s.flight,
						   &pp->co, &cpauses, &ctype),
			0);
	KUNIT_EXPECT_EQ(test, cpauses, 1U);
	KUNIT_EXPECT_EQ(test, ctype, DTLS_HS_CERTIFICATE);
	KUNIT_EXPECT_TRUE(test, pp->c.peer_cert.have);
	KUNIT_ASSERT_EQ(test, deliver_count_pauses(test, &pp->s, &pp->c.flight,
						   &pp->so, &spauses, &stype),
			0);
	KUNIT_EXPECT_EQ(test, spauses, 1U);
	KUNIT_EXPECT_EQ(test, stype, DTLS_HS_CERTIFICATE);
	KUNIT_ASSERT_EQ(test, deliver(test, &pp->c, &pp->s.flight, NULL,
				      &pp->co), 0);
	KUNIT_EXPECT_FALSE(test, pp->co.pause);
	KUNIT_EXPECT_TRUE(test, pp->so.done && pp->co.done);
}

static struct kunit_case proto_cases[] = {
	KUNIT_CASE_PARAM(proto_handshake, suite_gen_params),
	KUNIT_CASE(proto_defaults),
	KUNIT_CASE(proto_formats_unused_ecc),
	KUNIT_CASE(proto_cookie_exchange),
	KUNIT_CASE(proto_cookie_exchange_bounded),
	KUNIT_CASE_PARAM(proto_failure, fail_gen_params),
	KUNIT_CASE(proto_unexpected),
	KUNIT_CASE(proto_transcript_full),
	KUNIT_CASE(proto_answers_resend),
	KUNIT_CASE_PARAM(proto_cert_handshake, cert_gen_params),
	KUNIT_CASE_PARAM(proto_cert_failure, cert_fail_gen_params),
	KUNIT_CASE(proto_cert_config),
	KUNIT_CASE(proto_cert_optional),
	KUNIT_CASE(proto_raw_keys),
	KUNIT_CASE(proto_cert_delegate),
	{}
};

static struct kunit_suite dtls_proto_suite = {
	.name = "dtls_proto",
	.test_cases = proto_cases,
};

kunit_test_suite(dtls_proto_suite);
