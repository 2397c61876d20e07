// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libdtls: user-space interface to the kdtls "dtls" generic netlink family.
 *
 * A handle (struct dtls_nl) keeps one netlink socket and the family id,
 * resolved once; each request function sends one request on it and reads
 * the replies up to the ack or the end of the dump.  Replies are accepted only from the kernel
 * (source port id 0) and only for our sequence number; every attribute is
 * length-checked before use, unknown attributes are skipped.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <fcntl.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <linux/dtls.h>
#include <linux/dtls_netlink.h>

#include "libdtls.h"

/* The kernel sizes dump messages to the reader's buffer, capped at 32 KiB. */
#define DTLS_NL_RCVBUF	32768

struct dtls_nl {
	struct mnl_socket	*sock;
	uint32_t		portid;
	uint32_t		seq;
	uint16_t		family;		/* genetlink id of "dtls" */
	void			*buf;		/* receive buffer */
	char			*msg;		/* extack text for the caller */
	size_t			msglen;
};

/* Requests: a header and a few attributes (at most a PSK, or 8 suites,
 * 4 groups and a 128-byte hint). */
union dtls_nl_req {
	struct nlmsghdr	nlh;
	char		buf[1024];
};

/* Handles one reply message that is not a control message: 0 or -errno. */
typedef int (*dtls_nl_cb)(const struct nlmsghdr *nlh, void *arg);

static void dtls_nl_set_msg(struct dtls_nl *c, const char *s)
{
	if (c->msg && c->msglen)
		snprintf(c->msg, c->msglen, "%s", s);
}

static int dtls_extack_attr_cb(const struct nlattr *attr, void *data)
{
	const char **msg = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		*msg = mnl_attr_get_str(attr);
	return MNL_CB_OK;
}

/* Extended ack attributes start @offset bytes into the payload of @nlh. */
static void dtls_nl_extack(struct dtls_nl *c, const struct nlmsghdr *nlh,
			   size_t offset)
{
	const char *msg = NULL;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    offset > mnl_nlmsg_get_payload_len(nlh))
		return;
	mnl_attr_parse(nlh, offset, dtls_extack_attr_cb, &msg);
	if (msg)
		dtls_nl_set_msg(c, msg);
}

static int dtls_nl_errno(int err)
{
	return err <= 0 && err >= -4095 ? err : -EPROTO;
}

/* NLMSG_ERROR: 0 for an ack, else -errno. */
static int dtls_nl_error(struct dtls_nl *c, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t offset = sizeof(*e);
	int err;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
		return -EPROTO;
	err = dtls_nl_errno(e->error);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		/* The whole request is echoed before the attributes. */
		if (e->msg.nlmsg_len < sizeof(struct nlmsghdr))
			return err;
		offset += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	}
	dtls_nl_extack(c, nlh, offset);
	return err;
}

/* NLMSG_DONE: carries the dump's error, if any, and its extack. */
static int dtls_nl_done(struct dtls_nl *c, const struct nlmsghdr *nlh)
{
	int err;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(err))
		return 0;
	memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	err = dtls_nl_errno(err);
	if (err)
		dtls_nl_extack(c, nlh, sizeof(err));
	return err;
}

/* One datagram from the kernel into c->buf: its length or -errno. */
static ssize_t dtls_nl_recv(struct dtls_nl *c)
{
	for (;;) {
		struct sockaddr_nl addr;
		struct iovec iov = {
			.iov_base	= c->buf,
			.iov_len	= DTLS_NL_RCVBUF,
		};
		struct msghdr mh = {
			.msg_name	= &addr,
			.msg_namelen	= sizeof(addr),
			.msg_iov	= &iov,
			.msg_iovlen	= 1,
		};
		ssize_t ret;

		ret = recvmsg(mnl_socket_get_fd(c->sock), &mh, 0);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (mh.msg_flags & MSG_TRUNC)
			return -EMSGSIZE;
		/* Other processes may send to our port id: drop that. */
		if (mh.msg_namelen != sizeof(addr) || addr.nl_pid != 0)
			continue;
		return ret;
	}
}

/*
 * Send @req, hand each reply message to @cb, and return at the ack, the end
 * of the dump or the first error: 0 or -errno.
 */
static int dtls_nl_talk(struct dtls_nl *c, const struct nlmsghdr *req,
			dtls_nl_cb cb, void *arg)
{
	ssize_t len;
	int err;

	dtls_nl_set_msg(c, "");
	while (mnl_socket_sendto(c->sock, req, req->nlmsg_len) < 0) {
		if (errno != EINTR)
			return -errno;
	}

	for (;;) {
		const struct nlmsghdr *nlh = c->buf;
		int rest;

		len = dtls_nl_recv(c);
		if (len < 0)
			return len;
		rest = len;

		for (; mnl_nlmsg_ok(nlh, rest); nlh = mnl_nlmsg_next(nlh, &rest)) {
			if (nlh->nlmsg_seq != req->nlmsg_seq ||
			    nlh->nlmsg_pid != c->portid)
				continue;

			switch (nlh->nlmsg_type) {
			case NLMSG_ERROR:
				return dtls_nl_error(c, nlh);
			case NLMSG_DONE:
				return dtls_nl_done(c, nlh);
			case NLMSG_OVERRUN:
				return -ENOBUFS;
			}
			if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
				continue;	/* NLMSG_NOOP and reserved */

			err = cb ? cb(nlh, arg) : -EPROTO;
			if (err)
				return err;
		}
	}
}

/*
 * The header of a request at @buf, alone or one of a batch: the caller
 * zeroed @buf (libmnl leaves attribute padding as it finds it).
 */
static struct nlmsghdr *dtls_nl_put(struct dtls_nl *c, void *buf,
				    uint16_t type, uint8_t cmd,
				    uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++c->seq;

	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

/* A request of the "dtls" family. */
static struct nlmsghdr *dtls_put(struct dtls_nl *c, void *buf, uint8_t cmd,
				 uint16_t flags)
{
	return dtls_nl_put(c, buf, c->family, cmd, DTLS_FAMILY_VERSION, flags);
}

/* The generic netlink header of @nlh, if it is of @type and @cmd. */
static const struct genlmsghdr *dtls_genl_hdr(const struct nlmsghdr *nlh,
					      uint16_t type, uint8_t cmd)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != type ||
	    mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN || genl->cmd != cmd)
		return NULL;
	return genl;
}

static int dtls_ctrl_attr_cb(const struct nlattr *attr, void *data)
{
	uint16_t *id = data;

	if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
	    mnl_attr_validate(attr, MNL_TYPE_U16) == 0)
		*id = mnl_attr_get_u16(attr);
	return MNL_CB_OK;
}

static int dtls_ctrl_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct dtls_nl *c = arg;

	if (!dtls_genl_hdr(nlh, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY))
		return -EPROTO;
	mnl_attr_parse(nlh, GENL_HDRLEN, dtls_ctrl_attr_cb, &c->family);
	return 0;
}

/*
 * CTRL_CMD_GETFAMILY of "dtls", the reply to @cb: -ENOENT, with an empty
 * message, if the family is not registered.
 */
static int dtls_nl_getfamily(struct dtls_nl *c, dtls_nl_cb cb, void *arg)
{
	union dtls_nl_req req;
	struct nlmsghdr *nlh;
	int err;

	memset(&req, 0, sizeof(req));
	nlh = dtls_nl_put(c, req.buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1,
			  NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, DTLS_FAMILY_NAME);

	err = dtls_nl_talk(c, nlh, cb, arg);
	if (err == -ENOENT)
		dtls_nl_set_msg(c, "");	/* as documented */
	return err;
}

static int dtls_nl_resolve(struct dtls_nl *c)
{
	int err = dtls_nl_getfamily(c, dtls_ctrl_cb, c);

	if (err)
		return err;
	return c->family >= GENL_MIN_ID ? 0 : -EPROTO;
}

/* ------------------------------------------------------------- handles */

void dtls_close(struct dtls_nl *h)
{
	if (!h)
		return;
	if (h->sock)
		mnl_socket_close(h->sock);
	free(h->buf);
	free(h);
}

