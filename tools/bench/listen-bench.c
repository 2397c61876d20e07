// SPDX-License-Identifier: GPL-2.0
/*
 * listen-bench: one server port, many DTLS sessions.  What a record costs
 * on one session while N others exist on the same port, with a kdtls
 * listener (listen(2), accept(2): the sessions in the listener's own
 * table) and with today's one UDP socket per peer (SO_REUSEPORT, each
 * connected to its client, which UDP finds by scanning all the port's
 * connected sockets on kernels before 6.13); what establishing 10,000
 * sessions on a listener costs; and what an idle established session
 * keeps in kernel memory.  Meant to run as root in a one-vCPU QEMU guest
 * with the icount plugin, booted with slab_nomerge (tools/bench/
 * listen-run.sh does it all):
 *
 *   tools/vm/run -q '-smp 1 -m 1G -plugin .../icount.so' -m dtls.ko -- \
 *	tools/out/listen-bench
 *
 * Everything is on loopback, in this one process: the server on
 * 127.0.0.1, client i bound to 127.16.0.1 + i / 64 (64 clients an
 * address, any port), its socket connected to the server.
 *
 * Listener (model=listener).  A UDP socket bound to 127.0.0.1, set up as
 * a server by one dtls_hs_setup() (attach, the PSK, role server, the one
 * suite, cookies; not started), DTLS_LISTEN_RATE 100000 and
 * DTLS_LISTEN_MAX_PENDING 1024 (the defaults, 20 ClientHellos/s per
 * source and 256 handshakes, are for a server on the Internet), then
 * listen(fd, 4096), non-blocking.  Sessions are added in steps up to
 * each N of the list (1, 100, 1,000, 10,000): clients are started
 * (socket, bind, connect, one dtls_hs_setup() with the start: the
 * kernel's handshake, client role) --window at a time, and one poll()
 * loop accepts the children on the listener (accept4() until EAGAIN) and
 * waits for each client to be writable (established), each step one
 * measured span:
 *
 *   SPAN idx=I model=listener phase=establish suite=S from=A to=B ns=T
 *
 * followed by the kernel's counters of the step (/proc/net/dtls_stat):
 *
 *   HSSTAT suite=S from=A to=B done=D failed=F hvr=H retransmit=R
 *	spawned=P ratelimited=L queuefull=Q pendingfull=M backlogfull=K
 *	expired=E
 *
 * Then, outside the spans, every new child and client is checked (both
 * ciphers the suite's, DTLS_INFO; the listener holds B sessions, none
 * pending or waiting, DTLS_LISTEN_INFO) and every new child drops its
 * kept last flight (DTLS_FINAL_FLIGHT_DROP), as the client's first
 * record would:
 *
 *   FLIGHTS suite=S from=A to=B held=H
 *
 * Before each suite's listener, one session on a listener of its own,
 * unmeasured (the suite's crypto modules loaded, the caches warm).
 *
 * Records.  At each N, the first client sends 1200-byte records to its
 * child (AES-128-GCM, from the handshake), which receives them: one
 * send() and one recv() per record, as record-bench does, LOOP_REPS spans
 * of -r records each (the host takes the median), after WARMUP records:
 *
 *   SPAN idx=I model=M n=N variant=V cipher=aes-128-gcm size=1200
 *	records=R rep=K ns=T
 *
 * Variant "all": every session's client and server socket open.  At the
 * largest N also "server-only", once the other clients are closed (the
 * children stay): the client sockets of this benchmark share UDP's hash
 * with the listener, which a server's remote clients do not.  At one
 * session, variants "send" and "recv": PHASE_RECORDS records in spans of
 * PHASE_BATCH sends (the receive path and the opening in softirq
 * included), then of their recvs, as record-bench's phases.
 *
 * One socket per peer (model=reuseport).  N server sockets with
 * SO_REUSEPORT bound to one port of 127.0.0.1, each connected to its
 * client and the client to it, both attached, random AES-128-GCM keys
 * installed with setsockopt(DTLS_TX / DTLS_RX) both ways (no handshake:
 * the record path is what is measured), grown in the same steps; the
 * records from the first pair's client to its server socket.
 *
 * The reference (model=pair), at one session: a client and a server
 * socket of its own, the kernel's handshake on both (the server
 * listening for its one client, as hs-bench's), no listener.
 *
 * Memory.  Slab memory as hs-bench reads it (bench.h: /proc/slabinfo,
 * every cache shrunk, deferred frees settled), in the listener's run of
 * the largest N (AES-128-GCM) and for each other suite in a run of -k
 * sessions of its own (a listener, the sessions established, nothing
 * measured but the establishment span):
 *
 *   m0  the listener alone
 *   mk  all sessions, the last step's final flights still kept (then
 *       dropped)
 *   m1  all sessions
 *   m2  the clients closed (but the first, in the largest-N run)
 *   mw  the children's exporter secrets wiped (DTLS_EXPORTER_WIPE)
 *   m3  the children closed (but the first's)
 *   m4  everything closed
 *
 * Per session (of those closed): the server side is m2 - m3, the client
 * side mi - m2, the exporter secret m2 - mw, the kept flight mk - m1
 * (per session of the last step), the crypto API transforms idle keys
 * drop (both sides, idle= seconds of dtls.ko's aead_idle_secs after m1)
 * m1 - mi, what closing did not give back m4 - m0.  A plain UDP socket for reference: -k sockets bound to
 * 127.0.0.1 and connected, as a child is, against none.  Printed:
 *
 *   MEM suite=S sessions=K udp_sock=B server=B server_sock=B client=B
 *	flight=B exporter=B left=B idle=S transforms=B
 *   MEMCACHE suite=S side=server|client|flight|exporter|left|udp
 *	cache=NAME objs=X bytes=B sock=0|1
 *
 * server_sock is the part of server in the caches of the child's own
 * socket (UDP, UDPv6, sock_inode_cache, dentry, filp, the LSM blob
 * caches: sock=1 in MEMCACHE); objs and bytes per session (per socket for
 * udp).  Slab memory only: the listener's table of children (its bucket
 * array, 8 bytes a bucket, at most twice the sessions) and anything else
 * above 8 KiB comes from the page allocator and is not counted.
 *
 * Options: --quick (N up to 100, 200 records a span, 50 sessions a
 * suite), --max N (the largest N; the list is cut there, N added),
 * -r records a span, -k sessions of each other suite (and of plain UDP
 * sockets), -w handshakes in flight (the window), --no-reuseport,
 * --no-suites (AES-128-GCM only).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/opensslv.h>

#include <linux/dtls.h>

#include "bench.h"
#include "libdtls.h"

#define PROG		"listen-bench"
#define RECORD_SIZE	1200
#define WARMUP		20	/* unmeasured records before each span */
#define LOOP_REPS	3
#define HS_TIMEOUT_MS	30000	/* no progress at all for this long: fail */
#define CLIENTS_PER_ADDR 64
#define MAX_SESSIONS	20000
#define MAX_WINDOW	1024
#define LISTEN_RATE	100000	/* DTLS_LISTEN_RATE's most */
#define LISTEN_PENDING	1024
#define LISTEN_BACKLOG	4096	/* somaxconn's default */

