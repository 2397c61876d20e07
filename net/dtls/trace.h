/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of dtls.ko (trace.c creates them): the in-kernel handshake
 * (state, flights, retransmissions), the kept last flight, and every
 * datagram or record the module drops, with why.  Documented in
 * Documentation/dtls.rst, "Tracepoints".
 *
 * Every event carries the socket's inode (as in the netlink dump and
 * /proc/net/dtls).  What an event costs is in its TP_fast_assign(): only
 * run when the event is enabled.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM dtls

#if !defined(_NET_DTLS_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _NET_DTLS_TRACE_H

#include <linux/tracepoint.h>

#include <uapi/linux/dtls.h>
#include <uapi/linux/dtls_netlink.h>

#include "dtls.h"
#include "handshake.h"

TRACE_DEFINE_ENUM(DTLS_HS_STATE_CONFIGURED);
TRACE_DEFINE_ENUM(DTLS_HS_STATE_RUNNING);
TRACE_DEFINE_ENUM(DTLS_HS_STATE_ESTABLISHED);
TRACE_DEFINE_ENUM(DTLS_HS_STATE_FAILED);

#define show_dtls_hs_state(s)						\
	__print_symbolic(s,						\
		{ 0,				"none" },		\
		{ DTLS_HS_STATE_CONFIGURED,	"configured" },		\
		{ DTLS_HS_STATE_RUNNING,	"running" },		\
		{ DTLS_HS_STATE_ESTABLISHED,	"established" },	\
		{ DTLS_HS_STATE_FAILED,		"failed" })

TRACE_DEFINE_ENUM(DTLS_HS_ROLE_CLIENT);
TRACE_DEFINE_ENUM(DTLS_HS_ROLE_SERVER);

#define show_dtls_role(r)						\
	__print_symbolic(r,						\
		{ 0,			"none" },			\
		{ DTLS_HS_ROLE_CLIENT,	"client" },			\
		{ DTLS_HS_ROLE_SERVER,	"server" })

TRACE_DEFINE_ENUM(DTLS_HS_IDLE);
TRACE_DEFINE_ENUM(DTLS_HS_C_WAIT_SH);
TRACE_DEFINE_ENUM(DTLS_HS_C_WAIT_SHD);
TRACE_DEFINE_ENUM(DTLS_HS_C_WAIT_FIN);
TRACE_DEFINE_ENUM(DTLS_HS_S_LISTEN);
TRACE_DEFINE_ENUM(DTLS_HS_S_WAIT_CKE);
TRACE_DEFINE_ENUM(DTLS_HS_S_WAIT_FIN);
TRACE_DEFINE_ENUM(DTLS_HS_S_WAIT_CERT);
TRACE_DEFINE_ENUM(DTLS_HS_S_WAIT_CV);
TRACE_DEFINE_ENUM(DTLS_HS_DONE);

#define show_dtls_hs_step(s)						\
	__print_symbolic(s,						\
		{ DTLS_HS_IDLE,		"idle" },			\
		{ DTLS_HS_C_WAIT_SH,	"wait_server_hello" },		\
		{ DTLS_HS_C_WAIT_SHD,	"wait_server_hello_done" },	\
		{ DTLS_HS_C_WAIT_FIN,	"client_wait_finished" },	\
		{ DTLS_HS_S_LISTEN,	"listen" },			\
		{ DTLS_HS_S_WAIT_CKE,	"wait_client_key_exchange" },	\
		{ DTLS_HS_S_WAIT_FIN,	"server_wait_finished" },	\
		{ DTLS_HS_S_WAIT_CERT,	"wait_client_certificate" },	\
		{ DTLS_HS_S_WAIT_CV,	"wait_certificate_verify" },	\
		{ DTLS_HS_DONE,		"done" })