int dtls_open(struct dtls_nl **h)
{
	struct dtls_nl *c;
	int one = 1;
	int err;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;

	/* Slack: message tails are read rounded up to NLMSG_ALIGNTO. */
	c->buf = calloc(1, DTLS_NL_RCVBUF + NLMSG_ALIGNTO);
	if (!c->buf) {
		err = -ENOMEM;
		goto fail;
	}

	c->sock = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!c->sock) {
		err = -errno;
		goto fail;
	}
	/* Best effort: without these, errors only lose their text. */
	mnl_socket_setsockopt(c->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(c->sock, NETLINK_CAP_ACK, &one, sizeof(one));

	if (mnl_socket_bind(c->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto fail;
	}
	c->portid = mnl_socket_get_portid(c->sock);

	err = dtls_nl_resolve(c);
	if (err)
		goto fail;
	*h = c;
	return 0;

fail:
	dtls_close(c);
	return err;
}

/* Where the kernel's message of this call goes: the caller's @msg. */
static void dtls_nl_begin(struct dtls_nl *c, char *msg, size_t msglen)
{
	c->msg = msg;
	c->msglen = msglen;
	dtls_nl_set_msg(c, "");
}

static int dtls_nl_end(struct dtls_nl *c, int err)
{
	c->msg = NULL;
	c->msglen = 0;
	return err;
}

/* Parsing of DTLS_CMD_SOCK_GET replies */

struct dtls_sock_parse {
	struct dtls_sock_info	*info;
	bool			seen[DTLS_A_SOCK_MAX + 1];
	size_t			local_len;
	size_t			peer_len;
};

static const enum mnl_attr_data_type dtls_sock_attr_type[DTLS_A_SOCK_MAX + 1] = {
	[DTLS_A_SOCK_FD]		= MNL_TYPE_U32,
	[DTLS_A_SOCK_INO]		= MNL_TYPE_U64,
	[DTLS_A_SOCK_NETNS_INO]		= MNL_TYPE_U32,
	[DTLS_A_SOCK_FAMILY]		= MNL_TYPE_U16,
	[DTLS_A_SOCK_LOCAL_ADDR]	= MNL_TYPE_BINARY,
	[DTLS_A_SOCK_LOCAL_PORT]	= MNL_TYPE_U16,
	[DTLS_A_SOCK_PEER_ADDR]		= MNL_TYPE_BINARY,
	[DTLS_A_SOCK_PEER_PORT]		= MNL_TYPE_U16,
	[DTLS_A_SOCK_STATE]		= MNL_TYPE_U32,
	[DTLS_A_SOCK_UID]		= MNL_TYPE_U32,
	[DTLS_A_SOCK_TX_CIPHER]		= MNL_TYPE_U16,
	[DTLS_A_SOCK_TX_EPOCH]		= MNL_TYPE_U16,
	[DTLS_A_SOCK_RX_CIPHER]		= MNL_TYPE_U16,
	[DTLS_A_SOCK_RX_EPOCH]		= MNL_TYPE_U16,
	[DTLS_A_SOCK_STATS]		= MNL_TYPE_NESTED,
	[DTLS_A_SOCK_FINAL_HELD]	= MNL_TYPE_U8,
	[DTLS_A_SOCK_FINAL_BYTES]	= MNL_TYPE_U32,
	[DTLS_A_SOCK_FINAL_RESENDS]	= MNL_TYPE_U32,
	[DTLS_A_SOCK_FINAL_AGE_MS]	= MNL_TYPE_U32,
	[DTLS_A_SOCK_LISTEN]		= MNL_TYPE_NESTED,
};

/* DTLS_A_STATS_* attribute -> its counter in struct dtls_sock_stats */
static const size_t dtls_stats_off[DTLS_A_STATS_MAX + 1] = {
	[DTLS_A_STATS_TX_RECORDS]	= offsetof(struct dtls_sock_stats, tx_records),
	[DTLS_A_STATS_TX_BYTES]		= offsetof(struct dtls_sock_stats, tx_bytes),
	[DTLS_A_STATS_RX_RECORDS]	= offsetof(struct dtls_sock_stats, rx_records),
	[DTLS_A_STATS_RX_BYTES]		= offsetof(struct dtls_sock_stats, rx_bytes),
	[DTLS_A_STATS_RX_AUTH_FAIL]	= offsetof(struct dtls_sock_stats, rx_auth_fail),
	[DTLS_A_STATS_RX_REPLAY]	= offsetof(struct dtls_sock_stats, rx_replay),
	[DTLS_A_STATS_RX_BAD_EPOCH]	= offsetof(struct dtls_sock_stats, rx_bad_epoch),
	[DTLS_A_STATS_RX_MALFORMED]	= offsetof(struct dtls_sock_stats, rx_malformed),
	[DTLS_A_STATS_RX_NOT_DTLS]	= offsetof(struct dtls_sock_stats, rx_not_dtls),
	[DTLS_A_STATS_RX_DROPPED]	= offsetof(struct dtls_sock_stats, rx_dropped),
	[DTLS_A_STATS_FINAL_RESENT]	= offsetof(struct dtls_sock_stats, final_resent),
	[DTLS_A_STATS_FINAL_DROP_DATA]	= offsetof(struct dtls_sock_stats, final_drop_data),
	[DTLS_A_STATS_FINAL_DROP_USER]	= offsetof(struct dtls_sock_stats, final_drop_user),
	[DTLS_A_STATS_FINAL_DROP_TIMER]	= offsetof(struct dtls_sock_stats, final_drop_timer),
	[DTLS_A_STATS_FINAL_LATE]	= offsetof(struct dtls_sock_stats, final_late),
};
_Static_assert(DTLS_A_STATS_MAX == DTLS_A_STATS_FINAL_LATE,
	       "every counter of the spec has a place in dtls_sock_stats");

/*
 * The DTLS_A_SOCK_STATS nest: every counter a u64 of exactly 8 bytes, the
 * nest exactly filled by whole attributes.  Type 0 (64-bit alignment
 * padding) and types from newer kernels are skipped.
 */
static int dtls_get_stats(const struct nlattr *nest, struct dtls_sock_stats *st)
{
	const struct nlattr *attr;

	memset(st, 0, sizeof(*st));
	mnl_attr_for_each_nested(attr, nest) {
		uint16_t type = mnl_attr_get_type(attr);
		uint64_t v;

		if (type == 0 || type > DTLS_A_STATS_MAX)
			continue;
		if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0)
			return -EPROTO;
		v = mnl_attr_get_u64(attr);
		memcpy((char *)st + dtls_stats_off[type], &v, sizeof(v));
	}
	/* The loop stops early at a truncated or overlong attribute. */
	if ((const char *)attr !=
	    (const char *)mnl_attr_get_payload(nest) + mnl_attr_get_payload_len(nest))
		return -EPROTO;
	return 0;
}

/* DTLS_A_LISTEN_* attribute -> its member of struct dtls_listen_info */
static const size_t dtls_listen_off[DTLS_A_LISTEN_MAX + 1] = {
	[DTLS_A_LISTEN_SESSIONS]	= offsetof(struct dtls_listen_info, sessions),
	[DTLS_A_LISTEN_PENDING]		= offsetof(struct dtls_listen_info, pending),
	[DTLS_A_LISTEN_READY]		= offsetof(struct dtls_listen_info, ready),
	[DTLS_A_LISTEN_BACKLOG]		= offsetof(struct dtls_listen_info, backlog),
	[DTLS_A_LISTEN_MAX_PENDING]	= offsetof(struct dtls_listen_info, max_pending),
	[DTLS_A_LISTEN_ACCEPT_MS]	= offsetof(struct dtls_listen_info, accept_ms),
	[DTLS_A_LISTEN_RATE]		= offsetof(struct dtls_listen_info, rate),
	[DTLS_A_LISTEN_FLAGS]		= offsetof(struct dtls_listen_info, flags),
};
_Static_assert(DTLS_A_LISTEN_MAX == DTLS_A_LISTEN_FLAGS,
	       "every listen attribute of the spec has a place in dtls_listen_info");

/*
 * The DTLS_A_SOCK_LISTEN nest: every value a u32, the nest exactly filled
 * by whole attributes; types from newer kernels are skipped.
 */
static int dtls_get_listen(const struct nlattr *nest,
			   struct dtls_listen_info *li)
{
	const struct nlattr *attr;

	memset(li, 0, sizeof(*li));
	mnl_attr_for_each_nested(attr, nest) {
		uint16_t type = mnl_attr_get_type(attr);
		uint32_t v;

		if (type == 0 || type > DTLS_A_LISTEN_MAX)
			continue;
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return -EPROTO;
		v = mnl_attr_get_u32(attr);
		memcpy((char *)li + dtls_listen_off[type], &v, sizeof(v));
	}
	if ((const char *)attr !=
	    (const char *)mnl_attr_get_payload(nest) + mnl_attr_get_payload_len(nest))
		return -EPROTO;
	return 0;
}

/* An address attribute: 4 or 16 bytes. */
static int dtls_get_addr(const struct nlattr *attr, uint8_t addr[16],
			 size_t *len)
{
	size_t n = mnl_attr_get_payload_len(attr);

	if (n != 4 && n != 16)
		return -EPROTO;
	memset(addr, 0, 16);
	memcpy(addr, mnl_attr_get_payload(attr), n);
	*len = n;
	return 0;
}

