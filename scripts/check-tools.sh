#!/usr/bin/env bash
# Checks the command-line tools against the generated models; ctest runs one
# check per test ("tools: <check>").
#   scripts/check-tools.sh CHECK BIN_DIR MODELS_DIR
# CHECK: inspect | threads | kernels | inputs | errors | corrupt | bench | tflite | all
# tflite uses ../shared/models beside the repository ($LOWBIT_SHARED_MODELS).
set -euo pipefail

check=${1:?check name}
bin=${2:?bin dir}
models=${3:?models dir}
models_list=(demo_int8 block_int8 block_float block_binary)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
  echo "check-tools: FAILED ($check): $*" >&2
  exit 1
}

# Runs a command that must fail cleanly with exit code $1 (never a signal).
expect_exit() {
  local want=$1
  shift
  local rc=0
  "$@" >"$work/stdout" 2>"$work/stderr" || rc=$?
  [[ $rc -eq $want ]] || fail "'$*' exited $rc, expected $want; stderr: $(cat "$work/stderr")"
  [[ $(wc -l <"$work/stderr") -le 1 ]] || fail "'$*' wrote more than one error line"
}

run_to() {  # run_to OUT_FILE MODEL ARGS...: writes output 0 to OUT_FILE
  local out=$1 model=$2
  shift 2
  "$bin/lowbit-run" "$models/$model.lbm" --output "0=$out" "$@" >/dev/null ||
    fail "lowbit-run $model $* failed"
}

check_inspect() {
  for m in "${models_list[@]}"; do
    "$bin/lowbit-inspect" "$models/$m.lbm" >"$work/inspect" || fail "lowbit-inspect $m failed"
    for want in "format version: 1" "operators (" "tensors (" "arena bytes:" "packed-weight bytes:"; do
      grep -qF "$want" "$work/inspect" || fail "lowbit-inspect $m: no '$want'"
    done
  done
  # (from a file: grep -q in a pipe would SIGPIPE the writer under pipefail)
  "$bin/lowbit-inspect" "$models/demo_int8.lbm" >"$work/inspect"
  grep -qE "DEPTHWISE_CONV_2D .*3x3 s2 x1 SAME RELU6" "$work/inspect" ||
    fail "lowbit-inspect demo_int8: depthwise options not shown"
}

check_threads() {
  # Every operator split, however small (docs/api.md, "Threads").
  local LOWBIT_THREAD_POLICY=every_operator
  export LOWBIT_THREAD_POLICY
  for m in "${models_list[@]}"; do
    run_to "$work/t1" "$m" --threads 1
    run_to "$work/t3" "$m" --threads 3
    cmp -s "$work/t1" "$work/t3" || fail "$m: 1 and 3 threads differ"
  done
}

check_kernels() {
  for m in demo_int8 block_int8 block_binary; do
    run_to "$work/ref" "$m" --kernel reference
    run_to "$work/auto" "$m" --kernel auto
    cmp -s "$work/ref" "$work/auto" || fail "$m: reference and auto kernels differ"
  done
}

check_inputs() {
  # block_int8's input is 1x32x32x16 int8: 16384 bytes.
  head -c 16384 /dev/zero >"$work/zeros"
  run_to "$work/a" block_int8 --input "0=$work/zeros"
  run_to "$work/b" block_int8 --input "input=$work/zeros" --random-inputs 7
  cmp -s "$work/a" "$work/b" || fail "the same input file gave different outputs"
  run_to "$work/s1" block_int8 --random-inputs 1
  run_to "$work/s1b" block_int8
  run_to "$work/s2" block_int8 --random-inputs 2
  cmp -s "$work/s1" "$work/s1b" || fail "seed 1 is not the default"
  ! cmp -s "$work/s1" "$work/s2" || fail "seeds 1 and 2 gave the same output"
  ! cmp -s "$work/a" "$work/s1" || fail "zero input and random input gave the same output"
  [[ $(stat -c %s "$work/a") -eq 16384 ]] || fail "output file is not 16384 bytes"
}

