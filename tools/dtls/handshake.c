// SPDX-License-Identifier: GPL-2.0
/*
 * dtls handshake config|start|abort|show: a socket's kernel handshake,
 * named by inode number.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <linux/dtls_netlink.h>

#include "cli.h"

static int cmd_hs_config(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ino",		required_argument, NULL, 'i' },
		{ "role",		required_argument, NULL, 'r' },
		{ "suite",		required_argument, NULL, 's' },
		{ "group",		required_argument, NULL, 'g' },
		{ "mtu",		required_argument, NULL, 'm' },
		{ "rto-initial-ms",	required_argument, NULL, 'R' },
		{ "rto-max-ms",		required_argument, NULL, 'M' },
		{ "timeout-ms",		required_argument, NULL, 't' },
		{ "cookies",		required_argument, NULL, 'c' },
		{ "icmp",		required_argument, NULL, 'I' },
		{ "hint-file",		required_argument, NULL, 'H' },
		{ "start",		no_argument,	   NULL, 'S' },
		{ "srtp",		required_argument, NULL, 'P' },
		{ "srtp-mki",		required_argument, NULL, 'K' },
		{ "srtp-required",	no_argument,	   NULL, 'Q' },
		{ "help",		no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint16_t suites[16], groups[4], srtp[8];
	uint8_t mki[512];	/* the hex, then the bytes */
	ssize_t mki_len;
	struct dtls_hs_config cfg = { .cookies = -1 };
	uint8_t hint[256];
	struct dtls_nl *nl;
	char msg[256];
	uint64_t ino = 0;
	ssize_t hint_len;
	int c, err;

	cur_usage = "handshake config --ino N [--role client|server] [--suite NAME|0xNNNN]... [--group x25519|secp256r1]... [--mtu N] [--rto-initial-ms N] [--rto-max-ms N] [--timeout-ms N] [--cookies on|off] [--icmp fail|ignore] [--hint-file FILE] [--srtp PROFILE]... [--srtp-mki HEX] [--srtp-required] [--start]";
	cfg.srtp_profiles = srtp;
	cfg.suites = suites;
	cfg.groups = groups;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (!opt_ino(optarg, &ino))
				return 1;
			break;
		case 'r':
			if (!strcmp(optarg, "client")) {
				cfg.role = DTLS_HS_ROLE_CLIENT;
			} else if (!strcmp(optarg, "server")) {
				cfg.role = DTLS_HS_ROLE_SERVER;
			} else {
				fail("--role: '%s' is not client or server", optarg);
				return 1;
			}
			break;
		case 's':
			if (cfg.n_suites == ARRAY_SIZE(suites)) {
				fail("--suite: at most %zu", ARRAY_SIZE(suites));
				return 1;
			}
			if (dtls_suite_parse(optarg, &suites[cfg.n_suites])) {
				fail("--suite: unknown suite '%s' (a name such as PSK-AES128-GCM-SHA256, or 0xNNNN)",
				     optarg);
				return 1;
			}
			cfg.n_suites++;
			break;
		case 'g':
			if (cfg.n_groups == ARRAY_SIZE(groups)) {
				fail("--group: at most %zu", ARRAY_SIZE(groups));
				return 1;
			}
			if (dtls_group_parse(optarg, &groups[cfg.n_groups])) {
				fail("--group: unknown group '%s' (x25519, secp256r1, or a number)",
				     optarg);
				return 1;
			}
			cfg.n_groups++;
			break;
		case 'm':
			if (!opt_u32("mtu", optarg, &cfg.mtu))
				return 1;
			break;
		case 'R':
			if (!opt_u32("rto-initial-ms", optarg, &cfg.rto_initial_ms))
				return 1;
			break;
		case 'M':
			if (!opt_u32("rto-max-ms", optarg, &cfg.rto_max_ms))
				return 1;
			break;
		case 't':
			if (!opt_u32("timeout-ms", optarg, &cfg.timeout_ms))
				return 1;
			break;
		case 'c':
			if (!strcmp(optarg, "on")) {
				cfg.cookies = 1;
			} else if (!strcmp(optarg, "off")) {
				cfg.cookies = 0;
			} else {
				fail("--cookies: '%s' is not on or off", optarg);
				return 1;
			}
			break;
		case 'I':
			if (!strcmp(optarg, "fail")) {
				cfg.icmp_ignore = -1;
			} else if (!strcmp(optarg, "ignore")) {
				cfg.icmp_ignore = 1;
			} else {
				fail("--icmp: '%s' is not fail or ignore", optarg);
				return 1;
			}
			break;
		case 'H':
			hint_len = read_file(optarg, hint, 128, false);
			if (hint_len < 0)
				return 1;
			cfg.hint = hint;
			cfg.hint_len = hint_len;
			break;
		case 'S':
			cfg.start = 1;
			break;
		case 'P':
			if (cfg.n_srtp_profiles == ARRAY_SIZE(srtp)) {
				fail("--srtp: at most %zu", ARRAY_SIZE(srtp));
				return 1;
			}
			if (dtls_srtp_profile_parse(optarg,
						    &srtp[cfg.n_srtp_profiles])) {
				fail("--srtp: unknown profile '%s' (SRTP_AES128_CM_SHA1_80, SRTP_AES128_CM_SHA1_32, SRTP_AEAD_AES_128_GCM, SRTP_AEAD_AES_256_GCM or a number)",
				     optarg);
				return 1;
			}
			cfg.n_srtp_profiles++;
			break;
		case 'K':
			if (strlen(optarg) > sizeof(mki)) {
				fail("--srtp-mki: too long");
				return 1;
			}
			memcpy(mki, optarg, strlen(optarg));
			mki_len = strlen(optarg);
			mki_len = dtls_unhex(mki, mki_len);
			if (mki_len < 0) {
				fail("--srtp-mki: '%s' is not hex", optarg);
				return 1;
			}
			cfg.srtp_mki = mki;
			cfg.srtp_mki_len = mki_len;
			break;
		case 'Q':
			cfg.srtp_required = 1;
			break;
		default:
			return opt_help(c);
		}
	}
	if (optind < argc)
		return usage_err("handshake config: unexpected argument");
	if (!ino)
		return usage_err("handshake config: --ino is required");

	nl = nl_open("handshake config");
	if (!nl)
		return 1;
	err = dtls_hs_config(nl, -1, ino, &cfg, msg, sizeof(msg));
	dtls_close(nl);
	if (err) {
		fail_nl("handshake config", err, msg);
		return 1;
	}
	return 0;
}