struct suite {
	const char	*name;		/* OpenSSL's, the span field */
	uint16_t	id;		/* IANA */
	uint16_t	cipher;		/* DTLS_CIPHER_*, as DTLS_INFO says */
};

/* The first is the one of the record spans and of the largest run. */
static const struct suite suites[] = {
	{ "PSK-AES128-GCM-SHA256", 0x00a8, DTLS_CIPHER_AES_GCM_128 },
	{ "PSK-AES256-GCM-SHA384", 0x00a9, DTLS_CIPHER_AES_GCM_256 },
	{ "PSK-CHACHA20-POLY1305", 0xccab, DTLS_CIPHER_CHACHA20_POLY1305 },
	{ "PSK-AES128-CCM8", 0xc0a8, DTLS_CIPHER_AES_CCM_8_128 },
};

#define NSUITES		(sizeof(suites) / sizeof(suites[0]))

static const int steps[] = { 1, 100, 1000, 10000 };

#define NSTEPS		(sizeof(steps) / sizeof(steps[0]))

static int max_n = 10000, n_records = 1000, n_mem = 10000, window = 64;
static unsigned char txbuf[RECORD_SIZE], rxbuf[RECORD_SIZE + 256];
static struct dtls_nl *nl;

/*
 * The sessions of a run: client i's socket and address; the server side
 * (the children, in the order accepted, or the reuseport sockets, in
 * client order).  One run at a time.
 */
static int *cli_fd, *srv_fd;
static struct sockaddr_in *cli_addr;

/* ------------------------------------------------------------ helpers */

static void setsockopt_u32(int fd, int level, int opt, uint32_t val,
			   const char *what)
{
	if (setsockopt(fd, level, opt, &val, sizeof(val)))
		die("setsockopt %s %u: %s", what, val, strerror(errno));
}

static void rcv_timeout(int fd)
{
	struct timeval tv = { .tv_sec = 10 };

	/* A lost record must fail the run, not hang the guest. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		die("SO_RCVTIMEO: %s", strerror(errno));
}

/* Client @i's address: 127.16.0.1 and up, CLIENTS_PER_ADDR each, any port. */
static void client_bind(int fd, int i)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(0x7f100001 + i / CLIENTS_PER_ADDR),
	};
	socklen_t len = sizeof(cli_addr[i]);

	if (bind(fd, (struct sockaddr *)&a, sizeof(a)))
		die("bind client %d: %s", i, strerror(errno));
	if (getsockname(fd, (struct sockaddr *)&cli_addr[i], &len))
		die("getsockname: %s", strerror(errno));
}

static bool same_addr(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_addr.s_addr == b->sin_addr.s_addr &&
	       a->sin_port == b->sin_port;
}

/* Both ciphers of @fd are @cipher. */
static void check_cipher(int fd, uint16_t cipher, const char *who, int i)
{
	struct dtls_info info;
	socklen_t len = sizeof(info);

	if (getsockopt(fd, SOL_DTLS, DTLS_INFO, &info, &len))
		die("DTLS_INFO of %s %d: %s", who, i, strerror(errno));
	if (info.tx_cipher != cipher || info.rx_cipher != cipher)
		die("%s %d has ciphers tx %u rx %u, not %u", who, i,
		    info.tx_cipher, info.rx_cipher, cipher);
}

