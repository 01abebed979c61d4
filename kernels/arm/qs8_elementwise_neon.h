// int8 ADD (SUB: ADD with b's multiplier negated) and MUL with NEON, eight
// outputs per step, one source for aarch64 (qs8_elementwise_neon.cpp) and
// 32-bit ARM (qs8_elementwise_armv7neon.cpp). Bit-exact with
// kernels/reference/qs8_elementwise.cpp in every profile: the fixed-point
// rescales are kernels/arm/qs8_requant_neon.h's (exact for either sign of a
// multiplier), XNNPACK's ADD rule is integer arithmetic. Strides other than
// 0 and 1, and each run's last n % 8 outputs, go through the reference.
#pragma once

#include <arm_neon.h>

#include <cstring>

#include "kernels/arm/qs8_requant_neon.h"
#include "kernels/qs8_elementwise.h"

namespace lowbit {
namespace elementwise_neon {
namespace {

constexpr size_t kStep = 8;

// Eight inputs minus their zero point as two int32x4: contiguous (stride 1)
// or one value repeated (stride 0), each byte sign-flipped first.
struct Input8 {
  const int8_t* data;
  size_t stride;
  int32x4_t zero_point;
  int8x8_t flip;

  void at(size_t i, int32x4_t* lo, int32x4_t* hi) const {
    const int8x8_t bytes = stride == 0 ? vdup_n_s8(data[0]) : vld1_s8(data + i);
    const int16x8_t wide = vmovl_s8(veor_s8(bytes, flip));
    *lo = vsubq_s32(vmovl_s16(vget_low_s16(wide)), zero_point);
    *hi = vsubq_s32(vmovl_s16(vget_high_s16(wide)), zero_point);
  }
};

// Limits to +-kRequantizedLimit (the reference's clamp before the zero point,
// which keeps the addition from overflowing), adds the zero point, clamps to
// the activation range, flips and stores eight bytes.
struct Store8 {
  int32x4_t zero_point, lo, hi;
  int8x8_t flip;

  int32x4_t finish(int32x4_t v) const {
    v = vmaxq_s32(v, vdupq_n_s32(-ref::kRequantizedLimit));
    v = vminq_s32(v, vdupq_n_s32(ref::kRequantizedLimit));
    return vminq_s32(vmaxq_s32(vaddq_s32(v, zero_point), lo), hi);
  }
  void operator()(int32x4_t v_lo, int32x4_t v_hi, int8_t* out) const {
    // In int8 range after the clamp, so the saturating narrows are exact.
    const int8x8_t bytes =
        vqmovn_s16(vcombine_s16(vqmovn_s32(finish(v_lo)), vqmovn_s32(finish(v_hi))));
    vst1_s8(out, veor_s8(bytes, flip));
  }
};

inline Store8 make_store(int32_t zero_point, int32_t act_min, int32_t act_max, int8x8_t flip) {
  return Store8{vdupq_n_s32(zero_point), vdupq_n_s32(act_min), vdupq_n_s32(act_max), flip};
}

// One fixed-point rescale in the parameters' profile.
struct Rescale {
  int32x4_t multiplier, shift;
  RequantProfile profile;

