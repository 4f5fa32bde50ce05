/*
 * manifest_reader.c -- the reader's paths, warnings and typed getters, and
 * the builders of scenario-form nodes (see manifest_impl.h).
 */
#include "manifest_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "units.h"

/* ---- paths, warnings, getters ----------------------------------------------------- */

void mr_object(struct mreader *r, const char *kind, const char *name)
{
	struct schema_ctx *c = &r->c;
	int n = snprintf(c->path, sizeof(c->path), "%s%s%s", kind, name ? " " : "",
			 name ? name : "");
	c->pathlen = n > 0 && (size_t)n < sizeof(c->path) ? (size_t)n : sizeof(c->path) - 1;
	r->objlen = c->pathlen;
	r->warned_ns = 0;
}

size_t mr_key(struct mreader *r, const char *key)
{
	struct schema_ctx *c = &r->c;
	size_t old = c->pathlen;
	int n;

	if (!old || old != r->objlen)
		return schema_push_key(c, key);
	n = snprintf(c->path + old, sizeof(c->path) - old, ": %s", key);
	c->pathlen = n > 0 && old + (size_t)n < sizeof(c->path) ? old + (size_t)n
								 : sizeof(c->path) - 1;
	return old;
}

size_t mr_item(struct mreader *r, const struct ynode *item, size_t i)
{
	const struct ynode *nm = ynode_get(item, "name");
	char idx[24];
	if (nm && nm->kind == YN_SCALAR && !ynode_is_null(nm) && *nm->str)
		return schema_push_item(&r->c, nm->str);
	snprintf(idx, sizeof(idx), "%zu", i);
	return schema_push_item(&r->c, idx);
}

void mr_pop(struct mreader *r, size_t old)
{
	schema_pop(&r->c, old);
}

static void add_warning(struct manifest_set *m, char *text)
{
	GROW(m->warnings, m->nwarnings, m->capwarnings);
	m->warnings[m->nwarnings++] = text;
}

void mr_warn(struct mreader *r, const struct ynode *at, const char *fmt, ...)
{
	char msg[800];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	add_warning(r->m, arena_printf(&r->m->arena, "%s:%d:%d: %s: %s", at->mark.file,
				       at->mark.line, at->mark.col, r->c.path, msg));
}

void mf_warn(struct manifest_set *m, const char *fmt, ...)
{
	char msg[1000];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	add_warning(m, arena_strdup(&m->arena, msg));
}

const struct ynode *mr_opt(const struct ynode *map, const char *key)
{
	const struct ynode *n = ynode_get(map, key);
	return n && !ynode_is_null(n) ? n : NULL;
}

int mr_expect(struct mreader *r, const struct ynode *map, const struct ynode *where,
	      const char *key, const char *what)
{
	const struct ynode *n = ynode_get(map, key);
	size_t old = mr_key(r, key);
	int rc = n ? schema_expect(&r->c, n, "%s", what)
		   : schema_fail(&r->c, map ? map : where, "expected %s", what);
	mr_pop(r, old);
	return rc;
}

static int missing(struct mreader *r, const struct ynode *map, const char *key)
{
	return schema_fail(&r->c, map, "missing required key \"%s\"", key);
}

int mr_get(struct mreader *r, const struct ynode *map, const char *key, enum ynode_kind kind,
	   int required, const struct ynode **out)
{
	const struct ynode *n = mr_opt(map, key);
	*out = NULL;
	if (!n)
		return required ? missing(r, map, key) : 0;
	if (n->kind != kind)
		return mr_expect(r, map, map, key, kind == YN_MAP ? "a map" : "a list");
	*out = n;
	return 0;
}

int mr_str(struct mreader *r, const struct ynode *map, const char *key, int required,
	   const struct ynode **out)
{
	const struct ynode *n = mr_opt(map, key);
	*out = NULL;
	if (!n)
		return required ? missing(r, map, key) : 0;
	if (n->kind != YN_SCALAR || (required && !*n->str))
		return mr_expect(r, map, map, key, required ? "a non-empty string" : "a string");
	*out = n;
	return 0;
}