/* The netns's counters, /proc/net/dtls_stat, by name. */
#define NSTATS		10

static const char *const stat_names[NSTATS] = {
	"DtlsHsDone", "DtlsHsFailed", "DtlsHsHelloVerifySent",
	"DtlsHsRetransmit", "DtlsListenSpawned", "DtlsListenRatelimited",
	"DtlsListenQueueFull", "DtlsListenPendingFull",
	"DtlsListenBacklogFull", "DtlsListenExpired",
};

enum {
	ST_DONE, ST_FAILED, ST_HVR, ST_RETRANSMIT, ST_SPAWNED,
	ST_RATELIMITED, ST_QUEUEFULL, ST_PENDINGFULL, ST_BACKLOGFULL,
	ST_EXPIRED,
};

struct stats {
	unsigned long long v[NSTATS];
};

static void stats_read(struct stats *s)
{
	FILE *f = fopen("/proc/net/dtls_stat", "r");
	unsigned long long val;
	char name[64];

	memset(s, 0, sizeof(*s));
	if (!f)
		die("/proc/net/dtls_stat: %s", strerror(errno));
	while (fscanf(f, "%63s %llu", name, &val) == 2)
		for (int i = 0; i < NSTATS; i++)
			if (!strcmp(name, stat_names[i]))
				s->v[i] = val;
	fclose(f);
}

/* ------------------------------------------------------------ records */

static void records(int tx, int rx, int n)
{
	for (int i = 0; i < n; i++) {
		ssize_t r = send(tx, txbuf, RECORD_SIZE, 0);

		if (r != RECORD_SIZE)
			die("send: %zd %s", r, r < 0 ? strerror(errno) : "");
		r = recv(rx, rxbuf, sizeof(rxbuf), 0);
		if (r != RECORD_SIZE)
			die("recv: %zd %s", r, r < 0 ? strerror(errno) : "");
	}
}

/*
 * LOOP_REPS spans of n_records records from @tx to @rx, each after
 * WARMUP unmeasured ones; the payload checked after each.
 */
static void record_spans(const char *model, int n, const char *variant,
			 int tx, int rx)
{
	struct span s;

	for (int rep = 0; rep < LOOP_REPS; rep++) {
		span_label("%s, %d sessions (%s): %d records of %d B, run %d",
			   model, n, variant, n_records, RECORD_SIZE, rep + 1);
		records(tx, rx, WARMUP);
		memset(rxbuf, 0, sizeof(rxbuf));
		span_start(&s, "model=%s n=%d variant=%s cipher=aes-128-gcm size=%d records=%d rep=%d",
			   model, n, variant, RECORD_SIZE, n_records, rep);
		records(tx, rx, n_records);
		span_end(&s);
		if (memcmp(txbuf, rxbuf, RECORD_SIZE))
			die("%s: payload corrupted", model);
	}
}

/*
 * Where a record's instructions go, at one session: PHASE_RECORDS
 * records in batches of PHASE_BATCH sends in one span (the receive path,
 * the opening in softirq included), then their recvs in the next, as
 * record-bench does.
 */
#define PHASE_RECORDS	500
#define PHASE_BATCH	20

static void phase_spans(const char *model, int tx, int rx)
{
	struct span s;

	span_label("%s, 1 session: %d records of %d B, sends then recvs by %d",
		   model, PHASE_RECORDS, RECORD_SIZE, PHASE_BATCH);
	records(tx, rx, WARMUP);
	memset(rxbuf, 0, sizeof(rxbuf));
	for (int done = 0; done < PHASE_RECORDS; done += PHASE_BATCH) {
		span_start(&s, "model=%s n=1 variant=send cipher=aes-128-gcm size=%d records=%d rep=0",
			   model, RECORD_SIZE, PHASE_BATCH);
		for (int i = 0; i < PHASE_BATCH; i++)
			if (send(tx, txbuf, RECORD_SIZE, 0) != RECORD_SIZE)
				die("send: %s", strerror(errno));
		span_end(&s);
		span_start(&s, "model=%s n=1 variant=recv cipher=aes-128-gcm size=%d records=%d rep=0",
			   model, RECORD_SIZE, PHASE_BATCH);
		for (int i = 0; i < PHASE_BATCH; i++)
			if (recv(rx, rxbuf, sizeof(rxbuf), 0) != RECORD_SIZE)
				die("recv: %s", strerror(errno));
		span_end(&s);
	}
	if (memcmp(txbuf, rxbuf, RECORD_SIZE))
		die("%s: payload corrupted", model);
}

/* ------------------------------------------------------------ listener */

struct lsn {
	const struct suite	*s;
	int			fd;
	struct sockaddr_in	addr;
	int			n_cli;		/* clients started */
	int			n_child;	/* children accepted */
	int			first;		/* srv_fd index of client 0's */
};

