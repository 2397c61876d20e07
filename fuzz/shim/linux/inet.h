/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KSHIM_LINUX_INET_H
#define KSHIM_LINUX_INET_H
/* in4_pton(), in6_pton() on inet_pton(3): whole strings only, as x509.c. */
#include "../kshim.h"
#include <arpa/inet.h>

static inline int kshim_pton(int af, const char *src, int len, u8 *dst)
{
	char buf[64];

	if (len < 0)
		len = strlen(src);
	if ((size_t)len >= sizeof(buf))
		return 0;
	memcpy(buf, src, len);
	buf[len] = 0;
	return inet_pton(af, buf, dst) == 1;
}

static inline int in4_pton(const char *src, int srclen, u8 *dst, int delim,
			   const char **end)
{
	return kshim_pton(AF_INET, src, srclen, dst);
}

static inline int in6_pton(const char *src, int srclen, u8 *dst, int delim,
			   const char **end)
{
	return kshim_pton(AF_INET6, src, srclen, dst);
}
#endif
