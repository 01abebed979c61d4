#!/usr/bin/env bash
# lowbit's bit-exactness checks, one entry point (tests/conformance/README.md). Three modes:
#
#   scripts/conformance.sh [--ci | --quick] [--seed N] [--inputs N] [--only REGEX] [--kernel SET]
#                          [--no-fashion] [--regenerate] [--refresh-fixtures] [--doc FILE]
#     Oracle sweep: every shared and generated model with fresh random inputs against LiteRT
#     (reference kernels and XNNPACK) and Larq Compute Engine; a Markdown report (default
#     DIR/conformance/conformance.md; `--doc docs/conformance.md` records the run). Needs the
#     oracle venv (scripts/install-deps.sh --oracle). --ci: the committed fixtures, 10 inputs
#     each, once with the best kernels and once with the reference kernels
#     (conformance-reference.md); needs only ai-edge-litert and LCE's interpreter, installed
#     into DIR/conformance/oracle-venv when .venv lacks them (about 40 s).
#   scripts/conformance.sh --simd-vs-reference [--models DIR]
#     lowbit-run --kernel reference vs auto (1 and 2 threads), bit for bit, on the shared int8
#     models in every profile for two input seeds. No venv needed.
#   scripts/conformance.sh --op-cases [--cases N] [--resolver BUILTIN_REF|AUTO] [--profile P]
#                          [--kinds conv,dw,fc,avgpool,maxpool,mean,add,sub,mul] [--dtypes int8,uint8] [--seed N]
#     Random single-operator int8/uint8 models, LiteRT's output bytes against lowbit-run's.
#   scripts/conformance.sh --datamove-cases [--cases N] [--ops transpose,gather,...] [--dtypes ...]
#     Random single-operator TensorFlow models of the data movement operators (float32, int8,
#     uint8, int32, int64, bool), LiteRT BUILTIN_REF's output bytes against lowbit-run's.
#   scripts/conformance.sh --math-cases [--cases N] [--ops cast,gather_nd,div,...] [--seed N]
#     CAST, GATHER_ND, DIV, FLOOR_DIV, FLOOR_MOD, SQRT, RSQRT, ABS, NEG, MAXIMUM, MINIMUM,
#     SQUARED_DIFFERENCE, int32 ADD/SUB/MUL (math_cases.py) the same way, edges included.
#   scripts/conformance.sh --activation-cases [--cases N] [--ops tanh,prelu,...] [--seed N]
#     TANH, EXP, LOG, LEAKY_RELU, PRELU (float32, int8, uint8) and the int8 ABS, NEG, SQRT,
#     RSQRT, SQUARED_DIFFERENCE (activation_cases.py): models written field by field with any
#     quantization, and a Keras model of those layers converted by TensorFlow (when installed);
#     LiteRT BUILTIN_REF's output bytes against lowbit-run's.
#   scripts/conformance.sh --resize-cases [--cases N] [--seed N]
#     RESIZE_BILINEAR/RESIZE_NEAREST_NEIGHBOR (resize_cases.py) and TFLite_Detection_PostProcess
#     (detection_cases.py) against LiteRT's reference kernels. Needs .venv with TensorFlow.
#   scripts/conformance.sh --transpose-conv-cases [--cases N] [--tf-cases N] [--seed N]
#     TRANSPOSE_CONV (int8, uint8, float32; strides, paddings, bias, fused activations) and
#     L2_NORMALIZATION (transpose_conv_cases.py), builder- and TensorFlow-written, against LiteRT
#     BUILTIN_REF. Needs .venv with TensorFlow.
#   scripts/conformance.sh --graph-folding-cases [--cases N] [--inputs N] [--seed N]
#     The converter's graph rewrites (graph_folding_cases.py): a Keras dynamic-batch Flatten
#     (SHAPE chain folded) and a PyTorch-style NCHW model (cancelling TRANSPOSE pair removed),
#     int8, against LiteRT BUILTIN_REF. Needs .venv with TensorFlow.
#   scripts/conformance.sh --reduce-cases [--cases N] [--ops mean,sum,...] [--dtypes ...] [--seed N]
#     MEAN, SUM, REDUCE_MAX, REDUCE_MIN (any axes, keep_dims), SPACE_TO_BATCH_ND,
#     BATCH_TO_SPACE_ND, CONCATENATION on any axis and DEQUANTIZE of float16/int8/uint8
#     constants (reduce_cases.py), models written field by field, against LiteRT BUILTIN_REF;
#     a float16-weight TensorFlow model too when .venv has TensorFlow.
#   scripts/conformance.sh --zoo-cases [--inputs N] [--seed N] [--models DIR]
#     Every ../shared/models/zoo/coral model (zoo_cases.py) against LiteRT BUILTIN_REF at 1 and 2
#     threads with auto and reference kernels; the ones still refused are listed with their issue.
#     Then examples/known_answers.py --check: the examples' expected lines are LiteRT's answers.
#   scripts/conformance.sh --lstm-cases [--inputs N] [--invokes N] [--seed N] [--models DIR]
#     The zoo's int8 LSTM models and generated Keras LSTMs (int8 and float32, with CIFG,
#     peephole, projection and layer-norm variants), hybrid LSTMs (converter-made and written
#     field by field) and BIDIRECTIONAL_SEQUENCE_LSTM models (float32 and hybrid; lstm_cases.py,
#     lstm_models.py) against LiteRT BUILTIN_REF, fresh and as streams of invokes carrying
#     state. Needs .venv with TensorFlow.
#   scripts/conformance.sh --int16-conv-cases [--cases N] [--kinds conv,...] [--threads N] [--seed N]
#     16x8 CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, TRANSPOSE_CONV written by TensorFlow's
#     converter (int16_conv_cases.py) against LiteRT BUILTIN_REF, TRANSPOSE_CONV against TFLite
#     Micro (tflite-micro). Needs .venv with TensorFlow and tflite-micro.
#   scripts/conformance.sh --seanet-cases [--ops add,sub,...] [--models DIR]
#     The TFLite Micro seanet 16x8 single-operator models (seanet_cases.py) against their
#     committed golden CSV outputs, exactly, at 1 and 2 threads with auto and reference kernels.
#   scripts/conformance.sh --int16-cases [--cases N] [--ops add,softmax,...] [--seed N]
#     16x8 (int16 activation) ADD, SUB, MUL, LEAKY_RELU, PAD, STRIDED_SLICE, CONCATENATION,
#     RESHAPE, MEAN, SOFTMAX, LOGISTIC, TANH, QUANTIZE, DEQUANTIZE (int16_cases.py) converted by
#     TensorFlow, against LiteRT BUILTIN_REF. Needs .venv with TensorFlow.
#   scripts/conformance.sh --svdf-rnn-cases [--inputs N] [--invokes N] [--seed N] [--no-zoo]
#     Generated SVDF (float, int8 with int16 or int8 state, ranks 1-3) and RNN models
#     (svdf_rnn_cases.py) against LiteRT BUILTIN_REF or TFLite Micro (.venv-tflm), and the zoo's
#     keyword_scrambled_8bit against TFLite Micro, fresh and as streams of invokes.
#   scripts/conformance.sh --float-own-cases [--inputs N] [--seed N] [--models DIR]
#     The shared float models (float_own_cases.py) through lowbit's own float kernels and
#     XNNPACK's against LiteRT BUILTIN_REF within a stated float tolerance (max abs and relative
#     error printed). Needs ai-edge-litert.
#   scripts/conformance.sh --int4-cases [--cases N] [--inputs N] [--kernel reference,auto] [--seed N]
#     W4A8 FULLY_CONNECTED and CONV_2D with INT4 weights (int4_cases.py), models written field by
#     field, against LiteRT BUILTIN_REF byte for byte on each kernel set given.
#   scripts/conformance.sh --quantization-accuracy [--ci] [--check] [--calibrators LIST] [--networks LIST]
#     Fashion-MNIST top-1 accuracy (quantization_accuracy.py, docs/quantization.md): a CNN and a
#     depthwise-separable net trained with Keras (cached), float and TensorFlow's int8 PTQ under
#     LiteRT, lowbit-quantize's int8 and W4A8 models (every calibrator, bias correction, auto
#     keep-float) under lowbit-run; --check asserts the issue 18 accuracy bars. --ci: 2,000 test
#     images, six configurations. Needs .venv with TensorFlow; builds lowbit-quantize too.
#   scripts/conformance.sh --float16-cases [--inputs N] [--seed N] [--models a,b]
#     TensorFlow float16-quantized models (float16 weights + DEQUANTIZE; float16_cases.py) of a
#     CNN, a DS-CNN, MobileNetV1 0.25, an LSTM and a dense net against LiteRT BUILTIN_REF on the
#     same file and against their float32 originals, also with --float-precision fp16 (or its
#     named refusal where the CPU cannot). Needs .venv with TensorFlow.
#   scripts/conformance.sh --eval-tool
#     lowbit-eval on tiny models and datasets of known accuracy, and its named errors
#     (eval_tool_check.py).
#
# Every mode takes --build-dir DIR (default build/), builds lowbit-convert and lowbit-run there
# first and exits with status 1 on any difference that is not explained.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir="$root/build"
mode=sweep
doc=""
ci=0
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build-dir) build_dir=$(realpath -m "$2"); shift 2 ;;
    --doc) doc=$(realpath -m "$2"); shift 2 ;;
    --ci) ci=1; shift ;;
    --simd-vs-reference) mode=simd; shift ;;
    --op-cases) mode=op_cases; shift ;;
    --datamove-cases) mode=datamove_cases; shift ;;
    --zoo-cases) mode=zoo_cases; shift ;;
    --resize-cases) mode=resize_cases; shift ;;
    --graph-folding-cases) mode=graph_folding_cases; shift ;;
    --math-cases) mode=math_cases; shift ;;
    --transpose-conv-cases) mode=transpose_conv_cases; shift ;;
    --activation-cases) mode=activation_cases; shift ;;
    --reduce-cases) mode=reduce_cases; shift ;;
    --lstm-cases) mode=lstm_cases; shift ;;
    --int16-conv-cases) mode=int16_conv_cases; shift ;;
    --seanet-cases) mode=seanet_cases; shift ;;
    --int16-cases) mode=int16_cases; shift ;;
    --svdf-rnn-cases) mode=svdf_rnn_cases; shift ;;
    --float-own-cases) mode=float_own_cases; shift ;;
    --int4-cases) mode=int4_cases; shift ;;
    --quantization-accuracy) mode=quantization_accuracy; shift ;;
    --float16-cases) mode=float16_cases; shift ;;
    --eval-tool) mode=eval_tool_check; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) args+=("$1"); shift ;;  # the mode's Python driver checks the rest
  esac
