// The float dot products in LiteRT's order (kernels/f32_dot4.h) on aarch64,
// whose NEON keeps subnormals as the scalar code does (FMUL then FADD, never
// FMLA; the loop: kernels/f32_dot4_loop.h).
#include <arm_neon.h>

#include "kernels/f32_dot4.h"
#include "kernels/f32_dot4_loop.h"

namespace lowbit {
namespace {

struct NeonLanes {
  using Reg = float32x4_t;
  static Reg zero() { return vdupq_n_f32(0.0f); }
  static Reg mul_add(Reg sum, const float* a, const float* b) {
    return vaddq_f32(sum, vmulq_f32(vld1q_f32(a), vld1q_f32(b)));
  }
  static void store(float* out, Reg lanes) { vst1q_f32(out, lanes); }
};

}  // namespace

void f32_dot4__neon(size_t rows, size_t cols, const float* a, const float* b, size_t b_stride,
                    float* out) {
  f32_dot4_loop::rows<NeonLanes>(rows, cols, a, b, b_stride, out);
}

}  // namespace lowbit
