#!/usr/bin/env bash
# Load time of every shared model under 5 MB (issue 16's target: <= 1 ms): each .tflite in
# ../shared/models (or $LOWBIT_MODELS_DIR) converted with lowbit-convert, then bench_load's
# best-of-N Model::load (bench_model's "Model load") and Interpreter prepare per model.
#   scripts/bench_load.sh [--build build] [--reps 20] [--threads 1] [--profile P] [--all]
# --all keeps the 31 single-operator seanet models of the zoo (left out by default: 0.05 ms each).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build" reps=20 threads=1 profile=tflite_reference all=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --build) build=$(realpath -m "$2"); shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --profile) profile=$2; shift 2 ;;
    --all) all=1; shift ;;
    *) sed -n '2,6p' "$0" >&2; exit 2 ;;
  esac
done
models="${LOWBIT_MODELS_DIR:-$root/../shared/models}"
for tool in lowbit-convert bench_load; do
  [[ -x $build/bin/$tool ]] || { echo "bench_load.sh: $build/bin/$tool is missing (build first)" >&2; exit 1; }
done
[[ -d $models ]] || { echo "bench_load.sh: no models at $models (set LOWBIT_MODELS_DIR)" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
lbms=()
while IFS= read -r f; do
  rel=${f#"$models"/}
  [[ $all == 1 || $rel != */seanet/* ]] || continue
  name=$(echo "${rel%.tflite}" | tr / _)
  "$build/bin/lowbit-convert" --quiet "$f" "$out/$name.lbm"
  lbms+=("$out/$name.lbm")
done < <(find "$models" -name '*.tflite' -size -5M | sort)
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'), commit $(git -C "$root" rev-parse --short HEAD)," \
  "load average $(cut -d' ' -f1 /proc/loadavg), $threads thread(s), profile $profile"
cd "$out" && "$build/bin/bench_load" --reps="$reps" --threads="$threads" --profile="$profile" \
  "${lbms[@]##*/}"
