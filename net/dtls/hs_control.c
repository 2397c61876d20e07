// SPDX-License-Identifier: GPL-2.0
/*
 * The handshake's control (handshake.h), as netlink_hs.c calls it with typed
 * arguments: create and configure a handshake, give it PSKs, start it,
 * abort it; and stop it when the socket closes.
 *
 * peer-verdict answers a handshake paused for user space's decision on
 * the peer's certificate (handshake.h: delegation).
 *
 * Context: process, may sleep; each takes hs->lock.  None waits for the
 * socket lock under it but for a listener's new child, which no user has
 * yet: the work takes hs->lock and must never wait behind a socket's
 * owner (dtls_sock_try_own()).
 */

#include <linux/key.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/netlink.h>
#include <net/inet_sock.h>
#include <net/sock.h>

#include <uapi/linux/dtls.h>

#include "dtls.h"
#include "handshake.h"
#include "peer_mem.h"
#include "trace.h"

/* ------------------------------------------------------- control (netlink) */

/*
 * The handshake of @ds, created on first use, with a reference for the
 * caller (dtls_hs_put()).  Taken while @hs is on ds->hs.engine, which
 * holds a reference of its own until it is retired: a concurrent abort,
 * failure or close cannot free it under the caller.  Only a creation
 * takes lock_sock(): a listener's work looks up its template here, and
 * may not wait for a socket user space holds (dtls_sock_try_own()).  What
 * it finds may have been taken off meanwhile: under hs->lock, callers
 * find it dead or ended.
 * Context: process, holding the socket (its file, or a reference from the
 * netns list).
 */
static struct dtls_hs *dtls_hs_get(struct dtls_sock *ds, bool create)
{
	struct sock *sk = ds->sk;
	struct dtls_hs *hs;
	int err = 0;

	if (!create) {
		/* Freed a grace period after the last put (dtls_hs_put()). */
		rcu_read_lock();
		hs = rcu_dereference(ds->hs.engine);
		if (hs && !refcount_inc_not_zero(&hs->refs))
			hs = NULL;
		rcu_read_unlock();
		return hs ?: ERR_PTR(-ENOENT);
	}
	lock_sock(sk);
	hs = rcu_dereference_protected(ds->hs.engine, lockdep_sock_is_held(sk));
	if (hs) {
		refcount_inc(&hs->refs);
		goto out;
	}
	if (ds->closing)
		err = -EBADF;
	else if (ds->hs.state == DTLS_HS_STATE_ESTABLISHED)
		err = -EISCONN;
	else if (ds->hs.state)
		err = -EALREADY;	/* one handshake per socket */
	else if (rcu_access_pointer(ds->keys.tx) || rcu_access_pointer(ds->keys.rx))
		err = -EISCONN;		/* keys from user space */
	else if (rcu_access_pointer(ds->listener))
		err = -EINVAL;		/* its sessions' handshakes are user space's */
	else if (ds->child.user &&
		 READ_ONCE(ds->child.state) != DTLS_CHILD_ACCEPTED)
		err = -EBUSY;		/* the application's once it accepts it */
	/*
	 * Let go by its listener.  Its shut (dtls_listen_shut()) sets the
	 * mark under this lock (a restart set it before, under l->lock),
	 * then aborts the handshake: one made here before is aborted, none
	 * is made after.
	 */
	else if (READ_ONCE(ds->child.orphaned))
		err = -EPIPE;
	if (err)
		goto out;
	/*
	 * No OOM killer (proto.h): a kernel-handshake session's is made for
	 * a peer, which resends its ClientHello if it is refused (one light
	 * reclaim at most); the caller's own request gets -ENOMEM.
	 */
	hs = kzalloc(sizeof(*hs),
		     READ_ONCE(ds->child.l) && !ds->child.user ?
		     DTLS_GFP_PEER : DTLS_GFP_PEER_KEEP);
	if (!hs) {
		err = -ENOMEM;
		goto out;
	}
	hs->ds = ds;
	hs->sk = sk;
	refcount_set(&hs->refs, 2);	/* ds->hs.engine and the caller */
	sock_hold(sk);
	refcount_inc(&ds->refs);
	mutex_init(&hs->lock);
	INIT_WORK(&hs->work, dtls_hs_work);
	timer_setup(&hs->timer, dtls_hs_timer_fn, 0);
	timer_setup(&hs->deleg_timer, dtls_hs_deleg_timer_fn, 0);
	skb_queue_head_init(&hs->rxq);
	__skb_queue_head_init(&hs->early);
	__skb_queue_head_init(&hs->next);
	dtls_proto_init(&hs->pr);
	ds->hs.role = hs->pr.p.role;
	trace_dtls_hs_state(ds, ds->hs.state, DTLS_HS_STATE_CONFIGURED);
	ds->hs.state = DTLS_HS_STATE_CONFIGURED;
	rcu_assign_pointer(ds->hs.engine, hs);
out:
	release_sock(sk);
	return err ? ERR_PTR(err) : hs ?: ERR_PTR(-ENOENT);
}

