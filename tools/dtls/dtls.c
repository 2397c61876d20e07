// SPDX-License-Identifier: GPL-2.0
/*
 * dtls: inspect and configure kdtls sockets.
 *
 *   dtls show [-j|--json] [-s|--stats]
 *   dtls psk set --ino N --identity ID (--key-file F [--hex] | --key-serial S)
 *   dtls handshake config --ino N [--role R] [--suite S]... [--group G]...
 *                         [--mtu N] [--rto-initial-ms N] [--rto-max-ms N]
 *                         [--timeout-ms N] [--cookies on|off] [--hint-file F]
 *                         [--icmp fail|ignore] [--start]
 *   dtls handshake start|abort --ino N
 *   dtls handshake show --ino N [-j]
 *   dtls monitor [-j] [-c N]
 *   dtls version
 *   dtls help
 *
 * Keys are read from files or stdin, never from the command line, where
 * ps(1) and shell history would show them.
 */
#define _GNU_SOURCE	/* strerrorname_np() */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/dtls_netlink.h>

#include "libdtls.h"

#define PROG			"dtls"
#define SYSFS_MODULE		"/sys/module/dtls"

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/*
 * A command gets argv[0] == its own name.  Commands with subcommands
 * ("psk set", "handshake start") get a table of their own and call
 * dispatch() on it.
 */
struct cmd {
	const char	*name;
	const char	*args;
	const char	*help;
	int		(*fn)(int argc, char **argv);
};

static void __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* "dtls: <what>: <strerror> (<kernel message>)" */
static void fail_nl(const char *what, int err, const char *kmsg)
{
	/* Without kernel text, -ENOENT comes from the family lookup. */
	if (err == -ENOENT && (!kmsg || !*kmsg))
		kmsg = "generic netlink family \"dtls\" not found: is the dtls module loaded?";
	if (err == -EPERM && (!kmsg || !*kmsg))
		kmsg = "naming a socket by inode number needs CAP_NET_ADMIN";

	if (kmsg && *kmsg)
		fail("%s: %s (%s)", what, strerror(-err), kmsg);
	else
		fail("%s: %s", what, strerror(-err));
}

/* "EKEYREJECTED", or the number for an errno glibc does not name. */
static const char *errno_name(int err, char *buf, size_t len)
{
	const char *name = err > 0 ? strerrorname_np(err) : NULL;

	if (name)
		return name;
	snprintf(buf, len, "%d", err);
	return buf;
}

/* Decimal, no sign, fits in @max. */
static bool parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

/* JSON string; our strings are ASCII, control characters are escaped. */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = *s;

		switch (ch) {
		case '"':
			fputs("\\\"", stdout);
			break;
		case '\\':
			fputs("\\\\", stdout);
			break;
		case '\b':
			fputs("\\b", stdout);
			break;
		case '\f':
			fputs("\\f", stdout);
			break;
		case '\n':
			fputs("\\n", stdout);
			break;
		case '\r':
			fputs("\\r", stdout);
			break;
		case '\t':
			fputs("\\t", stdout);
			break;
		default:
			if (ch < 0x20)
				printf("\\u%04x", ch);
			else
				putchar(ch);
		}
	}
	putchar('"');
}

static void json_key(bool *first, const char *key)
{
	if (!*first)
		putchar(',');
	*first = false;
	json_str(key);
	putchar(':');
}

static void json_addr(bool *first, const char *key, uint16_t family,
		      const uint8_t *addr)
{
	char ip[INET6_ADDRSTRLEN];

	if (!inet_ntop(family, addr, ip, sizeof(ip)))
		snprintf(ip, sizeof(ip), "?");
	json_key(first, key);
	json_str(ip);
}

/*
 * A PSK identity as text: as it is if it is printable ASCII without
 * spaces (and does not look like hex), else "0x" and hex.
 */
static bool id_printable(const uint8_t *id, size_t len)
{
	if (!len || (len >= 2 && id[0] == '0' && (id[1] == 'x' || id[1] == 'X')))
		return false;
	for (size_t i = 0; i < len; i++)
		if (id[i] <= 0x20 || id[i] >= 0x7f)
			return false;
	return true;
}

static void print_id(const uint8_t *id, size_t len)
{
	if (id_printable(id, len)) {
		fwrite(id, 1, len, stdout);
		return;
	}
	fputs("0x", stdout);
	for (size_t i = 0; i < len; i++)
		printf("%02x", id[i]);
}

