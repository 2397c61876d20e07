// SPDX-License-Identifier: GPL-2.0
/*
 * What dtls.ko refuses to attach, with which errno and extack message, and
 * who may list attached sockets.
 */
#include <fcntl.h>
#include <linux/bpf.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "dtls_test.h"
#include "kselftest_harness.h"

#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#ifndef UDP_ENCAP
#define UDP_ENCAP 100
#endif
#define ESPINUDP 2	/* UDP_ENCAP_ESPINUDP */

/* Attach @fd and expect @err with @text in the extack message. */
#define EXPECT_REFUSED(fd, err, text) do {				\
	char _msg[256] = "";						\
	EXPECT_EQ(-(err), dtls_sock_attach(dtls_test_nl(), fd, NULL, _msg, sizeof(_msg)));\
	EXPECT_TRUE(strstr(_msg, text) != NULL)				\
		TH_LOG("extack: '%s', wanted '%s'", _msg, text);	\
} while (0)

TEST(bad_fd)
{
	int fd = open("/dev/null", O_RDONLY);

	ASSERT_LE(0, fd);
	EXPECT_REFUSED(fd, ENOTSOCK, "not an open socket");
	/*
	 * Closed: a high number, since the library's own netlink socket
	 * would take the lowest free one.
	 */
	ASSERT_EQ(900, dup2(fd, 900));
	close(900);
	close(fd);
	EXPECT_REFUSED(900, EBADF, "not an open socket");
	EXPECT_REFUSED(-1, EBADF, "not an open socket");
	EXPECT_REFUSED(1 << 20, EBADF, "not an open socket");
}

TEST(not_udp)
{
	static const struct { int family, type, proto; } socks[] = {
		{ AF_INET, SOCK_STREAM, 0 },
		{ AF_INET6, SOCK_STREAM, 0 },
		{ AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE },
		{ AF_INET6, SOCK_DGRAM, IPPROTO_UDPLITE },
		{ AF_INET, SOCK_DGRAM, IPPROTO_ICMP },
		{ AF_INET, SOCK_RAW, IPPROTO_UDP },
		{ AF_UNIX, SOCK_DGRAM, 0 },
		{ AF_PACKET, SOCK_DGRAM, 0 },
	};
	unsigned int i;
	FILE *f = fopen("/proc/sys/net/ipv4/ping_group_range", "w");

	/* Let root open ICMP datagram ("ping") sockets. */
	if (f) {
		fputs("0 0\n", f);
		fclose(f);
	}
	for (i = 0; i < sizeof(socks) / sizeof(socks[0]); i++) {
		int fd = socket(socks[i].family, socks[i].type, socks[i].proto);

		if (fd < 0) {
			TH_LOG("socket %u unavailable: %s", i, strerror(errno));
			continue;
		}
		EXPECT_REFUSED(fd, EPROTONOSUPPORT, "not a UDP socket");
		close(fd);
	}
}

TEST(encap_in_use)
{
	int families[] = { AF_INET, AF_INET6 };
	int encap = ESPINUDP;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		union dtls_test_addr a;
		int fd = dtls_test_udp_bound(families[i], &a);

		ASSERT_LE(0, fd);
		ASSERT_EQ(0, setsockopt(fd, SOL_UDP, UDP_ENCAP, &encap,
					sizeof(encap)));
		EXPECT_REFUSED(fd, EBUSY, "encapsulation already in use");
		close(fd);
	}
}

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int sockmap_create(void)
{
	union bpf_attr attr = {
		.map_type = BPF_MAP_TYPE_SOCKMAP,
		.key_size = 4,
		.value_size = 4,
		.max_entries = 4,
	};

	return sys_bpf(BPF_MAP_CREATE, &attr);
}

static int sockmap_add(int map, int key, int fd)
{
	union bpf_attr attr = {
		.map_fd = map,
		.key = (uintptr_t)&key,
		.value = (uintptr_t)&fd,
		.flags = BPF_ANY,
	};

	return sys_bpf(BPF_MAP_UPDATE_ELEM, &attr);
}

TEST(sockmap)
{
	int families[] = { AF_INET, AF_INET6 };
	union dtls_test_addr a;
	unsigned int i;
	int map, fd;

	map = sockmap_create();
	if (map < 0)
		SKIP(return, "no sockmap: %s", strerror(errno));

	for (i = 0; i < 2; i++) {
		/* In a sockmap: refused. */
		fd = dtls_test_udp_bound(families[i], &a);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, sockmap_add(map, 2 * i, fd))
			TH_LOG("sockmap update: %s", strerror(errno));
		EXPECT_REFUSED(fd, EBUSY, "sockmap");
		close(fd);

		/* Attached: the sockmap cannot take it. */
		fd = dtls_test_udp_bound(families[i], &a);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), fd, NULL, NULL, 0));
		EXPECT_EQ(-1, sockmap_add(map, 2 * i + 1, fd));
		close(fd);
	}
	close(map);
}

