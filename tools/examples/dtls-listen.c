// SPDX-License-Identifier: GPL-2.0
/*
 * dtls-listen: one listening socket, many DTLS clients.  The server binds
 * ONE UDP socket, attaches it, configures its kernel handshake as a PSK
 * server (not started) and calls listen(2): from then on the kernel
 * answers every ClientHello with a cookie, runs each client's handshake
 * on a child socket of its own, and accept4(2) hands the application one
 * socket per established session, connected to its client.  One epoll
 * set watches the listener (EPOLLIN: a session is ready) and every
 * accepted socket (EPOLLIN: a record); each record is echoed on its own
 * session's socket.  No TLS library, no per-client socket to set up.
 *
 *   dtls-listen server --listen ADDR:PORT ID KEY [options]
 *   dtls-listen client --connect ADDR:PORT ID KEY [options]
 *
 *   ID:  --identity-file FILE | --identity ID
 *   KEY: --key-file FILE|- [--hex]
 *   --suite, --group, --mtu, --rto-ms    as for dtls-psk
 *   --timeout S      give up after S seconds without progress (default
 *                    30); also the kernel's whole-handshake limit
 *   --clients N      server: exit once N sessions were accepted and have
 *                    ended (default: serve until killed);
 *                    client: run N clients at once (default 1)
 *
 *   server:
 *   --backlog N      listen(2)'s backlog: established sessions waiting
 *                    for accept() (default 128)
 *   --max-pending N  handshakes at once (DTLS_LISTEN_MAX_PENDING)
 *   --accept-ms N    how long a session waits for accept()
 *                    (DTLS_LISTEN_ACCEPT_MS)
 *   --rate N         ClientHellos per second from one source address
 *                    (DTLS_LISTEN_RATE; the kernel's default, 20, is
 *                    for the Internet: many clients of one host, as
 *                    here on 127.0.0.1, need more)
 *
 *   client:
 *   --records N      records each client sends, each after the echo of
 *                    the one before (default 3)
 *   --hold S         keep the sessions open S seconds after the last
 *                    echo (to look at them with `dtls show`)
 *
 * The server prints a line per accepted session (its peer, suite and
 * identity) and, at the end, what it served.  The client starts its N
 * kernel-engine PSK clients together, each on its own UDP socket
 * connected to ADDR:PORT (dtls_hs_setup(): attach, PSK and start in one
 * netlink message), sends each client's records, checks that every one
 * comes back unchanged (a record with no echo after a second is sent
 * again), and prints "N clients served on one port" to stdout when all
 * of them did, "M of N clients served on one port" otherwise; then each
 * sends close_notify and closes.
 *
 * Status lines go to stderr.  Exit status: 0 when every client was
 * served (client) or every session ended with close_notify (server with
 * --clients), 1 otherwise, 2 for a usage error.
 */
#define _GNU_SOURCE	/* accept4() */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/dtls.h>

#include "example.h"

#define PROG		"dtls-listen"
#define MAX_RECORD	16384
#define MAX_EVENTS	64
#define RESEND_MS	1000

enum {
	OPT_IDENTITY_FILE = 256,
	OPT_IDENTITY,
	OPT_KEY_FILE,
	OPT_HEX,
	OPT_BACKLOG,
	OPT_MAX_PENDING,
	OPT_ACCEPT_MS,
	OPT_RATE,
	OPT_RECORDS,
	OPT_HOLD,
};

static struct {
	uint8_t		id[128];
	size_t		id_len;
	uint8_t		key[64];
	size_t		key_len;
	const char	*key_file;
	bool		hex;
	long		backlog;
	/* DTLS_LISTEN_MAX_PENDING, _ACCEPT_MS, _RATE; 0: the kernel's */
	uint32_t	max_pending;
	uint32_t	accept_ms;
	uint32_t	rate;
	long		records;
	long		hold_s;
} o = {
	.backlog = 128,
	.records = 3,
};

static const struct option listen_opts[] = {
	{ "identity-file",	required_argument, NULL, OPT_IDENTITY_FILE },
	{ "identity",		required_argument, NULL, OPT_IDENTITY },
	{ "key-file",		required_argument, NULL, OPT_KEY_FILE },
	{ "hex",		no_argument,	   NULL, OPT_HEX },
	{ "backlog",		required_argument, NULL, OPT_BACKLOG },
	{ "max-pending",	required_argument, NULL, OPT_MAX_PENDING },
	{ "accept-ms",		required_argument, NULL, OPT_ACCEPT_MS },
	{ "rate",		required_argument, NULL, OPT_RATE },
	{ "records",		required_argument, NULL, OPT_RECORDS },
	{ "hold",		required_argument, NULL, OPT_HOLD },
	{ NULL, 0, NULL, 0 },
};

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

