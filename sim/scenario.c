/*
 * scenario.c -- the scenario schema and its loader.
 *
 * Every key a scenario (or an instance catalog) can hold is one row of a
 * table below: name, type, where it goes, default, range, help. schema.c
 * walks the YAML tree with those tables; the check hooks here add what a
 * row cannot say (min <= count <= max, requests <= limits, references
 * between lists, the scenario-wide limits of docs/limits.md), and the same
 * tables print docs/scenario.md (scenario_schema_markdown).
 *
 * Loading order: the tree (with overrides already applied) -> every key in
 * document order -> the root hook: catalog file loaded and merged with
 * `instance_types` at the tree level (so a scenario overrides single
 * fields of a catalog type and errors still point at the right file) ->
 * references (node group -> instance type, traffic -> workload) -> limits
 * -> scenario_sha256 = SHA-256(scenario file bytes || catalog file bytes).
 * The references and limits are in scenario_refs.c, trace files in
 * scenario_trace.c (scenario_impl.h is what the three share).
 *
 * Memory: everything the scenario keeps is copied into sc->arena; the
 * loader's scratch documents (catalog, parsed defaults) are freed before
 * scenario_from_doc returns.
 */
#include "scenario.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "budget.h"
#include "catalog.h"
#include "manifest.h"
#include "paths.h"
#include "schema.h"
#include "scenario_impl.h"
#include "sha256.h"
#include "sweep.h"
#include "units.h"
#include "ydoc.h"

_Static_assert(sizeof(enum sel_op) == sizeof(int), "enums are stored as int");
_Static_assert(sizeof(enum workload_kind) == sizeof(int), "enums are stored as int");
_Static_assert(sizeof(enum rate_shape) == sizeof(int), "enums are stored as int");
_Static_assert(sizeof(enum dist_kind) == sizeof(int), "enums are stored as int");
_Static_assert(sizeof(uint64_t) == sizeof(int64_t), "seed is stored as int64");

/* ---- name tables ------------------------------------------------------------ */

static const struct schema_enum sel_ops[] = {
	{ "In", SEL_IN },
	{ "NotIn", SEL_NOT_IN },
	{ "Exists", SEL_EXISTS },
	{ "DoesNotExist", SEL_DOES_NOT_EXIST },
	{ NULL, 0 },
};
static const struct schema_enum effects[] = {
	{ "NoSchedule", EFFECT_NO_SCHEDULE },
	{ "PreferNoSchedule", EFFECT_PREFER_NO_SCHEDULE },
	{ "NoExecute", EFFECT_NO_EXECUTE },
	{ NULL, 0 },
};
static const struct schema_enum tol_ops[] = {
	{ "Equal", TOL_EQUAL },
	{ "Exists", TOL_EXISTS },
	{ NULL, 0 },
};
static const struct schema_enum unsatisfiable[] = {
	{ "DoNotSchedule", 1 },
	{ "ScheduleAnyway", 0 },
	{ NULL, 0 },
};
static const struct schema_enum workload_kinds[] = {
	{ "Deployment", WL_DEPLOYMENT },
	{ "DaemonSet", WL_DAEMONSET },
	{ NULL, 0 },
};
static const struct schema_enum strategies[] = {
	{ "least-allocated", STRATEGY_LEAST_ALLOCATED },
	{ "most-allocated", STRATEGY_MOST_ALLOCATED },
	{ NULL, 0 },
};
static const struct schema_enum expanders[] = {
	{ "random", EXPANDER_RANDOM },
	{ "least-waste", EXPANDER_LEAST_WASTE },
	{ "price", EXPANDER_PRICE },
	{ "most-pods", EXPANDER_MOST_PODS },
	{ NULL, 0 },
};
static const struct schema_enum arrivals[] = {
	{ "poisson", ARRIVAL_POISSON },
	{ "uniform", ARRIVAL_UNIFORM },
	{ NULL, 0 },
};
static const struct schema_enum routings[] = {
	{ "round-robin", ROUTE_ROUND_ROBIN },
	{ "least-request", ROUTE_LEAST_REQUEST },
	{ "random", ROUTE_RANDOM },
	{ NULL, 0 },
};

static const char *const plugin_names[PLUGIN_NSCORE] = {
	[PLUGIN_TAINT_TOLERATION] = "TaintToleration",
	[PLUGIN_NODE_AFFINITY] = "NodeAffinity",
	[PLUGIN_NODE_RESOURCES_FIT] = "NodeResourcesFit",
	[PLUGIN_POD_TOPOLOGY_SPREAD] = "PodTopologySpread",
	[PLUGIN_INTER_POD_AFFINITY] = "InterPodAffinity",
	[PLUGIN_BALANCED_ALLOCATION] = "NodeResourcesBalancedAllocation",
};

const char *score_plugin_name(enum score_plugin p)
{
	return (unsigned)p < PLUGIN_NSCORE ? plugin_names[p] : "?";
}

/* ---- selectors, tolerations, taints ---------------------------------------- */

static int check_sel_expr(struct schema_ctx *c, void *obj, const struct ynode *map,
			  const struct ynode *where)
{
	struct sel_expr *x = obj;
	int set_op = x->op == SEL_IN || x->op == SEL_NOT_IN;

	if (!schema_label_key_ok(x->key))
		return schema_expect_at(c, map, where, "key", NULL,
					"a label key like app or example.com/tier");
	if (set_op && x->nvalues == 0)
		return schema_expect_at(c, map, where, "values", NULL,
					"a non-empty list of values for operator In or NotIn");
	if (!set_op && x->nvalues > 0)
		return schema_expect_at(c, map, where, "values", NULL,
					"no values with operator Exists or DoesNotExist");
	return 0;
}

#define T struct sel_expr
static const struct schema_key sel_expr_keys[] = {
	{ .name = "key", .type = ST_STRING, .off = offsetof(T, key), .flags = SF_REQUIRED,
	  .help = "label key" },
	{ .name = "operator", .type = ST_ENUM, .off = offsetof(T, op), .flags = SF_REQUIRED,
	  .names = sel_ops, .help = "as in Kubernetes label selectors" },
	{ .name = "values", .type = ST_STRINGS, .off = offsetof(T, values),
	  .off_n = offsetof(T, nvalues), .flags = SF_MAX, .max = LIM_SMALL_LIST,
	  .help = "non-empty for In and NotIn, absent for Exists and DoesNotExist" },
};
#undef T
static const struct schema_table sel_expr_table = {
	.name = "selector expression",
	.doc = "One `match_expressions` item, as in a Kubernetes LabelSelector.",
	.keys = sel_expr_keys, .nkeys = ARRAY_LEN(sel_expr_keys),
	.item_size = sizeof(struct sel_expr), .check = check_sel_expr,
};

static int check_toleration(struct schema_ctx *c, void *obj, const struct ynode *map,
			    const struct ynode *where)
{
	struct toleration *t = obj;
	/* Kubernetes' validation: an empty key matches all keys and needs
	 * operator Exists; Exists takes no value. */
	if (t->key && !*t->key)
		t->key = NULL;
	if (!t->key && t->op != TOL_EXISTS)
		return schema_expect_at(c, map, where, "operator", NULL,
					"Exists when key is empty");
	if (t->op == TOL_EXISTS && *t->value)
		return schema_expect_at(c, map, where, "value", NULL,
					"no value with operator Exists");
	return 0;
}

#define T struct toleration
static const struct schema_key toleration_keys[] = {
	{ .name = "key", .type = ST_STRING, .off = offsetof(T, key),
	  .help = "taint key; absent or empty matches every key (with operator Exists)" },
	{ .name = "operator", .type = ST_ENUM, .off = offsetof(T, op), .def = "Equal",
	  .names = tol_ops, .help = "Equal compares value; Exists matches any value" },
	{ .name = "value", .type = ST_STRING, .off = offsetof(T, value), .def = "",
	  .defdoc = "`\"\"`", .help = "taint value for Equal" },
	{ .name = "effect", .type = ST_ENUM, .off = offsetof(T, effect), .flags = SF_ABSENT_NEG1,
	  .names = effects, .defdoc = "all effects", .help = "the taint effect tolerated" },
};
#undef T
static const struct schema_table toleration_table = {
	.name = "toleration",
	.doc = "A Kubernetes toleration (`tolerationSeconds` is not modelled).",
	.keys = toleration_keys, .nkeys = ARRAY_LEN(toleration_keys),
	.item_size = sizeof(struct toleration), .check = check_toleration,
};

#define TAINT_WHAT "a taint like dedicated=infra:NoSchedule"

/* kubectl's form: key[=value]:Effect. */
static int parse_taint(struct schema_ctx *c, const char *s, struct taint *t)
{
	const char *colon = strrchr(s, ':'), *eq;
	char key[320], value[80];
	int i;

	if (!colon)
		return -1;
	for (i = 0; effects[i].name; i++)
		if (strcmp(colon + 1, effects[i].name) == 0)
			break;
	if (!effects[i].name)
		return -1;
	eq = memchr(s, '=', (size_t)(colon - s));
	snprintf(key, sizeof(key), "%.*s", (int)((eq ? eq : colon) - s), s);
	snprintf(value, sizeof(value), "%.*s", eq ? (int)(colon - eq - 1) : 0, eq ? eq + 1 : "");
	if ((size_t)((eq ? eq : colon) - s) >= sizeof(key) ||
	    (eq && (size_t)(colon - eq - 1) >= sizeof(value)) || !schema_label_key_ok(key) ||
	    !schema_label_value_ok(value))
		return -1;
	t->key = arena_strdup(c->arena, key);
	t->value = arena_strdup(c->arena, value);
	t->effect = (enum taint_effect)effects[i].value;
	return 0;
}

