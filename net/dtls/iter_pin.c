// SPDX-License-Identifier: GPL-2.0
/*
 * A window of the caller's pages, pinned, for ChaCha20-Poly1305 records
 * sealed from them and opened into them where they lie: the copy from or
 * to user space was some 1,200 instructions of a 1200-byte record; the
 * pinning, a window of up to DTLS_PIN_PAGES at a time, and the keystream's
 * breaks at page ends cost about a third of that.  (AES records would pay
 * the crypto API's walk of two lists instead, more than the copy: they
 * are copied.)
 *
 * The window is taken from a user-backed iterator with
 * iov_iter_extract_pages() (6.3 on, probed; before, always a copy), which
 * advances it by what was pinned; what was not used goes back to it when
 * the window is released, so that the iterator always tells what was
 * read or written, whichever way each record went.  A record that does
 * not fit what is left of one iovec is copied.
 *
 * Context: process, the caller's (pinning may fault pages in).
 */

#include <linux/mm.h>
#include <linux/uio.h>

#include "compat/compat.h"
#include "dtls.h"

#ifdef KDTLS_HAVE_IOV_ITER_EXTRACT_PAGES
/**
 * dtls_pin_release - give the window back
 * @p: the window
 * @iter: the iterator it came from, given back what was not used
 * @dirty: the pages were written (a reader's)
 */
void dtls_pin_release(struct dtls_pin *p, struct iov_iter *iter, bool dirty)
{
	if (!p->n)
		return;
	iov_iter_revert(iter, p->end - p->off);
	if (dirty)
		unpin_user_pages_dirty_lock(p->pages, p->n, true);
	else
		unpin_user_pages(p->pages, p->n);
	p->n = 0;
}

/**
 * dtls_pin_room - @need bytes of @iter in pinned pages, at @p->off
 * @p: the window
 * @iter: a user-backed iterator, or another kind (then: false)
 * @need: the bytes the next record takes
 * @want: how far to pin at most, if a new window is needed (at least
 *	  @need is pinned)
 * @dirty: as for dtls_pin_release(), for the window it gives back
 *
 * Return: true if pages @p->pages hold them from byte @p->off of the
 * first; false if they cannot be had that way (copy them).
 */
bool dtls_pin_room(struct dtls_pin *p, struct iov_iter *iter, size_t need,
		   size_t want, bool dirty)
{
	struct page **pages = p->pages;
	size_t off0;
	ssize_t got;

	if (p->n && p->end - p->off >= need)
		return true;
	dtls_pin_release(p, iter, dirty);
	if (!user_backed_iter(iter) || !need)
		return false;
	got = iov_iter_extract_pages(iter, &pages, max(need, want),
				     DTLS_PIN_PAGES, 0, &off0);
	if (got <= 0)
		return false;
	p->n = DIV_ROUND_UP(off0 + got, PAGE_SIZE);
	p->off = off0;
	p->end = off0 + got;
	if (got >= need)
		return true;
	dtls_pin_release(p, iter, false);	/* a short iovec: copy */
	return false;
}
#endif
