#!/usr/bin/env bash
# Runs the whole test suite under valgrind memcheck (docs/robustness.md).
#   scripts/valgrind.sh [ctest option ...]
# Builds build-valgrind/ without sanitizers (Debug; valgrind and ASan do not
# mix) with TEST_LAUNCHER set, so every test program and every clustersim the
# tests start runs under
#   valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect
#            --error-exitcode=1
# Each process logs to build-valgrind/valgrind/<pid>.log; the script fails
# when a test fails or when any log reports an error or a definite or
# indirect leak (a process whose exit status a test ignores is caught
# there). cli_kill_integrity is left out: it SIGKILLs clustersim on purpose
# (a killed process reports nothing) and times its kills to a normal run.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh valgrind
build=${VALGRIND_BUILD_DIR:-build-valgrind}
case $build in
/*) logs=$build/valgrind ;;
*) logs=$PWD/$build/valgrind ;;
esac
launcher="valgrind;--quiet;--leak-check=full;--show-leak-kinds=definite,indirect"
launcher="$launcher;--errors-for-leak-kinds=definite,indirect;--error-exitcode=1"
launcher="$launcher;--track-fds=no;--log-file=$logs/%p.log"
cmake -S . -B "$build" -DSANITIZE=OFF -DWERROR=ON -DCMAKE_BUILD_TYPE=Debug \
	"-DTEST_LAUNCHER=$launcher" >/dev/null
cmake --build "$build" -j"$(nproc)"
rm -rf "$logs"
mkdir -p "$logs"
# Some tests run clustersim as nobody (tests/cli/store_errors.sh).
chmod 1777 "$logs"
start=$(date +%s)
rc=0
(cd "$build" && ctest --output-on-failure -j"$(nproc)" --timeout 1800 -E '^cli_kill_integrity$' "$@") ||
	rc=1
# --quiet leaves a log empty unless valgrind has something to say.
bad=0
for f in "$logs"/*.log; do
	[ -s "$f" ] || continue
	if grep -Eq 'ERROR SUMMARY: [1-9]|definitely lost: [1-9]|indirectly lost: [1-9]|Invalid (read|write|free)|uninitialised' "$f"; then
		echo "valgrind: $f:" >&2
		head -60 "$f" >&2
		bad=$((bad + 1))
	fi
done
echo "valgrind: $(ls "$logs" | wc -l) processes checked, $bad with errors, $(($(date +%s) - start)) s" >&2
[ "$bad" = 0 ] || rc=1
exit $rc
