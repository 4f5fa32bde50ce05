/*
 * ydoc.c -- YAML documents as trees with marks, built from libyaml events.
 *
 * The builder keeps a stack of open containers (at most YDOC_MAX_DEPTH);
 * children collect in malloc'ed vectors and move into the arena, at their
 * exact size, when the container closes. An alias shares the anchored node
 * (no copy) but adds the anchored subtree's node count to the document's
 * count, so a "billion laughs" document is refused after YDOC_MAX_NODES
 * counted nodes instead of being expanded. Duplicate keys are found with
 * one hash set per document, keyed by (map, key), at the moment the second
 * key is read, so the error is the first in document order.
 *
 * Cost: O(bytes + events); the hash set is O(1) per key.
 */
#include "ydoc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

struct vec {
	struct ynode **v;
	size_t n, cap;
};

struct frame {
	struct ynode *node;
	struct vec keys, vals;
	const char *anchor;    /* registered when the node closes */
	size_t nodes_at_start; /* for the anchored subtree's size */
	size_t bytes_at_start;
};

struct anchor {
	const char *name;
	struct ynode *node;
	size_t count; /* nodes in the subtree, aliases expanded */
	size_t bytes; /* scalar text in the subtree, aliases expanded */
};

struct keyslot {
	const struct ynode *map;
	const struct ynode *key;
};

struct builder {
	struct ydoc *d;
	struct frame stack[YDOC_MAX_DEPTH];
	int depth;
	struct anchor *anchors;
	size_t nanchors, capanchors;
	struct keyslot *set; /* open addressing; size a power of two */
	size_t setn, setcap;
	size_t capraw;       /* capacity of d->roots */
	size_t bytes;        /* scalar text so far, aliases expanded */
	struct err *e;
};

static void vec_push(struct vec *v, struct ynode *n)
{
	GROW(v->v, v->n, v->cap);
	v->v[v->n++] = n;
}

static struct ynode **vec_to_arena(struct arena *a, struct vec *v)
{
	struct ynode **out = NULL;
	if (v->n) {
		out = arena_alloc(a, v->n * sizeof(*out));
		memcpy(out, v->v, v->n * sizeof(*out));
	}
	free(v->v);
	memset(v, 0, sizeof(*v));
	return out;
}

static struct ymark mark_of(const struct ydoc *d, yaml_mark_t m)
{
	struct ymark k = { d->file, (int)m.line + 1, (int)m.column + 1 };
	return k;
}

static const char *kind_name(enum ynode_kind k)
{
	return k == YN_MAP ? "a map" : k == YN_SEQ ? "a list" : "a scalar";
}

/* ---- duplicate keys ------------------------------------------------------ */

static size_t slot_hash(const struct ynode *map, const char *key)
{
	return (size_t)mix64(hash_str64(key) ^ (uint64_t)(uintptr_t)map);
}

static void set_grow(struct builder *b)
{
	struct keyslot *old = b->set;
	size_t oldcap = b->setcap, i;

	b->setcap = oldcap ? oldcap * 2 : 256;
	b->set = xcalloc(b->setcap, sizeof(*b->set));
	for (i = 0; i < oldcap; i++) {
		if (old[i].map) {
			size_t h = slot_hash(old[i].map, old[i].key->str) & (b->setcap - 1);
			while (b->set[h].map)
				h = (h + 1) & (b->setcap - 1);
			b->set[h] = old[i];
		}
	}
	free(old);
}

/* Returns the earlier key node equal to key in map, or NULL after adding it. */
static const struct ynode *set_add(struct builder *b, const struct ynode *map,
				   const struct ynode *key)
{
	size_t h;

	if ((b->setn + 1) * 2 > b->setcap)
		set_grow(b);
	h = slot_hash(map, key->str) & (b->setcap - 1);
	for (; b->set[h].map; h = (h + 1) & (b->setcap - 1))
		if (b->set[h].map == map && strcmp(b->set[h].key->str, key->str) == 0)
			return b->set[h].key;
	b->set[h].map = map;
	b->set[h].key = key;
	b->setn++;
	return NULL;
}