/* Handshake state, result and events */

/*
 * " role server state established suite X peer-identity Y", or
 * " ... state failed error ECONNREFUSED alert bad_record_mac received".
 */
static void hs_text(const struct dtls_hs_info *h, bool state)
{
	char ebuf[16];

	printf(" role %s", dtls_hs_role_name(h->role));
	if (state)
		printf(" state %s", dtls_hs_state_name(h->state));
	if (h->suite)
		printf(" suite %s", dtls_suite_name(h->suite));
	if (h->peer_id_len) {
		fputs(" peer-identity ", stdout);
		print_id(h->peer_id, h->peer_id_len);
	}
	if (h->error)
		printf(" error %s", errno_name(h->error, ebuf, sizeof(ebuf)));
	if (h->alert)
		printf(" alert %s %s", dtls_alert_name(h->alert),
		       h->alert_remote ? "received" : "sent");
}

/* The members of the JSON object of a handshake, after @first. */
static void hs_json(bool *first, const struct dtls_hs_info *h)
{
	char ebuf[16], hex[2 * sizeof(h->peer_id) + 1];

	json_key(first, "role");
	json_str(dtls_hs_role_name(h->role));
	json_key(first, "state");
	json_str(dtls_hs_state_name(h->state));
	if (h->suite) {
		json_key(first, "suite");
		json_str(dtls_suite_name(h->suite));
		json_key(first, "suite_id");
		printf("%u", h->suite);
	}
	if (h->peer_id_len) {
		for (size_t i = 0; i < h->peer_id_len; i++)
			snprintf(hex + 2 * i, 3, "%02x", h->peer_id[i]);
		if (id_printable(h->peer_id, h->peer_id_len)) {
			char id[sizeof(h->peer_id) + 1];

			memcpy(id, h->peer_id, h->peer_id_len);
			id[h->peer_id_len] = '\0';
			json_key(first, "peer_identity");
			json_str(id);
		}
		json_key(first, "peer_identity_hex");
		json_str(hex);
	}
	if (h->error) {
		json_key(first, "error");
		json_str(errno_name(h->error, ebuf, sizeof(ebuf)));
		json_key(first, "errno");
		printf("%u", h->error);
	}
	if (h->alert) {
		json_key(first, "alert");
		json_str(dtls_alert_name(h->alert));
		json_key(first, "alert_id");
		printf("%u", h->alert);
		json_key(first, "alert_remote");
		fputs(h->alert_remote ? "true" : "false", stdout);
	}
}

/* The handshake of a listed socket, if it has one (state not 0). */
static bool hs_of(uint64_t ino, struct dtls_hs_info *h)
{
	return !dtls_hs_get(-1, ino, h, NULL, 0) && h->state;
}

/* show */

static const char *family_name(uint16_t family)
{
	return family == AF_INET6 ? "inet6" : "inet";
}

/* Counters in the order of the netlink spec, with its names. */
static const struct {
	const char	*name;
	size_t		off;
} stat_fields[] = {
#define STAT(name, field) { name, offsetof(struct dtls_sock_stats, field) }
	STAT("tx-records", tx_records),
	STAT("tx-bytes", tx_bytes),
	STAT("rx-records", rx_records),
	STAT("rx-bytes", rx_bytes),
	STAT("rx-auth-fail", rx_auth_fail),
	STAT("rx-replay", rx_replay),
	STAT("rx-bad-epoch", rx_bad_epoch),
	STAT("rx-malformed", rx_malformed),
	STAT("rx-not-dtls", rx_not_dtls),
	STAT("rx-dropped", rx_dropped),
	STAT("final-resent", final_resent),
	STAT("final-drop-data", final_drop_data),
	STAT("final-drop-user", final_drop_user),
	STAT("final-drop-timer", final_drop_timer),
	STAT("final-late", final_late),
#undef STAT
};

static uint64_t stat_value(const struct dtls_sock_stats *st, size_t i)
{
	uint64_t v;

	memcpy(&v, (const char *)st + stat_fields[i].off, sizeof(v));
	return v;
}

/* "aes-gcm-128", or "cipher-N" for a cipher this tool does not know. */
static const char *cipher_str(uint16_t cipher, char *buf, size_t len)
{
	const char *name = dtls_cipher_name(cipher);

	if (name)
		return name;
	snprintf(buf, len, "cipher-%u", cipher);
	return buf;
}

