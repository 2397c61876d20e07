// SPDX-License-Identifier: GPL-2.0
/*
 * The dtls CLI: `dtls show -j` is parsed as JSON (by python3's json
 * module) and must describe exactly the sockets this test attached;
 * `dtls show` and `dtls version` print what they should.
 */
#include "dtls_test.h"
#include "kselftest_harness.h"

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
	ASSERT_EQ(0, dtls_attach(v4));
	ASSERT_EQ(0, dtls_attach(v6));
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
	ASSERT_EQ(0, dtls_attach(fd));
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

TEST_HARNESS_MAIN
