/*
 * plot.c -- the chart table, and drawing a chart: SQL -> data file ->
 * gnuplot. See plot.h for the contract and plot_data.h for the data files.
 *
 * Drawing one chart: the chart's data function writes into memory (so the
 * variables it computes can head the data file as a comment that shows how
 * to run the script by hand), the file goes to a temporary path (or
 * o->data_out), and gnuplot is spawned directly -- no shell -- with
 *   gnuplot -e "datafile='...'; outfile='...'; term='pngcairo'; title='...';
 *               <chart variables>; extra='...'" SCRIPT
 * its stdout discarded and its stderr kept in a temporary file for the
 * error message. The output is removed when gnuplot fails, so no broken
 * chart is left behind.
 */
#include "plot.h"
#include "paths.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sqlite3.h>

#include "plot_data.h"
#include "plot_html.h"
#include "plot_sql.h"

extern char **environ;

static const struct plot_chart_def chart_table[] = {
	{"cost-latency", "cost-latency.gp", "monthly cost against p99 latency",
	 "Each parameter point's mean monthly cost against its mean p99 latency, with 95 % "
	 "error bars over replications; the line joins the Pareto front (no other point is "
	 "both cheaper and faster), whose points are labelled.",
	 "no parameter point with completed requests", PLOT_SWEEP, plot_data_cost_latency},
	{"node-cpu", "node-cpu.gp", "CPU used per node",
	 "CPU used on each node (solid) against the node's CPU capacity (dashed, same colour), "
	 "in cores.",
	 "no node samples", PLOT_RUN, plot_data_node_cpu},
	{"node-memory", "node-memory.gp", "memory used per node",
	 "Memory used on each node (solid) against its capacity (dashed), in GiB; circles mark "
	 "OOM kills on the node where they happened.",
	 "no node samples", PLOT_RUN, plot_data_node_memory},
	{"pods-per-node", "pods-per-node.gp", "pods per node",
	 "Pods bound to each node over time: crowding shows as one line far above the others.",
	 "no node samples", PLOT_RUN, plot_data_pods_per_node},
	{"latency", "latency.gp", "request latency",
	 "p99 (solid), p95 (dashed) and p50 (dotted) latency of the requests completed in each "
	 "sample interval, per workload, in ms.",
	 "no completed requests", PLOT_RUN, plot_data_latency},
	{"autoscaling", "autoscaling.gp", "replicas and nodes",
	 "Top: replicas per workload, wanted (solid) and Ready (dashed); bottom: nodes per node "
	 "group, created (solid) and Ready (dashed).",
	 "no workloads or nodes", PLOT_RUN, plot_data_autoscaling},
	{"credits", "credits.gp", "CPU credit balance",
	 "CPU credit balance of each burstable node (one credit = one vCPU at 100 % for one "
	 "minute); at zero a standard-mode node is held to its baseline.",
	 "no burstable nodes (no CPU credit samples)", PLOT_RUN, plot_data_credits},
	{"events", "events.gp", "events",
	 "Kubernetes events over simulated time, one row per kind, with the count of each kind "
	 "in brackets.",
	 "no OOMKilled, Evicted, BackOff, scaling, node or credit events", PLOT_RUN,
	 plot_data_events},
};

const struct plot_chart_def *plot_charts(size_t *n)
{
	*n = ARRAY_LEN(chart_table);
	return chart_table;
}

const struct plot_chart_def *plot_chart_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(chart_table); i++)
		if (!strcmp(chart_table[i].name, name))
			return &chart_table[i];
	return NULL;
}

/* ---- gnuplot variables ---- */

static void vars_append(struct plot_vars *v, const char *s)
{
	size_t n = strlen(s);
	GROW(v->text, v->len + n + 1, v->cap);
	memcpy(v->text + v->len, s, n + 1);
	v->len += n;
}

void plot_vars_num(struct plot_vars *v, const char *name, double x)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "%s=%.10g; ", name, x);
	vars_append(v, buf);
}

void plot_vars_str(struct plot_vars *v, const char *name, const char *s)
{
	vars_append(v, name);
	vars_append(v, "='");
	for (; *s; s++) {
		char c[3] = {*s, 0, 0};
		if (*s == '\'')
			c[1] = '\''; /* gnuplot's single-quoted strings double a quote */
		else if (*s == '\n')
			c[0] = ' ';
		vars_append(v, c);
	}
	vars_append(v, "'; ");
}

