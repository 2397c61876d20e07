// SPDX-License-Identifier: GPL-2.0
/* Probe: get_file_active() (6.7+, files SLAB_TYPESAFE_BY_RCU). */
#include <linux/fs.h>

struct file *kdtls_probe(struct file **f);
struct file *kdtls_probe(struct file **f)
{
	return get_file_active(f);
}
