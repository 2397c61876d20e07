/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz.h - what every harness shares: the property check, which aborts
 * (a libFuzzer crash) with the failed condition, and the libFuzzer entry.
 */
#ifndef _KDTLS_FUZZ_H
#define _KDTLS_FUZZ_H

#include <stdio.h>
#include <stdlib.h>

#include "kshim.h"

#define FUZZ_ASSERT(c) do {						\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: property failed: %s\n",		\
			__FILE__, __LINE__, #c);			\
		abort();						\
	}								\
} while (0)

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

#endif
