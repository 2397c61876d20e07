// SPDX-License-Identifier: GPL-2.0
/*
 * reasm_fuzz: handshake headers and bounded reassembly (reasm.c) against
 * a reference model.
 *
 * Input: a mode byte, the first message_seq expected (2 bytes), then
 *  mode odd ("raw"): handshake fragments as they follow each other in a
 *    record, each a 12-byte header and its bytes, parsed with
 *    dtls_hs_hdr_parse() (the corpus holds real flights in this form);
 *    after each fragment every complete message is popped;
 *  mode even ("ops"): operations, each one byte b and, to add a fragment,
 *    9 more: seq - next_seq (2), length (2), offset (2), fragment length
 *    (2), a seed for its bytes (seed + 7 * i); b & 0x80 pops instead;
 *    b & 0x40 shifts offset and lengths left by 8 (24-bit values); type
 *    is b & 7.
 * The model keeps, per message_seq, the type, length, which bytes came
 * and their values (the first copy wins).  Properties, after every step:
 * the result is the model's (old, dropped, refused, stored), the memory
 * accounted is exactly what is held and within DTLS_REASM_MAX_BYTES,
 * each slot holds message next_seq + i with a bitmap exactly while it is
 * incomplete, and that bitmap is the model's, every bit of every slot;
 * a popped message is message next_seq, complete, with an unfragmented
 * header and the model's bytes.  Nothing leaks (LSan).
 *
 * Speed: the model touches only what a message uses (its bitmap's words
 * are cleared and compared, not 16 KiB arrays), pops by turning pointers
 * instead of moving 32 KiB slots, and its loops and checks carry no
 * coverage instrumentation (NO_COV): libFuzzer's compare hooks on every
 * byte of a fragment were most of the time, and coverage of the model is
 * no aim.
 */
#include "fuzz.h"

#include "reasm.c"

/* Harness code that libFuzzer need not see (clang >= 13). */
#define NO_COV	noinline __attribute__((no_sanitize("coverage")))

#define MWORDS	BITS_TO_LONGS(DTLS_REASM_MAX_MSG)

struct mmsg {
	bool		used;
	u8		type;
	u32		len;
	u32		missing;
	bool		bitmap;		/* its cost is counted */
	/* body bytes received: bit j of have[j / BITS_PER_LONG] */
	unsigned long	have[MWORDS];
	u8		data[DTLS_REASM_MAX_MSG];
};

static struct mmsg pool[DTLS_REASM_AHEAD];

static struct model {
	u16		next_seq;
	u32		bytes;
	struct mmsg	*m[DTLS_REASM_AHEAD];	/* next_seq + i, in pool */
} md;

static u32 have_words(u32 len)
{
	return BITS_TO_LONGS(len);
}

static u32 msg_cost(u32 len)
{
	return sizeof(struct dtls_hs_msg) + DTLS_HS_HEADER_LEN + len;
}

static u32 bitmap_cost(u32 len)
{
	return BITS_TO_LONGS(len) * sizeof(unsigned long);
}

static NO_COV int model_add(const struct dtls_hs_hdr *h, const u8 *frag)
{
	u16 ahead = h->seq - md.next_seq;
	struct mmsg *m;
	u32 i, j, cost;
	unsigned long bit;

	if (ahead >= 0x8000)
		return DTLS_REASM_OLD;
	if (ahead >= DTLS_REASM_AHEAD)
		return DTLS_REASM_DROPPED;
	if ((u64)h->frag_off + h->frag_len > h->length)
		return -EBADMSG;
	if (h->length > DTLS_REASM_MAX_MSG)
		return -EMSGSIZE;
	m = md.m[ahead];
	if (m->used) {
		if (m->type != h->type || m->len != h->length)
			return -EBADMSG;
	} else {
		cost = msg_cost(h->length);
		m->bitmap = h->frag_off || h->frag_len != h->length;
		if (m->bitmap)
			cost += bitmap_cost(h->length);
		if (md.bytes + cost > DTLS_REASM_MAX_BYTES)
			return DTLS_REASM_DROPPED;
		md.bytes += cost;
		m->used = true;
		m->type = h->type;
		m->len = h->length;
		m->missing = h->length;
		memset(m->have, 0, have_words(h->length) * sizeof(long));
	}
	for (i = 0; i < h->frag_len; i++) {
		j = h->frag_off + i;
		/* A whole word of bytes none of which came yet: at once. */
		if (j % BITS_PER_LONG == 0 && h->frag_len - i >= BITS_PER_LONG &&
		    !m->have[j / BITS_PER_LONG]) {
			m->have[j / BITS_PER_LONG] = ~0UL;
			memcpy(m->data + j, frag + i, BITS_PER_LONG);
			m->missing -= BITS_PER_LONG;
			i += BITS_PER_LONG - 1;
			continue;
		}
		bit = 1UL << (j % BITS_PER_LONG);
		if (m->have[j / BITS_PER_LONG] & bit)
			continue;
		m->have[j / BITS_PER_LONG] |= bit;
		m->data[j] = frag[i];
		m->missing--;
	}
	/* Complete: the bitmap goes. */
	if (!m->missing && m->bitmap) {
		md.bytes -= bitmap_cost(m->len);
		m->bitmap = false;
	}
	return DTLS_REASM_STORED;
}

/*
 * The kernel's state matches the model's, every slot, and every bit of
 * every bitmap (its words up to the message's length; the bits past the
 * length are zero in both).
 */
