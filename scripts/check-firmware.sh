#!/usr/bin/env bash
# The firmware check CI runs (scripts/test.sh): lowbit micro's firmware build
# (LOWBIT_FIRMWARE=ON, cmake/LowbitFirmware.cmake) for four targets, each with
# examples/firmware/kws_firmware.c (the MLPerf Tiny KWS model and the shared
# sample input compiled in, a static arena):
#   x86     x86-64, avx2, native
#   aarch64 neondot, static, qemu-aarch64 -cpu cortex-a76
#   armv7   armv7neon (Thumb-2, hard float), static, qemu-arm -cpu cortex-a15
#   cortex-m4  cortexm4 (DSP), bare metal, qemu-system-arm -M mps2-an386 with
#           semihosting; also tests/cortex_m's kernel_check (the SMLAD GEMM and
#           depthwise kernels against the reference ones, on the target)
# and checks, per target:
#  1. link: liblowbit_firmware.a has no undefined reference to the C allocator,
#     operator new/delete, __cxa_*, __gxx_personality or std::, and the image
#     links no libstdc++/libsupc++ (its link map); the x86 image executes no
#     CPUID and holds no cpuinfo;
#  2. run: the 12 scores equal x86's byte for byte, and x86's equal the hosted
#     lowbit-run's on the same .lbm; the example's counting hooks saw 0
#     allocator calls from lowbit_micro_arena_size to the last invoke; only
#     kernels of the target's instruction sets (or reference) ran;
#  3. size: lowbit's text in the image (text and rodata from
#     liblowbit_firmware.a, by the link map: scripts/firmware-size.sh), the
#     model and the rest apart, at most LOWBIT_FIRMWARE_TEXT_LIMIT bytes
#     (default 100 KB) on the targets of LOWBIT_FIRMWARE_TEXT_CHECKED
#     (default "armv7 cortex-m4", the ones that meet it; the others print
#     their largest objects when over);
#     and, on the Cortex-M4, the instructions of one
#     inference (scripts/qemu-plugin/insn_count.c: a run with 4 more invokes
#     minus a run without, over 4).
# The hosted build provides lowbit-convert (the .lbm) and lowbit-run; the
# cross toolchains and QEMU come from scripts/install-deps.sh --cross.
#   scripts/check-firmware.sh [HOST_BUILD_DIR [OUT_DIR]]   (defaults: build, build-firmware)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
host_build=${1:-$root/build}
out=${2:-$root/build-firmware}
jobs=${LOWBIT_JOBS:-2}
text_limit=${LOWBIT_FIRMWARE_TEXT_LIMIT:-102400}
models_dir=${LOWBIT_MODELS_DIR:-$root/../shared/models}
tflite="$models_dir/mlperf_tiny/kws_ref_model.tflite"
sample="$models_dir/mlperf_tiny/kws_sample_input_int8.bin"
fail() { echo "check-firmware: FAILED: $*" >&2; exit 1; }

for file in "$tflite" "$sample"; do
  [[ -f "$file" ]] || fail "$file not found (the shared models: ../shared/models beside the" \
    "checkout, or \$LOWBIT_MODELS_DIR)"
done
for tool in aarch64-linux-gnu-gcc arm-linux-gnueabihf-gcc arm-none-eabi-gcc qemu-aarch64 qemu-arm \
    qemu-system-arm; do
  command -v "$tool" >/dev/null || fail "$tool not found: run scripts/install-deps.sh --cross"
done
mkdir -p "$out"
logs="$out/logs"
mkdir -p "$logs"

# --- The model and the hosted runtime's answer.
cmake --build "$host_build" -j "$jobs" --target lowbit-convert lowbit-run >"$logs/host-build.log" 2>&1 ||
  { tail -20 "$logs/host-build.log" >&2; fail "hosted build of lowbit-convert and lowbit-run"; }
model="$out/kws_ref_model.lbm"
"$host_build/bin/lowbit-convert" --quiet "$tflite" "$model"
"$host_build/bin/lowbit-run" "$model" --input "0=$sample" --output "0=$out/lowbit-run.bin" >/dev/null
[[ $(stat -c %s "$out/lowbit-run.bin") -eq 12 ]] || fail "lowbit-run gave $(stat -c %s "$out/lowbit-run.bin") bytes, not 12"

