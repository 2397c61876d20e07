// SPDX-License-Identifier: GPL-2.0
/*
 * dtls(8): output shared by show, handshake show and monitor: JSON
 * strings and the text and JSON forms of a handshake.
 */
#define _GNU_SOURCE	/* strerrorname_np() */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include <linux/dtls_netlink.h>

#include "cli.h"

/* "EKEYREJECTED", or the number for an errno glibc does not name. */
static const char *errno_name(int err, char *buf, size_t len)
{
	const char *name = err > 0 ? strerrorname_np(err) : NULL;

	if (name)
		return name;
	snprintf(buf, len, "%d", err);
	return buf;
}


/* JSON string; our strings are ASCII, control characters are escaped. */
void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = *s;

		switch (ch) {
		case '"':
			fputs("\\\"", stdout);
			break;
		case '\\':
			fputs("\\\\", stdout);
			break;
		case '\b':
			fputs("\\b", stdout);
			break;
		case '\f':
			fputs("\\f", stdout);
			break;
		case '\n':
			fputs("\\n", stdout);
			break;
		case '\r':
			fputs("\\r", stdout);
			break;
		case '\t':
			fputs("\\t", stdout);
			break;
		default:
			if (ch < 0x20)
				printf("\\u%04x", ch);
			else
				putchar(ch);
		}
	}
	putchar('"');
}

void json_key(bool *first, const char *key)
{
	if (!*first)
		putchar(',');
	*first = false;
	json_str(key);
	putchar(':');
}

/*
 * A PSK identity as text: as it is if it is printable ASCII without
 * spaces (and does not look like hex), else "0x" and hex.
 */
static bool id_printable(const uint8_t *id, size_t len)
{
	if (!len || (len >= 2 && id[0] == '0' && (id[1] == 'x' || id[1] == 'X')))
		return false;
	for (size_t i = 0; i < len; i++)
		if (id[i] <= 0x20 || id[i] >= 0x7f)
			return false;
	return true;
}

static void print_id(const uint8_t *id, size_t len)
{
	if (id_printable(id, len)) {
		fwrite(id, 1, len, stdout);
		return;
	}
	fputs("0x", stdout);
	for (size_t i = 0; i < len; i++)
		printf("%02x", id[i]);
}

/*
 * The peer certificate's subject Name (DER) as RFC 2253 text
 * ("CN=client,O=Example"; other than printable ASCII escaped), malloc()ed;
 * NULL if it does not parse.
 */
