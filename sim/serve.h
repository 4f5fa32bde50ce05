/*
 * serve.h -- a pod serving requests: a concurrency limit, a FIFO queue,
 * per-request timeouts, and the pod's CPU group.
 *
 * A request submitted to a pod is served at once if fewer than
 * `concurrency` requests are being served (it becomes a job in the pod's
 * cpu group, cpu.h), else it waits in the pod's FIFO queue (a ring buffer)
 * and starts when a served one leaves. Every request ends exactly once, by
 *   done  its CPU work finished, or
 *   fail  SERVE_TIMEOUT: still in the pod (queued or served) at arrival +
 *         timeout; the pod stops working on it (the proxy resets the
 *         stream; a server that kept computing is not modelled), or
 *         SERVE_KILLED: serve_kill (OOM kill, eviction, node loss).
 * The request returns to its pool when the callback returns.
 *
 * Timeouts cost no event per request, nor one per pod: requests with the
 * same timeout end their wait in arrival order, whatever pod serves them,
 * so the pool keeps one arrival-ordered list per distinct timeout value
 * and ONE lazy timer at or before the earliest deadline of any pod. When
 * it fires it fails the expired heads and moves to the next head's
 * deadline: about once per timeout interval for the whole run, not once
 * per request or per pod (a per-pod timer was a pending event per busy
 * pod: 20,000 of them in a large cluster, and 4 % of its events).
 * Timeout INFINITY: never.
 *
 * In-flight = queued + served (memory and least-request routing use it).
 *
 * Cost: submit, finish, timeout O(log n) in the cpu group plus the cpu
 * node's update; with k distinct timeouts in the pool, O(k) more. No
 * allocation per request: requests come from a pool (chunks of
 * SERVE_POOL_CHUNK, never shrunk), so memory follows the peak number in
 * flight, not the number of requests.
 *
 * Re-entrancy: callbacks may submit requests (to any pod, this one too)
 * and kill pods; they must not serve_release the pod whose callback is
 * running. serve_kill fails what was in flight when it was called.
 */
#ifndef CLUSTERSIM_SERVE_H
#define CLUSTERSIM_SERVE_H

#include <stdint.h>

#include "cpu.h"
#include "engine.h"

#define SERVE_POOL_CHUNK 256

enum serve_fail { SERVE_TIMEOUT, SERVE_KILLED };

struct serve_req {
	struct cpu_job job;      /* while served */
	double t_arrive;         /* s, submission */
	double t_start;          /* s, start of service; -1 while queued */
	double deadline;         /* s, t_arrive + timeout */
	double work;             /* CPU-s at speed 1.0 */
	struct serve *pod;       /* NULL when free */
	struct serve_req *prev, *next; /* its timeout list; next also links the pool */
	uint64_t qpos;           /* ring position while queued */
	uint64_t ord;            /* submission order in the pool */
	uint32_t cls;            /* its timeout list in the pool */
	uint32_t stream;         /* the caller's, untouched */
	void *user;              /* the caller's, untouched */
};

struct serve_class {
	double timeout;          /* s */
	struct serve_req *head, *tail; /* arrival order, every pod */
};

struct serve_pool {
	struct serve_req **chunks;
	uint32_t nchunks, chunks_cap;
	struct serve_req *free;
	uint64_t in_use, peak;   /* requests handed out now / at most */
	struct engine *eng;
	struct serve_class *cls; /* one arrival-ordered list per timeout */
	uint32_t ncls, cls_cap;
	event_id timer;          /* lazy timeout timer, 0 when none */
	double timer_t;          /* s */
	uint64_t ord;            /* submissions so far */
};

struct serve;
struct serve_ops {
	void (*done)(void *ctx, struct serve *s, struct serve_req *r);
	void (*fail)(void *ctx, struct serve *s, struct serve_req *r, enum serve_fail why);
};

/* What every request reads comes first (two cache lines with the group's
 * first line); the queue and the rarer totals after. */
struct serve {
	uint32_t concurrency;
	uint32_t serving, queued, inflight;
	uint64_t completed;      /* total */
	struct engine *eng;
	struct serve_pool *pool;
	const struct serve_ops *ops;
	void *ctx;
	struct cpu_group group;  /* the pod's cgroup */
	struct serve_req **ring; /* waiting requests; NULL: timed out */
	uint64_t ring_head, ring_tail; /* positions; slot = pos & (cap - 1) */
	uint32_t ring_cap;       /* power of two */
	uint64_t timeouts, killed; /* totals */
};

/* A pool whose timeout timer runs on eng. */
void serve_pool_init(struct serve_pool *p, struct engine *eng);
/* Frees every chunk and stops the timer; no request may be in use. */
void serve_pool_release(struct serve_pool *p);
/* A fresh request (its caller fields zeroed). */
struct serve_req *serve_req_get(struct serve_pool *p);
/* Returns an unused request (e.g. one the caller decided not to submit). */
void serve_req_put(struct serve_pool *p, struct serve_req *r);
/* Requests the pool holds memory for. */
uint64_t serve_pool_capacity(const struct serve_pool *p);

/* Puts the pod's cpu group on node n and starts serving. s is caller-owned. */
void serve_init(struct serve *s, struct cpu_node *n, const struct cpu_share *sh,
		uint32_t concurrency, struct serve_pool *pool, const struct serve_ops *ops,
		void *ctx);
/* Takes the pod off its node: kill first if requests are in flight. */
void serve_release(struct serve *s);
/* Submits r (from s->pool) needing `work` CPU-s, now, with a timeout in s
 * (> 0, INFINITY for none). */
void serve_submit(struct serve *s, struct serve_req *r, double work, double timeout);
/* Fails every request in the pod with SERVE_KILLED. */
void serve_kill(struct serve *s);

#endif
