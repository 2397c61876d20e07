// SPDX-License-Identifier: GPL-2.0
/*
 * The "dtls" family's handshake commands: configure, credentials, start,
 * abort, get, export, the peer-auth delegation, and the events the
 * handshake multicasts.  Each handler parses its attributes, then calls
 * a typed dtls_hs_*() function that owns the state.  Handlers run in
 * process context; the events are sent from the handshake's work or a
 * netlink handler.
 */

#include <linux/file.h>
#include <linux/net.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include <uapi/linux/dtls.h>

#include "dtls.h"
#include "handshake.h"
#include "netlink.h"
#include "generated/genl.h"

/*
 * The socket a handshake command names: by fd in the caller's file table
 * (no privilege), or by inode number (CAP_NET_ADMIN in the namespace).
 * Holds the socket (its file, or a reference) until dtls_nl_hs_put().
 */
struct dtls_nl_target {
	struct socket *sock;		/* by fd */
	struct dtls_sock *ds;
};

static int dtls_nl_hs_target(struct sk_buff *skb, struct genl_info *info,
			     struct dtls_nl_target *t)
{
	struct nlattr **a = info->attrs;
	struct net *net = genl_info_net(info);
	struct dtls_net *dn = dtls_net(net);
	struct dtls_sock *ds;
	int err;