static void show_text(const struct dtls_sock_info *v, size_t n, bool stats)
{
	char local[64], peer[64], cbuf[32];

	for (size_t i = 0; i < n; i++) {
		const struct dtls_sock_info *s = &v[i];
		struct dtls_hs_info h;

		if (dtls_sock_info_format_addr(s, false, local, sizeof(local)))
			snprintf(local, sizeof(local), "?");
		printf("ino %" PRIu64 " netns %" PRIu32 " %s %s", s->ino,
		       s->netns_ino, family_name(s->family), local);
		if (s->connected &&
		    !dtls_sock_info_format_addr(s, true, peer, sizeof(peer)))
			printf(" peer %s", peer);
		printf(" state %s uid %" PRIu32, dtls_state_name(s->state),
		       s->uid);
		if (s->tx_cipher)
			printf(" tx %s epoch %u",
			       cipher_str(s->tx_cipher, cbuf, sizeof(cbuf)),
			       s->tx_epoch);
		if (s->rx_cipher)
			printf(" rx %s epoch %u",
			       cipher_str(s->rx_cipher, cbuf, sizeof(cbuf)),
			       s->rx_epoch);
		if (hs_of(s->ino, &h)) {
			fputs(" hs", stdout);
			hs_text(&h, true);
		}
		if (s->final_held)
			printf(" final-flight %" PRIu32 "B resends %" PRIu32
			       " age %" PRIu32 "ms", s->final_bytes,
			       s->final_resends, s->final_age_ms);
		putchar('\n');
		if (stats && s->has_stats) {
			fputs("   ", stdout);
			for (size_t j = 0; j < ARRAY_SIZE(stat_fields); j++)
				printf(" %s %" PRIu64, stat_fields[j].name,
				       stat_value(&s->stats, j));
			putchar('\n');
		}
	}
}

/* "tx": {"cipher": "aes-gcm-128", "cipher_type": 51, "epoch": 1} */
static void json_keys(bool *first, const char *key, uint16_t cipher,
		      uint16_t epoch)
{
	const char *name = dtls_cipher_name(cipher);
	bool f = true;

	json_key(first, key);
	putchar('{');
	json_key(&f, "cipher");
	if (name)
		json_str(name);
	else
		fputs("null", stdout);
	json_key(&f, "cipher_type");
	printf("%u", cipher);
	json_key(&f, "epoch");
	printf("%u", epoch);
	putchar('}');
}

/* "stats": {"tx_records": 0, ...}, keys as the netlink names, '_' for '-' */
static void json_stats(bool *first, const struct dtls_sock_stats *st)
{
	bool f = true;

	json_key(first, "stats");
	putchar('{');
	for (size_t j = 0; j < ARRAY_SIZE(stat_fields); j++) {
		char key[32];

		snprintf(key, sizeof(key), "%s", stat_fields[j].name);
		for (char *p = key; *p; p++)
			if (*p == '-')
				*p = '_';
		json_key(&f, key);
		printf("%" PRIu64, stat_value(st, j));
	}
	putchar('}');
}

static void show_json(const struct dtls_sock_info *v, size_t n, bool stats)
{
	putchar('[');
	for (size_t i = 0; i < n; i++) {
		const struct dtls_sock_info *s = &v[i];
		struct dtls_hs_info h;
		bool first = true;

		if (i)
			putchar(',');
		putchar('{');
		json_key(&first, "ino");
		printf("%" PRIu64, s->ino);
		json_key(&first, "netns");
		printf("%" PRIu32, s->netns_ino);
		json_key(&first, "family");
		json_str(family_name(s->family));
		json_addr(&first, "local_addr", s->family, s->local_addr);
		json_key(&first, "local_port");
		printf("%u", s->local_port);
		if (s->connected) {
			json_addr(&first, "peer_addr", s->family, s->peer_addr);
			json_key(&first, "peer_port");
			printf("%u", s->peer_port);
		}
		json_key(&first, "state");
		json_str(dtls_state_name(s->state));
		json_key(&first, "uid");
		printf("%" PRIu32, s->uid);
		if (s->tx_cipher)
			json_keys(&first, "tx", s->tx_cipher, s->tx_epoch);
		if (s->rx_cipher)
			json_keys(&first, "rx", s->rx_cipher, s->rx_epoch);
		if (stats && s->has_stats)
			json_stats(&first, &s->stats);
		if (s->final_held) {
			json_key(&first, "final_flight");
			printf("{\"bytes\": %" PRIu32 ", \"resends\": %" PRIu32
			       ", \"age_ms\": %" PRIu32 "}", s->final_bytes,
			       s->final_resends, s->final_age_ms);
		}
		if (hs_of(s->ino, &h)) {
			bool f = true;

			json_key(&first, "handshake");
			putchar('{');
			hs_json(&f, &h);
			putchar('}');
		}
		putchar('}');
	}
	puts("]");
}

