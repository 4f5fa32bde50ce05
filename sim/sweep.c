/*
 * sweep.c -- sweep files: which scenario, how many replications, and the
 * parameter lists whose cartesian product makes the points. See sweep.h.
 *
 * The keys are a schema table like the scenario's (same errors, same docs).
 * Parameter values are kept as YAML flow text with the mark where they were
 * written, so a bad value reported while loading a point points into the
 * sweep file.
 */
#include "sweep.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

#define LIM_POINTS 1000000
#define LIM_RUNS 10000000
#define LIM_REPLICATIONS 10000

static int read_parameters(struct schema_ctx *c, const struct ynode *n, void *obj,
			   const struct schema_key *k)
{
	struct sweep *s = obj;
	long long points = 1;
	size_t i, j;

	if (n->kind != YN_MAP)
		return schema_expect(c, n, "a map of paths to lists of values");
	s->params = n->n ? arena_alloc(c->arena, n->n * sizeof(*s->params)) : NULL;
	for (i = 0; i < n->n; i++) {
		const struct ynode *vals = n->vals[i];
		struct sweep_param *p = &s->params[i];

		if (vals->kind != YN_SEQ || vals->n == 0) {
			size_t old = schema_push_key(c, n->keys[i]->str);
			int rc = schema_expect(c, vals, "a non-empty list of values like [1, 2]");
			schema_pop(c, old);
			return rc;
		}
		p->path = arena_strdup(c->arena, n->keys[i]->str);
		p->nvalues = (int)vals->n;
		p->values = arena_alloc(c->arena, vals->n * sizeof(*p->values));
		p->marks = arena_alloc(c->arena, vals->n * sizeof(*p->marks));
		for (j = 0; j < vals->n; j++) {
			p->values[j] = ynode_to_flow(c->arena, vals->vals[j]);
			p->marks[j] = vals->vals[j]->mark;
		}
		points *= p->nvalues;
		if (points > LIM_POINTS) {
			size_t old = schema_push_key(c, n->keys[i]->str);
			int rc = schema_expect(c, vals,
					       "fewer values: at most %d points in a sweep (the "
					       "product of the list lengths reaches %lld here)",
					       LIM_POINTS, points);
			schema_pop(c, old);
			return rc;
		}
	}
	s->nparams = (int)n->n;
	s->npoints = (int)points;
	return 0;
}

static int check_sweep(struct schema_ctx *c, void *obj, const struct ynode *map,
		       const struct ynode *where)
{
	struct sweep *s = obj;
	FILE *f;

	if (s->npoints == 0)
		s->npoints = 1;
	if ((long long)s->npoints * s->replications > LIM_RUNS)
		return schema_expect_key(c, map, where, "replications",
					 "at most %d runs (points x replications) in a sweep",
					 LIM_RUNS);
	f = fopen(s->scenario_path, "r");
	if (!f) {
		int saved = errno;
		return schema_expect_key(c, map, where, "scenario",
					 "a readable scenario file, relative to the sweep file "
					 "(%s: %s)",
					 s->scenario_path, strerror(saved));
	}
	fclose(f);
	return 0;
}

static int read_scenario_path(struct schema_ctx *c, const struct ynode *n, void *obj,
			      const struct schema_key *k)
{
	struct sweep *s = obj;
	const char *slash = strrchr(s->file, '/');

	if (n->kind != YN_SCALAR || !*n->str)
		return schema_expect(c, n, "a scenario file path");
	if (n->str[0] == '/' || !slash)
		s->scenario_path = arena_strdup(c->arena, n->str);
	else
		s->scenario_path = arena_printf(c->arena, "%.*s/%s", (int)(slash - s->file),
						s->file, n->str);
	return 0;
}

static const struct schema_key sweep_keys[] = {
	{ .name = "scenario", .type = ST_CUSTOM, .flags = SF_REQUIRED, .custom = read_scenario_path,
	  .what = "path", .help = "the scenario file, relative to the sweep file" },
	{ .name = "replications", .type = ST_INT, .off = offsetof(struct sweep, replications),
	  .def = "1", .flags = SF_MIN | SF_MAX, .min = 1, .max = LIM_REPLICATIONS,
	  .help = "runs per point, with seeds seed, seed+1, ..." },
	{ .name = "parameters", .type = ST_CUSTOM, .custom = read_parameters,
	  .what = "map of path to list of values", .defdoc = "none (one point)",
	  .help = "cartesian product, in file order, the last varying fastest" },
};

static const struct schema_table sweep_table = {
	.name = "sweep",
	.doc = "A sweep file. A path is dotted like `--set`'s: `node_groups.workers.count`; "
	       "list items by their `name`, or by index when unnamed (`traffic.0.rate.rps`); "
	       "a key with dots in brackets (`labels[node.kubernetes.io/role]`).",
	.keys = sweep_keys, .nkeys = ARRAY_LEN(sweep_keys), .check = check_sweep,
};

void sweep_schema_markdown(FILE *out)
{
	schema_markdown(out, &sweep_table);
}

int sweep_load(struct sweep *s, const char *path, struct err *e)
{
	struct schema_ctx c;
	const struct ynode *root;
	int rc;

	memset(s, 0, sizeof(*s));
	if ((rc = ydoc_load_file(&s->doc, path, e)))
		return rc;
	s->file = s->doc.file;
	root = ydoc_root(&s->doc);
	schema_ctx_init(&c, &s->doc.arena, &s->doc, e, NULL);
	if (!root)
		rc = err_set(e, ERR_INPUT,
			     "%s:1:1: expected a map with scenario and parameters, got an empty "
			     "file",
			     path);
	else if (root->kind != YN_MAP)
		rc = schema_expect(&c, root, "a map with scenario and parameters");
	else
		rc = schema_read(&c, &sweep_table, root, s, root);
	if (rc)
		sweep_release(s);
	return rc;
}

