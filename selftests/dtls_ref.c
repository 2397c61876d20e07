// SPDX-License-Identifier: GPL-2.0
/*
 * Reference DTLS 1.2 record sealing and opening with OpenSSL's EVP AEADs;
 * see dtls_ref.h.  Deliberately simple: one EVP context per call, no state
 * between calls, every length checked.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include <linux/dtls.h>

#include "dtls_ref.h"

static const struct dtls_ref_cipher ciphers[] = {
	{ DTLS_CIPHER_AES_GCM_128, "aes-128-gcm", 16, 4, 8, 16,
	  sizeof(struct dtls12_crypto_info_aes_gcm_128) },
	{ DTLS_CIPHER_AES_GCM_256, "aes-256-gcm", 32, 4, 8, 16,
	  sizeof(struct dtls12_crypto_info_aes_gcm_256) },
	{ DTLS_CIPHER_AES_CCM_128, "aes-128-ccm", 16, 4, 8, 16,
	  sizeof(struct dtls12_crypto_info_aes_ccm_128) },
	{ DTLS_CIPHER_AES_CCM_8_128, "aes-128-ccm-8", 16, 4, 8, 8,
	  sizeof(struct dtls12_crypto_info_aes_ccm_128) },
	{ DTLS_CIPHER_CHACHA20_POLY1305, "chacha20-poly1305", 32, 12, 0, 16,
	  sizeof(struct dtls12_crypto_info_chacha20_poly1305) },
};

const struct dtls_ref_cipher *dtls_ref_cipher(uint16_t type)
{
	size_t i;

	for (i = 0; i < sizeof(ciphers) / sizeof(ciphers[0]); i++)
		if (ciphers[i].type == type)
			return &ciphers[i];
	return NULL;
}

size_t dtls_ref_overhead(uint16_t cipher)
{
	const struct dtls_ref_cipher *c = dtls_ref_cipher(cipher);

	return c ? DTLS_REF_HDR_LEN + c->explicit_len + c->tag_len : 0;
}

static const EVP_CIPHER *evp_cipher(uint16_t type)
{
	switch (type) {
	case DTLS_CIPHER_AES_GCM_128:
		return EVP_aes_128_gcm();
	case DTLS_CIPHER_AES_GCM_256:
		return EVP_aes_256_gcm();
	case DTLS_CIPHER_AES_CCM_128:
	case DTLS_CIPHER_AES_CCM_8_128:
		return EVP_aes_128_ccm();
	case DTLS_CIPHER_CHACHA20_POLY1305:
		return EVP_chacha20_poly1305();
	}
	return NULL;
}

static bool is_ccm(uint16_t type)
{
	return type == DTLS_CIPHER_AES_CCM_128 ||
	       type == DTLS_CIPHER_AES_CCM_8_128;
}

void dtls_ref_epoch_seq(uint16_t epoch, uint64_t seq, uint8_t out[8])
{
	int i;

	out[0] = epoch >> 8;
	out[1] = epoch;
	for (i = 0; i < 6; i++)
		out[2 + i] = seq >> (8 * (5 - i));
}

static void put_hdr(uint8_t *p, uint8_t type, uint16_t version,
		    uint16_t epoch, uint64_t seq, uint16_t len)
{
	p[0] = type;
	p[1] = version >> 8;
	p[2] = version;
	dtls_ref_epoch_seq(epoch, seq, p + 3);
	p[11] = len >> 8;
	p[12] = len;
}

ssize_t dtls_ref_parse(const uint8_t *buf, size_t buflen,
		       struct dtls_ref_hdr *hdr)
{
	int i;

	if (buflen < DTLS_REF_HDR_LEN)
		return -EINVAL;
	hdr->type = buf[0];
	hdr->version = buf[1] << 8 | buf[2];
	hdr->epoch = buf[3] << 8 | buf[4];
	hdr->seq = 0;
	for (i = 0; i < 6; i++)
		hdr->seq = hdr->seq << 8 | buf[5 + i];
	hdr->len = buf[11] << 8 | buf[12];
	if (buflen - DTLS_REF_HDR_LEN < hdr->len)
		return -EINVAL;
	return DTLS_REF_HDR_LEN + hdr->len;
}

/* The 12-byte AEAD nonce of a record; @explicit for GCM/CCM. */
static void make_nonce(const struct dtls_ref_cipher *c, const uint8_t *iv,
		       uint16_t epoch, uint64_t seq, const uint8_t *explicit,
		       uint8_t nonce[12])
{
	uint8_t es[8];
	int i;

	if (c->explicit_len) {
		memcpy(nonce, iv, 4);
		memcpy(nonce + 4, explicit, 8);
		return;
	}
	dtls_ref_epoch_seq(epoch, seq, es);
	memcpy(nonce, iv, 12);
	for (i = 0; i < 8; i++)
		nonce[4 + i] ^= es[i];
}

