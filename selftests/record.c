// SPDX-License-Identifier: GPL-2.0
/*
 * The record layer, point by point against Documentation/dtls.rst ("Record
 * layer").  Socket `a` is attached and gets keys; `b` is a plain UDP socket
 * connected to it that seals and opens records itself with dtls_ref (an
 * independent OpenSSL implementation of RFC 6347/5246/7905), so every test
 * checks the kernel against the RFCs, not against itself.
 *
 * Fixture `record` runs each test for the five AEADs over IPv4 and IPv6;
 * `record_sock` runs the cipher-independent socket behaviour twice.
 */
#include <fcntl.h>
#include <limits.h>
#include <linux/errqueue.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/udp.h>
#include <liburing.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/time.h>
#include <time.h>

#ifndef SOL_UDPLITE
#define SOL_UDPLITE	136	/* linux/socket.h; glibc does not have it */
#endif

#include "dtls_ref.h"
#include "dtls_test.h"
#include "kselftest_harness.h"

#ifndef SOL_UDP
#define SOL_UDP		IPPROTO_UDP
#endif

#define TIMEOUT_MS	2000	/* no blocking call in a test waits longer */
#define CTL		64	/* a control buffer with room for the type */
#define NO_TYPE		(-1)	/* recvmsg gave no DTLS_GET_RECORD_TYPE */
#define DATA		DTLS_RECORD_TYPE_DATA
#define HANDSHAKE	DTLS_RECORD_TYPE_HANDSHAKE

static const uint16_t all_ciphers[] = {
	DTLS_CIPHER_AES_GCM_128, DTLS_CIPHER_AES_GCM_256,
	DTLS_CIPHER_AES_CCM_128, DTLS_CIPHER_AES_CCM_8_128,
	DTLS_CIPHER_CHACHA20_POLY1305,
};
#define NCIPHERS (sizeof(all_ciphers) / sizeof(all_ciphers[0]))

/* The keys of one direction and epoch, as both ends know them. */
struct keyset {
	uint16_t cipher;
	uint16_t epoch;
	uint8_t key[32];
	uint8_t iv[12];		/* salt (4 bytes used) or ChaCha iv (12) */
};

/* Deterministic keys, different for every @tag. */
static void keyset_init(struct keyset *ks, uint16_t cipher, uint16_t epoch,
			uint8_t tag)
{
	int i;

	memset(ks, 0, sizeof(*ks));
	ks->cipher = cipher;
	ks->epoch = epoch;
	for (i = 0; i < 32; i++)
		ks->key[i] = (uint8_t)(tag * 37 + i * 11 + 1);
	for (i = 0; i < 12; i++)
		ks->iv[i] = (uint8_t)(tag * 53 + i * 7 + 0x80);
}

/* The next cipher of the list: a re-key may switch ciphers. */
static uint16_t other_cipher(uint16_t cipher)
{
	size_t i;

	for (i = 0; i < NCIPHERS; i++)
		if (all_ciphers[i] == cipher)
			return all_ciphers[(i + 1) % NCIPHERS];
	return 0;
}

union dtls_ci {
	struct dtls_crypto_info info;
	struct dtls12_crypto_info_aes_gcm_128 gcm128;
	struct dtls12_crypto_info_aes_gcm_256 gcm256;
	struct dtls12_crypto_info_aes_ccm_128 ccm;
	struct dtls12_crypto_info_chacha20_poly1305 chacha;
	uint8_t raw[96];
};

static uint8_t *ci_key(union dtls_ci *ci, uint16_t cipher)
{
	switch (cipher) {
	case DTLS_CIPHER_AES_GCM_128:
		return ci->gcm128.key;
	case DTLS_CIPHER_AES_GCM_256:
		return ci->gcm256.key;
	case DTLS_CIPHER_AES_CCM_128:
	case DTLS_CIPHER_AES_CCM_8_128:
		return ci->ccm.key;
	default:
		return ci->chacha.key;
	}
}

static uint8_t *ci_iv(union dtls_ci *ci, uint16_t cipher)
{
	switch (cipher) {
	case DTLS_CIPHER_AES_GCM_128:
		return ci->gcm128.salt;
	case DTLS_CIPHER_AES_GCM_256:
		return ci->gcm256.salt;
	case DTLS_CIPHER_AES_CCM_128:
	case DTLS_CIPHER_AES_CCM_8_128:
		return ci->ccm.salt;
	default:
		return ci->chacha.iv;
	}
}

/* The trailing reserved[4] of the cipher's struct. */
static uint8_t *ci_reserved(union dtls_ci *ci, uint16_t cipher)
{
	switch (cipher) {
	case DTLS_CIPHER_AES_GCM_128:
		return ci->gcm128.reserved;
	case DTLS_CIPHER_AES_GCM_256:
		return ci->gcm256.reserved;
	case DTLS_CIPHER_AES_CCM_128:
	case DTLS_CIPHER_AES_CCM_8_128:
		return ci->ccm.reserved;
	default:
		return ci->chacha.reserved;
	}
}

/* Fill @ci for @ks starting at @seq; its size (the optlen). */
static socklen_t ci_build(union dtls_ci *ci, const struct keyset *ks,
			  uint64_t seq)
{
	const struct dtls_ref_cipher *c = dtls_ref_cipher(ks->cipher);

	memset(ci, 0, sizeof(*ci));
	ci->info.version = DTLS_1_2_VERSION;
	ci->info.cipher_type = ks->cipher;
	ci->info.epoch = ks->epoch;
	ci->info.seq = seq;
	memcpy(ci_key(ci, ks->cipher), ks->key, c->key_len);
	memcpy(ci_iv(ci, ks->cipher), ks->iv, c->iv_len);
	return c->info_len;
}

/* setsockopt(DTLS_TX or DTLS_RX) of @ks from @seq: 0 or -errno. */
static int set_keys(int fd, int dir, const struct keyset *ks, uint64_t seq)
{
	union dtls_ci ci;
	socklen_t len = ci_build(&ci, ks, seq);

	return setsockopt(fd, SOL_DTLS, dir, &ci, len) ? -errno : 0;
}

static int set_ci(int fd, int dir, const union dtls_ci *ci, socklen_t len)
{
	return setsockopt(fd, SOL_DTLS, dir, ci, len) ? -errno : 0;
}

static int get_info(int fd, struct dtls_info *info)
{
	socklen_t len = sizeof(*info);

	memset(info, 0xa5, sizeof(*info));
	return getsockopt(fd, SOL_DTLS, DTLS_INFO, info, &len) ? -errno : 0;
}

/* getsockopt(DTLS_TX/RX) into @ci (@len: buffer in, bytes out). */
static int get_ci(int fd, int dir, union dtls_ci *ci, socklen_t *len)
{
	memset(ci, 0xa5, sizeof(*ci));
	return getsockopt(fd, SOL_DTLS, dir, ci, len) ? -errno : 0;
}

static int get_window(int fd)
{
	socklen_t len = sizeof(int);
	int v = -1;

	if (getsockopt(fd, SOL_DTLS, DTLS_REPLAY_WINDOW, &v, &len) ||
	    len != sizeof(int))
		return -1;
	return v;
}

static int set_window(int fd, int v)
{
	return setsockopt(fd, SOL_DTLS, DTLS_REPLAY_WINDOW, &v, sizeof(v)) ?
		-errno : 0;
}

static void set_timeout(int fd, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

static void fill(uint8_t *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(seed * 131 + i * 29 + (i >> 8));
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Seal a record of @ks (explicit nonce epoch|seq); its length or -errno. */
static ssize_t seal(const struct keyset *ks, uint8_t type, uint64_t seq,
		    const void *pt, size_t len, uint8_t *out)
{
	return dtls_ref_seal(ks->cipher, ks->key, ks->iv, type, ks->epoch,
			     seq, NULL, pt, len, out);
}

/* send_type()'s @type for a DTLS_SET_NOT_DTLS control message instead */
#define MARK_NOT_DTLS	(-2)

/*
 * sendmsg() of @len bytes with a DTLS_SET_RECORD_TYPE control message of
 * @type, or DTLS_SET_NOT_DTLS (MARK_NOT_DTLS), or none if @type is -1.
 */
static ssize_t send_type_flags(int fd, const void *buf, size_t len, int type,
			       int flags)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(1)];
	} c;
	struct iovec iov = { (void *)buf, len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;

	if (type >= 0) {
		memset(&c, 0, sizeof(c));
		m.msg_control = c.b;
		m.msg_controllen = sizeof(c.b);
		cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = SOL_DTLS;
		cm->cmsg_type = DTLS_SET_RECORD_TYPE;
		cm->cmsg_len = CMSG_LEN(1);
		*CMSG_DATA(cm) = (uint8_t)type;
	} else if (type == MARK_NOT_DTLS) {
		memset(&c, 0, sizeof(c));
		m.msg_control = c.b;
		m.msg_controllen = CMSG_SPACE(0);
		cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = SOL_DTLS;
		cm->cmsg_type = DTLS_SET_NOT_DTLS;
		cm->cmsg_len = CMSG_LEN(0);
	}
	return sendmsg(fd, &m, flags);
}

static ssize_t send_type(int fd, const void *buf, size_t len, int type)
{
	return send_type_flags(fd, buf, len, type, 0);
}

/* The DTLS_GET_RECORD_TYPE of a received message, or NO_TYPE. */
static int msg_type(struct msghdr *m)
{
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(m); cm; cm = CMSG_NXTHDR(m, cm))
		if (cm->cmsg_level == SOL_DTLS &&
		    cm->cmsg_type == DTLS_GET_RECORD_TYPE &&
		    cm->cmsg_len == CMSG_LEN(1))
			return *CMSG_DATA(cm);
	return NO_TYPE;
}

/*
 * recvmsg() into @buf with a control buffer of @ctl bytes (0: none).
 * Return: the length or -errno; *@type the record type or NO_TYPE;
 * *@mflags (if not NULL) msg_flags.
 */
static ssize_t recv_rec(int fd, void *buf, size_t cap, int flags, size_t ctl,
			int *type, int *mflags)
{
	union {
		struct cmsghdr h;
		char b[256];
	} c;
	struct iovec iov = { buf, cap };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl ? c.b : NULL, .msg_controllen = ctl,
	};
	ssize_t n;

	*type = NO_TYPE;
	n = recvmsg(fd, &m, flags);
	if (n < 0)
		return -errno;
	if (mflags)
		*mflags = m.msg_flags;
	if (ctl)
		*type = msg_type(&m);
	return n;
}

/*
 * Two fixtures with the same data: `record` runs each test for every
 * cipher over IPv4 and IPv6 (what the cipher can change: nonces, lengths,
 * struct layouts); `record_sock` runs socket-API behaviour that does not
 * depend on the cipher twice, IPv4 with AES-GCM-128 (explicit nonce) and
 * IPv6 with ChaCha20-Poly1305 (none).
 */
#define PAIR_FIELDS							\
	int a;			/* attached; the socket under test */	\
	int b;			/* plain UDP peer, plays DTLS with dtls_ref */ \
	union dtls_test_addr a_addr, b_addr;				\
	uint64_t ino;		/* a's */				\
	struct keyset tx;	/* a's TX keys: b opens with them */	\
	struct keyset rx;	/* a's RX keys: b seals with them */

#define PAIR_SETUP() do {						\
	socklen_t _len = dtls_test_addr_len(variant->family);		\
	char _msg[256] = "";						\
									\
	self->a = dtls_test_udp_bound(variant->family, &self->a_addr);	\
	ASSERT_LE(0, self->a);						\
	self->b = dtls_test_udp_bound(variant->family, &self->b_addr);	\
	ASSERT_LE(0, self->b);						\
	ASSERT_EQ(0, connect(self->a, &self->b_addr.sa, _len));		\
	ASSERT_EQ(0, connect(self->b, &self->a_addr.sa, _len));		\
	ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), self->a, &self->ino, _msg,		\
				    sizeof(_msg)))			\
		TH_LOG("attach: %s", _msg);				\
	set_timeout(self->a, TIMEOUT_MS);				\
	set_timeout(self->b, TIMEOUT_MS);				\
	keyset_init(&self->tx, variant->cipher, 1, 1);			\
	keyset_init(&self->rx, variant->cipher, 1, 2);			\
} while (0)

#define PAIR_TEARDOWN() do {						\
	if (self->a >= 0)						\
		close(self->a);						\
	if (self->b >= 0)						\
		close(self->b);						\
} while (0)

FIXTURE(record) {
	PAIR_FIELDS
};

FIXTURE_VARIANT(record) {
	int family;
	uint16_t cipher;
};

FIXTURE_VARIANT_ADD(record, ipv4_aes_gcm_128) {
	.family = AF_INET, .cipher = DTLS_CIPHER_AES_GCM_128 };
FIXTURE_VARIANT_ADD(record, ipv4_aes_gcm_256) {
	.family = AF_INET, .cipher = DTLS_CIPHER_AES_GCM_256 };
FIXTURE_VARIANT_ADD(record, ipv4_aes_ccm_128) {
	.family = AF_INET, .cipher = DTLS_CIPHER_AES_CCM_128 };
FIXTURE_VARIANT_ADD(record, ipv4_aes_ccm_8) {
	.family = AF_INET, .cipher = DTLS_CIPHER_AES_CCM_8_128 };
FIXTURE_VARIANT_ADD(record, ipv4_chacha20_poly1305) {
	.family = AF_INET, .cipher = DTLS_CIPHER_CHACHA20_POLY1305 };
FIXTURE_VARIANT_ADD(record, ipv6_aes_gcm_128) {
	.family = AF_INET6, .cipher = DTLS_CIPHER_AES_GCM_128 };
FIXTURE_VARIANT_ADD(record, ipv6_aes_gcm_256) {
	.family = AF_INET6, .cipher = DTLS_CIPHER_AES_GCM_256 };
FIXTURE_VARIANT_ADD(record, ipv6_aes_ccm_128) {
	.family = AF_INET6, .cipher = DTLS_CIPHER_AES_CCM_128 };
FIXTURE_VARIANT_ADD(record, ipv6_aes_ccm_8) {
	.family = AF_INET6, .cipher = DTLS_CIPHER_AES_CCM_8_128 };
FIXTURE_VARIANT_ADD(record, ipv6_chacha20_poly1305) {
	.family = AF_INET6, .cipher = DTLS_CIPHER_CHACHA20_POLY1305 };

FIXTURE_SETUP(record)
{
	PAIR_SETUP();
}

FIXTURE_TEARDOWN(record)
{
	PAIR_TEARDOWN();
}

FIXTURE(record_sock) {
	PAIR_FIELDS
};

FIXTURE_VARIANT(record_sock) {
	int family;
	uint16_t cipher;
};

FIXTURE_VARIANT_ADD(record_sock, ipv4_aes_gcm_128) {
	.family = AF_INET, .cipher = DTLS_CIPHER_AES_GCM_128 };
FIXTURE_VARIANT_ADD(record_sock, ipv6_chacha20_poly1305) {
	.family = AF_INET6, .cipher = DTLS_CIPHER_CHACHA20_POLY1305 };

FIXTURE_SETUP(record_sock)
{
	PAIR_SETUP();
}

FIXTURE_TEARDOWN(record_sock)
{
	PAIR_TEARDOWN();
}

/*
 * Load libcrypto's providers and ciphers once, before the harness forks a
 * child per test: each child would otherwise do it again (slow in TCG).
 */
static void __attribute__((constructor)) warm_up_libcrypto(void)
{
	uint8_t key[32] = { 0 }, iv[12] = { 0 }, rec[64];
	size_t i;

	for (i = 0; i < NCIPHERS; i++)
		dtls_ref_seal(all_ciphers[i], key, iv, DATA, 1, 0, NULL, "", 0,
			      rec);
}

/* ---- helpers that check (they take the harness's _metadata) ---- */

#define STAT(f) offsetof(struct dtls_sock_stats, f)

static struct dtls_sock_stats get_stats(struct __test_metadata *_metadata,
					uint64_t ino)
{
	struct dtls_sock_stats st;

	memset(&st, 0, sizeof(st));
	ASSERT_EQ(0, dtls_test_sock_stats(ino, &st));
	return st;
}

/*
 * Wait (up to TIMEOUT_MS) until the counter at @off reaches @want; its
 * value then, so that EXPECT_EQ also catches a count that overshoots.
 */
static uint64_t stat_wait(struct __test_metadata *_metadata, uint64_t ino,
			  size_t off, uint64_t want)
{
	struct dtls_sock_stats st;
	uint64_t v = 0;
	int i;

	for (i = 0; i < TIMEOUT_MS / 5; i++) {
		st = get_stats(_metadata, ino);
		v = *(uint64_t *)((char *)&st + off);
		if (v >= want)
			break;
		usleep(5000);
	}
	return v;
}

#define STATS() get_stats(_metadata, self->ino)
#define STAT_WAIT(f, want) stat_wait(_metadata, self->ino, STAT(f), want)

static void b_send(struct __test_metadata *_metadata, int b,
		   const struct keyset *ks, uint8_t type, uint64_t seq,
		   const void *pt, size_t len, int line)
{
	static uint8_t rec[DTLS_REF_MAX_RECORD];
	ssize_t n = seal(ks, type, seq, pt, len, rec);

	ASSERT_LT(0, n) TH_LOG("line %d: dtls_ref_seal: %zd", line, n);
	ASSERT_EQ(n, send(b, rec, n, 0))
		TH_LOG("line %d: b send: %s", line, strerror(errno));
}

/* b seals @len bytes (or the string @s) with a's RX keys and sends it. */
#define B_SEND(ks, type, seq, pt, len) \
	b_send(_metadata, self->b, ks, type, seq, pt, len, __LINE__)
#define B_STR(seq, s) \
	b_send(_metadata, self->b, &self->rx, DATA, seq, s, strlen(s), __LINE__)

static void send_raw(struct __test_metadata *_metadata, int fd,
		     const void *buf, size_t len, int line)
{
	ASSERT_EQ((ssize_t)len, send(fd, buf, len, 0))
		TH_LOG("line %d: send: %s", line, strerror(errno));
}

#define B_RAW(buf, len) send_raw(_metadata, self->b, buf, len, __LINE__)

/* a's next message must be @len bytes of @pt with record type @type. */
static void expect_msg(struct __test_metadata *_metadata, int fd,
		       const void *pt, size_t len, int type, int line)
{
	static uint8_t buf[DTLS_REF_MAX_PLAINTEXT + 256];
	int t, fl = 0;
	ssize_t n = recv_rec(fd, buf, sizeof(buf), 0, CTL, &t, &fl);

	ASSERT_EQ((ssize_t)len, n)
		TH_LOG("line %d: expected a %zu-byte message: %s", line, len,
		       n < 0 ? strerror(-n) : "other length");
	EXPECT_EQ(0, memcmp(buf, pt, len))
		TH_LOG("line %d: message content differs", line);
	EXPECT_EQ(type, t) TH_LOG("line %d: record type", line);
	EXPECT_EQ(0, fl & (MSG_TRUNC | MSG_CTRUNC))
		TH_LOG("line %d: msg_flags 0x%x", line, fl);
}

#define EXPECT_MSG(pt, len, type) \
	expect_msg(_metadata, self->a, pt, len, type, __LINE__)
#define EXPECT_STR(s) \
	expect_msg(_metadata, self->a, s, strlen(s), DATA, __LINE__)

/* Nothing (more) to read on @fd. */
static void expect_empty(struct __test_metadata *_metadata, int fd, int line)
{
	uint8_t buf[64];
	int t;

	EXPECT_EQ(-EAGAIN, recv_rec(fd, buf, sizeof(buf), MSG_DONTWAIT, CTL,
				    &t, NULL))
		TH_LOG("line %d: a message (type %d) is queued", line, t);
}

#define EXPECT_EMPTY() expect_empty(_metadata, self->a, __LINE__)
#define EXPECT_B_EMPTY() expect_empty(_metadata, self->b, __LINE__)

/*
 * b receives one datagram from a: exactly one record, which must open
 * with @ks.  Its plaintext length; header, plaintext and (if @raw) the
 * datagram and its length out.
 */
static ssize_t b_open(struct __test_metadata *_metadata, int b,
		      const struct keyset *ks, struct dtls_ref_hdr *hdr,
		      uint8_t *pt, size_t cap, uint8_t *raw, size_t *rawlen,
		      int line)
{
	static uint8_t dgram[DTLS_REF_MAX_RECORD + 256];
	size_t reclen = 0;
	ssize_t n, m;

	n = recv(b, dgram, sizeof(dgram), 0);
	ASSERT_LE(0, n) TH_LOG("line %d: b got no datagram: %s", line,
			       strerror(errno));
	m = dtls_ref_open(ks->cipher, ks->key, ks->iv, dgram, n, hdr, pt, cap,
			  &reclen);
	ASSERT_LE(0, m) TH_LOG("line %d: b cannot open a %zd-byte datagram: %s",
			       line, n, strerror((int)-m));
	ASSERT_EQ((size_t)n, reclen)
		TH_LOG("line %d: %zd-byte datagram holds a %zu-byte record",
		       line, n, reclen);
	if (raw) {
		memcpy(raw, dgram, n);
		*rawlen = n;
	}
	return m;
}

#define B_OPEN(ks, hdr, pt, cap) \
	b_open(_metadata, self->b, ks, hdr, pt, cap, NULL, NULL, __LINE__)

/* ---------------------------------------------------------------- */

/* The reference itself, against known answers: everything rests on it. */
TEST(reference_selftest)
{
	char err[256] = "";

	ASSERT_EQ(0, dtls_ref_selftest(err, sizeof(err))) TH_LOG("%s", err);
}

/* ---- Sending ---- */

/* One send is one datagram is one record, seq counting from info.seq. */
TEST_F(record, tx_one_record_per_send)
{
	static const size_t lens[] = { 1, 100, 0, 1400, 5000 };
	const struct dtls_ref_cipher *c = dtls_ref_cipher(variant->cipher);
	static uint8_t pt[8192], back[8192], raw[8192 + 64];
	struct dtls_sock_stats st;
	struct dtls_ref_hdr hdr;
	size_t i, rawlen, total = 0;
	uint8_t es[8];

	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 5));
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		fill(pt, lens[i], i);
		ASSERT_EQ((ssize_t)lens[i], send(self->a, pt, lens[i], 0))
			TH_LOG("send %zu: %s", lens[i], strerror(errno));
		ASSERT_EQ((ssize_t)lens[i],
			  b_open(_metadata, self->b, &self->tx, &hdr, back,
				 sizeof(back), raw, &rawlen, __LINE__));
		EXPECT_EQ(0, memcmp(pt, back, lens[i]));
		EXPECT_EQ(DATA, hdr.type);
		EXPECT_EQ(DTLS_1_2_VERSION, hdr.version);
		EXPECT_EQ(1, hdr.epoch);
		EXPECT_EQ(5 + i, hdr.seq);
		EXPECT_EQ(lens[i] + dtls_ref_overhead(variant->cipher), rawlen);
		if (c->explicit_len) {
			/* Explicit nonce: epoch|seq, never random. */
			dtls_ref_epoch_seq(1, 5 + i, es);
			EXPECT_EQ(0, memcmp(raw + DTLS_REF_HDR_LEN, es, 8))
				TH_LOG("explicit nonce is not epoch|seq");
		}
		total += lens[i];
	}
	EXPECT_B_EMPTY();
	st = STATS();
	EXPECT_EQ(i, st.tx_records);
	EXPECT_EQ(total, st.tx_bytes);
}

/*
 * sendmsg() of an RTP-like datagram with DTLS_SET_NOT_DTLS and a second
 * control message, @level/@type, of two bytes (a UDP_SEGMENT size; for
 * DTLS_SET_RECORD_TYPE, one byte, application data).
 */
static ssize_t send_mark_and(int fd, int level, int type)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(0) + CMSG_SPACE(sizeof(uint16_t))];
	} c = {};
	struct iovec iov = { (void *)"\x80rtp", 4 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = c.b, .msg_controllen = sizeof(c.b) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	size_t n = type == DTLS_SET_RECORD_TYPE ? 1 : sizeof(uint16_t);

	cm->cmsg_level = SOL_DTLS;
	cm->cmsg_type = DTLS_SET_NOT_DTLS;
	cm->cmsg_len = CMSG_LEN(0);
	cm = CMSG_NXTHDR(&m, cm);
	cm->cmsg_level = level;
	cm->cmsg_type = type;
	cm->cmsg_len = CMSG_LEN(n);
	if (n == 1)
		*CMSG_DATA(cm) = 23;
	else
		memcpy(CMSG_DATA(cm), &(uint16_t){ 2 }, sizeof(uint16_t));
	m.msg_controllen = CMSG_SPACE(0) + CMSG_SPACE(n);
	return sendmsg(fd, &m, 0);
}

/*
 * RFC 7983 on the sending side: a datagram marked DTLS_RECORD_NOT_DTLS
 * (STUN, SRTP) leaves a keyed socket unchanged and takes no sequence
 * number; one whose first byte would say DTLS, or an empty one, is
 * refused and nothing leaves.
 */
TEST_F(record, tx_not_dtls_cmsg)
{
	static const uint8_t dtls_first[] = { 20, 22, 23, 63 };
	static const uint8_t stun[20] = { 0x00, 0x01, 0x00, 0x00, 0x21, 0x12,
					  0xa4, 0x42, 7 };
	struct dtls_ref_hdr hdr;
	uint8_t back[64], dg[64];
	char bad[8] = "xbad";
	size_t i;

	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 0));
	ASSERT_EQ(sizeof(stun), send_type(self->a, stun, sizeof(stun),
					  MARK_NOT_DTLS))
		TH_LOG("%s", strerror(errno));
	ASSERT_EQ(sizeof(stun), recv(self->b, dg, sizeof(dg), MSG_DONTWAIT));
	EXPECT_EQ(0, memcmp(dg, stun, sizeof(stun)));
	ASSERT_EQ(4, send_type(self->a, "\x80rtp", 4, MARK_NOT_DTLS));
	ASSERT_EQ(4, recv(self->b, dg, sizeof(dg), MSG_DONTWAIT));
	EXPECT_EQ(0, memcmp(dg, "\x80rtp", 4));
	for (i = 0; i < sizeof(dtls_first); i++) {
		bad[0] = dtls_first[i];
		EXPECT_EQ(-1, send_type(self->a, bad, 4, MARK_NOT_DTLS))
			TH_LOG("first byte %u left as plaintext", dtls_first[i]);
		EXPECT_EQ(EINVAL, errno);
	}
	EXPECT_EQ(-1, send_type(self->a, "", 0, MARK_NOT_DTLS));
	EXPECT_EQ(EINVAL, errno);
	/* Zero-copy is refused as for records. */
	EXPECT_EQ(-1, send_type_flags(self->a, "\x80rtp", 4,
				      MARK_NOT_DTLS, MSG_ZEROCOPY));
	EXPECT_EQ(EOPNOTSUPP, errno);
	/* With a record type, or with UDP_SEGMENT, it is refused. */
	EXPECT_EQ(-1, send_mark_and(self->a, SOL_UDP, UDP_SEGMENT));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(-1, send_mark_and(self->a, SOL_DTLS, DTLS_SET_RECORD_TYPE));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_B_EMPTY();
	/* MSG_MORE does not cork it: the record after is a datagram apart. */
	ASSERT_EQ(4, send_type_flags(self->a, "\x81rtp", 4,
				     MARK_NOT_DTLS, MSG_MORE));
	ASSERT_EQ(4, recv(self->b, dg, sizeof(dg), MSG_DONTWAIT));
	EXPECT_EQ(0, memcmp(dg, "\x81rtp", 4));
	/* The records go on from sequence number 0. */
	ASSERT_EQ(4, send_type(self->a, "data", 4, -1));
	ASSERT_EQ(4, B_OPEN(&self->tx, &hdr, back, sizeof(back)));
	EXPECT_EQ(DATA, hdr.type);
	EXPECT_EQ(0, hdr.seq);
}

