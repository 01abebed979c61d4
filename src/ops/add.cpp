// ADD: a + b with NumPy broadcasting and a fused activation, in int8, uint8,
// int16 (16x8), float32 and int32. SUB (sub.cpp) runs this same code with b's multiplier negated.
#include <memory>
#include <string>

#include "kernels/qs8_elementwise.h"
#include "kernels/reference/qs16_activation.h"
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
// rescales as single_rounding. With pot_scale_int16 set and every scale a
// power of two, int16 runs TFLite's other path instead: one input shifted
// right, a saturating int16 sum (ref::qs16_add_pot__reference).
namespace {

constexpr int kAddLeftShift = 20;
constexpr int kInt16AddLeftShift = 15;

int add_left_shift(DType dtype) {
  return dtype == DType::kInt16 ? kInt16AddLeftShift : kAddLeftShift;
}

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
    // uint8 operands stored flipped are int8 bytes already (all three alike,
    // runtime/flipped_uint8.h).
    p_.sign_flip = ctx.output_flipped(0) ? 0 : sign_flip_of(out.dtype);
    quantized_activation_range(activation_, out.quant.scales[0], p_.output_zero_point,
                               DType::kInt8, &p_.act_min, &p_.act_max);
    ref::plan_qs8_add_linear(&p_);
    return plan_and_select(ctx, qs8_add_variants());
  }

 private:
  Activation activation_;
  bool subtract_;
};

// TFLite's choice of the int16 power-of-two path: pot_scale_int16 and every
// scale a power of two (checked_log2). Sets the right shift of each input
// (log2 s_out - log2 s_in; TFLite needs one of them 0 and neither negative).
bool int16_pot_shifts(const GraphDesc& graph, const OperatorDesc& op, int32_t* a_shift,
                      int32_t* b_shift) {
  const auto* opt = get_options<ElementwiseOptions>(op);
  if (opt == nullptr || !opt->pot_scale_int16) return false;
  int la = 0, lb = 0, lo = 0;
  const auto scale = [&](int tensor) { return graph.tensors[tensor].quant.scales[0]; };
  if (!ref::checked_log2(scale(op.inputs[0]), &la) ||
      !ref::checked_log2(scale(op.inputs[1]), &lb) ||
      !ref::checked_log2(scale(op.outputs[0]), &lo)) {
    return false;
  }
  *a_shift = lo - la;
  *b_shift = lo - lb;
  return true;
}

Status validate_int16_pot(const GraphDesc& graph, const OperatorDesc& op, int32_t a_shift,
                          int32_t b_shift, const Shape& output_shape) {
  if (a_shift != 0 && b_shift != 0) {
    return invalid("power-of-two int16 path (pot_scale_int16): one input scale must equal the "
                   "output's, the two differ from it by 2^" + std::to_string(a_shift) +
                   " and 2^" + std::to_string(b_shift));
  }
  if (a_shift < 0 || b_shift < 0 || a_shift > 15 || b_shift > 15) {
    return invalid("power-of-two int16 path (pot_scale_int16): an input scale must be the "
                   "output's divided by 2^0 to 2^15, not 2^" +
                   std::to_string(a_shift < 0 || a_shift > 15 ? a_shift : b_shift));
  }
  for (int i = 0; i < 2; ++i) {
    if (graph.tensors[op.inputs[i]].shape != output_shape) {
      return invalid("power-of-two int16 path (pot_scale_int16) has no broadcast form in "
                     "TFLite; " + describe_input(graph, op, i) + " shape " +
                     graph.tensors[op.inputs[i]].shape.to_string() + " differs from " +
                     output_shape.to_string());
    }
  }
  return Status::Ok();
}

class Qs16PotAddOrSub
    : public BroadcastBinaryKernel<ref::Qs16PotAddParams, ref::Qs16PotAddFn, int16_t> {
 public:
  Qs16PotAddOrSub(Activation activation, bool subtract) : activation_(activation) {
    p_.subtract = subtract;
  }

  Status prepare(PrepareContext& ctx) override {
    if (!int16_pot_shifts(ctx.graph(), ctx.op(), &p_.a_right_shift, &p_.b_right_shift)) {
      return invalid("not the power-of-two int16 path");
    }
    quantized_activation_range(activation_, ctx.output(0).quant.scales[0], 0, DType::kInt16,
                               &p_.act_min, &p_.act_max);
    return plan_and_select(ctx, qs16_add_pot_variants());
  }

 private:
  Activation activation_;
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
  int32_t a_shift = 0, b_shift = 0;
  if (dtype == DType::kInt16 && int16_pot_shifts(graph, op, &a_shift, &b_shift)) {
    return validate_int16_pot(graph, op, a_shift, b_shift, output_shapes[0]);
  }
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
    int32_t a_shift = 0, b_shift = 0;
    const bool subtract = op.type == OpType::kSub;
    if (int16_pot_shifts(graph, op, &a_shift, &b_shift)) {
      return std::unique_ptr<OpKernel>(new Qs16PotAddOrSub(activation, subtract));
    }
    return std::unique_ptr<OpKernel>(new Qs16AddOrSub(activation, subtract));
  }
  return std::unique_ptr<OpKernel>(new Qs8AddOrSub(activation, op.type == OpType::kSub));
}

LOWBIT_REGISTER_OP(Add, validate_add_or_sub, create_add_or_sub)

}  // namespace lowbit
