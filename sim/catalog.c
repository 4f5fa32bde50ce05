/*
 * catalog.c -- instance catalogs: the instance type keys, the values EKS
 * derives when a catalog does not state them, and a scenario's
 * `instance_types` merged over a catalog file. See catalog.h.
 *
 * The merge happens on the YAML trees, before any value is parsed: an item
 * of the scenario whose name is a catalog type replaces only the keys it
 * writes (maps key by key), so one parse of the merged list validates
 * everything and each error points at the file the bad value came from.
 */
#include "catalog.h"

#include <dirent.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "units.h"

#define LIM_TYPES 10000
#define LIM_MAX_PODS 5000
#define MiB (1024 * 1024LL)

_Static_assert(sizeof(enum credit_mode) == sizeof(int), "enums are stored as int");

static const struct schema_enum credit_modes[] = {
	{ "standard", CREDIT_STANDARD },
	{ "unlimited", CREDIT_UNLIMITED },
	{ NULL, 0 },
};

/* kube-reserved CPU of EKS nodeadm: 6 % of the first core, 1 % of the second,
 * 0.5 % of cores 3-4, 0.25 % above 4, each range in integer millicores
 * (reference section 8.1: cpuRanges {0,1000,2000,4000,total}, percentages
 * {600,100,50,25} / 10000). */
static int64_t eks_reserved_cpu(int64_t total)
{
	static const int64_t bounds[] = { 0, 1000, 2000, 4000 };
	static const int64_t pct[] = { 600, 100, 50, 25 };
	int64_t r = 0;
	size_t i;
	for (i = 0; i < ARRAY_LEN(bounds); i++) {
		int64_t hi = i + 1 < ARRAY_LEN(bounds) ? bounds[i + 1] : total;
		if (total > bounds[i])
			r += ((total < hi ? total : hi) - bounds[i]) * pct[i] / 10000;
	}
	return r;
}

void instance_type_defaults(struct instance_type *t)
{
	struct burstable *b = &t->burst;
	int t2 = t->name && strncmp(t->name, "t2.", 3) == 0;

	if (t->max_pods <= 0)
		t->max_pods = 110; /* nodeadm's fallback for types it does not know */
	if (t->cpu_speed <= 0)
		t->cpu_speed = 1.0;
	if (t->reserved_cpu < 0)
		t->reserved_cpu = eks_reserved_cpu((int64_t)t->vcpu * 1000);
	/* kube-reserved (11 x max_pods + 255) MiB plus the 100Mi hard eviction
	 * threshold: allocatable = capacity - reserved. */
	if (t->reserved_memory < 0)
		t->reserved_memory = (11LL * t->max_pods + 255 + 100) * MiB;
	if (!b->enabled)
		return;
	if (b->credits_per_hour < 0 && b->baseline >= 0)
		b->credits_per_hour = b->baseline * t->vcpu * 60;
	if (b->baseline < 0 && b->credits_per_hour >= 0)
		b->baseline = t->vcpu > 0 ? b->credits_per_hour / t->vcpu / 60 : 0;
	if (b->max_credits < 0)
		b->max_credits = 24 * b->credits_per_hour; /* 24 h of earnings */
	if ((int)b->mode < 0)
		b->mode = t2 ? CREDIT_STANDARD : CREDIT_UNLIMITED;
	if (b->initial_credits < 0)
		b->initial_credits = t2 && b->mode == CREDIT_STANDARD ? 30.0 * t->vcpu : 0;
	if (b->surplus_price_per_vcpu_hour < 0)
		b->surplus_price_per_vcpu_hour = 0.05;
}

static int check_burstable(struct schema_ctx *c, void *obj, const struct ynode *map,
			   const struct ynode *where)
{
	struct burstable *b = obj;
	b->enabled = map != NULL;
	if (b->enabled && b->baseline < 0 && b->credits_per_hour < 0)
		return schema_fail(c, map,
				   "missing required key \"credits_per_hour\" (or baseline)");
	return 0;
}

