// SVDF: validation of TFLite's five operands (input, weights_feature,
// weights_time, optional bias, variable state) in its three forms: float32,
// fully-integer (int8 with int16 state as TFLite, or int8 state with a zero
// point as TFLite Micro) and hybrid (float input and state, int8 weights).
// The kernels are in svdf_kernels.cpp.
#include <string>

#include "ops/op_util.h"
#include "ops/recurrent_checks.h"
#include "ops/svdf_kernels.h"

namespace lowbit {
namespace {

using namespace svdf;

bool has_bias(const OperatorDesc& op) { return op.inputs.size() > kBias && op.inputs[kBias] != kAbsentInput; }

// The integer form's quantization: int8 input and output, symmetric int8
// feature weights, int32 bias, time weights and state both int16 (symmetric)
// or both int8.
Status validate_integer(const GraphDesc& graph, const OperatorDesc& op) {
  LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, true, kInput));
  LOWBIT_RETURN_IF_ERROR(check_symmetric_operand(graph, op, kWeightsFeature));
  LOWBIT_RETURN_IF_ERROR(check_symmetric_operand(graph, op, kWeightsTime));
  if (graph.tensors[op.inputs[kState]].dtype == DType::kInt16) {
    LOWBIT_RETURN_IF_ERROR(check_symmetric_operand(graph, op, kState));
  } else {
    LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, true, kState));
  }
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, 0, {DType::kInt8}));
  return check_per_tensor_quant(graph, op, false, 0);
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 3, 5, 1));
  if (op.inputs.size() != 5) {
    return invalid("expects 5 inputs (the bias may be absent), has " + std::to_string(op.inputs.size()));
  }
  if (op.inputs[kState] == kAbsentInput) return invalid("required input 4 (the state) is absent");
  const RecurrentOptions* options = nullptr;
  LOWBIT_RETURN_IF_ERROR(require_options(op, &options));
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, kInput, {DType::kFloat32, DType::kInt8}));
  LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, kInput, 2));
  LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, kWeightsFeature, 2));
  LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, kWeightsTime, 2));
  LOWBIT_RETURN_IF_ERROR(check_nonempty(graph, op, kInput));
  LOWBIT_RETURN_IF_ERROR(check_nonempty(graph, op, kWeightsFeature));
  LOWBIT_RETURN_IF_ERROR(check_nonempty(graph, op, kWeightsTime));
  const bool is_float = graph.tensors[op.inputs[kInput]].dtype == DType::kFloat32;
  const bool hybrid = is_float && graph.tensors[op.inputs[kWeightsFeature]].dtype == DType::kInt8;
  const ref::SvdfShape s = layer_shape(graph, op);
  if (s.rank < 1) return invalid("options: rank is " + std::to_string(s.rank) + "; must be >= 1");
  if (s.filters % s.rank != 0) {
    return invalid("options: rank " + std::to_string(s.rank) + " does not divide the " +
                   std::to_string(s.filters) + " filters of " +
                   describe_input(graph, op, kWeightsFeature));
  }
  const DType state_type = is_float ? DType::kFloat32 : graph.tensors[op.inputs[kState]].dtype;
  if (state_type != DType::kInt8 && state_type != DType::kInt16 && state_type != DType::kFloat32) {
    return invalid(describe_input(graph, op, kState) + " (the state) must be int16 or int8");
  }
  const DType feature_type = is_float && !hybrid ? DType::kFloat32 : DType::kInt8;
  LOWBIT_RETURN_IF_ERROR(check_constant_operand(graph, op, kWeightsFeature, feature_type,
                                                Shape{s.filters, s.inputs}));
  LOWBIT_RETURN_IF_ERROR(check_constant_operand(graph, op, kWeightsTime,
                                                hybrid ? DType::kInt8 : state_type,
                                                Shape{s.filters, s.memory}));
  if (hybrid) {
    // TFLite scales by the weights' scales and subtracts no weight zero point.
    LOWBIT_RETURN_IF_ERROR(check_symmetric_operand(graph, op, kWeightsFeature));
    LOWBIT_RETURN_IF_ERROR(check_symmetric_operand(graph, op, kWeightsTime));
  }
  if (has_bias(op)) {
    LOWBIT_RETURN_IF_ERROR(check_constant_operand(graph, op, kBias,
                                                  is_float ? DType::kFloat32 : DType::kInt32,
                                                  Shape{s.units()}));
  }
  // The time weights' data bounds memory * filters (they are checked constant above).
  LOWBIT_RETURN_IF_ERROR(check_state_operand(graph, op, kState, state_type,
                                             Shape{s.batches, s.memory * s.filters},
                                             "batch x memory * filters"));
  if (is_float) {
    LOWBIT_RETURN_IF_ERROR(check_fused_activation(options->fused_activation));
    LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, 0, {DType::kFloat32}));
  } else {
    // The integer kernel applies no activation: TFLite requires RELU and
    // TFLite Micro takes any, both leaving it to the output's range.
    LOWBIT_RETURN_IF_ERROR(validate_integer(graph, op));
  }
  output_shapes[0] = Shape{s.batches, s.units()};
  return Status::Ok();
}

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  return svdf::make_kernel(graph, op);
}

}  // namespace

LOWBIT_REGISTER_OP(Svdf, validate, create)

}  // namespace lowbit
