/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdtls internal definitions shared by the files of dtls.ko.
 */
#ifndef _NET_DTLS_DTLS_H
#define _NET_DTLS_DTLS_H

#include <linux/list.h>
#include <linux/memcontrol.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <linux/workqueue.h>
#include <net/netns/generic.h>
#include <net/sock.h>

#include "compat/compat.h"
#include "cert.h"
#include "crypto.h"
#include "listen.h"
#include "prf.h"
#include "stats.h"

/*
 * The keys of a socket (sockopt.c installs them, tx.c and rx.c use them).
 * @tx, @rx and @rx_prev are published with RCU and changed under
 * lock_sock(), but for @rx_prev going at @rx_prev_expires, on the
 * socket's timer (softirq, by cmpxchg()), and all of them at close
 * (dtls_sockopt_release(), once nothing can install any more); readers
 * in process context take a key reference, the softirq receive path
 * reads them under rcu_read_lock().
 */
struct dtls_sock_keys {
	struct dtls_key __rcu	*tx;
	struct dtls_key __rcu	*rx;
	struct dtls_key __rcu	*rx_prev;	/* previous RX epoch, until expiry */
	unsigned long		rx_prev_expires;	/* jiffies */
};

/*
 * The in-kernel handshake of a socket (handshake.c): @engine while it is
 * configured or running (handshake.h); the result, which outlives it,
 * written under lock_sock().  The small fields come first, packed.
 */
struct dtls_sock_hs {
	struct dtls_hs __rcu	*engine;
	u8			state;		/* enum dtls_hs_state; 0: never used */
	u8			role;		/* enum dtls_hs_role */
	u8			alert;
	bool			alert_remote;
	u16			suite;
	u8			peer_id_len;
	u8			srtp_mki_len;	/* of @srtp_mki */
	int			error;		/* positive errno of a failure */
	/* RFC 5764: the SRTP profile negotiated (0: none) */
	u16			srtp_profile;
	bool			exporter_wiped;	/* see @exporter */
	/*
	 * What the socket's owner must restart when it lets the socket go
	 * (DTLS_DEFER_*, dtls_sock_try_own()): the handshake's work, and a
	 * listener's shut of this session; here, in a hole.  Under
	 * sk->sk_lock.slock.
	 */
	u8			deferred;
	u8			*peer_id;
	/*
	 * Certificate suites: the peer's credential, set once when the
	 * handshake is established (under lock_sock) and freed with the
	 * socket, never replaced: hs-get reads its size and then its
	 * contents in two lock_sock sections.  NULL if it could not be
	 * allocated then: hs-get reports no peer certificate.
	 */
	struct dtls_cert_peer	*peer_cert;
	/*
	 * The RFC 5705 exporter's secrets (exporter.c), from the end of the
	 * handshake until DTLS_EXPORTER_WIPE (@exporter_wiped) or close;
	 * under lock_sock().
	 */
	struct dtls_exporter	*exporter;
	/*
	 * The SRTP MKI, @srtp_mki_len bytes, NULL when none was negotiated
	 * (most sessions): set once when the handshake is established and
	 * freed with the socket.
	 */
	u8			*srtp_mki;
};

/*
 * The kept last flight (final.c): @flight under RCU, whoever xchg()es it
 * to NULL owns it; the work that resends it or refuses a renegotiation, as
 * the bits of @pending_ops ask (its lifetime ends on the socket's timer).
 */
struct dtls_sock_final {
	struct dtls_final __rcu	*flight;
	struct work_struct	work;
	unsigned long		pending_ops;	/* final.c's DTLS_FINAL_OP_* */
	u32			lifetime_ms;
	u16			max_resends;
	u8			dropped_by;	/* DTLS_FINAL_DROP_*, 0 */
};

