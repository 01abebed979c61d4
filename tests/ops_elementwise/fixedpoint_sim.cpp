#include "fixedpoint_sim.h"

#include <algorithm>
#include <cmath>

#include "elementwise_test_util.h"

namespace lowbit {
namespace testing {
namespace {

constexpr int64_t kMax = 2147483647;
constexpr int64_t kMin = -2147483648LL;

int64_t floor_div_pow2(int64_t v, int shift) {
  // >> on a negative int64 is an arithmetic (flooring) shift in C++20 and on
  // every compiler we build with; spell it out to stay independent of that.
  const int64_t d = int64_t{1} << shift;
  return v >= 0 ? v / d : -((-v + d - 1) / d);
}

// Doubling high multiply, rounding half up: floor((a * b + 2^30) / 2^31).
int64_t high_mul(int64_t a, int64_t b) {
  if (a == kMin && b == kMin) return kMax;
  return floor_div_pow2(a * b + (int64_t{1} << 30), 31);
}

int64_t shift_saturating(int64_t x, int exponent) {
  if (exponent < 0) return sim_round_half_away(x, -exponent);
  const int64_t v = x * (int64_t{1} << exponent);
  return std::min(kMax, std::max(kMin, v));
}

// exp on [-1/4, 0): exp(-1/8) * (1 + y + y^2/2 + y^3/6 + y^4/24), y = a + 1/8.
int64_t exp_quarter_interval(int64_t a) {
  const int64_t c = 1895147668, third = 715827883;
  const int64_t y = a + (int64_t{1} << 28);
  const int64_t y2 = high_mul(y, y), y3 = high_mul(y2, y), y4 = high_mul(y2, y2);
  const int64_t tail = sim_round_half_away(high_mul(sim_round_half_away(y4, 2) + y3, third) + y2, 1);
  return c + high_mul(c, y + tail);
}

int64_t exp_negative(int64_t a, int integer_bits) {
  const int fractional = 31 - integer_bits;
  const int64_t quarter = int64_t{1} << (fractional - 2);
  const int64_t modulo = a - floor_div_pow2(a, fractional - 2) * quarter;  // in [0, quarter)
  const int64_t offset = modulo - quarter;
  int64_t result = exp_quarter_interval(shift_saturating(offset, integer_bits));
  const int64_t remainder = offset - a;
  const int64_t factors[] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
  for (int k = -2; k <= 4 && k < integer_bits; ++k) {
    if ((remainder >> (fractional + k)) & 1) result = high_mul(result, factors[k + 2]);
  }
  if (integer_bits > 5 && a < -(int64_t{1} << (36 - integer_bits))) result = 0;
  return a == 0 ? kMax : result;
}

int64_t reciprocal_one_plus(int64_t a) {
  const int64_t half_denominator = (a + kMax + 1) / 2;  // a >= 0: sum + 1 halved
  int64_t x = 1515870810 + high_mul(half_denominator, -1010580540);
  for (int i = 0; i < 3; ++i) {
    x += shift_saturating(high_mul(x, (int64_t{1} << 29) - high_mul(half_denominator, x)), 2);
  }
  return shift_saturating(x, 1);
}

int input_radius(int integer_bits, int shift) {
  return static_cast<int>(std::floor(((1 << integer_bits) - 1) *
                                     std::ldexp(1.0, 31 - integer_bits - shift)));
}

}  // namespace

int32_t sim_logistic(int32_t x, float input_scale, int32_t input_zero_point) {
  int shift = 0;
  const double q = std::frexp(double(input_scale) * (1 << 27), &shift);
  const int64_t multiplier = std::llround(q * 2147483648.0);
  const int radius = input_radius(4, shift);
  const int64_t centered = x - input_zero_point;
  if (centered <= -radius) return -128;
  if (centered >= radius) return 127;
  const int64_t in_q4 = sim_double_rounding(centered, SimMultiplier{multiplier, shift});
  int64_t out_q0;
  if (in_q4 == 0) {
    out_q0 = int64_t{1} << 30;
  } else {
    const int64_t of_abs = reciprocal_one_plus(exp_negative(-std::llabs(in_q4), 4));
    out_q0 = in_q4 > 0 ? of_abs : kMax - of_abs;
  }
  return clamp_i32(sim_round_half_away(out_q0, 23) - 128, -128, 127);
}

std::vector<int32_t> sim_softmax_row(const std::vector<int32_t>& row, float input_scale,
                                     float beta) {
  const double real = std::min(double(beta) * double(input_scale) * (1 << 26), 2147483647.0);
  const SimMultiplier m = sim_quantize_multiplier(real, false);
  const int diff_min = -input_radius(5, m.exponent);
  const int32_t max = *std::max_element(row.begin(), row.end());
  auto exp_of = [&](int32_t diff) {
    const int64_t scaled = high_mul(int64_t(diff) * (int64_t{1} << m.exponent), m.multiplier);
    return exp_negative(scaled, 5);
  };
  int64_t sum = 0;  // Q12
  for (int32_t v : row) {
    if (v - max >= diff_min) sum += sim_round_half_away(exp_of(v - max), 12);
  }
  int leading_zeros = 0;
  while (leading_zeros < 32 && !((sum >> (31 - leading_zeros)) & 1)) ++leading_zeros;
  const int bits_over_unit = 12 - leading_zeros;
  const int64_t fraction = ((sum << leading_zeros) & 0xFFFFFFFFLL) - (int64_t{1} << 31);
  const int64_t reciprocal = reciprocal_one_plus(fraction);
  std::vector<int32_t> out;
  for (int32_t v : row) {
    if (v - max < diff_min) {
      out.push_back(-128);
      continue;
    }
    const int64_t p = high_mul(reciprocal, exp_of(v - max));
    out.push_back(clamp_i32(sim_round_half_away(p, bits_over_unit + 23) - 128, -128, 127));
  }
  return out;
}

}  // namespace testing
}  // namespace lowbit
