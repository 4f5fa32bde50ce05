#!/usr/bin/env bash
# The main job: installs what is missing, builds clustersim (Release), runs the
# story scenarios and the instance-choice sweep into results/*.db (SQLite),
# prints their reports and draws their charts into results/charts/.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" -j"$(nproc)"
exec scripts/story.sh "$build/clustersim" --update-docs
