// SPDX-License-Identifier: GPL-2.0
/*
 * iprof: a QEMU TCG plugin that says where a benchmark span's guest
 * instructions go, by the address of each translation block executed.
 *
 * It follows the icount plugin's marker protocol (a page at MARK_PAGE with
 * `ret` at offsets 0, span begin, and 16, span end; see
 * ../shared/tools/icount/README.md): spans are numbered from 0 in the
 * order they begin.  Each block counts its executions inline; a span's
 * begin snapshots the counts and its end writes, to the file out= names,
 * a line "span <N>" and then (executions x instructions) per block
 * address, "<address in hex> <instructions>".  tools/bench/profile.sh
 * turns the addresses into the guest's function names with its
 * /proc/kallsyms.
 *
 * Arguments: out=FILE (required), span=N (only span N; default: all).
 * Run the guest with -smp 1: the counts are exact and race-free then.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define MARK_PAGE	0x7e0000000000ULL

struct block {
	uint64_t	pc;
	uint64_t	n_insns;
	uint64_t	execs;	/* inline counter */
	uint64_t	base;	/* execs at the span's begin */
};

static GPtrArray *blocks;	/* every block translated */
static FILE *out;
static long want_span = -1;
static long span = -1;		/* index of the current or last span */
static int active;

static void on_begin(unsigned int vcpu, void *udata)
{
	span++;
	active = want_span < 0 || span == want_span;
	if (!active)
		return;
	for (guint i = 0; i < blocks->len; i++) {
		struct block *b = g_ptr_array_index(blocks, i);

		b->base = b->execs;
	}
}

static void on_end(unsigned int vcpu, void *udata)
{
	if (!active)
		return;
	GHashTable *profile = g_hash_table_new_full(g_int64_hash, g_int64_equal,
						    g_free, g_free);
	GHashTableIter it;
	gpointer k, v;

	active = 0;
	for (guint i = 0; i < blocks->len; i++) {
		struct block *b = g_ptr_array_index(blocks, i);
		uint64_t *sum;

		if (b->execs == b->base)
			continue;
		sum = g_hash_table_lookup(profile, &b->pc);
		if (!sum) {
			uint64_t *key = g_new(uint64_t, 1);

			*key = b->pc;
			sum = g_new0(uint64_t, 1);
			g_hash_table_insert(profile, key, sum);
		}
		*sum += (b->execs - b->base) * b->n_insns;
	}
	fprintf(out, "span %ld\n", span);
	g_hash_table_iter_init(&it, profile);
	while (g_hash_table_iter_next(&it, &k, &v))
		fprintf(out, "%" PRIx64 " %" PRIu64 "\n", *(uint64_t *)k,
			*(uint64_t *)v);
	fflush(out);
	g_hash_table_destroy(profile);
}

static void on_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	struct block *b = g_new0(struct block, 1);

	b->pc = qemu_plugin_tb_vaddr(tb);
	b->n_insns = qemu_plugin_tb_n_insns(tb);
	/* Blocks made during a span start at 0: their base is 0 too. */
	g_ptr_array_add(blocks, b);
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &b->execs, 1);
	if (b->pc == MARK_PAGE)
		qemu_plugin_register_vcpu_tb_exec_cb(tb, on_begin,
						     QEMU_PLUGIN_CB_NO_REGS, NULL);
	else if (b->pc == MARK_PAGE + 16)
		qemu_plugin_register_vcpu_tb_exec_cb(tb, on_end,
						     QEMU_PLUGIN_CB_NO_REGS, NULL);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info,
					   int argc, char **argv)
{
	const char *out_path = NULL;

	for (int i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4))
			out_path = argv[i] + 4;
		else if (!strncmp(argv[i], "span=", 5))
			want_span = strtol(argv[i] + 5, NULL, 10);
		else {
			fprintf(stderr, "iprof: unknown argument %s\n", argv[i]);
			return -1;
		}
	}
	if (!out_path) {
		fprintf(stderr, "iprof: out=FILE is required\n");
		return -1;
	}
	out = fopen(out_path, "w");
	if (!out) {
		perror(out_path);
		return -1;
	}
	blocks = g_ptr_array_new();
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_trans);
	return 0;
}
