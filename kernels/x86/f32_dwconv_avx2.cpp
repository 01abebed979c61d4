// f32_dwconv2d (kernels/reference/f32_conv.h) in AVX2 for depth multiplier 1:
// eight channels at a time through the shared loop (kernels/f32_dwconv_taps.h),
// the reference's bits (no FMA).
#include <immintrin.h>

#include "kernels/f32_dwconv_taps.h"
#include "kernels/f32_float.h"

namespace lowbit {
namespace {

struct Avx2Lanes {
  static constexpr bool kPartial = false;
  static constexpr int32_t kLanes = 8;
  static __m256 zero() { return _mm256_setzero_ps(); }
  static __m256 load(const float* p) { return _mm256_loadu_ps(p); }
  static __m256 add(__m256 x, __m256 y) { return _mm256_add_ps(x, y); }
  static __m256 mul(__m256 x, __m256 y) { return _mm256_mul_ps(x, y); }
  // max(lo, x) and min(hi, x) return x when it is NaN.
  static void store_clamped(float* out, __m256 x, float lo, float hi) {
    x = _mm256_max_ps(_mm256_set1_ps(lo), x);
    _mm256_storeu_ps(out, _mm256_min_ps(_mm256_set1_ps(hi), x));
  }
};

}  // namespace

void f32_dwconv2d__avx2(const ref::F32ConvParams& p, const float* input, const float* weights,
                        const float* bias, float* output) {
  f32_dwconv2d_in_lanes<Avx2Lanes>(p, input, weights, bias, output);
}

}  // namespace lowbit
