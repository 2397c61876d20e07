// SPDX-License-Identifier: GPL-2.0
/*
 * replay_fuzz: the anti-replay window (replay.c) against a reference
 * model that remembers every sequence number it accepted.
 *
 * Input: window size (2 bytes, folded into DTLS_REPLAY_WINDOW_MIN..MAX),
 * floor (6 bytes, 48 bits), then operations of one byte plus operand:
 *   bits 0-1: 0 seq = top + 1 + u8, 1 seq = top - u8, 2 seq = top - u16,
 *             3 seq = absolute 48 bits
 *   bit 2:    the record authenticates: update the window if it passed
 * Properties: dtls_replay_check() accepts exactly what is new and inside
 * the window (the model), dtls_replay_next() is one above the highest
 * accepted, a record never passes twice.
 *
 * The model's scans of what it remembers carry no coverage
 * instrumentation (NO_COV): libFuzzer's compare hook on each remembered
 * number was most of the time, and coverage of the model is no aim.
 */
#include "fuzz.h"
#include <uapi/linux/dtls.h>

#include "replay.c"

#define OPS_MAX		2048

/* Harness code that libFuzzer need not see (clang >= 13). */
#define NO_COV	noinline __attribute__((no_sanitize("coverage")))

struct model {
	u64	floor;		/* below: counts as seen */
	u32	size;
	bool	any;
	u64	top;
	u64	seen[OPS_MAX];	/* accepted, within the window or not */
	unsigned int n;
};

static NO_COV bool model_check(const struct model *m, u64 seq)
{
	unsigned int i;

	if (seq < m->floor)
		return false;
	if (m->any && seq <= m->top && m->top - seq >= m->size)
		return false;
	for (i = 0; i < m->n; i++)
		if (m->seen[i] == seq)
			return false;
	return true;
}

static NO_COV void model_update(struct model *m, u64 seq)
{
	unsigned int i, j;

	if (!m->any || seq > m->top)
		m->top = seq;
	m->any = true;
	m->seen[m->n++] = seq;
	/* Forget what left the window: it is refused by the rule anyway. */
	for (i = j = 0; i < m->n; i++)
		if (m->top - m->seen[i] < m->size)
			m->seen[j++] = m->seen[i];
	m->n = j;
}

static u64 be(const u8 *p, int n)
{
	u64 v = 0;

	while (n--)
		v = v << 8 | *p++;
	return v;
}

static struct model m;

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct dtls_replay *w;
	unsigned int ops = 0;
	size_t off = 8;
	u32 wsize;
	u64 floor;

	if (size < 8)
		return 0;
	wsize = DTLS_REPLAY_WINDOW_MIN + be(data, 2) %
		(DTLS_REPLAY_WINDOW_MAX - DTLS_REPLAY_WINDOW_MIN + 1);
	floor = be(data + 2, 6);
	w = dtls_replay_alloc(wsize, floor, GFP_KERNEL);
	FUZZ_ASSERT(w);
	FUZZ_ASSERT(w->nbits >= wsize && is_power_of_2(w->nbits));

	/* seen[] is read only below n: no need to clear its 16 KiB */
	m.n = 0;
	m.any = false;
	m.top = 0;
	m.floor = floor;
	m.size = wsize;
	if (floor) {
		m.any = true;
		m.top = floor - 1;
	}

	while (off < size && ops++ < OPS_MAX) {
		u8 op = data[off++];
		u64 base = m.any ? m.top : 0, seq;
		int n = (int[]){ 1, 1, 2, 6 }[op & 3];
		bool ok;

		if (size - off < (size_t)n)
			break;
		switch (op & 3) {
		case 0:
			seq = base + 1 + be(data + off, n);
			break;
		case 1:
		case 2:
			seq = base - be(data + off, n);
			if (seq > base)		/* wrapped below 0 */
				seq = 0;
			break;
		default:
			seq = be(data + off, n);
			break;
		}
		off += n;
		seq &= ((1ULL << 48) - 1);

		ok = dtls_replay_check(w, seq);
		FUZZ_ASSERT(ok == model_check(&m, seq));
		if (ok && (op & 4)) {
			dtls_replay_update(w, seq);
			model_update(&m, seq);
			/* Now seen: never again. */
			FUZZ_ASSERT(!dtls_replay_check(w, seq));
		}
		FUZZ_ASSERT(dtls_replay_next(w) == (m.any ? m.top + 1 : 0));
	}
	kfree(w);
	return 0;
}
