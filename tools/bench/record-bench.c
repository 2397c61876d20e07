// SPDX-License-Identifier: GPL-2.0
/*
 * record-bench: what one DTLS record costs, in guest instructions, with
 * the record layer in the kernel (kdtls) and in user space (OpenSSL), next
 * to plain UDP.  Meant to run in a one-vCPU QEMU guest with the icount
 * plugin (tools/bench/run.sh does all of it):
 *
 *   tools/vm/run -q '-smp 1 -plugin .../icount.so' -m dtls.ko -- \
 *	tools/out/record-bench
 *
 * Sender and receiver are two connected UDP sockets on 127.0.0.1 in this
 * one process: send one datagram, receive it, N times.  On loopback the
 * whole receive path (IP, UDP, kdtls's decryption in softirq) runs inside
 * the sender's send(), so the recv() finds the record queued and nothing
 * ever sleeps.  Modes:
 *
 *   udp       plain UDP, sockets not attached
 *   attached  both sockets attached to kdtls, no keys (plain UDP through
 *             the module's proto hooks)
 *   kdtls     both attached; sender has DTLS_TX keys, receiver the same
 *             keys as DTLS_RX (random keys: no handshake is needed to
 *             measure the record layer)
 *   kdtls-tx  sender has DTLS_TX keys, receiver attached without keys: it
 *             receives the sealed record as a plain datagram (phase spans
 *             only: tells sealing from opening)
 *   openssl   libssl in user space: a real DTLS 1.2 PSK handshake between
 *             two SSL objects over the two sockets (stepped non-blocking,
 *             before anything is measured), then SSL_write() on one side,
 *             SSL_read() on the other
 *
 * Batches, 1200 B only, K records a batch (K = 16, 48); instructions are
 * per record:
 *
 *   kdtls-gsoK  as kdtls, but one sendmsg() with UDP_SEGMENT sends K
 *             records in one GSO datagram, then K recv()s
 *   kdtls-groK  as kdtls-gsoK, but the receiver has UDP_GRO and takes the
 *             K records in one recvmsg() (their size in UDP's control
 *             message)
 *   udp-groK  the same with plain UDP sockets: the floor
 *   openssl-mmsgK  OpenSSL at its best with sendmmsg(): after the
 *             handshake over the sockets both SSL objects read and write
 *             memory BIOs; K SSL_write()s, each sealed datagram taken out
 *             of the BIO into a slot of one buffer, one sendmmsg() of the
 *             K; one recvmmsg(), and each datagram given to SSL_read()
 *             through the receiver's memory BIO
 *   openssl-gsoK  as openssl-mmsgK, but the K sealed datagrams (one size)
 *             go out back to back in one sendmsg() with UDP_SEGMENT and
 *             come in with one recvmsg() on a UDP_GRO socket
 *
 * And, for reference:
 *
 *   evp       the AEAD alone in user space (EVP seal / open of one record
 *             payload, no I/O): phase spans only, a reference for what the
 *             cipher itself costs
 *
 * Every measured span is bracketed by mark_begin()/mark_end() of the icount
 * plugin (shared/tools/icount/mark.h, through bench.c), which then prints one line
 * "icount: kernel=K user=U total=T" on QEMU's stderr.  Before a span (or
 * a batch of spans) this program prints a label "span I: ...", and for
 * each span one result line
 *
 *   SPAN idx=I mode=M cipher=C size=S phase=P records=N ns=T
 *
 * on stdout; the I-th icount line belongs to span I (spans are numbered
 * from 0 in the order they run).  Phases: "loop" (send + recv per record,
 * the steady state; every loop span runs LOOP_REPS times), "send" (a batch
 * of sends in a row: for kdtls that includes the receive path and the
 * decryption in softirq), "recv" (the recvs of that batch), "seal"/"open"
 * (evp).  ns is the wall-clock time of the span; under TCG it is
 * indicative only.  Only the steady-state loop is ever bracketed: key
 * setup, handshakes, warm-up and checks run outside the spans.
 *
 * After each span of the batched modes but kdtls-gsoK, a line
 *
 *   BATCH idx=I mode=M cipher=C size=S batches=B calls=N
 *
 * on stdout tells how many receive calls (recvmsg() or recvmmsg()) its B
 * batches took: B unless the kernel split a batch.
 *
 * Options: --quick (a tenth of the records, for a smoke test), --no-kdtls
 * (skip the kdtls modes: no module needed).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/udp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/ssl.h>

#include <linux/dtls.h>

#include "bench.h"
#include "libdtls.h"

#define PROG		"record-bench"
#define BUF_SIZE	(16384 + 256)
#define GSO_BUF_SIZE	65536	/* the plaintext of one GSO send */
#define WARMUP		20	/* unmeasured records before each span */

struct bench_cipher {
	const char	*name;
	uint16_t	dtls;		/* DTLS_CIPHER_* */
	const char	*suite;		/* OpenSSL cipher list */
	const char	*evp;		/* EVP cipher name */
	size_t		explicit_len;	/* nonce in the record */
};

static const struct bench_cipher ciphers[] = {
	{ "aes-128-gcm", DTLS_CIPHER_AES_GCM_128, "PSK-AES128-GCM-SHA256",
	  "AES-128-GCM", 8 },
	{ "chacha20-poly1305", DTLS_CIPHER_CHACHA20_POLY1305,
	  "PSK-CHACHA20-POLY1305", "ChaCha20-Poly1305", 0 },
};

