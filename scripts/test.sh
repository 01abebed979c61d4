#!/usr/bin/env bash
# Installs dependencies, builds everything and runs the whole test suite.
#   scripts/test.sh              Release build in build/
#   scripts/test.sh --sanitize   AddressSanitizer + UBSan build in build-asan/
#   scripts/test.sh --tsan       ThreadSanitizer build in build-tsan/: the threaded tests only
# The plain build also runs the kernel and operator tests under qemu-x86_64
# -cpu Haswell and -cpu Nehalem, the embedding checks, the conformance sweep
# and the ARM cross builds under qemu-user (scripts/test-arm.sh) and the
# firmware (lowbit micro) on x86-64, aarch64, armv7 and a bare-metal Cortex-M4
# under qemu (scripts/check-firmware.sh).
# LOWBIT_JOBS sets build and ctest parallelism (default 2); LOWBIT_BUILD_DIR
# (relative to the repository) overrides the build folder.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir="$root/${LOWBIT_BUILD_DIR:-build}"
cmake_args=()
sanitize=0
tsan=0
# Sanitizer builds at -O1 with line tables only (-g1): the checks are the
# same, the compile takes less than half of -O2 -g's time (a CI budget item).
sanitizer_flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DLOWBIT_BUILD_BENCHMARKS=OFF
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG")
for arg in "$@"; do
  case "$arg" in
    --sanitize)
      sanitize=1
      build_dir="$root/${LOWBIT_BUILD_DIR:-build-asan}"
      cmake_args+=(-DLOWBIT_SANITIZE=ON "${sanitizer_flags[@]}")
      ;;
    --tsan)
      tsan=1
      build_dir="$root/${LOWBIT_BUILD_DIR:-build-tsan}"
      cmake_args+=(-DLOWBIT_TSAN=ON "${sanitizer_flags[@]}")
      ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "test.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done
jobs=${LOWBIT_JOBS:-2}
# Paths relative to the checkout in ccache's keys, so the install check's
# second build of the library (build-install/) reuses this build's objects.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root}

fail() {
  echo "test.sh: FAILED: $*" >&2
  exit 1
}

# How long each step took, printed as it ends and summed up at the end, so a
# slow CI run shows where its minutes went.
# CPU seconds (user + system of finished children) as well as wall seconds:
# on a shared machine the wall time says little, the CPU time what the step costs.
step_times=()
times_file=$(mktemp)
trap 'rm -f "$times_file"' EXIT
read_children_cpu() {  # sets children_cpu; `times` must run in this shell, not a subshell
  times >"$times_file"
  children_cpu=$(awk 'END { total = 0
    for (i = 1; i <= NF; i++) { split($i, t, "m"); total += t[1] * 60 + t[2] }
    printf "%d", total }' "$times_file")
}
record_step() {  # label wall_start cpu_start
  read_children_cpu
  local cpu=$((children_cpu - $3))
  step_times+=("$(printf '%5d s wall %6d s CPU  %s' $((SECONDS - $2)) "$cpu" "$1")")
  echo "test.sh: step '$1' took $((SECONDS - $2)) s ($cpu s CPU)"
}
timed() {
  [[ $parallel_steps -eq 0 ]] || { start_step "$@"; return 0; }
  local label=$1 start=$SECONDS cpu_start
  read_children_cpu
  cpu_start=$children_cpu
  shift
  "$@"
  local status=$?
  record_step "$label" "$start" "$cpu_start"
  return $status
}
print_step_times() {
  echo "test.sh: step times:"
  printf 'test.sh:   %s\n' "${step_times[@]}"
}

