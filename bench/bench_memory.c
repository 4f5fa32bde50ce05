/*
 * bench_memory.c -- what a cold pod costs on this machine, by working set.
 *
 * A request reads one pod it has not touched for many thousand events (at
 * 10,000 nodes each pod sees a request every 10 s of 100,000 requests),
 * so its cost per event follows the machine's latency for a random object
 * in a working set of that size: in the caches up to their size, from
 * DRAM beyond. This program measures that curve with objects the size of
 * struct sim_pod, reading the lines a request reads (sim_pod_prefetch's
 * span), in a random order fixed by a seed:
 *
 *   chase      each object holds the next one's index: one dependent miss
 *              after another, the latency of a random object
 *   work       the order is a table, as the engine knows its next events,
 *              and each object is followed by WORK_ROUNDS multiply-adds
 *              that depend on what was read (about 0.3 us, an event's
 *              worth: more than the core looks ahead), nothing prefetched
 *   ahead 1/2  the same, with the lines of the object 1 or 2 visits ahead
 *              prefetched, as the engine's cache hints do (engine_warm)
 *
 * Every column is ns per object, the best of ROUNDS rounds.
 *
 * The nodes series of bench/run.sh is to be read against it: the
 * simulator's state grows by about 1 KiB per pod (the sim_pod, its struct
 * pod, a tenth of a node), so 1,000 nodes (10,000 pods) stay in the
 * last-level cache and 10,000 do not (docs/performance.md).
 *
 * Usage: bench_memory [MiB ...]   (default: 1 2 4 8 16 24 32 64 128)
 */
#include "sim.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

enum { LINE = 64, ROUNDS = 3, WORK_ROUNDS = 200 };

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Reads `lines` lines of object o: one word each, summed (the sum reaches
 * the output, so no read can be skipped). memcpy: the memory is bytes. */
static uint64_t touch(const unsigned char *o, size_t lines)
{
	uint64_t s = 0;
	for (size_t l = 0; l < lines; l++) {
		uint64_t w;
		memcpy(&w, o + l * LINE, sizeof(w));
		s += w;
	}
	return s;
}

/* A dependent chain of `work` multiply-adds on v: what an event computes
 * from the state it read. */
static uint64_t compute(uint64_t v, int work)
{
	for (int r = 0; r < work; r++)
		v = v * 2862933555777941757ull + 3037000493ull;
	return v;
}

/* ns per object over `visits` visits, best of ROUNDS. chase: follow the
 * index each object holds; else visit order[] with `ahead` objects'
 * lines prefetched in advance (0: none) and `work` after each. */
static double visit(const unsigned char *mem, size_t obj, size_t lines, const uint32_t *order,
		    size_t n, size_t visits, int chase, int ahead, int work, uint64_t *sink)
{
	double best = INFINITY;

	for (int r = 0; r < ROUNDS; r++) {
		uint32_t at = order[0];
		uint64_t v = 0;
		double t0 = now_s();
		for (size_t k = 0; k < visits; k++) {
			const unsigned char *o;
			if (chase) {
				o = mem + (size_t)at * obj;
				memcpy(&at, o, sizeof(at));
			} else {
				o = mem + (size_t)order[k % n] * obj;
				if (ahead)
					prefetch_span(mem + (size_t)order[(k + (size_t)ahead) % n] * obj,
						      lines * LINE);
			}
			v = compute(v + touch(o, lines), work);
		}
		*sink += v;
		double t = (now_s() - t0) / (double)visits * 1e9;
		if (t < best)
			best = t;
	}
	return best;
}

/* A sim_pod as the arena lays it out (on whole lines), and the lines of
 * it a request reads (sim_pod_prefetch's span). */
static size_t obj_bytes(void)
{
	return (sizeof(struct sim_pod) + LINE - 1) / LINE * LINE;
}

static size_t hot_lines(void)
{
	size_t span = offsetof(struct sim_pod, srv.group.s) + sizeof(((struct sim_pod *)0)->srv.group.s);

	return (span + LINE - 1) / LINE;
}

static void one(size_t mib, uint64_t *sink)
{
	size_t obj = obj_bytes(), lines = hot_lines(), n = (mib << 20) / obj, visits;
	unsigned char *mem = aligned_alloc(LINE, n * obj);
	uint32_t *order = xmalloc(n * sizeof(*order));
	uint64_t x = 88172645463325252ull;
	double chase, work, ahead1, ahead2, t0 = now_s();

	if (!mem) {
		fprintf(stderr, "bench_memory: out of memory for %zu MiB\n", mib);
		exit(1);
	}
	memset(mem, 0, n * obj); /* every page in, every byte defined */
	for (size_t i = 0; i < n; i++)
		order[i] = (uint32_t)i;
	for (size_t i = n - 1; i > 0; i--) { /* Fisher-Yates, a fixed seed */
		size_t j = (size_t)(xorshift(&x) % (i + 1));
		uint32_t t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	visits = n > 1000000 ? n : 1000000;
	for (size_t i = 0; i < n; i++) /* one cycle through order[], for chase */
		memcpy(mem + (size_t)order[i] * obj, &order[(i + 1) % n], sizeof(uint32_t));
	chase = visit(mem, obj, lines, order, n, visits, 1, 0, 0, sink);
	work = visit(mem, obj, lines, order, n, visits, 0, 0, WORK_ROUNDS, sink);
	ahead1 = visit(mem, obj, lines, order, n, visits, 0, 1, WORK_ROUNDS, sink);
	ahead2 = visit(mem, obj, lines, order, n, visits, 0, 2, WORK_ROUNDS, sink);
	printf("%6zu MiB %8zu  %8.1f %8.1f %8.1f %8.1f  %6.2f s\n", mib, n, chase, work, ahead1,
	       ahead2, now_s() - t0);
	free(mem);
	free(order);
}

int main(int argc, char **argv)
{
	static const size_t dflt[] = { 1, 2, 4, 8, 16, 24, 32, 64, 128 };
	size_t *mib = xmalloc((argc > 1 ? (size_t)argc : ARRAY_LEN(dflt)) * sizeof(*mib)), n = 0;
	uint64_t sink = 0;
	struct rusage ru;
	double t0 = now_s();

	for (int i = 1; i < argc; i++) {
		char *end;
		unsigned long v = strtoul(argv[i], &end, 10);
		if (*end || v < 1 || v > 65536) {
			fprintf(stderr, "usage: bench_memory [MiB ...] (1 to 65536)\n");
			free(mib);
			return 2;
		}
		mib[n++] = (size_t)v;
	}
	for (size_t i = 0; argc == 1 && i < ARRAY_LEN(dflt); i++)
		mib[n++] = dflt[i];
	printf("bench_memory: random %zu-byte objects (struct sim_pod), the %zu lines a request reads;\n"
	       "ns per object: chase (dependent misses), work (%d multiply-adds after each, nothing\n"
	       "prefetched), ahead 1 and 2 (the same, the next objects' lines prefetched)\n"
	       "  working set  objects     chase     work  ahead 1  ahead 2    wall\n",
	       obj_bytes(), hot_lines(), WORK_ROUNDS);
	for (size_t i = 0; i < n; i++)
		one(mib[i], &sink);
	free(mib);
	getrusage(RUSAGE_SELF, &ru);
	printf("wall %.2f s, peak RSS %.1f MiB (checksum %llu)\n", now_s() - t0,
	       (double)ru.ru_maxrss / 1024.0, (unsigned long long)(sink & 0xff));
	return 0;
}
