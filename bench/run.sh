#!/usr/bin/env bash
# Runs clustersim's benchmarks (Release build) and prints one table:
# wall time, events/s, simulated requests/s, peak RSS.
#   bench/run.sh            all scenario benchmarks and the peers
#   bench/run.sh mm1        one of them (mm1 | peers | hold | sched | store)
# Scenario benchmarks live in bench/scenarios/; figures go to docs/performance.md.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
bin=$build/clustersim
only=${1:-all}
db=$(mktemp -d)/bench.db
trap 'rm -rf "$(dirname "$db")"' EXIT

row() { printf '%-22s %10s %14s %14s %10s\n' "$@"; }

# A scenario under bench/scenarios/: parse the run summary clustersim prints.
scenario() {
	local name=$1 out wall events reqs rss
	out=$("$bin" run "bench/scenarios/$name.yaml" --db "$db" --quiet)
	wall=$(sed -n 's/.* in \([0-9.]*\) s wall.*/\1/p' <<<"$out")
	events=$(sed -n 's/.*(\([0-9]*\) events.*/\1/p' <<<"$out")
	reqs=$(sed -n 's/^  requests *\([0-9]*\),.*/\1/p' <<<"$out")
	rss=$(sed -n 's/.*peak RSS \([0-9.]*\) MiB.*/\1/p' <<<"$out")
	row "$name" "$wall" "$(awk -v e="$events" -v w="$wall" 'BEGIN{printf "%.2fM", e/w/1e6}')" \
		"$(awk -v e="$reqs" -v w="$wall" 'BEGIN{printf "%.2fM", e/w/1e6}')" "${rss}MiB"
}

row benchmark "wall s" "events/s" "requests/s" "peak RSS"
case $only in all | mm1) scenario mm1 ;; esac
for s in bench/scenarios/*.yaml; do
	n=$(basename "$s" .yaml)
	[ "$n" = mm1 ] && continue
	case $only in all | "$n") scenario "$n" ;; esac
done
case $only in all | peers)
	echo
	echo "peers (../shared/peers/run 0.9 1.0 1 10000000): same M/M/1 model, 10 M customers"
	if [ -x ../shared/peers/run ]; then ../shared/peers/run 0.9 1.0 1 10000000; else echo "(../shared/peers not found)"; fi
	;;
esac
case $only in all | hold) [ -x "$build/bench_hold" ] && { echo; "$build/bench_hold"; } ;; esac
case $only in all | sched) [ -x "$build/bench_sched" ] && { echo; "$build/bench_sched"; } ;; esac
case $only in all | store) [ -x "$build/bench_store" ] && { echo; "$build/bench_store"; } ;; esac
exit 0
