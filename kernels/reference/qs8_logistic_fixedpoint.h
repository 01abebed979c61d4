// gemmlowp-style Q-format arithmetic on raw int32 values, as TFLite's
// reference SOFTMAX and LOGISTIC use it. A value with I integer bits has raw
// = real * 2^(31 - I). Products of Q(I) and Q(J) values are Q(I + J).
#pragma once

#include <cstdint>

namespace lowbit {
namespace ref {
namespace fixed_point {

// x * 2^exponent: rounding (half away from zero) when shifting right,
// saturating when shifting left.
int32_t saturating_rounding_multiply_by_pot(int32_t x, int exponent);

// Changes the number of integer bits of a raw value.
inline int32_t rescale(int32_t raw, int from_integer_bits, int to_integer_bits) {
  return saturating_rounding_multiply_by_pot(raw, from_integer_bits - to_integer_bits);
}

// (a + b) / 2 rounded half away from zero, without overflow.
int32_t rounding_half_sum(int32_t a, int32_t b);

// exp(a) for a <= 0 given in Q(integer_bits); result in Q0.
int32_t exp_on_negative_values(int32_t a, int integer_bits);

// 1 / (1 + x) for x in [0, 1) in Q0; result in Q0.
int32_t one_over_one_plus_x_for_x_in_0_1(int32_t a);

// 1 / (1 + exp(-a)) for a in Q(integer_bits); result in Q0.
int32_t logistic(int32_t a, int integer_bits);

}  // namespace fixed_point

// TFLite's CalculateInputRadius: the largest |x| whose rescaled value still
// fits a Q(integer_bits) number.
int32_t calculate_input_radius(int integer_bits, int left_shift, int total_signed_bits = 31);

}  // namespace ref
}  // namespace lowbit
