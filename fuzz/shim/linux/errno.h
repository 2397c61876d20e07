/* SPDX-License-Identifier: GPL-2.0 */
/* glibc's <errno.h> includes <linux/errno.h> too: pass it on. */
#include_next <linux/errno.h>
