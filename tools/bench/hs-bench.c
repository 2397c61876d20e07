// SPDX-License-Identifier: GPL-2.0
/*
 * hs-bench: what one DTLS 1.2 handshake costs, in guest instructions, with
 * kdtls's in-kernel handshake (kernel with kernel) and with OpenSSL in
 * user space (OpenSSL with OpenSSL); then what an established kdtls
 * session keeps in kernel memory.  Meant to run as root in a one-vCPU
 * QEMU guest with the icount plugin (tools/bench/hs-run.sh does it all):
 *
 *   tools/vm/run -q '-smp 1 -plugin .../icount.so' -m dtls.ko -- \
 *	tools/out/hs-bench
 *
 * Handshakes.  Client and server are two UDP sockets on 127.0.0.1 in this
 * one process, fresh for each handshake, which goes in four steps, each a
 * measured span (bench.h):
 *
 *   sockets    socket(), bind(), getsockname() of both, connect() of the
 *              client (the same in both modes)
 *   config     kdtls: attach, add the PSK, configure (role, the one
 *              suite, the group) and start, server first: one
 *              dtls_hs_setup() a socket on a libdtls handle (one
 *              netlink socket, the family resolved once) opened once per
 *              set, outside the spans (--control: the start apart, or the
 *              four calls one by one on the handle, or a handle
 *              opened and closed for each call, a netlink socket and a
 *              family lookup each).  OpenSSL: SSL_new() and a datagram BIO on each
 *              socket, both non-blocking; the SSL_CTXs (suite, group,
 *              PSK callbacks, cookie callbacks) are made once per set,
 *              outside the spans
 *   handshake  kdtls: (with --control other than setup,
 *              DTLS_CMD_HS_START on the server, then the client;) poll()
 *              until both are writable (established); the work of the
 *              kernel's handshake runs in whichever step the scheduler
 *              gives it.  OpenSSL:
 *              SSL_do_handshake() on the client and DTLSv1_listen() then
 *              SSL_do_handshake() on the server, stepped in turn (loopback
 *              delivers each flight before the other side is stepped)
 *   close      kdtls: close() both; OpenSSL: SSL_free() both, close() both
 *
 * Both run the full handshake with HelloVerifyRequest cookies (kdtls's
 * default; DTLSv1_listen() with an HMAC-SHA256 cookie of the client's
 * address for OpenSSL, whose socket is then connected to the client, as
 * s_server does), extended master secret, no session tickets, no session
 * cache; variants without cookies show what the cookie round trip costs.
 *
 * Certificates: the ECDHE-ECDSA variants (x25519) authenticate with
 * ECDSA P-256 certificates instead of a PSK, the server's alone
 * (auth=cert) or both sides' (auth=mutual).  Two keys and self-signed
 * certificates (selftests/test_cert.h) are made once at start.  kdtls:
 * the config step makes the calls one by one on the handle, for each
 * socket: attach, configure, cert-set (our certificate and raw private
 * key: the server's, the client's too when mutual), peer-auth (the
 * other's SHA-256 as the one pin: the client's of the server; the
 * server's of the client when mutual, required), then the start (in the
 * handshake step with --control other than setup).  OpenSSL: the
 * certificate and key in the SSL_CTX, the peer's certificate trusted in
 * its X509_STORE and SSL_VERIFY_PEER (the server: | FAIL_IF_NO_PEER_CERT),
 * both listing X25519:P-256, per set outside the spans.
 *
 * Span fields: mode=kdtls|openssl suite=<OpenSSL's name> group=<x25519,
 * p256 or -> cookies=on|off auth=psk|cert|mutual phase=<step> hs=<number
 * in the set>.  Before each set two handshakes run unmeasured and are
 * checked in full (state, suite, an echo of data, who authenticated
 * whom); every measured one is checked at the end of its handshake step
 * (DTLS_INFO ciphers of both sockets; OpenSSL's cipher; cheap, and inside
 * the span so that no system call runs between spans: kernel work left
 * pending at the end of a span, such as the rest of a handshake work item
 * whose wake-up preempted it, then runs in the next span, never
 * unmeasured between two), the last of a set also for who authenticated
 * whom (kdtls: hs-get of both sockets, 2 calls; the client has the
 * server's certificate, its SHA-256 the expected one, and, mutual, the
 * server the client's, else none; OpenSSL: SSL_get0_peer_certificate()
 * the expected certificate and SSL_get_verify_result() X509_V_OK, the
 * same way round), and the kernel's handshake counters of the set are
 * printed:
 *
 *   HSSTAT suite=S group=G cookies=C auth=A done=D failed=F hvr=H retransmit=R
 *
 * Last, a reference: spans of one libdtls call alone (dtls_hs_get() of an
 * established socket), mode=ref phase=nlcall (on a handle of its own) and
 * phase=hcall (on a handle): what each of the 8 calls of a kdtls
 * handshake costs.
 *
 * Memory.  For each suite marked so: K plain UDP socket pairs (bound and
 * connected, as an established pair is), then K established kdtls pairs,
 * kept; the kernel's slab memory (sum over /proc/slabinfo of objects in
 * use times their size, every cache shrunk first through
 * /sys/kernel/slab/<cache>/shrink so that no CPU slab's free objects count
 * as in use) is read before, with them, after closing the clients, after
 * closing the servers.  Printed:
 *
 *   MEM suite=S sessions=K udp_sock=B client=B server=B left=B
 *   MEMCACHE suite=S side=client|server|udp cache=NAME objs=X bytes=B
 *
 * udp_sock is bytes per plain UDP socket, client and server are bytes per
 * session beyond it (per kdtls socket minus udp_sock), left what closing
 * everything did not give back (per session); objs and bytes are per
 * socket (udp) or per session, beyond the UDP socket's.  Slab memory only:
 * kmalloc() above 8 KiB and pages are not in /proc/slabinfo (nothing of a
 * session is that big).
 *
 * Options: --quick (fewer handshakes and sessions), -n N handshakes per
 * set, -k K sessions, --no-mem, --no-openssl, --no-ref (no reference
 * set), --only MASK (only the variants whose bit is set in MASK, bit 0
 * the first of variants[]: for a profile of one set), --control MODE
 * (setup, setup-start, handle or per-call: see config above).
 */
