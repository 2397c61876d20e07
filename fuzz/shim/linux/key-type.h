/* SPDX-License-Identifier: GPL-2.0 */
/* Key types: used only under CONFIG_KEYS, unset here. */
#include "../kshim.h"
