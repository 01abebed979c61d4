// The four-lane NEON vector type of the float depthwise rows
// (kernels/f32_dwconv_taps.h), the same intrinsics on aarch64 and armv7: a
// separate multiply and add in the reference's tap order. aarch64 NEON keeps
// subnormals (the reference's bits); armv7 NEON flushes them to zero, so
// values that meet one can differ there.
#pragma once

#include <arm_neon.h>

#include <cstdint>

namespace lowbit {

struct F32DwconvNeonLanes {
  static constexpr bool kPartial = false;
  static constexpr int32_t kLanes = 4;
  static float32x4_t zero() { return vdupq_n_f32(0.0f); }
  static float32x4_t load(const float* p) { return vld1q_f32(p); }
  static float32x4_t add(float32x4_t x, float32x4_t y) { return vaddq_f32(x, y); }
  static float32x4_t mul(float32x4_t x, float32x4_t y) { return vmulq_f32(x, y); }
  // FMAX/FMIN would turn a NaN into NaN too, but compare-and-select keeps the
  // reference's rule exactly: x unless it is below lo (above hi).
  static void store_clamped(float* out, float32x4_t x, float lo, float hi) {
    const float32x4_t vlo = vdupq_n_f32(lo), vhi = vdupq_n_f32(hi);
    x = vbslq_f32(vcltq_f32(x, vlo), vlo, x);
    vst1q_f32(out, vbslq_f32(vcltq_f32(vhi, x), vhi, x));
  }
};

}  // namespace lowbit