/* Message types of a flight: dtls_flight_types(), dtls_trace_msg_bit(). */
#define show_dtls_msg_types(m)						\
	__print_flags(m, "|",						\
		{ BIT(DTLS_HS_HELLO_REQUEST),		"HelloRequest" },	\
		{ BIT(DTLS_HS_CLIENT_HELLO),		"ClientHello" },	\
		{ BIT(DTLS_HS_SERVER_HELLO),		"ServerHello" },	\
		{ BIT(DTLS_HS_HELLO_VERIFY_REQUEST),	"HelloVerifyRequest" }, \
		{ BIT(DTLS_HS_CERTIFICATE),		"Certificate" },	\
		{ BIT(DTLS_HS_SERVER_KEY_EXCHANGE),	"ServerKeyExchange" }, \
		{ BIT(DTLS_HS_CERTIFICATE_REQUEST),	"CertificateRequest" }, \
		{ BIT(DTLS_HS_SERVER_HELLO_DONE),	"ServerHelloDone" },	\
		{ BIT(DTLS_HS_CERTIFICATE_VERIFY),	"CertificateVerify" }, \
		{ BIT(DTLS_HS_CLIENT_KEY_EXCHANGE),	"ClientKeyExchange" }, \
		{ DTLS_TRACE_MSG_CCS,			"ChangeCipherSpec" },	\
		{ BIT(DTLS_HS_FINISHED),		"Finished" },		\
		{ DTLS_TRACE_MSG_OTHER,			"other" })

TRACE_DEFINE_ENUM(DTLS_RETX_TIMER);
TRACE_DEFINE_ENUM(DTLS_RETX_PEER);
TRACE_DEFINE_ENUM(DTLS_RETX_NEW);

#define show_dtls_retx(w)						\
	__print_symbolic(w,						\
		{ DTLS_RETX_TIMER,	"timer" },			\
		{ DTLS_RETX_PEER,	"peer" },			\
		{ DTLS_RETX_NEW,	"new" })

#define show_dtls_final_drop(w)						\
	__print_symbolic(w,						\
		{ DTLS_FINAL_DROP_DATA,		"data" },		\
		{ DTLS_FINAL_DROP_USER,		"user" },		\
		{ DTLS_FINAL_DROP_TIMER,	"timer" })

TRACE_DEFINE_ENUM(DTLS_DROP_MALFORMED);
TRACE_DEFINE_ENUM(DTLS_DROP_BAD_EPOCH);
TRACE_DEFINE_ENUM(DTLS_DROP_AUTH_FAIL);
TRACE_DEFINE_ENUM(DTLS_DROP_REPLAY);
TRACE_DEFINE_ENUM(DTLS_DROP_NOT_DTLS);
TRACE_DEFINE_ENUM(DTLS_DROP_FILTER);
TRACE_DEFINE_ENUM(DTLS_DROP_RCVBUF);
TRACE_DEFINE_ENUM(DTLS_DROP_NOMEM);
TRACE_DEFINE_ENUM(DTLS_DROP_CSUM);
TRACE_DEFINE_ENUM(DTLS_DROP_CRYPTO);
TRACE_DEFINE_ENUM(DTLS_DROP_HS_QUEUE);
TRACE_DEFINE_ENUM(DTLS_DROP_HS_EARLY);
TRACE_DEFINE_ENUM(DTLS_DROP_HS_FRAGMENT);
TRACE_DEFINE_ENUM(DTLS_DROP_FINAL_LATE);
TRACE_DEFINE_ENUM(DTLS_DROP_LISTEN);
TRACE_DEFINE_ENUM(DTLS_DROP_OWNED);

#define show_dtls_drop(r)						\
	__print_symbolic(r,						\
		{ DTLS_DROP_MALFORMED,		"malformed" },			\
		{ DTLS_DROP_BAD_EPOCH,		"bad_epoch" },			\
		{ DTLS_DROP_AUTH_FAIL,		"auth_fail" },			\
		{ DTLS_DROP_REPLAY,		"replay" },			\
		{ DTLS_DROP_NOT_DTLS,		"not_dtls" },			\
		{ DTLS_DROP_FILTER,		"filter" },			\
		{ DTLS_DROP_RCVBUF,		"rcvbuf" },			\
		{ DTLS_DROP_NOMEM,		"nomem" },				\
		{ DTLS_DROP_CSUM,		"checksum" },			\
		{ DTLS_DROP_CRYPTO,		"crypto" },			\
		{ DTLS_DROP_HS_QUEUE,		"hs_queue" },			\
		{ DTLS_DROP_HS_EARLY,		"hs_early" },			\
		{ DTLS_DROP_HS_FRAGMENT,	"hs_fragment" },		\
		{ DTLS_DROP_FINAL_LATE,		"final_late" },		\
		{ DTLS_DROP_LISTEN,		"listen" },			\
		{ DTLS_DROP_OWNED,		"owned" })

