// SPDX-License-Identifier: GPL-2.0
/*
 * dtls show: the attached sockets of this network namespace, their
 * keys, handshakes and counters, and the sessions of listening sockets.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"

static void json_addr(bool *first, const char *key, uint16_t family,
		      const uint8_t *addr)
{
	char ip[INET6_ADDRSTRLEN];

	if (!inet_ntop(family, addr, ip, sizeof(ip)))
		snprintf(ip, sizeof(ip), "?");
	json_key(first, key);
	json_str(ip);
}

/* The handshake of a listed socket, if it has one (state not 0). */
static bool hs_of(struct dtls_nl *nl, uint64_t ino, struct dtls_hs_info *h)
{
	return !dtls_hs_get(nl, -1, ino, h, NULL, 0) && h->state;
}

static const char *family_name(uint16_t family)
{
	return family == AF_INET6 ? "inet6" : "inet";
}

/* Counters in the order of the netlink spec, with its names. */
static const struct {
	const char	*name;
	size_t		off;
} stat_fields[] = {
#define STAT(name, field) { name, offsetof(struct dtls_sock_stats, field) }
	STAT("tx-records", tx_records),
	STAT("tx-bytes", tx_bytes),
	STAT("rx-records", rx_records),
	STAT("rx-bytes", rx_bytes),
	STAT("rx-auth-fail", rx_auth_fail),
	STAT("rx-replay", rx_replay),
	STAT("rx-bad-epoch", rx_bad_epoch),
	STAT("rx-malformed", rx_malformed),
	STAT("rx-not-dtls", rx_not_dtls),
	STAT("rx-dropped", rx_dropped),
	STAT("final-resent", final_resent),
	STAT("final-drop-data", final_drop_data),
	STAT("final-drop-user", final_drop_user),
	STAT("final-drop-timer", final_drop_timer),
	STAT("final-late", final_late),
#undef STAT
};

static uint64_t stat_value(const struct dtls_sock_stats *st, size_t i)
{
	uint64_t v;

	memcpy(&v, (const char *)st + stat_fields[i].off, sizeof(v));
	return v;
}

/* "aes-gcm-128", or "cipher-N" for a cipher this tool does not know. */
static const char *cipher_str(uint16_t cipher, char *buf, size_t len)
{
	const char *name = dtls_cipher_name(cipher);

	if (name)
		return name;
	snprintf(buf, len, "cipher-%u", cipher);
	return buf;
}

/*
 * A listening socket: " listening sessions 100 pending 2 ready 1/128",
 * ready out of the backlog; its limits too with --stats.
 */
static void listen_text(const struct dtls_listen_info *li, bool stats)
{
	printf(" listening%s sessions %" PRIu32 " pending %" PRIu32
	       " ready %" PRIu32 "/%" PRIu32,
	       li->flags & DTLS_LISTEN_F_USER_HANDSHAKE ?
	       " user-handshakes" : "", li->sessions, li->pending,
	       li->ready, li->backlog);
	if (stats)
		printf(" max-pending %" PRIu32 " accept-ms %" PRIu32
		       " rate %" PRIu32, li->max_pending, li->accept_ms,
		       li->rate);
}

static void show_text(struct dtls_nl *nl, const struct dtls_sock_info *v,
		      size_t n, bool stats)
{
	char local[64], peer[64], cbuf[32];

	for (size_t i = 0; i < n; i++) {
		const struct dtls_sock_info *s = &v[i];
		struct dtls_hs_info h;

		if (dtls_sock_info_format_addr(s, false, local, sizeof(local)))
			snprintf(local, sizeof(local), "?");
		printf("ino %" PRIu64 " netns %" PRIu32 " %s %s", s->ino,
		       s->netns_ino, family_name(s->family), local);
		if (s->connected &&
		    !dtls_sock_info_format_addr(s, true, peer, sizeof(peer)))
			printf(" peer %s", peer);
		printf(" state %s uid %" PRIu32, dtls_state_name(s->state),
		       s->uid);
		if (s->tx_cipher)
			printf(" tx %s epoch %u",
			       cipher_str(s->tx_cipher, cbuf, sizeof(cbuf)),
			       s->tx_epoch);
		if (s->rx_cipher)
			printf(" rx %s epoch %u",
			       cipher_str(s->rx_cipher, cbuf, sizeof(cbuf)),
			       s->rx_epoch);
		if (hs_of(nl, s->ino, &h)) {
			fputs(" hs", stdout);
			hs_text(&h, true);
		}
		if (s->final_held)
			printf(" final-flight %" PRIu32 "B resends %" PRIu32
			       " age %" PRIu32 "ms", s->final_bytes,
			       s->final_resends, s->final_age_ms);
		if (s->is_listener)
			listen_text(&s->listen, stats);
		putchar('\n');
		if (stats && s->has_stats) {
			fputs("   ", stdout);
			for (size_t j = 0; j < ARRAY_SIZE(stat_fields); j++)
				printf(" %s %" PRIu64, stat_fields[j].name,
				       stat_value(&s->stats, j));
			putchar('\n');
		}
	}
}

