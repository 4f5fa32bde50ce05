/*
 * plot_data.c -- the SQL behind each per-run chart; see plot_data.h for
 * the data file format every function here writes.
 *
 * Each function reads one run's rows in one ordered query (node samples
 * ordered by the node's creation time, then name, then time), so a chart
 * costs one scan of the run's sample rows plus a sort. Series with nothing
 * to draw (a workload whose requests never completed) are left out rather
 * than written as all-NaN blocks, which gnuplot would warn about.
 */
#include "plot_data.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "plot_sql.h"

/* ---- per-node series: node-cpu, node-memory, pods-per-node, credits ---- */

/* Called for every row of a node series (block: 0-based node index). */
typedef void node_row_fn(void *arg, int block, const char *node, double t, const double *vals);

struct node_series {
	const char *cols;  /* SQL columns of node_samples s after t */
	int ncols;
	const char *where; /* extra condition, "" for none */
	const char *heads; /* header names of the columns after the series title */
	const char *what;  /* comment: what the columns are */
	node_row_fn *row;  /* optional hook */
	void *arg;
};

static int node_blocks(const struct plot_src *src, const struct node_series *ns, FILE *out,
		       struct plot_vars *v, struct err *e)
{
	char *sql = xasprintf("SELECT s.node, n.instance_type, s.t, %s FROM node_samples s "
			      "LEFT JOIN nodes n ON n.run_id = s.run_id AND n.node = s.node "
			      "WHERE s.run_id = ?1%s ORDER BY n.created_t, s.node, s.t",
			      ns->cols, ns->where);
	sqlite3_stmt *st;
	char *prev = NULL;
	double vals[4];
	int rc, block = -1;

	assert(ns->ncols <= (int)ARRAY_LEN(vals));
	rc = plot_sql_prepare(src->db, sql, &st, e);
	free(sql);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, src->run_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *node = plot_sql_text(st, 0);
		const char *type = (const char *)sqlite3_column_text(st, 1);
		double t = plot_sql_num(st, 2);

		if (!prev || strcmp(prev, node)) {
			free(prev);
			prev = xstrdup(node);
			block++;
			plot_block_begin(out, block);
			fprintf(out, "# node %s (%s): %s\n", node, type ? type : "unknown type",
				ns->what);
			fputs("t_s ", out);
			if (type)
				plot_put_label(out, node, " (", type, ")");
			else
				plot_put_str(out, node);
			if (type) {
				char *label = xasprintf("%s (%s)", node, type);
				plot_vars_key(v, label);
				free(label);
			} else {
				plot_vars_key(v, node);
			}
			fprintf(out, "%s%s\n", *ns->heads ? " " : "", ns->heads);
		}
		plot_put_num(out, t);
		for (int i = 0; i < ns->ncols; i++) {
			vals[i] = plot_sql_num(st, 3 + i);
			fputc(' ', out);
			plot_put_num(out, vals[i]);
		}
		fputc('\n', out);
		if (ns->row)
			ns->row(ns->arg, block, node, t, vals);
	}
	free(prev);
	v->nseries = block + 1;
	return plot_sql_done(src->db, st, rc, e);
}

int plot_data_node_cpu(const struct plot_src *src, FILE *out, struct plot_vars *v,
		       struct err *e)
{
	const struct node_series ns = {
		.cols = "s.cpu_used, s.cpu_capacity", .ncols = 2, .where = "",
		.heads = "capacity_cores", .what = "cpu_used and cpu_capacity in cores",
	};
	int rc = node_blocks(src, &ns, out, v, e);
	plot_vars_num(v, "nnodes", v->nseries);
	return rc;
}

int plot_data_pods_per_node(const struct plot_src *src, FILE *out, struct plot_vars *v,
			    struct err *e)
{
	const struct node_series ns = {
		.cols = "s.pods", .ncols = 1, .where = "", .heads = "",
		.what = "pods bound to the node",
	};
	int rc = node_blocks(src, &ns, out, v, e);
	plot_vars_num(v, "nnodes", v->nseries);
	return rc;
}

int plot_data_credits(const struct plot_src *src, FILE *out, struct plot_vars *v,
		      struct err *e)
{
	const struct node_series ns = {
		.cols = "s.credits", .ncols = 1, .where = " AND s.credits IS NOT NULL", .heads = "",
		.what = "CPU credit balance (one credit: one vCPU at 100 % for a minute)",
	};
	int rc = node_blocks(src, &ns, out, v, e);
	plot_vars_num(v, "nnodes", v->nseries);
	return rc;
}

