/*
 * test_sha256.c -- SHA-256 against the FIPS 180-4 example vectors (NIST
 * "SHA256.pdf" examples and FIPS 180-2 appendix B: "abc", the 448-bit
 * message, one million 'a') and the digest of the empty string.
 */
#include "testutil.h"

#include <string.h>

#include "sha256.h"

static void digest(const void *p, size_t n, char out[65])
{
	struct sha256 s;
	sha256_init(&s);
	sha256_update(&s, p, n);
	sha256_final_hex(&s, out);
}

static void test_fips_vectors(void **state)
{
	char h[65];
	(void)state;
	digest("abc", 3, h);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	digest("", 0, h);
	assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, h);
	assert_string_equal(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_million_a(void **state)
{
	struct sha256 s;
	char chunk[1000], h[65];
	int i;
	(void)state;
	memset(chunk, 'a', sizeof(chunk));
	sha256_init(&s);
	for (i = 0; i < 1000; i++)
		sha256_update(&s, chunk, sizeof(chunk));
	sha256_final_hex(&s, h);
	assert_string_equal(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Feeding in odd-sized pieces (crossing block boundaries, padding at 55,
 * 56 and 64 bytes) must give the one-shot digest. */
static void test_streaming_equals_one_shot(void **state)
{
	unsigned char msg[300];
	size_t len, cut;
	(void)state;
	for (len = 0; len < sizeof(msg); len++)
		msg[len] = (unsigned char)(len * 7 + 3);
	for (len = 50; len <= 130; len++) {
		char one[65], two[65];
		struct sha256 s;
		digest(msg, len, one);
		for (cut = 0; cut <= len; cut += 13) {
			sha256_init(&s);
			sha256_update(&s, msg, cut);
			sha256_update(&s, msg + cut, len - cut);
			sha256_final_hex(&s, two);
			assert_string_equal(one, two);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fips_vectors),
		cmocka_unit_test(test_million_a),
		cmocka_unit_test(test_streaming_equals_one_shot),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