static int cmd_show(int argc, char **argv)
{
	struct dtls_sock_info *v;
	bool json = false, stats = false;
	size_t n;
	int err;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "-s") || !strcmp(argv[i], "--stats")) {
			stats = true;
		} else if (!strcmp(argv[i], "-js") || !strcmp(argv[i], "-sj")) {
			json = stats = true;
		} else {
			fail("show: unknown argument '%s'", argv[i]);
			fprintf(stderr, "Usage: " PROG " show [-j|--json] [-s|--stats]\n");
			return 1;
		}
	}

	err = dtls_sock_list(&v, &n);
	if (err) {
		fail_nl("show", err, NULL);
		return 1;
	}
	if (json)
		show_json(v, n, stats);
	else
		show_text(v, n, stats);
	free(v);
	return 0;
}

/* Options shared by psk and handshake: getopt_long() with a usage line. */

static const char *cur_usage;	/* of the running subcommand */

static int usage_err(const char *what)
{
	if (what)
		fail("%s", what);
	fprintf(stderr, "Usage: " PROG " %s\n", cur_usage);
	return 1;
}

static bool opt_ino(const char *arg, uint64_t *ino)
{
	if (parse_uint(arg, UINT64_MAX, ino) && *ino)
		return true;
	fail("--ino: '%s' is not an inode number", arg);
	return false;
}

/* A value for a *-ms or mtu option: 1..UINT32_MAX, ranges are the kernel's. */
static bool opt_u32(const char *name, const char *arg, uint32_t *v)
{
	uint64_t x;

	if (parse_uint(arg, UINT32_MAX, &x) && x) {
		*v = (uint32_t)x;
		return true;
	}
	fail("--%s: '%s' is not a number from 1 to %u", name, arg, UINT32_MAX);
	return false;
}

/*
 * Read at most @max bytes of @path ("-": stdin) into @buf with read(2):
 * no stdio buffer keeps a copy.  A @secret file that every user may read
 * is worth a warning.  Return the length, or -1 (reported).
 */
static ssize_t read_file(const char *path, uint8_t *buf, size_t max,
			 bool secret)
{
	const char *name = strcmp(path, "-") ? path : "stdin";
	struct stat st;
	ssize_t n;

	if (secret && strcmp(path, "-") && !stat(path, &st) &&
	    S_ISREG(st.st_mode) && (st.st_mode & S_IRWXO))
		fprintf(stderr, PROG ": warning: %s is accessible to every user\n",
			path);
	n = dtls_read_file(path, buf, max);
	if (n == -EFBIG)
		fail("%s: longer than %zu bytes", name, max);
	else if (n < 0)
		fail("%s: %s", name, strerror(-n));
	return n < 0 ? -1 : n;
}

/* psk */

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
	char msg[256];
	ssize_t len;
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
		case 'h':
			usage_err(NULL);
			return 0;
		default:
			return usage_err(NULL);
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

	if (serial_set) {
		err = dtls_psk_add(-1, ino, identity, strlen(identity), NULL, 0,
				   (int32_t)serial, msg, sizeof(msg));
	} else {
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
		err = dtls_psk_add(-1, ino, identity, strlen(identity), key, len,
				   0, msg, sizeof(msg));
		explicit_bzero(key, sizeof(key));
	}
	if (err) {
		fail_nl("psk set", err, msg);
		return 1;
	}
	return 0;
}

static const struct cmd psk_commands[] = {
	{ "set", NULL, NULL, cmd_psk_set },
};

static int cmd_psk(int argc, char **argv);

