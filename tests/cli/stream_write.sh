#!/usr/bin/env bash
# tests/cli/stream_write.sh BIN -- a run into a new database file is
# written as it goes (sim/writer.h) and gives exactly the rows of the same
# run written at its end (--threads 1):
#   - every table, row by row in rowid order, is the same (runs: but for
#     wall_seconds and created_at), the file is in WAL mode and valid, and
#     no private file is left;
#   - while the run runs, its private file `.NAME.partial-PID` exists and
#     NAME does not (how much it writes before the end is a matter of
#     speed and of how busy the machine is: bench/, docs/performance.md);
#   - when another process creates NAME meanwhile, the run is appended to
#     it the usual way, whole.
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() {
	echo "stream_write: $*" >&2
	fails=$((fails + 1))
}

# Events, node and pod samples, service samples and scheduler scores, an
# HPA that scales up at the step and down after it.
cat >"$tmp/s.yaml" <<'EOF'
name: stream
duration: 1500s
sample_interval: 15s
record: {scores: true}
node_groups:
  - {name: w, instance_type: m5.xlarge, count: 5}
workloads:
  - name: api
    replicas: 2
    requests: {cpu: 500m, memory: 256Mi}
    request_cpu: {dist: exponential, mean: 50ms}
    concurrency: 100
    memory: {base: 100Mi}
    hpa: {min: 1, max: 12, target_cpu_utilization: 50}
  - name: web
    replicas: 3
    requests: {cpu: 200m, memory: 128Mi}
    request_cpu: {dist: exponential, mean: 10ms}
    concurrency: 8
traffic:
  - workload: api
    rate: {shape: steps, steps: [{at: 0s, rps: 10}, {at: 300s, rps: 60}, {at: 900s, rps: 10}]}
  - {workload: web, rate: {shape: constant, rps: 30}}
EOF

tables="runs summary nodes pods events node_samples pod_samples service_samples scores"

# rows DB RUN_ID: every table's rows of one run, in rowid order, without
# run_id (it may differ) and the runs row's wall_seconds and created_at.
rows() {
	local db=$1 id=$2 t
	for t in $tables; do
		echo "== $t"
		if [ "$t" = runs ]; then
			sqlite3 "$db" "SELECT scenario, scenario_sha256, seed, params, point, sim_seconds,
				events, version FROM runs WHERE run_id = $id"
		else
			sqlite3 "$db" "SELECT * FROM $t WHERE run_id = $id ORDER BY rowid" | cut -d'|' -f2-
		fi
	done
}

"$bin" run "$tmp/s.yaml" --db "$tmp/end.db" --quiet --threads 1 >/dev/null || fail "run --threads 1 failed"
"$bin" run "$tmp/s.yaml" --db "$tmp/streamed.db" --quiet --threads 2 >/dev/null || fail "run --threads 2 failed"
rows "$tmp/end.db" 1 >"$tmp/end.rows"
rows "$tmp/streamed.db" 1 >"$tmp/streamed.rows"
cmp -s "$tmp/end.rows" "$tmp/streamed.rows" || fail "streamed rows differ: $(diff "$tmp/end.rows" "$tmp/streamed.rows" | head -5)"
# The comparison compared something: every table has rows.
for t in $tables; do
	n=$(sqlite3 "$tmp/streamed.db" "SELECT count(*) FROM $t")
	[ "$n" -gt 0 ] || fail "table $t is empty"
done
[ "$(sqlite3 "$tmp/streamed.db" 'PRAGMA journal_mode')" = wal ] || fail "streamed file not in WAL mode"
[ "$(sqlite3 "$tmp/streamed.db" 'PRAGMA integrity_check')" = ok ] || fail "streamed file not valid"

# ---- the file is written while the run runs ----------------------------------
# Two hours at 1,000 requests/s: seconds of wall time; samples every
# second, about 80,000 rows.
cat >"$tmp/long.yaml" <<'EOF'
name: long
duration: 2h
sample_interval: 1s
node_groups:
  - {name: w, instance_type: m5.4xlarge, count: 2}
workloads:
  - name: web
    replicas: 8
    requests: {cpu: 500m, memory: 256Mi}
    request_cpu: {dist: exponential, mean: 5ms}
traffic:
  - {workload: web, rate: {shape: constant, rps: 1000}}
EOF
"$bin" run "$tmp/long.yaml" --db "$tmp/long.db" --quiet --threads 2 >/dev/null 2>"$tmp/long.err" &
pid=$!
part="$tmp/.long.db.partial-$pid"
seen=0
for _ in $(seq 400); do
	kill -0 "$pid" 2>/dev/null || break
	if [ -e "$part" ]; then
		seen=1
		break
	fi
	sleep 0.05
done
[ "$seen" = 1 ] || fail "no private file $part while the run ran"
# Meanwhile another process creates long.db: the streamed run, when it
# ends, must append to it. The run is stopped while the file appears (a
# copy of a results file, linked into place), so it cannot have put its
# own file there first.
kill -STOP "$pid"
[ ! -e "$tmp/long.db" ] || fail "long.db exists before the streamed run ended"
cp "$tmp/end.db" "$tmp/copy.db"
ln "$tmp/copy.db" "$tmp/long.db" || fail "cannot make long.db"
kill -CONT "$pid"
wait "$pid" || fail "streamed run failed: $(cat "$tmp/long.err")"
[ "$(sqlite3 "$tmp/long.db" 'SELECT count(*) FROM runs')" = 2 ] || fail "long.db: want 2 runs"
[ "$(sqlite3 "$tmp/long.db" 'SELECT count(*) FROM runs WHERE run_id NOT IN (SELECT run_id FROM summary)')" = 0 ] ||
	fail "long.db: a run without summary"
# The streamed run was appended after the copy's run (run_id 2), whole:
# 7,200 ticks of 2 nodes.
[ "$(sqlite3 "$tmp/long.db" "SELECT run_id FROM runs WHERE scenario = 'long'")" = 2 ] ||
	fail "long.db: the streamed run is not the second"
[ "$(sqlite3 "$tmp/long.db" "SELECT count(*) FROM node_samples WHERE run_id = 2")" -ge 14400 ] ||
	fail "long.db: the streamed run lacks its node samples"

leftover=$(find "$tmp" -name '.*.partial-*')
[ -z "$leftover" ] || fail "private files left behind: $leftover"

[ "$fails" = 0 ] && echo "stream_write: ok"
[ "$fails" = 0 ]