static int utf8_chars(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

void plot_vars_key(struct plot_vars *v, const char *label)
{
	int n = utf8_chars(label);
	if (n > v->keychars)
		v->keychars = n;
}

void plot_vars_release(struct plot_vars *v)
{
	free(v->text);
	memset(v, 0, sizeof(*v));
}

/* Hours for runs longer than 2 h, minutes for longer than 2 min, else s. */
static void time_vars(struct plot_vars *v, double seconds)
{
	double div = seconds > 7200 ? 3600 : seconds > 120 ? 60 : 1;
	plot_vars_num(v, "tmax", seconds);
	plot_vars_num(v, "tdiv", div);
	plot_vars_str(v, "tunit", div == 3600 ? "h" : div == 60 ? "min" : "s");
}

/* ---- running gnuplot ---- */

static char *scripts_dir(const char *opt)
{
	return xstrdup(opt && *opt ? opt : paths_plot_dir());
}

static char *temp_path(const char *what, int *fd)
{
	const char *dir = getenv("TMPDIR");
	/* mkstemp wants a template ending in six 'X'. */
	static const char six_x[] = {'X', 'X', 'X', 'X', 'X', 'X', '\0'};
	char *p = xasprintf("%s/clustersim-%s-%s", dir && *dir ? dir : "/tmp", what, six_x);
	*fd = mkstemp(p);
	return p;
}

/* The last lines of gnuplot's stderr, on one line, for an error message. */
static void stderr_tail(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "r");
	char all[4096];
	size_t len = 0, start;

	buf[0] = '\0';
	if (!f)
		return;
	if (fseek(f, 0, SEEK_END) == 0 && ftell(f) > (long)sizeof(all) - 1)
		fseek(f, -(long)(sizeof(all) - 1), SEEK_END);
	else
		rewind(f);
	len = fread(all, 1, sizeof(all) - 1, f);
	fclose(f);
	while (len && (all[len - 1] == '\n' || all[len - 1] == ' '))
		len--;
	all[len] = '\0';
	start = len > n - 1 ? len - (n - 1) : 0;
	for (size_t i = start; i < len; i++)
		if (all[i] == '\n')
			all[i] = ' ';
	memcpy(buf, all + start, len - start); /* len - start < n by the choice of start */
	buf[len - start] = '\0';
}

static int spawn_gnuplot(const char *prog, const char *assign, const char *script,
			 const char *errpath, int errfd, struct err *e)
{
	char *argv[] = {(char *)"gnuplot", (char *)"-e", (char *)assign, (char *)script, NULL};
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int rc, status = 0;
	char tail[600];

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, errfd, 2);
	rc = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc == ENOENT)
		return err_set(e, ERR_INPUT,
			       "gnuplot not found: install it with `apt-get install gnuplot-nox`");
	if (rc)
		return err_set(e, ERR_RUN, "cannot start %s: %s", prog, strerror(rc));
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return err_set(e, ERR_RUN, "waiting for gnuplot: %s", strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	/* Where posix_spawn is a plain fork + exec (under valgrind), a missing
	 * program is the child's exit status 127, as in the shell. */
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return err_set(e, ERR_INPUT,
			       "gnuplot not found: install it with `apt-get install gnuplot-nox`");
	stderr_tail(errpath, tail, sizeof(tail));
	if (WIFEXITED(status))
		return err_set(e, ERR_RUN, "gnuplot failed on %s (exit status %d): %s", script,
			       WEXITSTATUS(status), tail);
	return err_set(e, ERR_RUN, "gnuplot killed by signal %d on %s", WTERMSIG(status), script);
}

static int run_gnuplot(const struct plot_opts *o, const char *assign, const char *script,
		       struct err *e)
{
	int fd, rc;
	char *errpath = temp_path("gnuplot", &fd);

	if (fd < 0) {
		rc = err_set(e, ERR_RUN, "%s: %s", errpath, strerror(errno));
	} else {
		rc = spawn_gnuplot(o->gnuplot ? o->gnuplot : "gnuplot", assign, script, errpath, fd,
				   e);
		close(fd);
		unlink(errpath);
	}
	free(errpath);
	return rc;
}

/* ---- one chart ---- */

struct ctx {
	const struct plot_opts *o;
	sqlite3 *db;
	char *scripts;
};