# --- target table: name, toolchain file ("" = native), binutils prefix, image, kernel suffixes.
targets=(x86 aarch64 armv7 cortex-m4)
declare -A toolchain=([x86]="" [aarch64]=toolchain-aarch64-linux-gnu.cmake
  [armv7]=toolchain-arm-linux-gnueabihf.cmake [cortex-m4]=toolchain-cortex-m4.cmake)
declare -A prefix=([x86]="" [aarch64]=aarch64-linux-gnu- [armv7]=arm-linux-gnueabihf-
  [cortex-m4]=arm-none-eabi-)
declare -A image=([x86]=kws_firmware [aarch64]=kws_firmware [armv7]=kws_firmware
  [cortex-m4]=kws_firmware.elf)
declare -A isa=([x86]=avx2 [aarch64]=neondot [armv7]=armv7neon [cortex-m4]=cortexm4)
declare -A kernel_sets=([x86]="avx2|reference" [aarch64]="neondot|neon|reference"
  [armv7]="armv7neon|reference" [cortex-m4]="cortexm4|reference")

# --- 1. Build each target (logs in $logs).
build_start=$SECONDS
for target in "${targets[@]}"; do
  dir="$out/$target"
  # KWS's depthwise layers are 3x3 with stride 1: only that row kernel is linked.
  args=(-DLOWBIT_FIRMWARE=ON -DLOWBIT_FIRMWARE_DWCONV_ROWS=3x3s1)
  [[ -z "${toolchain[$target]}" ]] || args+=("-DCMAKE_TOOLCHAIN_FILE=$root/cmake/${toolchain[$target]}")
  cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLOWBIT_WERROR=ON "${args[@]}" \
    -DLOWBIT_FIRMWARE_ISA="${isa[$target]}" -DLOWBIT_FIRMWARE_KWS_MODEL="$model" \
    -DLOWBIT_MODELS_DIR="$models_dir" >"$logs/$target-configure.log" 2>&1 ||
    { tail -20 "$logs/$target-configure.log" >&2; fail "configure $target"; }
  build_targets=(kws_firmware)
  [[ "$target" != cortex-m4 ]] || build_targets+=(kernel_check)
  cmake --build "$dir" -j "$jobs" --target "${build_targets[@]}" >"$logs/$target-build.log" 2>&1 ||
    { grep -E "error|FAILED" "$logs/$target-build.log" | head -20 >&2; fail "build $target"; }
done
echo "check-firmware: built the four firmware images ($((SECONDS - build_start)) s)"

# --- 2. Link-time checks.
# Undefined references the firmware library may not have: the C allocator,
# operator new/delete (64- and 32-bit manglings, sized, aligned, nothrow),
# the C++ runtime's exception and RTTI support, anything in std::.
forbidden='^(malloc|calloc|realloc|free|aligned_alloc|posix_memalign|memalign|valloc|_Zn[wa][mj].*|_Zd[la]Pv.*|__cxa_.*|__gxx_personality.*|_Unwind_.*|__aeabi_unwind_cpp_pr.*|_ZTI.*|_ZTS.*|_ZTVN10__cxxabiv1.*|_ZS[tabsiod].*|_ZNK?S[tabsiod].*|_ZNK?9__gnu_cxx.*)$'
# (Outputs are captured before grep: grep -q ending a pipe early would fail
# it under pipefail.)
for target in "${targets[@]}"; do
  dir="$out/$target"
  library="$dir/liblowbit_firmware.a"
  undefined=$("${prefix[$target]}nm" -u "$library" | awk 'NF == 2 && $1 == "U" { print $2 }' | sort -u)
  bad=$(grep -E "$forbidden" <<<"$undefined" || true)
  [[ -z "$bad" ]] || fail "$library ($target) refers to $(tr '\n' ' ' <<<"$bad")"
  symbols=$("${prefix[$target]}nm" -C "$library")
  ! grep -q 'std::' <<<"$symbols" || fail "$library ($target) holds std:: symbols"
  map="$dir/bin/${image[$target]}.map"
  ! grep -qE 'lib(std|sup)c\+\+' "$map" || fail "the $target image links libstdc++ ($map)"
