/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the selftests that drive real peers (openssl s_server and
 * s_client) as subprocesses: start, wait, read their output, find ports.
 */
#ifndef KDTLS_SELFTEST_PEER_H
#define KDTLS_SELFTEST_PEER_H

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>

#include "dtls_test.h"

/* Is @prog an executable in $PATH? */
static inline bool have_prog(const char *prog)
{
	const char *path = getenv("PATH") ?: "/usr/bin:/bin";
	char *dup = strdup(path), *save = NULL, *dir;
	bool found = false;

	for (dir = strtok_r(dup, ":", &save); dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		char p[4096];

		snprintf(p, sizeof(p), "%s/%s", dir, prog);
		found = !access(p, X_OK);
	}
	free(dup);
	return found;
}

static inline int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A subprocess: stdin is a pipe we write, stdout and stderr are files. */
struct peer {
	pid_t	pid;
	int	in;
	char	out[64];
	char	err[64];
};

/* No process, no pipe, no files: what peer_cleanup() leaves alone. */
static inline void peer_init(struct peer *p)
{
	memset(p, 0, sizeof(*p));
	p->in = -1;
}

static inline int peer_start(struct peer *p, char *const argv[])
{
	int pipefd[2], ofd, efd;

	snprintf(p->out, sizeof(p->out), "/tmp/kdtls-ossl-out.XXXXXX");
	snprintf(p->err, sizeof(p->err), "/tmp/kdtls-ossl-err.XXXXXX");
	ofd = mkstemp(p->out);
	efd = mkstemp(p->err);
	if (ofd < 0 || efd < 0 || pipe2(pipefd, O_CLOEXEC))
		return -1;
	p->pid = fork();
	if (p->pid < 0)
		return -1;
	if (!p->pid) {
		/* Dies with the test, whatever kills it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(pipefd[0], 0);
		dup2(ofd, 1);
		dup2(efd, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pipefd[0]);
	close(ofd);
	close(efd);
	p->in = pipefd[1];
	return 0;
}

/* Wait up to @ms for the peer to exit: its wait status, or -1 (killed). */
static inline int peer_wait(struct peer *p, int ms)
{
	int64_t end = now_ms() + ms;
	int status;

	if (p->pid <= 0)
		return -1;
	for (;;) {
		pid_t r = waitpid(p->pid, &status, WNOHANG);

		if (r == p->pid) {
			p->pid = 0;
			return status;
		}
		if (r < 0 || now_ms() >= end)
			break;
		usleep(10000);
	}
	kill(p->pid, SIGKILL);
	waitpid(p->pid, &status, 0);
	p->pid = 0;
	return -1;
}

static inline void peer_cleanup(struct peer *p)
{
	if (p->in > 0)
		close(p->in);
	p->in = -1;
	if (p->pid > 0)
		peer_wait(p, 0);
	if (p->out[0])
		unlink(p->out);
	if (p->err[0])
		unlink(p->err);
	p->out[0] = p->err[0] = 0;
}

/* The whole of @path (NUL-terminated, malloc()ed), its length in @len. */
static inline char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (cap - n < 4096) {
			cap = cap ? 2 * cap : 65536;
			buf = realloc(buf, cap + 1);
		}
		size_t r = fread(buf + n, 1, cap - n, f);

		if (!r)
			break;
		n += r;
	}
	fclose(f);
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

static inline long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : st.st_size;
}

/* Wait until @path holds at least @want bytes. */
static inline bool wait_size(const char *path, long want, int ms)
{
	int64_t end = now_ms() + ms;

	while (file_size(path) < want) {
		if (now_ms() >= end)
			return false;
		usleep(5000);
	}
	return true;
}

/*
 * Is a UDP socket of @family bound to @port (any address; @family 0: v4
 * or v6)?
 */
static inline bool udp_port_bound_af(uint16_t port, int family)
{
	static const char *const files[] = { "/proc/net/udp", "/proc/net/udp6" };

	for (int i = 0; i < 2; i++) {
		FILE *f;
		char line[512];

		if (family && family != (i ? AF_INET6 : AF_INET))
			continue;
		f = fopen(files[i], "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			char *c = strchr(line, ':');
			unsigned int p;

			/* "  sl  local_address ...": "N: ADDR:PORT ..." */
			if (!c || !(c = strchr(c + 1, ':')))
				continue;
			if (sscanf(c + 1, "%x", &p) == 1 && p == port) {
				fclose(f);
				return true;
			}
		}
		fclose(f);
	}
	return false;
}

/*
 * Up to @ms for a socket of @family on @port: a server that binds each
 * family in turn (gnutls-serv: IPv4 first) is not ready for the other
 * when the first is bound.
 */
static inline bool wait_port_af(uint16_t port, int family, int ms)
{
	int64_t end = now_ms() + ms;

	while (!udp_port_bound_af(port, family)) {
		if (now_ms() >= end)
			return false;
		usleep(10000);
	}
	return true;
}

static inline bool wait_port(uint16_t port, int ms)
{
	return wait_port_af(port, 0, ms);
}

/* A free UDP port on loopback (bound and released). */
static inline uint16_t free_port(void)
{
	union dtls_test_addr a;
	int fd = dtls_test_udp_bound(AF_INET, &a);
	uint16_t port;

	if (fd < 0)
		return 0;
	port = ntohs(a.in4.sin_port);
	close(fd);
	return port;
}

#endif /* KDTLS_SELFTEST_PEER_H */
