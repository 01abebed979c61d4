#!/usr/bin/env bash
# The bare-metal Cortex-M4 build (cmake/toolchain-cortex-m4.cmake) on
# qemu-system-arm -M mps2-an386 with semihosting:
#  1. tests/cortex_m/kernel_check: the Cortex-M4 GEMM and depthwise kernels
#     equal the reference kernels byte for byte, on the target;
#  2. examples/firmware/cortex_m (cortex_m_kws): the KWS model on the sample
#     input and three frames derived from it, with the build's kernels (auto:
#     the Cortex-M4 ones) and with the reference kernels; every output must equal
#     the x86 build's (lowbit-run --kernel reference) byte for byte, and no
#     invoke may allocate;
#  3. prints the image's text/data/bss (arm-none-eabi-size) and the
#     instructions of one inference (scripts/qemu-plugin/insn_count.c; one
#     inference = (runs with 1+N inferences - runs with 1) / N).
# The host build provides lowbit-convert (the .lbm a cross build cannot make)
# and lowbit-run; the cross toolchain and qemu come from
# scripts/install-deps.sh --cross.
#   scripts/check-cortex-m.sh [HOST_BUILD_DIR [BUILD_DIR]]   (defaults: build, build-cortex-m4)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
host_build=${1:-$root/build}
build_dir=${2:-$root/build-cortex-m4}
models_dir=${LOWBIT_MODELS_DIR:-$root/../shared/models}
tflite="$models_dir/mlperf_tiny/kws_ref_model.tflite"
sample="$models_dir/mlperf_tiny/kws_sample_input_int8.bin"
fail() { echo "check-cortex-m: $*" >&2; exit 1; }

for file in "$tflite" "$sample"; do
  [[ -f "$file" ]] || fail "$file not found (looked in LOWBIT_MODELS_DIR or ../shared/models)"
done
for tool in arm-none-eabi-g++ arm-none-eabi-size qemu-system-arm; do
  command -v "$tool" >/dev/null || fail "$tool not found: run scripts/install-deps.sh --cross"
done
cmake --build "$host_build" -j "${LOWBIT_JOBS:-2}" --target lowbit-convert lowbit-run >/dev/null
mkdir -p "$build_dir/check"
work="$build_dir/check"
model="$work/kws_ref_model.lbm"
"$host_build/bin/lowbit-convert" --quiet "$tflite" "$model"

cmake -S "$root" -B "$build_dir" -G Ninja \
  -DCMAKE_TOOLCHAIN_FILE="$root/cmake/toolchain-cortex-m4.cmake" -DLOWBIT_WERROR=ON \
  -DLOWBIT_CORTEX_M_MODEL="$model" -DLOWBIT_MODELS_DIR="$models_dir" >/dev/null
cmake --build "$build_dir" -j "${LOWBIT_JOBS:-2}" --target cortex_m_kws kernel_check
kws="$build_dir/bin/cortex_m_kws.elf"
kernel_check="$build_dir/bin/kernel_check.elf"

plugin="$build_dir/qemu-insn-count.so"
if [[ ! -f "$plugin" || "$plugin" -ot "$root/scripts/qemu-plugin/insn_count.c" ]]; then
  cc -O2 -shared -fPIC -o "$plugin" "$root/scripts/qemu-plugin/insn_count.c"
fi
# run ELF [ARG...]: the program's output on stdout, the plugin's counts in
# $work/insn.txt; fails with the program's status (a fault exits with 3, a
# hang is ended after 300 s).
run() {
  local elf=$1
  shift
  local config="enable=on,target=native,arg=$(basename "$elf" .elf)"
  for arg in "$@"; do config+=",arg=$arg"; done
  timeout 300 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
    -semihosting-config "$config" -plugin "$plugin" -d plugin -D "$work/insn.txt" -kernel "$elf"
}
insn() { sed -n "s/^insn_count: $1 //p" "$work/insn.txt"; }

# 1. The Cortex-M4 kernels on the target.
run "$kernel_check" || fail "kernel_check failed on qemu-system-arm"

# 2. The KWS outputs of both kernel sets against x86.
expected="$work/expected.txt"
: >"$expected"
for frame in 0 1 2 3; do
  # cortex_m_kws's frames: byte i of frame f > 0 adds (i*7 + f*13) % 61 - 30, saturated.
  python3 - "$sample" "$work/frame$frame.bin" "$frame" <<'EOF'
import sys
data = open(sys.argv[1], "rb").read()
frame = int(sys.argv[3])
out = bytearray()
for i, b in enumerate(data):
    v = b - 256 if b > 127 else b
    if frame > 0:
        v += (i * 7 + frame * 13) % 61 - 30
    out.append(max(-128, min(127, v)) & 0xFF)
open(sys.argv[2], "wb").write(out)
EOF
  "$host_build/bin/lowbit-run" "$model" --kernel reference --input "0=$work/frame$frame.bin" \
    --output "0=$work/x86_$frame.bin" >/dev/null
  bytes=$(od -An -v -tx1 "$work/x86_$frame.bin" | tr -s ' \n' ' ' | sed 's/^ //; s/ $//')
  echo "cortex_m_kws: output $frame: $bytes" >>"$expected"
done
declare -A base_total base_smlad  # the counts of these runs: 4 frames, no repeat
for kernels in auto reference; do
  out="$work/kws_$kernels.txt"
  run "$kws" "$kernels" >"$out" ||
    { cat "$out"; fail "cortex_m_kws ($kernels kernels) failed on qemu-system-arm"; }
  if ! diff <(grep 'output [0-9]*:' "$out") "$expected"; then
    fail "cortex_m_kws ($kernels kernels) differs from x86's lowbit-run --kernel reference" \
      "(above: < Cortex-M4, > x86)"
  fi
  base_total[$kernels]=$(insn total)
  base_smlad[$kernels]=$(insn smlad)
done
cat "$work/kws_auto.txt"
# The fixed features pick the Cortex-M4 kernels, and nothing of another
# architecture; the forced reference set only reference kernels.
grep -q '__cortexm4$' "$work/kws_auto.txt" || fail "the auto kernel set ran no __cortexm4 kernel"
if grep 'kernel of operator' "$work/kws_auto.txt" | grep -vE '__(cortexm4|reference)$'; then
  fail "the Cortex-M4 firmware ran a kernel of another instruction set (above)"
fi
if grep 'kernel of operator' "$work/kws_reference.txt" | grep -v '__reference$'; then
  fail "the reference kernel set ran another kernel (above)"
fi
echo "check-cortex-m: KWS outputs equal x86's byte for byte (4 frames; auto and reference kernels)"

# 3. Sizes and instructions per inference.
arm-none-eabi-size "$kws" "$kernel_check"
repeats=4
for kernels in auto reference; do
  run "$kws" "$kernels" "$repeats" >/dev/null
  total=$(( ($(insn total) - ${base_total[$kernels]}) / repeats ))
  smlad=$(( ($(insn smlad) + 0 - ${base_smlad[$kernels]:-0}) / repeats ))
  echo "check-cortex-m: one KWS inference, $kernels kernels: $total instructions ($smlad SMLAD)"
done
echo "check-cortex-m: Cortex-M4 firmware OK"
