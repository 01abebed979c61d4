// f32_igemm (kernels/f32_igemm.h) in aarch64 NEON: 6 rows x 8 channels,
// twelve FMLA accumulators, two weight vectors and one broadcast per depth.
#include <arm_neon.h>

#include "kernels/f32_igemm.h"
#include "kernels/f32_igemm_tile.h"

namespace lowbit {
namespace {

struct Neon {
  using T = float32x4_t;
  static constexpr size_t kLanes = 4;
  static T load(const float* p) { return vld1q_f32(p); }
  static void store(float* p, T x) { vst1q_f32(p, x); }
  static T set1(float x) { return vdupq_n_f32(x); }
  static T fma(T a, T b, T acc) { return vfmaq_f32(acc, a, b); }
  // Compare and select: x unless it is below lo (above hi), so NaN stays NaN
  // as in the reference's std::min(std::max(x, lo), hi).
  static T clamp(T x, T lo, T hi) {
    x = vbslq_f32(vcltq_f32(x, lo), lo, x);
    return vbslq_f32(vcltq_f32(hi, x), hi, x);
  }
};

}  // namespace

void f32_igemm_6x8__neon(size_t mr, size_t nc, size_t taps, size_t kc, const float* const* a,
                         const float* packed, float* c, size_t c_stride, float out_min,
                         float out_max) {
  f32_igemm_rows<Neon, 6, 2>(mr, nc, taps, kc, a, packed, c, c_stride, out_min, out_max);
}

}  // namespace lowbit
