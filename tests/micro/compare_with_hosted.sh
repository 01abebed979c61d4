#!/usr/bin/env bash
# lowbit micro against the hosted runtime, byte for byte: for every model,
# requantization profile and seed, lowbit-micro-run (the build's fixed ISA)
# makes random inputs and its outputs, then lowbit-micro-run-portable and
# lowbit-run (reference kernels and auto) run the same inputs, and every
# output file must be identical (cmp). A .tflite model is converted with
# lowbit-convert first.
#   tests/micro/compare_with_hosted.sh [--bin DIR] [--seeds N] [--profiles a,b] MODEL.lbm|.tflite...
# --bin: the build's bin folder (default build/bin beside this checkout);
# --seeds: random inputs per model and profile (default 3). Exit 1 on the
# first difference or failed run, naming the model, profile, seed and output.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin="$root/build/bin"
seeds=3
profiles=tflite_reference,single_rounding,xnnpack_fp32,tflite_optimized
models=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bin) bin=$2; shift 2 ;;
    --seeds) seeds=$2; shift 2 ;;
    --profiles) profiles=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    -*) echo "compare_with_hosted.sh: unknown option $1" >&2; exit 2 ;;
    *) models+=("$1"); shift ;;
  esac
done
[[ ${#models[@]} -gt 0 ]] || { sed -n '2,12p' "$0" >&2; exit 2; }
for tool in lowbit-run lowbit-inspect lowbit-convert lowbit-micro-run lowbit-micro-run-portable; do
  [[ -x "$bin/$tool" ]] || { echo "compare_with_hosted.sh: no $bin/$tool (build first, or --bin DIR)" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
  echo "compare_with_hosted.sh: FAILED: $*" >&2
  exit 1
}

# Runs a command, its output kept in $work/log; on failure shows it and stops.
run() {  # what command...
  local what=$1
  shift
  "$@" >"$work/log" 2>&1 || { cat "$work/log" >&2; fail "$what"; }
}

# The number of entries in lowbit-inspect's "inputs:" or "outputs:" list.
count_io() {  # inspect_text section
  awk -v section="$2:" '
    $0 == section { inside = 1; next }
    inside && /^  [0-9]+: tensor/ { n++; next }
    inside { exit }
    END { print n + 0 }' <<<"$1"
}

IFS=, read -r -a profile_list <<<"$profiles"
compared=0
for model in "${models[@]}"; do
  [[ -f "$model" ]] || fail "no model $model (the shared models are looked for in ../shared/models" \
    "beside the checkout, or \$LOWBIT_MODELS_DIR)"
  if [[ "$model" == *.tflite ]]; then
    converted="$work/$(basename "$model" .tflite).lbm"
    run "lowbit-convert $model" "$bin/lowbit-convert" "$model" "$converted"
    model=$converted
  fi
  inspect=$("$bin/lowbit-inspect" "$model") || fail "lowbit-inspect $model"
  inputs=$(count_io "$inspect" inputs)
  outputs=$(count_io "$inspect" outputs)
  [[ $inputs -gt 0 && $outputs -gt 0 ]] || fail "$model: lowbit-inspect lists $inputs inputs, $outputs outputs"
  for profile in "${profile_list[@]}"; do
    for ((seed = 1; seed <= seeds; seed++)); do
      case_dir="$work/$(basename "$model" .lbm)-$profile-$seed"
      mkdir -p "$case_dir"
      saves=() feeds=()
      for ((i = 0; i < inputs; i++)); do
        saves+=(--save-input "$i=$case_dir/in$i.bin")
        feeds+=(--input "$i=$case_dir/in$i.bin")
      done
      micro_out=() portable_out=() reference_out=() auto_out=()
      for ((j = 0; j < outputs; j++)); do
        micro_out+=(--output "$j=$case_dir/micro-out$j.bin")
        portable_out+=(--output "$j=$case_dir/portable-out$j.bin")
        reference_out+=(--output "$j=$case_dir/reference-out$j.bin")
        auto_out+=(--output "$j=$case_dir/auto-out$j.bin")
      done
      label="$model, profile $profile, seed $seed"
      run "lowbit-micro-run on $label" "$bin/lowbit-micro-run" "$model" --random-inputs "$seed" \
        "${saves[@]}" "${micro_out[@]}" --profile "$profile" --quiet
      run "lowbit-micro-run-portable on $label" "$bin/lowbit-micro-run-portable" "$model" \
        "${feeds[@]}" "${portable_out[@]}" --profile "$profile" --quiet
      run "lowbit-run --kernel reference on $label" "$bin/lowbit-run" "$model" "${feeds[@]}" \
        "${reference_out[@]}" --profile "$profile" --kernel reference --max-values 0
      run "lowbit-run --kernel auto on $label" "$bin/lowbit-run" "$model" "${feeds[@]}" \
        "${auto_out[@]}" --profile "$profile" --kernel auto --max-values 0
      for ((j = 0; j < outputs; j++)); do
        for runner in micro portable auto; do
          cmp "$case_dir/reference-out$j.bin" "$case_dir/$runner-out$j.bin" >/dev/null ||
            fail "$label: output $j of $runner differs from lowbit-run --kernel reference" \
                 "($(cmp "$case_dir/reference-out$j.bin" "$case_dir/$runner-out$j.bin" 2>&1 | head -1))"
        done
      done
      compared=$((compared + 1))
    done
  done
  echo "compare_with_hosted.sh: $model: ${#profile_list[@]} profiles x $seeds seeds," \
       "$outputs output(s): lowbit-micro-run, lowbit-micro-run-portable and lowbit-run" \
       "(auto kernels) equal lowbit-run --kernel reference byte for byte"
done
echo "compare_with_hosted.sh: $compared runs of ${#models[@]} model(s) identical"
