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

#include "dtls.h"

unsigned int dtls_net_id __read_mostly;

static int __net_init dtls_net_init(struct net *net)
{
	struct dtls_net *dn = dtls_net(net);

	mutex_init(&dn->lock);
	INIT_LIST_HEAD(&dn->socks);
	return 0;
}

static void __net_exit dtls_net_exit(struct net *net)
{
	/*
	 * An attached user socket holds a reference on its netns, so the
	 * list is empty by the time the namespace goes away.
	 */
	WARN_ON_ONCE(!list_empty(&dtls_net(net)->socks));
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

	err = register_pernet_subsys(&dtls_net_ops);
	if (err)
		return err;
	err = dtls_netlink_init();
	if (err)
		goto err_pernet;
	return 0;

err_pernet:
	unregister_pernet_subsys(&dtls_net_ops);
	return err;
}

static void __exit dtls_exit(void)
{
	dtls_netlink_exit();
	unregister_pernet_subsys(&dtls_net_ops);
	/* Sockets freed just before unload may still have callbacks queued. */
	rcu_barrier();
	dtls_sock_exit();
}

module_init(dtls_init);
module_exit(dtls_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DTLS record layer and handshake for UDP sockets");
MODULE_AUTHOR("kdtls developers");
MODULE_VERSION(DTLS_MODULE_VERSION);
MODULE_ALIAS_GENL_FAMILY(DTLS_FAMILY_NAME);
