// SPDX-License-Identifier: GPL-2.0
/*
 * dtls peer pin: the certificates a socket's kernel handshake accepts
 * from its peer, by SHA-256 digest of the end-entity certificate's DER
 * (WebRTC's a=fingerprint), given as hex or computed from a certificate
 * file.  A client needs pins to offer the ECDHE-ECDSA suites; a server
 * with pins asks its client for a certificate (--required: and fails one
 * without).
 *
 * dtls peer trust: the chain the peer sends must lead to a trust anchor
 * of a kernel keyring (keys of type "asymmetric", e.g. `keyctl padd
 * asymmetric "" %:ring < ca.der`), and with --name its certificate must
 * hold that DNS name or address; --sha256/--cert pins may be added, and
 * then both must pass.  Each command replaces the socket's peer
 * authentication settings as a whole.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "cli.h"

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * A SHA-256 digest: 64 hex digits, or 32 colon-separated pairs as
 * `openssl x509 -fingerprint -sha256` prints them ("AB:CD:..."; the
 * "sha256 Fingerprint=" before them may stay).  Case does not matter.
 */
bool parse_sha256(const char *s, uint8_t out[32])
{
	const char *eq = strrchr(s, '=');
	bool colons;
	size_t n = 0;

	if (eq)
		s = eq + 1;
	colons = strchr(s, ':') != NULL;
	while (*s) {
		int hi, lo;

		if (n == 32)
			return false;
		if (colons && n && *s++ != ':')
			return false;
		hi = hexval(s[0]);
		lo = hi < 0 ? -1 : hexval(s[1]);
		if (lo < 0)
			return false;
		out[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	return n == 32;
}

static int cmd_peer_pin(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ino",	required_argument, NULL, 'i' },
		{ "sha256",	required_argument, NULL, 'S' },
		{ "cert",	required_argument, NULL, 'c' },
		{ "required",	no_argument,	   NULL, 'r' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint8_t pins[DTLS_PEER_PINS_MAX][32];
	bool required = false;
	struct cert_file cf;
	struct dtls_nl *nl;
	uint64_t ino = 0;
	size_t n = 0;
	char msg[256];
	int c, err;

	cur_usage = "peer pin --ino N (--sha256 HEX | --cert FILE)... [--required]";
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (!opt_ino(optarg, &ino))
				return 1;
			break;
		case 'S':
		case 'c':
			if (n == DTLS_PEER_PINS_MAX) {
				fail("peer pin: at most %d pins", DTLS_PEER_PINS_MAX);
				return 1;
			}
			if (c == 'S' && !parse_sha256(optarg, pins[n])) {
				fail("--sha256: '%s' is not a SHA-256 digest (64 hex digits, or 32 pairs with colons as openssl x509 -fingerprint -sha256 prints)",
				     optarg);
				return 1;
			}
			if (c == 'c') {
				/* The end-entity certificate: the file's first. */
				if (certs_load(optarg, &cf, "peer pin"))
					return 1;
				SHA256(cf.der[0], cf.len[0], pins[n]);
				certs_free(&cf);
			}
			n++;
			break;
		case 'r':
			required = true;
			break;
		default:
			return opt_help(c);
		}
	}
	if (optind < argc)
		return usage_err("peer pin: unexpected argument");
	if (!ino)
		return usage_err("peer pin: --ino is required");
	if (!n)
		return usage_err("peer pin: give at least one --sha256 or --cert");

	nl = nl_open("peer pin");
	if (!nl)
		return 1;
	err = dtls_peer_auth(nl, -1, ino, (const uint8_t (*)[32])pins, n,
			     required, msg, sizeof(msg));
	dtls_close(nl);
	if (err) {
		fail_nl("peer pin", err, msg);
		return 1;
	}
	return 0;
}

/* A keyring serial: decimal (or 0x hex), or @s @u @us @p @t. */
static bool parse_keyring(const char *s, int32_t *out)
{
	static const struct { const char *name; int32_t id; } spec[] = {
		{ "@t", -1 }, { "@p", -2 }, { "@s", -3 }, { "@u", -4 },
		{ "@us", -5 },
	};
	char *end;
	long v;

	for (size_t i = 0; i < ARRAY_SIZE(spec); i++) {
		if (!strcmp(s, spec[i].name)) {
			*out = spec[i].id;
			return true;
		}
	}
	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || !*s || *end || v <= 0 || v > INT32_MAX)
		return false;
	*out = (int32_t)v;
	return true;
}

static int cmd_peer_trust(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ino",	required_argument, NULL, 'i' },
		{ "keyring",	required_argument, NULL, 'k' },
		{ "name",	required_argument, NULL, 'n' },
		{ "sha256",	required_argument, NULL, 'S' },
		{ "cert",	required_argument, NULL, 'c' },
		{ "required",	no_argument,	   NULL, 'r' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint8_t pins[DTLS_PEER_PINS_MAX][32];
	struct dtls_peer_trust t = { .pins = (const uint8_t (*)[32])pins };
	struct cert_file cf;
	struct dtls_nl *nl;
	uint64_t ino = 0;
	char msg[256];
	int c, err;

	cur_usage = "peer trust --ino N --keyring ID [--name NAME] [--sha256 HEX | --cert FILE]... [--required]";
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (!opt_ino(optarg, &ino))
				return 1;
			break;
		case 'k':
			if (!parse_keyring(optarg, &t.keyring))
				return usage_err("--keyring: a key serial, or @s, @u, @us, @p, @t");
			break;
		case 'n':
			if (strlen(optarg) > 253)
				return usage_err("--name: at most 253 bytes");
			t.name = optarg;
			break;
		case 'S':
		case 'c':
			if (t.n_pins == DTLS_PEER_PINS_MAX) {
				fail("peer trust: at most %d pins",
				     DTLS_PEER_PINS_MAX);
				return 1;
			}
			if (c == 'S' && !parse_sha256(optarg, pins[t.n_pins])) {
				fail("--sha256: '%s' is not a SHA-256 digest",
				     optarg);
				return 1;
			}
			if (c == 'c') {
				if (certs_load(optarg, &cf, "peer trust"))
					return 1;
				SHA256(cf.der[0], cf.len[0], pins[t.n_pins]);
				certs_free(&cf);
			}
			t.n_pins++;
			break;
		case 'r':
			t.required = true;
			break;
		default:
			return opt_help(c);
		}
	}
	if (optind < argc)
		return usage_err("peer trust: unexpected argument");
	if (!ino)
		return usage_err("peer trust: --ino is required");
	if (!t.keyring)
		return usage_err("peer trust: --keyring is required");

	nl = nl_open("peer trust");
	if (!nl)
		return 1;
	err = dtls_peer_trust(nl, -1, ino, &t, msg, sizeof(msg));
	dtls_close(nl);
	if (err) {
		fail_nl("peer trust", err, msg);
		return 1;
	}
	return 0;
}

static const struct cmd peer_commands[] = {
	{ "pin", NULL, NULL, cmd_peer_pin },
	{ "trust", NULL, NULL, cmd_peer_trust },
};

int cmd_peer(int argc, char **argv)
{
	return dispatch_sub("peer", peer_commands, ARRAY_SIZE(peer_commands),
			    argc, argv);
}