TEST_F(record, tx_record_type_cmsg)
{
	static const int good[] = { 20, 21, 22, 23 };
	static const int bad[] = { 19, 24, 0, 255 };
	struct dtls_ref_hdr hdr;
	uint8_t back[64];
	char pt[32];
	uint64_t seq = 0;
	size_t i;

	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 0));
	/* No control message: application data. */
	ASSERT_EQ(4, send_type(self->a, "data", 4, -1));
	ASSERT_EQ(4, B_OPEN(&self->tx, &hdr, back, sizeof(back)));
	EXPECT_EQ(DATA, hdr.type);
	EXPECT_EQ(seq++, hdr.seq);
	for (i = 0; i < 4; i++) {
		int n = snprintf(pt, sizeof(pt), "type %d", good[i]);

		ASSERT_EQ(n, send_type(self->a, pt, n, good[i]))
			TH_LOG("type %d: %s", good[i], strerror(errno));
		/* The type is in the header and the additional data. */
		ASSERT_EQ(n, B_OPEN(&self->tx, &hdr, back, sizeof(back)));
		EXPECT_EQ(good[i], hdr.type);
		EXPECT_EQ(0, memcmp(pt, back, n));
		EXPECT_EQ(seq++, hdr.seq);
	}
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(-1, send_type(self->a, "bad", 3, bad[i]))
			TH_LOG("type %d was sent", bad[i]);
		EXPECT_EQ(EINVAL, errno) TH_LOG("type %d", bad[i]);
	}
	EXPECT_B_EMPTY();
	/* Still sending. */
	ASSERT_EQ(5, send_type(self->a, "after", 5, HANDSHAKE));
	ASSERT_EQ(5, B_OPEN(&self->tx, &hdr, back, sizeof(back)));
	EXPECT_EQ(HANDSHAKE, hdr.type);
}

/* IP_TOS / IPV6_TCLASS next to DTLS_SET_RECORD_TYPE still reach UDP. */
TEST_F(record_sock, tx_other_cmsgs_reach_udp)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(1) + CMSG_SPACE(sizeof(int))];
	} c, rc;
	bool v6 = variant->family == AF_INET6;
	struct iovec iov = { "tos", 3 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = c.b, .msg_controllen = sizeof(c.b) };
	uint8_t dgram[256], back[64];
	struct dtls_ref_hdr hdr;
	struct cmsghdr *cm;
	int one = 1, tos = -1;
	size_t reclen;
	ssize_t n;

	ASSERT_EQ(0, setsockopt(self->b, v6 ? SOL_IPV6 : SOL_IP,
				v6 ? IPV6_RECVTCLASS : IP_RECVTOS, &one,
				sizeof(one)));
	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 0));
	memset(&c, 0, sizeof(c));
	cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = v6 ? SOL_IPV6 : SOL_IP;
	cm->cmsg_type = v6 ? IPV6_TCLASS : IP_TOS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	*(int *)CMSG_DATA(cm) = 0x28;
	cm = CMSG_NXTHDR(&m, cm);
	cm->cmsg_level = SOL_DTLS;
	cm->cmsg_type = DTLS_SET_RECORD_TYPE;
	cm->cmsg_len = CMSG_LEN(1);
	*CMSG_DATA(cm) = DTLS_RECORD_TYPE_ALERT;
	m.msg_controllen = CMSG_SPACE(sizeof(int)) + CMSG_SPACE(1);
	ASSERT_EQ(3, sendmsg(self->a, &m, 0)) TH_LOG("%s", strerror(errno));

	iov.iov_base = dgram;
	iov.iov_len = sizeof(dgram);
	memset(&m, 0, sizeof(m));
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = rc.b;
	m.msg_controllen = sizeof(rc.b);
	n = recvmsg(self->b, &m, 0);
	ASSERT_LT(0, n);
	for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm)) {
		if (!v6 && cm->cmsg_level == SOL_IP && cm->cmsg_type == IP_TOS)
			tos = *CMSG_DATA(cm);
		if (v6 && cm->cmsg_level == SOL_IPV6 &&
		    cm->cmsg_type == IPV6_TCLASS)
			tos = *(int *)CMSG_DATA(cm);
	}
	EXPECT_EQ(0x28, tos) TH_LOG("the TOS/traffic class did not reach UDP");
	ASSERT_EQ(3, dtls_ref_open(variant->cipher, self->tx.key, self->tx.iv,
				   dgram, n, &hdr, back, sizeof(back), &reclen));
	EXPECT_EQ(DTLS_RECORD_TYPE_ALERT, hdr.type);
}

TEST_F(record, tx_max_payload)
{
	static uint8_t pt[DTLS_REF_MAX_PLAINTEXT + 1];
	static uint8_t back[DTLS_REF_MAX_PLAINTEXT + 1];
	struct dtls_ref_hdr hdr;
	const size_t max = DTLS_REF_MAX_PLAINTEXT;

	fill(pt, sizeof(pt), 7);
	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 0));
	ASSERT_EQ((ssize_t)max, send(self->a, pt, max, 0))
		TH_LOG("2^14 bytes: %s", strerror(errno));
	ASSERT_EQ((ssize_t)max, B_OPEN(&self->tx, &hdr, back, sizeof(back)));
	EXPECT_EQ(0, memcmp(pt, back, max));
	EXPECT_EQ(-1, send(self->a, pt, max + 1, 0));
	EXPECT_EQ(EMSGSIZE, errno);
	EXPECT_B_EMPTY();
}

TEST_F(record, tx_sendmmsg)
{
	enum { N = 8 };
	struct mmsghdr mm[N];
	struct iovec iov[N];
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(1)];
	} c;
	static uint8_t pt[N][600];
	uint8_t back[600];
	struct dtls_ref_hdr hdr;
	struct cmsghdr *cm;
	int i;

	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 100));
	memset(mm, 0, sizeof(mm));
	for (i = 0; i < N; i++) {
		fill(pt[i], sizeof(pt[i]), 40 + i);
		iov[i].iov_base = pt[i];
		iov[i].iov_len = 50 * (i + 1);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	/* The fourth is a handshake record. */
	memset(&c, 0, sizeof(c));
	mm[3].msg_hdr.msg_control = c.b;
	mm[3].msg_hdr.msg_controllen = sizeof(c.b);
	cm = CMSG_FIRSTHDR(&mm[3].msg_hdr);
	cm->cmsg_level = SOL_DTLS;
	cm->cmsg_type = DTLS_SET_RECORD_TYPE;
	cm->cmsg_len = CMSG_LEN(1);
	*CMSG_DATA(cm) = HANDSHAKE;

	ASSERT_EQ(N, sendmmsg(self->a, mm, N, 0)) TH_LOG("%s", strerror(errno));
	for (i = 0; i < N; i++) {
		EXPECT_EQ(iov[i].iov_len, mm[i].msg_len);
		ASSERT_EQ((ssize_t)iov[i].iov_len,
			  B_OPEN(&self->tx, &hdr, back, sizeof(back)));
		EXPECT_EQ(0, memcmp(pt[i], back, iov[i].iov_len));
		EXPECT_EQ(100 + i, hdr.seq);
		EXPECT_EQ(i == 3 ? HANDSHAKE : DATA, hdr.type);
	}
	EXPECT_B_EMPTY();
	EXPECT_EQ(N, STATS().tx_records);
}

/* Sequence numbers never wrap: after 2^48-1, EKEYEXPIRED until re-key. */
TEST_F(record, tx_seq_exhausted)
{
	struct dtls_ref_hdr hdr;
	struct keyset next;
	uint8_t back[64];

	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, DTLS_SEQ_MAX - 1));
	ASSERT_EQ(3, send(self->a, "one", 3, 0));
	ASSERT_EQ(3, B_OPEN(&self->tx, &hdr, back, sizeof(back)));
	EXPECT_EQ(DTLS_SEQ_MAX - 1, hdr.seq);
	ASSERT_EQ(3, send(self->a, "two", 3, 0)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(3, B_OPEN(&self->tx, &hdr, back, sizeof(back)));
	EXPECT_EQ(DTLS_SEQ_MAX, hdr.seq);
	EXPECT_EQ(-1, send(self->a, "three", 5, 0));
	EXPECT_EQ(EKEYEXPIRED, errno);
	EXPECT_EQ(-1, send(self->a, "four", 4, 0));
	EXPECT_EQ(EKEYEXPIRED, errno);
	EXPECT_B_EMPTY();

	/* The next epoch sends again. */
	keyset_init(&next, variant->cipher, 2, 9);
	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &next, 0));
	ASSERT_EQ(4, send(self->a, "five", 4, 0));
	ASSERT_EQ(4, B_OPEN(&next, &hdr, back, sizeof(back)));
	EXPECT_EQ(2, hdr.epoch);
	EXPECT_EQ(0, hdr.seq);
}

/* TX keys alone: receiving stays plain UDP. */
TEST_F(record_sock, tx_keys_only_rx_plain)
{
	uint8_t rec[128], buf[128];
	struct dtls_sock_stats st;
	union dtls_ci ci;
	socklen_t len = sizeof(ci);
	ssize_t n;
	int t;

	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 0));
	B_RAW("plain", 5);
	n = recv_rec(self->a, buf, sizeof(buf), 0, CTL, &t, NULL);
	ASSERT_EQ(5, n);
	EXPECT_EQ(0, memcmp(buf, "plain", 5));
	EXPECT_EQ(NO_TYPE, t);
	/* Even a record is handed over as it came, not opened. */
	n = seal(&self->rx, DATA, 0, "sealed", 6, rec);
	ASSERT_LT(0, n);
	B_RAW(rec, n);
	ASSERT_EQ(n, recv_rec(self->a, buf, sizeof(buf), 0, CTL, &t, NULL));
	EXPECT_EQ(0, memcmp(buf, rec, n));
	EXPECT_EQ(NO_TYPE, t);
	EXPECT_EQ(-ENOKEY, get_ci(self->a, DTLS_RX, &ci, &len));
	st = STATS();
	EXPECT_EQ(0, st.rx_records + st.rx_not_dtls + st.rx_auth_fail +
		     st.rx_malformed + st.rx_bad_epoch);
}

/* RX keys alone: sending stays plain UDP. */
TEST_F(record_sock, rx_keys_only_tx_plain)
{
	uint8_t buf[64];

	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	ASSERT_EQ(5, send(self->a, "plain", 5, 0));
	ASSERT_EQ(5, recv(self->b, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "plain", 5));
	EXPECT_EQ(0, STATS().tx_records);
	/* and receiving is DTLS */
	B_STR(0, "sealed");
	EXPECT_STR("sealed");
}

/* ---- Receiving ---- */

TEST_F(record, rx_basic)
{
	const struct dtls_ref_cipher *c = dtls_ref_cipher(variant->cipher);
	static uint8_t big[DTLS_REF_MAX_PLAINTEXT], rec[DTLS_REF_MAX_RECORD];
	static const uint8_t nonce[8] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4 };
	struct dtls_sock_stats st;
	uint8_t buf[64];
	uint64_t bytes = 0;
	ssize_t n;
	int t;

	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	/* A plain recv() needs no control buffer for data. */
	B_STR(0, "hello");
	ASSERT_EQ(5, recv(self->a, buf, sizeof(buf), 0))
		TH_LOG("%s", strerror(errno));
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	bytes += 5;
	/* With room, data is marked 23. */
	B_STR(1, "world");
	ASSERT_EQ(5, recv_rec(self->a, buf, sizeof(buf), 0, CTL, &t, NULL));
	EXPECT_EQ(0, memcmp(buf, "world", 5));
	EXPECT_EQ(DATA, t);
	bytes += 5;
	/* The peer may pick any explicit nonce. */
	if (c->explicit_len) {
		n = dtls_ref_seal(variant->cipher, self->rx.key, self->rx.iv,
				  DATA, 1, 2, nonce, "any nonce", 9, rec);
		ASSERT_LT(0, n);
		B_RAW(rec, n);
		EXPECT_STR("any nonce");
		bytes += 9;
	}
	/* 2^14 bytes, and nothing at all. */
	fill(big, sizeof(big), 3);
	B_SEND(&self->rx, DATA, 3, big, sizeof(big));
	EXPECT_MSG(big, sizeof(big), DATA);
	bytes += sizeof(big);
	B_SEND(&self->rx, DATA, 4, "", 0);
	EXPECT_MSG("", 0, DATA);
	EXPECT_EMPTY();
	st = STATS();
	EXPECT_EQ(c->explicit_len ? 5 : 4, st.rx_records);
	EXPECT_EQ(bytes, st.rx_bytes);
}

/* Non-data records need room for their type, else EIO and stay queued. */
TEST_F(record, rx_non_data_needs_cmsg_room)
{
	uint8_t buf[64];
	ssize_t n;
	int t, fl;

	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	B_SEND(&self->rx, HANDSHAKE, 0, "finished", 8);
	B_STR(1, "data after");
	ASSERT_EQ(2, STAT_WAIT(rx_records, 2));

	EXPECT_EQ(-EIO, recv_rec(self->a, buf, sizeof(buf), 0, 0, &t, NULL));
	EXPECT_EQ(-EIO, recv(self->a, buf, sizeof(buf), 0) < 0 ? -errno : 0);
	EXPECT_EQ(-EIO, recv_rec(self->a, buf, sizeof(buf), MSG_PEEK, 0, &t,
				 NULL));
	/* Too little room for the control message is no room. */
	EXPECT_EQ(-EIO, recv_rec(self->a, buf, sizeof(buf), 0,
				 sizeof(struct cmsghdr), &t, NULL));
	/* Still first in line. */
	n = recv_rec(self->a, buf, sizeof(buf), 0, CTL, &t, &fl);
	ASSERT_EQ(8, n);
	EXPECT_EQ(0, memcmp(buf, "finished", 8));
	EXPECT_EQ(HANDSHAKE, t);
	/* Data does not need the room. */
	ASSERT_EQ(10, recv(self->a, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "data after", 10));

	B_SEND(&self->rx, DTLS_RECORD_TYPE_CHANGE_CIPHER_SPEC, 2, "\1", 1);
	EXPECT_MSG("\1", 1, DTLS_RECORD_TYPE_CHANGE_CIPHER_SPEC);
	B_SEND(&self->rx, DTLS_RECORD_TYPE_ALERT, 3, "\1\0", 2);
	EXPECT_MSG("\1\0", 2, DTLS_RECORD_TYPE_ALERT);
	EXPECT_EMPTY();
}

/* A forged record is dropped, counted, and wakes nobody. */
TEST_F(record, rx_bad_tag)
{
	uint8_t rec[256], buf[64];
	struct keyset wrong;
	struct pollfd pfd = { .fd = self->a, .events = POLLIN };
	long long t0, waited;
	ssize_t n;

	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	/* tag */
	n = seal(&self->rx, DATA, 1000, "forged", 6, rec);
	ASSERT_LT(0, n);
	rec[n - 1] ^= 1;
	B_RAW(rec, n);
	/* ciphertext */
	n = seal(&self->rx, DATA, 1001, "forged", 6, rec);
	rec[n - dtls_ref_cipher(variant->cipher)->tag_len - 1] ^= 0x80;
	B_RAW(rec, n);
	/* header: the type is additional data */
	n = seal(&self->rx, DATA, 1002, "forged", 6, rec);
	rec[0] = HANDSHAKE;
	B_RAW(rec, n);
	/* header: the sequence number */
	n = seal(&self->rx, DATA, 1003, "forged", 6, rec);
	rec[10] ^= 1;
	B_RAW(rec, n);
	/* another key, and a's own TX keys */
	keyset_init(&wrong, variant->cipher, 1, 77);
	n = seal(&wrong, DATA, 1004, "forged", 6, rec);
	B_RAW(rec, n);
	n = seal(&self->tx, DATA, 1005, "forged", 6, rec);
	B_RAW(rec, n);

	EXPECT_EQ(6, STAT_WAIT(rx_auth_fail, 6));
	EXPECT_EQ(0, poll(&pfd, 1, 200)) TH_LOG("poll: revents 0x%x", pfd.revents);
	set_timeout(self->a, 300);
	t0 = now_ms();
	EXPECT_EQ(-1, recv(self->a, buf, sizeof(buf), 0));
	EXPECT_EQ(EAGAIN, errno);
	waited = now_ms() - t0;
	EXPECT_LE(250, waited) TH_LOG("recv returned after %lld ms", waited);
	set_timeout(self->a, TIMEOUT_MS);

	/* Nothing moved the window: seq 5, then 1000, are fresh. */
	B_STR(5, "five");
	EXPECT_STR("five");
	B_STR(1000, "thousand");
	EXPECT_STR("thousand");
	EXPECT_EMPTY();
	EXPECT_EQ(2, STATS().rx_records);
	EXPECT_EQ(6, STATS().rx_auth_fail);
}

struct delayed_send {
	int fd;
	const void *buf;
	size_t len;
	int delay_ms;
};

static void *delayed_send_fn(void *arg)
{
	struct delayed_send *d = arg;

	usleep(d->delay_ms * 1000);
	send(d->fd, d->buf, d->len, 0);
	return NULL;
}

struct blocked_recv {
	int fd;
	ssize_t n;
	int err;
	uint8_t buf[64];
};

static void *blocked_recv_fn(void *arg)
{
	struct blocked_recv *r = arg;

	r->n = recv(r->fd, r->buf, sizeof(r->buf), 0);
	r->err = r->n < 0 ? errno : 0;
	return NULL;
}

/* A reader blocked in recv() sleeps through a forged record. */
TEST_F(record_sock, rx_forged_keeps_reader_asleep)
{
	struct blocked_recv r = { .fd = self->a };
	uint8_t rec[128];
	pthread_t th;
	ssize_t n;

	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	set_timeout(self->a, 3 * TIMEOUT_MS);
	ASSERT_EQ(0, pthread_create(&th, NULL, blocked_recv_fn, &r));
	usleep(100000);
	n = seal(&self->rx, DATA, 0, "forged", 6, rec);
	ASSERT_LT(0, n);
	rec[n - 2] ^= 4;
	B_RAW(rec, n);
	ASSERT_EQ(1, STAT_WAIT(rx_auth_fail, 1));
	usleep(100000);
	B_STR(1, "genuine");
	pthread_join(th, NULL);
	ASSERT_EQ(7, r.n) TH_LOG("blocked reader: %s", strerror(r.err));
	EXPECT_EQ(0, memcmp(r.buf, "genuine", 7));
}

TEST_F(record, rx_replay)
{
	const struct dtls_ref_cipher *c = dtls_ref_cipher(variant->cipher);
	static const uint8_t nonce[8] = { 9, 9, 9, 9, 9, 9, 9, 9 };
	uint8_t rec[128];
	ssize_t n;

	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	n = seal(&self->rx, DATA, 7, "once", 4, rec);
	ASSERT_LT(0, n);
	B_RAW(rec, n);
	B_RAW(rec, n);
	EXPECT_STR("once");
	EXPECT_EQ(1, STAT_WAIT(rx_replay, 1));
	EXPECT_EMPTY();
	/* The same sequence number with other contents is a replay too. */
	if (c->explicit_len) {
		n = dtls_ref_seal(variant->cipher, self->rx.key, self->rx.iv,
				  DATA, 1, 7, nonce, "twice", 5, rec);
		ASSERT_LT(0, n);
		B_RAW(rec, n);
	} else {
		B_STR(7, "twice");
	}
	EXPECT_EQ(2, STAT_WAIT(rx_replay, 2));
	EXPECT_EMPTY();
	EXPECT_EQ(1, STATS().rx_records);
}

/* Send seq @seq and check that it is accepted (1) or refused (0). */
static void window_probe(struct __test_metadata *_metadata, int a, int b,
			 uint64_t ino, const struct keyset *ks, uint64_t seq,
			 bool accept, uint64_t *replays, int line)
{
	char pt[64];
	int n = snprintf(pt, sizeof(pt), "epoch %u seq %llu", ks->epoch,
			 (unsigned long long)seq);

	b_send(_metadata, b, ks, DATA, seq, pt, n, line);
	if (accept) {
		expect_msg(_metadata, a, pt, n, DATA, line);
		return;
	}
	++*replays;
	EXPECT_EQ(*replays, stat_wait(_metadata, ino, STAT(rx_replay),
				      *replays))
		TH_LOG("line %d: seq %llu was not refused as a replay", line,
		       (unsigned long long)seq);
	expect_empty(_metadata, a, line);
}

#define ACCEPT(ks, seq) window_probe(_metadata, self->a, self->b, self->ino, \
				     ks, seq, true, &replays, __LINE__)
#define REFUSE(ks, seq) window_probe(_metadata, self->a, self->b, self->ino, \
				     ks, seq, false, &replays, __LINE__)

/* RFC 6347 4.1.2.6 with the default window of 64. */
TEST_F(record, rx_window_default)
{
	const uint64_t far = 100 + 1000000;
	uint64_t replays = 0;
	union dtls_ci ci;
	socklen_t len = sizeof(ci);

	EXPECT_EQ(DTLS_REPLAY_WINDOW_DEFAULT, get_window(self->a));
	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	ACCEPT(&self->rx, 100);
	ACCEPT(&self->rx, 37);		/* 100 - 63: the window's last */
	REFUSE(&self->rx, 37);
	REFUSE(&self->rx, 36);		/* 100 - 64: left it */
	ACCEPT(&self->rx, 99);
	REFUSE(&self->rx, 100);
	ACCEPT(&self->rx, far);		/* moves the window */
	REFUSE(&self->rx, 100);
	REFUSE(&self->rx, far - 64);
	ACCEPT(&self->rx, far - 63);
	ACCEPT(&self->rx, far + 1);
	REFUSE(&self->rx, far);
	ASSERT_EQ(0, get_ci(self->a, DTLS_RX, &ci, &len));
	EXPECT_EQ(far + 2, ci.info.seq);
	EXPECT_EQ(replays, STATS().rx_replay);
}

/* A window of 1024, set before the keys; later changes wait for a re-key. */
TEST_F(record_sock, rx_window_1024)
{
	uint64_t replays = 0;
	struct keyset e2;

	ASSERT_EQ(0, set_window(self->a, 1024));
	EXPECT_EQ(1024, get_window(self->a));
	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	ACCEPT(&self->rx, 2000);
	ACCEPT(&self->rx, 2000 - 1023);
	REFUSE(&self->rx, 2000 - 1024);
	ACCEPT(&self->rx, 2000 - 1000);
	/* A new size applies to RX keys installed afterwards... */
	ASSERT_EQ(0, set_window(self->a, 32));
	EXPECT_EQ(32, get_window(self->a));
	ACCEPT(&self->rx, 2000 - 500);
	/* ...such as the next epoch. */
	keyset_init(&e2, variant->cipher, 2, 3);
	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &e2, 0));
	ACCEPT(&e2, 500);
	ACCEPT(&e2, 500 - 31);
	REFUSE(&e2, 500 - 32);
	EXPECT_EQ(replays, STATS().rx_replay);
}

TEST_F(record_sock, rx_window_option_refusals)
{
	static const int bad[] = { 31, 4097, -1, 0, INT_MIN, INT_MAX };
	long long big = 64;
	short small = 64;
	size_t i;

	EXPECT_EQ(DTLS_REPLAY_WINDOW_DEFAULT, get_window(self->a));
	ASSERT_EQ(0, set_window(self->a, 100));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_EQ(-EINVAL, set_window(self->a, bad[i]))
			TH_LOG("window %d", bad[i]);
	EXPECT_EQ(-1, setsockopt(self->a, SOL_DTLS, DTLS_REPLAY_WINDOW, &big,
				 sizeof(big)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, setsockopt(self->a, SOL_DTLS, DTLS_REPLAY_WINDOW, &small,
				 sizeof(small)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, setsockopt(self->a, SOL_DTLS, DTLS_REPLAY_WINDOW, &big,
				 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(100, get_window(self->a));
	EXPECT_EQ(0, set_window(self->a, DTLS_REPLAY_WINDOW_MIN));
	EXPECT_EQ(DTLS_REPLAY_WINDOW_MIN, get_window(self->a));
	EXPECT_EQ(0, set_window(self->a, DTLS_REPLAY_WINDOW_MAX));
	EXPECT_EQ(DTLS_REPLAY_WINDOW_MAX, get_window(self->a));
}

/* RX info.seq: records below it count as already received. */
TEST_F(record_sock, rx_below_initial_seq)
{
	uint64_t replays = 0;
	union dtls_ci ci;
	socklen_t len = sizeof(ci);

	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 50));
	ASSERT_EQ(0, get_ci(self->a, DTLS_RX, &ci, &len));
	EXPECT_EQ(50, ci.info.seq);
	REFUSE(&self->rx, 49);
	REFUSE(&self->rx, 20);
	REFUSE(&self->rx, 0);
	ACCEPT(&self->rx, 50);
	ACCEPT(&self->rx, 52);
	ACCEPT(&self->rx, 51);
	REFUSE(&self->rx, 49);
}

TEST_F(record_sock, rx_below_initial_seq_far)
{
	uint64_t replays = 0;

	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 1000000));
	REFUSE(&self->rx, 999999);
	REFUSE(&self->rx, 10);
	ACCEPT(&self->rx, 1000000);
}

