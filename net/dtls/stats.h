/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NET_DTLS_STATS_H
#define _NET_DTLS_STATS_H

#include <linux/atomic.h>
#include <linux/percpu.h>

/*
 * Record layer counters: per netns in /proc/net/dtls_stat (per-CPU, any
 * context), per socket in the netlink dump (atomics).  The per-socket ones
 * are the first DTLS_SOCK_STAT_NUM of the netns list, in the order of the
 * netlink spec's "stats" attribute set.
 */
enum dtls_stat {
	DTLS_STAT_TX_RECORDS,
	DTLS_STAT_TX_BYTES,
	DTLS_STAT_RX_RECORDS,
	DTLS_STAT_RX_BYTES,
	DTLS_STAT_RX_AUTH_FAIL,
	DTLS_STAT_RX_REPLAY,
	DTLS_STAT_RX_BAD_EPOCH,
	DTLS_STAT_RX_MALFORMED,
	DTLS_STAT_RX_NOT_DTLS,
	DTLS_STAT_RX_DROPPED,
	DTLS_STAT_FINAL_RESENT,
	DTLS_STAT_FINAL_DROP_DATA,
	DTLS_STAT_FINAL_DROP_USER,
	DTLS_STAT_FINAL_DROP_TIMER,
	DTLS_STAT_FINAL_LATE,
	DTLS_SOCK_STAT_NUM,
	/* netns only: gauges of sockets with keys */
	DTLS_STAT_CURR_TX = DTLS_SOCK_STAT_NUM,
	DTLS_STAT_CURR_RX,
	/* netns only: the in-kernel handshake */
	DTLS_STAT_HS_STARTED,
	DTLS_STAT_HS_DONE,
	DTLS_STAT_HS_FAILED,
	DTLS_STAT_HS_HVR_SENT,		/* cookies asked for */
	DTLS_STAT_HS_RETRANSMIT,	/* flights resent on the timer */
	DTLS_STAT_HS_PEER_RESENT,	/* flights resent on a peer's resend */
	DTLS_STAT_HS_BAD_FRAGMENT,	/* fragments rejected */
	DTLS_STAT_HS_RENEG_REFUSED,	/* no_renegotiation alerts sent */
	/* netns only: listening sockets (listen.c) */
	DTLS_STAT_LISTEN_SPAWNED,	/* sessions whose handshake started */
	DTLS_STAT_LISTEN_ACCEPTED,
	DTLS_STAT_LISTEN_EXPIRED,	/* established, never accepted */
	DTLS_STAT_LISTEN_RATELIMITED,	/* ClientHellos over a source's rate */
	DTLS_STAT_LISTEN_QUEUE_FULL,	/* ClientHellos the work had no room for */
	DTLS_STAT_LISTEN_PENDING_FULL,	/* max-pending handshakes running */
	DTLS_STAT_LISTEN_EVICTED,	/* the oldest handshake made room */
	DTLS_STAT_LISTEN_BACKLOG_FULL,	/* backlog sessions wait for accept() */
	DTLS_STAT_LISTEN_NO_SESSION,	/* DTLS, not a ClientHello, unknown peer */
	DTLS_STAT_LISTEN_RESTARTED,	/* a peer began anew (RFC 6347 4.2.8) */
	DTLS_STAT_LISTEN_NO_MEMORY,	/* no memory for a new session */
	DTLS_STAT_LISTEN_SHUT_FULL,	/* restarts waiting for ended sessions */
	/* netns only: AES transforms of idle keys (crypto.c) */
	DTLS_STAT_AEAD_IDLE_FREED,	/* freed for idleness */
	DTLS_STAT_AEAD_REMADE,		/* made again by a record */
	/* netns only: records offered to UDP as pages, not copied (tx.c) */
	DTLS_STAT_TX_SPLICED,
	/* netns only: records a batch reader took whole (rx_batch.c) */
	DTLS_STAT_RX_BATCHED,
	DTLS_STAT_NUM,
};

/*
 * Why a datagram or record was dropped: the dtls_drop tracepoint (trace.h
 * names them).  Each goes with one of the counters above.
 */
enum dtls_drop_reason {
	DTLS_DROP_MALFORMED,	/* DTLS_STAT_RX_MALFORMED */
	DTLS_DROP_BAD_EPOCH,	/* DTLS_STAT_RX_BAD_EPOCH */
	DTLS_DROP_AUTH_FAIL,	/* DTLS_STAT_RX_AUTH_FAIL */
	DTLS_DROP_REPLAY,	/* DTLS_STAT_RX_REPLAY */
	DTLS_DROP_NOT_DTLS,	/* not DTLS, the reader did not take it */
	DTLS_DROP_FILTER,	/* socket filter, BPF or LSM */
	DTLS_DROP_RCVBUF,	/* the receive buffer is full */
	DTLS_DROP_NOMEM,
	DTLS_DROP_CSUM,		/* a UDP checksum failed */
	DTLS_DROP_CRYPTO,	/* decryption failed otherwise */
	DTLS_DROP_HS_QUEUE,	/* the handshake's datagram queue is full */
	DTLS_DROP_HS_EARLY,	/* too much data before the Finished */
	DTLS_DROP_HS_FRAGMENT,	/* DTLS_STAT_HS_BAD_FRAGMENT */
	DTLS_DROP_FINAL_LATE,	/* DTLS_STAT_FINAL_LATE */
	DTLS_DROP_LISTEN,	/* a listener's DTLS_STAT_LISTEN_* limits */
	DTLS_DROP_OWNED,	/* the socket's owner held it (RX_DROPPED) */
};

struct dtls_mib {
	unsigned long	mibs[DTLS_STAT_NUM];
};

struct dtls_sock_stats {
	atomic64_t	v[DTLS_SOCK_STAT_NUM];
};

struct net;
struct dtls_sock;

int dtls_stats_net_init(struct net *net);
void dtls_stats_net_exit(struct net *net);
void dtls_stat_add(struct dtls_sock *ds, enum dtls_stat s, long n);
void dtls_net_stat_add(struct net *net, enum dtls_stat s, long n);

static inline void dtls_stat_inc(struct dtls_sock *ds, enum dtls_stat s)
{
	dtls_stat_add(ds, s, 1);
}

#endif /* _NET_DTLS_STATS_H */