/* RFC 5246 6.2.3.3 additional data; DTLS puts epoch|seq in seq_num. */
static void make_aad(uint8_t aad[13], uint8_t type, uint16_t version,
		     uint16_t epoch, uint64_t seq, uint16_t ptlen)
{
	dtls_ref_epoch_seq(epoch, seq, aad);
	aad[8] = type;
	aad[9] = version >> 8;
	aad[10] = version;
	aad[11] = ptlen >> 8;
	aad[12] = ptlen;
}

/*
 * One AEAD operation.  Encrypt: @in -> @out, tag -> @tag.  Decrypt: @in ->
 * @out checked against @tag; returns -EBADMSG on a bad tag.
 */
static int aead(const struct dtls_ref_cipher *c, bool enc, const uint8_t *key,
		const uint8_t nonce[12], const uint8_t aad[13],
		const uint8_t *in, size_t len, uint8_t *out, uint8_t *tag)
{
	static uint8_t dummy[1];
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	bool ccm = is_ccm(c->type);
	int n, ret = -EIO;

	if (!ctx)
		return -ENOMEM;
	/* Never hand libcrypto NULL data pointers: a zero-length plaintext. */
	if (!len) {
		in = dummy;
		out = dummy;
	}
	if (EVP_CipherInit_ex(ctx, evp_cipher(c->type), NULL, NULL, NULL,
			      enc) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) != 1)
		goto out;
	/* CCM fixes the tag length (and, decrypting, the tag) up front. */
	if (ccm && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG,
				       (int)c->tag_len,
				       enc ? NULL : tag) != 1)
		goto out;
	if (EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, enc) != 1)
		goto out;
	/* CCM needs the total length before any data. */
	if (ccm && EVP_CipherUpdate(ctx, NULL, &n, NULL, (int)len) != 1)
		goto out;
	if (EVP_CipherUpdate(ctx, NULL, &n, aad, 13) != 1)
		goto out;
	if (EVP_CipherUpdate(ctx, out, &n, in, (int)len) != 1) {
		/* CCM decryption verifies the tag here. */
		ret = ccm && !enc ? -EBADMSG : -EIO;
		goto out;
	}
	if (!enc && !ccm &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, (int)c->tag_len,
				tag) != 1)
		goto out;
	if (EVP_CipherFinal_ex(ctx, out + n, &n) != 1) {
		ret = enc ? -EIO : -EBADMSG;
		goto out;
	}
	if (enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG,
				       (int)c->tag_len, tag) != 1)
		goto out;
	ret = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return ret;
}

ssize_t dtls_ref_seal_version(uint16_t cipher, const uint8_t *key,
			      const uint8_t *iv, uint8_t type,
			      uint16_t version, uint16_t epoch, uint64_t seq,
			      const uint8_t *explicit_nonce, const void *pt,
			      size_t ptlen, uint8_t *out)
{
	const struct dtls_ref_cipher *c = dtls_ref_cipher(cipher);
	uint8_t nonce[12], aad[13], es[8];
	size_t fraglen;
	uint8_t *p;
	int ret;

	if (!c || seq >> 48)
		return -EINVAL;
	fraglen = c->explicit_len + ptlen + c->tag_len;
	if (fraglen > 0xffff)
		return -EINVAL;
	dtls_ref_epoch_seq(epoch, seq, es);
	if (!explicit_nonce)
		explicit_nonce = es;
	put_hdr(out, type, version, epoch, seq, (uint16_t)fraglen);
	p = out + DTLS_REF_HDR_LEN;
	if (c->explicit_len) {
		memcpy(p, explicit_nonce, 8);
		p += 8;
	}
	make_nonce(c, iv, epoch, seq, explicit_nonce, nonce);
	make_aad(aad, type, version, epoch, seq, (uint16_t)ptlen);
	ret = aead(c, true, key, nonce, aad, pt, ptlen, p, p + ptlen);
	if (ret)
		return ret;
	return DTLS_REF_HDR_LEN + fraglen;
}