/* Epochs without keys are dropped and move nothing. */
TEST_F(record, rx_bad_epoch)
{
	static const uint16_t epochs[] = { 2, 4, 0, 0xffff, 1 };
	struct dtls_sock_stats st;
	struct dtls_info info;
	struct keyset ks;
	union dtls_ci ci;
	socklen_t len = sizeof(ci);
	size_t i;

	self->rx.epoch = 3;
	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	for (i = 0; i < sizeof(epochs) / sizeof(epochs[0]); i++) {
		/* The right key, another epoch (unknown, future, 0, old). */
		ks = self->rx;
		ks.epoch = epochs[i];
		B_SEND(&ks, i == 2 ? HANDSHAKE : DATA, 100 + i, "epoch", 5);
	}
	EXPECT_EQ(i, STAT_WAIT(rx_bad_epoch, i));
	EXPECT_EMPTY();
	st = STATS();
	EXPECT_EQ(0, st.rx_auth_fail);
	EXPECT_EQ(0, st.rx_records);
	ASSERT_EQ(0, get_info(self->a, &info));
	EXPECT_EQ(3, info.rx_epoch);
	ASSERT_EQ(0, get_ci(self->a, DTLS_RX, &ci, &len));
	EXPECT_EQ(3, ci.info.epoch);
	EXPECT_EQ(0, ci.info.seq);
	/* The current epoch still opens, from the start of its window. */
	B_STR(0, "epoch 3 seq 0");
	EXPECT_STR("epoch 3 seq 0");
	B_STR(1, "epoch 3 seq 1");
	EXPECT_STR("epoch 3 seq 1");
	len = sizeof(ci);
	ASSERT_EQ(0, get_ci(self->a, DTLS_RX, &ci, &len));
	EXPECT_EQ(2, ci.info.seq);
}

/* A re-key (with another cipher) keeps the previous epoch opening. */
TEST_F(record, rx_rekey_reordered)
{
	static uint8_t held[4][128];
	ssize_t held_len[4];
	struct keyset e2, e3;
	struct dtls_info info;
	union dtls_ci ci;
	socklen_t len;
	uint64_t replays = 0;
	int i;

	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	for (i = 0; i < 4; i++) {
		char pt[16];
		int n = snprintf(pt, sizeof(pt), "e1 s%d", i);

		held_len[i] = seal(&self->rx, DATA, i, pt, n, held[i]);
		ASSERT_LT(0, held_len[i]);
	}
	B_RAW(held[0], held_len[0]);
	EXPECT_STR("e1 s0");
	B_RAW(held[1], held_len[1]);
	EXPECT_STR("e1 s1");

	keyset_init(&e2, other_cipher(variant->cipher), 2, 3);
	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &e2, 0));
	ASSERT_EQ(0, get_info(self->a, &info));
	EXPECT_EQ(2, info.rx_epoch);
	EXPECT_EQ(e2.cipher, info.rx_cipher);
	len = sizeof(ci);
	ASSERT_EQ(0, get_ci(self->a, DTLS_RX, &ci, &len));
	EXPECT_EQ(dtls_ref_cipher(e2.cipher)->info_len, len);
	EXPECT_EQ(e2.cipher, ci.info.cipher_type);
	EXPECT_EQ(2, ci.info.epoch);

	ACCEPT(&e2, 0);
	B_RAW(held[2], held_len[2]);	/* reordered across the key change */
	EXPECT_STR("e1 s2");
	B_RAW(held[1], held_len[1]);	/* the old window still holds */
	EXPECT_EQ(1, STAT_WAIT(rx_replay, 1));
	EXPECT_EMPTY();
	replays = 1;
	ACCEPT(&e2, 1);
	B_RAW(held[3], held_len[3]);
	EXPECT_STR("e1 s3");

	/* Epoch 3: epoch 2 is now the previous one, epoch 1 has no keys. */
	keyset_init(&e3, variant->cipher, 3, 4);
	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &e3, 0));
	ACCEPT(&e3, 0);
	ACCEPT(&e2, 2);
	B_SEND(&self->rx, DATA, 4, "e1 s4", 5);
	EXPECT_EQ(1, STAT_WAIT(rx_bad_epoch, 1));
	EXPECT_EMPTY();
	EXPECT_EQ(replays, STATS().rx_replay);
}

/*
 * The previous RX epoch opens records for DTLS_RX_PREV_EPOCH_MS (30 s)
 * after a re-key, and not after it: a record of it then is a bad epoch.
 */
TEST_F_TIMEOUT(record_sock, rx_prev_epoch_expires, 120)
{
	struct keyset e2;

	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	keyset_init(&e2, variant->cipher, 2, 3);
	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &e2, 0));
	B_SEND(&self->rx, DATA, 0, "e1 s0", 5);
	EXPECT_STR("e1 s0");
	B_SEND(&e2, DATA, 0, "e2 s0", 5);
	EXPECT_STR("e2 s0");

	sleep(31);
	B_SEND(&self->rx, DATA, 1, "e1 s1", 5);
	EXPECT_EQ(1, STAT_WAIT(rx_bad_epoch, 1));
	EXPECT_EMPTY();
	B_SEND(&e2, DATA, 1, "e2 s1", 5);
	EXPECT_STR("e2 s1");
}

/* Bad headers and lengths: dropped, counted as malformed. */
TEST_F(record, rx_malformed)
{
	const struct dtls_ref_cipher *c = dtls_ref_cipher(variant->cipher);
	static const uint16_t versions[] = { 0xfeff, 0x0303 };
	static const uint8_t types[] = { 24, 25, 40, 63 };
	uint8_t rec[256];
	struct dtls_sock_stats st;
	uint64_t seq = 1, count = 0;
	size_t i, short_len;
	ssize_t n;

	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	n = seal(&self->rx, DATA, seq++, "0123456789", 10, rec);
	ASSERT_LT(0, n);
	/* a header cut short */
	B_RAW(rec, 5);
	count++;
	B_RAW(rec, DTLS_REF_HDR_LEN - 1);
	count++;
	/* a length past the end of the datagram */
	B_RAW(rec, n - 1);
	count++;
	/* a fragment shorter than explicit nonce + tag, and an empty one */
	short_len = c->explicit_len + c->tag_len - 1;
	rec[11] = short_len >> 8;
	rec[12] = short_len;
	B_RAW(rec, DTLS_REF_HDR_LEN + short_len);
	count++;
	rec[11] = 0;
	rec[12] = 0;
	B_RAW(rec, DTLS_REF_HDR_LEN);
	count++;
	/* other versions, sealed as such */
	for (i = 0; i < 2; i++) {
		n = dtls_ref_seal_version(variant->cipher, self->rx.key,
					  self->rx.iv, DATA, versions[i], 1,
					  seq++, NULL, "version", 7, rec);
		ASSERT_LT(0, n);
		B_RAW(rec, n);
		count++;
	}
	/* first byte in 20..63 (DTLS by RFC 7983) but no content type */
	for (i = 0; i < sizeof(types); i++) {
		B_SEND(&self->rx, types[i], seq++, "type", 4);
		count++;
	}
	EXPECT_EQ(count, STAT_WAIT(rx_malformed, count));
	EXPECT_EMPTY();
	st = STATS();
	EXPECT_EQ(0, st.rx_auth_fail);
	EXPECT_EQ(0, st.rx_records);
	EXPECT_EQ(0, st.rx_not_dtls);
	/* None moved the window. */
	B_STR(1, "valid after");
	EXPECT_STR("valid after");
	EXPECT_EMPTY();
}

/*
 * RFC 5246 6.2.3: no record holds more than 2^14 bytes of plaintext.  One
 * sealed over 2^14 + 1 bytes, and one over 40,000, is discarded as
 * malformed before it is opened, and moves no window: its sequence number
 * then opens a record of 2^14 bytes.
 */
TEST_F(record, rx_plaintext_over_2_14)
{
	static uint8_t pt[40000], rec[40000 + 64];
	const size_t lens[] = { DTLS_REF_MAX_PLAINTEXT + 1, sizeof(pt) };
	ssize_t n;
	size_t i;

	fill(pt, sizeof(pt), 5);
	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	for (i = 0; i < 2; i++) {
		n = seal(&self->rx, DATA, 1, pt, lens[i], rec);
		ASSERT_LT(0, n);
		B_RAW(rec, n);
	}
	EXPECT_EQ(2, STAT_WAIT(rx_malformed, 2));
	EXPECT_EQ(0, STATS().rx_auth_fail);
	EXPECT_EQ(0, STATS().rx_records);
	EXPECT_EMPTY();
	B_SEND(&self->rx, DATA, 1, pt, DTLS_REF_MAX_PLAINTEXT);
	EXPECT_MSG(pt, DTLS_REF_MAX_PLAINTEXT, DATA);
	EXPECT_EMPTY();
}

/* Several records in one datagram: each good one is its own message. */
TEST_F(record, rx_several_records_per_datagram)
{
	static uint8_t dgram[1024];
	struct dtls_sock_stats st;
	size_t off = 0;
	ssize_t n;

	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	/* good + forged + good (of another type) */
	n = seal(&self->rx, DATA, 1, "first", 5, dgram);
	off += n;
	n = seal(&self->rx, DATA, 2, "second", 6, dgram + off);
	dgram[off + n - 1] ^= 1;
	off += n;
	n = seal(&self->rx, HANDSHAKE, 3, "third", 5, dgram + off);
	off += n;
	B_RAW(dgram, off);
	EXPECT_MSG("first", 5, DATA);
	EXPECT_MSG("third", 5, HANDSHAKE);
	EXPECT_EMPTY();
	EXPECT_EQ(1, STAT_WAIT(rx_auth_fail, 1));

	/* good + trailing bytes that are no record */
	off = seal(&self->rx, DATA, 4, "fourth", 6, dgram);
	memcpy(dgram + off, "\x17\xfe\xfd", 3);
	B_RAW(dgram, off + 3);
	EXPECT_STR("fourth");
	EXPECT_EQ(1, STAT_WAIT(rx_malformed, 1));
	EXPECT_EMPTY();

	/* good + good + a replay of the first */
	off = seal(&self->rx, DATA, 5, "fifth", 5, dgram);
	off += seal(&self->rx, DATA, 6, "sixth", 5, dgram + off);
	off += seal(&self->rx, DATA, 5, "fifth", 5, dgram + off);
	B_RAW(dgram, off);
	EXPECT_STR("fifth");
	EXPECT_STR("sixth");
	EXPECT_EQ(1, STAT_WAIT(rx_replay, 1));
	EXPECT_EMPTY();
	st = STATS();
	EXPECT_EQ(5, st.rx_records);
}

/* RFC 7983 demultiplexing: what is not DTLS passes unchanged, marked 0. */
TEST_F(record_sock, rx_not_dtls)
{
	static const uint8_t stun[20] = { 0x00, 0x01, 0x00, 0x00, 0x21, 0x12,
					  0xa4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8,
					  9, 10, 11, 12 };
	static const uint8_t stun2[8] = { 0x01, 0x01, 0x00, 0x00, 1, 2, 3, 4 };
	static const uint8_t zrtp[6] = { 0x13, 0xfe, 0xfd, 0, 1, 0 };
	static const uint8_t turn[8] = { 0x40, 0x00, 0x00, 0x04, 'a', 'b', 'c',
					 'd' };
	static const uint8_t rtp[16] = { 0x80, 0x60, 0x12, 0x34, 0, 0, 0, 1,
					 0xca, 0xfe, 0xba, 0xbe, 1, 2, 3, 4 };
	static const uint8_t high[3] = { 0xff, 0x17, 0xfe };
	static const struct { const uint8_t *p; size_t len; } d[] = {
		{ stun, sizeof(stun) }, { stun2, sizeof(stun2) },
		{ zrtp, sizeof(zrtp) }, { turn, sizeof(turn) },
		{ rtp, sizeof(rtp) }, { high, sizeof(high) },
	};
	struct dtls_sock_stats st;
	size_t i;

	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	for (i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		B_RAW(d[i].p, d[i].len);
		/* marked (a reader without room for it never sees it) */
		EXPECT_MSG(d[i].p, d[i].len, DTLS_RECORD_NOT_DTLS);
	}
	/* A zero-length datagram. */
	B_RAW("", 0);
	EXPECT_MSG("", 0, DTLS_RECORD_NOT_DTLS);
	EXPECT_EMPTY();
	st = STATS();
	EXPECT_EQ(i + 1, st.rx_not_dtls);
	EXPECT_EQ(0, st.rx_records);
	EXPECT_EQ(0, st.rx_malformed);
}

TEST_F(record_sock, rx_msg_peek)
{
	uint8_t buf[64];
	int t;

	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	B_STR(0, "peek me");
	ASSERT_EQ(7, recv_rec(self->a, buf, sizeof(buf), MSG_PEEK, CTL, &t,
			      NULL));
	EXPECT_EQ(0, memcmp(buf, "peek me", 7));
	EXPECT_EQ(DATA, t);
	ASSERT_EQ(7, recv(self->a, buf, sizeof(buf), MSG_PEEK));
	EXPECT_STR("peek me");
	EXPECT_EMPTY();

	B_SEND(&self->rx, HANDSHAKE, 1, "hs", 2);
	ASSERT_EQ(2, STAT_WAIT(rx_records, 2));
	EXPECT_EQ(-EIO, recv_rec(self->a, buf, sizeof(buf), MSG_PEEK, 0, &t,
				 NULL));
	ASSERT_EQ(2, recv_rec(self->a, buf, sizeof(buf), MSG_PEEK, CTL, &t,
			      NULL));
	EXPECT_EQ(HANDSHAKE, t);
	EXPECT_MSG("hs", 2, HANDSHAKE);
	EXPECT_EMPTY();
}

TEST_F(record_sock, rx_msg_trunc)
{
	uint8_t pt[100], buf[100];
	int t, fl;

	fill(pt, sizeof(pt), 5);
	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	B_SEND(&self->rx, DATA, 0, pt, sizeof(pt));
	fl = 0;
	ASSERT_EQ(10, recv_rec(self->a, buf, 10, 0, CTL, &t, &fl));
	EXPECT_EQ(0, memcmp(buf, pt, 10));
	EXPECT_EQ(MSG_TRUNC, fl & MSG_TRUNC);
	EXPECT_EQ(DATA, t);
	EXPECT_EMPTY();		/* the rest is gone, as with UDP */

	B_SEND(&self->rx, DATA, 1, pt, sizeof(pt));
	fl = 0;
	ASSERT_EQ(100, recv_rec(self->a, buf, 10, MSG_TRUNC, CTL, &t, &fl));
	EXPECT_EQ(0, memcmp(buf, pt, 10));
	EXPECT_EQ(MSG_TRUNC, fl & MSG_TRUNC);
	EXPECT_EMPTY();
}

TEST_F(record_sock, rx_recvmmsg)
{
	enum { N = 5, VLEN = 8 };
	static const uint8_t types[N] = { 23, 23, 22, 23, 21 };
	struct mmsghdr mm[VLEN];
	struct iovec iov[VLEN];
	static char ctl[VLEN][CTL];
	static uint8_t buf[VLEN][64];
	char pt[32];
	int i, n;

	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	for (i = 0; i < N; i++) {
		n = snprintf(pt, sizeof(pt), "message %d", i);
		B_SEND(&self->rx, types[i], i, pt, n);
	}
	ASSERT_EQ(N, STAT_WAIT(rx_records, N));
	memset(mm, 0, sizeof(mm));
	for (i = 0; i < VLEN; i++) {
		iov[i].iov_base = buf[i];
		iov[i].iov_len = sizeof(buf[i]);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		mm[i].msg_hdr.msg_control = ctl[i];
		mm[i].msg_hdr.msg_controllen = CTL;
	}
	ASSERT_EQ(N, recvmmsg(self->a, mm, VLEN, MSG_DONTWAIT, NULL))
		TH_LOG("%s", strerror(errno));
	for (i = 0; i < N; i++) {
		n = snprintf(pt, sizeof(pt), "message %d", i);
		EXPECT_EQ(n, mm[i].msg_len);
		EXPECT_EQ(0, memcmp(buf[i], pt, n));
		EXPECT_EQ(types[i], msg_type(&mm[i].msg_hdr));
	}
	EXPECT_EMPTY();
}

TEST_F(record_sock, rx_nonblocking)
{
	uint8_t buf[64];
	int fl = fcntl(self->a, F_GETFL);

	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	EXPECT_EQ(-1, recv(self->a, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, fcntl(self->a, F_SETFL, fl | O_NONBLOCK));
	EXPECT_EQ(-1, recv(self->a, buf, sizeof(buf), 0));
	EXPECT_EQ(EAGAIN, errno);
	B_STR(0, "now");
	ASSERT_EQ(1, STAT_WAIT(rx_records, 1));
	ASSERT_EQ(3, recv(self->a, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "now", 3));
	EXPECT_EQ(-1, recv(self->a, buf, sizeof(buf), 0));
	EXPECT_EQ(EAGAIN, errno);
}

TEST_F(record_sock, rx_epoll_wakes_on_record)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	struct pollfd pfd = { .fd = self->a, .events = POLLIN };
	uint8_t rec[128];
	struct delayed_send d;
	pthread_t th;
	ssize_t n;
	int ep;

	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	ep = epoll_create1(0);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->a, &ev));
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));

	n = seal(&self->rx, DATA, 0, "forged", 6, rec);
	ASSERT_LT(0, n);
	rec[n - 1] ^= 0x10;
	B_RAW(rec, n);
	ASSERT_EQ(1, STAT_WAIT(rx_auth_fail, 1));
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 200));

	/* A reader waiting in epoll_wait() is woken by the record. */
	n = seal(&self->rx, DATA, 1, "wake up", 7, rec);
	d = (struct delayed_send){ self->b, rec, n, 100 };
	ASSERT_EQ(0, pthread_create(&th, NULL, delayed_send_fn, &d));
	ASSERT_EQ(1, epoll_wait(ep, &out, 1, 3 * TIMEOUT_MS));
	EXPECT_TRUE(out.events & EPOLLIN);
	pthread_join(th, NULL);
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_STR("wake up");
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
	EXPECT_EQ(0, poll(&pfd, 1, 0));
	close(ep);
}

TEST_F(record_sock, rx_source_address)
{
	union dtls_test_addr from;
	socklen_t len = sizeof(from);
	uint8_t buf[64];
	ssize_t n;

	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	B_STR(0, "from b");
	memset(&from, 0xa5, sizeof(from));
	n = recvfrom(self->a, buf, sizeof(buf), 0, &from.sa, &len);
	ASSERT_EQ(6, n);
	ASSERT_EQ(dtls_test_addr_len(variant->family), len);
	EXPECT_EQ(variant->family, from.sa.sa_family);
	if (variant->family == AF_INET6) {
		EXPECT_EQ(self->b_addr.in6.sin6_port, from.in6.sin6_port);
		EXPECT_EQ(0, memcmp(&self->b_addr.in6.sin6_addr,
				    &from.in6.sin6_addr, 16));
	} else {
		EXPECT_EQ(self->b_addr.in4.sin_port, from.in4.sin_port);
		EXPECT_EQ(self->b_addr.in4.sin_addr.s_addr,
			  from.in4.sin_addr.s_addr);
	}
	/* and for what is not DTLS (recvmsg: it needs room for its type) */
	B_RAW("\x80rtp", 4);
	memset(&from, 0, sizeof(from));
	{
		char ctl[CTL];
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof(from),
				    .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = ctl, .msg_controllen = CTL };

		ASSERT_EQ(4, recvmsg(self->a, &m, 0))
			TH_LOG("%s", strerror(errno));
		EXPECT_EQ(DTLS_RECORD_NOT_DTLS, msg_type(&m));
		ASSERT_EQ(dtls_test_addr_len(variant->family), m.msg_namelen);
	}
	EXPECT_EQ(0, memcmp(&from, &self->b_addr,
			    dtls_test_addr_len(variant->family)))
		TH_LOG("not b's address");
}

/*
 * What was queued before the RX keys is opened when they go in, and comes
 * first, in order: records opened, other datagrams marked not DTLS.
 */
TEST_F(record_sock, rx_queued_before_keys_first)
{
	struct pollfd pfd = { .fd = self->a, .events = POLLIN };
	static uint8_t want[4][128], got[4][128], sent[128];
	static const int want_type[4] = {
		DTLS_RECORD_NOT_DTLS, DATA, DTLS_RECORD_NOT_DTLS, DATA,
	};
	ssize_t want_len[4], got_len[4], sent_len;
	char order[256] = "";
	int i, t;

	memcpy(want[0], "plain one", 9);
	want_len[0] = 9;
	sent_len = seal(&self->rx, DATA, 0, "sealed early", 12, sent);
	ASSERT_LT(0, sent_len);
	memcpy(want[1], "sealed early", 12);
	want_len[1] = 12;
	memcpy(want[2], "plain two", 9);
	want_len[2] = 9;
	memcpy(want[3], "after keys", 10);
	want_len[3] = 10;
	B_RAW(want[0], want_len[0]);
	B_RAW(sent, sent_len);
	B_RAW(want[2], want_len[2]);
	ASSERT_EQ(1, poll(&pfd, 1, TIMEOUT_MS));
	usleep(50000);		/* loopback delivers at once; be generous */

	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	B_STR(1, "after keys");
	/* The early record, opened at install, and the one after. */
	ASSERT_EQ(2, STAT_WAIT(rx_records, 2));

	for (i = 0; i < 4; i++) {
		got_len[i] = recv_rec(self->a, got[i], sizeof(got[i]), 0, CTL,
				      &t, NULL);
		ASSERT_LE(0, got_len[i]) TH_LOG("message %d: %s", i,
						 strerror(-got_len[i]));
		snprintf(order + strlen(order), sizeof(order) - strlen(order),
			 "%s\"%.*s\"", i ? ", " : "", (int)got_len[i],
			 (char *)got[i]);
		EXPECT_EQ(want_type[i], t) TH_LOG("message %d", i);
	}
	for (i = 0; i < 4; i++) {
		EXPECT_TRUE(want_len[i] == got_len[i] &&
			    !memcmp(want[i], got[i], want_len[i]))
			TH_LOG("message %d differs; order received: %s", i,
			       order);
	}
	EXPECT_EMPTY();
}

/*
 * Wait until @n records are accounted for, queued or dropped for want of
 * room, and return the counters.
 */
static struct dtls_sock_stats settled(struct __test_metadata *_metadata,
				      uint64_t ino, uint64_t n)
{
	struct dtls_sock_stats st;
	int ms;

	for (ms = 0; ms < TIMEOUT_MS; ms += 5) {
		st = get_stats(_metadata, ino);
		if (st.rx_records + st.rx_dropped >= n)
			break;
		usleep(5000);
	}
	return st;
}

/* What a full receive buffer does: drop, count, deliver the rest intact. */
TEST_F(record_sock, rx_queue_full)
{
	enum { N = 40 };
	uint8_t pt[500], buf[600];
	struct dtls_sock_stats st;
	int rcvbuf = 4096, i, got = 0, last = -1;
	ssize_t n;

	ASSERT_EQ(0, setsockopt(self->a, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				sizeof(rcvbuf)));
	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	for (i = 0; i < N; i++) {
		fill(pt, sizeof(pt), i);
		pt[0] = i;
		B_SEND(&self->rx, DATA, i, pt, sizeof(pt));
	}
	st = settled(_metadata, self->ino, N);
	while ((n = recv(self->a, buf, sizeof(buf), MSG_DONTWAIT)) >= 0) {
		ASSERT_EQ(sizeof(pt), n);
		EXPECT_LT(last, buf[0]);
		last = buf[0];
		fill(pt, sizeof(pt), last);
		pt[0] = last;
		EXPECT_EQ(0, memcmp(buf, pt, sizeof(pt)));
		got++;
	}
	EXPECT_LT(0, st.rx_dropped) TH_LOG("a 4 KiB buffer took %d records", got);
	EXPECT_EQ(N, got + st.rx_dropped);
	/* DtlsRxRecords: "authenticated and queued" */
	EXPECT_EQ(got, st.rx_records);
	/* Room again. */
	B_STR(N, "again");
	EXPECT_STR("again");
}

/*
 * As UDP: a record larger than a small receive buffer still gets in when
 * the queue is not over the buffer already (one at a time), rather than
 * never.
 */
TEST_F(record_sock, rx_small_buffer_big_record)
{
	static uint8_t pt[16000];
	int rcvbuf = 1, i;

	ASSERT_EQ(0, setsockopt(self->a, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				sizeof(rcvbuf)));
	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	for (i = 0; i < 2; i++) {
		fill(pt, sizeof(pt), i);
		B_SEND(&self->rx, DATA, i, pt, sizeof(pt));
		EXPECT_MSG(pt, sizeof(pt), DATA);
	}
	EXPECT_EQ(0, STATS().rx_dropped);
}

/*
 * Records waiting in the queue are charged as UDP's datagrams are, to
 * net.ipv4.udp_mem's count (and the memory cgroup), and given back when
 * read.  Each CPU keeps up to net.core.mem_pcpu_rsv pages of the count
 * to itself (256, its floor, where there is no such sysctl), so two
 * readings may differ by twice that a CPU: the queue is made larger.
 */
TEST_F(record_sock, rx_queue_memory_charged)
{
	enum { LEN = 16000, MARGIN = 300 };
	long long before, queued, after, want, rsv = 256;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int rcvbuf = INT_MAX / 2, i, n;
	static uint8_t pt[LEN];
	FILE *f = fopen("/proc/sys/net/core/mem_pcpu_rsv", "r");

	/* Its floor is 256: read, not lowered. */
	if (f) {
		ASSERT_EQ(1, fscanf(f, "%lld", &rsv));
		fclose(f);
	}
	/* Pages charged: at least LEN / 4096 a record (its truesize). */
	n = (MARGIN + 2 * rsv * ncpu) * 4096 / LEN + 1;
	want = (long long)n * LEN / 4096 - 2 * rsv * ncpu;
	ASSERT_EQ(0, setsockopt(self->a, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
				sizeof(rcvbuf)));
	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	before = dtls_test_udp_mem_pages();
	fill(pt, sizeof(pt), 3);
	for (i = 0; i < n; i++)
		B_SEND(&self->rx, DATA, i, pt, sizeof(pt));
	EXPECT_EQ(n, STAT_WAIT(rx_records, n));
	queued = dtls_test_udp_mem_pages();
	for (i = 0; i < n; i++)
		EXPECT_MSG(pt, sizeof(pt), DATA);
	EXPECT_EMPTY();
	after = dtls_test_udp_mem_pages();
	ASSERT_LE(0, before);
	EXPECT_LE(want, queued - before)
		TH_LOG("%d records of %d B queued: UDP's mem %lld -> %lld pages",
		       n, LEN, before, queued);
	EXPECT_LE(want, queued - after)
		TH_LOG("read: UDP's mem %lld -> %lld pages", queued, after);
	EXPECT_EQ(0, STATS().rx_dropped);
}

/* ---- setsockopt / getsockopt ---- */

