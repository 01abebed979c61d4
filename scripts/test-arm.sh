#!/usr/bin/env bash
# Cross-builds lowbit for 64-bit and 32-bit ARM and tests it under qemu-user:
#   1. the kernel, operator and runtime tests under qemu-aarch64 -cpu cortex-a53
#      (NEON) and max (dotprod, i8mm), and qemu-arm -cpu cortex-a15 (armv7 NEON),
#      each checking that the CPU features it detects are the emulated CPU's
#      (LOWBIT_EXPECT_CPU); cortex-a76 (dotprod) and cortex-a7 check only that;
#   2. the operator tests again with the dotprod kernel set forced
#      (LOWBIT_KERNEL) on max, so variants that lose to i8mm still run;
#   3. lowbit-run (static, like bench_model: its thread pool and CPU detection
#      are the src/platform stand-ins) on the demo and block models with
#      every kernel set the CPU allows, 3 threads, compared byte for byte
#      (cmp) with a native x86-64 build;
#   4. the static bench_model once per target;
#   5. binary networks with a float stem and head on the static lowbit-run and
#      bench_model (float operators on lowbit's own kernels, no XNNPACK) under
#      every CPU above but max: the LCE QuickNet- and Bi-Real-style models of
#      tests/conformance and a Larq Zoo QuickNet-Small (random weights, 96x96
#      input), outputs within a float tolerance of the x86 build's and of LCE's
#      interpreter (tests/conformance/arm_float_models.py; needs the oracle
#      venv, scripts/install-deps.sh --oracle).
#   scripts/test-arm.sh [aarch64] [armhf]        (default: both)
# Environment: LOWBIT_JOBS (build parallelism, default 2); LOWBIT_TEST_SCALE
# (random sweep size, default 0.3 here: emulation is slow); LOWBIT_NATIVE_BUILD
# (the x86-64 build giving the expected outputs, default build-armhost, built
# here: lowbit-run, lowbit-convert and the generated models only).
# The ARM firmware (lowbit micro) is scripts/check-firmware.sh's.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs=${LOWBIT_JOBS:-2}
export LOWBIT_TEST_SCALE=${LOWBIT_TEST_SCALE:-0.3}
# The float operator tests on lowbit's own float kernels, the ones the static
# ARM tools and the firmware run (the x86 suite covers XNNPACK's).
export LOWBIT_FLOAT_KERNELS=${LOWBIT_FLOAT_KERNELS:-own}
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(aarch64 armhf)

fail() {
  echo "test-arm.sh: FAILED: $*" >&2
  exit 1
}
for tool in qemu-aarch64 qemu-arm aarch64-linux-gnu-g++ arm-linux-gnueabihf-g++; do
  command -v "$tool" >/dev/null || fail "$tool missing (scripts/install-deps.sh --cross installs it)"
done

test_binaries=(test_kernels test_ops_int8 test_ops_binary test_ops_elementwise test_ops_datamove test_ops_math
  test_ops_resize test_ops_tconv test_ops_recurrent test_ops_lstm test_ops_float test_runtime)
tools=(lowbit-run bench_model)
profiles=(tflite_reference single_rounding xnnpack_fp32)
models=(demo_int8 block_int8 block_binary)
logs="$root/build-arm-logs"
rm -rf "$logs"
mkdir -p "$logs"