/*
 * Two threads attach one fd at the same moment: exactly one wins.  Each
 * thread has its own netlink handle, opened once for all the rounds: a
 * handle is not for two threads at once, and opening one per thread and
 * round (the thread-local dtls_test_nl()) cost 400 family lookups, which
 * made the test outlast its time on the debug kernel.
 */
struct race {
	pthread_barrier_t go;
	int fd;
	struct dtls_nl *nl[2];
};

struct race_arg {
	struct race *r;
	int i;
};

static void *race_attach(void *arg)
{
	struct race_arg *a = arg;

	pthread_barrier_wait(&a->r->go);
	return (void *)(intptr_t)dtls_sock_attach(a->r->nl[a->i], a->r->fd,
						  NULL, NULL, 0);
}

TEST(concurrent_attach)
{
	int round, wins = 0, eexist = 0;
	struct race r;
	int i;

	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, dtls_open(&r.nl[i]));
	for (round = 0; round < 200; round++) {
		struct race_arg arg[2];
		pthread_t t[2];
		void *ret[2];
		int ok = 0;

		r.fd = socket(round & 1 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
		ASSERT_LE(0, r.fd);
		ASSERT_EQ(0, pthread_barrier_init(&r.go, NULL, 2));
		for (i = 0; i < 2; i++) {
			arg[i].r = &r;
			arg[i].i = i;
			ASSERT_EQ(0, pthread_create(&t[i], NULL, race_attach,
						    &arg[i]));
		}
		for (i = 0; i < 2; i++) {
			pthread_join(t[i], &ret[i]);
			if ((intptr_t)ret[i] == 0)
				ok++;
			else if ((intptr_t)ret[i] == -EEXIST)
				eexist++;
		}
		EXPECT_EQ(1, ok) TH_LOG("round %d: %d winners", round, ok);
		wins += ok;
		pthread_barrier_destroy(&r.go);
		close(r.fd);
	}
	for (i = 0; i < 2; i++)
		dtls_close(r.nl[i]);
	EXPECT_EQ(200, wins);
	EXPECT_EQ(200, eexist);
}

/*
 * Attaching one's own socket needs no privilege; listing other users'
 * sockets needs CAP_NET_ADMIN in the namespace that is listed.
 */
TEST(unprivileged)
{
	pid_t pid = fork();
	int status;

	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct dtls_sock_info *v;
		size_t n;
		int fd;

		if (setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(10);
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		if (fd < 0 || dtls_sock_attach(dtls_test_nl(), fd, NULL, NULL, 0))
			_exit(11);
		if (dtls_sock_dump(dtls_test_nl(), &v, &n, NULL, 0) != -EPERM)
			_exit(12);
		/* In a netns of its own it is the admin and sees its socket. */
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET))
			_exit(13);
		close(fd);
		fd = socket(AF_INET6, SOCK_DGRAM, 0);
		if (fd < 0 || dtls_sock_attach(dtls_test_nl(), fd, NULL, NULL, 0))
			_exit(14);
		if (dtls_sock_dump(dtls_test_nl(), &v, &n, NULL, 0) || n != 1 ||
		    v[0].ino != dtls_test_ino(fd) || v[0].uid != 65534)
			_exit(15);
		free(v);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* Each netns lists only its own attached sockets. */
TEST(netns_isolation)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	uint64_t ino = dtls_test_ino(fd);
	pid_t pid;
	int status;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), fd, NULL, NULL, 0));
	ASSERT_EQ(1, dtls_test_listed(ino));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct dtls_sock_info *v;
		size_t n;

		if (unshare(CLONE_NEWNET))
			_exit(10);
		if (dtls_sock_dump(dtls_test_nl(), &v, &n, NULL, 0) || n != 0)
			_exit(11);
		/* The fd still works from here, and attaches in its netns. */
		{
			int other = socket(AF_INET, SOCK_DGRAM, 0);

			if (dtls_sock_attach(dtls_test_nl(), other, NULL, NULL, 0) || dtls_sock_dump(dtls_test_nl(), &v, &n, NULL, 0) ||
			    n != 1 || v[0].ino != dtls_test_ino(other))
				_exit(12);
			free(v);
		}
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(1, dtls_test_listed(ino));
	close(fd);
}