check_errors() {
  local run="$bin/lowbit-run" m="$models/block_int8.lbm"
  expect_exit 2 "$run"
  expect_exit 2 "$run" "$m" --threads 0
  expect_exit 2 "$run" "$m" --bogus
  expect_exit 2 "$run" "$m" --profile fastest
  expect_exit 2 "$run" "$m" --input nofile
  expect_exit 1 "$run" "$work/missing.lbm"
  head -c 100 /dev/zero >"$work/short"
  expect_exit 1 "$run" "$m" --input "0=$work/short"
  grep -q "100 bytes" "$work/stderr" || fail "wrong input size not explained"
  expect_exit 1 "$run" "$m" --input "nosuch=$work/short"
  expect_exit 1 "$run" "$m" --input "5=$work/short"
  expect_exit 1 "$run" "$m" --output "1=$work/out"
  expect_exit 1 "$run" "$m" --kernel no_such_isa
  expect_exit 2 "$run" "$m" --threads
  expect_exit 2 "$run" "$m" "$m"
  expect_exit 2 "$bin/lowbit-inspect"
  expect_exit 2 "$bin/lowbit-inspect" "$m" --threads=0
  expect_exit 2 "$bin/bench_model" --num_runs=0
  expect_exit 2 "$bin/bench_model" --num_runs 1 --enable_op_profiling=maybe
  expect_exit 2 "$bin/bench_model" --bogus=1
  expect_exit 1 "$bin/bench_model" --graph="$work/missing.lbm"
  expect_exit 2 "$bin/lowbit-convert" only_one.tflite
  expect_exit 2 "$bin/lowbit-make-models"
  # --help: the synopsis on stdout, exit 0.
  for tool in lowbit-run lowbit-inspect lowbit-convert lowbit-make-models bench_model; do
    expect_exit 0 "$bin/$tool" --help
    grep -q "^usage: $tool" "$work/stdout" || fail "$tool --help does not start with its usage"
  done
}

check_corrupt() {
  local m="$models/block_int8.lbm" size
  size=$(stat -c %s "$m")
  for n in 0 4 8 40 200 $((size / 2)) $((size - 1)); do
    head -c "$n" "$m" >"$work/bad.lbm"
    expect_exit 1 "$bin/lowbit-inspect" "$work/bad.lbm"
    expect_exit 1 "$bin/lowbit-run" "$work/bad.lbm"
  done
  head -c 4096 /dev/urandom >"$work/bad.lbm"
  expect_exit 1 "$bin/lowbit-inspect" "$work/bad.lbm"
  # Bytes flipped inside the FlatBuffer: an error or a valid-looking model, never a crash.
  for offset in 16 64 128 256 512 1024; do
    cp "$m" "$work/bad.lbm"
    printf '\xff\x7f\x00\x80' | dd of="$work/bad.lbm" bs=1 seek="$offset" conv=notrunc status=none
    local rc=0
    "$bin/lowbit-inspect" "$work/bad.lbm" >/dev/null 2>&1 || rc=$?
    [[ $rc -le 1 ]] || fail "lowbit-inspect crashed (exit $rc) on bytes patched at $offset"
  done
}