#define _GNU_SOURCE
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

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/opensslv.h>
#include <openssl/ssl.h>

#include <linux/dtls.h>
#include <linux/dtls_netlink.h>

#include "bench.h"
#include "libdtls.h"
#include "../../selftests/test_cert.h"

#define PROG		"hs-bench"
#define WARMUP		2	/* unmeasured, fully checked, before a set */
#define MAX_N		200	/* 4 spans each: the pending SPAN lines */
#define MAX_K		1000
#define HS_TIMEOUT_MS	30000

/* How the sides authenticate: the span field auth= */
enum { AUTH_PSK, AUTH_CERT, AUTH_MUTUAL };
static const char *const auth_names[] = { "psk", "cert", "mutual" };

struct variant {
	const char	*suite;		/* OpenSSL's name, the span field */
	uint16_t	id;		/* IANA */
	uint16_t	group;		/* IANA; 0: none */
	const char	*gname;		/* span field */
	bool		cookies;
	bool		openssl;	/* OpenSSL has it too */
	bool		mem;		/* measure the memory of a session */
	uint16_t	cipher;		/* DTLS_CIPHER_*, as DTLS_INFO says */
	int		auth;		/* AUTH_*: PSK, the server's
					 * certificate, or both sides' */
};

static const struct variant variants[] = {
	{ "PSK-AES128-GCM-SHA256", 0x00a8, 0, "-", true, true, true,
	  DTLS_CIPHER_AES_GCM_128, AUTH_PSK },
	{ "PSK-CHACHA20-POLY1305", 0xccab, 0, "-", true, true, false,
	  DTLS_CIPHER_CHACHA20_POLY1305, AUTH_PSK },
	{ "ECDHE-PSK-CHACHA20-POLY1305", 0xccac, 29, "x25519", true, true,
	  true, DTLS_CIPHER_CHACHA20_POLY1305, AUTH_PSK },
	/* Not in OpenSSL (RFC 8442). */
	{ "ECDHE-PSK-AES128-GCM-SHA256", 0xd001, 29, "x25519", true, false,
	  false, DTLS_CIPHER_AES_GCM_128, AUTH_PSK },
	{ "ECDHE-PSK-CHACHA20-POLY1305", 0xccac, 23, "p256", true, true,
	  false, DTLS_CIPHER_CHACHA20_POLY1305, AUTH_PSK },
	{ "PSK-AES128-GCM-SHA256", 0x00a8, 0, "-", false, true, false,
	  DTLS_CIPHER_AES_GCM_128, AUTH_PSK },
	/*
	 * Certificates (ECDSA P-256, self-signed, made at start), ECDHE
	 * with x25519: the server's alone, then both sides'.  kdtls pins
	 * the peer's certificate by its SHA-256; OpenSSL trusts it in its
	 * X509_STORE and verifies it (SSL_VERIFY_PEER).  The ChaCha20 one
	 * differs from ECDHE-PSK-CHACHA20-POLY1305 x25519 by the
	 * authentication alone.
	 */
	{ "ECDHE-ECDSA-AES128-GCM-SHA256", 0xc02b, 29, "x25519", true, true,
	  false, DTLS_CIPHER_AES_GCM_128, AUTH_CERT },
	{ "ECDHE-ECDSA-AES128-GCM-SHA256", 0xc02b, 29, "x25519", true, true,
	  false, DTLS_CIPHER_AES_GCM_128, AUTH_MUTUAL },
	{ "ECDHE-ECDSA-CHACHA20-POLY1305", 0xcca9, 29, "x25519", true, true,
	  false, DTLS_CIPHER_CHACHA20_POLY1305, AUTH_CERT },
};

#define NVARIANTS	(sizeof(variants) / sizeof(variants[0]))

static int n_hs = 50, n_sessions = 200;

/*
 * The certificates of the certificate variants, both modes: the
 * server's and the client's (mutual), each a P-256 key and a self-signed
 * certificate (selftests/test_cert.h), made once at start.
 */
static struct test_cert scert, ccert;

/* ------------------------------------------------------------ sockets */

struct hs_pair {
	int			srv, cli;
	struct sockaddr_in	sa, ca;
};

/* Both modes: the server bound, the client bound and connected to it. */
static void pair_sockets(struct hs_pair *p)
{
	p->srv = udp_bound(&p->sa);
	p->cli = udp_bound(&p->ca);
	udp_connect(p->cli, &p->sa);
}

static void pair_close(struct hs_pair *p)
{
	close(p->cli);
	close(p->srv);
}

/* ------------------------------------------------------------ kdtls */

/*
 * How the kdtls sets make their control calls (--control): "setup", on a
 * libdtls handle, attach + add the PSK + configure and start as one
 * request (dtls_hs_setup() with cfg.start); "setup-start", the same
 * without the start, and the start apart; "handle", the four calls one
 * by one on the handle; "per-call", each call on a handle of its own,
 * opened and closed around it: a netlink socket and family lookup each.  The handle is opened
 * once per set (as the SSL_CTXs of OpenSSL are), outside the spans.
 */
enum { CONTROL_SETUP, CONTROL_SETUP_START, CONTROL_HANDLE, CONTROL_PER_CALL,
       CONTROL_MODES };
