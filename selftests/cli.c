// SPDX-License-Identifier: GPL-2.0
/*
 * The dtls CLI: `dtls show -j` is parsed as JSON (by python3's json
 * module) and must describe exactly the sockets this test attached;
 * `dtls show` and `dtls version` print what they should.
 *
 * The handshake commands: `dtls psk set` from a file and from stdin (a
 * kernel-with-kernel handshake proves both keys arrived intact), no key
 * ever taken from argv, the kernel's messages for bad `handshake config`
 * values, `handshake show`/`start`/`abort`, and `dtls monitor` printing
 * the done and failed events of handshakes this test runs.
 *
 * Certificates: `dtls cert set` from PEM and DER files (made with
 * libcrypto, test_cert.h) and from a kernel key, refused for a key that
 * is not the certificate's and for a file without a certificate; `dtls
 * peer pin` with colon and plain hex and from a certificate file, bad
 * digests refused before the kernel is asked; `dtls peer trust` with a
 * keyring the CLI may search, refused for one it may not; a mutually
 * authenticated ECDHE-ECDSA handshake of two kernel sockets set up with
 * the CLI, whose `handshake show` prints each peer's fingerprint and
 * subject.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

#include <linux/keyctl.h>

#include "dtls_test.h"
#include "kselftest_harness.h"
#include "test_cert.h"

static const char *dtls_bin(void)
{
	const char *b = getenv("KDTLS_DTLS_BIN");

	return b ? b : "tools/out/dtls";
}

static const char json_check[] =
	"import json,sys\n"
	"d = json.load(sys.stdin)\n"
	"assert isinstance(d, list)\n"
	"for s in sorted(d, key=lambda s: s['ino']):\n"
	"    print(s['ino'], s['family'], s['local_addr'], s['local_port'],\n"
	"          s.get('peer_addr', '-'), s.get('peer_port', 0), s['state'],\n"
	"          s['uid'], s['netns'])\n";

/* python3 and the CLI start slowly in a TCG guest: generous time-outs. */
FIXTURE(cli) {};
FIXTURE_SETUP(cli) {}
FIXTURE_TEARDOWN(cli) {}

TEST_F_TIMEOUT(cli, show_json, 180)
{
	union dtls_test_addr a4, a6, peer;
	char cmd[8192], out[8192], want[1024];
	struct stat ns;
	int v4, v6, p;
	uint64_t i4, i6;

	p = dtls_test_udp_bound(AF_INET, &peer);
	v4 = dtls_test_udp_bound(AF_INET, &a4);
	v6 = dtls_test_udp_bound(AF_INET6, &a6);
	ASSERT_LE(0, p);
	ASSERT_LE(0, v4);
	ASSERT_LE(0, v6);
	ASSERT_EQ(0, connect(v4, &peer.sa, sizeof(peer.in4)));
	ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), v4, NULL, NULL, 0));
	ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), v6, NULL, NULL, 0));
	i4 = dtls_test_ino(v4);
	i6 = dtls_test_ino(v6);
	ASSERT_EQ(0, stat("/proc/self/ns/net", &ns));

	snprintf(cmd, sizeof(cmd), "%s show -j | python3 -c \"%s\"", dtls_bin(),
		 json_check);
	ASSERT_EQ(0, dtls_test_capture(cmd, out, sizeof(out))) TH_LOG("%s", out);
	/* Sorted by inode: v4 was created first. */
	snprintf(want, sizeof(want),
		 "%llu inet 127.0.0.1 %u 127.0.0.1 %u attached %u %llu\n"
		 "%llu inet6 ::1 %u - 0 attached %u %llu\n",
		 (unsigned long long)i4, ntohs(a4.in4.sin_port),
		 ntohs(peer.in4.sin_port), getuid(),
		 (unsigned long long)ns.st_ino,
		 (unsigned long long)i6, ntohs(a6.in6.sin6_port), getuid(),
		 (unsigned long long)ns.st_ino);
	EXPECT_STREQ(want, out);

	/* Empty is still valid JSON. */
	close(v4);
	close(v6);
	ASSERT_EQ(0, dtls_test_capture(cmd, out, sizeof(out)));
	EXPECT_STREQ("", out);
	close(p);
}

TEST_F_TIMEOUT(cli, show_text_and_version, 180)
{
	char cmd[4096], out[8192], want[256], ver[64] = "";
	union dtls_test_addr a;
	int fd = dtls_test_udp_bound(AF_INET6, &a);
	FILE *f;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), fd, NULL, NULL, 0));
	snprintf(cmd, sizeof(cmd), "%s show", dtls_bin());
	ASSERT_EQ(0, dtls_test_capture(cmd, out, sizeof(out)));
	snprintf(want, sizeof(want), "ino %llu ",
		 (unsigned long long)dtls_test_ino(fd));
	EXPECT_TRUE(strstr(out, want) != NULL) TH_LOG("%s", out);
	snprintf(want, sizeof(want), "[::1]:%u", ntohs(a.in6.sin6_port));
	EXPECT_TRUE(strstr(out, want) != NULL) TH_LOG("%s", out);
	EXPECT_TRUE(strstr(out, "state attached") != NULL) TH_LOG("%s", out);

	f = fopen("/sys/module/dtls/version", "r");
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(1, fscanf(f, "%63s", ver));
	fclose(f);
	snprintf(cmd, sizeof(cmd), "%s version", dtls_bin());
	ASSERT_EQ(0, dtls_test_capture(cmd, out, sizeof(out)));
	EXPECT_TRUE(strstr(out, ver) != NULL) TH_LOG("%s", out);

	/* Unknown commands fail. */
	snprintf(cmd, sizeof(cmd), "%s frobnicate 2>/dev/null", dtls_bin());
	EXPECT_NE(0, dtls_test_capture(cmd, out, sizeof(out)));
	close(fd);
}

/* ------------------------------------------------------------ handshake */

#define HS_ID		"client1"

/* The PSK: raw, with a newline and a NUL in it; and the same as hex. */
static const uint8_t hs_key[16] = {
	0x00, 0x0a, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
	0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0xff,
};
static const char hs_key_hex[] =
	"00 0a 01 02 03 04 05 06\n07 08 09 0a 0b 0c 0d FF\n";

static void hs_timeo(int fd, int secs)
{
	struct timeval tv = { .tv_sec = secs };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Write @len bytes to @path, mode 0600; 0 or -1. */
static int write_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, buf, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

/* The handshake state of @fd (0: none), or -1. */
static int hs_state(int fd)
{
	struct dtls_hs_info i;

	return dtls_hs_get(dtls_test_nl(), fd, 0, &i, NULL, 0) ? -1 : (int)i.state;
}

/* A server (bound) and a client (connected to it), both attached. */
static int hs_pair(int family, int *srv, int *cli)
{
	union dtls_test_addr sa, ca;

	*srv = dtls_test_udp_bound(family, &sa);
	*cli = dtls_test_udp_bound(family, &ca);
	if (*srv < 0 || *cli < 0 ||
	    connect(*cli, &sa.sa, dtls_test_addr_len(family)) ||
	    dtls_sock_attach(dtls_test_nl(), *srv, NULL, NULL, 0) || dtls_sock_attach(dtls_test_nl(), *cli, NULL, NULL, 0))
		return -1;
	hs_timeo(*srv, 20);
	hs_timeo(*cli, 20);
	return 0;
}

/* Configure one side with libdtls (by fd); 0 or -errno. */
static int hs_lib_prepare(int fd, uint32_t role, const void *key,
			  size_t key_len)
{
	uint16_t suite = 0x00a8;
	struct dtls_hs_config cfg = {
		.role = role,
		.suites = &suite,
		.n_suites = 1,
		.rto_initial_ms = 200,
		.timeout_ms = 20000,
		.cookies = -1,
	};
	char msg[128];
	int err;

	err = dtls_hs_config(dtls_test_nl(), fd, 0, &cfg, msg, sizeof(msg));
	if (!err)
		err = dtls_psk_add(dtls_test_nl(), fd, 0, HS_ID, strlen(HS_ID), key, key_len, 0,
				   msg, sizeof(msg));
	if (err)
		fprintf(stderr, "# hs_lib_prepare: %s (%s)\n", strerror(-err),
			msg);
	return err;
}

/* Run the CLI with @fmt's arguments (and shell redirections): the exit status. */
static int __attribute__((format(printf, 3, 4)))
cli_run(char *out, size_t len, const char *fmt, ...)
{
	char args[4096], cmd[8192];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "%s %s", dtls_bin(), args);
	st = dtls_test_capture(cmd, out, len);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}

