#include "ops/recurrent_checks.h"

#include <string>

#include "ops/op_util.h"

namespace lowbit {

bool is_supported_fused_activation(int32_t code) {
  // NONE, RELU, RELU_N1_TO_1, RELU6, TANH, SIGN_BIT: the schema's whole
  // ActivationFunctionType (TFLite's runtime SIGMOID has no code in a file).
  return code >= 0 && code <= 5;
}

Status check_fused_activation(int32_t code) {
  if (!is_supported_fused_activation(code)) {
    return Status(StatusCode::kUnsupported,
                  "fused activation " + std::to_string(code) +
                      " is not supported (NONE, RELU, RELU_N1_TO_1, RELU6, TANH or SIGN_BIT)");
  }
  return Status::Ok();
}

Status check_constant_operand(const GraphDesc& graph, const OperatorDesc& op, size_t i,
                              DType dtype, const Shape& shape) {
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, i, {dtype}));
  LOWBIT_RETURN_IF_ERROR(check_constant(graph, op, i));
  const Shape& s = graph.tensors[op.inputs[i]].shape;
  if (s != shape) {
    return invalid(describe_input(graph, op, i) + " has shape " + s.to_string() + "; expected " +
                   shape.to_string());
  }
  return Status::Ok();
}

Status check_state_operand(const GraphDesc& graph, const OperatorDesc& op, size_t i, DType dtype,
                           const Shape& shape, const char* what) {
  const TensorDesc& t = graph.tensors[op.inputs[i]];
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, i, {dtype}));
  if (!t.is_variable) {
    return invalid(describe_input(graph, op, i) + " (the state) must be a variable tensor");
  }
  if (t.shape != shape) {
    return invalid(describe_input(graph, op, i) + " (the state) has shape " + t.shape.to_string() +
                   "; expected " + shape.to_string() + " (" + what + ")");
  }
  return Status::Ok();
}

Status check_symmetric_operand(const GraphDesc& graph, const OperatorDesc& op, size_t i) {
  LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, true, i));
  const int32_t zp = graph.tensors[op.inputs[i]].quant.zero_points[0];
  if (zp != 0) {
    return invalid(describe_input(graph, op, i) + " must be symmetric (zero point 0), has " +
                   std::to_string(zp));
  }
  return Status::Ok();
}

}  // namespace lowbit