static const char *const control_names[] = {
	"setup", "setup-start", "handle", "per-call",
};
static int control;
static struct dtls_nl *nl;

/*
 * One control call on @h; with @h NULL (--control per-call) on a handle
 * opened for the call alone and closed after it: a netlink socket and
 * the family lookup each time, as a program without a kept handle pays.
 */
enum k_op { K_ATTACH, K_HS_CONFIG, K_PSK_ADD, K_HS_START, K_HS_GET,
	    K_CERT_SET, K_PEER_AUTH };

static int k_call(struct dtls_nl *h, enum k_op op, int fd,
		  const struct dtls_hs_config *cfg, struct dtls_hs_info *info,
		  char *msg, size_t len)
{
	struct dtls_nl *c = h;
	int err = c ? 0 : dtls_open(&c);

	if (err)
		return err;
	switch (op) {
	case K_ATTACH:
		err = dtls_sock_attach(c, fd, NULL, msg, len);
		break;
	case K_HS_CONFIG:
		err = dtls_hs_config(c, fd, 0, cfg, msg, len);
		break;
	case K_PSK_ADD:
		err = dtls_psk_add(c, fd, 0, bench_psk_identity,
				   strlen(bench_psk_identity), bench_psk,
				   sizeof(bench_psk), 0, msg, len);
		break;
	case K_HS_START:
		err = dtls_hs_start(c, fd, 0, msg, len);
		break;
	case K_HS_GET:
		err = dtls_hs_get(c, fd, 0, info, msg, len);
		break;
	default:
		err = -EINVAL;
		break;
	}
	if (c != h)
		dtls_close(c);
	return err;
}

/*
 * The same for the certificate calls: @cert as our chain and key
 * (K_CERT_SET), or its digest as the one pin (K_PEER_AUTH, @required: a
 * server then fails a client without a certificate).
 */
static int k_cert_call(struct dtls_nl *h, enum k_op op, int fd,
		       const struct test_cert *cert, bool required,
		       char *msg, size_t len)
{
	const uint8_t *der = cert->der;
	size_t der_len = cert->len;
	struct dtls_nl *c = h;
	int err = c ? 0 : dtls_open(&c);

	if (err)
		return err;
	if (op == K_CERT_SET)
		err = dtls_cert_set(c, fd, 0, &der, &der_len, 1, cert->priv, 0,
				    msg, len);
	else if (op == K_PEER_AUTH)
		err = dtls_peer_auth(c, fd, 0, &cert->sha256, 1, required, msg,
				     len);
	else
		err = -EINVAL;
	if (c != h)
		dtls_close(c);
	return err;
}

static void k_open(void)
{
	int err;

	if (control == CONTROL_PER_CALL)
		return;
	err = dtls_open(&nl);
	if (err)
		die("dtls_open: %s", strerror(-err));
}

static void k_close(void)
{
	dtls_close(nl);
	nl = NULL;
}

/*
 * A certificate variant: attach, configure (not started), our
 * certificate (the server's; the client's too when mutual), the peer's
 * pin (the client's of the server; the server's of the client when
 * mutual, required), one call each on the handle (on a handle of its own
 * each with --control per-call), then, with --control setup, the start
 * (else the handshake step starts both, as for PSK).  No PSK.
 */
static void k_prepare_cert(int fd, uint32_t role, const struct variant *v,
			   struct dtls_hs_config *cfg)
{
	bool server = role == DTLS_HS_ROLE_SERVER;
	bool mutual = v->auth == AUTH_MUTUAL;
	const struct test_cert *own = server ? &scert : mutual ? &ccert : NULL;
	const struct test_cert *pin = !server ? &scert : mutual ? &ccert : NULL;
	char msg[128] = "";
	int err;

	cfg->start = 0;		/* not before the certificates */
	err = k_call(nl, K_ATTACH, fd, NULL, NULL, NULL, 0);
	if (!err)
		err = k_call(nl, K_HS_CONFIG, fd, cfg, NULL, msg, sizeof(msg));
	if (!err && own)
		err = k_cert_call(nl, K_CERT_SET, fd, own, false, msg,
				  sizeof(msg));
	if (!err && pin)
		err = k_cert_call(nl, K_PEER_AUTH, fd, pin, server, msg,
				  sizeof(msg));
	if (!err && control == CONTROL_SETUP)
		err = k_call(nl, K_HS_START, fd, NULL, NULL, msg, sizeof(msg));
	if (err)
		die("kdtls %s %s %s setup: %s %s", v->suite, auth_names[v->auth],
		    server ? "server" : "client", strerror(-err), msg);
}

static void k_prepare(int fd, uint32_t role, const struct variant *v)
{
	struct dtls_hs_config cfg = {
		.role = role,
		.suites = &v->id,
		.n_suites = 1,
		.groups = &v->group,
		.n_groups = v->group ? 1 : 0,
		.cookies = v->cookies,
		.start = control == CONTROL_SETUP,
	};
	char msg[128] = "";
	int err;

	if (control != CONTROL_PER_CALL && !nl)
		die("kdtls %s setup: no libdtls handle", v->suite);
	if (v->auth != AUTH_PSK) {
		k_prepare_cert(fd, role, v, &cfg);
		return;
	}
	if (control == CONTROL_SETUP || control == CONTROL_SETUP_START) {
		err = dtls_hs_setup(nl, fd, &cfg, bench_psk_identity,
				      strlen(bench_psk_identity), bench_psk,
				      sizeof(bench_psk), 0,
				      msg, sizeof(msg));
	} else {
		err = k_call(nl, K_ATTACH, fd, NULL, NULL, NULL, 0);
		if (!err)
			err = k_call(nl, K_HS_CONFIG, fd, &cfg, NULL, msg,
				     sizeof(msg));
		if (!err)
			err = k_call(nl, K_PSK_ADD, fd, NULL, NULL, msg,
				     sizeof(msg));
	}
	if (err)
		die("kdtls %s setup: %s %s", v->suite, strerror(-err), msg);
}