static int dtls_hs_lock_idle(struct dtls_sock *ds, struct dtls_hs **hsp)
{
	struct dtls_hs *hs = dtls_hs_get(ds, true);

	if (IS_ERR(hs))
		return PTR_ERR(hs);
	mutex_lock(&hs->lock);
	if (dtls_hs_over(hs) || hs->pr.step != DTLS_HS_IDLE) {
		mutex_unlock(&hs->lock);
		dtls_hs_put(hs);
		return -EBUSY;
	}
	*hsp = hs;
	return 0;
}

/* The end of a dtls_hs_lock_idle() section. */
static void dtls_hs_unlock_put(struct dtls_hs *hs)
{
	mutex_unlock(&hs->lock);
	dtls_hs_put(hs);
}

/**
 * dtls_hs_config - change the parameters of a handshake not yet started
 * @ds: the socket
 * @req: the fields given (@req->set) and their values; the others keep
 *	 theirs
 * @extack: for the reason of a refusal
 *
 * Checks what the values mean (a suite or group we have, ranges); the
 * caller (netlink_hs.c) has checked their form.
 * Context: process, may sleep.  Return: 0 or a negative errno.
 */
int dtls_hs_config(struct dtls_sock *ds, const struct dtls_hs_config_req *req,
		   struct netlink_ext_ack *extack)
{
	const struct dtls_hs_params *in = &req->p;
	struct dtls_hs_params p;
	struct dtls_hs *hs;
	unsigned int i;
	int err;