/* Keys need a connected socket; refusal changes nothing. */
TEST_F(record_sock, keys_need_connected_socket)
{
	union dtls_test_addr u_addr;
	socklen_t alen = dtls_test_addr_len(variant->family);
	struct dtls_ref_hdr hdr;
	struct dtls_info info;
	union dtls_ci ci;
	socklen_t len = sizeof(ci);
	uint8_t back[64];
	int u = dtls_test_udp_bound(variant->family, &u_addr);

	ASSERT_LE(0, u);
	ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), u, NULL, NULL, 0));
	EXPECT_EQ(-ENOTCONN, set_keys(u, DTLS_TX, &self->tx, 0));
	EXPECT_EQ(-ENOTCONN, set_keys(u, DTLS_RX, &self->rx, 0));
	EXPECT_EQ(-ENOKEY, get_ci(u, DTLS_TX, &ci, &len));
	EXPECT_EQ(-ENOKEY, get_ci(u, DTLS_RX, &ci, &len));
	ASSERT_EQ(0, get_info(u, &info));
	EXPECT_EQ(0, info.tx_cipher);
	EXPECT_EQ(0, info.rx_cipher);

	/* Connected: the same install works and records flow. */
	ASSERT_EQ(0, connect(u, &self->b_addr.sa, alen));
	ASSERT_EQ(0, connect(self->b, &u_addr.sa, alen));
	ASSERT_EQ(0, set_keys(u, DTLS_TX, &self->tx, 0));
	ASSERT_EQ(0, set_keys(u, DTLS_RX, &self->rx, 0));
	ASSERT_EQ(4, send(u, "from", 4, 0));
	ASSERT_EQ(4, B_OPEN(&self->tx, &hdr, back, sizeof(back)));
	EXPECT_EQ(0, hdr.seq);
	B_STR(0, "to u");
	set_timeout(u, TIMEOUT_MS);
	expect_msg(_metadata, u, "to u", 4, DATA, __LINE__);
	close(u);
}

/* Every malformed crypto_info: EINVAL, nothing changes. */
TEST_F(record, keys_refused)
{
	static const uint16_t bad_ciphers[] = { 0, 50, 55, 59, 61, 0xffff };
	static const uint16_t bad_versions[] = { 0xfeff, 0x0303, 0xfdfe, 0 };
	static const uint64_t bad_seqs[] = { DTLS_SEQ_MAX + 1, ~0ULL };
	const struct dtls_ref_cipher *c = dtls_ref_cipher(variant->cipher);
	static const int dirs[] = { DTLS_TX, DTLS_RX };
	struct dtls_ref_hdr hdr;
	struct dtls_info info;
	union dtls_ci ci, good;
	socklen_t len, glen;
	uint8_t back[64];
	size_t d, i;

	glen = ci_build(&good, &self->tx, 0);
	for (d = 0; d < 2; d++) {
		int dir = dirs[d];

#define REFUSED(what) do {						\
		EXPECT_EQ(-EINVAL, set_ci(self->a, dir, &ci, len))	\
			TH_LOG("%s: %s", dir == DTLS_TX ? "TX" : "RX", what); \
	} while (0)
		ci = good;
		len = glen - 1;
		REFUSED("optlen - 1");
		len = glen + 1;
		REFUSED("optlen + 1");
		len = sizeof(struct dtls_crypto_info);
		REFUSED("optlen of the head only");
		len = 0;
		REFUSED("optlen 0");
		len = glen;
		for (i = 0; i < sizeof(bad_ciphers) / 2; i++) {
			ci = good;
			ci.info.cipher_type = bad_ciphers[i];
			REFUSED("unknown cipher");
		}
		for (i = 0; i < NCIPHERS; i++) {
			if (dtls_ref_cipher(all_ciphers[i])->info_len == glen)
				continue;
			ci = good;
			ci.info.cipher_type = all_ciphers[i];
			REFUSED("another cipher's size");
		}
		for (i = 0; i < sizeof(bad_versions) / 2; i++) {
			ci = good;
			ci.info.version = bad_versions[i];
			REFUSED("version");
		}
		ci = good;
		ci.info.epoch = 0;
		REFUSED("epoch 0");
		ci = good;
		ci.info.reserved = 1;
		REFUSED("info.reserved 1");
		ci.info.reserved = 0x8000;
		REFUSED("info.reserved 0x8000");
		for (i = 0; i < 4; i++) {
			ci = good;
			ci_reserved(&ci, variant->cipher)[i] = 1;
			REFUSED("trailing reserved");
		}
		for (i = 0; i < 2; i++) {
			ci = good;
			ci.info.seq = bad_seqs[i];
			REFUSED("seq above 2^48-1");
		}
#undef REFUSED
	}
	/* Nothing was installed. */
	len = sizeof(ci);
	EXPECT_EQ(-ENOKEY, get_ci(self->a, DTLS_TX, &ci, &len));
	EXPECT_EQ(-ENOKEY, get_ci(self->a, DTLS_RX, &ci, &len));
	ASSERT_EQ(0, get_info(self->a, &info));
	EXPECT_EQ(0, info.tx_cipher);
	EXPECT_EQ(0, info.rx_cipher);
	EXPECT_EQ(0, info.tx_epoch);
	EXPECT_EQ(0, info.rx_epoch);
	ASSERT_EQ(5, send(self->a, "plain", 5, 0));
	ASSERT_EQ(5, recv(self->b, back, sizeof(back), 0));
	EXPECT_EQ(0, memcmp(back, "plain", 5));

	/* The valid install still works, and records flow both ways. */
	ASSERT_EQ(0, set_ci(self->a, DTLS_TX, &good, glen));
	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	ASSERT_EQ(2, send(self->a, "ok", 2, 0));
	ASSERT_EQ(2, B_OPEN(&self->tx, &hdr, back, sizeof(back)));
	EXPECT_EQ(0, hdr.seq);
	B_STR(0, "ok too");
	EXPECT_STR("ok too");
	(void)c;
}

/* The first install takes any epoch, then only epoch + 1. */
TEST_F(record, keys_epoch_rules)
{
	struct keyset e5, e6, bad;
	struct dtls_ref_hdr hdr;
	struct dtls_info info;
	union dtls_ci ci;
	socklen_t len;
	uint8_t back[64];
	static const uint16_t bad_epochs[] = { 5, 4, 7, 1, 0xffff };
	uint64_t txseq = 0, replays = 0;
	int d;
	size_t i;

	for (d = 0; d < 2; d++) {
		int dir = d ? DTLS_RX : DTLS_TX;

		keyset_init(&e5, variant->cipher, 5, 10 + d);
		keyset_init(&e6, other_cipher(variant->cipher), 6, 20 + d);
		ASSERT_EQ(0, set_keys(self->a, dir, &e5, 0));
		for (i = 0; i < sizeof(bad_epochs) / 2; i++) {
			keyset_init(&bad, variant->cipher, bad_epochs[i], 30);
			EXPECT_EQ(-EINVAL, set_keys(self->a, dir, &bad, 0))
				TH_LOG("%s: epoch %u after 5", d ? "RX" : "TX",
				       bad_epochs[i]);
		}
		/* epoch 6, but a bad struct: still refused as a whole */
		ci_build(&ci, &e6, 0);
		ci.info.version = 0x0303;
		EXPECT_EQ(-EINVAL, set_ci(self->a, dir, &ci,
					  dtls_ref_cipher(e6.cipher)->info_len));
		ASSERT_EQ(0, get_info(self->a, &info));
		EXPECT_EQ(5, d ? info.rx_epoch : info.tx_epoch);
		EXPECT_EQ(variant->cipher, d ? info.rx_cipher : info.tx_cipher);

		/* The epoch 5 keys are still the ones in use. */
		if (dir == DTLS_TX) {
			ASSERT_EQ(2, send(self->a, "e5", 2, 0));
			ASSERT_EQ(2, B_OPEN(&e5, &hdr, back, sizeof(back)));
			EXPECT_EQ(5, hdr.epoch);
			EXPECT_EQ(txseq++, hdr.seq);
		} else {
			ACCEPT(&e5, 0);
		}
		ASSERT_EQ(0, set_keys(self->a, dir, &e6, 0));
		ASSERT_EQ(0, get_info(self->a, &info));
		EXPECT_EQ(6, d ? info.rx_epoch : info.tx_epoch);
		EXPECT_EQ(e6.cipher, d ? info.rx_cipher : info.tx_cipher);
		if (dir == DTLS_TX) {
			ASSERT_EQ(2, send(self->a, "e6", 2, 0));
			ASSERT_EQ(2, B_OPEN(&e6, &hdr, back, sizeof(back)));
			EXPECT_EQ(6, hdr.epoch);
			EXPECT_EQ(0, hdr.seq);
		} else {
			ACCEPT(&e6, 0);
		}
		len = sizeof(ci);
		ASSERT_EQ(0, get_ci(self->a, dir, &ci, &len));
		EXPECT_EQ(6, ci.info.epoch);
		EXPECT_EQ(e6.cipher, ci.info.cipher_type);
	}
}

TEST_F(record, keys_getsockopt)
{
	const struct dtls_ref_cipher *c = dtls_ref_cipher(variant->cipher);
	static const uint8_t zero[32];
	struct dtls_sock_info si;
	struct dtls_ref_hdr hdr;
	struct dtls_info info;
	struct keyset e2;
	union dtls_ci ci;
	socklen_t len;
	uint8_t back[64];
	char msg[256];
	int i;

	len = sizeof(ci);
	EXPECT_EQ(-ENOKEY, get_ci(self->a, DTLS_TX, &ci, &len));
	len = sizeof(ci);
	EXPECT_EQ(-ENOKEY, get_ci(self->a, DTLS_RX, &ci, &len));

	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 5));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(1, send(self->a, "x", 1, 0));
		ASSERT_EQ(1, B_OPEN(&self->tx, &hdr, back, sizeof(back)));
	}
	len = sizeof(ci);
	ASSERT_EQ(0, get_ci(self->a, DTLS_TX, &ci, &len));
	EXPECT_EQ(c->info_len, len);
	EXPECT_EQ(DTLS_1_2_VERSION, ci.info.version);
	EXPECT_EQ(variant->cipher, ci.info.cipher_type);
	EXPECT_EQ(1, ci.info.epoch);
	EXPECT_EQ(0, ci.info.reserved);
	EXPECT_EQ(8, ci.info.seq);
	EXPECT_EQ(0, memcmp(ci_key(&ci, variant->cipher), zero, c->key_len))
		TH_LOG("the key left the kernel");
	EXPECT_EQ(0, memcmp(ci_iv(&ci, variant->cipher), self->tx.iv,
			    c->iv_len));
	EXPECT_EQ(0, memcmp(ci_reserved(&ci, variant->cipher), zero, 4));
	/* exactly the size is fine, one byte less is not */
	len = c->info_len;
	EXPECT_EQ(0, get_ci(self->a, DTLS_TX, &ci, &len));
	len = c->info_len - 1;
	EXPECT_EQ(-EINVAL, get_ci(self->a, DTLS_TX, &ci, &len));
	len = sizeof(ci);
	EXPECT_EQ(-ENOKEY, get_ci(self->a, DTLS_RX, &ci, &len));

	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	B_STR(10, "ten");
	EXPECT_STR("ten");
	B_STR(3, "three");
	EXPECT_STR("three");
	len = sizeof(ci);
	ASSERT_EQ(0, get_ci(self->a, DTLS_RX, &ci, &len));
	EXPECT_EQ(c->info_len, len);
	EXPECT_EQ(11, ci.info.seq);
	EXPECT_EQ(1, ci.info.epoch);
	EXPECT_EQ(0, memcmp(ci_key(&ci, variant->cipher), zero, c->key_len));
	EXPECT_EQ(0, memcmp(ci_iv(&ci, variant->cipher), self->rx.iv,
			    c->iv_len));
	len = c->info_len - 1;
	EXPECT_EQ(-EINVAL, get_ci(self->a, DTLS_RX, &ci, &len));

	/* A fresh epoch from seq 7: nothing received, so 7. */
	keyset_init(&e2, other_cipher(variant->cipher), 2, 40);
	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &e2, 7));
	len = sizeof(ci);
	ASSERT_EQ(0, get_ci(self->a, DTLS_RX, &ci, &len));
	EXPECT_EQ(7, ci.info.seq);
	EXPECT_EQ(e2.cipher, ci.info.cipher_type);

	ASSERT_EQ(0, get_info(self->a, &info));
	EXPECT_EQ(variant->cipher, info.tx_cipher);
	EXPECT_EQ(1, info.tx_epoch);
	EXPECT_EQ(e2.cipher, info.rx_cipher);
	EXPECT_EQ(2, info.rx_epoch);
	/* and the same over netlink */
	ASSERT_EQ(0, dtls_sock_get(dtls_test_nl(), self->ino, &si, msg, sizeof(msg)));
	EXPECT_EQ(variant->cipher, si.tx_cipher);
	EXPECT_EQ(1, si.tx_epoch);
	EXPECT_EQ(e2.cipher, si.rx_cipher);
	EXPECT_EQ(2, si.rx_epoch);
}

/* Keys belong to the peer: no connect() elsewhere, no disconnect. */
TEST_F(record_sock, keys_pin_the_peer)
{
	socklen_t alen = dtls_test_addr_len(variant->family);
	union dtls_test_addr other, unspec, peer;
	struct dtls_ref_hdr hdr;
	uint8_t back[64];
	int o = dtls_test_udp_bound(variant->family, &other);
	int step;

	ASSERT_LE(0, o);
	memset(&unspec, 0, sizeof(unspec));
	unspec.sa.sa_family = AF_UNSPEC;
	for (step = 0; step < 3; step++) {
		if (step == 0) {	/* RX keys only */
			ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
		} else if (step == 1) {	/* and TX */
			ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 0));
		}
		EXPECT_EQ(-1, connect(self->a, &other.sa, alen))
			TH_LOG("step %d: connected elsewhere", step);
		EXPECT_EQ(EISCONN, errno);
		EXPECT_EQ(-1, connect(self->a, &unspec.sa, sizeof(unspec.sa)))
			TH_LOG("step %d: disconnected", step);
		EXPECT_EQ(EISCONN, errno);
		alen = sizeof(peer);
		ASSERT_EQ(0, getpeername(self->a, &peer.sa, &alen));
		EXPECT_EQ(0, memcmp(&peer, &self->b_addr,
				    dtls_test_addr_len(variant->family)));
		alen = dtls_test_addr_len(variant->family);
	}
	ASSERT_EQ(2, send(self->a, "ok", 2, 0));
	ASSERT_EQ(2, B_OPEN(&self->tx, &hdr, back, sizeof(back)));
	B_STR(0, "ok");
	EXPECT_STR("ok");
	close(o);
}

/* ---- concurrency ---- */

#define TX_THREADS	4
#define TX_PER_THREAD	300

struct tx_thread {
	int fd, id, sent, err;
};

static void *tx_thread_fn(void *arg)
{
	struct tx_thread *t = arg;
	char pt[32];
	int i, n;

	for (i = 0; i < TX_PER_THREAD; i++) {
		n = snprintf(pt, sizeof(pt), "%d %d", t->id, i);
		if (send(t->fd, pt, n, 0) != n) {
			t->err = errno;
			break;
		}
		t->sent++;
	}
	return NULL;
}

static void big_rcvbuf(int fd)
{
	int sz = 16 << 20;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
}

TEST_F_TIMEOUT(record, tx_concurrent_senders, 120)
{
	enum { N = TX_THREADS * TX_PER_THREAD };
	static uint8_t seen_seq[N], seen[TX_THREADS][TX_PER_THREAD];
	struct tx_thread t[TX_THREADS];
	pthread_t th[TX_THREADS];
	struct dtls_ref_hdr hdr;
	uint8_t back[64];
	union dtls_ci ci;
	socklen_t len = sizeof(ci);
	int i, id, k, bad = 0;
	ssize_t n;

	big_rcvbuf(self->b);
	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 0));
	for (i = 0; i < TX_THREADS; i++) {
		t[i] = (struct tx_thread){ .fd = self->a, .id = i };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, tx_thread_fn, &t[i]));
	}
	for (i = 0; i < N; i++) {
		n = B_OPEN(&self->tx, &hdr, back, sizeof(back) - 1);
		back[n] = 0;
		if (hdr.seq >= N || seen_seq[hdr.seq]++ ||
		    sscanf((char *)back, "%d %d", &id, &k) != 2 ||
		    id < 0 || id >= TX_THREADS || k < 0 ||
		    k >= TX_PER_THREAD || seen[id][k]++) {
			if (!bad++)
				TH_LOG("record %d: seq %llu \"%s\" repeated or odd",
				       i, (unsigned long long)hdr.seq, back);
		}
	}
	for (i = 0; i < TX_THREADS; i++) {
		pthread_join(th[i], NULL);
		EXPECT_EQ(TX_PER_THREAD, t[i].sent)
			TH_LOG("thread %d: %s", i, strerror(t[i].err));
	}
	EXPECT_EQ(0, bad);
	EXPECT_B_EMPTY();
	EXPECT_EQ(N, STATS().tx_records);
	ASSERT_EQ(0, get_ci(self->a, DTLS_TX, &ci, &len));
	EXPECT_EQ(N, ci.info.seq);
}

#define RX_RECORDS	1500
#define RX_THREADS	4

struct rx_shared {
	int fd;
	int count[RX_RECORDS];
	int delivered, odd, errs;
};

static void *rx_thread_fn(void *arg)
{
	struct rx_shared *s = arg;
	char buf[64];
	unsigned int seq;
	ssize_t n;
	int t;

	for (;;) {
		n = recv_rec(s->fd, buf, sizeof(buf) - 1, 0, CTL, &t, NULL);
		if (n < 0) {
			__atomic_fetch_add(&s->errs, 1, __ATOMIC_SEQ_CST);
			return NULL;
		}
		buf[n] = 0;
		if (!strcmp(buf, "stop"))
			return NULL;
		if (t != DATA || sscanf(buf, "%u", &seq) != 1 ||
		    seq >= RX_RECORDS) {
			__atomic_fetch_add(&s->odd, 1, __ATOMIC_SEQ_CST);
			continue;
		}
		__atomic_fetch_add(&s->count[seq], 1, __ATOMIC_SEQ_CST);
		__atomic_fetch_add(&s->delivered, 1, __ATOMIC_SEQ_CST);
	}
}

TEST_F_TIMEOUT(record, rx_concurrent_readers, 120)
{
	static struct rx_shared s;
	pthread_t th[RX_THREADS];
	struct dtls_sock_stats st;
	char pt[16];
	int i, n, missing = 0, twice = 0;

	big_rcvbuf(self->a);
	set_timeout(self->a, 10000);
	s.fd = self->a;
	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	for (i = 0; i < RX_THREADS; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, rx_thread_fn, &s));
	for (i = 0; i < RX_RECORDS; i++) {
		n = snprintf(pt, sizeof(pt), "%d", i);
		B_SEND(&self->rx, DATA, i, pt, n);
	}
	for (i = 0; i < 1000 &&
	     __atomic_load_n(&s.delivered, __ATOMIC_SEQ_CST) < RX_RECORDS; i++)
		usleep(10000);
	for (i = 0; i < RX_THREADS; i++)
		B_SEND(&self->rx, DATA, RX_RECORDS + i, "stop", 4);
	for (i = 0; i < RX_THREADS; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < RX_RECORDS; i++) {
		missing += !s.count[i];
		twice += s.count[i] > 1;
	}
	EXPECT_EQ(0, missing);
	EXPECT_EQ(0, twice);
	EXPECT_EQ(0, s.odd);
	EXPECT_EQ(0, s.errs);
	st = STATS();
	EXPECT_EQ(0, st.rx_dropped) TH_LOG("the receive buffer overflowed");
	EXPECT_EQ(RX_RECORDS + RX_THREADS, st.rx_records);
	EXPECT_EMPTY();
}

/* ---- /proc/net/dtls_stat ---- */

static const char *const proc_names[] = {
	"DtlsTxRecords", "DtlsTxBytes", "DtlsRxRecords", "DtlsRxBytes",
	"DtlsRxAuthFail", "DtlsRxReplay", "DtlsRxBadEpoch", "DtlsRxMalformed",
	"DtlsRxNotDtls", "DtlsRxDropped", "DtlsCurrTx", "DtlsCurrRx",
};
#define NPROC (sizeof(proc_names) / sizeof(proc_names[0]))
enum {
	P_TX, P_TXB, P_RX, P_RXB, P_AUTH, P_REPLAY, P_EPOCH, P_MALF, P_NOTD,
	P_DROP, P_CURTX, P_CURRX,
};

static void proc_read(long long v[NPROC])
{
	size_t i;

	for (i = 0; i < NPROC; i++)
		v[i] = dtls_test_proc_stat(proc_names[i]);
}

/* Wait for proc counter @i to be @want; its value. */
static long long proc_wait(size_t i, long long want)
{
	long long v = dtls_test_proc_stat(proc_names[i]);
	int ms;

	for (ms = 0; v != want && ms < TIMEOUT_MS; ms += 5) {
		usleep(5000);
		v = dtls_test_proc_stat(proc_names[i]);
	}
	return v;
}

TEST_F(record_sock, proc_dtls_stat)
{
	long long base[NPROC], now[NPROC];
	uint8_t rec[128], buf[600], pt[500];
	struct dtls_sock_stats st;
	int rcvbuf = 4096;
	size_t i;
	ssize_t n;

	proc_read(base);
	for (i = 0; i < NPROC; i++) {
		if (base[i] < 0)
			TH_LOG("/proc/net/dtls_stat has no %s line",
			       proc_names[i]);
		EXPECT_LE(0, base[i]);
	}
	ASSERT_EQ(0, _metadata->exit_code);

	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 0));
	EXPECT_EQ(base[P_CURTX] + 1, proc_wait(P_CURTX, base[P_CURTX] + 1));
	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	EXPECT_EQ(base[P_CURRX] + 1, proc_wait(P_CURRX, base[P_CURRX] + 1));
	ASSERT_EQ(10, send(self->a, "0123456789", 10, 0));
	ASSERT_EQ(3, send(self->a, "abc", 3, 0));
	ASSERT_LT(0, recv(self->b, buf, sizeof(buf), 0));
	ASSERT_LT(0, recv(self->b, buf, sizeof(buf), 0));

	B_STR(0, "valid");			/* RxRecords, RxBytes */
	EXPECT_STR("valid");
	n = seal(&self->rx, DATA, 1, "forged", 6, rec);
	rec[n - 1] ^= 1;
	B_RAW(rec, n);				/* AuthFail */
	B_STR(0, "valid");			/* Replay */
	self->rx.epoch = 9;
	B_STR(2, "epoch 9");			/* BadEpoch */
	self->rx.epoch = 1;
	B_RAW("\x17\xfe\xfd\x00", 4);		/* Malformed */
	B_RAW("\x80rtp", 4);			/* NotDtls */
	EXPECT_MSG("\x80rtp", 4, DTLS_RECORD_NOT_DTLS);
	/* Dropped: a small buffer */
	ASSERT_EQ(0, setsockopt(self->a, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				sizeof(rcvbuf)));
	memset(pt, 'x', sizeof(pt));
	for (i = 0; i < 40; i++)
		B_SEND(&self->rx, DATA, 10 + i, pt, sizeof(pt));
	/*
	 * (rx_queue_full checks how queued and dropped add up.)  Wait until
	 * the counters are still, then compare them with /proc.
	 */
	st = STATS();
	for (i = 0; i < TIMEOUT_MS / 50; i++) {
		struct dtls_sock_stats again;

		usleep(50000);
		again = STATS();
		if (!memcmp(&again, &st, sizeof(st)) && st.rx_dropped)
			break;
		st = again;
	}
	ASSERT_LT(0, st.rx_dropped);

	proc_read(now);
	EXPECT_EQ(2, now[P_TX] - base[P_TX]);
	EXPECT_EQ(13, now[P_TXB] - base[P_TXB]);
	EXPECT_EQ((long long)st.rx_records, now[P_RX] - base[P_RX]);
	EXPECT_EQ((long long)st.rx_bytes, now[P_RXB] - base[P_RXB]);
	EXPECT_EQ(1, now[P_AUTH] - base[P_AUTH]);
	EXPECT_EQ(1, now[P_REPLAY] - base[P_REPLAY]);
	EXPECT_EQ(1, now[P_EPOCH] - base[P_EPOCH]);
	EXPECT_EQ(1, now[P_MALF] - base[P_MALF]);
	EXPECT_EQ(1, now[P_NOTD] - base[P_NOTD]);
	EXPECT_EQ((long long)st.rx_dropped, now[P_DROP] - base[P_DROP]);
	/* the socket's own counters agree */
	EXPECT_EQ(2, st.tx_records);
	EXPECT_EQ(13, st.tx_bytes);
	EXPECT_EQ(1, st.rx_auth_fail);
	EXPECT_EQ(1, st.rx_replay);
	EXPECT_EQ(1, st.rx_bad_epoch);
	EXPECT_EQ(1, st.rx_malformed);
	EXPECT_EQ(1, st.rx_not_dtls);

	/* Closing the socket: no keys any more. */
	close(self->a);
	self->a = -1;
	EXPECT_EQ(base[P_CURTX], proc_wait(P_CURTX, base[P_CURTX]));
	EXPECT_EQ(base[P_CURRX], proc_wait(P_CURRX, base[P_CURRX]));
	(void)n;
}

/* ---- every other way into the send path (Documentation: "Sending") ---- */

/* b gets one datagram that opens with a's TX keys to exactly @pt. */
static void expect_sealed(struct __test_metadata *_metadata, int b,
			  const struct keyset *ks, const char *pt, int line)
{
	static uint8_t back[512];
	struct dtls_ref_hdr hdr;
	ssize_t n = b_open(_metadata, b, ks, &hdr, back, sizeof(back), NULL,
			   NULL, line);

	ASSERT_EQ((ssize_t)strlen(pt), n) TH_LOG("line %d", line);
	EXPECT_EQ(0, memcmp(back, pt, n)) TH_LOG("line %d", line);
	EXPECT_EQ(DATA, hdr.type) TH_LOG("line %d", line);
}

#define EXPECT_SEALED(pt) \
	expect_sealed(_metadata, self->b, &self->tx, pt, __LINE__)

/* 27 bytes, as in the report that sendfile() sent them in the clear. */
static const char secret27[] = "sendfile must never leak me";

/* A memfd holding @s, its offset at 0. */
static int memfd_with(struct __test_metadata *_metadata, const char *s)
{
	int fd = memfd_create("kdtls", 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)strlen(s), write(fd, s, strlen(s)));
	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	return fd;
}

/* dtls.ko's aead_idle_secs, or -1; set it to @v if @v >= 0. */
static int aead_idle_secs(int v)
{
	const char *path = "/sys/module/dtls/parameters/aead_idle_secs";
	FILE *f = fopen(path, "r");
	int old = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &old) != 1)
		old = -1;
	fclose(f);
	if (v >= 0) {
		f = fopen(path, "w");
		if (!f)
			return -1;
		fprintf(f, "%d\n", v);
		if (fclose(f))
			return -1;
	}
	return old;
}

/* Wait up to @ms for the netns counter @name to reach @want; its value. */
static long long proc_stat_wait(const char *name, long long want, int ms)
{
	long long v = dtls_test_proc_stat(name);

	for (; v < want && ms > 0; ms -= 20) {
		usleep(20000);
		v = dtls_test_proc_stat(name);
	}
	return v;
}

/*
 * Idle transforms: an AES key's crypto API transform goes after
 * aead_idle_secs without a record and the next record, sent or received,
 * makes it again.  The fixture sets the parameter to IDLE_SECS and puts
 * it back.
 */
