/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The session side of the kernel-handshake examples (dtls-psk, dtls-cert):
 * options they share, the echo server over kernel handshake sockets, the
 * client loop, records with their content type.  Each program supplies
 * only what differs: its own options, how a socket's handshake gets its
 * credentials, and how an established one is reported.  dtls-listen
 * (one listening socket, many clients) uses the options and the helpers
 * below with loops of its own.
 */
#ifndef EXAMPLE_H
#define EXAMPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <getopt.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <linux/dtls_netlink.h>

#include "libdtls.h"

#define EX_MAX_SUITES	8
#define EX_MAX_GROUPS	4

struct example {
	const char	*prog;
	const char	*usage;		/* after "Usage: " */
	const char	*extra_arg;	/* usage error for a stray argument */
	const struct option *opts;	/* the program's own, NULL-terminated */
	/* Its own option @c (from ->opts); exits on a usage error. */
	void		(*opt)(int c, const char *arg);
	/*
	 * Optional, right after @fd is attached (inode @ino): < 0 failed
	 * (reported), 0 go on, > 0 its handshake was started from outside.
	 */
	int		(*attached)(int fd, uint64_t ino);
	/*
	 * Give the kernel @fd's credentials, between handshake config and
	 * start: 0, or the -errno of step @what (with the kernel's @msg).
	 */
	int		(*creds)(int fd, const char **what, char *msg, size_t len);
	/* Say that the handshake with @peer is established. */
	void		(*hs_done)(const char *peer, const struct dtls_hs_info *h);
};

/* What both programs' options set. */
struct ex_opts {
	bool		server;
	const char	*addr;
	uint16_t	suites[EX_MAX_SUITES];
	uint16_t	groups[EX_MAX_GROUPS];
	struct dtls_hs_config cfg;
	int		timeout_ms;
	long		clients;
	bool		echo;
	bool		drop_final;
};

extern struct ex_opts ex;
/* The libdtls handle: one netlink socket for every request of the run. */
extern struct dtls_nl *ex_nl;

void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void __attribute__((noreturn)) ex_usage(const char *why);
long long ex_now_ms(void);
ssize_t ex_read_file(const char *path, uint8_t *buf, size_t max);

/* "host:port", "[v6]:port" (empty host: the wildcard): 0, or -1 (said). */
int ex_resolve(const char *s, struct sockaddr_storage *ss, socklen_t *len);
/* "1.2.3.4:5" or "[::1]:5" into @buf (80 bytes are enough). */
void ex_addr_str(const struct sockaddr_storage *ss, char *buf, size_t len);
/* One record, MSG_DONTWAIT, its content type in @type: length, -1 (errno). */
ssize_t ex_recv_record(int fd, void *buf, size_t len, uint8_t *type);
/* A warning-level close_notify alert, sealed by the kernel. */
void ex_send_close_notify(int fd);

/* argv[1], the shared options and @e's; exits on a usage error. */
void ex_parse_args(const struct example *e, int argc, char **argv);
/* Resolve the address and serve or connect: the exit status. */
int ex_run(void);

#endif