	t->sock = NULL;
	t->ds = NULL;
	if (a[DTLS_A_HS_FD]) {
		t->sock = sockfd_lookup(nla_get_s32(a[DTLS_A_HS_FD]), &err);
		if (!t->sock) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[DTLS_A_HS_FD],
					    "not an open socket of the caller");
			return err;
		}
		t->ds = dtls_sock_of(t->sock->sk);
		if (!t->ds) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[DTLS_A_HS_FD],
					    "socket is not attached");
			sockfd_put(t->sock);
			return -ENOTCONN;
		}
		return 0;
	}
	if (!a[DTLS_A_HS_INO]) {
		NL_SET_ERR_MSG(info->extack, "need fd or ino");
		return -EINVAL;
	}
	if (!netlink_ns_capable(skb, net->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	err = -ENOENT;
	mutex_lock(&dn->lock);
	list_for_each_entry(ds, &dn->socks, node) {
		if (ds->ino != nla_get_u64(a[DTLS_A_HS_INO]))
			continue;
		/* Closed by UDP without us (sock.c, dtls_encap_destroy()). */
		if (sock_flag(ds->sk, SOCK_DEAD)) {
			dtls_sock_reclaim_check(dn, ds);
			break;
		}
		if (refcount_inc_not_zero(&ds->refs)) {
			sock_hold(ds->sk);
			t->ds = ds;
			err = 0;
		}
		break;
	}
	mutex_unlock(&dn->lock);
	if (err)
		NL_SET_ERR_MSG_ATTR(info->extack, a[DTLS_A_HS_INO],
				    "no attached socket with this inode number");
	return err;
}

static void dtls_nl_hs_put(struct dtls_nl_target *t)
{
	if (t->sock) {
		sockfd_put(t->sock);
	} else if (t->ds) {
		sock_put(t->ds->sk);
		dtls_sock_put(t->ds);
	}
}

/*
 * hs-config's attributes, in the form the policy checked, into a request
 * for the engine, which checks what they mean.  Suites and groups come
 * in the order given, repeated attributes.
 */
static int dtls_nl_parse_hs_config(const struct genl_info *info,
				   struct dtls_hs_config_req *req)
{
	struct dtls_hs_params *p = &req->p;
	struct nlattr **a = info->attrs;
	const struct nlattr *nla;
	int rem;

	memset(req, 0, sizeof(*req));
	if (a[DTLS_A_HS_ROLE]) {
		req->set |= DTLS_HS_SET_ROLE;
		p->role = nla_get_u32(a[DTLS_A_HS_ROLE]);
	}
	if (a[DTLS_A_HS_SUITE])
		req->set |= DTLS_HS_SET_SUITES;
	if (a[DTLS_A_HS_GROUP])
		req->set |= DTLS_HS_SET_GROUPS;
	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(nla) == DTLS_A_HS_SUITE) {
			if (p->n_suites < DTLS_HS_MAX_SUITES) {
				req->suite_attr[p->n_suites] = nla;
				p->suites[p->n_suites++] = nla_get_u16(nla);
			} else if (!req->suite_attr[DTLS_HS_MAX_SUITES]) {
				req->suite_attr[DTLS_HS_MAX_SUITES] = nla;
			}
		} else if (nla_type(nla) == DTLS_A_HS_SRTP_PROFILE) {
			u16 v = nla_get_u16(nla);

			/* Known, not repeated, at most the four there are. */
			if (!dtls_srtp_profile_known(v) ||
			    dtls_proto_offered(p->srtp, p->n_srtp, v) ||
			    p->n_srtp >= DTLS_SRTP_MAX_PROFILES) {
				NL_SET_ERR_MSG_ATTR(info->extack, nla,
						    "unknown or repeated SRTP profile");
				return -EINVAL;
			}
			req->set |= DTLS_HS_SET_SRTP;
			p->srtp[p->n_srtp++] = v;
		} else if (nla_type(nla) == DTLS_A_HS_GROUP) {
			if (p->n_groups < DTLS_HS_MAX_GROUPS) {
				req->group_attr[p->n_groups] = nla;
				p->groups[p->n_groups++] = nla_get_u16(nla);
			} else if (!req->group_attr[DTLS_HS_MAX_GROUPS]) {
				req->group_attr[DTLS_HS_MAX_GROUPS] = nla;
			}
		}
	}
	if (a[DTLS_A_HS_MTU]) {
		req->set |= DTLS_HS_SET_MTU;
		p->mtu = nla_get_u32(a[DTLS_A_HS_MTU]);
	}
	if (a[DTLS_A_HS_RTO_INITIAL_MS]) {
		req->set |= DTLS_HS_SET_RTO_INITIAL;
		p->rto_initial_ms = nla_get_u32(a[DTLS_A_HS_RTO_INITIAL_MS]);
	}
	if (a[DTLS_A_HS_RTO_MAX_MS]) {
		req->set |= DTLS_HS_SET_RTO_MAX;
		p->rto_max_ms = nla_get_u32(a[DTLS_A_HS_RTO_MAX_MS]);
	}
	if (a[DTLS_A_HS_TIMEOUT_MS]) {
		req->set |= DTLS_HS_SET_TIMEOUT;
		p->timeout_ms = nla_get_u32(a[DTLS_A_HS_TIMEOUT_MS]);
	}
	if (a[DTLS_A_HS_COOKIES]) {
		req->set |= DTLS_HS_SET_COOKIES;
		p->cookies = nla_get_u8(a[DTLS_A_HS_COOKIES]);
	}
	if (a[DTLS_A_HS_ICMP_IGNORE]) {
		req->set |= DTLS_HS_SET_ICMP_IGNORE;
		p->icmp_ignore = nla_get_u8(a[DTLS_A_HS_ICMP_IGNORE]);
	}
	if (a[DTLS_A_HS_PSK_HINT]) {
		if (nla_len(a[DTLS_A_HS_PSK_HINT]) > DTLS_MAX_IDENTITY_LEN) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[DTLS_A_HS_PSK_HINT],
					    "hint longer than 128 bytes");
			return -EINVAL;
		}
		req->set |= DTLS_HS_SET_HINT;
		p->hint_len = nla_len(a[DTLS_A_HS_PSK_HINT]);
		nla_memcpy(p->hint, a[DTLS_A_HS_PSK_HINT], sizeof(p->hint));
	}
	if (a[DTLS_A_HS_SRTP_MKI]) {
		if (nla_len(a[DTLS_A_HS_SRTP_MKI]) > DTLS_SRTP_MKI_MAX) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[DTLS_A_HS_SRTP_MKI],
					    "MKI longer than 255 bytes");
			return -EINVAL;
		}
		req->set |= DTLS_HS_SET_SRTP_MKI;
		p->srtp_mki_len = nla_len(a[DTLS_A_HS_SRTP_MKI]);
		nla_memcpy(p->srtp_mki, a[DTLS_A_HS_SRTP_MKI],
			   sizeof(p->srtp_mki));
	}
	if (a[DTLS_A_HS_SRTP_REQUIRED]) {
		req->set |= DTLS_HS_SET_SRTP_REQ;
		p->srtp_required = nla_get_u8(a[DTLS_A_HS_SRTP_REQUIRED]);
	}
	return 0;
}

