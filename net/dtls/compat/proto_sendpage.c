// SPDX-License-Identifier: GPL-2.0
/* Probe: struct proto still has sendpage (gone in 6.5, kept by some). */
#include <net/sock.h>

struct proto kdtls_probe = { .sendpage = NULL };
