// SPDX-License-Identifier: GPL-2.0
/*
 * Socket options at level SOL_DTLS: keys (DTLS_TX, DTLS_RX), the replay
 * window and DTLS_INFO; the exporter's two are exporter.c's.
 *
 * Context: process, from the socket's setsockopt()/getsockopt().  Key
 * changes happen under lock_sock(); the key pointers are RCU-published for
 * the send path and the softirq receive path (see dtls.h).
 */

#include <linux/slab.h>
#include <linux/sockptr.h>
#include <net/sock.h>

#include <uapi/linux/dtls.h>

#include "dtls.h"
#include "replay.h"

static struct dtls_key __rcu **dtls_key_slot(struct dtls_sock *ds, bool rx)
{
	return rx ? &ds->keys.rx : &ds->keys.tx;
}

static bool dtls_all_zero(const u8 *p, unsigned int n)
{
	return !memchr_inv(p, 0, n);
}

/* Validate a crypto_info from user space; the cipher it names, or NULL. */
static const struct dtls_cipher *
dtls_crypto_info_check(const u8 *buf, unsigned int len)
{
	const struct dtls_crypto_info *ci = (const void *)buf;
	const struct dtls_cipher *c;

	if (len < sizeof(*ci))
		return NULL;
	c = dtls_cipher_find(ci->cipher_type);
	if (!c || len != c->info_size ||
	    ci->version != DTLS_1_2_VERSION || ci->reserved ||
	    !ci->epoch || ci->seq > DTLS_SEQ_MAX ||
	    !dtls_all_zero(buf + c->reserved_off, 4))
		return NULL;
	return c;
}

/* Drop @k's transform if idle; count it.  True while it has one. */
static bool dtls_keys_idle_one(struct dtls_sock *ds, struct dtls_key *k)
{
	bool freed = false;

	if (dtls_key_idle(k, &freed))
		return true;
	if (freed) {
		dtls_net_stat_add(sock_net(ds->sk), DTLS_STAT_AEAD_IDLE_FREED,
				  1);
		dtls_rx_spare_free(ds);	/* an idle socket's request too */
	}
	return false;
}

/**
 * dtls_keys_expire - the previous RX epoch's end and idle transforms, on
 * the socket's timer
 * @ds: the socket
 * @expires: set to when the timer is next due for the keys, if it is
 *
 * The previous RX keys are taken by cmpxchg(): a re-key that has just put
 * other keys there (dtls_keys_install()) keeps them.  Under
 * rcu_read_lock(), the keys seen cannot be freed and come back at the
 * same address meanwhile.  Keys with a transform are checked at least
 * once a period of aead_idle_secs (crypto.c's dtls_key_idle()); more
 * often costs nothing, as the keys' own clock says which are idle.
 *
 * Context: softirq (sock.c's timer, stopped by close).
 * Return: true if @expires was set (the timer must fire again then).
 */
bool dtls_keys_expire(struct dtls_sock *ds, unsigned long *expires)
{
	struct dtls_key *k;
	unsigned long t;
	bool due = false;
	bool watch;

	rcu_read_lock();
	watch = dtls_keys_idle_one(ds, rcu_dereference(ds->keys.tx));
	watch |= dtls_keys_idle_one(ds, rcu_dereference(ds->keys.rx));
	k = rcu_dereference(ds->keys.rx_prev);
	/* Pairs with the xchg() of dtls_keys_install(): @k's own time. */
	smp_rmb();
	t = READ_ONCE(ds->keys.rx_prev_expires);
	if (k && time_before(jiffies, t)) {
		*expires = t;
		due = true;
		watch |= dtls_keys_idle_one(ds, k);
	} else if (k && unrcu_pointer(cmpxchg(&ds->keys.rx_prev,
					      RCU_INITIALIZER(k), NULL)) == k) {
		/* The key and its schedule are wiped a grace period later. */
		dtls_key_put(k);
	}
	rcu_read_unlock();
	if (watch) {
		t = jiffies + dtls_key_idle_period();
		if (!due || time_before(t, *expires))
			*expires = t;
		due = true;
	}
	return due;
}

/**
 * dtls_sock_keys_used - keys of @ds will have a transform to watch
 * @ds: the socket
 *
 * After keys are installed, or before a key whose transform went for
 * idleness is used (it is then made again): the socket's timer will look
 * at them (dtls_keys_expire()).
 * Context: any but under ds->rxq.lock, which it takes; after close set
 * ds->detached (under that lock, before it stopped the timer for good)
 * it does nothing.
 */
