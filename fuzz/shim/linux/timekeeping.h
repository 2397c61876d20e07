/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KSHIM_LINUX_TIMEKEEPING_H
#define KSHIM_LINUX_TIMEKEEPING_H
#include "../kshim.h"
#include <time.h>

static inline s64 ktime_get_real_seconds(void)
{
	return time(NULL);
}
#endif
