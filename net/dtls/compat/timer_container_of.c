// SPDX-License-Identifier: GPL-2.0
/* Probe: timer_container_of(), from_timer()'s new name (6.16+). */
#include <linux/timer.h>

struct kdtls_probe_s {
	struct timer_list t;
};

struct kdtls_probe_s *kdtls_probe(struct timer_list *t);
struct kdtls_probe_s *kdtls_probe(struct timer_list *t)
{
	struct kdtls_probe_s *s = timer_container_of(s, t, t);

	return s;
}
