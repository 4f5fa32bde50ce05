#!/usr/bin/env bash
# The test command: installs what is missing, builds with AddressSanitizer and
# UndefinedBehaviorSanitizer (warnings are errors) and runs the whole suite;
# with CLUSTERSIM_VALGRIND=1 also under valgrind.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
build=${BUILD_DIR:-build-test}
# Debug keeps assert() on; -O2 keeps the whole-run tests (days of simulated
# traffic) fast enough under the sanitizers.
cmake -S . -B "$build" -DSANITIZE=ON -DWERROR=ON -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-O2 -g" >/dev/null
cmake --build "$build" -j"$(nproc)"
(cd "$build" && ctest --output-on-failure -j"$(nproc)" --timeout 600)
# CLUSTERSIM_VALGRIND=1: then the whole suite again under valgrind memcheck,
# without sanitizers (scripts/valgrind.sh; docs/robustness.md gives its time).
if [ "${CLUSTERSIM_VALGRIND:-}" = 1 ]; then
	scripts/valgrind.sh
fi
