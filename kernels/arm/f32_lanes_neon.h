// NEON lanes of the float element-wise and pooling loops
// (kernels/f32_elementwise_loops.h, kernels/f32_pool_loops.h): four floats,
// for aarch64 (the neon rows) and 32-bit ARM (the armv7neon rows). 32-bit
// NEON has no fused multiply-add (-mfpu=neon), no vector division (done lane
// by lane in VFP, which rounds as the reference) and flushes subnormals.
#pragma once

#include <arm_neon.h>

#include <cstddef>

namespace lowbit {

struct F32NeonLanes {
  using V = float32x4_t;
  using Mask = uint32x4_t;
  static constexpr size_t kLanes = 4;
  static V load(const float* p) { return vld1q_f32(p); }
  static void store(float* p, V x) { vst1q_f32(p, x); }
  static V set1(float x) { return vdupq_n_f32(x); }
  static V zero() { return vdupq_n_f32(0.0f); }
  static V add(V x, V y) { return vaddq_f32(x, y); }
  static V sub(V x, V y) { return vsubq_f32(x, y); }
  static V mul(V x, V y) { return vmulq_f32(x, y); }
#if defined(__aarch64__)
  static V div(V x, V y) { return vdivq_f32(x, y); }
  static V fmadd(V x, V y, V z) { return vfmaq_f32(z, x, y); }
  static float reduce_add(V x) { return vaddvq_f32(x); }
  static float reduce_max(V x) { return vmaxvq_f32(x); }
#else
  static V div(V x, V y) {
    float a[4], b[4];
    vst1q_f32(a, x);
    vst1q_f32(b, y);
    for (int i = 0; i < 4; ++i) a[i] /= b[i];
    return vld1q_f32(a);
  }
  static V fmadd(V x, V y, V z) { return vmlaq_f32(z, x, y); }
  static float reduce_add(V x) {
    const float32x2_t s = vadd_f32(vget_low_f32(x), vget_high_f32(x));
    return vget_lane_f32(vpadd_f32(s, s), 0);
  }
  static float reduce_max(V x) {
    const float32x2_t m = vmax_f32(vget_low_f32(x), vget_high_f32(x));
    return vget_lane_f32(vpmax_f32(m, m), 0);
  }
#endif
  static V max(V x, V y) { return vmaxq_f32(x, y); }
  // The reference's std::max(acc, v) by compare and select: acc unless
  // acc < v, so NaNs and the signs of equal zeros come out as there.
  static V max_tap(V acc, V v) { return vbslq_f32(vcltq_f32(acc, v), v, acc); }
  // The reference's min(max(x, lo), hi): x unless below lo (above hi).
  static V clamp(V x, V lo, V hi) {
    x = vbslq_f32(vcltq_f32(x, lo), lo, x);
    return vbslq_f32(vcltq_f32(hi, x), hi, x);
  }
  static V abs(V x) { return vabsq_f32(x); }
  static Mask less(V x, V y) { return vcltq_f32(x, y); }
  static Mask is_nan(V x) { return vmvnq_u32(vceqq_f32(x, x)); }
  static V select(Mask m, V if_set, V otherwise) { return vbslq_f32(m, if_set, otherwise); }
  // The float whose bits are t's shifted left by 23 (2^n from n + 127).
  static V shift_to_exponent(V t) {
    return vreinterpretq_f32_s32(vshlq_n_s32(vreinterpretq_s32_f32(t), 23));
  }
};

}  // namespace lowbit
