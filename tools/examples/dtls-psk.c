// SPDX-License-Identifier: GPL-2.0
/*
 * dtls-psk: a DTLS 1.2 PSK client and echo server whose handshake runs in
 * the kernel.  The program only creates and attaches its UDP socket, gives
 * the kernel the parameters and the PSK over netlink (libdtls), starts the
 * handshake, waits for the socket to become writable, and from then on
 * uses send() and recv(): no TLS library at all.
 *
 *   dtls-psk server --listen ADDR:PORT ID KEY [options]
 *   dtls-psk client --connect ADDR:PORT ID KEY [options]
 *
 *   ID:  --identity-file FILE    PSK identity (one trailing newline dropped)
 *        --identity ID           (an identity is not secret)
 *   KEY: --key-file FILE|-       the PSK: raw bytes, or hex with --hex; - is
 *                                stdin (client: then lines come from nowhere)
 *   --hex                        the key file holds hex digits
 *   --suite NAME|0xNNNN          allowed suite, in order (repeat; default:
 *                                all the kernel has, ECDHE first)
 *   --group x25519|secp256r1     allowed ECDHE group (repeat)
 *   --mtu N                      largest handshake datagram
 *   --rto-ms N                   initial retransmission timeout
 *   --timeout S                  give up after S idle seconds (default 30)
 *   --clients N                  server: serve N clients, then exit
 *                                (default 1; each on its own socket)
 *   --no-echo                    client: expect no replies (not an echo
 *                                server, e.g. openssl s_server)
 *   --drop-final                 drop the kept last flight as soon as the
 *                                handshake is done (DTLS_FINAL_FLIGHT_DROP)
 *
 * The server binds with SO_REUSEPORT; its socket answers ClientHellos with
 * stateless cookies and connects itself to the first client that returns
 * one (as OpenSSL's DTLSv1_listen()).  For the next client it opens
 * another socket on the same port.  Every record a client sends comes
 * back; "echo: TEXT" is printed for each.  A client's close_notify ends
 * its session.
 *
 * The client sends each line of stdin as one record and writes what comes
 * back to stdout.  At the end of stdin it waits for the outstanding
 * replies and sends close_notify.
 *
 * The sockets, the echo server and the client loop are example.c's,
 * shared with dtls-cert; this file has only what PSK changes.
 *
 * Status lines ("dtls-psk: handshake done: suite ...") go to stderr.
 * Exit status: 0 when every handshake succeeded (and the client got every
 * reply), 1 otherwise, 2 for a usage error.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example.h"

#define PROG		"dtls-psk"

static struct {
	uint8_t		id[128];
	size_t		id_len;
	uint8_t		key[64];
	size_t		key_len;
	const char	*key_file;
	bool		hex;
} o;

static const struct option psk_opts[] = {
	{ "identity-file",	required_argument, NULL, 'I' },
	{ "identity",		required_argument, NULL, 'i' },
	{ "key-file",		required_argument, NULL, 'k' },
	{ "hex",		no_argument,	   NULL, 'x' },
	{ "drop-final",		no_argument,	   NULL, 'F' },
	{ NULL, 0, NULL, 0 },
};

static void psk_opt(int c, const char *arg)
{
	ssize_t n;

	switch (c) {
	case 'I':
		n = ex_read_file(arg, o.id, sizeof(o.id));
		if (n < 0)
			exit(1);
		if (n && o.id[n - 1] == '\n')
			n--;
		if (n && o.id[n - 1] == '\r')
			n--;
		o.id_len = n;
		break;
	case 'i':
		o.id_len = strlen(arg);
		if (o.id_len > sizeof(o.id))
			ex_usage("--identity: at most 128 bytes");
		memcpy(o.id, arg, o.id_len);
		break;
	case 'k':
		o.key_file = arg;
		break;
	case 'x':
		o.hex = true;
		break;
	case 'F':
		ex.drop_final = true;
		break;
	default:
		ex_usage(NULL);
	}
}

/* The identity and the key, after the options; exits if either is wrong. */
static void psk_check(void)
{
	uint8_t keybuf[1024];
	ssize_t n;

	if (!o.id_len)
		ex_usage("a PSK identity is required (--identity-file)");
	if (!o.key_file)
		ex_usage("--key-file is required");
	n = ex_read_file(o.key_file, keybuf, sizeof(keybuf));
	if (n >= 0 && o.hex)
		n = dtls_unhex(keybuf, n);
	if (n < 1 || (size_t)n > sizeof(o.key)) {
		explicit_bzero(keybuf, sizeof(keybuf));
		say("%s: need 1 to 64 key bytes%s", o.key_file,
		    o.hex ? " as hex digits" : "");
		exit(1);
	}
	memcpy(o.key, keybuf, n);
	o.key_len = n;
	explicit_bzero(keybuf, sizeof(keybuf));
}

static int psk_creds(int fd, const char **what, char *msg, size_t len)
{
	*what = "psk add";
	return dtls_psk_add(ex_nl, fd, 0, o.id, o.id_len, o.key, o.key_len,
			    0, msg, len);
}

static void psk_done(const char *peer, const struct dtls_hs_info *h)
{
	char id[300] = "";

	for (size_t i = 0, j = 0; i < h->peer_id_len && j + 5 < sizeof(id); i++)
		j += snprintf(id + j, sizeof(id) - j,
			      h->peer_id[i] > 0x20 && h->peer_id[i] < 0x7f ?
			      "%c" : "\\x%02x", h->peer_id[i]);
	say("handshake done with %s: suite %s%s%s", peer,
	    dtls_suite_name(h->suite), h->peer_id_len ? ", peer identity " : "",
	    id);
}

static const struct example psk = {
	.prog		= PROG,
	.usage		= PROG " server --listen ADDR:PORT ID KEY [options]\n"
		"       " PROG " client --connect ADDR:PORT ID KEY [options]\n"
		"  ID:  --identity-file FILE | --identity ID\n"
		"  KEY: --key-file FILE|- [--hex]\n"
		"  options: --suite S... --group G... --mtu N --rto-ms N\n"
		"           --timeout S --clients N (server) --no-echo (client)\n"
		"           --drop-final\n",
	.extra_arg	= "unexpected argument (keys are read from --key-file)",
	.opts		= psk_opts,
	.opt		= psk_opt,
	.creds		= psk_creds,
	.hs_done	= psk_done,
};

int main(int argc, char **argv)
{
	int rc;

	ex_parse_args(&psk, argc, argv);
	psk_check();
	rc = ex_run();
	explicit_bzero(o.key, sizeof(o.key));
	dtls_close(ex_nl);
	return rc;
}