/* Not attached: SOL_DTLS is unknown to plain UDP (IP says EOPNOTSUPP). */
TEST(not_attached_sockopt)
{
	struct dtls_info info;
	socklen_t len = sizeof(info);
	int families[] = { AF_INET, AF_INET6 }, i;

	for (i = 0; i < 2; i++) {
		int fd = socket(families[i], SOCK_DGRAM, 0);

		ASSERT_LE(0, fd);
		EXPECT_EQ(-1, getsockopt(fd, SOL_DTLS, DTLS_INFO, &info,
					 &len));
		EXPECT_TRUE(errno == EOPNOTSUPP || errno == ENOPROTOOPT)
			TH_LOG("errno %d", errno);
		close(fd);
	}
}

/* The error of the netlink answer in @buf: 0 or -errno, extack into @msg. */
static int dtls_test_nlerr(const void *buf, size_t len, char *msg,
			   size_t msglen)
{
	const struct nlmsghdr *nlh = buf;
	const struct nlmsgerr *e;
	const struct nlattr *a;

	msg[0] = 0;
	if (!mnl_nlmsg_ok(nlh, (int)len) || nlh->nlmsg_type != NLMSG_ERROR)
		return -EIO;
	e = mnl_nlmsg_get_payload(nlh);
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return e->error;
	/* The request is echoed before the TLVs unless the kernel capped it. */
	mnl_attr_for_each(a, nlh, nlh->nlmsg_flags & NLM_F_CAPPED ? sizeof(*e) :
			  sizeof(*e) + e->msg.nlmsg_len - sizeof(e->msg)) {
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG)
			snprintf(msg, msglen, "%s", mnl_attr_get_str(a));
	}
	return e->error;
}

/* The dtls family's id, resolved through the controller. */
static int dtls_family_id(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	const struct nlattr *a;
	int id = -ENOENT;
	ssize_t n;

	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl)
		return -errno;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, DTLS_FAMILY_NAME);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) >= 0) {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		nlh = (struct nlmsghdr *)buf;
		if (n > 0 && mnl_nlmsg_ok(nlh, (int)n) &&
		    nlh->nlmsg_type == GENL_ID_CTRL) {
			mnl_attr_for_each(a, nlh, sizeof(*g))
				if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
					id = mnl_attr_get_u16(a);
		}
	}
	mnl_socket_close(nl);
	return id;
}

/* A raw request to the dtls family; returns the netlink error (<= 0). */
static int dtls_raw_request(uint8_t cmd, uint16_t attr, const void *data,
			    size_t len, char *msg, size_t msglen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	int family, ret, one = 1;

	family = dtls_family_id();
	if (family < 0)
		return family;
	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl)
		return -errno;
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		mnl_socket_close(nl);
		return -errno;
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = 1;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = DTLS_FAMILY_VERSION;
	if (attr)
		mnl_attr_put(nlh, attr, len, data);
	ret = -EIO;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) >= 0) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));

		ret = n < 0 ? -errno : dtls_test_nlerr(buf, n, msg, msglen);
	}
	mnl_socket_close(nl);
	return ret;
}

TEST(malformed_requests)
{
	struct dtls_sock_info si;
	char msg[256];
	uint16_t short_fd = 0;
	uint64_t big = 1;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	ASSERT_LE(0, fd);
	/* No fd attribute. */
	EXPECT_EQ(-EINVAL, dtls_raw_request(DTLS_CMD_SOCK_ATTACH, 0, NULL, 0,
					    msg, sizeof(msg)));
	/* An fd attribute of the wrong size. */
	EXPECT_EQ(-EINVAL, dtls_raw_request(DTLS_CMD_SOCK_ATTACH, DTLS_A_SOCK_FD,
				   &short_fd, sizeof(short_fd), msg,
				   sizeof(msg)));
	/* An attribute the command does not take (strict validation). */
	EXPECT_EQ(-EINVAL, dtls_raw_request(DTLS_CMD_SOCK_ATTACH,
					    DTLS_A_SOCK_INO, &big, sizeof(big),
					    msg, sizeof(msg)));
	/* Unknown commands. */
	EXPECT_EQ(-EOPNOTSUPP, dtls_raw_request(0, 0, NULL, 0, msg,
						sizeof(msg)));
	EXPECT_EQ(-EOPNOTSUPP, dtls_raw_request(DTLS_CMD_MAX + 1, 0, NULL, 0,
						msg, sizeof(msg)));
	/* Get without an inode, and with one no socket has. */
	EXPECT_EQ(-EINVAL, dtls_raw_request(DTLS_CMD_SOCK_GET, 0, NULL, 0,
					    msg, sizeof(msg)));
	EXPECT_EQ(-ENOENT, dtls_sock_get(dtls_test_nl(), ~0ULL, &si, msg, sizeof(msg)));
	EXPECT_TRUE(strstr(msg, "no attached socket") != NULL);
	/* Nothing above attached the socket. */
	EXPECT_EQ(0, dtls_sock_attach(dtls_test_nl(), fd, NULL, NULL, 0));
	close(fd);
}

TEST_HARNESS_MAIN
