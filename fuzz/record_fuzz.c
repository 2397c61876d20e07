// SPDX-License-Identifier: GPL-2.0
/*
 * record_fuzz: the record header helpers of record.h on a datagram.
 *
 * The input is a UDP payload.  It is walked record by record as the
 * receive path does; for each header the properties are: parsing agrees
 * with a plain decoding of RFC 6347 4.1, accepts exactly the headers
 * whose length fits, and building the parsed header gives back the same
 * 13 bytes; the AAD carries the same fields in RFC 5246 6.2.3.3 order.
 */
#include "fuzz.h"
#include "record.h"

static u64 be(const u8 *p, int n)
{
	u64 v = 0;

	while (n--)
		v = v << 8 | *p++;
	return v;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct dtls_record_hdr h, h2;
	u8 hdr[DTLS_HEADER_LEN], aad[DTLS_AAD_LEN];
	size_t off = 0;
	int err;

	if (size)
		FUZZ_ASSERT(dtls_first_byte_is_dtls(data[0]) ==
			    (data[0] >= 20 && data[0] <= 63));
	while (off < size) {
		const u8 *p = data + off;
		size_t avail = size - off;

		memset(&h, 0xa5, sizeof(h));
		err = dtls_record_parse(p, avail, &h);
		if (avail < DTLS_HEADER_LEN) {
			FUZZ_ASSERT(err == -EBADMSG);
			break;
		}
		if (be(p + 11, 2) > avail - DTLS_HEADER_LEN) {
			FUZZ_ASSERT(err == -EBADMSG);
			break;
		}
		FUZZ_ASSERT(err == 0);
		FUZZ_ASSERT(h.type == p[0]);
		FUZZ_ASSERT(h.version == be(p + 1, 2));
		FUZZ_ASSERT(h.epoch == be(p + 3, 2));
		FUZZ_ASSERT(h.seq == be(p + 5, 6));
		FUZZ_ASSERT(h.seq <= DTLS_SEQ_MASK);
		FUZZ_ASSERT(h.length == be(p + 11, 2));

		/* Round trip: build gives the same bytes, which parse alike. */
		dtls_record_build(hdr, &h);
		FUZZ_ASSERT(!memcmp(hdr, p, DTLS_HEADER_LEN));
		FUZZ_ASSERT(dtls_record_parse(hdr, DTLS_HEADER_LEN + h.length,
					      &h2) == 0);
		FUZZ_ASSERT(h.type == h2.type && h.version == h2.version &&
			    h.epoch == h2.epoch && h.seq == h2.seq &&
			    h.length == h2.length);
		/* One byte short of the announced length is refused. */
		if (h.length)
			FUZZ_ASSERT(dtls_record_parse(p, DTLS_HEADER_LEN +
						      h.length - 1, &h2) ==
				    -EBADMSG);

		/* AAD: epoch|seq, type, version, the plaintext length. */
		dtls_build_aad(aad, &h, (u16)(h.length ^ 0x5a5a));
		FUZZ_ASSERT(!memcmp(aad, p + 3, 8));
		FUZZ_ASSERT(aad[8] == p[0]);
		FUZZ_ASSERT(!memcmp(aad + 9, p + 1, 2));
		FUZZ_ASSERT(be(aad + 11, 2) == (u16)(h.length ^ 0x5a5a));

		off += DTLS_HEADER_LEN + h.length;
	}
	return 0;
}
