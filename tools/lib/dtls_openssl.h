/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dtls_openssl: hand a DTLS 1.2 session established with OpenSSL's libssl
 * over to the kdtls record layer ("OpenSSL offload").
 *
 *   SSL *ssl = SSL_new(ctx);               DTLS_client_method() or server
 *   dtls_openssl_prepare(ssl);             before the handshake
 *   SSL_set_bio(ssl, bio, bio);            BIO_new_dgram(fd, BIO_NOCLOSE)
 *   SSL_connect(ssl) or SSL_accept(ssl);   fd is a connected UDP socket
 *   dtls_openssl_offload(ssl, fd, err, sizeof(err));
 *   send(fd, ...); recv(fd, ...);          the kernel seals and opens
 *   SSL_free(ssl);                         sends nothing (quiet shutdown)
 *
 * Records the peer sends between the end of the handshake and the RX
 * install (a server that speaks first, right after its Finished) are
 * queued by UDP before the kernel has keys: the kernel delivers them
 * first, unopened, and without a DTLS_GET_RECORD_TYPE control message,
 * which is how to tell them apart (selftests/ossl.c, ossl_early).  Use a
 * protocol in which the side that offloads last does not wait for the
 * other's first record, or pass recvmsg() a control buffer and handle
 * such datagrams.
 *
 * After the offload the SSL object must not read or write any more: its
 * sequence numbers would collide with the kernel's.  dtls_openssl_offload()
 * sets it to a quiet shutdown so that SSL_shutdown()/SSL_free() send no
 * close_notify.  Alerts, if wanted, are sent through the kernel with a
 * DTLS_SET_RECORD_TYPE control message.
 *
 * How the traffic keys and sequence numbers are found:
 *
 * - Keys: the TLS 1.2 PRF (RFC 5246 6.3) with the cipher suite's PRF hash
 *   (SSL_CIPHER_get_handshake_digest: SHA-256, SHA-384 for the *-SHA384
 *   suites) over the session's master secret (SSL_SESSION_get_master_key)
 *   and "key expansion" + server_random + client_random gives the key
 *   block client_write_key | server_write_key | client_write_IV |
 *   server_write_IV (AEAD suites have no MAC keys; the IVs are 4 bytes for
 *   GCM and CCM, 12 for ChaCha20-Poly1305).
 *
 * - Epoch and sequence numbers: OpenSSL 3.0 has no public getter for
 *   them.  dtls_openssl_prepare() installs a message callback that sees
 *   the 13-byte header of every DTLS record OpenSSL writes or reads
 *   (SSL3_RT_HEADER).  TX: epoch and sequence number of the last record
 *   written, plus one; that is the record after our Finished, normally
 *   epoch 1 seq 1, more if the final flight was retransmitted.  RX: the
 *   highest sequence number of the current read epoch among the records
 *   that OpenSSL authenticated (a record header followed by the callback
 *   for its decrypted content, of the same content type), plus one:
 *   normally the peer's Finished, epoch 1 seq 0, so RX seq 1.  A forged
 *   record seen during the handshake therefore cannot push the kernel's
 *   window forward.  (If the Finished came before the peer's CCS, OpenSSL
 *   buffers it and its content cannot be matched to its header; then the
 *   highest header read is taken.)  Without dtls_openssl_prepare() the
 *   offload assumes
 *   epoch 1, TX seq 1, RX seq 1, which is wrong after a retransmitted
 *   final flight (the peer would then drop our first records as replays).
 */
#ifndef DTLS_OPENSSL_H
#define DTLS_OPENSSL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include <linux/dtls.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Any of the crypto_info structs of linux/dtls.h. */
union dtls_openssl_crypto_info {
	struct dtls_crypto_info				info;
	struct dtls12_crypto_info_aes_gcm_128		aes_gcm_128;
	struct dtls12_crypto_info_aes_gcm_256		aes_gcm_256;
	struct dtls12_crypto_info_aes_ccm_128		aes_ccm_128;
	struct dtls12_crypto_info_chacha20_poly1305	chacha20_poly1305;
};

/* The traffic keys of both directions, from our side's point of view. */
struct dtls_openssl_keys {
	uint16_t	cipher;		/* DTLS_CIPHER_* */
	uint16_t	tx_epoch;
	uint16_t	rx_epoch;
	bool		seq_tracked;	/* seqs from the callback, not assumed */
	uint64_t	tx_seq;		/* first sequence number we send */
	uint64_t	rx_seq;		/* lowest sequence number to accept */
	size_t		key_len;	/* 16 or 32 */
	size_t		iv_len;		/* 4 (GCM, CCM) or 12 (ChaCha20) */
	size_t		tag_len;	/* 16, or 8 for CCM-8 */
	uint8_t		tx_key[32];
	uint8_t		rx_key[32];
	uint8_t		tx_iv[12];
	uint8_t		rx_iv[12];
};

