// SPDX-License-Identifier: GPL-2.0
/*
 * dtls(8): output shared by show, handshake show and monitor: JSON
 * strings and the text and JSON forms of a handshake.
 */
#define _GNU_SOURCE	/* strerrorname_np() */

#include <stdio.h>
#include <string.h>

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

/* Handshake state, result and events */

/*
 * " role server state established suite X peer-identity Y", or
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

