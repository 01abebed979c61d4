// DIV: a / b with NumPy broadcasting and a fused activation, float32 and int32
// as TFLite's div.cc (int32 truncates toward zero; a zero divisor fails
// invoke() naming the operator instead of being undefined).
#include "ops/math_elementwise_util.h"

namespace lowbit {
namespace {

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  const ElementwiseOptions* options;
  LOWBIT_RETURN_IF_ERROR(require_options(op, &options));
  return validate_plain_binary(graph, op, {DType::kFloat32, DType::kInt32}, output_shapes);
}

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  const Activation act = get_options<ElementwiseOptions>(op)->activation;
  if (graph.tensors[op.inputs[0]].dtype == DType::kInt32) {
    return std::unique_ptr<OpKernel>(new PlainBinaryKernel<int32_t>(
        ref::s32_div__reference, "s32_div__reference", tflite_activation_range<int32_t>(act), true));
  }
  return std::unique_ptr<OpKernel>(new PlainBinaryKernel<float>(
      ref::f32_div__reference, "f32_div__reference", tflite_activation_range<float>(act), false));
}

}  // namespace

LOWBIT_REGISTER_OP(Div, validate, create)

}  // namespace lowbit
