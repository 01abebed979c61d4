#!/usr/bin/env bash
# Installs dependencies, builds bench_model and the demo models in build/, and
# benchmarks the default model (build/models/demo_int8.lbm). Arguments go to
# bench_model, e.g. scripts/bench.sh --num_threads=2 --enable_op_profiling=true
# LOWBIT_JOBS sets build parallelism (default 2); LOWBIT_BUILD_DIR (relative
# to the repository) overrides the build folder.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir="$root/${LOWBIT_BUILD_DIR:-build}"
jobs=${LOWBIT_JOBS:-2}

"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build_dir" -G Ninja >/dev/null
cmake --build "$build_dir" -j "$jobs" --target bench_model lowbit_models
exec "$build_dir/bin/bench_model" "$@"
