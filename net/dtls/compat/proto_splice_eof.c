// SPDX-License-Identifier: GPL-2.0
/* Probe: struct proto has splice_eof (6.5+). */
#include <net/sock.h>

struct proto kdtls_probe = { .splice_eof = NULL };