/*
 * Per attached socket, one struct per concern, each owned by the file
 * named above it.  Reached from the socket through sk_user_data (RCU; the
 * receive path in softirq reads it) and from the netlink dump through the
 * per-netns list.
 *
 * Lifetime: @refs counts the socket's own reference (dropped on close) and
 * asynchronous decryptions and works in flight.  The last put frees it
 * after an RCU grace period; that callback also drops the module
 * reference taken at attach.  sock.c's dtls_sk_close() lists every context
 * that can still reach it at close.
 */
struct dtls_sock {
	struct sock *sk;
	struct proto *base_prot;	/* the UDP proto restored on close */
	/* The socket's own sk_write_space, set aside while a handshake runs. */
	void (*base_write_space)(struct sock *sk);
	/*
	 * @node: in dtls_net.socks, under its lock, from attach to close;
	 * off it (empty), its release is under way (sock.c).
	 * @rcu: the last put, which comes after close, frees @ds with it:
	 * no list walker can reach @node any more then.
	 */
	union {
		struct list_head node;
		struct rcu_head rcu;
	};
	u64 ino;			/* sock_i_ino(), for user space */
	refcount_t refs;
	bool detached;			/* closing: no queueing, no arming */
	bool closing;			/* under lock_sock(): no new handshake */
	/*
	 * The caller's UDP_SEGMENT socket option, kept here rather than in
	 * udp_sk(sk)->gso_size, where UDP would cut sealed records and the
	 * kernel's own flights with it (tx.c).  READ_ONCE/WRITE_ONCE.
	 */
	u16 tx_gso_size;

	struct dtls_sock_keys keys;

	/* Authenticated records (and non-DTLS datagrams) for recvmsg. */
	struct sk_buff_head rxq;
	/* A crypto request kept for the next record (rx.c); xchg(). */
	struct dtls_rx_req *rx_spare;

	struct dtls_sock_stats stats;

	struct dtls_sock_hs hs;
	struct dtls_sock_final final;

	/*
	 * The socket's deadlines (sock.c): the kept flight's lifetime and the
	 * previous RX epoch's end.  Armed with dtls_sock_timer_arm(), stopped
	 * by close.
	 */
	struct timer_list timer;

	/* A listening socket's sessions (listen.c); set once, under RCU. */
	struct dtls_listener __rcu *listener;
	struct dtls_listen_params listen;
	/*
	 * The replay window of RX keys installed from now on (sockopt.c):
	 * here, after the three u32 above, rather than in @keys, where it
	 * would cost 8 bytes of padding.
	 */
	u32 replay_window;
	/* A session of a listening socket (listen.h) */
	struct dtls_sock_child child;
};

/*
 * Every attached socket has one: a byte more and it takes kmalloc-1k
 * (README, "Memory").  Lock debugging and PREEMPT_RT's sleeping spinlocks
 * make locks and timers larger.
 */
static_assert(sizeof(struct dtls_sock) <= 512 ||
	      IS_ENABLED(CONFIG_DEBUG_SPINLOCK) || IS_ENABLED(CONFIG_LOCKDEP) ||
	      IS_ENABLED(CONFIG_PREEMPT_RT));

/* How long records of the previous RX epoch still open after a re-key. */
#define DTLS_RX_PREV_EPOCH_MS	30000

#define DTLS_MODULE_VERSION "0.1.0"

/* Per network namespace: the attached sockets, for dumps and lookups. */
struct dtls_net {
	struct mutex lock;		/* protects socks; process context only */
	struct list_head socks;
	struct dtls_mib __percpu *mib;
	/* Sockets UDP closed without us (sock.c, dtls_sock_reclaim()) */
	struct delayed_work reclaim;
};

extern unsigned int dtls_net_id;

static inline struct dtls_net *dtls_net(const struct net *net)
{
	return net_generic(net, dtls_net_id);
}

/* sock.c; dtls_encap_wq is main.c's */
extern struct workqueue_struct *dtls_encap_wq;
struct dtls_sock *dtls_sock_attach(struct socket *sock,
				   struct netlink_ext_ack *extack, gfp_t gfp);
