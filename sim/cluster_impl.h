/*
 * cluster_impl.h -- internals shared by cluster.c and cluster_index.c; not
 * for other modules.
 */
#ifndef CLUSTERSIM_CLUSTER_IMPL_H
#define CLUSTERSIM_CLUSTER_IMPL_H

#include "cluster.h"

/* Fills c->keys, classes and c->wi from c->wls (cluster_index.c). */
void cluster_compile(struct cluster *c);
/* Frees what cluster_compile allocated outside the arena. */
void cluster_compile_release(struct cluster *c);

#endif
