// SPDX-License-Identifier: GPL-2.0
/*
 * attach-demo: a UDP "server" socket is attached to dtls.ko and echoes what
 * a plain UDP client sends; with no keys installed the attached socket is
 * ordinary UDP.  Between steps it runs `dtls show` so the attachment can be
 * seen, and after close that it is gone.
 *
 *   attach-demo [path/to/dtls]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/dtls.h>

#include "libdtls.h"

static int bound_socket(int family, struct sockaddr_in6 *a, socklen_t *len)
{
	int fd = socket(family, SOCK_DGRAM, 0);

	memset(a, 0, sizeof(*a));
	a->sin6_family = family;
	if (family == AF_INET6)
		a->sin6_addr = in6addr_loopback;
	else
		((struct sockaddr_in *)a)->sin_addr.s_addr =
			htonl(INADDR_LOOPBACK);
	*len = family == AF_INET6 ? sizeof(*a) : sizeof(struct sockaddr_in);
	if (fd < 0 || bind(fd, (struct sockaddr *)a, *len) ||
	    getsockname(fd, (struct sockaddr *)a, len)) {
		perror("socket");
		exit(1);
	}
	return fd;
}

static void show(const char *dtls)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "%s show", dtls);
	printf("$ dtls show\n");
	fflush(stdout);
	if (system(cmd))
		printf("(dtls show failed)\n");
}

static void echo_once(int server, int client, const struct sockaddr_in6 *sa,
		      socklen_t salen, int family)
{
	char buf[256], msg[64];
	struct sockaddr_in6 from;
	socklen_t flen = sizeof(from);
	ssize_t n;

	snprintf(msg, sizeof(msg), "hello over %s",
		 family == AF_INET6 ? "IPv6" : "IPv4");
	sendto(client, msg, strlen(msg), 0, (const struct sockaddr *)sa, salen);
	n = recvfrom(server, buf, sizeof(buf), 0, (struct sockaddr *)&from,
		     &flen);
	if (n < 0 || sendto(server, buf, n, 0, (struct sockaddr *)&from,
			    flen) != n) {
		perror("echo");
		exit(1);
	}
	n = recv(client, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = 0;
	printf("client sent \"%s\", attached server echoed \"%s\"\n", msg, buf);
}

int main(int argc, char **argv)
{
	const char *dtls = argc > 1 ? argv[1] : "dtls";
	int families[] = { AF_INET, AF_INET6 }, server[2], i;
	struct sockaddr_in6 sa, ca;
	socklen_t salen, calen;
	struct dtls_nl *nl;
	char msg[256] = "";
	int err;

	err = dtls_open(&nl);
	if (err) {
		fprintf(stderr, "attach: %s (%s)\n", strerror(-err), msg);
		return 1;
	}
	for (i = 0; i < 2; i++) {
		struct dtls_info info;
		socklen_t ilen = sizeof(info);
		uint64_t ino;
		int client;

		server[i] = bound_socket(families[i], &sa, &salen);
		client = bound_socket(families[i], &ca, &calen);
		err = dtls_sock_attach(nl, server[i], &ino, msg,
				       sizeof(msg));
		if (err) {
			fprintf(stderr, "attach: %s (%s)\n", strerror(-err),
				msg);
			return 1;
		}
		if (getsockopt(server[i], SOL_DTLS, DTLS_INFO, &info, &ilen)) {
			perror("getsockopt(SOL_DTLS, DTLS_INFO)");
			return 1;
		}
		printf("attached server socket ino %llu, DTLS_INFO state %u (attached)\n",
		       (unsigned long long)ino, info.state);
		echo_once(server[i], client, &sa, salen, families[i]);
		close(client);
	}
	dtls_close(nl);
	show(dtls);
	for (i = 0; i < 2; i++)
		close(server[i]);
	printf("closed both server sockets: detached\n");
	show(dtls);
	return 0;
}
