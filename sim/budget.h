/*
 * budget.h -- the work a scenario asks for, bounded before it runs.
 *
 * The key tables bound each value alone; they cannot see products. 10^7
 * requests/s is a fine rate for a minute and not for a year; 10^5 pods are
 * fine sampled every minute for a day and not every millisecond. After
 * references are resolved the scenario loader calls budget_check, which
 * refuses a scenario whose expected work would take days of wall time or
 * more memory than a workstation has, naming the key to change:
 *
 *   requests     the expected arrivals of all traffic streams over the run
 *                (rate_integral over [0, duration]), at most BUDGET_REQUESTS:
 *                the simulator handles a few million requests per wall
 *                second, so 10^10 is already an hour or more.
 *   sample rows  duration / sample_interval samples, each of one row per
 *                node, per pod (when record.pod_samples) and per workload,
 *                at most BUDGET_SAMPLE_ROWS. Nodes are the sum of the node
 *                groups' max, pods the loader's pod bound (Deployments at
 *                max(replicas, hpa.max), DaemonSets on every node). Rows stay
 *                in memory until the run ends (about 80 bytes each): 2.5 x
 *                10^7 rows are 2 GB in memory and about as much on disk.
 *
 * docs/limits.md lists these with the per-key limits. Cost: O(streams x
 * rate pieces + node groups + workloads).
 */
#ifndef CLUSTERSIM_BUDGET_H
#define CLUSTERSIM_BUDGET_H

#define BUDGET_REQUESTS 1e10
#define BUDGET_SAMPLE_ROWS 25000000.0

struct schema_ctx;
struct scenario;
struct ynode;

/* 0, or ERR_INPUT at the stream or key that exceeds a budget. root is the
 * scenario's map (for marks); sc is loaded and resolved. */
int budget_check(struct schema_ctx *c, const struct ynode *root, const struct scenario *sc);

#endif