/* node-memory: OOM kills marked on their node's line. */
struct oom {
	double t;
	char *node, *pod;
	int block;       /* node block, -1 when the node has no samples */
	double t0, mem0; /* the node's last sample at or before t (s, bytes) */
	double t1, mem1; /* its first sample at or after t */
};

struct oom_list {
	struct oom *ev;
	size_t n, cap;
};

static int oom_load(const struct plot_src *src, struct oom_list *l, struct err *e)
{
	sqlite3_stmt *st;
	int rc = plot_sql_prepare(src->db,
			      "SELECT t, node, object FROM events WHERE run_id = ?1 "
			      "AND kind = 'OOMKilled' ORDER BY t, object",
			      &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, src->run_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct oom *o;
		GROW(l->ev, l->n, l->cap);
		o = &l->ev[l->n++];
		o->t = plot_sql_num(st, 0);
		o->node = xstrdup(plot_sql_text(st, 1));
		o->pod = xstrdup(plot_sql_text(st, 2));
		o->block = -1;
		o->t0 = o->mem0 = o->t1 = o->mem1 = NAN;
	}
	return plot_sql_done(src->db, st, rc, e);
}

/* Rows of one node come in time order: each kill on that node keeps the
 * samples just before and after it. O(kills) per row; kills are few. */
static void oom_row(void *arg, int block, const char *node, double t, const double *vals)
{
	struct oom_list *l = arg;
	for (size_t i = 0; i < l->n; i++) {
		struct oom *o = &l->ev[i];
		if (strcmp(o->node, node))
			continue;
		o->block = block;
		if (t <= o->t) {
			o->t0 = t;
			o->mem0 = vals[0];
		}
		if (t >= o->t && isnan(o->t1)) {
			o->t1 = t;
			o->mem1 = vals[0];
		}
	}
}

/* The node's memory at the kill as its line shows it: interpolated between
 * the samples around it, or the nearest one at the ends of the line. */
static double oom_mem(const struct oom *o)
{
	if (isnan(o->t0))
		return o->mem1;
	if (isnan(o->t1) || o->t1 == o->t0)
		return o->mem0;
	return o->mem0 + (o->mem1 - o->mem0) * (o->t - o->t0) / (o->t1 - o->t0);
}

int plot_data_node_memory(const struct plot_src *src, FILE *out, struct plot_vars *v,
			  struct err *e)
{
	struct oom_list l = {0};
	struct node_series ns = {
		.cols = "s.mem_used, s.mem_capacity", .ncols = 2, .where = "",
		.heads = "capacity_bytes", .what = "mem_used and mem_capacity in bytes",
		.row = oom_row, .arg = &l,
	};
	int rc = oom_load(src, &l, e), noom = 0;

	if (rc == 0)
		rc = node_blocks(src, &ns, out, v, e);
	if (rc == 0 && v->nseries > 0) {
		/* Always last, even empty, so the node blocks are 0..nnodes-1. */
		plot_block_begin(out, v->nseries);
		fputs("# OOMKilled: time, the node's memory used then (bytes, on its line), "
		      "node block, pod\n",
		      out);
		fputs("t_s \"OOMKilled\" node_block pod\n", out);
		for (size_t i = 0; i < l.n; i++) {
			if (l.ev[i].block < 0)
				continue;
			plot_put_num(out, l.ev[i].t);
			fputc(' ', out);
			plot_put_num(out, oom_mem(&l.ev[i]));
			fprintf(out, " %d ", l.ev[i].block);
			plot_put_str(out, l.ev[i].pod);
			fputc('\n', out);
			noom++;
		}
	}
	plot_vars_num(v, "nnodes", v->nseries);
	plot_vars_num(v, "noom", noom);
	for (size_t i = 0; i < l.n; i++) {
		free(l.ev[i].node);
		free(l.ev[i].pod);
	}
	free(l.ev);
	return rc;
}

/* ---- per-workload series: latency, autoscaling ---- */

