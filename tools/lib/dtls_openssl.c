// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dtls_openssl: hand a DTLS 1.2 session established with OpenSSL's libssl
 * over to the kdtls record layer.  See dtls_openssl.h for the method.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/ssl.h>

#include <linux/dtls.h>

#include "dtls_openssl.h"
#include "libdtls.h"

#define DTLS_OSSL_RANDOM_LEN	32	/* client_random, server_random */

/* Sequence number tracking, kept in the SSL's ex_data. */
struct dtls_ossl_track {
	/* Last record written: epoch and seq (highest epoch, then seq). */
	bool		tx_seen;
	uint16_t	tx_epoch;
	uint64_t	tx_seq;
	/* Header of the last record read, until its content is seen. */
	bool		rx_pending;
	uint8_t		rx_pend_type;
	uint16_t	rx_pend_epoch;
	uint64_t	rx_pend_seq;
	/* Highest authenticated record read, in the highest epoch. */
	bool		rx_seen;
	uint16_t	rx_epoch;
	uint64_t	rx_seq;
	/* Highest record header read at all: the fallback, see below. */
	bool		hdr_seen;
	uint16_t	hdr_epoch;
	uint64_t	hdr_seq;
};

static pthread_once_t dtls_ossl_once = PTHREAD_ONCE_INIT;
static int dtls_ossl_idx = -1;

static void dtls_ossl_track_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad,
				 int idx, long argl, void *argp)
{
	(void)parent;
	(void)ad;
	(void)idx;
	(void)argl;
	(void)argp;
	OPENSSL_free(ptr);
}

static void dtls_ossl_init(void)
{
	dtls_ossl_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL,
					     dtls_ossl_track_free);
}

static int dtls_ossl_index(void)
{
	pthread_once(&dtls_ossl_once, dtls_ossl_init);
	return dtls_ossl_idx;
}

static void dtls_ossl_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Append OpenSSL's first queued error to @err and clear the queue. */
static void dtls_ossl_err_ssl(char *err, size_t errlen, const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[256] = "unknown error";

	if (e)
		ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	dtls_ossl_err(err, errlen, "%s: %s", what, buf);
}

static uint64_t dtls_ossl_get48(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 6; i++)
		v = v << 8 | p[i];
	return v;
}

/* Orders (epoch, seq) pairs. */
static bool dtls_ossl_after(uint16_t e1, uint64_t s1, uint16_t e2, uint64_t s2)
{
	return e1 > e2 || (e1 == e2 && s1 > s2);
}

static void dtls_ossl_msg_cb(int write_p, int version, int content_type,
			     const void *buf, size_t len, SSL *ssl, void *arg)
{
	struct dtls_ossl_track *t = SSL_get_ex_data(ssl, dtls_ossl_index());
	const uint8_t *h = buf;

	(void)version;
	(void)arg;
	if (!t)
		return;

	if (content_type == SSL3_RT_HEADER) {
		uint16_t epoch;
		uint64_t seq;

		/* type(1) version(2) epoch(2) sequence_number(6) length(2) */
		if (len != DTLS1_RT_HEADER_LENGTH)
			return;
		epoch = (uint16_t)(h[3] << 8 | h[4]);
		seq = dtls_ossl_get48(h + 5);
		if (write_p) {
			if (!t->tx_seen ||
			    dtls_ossl_after(epoch, seq, t->tx_epoch, t->tx_seq)) {
				t->tx_epoch = epoch;
				t->tx_seq = seq;
			}
			t->tx_seen = true;
		} else {
			if (!t->hdr_seen ||
			    dtls_ossl_after(epoch, seq, t->hdr_epoch, t->hdr_seq)) {
				t->hdr_epoch = epoch;
				t->hdr_seq = seq;
			}
			t->hdr_seen = true;
			t->rx_pending = true;
			t->rx_pend_type = h[0];
			t->rx_pend_epoch = epoch;
			t->rx_pend_seq = seq;
		}
		return;
	}

	/*
	 * The decrypted content of a record read: the record whose header
	 * came last authenticated, if it is of the same content type.  (A
	 * handshake message reassembled from a record buffered earlier does
	 * not match and is not counted; its header is lost, which only
	 * makes RX seq lower, never higher.)
	 */
	if (write_p || !t->rx_pending)
		return;
	switch (content_type) {
	case SSL3_RT_CHANGE_CIPHER_SPEC:
	case SSL3_RT_ALERT:
	case SSL3_RT_HANDSHAKE:
	case SSL3_RT_APPLICATION_DATA:
		break;
	default:
		return;
	}
	if (content_type != t->rx_pend_type)
		return;
	t->rx_pending = false;
	if (!t->rx_seen || dtls_ossl_after(t->rx_pend_epoch, t->rx_pend_seq,
					   t->rx_epoch, t->rx_seq)) {
		t->rx_epoch = t->rx_pend_epoch;
		t->rx_seq = t->rx_pend_seq;
	}
	t->rx_seen = true;
}

