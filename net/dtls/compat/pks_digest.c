// SPDX-License-Identifier: GPL-2.0
/* Probe: struct public_key_signature names the hash "digest" (before 7.x's "m"). */
#include <crypto/public_key.h>

struct public_key_signature kdtls_probe = { .digest = NULL, .digest_size = 0 };
