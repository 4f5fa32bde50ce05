/*
 * scenario_trace.c -- a rate read from a trace: a CSV file of
 * "seconds,rps" rows (one header line allowed, # comments and blank lines
 * skipped), sorted by time, relative to the scenario file. Errors name the
 * CSV file's line. The file must be a regular file of at most 64 MiB (a
 * device or a pipe could be read without end).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base.h"
#include "scenario_impl.h"
#include "units.h"

/* A CSV error at file:line, in the usual "expected ..., got ..." form. */
static int trace_error(struct schema_ctx *c, const char *file, int line, const char *text,
		       const char *what)
{
	struct ynode at;
	size_t old = schema_push_key(c, "file");
	int rc;
	memset(&at, 0, sizeof(at));
	at.kind = YN_SCALAR;
	at.mark.file = file;
	at.mark.line = line;
	at.mark.col = 1;
	at.str = text;
	rc = schema_expect(c, &at, "%s", what);
	schema_pop(c, old);
	return rc;
}

static int is_blank(const char *s)
{
	return s[strspn(s, " \t")] == '\0';
}

/* Parses "seconds,rps" (spaces allowed around fields); 0 or -1. */
static int trace_row(char *line, double *t, double *rps)
{
	char *comma = strchr(line, ','), *a = line, *b;
	const char *why;
	size_t n;
	if (!comma || strchr(comma + 1, ','))
		return -1;
	*comma = '\0';
	b = comma + 1;
	a += strspn(a, " \t");
	b += strspn(b, " \t");
	for (n = strlen(a); n && (a[n - 1] == ' ' || a[n - 1] == '\t'); n--)
		a[n - 1] = '\0';
	for (n = strlen(b); n && (b[n - 1] == ' ' || b[n - 1] == '\t'); n--)
		b[n - 1] = '\0';
	if (units_number(a, t, &why) < 0 || units_number(b, rps, &why) < 0) {
		*comma = ',';
		return -1;
	}
	*comma = ',';
	return 0;
}

static const char *resolve(struct arena *a, const char *dir, const char *file)
{
	if (file[0] == '/' || !strcmp(dir, "."))
		return arena_strdup(a, file);
	return arena_printf(a, "%s/%s", dir, file);
}

/* A trace is a regular file of bounded size: a device (/dev/zero has no
 * newline for getline to stop at) or a pipe would be read without end. */
static int trace_file_ok(FILE *f, const char *path, char *what, size_t n)
{
	struct stat st;
	const char *why;

	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode))
		why = "not a regular file";
	else if (st.st_size > LIM_TRACE_BYTES)
		why = "larger";
	else
		return 0;
	snprintf(what, n, "a regular CSV file of at most 64 MiB (%s is %s)", path, why);
	return -1;
}

int scenario_check_trace(struct schema_ctx *c, void *obj, const struct ynode *map,
			 const struct ynode *where)
{
	struct loader *L = c->user;
	struct rate *r = obj;
	const char *path = resolve(c->arena, L->sc->dir, r->trace_file);
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, npoints = 0, ncap = 0;
	struct rate_point *pts = NULL;
	int lineno = 0, rc = 0, first = 1;
	ssize_t len;
	char what[160];

	if (!f) {
		snprintf(what, sizeof(what), "a readable CSV file of seconds,rps (%s: %s)", path,
			 strerror(errno));
		return schema_expect_at(c, map, where, "file", NULL, what);
	}
	if (trace_file_ok(f, path, what, sizeof(what)) < 0) {
		fclose(f);
		return schema_expect_at(c, map, where, "file", NULL, what);
	}
	while (!rc && (len = getline(&line, &cap, f)) >= 0) {
		double t, rps;
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (is_blank(line) || line[strspn(line, " \t")] == '#')
			continue;
		if (len > LIM_TRACE_LINE) {
			rc = trace_error(c, path, lineno, "(a very long line)",
					 "a row \"seconds,rps\"");
			break;
		}
		if (trace_row(line, &t, &rps) < 0) {
			/* One header line of text is allowed. */
			if (first && !strchr("0123456789+-.", line[strspn(line, " \t")])) {
				first = 0;
				continue;
			}
			rc = trace_error(c, path, lineno, line,
					 "a row \"seconds,rps\" of two finite numbers");
		} else if (t < 0 || rps < 0 || rps > LIM_RPS) {
			rc = trace_error(c, path, lineno, line,
					 "seconds >= 0 and rps from 0 to 10000000");
		} else if (npoints && t < pts[npoints - 1].t) {
			snprintf(what, sizeof(what), "seconds of at least %g (rows sorted by time)",
				 pts[npoints - 1].t);
			rc = trace_error(c, path, lineno, line, what);
		} else if (npoints == LIM_TRACE_ROWS) {
			rc = trace_error(c, path, lineno, line, "at most 1000000 rows");
		} else {
			GROW(pts, npoints, ncap);
			pts[npoints].t = t;
			pts[npoints++].rps = rps;
		}
		first = 0;
	}
	free(line);
	fclose(f);
	if (!rc && npoints == 0)
		rc = trace_error(c, path, lineno ? lineno : 1, "",
				 "at least one row \"seconds,rps\"");
	if (!rc) {
		r->points = arena_alloc(c->arena, npoints * sizeof(*pts));
		memcpy(r->points, pts, npoints * sizeof(*pts));
		r->npoints = (int)npoints;
		r->trace_file = path;
	}
	free(pts);
	return rc;
}

