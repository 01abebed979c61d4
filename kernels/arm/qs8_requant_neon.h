// Requantization of four int32 accumulators at once with NEON, bit-exact with
// kernels/reference/requantize.cpp, for aarch64 and for armv7 NEON. Include
// only from kernels/arm files (compiled with NEON enabled).
//
// Why the plain instructions are exact (docs/arm.md has the longer proof):
// - gemmlowp's SaturatingRoundingDoublingHighMul adds 2^30 (or 1 - 2^30 for a
//   negative product) and truncates: for either sign that is
//   floor((a*b + 2^30) / 2^31), i.e. ties toward +infinity, which is exactly
//   what VQRDMULH computes, saturation of INT32_MIN * INT32_MIN included.
// - RoundingDivideByPOT rounds ties away from zero while VRSHL rounds them
//   up; subtracting 1 from negative inputs first (gemmlowp's fixup) moves only
//   the negative ties, and saturating that subtraction keeps INT32_MIN right.
//   tflite_optimized rounds those ties up, as VRSHL does: no fixup.
// - Single rounding is (x*M + 2^(n-1)) >> n in 64 bits: VRSHL on int64 lanes
//   does precisely that, VQMOVN saturates to int32 as the reference does.
// - xnnpack_fp32 rounds to nearest, ties to even: FCVTNS on aarch64; armv7 has
//   no such conversion, so the value is first limited to +-2^16 (the output
//   limit kRequantizedLimit, so nothing changes) and rounded by adding
//   1.5 * 2^23, which is exact in that range.
#pragma once

#include <arm_neon.h>

#include <cstdint>
#include <cstring>

#include "kernels/qs8_gemm.h"

namespace lowbit {
namespace neon {

// half_up: ties of the final shift round up (ref::rounds_half_up).
inline int32x4_t requant_double_rounding(int32x4_t acc, int32x4_t multiplier, int32x4_t shift,
                                         bool half_up = false) {
  const int32x4_t zero = vdupq_n_s32(0);
  const int32x4_t left = vminq_s32(vmaxq_s32(shift, zero), vdupq_n_s32(31));
  const int32x4_t right_neg = vmaxq_s32(vminq_s32(shift, zero), vdupq_n_s32(-31));
  const int32x4_t high = vqrdmulhq_s32(vqshlq_s32(acc, left), multiplier);
  if (half_up) return vrshlq_s32(high, right_neg);
  // -1 for negative values when shifting right (right_neg has its sign bit set).
  const int32x4_t fixup = vshrq_n_s32(vandq_s32(high, right_neg), 31);
  return vrshlq_s32(vqaddq_s32(high, fixup), right_neg);
}

inline int32x4_t requant_single_rounding(int32x4_t acc, int32x4_t multiplier, int32x4_t shift) {
  const int32x4_t total_neg = vsubq_s32(shift, vdupq_n_s32(31));  // -(31 - shift)
  const int64x2_t lo = vrshlq_s64(vmull_s32(vget_low_s32(acc), vget_low_s32(multiplier)),
                                  vmovl_s32(vget_low_s32(total_neg)));
  const int64x2_t hi = vrshlq_s64(vmull_s32(vget_high_s32(acc), vget_high_s32(multiplier)),
                                  vmovl_s32(vget_high_s32(total_neg)));
  return vcombine_s32(vqmovn_s64(lo), vqmovn_s64(hi));
}

inline int32x4_t requant_fp32(int32x4_t acc, float32x4_t scale) {
  const float32x4_t v = vmulq_f32(vcvtq_f32_s32(acc), scale);
#if defined(__aarch64__)
  return vcvtnq_s32_f32(
      vminq_f32(vmaxq_f32(v, vdupq_n_f32(-2147483520.0f)), vdupq_n_f32(2147483520.0f)));
#else
  const float limit = static_cast<float>(ref::kRequantizedLimit);
  const float32x4_t limited = vminq_f32(vmaxq_f32(v, vdupq_n_f32(-limit)), vdupq_n_f32(limit));
  const float32x4_t magic = vdupq_n_f32(12582912.0f);  // 1.5 * 2^23
  return vsubq_s32(vreinterpretq_s32_f32(vaddq_f32(limited, magic)),
                   vreinterpretq_s32_f32(magic));
#endif
}

// Rescales four accumulators of channels [channel, channel + 4) under the
// params' profile.
inline int32x4_t requant(int32x4_t acc, const Qs8GemmParams& p, size_t channel) {
  switch (qs8_kernel_profile(p)) {
    case RequantProfile::kSingleRounding:
      return requant_single_rounding(acc, vld1q_s32(p.multiplier + channel),
                                     vld1q_s32(p.shift + channel));
    case RequantProfile::kXnnpackFp32:
      return requant_fp32(acc, vld1q_f32(p.scale + channel));
    case RequantProfile::kTfliteReference:
    case RequantProfile::kTfliteOptimized:
    default:
      return requant_double_rounding(acc, vld1q_s32(p.multiplier + channel),
                                     vld1q_s32(p.shift + channel),
                                     ref::rounds_half_up(qs8_kernel_profile(p)));
  }
}

// Limits to +-kRequantizedLimit (as ref::requantize_to_output does), adds the
// zero point and clamps to [lo, hi].
inline int32x4_t offset_and_clamp(int32x4_t v, const Qs8GemmParams& p) {
  v = vmaxq_s32(v, vdupq_n_s32(-ref::kRequantizedLimit));
  v = vminq_s32(v, vdupq_n_s32(ref::kRequantizedLimit));
  v = vaddq_s32(v, vdupq_n_s32(p.output_zero_point));
  v = vmaxq_s32(v, vdupq_n_s32(p.output_min));
  return vminq_s32(v, vdupq_n_s32(p.output_max));
}

// Eight accumulators of channels [channel, channel + 8): requantizes them and
// stores `count` <= 8 bytes at out.
inline void requantize_store8(int32x4_t acc_lo, int32x4_t acc_hi, const Qs8GemmParams& p,
                              size_t channel, int8_t* out, size_t count) {
  const int32x4_t lo = offset_and_clamp(requant(acc_lo, p, channel), p);
  const int32x4_t hi = offset_and_clamp(requant(acc_hi, p, channel + 4), p);
  // In int8 range already, so the saturating narrows are exact.
  const int8x8_t bytes = vqmovn_s16(vcombine_s16(vqmovn_s32(lo), vqmovn_s32(hi)));
  if (count == 8) {
    vst1_s8(out, bytes);
  } else {
    int8_t tmp[8];
    vst1_s8(tmp, bytes);
    std::memcpy(out, tmp, count);
  }
}

}  // namespace neon
}  // namespace lowbit
