/*
 * writer.h -- writing a run's rows while it runs, into a new database file.
 *
 * `clustersim run` into a file that does not exist yet. Instead of holding
 * every row until the run ends and writing them all then (store_write_run:
 * 11 s of `large`'s 140 s), a writer thread streams the tables a run
 * appends to (events, samples, scores: results.h) into a private file
 * beside the target, `.NAME.partial-PID`, as the run publishes them. At
 * the end it adds the other tables (runs, summary, nodes, pods), commits,
 * switches the file to WAL mode and links it under its name: one step, so
 * the database appears whole or not at all, as shared/SPEC.md asks of a
 * run, with the same rows the end-of-run write gives (tests/cli/
 * stream_write.sh compares them table by table).
 *
 * Nobody else can open the private file, so the transaction holds no lock
 * another process waits for, and it needs no journal: a failed or
 * interrupted run deletes it (a SIGKILL leaves it behind, named as above).
 * If the target appeared in the meantime (another process created it),
 * the run is appended to it the usual way and the private file removed.
 *
 * The writer thread runs at SCHED_IDLE: it takes what the simulation and
 * its helper (helper.h) leave of the machine and never delays them; at the
 * end it runs at normal priority for what is left.
 *
 * Ownership: the writer reads r until writer_finish or writer_free; r must
 * outlive it. One writer per run.
 */
#ifndef CLUSTERSIM_WRITER_H
#define CLUSTERSIM_WRITER_H

#include <stdint.h>

#include "base.h"
#include "results.h"

struct writer;

/* Starts streaming r into a new file at path. NULL when path exists or the
 * private file cannot be made: the caller then writes at the end as
 * before (store_write_run), which reports any error with the path. */
struct writer *writer_start(const char *path, struct results *r);
/* After a successful run (r complete): writes the rest and puts the file
 * in place; *run_id is its run_id. ERR_RUN with a message naming path on
 * failure, nothing left behind. Frees w. */
int writer_finish(struct writer *w, int64_t *run_id, struct err *e);
/* After a failed run: stops the thread, deletes the private file, frees w
 * (NULL: nothing). */
void writer_free(struct writer *w);

#endif
