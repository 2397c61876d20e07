// SPDX-License-Identifier: GPL-2.0
/*
 * Module lifetime: rmmod is refused while a socket is attached and works
 * once the last one is closed.  Runs last: it unloads and reloads dtls.ko
 * (KDTLS_MODULE names the file).
 */
#include <sys/wait.h>

#include "dtls_test.h"
#include "kselftest_harness.h"

static int run(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int reload(void)
{
	const char *ko = getenv("KDTLS_MODULE");
	char cmd[4096];

	if (!ko)
		return -1;
	snprintf(cmd, sizeof(cmd), "insmod '%s'", ko);
	return run(cmd);
}

/*
 * Attach on a handle of its own: the module, and with it the family a
 * handle resolved, comes and goes in these tests.
 */
static int attach(int fd)
{
	struct dtls_nl *h = NULL;
	int err = dtls_open(&h);

	if (!err)
		err = dtls_sock_attach(h, fd, NULL, NULL, 0);
	dtls_close(h);
	return err;
}

FIXTURE(reload) {};
FIXTURE_SETUP(reload) {}
FIXTURE_TEARDOWN(reload) {}

/* Loading and unloading take seconds in a TCG guest: generous time-outs. */
TEST_F_TIMEOUT(reload, rmmod_refused_while_attached, 300)
{
	int v4 = socket(AF_INET, SOCK_DGRAM, 0);
	int v6 = socket(AF_INET6, SOCK_DGRAM, 0);

	if (!getenv("KDTLS_MODULE"))
		SKIP(return, "KDTLS_MODULE not set: cannot reload");
	ASSERT_LE(0, v4);
	ASSERT_LE(0, v6);
	ASSERT_EQ(0, attach(v4));
	ASSERT_EQ(0, attach(v6));

	EXPECT_NE(0, run("rmmod dtls 2>/dev/null"));
	EXPECT_EQ(2, dtls_test_module_refcnt());
	close(v4);
	EXPECT_NE(0, run("rmmod dtls 2>/dev/null"));
	close(v6);

	ASSERT_EQ(0, dtls_test_wait_refcnt(0, 5000));
	EXPECT_EQ(0, run("rmmod dtls"));
	EXPECT_EQ(-1, dtls_test_module_refcnt());
	/* Gone means gone: the family no longer answers. */
	v4 = socket(AF_INET, SOCK_DGRAM, 0);
	EXPECT_NE(0, attach(v4));

	ASSERT_EQ(0, reload());
	EXPECT_EQ(0, attach(v4));
	close(v4);
	EXPECT_EQ(0, dtls_test_wait_refcnt(0, 5000));
}

/*
 * Unload right after a burst of closes: the RCU callbacks must be done.
 * A few rounds: each load and unload takes seconds under TCG.
 */
TEST_F_TIMEOUT(reload, rmmod_right_after_close, 300)
{
	int fds[64], i, round;

	if (!getenv("KDTLS_MODULE"))
		SKIP(return, "KDTLS_MODULE not set: cannot reload");
	for (round = 0; round < 3; round++) {
		for (i = 0; i < 64; i++) {
			fds[i] = socket(i & 1 ? AF_INET6 : AF_INET,
					SOCK_DGRAM, 0);
			ASSERT_LE(0, fds[i]);
			ASSERT_EQ(0, attach(fds[i]));
		}
		for (i = 0; i < 64; i++)
			close(fds[i]);
		ASSERT_EQ(0, dtls_test_wait_refcnt(0, 5000));
		ASSERT_EQ(0, run("rmmod dtls"));
		ASSERT_EQ(0, reload());
	}
}

TEST_HARNESS_MAIN
