// UNIDIRECTIONAL_SEQUENCE_LSTM: validation of TFLite's 24 operands and the
// choice of kernel. Implemented: the fully-integer int8 form (int8 input,
// weights and output state, int32 gate biases, int16 cell state) with CIFG,
// int16 peephole weights, projection and int16 layer-norm weights, the
// float32 form with the same variants, and the hybrid form (float32 input,
// state and biases, int8 weights with per-tensor scales, float32 layer-norm
// weights), whose inputs TFLite quantizes per batch row at run time.
#include <cmath>
#include <string>

#include "ops/lstm_float_kernel.h"
#include "ops/lstm_integer_kernel.h"
#include "ops/lstm_operands.h"
#include "ops/lstm_validation.h"
#include "ops/op_kernel.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

Status unsupported(std::string message) {
  return Status(StatusCode::kUnsupported, std::move(message));
}

bool present(const OperatorDesc& op, size_t i) { return lstm_input_present(op, i); }

// Layer normalisation (inputs 20-23; 20 absent with CIFG): weights of n_cell
// and, in the integer LSTM, each normalised gate's pre-activation scale, which
// TFLite's converter records on the operator's intermediates 0-3.
Status check_layer_norm(const GraphDesc& graph, const OperatorDesc& op,
                        const SequenceLstmOptions& options, int n_cell, const LstmTypes& types) {
  const bool cifg = !present(op, lstm::kInputWeights);
  const bool layer_norm = present(op, lstm::kLayerNormWeights + 1);
  for (size_t g = 0; g < 4; ++g) {
    const size_t i = lstm::kLayerNormWeights + g;
    const bool expected = layer_norm && !(g == 0 && cifg);
    if (present(op, i) != expected) {
      return invalid("the layer-norm weights (inputs 20, 21, 22, 23; 20 absent with CIFG) must "
                     "be all present or all absent");
    }
    if (!expected) continue;
    LOWBIT_RETURN_IF_ERROR(check_lstm_weights(graph, op, i, types.layer_norm, Shape{n_cell}));
    if (types.layer_norm == DType::kFloat32) continue;
    const char* gates[] = {"input", "forget", "cell", "output"};
    const float scales[] = {options.input_gate_scale, options.forget_gate_scale,
                            options.cell_gate_scale, options.output_gate_scale};
    if (!std::isfinite(scales[g]) || !(scales[g] > 0)) {
      return invalid(std::string("layer normalisation needs the ") + gates[g] +
                     " gate's intermediate scale (TFLite's intermediate " + std::to_string(g) +
                     "); options have " + std::to_string(scales[g]));
    }
  }
  return Status::Ok();
}

// The integer kernel's cell state is Q(15 + k).(-k) for a scale of 2^k.
Status check_cell_scale(const GraphDesc& graph, const OperatorDesc& op) {
  const TensorDesc& cell = graph.tensors[op.inputs[lstm::kCellState]];
  if (cell.quant.zero_points[0] != 0) {
    return invalid(describe_input(graph, op, lstm::kCellState) +
                   " (the int16 cell state) must have zero point 0, has " +
                   std::to_string(cell.quant.zero_points[0]));
  }
  int log2 = 0;
  if (!lstm_cell_scale_log2(cell.quant.scales[0], &log2)) {
    return invalid(describe_input(graph, op, lstm::kCellState) + " has scale " +
                   std::to_string(cell.quant.scales[0]) +
                   "; the integer LSTM needs a power of two between 2^-15 and 2^-9");
  }
  return Status::Ok();
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  if (op.inputs.size() != lstm::kInputsWithoutLayerNorm &&
      op.inputs.size() != lstm::kInputsWithLayerNorm) {
    return invalid("expects 20 or 24 inputs, has " + std::to_string(op.inputs.size()));
  }
  if (op.outputs.size() != 1) {
    return invalid("expects 1 output, has " + std::to_string(op.outputs.size()));
  }
  const SequenceLstmOptions* options = nullptr;
  LOWBIT_RETURN_IF_ERROR(require_options(op, &options));
  if (!present(op, lstm::kInput)) return invalid("required input 0 is absent");
  for (size_t i : {lstm::kInputWeights + 1, lstm::kOutputState, lstm::kCellState}) {
    if (!present(op, i)) return invalid("required input " + std::to_string(i) + " is absent");
  }
  const TensorDesc& input = graph.tensors[op.inputs[lstm::kInput]];
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, lstm::kInput, {DType::kFloat32, DType::kInt8}));
  const LstmTypes* types = nullptr;
  LOWBIT_RETURN_IF_ERROR(lstm_types(graph, op, kUnidirectionalLstmCell, &types));
  const bool is_float = input.dtype == DType::kFloat32;
  LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, lstm::kInput, 3));
  if (!is_float) LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, true, lstm::kInput));
  const int n_input = input.shape[2];
  const int n_batch = options->time_major ? input.shape[1] : input.shape[0];
  if (input.shape[0] < 1 || input.shape[1] < 1) {
    return invalid(describe_input(graph, op, lstm::kInput) + " or the weights are empty");
  }
  int n_cell = 0, n_output = 0;
  LOWBIT_RETURN_IF_ERROR(check_lstm_cell(graph, op, kUnidirectionalLstmCell, *types, n_input,
                                         n_batch, &n_cell, &n_output));
  LOWBIT_RETURN_IF_ERROR(check_layer_norm(graph, op, *options, n_cell, *types));
  if (!is_float && present(op, lstm::kPeepholeWeights + 1) && n_output > n_cell) {
    return unsupported("integer peephole weights with a projection wider than the cell (" +
                       std::to_string(n_output) + " > " + std::to_string(n_cell) +
                       "): TFLite reads past the peephole weights there");
  }
  LOWBIT_RETURN_IF_ERROR(check_lstm_clips_and_activation(options->cell_activation,
                                                         options->cell_clip, options->proj_clip));
  output_shapes[0] = Shape{input.shape[0], input.shape[1], n_output};
  if (is_float) return check_dtype(graph, op, false, 0, {DType::kFloat32});
  LOWBIT_RETURN_IF_ERROR(check_cell_scale(graph, op));
  if (!std::isfinite(options->hidden_scale) || !(options->hidden_scale > 0) ||
      options->hidden_zero_point < -128 || options->hidden_zero_point > 127) {
    return invalid("options: missing or bad hidden-state quantization (hidden_scale " +
                   std::to_string(options->hidden_scale) + ", zero point " +
                   std::to_string(options->hidden_zero_point) +
                   "; TFLite records it on effective_hidden_scale_intermediate)");
  }
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, 0, {DType::kInt8}));
  return check_per_tensor_quant(graph, op, false, 0);
}

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  if (graph.tensors[op.inputs[lstm::kInput]].dtype == DType::kFloat32) {
    return make_lstm_float_kernel();
  }
  return make_lstm_integer_kernel();
}

}  // namespace

LOWBIT_REGISTER_OP(UnidirectionalSequenceLstm, validate, create)

}  // namespace lowbit