int dtls_nl_hs_config_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct dtls_hs_config_req *req;
	struct dtls_nl_target t;
	int err;

	req = kmalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	err = dtls_nl_hs_target(skb, info, &t);
	if (err)
		goto out;
	err = dtls_nl_parse_hs_config(info, req);
	if (!err)
		err = dtls_hs_config(t.ds, req, info->extack);
	/* start: hs-start in the same request, once configured */
	if (!err && nla_get_flag(info->attrs[DTLS_A_HS_START]))
		err = dtls_hs_start(t.ds, info->extack);
	dtls_nl_hs_put(&t);
out:
	kfree(req);
	return err;
}

/* A secret in the request: not left for whoever gets its memory next. */
static void dtls_nl_wipe_attr(struct nlattr *nla)
{
	if (nla)
		memzero_explicit(nla_data(nla), nla_len(nla));
}

static int dtls_nl_psk_add(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct nlattr *id = a[DTLS_A_HS_PSK_IDENTITY];
	struct nlattr *key = a[DTLS_A_HS_PSK_KEY];
	struct dtls_nl_target t;
	int err;

	if (!id || !nla_len(id) || nla_len(id) > DTLS_MAX_IDENTITY_LEN) {
		NL_SET_ERR_MSG(info->extack, "need a 1..128-byte psk-identity");
		return -EINVAL;
	}
	if (!key == !a[DTLS_A_HS_PSK_KEY_SERIAL]) {
		NL_SET_ERR_MSG(info->extack,
			       "need one of psk-key and psk-key-serial");
		return -EINVAL;
	}
	err = dtls_nl_hs_target(skb, info, &t);
	if (err)
		return err;
	if (key)
		err = dtls_hs_psk_add(t.ds, nla_data(id), nla_len(id),
				      nla_data(key), nla_len(key), 0,
				      info->extack);
	else
		err = dtls_hs_psk_add(t.ds, nla_data(id), nla_len(id), NULL, 0,
				      nla_get_s32(a[DTLS_A_HS_PSK_KEY_SERIAL]),
				      info->extack);
	dtls_nl_hs_put(&t);
	return err;
}

int dtls_nl_psk_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	int err = dtls_nl_psk_add(skb, info);

	dtls_nl_wipe_attr(info->attrs[DTLS_A_HS_PSK_KEY]);
	return err;
}

static int dtls_nl_cert_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct nlattr *key = a[DTLS_A_HS_CERT_KEY];
	const u8 *der[DTLS_CERT_CHAIN_MAX];
	u32 len[DTLS_CERT_CHAIN_MAX];
	const struct nlattr *nla;
	struct dtls_nl_target t;
	unsigned int n = 0;
	int err, rem;

	if (!key == !a[DTLS_A_HS_CERT_KEY_SERIAL]) {
		NL_SET_ERR_MSG(info->extack,
			       "need one of cert-key and cert-key-serial");
		return -EINVAL;
	}
	if (key && nla_len(key) != DTLS_P256_LEN) {
		NL_SET_ERR_MSG_ATTR(info->extack, key,
				    "cert-key must be a 32-byte P-256 scalar");
		return -EINVAL;
	}
	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(nla) != DTLS_A_HS_CERT_DER)
			continue;
		if (n == DTLS_CERT_CHAIN_MAX || !nla_len(nla)) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla,
					    "empty cert-der, or more than 8");
			return -EINVAL;
		}
		der[n] = nla_data(nla);
		len[n++] = nla_len(nla);
	}
	/* No cert-der: the key alone, a raw public key (RFC 7250). */
	err = dtls_nl_hs_target(skb, info, &t);
	if (err)
		return err;
	err = dtls_hs_cert_set(t.ds, der, len, n, key ? nla_data(key) : NULL,
			       key ? 0 :
			       nla_get_s32(a[DTLS_A_HS_CERT_KEY_SERIAL]),
			       info->extack);
	dtls_nl_hs_put(&t);
	return err;
}

