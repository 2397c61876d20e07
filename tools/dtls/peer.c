// SPDX-License-Identifier: GPL-2.0
/*
 * dtls peer pin: the certificates a socket's kernel handshake accepts
 * from its peer, by SHA-256 digest of the end-entity certificate's DER
 * (WebRTC's a=fingerprint), given as hex or computed from a certificate
 * file.  A client needs pins to offer the ECDHE-ECDSA suites; a server
 * with pins asks its client for a certificate (--required: and fails one
 * without).
 *
 * --spki-sha256 and --spki-cert pin a key instead, by SHA-256 of its
 * SubjectPublicKeyInfo: a raw public key (RFC 7250), which the kernel
 * then also offers to take, or the key of a certificate.
 *
 * dtls peer delegate: the same, and user space decides last on each
 * peer certificate (the handshake waits for dtls peer verdict, or fails
 * with certificate_unknown after --timeout ms); dtls monitor prints the
 * peer-cert events that ask.
 *
 * dtls peer trust: the chain the peer sends must lead to a trust anchor
 * of a kernel keyring (keys of type "asymmetric", e.g. `keyctl padd
 * asymmetric "" %:ring < ca.der`), and with --name its certificate must
 * hold that DNS name or address; --sha256/--cert pins may be added, and
 * then both must pass; and --spki-* and --timeout as well, as above.
 *
 * Each command replaces the socket's peer authentication settings as a
 * whole: they are one peer-auth request.
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

enum peer_cmd { PEER_PIN, PEER_DELEGATE, PEER_TRUST };

/*
 * peer pin, peer delegate and peer trust: pins, of certificates or keys,
 * a keyring of trust anchors and the name to check, delegation; one
 * peer-auth request with all of them.  Each command needs its own kind.
 */
static int peer_auth(int argc, char **argv, enum peer_cmd cmd)
{
	static const struct option opts[] = {
		{ "ino",	required_argument, NULL, 'i' },
		{ "sha256",	required_argument, NULL, 'S' },
		{ "cert",	required_argument, NULL, 'c' },
		{ "spki-sha256", required_argument, NULL, 'K' },
		{ "spki-cert",	required_argument, NULL, 'k' },
		{ "required",	no_argument,	   NULL, 'r' },
		{ "timeout",	required_argument, NULL, 't' },
		{ "keyring",	required_argument, NULL, 'R' },
		{ "name",	required_argument, NULL, 'n' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const whats[] = {
		[PEER_PIN] = "peer pin",
		[PEER_DELEGATE] = "peer delegate",
		[PEER_TRUST] = "peer trust",
	};
	static const char *const usages[] = {
		[PEER_PIN] = "peer pin --ino N (--sha256 HEX | --cert FILE | --spki-sha256 HEX | --spki-cert FILE)... [--keyring ID [--name NAME]] [--required]",
		[PEER_DELEGATE] = "peer delegate --ino N [--timeout MS] [--sha256 HEX | --cert FILE | --spki-sha256 HEX | --spki-cert FILE]... [--keyring ID [--name NAME]] [--required]",
		[PEER_TRUST] = "peer trust --ino N --keyring ID [--name NAME] [--sha256 HEX | --cert FILE | --spki-sha256 HEX | --spki-cert FILE]... [--required]",
	};
	const char *what = whats[cmd];
	bool deleg = cmd == PEER_DELEGATE;
	uint8_t pins[DTLS_PEER_PINS_MAX][32], spki[DTLS_PEER_PINS_MAX][32];
	struct dtls_peer_auth_cfg cfg = {
		.pins = pins, .spki = spki, .delegate = deleg,
	};
	struct cert_file cf;
	struct dtls_nl *nl;
	uint64_t ino = 0;
	uint8_t (*pin)[32];
	char msg[256];
	size_t *n;
	int c, err;

	cur_usage = usages[cmd];
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (!deleg)
				return opt_help('?');
			if (!opt_u32("timeout", optarg,
				     &cfg.delegate_timeout_ms))
				return 1;
			break;
		case 'i':
			if (!opt_ino(optarg, &ino))
				return 1;
			break;
		case 'R':
			if (!parse_keyring(optarg, &cfg.keyring))
				return usage_err("--keyring: a key serial, or @s, @u, @us, @p, @t");
			break;
		case 'n':
			if (strlen(optarg) > 253)
				return usage_err("--name: at most 253 bytes");
			cfg.name = optarg;
			break;
		case 'S':
		case 'c':
		case 'K':
		case 'k':
			n = c == 'S' || c == 'c' ? &cfg.n_pins : &cfg.n_spki;
			pin = c == 'S' || c == 'c' ? pins : spki;
			if (*n == DTLS_PEER_PINS_MAX) {
				fail("%s: at most %d pins of a kind", what,
				     DTLS_PEER_PINS_MAX);
				return 1;
			}
			if ((c == 'S' || c == 'K') &&
			    !parse_sha256(optarg, pin[*n])) {
				fail("--%s: '%s' is not a SHA-256 digest (64 hex digits, or 32 pairs with colons as openssl x509 -fingerprint -sha256 prints)",
				     c == 'S' ? "sha256" : "spki-sha256", optarg);
				return 1;
			}
			/* The end-entity certificate: the file's first. */
			if ((c == 'c' || c == 'k') &&
			    certs_load(optarg, &cf, what))
				return 1;
			if (c == 'c')
				SHA256(cf.der[0], cf.len[0], pin[*n]);
			if (c == 'k' &&
			    cert_spki_sha256(cf.der[0], cf.len[0], pin[*n])) {
				fail("%s: %s: no public key in the certificate",
				     what, optarg);
				certs_free(&cf);
				return 1;
			}
			if (c == 'c' || c == 'k')
				certs_free(&cf);
			(*n)++;
			break;
		case 'r':
			cfg.required = true;
			break;
		default:
			return opt_help(c);
		}
	}
	if (optind < argc) {
		fail("%s: unexpected argument", what);
		return usage_err(NULL);
	}
	if (!ino) {
		fail("%s: --ino is required", what);
		return usage_err(NULL);
	}
	if (cmd == PEER_PIN && !cfg.n_pins && !cfg.n_spki)
		return usage_err("peer pin: give at least one pin");
	if (cmd == PEER_TRUST && !cfg.keyring)
		return usage_err("peer trust: --keyring is required");

	nl = nl_open(what);
	if (!nl)
		return 1;
	err = dtls_peer_auth_set(nl, -1, ino, &cfg, msg, sizeof(msg));
	dtls_close(nl);
	if (err) {
		fail_nl(what, err, msg);
		return 1;
	}
	return 0;
}

