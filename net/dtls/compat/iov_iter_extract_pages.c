// SPDX-License-Identifier: GPL-2.0
/*
 * Probe: iov_iter_extract_pages() (6.3): pins the pages of a user-backed
 * iterator, to write into them from the kernel.  Before it, a batch
 * reader's records are copied to user space (rx_batch.c).
 */
#include <linux/uio.h>

ssize_t kdtls_probe(struct iov_iter *i, struct page **pages, size_t *off);
ssize_t kdtls_probe(struct iov_iter *i, struct page **pages, size_t *off)
{
	return iov_iter_extract_pages(i, &pages, PAGE_SIZE, 1, 0, off);
}