static void k_config(struct hs_pair *p, const struct variant *v)
{
	k_prepare(p->srv, DTLS_HS_ROLE_SERVER, v);
	k_prepare(p->cli, DTLS_HS_ROLE_CLIENT, v);
}

/* Wait until @fd is writable: established (dtls_poll() hides POLLOUT). */
static void k_wait(int fd, const char *who)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	int r;

	do
		r = poll(&pfd, 1, HS_TIMEOUT_MS);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		die("poll: %s", strerror(errno));
	if (!r)
		die("kdtls handshake: %s not established after %d ms", who,
		    HS_TIMEOUT_MS);
	if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) {
		int err = 0;
		socklen_t len = sizeof(err);

		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
		die("kdtls handshake: %s failed: %s", who, strerror(err));
	}
}

static void k_handshake(struct hs_pair *p, const struct variant *v)
{
	char msg[128] = "";
	int err = 0;

	if (control != CONTROL_SETUP)	/* else started by the setup */
		err = k_call(nl, K_HS_START, p->srv, NULL, NULL, msg,
			     sizeof(msg));
	if (!err && control != CONTROL_SETUP)
		err = k_call(nl, K_HS_START, p->cli, NULL, NULL, msg,
				     sizeof(msg));
	if (err)
		die("kdtls %s start: %s %s", v->suite, strerror(-err), msg);
	k_wait(p->cli, "client");
	k_wait(p->srv, "server");
}

/* Between spans: both sockets carry the suite's keys, both ways. */
static void k_check(const struct hs_pair *p, const struct variant *v)
{
	int fds[2] = { p->srv, p->cli };

	for (int i = 0; i < 2; i++) {
		struct dtls_info info;
		socklen_t len = sizeof(info);

		if (getsockopt(fds[i], SOL_DTLS, DTLS_INFO, &info, &len))
			die("DTLS_INFO: %s", strerror(errno));
		if (info.tx_cipher != v->cipher || info.rx_cipher != v->cipher)
			die("kdtls %s: %s has ciphers tx %u rx %u, not %u",
			    v->suite, i ? "client" : "server", info.tx_cipher,
			    info.rx_cipher, v->cipher);
	}
}

/*
 * Who authenticated whom, from hs-get of both sides: with certificates,
 * the client has the server's (its SHA-256 that of scert), and the
 * server the client's (ccert) when mutual, none else; with a PSK,
 * neither has one.
 */
static void k_auth_check(const struct variant *v, const struct dtls_hs_info *si,
			 const struct dtls_hs_info *ci)
{
	bool srv_cert = v->auth != AUTH_PSK, cli_cert = v->auth == AUTH_MUTUAL;

	if (ci->has_peer_cert != srv_cert ||
	    (srv_cert && memcmp(ci->peer_cert_sha256, scert.sha256, 32)))
		die("kdtls %s %s: the client %s the server's certificate",
		    v->suite, auth_names[v->auth], ci->has_peer_cert ?
		    "has another digest than" : "does not have");
	if (si->has_peer_cert != cli_cert ||
	    (cli_cert && memcmp(si->peer_cert_sha256, ccert.sha256, 32)))
		die("kdtls %s %s: the server %s the client's certificate",
		    v->suite, auth_names[v->auth], !si->has_peer_cert ?
		    "does not have" : cli_cert ? "has another digest than" :
		    "has, unasked,");
}

/* The same, fetching hs-get of both sockets. */
static void k_auth_get(const struct hs_pair *p, const struct variant *v)
{
	struct dtls_hs_info si, ci;
	char msg[128] = "";
	int err;

	err = k_call(nl, K_HS_GET, p->srv, NULL, &si, msg, sizeof(msg));
	if (!err)
		err = k_call(nl, K_HS_GET, p->cli, NULL, &ci, msg,
			     sizeof(msg));
	if (err)
		die("dtls_hs_get: %s %s", strerror(-err), msg);
	k_auth_check(v, &si, &ci);
}

