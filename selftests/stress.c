// SPDX-License-Identifier: GPL-2.0
/*
 * Many sockets, and close racing the receive path: nothing leaks, nothing
 * is used after free.
 */
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "dtls_test.h"
#include "kselftest_harness.h"

#define NSOCKS 1000

static void slab_shrink(const char *cache)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", cache);
	f = fopen(path, "w");
	if (f) {
		fputs("1", f);
		fclose(f);
	}
}

/*
 * Slab objects of UDP sockets, both families, after SLUB gave back its
 * per-CPU partial slabs (they hold freed objects that still count).
 */
static long udp_slab_objects(void)
{
	slab_shrink("UDP");
	slab_shrink("UDPv6");
	return dtls_test_slab_objects("UDP") + dtls_test_slab_objects("UDPv6");
}

/* Poll @fn until it is <= @limit, for up to 5 s; its last value. */
static long settle(long (*fn)(void), long limit)
{
	long v = fn();
	int waited;

	for (waited = 0; v > limit && waited < 5000; waited += 20) {
		usleep(20000);
		v = fn();
	}
	return v;
}

/* Thousands of syscalls in a TCG guest: generous time-outs. */
FIXTURE(stress) {};
FIXTURE_SETUP(stress) {}
FIXTURE_TEARDOWN(stress) {}

TEST_F_TIMEOUT(stress, thousand_sockets_no_leak, 180)
{
	struct rlimit rl = { NSOCKS + 64, NSOCKS + 64 };
	long base_slab, base_socks, peak_slab, slab, socks;
	static int fds[NSOCKS];
	int i;

	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	ASSERT_EQ(0, dtls_test_wait_refcnt(0, 2000));
	/* The test's netlink handle stays open: opened before the count. */
	ASSERT_NE(NULL, dtls_test_nl());
	base_socks = dtls_test_sockets_used();
	base_slab = udp_slab_objects();
	ASSERT_LE(0, base_socks);
	ASSERT_LT(0, base_slab);

	for (i = 0; i < NSOCKS; i++) {
		union dtls_test_addr a;

		/* Half bound, half not; half IPv4, half IPv6. */
		if (i & 2)
			fds[i] = dtls_test_udp_bound(i & 1 ? AF_INET6 : AF_INET,
						     &a);
		else
			fds[i] = socket(i & 1 ? AF_INET6 : AF_INET,
					SOCK_DGRAM, 0);
		ASSERT_LE(0, fds[i]);
		ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), fds[i], NULL, NULL, 0));
	}
	/* One module reference per attached socket, exactly. */
	EXPECT_EQ(NSOCKS, dtls_test_module_refcnt());
	EXPECT_LE(base_socks + NSOCKS, dtls_test_sockets_used());
	peak_slab = udp_slab_objects();
	EXPECT_LE(base_slab + NSOCKS * 9 / 10, peak_slab);

	for (i = 0; i < NSOCKS; i++)
		close(fds[i]);

	/* Every socket's state is freed (it holds the module reference)... */
	EXPECT_EQ(0, dtls_test_wait_refcnt(0, 5000));
	/* ...every socket is released... */
	socks = settle(dtls_test_sockets_used, base_socks);
	EXPECT_EQ(base_socks, socks);
	/*
	 * ...and freed: UDP frees sockets after a grace period.  Merged
	 * caches have other users, hence a little slack.
	 */
	slab = settle(udp_slab_objects, base_slab + 32);
	EXPECT_GE(base_slab + 32, slab)
		TH_LOG("UDP slab objects: %ld before, %ld with the sockets, %ld after",
		       base_slab, peak_slab, slab);
}

/*
 * A flooder keeps datagrams arriving on a port while the socket bound to it
 * is attached and closed, over and over: dtls_encap_rcv() runs in softirq
 * against sockets that are being detached.
 */
TEST_F_TIMEOUT(stress, close_while_receiving, 180)
{
	union dtls_test_addr a;
	int family, round;

	for (family = AF_INET; family <= AF_INET6; family += AF_INET6 - AF_INET) {
		int fd = dtls_test_udp_bound(family, &a);
		pid_t flooder;

		ASSERT_LE(0, fd);
		close(fd);
		flooder = fork();
		ASSERT_LE(0, flooder);
		if (flooder == 0) {
			char buf[200] = { 23, (char)0xfe, (char)0xfd };
			int s = socket(family, SOCK_DGRAM, 0);

			for (;;)
				sendto(s, buf, sizeof(buf), 0, &a.sa,
				       dtls_test_addr_len(family));
		}
		for (round = 0; round < 100; round++) {
			char buf[256];

			fd = socket(family, SOCK_DGRAM, 0);
			ASSERT_LE(0, fd);
			ASSERT_EQ(0, bind(fd, &a.sa,
					  dtls_test_addr_len(family)));
			ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), fd, NULL, NULL, 0));
			if (round % 10 == 0)
				EXPECT_EQ(200, recv(fd, buf, sizeof(buf), 0));
			close(fd);
		}
		kill(flooder, SIGKILL);
		waitpid(flooder, NULL, 0);
	}
	EXPECT_EQ(0, dtls_test_wait_refcnt(0, 5000));
}

TEST_HARNESS_MAIN
