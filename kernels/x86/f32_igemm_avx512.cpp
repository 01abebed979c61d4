// f32_igemm (kernels/f32_igemm.h) in AVX-512F: 7 rows x 32 channels,
// fourteen zmm accumulators, two weight vectors and one broadcast per depth.
// (Layers of at most 8 channels run the AVX2 6 x 8 tile: measured faster on
// a 3x3 stem than 8 x 8 in ymm registers here, 0.13 vs 0.17 ms.)
#include <immintrin.h>

#include "kernels/f32_igemm.h"
#include "kernels/f32_igemm_tile.h"

namespace lowbit {
namespace {

struct Avx512 {
  using T = __m512;
  static constexpr size_t kLanes = 16;
  static T load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, T x) { _mm512_storeu_ps(p, x); }
  static T set1(float x) { return _mm512_set1_ps(x); }
  static T fma(T a, T b, T acc) { return _mm512_fmadd_ps(a, b, acc); }
  // max(lo, x) and min(hi, x) return x when it is NaN.
  static T clamp(T x, T lo, T hi) { return _mm512_min_ps(hi, _mm512_max_ps(lo, x)); }
};

}  // namespace

void f32_igemm_7x32__avx512(size_t mr, size_t nc, size_t taps, size_t kc,
                            const float* const* a, const float* packed, float* c,
                            size_t c_stride, float out_min, float out_max) {
  f32_igemm_rows<Avx512, 7, 2>(mr, nc, taps, kc, a, packed, c, c_stride, out_min, out_max);
}

}  // namespace lowbit