FIXTURE(hs_cli) {
	char dir[64];
	char key[128], hex[128];
	int srv, cli;
	uint64_t sino, cino;
};

FIXTURE_SETUP(hs_cli)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/kdtls-cli.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->key, sizeof(self->key), "%s/key", self->dir);
	snprintf(self->hex, sizeof(self->hex), "%s/key.hex", self->dir);
	ASSERT_EQ(0, write_file(self->key, hs_key, sizeof(hs_key)));
	ASSERT_EQ(0, write_file(self->hex, hs_key_hex, strlen(hs_key_hex)));
	ASSERT_EQ(0, hs_pair(AF_INET, &self->srv, &self->cli));
	self->sino = dtls_test_ino(self->srv);
	self->cino = dtls_test_ino(self->cli);
}

FIXTURE_TEARDOWN(hs_cli)
{
	char cmd[256];

	close(self->srv);
	close(self->cli);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		fprintf(stderr, "# %s failed\n", cmd);
}

/*
 * The server's PSK from a raw file, the client's as hex on stdin: the
 * handshake the CLI configures and starts by inode completes, so both
 * keys arrived byte for byte.  show and handshake show tell the result.
 */
TEST_F_TIMEOUT(hs_cli, psk_file_stdin_handshake, 300)
{
	char out[8192], want[512];

	ASSERT_EQ(0, cli_run(out, sizeof(out),
			     "handshake config --ino %llu --role server --suite psk-aes128-gcm-sha256 --rto-initial-ms 200 --timeout-ms 20000 2>&1",
			     (unsigned long long)self->sino)) TH_LOG("%s", out);
	ASSERT_EQ(0, cli_run(out, sizeof(out),
			     "psk set --ino %llu --identity " HS_ID " --key-file %s 2>&1",
			     (unsigned long long)self->sino, self->key))
		TH_LOG("%s", out);
	EXPECT_STREQ("", out);
	ASSERT_EQ(0, cli_run(out, sizeof(out),
			     "handshake config --ino %llu --role client --suite 0x00a8 --group x25519 --mtu 1200 --rto-initial-ms 200 --rto-max-ms 2000 --timeout-ms 20000 2>&1",
			     (unsigned long long)self->cino)) TH_LOG("%s", out);
	ASSERT_EQ(0, cli_run(out, sizeof(out),
			     "psk set --ino %llu --identity " HS_ID " --key-file - --hex < %s 2>&1",
			     (unsigned long long)self->cino, self->hex))
		TH_LOG("%s", out);
	EXPECT_EQ(DTLS_HS_STATE_CONFIGURED, hs_state(self->srv));
	EXPECT_EQ(DTLS_HS_STATE_CONFIGURED, hs_state(self->cli));

	ASSERT_EQ(0, cli_run(out, sizeof(out), "handshake show --ino %llu",
			     (unsigned long long)self->sino));
	snprintf(want, sizeof(want), "ino %llu role server state configured\n",
		 (unsigned long long)self->sino);
	EXPECT_STREQ(want, out);

	ASSERT_EQ(0, cli_run(out, sizeof(out), "handshake start --ino %llu 2>&1",
			     (unsigned long long)self->sino)) TH_LOG("%s", out);
	ASSERT_EQ(0, cli_run(out, sizeof(out), "handshake start --ino %llu 2>&1",
			     (unsigned long long)self->cino)) TH_LOG("%s", out);
	ASSERT_EQ(0, dtls_test_ping_pong(self->cli, self->srv)) {
		cli_run(out, sizeof(out), "show 2>&1");
		TH_LOG("ping: %s\n%s", strerror(errno), out);
	}
	EXPECT_EQ(0, dtls_test_hs_check(self->cli, self->srv, 0x00a8, 0));

	ASSERT_EQ(0, cli_run(out, sizeof(out), "handshake show --ino %llu",
			     (unsigned long long)self->sino));
	snprintf(want, sizeof(want),
		 "ino %llu role server state established suite PSK-AES128-GCM-SHA256 peer-identity " HS_ID "\n",
		 (unsigned long long)self->sino);
	EXPECT_STREQ(want, out);
	ASSERT_EQ(0, cli_run(out, sizeof(out), "handshake show --ino %llu",
			     (unsigned long long)self->cino));
	snprintf(want, sizeof(want),
		 "ino %llu role client state established suite PSK-AES128-GCM-SHA256\n",
		 (unsigned long long)self->cino);
	EXPECT_STREQ(want, out);

	/* JSON: python3 must parse it and find the values. */
	ASSERT_EQ(0, cli_run(out, sizeof(out),
			     "handshake show --ino %llu -j | python3 -c \"import json,sys; d=json.load(sys.stdin); print(d['ino'], d['role'], d['state'], d['suite'], d['suite_id'], d['peer_identity'], d['peer_identity_hex'])\"",
			     (unsigned long long)self->sino));
	snprintf(want, sizeof(want),
		 "%llu server established PSK-AES128-GCM-SHA256 168 client1 636c69656e7431\n",
		 (unsigned long long)self->sino);
	EXPECT_STREQ(want, out);

	/* dtls show: the handshake column on these two sockets only. */
	ASSERT_EQ(0, cli_run(out, sizeof(out), "show"));
	snprintf(want, sizeof(want),
		 "state attached uid %u tx aes-gcm-128 epoch 1 rx aes-gcm-128 epoch 1 hs role server state established suite PSK-AES128-GCM-SHA256 peer-identity " HS_ID "\n",
		 getuid());
	EXPECT_TRUE(strstr(out, want) != NULL) TH_LOG("%s", out);
	ASSERT_EQ(0, cli_run(out, sizeof(out),
			     "show -j | python3 -c \"import json,sys\nfor s in json.load(sys.stdin):\n    h = s.get('handshake')\n    if s['ino'] in (%llu, %llu): print(h['role'], h['state'], h['suite'])\"",
			     (unsigned long long)self->sino,
			     (unsigned long long)self->cino));
	EXPECT_TRUE(!strcmp(out, "server established PSK-AES128-GCM-SHA256\n"
			    "client established PSK-AES128-GCM-SHA256\n") ||
		    !strcmp(out, "client established PSK-AES128-GCM-SHA256\n"
			    "server established PSK-AES128-GCM-SHA256\n"))
		TH_LOG("%s", out);

	/* Over: config, psk set, start and abort are refused. */
	EXPECT_NE(0, cli_run(out, sizeof(out), "handshake abort --ino %llu 2>&1",
			     (unsigned long long)self->cino));
	EXPECT_TRUE(strstr(out, "dtls: handshake abort: ") == out) TH_LOG("%s", out);
	EXPECT_NE(0, cli_run(out, sizeof(out), "handshake start --ino %llu 2>&1",
			     (unsigned long long)self->cino));
	EXPECT_TRUE(strstr(out, "dtls: handshake start: ") == out) TH_LOG("%s", out);
}