	err = dtls_hs_lock_idle(ds, &hs);
	if (err)
		return err;
	p = hs->pr.p;
	err = -EINVAL;
	if (req->set & DTLS_HS_SET_ROLE)
		p.role = in->role;
	if (req->set & DTLS_HS_SET_SUITES) {
		for (i = 0; i < in->n_suites; i++)
			if (!dtls_suite_find(in->suites[i]))
				break;
		if (i < in->n_suites || req->suite_attr[DTLS_HS_MAX_SUITES]) {
			NL_SET_ERR_MSG_ATTR(extack, req->suite_attr[i < in->n_suites ?
						i : DTLS_HS_MAX_SUITES],
					    "unknown suite or too many");
			goto out;
		}
		p.n_suites = in->n_suites;
		memcpy(p.suites, in->suites, sizeof(p.suites));
	}
	if (req->set & DTLS_HS_SET_GROUPS) {
		for (i = 0; i < in->n_groups; i++)
			if (!dtls_kex_group_supported(in->groups[i]))
				break;
		if (i < in->n_groups || req->group_attr[DTLS_HS_MAX_GROUPS]) {
			NL_SET_ERR_MSG_ATTR(extack, req->group_attr[i < in->n_groups ?
						i : DTLS_HS_MAX_GROUPS],
					    "unsupported group or too many");
			goto out;
		}
		p.n_groups = in->n_groups;
		memcpy(p.groups, in->groups, sizeof(p.groups));
	}
	if (req->set & DTLS_HS_SET_MTU)
		p.mtu = in->mtu;
	if (req->set & DTLS_HS_SET_RTO_INITIAL)
		p.rto_initial_ms = in->rto_initial_ms;
	if (req->set & DTLS_HS_SET_RTO_MAX)
		p.rto_max_ms = in->rto_max_ms;
	if (req->set & DTLS_HS_SET_TIMEOUT)
		p.timeout_ms = in->timeout_ms;
	if (req->set & DTLS_HS_SET_COOKIES)
		p.cookies = in->cookies;
	if (req->set & DTLS_HS_SET_ICMP_IGNORE)
		p.icmp_ignore = in->icmp_ignore;
	if (req->set & DTLS_HS_SET_HINT) {
		p.hint_len = in->hint_len;
		memcpy(p.hint, in->hint, sizeof(p.hint));
	}
	/* use_srtp: netlink_hs.c checked the profiles and the MKI's length. */
	if (req->set & DTLS_HS_SET_SRTP) {
		p.n_srtp = in->n_srtp;
		memcpy(p.srtp, in->srtp, sizeof(p.srtp));
	}
	if (req->set & DTLS_HS_SET_SRTP_MKI) {
		p.srtp_mki_len = in->srtp_mki_len;
		memcpy(p.srtp_mki, in->srtp_mki, sizeof(p.srtp_mki));
	}
	if (req->set & DTLS_HS_SET_SRTP_REQ)
		p.srtp_required = in->srtp_required;
	if (p.mtu < 256 || p.mtu > 65507) {
		NL_SET_ERR_MSG(extack, "mtu out of 256..65507");
		goto out;
	}
	if (p.rto_initial_ms < 50 || p.rto_initial_ms > 60000 ||
	    p.rto_max_ms < p.rto_initial_ms || p.rto_max_ms > 600000) {
		NL_SET_ERR_MSG(extack,
			       "rto-initial-ms out of 50..60000 or rto-max-ms out of it..600000");
		goto out;
	}
	if (p.timeout_ms < 100 || p.timeout_ms > 3600000) {
		NL_SET_ERR_MSG(extack, "timeout-ms out of 100..3600000");
		goto out;
	}
	/* A listener's template makes servers (dtls_hs_start_child()). */
	if (p.role != DTLS_HS_ROLE_SERVER && rcu_access_pointer(ds->listener)) {
		NL_SET_ERR_MSG(extack, "a listener's sessions are servers");
		goto out;
	}
	hs->pr.p = p;
	WRITE_ONCE(ds->hs.role, p.role);
	err = 0;
out:
	dtls_hs_unlock_put(hs);
	return err;
}

/**
 * dtls_hs_psk_add - give a handshake not yet started a PSK
 * @ds: the socket
 * @id: the identity, 1..128 bytes
 * @id_len: its length
 * @key: the key, 1..64 bytes; NULL to read it from the kernel key @serial
 * @key_len: its length
 * @serial: a "user" or "logon" key the caller may search, when !@key
 * @extack: for the reason of a refusal
 *
 * Context: process, may sleep.  Return: 0 or a negative errno.
 */
int dtls_hs_psk_add(struct dtls_sock *ds, const u8 *id, unsigned int id_len,
		    const u8 *key, unsigned int key_len, s32 serial,
		    struct netlink_ext_ack *extack)
{
	struct dtls_hs *hs;
	int err;

	err = dtls_hs_lock_idle(ds, &hs);
	if (err)
		return err;
	if (key)
		err = dtls_psk_add(&hs->pr, id, id_len, key, key_len,
				   GFP_KERNEL_ACCOUNT);
	else
		err = dtls_psk_add_keyring(&hs->pr, id, id_len, serial);
	if (err == -EINVAL)
		NL_SET_ERR_MSG(extack, "PSK must be 1..64 bytes");
	dtls_hs_unlock_put(hs);
	return err;
}

/**
 * dtls_hs_cert_set - give a handshake not yet started our certificate
 * @ds: the socket
 * @der: the chain, DER, ours first
 * @len: the lengths
 * @n: how many, 0..DTLS_CERT_CHAIN_MAX (0: the key alone, a raw public key)
 * @key: the 32-byte P-256 private key; NULL to read it from @serial
 * @serial: a "user" or "logon" key the caller may search, when !@key
 * @extack: for the reason of a refusal
 *
 * Context: process, may sleep.  Return: 0 or a negative errno.
 */
