// Reference MEAN of quantized values over a set of axes (TFLite Micro's
// integer algorithm: the division by the element count is folded into the
// requantizer, see ../shared/NUMERICS.md section 5).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/range_kernels.h"
#include "kernels/reference/reduce.h"
#include "kernels/reference/requantize.h"

namespace lowbit {
namespace ref {

struct MeanQuantParams : ReduceGeometry {
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  int32_t act_min = -128, act_max = 127;
  RequantProfile profile{};
  // Rescales (sum - count * input_zero_point) straight to the output scale.
  Requantizer requantizer;
};

// Computes output elements [begin, end).
using Qs8MeanFn = UnaryRangeKernel<MeanQuantParams, int8_t>*;
using Qu8MeanFn = UnaryRangeKernel<MeanQuantParams, uint8_t>*;
UnaryRangeKernel<MeanQuantParams, int8_t> qs8_mean__reference;
UnaryRangeKernel<MeanQuantParams, uint8_t> qu8_mean__reference;
// 16x8 MEAN: the same algorithm on int16 (an int32 sum, as TFLite's).
using Qs16MeanFn = UnaryRangeKernel<MeanQuantParams, int16_t>*;
UnaryRangeKernel<MeanQuantParams, int16_t> qs16_mean__reference;

// TFLite Micro's folding of 1/count into (multiplier, shift) from the
// quantized s_in/s_out multiplier.
QuantizedMultiplier fold_mean_count(QuantizedMultiplier scale, int32_t count);

}  // namespace ref
}  // namespace lowbit