/*
 * config --start: the configuration and the start in one request, server
 * first; without a PSK the start is refused with the kernel's message and
 * the socket stays configured.
 */
TEST_F_TIMEOUT(hs_cli, config_start, 300)
{
	char out[4096];

	EXPECT_NE(0, cli_run(out, sizeof(out),
			     "handshake config --ino %llu --role server --start 2>&1",
			     (unsigned long long)self->sino));
	EXPECT_TRUE(strstr(out, "dtls: handshake config: Required key not available (no PSK)") == out)
		TH_LOG("%s", out);
	EXPECT_EQ(DTLS_HS_STATE_CONFIGURED, hs_state(self->srv));

	ASSERT_EQ(0, cli_run(out, sizeof(out),
			     "psk set --ino %llu --identity " HS_ID " --key-file %s 2>&1",
			     (unsigned long long)self->sino, self->key))
		TH_LOG("%s", out);
	ASSERT_EQ(0, cli_run(out, sizeof(out),
			     "psk set --ino %llu --identity " HS_ID " --key-file %s 2>&1",
			     (unsigned long long)self->cino, self->key))
		TH_LOG("%s", out);
	ASSERT_EQ(0, cli_run(out, sizeof(out),
			     "handshake config --ino %llu --role server --rto-initial-ms 200 --start 2>&1",
			     (unsigned long long)self->sino)) TH_LOG("%s", out);
	EXPECT_EQ(DTLS_HS_STATE_RUNNING, hs_state(self->srv));
	ASSERT_EQ(0, cli_run(out, sizeof(out),
			     "handshake config --ino %llu --role client --rto-initial-ms 200 --start 2>&1",
			     (unsigned long long)self->cino)) TH_LOG("%s", out);
	ASSERT_EQ(0, dtls_test_ping_pong(self->cli, self->srv)) {
		cli_run(out, sizeof(out), "show 2>&1");
		TH_LOG("ping: %s\n%s", strerror(errno), out);
	}
	EXPECT_EQ(DTLS_HS_STATE_ESTABLISHED, hs_state(self->srv));
	EXPECT_EQ(DTLS_HS_STATE_ESTABLISHED, hs_state(self->cli));
	EXPECT_EQ(0, dtls_test_hs_check(self->cli, self->srv, 0, 0));
}

/*
 * --key-serial: the server's PSK from a "user" key in the session keyring
 * (which the CLI inherits), the client's from libdtls; the handshake
 * completes.  A serial that names no key is the kernel's error.
 */
TEST_F_TIMEOUT(hs_cli, psk_key_serial, 180)
{
	char out[8192], msg[128];
	long serial;

	serial = syscall(SYS_add_key, "user", "kdtls-cli-test", hs_key,
			 sizeof(hs_key), KEY_SPEC_SESSION_KEYRING);
	if (serial < 0)
		SKIP(return, "add_key: %s", strerror(errno));

	EXPECT_NE(0, cli_run(out, sizeof(out),
			     "psk set --ino %llu --identity " HS_ID " --key-serial 2147483000 2>&1",
			     (unsigned long long)self->sino));
	EXPECT_TRUE(strstr(out, "dtls: psk set: ") == out) TH_LOG("%s", out);

	ASSERT_EQ(0, cli_run(out, sizeof(out),
			     "handshake config --ino %llu --role server --rto-initial-ms 200 2>&1",
			     (unsigned long long)self->sino)) TH_LOG("%s", out);
	ASSERT_EQ(0, cli_run(out, sizeof(out),
			     "psk set --ino %llu --identity " HS_ID " --key-serial %ld 2>&1",
			     (unsigned long long)self->sino, serial))
		TH_LOG("%s", out);
	syscall(SYS_keyctl, KEYCTL_INVALIDATE, serial);
	ASSERT_EQ(0, hs_lib_prepare(self->cli, DTLS_HS_ROLE_CLIENT, hs_key,
				    sizeof(hs_key)));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), self->srv, 0, msg, sizeof(msg)));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), self->cli, 0, msg, sizeof(msg)));
	ASSERT_EQ(0, dtls_test_ping_pong(self->cli, self->srv))
		TH_LOG("ping: %s", strerror(errno));
	EXPECT_EQ(DTLS_HS_STATE_ESTABLISHED, hs_state(self->srv));
	EXPECT_EQ(0, dtls_test_hs_check(self->cli, self->srv, 0x00a8, 0));
}

/*
 * There is no option that takes a key on the command line: every spelling
 * is refused before the kernel is asked anything.
 */
TEST_F_TIMEOUT(hs_cli, psk_key_on_argv_refused, 180)
{
	static const char *const forms[] = {
		"--key 000a0102030405060708090a0b0c0dff",
		"--key=000a0102030405060708090a0b0c0dff",
		"--psk 000a0102030405060708090a0b0c0dff",
		"-k 000a0102030405060708090a0b0c0dff",
		"000a0102030405060708090a0b0c0dff",
		"--key-file=- 000a0102030405060708090a0b0c0dff",
	};
	char out[8192];

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		EXPECT_NE(0, cli_run(out, sizeof(out),
				     "psk set --ino %llu --identity " HS_ID " %s < /dev/null 2>&1",
				     (unsigned long long)self->cino, forms[i]))
			TH_LOG("%s", forms[i]);
		EXPECT_TRUE(strstr(out, "Usage: dtls psk set") != NULL)
			TH_LOG("%s: %s", forms[i], out);
		EXPECT_TRUE(strstr(out, "--key-file") != NULL) TH_LOG("%s", out);
	}
	EXPECT_NE(0, cli_run(out, sizeof(out),
			     "psk set --ino %llu --identity " HS_ID " --key 00 2>&1",
			     (unsigned long long)self->cino));
	EXPECT_TRUE(strstr(out, "keys are never taken from the command line") != NULL)
		TH_LOG("%s", out);
	/* Nothing reached the socket. */
	EXPECT_EQ(0, hs_state(self->cli));

	/* Both key sources at once, or neither: refused too. */
	EXPECT_NE(0, cli_run(out, sizeof(out),
			     "psk set --ino %llu --identity " HS_ID " 2>&1",
			     (unsigned long long)self->cino));
	EXPECT_NE(0, cli_run(out, sizeof(out),
			     "psk set --ino %llu --identity " HS_ID " --key-file %s --key-serial 5 2>&1",
			     (unsigned long long)self->cino, self->key));
	EXPECT_EQ(0, hs_state(self->cli));

	/* The help names the ways that exist, and no other. */
	cli_run(out, sizeof(out), "psk set --help 2>&1");
	EXPECT_TRUE(strstr(out, "--key-file FILE") != NULL) TH_LOG("%s", out);
	EXPECT_TRUE(strstr(out, "--key-serial SERIAL") != NULL) TH_LOG("%s", out);
	EXPECT_TRUE(strstr(out, "--key ") == NULL) TH_LOG("%s", out);
}

