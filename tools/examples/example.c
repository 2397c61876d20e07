// SPDX-License-Identifier: GPL-2.0
/*
 * The session side of dtls-psk and dtls-cert (example.h): the options they
 * share, sockets with the kernel's handshake started, the echo server, the
 * client loop, and records with their content type.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/dtls.h>

#include "example.h"

#define MAX_RECORD	16384
#define MAX_SESSIONS	64
#define MAX_OPTS	32

struct ex_opts ex = {
	.cfg = { .cookies = -1 },
	.timeout_ms = 30000,
	.clients = 1,
	.echo = true,
};

struct dtls_nl *ex_nl;

static const struct example *prog;

void say(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void ex_usage(const char *why)
{
	if (why)
		say("%s", why);
	fprintf(stderr, "Usage: %s", prog->usage);
	exit(2);
}

long long ex_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* --------------------------------------------------------------- options */

/* At most @max bytes of @path ("-": stdin), with read(2): -1 on error. */
ssize_t ex_read_file(const char *path, uint8_t *buf, size_t max)
{
	ssize_t n = dtls_read_file(path, buf, max);

	if (n == -EFBIG)
		say("%s: longer than %zu bytes", path, max);
	else if (n < 0)
		say("%s: %s", path, strerror(-n));
	return n < 0 ? -1 : n;
}

static long num(const char *opt, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || !*s || v < min || v > max) {
		say("--%s: '%s' is not a number from %ld to %ld", opt, s, min,
		    max);
		exit(2);
	}
	return v;
}

static const struct option common_opts[] = {
	{ "listen",		required_argument, NULL, 'l' },
	{ "connect",		required_argument, NULL, 'c' },
	{ "suite",		required_argument, NULL, 's' },
	{ "group",		required_argument, NULL, 'g' },
	{ "mtu",		required_argument, NULL, 'm' },
	{ "rto-ms",		required_argument, NULL, 'r' },
	{ "timeout",		required_argument, NULL, 't' },
	{ "clients",		required_argument, NULL, 'n' },
	{ "no-echo",		no_argument,	   NULL, 'E' },
	{ "help",		no_argument,	   NULL, 'h' },
};

void ex_parse_args(const struct example *e, int argc, char **argv)
{
	struct option opts[MAX_OPTS + 1] = { { 0 } };
	size_t n = 0;
	int c;

	prog = e;
	/* One table for getopt_long(): ours, then the program's. */
	for (size_t i = 0; i < sizeof(common_opts) / sizeof(common_opts[0]); i++)
		opts[n++] = common_opts[i];
	for (const struct option *op = e->opts; op->name && n < MAX_OPTS; op++)
		opts[n++] = *op;

	if (argc < 2)
		ex_usage(NULL);
	if (!strcmp(argv[1], "server"))
		ex.server = true;
	else if (strcmp(argv[1], "client"))
		ex_usage(strcmp(argv[1], "-h") && strcmp(argv[1], "--help") ?
			 "first argument: server or client" : NULL);
	optind = 2;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
		case 'c':
			if ((c == 'l') != ex.server)
				ex_usage(ex.server ? "a server --listen's" :
						     "a client --connect's");
			ex.addr = optarg;
			break;
		case 's':
			if (ex.cfg.n_suites == EX_MAX_SUITES ||
			    dtls_suite_parse(optarg, &ex.suites[ex.cfg.n_suites]))
				ex_usage("--suite: unknown suite, or too many");
			ex.cfg.n_suites++;
			break;
		case 'g':
			if (ex.cfg.n_groups == EX_MAX_GROUPS ||
			    dtls_group_parse(optarg, &ex.groups[ex.cfg.n_groups]))
				ex_usage("--group: unknown group, or too many");
			ex.cfg.n_groups++;
			break;
		case 'm':
			ex.cfg.mtu = num("mtu", optarg, 1, 65535);
			break;
		case 'r':
			ex.cfg.rto_initial_ms = num("rto-ms", optarg, 1, 600000);
			break;
		case 't':
			ex.timeout_ms = num("timeout", optarg, 1, 86400) * 1000;
			break;
		case 'n':
			ex.clients = num("clients", optarg, 1, 1000000);
			break;
		case 'E':
			ex.echo = false;
			break;
		case 'h':
		case '?':
			ex_usage(NULL);
		default:
			e->opt(c, optarg);
		}
	}
	if (optind < argc)
		ex_usage(e->extra_arg);
	if (!ex.addr)
		ex_usage(ex.server ? "--listen ADDR:PORT is required" :
				     "--connect ADDR:PORT is required");
	ex.cfg.suites = ex.suites;
	ex.cfg.groups = ex.groups;
	/* The kernel's whole-handshake limit: at most an hour. */
	ex.cfg.timeout_ms = ex.timeout_ms < 3600000 ? ex.timeout_ms : 3600000;
}

