// SPDX-License-Identifier: GPL-2.0
/*
 * dtls: inspect and configure kdtls sockets.
 *
 *   dtls show [-j|--json] [-s|--stats]
 *   dtls version
 *   dtls help
 */

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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

	if (kmsg && *kmsg)
		fail("%s: %s (%s)", what, strerror(-err), kmsg);
	else
		fail("%s: %s", what, strerror(-err));
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
	{ "show",	"[-j] [-s]",	"list the attached sockets of this network namespace (-j JSON, -s counters)",	cmd_show },
	{ "version",	"",		"print the tools and kernel module versions",		cmd_version },
	{ "help",	"",		"print this help",					cmd_help },
};

static void usage(void)
{
	fprintf(stderr, "Usage: " PROG " <command> [<args>]\n\nCommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		char synopsis[64];

		snprintf(synopsis, sizeof(synopsis), "%s %s", commands[i].name,
			 commands[i].args);
		fprintf(stderr, "  %-22s %s\n", synopsis, commands[i].help);
	}
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
