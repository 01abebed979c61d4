// Binary int8 elementwise kernels (ADD, SUB, MUL). A call handles one run of
// n outputs; each input advances by its own stride (0 = broadcast value, 1 =
// contiguous), so the operator covers any NumPy broadcast with runs.
//
// uint8 tensors run through the same kernels: every byte is XORed with
// sign_flip (0x80) as it is loaded and stored, and the zero points are
// lowered by 128, since (q_u8 - zp) == int8(q_u8 ^ 0x80) - (zp - 128) exactly.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/requantize.h"

namespace lowbit {
namespace ref {

// TFLite's int8 ADD: both inputs are lifted by 2^left_shift, rescaled onto a
// common scale (2 * max(s_a, s_b)), summed, then rescaled to the output, each
// step in the profile's fixed-point rounding. xnnpack_fp32 instead follows
// XNNPACK's qs8 vadd: (x_a - zp_a) * m_a + (x_b - zp_b) * m_b with m = the
// float ratio s / s_out scaled by 2^shift and rounded half to even, then an
// arithmetic shift right rounding half up.
//
// SUB is the same computation with b's multiplier negated after it is
// quantized, in every profile: TFLite's sub.cc negates input2_multiplier and
// runs the ADD kernels, XNNPACK's qs8 vsub is its vadd with a negated b scale.
// An int8 ADD/SUB in any profile as one linear form in the raw (sign-flipped)
// bytes, z = x_a * a_multiplier + x_b * b_multiplier + bias, minus
// negative_adjust where z < negative_below, whose arithmetic shift z >> shift
// is the reference's rescaled sum plus the output zero point for every lane
// where (z & near_mask) != 0. The other lanes lie within the form's proven
// error of a rounding boundary and must be computed exactly
// (kernels/reference/qs8_add_linear.cpp has the proof). near_mask 0: the
// form is exact everywhere (no lane is near). usable: the plan exists and few
// lanes are near (under 1 in 512 of a sample of byte pairs).
struct Qs8AddLinearForm {
  bool usable = false;
  int32_t a_multiplier = 0, b_multiplier = 0, bias = 0, shift = 0, near_mask = 0;
  int32_t negative_below = 0, negative_adjust = 0;
};

struct Qs8AddParams {
  RequantProfile profile{};
  int32_t a_zero_point = 0, b_zero_point = 0, output_zero_point = 0;
  int32_t left_shift = 20;
  Requantizer a, b, output;  // fixed-point profiles
  int32_t xnn_a_multiplier = 0, xnn_b_multiplier = 0;  // xnnpack_fp32
  int32_t xnn_shift = 0;
  int32_t act_min = -128, act_max = 127;
  uint8_t sign_flip = 0;  // 0x80 for uint8 tensors (see the top of this file)
  Qs8AddLinearForm linear;  // plan_qs8_add_linear; the reference ignores it
};

// Fills params->linear for an 8-bit ADD/SUB once everything else in params
// is set (zero points, clamp): a proven form in the fixed-point profiles,
// XNNPACK's own arithmetic in xnnpack_fp32; leaves it unusable where neither
// fits. SIMD kernels may use it, the reference never does.
void plan_qs8_add_linear(Qs8AddParams* params);

// Whether this target plans the form at all: the proof's arithmetic needs
// 128-bit integers, which 32-bit targets lack (there it is never usable).
#if defined(__SIZEOF_INT128__)
constexpr bool kQs8AddLinearPlanned = true;
#else
constexpr bool kQs8AddLinearPlanned = false;
#endif

// Where an ADD input's whole rescale, requantize((x - zp) * 2^left_shift, r,
// profile) in any fixed-point profile, is the product (x - zp) * *factor for
// every |x - zp| <= 255: the shift is a right shift by e in [0, left_shift],
// left_shift <= 20 and the multiplier a multiple of 2^(31 - left_shift + e)
// (the input with the larger scale has M = 2^30, e = 0: factor 2^19). Then
// the product before each rounding is an exact multiple of its divisor and
// every rounding term lies in [0, divisor): the doubling high multiply gives
// v M / 2^(31 - L) exactly (its nudge, 2^30 or 1 - 2^30, stays below half of
// 2^31 and truncation toward zero keeps the integer), the division by 2^e of
// that multiple of 2^e adds 2^(e-1) - [negative] in [0, 2^e) and floors back
// to it, and single rounding's 2^(30+e) is below its divisor 2^(31+e).
// Inline: the AVX-512 ADD calls it with live vectors, where an out-of-line
// (SSE) call costs a vzeroupper and their spills.
inline bool add_input_rescale_is_multiply(const Requantizer& r, int left_shift, int32_t* factor) {
  const int e = -r.shift;
  if (left_shift < 0 || left_shift > 20 || e < 0 || e > left_shift) return false;
  const int divisor_bits = 31 - left_shift + e;  // 11 .. 31
  const uint32_t low = static_cast<uint32_t>(r.multiplier) & ((uint32_t{1} << divisor_bits) - 1);
  if (low != 0 || r.multiplier == INT32_MIN) return false;
  // Exact: the low bits are zero (an arithmetic shift of a negative multiple).
  *factor = r.multiplier >> divisor_bits;
  return true;
}

// The real multipliers of TFLite's ADD/SUB, formed in double from the float
// scales: inputs s / (2 max(s_a, s_b)) <= 1/2, output
// 2 max(s_a, s_b) / (2^left_shift s_out), which TFLite requires below 1.
struct Qs8AddMultipliers {
  double a, b, output;
};
Qs8AddMultipliers qs8_add_multipliers(float a_scale, float b_scale, float output_scale,
                                      int left_shift = 20);

// The profile, multipliers and shifts of Qs8AddParams for ADD (subtract =
// false) or SUB; the caller sets zero points, clamp and sign_flip. Returns the profile the parameters are for: xnnpack_fp32 becomes
// single_rounding where XNNPACK would refuse the scales (a ratio s / s_out
// outside [2^-10, 2^8)) and TFLite runs its own kernel.
RequantProfile make_qs8_add_params(RequantProfile profile, float a_scale, float b_scale,
                                   float output_scale, bool subtract, Qs8AddParams* params);

// XNNPACK's multipliers for the ratios s_a / s_out and s_b / s_out; false when
// XNNPACK would refuse them (each ratio must lie in [2^-10, 2^8)).
bool make_xnnpack_add_multipliers(float a_ratio, float b_ratio, Qs8AddParams* params);

// TFLite's int8 MUL: (x_a - zp_a) * (x_b - zp_b) rescaled by s_a * s_b / s_out.
struct Qs8MulParams {
  RequantProfile profile{};
  int32_t a_zero_point = 0, b_zero_point = 0, output_zero_point = 0;
  Requantizer output;
  int32_t act_min = -128, act_max = 127;
  uint8_t sign_flip = 0;  // 0x80 for uint8 tensors (see the top of this file)
};

using Qs8AddFn = void (*)(const Qs8AddParams& params, size_t n, const int8_t* a, size_t a_stride,
                          const int8_t* b, size_t b_stride, int8_t* output);
using Qs8MulFn = void (*)(const Qs8MulParams& params, size_t n, const int8_t* a, size_t a_stride,
                          const int8_t* b, size_t b_stride, int8_t* output);

void qs8_add__reference(const Qs8AddParams& params, size_t n, const int8_t* a, size_t a_stride,
                        const int8_t* b, size_t b_stride, int8_t* output);
void qs8_mul__reference(const Qs8MulParams& params, size_t n, const int8_t* a, size_t a_stride,
                        const int8_t* b, size_t b_stride, int8_t* output);

// 16x8 ADD, SUB and MUL (int16 symmetric activations): TFLite's general
// int16 paths are the int8 arithmetic above on int16 values, ADD/SUB with
// left_shift 15 (65535 << 15 still fits int32) and sign_flip 0; the
// xnnpack_fp32 profile does not apply (XNNPACK has no int16 kernels).
using Qs16AddFn = void (*)(const Qs8AddParams& params, size_t n, const int16_t* a,
                           size_t a_stride, const int16_t* b, size_t b_stride, int16_t* output);
using Qs16MulFn = void (*)(const Qs8MulParams& params, size_t n, const int16_t* a,
                           size_t a_stride, const int16_t* b, size_t b_stride, int16_t* output);
void qs16_add__reference(const Qs8AddParams& params, size_t n, const int16_t* a,
                         size_t a_stride, const int16_t* b, size_t b_stride, int16_t* output);
void qs16_mul__reference(const Qs8MulParams& params, size_t n, const int16_t* a,
                         size_t a_stride, const int16_t* b, size_t b_stride, int16_t* output);

// TFLite's power-of-two int16 ADD/SUB (pot_scale_int16 with every scale a
// power of two, the LSTM-style path): one input divided by 2^shift rounding
// half away from zero (gemmlowp's RoundingDivideByPOT), the other taken as
// it is, then a saturating int16 a + b (or a - b) and the activation clamp.
struct Qs16PotAddParams {
  int32_t a_right_shift = 0, b_right_shift = 0;  // at most one non-zero, each <= 15
  bool subtract = false;
  int32_t act_min = -32768, act_max = 32767;
};
using Qs16PotAddFn = void (*)(const Qs16PotAddParams& params, size_t n, const int16_t* a,
                              size_t a_stride, const int16_t* b, size_t b_stride,
                              int16_t* output);
void qs16_add_pot__reference(const Qs16PotAddParams& params, size_t n, const int16_t* a,
                             size_t a_stride, const int16_t* b, size_t b_stride, int16_t* output);

}  // namespace ref
}  // namespace lowbit