static int dtls_sock_attr(const struct nlattr *attr, struct dtls_sock_parse *p)
{
	struct dtls_sock_info *info = p->info;
	uint16_t type = mnl_attr_get_type(attr);

	/* Type 0 is 64-bit alignment padding; others are from newer kernels. */
	if (type == 0 || type > DTLS_A_SOCK_MAX)
		return 0;
	if (mnl_attr_validate(attr, dtls_sock_attr_type[type]) < 0)
		return -EPROTO;
	p->seen[type] = true;

	switch (type) {
	case DTLS_A_SOCK_INO:
		info->ino = mnl_attr_get_u64(attr);
		break;
	case DTLS_A_SOCK_NETNS_INO:
		info->netns_ino = mnl_attr_get_u32(attr);
		break;
	case DTLS_A_SOCK_FAMILY:
		info->family = mnl_attr_get_u16(attr);
		break;
	case DTLS_A_SOCK_LOCAL_ADDR:
		return dtls_get_addr(attr, info->local_addr, &p->local_len);
	case DTLS_A_SOCK_LOCAL_PORT:
		info->local_port = mnl_attr_get_u16(attr);
		break;
	case DTLS_A_SOCK_PEER_ADDR:
		return dtls_get_addr(attr, info->peer_addr, &p->peer_len);
	case DTLS_A_SOCK_PEER_PORT:
		info->peer_port = mnl_attr_get_u16(attr);
		break;
	case DTLS_A_SOCK_STATE:
		info->state = mnl_attr_get_u32(attr);
		break;
	case DTLS_A_SOCK_UID:
		info->uid = mnl_attr_get_u32(attr);
		break;
	case DTLS_A_SOCK_TX_CIPHER:
		info->tx_cipher = mnl_attr_get_u16(attr);
		break;
	case DTLS_A_SOCK_TX_EPOCH:
		info->tx_epoch = mnl_attr_get_u16(attr);
		break;
	case DTLS_A_SOCK_RX_CIPHER:
		info->rx_cipher = mnl_attr_get_u16(attr);
		break;
	case DTLS_A_SOCK_RX_EPOCH:
		info->rx_epoch = mnl_attr_get_u16(attr);
		break;
	case DTLS_A_SOCK_STATS:
		info->has_stats = true;
		return dtls_get_stats(attr, &info->stats);
	case DTLS_A_SOCK_FINAL_HELD:
		info->final_held = mnl_attr_get_u8(attr);
		break;
	case DTLS_A_SOCK_FINAL_BYTES:
		info->final_bytes = mnl_attr_get_u32(attr);
		break;
	case DTLS_A_SOCK_FINAL_RESENDS:
		info->final_resends = mnl_attr_get_u32(attr);
		break;
	case DTLS_A_SOCK_FINAL_AGE_MS:
		info->final_age_ms = mnl_attr_get_u32(attr);
		break;
	case DTLS_A_SOCK_LISTEN:
		info->is_listener = true;
		return dtls_get_listen(attr, &info->listen);
	}
	return 0;
}

/* One DTLS_CMD_SOCK_GET reply into @info: 0 or -EPROTO. */
static int dtls_sock_parse(const struct nlmsghdr *nlh, uint16_t family_id,
			   struct dtls_sock_info *info)
{
	struct dtls_sock_parse p = { .info = info };
	const struct nlattr *attr;
	const char *tail;
	size_t alen;

	memset(info, 0, sizeof(*info));
	if (!dtls_genl_hdr(nlh, family_id, DTLS_CMD_SOCK_GET))
		return -EPROTO;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (dtls_sock_attr(attr, &p))
			return -EPROTO;
	}
	/* The loop stops early at a truncated or overlong attribute. */
	tail = mnl_nlmsg_get_payload_tail(nlh);
	if ((const char *)attr != tail)
		return -EPROTO;

	if (!p.seen[DTLS_A_SOCK_INO] || !p.seen[DTLS_A_SOCK_FAMILY] ||
	    !p.seen[DTLS_A_SOCK_LOCAL_ADDR])
		return -EPROTO;

	switch (info->family) {
	case AF_INET:
		alen = 4;
		break;
	case AF_INET6:
		alen = 16;
		break;
	default:
		return -EPROTO;
	}
	if (p.local_len != alen)
		return -EPROTO;

	info->connected = p.seen[DTLS_A_SOCK_PEER_ADDR];
	if (info->connected != p.seen[DTLS_A_SOCK_PEER_PORT] ||
	    (info->connected && p.peer_len != alen))
		return -EPROTO;

	/* Keys of a direction: cipher (never 0) and epoch come together. */
	if (p.seen[DTLS_A_SOCK_TX_CIPHER] != p.seen[DTLS_A_SOCK_TX_EPOCH] ||
	    p.seen[DTLS_A_SOCK_RX_CIPHER] != p.seen[DTLS_A_SOCK_RX_EPOCH])
		return -EPROTO;
	if ((p.seen[DTLS_A_SOCK_TX_CIPHER] && !info->tx_cipher) ||
	    (p.seen[DTLS_A_SOCK_RX_CIPHER] && !info->rx_cipher))
		return -EPROTO;
	return 0;
}

/* DTLS_CMD_SOCK_ATTACH */

struct dtls_attach_ctx {
	uint16_t	family;
	bool		got;
	uint64_t	ino;
};

static int dtls_attach_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct dtls_attach_ctx *ctx = arg;
	const struct nlattr *attr;

	if (!dtls_genl_hdr(nlh, ctx->family, DTLS_CMD_SOCK_ATTACH))
		return -EPROTO;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) != DTLS_A_SOCK_INO)
			continue;
		if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0)
			return -EPROTO;
		ctx->ino = mnl_attr_get_u64(attr);
		ctx->got = true;
	}
	return 0;
}

int dtls_sock_attach(struct dtls_nl *h, int fd, uint64_t *ino, char *msg,
		     size_t msglen)
{
	struct dtls_attach_ctx ctx = { .family = h->family };
	union dtls_nl_req req;
	struct nlmsghdr *nlh;
	int32_t sfd = fd;
	int err;

	dtls_nl_begin(h, msg, msglen);
	memset(&req, 0, sizeof(req));
	nlh = dtls_put(h, req.buf, DTLS_CMD_SOCK_ATTACH, NLM_F_ACK);
	mnl_attr_put(nlh, DTLS_A_SOCK_FD, sizeof(sfd), &sfd);
	err = dtls_nl_talk(h, nlh, dtls_attach_cb, &ctx);
	if (!err && ino) {
		struct stat st;

		/*
		 * The kernel attaches even when it cannot allocate the reply;
		 * the inode number is also that of the fd.
		 */
		if (ctx.got)
			*ino = ctx.ino;
		else
			*ino = fstat(fd, &st) ? 0 : st.st_ino;
	}
	return dtls_nl_end(h, err);
}

/* DTLS_CMD_SOCK_GET, do */

struct dtls_get_ctx {
	uint16_t		family;
	bool			got;
	struct dtls_sock_info	info;
};

static int dtls_get_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct dtls_get_ctx *ctx = arg;

	if (ctx->got)
		return -EPROTO;
	ctx->got = true;
	return dtls_sock_parse(nlh, ctx->family, &ctx->info);
}

int dtls_sock_get(struct dtls_nl *h, uint64_t ino, struct dtls_sock_info *out,
		  char *msg, size_t msglen)
{
	struct dtls_get_ctx ctx = { .family = h->family };
	union dtls_nl_req req;
	struct nlmsghdr *nlh;
	int err;

	dtls_nl_begin(h, msg, msglen);
	memset(&req, 0, sizeof(req));
	nlh = dtls_put(h, req.buf, DTLS_CMD_SOCK_GET, NLM_F_ACK);
	mnl_attr_put_u64(nlh, DTLS_A_SOCK_INO, ino);
	err = dtls_nl_talk(h, nlh, dtls_get_cb, &ctx);
	if (!err && (!ctx.got || ctx.info.ino != ino))
		err = -EPROTO;
	if (!err)
		*out = ctx.info;
	return dtls_nl_end(h, err);
}

/* DTLS_CMD_SOCK_GET, dump */

struct dtls_list_ctx {
	uint16_t		family;
	struct dtls_sock_info	*v;
	size_t			n;
	size_t			cap;
};

static int dtls_list_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct dtls_list_ctx *ctx = arg;
	struct dtls_sock_info info;
	int err;

	err = dtls_sock_parse(nlh, ctx->family, &info);
	if (err)
		return err;

	if (ctx->n == ctx->cap) {
		size_t cap = ctx->cap ? 2 * ctx->cap : 16;
		struct dtls_sock_info *v;

		if (cap > SIZE_MAX / sizeof(*v))
			return -ENOMEM;
		v = realloc(ctx->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		ctx->v = v;
		ctx->cap = cap;
	}
	ctx->v[ctx->n++] = info;
	return 0;
}

int dtls_sock_dump(struct dtls_nl *h, struct dtls_sock_info **out, size_t *n,
		   char *msg, size_t msglen)
{
	struct dtls_list_ctx ctx = { .family = h->family };
	union dtls_nl_req req;
	struct nlmsghdr *nlh;
	int err;

	dtls_nl_begin(h, msg, msglen);
	memset(&req, 0, sizeof(req));
	nlh = dtls_put(h, req.buf, DTLS_CMD_SOCK_GET, NLM_F_DUMP);
	err = dtls_nl_talk(h, nlh, dtls_list_cb, &ctx);
	if (err) {
		free(ctx.v);
	} else {
		*out = ctx.v;
		*n = ctx.n;
	}
	return dtls_nl_end(h, err);
}