static int read_taints(struct schema_ctx *c, const struct ynode *n, void *obj,
		       const struct schema_key *k)
{
	struct taint **v = (struct taint **)(void *)((char *)obj + k->off);
	int *count = (int *)(void *)((char *)obj + k->off_n);
	size_t i;

	if (n->kind != YN_SEQ)
		return schema_expect(c, n, "a list of taints like [dedicated=infra:NoSchedule]");
	if (n->n > LIM_SMALL_LIST)
		return schema_expect(c, n, "a list of at most %d taints", LIM_SMALL_LIST);
	*v = n->n ? arena_alloc(c->arena, n->n * sizeof(**v)) : NULL;
	for (i = 0; i < n->n; i++) {
		const struct ynode *item = n->vals[i];
		if (item->kind != YN_SCALAR || parse_taint(c, item->str, &(*v)[i]) < 0) {
			char idx[24];
			size_t old;
			int rc;
			snprintf(idx, sizeof(idx), "%zu", i);
			old = schema_push_item(c, idx);
			rc = schema_expect(c, item, "%s", TAINT_WHAT);
			schema_pop(c, old);
			return rc;
		}
	}
	*count = (int)n->n;
	return 0;
}

/* ---- affinity ---------------------------------------------------------------- */

#define SELECTOR_KEYS(T, sel)                                                           \
	{ .name = "match_labels", .type = ST_LABELS, .off = offsetof(T, sel.match_labels), \
	  .help = "labels the pods must all have" },                                      \
	{                                                                                 \
		.name = "match_expressions", .type = ST_LIST, .off = offsetof(T, sel.exprs), \
		.off_n = offsetof(T, sel.nexprs), .flags = SF_MAX, .max = LIM_SMALL_LIST,   \
		.sub = &sel_expr_table, .help = "expressions the pods must all satisfy"      \
	}

#define T struct affinity_term
static const struct schema_key term_keys[] = {
	SELECTOR_KEYS(T, selector),
	{ .name = "topology_key", .type = ST_STRING, .off = offsetof(T, topology_key),
	  .flags = SF_REQUIRED,
	  .help = "node label defining the domain, e.g. kubernetes.io/hostname" },
};
static const struct schema_key weighted_term_keys[] = {
	SELECTOR_KEYS(T, selector),
	{ .name = "topology_key", .type = ST_STRING, .off = offsetof(T, topology_key),
	  .flags = SF_REQUIRED, .help = "node label defining the domain" },
	{ .name = "weight", .type = ST_INT, .off = offsetof(T, weight),
	  .flags = SF_REQUIRED | SF_MIN | SF_MAX, .min = 1, .max = 100,
	  .help = "added to a node's InterPodAffinity score when the term holds" },
};
#undef T

static const struct schema_table term_table = {
	.name = "pod affinity term",
	.doc = "A required (anti-)affinity term. As in Kubernetes, a term without "
	       "`match_labels` or `match_expressions` selects no pod.",
	.keys = term_keys, .nkeys = ARRAY_LEN(term_keys), .item_size = sizeof(struct affinity_term),
};
static const struct schema_table weighted_term_table = {
	.name = "weighted pod affinity term",
	.doc = "A preferred (anti-)affinity term with its weight.",
	.keys = weighted_term_keys, .nkeys = ARRAY_LEN(weighted_term_keys),
	.item_size = sizeof(struct affinity_term),
};

#define T struct pod_affinity
static const struct schema_key pod_affinity_keys[] = {
	{ .name = "required", .type = ST_LIST, .off = offsetof(T, required.v),
	  .off_n = offsetof(T, required.n), .flags = SF_MAX, .max = LIM_SMALL_LIST,
	  .sub = &term_table, .help = "requiredDuringSchedulingIgnoredDuringExecution" },
	{ .name = "preferred", .type = ST_LIST, .off = offsetof(T, preferred.v),
	  .off_n = offsetof(T, preferred.n), .flags = SF_MAX, .max = LIM_SMALL_LIST,
	  .sub = &weighted_term_table, .help = "preferredDuringSchedulingIgnoredDuringExecution" },
};
#undef T
static const struct schema_table pod_affinity_table = {
	.name = "pod affinity",
	.doc = "`pod_affinity` and `pod_anti_affinity` take the same keys.",
	.keys = pod_affinity_keys, .nkeys = ARRAY_LEN(pod_affinity_keys),
};

#define T struct node_term
static const struct schema_key node_term_keys[] = {
	{ .name = "match_expressions", .type = ST_LIST, .off = offsetof(T, exprs),
	  .off_n = offsetof(T, nexprs), .flags = SF_REQUIRED | SF_NONEMPTY | SF_MAX,
	  .max = LIM_SMALL_LIST, .sub = &sel_expr_table,
	  .help = "all must hold (over node labels)" },
};
static const struct schema_key weighted_node_term_keys[] = {
	{ .name = "match_expressions", .type = ST_LIST, .off = offsetof(T, exprs),
	  .off_n = offsetof(T, nexprs), .flags = SF_REQUIRED | SF_NONEMPTY | SF_MAX,
	  .max = LIM_SMALL_LIST, .sub = &sel_expr_table,
	  .help = "all must hold (over node labels)" },
	{ .name = "weight", .type = ST_INT, .off = offsetof(T, weight),
	  .flags = SF_REQUIRED | SF_MIN | SF_MAX, .min = 1, .max = 100,
	  .help = "added to the NodeAffinity score of nodes matching the term" },
};
#undef T
static const struct schema_table node_term_table = {
	.name = "node selector term",
	.doc = "Required node affinity terms are OR-ed; the expressions of one term are AND-ed.",
	.keys = node_term_keys, .nkeys = ARRAY_LEN(node_term_keys),
	.item_size = sizeof(struct node_term),
};
static const struct schema_table weighted_node_term_table = {
	.name = "preferred node selector term",
	.keys = weighted_node_term_keys, .nkeys = ARRAY_LEN(weighted_node_term_keys),
	.item_size = sizeof(struct node_term),
};

#define T struct node_affinity
static const struct schema_key node_affinity_keys[] = {
	{ .name = "required", .type = ST_LIST, .off = offsetof(T, required),
	  .off_n = offsetof(T, nrequired), .flags = SF_MAX, .max = LIM_SMALL_LIST,
	  .sub = &node_term_table, .help = "a node must match one of these terms" },
	{ .name = "preferred", .type = ST_LIST, .off = offsetof(T, preferred),
	  .off_n = offsetof(T, npreferred), .flags = SF_MAX, .max = LIM_SMALL_LIST,
	  .sub = &weighted_node_term_table, .help = "scored by weight" },
};
#undef T
static const struct schema_table node_affinity_table = {
	.name = "node affinity",
	.keys = node_affinity_keys, .nkeys = ARRAY_LEN(node_affinity_keys),
};

#define T struct workload
static const struct schema_key affinity_keys[] = {
	{ .name = "pod_affinity", .type = ST_MAP, .off = offsetof(T, affinity),
	  .sub = &pod_affinity_table, .help = "run near pods matching the terms" },
	{ .name = "pod_anti_affinity", .type = ST_MAP, .off = offsetof(T, anti_affinity),
	  .sub = &pod_affinity_table, .help = "run away from pods matching the terms" },
	{ .name = "node_affinity", .type = ST_MAP, .off = offsetof(T, node_affinity),
	  .sub = &node_affinity_table, .help = "constraints over node labels" },
};
#undef T
static const struct schema_table affinity_table = {
	.name = "affinity",
	.keys = affinity_keys, .nkeys = ARRAY_LEN(affinity_keys),
};

static int check_spread(struct schema_ctx *c, void *obj, const struct ynode *map,
			const struct ynode *where)
{
	struct spread_constraint *s = obj;
	if (s->min_domains > 0 && !s->do_not_schedule)
		return schema_expect_at(c, map, where, "min_domains", NULL,
					"no min_domains with when_unsatisfiable ScheduleAnyway");
	return 0;
}

#define T struct spread_constraint
static const struct schema_key spread_keys[] = {
	{ .name = "max_skew", .type = ST_INT, .off = offsetof(T, max_skew),
	  .flags = SF_REQUIRED | SF_MIN | SF_MAX, .min = 1, .max = LIM_PODS,
	  .help = "largest allowed difference of matching pods between domains" },
	{ .name = "topology_key", .type = ST_STRING, .off = offsetof(T, topology_key),
	  .flags = SF_REQUIRED, .help = "node label defining the domains" },
	{ .name = "when_unsatisfiable", .type = ST_ENUM, .off = offsetof(T, do_not_schedule),
	  .def = "DoNotSchedule", .names = unsatisfiable,
	  .help = "DoNotSchedule filters nodes; ScheduleAnyway only scores them" },
	SELECTOR_KEYS(T, selector),
	{ .name = "min_domains", .type = ST_INT, .off = offsetof(T, min_domains),
	  .flags = SF_MIN | SF_MAX, .min = 1, .max = LIM_NODES, .defdoc = "absent (0)",
	  .help = "DoNotSchedule only: fewer eligible domains count as global minimum 0" },
};
#undef T
static const struct schema_table spread_table = {
	.name = "topology spread constraint",
	.doc = "When neither `match_labels` nor `match_expressions` is given, the selector "
	       "is the workload's labels (what a Deployment's pods carry).",
	.keys = spread_keys, .nkeys = ARRAY_LEN(spread_keys),
	.item_size = sizeof(struct spread_constraint), .check = check_spread,
};

