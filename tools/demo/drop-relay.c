// SPDX-License-Identifier: GPL-2.0
/*
 * drop-relay: a UDP relay that loses a DTLS server's last flight, for
 * `make demo`.
 *
 *   drop-relay --listen ADDR:PORT --to ADDR:PORT [--drop-ccs N]
 *
 * Datagrams of the first client that sends to --listen go to the server
 * at --to, and the server's datagrams go back to that client, from the
 * same socket (so the server sees the relay as its peer).  The first N
 * datagrams from the server that carry a ChangeCipherSpec record are
 * dropped: in a full handshake that is the server's last flight (CCS and
 * Finished), the one a kernel server keeps and resends when the client
 * retransmits its own flight.  A line is printed for each drop; at
 * SIGINT/SIGTERM a summary.  Other sources than the first client are
 * ignored: this is a demonstration, not a NAT.
 */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PROG		"drop-relay"
#define REC_HDR		13	/* type, version, epoch, seq, length */
#define CT_CCS		20

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void __attribute__((noreturn)) usage(const char *why)
{
	if (why)
		fprintf(stderr, PROG ": %s\n", why);
	fprintf(stderr, "Usage: " PROG
		" --listen ADDR:PORT --to ADDR:PORT [--drop-ccs N]\n");
	exit(2);
}

/* "host:port" or "[v6]:port" into @ss; -1 if it does not resolve. */
static int resolve(const char *s, bool passive, struct sockaddr_storage *ss,
		   socklen_t *len)
{
	struct addrinfo hints = {
		.ai_socktype = SOCK_DGRAM,
		.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0),
	}, *res;
	const char *colon = strrchr(s, ':');
	char host[256];
	size_t hlen;
	int err;

	if (!colon || !colon[1])
		return -1;
	hlen = colon - s;
	if (hlen >= 2 && s[0] == '[' && s[hlen - 1] == ']') {
		s++;
		hlen -= 2;
	}
	if (hlen >= sizeof(host))
		return -1;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	err = getaddrinfo(hlen ? host : NULL, colon + 1, &hints, &res);
	if (err) {
		fprintf(stderr, PROG ": %s: %s\n", s, gai_strerror(err));
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static bool same_addr(const struct sockaddr_storage *a, socklen_t alen,
		      const struct sockaddr_storage *b, socklen_t blen)
{
	return alen == blen && !memcmp(a, b, alen);
}

/*
 * Whether any DTLS record of the datagram is a ChangeCipherSpec.  The
 * record headers are walked (a flight often packs CCS and Finished in one
 * datagram, and the CCS need not come first); a truncated record ends the
 * walk.
 */
static bool has_ccs(const uint8_t *d, size_t n)
{
	size_t off = 0;

	while (off + REC_HDR <= n) {
		if (d[off] == CT_CCS)
			return true;
		off += REC_HDR + ((size_t)d[off + 11] << 8 | d[off + 12]);
	}
	return false;
}

static long num(const char *opt, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || !*s || v < min || v > max) {
		fprintf(stderr, PROG ": --%s: '%s' is not a number from %ld to %ld\n",
			opt, s, min, max);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen",	required_argument, NULL, 'l' },
		{ "to",		required_argument, NULL, 't' },
		{ "drop-ccs",	required_argument, NULL, 'd' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sockaddr_storage lss, srv, cli, from;
	socklen_t llen, slen, clen = 0, flen;
	const char *listen_at = NULL, *to = NULL;
	unsigned long up = 0, down = 0, dropped = 0;
	struct sigaction sa = { .sa_handler = on_signal };
	long drop = 0;
	uint8_t buf[65536];
	int fd, c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			listen_at = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'd':
			drop = num("drop-ccs", optarg, 0, 1000000);
			break;
		default:
			usage(NULL);
		}
	}
	if (optind < argc || !listen_at || !to)
		usage(optind < argc ? "unexpected argument" :
		      "--listen and --to are required");
	if (resolve(listen_at, true, &lss, &llen) ||
	    resolve(to, false, &srv, &slen))
		usage("ADDR:PORT: cannot use that address");
	if (lss.ss_family != srv.ss_family)
		usage("--listen and --to: one address family, please");

	fd = socket(lss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&lss, llen)) {
		fprintf(stderr, PROG ": %s: %s\n", listen_at, strerror(errno));
		return 1;
	}
	/* No SA_RESTART: a signal must end the poll() below. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* The demo reads this output from a file while the relay runs. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf(PROG ": %s -> %s, dropping the first %ld server datagram%s with a ChangeCipherSpec\n",
	       listen_at, to, drop, drop == 1 ? "" : "s");

	while (!stop) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror(PROG ": poll");
			return 1;
		}
		flen = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &flen);
		if (n < 0)
			continue;	/* e.g. an ICMP error queued by a send */
		if (same_addr(&from, flen, &srv, slen)) {
			if (!clen)
				continue;	/* nobody to give it to */
			if (dropped < (unsigned long)drop &&
			    has_ccs(buf, n)) {
				dropped++;
				printf(PROG ": dropped the server's last flight (CCS+Finished), %lu of %ld\n",
				       dropped, drop);
				continue;
			}
			down++;
			sendto(fd, buf, n, 0, (struct sockaddr *)&cli, clen);
			continue;
		}
		if (!clen) {
			cli = from;
			clen = flen;
		} else if (!same_addr(&from, flen, &cli, clen)) {
			continue;	/* only the first client is relayed */
		}
		up++;
		sendto(fd, buf, n, 0, (struct sockaddr *)&srv, slen);
	}
	printf(PROG ": relayed %lu datagrams to the server, %lu to the client, dropped %lu\n",
	       up, down, dropped);
	close(fd);
	return 0;
}
