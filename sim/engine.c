/*
 * engine.c -- the future-event list: an indexed 4-ary min-heap.
 *
 * The heap array holds 16-byte entries {t, seq, slot}: the whole ordering
 * key is inline, so a sift touches only the heap array (plus one position
 * write per moved entry) and never chases a pointer to compare. The payload
 * of an event (fn, obj, arg) lives in a slot array that does not move;
 * each slot records its entry's heap position, which makes cancel and
 * reschedule O(log n) without searching.
 *
 * Keys. Times are non-negative (the clock starts at 0 and never goes
 * back) and -0 is stored as +0, so the IEEE-754 bits of a time, read as an
 * unsigned integer, order like the time itself. An entry is two 64-bit
 * words, {time bits, seq << 32 | slot}, and (time, seq) order is the order
 * of the 128-bit integer they form: one integer compare, no branch, no
 * floating-point flags. (The slot bits never decide: seqs are unique.)
 *
 * Layout. The root sits at physical index ROOT = 3, so the children of the
 * entry at index p are 4p-8 .. 4p-5 and its parent is p/4 + 2. With a
 * 64-byte aligned array every group of four siblings then fills exactly
 * one cache line: one line per level, about log4(n) lines per operation
 * (a binary heap of pointers touches about 2 log2(n) scattered lines).
 * Index 0 keeps the offset of the aligned array inside its allocation.
 *
 * Sifts move a hole rather than swapping: the moving entry is held in a
 * register and written once at its final place. Removing the root walks
 * the hole down along the smaller children to a leaf and then sifts the
 * last entry up from there (Floyd's bottom-up deletion): the last entry
 * almost always belongs near the bottom, so this saves the comparison
 * against it on every level.
 *
 * Sequence numbers. The tie-breaker e->seq counts insertions and fits in
 * the 32 bits an entry has for it: when it reaches 2^32, seq_renumber()
 * gives the n pending entries the numbers 0 .. n-1 in their old order and
 * sets e->seq = n. That keeps every comparison exact, costs O(n log n)
 * once per ~4e9 insertions (nothing, in practice), and keeps entries at 16
 * bytes, four per cache line.
 *
 * Ids. An event id is (generation << 32 | slot + 1). A slot's generation
 * is bumped when its event fires or is cancelled, so an old id no longer
 * matches (until the same slot has been reused 2^32 times). Free slots
 * form a LIFO list threaded through their pos field, so the event a
 * callback schedules usually reuses the slot that just fired, still in
 * cache.
 *
 * No allocation happens in steady state: the heap and slot arrays only
 * grow (doubling) when the number of pending events reaches a new maximum.
 */
#include "engine.h"

#include "base.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct engine_entry {
	uint64_t tbits; /* the firing time's bits (s, a non-negative double) */
	uint64_t order; /* seq << 32 | slot: seq breaks ties, slot indexes e->slots */
};

struct engine_slot {
	engine_fn fn; /* NULL while the slot is free */
	void *obj;
	uint64_t arg;
	uint32_t pos; /* heap index while pending; next free slot while free */
	uint32_t gen; /* bumped when the event fires or is cancelled */
};

enum {
	ROOT = 3,        /* physical index of the heap's root */
	HEAP_ALIGN = 64, /* bytes: a cache line, four entries */
};

#define NO_SLOT UINT32_MAX
#define SEQ_LIMIT ((uint64_t)1 << 32) /* e->seq stays below: it is an entry's 32 bits */

static inline uint64_t time_bits(double t)
{
	uint64_t b;
	memcpy(&b, &t, sizeof(b));
	return b;
}

static inline double entry_time(const struct engine_entry *x)
{
	double t;
	memcpy(&t, &x->tbits, sizeof(t));
	return t;
}

static inline uint32_t entry_slot(const struct engine_entry *x)
{
	return (uint32_t)x->order;
}

static inline struct engine_entry make_entry(double t, uint64_t seq, uint32_t slot)
{
	struct engine_entry x = { time_bits(t + 0.0), seq << 32 | slot }; /* -0 + 0 = +0 */
	return x;
}

static inline size_t first_child(size_t p)
{
	return 4 * p - 8;
}

static inline size_t parent(size_t c)
{
	return c / 4 + 2;
}

__extension__ typedef unsigned __int128 u128; /* GCC and Clang on 64-bit targets */

/* (t, seq) order: one 128-bit compare of {time bits, seq:slot}, which the
 * compiler turns into cmp + sbb, no branch: in a sift the outcome is a
 * coin toss, so a branch would mispredict half the time. */
