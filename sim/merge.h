/*
 * merge.h -- combining results databases: the shards of a sweep run on
 * several machines (`clustersim merge OUT.db IN.db...`).
 *
 * Every run of every input is appended to OUT (created when missing) with
 * a new run_id, inputs in the order given and each input's runs in its
 * run_id order; the rows of every table that has a run_id column follow
 * their run. OUT's existing runs stay as they are.
 *
 * Refusals (ERR_INPUT, and then OUT is left unchanged, since every input
 * is checked before any is copied):
 *   - a scenario name with two scenario_sha256 across OUT and the inputs
 *     (or within one of them): shards run from different scenario or
 *     catalog files would mix two models under one name;
 *   - a run (scenario_sha256, params, seed) in an input that OUT or an
 *     earlier input already holds: a shard given twice, or overlapping
 *     shards;
 *   - an input that is missing, not a results database, OUT itself, or
 *     written by a newer clustersim (a table or column OUT lacks).
 *
 * Copying: for each input, ATTACH, one transaction, INSERT ... SELECT per
 * table through a temporary old -> new run_id map, DETACH. Columns are
 * matched by name, so an input from an older version (fewer columns)
 * merges with NULL/defaults in the new columns.
 *
 * Cost: O(rows) in SQLite, no row through C. The checks keep one
 * temporary key per run of OUT and the inputs.
 */
#ifndef CLUSTERSIM_MERGE_H
#define CLUSTERSIM_MERGE_H

#include <stdint.h>

#include "base.h"

struct merge_stats {
	int64_t runs;            /* runs copied */
	int64_t first_id, last_id; /* run_ids they got in OUT (0 when none) */
};

int merge_dbs(const char *out, const char *const *in, int nin, struct merge_stats *st,
	      struct err *e);

#endif