/* Out-of-range values reach the kernel, whose message the CLI prints. */
TEST_F_TIMEOUT(hs_cli, config_bad_values, 180)
{
	static const struct {
		const char *args;
		const char *msg;
	} bad[] = {
		{ "--mtu 100", "mtu out of 256..65507" },
		{ "--mtu 70000", "mtu out of 256..65507" },
		{ "--rto-initial-ms 10", "rto-initial-ms out of 50..60000" },
		{ "--rto-initial-ms 2000 --rto-max-ms 1000",
		  "rto-initial-ms out of 50..60000 or rto-max-ms out of it..600000)" },
		{ "--timeout-ms 50", "timeout-ms out of 100..3600000" },
		{ "--suite 0x1234", "unknown suite or too many" },
		{ "--group 24", "unsupported group or too many" },
	};
	char out[8192], want[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_NE(0, cli_run(out, sizeof(out),
				     "handshake config --ino %llu %s 2>&1",
				     (unsigned long long)self->cino, bad[i].args))
			TH_LOG("%s", bad[i].args);
		snprintf(want, sizeof(want),
			 "dtls: handshake config: Invalid argument (%s",
			 bad[i].msg);
		EXPECT_TRUE(strstr(out, want) == out)
			TH_LOG("%s: %s", bad[i].args, out);
	}
	/* Refused values changed nothing: defaults still. */
	cli_run(out, sizeof(out), "handshake show --ino %llu",
		(unsigned long long)self->cino);
	snprintf(want, sizeof(want), "ino %llu role client state configured\n",
		 (unsigned long long)self->cino);
	EXPECT_STREQ(want, out);

	/* What the CLI itself refuses, without asking. */
	EXPECT_NE(0, cli_run(out, sizeof(out),
			     "handshake config --ino %llu --suite NO-SUCH-SUITE 2>&1",
			     (unsigned long long)self->cino));
	EXPECT_TRUE(strstr(out, "unknown suite 'NO-SUCH-SUITE'") != NULL)
		TH_LOG("%s", out);
	EXPECT_NE(0, cli_run(out, sizeof(out),
			     "handshake config --ino %llu --cookies maybe 2>&1",
			     (unsigned long long)self->cino));
	EXPECT_NE(0, cli_run(out, sizeof(out),
			     "handshake config --ino %llu --mtu 12x 2>&1",
			     (unsigned long long)self->cino));
	EXPECT_NE(0, cli_run(out, sizeof(out), "handshake config --role client 2>&1"));
	EXPECT_TRUE(strstr(out, "--ino is required") != NULL) TH_LOG("%s", out);

	/* An inode that is no attached socket. */
	EXPECT_NE(0, cli_run(out, sizeof(out),
			     "handshake config --ino 1 --role client 2>&1"));
	EXPECT_TRUE(strstr(out, "(no attached socket with this inode number)") != NULL)
		TH_LOG("%s", out);

	/* start without a PSK. */
	EXPECT_NE(0, cli_run(out, sizeof(out), "handshake start --ino %llu 2>&1",
			     (unsigned long long)self->cino));
	EXPECT_TRUE(strstr(out, "dtls: handshake start: Required key not available (no PSK)") == out)
		TH_LOG("%s", out);

	/* A PSK of 65 bytes: the kernel's limit, the kernel's words. */
	{
		uint8_t big[65] = { 1 };

		ASSERT_EQ(0, write_file(self->key, big, sizeof(big)));
		EXPECT_NE(0, cli_run(out, sizeof(out),
				     "psk set --ino %llu --identity x --key-file %s 2>&1",
				     (unsigned long long)self->cino, self->key));
		EXPECT_TRUE(strstr(out, "(PSK must be 1..64 bytes)") != NULL)
			TH_LOG("%s", out);
	}
	/* Hex that is not. */
	ASSERT_EQ(0, write_file(self->hex, "0g", 2));
	EXPECT_NE(0, cli_run(out, sizeof(out),
			     "psk set --ino %llu --identity x --key-file %s --hex 2>&1",
			     (unsigned long long)self->cino, self->hex));
	EXPECT_TRUE(strstr(out, "not an even number of hex digits") != NULL)
		TH_LOG("%s", out);
}

