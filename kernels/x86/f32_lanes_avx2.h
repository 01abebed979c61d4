// AVX2 (+FMA) lanes of the float element-wise and pooling loops
// (kernels/f32_elementwise_loops.h, kernels/f32_pool_loops.h): eight floats.
#pragma once

#include <immintrin.h>

#include <cstddef>

namespace lowbit {

struct F32Avx2Lanes {
  using V = __m256;
  using Mask = __m256;
  static constexpr size_t kLanes = 8;
  static V load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, V x) { _mm256_storeu_ps(p, x); }
  static V set1(float x) { return _mm256_set1_ps(x); }
  static V zero() { return _mm256_setzero_ps(); }
  static V add(V x, V y) { return _mm256_add_ps(x, y); }
  static V sub(V x, V y) { return _mm256_sub_ps(x, y); }
  static V mul(V x, V y) { return _mm256_mul_ps(x, y); }
  static V div(V x, V y) { return _mm256_div_ps(x, y); }
  static V fmadd(V x, V y, V z) { return _mm256_fmadd_ps(x, y, z); }
  // MAXPS returns its second operand when either is NaN.
  static V max(V x, V y) { return _mm256_max_ps(x, y); }
  // The reference's std::max(acc, v): acc unless acc < v (so a NaN v is skipped).
  static V max_tap(V acc, V v) { return _mm256_max_ps(v, acc); }
  // The reference's min(max(x, lo), hi): x unless below lo (above hi), NaN kept.
  static V clamp(V x, V lo, V hi) { return _mm256_min_ps(hi, _mm256_max_ps(lo, x)); }
  static V abs(V x) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), x); }
  static Mask less(V x, V y) { return _mm256_cmp_ps(x, y, _CMP_LT_OQ); }
  static Mask is_nan(V x) { return _mm256_cmp_ps(x, x, _CMP_UNORD_Q); }
  static V select(Mask m, V if_set, V otherwise) { return _mm256_blendv_ps(otherwise, if_set, m); }
  // The float whose bits are t's shifted left by 23 (2^n from n + 127).
  static V shift_to_exponent(V t) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_castps_si256(t), 23));
  }
  static __m128 halves_added(V x) {
    return _mm_add_ps(_mm256_castps256_ps128(x), _mm256_extractf128_ps(x, 1));
  }
  static float reduce_add(V x) {
    __m128 s = halves_added(x);
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
  }
  static float reduce_max(V x) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(x), _mm256_extractf128_ps(x, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    return _mm_cvtss_f32(_mm_max_ss(m, _mm_movehdup_ps(m)));
  }
};

}  // namespace lowbit