/* ---- building ------------------------------------------------------------ */

/* Counts n more nodes and bytes of scalar text. Text is capped as well as
 * nodes: an alias of a 30 MB scalar used a million times is only a million
 * nodes, but 30 TB once a sweep value or a label is copied out. */
static int count_nodes(struct builder *b, size_t n, size_t bytes, struct ymark m)
{
	b->d->nodes += n;
	b->bytes += bytes;
	if (b->d->nodes > YDOC_MAX_NODES)
		return err_set(b->e, ERR_INPUT,
			       "%s:%d:%d: document too large: more than %d nodes "
			       "(an alias counts its anchor's nodes each time it is used)",
			       m.file, m.line, m.col, YDOC_MAX_NODES);
	if (b->bytes > YDOC_MAX_TEXT)
		return err_set(b->e, ERR_INPUT,
			       "%s:%d:%d: document too large: more than %u bytes of text "
			       "(an alias counts its anchor's text each time it is used)",
			       m.file, m.line, m.col, YDOC_MAX_TEXT);
	return 0;
}

static struct ynode *new_node(struct ydoc *d, enum ynode_kind kind, struct ymark m)
{
	struct ynode *n = arena_alloc(&d->arena, sizeof(*n));
	n->kind = kind;
	n->mark = m;
	return n;
}

static void add_anchor(struct builder *b, const char *name, struct ynode *n, size_t count,
		       size_t bytes)
{
	GROW(b->anchors, b->nanchors, b->capanchors);
	b->anchors[b->nanchors].name = name;
	b->anchors[b->nanchors].node = n;
	b->anchors[b->nanchors].count = count;
	b->anchors[b->nanchors].bytes = bytes;
	b->nanchors++;
}

static void add_root(struct builder *b, struct ynode *n)
{
	struct ydoc *d = b->d;
	if (d->nroots >= b->capraw) {
		size_t cap = b->capraw ? b->capraw * 2 : 4;
		struct ynode **r = arena_alloc(&d->arena, cap * sizeof(*r));
		if (d->nroots)
			memcpy(r, d->roots, d->nroots * sizeof(*r));
		d->roots = r;
		b->capraw = cap;
	}
	d->roots[d->nroots++] = n;
}

/* Attaches a finished node to the open container (or makes it a root). */
static int add_child(struct builder *b, struct ynode *n)
{
	struct frame *f;

	if (b->depth == 0) {
		add_root(b, n);
		return 0;
	}
	f = &b->stack[b->depth - 1];
	if (f->node->kind == YN_SEQ) {
		vec_push(&f->vals, n);
		return 0;
	}
	if (f->keys.n == f->vals.n) {
		const struct ynode *prev;
		if (n->kind != YN_SCALAR)
			return err_set(b->e, ERR_INPUT,
				       "%s:%d:%d: expected a scalar map key, got %s", n->mark.file,
				       n->mark.line, n->mark.col, kind_name(n->kind));
		prev = set_add(b, f->node, n);
		if (prev)
			return err_set(b->e, ERR_INPUT,
				       "%s:%d:%d: duplicate key \"%s\" (first at line %d)",
				       n->mark.file, n->mark.line, n->mark.col, n->str,
				       prev->mark.line);
		vec_push(&f->keys, n);
	} else {
		vec_push(&f->vals, n);
	}
	return 0;
}

static const char *anchor_name(struct builder *b, const yaml_char_t *a)
{
	return a ? arena_strdup(&b->d->arena, (const char *)a) : NULL;
}