static const struct {
	size_t	size;
	int	n;
} sizes[] = {
	{ 64, 2000 },
	{ 1200, 2000 },
	{ 16000, 500 },
};

/*
 * Phase spans (sends alone, recvs alone): size, records, and records per
 * batch; a batch of queued records must fit the default receive buffer
 * (212992 bytes: kdtls holds only 4 records of 16000 bytes, UDP 13).
 */
static const struct {
	size_t	size;
	int	n, batch;
} phases[] = {
	{ 1200, 500, 20 },
	{ 16000, 99, 3 },
};

#define LOOP_REPS	3

static int scale_div = 1;	/* --quick: 10 */
static unsigned char txbuf[GSO_BUF_SIZE], rxbuf[BUF_SIZE];

/*
 * Batched sends: K records of 1200 B a sendmsg() with UDP_SEGMENT, for
 * each K, and the loop iterations of a span (K times fewer calls).  64 of
 * 1200 B would not fit one UDP datagram (64 KiB): 48 is about the most.
 */
static const struct {
	int k, n;
} gso_batches[] = {
	{ 16, 125 },
	{ 48, 42 },
};
#define GSO_SIZE	1200
#define BATCH_MAX	48	/* the largest K */
#define WIRE_SLOT	2048	/* a datagram's slot for recvmmsg() */

/* A batch's plaintext received, OpenSSL's sealed batches out and in. */
static unsigned char rxbatch[GSO_BUF_SIZE], wire_tx[GSO_BUF_SIZE];
static unsigned char wire_rx[BATCH_MAX * WIRE_SLOT];

/* ------------------------------------------------------------ spans */

static void rec_label(const char *mode, const char *cipher, size_t size,
		      const char *what, int n)
{
	span_label("%s %s %zu B %s x%d", mode, cipher, size, what, n);
}

static void rec_start(struct span *s, const char *mode, const char *cipher,
		      size_t size, const char *phase, int n)
{
	span_start(s, "mode=%s cipher=%s size=%zu phase=%s records=%d",
		   mode, cipher, size, phase, n);
}

/* ------------------------------------------------------------ sockets */

struct pair {
	int	tx, rx;		/* sender, receiver */
	struct sockaddr_in tx_addr, rx_addr;
	uint64_t tx_ino, rx_ino;	/* when attached */
};