/* One data record each way, and the netlink view of both sides. */
static void k_check_full(const struct hs_pair *p, const struct variant *v)
{
	struct timeval tv = { .tv_sec = 10 };
	struct dtls_hs_info si, ci;
	char buf[64], msg[128] = "";
	int err;

	k_check(p, v);
	err = k_call(nl, K_HS_GET, p->srv, NULL, &si, msg, sizeof(msg));
	if (!err)
		err = k_call(nl, K_HS_GET, p->cli, NULL, &ci, msg,
			     sizeof(msg));
	if (err)
		die("dtls_hs_get: %s %s", strerror(-err), msg);
	if (si.state != DTLS_HS_STATE_ESTABLISHED ||
	    ci.state != DTLS_HS_STATE_ESTABLISHED || si.suite != v->id ||
	    ci.suite != v->id)
		die("kdtls %s: server %s %#x, client %s %#x", v->suite,
		    dtls_hs_state_name(si.state), si.suite,
		    dtls_hs_state_name(ci.state), ci.suite);
	k_auth_check(v, &si, &ci);
	setsockopt(p->srv, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(p->cli, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (send(p->cli, "ping", 4, 0) != 4 ||
	    recv(p->srv, buf, sizeof(buf), 0) != 4 ||
	    send(p->srv, "pong", 4, 0) != 4 ||
	    recv(p->cli, buf, sizeof(buf), 0) != 4 || memcmp(buf, "pong", 4))
		die("kdtls %s: no echo: %s", v->suite, strerror(errno));
}

/* One kernel handshake, unmeasured: for the warm-up and the sessions. */
static void k_establish(struct hs_pair *p, const struct variant *v)
{
	pair_sockets(p);
	k_config(p, v);
	k_handshake(p, v);
	k_check(p, v);
}

/* The netns's handshake counters (/proc/net/dtls_stat). */
struct hs_stat {
	unsigned long long done, failed, hvr, retransmit;
};

static void hs_stat_read(struct hs_stat *s)
{
	FILE *f = fopen("/proc/net/dtls_stat", "r");
	char name[64];
	unsigned long long val;

	memset(s, 0, sizeof(*s));
	if (!f)
		die("/proc/net/dtls_stat: %s", strerror(errno));
	while (fscanf(f, "%63s %llu", name, &val) == 2) {
		if (!strcmp(name, "DtlsHsDone"))
			s->done = val;
		else if (!strcmp(name, "DtlsHsFailed"))
			s->failed = val;
		else if (!strcmp(name, "DtlsHsHelloVerifySent"))
			s->hvr = val;
		else if (!strcmp(name, "DtlsHsRetransmit"))
			s->retransmit = val;
	}
	fclose(f);
}

/* ------------------------------------------------------------ OpenSSL */

static EVP_MAC_CTX *cookie_mac;	/* HMAC-SHA256, keyed once */

/* HMAC-SHA256(secret, client address and port): 32 bytes. */
static int cookie_make(SSL *ssl, unsigned char *out)
{
	BIO_ADDR *peer = BIO_ADDR_new();
	unsigned char in[18];
	size_t alen = 16, olen = 0;
	unsigned short port;
	EVP_MAC_CTX *c = NULL;
	int ok = 0;

	if (!peer || BIO_dgram_get_peer(SSL_get_rbio(ssl), peer) <= 0 ||
	    !BIO_ADDR_rawaddress(peer, in, &alen))
		goto out;
	port = BIO_ADDR_rawport(peer);
	memcpy(in + alen, &port, 2);
	c = EVP_MAC_CTX_dup(cookie_mac);
	ok = c && EVP_MAC_update(c, in, alen + 2) &&
	     EVP_MAC_final(c, out, &olen, 32) && olen == 32;
out:
	EVP_MAC_CTX_free(c);
	BIO_ADDR_free(peer);
	return ok;
}

static int cookie_gen_cb(SSL *ssl, unsigned char *cookie,
			 unsigned int *cookie_len)
{
	if (!cookie_make(ssl, cookie))
		return 0;
	*cookie_len = 32;
	return 1;
}

static int cookie_verify_cb(SSL *ssl, const unsigned char *cookie,
			    unsigned int cookie_len)
{
	unsigned char want[32];

	return cookie_len == 32 && cookie_make(ssl, want) &&
	       !CRYPTO_memcmp(want, cookie, 32);
}

static void cookie_init(void)
{
	unsigned char secret[32];
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						 "SHA256", 0),
		OSSL_PARAM_construct_end(),
	};

	random_bytes(secret, sizeof(secret));
	cookie_mac = mac ? EVP_MAC_CTX_new(mac) : NULL;
	if (!cookie_mac ||
	    !EVP_MAC_init(cookie_mac, secret, sizeof(secret), params))
		ssl_die("HMAC-SHA256");
	EVP_MAC_free(mac);
	OPENSSL_cleanse(secret, sizeof(secret));
}

static SSL_CTX *o_ctx(bool server, const struct variant *v)
{
	SSL_CTX *ctx = SSL_CTX_new(server ? DTLS_server_method() :
					    DTLS_client_method());

	if (!ctx)
		ssl_die("SSL_CTX_new");
	if (!SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) ||
	    !SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION))
		ssl_die("DTLS 1.2");
	if (!SSL_CTX_set_cipher_list(ctx, v->suite))
		ssl_die(v->suite);
	/*
	 * With certificates both list P-256 too, after x25519, as kdtls's
	 * client does (RFC 8422 5.1.1: else the server may not use its
	 * P-256 certificate; and OpenSSL takes a peer's P-256 signature
	 * only with P-256 in its own list); x25519, the client's first, is
	 * what they agree on (o_check).
	 */
	if (v->group && !SSL_CTX_set1_groups_list(ctx, v->group != 29 ?
						  "P-256" : v->auth ?
						  "X25519:P-256" : "X25519"))
		ssl_die("groups");
	/* As kdtls: no tickets, no session cache, no resumption. */
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	if (v->auth == AUTH_PSK) {
		bench_ssl_psk(ctx, server);
	} else {
		bool mutual = v->auth == AUTH_MUTUAL;
		const struct test_cert *own = server ? &scert :
					      mutual ? &ccert : NULL;
		const struct test_cert *trust = !server ? &scert :
						mutual ? &ccert : NULL;

		if (own && (!SSL_CTX_use_certificate(ctx, own->x509) ||
			    !SSL_CTX_use_PrivateKey(ctx, own->pkey) ||
			    !SSL_CTX_check_private_key(ctx)))
			ssl_die("certificate and key");
		/* The peer's certificate trusted as is: self-signed. */
		if (trust) {
			if (!X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx),
						 trust->x509))
				ssl_die("X509_STORE_add_cert");
			SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
					   (server ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0),
					   NULL);
		}
	}
	if (server) {
		SSL_CTX_set_cookie_generate_cb(ctx, cookie_gen_cb);
		SSL_CTX_set_cookie_verify_cb(ctx, cookie_verify_cb);
	}
	return ctx;
}

struct o_hs {
	struct hs_pair	p;
	SSL		*client, *server;
	BIO_ADDR	*peer;
};