static int on_scalar(struct builder *b, const yaml_event_t *ev)
{
	struct ymark m = mark_of(b->d, ev->start_mark);
	struct ynode *n;
	int rc = count_nodes(b, 1, ev->data.scalar.length, m);

	if (rc)
		return rc;
	n = new_node(b->d, YN_SCALAR, m);
	n->str = arena_strndup(&b->d->arena, (const char *)ev->data.scalar.value,
			       ev->data.scalar.length);
	/* A quoted or block scalar, or one tagged (!!str 1), is a string. */
	n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
		    !ev->data.scalar.plain_implicit;
	if (ev->data.scalar.anchor)
		add_anchor(b, anchor_name(b, ev->data.scalar.anchor), n, 1,
			   ev->data.scalar.length);
	return add_child(b, n);
}

static int on_open(struct builder *b, const yaml_event_t *ev, enum ynode_kind kind)
{
	struct ymark m = mark_of(b->d, ev->start_mark);
	const yaml_char_t *anchor = kind == YN_MAP ? ev->data.mapping_start.anchor
						   : ev->data.sequence_start.anchor;
	struct frame *f;
	int rc = count_nodes(b, 1, 0, m);

	if (rc)
		return rc;
	if (b->depth >= YDOC_MAX_DEPTH)
		return err_set(b->e, ERR_INPUT,
			       "%s:%d:%d: document nested too deeply: more than %d levels",
			       m.file, m.line, m.col, YDOC_MAX_DEPTH);
	f = &b->stack[b->depth++];
	memset(f, 0, sizeof(*f));
	f->node = new_node(b->d, kind, m);
	f->anchor = anchor_name(b, anchor);
	f->nodes_at_start = b->d->nodes - 1;
	f->bytes_at_start = b->bytes;
	return 0;
}

static int on_close(struct builder *b)
{
	struct frame *f = &b->stack[--b->depth];
	struct ynode *n = f->node;

	n->n = f->vals.n;
	n->keys = vec_to_arena(&b->d->arena, &f->keys);
	n->vals = vec_to_arena(&b->d->arena, &f->vals);
	if (f->anchor)
		add_anchor(b, f->anchor, n, b->d->nodes - f->nodes_at_start,
			   b->bytes - f->bytes_at_start);
	return add_child(b, n);
}

static int on_alias(struct builder *b, const yaml_event_t *ev)
{
	struct ymark m = mark_of(b->d, ev->start_mark);
	const char *name = (const char *)ev->data.alias.anchor;
	size_t i;
	int rc;

	/* The latest definition wins (YAML allows redefining an anchor); an
	 * anchor is registered only once its node is complete, so an alias
	 * inside its own anchor is unknown: no cycles. */
	for (i = b->nanchors; i-- > 0;) {
		if (strcmp(b->anchors[i].name, name) == 0) {
			rc = count_nodes(b, b->anchors[i].count, b->anchors[i].bytes, m);
			return rc ? rc : add_child(b, b->anchors[i].node);
		}
	}
	return err_set(b->e, ERR_INPUT, "%s:%d:%d: unknown alias \"*%s\"", m.file, m.line, m.col,
		       name);
}

static int on_event(struct builder *b, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return on_scalar(b, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_open(b, ev, YN_SEQ);
	case YAML_MAPPING_START_EVENT:
		return on_open(b, ev, YN_MAP);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return on_close(b);
	case YAML_ALIAS_EVENT:
		return on_alias(b, ev);
	case YAML_DOCUMENT_START_EVENT:
		/* Anchors are local to a document. */
		b->nanchors = 0;
		return 0;
	default:
		return 0;
	}
}

static int parse_error(struct builder *b, const yaml_parser_t *p)
{
	struct ymark m = mark_of(b->d, p->problem_mark);
	if (p->error == YAML_MEMORY_ERROR) {
		fprintf(stderr, "clustersim: out of memory in the YAML parser\n");
		abort();
	}
	if (p->context)
		return err_set(b->e, ERR_INPUT, "%s:%d:%d: invalid YAML: %s %s", m.file, m.line,
			       m.col, p->problem ? p->problem : "syntax error", p->context);
	return err_set(b->e, ERR_INPUT, "%s:%d:%d: invalid YAML: %s", m.file, m.line, m.col,
		       p->problem ? p->problem : "syntax error");
}

