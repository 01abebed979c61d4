#!/usr/bin/env bash
# lowbit-run --kernel=reference and --kernel=auto (1 and 2 threads) give
# bit-identical outputs on the shared int8 models, in every requantization
# profile, for two random input seeds. Exit status 1 on any difference.
#   scripts/check_int8_bitexact.sh [build]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
models="${LOWBIT_MODELS_DIR:-$root/../shared/models}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0
checked=0
for rel in mlperf_tiny/vww_96_int8 mlperf_tiny/kws_ref_model mlperf_tiny/ad01_int8 \
           tflite_micro/person_detect coral/mobilenet_v1_0.25_128_quant \
           coral/tf2_mobilenet_v2_1.0_224_ptq; do
  tflite="$models/$rel.tflite"
  if [ ! -f "$tflite" ]; then
    echo "check_int8_bitexact: missing $tflite" >&2
    status=1
    continue
  fi
  lbm="$work/$(basename "$rel").lbm"
  "$build/bin/lowbit-convert" --quiet "$tflite" "$lbm"
  for profile in tflite_reference single_rounding xnnpack_fp32; do
    for seed in 1 2; do
      "$build/bin/lowbit-run" "$lbm" --kernel reference --profile "$profile" \
        --random-inputs "$seed" --output "0=$work/reference.bin" > /dev/null
      for threads in 1 2; do
        "$build/bin/lowbit-run" "$lbm" --kernel auto --threads "$threads" --profile "$profile" \
          --random-inputs "$seed" --output "0=$work/auto.bin" > /dev/null
        if ! cmp -s "$work/reference.bin" "$work/auto.bin"; then
          echo "DIFFERENT: $(basename "$rel") $profile seed $seed threads $threads" >&2
          status=1
        fi
        checked=$((checked + 1))
      done
    done
  done
done
echo "check_int8_bitexact: $checked comparisons, $([ $status = 0 ] && echo all identical || echo FAILED)"
exit $status
