#!/usr/bin/env bash
# Runs the kernel and operator tests of an x86-64 build under qemu-user with
# older CPU models, so selection falls back as it would on real hardware:
#   Haswell: AVX2, no AVX-512;  Nehalem: SSE4.2, no AVX.
# The random sweeps shrink (LOWBIT_TEST_SCALE) because emulation is slow.
#   scripts/test-emulated.sh BUILD_DIR
set -euo pipefail

build_dir=${1:?usage: test-emulated.sh BUILD_DIR}
[[ "$(uname -m)" == "x86_64" ]] || { echo "test-emulated.sh: not an x86-64 host, nothing to do"; exit 0; }
command -v qemu-x86_64 >/dev/null || { echo "test-emulated.sh: FAILED: qemu-x86_64 missing (scripts/install-deps.sh installs it)" >&2; exit 1; }

binaries=(test_kernels test_ops_int8 test_ops_binary test_ops_elementwise test_runtime)
run_on() {  # cpu: every binary in turn
  local cpu=$1 name binary log start summary
  for name in "${binaries[@]}"; do
    binary="$build_dir/bin/$name"
    [[ -x "$binary" ]] || { echo "test-emulated.sh: FAILED: $binary missing" >&2; exit 1; }
    log="$build_dir/emulated-$cpu-$name.log"
    start=$SECONDS
    if ! LOWBIT_TEST_SCALE=${LOWBIT_TEST_SCALE:-0.3} qemu-x86_64 -cpu "$cpu" "$binary" >"$log" 2>&1; then
      tail -40 "$log" >&2
      echo "test-emulated.sh: FAILED: $name under qemu -cpu $cpu (log: $log)" >&2
      exit 1
    fi
    summary=$(grep -E "^All tests passed|^test cases:" "$log" | tail -1)
    # A binary that ran nothing is a failure, not a pass.
    [[ "$summary" == "All tests passed"* ]] || { echo "test-emulated.sh: FAILED: $name under $cpu: $summary" >&2; exit 1; }
    echo "emulated $cpu $name: $summary ($((SECONDS - start)) s)"
  done
}
# The two CPUs side by side (qemu-user is single-threaded here).
run_on Haswell &
haswell=$!
nehalem_status=0
run_on Nehalem || nehalem_status=$?
wait "$haswell" || exit 1
exit "$nehalem_status"