int dtls_nl_cert_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	int err = dtls_nl_cert_set(skb, info);

	dtls_nl_wipe_attr(info->attrs[DTLS_A_HS_CERT_KEY]);
	return err;
}

int dtls_nl_peer_auth_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *dms = info->attrs[DTLS_A_HS_PEER_DELEGATE_TIMEOUT_MS];
	struct nlattr *req = info->attrs[DTLS_A_HS_PEER_CERT_REQUIRED];
	struct nlattr *dele = info->attrs[DTLS_A_HS_PEER_DELEGATE];
	struct nlattr *ring = info->attrs[DTLS_A_HS_PEER_TRUST_KEYRING];
	struct nlattr *name = info->attrs[DTLS_A_HS_PEER_NAME];
	struct dtls_peer_auth *pa;
	const struct nlattr *nla;
	struct dtls_nl_target t;
	int err, rem;

	pa = kzalloc(sizeof(*pa), GFP_KERNEL);
	if (!pa)
		return -ENOMEM;
	pa->required = req && nla_get_u8(req);
	pa->delegate = dele && nla_get_u8(dele);
	pa->delegate_ms = DTLS_PEER_DELEGATE_MS_DEFAULT;
	err = -EINVAL;
	/* 6.1's policy ranges are s16: checked here. */
	if (dms) {
		pa->delegate_ms = nla_get_u32(dms);
		if (pa->delegate_ms < DTLS_PEER_DELEGATE_MS_MIN ||
		    pa->delegate_ms > DTLS_PEER_DELEGATE_MS_MAX) {
			NL_SET_ERR_MSG_ATTR(info->extack, dms,
					    "peer-delegate-timeout-ms out of 100..60000");
			goto out;
		}
	}
	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem) {
		u8 (*pin)[SHA256_DIGEST_SIZE], *n;

		if (nla_type(nla) == DTLS_A_HS_PEER_PIN_SHA256) {
			pin = pa->pins;
			n = &pa->n_pins;
		} else if (nla_type(nla) == DTLS_A_HS_PEER_SPKI_SHA256) {
			pin = pa->spki;
			n = &pa->n_spki;
		} else {
			continue;
		}
		if (*n == DTLS_PEER_PINS_MAX ||
		    nla_len(nla) != SHA256_DIGEST_SIZE) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla,
					    "pins: 32 bytes, up to 8 of a kind");
			goto out;
		}
		memcpy(pin[(*n)++], nla_data(nla), SHA256_DIGEST_SIZE);
	}
	/* The caller's right to search the keyring, checked now (cert.c). */
	if (ring && nla_get_s32(ring)) {
		err = dtls_peer_auth_keyring(pa, nla_get_s32(ring));
		if (err) {
			NL_SET_ERR_MSG_ATTR(info->extack, ring,
					    "peer-trust-keyring: not a keyring this caller may search");
			goto out;
		}
	}
	if (name)
		nla_strscpy(pa->name, name, sizeof(pa->name));
	if (pa->name[0] && !pa->keyring) {
		err = -EINVAL;
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "peer-name needs peer-trust-keyring");
		goto out;
	}
	err = dtls_nl_hs_target(skb, info, &t);
	if (err)
		goto out;
	err = dtls_hs_peer_auth(t.ds, pa, info->extack);
	dtls_nl_hs_put(&t);
out:
	dtls_peer_auth_free(pa);
	kfree(pa);
	return err;
}

