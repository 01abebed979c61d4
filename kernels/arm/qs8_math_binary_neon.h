// int8/uint8 PRELU and int8 SQUARED_DIFFERENCE with NEON, eight outputs per
// step as two vectors of four int32 lanes, one source for aarch64
// (qs8_math_binary_neon.cpp) and 32-bit ARM (qs8_math_binary_armv7neon.cpp),
// bit-exact with kernels/reference/qs8_math.cpp: TFLite's
// MultiplyByQuantizedMultiplier is neon::requant_double_rounding (ties away
// from zero) lane for lane. Runs with strides 0 or 1 are vectorised; other
// strides and each run's tail go through the reference.
#pragma once

#include <arm_neon.h>

#include "kernels/arm/qs8_requant_neon.h"
#include "kernels/qs8_math.h"

namespace lowbit {
namespace math_neon {
namespace {

constexpr size_t kStep = 8;

// Eight values from x (stride 1) or one repeated (stride 0), XOR flip,
// widened to int16.
inline int16x8_t widen8(const int8_t* x, size_t stride, uint8_t flip) {
  const int8x8_t flips = vreinterpret_s8_u8(vdup_n_u8(flip));
  const int8x8_t v = stride == 0 ? vdup_n_s8(*x) : vld1_s8(x);
  return vmovl_s8(veor_s8(v, flips));
}

// The low or high four lanes of v minus the zero point, as int32.
inline int32x4_t centered_low(int16x8_t v, int32x4_t zero_point) {
  return vsubq_s32(vmovl_s16(vget_low_s16(v)), zero_point);
}
inline int32x4_t centered_high(int16x8_t v, int32x4_t zero_point) {
  return vsubq_s32(vmovl_s16(vget_high_s16(v)), zero_point);
}

struct Rescale {
  int32x4_t multiplier, shift;
  explicit Rescale(const ref::QuantizedMultiplier& m)
      : multiplier(vdupq_n_s32(m.multiplier)), shift(vdupq_n_s32(m.shift)) {}
  int32x4_t operator()(int32x4_t v) const {
    return neon::requant_double_rounding(v, multiplier, shift);
  }
};

// r + zero_point (wrapping as the reference's int32 addition), clamped to
// int8 by the saturating narrows, XOR flip, stored as eight bytes.
inline void store8(int32x4_t low, int32x4_t high, int32x4_t zero_point, uint8_t flip,
                   int8_t* out) {
  const int16x8_t wide = vcombine_s16(vqmovn_s32(vaddq_s32(low, zero_point)),
                                      vqmovn_s32(vaddq_s32(high, zero_point)));
  vst1_s8(out, veor_s8(vqmovn_s16(wide), vreinterpret_s8_u8(vdup_n_u8(flip))));
}

inline int32x4_t prelu4(int32x4_t v, int32x4_t a, const Rescale& positive,
                        const Rescale& negative) {
  const uint32x4_t below = vcltq_s32(v, vdupq_n_s32(0));
  return vbslq_s32(below, negative(vmulq_s32(v, a)), positive(v));
}

inline void prelu(const ref::Qs8PreluParams& p, size_t n, const int8_t* x, size_t x_stride,
                  const int8_t* alpha, size_t alpha_stride, int8_t* output) {
  const Rescale positive(p.positive), negative(p.negative);
  const int32x4_t x_zp = vdupq_n_s32(p.input_zero_point);
  const int32x4_t alpha_zp = vdupq_n_s32(p.alpha_zero_point);
  const int32x4_t out_zp = vdupq_n_s32(p.output_zero_point);
  ref::binary_steps<kStep>(
      p, n, x, x_stride, alpha, alpha_stride, output, ref::qs8_prelu__reference,
      [&](const int8_t* xs, const int8_t* alphas, int8_t* out) {
        const int16x8_t v = widen8(xs, x_stride, p.sign_flip);
        const int16x8_t a = widen8(alphas, alpha_stride, p.sign_flip);
        store8(prelu4(centered_low(v, x_zp), centered_low(a, alpha_zp), positive, negative),
               prelu4(centered_high(v, x_zp), centered_high(a, alpha_zp), positive, negative),
               out_zp, p.sign_flip, out);
      });
}

inline void squared_difference(const ref::Qs8SquaredDifferenceParams& p, size_t n,
                               const int8_t* a, size_t a_stride, const int8_t* b,
                               size_t b_stride, int8_t* output) {
  const Rescale a_rescale(p.a), b_rescale(p.b), out_rescale(p.output);
  const int32x4_t a_zp = vdupq_n_s32(p.a_zero_point);
  const int32x4_t b_zp = vdupq_n_s32(p.b_zero_point);
  const int32x4_t out_zp = vdupq_n_s32(p.output_zero_point);
  // Lifted by 2^7 onto the common scale, as the reference.
  auto square = [&](int32x4_t ca, int32x4_t cb) {
    const int32x4_t diff = vsubq_s32(a_rescale(vshlq_n_s32(ca, 7)), b_rescale(vshlq_n_s32(cb, 7)));
    return out_rescale(vmulq_s32(diff, diff));
  };
  ref::binary_steps<kStep>(
      p, n, a, a_stride, b, b_stride, output, ref::qs8_squared_difference__reference,
      [&](const int8_t* as, const int8_t* bs, int8_t* out) {
        const int16x8_t va = widen8(as, a_stride, 0);
        const int16x8_t vb = widen8(bs, b_stride, 0);
        store8(square(centered_low(va, a_zp), centered_low(vb, b_zp)),
               square(centered_high(va, a_zp), centered_high(vb, b_zp)), out_zp, 0, out);
      });
}

}  // namespace
}  // namespace math_neon
}  // namespace lowbit

// Defines qs8_prelu__<isa> and qs8_squared_difference__<isa> in the one file
// per ISA that includes this.
#define LOWBIT_DEFINE_QS8_MATH_BINARY_NEON(isa)                                                \
  void lowbit::qs8_prelu__##isa(const ref::Qs8PreluParams& p, size_t n, const int8_t* x,       \
                                size_t x_stride, const int8_t* alpha, size_t alpha_stride,    \
                                int8_t* output) {                                             \
    math_neon::prelu(p, n, x, x_stride, alpha, alpha_stride, output);                         \
  }                                                                                           \
  void lowbit::qs8_squared_difference__##isa(const ref::Qs8SquaredDifferenceParams& p,        \
                                             size_t n, const int8_t* a, size_t a_stride,     \
                                             const int8_t* b, size_t b_stride,               \
                                             int8_t* output) {                               \
    math_neon::squared_difference(p, n, a, a_stride, b, b_stride, output);                    \
  }