# Between `parallel_steps=1` and finish_steps, `timed` starts each step in the
# background, $jobs at a time (the conformance steps: mostly one Python process
# on one core, each writing only its own files), and each step's output is
# shown when it ends. A failed step fails the run at finish_steps.
parallel_steps=0
pending_steps=()
failed_steps=()
start_step() {  # label command...: like timed, in the background
  local label=$1 log
  shift
  log="$build_dir/step-$(tr -c 'a-zA-Z0-9\n' '-' <<<"$label").log"
  rm -f "$log.result"
  (
    times_file="$log.times"  # read_children_cpu's file, one per step
    start=$SECONDS
    status=0
    "$@" >"$log" 2>&1 || status=$?
    read_children_cpu  # this subshell's children: the step alone
    echo "$status $((SECONDS - start)) $children_cpu" >"$log.result"
  ) &
  pending_steps+=("$label|$log")
  while (( $(jobs -rp | wc -l) >= jobs )); do wait -n || true; report_steps; done
  report_steps
}
report_steps() {  # shows and records the steps that have ended
  local entry label log status wall cpu still=()
  for entry in "${pending_steps[@]}"; do
    label=${entry%%|*} log=${entry#*|}
    if [[ ! -f "$log.result" ]]; then still+=("$entry"); continue; fi
    read -r status wall cpu <"$log.result"
    echo "test.sh: --- step '$label' (log: $log)"
    cat "$log"
    step_times+=("$(printf '%5d s wall %6d s CPU  %s' "$wall" "$cpu" "$label")")
    echo "test.sh: step '$label' took $wall s ($cpu s CPU)$([[ $status -eq 0 ]] || echo ": FAILED, status $status")"
    [[ $status -eq 0 ]] || failed_steps+=("$label")
  done
  pending_steps=(${still[@]+"${still[@]}"})
}
finish_steps() {
  local start=$1
  wait
  report_steps
  parallel_steps=0
  echo "test.sh: parallel steps took $((SECONDS - start)) s"
  [[ ${#failed_steps[@]} -eq 0 ]] || fail "steps: $(printf "'%s' " "${failed_steps[@]}")(logs above)"
}

# The plain build's conformance sweeps run TensorFlow-written models against
# LiteRT: they need the oracle venv (.venv, pinned PyPI packages) as well.
if [[ $sanitize -eq 0 && $tsan -eq 0 ]]; then
  "$root/scripts/install-deps.sh" --oracle
else
  "$root/scripts/install-deps.sh"
fi
if [[ $tsan -eq 1 ]]; then
  exec "$root/scripts/test-tsan.sh" "$build_dir" "${cmake_args[@]}"
fi
# CMake's default generator (Unix Makefiles), as docs/tools.md shows it, so CI
# proves the documented plain build; the install and firmware checks below
# build with Ninja. An existing build folder keeps the generator it has.
# -Werror: no compiler warning comes back unnoticed.
cmake -S "$root" -B "$build_dir" -DLOWBIT_WERROR=ON "${cmake_args[@]}" >/dev/null
timed "build" cmake --build "$build_dir" -j "$jobs"

# A Catch2 binary that cannot start registers zero tests with ctest and the
# run still "passes"; ask every binary for its test names first. (Catch2 v2
# exits with the number of listed tests, so the exit code says nothing.)
shopt -s nullglob
binaries=("$build_dir"/bin/test_*)
[[ ${#binaries[@]} -gt 0 ]] || fail "no test binaries in $build_dir/bin"
for binary in "${binaries[@]}"; do
  names=$("$binary" --list-test-names-only 2>&1 || true)
  [[ -n "${names//[[:space:]]/}" ]] || fail "$(basename "$binary") lists no test cases"
  echo "$(basename "$binary"): $(grep -c . <<<"$names") test cases"
done

log="$build_dir/ctest.log"
ctest_start=$SECONDS
read_children_cpu
ctest_cpu_start=$children_cpu
ctest --test-dir "$build_dir" --output-on-failure --no-tests=error -j "$jobs" --timeout 600 \
  2>&1 | tee "$log" || fail "ctest reported failures (log: $log)"
record_step "ctest" "$ctest_start" "$ctest_cpu_start"
ran=$(grep -oE 'tests? failed out of [0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
[[ "$ran" -gt 0 ]] || fail "ctest ran no tests"
echo "test.sh: all $ran tests passed in ${#binaries[@]} test binaries"
# Which kernel variants this CPU ran, family by family (the kernel tests run
# every variant the CPU has; the rest are covered by emulation and by the
# fake-CPU selection tests).
echo "test.sh: $(lscpu | sed -n 's/^Model name: *//p')"
variants=$("$build_dir/bin/test_kernels" "kernel variants this CPU runs" 2>&1)
grep -E "^(CPU features|variants run):" <<<"$variants" | sed 's/^/test.sh: /'

# "auto" runs the best variant of each family; the operator tests run again
# with every other x86 SIMD set this CPU has forced (AVX-VNNI on Intel CPUs
# that also have AVX512-VNNI, plain AVX-512, AVX2), so those variants run
# inside real operators too. ARM does the same in scripts/test-arm.sh.
cpu_features=$(sed -n 's/^CPU features: //p' <<<"$variants")
forced_start=$SECONDS
read_children_cpu
forced_cpu_start=$children_cpu
# One test binary with some variables set, its log kept; run $jobs at a time.
run_with_env() {  # VAR=value... binary
  local binary=${*: -1} vars=("${@:1:$#-1}") start=$SECONDS summary log
  log="$build_dir/forced-$(tr ' =' '_-' <<<"${vars[*]}")-$binary.log"
  if ! env "${vars[@]}" "$build_dir/bin/$binary" >"$log" 2>&1; then
    tail -40 "$log" >&2
    echo "test.sh: FAILED: $binary with ${vars[*]} (log: $log)" >&2
    return 1
  fi
  summary=$(grep -E "^All tests passed|^test cases:" "$log" | tail -1)
  [[ "$summary" == "All tests passed"* ]] ||
    { echo "test.sh: FAILED: $binary with ${vars[*]}: $summary (log: $log)" >&2; return 1; }
  echo "test.sh: ${vars[*]}, $binary: $summary ($((SECONDS - start)) s)"
}
forced_runs=()
for set in avxvnni:avxvnni avx512:avx512bw avx2:avx2; do
  [[ " $cpu_features " == *" ${set#*:} "* ]] || continue
  for name in test_ops_int8 test_ops_binary test_ops_elementwise test_ops_datamove test_ops_resize \
      test_ops_tconv test_ops_math; do
    forced_runs+=("LOWBIT_KERNEL=${set%%:*} LOWBIT_TEST_SCALE=${LOWBIT_TEST_SCALE:-0.3} $name")
  done
done
# The float operator tests once more with lowbit's own float kernels as the
# default (issue 19); the ctest run above had XNNPACK's.
forced_runs+=("LOWBIT_FLOAT_KERNELS=own test_ops_float")
running=0
for run in "${forced_runs[@]}"; do
  # shellcheck disable=SC2086  # "VAR=value... binary": words on purpose
  run_with_env $run &
  if (( ++running >= jobs )); then
    wait -n || fail "a test binary with a forced kernel set (above)"
    running=$((running - 1))
  fi
done
for (( ; running > 0; running-- )); do
  wait -n || fail "a test binary with a forced kernel set (above)"
done
record_step "forced kernel sets" "$forced_start" "$forced_cpu_start"

# The x86 fallbacks (AVX2 only, no AVX at all) under emulation; sanitizer
# runtimes do not run under qemu-user, so only the plain build goes there.
if [[ $sanitize -eq 0 ]]; then
  timed "emulated x86" "$root/scripts/test-emulated.sh" "$build_dir" || fail "emulated x86 fallback tests"
fi

# Embedding, numerics and ARM (plain build only). The embedding checks: the
# installed CMake/pkg-config package with a consumer project, and `pip install
# ./python` in a fresh venv with its pytest. The numerics: reference and SIMD
# kernels agree bit for bit on the shared int8 models; a short conformance
# sweep against LiteRT's reference kernels and LCE's interpreter (committed
# fixtures, oracles in a venv from PyPI), on XNNPACK's and on lowbit's own
# float kernels; the real-world zoo models and the operator sweeps against
# LiteRT. All of these are parallel steps (each writes only its own files; the
# install and Python checks mostly wait on their builds' ccache hits and on
# pip). Then the aarch64 and armhf cross builds under qemu-user, every ARM
# variant exercised and outputs bit-identical with this x86 build, and the
# firmware (last: both need the cross toolchains).
# The two --ci sweeps write the same files: one step, one after the other.
conformance_ci_both_float_kernels() {
  "$root/scripts/conformance.sh" --ci --build-dir "$build_dir" || return
  # The sweep's float parts (LCE float stems and heads) on lowbit's own float kernels too (issue 19).
  echo "test.sh: the --ci sweep again with LOWBIT_FLOAT_KERNELS=own"
  LOWBIT_FLOAT_KERNELS=own "$root/scripts/conformance.sh" --ci --build-dir "$build_dir"
}
if [[ $sanitize -eq 0 ]]; then
  parallel_steps=1 parallel_start=$SECONDS  # the steps up to finish_steps: $jobs at a time
  # The longest steps first, so the last ones to end are short.
  timed "conformance lstm-cases" "$root/scripts/conformance.sh" --lstm-cases --build-dir "$build_dir" || fail "LSTM models (int8, float32) vs LiteRT"
  # Issue 18's accuracy bars on Fashion-MNIST (networks trained once, then cached in the build folder).
  timed "conformance quantization-accuracy" "$root/scripts/conformance.sh" --quantization-accuracy --ci --check --build-dir "$build_dir" ||
    fail "Fashion-MNIST accuracy of lowbit-quantize's models (int8 vs TensorFlow PTQ, W4A8 vs float)"
  timed "python check" "$root/scripts/check-python.sh" "$build_dir" || fail "Python bindings check"
  timed "install check" "$root/scripts/check-install.sh" "$build_dir-install" ||
    fail "installed package check"
  timed "conformance simd-vs-reference" "$root/scripts/conformance.sh" --simd-vs-reference --build-dir "$build_dir" || fail "reference vs SIMD kernels on shared models"
  timed "conformance ci (XNNPACK's, then own float kernels)" conformance_ci_both_float_kernels ||
    fail "conformance sweep (LiteRT, LCE)"
  timed "conformance zoo-cases" "$root/scripts/conformance.sh" --zoo-cases --build-dir "$build_dir" || fail "zoo models vs LiteRT"
  # TRANSPOSE_CONV / L2_NORMALIZATION sweep: TensorFlow writes part of its models.
  timed "conformance transpose-conv-cases" "$root/scripts/conformance.sh" --transpose-conv-cases --cases 12 --tf-cases 2 --build-dir "$build_dir" ||
    fail "TRANSPOSE_CONV and L2_NORMALIZATION vs LiteRT"
  timed "conformance activation-cases" "$root/scripts/conformance.sh" --activation-cases --cases 6 --build-dir "$build_dir" || fail "activation and math operators vs LiteRT"
  timed "conformance reduce-cases" "$root/scripts/conformance.sh" --reduce-cases --cases 3 --build-dir "$build_dir" || fail "reductions, batch/space, concatenation, dequantize vs LiteRT"
  timed "conformance int16-conv-cases" "$root/scripts/conformance.sh" --int16-conv-cases --cases 3 --kernel auto --threads 2 --build-dir "$build_dir" ||
    fail "16x8 convolutions vs LiteRT and TFLite Micro"
  timed "conformance seanet-cases" "$root/scripts/conformance.sh" --seanet-cases --build-dir "$build_dir" \
    --ops add,sub,leaky_relu,pad,quantize,strided_slice,conv,transpose_conv || fail "seanet 16x8 models vs their goldens"
  timed "conformance int16-cases" "$root/scripts/conformance.sh" --int16-cases --cases 3 --build-dir "$build_dir" || fail "16x8 operators vs LiteRT"
  timed "conformance svdf-rnn-cases" "$root/scripts/conformance.sh" --svdf-rnn-cases --inputs 10 --build-dir "$build_dir" ||
    fail "SVDF and RNN models vs LiteRT and TFLite Micro"
  timed "conformance int4-cases" "$root/scripts/conformance.sh" --int4-cases --cases 8 --build-dir "$build_dir" || fail "W4A8 (int4 weights) FULLY_CONNECTED and CONV_2D vs LiteRT"
  timed "conformance float-own-cases" "$root/scripts/conformance.sh" --float-own-cases --build-dir "$build_dir" || fail "float models on own and XNNPACK float kernels vs LiteRT"
  timed "conformance float16-cases" "$root/scripts/conformance.sh" --float16-cases --inputs 2 --build-dir "$build_dir" ||
    fail "TensorFlow float16 models vs LiteRT and their float32 originals"
  timed "lowbit-eval check" "$root/scripts/conformance.sh" --eval-tool --build-dir "$build_dir" || fail "lowbit-eval"
  # lowbit micro (the firmware runtime) against lowbit-run, byte for byte: every
  # micro operator in chosen and random geometries, each profile, SIMD and
  # portable kernels (tests/micro/*.py; test_micro covers the rest in ctest).
  timed "micro ops conformance" "$root/.venv/bin/python" "$root/tests/micro/ops_conformance.py" --bin "$build_dir/bin" ||
    fail "lowbit micro CONV_2D/DEPTHWISE_CONV_2D/FULLY_CONNECTED vs lowbit-run"
  timed "micro pool/softmax/add conformance" "$root/.venv/bin/python" "$root/tests/micro/pool_softmax_add_conformance.py" --build-dir "$build_dir" ||
    fail "lowbit micro pools, SOFTMAX and ADD vs lowbit-run"
  finish_steps "$parallel_start"
  "$root/scripts/install-deps.sh" --cross
  LOWBIT_NATIVE_BUILD="$build_dir" timed "ARM under qemu" "$root/scripts/test-arm.sh" ||
    fail "ARM cross builds under qemu"
  # The firmware on x86-64, aarch64, armv7 and Cortex-M4 (its toolchains come with --cross, above).
  timed "firmware check" "$root/scripts/check-firmware.sh" "$build_dir" "$build_dir-firmware" ||
    fail "firmware check (x86-64, aarch64, armv7, Cortex-M4)"
fi
print_step_times