static void builder_free(struct builder *b)
{
	int i;
	for (i = 0; i < b->depth; i++) {
		free(b->stack[i].keys.v);
		free(b->stack[i].vals.v);
	}
	free(b->anchors);
	free(b->set);
}

int ydoc_load_string(struct ydoc *d, const char *name, const char *text, size_t len,
		     struct err *e)
{
	struct builder b;
	yaml_parser_t p;
	int rc = 0, done = 0;

	memset(d, 0, sizeof(*d));
	arena_init(&d->arena);
	d->file = arena_strdup(&d->arena, name);
	if (len > YDOC_MAX_BYTES) {
		err_set(e, ERR_INPUT, "%s: file too large: more than %u bytes", name,
			YDOC_MAX_BYTES);
		ydoc_release(d);
		return ERR_INPUT;
	}
	d->src = arena_strndup(&d->arena, text, len);
	d->srclen = len;
	memset(&b, 0, sizeof(b));
	b.d = d;
	b.e = e;
	if (!yaml_parser_initialize(&p)) {
		fprintf(stderr, "clustersim: out of memory in the YAML parser\n");
		abort();
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)d->src, len);
	while (!rc && !done) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&p, &ev)) {
			rc = parse_error(&b, &p);
			break;
		}
		rc = on_event(&b, &ev);
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	builder_free(&b);
	if (rc)
		ydoc_release(d);
	return rc;
}

int ydoc_load_file(struct ydoc *d, const char *path, struct err *e)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int rc;

	memset(d, 0, sizeof(*d));
	if (!f)
		return err_set(e, ERR_INPUT, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		return err_set(e, ERR_INPUT, "%s: cannot open: is a directory", path);
	}
	/* Read in chunks up to one byte past the limit: works for pipes too. */
	for (;;) {
		size_t got;
		GROW(buf, n + 65536, cap);
		got = fread(buf + n, 1, 65536, f);
		n += got;
		if (got == 0 || n > YDOC_MAX_BYTES)
			break;
	}
	if (ferror(f)) {
		int saved = errno;
		free(buf);
		fclose(f);
		return err_set(e, ERR_INPUT, "%s: cannot read: %s", path, strerror(saved));
	}
	fclose(f);
	rc = ydoc_load_string(d, path, buf, n, e);
	free(buf);
	return rc;
}

void ydoc_release(struct ydoc *d)
{
	arena_release(&d->arena);
	memset(d, 0, sizeof(*d));
}

struct ynode *ydoc_root(const struct ydoc *d)
{
	return d->nroots ? d->roots[0] : NULL;
}

int ynode_is_null(const struct ynode *n)
{
	return n && n->kind == YN_SCALAR && !n->quoted &&
	       (!*n->str || !strcmp(n->str, "~") || !strcmp(n->str, "null") ||
		!strcmp(n->str, "Null") || !strcmp(n->str, "NULL"));
}

struct ynode *ynode_get(const struct ynode *map, const char *key)
{
	size_t i;
	if (!map || map->kind != YN_MAP)
		return NULL;
	for (i = 0; i < map->n; i++)
		if (strcmp(map->keys[i]->str, key) == 0)
			return map->vals[i];
	return NULL;
}

static const char *item_name(const struct ynode *item)
{
	const struct ynode *nm = ynode_get(item, "name");
	return nm && nm->kind == YN_SCALAR ? nm->str : NULL;
}

struct ynode *ynode_find_named(const struct ynode *seq, const char *name)
{
	size_t i;
	if (!seq || seq->kind != YN_SEQ)
		return NULL;
	for (i = 0; i < seq->n; i++) {
		const char *nm = item_name(seq->vals[i]);
		if (nm && strcmp(nm, name) == 0)
			return seq->vals[i];
	}
	return NULL;
}

static struct ynode *copy_marked(struct ydoc *d, const struct ynode *n, const struct ymark *m)
{
	struct ynode *c = new_node(d, n->kind, m ? *m : n->mark);
	size_t i;