/*
 * dtls_openssl_prepare() - track record sequence numbers of @ssl.
 *
 * Call before the handshake.  Installs a message callback on @ssl (it
 * replaces any set with SSL_set_msg_callback(); one set on the SSL_CTX
 * is overridden for this SSL).
 * Return: 0 or -ENOMEM.
 */
int dtls_openssl_prepare(SSL *ssl);

/*
 * dtls_openssl_handshake() - run SSL_do_handshake() on @ssl to the end,
 * at most @timeout_ms milliseconds.
 * @fd: the socket under @ssl's BIO; made non-blocking for the handshake
 *      and restored afterwards.
 * @err: receives a message on error.
 *
 * Handles the DTLS retransmission timer (DTLSv1_handle_timeout()) so that
 * a lost flight is resent, and gives up at the deadline instead of after
 * OpenSSL's own retry budget (which can take minutes).
 * Return: 0, -ETIMEDOUT, -EPROTO (the handshake failed), or the -errno
 * of a socket error (-ECONNREFUSED: nothing listens on the peer's port).
 */
int dtls_openssl_handshake(SSL *ssl, int fd, int timeout_ms, char *err,
			   size_t errlen);

/*
 * dtls_openssl_cipher() - the DTLS_CIPHER_* of an OpenSSL cipher suite.
 *
 * Return: DTLS_CIPHER_AES_GCM_128, _AES_GCM_256, _AES_CCM_128,
 * _AES_CCM_8_128 or _CHACHA20_POLY1305, or -EOPNOTSUPP for a suite the
 * kernel does not implement (CBC, AES-256-CCM, ARIA, ...).
 */
int dtls_openssl_cipher(const SSL_CIPHER *c);

/*
 * dtls_openssl_keys() - derive the traffic keys of @ssl's DTLS 1.2 session.
 * @ssl: after a completed handshake.
 * @k: receives the keys, epochs and sequence numbers; wipe it with
 *     dtls_openssl_keys_wipe().
 * @err: receives a message on error ("" on success); may be NULL if
 *       @errlen is 0.
 *
 * Return: 0, -EINVAL (handshake not finished, not DTLS 1.2), -EOPNOTSUPP
 * (cipher), -EBUSY (OpenSSL holds received records not yet read: they
 * would be lost), -EIO (OpenSSL failed).
 */
int dtls_openssl_keys(SSL *ssl, struct dtls_openssl_keys *k, char *err,
		      size_t errlen);

/*
 * dtls_openssl_crypto_info() - fill the DTLS_TX (@tx) or DTLS_RX struct.
 *
 * Return: its size (the optlen of setsockopt()).
 */
size_t dtls_openssl_crypto_info(const struct dtls_openssl_keys *k, bool tx,
				union dtls_openssl_crypto_info *ci);

/* OPENSSL_cleanse() the keys (and everything else) of @k. */
void dtls_openssl_keys_wipe(struct dtls_openssl_keys *k);

/*
 * dtls_openssl_offload() - move @ssl's record layer into the kernel.
 * @ssl: DTLS 1.2 after a completed handshake on @fd.
 * @fd: the connected UDP socket the handshake ran on; attached to kdtls
 *      here if it is not yet.
 * @err: receives a message on error ("" on success).
 *
 * Derives the keys, attaches @fd (on a libdtls handle of its own, opened
 * and closed here), installs RX then TX keys, wipes the key
 * material and sets @ssl to a quiet shutdown.  On error nothing may have
 * been installed, or RX only (the message says).
 * Return: 0 or -errno (see dtls_openssl_keys(), dtls_sock_attach(), and
 * setsockopt(SOL_DTLS) in Documentation/dtls.rst).
 */
int dtls_openssl_offload(SSL *ssl, int fd, char *err, size_t errlen);

/*
 * dtls_openssl_srtp_keys() - the SRTP keys of @ssl's session, for a
 * socket whose handshake ran in libssl (the offload path: the kernel has
 * no master secret there).  The profile is the one libssl negotiated
 * (SSL_CTX_set_tlsext_use_srtp()); the keys come from OpenSSL's own
 * exporter ("EXTRACTOR-dtls_srtp") and are split as libdtls's
 * dtls_srtp_split() does.  @out is a struct dtls_srtp_keys (libdtls.h).
 * Return: 0; -ENOPROTOOPT without a negotiated profile; -EINVAL for a
 * profile libdtls does not know; -EIO if the export failed.
 */
struct dtls_srtp_keys;
int dtls_openssl_srtp_keys(SSL *ssl, struct dtls_srtp_keys *out);

#ifdef __cplusplus
}
#endif

#endif /* DTLS_OPENSSL_H */
