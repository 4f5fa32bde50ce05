/*
 * autoscaler_impl.h -- the cluster autoscaler's snapshot, shared by
 * autoscaler.c (the loop) and autoscaler_snap.c (simulated placements);
 * not for other modules.
 *
 * The snapshot is a struct cluster of its own, built from the run's
 * cluster at a scan and released at its end, with a struct sched over it
 * whose filters judge every simulated placement. Its node's `model`
 * points at the run's node (NULL for template nodes), its pod's `model`
 * at nothing. Simulated pods are new pods of the same workload, so the
 * scheduler's counting indexes see them as the real ones.
 */
#ifndef CLUSTERSIM_AUTOSCALER_IMPL_H
#define CLUSTERSIM_AUTOSCALER_IMPL_H

#include "autoscaler.h"
#include "cluster.h"
#include "sched.h"

struct sim;

struct autoscaler_snap {
	struct sim *s;
	struct cluster c;
	struct sched sch;
	struct node **of;  /* the run's node id -> snapshot node, NULL when absent */
	int nof;
	/* scratch of one simulation */
	struct pod **placed;
	int nplaced, cap_placed;
	int *wls;
	int nwls, cap_wls;
	struct node **tmpl;
	int ntmpl, cap_tmpl;
	int last_index;    /* where the next placement starts looking (node id) */
};

/* Copies the present nodes and their bound pods; a node that is not Ready
 * (booting) is taken as Ready with the DaemonSet pods it will get. */
void autoscaler_snap_build(struct autoscaler_snap *sn, struct sim *s);
void autoscaler_snap_release(struct autoscaler_snap *sn);

/* Places a new pod of workload wl on the first node (other than skip)
 * that fits, looking from last_index round the node ids, and moves
 * last_index past it: the CA's FitsAnyNodeMatching, whose lastIndex makes
 * consecutive placements next-fit rather than first-fit (a removal
 * simulation then does not re-test the nodes it has just filled). Binds
 * the pod and returns the node, or NULL. */
struct node *autoscaler_snap_place(struct autoscaler_snap *sn, int wl, const struct node *skip);

/*
 * The binpacking estimator for node group g: template nodes named after
 * the group's next indexes (first_index, first_index + 1, ...), at most
 * limit of them, for the pending pods pods[0..n) (run's pods). Fills o
 * (nodes with pods, pods placed, their requests); leaves the snapshot as
 * it was.
 */
void autoscaler_snap_estimate(struct autoscaler_snap *sn, int g, int first_index, int limit,
			      struct pod *const *pods, int n, struct autoscaler_option *o);

/* Removal simulation of snapshot node m: its pods other than DaemonSet and
 * terminating ones are moved to other nodes. Returns 1 and keeps the
 * result (m cordoned, its pods elsewhere), or 0 with the snapshot as it
 * was. */
int autoscaler_snap_remove(struct autoscaler_snap *sn, struct node *m);

#endif