/* handshake show on a socket without a handshake, then start and abort. */
TEST_F_TIMEOUT(hs_cli, show_and_abort, 180)
{
	char out[8192], want[512];
	char buf[16];

	ASSERT_EQ(0, cli_run(out, sizeof(out), "handshake show --ino %llu",
			     (unsigned long long)self->cino));
	snprintf(want, sizeof(want), "ino %llu role none state none\n",
		 (unsigned long long)self->cino);
	EXPECT_STREQ(want, out);
	/* No handshake, no column: dtls show as before. */
	ASSERT_EQ(0, cli_run(out, sizeof(out), "show"));
	snprintf(want, sizeof(want), "ino %llu ", (unsigned long long)self->cino);
	ASSERT_TRUE(strstr(out, want) != NULL) TH_LOG("%s", out);
	EXPECT_TRUE(strstr(out, " hs ") == NULL) TH_LOG("%s", out);

	/* A client whose server never answers: running, then aborted. */
	ASSERT_EQ(0, hs_lib_prepare(self->cli, DTLS_HS_ROLE_CLIENT, hs_key,
				    sizeof(hs_key)));
	ASSERT_EQ(0, cli_run(out, sizeof(out), "handshake start --ino %llu 2>&1",
			     (unsigned long long)self->cino)) TH_LOG("%s", out);
	ASSERT_EQ(0, cli_run(out, sizeof(out), "handshake show --ino %llu",
			     (unsigned long long)self->cino));
	snprintf(want, sizeof(want), "ino %llu role client state running\n",
		 (unsigned long long)self->cino);
	EXPECT_STREQ(want, out);
	ASSERT_EQ(0, cli_run(out, sizeof(out), "show"));
	EXPECT_TRUE(strstr(out, " hs role client state running\n") != NULL)
		TH_LOG("%s", out);

	ASSERT_EQ(0, cli_run(out, sizeof(out), "handshake abort --ino %llu 2>&1",
			     (unsigned long long)self->cino)) TH_LOG("%s", out);
	ASSERT_EQ(0, cli_run(out, sizeof(out), "handshake show --ino %llu",
			     (unsigned long long)self->cino));
	snprintf(want, sizeof(want),
		 "ino %llu role client state failed error ECONNABORTED\n",
		 (unsigned long long)self->cino);
	EXPECT_STREQ(want, out);
	/* The socket has failed. */
	EXPECT_EQ(-1, recv(self->cli, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(ECONNABORTED, errno);

	EXPECT_NE(0, cli_run(out, sizeof(out), "handshake show 2>&1"));
	EXPECT_TRUE(strstr(out, "--ino is required") != NULL) TH_LOG("%s", out);
	EXPECT_NE(0, cli_run(out, sizeof(out), "handshake show --ino 1 2>&1"));
	EXPECT_TRUE(strstr(out, "(no attached socket with this inode number)") != NULL)
		TH_LOG("%s", out);
}

/* A child running `dtls monitor ARGS`, its stdout and stderr on a pipe. */
struct mon {
	pid_t	pid;
	int	fd;
	char	buf[8192];
	size_t	len;
};

static int mon_start(struct mon *m, const char *args)
{
	int p[2];

	m->len = 0;
	m->buf[0] = '\0';
	if (pipe2(p, O_CLOEXEC))
		return -1;
	m->pid = fork();
	if (m->pid < 0)
		return -1;
	if (!m->pid) {
		char cmd[512];

		dup2(p[1], 1);
		dup2(p[1], 2);
		snprintf(cmd, sizeof(cmd), "exec %s monitor %s", dtls_bin(),
			 args);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	m->fd = p[0];
	return 0;
}

/* Read until @n lines are in m->buf or @ms pass; the lines there. */
static int mon_lines(struct mon *m, int n, int ms)
{
	struct timespec t0, t;
	int lines = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = { .fd = m->fd, .events = POLLIN };
		long el;
		ssize_t r;

		lines = 0;
		for (size_t i = 0; i < m->len; i++)
			lines += m->buf[i] == '\n';
		clock_gettime(CLOCK_MONOTONIC, &t);
		el = (t.tv_sec - t0.tv_sec) * 1000 +
		     (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (lines >= n || el >= ms || m->len + 1 >= sizeof(m->buf))
			return lines;
		if (poll(&p, 1, ms - el) <= 0)
			continue;
		r = read(m->fd, m->buf + m->len, sizeof(m->buf) - 1 - m->len);
		if (r <= 0)
			return lines;
		m->len += r;
		m->buf[m->len] = '\0';
	}
}

/* Signal the monitor, read the rest; its exit status (or -1). */
static int mon_stop(struct mon *m, int sig)
{
	int st;

	if (sig)
		kill(m->pid, sig);
	mon_lines(m, 1000, 10000);
	close(m->fd);
	if (waitpid(m->pid, &st, 0) != m->pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/*
 * dtls monitor: subscribed (its ready line on stderr) before the test
 * starts two handshakes, set up with libdtls: one with the same PSK on
 * both sides (a done event each), one with a wrong PSK (a failed event
 * each).  Text and JSON; SIGINT and SIGTERM end it with status 0.
 */
TEST_F_TIMEOUT(hs_cli, monitor_done_failed, 300)
{
	uint8_t wrong[sizeof(hs_key)];
	struct mon text, json;
	char want[512], msg[128], out[8192];
	int srv2, cli2;
	uint64_t s2, c2;

	ASSERT_EQ(0, mon_start(&text, ""));
	ASSERT_EQ(0, mon_start(&json, "-j -c 4"));
	/* Subscribed: the ready line (stderr), then only events. */
	ASSERT_EQ(1, mon_lines(&text, 1, 60000)) TH_LOG("%s", text.buf);
	EXPECT_STREQ("dtls: monitoring handshake events\n", text.buf);
	ASSERT_EQ(1, mon_lines(&json, 1, 60000)) TH_LOG("%s", json.buf);
	text.len = 0;
	json.len = 0;

	/* Same PSK: done, done. */
	ASSERT_EQ(0, hs_lib_prepare(self->srv, DTLS_HS_ROLE_SERVER, hs_key,
				    sizeof(hs_key)));
	ASSERT_EQ(0, hs_lib_prepare(self->cli, DTLS_HS_ROLE_CLIENT, hs_key,
				    sizeof(hs_key)));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), self->srv, 0, msg, sizeof(msg)));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), self->cli, 0, msg, sizeof(msg)));
	ASSERT_EQ(0, dtls_test_ping_pong(self->cli, self->srv));
	EXPECT_EQ(0, dtls_test_hs_check(self->cli, self->srv, 0x00a8, 0));
	ASSERT_EQ(2, mon_lines(&text, 2, 20000)) TH_LOG("%s", text.buf);
	snprintf(want, sizeof(want),
		 "done ino %llu role server suite PSK-AES128-GCM-SHA256 peer-identity " HS_ID "\n",
		 (unsigned long long)self->sino);
	EXPECT_TRUE(strstr(text.buf, want) != NULL) TH_LOG("%s", text.buf);
	snprintf(want, sizeof(want),
		 "done ino %llu role client suite PSK-AES128-GCM-SHA256\n",
		 (unsigned long long)self->cino);
	EXPECT_TRUE(strstr(text.buf, want) != NULL) TH_LOG("%s", text.buf);

	/*
	 * Wrong PSK: the client's Finished does not authenticate, which the
	 * server cannot tell from a forgery (RFC 6347 4.1.2.7): it discards
	 * it and fails at its time-out, saying why.  The client cannot open
	 * that alert either, and fails at its own.
	 */
	memcpy(wrong, hs_key, sizeof(wrong));
	wrong[5] ^= 0x40;
	ASSERT_EQ(0, hs_pair(AF_INET6, &srv2, &cli2));
	s2 = dtls_test_ino(srv2);
	c2 = dtls_test_ino(cli2);
	ASSERT_EQ(0, hs_lib_prepare(srv2, DTLS_HS_ROLE_SERVER, hs_key,
				    sizeof(hs_key)));
	ASSERT_EQ(0, hs_lib_prepare(cli2, DTLS_HS_ROLE_CLIENT, wrong,
				    sizeof(wrong)));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), srv2, 0, msg, sizeof(msg)));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), cli2, 0, msg, sizeof(msg)));
	EXPECT_EQ(-1, send(cli2, "x", 1, 0));
	ASSERT_EQ(4, mon_lines(&text, 4, 30000)) TH_LOG("%s", text.buf);
	snprintf(want, sizeof(want),
		 "failed ino %llu role server error EKEYREJECTED alert bad_record_mac sent\n",
		 (unsigned long long)s2);
	EXPECT_TRUE(strstr(text.buf, want) != NULL) TH_LOG("%s", text.buf);
	snprintf(want, sizeof(want), "failed ino %llu role client error E",
		 (unsigned long long)c2);
	EXPECT_TRUE(strstr(text.buf, want) != NULL) TH_LOG("%s", text.buf);

	/* SIGINT ends it, status 0; -c 4 ends the JSON one by itself. */
	EXPECT_EQ(0, mon_stop(&text, SIGINT)) TH_LOG("%s", text.buf);
	EXPECT_EQ(0, mon_stop(&json, 0)) TH_LOG("%s", json.buf);
	{
		char path[128], cmd[1024];

		snprintf(path, sizeof(path), "%s/mon.json", self->dir);
		ASSERT_EQ(0, write_file(path, json.buf, json.len));
		snprintf(cmd, sizeof(cmd),
			 "python3 -c \"import json,sys\nfor l in open('%s'):\n    e = json.loads(l)\n    print(e['event'], e['ino'], e['role'], e.get('suite', '-'), e.get('error', '-'), e.get('alert', '-'), e.get('alert_remote', '-'))\" | sort",
			 path);
		ASSERT_EQ(0, dtls_test_capture(cmd, out, sizeof(out)))
			TH_LOG("%s", json.buf);
	}
	{
		char l[4][256];

		snprintf(l[0], sizeof(l[0]),
			 "done %llu server PSK-AES128-GCM-SHA256 - - -\n",
			 (unsigned long long)self->sino);
		snprintf(l[1], sizeof(l[1]),
			 "done %llu client PSK-AES128-GCM-SHA256 - - -\n",
			 (unsigned long long)self->cino);
		snprintf(l[2], sizeof(l[2]),
			 "failed %llu server - EKEYREJECTED bad_record_mac False\n",
			 (unsigned long long)s2);
		snprintf(l[3], sizeof(l[3]), "failed %llu client - E",
			 (unsigned long long)c2);
		for (int i = 0; i < 4; i++) {
			EXPECT_TRUE(strstr(out, l[i]) != NULL)
				TH_LOG("%s not in:\n%s", l[i], out);
		}
	}

	/* SIGTERM too. */
	ASSERT_EQ(0, mon_start(&text, ""));
	ASSERT_EQ(1, mon_lines(&text, 1, 60000));
	EXPECT_EQ(0, mon_stop(&text, SIGTERM));
	close(srv2);
	close(cli2);
}

/* --------------------------------------------------------- certificates */

/*
 * cert set: a PEM certificate and its PEM key (PKCS#8, as
 * PEM_write_PrivateKey() writes it), a DER certificate, a chain of two, a
 * kernel key; refused: another certificate's key (the kernel's check and
 * message), a file without a certificate, a kernel key of the wrong size.
 */