int dtls_hs_cert_set(struct dtls_sock *ds, const u8 *const *der,
		     const u32 *len, unsigned int n, const u8 *key, s32 serial,
		     struct netlink_ext_ack *extack)
{
	u8 priv[DTLS_P256_LEN];
	struct dtls_hs *hs;
	int err;

	err = dtls_hs_lock_idle(ds, &hs);
	if (err)
		return err;
	if (key) {
		memcpy(priv, key, sizeof(priv));
	} else {
		err = dtls_cert_key_from_keyring(serial, priv);
		if (err) {
			NL_SET_ERR_MSG(extack,
				       "cert-key-serial: no user or logon key of 32 bytes we may search");
			goto out;
		}
	}
	err = dtls_cert_own_set(&hs->pr.own, der, len, n, priv);
	switch (err) {
	case -EBADMSG:
		NL_SET_ERR_MSG(extack, "a certificate is not X.509 DER");
		err = -EINVAL;
		break;
	case -EOPNOTSUPP:
		NL_SET_ERR_MSG(extack, "the first certificate's key is not ECDSA P-256");
		break;
	case -EINVAL:
		NL_SET_ERR_MSG(extack, "the key is not a P-256 private key");
		break;
	case -EKEYREJECTED:
		NL_SET_ERR_MSG(extack, "the key is not the first certificate's");
		break;
	case -EMSGSIZE:
		NL_SET_ERR_MSG(extack, "the chain is over 16 KiB");
		break;
	}
out:
	memzero_explicit(priv, sizeof(priv));
	dtls_hs_unlock_put(hs);
	return err;
}

/**
 * dtls_hs_peer_auth - how a handshake not yet started checks the peer
 * @ds: the socket
 * @pa: the new settings, as netlink parsed them; on success, their
 *	keyring reference moves to the handshake
 * @extack: for the reason of a refusal
 *
 * Context: process, may sleep.  Return: 0 or a negative errno.
 */
int dtls_hs_peer_auth(struct dtls_sock *ds, struct dtls_peer_auth *pa,
		      struct netlink_ext_ack *extack)
{
	struct dtls_hs *hs;
	int err;

	err = dtls_hs_lock_idle(ds, &hs);
	if (err)
		return err;
	err = dtls_peer_auth_replace(&hs->pr.auth, pa);
	if (err)
		NL_SET_ERR_MSG(extack,
			       "up to 8 pins of a kind; peer-cert-required needs a pin, a keyring or peer-delegate");
	dtls_hs_unlock_put(hs);
	return err;
}

