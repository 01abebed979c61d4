// MUL: a * b with NumPy broadcasting and a fused activation. int8, uint8 and
// int16 (16x8: zero points 0, the multiplier formed in float, xnnpack_fp32
// rescaling as single_rounding)
// follow TFLite: (x_a - zp_a) * (x_b - zp_b) rescaled by s_a * s_b / s_out
// (formed in double), in the profile's requantization. xnnpack_fp32 uses XNNPACK's float
// scale (s_a * s_b) / s_out, rounding half to even; where XNNPACK would refuse
// that scale (outside [2^-16, 2^8)) TFLite runs its own kernel, so the
// profile falls back to single_rounding. float32 runs through the float kernels,
// int32 through the wrapping int32 kernel (math_elementwise_util.h).
#include <memory>

#include "kernels/qs8_elementwise.h"
#include "ops/add_elementwise_util.h"
#include "ops/float/float_kernels.h"
#include "ops/math_elementwise_util.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 2, 2, 1));
  DType dtype;
  LOWBIT_RETURN_IF_ERROR(check_same_dtype_operands(
      graph, op, {DType::kInt8, DType::kUInt8, DType::kInt16, DType::kFloat32, DType::kInt32},
      &dtype));
  return broadcast_shape(graph, op, &output_shapes[0]);
}

class Qs8Mul : public BroadcastBinaryKernel<ref::Qs8MulParams, ref::Qs8MulFn> {
 public:
  explicit Qs8Mul(Activation activation) : activation_(activation) {}

  Status prepare(PrepareContext& ctx) override {
    const TensorDesc& a = ctx.input(0);
    const TensorDesc& b = ctx.input(1);
    const TensorDesc& out = ctx.output(0);
    const float sa = a.quant.scales[0], sb = b.quant.scales[0], so = out.quant.scales[0];
    const float fp32_scale = sa * sb / so;
    p_.profile = ctx.profile();
    if (p_.profile == RequantProfile::kXnnpackFp32 &&
        !(fp32_scale >= 0x1.0p-16f && fp32_scale < 0x1.0p+8f)) {
      p_.profile = RequantProfile::kSingleRounding;
    }
    p_.a_zero_point = int8_zero_point(a);
    p_.b_zero_point = int8_zero_point(b);
    p_.output_zero_point = int8_zero_point(out);
    p_.sign_flip = sign_flip_of(out.dtype);
    p_.output = ref::make_requantizer(p_.profile, double(sa) * double(sb) / double(so),
                                      fp32_scale);
    quantized_activation_range(activation_, so, p_.output_zero_point, DType::kInt8, &p_.act_min,
                               &p_.act_max);
    return plan_and_select(ctx, qs8_mul_variants());
  }

 private:
  Activation activation_;
};

class Qs16Mul : public BroadcastBinaryKernel<ref::Qs8MulParams, ref::Qs16MulFn, int16_t> {
 public:
  explicit Qs16Mul(Activation activation) : activation_(activation) {}

  Status prepare(PrepareContext& ctx) override {
    const float sa = ctx.input(0).quant.scales[0], sb = ctx.input(1).quant.scales[0];
    const float so = ctx.output(0).quant.scales[0];
    p_.profile = ctx.profile() == RequantProfile::kXnnpackFp32 ? RequantProfile::kSingleRounding
                                                               : ctx.profile();
    // LiteRT forms the int16 multiplier in float (its bytes show it: the
    // double ratio misses products near a half).
    p_.output = ref::make_requantizer(p_.profile, static_cast<double>(sa * sb / so), 0.0f);
    quantized_activation_range(activation_, so, 0, DType::kInt16, &p_.act_min, &p_.act_max);
    return plan_and_select(ctx, qs16_mul_variants());
  }

 private:
  Activation activation_;
};

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  if (graph.tensors[op.inputs[0]].dtype == DType::kFloat32) return create_float_kernel(graph, op);
  if (graph.tensors[op.inputs[0]].dtype == DType::kInt32) return create_int32_arithmetic(op);
  const auto* opt = get_options<ElementwiseOptions>(op);
  const Activation activation = opt ? opt->activation : Activation::kNone;
  if (graph.tensors[op.inputs[0]].dtype == DType::kInt16) {
    return std::unique_ptr<OpKernel>(new Qs16Mul(activation));
  }
  return std::unique_ptr<OpKernel>(new Qs8Mul(activation));
}

}  // namespace

LOWBIT_REGISTER_OP(Mul, validate, create)

}  // namespace lowbit
