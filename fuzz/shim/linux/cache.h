/* SPDX-License-Identifier: GPL-2.0 */
/* __ro_after_init: harnesses write what the kernel makes read-only. */
#ifndef _SHIM_LINUX_CACHE_H
#define _SHIM_LINUX_CACHE_H
#define __ro_after_init
#endif
