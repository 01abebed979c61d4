#include "kernels/reference/requantize.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include "lowbit/interpreter.h"

namespace lowbit {
namespace ref {

QuantizedMultiplier quantize_multiplier(double real_multiplier, bool single_rounding_limits) {
  QuantizedMultiplier out;
  if (!(real_multiplier > 0.0) || !std::isfinite(real_multiplier)) return out;
  int exponent = 0;
  const double q = std::frexp(real_multiplier, &exponent);
  int64_t q_fixed = static_cast<int64_t>(std::round(q * (1LL << 31)));
  if (q_fixed == (1LL << 31)) {
    q_fixed /= 2;
    ++exponent;
  }
  if (exponent < -31) {
    exponent = 0;
    q_fixed = 0;
  }
  if (single_rounding_limits && exponent > 30) {
    exponent = 30;
    q_fixed = (1LL << 31) - 1;
  }
  out.multiplier = static_cast<int32_t>(q_fixed);
  out.shift = exponent;
  return out;
}

Requantizer make_requantizer(RequantProfile profile, double real_multiplier, float fp32_scale) {
  Requantizer r;
  const QuantizedMultiplier qm =
      quantize_multiplier(real_multiplier, profile == RequantProfile::kSingleRounding);
  r.multiplier = qm.multiplier;
  r.shift = qm.shift;
  r.scale = fp32_scale;
  return r;
}

int32_t saturating_rounding_doubling_high_mul(int32_t a, int32_t b) {
  if (a == b && a == std::numeric_limits<int32_t>::min()) {
    return std::numeric_limits<int32_t>::max();
  }
  const int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  const int64_t nudge = ab >= 0 ? (1LL << 30) : (1 - (1LL << 30));
  return static_cast<int32_t>((ab + nudge) / (1LL << 31));
}

int32_t rounding_divide_by_pot(int32_t x, int exponent) {
  if (exponent <= 0) return x;
  const int32_t mask = static_cast<int32_t>((1LL << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

int32_t multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int shift) {
  // Any shift past 31 saturates every nonzero x the same way; capping keeps
  // the shift defined and the SIMD variants equal.
  const int left = shift > 0 ? (shift < 31 ? shift : 31) : 0;
  const int right = shift > 0 ? 0 : -shift;
  // TFLite shifts in int32 and relies on wrap-around never happening for valid
  // models; do the shift in 64 bits and saturate instead of invoking UB.
  int64_t shifted = static_cast<int64_t>(x) * (int64_t{1} << left);
  if (shifted > std::numeric_limits<int32_t>::max()) shifted = std::numeric_limits<int32_t>::max();
  if (shifted < std::numeric_limits<int32_t>::min()) shifted = std::numeric_limits<int32_t>::min();
  return rounding_divide_by_pot(
      saturating_rounding_doubling_high_mul(static_cast<int32_t>(shifted), multiplier), right);
}

int32_t multiply_by_quantized_multiplier_single_round(int32_t x, int32_t multiplier, int shift) {
  const int total_shift = 31 - shift;
  if (total_shift <= 0) {
    // Multiplier >= 2^31 cannot occur; guard degenerate shifts.
    return static_cast<int32_t>(static_cast<int64_t>(x) * multiplier);
  }
  if (total_shift > 62) return 0;
  const int64_t round = int64_t{1} << (total_shift - 1);
  int64_t result = (static_cast<int64_t>(x) * multiplier + round) >> total_shift;
  if (result > std::numeric_limits<int32_t>::max()) result = std::numeric_limits<int32_t>::max();
  if (result < std::numeric_limits<int32_t>::min()) result = std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(result);
}

int32_t requantize(int32_t acc, const Requantizer& r, RequantProfile profile) {
  switch (profile) {
    case RequantProfile::kTfliteReference:
      return multiply_by_quantized_multiplier(acc, r.multiplier, r.shift);
    case RequantProfile::kSingleRounding:
      return multiply_by_quantized_multiplier_single_round(acc, r.multiplier, r.shift);
    case RequantProfile::kXnnpackFp32: {
      const float scaled = static_cast<float>(acc) * r.scale;
      // Clamp before converting so the conversion is always defined; int8
      // outputs are clamped far inside this range afterwards.
      const float limited = std::fmin(std::fmax(scaled, -2147483520.0f), 2147483520.0f);
      return static_cast<int32_t>(std::nearbyint(limited));  // ties to even
    }
  }
  return 0;
}

}  // namespace ref
}  // namespace lowbit