static void udp_pair(struct pair *p)
{
	struct timeval tv = { .tv_sec = 10 };

	p->tx = udp_bound(&p->tx_addr);
	p->rx = udp_bound(&p->rx_addr);
	udp_connect(p->tx, &p->rx_addr);
	udp_connect(p->rx, &p->tx_addr);
	/* A lost record must fail the run, not hang the guest. */
	if (setsockopt(p->rx, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		die("SO_RCVTIMEO: %s", strerror(errno));
}

static void pair_close(struct pair *p)
{
	close(p->tx);
	close(p->rx);
}

/* The libdtls handle of the run, opened at the first use (no span). */
static struct dtls_nl *bench_nl(void)
{
	static struct dtls_nl *nl;
	int err;

	if (!nl) {
		err = dtls_open(&nl);
		if (err)
			die("dtls_open: %s", strerror(-err));
	}
	return nl;
}

static void attach(struct pair *p)
{
	char msg[256];
	int err;

	err = dtls_sock_attach(bench_nl(), p->tx, &p->tx_ino, msg, sizeof(msg));
	if (!err)
		err = dtls_sock_attach(bench_nl(), p->rx, &p->rx_ino, msg,
				       sizeof(msg));
	if (err)
		die("dtls_sock_attach: %s%s%s", strerror(-err), *msg ? ": " : "",
		    msg);
}

/* Random keys for one direction; the sender's TX = the receiver's RX. */
static void install_keys(struct pair *p, const struct bench_cipher *c,
			 bool rx_too)
{
	union {
		struct dtls_crypto_info				info;
		struct dtls12_crypto_info_aes_gcm_128		gcm;
		struct dtls12_crypto_info_chacha20_poly1305	chacha;
	} ci;
	ssize_t len = dtls_crypto_info_size(c->dtls);
	int err;

	if (len < 0 || (size_t)len > sizeof(ci))
		die("dtls_crypto_info_size(%u): %zd", c->dtls, len);
	memset(&ci, 0, sizeof(ci));
	ci.info.version = DTLS_1_2_VERSION;
	ci.info.cipher_type = c->dtls;
	ci.info.epoch = 1;
	ci.info.seq = 0;
	if (c->dtls == DTLS_CIPHER_AES_GCM_128) {
		random_bytes(ci.gcm.key, sizeof(ci.gcm.key));
		random_bytes(ci.gcm.salt, sizeof(ci.gcm.salt));
	} else {
		random_bytes(ci.chacha.key, sizeof(ci.chacha.key));
		random_bytes(ci.chacha.iv, sizeof(ci.chacha.iv));
	}
	err = dtls_set_tx(p->tx, &ci, len);
	if (err)
		die("DTLS_TX %s: %s", c->name, strerror(-err));
	if (rx_too) {
		err = dtls_set_rx(p->rx, &ci, len);
		if (err)
			die("DTLS_RX %s: %s", c->name, strerror(-err));
	}
	OPENSSL_cleanse(&ci, sizeof(ci));
}

/*
 * The kernel's counters agree with what we sent and received: every
 * record authenticated (a benchmark of records that are dropped would
 * measure nothing).  Outside any span.
 */
static void check_stats(const struct pair *p, bool rx_keys, uint64_t sent)
{
	struct dtls_sock_info tx, rx;
	char msg[256];
	int err;

	err = dtls_sock_get(bench_nl(), p->tx_ino, &tx, msg, sizeof(msg));
	if (!err)
		err = dtls_sock_get(bench_nl(), p->rx_ino, &rx, msg,
				    sizeof(msg));
	if (err)
		die("dtls_sock_get: %s %s", strerror(-err), msg);
	if (!tx.has_stats || !rx.has_stats)
		return;		/* module without counters: nothing to check */
	if (tx.stats.tx_records != sent)
		die("kdtls sent %llu records, expected %llu",
		    (unsigned long long)tx.stats.tx_records,
		    (unsigned long long)sent);
	if (rx_keys && (rx.stats.rx_records != sent ||
			rx.stats.rx_auth_fail || rx.stats.rx_replay ||
			rx.stats.rx_dropped || rx.stats.rx_malformed))
		die("kdtls received %llu records of %llu (auth-fail %llu replay %llu dropped %llu malformed %llu)",
		    (unsigned long long)rx.stats.rx_records,
		    (unsigned long long)sent,
		    (unsigned long long)rx.stats.rx_auth_fail,
		    (unsigned long long)rx.stats.rx_replay,
		    (unsigned long long)rx.stats.rx_dropped,
		    (unsigned long long)rx.stats.rx_malformed);
}

/* ------------------------------------------------------------ loops */

/*
 * The measured loops do the same user-space work in every mode: one call
 * to send, one to receive, a length check.
 */
static void sock_send(int fd, size_t size)
{
	ssize_t r = send(fd, txbuf, size, 0);

	if (r != (ssize_t)size)
		die("send %zu: %zd %s", size, r, r < 0 ? strerror(errno) : "");
}

static void sock_recv(int fd, size_t size)
{
	ssize_t r = recv(fd, rxbuf, sizeof(rxbuf), 0);

	if (r != (ssize_t)size)
		die("recv %zu: %zd %s", size, r, r < 0 ? strerror(errno) : "");
}

static void sock_loop(const struct pair *p, size_t size, int n)
{
	for (int i = 0; i < n; i++) {
		sock_send(p->tx, size);
		sock_recv(p->rx, size);
	}
}

/* The payload arrived intact (outside spans). */
static void check_payload(size_t size)
{
	if (memcmp(txbuf, rxbuf, size))
		die("payload of %zu bytes corrupted", size);
}

static void fill_payload(void)
{
	for (size_t i = 0; i < sizeof(txbuf); i++)
		txbuf[i] = (unsigned char)(i * 7 + 3);
}

/* One sendmsg() of @k datagrams of @size bytes each, with UDP_SEGMENT. */
static void gso_send(int fd, const void *buf, size_t size, int k)
{
	char ctl[CMSG_SPACE(sizeof(uint16_t))] __attribute__((aligned(8))) = {};
	struct iovec iov = { (void *)buf, size * k };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	uint16_t seg = (uint16_t)size;
	ssize_t r;

	cm->cmsg_level = IPPROTO_UDP;
	cm->cmsg_type = UDP_SEGMENT;
	cm->cmsg_len = CMSG_LEN(sizeof(seg));
	memcpy(CMSG_DATA(cm), &seg, sizeof(seg));
	r = sendmsg(fd, &m, 0);
	if (r != (ssize_t)(size * k))
		die("gso send %d x %zu: %zd %s", k, size, r,
		    r < 0 ? strerror(errno) : "");
}

static void gso_loop(const struct pair *p, size_t size, int k, int n)
{
	for (int i = 0; i < n; i++) {
		gso_send(p->tx, txbuf, size, k);
		for (int j = 0; j < k; j++)
			sock_recv(p->rx, size);
	}
}

/* A steady-state span of @n GSO sends of @k records and their recvs. */
static void gso_span(const struct pair *p, const char *cipher, size_t size,
		     int k, int n)
{
	char mode[32];
	struct span s;

	snprintf(mode, sizeof(mode), "kdtls-gso%d", k);
	rec_label(mode, cipher, size, "loop", n * k);
	gso_loop(p, size, k, WARMUP / k + 1);
	memset(rxbuf, 0, size);
	rec_start(&s, mode, cipher, size, "loop", n * k);
	gso_loop(p, size, k, n);
	span_end(&s);
	/* The last record received is the last piece of the send. */
	if (memcmp(txbuf + size * (k - 1), rxbuf, size))
		die("gso payload of %d x %zu bytes corrupted", k, size);
}

static void set_gro(int fd)
{
	int one = 1;

	if (setsockopt(fd, IPPROTO_UDP, UDP_GRO, &one, sizeof(one)))
		die("UDP_GRO: %s", strerror(errno));
}

/*
 * @k datagrams of @size bytes into @buf (@cap bytes) on a UDP_GRO socket:
 * one recvmsg() if the batch comes whole, as it should; more if it was
 * split (a lone datagram comes without UDP's control message).  A missing
 * one fails (SO_RCVTIMEO).  Returns the recvmsg() calls it took.
 */
static int gro_recv(int fd, unsigned char *buf, size_t cap, size_t size,
		    int k)
{
	/* Room for kdtls's record type and UDP's segment size. */
	char ctl[128] __attribute__((aligned(8)));
	size_t want = size * k, got = 0;
	int calls = 0;

	while (got < want) {
		struct iovec iov = { buf + got, cap - got };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = ctl,
				    .msg_controllen = sizeof(ctl) };
		struct cmsghdr *cm;
		ssize_t r = recvmsg(fd, &m, 0);
		int seg = 0;

		calls++;
		if (r <= 0 || m.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
			die("gro recv %d x %zu: %zd %s", k, size, r,
			    r < 0 ? strerror(errno) : "empty or truncated");
		for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm))
			if (cm->cmsg_level == IPPROTO_UDP &&
			    cm->cmsg_type == UDP_GRO)
				memcpy(&seg, CMSG_DATA(cm), sizeof(seg));
		got += r;
		if ((size_t)r % size || got > want ||
		    ((size_t)r > size && seg != (int)size))
			die("gro recv %d x %zu: %zd bytes, segments of %d",
			    k, size, r, seg);
	}
	return calls;
}