int dtls_nl_peer_verdict_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct dtls_nl_target t;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, DTLS_A_HS_DELEGATION_ID) ||
	    GENL_REQ_ATTR_CHECK(info, DTLS_A_HS_VERDICT))
		return -EINVAL;
	err = dtls_nl_hs_target(skb, info, &t);
	if (err)
		return err;
	err = dtls_hs_peer_verdict(t.ds,
				   nla_get_u32(info->attrs[DTLS_A_HS_DELEGATION_ID]),
				   nla_get_u8(info->attrs[DTLS_A_HS_VERDICT]) ==
				   DTLS_VERDICT_ACCEPT, info->extack);
	if (err == -ENOENT)
		NL_SET_BAD_ATTR(info->extack,
				info->attrs[DTLS_A_HS_DELEGATION_ID]);
	dtls_nl_hs_put(&t);
	return err;
}

int dtls_nl_hs_start_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct dtls_nl_target t;
	int err;

	err = dtls_nl_hs_target(skb, info, &t);
	if (err)
		return err;
	err = dtls_hs_start(t.ds, info->extack);
	dtls_nl_hs_put(&t);
	return err;
}

int dtls_nl_hs_abort_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct dtls_nl_target t;
	int err;

	err = dtls_nl_hs_target(skb, info, &t);
	if (err)
		return err;
	err = dtls_hs_abort(t.ds);
	dtls_nl_hs_put(&t);
	return err;
}

/*
 * export: RFC 5705 keying material, by fd only (the caller's own socket),
 * bounds checked here (the 6.1 policies take no binary max-len).
 */
int dtls_nl_export_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	const struct nlattr *lbl, *ctx;
	struct dtls_nl_target t;
	struct sk_buff *msg;
	struct nlattr *nla;
	void *hdr;
	u32 len;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, DTLS_A_HS_FD) ||
	    GENL_REQ_ATTR_CHECK(info, DTLS_A_HS_EXPORT_LABEL) ||
	    GENL_REQ_ATTR_CHECK(info, DTLS_A_HS_EXPORT_LENGTH))
		return -EINVAL;
	lbl = a[DTLS_A_HS_EXPORT_LABEL];
	ctx = a[DTLS_A_HS_EXPORT_CONTEXT];
	len = nla_get_u32(a[DTLS_A_HS_EXPORT_LENGTH]);
	if (!len || len > DTLS_EXPORT_LEN_MAX) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[DTLS_A_HS_EXPORT_LENGTH],
				    "length must be 1..4096");
		return len ? -EMSGSIZE : -EINVAL;
	}
	if (!nla_len(lbl) || nla_len(lbl) > DTLS_EXPORT_LABEL_MAX) {
		NL_SET_ERR_MSG_ATTR(info->extack, lbl,
				    "label must be 1..64 bytes");
		return nla_len(lbl) ? -EMSGSIZE : -EINVAL;
	}
	if (ctx && nla_len(ctx) > DTLS_EXPORT_CONTEXT_MAX) {
		NL_SET_ERR_MSG_ATTR(info->extack, ctx,
				    "context must be 0..1024 bytes");
		return -EMSGSIZE;
	}
	err = dtls_nl_hs_target(skb, info, &t);
	if (err)
		return err;
	msg = genlmsg_new(nla_total_size(len) + NLMSG_GOODSIZE, GFP_KERNEL);
	err = -ENOMEM;
	if (!msg)
		goto out;
	hdr = genlmsg_put_reply(msg, info, &dtls_nl_family, 0,
				DTLS_CMD_EXPORT);
	nla = hdr ? nla_reserve(msg, DTLS_A_HS_EXPORT_MATERIAL, len) : NULL;
	if (!nla) {
		err = -EMSGSIZE;
		goto free;
	}
	err = dtls_export(t.ds, nla_data(lbl), nla_len(lbl),
			  ctx ? nla_data(ctx) : NULL, ctx ? nla_len(ctx) : 0,
			  !!ctx, nla_data(nla), len);
	if (err == -EINVAL)
		NL_SET_ERR_MSG_ATTR(info->extack, lbl,
				    "label has a NUL or is the key schedule's");
	else if (err == -ENOTCONN)
		NL_SET_ERR_MSG(info->extack,
			       "no kernel handshake established on the socket");
	else if (err == -EKEYEXPIRED)
		NL_SET_ERR_MSG(info->extack,
			       "master secret wiped (DTLS_EXPORTER_WIPE)");
	if (err)
		goto free;
	genlmsg_end(msg, hdr);
	err = genlmsg_reply(msg, info);
	goto out;
