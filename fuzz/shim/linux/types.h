/* SPDX-License-Identifier: GPL-2.0 */
/* The system's UAPI types (__u8, __be16, ...), then the kernel's (u8, ...). */
#include_next <linux/types.h>
#include "../kshim.h"
