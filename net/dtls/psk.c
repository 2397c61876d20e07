// SPDX-License-Identifier: GPL-2.0
/*
 * Pre-shared keys of the in-kernel handshake: a client uses the one it
 * has, a server looks the client's identity up among up to
 * DTLS_HS_MAX_PSKS.  Keys come from netlink, or from a kernel key of type
 * "user" or "logon" by serial, as tlshd takes them.  Keys are wiped when
 * replaced or freed.
 *
 * Context: process; the owner of the struct dtls_proto serialises calls
 * (handshake.c: hs->lock).
 */

#include <linux/key.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <keys/user-type.h>

#include "dtls.h"
#include "proto.h"

const struct dtls_psk *dtls_psk_find(const struct dtls_proto *pr,
				     const u8 *id, unsigned int id_len)
{
	struct dtls_psk *psk;

	list_for_each_entry(psk, &pr->psks, node)
		if (psk->id_len == id_len && !memcmp(psk->id, id, id_len))
			return psk;
	return NULL;
}

int dtls_psk_add(struct dtls_proto *pr, const u8 *id, unsigned int id_len,
		 const u8 *key, unsigned int key_len, gfp_t gfp)
{
	struct dtls_psk *psk;

	if (!id_len || id_len > DTLS_MAX_IDENTITY_LEN ||
	    !key_len || key_len > DTLS_PSK_MAX_LEN)
		return -EINVAL;

	psk = (struct dtls_psk *)dtls_psk_find(pr, id, id_len);
	if (!psk) {
		if (pr->n_psks >= DTLS_HS_MAX_PSKS)
			return -ENOSPC;
		psk = kzalloc(sizeof(*psk), gfp);
		if (!psk)
			return -ENOMEM;
		psk->id_len = id_len;
		memcpy(psk->id, id, id_len);
		list_add_tail(&psk->node, &pr->psks);
		pr->n_psks++;
	}
	memzero_explicit(psk->key, sizeof(psk->key));
	psk->key_len = key_len;
	memcpy(psk->key, key, key_len);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(dtls_psk_add);

int dtls_psk_add_keyring(struct dtls_proto *pr, const u8 *id,
			 unsigned int id_len, s32 serial)
{
#if IS_ENABLED(CONFIG_KEYS)
	const struct user_key_payload *upayload;
	u8 buf[DTLS_PSK_MAX_LEN];
	unsigned int len = 0;
	key_ref_t ref;
	struct key *key;
	int err;

	ref = lookup_user_key(serial, 0, KEY_NEED_SEARCH);
	if (IS_ERR(ref))
		return PTR_ERR(ref);
	key = key_ref_to_ptr(ref);
	err = -EKEYREJECTED;
	if (key->type == &key_type_user || key->type == &key_type_logon) {
		down_read(&key->sem);
		upayload = user_key_payload_locked(key);
		err = -EKEYREVOKED;
		if (upayload) {
			len = upayload->datalen;
			err = len && len <= sizeof(buf) ? 0 : -EINVAL;
			if (!err)
				memcpy(buf, upayload->data, len);
		}
		up_read(&key->sem);
	}
	key_ref_put(ref);
	if (!err)
		err = dtls_psk_add(pr, id, id_len, buf, len,
				   GFP_KERNEL_ACCOUNT);
	memzero_explicit(buf, sizeof(buf));
	return err;
#else
	return -EOPNOTSUPP;
#endif
}

void dtls_psk_clear(struct dtls_proto *pr)
{
	struct dtls_psk *psk, *tmp;

	list_for_each_entry_safe(psk, tmp, &pr->psks, node) {
		list_del(&psk->node);
		kfree_sensitive(psk);
	}
	pr->n_psks = 0;
}
