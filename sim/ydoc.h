/*
 * ydoc.h -- a YAML document as a small tree with source positions.
 *
 * Owns: every node and string of a document, in one arena.
 *
 * libyaml's event parser builds the tree; the scenario, sweep, catalog and
 * manifest loaders then walk it, so every error can name file:line:col
 * (1-based; libyaml's marks are 0-based). Overrides (`--set`, sweep
 * parameters) edit the tree before the loader reads it, so an override and
 * a value written in the file are validated by the same code.
 *
 * Hostile input is refused, not followed: aliases are expanded by copying
 * but the total node count of a document is capped (YDOC_MAX_NODES, the
 * billion-laughs defence) and so is its text (YDOC_MAX_TEXT, the same
 * defence with long strings), nesting depth is capped (YDOC_MAX_DEPTH), and a
 * file larger than YDOC_MAX_BYTES is refused. Multi-document streams are
 * kept as a list of roots (manifests use them); scenario files take one.
 * Map keys must be scalars; duplicate keys are an error.
 */
#ifndef CLUSTERSIM_YDOC_H
#define CLUSTERSIM_YDOC_H

#include <stddef.h>
#include "base.h"

#define YDOC_MAX_NODES 1000000
#define YDOC_MAX_DEPTH 64
#define YDOC_MAX_BYTES (64u << 20)
/* Scalar text of a document, an alias counting its anchor's text each time
 * it is used: only aliases can reach it (the file is at most 64 MiB). */
#define YDOC_MAX_TEXT (256u << 20)

enum ynode_kind { YN_SCALAR, YN_MAP, YN_SEQ };

struct ymark {
	const char *file; /* as given to the loader; "--set" for overrides */
	int line, col;    /* 1-based */
};

struct ynode {
	enum ynode_kind kind;
	struct ymark mark;
	const char *str; /* scalar text (YN_SCALAR) */
	int quoted;      /* scalar was quoted: "1" stays a string */
	size_t n;        /* map pairs or sequence items */
	struct ynode **keys; /* YN_MAP: scalar key nodes */
	struct ynode **vals; /* YN_MAP values, YN_SEQ items */
};

struct ydoc {
	struct arena arena;
	const char *file;
	const char *src;      /* the bytes read (NUL-terminated copy), for hashes */
	size_t srclen;
	struct ynode **roots; /* one per YAML document in the stream */
	size_t nroots;
	size_t nodes;         /* total nodes, for the cap */
};

/*
 * Loads a file; a missing or unreadable file is ERR_INPUT with its name.
 * d need not be initialised; on error it is left released (safe to
 * release again). Cost: O(bytes + nodes); aliases are shared, not copied.
 */
int ydoc_load_file(struct ydoc *d, const char *path, struct err *e);
/* Loads from memory; name is used in marks. Same contract. */
int ydoc_load_string(struct ydoc *d, const char *name, const char *text, size_t len,
		     struct err *e);
void ydoc_release(struct ydoc *d);
/* The single root of a one-document file (NULL for an empty file). */
struct ynode *ydoc_root(const struct ydoc *d);

/* A plain scalar that YAML reads as null: "", "~", "null", "Null", "NULL".
 * The loaders treat a null value like an absent key (as Kubernetes does). */
int ynode_is_null(const struct ynode *n);

/* Map lookup by key; NULL when absent or when map is not a map. O(n). */
struct ynode *ynode_get(const struct ynode *map, const char *key);
/* Sequence item of a list of maps whose `name` is name; NULL when absent. */
struct ynode *ynode_find_named(const struct ynode *seq, const char *name);
/* Deep copy of a node into d's arena (for sweep values). */
struct ynode *ynode_copy(struct ydoc *d, const struct ynode *n);
/* A new scalar node in d's arena. */
struct ynode *ynode_scalar(struct ydoc *d, const char *text, struct ymark mark);

/*
 * Parses text as a YAML value (a scalar, or a flow sequence/map like
 * "[a, b]" or "{cpu: 1}") into d's arena, marked with the given mark.
 */
int ydoc_parse_value(struct ydoc *d, const char *text, struct ymark mark,
		     struct ynode **out, struct err *e);

/*
 * Sets the value at a dotted path ("node_groups.workers.count",
 * "workloads.user-server.limits.memory"): map keys by name, list items by
 * their `name` field. Intermediate maps that are absent are created; a list
 * item that is absent is an error ("no node group named 'x'" style message
 * naming the path and the names that exist). The value node replaces the
 * old one (the old mark is lost: errors then point at the override).
 *
 * Path syntax: segments separated by '.'; a segment in brackets is taken
 * literally ("labels[node.kubernetes.io/role]", "workloads[web]"); names
 * that contain dots ("t3.medium") are matched greedily against the keys and
 * item names that exist; a list item without a `name` is addressed by its
 * 0-based index ("traffic.0.rate.rps"). Nodes along the path are copied
 * before they change (path copying), so nodes shared by aliases, or a tree
 * saved by the caller (old root pointer), are never modified: a sweep can
 * apply a point's overrides and restore d->roots[0] afterwards.
 * Errors are ERR_INPUT marked with value->mark. O(path length x map size).
 */
int ydoc_set_path(struct ydoc *d, const char *path, struct ynode *value, struct err *e);

/*
 * Serialises a node as one line of YAML flow text that ydoc_parse_value
 * reads back to an equal tree ("3", "t3.medium", "[a, b]", "{cpu: 1}").
 * Returned string is in arena a.
 */
char *ynode_to_flow(struct arena *a, const struct ynode *n);

#endif
