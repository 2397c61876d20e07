/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the kdtls selftests.  Tests run as root inside a QEMU
 * guest with dtls.ko loaded (see tools/vm/run); KDTLS_MODULE names the
 * module file so that tests can unload and reload it.
 */
#ifndef KDTLS_SELFTEST_H
#define KDTLS_SELFTEST_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/dtls.h>
#include <linux/userfaultfd.h>
#include <linux/sockios.h>
#include <linux/dtls_netlink.h>

#include "libdtls.h"

union dtls_test_addr {
	struct sockaddr sa;
	struct sockaddr_in in4;
	struct sockaddr_in6 in6;
	struct sockaddr_storage ss;
};

static inline socklen_t dtls_test_addr_len(int family)
{
	return family == AF_INET6 ? sizeof(struct sockaddr_in6) :
				    sizeof(struct sockaddr_in);
}

/* Loopback address of @family, port 0 (ephemeral). */
static inline void dtls_test_loopback(int family, union dtls_test_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->sa.sa_family = family;
	if (family == AF_INET6)
		a->in6.sin6_addr = in6addr_loopback;
	else
		a->in4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

/* A UDP socket bound to loopback; its address in @a.  -1 on error. */
static inline int dtls_test_udp_bound(int family, union dtls_test_addr *a)
{
	socklen_t len = dtls_test_addr_len(family);
	int fd = socket(family, SOCK_DGRAM, 0);

	if (fd < 0)
		return -1;
	dtls_test_loopback(family, a);
	if (bind(fd, &a->sa, len) || getsockname(fd, &a->sa, &len)) {
		close(fd);
		return -1;
	}
	return fd;
}

static inline uint64_t dtls_test_ino(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : (uint64_t)st.st_ino;
}

/*
 * The libdtls handle of the calling thread, opened at its first use.  The
 * harness forks a child per test, and tests fork, unshare and setns on
 * their own: a handle serves the process, thread and network namespace
 * that opened it, so another is opened when one of them changed (the old
 * one closed: after a fork, that is the child's copy).  Aborts the test
 * if it cannot be opened: the module is loaded for every test but
 * module.c, which opens its own.
 */
static __thread struct dtls_nl *dtls_test_nl_h;
static __thread pid_t dtls_test_nl_pid;
static __thread ino_t dtls_test_nl_netns;

static inline struct dtls_nl *dtls_test_nl(void)
{
	struct stat st;
	ino_t netns = stat("/proc/thread-self/ns/net", &st) ? 0 : st.st_ino;
	int err;

	if (dtls_test_nl_h && dtls_test_nl_pid == getpid() &&
	    dtls_test_nl_netns == netns)
		return dtls_test_nl_h;
	dtls_close(dtls_test_nl_h);
	dtls_test_nl_h = NULL;
	err = dtls_open(&dtls_test_nl_h);
	if (err) {
		fprintf(stderr, "dtls_test_nl: dtls_open: %s\n",
			strerror(-err));
		abort();
	}
	dtls_test_nl_pid = getpid();
	dtls_test_nl_netns = netns;
	return dtls_test_nl_h;
}

/* Is @ino in this netns's dump?  1 yes, 0 no, -errno on dump failure. */
static inline int dtls_test_listed(uint64_t ino)
{
	struct dtls_sock_info *v;
	size_t n, i;
	int ret, found = 0;

	ret = dtls_sock_dump(dtls_test_nl(), &v, &n, NULL, 0);
	if (ret)
		return ret;
	for (i = 0; i < n; i++)
		if (v[i].ino == ino)
			found = 1;
	free(v);
	return found;
}

/* The number at the start of the file @path, or -1. */
static inline long long dtls_test_read_num(const char *path)
{
	long long n = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (fscanf(f, "%lld", &n) != 1)
		n = -1;
	fclose(f);
	return n;
}

/*
 * Allocated objects of a slab cache, or -1.  SLUB merges caches of like
 * size, and a merged one is missing from /proc/slabinfo, so this reads
 * /sys/kernel/slab/<cache>/objects (a link to the merged cache, whose count
 * then includes its other users).
 */
static inline long dtls_test_slab_objects(const char *cache)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/objects", cache);
	return dtls_test_read_num(path);
}