static void lsn_open(struct lsn *l, const struct suite *s)
{
	struct dtls_hs_config cfg = {
		.role = DTLS_HS_ROLE_SERVER,
		.suites = &s->id,
		.n_suites = 1,
		.cookies = 1,
	};
	char msg[128] = "";
	int err;

	memset(l, 0, sizeof(*l));
	l->s = s;
	l->first = -1;
	l->fd = udp_bound(&l->addr);
	err = dtls_hs_setup(nl, l->fd, &cfg, bench_psk_identity,
			    strlen(bench_psk_identity), bench_psk,
			    sizeof(bench_psk), 0, msg, sizeof(msg));
	if (err)
		die("listener %s setup: %s %s", s->name, strerror(-err), msg);
	setsockopt_u32(l->fd, SOL_DTLS, DTLS_LISTEN_RATE, LISTEN_RATE,
		       "DTLS_LISTEN_RATE");
	setsockopt_u32(l->fd, SOL_DTLS, DTLS_LISTEN_MAX_PENDING,
		       LISTEN_PENDING, "DTLS_LISTEN_MAX_PENDING");
	if (listen(l->fd, LISTEN_BACKLOG))
		die("listen: %s", strerror(errno));
	set_nonblock(l->fd, true);
}

static void lsn_info(const struct lsn *l, struct dtls_listen_info *li)
{
	socklen_t len = sizeof(*li);

	if (getsockopt(l->fd, SOL_DTLS, DTLS_LISTEN_INFO, li, &len))
		die("DTLS_LISTEN_INFO: %s", strerror(errno));
}

/* Client @i: its socket, connected to the listener, its handshake started. */
static void lsn_client(struct lsn *l, int i)
{
	struct dtls_hs_config cfg = {
		.role = DTLS_HS_ROLE_CLIENT,
		.suites = &l->s->id,
		.n_suites = 1,
		.cookies = -1,
		.start = 1,
	};
	char msg[128] = "";
	int fd, err;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket (client %d): %s", i, strerror(errno));
	client_bind(fd, i);
	udp_connect(fd, &l->addr);
	err = dtls_hs_setup(nl, fd, &cfg, bench_psk_identity,
			    strlen(bench_psk_identity), bench_psk,
			    sizeof(bench_psk), 0, msg, sizeof(msg));
	if (err)
		die("client %d setup: %s %s", i, strerror(-err), msg);
	cli_fd[i] = fd;
}

/* Every session ready on the listener, until EAGAIN. */
static void lsn_accept(struct lsn *l)
{
	for (;;) {
		struct sockaddr_in peer;
		socklen_t len = sizeof(peer);
		int fd = accept4(l->fd, (struct sockaddr *)&peer, &len,
				 SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (errno == EINTR)
				continue;
			die("accept4: %s", strerror(errno));
		}
		if (l->n_child == l->n_cli)
			die("accept4: more children (%d) than clients",
			    l->n_child + 1);
		if (same_addr(&peer, &cli_addr[0]))
			l->first = l->n_child;
		srv_fd[l->n_child++] = fd;
	}
}

static void __attribute__((noreturn)) lsn_stuck(const struct lsn *l,
						int done, int to)
{
	struct dtls_listen_info li;
	struct stats st;

	lsn_info(l, &li);
	stats_read(&st);
	die("no progress for %d ms: %d of %d clients established, %d children accepted; listener: sessions %u pending %u ready %u; done %llu failed %llu retransmit %llu ratelimited %llu queuefull %llu pendingfull %llu backlogfull %llu",
	    HS_TIMEOUT_MS, done, to, l->n_child, li.sessions, li.pending,
	    li.ready, st.v[ST_DONE], st.v[ST_FAILED], st.v[ST_RETRANSMIT],
	    st.v[ST_RATELIMITED], st.v[ST_QUEUEFULL], st.v[ST_PENDINGFULL],
	    st.v[ST_BACKLOGFULL]);
}

/*
 * Sessions up to @to: clients started --window at a time, children
 * accepted, until every client is established and every child accepted.
 * Inside a span: no output, no checks.
 */
static void lsn_grow(struct lsn *l, int to)
{
	static struct pollfd pfd[MAX_WINDOW + 1];
	static int inflight[MAX_WINDOW];
	int nin = 0, done = l->n_cli;

	while (done < to || l->n_child < to) {
		int r;

		while (nin < window && l->n_cli < to) {
			lsn_client(l, l->n_cli);
			inflight[nin++] = l->n_cli++;
		}
		pfd[0].fd = l->fd;
		pfd[0].events = POLLIN;
		for (int i = 0; i < nin; i++) {
			pfd[1 + i].fd = cli_fd[inflight[i]];
			pfd[1 + i].events = POLLOUT;
		}
		r = poll(pfd, 1 + nin, HS_TIMEOUT_MS);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("poll: %s", strerror(errno));
		if (!r)
			lsn_stuck(l, done, to);
		if (pfd[0].revents & POLLIN)
			lsn_accept(l);
		/* From the end: the last, moved into a hole, is seen already. */
		for (int i = nin - 1; i >= 0; i--) {
			short ev = pfd[1 + i].revents;

			if (ev & (POLLERR | POLLHUP | POLLNVAL)) {
				int err = 0;
				socklen_t len = sizeof(err);

				getsockopt(pfd[1 + i].fd, SOL_SOCKET, SO_ERROR,
					   &err, &len);
				die("client %d: handshake failed: %s",
				    inflight[i], strerror(err));
			}
			if (ev & POLLOUT) {
				done++;
				inflight[i] = inflight[--nin];
			}
		}
	}
}