/* ---- distributions ------------------------------------------------------- */

static int check_uniform(struct schema_ctx *c, void *obj, const struct ynode *map,
			 const struct ynode *where)
{
	struct dist *d = obj;
	char lo[32], what[64];
	if (d->p2 < d->p1) {
		units_fmt_duration(lo, sizeof(lo), d->p1);
		snprintf(what, sizeof(what), "a duration of at least min (%s)", lo);
		return schema_expect_at(c, map, where, "max", NULL, what);
	}
	return 0;
}

#define DIST_TIME(nm, field, fl, help_)                                              \
	{                                                                            \
		.name = nm, .type = ST_DURATION, .off = offsetof(struct dist, field), \
		.flags = SF_REQUIRED | SF_MAX | (fl), .max = 86400, .help = help_     \
	}
#define DIST_CV                                                                            \
	{                                                                                  \
		.name = "cv", .type = ST_NUMBER, .off = offsetof(struct dist, p2),          \
		.flags = SF_REQUIRED | SF_MIN | SF_MAX, .min = 0, .max = 100,               \
		.help = "coefficient of variation (standard deviation / mean); 0: constant" \
	}

static const struct schema_key dist_constant_keys[] = {
	DIST_TIME("value", p1, SF_MIN, "every sample"),
};
static const struct schema_key dist_exponential_keys[] = {
	DIST_TIME("mean", p1, SF_MIN | SF_MIN_EXCL, "mean"),
};
static const struct schema_key dist_lognormal_keys[] = {
	DIST_TIME("mean", p1, SF_MIN | SF_MIN_EXCL, "mean (not the median)"),
	DIST_CV,
};
static const struct schema_key dist_gamma_keys[] = {
	DIST_TIME("mean", p1, SF_MIN | SF_MIN_EXCL, "mean"),
	DIST_CV,
};
static const struct schema_key dist_uniform_keys[] = {
	DIST_TIME("min", p1, SF_MIN, "smallest sample"),
	DIST_TIME("max", p2, SF_MIN, "largest sample, at least min"),
};

static const struct schema_table dist_tables[] = {
	{ .name = "distribution constant", .keys = dist_constant_keys,
	  .nkeys = ARRAY_LEN(dist_constant_keys) },
	{ .name = "distribution exponential", .keys = dist_exponential_keys,
	  .nkeys = ARRAY_LEN(dist_exponential_keys) },
	{ .name = "distribution lognormal", .keys = dist_lognormal_keys,
	  .nkeys = ARRAY_LEN(dist_lognormal_keys) },
	{ .name = "distribution gamma", .keys = dist_gamma_keys,
	  .nkeys = ARRAY_LEN(dist_gamma_keys) },
	{ .name = "distribution uniform", .keys = dist_uniform_keys,
	  .nkeys = ARRAY_LEN(dist_uniform_keys), .check = check_uniform },
};

static const struct schema_variant_case dist_cases[] = {
	{ "constant", DIST_CONSTANT, &dist_tables[0] },
	{ "exponential", DIST_EXPONENTIAL, &dist_tables[1] },
	{ "lognormal", DIST_LOGNORMAL, &dist_tables[2] },
	{ "gamma", DIST_GAMMA, &dist_tables[3] },
	{ "uniform", DIST_UNIFORM, &dist_tables[4] },
};
static const struct schema_variant dist_variant = {
	.key = "dist", .kind_off = offsetof(struct dist, kind), .cases = dist_cases,
	.ncases = ARRAY_LEN(dist_cases),
};

/* ---- rates ------------------------------------------------------------------ */

static int check_diurnal(struct schema_ctx *c, void *obj, const struct ynode *map,
			 const struct ynode *where)
{
	struct rate *r = obj;
	char what[64];
	if (r->max < r->min) {
		snprintf(what, sizeof(what), "a number of at least min (%g)", r->min);
		return schema_expect_at(c, map, where, "max", NULL, what);
	}
	return 0;
}

static int check_steps(struct schema_ctx *c, void *obj, const struct ynode *map,
		       const struct ynode *where)
{
	struct rate *r = obj;
	int i;
	for (i = 1; i < r->npoints; i++) {
		if (r->points[i].t <= r->points[i - 1].t) {
			char prev[32], what[96];
			size_t old = schema_push_key(c, "steps");
			int rc;
			units_fmt_duration(prev, sizeof(prev), r->points[i - 1].t);
			snprintf(what, sizeof(what), "a time after %s (the previous step)", prev);
			schema_push_item(c, (snprintf(prev, sizeof(prev), "%d", i), prev));
			rc = schema_expect_at(c, nth(map, "steps", i), where, "at", NULL, what);
			schema_pop(c, old);
			return rc;
		}
	}
	return 0;
}

#define RPS(nm, field, fl, help_)                                                     \
	{                                                                              \
		.name = nm, .type = ST_NUMBER, .off = offsetof(T, field),              \
		.flags = SF_MIN | SF_MAX | (fl), .min = 0, .max = LIM_RPS, .help = help_ \
	}

#define T struct rate_point
static const struct schema_key step_keys[] = {
	{ .name = "at", .type = ST_DURATION, .off = offsetof(T, t),
	  .flags = SF_REQUIRED | SF_MIN | SF_MAX, .min = 0, .max = LIM_DURATION,
	  .help = "simulated time the step starts" },
	RPS("rps", rps, SF_REQUIRED, "requests per second from then on"),
};
#undef T
static const struct schema_table step_table = {
	.name = "rate step",
	.doc = "Steps are sorted by `at`; the rate is 0 before the first one.",
	.keys = step_keys, .nkeys = ARRAY_LEN(step_keys), .item_size = sizeof(struct rate_point),
};

#define T struct rate
static const struct schema_key rate_constant_keys[] = {
	RPS("rps", rps, SF_REQUIRED, "requests per second"),
};
static const struct schema_key rate_diurnal_keys[] = {
	RPS("min", min, SF_REQUIRED, "requests per second at the trough"),
	RPS("max", max, SF_REQUIRED, "requests per second at the peak, at least min"),
	{ .name = "peak_at", .type = ST_DURATION, .off = offsetof(T, peak_at), .def = "0s",
	  .flags = SF_MIN | SF_MAX, .min = 0, .max = LIM_DURATION,
	  .help = "time of the peak (then every period); a cosine between min and max" },
	{ .name = "period", .type = ST_DURATION, .off = offsetof(T, period), .def = "24h",
	  .flags = SF_MIN | SF_MIN_EXCL | SF_MAX, .min = 0, .max = LIM_DURATION,
	  .help = "length of one cycle" },
};
static const struct schema_key rate_steps_keys[] = {
	{ .name = "steps", .type = ST_LIST, .off = offsetof(T, points),
	  .off_n = offsetof(T, npoints),
	  .flags = SF_REQUIRED | SF_NONEMPTY | SF_MAX, .max = LIM_STEPS, .sub = &step_table,
	  .help = "piecewise constant rate" },
};
static const struct schema_key rate_trace_keys[] = {
	{ .name = "file", .type = ST_STRING, .off = offsetof(T, trace_file), .flags = SF_REQUIRED,
	  .help = "CSV of `seconds,rps` rows, relative to the scenario file; linearly "
		  "interpolated, constant after the last row" },
};
#undef T

static const struct schema_table rate_tables[] = {
	{ .name = "rate constant", .keys = rate_constant_keys,
	  .nkeys = ARRAY_LEN(rate_constant_keys) },
	{ .name = "rate diurnal", .keys = rate_diurnal_keys, .nkeys = ARRAY_LEN(rate_diurnal_keys),
	  .check = check_diurnal,
	  .doc = "rps(t) = min + (max - min) (1 + cos(2 pi (t - peak_at) / period)) / 2." },
	{ .name = "rate steps", .keys = rate_steps_keys, .nkeys = ARRAY_LEN(rate_steps_keys),
	  .check = check_steps },
	{ .name = "rate trace", .keys = rate_trace_keys, .nkeys = ARRAY_LEN(rate_trace_keys),
	  .check = scenario_check_trace,
	  .doc = "Rows must be sorted by time, with finite non-negative numbers; blank lines, "
		 "`#` comments and one header line are skipped. At most 1000000 rows." },
};
static const struct schema_variant_case rate_cases[] = {
	{ "constant", RATE_CONSTANT, &rate_tables[0] },
	{ "diurnal", RATE_DIURNAL, &rate_tables[1] },
	{ "steps", RATE_STEPS, &rate_tables[2] },
	{ "trace", RATE_TRACE, &rate_tables[3] },
};
static const struct schema_variant rate_variant = {
	.key = "shape", .kind_off = offsetof(struct rate, shape), .cases = rate_cases,
	.ncases = ARRAY_LEN(rate_cases),
};

