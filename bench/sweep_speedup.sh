#!/usr/bin/env bash
# -j N against -j 1 on bench/sweep.yaml (docs/performance.md, "Sweeps on
# all cores"): wall time of each, the speed-up, and a check that both
# databases hold the same results.
#   bench/sweep_speedup.sh path/to/clustersim [N]     (a Release build; N default 2)
set -eu
bin=$(realpath "$1")
jobs=${2:-2}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
wall() {
	local t0 t1
	t0=$(date +%s.%N)
	"$bin" sweep "$here/sweep.yaml" --db "$tmp/$1.db" -j "$2" --quiet >/dev/null
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }'
}
t1=$(wall j1 1)
tn=$(wall "j$jobs" "$jobs")
q="SELECT r.point, r.seed, s.cost_per_month_usd, s.requests, s.latency_p99_ms, r.events
   FROM runs r JOIN summary s ON s.run_id = r.run_id ORDER BY r.point, r.seed"
[ "$(sqlite3 "$tmp/j1.db" "$q")" = "$(sqlite3 "$tmp/j$jobs.db" "$q")" ] ||
	{ echo "results differ between -j 1 and -j $jobs" >&2; exit 1; }
runs=$(sqlite3 "$tmp/j1.db" "SELECT count(*) FROM runs")
printf 'runs %d  -j 1: %.1f s  -j %d: %.1f s  speed-up %.2f  (%s, %d cores, load %s)\n' \
	"$runs" "$t1" "$jobs" "$tn" "$(awk -v a="$t1" -v b="$tn" 'BEGIN { print a / b }')" "$(date -u +%F)" "$(nproc)" \
	"$(cut -d' ' -f1-3 /proc/loadavg)"