/*
 * After a span of @n batches: the receive calls they took, for the
 * report; one a batch unless the kernel split one.
 */
static void batch_report(const char *mode, const char *cipher, size_t size,
			 int n, int calls)
{
	printf("BATCH idx=%d mode=%s cipher=%s size=%zu batches=%d calls=%d\n",
	       span_count() - 1, mode, cipher, size, n, calls);
	if (calls != n)
		fprintf(stderr, PROG ": %s %s: %d receive calls for %d batches\n",
			mode, cipher, calls, n);
}

static void gro_loop(const struct pair *p, size_t size, int k, int n,
		     int *calls)
{
	for (int i = 0; i < n; i++) {
		gso_send(p->tx, txbuf, size, k);
		*calls += gro_recv(p->rx, rxbatch, sizeof(rxbatch), size, k);
	}
}

/*
 * A steady-state span of @n batches of @k records both ways: one
 * sendmsg() with UDP_SEGMENT, one recvmsg() on a UDP_GRO receiver.
 */
static void gro_span(const struct pair *p, const char *base,
		     const char *cipher, size_t size, int k, int n)
{
	char mode[32];
	struct span s;
	int calls = 0;

	snprintf(mode, sizeof(mode), "%s%d", base, k);
	rec_label(mode, cipher, size, "loop", n * k);
	gro_loop(p, size, k, WARMUP / k + 1, &calls);
	memset(rxbatch, 0, size * k);
	calls = 0;
	rec_start(&s, mode, cipher, size, "loop", n * k);
	gro_loop(p, size, k, n, &calls);
	span_end(&s);
	batch_report(mode, cipher, size, n, calls);
	if (memcmp(txbuf, rxbatch, size * k))
		die("%s payload of %d x %zu bytes corrupted", mode, k, size);
}

/* One steady-state span of send + recv: warm-up, measure, check. */
static void sock_span(const struct pair *p, const char *mode,
		      const char *cipher, size_t size, int n)
{
	struct span s;

	rec_label(mode, cipher, size, "loop", n);
	sock_loop(p, size, WARMUP);
	memset(rxbuf, 0, size);
	rec_start(&s, mode, cipher, size, "loop", n);
	sock_loop(p, size, n);
	span_end(&s);
	check_payload(size);
}

/*
 * Sends alone, then recvs alone: batches of @batch sends in one span,
 * the @batch recvs in the next, @n records in all (the host adds the
 * spans up).  Batches keep the queue short, as in the steady state: a
 * queue of hundreds of records would measure the page allocator.  The
 * receiver gets @rsize bytes: @size, or the whole sealed record when only
 * the sender has keys (kdtls-tx); only plaintext is compared.
 */
static void sock_phases(const struct pair *p, const char *mode,
			const char *cipher, size_t size, size_t rsize, int n,
			int batch)
{
	struct span s;

	rec_label(mode, cipher, size, "send / recv", n);
	for (int i = 0; i < WARMUP; i++) {
		sock_send(p->tx, size);
		sock_recv(p->rx, rsize);
	}
	/* One batch unmeasured: the slab caches then hold a batch's skbs. */
	for (int i = 0; i < batch; i++)
		sock_send(p->tx, size);
	for (int i = 0; i < batch; i++)
		sock_recv(p->rx, rsize);
	memset(rxbuf, 0, size);
	for (int done = 0, b; done < n; done += b) {
		b = n - done < batch ? n - done : batch;
		rec_start(&s, mode, cipher, size, "send", b);
		for (int i = 0; i < b; i++)
			sock_send(p->tx, size);
		span_end(&s);
		rec_start(&s, mode, cipher, size, "recv", b);
		for (int i = 0; i < b; i++)
			sock_recv(p->rx, rsize);
		span_end(&s);
	}
	if (rsize == size)
		check_payload(size);
}

/* ------------------------------------------------------------ OpenSSL */


struct ossl {
	struct pair	p;
	SSL_CTX		*cctx, *sctx;
	SSL		*client, *server;	/* client writes, server reads */
};

static SSL_CTX *ossl_ctx(bool server, const char *suite)
{
	SSL_CTX *ctx = SSL_CTX_new(server ? DTLS_server_method() :
					    DTLS_client_method());

	if (!ctx)
		ssl_die("SSL_CTX_new");
	if (!SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) ||
	    !SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION))
		ssl_die("DTLS 1.2");
	if (!SSL_CTX_set_cipher_list(ctx, suite))
		ssl_die(suite);
	bench_ssl_psk(ctx, server);
	return ctx;
}

