#!/usr/bin/env bash
# Runs bench_model on the build's models (the generated ones, plus the converted
# MobileNetV2 and KWS models when ../shared/models was present at build time)
# with the reference and automatic kernel sets, then draws docs/images/*.svg
# with scripts/make_charts.py in a venv inside the build folder.
#   scripts/bench-charts.sh [BUILD_DIR] [NUM_RUNS]     (default: build, 20)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=$(cd "${1:-$root/build}" && pwd)
runs=${2:-20}
out=$build_dir/bench-json
mkdir -p "$out"
for model in demo_int8 block_int8 block_binary block_float kws_ref_model mobilenet_v2_1.0_224_ptq; do
  graph=$build_dir/models/$model.lbm
  [[ -f "$graph" ]] || { echo "bench-charts: skipping $model (no $graph)"; continue; }
  for kernel in reference auto; do
    "$build_dir/bin/bench_model" --graph="$graph" --kernel=$kernel --num_runs="$runs" \
      --warmup_runs=3 --enable_op_profiling --output_json="$out/$model.$kernel.json" >/dev/null
  done
done
venv=$build_dir/charts-venv
[[ -x "$venv/bin/python" ]] || { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet matplotlib; }
"$venv/bin/python" "$root/scripts/make_charts.py" "$root/docs/images" "$out"/*.json