const char *dtls_cipher_name(uint16_t cipher)
{
	switch (cipher) {
	case DTLS_CIPHER_AES_GCM_128:
		return "aes-gcm-128";
	case DTLS_CIPHER_AES_GCM_256:
		return "aes-gcm-256";
	case DTLS_CIPHER_AES_CCM_128:
		return "aes-ccm-128";
	case DTLS_CIPHER_AES_CCM_8_128:
		return "aes-ccm-8";
	case DTLS_CIPHER_CHACHA20_POLY1305:
		return "chacha20-poly1305";
	}
	return NULL;
}

ssize_t dtls_crypto_info_size(uint16_t cipher)
{
	switch (cipher) {
	case DTLS_CIPHER_AES_GCM_128:
		return sizeof(struct dtls12_crypto_info_aes_gcm_128);
	case DTLS_CIPHER_AES_GCM_256:
		return sizeof(struct dtls12_crypto_info_aes_gcm_256);
	case DTLS_CIPHER_AES_CCM_128:
	case DTLS_CIPHER_AES_CCM_8_128:
		return sizeof(struct dtls12_crypto_info_aes_ccm_128);
	case DTLS_CIPHER_CHACHA20_POLY1305:
		return sizeof(struct dtls12_crypto_info_chacha20_poly1305);
	}
	return -EINVAL;
}

/* Socket options */

static int dtls_setsockopt_keys(int fd, int optname, const void *crypto_info,
				size_t len)
{
	if (len > INT32_MAX)
		return -EINVAL;
	if (setsockopt(fd, SOL_DTLS, optname, crypto_info, (socklen_t)len))
		return -errno;
	return 0;
}

int dtls_set_tx(int fd, const void *crypto_info, size_t len)
{
	return dtls_setsockopt_keys(fd, DTLS_TX, crypto_info, len);
}

int dtls_set_rx(int fd, const void *crypto_info, size_t len)
{
	return dtls_setsockopt_keys(fd, DTLS_RX, crypto_info, len);
}

static int dtls_getsockopt_keys(int fd, int optname, void *crypto_info,
				size_t *len)
{
	socklen_t l;

	if (*len > INT32_MAX)
		return -EINVAL;
	l = (socklen_t)*len;
	if (getsockopt(fd, SOL_DTLS, optname, crypto_info, &l))
		return -errno;
	*len = l;
	return 0;
}

int dtls_get_tx(int fd, void *crypto_info, size_t *len)
{
	return dtls_getsockopt_keys(fd, DTLS_TX, crypto_info, len);
}

int dtls_get_rx(int fd, void *crypto_info, size_t *len)
{
	return dtls_getsockopt_keys(fd, DTLS_RX, crypto_info, len);
}

const char *dtls_state_name(uint32_t state)
{
	switch (state) {
	case DTLS_SOCK_STATE_ATTACHED:
		return "attached";
	}
	return "unknown";
}

int dtls_sock_info_format_addr(const struct dtls_sock_info *info, bool peer,
			       char *buf, size_t len)
{
	const uint8_t *addr = peer ? info->peer_addr : info->local_addr;
	uint16_t port = peer ? info->peer_port : info->local_port;
	char ip[INET6_ADDRSTRLEN];
	int n;

	if (peer && !info->connected)
		return -ENOTCONN;
	if (info->family != AF_INET && info->family != AF_INET6)
		return -EAFNOSUPPORT;
	if (!inet_ntop(info->family, addr, ip, sizeof(ip)))
		return -errno;

	if (info->family == AF_INET6)
		n = snprintf(buf, len, "[%s]:%u", ip, port);
	else
		n = snprintf(buf, len, "%s:%u", ip, port);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return 0;
}

/* ------------------------------------------------------------ handshake */

static void dtls_put_target(struct nlmsghdr *nlh, int fd, uint64_t ino)
{
	if (fd >= 0) {
		int32_t sfd = fd;

		mnl_attr_put(nlh, DTLS_A_HS_FD, sizeof(sfd), &sfd);
	} else {
		mnl_attr_put_u64(nlh, DTLS_A_HS_INO, ino);
	}
}

/*
 * One request about the socket @fd (or @ino when @fd < 0): @fill adds
 * its attributes from @farg; @cb, if not NULL, takes the reply.
 */
static int dtls_hs_req_in(struct dtls_nl *c, char *buf, size_t size, int fd,
			  uint64_t ino, uint8_t cmd,
			  int (*fill)(struct nlmsghdr *nlh, const void *arg),
			  const void *farg, dtls_nl_cb cb, void *cbarg,
			  char *msg, size_t msglen)
{
	struct nlmsghdr *nlh;
	int err;

	dtls_nl_begin(c, msg, msglen);
	memset(buf, 0, size);
	nlh = dtls_put(c, buf, cmd, NLM_F_ACK);
	dtls_put_target(nlh, fd, ino);
	err = fill ? fill(nlh, farg) : 0;
	if (!err)
		err = dtls_nl_talk(c, nlh, cb, cbarg);
	explicit_bzero(buf, size);	/* it may hold a PSK or a key */
	return dtls_nl_end(c, err);
}

static int dtls_hs_req(struct dtls_nl *c, int fd, uint64_t ino, uint8_t cmd,
		       int (*fill)(struct nlmsghdr *nlh, const void *arg),
		       const void *farg, dtls_nl_cb cb, void *cbarg,
		       char *msg, size_t msglen)
{
	union dtls_nl_req req;

	return dtls_hs_req_in(c, req.buf, sizeof(req), fd, ino, cmd, fill,
			      farg, cb, cbarg, msg, msglen);
}

static int dtls_hs_config_fill(struct nlmsghdr *nlh, const void *arg)
{
	const struct dtls_hs_config *cfg = arg;
	size_t i;

	if (cfg->n_suites > 16 || cfg->n_groups > 4 || cfg->hint_len > 128 ||
	    cfg->n_srtp_profiles > 8 || cfg->srtp_mki_len > 300)
		return -EINVAL;
	if (cfg->role)
		mnl_attr_put_u32(nlh, DTLS_A_HS_ROLE, cfg->role);
	for (i = 0; i < cfg->n_suites; i++)
		mnl_attr_put_u16(nlh, DTLS_A_HS_SUITE, cfg->suites[i]);
	for (i = 0; i < cfg->n_groups; i++)
		mnl_attr_put_u16(nlh, DTLS_A_HS_GROUP, cfg->groups[i]);
	if (cfg->mtu)
		mnl_attr_put_u32(nlh, DTLS_A_HS_MTU, cfg->mtu);
	if (cfg->rto_initial_ms)
		mnl_attr_put_u32(nlh, DTLS_A_HS_RTO_INITIAL_MS,
				 cfg->rto_initial_ms);
	if (cfg->rto_max_ms)
		mnl_attr_put_u32(nlh, DTLS_A_HS_RTO_MAX_MS, cfg->rto_max_ms);
	if (cfg->timeout_ms)
		mnl_attr_put_u32(nlh, DTLS_A_HS_TIMEOUT_MS, cfg->timeout_ms);
	if (cfg->cookies >= 0)
		mnl_attr_put_u8(nlh, DTLS_A_HS_COOKIES, !!cfg->cookies);
	if (cfg->icmp_ignore)
		mnl_attr_put_u8(nlh, DTLS_A_HS_ICMP_IGNORE,
				cfg->icmp_ignore > 0);
	if (cfg->hint)
		mnl_attr_put(nlh, DTLS_A_HS_PSK_HINT, cfg->hint_len, cfg->hint);
	for (i = 0; i < cfg->n_srtp_profiles; i++)
		mnl_attr_put_u16(nlh, DTLS_A_HS_SRTP_PROFILE,
				 cfg->srtp_profiles[i]);
	if (cfg->srtp_mki)
		mnl_attr_put(nlh, DTLS_A_HS_SRTP_MKI, cfg->srtp_mki_len,
			     cfg->srtp_mki);
	if (cfg->srtp_required)
		mnl_attr_put_u8(nlh, DTLS_A_HS_SRTP_REQUIRED,
				cfg->srtp_required > 0);
	if (cfg->start)
		mnl_attr_put(nlh, DTLS_A_HS_START, 0, NULL);
	return 0;
}

int dtls_hs_config(struct dtls_nl *h, int fd, uint64_t ino,
		   const struct dtls_hs_config *cfg, char *msg, size_t msglen)
{
	return dtls_hs_req(h, fd, ino, DTLS_CMD_HS_CONFIG, dtls_hs_config_fill,
			   cfg, NULL, NULL, msg, msglen);
}

struct dtls_psk_arg {
	const void	*id;
	size_t		id_len;
	const void	*key;
	size_t		key_len;
	int32_t		serial;
};

static int dtls_psk_fill(struct nlmsghdr *nlh, const void *arg)
{
	const struct dtls_psk_arg *a = arg;

	if (a->id_len > 256 || a->key_len > 256)
		return -EINVAL;
	mnl_attr_put(nlh, DTLS_A_HS_PSK_IDENTITY, a->id_len, a->id);
	if (a->key)
		mnl_attr_put(nlh, DTLS_A_HS_PSK_KEY, a->key_len, a->key);
	else
		mnl_attr_put(nlh, DTLS_A_HS_PSK_KEY_SERIAL, sizeof(a->serial),
			     &a->serial);
	return 0;
}

