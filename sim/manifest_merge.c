/*
 * manifest_merge.c -- the scenario's `manifests` and `profiles`: the merge
 * step of the scenario loader (manifest_merge, see manifest.h).
 *
 * Profiles are merged at the tree level, before any value is parsed: the
 * manifest workload's map, then each matching profile's keys over it (maps
 * key by key, anything else replaced). The result is read by the workload
 * table like a hand-written workload, so every workload key is allowed in
 * a profile, defaults and cross-field checks are the same, and each error
 * points at the file the bad value came from (a profile in the scenario, a
 * field in a manifest).
 */
#include "manifest_impl.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

#define LIM_PATTERNS 1000
#define LIM_PROFILES 10000

static const struct schema_key profile_keys[] = {
	{ .name = "name", .type = ST_STRING, .flags = SF_REQUIRED,
	  .help = "a workload from manifests, or a glob(7) pattern like `kafka-*` for several" },
};

const struct schema_table manifest_profile_table = {
	.name = "profile",
	.doc = "What a manifest cannot say, for workloads read from `manifests` (see "
	       "[manifests.md](manifests.md)). Besides `name`, a profile takes every key of a "
	       "[workload](#workload): `request_cpu`, `concurrency`, `cpu`, `memory`, "
	       "`startup`, `hpa`, ..., and any value of the manifest to override. Profiles "
	       "whose name is a pattern apply first, in file order, then the profile of the "
	       "exact name; maps merge key by key (a distribution is replaced whole), other "
	       "values replace the manifest's, and `key: null` removes one. A profile that "
	       "matches no workload from manifests is an error.",
	.keys = profile_keys,
	.nkeys = ARRAY_LEN(profile_keys),
};

struct profile {
	const struct ynode *map, *name;
	int pattern, used;
};