static void listen_opt(int c, const char *arg)
{
	ssize_t n;

	switch (c) {
	case OPT_IDENTITY_FILE:
		n = ex_read_file(arg, o.id, sizeof(o.id));
		if (n < 0)
			exit(1);
		if (n && o.id[n - 1] == '\n')
			n--;
		if (n && o.id[n - 1] == '\r')
			n--;
		o.id_len = n;
		break;
	case OPT_IDENTITY:
		o.id_len = strlen(arg);
		if (o.id_len > sizeof(o.id))
			ex_usage("--identity: at most 128 bytes");
		memcpy(o.id, arg, o.id_len);
		break;
	case OPT_KEY_FILE:
		o.key_file = arg;
		break;
	case OPT_HEX:
		o.hex = true;
		break;
	case OPT_BACKLOG:
		o.backlog = num("backlog", arg, 1, 65535);
		break;
	case OPT_MAX_PENDING:
		o.max_pending = num("max-pending", arg, 1,
				    DTLS_LISTEN_MAX_PENDING_MAX);
		break;
	case OPT_ACCEPT_MS:
		o.accept_ms = num("accept-ms", arg, 1, 3600000);
		break;
	case OPT_RATE:
		o.rate = num("rate", arg, 1, 1000000);
		break;
	case OPT_RECORDS:
		o.records = num("records", arg, 1, 1000000);
		break;
	case OPT_HOLD:
		o.hold_s = num("hold", arg, 0, 86400);
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

/* "client1", or its bytes escaped. */
static void id_str(const struct dtls_hs_info *h, char *buf, size_t len)
{
	size_t j = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < h->peer_id_len && j + 5 < len; i++)
		j += snprintf(buf + j, len - j,
			      h->peer_id[i] > 0x20 && h->peer_id[i] < 0x7f ?
			      "%c" : "\\x%02x", h->peer_id[i]);
}

/* A netlink step failed: say which, with the kernel's message. */
static void nl_fail(const char *what, int err, const char *msg)
{
	if (err == -ENOENT && !*msg)
		msg = "is the dtls module loaded?";
	say("%s: %s%s%s%s", what, strerror(-err), *msg ? " (" : "", msg,
	    *msg ? ")" : "");
}

/* Room for a descriptor per session: the soft limit up to the hard one. */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* --------------------------------------------------------------- server */

struct session {
	int		fd;
	unsigned long	n;		/* accepted n-th */
	char		peer[80];
	unsigned long	records;
};

static struct {
	unsigned long	accepted;
	unsigned long	open;
	unsigned long	closed_ok;	/* ended with close_notify */
	unsigned long	failed;
	unsigned long long records;
} srv;

static void session_end(int ep, struct session *s, const char *why)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, s->fd, NULL);
	close(s->fd);
	srv.open--;
	if (why) {
		srv.failed++;
		say("session %lu from %s: %s after %lu records", s->n,
		    s->peer, why, s->records);
	} else {
		srv.closed_ok++;
	}
	free(s);
}

/*
 * Records of one session, echoed on its socket; the session ended (and
 * @s freed) at close_notify, a fatal alert, an error or the end of file.
 * At most a batch a call: the epoll set is level-triggered, the rest
 * comes next round, after the other sessions had theirs.
 */
static void session_serve(int ep, struct session *s, uint32_t events)
{
	static uint8_t buf[MAX_RECORD];

	for (int i = 0; i < 32; i++) {
		uint8_t type;
		ssize_t n = ex_recv_record(s->fd, buf, sizeof(buf), &type);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				session_end(ep, s, strerror(errno));
				return;
			}
			/* Shut down (the listener closed) and read out. */
			if (events & (EPOLLRDHUP | EPOLLHUP))
				session_end(ep, s, "end of file");
			return;
		}
		/* Nothing more will come: the listener was closed under it. */
		if (!n && (events & (EPOLLRDHUP | EPOLLHUP))) {
			session_end(ep, s, "end of file");
			return;
		}
		if (type == DTLS_RECORD_TYPE_ALERT) {
			if (n == 2 && buf[1] == 0) {	/* close_notify */
				session_end(ep, s, NULL);
				return;
			}
			if (n == 2 && buf[0] == 2) {
				char why[64];

				snprintf(why, sizeof(why), "alert %s received",
					 dtls_alert_name(buf[1]));
				session_end(ep, s, why);
				return;
			}
			continue;
		}
		if (type != DTLS_RECORD_TYPE_DATA)
			continue;
		/* Datagrams: one that finds no room is lost, as it would be. */
		if (send(s->fd, buf, n, 0) != n && errno != EAGAIN &&
		    errno != ENOBUFS) {
			session_end(ep, s, strerror(errno));
			return;
		}
		s->records++;
		srv.records++;
	}
}