#define T struct traffic
static const struct schema_key traffic_keys[] = {
	{ .name = "workload", .type = ST_STRING, .off = offsetof(T, workload_name),
	  .flags = SF_REQUIRED, .help = "name of the workload serving the requests" },
	{ .name = "rate", .type = ST_VARIANT, .off = offsetof(T, rate), .flags = SF_REQUIRED,
	  .variant = &rate_variant, .help = "requests per second over time" },
	{ .name = "arrival", .type = ST_ENUM, .off = offsetof(T, arrival), .def = "poisson",
	  .names = arrivals, .help = "poisson: exponential gaps; uniform: evenly spaced" },
	{ .name = "routing", .type = ST_ENUM, .off = offsetof(T, routing), .def = "round-robin",
	  .names = routings, .help = "how a request picks one of the Ready pods" },
	{ .name = "timeout", .type = ST_DURATION, .off = offsetof(T, timeout), .def = "30s",
	  .flags = SF_MIN | SF_MIN_EXCL | SF_MAX, .min = 0, .max = 86400,
	  .help = "a request unfinished after this long is an error" },
};
#undef T
static const struct schema_table traffic_table = {
	.name = "traffic stream",
	.doc = "Items have no name: address them by index in paths (`traffic.0.rate.rps`).",
	.keys = traffic_keys, .nkeys = ARRAY_LEN(traffic_keys), .item_size = sizeof(struct traffic),
};

/* ---- workloads -------------------------------------------------------------- */

#define T struct workload
#define RES(nm, field, type_, help_)                                                   \
	{                                                                              \
		.name = nm, .type = type_, .off = offsetof(T, field), .flags = SF_ABSENT_NEG1, \
		.help = help_                                                          \
	}
static const struct schema_key requests_keys[] = {
	RES("cpu", req_cpu, ST_CPU, "scheduling request and CFS shares; defaults to limits.cpu"),
	RES("memory", req_memory, ST_MEMORY, "scheduling request; defaults to limits.memory"),
};
static const struct schema_key limits_keys[] = {
	RES("cpu", lim_cpu, ST_CPU, "CFS quota (throttling above it)"),
	RES("memory", lim_memory, ST_MEMORY, "use above it is an OOM kill"),
};
#undef RES
static const struct schema_key startup_keys[] = {
	{ .name = "pull", .type = ST_DURATION, .off = offsetof(T, startup_pull), .def = "0s",
	  .flags = SF_MIN | SF_MAX, .min = 0, .max = 86400, .help = "image pull, before start" },
	{ .name = "ready_after", .type = ST_DURATION, .off = offsetof(T, startup_ready_after),
	  .def = "0s", .flags = SF_MIN | SF_MAX, .min = 0, .max = 86400,
	  .help = "from container start to Ready" },
};
static const struct schema_key cpu_keys[] = {
	{ .name = "idle", .type = ST_CPU, .off = offsetof(T, cpu_idle), .def = "0",
	  .help = "cores used with no traffic" },
};
#undef T
#define T struct memory_profile
static const struct schema_key memory_keys[] = {
	{ .name = "base", .type = ST_MEMORY, .off = offsetof(T, base), .def = "0",
	  .help = "used by an idle container" },
	{ .name = "per_inflight", .type = ST_MEMORY, .off = offsetof(T, per_inflight), .def = "0",
	  .help = "per request in the pod, queued or served" },
	{ .name = "growth_per_hour", .type = ST_MEMORY, .off = offsetof(T, growth_per_hour),
	  .def = "0", .help = "leak: per hour since the container started" },
};
#undef T

static int check_hpa(struct schema_ctx *c, void *obj, const struct ynode *map,
		     const struct ynode *where)
{
	struct hpa_spec *h = obj;
	char what[64];
	h->enabled = map != NULL;
	if (h->enabled && h->min > h->max) {
		snprintf(what, sizeof(what), "an integer of at most max (%d)", h->max);
		return schema_expect_at(c, map, where, "min", NULL, what);
	}
	return 0;
}

#define T struct hpa_spec
static const struct schema_key hpa_keys[] = {
	{ .name = "min", .type = ST_INT, .off = offsetof(T, min), .def = "1",
	  .flags = SF_MIN | SF_MAX, .min = 1, .max = LIM_REPLICAS, .help = "minReplicas" },
	{ .name = "max", .type = ST_INT, .off = offsetof(T, max),
	  .flags = SF_REQUIRED | SF_MIN | SF_MAX, .min = 1, .max = LIM_REPLICAS,
	  .help = "maxReplicas" },
	{ .name = "target_cpu_utilization", .type = ST_PERCENT,
	  .off = offsetof(T, target_cpu_utilization), .def = "80", .flags = SF_MIN | SF_MAX,
	  .min = 1, .max = 1000,
	  .help = "averageUtilization: percent of the CPU request (Kubernetes' default 80)" },
};
#undef T

static const struct schema_table requests_table = {
	.name = "requests", .keys = requests_keys, .nkeys = ARRAY_LEN(requests_keys),
	.doc = "As in Kubernetes, a request that is absent while its limit is given "
	       "defaults to the limit (API defaulting); the loader does this.",
};
static const struct schema_table limits_table = {
	.name = "limits", .keys = limits_keys, .nkeys = ARRAY_LEN(limits_keys),
};
static const struct schema_table startup_table = {
	.name = "startup", .keys = startup_keys, .nkeys = ARRAY_LEN(startup_keys),
};
static const struct schema_table cpu_table = {
	.name = "cpu use", .keys = cpu_keys, .nkeys = ARRAY_LEN(cpu_keys),
};
static const struct schema_table memory_table = {
	.name = "memory use", .keys = memory_keys, .nkeys = ARRAY_LEN(memory_keys),
	.doc = "Memory a container uses: base + per_inflight x requests in the pod + "
	       "growth_per_hour x hours since start. Above limits.memory the container is "
	       "OOM-killed.",
};
static const struct schema_table hpa_table = {
	.name = "hpa", .keys = hpa_keys, .nkeys = ARRAY_LEN(hpa_keys), .check = check_hpa,
	.doc = "A HorizontalPodAutoscaler on CPU utilization; present means enabled. "
	       "It needs requests.cpu.",
};

static int check_workload(struct schema_ctx *c, void *obj, const struct ynode *map,
			  const struct ynode *where)
{
	struct workload *w = obj;
	char what[96], v[32];
	int i;

	if (w->labels.n == 0) {
		w->labels.n = 1;
		w->labels.v = arena_alloc(c->arena, sizeof(*w->labels.v));
		w->labels.v[0].key = "app";
		w->labels.v[0].value = w->name;
		if (!schema_label_value_ok(w->name))
			return schema_expect_at(c, map, where, "name", NULL,
						"a name that is also a label value (63 "
						"characters at most), or labels");
	}
	/* API defaulting: a request absent while its limit is set is the limit. */
	if (w->req_cpu < 0 && w->lim_cpu >= 0)
		w->req_cpu = w->lim_cpu;
	if (w->req_memory < 0 && w->lim_memory >= 0)
		w->req_memory = w->lim_memory;
	if (w->lim_cpu >= 0 && w->req_cpu > w->lim_cpu) {
		units_fmt_cpu(v, sizeof(v), w->lim_cpu);
		snprintf(what, sizeof(what), "a CPU quantity of at most limits.cpu (%s)", v);
		return schema_expect_at(c, map, where, "requests", "cpu", what);
	}
	if (w->lim_memory >= 0 && w->req_memory > w->lim_memory) {
		units_fmt_memory(v, sizeof(v), w->lim_memory);
		snprintf(what, sizeof(what), "a memory quantity of at most limits.memory (%s)", v);
		return schema_expect_at(c, map, where, "requests", "memory", what);
	}
	if (w->hpa.enabled && w->kind == WL_DAEMONSET)
		return schema_expect_at(c, map, where, "hpa", NULL, "no hpa on a DaemonSet");
	if (w->hpa.enabled && w->req_cpu <= 0)
		return schema_expect_at(c, map, where, "hpa", NULL,
					"requests.cpu with hpa (target_cpu_utilization is a "
					"percent of it)");
	for (i = 0; i < w->nspread; i++) {
		struct label_selector *s = &w->spread[i].selector;
		if (s->match_labels.n == 0 && s->nexprs == 0)
			s->match_labels = w->labels;
	}
	return 0;
}