static SSL *ossl_ssl(SSL_CTX *ctx, int fd, const struct sockaddr_in *peer)
{
	SSL *ssl = SSL_new(ctx);
	BIO *bio = BIO_new_dgram(fd, BIO_NOCLOSE);

	if (!ssl || !bio)
		ssl_die("SSL_new");
	/* A connected socket: the BIO write()s instead of sendto(). */
	BIO_ctrl_set_connected(bio, peer);
	SSL_set_bio(ssl, bio, bio);
	return ssl;
}

/* 1 done, 0 wants I/O; dies on failure. */
static int ossl_step(SSL *ssl, const char *who)
{
	int r = SSL_do_handshake(ssl);

	if (r == 1)
		return 1;
	switch (SSL_get_error(ssl, r)) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		return 0;
	}
	ssl_die(who);
}

/*
 * A real DTLS 1.2 PSK handshake between the two SSL objects of this
 * process, both sockets non-blocking, stepped in turn: loopback delivers
 * each flight before the other side is stepped.
 */
static void ossl_setup(struct ossl *o, const struct bench_cipher *c)
{
	const char *got;
	int cdone = 0, sdone = 0;

	udp_pair(&o->p);
	bench_psk_init();
	o->cctx = ossl_ctx(false, c->suite);
	o->sctx = ossl_ctx(true, c->suite);
	o->client = ossl_ssl(o->cctx, o->p.tx, &o->p.rx_addr);
	o->server = ossl_ssl(o->sctx, o->p.rx, &o->p.tx_addr);
	SSL_set_connect_state(o->client);
	SSL_set_accept_state(o->server);
	set_nonblock(o->p.tx, true);
	set_nonblock(o->p.rx, true);
	for (int i = 0; i < 1000 && !(cdone && sdone); i++) {
		if (!cdone)
			cdone = ossl_step(o->client, "client handshake");
		if (!sdone)
			sdone = ossl_step(o->server, "server handshake");
	}
	if (!cdone || !sdone)
		die("OpenSSL handshake did not finish");
	set_nonblock(o->p.tx, false);
	set_nonblock(o->p.rx, false);
	got = SSL_get_cipher_name(o->client);
	if (SSL_version(o->client) != DTLS1_2_VERSION || !got ||
	    strcmp(got, c->suite))
		die("OpenSSL negotiated %s %s, wanted DTLS 1.2 %s",
		    SSL_get_version(o->client), got ? got : "?", c->suite);
}

static void ossl_teardown(struct ossl *o)
{
	SSL_set_quiet_shutdown(o->client, 1);
	SSL_set_quiet_shutdown(o->server, 1);
	SSL_free(o->client);
	SSL_free(o->server);
	SSL_CTX_free(o->cctx);
	SSL_CTX_free(o->sctx);
	pair_close(&o->p);
}

static void ossl_write(SSL *ssl, size_t size)
{
	int r = SSL_write(ssl, txbuf, (int)size);

	if (r != (int)size)
		ssl_die("SSL_write");
}

static void ossl_read(SSL *ssl, size_t size)
{
	int r = SSL_read(ssl, rxbuf, sizeof(rxbuf));

	if (r != (int)size)
		die("SSL_read: %d instead of %zu (%s)", r, size,
		    ERR_error_string(ERR_get_error(), NULL));
}

static void ossl_loop(const struct ossl *o, size_t size, int n)
{
	for (int i = 0; i < n; i++) {
		ossl_write(o->client, size);
		ossl_read(o->server, size);
	}
}

static void ossl_span(const struct ossl *o, const char *cipher, size_t size,
		      int n)
{
	struct span s;

	rec_label("openssl", cipher, size, "loop", n);
	ossl_loop(o, size, WARMUP);
	memset(rxbuf, 0, size);
	rec_start(&s, "openssl", cipher, size, "loop", n);
	ossl_loop(o, size, n);
	span_end(&s);
	check_payload(size);
}

static void ossl_phases(const struct ossl *o, const char *cipher,
			size_t size, int n, int batch)
{
	struct span s;

	rec_label("openssl", cipher, size, "send / recv", n);
	ossl_loop(o, size, WARMUP);
	for (int i = 0; i < batch; i++)
		ossl_write(o->client, size);
	for (int i = 0; i < batch; i++)
		ossl_read(o->server, size);
	memset(rxbuf, 0, size);
	for (int done = 0, b; done < n; done += b) {
		b = n - done < batch ? n - done : batch;
		rec_start(&s, "openssl", cipher, size, "send", b);
		for (int i = 0; i < b; i++)
			ossl_write(o->client, size);
		span_end(&s);
		rec_start(&s, "openssl", cipher, size, "recv", b);
		for (int i = 0; i < b; i++)
			ossl_read(o->server, size);
		span_end(&s);
	}
	check_payload(size);
}

/*
 * OpenSSL batched, at its best on Linux.  After the handshake over the
 * sockets, both SSL objects read and write memory BIOs: the sender seals
 * @k records with SSL_write() and reads each sealed datagram out of its
 * BIO into one buffer, back to back; they go out in one sendmmsg()
 * (openssl-mmsgK) or in one sendmsg() with UDP_SEGMENT (openssl-gsoK).
 * The receiver takes them in with one recvmmsg(), or one recvmsg() on a
 * UDP_GRO socket, and gives each to SSL_read() through its memory BIO.
 * The message headers are set up once, as an application would.
 */
