// FLOOR_DIV: floor(a / b) with NumPy broadcasting, float32 and int32, computed
// in double as TFLite's floor_div.cc. Like TFLite, a zero divisor fails
// invoke() (naming the operator and the position).
#include "ops/math_elementwise_util.h"

namespace lowbit {
namespace {

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  return validate_plain_binary(graph, op, {DType::kFloat32, DType::kInt32}, output_shapes);
}

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  if (graph.tensors[op.inputs[0]].dtype == DType::kInt32) {
    return std::unique_ptr<OpKernel>(new PlainBinaryKernel<int32_t>(
        ref::s32_floor_div__reference, "s32_floor_div__reference",
        tflite_activation_range<int32_t>(Activation::kNone), true));
  }
  return std::unique_ptr<OpKernel>(new PlainBinaryKernel<float>(
      ref::f32_floor_div__reference, "f32_floor_div__reference",
      tflite_activation_range<float>(Activation::kNone), true));
}

}  // namespace

LOWBIT_REGISTER_OP(FloorDiv, validate, create)

}  // namespace lowbit
