#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) in build-fuzz/, makes the
# seed corpora and runs the targets, two at a time (docs/reliability.md).
#   scripts/fuzz.sh                    every target for 60 s (the CI smoke run)
#   scripts/fuzz.sh --time=600         every target for 10 minutes
#   scripts/fuzz.sh --target=fuzz_lce_options --time=30
# Inputs that grow coverage are kept in build-fuzz/corpus/<target>/ across
# runs; crashes, leaks and timeouts land in build-fuzz/findings/<target>/ and
# fail the script. LOWBIT_FUZZ_BUILD_DIR (relative to the repository)
# overrides the build folder; LOWBIT_JOBS sets build parallelism and how many
# targets run at once (default 2).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir="$root/${LOWBIT_FUZZ_BUILD_DIR:-build-fuzz}"
seconds=60
targets=(fuzz_load_lbm fuzz_convert_tflite fuzz_lce_options fuzz_micro_lbm)
only=""
for arg in "$@"; do
  case "$arg" in
    --time=*) seconds=${arg#--time=} ;;
    --target=*) only=${arg#--target=} ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "fuzz.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done
[[ "$seconds" =~ ^[0-9]+$ && "$seconds" -gt 0 ]] || { echo "fuzz.sh: bad --time" >&2; exit 2; }
if [[ -n "$only" ]]; then
  [[ " ${targets[*]} " == *" $only "* ]] || { echo "fuzz.sh: no target '$only'" >&2; exit 2; }
  targets=("$only")
fi

"$root/scripts/install-deps.sh" --fuzz
# -O1 -g1 as the sanitizer builds of scripts/test.sh: half the compile time.
CC=clang CXX=clang++ cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" \
  -DLOWBIT_FUZZ=ON -DLOWBIT_WERROR=ON -DLOWBIT_BUILD_TESTS=OFF -DLOWBIT_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$build_dir" -j "${LOWBIT_JOBS:-2}" \
  --target "${targets[@]}" lowbit-make-models lowbit-convert lowbit-fuzz-lce-seeds \
  lowbit-fuzz-op-seeds

seeds="$build_dir/seeds"
"$root/fuzz/make_corpora.sh" "$build_dir" "$seeds" 65536

declare -A seed_dir=([fuzz_load_lbm]=lbm [fuzz_convert_tflite]=tflite [fuzz_lce_options]=lce_options
  [fuzz_micro_lbm]=lbm)
declare -A dict=([fuzz_load_lbm]=lbm [fuzz_convert_tflite]=tflite [fuzz_lce_options]=lce_options
  [fuzz_micro_lbm]=lbm)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# One target's run, its summary printed when it ends; its exit status is
# libFuzzer's (non-zero on a crash, sanitizer report, leak, timeout or OOM).
fuzz_one() {  # target
  local target=$1 corpus="$build_dir/corpus/$1" findings="$build_dir/findings/$1"
  local log="$build_dir/fuzz-$1.log" status=0 execs cov
  mkdir -p "$corpus" "$findings"
  echo "fuzz.sh: $target for ${seconds}s (log: $log)"
  nice -n 10 "$build_dir/bin/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -dict="$root/fuzz/${dict[$target]}.dict" \
    -artifact_prefix="$findings/" "$corpus" "$seeds/${seed_dir[$target]}" >"$log" 2>&1 || status=$?
  # Summary: executions, coverage and corpus size from libFuzzer's own report.
  execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
  cov=$(grep -oE '(cov|ft): [0-9]+' "$log" | tail -2 | tr '\n' ' ')
  echo "fuzz.sh: $target: exit $status, executions $execs, $cov, corpus $(ls "$corpus" | wc -l) files"
  if [[ $status -ne 0 ]]; then
    echo "fuzz.sh: $target FOUND A PROBLEM: see $log and $findings/" >&2
    tail -40 "$log" >&2
  fi
  return "$status"
}

# The targets run $jobs at a time (each is one process on one core, with its
# own corpus, findings and log; the seeds are only read), each for the full
# time: with 2 cores the CI smoke run takes half the wall time of one after
# another.
jobs=${LOWBIT_JOBS:-2}
declare -A pid_of=()
failed=()
collect() {  # waits for one running target to end; records it if it failed
  local pid="" status=0 target
  wait -n -p pid "${pid_of[@]}" || status=$?
  [[ -n "$pid" ]] || { echo "fuzz.sh: lost track of the running targets" >&2; exit 1; }
  for target in "${!pid_of[@]}"; do
    [[ ${pid_of[$target]} == "$pid" ]] || continue
    unset "pid_of[$target]"
    [[ $status -eq 0 ]] || failed+=("$target")
  done
}
for target in "${targets[@]}"; do
  while (( ${#pid_of[@]} >= jobs )); do collect; done
  fuzz_one "$target" &
  pid_of[$target]=$!
done
while (( ${#pid_of[@]} > 0 )); do collect; done
[[ ${#failed[@]} -eq 0 ]] || { echo "fuzz.sh: FAILED: ${failed[*]}" >&2; exit 1; }
echo "fuzz.sh: all ${#targets[@]} targets ran ${seconds}s without a finding"