free:
	/* The material, or a partial one: wipe it with the buffer. */
	if (nla)
		memzero_explicit(nla_data(nla), len);
	nlmsg_free(msg);
out:
	dtls_nl_hs_put(&t);
	return err;
}

/*
 * The peer's credential: its type and key digest; a certificate's digest
 * and subject, and its chain on request.
 */
static int dtls_nl_put_peer_cert(struct sk_buff *skb,
				 const struct dtls_cert_peer *pc, bool chain)
{
	struct dtls_cert_list cl;
	unsigned int i;

	if (nla_put_u8(skb, DTLS_A_HS_PEER_CERT_TYPE, pc->type) ||
	    nla_put(skb, DTLS_A_HS_PEER_SPKI_SHA256, sizeof(pc->spki_sha256),
		    pc->spki_sha256))
		return -EMSGSIZE;
	if (pc->type != DTLS_CTYPE_X509)
		return 0;
	if (nla_put(skb, DTLS_A_HS_PEER_CERT_SHA256, sizeof(pc->sha256),
		    pc->sha256) ||
	    nla_put(skb, DTLS_A_HS_PEER_SUBJECT, pc->subject_len,
		    pc->chain + pc->subject_off))
		return -EMSGSIZE;
	if (!chain || dtls_cert_parse(pc->chain, pc->chain_len, &cl))
		return 0;
	for (i = 0; i < cl.n; i++)
		if (nla_put(skb, DTLS_A_HS_CERT_DER, cl.len[i], cl.der[i]))
			return -EMSGSIZE;
	return 0;
}

/*
 * Room for dtls_nl_put_peer_cert() with the chain: the subject is a copy
 * out of the chain, and each certificate takes a header and padding.
 */
static size_t dtls_nl_peer_cert_size(const struct dtls_cert_peer *pc)
{
	return nla_total_size(sizeof(u8)) +
	       2 * nla_total_size(SHA256_DIGEST_SIZE) +
	       nla_total_size(pc->subject_len) + pc->chain_len +
	       DTLS_CERT_CHAIN_MAX * (NLA_HDRLEN + NLA_ALIGNTO);
}

/* The handshake's state and result: a snapshot, as for the dump. */
static int dtls_nl_fill_hs(struct sk_buff *skb, struct dtls_sock *ds,
			   u32 portid, u32 seq, u8 cmd)
{
	u8 state = READ_ONCE(ds->hs.state);
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &dtls_nl_family, 0, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, DTLS_A_HS_INO, ds->ino, 0) ||
	    nla_put_u32(skb, DTLS_A_HS_ROLE, READ_ONCE(ds->hs.role)) ||
	    (state && nla_put_u32(skb, DTLS_A_HS_STATE, state)))
		goto nomem;
	if (state == DTLS_HS_STATE_ESTABLISHED) {
		if (nla_put_u16(skb, DTLS_A_HS_SUITE, ds->hs.suite) ||
		    (ds->hs.peer_id &&
		     nla_put(skb, DTLS_A_HS_PEER_IDENTITY, ds->hs.peer_id_len,
			     ds->hs.peer_id)) ||
		    (ds->hs.peer_cert &&
		     dtls_nl_put_peer_cert(skb, ds->hs.peer_cert,
					   cmd == DTLS_CMD_HS_GET)))
			goto nomem;
		if (ds->hs.srtp_profile &&
		    (nla_put_u16(skb, DTLS_A_HS_SRTP_PROFILE,
				 ds->hs.srtp_profile) ||
		     nla_put(skb, DTLS_A_HS_SRTP_MKI, ds->hs.srtp_mki_len,
			     ds->hs.srtp_mki)))
			goto nomem;
	}
	if (state == DTLS_HS_STATE_FAILED) {
		if (nla_put_u32(skb, DTLS_A_HS_ERROR, ds->hs.error) ||
		    (ds->hs.alert &&
		     (nla_put_u8(skb, DTLS_A_HS_ALERT, ds->hs.alert) ||
		      nla_put_u8(skb, DTLS_A_HS_ALERT_REMOTE,
				 ds->hs.alert_remote))))
			goto nomem;
	}
	genlmsg_end(skb, hdr);
	return 0;