/* "host:port", "[v6]:port"; an empty host is the wildcard. */
int ex_resolve(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	struct addrinfo hints = {
		.ai_socktype = SOCK_DGRAM,
		.ai_flags = AI_NUMERICSERV | (ex.server ? AI_PASSIVE : 0),
	}, *res;
	char host[256];
	const char *colon = strrchr(s, ':');
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
		say("%s: %s", s, gai_strerror(err));
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

void ex_addr_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const void *)ss;

		inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof(ip));
		snprintf(buf, len, "[%s]:%u", ip, ntohs(a->sin6_port));
	} else {
		const struct sockaddr_in *a = (const void *)ss;

		inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
		snprintf(buf, len, "%s:%u", ip, ntohs(a->sin_port));
	}
}

/* ------------------------------------------------------------ handshake */

/*
 * A UDP socket with its kernel handshake started: the server's bound
 * (SO_REUSEPORT), the client's connected.  -1 on error (reported).
 */
static int hs_socket(const struct sockaddr_storage *ss, socklen_t len)
{
	struct dtls_hs_config cfg = ex.cfg;
	char msg[256] = "";
	const char *what;
	uint64_t ino = 0;
	int fd, one = 1, err;

	cfg.role = ex.server ? DTLS_HS_ROLE_SERVER : DTLS_HS_ROLE_CLIENT;
	fd = socket(ss->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		say("socket: %s", strerror(errno));
		return -1;
	}
	if (ex.server) {
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) ||
		    bind(fd, (const struct sockaddr *)ss, len)) {
			say("bind %s: %s", ex.addr, strerror(errno));
			goto out;
		}
	} else if (connect(fd, (const struct sockaddr *)ss, len)) {
		say("connect %s: %s", ex.addr, strerror(errno));
		goto out;
	}
	what = "attach";
	/* Opened at the first socket: socket errors come first. */
	err = ex_nl ? 0 : dtls_open(&ex_nl);
	if (!err)
		err = dtls_sock_attach(ex_nl, fd, &ino, msg, sizeof(msg));
	if (!err && prog->attached) {
		int r = prog->attached(fd, ino);

		if (r < 0)
			goto out;
		if (r > 0)
			return fd;
	}
	if (!err) {
		what = "handshake config";
		err = dtls_hs_config(ex_nl, fd, 0, &cfg, msg, sizeof(msg));
	}
	if (!err)
		err = prog->creds(fd, &what, msg, sizeof(msg));
	if (!err) {
		what = "handshake start";
		err = dtls_hs_start(ex_nl, fd, 0, msg, sizeof(msg));
	}
	if (!err)
		return fd;
	if (err == -ENOENT && !*msg)
		snprintf(msg, sizeof(msg), "is the dtls module loaded?");
	say("%s: %s%s%s%s", what, strerror(-err), *msg ? " (" : "", msg,
	    *msg ? ")" : "");
out:
	close(fd);
	return -1;
}

/*
 * The handshake of @fd is over (writable, or an error): report it.
 * Return: true if established.
 */
