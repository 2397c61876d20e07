/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel keys: psk.c uses them only under CONFIG_KEYS, unset here. */
#include "../kshim.h"