struct obatch {
	struct ossl	o;
	BIO		*wbio, *rbio;	/* the client's out, the server's in */
	size_t		wire;		/* bytes of a sealed record */
	bool		gso;
	struct mmsghdr	tx[BATCH_MAX], rx[BATCH_MAX];
	struct iovec	txv[BATCH_MAX], rxv[BATCH_MAX];
};

static void obatch_setup(struct obatch *b, const struct bench_cipher *c,
			 int k, bool gso)
{
	BIO *crd, *swr;

	if (k > BATCH_MAX)
		die("a batch of %d records: at most %d", k, BATCH_MAX);
	ossl_setup(&b->o, c);
	crd = BIO_new(BIO_s_mem());
	swr = BIO_new(BIO_s_mem());
	b->wbio = BIO_new(BIO_s_mem());
	b->rbio = BIO_new(BIO_s_mem());
	if (!crd || !swr || !b->wbio || !b->rbio)
		ssl_die("BIO_new");
	/* The SSL objects own them now (and free the datagram BIOs). */
	SSL_set_bio(b->o.client, crd, b->wbio);
	SSL_set_bio(b->o.server, b->rbio, swr);
	b->wire = 13 + c->explicit_len + GSO_SIZE + 16;
	b->gso = gso;
	memset(b->tx, 0, sizeof(b->tx));
	memset(b->rx, 0, sizeof(b->rx));
	for (int i = 0; i < k; i++) {
		b->txv[i].iov_base = wire_tx + i * b->wire;
		b->txv[i].iov_len = b->wire;
		b->tx[i].msg_hdr.msg_iov = &b->txv[i];
		b->tx[i].msg_hdr.msg_iovlen = 1;
		b->rxv[i].iov_base = wire_rx + i * WIRE_SLOT;
		b->rxv[i].iov_len = WIRE_SLOT;
		b->rx[i].msg_hdr.msg_iov = &b->rxv[i];
		b->rx[i].msg_hdr.msg_iovlen = 1;
	}
	if (gso)
		set_gro(b->o.p.rx);
}

/* @k records of @size bytes sealed into wire_tx, back to back. */
static void obatch_seal(struct obatch *b, size_t size, int k)
{
	for (int i = 0; i < k; i++) {
		size_t pending;

		if (SSL_write(b->o.client, txbuf + i * size, (int)size) !=
		    (int)size)
			ssl_die("SSL_write");
		/* One SSL_write() of this size is one record, one datagram. */
		pending = BIO_ctrl_pending(b->wbio);
		if (pending != b->wire ||
		    BIO_read(b->wbio, wire_tx + i * b->wire, (int)b->wire) !=
		    (int)b->wire)
			die("OpenSSL sealed %zu bytes, not one record of %zu",
			    pending, b->wire);
	}
}

/* The @k datagrams of wire_rx, @stride bytes apart, opened to rxbatch. */
static void obatch_open(struct obatch *b, size_t stride, size_t size,
			int k)
{
	for (int i = 0; i < k; i++) {
		int r;

		if (BIO_write(b->rbio, wire_rx + i * stride, (int)b->wire) !=
		    (int)b->wire)
			ssl_die("BIO_write");
		r = SSL_read(b->o.server, rxbatch + i * size, (int)size);
		if (r != (int)size)
			die("SSL_read: %d instead of %zu (%s)", r, size,
			    ERR_error_string(ERR_get_error(), NULL));
	}
}

/* recvmmsg() until @k datagrams are in; the calls it took. */
static int obatch_recvmmsg(struct obatch *b, int k)
{
	int got = 0, calls = 0;

	while (got < k) {
		/* What is queued, at least one: a short batch loops. */
		int r = recvmmsg(b->o.p.rx, b->rx + got, k - got,
				 MSG_WAITFORONE, NULL);

		calls++;
		if (r <= 0)
			die("recvmmsg %d: %d %s", k - got, r,
			    r < 0 ? strerror(errno) : "");
		got += r;
	}
	for (int i = 0; i < k; i++)
		if (b->rx[i].msg_len != b->wire ||
		    b->rx[i].msg_hdr.msg_flags & MSG_TRUNC)
			die("recvmmsg: datagram %d of %u bytes, expected %zu",
			    i, b->rx[i].msg_len, b->wire);
	return calls;
}

static void obatch_loop(struct obatch *b, int k, int n, int *calls)
{
	for (int i = 0; i < n; i++) {
		obatch_seal(b, GSO_SIZE, k);
		if (b->gso) {
			gso_send(b->o.p.tx, wire_tx, b->wire, k);
			*calls += gro_recv(b->o.p.rx, wire_rx, sizeof(wire_rx),
					   b->wire, k);
			obatch_open(b, b->wire, GSO_SIZE, k);
		} else {
			int r = sendmmsg(b->o.p.tx, b->tx, k, 0);

			if (r != k)
				die("sendmmsg %d: %d %s", k, r,
				    r < 0 ? strerror(errno) : "");
			*calls += obatch_recvmmsg(b, k);
			obatch_open(b, WIRE_SLOT, GSO_SIZE, k);
		}
	}
}