/* One block per workload of service_samples: header `t_s "W h1" "W h2" ...`. */
static int workload_blocks(const struct plot_src *src, const char *cols, int ncols,
			   const char *where, const char *const *heads, const char *what,
			   FILE *out, struct plot_vars *v, int first_block, int *nblocks,
			   struct err *e)
{
	char *sql = xasprintf("SELECT workload, t, %s FROM service_samples WHERE run_id = ?1%s "
			      "ORDER BY workload, t",
			      cols, where);
	sqlite3_stmt *st;
	char *prev = NULL;
	int rc, block = first_block - 1;

	rc = plot_sql_prepare(src->db, sql, &st, e);
	free(sql);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, src->run_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *w = plot_sql_text(st, 0);
		if (!prev || strcmp(prev, w)) {
			char *label;
			free(prev);
			prev = xstrdup(w);
			plot_block_begin(out, ++block);
			fprintf(out, "# workload %s: %s\n", w, what);
			fputs("t_s", out);
			for (int i = 0; i < ncols; i++) {
				fputc(' ', out);
				plot_put_label(out, w, " ", heads[i], "");
				label = xasprintf("%s %s", w, heads[i]);
				plot_vars_key(v, label);
				free(label);
			}
			fputc('\n', out);
		}
		plot_put_num(out, plot_sql_num(st, 1));
		for (int i = 0; i < ncols; i++) {
			fputc(' ', out);
			plot_put_num(out, plot_sql_num(st, 2 + i));
		}
		fputc('\n', out);
	}
	free(prev);
	*nblocks = block + 1 - first_block;
	return plot_sql_done(src->db, st, rc, e);
}

/* The first SLO on a latency metric, drawn as a horizontal line. */
static void slo_line(const struct plot_src *src, const char *const *metrics, const char *var,
		     struct plot_vars *v)
{
	for (int i = 0; i < src->nslo; i++)
		for (const char *const *m = metrics; *m; m++)
			if (!strcmp(src->slos[i].metric->name, *m)) {
				char buf[96], name[32];
				plot_vars_num(v, var, src->slos[i].bound);
				snprintf(name, sizeof(name), "%s_label", var);
				plot_vars_str(v, name, slo_format(&src->slos[i], buf, sizeof(buf)));
				return;
			}
}

int plot_data_latency(const struct plot_src *src, FILE *out, struct plot_vars *v,
		      struct err *e)
{
	static const char *const heads[] = {"p50", "p95", "p99"};
	static const char *const metrics[] = {"p99_ms", "p95_ms", "p50_ms", "mean_ms",
					      "max_ms", NULL};
	int n = 0, rc;

	rc = workload_blocks(src, "p50_ms, p95_ms, p99_ms", 3,
			     " AND workload IN (SELECT workload FROM service_samples "
			     "WHERE run_id = ?1 AND p99_ms IS NOT NULL)",
			     heads, "latency percentiles of the requests completed in each "
			     "sample interval, ms (NaN: none completed)",
			     out, v, 0, &n, e);
	v->nseries = n;
	plot_vars_num(v, "nworkloads", n);
	slo_line(src, metrics, "slo_y", v);
	return rc;
}

/* Nodes per node group over time, from the nodes table. */
struct change {
	double t;
	int dnodes, dready;
};

static int cmp_change(const void *a, const void *b)
{
	const struct change *x = a, *y = b;
	return (x->t > y->t) - (x->t < y->t);
}

static void group_block(FILE *out, int block, const char *group, struct change *c, size_t n,
			double tmax)
{
	int nodes = 0, ready = 0;

	plot_block_begin(out, block);
	fprintf(out, "# node group %s: nodes created and not deleted, and of those Ready\n",
		group);
	fputs("t_s ", out);
	plot_put_label(out, group, " ", "nodes", "");
	fputc(' ', out);
	plot_put_label(out, group, " ", "ready", "");
	fputc('\n', out);
	qsort(c, n, sizeof(*c), cmp_change);
	if (n == 0 || c[0].t > 0)
		fputs("0 0 0\n", out);
	for (size_t i = 0; i < n; i++) {
		nodes += c[i].dnodes;
		ready += c[i].dready;
		if (i + 1 < n && c[i + 1].t == c[i].t)
			continue; /* one row per distinct time */
		plot_put_num(out, c[i].t);
		fprintf(out, " %d %d\n", nodes, ready);
	}
	if (n == 0 || c[n - 1].t < tmax) {
		plot_put_num(out, tmax);
		fprintf(out, " %d %d\n", nodes, ready);
	}
}