int dtls_psk_add(struct dtls_nl *h, int fd, uint64_t ino, const void *id,
		 size_t id_len, const void *key, size_t key_len,
		 int32_t serial, char *msg, size_t msglen)
{
	struct dtls_psk_arg a = { id, id_len, key, key_len, serial };

	return dtls_hs_req(h, fd, ino, DTLS_CMD_PSK_ADD, dtls_psk_fill, &a,
			   NULL, NULL, msg, msglen);
}

struct dtls_cert_arg {
	const uint8_t *const	*der;
	const size_t		*len;
	size_t			n;
	const void		*key;
	int32_t			serial;
};

static int dtls_cert_fill(struct nlmsghdr *nlh, const void *arg)
{
	const struct dtls_cert_arg *a = arg;
	size_t i;

	for (i = 0; i < a->n; i++)
		mnl_attr_put(nlh, DTLS_A_HS_CERT_DER, a->len[i], a->der[i]);
	if (a->key)
		mnl_attr_put(nlh, DTLS_A_HS_CERT_KEY, 32, a->key);
	else
		mnl_attr_put(nlh, DTLS_A_HS_CERT_KEY_SERIAL, sizeof(a->serial),
			     &a->serial);
	return 0;
}

int dtls_cert_set(struct dtls_nl *h, int fd, uint64_t ino,
		  const uint8_t *const *der, const size_t *len, size_t n,
		  const void *key, int32_t serial, char *msg, size_t msglen)
{
	struct dtls_cert_arg a = { der, len, n, key, serial };
	size_t i, size = 1024;
	char *buf;
	int err;

	if (n > DTLS_CERT_CHAIN_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (len[i] > DTLS_CERT_CHAIN_BYTES)
			return -EINVAL;
		size += MNL_ALIGN(len[i]) + MNL_ATTR_HDRLEN;
	}
	buf = malloc(size);
	if (!buf)
		return -ENOMEM;
	err = dtls_hs_req_in(h, buf, size, fd, ino, DTLS_CMD_CERT_SET,
			     dtls_cert_fill, &a, NULL, NULL, msg, msglen);
	free(buf);
	return err;
}

static int dtls_peer_auth_fill(struct nlmsghdr *nlh, const void *arg)
{
	const struct dtls_peer_auth_cfg *a = arg;
	size_t i;

	if (a->n_pins > DTLS_PEER_PINS_MAX || a->n_spki > DTLS_PEER_PINS_MAX ||
	    (a->n_pins && !a->pins) || (a->n_spki && !a->spki))
		return -EINVAL;
	if (a->name && strlen(a->name) > 253)
		return -ENAMETOOLONG;
	for (i = 0; i < a->n_pins; i++)
		mnl_attr_put(nlh, DTLS_A_HS_PEER_PIN_SHA256, 32, a->pins[i]);
	for (i = 0; i < a->n_spki; i++)
		mnl_attr_put(nlh, DTLS_A_HS_PEER_SPKI_SHA256, 32, a->spki[i]);
	mnl_attr_put_u8(nlh, DTLS_A_HS_PEER_CERT_REQUIRED, a->required);
	if (a->keyring)
		mnl_attr_put_u32(nlh, DTLS_A_HS_PEER_TRUST_KEYRING,
				 (uint32_t)a->keyring);
	if (a->name && a->name[0])
		mnl_attr_put_strz(nlh, DTLS_A_HS_PEER_NAME, a->name);
	if (a->delegate) {
		mnl_attr_put_u8(nlh, DTLS_A_HS_PEER_DELEGATE, 1);
		if (a->delegate_timeout_ms)
			mnl_attr_put_u32(nlh, DTLS_A_HS_PEER_DELEGATE_TIMEOUT_MS,
					 a->delegate_timeout_ms);
	}
	return 0;
}

int dtls_peer_auth_set(struct dtls_nl *h, int fd, uint64_t ino,
		       const struct dtls_peer_auth_cfg *cfg, char *msg,
		       size_t msglen)
{
	return dtls_hs_req(h, fd, ino, DTLS_CMD_PEER_AUTH, dtls_peer_auth_fill,
			   cfg, NULL, NULL, msg, msglen);
}

int dtls_peer_auth(struct dtls_nl *h, int fd, uint64_t ino,
		   const uint8_t (*pins)[32], size_t n_pins, bool required,
		   char *msg, size_t msglen)
{
	struct dtls_peer_auth_cfg cfg = {
		.pins = pins, .n_pins = n_pins, .required = required,
	};

	return dtls_peer_auth_set(h, fd, ino, &cfg, msg, msglen);
}

int dtls_peer_auth_delegate(struct dtls_nl *h, int fd, uint64_t ino,
			    const uint8_t (*pins)[32], size_t n_pins,
			    bool required, uint32_t timeout_ms, char *msg,
			    size_t msglen)
{
	struct dtls_peer_auth_cfg cfg = {
		.pins = pins, .n_pins = n_pins, .required = required,
		.delegate = true, .delegate_timeout_ms = timeout_ms,
	};

	return dtls_peer_auth_set(h, fd, ino, &cfg, msg, msglen);
}

struct dtls_verdict_arg {
	uint32_t	id;
	bool		accept;
};

static int dtls_verdict_fill(struct nlmsghdr *nlh, const void *arg)
{
	const struct dtls_verdict_arg *a = arg;

	mnl_attr_put_u32(nlh, DTLS_A_HS_DELEGATION_ID, a->id);
	mnl_attr_put_u8(nlh, DTLS_A_HS_VERDICT, a->accept ?
			DTLS_VERDICT_ACCEPT : DTLS_VERDICT_REJECT);
	return 0;
}

int dtls_peer_verdict(struct dtls_nl *h, int fd, uint64_t ino, uint32_t id,
		      bool accept, char *msg, size_t msglen)
{
	struct dtls_verdict_arg a = { id, accept };

	return dtls_hs_req(h, fd, ino, DTLS_CMD_PEER_VERDICT,
			   dtls_verdict_fill, &a, NULL, NULL, msg, msglen);
}

static int dtls_chain_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct dtls_cert_chain *out = arg;
	const struct nlattr *attr;
	size_t used = 0;

	memset(out, 0, sizeof(*out));
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		size_t len = mnl_attr_get_payload_len(attr);

		if (mnl_attr_get_type(attr) != DTLS_A_HS_CERT_DER)
			continue;
		if (out->n == DTLS_CERT_CHAIN_MAX ||
		    len > sizeof(out->buf) - used)
			return -EPROTO;
		memcpy(out->buf + used, mnl_attr_get_payload(attr), len);
		out->der[out->n] = out->buf + used;
		out->len[out->n++] = len;
		used += len;
	}
	return 0;
}

int dtls_peer_chain(struct dtls_nl *h, int fd, uint64_t ino,
		    struct dtls_cert_chain *out, char *msg, size_t msglen)
{
	return dtls_hs_req(h, fd, ino, DTLS_CMD_HS_GET, NULL, NULL,
			   dtls_chain_cb, out, msg, msglen);
}

int dtls_hs_start(struct dtls_nl *h, int fd, uint64_t ino, char *msg,
		  size_t msglen)
{
	return dtls_hs_req(h, fd, ino, DTLS_CMD_HS_START, NULL, NULL, NULL,
			   NULL, msg, msglen);
}

int dtls_hs_abort(struct dtls_nl *h, int fd, uint64_t ino, char *msg,
		  size_t msglen)
{
	return dtls_hs_req(h, fd, ino, DTLS_CMD_HS_ABORT, NULL, NULL, NULL,
			   NULL, msg, msglen);
}