int dtls_openssl_prepare(SSL *ssl)
{
	struct dtls_ossl_track *t;
	int idx = dtls_ossl_index();

	if (idx < 0)
		return -ENOMEM;
	t = SSL_get_ex_data(ssl, idx);
	if (!t) {
		t = OPENSSL_zalloc(sizeof(*t));
		if (!t)
			return -ENOMEM;
		if (!SSL_set_ex_data(ssl, idx, t)) {
			OPENSSL_free(t);
			return -ENOMEM;
		}
	}
	memset(t, 0, sizeof(*t));
	SSL_set_msg_callback(ssl, dtls_ossl_msg_cb);
	return 0;
}

static int64_t dtls_ossl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int dtls_openssl_handshake(SSL *ssl, int fd, int timeout_ms, char *err,
			   size_t errlen)
{
	int64_t deadline = dtls_ossl_now_ms() + timeout_ms;
	int flags = fcntl(fd, F_GETFL);
	int ret;

	dtls_ossl_err(err, errlen, "%s", "");
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
		dtls_ossl_err(err, errlen, "fcntl: %s", strerror(errno));
		return -errno;
	}
	ERR_clear_error();
	for (;;) {
		struct pollfd pfd = { .fd = fd };
		struct timeval tv;
		int64_t left;
		int r, e;

		errno = 0;
		r = SSL_do_handshake(ssl);
		if (r == 1) {
			ret = 0;
			break;
		}
		e = SSL_get_error(ssl, r);
		if (e == SSL_ERROR_WANT_READ)
			pfd.events = POLLIN;
		else if (e == SSL_ERROR_WANT_WRITE)
			pfd.events = POLLOUT;
		else if (e == SSL_ERROR_SYSCALL && !ERR_peek_error()) {
			/* e.g. ECONNREFUSED: nobody listens on the peer port */
			dtls_ossl_err(err, errlen, "handshake: %s",
				      errno ? strerror(errno) : "I/O error");
			ret = errno ? -errno : -EIO;
			break;
		} else {
			dtls_ossl_err_ssl(err, errlen, "handshake");
			ret = -EPROTO;
			break;
		}

		left = deadline - dtls_ossl_now_ms();
		if (left <= 0) {
			dtls_ossl_err(err, errlen, "handshake timed out");
			ret = -ETIMEDOUT;
			break;
		}
		/* Wake up for the retransmission timer too. */
		if (DTLSv1_get_timeout(ssl, &tv)) {
			int64_t t = (int64_t)tv.tv_sec * 1000 +
				    (tv.tv_usec + 999) / 1000;

			if (t < left)
				left = t;
		}
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno != EINTR) {
			dtls_ossl_err(err, errlen, "poll: %s", strerror(errno));
			ret = -errno;
			break;
		}
		if (r == 0 && DTLSv1_handle_timeout(ssl) < 0) {
			dtls_ossl_err_ssl(err, errlen, "handshake timer");
			ret = -EPROTO;
			break;
		}
	}
	fcntl(fd, F_SETFL, flags);
	return ret;
}

