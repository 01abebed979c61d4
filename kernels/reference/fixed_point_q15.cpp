#include "kernels/reference/fixed_point_q15.h"

#include <algorithm>

#include "kernels/reference/requantize.h"

namespace lowbit {
namespace ref {
namespace q15 {
namespace {

constexpr int32_t kRawMax = 32767;
constexpr int32_t kRawMin = -32768;

// int16 sums, differences and negations wrap, as in gemmlowp.
int16_t wrap(int32_t v) { return static_cast<int16_t>(static_cast<uint16_t>(v)); }

// gemmlowp's constants are given in Q31 and rounded to 16 bits.
int16_t constant(int32_t q31) { return static_cast<int16_t>(rounding_divide_by_pot(q31, 16)); }

int16_t mul(int16_t a, int16_t b) {
  if (a == kRawMin && b == kRawMin) return kRawMax;
  const int32_t product = int32_t{a} * b;
  const int32_t nudge = product >= 0 ? (1 << 14) : (1 - (1 << 14));
  return static_cast<int16_t>((product + nudge) / (1 << 15));
}

int16_t saturating_add(int16_t a, int16_t b) {
  return static_cast<int16_t>(std::clamp(int32_t{a} + b, kRawMin, kRawMax));
}

// x * 2^exponent: rounding when shifting right, saturating when shifting left.
int16_t multiply_by_pot(int16_t x, int exponent) {
  if (exponent < 0) return static_cast<int16_t>(rounding_divide_by_pot(x, -exponent));
  return static_cast<int16_t>(std::clamp(int32_t{x} * (1 << exponent), kRawMin, kRawMax));
}

int16_t rounding_half_sum(int16_t a, int16_t b) {
  const int32_t sum = int32_t{a} + b;
  return static_cast<int16_t>((sum + (sum >= 0 ? 1 : -1)) / 2);
}

// exp(a) for a in [-1/4, 0) in Q0: Taylor expansion around -1/8.
int16_t exp_on_interval_between_negative_one_quarter_and_0_excl(int16_t a) {
  const int16_t exp_minus_one_eighth = constant(1895147668);
  const int16_t one_third = constant(715827883);
  const int16_t x = wrap(a + (1 << 12));  // a + 1/8
  const int16_t x2 = mul(x, x);
  const int16_t x3 = mul(x2, x);
  const int16_t x4 = mul(x2, x2);
  const int16_t x4_over_4 = multiply_by_pot(x4, -2);
  const int16_t poly =
      multiply_by_pot(wrap(mul(wrap(x4_over_4 + x3), one_third) + x2), -1);
  return saturating_add(exp_minus_one_eighth, mul(exp_minus_one_eighth, wrap(x + poly)));
}

// exp(a) for a <= 0 in Q(integer_bits); Q0 result.
int16_t exp_on_negative_values(int16_t a, int integer_bits) {
  const int fractional_bits = 15 - integer_bits;
  const int16_t one_quarter = static_cast<int16_t>(1 << (fractional_bits - 2));
  const int16_t a_mod_quarter_minus_quarter = wrap((a & (one_quarter - 1)) - one_quarter);
  int16_t result = exp_on_interval_between_negative_one_quarter_and_0_excl(
      multiply_by_pot(a_mod_quarter_minus_quarter, integer_bits));
  const int16_t remainder = wrap(a_mod_quarter_minus_quarter - a);
  // exp(-2^k) in Q31 for k = -2..4: one factor per set bit of the remainder.
  static const int32_t kExpOfMinusPowerOfTwo[] = {1672461947, 1302514674, 790015084, 290630308,
                                                   39332535,   720401,     242};
  for (int k = -2; k <= 4; ++k) {
    if (integer_bits <= k) break;
    if (remainder & (1 << (fractional_bits + k))) {
      result = mul(result, constant(kExpOfMinusPowerOfTwo[k + 2]));
    }
  }
  if (integer_bits > 5) {  // below -32 the result is 0
    const int16_t minus_32 = constant(-(1 << (36 - integer_bits)));
    if (a < minus_32) result = 0;
  }
  if (a == 0) result = kRawMax;
  return result;
}

// Newton-Raphson on the half denominator (1 + a) / 2: 1 / half_denominator in Q2.
int16_t reciprocal_of_half_denominator(int16_t half_denominator) {
  const int16_t forty_eight_over_17 = constant(1515870810);         // Q2
  const int16_t minus_thirty_two_over_17 = constant(-1010580540);  // Q2
  const int16_t one_q2 = 1 << 13;
  int16_t x = wrap(forty_eight_over_17 + mul(half_denominator, minus_thirty_two_over_17));
  for (int i = 0; i < 3; ++i) {
    const int16_t one_minus_half_denominator_times_x = wrap(one_q2 - mul(half_denominator, x));
    x = wrap(x + multiply_by_pot(mul(x, one_minus_half_denominator_times_x), 2));  // Q4 -> Q2
  }
  return x;
}

// 1 / (1 + a) for a in [0, 1) in Q0.
int16_t one_over_one_plus_x_for_x_in_0_1(int16_t a) {
  const int16_t x = reciprocal_of_half_denominator(rounding_half_sum(a, kRawMax));
  return multiply_by_pot(x, 1);  // halved (Q1, same raw), then Q1 -> Q0
}

// (1 - a) / (1 + a) for a in [0, 1) in Q0.
int16_t one_minus_x_over_one_plus_x_for_x_in_0_1(int16_t a) {
  const int16_t x = reciprocal_of_half_denominator(rounding_half_sum(a, kRawMax));
  return multiply_by_pot(wrap(x - (1 << 13)), 2);  // 2/(1+a) - 1 in Q2 -> Q0
}

}  // namespace

int16_t logistic(int16_t a, int integer_bits) {
  if (a == 0) return 1 << 14;  // one half
  const int16_t abs_a = a > 0 ? a : wrap(-a);
  const int16_t of_abs =
      one_over_one_plus_x_for_x_in_0_1(exp_on_negative_values(wrap(-abs_a), integer_bits));
  return a > 0 ? of_abs : wrap(kRawMax - of_abs);
}

int16_t tanh(int16_t a, int integer_bits) {
  if (a == 0) return 0;
  const int16_t minus_abs = a < 0 ? a : wrap(-a);
  // exp(2 * minus_abs): the same raw value read with one more integer bit.
  const int16_t neg_tanh = one_minus_x_over_one_plus_x_for_x_in_0_1(
      exp_on_negative_values(minus_abs, integer_bits + 1));
  return a < 0 ? wrap(-neg_tanh) : neg_tanh;
}

}  // namespace q15
}  // namespace ref
}  // namespace lowbit