check_bench() {
  "$bin/bench_model" --graph="$models/demo_int8.lbm" --num_runs=2 --warmup_runs=1 \
    --enable_op_profiling=true --output_json="$work/bench.json" >"$work/bench" ||
    fail "bench_model failed"
  for want in "Inference (avg of 2)" "Peak resident memory" "By operator kind" "SOFTMAX"; do
    grep -qF "$want" "$work/bench" || fail "bench_model output lacks '$want'"
  done
  for key in inference_avg_ms arena_bytes packed_weight_bytes peak_rss_kib operators; do
    grep -q "\"$key\"" "$work/bench.json" || fail "bench JSON lacks $key"
  done
  if command -v python3 >/dev/null; then
    python3 - "$work/bench.json" <<'PY' || fail "bench JSON does not parse as expected"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["num_runs"] == 2 and r["warmup_runs"] == 1 and r["inference_avg_ms"] > 0, r
assert [op["index"] for op in r["operators"]] == list(range(len(r["operators"]))), r
assert set(r["operators"][0]) == {"index", "type", "name", "kernel", "avg_ms", "min_ms", "macs"}, r
PY
  fi
  # TFLite's "--flag value" form and a bare --enable_op_profiling work too.
  "$bin/bench_model" --graph "$models/block_int8.lbm" --num_runs 1 --warmup_runs 0 \
    --enable_op_profiling >"$work/bench" || fail "bench_model with '--flag value' failed"
  grep -qF "Inference (avg of 1)" "$work/bench" || fail "--num_runs 1 not taken"
  grep -qF "By operator kind" "$work/bench" || fail "bare --enable_op_profiling not taken"
  # bench_load: one line per model with load, prepare and total ms; usage errors exit 2.
  "$bin/bench_load" --reps=2 "$models/demo_int8.lbm" >"$work/bench" || fail "bench_load failed"
  grep -qE "demo_int8.lbm +[0-9.]+ +[0-9.]+ +[0-9.]+$" "$work/bench" ||
    fail "bench_load output lacks the model's times"
  expect_exit 2 "$bin/bench_load"
  expect_exit 2 "$bin/bench_load" --bogus "$models/demo_int8.lbm"
  expect_exit 1 "$bin/bench_load" "$work/missing.lbm"
  # The default graph is ../models/demo_int8.lbm beside the binary.
  "$bin/bench_model" --num_runs=1 --warmup_runs=0 >"$work/bench" || fail "default graph failed"
  grep -q "demo_int8.lbm" "$work/bench" || fail "default graph is not demo_int8.lbm"
}

# A .tflite given to each tool runs exactly as the .lbm lowbit-convert writes.
check_tflite() {
  local shared=${LOWBIT_SHARED_MODELS:-$(dirname "${BASH_SOURCE[0]}")/../../shared/models}
  local tflite=$shared/tflite_micro/person_detect.tflite
  [[ -f "$tflite" ]] ||
    fail "no $tflite: the shared models are missing (set LOWBIT_SHARED_MODELS to their folder)"
  "$bin/lowbit-convert" --quiet "$tflite" "$work/person.lbm" || fail "lowbit-convert failed"
  for threads in 1 2; do
    "$bin/lowbit-run" "$work/person.lbm" --random-inputs 5 --threads "$threads" \
      --output "0=$work/from_lbm" >/dev/null || fail "lowbit-run on the .lbm failed"
    "$bin/lowbit-run" "$tflite" --random-inputs 5 --threads "$threads" \
      --output "0=$work/from_tflite" >/dev/null || fail "lowbit-run on the .tflite failed"
    cmp -s "$work/from_lbm" "$work/from_tflite" ||
      fail "$threads thread(s): the .tflite and its .lbm give different outputs"
  done
  "$bin/lowbit-inspect" "$tflite" >"$work/inspect" || fail "lowbit-inspect on the .tflite failed"
  for want in "converted from TFLite" "operators (31)" "DEPTHWISE_CONV_2D" "arena bytes:"; do
    grep -qF "$want" "$work/inspect" || fail "lowbit-inspect on the .tflite: no '$want'"
  done
  "$bin/bench_model" --graph="$tflite" --num_runs=1 --warmup_runs=0 >"$work/bench" ||
    fail "bench_model --graph=.tflite failed"
  grep -qF "Inference (avg of 1)" "$work/bench" || fail "bench_model on the .tflite did not run"
  # A cut file: one line naming the file and the reason, from every tool.
  head -c 5000 "$tflite" >"$work/cut.tflite"
  for command in "lowbit-run" "lowbit-inspect" "bench_model --graph"; do
    expect_exit 1 $bin/$command "$work/cut.tflite"
    grep -qF "$work/cut.tflite: not a valid TFLite model" "$work/stderr" ||
      fail "$command on a cut .tflite: $(cat "$work/stderr")"
  done
}

case "$check" in
  inspect|threads|kernels|inputs|errors|corrupt|bench|tflite) "check_$check" ;;
  all)
    for c in inspect threads kernels inputs errors corrupt bench tflite; do check=$c; "check_$c"; done
    ;;
  *) echo "check-tools.sh: unknown check '$check'" >&2; exit 2 ;;
esac
echo "check-tools: $check passed"