static NO_COV void check_state(struct dtls_reasm *r)
{
	u32 bytes = 0, i;

	FUZZ_ASSERT(r->next_seq == md.next_seq);
	for (i = 0; i < DTLS_REASM_AHEAD; i++) {
		struct dtls_reasm_slot *s = &r->slot[i];
		struct mmsg *m = md.m[i];

		FUZZ_ASSERT(!!s->msg == m->used);
		if (!s->msg) {
			FUZZ_ASSERT(!s->have && !s->missing);
			continue;
		}
		FUZZ_ASSERT(s->msg->seq == (u16)(r->next_seq + i));
		FUZZ_ASSERT(s->msg->type == m->type);
		FUZZ_ASSERT(s->msg->len == m->len);
		FUZZ_ASSERT(s->missing == m->missing);
		/* A bitmap exactly while bytes are missing. */
		FUZZ_ASSERT(!s->have == !s->missing);
		bytes += msg_cost(m->len);
		if (s->have)
			bytes += bitmap_cost(m->len);
		if (s->have)
			FUZZ_ASSERT(!memcmp(s->have, m->have,
					    have_words(m->len) * sizeof(long)));
	}
	FUZZ_ASSERT(r->bytes == bytes);
	FUZZ_ASSERT(md.bytes == bytes);
	FUZZ_ASSERT(r->bytes <= DTLS_REASM_MAX_BYTES);
}

static void pop_all(struct dtls_reasm *r)
{
	struct dtls_hs_msg *msg;
	struct dtls_hs_hdr h;
	struct mmsg *m;
	unsigned int i;

	for (;;) {
		m = md.m[0];
		msg = dtls_reasm_pop(r);
		if (!m->used || m->missing) {
			FUZZ_ASSERT(!msg);
			return;
		}
		FUZZ_ASSERT(msg);
		FUZZ_ASSERT(msg->seq == md.next_seq);
		FUZZ_ASSERT(msg->type == m->type && msg->len == m->len);
		FUZZ_ASSERT(dtls_hs_hdr_parse(msg->data, DTLS_HS_HEADER_LEN +
					      msg->len, &h) == 0);
		FUZZ_ASSERT(h.type == m->type && h.length == m->len &&
			    h.seq == md.next_seq && h.frag_off == 0 &&
			    h.frag_len == m->len);
		FUZZ_ASSERT(!memcmp(dtls_hs_msg_body(msg), m->data, m->len));
		kfree(msg);
		md.bytes -= msg_cost(m->len);
		for (i = 0; i + 1 < DTLS_REASM_AHEAD; i++)
			md.m[i] = md.m[i + 1];
		m->used = false;
		md.m[DTLS_REASM_AHEAD - 1] = m;
		md.next_seq++;
		check_state(r);
	}
}

static void add(struct dtls_reasm *r, const struct dtls_hs_hdr *h,
		const u8 *frag)
{
	int want = model_add(h, frag);

	FUZZ_ASSERT(dtls_reasm_add(r, h, frag, GFP_KERNEL) == want);
	check_state(r);
}

/* pattern[i] = 7 * i, to cut fragments from */
static u8 pattern[DTLS_REASM_MAX_MSG + 256];

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct dtls_reasm r;
	size_t off = 3;
	unsigned int i;
	unsigned long warned = kshim_warnings;

	if (size < 3)
		return 0;
	if (!pattern[1])
		for (i = 0; i < sizeof(pattern); i++)
			pattern[i] = 7 * i;
	md.bytes = 0;
	for (i = 0; i < DTLS_REASM_AHEAD; i++) {
		md.m[i] = &pool[i];
		pool[i].used = false;
	}
	md.next_seq = get_unaligned_be16(data + 1);
	dtls_reasm_init(&r, md.next_seq);

	if (data[0] & 1) {
		struct dtls_hs_hdr h;
		u8 *copy = malloc(size);

		FUZZ_ASSERT(copy);
		memcpy(copy, data, size);
		while (off < size &&
		       !dtls_hs_hdr_parse(copy + off, size - off, &h)) {
			FUZZ_ASSERT(h.frag_len <= size - off -
				    DTLS_HS_HEADER_LEN);
			FUZZ_ASSERT(h.frag_off + h.frag_len <= h.length);
			add(&r, &h, copy + off + DTLS_HS_HEADER_LEN);
			pop_all(&r);
			off += DTLS_HS_HEADER_LEN + h.frag_len;
		}
		free(copy);
	} else {
		while (off < size) {
			u8 b = data[off++];
			struct dtls_hs_hdr h;
			u32 n, shift;
			u8 *frag;

			if (b & 0x80) {
				pop_all(&r);
				continue;
			}
			if (size - off < 9)
				break;
			shift = b & 0x40 ? 8 : 0;
			h.type = b & 7;
			h.seq = md.next_seq + get_unaligned_be16(data + off);
			h.length = (u32)get_unaligned_be16(data + off + 2) <<
				   shift;
			h.frag_off = (u32)get_unaligned_be16(data + off + 4) <<
				     shift;
			h.frag_len = (u32)get_unaligned_be16(data + off + 6) <<
				     shift;
			/*
			 * A fragment that cannot be stored (too long, beyond
			 * its message, or a message too long) is refused
			 * before its bytes are read: it gets one byte; the
			 * others exactly theirs, so that ASan sees any
			 * over-read.
			 */
			n = h.length <= DTLS_REASM_MAX_MSG &&
			    h.frag_len <= h.length ? h.frag_len : 0;
			frag = malloc(n ? n : 1);
			FUZZ_ASSERT(frag);
			/* seed + 7 * i: 7 * 183 = 1 (mod 256) */
			memcpy(frag, pattern + (183 * data[off + 8]) % 256, n);
			add(&r, &h, frag);
			free(frag);
			off += 9;
		}
		pop_all(&r);
	}
	dtls_reasm_destroy(&r);
	FUZZ_ASSERT(r.bytes == 0);
	FUZZ_ASSERT(kshim_warnings == warned);
	return 0;
}
