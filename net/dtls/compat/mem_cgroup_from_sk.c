// SPDX-License-Identifier: GPL-2.0
/* Probe: mem_cgroup_from_sk(), the accessor of sk->sk_memcg (6.11+). */
#include <net/sock.h>

struct mem_cgroup *kdtls_probe(const struct sock *sk);
struct mem_cgroup *kdtls_probe(const struct sock *sk)
{
	return mem_cgroup_from_sk(sk);
}