  int32x4_t operator()(int32x4_t acc) const {
    if (profile == RequantProfile::kSingleRounding) {
      return neon::requant_single_rounding(acc, multiplier, shift);
    }
    return neon::requant_double_rounding(acc, multiplier, shift, ref::rounds_half_up(profile));
  }
};

inline Rescale make_rescale(const ref::Requantizer& r, RequantProfile profile) {
  return Rescale{vdupq_n_s32(r.multiplier), vdupq_n_s32(r.shift), profile};
}

// Both inputs and the store of ADD's or MUL's parameters.
struct Operands {
  Input8 x, y;
  Store8 store;
};

template <typename Params>
Operands operands(const Params& p, const int8_t* a, size_t a_stride, const int8_t* b,
                  size_t b_stride) {
  const int8x8_t flip = vdup_n_s8(static_cast<int8_t>(p.sign_flip));
  return Operands{Input8{a, a_stride, vdupq_n_s32(p.a_zero_point), flip},
                  Input8{b, b_stride, vdupq_n_s32(p.b_zero_point), flip},
                  make_store(p.output_zero_point, p.act_min, p.act_max, flip)};
}

inline void add(const ref::Qs8AddParams& p, size_t n, const int8_t* a, size_t a_stride,
                const int8_t* b, size_t b_stride, int8_t* output) {
  size_t i = 0;
  if (a_stride <= 1 && b_stride <= 1) {
    const Operands io = operands(p, a, a_stride, b, b_stride);
    int32x4_t xl, xh, yl, yh;
    if (p.profile == RequantProfile::kXnnpackFp32) {
      const int32x4_t a_m = vdupq_n_s32(p.xnn_a_multiplier);
      const int32x4_t b_m = vdupq_n_s32(p.xnn_b_multiplier);
      // A rounding right shift by xnn_shift: (acc + 2^(shift-1)) >> shift,
      // and the sum stays within +-2^30 (see the reference), so no saturation.
      const int32x4_t right = vdupq_n_s32(-p.xnn_shift);
      for (; i + kStep <= n; i += kStep) {
        io.x.at(i, &xl, &xh);
        io.y.at(i, &yl, &yh);
        io.store(vrshlq_s32(vmlaq_s32(vmulq_s32(xl, a_m), yl, b_m), right),
              vrshlq_s32(vmlaq_s32(vmulq_s32(xh, a_m), yh, b_m), right), output + i);
      }
    } else {
      const Rescale ra = make_rescale(p.a, p.profile), rb = make_rescale(p.b, p.profile);
      const Rescale ro = make_rescale(p.output, p.profile);
      const int32x4_t lift = vdupq_n_s32(p.left_shift);
      for (; i + kStep <= n; i += kStep) {
        io.x.at(i, &xl, &xh);
        io.y.at(i, &yl, &yh);
        const int32x4_t sum_lo = vaddq_s32(ra(vshlq_s32(xl, lift)), rb(vshlq_s32(yl, lift)));
        const int32x4_t sum_hi = vaddq_s32(ra(vshlq_s32(xh, lift)), rb(vshlq_s32(yh, lift)));
        io.store(ro(sum_lo), ro(sum_hi), output + i);
      }
    }
  }
  if (i < n) {
    ref::qs8_add__reference(p, n - i, a + i * a_stride, a_stride, b + i * b_stride, b_stride,
                            output + i);
  }
}

inline void mul(const ref::Qs8MulParams& p, size_t n, const int8_t* a, size_t a_stride,
                const int8_t* b, size_t b_stride, int8_t* output) {
  size_t i = 0;
  if (a_stride <= 1 && b_stride <= 1) {
    const Operands io = operands(p, a, a_stride, b, b_stride);
    const float32x4_t scale = vdupq_n_f32(p.output.scale);
    const Rescale ro = make_rescale(p.output, p.profile);
    const bool fp32 = p.profile == RequantProfile::kXnnpackFp32;
    int32x4_t xl, xh, yl, yh;
    for (; i + kStep <= n; i += kStep) {
      io.x.at(i, &xl, &xh);
      io.y.at(i, &yl, &yh);
      const int32x4_t lo = vmulq_s32(xl, yl), hi = vmulq_s32(xh, yh);
      if (fp32) {
        io.store(neon::requant_fp32(lo, scale), neon::requant_fp32(hi, scale), output + i);
      } else {
        io.store(ro(lo), ro(hi), output + i);
      }
    }
  }
  if (i < n) {
    ref::qs8_mul__reference(p, n - i, a + i * a_stride, a_stride, b + i * b_stride, b_stride,
                            output + i);
  }
}

}  // namespace
}  // namespace elementwise_neon
}  // namespace lowbit

// Defines qs8_add__<isa> and qs8_mul__<isa> (kernels/qs8_elementwise.h).
#define LOWBIT_DEFINE_QS8_ELEMENTWISE_NEON(isa)                                              \
  namespace lowbit {                                                                         \
  void qs8_add__##isa(const ref::Qs8AddParams& p, size_t n, const int8_t* a,                 \
                      size_t a_stride, const int8_t* b, size_t b_stride, int8_t* output) {   \
    elementwise_neon::add(p, n, a, a_stride, b, b_stride, output);                           \
  }                                                                                          \
  void qs8_mul__##isa(const ref::Qs8MulParams& p, size_t n, const int8_t* a,                 \
                      size_t a_stride, const int8_t* b, size_t b_stride, int8_t* output) {   \
    elementwise_neon::mul(p, n, a, a_stride, b, b_stride, output);                           \
  }                                                                                          \
  }