#define IDLE_SECS	2
#define IDLE_WAIT_MS	(3 * IDLE_SECS * 1000)

FIXTURE(idle) {
	PAIR_FIELDS
	int old_secs;
};

FIXTURE_VARIANT(idle) {
	int family;
	uint16_t cipher;
};

FIXTURE_VARIANT_ADD(idle, ipv4_aes_gcm_128) {
	.family = AF_INET, .cipher = DTLS_CIPHER_AES_GCM_128 };
FIXTURE_VARIANT_ADD(idle, ipv6_aes_gcm_256) {
	.family = AF_INET6, .cipher = DTLS_CIPHER_AES_GCM_256 };
FIXTURE_VARIANT_ADD(idle, ipv6_aes_ccm_8) {
	.family = AF_INET6, .cipher = DTLS_CIPHER_AES_CCM_8_128 };
FIXTURE_VARIANT_ADD(idle, ipv4_chacha20_poly1305) {
	.family = AF_INET, .cipher = DTLS_CIPHER_CHACHA20_POLY1305 };

FIXTURE_SETUP(idle)
{
	self->old_secs = aead_idle_secs(IDLE_SECS);
	ASSERT_LE(0, self->old_secs) TH_LOG("no aead_idle_secs parameter");
	PAIR_SETUP();
}

FIXTURE_TEARDOWN(idle)
{
	PAIR_TEARDOWN();
	if (self->old_secs >= 0)
		aead_idle_secs(self->old_secs);
}

/* The next counter of @name above @base within IDLE_WAIT_MS, or @base. */
#define IDLE_FREED_ABOVE(base) \
	proc_stat_wait("DtlsAeadIdleFreed", (base) + 1, IDLE_WAIT_MS)

/*
 * Both keys' transforms go when idle; a burst of records to the idle RX
 * key all wait for it to be made and all come (in any order), a replay of
 * one of them is still refused; records that do not authenticate neither
 * keep a transform nor get through; a send makes the TX one again.
 * ChaCha20-Poly1305 keys have no transform: nothing happens.
 */
TEST_F_TIMEOUT(idle, transform_remade, 120)
{
	bool aes = variant->cipher != DTLS_CIPHER_CHACHA20_POLY1305;
	long long freed0, remade0, freed, remade;
	uint8_t pt[1200], back[1200], rec[1400], buf[1400];
	struct dtls_sock_stats st;
	struct dtls_ref_hdr hdr;
	int i, j, t, forged = 0;
	bool seen[4] = {};
	ssize_t n;

	freed0 = dtls_test_proc_stat("DtlsAeadIdleFreed");
	remade0 = dtls_test_proc_stat("DtlsAeadRemade");
	ASSERT_LE(0, freed0);
	ASSERT_LE(0, remade0);
	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 0));
	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	B_STR(1, "first");
	EXPECT_STR("first");
	fill(pt, sizeof(pt), 1);
	ASSERT_EQ((ssize_t)sizeof(pt), send(self->a, pt, sizeof(pt), 0));
	ASSERT_EQ((ssize_t)sizeof(pt), B_OPEN(&self->tx, &hdr, back,
					     sizeof(back)));
	EXPECT_EQ(0, memcmp(pt, back, sizeof(pt)));

	/* Idle: both go. */
	if (aes)
		proc_stat_wait("DtlsAeadIdleFreed", freed0 + 2, IDLE_WAIT_MS);
	else
		usleep(IDLE_WAIT_MS * 1000);
	freed = dtls_test_proc_stat("DtlsAeadIdleFreed");
	ASSERT_EQ(aes ? 2 : 0, freed - freed0);

	/* A burst while it is gone: each record waits, none is lost. */
	for (i = 0; i < 4; i++) {
		fill(pt, sizeof(pt), 10 + i);
		B_SEND(&self->rx, DATA, 2 + i, pt, sizeof(pt));
	}
	for (i = 0; i < 4; i++) {
		n = recv_rec(self->a, buf, sizeof(buf), 0, CTL, &t, NULL);
		ASSERT_EQ((ssize_t)sizeof(pt), n) TH_LOG("%s", strerror(-n));
		EXPECT_EQ(DATA, t);
		for (j = 0; j < 4; j++) {
			fill(pt, sizeof(pt), 10 + j);
			if (!memcmp(pt, buf, sizeof(pt)))
				seen[j] = true;
		}
	}
	EXPECT_TRUE(seen[0] && seen[1] && seen[2] && seen[3]);
	remade = dtls_test_proc_stat("DtlsAeadRemade");
	EXPECT_EQ(aes ? 1 : 0, remade - remade0);
	/* The window held across: a replay of one of them is refused. */
	B_SEND(&self->rx, DATA, 3, pt, sizeof(pt));
	EXPECT_EQ(1, STAT_WAIT(rx_replay, 1));

	/*
	 * Forged records, one a second for three periods: they do not keep
	 * the RX transform (it goes again), each is refused.
	 */
	freed = dtls_test_proc_stat("DtlsAeadIdleFreed");
	for (i = 0; i < 3 * IDLE_SECS; i++) {
		n = seal(&self->rx, DATA, 100 + i, "forged", 6, rec);
		ASSERT_LT(0, n);
		rec[n - 1] ^= 1;
		B_RAW(rec, n);
		forged++;
		EXPECT_EQ(forged, STAT_WAIT(rx_auth_fail, forged));
		sleep(1);
	}
	if (aes) {
		EXPECT_LT(freed, IDLE_FREED_ABOVE(freed));
	} else {
		EXPECT_EQ(freed, dtls_test_proc_stat("DtlsAeadIdleFreed"));
	}
	EXPECT_EMPTY();

	/* The TX one: the next send makes it again, in sequence. */
	remade = dtls_test_proc_stat("DtlsAeadRemade");
	fill(pt, sizeof(pt), 20);
	ASSERT_EQ((ssize_t)sizeof(pt), send(self->a, pt, sizeof(pt), 0));
	ASSERT_EQ((ssize_t)sizeof(pt), B_OPEN(&self->tx, &hdr, back,
					     sizeof(back)));
	EXPECT_EQ(0, memcmp(pt, back, sizeof(pt)));
	EXPECT_EQ(1, hdr.seq);
	EXPECT_EQ(aes ? 1 : 0,
		  dtls_test_proc_stat("DtlsAeadRemade") - remade);

	st = STATS();
	EXPECT_EQ(5, st.rx_records);
	EXPECT_EQ(2, st.tx_records);
	EXPECT_EQ(forged, st.rx_auth_fail);
	EXPECT_EQ(1, st.rx_replay);
}

/*
 * sendfile() into a keyed socket: 6.1 went through udp_sendpage() and sent
 * the file in the clear; 6.12 handed UDP slab memory as spliced pages.
 */
TEST_F(record_sock, tx_sendfile_sealed)
{
	off_t off = 0;
	int f;

	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 0));
	f = memfd_with(_metadata, secret27);
	EXPECT_EQ(27, sendfile(self->a, f, &off, 27))
		TH_LOG("sendfile: %s", strerror(errno));
	EXPECT_SEALED(secret27);
	EXPECT_B_EMPTY();
	/* And once more from an offset: each call is a record. */
	off = 9;
	EXPECT_EQ(4, sendfile(self->a, f, &off, 4));
	EXPECT_SEALED("must");
	close(f);
}

TEST_F(record_sock, tx_splice_sealed)
{
	int p[2];

	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 0));
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(27, write(p[1], secret27, 27));
	EXPECT_EQ(27, splice(p[0], NULL, self->a, NULL, 27, 0))
		TH_LOG("splice: %s", strerror(errno));
	EXPECT_SEALED(secret27);
	/* SPLICE_F_MORE becomes MSG_MORE: still a record of its own. */
	ASSERT_EQ(5, write(p[1], "more!", 5));
	EXPECT_EQ(5, splice(p[0], NULL, self->a, NULL, 5, SPLICE_F_MORE));
	EXPECT_SEALED("more!");
	EXPECT_B_EMPTY();
	close(p[0]);
	close(p[1]);
}

/*
 * A splice bigger than a record: records of at most 2^14 bytes, together
 * the whole of it, in order (6.5 and later hand the send path up to 64 KiB
 * at once; 6.1 a page at a time).
 */
TEST_F(record_sock, tx_splice_large)
{
	static uint8_t pt[20000], back[DTLS_REF_MAX_PLAINTEXT + 64];
	struct dtls_ref_hdr hdr;
	size_t got = 0;
	ssize_t n;
	int p[2];

	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 0));
	ASSERT_EQ(0, pipe(p));
	fill(pt, sizeof(pt), 7);
	ASSERT_EQ((ssize_t)sizeof(pt), write(p[1], pt, sizeof(pt)));
	EXPECT_EQ((ssize_t)sizeof(pt),
		  splice(p[0], NULL, self->a, NULL, sizeof(pt), 0))
		TH_LOG("splice: %s", strerror(errno));
	while (got < sizeof(pt)) {
		n = B_OPEN(&self->tx, &hdr, back, sizeof(back));
		ASSERT_LT(0, n);
		ASSERT_GE(DTLS_REF_MAX_PLAINTEXT, n);
		ASSERT_GE(sizeof(pt) - got, (size_t)n);
		EXPECT_EQ(0, memcmp(pt + got, back, n)) TH_LOG("at %zu", got);
		got += n;
	}
	EXPECT_B_EMPTY();
	close(p[0]);
	close(p[1]);
}

/*
 * MSG_ZEROCOPY would pin the caller's pages under a record that is sealed
 * into the kernel's own memory: refused, as kTLS does, and nothing leaves.
 */
TEST_F(record_sock, tx_zerocopy_refused)
{
	int one = 1;

	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 0));
	ASSERT_EQ(0, setsockopt(self->a, SOL_SOCKET, SO_ZEROCOPY, &one,
				sizeof(one)));
	EXPECT_EQ(-1, send(self->a, secret27, 27, MSG_ZEROCOPY));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_B_EMPTY();
	EXPECT_EQ(27, send(self->a, secret27, 27, 0));
	EXPECT_SEALED(secret27);
}

/* One io_uring operation on @ring; its completion's result. */
static int uring_one(struct io_uring *ring)
{
	struct io_uring_cqe *cqe;
	int res, more;

	if (io_uring_submit(ring) != 1 || io_uring_wait_cqe(ring, &cqe))
		return -EIO;
	res = cqe->res;
	more = cqe->flags & IORING_CQE_F_MORE;
	io_uring_cqe_seen(ring, cqe);
	/* A zero-copy send that went out posts a notification as well. */
	if (more && !io_uring_wait_cqe(ring, &cqe))
		io_uring_cqe_seen(ring, cqe);
	return res;
}

/*
 * io_uring: a plain send is sealed; a zero-copy send (its own buffer or a
 * registered one) is refused, never spliced into UDP as it is.
 */
TEST_F(record_sock, tx_io_uring)
{
	static char fixed[64];
	struct iovec iov = { fixed, sizeof(fixed) };
	struct io_uring ring;
	int res;

	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 0));
	ASSERT_EQ(0, io_uring_queue_init(4, &ring, 0));
	ASSERT_EQ(0, io_uring_register_buffers(&ring, &iov, 1));
	memcpy(fixed, secret27, 27);

	io_uring_prep_send(io_uring_get_sqe(&ring), self->a, secret27, 27, 0);
	EXPECT_EQ(27, uring_one(&ring));
	EXPECT_SEALED(secret27);

	io_uring_prep_send_zc(io_uring_get_sqe(&ring), self->a, secret27, 27,
			      0, 0);
	res = uring_one(&ring);
	EXPECT_EQ(-EOPNOTSUPP, res) TH_LOG("SEND_ZC: %d", res);

	io_uring_prep_send_zc_fixed(io_uring_get_sqe(&ring), self->a, fixed,
				    27, 0, 0, 0);
	res = uring_one(&ring);
	EXPECT_EQ(-EOPNOTSUPP, res) TH_LOG("SEND_ZC fixed: %d", res);
	EXPECT_B_EMPTY();
	io_uring_queue_exit(&ring);
}

/* The keys belong to one peer: no sendto() elsewhere, even unkeyed. */
TEST_F(record_sock, tx_sendto_other_peer_refused)
{
	union dtls_test_addr other;
	socklen_t len = dtls_test_addr_len(variant->family);
	int c = dtls_test_udp_bound(variant->family, &other);

	ASSERT_LE(0, c);
	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 0));
	EXPECT_EQ(-1, sendto(self->a, secret27, 27, 0, &other.sa, len));
	EXPECT_EQ(EISCONN, errno);
	EXPECT_EQ(-EAGAIN, recv_rec(c, (void *)&other, sizeof(other),
				    MSG_DONTWAIT, 0, &(int){0}, NULL));
	/* The peer's own address is the peer. */
	EXPECT_EQ(4, sendto(self->a, "same", 4, 0, &self->b_addr.sa, len));
	EXPECT_SEALED("same");
	close(c);
}

/*
 * One record, one datagram: MSG_MORE does not cork, and UDP_CORK (which
 * would gather the kernel's own flights into the caller's datagram) is
 * refused.  UDP_SEGMENT is taken (tx_gso_* below), UDP_GRO is UDP's
 * (rx_gro_* below); other SOL_UDP control messages are refused.
 */
TEST_F(record_sock, tx_more_cork_segment)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(uint16_t))];
	} c = {};
	struct iovec iov = { (void *)"seg", 3 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = c.b, .msg_controllen = sizeof(c.b) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	int one = 1;

	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 0));
	EXPECT_EQ(3, send(self->a, "one", 3, MSG_MORE));
	EXPECT_SEALED("one");
	EXPECT_EQ(3, send(self->a, "two", 3, 0));
	EXPECT_SEALED("two");

	EXPECT_EQ(-1, setsockopt(self->a, SOL_UDP, UDP_CORK, &one,
				 sizeof(one)));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(0, setsockopt(self->a, SOL_UDP, UDP_GRO, &one,
				sizeof(one)));
	cm->cmsg_level = SOL_UDP;
	cm->cmsg_type = UDP_GRO;
	cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
	*(uint16_t *)CMSG_DATA(cm) = 1;
	EXPECT_EQ(-1, sendmsg(self->a, &m, 0));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_B_EMPTY();
}

/* ---- Sending in batches: UDP_SEGMENT (GSO) ---- */

/*
 * sendmsg() of @len bytes with a UDP_SEGMENT control message of @gso
 * (of @cmsg_len bytes of data; sizeof(uint16_t) as UDP wants it), or of
 * none if @gso < 0.
 */
static ssize_t send_gso_len(int fd, const void *buf, size_t len, int gso,
			    size_t cmsg_len)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(uint32_t))];
	} c = {};
	struct iovec iov = { (void *)buf, len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;

	if (gso >= 0) {
		m.msg_control = c.b;
		m.msg_controllen = CMSG_SPACE(cmsg_len);
		cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = SOL_UDP;
		cm->cmsg_type = UDP_SEGMENT;
		cm->cmsg_len = CMSG_LEN(cmsg_len);
		memcpy(CMSG_DATA(cm), &(uint32_t){ (uint32_t)gso }, cmsg_len);
	}
	return sendmsg(fd, &m, 0);
}

static ssize_t send_gso(int fd, const void *buf, size_t len, int gso)
{
	return send_gso_len(fd, buf, len, gso, sizeof(uint16_t));
}

/*
 * b receives @len bytes of @pt sent as records of @seg bytes of plaintext
 * (the last shorter), each in a datagram of its own and exactly that
 * record, with sequence numbers from @seq on.  The next sequence number.
 */
static uint64_t b_open_segments(struct __test_metadata *_metadata, int b,
				const struct keyset *ks, const uint8_t *pt,
				size_t len, size_t seg, uint64_t seq, int line)
{
	static uint8_t back[DTLS_REF_MAX_PLAINTEXT], raw[DTLS_REF_MAX_RECORD];
	struct dtls_ref_hdr hdr;
	size_t off = 0, rawlen, n;

	do {
		n = len - off < seg ? len - off : seg;
		ASSERT_EQ((ssize_t)n, b_open(_metadata, b, ks, &hdr, back,
					     sizeof(back), raw, &rawlen, line))
			TH_LOG("line %d: record at %zu", line, off);
		EXPECT_EQ(0, memcmp(pt + off, back, n))
			TH_LOG("line %d: record at %zu differs", line, off);
		EXPECT_EQ(n + dtls_ref_overhead(ks->cipher), rawlen);
		EXPECT_EQ(DATA, hdr.type);
		EXPECT_EQ(ks->epoch, hdr.epoch);
		EXPECT_EQ(seq, hdr.seq) TH_LOG("line %d: record at %zu", line,
					       off);
		seq++;
		off += n;
	} while (off < len);
	return seq;
}

#define B_OPEN_SEGMENTS(pt, len, seg, seq) \
	b_open_segments(_metadata, self->b, &self->tx, pt, len, seg, seq, \
			__LINE__)

/*
 * One sendmsg() with a UDP_SEGMENT control message: the plaintext is cut
 * every gso_size bytes, each piece is a record of its own, in order, and
 * each record leaves as a datagram of its own (b is plain UDP: it sees
 * what is on the wire).  The count returned is the plaintext's.
 */
TEST_F(record, tx_gso_cmsg)
{
	enum { SEG = 1200, N = 16 };
	static uint8_t pt[N * SEG];
	const size_t len = N * SEG - 500;
	struct dtls_sock_stats st;

	fill(pt, sizeof(pt), 3);
	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 7));
	ASSERT_EQ((ssize_t)len, send_gso(self->a, pt, len, SEG))
		TH_LOG("%s", strerror(errno));
	EXPECT_EQ(7 + N, B_OPEN_SEGMENTS(pt, len, SEG, 7));
	EXPECT_B_EMPTY();
	/* Exactly one piece, and a piece of exactly gso_size. */
	ASSERT_EQ(SEG, send_gso(self->a, pt, SEG, SEG));
	EXPECT_EQ(7 + N + 1, B_OPEN_SEGMENTS(pt, SEG, SEG, 7 + N));
	ASSERT_EQ(10, send_gso(self->a, pt, 10, SEG));
	EXPECT_EQ(7 + N + 2, B_OPEN_SEGMENTS(pt, 10, SEG, 7 + N + 1));
	/* Nothing: one empty record, as without UDP_SEGMENT. */
	ASSERT_EQ(0, send_gso(self->a, pt, 0, SEG));
	EXPECT_EQ(7 + N + 3, B_OPEN_SEGMENTS(pt, 0, SEG, 7 + N + 2));
	/* A size of 0 is no segmenting at all: one record. */
	ASSERT_EQ(3000, send_gso(self->a, pt, 3000, 0));
	EXPECT_EQ(7 + N + 4, B_OPEN_SEGMENTS(pt, 3000, 3000, 7 + N + 3));
	EXPECT_B_EMPTY();
	st = STATS();
	EXPECT_EQ(N + 4, st.tx_records);
	EXPECT_EQ(len + SEG + 10 + 3000, st.tx_bytes);
}

/*
 * Records sealed from the caller's memory where it lies (iter_pin.c:
 * ChaCha20 from its pinned pages, the others through a copy): a batch
 * from three iovecs, the first starting 300 bytes before a page's end,
 * the second ending inside a record, so that records cross pages and
 * iovecs; each record must hold its bytes.  Then an iovec that is not
 * mapped: EFAULT, nothing sent, no sequence number taken.
 */
TEST_F(record, tx_gso_from_pages)
{
	enum { SEG = 700, N = 12 };
	static uint8_t pt[N * SEG];
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(uint16_t))];
	} c = {};
	struct iovec iov[3];
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = 3,
			    .msg_control = c.b, .msg_controllen = sizeof(c.b) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	size_t page = sysconf(_SC_PAGESIZE), a0 = 2 * SEG + 50, a1 = 3 * SEG + 333;
	uint8_t *mem;

	mem = mmap(NULL, 6 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	fill(pt, sizeof(pt), 23);
	iov[0].iov_base = mem + page - 300;
	iov[0].iov_len = a0;
	iov[1].iov_base = mem + 2 * page + 11;
	iov[1].iov_len = a1;
	iov[2].iov_base = mem + 3 * page - 77;
	iov[2].iov_len = N * SEG - a0 - a1;
	memcpy(iov[0].iov_base, pt, a0);
	memcpy(iov[1].iov_base, pt + a0, a1);
	memcpy(iov[2].iov_base, pt + a0 + a1, iov[2].iov_len);
	cm->cmsg_level = SOL_UDP;
	cm->cmsg_type = UDP_SEGMENT;
	cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
	memcpy(CMSG_DATA(cm), &(uint16_t){ SEG }, sizeof(uint16_t));
	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 0));
	ASSERT_EQ(N * SEG, sendmsg(self->a, &m, 0)) TH_LOG("%s",
							  strerror(errno));
	EXPECT_EQ(N, B_OPEN_SEGMENTS(pt, N * SEG, SEG, 0));
	EXPECT_B_EMPTY();

	/*
	 * The third iovec unmapped: nothing leaves; the sequence numbers of
	 * the five records sealed before record 5 (which reaches into it)
	 * stay unused, as for any batch that fails.
	 */
	ASSERT_EQ(0, munmap(mem + 3 * page, 3 * page));
	EXPECT_EQ(-1, sendmsg(self->a, &m, 0));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_B_EMPTY();
	ASSERT_EQ(SEG, send_gso(self->a, pt, SEG, SEG));
	EXPECT_EQ(N + 5 + 1, B_OPEN_SEGMENTS(pt, SEG, SEG, N + 5));
	EXPECT_EQ(N + 1, STATS().tx_records);
	munmap(mem, 3 * page);
}

/* sendmsg() with an IP_TOS control message whose length overruns. */
static ssize_t send_bad_cmsg(int fd, const void *buf, size_t len)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} c = {};
	struct iovec iov = { (void *)buf, len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = c.b, .msg_controllen = sizeof(c.b) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

	cm->cmsg_level = SOL_IP;
	cm->cmsg_type = IP_TOS;
	cm->cmsg_len = 4096;
	return sendmsg(fd, &m, 0);
}

/*
 * The UDP_SEGMENT socket option of an attached socket: read and set as on
 * UDP; it cuts records on a keyed socket, plain datagrams on one without
 * keys (plain UDP), and a control message overrides it.  It never cuts a
 * DTLS_SET_NOT_DTLS datagram, and never the kernel's own.
 */
TEST_F(record_sock, tx_gso_sockopt)
{
	static uint8_t pt[4000], dg[4000];
	socklen_t olen = sizeof(int);
	int v = -1, i;
	uint64_t seq;

	fill(pt, sizeof(pt), 9);
	ASSERT_EQ(0, getsockopt(self->a, SOL_UDP, UDP_SEGMENT, &v, &olen));
	EXPECT_EQ(0, v);
	v = 500;
	ASSERT_EQ(0, setsockopt(self->a, SOL_UDP, UDP_SEGMENT, &v, sizeof(v)));
	v = -1;
	ASSERT_EQ(0, getsockopt(self->a, SOL_UDP, UDP_SEGMENT, &v, &olen));
	EXPECT_EQ(500, v);
	EXPECT_EQ(sizeof(int), olen);
	/* UDP's own checks. */
	v = -1;
	EXPECT_EQ(-1, setsockopt(self->a, SOL_UDP, UDP_SEGMENT, &v, sizeof(v)));
	EXPECT_EQ(EINVAL, errno);
	v = 65536;
	EXPECT_EQ(-1, setsockopt(self->a, SOL_UDP, UDP_SEGMENT, &v, sizeof(v)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, setsockopt(self->a, SOL_UDP, UDP_SEGMENT, &v, 2));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, setsockopt(self->a, SOL_UDP, UDP_SEGMENT, NULL,
				 sizeof(v)));
	EXPECT_EQ(EFAULT, errno);
	v = -1;
	ASSERT_EQ(0, getsockopt(self->a, SOL_UDP, UDP_SEGMENT, &v, &olen));
	EXPECT_EQ(500, v);

	/*
	 * No keys: plain UDP, cut every 500 bytes.  A control message
	 * longer than its buffer is refused as UDP refuses it, before the
	 * size is added to the caller's messages.
	 */
	EXPECT_EQ(-1, send_bad_cmsg(self->a, pt, 1200));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(1200, send(self->a, pt, 1200, 0));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(i < 2 ? 500 : 200,
			  recv(self->b, dg, sizeof(dg), MSG_DONTWAIT));
		EXPECT_EQ(0, memcmp(dg, pt + 500 * i, i < 2 ? 500 : 200));
	}
	EXPECT_B_EMPTY();

	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 0));
	EXPECT_EQ(-1, send_bad_cmsg(self->a, pt, 1200));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(1200, send(self->a, pt, 1200, 0));
	seq = B_OPEN_SEGMENTS(pt, 1200, 500, 0);
	ASSERT_EQ(100, send(self->a, pt, 100, 0));
	seq = B_OPEN_SEGMENTS(pt, 100, 500, seq);
	/* A control message overrides the option: 0 for one record. */
	ASSERT_EQ(1200, send_gso(self->a, pt, 1200, 0));
	seq = B_OPEN_SEGMENTS(pt, 1200, 1200, seq);
	ASSERT_EQ(1200, send_gso(self->a, pt, 1200, 300));
	seq = B_OPEN_SEGMENTS(pt, 1200, 300, seq);
	EXPECT_B_EMPTY();

	/* A datagram that is not DTLS is never cut. */
	v = 10;
	ASSERT_EQ(0, setsockopt(self->a, SOL_UDP, UDP_SEGMENT, &v, sizeof(v)));
	memset(dg, 0x80, 40);
	ASSERT_EQ(40, send_type(self->a, dg, 40, MARK_NOT_DTLS));
	ASSERT_EQ(40, recv(self->b, pt, sizeof(pt), MSG_DONTWAIT));
	EXPECT_B_EMPTY();

	/* Off again: one record a send. */
	v = 0;
	ASSERT_EQ(0, setsockopt(self->a, SOL_UDP, UDP_SEGMENT, &v, sizeof(v)));
	fill(pt, sizeof(pt), 10);
	ASSERT_EQ(4000, send(self->a, pt, 4000, 0));
	seq = B_OPEN_SEGMENTS(pt, 4000, 4000, seq);
	EXPECT_B_EMPTY();
	EXPECT_EQ(seq, STATS().tx_records);
}

/*
 * The most segments UDP takes in one datagram (UDP_MAX_SEGMENTS, 64 or
 * 128 by the kernel): what a plain UDP socket of this kernel accepts.
 */
static int udp_max_segments(struct __test_metadata *_metadata, int family,
			    const union dtls_test_addr *to)
{
	static uint8_t buf[128];
	union dtls_test_addr me;
	int fd = dtls_test_udp_bound(family, &me);
	ssize_t n;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, connect(fd, &to->sa, dtls_test_addr_len(family)));
	n = send_gso(fd, buf, 128, 1);
	close(fd);
	return n == 128 ? 128 : 64;
}

