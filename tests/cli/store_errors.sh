#!/usr/bin/env bash
# tests/cli/store_errors.sh BIN -- the results database under stress from
# outside: several processes appending at once, a read-only file or folder,
# a full disk, and SIGINT. Each failure must be exit status 1 with one clear
# message and leave the database valid without a partial run.
#
# Read-only cases: root ignores file modes, so as root the binary runs as
# nobody (setpriv); without setpriv they are skipped. Full disk: always with
# RLIMIT_FSIZE (`ulimit -f`, SIGXFSZ ignored, so writes past the limit fail
# like a full disk without privileges); as root also on a 256 KiB tmpfs when
# mounting works, for a real ENOSPC.
set -u
shopt -s extglob
bin=$1
tmp=$(mktemp -d)
chmod 755 "$tmp"
mnt=
cleanup() {
	[ -n "$mnt" ] && umount "$mnt" 2>/dev/null
	chmod -R u+w "$tmp" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fails=0

fail() {
	echo "store_errors: $*" >&2
	fails=$((fails + 1))
}

cat >"$tmp/s.yaml" <<'EOF'
name: s
duration: 15m
sample_interval: 5s
node_groups:
  - {name: w, instance_type: m5.large, count: 3}
workloads:
  - name: web
    replicas: 30
    requests: {cpu: 50m, memory: 64Mi}
EOF
chmod 644 "$tmp/s.yaml"

# expect STATUS MESSAGE_PATTERN ARGS...: status and stderr (a bash pattern).
expect() {
	local want_rc=$1 pat=$2 rc err
	shift 2
	"$@" >/dev/null 2>"$tmp/stderr"
	rc=$?
	err=$(cat "$tmp/stderr")
	# shellcheck disable=SC2053
	if [ "$rc" != "$want_rc" ] || [[ $err != $pat ]]; then
		fail "$*: status $rc (want $want_rc), stderr \"$err\", want \"$pat\""
	fi
}

# valid DB [RUNS]: integrity ok, no orphan rows, RUNS runs each with 180
# samples x 30 pods of pod_samples (one sample every 5 s for 15 min, the
# one at 15 min included or not: 5400 or 5430).
valid() {
	local db=$1 want=${2:-} out
	out=$(sqlite3 "$db" "PRAGMA integrity_check;
		SELECT count(*) FROM runs WHERE run_id NOT IN (SELECT run_id FROM summary);
		SELECT count(*) FROM pod_samples WHERE run_id NOT IN (SELECT run_id FROM runs);
		SELECT count(*) FROM runs;
		SELECT count(DISTINCT n) FROM (SELECT count(*) AS n FROM pod_samples GROUP BY run_id);
		SELECT min(n) FROM (SELECT count(*) AS n FROM pod_samples GROUP BY run_id);") ||
		{ fail "$db: cannot query"; return; }
	mapfile -t r <<<"$out"
	[ "${r[0]}" = ok ] || fail "$db: integrity_check: ${r[0]}"
	[ "${r[1]}" = 0 ] && [ "${r[2]}" = 0 ] || fail "$db: orphan rows: ${r[1]} ${r[2]}"
	[ -z "$want" ] || [ "${r[3]}" = "$want" ] || fail "$db: ${r[3]} runs, want $want"
	if [ "${r[3]}" != 0 ]; then
		[ "${r[4]}" = 1 ] || fail "$db: runs differ in their pod_samples"
		[ "${r[5]}" -ge 5400 ] || fail "$db: a run has ${r[5]} pod samples, want 5400"
	fi
}

# ---- several writers at once ------------------------------------------------
# Four processes create one new database together (WAL switch retried), then
# four more append to it; all must succeed with whole runs.
for round in 1 2; do
	pids=()
	for i in 1 2 3 4; do
		"$bin" run "$tmp/s.yaml" --db "$tmp/shared.db" --seed "$round$i" --quiet >/dev/null \
			2>"$tmp/w$round$i.err" &
		pids+=($!)
	done
	for i in 0 1 2 3; do
		wait "${pids[$i]}" || fail "concurrent writer $round.$i failed: $(cat "$tmp/w$round$((i + 1)).err")"
	done
done
valid "$tmp/shared.db" 8

# ---- SIGINT -----------------------------------------------------------------
# A day at 1000 requests/s takes seconds of wall time: SIGINT 0.3 s after the
# handler is surely installed (three times what loading the scenario takes:
# before the handler, a background job ignores SIGINT) stops the
# simulation; nothing is written, the database is not created.
cat >"$tmp/long.yaml" <<'EOF'
name: long
duration: 1d
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
start=$(date +%s%N)
"$bin" validate "$tmp/long.yaml" >/dev/null || fail "long.yaml does not validate"
ms=$((($(date +%s%N) - start) / 1000000 * 3 + 300))
pause=$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))
"$bin" run "$tmp/long.yaml" --db "$tmp/int.db" --quiet >/dev/null 2>"$tmp/int.err" &
pid=$!
sleep "$pause"
kill -INT "$pid"
wait "$pid"
rc=$?
err=$(cat "$tmp/int.err")
[ "$rc" = 1 ] || fail "SIGINT: status $rc, want 1"
[[ $err == "clustersim: interrupted at simulated time "*" s; nothing written" ]] ||
	fail "SIGINT: stderr \"$err\""
