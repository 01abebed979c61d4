#include "ops/lstm_validation.h"

#include <cmath>
#include <string>

#include "ops/lstm_integer_kernel.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

Status check_per_tensor_symmetric(const GraphDesc& graph, const OperatorDesc& op, size_t i) {
  LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, true, i));
  if (graph.tensors[op.inputs[i]].quant.zero_points[0] != 0) {
    return invalid(describe_input(graph, op, i) + " must be symmetric (zero point 0), has " +
                   std::to_string(graph.tensors[op.inputs[i]].quant.zero_points[0]));
  }
  return Status::Ok();
}

// The input gate (CIFG: all three absent) and the peephole weights (all or none).
Status check_optional_groups(const GraphDesc& graph, const OperatorDesc& op,
                             const LstmCellOperands& c, int n_cell, const LstmTypes& types) {
  const bool cifg = !lstm_input_present(op, c.input_weights);
  if (lstm_input_present(op, c.recurrent_weights) == cifg ||
      lstm_input_present(op, c.gate_bias) == cifg) {
    return invalid("the input gate's weights and bias (inputs " + std::to_string(c.input_weights) +
                   ", " + std::to_string(c.recurrent_weights) + ", " + std::to_string(c.gate_bias) +
                   ") must be all present or all absent (CIFG)");
  }
  const size_t p = c.peephole_weights;
  const bool peephole = lstm_input_present(op, p + 1);
  if (lstm_input_present(op, p + 2) != peephole ||
      lstm_input_present(op, p) != (peephole && !cifg)) {
    return invalid("the peephole weights (inputs " + std::to_string(p) + ", " +
                   std::to_string(p + 1) + ", " + std::to_string(p + 2) + "; " +
                   std::to_string(p) + " absent with CIFG) must be all present or all absent");
  }
  for (size_t i = p; peephole && i < p + 3; ++i) {
    if (lstm_input_present(op, i)) {
      LOWBIT_RETURN_IF_ERROR(check_lstm_weights(graph, op, i, types.peephole, Shape{n_cell}));
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

Status check_state(const GraphDesc& graph, const OperatorDesc& op, size_t i, bool cell_state,
                   DType dtype, int64_t elements) {
  const TensorDesc& t = graph.tensors[op.inputs[i]];
  const char* what = cell_state ? "cell state" : "output state";
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

}  // namespace

bool lstm_input_present(const OperatorDesc& op, size_t i) {
  return i < op.inputs.size() && op.inputs[i] != kAbsentInput;
}

Status check_lstm_weights(const GraphDesc& graph, const OperatorDesc& op, size_t i, DType dtype,
                          const Shape& shape) {
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, i, {dtype}));
  LOWBIT_RETURN_IF_ERROR(check_constant(graph, op, i));
  const Shape& s = graph.tensors[op.inputs[i]].shape;
  if (s != shape) {
    return invalid(describe_input(graph, op, i) + " has shape " + s.to_string() + "; expected " +
                   shape.to_string());
  }
  return dtype == DType::kFloat32 ? Status::Ok() : check_per_tensor_symmetric(graph, op, i);
}

Status lstm_types(const GraphDesc& graph, const OperatorDesc& op, const LstmCellOperands& cell,
                  const LstmTypes** types) {
  const DType input = graph.tensors[op.inputs[lstm::kInput]].dtype;
  const DType weights = graph.tensors[op.inputs[cell.input_weights + 1]].dtype;
  if (input == DType::kFloat32 && weights == DType::kUInt8) {
    return Status(StatusCode::kUnsupported,
                  "the hybrid LSTM with uint8 weights is not supported (int8 weights are)");
  }
  *types = input != DType::kFloat32    ? &kIntegerLstm
           : weights == DType::kInt8 ? &kHybridLstm
                                       : &kFloatLstm;
  return Status::Ok();
}

Status check_lstm_cell(const GraphDesc& graph, const OperatorDesc& op, const LstmCellOperands& c,
                       const LstmTypes& types, int n_input, int n_batch, int* n_cell,
                       int* n_output) {
  const size_t required[] = {c.input_weights + 1,     c.input_weights + 2, c.input_weights + 3,
                             c.recurrent_weights + 1, c.recurrent_weights + 2,
                             c.recurrent_weights + 3, c.gate_bias + 1,     c.gate_bias + 2,
                             c.gate_bias + 3,         c.output_state,      c.cell_state};
  for (size_t i : required) {
    if (!lstm_input_present(op, i)) return invalid("required input " + std::to_string(i) + " is absent");
  }
  const Shape& forget_weights = graph.tensors[op.inputs[c.input_weights + 1]].shape;
  *n_cell = forget_weights.rank == 2 ? forget_weights[0] : 0;
  const bool projection = lstm_input_present(op, c.projection_weights);
  const Shape& projection_weights =
      graph.tensors[op.inputs[projection ? c.projection_weights : c.input_weights + 1]].shape;
  *n_output = !projection ? *n_cell : projection_weights.rank == 2 ? projection_weights[0] : 0;
  if (n_input < 1 || *n_cell < 1 || *n_output < 1) {
    return invalid(describe_input(graph, op, lstm::kInput) + " or the weights are empty");
  }
  LOWBIT_RETURN_IF_ERROR(check_optional_groups(graph, op, c, *n_cell, types));
  for (size_t g = 0; g < 4; ++g) {
    if (!lstm_input_present(op, c.input_weights + g)) continue;  // CIFG
    LOWBIT_RETURN_IF_ERROR(check_lstm_weights(graph, op, c.input_weights + g, types.weights,
                                              Shape{*n_cell, n_input}));
    LOWBIT_RETURN_IF_ERROR(check_lstm_weights(graph, op, c.recurrent_weights + g, types.weights,
                                              Shape{*n_cell, *n_output}));
    LOWBIT_RETURN_IF_ERROR(check_bias(graph, op, c.gate_bias + g, types.bias, *n_cell));
  }
  if (projection) {
    LOWBIT_RETURN_IF_ERROR(check_lstm_weights(graph, op, c.projection_weights, types.weights,
                                              Shape{*n_output, *n_cell}));
    if (lstm_input_present(op, c.projection_bias)) {
      LOWBIT_RETURN_IF_ERROR(check_bias(graph, op, c.projection_bias, types.bias, *n_output));
    }
  } else if (lstm_input_present(op, c.projection_bias)) {
    return invalid("a projection bias (input " + std::to_string(c.projection_bias) +
                   ") needs projection weights (input " + std::to_string(c.projection_weights) +
                   ")");
  }
  LOWBIT_RETURN_IF_ERROR(check_state(graph, op, c.output_state, false, types.output_state,
                                     int64_t{n_batch} * *n_output));
  return check_state(graph, op, c.cell_state, true, types.cell_state, int64_t{n_batch} * *n_cell);
}

Status check_lstm_clips_and_activation(int32_t cell_activation, float cell_clip, float proj_clip) {
  if (cell_activation != kLstmActivationTanh) {
    return Status(StatusCode::kUnsupported, "cell activation " + std::to_string(cell_activation) +
                                                " is not supported (only TANH)");
  }
  if (!std::isfinite(cell_clip) || cell_clip < 0 || !std::isfinite(proj_clip) || proj_clip < 0) {
    return invalid("options: cell_clip and proj_clip must be finite and >= 0");
  }
  return Status::Ok();
}

}  // namespace lowbit
