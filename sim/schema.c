/*
 * schema.c -- the table-driven reader behind scenario, catalog and sweep
 * files, and the generator of their reference docs. See schema.h.
 *
 * One pass per map, in document order: each written key is looked up in
 * the table (unknown: error with a suggestion), its value parsed by type
 * and range-checked; then the table's keys that were not written get their
 * default (parsed from its YAML text by the same code, so a default can
 * never be out of range without a test failing), required ones an error;
 * then the table's check hook. The first error stops the walk.
 */
#include "schema.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "units.h"

#define MAX_TABLE_KEYS 64

void schema_ctx_init(struct schema_ctx *c, struct arena *a, struct ydoc *doc, struct err *e,
		     void *user)
{
	memset(c, 0, sizeof(*c));
	c->arena = a;
	c->doc = doc;
	c->e = e;
	c->user = user;
}

/* ---- paths and errors ---------------------------------------------------- */

/* Appends pre, s, post to the path (truncated at its capacity). */
static size_t push(struct schema_ctx *c, const char *pre, const char *s, const char *post)
{
	size_t old = c->pathlen;
	int n = snprintf(c->path + old, sizeof(c->path) - old, "%s%s%s", pre, s, post);
	if (n > 0 && old + (size_t)n < sizeof(c->path))
		c->pathlen = old + (size_t)n;
	else if (n > 0)
		c->pathlen = sizeof(c->path) - 1;
	return old;
}

size_t schema_push_key(struct schema_ctx *c, const char *key)
{
	/* Keys with dots (label keys) are shown in brackets, as --set takes them. */
	if (strpbrk(key, ".[]"))
		return push(c, "[", key, "]");
	return push(c, c->pathlen ? "." : "", key, "");
}

size_t schema_push_item(struct schema_ctx *c, const char *name)
{
	return push(c, "[", name, "]");
}

void schema_pop(struct schema_ctx *c, size_t len)
{
	c->pathlen = len;
	c->path[len] = '\0';
}

