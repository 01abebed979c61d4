// The float dot products in LiteRT's order (kernels/f32_dot4.h) on x86-64:
// four rows at a time for independent chains, each row's four lane sums in
// an SSE register, then summed lane by lane and the tail added in scalar
// code, exactly as ref::dot_f32_4lanes.
#include <immintrin.h>

#include "kernels/f32_dot4.h"

namespace lowbit {
namespace {

// The reference's end of a row: 0 + lane 0 + lane 1 + lane 2 + lane 3, then
// the last cols % 4 products one by one.
inline float finish(__m128 lanes, const float* a, const float* b, size_t whole, size_t cols) {
  alignas(16) float l[4];
  _mm_store_ps(l, lanes);
  float sum = 0.0f;
  for (float v : l) sum += v;
  for (size_t i = whole; i < cols; ++i) sum += a[i] * b[i];
  return sum;
}

inline __m128 mul(const float* a, const float* b) {
  return _mm_mul_ps(_mm_loadu_ps(a), _mm_loadu_ps(b));
}

}  // namespace

void f32_dot4__avx2(size_t rows, size_t cols, const float* a, const float* b, size_t b_stride,
                    float* out) {
  const size_t whole = cols / 4 * 4;
  size_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    const float* a0 = a + r * cols;
    const float* a1 = a0 + cols;
    const float* a2 = a1 + cols;
    const float* a3 = a2 + cols;
    const float* b0 = b + r * b_stride;
    const float* b1 = b0 + b_stride;
    const float* b2 = b1 + b_stride;
    const float* b3 = b2 + b_stride;
    __m128 s0 = _mm_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    for (size_t i = 0; i < whole; i += 4) {
      s0 = _mm_add_ps(s0, mul(a0 + i, b0 + i));
      s1 = _mm_add_ps(s1, mul(a1 + i, b1 + i));
      s2 = _mm_add_ps(s2, mul(a2 + i, b2 + i));
      s3 = _mm_add_ps(s3, mul(a3 + i, b3 + i));
    }
    out[r] = finish(s0, a0, b0, whole, cols);
    out[r + 1] = finish(s1, a1, b1, whole, cols);
    out[r + 2] = finish(s2, a2, b2, whole, cols);
    out[r + 3] = finish(s3, a3, b3, whole, cols);
  }
  for (; r < rows; ++r) {
    const float* ar = a + r * cols;
    const float* br = b + r * b_stride;
    __m128 s = _mm_setzero_ps();
    for (size_t i = 0; i < whole; i += 4) s = _mm_add_ps(s, mul(ar + i, br + i));
    out[r] = finish(s, ar, br, whole, cols);
  }
}

}  // namespace lowbit
