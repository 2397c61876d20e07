// SPDX-License-Identifier: GPL-2.0
/* Probe: the unaligned accessors live in linux/ (6.12+), not asm/. */
#include <linux/unaligned.h>
