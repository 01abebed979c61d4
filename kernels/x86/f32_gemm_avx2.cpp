// f32_gemm (kernels/reference/f32_conv.h) in AVX2 with FMA: each row of a
// against four weight rows at a time, eight depths per step in four vector
// accumulators, then horizontal sums, the scalar depth tail, bias and clamp.
#include <immintrin.h>

#include <algorithm>

#include "kernels/f32_float.h"

namespace lowbit {
namespace {

float horizontal_sum(__m256 v) {
  const __m128 quad = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 pair = _mm_add_ps(quad, _mm_movehl_ps(quad, quad));
  return _mm_cvtss_f32(_mm_add_ss(pair, _mm_movehdup_ps(pair)));
}

// Dot products of `row` with `Rows` weight rows (k floats each, `w` first).
template <int Rows>
void dot_rows(const float* row, const float* w, size_t k, float* sums) {
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

}  // namespace

void f32_gemm__avx2(const ref::F32GemmParams& p, const float* a, const float* w,
                    const float* bias, float* c) {
  for (size_t i = 0; i < p.m; ++i) {
    const float* row = a + i * p.a_stride;
    float* out = c + i * p.c_stride;
    size_t j = 0;
    float sums[4];
    for (; j + 4 <= p.n; j += 4) {
      dot_rows<4>(row, w + j * p.k, p.k, sums);
      for (int r = 0; r < 4; ++r) {
        const float value = sums[r] + (bias != nullptr ? bias[j + r] : 0.0f);
        out[j + r] = std::min(std::max(value, p.out_min), p.out_max);
      }
    }
    for (; j < p.n; ++j) {
      dot_rows<1>(row, w + j * p.k, p.k, sums);
      const float value = sums[0] + (bias != nullptr ? bias[j] : 0.0f);
      out[j] = std::min(std::max(value, p.out_min), p.out_max);
    }
  }
}

}  // namespace lowbit
