#include "kernels/reference/requantize.h"

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>

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

namespace {

// x * 2^shift for a positive shift (x otherwise), saturated to int32. Any
// shift past 31 saturates every nonzero x the same way; capping keeps the
// shift defined and the SIMD variants equal. TFLite shifts in int32 and relies
// on wrap-around never happening for valid models; this shifts in 64 bits and
// saturates instead of invoking UB.
int32_t saturating_left_shift(int32_t x, int shift) {
  const int left = shift > 0 ? (shift < 31 ? shift : 31) : 0;
  int64_t shifted = static_cast<int64_t>(x) * (int64_t{1} << left);
  if (shifted > std::numeric_limits<int32_t>::max()) shifted = std::numeric_limits<int32_t>::max();
  if (shifted < std::numeric_limits<int32_t>::min()) shifted = std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(shifted);
}

}  // namespace

int32_t multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int shift) {
  const int right = shift > 0 ? 0 : -shift;
  return rounding_divide_by_pot(
      saturating_rounding_doubling_high_mul(saturating_left_shift(x, shift), multiplier), right);
}

int32_t rounding_shift_right_half_up(int32_t x, int exponent) {
  if (exponent <= 0) return x;
  if (exponent > 31) return 0;  // |x| < 2^31 rounds to 0 (halves up: -2^31 >> 32 is -0.5 -> 0)
  // Bit exponent-1 says whether the dropped fraction is at least one half.
  return (x >> exponent) + ((x >> (exponent - 1)) & 1);
}