static int ctx_open(struct ctx *c, const struct plot_opts *o, struct err *e)
{
	sqlite3_stmt *st;

	memset(c, 0, sizeof(*c));
	c->o = o;
	if (!o->db || access(o->db, R_OK) != 0)
		return err_set(e, ERR_INPUT, "%s: no such results database", o->db ? o->db : "");
	if (sqlite3_open_v2(o->db, &c->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		err_set(e, ERR_RUN, "%s: %s", o->db, sqlite3_errmsg(c->db));
		sqlite3_close(c->db);
		c->db = NULL;
		return ERR_RUN;
	}
	sqlite3_busy_timeout(c->db, 10000);
	if (sqlite3_prepare_v2(c->db, "SELECT run_id, scenario, sim_seconds, params FROM runs",
			       -1, &st, NULL) != SQLITE_OK) {
		err_set(e, ERR_INPUT, "%s: not a clustersim results database (%s)", o->db,
			sqlite3_errmsg(c->db));
		sqlite3_close(c->db);
		c->db = NULL;
		return ERR_INPUT;
	}
	sqlite3_finalize(st);
	c->scripts = scripts_dir(o->scripts_dir);
	return 0;
}

static void ctx_close(struct ctx *c)
{
	sqlite3_close(c->db);
	free(c->scripts);
	c->db = NULL;
	c->scripts = NULL;
}

/* The run's scenario name and length; the latest run when *run_id is 0. */
static int run_info(struct ctx *c, int64_t *run_id, char **scenario, double *seconds,
		    struct err *e)
{
	static const char sql[] =
		"SELECT run_id, scenario, sim_seconds FROM runs WHERE run_id = "
		"CASE WHEN ?1 > 0 THEN ?1 ELSE (SELECT MAX(run_id) FROM runs) END";
	sqlite3_stmt *st;
	int rc = plot_sql_prepare(c->db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, *run_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*run_id = sqlite3_column_int64(st, 0);
		*scenario = xstrdup(plot_sql_text(st, 1));
		*seconds = plot_sql_num(st, 2);
		sqlite3_finalize(st);
		return 0;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return plot_sql_fail(c->db, e);
	if (*run_id > 0)
		return err_set(e, ERR_INPUT, "%s: no run %" PRId64, c->o->db, *run_id);
	return err_set(e, ERR_INPUT, "%s: no runs in the results database", c->o->db);
}

static const char *output_term(const char *path)
{
	size_t n = strlen(path);
	if (n > 4 && !strcasecmp(path + n - 4, ".png"))
		return "pngcairo";
	if (n > 4 && !strcasecmp(path + n - 4, ".svg"))
		return "svg";
	return NULL;
}

static int check_output(const char *path, struct err *e)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	struct stat st;
	int ok;

	if (!output_term(path))
		return err_set(e, ERR_INPUT,
			       "%s: expected an output file name ending in .png or .svg", path);
	if (!slash)
		return 0;
	dir = xstrndup(path, slash == path ? 1 : (size_t)(slash - path));
	ok = stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
	free(dir);
	return ok ? 0 : err_set(e, ERR_INPUT, "%s: the folder does not exist", path);
}

/* The data file: a header saying how to draw it by hand, then the body. */
static int write_data(const char *path, int fd, const struct plot_chart_def *d,
		      const char *script, const char *assign, const char *body, size_t len,
		      struct err *e)
{
	FILE *f = fd >= 0 ? fdopen(fd, "w") : fopen(path, "w");
	int bad;

	if (!f) {
		if (fd >= 0)
			close(fd);
		return err_set(e, ERR_RUN, "%s: %s", path, strerror(errno));
	}
	fprintf(f, "# clustersim %s chart data (see docs/charts.md); draw it by hand with\n",
		d->name);
	fprintf(f, "#   gnuplot -e \"%s\" %s\n", assign, script);
	fwrite(body, 1, len, f);
	bad = ferror(f);
	if (fclose(f) || bad)
		return err_set(e, ERR_RUN, "%s: cannot write the chart data", path);
	return 0;
}

static void title_vars(struct plot_vars *v, const struct plot_chart_def *d, const char *scen,
		       int64_t run_id)
{
	char *t = run_id > 0 ? xasprintf("%s: %s (run %" PRId64 ")", scen, d->title, run_id)
			     : xasprintf("%s: %s", scen, d->title);
	plot_vars_str(v, "title", t);
	free(t);
}

/*
 * Draws chart d of run run_id (0: the latest; ignored for sweep charts)
 * to output. *drawn (if not NULL) is set to 0 instead of failing when the
 * chart has nothing to draw.
 */
static int draw(struct ctx *c, const struct plot_chart_def *d, int64_t run_id,
		const char *output, int *drawn, struct err *e)
{
	struct plot_src src = {c->db, run_id, c->o->slos, c->o->nslo};
	struct plot_vars data = {0}, all = {0};
	char *scen = NULL, *body = NULL, *script, *datapath = NULL;
	size_t len = 0;
	double seconds = 0;
	int rc, fd = -1;
	FILE *mem;

	if (drawn)
		*drawn = 0;
	script = xasprintf("%s/%s", c->scripts, d->script);
	if (access(script, R_OK) != 0) {
		rc = err_set(e, ERR_INPUT,
			     "%s: gnuplot script not found (set CLUSTERSIM_PLOT_SCRIPTS or "
			     "--scripts DIR)",
			     script);
		goto out;
	}
	if ((rc = check_output(output, e)))
		goto out;
	if ((rc = run_info(c, d->scope == PLOT_RUN ? &run_id : &(int64_t){0}, &scen, &seconds, e)))
		goto out;
	src.run_id = run_id;
	mem = open_memstream(&body, &len);
	rc = d->data(&src, mem, &data, e);
	fclose(mem);
	if (rc)
		goto out;
	if (data.nseries == 0) {
		if (!drawn)
			rc = d->scope == PLOT_RUN
				     ? err_set(e, ERR_INPUT, "%s: run %" PRId64 " has %s", c->o->db,
					       run_id, d->empty)
				     : err_set(e, ERR_INPUT, "%s: %s", c->o->db, d->empty);
		goto out;
	}
	if (c->o->data_out)
		datapath = xstrdup(c->o->data_out);
	else
		datapath = temp_path("plot", &fd);
	if (!c->o->data_out && fd < 0) {
		rc = err_set(e, ERR_RUN, "%s: %s", datapath, strerror(errno));
		goto out;
	}
	plot_vars_str(&all, "datafile", datapath);
	plot_vars_str(&all, "outfile", output);
	plot_vars_str(&all, "term", output_term(output));
	title_vars(&all, d, scen, d->scope == PLOT_RUN ? run_id : 0);
	if (d->scope == PLOT_RUN)
		time_vars(&all, seconds);
	vars_append(&all, data.text ? data.text : "");
	if (data.keychars > 0)
		plot_vars_num(&all, "keychars", data.keychars);
	if (c->o->extra)
		plot_vars_str(&all, "extra", c->o->extra);
	rc = write_data(datapath, fd, d, script, all.text, body, len, e);
	if (rc == 0)
		rc = run_gnuplot(c->o, all.text, script, e);
	if (rc == 0) {
		struct stat st;
		if (stat(output, &st) != 0 || st.st_size == 0)
			rc = err_set(e, ERR_RUN, "%s: gnuplot wrote nothing", output);
	}
	if (rc)
		unlink(output);
	else if (drawn)
		*drawn = 1;
	if (!c->o->data_out)
		unlink(datapath);
out:
	free(datapath);
	free(script);
	free(scen);
	free(body);
	plot_vars_release(&data);
	plot_vars_release(&all);
	return rc;
}

/* A file-name-safe copy of a scenario name. */
static char *file_part(const char *s)
{
	char *p = xstrdup(s);
	for (char *q = p; *q; q++)
		if (*q == '/' || *q == ' ' || *q == '\\' || *q == ':')
			*q = '_';
	return p;
}

static void set_written(const struct plot_opts *o, const char *path)
{
	if (o->written && o->written_size)
		snprintf(o->written, o->written_size, "%s", path);
}

int plot_chart(const struct plot_opts *o, struct err *e)
{
	const struct plot_chart_def *d = o->chart ? plot_chart_find(o->chart) : NULL;
	struct ctx c;
	char *output = NULL;
	int rc;

	if (!d) {
		char list[256] = "";
		for (size_t i = 0; i < ARRAY_LEN(chart_table); i++)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
				 i ? ", " : "", chart_table[i].name);
		return err_set(e, ERR_INPUT, "unknown chart \"%s\": expected one of %s",
			       o->chart ? o->chart : "", list);
	}
	if ((rc = ctx_open(&c, o, e)))
		return rc;
	if (o->output) {
		output = xstrdup(o->output);
	} else {
		int64_t run_id = d->scope == PLOT_RUN ? o->run_id : 0;
		char *scen = NULL, *name;
		double seconds;
		if ((rc = run_info(&c, &run_id, &scen, &seconds, e))) {
			ctx_close(&c);
			return rc;
		}
		name = file_part(scen);
		mkdir("results", 0777);
		output = d->scope == PLOT_RUN && o->run_id > 0
				 ? xasprintf("results/%s-%s-run%" PRId64 ".png", name, d->name,
					     o->run_id)
				 : xasprintf("results/%s-%s.png", name, d->name);
		free(name);
		free(scen);
	}
	rc = draw(&c, d, o->run_id, output, NULL, e);
	if (rc == 0)
		set_written(o, output);
	free(output);
	ctx_close(&c);
	return rc;
}

