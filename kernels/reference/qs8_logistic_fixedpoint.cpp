#include "kernels/reference/qs8_logistic_fixedpoint.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/reference/requantize.h"

namespace lowbit {
namespace ref {
namespace fixed_point {
namespace {

constexpr int32_t kRawMax = std::numeric_limits<int32_t>::max();

int32_t mul(int32_t a, int32_t b) { return saturating_rounding_doubling_high_mul(a, b); }

// exp(a) for a in [-1/4, 0) in Q0: a fourth-order Taylor expansion around -1/8.
int32_t exp_on_interval_between_negative_one_quarter_and_0_excl(int32_t a) {
  const int32_t exp_minus_one_eighth = 1895147668;  // exp(-1/8) in Q0
  const int32_t one_third = 715827883;              // 1/3 in Q0
  const int32_t x = a + (int32_t{1} << 28);         // a + 1/8
  const int32_t x2 = mul(x, x);
  const int32_t x3 = mul(x2, x);
  const int32_t x4 = mul(x2, x2);
  const int32_t x4_over_4 = saturating_rounding_multiply_by_pot(x4, -2);
  const int32_t poly =
      saturating_rounding_multiply_by_pot(mul(x4_over_4 + x3, one_third) + x2, -1);
  // exp(-1/8) * (1 + x + x^2/2 + x^3/6 + x^4/24)
  return exp_minus_one_eighth + mul(exp_minus_one_eighth, x + poly);
}

}  // namespace

int32_t saturating_rounding_multiply_by_pot(int32_t x, int exponent) {
  if (exponent == 0) return x;
  if (exponent < 0) return rounding_divide_by_pot(x, -exponent);
  const int64_t shifted = static_cast<int64_t>(x) * (int64_t{1} << exponent);
  if (shifted > kRawMax) return kRawMax;
  if (shifted < std::numeric_limits<int32_t>::min()) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(shifted);
}

int32_t rounding_half_sum(int32_t a, int32_t b) {
  const int64_t sum = static_cast<int64_t>(a) + b;
  return static_cast<int32_t>((sum + (sum >= 0 ? 1 : -1)) / 2);
}

int32_t exp_on_negative_values(int32_t a, int integer_bits) {
  const int fractional_bits = 31 - integer_bits;
  const int32_t one_quarter = int32_t{1} << (fractional_bits - 2);
  // Split a = (a mod 1/4 - 1/4) + (the remaining multiple of 1/4).
  const int32_t a_mod_quarter_minus_quarter = (a & (one_quarter - 1)) - one_quarter;
  int32_t result = exp_on_interval_between_negative_one_quarter_and_0_excl(
      rescale(a_mod_quarter_minus_quarter, integer_bits, 0));
  const int32_t remainder = a_mod_quarter_minus_quarter - a;  // >= 0, multiple of 1/4
  // exp(-2^k) in Q0 for k = -2..4: one factor per set bit of the remainder.
  static const int32_t kExpOfMinusPowerOfTwo[] = {1672461947, 1302514674, 790015084, 290630308,
                                                   39332535,   720401,     242};
  for (int k = -2; k <= 4; ++k) {
    if (integer_bits <= k) break;
    if (remainder & (int32_t{1} << (fractional_bits + k))) {
      result = mul(result, kExpOfMinusPowerOfTwo[k + 2]);
    }
  }
  if (integer_bits > 5 && a < -(int32_t{1} << (36 - integer_bits))) result = 0;  // below -32
  if (a == 0) result = kRawMax;
  return result;
}

int32_t one_over_one_plus_x_for_x_in_0_1(int32_t a) {
  // Newton-Raphson on the half denominator (1 + a) / 2 in [1/2, 1), in Q2.
  const int32_t half_denominator = rounding_half_sum(a, kRawMax);
  const int32_t forty_eight_over_17 = 1515870810;         // Q2
  const int32_t minus_thirty_two_over_17 = -1010580540;  // Q2
  const int32_t one_q2 = int32_t{1} << 29;
  int32_t x = forty_eight_over_17 + mul(half_denominator, minus_thirty_two_over_17);
  for (int i = 0; i < 3; ++i) {
    const int32_t one_minus_half_denominator_times_x = one_q2 - mul(half_denominator, x);
    x = x + rescale(mul(x, one_minus_half_denominator_times_x), 4, 2);
  }
  // x approximates 1 / half_denominator in Q2; halve it (Q1, same raw) into Q0.
  return rescale(x, 1, 0);
}

int32_t logistic(int32_t a, int integer_bits) {
  if (a == 0) return int32_t{1} << 30;  // one half
  const int32_t minus_abs = a > 0 ? -a : a;
  const int32_t of_abs =
      one_over_one_plus_x_for_x_in_0_1(exp_on_negative_values(minus_abs, integer_bits));
  return a > 0 ? of_abs : kRawMax - of_abs;
}

}  // namespace fixed_point

int32_t calculate_input_radius(int integer_bits, int left_shift, int total_signed_bits) {
  const double max_input_rescaled = 1.0 * ((1 << integer_bits) - 1) *
                                    static_cast<double>(int64_t{1} << (total_signed_bits - integer_bits)) /
                                    std::ldexp(1.0, left_shift);
  // Small input scales give radii beyond int32 (converting those is undefined;
  // found by fuzzing). Every centered int8/uint8 input is below INT32_MAX, so
  // the clamp changes no result.
  return static_cast<int32_t>(std::floor(std::min(max_input_rescaled, 2147483647.0)));
}

}  // namespace ref
}  // namespace lowbit