static bool hs_result(int fd)
{
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	struct dtls_hs_info h;
	char pa[80] = "?";
	int soerr = 0, err;
	socklen_t elen = sizeof(soerr);

	getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &elen);
	err = dtls_hs_get(ex_nl, fd, 0, &h, NULL, 0);
	if (err) {
		say("handshake state: %s", strerror(-err));
		return false;
	}
	if (!getpeername(fd, (struct sockaddr *)&peer, &plen))
		ex_addr_str(&peer, pa, sizeof(pa));
	if (h.state != DTLS_HS_STATE_ESTABLISHED) {
		say("handshake with %s failed: %s%s%s%s", pa,
		    strerror(h.error ? (int)h.error : soerr ? soerr : EPROTO),
		    h.alert ? ", alert " : "",
		    h.alert ? dtls_alert_name(h.alert) : "",
		    h.alert ? (h.alert_remote ? " (received)" : " (sent)") : "");
		return false;
	}
	prog->hs_done(pa, &h);
	return true;
}

/*
 * ex.drop_final: the side that sent the handshake's last flight (the
 * server, in a full handshake) keeps it to answer a client that lost it,
 * until the client's first data record or 2 x MSL.  An application with a
 * proof of its own that the peer is done (or that accepts the risk) frees
 * it at once.  Says what was held and what the kernel reports after.
 */
static void drop_final(int fd)
{
	struct dtls_final_flight_info fi = { 0 };
	socklen_t len = sizeof(fi);

	if (getsockopt(fd, SOL_DTLS, DTLS_FINAL_FLIGHT, &fi, &len)) {
		say("DTLS_FINAL_FLIGHT: %s", strerror(errno));
		return;
	}
	if (!fi.held) {
		say("--drop-final: no last flight kept (dropped by %s)",
		    fi.dropped_by == DTLS_FINAL_DROP_DATA ? "peer data" :
		    fi.dropped_by == DTLS_FINAL_DROP_TIMER ? "its lifetime" :
		    "nobody: this side did not send the last flight");
		return;
	}
	/* The option takes no value (Documentation/dtls.rst). */
	if (setsockopt(fd, SOL_DTLS, DTLS_FINAL_FLIGHT_DROP, NULL, 0)) {
		say("DTLS_FINAL_FLIGHT_DROP: %s", strerror(errno));
		return;
	}
	say("--drop-final: setsockopt(DTLS_FINAL_FLIGHT_DROP) dropped the kept last flight (%u bytes, resent %u times, kept %u ms)",
	    fi.bytes, fi.resends, fi.age_ms);
	len = sizeof(fi);
	if (!getsockopt(fd, SOL_DTLS, DTLS_FINAL_FLIGHT, &fi, &len) &&
	    (fi.held || fi.dropped_by != DTLS_FINAL_DROP_USER))
		say("--drop-final: the kernel still reports held %u, dropped_by %u",
		    fi.held, fi.dropped_by);
}

/* One record, with its content type: its length, or -1 (errno). */
ssize_t ex_recv_record(int fd, void *buf, size_t len, uint8_t *type)
{
	char cbuf[CMSG_SPACE(sizeof(uint8_t))];
	struct iovec iov = { buf, len };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	ssize_t n;

	n = recvmsg(fd, &mh, MSG_DONTWAIT);
	if (n < 0)
		return n;
	*type = DTLS_RECORD_TYPE_DATA;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_DTLS &&
		    cm->cmsg_type == DTLS_GET_RECORD_TYPE)
			*type = *CMSG_DATA(cm);
	return n;
}

/* A warning-level close_notify alert, sealed by the kernel. */
void ex_send_close_notify(int fd)
{
	static const uint8_t alert[2] = { 1, 0 };
	char cbuf[CMSG_SPACE(sizeof(uint8_t))] = { 0 };
	struct iovec iov = { (void *)alert, sizeof(alert) };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cm->cmsg_level = SOL_DTLS;
	cm->cmsg_type = DTLS_SET_RECORD_TYPE;
	cm->cmsg_len = CMSG_LEN(sizeof(uint8_t));
	*CMSG_DATA(cm) = DTLS_RECORD_TYPE_ALERT;
	if (sendmsg(fd, &mh, 0) < 0)
		say("close_notify: %s", strerror(errno));
}

