// SPDX-License-Identifier: GPL-2.0
/*
 * dtls: inspect and configure kdtls sockets.  The command table, dispatch,
 * help, version and the helpers the command files share (cli.h).
 *
 *   dtls show [-j|--json] [-s|--stats]
 *   dtls psk set --ino N --identity ID (--key-file F [--hex] | --key-serial S)
 *   dtls cert set --ino N --chain FILE (--key FILE | --key-serial S)
 *   dtls peer pin --ino N (--sha256 HEX | --cert FILE)... [--required]
 *   dtls peer delegate --ino N [--timeout MS] [--sha256 HEX | --cert FILE]...
 *                      [--required]
 *   dtls peer verdict --ino N --id ID accept|reject
 *   dtls peer trust --ino N --keyring ID [--name NAME] [--sha256 HEX]...
 *                   [--cert FILE]... [--required]
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

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define SYSFS_MODULE		"/sys/module/dtls"

void __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* "dtls: <what>: <strerror> (<kernel message>)" */
void fail_nl(const char *what, int err, const char *kmsg)
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


/* Decimal, no sign, fits in @max. */
bool parse_uint(const char *s, uint64_t max, uint64_t *out)
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


/*
 * The netlink handle of a command, opened where its first request goes,
 * so that errors come in the same order as before: NULL (reported as a
 * failure of @what) if the kdtls module is not loaded or on error.
 */
struct dtls_nl *nl_open(const char *what)
{
	struct dtls_nl *nl;
	int err = dtls_open(&nl);

	if (err) {
		fail_nl(what, err, NULL);
		return NULL;
	}
	return nl;
}

/* Options shared by psk and handshake: getopt_long() with a usage line. */

const char *cur_usage;	/* of the running subcommand */

int usage_err(const char *what)
{
	if (what)
		fail("%s", what);
	fprintf(stderr, "Usage: " PROG " %s\n", cur_usage);
	return 1;
}

/* -h: the usage, and success; any other option not known: an error. */
int opt_help(int c)
{
	usage_err(NULL);
	return c == 'h' ? 0 : 1;
}

bool opt_ino(const char *arg, uint64_t *ino)
{
	if (parse_uint(arg, UINT64_MAX, ino) && *ino)
		return true;
	fail("--ino: '%s' is not an inode number", arg);
	return false;
}

/* A value for a *-ms or mtu option: 1..UINT32_MAX, ranges are the kernel's. */
bool opt_u32(const char *name, const char *arg, uint32_t *v)
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
ssize_t read_file(const char *path, uint8_t *buf, size_t max,
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
	{ "cert",	"set --ino N --chain FILE (--key FILE | --key-serial SERIAL)",
	  "give a socket's handshake our certificate chain (PEM, ours first; or one DER\n"
	  "\tcertificate) and its EC P-256 private key (PEM or DER, SEC1 or PKCS#8; or a\n"
	  "\tkernel key of the 32-byte scalar), for the ECDHE-ECDSA suites",
	  cmd_cert },
	{ "peer",	"pin --ino N (--sha256 HEX | --cert FILE | --spki-sha256 HEX | --spki-cert FILE)...\n"
			"\t\t[--required]",
	  "the peer certificates a socket's handshake accepts: SHA-256 of the DER, hex\n"
	  "\t(AB:CD:... as openssl x509 -fingerprint -sha256 prints, or plain), or of a\n"
	  "\tcertificate file's first; up to 8.  --spki-*: of a key's SubjectPublicKeyInfo\n"
	  "\t(raw public keys, RFC 7250, or a certificate's key); up to 8.  A client needs\n"
	  "\tpins for the ECDHE-ECDSA suites; a server with pins asks for a certificate\n"
	  "\t(--required: insists)",
	  cmd_peer },
	{ "peer",	"delegate --ino N [--timeout MS] [pins as peer pin]... [--required]",
	  "as pin (pins optional), and user space decides last: the handshake pauses on\n"
	  "\tthe peer's certificate, dtls monitor prints a peer-cert event with its id,\n"
	  "\tand peer verdict must answer within MS (100..60000, default 5000)",
	  cmd_peer },
	{ "peer",	"verdict --ino N --id ID accept|reject",
	  "answer a peer-cert event: accept goes on, reject fails with bad_certificate",
	  cmd_peer },
	{ "peer",	"trust --ino N --keyring ID [--name NAME] [--sha256 HEX | --cert FILE]...\n"
			"\t\t[--required]",
	  "the peer's chain must lead to a trust anchor of a kernel keyring (serial,\n"
	  "\tor @s @u @us @p @t; \"asymmetric\" keys from X.509 certificates), and its\n"
	  "\tcertificate hold NAME (DNS name or IP address) in its subjectAltName; pins\n"
	  "\tgiven too must match as well.  Replaces what peer pin set",
	  cmd_peer },
	{ "handshake",	"config --ino N [--role client|server] [--suite S]... [--group G]...\n"
			"\t\t[--mtu N] [--rto-initial-ms N] [--rto-max-ms N] [--timeout-ms N]\n"
			"\t\t[--cookies on|off] [--icmp fail|ignore] [--hint-file FILE] [--start]",
	  "set the parameters of a socket's kernel handshake (--start: then start it)",
	  cmd_handshake },
	{ "handshake",	"start|abort --ino N",
	  "start the kernel handshake, or abort it",
	  cmd_handshake },
	{ "handshake",	"show --ino N [-j]",
	  "a socket's handshake state and result (with certificates: the peer's\n"
	  "\tSHA-256 fingerprint and subject)",
	  cmd_handshake },
	{ "monitor",	"[-j] [-c N]",
	  "print each handshake that ends (done or failed) in this network namespace,\n"
	  "\tand each peer-cert event (peer delegate) waiting for peer verdict",
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
int dispatch_sub(const char *name, const struct cmd *cmds, size_t n,
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
