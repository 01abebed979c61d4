#include "kernels/reference/l2_normalization.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/reference/requantize.h"

namespace lowbit {
namespace ref {
namespace {

// gemmlowp's SaturatingRoundingMultiplyByPOT<exponent> for exponent > 0.
int32_t saturating_multiply_by_pot(int32_t x, int exponent) {
  const int32_t threshold = (int32_t(1) << (31 - exponent)) - 1;
  if (x > threshold) return std::numeric_limits<int32_t>::max();
  if (x < -threshold) return std::numeric_limits<int32_t>::min();
  return int32_t(uint32_t(x) << exponent);
}

// The sum of squares of one row's centered values: at most 255^2 per value,
// so int32 holds any depth below 2^15 (the operator checks it).
template <typename T>
int32_t sum_of_squares(const T* x, size_t depth, int32_t zero_point) {
  int32_t sum = 0;
  for (size_t c = 0; c < depth; ++c) {
    const int32_t v = int32_t(x[c]) - zero_point;
    sum += v * v;
  }
  return sum;
}

}  // namespace

void inv_sqrt_quantized_multiplier(int32_t sum, int32_t* multiplier, int32_t* shift) {
  if (sum <= 1) {  // TFLite treats 0 (undefined) like 1
    *multiplier = std::numeric_limits<int32_t>::max();
    *shift = 0;
    return;
  }
  // Normalize sum into [2^27, 2^29) by pairs of bits, tracking the right shift
  // the result then needs (one bit per pair: the square root halves it).
  int32_t right_shift = 11;
  while (sum >= (int32_t(1) << 29)) {
    sum /= 4;
    ++right_shift;
  }
  const int leading_zeros = __builtin_clz(static_cast<uint32_t>(sum));
  const int pairs = (leading_zeros - 1) / 2 - 1;
  right_shift -= pairs;
  sum <<= 2 * pairs;
  // Newton-Raphson for 1/sqrt in Q28 (3 integer bits), five steps from 1.
  const int32_t half_input = rounding_divide_by_pot(sum >> 1, 1);
  const int32_t three_halves = (int32_t(1) << 28) + (int32_t(1) << 27);
  int32_t x = int32_t(1) << 28;
  for (int i = 0; i < 5; ++i) {
    const int32_t x_cubed = saturating_multiply_by_pot(
        saturating_rounding_doubling_high_mul(saturating_rounding_doubling_high_mul(x, x), x), 6);
    x = saturating_multiply_by_pot(saturating_rounding_doubling_high_mul(three_halves, x) -
                                       saturating_rounding_doubling_high_mul(half_input, x_cubed),
                                   3);
  }
  constexpr int32_t kHalfSqrt2 = 1518500250;  // sqrt(2)/2 in Q31
  x = saturating_rounding_doubling_high_mul(x, kHalfSqrt2);
  if (right_shift < 0) {
    x = int32_t(uint32_t(x) << -right_shift);
    right_shift = 0;
  }
  *multiplier = x;
  *shift = -right_shift;
}

void qs8_l2_normalization__reference(size_t depth, int32_t input_zero_point, const int8_t* input,
                                     int8_t* output, size_t row_begin, size_t row_end) {
  constexpr int kOutputFractionBits = 7;  // output scale 1/128
  for (size_t row = row_begin; row < row_end; ++row) {
    const int8_t* x = input + row * depth;
    int32_t multiplier, shift;
    inv_sqrt_quantized_multiplier(sum_of_squares(x, depth, input_zero_point), &multiplier, &shift);
    for (size_t c = 0; c < depth; ++c) {
      const int32_t v = multiply_by_quantized_multiplier(int32_t(x[c]) - input_zero_point,
                                                         multiplier, shift + kOutputFractionBits);
      output[row * depth + c] = static_cast<int8_t>(std::clamp<int32_t>(v, -128, 127));
    }
  }
}

void qu8_l2_normalization__reference(size_t depth, int32_t input_zero_point, const uint8_t* input,
                                     uint8_t* output, size_t row_begin, size_t row_end) {
  for (size_t row = row_begin; row < row_end; ++row) {
    const uint8_t* x = input + row * depth;
    int32_t multiplier, shift;
    inv_sqrt_quantized_multiplier(sum_of_squares(x, depth, input_zero_point), &multiplier, &shift);
    for (size_t c = 0; c < depth; ++c) {
      // uint8 scales by 128 before the multiply and rounds once more after it.
      const int32_t scaled = 128 * (int32_t(x[c]) - input_zero_point);
      const int32_t v =
          rounding_divide_by_pot(saturating_rounding_doubling_high_mul(scaled, multiplier), -shift);
      output[row * depth + c] = static_cast<uint8_t>(std::clamp<int32_t>(128 + v, 0, 255));
    }
  }
}

void f32_l2_normalization__reference(size_t depth, const float* input, float* output,
                                     size_t row_begin, size_t row_end) {
  constexpr float kEpsilon = 1e-6f;
  for (size_t row = row_begin; row < row_end; ++row) {
    const float* x = input + row * depth;
    float sum = 0.0f;
    for (size_t c = 0; c < depth; ++c) sum += x[c] * x[c];
    const float norm = std::max(std::sqrt(sum), kEpsilon);
    for (size_t c = 0; c < depth; ++c) output[row * depth + c] = x[c] / norm;
  }
}

}  // namespace ref
}  // namespace lowbit
