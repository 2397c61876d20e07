// SPDX-License-Identifier: GPL-2.0
/*
 * dtls psk set: give a socket's kernel handshake a PSK, read from a file,
 * stdin or the kernel keyring: never from the command line.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Large enough for the kernel to judge the length (1..64) itself. */
#define KEY_FILE_MAX	1024

/* argv options that would carry a key: refused, with where to put it. */
static bool key_on_argv(int argc, char **argv)
{
	static const char *const bad[] = { "--key", "--psk", "-k", "--secret" };

	for (int i = 1; i < argc; i++) {
		for (size_t j = 0; j < ARRAY_SIZE(bad); j++) {
			size_t n = strlen(bad[j]);

			if (!strncmp(argv[i], bad[j], n) &&
			    (argv[i][n] == '\0' || argv[i][n] == '=')) {
				fail("psk set: %s: keys are never taken from the command line, where ps and shell history show them; use --key-file FILE, --key-file - (stdin) or --key-serial SERIAL",
				     bad[j]);
				return true;
			}
		}
	}
	return false;
}

static int cmd_psk_set(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ino",	required_argument, NULL, 'i' },
		{ "identity",	required_argument, NULL, 'I' },
		{ "key-file",	required_argument, NULL, 'f' },
		{ "key-serial",	required_argument, NULL, 's' },
		{ "hex",	no_argument,	   NULL, 'x' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *identity = NULL, *key_file = NULL;
	static uint8_t key[KEY_FILE_MAX];
	bool hex = false, serial_set = false;
	uint64_t ino = 0, serial = 0;
	struct dtls_nl *nl;
	char msg[256];
	ssize_t len = 0;
	int c, err;

	cur_usage = "psk set --ino N --identity ID (--key-file FILE [--hex] | --key-file - [--hex] | --key-serial SERIAL)";
	if (key_on_argv(argc, argv))
		return usage_err(NULL);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (!opt_ino(optarg, &ino))
				return 1;
			break;
		case 'I':
			identity = optarg;
			break;
		case 'f':
			key_file = optarg;
			break;
		case 's':
			if (!parse_uint(optarg, INT32_MAX, &serial) || !serial) {
				fail("--key-serial: '%s' is not a key serial number",
				     optarg);
				return 1;
			}
			serial_set = true;
			break;
		case 'x':
			hex = true;
			break;
		default:
			return opt_help(c);
		}
	}
	if (optind < argc)
		return usage_err("psk set: unexpected argument (a key? keys are read from --key-file)");
	if (!ino || !identity)
		return usage_err("psk set: --ino and --identity are required");
	if (!key_file == !serial_set)
		return usage_err("psk set: give one of --key-file and --key-serial");
	if (hex && !key_file)
		return usage_err("psk set: --hex goes with --key-file");

	if (!serial_set) {
		len = read_file(key_file, key, sizeof(key), true);
		if (len < 0)
			return 1;
		if (hex) {
			len = dtls_unhex(key, len);
			if (len < 0) {
				explicit_bzero(key, sizeof(key));
				fail("psk set: %s: not an even number of hex digits",
				     key_file);
				return 1;
			}
		}
	}
	nl = nl_open("psk set");
	if (!nl) {
		explicit_bzero(key, sizeof(key));
		return 1;
	}
	/* serial is 0 with a key file: the key goes. */
	err = dtls_psk_add(nl, -1, ino, identity, strlen(identity),
			   serial_set ? NULL : key, serial_set ? 0 : len,
			   (int32_t)serial, msg, sizeof(msg));
	explicit_bzero(key, sizeof(key));
	dtls_close(nl);
	if (err) {
		fail_nl("psk set", err, msg);
		return 1;
	}
	return 0;
}

static const struct cmd psk_commands[] = {
	{ "set", NULL, NULL, cmd_psk_set },
};


int cmd_psk(int argc, char **argv)
{
	return dispatch_sub("psk", psk_commands, ARRAY_SIZE(psk_commands),
			    argc, argv);
}
