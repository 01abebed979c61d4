#!/usr/bin/env bash
# ThreadSanitizer run of the threaded tests (scripts/test.sh --tsan calls it):
#   scripts/test-tsan.sh BUILD_DIR [cmake args...]
# Builds the test binaries below with -DLOWBIT_TSAN=ON and runs, in each, the
# test cases that use several threads: all of tests/runtime (one Model shared
# by interpreters in four threads, lifetime cycles with 1 and 2 pool threads,
# 1/2/4-thread runs), every "identical on 1, 2 and 4 threads" operator test and
# the int8 operators' channel splits across threads. No suppressions: see
# docs/reliability.md. LOWBIT_JOBS sets build parallelism.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${1:?usage: test-tsan.sh BUILD_DIR [cmake args...]}
shift
# binary:Catch2 test spec (names with wildcards, or tags).
runs=(
  "test_runtime:*"
  "test_ops_elementwise:[threads]"
  "test_ops_float:*thread*"
  "test_ops_int8:*across threads*"
)

fail() {
  echo "test-tsan.sh: FAILED: $*" >&2
  exit 1
}

targets=()
for run in "${runs[@]}"; do
  t=${run%%:*}
  [[ " ${targets[*]} " == *" $t "* ]] || targets+=("$t")
done
cmake -S "$root" -B "$build_dir" -G Ninja -DLOWBIT_WERROR=ON "$@" >/dev/null
cmake --build "$build_dir" -j "${LOWBIT_JOBS:-2}" --target "${targets[@]}"

export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
total=0
for run in "${runs[@]}"; do
  binary=${run%%:*}
  spec=${run#*:}
  log="$build_dir/tsan-$binary-$(tr -c 'a-z0-9' '_' <<<"$spec").log"
  status=0
  LOWBIT_SOURCE_DIR="$root" "$build_dir/bin/$binary" "$spec" >"$log" 2>&1 || status=$?
  if grep -q "WARNING: ThreadSanitizer" "$log"; then
    grep -A30 "WARNING: ThreadSanitizer" "$log" | head -60 >&2
    fail "$binary $spec: ThreadSanitizer report (log: $log)"
  fi
  [[ $status -eq 0 ]] || { tail -30 "$log" >&2; fail "$binary $spec exited with $status (log: $log)"; }
  cases=$(grep -oE 'in [0-9]+ test cases?' "$log" | grep -oE '[0-9]+' | tail -1 || true)
  [[ -n "$cases" && "$cases" -gt 0 ]] || fail "$binary $spec ran no test cases (log: $log)"
  echo "test-tsan.sh: $binary $spec: $cases test cases passed"
  total=$((total + cases))
done
echo "test-tsan.sh: $total test cases passed under ThreadSanitizer"