/* ---------------------------------------------------------- handshake */

TRACE_EVENT(dtls_hs_state,
	TP_PROTO(const struct dtls_sock *ds, u8 old, u8 state),
	TP_ARGS(ds, old, state),

	TP_STRUCT__entry(
		__field(u64, ino)
		__field(u8, role)
		__field(u8, old)
		__field(u8, state)
		__field(u8, alert)
		__field(int, error)
	),

	TP_fast_assign(
		__entry->ino = ds->ino;
		__entry->role = READ_ONCE(ds->hs.role);
		__entry->old = old;
		__entry->state = state;
		__entry->alert = ds->hs.alert;
		__entry->error = ds->hs.error;
	),

	TP_printk("ino=%llu role=%s %s -> %s error=%d alert=%u",
		  __entry->ino, show_dtls_role(__entry->role),
		  show_dtls_hs_state(__entry->old),
		  show_dtls_hs_state(__entry->state),
		  __entry->error, __entry->alert)
);

/*
 * A flight of ours going out: a new one (dtls_hs_flight_tx, why=new) or
 * again (dtls_hs_retransmit, why=timer or peer).
 */
DECLARE_EVENT_CLASS(dtls_hs_flight_class,
	TP_PROTO(const struct dtls_hs *hs, int why, int err),
	TP_ARGS(hs, why, err),

	TP_STRUCT__entry(
		__field(u64, ino)
		__field(u8, role)
		__field(u8, step)
		__field(u8, why)
		__field(u8, msgs)
		__field(u32, types)
		__field(u32, bytes)
		__field(u64, seq0)
		__field(u32, rto_ms)
		__field(int, err)
	),

	TP_fast_assign(
		__entry->ino = hs->ds->ino;
		__entry->role = hs->pr.p.role;
		__entry->step = hs->pr.step;
		__entry->why = why;
		__entry->msgs = hs->pr.flight.n;
		__entry->types = dtls_flight_types(&hs->pr.flight);
		__entry->bytes = dtls_flight_bytes(&hs->pr.flight);
		__entry->seq0 = hs->tx_seq0;
		__entry->rto_ms = jiffies_to_msecs(hs->rto);
		__entry->err = err;
	),

	TP_printk("ino=%llu role=%s step=%s why=%s msgs=%u types=%s bytes=%u epoch0_seq=%llu rto_ms=%u err=%d",
		  __entry->ino, show_dtls_role(__entry->role),
		  show_dtls_hs_step(__entry->step),
		  show_dtls_retx(__entry->why), __entry->msgs,
		  show_dtls_msg_types(__entry->types), __entry->bytes,
		  __entry->seq0, __entry->rto_ms, __entry->err)
);

DEFINE_EVENT(dtls_hs_flight_class, dtls_hs_flight_tx,
	TP_PROTO(const struct dtls_hs *hs, int why, int err),
	TP_ARGS(hs, why, err)
);

DEFINE_EVENT(dtls_hs_flight_class, dtls_hs_retransmit,
	TP_PROTO(const struct dtls_hs *hs, int why, int err),
	TP_ARGS(hs, why, err)
);

/* The peer's flight is complete: we answer it, or are done. */
TRACE_EVENT(dtls_hs_flight_rx,
	TP_PROTO(const struct dtls_hs *hs),
	TP_ARGS(hs),

	TP_STRUCT__entry(
		__field(u64, ino)
		__field(u8, role)
		__field(u8, step)
		__field(u16, msgs)
		__field(u32, types)
		__field(u32, bytes)
	),

	TP_fast_assign(
		__entry->ino = hs->ds->ino;
		__entry->role = hs->pr.p.role;
		__entry->step = hs->pr.step;
		__entry->msgs = hs->rx_msgs;
		__entry->types = hs->rx_types;
		__entry->bytes = hs->rx_bytes;
	),

	TP_printk("ino=%llu role=%s step=%s msgs=%u types=%s bytes=%u",
		  __entry->ino, show_dtls_role(__entry->role),
		  show_dtls_hs_step(__entry->step), __entry->msgs,
		  show_dtls_msg_types(__entry->types), __entry->bytes)
);