static int check_type(struct schema_ctx *c, void *obj, const struct ynode *map,
		      const struct ynode *where)
{
	struct instance_type *t = obj;
	char v[32], what[128];

	instance_type_defaults(t);
	if (t->reserved_cpu >= (int64_t)t->vcpu * 1000) {
		units_fmt_cpu(v, sizeof(v), (int64_t)t->vcpu * 1000);
		snprintf(what, sizeof(what), "a CPU quantity below the capacity (%s)", v);
		if (!ynode_get(ynode_get(map, "reserved"), "cpu"))
			return schema_fail(c, where, "expected %s, got the derived %lldm", what,
					   (long long)t->reserved_cpu);
		return schema_expect_at(c, map, where, "reserved", "cpu", what);
	}
	if (t->reserved_memory >= t->memory) {
		units_fmt_memory(v, sizeof(v), t->memory);
		snprintf(what, sizeof(what), "a memory quantity below the capacity (%s)", v);
		if (!ynode_get(ynode_get(map, "reserved"), "memory"))
			return schema_fail(c, where,
					   "reserved memory (11 x max_pods + 355 MiB = %lld MiB) "
					   "leaves no allocatable memory of %s",
					   (long long)(t->reserved_memory / MiB), v);
		return schema_expect_at(c, map, where, "reserved", "memory", what);
	}
	/* One credit is one vCPU-minute: a type cannot earn more than its vCPUs
	 * can spend, 60 per vCPU an hour; more would derive a baseline above
	 * 100 % (a fuzz finding). */
	if (t->burst.enabled && t->burst.credits_per_hour > 60.0 * t->vcpu) {
		snprintf(what, sizeof(what),
			 "a number of at most 60 x vcpu (%d) credits per hour (a baseline of at "
			 "most 1)",
			 60 * t->vcpu);
		return schema_expect_at(c, map, where, "burstable", "credits_per_hour", what);
	}
	return 0;
}

#define T struct instance_type
static const struct schema_key reserved_keys[] = {
	{ .name = "cpu", .type = ST_CPU, .off = offsetof(T, reserved_cpu), .flags = SF_ABSENT_NEG1,
	  .defdoc = "EKS: 6 % of core 1, 1 % of core 2, 0.5 % of cores 3-4, 0.25 % above",
	  .help = "kube-reserved + system-reserved CPU" },
	{ .name = "memory", .type = ST_MEMORY, .off = offsetof(T, reserved_memory),
	  .flags = SF_ABSENT_NEG1, .defdoc = "EKS: (11 x max_pods + 255) Mi + 100Mi eviction",
	  .help = "kube-reserved + eviction threshold" },
};
#undef T
#define T struct burstable
static const struct schema_key burstable_keys[] = {
	{ .name = "baseline", .type = ST_NUMBER, .off = offsetof(T, baseline),
	  .flags = SF_ABSENT_NEG1 | SF_MIN | SF_MAX, .min = 0, .max = 1,
	  .defdoc = "credits_per_hour / vcpu / 60",
	  .help = "fraction of each vCPU sustainable without credits" },
	{ .name = "credits_per_hour", .type = ST_NUMBER, .off = offsetof(T, credits_per_hour),
	  .flags = SF_ABSENT_NEG1 | SF_MIN | SF_MAX, .min = 0, .max = 1e6,
	  .defdoc = "baseline x vcpu x 60",
	  .help = "credits earned per hour (1 credit = 1 vCPU-minute)" },
	{ .name = "max_credits", .type = ST_NUMBER, .off = offsetof(T, max_credits),
	  .flags = SF_ABSENT_NEG1 | SF_MIN | SF_MAX, .min = 0, .max = 1e8,
	  .defdoc = "24 x credits_per_hour", .help = "cap of the earned balance" },
	{ .name = "initial_credits", .type = ST_NUMBER, .off = offsetof(T, initial_credits),
	  .flags = SF_ABSENT_NEG1 | SF_MIN | SF_MAX, .min = 0, .max = 1e8,
	  .defdoc = "30 x vcpu for t2 in standard mode, else 0",
	  .help = "balance of a new node (launch credits)" },
	{ .name = "mode", .type = ST_ENUM, .off = offsetof(T, mode), .flags = SF_ABSENT_NEG1,
	  .names = credit_modes, .defdoc = "standard for t2, unlimited otherwise",
	  .help = "standard: held to baseline when out of credits; unlimited: pays surplus" },
	{ .name = "surplus_price_per_vcpu_hour", .type = ST_PRICE,
	  .off = offsetof(T, surplus_price_per_vcpu_hour), .def = "0.05", .flags = SF_MAX,
	  .max = 100, .help = "USD per vCPU-hour of surplus credits (unlimited mode)" },
};
#undef T
static const struct schema_table reserved_table = {
	.name = "reserved", .keys = reserved_keys, .nkeys = ARRAY_LEN(reserved_keys),
	.doc = "Allocatable = capacity - reserved. Defaults follow EKS nodeadm (AL2023).",
};
static const struct schema_table burstable_table = {
	.name = "burstable", .keys = burstable_keys, .nkeys = ARRAY_LEN(burstable_keys),
	.check = check_burstable,
	.doc = "CPU credits of T2/T3 instances; present means the type is burstable.",
};