int dtls_openssl_cipher(const SSL_CIPHER *c)
{
	const char *std;
	size_t n;

	if (!c || !SSL_CIPHER_is_aead(c))
		return -EOPNOTSUPP;
	switch (SSL_CIPHER_get_cipher_nid(c)) {
	case NID_aes_128_gcm:
		return DTLS_CIPHER_AES_GCM_128;
	case NID_aes_256_gcm:
		return DTLS_CIPHER_AES_GCM_256;
	case NID_chacha20_poly1305:
		return DTLS_CIPHER_CHACHA20_POLY1305;
	case NID_aes_128_ccm:
		/* CCM and CCM-8 share the NID: the IANA name ends in _8. */
		std = SSL_CIPHER_standard_name(c);
		if (!std)
			return -EOPNOTSUPP;
		n = strlen(std);
		if (n > 6 && !strcmp(std + n - 6, "_CCM_8"))
			return DTLS_CIPHER_AES_CCM_8_128;
		if (n > 4 && !strcmp(std + n - 4, "_CCM"))
			return DTLS_CIPHER_AES_CCM_128;
		return -EOPNOTSUPP;
	}
	return -EOPNOTSUPP;
}

/* TLS 1.2 PRF(@secret, @label, @seed1 + @seed2) into @out, with @md. */
static int dtls_ossl_prf(const EVP_MD *md, const uint8_t *secret,
			 size_t secret_len, const char *label,
			 const uint8_t *seed1, const uint8_t *seed2,
			 uint8_t *out, size_t out_len, char *err, size_t errlen)
{
	EVP_KDF_CTX *kctx = NULL;
	EVP_KDF *kdf;
	OSSL_PARAM params[6], *p = params;
	int ret = -EIO;

	kdf = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_TLS1_PRF, NULL);
	if (kdf)
		kctx = EVP_KDF_CTX_new(kdf);
	if (!kctx) {
		dtls_ossl_err_ssl(err, errlen, "EVP_KDF TLS1-PRF");
		goto out;
	}
	/* The label is the start of the seed; the three parts concatenate. */
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
						(char *)EVP_MD_get0_name(md), 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET,
						 (void *)secret, secret_len);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED,
						 (void *)label, strlen(label));
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED,
						 (void *)seed1,
						 DTLS_OSSL_RANDOM_LEN);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED,
						 (void *)seed2,
						 DTLS_OSSL_RANDOM_LEN);
	*p = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(kctx, out, out_len, params) <= 0) {
		dtls_ossl_err_ssl(err, errlen, "TLS1-PRF derive");
		goto out;
	}
	ret = 0;
out:
	EVP_KDF_CTX_free(kctx);
	EVP_KDF_free(kdf);
	return ret;
}