done
export TF_CPP_MIN_LOG_LEVEL=3 TF_USE_LEGACY_KERAS=1  # larq needs Keras 2 (tf_keras)
# Thread-count comparisons split every operator, however small (docs/api.md, "Threads").
export LOWBIT_THREAD_POLICY=${LOWBIT_THREAD_POLICY:-every_operator}
oracle_venv="$build_dir/conformance/oracle-venv"

# A Python that passes the import check $1: .venv's, else the oracle venv in the build folder,
# installed from PyPI (pinned) when $2 is "install".
python_for() {
  local candidate
  for candidate in "$root/.venv/bin/python" "$oracle_venv/bin/python"; do
    if "$candidate" -c "$1" 2>/dev/null; then echo "$candidate"; return 0; fi
  done
  [[ ${2:-} == install ]] || return 1
  echo "conformance.sh: installing the oracles into $oracle_venv" >&2
  mkdir -p "$build_dir/conformance"
  if python3 -m venv "$oracle_venv" &&
     "$oracle_venv/bin/pip" install --quiet --disable-pip-version-check \
       ai-edge-litert==2.3.0 larq-compute-engine==0.16.0 numpy==1.26.4 >&2; then
    echo "$oracle_venv/bin/python"
    return 0
  fi
  echo "conformance.sh: could not install ai-edge-litert and larq-compute-engine (offline?)" >&2
  return 1
}

