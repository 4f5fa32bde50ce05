/*
 * store.h -- the SQLite results database.
 *
 * Owns: one connection. The schema of shared/SPEC.md is created on first
 * use (CREATE TABLE IF NOT EXISTS; columns may be added by later versions,
 * never removed or renamed). WAL journal mode and a busy timeout let several
 * processes append to one database at once.
 *
 * store_write_run writes a whole run -- runs row, summary, nodes, pods,
 * events, samples, scores -- in one transaction with prepared statements:
 * a run is in the database whole or not at all. Runs are appended with a
 * new run_id; nothing is ever overwritten. created_at is UTC ISO 8601.
 *
 * Errors: ERR_RUN with the database path and SQLite's message (a read-only
 * file, a full disk); the transaction is rolled back.
 *
 * Threads: a struct store is one connection, used by one thread at a time;
 * parallel workers each open their own (they then queue on the write lock).
 */
#ifndef CLUSTERSIM_STORE_H
#define CLUSTERSIM_STORE_H

#include <stddef.h>
#include <stdint.h>
#include "base.h"
#include "results.h"

struct results;
struct sqlite3;

struct store {
	struct sqlite3 *db;
	const char *path; /* copy owned by the store, for messages */
	/* Fault injection, for tests only: when > 0, store_write_run fails
	 * (and rolls back) after inserting this many rows of the run, counting
	 * the runs row. store_open sets it to 0. */
	long fail_after_rows;
};

/* Opens (creating folders' file and schema). readonly: no schema creation. */
int store_open(struct store *s, const char *path, int readonly, struct err *e);
void store_close(struct store *s);
int store_write_run(struct store *s, const struct results *r, int64_t *run_id, struct err *e);
/* Whether a run with this scenario hash, params JSON and seed exists (resume). */
int store_has_run(struct store *s, const char *sha256, const char *params, uint64_t seed,
		  int *found, struct err *e);

/*
 * A run streamed into a new file nobody else has opened (writer.h): the
 * schema and an open transaction without journal (the file is deleted on
 * failure, never rolled back); the streamed tables' rows as they come,
 * with run_id STORE_PRIVATE_RUN_ID (the file's first run); then the other
 * tables, COMMIT, and WAL mode like every results database. Messages name
 * `target`, the file the private one becomes, whose folder is made and
 * checked as store_open does. `count` is the fault hook's row count.
 */
#define STORE_PRIVATE_RUN_ID 1
int store_create_private(struct store *s, const char *path, const char *target, struct err *e);
int store_append_rows(struct store *s, enum res_stream t, const void *rows, size_t n,
		      size_t row_size, long *count, struct err *e);
int store_finish_private(struct store *s, const struct results *r, long *count, struct err *e);

enum report_format { REPORT_TEXT, REPORT_CSV, REPORT_JSON };

/*
 * Prints the runs and their summaries (all runs, or run_id > 0 only) to out.
 * Text is an aligned table for people; CSV has a header row; JSON is an
 * array of objects. With several replications of sweep points, the text
 * format also groups by point (mean and 95 % CI; see report.c).
 */
int store_report(struct store *s, int64_t run_id, enum report_format fmt, void *out_file,
		 struct err *e);

#endif
