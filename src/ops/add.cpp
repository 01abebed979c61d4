// ADD: a + b with NumPy broadcasting and a fused activation, in int8, uint8,
// int16 (16x8), float32 and int32. SUB (sub.cpp) runs this same code with b's multiplier negated.
#include <memory>
#include <string>

#include "kernels/qs8_elementwise.h"
#include "ops/add_elementwise_util.h"
#include "ops/float/float_kernels.h"
#include "ops/math_elementwise_util.h"
#include "ops/op_util.h"

namespace lowbit {

// ADD and SUB in int8 and uint8 follow TFLite: inputs lifted by 2^20 and
// rescaled onto 2 * max(s_a, s_b), summed, rescaled to the output; SUB
// negates b's multiplier. Profiles: tflite_reference rescales each step with
// double rounding, single_rounding with single rounding (TFLite's optimized
// kernels built that way), xnnpack_fp32 follows XNNPACK's qs8/qu8 vadd/vsub
// and falls back to single_rounding where XNNPACK refuses the scales (see
// ref::make_qs8_add_params).
//
// int16 (16x8) runs TFLite's general int16 path: the same steps with a left
// shift of 15, zero points 0 (the tensor rule for int16), rescaled in the
// profile's fixed-point rounding; xnnpack_fp32, which has no int16 kernels,
// rescales as single_rounding.
namespace {

constexpr int kAddLeftShift = 20;
constexpr int kInt16AddLeftShift = 15;

int add_left_shift(DType dtype) { return dtype == DType::kInt16 ? kInt16AddLeftShift : kAddLeftShift; }

class Qs8AddOrSub : public BroadcastBinaryKernel<ref::Qs8AddParams, ref::Qs8AddFn> {
 public:
  Qs8AddOrSub(Activation activation, bool subtract)
      : activation_(activation), subtract_(subtract) {}

  Status prepare(PrepareContext& ctx) override {
    const TensorDesc& a = ctx.input(0);
    const TensorDesc& b = ctx.input(1);
    const TensorDesc& out = ctx.output(0);
    p_.left_shift = kAddLeftShift;
    ref::make_qs8_add_params(ctx.profile(), a.quant.scales[0], b.quant.scales[0],
                             out.quant.scales[0], subtract_, &p_);
    p_.a_zero_point = int8_zero_point(a);
    p_.b_zero_point = int8_zero_point(b);
    p_.output_zero_point = int8_zero_point(out);
    p_.sign_flip = sign_flip_of(out.dtype);
    quantized_activation_range(activation_, out.quant.scales[0], p_.output_zero_point,
                               DType::kInt8, &p_.act_min, &p_.act_max);
    return plan_and_select(ctx, qs8_add_variants());
  }

 private:
  Activation activation_;
  bool subtract_;
};

class Qs16AddOrSub : public BroadcastBinaryKernel<ref::Qs8AddParams, ref::Qs16AddFn, int16_t> {
 public:
  Qs16AddOrSub(Activation activation, bool subtract)
      : activation_(activation), subtract_(subtract) {}

  Status prepare(PrepareContext& ctx) override {
    const TensorDesc& out = ctx.output(0);
    const RequantProfile profile = ctx.profile() == RequantProfile::kXnnpackFp32
                                       ? RequantProfile::kSingleRounding
                                       : ctx.profile();
    p_.left_shift = kInt16AddLeftShift;
    ref::make_qs8_add_params(profile, ctx.input(0).quant.scales[0], ctx.input(1).quant.scales[0],
                             out.quant.scales[0], subtract_, &p_);
    quantized_activation_range(activation_, out.quant.scales[0], 0, DType::kInt16, &p_.act_min,
                               &p_.act_max);
    return plan_and_select(ctx, qs16_add_variants());
  }

 private:
  Activation activation_;
  bool subtract_;
};

}  // namespace

Status validate_add_or_sub(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 2, 2, 1));
  DType dtype;
  LOWBIT_RETURN_IF_ERROR(check_same_dtype_operands(
      graph, op, {DType::kInt8, DType::kUInt8, DType::kInt16, DType::kFloat32, DType::kInt32},
      &dtype));
  LOWBIT_RETURN_IF_ERROR(broadcast_shape(graph, op, &output_shapes[0]));
  if (dtype == DType::kInt8 || dtype == DType::kUInt8 || dtype == DType::kInt16) {
    const auto scale = [&](int tensor) { return graph.tensors[tensor].quant.scales[0]; };
    const int left_shift = add_left_shift(dtype);
    const ref::Qs8AddMultipliers m = ref::qs8_add_multipliers(
        scale(op.inputs[0]), scale(op.inputs[1]), scale(op.outputs[0]), left_shift);
    if (!(m.output < 1.0)) {
      return invalid(describe_output(graph, op, 0) +
                     " scale is too small for the input scales (TFLite needs 2 * max input "
                     "scale / (2^" + std::to_string(left_shift) + " * output scale) < 1)");
    }
  }
  return Status::Ok();
}

Result<std::unique_ptr<OpKernel>> create_add_or_sub(const GraphDesc& graph,
                                                    const OperatorDesc& op) {
  if (graph.tensors[op.inputs[0]].dtype == DType::kFloat32) return create_float_kernel(graph, op);
  if (graph.tensors[op.inputs[0]].dtype == DType::kInt32) return create_int32_arithmetic(op);
  const auto* opt = get_options<ElementwiseOptions>(op);
  const Activation activation = opt ? opt->activation : Activation::kNone;
  if (graph.tensors[op.inputs[0]].dtype == DType::kInt16) {
    return std::unique_ptr<OpKernel>(new Qs16AddOrSub(activation, op.type == OpType::kSub));
  }
  return std::unique_ptr<OpKernel>(new Qs8AddOrSub(activation, op.type == OpType::kSub));
}

LOWBIT_REGISTER_OP(Add, validate_add_or_sub, create_add_or_sub)

}  // namespace lowbit
