// f32_dwconv2d (kernels/reference/f32_conv.h) in aarch64 NEON for depth
// multiplier 1: four channels at a time through the shared loop
// (kernels/f32_dwconv_taps.h), the reference's bits (separate FMUL and FADD;
// aarch64 NEON keeps subnormals; armv7's flushes them: f32_dwconv_armv7neon.cpp).
#include <arm_neon.h>

#include "kernels/f32_dwconv_taps.h"
#include "kernels/f32_float.h"

namespace lowbit {
namespace {

struct NeonLanes {
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

}  // namespace

void f32_dwconv2d__neon(const ref::F32ConvParams& p, const float* input, const float* weights,
                        const float* bias, float* output) {
  f32_dwconv2d_in_lanes<NeonLanes>(p, input, weights, bias, output);
}

}  // namespace lowbit
