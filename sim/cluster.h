/*
 * cluster.h -- the cluster as the scheduler and the models see it: nodes,
 * pods, which pod is bound where, and the indexes the scheduler's plugins
 * query.
 *
 * Owns: every struct node and struct pod (they live until cluster_release,
 * even after removal or deletion, so pointers held by the run, the models
 * and the results stay valid), their names and label arrays. Does not own
 * the workloads and node groups it was built from (the scenario does; they
 * must outlive the cluster), nor what the `model` pointers point at.
 *
 * Nodes. A node comes from a node group and a 1-based index and is named
 * "<group>-<index>". Its labels are the group's, plus
 * kubernetes.io/hostname=<name>, node.kubernetes.io/instance-type=<type>
 * and, when the group lists zones, topology.kubernetes.io/zone (zones are
 * assigned round-robin over the index), and kubernetes.io/os=linux and
 * kubernetes.io/arch=amd64 unless the group's labels say otherwise. Allocatable = capacity - reserved.
 * A node that is not Ready carries the taint
 * node.kubernetes.io/not-ready:NoSchedule, as the node lifecycle
 * controller's TaintNodesByCondition does, so the scheduler needs no
 * special case for it.
 *
 * Pods. A pod belongs to a workload (its template): labels, tolerations,
 * affinity and spread constraints are the workload's. Requests are the
 * effective ones after API defaulting (a limit without a request becomes
 * the request); a value that is still absent stays -1 and is counted as
 * 0 for fit and as 100m / 200Mi ("non-zero requests",
 * pkg/scheduler/util/pod_resources.go) for the resource scores. Deployment
 * pods are named "<workload>-<k>" (k = 1, 2, ... per workload), DaemonSet
 * pods "<workload>-<node>" and are pinned to that node.
 *
 * Phases: Pending -> Scheduled (bound, container being created) -> Running
 * -> Terminating -> Deleted. Only the transitions that change indexes go
 * through functions (bind, terminate, delete); the rest (Running, ready,
 * started_t, ready_t, restarts, oom_kills) are plain fields the run sets.
 *
 * Indexes. Pods of one workload have identical labels, so every label
 * selector a workload uses (affinity terms, spread constraints, its own
 * identity) reduces to a set of workloads, a "class", computed once at
 * cluster_init. For every topology key any workload uses (plus hostname
 * and zone, for the default spread constraints) the cluster keeps one
 * domain per label value and, per class and domain, the number of bound pods
 * ("all", as InterPodAffinity counts them) and of bound pods that are not
 * terminating ("live", as PodTopologySpread counts them). A plugin's
 * question "how many pods matching S are in the zone of node n" is then
 * one array read; per class, the domains where "all" is positive are also
 * listed (cluster_nz), for the affinity score's walk over them.
 *
 * Cost: add/remove node O(#keys + #labels); add pod O(1); bind, terminate,
 * delete O(#keys x #classes of the pod's workload), all amortised (plus,
 * when a domain's last pod of a class leaves, a search of that class's
 * domain list: O(pods of the class)); a
 * node's pod list is removable in O(1) (the pod stores its index).
 * Memory per domain: 2 x #classes int32 counters (hostname domains: one
 * per node); domains of removed nodes are kept (a value may come back).
 */
#ifndef CLUSTERSIM_CLUSTER_H
#define CLUSTERSIM_CLUSTER_H

#include <stdint.h>
#include "base.h"
#include "scenario.h"

/* Non-zero request defaults used by the resource scores
 * (pkg/scheduler/util/pod_resources.go). */
#define CLUSTER_DEFAULT_MILLI_CPU 100              /* millicores */
#define CLUSTER_DEFAULT_MEMORY (200LL * 1024 * 1024) /* bytes */

#define LABEL_HOSTNAME "kubernetes.io/hostname"
#define LABEL_INSTANCE_TYPE "node.kubernetes.io/instance-type"
#define LABEL_ZONE "topology.kubernetes.io/zone"
#define LABEL_OS "kubernetes.io/os"
#define LABEL_ARCH "kubernetes.io/arch"
#define TAINT_NOT_READY "node.kubernetes.io/not-ready"
#define TAINT_UNSCHEDULABLE "node.kubernetes.io/unschedulable"

/* Topology key indexes always present (see cluster_key). */
enum { CLUSTER_KEY_HOSTNAME = 0, CLUSTER_KEY_ZONE = 1 };

struct pod;