int mr_int(struct mreader *r, const struct ynode *map, const char *key, int64_t min,
	   int64_t max, int required, int64_t *v, const struct ynode **at)
{
	const struct ynode *n = mr_opt(map, key);
	const char *s, *why;
	char what[96];
	int64_t x;

	*at = NULL;
	if (!n)
		return required ? missing(r, map, key) : 0;
	s = n->kind == YN_SCALAR ? n->str : "";
	if (min < 0 && s[0] == '-')
		s++;
	snprintf(what, sizeof(what), "an integer from %lld to %lld", (long long)min,
		 (long long)max);
	if (n->kind != YN_SCALAR || units_int(s, &x, &why) < 0)
		return mr_expect(r, map, map, key, what);
	if (s != n->str)
		x = -x;
	if (x < min || x > max)
		return mr_expect(r, map, map, key, what);
	*v = x;
	*at = n;
	return 0;
}

int mr_enum(struct mreader *r, const struct ynode *map, const char *key,
	    const char *const *names, int required, const struct ynode **out)
{
	const struct ynode *n = mr_opt(map, key);
	char what[200];
	size_t len = 0;
	int i;

	*out = NULL;
	/* Kubernetes reads an empty enum like an absent one (operator "" is Equal). */
	if (!n || (n->kind == YN_SCALAR && !*n->str))
		return required ? missing(r, map, key) : 0;
	for (i = 0; n->kind == YN_SCALAR && names[i]; i++) {
		if (strcmp(n->str, names[i]) == 0) {
			*out = n;
			return 0;
		}
	}
	what[0] = '\0';
	for (i = 0; names[i] && len < sizeof(what); i++)
		len += (size_t)snprintf(what + len, sizeof(what) - len, "%s%s",
					i == 0 ? "one of " : ", ", names[i]);
	return mr_expect(r, map, map, key, what);
}

int mr_labels(struct mreader *r, const struct ynode *map, const char *key,
	      const struct ynode **out)
{
	const struct ynode *n;
	size_t i, old;
	int rc;

	*out = NULL;
	if ((rc = mr_get(r, map, key, YN_MAP, 0, &n)) || !n)
		return rc;
	old = mr_key(r, key);
	for (i = 0; i < n->n && !rc; i++) {
		const struct ynode *k = n->keys[i], *v = n->vals[i];
		size_t o2;
		if (!schema_label_key_ok(k->str)) {
			rc = schema_expect(&r->c, k, "a label key like app or example.com/tier");
			break;
		}
		o2 = schema_push_key(&r->c, k->str);
		if (v->kind != YN_SCALAR || !schema_label_value_ok(ynode_is_null(v) ? "" : v->str))
			rc = schema_expect(&r->c, v,
					   "a label value of at most 63 letters, digits, '-', '_' "
					   "or '.'");
		mr_pop(r, o2);
	}
	mr_pop(r, old);
	*out = rc ? NULL : n;
	return rc;
}

/* ---- builders ------------------------------------------------------------------- */

static struct ynode *mb_node(struct manifest_set *m, enum ynode_kind kind, struct ymark mark)
{
	struct ynode *n = arena_alloc(&m->arena, sizeof(*n));
	n->kind = kind;
	n->mark = mark;
	return n;
}

struct ynode *mb_map(struct manifest_set *m, struct ymark mark)
{
	return mb_node(m, YN_MAP, mark);
}

struct ynode *mb_seq(struct manifest_set *m, struct ymark mark)
{
	return mb_node(m, YN_SEQ, mark);
}

struct ynode *mb_scalar(struct manifest_set *m, struct ymark mark, const char *fmt, ...)
{
	struct ynode *n = mb_node(m, YN_SCALAR, mark);
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	n->str = arena_strdup(&m->arena, buf);
	n->quoted = 1; /* text, never read as null */
	return n;
}

void mb_add(struct manifest_set *m, struct ynode *coll, const char *key, struct ynode *val)
{
	size_t n = coll->n;
	/* Capacity is the next power of two: grow when n is one. */
	if ((n & (n - 1)) == 0) {
		size_t cap = n ? 2 * n : 1;
		struct ynode **v = arena_alloc(&m->arena, cap * sizeof(*v));
		if (n)
			memcpy(v, coll->vals, n * sizeof(*v));
		coll->vals = v;
		if (coll->kind == YN_MAP) {
			struct ynode **k = arena_alloc(&m->arena, cap * sizeof(*k));
			if (n)
				memcpy(k, coll->keys, n * sizeof(*k));
			coll->keys = k;
		}
	}
	coll->vals[n] = val;
	if (coll->kind == YN_MAP)
		coll->keys[n] = mb_scalar(m, val->mark, "%s", key);
	coll->n = n + 1;
}
