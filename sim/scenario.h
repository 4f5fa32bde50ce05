/*
 * scenario.h -- a scenario as typed, validated values.
 *
 * Owns: everything reachable from struct scenario, in its arena; freed by
 * scenario_release. A scenario is immutable once loaded: runs share it
 * read-only, so a sweep may run many at once.
 *
 * Loading: YAML file -> ydoc tree -> overrides applied to the tree
 * (`--set`, sweep parameters) -> table-driven walk that parses, applies
 * defaults and validates every key (scenario.c declares each key once:
 * name, type, unit, default, range, help) -> references resolved
 * (instance types from the catalog merged with `instance_types`, traffic
 * -> workload). Every error is ERR_INPUT with
 * "file:line:col: dotted.path: expected ..., got ..." and unknown keys get
 * "did you mean".
 *
 * Units in the structs: CPU in millicores (int64, like Kubernetes'
 * MilliValue, so the scheduler's integer formulas are exact), memory in
 * bytes, time in seconds, money in USD, rates in requests per second.
 * A quantity that may be absent (requests, limits) is -1 when absent.
 */
#ifndef CLUSTERSIM_SCENARIO_H
#define CLUSTERSIM_SCENARIO_H

#include <stdint.h>
#include <stdio.h>
#include "base.h"
#include "dist.h"

struct ydoc;
struct ynode;

/* The most nodes a scenario may have (sum of the node groups' max;
 * docs/limits.md says why). */
#define SCENARIO_MAX_NODES 15000

/* ---- labels, selectors, taints ---------------------------------------- */

struct label {
	const char *key, *value;
};

struct labels {
	struct label *v;
	int n;
};

enum sel_op { SEL_IN, SEL_NOT_IN, SEL_EXISTS, SEL_DOES_NOT_EXIST };

struct sel_expr {
	const char *key;
	enum sel_op op;
	const char **values;
	int nvalues;
};

/* A Kubernetes LabelSelector: all match_labels and all expressions must hold. */
struct label_selector {
	struct labels match_labels;
	struct sel_expr *exprs;
	int nexprs;
};

enum taint_effect { EFFECT_NO_SCHEDULE, EFFECT_PREFER_NO_SCHEDULE, EFFECT_NO_EXECUTE };

struct taint {
	const char *key, *value; /* value "" when absent */
	enum taint_effect effect;
};

enum tol_op { TOL_EQUAL, TOL_EXISTS };

struct toleration {
	const char *key;     /* NULL: matches every key (operator Exists) */
	enum tol_op op;
	const char *value;   /* "" when absent */
	int effect;          /* enum taint_effect, or -1 for all effects */
};

/* ---- instance types ---------------------------------------------------- */

enum credit_mode { CREDIT_STANDARD, CREDIT_UNLIMITED };

struct burstable {
	int enabled;
	double baseline;         /* fraction of each vCPU sustainable without credits */
	double credits_per_hour; /* earned; 1 credit = 1 vCPU-minute at 100 % */
	double max_credits;      /* cap of the earned balance */
	double initial_credits;  /* balance of a new node */
	enum credit_mode mode;
	double surplus_price_per_vcpu_hour; /* USD, unlimited mode */
};

struct instance_type {
	const char *name;
	int vcpu;
	int64_t memory;        /* bytes */
	double price_per_hour; /* USD */
	int max_pods;
	double cpu_speed;      /* per-core speed relative to 1.0 */
	int64_t reserved_cpu;  /* millicores */
	int64_t reserved_memory; /* bytes; allocatable = capacity - reserved */
	struct burstable burst;
};

/* ---- cluster, node groups ---------------------------------------------- */

struct node_group {
	const char *name;
	const char *instance_type_name;
	const struct instance_type *type; /* resolved */
	int count, min, max;
	const char **zones;
	int nzones;
	struct labels labels;
	struct taint *taints;
	int ntaints;
	double start_at;  /* s */
	double boot_time; /* s, decision -> Ready */
	int spot;                   /* Spot Instances: interruptions apply (faults.h) */
	double spot_price_per_hour; /* USD; -1 absent: the type's on-demand price */
};

/* ---- workloads ----------------------------------------------------------- */

enum workload_kind { WL_DEPLOYMENT, WL_DAEMONSET };

struct affinity_term {
	struct label_selector selector;
	const char *topology_key;
	int weight; /* preferred terms: 1..100 */
};

struct term_list {
	struct affinity_term *v;
	int n;
};

struct pod_affinity {
	struct term_list required, preferred;
};

/* Node affinity (from manifests and the scenario): OR of terms, each an AND
 * of expressions over node labels. */
struct node_term {
	struct sel_expr *exprs;
	int nexprs;
	int weight; /* preferred terms only */
};

