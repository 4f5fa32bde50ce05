/*
 * faults.h -- faults inside the model: node failures and EC2 Spot
 * interruptions (scenario `faults:`, docs/faults.md).
 *
 * Node failure of node n at t (the instance dies: hardware, kernel panic,
 * a failed status check):
 *   t        every container on n stops (requests in flight fail); its
 *            pods stay endpoints, so requests routed to them fail too,
 *            until the node controller notices. The scheduler stops
 *            placing pods on n at once (simplification: kube-scheduler
 *            would still bind pods there for the grace period).
 *   t + 40 s the node controller's --node-monitor-grace-period: `NodeNotReady`
 *            event, the pods are marked not Ready and leave the endpoints.
 *   t + 340 s the unreachable:NoExecute taint's tolerationSeconds (300 s,
 *            added to every pod by the DefaultTolerationSeconds admission
 *            plugin) expires: the taint manager deletes the pods
 *            (end_reason "NodeLost"), their ReplicaSets create replacements
 *            at once; DaemonSet pods go with the node. The instance is
 *            terminated (`NodeRemoved`, cost stops) and the group's
 *            Auto Scaling group launches a replacement node, Ready after
 *            boot_time.
 *
 * Spot interruption of node n at t (spot: true groups):
 *   t          `SpotInterruption` event (the 2-minute notice); the node
 *              termination handler cordons n and drains it: every pod but
 *              DaemonSet pods is deleted with its termination_grace
 *              (end_reason "SpotInterrupted") and replaced elsewhere.
 *   t + notice EC2 terminates the instance: what is still on it stops
 *              (requests fail), `NodeRemoved`, cost stops; a replacement
 *              node is launched, Ready after boot_time.
 *
 * Which node: `at` hits the named node, or the group's eligible node with
 * the lowest index; `mtbf` / `rate` make every eligible node of the group
 * fail independently at rate 1 / mtbf (rate / 3600 per second). Eligible:
 * present, Ready, not cordoned, not already hit. Random faults are a
 * Poisson process thinned from the group's max: candidates come at rate
 * max x (per-node rate); each picks a slot uniformly in [0, max) and hits
 * the eligible node in that slot (by index), if any -- exact while the
 * eligible nodes are at most max. Streams: "faults/<group>/failures/<k>"
 * and "faults/<group>/spot/<k>", k the entry's index among the group's
 * entries of that kind.
 *
 * Cost: O(1) events per fault plus one per candidate; a hit is
 * O(nodes + pods on the node). Ownership: struct faults hangs off
 * struct sim (s->faults), freed by faults_release.
 */
#ifndef CLUSTERSIM_FAULTS_H
#define CLUSTERSIM_FAULTS_H

struct sim;
struct node;

/* kube-controller-manager --node-monitor-grace-period (40 s until v1.31;
 * 50 s from v1.32). */
#define FAULTS_NODE_MONITOR_GRACE 40.0 /* s */
/* kube-apiserver --default-unreachable-toleration-seconds (and
 * --default-not-ready-toleration-seconds). */
#define FAULTS_TOLERATION 300.0 /* s */

/* Schedules the scenario's faults (s->faults stays NULL without any). */
void faults_start(struct sim *s);
void faults_release(struct sim *s);
/* USD per hour the node is billed: its group's spot price, else the
 * type's on-demand price. */
double faults_node_price(const struct node *n);

#endif