void dtls_sock_keys_used(struct dtls_sock *ds)
{
	unsigned long period = dtls_key_idle_period();

	if (!period)
		return;
	/* Works and decryptions may get here after close stopped it. */
	spin_lock_bh(&ds->rxq.lock);
	if (!ds->detached)
		dtls_sock_timer_arm(ds, jiffies + period);
	spin_unlock_bh(&ds->rxq.lock);
}

/* A key of @ds gets its transform again (dtls_key_aead_make()). */
void dtls_sock_keys_remade(struct dtls_sock *ds)
{
	dtls_net_stat_add(sock_net(ds->sk), DTLS_STAT_AEAD_REMADE, 1);
	dtls_sock_keys_used(ds);
}

void dtls_sockopt_init(struct dtls_sock *ds)
{
	dtls_final_init(ds);
	ds->replay_window = DTLS_REPLAY_WINDOW_DEFAULT;
	dtls_listen_params_init(ds);
}

/*
 * Context: close, before the socket goes, the socket's timer stopped; no
 * key is in use any more.
 */
void dtls_sockopt_release(struct dtls_sock *ds)
{
	struct net *net = sock_net(ds->sk);

	dtls_final_release(ds);
	if (rcu_access_pointer(ds->keys.tx))
		dtls_net_stat_add(net, DTLS_STAT_CURR_TX, -1);
	if (rcu_access_pointer(ds->keys.rx))
		dtls_net_stat_add(net, DTLS_STAT_CURR_RX, -1);
	dtls_key_put(rcu_replace_pointer(ds->keys.tx, NULL, true));
	dtls_key_put(rcu_replace_pointer(ds->keys.rx, NULL, true));
	dtls_key_put(rcu_replace_pointer(ds->keys.rx_prev, NULL, true));
}

/**
 * dtls_keys_install - make @k the TX or RX keys of @sk
 * @sk: an attached socket
 * @rx: which direction
 * @k: the keys; consumed on success
 *
 * Only epoch + 1 re-keys a direction that has keys.  The previous RX keys
 * keep opening reordered records for DTLS_RX_PREV_EPOCH_MS.
 *
 * Context: process, under lock_sock().
 * Return: 0, -ENOTCONN or -EINVAL (nothing changed).
 */
int dtls_keys_install(struct sock *sk, bool rx, struct dtls_key *k)
{
	struct dtls_sock *ds = dtls_sk(sk);
	struct dtls_key *cur;

	cur = rcu_dereference_protected(*dtls_key_slot(ds, rx),
					lockdep_sock_is_held(sk));
	if (sk->sk_state != TCP_ESTABLISHED)
		return -ENOTCONN;
	if (cur && k->epoch != cur->epoch + 1)
		return -EINVAL;		/* only epoch + 1 re-keys */
	if (!cur)
		dtls_net_stat_add(sock_net(sk),
				  rx ? DTLS_STAT_CURR_RX : DTLS_STAT_CURR_TX, 1);
	if (rx) {
		unsigned long expires = jiffies +
					msecs_to_jiffies(DTLS_RX_PREV_EPOCH_MS);
		struct dtls_key *prev;

		/*
		 * The time first, then the keys it is of (a full barrier):
		 * the timer may take the previous ones meanwhile.
		 */
		WRITE_ONCE(ds->keys.rx_prev_expires, expires);
		prev = unrcu_pointer(xchg(&ds->keys.rx_prev,
					  RCU_INITIALIZER(cur)));
		rcu_assign_pointer(ds->keys.rx, k);
		dtls_rx_open_queued(sk, ds);
		if (cur)
			dtls_sock_timer_arm(ds, expires);
		cur = prev;
	} else {
		rcu_assign_pointer(ds->keys.tx, k);
	}
	dtls_key_put(cur);
	if (!k->cipher->lib)		/* ChaCha20 keys have no transform */
		dtls_sock_keys_used(ds);
	return 0;
}

