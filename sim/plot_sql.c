/* plot_sql.c -- see plot_sql.h. */
#include "plot_sql.h"

#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>

int plot_sql_fail(sqlite3 *db, struct err *e)
{
	return err_set(e, ERR_RUN, "results database: %s", sqlite3_errmsg(db));
}

int plot_sql_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, struct err *e)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
		return plot_sql_fail(db, e);
	return 0;
}

int plot_sql_done(sqlite3 *db, sqlite3_stmt *st, int rc, struct err *e)
{
	int ret = rc == SQLITE_DONE ? 0 : plot_sql_fail(db, e);
	sqlite3_finalize(st);
	return ret;
}

double plot_sql_num(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

const char *plot_sql_text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? (const char *)s : "";
}

int plot_sql_run_seconds(sqlite3 *db, int64_t run_id, double *seconds, struct err *e)
{
	sqlite3_stmt *st;
	int rc = plot_sql_prepare(db, "SELECT sim_seconds FROM runs WHERE run_id = ?1", &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, run_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*seconds = plot_sql_num(st, 0);
		sqlite3_finalize(st);
		return 0;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return plot_sql_fail(db, e);
	return err_set(e, ERR_INPUT, "no run %" PRId64 " in the results database", run_id);
}

void plot_block_begin(FILE *out, int block)
{
	if (block > 0)
		fputs("\n\n", out);
}

void plot_put_num(FILE *out, double x)
{
	if (isnan(x))
		fputs("NaN", out);
	else
		fprintf(out, "%.10g", x);
}

static void put_raw(FILE *out, const char *s)
{
	for (; *s; s++)
		fputc(*s == '"' ? '\'' : (*s == '\n' ? ' ' : *s), out);
}

void plot_put_str(FILE *out, const char *s)
{
	fputc('"', out);
	put_raw(out, s);
	fputc('"', out);
}

void plot_put_label(FILE *out, const char *a, const char *mid, const char *b, const char *end)
{
	fputc('"', out);
	put_raw(out, a);
	put_raw(out, mid);
	put_raw(out, b);
	put_raw(out, end);
	fputc('"', out);
}