/* ---- every chart, and the review page ---- */

static int mkdir_p(const char *path, struct err *e)
{
	char *p = xstrdup(path);
	int rc = 0;

	for (char *q = p + 1;; q++) {
		if (*q == '/' || *q == '\0') {
			char saved = *q;
			*q = '\0';
			if (mkdir(p, 0777) != 0 && errno != EEXIST) {
				rc = err_set(e, ERR_RUN, "%s: %s", p, strerror(errno));
				break;
			}
			*q = saved;
			if (!saved)
				break;
		}
	}
	free(p);
	return rc;
}

static int list_runs(struct ctx *c, int64_t only, int64_t **ids, size_t *n, struct err *e)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	if (only > 0) {
		double s;
		if ((rc = plot_sql_run_seconds(c->db, only, &s, e)))
			return err_prefix(e, "%s: ", c->o->db);
		*ids = xmalloc(sizeof(**ids));
		(*ids)[(*n)++] = only;
		return 0;
	}
	if ((rc = plot_sql_prepare(c->db, "SELECT run_id FROM runs ORDER BY run_id", &st, e)))
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		GROW(*ids, *n, cap);
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	return plot_sql_done(c->db, st, rc, e);
}

struct page {
	struct plot_page_chart *charts;
	size_t n, cap;
};

