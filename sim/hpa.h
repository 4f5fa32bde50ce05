/*
 * hpa.h -- the HorizontalPodAutoscaler of kube-controller-manager
 * (pkg/controller/podautoscaler) for the workloads with `hpa:`.
 *
 * Every HPA_SYNC_PERIOD the controller reads each pod's CPU as
 * metrics-server reports it, runs the replica calculator
 * (replica_calculator.go GetResourceReplicas with groupPods) and the
 * autoscaling/v2 behavior (horizontal.go normalizeDesiredReplicasWithBehaviors)
 * and, when the result differs from the Deployment's replicas, scales it
 * (controller_scale) and records an `HPAScale` event.
 *
 * Metrics (metrics-server): a pod's CPU is its container's average over the
 * resolution window HPA_METRIC_WINDOW ending at the sync, from the cpu
 * group's integrated CPU-seconds (a snapshot per pod taken at every sync).
 * A container younger than the window is averaged since its start once it
 * is HPA_FRESH_MIN old (metrics-server's freshContainerMinMetricsResolution),
 * before that it has no metric. Values are nanocores truncated, then
 * millicores rounded up (Quantity.MilliValue), as the metrics client reads
 * them. Simplified: metrics-server scrapes at its own phase, so its values
 * are 0-15 s old at a sync; here scrape and sync coincide.
 *
 * Behavior: the scenario has no `behavior:` block; the autoscaling/v2
 * defaults apply (pkg/apis/autoscaling/v2/defaults.go, reference §5.2):
 * scale up without stabilization by at most max(4 pods, 100 %) per 15 s,
 * scale down after the 300 s stabilization window (highest recommendation
 * in the window), by up to 100 % per 15 s. (An HPA created without
 * behavior through the v2 API keeps behavior nil and gets the legacy
 * limit max(2 x current, 4); the two agree from 4 replicas up.)
 *
 * Cost per sync: O(pods of HPA workloads + recommendations in the window).
 * Ownership: struct hpa hangs off struct sim (s->hpa) and is freed by
 * hpa_release; the pure functions below own nothing.
 */
#ifndef CLUSTERSIM_HPA_H
#define CLUSTERSIM_HPA_H

#include <stdint.h>

struct sim;

#define HPA_SYNC_PERIOD 15.0      /* s, --horizontal-pod-autoscaler-sync-period */
#define HPA_TOLERANCE 0.1         /* both directions, --horizontal-pod-autoscaler-tolerance */
#define HPA_METRIC_WINDOW 15.0    /* s, metrics-server --metric-resolution */
#define HPA_FRESH_MIN 10.0        /* s, metrics-server freshContainerMinMetricsResolution */
#define HPA_CPU_INIT_PERIOD 300.0 /* s, --horizontal-pod-autoscaler-cpu-initialization-period */
#define HPA_READINESS_DELAY 30.0  /* s, --horizontal-pod-autoscaler-initial-readiness-delay */
#define HPA_DOWNSCALE_WINDOW 300.0 /* s, --horizontal-pod-autoscaler-downscale-stabilization */

/* ---- the replica calculator (pure) ------------------------------------ */

/* groupPods' buckets. */
enum hpa_group {
	HPA_READY,   /* counted: has a metric */
	HPA_UNREADY, /* Pending, or CPU not trustworthy yet; 0 % on a scale-up */
	HPA_MISSING, /* running without a metric */
	HPA_IGNORED, /* being deleted or failed */
};

/* What groupPods looks at for one pod. */
struct hpa_pod_view {
	int deleting;      /* DeletionTimestamp set, or phase Failed */
	int pending;       /* phase Pending: unscheduled, or its container not started */
	int has_metric;
	int ready;         /* Ready condition True */
	double start_t;    /* s, status.startTime (the kubelet took the pod) */
	double ready_ltt;  /* s, the Ready condition's lastTransitionTime */
	double metric_t;   /* s, the metric's timestamp (end of its window) */
	double window;     /* s, the metric's window */
};

/* groupPods for the CPU resource at time now (HPA_CPU_INIT_PERIOD and
 * HPA_READINESS_DELAY as the controller's defaults). */
enum hpa_group hpa_group_pod(const struct hpa_pod_view *v, double now);

struct hpa_pod {
	int64_t request;      /* millicores (the pod's CPU request) */
	int64_t usage;        /* millicores (its metric), used when group is HPA_READY */
	enum hpa_group group;
};

/*
 * GetResourceReplicas for `current` replicas and a target in percent of
 * the request: the utilization over the ready pods (integer percent,
 * truncated, into *util), the tolerance band, and the rebalancing of
 * missing pods (max(100, target) % of their request on a scale-down, 0 on
 * a scale-up) and unready pods (0 on a scale-up). Returns the desired
 * replicas before behavior and clamping, or -1 when no ready pod has a
 * metric ("did not receive metrics for targeted pods"). O(n).
 */
int hpa_calc_replicas(const struct hpa_pod *pods, int n, int current, int target_pct,
		      double tolerance, int *util);

/* ---- behavior (pure but stateful per HPA) ----------------------------- */

enum hpa_policy_type { HPA_POLICY_PODS, HPA_POLICY_PERCENT };

struct hpa_policy {
	enum hpa_policy_type type;
	int value;       /* pods, or percent */
	double period;   /* s */
};

/* HPAScalingRules with selectPolicy Max (the default). */
struct hpa_rules {
	double window;   /* s, stabilizationWindowSeconds */
	const struct hpa_policy *policies;
	int npolicies;
};

/* The autoscaling/v2 defaults (reference §5.2). */
extern const struct hpa_rules hpa_default_up, hpa_default_down;

struct hpa_mark {
	double t;        /* s */
	int n;           /* replicas recommended, or changed */
};

/* A controller's memory for one HPA: recent recommendations and scale
 * events (horizontal.go recommendations, scaleUpEvents, scaleDownEvents). */
struct hpa_history {
	const struct hpa_rules *up, *down;
	struct hpa_mark *recs, *ups, *downs;
	int nrecs, nups, ndowns, cap_recs, cap_ups, cap_downs;
};

void hpa_history_init(struct hpa_history *h, const struct hpa_rules *up,
		      const struct hpa_rules *down);
void hpa_history_release(struct hpa_history *h);
/*
 * normalizeDesiredReplicasWithBehaviors: stabilization (the lowest
 * recommendation of the up window when desired >= current, else the
 * highest of the down window; the recommendation is remembered), then the
 * rate limits of the policies over the scale events of their periods,
 * then [min, max]. Returns the replicas to set. O(window entries).
 */
int hpa_normalize(struct hpa_history *h, double now, int current, int desired, int min, int max);
/* storeScaleEvent: remember a change from prev to next replicas at now. */
void hpa_record_scale(struct hpa_history *h, double now, int prev, int next);

/* ---- the controller in a run ------------------------------------------ */

/* Starts the syncs when some workload has an HPA (s->hpa stays NULL
 * otherwise). The first sync is at HPA_SYNC_PERIOD. */
void hpa_start(struct sim *s);
void hpa_release(struct sim *s);

#endif
