// A fused activation as a range of quantized outputs, as TFLite computes it:
// zero_point + round(bound / scale) in float, ties away from zero, within
// [qmin, qmax]. One definition for the hosted operators (src/ops/op_util.cpp)
// and the firmware's (src/micro/).
#pragma once

#include <cmath>
#include <cstdint>

namespace lowbit {
namespace ref {

// schema/lowbit.fbs's Activation values.
enum FusedActivation : int { kActNone = 0, kActRelu = 1, kActRelu6 = 2, kActReluN1To1 = 3 };

inline int32_t quantize_activation_bound(float bound, float scale, int32_t zero_point) {
  const float v = static_cast<float>(zero_point) + std::round(bound / scale);
  if (v < -2147483648.0f) return INT32_MIN;
  if (v >= 2147483648.0f) return INT32_MAX;
  return static_cast<int32_t>(v);
}

inline void quantized_activation_range(int activation, float scale, int32_t zero_point,
                                       int32_t qmin, int32_t qmax, int32_t* act_min,
                                       int32_t* act_max) {
  int32_t lo = qmin, hi = qmax;
  auto raise = [&](float bound) {
    const int32_t q = quantize_activation_bound(bound, scale, zero_point);
    if (q > lo) lo = q;
  };
  auto lower = [&](float bound) {
    const int32_t q = quantize_activation_bound(bound, scale, zero_point);
    if (q < hi) hi = q;
  };
  switch (activation) {
    case kActRelu: raise(0.0f); break;
    case kActRelu6: raise(0.0f); lower(6.0f); break;
    case kActReluN1To1: raise(-1.0f); lower(1.0f); break;
    default: break;
  }
  *act_min = lo;
  *act_max = hi;
}

}  // namespace ref
}  // namespace lowbit