/* Draws one chart into outdir/file and lists it when it had something to draw. */
static int page_draw(struct ctx *c, struct page *pg, const char *outdir,
		     const struct plot_chart_def *d, int64_t run_id, char *file, struct err *e)
{
	char *path = xasprintf("%s/%s", outdir, file);
	int drawn = 0, rc = draw(c, d, run_id, path, &drawn, e);

	free(path);
	if (rc || !drawn) {
		free(file);
		return rc;
	}
	GROW(pg->charts, pg->n, pg->cap);
	pg->charts[pg->n++] = (struct plot_page_chart){d, run_id, file};
	return 0;
}

int plot_all(const struct plot_opts *o, const char *outdir, struct err *e)
{
	struct ctx c;
	struct plot_points pp = {0};
	struct page pg = {0};
	int64_t *runs = NULL;
	size_t nruns = 0;
	char *index = NULL;
	int rc;

	if (!outdir || !*outdir)
		return err_set(e, ERR_INPUT, "plot --all: expected an output folder (-o DIR)");
	if ((rc = ctx_open(&c, o, e)))
		return rc;
	rc = mkdir_p(outdir, e);
	if (rc == 0)
		rc = plot_points_load(c.db, o->slos, o->nslo, &pp, e);
	if (rc == 0)
		rc = list_runs(&c, o->run_id, &runs, &nruns, e);
	if (rc == 0 && nruns == 0)
		rc = err_set(e, ERR_INPUT, "%s: no runs in the results database", o->db);
	for (size_t i = 0; i < ARRAY_LEN(chart_table) && rc == 0; i++) {
		const struct plot_chart_def *d = &chart_table[i];
		if (d->scope == PLOT_SWEEP && pp.n > 1)
			rc = page_draw(&c, &pg, outdir, d, 0, xasprintf("%s.png", d->name), e);
	}
	for (size_t r = 0; r < nruns && rc == 0; r++)
		for (size_t i = 0; i < ARRAY_LEN(chart_table) && rc == 0; i++) {
			const struct plot_chart_def *d = &chart_table[i];
			if (d->scope == PLOT_RUN)
				rc = page_draw(&c, &pg, outdir, d, runs[r],
					       xasprintf("run%" PRId64 "-%s.png", runs[r], d->name),
					       e);
		}
	if (rc == 0) {
		index = xasprintf("%s/index.html", outdir);
		rc = plot_html_write(c.db, o, &pp, pg.charts, pg.n, index, e);
		if (rc == 0)
			set_written(o, index);
	}
	for (size_t i = 0; i < pg.n; i++)
		free(pg.charts[i].file);
	free(pg.charts);
	free(index);
	free(runs);
	plot_points_release(&pp);
	ctx_close(&c);
	return rc;
}