/* "sockets: used N" of /proc/net/sockstat: every struct socket alive. */
static inline long dtls_test_sockets_used(void)
{
	char line[256];
	long n = -1;
	FILE *f = fopen("/proc/net/sockstat", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "sockets: used %ld", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* Replace the text of the sysctl @path with @val, the old one in @old. */
static inline int dtls_test_sysctl_swap(const char *path, const char *val,
					char *old, size_t oldlen)
{
	int fd = open(path, O_RDWR);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, old, oldlen - 1);
	if (n <= 0 || pwrite(fd, val, strlen(val), 0) != (ssize_t)strlen(val)) {
		close(fd);
		return -1;
	}
	old[n] = 0;
	close(fd);
	return 0;
}

/* UDP's pages in use by the protocol (/proc/net/sockstat "UDP: ... mem"). */
static inline long long dtls_test_udp_mem_pages(void)
{
	char line[256];
	long long inuse, mem = -1;
	FILE *f = fopen("/proc/net/sockstat", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "UDP: inuse %lld mem %lld", &inuse, &mem) == 2)
			break;
	fclose(f);
	return mem;
}

/* The module's reference count from sysfs, -1 if not loaded. */
static inline long dtls_test_module_refcnt(void)
{
	long n = -1;
	FILE *f = fopen("/sys/module/dtls/refcnt", "r");

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &n) != 1)
		n = -1;
	fclose(f);
	return n;
}

/*
 * Wait (up to @ms) until the module refcount is @want: freed sockets drop
 * their reference from an RCU callback, a grace period after close().
 */
static inline long dtls_test_wait_refcnt(long want, int ms)
{
	long n = dtls_test_module_refcnt();

	while (n != want && ms > 0) {
		usleep(10000);
		ms -= 10;
		n = dtls_test_module_refcnt();
	}
	return n;
}

/*
 * A counter of /proc/net/dtls_stat (this netns), or -1 if the file or the
 * line is missing.
 */
static inline long long dtls_test_proc_stat(const char *name)
{
	char line[256], key[128];
	long long v, found = -1;
	FILE *f = fopen("/proc/net/dtls_stat", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%127s %lld", key, &v) == 2 &&
		    !strcmp(key, name)) {
			found = v;
			break;
		}
	fclose(f);
	return found;
}

/*
 * Whether the running kernel is @major.@minor or later (for what the
 * module's build-time probes choose by what the kernel offers).
 */
static inline bool dtls_test_kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

/* The per-socket record layer counters of @ino (netlink); 0 or -errno. */
static inline int dtls_test_sock_stats(uint64_t ino,
				       struct dtls_sock_stats *st)
{
	struct dtls_sock_info si;
	int ret = dtls_sock_get(dtls_test_nl(), ino, &si, NULL, 0);

	if (ret)
		return ret;
	if (!si.has_stats)
		return -EPROTO;
	*st = si.stats;
	return 0;
}

/* Run @cmd, its stdout into @out (NUL-terminated); the exit status. */
static inline int dtls_test_capture(const char *cmd, char *out, size_t len)
{
	FILE *p = popen(cmd, "r");
	size_t n;

	if (!p)
		return -1;
	n = fread(out, 1, len - 1, p);
	out[n] = 0;
	return pclose(p);
}

/* ------------------------------------------------------------------------
 * A page whose first touch waits (userfaultfd): a syscall copying its
 * argument from it stops there, holding what it took before (the socket's
 * protocol, or its lock), until the test serves the page.
 */
struct dtls_test_uffd {
	int fd;		/* -1 once closed */
	long page;
	char *map;	/* two pages: ordinary memory, then... */
	char *area;	/* ...the waiting page */
	char *src;	/* what it gets */
};