static SSL *o_ssl(SSL_CTX *ctx, int fd, const struct sockaddr_in *peer)
{
	SSL *ssl = SSL_new(ctx);
	BIO *bio = BIO_new_dgram(fd, BIO_NOCLOSE);

	if (!ssl || !bio)
		ssl_die("SSL_new");
	/* A connected socket: the BIO write()s instead of sendto(). */
	if (peer)
		BIO_ctrl_set_connected(bio, peer);
	SSL_set_bio(ssl, bio, bio);
	set_nonblock(fd, true);
	return ssl;
}

static void o_config(struct o_hs *o, SSL_CTX *cctx, SSL_CTX *sctx,
		     const struct variant *v)
{
	o->server = o_ssl(sctx, o->p.srv, NULL);
	o->client = o_ssl(cctx, o->p.cli, &o->p.sa);
	SSL_set_connect_state(o->client);
	if (!v->cookies)
		SSL_set_accept_state(o->server);
	o->peer = BIO_ADDR_new();
	if (!o->peer)
		ssl_die("BIO_ADDR_new");
}

/* 1 done, 0 wants I/O; dies on failure. */
static int o_step(SSL *ssl, const char *who)
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

static void o_handshake(struct o_hs *o, const struct variant *v)
{
	bool cdone = false, sdone = false, listened = !v->cookies;

	for (int i = 0; i < 100 && !(cdone && sdone); i++) {
		if (!cdone)
			cdone = o_step(o->client, "client handshake");
		if (!listened) {
			int r = DTLSv1_listen(o->server, o->peer);

			if (r < 0)
				ssl_die("DTLSv1_listen");
			if (r == 1) {
				/* One socket per client, as s_server does. */
				if (!BIO_connect(o->p.srv, o->peer, BIO_SOCK_NONBLOCK))
					ssl_die("BIO_connect");
				BIO_ctrl_set_connected(SSL_get_rbio(o->server),
						       o->peer);
				listened = true;
			}
		}
		if (listened && !sdone)
			sdone = o_step(o->server, "server handshake");
	}
	if (!cdone || !sdone)
		die("OpenSSL %s handshake did not finish", v->suite);
}

static void o_close(struct o_hs *o)
{
	SSL_free(o->client);
	SSL_free(o->server);
	BIO_ADDR_free(o->peer);
	pair_close(&o->p);
}

/* Between spans: the suite (and group) both sides agreed on. */
static void o_check(const struct o_hs *o, const struct variant *v)
{
	const char *c = SSL_get_cipher_name(o->client);
	const char *s = SSL_get_cipher_name(o->server);
	int nid = v->group == 29 ? NID_X25519 : NID_X9_62_prime256v1;

	if (SSL_version(o->client) != DTLS1_2_VERSION || !c || !s ||
	    strcmp(c, v->suite) || strcmp(s, v->suite))
		die("OpenSSL negotiated %s %s / %s, wanted DTLS 1.2 %s",
		    SSL_get_version(o->client), c ? c : "?", s ? s : "?",
		    v->suite);
	if (v->group && (SSL_get_negotiated_group(o->client) != nid ||
			 SSL_get_negotiated_group(o->server) != nid))
		die("OpenSSL %s: group %d, wanted %d", v->suite,
		    (int)SSL_get_negotiated_group(o->client), nid);
}

/*
 * Who authenticated whom: with certificates the client verified the
 * server's (scert, X509_V_OK), and the server the client's (ccert) when
 * mutual; else the server has none.  With a PSK, nothing to check.
 */
static void o_auth_check(const struct o_hs *o, const struct variant *v)
{
	X509 *sc = SSL_get0_peer_certificate(o->client);
	X509 *cc = SSL_get0_peer_certificate(o->server);
	long sv = SSL_get_verify_result(o->client);
	long cv = SSL_get_verify_result(o->server);

	if (v->auth == AUTH_PSK)
		return;
	if (!sc || X509_cmp(sc, scert.x509) || sv != X509_V_OK)
		die("OpenSSL %s %s: the client did not verify the server's certificate (%s, %s)",
		    v->suite, auth_names[v->auth], sc ? "another" : "none",
		    X509_verify_cert_error_string(sv));
	if (v->auth == AUTH_MUTUAL &&
	    (!cc || X509_cmp(cc, ccert.x509) || cv != X509_V_OK))
		die("OpenSSL %s mutual: the server did not verify the client's certificate (%s, %s)",
		    v->suite, cc ? "another" : "none",
		    X509_verify_cert_error_string(cv));
	if (v->auth == AUTH_CERT && cc)
		die("OpenSSL %s: the server has a client certificate, unasked",
		    v->suite);
}

static void o_check_full(struct o_hs *o, const struct variant *v)
{
	char buf[64];

	o_check(o, v);
	o_auth_check(o, v);
	set_nonblock(o->p.srv, false);
	set_nonblock(o->p.cli, false);
	if (SSL_write(o->client, "ping", 4) != 4 ||
	    SSL_read(o->server, buf, sizeof(buf)) != 4 ||
	    SSL_write(o->server, "pong", 4) != 4 ||
	    SSL_read(o->client, buf, sizeof(buf)) != 4 ||
	    memcmp(buf, "pong", 4))
		ssl_die("OpenSSL echo");
}

/* ------------------------------------------------------------ the sets */

static const char *const phase_names[] = {
	"sockets", "config", "handshake", "close",
};

static void phase_start(struct span *s, const char *mode,
			const struct variant *v, int phase, int i)
{
	span_start(s, "mode=%s suite=%s group=%s cookies=%s auth=%s phase=%s hs=%d",
		   mode, v->suite, v->gname, v->cookies ? "on" : "off",
		   auth_names[v->auth], phase_names[phase], i);
}