int dtls_openssl_keys(SSL *ssl, struct dtls_openssl_keys *k, char *err,
		      size_t errlen)
{
	uint8_t master[SSL_MAX_MASTER_KEY_LENGTH];
	uint8_t crand[DTLS_OSSL_RANDOM_LEN], srand[DTLS_OSSL_RANDOM_LEN];
	uint8_t block[2 * 32 + 2 * 12];
	const struct dtls_ossl_track *t;
	const uint8_t *ckey, *skey, *civ, *siv;
	const SSL_SESSION *sess;
	const SSL_CIPHER *c;
	const EVP_MD *md;
	size_t mlen;
	int cipher, ret;

	memset(k, 0, sizeof(*k));
	dtls_ossl_err(err, errlen, "%s", "");

	if (!SSL_is_dtls(ssl) || SSL_version(ssl) != DTLS1_2_VERSION) {
		dtls_ossl_err(err, errlen, "not a DTLS 1.2 session (%s)",
			      SSL_get_version(ssl));
		return -EINVAL;
	}
	if (!SSL_is_init_finished(ssl)) {
		dtls_ossl_err(err, errlen, "handshake not finished");
		return -EINVAL;
	}
	if (SSL_has_pending(ssl)) {
		dtls_ossl_err(err, errlen,
			      "OpenSSL holds received records not yet read");
		return -EBUSY;
	}

	c = SSL_get_current_cipher(ssl);
	cipher = dtls_openssl_cipher(c);
	if (cipher < 0) {
		dtls_ossl_err(err, errlen, "cipher %s not supported by kdtls",
			      c ? SSL_CIPHER_get_name(c) : "(none)");
		return cipher;
	}
	md = SSL_CIPHER_get_handshake_digest(c);
	sess = SSL_get_session(ssl);
	if (!md || !sess) {
		dtls_ossl_err(err, errlen, "no PRF hash or session");
		return -EIO;
	}

	k->cipher = (uint16_t)cipher;
	switch (cipher) {
	case DTLS_CIPHER_AES_GCM_128:
	case DTLS_CIPHER_AES_CCM_128:
		k->key_len = 16;
		k->iv_len = 4;
		k->tag_len = 16;
		break;
	case DTLS_CIPHER_AES_CCM_8_128:
		k->key_len = 16;
		k->iv_len = 4;
		k->tag_len = 8;
		break;
	case DTLS_CIPHER_AES_GCM_256:
		k->key_len = 32;
		k->iv_len = 4;
		k->tag_len = 16;
		break;
	case DTLS_CIPHER_CHACHA20_POLY1305:
		k->key_len = 32;
		k->iv_len = 12;
		k->tag_len = 16;
		break;
	}

	mlen = SSL_SESSION_get_master_key(sess, master, sizeof(master));
	if (SSL_get_client_random(ssl, crand, sizeof(crand)) != sizeof(crand) ||
	    SSL_get_server_random(ssl, srand, sizeof(srand)) != sizeof(srand) ||
	    !mlen) {
		dtls_ossl_err(err, errlen, "no master secret or randoms");
		ret = -EIO;
		goto out;
	}

	/* key_block = PRF(master, "key expansion", server + client random) */
	ret = dtls_ossl_prf(md, master, mlen, "key expansion", srand, crand,
			    block, 2 * k->key_len + 2 * k->iv_len, err, errlen);
	if (ret)
		goto out;
	ckey = block;
	skey = ckey + k->key_len;
	civ = skey + k->key_len;
	siv = civ + k->iv_len;
	if (SSL_is_server(ssl)) {
		memcpy(k->tx_key, skey, k->key_len);
		memcpy(k->tx_iv, siv, k->iv_len);
		memcpy(k->rx_key, ckey, k->key_len);
		memcpy(k->rx_iv, civ, k->iv_len);
	} else {
		memcpy(k->tx_key, ckey, k->key_len);
		memcpy(k->tx_iv, civ, k->iv_len);
		memcpy(k->rx_key, skey, k->key_len);
		memcpy(k->rx_iv, siv, k->iv_len);
	}

	/*
	 * After a handshake both sides have sent their Finished as the first
	 * record of epoch 1: what follows is seq 1.  The tracked values say
	 * so too, or more after a retransmitted flight.
	 */
	k->tx_epoch = k->rx_epoch = 1;
	k->tx_seq = k->rx_seq = 1;
	t = SSL_get_ex_data(ssl, dtls_ossl_index());
	if (t && t->tx_seen && t->tx_epoch) {
		k->tx_epoch = t->tx_epoch;
		k->tx_seq = t->tx_seq + 1;
		k->seq_tracked = true;
	}
	if (t && t->rx_seen && t->rx_epoch) {
		k->rx_epoch = t->rx_epoch;
		k->rx_seq = t->rx_seq + 1;
	} else if (t && t->hdr_seen && t->hdr_epoch) {
		/*
		 * The peer's Finished was buffered (it came before its CCS)
		 * and its content callback could not be matched to its
		 * header: take the highest header OpenSSL read.
		 */
		k->rx_epoch = t->hdr_epoch;
		k->rx_seq = t->hdr_seq + 1;
	} else {
		k->seq_tracked = false;
	}
	if (k->tx_seq > DTLS_SEQ_MAX || k->rx_seq > DTLS_SEQ_MAX) {
		dtls_ossl_err(err, errlen, "sequence numbers exhausted");
		ret = -EIO;
		goto out;
	}
	ret = 0;
out:
	OPENSSL_cleanse(master, sizeof(master));
	OPENSSL_cleanse(block, sizeof(block));
	if (ret)
		dtls_openssl_keys_wipe(k);
	return ret;
}

size_t dtls_openssl_crypto_info(const struct dtls_openssl_keys *k, bool tx,
				union dtls_openssl_crypto_info *ci)
{
	const uint8_t *key = tx ? k->tx_key : k->rx_key;
	const uint8_t *iv = tx ? k->tx_iv : k->rx_iv;
	size_t len;

	memset(ci, 0, sizeof(*ci));
	ci->info.version = DTLS_1_2_VERSION;
	ci->info.cipher_type = k->cipher;
	ci->info.epoch = tx ? k->tx_epoch : k->rx_epoch;
	ci->info.seq = tx ? k->tx_seq : k->rx_seq;