static int dtls_set_keys(struct sock *sk, bool rx, sockptr_t optval,
			 unsigned int optlen)
{
	struct dtls_sock *ds = dtls_sk(sk);
	const struct dtls_crypto_info *ci;
	const struct dtls_cipher *c;
	struct dtls_key *k;
	u8 *buf;
	int err;

	if (optlen < sizeof(*ci) || optlen > 256)
		return -EINVAL;
	buf = memdup_sockptr(optval, optlen);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ci = (const void *)buf;
	c = dtls_crypto_info_check(buf, optlen);
	if (!c) {
		err = -EINVAL;
		goto out;
	}
	if (READ_ONCE(sk->sk_state) != TCP_ESTABLISHED) {
		err = -ENOTCONN;
		goto out;
	}
	k = dtls_key_alloc(c, buf + c->key_off, buf + c->iv_off, ci->epoch,
			   ci->seq, rx, READ_ONCE(ds->replay_window),
			   GFP_KERNEL_ACCOUNT);
	if (IS_ERR(k)) {
		err = PTR_ERR(k);
		goto out;
	}

	lock_sock(sk);
	if (READ_ONCE(ds->hs.state) == DTLS_HS_STATE_RUNNING)
		err = -EBUSY;	/* the kernel's handshake installs them */
	else if (READ_ONCE(ds->hs.state) == DTLS_HS_STATE_CONFIGURED)
		err = -EISCONN;	/* one handshake per socket, its or ours */
	else
		err = dtls_keys_install(sk, rx, k);
	if (!err && !rx)
		dtls_udp_drop_corked(sk);
	release_sock(sk);
	if (err)
		dtls_key_put(k);
out:
	kfree_sensitive(buf);
	return err;
}

static int dtls_set_replay_window(struct sock *sk, sockptr_t optval,
				  unsigned int optlen)
{
	int val;

	if (optlen != sizeof(val))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;
	if (val < DTLS_REPLAY_WINDOW_MIN || val > DTLS_REPLAY_WINDOW_MAX)
		return -EINVAL;
	WRITE_ONCE(dtls_sk(sk)->replay_window, val);
	return 0;
}

int dtls_setsockopt(struct sock *sk, int optname, sockptr_t optval,
		    unsigned int optlen)
{
	switch (optname) {
	case DTLS_TX:
		return dtls_set_keys(sk, false, optval, optlen);
	case DTLS_RX:
		return dtls_set_keys(sk, true, optval, optlen);
	case DTLS_REPLAY_WINDOW:
		return dtls_set_replay_window(sk, optval, optlen);
	case DTLS_FINAL_FLIGHT_DROP:
		return dtls_final_setsockopt(dtls_sk(sk), optname, 0);
	case DTLS_EXPORTER_WIPE:
		return dtls_export_setsockopt_wipe(sk);
	case DTLS_FINAL_FLIGHT_LIFETIME:
	case DTLS_FINAL_FLIGHT_RESENDS:
	case DTLS_LISTEN_MAX_PENDING:
	case DTLS_LISTEN_ACCEPT_MS:
	case DTLS_LISTEN_RATE: {
		u32 val;

		if (optlen < sizeof(val))
			return -EINVAL;
		if (copy_from_sockptr(&val, optval, sizeof(val)))
			return -EFAULT;
		if (optname == DTLS_FINAL_FLIGHT_LIFETIME ||
		    optname == DTLS_FINAL_FLIGHT_RESENDS)
			return dtls_final_setsockopt(dtls_sk(sk), optname, val);
		return dtls_listen_setsockopt(dtls_sk(sk), optname, val);
	}
	default:
		return -ENOPROTOOPT;
	}
}

/* Copy min(len, @size) bytes of @val out, as getsockopt() does. */
static int dtls_getsockopt_copy(const void *val, unsigned int size,
				char __user *optval, int __user *optlen)
{
	int len;

	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	len = min_t(unsigned int, len, size);
	if (copy_to_user(optval, val, len) || put_user(len, optlen))
		return -EFAULT;
	return 0;
}

static void dtls_key_summary(struct sock *sk, bool rx, u16 *cipher,
			     u16 *epoch)
{
	struct dtls_sock *ds = dtls_sk(sk);
	struct dtls_key *k;

	rcu_read_lock();
	k = rcu_dereference(*dtls_key_slot(ds, rx));
	*cipher = k ? k->cipher->type : 0;
	*epoch = k ? k->epoch : 0;
	rcu_read_unlock();
}

static int dtls_get_info(struct sock *sk, char __user *optval,
			 int __user *optlen)
{
	struct dtls_info info = {
		.state = DTLS_SOCK_STATE_ATTACHED,
		.family = sk->sk_family,
		.ino = dtls_sk(sk)->ino,
	};

	dtls_key_summary(sk, false, &info.tx_cipher, &info.tx_epoch);
	dtls_key_summary(sk, true, &info.rx_cipher, &info.rx_epoch);
	return dtls_getsockopt_copy(&info, sizeof(info), optval, optlen);
}