struct node_affinity {
	struct node_term *required; /* OR-ed */
	int nrequired;
	struct node_term *preferred;
	int npreferred;
};

struct spread_constraint {
	int max_skew;
	const char *topology_key;
	int do_not_schedule; /* 1: DoNotSchedule, 0: ScheduleAnyway */
	struct label_selector selector; /* default: the workload's labels */
	int min_domains;     /* 0 when absent */
};

struct hpa_spec {
	int enabled;
	int min, max;
	int target_cpu_utilization; /* percent of the CPU request, like Kubernetes */
};

struct memory_profile {
	int64_t base;            /* bytes */
	int64_t per_inflight;    /* bytes per request in the pod (queued or serving) */
	int64_t growth_per_hour; /* bytes per hour since the container started */
};

struct workload {
	const char *name;
	enum workload_kind kind;
	int replicas;
	struct labels labels;    /* default: app=<name> */
	int64_t req_cpu, req_memory; /* millicores, bytes; -1 absent */
	int64_t lim_cpu, lim_memory; /* millicores, bytes; -1 absent */
	int priority;            /* for eviction ranking; default 0 */
	struct labels node_selector;
	struct toleration *tolerations;
	int ntolerations;
	struct pod_affinity affinity, anti_affinity;
	struct node_affinity node_affinity;
	struct spread_constraint *spread;
	int nspread;
	double startup_pull;     /* s */
	double startup_ready_after; /* s after the container starts */
	int64_t cpu_idle;        /* millicores used with no traffic */
	struct memory_profile mem;
	struct dist request_cpu; /* CPU seconds per request at speed 1.0 */
	int concurrency;         /* requests served at once per pod */
	struct hpa_spec hpa;
	double termination_grace; /* s */
};

/* ---- traffic ------------------------------------------------------------- */

enum rate_shape { RATE_CONSTANT, RATE_DIURNAL, RATE_STEPS, RATE_TRACE };
enum arrival_kind { ARRIVAL_POISSON, ARRIVAL_UNIFORM };
enum routing_kind { ROUTE_ROUND_ROBIN, ROUTE_LEAST_REQUEST, ROUTE_RANDOM };

struct rate_point {
	double t;   /* s */
	double rps;
};

struct rate {
	enum rate_shape shape;
	double rps;                   /* constant */
	double min, max, peak_at, period; /* diurnal: rps, rps, s, s */
	struct rate_point *points;    /* steps (piecewise constant) or trace
	                               * (linear), sorted by t */
	int npoints;
	const char *trace_file;       /* as resolved against the scenario dir */
};

struct traffic {
	const char *workload_name;
	int workload;                 /* index into scenario.workloads */
	struct rate rate;
	enum arrival_kind arrival;
	enum routing_kind routing;
	double timeout;               /* s */
};

/* ---- controllers --------------------------------------------------------- */

enum sched_strategy { STRATEGY_LEAST_ALLOCATED, STRATEGY_MOST_ALLOCATED };

/* Score plugins, in kube-scheduler's names; weights default to
 * pkg/scheduler/apis/config/v1/default_plugins.go. */
enum score_plugin {
	PLUGIN_TAINT_TOLERATION,      /* 3 */
	PLUGIN_NODE_AFFINITY,         /* 2 */
	PLUGIN_NODE_RESOURCES_FIT,    /* 1 */
	PLUGIN_POD_TOPOLOGY_SPREAD,   /* 2 */
	PLUGIN_INTER_POD_AFFINITY,    /* 2 */
	PLUGIN_BALANCED_ALLOCATION,   /* 1 */
	PLUGIN_NSCORE
};

const char *score_plugin_name(enum score_plugin p);

struct scheduler_cfg {
	enum sched_strategy strategy;
	int weights[PLUGIN_NSCORE];
	int default_spread; /* system default topology spread constraints */
};

enum expander_kind { EXPANDER_RANDOM, EXPANDER_LEAST_WASTE, EXPANDER_PRICE, EXPANDER_MOST_PODS };

struct autoscaler_cfg {
	int enabled;
	double scan_interval;                   /* s, 10 */
	enum expander_kind expander;            /* least-waste */
	double scale_down_utilization_threshold; /* 0.5 */
	double scale_down_unneeded_time;        /* s, 600 */
	double scale_down_delay_after_add;      /* s, 600 */
	double max_node_provision_time;         /* s, 900 */
};

/* What pod_samples keeps. NONE is 0 so the old boolean `false` reads as none. */
enum pod_samples_mode {
	POD_SAMPLES_NONE,      /* no rows */
	POD_SAMPLES_POD,       /* one row per pod per sample */
	POD_SAMPLES_AGGREGATE, /* one row per workload per sample: sums over its pods */
	POD_SAMPLES_AUTO,      /* POD up to RECORD_AUTO_PODS pods, AGGREGATE above */
};

