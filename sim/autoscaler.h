/*
 * autoscaler.h -- the Kubernetes cluster autoscaler (kubernetes/autoscaler
 * cluster-autoscaler, StaticAutoscaler.RunOnce) on the scenario's node
 * groups, when `autoscaler.enabled`.
 *
 * Every scan_interval (first scan at scan_interval, as the CA's loop):
 *
 *  1. Snapshot. A scratch copy of the cluster (its own struct cluster and
 *     struct sched, so the scheduler's own filters judge every simulated
 *     placement, sched_filter_node) with the present nodes and their bound
 *     pods. Nodes still booting are in it as Ready "upcoming" nodes with
 *     the DaemonSet pods they will get, so pods that will fit on them do
 *     not cause another scale-up.
 *  2. Scale-up (core/scaleup/orchestrator). Unschedulable pods are the
 *     pending pods whose last scheduling attempt failed (PodScheduled=False),
 *     DaemonSet pods excepted. Those that fit on a snapshot node are placed
 *     there (FilterOutSchedulable). For each node group below its max and
 *     not backed off, the binpacking estimator (estimator/binpacking_estimator.go:
 *     first fit, workloads in decreasing order of request / allocatable,
 *     template nodes of the group's type added while the last one got a
 *     pod) tells how many new nodes (at most max - size) would take how
 *     many of the pods; a group none of whose templates can take a pod is
 *     no option. The expander picks one option (table `expanders`): random;
 *     most-pods; least-waste (expander/waste: lowest (capacity - requests)
 *     / capacity summed over CPU and memory); price (AWS has no price
 *     expander upstream, so here: lowest total node price per hour divided
 *     by the pods it schedules). Ties go to a uniform draw from the stream
 *     "autoscaler/expander". The nodes join NotReady at once (billed from
 *     then, like EC2) and become Ready boot_time later: one `ScaleUp` event
 *     (object: the node group). A node whose boot_time exceeds
 *     max_node_provision_time is given up at that age (removed, its group
 *     backed off for AUTOSCALER_BACKOFF); with boot_time at most
 *     max_node_provision_time, as by default, this never happens.
 *  3. Scale-down (core/scaledown/planner, unless a scale-up happened in
 *     this scan). A Ready node not being deleted is unneeded while its
 *     utilization -- max over CPU and memory of the requests of all its
 *     pods (DaemonSet pods included, --ignore-daemonsets-utilization=false)
 *     over allocatable (simulator/utilization) -- is below the threshold
 *     and all its other pods fit on the other nodes (removal simulation,
 *     cumulative over the nodes already found removable, each removed one
 *     left cordoned in the snapshot); a node whose pods do not fit is not
 *     simulated again for AUTOSCALER_RECHECK. Nodes found unneeded before
 *     are simulated first, in order of unneeded time, then the rest by
 *     age, until autoscaler_unneeded_limit removable nodes are found (the
 *     rest wait for the next scan). A node unneeded for
 *     scale_down_unneeded_time is deleted unless
 *     within scale_down_delay_after_add of the last scale-up (the CA's
 *     start counts as one) or its group would go under min; empty nodes
 *     (no pods but DaemonSet ones) up to AUTOSCALER_MAX_PARALLEL at once,
 *     nodes to drain one at a time (--max-drain-parallelism 1).
 *     Deletion: `ScaleDown` event (object: the node group), the node is
 *     cordoned, its pods are deleted (Killing, end_reason "ScaleDown",
 *     each drains for its termination_grace) and the ReplicaSets replace
 *     them at once elsewhere; its DaemonSet pods are deleted with them.
 *     From then on the CA looks every AUTOSCALER_DRAIN_POLL whether the
 *     pods are gone (actuation/drain.go waitPodsToDisappear) and removes
 *     the node (`NodeRemoved`; its cost stops).
 *
 * New nodes of a group are named <group>-<n> with n continuing after the
 * group's initial count; indexes are never reused.
 *
 * Not modelled: node group balancing, scale-up of several groups at once,
 * --max-nodes-total and resource limits, PodDisruptionBudgets, unready
 * node handling (scale-down-unready-time), the exponential part of the
 * group backoff, the CA's own pod scheduling hints (first fit instead).
 *
 * Cost per scan: O(nodes + pods) to build the snapshot, only when some
 * pod is unschedulable or some node is under the threshold; then
 * O(pods x nodes) filter calls for the placements.
 * Ownership: struct autoscaler hangs off struct sim (s->ca), freed by
 * autoscaler_release.
 */
#ifndef CLUSTERSIM_AUTOSCALER_H
#define CLUSTERSIM_AUTOSCALER_H

#include <stdint.h>

#include "scenario.h"

struct sim;
struct node;

#define AUTOSCALER_MAX_PARALLEL 10    /* --max-scale-down-parallelism */
#define AUTOSCALER_DRAIN_POLL 5.0     /* s, between "pods gone?" checks */
#define AUTOSCALER_RECHECK 300.0      /* s, --unremovable-node-recheck-timeout */
#define AUTOSCALER_BACKOFF 300.0      /* s, initial node group backoff after a failed scale-up */

/* One scale-up option: a node group, its new nodes and the pods they take. */
struct autoscaler_option {
	int group;
	const struct instance_type *type;
	int nodes;
	int pods;
	int64_t req_cpu, req_mem; /* millicores, bytes: the pods' requests */
};

/* least-waste's score of an option (lower is better): (capacity -
 * requests) / capacity for CPU plus the same for memory, capacity being
 * the nodes' vCPUs and memory (expander/waste). */
double autoscaler_waste(const struct autoscaler_option *o);
/* How many removable nodes one scale-down update looks for before it
 * stops simulating (core/scaledown/planner/planner.go unneededNodesLimit):
 * with N = parallelism, min(unneeded + 2N, N x floor(U / I) + N), U the
 * unneeded time and I the shortest interval seen between updates (at least
 * U before the second update; U below I counts as I). Nodes past the limit
 * are not simulated in that update. */
int autoscaler_unneeded_limit(int unneeded, int parallelism, double unneeded_time,
			      double min_interval);
/* price's score (lower is better): nodes x price_per_hour / pods, USD per
 * pod-hour. */
double autoscaler_price(const struct autoscaler_option *o);

/* The expander's choice among n >= 1 options: index of the best, ties
 * broken by rand_below(ctx, k) over the k tied ones (NULL: the first). */
int autoscaler_pick(enum expander_kind e, const struct autoscaler_option *v, int n,
		    uint64_t (*rand_below)(void *ctx, uint64_t n), void *ctx);

/* Scale-down utilization (simulator/utilization): max of requested CPU /
 * allocatable CPU and requested memory / allocatable memory. */
double autoscaler_utilization(const struct node *n);

/* Starts the scans when the autoscaler is enabled (s->ca stays NULL
 * otherwise). */
void autoscaler_start(struct sim *s);
void autoscaler_release(struct sim *s);

#endif
