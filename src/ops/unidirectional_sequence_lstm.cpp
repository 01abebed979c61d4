// UNIDIRECTIONAL_SEQUENCE_LSTM: validation of TFLite's 24 operands and the
// choice of kernel. Implemented: the fully-integer int8 form (int8 input,
// weights and output state, int32 gate biases, int16 cell state) with CIFG,
// int16 peephole weights, projection and int16 layer-norm weights, and the
// float32 form with the same variants; the hybrid form is refused by name.
#include <cmath>
#include <string>

#include "ops/lstm_float_kernel.h"
#include "ops/lstm_integer_kernel.h"
#include "ops/lstm_operands.h"
#include "ops/recurrent_checks.h"
#include "ops/op_kernel.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

Status unsupported(std::string message) {
  return Status(StatusCode::kUnsupported, std::move(message));
}

bool present(const OperatorDesc& op, size_t i) {
  return i < op.inputs.size() && op.inputs[i] != kAbsentInput;
}

Status check_per_tensor_symmetric(const GraphDesc& graph, const OperatorDesc& op, size_t i) {
  LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, true, i));
  if (graph.tensors[op.inputs[i]].quant.zero_points[0] != 0) {
    return invalid(describe_input(graph, op, i) + " must be symmetric (zero point 0), has " +
                   std::to_string(graph.tensors[op.inputs[i]].quant.zero_points[0]));
  }
  return Status::Ok();
}

// The element types of the two LSTM forms: weights (matrices), the per-cell
// weight vectors (peephole, layer norm), biases and the two states.
struct LstmTypes {
  DType weights, cell_vectors, bias, output_state, cell_state;
};
constexpr LstmTypes kIntegerLstm{DType::kInt8, DType::kInt16, DType::kInt32, DType::kInt8,
                                 DType::kInt16};
constexpr LstmTypes kFloatLstm{DType::kFloat32, DType::kFloat32, DType::kFloat32,
                               DType::kFloat32, DType::kFloat32};

// A constant weight tensor of `dtype` and shape `shape`, per-tensor symmetric
// when quantized.
Status check_weights(const GraphDesc& graph, const OperatorDesc& op, size_t i, DType dtype,
                     const Shape& shape) {
  LOWBIT_RETURN_IF_ERROR(check_constant_operand(graph, op, i, dtype, shape));
  return dtype == DType::kFloat32 ? Status::Ok() : check_per_tensor_symmetric(graph, op, i);
}

// The input gate (CIFG: all three absent) and the peephole weights (all or none).
Status check_optional_groups(const GraphDesc& graph, const OperatorDesc& op, int n_cell,
                             const LstmTypes& types) {
  const bool cifg = !present(op, lstm::kInputWeights);
  if (present(op, lstm::kRecurrentWeights) == cifg || present(op, lstm::kGateBias) == cifg) {
    return invalid("the input gate's weights and bias (inputs 1, 5, 12) must be all present or "
                   "all absent (CIFG)");
  }
  const bool peephole = present(op, lstm::kPeepholeWeights + 1);
  if (present(op, lstm::kPeepholeWeights + 2) != peephole ||
      present(op, lstm::kPeepholeWeights) != (peephole && !cifg)) {
    return invalid("the peephole weights (inputs 9, 10, 11; 9 absent with CIFG) must be all "
                   "present or all absent");
  }
  for (size_t i = lstm::kPeepholeWeights; peephole && i < lstm::kPeepholeWeights + 3; ++i) {
    if (present(op, i)) {
      LOWBIT_RETURN_IF_ERROR(check_weights(graph, op, i, types.cell_vectors, Shape{n_cell}));
    }
  }
  return Status::Ok();
}

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
    LOWBIT_RETURN_IF_ERROR(check_weights(graph, op, i, types.cell_vectors, Shape{n_cell}));
    if (types.weights == DType::kFloat32) continue;
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

Status check_bias(const GraphDesc& graph, const OperatorDesc& op, size_t i, DType dtype,
                  int length) {
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, i, {dtype}));
  LOWBIT_RETURN_IF_ERROR(check_constant(graph, op, i));
  const Shape& s = graph.tensors[op.inputs[i]].shape;
  if (s != Shape{length}) {
    return invalid(describe_input(graph, op, i) + " has shape " + s.to_string() + "; expected " +
                   Shape{length}.to_string());
  }
  return Status::Ok();
}