/*
 * What UDP refuses of a GSO send is refused before anything is sealed,
 * with UDP's errors: more pieces than UDP_MAX_SEGMENTS (EINVAL), a
 * datagram over 64 KiB, plaintext or sealed (EMSGSIZE), a piece too
 * large for a record (EMSGSIZE), a control message of the wrong size
 * (EINVAL).  Nothing leaves and no sequence number is taken; then the
 * largest count goes out whole.
 */
TEST_F(record_sock, tx_gso_limits)
{
	static uint8_t pt[70000];
	int max = udp_max_segments(_metadata, variant->family, &self->b_addr);
	uint64_t seq;

	fill(pt, sizeof(pt), 4);
	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 0));
	EXPECT_EQ(-1, send_gso(self->a, pt, 100 * (max + 1), 100));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, send_gso(self->a, pt, 100 * max + 1, 100));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, send_gso(self->a, pt, 65536, 1200));
	EXPECT_EQ(EMSGSIZE, errno);
	/* 64 KiB of plaintext, but not once sealed. */
	EXPECT_EQ(-1, send_gso(self->a, pt, 65000, 1300));
	EXPECT_EQ(EMSGSIZE, errno);
	EXPECT_EQ(-1, send_gso(self->a, pt, 20000, 20000));
	EXPECT_EQ(EMSGSIZE, errno);
	EXPECT_EQ(-1, send_gso_len(self->a, pt, 1000, 100, sizeof(uint32_t)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, send_gso_len(self->a, pt, 1000, 100, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_B_EMPTY();
	EXPECT_EQ(0, STATS().tx_records);

	/* A large size with a short send is one record. */
	ASSERT_EQ(1000, send_gso(self->a, pt, 1000, 20000));
	seq = B_OPEN_SEGMENTS(pt, 1000, 1000, 0);
	ASSERT_EQ(100 * max, send_gso(self->a, pt, 100 * max, 100));
	seq = B_OPEN_SEGMENTS(pt, 100 * max, 100, seq);
	ASSERT_EQ(16384, send_gso(self->a, pt, 16384, 16384));
	seq = B_OPEN_SEGMENTS(pt, 16384, 16384, seq);
	EXPECT_B_EMPTY();
	EXPECT_EQ(seq, STATS().tx_records);
}

/*
 * The largest sealed batch is what one IP packet carries: 65,507 bytes of
 * UDP payload over IPv4, 65,527 over IPv6.  One byte more is refused
 * before anything is sealed (no sequence number used), as UDP refuses it
 * on a plain socket; the largest goes out whole.
 */
TEST_F(record_sock, tx_gso_largest_datagram)
{
	static uint8_t pt[65536];
	size_t ovh = dtls_ref_overhead(self->tx.cipher);
	size_t max = variant->family == AF_INET ? 65507 : 65527;
	size_t len, over = 0, fits = 0;
	uint64_t seq;

	fill(pt, sizeof(pt), 7);
	for (len = 65535; len && (!over || !fits); len--) {
		size_t sealed = len + (len + 1199) / 1200 * ovh;

		if (!over && sealed == max + 1)
			over = len;
		if (!fits && sealed <= max)
			fits = len;
	}
	ASSERT_NE(0, over);
	ASSERT_NE(0, fits);
	big_rcvbuf(self->b);
	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 0));
	EXPECT_EQ(-1, send_gso(self->a, pt, over, 1200));
	EXPECT_EQ(EMSGSIZE, errno);
	EXPECT_B_EMPTY();
	EXPECT_EQ(0, STATS().tx_records);
	ASSERT_EQ((ssize_t)fits, send_gso(self->a, pt, fits, 1200))
		TH_LOG("%zu bytes: %s", fits, strerror(errno));
	seq = B_OPEN_SEGMENTS(pt, fits, 1200, 0);
	EXPECT_EQ((fits + 1199) / 1200, seq);
	EXPECT_B_EMPTY();
}

/*
 * UDP takes its options at SOL_UDPLITE too: the same ones are refused
 * or kept by the DTLS layer there (UDP_ENCAP would take the receive hook
 * away, UDP_SEGMENT would cut records).
 */
static uint8_t pt_udplite[3000];

TEST_F(record_sock, udplite_level_options)
{
	int v = 1200, one = 1;
	socklen_t len = sizeof(v);

	EXPECT_EQ(-1, setsockopt(self->a, SOL_UDPLITE, UDP_ENCAP, &one,
				 sizeof(one)));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-1, setsockopt(self->a, SOL_UDPLITE, UDP_CORK, &one,
				 sizeof(one)));
	EXPECT_EQ(EOPNOTSUPP, errno);
	ASSERT_EQ(0, setsockopt(self->a, SOL_UDPLITE, UDP_SEGMENT, &v,
				sizeof(v)));
	v = 0;
	ASSERT_EQ(0, getsockopt(self->a, SOL_UDP, UDP_SEGMENT, &v, &len));
	EXPECT_EQ(1200, v);
	/* The layer keeps it: records still go out, cut at their edges. */
	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 0));
	fill(pt_udplite, sizeof(pt_udplite), 8);
	ASSERT_EQ((ssize_t)sizeof(pt_udplite),
		  send(self->a, pt_udplite, sizeof(pt_udplite), 0));
	EXPECT_EQ(3, B_OPEN_SEGMENTS(pt_udplite, sizeof(pt_udplite), 1200, 0));
	EXPECT_B_EMPTY();
}

struct rekey_sender {
	int fd;
	volatile bool stop;
	int sent;
};

static void *rekey_sender_fn(void *arg)
{
	struct rekey_sender *r = arg;

	while (!r->stop) {
		if (send(r->fd, "PLAINTEXT", 9, 0) == 9)
			r->sent++;
	}
	return NULL;
}

/*
 * A send racing a re-key never goes out in the clear: the keys a re-key
 * has just put for the last time were replaced, and the sender takes the
 * new ones.  Every datagram is a record of one of the epochs installed.
 */
TEST_F_TIMEOUT(record_sock, tx_rekey_race_never_plain, 120)
{
	struct rekey_sender r = { .fd = self->a };
	struct keyset ks[41];
	uint8_t buf[256];
	pthread_t th;
	int e, plain = 0, bad = 0, got = 0;
	ssize_t n;

	big_rcvbuf(self->b);
	keyset_init(&ks[0], variant->cipher, 1, 1);
	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &ks[0], 0));
	ASSERT_EQ(0, pthread_create(&th, NULL, rekey_sender_fn, &r));
	for (e = 1; e < 41; e++) {
		keyset_init(&ks[e], variant->cipher, 1 + e, 1);
		usleep(2000);
		ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &ks[e], 0));
	}
	usleep(2000);
	r.stop = true;
	pthread_join(th, NULL);
	set_timeout(self->b, 500);
	while ((n = recv(self->b, buf, sizeof(buf), 0)) > 0) {
		struct dtls_ref_hdr hdr;

		got++;
		if (n >= 9 && !memcmp(buf, "PLAINTEXT", 9)) {
			plain++;
			continue;
		}
		if (dtls_ref_parse(buf, n, &hdr) != n || hdr.type != DATA ||
		    hdr.epoch < 1 || hdr.epoch > 41)
			bad++;
	}
	EXPECT_EQ(0, plain);
	EXPECT_EQ(0, bad);
	EXPECT_LT(0, got);
	EXPECT_GE(r.sent, got);
}

/*
 * What UDP refuses only once it has the datagram fails as UDP fails the
 * same datagram on a plain socket: over IPv6 a record too large for the
 * path (IPV6_MTU), over IPv4 a socket without UDP checksums (SO_NO_CHECK,
 * which GSO needs).  The records were sealed: their sequence numbers are
 * a gap, never used again.
 */
TEST_F(record_sock, tx_gso_udp_refuses)
{
	static uint8_t pt[4000];
	unsigned int ovh = dtls_ref_overhead(self->tx.cipher);
	int level = SOL_SOCKET, opt = SO_NO_CHECK, val = 1, fd, want;
	union dtls_test_addr me;
	struct dtls_ref_hdr hdr;
	uint8_t back[64];

	if (variant->family == AF_INET6) {
		level = SOL_IPV6;
		opt = IPV6_MTU;
		val = 1280;
	}
	fd = dtls_test_udp_bound(variant->family, &me);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, connect(fd, &self->b_addr.sa,
			     dtls_test_addr_len(variant->family)));
	ASSERT_EQ(0, setsockopt(fd, level, opt, &val, sizeof(val)));
	EXPECT_EQ(-1, send_gso(fd, pt, 2 * (1300 + ovh), 1300 + ovh));
	want = errno;
	close(fd);
	EXPECT_NE(0, want);

	ASSERT_EQ(0, setsockopt(self->a, level, opt, &val, sizeof(val)));
	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 0));
	EXPECT_EQ(-1, send_gso(self->a, pt, 2600, 1300));
	EXPECT_EQ(want, errno);
	EXPECT_B_EMPTY();
	EXPECT_EQ(0, STATS().tx_records);
	ASSERT_EQ(4, send(self->a, "next", 4, 0));
	ASSERT_EQ(4, B_OPEN(&self->tx, &hdr, back, sizeof(back)));
	EXPECT_EQ(2, hdr.seq);
}

/*
 * sendmmsg() seals each message as records of its own, in order, with
 * UDP_SEGMENT too; a message UDP would refuse stops the batch there, and
 * sendmmsg() reports the messages sent before it, as on UDP.
 */
TEST_F(record_sock, tx_gso_sendmmsg)
{
	enum { N = 4 };
	static const size_t lens[N] = { 450, 200, 0, 1000 };
	static uint8_t pt[N][1000], big[13000];
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(uint16_t))];
	} c = {};
	struct mmsghdr mm[N];
	struct iovec iov[N];
	struct cmsghdr *cm;
	uint64_t seq = 0;
	int v = 200, i;

	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 0));
	ASSERT_EQ(0, setsockopt(self->a, SOL_UDP, UDP_SEGMENT, &v, sizeof(v)));
	memset(mm, 0, sizeof(mm));
	for (i = 0; i < N; i++) {
		fill(pt[i], sizeof(pt[i]), 20 + i);
		iov[i].iov_base = pt[i];
		iov[i].iov_len = lens[i];
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	ASSERT_EQ(N, sendmmsg(self->a, mm, N, 0)) TH_LOG("%s", strerror(errno));
	for (i = 0; i < N; i++) {
		EXPECT_EQ(lens[i], mm[i].msg_len);
		seq = B_OPEN_SEGMENTS(pt[i], lens[i], 200, seq);
	}
	EXPECT_B_EMPTY();
	EXPECT_EQ(3 + 1 + 1 + 5, seq);

	/* The third is too many pieces: two messages are sent. */
	iov[2].iov_base = big;
	iov[2].iov_len = sizeof(big);
	mm[2].msg_hdr.msg_control = c.b;
	mm[2].msg_hdr.msg_controllen = sizeof(c.b);
	cm = CMSG_FIRSTHDR(&mm[2].msg_hdr);
	cm->cmsg_level = SOL_UDP;
	cm->cmsg_type = UDP_SEGMENT;
	cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
	*(uint16_t *)CMSG_DATA(cm) = 100;
	ASSERT_EQ(2, sendmmsg(self->a, mm, N, 0));
	for (i = 0; i < 2; i++)
		seq = B_OPEN_SEGMENTS(pt[i], lens[i], 200, seq);
	EXPECT_B_EMPTY();
	/* Then alone, it fails with UDP's error. */
	EXPECT_EQ(-1, sendmmsg(self->a, mm + 2, 1, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(seq, STATS().tx_records);
}

/*
 * A GSO send read by a keyed receiver: one authenticated message per
 * record, in order.  Then a re-key between two batches: each batch is of
 * one epoch.
 */
TEST_F(record_sock, tx_gso_keyed_receiver)
{
	enum { SEG = 1000, N = 10 };
	static uint8_t pt[N * SEG];
	const size_t len = N * SEG - 1;
	struct keyset next;
	uint64_t ino;
	char msg[256];
	size_t off;

	fill(pt, sizeof(pt), 5);
	ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), self->b, &ino, msg,
				      sizeof(msg))) TH_LOG("attach: %s", msg);
	ASSERT_EQ(0, set_keys(self->b, DTLS_RX, &self->tx, 0));
	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 0));
	ASSERT_EQ((ssize_t)len, send_gso(self->a, pt, len, SEG));
	for (off = 0; off < len; off += SEG)
		expect_msg(_metadata, self->b, pt + off,
			   len - off < SEG ? len - off : SEG, DATA, __LINE__);
	expect_empty(_metadata, self->b, __LINE__);

	keyset_init(&next, self->tx.cipher, 2, 7);
	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &next, 0));
	ASSERT_EQ(0, set_keys(self->b, DTLS_RX, &next, 0));
	ASSERT_EQ((ssize_t)len, send_gso(self->a, pt, len, SEG));
	for (off = 0; off < len; off += SEG)
		expect_msg(_metadata, self->b, pt + off,
			   len - off < SEG ? len - off : SEG, DATA, __LINE__);
	expect_empty(_metadata, self->b, __LINE__);
	EXPECT_EQ(2 * N, STATS().tx_records);
}

/*
 * A send whose plaintext cannot be read all (its end is in no mapping):
 * EFAULT and nothing on the wire, for one record and for UDP_SEGMENT
 * batches (all or nothing: the records sealed before the fault never
 * leave, their sequence numbers stay unused), the fault in the last
 * record of a piece of memory and in the last of several pieces.  One
 * record a send is sealed in memory reused from send to send (the task's
 * page fragment): what follows is byte for byte the record the reference
 * seals, a one-byte record over what a 16000-byte one left included.
 */
TEST_F(record, tx_fault_sends_nothing)
{
	const size_t pg = sysconf(_SC_PAGESIZE);
	const size_t maplen = 12 * pg;
	static uint8_t pt[16000], back[16384], raw[16384 + 64],
		       want[16384 + 64];
	struct dtls_ref_hdr hdr;
	uint8_t *map, *end;
	size_t rawlen;

	/* The last page is kept, but made unreadable. */
	map = mmap(NULL, maplen + pg, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	end = map + maplen;
	ASSERT_EQ(0, mprotect(end, pg, PROT_NONE));
	memset(map, 0xa5, maplen);
	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 0));

	/* One record: its last 100 bytes fault.  No number taken. */
	EXPECT_EQ(-1, send(self->a, end - 900, 1000, 0));
	EXPECT_EQ(EFAULT, errno);
	/* 5 records of 200 in one piece: the fifth faults (0-3 taken). */
	EXPECT_EQ(-1, send_gso(self->a, end - 900, 1000, 200));
	EXPECT_EQ(EFAULT, errno);
	/* 4 records of 12000, a piece each: the fourth faults (4-6). */
	EXPECT_EQ(-1, send_gso(self->a, end - 47900, 48000, 12000));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_B_EMPTY();
	EXPECT_EQ(0, STATS().tx_records);

	/* What follows: exactly the reference's records, big then small. */
	fill(pt, sizeof(pt), 9);
	ASSERT_EQ((ssize_t)sizeof(pt), send(self->a, pt, sizeof(pt), 0));
	ASSERT_EQ((ssize_t)sizeof(pt),
		  b_open(_metadata, self->b, &self->tx, &hdr, back,
			 sizeof(back), raw, &rawlen, __LINE__));
	EXPECT_EQ(7, hdr.seq);
	EXPECT_EQ(0, memcmp(pt, back, sizeof(pt)));
	ASSERT_EQ((ssize_t)rawlen, seal(&self->tx, DATA, 7, pt, sizeof(pt),
					 want));
	EXPECT_EQ(0, memcmp(want, raw, rawlen));

	ASSERT_EQ(1, send(self->a, "x", 1, 0));
	ASSERT_EQ(1, b_open(_metadata, self->b, &self->tx, &hdr, back,
			    sizeof(back), raw, &rawlen, __LINE__));
	EXPECT_EQ(8, hdr.seq);
	EXPECT_EQ('x', back[0]);
	ASSERT_EQ((ssize_t)rawlen, seal(&self->tx, DATA, 8, "x", 1, want));
	EXPECT_EQ(0, memcmp(want, raw, rawlen));
	EXPECT_B_EMPTY();
	EXPECT_EQ(2, STATS().tx_records);
	munmap(map, maplen + pg);
}

/*
 * Sealed records stay as sealed while their datagrams wait in the
 * receiver's queue.  Where UDP takes the pages a record is sealed into
 * (MSG_SPLICE_PAGES), a queued skb points into the sender's page
 * fragment: writing a piece of it again before the skb is gone would
 * change a record already sent.  Single records of every size and
 * batches, sent in rounds, the receiver reading a round only after the
 * next was sent; each record opened and compared, in order.
 */
#define RECORDS(len, seg)	((seg) ? ((len) + (seg) - 1) / (seg) : 1)

TEST_F(record, tx_sealed_records_stay)
{
	static const struct { size_t len, seg; } sends[] = {
		{ 1, 0 }, { 1200, 0 }, { 5000, 0 }, { 16384, 0 },
		{ 16 * 1200, 1200 }, { 26 * 1200, 1200 }, { 8 * 3000, 3000 },
		{ 100, 0 }, { 3 * 16384, 16384 }, { 48 * 1200, 1200 },
	};
	/* Records handed to UDP as pages a round: 16384 B and every batch,
	 * those larger than the 32 KiB fragment page too (3 x 16384 takes
	 * three pages, 48 x 1200 two); smaller records UDP copies into its
	 * skb's head.
	 */
	enum { ROUNDS = 4, N = sizeof(sends) / sizeof(sends[0]),
	       SPLICED = 1 + 16 + 26 + 8 + 3 + 48 };
	static uint8_t pt[48 * 1200];
	uint64_t seq = 3, seqs[ROUNDS][N];
	long long spliced0;
	socklen_t sl = sizeof(int);
	int r, i, rcvbuf = 0;

	big_rcvbuf(self->b);
	ASSERT_EQ(0, getsockopt(self->b, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &sl));
	ASSERT_LE(8 << 20, rcvbuf) TH_LOG("the queue must hold two rounds");
	spliced0 = dtls_test_proc_stat("DtlsTxSpliced");
	ASSERT_LE(0, spliced0);
	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, seq));
	for (r = 0; r <= ROUNDS; r++) {
		for (i = 0; r < ROUNDS && i < N; i++) {
			size_t len = sends[i].len, seg = sends[i].seg;

			ssize_t n;

			fill(pt, len, 100 * r + i);
			seqs[r][i] = seq;
			n = seg ? send_gso(self->a, pt, len, seg) :
				  send(self->a, pt, len, 0);
			ASSERT_EQ((ssize_t)len, n)
				TH_LOG("round %d send %d: %s", r, i,
				       strerror(errno));
			seq += RECORDS(len, seg);
		}
		/* The round before this one, read now. */
		for (i = 0; r > 0 && i < N; i++) {
			size_t len = sends[i].len, seg = sends[i].seg;

			fill(pt, len, 100 * (r - 1) + i);
			EXPECT_EQ(seqs[r - 1][i] + RECORDS(len, seg),
				  B_OPEN_SEGMENTS(pt, len, seg ? seg : len,
						  seqs[r - 1][i]))
				TH_LOG("round %d send %d", r - 1, i);
		}
	}
	EXPECT_B_EMPTY();
	/* UDP takes pages from 6.5 (MSG_SPLICE_PAGES); before, it copies. */
	EXPECT_EQ(dtls_test_kernel_at_least(6, 5) ? ROUNDS * SPLICED : 0,
		  dtls_test_proc_stat("DtlsTxSpliced") - spliced0);
}

/*
 * An administrator's lower net.core.max_skb_frags: a record sealed in
 * pages would take more frags than that (one a base page), which UDP
 * would refuse with EMSGSIZE, so the record is handed to UDP to copy:
 * sent, delivered once and not counted as spliced.  With the limit
 * back, the same send is spliced (6.5 and later).
 */
TEST_F(record, tx_splice_frags_limit)
{
	static const char path[] = "/proc/sys/net/core/max_skb_frags";
	static uint8_t pt[16384];
	long long spliced0;
	char old[32], tmp[32];
	ssize_t n;

	spliced0 = dtls_test_proc_stat("DtlsTxSpliced");
	ASSERT_LE(0, spliced0);
	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 0));
	fill(pt, sizeof(pt), 17);
	ASSERT_EQ(0, dtls_test_sysctl_swap(path, "2", old, sizeof(old)))
		TH_LOG("%s: %s", path, strerror(errno));
	n = send(self->a, pt, sizeof(pt), 0);
	ASSERT_EQ(0, dtls_test_sysctl_swap(path, old, tmp, sizeof(tmp)));
	ASSERT_EQ((ssize_t)sizeof(pt), n) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(1, B_OPEN_SEGMENTS(pt, sizeof(pt), sizeof(pt), 0));
	EXPECT_B_EMPTY();
	EXPECT_EQ(0, dtls_test_proc_stat("DtlsTxSpliced") - spliced0);

	ASSERT_EQ((ssize_t)sizeof(pt), send(self->a, pt, sizeof(pt), 0));
	EXPECT_EQ(2, B_OPEN_SEGMENTS(pt, sizeof(pt), sizeof(pt), 1));
	EXPECT_B_EMPTY();
	EXPECT_EQ(dtls_test_kernel_at_least(6, 5) ? 1 : 0,
		  dtls_test_proc_stat("DtlsTxSpliced") - spliced0);
}

/* ---- Receiving in batches: UDP_GRO ---- */

/*
 * recvmsg() as an application with UDP_GRO does it: *@type the record
 * type (NO_TYPE), *@seg the UDP_GRO control message's segment size or -1.
 */
static ssize_t recv_gro(int fd, void *buf, size_t cap, size_t ctl, int *type,
			int *seg)
{
	union {
		struct cmsghdr h;
		char b[256];
	} c;
	struct iovec iov = { buf, cap };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl ? c.b : NULL, .msg_controllen = ctl,
	};
	struct cmsghdr *cm;
	ssize_t n;

	*type = NO_TYPE;
	*seg = -1;
	n = recvmsg(fd, &m, MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	if (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
		return -EMSGSIZE;
	*type = msg_type(&m);
	for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm))
		if (cm->cmsg_level == SOL_UDP && cm->cmsg_type == UDP_GRO &&
		    cm->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(seg, CMSG_DATA(cm), sizeof(int));
	return n;
}

/*
 * @fd's next message: @len bytes of @pt, of record type @type, with a
 * UDP_GRO segment size of @seg (-1: none, a message of one record).
 */
static void expect_gro(struct __test_metadata *_metadata, int fd,
		       const void *pt, size_t len, int type, int seg, int line)
{
	static uint8_t buf[65536];
	int t, s;
	ssize_t n = recv_gro(fd, buf, sizeof(buf), CTL, &t, &s);

	ASSERT_EQ((ssize_t)len, n)
		TH_LOG("line %d: expected a %zu-byte message: %s", line, len,
		       n < 0 ? strerror(-n) : "other length");
	EXPECT_EQ(0, memcmp(buf, pt, len))
		TH_LOG("line %d: message content differs", line);
	EXPECT_EQ(type, t) TH_LOG("line %d: record type", line);
	EXPECT_EQ(seg, s) TH_LOG("line %d: UDP_GRO segment size", line);
}

#define EXPECT_GRO(pt, len, type, seg) \
	expect_gro(_metadata, self->a, pt, len, type, seg, __LINE__)

static int set_gro(int fd, int on)
{
	return setsockopt(fd, SOL_UDP, UDP_GRO, &on, sizeof(on));
}

/*
 * A batch reader's socket lets UDP queue batches whole once it has read
 * with nothing queued (rx_batch.c): their records are opened, and
 * counted, when read.  Wait until @fd is readable.
 */
static void wait_in(struct __test_metadata *_metadata, int fd)
{
	ASSERT_EQ(1, poll(&(struct pollfd){ .fd = fd, .events = POLLIN }, 1,
			  5000));
}

#define WAIT_IN() wait_in(_metadata, self->a)
#define BATCHED() dtls_test_proc_stat("DtlsRxBatched")

/*
 * The path coalesces: a UDP_SEGMENT send between two plain sockets of
 * @family over loopback reaches a UDP_GRO reader as one datagram.  Else
 * a test of batches on the receive side would prove nothing.
 */
static void expect_path_coalesces(struct __test_metadata *_metadata,
				  int family)
{
	union dtls_test_addr sa, ra;
	socklen_t alen = dtls_test_addr_len(family);
	static uint8_t pt[4 * 100], buf[1024];
	int s, r, t, seg;

	s = dtls_test_udp_bound(family, &sa);
	r = dtls_test_udp_bound(family, &ra);
	ASSERT_LE(0, s);
	ASSERT_LE(0, r);
	ASSERT_EQ(0, set_gro(r, 1));
	ASSERT_EQ(0, connect(s, &ra.sa, alen));
	fill(pt, sizeof(pt), 77);
	ASSERT_EQ((ssize_t)sizeof(pt), send_gso(s, pt, sizeof(pt), 100));
	set_timeout(r, TIMEOUT_MS);
	ASSERT_EQ(1, poll(&(struct pollfd){ .fd = r, .events = POLLIN }, 1,
			  TIMEOUT_MS));
	ASSERT_EQ((ssize_t)sizeof(pt),
		  recv_gro(r, buf, sizeof(buf), CTL, &t, &seg))
		TH_LOG("loopback did not deliver the GSO datagram whole");
	EXPECT_EQ(100, seg);
	close(s);
	close(r);
}

/*
 * Seal @n records of @len bytes of plaintext each from @pt on (type
 * @types[i] or DATA, sequence numbers @seqs[i] or @seq0 + i) into @out,
 * back to back.  The bytes.
 */
static size_t seal_batch(const struct keyset *ks, const uint8_t *types,
			 const uint64_t *seqs, uint64_t seq0,
			 const uint8_t *pt, size_t len, int n, uint8_t *out)
{
	size_t off = 0;
	int i;

	for (i = 0; i < n; i++)
		off += seal(ks, types ? types[i] : DATA,
			    seqs ? seqs[i] : seq0 + i, pt + i * len, len,
			    out + off);
	return off;
}

/*
 * Records in a GSO datagram from b, read by a: UDP cuts it into its
 * datagrams for the attached socket, one record each.  Without UDP_GRO
 * one record a message; with it, the records in one message and their
 * size in UDP's UDP_GRO control message (the last may be shorter).
 */