ssize_t dtls_ref_seal(uint16_t cipher, const uint8_t *key, const uint8_t *iv,
		      uint8_t type, uint16_t epoch, uint64_t seq,
		      const uint8_t *explicit_nonce, const void *pt,
		      size_t ptlen, uint8_t *out)
{
	return dtls_ref_seal_version(cipher, key, iv, type, DTLS_1_2_VERSION,
				     epoch, seq, explicit_nonce, pt, ptlen,
				     out);
}

ssize_t dtls_ref_open(uint16_t cipher, const uint8_t *key, const uint8_t *iv,
		      const uint8_t *buf, size_t buflen,
		      struct dtls_ref_hdr *hdr, uint8_t *pt, size_t ptcap,
		      size_t *reclen)
{
	const struct dtls_ref_cipher *c = dtls_ref_cipher(cipher);
	uint8_t nonce[12], aad[13], tag[16];
	const uint8_t *frag;
	ssize_t rlen;
	size_t ptlen;
	int ret;

	if (!c)
		return -EINVAL;
	rlen = dtls_ref_parse(buf, buflen, hdr);
	if (rlen < 0)
		return rlen;
	if (reclen)
		*reclen = rlen;
	if (hdr->version != DTLS_1_2_VERSION)
		return -EPROTO;
	if (hdr->len < c->explicit_len + c->tag_len)
		return -EINVAL;
	ptlen = hdr->len - c->explicit_len - c->tag_len;
	if (ptlen > ptcap)
		return -ENOSPC;
	frag = buf + DTLS_REF_HDR_LEN;
	make_nonce(c, iv, hdr->epoch, hdr->seq, frag, nonce);
	make_aad(aad, hdr->type, hdr->version, hdr->epoch, hdr->seq,
		 (uint16_t)ptlen);
	memcpy(tag, frag + c->explicit_len + ptlen, c->tag_len);
	ret = aead(c, false, key, nonce, aad, frag + c->explicit_len, ptlen,
		   pt, tag);
	if (ret)
		return ret;
	return ptlen;
}

/*
 * Known answers.  Computed with Python's "cryptography" package (its own
 * AESGCM/AESCCM/ChaCha20Poly1305 classes) by a separately written framing
 * of RFC 6347/5246/7905, so that a mistake in the nonce, the additional
 * data or the header here shows up as a mismatch:
 *
 *   key = bytes(range(0x40, 0x40 + key_len)); iv = bytes(range(0xa0, ...))
 *   pt  = b"kdtls reference vector, RFC 6347"
 *   v1: type 23, epoch 1,      seq 0x000102030405, explicit = epoch|seq
 *   v2: type 22, epoch 0xabcd, seq 0xfedcba987654,
 *       explicit = 0x0011223344556677 (GCM/CCM; unused by ChaCha)
 */
struct ref_kat {
	uint16_t cipher;
	uint8_t type;
	uint16_t epoch;
	uint64_t seq;
	bool explicit_given;
	const char *record;	/* hex */
};

#define KAT_PT "kdtls reference vector, RFC 6347"

static const uint8_t kat_explicit[8] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
};

