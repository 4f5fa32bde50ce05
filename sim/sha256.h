/*
 * sha256.h -- SHA-256 (FIPS 180-4), for scenario hashes that identify what a
 * run simulated. Streaming: init, update any number of times, final.
 */
#ifndef CLUSTERSIM_SHA256_H
#define CLUSTERSIM_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len; /* bytes */
	unsigned char buf[64];
	size_t nbuf;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
/* Writes 64 lower-case hex digits and a NUL. */
void sha256_final_hex(struct sha256 *s, char out[65]);

#endif