done
x86_image="$out/x86/bin/kws_firmware"
code=$(objdump -d "$x86_image")
! grep -qE '\scpuid(\s|$)' <<<"$code" || fail "the x86 image executes CPUID"
symbols=$(nm "$x86_image" "$out/x86/liblowbit_firmware.a")
! grep -qi cpuinfo <<<"$symbols" || fail "the x86 firmware holds cpuinfo"
echo "check-firmware: no allocator, operator new/delete, C++ runtime or std:: reference in the" \
  "four libraries; no libstdc++ in the images; no CPUID or cpuinfo in the x86 image"

# --- 3. Runs.
# check_run TARGET LOG: the counting hooks' 0, and the kernels' instruction sets.
check_run() {
  local target=$1 log=$2
  grep -q "^kws_firmware: 0 allocator calls " "$log" ||
    { cat "$log" >&2; fail "$target: the allocator was called, or no count was printed (above)"; }
  local kernels outside
  kernels=$(sed -n 's/^kws_firmware: kernel of operator [0-9]*: //p' "$log")
  [[ -n "$kernels" ]] || fail "$target: no kernels printed ($log)"
  outside=$(grep '__' <<<"$kernels" | grep -vE "__(${kernel_sets[$target]})\$" || true)
  [[ -z "$outside" ]] || fail "$target ran kernels of other instruction sets: $(tr '\n' ' ' <<<"$outside")"
  grep -q "__${isa[$target]}\$" <<<"$kernels" || fail "$target ran no __${isa[$target]} kernel ($log)"
}
# Scores as the example prints them, from a file of int8 bytes.
scores_of() { od -An -v -td1 "$1" | tr -s ' \n' ' ' | sed 's/^ //; s/ $//'; }

run_start=$SECONDS
"$x86_image" "$out/x86.bin" >"$logs/x86-run.log" 2>&1 ||
  { cat "$logs/x86-run.log" >&2; fail "x86 kws_firmware"; }
check_run x86 "$logs/x86-run.log"
cmp "$out/lowbit-run.bin" "$out/x86.bin" || fail "the x86 firmware's scores differ from lowbit-run's"
for target in aarch64 armv7; do
  qemu=qemu-aarch64 cpu=cortex-a76
  [[ "$target" == armv7 ]] && qemu=qemu-arm cpu=cortex-a15
  exe="$out/$target/bin/kws_firmware"
  headers=$("${prefix[$target]}readelf" -l "$exe")
  ! grep -q INTERP <<<"$headers" || fail "$exe is not static"
  timeout 300 "$qemu" -cpu "$cpu" "$exe" "$out/$target.bin" >"$logs/$target-run.log" 2>&1 ||
    { cat "$logs/$target-run.log" >&2; fail "$target kws_firmware under $qemu -cpu $cpu"; }
  check_run "$target" "$logs/$target-run.log"
  cmp "$out/x86.bin" "$out/$target.bin" || fail "the $target firmware's scores differ from x86's"
done

# Cortex-M4: kernel_check, then the example twice under the instruction counter.
plugin="$out/qemu-insn-count.so"
if [[ ! -f "$plugin" || "$plugin" -ot "$root/scripts/qemu-plugin/insn_count.c" ]]; then
  cc -O2 -shared -fPIC -o "$plugin" "$root/scripts/qemu-plugin/insn_count.c"
fi
run_m4() {  # ELF LOG [ARG...]: fails with the program's status (a fault is 3, a hang ends at 300 s)
  local elf=$1 log=$2
  shift 2
  local config="enable=on,target=native,arg=$(basename "$elf" .elf)"
  for arg in "$@"; do config+=",arg=$arg"; done
  timeout 300 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
    -semihosting-config "$config" -plugin "$plugin" -d plugin -D "$log.insn" -kernel "$elf" >"$log" 2>&1
}
insn() { sed -n "s/^insn_count: $1 //p" "$2.insn"; }
m4="$out/cortex-m4/bin"
run_m4 "$m4/kernel_check.elf" "$logs/cortex-m4-kernel-check.log" ||
  { cat "$logs/cortex-m4-kernel-check.log" >&2; fail "kernel_check on qemu-system-arm"; }