/*
 * One step: the sessions up to @to in one span, the counters, then the
 * checks; the new children's final flights are dropped, after a reading
 * of the memory with them kept if @kept is not NULL.
 */
static void lsn_step(struct lsn *l, int to, struct slabs *kept)
{
	int from = l->n_cli, child0 = l->n_child, held = 0;
	struct dtls_listen_info li;
	struct stats a, b;
	struct span s;

	span_label("listener %s: sessions %d to %d (%d in flight)",
		   l->s->name, from, to, window);
	stats_read(&a);
	span_start(&s, "model=listener phase=establish suite=%s from=%d to=%d",
		   l->s->name, from, to);
	lsn_grow(l, to);
	span_end(&s);
	spans_flush();
	stats_read(&b);
	printf("HSSTAT suite=%s from=%d to=%d done=%llu failed=%llu hvr=%llu retransmit=%llu spawned=%llu ratelimited=%llu queuefull=%llu pendingfull=%llu backlogfull=%llu expired=%llu\n",
	       l->s->name, from, to, b.v[ST_DONE] - a.v[ST_DONE],
	       b.v[ST_FAILED] - a.v[ST_FAILED], b.v[ST_HVR] - a.v[ST_HVR],
	       b.v[ST_RETRANSMIT] - a.v[ST_RETRANSMIT],
	       b.v[ST_SPAWNED] - a.v[ST_SPAWNED],
	       b.v[ST_RATELIMITED] - a.v[ST_RATELIMITED],
	       b.v[ST_QUEUEFULL] - a.v[ST_QUEUEFULL],
	       b.v[ST_PENDINGFULL] - a.v[ST_PENDINGFULL],
	       b.v[ST_BACKLOGFULL] - a.v[ST_BACKLOGFULL],
	       b.v[ST_EXPIRED] - a.v[ST_EXPIRED]);
	if (b.v[ST_DONE] - a.v[ST_DONE] != 2ULL * (to - from) ||
	    b.v[ST_FAILED] != a.v[ST_FAILED])
		die("listener %s: %llu handshake ends done, %llu failed, for %d sessions",
		    l->s->name, b.v[ST_DONE] - a.v[ST_DONE],
		    b.v[ST_FAILED] - a.v[ST_FAILED], to - from);

	for (int i = from; i < to; i++)
		check_cipher(cli_fd[i], l->s->cipher, "client", i);
	for (int i = child0; i < l->n_child; i++)
		check_cipher(srv_fd[i], l->s->cipher, "child", i);
	lsn_info(l, &li);
	if ((int)li.sessions != to || li.pending || li.ready)
		die("listener %s: %u sessions, %u pending, %u ready; expected %d, 0, 0",
		    l->s->name, li.sessions, li.pending, li.ready, to);
	if (l->first < 0)
		die("listener %s: no child of client 0", l->s->name);
	if (kept) {
		printf("memory: %s, %d sessions, the last %d final flights kept\n",
		       l->s->name, to, to - from);
		slab_settle(kept);
	}
	for (int i = child0; i < l->n_child; i++) {
		struct dtls_final_flight_info fi;
		socklen_t len = sizeof(fi);

		if (getsockopt(srv_fd[i], SOL_DTLS, DTLS_FINAL_FLIGHT, &fi,
			       &len))
			die("DTLS_FINAL_FLIGHT: %s", strerror(errno));
		held += fi.held;
		if (setsockopt(srv_fd[i], SOL_DTLS, DTLS_FINAL_FLIGHT_DROP,
			       NULL, 0))
			die("DTLS_FINAL_FLIGHT_DROP: %s", strerror(errno));
	}
	printf("FLIGHTS suite=%s from=%d to=%d held=%d\n", l->s->name, from,
	       to, held);
}

/* ------------------------------------------------------------ memory */

