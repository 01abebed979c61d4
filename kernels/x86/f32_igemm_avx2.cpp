// f32_igemm (kernels/f32_igemm.h) in AVX2 with FMA: 6 rows x 16 channels,
// twelve ymm accumulators, two weight vectors and one broadcast per depth;
// layers of at most 8 channels 6 x 8.
#include <immintrin.h>

#include "kernels/f32_igemm.h"
#include "kernels/f32_igemm_tile.h"

namespace lowbit {
namespace {

struct Avx2 {
  using T = __m256;
  static constexpr size_t kLanes = 8;
  static T load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, T x) { _mm256_storeu_ps(p, x); }
  static T set1(float x) { return _mm256_set1_ps(x); }
  static T fma(T a, T b, T acc) { return _mm256_fmadd_ps(a, b, acc); }
  // max(lo, x) and min(hi, x) return x when it is NaN.
  static T clamp(T x, T lo, T hi) { return _mm256_min_ps(hi, _mm256_max_ps(lo, x)); }
};

}  // namespace

void f32_igemm_6x16__avx2(size_t mr, size_t nc, size_t taps, size_t kc, const float* const* a,
                          const float* packed, float* c, size_t c_stride, float out_min,
                          float out_max) {
  f32_igemm_rows<Avx2, 6, 2>(mr, nc, taps, kc, a, packed, c, c_stride, out_min, out_max);
}

void f32_igemm_6x8__avx2(size_t mr, size_t nc, size_t taps, size_t kc, const float* const* a,
                         const float* packed, float* c, size_t c_stride, float out_min,
                         float out_max) {
  f32_igemm_rows<Avx2, 6, 1>(mr, nc, taps, kc, a, packed, c, c_stride, out_min, out_max);
}

}  // namespace lowbit
