#!/usr/bin/env bash
# Submits a sweep as a Slurm job array of SHARDS tasks and its merge,
# which starts when every task has succeeded (docs/distributed.md):
#   scripts/distributed/slurm-submit.sh SWEEP.yaml SHARDS [sbatch options...]
# e.g. scripts/distributed/slurm-submit.sh scenarios/examples/web-sweep.yaml 8 --partition=batch
set -eu
if [ $# -lt 2 ]; then
	sed -n '2,6p' "$0" >&2
	exit 2
fi
sweep=$1 shards=$2
shift 2
here=$(dirname "$0")
mkdir -p results
array=$(sbatch --parsable --array=0-$((shards - 1)) "$@" "$here/slurm-sweep.sbatch" "$sweep")
array=${array%%;*}
merge=$(sbatch --parsable --dependency=afterok:"$array" "$@" "$here/slurm-merge.sbatch" \
	"$sweep" "$shards")
echo "sweep: array job $array ($shards tasks), merge job ${merge%%;*} -> results/$(basename "$sweep" .yaml).db"