/* handshake */

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
		{ "help",		no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint16_t suites[8], groups[4];
	struct dtls_hs_config cfg = { .cookies = -1 };
	uint8_t hint[256];
	char msg[256];
	uint64_t ino = 0;
	ssize_t hint_len;
	int c, err;

	cur_usage = "handshake config --ino N [--role client|server] [--suite NAME|0xNNNN]... [--group x25519|secp256r1]... [--mtu N] [--rto-initial-ms N] [--rto-max-ms N] [--timeout-ms N] [--cookies on|off] [--icmp fail|ignore] [--hint-file FILE] [--start]";
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
		case 'h':
			usage_err(NULL);
			return 0;
		default:
			return usage_err(NULL);
		}
	}
	if (optind < argc)
		return usage_err("handshake config: unexpected argument");
	if (!ino)
		return usage_err("handshake config: --ino is required");

	err = dtls_hs_config(-1, ino, &cfg, msg, sizeof(msg));
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

static int cmd_hs_start(int argc, char **argv)
{
	char msg[256];
	uint64_t ino;
	int err;

	cur_usage = "handshake start --ino N";
	err = hs_ino_args(argc, argv, &ino, NULL);
	if (err)
		return err < 0 ? 0 : err;
	err = dtls_hs_start(-1, ino, msg, sizeof(msg));
	if (err) {
		fail_nl("handshake start", err, msg);
		return 1;
	}
	return 0;
}

static int cmd_hs_abort(int argc, char **argv)
{
	char msg[256];
	uint64_t ino;
	int err;

	cur_usage = "handshake abort --ino N";
	err = hs_ino_args(argc, argv, &ino, NULL);
	if (err)
		return err < 0 ? 0 : err;
	err = dtls_hs_abort(-1, ino, msg, sizeof(msg));
	if (err == -ENOENT && !*msg)
		snprintf(msg, sizeof(msg), "no handshake running on this socket");
	else if (err == -EALREADY && !*msg)
		snprintf(msg, sizeof(msg), "the handshake is already over");
	if (err) {
		fail_nl("handshake abort", err, msg);
		return 1;
	}
	return 0;
}

