#!/usr/bin/env bash
# lowbit-quantize's command line: success writes the model and the report;
# each bad input is a named error, exit 1, and nothing written.
#   tests/quantize/cli_test.sh BIN_DIR MODELS_DIR   (build/bin, build/models)
set -uo pipefail
bin=$1 models=$2
tool=$bin/lowbit-quantize
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_error NAME EXIT_CODE TEXT ARGS...: fails unless the tool exits with
# EXIT_CODE, says TEXT on stderr, and leaves no $work/out.lbm behind.
expect_error() {
  local name=$1 code=$2 text=$3
  shift 3
  "$tool" "$@" >"$work/stdout" 2>"$work/stderr"
  local rc=$?
  [[ $rc -eq $code ]] || fail "$name: exit $rc, expected $code ($(cat "$work/stderr"))"
  grep -qF -- "$text" "$work/stderr" || fail "$name: stderr lacks '$text': $(cat "$work/stderr")"
  [[ ! -e $work/out.lbm && ! -e $work/out.lbm.partial ]] || fail "$name: wrote a model"
}

mkdir -p "$work/calib" "$work/empty" "$work/short"
# block_float's input is [1,32,32,16] float32: 65536 bytes per sample.
head -c 65536 /dev/zero >"$work/calib/a.bin"
head -c 65532 /dev/zero >"$work/short/a.bin"

expect_error "empty folder" 1 "holds no sample files" \
  "$models/block_float.lbm" "$work/out.lbm" --calibration "$work/empty"
expect_error "wrong sample size" 1 "a.bin: 65532 bytes, but one float32 sample" \
  "$models/block_float.lbm" "$work/out.lbm" --calibration "$work/short"
expect_error "int8 model" 1 "lowbit-quantize takes a float model" \
  "$models/block_int8.lbm" "$work/out.lbm" --calibration "$work/calib"
expect_error "unknown layer" 1 "'nope' names no operator" \
  "$models/block_float.lbm" "$work/out.lbm" --calibration "$work/calib" --keep-float nope
expect_error "unknown calibrator" 2 "--calibrator" \
  "$models/block_float.lbm" "$work/out.lbm" --calibration "$work/calib" --calibrator best
expect_error "no calibration" 2 "--calibration DIR is required" \
  "$models/block_float.lbm" "$work/out.lbm"

head -c 300 "$models/block_float.lbm" >"$work/cut.lbm"
expect_error "truncated model" 1 "cut.lbm" \
  "$work/cut.lbm" "$work/out.lbm" --calibration "$work/calib"
"$tool" --help >"$work/stdout" 2>&1 || fail "--help: exit $?"
grep -q "^usage: lowbit-quantize" "$work/stdout" || fail "--help does not start with the usage"

"$tool" "$models/block_float.lbm" "$work/out.lbm" --calibration "$work/calib" \
  --report "$work/report.json" --keep-float block/add >"$work/stdout" 2>"$work/stderr" ||
  fail "quantizing block_float: $(cat "$work/stderr")"
[[ -s $work/out.lbm ]] || fail "no model written"
grep -q '"kept_float": \["operator 3 (ADD' "$work/report.json" || fail "report: $(cat "$work/report.json")"
grep -q 'final output SQNR' "$work/stdout" || fail "no text report: $(cat "$work/stdout")"
"$bin/lowbit-run" "$work/out.lbm" >/dev/null || fail "the quantized model does not run"
echo "lowbit-quantize command line: OK"