int32_t multiply_by_quantized_multiplier_half_up(int32_t x, int32_t multiplier, int shift) {
  const int right = shift > 0 ? 0 : -shift;
  return rounding_shift_right_half_up(
      saturating_rounding_doubling_high_mul(saturating_left_shift(x, shift), multiplier), right);
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

int32_t rescale_in_double(int32_t acc, double scale) {
  const double rounded = std::round(static_cast<double>(acc) * scale);  // ties away from zero
  if (!(rounded < 2147483647.0)) return std::numeric_limits<int32_t>::max();
  if (!(rounded > -2147483648.0)) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(rounded);
}

namespace {

constexpr int64_t kAccMin = std::numeric_limits<int32_t>::min();
constexpr int64_t kAccMax = std::numeric_limits<int32_t>::max();
constexpr int64_t kNever = kAccMax + 1;  // no int32 accumulator qualifies
constexpr int64_t kUnsettled = -1 - kNever;

// rescale_in_double(acc, scale) > k for |k| < 2^31 - 1, without std::round
// (a library call, most of the search's time): rounding half away from zero
// exceeds k exactly when the double product reaches k + 0.5 (k >= 0) or
// passes it (k < 0); k + 0.5 is exact, and saturation keeps the order.
inline bool rescaled_above(int64_t acc, double scale, int32_t k) {
  if (acc > kAccMax) return true;
  const double product = static_cast<double>(acc) * scale;
  const double half = k + 0.5;
  return k >= 0 ? product >= half : product > half;
}

// The smallest int32 accumulator whose double rescale exceeds k (kNever if
// none), or kUnsettled when the walk does not settle. The rescale is
// monotone in acc, so the estimate (k + 0.5) / scale needs only a few steps.
int64_t first_rescaled_above(double scale, int32_t k) {
  const double estimate = (k + 0.5) / scale;
  // Truncation instead of floor (a library call on baseline x86-64): the walk
  // absorbs the difference of one.
  int64_t acc = estimate >= double(kNever)    ? kNever
                : estimate <= double(kAccMin) ? kAccMin
                                              : static_cast<int64_t>(estimate);
  for (int step = 0; step < 64; ++step) {
    if (acc > kAccMin && rescaled_above(acc - 1, scale, k)) {
      --acc;
    } else if (!rescaled_above(acc, scale, k)) {
      ++acc;
    } else {
      return acc;
    }
  }
  return kUnsettled;
}

// Both rescales are monotone in acc, so their clamped outputs agree for every
// acc exactly when, for each value k that separates two outputs, the first
// accumulator rescaled above k (`first`) is the same for both.
bool single_rounding_agrees_at(QuantizedMultiplier qm, int32_t k, int64_t first) {
  auto single = [&](int64_t acc) {
    return multiply_by_quantized_multiplier_single_round(static_cast<int32_t>(acc), qm.multiplier,
                                                         qm.shift);
  };
  if (first <= kAccMax && single(first) <= k) return false;
  if (first > kAccMin && single(first - 1) > k) return false;
  return true;
}

}  // namespace

bool find_single_rounding_equivalent(double scale, int32_t zero_point, int32_t act_min,
                                     int32_t act_max, QuantizedMultiplier* out) {
  const QuantizedMultiplier nearest = quantize_multiplier(scale, /*single_rounding_limits=*/true);
  if (nearest.multiplier == 0 || act_min > act_max) return false;
  // The double rescale's thresholds do not depend on the candidate: for
  // 8-bit outputs find them once, on the stack; wider outputs recompute them
  // per candidate (no heap: lowbit micro, the firmware, links this file).
  const size_t levels = static_cast<size_t>(int64_t{act_max} - act_min);
  const bool cached = levels <= 256;
  int64_t first_cached[256];
  auto threshold = [&](size_t i) {
    return first_rescaled_above(scale, static_cast<int32_t>(act_min + int64_t(i) - zero_point));
  };
  for (size_t i = 0; i < levels; ++i) {
    const int64_t first = threshold(i);
    if (first < kAccMin) return false;
    if (cached) first_cached[i] = first;
  }
  // Ties: the double rescale rounds them away from zero, single rounding up;
  // a multiplier one step above the scale's turns ties into near-ties on the
  // far side, so the search tries steps up first.
  for (int step : {0, 1, -1, 2, -2, 3, -3, 4, -4}) {
    const int64_t m = int64_t{nearest.multiplier} + step;
    if (m < (int64_t{1} << 30) || m > kAccMax) continue;
    const QuantizedMultiplier candidate{static_cast<int32_t>(m), nearest.shift};
    size_t i = 0;
    while (i < levels && single_rounding_agrees_at(
                             candidate, static_cast<int32_t>(act_min + int64_t(i) - zero_point),
                             cached ? first_cached[i] : threshold(i))) {
      ++i;
    }
    if (i == levels) {
      *out = candidate;
      return true;
    }
  }
  return false;
}

int32_t requantize(int32_t acc, const Requantizer& r, RequantProfile profile) {
  switch (profile) {
    case RequantProfile::kTfliteReference:
      return multiply_by_quantized_multiplier(acc, r.multiplier, r.shift);
    case RequantProfile::kSingleRounding:
      return multiply_by_quantized_multiplier_single_round(acc, r.multiplier, r.shift);
    case RequantProfile::kTfliteOptimized:
      return multiply_by_quantized_multiplier_half_up(acc, r.multiplier, r.shift);
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

int32_t requantize_wrapping(int32_t acc, const Requantizer& r, RequantProfile profile) {
  const bool shifts_first =
      profile == RequantProfile::kTfliteReference || profile == RequantProfile::kTfliteOptimized;
  if (!shifts_first || r.shift <= 0) return requantize(acc, r, profile);
  Requantizer unshifted = r;
  unshifted.shift = 0;
  // Wrapping as int32 arithmetic does: a shift of 32 or more leaves nothing
  // (and shifting a 32-bit value that far is undefined in C++).
  const auto lifted =
      r.shift >= 32 ? 0 : static_cast<int32_t>(static_cast<uint32_t>(acc) << r.shift);
  return requantize(lifted, unshifted, profile);
}

bool simd_kernels_support(RequantProfile profile) {
  switch (profile) {
    case RequantProfile::kTfliteReference:
    case RequantProfile::kSingleRounding:
    case RequantProfile::kXnnpackFp32:
    case RequantProfile::kTfliteOptimized:
      return true;
  }
  return false;
}

}  // namespace ref
}  // namespace lowbit