# --- The native build whose outputs every ARM run must equal.
native=${LOWBIT_NATIVE_BUILD:-$root/build-armhost}
[[ "$native" == /* ]] || native="$root/$native"
if [[ ! -x "$native/bin/lowbit-run" || -z "${LOWBIT_NATIVE_BUILD:-}" ]]; then
  cmake -S "$root" -B "$native" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLOWBIT_WERROR=ON \
    >"$logs/native-configure.log" 2>&1 ||
    fail "native configure (log: $logs/native-configure.log)"
  cmake --build "$native" -j "$jobs" --target lowbit-run lowbit-convert lowbit_models \
    >"$logs/native-build.log" 2>&1 ||
    { tail -30 "$logs/native-build.log" >&2; fail "native build (log: $logs/native-build.log)"; }
fi
expected="$logs/expected"
mkdir -p "$expected"
for model in "${models[@]}"; do
  [[ -f "$native/models/$model.lbm" ]] || fail "$native/models/$model.lbm missing"
  for profile in "${profiles[@]}"; do
    "$native/bin/lowbit-run" "$native/models/$model.lbm" --kernel reference --profile "$profile" \
      --output "0=$expected/$model.$profile.bin" >/dev/null || fail "native lowbit-run $model $profile"
  done
done

# --- Binary networks with a float stem and head: the models, one random input
# each, LCE's outputs (arm_float_models.py prepare) and the x86 build's with
# lowbit's own float kernels, which every ARM run is compared with.
float_models=(lce_quicknet_style_float lce_bireal_style_float quicknet_small)
float_dir="$logs/float-models"
python=$root/.venv/bin/python
[[ -x "$python" ]] || fail "$python missing (scripts/install-deps.sh --oracle makes the venv)"
start=$SECONDS
TF_USE_LEGACY_KERAS=1 TF_CPP_MIN_LOG_LEVEL=3 "$python" "$root/tests/conformance/arm_float_models.py" \
  prepare "$float_dir" --build-dir "$native" --size 96 >"$logs/float-models-prepare.log" 2>&1 ||
  { tail -20 "$logs/float-models-prepare.log" >&2; fail "float-stem models (log: $logs/float-models-prepare.log)"; }
for model in "${float_models[@]}"; do
  "$native/bin/lowbit-run" "$float_dir/$model.lbm" --float-kernels own --input "0=$float_dir/$model.input.bin" \
    --output "0=$float_dir/$model.x86.bin" >/dev/null || fail "native lowbit-run $model"
  "$python" "$root/tests/conformance/arm_float_models.py" check "$float_dir" "$model" \
    "$float_dir/$model.x86.bin" || fail "$model on x86: outside the float tolerance of LCE"
done
echo "test-arm.sh: float-stem models and their x86 and LCE outputs ($((SECONDS - start)) s)"

# --- Cross builds (the whole library; LOWBIT_FIRMWARE=OFF, as older folders
# had it ON, which now means a firmware-only build).
cross_build() {  # triple build_dir
  "$root/scripts/make-sysroot.sh" "$1" || fail "sysroot for $1"
  cmake -S "$root" -B "$2" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE="$root/cmake/toolchain-$1.cmake" -DLOWBIT_PYTHON=OFF -DLOWBIT_WERROR=ON \
    -DLOWBIT_FIRMWARE=OFF >"$logs/$(basename "$2")-configure.log" 2>&1 || fail "configure $2 (log in $logs)"
  local start=$SECONDS
  cmake --build "$2" -j "$jobs" --target "${test_binaries[@]}" "${tools[@]}" \
    >"$logs/$(basename "$2")-build.log" 2>&1 ||
    { grep -E "error|FAILED" "$logs/$(basename "$2")-build.log" | head -20 >&2; fail "build $2"; }
  echo "test-arm.sh: built $(basename "$2") ($((SECONDS - start)) s)"
}

# qemu with the cross toolchain's libc as the ELF interpreter prefix and the
# sysroot's libraries on the library path. `timeout` turns a hang (the
# multiarch-libc pthread_create hang, say) into a failure.
# LOWBIT_THREAD_POLICY: the thread comparisons split every operator, however
# small (docs/api.md, "Threads").
emulate() {  # qemu triple cpu program args...
  local qemu=$1 triple=$2 cpu=$3
  shift 3
  timeout 900 "$qemu" -cpu "$cpu" -L "/usr/$triple" \
    -E "LD_LIBRARY_PATH=$root/build-sysroot/$triple/usr/lib/$triple" \
    -E "LOWBIT_THREAD_POLICY=${LOWBIT_THREAD_POLICY:-every_operator}" "$@"
}

# The test binaries run as a queue of jobs, $jobs at a time (qemu-user runs a
# test binary on about one core): queue_tests adds one CPU's runs, then
# run_queued_tests runs them all, the test_kernels runs (the longest) first,
# and prints each job's report in queue order.
queued=()
queue_tests() {  # cpu features kernel_set binaries...
  local cpu=$1 features=$2 kernel_set=$3 name
  shift 3
  for name in "$@"; do queued+=("$cpu|$features|$kernel_set|$name"); done
}

run_test_job() {  # qemu triple build_dir cpu features kernel_set name: report lines on stdout
  local qemu=$1 triple=$2 dir=$3 cpu=$4 features=$5 kernel_set=$6 name=$7
  # CPUs with every feature this build's variants use must skip none of them.
  local all_variants=0
  [[ "$cpu" == max || "$triple" == arm-linux-gnueabihf ]] && all_variants=1
  local binary="$dir/bin/$name" log="$logs/$(basename "$dir")-$cpu-$kernel_set-$name.log"
  [[ -x "$binary" ]] || fail "$binary missing"
  # A binary that cannot start lists nothing: zero test cases is a failure.
  local names
  names=$(emulate "$qemu" "$triple" "$cpu" "$binary" --list-test-names-only 2>&1 || true)
  [[ -n "${names//[[:space:]]/}" ]] || fail "$name under $qemu -cpu $cpu lists no test cases"
  local start=$SECONDS
  if ! LOWBIT_EXPECT_CPU="$features" LOWBIT_EXPECT_ALL_VARIANTS="$all_variants" \
      LOWBIT_KERNEL="${kernel_set/auto/}" \
      emulate "$qemu" "$triple" "$cpu" "$binary" >"$log" 2>&1; then
    tail -40 "$log" >&2
    fail "$name under $qemu -cpu $cpu, kernel set $kernel_set (log: $log)"
  fi
  local summary
  summary=$(grep -E "^All tests passed|^test cases:" "$log" | tail -1)
  [[ "$summary" == "All tests passed"* ]] || fail "$name under $cpu: '$summary' (log: $log)"
  echo "$(basename "$dir") -cpu $cpu kernel=$kernel_set $name: $(grep -c . <<<"$names") cases," \
       "$summary ($((SECONDS - start)) s)"
  # The kernel tests print the variants each table ran on this CPU.
  grep -E "variants run:" "$log" | sed 's/^/    /' || true
}

run_queued_tests() {  # qemu triple build_dir
  local order=() job i running=0 failed=0 start=$SECONDS cpu features kernel_set name
  for job in "${queued[@]}"; do [[ "$job" == *"|test_kernels" ]] && order+=("$job"); done
  for job in "${queued[@]}"; do [[ "$job" != *"|test_kernels" ]] && order+=("$job"); done
  local reports="$logs/reports-$(basename "$3")"
  rm -rf "$reports"
  mkdir -p "$reports"
  for i in "${!order[@]}"; do
    IFS='|' read -r cpu features kernel_set name <<<"${order[$i]}"
    run_test_job "$1" "$2" "$3" "$cpu" "$features" "$kernel_set" "$name" >"$reports/$i" &
    if (( ++running >= jobs )); then
      wait -n || failed=1
      running=$((running - 1))
    fi
  done
  for (( ; running > 0; running-- )); do wait -n || failed=1; done
  for i in "${!order[@]}"; do cat "$reports/$i"; done
  [[ $failed -eq 0 ]] || fail "test binaries under qemu on $(basename "$3") (above)"
  echo "$(basename "$3"): ${#order[@]} test binary runs, $jobs at a time ($((SECONDS - start)) s)"
  queued=()
}

check_detection() {  # qemu triple cpu build_dir features: the CPU's features and variant choice only
  local log="$logs/$(basename "$4")-$3-detection.log"
  LOWBIT_EXPECT_CPU="$5" emulate "$1" "$2" "$3" "$4/bin/test_kernels" "[cpu]" >"$log" 2>&1 ||
    { tail -20 "$log" >&2; fail "feature detection under $1 -cpu $3 (log: $log)"; }
  grep -q "^All tests passed" "$log" || fail "feature detection under $1 -cpu $3 ran no test (log: $log)"
  echo "$(basename "$4") -cpu $3: detected features '$5' $(grep -E "variants run:" "$log" | head -1)"
}

compare_outputs() {  # qemu triple cpu build_dir kernel_sets...
  local qemu=$1 triple=$2 cpu=$3 dir=$4
  shift 4
  local out="$logs/out-$(basename "$dir")-$cpu"
  mkdir -p "$out"
  local start=$SECONDS runs=0
  for kernel_set in "$@"; do
    for model in "${models[@]}"; do
      for profile in "${profiles[@]}"; do
        local file="$out/$model.$profile.$kernel_set.bin"
        emulate "$qemu" "$triple" "$cpu" "$dir/bin/lowbit-run" "$native/models/$model.lbm" \
          --kernel "$kernel_set" --profile "$profile" --threads 3 --output "0=$file" \
          >"$file.log" 2>&1 || { cat "$file.log" >&2; fail "lowbit-run $model on -cpu $cpu"; }
        cmp "$expected/$model.$profile.bin" "$file" ||
          fail "$model ($profile) on $(basename "$dir") -cpu $cpu kernel set $kernel_set differs from x86"
        runs=$((runs + 1))
      done
    done
  done
  echo "$(basename "$dir") -cpu $cpu: $runs outputs bit-identical with x86 (kernel sets: $*," \
       "$((SECONDS - start)) s)"
}

bench_smoke() {  # qemu triple cpu build_dir
  local log="$logs/$(basename "$4")-bench_model.log"
  # Static (cmake/LowbitStaticBench.cmake), so it runs without -L or the
  # sysroot's libraries, as it must on a board.
  # A dynamically linked executable names its loader (PT_INTERP).
  local tool
  for tool in bench_model lowbit-run; do
    ! readelf -l "$4/bin/$tool" | grep -q INTERP ||
      fail "$4/bin/$tool is not statically linked (cmake/LowbitStaticBench.cmake)"
  done
  timeout 600 "$1" -cpu "$3" "$4/bin/bench_model" --graph="$native/models/demo_int8.lbm" \
    --num_runs=2 --warmup_runs=1 --num_threads=2 --enable_op_profiling=true >"$log" 2>&1 ||
    { tail -20 "$log" >&2; fail "bench_model under $1 -cpu $3"; }
  grep -q "^CPU features: \[neon" "$log" || fail "static bench_model did not detect NEON (log: $log)"
  echo "$(basename "$4") bench_model (static) runs under -cpu $3"
}

# The static lowbit-run (2 threads) on each float-stem model and the static
# bench_model (2 runs) on QuickNet-Small, run without -L or the sysroot as on
# a board; outputs against the x86 build's and LCE's (max abs and relative
# error printed).
float_stem_models() {  # qemu triple cpu build_dir
  local qemu=$1 cpu=$3 dir=$4
  local out="$logs/float-$(basename "$dir")-$cpu" start=$SECONDS
  mkdir -p "$out"
  echo "$(basename "$dir") -cpu $cpu: float-stem models on the static lowbit-run (own float kernels):"
  for model in "${float_models[@]}"; do
    local file="$out/$model.bin"
    timeout 900 "$qemu" -cpu "$cpu" "$dir/bin/lowbit-run" "$float_dir/$model.lbm" --threads 2 \
      --input "0=$float_dir/$model.input.bin" --output "0=$file" >"$file.log" 2>&1 ||
      { cat "$file.log" >&2; fail "static lowbit-run $model under $qemu -cpu $cpu"; }
    grep -q "float kernels own" "$file.log" || fail "lowbit-run $model did not run own float kernels (log: $file.log)"
    "$python" "$root/tests/conformance/arm_float_models.py" check "$float_dir" "$model" \
      "$float_dir/$model.x86.bin" "$file" | grep -v "x86.bin:" ||
      fail "$model on $(basename "$dir") -cpu $cpu: outside the float tolerance"
  done
  local log="$out/bench_model.log"
  timeout 900 "$qemu" -cpu "$cpu" "$dir/bin/bench_model" --graph="$float_dir/quicknet_small.lbm" \
    --num_runs=2 --warmup_runs=0 --num_threads=2 --enable_op_profiling=true >"$log" 2>&1 ||
    { tail -20 "$log" >&2; fail "static bench_model on QuickNet-Small under $qemu -cpu $cpu"; }
  grep -q "Float kernels: \[own\]" "$log" || fail "bench_model did not report own float kernels (log: $log)"
  echo "$(basename "$dir") -cpu $cpu: float-stem models and bench_model OK ($((SECONDS - start)) s)"
}

for target in "${targets[@]}"; do
  case "$target" in
    aarch64)
      dir="$root/build-aarch64"
      cross_build aarch64-linux-gnu "$dir"
      q=(qemu-aarch64 aarch64-linux-gnu)
      # Every test on a NEON-only CPU and on one with every extension; the
      # dotprod rows inside real operators once more by forcing them, so the
      # cortex-a76 (NEON + dotprod) run needs only its feature detection.
      queue_tests cortex-a53 "neon" auto "${test_binaries[@]}"
      queue_tests max "neon dotprod i8mm" auto "${test_binaries[@]}"
      queue_tests max "neon dotprod i8mm" neondot test_ops_int8 test_ops_binary \
        test_ops_datamove test_ops_resize test_ops_tconv
      run_queued_tests "${q[@]}" "$dir"
      check_detection "${q[@]}" cortex-a76 "$dir" "neon dotprod"
      compare_outputs "${q[@]}" cortex-a53 "$dir" reference neon
      compare_outputs "${q[@]}" cortex-a76 "$dir" neondot
      compare_outputs "${q[@]}" max "$dir" neon neondot i8mm auto
      bench_smoke "${q[@]}" cortex-a53 "$dir"
      float_stem_models "${q[@]}" cortex-a53 "$dir"
      float_stem_models "${q[@]}" cortex-a76 "$dir"
      ;;
    armhf)
      dir="$root/build-armhf"
      cross_build arm-linux-gnueabihf "$dir"
      q=(qemu-arm arm-linux-gnueabihf)
      # Both CPUs have the same features (NEON, VFPv4): the whole suite once.
      queue_tests cortex-a15 "neon" auto "${test_binaries[@]}"
      run_queued_tests "${q[@]}" "$dir"
      check_detection "${q[@]}" cortex-a7 "$dir" "neon"
      compare_outputs "${q[@]}" cortex-a7 "$dir" reference armv7neon
      compare_outputs "${q[@]}" cortex-a15 "$dir" auto
      bench_smoke "${q[@]}" cortex-a7 "$dir"
      float_stem_models "${q[@]}" cortex-a7 "$dir"
      float_stem_models "${q[@]}" cortex-a15 "$dir"
      ;;
    *) fail "unknown target '$target' (aarch64 or armhf)" ;;
  esac
done
echo "test-arm.sh: all ARM checks passed (${targets[*]}; logs in $logs)"