static const struct ref_kat ref_kats[] = {
	{ DTLS_CIPHER_AES_GCM_128, 23, 0x0001, 0x000102030405ULL, false,
	  "17fefd000100010203040500380001000102030405aa56475dbf1a02"
	  "40d2f335eee0d7035f5ca2922d26fd55141a68d7b605fb76f6cf0841"
	  "69d67684b0d817bc95ed831eb6" },
	{ DTLS_CIPHER_AES_GCM_128, 22, 0xabcd, 0xfedcba987654ULL, true,
	  "16fefdabcdfedcba9876540038001122334455667732231497d09354"
	  "f4ec47af06d63e6ff6839df957f3cd8367e6233eb6dcd294afd123ad"
	  "5fa4c8de6517aad7437dc3fcac" },
	{ DTLS_CIPHER_AES_GCM_256, 23, 0x0001, 0x000102030405ULL, false,
	  "17fefd00010001020304050038000100010203040592c0e5ac565d59"
	  "328cf863b5aeed3be42c89490b15525ddcb3eaf82d4ce15de7c54737"
	  "ac838dd6e0ffe5f2bea52b8221" },
	{ DTLS_CIPHER_AES_GCM_256, 22, 0xabcd, 0xfedcba987654ULL, true,
	  "16fefdabcdfedcba9876540038001122334455667713cbf7e838837f"
	  "5ac5be14c91e22396494344ca49a526cab4e10be5225805c9bf1f48e"
	  "26e61d6de50321ddff4636342e" },
	{ DTLS_CIPHER_AES_CCM_128, 23, 0x0001, 0x000102030405ULL, false,
	  "17fefd000100010203040500380001000102030405334e9432773770"
	  "b700d2b52b7e88db29617af0142410283fd878c6b9a9690d5391cc2c"
	  "19439ffd512bc61a91be7d9b01" },
	{ DTLS_CIPHER_AES_CCM_128, 22, 0xabcd, 0xfedcba987654ULL, true,
	  "16fefdabcdfedcba98765400380011223344556677dc93eefe95c57f"
	  "77ec9c074491ae6221fa86e123d0fa0d48d8155db14d9ee1f40d3dd6"
	  "56c11305608b26afcad252f7e7" },
	{ DTLS_CIPHER_AES_CCM_8_128, 23, 0x0001, 0x000102030405ULL, false,
	  "17fefd000100010203040500300001000102030405334e9432773770"
	  "b700d2b52b7e88db29617af0142410283fd878c6b9a9690d53c2518d"
	  "f7cee944bc" },
	{ DTLS_CIPHER_AES_CCM_8_128, 22, 0xabcd, 0xfedcba987654ULL, true,
	  "16fefdabcdfedcba98765400300011223344556677dc93eefe95c57f"
	  "77ec9c074491ae6221fa86e123d0fa0d48d8155db14d9ee1f4aff255"
	  "5167655f90" },
	{ DTLS_CIPHER_CHACHA20_POLY1305, 23, 0x0001, 0x000102030405ULL, false,
	  "17fefd000100010203040500309e656b2f619027a415c99cf2a548c7"
	  "98fbe51e73e58e15cc4bf53caa3a16b00825f10aba029d9b75ff2c53"
	  "8e863b95cf" },
	{ DTLS_CIPHER_CHACHA20_POLY1305, 22, 0xabcd, 0xfedcba987654ULL, false,
	  "16fefdabcdfedcba9876540030800f484217de12e84b9366d6088ab0"
	  "abc6761b2acc014724f36bcb273420187640fdd7078dae0dae4066b1"
	  "5a5beca378" },
};

static int unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (s[0] && s[1]) {
		unsigned int v;

		if (n == cap || sscanf(s, "%2x", &v) != 1)
			return -1;
		out[n++] = v;
		s += 2;
	}
	return (int)n;
}

static void kat_keys(const struct dtls_ref_cipher *c, uint8_t key[32],
		     uint8_t iv[12])
{
	size_t i;

	for (i = 0; i < c->key_len; i++)
		key[i] = 0x40 + i;
	for (i = 0; i < c->iv_len; i++)
		iv[i] = 0xa0 + i;
}

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

static int selftest_kat(char *err, size_t errlen)
{
	static uint8_t want[256], got[256], pt[256];
	struct dtls_ref_hdr hdr;
	size_t i, reclen;

	for (i = 0; i < sizeof(ref_kats) / sizeof(ref_kats[0]); i++) {
		const struct ref_kat *k = &ref_kats[i];
		const struct dtls_ref_cipher *c = dtls_ref_cipher(k->cipher);
		uint8_t key[32], iv[12];
		ssize_t n, m;

		kat_keys(c, key, iv);
		n = unhex(k->record, want, sizeof(want));
		m = dtls_ref_seal(k->cipher, key, iv, k->type, k->epoch, k->seq,
				  k->explicit_given ? kat_explicit : NULL,
				  KAT_PT, strlen(KAT_PT), got);
		if (n != m || memcmp(want, got, n))
			FAIL("%s known answer %zu: sealed record differs",
			     c->name, i);
		m = dtls_ref_open(k->cipher, key, iv, want, n, &hdr, pt,
				  sizeof(pt), &reclen);
		if (m != (ssize_t)strlen(KAT_PT) || memcmp(pt, KAT_PT, m) ||
		    hdr.type != k->type || hdr.epoch != k->epoch ||
		    hdr.seq != k->seq || reclen != (size_t)n)
			FAIL("%s known answer %zu: does not open", c->name, i);
	}
	return 0;
}