void dtls_sock_exit(void);
void dtls_sock_put(struct dtls_sock *ds);
struct dtls_sock *dtls_sock_of(struct sock *sk);
bool dtls_sock_hold_open(struct dtls_sock *ds, struct file **pin);
void dtls_sock_release_hold(struct file *pin);
void dtls_sock_net_init(struct dtls_net *dn);
void dtls_sock_net_exit(struct dtls_net *dn);
void dtls_sock_reclaim_check(struct dtls_net *dn, struct dtls_sock *ds);
void dtls_sock_watch(struct dtls_sock *ds);
void dtls_udp_drop_corked(struct sock *sk);
void __dtls_udp_drop_late_cork(struct sock *sk, bool wait);

/*
 * Before a send of ours: drop plaintext UDP holds corked (sock.c); @wait
 * for the socket lock, or only try.
 */
static inline void dtls_udp_drop_late_cork(struct sock *sk, bool wait)
{
	if (unlikely(READ_ONCE(udp_sk(sk)->pending)))
		__dtls_udp_drop_late_cork(sk, wait);
}

void dtls_sock_quiet_write_space(struct dtls_sock *ds, bool quiet);

/*
 * What dtls_sk_release_cb() restarts once the owner lets the socket go
 * (dtls_sock_try_own()): the handshake's work; a listener's shut of a
 * session a restart ended (listen.c).
 */
#define DTLS_DEFER_HS_WORK	BIT(0)
#define DTLS_DEFER_SHUT		BIT(1)
int dtls_sock_try_own(struct dtls_sock *ds, u8 defer);
bool dtls_sock_still_ours(struct sock *sk);
void dtls_sock_timer_arm(struct dtls_sock *ds, unsigned long expires);

/*
 * The memory cgroup @sk is charged to, NULL where its memory is not
 * accounted (the root cgroup's socket, cgroup.memory=nosocket, v1
 * without tcp memory).  Work done for a socket in a kernel worker or
 * another task runs under it (set_active_memcg()), so that what it
 * allocates with __GFP_ACCOUNT is the socket's owner's; under NULL a
 * worker's is the root's, another task's its own.
 */
static inline struct mem_cgroup *dtls_sk_memcg(const struct sock *sk)
{
	return mem_cgroup_from_sk(sk);
}

/* Our state of an attached socket, from one of our own proto methods. */
static inline struct dtls_sock *dtls_sk(const struct sock *sk)
{
	/* The socket stays attached until close, which only close changes. */
	return rcu_dereference_protected(__sk_user_data(sk), true);
}

/*
 * UDP would gather our records into one datagram (UDP_CORK, or what it
 * holds corked: @pending) or cut them (its own UDP_SEGMENT size).  sock.c
 * refuses UDP_CORK on an attached socket and keeps UDP_SEGMENT for itself
 * (@tx_gso_size), and attach refuses a socket that has any, but UDP's
 * setsockopt sets them without the socket lock, and a send(MSG_MORE)
 * that began before the attach (UDP's sendmsg, waiting for the socket
 * lock) corks its plaintext after it: sends then fail with EBUSY rather
 * than go out corked or cut, or push that plaintext out with them (keys,
 * listen(2), a handshake's start, a keyed send and each datagram of the
 * module's own drop it first, where UDP lets us: dtls_udp_drop_corked()).
 * One that lands between this check and UDP's own look at @pending, in
 * the same send, still joins that datagram: UDP takes the socket lock
 * itself there, so we cannot hold it across the call.
 */
static inline bool dtls_udp_batching(struct sock *sk)
{
	return udp_test_bit(CORK, sk) || READ_ONCE(udp_sk(sk)->gso_size) ||
	       READ_ONCE(udp_sk(sk)->pending);
}

/* Datagrams UDP holds for the socket (not taken by us).  Any context. */
static inline bool dtls_udp_queued(struct sock *sk)
{
	return !skb_queue_empty_lockless(&udp_sk(sk)->reader_queue) ||
	       !skb_queue_empty_lockless(&sk->sk_receive_queue);
}

