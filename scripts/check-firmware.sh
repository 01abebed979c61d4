#!/usr/bin/env bash
# Builds lowbit_firmware and examples/firmware (LOWBIT_FIRMWARE=ON), runs the
# firmware example (it fails if anything allocates after initialisation) and
# prints the sizes docs/api.md reports.
#   scripts/check-firmware.sh [BUILD_DIR]    (default: build-firmware)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${1:-$root/build-firmware}
cmake -S "$root" -B "$build_dir" -G Ninja -DLOWBIT_FIRMWARE=ON -DLOWBIT_WERROR=ON -DLOWBIT_BUILD_TESTS=OFF \
  -DLOWBIT_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$build_dir" -j "${LOWBIT_JOBS:-2}" --target firmware_demo
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
ls -l "$build_dir/liblowbit_firmware.a" | awk '{print "liblowbit_firmware.a: " $5 " bytes"}'
size -t "$build_dir/liblowbit_firmware.a" | tail -1
size "$build_dir/bin/firmware_demo"
echo "check-firmware: firmware example OK"
