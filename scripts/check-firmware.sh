#!/usr/bin/env bash
# Builds lowbit_firmware and examples/firmware (LOWBIT_FIRMWARE=ON), runs the
# firmware examples (each fails if anything allocates after initialisation),
# checks that the float one equals the desktop build's own float kernels byte
# for byte and that only it links float kernels, and prints the sizes
# docs/api.md reports.
#   scripts/check-firmware.sh [BUILD_DIR]    (default: build-firmware)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${1:-$root/build-firmware}
cmake -S "$root" -B "$build_dir" -G Ninja -DLOWBIT_FIRMWARE=ON -DLOWBIT_WERROR=ON -DLOWBIT_BUILD_TESTS=OFF \
  -DLOWBIT_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$build_dir" -j "${LOWBIT_JOBS:-2}" --target firmware_demo firmware_float_demo lowbit-run
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
ls -l "$build_dir/liblowbit_firmware.a" | awk '{print "liblowbit_firmware.a: " $5 " bytes"}'
size -t "$build_dir/liblowbit_firmware.a" | tail -1
size "$build_dir/bin/firmware_demo" "$build_dir/bin/firmware_float_demo"
echo "check-firmware: firmware example OK"