#define T struct workload
static const struct schema_key workload_keys[] = {
	{ .name = "name", .type = ST_NAME, .off = offsetof(T, name), .flags = SF_REQUIRED,
	  .help = "unique among workloads; pods are named <name>-<n>" },
	{ .name = "kind", .type = ST_ENUM, .off = offsetof(T, kind), .def = "Deployment",
	  .names = workload_kinds,
	  .help = "DaemonSet: one pod on every node it tolerates and selects; replicas ignored" },
	{ .name = "replicas", .type = ST_INT, .off = offsetof(T, replicas), .def = "1",
	  .flags = SF_MIN | SF_MAX, .min = 0, .max = LIM_REPLICAS,
	  .help = "pods at start (Deployment)" },
	{ .name = "labels", .type = ST_LABELS, .off = offsetof(T, labels),
	  .defdoc = "`{app: <name>}`",
	  .help = "pod labels, matched by selectors" },
	{ .name = "requests", .type = ST_MAP, .off = 0, .sub = &requests_table,
	  .help = "per pod (one container)" },
	{ .name = "limits", .type = ST_MAP, .off = 0, .sub = &limits_table,
	  .help = "per pod; with requests they decide the QoS class" },
	{ .name = "priority", .type = ST_INT, .off = offsetof(T, priority), .def = "0",
	  .flags = SF_SIGNED | SF_MIN | SF_MAX, .min = -2147483648.0, .max = 2000001000,
	  .help = "pod priority, for eviction ranking (system-node-critical: 2000001000)" },
	{ .name = "node_selector", .type = ST_LABELS, .off = offsetof(T, node_selector),
	  .help = "node labels a node must have" },
	{ .name = "tolerations", .type = ST_LIST, .off = offsetof(T, tolerations),
	  .off_n = offsetof(T, ntolerations), .flags = SF_MAX, .max = LIM_SMALL_LIST,
	  .sub = &toleration_table, .help = "taints the pods tolerate" },
	{ .name = "affinity", .type = ST_MAP, .off = 0, .sub = &affinity_table,
	  .help = "pod (anti-)affinity and node affinity" },
	{ .name = "topology_spread", .type = ST_LIST, .off = offsetof(T, spread),
	  .off_n = offsetof(T, nspread), .flags = SF_MAX, .max = LIM_SMALL_LIST,
	  .sub = &spread_table, .help = "topologySpreadConstraints" },
	{ .name = "startup", .type = ST_MAP, .off = 0, .sub = &startup_table,
	  .help = "time from scheduling to Ready" },
	{ .name = "cpu", .type = ST_MAP, .off = 0, .sub = &cpu_table,
	  .help = "CPU use besides requests served" },
	{ .name = "memory", .type = ST_MAP, .off = offsetof(T, mem), .sub = &memory_table,
	  .help = "actual memory use" },
	{ .name = "request_cpu", .type = ST_VARIANT, .off = offsetof(T, request_cpu),
	  .def = "{dist: constant, value: 0}", .variant = &dist_variant,
	  .help = "CPU time one request needs at speed 1.0 (times are durations)" },
	{ .name = "concurrency", .type = ST_INT, .off = offsetof(T, concurrency), .def = "1",
	  .flags = SF_MIN | SF_MAX, .min = 1, .max = 10000,
	  .help = "requests served at once per pod, each on at most one core; the rest queue" },
	{ .name = "hpa", .type = ST_MAP, .off = offsetof(T, hpa), .sub = &hpa_table,
	  .defdoc = "absent (no autoscaling)", .help = "horizontal pod autoscaler" },
	{ .name = "termination_grace", .type = ST_DURATION, .off = offsetof(T, termination_grace),
	  .def = "30s", .flags = SF_MIN | SF_MAX, .min = 0, .max = 86400,
	  .help = "terminationGracePeriodSeconds" },
};
#undef T
static const struct schema_table workload_table = {
	.name = "workload",
	.doc = "A Deployment-like pod template with one container.",
	.keys = workload_keys, .nkeys = ARRAY_LEN(workload_keys),
	.item_size = sizeof(struct workload), .check = check_workload,
};

/* ---- node groups ------------------------------------------------------------- */

static int check_group(struct schema_ctx *c, void *obj, const struct ynode *map,
		       const struct ynode *where)
{
	static const char *const reserved[] = { "kubernetes.io/hostname",
						"node.kubernetes.io/instance-type",
						"topology.kubernetes.io/zone" };
	struct node_group *g = obj;
	char what[96];
	size_t i;
	int j;

	if (g->min < 0)
		g->min = g->count < 0 ? 0 : g->count;
	if (g->max < 0)
		g->max = g->count;
	if (g->min > g->count) {
		snprintf(what, sizeof(what), "an integer of at most count (%d)", g->count);
		return schema_expect_at(c, map, where, "min", NULL, what);
	}
	if (g->max < g->count) {
		snprintf(what, sizeof(what), "an integer of at least count (%d)", g->count);
		return schema_expect_at(c, map, where, "max", NULL, what);
	}
	if (g->spot_price_per_hour >= 0 && !g->spot)
		return schema_expect_at(c, map, where, "spot_price_per_hour", NULL,
					"no spot price without spot: true");
	for (j = 0; j < g->labels.n; j++) {
		for (i = 0; i < ARRAY_LEN(reserved); i++) {
			if (strcmp(g->labels.v[j].key, reserved[i]) == 0) {
				snprintf(what, sizeof(what), "no label %s (the simulator sets it)",
					 reserved[i]);
				return schema_expect_at(c, map, where, "labels", NULL, what);
			}
		}
	}
	return 0;
}

#define T struct node_group
static const struct schema_key group_keys[] = {
	{ .name = "name", .type = ST_NAME, .off = offsetof(T, name), .flags = SF_REQUIRED,
	  .help = "unique among node groups; nodes are named <name>-<n>" },
	{ .name = "instance_type", .type = ST_STRING, .off = offsetof(T, instance_type_name),
	  .flags = SF_REQUIRED, .help = "a type of the catalog or of instance_types" },
	{ .name = "count", .type = ST_INT, .off = offsetof(T, count), .def = "1",
	  .flags = SF_MIN | SF_MAX, .min = 0, .max = LIM_NODES, .help = "nodes at start" },
	{ .name = "min", .type = ST_INT, .off = offsetof(T, min), .defdoc = "count",
	  .flags = SF_ABSENT_NEG1 | SF_MIN | SF_MAX, .min = 0, .max = LIM_NODES,
	  .help = "autoscaler lower bound, at most count" },
	{ .name = "max", .type = ST_INT, .off = offsetof(T, max), .defdoc = "count",
	  .flags = SF_ABSENT_NEG1 | SF_MIN | SF_MAX, .min = 0, .max = LIM_NODES,
	  .help = "autoscaler upper bound, at least count" },
	{ .name = "zones", .type = ST_STRINGS, .off = offsetof(T, zones),
	  .off_n = offsetof(T, nzones),
	  .def = "[us-east-1a]", .flags = SF_NONEMPTY | SF_MAX, .max = 64,
	  .help = "nodes are spread round-robin; label topology.kubernetes.io/zone" },
	{ .name = "labels", .type = ST_LABELS, .off = offsetof(T, labels),
	  .help = "node labels (besides hostname, instance type and zone, which are set)" },
	{ .name = "taints", .type = ST_CUSTOM, .off = offsetof(T, taints),
	  .off_n = offsetof(T, ntaints),
	  .custom = read_taints, .what = "list of taints `key[=value]:Effect`",
	  .help = "kubectl's form, e.g. `dedicated=infra:NoSchedule`" },
	{ .name = "start_at", .type = ST_DURATION, .off = offsetof(T, start_at), .def = "0s",
	  .flags = SF_MIN | SF_MAX, .min = 0, .max = LIM_DURATION,
	  .help = "when the initial nodes join" },
	{ .name = "boot_time", .type = ST_DURATION, .off = offsetof(T, boot_time), .def = "90s",
	  .flags = SF_MIN | SF_MAX, .min = 0, .max = 86400,
	  .help = "from the autoscaler's decision to a Ready node" },
	{ .name = "spot", .type = ST_BOOL, .off = offsetof(T, spot), .def = "false",
	  .help = "Spot Instances: faults.spot_interruptions may name the group" },
	{ .name = "spot_price_per_hour", .type = ST_PRICE, .off = offsetof(T, spot_price_per_hour),
	  .defdoc = "on-demand price", .flags = SF_ABSENT_NEG1 | SF_MIN | SF_MAX, .min = 0,
	  .max = 1000, .help = "what a spot node is billed (spot: true only)" },
};
#undef T
static const struct schema_table group_table = {
	.name = "node group",
	.doc = "Every node carries the labels kubernetes.io/hostname, "
	       "node.kubernetes.io/instance-type and topology.kubernetes.io/zone.",
	.keys = group_keys, .nkeys = ARRAY_LEN(group_keys),
	.item_size = sizeof(struct node_group), .check = check_group,
};

/* ---- cluster, scheduler, autoscaler, record ------------------------------------ */

#define T struct cluster_cfg
static const struct schema_key cluster_keys[] = {
	{ .name = "control_plane_price_per_hour", .type = ST_PRICE,
	  .off = offsetof(T, control_plane_price_per_hour), .def = "0", .flags = SF_MAX,
	  .max = 1000,
	  .help = "EKS: 0.10 (standard support)" },
	{ .name = "load_balancer_price_per_hour", .type = ST_PRICE,
	  .off = offsetof(T, load_balancer_price_per_hour), .def = "0", .flags = SF_MAX,
	  .max = 1000,
	  .help = "e.g. an NLB: 0.0225" },
};
#undef T
static const struct schema_table cluster_table = {
	.name = "cluster", .keys = cluster_keys, .nkeys = ARRAY_LEN(cluster_keys),
	.doc = "Fixed costs added to the nodes' cost.",
};

