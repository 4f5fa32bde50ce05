/*
 * sched_impl.h -- internals shared by sched.c (framework), sched_queue.c
 * (scheduling queue) and sched_plugins.c (the plugins); not for other
 * modules.
 */
#ifndef CLUSTERSIM_SCHED_IMPL_H
#define CLUSTERSIM_SCHED_IMPL_H

#include "sched.h"

#define MAX_NODE_SCORE 100

/* Filter plugins, in the order of kube's default profile. */
enum filter_id {
	F_NODE_UNSCHEDULABLE,
	F_TAINT_TOLERATION,
	F_NODE_AFFINITY,
	F_NODE_RESOURCES_FIT,
	F_POD_TOPOLOGY_SPREAD,
	F_INTER_POD_AFFINITY,
	F_N
};

/* Filter failure reasons; the text is kube's (see reason_text). */
enum reason {
	R_UNSCHEDULABLE,
	R_TAINT,          /* "node(s) had untolerated taint {key: value}" */
	R_NODE_AFFINITY,
	R_TOO_MANY_PODS,
	R_CPU,
	R_MEMORY,
	R_SPREAD,
	R_SPREAD_LABEL,
	R_AFFINITY,
	R_ANTI_AFFINITY,
	R_EXISTING_ANTI,
	R_PREFILTER_NODE_AFFINITY, /* nodes outside a DaemonSet pod's PreFilterResult */
};

/* Why one node failed: the plugin and its reasons. */
struct sched_fail {
	uint8_t plugin;   /* enum filter_id */
	uint8_t code;     /* SCHED_UNSCHEDULABLE or SCHED_UNRESOLVABLE */
	uint8_t nreason;
	uint8_t reason[3];
	const struct taint *taint; /* R_TAINT */
};

/* Per pod id: where the pod waits. */
struct sched_state {
	int queue;        /* enum sched_queue */
	int hpos;         /* index in its heap */
	int prev, next;   /* unschedulable pool links (pod ids, -1) */
	int attempts;
	double ts;        /* s: entered the queue or last failed */
	double expiry;    /* s: end of the backoff */
	uint64_t seq;
	unsigned rejectors; /* bits of enum filter_id */
};

/* A growable scratch array. */
struct sbuf {
	void *p;
	size_t cap; /* bytes */
};

void *sbuf_zero(struct sbuf *b, size_t bytes);
void *sbuf_get(struct sbuf *b, size_t bytes);

/* One spread constraint as a cycle sees it. */
struct spread_c {
	const struct cluster_spread *sc;
	int hostname;     /* the key is kubernetes.io/hostname */
	int self;         /* the pod matches the constraint's selector */
	const int32_t *row; /* the key's live counts of the constraint's class */
	int32_t min;      /* filter: global minimum, 0 when domains < minDomains */
	int32_t *cnt;     /* filter: per domain, or NULL: the domain's live count */
	uint8_t *present; /* score: domain among filtered nodes ([ndom] = missing label) */
	int64_t *pair;    /* score: matching pods per domain */
	int size;         /* score: #domains among filtered nodes */
	double weight;    /* score: log(size + 2) */
};

struct sched_cycle {
	struct sched *s;
	struct cluster *c;
	struct pod *pod;
	const struct workload *wl;
	const struct cluster_wl *wi;
	int filters[F_N], nfilters; /* active after PreFilter */

	/* PodTopologySpread */
	struct spread_c *sf, *ss;  /* filter / score constraints */
	int nsf, nss, cap_spread;
	struct sbuf *sf_buf, *ss_buf; /* 3 per constraint slot */
	struct cluster_spread defaults[2];
	int require_all;
	uint8_t *ignored;          /* score: per scored node */

	/* InterPodAffinity: (key, "all" counts row) per required term */
	struct krow {
		int key;
		const int32_t *row;
	} *aff, *anti, *exist;
	int naff, nanti, nexist;
	int aff_any;               /* some existing pod matches all required terms */
	int64_t **tscore;          /* per key: per domain score, NULL when unused */
	int64_t **tzero;           /* per key: tscore's array, all 0 between cycles */
	int *tzero_n;              /* per key: domains tzero has room for */
	struct tdom {
		int key, d;
	} *touched;                /* the entries of tzero this cycle made non-zero */
	int ntouched, cap_touched;
	int *used_keys, nused;