TEST_F(record, rx_gro_batch)
{
	enum { LEN = 200, N = 8 };
	static uint8_t pt[2 * N * LEN], wire[2 * N * (LEN + 64)];
	size_t rec = LEN + dtls_ref_overhead(self->tx.cipher), n;
	int v = 0, i;
	socklen_t vl = sizeof(v);
	long batched;

	expect_path_coalesces(_metadata, variant->family);
	fill(pt, sizeof(pt), 3);
	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	n = seal_batch(&self->rx, NULL, NULL, 0, pt, LEN, N, wire);
	ASSERT_EQ(N * rec, n);
	ASSERT_EQ((ssize_t)n, send_gso(self->b, wire, n, rec));
	ASSERT_EQ(N, STAT_WAIT(rx_records, N));
	for (i = 0; i < N; i++)
		EXPECT_GRO(pt + i * LEN, LEN, DATA, -1);
	EXPECT_EMPTY();

	/* UDP_GRO on a keyed socket: UDP's option, read back. */
	ASSERT_EQ(0, set_gro(self->a, 1));
	ASSERT_EQ(0, getsockopt(self->a, SOL_UDP, UDP_GRO, &v, &vl));
	EXPECT_EQ(1, v);
	n = seal_batch(&self->rx, NULL, NULL, N, pt, LEN, N, wire);
	ASSERT_EQ((ssize_t)n, send_gso(self->b, wire, n, rec));
	ASSERT_EQ(2 * N, STAT_WAIT(rx_records, 2 * N));
	EXPECT_GRO(pt, N * LEN, DATA, LEN);
	EXPECT_EMPTY();

	/*
	 * The last record shorter, as GSO and GRO allow.  The socket's
	 * reader read with nothing queued: the batch is read whole.
	 */
	batched = BATCHED();
	n = seal_batch(&self->rx, NULL, NULL, 2 * N, pt, LEN, N - 1, wire);
	n += seal(&self->rx, DATA, 3 * N - 1, pt + (N - 1) * LEN, 50,
		  wire + n);
	ASSERT_EQ((ssize_t)n, send_gso(self->b, wire, n, rec));
	WAIT_IN();
	EXPECT_GRO(pt, (N - 1) * LEN + 50, DATA, LEN);
	EXPECT_EMPTY();
	ASSERT_EQ(3 * N, STAT_WAIT(rx_records, 3 * N));
	EXPECT_EQ(3 * N * LEN - LEN + 50, STATS().rx_bytes);
	EXPECT_EQ(N, BATCHED() - batched);
}

/* A packet socket that sees every packet on lo, or -1. */
static int lo_tap(void)
{
	struct sockaddr_ll ll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = if_nametoindex("lo"),
	};
	int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK,
			htons(ETH_P_ALL));

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&ll, sizeof(ll))) {
		close(fd);
		return -1;
	}
	big_rcvbuf(fd);
	return fd;
}

/*
 * What a packet tap took is never decrypted under it.  A tap shares the
 * packet's memory with what goes on to UDP; a GSO datagram that UDP cuts
 * for the socket gives segments that are not clones but share their
 * pages with the tap's copy.  Records in pages are opened out of place
 * (large ones) or from a copy: the tap, read after the records were, still
 * holds the ciphertext, and nowhere the plaintext.  A GSO batch of large
 * records, one of small ones, a single record too large for UDP's
 * linear skb, and a small one (a clone of the tap's, opened in place).
 */
TEST_F(record, rx_tap_sees_no_plaintext)
{
	static const struct { size_t len; int n; } sends[] = {
		{ 5000, 3 }, { 1000, 8 }, { 16000, 1 }, { 1000, 1 },
	};
	static uint8_t pt[16000], wire[3 * 16384], pkt[65536];
	uint64_t seq = 0;
	size_t i, n, rec;
	int tap, j, cipher, plain;
	ssize_t got;

	tap = lo_tap();
	ASSERT_LE(0, tap) TH_LOG("AF_PACKET: %s", strerror(errno));
	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	for (i = 0; i < sizeof(sends) / sizeof(sends[0]); i++) {
		fill(pt, sizeof(pt), 40 + i);
		rec = sends[i].len + dtls_ref_overhead(self->rx.cipher);
		n = seal_batch(&self->rx, NULL, NULL, seq, pt, sends[i].len,
			       sends[i].n, wire);
		ASSERT_EQ(sends[i].n * rec, n);
		got = sends[i].n > 1 ? send_gso(self->b, wire, n, rec) :
				       send(self->b, wire, n, 0);
		ASSERT_EQ((ssize_t)n, got) TH_LOG("%s", strerror(errno));
		seq += sends[i].n;
		for (j = 0; j < sends[i].n; j++)
			EXPECT_MSG(pt + j * sends[i].len, sends[i].len, DATA);

		/* Every packet the tap saw, read only now. */
		cipher = plain = 0;
		while ((got = recv(tap, pkt, sizeof(pkt), 0)) > 0) {
			if (memmem(pkt, got, wire, 64))
				cipher++;
			for (j = 0; j < sends[i].n; j++)
				if (memmem(pkt, got, pt + j * sends[i].len +
					   sends[i].len / 2, 64))
					plain++;
		}
		EXPECT_LE(1, cipher) TH_LOG("send %zu: the tap saw no record",
					    i);
		EXPECT_EQ(0, plain) TH_LOG("send %zu: the tap saw plaintext",
					   i);
	}
	close(tap);
}

/*
 * Records in pages: opened out of place when over 2 KiB, from a copy
 * when smaller.  Lengths that leave pieces of records
 * on odd bytes of pages are delivered intact, and in each batch a record
 * whose ciphertext (in pages, or its first byte, in the skb's head), or
 * tag was changed costs only itself.
 */
TEST_F(record, rx_pages_forged)
{
	static const size_t lens[] = { 4999, 10001, 1999, 777 };
	static uint8_t pt[6 * 10001], wire[6 * (10001 + 64)];
	size_t i, n, rec, first;
	uint64_t seq = 0;
	int j, cnt, bad = 0;

	big_rcvbuf(self->a);
	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	first = DTLS_REF_HDR_LEN + dtls_ref_cipher(self->rx.cipher)->explicit_len;
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		cnt = lens[i] > 5000 ? 4 : 6;
		fill(pt, sizeof(pt), 60 + i);
		rec = lens[i] + dtls_ref_overhead(self->rx.cipher);
		n = seal_batch(&self->rx, NULL, NULL, seq, pt, lens[i], cnt,
			       wire);
		ASSERT_EQ(cnt * rec, n);
		wire[rec + rec / 2] ^= 0x01;		/* record 1: ciphertext */
		wire[2 * rec + rec - 1] ^= 0x80;	/* record 2: its tag */
		wire[3 * rec + first] ^= 0x10;		/* 3: its first byte */
		ASSERT_EQ((ssize_t)n, send_gso(self->b, wire, n, rec))
			TH_LOG("%s", strerror(errno));
		seq += cnt;
		bad += 3;
		EXPECT_EQ(seq - bad, STAT_WAIT(rx_records, seq - bad));
		EXPECT_EQ(bad, STAT_WAIT(rx_auth_fail, bad));
		for (j = 0; j < cnt; j++)
			if (j < 1 || j > 3)
				EXPECT_MSG(pt + j * lens[i], lens[i], DATA);
		EXPECT_EMPTY();
	}
}

/*
 * A bad record in a batch costs only itself: each record of the GSO
 * datagram is authenticated and checked against the replay window on its
 * own.  A forged record, a replayed one and one that is no DTLS 1.2
 * record among good ones; then a batch of replays only.
 */
TEST_F(record, rx_gro_bad_in_batch)
{
	enum { LEN = 120, N = 8 };
	static const uint64_t seqs[N] = { 0, 1, 2, 3, 4, 1, 6, 7 };
	static const uint64_t again[N - 1] = { 0, 1, 2, 3, 4, 6, 7 };
	static uint8_t pt[N * LEN], want[N * LEN], wire[N * (LEN + 64)];
	size_t rec = LEN + dtls_ref_overhead(self->rx.cipher), n, w = 0;
	struct dtls_sock_stats st;
	long batched;
	int i;

	fill(pt, sizeof(pt), 9);
	memcpy(pt + 5 * LEN, pt + 1 * LEN, LEN);	/* the replay */
	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	ASSERT_EQ(0, set_gro(self->a, 1));
	EXPECT_EMPTY();		/* batches read whole from now on */
	batched = BATCHED();
	n = seal_batch(&self->rx, NULL, seqs, 0, pt, LEN, N, wire);
	ASSERT_EQ(N * rec, n);
	wire[3 * rec + rec - 1] ^= 0x40;	/* record 3: its tag */
	wire[6 * rec + 2] = 0xfe;		/* record 6: version 1.0 */
	for (i = 0; i < N; i++) {
		if (i == 3 || i == 5 || i == 6)
			continue;
		memcpy(want + w, pt + i * LEN, LEN);
		w += LEN;
	}
	ASSERT_EQ((ssize_t)n, send_gso(self->b, wire, n, rec));
	WAIT_IN();
	EXPECT_GRO(want, w, DATA, LEN);
	EXPECT_EMPTY();
	ASSERT_EQ(N - 3, STAT_WAIT(rx_records, N - 3));
	EXPECT_EQ(1, STAT_WAIT(rx_auth_fail, 1));
	EXPECT_EQ(1, STAT_WAIT(rx_replay, 1));
	EXPECT_EQ(1, STAT_WAIT(rx_malformed, 1));
	EXPECT_EQ(N - 3, BATCHED() - batched);

	/* Records 3 and 6 were never accepted: they still open. */
	n = seal_batch(&self->rx, NULL, NULL, 0, pt, LEN, N, wire);
	memcpy(wire + rec, wire + 3 * rec, rec);
	memcpy(wire + 2 * rec, wire + 6 * rec, rec);
	ASSERT_EQ((ssize_t)(3 * rec), send_gso(self->b, wire, 3 * rec, rec));
	memcpy(want, pt + 3 * LEN, LEN);
	memcpy(want + LEN, pt + 6 * LEN, LEN);
	WAIT_IN();
	EXPECT_GRO(want, 2 * LEN, DATA, LEN);
	EXPECT_EMPTY();
	ASSERT_EQ(N - 1, STAT_WAIT(rx_records, N - 1));
	EXPECT_EQ(2, STAT_WAIT(rx_replay, 2));

	/* Every record accepted, again: all replays, nothing to read. */
	n = seal_batch(&self->rx, NULL, again, 0, pt, LEN, N - 1, wire);
	ASSERT_EQ((ssize_t)n, send_gso(self->b, wire, n, rec));
	WAIT_IN();
	EXPECT_EMPTY();
	EXPECT_EQ(2 + N - 1, STAT_WAIT(rx_replay, 2 + N - 1));
	st = STATS();
	EXPECT_EQ(N - 1, st.rx_records);
	EXPECT_EQ(1, st.rx_auth_fail);
	EXPECT_EQ(1, st.rx_malformed);
	EXPECT_EQ(N - 1, BATCHED() - batched);

	/* An empty datagram UDP queued is not DTLS: passed up, as ever. */
	ASSERT_EQ(0, send(self->b, wire, 0, 0));
	WAIT_IN();
	EXPECT_GRO(wire, 0, DTLS_RECORD_NOT_DTLS, -1);
	EXPECT_EMPTY();
}

/*
 * A batch read whole (rx_batch.c) into the reader's memory where it lies:
 * three iovecs, the first starting 300 bytes before a page's end, the
 * second ending inside a record, so that records cross pages and
 * iovecs.  ChaCha20 records go straight into the pinned pages, the others
 * through a copy; each byte must land where it belongs.  Then a buffer
 * the reader cannot write: EFAULT as UDP gives it, that record lost, the
 * rest of its batch read next.
 */
TEST_F(record, rx_gro_into_pages)
{
	enum { LEN = 700, N = 12 };
	static uint8_t pt[N * LEN], wire[N * (LEN + 64)];
	size_t rec = LEN + dtls_ref_overhead(self->rx.cipher), n, page;
	union {
		struct cmsghdr h;
		char b[CTL];
	} c;
	struct iovec iov[3];
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = 3 };
	uint8_t *mem, *ro;
	long batched;
	ssize_t r;
	int i;

	page = sysconf(_SC_PAGESIZE);
	mem = mmap(NULL, 6 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	ro = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	fill(pt, sizeof(pt), 17);
	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	ASSERT_EQ(0, set_gro(self->a, 1));
	EXPECT_EMPTY();		/* batches read whole from now on */
	batched = BATCHED();

	n = seal_batch(&self->rx, NULL, NULL, 0, pt, LEN, N, wire);
	ASSERT_EQ((ssize_t)n, send_gso(self->b, wire, n, rec));
	WAIT_IN();
	iov[0].iov_base = mem + page - 300;
	iov[0].iov_len = 2 * LEN + 50;
	iov[1].iov_base = mem + 2 * page + 11;
	iov[1].iov_len = 3 * LEN + 333;
	iov[2].iov_base = mem + 3 * page - 77;
	iov[2].iov_len = 3 * page + 77;
	m.msg_control = c.b;
	m.msg_controllen = sizeof(c.b);
	r = recvmsg(self->a, &m, MSG_DONTWAIT);
	ASSERT_EQ(N * LEN, r) TH_LOG("%s", r < 0 ? strerror(errno) : "");
	EXPECT_EQ(DATA, msg_type(&m));
	/* The message, in the iovecs' order. */
	for (i = 0; i < N * LEN; i++) {
		size_t at = i;
		uint8_t got;

		if (at < iov[0].iov_len)
			got = ((uint8_t *)iov[0].iov_base)[at];
		else if ((at -= iov[0].iov_len) < iov[1].iov_len)
			got = ((uint8_t *)iov[1].iov_base)[at];
		else
			got = ((uint8_t *)iov[2].iov_base)[at - iov[1].iov_len];
		if (got != pt[i]) {
			EXPECT_EQ(pt[i], got) TH_LOG("byte %d", i);
			break;
		}
	}
	EXPECT_EQ(N, BATCHED() - batched);

	/* Not writable: EFAULT, the first record lost, the rest next. */
	n = seal_batch(&self->rx, NULL, NULL, N, pt, LEN, 3, wire);
	ASSERT_EQ((ssize_t)n, send_gso(self->b, wire, n, rec));
	WAIT_IN();
	iov[0].iov_base = ro;
	iov[0].iov_len = page;
	m.msg_iovlen = 1;
	m.msg_controllen = sizeof(c.b);
	EXPECT_EQ(-1, recvmsg(self->a, &m, MSG_DONTWAIT));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_GRO(pt + LEN, 2 * LEN, DATA, LEN);
	EXPECT_EMPTY();

	/*
	 * Writable for two records, then not: the two, as a partial read;
	 * the third lost, the fourth read next.
	 */
	n = seal_batch(&self->rx, NULL, NULL, N + 3, pt, LEN, 4, wire);
	ASSERT_EQ((ssize_t)n, send_gso(self->b, wire, n, rec));
	WAIT_IN();
	iov[0].iov_base = mem;
	iov[0].iov_len = 2 * LEN;
	iov[1].iov_base = ro;
	iov[1].iov_len = page;
	m.msg_iovlen = 2;
	m.msg_controllen = sizeof(c.b);
	EXPECT_EQ(2 * LEN, recvmsg(self->a, &m, MSG_DONTWAIT));
	EXPECT_EQ(0, memcmp(mem, pt, 2 * LEN));
	EXPECT_GRO(pt + 3 * LEN, LEN, DATA, -1);
	EXPECT_EMPTY();
	EXPECT_EQ(N + 2, BATCHED() - batched);
	munmap(mem, 6 * page);
	munmap(ro, page);
}

/*
 * A blocking batch reader: it waits in recvmsg() for UDP's queue, and
 * gets the batch sent meanwhile whole.
 */
TEST_F(record, rx_gro_blocking)
{
	enum { LEN = 300, N = 10 };
	static uint8_t pt[N * LEN], wire[N * (LEN + 64)];
	size_t rec = LEN + dtls_ref_overhead(self->rx.cipher), n;
	struct timeval tv = { .tv_sec = 10 };
	uint8_t *buf = malloc(65536);
	union {
		struct cmsghdr h;
		char b[CTL];
	} c;
	struct iovec iov = { buf, 65536 };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = c.b, .msg_controllen = sizeof(c.b),
	};
	long batched;
	pid_t pid;
	int st;

	ASSERT_NE(NULL, buf);
	fill(pt, sizeof(pt), 19);
	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	ASSERT_EQ(0, set_gro(self->a, 1));
	ASSERT_EQ(0, setsockopt(self->a, SOL_SOCKET, SO_RCVTIMEO, &tv,
				sizeof(tv)));
	EXPECT_EMPTY();		/* batches read whole from now on */
	batched = BATCHED();
	n = seal_batch(&self->rx, NULL, NULL, 0, pt, LEN, N, wire);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		usleep(200 * 1000);
		_exit(send_gso(self->b, wire, n, rec) == (ssize_t)n ? 0 : 1);
	}
	EXPECT_EQ(N * LEN, recvmsg(self->a, &m, 0))
		TH_LOG("%s", strerror(errno));
	EXPECT_EQ(0, memcmp(buf, pt, N * LEN));
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st) && !WEXITSTATUS(st));
	EXPECT_EQ(N, BATCHED() - batched);
	free(buf);
}

/*
 * Re-keying: one GSO datagram holding records of the previous epoch and
 * of the new one opens them all (the previous keys until their expiry),
 * and they are of one size: one message.  Then a batch of the new epoch
 * alone, and a record of an epoch with no keys in a batch costs itself.
 */
TEST_F(record, rx_gro_rekey)
{
	enum { LEN = 64, N = 6 };
	static uint8_t pt[N * LEN], wire[N * (LEN + 64)];
	size_t rec = LEN + dtls_ref_overhead(self->rx.cipher), n;
	struct keyset next, third;
	long batched;

	fill(pt, sizeof(pt), 11);
	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	ASSERT_EQ(0, set_gro(self->a, 1));
	EXPECT_EMPTY();		/* batches read whole from now on */
	batched = BATCHED();
	n = seal_batch(&self->rx, NULL, NULL, 0, pt, LEN, 3, wire);
	ASSERT_EQ((ssize_t)n, send_gso(self->b, wire, n, rec));
	WAIT_IN();
	EXPECT_GRO(pt, 3 * LEN, DATA, LEN);
	ASSERT_EQ(3, STAT_WAIT(rx_records, 3));
	EXPECT_EQ(3, BATCHED() - batched);

	keyset_init(&next, self->rx.cipher, 2, 21);
	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &next, 0));
	/* epoch 1 seq 3, 4, 5 and epoch 2 seq 0, 1, 2, late ones first */
	n = seal_batch(&self->rx, NULL, NULL, 3, pt, LEN, 3, wire);
	n += seal_batch(&next, NULL, NULL, 0, pt + 3 * LEN, LEN, 3, wire + n);
	ASSERT_EQ(N * rec, n);
	ASSERT_EQ((ssize_t)n, send_gso(self->b, wire, n, rec));
	WAIT_IN();
	EXPECT_GRO(pt, N * LEN, DATA, LEN);
	EXPECT_EMPTY();
	ASSERT_EQ(3 + N, STAT_WAIT(rx_records, 3 + N));

	/* epoch 2 seq 3..5, with an epoch 3 record (no keys) in the middle */
	keyset_init(&third, self->rx.cipher, 3, 22);
	n = seal_batch(&next, NULL, NULL, 3, pt, LEN, 2, wire);
	n += seal(&third, DATA, 0, pt + 2 * LEN, LEN, wire + n);
	n += seal(&next, DATA, 5, pt + 2 * LEN, LEN, wire + n);
	ASSERT_EQ((ssize_t)n, send_gso(self->b, wire, n, rec));
	WAIT_IN();
	EXPECT_GRO(pt, 3 * LEN, DATA, LEN);
	EXPECT_EMPTY();
	ASSERT_EQ(3 + N + 3, STAT_WAIT(rx_records, 3 + N + 3));
	EXPECT_EQ(1, STAT_WAIT(rx_bad_epoch, 1));
	/* The previous epoch's first: that batch went the usual way. */
	EXPECT_EQ(3 + 3, BATCHED() - batched);
}

/*
 * What goes into one message: application data records of one size, in
 * order.  A change of type or size ends it, a record of another type
 * (handshake, alert) or a datagram that is not DTLS
 * (RFC 7983) in a GSO datagram is a message of its own, at most 64
 * records go in one message, only whole records that fit the buffer, and
 * a reader with no room for UDP's control message gets one record.
 */
TEST_F(record_sock, rx_gro_what_goes_together)
{
	enum { LEN = 100, N = 8 };
	static const uint8_t types[N] = { DATA, DATA, HANDSHAKE, HANDSHAKE,
					  0, 0, DATA, DATA };
	static uint8_t pt[80 * LEN], wire[80 * (LEN + 64)], buf[4096];
	size_t rec = LEN + dtls_ref_overhead(self->rx.cipher), n = 0;
	uint64_t seq = 0;
	int i, t, seg;

	fill(pt, sizeof(pt), 13);
	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	ASSERT_EQ(0, set_gro(self->a, 1));
	for (i = 0; i < N; i++) {
		if (types[i]) {
			n += seal(&self->rx, types[i], seq++, pt + i * LEN,
				  LEN, wire + n);
			continue;
		}
		/* STUN-like: first byte 0..3, the records' size */
		memcpy(wire + n, pt + i * LEN, rec);
		wire[n] = 0;
		n += rec;
	}
	ASSERT_EQ(N * rec, n);
	ASSERT_EQ((ssize_t)n, send_gso(self->b, wire, n, rec));
	ASSERT_EQ(6, STAT_WAIT(rx_records, 6));
	ASSERT_EQ(2, STAT_WAIT(rx_not_dtls, 2));
	EXPECT_GRO(pt, 2 * LEN, DATA, LEN);
	/* Handshake records (and alerts) never go together. */
	EXPECT_GRO(pt + 2 * LEN, LEN, HANDSHAKE, -1);
	EXPECT_GRO(pt + 3 * LEN, LEN, HANDSHAKE, -1);
	memcpy(buf, pt + 4 * LEN, rec);
	buf[0] = 0;
	EXPECT_GRO(buf, rec, DTLS_RECORD_NOT_DTLS, -1);
	memcpy(buf, pt + 5 * LEN, rec);
	buf[0] = 0;
	EXPECT_GRO(buf, rec, DTLS_RECORD_NOT_DTLS, -1);
	EXPECT_GRO(pt + 6 * LEN, 2 * LEN, DATA, LEN);
	EXPECT_EMPTY();

	/*
	 * GSO datagrams of records of 50, then 100, then 100 and 50 bytes:
	 * a longer record starts a message, a shorter one ends it (as the
	 * last segment of UDP's GRO).
	 */
	n = seal_batch(&self->rx, NULL, NULL, seq, pt, LEN / 2, 3, wire);
	ASSERT_EQ((ssize_t)n, send_gso(self->b, wire, n, n / 3));
	n = seal_batch(&self->rx, NULL, NULL, seq + 3, pt, LEN, 3, wire);
	ASSERT_EQ((ssize_t)n, send_gso(self->b, wire, n, rec));
	n = seal_batch(&self->rx, NULL, NULL, seq + 6, pt, LEN / 2, 2, wire);
	ASSERT_EQ((ssize_t)n, send_gso(self->b, wire, n, n / 2));
	seq += 8;
	/* Read whole now (rx_batch.c): counted as read. */
	WAIT_IN();
	EXPECT_GRO(pt, 3 * (LEN / 2), DATA, LEN / 2);
	memcpy(buf, pt, 3 * LEN);
	memcpy(buf + 3 * LEN, pt, LEN / 2);
	EXPECT_GRO(buf, 3 * LEN + LEN / 2, DATA, LEN);
	EXPECT_GRO(pt + LEN / 2, LEN / 2, DATA, -1);
	EXPECT_EMPTY();
	ASSERT_EQ(14, STAT_WAIT(rx_records, 14));

	/* 70 records of one size: 64 in a message, then 6. */
	for (i = 0; i < 2; i++) {
		n = seal_batch(&self->rx, NULL, NULL, seq, pt + i * 35 * 10,
			       10, 35, wire);
		ASSERT_EQ((ssize_t)n, send_gso(self->b, wire, n, n / 35));
		seq += 35;
	}
	WAIT_IN();
	EXPECT_GRO(pt, 64 * 10, DATA, 10);
	EXPECT_GRO(pt + 640, 6 * 10, DATA, 10);
	EXPECT_EMPTY();
	ASSERT_EQ(84, STAT_WAIT(rx_records, 84));

	/*
	 * A buffer of 2.5 records takes two; one with no room for UDP's
	 * control message takes one, as does a peek.
	 */
	n = seal_batch(&self->rx, NULL, NULL, seq, pt, LEN, 5, wire);
	ASSERT_EQ((ssize_t)n, send_gso(self->b, wire, n, rec));
	WAIT_IN();
	EXPECT_EQ(2 * LEN, recv_gro(self->a, buf, 2 * LEN + LEN / 2, CTL, &t,
				    &seg));
	EXPECT_EQ(LEN, seg);
	EXPECT_EQ(0, memcmp(buf, pt, 2 * LEN));
	EXPECT_EQ(LEN, recv(self->a, buf, sizeof(buf), MSG_PEEK));
	EXPECT_EQ(LEN, recv_gro(self->a, buf, sizeof(buf), CMSG_SPACE(1), &t,
				&seg));
	EXPECT_EQ(-1, seg);
	EXPECT_EQ(0, memcmp(buf, pt + 2 * LEN, LEN));
	EXPECT_EQ(LEN, recv(self->a, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, pt + 3 * LEN, LEN));
	EXPECT_GRO(pt + 4 * LEN, LEN, DATA, -1);
	EXPECT_EMPTY();
	ASSERT_EQ(89, STAT_WAIT(rx_records, 89));

	/*
	 * UDP_GRO off again: one record a message, opened on arrival again
	 * (counted before the read).
	 */
	ASSERT_EQ(0, set_gro(self->a, 0));
	n = seal_batch(&self->rx, NULL, NULL, seq + 5, pt, LEN, 2, wire);
	ASSERT_EQ((ssize_t)n, send_gso(self->b, wire, n, rec));
	ASSERT_EQ(91, STAT_WAIT(rx_records, 91));
	EXPECT_GRO(pt, LEN, DATA, -1);
	EXPECT_GRO(pt + LEN, LEN, DATA, -1);
	EXPECT_EMPTY();
}

/*
 * Both ends keyed sockets: a sends with UDP_SEGMENT, b (UDP_GRO set
 * before its attach, which takes it) reads the records of each send in
 * one message, with recvmsg() and with recvmmsg(), then across a re-key
 * between two batches.
 */