/* A steady-state span of @n batches of @k records (handshake first). */
static void obatch_span(const struct bench_cipher *c, int k, int n, bool gso)
{
	struct obatch b;
	char mode[32];
	struct span s;
	int calls = 0;

	snprintf(mode, sizeof(mode), "openssl-%s%d", gso ? "gso" : "mmsg", k);
	obatch_setup(&b, c, k, gso);
	rec_label(mode, c->name, GSO_SIZE, "loop", n * k);
	obatch_loop(&b, k, WARMUP / k + 1, &calls);
	memset(rxbatch, 0, GSO_SIZE * k);
	calls = 0;
	rec_start(&s, mode, c->name, GSO_SIZE, "loop", n * k);
	obatch_loop(&b, k, n, &calls);
	span_end(&s);
	batch_report(mode, c->name, GSO_SIZE, n, calls);
	if (memcmp(txbuf, rxbatch, GSO_SIZE * k))
		die("%s payload of %d x %d bytes corrupted", mode, k, GSO_SIZE);
	ossl_teardown(&b.o);
}

/* ------------------------------------------------------------ EVP */

/*
 * The AEAD of one record payload in user space, as a DTLS 1.2 record
 * needs it: nonce, 13 bytes of additional data, the payload, the tag.
 */
struct evp {
	EVP_CIPHER_CTX	*enc, *dec;
	unsigned char	nonce[12], aad[13], tag[16];
	unsigned char	ct[BUF_SIZE];
};

static void evp_seal(struct evp *e, size_t size, unsigned int seq)
{
	int len;

	e->nonce[11] = (unsigned char)seq;
	e->aad[7] = (unsigned char)seq;
	if (!EVP_EncryptInit_ex(e->enc, NULL, NULL, NULL, e->nonce) ||
	    !EVP_EncryptUpdate(e->enc, NULL, &len, e->aad, sizeof(e->aad)) ||
	    !EVP_EncryptUpdate(e->enc, e->ct, &len, txbuf, (int)size) ||
	    !EVP_EncryptFinal_ex(e->enc, e->ct + len, &len) ||
	    !EVP_CIPHER_CTX_ctrl(e->enc, EVP_CTRL_AEAD_GET_TAG, 16, e->tag))
		ssl_die("EVP seal");
}

/* Opens what evp_seal() sealed last (as sequence number @seq). */
static void evp_open(struct evp *e, size_t size, unsigned int seq)
{
	int len;

	e->nonce[11] = (unsigned char)seq;
	e->aad[7] = (unsigned char)seq;
	if (!EVP_DecryptInit_ex(e->dec, NULL, NULL, NULL, e->nonce) ||
	    !EVP_DecryptUpdate(e->dec, NULL, &len, e->aad, sizeof(e->aad)) ||
	    !EVP_DecryptUpdate(e->dec, rxbuf, &len, e->ct, (int)size) ||
	    !EVP_CIPHER_CTX_ctrl(e->dec, EVP_CTRL_AEAD_SET_TAG, 16, e->tag) ||
	    EVP_DecryptFinal_ex(e->dec, rxbuf + len, &len) <= 0)
		ssl_die("EVP open");
}

static void evp_phases(const struct bench_cipher *c, size_t size, int n)
{
	static struct evp e;
	EVP_CIPHER *cipher = EVP_CIPHER_fetch(NULL, c->evp, NULL);
	unsigned char key[32];
	struct span s;
	unsigned int last = 0;

	e.enc = EVP_CIPHER_CTX_new();
	e.dec = EVP_CIPHER_CTX_new();
	if (!cipher || !e.enc || !e.dec)
		ssl_die(c->evp);
	random_bytes(key, sizeof(key));
	random_bytes(e.nonce, sizeof(e.nonce));
	memset(e.aad, 0, sizeof(e.aad));
	if (!EVP_EncryptInit_ex(e.enc, cipher, NULL, key, e.nonce) ||
	    !EVP_DecryptInit_ex(e.dec, cipher, NULL, key, e.nonce))
		ssl_die("EVP init");

	rec_label("evp", c->name, size, "seal", n);
	for (int i = 0; i < WARMUP; i++)
		evp_seal(&e, size, last++);
	rec_start(&s, "evp", c->name, size, "seal", n);
	for (int i = 0; i < n; i++)
		evp_seal(&e, size, last++);
	span_end(&s);

	/* The last record sealed, opened n times: the same work each time. */
	last--;
	rec_label("evp", c->name, size, "open", n);
	for (int i = 0; i < WARMUP; i++)
		evp_open(&e, size, last);
	rec_start(&s, "evp", c->name, size, "open", n);
	for (int i = 0; i < n; i++)
		evp_open(&e, size, last);
	span_end(&s);
	check_payload(size);
	EVP_CIPHER_CTX_free(e.enc);
	EVP_CIPHER_CTX_free(e.dec);
	EVP_CIPHER_free(cipher);
	OPENSSL_cleanse(key, sizeof(key));
}

/* ------------------------------------------------------------ main */

static int count(int n)
{
	n /= scale_div;
	return n < 10 ? 10 : n;
}

/*
 * The steady state, every mode, cipher and size once.  main() runs it
 * LOOP_REPS times, and the host takes the median of each: the kernel count
 * of a span also has the timer ticks of its (TCG wall-clock) duration,
 * and the host machine may stall the guest at any time.
 */
