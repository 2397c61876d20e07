// SPDX-License-Identifier: GPL-2.0
/* Probe: timer_delete() and timer_delete_sync(), del_timer*()'s new names (6.2+). */
#include <linux/timer.h>

void kdtls_probe(struct timer_list *t);
void kdtls_probe(struct timer_list *t)
{
	timer_delete(t);
	timer_delete_sync(t);
}