TEST_F_TIMEOUT(hs_cli, cert_set, 180)
{
	struct test_cert a, b;
	char out[8192], der[128], chain[128], cmd[512];
	long serial;

	ASSERT_EQ(0, test_cert_make(&a, "kdtls-cli-a"));
	ASSERT_EQ(0, test_cert_make(&b, "kdtls-cli-b"));
	ASSERT_EQ(0, test_cert_write_pem(&a));
	ASSERT_EQ(0, test_cert_write_pem(&b));

	ASSERT_EQ(0, cli_run(out, sizeof(out),
			     "cert set --ino %llu --chain %s --key %s 2>&1",
			     (unsigned long long)self->sino, a.cert_pem,
			     a.key_pem)) TH_LOG("%s", out);
	EXPECT_STREQ("", out);

	/* One DER certificate; a PEM chain of two, ours first. */
	snprintf(der, sizeof(der), "%s/a.der", self->dir);
	ASSERT_EQ(0, write_file(der, a.der, a.len));
	EXPECT_EQ(0, cli_run(out, sizeof(out),
			     "cert set --ino %llu --chain %s --key %s 2>&1",
			     (unsigned long long)self->sino, der, a.key_pem))
		TH_LOG("%s", out);
	snprintf(chain, sizeof(chain), "%s/chain.pem", self->dir);
	snprintf(cmd, sizeof(cmd), "cat %s %s > %s", a.cert_pem, b.cert_pem,
		 chain);
	ASSERT_EQ(0, system(cmd));
	EXPECT_EQ(0, cli_run(out, sizeof(out),
			     "cert set --ino %llu --chain %s --key %s 2>&1",
			     (unsigned long long)self->sino, chain, a.key_pem))
		TH_LOG("%s", out);

	/* b's key for a's certificate: the kernel says no. */
	EXPECT_NE(0, cli_run(out, sizeof(out),
			     "cert set --ino %llu --chain %s --key %s 2>&1",
			     (unsigned long long)self->sino, a.cert_pem,
			     b.key_pem));
	EXPECT_TRUE(strstr(out, "dtls: cert set: ") == out) TH_LOG("%s", out);
	EXPECT_TRUE(strstr(out, "the key is not the first certificate's") != NULL)
		TH_LOG("%s", out);

	/* Not a certificate: a key, and the raw PSK file. */
	EXPECT_NE(0, cli_run(out, sizeof(out),
			     "cert set --ino %llu --chain %s --key %s 2>&1",
			     (unsigned long long)self->cino, a.key_pem,
			     a.key_pem));
	EXPECT_TRUE(strstr(out, "no X.509 certificate") != NULL) TH_LOG("%s", out);
	EXPECT_NE(0, cli_run(out, sizeof(out),
			     "cert set --ino %llu --chain %s --key %s 2>&1",
			     (unsigned long long)self->cino, self->key,
			     a.key_pem));
	EXPECT_TRUE(strstr(out, "no X.509 certificate") != NULL) TH_LOG("%s", out);
	/* Nor a key. */
	EXPECT_NE(0, cli_run(out, sizeof(out),
			     "cert set --ino %llu --chain %s --key %s 2>&1",
			     (unsigned long long)self->cino, a.cert_pem,
			     self->key));
	EXPECT_TRUE(strstr(out, "no private key") != NULL) TH_LOG("%s", out);
	EXPECT_EQ(0, hs_state(self->cli));

	/* The scalar in a "user" key; a key of 16 bytes is refused. */
	serial = syscall(SYS_add_key, "user", "kdtls-cli-cert", a.priv,
			 sizeof(a.priv), KEY_SPEC_SESSION_KEYRING);
	if (serial >= 0) {
		EXPECT_EQ(0, cli_run(out, sizeof(out),
				     "cert set --ino %llu --chain %s --key-serial %ld 2>&1",
				     (unsigned long long)self->sino,
				     a.cert_pem, serial)) TH_LOG("%s", out);
		syscall(SYS_keyctl, KEYCTL_INVALIDATE, serial);
	} else {
		TH_LOG("add_key: %s: --key-serial not tried", strerror(errno));
	}
	serial = syscall(SYS_add_key, "user", "kdtls-cli-short", hs_key,
			 sizeof(hs_key), KEY_SPEC_SESSION_KEYRING);
	if (serial >= 0) {
		EXPECT_NE(0, cli_run(out, sizeof(out),
				     "cert set --ino %llu --chain %s --key-serial %ld 2>&1",
				     (unsigned long long)self->sino,
				     a.cert_pem, serial));
		EXPECT_TRUE(strstr(out, "(cert-key-serial: ") != NULL)
			TH_LOG("%s", out);
		syscall(SYS_keyctl, KEYCTL_INVALIDATE, serial);
	}
	test_cert_free(&a);
	test_cert_free(&b);
}

/*
 * peer pin: colon hex (as openssl prints it, with or without its
 * "sha256 Fingerprint="), plain hex, a certificate file.  Digests that
 * are not 32 bytes are refused before the kernel is asked: a socket
 * they name gets no handshake state.
 */
TEST_F_TIMEOUT(hs_cli, peer_pin, 180)
{
	char out[8192], fp[96], plain[65], bad[128];
	union dtls_test_addr ta;
	struct test_cert a;
	uint64_t tino;
	int t;

	ASSERT_EQ(0, test_cert_make(&a, "kdtls-cli-pin"));
	ASSERT_EQ(0, test_cert_write_pem(&a));
	test_cert_fingerprint(a.sha256, fp);
	for (int i = 0; i < 32; i++)
		snprintf(plain + 2 * i, 3, "%02x", a.sha256[i]);

	EXPECT_EQ(0, cli_run(out, sizeof(out),
			     "peer pin --ino %llu --sha256 %s 2>&1",
			     (unsigned long long)self->cino, fp))
		TH_LOG("%s", out);
	EXPECT_STREQ("", out);
	EXPECT_EQ(0, cli_run(out, sizeof(out),
			     "peer pin --ino %llu --sha256 %s 2>&1",
			     (unsigned long long)self->cino, plain))
		TH_LOG("%s", out);
	EXPECT_EQ(0, cli_run(out, sizeof(out),
			     "peer pin --ino %llu --sha256 'sha256 Fingerprint=%s' --sha256 %s --cert %s --required 2>&1",
			     (unsigned long long)self->sino, fp, plain,
			     a.cert_pem)) TH_LOG("%s", out);

	t = dtls_test_udp_bound(AF_INET, &ta);
	ASSERT_LE(0, t);
	ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), t, NULL, NULL, 0));
	tino = dtls_test_ino(t);
	/* 31 bytes; 33; a trailing colon; colons in the wrong places. */
	plain[62] = '\0';
	EXPECT_NE(0, cli_run(out, sizeof(out),
			     "peer pin --ino %llu --sha256 %s 2>&1",
			     (unsigned long long)tino, plain));
	EXPECT_TRUE(strstr(out, "is not a SHA-256 digest") != NULL) TH_LOG("%s", out);
	snprintf(bad, sizeof(bad), "%s:00", fp);
	EXPECT_NE(0, cli_run(out, sizeof(out),
			     "peer pin --ino %llu --sha256 %s 2>&1",
			     (unsigned long long)tino, bad));
	EXPECT_TRUE(strstr(out, "is not a SHA-256 digest") != NULL) TH_LOG("%s", out);
	snprintf(bad, sizeof(bad), "%s:", fp);
	EXPECT_NE(0, cli_run(out, sizeof(out),
			     "peer pin --ino %llu --sha256 %s 2>&1",
			     (unsigned long long)tino, bad));
	EXPECT_TRUE(strstr(out, "is not a SHA-256 digest") != NULL) TH_LOG("%s", out);
	snprintf(bad, sizeof(bad), "%s", fp);
	bad[2] = bad[3];
	bad[3] = ':';
	EXPECT_NE(0, cli_run(out, sizeof(out),
			     "peer pin --ino %llu --sha256 %s 2>&1",
			     (unsigned long long)tino, bad));
	EXPECT_TRUE(strstr(out, "is not a SHA-256 digest") != NULL) TH_LOG("%s", out);
	EXPECT_NE(0, cli_run(out, sizeof(out),
			     "peer pin --ino %llu --required 2>&1",
			     (unsigned long long)tino));
	EXPECT_TRUE(strstr(out, "Usage: dtls peer pin") != NULL) TH_LOG("%s", out);
	EXPECT_EQ(0, hs_state(t));
	close(t);
	test_cert_free(&a);
}

