/*
 * writer.c -- a run's rows streamed into a new database file; see writer.h.
 *
 * The thread loop: wait until the run publishes rows (results_sync_wait),
 * copy them out in batches under the results' lock (results_sync_copy, a
 * memcpy: the run may move a table while it grows), insert each batch
 * outside the lock. The run never waits for the writer except at the end.
 */
#define _GNU_SOURCE /* SCHED_IDLE */
#include "writer.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"

/* Rows copied out per lock: 4,096 sample rows are about 300 KiB. */
enum { WRITER_BATCH = 4096 };

struct writer {
	struct results *r;
	struct store st;
	char *path, *tmp; /* the target and the private file beside it */
	pthread_t th;
	int stop;         /* the run failed: write nothing more (atomic) */
	int failed;       /* the thread's last insert failed: err says why */
	struct err err;
	long count;       /* rows inserted, for store.h's fault hook */
	size_t done[RES_NSTREAM];
	void *buf;        /* WRITER_BATCH rows of the largest streamed type */
};

static size_t max_row_size(void)
{
	size_t m = 0;

	for (int t = 0; t < RES_NSTREAM; t++)
		if (results_stream_row_size((enum res_stream)t) > m)
			m = results_stream_row_size((enum res_stream)t);
	return m;
}

/* Writes the published rows of every table beyond w->done. */
static void drain(struct writer *w, const size_t pub[RES_NSTREAM])
{
	for (int t = 0; t < RES_NSTREAM; t++) {
		while (w->done[t] < pub[t] && !w->failed &&
		       !__atomic_load_n(&w->stop, __ATOMIC_RELAXED)) {
			size_t k = pub[t] - w->done[t], size;
			if (k > WRITER_BATCH)
				k = WRITER_BATCH;
			size = results_sync_copy(w->r, (enum res_stream)t, w->done[t], k, w->buf);
			if (store_append_rows(&w->st, (enum res_stream)t, w->buf, k, size, &w->count,
					      &w->err))
				w->failed = 1;
			w->done[t] += k;
		}
	}
}

static void set_policy(pthread_t th, int policy)
{
	struct sched_param p = { 0 };

	(void)pthread_setschedparam(th, policy, &p); /* a preference: fine if refused */
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	size_t pub[RES_NSTREAM];
	int over = 0;

	set_policy(pthread_self(), SCHED_IDLE);
	while (!over && !w->failed && !__atomic_load_n(&w->stop, __ATOMIC_RELAXED)) {
		over = results_sync_wait(w->r, w->done, pub);
		drain(w, pub);
	}
	return NULL;
}

/* PATH's folder, '.', PATH's name, ".partial-PID". */
static char *private_path(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	int dir = slash ? (int)(slash - path + 1) : 0;
	size_t n = strlen(path) + 64;
	char *p = xmalloc(n);

	snprintf(p, n, "%.*s.%s.partial-%ld", dir, path, name, (long)getpid());
	return p;
}

static void release(struct writer *w)
{
	if (w->st.db)
		store_close(&w->st);
	unlink(w->tmp);
	free(w->buf);
	free(w->tmp);
	free(w->path);
	free(w);
}

struct writer *writer_start(const char *path, struct results *r)
{
	struct writer *w;
	struct err e = { 0 };

	if (access(path, F_OK) == 0 || errno != ENOENT)
		return NULL;
	w = xcalloc(1, sizeof(*w));
	w->r = r;
	w->path = xstrdup(path);
	w->tmp = private_path(path);
	if (store_create_private(&w->st, w->tmp, path, &e)) {
		release(w);
		return NULL;
	}
	w->buf = xmalloc(WRITER_BATCH * max_row_size());
	results_sync_start(r);
	if (pthread_create(&w->th, NULL, writer_main, w) != 0) {
		release(w); /* no thread: the end-of-run write, as without a writer */
		return NULL;
	}
	return w;
}

void writer_free(struct writer *w)
{
	if (!w)
		return;
	__atomic_store_n(&w->stop, 1, __ATOMIC_RELAXED);
	results_sync_end(w->r);
	pthread_join(w->th, NULL);
	release(w);
}

/* The private file's bytes on disk before it takes the name: a crash must
 * not leave a database under the name whose pages were never written. */
static int sync_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* The target appeared while the run ran (or links are not supported):
 * append the run to it the usual way. */
static int write_usual(struct writer *w, int64_t *run_id, struct err *e)
{
	struct store st;
	int rc = store_open(&st, w->path, 0, e);

	if (rc == 0) {
		rc = store_write_run(&st, w->r, run_id, e);
		store_close(&st);
	}
	return rc;
}

int writer_finish(struct writer *w, int64_t *run_id, struct err *e)
{
	int rc = 0;

	results_sync_end(w->r);
	set_policy(w->th, SCHED_OTHER);
	pthread_join(w->th, NULL);
	if (w->failed) {
		*e = w->err;
		rc = ERR_RUN;
	} else if (store_finish_private(&w->st, w->r, &w->count, e)) {
		rc = ERR_RUN;
	}
	store_close(&w->st);
	if (rc == 0 && sync_file(w->tmp) != 0)
		rc = err_set(e, ERR_RUN, "%s: cannot write run: %s", w->tmp, strerror(errno));
	if (rc == 0) {
		if (link(w->tmp, w->path) == 0)
			*run_id = STORE_PRIVATE_RUN_ID;
		else
			rc = write_usual(w, run_id, e);
	}
	release(w);
	return rc;
}