static int dtls_hs_parse(const struct nlmsghdr *nlh, struct dtls_hs_info *out)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;

	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN)
		return -EPROTO;
	memset(out, 0, sizeof(*out));
	out->cmd = genl->cmd;
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		switch (mnl_attr_get_type(attr)) {
		case DTLS_A_HS_INO:
			if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0)
				return -EPROTO;
			out->ino = mnl_attr_get_u64(attr);
			break;
		case DTLS_A_HS_ROLE:
		case DTLS_A_HS_STATE:
		case DTLS_A_HS_ERROR:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
				return -EPROTO;
			if (mnl_attr_get_type(attr) == DTLS_A_HS_ROLE)
				out->role = mnl_attr_get_u32(attr);
			else if (mnl_attr_get_type(attr) == DTLS_A_HS_STATE)
				out->state = mnl_attr_get_u32(attr);
			else
				out->error = mnl_attr_get_u32(attr);
			break;
		case DTLS_A_HS_SUITE:
			if (mnl_attr_validate(attr, MNL_TYPE_U16) < 0)
				return -EPROTO;
			out->suite = mnl_attr_get_u16(attr);
			break;
		case DTLS_A_HS_SRTP_PROFILE:
			if (mnl_attr_validate(attr, MNL_TYPE_U16) < 0)
				return -EPROTO;
			out->srtp_profile = mnl_attr_get_u16(attr);
			break;
		case DTLS_A_HS_SRTP_MKI:
			if (mnl_attr_get_payload_len(attr) >
			    sizeof(out->srtp_mki))
				return -EPROTO;
			out->srtp_mki_len = mnl_attr_get_payload_len(attr);
			memcpy(out->srtp_mki, mnl_attr_get_payload(attr),
			       out->srtp_mki_len);
			break;
		case DTLS_A_HS_PEER_CERT_SHA256:
			if (mnl_attr_get_payload_len(attr) !=
			    sizeof(out->peer_cert_sha256))
				return -EPROTO;
			memcpy(out->peer_cert_sha256,
			       mnl_attr_get_payload(attr), 32);
			out->has_peer_cert = true;
			break;
		case DTLS_A_HS_PEER_SPKI_SHA256:
			if (mnl_attr_get_payload_len(attr) !=
			    sizeof(out->peer_spki_sha256))
				return -EPROTO;
			memcpy(out->peer_spki_sha256,
			       mnl_attr_get_payload(attr), 32);
			out->has_peer_key = true;
			break;
		case DTLS_A_HS_PEER_CERT_TYPE:
			if (mnl_attr_validate(attr, MNL_TYPE_U8) < 0)
				return -EPROTO;
			out->peer_cert_type = mnl_attr_get_u8(attr);
			break;
		case DTLS_A_HS_PEER_SUBJECT:
			if (mnl_attr_get_payload_len(attr) >
			    sizeof(out->peer_subject))
				return -EPROTO;
			out->peer_subject_len = mnl_attr_get_payload_len(attr);
			memcpy(out->peer_subject, mnl_attr_get_payload(attr),
			       out->peer_subject_len);
			break;
		case DTLS_A_HS_PEER_IDENTITY:
			if (mnl_attr_get_payload_len(attr) > sizeof(out->peer_id))
				return -EPROTO;
			out->peer_id_len = mnl_attr_get_payload_len(attr);
			memcpy(out->peer_id, mnl_attr_get_payload(attr),
			       out->peer_id_len);
			break;
		case DTLS_A_HS_ALERT:
		case DTLS_A_HS_ALERT_REMOTE:
			if (mnl_attr_validate(attr, MNL_TYPE_U8) < 0)
				return -EPROTO;
			if (mnl_attr_get_type(attr) == DTLS_A_HS_ALERT)
				out->alert = mnl_attr_get_u8(attr);
			else
				out->alert_remote = mnl_attr_get_u8(attr);
			break;
		}
	}
	return 0;
}

struct dtls_hs_get_ctx {
	uint16_t		family;
	bool			got;
	struct dtls_hs_info	*out;
};

static int dtls_hs_get_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct dtls_hs_get_ctx *ctx = arg;

	if (ctx->got || !dtls_genl_hdr(nlh, ctx->family, DTLS_CMD_HS_GET))
		return -EPROTO;
	ctx->got = true;
	return dtls_hs_parse(nlh, ctx->out);
}

int dtls_hs_get(struct dtls_nl *h, int fd, uint64_t ino,
		struct dtls_hs_info *out, char *msg, size_t msglen)
{
	struct dtls_hs_get_ctx ctx = { .family = h->family, .out = out };
	int err;

	err = dtls_hs_req(h, fd, ino, DTLS_CMD_HS_GET, NULL, NULL,
			  dtls_hs_get_cb, &ctx, msg, msglen);
	if (!err && !ctx.got)
		err = -EPROTO;
	return err;
}

/* ------------------------------------------------------------- exporter */

int dtls_export_keying_material(int fd, const char *label, size_t label_len,
				const void *context, size_t context_len,
				bool use_context, void *out, size_t len)
{
	struct dtls_export req = { 0 };
	size_t in_len, size;
	socklen_t optlen;
	uint8_t *buf;
	int err = 0;

	if (!label || !out || (context_len && !context) ||
	    label_len > UINT16_MAX || context_len > UINT16_MAX ||
	    len > UINT32_MAX)
		return -EINVAL;
	req.length = len;
	req.label_len = label_len;
	req.context_len = context_len;
	req.flags = use_context ? DTLS_EXPORT_F_CONTEXT : 0;
	in_len = sizeof(req) + label_len + context_len;
	size = in_len > len ? in_len : len;
	if (size > INT32_MAX)
		return -EINVAL;
	buf = calloc(1, size);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, &req, sizeof(req));
	if (label_len)
		memcpy(buf + sizeof(req), label, label_len);
	if (context_len)
		memcpy(buf + sizeof(req) + label_len, context, context_len);
	optlen = size;
	if (getsockopt(fd, SOL_DTLS, DTLS_EXPORT_KEYING_MATERIAL, buf, &optlen))
		err = -errno;
	else if (optlen != len)
		err = -EPROTO;
	else
		memcpy(out, buf, len);
	explicit_bzero(buf, size);
	free(buf);
	return err;
}

int dtls_exporter_wipe(int fd)
{
	if (setsockopt(fd, SOL_DTLS, DTLS_EXPORTER_WIPE, NULL, 0))
		return -errno;
	return 0;
}

struct dtls_export_arg {
	const char	*label;
	size_t		label_len;
	const void	*context;
	size_t		context_len;
	bool		use_context;
	uint32_t	len;
};

static int dtls_export_fill(struct nlmsghdr *nlh, const void *arg)
{
	const struct dtls_export_arg *a = arg;

	mnl_attr_put(nlh, DTLS_A_HS_EXPORT_LABEL, a->label_len, a->label);
	if (a->use_context)
		mnl_attr_put(nlh, DTLS_A_HS_EXPORT_CONTEXT, a->context_len,
			     a->context_len ? a->context : "");
	mnl_attr_put_u32(nlh, DTLS_A_HS_EXPORT_LENGTH, a->len);
	return 0;
}

struct dtls_export_ctx {
	uint8_t		*out;
	size_t		len;
	bool		got;
};

static int dtls_export_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct dtls_export_ctx *ctx = arg;
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) != DTLS_A_HS_EXPORT_MATERIAL)
			continue;
		if (ctx->got || mnl_attr_get_payload_len(attr) != ctx->len)
			return -EPROTO;
		memcpy(ctx->out, mnl_attr_get_payload(attr), ctx->len);
		ctx->got = true;
	}
	return 0;
}

int dtls_export(struct dtls_nl *h, int fd, const char *label,
		size_t label_len, const void *context, size_t context_len,
		bool use_context, void *out, size_t len, char *msg,
		size_t msglen)
{
	struct dtls_export_arg a = {
		label, label_len, context, context_len, use_context, len,
	};
	struct dtls_export_ctx ctx = { out, len, false };
	/* A label and a context of up to 64 + 1024 bytes, and headers. */
	union {
		struct nlmsghdr	nlh;
		char		buf[2048];
	} req;
	int err;

	if (fd < 0 || !label || !out || (context_len && !context) ||
	    label_len > 1024 || context_len > 1536 || len > UINT32_MAX)
		return -EINVAL;
	err = dtls_hs_req_in(h, req.buf, sizeof(req), fd, 0, DTLS_CMD_EXPORT,
			     dtls_export_fill, &a, dtls_export_cb, &ctx, msg,
			     msglen);
	explicit_bzero(h->buf, DTLS_NL_RCVBUF);	/* the material */
	if (!err && !ctx.got)
		err = -EPROTO;
	if (err)
		explicit_bzero(out, len);
	return err;
}

/* --------------------------------------------------------- SRTP (RFC 5764) */

static const struct {
	uint16_t	profile;
	const char	*name;
} dtls_srtp_names[] = {
	{ DTLS_SRTP_AES128_CM_HMAC_SHA1_80, "SRTP_AES128_CM_SHA1_80" },
	{ DTLS_SRTP_AES128_CM_HMAC_SHA1_32, "SRTP_AES128_CM_SHA1_32" },
	{ DTLS_SRTP_AEAD_AES_128_GCM, "SRTP_AEAD_AES_128_GCM" },
	{ DTLS_SRTP_AEAD_AES_256_GCM, "SRTP_AEAD_AES_256_GCM" },
};

const char *dtls_srtp_profile_name(uint16_t profile)
{
	size_t i;

	for (i = 0; i < sizeof(dtls_srtp_names) / sizeof(dtls_srtp_names[0]);
	     i++)
		if (dtls_srtp_names[i].profile == profile)
			return dtls_srtp_names[i].name;
	return NULL;
}

int dtls_srtp_profile_parse(const char *s, uint16_t *profile)
{
	unsigned long v;
	char *end;
	size_t i;

	for (i = 0; i < sizeof(dtls_srtp_names) / sizeof(dtls_srtp_names[0]);
	     i++) {
		if (!strcasecmp(s, dtls_srtp_names[i].name)) {
			*profile = dtls_srtp_names[i].profile;
			return 0;
		}
	}
	errno = 0;
	v = strtoul(s, &end, 0);
	if (!*s || *end || errno || v > 0xffff)
		return -EINVAL;
	*profile = v;
	return 0;
}

int dtls_get_srtp(int fd, struct dtls_srtp_info *out)
{
	socklen_t len = sizeof(*out);

	memset(out, 0, sizeof(*out));
	if (getsockopt(fd, SOL_DTLS, DTLS_SRTP, out, &len))
		return -errno;
	return 0;
}

