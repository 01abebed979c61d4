#!/usr/bin/env bash
# Dynamic instruction count of one inference of an ARM bench_model under qemu,
# with the TCG plugin scripts/qemu-plugin/insn_count.c (built here with the
# host compiler): all instructions, and the multiply instructions of the
# kernels (SDOT, SMMLA, SMULL, SADALP, CNT, float FMLA/FMUL/FADD/FMADD;
# VMULL.S8, VPADAL.S16, VCNT.8, VFMA/VMLA/VMUL/VADD.F32).
# One inference = (12 inferences - 2 inferences) / 10, so loading, preparing
# and the first run cancel out. One thread (the plugin's counters are plain).
#   scripts/arm-insn-count.sh BUILD_DIR QEMU_CPU MODEL.lbm [bench_model flags...]
#   e.g. scripts/arm-insn-count.sh build-aarch64 cortex-a76 build-armhost/models/demo_int8.lbm
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${1:?usage: arm-insn-count.sh BUILD_DIR QEMU_CPU MODEL.lbm [flags...]}
cpu=${2:?QEMU_CPU missing}
model=${3:?MODEL.lbm missing}
shift 3
bench="$build_dir/bin/bench_model"
[[ -x "$bench" ]] || { echo "arm-insn-count.sh: $bench missing" >&2; exit 1; }
case "$(readelf -h "$bench" | sed -n 's/^ *Machine: *//p')" in
  AArch64) qemu=qemu-aarch64; triple=aarch64-linux-gnu; arch_arg=,arch=aarch64 ;;
  ARM) qemu=qemu-arm; triple=arm-linux-gnueabihf; arch_arg= ;;
  *) echo "arm-insn-count.sh: $bench is not an ARM executable" >&2; exit 1 ;;
esac
plugin="$build_dir/qemu-insn-count.so"
if [[ ! -f "$plugin" || "$plugin" -ot "$root/scripts/qemu-plugin/insn_count.c" ]]; then
  cc -O2 -shared -fPIC -o "$plugin" "$root/scripts/qemu-plugin/insn_count.c"
fi

count() {  # runs [flags...] -> "name value" lines
  local runs=$1
  shift
  "$qemu" -cpu "$cpu" -plugin "$plugin$arch_arg" -d plugin -L "/usr/$triple" \
    -E "LD_LIBRARY_PATH=$root/build-sysroot/$triple/usr/lib/$triple" \
    "$bench" --graph="$model" --num_threads=1 --warmup_runs=0 --num_runs="$runs" "$@" 2>&1 >/dev/null |
    sed -n 's/^insn_count: //p'
}
few=$(count 1 "$@")
many=$(count 11 "$@")
echo "$(basename "$model") on $(basename "$build_dir") -cpu $cpu $*: per inference"
join -t '|' <(sed 's/ \([0-9]*\)$/|\1/' <<<"$few" | sort) <(sed 's/ \([0-9]*\)$/|\1/' <<<"$many" | sort) |
  awk -F '|' '{ printf "  %-20s %14.0f\n", $1, ($3 - $2) / 10 }'
