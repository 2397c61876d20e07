// SPDX-License-Identifier: GPL-2.0
/*
 * kernel_seeds: the messages kdtls itself sends, made by msg.c's builders
 * with the suites and groups handshake.c offers (handshake.c, handshake.h,
 * kex.h), for the fuzz corpus: whole messages and bodies (corpus/msg/),
 * the ClientHellos behind cookie_fuzz's prefix (corpus/cookie/), a
 * flight cut into small fragments in reasm_fuzz's raw form
 * (corpus/reasm/) and as records (corpus/record/).
 * Usage: kernel_seeds <corpus dir>; built by fuzz/Makefile (make seeds).
 */
#include <stdio.h>

#include "msg.c"
#include "reasm.c"
#include "record.h"

static const char *dir;

static void put(const char *kind, const char *name, const u8 *p, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/kernel-%s", dir, kind, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static u8 flight[4096];
static unsigned int flight_len;
static u8 whole[2048];

/* A message: whole to msg/, cut in 40-byte fragments into the flight. */
static void msg(const char *name, u8 type, u16 seq, const u8 *body, int len)
{
	struct dtls_hs_hdr h = { .type = type, .length = len, .seq = seq,
				 .frag_len = len };
	u32 off;

	if (len < 0)
		exit(2);
	dtls_hs_hdr_build(whole, &h);
	memcpy(whole + DTLS_HS_HEADER_LEN, body, len);
	put("msg", name, whole, DTLS_HS_HEADER_LEN + len);
	for (off = 0; off < (u32)len || !off; off += 40) {
		h.frag_off = off;
		h.frag_len = min_t(u32, 40, len - off);
		dtls_hs_hdr_build(flight + flight_len, &h);
		memcpy(flight + flight_len + DTLS_HS_HEADER_LEN, body + off,
		       h.frag_len);
		flight_len += DTLS_HS_HEADER_LEN + h.frag_len;
		if (!len)
			break;
	}
}

int main(int argc, char **argv)
{
	static const u16 suites[] = { 0x00a8, 0x00a9, 0xc0a8, 0xccab, 0xccac,
				      0xd001 };
	static const u16 groups[] = { 29, 23 };
	u8 random[32], cookie[32], point[65], body[1024], buf[2048];
	struct dtls_hs_hdr h = { 0 };
	struct dtls_record_hdr rh = { .type = 22, .version = DTLS_1_2_VERSION };
	struct dtls_ch_params cp = {
		.random = random, .suites = suites,
		.n_suites = ARRAY_SIZE(suites), .groups = groups,
		.n_groups = ARRAY_SIZE(groups),
	};
	struct dtls_ske ske = { .hint = (const u8 *)"kdtls-hint",
				.hint_len = 10, .group = 29, .point = point,
				.point_len = 32 };
	struct dtls_cke cke = { .identity = (const u8 *)"kdtls-client",
				.identity_len = 12, .point = point,
				.point_len = 65 };
	unsigned int i;
	int n;

	if (argc != 2)
		return 1;
	dir = argv[1];
	for (i = 0; i < sizeof(random); i++)
		random[i] = 0x11 * i;
	for (i = 0; i < sizeof(cookie); i++)
		cookie[i] = 0xc0 ^ i;
	point[0] = 4;
	for (i = 1; i < sizeof(point); i++)
		point[i] = i * 3;

	/* Client: ClientHello, then again with the cookie. */
	n = dtls_ch_build(body, sizeof(body), &cp);
	msg("ch", DTLS_HS_CLIENT_HELLO, 0, body, n);
	put("msg", "ch-body", body, n);
	memset(buf, 0, 24);
	buf[1] = 192; buf[2] = 0; buf[3] = 2; buf[4] = 1; buf[18] = 0x51;
	buf[21] = 40;
	memcpy(buf + 24, body, n);
	put("cookie", "ch", buf, 24 + n);
	cp.cookie = cookie;
	cp.cookie_len = sizeof(cookie);
	n = dtls_ch_build(body, sizeof(body), &cp);
	flight_len = 0;
	msg("ch-cookie", DTLS_HS_CLIENT_HELLO, 1, body, n);
	cke.point_len = 32;
	n = dtls_cke_build(body, sizeof(body), true, &cke);
	msg("cke-ecdhe", DTLS_HS_CLIENT_KEY_EXCHANGE, 2, body, n);
	buf[0] = 1;
	put("reasm", "client", (u8 []){ 1, 0, 1 }, 3);
	memcpy(buf, (u8 []){ 1, 0, 1 }, 3);
	memcpy(buf + 3, flight, flight_len);
	put("reasm", "client", buf, 3 + flight_len);
	n = dtls_cke_build(body, sizeof(body), false, &cke);
	msg("cke-psk", DTLS_HS_CLIENT_KEY_EXCHANGE, 2, body, n);

	/* Server: HelloVerifyRequest; ServerHello, ServerKeyExchange, Done. */
	n = dtls_hvr_build(body, sizeof(body), cookie, sizeof(cookie));
	msg("hvr", DTLS_HS_HELLO_VERIFY_REQUEST, 0, body, n);
	flight_len = 0;
	n = dtls_sh_build(body, sizeof(body), &(struct dtls_sh_params){
				.random = random, .suite = 0xd001,
				.ecdhe = true, .reneg = true,
				.client_ctype = -1, .server_ctype = -1 });
	msg("sh-ecdhe", DTLS_HS_SERVER_HELLO, 1, body, n);
	n = dtls_ske_build(body, sizeof(body), true, &ske);
	msg("ske-ecdhe", DTLS_HS_SERVER_KEY_EXCHANGE, 2, body, n);
	msg("shd", DTLS_HS_SERVER_HELLO_DONE, 3, body, 0);
	memcpy(buf, (u8 []){ 1, 0, 1 }, 3);
	memcpy(buf + 3, flight, flight_len);
	put("reasm", "server", buf, 3 + flight_len);
	/* The same flight as one datagram of records. */
	rh.seq = 1;
	rh.length = flight_len;
	dtls_record_build(buf, &rh);
	memcpy(buf + DTLS_HEADER_LEN, flight, flight_len);
	put("record", "server", buf, DTLS_HEADER_LEN + flight_len);
	n = dtls_sh_build(body, sizeof(body), &(struct dtls_sh_params){
				.random = random, .session_id = random,
				.session_id_len = 32, .suite = 0x00a8,
				.client_ctype = -1, .server_ctype = 2 });
	msg("sh-psk", DTLS_HS_SERVER_HELLO, 1, body, n);
	n = dtls_ske_build(body, sizeof(body), false, &ske);
	msg("ske-psk", DTLS_HS_SERVER_KEY_EXCHANGE, 2, body, n);
	(void)h;
	return 0;
}