/* The caches of a socket's own objects, its file and inode included. */
static bool sock_cache(const char *name)
{
	static const char *const names[] = {
		"UDP", "UDPv6", "sock_inode_cache", "dentry", "filp",
		"lsm_file_cache", "lsm_inode_cache",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

/*
 * (@a - @b) / @div per cache, for the caches that moved by 4 bytes per
 * @div or more; the sum over the socket's caches in *@sock.  Returns
 * the total, per @div.
 */
static double mem_caches(const char *suite, const char *side,
			 const struct slabs *a, const struct slabs *b, int div,
			 double *sock)
{
	static char seen[2 * SLAB_MAX_CACHES][48];
	const struct slabs *lists[2] = { a, b };
	int nseen = 0;

	*sock = 0;
	for (int l = 0; l < 2; l++) {
		for (int i = 0; i < lists[l]->n; i++) {
			const char *name = lists[l]->c[i].name;
			long long oa, ob, ba, bb;
			double bytes;
			int k;

			for (k = 0; k < nseen; k++)
				if (!strcmp(seen[k], name))
					break;
			if (k < nseen)
				continue;
			snprintf(seen[nseen++], sizeof(seen[0]), "%s", name);
			ba = slab_cache_bytes(a, name, &oa);
			bb = slab_cache_bytes(b, name, &ob);
			bytes = (double)(ba - bb) / div;
			if (sock_cache(name))
				*sock += bytes;
			if (bytes > -4 && bytes < 4)
				continue;
			printf("MEMCACHE suite=%s side=%s cache=%s objs=%.2f bytes=%.0f sock=%d\n",
			       suite, side, name, (double)(oa - ob) / div,
			       bytes, sock_cache(name));
		}
	}
	return (double)(a->total - b->total) / div;
}

/* A plain UDP socket, bound to 127.0.0.1 and connected: @k of them. */
static double mem_udp(int k)
{
	static struct slabs m0, m1;
	struct sockaddr_in a, peer = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(0x7f100001),
		.sin_port = htons(9),
	};
	double sock, udp;

	printf("memory: %d plain UDP sockets\n", k);
	slab_settle(&m0);
	for (int i = 0; i < k; i++) {
		srv_fd[i] = udp_bound(&a);
		peer.sin_port = htons(1024 + i);
		udp_connect(srv_fd[i], &peer);
	}
	slab_settle(&m1);
	udp = mem_caches("-", "udp", &m1, &m0, k, &sock);
	for (int i = 0; i < k; i++)
		close(srv_fd[i]);
	return udp;
}

/* ------------------------------------------------------------ runs */

/*
 * An idle session's AES transforms go after one to two periods of dtls.ko's
 * aead_idle_secs: wait for that, so the memory is an idle session's.
 * Return: the parameter (0 if it is missing or 0).
 */
static int idle_wait(void)
{
	FILE *f = fopen("/sys/module/dtls/parameters/aead_idle_secs", "r");
	int secs = 0;

	if (f) {
		if (fscanf(f, "%d", &secs) != 1)
			secs = 0;
		fclose(f);
	}
	if (secs > 0) {
		printf("idle: %d s for idle keys' transforms to go\n",
		       2 * secs + 1);
		fflush(stdout);
		sleep(2 * secs + 1);
	}
	return secs;
}

static void close_fds(int *fds, int from, int to, int keep)
{
	for (int i = from; i < to; i++)
		if (i != keep)
			close(fds[i]);
}

/*
 * One session on a listener of its own, closed again, unmeasured: the
 * suite's crypto modules and templates loaded (CCM comes as a module, by
 * the kernel's modprobe), the caches warm.
 */
static void lsn_warmup(const struct suite *s)
{
	struct lsn w;

	printf("progress: %s: warm-up session\n", s->name);
	lsn_open(&w, s);
	lsn_grow(&w, 1);
	check_cipher(cli_fd[0], s->cipher, "client", 0);
	check_cipher(srv_fd[0], s->cipher, "child", 0);
	close(cli_fd[0]);
	close(srv_fd[0]);
	close(w.fd);
}

/* Each socket's DTLS_EXPORTER_WIPE, but @keep's. */
static void exporter_wipe(int *fds, int n, int keep)
{
	for (int i = 0; i < n; i++)
		if (i != keep &&
		    setsockopt(fds[i], SOL_DTLS, DTLS_EXPORTER_WIPE, NULL, 0))
			die("DTLS_EXPORTER_WIPE: %s", strerror(errno));
}

/*
 * A listener's run: sessions in steps up to @n (the steps of the list,
 * with the record spans at each, when @recs; else one step), the memory
 * around them.  The largest run (@recs) keeps the first session open to
 * the end, for the records with the other clients closed: its memory
 * figures are per @n - 1 sessions.
 */
static void lsn_run(const struct suite *s, int n, bool recs, double udp)
{
	static struct slabs m0, mk, m1, mi, m2, mw, m3, m4;
	double server, sock, client, flight, exporter, left, aead, tmp;
	int from = 0, keep = -1, div = n, idle;
	struct lsn l;

	lsn_warmup(s);
	lsn_open(&l, s);
	printf("memory: %s, the listener alone\n", s->name);
	slab_settle(&m0);
	for (size_t i = 0; i <= NSTEPS; i++) {
		int to = i < NSTEPS ? steps[i] : n;

		if (to > n || (i == NSTEPS && l.n_cli == n))
			continue;
		if (!recs && to < n)
			continue;
		from = l.n_cli;
		lsn_step(&l, to, to == n ? &mk : NULL);
		if (!recs)
			continue;
		rcv_timeout(srv_fd[l.first]);
		record_spans("listener", to, "all", cli_fd[0],
			     srv_fd[l.first]);
		if (to == 1)
			phase_spans("listener", cli_fd[0], srv_fd[l.first]);
	}
	printf("memory: %s, %d sessions\n", s->name, n);
	slab_settle(&m1);
	flight = mem_caches(s->name, "flight", &mk, &m1, n - from, &tmp);
	idle = idle_wait();
	printf("memory: %s, %d sessions idle\n", s->name, n);
	slab_settle(&mi);
	aead = mem_caches(s->name, "transforms", &m1, &mi, n, &tmp);

	/* The clients go, then the children's exporter secrets, then they. */
	if (recs && n > 1) {
		keep = 0;
		div = n - 1;
	}
	close_fds(cli_fd, 0, n, keep);
	printf("memory: %s, the clients closed\n", s->name);
	slab_settle(&m2);
	if (keep >= 0)
		record_spans("listener", n, "server-only", cli_fd[0],
			     srv_fd[l.first]);
	keep = keep >= 0 ? l.first : -1;
	exporter_wipe(srv_fd, l.n_child, keep);
	printf("memory: %s, the exporter secrets wiped\n", s->name);
	slab_settle(&mw);
	close_fds(srv_fd, 0, l.n_child, keep);
	printf("memory: %s, the children closed\n", s->name);
	slab_settle(&m3);
	if (keep >= 0) {
		close(cli_fd[0]);
		close(srv_fd[l.first]);
	}
	close(l.fd);
	slab_settle(&m4);
	client = mem_caches(s->name, "client", &mi, &m2, div, &tmp);
	server = mem_caches(s->name, "server", &m2, &m3, div, &sock);
	exporter = mem_caches(s->name, "exporter", &m2, &mw, div, &tmp);
	left = mem_caches(s->name, "left", &m4, &m0, n, &tmp);
	printf("MEM suite=%s sessions=%d udp_sock=%.0f server=%.0f server_sock=%.0f client=%.0f flight=%.0f exporter=%.0f left=%.0f idle=%d transforms=%.0f\n",
	       s->name, div, udp, server, sock, client, flight, exporter,
	       left, idle, aead);
}

/*
 * The reference: one session between a client and a server socket of
 * its own, the kernel's handshake on both (the server's listening for
 * its one client, which connects it), no listener.
 */
static void pair_run(const struct suite *s)
{
	struct dtls_hs_config cfg = {
		.role = DTLS_HS_ROLE_SERVER,
		.suites = &s->id,
		.n_suites = 1,
		.cookies = 1,
		.start = 1,
	};
	struct pollfd pfd[2];
	struct sockaddr_in sa;
	char msg[128] = "";
	int srv, cli, err;

	printf("progress: pair: one session, no listener\n");
	srv = udp_bound(&sa);
	err = dtls_hs_setup(nl, srv, &cfg, bench_psk_identity,
			    strlen(bench_psk_identity), bench_psk,
			    sizeof(bench_psk), 0, msg, sizeof(msg));
	if (err)
		die("pair server setup: %s %s", strerror(-err), msg);
	cli = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (cli < 0)
		die("socket: %s", strerror(errno));
	client_bind(cli, 0);
	udp_connect(cli, &sa);
	cfg.role = DTLS_HS_ROLE_CLIENT;
	cfg.cookies = -1;
	err = dtls_hs_setup(nl, cli, &cfg, bench_psk_identity,
			    strlen(bench_psk_identity), bench_psk,
			    sizeof(bench_psk), 0, msg, sizeof(msg));
	if (err)
		die("pair client setup: %s %s", strerror(-err), msg);
	pfd[0].fd = srv;
	pfd[1].fd = cli;
	pfd[0].events = POLLOUT;
	pfd[1].events = POLLOUT;
	for (int i = 0; i < 2; i++) {
		if (poll(&pfd[i], 1, HS_TIMEOUT_MS) != 1 ||
		    (pfd[i].revents & (POLLERR | POLLHUP)))
			die("pair: handshake failed");
	}
	check_cipher(srv, s->cipher, "pair server", 0);
	check_cipher(cli, s->cipher, "pair client", 0);
	if (setsockopt(srv, SOL_DTLS, DTLS_FINAL_FLIGHT_DROP, NULL, 0))
		die("DTLS_FINAL_FLIGHT_DROP: %s", strerror(errno));
	rcv_timeout(srv);
	record_spans("pair", 1, "all", cli, srv);
	phase_spans("pair", cli, srv);
	close(cli);
	close(srv);
}

/* One socket per peer: pairs up to @to, each step measured. */
static void rp_run(void)
{
	struct dtls12_crypto_info_aes_gcm_128 ci = {
		.info.version = DTLS_1_2_VERSION,
		.info.cipher_type = DTLS_CIPHER_AES_GCM_128,
		.info.epoch = 1,
	};
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int one = 1, n = 0;

	for (size_t st = 0; st <= NSTEPS; st++) {
		int to = st < NSTEPS ? steps[st] : max_n;

		if (to > max_n || (st == NSTEPS && n == max_n))
			continue;
		printf("progress: reuseport: pairs %d to %d\n", n, to);
		for (; n < to; n++) {
			socklen_t len = sizeof(sa);
			char msg[128] = "";
			int srv, cli, err;

			srv = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
			cli = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
			if (srv < 0 || cli < 0)
				die("socket: %s", strerror(errno));
			if (setsockopt(srv, SOL_SOCKET, SO_REUSEPORT, &one,
				       sizeof(one)))
				die("SO_REUSEPORT: %s", strerror(errno));
			if (bind(srv, (struct sockaddr *)&sa, sizeof(sa)))
				die("bind (reuseport %d): %s", n,
				    strerror(errno));
			if (!n && getsockname(srv, (struct sockaddr *)&sa, &len))
				die("getsockname: %s", strerror(errno));
			client_bind(cli, n);
			udp_connect(cli, &sa);
			udp_connect(srv, &cli_addr[n]);
			err = dtls_sock_attach(nl, srv, NULL, msg, sizeof(msg));
			if (!err)
				err = dtls_sock_attach(nl, cli, NULL, msg,
						       sizeof(msg));
			if (err)
				die("dtls_sock_attach: %s %s", strerror(-err),
				    msg);
			/* Client to server, then back: a key each way. */
			random_bytes(ci.key, sizeof(ci.key));
			random_bytes(ci.salt, sizeof(ci.salt));
			err = dtls_set_tx(cli, &ci, sizeof(ci));
			if (!err)
				err = dtls_set_rx(srv, &ci, sizeof(ci));
			random_bytes(ci.key, sizeof(ci.key));
			random_bytes(ci.salt, sizeof(ci.salt));
			if (!err)
				err = dtls_set_tx(srv, &ci, sizeof(ci));
			if (!err)
				err = dtls_set_rx(cli, &ci, sizeof(ci));
			if (err)
				die("keys (reuseport %d): %s", n,
				    strerror(-err));
			cli_fd[n] = cli;
			srv_fd[n] = srv;
		}
		if (n == 1)
			rcv_timeout(srv_fd[0]);
		record_spans("reuseport", n, "all", cli_fd[0], srv_fd[0]);
		if (n == 1)
			phase_spans("reuseport", cli_fd[0], srv_fd[0]);
	}
	OPENSSL_cleanse(&ci, sizeof(ci));
	close_fds(cli_fd, 0, n, -1);
	close_fds(srv_fd, 0, n, -1);
}

/* ------------------------------------------------------------ main */

int main(int argc, char **argv)
{
	bool reuseport = true, others = true, marks;
	struct rlimit rl;
	struct utsname u;
	double udp;
	int cap, err;

	bench_prog = PROG;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			max_n = 100;
			n_records = 200;
			n_mem = 50;
		} else if (!strcmp(argv[i], "--max") && i + 1 < argc) {
			max_n = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "-r") && i + 1 < argc) {
			n_records = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "-k") && i + 1 < argc) {
			n_mem = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "-w") && i + 1 < argc) {
			window = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--no-reuseport")) {
			reuseport = false;
		} else if (!strcmp(argv[i], "--no-suites")) {
			others = false;
		} else {
			die("usage: " PROG " [--quick] [--max N] [-r records] [-k sessions] [-w window]\n"
			    "  [--no-reuseport] [--no-suites]");
		}
	}
	if (max_n < 1 || max_n > MAX_SESSIONS || n_mem < 1 ||
	    n_mem > MAX_SESSIONS || n_records < 1 || window < 1 ||
	    window > MAX_WINDOW)
		die("--max and -k 1..%d, -r 1.., -w 1..%d", MAX_SESSIONS,
		    MAX_WINDOW);
	cap = max_n > n_mem ? max_n : n_mem;
	cli_fd = calloc(cap, sizeof(*cli_fd));
	srv_fd = calloc(cap, sizeof(*srv_fd));
	cli_addr = calloc(cap, sizeof(*cli_addr));
	if (!cli_fd || !srv_fd || !cli_addr)
		die("calloc");
	/* Two sockets a session, the shrink files: root may raise both. */
	rl.rlim_cur = 2 * cap + 2048;
	rl.rlim_max = rl.rlim_cur;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		die("RLIMIT_NOFILE %llu: %s", (unsigned long long)rl.rlim_max,
		    strerror(errno));
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < sizeof(txbuf); i++)
		txbuf[i] = (unsigned char)(i * 7 + 3);
	bench_psk_init();
	err = dtls_open(&nl);
	if (err)
		die("dtls_open: %s", strerror(-err));
	marks = !bench_marks_init();
	uname(&u);
	printf("listen-bench: kernel %s, %s, %ld CPU(s), icount marks %s, up to %d sessions, %d records a span, %d sessions a suite, %d in flight, %ld MiB\n",
	       u.release, OpenSSL_version(OPENSSL_VERSION),
	       sysconf(_SC_NPROCESSORS_ONLN), marks ? "mapped" : "NOT mapped",
	       max_n, n_records, n_mem, window,
	       (long)(sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE) >> 20));
	if (!marks)
		die("cannot map the icount mark page at %p", bench_mark_page());
	slab_open();
	/* Let what the boot left running (deferred work) finish first. */
	sleep(1);

	udp = mem_udp(n_mem);
	lsn_warmup(&suites[0]);
	pair_run(&suites[0]);
	lsn_run(&suites[0], max_n, true, udp);
	if (reuseport)
		rp_run();
	for (size_t i = 1; others && i < NSUITES; i++)
		lsn_run(&suites[i], n_mem, false, udp);
	spans_flush();
	printf("listen-bench: %d spans done\n", span_count());
	dtls_close(nl);
	return 0;
}