/* The installed crypto_info, key zeroed: keys never leave the kernel. */
static int dtls_get_keys(struct sock *sk, bool rx, char __user *optval,
			 int __user *optlen)
{
	struct dtls_sock *ds = dtls_sk(sk);
	struct dtls_crypto_info *ci;
	const struct dtls_cipher *c;
	struct dtls_key *k;
	u8 buf[64];
	int len;

	if (get_user(len, optlen))
		return -EFAULT;

	lock_sock(sk);
	k = rcu_dereference_protected(*dtls_key_slot(ds, rx),
				      lockdep_sock_is_held(sk));
	if (!k) {
		release_sock(sk);
		return -ENOKEY;
	}
	c = k->cipher;
	BUILD_BUG_ON(sizeof(struct dtls12_crypto_info_chacha20_poly1305) >
		     sizeof(buf));
	memset(buf, 0, sizeof(buf));
	ci = (void *)buf;
	ci->version = DTLS_1_2_VERSION;
	ci->cipher_type = c->type;
	ci->epoch = k->epoch;
	memcpy(buf + c->iv_off, k->iv, c->iv_len);
	if (rx) {
		spin_lock_bh(&k->lock);
		ci->seq = dtls_replay_next(k->replay);
		spin_unlock_bh(&k->lock);
	} else {
		ci->seq = min_t(u64, atomic64_read(&k->tx_seq),
				DTLS_SEQ_MAX + 1);
	}
	release_sock(sk);

	if (len < c->info_size)
		return -EINVAL;
	return dtls_getsockopt_copy(buf, c->info_size, optval, optlen);
}

int dtls_getsockopt(struct sock *sk, int optname, char __user *optval,
		    int __user *optlen)
{
	int val;

	switch (optname) {
	case DTLS_INFO:
		return dtls_get_info(sk, optval, optlen);
	case DTLS_TX:
		return dtls_get_keys(sk, false, optval, optlen);
	case DTLS_RX:
		return dtls_get_keys(sk, true, optval, optlen);
	case DTLS_REPLAY_WINDOW:
		val = READ_ONCE(dtls_sk(sk)->replay_window);
		return dtls_getsockopt_copy(&val, sizeof(val), optval, optlen);
	case DTLS_FINAL_FLIGHT: {
		struct dtls_final_flight_info fi;

		dtls_final_info(dtls_sk(sk), &fi);
		return dtls_getsockopt_copy(&fi, sizeof(fi), optval, optlen);
	}
	case DTLS_FINAL_FLIGHT_LIFETIME:
		val = READ_ONCE(dtls_sk(sk)->final.lifetime_ms);
		return dtls_getsockopt_copy(&val, sizeof(val), optval, optlen);
	case DTLS_FINAL_FLIGHT_RESENDS:
		val = READ_ONCE(dtls_sk(sk)->final.max_resends);
		return dtls_getsockopt_copy(&val, sizeof(val), optval, optlen);
	case DTLS_EXPORT_KEYING_MATERIAL:
		return dtls_export_getsockopt(sk, optval, optlen);
	case DTLS_LISTEN_MAX_PENDING:
	case DTLS_LISTEN_ACCEPT_MS:
	case DTLS_LISTEN_RATE: {
		u32 v;

		dtls_listen_getsockopt(dtls_sk(sk), optname, &v);
		return dtls_getsockopt_copy(&v, sizeof(v), optval, optlen);
	}
	case DTLS_LISTEN_INFO: {
		struct dtls_listen_info li;

		if (!dtls_listen_get_info(dtls_sk(sk), &li))
			return -EINVAL;
		return dtls_getsockopt_copy(&li, sizeof(li), optval, optlen);
	}
	case DTLS_SRTP: {
		struct dtls_srtp_info si = {};
		struct dtls_sock *ds = dtls_sk(sk);

		lock_sock(sk);
		if (ds->hs.state == DTLS_HS_STATE_ESTABLISHED) {
			si.profile = ds->hs.srtp_profile;
			si.mki_len = ds->hs.srtp_mki_len;
			if (si.mki_len)
				memcpy(si.mki, ds->hs.srtp_mki, si.mki_len);
		}
		release_sock(sk);
		return dtls_getsockopt_copy(&si, sizeof(si), optval, optlen);
	}
	default:
		return -ENOPROTOOPT;
	}
}