int dtls_listen_info_get(int fd, struct dtls_listen_info *out)
{
	socklen_t len = sizeof(*out);

	memset(out, 0, sizeof(*out));
	if (getsockopt(fd, SOL_DTLS, DTLS_LISTEN_INFO, out, &len))
		return -errno;
	return 0;
}

static bool dtls_listen_opt(int opt)
{
	return opt == DTLS_LISTEN_MAX_PENDING || opt == DTLS_LISTEN_ACCEPT_MS ||
	       opt == DTLS_LISTEN_RATE;
}

int dtls_listen_set(int fd, int opt, uint32_t val)
{
	if (!dtls_listen_opt(opt))
		return -EINVAL;
	if (setsockopt(fd, SOL_DTLS, opt, &val, sizeof(val)))
		return -errno;
	return 0;
}

int dtls_listen_get(int fd, int opt, uint32_t *val)
{
	socklen_t len = sizeof(*val);

	if (!dtls_listen_opt(opt))
		return -EINVAL;
	*val = 0;
	if (getsockopt(fd, SOL_DTLS, opt, val, &len))
		return -errno;
	if (len != sizeof(*val))
		return -EPROTO;
	return 0;
}

ssize_t dtls_send_not_dtls(int fd, const void *buf, size_t len, int flags,
			   const struct sockaddr *to, socklen_t tolen)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(0)];
	} c;
	struct iovec iov = { (void *)buf, len };
	struct msghdr m = {
		.msg_name = (void *)to, .msg_namelen = to ? tolen : 0,
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = c.b, .msg_controllen = sizeof(c.b),
	};
	struct cmsghdr *cm;
	ssize_t n;

	memset(&c, 0, sizeof(c));
	cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_DTLS;
	cm->cmsg_type = DTLS_SET_NOT_DTLS;
	cm->cmsg_len = CMSG_LEN(0);
	n = sendmsg(fd, &m, flags);
	return n < 0 ? -errno : n;
}

ssize_t dtls_recv_typed(int fd, void *buf, size_t len, int flags,
			uint8_t *type, struct sockaddr *from,
			socklen_t *fromlen)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(uint8_t))];
	} c;
	struct iovec iov = { buf, len };
	struct msghdr m = {
		.msg_name = from, .msg_namelen = from ? *fromlen : 0,
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = c.b, .msg_controllen = sizeof(c.b),
	};
	struct cmsghdr *cm;
	ssize_t n;

	n = recvmsg(fd, &m, flags);
	if (n < 0)
		return -errno;
	if (from)
		*fromlen = m.msg_namelen;
	*type = DTLS_RECORD_TYPE_DATA;
	for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm))
		if (cm->cmsg_level == SOL_DTLS &&
		    cm->cmsg_type == DTLS_GET_RECORD_TYPE &&
		    cm->cmsg_len == CMSG_LEN(sizeof(uint8_t)))
			*type = *CMSG_DATA(cm);
	return n;
}

int dtls_srtp_lengths(uint16_t profile, size_t *key_len, size_t *salt_len)
{
	switch (profile) {
	case DTLS_SRTP_AES128_CM_HMAC_SHA1_80:
	case DTLS_SRTP_AES128_CM_HMAC_SHA1_32:
		*key_len = 16;
		*salt_len = 14;
		return 0;
	case DTLS_SRTP_AEAD_AES_128_GCM:	/* RFC 7714 12 */
		*key_len = 16;
		*salt_len = 12;
		return 0;
	case DTLS_SRTP_AEAD_AES_256_GCM:
		*key_len = 32;
		*salt_len = 12;
		return 0;
	}
	return -EINVAL;
}

int dtls_srtp_split(uint16_t profile, const void *material, size_t len,
		    struct dtls_srtp_keys *out)
{
	const uint8_t *p = material;
	size_t k, s;

	memset(out, 0, sizeof(*out));
	if (!material || dtls_srtp_lengths(profile, &k, &s) ||
	    len != 2 * (k + s))
		return -EINVAL;
	out->profile = profile;
	out->key_len = k;
	out->salt_len = s;
	memcpy(out->client_key, p, k);
	memcpy(out->server_key, p + k, k);
	memcpy(out->client_salt, p + 2 * k, s);
	memcpy(out->server_salt, p + 2 * k + s, s);
	return 0;
}

int dtls_srtp_export(int fd, uint16_t profile, struct dtls_srtp_keys *out)
{
	uint8_t m[2 * (32 + 14)];
	size_t k, s;
	int err;

	memset(out, 0, sizeof(*out));
	if (dtls_srtp_lengths(profile, &k, &s))
		return -EINVAL;
	err = dtls_export_keying_material(fd, DTLS_SRTP_EXPORTER_LABEL,
					  strlen(DTLS_SRTP_EXPORTER_LABEL),
					  NULL, 0, false, m, 2 * (k + s));
	if (!err)
		err = dtls_srtp_split(profile, m, 2 * (k + s), out);
	explicit_bzero(m, sizeof(m));
	return err;
}

/* The id of the "events" multicast group, from the family's description. */
struct dtls_mcgrp_ctx {
	uint32_t	id;
};

static int dtls_mcgrp_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct dtls_mcgrp_ctx *ctx = arg;
	const struct nlattr *attr, *grp, *a;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) != CTRL_ATTR_MCAST_GROUPS)
			continue;
		mnl_attr_for_each_nested(grp, attr) {
			uint32_t id = 0;
			bool events = false;

			mnl_attr_for_each_nested(a, grp) {
				if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
				    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
					id = mnl_attr_get_u32(a);
				if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
				    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0 &&
				    !strcmp(mnl_attr_get_str(a), DTLS_MCGRP_EVENTS))
					events = true;
			}
			if (events)
				ctx->id = id;
		}
	}
	return 0;
}

/* A peer-cert-ntf into @ev: hs-get's attributes and delegation-id. */
static int dtls_peer_ev_parse(const struct nlmsghdr *nlh,
			      struct dtls_peer_cert_ev *ev)
{
	const struct nlattr *attr;
	struct dtls_hs_info info;
	int err;

	err = dtls_hs_parse(nlh, &info);
	if (err)
		return err;
	memset(ev, 0, sizeof(*ev));
	ev->ino = info.ino;
	ev->role = info.role;
	ev->suite = info.suite;
	memcpy(ev->peer_cert_sha256, info.peer_cert_sha256, 32);
	memcpy(ev->peer_subject, info.peer_subject, info.peer_subject_len);
	ev->peer_subject_len = info.peer_subject_len;
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) != DTLS_A_HS_DELEGATION_ID)
			continue;
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return -EPROTO;
		ev->delegation_id = mnl_attr_get_u32(attr);
	}
	if (!ev->delegation_id)
		return -EPROTO;
	return dtls_chain_cb(nlh, &ev->chain);
}

int dtls_monitor(struct dtls_nl *h,
		 int (*cb)(const struct dtls_hs_info *ev, void *arg),
		 void (*ready)(void *arg), void *arg)
{
	return dtls_monitor_peer(h, cb, NULL, ready, arg);
}

int dtls_monitor_peer(struct dtls_nl *h,
		      int (*cb)(const struct dtls_hs_info *ev, void *arg),
		      int (*peer_cb)(const struct dtls_peer_cert_ev *ev,
				     void *arg),
		      void (*ready)(void *arg), void *arg)
{
	struct dtls_peer_cert_ev *pev = NULL;
	struct dtls_mcgrp_ctx mc = { 0 };
	int err;

	err = dtls_nl_getfamily(h, dtls_mcgrp_cb, &mc);
	if (!err && !mc.id)
		err = -EPROTO;
	if (err)
		return err;
	if (mnl_socket_setsockopt(h->sock, NETLINK_ADD_MEMBERSHIP, &mc.id,
				  sizeof(mc.id)) < 0)
		return -errno;
	if (peer_cb) {
		pev = malloc(sizeof(*pev));
		if (!pev)
			err = -ENOMEM;
	}
	if (!err && ready)
		ready(arg);
	while (!err) {
		const struct nlmsghdr *m = h->buf;
		ssize_t len = dtls_nl_recv(h);
		int rest;

		if (len < 0) {
			err = len;
			break;
		}
		rest = len;
		for (; mnl_nlmsg_ok(m, rest); m = mnl_nlmsg_next(m, &rest)) {
			struct dtls_hs_info ev;

			if (m->nlmsg_type != h->family ||
			    dtls_hs_parse(m, &ev))
				continue;
			if (ev.cmd == DTLS_CMD_PEER_CERT_NTF) {
				if (!peer_cb || dtls_peer_ev_parse(m, pev))
					continue;
				err = peer_cb(pev, arg);
			} else if (ev.cmd == DTLS_CMD_HS_DONE_NTF ||
				   ev.cmd == DTLS_CMD_HS_FAILED_NTF) {
				if (!cb)
					continue;
				err = cb(&ev, arg);
			}
			if (err)
				break;
		}
	}
	free(pev);
	/* The handle serves requests again: no events pile up behind. */
	mnl_socket_setsockopt(h->sock, NETLINK_DROP_MEMBERSHIP, &mc.id,
			      sizeof(mc.id));
	return err;
}