int dtls_hs_start(struct dtls_sock *ds, struct netlink_ext_ack *extack)
{
	struct sock *sk = ds->sk;
	struct dtls_hs_params p;
	struct dtls_hs *hs;
	int err;

	if (rcu_access_pointer(ds->listener))
		return -EINVAL;		/* the children's template */
again:
	err = dtls_hs_lock_idle(ds, &hs);
	if (err)
		return err;
	err = -ENOKEY;
	if (!hs->pr.n_psks && !hs->pr.own.has_key &&
	    !dtls_peer_auth_any(&hs->pr.auth)) {
		NL_SET_ERR_MSG(extack, "no PSK");
		goto out;
	}
	err = -ENOTCONN;
	if (hs->pr.p.role == DTLS_HS_ROLE_CLIENT &&
	    READ_ONCE(sk->sk_state) != TCP_ESTABLISHED) {
		NL_SET_ERR_MSG(extack, "a client socket must be connected");
		goto out;
	}
	if (hs->pr.p.role == DTLS_HS_ROLE_SERVER && !inet_sk(sk)->inet_num) {
		NL_SET_ERR_MSG(extack, "a server socket must be bound");
		goto out;
	}
	/* A refused start leaves the configuration as it was. */
	p = hs->pr.p;
	dtls_proto_defaults(&hs->pr);
	err = dtls_proto_ready(&hs->pr);
	if (err) {
		hs->pr.p = p;
		NL_SET_ERR_MSG(extack,
			       "no credentials for any allowed suite: a PSK, our certificate (server) or peer pins (client)");
		goto out;
	}
	hs->rto = msecs_to_jiffies(hs->pr.p.rto_initial_ms);
	hs->deadline = jiffies + msecs_to_jiffies(hs->pr.p.timeout_ms);
	dtls_reasm_init(&hs->reasm, 0);
	/*
	 * Not waited for under hs->lock, which the work takes: wait outside
	 * it, then check everything again.  The configuration is as it was:
	 * no one else held hs->lock since @p was saved.
	 */
	if (dtls_sock_try_own(ds, 0) <= 0) {
		hs->pr.p = p;
		dtls_hs_unlock_put(hs);
		/* An owner that takes the socket back each time: not forever. */
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
		goto again;	/* dtls_hs_get() waits for the socket */
	}
	if (rcu_access_pointer(ds->listener)) {
		/* listen(2) came in between: the children's template. */
		release_sock(sk);
		hs->pr.p = p;
		err = -EINVAL;
		goto out;
	}
	dtls_udp_drop_corked(sk);
	/* A reader that sees it running finds a server's engine listening. */
	if (hs->pr.p.role == DTLS_HS_ROLE_SERVER)
		dtls_proto_set_step(&hs->pr, DTLS_HS_S_LISTEN);
	dtls_hs_set_state(ds, DTLS_HS_STATE_RUNNING);
	/*
	 * What UDP queued before: a ClientHello that beat the start goes to
	 * the engine, STUN to the application's queue, marked.
	 */
	dtls_rx_open_queued(sk, ds);
	release_sock(sk);
	dtls_net_stat_add(sock_net(sk), DTLS_STAT_HS_STARTED, 1);
	if (hs->pr.p.role == DTLS_HS_ROLE_SERVER) {
		err = 0;
	} else {
		struct dtls_proto_out out;
		struct mem_cgroup *memcg;

		/* The socket's memory, as in the work, not the caller's. */
		memcg = set_active_memcg(dtls_sk_memcg(sk));
		/* A failure is the socket's now, not the request's. */
		dtls_hs_act(hs, dtls_client_start(&hs->pr, &out), &out);
		set_active_memcg(memcg);
		err = 0;
	}
out:
	dtls_hs_unlock_put(hs);
	return err;
}

/*
 * What a listener's configuration gives each of its children, for a
 * peer's ClientHello: at the cgroup's limit refused after one light
 * reclaim (the peer resends it).  The PSK copies too: up to
 * DTLS_HS_MAX_PSKS of them, 16 KiB a pending session.
 */
static int dtls_hs_config_copy(struct dtls_proto *dst,
			       const struct dtls_proto *src)
{
	const struct dtls_psk *psk;
	int err;

	dst->p = src->p;
	list_for_each_entry(psk, &src->psks, node) {
		err = dtls_psk_add(dst, psk->id, psk->id_len, psk->key,
				   psk->key_len, DTLS_GFP_PEER);
		if (err)
			return err;
	}
	if (src->own.body_len) {
		dst->own.body = kmemdup(src->own.body, src->own.body_len,
					DTLS_GFP_PEER);
		if (!dst->own.body)
			return -ENOMEM;
		dst->own.body_len = src->own.body_len;
	}
	dst->own.has_key = src->own.has_key;
	memcpy(dst->own.spki, src->own.spki, sizeof(dst->own.spki));
	dst->own.key = src->own.key;
	dst->auth = src->auth;
	if (dst->auth.keyring)
		key_get(dst->auth.keyring);
	return 0;
}

/**
 * dtls_hs_listen_check - may @ds become a listener (listen.c)?
 * @ds: the socket
 *
 * A configured server handshake, not started, with credentials.  The
 * handshake stays configured: it is the template of the children's, and
 * hs-config, psk-add and cert-set still change it for those to come.
 * Context: process, not under lock_sock().  Return: 0 or a negative errno.
 */