static char *subject_str(const struct dtls_hs_info *h)
{
	const unsigned char *p = h->peer_subject;
	X509_NAME *name;
	char *s = NULL;
	BIO *bio;
	long len;
	char *data;

	name = d2i_X509_NAME(NULL, &p, (long)h->peer_subject_len);
	if (!name)
		goto out;
	bio = BIO_new(BIO_s_mem());
	if (bio && X509_NAME_print_ex(bio, name, 0,
				      XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0 &&
	    (len = BIO_get_mem_data(bio, &data)) >= 0) {
		s = malloc(len + 1);
		if (s) {
			memcpy(s, data, len);
			s[len] = '\0';
		}
	}
	BIO_free(bio);
	X509_NAME_free(name);
out:
	ERR_clear_error();
	return s;
}

/* Text: one word, so spaces and what is not printable ASCII as \XX. */
static void print_subject(const struct dtls_hs_info *h)
{
	char *s = subject_str(h);

	fputs(" peer-subject ", stdout);
	if (!s) {
		/* Not a Name we can read: its DER, as hex. */
		fputs("0x", stdout);
		for (size_t i = 0; i < h->peer_subject_len; i++)
			printf("%02x", h->peer_subject[i]);
		return;
	}
	for (const char *c = s; *c; c++) {
		unsigned char ch = *c;

		if (ch <= 0x20 || ch >= 0x7f)
			printf("\\%02X", ch);
		else
			putchar(ch);
	}
	free(s);
}

/* Handshake state, result and events */

/*
 * " role server state established suite X peer-identity Y", or
 * " ... suite ECDHE-ECDSA-... peer-cert-sha256 AB:...:EF peer-subject
 * CN=client", or
 * " ... state failed error ECONNREFUSED alert bad_record_mac received".
 */
void hs_text(const struct dtls_hs_info *h, bool state)
{
	char ebuf[16];

	printf(" role %s", dtls_hs_role_name(h->role));
	if (state)
		printf(" state %s", dtls_hs_state_name(h->state));
	if (h->suite)
		printf(" suite %s", dtls_suite_name(h->suite));
	if (h->peer_id_len) {
		fputs(" peer-identity ", stdout);
		print_id(h->peer_id, h->peer_id_len);
	}
	if (h->has_peer_cert) {
		char fp[FP_COLON_LEN];

		fp_colon(h->peer_cert_sha256, fp);
		printf(" peer-cert-sha256 %s", fp);
		if (h->peer_subject_len)
			print_subject(h);
	}
	if (h->has_peer_key) {
		char fp[FP_COLON_LEN];

		fp_colon(h->peer_spki_sha256, fp);
		printf(" peer-key %s peer-spki-sha256 %s",
		       h->peer_cert_type == DTLS_CERT_TYPE_RAW_PUBLIC_KEY ?
		       "raw" : "x509", fp);
	}
	if (h->srtp_profile) {
		const char *n = dtls_srtp_profile_name(h->srtp_profile);

		if (n)
			printf(" srtp %s", n);
		else
			printf(" srtp 0x%04x", h->srtp_profile);
		if (h->srtp_mki_len) {
			fputs(" srtp-mki ", stdout);
			for (size_t i = 0; i < h->srtp_mki_len; i++)
				printf("%02x", h->srtp_mki[i]);
		}
	}
	if (h->error)
		printf(" error %s", errno_name(h->error, ebuf, sizeof(ebuf)));
	if (h->alert)
		printf(" alert %s %s", dtls_alert_name(h->alert),
		       h->alert_remote ? "received" : "sent");
}

/* The members of the JSON object of a handshake, after @first. */
void hs_json(bool *first, const struct dtls_hs_info *h)
{
	char ebuf[16], hex[2 * sizeof(h->peer_id) + 1];

	json_key(first, "role");
	json_str(dtls_hs_role_name(h->role));
	json_key(first, "state");
	json_str(dtls_hs_state_name(h->state));
	if (h->suite) {
		json_key(first, "suite");
		json_str(dtls_suite_name(h->suite));
		json_key(first, "suite_id");
		printf("%u", h->suite);
	}
	if (h->peer_id_len) {
		for (size_t i = 0; i < h->peer_id_len; i++)
			snprintf(hex + 2 * i, 3, "%02x", h->peer_id[i]);
		if (id_printable(h->peer_id, h->peer_id_len)) {
			char id[sizeof(h->peer_id) + 1];

			memcpy(id, h->peer_id, h->peer_id_len);
			id[h->peer_id_len] = '\0';
			json_key(first, "peer_identity");
			json_str(id);
		}
		json_key(first, "peer_identity_hex");
		json_str(hex);
	}
	if (h->srtp_profile) {
		char mki[2 * sizeof(h->srtp_mki) + 1] = "";

		json_key(first, "srtp_profile");
		printf("%u", h->srtp_profile);
		if (dtls_srtp_profile_name(h->srtp_profile)) {
			json_key(first, "srtp_profile_name");
			json_str(dtls_srtp_profile_name(h->srtp_profile));
		}
		for (size_t i = 0; i < h->srtp_mki_len; i++)
			snprintf(mki + 2 * i, 3, "%02x", h->srtp_mki[i]);
		json_key(first, "srtp_mki");
		json_str(mki);
	}
	if (h->has_peer_cert) {
		char fp[FP_COLON_LEN];

		fp_colon(h->peer_cert_sha256, fp);
		json_key(first, "peer_cert_sha256");
		json_str(fp);
	}
	if (h->has_peer_key) {
		char fp[FP_COLON_LEN];

		fp_colon(h->peer_spki_sha256, fp);
		json_key(first, "peer_cert_type");
		json_str(h->peer_cert_type == DTLS_CERT_TYPE_RAW_PUBLIC_KEY ?
			 "raw-public-key" : "x509");
		json_key(first, "peer_spki_sha256");
		json_str(fp);
	}
	if (h->has_peer_cert && h->peer_subject_len) {
		char *subj = subject_str(h);
		char *dhex = malloc(2 * h->peer_subject_len + 1);

		if (subj) {
			json_key(first, "peer_subject");
			json_str(subj);
		}
		if (dhex) {
			for (size_t i = 0; i < h->peer_subject_len; i++)
				snprintf(dhex + 2 * i, 3, "%02x",
					 h->peer_subject[i]);
			json_key(first, "peer_subject_der_hex");
			json_str(dhex);
		}
		free(subj);
		free(dhex);
	}
	if (h->error) {
		json_key(first, "error");
		json_str(errno_name(h->error, ebuf, sizeof(ebuf)));
		json_key(first, "errno");
		printf("%u", h->error);
	}
	if (h->alert) {
		json_key(first, "alert");
		json_str(dtls_alert_name(h->alert));
		json_key(first, "alert_id");
		printf("%u", h->alert);
		json_key(first, "alert_remote");
		fputs(h->alert_remote ? "true" : "false", stdout);
	}
}