static inline int before(const struct engine_entry *a, const struct engine_entry *b)
{
	return ((u128)a->tbits << 64 | a->order) < ((u128)b->tbits << 64 | b->order);
}

static inline event_id make_id(uint32_t gen, uint32_t slot)
{
	return (uint64_t)gen << 32 | ((uint64_t)slot + 1);
}

void engine_init(struct engine *e)
{
	memset(e, 0, sizeof(*e));
	e->free_head = NO_SLOT;
}

static void heap_free(struct engine_entry *h)
{
	if (h)
		free((unsigned char *)h - h[0].order);
}

void engine_release(struct engine *e)
{
	heap_free(e->heap);
	free(e->slots);
	engine_init(e);
}

/* Doubles the heap array, keeping it 64-byte aligned (see the top). */
static void heap_grow(struct engine *e)
{
	size_t cap = e->cap ? 2 * e->cap : 64;
	unsigned char *raw = xmalloc(cap * sizeof(struct engine_entry) + HEAP_ALIGN);
	size_t off = HEAP_ALIGN - (uintptr_t)raw % HEAP_ALIGN; /* 1 .. HEAP_ALIGN */
	struct engine_entry *h = (struct engine_entry *)(void *)(raw + off);

	h[0].order = off;
	if (e->heap)
		memcpy(h + ROOT, e->heap + ROOT, e->n * sizeof(*h));
	heap_free(e->heap);
	e->heap = h;
	e->cap = cap;
}

static uint32_t slot_alloc(struct engine *e)
{
	uint32_t s = e->free_head;

	if (s != NO_SLOT) {
		e->free_head = e->slots[s].pos;
		return s;
	}
	if (e->nslots == e->slots_cap) {
		uint32_t cap = e->slots_cap ? 2 * e->slots_cap : 64;
		assert(cap > e->slots_cap && cap < NO_SLOT); /* 2^31 slots at most */
		e->slots = xrealloc(e->slots, (size_t)cap * sizeof(*e->slots));
		e->slots_cap = cap;
	}
	s = e->nslots++;
	e->slots[s].gen = 0;
	return s;
}

static void slot_free(struct engine *e, uint32_t s)
{
	struct engine_slot *sl = &e->slots[s];

	sl->fn = NULL;
	sl->gen++;
	sl->pos = e->free_head;
	e->free_head = s;
}

/* The slot of a pending event, or NULL if id is stale or not an id. */
static struct engine_slot *slot_of(const struct engine *e, event_id id)
{
	uint32_t s = (uint32_t)id - 1; /* id 0 wraps to NO_SLOT */
	struct engine_slot *sl;

	if (s >= e->nslots)
		return NULL;
	sl = &e->slots[s];
	if (sl->gen != (uint32_t)(id >> 32))
		return NULL;
	/* A matching generation means pending; the position check also
	 * rejects a made-up id that names a free slot's future generation. */
	if (sl->pos < ROOT || sl->pos >= ROOT + e->n || entry_slot(&e->heap[sl->pos]) != s)
		return NULL;
	return sl;
}

/* Moves the entry at from into the hole at to. The slot index comes from
 * the loaded word, not from re-reading the stored entry: that read-back
 * (a 4-byte load from a 16-byte store) stalls store-to-load forwarding. */
static inline void move_entry(struct engine_entry *h, struct engine_slot *slots, size_t to,
			      size_t from)
{
	uint64_t tbits = h[from].tbits, order = h[from].order;

	h[to].tbits = tbits;
	h[to].order = order;
	slots[(uint32_t)order].pos = (uint32_t)to;
}

/* Places x at the hole pos or above it. */
static void sift_up(struct engine *e, size_t pos, struct engine_entry x)
{
	struct engine_entry *h = e->heap;
	struct engine_slot *slots = e->slots;

	while (pos > ROOT) {
		size_t p = parent(pos);
		if (!before(&x, &h[p]))
			break;
		move_entry(h, slots, pos, p);
		pos = p;
	}
	h[pos] = x;
	slots[entry_slot(&x)].pos = (uint32_t)pos;
}

/* Index of the earliest of the children c .. end-1 (at most four). */
static inline size_t min_child(const struct engine_entry *h, size_t c, size_t end)
{
	size_t m, m2;

	if (c + 3 < end) {
		m = c + before(&h[c + 1], &h[c]);
		m2 = c + 2 + before(&h[c + 3], &h[c + 2]);
		/* m2 if it is earlier, as a mask rather than a branch. */
		return m ^ ((m ^ m2) & -(size_t)before(&h[m2], &h[m]));
	}
	m = c;
	for (size_t i = c + 1; i < end; i++)
		if (before(&h[i], &h[m]))
			m = i;
	return m;
}