/* Every session ready on the listener @lfd, into the epoll set. */
static void accept_all(int ep, int lfd)
{
	for (;;) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		struct epoll_event ev;
		struct dtls_hs_info h;
		struct session *s;
		char id[300] = "";
		int fd;

		if (ex.clients && srv.accepted >= (unsigned long)ex.clients)
			return;
		fd = accept4(lfd, (struct sockaddr *)&peer, &plen,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			uint8_t junk[64];

			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				say("accept: %s", strerror(errno));
				return;
			}
			/*
			 * No session: what woke us is a datagram that is not
			 * DTLS, which the listener passes up as plain UDP
			 * (RFC 7983: STUN...).  Not ours to answer here.
			 */
			while (recv(lfd, junk, sizeof(junk), MSG_DONTWAIT) >= 0)
				;
			return;
		}
		s = calloc(1, sizeof(*s));
		if (!s) {
			say("out of memory");
			close(fd);
			return;
		}
		s->fd = fd;
		s->n = ++srv.accepted;
		ex_addr_str(&peer, s->peer, sizeof(s->peer));
		if (!dtls_hs_get(ex_nl, fd, 0, &h, NULL, 0)) {
			id_str(&h, id, sizeof(id));
			say("session %lu from %s: suite %s, peer identity %s",
			    s->n, s->peer, dtls_suite_name(h.suite), id);
		} else {
			say("session %lu from %s", s->n, s->peer);
		}
		ev.events = EPOLLIN | EPOLLRDHUP;
		ev.data.ptr = s;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev)) {
			say("epoll_ctl: %s", strerror(errno));
			close(fd);
			free(s);
			srv.failed++;
			continue;
		}
		srv.open++;
	}
}

/* Bound, attached, the PSK server configured, not started; listening. */
static int listener(const struct sockaddr_storage *ss, socklen_t len)
{
	static const struct {
		int		opt;
		const char	*name;
	} lim[] = {
		{ DTLS_LISTEN_MAX_PENDING,	"max-pending" },
		{ DTLS_LISTEN_ACCEPT_MS,	"accept-ms" },
		{ DTLS_LISTEN_RATE,		"rate" },
	};
	const uint32_t val[] = { o.max_pending, o.accept_ms, o.rate };
	struct dtls_hs_config cfg = ex.cfg;
	struct dtls_listen_info li;
	char msg[256] = "";
	uint64_t ino = 0;
	int fd, err;

	fd = socket(ss->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0) {
		say("socket: %s", strerror(errno));
		return -1;
	}
	if (bind(fd, (const struct sockaddr *)ss, len)) {
		say("bind %s: %s", ex.addr, strerror(errno));
		goto out;
	}
	err = dtls_open(&ex_nl);
	if (!err)
		err = dtls_sock_attach(ex_nl, fd, &ino, msg, sizeof(msg));
	if (err) {
		nl_fail("attach", err, msg);
		goto out;
	}
	/* The template of every session's handshake; never started here. */
	cfg.role = DTLS_HS_ROLE_SERVER;
	cfg.start = 0;
	err = dtls_hs_config(ex_nl, fd, 0, &cfg, msg, sizeof(msg));
	if (err) {
		nl_fail("handshake config", err, msg);
		goto out;
	}
	err = dtls_psk_add(ex_nl, fd, 0, o.id, o.id_len, o.key, o.key_len, 0,
			   msg, sizeof(msg));
	if (err) {
		nl_fail("psk add", err, msg);
		goto out;
	}
	for (size_t i = 0; i < sizeof(lim) / sizeof(lim[0]); i++) {
		if (!val[i])
			continue;
		err = dtls_listen_set(fd, lim[i].opt, val[i]);
		if (err) {
			say("--%s %u: %s", lim[i].name, val[i], strerror(-err));
			goto out;
		}
	}
	if (listen(fd, (int)o.backlog)) {
		say("listen: %s", strerror(errno));
		goto out;
	}
	err = dtls_listen_info_get(fd, &li);
	if (err) {
		say("DTLS_LISTEN_INFO: %s", strerror(-err));
		goto out;
	}
	say("listening on %s: one socket (ino %llu), backlog %u, max-pending %u, accept-ms %u, rate %u/s",
	    ex.addr, (unsigned long long)ino, li.backlog, li.max_pending,
	    li.accept_ms, li.rate);
	return fd;
out:
	close(fd);
	return -1;
}