static void k_set(const struct variant *v)
{
	struct hs_stat a, b;
	struct hs_pair p;
	struct span s;

	span_label("kdtls %s %s cookies %s auth %s: %d handshakes", v->suite,
		   v->gname, v->cookies ? "on" : "off", auth_names[v->auth],
		   n_hs);
	k_open();
	for (int i = 0; i < WARMUP; i++) {
		k_establish(&p, v);
		k_check_full(&p, v);
		pair_close(&p);
	}
	hs_stat_read(&a);
	for (int i = 0; i < n_hs; i++) {
		phase_start(&s, "kdtls", v, 0, i);
		pair_sockets(&p);
		span_end(&s);
		phase_start(&s, "kdtls", v, 1, i);
		k_config(&p, v);
		span_end(&s);
		phase_start(&s, "kdtls", v, 2, i);
		k_handshake(&p, v);
		k_check(&p, v);		/* no system call between spans */
		/* The set's last: who authenticated whom (2 hs-get calls). */
		if (v->auth != AUTH_PSK && i == n_hs - 1)
			k_auth_get(&p, v);
		span_end(&s);
		phase_start(&s, "kdtls", v, 3, i);
		pair_close(&p);
		span_end(&s);
	}
	hs_stat_read(&b);
	k_close();
	spans_flush();
	printf("HSSTAT suite=%s group=%s cookies=%s auth=%s done=%llu failed=%llu hvr=%llu retransmit=%llu\n",
	       v->suite, v->gname, v->cookies ? "on" : "off",
	       auth_names[v->auth], b.done - a.done,
	       b.failed - a.failed, b.hvr - a.hvr, b.retransmit - a.retransmit);
	if (b.done - a.done != 2ULL * n_hs || b.failed != a.failed)
		die("kdtls %s: %llu handshake ends done, %llu failed, for %d handshakes",
		    v->suite, b.done - a.done, b.failed - a.failed, n_hs);
}

static void o_set(const struct variant *v)
{
	SSL_CTX *cctx = o_ctx(false, v), *sctx = o_ctx(true, v);
	struct o_hs o;
	struct span s;

	span_label("openssl %s %s cookies %s auth %s: %d handshakes",
		   v->suite, v->gname, v->cookies ? "on" : "off",
		   auth_names[v->auth], n_hs);
	for (int i = 0; i < WARMUP; i++) {
		pair_sockets(&o.p);
		o_config(&o, cctx, sctx, v);
		o_handshake(&o, v);
		o_check_full(&o, v);
		o_close(&o);
	}
	for (int i = 0; i < n_hs; i++) {
		phase_start(&s, "openssl", v, 0, i);
		pair_sockets(&o.p);
		span_end(&s);
		phase_start(&s, "openssl", v, 1, i);
		o_config(&o, cctx, sctx, v);
		span_end(&s);
		phase_start(&s, "openssl", v, 2, i);
		o_handshake(&o, v);
		o_check(&o, v);
		/* The set's last: who authenticated whom, as for kdtls. */
		if (i == n_hs - 1)
			o_auth_check(&o, v);
		span_end(&s);
		phase_start(&s, "openssl", v, 3, i);
		o_close(&o);
		span_end(&s);
	}
	SSL_CTX_free(cctx);
	SSL_CTX_free(sctx);
}

/*
 * The reference for the tables: one libdtls call alone, dtls_hs_get() of
 * an established socket (one request and its reply): phase=nlcall, on a
 * handle of its own (a netlink socket and the family lookup each time);
 * phase=hcall, through a handle (dtls_hs_get() on it).  The config and
 * handshake steps make 2 and 0 calls (--control setup), 2 and 2
 * (setup-start), or 6 and 2 (handle, per-call).
 */
static void ref_calls(const struct hs_pair *p, struct dtls_nl *h,
		      const char *phase)
{
	struct dtls_hs_info info;
	struct span s;

	for (int i = 0; i < WARMUP + n_hs; i++) {
		int err;

		if (i >= WARMUP)
			span_start(&s, "mode=ref suite=- group=- cookies=- auth=- phase=%s hs=%d",
				   phase, i - WARMUP);
		err = k_call(h, K_HS_GET, p->cli, NULL, &info, NULL, 0);
		if (i >= WARMUP)
			span_end(&s);
		if (err || info.state != DTLS_HS_STATE_ESTABLISHED)
			die("dtls_hs_get: %s, state %u", strerror(-err),
			    info.state);
	}
}

static void ref_set(void)
{
	const struct variant *v = &variants[0];
	struct dtls_nl *h;
	struct hs_pair p;
	int err;

	span_label("reference: %d libdtls calls, per-call and on a handle",
		   n_hs);
	k_open();
	k_establish(&p, v);
	k_close();
	ref_calls(&p, NULL, "nlcall");
	err = dtls_open(&h);
	if (err)
		die("dtls_open: %s", strerror(-err));
	ref_calls(&p, h, "hcall");
	dtls_close(h);
	pair_close(&p);
}

/* ------------------------------------------------------------ memory */

/*
 * Print the caches that moved between @a and @b by at least 8 bytes per
 * @div, minus @base (bytes per unit between @b0 and @a0, divided by
 * @base_div), per @div.
 */
