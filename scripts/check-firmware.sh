#!/usr/bin/env bash
# Builds lowbit_firmware and examples/firmware (LOWBIT_FIRMWARE=ON), runs the
# firmware examples (each fails if anything allocates after initialisation),
# checks that the float one equals the desktop build's own float kernels byte
# for byte and that only it links float kernels, runs the KWS firmware
# (firmware_kws) on the shared sample input against the desktop lowbit-run
# (its output, BUILD_DIR/firmware-kws/x86.bin, is what scripts/test-arm.sh
# compares the ARM firmware with), and prints the sizes docs/api.md reports.
#   scripts/check-firmware.sh [BUILD_DIR]    (default: build-firmware)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${1:-$root/build-firmware}
shared_models=${LOWBIT_MODELS_DIR:-$root/../shared/models}
kws_input="$shared_models/mlperf_tiny/kws_sample_input_int8.bin"
for file in "$kws_input" "$shared_models/mlperf_tiny/kws_ref_model.tflite"; do
  [[ -f "$file" ]] || { echo "check-firmware: $file missing (the shared models: ../shared/models" \
    "beside the checkout, or \$LOWBIT_MODELS_DIR)" >&2; exit 1; }
done
cmake -S "$root" -B "$build_dir" -G Ninja -DLOWBIT_FIRMWARE=ON -DLOWBIT_WERROR=ON -DLOWBIT_BUILD_TESTS=OFF \
  -DLOWBIT_BUILD_BENCHMARKS=OFF -DLOWBIT_SHARED_MODELS="$shared_models" >/dev/null
cmake --build "$build_dir" -j "${LOWBIT_JOBS:-2}" --target firmware_demo firmware_float_demo firmware_kws \
  lowbit-run
output=$("$build_dir/bin/firmware_demo")
echo "$output"
# The default LOWBIT_FIRMWARE_ISA is avx2: the fixed CPU features must pick
# AVX2 or reference kernels on any CPU (AVX-512 or AVX-VNNI ones included),
# and the library must probe nothing (no cpuinfo, no CPUID instruction).
kernels=$(grep "kernel of operator" <<<"$output" | sed 's/.*: //')
[[ -n "$kernels" ]] || { echo "check-firmware: the example printed no kernels" >&2; exit 1; }
outside=$(grep -vE '__(avx2|reference)$' <<<"$kernels" || true)
[[ -z "$outside" ]] ||
  { echo "check-firmware: an avx2 firmware ran kernels outside AVX2: $outside" >&2; exit 1; }
grep -q '__avx2$' <<<"$kernels" ||
  { echo "check-firmware: expected at least one __avx2 kernel (compile-time choice)" >&2; exit 1; }
library="$build_dir/liblowbit_firmware.a"
if nm -u "$library" 2>/dev/null | grep -q 'cpuinfo_'; then
  echo "check-firmware: the firmware library calls cpuinfo (run-time detection)" >&2; exit 1
fi
# No TFLite converter: Model::from_tflite is the refusing stand-in.
if nm -C "$library" 2>/dev/null | grep -qE 'import_tflite|convert::Importer'; then
  echo "check-firmware: the firmware library holds the TFLite converter" >&2; exit 1
fi
if objdump -d "$library" | grep -qE '\scpuid(\s|$)'; then
  echo "check-firmware: the firmware library executes CPUID (run-time detection)" >&2; exit 1
fi
# Float operators: lowbit's own kernels, linked only where the resolver asks
# (lowbit_op_resolver_add_float_kernels), equal to the desktop build's own
# float kernels on the same input with the same (AVX2) rows.
float_out="$build_dir/firmware-float"
mkdir -p "$float_out"
"$build_dir/bin/firmware_float_demo" "$float_out/input.bin" "$float_out/firmware.bin" ||
  { echo "check-firmware: firmware_float_demo failed" >&2; exit 1; }
"$build_dir/bin/firmware_float_demo" --without-float-kernels ||
  { echo "check-firmware: a float model without the float kernels was not refused by name" >&2; exit 1; }
"$build_dir/bin/lowbit-run" "$build_dir/models/block_float.lbm" --float-kernels own --kernel avx2 \
  --input "0=$float_out/input.bin" --output "0=$float_out/desktop.bin" >/dev/null
cmp "$float_out/desktop.bin" "$float_out/firmware.bin" ||
  { echo "check-firmware: firmware float output differs from lowbit-run --float-kernels own" >&2; exit 1; }
echo "check-firmware: firmware float output equals the desktop build's own float kernels" \
  "($(stat -c %s "$float_out/firmware.bin") bytes)"
# (nm's output captured first: grep -q closing the pipe early would fail it under pipefail.)
float_symbols() { nm -C "$1" | grep -E 'make_float_kernel|f32_(gemm|conv2d|dwconv2d)' || true; }
[[ -n "$(float_symbols "$build_dir/bin/firmware_float_demo")" ]] ||
  { echo "check-firmware: firmware_float_demo holds no float kernel factory" >&2; exit 1; }
[[ -z "$(float_symbols "$build_dir/bin/firmware_demo")" ]] ||
  { echo "check-firmware: firmware_demo (int8) links float operator kernels it never asked for" >&2; exit 1; }
# KWS: the shared sample input through the firmware and through the desktop
# lowbit-run on the same converted model, byte for byte.
kws_out="$build_dir/firmware-kws"
mkdir -p "$kws_out"
"$build_dir/bin/firmware_kws" "$kws_input" "$kws_out/x86.bin" ||
  { echo "check-firmware: firmware_kws failed" >&2; exit 1; }
"$build_dir/bin/lowbit-run" "$build_dir/examples/firmware/kws_ref_model.lbm" \
  --input "0=$kws_input" --output "0=$kws_out/desktop.bin" >/dev/null
cmp "$kws_out/desktop.bin" "$kws_out/x86.bin" ||
  { echo "check-firmware: firmware_kws output differs from lowbit-run's" >&2; exit 1; }
echo "check-firmware: firmware_kws output equals the desktop lowbit-run's ($kws_out/x86.bin)"
"$root/scripts/firmware-size.sh" "$build_dir/bin/firmware_kws"
ls -l "$build_dir/liblowbit_firmware.a" | awk '{print "liblowbit_firmware.a: " $5 " bytes"}'
size -t "$build_dir/liblowbit_firmware.a" | tail -1
size "$build_dir/bin/firmware_demo" "$build_dir/bin/firmware_float_demo"
echo "check-firmware: firmware example OK"