case "$mode:$ci" in
  simd:*) python=$(python_for 'import sys' || command -v python3) ;;
  op_cases:*) python=$(python_for 'import ai_edge_litert, flatbuffers, numpy' install) ;;
  datamove_cases:* | math_cases:* | transpose_conv_cases:*) python=$(python_for 'import ai_edge_litert, tensorflow' || true) ;;
  activation_cases:*) python=$(python_for 'import ai_edge_litert, flatbuffers, numpy' install) ;;
  resize_cases:*) python=$(python_for 'import ai_edge_litert, flatbuffers, tensorflow' || true) ;;
  graph_folding_cases:*) python=$(python_for 'import ai_edge_litert, tensorflow' || true) ;;
  zoo_cases:*) python=$(python_for 'import ai_edge_litert, numpy' install) ;;
  reduce_cases:*) python=$(python_for 'import ai_edge_litert, flatbuffers, numpy' install) ;;
  lstm_cases:*) python=$(python_for 'import ai_edge_litert, tensorflow' || true) ;;
  int16_conv_cases:*) python=$(python_for 'import ai_edge_litert, tensorflow, tflite_micro' || true) ;;
  seanet_cases:*) python=$(python_for 'import numpy' install) ;;
  int16_cases:*) python=$(python_for 'import ai_edge_litert, tensorflow' || true) ;;
  svdf_rnn_cases:*) python=$(python_for 'import ai_edge_litert, tensorflow' || true) ;;
  float_own_cases:*) python=$(python_for 'import ai_edge_litert, numpy' install) ;;
  int4_cases:*) python=$(python_for 'import ai_edge_litert, flatbuffers, numpy' install) ;;
  quantization_accuracy:*) python=$(python_for 'import ai_edge_litert, tensorflow' || true) ;;
  float16_cases:*) python=$(python_for 'import ai_edge_litert, tensorflow' || true) ;;
  eval_tool_check:*) python=$(python_for 'import flatbuffers, numpy' install) ;;
  sweep:1) python=$(python_for 'import importlib.util as u, ai_edge_litert
assert u.find_spec("larq_compute_engine")' install) ;;
  sweep:0) python=$(python_for 'import ai_edge_litert, larq_compute_engine, larq, tf_keras') || {
    echo "conformance.sh: the oracle venv is missing or incomplete; run scripts/install-deps.sh --oracle" >&2
    exit 1
  } ;;