/*
 * Send the @len bytes of requests at @buf, numbered @first to @last, the
 * last one with NLM_F_ACK; read until its ack or error.  Replies other
 * than errors and acks are skipped.  Return: the first error (its
 * message kept), else 0.
 */
static int dtls_nl_talk_batch(struct dtls_nl *c, const void *buf, size_t len,
			      uint32_t first, uint32_t last)
{
	char *msg = c->msg;
	int ret = 0;

	while (mnl_socket_sendto(c->sock, buf, len) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	for (;;) {
		const struct nlmsghdr *nlh = c->buf;
		ssize_t n = dtls_nl_recv(c);
		int rest, err;

		if (n < 0) {
			ret = ret ?: n;
			break;
		}
		rest = n;
		for (; mnl_nlmsg_ok(nlh, rest); nlh = mnl_nlmsg_next(nlh, &rest)) {
			if (nlh->nlmsg_seq - first > last - first ||
			    nlh->nlmsg_pid != c->portid)
				continue;
			if (nlh->nlmsg_type == NLMSG_OVERRUN) {
				ret = ret ?: -ENOBUFS;
				goto out;
			}
			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			/* Only the first error's message reaches the caller. */
			c->msg = ret ? NULL : msg;
			err = dtls_nl_error(c, nlh);
			ret = ret ?: err;
			if (nlh->nlmsg_seq == last)
				goto out;
		}
	}
out:
	c->msg = msg;
	return ret;
}

int dtls_hs_setup(struct dtls_nl *h, int fd, const struct dtls_hs_config *cfg,
		  const void *id, size_t id_len, const void *key,
		  size_t key_len, int32_t serial, char *msg, size_t msglen)
{
	/* Bounded by the fills' checks: 8 suites, 4 groups, 256-byte PSK. */
	union {
		struct nlmsghdr	nlh;
		char		buf[2048];
	} req;
	struct dtls_psk_arg a = { id, id_len, key, key_len, serial };
	struct nlmsghdr *nlh;
	uint32_t first;
	int32_t sfd = fd;
	size_t off;
	int err;

	dtls_nl_begin(h, msg, msglen);
	memset(&req, 0, sizeof(req));
	first = h->seq + 1;
	nlh = dtls_put(h, req.buf, DTLS_CMD_SOCK_ATTACH, 0);
	mnl_attr_put(nlh, DTLS_A_SOCK_FD, sizeof(sfd), &sfd);
	off = NLMSG_ALIGN(nlh->nlmsg_len);
	/* The PSK before the configuration, which may start the handshake. */
	nlh = dtls_put(h, req.buf + off, DTLS_CMD_PSK_ADD, 0);
	dtls_put_target(nlh, fd, 0);
	err = dtls_psk_fill(nlh, &a);
	off += NLMSG_ALIGN(nlh->nlmsg_len);
	if (!err) {
		nlh = dtls_put(h, req.buf + off, DTLS_CMD_HS_CONFIG,
			       NLM_F_ACK);
		dtls_put_target(nlh, fd, 0);
		err = dtls_hs_config_fill(nlh, cfg);
		off += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	if (!err)
		err = dtls_nl_talk_batch(h, req.buf, off, first, h->seq);
	explicit_bzero(&req, sizeof(req));	/* it holds the PSK */
	if (err && cfg->start)	/* never leave it running after an error */
		dtls_hs_abort(h, fd, 0, NULL, 0);
	return dtls_nl_end(h, err);
}

const char *dtls_hs_state_name(uint32_t state)
{
	switch (state) {
	case 0:
		return "none";
	case DTLS_HS_STATE_CONFIGURED:
		return "configured";
	case DTLS_HS_STATE_RUNNING:
		return "running";
	case DTLS_HS_STATE_ESTABLISHED:
		return "established";
	case DTLS_HS_STATE_FAILED:
		return "failed";
	}
	return "unknown";
}

const char *dtls_suite_name(uint16_t suite)
{
	switch (suite) {
	case 0x00a8:
		return "PSK-AES128-GCM-SHA256";
	case 0x00a9:
		return "PSK-AES256-GCM-SHA384";
	case 0xc0a8:
		return "PSK-AES128-CCM8";
	case 0xccab:
		return "PSK-CHACHA20-POLY1305";
	case 0xccac:
		return "ECDHE-PSK-CHACHA20-POLY1305";
	case 0xd001:
		return "ECDHE-PSK-AES128-GCM-SHA256";
	case 0xc02b:
		return "ECDHE-ECDSA-AES128-GCM-SHA256";
	case 0xc02c:
		return "ECDHE-ECDSA-AES256-GCM-SHA384";
	case 0xcca9:
		return "ECDHE-ECDSA-CHACHA20-POLY1305";
	case 0xc0ae:
		return "ECDHE-ECDSA-AES128-CCM8";
	case 0xc02f:
		return "ECDHE-RSA-AES128-GCM-SHA256";
	case 0xc030:
		return "ECDHE-RSA-AES256-GCM-SHA384";
	case 0xcca8:
		return "ECDHE-RSA-CHACHA20-POLY1305";
	}
	return "unknown";
}

const char *dtls_alert_name(uint8_t alert)
{
	switch (alert) {
	case 0:
		return "close_notify";
	case 10:
		return "unexpected_message";
	case 20:
		return "bad_record_mac";
	case 40:
		return "handshake_failure";
	case 42:
		return "bad_certificate";
	case 43:
		return "unsupported_certificate";
	case 46:
		return "certificate_unknown";
	case 47:
		return "illegal_parameter";
	case 50:
		return "decode_error";
	case 51:
		return "decrypt_error";
	case 70:
		return "protocol_version";
	case 80:
		return "internal_error";
	case 100:
		return "no_renegotiation";
	case 115:
		return "unknown_psk_identity";
	}
	return "unknown";
}

const char *dtls_hs_role_name(uint32_t role)
{
	switch (role) {
	case DTLS_HS_ROLE_CLIENT:
		return "client";
	case DTLS_HS_ROLE_SERVER:
		return "server";
	}
	return "none";
}

/* A number, decimal or 0x hex, up to @max: 0 or -EINVAL. */
static int dtls_parse_num(const char *s, unsigned long max,
			  unsigned long *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	*out = strtoul(s, &end, 0);
	if (errno || *end || *out > max)
		return -EINVAL;
	return 0;
}

static const uint16_t dtls_known_suites[] = {
	0x00a8, 0x00a9, 0xc0a8, 0xccab, 0xccac, 0xd001,
	0xc02b, 0xc02c, 0xcca9, 0xc0ae, 0xc02f, 0xc030, 0xcca8,
};

int dtls_suite_parse(const char *s, uint16_t *suite)
{
	unsigned long v;
	size_t i;

	for (i = 0; i < sizeof(dtls_known_suites) / sizeof(dtls_known_suites[0]);
	     i++) {
		if (!strcasecmp(s, dtls_suite_name(dtls_known_suites[i]))) {
			*suite = dtls_known_suites[i];
			return 0;
		}
	}
	if (s[0] < '0' || s[0] > '9' || dtls_parse_num(s, 0xffff, &v))
		return -EINVAL;
	*suite = (uint16_t)v;
	return 0;
}

const char *dtls_group_name(uint16_t group)
{
	switch (group) {
	case 23:
		return "secp256r1";
	case 29:
		return "x25519";
	}
	return "unknown";
}

int dtls_group_parse(const char *s, uint16_t *group)
{
	static const struct {
		const char	*name;
		uint16_t	id;
	} names[] = {
		{ "x25519", 29 },
		{ "secp256r1", 23 },
		{ "p-256", 23 },
		{ "p256", 23 },
		{ "prime256v1", 23 },
	};
	unsigned long v;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcasecmp(s, names[i].name)) {
			*group = names[i].id;
			return 0;
		}
	}
	if (s[0] < '0' || s[0] > '9' || dtls_parse_num(s, 0xffff, &v))
		return -EINVAL;
	*group = (uint16_t)v;
	return 0;
}

/* ---------------------------------------------------------- key files */

ssize_t dtls_read_file(const char *path, uint8_t *buf, size_t max)
{
	bool is_stdin = !strcmp(path, "-");
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t n, err = 0;
	uint8_t extra;

	if (fd < 0)
		return -errno;
	for (;;) {
		n = len < max ? read(fd, buf + len, max - len) :
				read(fd, &extra, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			err = -errno;
		else if (n > 0 && len >= max)
			err = -EFBIG;
		if (n <= 0 || err)
			break;
		len += n;
	}
	if (!is_stdin)
		close(fd);
	if (err) {
		explicit_bzero(buf, max);
		return err;
	}
	return len;
}

static int dtls_hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

ssize_t dtls_unhex(uint8_t *buf, size_t len)
{
	size_t out = 0;
	int hi = -1;

	for (size_t i = 0; i < len; i++) {
		int v;

		if (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' ||
		    buf[i] == '\r')
			continue;
		v = dtls_hexval(buf[i]);
		if (v < 0)
			return -EINVAL;
		if (hi < 0) {
			hi = v;
		} else {
			buf[out++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	return hi < 0 ? (ssize_t)out : -EINVAL;
}

