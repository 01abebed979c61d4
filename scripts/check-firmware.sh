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
# The default LOWBIT_FIRMWARE_ISA is avx2: the fixed CPU features must pick an
# AVX2 kernel even on a machine with AVX-512.
grep -q "kernel of operator 0: .*__avx2" <<<"$output" ||
  { echo "check-firmware: expected an __avx2 kernel (compile-time choice)" >&2; exit 1; }
ls -l "$build_dir/liblowbit_firmware.a" | awk '{print "liblowbit_firmware.a: " $5 " bytes"}'
size -t "$build_dir/liblowbit_firmware.a" | tail -1
size "$build_dir/bin/firmware_demo"
echo "check-firmware: firmware example OK"