static int run_server(const struct sockaddr_storage *ss, socklen_t len)
{
	struct epoll_event ev = { .events = EPOLLIN }, evs[MAX_EVENTS];
	long long idle_until = ex_now_ms() + ex.timeout_ms;
	bool listening = true;
	struct dtls_listen_info li;
	int lfd, ep, rc = 0;

	lfd = listener(ss, len);
	if (lfd < 0)
		return 1;
	ep = epoll_create1(EPOLL_CLOEXEC);
	ev.data.ptr = NULL;	/* the listener */
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev)) {
		say("epoll: %s", strerror(errno));
		close(lfd);
		return 1;
	}

	for (;;) {
		int n, timeout = -1;

		if (ex.clients && srv.accepted >= (unsigned long)ex.clients) {
			/* All came: leave the rest in the backlog. */
			if (listening) {
				epoll_ctl(ep, EPOLL_CTL_DEL, lfd, NULL);
				listening = false;
			}
			if (!srv.open)
				break;
		}
		/* Serving forever, nothing is too long a wait. */
		if (ex.clients) {
			long long left = idle_until - ex_now_ms();

			if (left <= 0) {
				say("nothing for %d s: %lu of %ld sessions came, %lu still open",
				    ex.timeout_ms / 1000, srv.accepted,
				    ex.clients, srv.open);
				rc = 1;
				break;
			}
			timeout = (int)left;
		}
		n = epoll_wait(ep, evs, MAX_EVENTS, timeout);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			say("epoll_wait: %s", strerror(errno));
			rc = 1;
			break;
		}
		if (n)
			idle_until = ex_now_ms() + ex.timeout_ms;
		for (int i = 0; i < n; i++) {
			if (!evs[i].data.ptr)
				accept_all(ep, lfd);
			else
				session_serve(ep, evs[i].data.ptr,
					      evs[i].events);
		}
	}

	if (!dtls_listen_info_get(lfd, &li))
		say("listener at the end: sessions %u, pending %u, ready %u",
		    li.sessions, li.pending, li.ready);
	say("served %lu sessions on one port: %lu ended with close_notify, %lu otherwise, %llu records echoed",
	    srv.accepted, srv.closed_ok, srv.failed, srv.records);
	if (srv.failed || (ex.clients && srv.closed_ok < (unsigned long)ex.clients))
		rc = 1;
	/* Closing the listener ends what it still holds (and is not ours). */
	close(ep);
	close(lfd);
	return rc;
}

/* --------------------------------------------------------------- client */

enum client_state { CL_HS, CL_ECHO, CL_SERVED, CL_FAILED };

struct client {
	int		fd;
	long		n;		/* 1..N */
	enum client_state state;
	long		record;		/* the one sent, waiting for its echo */
	char		msg[96];
	size_t		msg_len;
	long long	sent_at;	/* ms */
};

static struct {
	long		served;
	long		failed;
	unsigned long	resent;
} cl;

static void client_fail(int ep, struct client *c, const char *why)
{
	say("client %ld: %s", c->n, why);
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	c->state = CL_FAILED;
	cl.failed++;
}

static void client_send(struct client *c)
{
	c->msg_len = snprintf(c->msg, sizeof(c->msg),
			      "record %ld of %ld from client %ld\n", c->record,
			      o.records, c->n);
	c->sent_at = ex_now_ms();
	/* A datagram lost here is sent again after RESEND_MS. */
	send(c->fd, c->msg, c->msg_len, 0);
}

/*
 * A kernel-engine PSK client: its own UDP socket connected to the server,
 * attached, PSK and client configuration given and its handshake started
 * in one netlink message.  -1 on error (said).
 */