	switch (k->cipher) {
	case DTLS_CIPHER_AES_GCM_128:
		memcpy(ci->aes_gcm_128.key, key, sizeof(ci->aes_gcm_128.key));
		memcpy(ci->aes_gcm_128.salt, iv, sizeof(ci->aes_gcm_128.salt));
		len = sizeof(ci->aes_gcm_128);
		break;
	case DTLS_CIPHER_AES_GCM_256:
		memcpy(ci->aes_gcm_256.key, key, sizeof(ci->aes_gcm_256.key));
		memcpy(ci->aes_gcm_256.salt, iv, sizeof(ci->aes_gcm_256.salt));
		len = sizeof(ci->aes_gcm_256);
		break;
	case DTLS_CIPHER_AES_CCM_128:
	case DTLS_CIPHER_AES_CCM_8_128:
		memcpy(ci->aes_ccm_128.key, key, sizeof(ci->aes_ccm_128.key));
		memcpy(ci->aes_ccm_128.salt, iv, sizeof(ci->aes_ccm_128.salt));
		len = sizeof(ci->aes_ccm_128);
		break;
	case DTLS_CIPHER_CHACHA20_POLY1305:
		memcpy(ci->chacha20_poly1305.key, key,
		       sizeof(ci->chacha20_poly1305.key));
		memcpy(ci->chacha20_poly1305.iv, iv,
		       sizeof(ci->chacha20_poly1305.iv));
		len = sizeof(ci->chacha20_poly1305);
		break;
	default:
		len = 0;
	}
	return len;
}

void dtls_openssl_keys_wipe(struct dtls_openssl_keys *k)
{
	OPENSSL_cleanse(k, sizeof(*k));
}

int dtls_openssl_offload(SSL *ssl, int fd, char *err, size_t errlen)
{
	union dtls_openssl_crypto_info ci;
	struct dtls_openssl_keys k;
	struct dtls_nl *nl;
	char kmsg[128];
	size_t len;
	int ret;

	ret = dtls_openssl_keys(ssl, &k, err, errlen);
	if (ret)
		return ret;

	/* Once a session: a handle of its own is no cost worth sharing. */
	kmsg[0] = '\0';
	ret = dtls_open(&nl);
	if (!ret) {
		ret = dtls_sock_attach(nl, fd, NULL, kmsg, sizeof(kmsg));
		dtls_close(nl);
	}
	if (ret && ret != -EEXIST) {
		dtls_ossl_err(err, errlen, "attach: %s%s%s", strerror(-ret),
			      *kmsg ? ": " : "", kmsg);
		goto out;
	}

	len = dtls_openssl_crypto_info(&k, false, &ci);
	ret = dtls_set_rx(fd, &ci, len);
	if (ret) {
		dtls_ossl_err(err, errlen, "setsockopt(DTLS_RX): %s",
			      strerror(-ret));
		goto out;
	}
	len = dtls_openssl_crypto_info(&k, true, &ci);
	ret = dtls_set_tx(fd, &ci, len);
	if (ret) {
		dtls_ossl_err(err, errlen,
			      "setsockopt(DTLS_TX): %s (RX keys are installed)",
			      strerror(-ret));
		goto out;
	}

	/* OpenSSL must never write on this session again. */
	SSL_set_quiet_shutdown(ssl, 1);
	SSL_set_shutdown(ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
out:
	OPENSSL_cleanse(&ci, sizeof(ci));
	dtls_openssl_keys_wipe(&k);
	return ret;
}

int dtls_openssl_srtp_keys(SSL *ssl, struct dtls_srtp_keys *out)
{
	static const char label[] = DTLS_SRTP_EXPORTER_LABEL;
	const SRTP_PROTECTION_PROFILE *p = SSL_get_selected_srtp_profile(ssl);
	uint8_t m[2 * (32 + 14)];
	size_t k, s;
	int err;

	memset(out, 0, sizeof(*out));
	if (!p)
		return -ENOPROTOOPT;
	if (p->id > 0xffff || dtls_srtp_lengths(p->id, &k, &s))
		return -EINVAL;
	if (SSL_export_keying_material(ssl, m, 2 * (k + s), label,
				       sizeof(label) - 1, NULL, 0, 0) != 1)
		return -EIO;
	err = dtls_srtp_split(p->id, m, 2 * (k + s), out);
	OPENSSL_cleanse(m, sizeof(m));
	return err;
}
