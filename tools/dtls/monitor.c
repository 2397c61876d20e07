// SPDX-License-Identifier: GPL-2.0
/*
 * dtls monitor: print the handshake events (done, failed) of this
 * network namespace, and the peer-cert events of handshakes waiting for
 * dtls peer verdict (peer delegate).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/dtls_netlink.h>

#include "cli.h"

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

/* "peer-cert ino N id ID role R suite S peer-cert-sha256 ... subject" */
static int monitor_peer(const struct dtls_peer_cert_ev *pev, void *arg)
{
	struct monitor *m = arg;
	struct dtls_hs_info ev = {
		.ino = pev->ino,
		.role = pev->role,
		.state = DTLS_HS_STATE_RUNNING,
		.suite = pev->suite,
		.cmd = DTLS_CMD_PEER_CERT_NTF,
		.has_peer_cert = true,
		.peer_subject_len = pev->peer_subject_len,
	};

	memcpy(ev.peer_cert_sha256, pev->peer_cert_sha256, 32);
	memcpy(ev.peer_subject, pev->peer_subject, pev->peer_subject_len);
	if (m->json) {
		bool first = true;

		putchar('{');
		json_key(&first, "event");
		json_str("peer-cert");
		json_key(&first, "ino");
		printf("%" PRIu64, ev.ino);
		json_key(&first, "delegation_id");
		printf("%" PRIu32, pev->delegation_id);
		json_key(&first, "chain_len");
		printf("%zu", pev->chain.n);
		hs_json(&first, &ev);
		puts("}");
	} else {
		printf("peer-cert ino %" PRIu64 " id %" PRIu32, ev.ino,
		       pev->delegation_id);
		hs_text(&ev, false);
		putchar('\n');
	}
	if (fflush(stdout) == EOF)
		return -errno;
	return m->left && !--m->left ? 1 : 0;
}

int cmd_monitor(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json",	no_argument,	   NULL, 'j' },
		{ "count",	required_argument, NULL, 'c' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct monitor m = { 0 };
	struct sigaction sa = { .sa_handler = monitor_stop };
	struct dtls_nl *nl;
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
		default:
			return opt_help(c);
		}
	}
	if (optind < argc)
		return usage_err("monitor: unexpected argument");

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	nl = nl_open("monitor");
	if (!nl)
		return 1;
	err = dtls_monitor_peer(nl, monitor_event, monitor_peer, monitor_ready,
				&m);
	dtls_close(nl);
	if (err < 0) {
		fail_nl("monitor", err, NULL);
		return 1;
	}
	return 0;
}
