// QUANTIZE float32 -> int8/uint8 and DEQUANTIZE back with NEON, one source for
// aarch64 (qs8_quantize_float_neon.cpp) and 32-bit ARM
// (qs8_quantize_float_armv7neon.cpp), bit-exact with
// kernels/reference/qs8_quantize.cpp. NaN goes to the zero point and the
// clamp to the integer bounds comes before rounding (equal, see
// kernels/qs8_quantize.h).
//
// aarch64 has the reference's operations: FDIV, FCVTAS (ties away from zero,
// TFLite) and FCVTNS (ties to even, XNNPACK's nearbyint).
//
// 32-bit ARM's NEON has neither a divide nor a rounding convert, and flushes
// subnormals to zero. Its variants run only where that cannot change a result
// (`armv7_quantize_is_exact`, else the reference runs): scales in
// [2^-100, 2^100], so a subnormal input or product rounds to 0 either way.
// Ties to even come from adding and subtracting 1.5 * 2^23 (exact for the
// clamped values). TFLite's x / scale is approximated by x * fl(1 / scale),
// within 3 * 2^-24 relatively of fl(x / scale); a vector where some clamped
// value lies within the bound's 2^-20 of a half-integer (where the two could
// round apart) goes through the reference, every other one rounds the same.
#pragma once

#include <arm_neon.h>

#include <cmath>
#include <cstring>
#include <type_traits>

#include "kernels/qs8_quantize.h"

namespace lowbit {
namespace quantize_neon {
namespace {

struct QuantizeVectors {
  float32x4_t scale, multiplier, lo, hi;
  int32x4_t zero_point;
};

QuantizeVectors quantize_vectors(const ref::QuantizeParams& p, float multiplier, float widen) {
  return {vdupq_n_f32(p.scale), vdupq_n_f32(multiplier),
          vdupq_n_f32(static_cast<float>(p.qmin - p.zero_point) - widen),
          vdupq_n_f32(static_cast<float>(p.qmax - p.zero_point) + widen),
          vdupq_n_s32(p.zero_point)};
}

// x with NaN lanes at 0, clamped to [lo, hi].
float32x4_t clamp_not_nan(float32x4_t x, const QuantizeVectors& v) {
  const uint32x4_t ordered = vceqq_f32(x, x);
  const float32x4_t zeroed = vreinterpretq_f32_u32(vandq_u32(vreinterpretq_u32_f32(x), ordered));
  return vminq_f32(vmaxq_f32(zeroed, v.lo), v.hi);
}

// 16 int32 values within Out's range, in order, as 16 bytes (VMOVN keeps the
// low bits, which are the value).
template <typename Out>
void store16(Out* out, int32x4_t a, int32x4_t b, int32x4_t c, int32x4_t d) {
  const int16x8_t ab = vcombine_s16(vmovn_s32(a), vmovn_s32(b));
  const int16x8_t cd = vcombine_s16(vmovn_s32(c), vmovn_s32(d));
  const int8x16_t bytes = vcombine_s8(vmovn_s16(ab), vmovn_s16(cd));
  std::memcpy(out, &bytes, 16);
}

#if defined(__aarch64__)

template <bool kXnnpackRounding>
int32x4_t quantize4(const QuantizeVectors& v, const float* input) {
  const float32x4_t x = vld1q_f32(input);
  const float32x4_t q = clamp_not_nan(
      kXnnpackRounding ? vmulq_f32(x, v.multiplier) : vdivq_f32(x, v.scale), v);
  return vaddq_s32(kXnnpackRounding ? vcvtnq_s32_f32(q) : vcvtaq_s32_f32(q), v.zero_point);
}

template <bool kXnnpackRounding, typename Out>
void quantize(const ref::QuantizeParams& p, size_t n, const float* input, Out* output,
                       ref::QuantizeFn<Out> reference) {
  const QuantizeVectors v = quantize_vectors(p, p.inverse_scale, 0.0f);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    store16(output + i, quantize4<kXnnpackRounding>(v, input + i),
            quantize4<kXnnpackRounding>(v, input + i + 4),
            quantize4<kXnnpackRounding>(v, input + i + 8),
            quantize4<kXnnpackRounding>(v, input + i + 12));
  }
  if (i < n) reference(p, n - i, input + i, output + i);
}


#else  // 32-bit ARM

constexpr float kRoundingBias = 12582912.0f;  // 1.5 * 2^23

bool within_exact_range(float s) {
  const float a = std::fabs(s);
  return a >= 0x1.0p-100f && a <= 0x1.0p100f;
}

bool armv7_quantize_is_exact(const ref::QuantizeParams& p) {
  const int32_t bound = 1 << 20;  // the clamped values stay far below 2^22
  return within_exact_range(p.xnnpack_rounding ? p.inverse_scale : p.scale) &&
         p.qmin - p.zero_point > -bound && p.qmax - p.zero_point < bound;
}

// Clamped values (|q| < 2^22) rounded to integers, ties to even, as int32.
int32x4_t round_to_even(float32x4_t q) {
  const float32x4_t biased = vaddq_f32(q, vdupq_n_f32(kRoundingBias));
  return vsubq_s32(vreinterpretq_s32_f32(biased),
                   vreinterpretq_s32_f32(vdupq_n_f32(kRoundingBias)));
}

// XNNPACK's rounding: x * inverse_scale, ties to even.
template <typename Out>
void quantize_xnnpack(const ref::QuantizeParams& p, size_t n, const float* input, Out* output,
                      ref::QuantizeFn<Out> reference) {
  const QuantizeVectors v = quantize_vectors(p, p.inverse_scale, 0.0f);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    int32x4_t q[4];
    for (int k = 0; k < 4; ++k) {
      const float32x4_t x = vld1q_f32(input + i + 4 * k);
      q[k] = vaddq_s32(round_to_even(clamp_not_nan(vmulq_f32(x, v.multiplier), v)), v.zero_point);
    }
    store16(output + i, q[0], q[1], q[2], q[3]);
  }
  if (i < n) reference(p, n - i, input + i, output + i);
}

// TFLite's rounding: clamp(round(x / scale)) for four values, from
// x * fl(1 / scale) clamped to [lo - 1, hi + 1]; false when one of them lies
// within `tolerance` of a half-integer (the caller then runs the reference).
bool quantize4_tflite(const QuantizeVectors& v, int32x4_t lo, int32x4_t hi,
                      float32x4_t tolerance, const float* input, int32x4_t* out) {
  const float32x4_t q = clamp_not_nan(vmulq_f32(vld1q_f32(input), v.multiplier), v);
  const int32x4_t nearest = round_to_even(q);
  const float32x4_t distance = vabsq_f32(vsubq_f32(q, vcvtq_f32_s32(nearest)));  // exact
  const uint32x4_t near_tie = vcgeq_f32(distance, vsubq_f32(vdupq_n_f32(0.5f), tolerance));
  const uint32x2_t any = vorr_u32(vget_low_u32(near_tie), vget_high_u32(near_tie));
  if (vget_lane_u32(vpmax_u32(any, any), 0) != 0) return false;
  *out = vaddq_s32(vminq_s32(vmaxq_s32(nearest, lo), hi), v.zero_point);
  return true;
}

template <typename Out>
void quantize_tflite(const ref::QuantizeParams& p, size_t n, const float* input, Out* output,
                     ref::QuantizeFn<Out> reference) {
  const QuantizeVectors v = quantize_vectors(p, 1.0f / p.scale, 1.0f);
  const int32x4_t lo = vdupq_n_s32(p.qmin - p.zero_point);
  const int32x4_t hi = vdupq_n_s32(p.qmax - p.zero_point);
  // The widest clamped magnitude, |lo - 1| or |hi + 1|.
  const float bound =
      std::fmax(std::fabs(vgetq_lane_f32(v.lo, 0)), std::fabs(vgetq_lane_f32(v.hi, 0)));
  const float32x4_t tolerance = vdupq_n_f32(bound * 0x1.0p-20f);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    int32x4_t q[4];
    bool vectorized = true;
    for (int k = 0; k < 4 && vectorized; ++k) {
      vectorized = quantize4_tflite(v, lo, hi, tolerance, input + i + 4 * k, &q[k]);
    }
    if (vectorized) {
      store16(output + i, q[0], q[1], q[2], q[3]);
    } else {
      reference(p, 16, input + i, output + i);
    }
  }
  if (i < n) reference(p, n - i, input + i, output + i);
}