/*
 * peer delegate: the timeout range is the kernel's (its message shown),
 * pins optional; peer verdict: accept or reject and an id are needed,
 * and with nothing pending the kernel refuses it (ENOENT, its message).
 */
TEST_F_TIMEOUT(hs_cli, peer_delegate_verdict, 180)
{
	char out[8192];

	EXPECT_NE(0, cli_run(out, sizeof(out),
			     "peer delegate --ino %llu --timeout 99 2>&1",
			     (unsigned long long)self->cino));
	EXPECT_TRUE(strstr(out, "peer-delegate-timeout-ms out of 100..60000") !=
		    NULL) TH_LOG("%s", out);
	EXPECT_EQ(0, cli_run(out, sizeof(out),
			     "peer delegate --ino %llu --timeout 200 2>&1",
			     (unsigned long long)self->cino)) TH_LOG("%s", out);
	EXPECT_STREQ("", out);
	EXPECT_EQ(0, cli_run(out, sizeof(out),
			     "peer delegate --ino %llu --required 2>&1",
			     (unsigned long long)self->sino)) TH_LOG("%s", out);
	EXPECT_NE(0, cli_run(out, sizeof(out),
			     "peer verdict --ino %llu --id 7 2>&1",
			     (unsigned long long)self->cino));
	EXPECT_TRUE(strstr(out, "Usage: dtls peer verdict") != NULL) TH_LOG("%s", out);
	EXPECT_NE(0, cli_run(out, sizeof(out),
			     "peer verdict --ino %llu accept 2>&1",
			     (unsigned long long)self->cino));
	EXPECT_TRUE(strstr(out, "Usage: dtls peer verdict") != NULL) TH_LOG("%s", out);
	EXPECT_NE(0, cli_run(out, sizeof(out),
			     "peer verdict --ino %llu --id 7 accept 2>&1",
			     (unsigned long long)self->cino));
	EXPECT_TRUE(strstr(out, "no handshake waits for a verdict") != NULL)
		TH_LOG("%s", out);
}

/*
 * peer trust: a keyring by serial, with a name; the CLI runs in another
 * process, which does not possess the test's keyrings, so it needs the
 * keyring's user search permission: without it, peer-auth is refused
 * (EACCES); a key that is no keyring, ENOTDIR; no --keyring, a usage
 * error before the kernel is asked.
 */
TEST_F_TIMEOUT(hs_cli, peer_trust, 180)
{
	const uint32_t perm = 0x3f000000 | 0x00010000 | 0x00080000;
	struct test_cert_opts ro = { .cn = "kdtls-cli-root", .ca = true,
				     .rsa_bits = 2048 };
	int32_t ring, closed, key;
	struct test_cert a;
	char out[8192];

	ASSERT_EQ(0, test_cert_make_chain(&a, &ro, NULL));
	ring = syscall(SYS_add_key, "keyring", "kdtls-cli-trust", NULL, 0,
		       KEY_SPEC_PROCESS_KEYRING);
	closed = syscall(SYS_add_key, "keyring", "kdtls-cli-closed", NULL, 0,
			 KEY_SPEC_PROCESS_KEYRING);
	ASSERT_LT(0, ring);
	ASSERT_LT(0, closed);
	key = syscall(SYS_add_key, "asymmetric", "", a.der, a.len, ring);
	ASSERT_LT(0, key) TH_LOG("add_key: %s", strerror(errno));
	/* possessor: all; user (the CLI, same uid): view and search */
	ASSERT_EQ(0, syscall(SYS_keyctl, KEYCTL_SETPERM, ring, perm));
	ASSERT_EQ(0, syscall(SYS_keyctl, KEYCTL_SETPERM, closed, 0x3f000000));

	EXPECT_EQ(0, cli_run(out, sizeof(out),
			     "peer trust --ino %llu --keyring %d --name srv.example --required 2>&1",
			     (unsigned long long)self->sino, ring))
		TH_LOG("%s", out);
	EXPECT_STREQ("", out);
	EXPECT_NE(0, cli_run(out, sizeof(out),
			     "peer trust --ino %llu --keyring %d 2>&1",
			     (unsigned long long)self->cino, closed));
	EXPECT_TRUE(strstr(out, "Permission denied") != NULL) TH_LOG("%s", out);
	EXPECT_NE(0, cli_run(out, sizeof(out),
			     "peer trust --ino %llu --keyring %d 2>&1",
			     (unsigned long long)self->cino, key));
	EXPECT_TRUE(strstr(out, "Not a directory") != NULL ||
		    strstr(out, "Permission denied") != NULL) TH_LOG("%s", out);
	EXPECT_NE(0, cli_run(out, sizeof(out),
			     "peer trust --ino %llu --name srv.example 2>&1",
			     (unsigned long long)self->cino));
	EXPECT_TRUE(strstr(out, "Usage: dtls peer trust") != NULL)
		TH_LOG("%s", out);
	syscall(SYS_keyctl, KEYCTL_INVALIDATE, ring);
	syscall(SYS_keyctl, KEYCTL_INVALIDATE, closed);
	test_cert_free(&a);
}

/*
 * Mutual authentication, set up with the CLI only: each side its
 * certificate and the other's pin (the server's from a certificate file,
 * with --required; the client's as openssl's colon hex), an
 * ECDHE-ECDSA handshake of two kernel sockets, and handshake show
 * printing each peer's fingerprint, as openssl x509 -fingerprint
 * -sha256 prints it, and subject, in text and JSON.
 */
