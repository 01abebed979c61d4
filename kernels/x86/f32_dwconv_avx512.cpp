// f32_dwconv2d (kernels/reference/f32_conv.h) in AVX-512 for depth
// multiplier 1: sixteen channels at a time through the shared loop
// (kernels/f32_dwconv_taps.h), the last ones under a mask; the reference's
// bits (separate multiply and add, no FMA).
#include <immintrin.h>

#include "kernels/f32_dwconv_taps.h"
#include "kernels/f32_float.h"

namespace lowbit {
namespace {

struct Avx512Lanes {
  static constexpr bool kPartial = true;
  static constexpr int32_t kLanes = 16;
  static __m512 zero() { return _mm512_setzero_ps(); }
  static __m512 load(const float* p) { return _mm512_loadu_ps(p); }
  static __m512 add(__m512 x, __m512 y) { return _mm512_add_ps(x, y); }
  static __m512 mul(__m512 x, __m512 y) { return _mm512_mul_ps(x, y); }
  static __mmask16 mask(int32_t n) { return __mmask16((1u << n) - 1u); }
  // Masked-off lanes load zeros and are never stored.
  static __m512 load_partial(const float* p, int32_t n) {
    return _mm512_maskz_loadu_ps(mask(n), p);
  }
  // max(lo, x) and min(hi, x) return x when it is NaN.
  static __m512 clamp(__m512 x, float lo, float hi) {
    return _mm512_min_ps(_mm512_set1_ps(hi), _mm512_max_ps(_mm512_set1_ps(lo), x));
  }
  static void store_clamped(float* out, __m512 x, float lo, float hi) {
    _mm512_storeu_ps(out, clamp(x, lo, hi));
  }
  static void store_clamped_partial(float* out, __m512 x, float lo, float hi, int32_t n) {
    _mm512_mask_storeu_ps(out, mask(n), clamp(x, lo, hi));
  }
};

}  // namespace

void f32_dwconv2d__avx512(const ref::F32ConvParams& p, const float* input, const float* weights,
                          const float* bias, float* output) {
  f32_dwconv2d_in_lanes<Avx512Lanes>(p, input, weights, bias, output);
}

}  // namespace lowbit