#define T struct instance_type
static const struct schema_key type_keys[] = {
	{ .name = "name", .type = ST_NAME, .off = offsetof(T, name), .flags = SF_REQUIRED,
	  .help = "e.g. t3.medium; a catalog type of the same name is overridden" },
	{ .name = "vcpu", .type = ST_INT, .off = offsetof(T, vcpu),
	  .flags = SF_REQUIRED | SF_MIN | SF_MAX, .min = 1, .max = 1024, .help = "vCPUs (cores)" },
	{ .name = "memory", .type = ST_MEMORY, .off = offsetof(T, memory),
	  .flags = SF_REQUIRED | SF_MIN | SF_MAX, .min = 64 * MiB, .max = 64 * 1024 * 1024 * MiB,
	  .help = "capacity" },
	{ .name = "price_per_hour", .type = ST_PRICE, .off = offsetof(T, price_per_hour),
	  .flags = SF_REQUIRED | SF_MAX, .max = 10000, .help = "on-demand, USD" },
	{ .name = "max_pods", .type = ST_INT, .off = offsetof(T, max_pods),
	  .flags = SF_ABSENT_NEG1 | SF_MIN | SF_MAX, .min = 1, .max = LIM_MAX_PODS,
	  .defdoc = "110 (kubelet's default)",
	  .help = "EKS: ENIs x (IPv4 per ENI - 1) + 2" },
	{ .name = "cpu_speed", .type = ST_NUMBER, .off = offsetof(T, cpu_speed), .def = "1",
	  .flags = SF_MIN | SF_MIN_EXCL | SF_MAX, .min = 0, .max = 100,
	  .help = "per-core speed relative to 1.0" },
	{ .name = "reserved", .type = ST_MAP, .off = 0, .sub = &reserved_table,
	  .help = "capacity kept from pods" },
	{ .name = "burstable", .type = ST_MAP, .off = offsetof(T, burst), .sub = &burstable_table,
	  .defdoc = "absent (not burstable)", .help = "CPU credits" },
};
#undef T
const struct schema_table catalog_type_table = {
	.name = "instance type",
	.doc = "In a scenario's `instance_types`, an item whose name is a catalog type "
	       "overrides only the keys it gives (maps such as `burstable` key by key); other "
	       "items add types.",
	.keys = type_keys, .nkeys = ARRAY_LEN(type_keys),
	.item_size = sizeof(struct instance_type), .check = check_type,
};

struct type_list {
	struct instance_type *v;
	int n;
};

/* The list key used to read types (the catalog's and the merged ones). */
static const struct schema_key types_key = {
	.name = "instance_types", .type = ST_LIST, .off = offsetof(struct type_list, v),
	.off_n = offsetof(struct type_list, n), .flags = SF_MAX, .max = LIM_TYPES,
	.sub = &catalog_type_table,
	.help = "adds types, or overrides the given fields of the catalog type of the same name",
};

struct catalog_hdr {
	const char *description;
};
static const struct schema_key catalog_keys[] = {
	{ .name = "description", .type = ST_STRING,
	  .off = offsetof(struct catalog_hdr, description),
	  .help = "free text: region, sources, dates" },
	{ .name = "instance_types", .type = ST_LIST,
	  .flags = SF_DEFERRED | SF_REQUIRED | SF_NONEMPTY, .sub = &catalog_type_table,
	  .help = "the types" },
};
const struct schema_table catalog_file_table = {
	.name = "instance catalog",
	.doc = "A file `models/<name>.yaml` named by the scenario's `catalog`.",
	.keys = catalog_keys, .nkeys = ARRAY_LEN(catalog_keys),
};

/* ---- loading and merging ------------------------------------------------------ */

static int is_map_named(const struct ynode *n)
{
	const struct ynode *nm = ynode_get(n, "name");
	return n && n->kind == YN_MAP && nm && nm->kind == YN_SCALAR;
}

/* A map with b's keys over a's; maps under the same key merge too. */
static struct ynode *merge_maps(struct ydoc *d, const struct ynode *a, const struct ynode *b)
{
	struct ynode *m = arena_alloc(&d->arena, sizeof(*m));
	size_t i, n = 0;

	*m = *a;
	m->keys = arena_alloc(&d->arena, (a->n + b->n) * sizeof(*m->keys));
	m->vals = arena_alloc(&d->arena, (a->n + b->n) * sizeof(*m->vals));
	for (i = 0; i < a->n; i++) {
		struct ynode *over = ynode_get(b, a->keys[i]->str);
		m->keys[n] = a->keys[i];
		if (over && over->kind == YN_MAP && a->vals[i]->kind == YN_MAP)
			m->vals[n++] = merge_maps(d, a->vals[i], over);
		else
			m->vals[n++] = over ? over : a->vals[i];
	}
	for (i = 0; i < b->n; i++) {
		if (!ynode_get(a, b->keys[i]->str)) {
			m->keys[n] = b->keys[i];
			m->vals[n++] = b->vals[i];
		}
	}
	m->n = n;
	return m;
}