	c->quoted = n->quoted;
	c->n = n->n;
	if (!m)
		c->mark.file = arena_strdup(&d->arena, n->mark.file);
	if (n->kind == YN_SCALAR) {
		c->str = arena_strdup(&d->arena, n->str);
		return c;
	}
	c->vals = n->n ? arena_alloc(&d->arena, n->n * sizeof(*c->vals)) : NULL;
	if (n->kind == YN_MAP)
		c->keys = n->n ? arena_alloc(&d->arena, n->n * sizeof(*c->keys)) : NULL;
	for (i = 0; i < n->n; i++) {
		c->vals[i] = copy_marked(d, n->vals[i], m);
		if (n->kind == YN_MAP)
			c->keys[i] = copy_marked(d, n->keys[i], m);
	}
	return c;
}

struct ynode *ynode_copy(struct ydoc *d, const struct ynode *n)
{
	return n ? copy_marked(d, n, NULL) : NULL;
}

struct ynode *ynode_scalar(struct ydoc *d, const char *text, struct ymark mark)
{
	struct ynode *n = new_node(d, YN_SCALAR, mark);
	n->mark.file = arena_strdup(&d->arena, mark.file);
	n->str = arena_strdup(&d->arena, text);
	return n;
}

int ydoc_parse_value(struct ydoc *d, const char *text, struct ymark mark, struct ynode **out,
		     struct err *e)
{
	struct ydoc tmp;
	struct err ignored;
	struct ymark m = mark;

	m.file = arena_strdup(&d->arena, mark.file);
	if (ydoc_load_string(&tmp, m.file, text, strlen(text), &ignored) < 0 || tmp.nroots > 1) {
		ydoc_release(&tmp);
		return err_set(e, ERR_INPUT, "%s:%d:%d: expected a YAML value, got \"%s\"", m.file,
			       m.line, m.col, text);
	}
	if (tmp.nroots == 0) {
		*out = new_node(d, YN_SCALAR, m);
		(*out)->str = "";
	} else {
		*out = copy_marked(d, tmp.roots[0], &m);
	}
	ydoc_release(&tmp);
	return 0;
}

/* ---- paths --------------------------------------------------------------- */

struct seg {
	const char *s;
	size_t n;
	int literal; /* written in brackets */
};

#define MAX_SEGS 64

static int split_path(const char *path, struct seg *segs, int *nsegs)
{
	const char *p = path;
	int n = 0;

	while (*p) {
		if (n == MAX_SEGS)
			return -1;
		if (*p == '[') {
			const char *q = strchr(p + 1, ']');
			if (!q || q == p + 1)
				return -1;
			segs[n].s = p + 1;
			segs[n].n = (size_t)(q - p - 1);
			segs[n++].literal = 1;
			p = q + 1;
		} else {
			size_t len = strcspn(p, ".[");
			if (len == 0)
				return -1;
			segs[n].s = p;
			segs[n].n = len;
			segs[n++].literal = 0;
			p += len;
		}
		if (*p == '.') {
			p++;
			if (!*p)
				return -1;
		} else if (*p && *p != '[') {
			return -1;
		}
	}
	*nsegs = n;
	return n ? 0 : -1;
}

/* Joins segs[i..j] with '.' into buf. */
static void join_segs(const struct seg *segs, int i, int j, char *buf, size_t cap)
{
	size_t len = 0;
	int k;
	buf[0] = '\0';
	for (k = i; k <= j; k++)
		len += (size_t)snprintf(buf + len, len < cap ? cap - len : 0, "%s%.*s",
					k > i ? "." : "", (int)segs[k].n, segs[k].s);
}

/* Finds the longest run segs[i..j] naming an existing key or item; returns
 * its index in node (or -1) and sets *last to j. */