struct record_cfg {
	enum pod_samples_mode pod_samples; /* default auto */
	int scores;                        /* default 0 */
	double node_samples_interval;      /* s; 0: sample_interval */
	double pod_samples_interval;       /* s; 0: sample_interval */
};

/* One entry of faults.node_failures or faults.spot_interruptions
 * (faults.h): at a time, or at random with a mean time between failures
 * per node (node failures) or a rate per node-hour (interruptions). */
struct fault_spec {
	const char *group_name;
	int group;          /* resolved node group index */
	double at;          /* s; -1 absent */
	double mtbf;        /* s, node failures; -1 absent */
	double rate;        /* per node-hour, interruptions; -1 absent */
	const char *node;   /* with at: the node's name; NULL: lowest index */
	double notice;      /* s, interruptions: notice before termination */
};

struct faults_cfg {
	struct fault_spec *failures;
	int nfailures;
	struct fault_spec *spot;
	int nspot;
};

struct cluster_cfg {
	double control_plane_price_per_hour; /* USD */
	double load_balancer_price_per_hour; /* USD */
};

/* ---- the scenario ------------------------------------------------------- */

struct scenario {
	struct arena arena;
	const char *file;     /* path as given */
	const char *dir;      /* its directory, for relative paths */
	char sha256[65];      /* hex digest of the scenario and catalog bytes */

	const char *name;
	double duration;        /* s */
	uint64_t seed;
	double sample_interval; /* s */
	double warmup;          /* s */
	const char *catalog;    /* name under models/ */

	struct instance_type *types; /* catalog merged with instance_types */
	int ntypes;
	struct cluster_cfg cluster;
	struct node_group *groups;
	int ngroups;
	struct scheduler_cfg scheduler;
	struct autoscaler_cfg autoscaler;
	struct workload *workloads;
	int nworkloads;
	struct traffic *traffic;
	int ntraffic;
	struct record_cfg record;
	struct faults_cfg faults;

	/* Loader warnings for the command layer to print (manifests: kinds
	 * not simulated, fields ignored); arena strings. */
	const char **warnings;
	int nwarnings;
};

/* One `--set PATH=VALUE` or one sweep parameter value. */
struct override {
	const char *path;
	const char *value; /* YAML text of the value */
	/* Length of path when it is not NUL-terminated: override_parse points
	 * path into its argument ("PATH=VALUE") so nothing is allocated; 0
	 * means strlen(path). */
	int pathlen;
};

/*
 * Loads, overrides, validates. On error returns ERR_INPUT (or ERR_RUN for
 * I/O) with e filled; *sc is then released and safe to release again.
 * models_dir is where catalogs live (NULL: found next to the binary's
 * source tree or install prefix, see paths.h).
 */
int scenario_load(struct scenario *sc, const char *path, const struct override *ovr,
		  int novr, const char *models_dir, struct err *e);
/* Same from an already loaded document (a sweep applies its overrides). */
int scenario_from_doc(struct scenario *sc, struct ydoc *doc, const char *models_dir,
		      struct err *e);
void scenario_release(struct scenario *sc);

/* Lookup helpers; NULL or -1 when absent. */
const struct instance_type *scenario_type(const struct scenario *sc, const char *name);
int scenario_workload_index(const struct scenario *sc, const char *name);

/* Parses "PATH=VALUE" (for --set); ERR_INPUT on a missing '=' or an empty
 * PATH. o->path and o->value point into arg (see pathlen): arg must
 * outlive o. Overrides are marked "--set:1:COL" with COL the column of the
 * value in arg, so an error in a value points at it. */
int override_parse(const char *arg, struct override *o, struct err *e);

/* Loads a catalog file (models/<name>.yaml) into types (arena-owned),
 * with instance_type_defaults applied. On error nothing is left to free
 * but what is in a. */
int catalog_load(struct arena *a, const char *path, struct instance_type **types,
		 int *ntypes, struct err *e);

/* Fills an instance type's defaults derived from its shape (EKS max pods
 * and kube-reserved when absent, cpu_speed 1.0, ...). "Absent" is a
 * negative value (max_pods, cpu_speed: <= 0); the catalog loader stores -1
 * for keys not written. With burst.enabled, also the credit fields. */
void instance_type_defaults(struct instance_type *t);

/* Writes docs/scenario.md: the scenario, catalog and sweep reference,
 * generated from the key tables the loader uses (a test compares it with
 * the committed file, so docs cannot drift). Returns 0, or -1 on a write
 * error of out. */
int scenario_schema_markdown(FILE *out);

/* The QoS class Kubernetes gives a pod of this workload. */
enum qos_class { QOS_BEST_EFFORT, QOS_BURSTABLE, QOS_GUARANTEED };
enum qos_class workload_qos(const struct workload *w);
const char *qos_name(enum qos_class q);

#endif