static int fail_v(struct schema_ctx *c, const struct ynode *n, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
static int fail_v(struct schema_ctx *c, const struct ynode *n, const char *fmt, va_list ap)
{
	char msg[800];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (c->pathlen)
		return err_set(c->e, ERR_INPUT, "%s:%d:%d: %s: %s", n->mark.file, n->mark.line,
			       n->mark.col, c->path, msg);
	return err_set(c->e, ERR_INPUT, "%s:%d:%d: %s", n->mark.file, n->mark.line, n->mark.col,
		       msg);
}

int schema_fail(struct schema_ctx *c, const struct ynode *n, const char *fmt, ...)
{
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = fail_v(c, n, fmt, ap);
	va_end(ap);
	return rc;
}

/* What a node is, for "got ...": the scalar's text (shortened), a map, a list. */
static void got_text(const struct ynode *n, char *buf, size_t cap)
{
	size_t i, len;
	if (n->kind == YN_MAP) {
		snprintf(buf, cap, "%s", n->n ? "a map" : "an empty map");
		return;
	}
	if (n->kind == YN_SEQ) {
		snprintf(buf, cap, "%s", n->n ? "a list" : "an empty list");
		return;
	}
	len = strlen(n->str);
	snprintf(buf, cap, "\"%.*s%s\"", len > 80 ? 77 : (int)len, n->str, len > 80 ? "..." : "");
	for (i = 1; buf[i]; i++)
		if ((unsigned char)buf[i] < 0x20)
			buf[i] = '?';
}

static int expect_v(struct schema_ctx *c, const struct ynode *n, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
static int expect_v(struct schema_ctx *c, const struct ynode *n, const char *fmt, va_list ap)
{
	char what[512], got[100];
	vsnprintf(what, sizeof(what), fmt, ap);
	got_text(n, got, sizeof(got));
	return schema_fail(c, n, "expected %s, got %s", what, got);
}

int schema_expect(struct schema_ctx *c, const struct ynode *n, const char *fmt, ...)
{
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = expect_v(c, n, fmt, ap);
	va_end(ap);
	return rc;
}

int schema_expect_key(struct schema_ctx *c, const struct ynode *map, const struct ynode *where,
		      const char *key, const char *fmt, ...)
{
	const struct ynode *n = ynode_get(map, key);
	size_t old = schema_push_key(c, key);
	va_list ap;
	int rc;

	va_start(ap, fmt);
	if (n) {
		rc = expect_v(c, n, fmt, ap);
	} else {
		char what[512];
		vsnprintf(what, sizeof(what), fmt, ap);
		rc = schema_fail(c, map ? map : where, "expected %s", what);
	}
	va_end(ap);
	schema_pop(c, old);
	return rc;
}

int schema_expect_at(struct schema_ctx *c, const struct ynode *map, const struct ynode *where,
		     const char *key1, const char *key2, const char *what)
{
	const struct ynode *sub = ynode_get(map, key1);
	size_t old;
	int rc;
	if (!key2)
		return schema_expect_key(c, map, where, key1, "%s", what);
	old = schema_push_key(c, key1);
	rc = schema_expect_key(c, sub, sub ? sub : (map ? map : where), key2, "%s", what);
	schema_pop(c, old);
	return rc;
}

/* ---- suggestions --------------------------------------------------------- */

/* Optimal string alignment distance (a transposition costs 1). */
static int edit_distance(const char *a, const char *b)
{
	int la = (int)strlen(a), lb = (int)strlen(b), i, j;
	int d[65][65];

	if (la > 64 || lb > 64)
		return 99;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			int cost = a[i - 1] != b[j - 1], v = d[i - 1][j - 1] + cost;
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

const char *schema_suggest(const char *word, const char *const *cands, int n)
{
	const char *best = NULL;
	int bestd = 3, i;
	size_t wl = strlen(word);

	for (i = 0; i < n; i++) {
		int d = edit_distance(word, cands[i]);
		size_t cl = strlen(cands[i]);
		if (d < bestd && (size_t)d * 2 < (wl > cl ? wl : cl)) {
			best = cands[i];
			bestd = d;
		}
	}
	for (i = 0; !best && i < n; i++)
		if (wl >= 3 && strncmp(cands[i], word, wl) == 0)
			best = cands[i];
	return best;
}

/* ---- names and labels ---------------------------------------------------- */

static int is_alnum(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

/* [A-Za-z0-9._-], alphanumeric at both ends, 1..max chars. */
static int name_ok(const char *s, size_t n, size_t max)
{
	size_t i;
	if (n == 0 || n > max || !is_alnum((unsigned char)s[0]) ||
	    !is_alnum((unsigned char)s[n - 1]))
		return 0;
	for (i = 0; i < n; i++)
		if (!is_alnum((unsigned char)s[i]) && !strchr("._-", s[i]))
			return 0;
	return 1;
}

int schema_label_value_ok(const char *s)
{
	return !*s || name_ok(s, strlen(s), 63);
}

int schema_label_key_ok(const char *s)
{
	const char *slash = strchr(s, '/');
	size_t i;
	if (!slash)
		return name_ok(s, strlen(s), 63);
	/* The prefix is a DNS subdomain: lower-case alphanumerics, '-' and '.'. */
	if (slash == s || slash - s > 253 || !is_alnum((unsigned char)s[0]))
		return 0;
	for (i = 0; s + i < slash; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		      s[i] == '.'))
			return 0;
	return name_ok(slash + 1, strlen(slash + 1), 63);
}

/* ---- phrases --------------------------------------------------------------- */

static const char *noun(const struct schema_key *k)
{
	switch (k->type) {
	case ST_STRING: return "a string";
	case ST_NAME: return "a name of letters, digits, '.', '-' and '_'";
	case ST_INT: return "an integer";
	case ST_BOOL: return "true or false";
	case ST_NUMBER: return "a number";
	case ST_CPU: return "a CPU quantity";
	case ST_MEMORY: return "a memory quantity";
	case ST_DURATION: return "a duration";
	case ST_PRICE: return "a price in USD per hour";
	case ST_PERCENT: return "a percentage";
	case ST_ENUM: return "one of";
	case ST_LABELS: return "a map of labels like {app: web}";
	case ST_STRINGS: return "a list of strings";
	case ST_MAP: return "a map";
	case ST_LIST: return "a list";
	case ST_VARIANT: return "a map";
	case ST_CUSTOM: return k->what;
	}
	return "a value";
}

static const char *example(const struct schema_key *k)
{
	switch (k->type) {
	case ST_CPU: return "250m or 0.5";
	case ST_MEMORY: return "128Mi";
	case ST_DURATION: return "15s or 1h30m";
	case ST_PRICE: return "0.0416";
	case ST_PERCENT: return "80 or 80%";
	default: return NULL;
	}
}

static void fmt_bound(const struct schema_key *k, double v, char *buf, size_t cap)
{
	switch (k->type) {
	case ST_CPU: units_fmt_cpu(buf, (int)cap, (int64_t)v); break;
	case ST_MEMORY: units_fmt_memory(buf, (int)cap, (int64_t)v); break;
	case ST_DURATION: units_fmt_duration(buf, (int)cap, v); break;
	case ST_PERCENT: snprintf(buf, cap, "%.0f%%", v); break;
	case ST_INT:
	case ST_LIST:
	case ST_STRINGS: snprintf(buf, cap, "%.0f", v); break;
	default: snprintf(buf, cap, "%.15g", v); break;
	}
}

/* " from 0 to 100000", " greater than 0s", " of at least 1", "" */
static void range_text(const struct schema_key *k, char *buf, size_t cap)
{
	char lo[48], hi[48];
	int hasmin = (k->flags & SF_MIN) != 0, hasmax = (k->flags & SF_MAX) != 0;

	buf[0] = '\0';
	fmt_bound(k, k->min, lo, sizeof(lo));
	fmt_bound(k, k->max, hi, sizeof(hi));
	if (k->flags & SF_MIN_EXCL) {
		if (hasmax)
			snprintf(buf, cap, " greater than %s and at most %s", lo, hi);
		else
			snprintf(buf, cap, " greater than %s", lo);
	} else if (hasmin && hasmax) {
		snprintf(buf, cap, " from %s to %s", lo, hi);
	} else if (hasmin) {
		snprintf(buf, cap, " of at least %s", lo);
	} else if (hasmax) {
		snprintf(buf, cap, " of at most %s", hi);
	}
}

static void enum_list(const struct schema_enum *names, char *buf, size_t cap, const char *sep)
{
	size_t len = 0;
	int i;
	buf[0] = '\0';
	for (i = 0; names[i].name && len < cap; i++)
		len += (size_t)snprintf(buf + len, cap - len, "%s%s", i ? sep : "", names[i].name);
}

/* What a syntax error expects: the example where there is one, else the range. */
static void syntax_phrase(const struct schema_key *k, char *buf, size_t cap)
{
	char r[160];
	if (k->type == ST_ENUM) {
		enum_list(k->names, r, sizeof(r), ", ");
		snprintf(buf, cap, "one of %s", r);
	} else if (example(k)) {
		snprintf(buf, cap, "%s like %s", noun(k), example(k));
	} else {
		range_text(k, r, sizeof(r));
		snprintf(buf, cap, "%s%s", noun(k), r);
	}
}

static int out_of_range(const struct schema_key *k, double v)
{
	if ((k->flags & SF_MIN) && ((k->flags & SF_MIN_EXCL) ? v <= k->min : v < k->min))
		return 1;
	return (k->flags & SF_MAX) && v > k->max;
}

static int range_error(struct schema_ctx *c, const struct schema_key *k, const struct ynode *n)
{
	char r[160];
	range_text(k, r, sizeof(r));
	return schema_expect(c, n, "%s%s", noun(k), r);
}

/* ---- scalar values ------------------------------------------------------- */

#define FIELD(obj, k, T) ((T *)(void *)((char *)(obj) + (k)->off))

static int read_int(struct schema_ctx *c, const struct schema_key *k, const struct ynode *n,
		    void *obj)
{
	const char *s = n->str, *why;
	int64_t v;
	char buf[32];
	int neg = 0;

	if (k->type == ST_PERCENT) {
		size_t len = strlen(s);
		if (len && len < sizeof(buf) && s[len - 1] == '%') {
			memcpy(buf, s, len - 1);
			buf[len - 1] = '\0';
			s = buf;
		}
	}
	if ((k->flags & SF_SIGNED) && s[0] == '-') {
		neg = 1;
		s++;
	}
	if (units_int(s, &v, &why) < 0) {
		char p[256];
		syntax_phrase(k, p, sizeof(p));
		return schema_expect(c, n, "%s", p);
	}
	if (neg)
		v = -v;
	if (out_of_range(k, (double)v) ||
	    (!(k->flags & SF_INT64) && (v > INT_MAX || v < INT_MIN)))
		return range_error(c, k, n);
	if (k->flags & SF_INT64)
		*FIELD(obj, k, int64_t) = v;
	else
		*FIELD(obj, k, int) = (int)v;
	return 0;
}

static int read_enum(struct schema_ctx *c, const struct schema_key *k, const struct ynode *n,
		     void *obj)
{
	char p[256];
	int i;
	for (i = 0; k->names[i].name; i++) {
		if (strcmp(k->names[i].name, n->str) == 0) {
			*FIELD(obj, k, int) = k->names[i].value;
			return 0;
		}
	}
	syntax_phrase(k, p, sizeof(p));
	return schema_expect(c, n, "%s", p);
}

static int read_scalar(struct schema_ctx *c, const struct schema_key *k, const struct ynode *n,
		       void *obj)
{
	const char *why = NULL;
	char p[256];
	double d;
	int64_t q;
	int b, rc = 0;

	if (n->kind != YN_SCALAR) {
		syntax_phrase(k, p, sizeof(p));
		return schema_expect(c, n, "%s", p);
	}
	switch (k->type) {
	case ST_NAME:
		if (!name_ok(n->str, strlen(n->str), 253))
			return schema_expect(c, n, "%s", noun(k));
		/* fall through */
	case ST_STRING:
		*FIELD(obj, k, const char *) = arena_strdup(c->arena, n->str);
		return 0;
	case ST_INT:
	case ST_PERCENT:
		return read_int(c, k, n, obj);
	case ST_ENUM:
		return read_enum(c, k, n, obj);
	case ST_BOOL:
		if (units_bool(n->str, &b, &why) < 0)
			return schema_expect(c, n, "%s", why);
		*FIELD(obj, k, int) = b;
		return 0;
	case ST_NUMBER:
	case ST_PRICE:
		rc = units_number(n->str, &d, &why);
		if (rc == 0 && k->type == ST_PRICE && d < 0)
			rc = -1;
		break;
	case ST_DURATION:
		rc = units_duration(n->str, &d, &why);
		break;
	case ST_CPU:
		rc = units_cpu(n->str, &q, &why);
		d = (double)q;
		break;
	case ST_MEMORY:
		rc = units_memory(n->str, &q, &why);
		d = (double)q;
		break;
	default:
		return schema_expect(c, n, "%s", noun(k));
	}
	if (rc < 0) {
		syntax_phrase(k, p, sizeof(p));
		return schema_expect(c, n, "%s", p);
	}
	if (out_of_range(k, d))
		return range_error(c, k, n);
	if (k->type == ST_CPU || k->type == ST_MEMORY)
		*FIELD(obj, k, int64_t) = q;
	else
		*FIELD(obj, k, double) = d;
	return 0;
}

/* ---- composite values ---------------------------------------------------- */

static int read_map_skip(struct schema_ctx *c, const struct schema_table *t,
			 const struct ynode *map, void *obj, const struct ynode *where,
			 const char *skip);

static int read_labels(struct schema_ctx *c, const struct schema_key *k, const struct ynode *n,
		       void *obj)
{
	struct labels *l = FIELD(obj, k, struct labels);
	size_t i;

	if (n->kind != YN_MAP)
		return schema_expect(c, n, "%s", noun(k));
	l->n = (int)n->n;
	l->v = n->n ? arena_alloc(c->arena, n->n * sizeof(*l->v)) : NULL;
	for (i = 0; i < n->n; i++) {
		const struct ynode *key = n->keys[i], *val = n->vals[i];
		size_t old;
		int rc = 0;
		if (!schema_label_key_ok(key->str))
			return schema_expect(c, key, "a label key like app or example.com/tier");
		old = schema_push_key(c, key->str);
		if (val->kind != YN_SCALAR ||
		    !schema_label_value_ok(ynode_is_null(val) ? "" : val->str))
			rc = schema_expect(c, val,
					   "a label value of at most 63 letters, digits, '-', '_' "
					   "or '.'");
		schema_pop(c, old);
		if (rc)
			return rc;
		l->v[i].key = arena_strdup(c->arena, key->str);
		l->v[i].value = arena_strdup(c->arena, ynode_is_null(val) ? "" : val->str);
	}
	return 0;
}

static int check_count(struct schema_ctx *c, const struct schema_key *k, const struct ynode *n,
		       const char *what)
{
	char hi[32];
	if ((k->flags & SF_NONEMPTY) && n->n == 0)
		return schema_expect(c, n, "a non-empty list of %s", what);
	if ((k->flags & SF_MAX) && (double)n->n > k->max) {
		fmt_bound(k, k->max, hi, sizeof(hi));
		return schema_expect(c, n, "a list of at most %s %s", hi, what);
	}
	return 0;
}

static int read_strings(struct schema_ctx *c, const struct schema_key *k, const struct ynode *n,
			void *obj)
{
	const char ***v = FIELD(obj, k, const char **);
	int *count = (int *)(void *)((char *)obj + k->off_n);
	size_t i;
	int rc;

	if (n->kind != YN_SEQ)
		return schema_expect(c, n, "a list of strings");
	if ((rc = check_count(c, k, n, "strings")))
		return rc;
	*v = n->n ? arena_alloc(c->arena, n->n * sizeof(**v)) : NULL;
	for (i = 0; i < n->n; i++) {
		if (n->vals[i]->kind != YN_SCALAR || ynode_is_null(n->vals[i])) {
			char idx[24];
			size_t old;
			snprintf(idx, sizeof(idx), "%zu", i);
			old = schema_push_item(c, idx);
			rc = schema_expect(c, n->vals[i], "a string");
			schema_pop(c, old);
			return rc;
		}
		(*v)[i] = arena_strdup(c->arena, n->vals[i]->str);
	}
	*count = (int)n->n;
	return 0;
}

/* A small string set for unique names: open addressing, malloc'ed. */
struct nameset {
	const char **slot;
	size_t cap;
};

static const char *nameset_add(struct nameset *s, const char *name)
{
	size_t h = (size_t)hash_str64(name) & (s->cap - 1);
	for (; s->slot[h]; h = (h + 1) & (s->cap - 1))
		if (strcmp(s->slot[h], name) == 0)
			return s->slot[h];
	s->slot[h] = name;
	return NULL;
}

static int table_has_name(const struct schema_table *t)
{
	int i;
	for (i = 0; i < t->nkeys; i++)
		if (strcmp(t->keys[i].name, "name") == 0)
			return 1;
	return 0;
}

static int read_list(struct schema_ctx *c, const struct schema_key *k, const struct ynode *n,
		     void *obj)
{
	const struct schema_table *t = k->sub;
	char *items;
	struct nameset names = { NULL, 0 };
	int named = table_has_name(t), rc = 0;
	size_t i;

	if (n->kind != YN_SEQ)
		return schema_expect(c, n, "a list of %ss", t->name);
	if ((rc = check_count(c, k, n, "items")))
		return rc;
	items = n->n ? arena_alloc(c->arena, n->n * t->item_size) : NULL;
	if (named) {
		for (names.cap = 16; names.cap < 2 * n->n; names.cap *= 2)
			;
		names.slot = xcalloc(names.cap, sizeof(*names.slot));
	}
	for (i = 0; i < n->n && !rc; i++) {
		const struct ynode *item = n->vals[i], *nm = ynode_get(item, "name");
		char idx[24];
		size_t old;

		snprintf(idx, sizeof(idx), "%zu", i);
		if (named && nm && nm->kind == YN_SCALAR && !ynode_is_null(nm))
			old = schema_push_item(c, nm->str);
		else
			old = schema_push_item(c, idx);
		if (item->kind != YN_MAP)
			rc = schema_expect(c, item, "a %s as a map", t->name);
		else
			rc = schema_read(c, t, item, items + i * t->item_size, item);
		if (!rc && named && nm && nameset_add(&names, nm->str))
			rc = schema_expect_key(c, item, item, "name", "a name unique within %s",
					       k->name);
		schema_pop(c, old);
	}
	free(names.slot);
	if (rc)
		return rc;
	*FIELD(obj, k, void *) = items;
	*(int *)(void *)((char *)obj + k->off_n) = (int)n->n;
	return 0;
}

static void variant_names(const struct schema_variant *v, char *buf, size_t cap)
{
	size_t len = 0;
	int i;
	buf[0] = '\0';
	for (i = 0; i < v->ncases && len < cap; i++)
		len += (size_t)snprintf(buf + len, cap - len, "%s%s", i ? ", " : "",
					v->cases[i].name);
}

static int read_variant(struct schema_ctx *c, const struct schema_key *k, const struct ynode *n,
			void *obj)
{
	const struct schema_variant *v = k->variant;
	const struct ynode *disc;
	void *o = (char *)obj + k->off;
	char names[256];
	int i, rc;
	size_t old;

	variant_names(v, names, sizeof(names));
	if (n->kind != YN_MAP)
		return schema_expect(c, n, "a map with a %s key (%s)", v->key, names);
	disc = ynode_get(n, v->key);
	if (!disc || ynode_is_null(disc))
		return schema_fail(c, n, "missing required key \"%s\" (%s)", v->key, names);
	for (i = 0; i < v->ncases; i++) {
		if (disc->kind == YN_SCALAR && strcmp(disc->str, v->cases[i].name) == 0) {
			*(int *)(void *)((char *)o + v->kind_off) = v->cases[i].value;
			return read_map_skip(c, v->cases[i].table, n, o, n, v->key);
		}
	}
	old = schema_push_key(c, v->key);
	rc = schema_expect(c, disc, "one of %s", names);
	schema_pop(c, old);
	return rc;
}

static int read_value(struct schema_ctx *c, const struct schema_key *k, const struct ynode *n,
		      void *obj)
{
	switch (k->type) {
	case ST_LABELS:
		return read_labels(c, k, n, obj);
	case ST_STRINGS:
		return read_strings(c, k, n, obj);
	case ST_LIST:
		return read_list(c, k, n, obj);
	case ST_MAP:
		if (n->kind != YN_MAP)
			return schema_expect(c, n, "a map (%s)", k->sub->name);
		return schema_read(c, k->sub, n, (char *)obj + k->off, n);
	case ST_VARIANT:
		return read_variant(c, k, n, obj);
	case ST_CUSTOM:
		return k->custom(c, n, obj, k);
	default:
		return read_scalar(c, k, n, obj);
	}
}

/* Applies the default of an absent key (path already pushed). */
static int read_default(struct schema_ctx *c, const struct schema_key *k, void *obj,
			const struct ynode *where)
{
	if (k->def) {
		struct ynode tmp, *n = &tmp;
		if (k->def[0] == '{' || k->def[0] == '[') {
			int rc = ydoc_parse_value(c->doc, k->def, where->mark, &n, c->e);
			if (rc)
				return rc;
		} else {
			memset(&tmp, 0, sizeof(tmp));
			tmp.kind = YN_SCALAR;
			tmp.mark = where->mark;
			tmp.str = k->def;
		}
		return read_value(c, k, n, obj);
	}
	if (k->type == ST_MAP)
		return schema_read(c, k->sub, NULL, (char *)obj + k->off, where);
	if (k->flags & SF_ABSENT_NEG1) {
		switch (k->type) {
		case ST_CPU:
		case ST_MEMORY:
			*FIELD(obj, k, int64_t) = -1;
			break;
		case ST_NUMBER:
		case ST_PRICE:
		case ST_DURATION:
			*FIELD(obj, k, double) = -1;
			break;
		case ST_INT:
			if (k->flags & SF_INT64) {
				*FIELD(obj, k, int64_t) = -1;
				break;
			}
			/* fall through */
		case ST_ENUM:
		case ST_PERCENT:
		case ST_BOOL:
			*FIELD(obj, k, int) = -1;
			break;
		default:
			break;
		}
	}
	return 0;
}

static int unknown_key(struct schema_ctx *c, const struct schema_table *t, const struct ynode *key,
		       const char *extra)
{
	const char *cands[MAX_TABLE_KEYS + 1], *best;
	char list[600];
	size_t len = 0;
	int i, n = 0;

	for (i = 0; i < t->nkeys; i++)
		cands[n++] = t->keys[i].name;
	if (extra)
		cands[n++] = extra;
	best = schema_suggest(key->str, cands, n);
	if (best)
		return schema_fail(c, key, "unknown key \"%s\" (did you mean \"%s\"?)", key->str,
				   best);
	list[0] = '\0';
	for (i = 0; i < n && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
					cands[i]);
	return schema_fail(c, key, "unknown key \"%s\" (known keys: %s)", key->str, list);
}

static int read_map_skip(struct schema_ctx *c, const struct schema_table *t,
			 const struct ynode *map, void *obj, const struct ynode *where,
			 const char *skip)
{
	char present[MAX_TABLE_KEYS] = { 0 };
	const struct ynode *blame;
	size_t i;
	int j, rc;

	if (map && ynode_is_null(map))
		map = NULL;
	blame = map ? map : where;
	if (map && map->kind != YN_MAP)
		return schema_expect(c, map, "a map (%s)", t->name);
	for (i = 0; map && i < map->n; i++) {
		const struct ynode *key = map->keys[i], *val = map->vals[i];
		size_t old;

		if (skip && strcmp(key->str, skip) == 0)
			continue;
		for (j = 0; j < t->nkeys; j++)
			if (strcmp(t->keys[j].name, key->str) == 0)
				break;
		if (j == t->nkeys)
			return unknown_key(c, t, key, skip);
		if ((t->keys[j].flags & SF_DEFERRED) || ynode_is_null(val))
			continue;
		present[j] = 1;
		old = schema_push_key(c, key->str);
		rc = read_value(c, &t->keys[j], val, obj);
		schema_pop(c, old);
		if (rc)
			return rc;
	}
	for (j = 0; j < t->nkeys; j++) {
		const struct schema_key *k = &t->keys[j];
		size_t old;
		if (present[j] || (k->flags & SF_DEFERRED))
			continue;
		/* An absent optional map (hpa, burstable) is not a map with its
		 * required keys missing: only its defaults apply. */
		if ((k->flags & SF_REQUIRED) && !k->def && !map)
			continue;
		if ((k->flags & SF_REQUIRED) && !k->def && !ynode_get(map, k->name))
			return schema_fail(c, blame, "missing required key \"%s\"", k->name);
		old = schema_push_key(c, k->name);
		if ((k->flags & SF_REQUIRED) && !k->def) {
			/* written, but null */
			char p[256];
			syntax_phrase(k, p, sizeof(p));
			rc = schema_expect(c, ynode_get(map, k->name), "%s", p);
		} else {
			rc = read_default(c, k, obj, blame);
		}
		schema_pop(c, old);
		if (rc)
			return rc;
	}
	return t->check ? t->check(c, obj, map, blame) : 0;
}

int schema_read(struct schema_ctx *c, const struct schema_table *t, const struct ynode *map,
		void *obj, const struct ynode *where)
{
	if (t->nkeys > MAX_TABLE_KEYS)
		abort(); /* a table too long for read_map_skip's bitmap: a bug */
	return read_map_skip(c, t, map, obj, where, NULL);
}

int schema_read_key(struct schema_ctx *c, const struct schema_key *k, const struct ynode *n,
		    void *obj, const struct ynode *where)
{
	if (!n || ynode_is_null(n)) {
		if ((k->flags & SF_REQUIRED) && !k->def)
			return schema_fail(c, where, "missing required key \"%s\"", k->name);
		return read_default(c, k, obj, where);
	}
	return read_value(c, k, n, obj);
}

/* ---- docs ------------------------------------------------------------------ */

struct seen {
	const struct schema_table *t[128];
	int n;
};

static int seen_add(struct seen *s, const struct schema_table *t)
{
	int i;
	for (i = 0; i < s->n; i++)
		if (s->t[i] == t)
			return 0;
	if (s->n < (int)ARRAY_LEN(s->t))
		s->t[s->n++] = t;
	return 1;
}

static void anchor(const char *name, char *buf, size_t cap)
{
	size_t i, j = 0;
	for (i = 0; name[i] && j + 1 < cap; i++) {
		char ch = name[i];
		if (ch >= 'A' && ch <= 'Z')
			buf[j++] = (char)(ch - 'A' + 'a');
		else if (is_alnum((unsigned char)ch) || ch == '-' || ch == '_')
			buf[j++] = ch;
		else if (ch == ' ')
			buf[j++] = '-';
	}
	buf[j] = '\0';
}

static void doc_type(const struct schema_key *k, char *buf, size_t cap)
{
	char a[96], names[256];
	switch (k->type) {
	case ST_ENUM:
		enum_list(k->names, names, sizeof(names), " \\| ");
		snprintf(buf, cap, "%s", names);
		return;
	case ST_MAP:
		anchor(k->sub->name, a, sizeof(a));
		snprintf(buf, cap, "map: [%s](#%s)", k->sub->name, a);
		return;
	case ST_LIST:
		anchor(k->sub->name, a, sizeof(a));
		snprintf(buf, cap, "list of [%s](#%s)", k->sub->name, a);
		return;
	case ST_VARIANT:
		variant_names(k->variant, names, sizeof(names));
		snprintf(buf, cap, "map by `%s`: %s (below)", k->variant->key, names);
		return;
	case ST_CUSTOM:
		snprintf(buf, cap, "%s", k->what);
		return;
	case ST_NAME: snprintf(buf, cap, "name"); return;
	case ST_STRING: snprintf(buf, cap, "string"); return;
	case ST_INT: snprintf(buf, cap, "integer"); return;
	case ST_BOOL: snprintf(buf, cap, "bool"); return;
	case ST_NUMBER: snprintf(buf, cap, "number"); return;
	case ST_CPU: snprintf(buf, cap, "CPU (cores: `250m`, `0.5`)"); return;
	case ST_MEMORY: snprintf(buf, cap, "memory (bytes: `128Mi`, `1G`)"); return;
	case ST_DURATION: snprintf(buf, cap, "duration (`15s`, `1h30m`)"); return;
	case ST_PRICE: snprintf(buf, cap, "USD per hour"); return;
	case ST_PERCENT: snprintf(buf, cap, "percent (`80` or `80%%`)"); return;
	case ST_LABELS: snprintf(buf, cap, "map of labels"); return;
	case ST_STRINGS: snprintf(buf, cap, "list of strings"); return;
	}
	buf[0] = '\0';
}

static void doc_default(const struct schema_key *k, char *buf, size_t cap)
{
	if (k->defdoc)
		snprintf(buf, cap, "%s", k->defdoc);
	else if (k->def)
		snprintf(buf, cap, "`%s`", k->def);
	else if (k->flags & SF_REQUIRED)
		snprintf(buf, cap, "**required**");
	else if (k->type == ST_MAP)
		snprintf(buf, cap, "(defaults of its keys)");
	else
		snprintf(buf, cap, "absent");
}

static void doc_range(const struct schema_key *k, char *buf, size_t cap)
{
	char r[160], hi[32];

	if (k->type == ST_LIST || k->type == ST_STRINGS) {
		fmt_bound(k, k->max, hi, sizeof(hi));
		if (k->flags & SF_MAX)
			snprintf(buf, cap, "%s%s items",
				 (k->flags & SF_NONEMPTY) ? "1 to " : "at most ", hi);
		else
			snprintf(buf, cap, "%s", (k->flags & SF_NONEMPTY) ? "at least 1 item" : "");
		return;
	}
	range_text(k, r, sizeof(r));
	snprintf(buf, cap, "%s", !r[0] ? "" : strncmp(r, " of ", 4) == 0 ? r + 4 : r + 1);
}

static void markdown_table(FILE *out, const struct schema_table *t, const char *title,
			   const char *disc, const char *disc_value, struct seen *s);

static void markdown_children(FILE *out, const struct schema_table *t, struct seen *s)
{
	int i, j;
	for (i = 0; i < t->nkeys; i++) {
		const struct schema_key *k = &t->keys[i];
		if ((k->type == ST_MAP || k->type == ST_LIST) && seen_add(s, k->sub))
			markdown_table(out, k->sub, k->sub->name, NULL, NULL, s);
		if (k->type == ST_VARIANT) {
			for (j = 0; j < k->variant->ncases; j++) {
				const struct schema_table *ct = k->variant->cases[j].table;
				if (seen_add(s, ct))
					markdown_table(out, ct, ct->name, k->variant->key,
						       k->variant->cases[j].name, s);
			}
		}
	}
}

static void markdown_table(FILE *out, const struct schema_table *t, const char *title,
			   const char *disc, const char *disc_value, struct seen *s)
{
	int i;
	char a[96];

	anchor(title, a, sizeof(a));
	fprintf(out, "### %s\n\n", title);
	if (t->doc)
		fprintf(out, "%s\n\n", t->doc);
	fprintf(out, "| key | type | default | range | meaning |\n");
	fprintf(out, "| --- | --- | --- | --- | --- |\n");
	if (disc)
		fprintf(out, "| `%s` | `%s` | **required** | | selects this form |\n", disc,
			disc_value);
	for (i = 0; i < t->nkeys; i++) {
		const struct schema_key *k = &t->keys[i];
		char type[320], def[160], range[160];
		doc_type(k, type, sizeof(type));
		doc_default(k, def, sizeof(def));
		doc_range(k, range, sizeof(range));
		fprintf(out, "| `%s` | %s | %s | %s | %s |\n", k->name, type, def, range,
			k->help ? k->help : "");
	}
	fprintf(out, "\n");
	markdown_children(out, t, s);
}

void schema_markdown(FILE *out, const struct schema_table *t)
{
	struct seen s;
	s.n = 0;
	seen_add(&s, t);
	markdown_table(out, t, t->name, NULL, NULL, &s);
}