/*
 * Starts loading the children of c .. c+3 (the grandchildren of the hole):
 * four cache lines, fetched while the current level is compared, so that
 * a walk down a big heap waits for memory once rather than once a level.
 * always_inline: GCC 12 deems a function made of prefetches pure and
 * deletes the calls before it would inline them.
 */
__attribute__((always_inline)) static inline void
prefetch_below(const struct engine_entry *h, size_t c, size_t end)
{
	size_t g = first_child(c);

	if (g + 15 < end) {
		__builtin_prefetch(&h[g]);
		__builtin_prefetch(&h[g + 4]);
		__builtin_prefetch(&h[g + 8]);
		__builtin_prefetch(&h[g + 12]);
	} else if (g < end) {
		__builtin_prefetch(&h[g]);
	}
}

/* Places x at the hole pos or below it. */
static void sift_down(struct engine *e, size_t pos, struct engine_entry x)
{
	struct engine_entry *h = e->heap;
	struct engine_slot *slots = e->slots;
	size_t end = ROOT + e->n;

	for (;;) {
		size_t c = first_child(pos), m;
		if (c >= end)
			break;
		prefetch_below(h, c, end);
		m = min_child(h, c, end);
		if (!before(&h[m], &x))
			break;
		move_entry(h, slots, pos, m);
		pos = m;
	}
	h[pos] = x;
	slots[entry_slot(&x)].pos = (uint32_t)pos;
}

/* Removes the root entry (bottom-up: hole to a leaf, then sift the last
 * entry up from there). */
static void pop_root(struct engine *e)
{
	struct engine_entry *h = e->heap;
	struct engine_slot *slots = e->slots;
	size_t end = ROOT + --e->n, pos = ROOT;

	if (end == ROOT)
		return;
	for (;;) {
		size_t c = first_child(pos), m;
		if (c >= end)
			break;
		prefetch_below(h, c, end);
		m = min_child(h, c, end);
		move_entry(h, slots, pos, m);
		pos = m;
	}
	sift_up(e, pos, h[end]);
}