static long find_greedy(const struct ynode *node, const struct seg *segs, int i, int nsegs,
			int *last)
{
	char buf[1024];
	int j;
	size_t k;

	for (j = segs[i].literal ? i : nsegs - 1; j >= i; j--) {
		int m;
		for (m = i + 1; m <= j; m++)
			if (segs[m].literal)
				break;
		if (m <= j)
			continue;
		join_segs(segs, i, j, buf, sizeof(buf));
		for (k = 0; k < node->n; k++) {
			const char *name = node->kind == YN_MAP ? node->keys[k]->str
								: item_name(node->vals[k]);
			if (name && strcmp(name, buf) == 0) {
				*last = j;
				return (long)k;
			}
		}
	}
	*last = i;
	return -1;
}

/* Shallow copy with room for one more pair. */
static struct ynode *copy_shallow(struct ydoc *d, const struct ynode *n)
{
	struct ynode *c = new_node(d, n->kind, n->mark);
	c->quoted = n->quoted;
	c->str = n->str;
	c->n = n->n;
	if (n->kind != YN_SCALAR) {
		c->vals = arena_alloc(&d->arena, (n->n + 1) * sizeof(*c->vals));
		if (n->n)
			memcpy(c->vals, n->vals, n->n * sizeof(*c->vals));
	}
	if (n->kind == YN_MAP) {
		c->keys = arena_alloc(&d->arena, (n->n + 1) * sizeof(*c->keys));
		if (n->n)
			memcpy(c->keys, n->keys, n->n * sizeof(*c->keys));
	}
	return c;
}

static int no_such_item(const struct ynode *seq, const char *shown, const char *name,
			const struct ynode *value, struct err *e)
{
	char names[512];
	size_t len = 0, i;

	names[0] = '\0';
	for (i = 0; i < seq->n && len < sizeof(names); i++) {
		const char *nm = item_name(seq->vals[i]);
		len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s", len ? ", " : "",
					nm ? nm : "(unnamed)");
	}
	return err_set(e, ERR_INPUT,
		       "%s:%d:%d: %s: expected the name of an item of %s (%s), got \"%s\"",
		       value->mark.file, value->mark.line, value->mark.col,
		       shown[0] ? shown : "(top)", shown[0] ? shown : "the document",
		       seq->n ? names : "none exist", name);
}

static int all_digits(const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0 && n < 10;
}

/* Appends a, b, c to the string in buf, truncating at cap (no snprintf:
 * truncation is intended, and -Wformat-truncation would object). */
static void append3(char *buf, size_t cap, const char *a, const char *b, const char *c)
{
	const char *parts[3] = { a, b, c };
	size_t len = strlen(buf), i;
	for (i = 0; i < 3; i++) {
		size_t n = strlen(parts[i]);
		if (n > cap - 1 - len)
			n = cap - 1 - len;
		memcpy(buf + len, parts[i], n);
		len += n;
	}
	buf[len] = '\0';
}