TEST_F_TIMEOUT(hs_cli, cert_handshake_show, 300)
{
	char out[8192], want[1024], sfp[96], cfp[96], skfp[96], ckfp[96];
	struct test_cert s, c;
	char cmd[512];
	uint8_t k[32];

	ASSERT_EQ(0, test_cert_make(&s, "kdtls-cli-server"));
	ASSERT_EQ(0, test_cert_make(&c, "kdtls-cli-client"));
	ASSERT_EQ(0, test_cert_write_pem(&s));
	ASSERT_EQ(0, test_cert_write_pem(&c));
	test_cert_fingerprint(s.sha256, sfp);
	test_cert_fingerprint(c.sha256, cfp);
	test_cert_spki_sha256(&s, k);
	test_cert_fingerprint(k, skfp);
	test_cert_spki_sha256(&c, k);
	test_cert_fingerprint(k, ckfp);

	ASSERT_EQ(0, cli_run(out, sizeof(out),
			     "handshake config --ino %llu --role server --suite ECDHE-ECDSA-AES128-GCM-SHA256 --rto-initial-ms 200 --timeout-ms 20000 2>&1",
			     (unsigned long long)self->sino)) TH_LOG("%s", out);
	ASSERT_EQ(0, cli_run(out, sizeof(out),
			     "cert set --ino %llu --chain %s --key %s 2>&1",
			     (unsigned long long)self->sino, s.cert_pem,
			     s.key_pem)) TH_LOG("%s", out);
	ASSERT_EQ(0, cli_run(out, sizeof(out),
			     "peer pin --ino %llu --cert %s --required 2>&1",
			     (unsigned long long)self->sino, c.cert_pem))
		TH_LOG("%s", out);
	ASSERT_EQ(0, cli_run(out, sizeof(out),
			     "handshake config --ino %llu --role client --suite 0xc02b --rto-initial-ms 200 --timeout-ms 20000 2>&1",
			     (unsigned long long)self->cino)) TH_LOG("%s", out);
	ASSERT_EQ(0, cli_run(out, sizeof(out),
			     "cert set --ino %llu --chain %s --key %s 2>&1",
			     (unsigned long long)self->cino, c.cert_pem,
			     c.key_pem)) TH_LOG("%s", out);
	ASSERT_EQ(0, cli_run(out, sizeof(out),
			     "peer pin --ino %llu --sha256 %s 2>&1",
			     (unsigned long long)self->cino, sfp))
		TH_LOG("%s", out);

	ASSERT_EQ(0, cli_run(out, sizeof(out), "handshake start --ino %llu 2>&1",
			     (unsigned long long)self->sino)) TH_LOG("%s", out);
	ASSERT_EQ(0, cli_run(out, sizeof(out), "handshake start --ino %llu 2>&1",
			     (unsigned long long)self->cino)) TH_LOG("%s", out);
	ASSERT_EQ(0, dtls_test_ping_pong(self->cli, self->srv)) {
		cli_run(out, sizeof(out), "show 2>&1");
		TH_LOG("ping: %s\n%s", strerror(errno), out);
	}
	EXPECT_EQ(0, dtls_test_hs_check(self->cli, self->srv, 0xc02b, 0));

	ASSERT_EQ(0, cli_run(out, sizeof(out), "handshake show --ino %llu",
			     (unsigned long long)self->sino));
	snprintf(want, sizeof(want),
		 "ino %llu role server state established suite ECDHE-ECDSA-AES128-GCM-SHA256 peer-cert-sha256 %s peer-subject CN=kdtls-cli-client peer-key x509 peer-spki-sha256 %s\n",
		 (unsigned long long)self->sino, cfp, ckfp);
	EXPECT_STREQ(want, out);
	ASSERT_EQ(0, cli_run(out, sizeof(out), "handshake show --ino %llu",
			     (unsigned long long)self->cino));
	snprintf(want, sizeof(want),
		 "ino %llu role client state established suite ECDHE-ECDSA-AES128-GCM-SHA256 peer-cert-sha256 %s peer-subject CN=kdtls-cli-server peer-key x509 peer-spki-sha256 %s\n",
		 (unsigned long long)self->cino, sfp, skfp);
	EXPECT_STREQ(want, out);

	/* JSON. */
	ASSERT_EQ(0, cli_run(out, sizeof(out),
			     "handshake show --ino %llu -j | python3 -c \"import json,sys; d=json.load(sys.stdin); print(d['suite'], d['peer_cert_sha256'], d['peer_subject'])\"",
			     (unsigned long long)self->sino));
	snprintf(want, sizeof(want),
		 "ECDHE-ECDSA-AES128-GCM-SHA256 %s CN=kdtls-cli-client\n", cfp);
	EXPECT_STREQ(want, out);

	/* The same fingerprint as openssl's own. */
	snprintf(cmd, sizeof(cmd),
		 "openssl x509 -in %s -noout -fingerprint -sha256", c.cert_pem);
	ASSERT_EQ(0, dtls_test_capture(cmd, out, sizeof(out)));
	snprintf(want, sizeof(want), "=%s\n", cfp);
	EXPECT_TRUE(strstr(out, want) != NULL) TH_LOG("%s, want %s", out, cfp);
	test_cert_free(&s);
	test_cert_free(&c);
}

/*
 * Raw public keys with the CLI only: the server's key alone (cert set
 * without --chain), the client pinning it from the certificate file's key
 * (--spki-cert); handshake show says the peer's key is raw, its digest
 * as --spki-sha256 takes it, in text and JSON.  Bad key digests are
 * refused before the kernel is asked.
 */
TEST_F_TIMEOUT(hs_cli, raw_key_handshake_show, 300)
{
	char out[8192], want[1024], skfp[96];
	struct test_cert s;
	uint8_t k[32];

	ASSERT_EQ(0, test_cert_make(&s, "kdtls-cli-raw"));
	ASSERT_EQ(0, test_cert_write_pem(&s));
	test_cert_spki_sha256(&s, k);
	test_cert_fingerprint(k, skfp);

	ASSERT_EQ(0, cli_run(out, sizeof(out),
			     "handshake config --ino %llu --role server --suite ECDHE-ECDSA-AES128-GCM-SHA256 --rto-initial-ms 200 --timeout-ms 20000 2>&1",
			     (unsigned long long)self->sino)) TH_LOG("%s", out);
	ASSERT_EQ(0, cli_run(out, sizeof(out), "cert set --ino %llu --key %s 2>&1",
			     (unsigned long long)self->sino, s.key_pem))
		TH_LOG("%s", out);
	ASSERT_EQ(0, cli_run(out, sizeof(out),
			     "handshake config --ino %llu --role client --suite 0xc02b --rto-initial-ms 200 --timeout-ms 20000 2>&1",
			     (unsigned long long)self->cino)) TH_LOG("%s", out);
	EXPECT_NE(0, cli_run(out, sizeof(out),
			     "peer pin --ino %llu --spki-sha256 00:11 2>&1",
			     (unsigned long long)self->cino));
	EXPECT_TRUE(strstr(out, "--spki-sha256: '00:11' is not a SHA-256 digest") != NULL)
		TH_LOG("%s", out);
	ASSERT_EQ(0, cli_run(out, sizeof(out),
			     "peer pin --ino %llu --spki-cert %s 2>&1",
			     (unsigned long long)self->cino, s.cert_pem))
		TH_LOG("%s", out);

	ASSERT_EQ(0, cli_run(out, sizeof(out), "handshake start --ino %llu 2>&1",
			     (unsigned long long)self->sino)) TH_LOG("%s", out);
	ASSERT_EQ(0, cli_run(out, sizeof(out), "handshake start --ino %llu 2>&1",
			     (unsigned long long)self->cino)) TH_LOG("%s", out);
	ASSERT_EQ(0, dtls_test_ping_pong(self->cli, self->srv)) {
		cli_run(out, sizeof(out), "show 2>&1");
		TH_LOG("ping: %s\n%s", strerror(errno), out);
	}
	EXPECT_EQ(0, dtls_test_hs_check(self->cli, self->srv, 0xc02b, 0));
	ASSERT_EQ(0, cli_run(out, sizeof(out), "handshake show --ino %llu",
			     (unsigned long long)self->cino));
	snprintf(want, sizeof(want),
		 "ino %llu role client state established suite ECDHE-ECDSA-AES128-GCM-SHA256 peer-key raw peer-spki-sha256 %s\n",
		 (unsigned long long)self->cino, skfp);
	EXPECT_STREQ(want, out);
	ASSERT_EQ(0, cli_run(out, sizeof(out),
			     "handshake show --ino %llu -j | python3 -c \"import json,sys; d=json.load(sys.stdin); print(d['peer_cert_type'], d['peer_spki_sha256'], 'peer_cert_sha256' in d)\"",
			     (unsigned long long)self->cino));
	snprintf(want, sizeof(want), "raw-public-key %s False\n", skfp);
	EXPECT_STREQ(want, out);
	test_cert_free(&s);
}

TEST_HARNESS_MAIN