[ ! -e "$tmp/int.db" ] || fail "SIGINT: $tmp/int.db was created"
# SIGINT while appending to an existing database leaves it as it was.
"$bin" run "$tmp/long.yaml" --db "$tmp/shared.db" --quiet >/dev/null 2>&1 &
pid=$!
sleep "$pause"
kill -INT "$pid"
wait "$pid"
[ $? = 1 ] || fail "SIGINT with an existing database: status not 1"
valid "$tmp/shared.db" 8

# ---- full disk --------------------------------------------------------------
# 200 KiB hold the schema of a new database but not a run (about 1 MB).
# Written at the run's end (--threads 1), the new file keeps the schema and
# no run; streamed as the run goes (--threads 2, writer.h), the file never
# appears, nor the private one it is written as.
for threads in 1 2; do
	(
		trap '' XFSZ
		ulimit -f 200
		expect 1 "clustersim: $tmp/fsize$threads.db: cannot write run: @(disk I/O error|database or disk is full)" \
			"$bin" run "$tmp/s.yaml" --db "$tmp/fsize$threads.db" --quiet --threads "$threads"
		exit "$fails"
	) || fails=$((fails + 1))
done
valid "$tmp/fsize1.db" 0
[ ! -e "$tmp/fsize2.db" ] || fail "full disk, streamed: $tmp/fsize2.db was created"
if [ "$(id -u)" = 0 ] && mkdir "$tmp/mnt" && mount -t tmpfs -o size=256k tmpfs "$tmp/mnt" 2>/dev/null; then
	mnt=$tmp/mnt
	expect 1 "clustersim: $mnt/full1.db: cannot write run: database or disk is full" \
		"$bin" run "$tmp/s.yaml" --db "$mnt/full1.db" --quiet --threads 1
	valid "$mnt/full1.db" 0
	rm -f "$mnt/full1.db"*
	expect 1 "clustersim: $mnt/full2.db: cannot write run: database or disk is full" \
		"$bin" run "$tmp/s.yaml" --db "$mnt/full2.db" --quiet --threads 2
	[ ! -e "$mnt/full2.db" ] || fail "full disk, streamed: $mnt/full2.db was created"
	leftover=$(find "$mnt" -name '.*.partial-*')
	[ -z "$leftover" ] || fail "full disk: private files left behind: $leftover"
	umount "$mnt"
	mnt=
else
	echo "store_errors: tmpfs full-disk case skipped (needs root and mount)"
fi

# ---- read-only file and folder ----------------------------------------------
as_user=()
if [ "$(id -u)" = 0 ]; then
	if command -v setpriv >/dev/null; then
		as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	else
		as_user=(skip)
	fi
fi
if [ "${as_user[0]:-}" != skip ]; then
	mkdir "$tmp/ro" && chmod 755 "$tmp/ro"
	"$bin" run "$tmp/s.yaml" --db "$tmp/ro/r.db" --quiet >/dev/null || fail "cannot make ro/r.db"
	[ "$(id -u)" = 0 ] && chown -R 65534 "$tmp/ro"
	chmod 444 "$tmp/ro/r.db"
	expect 1 "clustersim: $tmp/ro/r.db: cannot append results: the file is read-only" \
		"${as_user[@]}" "$bin" run "$tmp/s.yaml" --db "$tmp/ro/r.db" --quiet
	chmod 644 "$tmp/ro/r.db"
	chmod 555 "$tmp/ro"
	expect 1 "clustersim: $tmp/ro/r.db: cannot append results: folder '$tmp/ro' is not writable (Permission denied)" \
		"${as_user[@]}" "$bin" run "$tmp/s.yaml" --db "$tmp/ro/r.db" --quiet
	expect 1 "clustersim: $tmp/ro/new.db: cannot append results: folder '$tmp/ro' is not writable (Permission denied)" \
		"${as_user[@]}" "$bin" run "$tmp/s.yaml" --db "$tmp/ro/new.db" --quiet
	chmod 755 "$tmp/ro"
	valid "$tmp/ro/r.db" 1
else
	echo "store_errors: read-only cases skipped (root without setpriv)"
fi

# Runs streamed into new files (writer.h) leave no private file behind:
# not when they fail, not when another process created the file first.
leftover=$(find "$tmp" -name '.*.partial-*')
[ -z "$leftover" ] || fail "private files left behind: $leftover"

[ "$fails" = 0 ] && echo "store_errors: ok"
[ "$fails" = 0 ]
