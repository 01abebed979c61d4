// f32_gemm (kernels/reference/f32_conv.h) in aarch64 NEON: each row of a
// against four weight rows at a time, four depths per step in four fused
// multiply-add accumulators, then across-lane sums, the scalar depth tail,
// bias and clamp. (32-bit ARM runs the reference: armv7 NEON has no vector
// FMA without VFPv4 and no across-lane add.)
#include <arm_neon.h>

#include "kernels/f32_float.h"
#include "kernels/f32_gemm_blocks.h"

namespace lowbit {
namespace {

// Dot products of `row` with `Rows` weight rows (k floats each, `w` first).
struct Dot {
  template <int Rows>
  static void rows(const float* row, const float* w, size_t k, float* sums) {
    float32x4_t acc[Rows];
    for (int r = 0; r < Rows; ++r) acc[r] = vdupq_n_f32(0.0f);
    size_t d = 0;
    for (; d + 4 <= k; d += 4) {
      const float32x4_t x = vld1q_f32(row + d);
      for (int r = 0; r < Rows; ++r) acc[r] = vfmaq_f32(acc[r], x, vld1q_f32(w + r * k + d));
    }
    for (int r = 0; r < Rows; ++r) {
      float sum = vaddvq_f32(acc[r]);
      for (size_t t = d; t < k; ++t) sum += row[t] * w[r * k + t];
      sums[r] = sum;
    }
  }
};

}  // namespace

void f32_gemm__neon(const ref::F32GemmParams& p, const float* a, const float* w,
                    const float* bias, float* c) {
  f32_gemm_in_blocks<Dot>(p, a, w, bias, c);
}

}  // namespace lowbit