/*
 * A queued record's type, in its skb's control block (rx.c queues, recv.c
 * reads).
 */
struct dtls_rx_cb {
	u8	type;		/* DTLS_GET_RECORD_TYPE value */
};

#define DTLS_RX_CB(skb)	((struct dtls_rx_cb *)(skb)->cb)

void dtls_sock_keys_remade(struct dtls_sock *ds);

/*
 * The TX keys with a reference of the caller's, or NULL if the socket has
 * none.  Keys that a re-key has just put for the last time were replaced
 * before: look again, never answer NULL for a keyed socket (its caller
 * would send in the clear).  Any context.
 */
static inline struct dtls_key *dtls_tx_key_get(struct dtls_sock *ds)
{
	struct dtls_key *k;

	rcu_read_lock();
	for (;;) {
		k = rcu_dereference(ds->keys.tx);
		if (!k || refcount_inc_not_zero(&k->refs))
			break;
		/* Pairs with the put's release: see the new pointer. */
		smp_rmb();
	}
	rcu_read_unlock();
	return k;
}

/*
 * After getting ready to seal with @k, TX keys of @ds (dtls_sealer_init(),
 * whether or not it succeeded, or dtls_seal_record()): if that made its
 * transform again (it had gone for idleness), count it and have the timer
 * watch it.  Context: any but under ds->rxq.lock.
 */
static inline void dtls_tx_key_sealed(struct dtls_sock *ds, struct dtls_key *k)
{
	if (unlikely(dtls_key_take_remade(k)))
		dtls_sock_keys_remade(ds);
}

/* sockopt.c */
void dtls_sockopt_init(struct dtls_sock *ds);
void dtls_sockopt_release(struct dtls_sock *ds);
int dtls_setsockopt(struct sock *sk, int optname, sockptr_t optval,
		    unsigned int optlen);
int dtls_getsockopt(struct sock *sk, int optname, char __user *optval,
		    int __user *optlen);

int dtls_keys_install(struct sock *sk, bool rx, struct dtls_key *k);
bool dtls_keys_expire(struct dtls_sock *ds, unsigned long *expires);
void dtls_sock_keys_used(struct dtls_sock *ds);

/* tx.c */
int dtls_sk_sendmsg(struct sock *sk, struct msghdr *msg, size_t len);
void dtls_tx_close_notify(struct dtls_sock *ds);

/* rx.c */
int dtls_encap_rcv(struct sock *sk, struct sk_buff *skb);
void dtls_rx_child(struct dtls_sock *ds, struct sk_buff *skb);
void dtls_rx_child_udp(struct dtls_sock *ds, struct sk_buff *skb);
#ifdef KDTLS_HAVE_RECVMSG_NO_ADDR_LEN
int dtls_sk_recvmsg(struct sock *sk, struct msghdr *msg, size_t len, int flags);
#else
int dtls_sk_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
		    int flags, int *addr_len);
#endif
bool dtls_sock_is_readable(struct sock *sk);
int dtls_sk_ioctl(struct sock *sk, int cmd, DTLS_IOCTL_ARG arg);
void __dtls_rx_open_queued(struct sock *sk, struct dtls_sock *ds, bool tail);
void dtls_rx_open_queued(struct sock *sk, struct dtls_sock *ds);
void dtls_rx_open_rest(struct dtls_sock *ds, const struct sk_buff *skb,
		       unsigned int off);
bool dtls_rx_pages_private(const struct sk_buff *skb);
void dtls_rx_udp_mib_add(struct net *net, const struct sk_buff *skb,
			 int field, unsigned int n);

/* iter_pin.c: the caller's pages, pinned a window at a time */
#define DTLS_PIN_PAGES	16

struct dtls_pin {
	struct page	*pages[DTLS_PIN_PAGES];
	unsigned int	n;	/* pages pinned, 0: none */
	unsigned int	off;	/* the next byte, from the first's start */
	unsigned int	end;	/* the end of what was pinned, likewise */
};