struct node {
	int id;                 /* stable, never reused */
	const char *name;       /* "<group>-<index>" */
	int group;              /* index into the node groups */
	int index;              /* 1-based index within the group */
	const struct node_group *ng;
	const struct instance_type *type;
	const char *zone;       /* NULL when the group has no zones */
	struct labels labels;   /* cluster-owned */
	struct taint *taints;   /* cluster-owned; group taints, then condition taints */
	int ntaints;
	int unschedulable;      /* spec.unschedulable (cordoned) */
	int ready;
	int removed;
	double created_t, ready_t, deleted_t; /* s; NAN when not yet */
	int64_t alloc_cpu;      /* millicores: vcpu * 1000 - reserved */
	int64_t alloc_mem;      /* bytes: memory - reserved */
	int max_pods;
	int64_t req_cpu, req_mem; /* millicores, bytes: sum of bound pods' requests */
	int64_t nz_cpu, nz_mem;   /* same with non-zero defaults (scoring) */
	struct pod **pods;      /* bound pods (including terminating ones) */
	int npods, cap_pods;
	int *dom;               /* per topology key: domain index, or -1 without the label */
	int pos;                /* index in cluster.nodes while present */
	void *model;            /* the CPU / memory model's per-node state */
};

enum pod_phase { POD_PENDING, POD_SCHEDULED, POD_RUNNING, POD_TERMINATING, POD_DELETED };

struct pod {
	int id;                 /* stable, never reused */
	const char *name;
	int workload;           /* index into the workloads */
	const struct workload *wl;
	const struct labels *labels; /* the workload's */
	int64_t req_cpu, req_mem;   /* millicores, bytes; effective requests, -1 absent */
	int64_t lim_cpu, lim_mem;   /* millicores, bytes; -1 absent */
	int64_t cpu_req0, mem_req0; /* requests with absent = 0 (fit, sums) */
	int64_t nz_cpu, nz_mem;     /* requests with absent = 100m / 200Mi (scores) */
	enum qos_class qos;
	int pinned_node;        /* node id for DaemonSet pods, else -1 */
	struct node *node;      /* NULL while pending */
	enum pod_phase phase;
	double created_t, scheduled_t, started_t, ready_t, deleted_t; /* s; NAN when not yet */
	int restarts, oom_kills;
	int node_pos;           /* index in node->pods while bound */
	int ready;              /* beside model: a sample reads this line only */
	void *model;            /* the models' per-pod state */
};

/* A topology domain: the nodes sharing one value of a topology key. */
struct cluster_domain {
	const char *value;
	int nodes;              /* nodes currently carrying this value */
	int live_pos;           /* index in the key's live list, -1 when empty */
};

/*
 * The counters are class-major: live[cls] is one array over the key's
 * domains, because the scheduler asks "pods of class cls in the domain of
 * node n" for one class and every node in turn; a bind touches a few
 * classes of one domain.
 */
/* The domains holding pods of one class, in no order: the inter-pod
 * affinity score visits these instead of every domain (with the hostname
 * key, every node), O(pods of the class) rather than O(nodes) per
 * scheduling decision. A class's pods are few; removal searches. */
struct cluster_nz {
	int *d;
	int n, cap;
};

struct cluster_key {
	const char *key;
	struct cluster_domain *dom;
	int ndom, cap_dom;
	int32_t **live;         /* [nclass][cap_dom]: bound, not terminating */
	int32_t **all;          /* [nclass][cap_dom]: bound */
	int32_t *sum_all;       /* [nclass]: all[cls] summed over the domains */
	struct cluster_nz *nz;  /* [nclass]: the domains where all[cls] > 0 */
	int *map;               /* open addressing value -> domain index, -1 empty */
	int map_cap;
	int *lives;             /* indexes of the domains with nodes > 0 */
	int nlive, cap_live;
	int nodes_with_key;
};

/* A workload's terms, compiled to classes and key indexes. */
struct cluster_term {
	int cls;                /* class of matching pods */
	int key;                /* topology key index */
	int weight;             /* preferred terms; signed in rev */
	int hard;               /* rev: an existing pod's required affinity term */
};

struct cluster_spread {
	int cls, key;
	int max_skew;
	int do_not_schedule;
	int min_domains;
};

struct cluster_wl {
	int ident;              /* class of exactly this workload's pods */
	int *classes;           /* every class containing this workload */
	int nclasses;
	struct cluster_term *aff_req, *anti_req, *aff_pref, *anti_pref;
	int naff_req, nanti_req, naff_pref, nanti_pref;
	int aff_all;            /* class matching all aff_req terms, -1 if none */
	int aff_self;           /* the workload matches all its own aff_req terms */
	/* Required anti-affinity terms of any workload's pods that match this
	 * workload: cls = that workload's identity class. */
	struct cluster_term *existing_anti;
	int nexisting_anti;
	/* Terms of any workload's pods that score this workload (required
	 * affinity with hard = 1, preferred affinity +w, preferred anti -w). */
	struct cluster_term *rev;
	int nrev;
	struct cluster_spread *spread;
	int nspread;
	int has_node_affinity;  /* node_selector or required node affinity */
};