#define WEIGHT(p, d)                                                                         \
	{                                                                                    \
		.name = #p, .type = ST_INT, .off = offsetof(struct scheduler_cfg, weights) + \
							   (size_t)(d##_IDX) * sizeof(int),  \
		.def = d##_DEF, .flags = SF_MIN | SF_MAX, .min = 0, .max = 100,              \
		.help = "score plugin weight (0 disables)"                                  \
	}
#define TT_IDX PLUGIN_TAINT_TOLERATION
#define TT_DEF "3"
#define NA_IDX PLUGIN_NODE_AFFINITY
#define NA_DEF "2"
#define RF_IDX PLUGIN_NODE_RESOURCES_FIT
#define RF_DEF "1"
#define TS_IDX PLUGIN_POD_TOPOLOGY_SPREAD
#define TS_DEF "2"
#define PA_IDX PLUGIN_INTER_POD_AFFINITY
#define PA_DEF "2"
#define BA_IDX PLUGIN_BALANCED_ALLOCATION
#define BA_DEF "1"
/* Defaults: kube-scheduler's default_plugins.go (reference section 1.3). */
static const struct schema_key weight_keys[] = {
	WEIGHT(TaintToleration, TT),
	WEIGHT(NodeAffinity, NA),
	WEIGHT(NodeResourcesFit, RF),
	WEIGHT(PodTopologySpread, TS),
	WEIGHT(InterPodAffinity, PA),
	WEIGHT(NodeResourcesBalancedAllocation, BA),
};
static const struct schema_table weights_table = {
	.name = "score weights", .keys = weight_keys, .nkeys = ARRAY_LEN(weight_keys),
	.doc = "Weights of kube-scheduler's score plugins, by their names; defaults from "
	       "pkg/scheduler/apis/config/v1/default_plugins.go.",
};

#define T struct scheduler_cfg
static const struct schema_key scheduler_keys[] = {
	{ .name = "strategy", .type = ST_ENUM, .off = offsetof(T, strategy),
	  .def = "least-allocated", .names = strategies,
	  .help = "NodeResourcesFit scoring strategy" },
	{ .name = "weights", .type = ST_MAP, .off = 0, .sub = &weights_table,
	  .help = "per score plugin" },
	{ .name = "default_spread", .type = ST_BOOL, .off = offsetof(T, default_spread),
	  .def = "true",
	  .help = "system default topology spread (hostname skew 3, zone skew 5, ScheduleAnyway) "
		  "for pods without topology_spread" },
};
#undef T
static const struct schema_table scheduler_table = {
	.name = "scheduler", .keys = scheduler_keys, .nkeys = ARRAY_LEN(scheduler_keys),
};

#define T struct autoscaler_cfg
#define DUR(nm, field, d, help_)                                                             \
	{                                                                                    \
		.name = nm, .type = ST_DURATION, .off = offsetof(T, field), .def = d,        \
		.flags = SF_MIN | SF_MIN_EXCL | SF_MAX, .min = 0, .max = 86400, .help = help_ \
	}
static const struct schema_key autoscaler_keys[] = {
	{ .name = "enabled", .type = ST_BOOL, .off = offsetof(T, enabled), .def = "false",
	  .help = "run the cluster autoscaler" },
	DUR("scan_interval", scan_interval, "10s", "how often it looks"),
	{ .name = "expander", .type = ST_ENUM, .off = offsetof(T, expander), .def = "least-waste",
	  .names = expanders, .help = "which node group grows" },
	{ .name = "scale_down_utilization_threshold", .type = ST_NUMBER,
	  .off = offsetof(T, scale_down_utilization_threshold), .def = "0.5",
	  .flags = SF_MIN | SF_MAX, .min = 0, .max = 1,
	  .help = "a node below this requested fraction may be removed" },
	DUR("scale_down_unneeded_time", scale_down_unneeded_time, "10m",
	    "how long a node is unneeded before removal"),
	DUR("scale_down_delay_after_add", scale_down_delay_after_add, "10m",
	    "no scale-down this long after a scale-up"),
	DUR("max_node_provision_time", max_node_provision_time, "15m",
	    "a node not Ready by then is given up"),
};
#undef DUR
#undef T
static const struct schema_table autoscaler_table = {
	.name = "autoscaler", .keys = autoscaler_keys, .nkeys = ARRAY_LEN(autoscaler_keys),
	.doc = "The cluster autoscaler; defaults from its flags.go (reference section 6.1).",
};

static const struct schema_enum pod_samples_modes[] = {
	{ "auto", POD_SAMPLES_AUTO },
	{ "pod", POD_SAMPLES_POD },
	{ "aggregate", POD_SAMPLES_AGGREGATE },
	{ "none", POD_SAMPLES_NONE },
	{ "true", POD_SAMPLES_POD },
	{ "false", POD_SAMPLES_NONE },
	{ NULL, 0 },
};

#define T struct record_cfg
static const struct schema_key record_keys[] = {
	{ .name = "pod_samples", .type = ST_ENUM, .off = offsetof(T, pod_samples), .def = "auto",
	  .names = pod_samples_modes,
	  .help = "pod_samples rows: pod (one per pod), aggregate (one per workload: pod NULL, "
		  "sums of cpu_used, mem_used, inflight, ready), none; auto: pod when the scenario "
		  "can have at most 2000 pods, else aggregate; true/false: pod/none" },
	{ .name = "node_samples_interval", .type = ST_DURATION,
	  .off = offsetof(T, node_samples_interval), .def = "0s", .defdoc = "sample_interval",
	  .flags = SF_MIN | SF_MAX, .min = 0, .max = 86400,
	  .help = "node_samples period; a multiple of sample_interval" },
	{ .name = "pod_samples_interval", .type = ST_DURATION,
	  .off = offsetof(T, pod_samples_interval), .def = "0s", .defdoc = "sample_interval",
	  .flags = SF_MIN | SF_MAX, .min = 0, .max = 86400,
	  .help = "pod_samples period; a multiple of sample_interval" },
	{ .name = "scores", .type = ST_BOOL, .off = offsetof(T, scores), .def = "false",
	  .help = "write per-node scheduling scores of every decision" },
};
#undef T
static const struct schema_table record_table = {
	.name = "record", .keys = record_keys, .nkeys = ARRAY_LEN(record_keys),
};

/* ---- faults ------------------------------------------------------------------- */

/* Exactly one of `at` and the random key; `node` only with `at`. */
static int check_fault(struct schema_ctx *c, const struct fault_spec *f, double random,
		       const char *rkey, const struct ynode *map, const struct ynode *where)
{
	char what[96];

	if ((f->at >= 0) == (random >= 0)) {
		snprintf(what, sizeof(what), "exactly one of at and %s", rkey);
		return schema_expect_at(c, map, where, f->at >= 0 ? rkey : "at", NULL, what);
	}
	if (f->node && f->at < 0)
		return schema_expect_at(c, map, where, "node", NULL, "no node without at");
	return 0;
}

static int check_failure(struct schema_ctx *c, void *obj, const struct ynode *map,
			 const struct ynode *where)
{
	struct fault_spec *f = obj;
	return check_fault(c, f, f->mtbf, "mtbf", map, where);
}

static int check_spot(struct schema_ctx *c, void *obj, const struct ynode *map,
		      const struct ynode *where)
{
	struct fault_spec *f = obj;
	return check_fault(c, f, f->rate, "rate", map, where);
}

#define T struct fault_spec
#define FAULT_KEYS                                                                           \
	{ .name = "node_group", .type = ST_NAME, .off = offsetof(T, group_name),            \
	  .flags = SF_REQUIRED, .help = "the group whose nodes it hits" },                  \
	{ .name = "at", .type = ST_DURATION, .off = offsetof(T, at),                        \
	  .flags = SF_ABSENT_NEG1 | SF_MIN | SF_MAX, .min = 0, .max = LIM_DURATION,         \
	  .help = "once, at this time" },                                                   \
	{ .name = "node", .type = ST_NAME, .off = offsetof(T, node),                        \
	  .defdoc = "lowest index", .help = "with at: which node (<group>-<n>)" }
static const struct schema_key failure_keys[] = {
	FAULT_KEYS,
	{ .name = "mtbf", .type = ST_DURATION, .off = offsetof(T, mtbf),
	  .flags = SF_ABSENT_NEG1 | SF_MIN | SF_MAX, .min = 3600, .max = 86400000,
	  .help = "or at random: mean time between failures of each node (exponential)" },
};
static const struct schema_key spot_keys[] = {
	FAULT_KEYS,
	{ .name = "rate", .type = ST_NUMBER, .off = offsetof(T, rate),
	  .flags = SF_ABSENT_NEG1 | SF_MIN | SF_MAX, .min = 0, .max = 1,
	  .help = "or at random: interruptions per node-hour (Poisson)" },
	{ .name = "notice", .type = ST_DURATION, .off = offsetof(T, notice), .def = "2m",
	  .flags = SF_MIN | SF_MAX, .min = 0, .max = 3600,
	  .help = "from the interruption notice to the termination" },
};
#undef FAULT_KEYS
#undef T
static const struct schema_table failure_table = {
	.name = "node failure",
	.doc = "A node fails (docs/faults.md): NotReady, its pods evicted after the "
	       "pod eviction timeout, the instance replaced.",
	.keys = failure_keys, .nkeys = ARRAY_LEN(failure_keys),
	.item_size = sizeof(struct fault_spec), .check = check_failure,
};
static const struct schema_table spot_table = {
	.name = "spot interruption",
	.doc = "EC2 reclaims a spot node (docs/faults.md): notice, drain, termination.",
	.keys = spot_keys, .nkeys = ARRAY_LEN(spot_keys),
	.item_size = sizeof(struct fault_spec), .check = check_spot,
};

#define T struct faults_cfg
static const struct schema_key faults_keys[] = {
	{ .name = "node_failures", .type = ST_LIST, .off = offsetof(T, failures),
	  .off_n = offsetof(T, nfailures), .flags = SF_MAX, .max = LIM_GROUPS,
	  .sub = &failure_table, .help = "nodes that fail" },
	{ .name = "spot_interruptions", .type = ST_LIST, .off = offsetof(T, spot),
	  .off_n = offsetof(T, nspot), .flags = SF_MAX, .max = LIM_GROUPS,
	  .sub = &spot_table, .help = "spot nodes reclaimed by EC2 (groups with spot: true)" },
};
#undef T
static const struct schema_table faults_table = {
	.name = "faults", .keys = faults_keys, .nkeys = ARRAY_LEN(faults_keys),
	.doc = "Faults inside the model (docs/faults.md); random ones draw from the streams "
	       "faults/<group>/failures/<k> and faults/<group>/spot/<k>.",
};

/* ---- the root ---------------------------------------------------------------- */

static int check_root(struct schema_ctx *c, void *obj, const struct ynode *map,
		      const struct ynode *where);

#define T struct scenario
static const struct schema_key scenario_keys[] = {
	{ .name = "name", .type = ST_NAME, .off = offsetof(T, name), .flags = SF_REQUIRED,
	  .help = "names the run and the default results file results/<name>.db" },
	{ .name = "duration", .type = ST_DURATION, .off = offsetof(T, duration),
	  .flags = SF_REQUIRED | SF_MIN | SF_MIN_EXCL | SF_MAX, .min = 0, .max = LIM_DURATION,
	  .help = "simulated time" },
	{ .name = "seed", .type = ST_INT, .off = offsetof(T, seed), .def = "1",
	  .flags = SF_INT64 | SF_MIN, .min = 0, .help = "random seed (--seed overrides)" },
	{ .name = "sample_interval", .type = ST_DURATION, .off = offsetof(T, sample_interval),
	  .def = "15s", .flags = SF_MIN | SF_MIN_EXCL | SF_MAX, .min = 0, .max = 86400,
	  .help = "metrics sampling period; at most 10000000 samples per run" },
	{ .name = "warmup", .type = ST_DURATION, .off = offsetof(T, warmup), .def = "0s",
	  .flags = SF_MIN | SF_MAX, .min = 0, .max = LIM_DURATION,
	  .help = "excluded from the latency summary; less than duration" },
	{ .name = "catalog", .type = ST_NAME, .off = offsetof(T, catalog), .def = "aws-us-east-1",
	  .help = "instance catalog models/<catalog>.yaml" },
	{ .name = "instance_types", .type = ST_LIST, .off = offsetof(T, types),
	  .off_n = offsetof(T, ntypes), .flags = SF_DEFERRED | SF_MAX, .max = LIM_TYPES,
	  .sub = &catalog_type_table, .help = "adds types, or overrides fields of catalog types" },
	{ .name = "cluster", .type = ST_MAP, .off = offsetof(T, cluster), .sub = &cluster_table,
	  .help = "fixed prices" },
	{ .name = "node_groups", .type = ST_LIST, .off = offsetof(T, groups),
	  .off_n = offsetof(T, ngroups), .flags = SF_REQUIRED | SF_NONEMPTY | SF_MAX,
	  .max = LIM_GROUPS, .sub = &group_table, .help = "the nodes" },
	{ .name = "scheduler", .type = ST_MAP, .off = offsetof(T, scheduler),
	  .sub = &scheduler_table,
	  .help = "kube-scheduler settings" },
	{ .name = "autoscaler", .type = ST_MAP, .off = offsetof(T, autoscaler),
	  .sub = &autoscaler_table, .help = "cluster autoscaler settings" },
	{ .name = "workloads", .type = ST_LIST, .off = offsetof(T, workloads),
	  .off_n = offsetof(T, nworkloads), .flags = SF_MAX, .max = LIM_WORKLOADS,
	  .sub = &workload_table, .help = "the pods" },
	{ .name = "manifests", .type = ST_STRINGS, .flags = SF_DEFERRED | SF_MAX, .max = 1000,
	  .help = "Kubernetes manifest files, folders or glob patterns, relative to the "
		  "scenario file: more workloads ([manifests.md](manifests.md))" },
	{ .name = "profiles", .type = ST_LIST, .flags = SF_DEFERRED | SF_MAX,
	  .max = LIM_WORKLOADS, .sub = &manifest_profile_table,
	  .help = "what manifests cannot say, per workload from manifests" },
	{ .name = "traffic", .type = ST_LIST, .off = offsetof(T, traffic),
	  .off_n = offsetof(T, ntraffic), .flags = SF_MAX, .max = LIM_TRAFFIC,
	  .sub = &traffic_table,
	  .help = "request streams" },
	{ .name = "record", .type = ST_MAP, .off = offsetof(T, record), .sub = &record_table,
	  .help = "what the results database keeps" },
	{ .name = "faults", .type = ST_MAP, .off = offsetof(T, faults), .sub = &faults_table,
	  .help = "node failures and spot interruptions" },
};
#undef T
static const struct schema_table scenario_table = {
	.name = "scenario",
	.doc = "The top level of a scenario file.",
	.keys = scenario_keys, .nkeys = ARRAY_LEN(scenario_keys), .check = check_root,
};

static int load_catalog(struct schema_ctx *c, struct loader *L, const struct ynode *root)
{
	struct scenario *sc = L->sc;
	char *path = arena_printf(c->arena, "%s/%s.yaml", L->models_dir, sc->catalog);
	struct err ignored;

	if (ydoc_load_file(&L->catalog, path, &ignored)) {
		char names[512], what[800];
		/* A YAML error inside an existing catalog is that file's error. */
		FILE *f = fopen(path, "r");
		if (f) {
			fclose(f);
			return ydoc_load_file(&L->catalog, path, c->e);
		}
		catalog_list(L->models_dir, names, sizeof(names));
		snprintf(what, sizeof(what), "an instance catalog in %s (%s)", L->models_dir,
			 names[0] ? names : "none there");
		return schema_expect_key(c, root, root, "catalog", "%s", what);
	}
	return catalog_read(c, &L->catalog, ynode_get(root, "instance_types"), &sc->types,
			    &sc->ntypes);
}

static void hash_scenario(struct loader *L)
{
	struct sha256 h;
	sha256_init(&h);
	sha256_update(&h, L->doc->src ? L->doc->src : "", L->doc->srclen);
	sha256_update(&h, L->catalog.src ? L->catalog.src : "", L->catalog.srclen);
	sha256_update(&h, L->manifests_sha256, strlen(L->manifests_sha256));
	sha256_final_hex(&h, L->sc->sha256);
}

/* Record intervals are whole multiples of sample_interval: samples are taken
 * on its ticks (metrics.c). */
static int check_record(struct schema_ctx *c, const struct ynode *map, const struct ynode *where,
			const struct scenario *sc)
{
	const double iv[2] = { sc->record.node_samples_interval, sc->record.pod_samples_interval };
	const char *const key[2] = { "node_samples_interval", "pod_samples_interval" };

	for (int i = 0; i < 2; i++) {
		double k = iv[i] / sc->sample_interval;
		if (iv[i] > 0 && fabs(k - nearbyint(k)) > 1e-9 * k + 1e-9) {
			const struct ynode *rec = ynode_get(map, "record");
			char m[32];
			units_fmt_duration(m, sizeof(m), sc->sample_interval);
			return schema_expect_key(c, rec ? rec : map, rec ? rec : where, key[i],
						 "a multiple of sample_interval (%s)", m);
		}
	}
	return 0;
}

static int check_root(struct schema_ctx *c, void *obj, const struct ynode *map,
		      const struct ynode *where)
{
	struct loader *L = c->user;
	struct scenario *sc = obj;
	int rc;

	if (sc->warmup >= sc->duration) {
		char d[32], what[64];
		units_fmt_duration(d, sizeof(d), sc->duration);
		snprintf(what, sizeof(what), "a duration less than duration (%s)", d);
		return schema_expect_key(c, map, where, "warmup", "%s", what);
	}
	if (sc->duration / sc->sample_interval > LIM_SAMPLES) {
		char d[32], m[32];
		units_fmt_duration(d, sizeof(d), sc->duration);
		units_fmt_duration(m, sizeof(m), sc->duration / LIM_SAMPLES);
		return schema_expect_key(c, map, where, "sample_interval",
					 "a duration of at least %s (at most 10000000 samples "
					 "in %s)",
					 m, d);
	}
	if ((rc = check_record(c, map, where, sc)))
		return rc;
	{
		const struct ynode *it = ynode_get(map, "instance_types");
		if (it && !ynode_is_null(it) && it->kind != YN_SEQ)
			return schema_expect_key(c, map, where, "instance_types",
						 "a list of instance types");
	}
	if ((rc = load_catalog(c, L, map)))
		return rc;
	/* The merge step: workloads from `manifests`, with `profiles` over them. */
	if ((rc = manifest_merge(c, &workload_table, map, sc, L->manifests_sha256)))
		return rc;
	if (sc->nworkloads > LIM_WORKLOADS)
		return schema_expect_key(c, map, where, "manifests",
					 "at most 10000 workloads in workloads and manifests");
	if ((rc = scenario_resolve(c, map, sc)) || (rc = budget_check(c, map, sc)))
		return rc;
	hash_scenario(L);
	return 0;
}

/* ---- public ---------------------------------------------------------------------- */

static const char *dir_of(struct arena *a, const char *file)
{
	const char *slash = strrchr(file, '/');
	if (!slash)
		return ".";
	if (slash == file)
		return "/";
	return arena_strndup(a, file, (size_t)(slash - file));
}

int scenario_from_doc(struct scenario *sc, struct ydoc *doc, const char *models_dir,
		      struct err *e)
{
	struct loader L;
	struct schema_ctx c;
	const struct ynode *root = ydoc_root(doc);
	int rc;

	memset(sc, 0, sizeof(*sc));
	arena_init(&sc->arena);
	sc->file = arena_strdup(&sc->arena, doc->file);
	sc->dir = dir_of(&sc->arena, sc->file);
	memset(&L, 0, sizeof(L));
	L.sc = sc;
	L.doc = doc;
	L.models_dir = models_dir ? models_dir : paths_models_dir();
	arena_init(&L.scratch.arena);
	schema_ctx_init(&c, &sc->arena, &L.scratch, e, &L);
	if (!root) {
		rc = err_set(e, ERR_INPUT,
			     "%s:1:1: expected a map of scenario keys, got an empty file",
			     doc->file);
	} else if (doc->nroots > 1) {
		rc = schema_fail(&c, doc->roots[1], "expected one YAML document, got a second one");
	} else if (root->kind != YN_MAP) {
		rc = schema_expect(&c, root,
				   "a map of scenario keys (name, duration, node_groups, ...)");
	} else {
		rc = schema_read(&c, &scenario_table, root, sc, root);
	}
	ydoc_release(&L.catalog);
	ydoc_release(&L.scratch);
	if (rc)
		scenario_release(sc);
	return rc;
}

static const char *override_path(const struct override *o, char *buf, size_t cap)
{
	size_t n = o->pathlen > 0 ? (size_t)o->pathlen : strlen(o->path);
	snprintf(buf, cap, "%.*s", (int)n, o->path);
	return buf;
}

int scenario_load(struct scenario *sc, const char *path, const struct override *ovr, int novr,
		  const char *models_dir, struct err *e)
{
	struct ydoc d;
	int i, rc;

	memset(sc, 0, sizeof(*sc));
	if ((rc = ydoc_load_file(&d, path, e)))
		return rc;
	for (i = 0; i < novr; i++) {
		char p[1024];
		struct ynode *v;
		struct ymark m = { "--set", 1, 0 };
		override_path(&ovr[i], p, sizeof(p));
		m.col = (int)strlen(p) + 2;
		if ((rc = ydoc_parse_value(&d, ovr[i].value, m, &v, e)) ||
		    (rc = ydoc_set_path(&d, p, v, e))) {
			ydoc_release(&d);
			return rc;
		}
	}
	rc = scenario_from_doc(sc, &d, models_dir, e);
	ydoc_release(&d);
	return rc;
}

void scenario_release(struct scenario *sc)
{
	arena_release(&sc->arena);
	memset(sc, 0, sizeof(*sc));
}

const struct instance_type *scenario_type(const struct scenario *sc, const char *name)
{
	int i;
	for (i = 0; i < sc->ntypes; i++)
		if (strcmp(sc->types[i].name, name) == 0)
			return &sc->types[i];
	return NULL;
}

int scenario_workload_index(const struct scenario *sc, const char *name)
{
	int i;
	for (i = 0; i < sc->nworkloads; i++)
		if (strcmp(sc->workloads[i].name, name) == 0)
			return i;
	return -1;
}

int override_parse(const char *arg, struct override *o, struct err *e)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg)
		return err_set(e, ERR_INPUT,
			       "--set: expected PATH=VALUE like workloads.web.replicas=3, "
			       "got \"%s\"",
			       arg);
	o->path = arg;
	o->pathlen = (int)(eq - arg);
	o->value = eq + 1;
	return 0;
}

