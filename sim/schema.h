/*
 * schema.h -- reading YAML trees into C structs, driven by key tables.
 *
 * Every key of a scenario (and of catalogs and sweeps) is declared once, in
 * a `struct schema_key` row: name, type, where it goes in the struct, its
 * default (as YAML text, parsed by the same code as a written value), its
 * range, unit and one-line help. schema_read() walks a map in document
 * order with such a table: it refuses unknown keys (with "did you mean"),
 * parses and range-checks every value, applies defaults, reports missing
 * required keys, then runs the table's check hook for cross-field rules.
 * schema_markdown() prints the same tables as the reference docs, so the
 * docs cannot drift from the parser.
 *
 * Errors follow base.h, ERR_INPUT with one message, the first found:
 *   FILE:LINE:COL: PATH: expected WHAT, got "TEXT"
 *   FILE:LINE:COL: PATH: unknown key "replica" (did you mean "replicas"?)
 *   FILE:LINE:COL: PATH: missing required key "name"   (mark of the map)
 * PATH is dotted with list items by name in brackets
 * ("workloads[web].limits.memory"); unnamed items by 0-based index.
 *
 * Storage: strings and arrays go to the context's arena; the tree is only
 * read. Cost: O(nodes x keys per table) -- tables are short.
 */
#ifndef CLUSTERSIM_SCHEMA_H
#define CLUSTERSIM_SCHEMA_H

#include <stddef.h>
#include <stdio.h>
#include "base.h"
#include "ydoc.h"

enum schema_type {
	ST_STRING,   /* const char *; any scalar */
	ST_NAME,     /* const char *; letters, digits, '-', '_', '.' */
	ST_INT,      /* int (int64_t with SF_INT64) */
	ST_BOOL,     /* int 0/1 */
	ST_NUMBER,   /* double */
	ST_CPU,      /* int64_t millicores */
	ST_MEMORY,   /* int64_t bytes */
	ST_DURATION, /* double seconds */
	ST_PRICE,    /* double USD per hour */
	ST_PERCENT,  /* int percent; "80" or "80%" */
	ST_ENUM,     /* int, from names */
	ST_LABELS,   /* struct labels (scenario.h) */
	ST_STRINGS,  /* const char ** at off, int count at off_n */
	ST_MAP,      /* sub table, object at obj + off */
	ST_LIST,     /* items of sub table: T * at off, int count at off_n */
	ST_VARIANT,  /* map whose discriminator key picks the table */
	ST_CUSTOM,   /* parsed by fn */
};

enum {
	SF_REQUIRED = 1 << 0,
	SF_ABSENT_NEG1 = 1 << 1, /* absent and no default: store -1 */
	SF_INT64 = 1 << 2,       /* ST_INT stored as int64_t */
	SF_MIN = 1 << 3,         /* min applies */
	SF_MAX = 1 << 4,         /* max applies (lists: max items) */
	SF_MIN_EXCL = 1 << 5,    /* value must be greater than min */
	SF_SIGNED = 1 << 6,      /* ST_INT may be negative */
	SF_DEFERRED = 1 << 7,    /* known key, read by the table's check hook */
	SF_NONEMPTY = 1 << 8,    /* lists: at least one item */
};

struct schema_ctx;
struct schema_key;
struct schema_table;

struct schema_enum {
	const char *name;
	int value;
};

struct schema_variant_case {
	const char *name;
	int value;
	const struct schema_table *table;
};

struct schema_variant {
	const char *key;  /* the discriminator ("dist", "shape") */
	size_t kind_off;  /* int in the object */
	const struct schema_variant_case *cases;
	int ncases;
};

typedef int (*schema_custom_fn)(struct schema_ctx *c, const struct ynode *n, void *obj,
				const struct schema_key *k);

struct schema_key {
	const char *name;
	enum schema_type type;
	size_t off, off_n;
	int flags;
	double min, max;          /* in the stored unit (millicores, bytes, s) */
	const char *def;          /* default as YAML text, NULL: none */
	const char *defdoc;       /* default as shown in docs when derived */
	const char *help;
	const struct schema_enum *names;       /* ST_ENUM, ends with {NULL} */
	const struct schema_table *sub;        /* ST_MAP, ST_LIST */
	const struct schema_variant *variant;  /* ST_VARIANT */
	schema_custom_fn custom;               /* ST_CUSTOM */
	const char *what;         /* ST_CUSTOM: "a taint like k=v:NoSchedule" */
};

struct schema_table {
	const char *name; /* for docs and anchors: "node group" */
	const char *doc;  /* a paragraph for the docs, or NULL */
	const struct schema_key *keys;
	int nkeys;
	size_t item_size; /* lists of this table */
	/* Cross-field rules and derived defaults, after all keys; map is NULL
	 * when the map is absent (where: the mark to blame then). */
	int (*check)(struct schema_ctx *c, void *obj, const struct ynode *map,
		     const struct ynode *where);
};

struct schema_ctx {
	struct arena *arena; /* receives strings and arrays */
	struct ydoc *doc;    /* for parsing structured defaults */
	struct err *e;
	void *user;          /* the caller's loader state */
	char path[1024];
	size_t pathlen;
};

void schema_ctx_init(struct schema_ctx *c, struct arena *a, struct ydoc *doc, struct err *e,
		     void *user);

/* Reads map (NULL: absent, defaults only) into obj with table t. where is
 * the node to blame for missing keys when map is NULL. */
int schema_read(struct schema_ctx *c, const struct schema_table *t, const struct ynode *map,
		void *obj, const struct ynode *where);
/* Reads one value (NULL: absent) of key k into obj (the struct of k's table). */
int schema_read_key(struct schema_ctx *c, const struct schema_key *k, const struct ynode *n,
		    void *obj, const struct ynode *where);

/* Path bookkeeping: push a key ("a" or ".a") or an item ("[web]"); pop
 * restores the length returned by push. */
size_t schema_push_key(struct schema_ctx *c, const char *key);
size_t schema_push_item(struct schema_ctx *c, const char *name);
void schema_pop(struct schema_ctx *c, size_t len);

/* "FILE:L:C: PATH: expected WHAT, got "TEXT"" at node n. */
int schema_expect(struct schema_ctx *c, const struct ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Same for key `key` of map (its value's mark; where's when absent). */
int schema_expect_key(struct schema_ctx *c, const struct ynode *map, const struct ynode *where,
		      const char *key, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Same for map.key1.key2 (key2 may be NULL): for cross-field rules. */
int schema_expect_at(struct schema_ctx *c, const struct ynode *map, const struct ynode *where,
		     const char *key1, const char *key2, const char *what);
/* "FILE:L:C: PATH: MESSAGE" at node n. */
int schema_fail(struct schema_ctx *c, const struct ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The candidate closest to word (edit distance <= 2, or word a prefix of
 * it); NULL when none is close. */
const char *schema_suggest(const char *word, const char *const *cands, int n);

/* Label syntax of Kubernetes (keys: [prefix/]name; values <= 63 chars). */
int schema_label_key_ok(const char *s);
int schema_label_value_ok(const char *s);

/* Prints the tables reachable from t as markdown sections (each table
 * once). */
void schema_markdown(FILE *out, const struct schema_table *t);

#endif
