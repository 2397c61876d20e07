// SPDX-License-Identifier: GPL-2.0
/* Probe: WQ_PERCPU, which 7.x wants said (else it warns); per-CPU before. */
#include <linux/workqueue.h>

unsigned int kdtls_probe = WQ_PERCPU;
