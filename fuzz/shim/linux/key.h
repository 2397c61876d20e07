/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KSHIM_LINUX_KEY_H
#define KSHIM_LINUX_KEY_H
/*
 * Kernel keys: psk.c and cert.c use them only under CONFIG_KEYS, unset
 * here; no keyring is ever held, so key_put() sees NULL only.
 */
#include "../kshim.h"

struct key;

static inline void key_put(struct key *key)
{
}
#endif
