// f32_gemm (kernels/reference/f32_conv.h) in AVX2 with FMA: each row of a
// against four weight rows at a time, eight depths per step in four vector
// accumulators, then horizontal sums, the scalar depth tail, bias and clamp.
#include <immintrin.h>

#include "kernels/f32_float.h"
#include "kernels/f32_gemm_blocks.h"

namespace lowbit {
namespace {

float horizontal_sum(__m256 v) {
  const __m128 quad = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 pair = _mm_add_ps(quad, _mm_movehl_ps(quad, quad));
  return _mm_cvtss_f32(_mm_add_ss(pair, _mm_movehdup_ps(pair)));
}

// Dot products of `row` with `Rows` weight rows (k floats each, `w` first).
struct Dot {
  template <int Rows>
  static void rows(const float* row, const float* w, size_t k, float* sums) {
    __m256 acc[Rows];
    for (int r = 0; r < Rows; ++r) acc[r] = _mm256_setzero_ps();
    size_t d = 0;
    for (; d + 8 <= k; d += 8) {
      const __m256 x = _mm256_loadu_ps(row + d);
      for (int r = 0; r < Rows; ++r) {
        acc[r] = _mm256_fmadd_ps(x, _mm256_loadu_ps(w + r * k + d), acc[r]);
      }
    }
    for (int r = 0; r < Rows; ++r) {
      float sum = horizontal_sum(acc[r]);
      for (size_t t = d; t < k; ++t) sum += row[t] * w[r * k + t];
      sums[r] = sum;
    }
  }
};

}  // namespace

void f32_gemm__avx2(const ref::F32GemmParams& p, const float* a, const float* w,
                    const float* bias, float* c) {
  f32_gemm_in_blocks<Dot>(p, a, w, bias, c);
}

}  // namespace lowbit