#ifdef KDTLS_HAVE_IOV_ITER_EXTRACT_PAGES
void dtls_pin_release(struct dtls_pin *p, struct iov_iter *iter, bool dirty);
bool dtls_pin_room(struct dtls_pin *p, struct iov_iter *iter, size_t need,
		   size_t want, bool dirty);
#else
static inline void dtls_pin_release(struct dtls_pin *p, struct iov_iter *iter,
				    bool dirty)
{
}

static inline bool dtls_pin_room(struct dtls_pin *p, struct iov_iter *iter,
				 size_t need, size_t want, bool dirty)
{
	return false;
}
#endif

/* rx_batch.c */
bool dtls_rx_batch_reader(struct sock *sk, const struct msghdr *msg,
			  int flags);
int dtls_rx_batch_read(struct sock *sk, struct dtls_sock *ds,
		       struct msghdr *msg, size_t len, struct sk_buff **skbp,
		       unsigned int *seg);
void dtls_rx_batch_leave(struct sock *sk, struct dtls_sock *ds);
void dtls_rx_inject(struct dtls_sock *ds, struct sk_buff *skb);
int dtls_rx_charge_mem(struct sock *sk, struct sk_buff *skb);
struct sk_buff *dtls_rx_segment(const struct sk_buff *skb,
				unsigned int off, unsigned int n, gfp_t gfp);
void dtls_rx_not_dtls(struct dtls_sock *ds, struct sk_buff *skb,
		      struct sk_buff_head *early);
void dtls_rx_spare_free(struct dtls_sock *ds);

/* icmp.c */
#ifdef KDTLS_HAVE_ENCAP_ERR_RCV_INFO
void dtls_encap_err_rcv(struct sock *sk, struct sk_buff *skb, int err,
			__be16 port, u32 info, u8 *payload);
#else
void dtls_encap_err_rcv(struct sock *sk, struct sk_buff *skb,
			unsigned int udp_offset);
#endif

/* final.c */
struct dtls_flight;
struct dtls_final_flight_info;
int dtls_final_keep(struct dtls_sock *ds, const struct dtls_flight *fl,
		    struct dtls_key *tx_key, u64 tx_seq0, u32 mtu,
		    u16 peer_fin_seq, u32 interval_ms);
bool dtls_final_rx(struct dtls_sock *ds, u8 type, const u8 *data,
		   unsigned int len);
void dtls_final_init(struct dtls_sock *ds);
bool dtls_final_expire(struct dtls_sock *ds, unsigned long *expires);
void dtls_final_release(struct dtls_sock *ds);
void dtls_final_orphan(struct dtls_sock *ds);
void dtls_final_sync(struct dtls_sock *ds);
int dtls_final_setsockopt(struct dtls_sock *ds, int optname, u32 val);
void dtls_final_info(struct dtls_sock *ds, struct dtls_final_flight_info *fi);

/* exporter.c */
void dtls_export_keep(struct dtls_sock *ds, enum dtls_prf_hash prf,
		      const u8 *master, const u8 *client_random,
		      const u8 *server_random);
void dtls_export_wipe(struct dtls_sock *ds);
int dtls_export_setsockopt_wipe(struct sock *sk);
int dtls_export(struct dtls_sock *ds, const u8 *label, unsigned int label_len,
		const u8 *context, unsigned int context_len, bool use_context,
		u8 *out, unsigned int len);
int dtls_export_getsockopt(struct sock *sk, char __user *optval,
			   int __user *optlen);

/* netlink.c, netlink_hs.c */
int dtls_netlink_init(void);
void dtls_netlink_exit(void);
void dtls_nl_hs_event(struct dtls_sock *ds, bool done);
int dtls_nl_peer_cert_event(struct dtls_sock *ds, u16 suite,
			    const struct dtls_cert_peer *pc, u32 id);

#endif /* _NET_DTLS_DTLS_H */