/* --ino N and, for show, -j: the common options of start, abort, show. */
static int hs_ino_args(int argc, char **argv, uint64_t *ino, bool *json)
{
	static const struct option opts[] = {
		{ "ino",	required_argument, NULL, 'i' },
		{ "json",	no_argument,	   NULL, 'j' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*ino = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, json ? "jh" : "h", opts,
				NULL)) != -1) {
		switch (c) {
		case 'i':
			if (!opt_ino(optarg, ino))
				return 1;
			break;
		case 'j':
			if (!json)
				return usage_err(NULL);
			*json = true;
			break;
		case 'h':
			usage_err(NULL);
			return -1;
		default:
			return usage_err(NULL);
		}
	}
	if (optind < argc)
		return usage_err("unexpected argument");
	if (!*ino)
		return usage_err("--ino is required");
	return 0;
}

/*
 * start and abort: --ino N and one request, nothing printed.  Where the
 * kernel gives no text, abort's two expected errors get one.
 */
static int hs_ino_request(int argc, char **argv, const char *what,
			  int (*req)(struct dtls_nl *h, int fd, uint64_t ino,
				     char *msg, size_t msglen))
{
	struct dtls_nl *nl;
	char msg[256];
	uint64_t ino;
	int err;

	err = hs_ino_args(argc, argv, &ino, NULL);
	if (err)
		return err < 0 ? 0 : err;
	nl = nl_open(what);
	if (!nl)
		return 1;
	err = req(nl, -1, ino, msg, sizeof(msg));
	dtls_close(nl);
	if (req == dtls_hs_abort && err == -ENOENT && !*msg)
		snprintf(msg, sizeof(msg), "no handshake running on this socket");
	else if (req == dtls_hs_abort && err == -EALREADY && !*msg)
		snprintf(msg, sizeof(msg), "the handshake is already over");
	if (err) {
		fail_nl(what, err, msg);
		return 1;
	}
	return 0;
}

static int cmd_hs_start(int argc, char **argv)
{
	cur_usage = "handshake start --ino N";
	return hs_ino_request(argc, argv, "handshake start", dtls_hs_start);
}

static int cmd_hs_abort(int argc, char **argv)
{
	cur_usage = "handshake abort --ino N";
	return hs_ino_request(argc, argv, "handshake abort", dtls_hs_abort);
}

static int cmd_hs_show(int argc, char **argv)
{
	struct dtls_hs_info h;
	bool json = false;
	struct dtls_nl *nl;
	char msg[256];
	uint64_t ino;
	int err;

	cur_usage = "handshake show --ino N [-j|--json]";
	err = hs_ino_args(argc, argv, &ino, &json);
	if (err)
		return err < 0 ? 0 : err;
	nl = nl_open("handshake show");
	if (!nl)
		return 1;
	err = dtls_hs_get(nl, -1, ino, &h, msg, sizeof(msg));
	dtls_close(nl);
	if (err) {
		fail_nl("handshake show", err, msg);
		return 1;
	}
	if (json) {
		bool first = true;

		putchar('{');
		json_key(&first, "ino");
		printf("%" PRIu64, h.ino);
		hs_json(&first, &h);
		puts("}");
	} else {
		printf("ino %" PRIu64, h.ino);
		hs_text(&h, true);
		putchar('\n');
	}
	return 0;
}

static const struct cmd hs_commands[] = {
	{ "config", NULL, NULL, cmd_hs_config },
	{ "start", NULL, NULL, cmd_hs_start },
	{ "abort", NULL, NULL, cmd_hs_abort },
	{ "show", NULL, NULL, cmd_hs_show },
};


int cmd_handshake(int argc, char **argv)
{
	return dispatch_sub("handshake", hs_commands, ARRAY_SIZE(hs_commands),
			    argc, argv);
}