int dtls_hs_listen_check(struct dtls_sock *ds)
{
	struct dtls_hs *hs = dtls_hs_get(ds, false);
	struct dtls_proto *pr;
	int err = 0;

	if (IS_ERR(hs))
		return -EINVAL;		/* no handshake configured */
	pr = kmalloc(sizeof(*pr), GFP_KERNEL);
	if (!pr) {
		dtls_hs_put(hs);
		return -ENOMEM;
	}
	mutex_lock(&hs->lock);
	if (dtls_hs_over(hs) || hs->pr.step != DTLS_HS_IDLE)
		err = -EALREADY;
	else if (hs->pr.p.role != DTLS_HS_ROLE_SERVER)
		err = -EINVAL;
	else if (!hs->pr.n_psks && !hs->pr.own.has_key)
		err = -ENOKEY;
	if (!err) {
		/* What dtls_hs_start() would refuse, on a throwaway copy. */
		dtls_proto_init(pr);
		err = dtls_hs_config_copy(pr, &hs->pr);
		if (!err) {
			dtls_proto_defaults(pr);
			err = dtls_proto_ready(pr) ? -ENOKEY : 0;
		}
		dtls_proto_free(pr);
	}
	mutex_unlock(&hs->lock);
	dtls_hs_put(hs);
	kfree_sensitive(pr);
	return err;
}

/* Does the listener's template ask for cookies?  Context: process. */
bool dtls_hs_template_cookies(struct dtls_sock *ds)
{
	struct dtls_hs *hs = dtls_hs_get(ds, false);
	bool cookies;

	if (IS_ERR(hs))
		return true;
	mutex_lock(&hs->lock);
	cookies = hs->pr.p.cookies;
	mutex_unlock(&hs->lock);
	dtls_hs_put(hs);
	return cookies;
}

/**
 * dtls_hs_start_child - a listener's child starts its handshake
 * @ds: the child, connected to its peer, attached, never started
 * @parent: the listener, whose configured handshake is the template
 * @hello: the peer's ClientHello, its cookie checked (data at the UDP
 *	   payload, headers intact); consumed
 *
 * Context: process (listen.c's work).  Return: 0 or a negative errno:
 * then @ds's handshake never started, or failed.
 */
int dtls_hs_start_child(struct dtls_sock *ds, struct dtls_sock *parent,
			struct sk_buff *hello)
{
	struct dtls_hs *tmpl, *hs;
	struct sock *sk = ds->sk;
	int err;

	tmpl = dtls_hs_get(parent, false);
	if (IS_ERR(tmpl)) {
		kfree_skb(hello);
		return -ENOENT;
	}
	err = dtls_hs_lock_idle(ds, &hs);
	if (err) {
		dtls_hs_put(tmpl);
		kfree_skb(hello);
		return err;
	}
	/* Child, then template: never the other way round. */
	mutex_lock_nested(&tmpl->lock, SINGLE_DEPTH_NESTING);
	err = dtls_hs_config_copy(&hs->pr, &tmpl->pr);
	mutex_unlock(&tmpl->lock);
	dtls_hs_put(tmpl);
	WRITE_ONCE(ds->replay_window,
		   READ_ONCE(parent->replay_window));
	if (!err) {
		dtls_proto_defaults(&hs->pr);
		err = dtls_proto_ready(&hs->pr);
	}
	if (err) {
		kfree_skb(hello);
		dtls_hs_unlock_put(hs);
		return err;
	}
	/* The listener checked the cookie: this socket has only this peer. */
	hs->pr.p.cookies = false;
	hs->pr.p.role = DTLS_HS_ROLE_SERVER;	/* hs-config holds it too */
	WRITE_ONCE(ds->hs.role, DTLS_HS_ROLE_SERVER);
	hs->rto = msecs_to_jiffies(hs->pr.p.rto_initial_ms);
	hs->deadline = jiffies + msecs_to_jiffies(hs->pr.p.timeout_ms);
	dtls_reasm_init(&hs->reasm, 0);
	lock_sock(sk);
	dtls_proto_set_step(&hs->pr, DTLS_HS_S_LISTEN);
	dtls_hs_set_state(ds, DTLS_HS_STATE_RUNNING);
	release_sock(sk);
	dtls_net_stat_add(sock_net(sk), DTLS_STAT_HS_STARTED, 1);
	err = dtls_hs_take_hello(hs, hello);
	/* Unpublished, counted; the listener reaps the session. */
	if (err)
		dtls_hs_fail(hs, err, 0, false);
	dtls_hs_unlock_put(hs);
	return err;
}

