// SPDX-License-Identifier: GPL-2.0
/* Probe: the ChaCha library's state is a struct chacha_state (6.16+). */
#include <crypto/chacha.h>

void kdtls_probe(struct chacha_state *st, u8 *buf);
void kdtls_probe(struct chacha_state *st, u8 *buf)
{
	chacha_crypt(st, buf, buf, CHACHA_BLOCK_SIZE, 20);
}