/* "tx": {"cipher": "aes-gcm-128", "cipher_type": 51, "epoch": 1} */
static void json_keys(bool *first, const char *key, uint16_t cipher,
		      uint16_t epoch)
{
	const char *name = dtls_cipher_name(cipher);
	bool f = true;

	json_key(first, key);
	putchar('{');
	json_key(&f, "cipher");
	if (name)
		json_str(name);
	else
		fputs("null", stdout);
	json_key(&f, "cipher_type");
	printf("%u", cipher);
	json_key(&f, "epoch");
	printf("%u", epoch);
	putchar('}');
}

/* "stats": {"tx_records": 0, ...}, keys as the netlink names, '_' for '-' */
static void json_stats(bool *first, const struct dtls_sock_stats *st)
{
	bool f = true;

	json_key(first, "stats");
	putchar('{');
	for (size_t j = 0; j < ARRAY_SIZE(stat_fields); j++) {
		char key[32];

		snprintf(key, sizeof(key), "%s", stat_fields[j].name);
		for (char *p = key; *p; p++)
			if (*p == '-')
				*p = '_';
		json_key(&f, key);
		printf("%" PRIu64, stat_value(st, j));
	}
	putchar('}');
}

/*
 * "listen": {"sessions": 100, "pending": 0, "ready": 0, "backlog": 128,
 * "max_pending": 256, "accept_ms": 30000, "rate": 20}
 */
static void json_listen(bool *first, const struct dtls_listen_info *li)
{
	const struct {
		const char	*key;
		uint32_t	v;
	} f[] = {
		{ "sessions", li->sessions },
		{ "pending", li->pending },
		{ "ready", li->ready },
		{ "backlog", li->backlog },
		{ "max_pending", li->max_pending },
		{ "accept_ms", li->accept_ms },
		{ "rate", li->rate },
		{ "flags", li->flags },
	};
	bool ff = true;

	json_key(first, "listen");
	putchar('{');
	for (size_t j = 0; j < ARRAY_SIZE(f); j++) {
		json_key(&ff, f[j].key);
		printf("%" PRIu32, f[j].v);
	}
	putchar('}');
}

static void show_json(struct dtls_nl *nl, const struct dtls_sock_info *v,
		      size_t n, bool stats)
{
	putchar('[');
	for (size_t i = 0; i < n; i++) {
		const struct dtls_sock_info *s = &v[i];
		struct dtls_hs_info h;
		bool first = true;

		if (i)
			putchar(',');
		putchar('{');
		json_key(&first, "ino");
		printf("%" PRIu64, s->ino);
		json_key(&first, "netns");
		printf("%" PRIu32, s->netns_ino);
		json_key(&first, "family");
		json_str(family_name(s->family));
		json_addr(&first, "local_addr", s->family, s->local_addr);
		json_key(&first, "local_port");
		printf("%u", s->local_port);
		if (s->connected) {
			json_addr(&first, "peer_addr", s->family, s->peer_addr);
			json_key(&first, "peer_port");
			printf("%u", s->peer_port);
		}
		json_key(&first, "state");
		json_str(dtls_state_name(s->state));
		json_key(&first, "uid");
		printf("%" PRIu32, s->uid);
		if (s->tx_cipher)
			json_keys(&first, "tx", s->tx_cipher, s->tx_epoch);
		if (s->rx_cipher)
			json_keys(&first, "rx", s->rx_cipher, s->rx_epoch);
		if (stats && s->has_stats)
			json_stats(&first, &s->stats);
		if (s->final_held) {
			json_key(&first, "final_flight");
			printf("{\"bytes\": %" PRIu32 ", \"resends\": %" PRIu32
			       ", \"age_ms\": %" PRIu32 "}", s->final_bytes,
			       s->final_resends, s->final_age_ms);
		}
		if (s->is_listener)
			json_listen(&first, &s->listen);
		if (hs_of(nl, s->ino, &h)) {
			bool f = true;

			json_key(&first, "handshake");
			putchar('{');
			hs_json(&f, &h);
			putchar('}');
		}
		putchar('}');
	}
	puts("]");
}

int cmd_show(int argc, char **argv)
{
	struct dtls_sock_info *v;
	bool json = false, stats = false;
	struct dtls_nl *nl;
	size_t n;
	int err;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "-s") || !strcmp(argv[i], "--stats")) {
			stats = true;
		} else if (!strcmp(argv[i], "-js") || !strcmp(argv[i], "-sj")) {
			json = stats = true;
		} else {
			fail("show: unknown argument '%s'", argv[i]);
			fprintf(stderr, "Usage: " PROG " show [-j|--json] [-s|--stats]\n");
			return 1;
		}
	}

	nl = nl_open("show");
	if (!nl)
		return 1;
	err = dtls_sock_dump(nl, &v, &n, NULL, 0);
	if (err) {
		fail_nl("show", err, NULL);
		dtls_close(nl);
		return 1;
	}
	if (json)
		show_json(nl, v, n, stats);
	else
		show_text(nl, v, n, stats);
	free(v);
	dtls_close(nl);
	return 0;
}
