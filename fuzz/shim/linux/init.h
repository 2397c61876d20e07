/* SPDX-License-Identifier: GPL-2.0 */
/* __init: no init section in user space. */
#ifndef _SHIM_LINUX_INIT_H
#define _SHIM_LINUX_INIT_H
#define __init
#endif
