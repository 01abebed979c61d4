// ADD: a + b with NumPy broadcasting and a fused activation. int8 follows
// TFLite (inputs lifted by 2^20 and rescaled onto 2 * max(s_a, s_b), then to
// the output); float32 runs through the float kernels.
//
// Profiles: tflite_reference rescales each of the three steps with double
// rounding, single_rounding with single rounding (TFLite's optimized kernels
// built with single rounding), xnnpack_fp32 follows XNNPACK's qs8 add (see
// kernels/reference/qs8_elementwise.h). Where XNNPACK would refuse the scales
// (a ratio s / s_out outside [2^-10, 2^8)), TFLite runs its own kernel, so
// xnnpack_fp32 falls back to single_rounding.
#include <algorithm>
#include <memory>

#include "kernels/qs8_elementwise.h"
#include "ops/add_elementwise_util.h"
#include "ops/float/float_kernels.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

constexpr int kLeftShift = 20;

struct AddScales {
  double a, b, output;  // real multipliers, as TFLite forms them in double
};

AddScales add_scales(const TensorDesc& a, const TensorDesc& b, const TensorDesc& out) {
  const double sa = a.quant.scales[0], sb = b.quant.scales[0], so = out.quant.scales[0];
  const double twice_max = 2.0 * std::max(sa, sb);
  return {sa / twice_max, sb / twice_max, twice_max / (double(1 << kLeftShift) * so)};
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 2, 2, 1));
  DType dtype;
  LOWBIT_RETURN_IF_ERROR(check_int8_or_float_operands(graph, op, &dtype));
  LOWBIT_RETURN_IF_ERROR(broadcast_shape(graph, op, &output_shapes[0]));
  if (dtype == DType::kInt8) {
    const AddScales s = add_scales(graph.tensors[op.inputs[0]], graph.tensors[op.inputs[1]],
                                   graph.tensors[op.outputs[0]]);
    if (!(s.output < 1.0)) {
      return invalid(describe_output(graph, op, 0) +
                     " scale is too small for the input scales (TFLite needs 2 * max input "
                     "scale / (2^20 * output scale) < 1)");
    }
  }
  return Status::Ok();
}

class Qs8Add : public BroadcastBinaryKernel<ref::Qs8AddParams, ref::Qs8AddFn> {
 public:
  explicit Qs8Add(Activation activation) : activation_(activation) {}

  Status prepare(PrepareContext& ctx) override {
    const TensorDesc& a = ctx.input(0);
    const TensorDesc& b = ctx.input(1);
    const TensorDesc& out = ctx.output(0);
    RequantProfile profile = ctx.profile();
    const float a_ratio = a.quant.scales[0] / out.quant.scales[0];
    const float b_ratio = b.quant.scales[0] / out.quant.scales[0];
    if (profile == RequantProfile::kXnnpackFp32 &&
        !ref::make_xnnpack_add_multipliers(a_ratio, b_ratio, &p_)) {
      profile = RequantProfile::kSingleRounding;
    }
    const AddScales s = add_scales(a, b, out);
    p_.profile = profile;
    p_.a_zero_point = a.quant.zero_points[0];
    p_.b_zero_point = b.quant.zero_points[0];
    p_.output_zero_point = out.quant.zero_points[0];
    p_.left_shift = kLeftShift;
    p_.a = ref::make_requantizer(profile, s.a, 0.0f);
    p_.b = ref::make_requantizer(profile, s.b, 0.0f);
    p_.output = ref::make_requantizer(profile, s.output, 0.0f);
    quantized_activation_range(activation_, out.quant.scales[0], p_.output_zero_point,
                               DType::kInt8, &p_.act_min, &p_.act_max);
    return plan_and_select(ctx, qs8_add_variants());
  }

 private:
  Activation activation_;
};

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  if (graph.tensors[op.inputs[0]].dtype == DType::kFloat32) return create_float_kernel(graph, op);
  const auto* opt = get_options<ElementwiseOptions>(op);
  return std::unique_ptr<OpKernel>(new Qs8Add(opt ? opt->activation : Activation::kNone));
}

}  // namespace

LOWBIT_REGISTER_OP(Add, validate, create)

}  // namespace lowbit
