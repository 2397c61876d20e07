// SPDX-License-Identifier: GPL-2.0
/*
 * Counters: /proc/net/dtls_stat per network namespace, and per socket.
 * Updates come from any context (softirq receive path, process context
 * send path); per-CPU counters for the netns, atomics for the socket.
 */

#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>
#include <net/ip.h>

#include "dtls.h"

static const char * const dtls_stat_names[DTLS_STAT_NUM] = {
	[DTLS_STAT_TX_RECORDS]		= "DtlsTxRecords",
	[DTLS_STAT_TX_BYTES]		= "DtlsTxBytes",
	[DTLS_STAT_RX_RECORDS]		= "DtlsRxRecords",
	[DTLS_STAT_RX_BYTES]		= "DtlsRxBytes",
	[DTLS_STAT_RX_AUTH_FAIL]	= "DtlsRxAuthFail",
	[DTLS_STAT_RX_REPLAY]		= "DtlsRxReplay",
	[DTLS_STAT_RX_BAD_EPOCH]	= "DtlsRxBadEpoch",
	[DTLS_STAT_RX_MALFORMED]	= "DtlsRxMalformed",
	[DTLS_STAT_RX_NOT_DTLS]		= "DtlsRxNotDtls",
	[DTLS_STAT_RX_DROPPED]		= "DtlsRxDropped",
	[DTLS_STAT_FINAL_RESENT]	= "DtlsFinalFlightResent",
	[DTLS_STAT_FINAL_DROP_DATA]	= "DtlsFinalFlightDropData",
	[DTLS_STAT_FINAL_DROP_USER]	= "DtlsFinalFlightDropUser",
	[DTLS_STAT_FINAL_DROP_TIMER]	= "DtlsFinalFlightDropTimer",
	[DTLS_STAT_FINAL_LATE]		= "DtlsFinalFlightLate",
	[DTLS_STAT_CURR_TX]		= "DtlsCurrTx",
	[DTLS_STAT_CURR_RX]		= "DtlsCurrRx",
	[DTLS_STAT_HS_STARTED]		= "DtlsHsStarted",
	[DTLS_STAT_HS_DONE]		= "DtlsHsDone",
	[DTLS_STAT_HS_FAILED]		= "DtlsHsFailed",
	[DTLS_STAT_HS_HVR_SENT]		= "DtlsHsHelloVerifySent",
	[DTLS_STAT_HS_RETRANSMIT]	= "DtlsHsRetransmit",
	[DTLS_STAT_HS_PEER_RESENT]	= "DtlsHsResendOnPeer",
	[DTLS_STAT_HS_BAD_FRAGMENT]	= "DtlsHsBadFragment",
	[DTLS_STAT_HS_RENEG_REFUSED]	= "DtlsHsRenegRefused",
	[DTLS_STAT_LISTEN_SPAWNED]	= "DtlsListenSpawned",
	[DTLS_STAT_LISTEN_ACCEPTED]	= "DtlsListenAccepted",
	[DTLS_STAT_LISTEN_EXPIRED]	= "DtlsListenExpired",
	[DTLS_STAT_LISTEN_RATELIMITED]	= "DtlsListenRatelimited",
	[DTLS_STAT_LISTEN_QUEUE_FULL]	= "DtlsListenQueueFull",
	[DTLS_STAT_LISTEN_PENDING_FULL]	= "DtlsListenPendingFull",
	[DTLS_STAT_LISTEN_EVICTED]	= "DtlsListenEvicted",
	[DTLS_STAT_LISTEN_BACKLOG_FULL]	= "DtlsListenBacklogFull",
	[DTLS_STAT_LISTEN_NO_SESSION]	= "DtlsListenNoSession",
	[DTLS_STAT_LISTEN_RESTARTED]	= "DtlsListenRestarted",
	[DTLS_STAT_LISTEN_NO_MEMORY]	= "DtlsListenNoMemory",
	[DTLS_STAT_LISTEN_SHUT_FULL]	= "DtlsListenShutFull",
	[DTLS_STAT_AEAD_IDLE_FREED]	= "DtlsAeadIdleFreed",
	[DTLS_STAT_AEAD_REMADE]		= "DtlsAeadRemade",
	[DTLS_STAT_TX_SPLICED]		= "DtlsTxSpliced",
	[DTLS_STAT_RX_BATCHED]		= "DtlsRxBatched",
};

void dtls_net_stat_add(struct net *net, enum dtls_stat s, long n)
{
	this_cpu_add(dtls_net(net)->mib->mibs[s], n);
}

void dtls_stat_add(struct dtls_sock *ds, enum dtls_stat s, long n)
{
	atomic64_add(n, &ds->stats.v[s]);
	dtls_net_stat_add(sock_net(ds->sk), s, n);
}

/* One counter summed over the CPUs (snmp_fold_field(), not exported by 7.x). */
static unsigned long dtls_stat_fold(const struct dtls_net *dn, int i)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(dn->mib, cpu)->mibs[i]);
	return sum;
}

static int dtls_stat_show(struct seq_file *seq, void *v)
{
	struct dtls_net *dn = dtls_net(seq->private);
	int i;

	for (i = 0; i < DTLS_STAT_NUM; i++)
		seq_printf(seq, "%-32s\t%lu\n", dtls_stat_names[i],
			   dtls_stat_fold(dn, i));
	return 0;
}

int dtls_stats_net_init(struct net *net)
{
	struct dtls_net *dn = dtls_net(net);

	dn->mib = alloc_percpu(struct dtls_mib);
	if (!dn->mib)
		return -ENOMEM;
	if (!proc_create_net_single("dtls_stat", 0444, net->proc_net,
				    dtls_stat_show, NULL)) {
		free_percpu(dn->mib);
		return -ENOMEM;
	}
	return 0;
}

void dtls_stats_net_exit(struct net *net)
{
	remove_proc_entry("dtls_stat", net->proc_net);
	free_percpu(dtls_net(net)->mib);
}