struct cluster {
	struct arena arena;
	const struct workload *wls;
	int nwl;
	const struct node_group *groups;
	int ngroups;
	struct cluster_wl *wi;  /* [nwl] */
	int nclass;
	uint64_t *class_bits;   /* [nclass * class_words]: member workloads */
	int class_words;
	struct cluster_key *keys;
	int nkeys;
	struct node **nodes;    /* present nodes, in no promised order */
	int nnodes, cap_nodes;
	struct node **node_by_id;
	int nnode_ids, cap_node_ids;
	struct pod **pod_by_id;
	int npod_ids, cap_pod_ids;
	int *wl_seq;            /* per workload: last pod number */
	int bound;              /* pods bound to a node */
	int ncordoned;          /* present nodes with unschedulable set */
	int ntainted;           /* present nodes with at least one taint */
	/* Bumped by every change to what a cluster autoscaler simulation
	 * reads: nodes added or removed, Ready, cordoned; pods created, bound,
	 * terminating, unbound. Equal versions: the same cluster. */
	uint64_t version;
};

/*
 * Builds an empty cluster for these workloads and node groups (both must
 * outlive it) and compiles every selector they use into classes.
 * O(#workloads^2 x selector size).
 */
void cluster_init(struct cluster *c, const struct workload *wls, int nwl,
		  const struct node_group *groups, int ngroups);
void cluster_release(struct cluster *c);

/*
 * Adds node <group>-<index> at time t, Ready (ready_t = t). A node that
 * registers before it is Ready: call cluster_node_set_ready(c, n, 0, t) at
 * the same t, which clears ready_t until the node turns Ready.
 */
struct node *cluster_add_node(struct cluster *c, int group, int index, double t);
/* Removes a node that has no bound pods (asserted): deleted_t = t. */
void cluster_remove_node(struct cluster *c, struct node *n, double t);
/* Ready transitions add or drop the not-ready:NoSchedule taint. */
void cluster_node_set_ready(struct cluster *c, struct node *n, int ready, double t);
void cluster_node_set_unschedulable(struct cluster *c, struct node *n, int unschedulable);

/* New pending pod of a Deployment workload at time t. */
struct pod *cluster_add_pod(struct cluster *c, int workload, double t);
/* New pending DaemonSet pod for node n ("<workload>-<node>"), pinned to it. */
struct pod *cluster_add_daemon_pod(struct cluster *c, int workload, const struct node *n, double t);
/* Pending -> Scheduled on n at t; updates sums, pod lists and counts. */
void cluster_bind(struct cluster *c, struct pod *p, struct node *n, double t);
/* Bound -> Terminating: no longer counted by topology spread. */
void cluster_pod_terminate(struct cluster *c, struct pod *p, double t);
/* Any phase -> Deleted at t; unbinds it if bound. */
void cluster_pod_delete(struct cluster *c, struct pod *p, double t);

/* ---- queries --------------------------------------------------------- */

const char *cluster_label(const struct labels *l, const char *key); /* NULL if absent */
int cluster_selector_matches(const struct label_selector *s, const struct labels *l);
int cluster_node_term_matches(const struct node_term *t, const struct labels *l);
/* node_selector and required node affinity of a workload against a node. */
int cluster_node_affinity_matches(const struct workload *w, const struct node *n);
/* Index of a topology key, -1 if no workload uses it. */
int cluster_key(const struct cluster *c, const char *key);
int cluster_class_has(const struct cluster *c, int cls, int workload);

/* Pods of class cls in domain d of key k (terminating ones included or not). */
static inline int32_t cluster_dom_live(const struct cluster *c, int k, int d, int cls)
{
	return c->keys[k].live[cls][d];
}

static inline int32_t cluster_dom_all(const struct cluster *c, int k, int d, int cls)
{
	return c->keys[k].all[cls][d];
}

/* Same for the node itself (its hostname domain). */
static inline int32_t cluster_node_live(const struct cluster *c, const struct node *n, int cls)
{
	return cluster_dom_live(c, CLUSTER_KEY_HOSTNAME, n->dom[CLUSTER_KEY_HOSTNAME], cls);
}

static inline int32_t cluster_node_all(const struct cluster *c, const struct node *n, int cls)
{
	return cluster_dom_all(c, CLUSTER_KEY_HOSTNAME, n->dom[CLUSTER_KEY_HOSTNAME], cls);
}

const char *pod_phase_name(enum pod_phase p);
const char *cluster_qos_name(enum qos_class q);

#endif
