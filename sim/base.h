/*
 * base.h -- what every module needs: allocation that never returns NULL,
 * the one error convention, and an arena for memory freed all at once.
 *
 * Errors: a fallible function returns 0 on success or a negative code
 * (ERR_RUN, ERR_INPUT) and fills a struct err with one complete, lower-case
 * message ("file:line:col: path: expected ..., got ..."). Only the command
 * layer prints it and maps the code to an exit status (ERR_INPUT -> 2,
 * ERR_RUN -> 1).
 *
 * Out of memory aborts in xmalloc and friends: a simulator that cannot
 * allocate has no sensible way to go on, and callers stay simple.
 */
#ifndef CLUSTERSIM_BASE_H
#define CLUSTERSIM_BASE_H

#include <stddef.h>
#include <stdint.h>

enum {
	ERR_OK = 0,
	ERR_RUN = -1,   /* the run or the command failed: exit status 1 */
	ERR_INPUT = -2, /* bad input or usage: exit status 2 */
};

struct err {
	int code;
	char msg[1024];
};

/* Fills e (if not NULL) and returns code, so callers can `return err_set(...)`. */
int err_set(struct err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prefixes e->msg with fmt (e.g. the file name); keeps the code. */
int err_prefix(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void err_clear(struct err *e);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grows (ptr, cap) so that ptr[n] is valid; doubling, amortised O(1). */
#define GROW(ptr, n, cap)                                                   \
	do {                                                                \
		if ((size_t)(n) >= (size_t)(cap)) {                         \
			size_t grow_nc_ = (cap) ? (size_t)(cap) * 2 : 8;    \
			while (grow_nc_ <= (size_t)(n))                     \
				grow_nc_ *= 2;                              \
			(ptr) = xrealloc((ptr), grow_nc_ * sizeof(*(ptr))); \
			(cap) = grow_nc_;                                   \
		}                                                           \
	} while (0)

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Arena: bump allocation in chunks, all freed by arena_release. Used for
 * everything whose lifetime is its owner's (a scenario, a YAML document,
 * a run's names). Allocations are 16-byte aligned. O(1) per allocation.
 */
struct arena_chunk;
struct arena {
	struct arena_chunk *head;
	size_t used_total; /* bytes handed out, for limits and reports */
};

void arena_init(struct arena *a);
void arena_release(struct arena *a);
void *arena_alloc(struct arena *a, size_t n); /* zeroed */
/* The same on a 64-byte cache line (structures read on hot paths). */
void *arena_alloc_line(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* 64-bit FNV-1a of a string; stable across versions (seeds depend on it). */
uint64_t hash_str64(const char *s);
/* SplitMix64 finaliser: mixes a 64-bit value into a well-spread one. */
uint64_t mix64(uint64_t x);

/* Cache hints: fetches the lines of [p, p + bytes) ahead of their use
 * (bytes a constant, at most 640; a NULL p costs nothing). Straight-line
 * code, always inlined: GCC finds that a function, or a loop, whose only
 * statements are prefetches has no effect and deletes the call (seen in
 * this code: -O2 and -O3 emitted none of the looped ones). Prefetches
 * never fault. */
#define PREFETCH_INLINE static inline __attribute__((always_inline))

PREFETCH_INLINE void prefetch_span(const void *p, size_t bytes)
{
	const char *c = p;

	if (!c)
		return;
	__builtin_prefetch(c);
	if (bytes > 64)
		__builtin_prefetch(c + 64);
	if (bytes > 128)
		__builtin_prefetch(c + 128);
	if (bytes > 192)
		__builtin_prefetch(c + 192);
	if (bytes > 256)
		__builtin_prefetch(c + 256);
	if (bytes > 320)
		__builtin_prefetch(c + 320);
	if (bytes > 384)
		__builtin_prefetch(c + 384);
	if (bytes > 448)
		__builtin_prefetch(c + 448);
	if (bytes > 512)
		__builtin_prefetch(c + 512);
	if (bytes > 576)
		__builtin_prefetch(c + 576);
}

#endif
