// Fixed-point rescaling of int32 accumulators, in the four named profiles
// (../shared/NUMERICS.md sections 3 and 4). Every int8 kernel, reference or
// SIMD, must give exactly these results.
#pragma once

#include <cstdint>

#include "lowbit/requant_profile.h"

namespace lowbit {
namespace ref {

// A real multiplier m as M * 2^shift with M a Q31 value in [2^30, 2^31).
struct QuantizedMultiplier {
  int32_t multiplier = 0;
  int32_t shift = 0;  // left shift if positive
};

// TFLite's QuantizeMultiplier. `single_rounding_limits` caps the exponent at 30
// as single-rounding builds do.
QuantizedMultiplier quantize_multiplier(double real_multiplier, bool single_rounding_limits = false);

// How one output channel is rescaled, in the form each profile needs.
struct Requantizer {
  int32_t multiplier = 0;  // tflite_reference and single_rounding
  int32_t shift = 0;
  float scale = 0.0f;      // xnnpack_fp32
};

// real_multiplier: formed in double as TFLite does for the operator.
// fp32_scale: the same ratio computed in float, as XNNPACK does.
Requantizer make_requantizer(RequantProfile profile, double real_multiplier, float fp32_scale);

// gemmlowp's SaturatingRoundingDoublingHighMul.
int32_t saturating_rounding_doubling_high_mul(int32_t a, int32_t b);
// gemmlowp's RoundingDivideByPOT (round half away from zero).
int32_t rounding_divide_by_pot(int32_t x, int exponent);
// TFLite MultiplyByQuantizedMultiplier: double rounding.
int32_t multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int shift);
// Arithmetic right shift rounding halves up, (x + 2^(exponent-1)) >> exponent
// without overflow: ARM's SRSHL by a negative amount, as TFLite's optimized
// kernels on x86-64 emulate it.
int32_t rounding_shift_right_half_up(int32_t x, int exponent);
// tflite_optimized's CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED rescale:
// the same left shift and doubling high multiply as
// multiply_by_quantized_multiplier, then rounding_shift_right_half_up.
int32_t multiply_by_quantized_multiplier_half_up(int32_t x, int32_t multiplier, int shift);
// Single rounding: (x*M + 2^(30-shift)) >> (31-shift) in 64 bits.
int32_t multiply_by_quantized_multiplier_single_round(int32_t x, int32_t multiplier, int shift);

// The rescale of LiteRT's reference FULLY_CONNECTED (desktop TFLite's
// reference_integer_ops, not TFLite Micro): round(double(acc) * scale), ties
// away from zero, with scale = double(in_s) * double(w_s) / double(out_s).
// Saturates to int32 where TFLite's conversion would be undefined.
int32_t rescale_in_double(int32_t acc, double scale);

// Searches single-rounding (multiplier, shift) pairs next to `scale` for one
// whose output, after adding zero_point and clamping to [act_min, act_max],
// equals rescale_in_double's for every int32 accumulator. Kernels that only
// know multiplier/shift (the SIMD GEMMs) can then reproduce the double
// rescale exactly. Returns false when no candidate is proven equal.
bool find_single_rounding_equivalent(double scale, int32_t zero_point, int32_t act_min,
                                     int32_t act_max, QuantizedMultiplier* out);

// Rescales an accumulator (no zero point, no clamp) under `profile`.
int32_t requantize(int32_t acc, const Requantizer& r, RequantProfile profile);
// The same with TFLite's own left shift for multipliers above 1: its
// double-rounding kernels compute acc * 2^shift in int32, which wraps where
// it overflows; requantize() saturates instead. Only 16- and 32-bit inputs
// (16x8 MUL, QUANTIZE from int16/int32) reach values where the two differ.
int32_t requantize_wrapping(int32_t acc, const Requantizer& r, RequantProfile profile);

// Whether the SIMD GEMM / depthwise kernels implement `profile` (all four
// profiles today; the operators still ask, so a new profile can start on the
// reference kernels).
bool simd_kernels_support(RequantProfile profile);

// Whether the final rounding right shift of TFLite's doubling high multiply
// rounds ties up (tflite_optimized, ARM's SRSHL) rather than away from zero
// (tflite_reference).
constexpr bool rounds_half_up(RequantProfile profile) {
  return profile == RequantProfile::kTfliteOptimized;
}

// A profile whose clamped outputs equal `profile`'s, for kernels to compute
// instead: tflite_reference's final shift rounds ties away from zero,
// tflite_optimized's up (fewer instructions in SIMD), and the two differ only
// where the doubling high multiply is negative, where both results are <= 0.
// When the clamp's lower bound is at or above the zero point (a fused RELU or
// RELU6 sets act_min to the zero point) both clamp to act_min there.
constexpr RequantProfile clamped_profile(RequantProfile profile, int32_t zero_point,
                                         int32_t act_min) {
  return profile == RequantProfile::kTfliteReference && act_min >= zero_point
             ? RequantProfile::kTfliteOptimized
             : profile;
}

// Rescale, add the output zero point and clamp to [act_min, act_max].
// The rescaled value is first limited to +-2^16, far outside any 8-bit
// output range, so adding the zero point cannot overflow; SIMD kernels do the
// same and stay bit-exact.
constexpr int32_t kRequantizedLimit = 1 << 16;
inline int32_t requantize_to_output(int32_t acc, const Requantizer& r, RequantProfile profile,
                                    int32_t zero_point, int32_t act_min, int32_t act_max) {
  int32_t v = requantize(acc, r, profile);
  v = v < -kRequantizedLimit ? -kRequantizedLimit : (v > kRequantizedLimit ? kRequantizedLimit : v);
  v += zero_point;
  return v < act_min ? act_min : (v > act_max ? act_max : v);
}

}  // namespace ref
}  // namespace lowbit
