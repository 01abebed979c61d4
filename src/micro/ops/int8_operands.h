// Operand checks the int8 operators of src/micro/ops/ share, each failing
// with a message naming the operator (ctx.fail) and the tensor at fault, as
// the hosted checks do (src/ops/op_util.h).
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/reference/activation_range.h"
#include "micro/op.h"

namespace lowbit {
namespace micro {

inline lowbit_status check_arity(PrepareContext& ctx, uint32_t inputs, uint32_t outputs) {
  if (ctx.num_inputs() == inputs && ctx.num_outputs() == outputs) return LOWBIT_OK;
  return ctx.fail(LOWBIT_INVALID_MODEL, "expects ", inputs, " inputs and ", outputs,
                  " outputs, has ", ctx.num_inputs(), " and ", ctx.num_outputs());
}

// int8 with one scale (positive, finite) and one zero point in [-128, 127].
inline lowbit_status check_int8_per_tensor(PrepareContext& ctx, const TensorView& t) {
  if (t.dtype != LOWBIT_INT8) {
    return ctx.fail(LOWBIT_UNSUPPORTED, t, " is ", dtype_name(t.dtype),
                    "; lowbit micro runs this operator on int8 only");
  }
  if (t.scales != 1) {
    return ctx.fail(LOWBIT_INVALID_MODEL, t, " has ", t.scales,
                    " scales; needs per-tensor quantization (one scale and one zero point)");
  }
  const float scale = ctx.scale(t);
  if (!(scale > 0.0f) || !std::isfinite(scale)) {
    return ctx.fail(LOWBIT_INVALID_MODEL, t, " has a scale that is not positive and finite");
  }
  const int32_t zero_point = ctx.zero_point(t);
  if (zero_point < -128 || zero_point > 127) {
    return ctx.fail(LOWBIT_INVALID_MODEL, t, " has zero point ", zero_point,
                    ", outside int8's [-128, 127]");
  }
  return LOWBIT_OK;
}

inline bool same_shape(const TensorView& a, const TensorView& b) {
  if (a.rank != b.rank) return false;
  for (int i = 0; i < a.rank; ++i) {
    if (a.dims[i] != b.dims[i]) return false;
  }
  return true;
}

// The options table, when present, is the operator's kind (reading another
// kind's field ids would misread it).
inline lowbit_status check_options_type(PrepareContext& ctx, uint8_t expected, bool required) {
  const uint8_t type = ctx.op().options_type;
  if (type == expected || (!required && type == kNoOptions)) return LOWBIT_OK;
  if (type == kNoOptions) return ctx.fail(LOWBIT_INVALID_MODEL, "has no options table");
  return ctx.fail(LOWBIT_INVALID_MODEL, "has options of union type ", unsigned(type),
                  ", expected type ", unsigned(expected));
}

// The schema's Activation (a byte; NONE when absent) at `field_id`, checked.
inline lowbit_status read_activation(PrepareContext& ctx, int field_id, int* activation) {
  const int value = ctx.option<int8_t>(field_id, int8_t(ref::kActNone));
  if (value < ref::kActNone || value > ref::kActReluN1To1) {
    return ctx.fail(LOWBIT_INVALID_MODEL, "has fused activation ", value,
                    ", not one of NONE, RELU, RELU6, RELU_N1_TO_1");
  }
  *activation = value;
  return LOWBIT_OK;
}

// The int8 clamp of a fused activation in the output's quantization.
inline void int8_activation_range(const PrepareContext& ctx, int activation,
                                  const TensorView& out, int32_t* act_min, int32_t* act_max) {
  ref::quantized_activation_range(activation, ctx.scale(out), ctx.zero_point(out), -128, 127,
                                  act_min, act_max);
}

}  // namespace micro
}  // namespace lowbit