static int is_pattern(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static int matches(const struct profile *p, const char *name)
{
	return p->pattern ? fnmatch(p->name->str, name, 0) == 0 : strcmp(p->name->str, name) == 0;
}

static int add_patterns(struct schema_ctx *c, struct manifest_set *m, const struct ynode *list,
			const char *dir)
{
	char why[700];
	size_t i, old = schema_push_key(c, "manifests");
	int rc = 0;

	if (list->kind != YN_SEQ || list->n > LIM_PATTERNS)
		rc = schema_expect(c, list, "a list of at most %d manifest files, folders or glob "
				   "patterns", LIM_PATTERNS);
	for (i = 0; !rc && i < list->n; i++) {
		const struct ynode *it = list->vals[i];
		char idx[24];
		size_t o2;
		snprintf(idx, sizeof(idx), "%zu", i);
		o2 = schema_push_item(c, idx);
		if (it->kind != YN_SCALAR || ynode_is_null(it))
			rc = schema_expect(c, it, "a manifest file, folder or glob pattern");
		else if (manifest_add(m, it->str, dir, why, sizeof(why)) < 0)
			rc = schema_expect(c, it, "a manifest file, folder or glob pattern (%s)",
					   why);
		schema_pop(c, o2);
	}
	schema_pop(c, old);
	return rc;
}

static int read_profile(struct schema_ctx *c, const struct ynode *it, struct profile *P,
			size_t i)
{
	const struct ynode *nm = ynode_get(it, "name");
	size_t j;

	if (it->kind != YN_MAP)
		return schema_expect(c, it, "a profile as a map");
	if (!nm || ynode_is_null(nm))
		return schema_fail(c, it, "missing required key \"name\"");
	if (nm->kind != YN_SCALAR || !*nm->str)
		return schema_expect_key(c, it, it, "name", "a workload name or a glob pattern");
	for (j = 0; j < i; j++)
		if (strcmp(P[j].name->str, nm->str) == 0)
			return schema_expect_key(c, it, it, "name",
						 "a name unique within profiles");
	P[i].map = it;
	P[i].name = nm;
	P[i].pattern = is_pattern(nm->str);
	return 0;
}

static int read_profiles(struct schema_ctx *c, const struct ynode *list, struct profile **out,
			 int *n)
{
	struct profile *P;
	size_t i, old;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (!list)
		return 0;
	old = schema_push_key(c, "profiles");
	if (list->kind != YN_SEQ || list->n > LIM_PROFILES) {
		rc = schema_expect(c, list, "a list of at most %d profiles", LIM_PROFILES);
		schema_pop(c, old);
		return rc;
	}
	P = xcalloc(list->n + 1, sizeof(*P));
	for (i = 0; i < list->n && !rc; i++) {
		const struct ynode *it = list->vals[i], *nm = ynode_get(it, "name");
		char idx[24];
		size_t o2;
		snprintf(idx, sizeof(idx), "%zu", i);
		o2 = schema_push_item(c, nm && nm->kind == YN_SCALAR && *nm->str ? nm->str : idx);
		rc = read_profile(c, it, P, i);
		schema_pop(c, o2);
	}
	schema_pop(c, old);
	if (rc) {
		free(P);
		return rc;
	}
	*out = P;
	*n = (int)list->n;
	return 0;
}

/* "web, kafka, node-exporter" (shortened), for messages. */
static void name_list(const struct manifest_set *m, char *buf, size_t cap)
{
	size_t len = 0;
	int i;
	buf[0] = '\0';
	for (i = 0; i < m->n && len + 64 < cap; i++)
		len += (size_t)snprintf(buf + len, cap - len, "%s%s", i ? ", " : "", m->w[i].name);
	if (i < m->n)
		snprintf(buf + len, cap - len, ", ...");
	if (!m->n)
		snprintf(buf, cap, "there are none");
}

static int profile_unused(struct schema_ctx *c, const struct profile *p,
			  const struct manifest_set *m, const struct scenario *sc)
{
	const char *nm = p->name->str, *best, **names;
	char list[400];
	size_t old = schema_push_key(c, "profiles");
	int i, rc;

	schema_push_item(c, nm);
	schema_push_key(c, "name");
	name_list(m, list, sizeof(list));
	names = xcalloc((size_t)m->n + 1, sizeof(*names));
	for (i = 0; i < m->n; i++)
		names[i] = m->w[i].name;
	best = p->pattern ? NULL : schema_suggest(nm, names, m->n);
	free(names);
	if (p->pattern)
		rc = schema_expect(c, p->name, "a pattern matching workloads from manifests (%s)",
				   list);
	else if (scenario_workload_index(sc, nm) >= 0)
		rc = schema_expect(c, p->name, "the name of a workload from manifests (%s is "
				   "written in workloads: give its keys there)", nm);
	else if (best)
		rc = schema_fail(c, p->name, "expected the name of a workload from manifests, got "
				 "\"%s\" (did you mean \"%s\"?)", nm, best);
	else
		rc = schema_expect(c, p->name, "the name of a workload from manifests (%s)", list);
	schema_pop(c, old);
	return rc;
}

static int name_taken(struct schema_ctx *c, const struct ynode *root,
		      const struct manifest_workload *w)
{
	const struct ynode *item = ynode_find_named(ynode_get(root, "workloads"), w->name);
	size_t old = schema_push_key(c, "workloads");
	int rc;

	schema_push_item(c, w->name);
	rc = schema_expect_key(c, item, item, "name",
			       "a name not also given by manifests (%s %s at %s:%d:%d)", w->kind,
			       w->name, w->mark.file, w->mark.line, w->mark.col);
	schema_pop(c, old);
	return rc;
}

/* b's keys over a (top: the profile itself, whose `name` is not a value). */
static struct ynode *overlay(struct manifest_set *m, struct ynode *a, const struct ynode *b,
			     int top)
{
	struct ynode *out;
	size_t i;

	if (!a || a->kind != YN_MAP || b->kind != YN_MAP || (!top && ynode_get(b, "dist")))
		return (struct ynode *)b;
	out = mb_map(m, a->mark);
	for (i = 0; i < a->n; i++) {
		const char *k = a->keys[i]->str;
		const struct ynode *over = top && !strcmp(k, "name") ? NULL : ynode_get(b, k);
		mb_add(m, out, k, over ? overlay(m, a->vals[i], over, 0) : a->vals[i]);
		out->keys[out->n - 1] = a->keys[i];
	}
	for (i = 0; i < b->n; i++) {
		const char *k = b->keys[i]->str;
		if ((top && !strcmp(k, "name")) || ynode_get(a, k))
			continue;
		mb_add(m, out, k, b->vals[i]);
		out->keys[out->n - 1] = b->keys[i]; /* errors point at the profile's key */
	}
	return out;
}

static int parse_workloads(struct schema_ctx *c, const struct schema_table *wt,
			   struct manifest_set *m, struct profile *P, int np, struct scenario *sc)
{
	struct workload *all;
	int i, k, pass, rc = 0;

	if (!m->n)
		return 0;
	all = arena_alloc(c->arena, (size_t)(sc->nworkloads + m->n) * sizeof(*all));
	if (sc->nworkloads)
		memcpy(all, sc->workloads, (size_t)sc->nworkloads * sizeof(*all));
	for (i = 0; i < m->n && !rc; i++) {
		struct ynode *spec = m->w[i].spec;
		size_t old;
		for (pass = 0; pass < 2; pass++)
			for (k = 0; k < np; k++)
				if (P[k].pattern == !pass && matches(&P[k], m->w[i].name))
					spec = overlay(m, spec, P[k].map, 1);
		old = schema_push_key(c, "workloads");
		schema_push_item(c, m->w[i].name);
		rc = schema_read(c, wt, spec, &all[sc->nworkloads + i], spec);
		schema_pop(c, old);
	}
	if (rc)
		return rc;
	sc->workloads = all;
	sc->nworkloads += m->n;
	return 0;
}

static void copy_warnings(struct schema_ctx *c, const struct manifest_set *m,
			  struct scenario *sc)
{
	const char **w;
	int i;
	if (!m->nwarnings)
		return;
	w = arena_alloc(c->arena, (size_t)(sc->nwarnings + m->nwarnings) * sizeof(*w));
	for (i = 0; i < sc->nwarnings; i++)
		w[i] = sc->warnings[i];
	for (i = 0; i < m->nwarnings; i++)
		w[sc->nwarnings + i] = arena_strdup(c->arena, m->warnings[i]);
	sc->warnings = w;
	sc->nwarnings += m->nwarnings;
}

/* Marks used profiles; the first that matches nothing is an error. */
static int match_profiles(struct schema_ctx *c, struct profile *P, int np,
			  const struct manifest_set *m, const struct scenario *sc)
{
	int i, k;
	for (k = 0; k < np; k++) {
		for (i = 0; i < m->n && !P[k].used; i++)
			P[k].used = matches(&P[k], m->w[i].name);
		if (!P[k].used)
			return profile_unused(c, &P[k], m, sc);
	}
	return 0;
}

int manifest_merge(struct schema_ctx *c, const struct schema_table *workload_table,
		   const struct ynode *root, struct scenario *sc, char sha256[65])
{
	const struct ynode *list = mr_opt(root, "manifests"), *profs = mr_opt(root, "profiles");
	struct manifest_set m;
	struct profile *P = NULL;
	int np = 0, i, rc;

	sha256[0] = '\0';
	if (!list && !profs)
		return 0;
	manifest_init(&m);
	rc = list ? add_patterns(c, &m, list, sc->dir) : 0;
	if (!rc && list)
		rc = manifest_read(&m, c->e);
	if (!rc)
		rc = read_profiles(c, profs, &P, &np);
	if (!rc)
		rc = match_profiles(c, P, np, &m, sc);
	for (i = 0; i < m.n && !rc; i++)
		if (scenario_workload_index(sc, m.w[i].name) >= 0)
			rc = name_taken(c, root, &m.w[i]);
	if (!rc)
		rc = parse_workloads(c, workload_table, &m, P, np, sc);
	if (!rc) {
		copy_warnings(c, &m, sc);
		if (list)
			memcpy(sha256, m.sha256, 65);
	}
	free(P);
	manifest_release(&m);
	return rc;
}
