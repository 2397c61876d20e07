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
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/dtls.h>
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

/* Is @ino in this netns's dump?  1 yes, 0 no, -errno on dump failure. */
static inline int dtls_test_listed(uint64_t ino)
{
	struct dtls_sock_info *v;
	size_t n, i;
	int ret, found = 0;

	ret = dtls_sock_list(&v, &n);
	if (ret)
		return ret;
	for (i = 0; i < n; i++)
		if (v[i].ino == ino)
			found = 1;
	free(v);
	return found;
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
	long n = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/objects", cache);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &n) != 1)
		n = -1;
	fclose(f);
	return n;
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

/* The per-socket record layer counters of @ino (netlink); 0 or -errno. */
static inline int dtls_test_sock_stats(uint64_t ino,
				       struct dtls_sock_stats *st)
{
	struct dtls_sock_info si;
	int ret = dtls_sock_get(ino, &si, NULL, 0);

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

	err = dtls_attach(fd);
	if (!err)
		err = dtls_hs_config(fd, 0, cfg, msg, sizeof(msg));
	if (!err)
		err = dtls_psk_add(fd, 0, id, strlen(id), key, key_len, 0,
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
		err = dtls_hs_get(fd, 0, out, NULL, 0);
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

	if (!dtls_hs_get(fd, 0, &i, NULL, 0))
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

#endif /* KDTLS_SELFTEST_H */