static int selftest_roundtrip(char *err, size_t errlen)
{
	static uint8_t rec[DTLS_REF_MAX_RECORD + 64], pt[DTLS_REF_MAX_PLAINTEXT];
	static uint8_t back[DTLS_REF_MAX_PLAINTEXT];
	static const size_t lens[] = { 0, 1, 15, 16, 17, 1000,
				       DTLS_REF_MAX_PLAINTEXT };
	struct dtls_ref_hdr hdr;
	size_t ci, li, i;

	for (i = 0; i < sizeof(pt); i++)
		pt[i] = i * 7 + 3;
	for (ci = 0; ci < sizeof(ciphers) / sizeof(ciphers[0]); ci++) {
		const struct dtls_ref_cipher *c = &ciphers[ci];
		uint8_t key[32], iv[12], other[32];

		kat_keys(c, key, iv);
		memcpy(other, key, sizeof(other));
		other[0] ^= 1;
		for (li = 0; li < sizeof(lens) / sizeof(lens[0]); li++) {
			size_t len = lens[li], reclen;
			ssize_t n, m;

			n = dtls_ref_seal(c->type, key, iv, 23, 7, 0xabcdef, NULL,
					  pt, len, rec);
			if (n != (ssize_t)(len + dtls_ref_overhead(c->type)))
				FAIL("%s: seal of %zu bytes gave %zd", c->name,
				     len, n);
			m = dtls_ref_open(c->type, key, iv, rec, n, &hdr, back,
					  sizeof(back), &reclen);
			if (m != (ssize_t)len || memcmp(back, pt, len) ||
			    reclen != (size_t)n || hdr.epoch != 7 ||
			    hdr.seq != 0xabcdef || hdr.type != 23)
				FAIL("%s: round trip of %zu bytes: %zd", c->name,
				     len, m);
			/* Every byte of the record is authenticated. */
			for (i = 0; i < (size_t)n; i++) {
				if (len > 100 && i > 40 && i < (size_t)n - 20)
					continue;	/* a sample is enough */
				rec[i] ^= 0x20;
				m = dtls_ref_open(c->type, key, iv, rec, n, &hdr,
						  back, sizeof(back), NULL);
				rec[i] ^= 0x20;
				if (m >= 0)
					FAIL("%s: %zu bytes, flipped byte %zu opens",
					     c->name, len, i);
			}
			if (dtls_ref_open(c->type, other, iv, rec, n, &hdr, back,
					  sizeof(back), NULL) != -EBADMSG)
				FAIL("%s: opens with the wrong key", c->name);
			if (dtls_ref_open(c->type, key, iv, rec, n - 1, &hdr,
					  back, sizeof(back), NULL) != -EINVAL)
				FAIL("%s: truncated record not refused",
				     c->name);
		}
		/* The explicit nonce is free; ChaCha has none. */
		if (c->explicit_len) {
			uint8_t rnd[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
			ssize_t n, m;

			n = dtls_ref_seal(c->type, key, iv, 23, 1, 5, rnd, pt,
					  100, rec);
			if (n < 0 || memcmp(rec + 13, rnd, 8))
				FAIL("%s: explicit nonce not sent", c->name);
			m = dtls_ref_open(c->type, key, iv, rec, n, &hdr, back,
					  sizeof(back), NULL);
			if (m != 100 || memcmp(back, pt, 100))
				FAIL("%s: random explicit nonce does not open",
				     c->name);
		}
	}
	return 0;
}

int dtls_ref_selftest(char *err, size_t errlen)
{
	if (selftest_kat(err, errlen))
		return -1;
	return selftest_roundtrip(err, errlen);
}
