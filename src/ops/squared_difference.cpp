// SQUARED_DIFFERENCE: (a - b) * (a - b), float32 and int32 (wrapping) with
// NumPy broadcasting (TFLite's squared_difference.cc); int8 as TFLite's
// quantized kernel (inputs lifted by 2^7 onto a common scale, the difference
// squared, then rescaled to the output).
#include "kernels/qs8_math.h"
#include "ops/math_elementwise_util.h"

namespace lowbit {
namespace {

bool make_params(const TensorDesc& a, const TensorDesc& b, const TensorDesc& out,
                 ref::Qs8SquaredDifferenceParams* p) {
  return ref::make_qs8_squared_difference_params(a.quant.scales[0], b.quant.scales[0],
                                                 out.quant.scales[0], p);
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(validate_plain_binary(
      graph, op, {DType::kFloat32, DType::kInt32, DType::kInt8}, output_shapes));
  if (graph.tensors[op.inputs[0]].dtype != DType::kInt8) return Status::Ok();
  ref::Qs8SquaredDifferenceParams p;
  if (!make_params(graph.tensors[op.inputs[0]], graph.tensors[op.inputs[1]],
                   graph.tensors[op.outputs[0]], &p)) {
    return Status(StatusCode::kUnsupported,
                  describe_output(graph, op, 0) +
                      " scale is too small: (2 max(input scales))^2 / (2^14 output scale) must "
                      "be below 1 (TFLite's int8 SQUARED_DIFFERENCE)");
  }
  return Status::Ok();
}

class Qs8SquaredDifference
    : public BroadcastBinaryKernel<ref::Qs8SquaredDifferenceParams, ref::Qs8SquaredDifferenceFn> {
 public:
  Status prepare(PrepareContext& ctx) override {
    if (!make_params(ctx.input(0), ctx.input(1), ctx.output(0), &p_)) {
      return invalid(describe_output(ctx.graph(), ctx.op(), 0) + " scale is out of range");
    }
    p_.a_zero_point = ctx.input(0).quant.zero_points[0];
    p_.b_zero_point = ctx.input(1).quant.zero_points[0];
    p_.output_zero_point = ctx.output(0).quant.zero_points[0];
    return plan_and_select(ctx, qs8_squared_difference_variants());
  }
};

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  if (graph.tensors[op.inputs[0]].dtype == DType::kInt8) {
    return std::unique_ptr<OpKernel>(new Qs8SquaredDifference());
  }
  return create_float_or_int32_binary(
      graph, op,
      {ref::f32_squared_difference__reference, "f32_squared_difference__reference",
       ref::s32_squared_difference__reference, "s32_squared_difference__reference"},
      false);
}

}  // namespace

LOWBIT_REGISTER_OP(SquaredDifference, validate, create)

}  // namespace lowbit