int ydoc_set_path(struct ydoc *d, const char *path, struct ynode *value, struct err *e)
{
	struct seg segs[MAX_SEGS];
	struct ynode **slot;
	char shown[1024] = "";
	int nsegs, i, last;

	if (split_path(path, segs, &nsegs) < 0)
		return err_set(e, ERR_INPUT,
			       "%s:%d:%d: expected a path like workloads.web.replicas, got \"%s\"",
			       value->mark.file, value->mark.line, value->mark.col, path);
	if (d->nroots == 0) {
		struct ymark m = { d->file, 1, 1 };
		d->roots = arena_alloc(&d->arena, sizeof(*d->roots));
		d->roots[0] = new_node(d, YN_MAP, m);
		d->nroots = 1;
	}
	slot = &d->roots[0];
	for (i = 0; i < nsegs; i = last + 1) {
		struct ynode *node = *slot;
		char seg[1024];
		size_t len = strlen(shown);
		long k;

		if (node->kind == YN_SCALAR && ynode_is_null(node))
			node = new_node(d, YN_MAP, node->mark);
		if (node->kind == YN_SCALAR)
			return err_set(e, ERR_INPUT,
				       "%s:%d:%d: %s: expected a map or list to set \"%s\" in, "
				       "got \"%s\"",
				       value->mark.file, value->mark.line, value->mark.col, shown,
				       path, node->str);
		node = copy_shallow(d, node);
		*slot = node;
		k = find_greedy(node, segs, i, nsegs, &last);
		join_segs(segs, i, last, seg, sizeof(seg));
		if (node->kind == YN_SEQ) {
			if (k < 0 && all_digits(seg, strlen(seg)) && (size_t)atol(seg) < node->n)
				k = atol(seg);
			append3(shown, sizeof(shown), "[", seg, "]");
			if (k < 0) {
				shown[len] = '\0';
				return no_such_item(node, shown, seg, value, e);
			}
		} else {
			append3(shown, sizeof(shown), len ? "." : "", seg, "");
			if (k < 0) {
				k = (long)node->n++;
				node->keys[k] = new_node(d, YN_SCALAR, value->mark);
				node->keys[k]->str = arena_strdup(&d->arena, seg);
				node->vals[k] = new_node(d, YN_MAP, value->mark);
			}
		}
		slot = &node->vals[k];
	}
	*slot = value;
	return 0;
}

/* ---- flow text ----------------------------------------------------------- */

struct sbuf {
	char *s;
	size_t n, cap;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	GROW(b->s, b->n + n + 1, b->cap);
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* Whether text reads back as the same plain scalar inside a flow collection. */
static int plain_safe(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || s[0] == ' ' || s[n - 1] == ' ' || s[n - 1] == ':')
		return 0;
	if (strchr("?:,[]{}#&*!|>'\"%@`", s[0]))
		return 0;
	if (s[0] == '-' && (n == 1 || s[1] == ' ' || s[1] == '-'))
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || strchr(",[]{}", c))
			return 0;
		if (c == ':' && s[i + 1] == ' ')
			return 0;
		/* libyaml ends a plain scalar in flow context at ':' before a
		 * flow indicator or '?': "a:?" would not read back (fuzz finding). */
		if (c == ':' && s[i + 1] && strchr(",?[]{}", s[i + 1]))
			return 0;
		if (c == '#' && s[i - 1] == ' ')
			return 0;
	}
	return 1;
}

static void flow_scalar(struct sbuf *b, const struct ynode *n)
{
	const char *p;

	if (!n->quoted && plain_safe(n->str)) {
		sb_str(b, n->str);
		return;
	}
	sb_str(b, "\"");
	for (p = n->str; *p; p++) {
		unsigned char c = (unsigned char)*p;
		char esc[8];
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			sb_add(b, esc, 2);
		} else if (c == '\n') {
			sb_str(b, "\\n");
		} else if (c == '\t') {
			sb_str(b, "\\t");
		} else if (c < 0x20 || c == 0x7f) {
			snprintf(esc, sizeof(esc), "\\x%02x", c);
			sb_str(b, esc);
		} else {
			sb_add(b, (const char *)p, 1);
		}
	}
	sb_str(b, "\"");
}

static void flow(struct sbuf *b, const struct ynode *n)
{
	size_t i;

	if (n->kind == YN_SCALAR) {
		flow_scalar(b, n);
		return;
	}
	sb_str(b, n->kind == YN_MAP ? "{" : "[");
	for (i = 0; i < n->n; i++) {
		if (i)
			sb_str(b, ", ");
		if (n->kind == YN_MAP) {
			flow_scalar(b, n->keys[i]);
			sb_str(b, ": ");
		}
		flow(b, n->vals[i]);
	}
	sb_str(b, n->kind == YN_MAP ? "}" : "]");
}

char *ynode_to_flow(struct arena *a, const struct ynode *n)
{
	struct sbuf b = { NULL, 0, 0 };
	char *out;

	sb_str(&b, "");
	if (n)
		flow(&b, n);
	out = arena_strdup(a, b.s);
	free(b.s);
	return out;
}