enum qos_class workload_qos(const struct workload *w)
{
	/* qos.go: BestEffort when no request or limit (> 0) is set; Guaranteed
	 * when cpu and memory limits are set and requests equal limits
	 * (absent requests default to limits); else Burstable. */
	int64_t rc = w->req_cpu >= 0 ? w->req_cpu : w->lim_cpu;
	int64_t rm = w->req_memory >= 0 ? w->req_memory : w->lim_memory;

	if (rc <= 0 && rm <= 0 && w->lim_cpu <= 0 && w->lim_memory <= 0)
		return QOS_BEST_EFFORT;
	if (w->lim_cpu > 0 && w->lim_memory > 0 && rc == w->lim_cpu && rm == w->lim_memory)
		return QOS_GUARANTEED;
	return QOS_BURSTABLE;
}

const char *qos_name(enum qos_class q)
{
	switch (q) {
	case QOS_BEST_EFFORT: return "BestEffort";
	case QOS_BURSTABLE: return "Burstable";
	case QOS_GUARANTEED: return "Guaranteed";
	}
	return "?";
}

/* ---- docs ------------------------------------------------------------------------ */

static const char doc_intro[] =
	"# Scenario and sweep files\n"
	"\n"
	"<!-- Generated by scenario_schema_markdown() from the key tables in sim/scenario.c "
	"and sim/sweep.c; tests/test_scenario.c fails when this file differs. Regenerate: "
	"CLUSTERSIM_WRITE_DOCS=1 build/test_scenario -->\n"
	"\n"
	"A scenario is one YAML document: the cluster (node groups of instance types), the "
	"pods (workloads), the requests (traffic) and how long to simulate. A sweep names a "
	"scenario and lists values to try. `clustersim validate FILE` checks either.\n"
	"\n"
	"## Values\n"
	"\n"
	"- CPU like Kubernetes: `250m`, `0.5`, `2` cores; rounded up to whole millicores.\n"
	"- Memory like Kubernetes: `128Mi`, `4Gi`, `512M`, `1e3`, `1.5Gi`, plain bytes; "
	"suffixes Ki Mi Gi Ti Pi Ei (powers of 1024), k M G T P E (powers of 1000), m "
	"(1/1000, rounded up to bytes).\n"
	"- Durations: `250ms`, `15s`, `10m`, `24h`, `7d`, combined `1h30m`, fractions "
	"`1.5h`; units ns us ms s m h d; a bare number is seconds.\n"
	"- Prices in USD per hour; rates in requests per second; percentages as `80` or "
	"`80%`.\n"
	"- Booleans: `true`/`false` (also `yes`/`no`, `on`/`off`).\n"
	"- A key written with no value (`key:` or `key: null`) is the same as an absent "
	"key: it gets its default.\n"
	"- Anchors and aliases work (`&base`, `*base`); merge keys (`<<`) do not.\n"
	"\n"
	"## Errors\n"
	"\n"
	"Bad input stops at the first error in document order, with one line:\n"
	"\n"
	"```\n"
	"scenarios/x.yaml:12:15: workloads[user-server].limits.memory: expected a memory "
	"quantity like 128Mi, got \"lots\"\n"
	"scenarios/x.yaml:8:5: workloads[web]: unknown key \"replica\" (did you mean "
	"\"replicas\"?)\n"
	"scenarios/x.yaml:3:3: node_groups[0]: missing required key \"instance_type\"\n"
	"```\n"
	"\n"
	"The path is dotted, with list items by name in brackets (by 0-based index when "
	"unnamed); a missing key points at its map. Errors in a `--set` value point at "
	"`--set:1:COL`, the column of the value in `PATH=VALUE`; errors in a sweep value "
	"point into the sweep file.\n"
	"\n"
	"## Paths (`--set` and sweeps)\n"
	"\n"
	"`node_groups.workers.count=3`, `workloads.user-server.limits.memory=256Mi`, "
	"`traffic.0.rate.rps=50`, `workloads.web.hpa={min: 2, max: 10}`. Map keys by name, "
	"list items by their `name` (or index); names with dots (`t3.medium`) are matched "
	"against what exists; a key may be written in brackets to take it literally "
	"(`node_groups.workers.labels[node.kubernetes.io/role]=web`). Maps missing on the "
	"way are created; a list item that does not exist is an error listing the names "
	"that do. The value is YAML: `3`, `t3.large`, `[a, b]`, `{cpu: 1}`; an empty value "
	"removes the key's value (its default applies).\n"
	"\n"
	"## Derived values\n"
	"\n"
	"- Workload `labels` default to `{app: <name>}`; topology spread constraints without "
	"a selector select the workload's labels.\n"
	"- A request that is absent while its limit is set equals the limit (Kubernetes API "
	"defaulting), so `limits: {cpu: 1, memory: 1Gi}` alone makes a Guaranteed pod. "
	"QoS: BestEffort without requests and limits; Guaranteed when CPU and memory limits "
	"are set and equal the requests; else Burstable. Requests above limits are errors.\n"
	"- `concurrency` defaults to 1: a pod serves one request at a time and queues the "
	"rest, like a single-threaded server; set it to the number of worker threads.\n"
	"- Node group `min` and `max` default to `count`.\n"
	"- Instance types: `max_pods` defaults to 110; `reserved.cpu` to EKS nodeadm's "
	"kube-reserved (6 % of the first core + 1 % of the second + 0.5 % of cores 3-4 + "
	"0.25 % above 4: 70m for 2 vCPUs, 80m for 4); `reserved.memory` to (11 x max_pods "
	"+ 255) MiB of kube-reserved plus the 100Mi hard eviction threshold (t3.medium: "
	"442Mi + 100Mi). Allocatable = capacity - reserved.\n"
	"- Burstable types: `max_credits` defaults to 24 h of earnings, `initial_credits` "
	"to 30 per vCPU for t2 in standard mode (launch credits) and 0 otherwise, `mode` to "
	"standard for t2 and unlimited otherwise.\n"
	"- `scenario_sha256` in the results is the SHA-256 of the scenario file's bytes "
	"followed by the catalog file's bytes and, with `manifests`, the hex SHA-256 of the "
	"manifest files' bytes in load order (overrides are recorded separately in "
	"`params`; trace files are not hashed).\n"
	"\n"
	"Limits that refuse absurd input are listed in [limits.md](limits.md).\n"
	"\n"
	"## Keys\n"
	"\n";

int scenario_schema_markdown(FILE *out)
{
	fputs(doc_intro, out);
	schema_markdown(out, &scenario_table);
	fputs("## Instance catalogs\n\n", out);
	schema_markdown(out, &catalog_file_table);
	fputs("## Sweep files\n\n"
	      "Point p of a sweep takes value (p / stride) mod n of each parameter, the "
	      "last parameter varying fastest; run r is point r / replications with seed "
	      "scenario seed + r mod replications, so replication k of every point shares "
	      "its random numbers.\n\n",
	      out);
	sweep_schema_markdown(out);
	return ferror(out) ? -1 : 0;
}
