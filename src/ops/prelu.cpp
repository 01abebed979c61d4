// PRELU: x >= 0 ? x : alpha * x, alpha a tensor broadcast against x with
// NumPy's rules (TFLite's CalculateShapeForBroadcast). int8 and uint8 follow
// TFLite's reference kernel: s_x / s_out for x >= zp_x, (x - zp_x) *
// (alpha - zp_alpha) rescaled by s_x * s_alpha / s_out below. float32: the
// reference loop, as TFLite's.
#include "kernels/qs8_math.h"
#include "ops/math_elementwise_util.h"

namespace lowbit {
namespace {

// TFLite's PRELU broadcasts alpha into x: the output keeps x's shape.
Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(validate_plain_binary(
      graph, op, {DType::kFloat32, DType::kInt8, DType::kUInt8}, output_shapes));
  const Shape& x = graph.tensors[op.inputs[0]].shape;
  if (output_shapes[0] != x) {
    return invalid(describe_input(graph, op, 1) + " shape " +
                   graph.tensors[op.inputs[1]].shape.to_string() + " does not broadcast into " +
                   describe_input(graph, op, 0) + " shape " + x.to_string());
  }
  return Status::Ok();
}

class Qs8Prelu : public BroadcastBinaryKernel<ref::Qs8PreluParams, ref::Qs8PreluFn> {
 public:
  Status prepare(PrepareContext& ctx) override {
    const TensorDesc& x = ctx.input(0);
    const TensorDesc& alpha = ctx.input(1);
    const TensorDesc& out = ctx.output(0);
    ref::make_qs8_prelu_params(x.quant.scales[0], alpha.quant.scales[0], out.quant.scales[0], &p_);
    p_.input_zero_point = int8_zero_point(x);
    p_.alpha_zero_point = int8_zero_point(alpha);
    p_.output_zero_point = int8_zero_point(out);
    p_.sign_flip = sign_flip_of(x.dtype);
    return plan_and_select(ctx, qs8_prelu_variants());
  }
};

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  if (graph.tensors[op.inputs[0]].dtype == DType::kFloat32) {
    return std::unique_ptr<OpKernel>(new PlainBinaryKernel<float>(
        ref::f32_prelu__reference, "f32_prelu__reference",
        tflite_activation_range<float>(Activation::kNone), false));
  }
  return std::unique_ptr<OpKernel>(new Qs8Prelu());
}

}  // namespace

LOWBIT_REGISTER_OP(Prelu, validate, create)

}  // namespace lowbit
