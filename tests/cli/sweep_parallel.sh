#!/usr/bin/env bash
# The GNU parallel form of docs/distributed.md, run locally (sshlogin ':'):
# scripts/distributed/parallel-ssh.sh shards a sweep, runs the shards with
# GNU parallel and merges them; the merged database must hold the same
# runs, row for row, as a -j 1 sweep. Run again, every shard is complete:
# nothing is re-run and the merge is the same.
#   tests/cli/sweep_parallel.sh path/to/clustersim   (ctest passes it)
set -eu
bin=$(realpath "$1")
src=$(pwd)
command -v parallel >/dev/null || { echo "GNU parallel is missing: scripts/deps.sh" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
mkdir sw
cat > sw/tiny.yaml <<'YAML'
name: tiny
duration: 10m
sample_interval: 30s
node_groups:
  - {name: workers, instance_type: m5.large, count: 2}
workloads:
  - name: api
    replicas: 3
    requests: {cpu: 100m, memory: 128Mi}
    limits: {cpu: 500m, memory: 256Mi}
    request_cpu: {dist: exponential, mean: 20ms}
    concurrency: 4
    startup: {pull: 5s, ready_after: 5s}
traffic:
  - {workload: api, rate: {shape: constant, rps: 10}}
YAML
cat > sw/sweep.yaml <<'YAML'
scenario: tiny.yaml
replications: 3
parameters:
  node_groups.workers.count: [1, 2]
  workloads.api.limits.cpu: [200m, 500m]
YAML

# Every column but run_id, created_at and wall_seconds, runs keyed by (point, seed).
dump() {
	sqlite3 "$1" "SELECT r.point, r.seed, r.params, r.scenario, r.scenario_sha256,
		r.sim_seconds, r.events, s.* FROM runs r JOIN summary s ON s.run_id = r.run_id
		ORDER BY r.point, r.seed" | cut -d'|' -f1-7,9-
	for t in nodes pods events node_samples pod_samples service_samples; do
		sqlite3 "$1" "SELECT r.point, r.seed, t.* FROM $t t JOIN runs r ON r.run_id = t.run_id
			ORDER BY r.point, r.seed, t.rowid" | cut -d'|' -f1-2,4-
	done
}

"$bin" sweep sw/sweep.yaml --db j1.db -j 1 --quiet >/dev/null
n=$(sqlite3 j1.db "SELECT count(*) FROM runs")
[ "$n" = 12 ] || { echo "expected 12 runs with -j 1, got $n" >&2; exit 1; }

CLUSTERSIM=$bin "$src/scripts/distributed/parallel-ssh.sh" sw/sweep.yaml 3 : >out.txt 2>&1 ||
	{ cat out.txt >&2; exit 1; }
grep -q "merged 12 runs from 3 databases into results/sweep.db" out.txt ||
	{ cat out.txt >&2; exit 1; }
for k in 0 1 2; do
	# Run r belongs to shard r mod 3: 4 runs each.
	m=$(sqlite3 "results/sweep-shard-$k.db" "SELECT count(*) FROM runs")
	[ "$m" = 4 ] || { echo "shard $k/3 holds $m runs, expected 4" >&2; exit 1; }
done
if ! diff <(dump j1.db) <(dump results/sweep.db) >diff.txt; then
	echo "merged shards differ from -j 1:" >&2
	head -20 diff.txt >&2
	exit 1
fi
[ "$(dump j1.db | wc -l)" -gt 12 ] || { echo "nothing compared" >&2; exit 1; }

# Again: each shard resumes complete (nothing run), the merge is rebuilt.
CLUSTERSIM=$bin "$src/scripts/distributed/parallel-ssh.sh" sw/sweep.yaml 3 : >out2.txt 2>&1 ||
	{ cat out2.txt >&2; exit 1; }
[ "$(grep -c "0 run now" out2.txt)" = 3 ] || { cat out2.txt >&2; exit 1; }
diff <(dump j1.db) <(dump results/sweep.db) >/dev/null
echo "ok: 3 shards with GNU parallel, merged, equal to -j 1"