static int client_socket(long n, const struct sockaddr_storage *ss,
			 socklen_t len)
{
	struct dtls_hs_config cfg = ex.cfg;
	char msg[256] = "", what[48];
	int fd, err;

	fd = socket(ss->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0) {
		say("client %ld: socket: %s", n, strerror(errno));
		return -1;
	}
	if (connect(fd, (const struct sockaddr *)ss, len)) {
		say("client %ld: connect %s: %s", n, ex.addr, strerror(errno));
		close(fd);
		return -1;
	}
	cfg.role = DTLS_HS_ROLE_CLIENT;
	cfg.start = 1;
	err = dtls_hs_setup(ex_nl, fd, &cfg, o.id, o.id_len, o.key, o.key_len,
			    0, msg, sizeof(msg));
	if (err) {
		snprintf(what, sizeof(what), "client %ld: set-up", n);
		nl_fail(what, err, msg);
		close(fd);
		return -1;
	}
	return fd;
}

/* The handshake of @c is over (writable, or an error). */
static void client_hs(int ep, struct client *c)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
	struct dtls_hs_info h;
	char why[128];
	int err;

	err = dtls_hs_get(ex_nl, c->fd, 0, &h, NULL, 0);
	if (err) {
		snprintf(why, sizeof(why), "handshake state: %s",
			 strerror(-err));
		client_fail(ep, c, why);
		return;
	}
	if (h.state == DTLS_HS_STATE_RUNNING)
		return;
	if (h.state != DTLS_HS_STATE_ESTABLISHED) {
		snprintf(why, sizeof(why), "handshake failed: %s%s%s%s",
			 strerror(h.error ? (int)h.error : EPROTO),
			 h.alert ? ", alert " : "",
			 h.alert ? dtls_alert_name(h.alert) : "",
			 h.alert ? (h.alert_remote ? " (received)" : " (sent)") :
				   "");
		client_fail(ep, c, why);
		return;
	}
	if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev)) {
		snprintf(why, sizeof(why), "epoll_ctl: %s", strerror(errno));
		client_fail(ep, c, why);
		return;
	}
	c->state = CL_ECHO;
	c->record = 1;
	client_send(c);
}

/* Echoes for @c: the one awaited sends the next record. */
static void client_read(int ep, struct client *c)
{
	static uint8_t buf[MAX_RECORD];

	while (c->state == CL_ECHO) {
		uint8_t type;
		ssize_t n = ex_recv_record(c->fd, buf, sizeof(buf), &type);
		char why[128];

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			snprintf(why, sizeof(why), "recv: %s", strerror(errno));
			client_fail(ep, c, why);
			return;
		}
		if (type == DTLS_RECORD_TYPE_ALERT) {
			snprintf(why, sizeof(why), "alert %s received",
				 n == 2 ? dtls_alert_name(buf[1]) : "?");
			client_fail(ep, c, why);
			return;
		}
		if (type != DTLS_RECORD_TYPE_DATA)
			continue;
		if ((size_t)n == c->msg_len && !memcmp(buf, c->msg, n)) {
			if (c->record == o.records) {
				c->state = CL_SERVED;
				cl.served++;
				return;
			}
			c->record++;
			client_send(c);
			continue;
		}
		/* The echo of a record sent twice: its first copy came. */
		if (n >= 7 && !memcmp(buf, "record ", 7))
			continue;
		client_fail(ep, c, "an echo that is not what was sent");
		return;
	}
}

