/*
 * test_arena.c -- the arena's contract (base.h) on both sides of the point
 * where its chunks become huge-page regions (2 MiB in use, base.c): every
 * allocation zeroed, 16-byte aligned (64 for arena_alloc_line), disjoint
 * from every other, and counted in used_total rounded to 16 bytes; and
 * past that point, chunks that are whole 2 MiB-aligned regions, filled to
 * their end and not beyond (what a huge page needs).
 */
#include "testutil.h"

#include <stdint.h>
#include <string.h>

#include "base.h"

enum { SMALL = 1000, NSMALL = 6000, BIG = 100000 }; /* 6 MB of small blocks */

static void fill(unsigned char *p, size_t n, unsigned k)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(k * 31u + i);
}

static int intact(const unsigned char *p, size_t n, unsigned k)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(k * 31u + i))
			return 0;
	return 1;
}

static int zeroed(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* 6 MB of 1,000-byte blocks with a 100 kB block every 1,000 (a chunk of
 * its own): each is zeroed and aligned when handed out, then written with
 * its own pattern; at the end every pattern is intact, so no two blocks
 * overlap, in the heap's chunks or in the huge-page ones past 2 MiB. */
static void blocks_disjoint_across_huge_chunks(void **state)
{
	struct arena a;
	unsigned char *p[NSMALL], *big[NSMALL / 1000];
	size_t want = 0;
	(void)state;

	arena_init(&a);
	for (unsigned k = 0; k < NSMALL; k++) {
		p[k] = arena_alloc(&a, SMALL);
		want += (SMALL + 15) & ~(size_t)15;
		assert_int_equal((uintptr_t)p[k] % 16, 0);
		assert_true(zeroed(p[k], SMALL));
		fill(p[k], SMALL, k);
		if (k % 1000 == 999) {
			big[k / 1000] = arena_alloc(&a, BIG);
			want += BIG;
			assert_true(zeroed(big[k / 1000], BIG));
			fill(big[k / 1000], BIG, k);
		}
	}
	for (unsigned k = 0; k < NSMALL; k++)
		assert_true(intact(p[k], SMALL, k));
	for (unsigned k = 999; k < NSMALL; k += 1000)
		assert_true(intact(big[k / 1000], BIG, k));
	assert_int_equal(a.used_total, want);
	arena_release(&a);
	assert_null(a.head);
	assert_int_equal(a.used_total, 0);
}

/* Line-aligned blocks (sim_node, sim_pod: 560 bytes, 608 with the pad)
 * stay on a line and disjoint past the switch too: each block gets its
 * own byte, and the one before must still hold its own. */
static void line_blocks_aligned(void **state)
{
	struct arena a;
	unsigned char *prev = NULL;
	(void)state;

	arena_init(&a);
	for (unsigned k = 0; k < 8000; k++) { /* 8000 x 608 B: 4.9 MB */
		unsigned char *q = arena_alloc_line(&a, 560);
		assert_int_equal((uintptr_t)q % 64, 0);
		assert_true(zeroed(q, 560));
		memset(q, (int)(k & 0xff), 560);
		if (prev) {
			assert_int_equal(prev[0], (k - 1) & 0xff);
			assert_int_equal(prev[559], (k - 1) & 0xff);
		}
		prev = q;
	}
	arena_release(&a);
}

enum { HUGE = 2 << 20 };

/* Past 2 MiB in use, 16-byte blocks come in runs, one run a chunk: each
 * run after the first starts within the first line of a 2 MiB-aligned
 * region (its header before it) and ends at the region's end exactly:
 * floor((2 MiB - offset) / 16) blocks, the last one's end no further than
 * the region's. */
static void huge_chunks_fill_aligned_regions(void **state)
{
	struct arena a;
	uintptr_t prev, start = 0;
	size_t runs = 0;
	(void)state;

	arena_init(&a);
	while (a.used_total < HUGE) /* the heap's chunks */
		arena_alloc(&a, 1000);
	prev = (uintptr_t)arena_alloc(&a, 16);
	for (size_t k = 0; k < 3 * (size_t)HUGE / 16; k++) {
		uintptr_t p = (uintptr_t)arena_alloc(&a, 16);
		*(unsigned char *)p = 1;
		if (p == prev + 16) {
			prev = p;
			continue;
		}
		/* A new chunk: a huge one, aligned, its blocks from its start. */
		assert_true(p % HUGE < 64);
		if (start) { /* the run before it was a whole huge chunk */
			uintptr_t region = start - start % HUGE;
			assert_int_equal((prev + 16 - start) / 16, (HUGE - start % HUGE) / 16);
			assert_true(prev + 16 <= region + HUGE);
			runs++;
		}
		start = p;
		prev = p;
	}
	assert_true(runs >= 1);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(blocks_disjoint_across_huge_chunks),
		cmocka_unit_test(line_blocks_aligned),
		cmocka_unit_test(huge_chunks_fill_aligned_regions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
