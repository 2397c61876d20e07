// SPDX-License-Identifier: GPL-2.0
/*
 * The RFC 5705 keying material exporter of a session the kernel's
 * handshake established (always with the extended master secret, RFC
 * 7627: the handshake refuses a peer without it).
 *
 *   PRF(master_secret, label,
 *       client_random + server_random [+ uint16 context_len + context])
 *
 * The master secret and both randoms move from the handshake to the
 * socket when it is established (dtls_export_keep()) and stay there,
 * under lock_sock(), until the application wipes them
 * (DTLS_EXPORTER_WIPE) or the socket closes; every copy is wiped.
 *
 * Context: process.
 */

#include <linux/slab.h>
#include <linux/string.h>
#include <net/sock.h>

#include <uapi/linux/dtls.h>

#include "dtls.h"
#include "prf.h"
#include "peer_mem.h"

struct dtls_exporter {
	enum dtls_prf_hash	prf;
	u8			master[DTLS_MASTER_LEN];
	/* client_random + server_random, the seed's first part */
	u8			randoms[2 * DTLS_RANDOM_LEN];
};

/*
 * At the end of the handshake, under lock_sock(): keep what the exporter
 * needs, charged as the rest of the session's state (peer_mem.h).  Without
 * memory the exporter fails with ENOKEY; the handshake does not.
 */
void dtls_export_keep(struct dtls_sock *ds, enum dtls_prf_hash prf,
		      const u8 *master, const u8 *client_random,
		      const u8 *server_random)
{
	struct dtls_exporter *ex;

	lockdep_assert_held(&ds->sk->sk_lock);
	kfree_sensitive(ds->hs.exporter);
	ds->hs.exporter = NULL;
	ex = kmalloc(sizeof(*ex), DTLS_GFP_PEER_KEEP);
	if (!ex)
		return;
	ex->prf = prf;
	memcpy(ex->master, master, DTLS_MASTER_LEN);
	memcpy(ex->randoms, client_random, DTLS_RANDOM_LEN);
	memcpy(ex->randoms + DTLS_RANDOM_LEN, server_random, DTLS_RANDOM_LEN);
	ds->hs.exporter = ex;
	ds->hs.exporter_wiped = false;
}

/* DTLS_EXPORTER_WIPE, and close (@ds no longer reachable: no lock). */
void dtls_export_wipe(struct dtls_sock *ds)
{
	kfree_sensitive(ds->hs.exporter);
	ds->hs.exporter = NULL;
}

int dtls_export_setsockopt_wipe(struct sock *sk)
{
	struct dtls_sock *ds = dtls_sk(sk);

	lock_sock(sk);
	if (ds->hs.exporter) {
		dtls_export_wipe(ds);
		ds->hs.exporter_wiped = true;
	}
	release_sock(sk);
	return 0;
}

/* The labels of the key schedule itself (RFC 5705 4: no exporter's). */
static bool dtls_export_label_reserved(const char *label)
{
	static const char *const reserved[] = {
		"client finished", "server finished", "master secret",
		"key expansion", "extended master secret",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(reserved); i++)
		if (!strcmp(label, reserved[i]))
			return true;
	return false;
}

/**
 * dtls_export - RFC 5705 keying material of the socket's session
 * @ds: the socket
 * @label: @label_len bytes, no NUL
 * @label_len: 1..DTLS_EXPORT_LABEL_MAX
 * @context: @context_len bytes if @use_context
 * @context_len: 0..DTLS_EXPORT_CONTEXT_MAX
 * @use_context: add the context (even an empty one) to the seed
 * @out: @len bytes
 * @len: 1..DTLS_EXPORT_LEN_MAX
 *
 * Context: process; takes lock_sock().
 * Return: 0, or -EINVAL, -EMSGSIZE, -ENOTCONN, -EKEYEXPIRED, -ENOKEY (see
 * linux/dtls.h, struct dtls_export).
 */
int dtls_export(struct dtls_sock *ds, const u8 *label, unsigned int label_len,
		const u8 *context, unsigned int context_len, bool use_context,
		u8 *out, unsigned int len)
{
	char lbl[DTLS_EXPORT_LABEL_MAX + 1];
	struct sock *sk = ds->sk;
	u8 *ctx = NULL;
	int err;

	BUILD_BUG_ON(DTLS_EXPORT_LABEL_MAX > DTLS_PRF_LABEL_MAX);
	if (len > DTLS_EXPORT_LEN_MAX || label_len > DTLS_EXPORT_LABEL_MAX ||
	    context_len > DTLS_EXPORT_CONTEXT_MAX)
		return -EMSGSIZE;
	if (!len || !label_len || (!use_context && context_len) ||
	    memchr(label, 0, label_len))
		return -EINVAL;
	memcpy(lbl, label, label_len);
	lbl[label_len] = '\0';
	if (dtls_export_label_reserved(lbl))
		return -EINVAL;
	if (use_context) {
		ctx = kmalloc(2 + context_len, GFP_KERNEL);
		if (!ctx)
			return -ENOMEM;
		ctx[0] = context_len >> 8;
		ctx[1] = context_len;
		if (context_len)
			memcpy(ctx + 2, context, context_len);
	}

	lock_sock(sk);
	if (ds->hs.exporter_wiped)
		err = -EKEYEXPIRED;
	else if (READ_ONCE(ds->hs.state) != DTLS_HS_STATE_ESTABLISHED)
		err = -ENOTCONN;
	else if (!ds->hs.exporter)
		err = -ENOKEY;
	else
		err = dtls_prf(ds->hs.exporter->prf, ds->hs.exporter->master,
			       DTLS_MASTER_LEN, lbl, ds->hs.exporter->randoms,
			       sizeof(ds->hs.exporter->randoms),
			       ctx, ctx ? 2 + context_len : 0, out, len);
	release_sock(sk);
	kfree(ctx);
	return err;
}

/* getsockopt(SOL_DTLS, DTLS_EXPORT_KEYING_MATERIAL): struct dtls_export */
int dtls_export_getsockopt(struct sock *sk, char __user *optval,
			   int __user *optlen)
{
	struct dtls_export req;
	u8 *buf, *out = NULL;
	unsigned int in_len;
	int len, err;

	if (get_user(len, optlen))
		return -EFAULT;
	if (len < (int)sizeof(req))
		return -EINVAL;
	if (copy_from_user(&req, optval, sizeof(req)))
		return -EFAULT;
	if (req.length > DTLS_EXPORT_LEN_MAX ||
	    req.label_len > DTLS_EXPORT_LABEL_MAX ||
	    req.context_len > DTLS_EXPORT_CONTEXT_MAX)
		return -EMSGSIZE;
	in_len = sizeof(req) + req.label_len + req.context_len;
	if (req.flags & ~DTLS_EXPORT_F_CONTEXT || req.reserved ||
	    !req.length || (unsigned int)len < in_len ||
	    (unsigned int)len < req.length)
		return -EINVAL;
	buf = memdup_user(optval + sizeof(req), in_len - sizeof(req));
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	out = kmalloc(req.length, GFP_KERNEL);
	err = -ENOMEM;
	if (out)
		err = dtls_export(dtls_sk(sk), buf, req.label_len,
				  buf + req.label_len, req.context_len,
				  req.flags & DTLS_EXPORT_F_CONTEXT, out,
				  req.length);
	if (!err && (copy_to_user(optval, out, req.length) ||
		     put_user((int)req.length, optlen)))
		err = -EFAULT;
	kfree_sensitive(out);
	kfree(buf);
	return err;
}
