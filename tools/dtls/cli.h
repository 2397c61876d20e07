/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dtls(8): what the command files share.  main.c has the command table,
 * dispatch, help, version and the option helpers; output.c the text and
 * JSON printing of handshakes; one file a command family (show.c, psk.c,
 * cert.c, peer.c, handshake.c, monitor.c) as wg(8) does.
 */
#ifndef DTLS_CLI_H
#define DTLS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "libdtls.h"

#define PROG			"dtls"

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/*
 * A command gets argv[0] == its own name.  Commands with subcommands
 * ("psk set", "handshake start") get a table of their own and call
 * dispatch_sub() on it.
 */
struct cmd {
	const char	*name;
	const char	*args;
	const char	*help;
	int		(*fn)(int argc, char **argv);
};

/* The command families. */
int cmd_show(int argc, char **argv);
int cmd_psk(int argc, char **argv);
int cmd_cert(int argc, char **argv);
int cmd_peer(int argc, char **argv);
int cmd_handshake(int argc, char **argv);
int cmd_monitor(int argc, char **argv);

/* main.c: errors, dispatch */
void __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...);
void fail_nl(const char *what, int err, const char *kmsg);
int dispatch_sub(const char *name, const struct cmd *cmds, size_t n,
		 int argc, char **argv);
struct dtls_nl *nl_open(const char *what);

/*
 * main.c: options.  A subcommand sets cur_usage, its usage line, before
 * it parses its options: usage_err() prints it.
 */
extern const char *cur_usage;
int usage_err(const char *what);
int opt_help(int c);
bool parse_uint(const char *s, uint64_t max, uint64_t *out);
bool opt_ino(const char *arg, uint64_t *ino);
bool opt_u32(const char *name, const char *arg, uint32_t *v);
ssize_t read_file(const char *path, uint8_t *buf, size_t max, bool secret);

/*
 * cert.c: the certificates of a PEM file (every CERTIFICATE block, in
 * order) or of a DER file (one), as DER; certs_load() reports its
 * failures as of @what.  fp_colon(): a SHA-256 digest as openssl prints
 * a fingerprint, "AB:CD:...".
 */
struct cert_file {
	size_t		n;
	uint8_t		*der[DTLS_CERT_CHAIN_MAX];
	size_t		len[DTLS_CERT_CHAIN_MAX];
};

#define FP_COLON_LEN	(3 * 32)
int certs_load(const char *path, struct cert_file *cf, const char *what);
void certs_free(struct cert_file *cf);
void fp_colon(const uint8_t sha[32], char out[FP_COLON_LEN]);
int cert_spki_sha256(const uint8_t *der, size_t len, uint8_t out[32]);

/* peer.c: a SHA-256 digest in hex, colons between the bytes or not. */
bool parse_sha256(const char *s, uint8_t out[32]);

/* output.c: JSON and handshake printing */
void json_str(const char *s);
void json_key(bool *first, const char *key);
void hs_text(const struct dtls_hs_info *h, bool state);
void hs_json(bool *first, const struct dtls_hs_info *h);

#endif /* DTLS_CLI_H */