/* The catalog's items with the scenario's merged in (nodes in d). */
static int merge_types(struct schema_ctx *c, struct ydoc *d, const struct ynode *cat,
		       const struct ynode *scen, struct ynode **out)
{
	struct ynode *seq = arena_alloc(&d->arena, sizeof(*seq));
	size_t i, j, cap = cat->n + (scen ? scen->n : 0);

	*seq = *cat;
	seq->vals = arena_alloc(&d->arena, (cap ? cap : 1) * sizeof(*seq->vals));
	memcpy(seq->vals, cat->vals, cat->n * sizeof(*seq->vals));
	seq->n = cat->n;
	for (i = 0; scen && i < scen->n; i++) {
		const struct ynode *item = scen->vals[i];
		const char *nm = is_map_named(item) ? ynode_get(item, "name")->str : NULL;
		for (j = 0; nm && j < i; j++) {
			const struct ynode *prev = scen->vals[j];
			if (is_map_named(prev) && !strcmp(ynode_get(prev, "name")->str, nm)) {
				size_t old = schema_push_key(c, "instance_types");
				int rc;
				schema_push_item(c, nm);
				rc = schema_expect_key(c, item, item, "name",
						       "a name unique within instance_types");
				schema_pop(c, old);
				return rc;
			}
		}
		for (j = 0; nm && j < cat->n; j++) {
			const struct ynode *have = seq->vals[j];
			if (is_map_named(have) && !strcmp(ynode_get(have, "name")->str, nm))
				break;
		}
		if (nm && j < cat->n)
			seq->vals[j] = merge_maps(d, seq->vals[j], item);
		else
			seq->vals[seq->n++] = (struct ynode *)item;
	}
	*out = seq;
	return 0;
}

int catalog_read(struct schema_ctx *c, struct ydoc *cat, const struct ynode *scen,
		 struct instance_type **types, int *ntypes)
{
	struct type_list list = { NULL, 0 };
	const struct ynode *root = ydoc_root(cat), *seq;
	struct catalog_hdr hdr;
	struct ynode *merged = NULL;
	size_t saved = c->pathlen;
	char path[sizeof(c->path)];
	int rc;

	memcpy(path, c->path, sizeof(path));
	schema_pop(c, 0); /* catalog errors have their own path */
	if (!root || root->kind != YN_MAP) {
		struct ynode top = { .kind = YN_SCALAR, .mark = { cat->file, 1, 1 }, .str = "" };
		rc = schema_expect(c, root ? root : &top, "a map with instance_types");
	} else if ((rc = schema_read(c, &catalog_file_table, root, &hdr, root)) == 0) {
		seq = ynode_get(root, "instance_types");
		if (!seq || ynode_is_null(seq))
			rc = schema_fail(c, root, "missing required key \"instance_types\"");
		else if (seq->kind != YN_SEQ)
			rc = schema_expect_key(c, root, root, "instance_types",
					       "a list of instance types");
		else if (!(rc = merge_types(c, cat, seq, scen && scen->kind == YN_SEQ ? scen : NULL,
					    &merged))) {
			schema_push_key(c, "instance_types");
			rc = schema_read_key(c, &types_key, merged, &list, root);
		}
	}
	memcpy(c->path, path, sizeof(path));
	c->pathlen = saved;
	*types = list.v;
	*ntypes = list.n;
	return rc;
}

int catalog_load(struct arena *a, const char *path, struct instance_type **types, int *ntypes,
		 struct err *e)
{
	struct ydoc d;
	struct schema_ctx c;
	int rc;

	if ((rc = ydoc_load_file(&d, path, e)))
		return rc;
	schema_ctx_init(&c, a, &d, e, NULL);
	rc = catalog_read(&c, &d, NULL, types, ntypes);
	ydoc_release(&d);
	return rc;
}

void catalog_list(const char *dir, char *buf, size_t cap)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t len = 0;

	buf[0] = '\0';
	while (d && (de = readdir(d)) && len < cap) {
		size_t n = strlen(de->d_name);
		if (n > 5 && strcmp(de->d_name + n - 5, ".yaml") == 0 && de->d_name[0] != '.')
			len += (size_t)snprintf(buf + len, cap - len, "%s%.*s", len ? ", " : "",
						(int)(n - 5), de->d_name);
	}
	if (d)
		closedir(d);
}