esac

if [[ -z ${python:-} ]]; then
  echo "conformance.sh: --${mode//_/-} needs TensorFlow and LiteRT in $root/.venv;" \
       "run scripts/install-deps.sh --oracle" >&2
  exit 1
fi

[[ -f "$build_dir/CMakeCache.txt" ]] ||
  cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLOWBIT_WERROR=ON >/dev/null
mkdir -p "$build_dir/conformance"
targets=(lowbit-convert lowbit-run lowbit-eval)
[[ $mode != quantization_accuracy ]] || targets+=(lowbit-quantize)
# scripts/test.sh runs several modes at once: one build of the folder at a time (flock).
if ! flock "$build_dir/conformance/build.lock" cmake --build "$build_dir" -j2 --target "${targets[@]}" \
    >"$build_dir/conformance/build-$mode.log" 2>&1; then
  cat "$build_dir/conformance/build-$mode.log" >&2
  exit 1
fi
# The drivers' stderr (TensorFlow and the converters log heavily) goes to a file; its end is shown
# when a driver fails for another reason than a difference (status 1 without a traceback).
logged() {
  local log=$1 status=0
  shift
  "$@" 2>"$log" || status=$?
  if [[ $status -gt 1 ]] || grep -q '^Traceback' "$log"; then tail -n 20 "$log" >&2; fi
  return $status
}
drivers="$root/tests/conformance"
log="$build_dir/conformance"
case "$mode" in
  simd) exec "$python" "$drivers/simd_vs_reference.py" --build-dir "$build_dir" "${args[@]}" ;;
  op_cases) logged "$log/op_cases.log" "$python" "$drivers/op_cases.py" --build-dir "$build_dir" "${args[@]}"
            exit ;;
  datamove_cases | math_cases | transpose_conv_cases | activation_cases | reduce_cases | \
  seanet_cases | int16_cases | float_own_cases | int4_cases | float16_cases | eval_tool_check)
    logged "$log/$mode.log" "$python" "$drivers/$mode.py" --build-dir "$build_dir" "${args[@]}"
    exit ;;
  int16_conv_cases) logged "$log/int16_conv_cases.log" "$python" "$drivers/int16_conv_cases.py" \
                      --build-dir "$build_dir" "${args[@]}"
                    exit ;;
  lstm_cases) logged "$log/lstm_cases.log" "$python" "$drivers/lstm_cases.py" \
                --build-dir "$build_dir" "${args[@]}"
              exit ;;
  svdf_rnn_cases) logged "$log/svdf_rnn_cases.log" "$python" "$drivers/svdf_rnn_cases.py" \
                    --build-dir "$build_dir" "${args[@]}"
                  exit ;;
  zoo_cases) logged "$log/zoo_cases.log" "$python" "$drivers/zoo_cases.py" --build-dir "$build_dir" "${args[@]}"
             # The image examples' expected lines must still be LiteRT BUILTIN_REF's answers.
             "$python" "$root/examples/known_answers.py" --check
             exit ;;
  graph_folding_cases) logged "$log/graph_folding_cases.log" "$python" "$drivers/graph_folding_cases.py" \
                         --build-dir "$build_dir" "${args[@]}"
                       exit ;;
  quantization_accuracy) [[ $ci == 0 ]] || args=(--ci "${args[@]}")
    logged "$log/quantization_accuracy.log" "$python" "$drivers/quantization_accuracy.py" \
      --build-dir "$build_dir" "${args[@]}"
    exit ;;
  resize_cases) status=0
    logged "$log/resize_cases.log" "$python" "$drivers/resize_cases.py" --build-dir "$build_dir" "${args[@]}" || status=1
    logged "$log/detection_cases.log" "$python" "$drivers/detection_cases.py" --build-dir "$build_dir" "${args[@]}" || status=1
    exit $status ;;
esac

: "${doc:=$build_dir/conformance/conformance.md}"
if [[ $ci == 1 ]]; then
  # Both kernel-set passes draw the same inputs.
  [[ " ${args[*]} " == *" --seed "* ]] || args+=(--seed $(( $(date +%s) % 1000000 )))
  args=(--fixtures --inputs 10 "${args[@]}")
fi
logged "$log/stderr.log" "$python" "$drivers/run_conformance.py" --build-dir "$build_dir" \
  --write-doc "$doc" "${args[@]}"
if [[ $ci == 1 ]]; then
  logged "$log/stderr-reference.log" "$python" "$drivers/run_conformance.py" --build-dir "$build_dir" \
    --write-doc "${doc%.md}-reference.md" "${args[@]}" --kernel reference
fi