nomem:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

int dtls_nl_hs_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	size_t size = NLMSG_GOODSIZE;
	struct dtls_nl_target t;
	struct sk_buff *msg;
	int err;

	err = dtls_nl_hs_target(skb, info, &t);
	if (err)
		return err;
	/* Room for the peer's chain: set once, when the handshake ends. */
	lock_sock(t.ds->sk);
	if (t.ds->hs.peer_cert)
		size += dtls_nl_peer_cert_size(t.ds->hs.peer_cert);
	release_sock(t.ds->sk);
	msg = genlmsg_new(size, GFP_KERNEL);
	err = -ENOMEM;
	if (msg) {
		lock_sock(t.ds->sk);
		err = dtls_nl_fill_hs(msg, t.ds, info->snd_portid,
				      info->snd_seq, DTLS_CMD_HS_GET);
		release_sock(t.ds->sk);
		if (err)
			nlmsg_free(msg);
		else
			err = genlmsg_reply(msg, info);
	}
	dtls_nl_hs_put(&t);
	return err;
}

/**
 * dtls_nl_hs_event - multicast the end of a handshake
 * @ds: the socket
 * @done: established, or failed
 *
 * Context: process (the handshake work or a netlink handler).
 */
void dtls_nl_hs_event(struct dtls_sock *ds, bool done)
{
	struct net *net = sock_net(ds->sk);
	struct sk_buff *msg;

	if (!genl_has_listeners(&dtls_nl_family, net, DTLS_NLGRP_EVENTS))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	if (dtls_nl_fill_hs(msg, ds, 0, 0, done ? DTLS_CMD_HS_DONE_NTF :
						  DTLS_CMD_HS_FAILED_NTF)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_multicast_netns(&dtls_nl_family, net, msg, 0,
				DTLS_NLGRP_EVENTS, GFP_KERNEL);
}

/**
 * dtls_nl_peer_cert_event - ask user space about the peer's certificate
 * @ds: the socket, its handshake paused
 * @suite: the suite negotiated
 * @pc: the peer's certificate, past the kernel's checks
 * @id: the delegation-id peer-verdict must repeat
 *
 * Multicasts peer-cert-ntf (hs-get's attributes, with the chain).
 * Context: process (the handshake work), under hs->lock.
 * Return: 0, or a negative errno if no one was told (-ESRCH: no
 * listener): no answer can come, and the caller fails the handshake.
 */
int dtls_nl_peer_cert_event(struct dtls_sock *ds, u16 suite,
			    const struct dtls_cert_peer *pc, u32 id)
{
	struct net *net = sock_net(ds->sk);
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&dtls_nl_family, net, DTLS_NLGRP_EVENTS))
		return -ESRCH;
	msg = genlmsg_new(NLMSG_GOODSIZE + dtls_nl_peer_cert_size(pc),
			  GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, 0, 0, &dtls_nl_family, 0,
			  DTLS_CMD_PEER_CERT_NTF);
	if (!hdr ||
	    nla_put_u64_64bit(msg, DTLS_A_HS_INO, ds->ino, 0) ||
	    nla_put_u32(msg, DTLS_A_HS_ROLE, READ_ONCE(ds->hs.role)) ||
	    nla_put_u32(msg, DTLS_A_HS_STATE, READ_ONCE(ds->hs.state)) ||
	    nla_put_u16(msg, DTLS_A_HS_SUITE, suite) ||
	    dtls_nl_put_peer_cert(msg, pc, true) ||
	    nla_put_u32(msg, DTLS_A_HS_DELEGATION_ID, id)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_multicast_netns(&dtls_nl_family, net, msg, 0,
				       DTLS_NLGRP_EVENTS, GFP_KERNEL);
}