/* ------------------------------------------------- the kept last flight */

TRACE_EVENT(dtls_final_keep,
	TP_PROTO(const struct dtls_sock *ds, const struct dtls_flight *fl,
		 u32 lifetime_ms, int err),
	TP_ARGS(ds, fl, lifetime_ms, err),

	TP_STRUCT__entry(
		__field(u64, ino)
		__field(u8, role)
		__field(u8, msgs)
		__field(u32, types)
		__field(u32, bytes)
		__field(u32, lifetime_ms)
		__field(int, err)
	),

	TP_fast_assign(
		__entry->ino = ds->ino;
		__entry->role = READ_ONCE(ds->hs.role);
		__entry->msgs = fl->n;
		__entry->types = dtls_flight_types(fl);
		__entry->bytes = dtls_flight_bytes(fl);
		__entry->lifetime_ms = lifetime_ms;
		__entry->err = err;
	),

	TP_printk("ino=%llu role=%s msgs=%u types=%s bytes=%u lifetime_ms=%u err=%d",
		  __entry->ino, show_dtls_role(__entry->role), __entry->msgs,
		  show_dtls_msg_types(__entry->types), __entry->bytes,
		  __entry->lifetime_ms, __entry->err)
);

TRACE_EVENT(dtls_final_resend,
	TP_PROTO(const struct dtls_sock *ds, unsigned int resends,
		 u64 seq0, int err),
	TP_ARGS(ds, resends, seq0, err),

	TP_STRUCT__entry(
		__field(u64, ino)
		__field(u64, seq0)
		__field(u32, resends)
		__field(u8, role)
		__field(int, err)
	),

	TP_fast_assign(
		__entry->ino = ds->ino;
		__entry->seq0 = seq0;
		__entry->resends = resends;
		__entry->role = READ_ONCE(ds->hs.role);
		__entry->err = err;
	),

	TP_printk("ino=%llu role=%s resends=%u epoch0_seq=%llu err=%d",
		  __entry->ino, show_dtls_role(__entry->role),
		  __entry->resends, __entry->seq0, __entry->err)
);

TRACE_EVENT(dtls_final_drop,
	TP_PROTO(const struct dtls_sock *ds, u8 why, unsigned int resends),
	TP_ARGS(ds, why, resends),

	TP_STRUCT__entry(
		__field(u64, ino)
		__field(u32, resends)
		__field(u8, role)
		__field(u8, why)
	),

	TP_fast_assign(
		__entry->ino = ds->ino;
		__entry->resends = resends;
		__entry->role = READ_ONCE(ds->hs.role);
		__entry->why = why;
	),

	TP_printk("ino=%llu role=%s why=%s resends=%u",
		  __entry->ino, show_dtls_role(__entry->role),
		  show_dtls_final_drop(__entry->why), __entry->resends)
);

/* ---------------------------------------------------------------- drops */

/*
 * A datagram or record dropped (or, for not_dtls, a datagram that was
 * not DTLS discarded by a reader that did not ask for those).  @epoch and
 * @seq are the record's where known, else 0; @len: bytes.
 */
TRACE_EVENT(dtls_drop,
	TP_PROTO(const struct dtls_sock *ds, int reason, u16 epoch, u64 seq,
		 unsigned int len),
	TP_ARGS(ds, reason, epoch, seq, len),

	TP_STRUCT__entry(
		__field(u64, ino)
		__field(u64, seq)
		__field(u32, len)
		__field(u16, epoch)
		__field(u8, reason)
	),

	TP_fast_assign(
		__entry->ino = ds->ino;
		__entry->seq = seq;
		__entry->len = len;
		__entry->epoch = epoch;
		__entry->reason = reason;
	),

	TP_printk("ino=%llu reason=%s epoch=%u seq=%llu len=%u",
		  __entry->ino, show_dtls_drop(__entry->reason),
		  __entry->epoch, __entry->seq, __entry->len)
);

#endif /* _NET_DTLS_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace

#include <trace/define_trace.h>
