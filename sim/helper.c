/*
 * helper.c -- the helper thread of a run. See helper.h.
 *
 * One job at a time: `gen` counts the jobs handed over, `done` the ones the
 * helper finished; the caller waits for done == gen.
 */
#include "helper.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "base.h"

struct helper {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t go, finished;
	helper_fn fn;
	void *arg;
	uint64_t gen, done;
	int quit;
};

static void *helper_main(void *p)
{
	struct helper *h = p;
	uint64_t seen = 0;

	pthread_mutex_lock(&h->mu);
	for (;;) {
		while (h->gen == seen && !h->quit)
			pthread_cond_wait(&h->go, &h->mu);
		if (h->quit)
			break;
		seen = h->gen;
		pthread_mutex_unlock(&h->mu);
		h->fn(h->arg, 1);
		pthread_mutex_lock(&h->mu);
		h->done = seen;
		pthread_cond_signal(&h->finished);
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

struct helper *helper_new(void)
{
	struct helper *h = xcalloc(1, sizeof(*h));

	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->go, NULL);
	pthread_cond_init(&h->finished, NULL);
	if (pthread_create(&h->th, NULL, helper_main, h) != 0) {
		pthread_cond_destroy(&h->finished);
		pthread_cond_destroy(&h->go);
		pthread_mutex_destroy(&h->mu);
		free(h);
		return NULL;
	}
	return h;
}

void helper_free(struct helper *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	h->quit = 1;
	pthread_cond_signal(&h->go);
	pthread_mutex_unlock(&h->mu);
	pthread_join(h->th, NULL);
	pthread_cond_destroy(&h->finished);
	pthread_cond_destroy(&h->go);
	pthread_mutex_destroy(&h->mu);
	free(h);
}

void helper_split(struct helper *h, helper_fn fn, void *arg)
{
	if (!h) {
		fn(arg, 0);
		fn(arg, 1);
		return;
	}
	pthread_mutex_lock(&h->mu);
	h->fn = fn;
	h->arg = arg;
	h->gen++;
	pthread_cond_signal(&h->go);
	pthread_mutex_unlock(&h->mu);
	fn(arg, 0);
	pthread_mutex_lock(&h->mu);
	while (h->done != h->gen)
		pthread_cond_wait(&h->finished, &h->mu);
	pthread_mutex_unlock(&h->mu);
}