static int cmd_hs_show(int argc, char **argv)
{
	struct dtls_hs_info h;
	bool json = false;
	char msg[256];
	uint64_t ino;
	int err;

	cur_usage = "handshake show --ino N [-j|--json]";
	err = hs_ino_args(argc, argv, &ino, &json);
	if (err)
		return err < 0 ? 0 : err;
	err = dtls_hs_get(-1, ino, &h, msg, sizeof(msg));
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

static int cmd_handshake(int argc, char **argv);

/* monitor */

struct monitor {
	bool		json;
	uint64_t	left;	/* events to print before exiting; 0: forever */
};

static void monitor_stop(int sig)
{
	(void)sig;
	_exit(0);	/* every line is flushed as it is printed */
}

static void monitor_ready(void *arg)
{
	(void)arg;
	fprintf(stderr, PROG ": monitoring handshake events\n");
}

static int monitor_event(const struct dtls_hs_info *ev, void *arg)
{
	struct monitor *m = arg;
	const char *what = ev->cmd == DTLS_CMD_HS_DONE_NTF ? "done" : "failed";

	if (m->json) {
		bool first = true;

		putchar('{');
		json_key(&first, "event");
		json_str(what);
		json_key(&first, "ino");
		printf("%" PRIu64, ev->ino);
		hs_json(&first, ev);
		puts("}");
	} else {
		/* The event says done or failed: no state. */
		printf("%s ino %" PRIu64, what, ev->ino);
		hs_text(ev, false);
		putchar('\n');
	}
	if (fflush(stdout) == EOF)
		return -errno;
	return m->left && !--m->left ? 1 : 0;
}

static int cmd_monitor(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json",	no_argument,	   NULL, 'j' },
		{ "count",	required_argument, NULL, 'c' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct monitor m = { 0 };
	struct sigaction sa = { .sa_handler = monitor_stop };
	int c, err;

	cur_usage = "monitor [-j|--json] [-c|--count N]";
	optind = 1;
	while ((c = getopt_long(argc, argv, "jc:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			m.json = true;
			break;
		case 'c':
			if (!parse_uint(optarg, UINT64_MAX, &m.left) || !m.left) {
				fail("--count: '%s' is not a positive number", optarg);
				return 1;
			}
			break;
		case 'h':
			usage_err(NULL);
			return 0;
		default:
			return usage_err(NULL);
		}
	}
	if (optind < argc)
		return usage_err("monitor: unexpected argument");

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	err = dtls_monitor(monitor_event, monitor_ready, &m);
	if (err < 0) {
		fail_nl("monitor", err, NULL);
		return 1;
	}
	return 0;
}

/* version */

static int cmd_version(int argc, char **argv)
{
	char ver[64] = "";
	FILE *f;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "Usage: " PROG " version\n");
		return 1;
	}

	printf("dtls-tools %s\n", DTLS_TOOLS_VERSION);

	if (access(SYSFS_MODULE, F_OK)) {
		puts("dtls module not loaded");
		return 0;
	}
	f = fopen(SYSFS_MODULE "/version", "re");
	if (f) {
		if (!fgets(ver, sizeof(ver), f))
			ver[0] = '\0';
		fclose(f);
	}
	ver[strcspn(ver, "\n")] = '\0';
	for (char *p = ver; *p; p++) {
		if (*p < 0x20 || *p > 0x7e)
			*p = '?';
	}
	printf("dtls module %s\n", *ver ? ver : "(version unknown)");
	return 0;
}

/* help and dispatch */

static int cmd_help(int argc, char **argv);

static const struct cmd commands[] = {
	{ "show",	"[-j] [-s]",
	  "list the attached sockets of this network namespace (-j JSON, -s counters)",
	  cmd_show },
	{ "psk",	"set --ino N --identity ID (--key-file FILE|- [--hex] | --key-serial SERIAL)",
	  "give a socket's handshake a PSK (raw bytes, or hex with --hex; - is stdin)",
	  cmd_psk },
	{ "handshake",	"config --ino N [--role client|server] [--suite S]... [--group G]...\n"
			"\t\t[--mtu N] [--rto-initial-ms N] [--rto-max-ms N] [--timeout-ms N]\n"
			"\t\t[--cookies on|off] [--icmp fail|ignore] [--hint-file FILE] [--start]",
	  "set the parameters of a socket's kernel handshake (--start: then start it)",
	  cmd_handshake },
	{ "handshake",	"start|abort --ino N",
	  "start the kernel handshake, or abort it",
	  cmd_handshake },
	{ "handshake",	"show --ino N [-j]",
	  "a socket's handshake state and result",
	  cmd_handshake },
	{ "monitor",	"[-j] [-c N]",
	  "print each handshake that ends (done or failed) in this network namespace",
	  cmd_monitor },
	{ "version",	"",
	  "print the tools and kernel module versions",
	  cmd_version },
	{ "help",	"",
	  "print this help",
	  cmd_help },
};

static void usage(void)
{
	fprintf(stderr, "Usage: " PROG " <command> [<args>]\n\nCommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(stderr, "  %s %s\n\t%s\n", commands[i].name,
			commands[i].args, commands[i].help);
	fprintf(stderr, "\nSockets are named by inode number (dtls show); that needs CAP_NET_ADMIN.\n"
		"Keys are read from files or stdin, never from the command line.\n");
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage();
	return 0;
}

/* Run argv[0] from @cmds: its exit status, or -1 if there is no such command. */
static int dispatch(const struct cmd *cmds, size_t n, int argc, char **argv)
{
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(argv[0], cmds[i].name))
			return cmds[i].fn(argc, argv);
	}
	return -1;
}

/* "psk <sub>", "handshake <sub>": argv[0] is the command. */
static int dispatch_sub(const char *name, const struct cmd *cmds, size_t n,
			int argc, char **argv)
{
	int ret;

	if (argc < 2) {
		fail("%s: which subcommand?", name);
		usage();
		return 1;
	}
	ret = dispatch(cmds, n, argc - 1, argv + 1);
	if (ret < 0) {
		fail("%s: unknown subcommand '%s'", name, argv[1]);
		usage();
		return 1;
	}
	return ret;
}

static int cmd_psk(int argc, char **argv)
{
	return dispatch_sub("psk", psk_commands, ARRAY_SIZE(psk_commands),
			    argc, argv);
}

static int cmd_handshake(int argc, char **argv)
{
	return dispatch_sub("handshake", hs_commands, ARRAY_SIZE(hs_commands),
			    argc, argv);
}

int main(int argc, char **argv)
{
	int ret;

	if (argc < 2) {
		usage();
		return 1;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		argv[1] = "help";

	ret = dispatch(commands, ARRAY_SIZE(commands), argc - 1, argv + 1);
	if (ret < 0) {
		fail("unknown command '%s'", argv[1]);
		usage();
		return 1;
	}

	if (fflush(stdout) == EOF || ferror(stdout)) {
		fail("write error: %s", strerror(errno));
		return 1;
	}
	return ret;
}
