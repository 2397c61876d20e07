// SPDX-License-Identifier: GPL-2.0
/* Probe: <kunit/visibility.h> and EXPORT_SYMBOL_IF_KUNIT() (6.2; later 6.1 stables have it too). */
#include <linux/export.h>
#include <kunit/visibility.h>

int kdtls_probe(void);
int kdtls_probe(void)
{
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kdtls_probe);
