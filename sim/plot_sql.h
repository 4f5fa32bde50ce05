/*
 * plot_sql.h -- small helpers shared by the plot_* files: SQLite reads
 * that map NULL to NaN or "", error messages with SQLite's text, and the
 * writers of the data file format of plot_data.h. Internal to plot.
 */
#ifndef CLUSTERSIM_PLOT_SQL_H
#define CLUSTERSIM_PLOT_SQL_H

#include <stdint.h>
#include <stdio.h>
#include "base.h"

struct sqlite3;
struct sqlite3_stmt;

/* ERR_RUN with SQLite's message for the connection's last error. */
int plot_sql_fail(struct sqlite3 *db, struct err *e);
int plot_sql_prepare(struct sqlite3 *db, const char *sql, struct sqlite3_stmt **st,
		     struct err *e);
/* Finalizes st; rc is the last sqlite3_step result: SQLITE_DONE is 0. */
int plot_sql_done(struct sqlite3 *db, struct sqlite3_stmt *st, int rc, struct err *e);
/* Column i as a double, NaN for NULL. */
double plot_sql_num(struct sqlite3_stmt *st, int i);
/* Column i as text, "" for NULL (valid until the next step). */
const char *plot_sql_text(struct sqlite3_stmt *st, int i);
/* runs.sim_seconds of a run (s); ERR_INPUT when there is no such run. */
int plot_sql_run_seconds(struct sqlite3 *db, int64_t run_id, double *seconds, struct err *e);

/* Two blank lines before every block but the first (block 0). */
void plot_block_begin(FILE *out, int block);
/* %.10g, or NaN (gnuplot's gap) for a NaN. */
void plot_put_num(FILE *out, double x);
/* s in double quotes, a '"' inside replaced by '\'' (gnuplot has no escape in data). */
void plot_put_str(FILE *out, const char *s);
/* a, mid, b, end concatenated inside one pair of double quotes. */
void plot_put_label(FILE *out, const char *a, const char *mid, const char *b, const char *end);

#endif