int dtls_hs_abort(struct dtls_sock *ds)
{
	struct dtls_hs *hs;
	int err = 0;

	/* A listener's configuration is its sessions' template: close it. */
	if (rcu_access_pointer(ds->listener))
		return -EINVAL;
	hs = dtls_hs_get(ds, false);

	if (IS_ERR(hs))
		return -ENOENT;
	mutex_lock(&hs->lock);
	if (dtls_hs_over(hs) || hs->pr.step == DTLS_HS_DONE)
		err = -EALREADY;
	else
		dtls_hs_fail(hs, -ECONNABORTED, 0, false);
	mutex_unlock(&hs->lock);
	dtls_hs_put(hs);
	return err;
}

/**
 * dtls_hs_peer_verdict - user space's answer to peer-cert-ntf
 * @ds: the socket
 * @id: the delegation-id of the event
 * @accept: go on; else fail with bad_certificate
 * @extack: for the reason of a refusal
 *
 * An answer to no pending decision (none, or another @id: an earlier
 * handshake's, or after the deadline) changes nothing.
 * Context: process, may sleep.
 * Return: 0, -ENOENT if nothing with @id waits.
 */
int dtls_hs_peer_verdict(struct dtls_sock *ds, u32 id, bool accept,
			 struct netlink_ext_ack *extack)
{
	struct dtls_hs *hs = dtls_hs_get(ds, false);
	int err = 0;

	if (IS_ERR(hs)) {
		NL_SET_ERR_MSG(extack, "no handshake waits for a verdict");
		return -ENOENT;
	}
	mutex_lock(&hs->lock);
	if (dtls_hs_over(hs) || !hs->deleg_id || hs->deleg_id != id) {
		if (hs->deleg_id && !dtls_hs_over(hs))
			NL_SET_ERR_MSG(extack,
				       "delegation-id is not the pending one");
		else
			NL_SET_ERR_MSG(extack,
				       "no handshake waits for a verdict");
		err = -ENOENT;
		goto out;
	}
	/* Past the deadline, the timer's work may not have run yet: late. */
	if (time_after_eq(jiffies, hs->deleg_deadline)) {
		NL_SET_ERR_MSG(extack, "the verdict came after its deadline");
		dtls_hs_fail(hs, -ETIMEDOUT, DTLS_ALERT_CERTIFICATE_UNKNOWN,
			     false);
		err = -ENOENT;
		goto out;
	}
	hs->deleg_id = 0;
	timer_delete(&hs->deleg_timer);
	if (accept) {
		struct mem_cgroup *memcg;

		/* The socket's memory, as in the work, not the caller's. */
		memcg = set_active_memcg(dtls_sk_memcg(hs->sk));
		dtls_hs_resume(hs);
		set_active_memcg(memcg);
	} else {
		dtls_hs_fail(hs, -EKEYREJECTED, DTLS_ALERT_BAD_CERTIFICATE,
			     false);
	}
out:
	mutex_unlock(&hs->lock);
	dtls_hs_put(hs);
	return err;
}

/**
 * dtls_hs_release - the socket closes: stop its handshake
 * @ds: the socket
 *
 * Context: process (close), not under lock_sock().
 */
void dtls_hs_release(struct dtls_sock *ds)
{
	struct sock *sk = ds->sk;
	struct dtls_hs *hs;

	lock_sock(sk);
	ds->closing = true;
	hs = rcu_replace_pointer(ds->hs.engine, NULL, lockdep_sock_is_held(sk));
	release_sock(sk);
	if (hs) {
		mutex_lock(&hs->lock);
		hs->dead = true;
		mutex_unlock(&hs->lock);
		dtls_hs_retire(hs);
	}
}