/* Puts x at pos, whose entry it replaces, and restores the heap order. */
static void replace_at(struct engine *e, size_t pos, struct engine_entry x)
{
	if (pos > ROOT && before(&x, &e->heap[parent(pos)]))
		sift_up(e, pos, x);
	else
		sift_down(e, pos, x);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Gives the pending entries the numbers 0 .. n-1 in their current order,
 * in place, and restarts e->seq at n (see the top). Relative order is
 * kept, so the heap stays a heap. */
static void seq_renumber(struct engine *e)
{
	struct engine_entry *h = e->heap + ROOT;
	uint64_t *key = xmalloc((e->n ? e->n : 1) * sizeof(*key));

	for (size_t i = 0; i < e->n; i++)
		key[i] = (h[i].order >> 32) << 32 | i; /* seq, then heap index */
	qsort(key, e->n, sizeof(*key), cmp_u64);
	for (size_t k = 0; k < e->n; k++) {
		struct engine_entry *x = &h[(uint32_t)key[k]];
		x->order = (uint64_t)k << 32 | entry_slot(x);
	}
	free(key);
	e->seq = e->n;
}

static inline uint64_t next_seq(struct engine *e)
{
	if (e->seq >= SEQ_LIMIT)
		seq_renumber(e);
	return e->seq++;
}

event_id engine_at(struct engine *e, double t, engine_fn fn, void *obj, uint64_t arg)
{
	struct engine_entry x;
	struct engine_slot *sl;
	uint32_t s;

	assert(fn);
	assert(t >= e->now && t >= 0 && t < INFINITY); /* also rejects NaN */
	s = slot_alloc(e);
	sl = &e->slots[s];
	sl->fn = fn;
	sl->obj = obj;
	sl->arg = arg;
	if (ROOT + e->n >= e->cap)
		heap_grow(e);
	x = make_entry(t, next_seq(e), s);
	sift_up(e, ROOT + e->n++, x);
	return make_id(sl->gen, s);
}

event_id engine_after(struct engine *e, double dt, engine_fn fn, void *obj, uint64_t arg)
{
	assert(dt >= 0);
	return engine_at(e, e->now + dt, fn, obj, arg);
}

int engine_cancel(struct engine *e, event_id id)
{
	struct engine_slot *sl = slot_of(e, id);
	size_t pos, last;

	if (!sl)
		return 0;
	pos = sl->pos;
	slot_free(e, (uint32_t)(sl - e->slots));
	last = ROOT + --e->n;
	if (pos != last)
		replace_at(e, pos, e->heap[last]);
	return 1;
}

event_id engine_reschedule(struct engine *e, event_id id, double t)
{
	struct engine_slot *sl = slot_of(e, id);
	struct engine_entry x;

	if (!sl)
		return 0;
	assert(t >= e->now && t >= 0 && t < INFINITY);
	x = make_entry(t, next_seq(e), (uint32_t)(sl - e->slots));
	replace_at(e, sl->pos, x);
	return id;
}

int engine_pending(const struct engine *e, event_id id)
{
	return slot_of(e, id) != NULL;
}

double engine_time_of(const struct engine *e, event_id id)
{
	const struct engine_slot *sl = slot_of(e, id);
	return sl ? entry_time(&e->heap[sl->pos]) : -1;
}

size_t engine_size(const struct engine *e)
{
	return e->n;
}

double engine_peek_time(const struct engine *e)
{
	return e->n ? entry_time(&e->heap[ROOT]) : INFINITY;
}

void engine_warm(struct engine *e, engine_fn fn, engine_warm_fn warm)
{
	for (int i = 0; i < e->nwarm; i++)
		if (e->warm_fn[i] == fn) {
			e->warm[i] = warm;
			return;
		}
	if (e->nwarm < ENGINE_MAX_WARM) {
		e->warm_fn[e->nwarm] = fn;
		e->warm[e->nwarm++] = warm;
	}
}

static void warm_entry(const struct engine *e, size_t pos, int stage)
{
	const struct engine_slot *sl = &e->slots[entry_slot(&e->heap[pos])];

	for (int i = 0; i < e->nwarm; i++)
		if (e->warm_fn[i] == sl->fn) {
			e->warm[i](sl->obj, sl->arg, stage);
			return;
		}
}

/* The hints of the next event (the root) and of the one after (the
 * earliest of the root's children, unless the current event schedules
 * something earlier: a hint is then wasted, nothing else). */
static void warm_next(const struct engine *e)
{
	size_t c = first_child(ROOT), end = ROOT + e->n, m = c;

	warm_entry(e, ROOT, 2);
	if (c >= end)
		return;
	for (size_t k = c + 1; k < c + 4 && k < end; k++)
		if (before(&e->heap[k], &e->heap[m]))
			m = k;
	warm_entry(e, m, 1);
}

int engine_step(struct engine *e, void *ctx)
{
	const struct engine_entry *top;
	struct engine_slot *sl;
	engine_fn fn;
	void *obj;
	uint64_t arg;

	if (e->n == 0)
		return 0;
	top = &e->heap[ROOT];
	assert(entry_time(top) >= e->now);
	e->now = entry_time(top);
	sl = &e->slots[entry_slot(top)];
	fn = sl->fn;
	obj = sl->obj;
	arg = sl->arg;
	slot_free(e, entry_slot(top));
	pop_root(e);
	e->fired++;
	if (e->nwarm && e->n)
		warm_next(e);
	fn(ctx, obj, arg);
	return 1;
}

uint64_t engine_run(struct engine *e, double until, void *ctx)
{
	uint64_t fired = e->fired;

	assert(!isnan(until));
	while (!e->stopped && e->n && entry_time(&e->heap[ROOT]) <= until)
		engine_step(e, ctx);
	if (!e->stopped && until > e->now && until < INFINITY)
		e->now = until;
	return e->fired - fired;
}

void engine_stop(struct engine *e)
{
	e->stopped = 1;
}

int engine_check(const struct engine *e)
{
	size_t end = ROOT + e->n, nfree = 0;

	for (size_t i = ROOT; i < end; i++) {
		const struct engine_entry *x = &e->heap[i];
		uint32_t s = entry_slot(x);
		if (s >= e->nslots || e->slots[s].pos != i || !e->slots[s].fn)
			return -1;
		if (!(entry_time(x) >= e->now && entry_time(x) < INFINITY) || x->tbits >> 63)
			return -1;
		if ((x->order >> 32) >= e->seq)
			return -1;
		if (i > ROOT && before(x, &e->heap[parent(i)]))
			return -1;
	}
	for (uint32_t s = e->free_head; s != NO_SLOT; s = e->slots[s].pos) {
		if (s >= e->nslots || e->slots[s].fn || ++nfree > e->nslots)
			return -1;
	}
	return e->n + nfree == e->nslots ? 0 : -1;
}
