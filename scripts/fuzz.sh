#!/usr/bin/env bash
# Fuzzes the loaders with libFuzzer (docs/robustness.md).
#   scripts/fuzz.sh TARGET MINUTES [libFuzzer option ...]
#   scripts/fuzz.sh all MINUTES [libFuzzer option ...]   every target, nproc at a time
# TARGET is scenario, sweep, units or set (fuzz/fuzz.h). Builds build-fuzz/
# (clang, FUZZ=ON: coverage + ASan + UBSan), grows build-fuzz/corpus/TARGET from
# the committed seeds fuzz/corpus/TARGET plus scenarios/ and tests/data/, and
# writes crashing inputs to build-fuzz/crashes/TARGET/. Exit status 1 when any
# target crashed. A crash is fixed by fixing the code and saving the input as
# tests/data/fuzz/TARGET/NAME (tests/test_fuzz_regressions.c replays it).
set -eu
cd "$(dirname "$0")/.."
targets="scenario sweep units set"

if [ $# -lt 2 ] || ! [[ $2 =~ ^[0-9]+$ ]]; then
	echo "usage: scripts/fuzz.sh scenario|sweep|units|set|all MINUTES [libFuzzer option ...]" >&2
	exit 2
fi
which=$1
minutes=$2
shift 2
if [ "$which" != all ] && ! [[ " $targets " == *" $which "* ]]; then
	echo "scripts/fuzz.sh: unknown target \"$which\" (expected one of: $targets, all)" >&2
	exit 2
fi

# clang and its libFuzzer runtime (Debian: clang, libclang-rt-N-dev).
if ! command -v clang >/dev/null; then
	scripts/deps.sh clang
fi
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n);\n'`
	`'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' >"$probe/p.c"
if ! clang -fsanitize=fuzzer "$probe/p.c" -o "$probe/p" 2>/dev/null; then
	ver=$(clang -dumpversion | cut -d. -f1)
	scripts/deps.sh "libclang-rt-$ver-dev"
fi
scripts/deps.sh

build=${BUILD_DIR:-build-fuzz}
cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DFUZZ=ON -DBUILD_TESTING=OFF \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null

# Longest input tried per target: the largest seed is tests/data/full.yaml (4 KiB).
max_len() {
	case $1 in
	scenario) echo 16384 ;;
	sweep) echo 4096 ;;
	units) echo 128 ;;
	set) echo 2048 ;;
	esac
}

seed() {
	local t=$1 dir=$build/corpus/$1
	mkdir -p "$dir" "$build/crashes/$t"
	case $t in
	scenario) find scenarios tests/data -name '*.yaml' ! -name 'sweep*' -exec cp {} "$dir/" \; ;;
	sweep) find scenarios tests/data -name 'sweep*.yaml' -exec cp {} "$dir/" \; ;;
	esac
}

fuzz_one() {
	local t=$1 dict=()
	shift
	case $t in
	scenario | sweep | set) dict=(-dict=fuzz/scenario.dict) ;;
	esac
	seed "$t"
	# -timeout: an input taking 10 s is a hang; -rss_limit_mb: the loader
	# must refuse input before it needs 2 GiB. New inputs go to the first
	# corpus folder; the committed seeds are only read.
	"$build/fuzz_$t" -max_total_time=$((minutes * 60)) -timeout=10 -rss_limit_mb=2048 \
		-max_len="$(max_len "$t")" -print_final_stats=1 "${dict[@]}" \
		-artifact_prefix="$build/crashes/$t/" "$@" \
		"$build/corpus/$t" "fuzz/corpus/$t" >"$build/fuzz-$t.log" 2>&1
}

summary() {
	local t=$1 log=$build/fuzz-$t.log crashes
	crashes=$(find "$build/crashes/$t" -type f -newer "$build/fuzz-started" | wc -l)
	printf '%-9s %s; %s; new crash files: %s\n' "$t" \
		"$(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 || true)" \
		"$(grep -Eo 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -1 || true)" \
		"$crashes"
}

if [ "$which" = all ]; then
	list=$targets
else
	list=$which
fi
rc=0
running=0
touch "$build/fuzz-started" # crashes of earlier runs are not counted
for t in $list; do
	echo "fuzzing $t for $minutes min (log: $build/fuzz-$t.log)" >&2
	fuzz_one "$t" "$@" &
	running=$((running + 1))
	if [ "$running" -ge "$(nproc)" ]; then
		wait -n || rc=1
		running=$((running - 1))
	fi
done
while [ "$running" -gt 0 ]; do
	wait -n || rc=1
	running=$((running - 1))
done
for t in $list; do
	summary "$t"
done
exit $rc
