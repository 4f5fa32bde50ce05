#!/usr/bin/env bash
# `clustersim sweep` as a user meets it: usage errors (exit 2), Ctrl-C
# (the first SIGINT lets the runs in flight finish and be written, exit 1;
# re-running resumes), a second SIGINT (the runs in flight are dropped,
# nothing partial), a finished sweep re-run (nothing to do).
#   tests/cli/sweep_signals.sh path/to/clustersim   (ctest passes it)
set -eu
bin=$(realpath "$1")
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp"
fail() { echo "FAIL: $*" >&2; exit 1; }

# Each run is 20 simulated minutes of 50 requests/s: a fraction of a second
# of wall time under sanitizers, long enough to be caught in flight.
cat > slow.yaml <<'YAML'
name: slow
duration: 20m
sample_interval: 30s
node_groups:
  - {name: workers, instance_type: m5.large, count: 2}
workloads:
  - name: api
    replicas: 2
    requests: {cpu: 250m, memory: 128Mi}
    request_cpu: {dist: exponential, mean: 10ms}
    startup: {pull: 0s, ready_after: 0s}
traffic:
  - {workload: api, rate: {shape: constant, rps: 50}}
YAML
cat > sweep.yaml <<'YAML'
scenario: slow.yaml
replications: 4
parameters:
  workloads.api.replicas: [2, 3]
YAML

expect_usage() {
	local out rc=0
	out=$("$bin" "$@" 2>&1) || rc=$?
	[ "$rc" = 2 ] || fail "clustersim $*: exit $rc, expected 2 ($out)"
	echo "$out" | grep -q -e "$msg" || fail "clustersim $*: expected \"$msg\" in: $out"
}
msg="expected a sweep file" expect_usage sweep
msg="-j: expected a number" expect_usage sweep sweep.yaml -j 0
msg="-j: expected a number" expect_usage sweep sweep.yaml -jx
msg="K must be below N" expect_usage sweep sweep.yaml --shard 3/3
msg="expected K/N" expect_usage sweep sweep.yaml --shard 1
msg="unexpected argument" expect_usage sweep sweep.yaml --bogus
msg="expected OUT.db and at least one IN.db" expect_usage merge out.db
msg="no such results database" expect_usage merge out.db missing.db
msg="expected DB --baseline POINT --candidate POINT" expect_usage compare x.db --baseline 0
[ ! -e out.db ] || fail "a refused merge left out.db behind"

runs() { sqlite3 "$1" "SELECT count(*) FROM runs" 2>/dev/null || echo 0; }
# Whole runs only: one summary per run, no row without its run.
whole() {
	local bad
	bad=$(sqlite3 "$1" "SELECT (SELECT count(*) FROM runs) - (SELECT count(*) FROM summary)
		+ (SELECT count(*) FROM events WHERE run_id NOT IN (SELECT run_id FROM runs))
		+ (SELECT count(*) FROM node_samples WHERE run_id NOT IN (SELECT run_id FROM runs))
		+ (SELECT count(*) FROM runs) - (SELECT count(*) FROM
		   (SELECT DISTINCT scenario_sha256, params, seed FROM runs))")
	[ "$bad" = 0 ] || fail "$1: partial or duplicate runs"
}
# Starts a sweep in the background; returns when its first run is written.
start() {
	"$bin" sweep sweep.yaml --db "$1" -j 1 --quiet >"$1.out" 2>&1 &
	pid=$!
	for _ in $(seq 1 600); do
		[ "$(runs "$1")" -ge 1 ] && return 0
		kill -0 "$pid" 2>/dev/null || fail "the sweep ended early: $(cat "$1.out")"
		sleep 0.05
	done
	fail "no run written in 30 s"
}

# One SIGINT: the run in flight finishes, exit 1 with a resume hint.
start int.db
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
pid=
[ "$rc" = 1 ] || fail "exit $rc after SIGINT, expected 1: $(cat int.db.out)"
grep -q "interrupted: .* of 8 runs in int.db; run the same command again to resume" int.db.out ||
	fail "no interrupted message: $(cat int.db.out)"
done1=$(runs int.db)
[ "$done1" -ge 2 ] && [ "$done1" -lt 8 ] || fail "$done1 runs after one SIGINT, expected 2..7"
whole int.db
"$bin" sweep sweep.yaml --db int.db -j 2 --quiet >resume.out
grep -q "$((8 - done1)) run now .* $done1 already in the database" resume.out ||
	fail "resume: $(cat resume.out)"
[ "$(runs int.db)" = 8 ] || fail "$(runs int.db) runs after resuming, expected 8"
whole int.db

# Two SIGINTs: the run in flight is dropped; what is there is whole.
start twice.db
kill -INT "$pid"
sleep 0.05
# The runs in flight may already have finished after the first one.
kill -INT "$pid" 2>/dev/null || true
rc=0
wait "$pid" || rc=$?
pid=
[ "$rc" = 1 ] || fail "exit $rc after two SIGINTs, expected 1"
whole twice.db
"$bin" sweep sweep.yaml --db twice.db --quiet >/dev/null
[ "$(runs twice.db)" = 8 ] || fail "$(runs twice.db) runs after resuming, expected 8"
whole twice.db

# Finished: a re-run does nothing.
"$bin" sweep sweep.yaml --db int.db --quiet >again.out
grep -q "0 run now .* 8 already in the database" again.out || fail "re-run: $(cat again.out)"
echo "ok: usage errors, SIGINT once and twice, resume"