static void loops(bool kdtls)
{
	/* Plain UDP, and UDP through an attached socket without keys. */
	for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
		struct pair p;

		udp_pair(&p);
		sock_span(&p, "udp", "-", sizes[z].size, count(sizes[z].n));
		pair_close(&p);
		if (!kdtls)
			continue;
		udp_pair(&p);
		attach(&p);
		sock_span(&p, "attached", "-", sizes[z].size,
			  count(sizes[z].n));
		pair_close(&p);
	}

	/* Plain UDP in batches both ways: UDP_SEGMENT and UDP_GRO. */
	for (size_t g = 0; g < sizeof(gso_batches) / sizeof(gso_batches[0]);
	     g++) {
		struct pair p;

		udp_pair(&p);
		set_gro(p.rx);
		gro_span(&p, "udp-gro", "-", GSO_SIZE, gso_batches[g].k,
			 count(gso_batches[g].n));
		pair_close(&p);
	}

	/* The record layer in the kernel and in libssl, per cipher. */
	for (size_t c = 0; c < sizeof(ciphers) / sizeof(ciphers[0]); c++) {
		const struct bench_cipher *bc = &ciphers[c];
		struct ossl o;
		struct pair p;
		uint64_t sent = 0;

		if (kdtls) {
			udp_pair(&p);
			attach(&p);
			install_keys(&p, bc, true);
		}
		ossl_setup(&o, bc);
		for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
			size_t size = sizes[z].size;
			int n = count(sizes[z].n);

			if (kdtls) {
				sock_span(&p, "kdtls", bc->name, size, n);
				sent += WARMUP + n;
				check_stats(&p, true, sent);
			}
			ossl_span(&o, bc->name, size, n);
		}
		if (kdtls)
			pair_close(&p);
		ossl_teardown(&o);

		/*
		 * Batches of K records: kdtls with one sendmsg() with
		 * UDP_SEGMENT, read a record a recv() or the batch in one
		 * recvmsg() with UDP_GRO; OpenSSL sealing K records sent by
		 * one sendmmsg() or UDP_SEGMENT sendmsg().
		 */
		for (size_t g = 0; g < sizeof(gso_batches) /
				       sizeof(gso_batches[0]); g++) {
			int k = gso_batches[g].k, n = count(gso_batches[g].n);
			uint64_t batch_sent = (uint64_t)k * (WARMUP / k + 1 + n);

			if (kdtls) {
				udp_pair(&p);
				attach(&p);
				install_keys(&p, bc, true);
				gso_span(&p, bc->name, GSO_SIZE, k, n);
				check_stats(&p, true, batch_sent);
				pair_close(&p);

				udp_pair(&p);
				attach(&p);
				install_keys(&p, bc, true);
				set_gro(p.rx);
				gro_span(&p, "kdtls-gro", bc->name, GSO_SIZE, k,
					 n);
				check_stats(&p, true, batch_sent);
				pair_close(&p);
			}
			obatch_span(bc, k, n, false);
			obatch_span(bc, k, n, true);
		}
	}
}

int main(int argc, char **argv)
{
	bool kdtls = true, marks;
	struct utsname u;

	bench_prog = PROG;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			scale_div = 10;
		else if (!strcmp(argv[i], "--no-kdtls"))
			kdtls = false;
		else
			die("usage: " PROG " [--quick] [--no-kdtls]");
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	fill_payload();
	marks = !bench_marks_init();
	uname(&u);
	printf("record-bench: kernel %s, %s, %ld CPU(s), icount marks %s\n",
	       u.release, OpenSSL_version(OPENSSL_VERSION),
	       sysconf(_SC_NPROCESSORS_ONLN), marks ? "mapped" : "NOT mapped");
	if (!marks)
		die("cannot map the icount mark page at %p", bench_mark_page());
	/* Let what the boot left running (deferred work) finish first. */
	sleep(1);

	for (int r = 0; r < LOOP_REPS; r++)
		loops(kdtls);

	/*
	 * Where the instructions go: sends alone (for kdtls: seal, UDP/IP
	 * out, loopback, IP/UDP in and the decryption in softirq), then the
	 * recvs alone; the same for each step between plain UDP and kdtls,
	 * OpenSSL, and the bare AEAD in user space.
	 */
	for (size_t z = 0; z < sizeof(phases) / sizeof(phases[0]); z++) {
		size_t size = phases[z].size;
		int n = count(phases[z].n), batch = phases[z].batch;
		struct pair p;

		udp_pair(&p);
		sock_phases(&p, "udp", "-", size, size, n, batch);
		pair_close(&p);
		if (kdtls) {
			udp_pair(&p);
			attach(&p);
			sock_phases(&p, "attached", "-", size, size, n, batch);
			pair_close(&p);
		}
		for (size_t c = 0; c < sizeof(ciphers) / sizeof(ciphers[0]); c++) {
			const struct bench_cipher *bc = &ciphers[c];
			struct ossl o;

			if (kdtls) {
				udp_pair(&p);
				attach(&p);
				install_keys(&p, bc, false);
				sock_phases(&p, "kdtls-tx", bc->name, size,
					    13 + bc->explicit_len + size + 16,
					    n, batch);
				check_stats(&p, false, WARMUP + batch + n);
				pair_close(&p);

				udp_pair(&p);
				attach(&p);
				install_keys(&p, bc, true);
				sock_phases(&p, "kdtls", bc->name, size, size, n,
					    batch);
				check_stats(&p, true, WARMUP + batch + n);
				pair_close(&p);
			}
			ossl_setup(&o, bc);
			ossl_phases(&o, bc->name, size, n, batch);
			ossl_teardown(&o);
			evp_phases(bc, size, n);
		}
	}
	spans_flush();
	printf("record-bench: %d spans done\n", span_count());
	return 0;
}