static int run_client(const struct sockaddr_storage *ss, socklen_t len)
{
	struct epoll_event evs[MAX_EVENTS];
	long long start = ex_now_ms(), idle_until, next_resend;
	long n = ex.clients, done;
	struct client *v;
	int ep, err, rc;

	v = calloc(n, sizeof(*v));
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (!v || ep < 0) {
		say("%s", v ? strerror(errno) : "out of memory");
		return 1;
	}
	err = dtls_open(&ex_nl);
	if (err) {
		nl_fail("netlink", err, "");
		return 1;
	}
	/* All of them at once: the listener sorts them out. */
	for (long i = 0; i < n; i++) {
		struct client *c = &v[i];
		struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = c };

		c->n = i + 1;
		c->fd = client_socket(c->n, ss, len);
		if (c->fd < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev)) {
			if (c->fd >= 0)
				close(c->fd);
			c->fd = -1;
			c->state = CL_FAILED;
			cl.failed++;
		}
	}
	say("%ld clients started against %s", n - cl.failed, ex.addr);

	idle_until = ex_now_ms() + ex.timeout_ms;
	next_resend = ex_now_ms() + RESEND_MS;
	while ((done = cl.served + cl.failed) < n) {
		long long now = ex_now_ms();
		int k;

		if (now >= idle_until) {
			say("nothing for %d s: %ld clients not done",
			    ex.timeout_ms / 1000, n - done);
			for (long i = 0; i < n; i++)
				if (v[i].state == CL_HS || v[i].state == CL_ECHO)
					client_fail(ep, &v[i],
						    v[i].state == CL_HS ?
						    "handshake not done" :
						    "echo missing");
			break;
		}
		/* Records whose echo is late: sent again. */
		if (now >= next_resend) {
			for (long i = 0; i < n; i++) {
				if (v[i].state == CL_ECHO &&
				    now - v[i].sent_at >= RESEND_MS) {
					client_send(&v[i]);
					cl.resent++;
				}
			}
			next_resend = now + RESEND_MS / 4;
		}
		k = epoll_wait(ep, evs, MAX_EVENTS, RESEND_MS / 4);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			say("epoll_wait: %s", strerror(errno));
			break;
		}
		for (int i = 0; i < k; i++) {
			struct client *c = evs[i].data.ptr;
			enum client_state st = c->state;
			long rec = c->record;

			if (c->state == CL_HS)
				client_hs(ep, c);
			else if (c->state == CL_ECHO)
				client_read(ep, c);
			/* A handshake over, an echo: progress. */
			if (c->state != st || c->record != rec)
				idle_until = ex_now_ms() + ex.timeout_ms;
		}
	}

	say("%ld of %ld handshakes and echoes done in %lld ms, %lu records sent again",
	    cl.served, n, ex_now_ms() - start, cl.resent);
	if (cl.served == n)
		printf("%ld clients served on one port\n", n);
	else
		printf("%ld of %ld clients served on one port\n", cl.served, n);
	fflush(stdout);
	rc = cl.served == n ? 0 : 1;

	if (o.hold_s) {
		struct timespec ts = { .tv_sec = o.hold_s };

		say("holding the sessions for %ld s", o.hold_s);
		while (nanosleep(&ts, &ts) && errno == EINTR)
			;
	}
	for (long i = 0; i < n; i++) {
		if (v[i].state != CL_SERVED)
			continue;
		ex_send_close_notify(v[i].fd);
		close(v[i].fd);
	}
	close(ep);
	free(v);
	return rc;
}

/* ----------------------------------------------------------------- main */

/* Neither is called: this program has its own loops (run_*()). */
static int unused_creds(int fd, const char **what, char *msg, size_t len)
{
	(void)fd;
	(void)msg;
	(void)len;
	*what = "";
	return -EINVAL;
}

static void unused_done(const char *peer, const struct dtls_hs_info *h)
{
	(void)peer;
	(void)h;
}

static const struct example listen_ex = {
	.prog		= PROG,
	.usage		= PROG " server --listen ADDR:PORT ID KEY [options]\n"
		"       " PROG " client --connect ADDR:PORT ID KEY [options]\n"
		"  ID:  --identity-file FILE | --identity ID\n"
		"  KEY: --key-file FILE|- [--hex]\n"
		"  options: --suite S... --group G... --mtu N --rto-ms N\n"
		"           --timeout S --clients N\n"
		"  server:  --backlog N --max-pending N --accept-ms N --rate N\n"
		"  client:  --records N --hold S\n",
	.extra_arg	= "unexpected argument (keys are read from --key-file)",
	.opts		= listen_opts,
	.opt		= listen_opt,
	.creds		= unused_creds,
	.hs_done	= unused_done,
};

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int rc;

	ex.clients = 0;		/* server: until killed; client: 1 */
	ex_parse_args(&listen_ex, argc, argv);
	if (!ex.echo)
		ex_usage("--no-echo: this server always echoes");
	if (!ex.server && !ex.clients)
		ex.clients = 1;
	psk_check();
	if (ex_resolve(ex.addr, &ss, &len))
		ex_usage("ADDR:PORT: cannot use that address");
	setvbuf(stdout, NULL, _IOLBF, 0);
	raise_nofile();
	rc = ex.server ? run_server(&ss, len) : run_client(&ss, len);
	explicit_bzero(o.key, sizeof(o.key));
	dtls_close(ex_nl);
	return rc;
}
