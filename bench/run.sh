#!/usr/bin/env bash
# Runs clustersim's benchmarks (Release build) and prints one table:
# wall time, CPU time, events/s, simulated requests/s, peak RSS, database size.
#   bench/run.sh            the scenario benchmarks, the scaling series and the peers
#   bench/run.sh NAME...    some of them: mm1 story-day large (bench/scenarios/NAME.yaml),
#                           series (nodes + requests), nodes, requests, peers, hold, sched, store
# events/s and req/s are per wall second as clustersim's run summary prints
# them; ev/CPU-s and req/CPU-s per CPU second (user + system, bash's time to
# the millisecond),
# which is what to compare on a shared machine. The scaling series are written by
# bench/gen.sh into a temporary folder. Figures go to docs/performance.md.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
bin=$build/clustersim
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

row() { printf '%-20s %8s %8s %10s %10s %10s %10s %10s %8s\n' "$@"; }
per() { awk -v n="$1" -v d="$2" 'BEGIN{ if (d > 0) printf "%.2fM", n/d/1e6; else print "-" }'; }

# One scenario file (and options for `run`): parse the run summary clustersim
# prints, CPU from bash's time (milliseconds: time(1) prints hundredths, as
# long as the shortest runs take). Also notes "name cpu events" in $tmp/cpu
# for growth().
scenario() {
	local name=$1 file=$2 out wall cpu events reqs rss db=$tmp/$1.db
	shift 2
	rm -f "$db"
	out=$( { TIMEFORMAT='cpu %3U %3S'; time "$bin" run "$file" --db "$db" --quiet "$@"; } 2>&1)
	wall=$(sed -n 's/.* in \([0-9.]*\) s wall.*/\1/p' <<<"$out")
	cpu=$(awk '/^cpu /{printf "%.3f", $2 + $3}' <<<"$out")
	events=$(sed -n 's/.*(\([0-9]*\) events.*/\1/p' <<<"$out")
	reqs=$(sed -n 's/^  requests *\([0-9]*\),.*/\1/p' <<<"$out")
	rss=$(sed -n 's/.*peak RSS \([0-9.]*\) MiB.*/\1/p' <<<"$out")
	echo "$name $cpu $events" >>"$tmp/cpu"
	row "$name" "$wall" "$cpu" "$(per "$events" "$wall")" "$(per "${reqs:-0}" "$wall")" \
		"$(per "$events" "$cpu")" "$(per "${reqs:-0}" "$cpu")" "${rss}MiB" "$(du -m "$db" | cut -f1)MB"
	rm -f "$db"
}

want() { [ "$only" = all ] || grep -qw -- "$1" <<<"$only"; }
only=${*:-all}
row benchmark "wall s" "CPU s" "events/s" "req/s" "ev/CPU-s" "req/CPU-s" "peak RSS" "db"
for s in mm1 story-day large; do want "$s" && scenario "$s" "bench/scenarios/$s.yaml"; done
# The nodes series also runs each file for its first 30 s (start-up: every pod
# scheduled, started and Ready after 20 s), so that growth() can show the
# steady state apart.
for n in 10 100 1000 10000; do
	if want nodes || want series; then
		bench/gen.sh nodes "$n" "$tmp/nodes-$n.yaml"
		scenario "nodes-$n" "$tmp/nodes-$n.yaml"
		scenario "nodes-$n-30s" "$tmp/nodes-$n.yaml" --set duration=30s
	fi
done
# CPU microseconds per event after the start-up, per nodes-N: (CPU - CPU of
# the 30 s run) / (events - its events). Flat means no term grows with N.
# nodes-10 runs for about 10 ms of CPU: its figure is good to about 10 %.
growth() {
	echo
	echo "nodes series, steady state: CPU us per event after the first 30 s"
	awk '{ cpu[$1] = $2; ev[$1] = $3 }
	     END { for (n = 10; n <= 10000; n *= 10) {
			k = "nodes-" n; s = k "-30s"
			if (!(k in cpu) || !(s in cpu) || ev[k] <= ev[s]) continue
			printf "  %-12s start-up %8.3f CPU-s   %6.3f us/event over %d events\n",
			       k, cpu[s], (cpu[k] - cpu[s]) * 1e6 / (ev[k] - ev[s]), ev[k] - ev[s] } }' "$tmp/cpu"
}
for r in 100000 1000000 10000000 100000000; do
	if want requests || want series; then
		bench/gen.sh requests "$r" "$tmp/requests-$r.yaml"
		scenario "requests-$r" "$tmp/requests-$r.yaml"
	fi
done
if want nodes || want series; then growth; fi
if want peers; then
	echo
	echo "peers (../shared/peers/run 0.9 1.0 1 10000000): same M/M/1 model, 10 M customers"
	if [ -x ../shared/peers/run ]; then ../shared/peers/run 0.9 1.0 1 10000000; else echo "(../shared/peers not found)"; fi
fi
if want hold && [ -x "$build/bench_hold" ]; then echo; "$build/bench_hold"; fi
if want sched && [ -x "$build/bench_sched" ]; then echo; "$build/bench_sched"; fi
if want store && [ -x "$build/bench_store" ]; then echo; "$build/bench_store"; fi
exit 0