/* Wait until @fd's handshake is over; true if established. */
static bool hs_wait(int fd)
{
	long long deadline = ex_now_ms() + ex.timeout_ms;
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	for (;;) {
		long long left = deadline - ex_now_ms();
		int n;

		if (left <= 0) {
			say("handshake: no result after %d s", ex.timeout_ms / 1000);
			return false;
		}
		n = poll(&p, 1, (int)left);
		if (n < 0 && errno != EINTR) {
			say("poll: %s", strerror(errno));
			return false;
		}
		if (n > 0)
			return hs_result(fd);
	}
}

/* --------------------------------------------------------------- server */

/* Print a record as one line of text. */
static void print_echo(const uint8_t *buf, size_t n)
{
	fputs("echo: ", stdout);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	for (size_t i = 0; i < n; i++)
		putchar(buf[i] >= 0x20 && buf[i] < 0x7f ? buf[i] : '.');
	putchar('\n');
	fflush(stdout);
}

/* A record on an established session: false when the session is over. */
static bool serve_record(int fd)
{
	static uint8_t buf[MAX_RECORD];
	uint8_t type;
	ssize_t n;

	n = ex_recv_record(fd, buf, sizeof(buf), &type);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return true;
		say("recv: %s", strerror(errno));
		return false;
	}
	if (type == DTLS_RECORD_TYPE_ALERT) {
		if (n == 2 && (buf[0] == 2 || buf[1] == 0)) {
			say("peer sent alert %s: session over",
			    dtls_alert_name(buf[1]));
			return false;
		}
		return true;
	}
	if (type != DTLS_RECORD_TYPE_DATA)
		return true;
	print_echo(buf, n);
	if (send(fd, buf, n, 0) != n) {
		say("send: %s", strerror(errno));
		return false;
	}
	return true;
}

static int run_server(const struct sockaddr_storage *ss, socklen_t len)
{
	struct pollfd p[MAX_SESSIONS + 1];
	long started = 0, sessions = 0;
	long long idle_until = ex_now_ms() + ex.timeout_ms;
	int listener = -1, rc = 0;

	for (;;) {
		long long left;
		short lrev;
		int n;

		/* Always one socket waiting for a client, while any are due. */
		if (listener < 0 && started < ex.clients &&
		    sessions < MAX_SESSIONS) {
			listener = hs_socket(ss, len);
			if (listener < 0)
				return 1;
			started++;
			if (started == 1)
				say("listening on %s", ex.addr);
		}
		if (listener < 0 && !sessions)
			break;
		for (long i = 0; i < sessions; i++)
			p[i].events = POLLIN;
		p[sessions].fd = listener;
		p[sessions].events = POLLOUT;
		p[sessions].revents = 0;

		left = idle_until - ex_now_ms();
		if (left <= 0) {
			/* A failure only if a client was due and never came. */
			say("idle for %d s: exiting", ex.timeout_ms / 1000);
			if (listener >= 0)
				rc = 1;
			break;
		}
		n = poll(p, sessions + 1, (int)left);
		if (n < 0 && errno != EINTR) {
			say("poll: %s", strerror(errno));
			rc = 1;
			break;
		}
		if (n <= 0)
			continue;
		idle_until = ex_now_ms() + ex.timeout_ms;
		lrev = p[sessions].revents;

		for (long i = 0; i < sessions; i++) {
			if (!p[i].revents)
				continue;
			if (!(p[i].revents & POLLERR) && serve_record(p[i].fd))
				continue;
			if (p[i].revents & POLLERR) {
				int e = 0;
				socklen_t el = sizeof(e);

				getsockopt(p[i].fd, SOL_SOCKET, SO_ERROR, &e, &el);
				say("session: %s", strerror(e ?: EIO));
			}
			close(p[i].fd);
			p[i--] = p[--sessions];
		}
		if (listener >= 0 && lrev) {
			if (hs_result(listener)) {
				if (ex.drop_final)
					drop_final(listener);
				p[sessions].fd = listener;
				sessions++;
			} else {
				close(listener);
				rc = 1;
			}
			listener = -1;
		}
	}
	for (long i = 0; i < sessions; i++)
		close(p[i].fd);
	if (listener >= 0)
		close(listener);
	return rc;
}

