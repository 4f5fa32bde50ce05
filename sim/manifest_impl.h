/*
 * manifest_impl.h -- what manifest.c, manifest_pod.c and manifest_merge.c
 * share: a reader that walks a Kubernetes object with error paths like
 * "Deployment web: spec.template.spec.containers[app]", typed getters that
 * validate as they read, and builders of the scenario-form ynode maps.
 * Not a public interface.
 *
 * Getters return 0 or ERR_INPUT (message in r->c.e); an absent or null key
 * is not an error unless the getter says "required". Built nodes live in
 * m->arena and keep the mark of the manifest node they came from.
 */
#ifndef CLUSTERSIM_MANIFEST_IMPL_H
#define CLUSTERSIM_MANIFEST_IMPL_H

#include "manifest.h"

#define MF_LIM_LIST 1000     /* tolerations, terms, expressions (docs/limits.md) */
#define MF_LIM_REPLICAS 100000
#define MF_LIM_GRACE 86400   /* s, the workload table's termination_grace max */
#define MF_PRIORITY_MIN (-2147483647 - 1)
#define MF_PRIORITY_MAX 2000001000 /* system-node-critical */

struct mreader {
	struct manifest_set *m;
	struct schema_ctx c;  /* arena: m->arena; path: "Kind name: field.path" */
	size_t objlen;        /* length of "Kind name" in c.path */
	int warned_ns;        /* namespaces of affinity terms warned for this object */
};

/* ---- paths -------------------------------------------------------------- */

/* Starts the path of a new object: "Kind name" (or "Kind" before a name). */
void mr_object(struct mreader *r, const char *kind, const char *name);
/* Pushes ": key" after the object prefix, ".key" elsewhere. */
size_t mr_key(struct mreader *r, const char *key);
/* Pushes "[name]" for an item with a scalar `name`, else "[i]". */
size_t mr_item(struct mreader *r, const struct ynode *item, size_t i);
void mr_pop(struct mreader *r, size_t old);

/* A warning "FILE:L:C: PATH: message" kept in the set. */
void mr_warn(struct mreader *r, const struct ynode *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A warning without position. */
void mf_warn(struct manifest_set *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- getters ------------------------------------------------------------- */

/* map[key] unless absent or null. */
const struct ynode *mr_opt(const struct ynode *map, const char *key);
/* map[key] of the kind wanted (YN_MAP, YN_SEQ); *out NULL when absent. */
int mr_get(struct mreader *r, const struct ynode *map, const char *key, enum ynode_kind kind,
	   int required, const struct ynode **out);
/* A scalar string; required: also non-empty. */
int mr_str(struct mreader *r, const struct ynode *map, const char *key, int required,
	   const struct ynode **out);
/* An integer in [min, max]; *at NULL when absent (v untouched). */
int mr_int(struct mreader *r, const struct ynode *map, const char *key, int64_t min,
	   int64_t max, int required, int64_t *v, const struct ynode **at);
/* One of names (NULL-terminated); *out NULL when absent. */
int mr_enum(struct mreader *r, const struct ynode *map, const char *key,
	    const char *const *names, int required, const struct ynode **out);
/* A map of Kubernetes labels (keys and values validated). */
int mr_labels(struct mreader *r, const struct ynode *map, const char *key,
	      const struct ynode **out);
/* "expected ..., got" at map[key] (or at where when absent). */
int mr_expect(struct mreader *r, const struct ynode *map, const struct ynode *where,
	      const char *key, const char *what);

/* ---- builders ------------------------------------------------------------ */

struct ynode *mb_map(struct manifest_set *m, struct ymark mark);
struct ynode *mb_seq(struct manifest_set *m, struct ymark mark);
struct ynode *mb_scalar(struct manifest_set *m, struct ymark mark, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Appends val to a map under key (coll YN_MAP) or to a list (key NULL). */
void mb_add(struct manifest_set *m, struct ynode *coll, const char *key, struct ynode *val);

/* ---- pod templates (manifest_pod.c) ---------------------------------------- */

/* What a pod template gives, in scenario form (NULL: absent). */
struct mpod {
	const struct ynode *labels;      /* metadata.labels, validated */
	struct ynode *requests, *limits; /* {cpu, memory} maps */
	int64_t req_cpu, lim_cpu;        /* millicores, -1 absent */
	int64_t req_memory, lim_memory;  /* bytes, -1 absent */
	struct ynode *node_selector, *tolerations, *affinity, *spread, *grace;
	const struct ynode *priority;    /* spec.priority, validated */
	const struct ynode *priority_class; /* spec.priorityClassName */
	int ports;                       /* containers declare ports */
};

/*
 * Reads a pod spec (r's path at "spec" or "spec.template.spec") whose pod
 * labels are labels (validated map or NULL).
 */
int mpod_read(struct mreader *r, const struct ynode *spec, const struct ynode *labels,
	      struct mpod *p);

/* pod spec affinity -> p->affinity; topologySpreadConstraints -> p->spread
 * (p->labels set: matchLabelKeys look values up there). */
int maff_affinity(struct mreader *r, const struct ynode *spec, struct mpod *p);
int maff_spread(struct mreader *r, const struct ynode *spec, struct mpod *p);

/* ---- objects (manifest.c, manifest_hpa.c) ------------------------------------- */

/* A kind of workload object and what the simulator makes of it. */
struct wl_kind {
	const char *kind;
	const char *sim_kind; /* the scenario's kind */
	int has_replicas;     /* spec.replicas, default 1 */
	int bare;             /* a Pod: the object's spec is the pod spec */
	int scalable;         /* has a scale subresource (an HPA may target it) */
};

/* A workload waiting for its HPA and priority class. */
struct mwl {
	struct mpod pod;
	const struct wl_kind *k;
	const struct ynode *obj, *replicas_at;
	struct ynode *hpa;   /* built hpa map of the HPA scaling it */
	const char *hpa_at;  /* "file:line:col" of that HPA */
};

/* An HPA waiting for its target. */
struct mhpa {
	const char *name;
	const struct ynode *kind_at, *name_at; /* spec.scaleTargetRef.kind, .name */
	struct ynode *spec;  /* {min, max, target_cpu_utilization}, NULL: not simulated */
};

/* A PriorityClass of the manifests. */
struct mclass {
	const char *name;
	const struct ynode *value;
	int global_default;
};

/* A kind not simulated, with its count. */
struct mkind {
	const char *kind;
	int n;
};

/* Objects waiting for cross-references, until manifest_read returns. */
struct manifest_pending {
	struct mwl *wl; /* parallel to m->w */
	int capwl;
	struct mhpa *hpa;
	int nhpa, caphpa;
	struct mclass *cls;
	int ncls, capcls;
	const struct ynode **svc; /* Services' spec.selector */
	int nsvc, capsvc;
	struct mkind *ign;        /* kinds not simulated, first seen first */
	int nign, capign;
	const char **ns;          /* namespaces of workloads */
	int nns, capns;
};

/* metadata.name (required, a Kubernetes name) and metadata.namespace
 * ("default" when absent; ns may be NULL); leaves r's path at "Kind name". */
int mf_read_meta(struct mreader *r, const struct ynode *obj, const char *kind,
		 const struct ynode **meta, const struct ynode **name, const char **ns);
/* The workload kind row of a manifest kind, or NULL. */
const struct wl_kind *mf_wl_kind(const char *kind);
/* Reads an HPA object into m->pending. */
int mhpa_read(struct mreader *r, const struct ynode *obj, const void *arg);
/* Attaches a read HPA to its target workload (after every file is read). */
int mhpa_resolve(struct mreader *r, const struct mhpa *h);

#endif