sed 's/^/  /' "$logs/cortex-m4-kernel-check.log"
repeats=4
run_m4 "$m4/kws_firmware.elf" "$logs/cortex-m4-run.log" ||
  { cat "$logs/cortex-m4-run.log" >&2; fail "kws_firmware.elf on qemu-system-arm"; }
check_run cortex-m4 "$logs/cortex-m4-run.log"
m4_scores=$(sed -n 's/^kws_firmware: scores //p' "$logs/cortex-m4-run.log")
[[ "$m4_scores" == "$(scores_of "$out/x86.bin")" ]] ||
  fail "the Cortex-M4 scores ($m4_scores) differ from x86's ($(scores_of "$out/x86.bin"))"
run_m4 "$m4/kws_firmware.elf" "$logs/cortex-m4-repeat.log" "$repeats" ||
  { cat "$logs/cortex-m4-repeat.log" >&2; fail "kws_firmware.elf $repeats on qemu-system-arm"; }
check_run cortex-m4 "$logs/cortex-m4-repeat.log"
per_inference=$(( ($(insn total "$logs/cortex-m4-repeat.log") - $(insn total "$logs/cortex-m4-run.log")) / repeats ))
smlad=$(( ($(insn smlad "$logs/cortex-m4-repeat.log") + 0 - $(insn smlad "$logs/cortex-m4-run.log")) / repeats ))
echo "check-firmware: scores equal on all four targets and lowbit-run: $m4_scores ($((SECONDS - run_start)) s)"
sed -n 's/^kws_firmware: \(model .*\)/check-firmware: x86: \1/p' "$logs/x86-run.log"
for target in aarch64 armv7 cortex-m4; do
  sed -n "s/^kws_firmware: model [0-9]* bytes; \(arena .*\)/check-firmware: $target: \1/p" \
    "$logs/$target-run.log"
done
echo "check-firmware: Cortex-M4: $per_inference instructions per KWS inference ($smlad SMLAD)"

# --- 4. Sizes. The issue's target (lowbit's text at most 100 KB) fails the
# check on the targets in LOWBIT_FIRMWARE_TEXT_CHECKED (those that meet it);
# the others print how far they are and their largest objects.
checked=${LOWBIT_FIRMWARE_TEXT_CHECKED:-armv7 cortex-m4}
printf 'check-firmware: %-10s %12s %12s %12s %12s %12s\n' target "lowbit text" "lowbit data" model \
  "example" "other text"
over="" report=""
part() { awk -v p="$1" -v c="$2" '$1 == p { print $c }' <<<"$sizes"; }
for target in "${targets[@]}"; do
  exe="$out/$target/bin/${image[$target]}"
  sizes=$(LOWBIT_SIZE_TOP=4 "$root/scripts/firmware-size.sh" "$exe" "${prefix[$target]}size")
  echo "$sizes" >"$logs/$target-size.txt"
  lowbit_text=$(part lowbit 2)
  printf 'check-firmware: %-10s %12d %12d %12d %12d %12d\n' "$target" "$lowbit_text" "$(part lowbit 3)" \
    "$(part model 2)" "$(part example 2)" "$(part other 2)"
  if [[ "$lowbit_text" -gt "$text_limit" ]]; then
    if [[ " $checked " == *" $target "* ]]; then
      over+=" $target ($lowbit_text)"
    else
      report+="check-firmware: $target: lowbit's text is over the $text_limit-byte target; largest objects:"
      report+=$'\n'"$(sed -n '/^largest lowbit objects/,$p' <<<"$sizes" | tail -n +2)"$'\n'
    fi
  fi
done
echo "check-firmware: (bytes from each image's link map; example: kws_firmware.c, its counter, the" \
  "490-byte input and the Cortex-M4 board; other: C library and runtime; arenas are the bss)"
printf '%s' "$report"
[[ -z "$over" ]] || fail "lowbit's text is over $text_limit bytes on:$over"
echo "check-firmware: firmware OK"