/* --------------------------------------------------------------- client */

static int run_client(const struct sockaddr_storage *ss, socklen_t len)
{
	static uint8_t line[MAX_RECORD], buf[MAX_RECORD];
	struct pollfd p[2];
	long sent = 0, got = 0;
	size_t have = 0;
	bool eof = false;
	long long idle_until;
	int fd, rc = 0;

	fd = hs_socket(ss, len);
	if (fd < 0)
		return 1;
	if (!hs_wait(fd)) {
		close(fd);
		return 1;
	}
	if (ex.drop_final)
		drop_final(fd);

	idle_until = ex_now_ms() + ex.timeout_ms;
	for (;;) {
		long long left;
		int n;

		if (eof && (!ex.echo || got >= sent))
			break;
		left = idle_until - ex_now_ms();
		if (left <= 0) {
			say("no reply for %d s: %ld of %ld records came back",
			    ex.timeout_ms / 1000, got, sent);
			rc = 1;
			break;
		}
		p[0].fd = fd;
		p[0].events = POLLIN;
		p[1].fd = eof ? -1 : STDIN_FILENO;
		p[1].events = POLLIN;
		n = poll(p, 2, (int)left);
		if (n < 0 && errno != EINTR) {
			say("poll: %s", strerror(errno));
			rc = 1;
			break;
		}
		if (n <= 0)
			continue;

		if (p[0].revents) {
			uint8_t type;
			ssize_t r = ex_recv_record(fd, buf, sizeof(buf), &type);

			if (r < 0 && errno != EAGAIN && errno != EINTR) {
				say("recv: %s", strerror(errno));
				rc = 1;
				break;
			}
			if (r >= 0 && type == DTLS_RECORD_TYPE_ALERT) {
				say("peer sent alert %s",
				    r == 2 ? dtls_alert_name(buf[1]) : "?");
				break;
			}
			if (r >= 0 && type == DTLS_RECORD_TYPE_DATA) {
				fwrite(buf, 1, r, stdout);
				fflush(stdout);
				got++;
				idle_until = ex_now_ms() + ex.timeout_ms;
			}
		}
		if (p[1].revents) {
			ssize_t r = read(STDIN_FILENO, line + have,
					 sizeof(line) - have);
			uint8_t *nl;

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				eof = true;
				r = 0;
			}
			have += r;
			idle_until = ex_now_ms() + ex.timeout_ms;
			/* Each line one record; at EOF or full, what is left. */
			while (have) {
				size_t l;

				nl = memchr(line, '\n', have);
				if (nl)
					l = nl - line + 1;
				else if (eof || have == sizeof(line))
					l = have;
				else
					break;
				if (send(fd, line, l, 0) != (ssize_t)l) {
					say("send: %s", strerror(errno));
					rc = 1;
					goto out;
				}
				sent++;
				memmove(line, line + l, have - l);
				have -= l;
			}
		}
	}
out:
	ex_send_close_notify(fd);
	close(fd);
	return rc;
}

int ex_run(void)
{
	struct sockaddr_storage ss;
	socklen_t len;

	if (ex_resolve(ex.addr, &ss, &len))
		ex_usage("ADDR:PORT: cannot use that address");
	setvbuf(stdout, NULL, _IOLBF, 0);
	return ex.server ? run_server(&ss, len) : run_client(&ss, len);
}
