#!/usr/bin/env bash
# tests/cli/kill_integrity.sh BIN -- a run killed with SIGKILL at any moment
# leaves a valid database without a partial run (shared/SPEC.md: "a run is
# there whole or not at all").
#
# The same scenario and seed are run KILLS times against one database. Odd
# runs are killed after a delay drawn uniformly from [0, the time a whole
# run takes]; even runs after a delay drawn uniformly from [0, the time a
# run keeps the database open], counted from the moment it opens it (its
# -wal file appears), so kills land while the simulation runs, while SQLite
# writes the transaction, during the commit and after it. After every kill:
#   - PRAGMA integrity_check is "ok";
#   - every runs row has its summary row, and no child row (summary, nodes,
#     pods, events, samples, scores) has a run_id missing from runs;
#   - every run present has exactly the rows of the first complete run (the
#     same scenario and seed give the same rows), so none is partial.
# At the end at least one kill must have landed before a commit, one with
# the database open (a -wal file left behind) and one run must have
# committed, or the test did not test anything.
set -u
bin=$1
kills=${KILLS:-60}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/kill.db

# A quarter of an hour sampled every 5 s: 180 samples of 3 nodes, 30 pods
# and 1 workload (about 6,000 sample rows), so the write phase takes a good
# share of a run.
cat >"$tmp/kill.yaml" <<'EOF'
name: kill
duration: 15m
sample_interval: 5s
node_groups:
  - {name: w, instance_type: m5.large, count: 3}
workloads:
  - name: web
    replicas: 30
    requests: {cpu: 50m, memory: 64Mi}
EOF

fail() {
	echo "kill_integrity: $*" >&2
	exit 1
}

children="summary nodes pods events node_samples pod_samples service_samples scores"

# One query for all checks, one line each:
#   integrity_check, runs without a summary, orphan child rows, then per
#   run "run_id count count ..." (rows of each child table).
# synchronous=OFF: the checker's own checkpoint on close need not wait for
# the disk (a SIGKILL loses nothing the kernel has; only the writer's
# transactions are under test).
query="PRAGMA synchronous = OFF;
PRAGMA integrity_check;
SELECT count(*) FROM runs WHERE run_id NOT IN (SELECT run_id FROM summary);
SELECT 0"
per_run="SELECT run_id"
for t in $children; do
	query="$query + (SELECT count(*) FROM $t WHERE run_id NOT IN (SELECT run_id FROM runs))"
	per_run="$per_run || ' ' || (SELECT count(*) FROM $t c WHERE c.run_id = r.run_id)"
done
query="$query;
$per_run FROM runs r ORDER BY run_id;"

# A reference run, timed (ms), gives the expected rows of a whole run.
start=$(date +%s%N)
"$bin" run "$tmp/kill.yaml" --db "$db" --quiet >/dev/null || fail "reference run failed"
ms=$((($(date +%s%N) - start) / 1000000))
want=$(sqlite3 "$db" "$query" | sed -n '4s/^1 //p')
[ "$(echo "$want" | cut -d' ' -f6)" -ge 5400 ] || fail "reference run too small: $want"

check() {
	local out line
	out=$(sqlite3 "$db" "$query") || fail "kill $1: cannot query the database"
	[ "$(sed -n 1p <<<"$out")" = ok ] || fail "kill $1: integrity_check: $(head -3 <<<"$out")"
	[ "$(sed -n 2p <<<"$out")" = 0 ] || fail "kill $1: runs without a summary"
	[ "$(sed -n 3p <<<"$out")" = 0 ] || fail "kill $1: child rows without a runs row"
	while read -r line; do
		[ "${line#* }" = "$want" ] ||
			fail "kill $1: run ${line%% *} has rows ${line#* }, a whole run has $want"
	done < <(sed -n '4,$p' <<<"$out")
	nruns=$(($(wc -l <<<"$out") - 3))
}

# usleep N: sleeps N microseconds.
usleep() {
	sleep "$(printf '%d.%06d' $(($1 / 1000000)) $(($1 % 1000000)))"
}

# Starts a run in the background (pid in $pid); with "open", returns once
# it has opened the database (its -wal file exists) or has ended.
start_run() {
	"$bin" run "$tmp/kill.yaml" --db "$db" --quiet >/dev/null 2>&1 &
	pid=$!
	if [ "${1:-}" = open ]; then
		while [ ! -e "$db-wal" ] && kill -0 "$pid" 2>/dev/null; do :; done
	fi
}

# How long a run keeps the database open (us): from its -wal file appearing
# to its removal by the checkpoint on close (the transaction and the commit
# are in between).
t0=$(date +%s%N)
start_run open
t1=$(date +%s%N)
while [ -e "$db-wal" ] && kill -0 "$pid" 2>/dev/null; do :; done
open_us=$((($(date +%s%N) - t1) / 1000))
wait "$pid" || fail "second reference run failed"
run_us=$((($(date +%s%N) - t0) / 1000))

before_commit=0
committed=0
open_kills=0
nruns=2
for i in $(seq "$kills"); do
	runs=$nruns
	if [ $((i % 2)) = 1 ]; then
		# Anywhere in the run.
		start_run
		usleep $(((RANDOM * 32768 + RANDOM) % (run_us + 1)))
	else
		# While the database is open: inside the write.
		start_run open
		usleep $(((RANDOM * 32768 + RANDOM) % (open_us + 1)))
	fi
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	# A WAL left behind (empty while rows are inserted: SQLite writes it at
	# the commit) means the kill came while the database was open; a
	# completed run's close checkpoints and removes it.
	[ -e "$db-wal" ] && open_kills=$((open_kills + 1))
	check "$i"
	if [ "$nruns" -gt "$runs" ]; then
		committed=$((committed + 1))
	else
		before_commit=$((before_commit + 1))
	fi
done
echo "kill_integrity: $kills kills, half anywhere in a run ($((run_us / 1000)) ms), half while" \
	"it has the database open ($((open_us / 1000)) ms): $before_commit before the commit" \
	"($open_kills with the database open), $committed after; database valid, no partial run"
[ "$before_commit" -gt 0 ] || fail "no kill landed before a commit"
[ "$open_kills" -gt 0 ] || fail "no kill landed while the database was open"
[ "$committed" -gt 0 ] || fail "no run committed: the delays are too short"
