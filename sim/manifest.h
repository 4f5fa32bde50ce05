/*
 * manifest.h -- Kubernetes manifests as scenario workloads.
 *
 * Owns: the manifest files read (their ydoc trees), the workloads built from
 * them and the warnings, all freed by manifest_release.
 *
 * A manifest set is filled in two steps. manifest_add() expands a path, a
 * glob(3) pattern or a folder (its *.yaml and *.yml files, sorted) into
 * files, each kept once. manifest_read() loads every file (multi-document
 * YAML, `kind: List` items too) and turns each object into what the
 * simulator uses:
 *
 *   Deployment, StatefulSet, ReplicaSet  a workload with spec.replicas
 *   DaemonSet                            a workload of kind DaemonSet
 *   Pod                                  a workload with 1 replica
 *   HorizontalPodAutoscaler              the target's hpa (autoscaling/v1,
 *                                        v2, v2beta2, v2beta1; CPU
 *                                        averageUtilization only)
 *   PriorityClass                        resolves priorityClassName
 *   Service                              marks the pods it selects as
 *                                        serving (for `clustersim import`)
 *
 * Other kinds are listed in one warning, never an error. From the pod
 * template come labels, requests and limits summed over containers with
 * Kubernetes' rule for init containers (PodRequests: per resource, the max
 * of the sum over regular and sidecar containers and of each init
 * container plus the sidecars started before it), nodeSelector,
 * tolerations, node and pod (anti-)affinity, topologySpreadConstraints,
 * terminationGracePeriodSeconds and priority. docs/manifests.md lists every
 * field read and every simplification.
 *
 * Each workload comes out as a ynode map of scenario workload keys
 * (`name`, `replicas`, `requests`, `affinity`, ...) whose nodes keep the
 * manifest's positions, so the scenario loader parses it with the same
 * workload table as a hand-written workload, after merging the scenario's
 * `profiles` over it (manifest_merge). Values the map holds have been
 * validated here with manifest paths; the map never fails the workload
 * table on its own.
 *
 * Errors (ERR_INPUT) name the file, line, column, object and field:
 *   web.yaml:14:22: Deployment web: spec.template.spec.containers[app].
 *   resources.requests.cpu: expected a CPU quantity like 250m or 0.5, got "lots"
 * The library never prints: warnings are strings in the set (and in
 * struct scenario) for the command layer to print.
 *
 * Cost: O(bytes + nodes) to read; O(workloads^2) for the unique-name
 * check and O(workloads x (HPAs + Services)) to resolve references, with
 * at most 10,000 workloads. Files: manifest.c (files, objects, references),
 * manifest_reader.c (getters, builders), manifest_pod.c (containers,
 * tolerations), manifest_affinity.c, manifest_hpa.c, manifest_merge.c
 * (profiles, the scenario's merge step).
 */
#ifndef CLUSTERSIM_MANIFEST_H
#define CLUSTERSIM_MANIFEST_H

#include <stddef.h>
#include <stdint.h>
#include "base.h"
#include "schema.h"
#include "ydoc.h"

struct scenario;

struct manifest_workload {
	const char *name;       /* metadata.name */
	const char *kind;       /* the manifest kind: Deployment, StatefulSet, ... */
	struct ymark mark;      /* of metadata.name */
	struct ynode *spec;     /* scenario workload map (see above) */
	int replicas;           /* spec.replicas; 1 for a Pod, 0 for a DaemonSet */
	int64_t req_cpu, lim_cpu;       /* pod totals, millicores; -1 absent */
	int64_t req_memory, lim_memory; /* pod totals, bytes; -1 absent */
	const char *hpa;        /* name of the HPA scaling it, or NULL */
	int serves;             /* selected by a Service, or a container declares a port */
};

struct manifest_file {
	const char *path;       /* as resolved against the base folder */
	struct ydoc doc;        /* loaded by manifest_read */
	int loaded;
};

struct manifest_pending; /* objects waiting for cross-references */

struct manifest_set {
	struct arena arena;     /* names, warnings and the built nodes */
	struct manifest_file *files;
	int nfiles, capfiles;
	struct manifest_workload *w;
	int n, cap;
	const char **warnings;
	int nwarnings, capwarnings;
	char sha256[65];        /* of the files' bytes in load order ("" before read) */
	struct manifest_pending *pending;
};

void manifest_init(struct manifest_set *m);
void manifest_release(struct manifest_set *m);

/*
 * Adds the files that pattern names, relative to dir unless absolute: a
 * file; a folder (its *.yaml and *.yml files that do not start with '.',
 * sorted by name, not recursive); or a glob(3) pattern (matches sorted by
 * name, each a file or a folder). A file already added is skipped.
 * Returns 0, or -1 with why set to a phrase for "expected ..., got"
 * messages' parenthesis ("no such file or folder", "no file matches").
 */
int manifest_add(struct manifest_set *m, const char *pattern, const char *dir, char *why,
		 size_t whycap);

/* Reads every file added, in order, then resolves HPAs, priority classes
 * and Services. On error the set holds what was read so far (release it). */
int manifest_read(struct manifest_set *m, struct err *e);

/* Index of a workload by name, or -1. O(n). */
int manifest_find(const struct manifest_set *m, const char *name);

/* ---- the scenario loader's side ------------------------------------------ */

/* The `profiles` item as documented in docs/scenario.md: `name` plus every
 * key of a workload. */
extern const struct schema_table manifest_profile_table;

/*
 * The merge step of the scenario loader: reads the scenario's `manifests`
 * (relative to sc->dir) and `profiles` from root, merges the matching
 * profiles over each manifest workload (patterns first, in file order, then
 * the profile of the exact name; maps merge key by key, a distribution or
 * any other value replaces), parses each with workload_table under the path
 * "workloads[NAME]", and appends the workloads to sc->workloads and the
 * warnings to sc->warnings (arena copies). Errors: a pattern that matches
 * no file, a manifest error, a profile that matches no manifest workload
 * (with "did you mean"), a name given both in `workloads` and in manifests.
 * sha256 receives the hex digest of the manifest files' bytes, or "" when
 * there are none. Does nothing when root has neither key.
 */
int manifest_merge(struct schema_ctx *c, const struct schema_table *workload_table,
		   const struct ynode *root, struct scenario *sc, char sha256[65]);

#endif
