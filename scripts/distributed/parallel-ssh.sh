#!/usr/bin/env bash
# A sweep's shards on several machines over ssh with GNU parallel, then one
# merged database (docs/distributed.md).
#
#   scripts/distributed/parallel-ssh.sh SWEEP.yaml SHARDS SSHLOGIN...
#   e.g. scripts/distributed/parallel-ssh.sh scenarios/examples/web-sweep.yaml 8 \
#            1/alice@node1 1/alice@node2
#
# SSHLOGIN is GNU parallel's: [jobs/][user@]host, or ':' for this machine.
# One job per machine at a time is right: each shard runs with -j = that
# machine's cores. Use more shards than machines so faster ones take more.
#
# Each machine needs clustersim on its PATH ($CLUSTERSIM overrides the
# command). Run this from a folder with the sweep file and its scenario
# below it (they are copied, with the folder's relative layout, into the
# same folder relative to the remote home; keep the scenario in the sweep
# file's folder). Shard k's database comes back as
# results/<sweep>-shard-k.db; a re-run resumes each shard from its copy
# here; the merged results/<sweep>.db is rebuilt from the shards each time.
set -eu
if [ $# -lt 3 ]; then
	sed -n '2,20p' "$0" >&2
	exit 2
fi
sweep=$1 shards=$2
shift 2
logins=$(IFS=,; echo "$*")
clustersim=${CLUSTERSIM:-clustersim}
base=$(basename "$sweep" .yaml)
dir=$(dirname "$sweep")
last=$((shards - 1))

mkdir -p results
# Every shard's database exists before it is sent (a 0-byte file is an
# empty SQLite database), so a shard interrupted last time resumes.
for k in $(seq 0 "$last"); do
	touch "results/$base-shard-$k.db"
done
parallel --sshlogin "$logins" --workdir . --basefile "$dir" \
	--transferfile "results/$base-shard-{}.db" --return "results/$base-shard-{}.db" \
	--cleanup --halt now,fail=1 --line-buffer --tagstring "shard {}/$shards" \
	"$clustersim" sweep "$sweep" --db "results/$base-shard-{}.db" --shard "{}/$shards" --quiet \
	::: $(seq 0 "$last")

out=results/$base.db
rm -f "$out" "$out-wal" "$out-shm"
shard_dbs=()
for k in $(seq 0 "$last"); do
	shard_dbs+=("results/$base-shard-$k.db")
done
"$clustersim" merge "$out" "${shard_dbs[@]}"