static int cmd_peer_pin(int argc, char **argv)
{
	return peer_auth(argc, argv, PEER_PIN);
}

static int cmd_peer_delegate(int argc, char **argv)
{
	return peer_auth(argc, argv, PEER_DELEGATE);
}

/* peer verdict --ino N --id ID accept|reject */
static int cmd_peer_verdict(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ino",	required_argument, NULL, 'i' },
		{ "id",		required_argument, NULL, 'I' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dtls_nl *nl;
	uint64_t ino = 0;
	uint32_t id = 0;
	bool accept;
	char msg[256];
	int c, err;

	cur_usage = "peer verdict --ino N --id ID accept|reject";
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (!opt_ino(optarg, &ino))
				return 1;
			break;
		case 'I':
			if (!opt_u32("id", optarg, &id))
				return 1;
			break;
		default:
			return opt_help(c);
		}
	}
	if (!ino)
		return usage_err("peer verdict: --ino is required");
	if (!id)
		return usage_err("peer verdict: --id is required");
	if (optind + 1 != argc)
		return usage_err("peer verdict: say accept or reject");
	if (!strcmp(argv[optind], "accept"))
		accept = true;
	else if (!strcmp(argv[optind], "reject"))
		accept = false;
	else
		return usage_err("peer verdict: say accept or reject");

	nl = nl_open("peer verdict");
	if (!nl)
		return 1;
	err = dtls_peer_verdict(nl, -1, ino, id, accept, msg, sizeof(msg));
	dtls_close(nl);
	if (err) {
		fail_nl("peer verdict", err, msg);
		return 1;
	}
	return 0;
}


static int cmd_peer_trust(int argc, char **argv)
{
	return peer_auth(argc, argv, PEER_TRUST);
}

static const struct cmd peer_commands[] = {
	{ "pin", NULL, NULL, cmd_peer_pin },
	{ "delegate", NULL, NULL, cmd_peer_delegate },
	{ "verdict", NULL, NULL, cmd_peer_verdict },
	{ "trust", NULL, NULL, cmd_peer_trust },
};

int cmd_peer(int argc, char **argv)
{
	return dispatch_sub("peer", peer_commands, ARRAY_SIZE(peer_commands),
			    argc, argv);
}