template <bool kXnnpackRounding, typename Out>
void quantize(const ref::QuantizeParams& p, size_t n, const float* input, Out* output,
              ref::QuantizeFn<Out> reference) {
  if (!armv7_quantize_is_exact(p)) {
    reference(p, n, input, output);
  } else if (kXnnpackRounding) {
    quantize_xnnpack(p, n, input, output, reference);
  } else {
    quantize_tflite(p, n, input, output, reference);
  }
}

#endif

// Eight bytes of In as eight int16.
template <typename In>
int16x8_t load8_as_int16(const In* p) {
  if constexpr (std::is_signed<In>::value) {
    return vmovl_s8(vld1_s8(p));
  } else {
    return vreinterpretq_s16_u16(vmovl_u8(vld1_u8(p)));
  }
}

// The float product float(scale) * (q - zp) (see dequantize_is_float_product);
// on 32-bit ARM also a normal scale or 0, so no subnormal is flushed (every
// nonzero product is at least |scale|).
template <typename In>
void dequantize(const ref::DequantizeParams& p, size_t n, const In* input, float* output,
                ref::DequantizeFn<In> reference) {
  const float s = static_cast<float>(p.scale);
  bool exact = dequantize_is_float_product(p);
#if !defined(__aarch64__)
  exact = exact && (s == 0.0f || std::fabs(s) >= 0x1.0p-126f);
#endif
  size_t i = 0;
  if (exact) {
    const int32x4_t zero_point = vdupq_n_s32(p.zero_point);
    const float32x4_t scale = vdupq_n_f32(s);
    for (; i + 8 <= n; i += 8) {
      const int16x8_t q = load8_as_int16(input + i);
      const int32x4_t low = vsubq_s32(vmovl_s16(vget_low_s16(q)), zero_point);
      const int32x4_t high = vsubq_s32(vmovl_s16(vget_high_s16(q)), zero_point);
      vst1q_f32(output + i, vmulq_f32(vcvtq_f32_s32(low), scale));
      vst1q_f32(output + i + 4, vmulq_f32(vcvtq_f32_s32(high), scale));
    }
  }
  if (i < n) reference(p, n - i, input + i, output + i);
}

}  // namespace
}  // namespace quantize_neon
}  // namespace lowbit

// The entry points of an ISA tag (neon or armv7neon).
#define LOWBIT_DEFINE_QUANTIZE_FLOAT_NEON(isa) \
  LOWBIT_DEFINE_QUANTIZE_FLOAT_ENTRIES(isa, quantize_neon::quantize, quantize_neon::dequantize)