/* Return: 0, or -errno (ENOSYS, EPERM: no userfaultfd here, skip). */
static inline int dtls_test_uffd_open(struct dtls_test_uffd *u)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };

	u->page = sysconf(_SC_PAGESIZE);
	u->map = MAP_FAILED;
	u->area = NULL;
	u->src = MAP_FAILED;
	u->fd = syscall(__NR_userfaultfd, O_CLOEXEC);
	if (u->fd < 0)
		return -errno;
	/* From here on, the caller closes it (dtls_test_uffd_close()). */
	u->map = mmap(NULL, 2 * u->page, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	u->src = mmap(NULL, u->page, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (u->map == MAP_FAILED || u->src == MAP_FAILED)
		return -ENOMEM;
	/* A value starting just before the waiting page is read in steps. */
	memset(u->map, 0, u->page);
	u->area = u->map + u->page;
	reg.range.start = (uintptr_t)u->area;
	reg.range.len = u->page;
	if (ioctl(u->fd, UFFDIO_API, &api) ||
	    ioctl(u->fd, UFFDIO_REGISTER, &reg))
		return -errno;
	return 0;
}

/* Until a call touches the page: 0, or -1 after @ms. */
static inline int dtls_test_uffd_wait(struct dtls_test_uffd *u, int ms)
{
	struct pollfd pfd = { .fd = u->fd, .events = POLLIN };
	struct uffd_msg fault;

	if (poll(&pfd, 1, ms) != 1 ||
	    read(u->fd, &fault, sizeof(fault)) != sizeof(fault) ||
	    fault.event != UFFD_EVENT_PAGEFAULT)
		return -1;
	return 0;
}

/* The page gets @len bytes of @val (zeros after): the call goes on. */
static inline int dtls_test_uffd_serve(struct dtls_test_uffd *u,
				       const void *val, size_t len)
{
	struct uffdio_copy copy = {
		.dst = (uintptr_t)u->area, .src = (uintptr_t)u->src,
		.len = u->page,
	};

	memcpy(u->src, val, len);
	return ioctl(u->fd, UFFDIO_COPY, &copy);
}

/*
 * A thread holding the lock of the UDPv6 socket @fd until the page is
 * served: UDPv6 reads an option's first 4 bytes before it takes the
 * lock, and copies a routing header in whole under it; the value starts
 * 4 bytes before the waiting page.
 */
struct dtls_test_lock_holder {
	int fd;
	struct dtls_test_uffd *u;
};

static inline void *dtls_test_hold_lock(void *arg)
{
	struct dtls_test_lock_holder *h = arg;

	setsockopt(h->fd, IPPROTO_IPV6, IPV6_RTHDR, h->u->area - 4, 8);
	return NULL;
}

/*
 * Until thread @tid waits in the kernel function @fn (its wchan): 0, or
 * -1 after @ms.
 */
static inline int dtls_test_wait_wchan(pid_t tid, const char *fn, int ms)
{
	char path[64], buf[128];
	int i, fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/wchan", tid);
	for (i = 0; i <= ms / 10; i++) {
		fd = open(path, O_RDONLY);
		n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
		if (fd >= 0)
			close(fd);
		if (n > 0) {
			buf[n] = 0;
			/* Or where it was inlined (__lock_sock in lock_sock_nested). */
			if (!strcmp(buf, fn) ||
			    (!strcmp(fn, "__lock_sock") &&
			     !strcmp(buf, "lock_sock_nested")))
				return 0;
		}
		usleep(10000);
	}
	return -1;
}

/* A call still waiting goes on once the userfaultfd goes (zeros). */
static inline void dtls_test_uffd_close(struct dtls_test_uffd *u)
{
	if (u->fd >= 0)
		close(u->fd);
	u->fd = -1;
	if (u->map != MAP_FAILED)
		munmap(u->map, 2 * u->page);
	if (u->src != MAP_FAILED)
		munmap(u->src, u->page);
	u->map = u->src = MAP_FAILED;
}

/* ------------------------------------------------------------------------
 * The in-kernel handshake (hs_neg, hs_loss).
 */

/*
 * Attach @fd, configure its handshake with @cfg and add the PSK @id/@key:
 * 0 or -errno (reported on stderr with the kernel's message).
 */
static inline int dtls_test_hs_setup(int fd, const struct dtls_hs_config *cfg,
				     const char *id, const void *key,
				     size_t key_len)
{
	char msg[128] = "";
	int err;

	err = dtls_sock_attach(dtls_test_nl(), fd, NULL, NULL, 0);
	if (!err)
		err = dtls_hs_config(dtls_test_nl(), fd, 0, cfg, msg, sizeof(msg));
	if (!err)
		err = dtls_psk_add(dtls_test_nl(), fd, 0, id, strlen(id), key, key_len, 0,
				   msg, sizeof(msg));
	if (err)
		fprintf(stderr, "# hs setup: %s (%s)\n", strerror(-err), msg);
	return err;
}

/*
 * Poll the handshake of @fd until it is established or failed, or @ms
 * pass; @out gets the last state read.  Return: the state, or -errno.
 */
static inline int dtls_test_hs_settle(int fd, int ms,
				      struct dtls_hs_info *out)
{
	int err;

	for (;;) {
		err = dtls_hs_get(dtls_test_nl(), fd, 0, out, NULL, 0);
		if (err)
			return err;
		if (out->state == DTLS_HS_STATE_ESTABLISHED ||
		    out->state == DTLS_HS_STATE_FAILED || ms <= 0)
			return out->state;
		usleep(20000);
		ms -= 20;
	}
}

/* One line on stderr: the handshake state of @fd, its error and alert. */
static inline void dtls_test_hs_show(const char *who, int fd)
{
	struct dtls_hs_info i;

	if (!dtls_hs_get(dtls_test_nl(), fd, 0, &i, NULL, 0))
		fprintf(stderr, "# %s: %s error %u (%s) alert %u%s\n", who,
			dtls_hs_state_name(i.state), i.error,
			strerror(i.error), i.alert,
			i.alert_remote ? " (remote)" : "");
}

/* "ping" from @cli to @srv and "pong" back: 0 once both went through. */
static inline int dtls_test_ping_pong(int cli, int srv)
{
	char buf[64];

	if (send(cli, "ping", 4, 0) != 4 || recv(srv, buf, sizeof(buf), 0) != 4 ||
	    memcmp(buf, "ping", 4) || send(srv, "pong", 4, 0) != 4 ||
	    recv(cli, buf, sizeof(buf), 0) != 4 || memcmp(buf, "pong", 4))
		return -1;
	return 0;
}

/* The record layer cipher of a handshake suite (IANA), 0 if unknown. */
static inline uint16_t dtls_test_suite_cipher(uint16_t suite)
{
	switch (suite) {
	case 0x00a8:	/* PSK-AES128-GCM-SHA256 */
	case 0xd001:	/* ECDHE-PSK-AES128-GCM-SHA256 */
	case 0xc02b:	/* ECDHE-ECDSA-AES128-GCM-SHA256 */
	case 0xc02f:	/* ECDHE-RSA-AES128-GCM-SHA256 */
		return DTLS_CIPHER_AES_GCM_128;
	case 0x00a9:	/* PSK-AES256-GCM-SHA384 */
	case 0xc02c:	/* ECDHE-ECDSA-AES256-GCM-SHA384 */
	case 0xc030:	/* ECDHE-RSA-AES256-GCM-SHA384 */
		return DTLS_CIPHER_AES_GCM_256;
	case 0xc0a8:	/* PSK-AES128-CCM8 */
	case 0xc0ae:	/* ECDHE-ECDSA-AES128-CCM8 */
		return DTLS_CIPHER_AES_CCM_8_128;
	case 0xccab:	/* PSK-CHACHA20-POLY1305 */
	case 0xccac:	/* ECDHE-PSK-CHACHA20-POLY1305 */
	case 0xcca9:	/* ECDHE-ECDSA-CHACHA20-POLY1305 */
	case 0xcca8:	/* ECDHE-RSA-CHACHA20-POLY1305 */
		return DTLS_CIPHER_CHACHA20_POLY1305;
	}
	return 0;
}

/*
 * The netlink view of @fd (its ciphers and record counters), asked in the
 * socket's own network namespace (hs_loss puts the two sides of a pair in
 * two), found with SIOCGSKNS: 0 or -errno.
 */
static inline int dtls_test_fd_info(int fd, struct dtls_sock_info *si)
{
	int ns = ioctl(fd, SIOCGSKNS), me, ret;

	if (ns < 0)
		return -errno;
	me = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (me < 0 || setns(ns, CLONE_NEWNET)) {
		ret = -errno;
		if (me >= 0)
			close(me);
		close(ns);
		return ret;
	}
	ret = dtls_sock_get(dtls_test_nl(), dtls_test_ino(fd), si, NULL, 0);
	if (setns(me, CLONE_NEWNET) && !ret)
		ret = -errno;
	close(me);
	close(ns);
	if (!ret && !si->has_stats)
		ret = -EPROTO;
	return ret;
}

/* One side of dtls_test_hs_check(): its handshake and its keys. */
static inline int dtls_test_hs_side(const char *who, int fd, uint16_t suite,
				    struct dtls_hs_info *hi,
				    struct dtls_sock_info *si)
{
	uint16_t cipher = dtls_test_suite_cipher(suite);
	struct dtls_info di = {};
	socklen_t len = sizeof(di);
	int err;

	err = dtls_hs_get(dtls_test_nl(), fd, 0, hi, NULL, 0);
	if (err) {
		fprintf(stderr, "# %s: hs-get: %s\n", who, strerror(-err));
		return -1;
	}
	if (hi->state != DTLS_HS_STATE_ESTABLISHED ||
	    (suite && hi->suite != suite)) {
		fprintf(stderr, "# %s: handshake %s, suite 0x%04x (want 0x%04x)\n",
			who, dtls_hs_state_name(hi->state), hi->suite, suite);
		return -1;
	}
	if (!cipher)
		cipher = dtls_test_suite_cipher(hi->suite);
	if (getsockopt(fd, SOL_DTLS, DTLS_INFO, &di, &len)) {
		fprintf(stderr, "# %s: DTLS_INFO: %s\n", who, strerror(errno));
		return -1;
	}
	if (!cipher || di.tx_cipher != cipher || di.rx_cipher != cipher ||
	    di.tx_epoch != 1 || di.rx_epoch != 1) {
		fprintf(stderr,
			"# %s: DTLS_INFO tx %u epoch %u, rx %u epoch %u; suite 0x%04x wants cipher %u, epoch 1\n",
			who, di.tx_cipher, di.tx_epoch, di.rx_cipher,
			di.rx_epoch, hi->suite, cipher);
		return -1;
	}
	err = dtls_test_fd_info(fd, si);
	if (err) {
		fprintf(stderr, "# %s: netlink sock-get: %s\n", who,
			strerror(-err));
		return -1;
	}
	if (si->tx_cipher != cipher || si->rx_cipher != cipher) {
		fprintf(stderr, "# %s: netlink tx %u, rx %u; want %u\n", who,
			si->tx_cipher, si->rx_cipher, cipher);
		return -1;
	}
	return 0;
}

/* Flags of dtls_test_hs_check() */
#define DTLS_TEST_LOSSY	1	/* records may be lost: the caller's data */

/*
 * After a handshake of the kernel client @cli with the kernel server
 * @srv: both established, on the same suite (@suite unless 0), and each
 * with TX and RX keys of that suite's cipher, epoch 1 (DTLS_INFO and the
 * netlink view alike), so a socket the handshake left without keys fails.
 * Then the record counters: a ping-pong here must move each side's tx and
 * rx by exactly one record of 4 bytes, and on loopback nothing is lost,
 * so every record one side sent the other received (both ways).  With
 * DTLS_TEST_LOSSY (hs_loss: the caller exchanged data itself, over a link
 * that loses and duplicates) no ping-pong: each side sent and received
 * something, and received no more than the other sent.
 * Return: 0, or -1 with what is wrong on stderr.
 */
static inline int dtls_test_hs_check(int cli, int srv, uint16_t suite,
				     unsigned int flags)
{
	struct dtls_sock_info c0, s0, c1, s1;
	struct dtls_hs_info ch, sh;
	const struct dtls_sock_stats *c = &c1.stats, *s = &s1.stats;
	const char *why = NULL;

	if (dtls_test_hs_side("client", cli, suite, &ch, &c0) ||
	    dtls_test_hs_side("server", srv, suite, &sh, &s0))
		return -1;
	if (ch.suite != sh.suite) {
		fprintf(stderr, "# suites differ: client 0x%04x, server 0x%04x\n",
			ch.suite, sh.suite);
		return -1;
	}
	if (!(flags & DTLS_TEST_LOSSY)) {
		if (dtls_test_ping_pong(cli, srv)) {
			fprintf(stderr, "# ping-pong: %s\n", strerror(errno));
			return -1;
		}
	}
	if (dtls_test_fd_info(cli, &c1) || dtls_test_fd_info(srv, &s1)) {
		fprintf(stderr, "# netlink sock-get failed\n");
		return -1;
	}
	if (flags & DTLS_TEST_LOSSY) {
		if (!c->tx_records || !c->rx_records || !s->tx_records ||
		    !s->rx_records || s->rx_records > c->tx_records ||
		    c->rx_records > s->tx_records)
			why = "records lost both ways, or received unsent";
	} else if (c->tx_records != c0.stats.tx_records + 1 ||
		   c->rx_records != c0.stats.rx_records + 1 ||
		   s->tx_records != s0.stats.tx_records + 1 ||
		   s->rx_records != s0.stats.rx_records + 1 ||
		   c->tx_bytes != c0.stats.tx_bytes + 4 ||
		   c->rx_bytes != c0.stats.rx_bytes + 4 ||
		   s->tx_bytes != s0.stats.tx_bytes + 4 ||
		   s->rx_bytes != s0.stats.rx_bytes + 4) {
		why = "the ping-pong moved them by other than one record each";
	} else if (c->tx_records != s->rx_records ||
		   s->tx_records != c->rx_records ||
		   c->tx_bytes != s->rx_bytes || s->tx_bytes != c->rx_bytes) {
		why = "one side's tx is not the other's rx";
	}
	if (why) {
		fprintf(stderr,
			"# record counters: %s: client tx %llu (%llu B) rx %llu (%llu B), server tx %llu (%llu B) rx %llu (%llu B)\n",
			why, (unsigned long long)c->tx_records,
			(unsigned long long)c->tx_bytes,
			(unsigned long long)c->rx_records,
			(unsigned long long)c->rx_bytes,
			(unsigned long long)s->tx_records,
			(unsigned long long)s->tx_bytes,
			(unsigned long long)s->rx_records,
			(unsigned long long)s->rx_bytes);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * A UDP relay in a thread of the test, between one client and a server:
 * the client sends to the relay's address (@addr), which forwards to
 * @server and sends the server's datagrams back to the client, the first
 * address it heard from.  It notes each way's datagrams and the largest
 * (before any truncation: the MTU tests check the kernel's sizes).
 */
struct dtls_test_relay {
	int fd;
	union dtls_test_addr addr;	/* the relay's: the client's peer */
	union dtls_test_addr server;
	union dtls_test_addr client;	/* learnt from its first datagram */
	bool have_client;
	unsigned int n_c2s, n_s2c;	/* datagrams client->server, back */
	size_t max_c2s, max_s2c;	/* the largest of each */
	volatile bool stop;
	bool running;
	pthread_t thread;
};

static inline bool dtls_test_same_addr(const union dtls_test_addr *a,
				       const union dtls_test_addr *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET6)
		return a->in6.sin6_port == b->in6.sin6_port &&
		       !memcmp(&a->in6.sin6_addr, &b->in6.sin6_addr,
			       sizeof(a->in6.sin6_addr));
	return a->in4.sin_port == b->in4.sin_port &&
	       a->in4.sin_addr.s_addr == b->in4.sin_addr.s_addr;
}

static inline void *dtls_test_relay_run(void *arg)
{
	struct dtls_test_relay *r = arg;
	socklen_t alen = dtls_test_addr_len(r->addr.sa.sa_family);
	uint8_t buf[65536];

	while (!r->stop) {
		struct pollfd p = { .fd = r->fd, .events = POLLIN };
		union dtls_test_addr from;
		socklen_t flen = sizeof(from);
		ssize_t n;

		if (poll(&p, 1, 50) <= 0)
			continue;
		n = recvfrom(r->fd, buf, sizeof(buf), MSG_TRUNC, &from.sa,
			     &flen);
		if (n < 0)
			continue;
		if (dtls_test_same_addr(&from, &r->server)) {
			r->n_s2c++;
			if ((size_t)n > r->max_s2c)
				r->max_s2c = n;
			if (r->have_client)
				sendto(r->fd, buf, n, 0, &r->client.sa, alen);
		} else {
			if (!r->have_client) {
				r->client = from;
				r->have_client = true;
			}
			if (!dtls_test_same_addr(&from, &r->client))
				continue;
			r->n_c2s++;
			if ((size_t)n > r->max_c2s)
				r->max_c2s = n;
			sendto(r->fd, buf, n, 0, &r->server.sa, alen);
		}
	}
	return NULL;
}

/* Start a relay to @server on loopback: 0 or -1. */
static inline int dtls_test_relay_start(struct dtls_test_relay *r,
					const union dtls_test_addr *server)
{
	memset(r, 0, sizeof(*r));
	r->server = *server;
	r->fd = dtls_test_udp_bound(server->sa.sa_family, &r->addr);
	if (r->fd < 0)
		return -1;
	if (pthread_create(&r->thread, NULL, dtls_test_relay_run, r)) {
		close(r->fd);
		r->fd = -1;
		return -1;
	}
	r->running = true;
	return 0;
}

/* Stop it (the counts are final then); again is harmless. */
static inline void dtls_test_relay_stop(struct dtls_test_relay *r)
{
	if (!r->running)
		return;
	r->stop = true;
	pthread_join(r->thread, NULL);
	close(r->fd);
	r->fd = -1;
	r->running = false;
}

/*
 * The kernel's socket in a test against a peer program on loopback:
 * connected to the peer's *port, or (@server) bound to a port of its own,
 * returned in *port (the relay's, if any); through @r when @mtu is set,
 * which then sees every datagram.  The socket, or -1.
 */
static inline int dtls_test_peer_socket(int family, bool server,
					uint16_t *port,
					struct dtls_test_relay *r,
					uint32_t mtu)
{
	union dtls_test_addr a;
	int fd;

	if (server) {
		fd = dtls_test_udp_bound(family, &a);
	} else {
		fd = socket(family, SOCK_DGRAM, 0);
		dtls_test_loopback(family, &a);
		if (family == AF_INET6)
			a.in6.sin6_port = htons(*port);
		else
			a.in4.sin_port = htons(*port);
	}
	if (fd < 0)
		return -1;
	if (mtu) {
		if (dtls_test_relay_start(r, &a))
			goto fail;
		a = r->addr;
	}
	if (!server && connect(fd, &a.sa, dtls_test_addr_len(family)))
		goto fail;
	*port = ntohs(family == AF_INET6 ? a.in6.sin6_port : a.in4.sin_port);
	return fd;
fail:
	close(fd);
	return -1;
}

#endif /* KDTLS_SELFTEST_H */
