#!/usr/bin/env bash
# lowbit beside Larq Compute Engine's interpreter on the binary models, one run, one table.
#   scripts/bench_binary_peers.sh [BUILD_DIR] [RUNS]
# BUILD_DIR (default build) must have bin/bench_model, bin/lowbit-run, bin/lowbit-convert;
# the models are generated into BUILD_DIR/binary_models by scripts/make_binary_models.py
# when missing. Needs .venv with larq and larq-compute-engine (scripts/install-deps.sh).
# Exits non-zero if --kernel=reference and --kernel=auto outputs differ on any model.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
runs="${2:-30}"
python="$root/.venv/bin/python"
models="$build/binary_models"
if ! ls "$models"/*.tflite >/dev/null 2>&1; then
  "$python" "$root/scripts/make_binary_models.py" "$models" >&2
fi
export TF_CPP_MIN_LOG_LEVEL=2
exec "$python" "$root/scripts/bench_binary_peers.py" --models "$models" --bin "$build/bin" --runs "$runs"