void sweep_release(struct sweep *s)
{
	ydoc_release(&s->doc);
	memset(s, 0, sizeof(*s));
}

int sweep_nruns(const struct sweep *s)
{
	return s->npoints * s->replications;
}

/* Value index of parameter i at point p: the last parameter varies fastest. */
static int value_index(const struct sweep *s, int i, int point)
{
	long long stride = 1;
	int j;
	for (j = s->nparams - 1; j > i; j--)
		stride *= s->params[j].nvalues;
	return (int)((point / stride) % s->params[i].nvalues);
}

void sweep_point_overrides(const struct sweep *s, int point, struct override *ovr)
{
	int i;
	for (i = 0; i < s->nparams; i++) {
		ovr[i].path = s->params[i].path;
		ovr[i].pathlen = 0;
		ovr[i].value = s->params[i].values[value_index(s, i, point)];
	}
}

/* ---- JSON ------------------------------------------------------------------- */

struct jbuf {
	char *s;
	size_t n, cap;
};

static void jb_add(struct jbuf *b, const char *s, size_t n)
{
	GROW(b->s, b->n + n + 1, b->cap);
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void jb_string(struct jbuf *b, const char *s, size_t n)
{
	size_t i;
	jb_add(b, "\"", 1);
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		char esc[8];
		if (ch == '"' || ch == '\\') {
			esc[0] = '\\';
			esc[1] = (char)ch;
			jb_add(b, esc, 2);
		} else if (ch < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", ch);
			jb_add(b, esc, 6);
		} else {
			jb_add(b, (const char *)&s[i], 1);
		}
	}
	jb_add(b, "\"", 1);
}

/* JSON's number grammar: -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)? */
static int json_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return 0;
	if (*s == '.') {
		s++;
		if (!(*s >= '0' && *s <= '9'))
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

/* A value as JSON: numbers and booleans as they are, anything else as a
 * string of its YAML text. */
static void jb_value(struct jbuf *b, const char *v)
{
	if (json_number(v) || !strcmp(v, "true") || !strcmp(v, "false"))
		jb_add(b, v, strlen(v));
	else
		jb_string(b, v, strlen(v));
}

char *overrides_json(const struct override *ovr, int n)
{
	struct jbuf b = { NULL, 0, 0 };
	int i;
	jb_add(&b, "{", 1);
	for (i = 0; i < n; i++) {
		if (i)
			jb_add(&b, ",", 1);
		jb_string(&b, ovr[i].path,
			  ovr[i].pathlen > 0 ? (size_t)ovr[i].pathlen : strlen(ovr[i].path));
		jb_add(&b, ":", 1);
		jb_value(&b, ovr[i].value);
	}
	jb_add(&b, "}", 1);
	return b.s;
}

char *sweep_point_json(const struct sweep *s, int point)
{
	struct override *ovr = xcalloc((size_t)s->nparams + 1, sizeof(*ovr));
	char *json;
	sweep_point_overrides(s, point, ovr);
	json = overrides_json(ovr, s->nparams);
	free(ovr);
	return json;
}

/* ---- validation ----------------------------------------------------------- */

static int load_point(const struct sweep *s, struct ydoc *d, int point, const char *models_dir,
		      struct err *e)
{
	struct ynode *saved = d->nroots ? d->roots[0] : NULL;
	size_t saved_n = d->nroots;
	struct scenario sc;
	int i, rc = 0;

	for (i = 0; i < s->nparams && !rc; i++) {
		int k = value_index(s, i, point);
		struct ynode *v;
		rc = ydoc_parse_value(d, s->params[i].values[k], s->params[i].marks[k], &v, e);
		if (!rc)
			rc = ydoc_set_path(d, s->params[i].path, v, e);
	}
	if (!rc) {
		rc = scenario_from_doc(&sc, d, models_dir, e);
		scenario_release(&sc);
	}
	/* ydoc_set_path copies along the path: the saved root is intact. */
	if (saved_n)
		d->roots[0] = saved;
	d->nroots = saved_n;
	if (rc && s->nparams) {
		char *json = sweep_point_json(s, point);
		size_t len = strlen(e->msg);
		snprintf(e->msg + len, sizeof(e->msg) - len, " (sweep point %d: %s)", point, json);
		free(json);
	}
	return rc;
}

int sweep_validate(const struct sweep *s, const char *models_dir, struct err *e)
{
	struct ydoc d;
	int rc, p, k, maxn = 1, i;

	if ((rc = ydoc_load_file(&d, s->scenario_path, e)))
		return rc;
	if (s->npoints <= SWEEP_VALIDATE_ALL) {
		for (p = 0; p < s->npoints && !rc; p++)
			rc = load_point(s, &d, p, models_dir, e);
	} else {
		for (i = 0; i < s->nparams; i++)
			if (s->params[i].nvalues > maxn)
				maxn = s->params[i].nvalues;
		for (k = 0; k < maxn && !rc; k++) {
			long long point = 0;
			for (i = 0; i < s->nparams; i++)
				point = point * s->params[i].nvalues + k % s->params[i].nvalues;
			rc = load_point(s, &d, (int)point, models_dir, e);
		}
	}
	ydoc_release(&d);
	return rc;
}