	/* framework scratch */
	struct node **feasible;
	struct node **failed;
	struct sched_fail *fails;
	int64_t *score[PLUGIN_NSCORE];
	int64_t *total;
	int cap_nodes;
};

struct filter_ops {
	const char *name;
	unsigned events;  /* bits of enum sched_event that may undo a rejection */
	/* 0: nothing to check for this pod (Skip). */
	int (*prefilter)(struct sched_cycle *cy);
	int (*filter)(struct sched_cycle *cy, const struct node *n, struct sched_fail *f);
};

struct score_ops {
	/* 0: Skip. nodes are the feasible nodes. */
	int (*prescore)(struct sched_cycle *cy, struct node *const *nodes, int n);
	/* Raw scores of the nodes into out. */
	void (*score)(struct sched_cycle *cy, struct node *const *nodes, int n, int64_t *out);
	void (*normalize)(struct sched_cycle *cy, struct node *const *nodes, int64_t *s, int n);
};

extern const struct filter_ops sched_filter_ops[F_N];
extern const struct score_ops sched_score_ops[PLUGIN_NSCORE];

/* sched_plugins.c */
void sched_cycle_init(struct sched_cycle *cy, struct sched *s);
void sched_cycle_release(struct sched_cycle *cy);
void sched_cycle_begin(struct sched_cycle *cy, struct pod *p);
int sched_tolerates(const struct workload *w, const struct taint *t);
const char *sched_reason_text(int reason);

/* sched_queue.c */
struct sched_state *sched_st(struct sched *s, const struct pod *p);
void sched_queue_release(struct sched *s);
void sched_push_active(struct sched *s, int id);
int sched_pop_active(struct sched *s);
void sched_requeue_failed(struct sched *s, struct pod *p, unsigned rejectors, double t);
void sched_flush(struct sched *s, double t);
void sched_move_pool(struct sched *s, unsigned plugins, const struct pod *ev, int ev_kind,
		     double t);

/* ---- shared by the plugin files ------------------------------------------ */

static inline void sched_fail1(struct sched_fail *f, int plugin, int code, int reason)
{
	f->plugin = (uint8_t)plugin;
	f->code = (uint8_t)code;
	f->nreason = 1;
	f->reason[0] = (uint8_t)reason;
	f->taint = NULL;
}

/* Counts of class cls over the domains of key k, "live" (spread) or "all"
 * (affinity); NULL while the key has no domain (no node can index it). */
static inline const int32_t *sched_live_row(const struct cluster *c, int k, int cls)
{
	return c->keys[k].live ? c->keys[k].live[cls] : NULL;
}

static inline const int32_t *sched_all_row(const struct cluster *c, int k, int cls)
{
	return c->keys[k].all ? c->keys[k].all[cls] : NULL;
}

/* A Score over all nodes from a per-node function the compiler inlines. */
#define SCORE_ALL(fn)                                                                       \
	static void fn##_all(struct sched_cycle *cy, struct node *const *nodes, int n,      \
			     int64_t *out)                                                  \
	{                                                                                   \
		for (int i = 0; i < n; i++)                                                 \
			out[i] = fn(cy, nodes[i], i);                                       \
	}

/* sched_spread.c: PodTopologySpread */
int sched_spread_prefilter(struct sched_cycle *cy);
int sched_spread_filter(struct sched_cycle *cy, const struct node *n, struct sched_fail *f);
int sched_spread_prescore(struct sched_cycle *cy, struct node *const *nodes, int n);
void sched_spread_score(struct sched_cycle *cy, struct node *const *nodes, int n, int64_t *out);
void sched_spread_normalize(struct sched_cycle *cy, struct node *const *nodes, int64_t *s, int n);

/* sched_interpod.c: InterPodAffinity */
int sched_interpod_prefilter(struct sched_cycle *cy);
int sched_interpod_filter(struct sched_cycle *cy, const struct node *n, struct sched_fail *f);
int sched_interpod_prescore(struct sched_cycle *cy, struct node *const *nodes, int n);
void sched_interpod_score(struct sched_cycle *cy, struct node *const *nodes, int n, int64_t *out);
void sched_interpod_normalize(struct sched_cycle *cy, struct node *const *nodes, int64_t *s,
			      int n);

#endif