static int group_blocks(const struct plot_src *src, FILE *out, struct plot_vars *v,
			int first_block, int *nblocks, struct err *e)
{
	sqlite3_stmt *st;
	struct change *c = NULL;
	size_t n = 0, cap = 0;
	char *prev = NULL;
	double tmax = 0;
	int rc, block = first_block;

	rc = plot_sql_run_seconds(src->db, src->run_id, &tmax, e);
	if (rc == 0)
		rc = plot_sql_prepare(src->db,
				  "SELECT node_group, created_t, ready_t, deleted_t FROM nodes "
				  "WHERE run_id = ?1 AND created_t IS NOT NULL ORDER BY node_group",
				  &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, src->run_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *g = plot_sql_text(st, 0);
		double created = plot_sql_num(st, 1), ready = plot_sql_num(st, 2);
		double del = plot_sql_num(st, 3);
		int was_ready = !isnan(ready) && (isnan(del) || ready <= del);

		if (!prev || strcmp(prev, g)) {
			char *label = xasprintf("%s nodes", g);
			plot_vars_key(v, label);
			free(label);
			if (prev)
				group_block(out, block++, prev, c, n, tmax);
			n = 0;
			free(prev);
			prev = xstrdup(g);
		}
		GROW(c, n + 3, cap);
		c[n++] = (struct change){created, 1, 0};
		if (was_ready)
			c[n++] = (struct change){ready, 0, 1};
		if (!isnan(del))
			c[n++] = (struct change){del, -1, was_ready ? -1 : 0};
	}
	if (prev)
		group_block(out, block++, prev, c, n, tmax);
	free(prev);
	free(c);
	*nblocks = block - first_block;
	return plot_sql_done(src->db, st, rc, e);
}

int plot_data_autoscaling(const struct plot_src *src, FILE *out, struct plot_vars *v,
			  struct err *e)
{
	static const char *const heads[] = {"replicas", "ready"};
	int nw = 0, ng = 0, rc;

	rc = workload_blocks(src, "replicas, ready_replicas", 2, "", heads,
			     "replicas wanted (Deployment spec, set by the HPA) and Ready", out, v,
			     0, &nw, e);
	if (rc == 0)
		rc = group_blocks(src, out, v, nw, &ng, e);
	v->nseries = nw + ng;
	plot_vars_num(v, "nworkloads", nw);
	plot_vars_num(v, "ngroups", ng);
	return rc;
}

/* ---- events ---- */

/* The kinds on the events chart, top to bottom; the index is the colour. */
static const char *const event_kinds[] = {
	"OOMKilled", "Evicted",     "BackOff",          "ScaleUp",   "ScaleDown",
	"HPAScale",  "NodeReady",   "NodeRemoved",      "CreditsExhausted",
};

int plot_data_events(const struct plot_src *src, FILE *out, struct plot_vars *v,
		     struct err *e)
{
	sqlite3_stmt *st;
	int rc = 0, row = 0;

	rc = plot_sql_prepare(src->db,
			  "SELECT t, object, (SELECT COUNT(*) FROM events c WHERE c.run_id = ?1 "
			  "AND c.kind = ?2) FROM events WHERE run_id = ?1 AND kind = ?2 "
			  "ORDER BY t, object",
			  &st, e);
	if (rc)
		return rc;
	for (size_t k = 0; k < ARRAY_LEN(event_kinds) && rc == 0; k++) {
		char label[64];
		int first = 1;

		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, src->run_id);
		sqlite3_bind_text(st, 2, event_kinds[k], -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (first) {
				first = 0;
				plot_block_begin(out, row++);
				snprintf(label, sizeof(label), "%s (%d)", event_kinds[k],
					 sqlite3_column_int(st, 2));
				fprintf(out, "# %s events: time, row, colour, row label, object\n",
					event_kinds[k]);
				fputs("t_s ", out);
				plot_put_str(out, event_kinds[k]);
				fputs(" colour label object\n", out);
			}
			plot_put_num(out, plot_sql_num(st, 0));
			fprintf(out, " %d %zu ", row, k + 1);
			plot_put_str(out, label);
			fputc(' ', out);
			plot_put_str(out, plot_sql_text(st, 1));
			fputc('\n', out);
		}
		rc = rc == SQLITE_DONE ? 0 : plot_sql_fail(src->db, e);
	}
	sqlite3_finalize(st);
	v->nseries = row;
	plot_vars_num(v, "nkinds", row);
	return rc;
}
