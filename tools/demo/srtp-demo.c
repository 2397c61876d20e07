// SPDX-License-Identifier: GPL-2.0
/*
 * Part 7 of `make demo`: a WebRTC-style scene on one UDP port.  A kernel
 * server socket (DTLS-SRTP required, PSK for brevity), attached and
 * configured, starts its handshake; while it runs, the application
 * answers an ICE connectivity check, a STUN binding request the client
 * sends to the same port (read marked DTLS_RECORD_NOT_DTLS, answered
 * with a datagram marked DTLS_SET_NOT_DTLS); then an OpenSSL client (in
 * this process, libssl) completes DTLS with use_srtp on the same 5-tuple.
 * Both sides print the profile they agreed on and SHA-256 fingerprints of
 * the SRTP keys and salts each derived (the kernel's through its RFC 5705
 * exporter, OpenSSL's through its own), never the keys.
 *
 *   srtp-demo [PORT]      (as root in the demo guest, module loaded)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/ssl.h>

#include <linux/dtls.h>
#include <linux/dtls_netlink.h>

#include "dtls_openssl.h"
#include "libdtls.h"

static const char psk_id[] = "webrtc-demo";
static const unsigned char psk[16] = "kdtls-srtp-demo!";

static unsigned int psk_cb(SSL *ssl, const char *hint, char *id,
			   unsigned int max_id, unsigned char *key,
			   unsigned int max_key)
{
	(void)ssl;
	(void)hint;
	if (max_id < sizeof(psk_id) || max_key < sizeof(psk))
		return 0;
	memcpy(id, psk_id, sizeof(psk_id));
	memcpy(key, psk, sizeof(psk));
	return sizeof(psk);
}

/* "ab12cd34...": the first 8 bytes of SHA-256(@p), never @p itself. */
static const char *fp(const uint8_t *p, size_t n, char out[17])
{
	unsigned char md[32];
	unsigned int i, mdlen = 0;

	EVP_Digest(p, n, md, &mdlen, EVP_sha256(), NULL);
	for (i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return out;
}

static void show_keys(const char *who, const struct dtls_srtp_keys *k)
{
	char a[17], b[17], c[17], d[17];

	printf("%-8s %s  client key %s salt %s  server key %s salt %s\n",
	       who, dtls_srtp_profile_name(k->profile),
	       fp(k->client_key, k->key_len, a),
	       fp(k->client_salt, k->salt_len, b),
	       fp(k->server_key, k->key_len, c),
	       fp(k->server_salt, k->salt_len, d));
}

static int die(const char *what, int err)
{
	fprintf(stderr, "srtp-demo: %s: %s\n", what, strerror(err));
	return 1;
}

int main(int argc, char **argv)
{
	static const uint16_t profiles[] = { DTLS_SRTP_AEAD_AES_128_GCM,
					     DTLS_SRTP_AES128_CM_HMAC_SHA1_80 };
	uint16_t suite = 0x00a8;	/* PSK-AES128-GCM-SHA256 */
	struct dtls_hs_config cfg = {
		.role = DTLS_HS_ROLE_SERVER, .suites = &suite, .n_suites = 1,
		.srtp_profiles = profiles, .n_srtp_profiles = 2,
		.srtp_required = 1, .cookies = -1,
	};
	struct sockaddr_in sa = { .sin_family = AF_INET }, ca, from;
	struct timeval tv = { .tv_sec = 1 };
	struct dtls_srtp_keys kk, ok;
	struct dtls_hs_info info;
	uint8_t buf[512], txid[12], type;
	socklen_t alen = sizeof(ca);
	int srv, cli, err, r, i;
	char msg[256] = "";
	struct dtls_nl *nl;
	SSL_CTX *ctx;
	time_t end;
	ssize_t n;
	SSL *ssl;
	BIO *bio;

	sa.sin_port = htons(argc > 1 ? atoi(argv[1]) : 4440);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	srv = socket(AF_INET, SOCK_DGRAM, 0);
	cli = socket(AF_INET, SOCK_DGRAM, 0);
	if (srv < 0 || cli < 0 || bind(srv, (void *)&sa, sizeof(sa)) ||
	    connect(cli, (void *)&sa, sizeof(sa)))
		return die("sockets", errno);
	getsockname(cli, (void *)&ca, &alen);

	/* The kernel's side: attach, PSK, use_srtp required, listen. */
	err = dtls_open(&nl);
	if (!err)
		err = dtls_hs_setup(nl, srv, &cfg, psk_id, strlen(psk_id), psk,
				    sizeof(psk), 0, msg, sizeof(msg));
	if (err) {
		fprintf(stderr, "srtp-demo: kernel server: %s\n", msg);
		return die("hs setup", -err);
	}
	printf("kernel server on 127.0.0.1:%u: use_srtp %s, %s, required\n",
	       ntohs(sa.sin_port), dtls_srtp_profile_name(profiles[0]),
	       dtls_srtp_profile_name(profiles[1]));

	err = dtls_hs_start(nl, srv, 0, msg, sizeof(msg));
	if (err) {
		fprintf(stderr, "srtp-demo: hs-start: %s\n", msg);
		return die("hs-start", -err);
	}

	/* ICE: a STUN binding request on the same port (RFC 5389 6). */
	for (i = 0; i < 12; i++)
		txid[i] = rand();
	memset(buf, 0, 20);
	buf[1] = 0x01;				/* Binding request */
	buf[4] = 0x21, buf[5] = 0x12, buf[6] = 0xa4, buf[7] = 0x42;
	memcpy(buf + 8, txid, 12);
	if (send(cli, buf, 20, 0) != 20)
		return die("send STUN", errno);
	/* The server application gets it untouched, and answers. */
	/* With room for the record type, which marks it not DTLS. */
	alen = sizeof(from);
	n = dtls_recv_typed(srv, buf, sizeof(buf), 0, &type, (void *)&from,
			    &alen);
	if (n != 20 || type != DTLS_RECORD_NOT_DTLS || buf[1] != 0x01 ||
	    memcmp(buf + 8, txid, 12))
		return die("STUN request at the server", n < 0 ? -n : EPROTO);
	if (dtls_hs_get(nl, srv, 0, &info, NULL, 0))
		return die("hs-get", EIO);
	printf("server application: STUN binding request from %s:%u, %zd bytes, passed up untouched while the handshake is %s\n",
	       inet_ntoa(from.sin_addr), ntohs(from.sin_port), n,
	       dtls_hs_state_name(info.state));
	buf[0] = 0x01, buf[1] = 0x01;		/* Binding success response */
	buf[2] = 0, buf[3] = 12;
	buf[20] = 0x00, buf[21] = 0x20;		/* XOR-MAPPED-ADDRESS */
	buf[22] = 0, buf[23] = 8;
	buf[24] = 0, buf[25] = 0x01;
	buf[26] = buf[4] ^ ((uint8_t *)&from.sin_port)[0];
	buf[27] = buf[5] ^ ((uint8_t *)&from.sin_port)[1];
	for (i = 0; i < 4; i++)
		buf[28 + i] = buf[4 + i] ^ ((uint8_t *)&from.sin_addr)[i];
	/* Marked not DTLS: it leaves as it is, handshake running or not. */
	n = dtls_send_not_dtls(srv, buf, 32, 0, (void *)&from,
			       sizeof(from));
	if (n != 32)
		return die("send STUN response", n < 0 ? -n : EIO);
	setsockopt(cli, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = recv(cli, buf, sizeof(buf), 0);
	if (n != 32 || buf[0] != 0x01 || buf[1] != 0x01)
		return die("STUN response", n < 0 ? errno : EPROTO);
	printf("client: STUN binding success, mapped address 127.0.0.1:%u\n",
	       ntohs(ca.sin_port));

	/* DTLS-SRTP with OpenSSL on the same 5-tuple. */
	ctx = SSL_CTX_new(DTLS_client_method());
	if (!ctx || !SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) ||
	    !SSL_CTX_set_cipher_list(ctx, "PSK-AES128-GCM-SHA256") ||
	    SSL_CTX_set_tlsext_use_srtp(ctx, "SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM"))
		return die("SSL_CTX", EINVAL);
	SSL_CTX_set_psk_client_callback(ctx, psk_cb);
	ssl = SSL_new(ctx);
	bio = BIO_new_dgram(cli, BIO_NOCLOSE);
	if (!ssl || !bio)
		return die("SSL_new", ENOMEM);
	BIO_ctrl(bio, BIO_CTRL_DGRAM_SET_CONNECTED, 0, &sa);
	SSL_set_bio(ssl, bio, bio);
	SSL_set_connect_state(ssl);
	printf("client: OpenSSL offers use_srtp SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM\n");
	end = time(NULL) + 120;
	while ((r = SSL_do_handshake(ssl)) != 1) {
		if (SSL_get_error(ssl, r) != SSL_ERROR_WANT_READ ||
		    time(NULL) > end)
			return die("OpenSSL handshake", EPROTO);
		DTLSv1_handle_timeout(ssl);
	}
	for (i = 0; i < 1200; i++) {
		if (dtls_hs_get(nl, srv, 0, &info, NULL, 0) ||
		    info.state == DTLS_HS_STATE_ESTABLISHED ||
		    info.state == DTLS_HS_STATE_FAILED)
			break;
		usleep(100000);
	}
	if (info.state != DTLS_HS_STATE_ESTABLISHED)
		return die("kernel handshake", info.error ?: EPROTO);
	printf("handshake done: kernel says srtp %s (hs-get), OpenSSL says %s\n",
	       dtls_srtp_profile_name(info.srtp_profile),
	       SSL_get_selected_srtp_profile(ssl)->name);

	/* Keys: the kernel's exporter, OpenSSL's; fingerprints only. */
	err = dtls_srtp_export(srv, info.srtp_profile, &kk);
	if (err)
		return die("kernel exporter", -err);
	err = dtls_openssl_srtp_keys(ssl, &ok);
	if (err)
		return die("OpenSSL exporter", -err);
	printf("SHA-256 fingerprints (first 8 bytes) of the SRTP master keys and salts, RFC 5764 4.2:\n");
	show_keys("kernel", &kk);
	show_keys("OpenSSL", &ok);
	printf("both sides derived the same SRTP keys: %s\n",
	       memcmp(&kk, &ok, sizeof(kk)) ? "NO" : "yes");
	/* Keyed: the application wipes the master secret. */
	err = dtls_exporter_wipe(srv);
	printf("DTLS_EXPORTER_WIPE: %s; exporting again: %s\n",
	       err ? strerror(-err) : "done",
	       strerror(-dtls_srtp_export(srv, info.srtp_profile, &kk)));
	explicit_bzero(&kk, sizeof(kk));
	explicit_bzero(&ok, sizeof(ok));
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	dtls_close(nl);
	close(cli);
	close(srv);
	return 0;
}
