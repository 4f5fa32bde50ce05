#!/usr/bin/env bash
# Runs clustersim's benchmarks (Release build) and prints one table:
# wall time, CPU time, events/s, simulated requests/s, peak RSS, database size.
#   bench/run.sh            the scenario benchmarks, the scaling series and the peers
#   bench/run.sh NAME...    some of them: mm1 story-day large (bench/scenarios/NAME.yaml),
#                           series (nodes + requests), nodes, requests, peers, hold, sched,
#                           store, memory; and, only when named, instructions (cachegrind)
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
# steady state apart. BENCH_NODES overrides the sizes (a scenario allows up
# to 15,000 nodes).
nodes=${BENCH_NODES:-10 100 1000 2000 5000 10000}
for n in $nodes; do
	if want nodes || want series; then
		bench/gen.sh nodes "$n" "$tmp/nodes-$n.yaml"
		scenario "nodes-$n" "$tmp/nodes-$n.yaml"
		scenario "nodes-$n-30s" "$tmp/nodes-$n.yaml" --set duration=30s
	fi
done
# Per nodes-N, the start-up and the steady state apart:
# - start-up: CPU of the 30 s run per pod (10 N pods), and per node scored:
#   each decision scores kube-scheduler's numFeasibleNodesToFind(N) nodes
#   (percentage 50 - N/125, at least 5 %, at least 100 nodes; schedule_one.go,
#   ../shared/reference/kubernetes-aws.md section 4), which grows with N by
#   upstream's definition: flat ns per scored node means no other term;
# - steady state: (CPU - CPU of the 30 s run) / (events - its events).
growth() {
	echo
	echo "nodes series: start-up (first 30 s) and steady state (after it), CPU time"
	awk -v sizes="$nodes" '{ cpu[$1] = $2; ev[$1] = $3 }
	     function feasible(n,   p, k) {
			if (n < 100) return n
			p = 50 - int(n / 125); if (p < 5) p = 5
			k = int(n * p / 100); return k < 100 ? 100 : k }
	     END { printf "  %-12s %10s %9s %8s %13s %12s %12s\n", "", "start-up s", "us/pod", "scored", "ns/scored", "us/event", "events"
		   m = split(sizes, sz, " ")
		   for (i = 1; i <= m; i++) {
			n = sz[i]; k = "nodes-" n; s = k "-30s"
			if (!(k in cpu) || !(s in cpu) || ev[k] <= ev[s]) continue
			pods = 10 * n; f = feasible(n)
			printf "  %-12s %10.3f %9.2f %8d %13.1f %12.3f %12d\n", k, cpu[s], cpu[s] * 1e6 / pods,
			       f, cpu[s] * 1e9 / pods / f, (cpu[k] - cpu[s]) * 1e6 / (ev[k] - ev[s]), ev[k] - ev[s] } }' "$tmp/cpu"
}
# Instructions per event after the first 30 s, counted by cachegrind
# (valgrind) on the 30 s and 90 s runs: the work per event apart from what
# the machine's memory makes of it (bench_memory). No cache simulation:
# on this VM cachegrind ignores --LL and models the CPUID's bogus last
# level. Only when named (bench/run.sh instructions): about 2 minutes.
instructions() {
	local n d f
	command -v valgrind >/dev/null || { echo "instructions: valgrind is not installed (apt-get install valgrind)"; return; }
	echo
	echo "nodes series under cachegrind: instructions per event after the first 30 s"
	for n in ${BENCH_INSTR_NODES:-100 1000 10000}; do
		f=$tmp/nodes-$n.yaml
		bench/gen.sh nodes "$n" "$f"
		for d in 30s 90s; do
			valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$bin" run "$f" --db "$tmp/instr-$n-$d.db" \
				--quiet --threads 1 --set duration=$d >"$tmp/instr-$n-$d" 2>&1 &
		done
		wait
		rm -f "$tmp"/instr-"$n"-*.db*
		awk -v n="$n" '
			function num(s) { gsub(",", "", s); return s + 0 }
			/ events/ { sub(/.*\(/, ""); ev[FILENAME] = $1 + 0 }
			/I *refs:/ { ir[FILENAME] = num($4) }
			END { a = ARGV[1]; b = ARGV[2]; e = ev[b] - ev[a]
			      if (e > 0) printf "  nodes-%-6s %8.0f instructions/event over %d events\n",
				     n, (ir[b] - ir[a]) / e, e }' "$tmp/instr-$n-30s" "$tmp/instr-$n-90s"
	done
}
for r in 100000 1000000 10000000 100000000; do
	if want requests || want series; then
		bench/gen.sh requests "$r" "$tmp/requests-$r.yaml"
		scenario "requests-$r" "$tmp/requests-$r.yaml"
	fi
done
if want nodes || want series; then growth; fi
if [ "$only" != all ] && want instructions; then instructions; fi
if want peers; then
	echo
	echo "peers (../shared/peers/run 0.9 1.0 1 10000000): same M/M/1 model, 10 M customers"
	if [ -x ../shared/peers/run ]; then ../shared/peers/run 0.9 1.0 1 10000000; else echo "(../shared/peers not found)"; fi
fi
if want hold && [ -x "$build/bench_hold" ]; then echo; "$build/bench_hold"; fi
if want sched && [ -x "$build/bench_sched" ]; then echo; "$build/bench_sched"; fi
if want store && [ -x "$build/bench_store" ]; then echo; "$build/bench_store"; fi
if want memory && [ -x "$build/bench_memory" ]; then echo; "$build/bench_memory"; fi
exit 0