static void mem_caches(const char *suite, const char *side,
		       const struct slabs *a, const struct slabs *b, int div,
		       const struct slabs *a0, const struct slabs *b0,
		       int base_div)
{
	static char seen[4 * SLAB_MAX_CACHES][48];
	const struct slabs *lists[4];
	int nseen = 0;

	lists[0] = a;
	lists[1] = b;
	lists[2] = a0;
	lists[3] = b0;
	for (int l = 0; l < 4; l++) {
		if (!lists[l])
			continue;
		for (int i = 0; i < lists[l]->n; i++) {
			const char *name = lists[l]->c[i].name;
			long long oa, ob, o0a = 0, o0b = 0, ba, bb, b0a = 0,
				  b0b = 0;
			double objs, bytes;
			int k;

			for (k = 0; k < nseen; k++)
				if (!strcmp(seen[k], name))
					break;
			if (k < nseen)
				continue;
			snprintf(seen[nseen++], sizeof(seen[0]), "%s", name);
			ba = slab_cache_bytes(a, name, &oa);
			bb = slab_cache_bytes(b, name, &ob);
			if (a0) {
				b0a = slab_cache_bytes(a0, name, &o0a);
				b0b = slab_cache_bytes(b0, name, &o0b);
			}
			objs = (double)(oa - ob) / div -
			       (a0 ? (double)(o0b - o0a) / base_div : 0);
			bytes = (double)(ba - bb) / div -
				(a0 ? (double)(b0b - b0a) / base_div : 0);
			if (bytes > -8 && bytes < 8)
				continue;
			printf("MEMCACHE suite=%s side=%s cache=%s objs=%.2f bytes=%.0f\n",
			       suite, side, name, objs, bytes);
		}
	}
}

static void mem_measure(const struct variant *v)
{
	static struct slabs m0, m1, m2, m3, m4;
	struct hs_pair *p = calloc(n_sessions, sizeof(*p));
	double udp, client, server, left;
	int k = n_sessions;

	if (!p)
		die("calloc");
	printf("memory: %s, %d sessions\n", v->suite, k);
	k_open();
	/* Warm-up: module, crypto transforms, caches. */
	k_establish(&p[0], v);
	pair_close(&p[0]);

	slab_settle(&m0);
	for (int i = 0; i < k; i++) {
		pair_sockets(&p[i]);
		udp_connect(p[i].srv, &p[i].ca);
	}
	slab_settle(&m1);
	for (int i = 0; i < k; i++)
		pair_close(&p[i]);
	slab_settle(&m2);	/* the baseline of the sessions */
	for (int i = 0; i < k; i++)
		k_establish(&p[i], v);
	slab_settle(&m3);
	for (int i = 0; i < k; i++)
		close(p[i].cli);
	slab_settle(&m4);
	/* m1 - m0: 2k UDP sockets; m3 - m4: k clients; m4 - m2: k servers */
	udp = (double)(m1.total - m0.total) / (2 * k);
	client = (double)(m3.total - m4.total) / k - udp;
	server = (double)(m4.total - m2.total) / k - udp;
	mem_caches(v->suite, "udp", &m1, &m0, 2 * k, NULL, NULL, 1);
	mem_caches(v->suite, "client", &m3, &m4, k, &m0, &m1, 2 * k);
	mem_caches(v->suite, "server", &m4, &m2, k, &m0, &m1, 2 * k);
	for (int i = 0; i < k; i++)
		close(p[i].srv);
	slab_settle(&m1);
	left = (double)(m1.total - m2.total) / k;
	printf("MEM suite=%s sessions=%d udp_sock=%.0f client=%.0f server=%.0f left=%.0f\n",
	       v->suite, k, udp, client, server, left);
	k_close();
	free(p);
}

/* ------------------------------------------------------------ main */

int main(int argc, char **argv)
{
	bool mem = true, openssl = true, ref = true, marks;
	unsigned long only = ~0UL;
	struct rlimit rl;
	struct utsname u;

	bench_prog = PROG;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			n_hs = 10;
			n_sessions = 50;
		} else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			n_hs = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "-k") && i + 1 < argc) {
			n_sessions = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--no-mem")) {
			mem = false;
		} else if (!strcmp(argv[i], "--no-openssl")) {
			openssl = false;
		} else if (!strcmp(argv[i], "--control") && i + 1 < argc) {
			i++;
			for (control = 0; control < CONTROL_MODES; control++)
				if (!strcmp(argv[i], control_names[control]))
					break;
			if (control == CONTROL_MODES)
				die("--control setup|setup-start|handle|per-call");
		} else if (!strcmp(argv[i], "--no-ref")) {
			ref = false;
		} else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
			only = strtoul(argv[++i], NULL, 0);
		} else {
			die("usage: " PROG " [--quick] [-n handshakes] [-k sessions] [--no-mem]\n"
			    "  [--no-openssl] [--no-ref] [--only MASK] [--control setup|setup-start|handle|per-call]");
		}
	}
	if (n_hs < 1 || n_hs > MAX_N || n_sessions < 1 || n_sessions > MAX_K)
		die("-n 1..%d, -k 1..%d", MAX_N, MAX_K);
	/* Two sockets per session, and the shrink files. */
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	bench_psk_init();
	cookie_init();
	if (test_cert_make(&scert, "hs-bench server") ||
	    test_cert_make(&ccert, "hs-bench client"))
		ssl_die("certificates");
	marks = !bench_marks_init();
	uname(&u);
	printf("hs-bench: kernel %s, %s, %ld CPU(s), icount marks %s, %d handshakes per set, %d sessions, libdtls %s\n",
	       u.release, OpenSSL_version(OPENSSL_VERSION),
	       sysconf(_SC_NPROCESSORS_ONLN), marks ? "mapped" : "NOT mapped",
	       n_hs, n_sessions, control_names[control]);
	if (!marks)
		die("cannot map the icount mark page at %p", bench_mark_page());
	/* Let what the boot left running (deferred work) finish first. */
	sleep(1);

	for (size_t i = 0; i < NVARIANTS; i++) {
		if (!(only & (1UL << i)))
			continue;
		k_set(&variants[i]);
		if (openssl && variants[i].openssl)
			o_set(&variants[i]);
	}
	if (ref)
		ref_set();
	spans_flush();
	printf("hs-bench: %d spans done\n", span_count());

	if (mem) {
		slab_open();
		for (size_t i = 0; i < NVARIANTS; i++)
			if (variants[i].mem && (only & (1UL << i)))
				mem_measure(&variants[i]);
	}
	printf("hs-bench: done\n");
	return 0;
}