TEST_F(record_sock, rx_gro_keyed_sender)
{
	enum { SEG = 1000, N = 10, VLEN = 4 };
	static uint8_t pt[N * SEG], buf[VLEN][N * SEG];
	static char ctl[VLEN][CTL];
	const size_t len = N * SEG - 1;
	struct mmsghdr mm[VLEN];
	struct iovec iov[VLEN];
	struct keyset next;
	uint64_t ino;
	char msg[256];
	int i, t, seg;

	expect_path_coalesces(_metadata, variant->family);
	fill(pt, sizeof(pt), 15);
	ASSERT_EQ(0, set_gro(self->b, 1));
	ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), self->b, &ino, msg,
				      sizeof(msg))) TH_LOG("attach: %s", msg);
	ASSERT_EQ(0, set_keys(self->b, DTLS_RX, &self->tx, 0));
	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 0));
	ASSERT_EQ((ssize_t)len, send_gso(self->a, pt, len, SEG));
	ASSERT_EQ(N, stat_wait(_metadata, ino, STAT(rx_records), N));
	expect_gro(_metadata, self->b, pt, len, DATA, SEG, __LINE__);
	expect_empty(_metadata, self->b, __LINE__);

	/*
	 * recvmmsg(): three sends, two messages: 9 records of SEG and one
	 * shorter; 3 of SEG and the 500 bytes of the third send, shorter.
	 */
	ASSERT_EQ((ssize_t)len, send_gso(self->a, pt, len, SEG));
	ASSERT_EQ(3 * SEG, send_gso(self->a, pt, 3 * SEG, SEG));
	ASSERT_EQ(500, send(self->a, pt, 500, 0));
	/* Read whole now (rx_batch.c), across the sends as before. */
	wait_in(_metadata, self->b);
	memset(mm, 0, sizeof(mm));
	for (i = 0; i < VLEN; i++) {
		iov[i].iov_base = buf[i];
		iov[i].iov_len = sizeof(buf[i]);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		mm[i].msg_hdr.msg_control = ctl[i];
		mm[i].msg_hdr.msg_controllen = CTL;
	}
	ASSERT_EQ(2, recvmmsg(self->b, mm, VLEN, MSG_DONTWAIT, NULL))
		TH_LOG("%s", strerror(errno));
	EXPECT_EQ(len, mm[0].msg_len);
	EXPECT_EQ(0, memcmp(buf[0], pt, len));
	EXPECT_EQ(3 * SEG + 500, mm[1].msg_len);
	EXPECT_EQ(0, memcmp(buf[1], pt, 3 * SEG));
	EXPECT_EQ(0, memcmp(buf[1] + 3 * SEG, pt, 500));
	expect_empty(_metadata, self->b, __LINE__);
	ASSERT_EQ(2 * N + 4, stat_wait(_metadata, ino, STAT(rx_records),
				       2 * N + 4));

	keyset_init(&next, self->tx.cipher, 2, 7);
	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &next, 0));
	ASSERT_EQ(0, set_keys(self->b, DTLS_RX, &next, 0));
	ASSERT_EQ((ssize_t)len, send_gso(self->a, pt, len, SEG));
	wait_in(_metadata, self->b);
	EXPECT_EQ((ssize_t)len, recv_gro(self->b, buf[0], sizeof(buf[0]), CTL,
					 &t, &seg));
	EXPECT_EQ(SEG, seg);
	EXPECT_EQ(0, memcmp(buf[0], pt, len));
	expect_empty(_metadata, self->b, __LINE__);
	ASSERT_EQ(3 * N + 4, stat_wait(_metadata, ino, STAT(rx_records),
				       3 * N + 4));
}

/*
 * A full GSO datagram (40 records of 1200 bytes) queued by UDP before the
 * attach, at the default receive buffer: cut into one small skb a record,
 * all 40 are read (a copy of the whole datagram per record, each charged
 * as such, would fill the buffer after one).
 */
TEST_F(record_sock, rx_gro_queued_before_attach_full)
{
	enum { LEN = 1200, N = 40 };
	static uint8_t pt[N * LEN], wire[N * (LEN + 64)], buf[LEN + 64];
	size_t rec = LEN + dtls_ref_overhead(self->rx.cipher), n;
	socklen_t alen = dtls_test_addr_len(variant->family);
	union dtls_test_addr ca;
	char msg[256];
	uint64_t ino;
	int fd, i, t;

	expect_path_coalesces(_metadata, variant->family);
	fill(pt, sizeof(pt), 19);
	fd = dtls_test_udp_bound(variant->family, &ca);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, set_gro(fd, 1));
	ASSERT_EQ(0, connect(fd, &self->b_addr.sa, alen));
	ASSERT_EQ(0, connect(self->b, &ca.sa, alen));
	set_timeout(fd, TIMEOUT_MS);
	n = seal_batch(&self->rx, NULL, NULL, 0, pt, LEN, N, wire);
	ASSERT_EQ(N * rec, n);
	ASSERT_EQ((ssize_t)n, send_gso(self->b, wire, n, rec))
		TH_LOG("%s", strerror(errno));
	ASSERT_EQ(1, poll(&(struct pollfd){ .fd = fd, .events = POLLIN }, 1,
			  TIMEOUT_MS));
	ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), fd, &ino, msg,
				      sizeof(msg))) TH_LOG("attach: %s", msg);
	ASSERT_EQ(0, set_keys(fd, DTLS_RX, &self->rx, 0));
	for (i = 0; i < N; i++) {
		ASSERT_EQ(LEN, recv_rec(fd, buf, sizeof(buf), 0, 0, &t, NULL))
			TH_LOG("record %d", i);
		EXPECT_EQ(0, memcmp(buf, pt + i * LEN, LEN))
			TH_LOG("record %d differs", i);
	}
	expect_empty(_metadata, fd, __LINE__);
	EXPECT_EQ(N, get_stats(_metadata, ino).rx_records);
	EXPECT_EQ(0, get_stats(_metadata, ino).rx_dropped);
	close(fd);
}

/*
 * A datagram GRO or GSO made of several, queued whole by UDP for a
 * socket with UDP_GRO before its attach, is cut into its datagrams when
 * the RX keys open what UDP holds: its records each on their own (a
 * batch for a UDP_GRO reader), a datagram that is not DTLS in it alone,
 * each with its sender's address.
 */
TEST_F(record_sock, rx_gro_queued_before_attach)
{
	enum { LEN = 100 };
	static uint8_t pt[4 * LEN], wire[4 * (LEN + 64)], buf[LEN + 64];
	size_t rec = LEN + dtls_ref_overhead(self->rx.cipher), n;
	socklen_t alen = dtls_test_addr_len(variant->family);
	union dtls_test_addr ca;
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(uint16_t))];
	} c = {};
	struct iovec iov = { wire, 0 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_name = &ca, .msg_namelen = alen,
			    .msg_control = c.b, .msg_controllen = sizeof(c.b) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	char msg[256];
	uint64_t ino;
	int fd;

	expect_path_coalesces(_metadata, variant->family);
	fill(pt, sizeof(pt), 17);
	fd = dtls_test_udp_bound(variant->family, &ca);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, set_gro(fd, 1));
	ASSERT_EQ(0, connect(fd, &self->b_addr.sa, alen));
	set_timeout(fd, TIMEOUT_MS);
	/* record 0, record 1, a STUN-like datagram, record 2 */
	n = seal_batch(&self->rx, NULL, NULL, 0, pt, LEN, 2, wire);
	memcpy(wire + n, pt + 2 * LEN, rec);
	wire[n] = 1;
	n += rec;
	n += seal(&self->rx, DATA, 2, pt + 3 * LEN, LEN, wire + n);
	ASSERT_EQ(4 * rec, n);
	iov.iov_len = n;
	cm->cmsg_level = SOL_UDP;
	cm->cmsg_type = UDP_SEGMENT;
	cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
	*(uint16_t *)CMSG_DATA(cm) = rec;
	ASSERT_EQ((ssize_t)n, sendmsg(self->b, &m, 0))
		TH_LOG("%s", strerror(errno));
	ASSERT_EQ(1, poll(&(struct pollfd){ .fd = fd, .events = POLLIN }, 1,
			  TIMEOUT_MS));

	ASSERT_EQ(0, dtls_sock_attach(dtls_test_nl(), fd, &ino, msg,
				      sizeof(msg))) TH_LOG("attach: %s", msg);
	ASSERT_EQ(0, set_keys(fd, DTLS_RX, &self->rx, 0));
	expect_gro(_metadata, fd, pt, 2 * LEN, DATA, LEN, __LINE__);
	memcpy(buf, pt + 2 * LEN, rec);
	buf[0] = 1;
	expect_gro(_metadata, fd, buf, rec, DTLS_RECORD_NOT_DTLS, -1,
		   __LINE__);
	/* A datagram cut out of the batch still names its sender. */
	alen = sizeof(ca);
	memset(&ca, 0, sizeof(ca));
	ASSERT_EQ(LEN, recvfrom(fd, buf, sizeof(buf), 0, &ca.sa, &alen));
	EXPECT_EQ(0, memcmp(buf, pt + 3 * LEN, LEN));
	ASSERT_EQ(dtls_test_addr_len(variant->family), alen);
	if (variant->family == AF_INET) {
		EXPECT_EQ(self->b_addr.in4.sin_port, ca.in4.sin_port);
		EXPECT_EQ(self->b_addr.in4.sin_addr.s_addr,
			  ca.in4.sin_addr.s_addr);
	} else {
		EXPECT_EQ(self->b_addr.in6.sin6_port, ca.in6.sin6_port);
		EXPECT_EQ(0, memcmp(&self->b_addr.in6.sin6_addr,
				    &ca.in6.sin6_addr, 16));
	}
	expect_empty(_metadata, fd, __LINE__);
	EXPECT_EQ(3, get_stats(_metadata, ino).rx_records);
	EXPECT_EQ(1, get_stats(_metadata, ino).rx_not_dtls);
	close(fd);
}

/*
 * What the attached socket refuses (UDP_CORK, a corked datagram) or keeps
 * for itself (UDP_SEGMENT) must not be there before the attach; UDP_GRO
 * may (rx_gro_keyed_sender reads batches through it).
 */
TEST(attach_refuses_corked)
{
	union dtls_test_addr a, b;
	int one = 1, v = 100, fd, peer, i;
	char msg[256];

	for (i = 0; i < 4; i++) {
		fd = dtls_test_udp_bound(AF_INET, &a);
		peer = dtls_test_udp_bound(AF_INET, &b);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, connect(fd, &b.sa, sizeof(b.in4)));
		if (i == 0) {
			ASSERT_EQ(0, setsockopt(fd, SOL_UDP, UDP_CORK, &one,
						sizeof(one)));
		} else if (i == 1) {
			ASSERT_EQ(0, setsockopt(fd, SOL_UDP, UDP_SEGMENT, &v,
						sizeof(v)));
		} else if (i == 2) {
			ASSERT_EQ(0, setsockopt(fd, SOL_UDP, UDP_GRO, &one,
						sizeof(one)));
		} else {
			ASSERT_EQ(5, send(fd, "clear", 5, MSG_MORE));
		}
		EXPECT_EQ(i == 2 ? 0 : -EBUSY,
			  dtls_sock_attach(dtls_test_nl(), fd, NULL, msg,
					   sizeof(msg)))
			TH_LOG("case %d: %s", i, msg);
		close(fd);
		close(peer);
	}
}

/* The other side of attach_cork_race: one UDP_CORK as the attach runs. */
struct cork_race {
	int fd;
	int go;
	int ret, err;
};

static void *cork_race_fn(void *arg)
{
	struct cork_race *cr = arg;
	int one = 1;

	while (!__atomic_load_n(&cr->go, __ATOMIC_ACQUIRE))
		;
	cr->ret = setsockopt(cr->fd, SOL_UDP, UDP_CORK, &one, sizeof(one));
	cr->err = errno;
	return NULL;
}

/*
 * UDP sets UDP_CORK without the socket lock, so a cork may land just as
 * the socket is attached, after attach looked.  Whatever the order, a
 * keyed send either goes out at once as a datagram of its own or fails
 * (EBUSY): never a success that sits in a cork.  The race is rarely won
 * under TCG; the counts of each outcome are printed.
 */
TEST(attach_cork_race)
{
	int i, refused = 0, after = 0, busy = 0, sent = 0;
	struct keyset ks;
	char buf[64];

	keyset_init(&ks, DTLS_CIPHER_AES_GCM_128, 1, 1);
	for (i = 0; i < 300; i++) {
		struct cork_race cr = { .go = 0 };
		union dtls_test_addr a, b;
		pthread_t th;
		ssize_t n;
		int peer, err;

		cr.fd = dtls_test_udp_bound(AF_INET, &a);
		peer = dtls_test_udp_bound(AF_INET, &b);
		ASSERT_LE(0, cr.fd);
		ASSERT_LE(0, peer);
		ASSERT_EQ(0, connect(cr.fd, &b.sa, sizeof(b.in4)));
		ASSERT_EQ(0, pthread_create(&th, NULL, cork_race_fn, &cr));
		__atomic_store_n(&cr.go, 1, __ATOMIC_RELEASE);
		err = dtls_sock_attach(dtls_test_nl(), cr.fd, NULL, NULL, 0);
		pthread_join(th, NULL);
		if (err) {
			EXPECT_EQ(-EBUSY, err);
			refused++;
		} else if (cr.ret) {
			EXPECT_EQ(EOPNOTSUPP, cr.err);
			after++;
		}
		if (!err) {
			ASSERT_EQ(0, set_keys(cr.fd, DTLS_TX, &ks, 0));
			n = send(cr.fd, "x", 1, MSG_DONTWAIT);
			if (n < 0) {
				EXPECT_EQ(EBUSY, errno);
				busy++;
			} else {
				set_timeout(peer, 1000);
				EXPECT_LT(1, recv(peer, buf, sizeof(buf), 0))
					TH_LOG("round %d: a sent record stayed corked", i);
				sent++;
			}
		}
		close(cr.fd);
		close(peer);
	}
	TH_LOG("attach refused %d, cork refused %d, send busy %d, sent %d",
	       refused, after, busy, sent);
}

/* ---- what the receive path lets through ---- */

/*
 * A drop-all socket filter sees the datagrams of an attached socket before
 * they are opened (UDP runs encap_rcv before its own filter step).
 */
TEST_F(record_sock, rx_socket_filter_applies)
{
	struct sock_filter drop = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog prog = { .len = 1, .filter = &drop };
	struct dtls_sock_stats st;
	int zero = 0;

	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	ASSERT_EQ(0, setsockopt(self->a, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
				sizeof(prog)));
	B_STR(0, "filtered");
	EXPECT_EQ(1, STAT_WAIT(rx_dropped, 1));
	EXPECT_EMPTY();
	st = STATS();
	EXPECT_EQ(0, st.rx_records);
	/* Without the filter the next record is delivered. */
	ASSERT_EQ(0, setsockopt(self->a, SOL_SOCKET, SO_DETACH_FILTER, &zero,
				sizeof(zero)));
	B_STR(1, "through");
	EXPECT_STR("through");
}

/*
 * A datagram that is not DTLS (one spoofed byte from the peer's address)
 * must not stand in front of authenticated records for a reader without a
 * control buffer, who could never tell it apart: it is dropped on the way.
 */
TEST_F(record_sock, rx_foreign_datagram_never_blocks)
{
	uint8_t buf[64];
	struct dtls_sock_stats st;

	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	B_RAW("\x01", 1);
	B_STR(0, "after");
	EXPECT_EQ(1, STAT_WAIT(rx_records, 1));
	EXPECT_EQ(5, recv(self->a, buf, sizeof(buf), 0))
		TH_LOG("recv: %s", strerror(errno));
	EXPECT_EQ(0, memcmp(buf, "after", 5));
	st = STATS();
	EXPECT_EQ(1, st.rx_not_dtls);
	EXPECT_EQ(1, st.rx_dropped);
	/* A reader with room for the type still gets such datagrams. */
	B_RAW("\x01", 1);
	EXPECT_MSG("\x01", 1, DTLS_RECORD_NOT_DTLS);

	/* A peek without that room looks past one, and leaves it there. */
	B_RAW("\x02", 1);
	B_STR(1, "peeked");
	EXPECT_EQ(2, STAT_WAIT(rx_records, 2));
	EXPECT_EQ(6, recv(self->a, buf, sizeof(buf), MSG_PEEK));
	EXPECT_EQ(0, memcmp(buf, "peeked", 6));
	EXPECT_MSG("\x02", 1, DTLS_RECORD_NOT_DTLS);
	EXPECT_STR("peeked");
	EXPECT_EQ(1, STATS().rx_dropped);
}

/* SO_RXQ_OVFL tells the drops before each queued record, not stale bytes. */
TEST_F(record_sock, rx_rxq_ovfl)
{
	union {
		struct cmsghdr h;
		char b[256];
	} c;
	static uint8_t pt[1000], buf[2000];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct dtls_sock_stats st;
	int one = 1, rcv = 4096, i;
	uint32_t last = UINT32_MAX;
	struct cmsghdr *cm;

	ASSERT_EQ(0, set_keys(self->a, DTLS_RX, &self->rx, 0));
	ASSERT_EQ(0, setsockopt(self->a, SOL_SOCKET, SO_RXQ_OVFL, &one,
				sizeof(one)));
	ASSERT_EQ(0, setsockopt(self->a, SOL_SOCKET, SO_RCVBUF, &rcv,
				sizeof(rcv)));
	for (i = 0; i < 16; i++)
		B_SEND(&self->rx, DATA, i, pt, sizeof(pt));
	ASSERT_LT(0, STAT_WAIT(rx_dropped, 1));
	usleep(100000);
	st = STATS();
	/* Room for one more, which comes after every drop so far. */
	ASSERT_LT(0, recv(self->a, buf, sizeof(buf), 0));
	B_SEND(&self->rx, DATA, 16, pt, sizeof(pt));
	EXPECT_EQ(st.rx_records + 1, STAT_WAIT(rx_records, st.rx_records + 1));
	for (;;) {
		m.msg_control = c.b;
		m.msg_controllen = sizeof(c.b);
		if (recvmsg(self->a, &m, MSG_DONTWAIT) < 0)
			break;
		for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm))
			if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SO_RXQ_OVFL)
				memcpy(&last, CMSG_DATA(cm), sizeof(last));
	}
	EXPECT_EQ(st.rx_dropped, last);
}

/* Keys from setsockopt() and a configured kernel handshake exclude each other. */
TEST_F(record_sock, keys_refused_while_handshake_configured)
{
	struct dtls_hs_config cfg = { .role = DTLS_HS_ROLE_CLIENT,
				      .cookies = -1 };
	char msg[128] = "";

	ASSERT_EQ(0, dtls_hs_config(dtls_test_nl(), self->a, 0, &cfg, msg, sizeof(msg)))
		TH_LOG("hs-config: %s", msg);
	EXPECT_EQ(-EISCONN, set_keys(self->a, DTLS_TX, &self->tx, 0));
	EXPECT_EQ(-EISCONN, set_keys(self->a, DTLS_RX, &self->rx, 0));
}

/* ---- ICMP errors (UDP gives an encap socket's only to encap_err_rcv) ---- */

/*
 * The peer's port is closed: a keyed, connected socket learns it as a
 * plain UDP socket would, through its error and the error queue.
 */
TEST_F(record_sock, icmp_port_unreachable_reported)
{
	union {
		struct cmsghdr h;
		char b[512];
	} c;
	char buf[64];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = c.b, .msg_controllen = sizeof(c.b) };
	struct sock_extended_err *ee = NULL;
	struct cmsghdr *cm;
	int one = 1, err = 0, i;
	socklen_t len = sizeof(err);

	ASSERT_EQ(0, set_keys(self->a, DTLS_TX, &self->tx, 0));
	close(self->b);
	self->b = -1;
	/* Without IP_RECVERR: the socket's error, once. */
	ASSERT_EQ(4, send(self->a, "gone", 4, 0));
	for (i = 0; i < TIMEOUT_MS / 10 && !err; i++) {
		usleep(10000);
		ASSERT_EQ(0, getsockopt(self->a, SOL_SOCKET, SO_ERROR, &err,
					&len));
	}
	EXPECT_EQ(ECONNREFUSED, err);

	/* With it: the error queue says what and from where. */
	if (variant->family == AF_INET6)
		err = setsockopt(self->a, SOL_IPV6, IPV6_RECVERR, &one,
				 sizeof(one));
	else
		err = setsockopt(self->a, SOL_IP, IP_RECVERR, &one,
				 sizeof(one));
	ASSERT_EQ(0, err);
	ASSERT_EQ(4, send(self->a, "gone", 4, 0));
	for (i = 0; i < TIMEOUT_MS / 10; i++) {
		if (recvmsg(self->a, &m, MSG_ERRQUEUE | MSG_DONTWAIT) >= 0)
			break;
		usleep(10000);
	}
	for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm))
		if ((cm->cmsg_level == SOL_IP && cm->cmsg_type == IP_RECVERR) ||
		    (cm->cmsg_level == SOL_IPV6 &&
		     cm->cmsg_type == IPV6_RECVERR))
			ee = (struct sock_extended_err *)CMSG_DATA(cm);
	ASSERT_NE(NULL, ee) TH_LOG("no error queue entry");
	EXPECT_EQ(ECONNREFUSED, ee->ee_errno);
	EXPECT_EQ(variant->family == AF_INET6 ? SO_EE_ORIGIN_ICMP6 :
		  SO_EE_ORIGIN_ICMP, ee->ee_origin);
}

/*
 * A kernel client handshaking with a closed port fails at the first ICMP
 * port unreachable, not when its 60 s run out.
 */
TEST_F(record_sock, icmp_fails_client_handshake)
{
	struct dtls_hs_config cfg = {
		.role = DTLS_HS_ROLE_CLIENT, .cookies = -1,
		.timeout_ms = 60000,
	};
	struct dtls_hs_info hi;
	char msg[128] = "";

	close(self->b);
	self->b = -1;
	ASSERT_EQ(0, dtls_hs_config(dtls_test_nl(), self->a, 0, &cfg, msg, sizeof(msg)))
		TH_LOG("hs-config: %s", msg);
	ASSERT_EQ(0, dtls_psk_add(dtls_test_nl(), self->a, 0, "id", 2, "0123456789abcdef",
				  16, 0, msg, sizeof(msg)))
		TH_LOG("psk-add: %s", msg);
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), self->a, 0, msg, sizeof(msg)))
		TH_LOG("hs-start: %s", msg);
	EXPECT_EQ(DTLS_HS_STATE_FAILED, dtls_test_hs_settle(self->a, 10000,
							    &hi));
	EXPECT_EQ(ECONNREFUSED, hi.error);
}

/*
 * The same with icmp-ignore: the client keeps retransmitting through the
 * port-unreachable errors, so a server that comes up on that port a
 * second later gets a ClientHello and the handshake completes.  With the
 * error pending on the socket, UDP would refuse every send; the kernel's
 * own sends go out anyway, and the errors are gone once established.
 */
TEST_F(record_sock, icmp_ignored_by_client_handshake)
{
	struct dtls_hs_config cfg = {
		.role = DTLS_HS_ROLE_CLIENT, .cookies = -1,
		.rto_initial_ms = 200, .rto_max_ms = 400, .timeout_ms = 30000,
		.icmp_ignore = 1,
	};
	struct dtls_hs_config sc = { .role = DTLS_HS_ROLE_SERVER,
				     .cookies = -1 };
	socklen_t len = dtls_test_addr_len(variant->family);
	struct dtls_hs_info hi, si;
	char msg[128] = "";
	int srv, err = 0;

	close(self->b);
	self->b = -1;
	ASSERT_EQ(0, dtls_hs_config(dtls_test_nl(), self->a, 0, &cfg, msg, sizeof(msg)))
		TH_LOG("hs-config: %s", msg);
	ASSERT_EQ(0, dtls_psk_add(dtls_test_nl(), self->a, 0, "id", 2, "0123456789abcdef",
				  16, 0, msg, sizeof(msg)))
		TH_LOG("psk-add: %s", msg);
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), self->a, 0, msg, sizeof(msg)))
		TH_LOG("hs-start: %s", msg);
	usleep(1000 * 1000);
	ASSERT_EQ(0, dtls_hs_get(dtls_test_nl(), self->a, 0, &hi, NULL, 0));
	ASSERT_EQ(DTLS_HS_STATE_RUNNING, hi.state) TH_LOG("error %u", hi.error);

	srv = socket(variant->family, SOCK_DGRAM, 0);
	ASSERT_LE(0, srv);
	ASSERT_EQ(0, bind(srv, &self->b_addr.sa, len));
	ASSERT_EQ(0, dtls_test_hs_setup(srv, &sc, "id", "0123456789abcdef",
					16));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), srv, 0, msg, sizeof(msg)));
	EXPECT_EQ(DTLS_HS_STATE_ESTABLISHED,
		  dtls_test_hs_settle(self->a, 20000, &hi)) {
		TH_LOG("client error %u", hi.error);
	}
	EXPECT_EQ(DTLS_HS_STATE_ESTABLISHED,
		  dtls_test_hs_settle(srv, 20000, &si));
	/*
	 * The port-unreachable errors the handshake drew were its to ignore:
	 * the established socket's first send goes out.
	 */
	len = sizeof(err);
	EXPECT_EQ(0, getsockopt(self->a, SOL_SOCKET, SO_ERROR, &err, &len));
	EXPECT_EQ(0, err);
	EXPECT_EQ(0, dtls_test_ping_pong(self->a, srv));
	close(srv);
}

/*
 * A drop-all filter on a kernel handshake server: its ClientHellos never
 * reach the handshake, so nothing is answered and the client times out.
 */
TEST(handshake_server_behind_filter)
{
	struct sock_filter drop = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog prog = { .len = 1, .filter = &drop };
	struct dtls_hs_config sc = { .role = DTLS_HS_ROLE_SERVER,
				     .cookies = -1 };
	struct dtls_hs_config cc = { .role = DTLS_HS_ROLE_CLIENT,
				     .cookies = -1, .rto_initial_ms = 200,
				     .timeout_ms = 2500 };
	union dtls_test_addr sa, ca;
	struct dtls_hs_info si, ci;
	char msg[128];
	int srv, cli;

	srv = dtls_test_udp_bound(AF_INET, &sa);
	cli = dtls_test_udp_bound(AF_INET, &ca);
	ASSERT_LE(0, srv);
	ASSERT_LE(0, cli);
	ASSERT_EQ(0, connect(cli, &sa.sa, sizeof(sa.in4)));
	ASSERT_EQ(0, setsockopt(srv, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
				sizeof(prog)));
	ASSERT_EQ(0, dtls_test_hs_setup(srv, &sc, "id", "0123456789abcdef",
					16));
	ASSERT_EQ(0, dtls_test_hs_setup(cli, &cc, "id", "0123456789abcdef",
					16));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), srv, 0, msg, sizeof(msg)));
	ASSERT_EQ(0, dtls_hs_start(dtls_test_nl(), cli, 0, msg, sizeof(msg)));
	EXPECT_EQ(DTLS_HS_STATE_FAILED, dtls_test_hs_settle(cli, 10000, &ci));
	EXPECT_EQ(ETIMEDOUT, ci.error);
	/* The server never left its wait for a ClientHello. */
	ASSERT_EQ(0, dtls_hs_get(dtls_test_nl(), srv, 0, &si, NULL, 0));
	EXPECT_EQ(DTLS_HS_STATE_RUNNING, si.state);
	close(cli);
	close(srv);
}

TEST_HARNESS_MAIN
