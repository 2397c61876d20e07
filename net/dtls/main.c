// SPDX-License-Identifier: GPL-2.0
/*
 * kdtls: DTLS sockets for Linux.  Module entry points and per-netns state.
 *
 * Lifetime: every attached socket holds a module reference, so the module
 * cannot be unloaded while one exists (rmmod gets EBUSY).  The reference is
 * dropped from the RCU callback that frees the socket's state; dtls_exit()
 * waits for such callbacks with rcu_barrier() before the code goes away.
 */

#include <linux/module.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>

#include <uapi/linux/dtls_netlink.h>

#include "cookie.h"
#include "dtls.h"
#include "p256.h"
#include "prf.h"

unsigned int dtls_net_id __read_mostly;

/* The module's works: handshakes, listeners, kept flights, key freeing. */
struct workqueue_struct *dtls_wq;
/* The work that makes the encap keys' holder sockets (sock.c). */
struct workqueue_struct *dtls_encap_wq;

static int __net_init dtls_net_init(struct net *net)
{
	struct dtls_net *dn = dtls_net(net);

	mutex_init(&dn->lock);
	INIT_LIST_HEAD(&dn->socks);
	dtls_sock_net_init(dn);
	return dtls_stats_net_init(net);
}

static void __net_exit dtls_net_exit(struct net *net)
{
	/*
	 * An attached user socket holds a reference on its netns, so the
	 * list is empty by the time the namespace goes away.
	 */
	dtls_sock_net_exit(dtls_net(net));
	WARN_ON_ONCE(!list_empty(&dtls_net(net)->socks));
	dtls_stats_net_exit(net);
	mutex_destroy(&dtls_net(net)->lock);
}

static struct pernet_operations dtls_net_ops = {
	.init = dtls_net_init,
	.exit = dtls_net_exit,
	.id = &dtls_net_id,
	.size = sizeof(struct dtls_net),
};

static int __init dtls_init(void)
{
	int err;

	dtls_p256_init();	/* G's table, read-only once we are loaded */
	/* The hashes of the key schedule and of the cookies, first. */
	err = dtls_prf_init();
	if (err)
		return err;
	dtls_cookie_init();
	/*
	 * Per-CPU: a flight queues its peer's work where its softirq ran,
	 * and a worker already running takes it without waking another
	 * (an unbound pool wakes one for each).
	 */
	dtls_wq = alloc_workqueue("dtls", WQ_PERCPU, 0);
	if (!dtls_wq) {
		err = -ENOMEM;
		goto err_prf;
	}
	/*
	 * Attach waits for this queue's work holding a mutex: a rescuer gets
	 * it done when no worker can be created.  A queue of its own: a
	 * listener's work on dtls_wq attaches too, and waiting, from inside
	 * a queue with a rescuer, for that queue's work is recursion to
	 * lockdep.
	 */
	dtls_encap_wq = alloc_workqueue("dtls_encap",
					WQ_MEM_RECLAIM | WQ_UNBOUND, 0);
	if (!dtls_encap_wq) {
		err = -ENOMEM;
		goto err_wq;
	}
	err = register_pernet_subsys(&dtls_net_ops);
	if (err)
		goto err_encap_wq;
	err = dtls_netlink_init();
	if (err)
		goto err_pernet;
	return 0;

err_pernet:
	unregister_pernet_subsys(&dtls_net_ops);
err_encap_wq:
	destroy_workqueue(dtls_encap_wq);
err_wq:
	destroy_workqueue(dtls_wq);
err_prf:
	dtls_cookie_exit();
	dtls_prf_exit();
	return err;
}

static void __exit dtls_exit(void)
{
	dtls_netlink_exit();
	unregister_pernet_subsys(&dtls_net_ops);
	/*
	 * Sockets freed just before unload may still have callbacks queued,
	 * and their keys' (which may queue the work that frees their
	 * transforms): wait for the callbacks, then drain.
	 */
	rcu_barrier();
	destroy_workqueue(dtls_wq);
	dtls_sock_exit();
	destroy_workqueue(dtls_encap_wq);
	dtls_cookie_exit();
	dtls_prf_exit();
}

module_init(dtls_init);
module_exit(dtls_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DTLS record layer and handshake for UDP sockets");
MODULE_AUTHOR("kdtls developers");
MODULE_VERSION(DTLS_MODULE_VERSION);
MODULE_ALIAS_GENL_FAMILY(DTLS_FAMILY_NAME);
