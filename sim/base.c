/*
 * base.c -- allocation wrappers, error filling, arenas and hashing.
 * See base.h for the contracts.
 */
#include "base.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int err_set(struct err *e, int code, const char *fmt, ...)
{
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
		e->code = code;
	}
	return code;
}

int err_prefix(struct err *e, const char *fmt, ...)
{
	char tail[sizeof(e->msg)];
	va_list ap;
	int n;

	if (!e)
		return ERR_RUN;
	memcpy(tail, e->msg, sizeof(tail));
	tail[sizeof(tail) - 1] = '\0';
	va_start(ap, fmt);
	n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(e->msg))
		snprintf(e->msg + n, sizeof(e->msg) - (size_t)n, "%s", tail);
	return e->code;
}

void err_clear(struct err *e)
{
	if (e) {
		e->code = 0;
		e->msg[0] = '\0';
	}
}

static void *oom(size_t n)
{
	fprintf(stderr, "clustersim: out of memory allocating %zu bytes\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	return p ? p : oom(n);
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	return p ? p : oom(n * size);
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	return q ? q : oom(n);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

struct arena_chunk {
	struct arena_chunk *next;
	size_t size, used;
	int mapped; /* a huge-page region of its own (munmap), else malloc'ed */
	_Alignas(16) unsigned char data[];
};

#define ARENA_CHUNK 65536
/* Once an arena holds this much, its chunks are huge pages: it is a big
 * run's state (every pod and node), which requests touch at random. With
 * 4 KiB pages 100,000 pods span 14,000 pages, far more than the TLB
 * covers, and each request's cache hints stalled on page walks: about
 * 7 % of the steady state at 10,000 nodes (docs/performance.md, sixth
 * round). Small arenas (a scenario, a small run) stay in the heap. */
#define ARENA_HUGE ((size_t)2 << 20)

/* A 2 MiB-aligned region of ARENA_HUGE bytes with transparent huge pages
 * asked for (the kernel's THP "madvise" mode, Debian's default; "never"
 * leaves it 4 KiB pages, which is only slower). NULL if mmap fails. */
static struct arena_chunk *chunk_huge(void)
{
	size_t len = 2 * ARENA_HUGE;
	unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *p;
	struct arena_chunk *c;

	if (m == MAP_FAILED)
		return NULL;
	p = (unsigned char *)(((uintptr_t)m + ARENA_HUGE - 1) & ~(uintptr_t)(ARENA_HUGE - 1));
	if (p > m)
		munmap(m, (size_t)(p - m));
	if (p + ARENA_HUGE < m + len)
		munmap(p + ARENA_HUGE, (size_t)(m + len - (p + ARENA_HUGE)));
#ifdef MADV_HUGEPAGE
	madvise(p, ARENA_HUGE, MADV_HUGEPAGE);
#endif
	c = (struct arena_chunk *)(void *)p;
	c->size = ARENA_HUGE - sizeof(*c);
	c->mapped = 1;
	return c;
}

static struct arena_chunk *chunk_new(const struct arena *a, size_t need)
{
	struct arena_chunk *c = NULL;

	if (need <= ARENA_CHUNK / 4 && a->used_total >= ARENA_HUGE)
		c = chunk_huge();
	if (!c) {
		size_t size = need > ARENA_CHUNK / 4 ? need : ARENA_CHUNK;
		c = xmalloc(sizeof(*c) + size);
		c->size = size;
		c->mapped = 0;
	}
	c->used = 0;
	return c;
}

void arena_init(struct arena *a)
{
	a->head = NULL;
	a->used_total = 0;
}

void arena_release(struct arena *a)
{
	struct arena_chunk *c = a->head;
	while (c) {
		struct arena_chunk *next = c->next;
		if (c->mapped)
			munmap(c, ARENA_HUGE);
		else
			free(c);
		c = next;
	}
	a->head = NULL;
	a->used_total = 0;
}

void *arena_alloc_line(struct arena *a, size_t n)
{
	/* arena_alloc is 16-byte aligned: at most 48 bytes to skip. */
	uintptr_t p = (uintptr_t)arena_alloc(a, n + 48);

	return (void *)((p + 63) & ~(uintptr_t)63);
}

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c = a->head;
	size_t need = (n + 15) & ~(size_t)15;
	void *p;

	if (!c || c->size - c->used < need) {
		c = chunk_new(a, need);
		/* A big allocation gets its own chunk behind the current one so
		 * the current chunk's free space is not wasted. */
		if (a->head && need > ARENA_CHUNK / 4) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	p = c->data + c->used;
	c->used += need;
	a->used_total += need;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *d = arena_alloc(a, n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

uint64_t hash_str64(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}