Status check_state(const GraphDesc& graph, const OperatorDesc& op, size_t i, DType dtype,
                   int64_t elements) {
  const TensorDesc& t = graph.tensors[op.inputs[i]];
  const char* what = i == lstm::kCellState ? "cell state" : "output state";
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, i, {dtype}));
  if (!t.is_variable) {
    return invalid(describe_input(graph, op, i) + " (the " + what +
                   ") must be a variable (state) tensor");
  }
  if (t.shape.num_elements() != elements) {
    return invalid(describe_input(graph, op, i) + " (the " + what + ") has shape " +
                   t.shape.to_string() + "; expected " + std::to_string(elements) +
                   " elements (batch x units)");
  }
  return dtype == DType::kFloat32 ? Status::Ok() : check_per_tensor_quant(graph, op, true, i);
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
  const size_t required[] = {lstm::kInput,         lstm::kInputWeights + 1, lstm::kInputWeights + 2,
                             lstm::kInputWeights + 3, lstm::kRecurrentWeights + 1,
                             lstm::kRecurrentWeights + 2, lstm::kRecurrentWeights + 3,
                             lstm::kGateBias + 1,   lstm::kGateBias + 2,     lstm::kGateBias + 3,
                             lstm::kOutputState,    lstm::kCellState};
  for (size_t i : required) {
    if (!present(op, i)) return invalid("required input " + std::to_string(i) + " is absent");
  }
  const TensorDesc& input = graph.tensors[op.inputs[lstm::kInput]];
  const bool is_float = input.dtype == DType::kFloat32;
  if (is_float && graph.tensors[op.inputs[lstm::kInputWeights + 1]].dtype != DType::kFloat32) {
    return unsupported("the hybrid LSTM (float32 input, quantized weights) is not supported yet");
  }
  const LstmTypes& types = is_float ? kFloatLstm : kIntegerLstm;
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, lstm::kInput, {DType::kFloat32, DType::kInt8}));
  LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, lstm::kInput, 3));
  if (!is_float) LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, true, lstm::kInput));

  const int n_input = input.shape[2];
  const int n_batch = options->time_major ? input.shape[1] : input.shape[0];
  const Shape& forget_weights = graph.tensors[op.inputs[lstm::kInputWeights + 1]].shape;
  const int n_cell = forget_weights.rank == 2 ? forget_weights[0] : 0;
  const bool projection = present(op, lstm::kProjectionWeights);
  const Shape& projection_weights =
      graph.tensors[op.inputs[projection ? lstm::kProjectionWeights : lstm::kInputWeights + 1]].shape;
  const int n_output = !projection ? n_cell : projection_weights.rank == 2 ? projection_weights[0] : 0;
  if (n_input < 1 || n_cell < 1 || n_output < 1 || input.shape[0] < 1 || input.shape[1] < 1) {
    return invalid(describe_input(graph, op, lstm::kInput) + " or the weights are empty");
  }
  LOWBIT_RETURN_IF_ERROR(check_optional_groups(graph, op, n_cell, types));
  LOWBIT_RETURN_IF_ERROR(check_layer_norm(graph, op, *options, n_cell, types));
  if (!is_float && present(op, lstm::kPeepholeWeights + 1) && n_output > n_cell) {
    return unsupported("integer peephole weights with a projection wider than the cell (" +
                       std::to_string(n_output) + " > " + std::to_string(n_cell) +
                       "): TFLite reads past the peephole weights there");
  }
  for (size_t g = 0; g < 4; ++g) {
    if (!present(op, lstm::kInputWeights + g)) continue;  // CIFG
    LOWBIT_RETURN_IF_ERROR(
        check_weights(graph, op, lstm::kInputWeights + g, types.weights, Shape{n_cell, n_input}));
    LOWBIT_RETURN_IF_ERROR(check_weights(graph, op, lstm::kRecurrentWeights + g, types.weights,
                                         Shape{n_cell, n_output}));
    LOWBIT_RETURN_IF_ERROR(check_bias(graph, op, lstm::kGateBias + g, types.bias, n_cell));
  }
  if (projection) {
    LOWBIT_RETURN_IF_ERROR(check_weights(graph, op, lstm::kProjectionWeights, types.weights,
                                         Shape{n_output, n_cell}));
    if (present(op, lstm::kProjectionBias)) {
      LOWBIT_RETURN_IF_ERROR(
          check_bias(graph, op, lstm::kProjectionBias, types.bias, n_output));
    }
  } else if (present(op, lstm::kProjectionBias)) {
    return invalid("a projection bias (input 17) needs projection weights (input 16)");
  }
  LOWBIT_RETURN_IF_ERROR(check_state(graph, op, lstm::kOutputState, types.output_state,
                                     int64_t{n_batch} * n_output));
  LOWBIT_RETURN_IF_ERROR(check_state(graph, op, lstm::kCellState, types.cell_state,
                                     int64_t{n_batch} * n_cell));
  if (options->cell_activation != kLstmActivationTanh) {
    return unsupported("cell activation " + std::to_string(options->cell_activation) +
                       " is not supported (only TANH)");
  }
  if (!std::isfinite(options->cell_clip) || options->cell_clip < 0 ||
      !std::isfinite(options->proj_clip) || options->proj_clip < 0) {
    return invalid("options: cell_clip and proj_clip must be finite and >= 0");
  }
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
