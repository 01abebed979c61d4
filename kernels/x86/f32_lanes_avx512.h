// AVX-512 lanes of the float element-wise and pooling loops
// (kernels/f32_elementwise_loops.h, kernels/f32_pool_loops.h): sixteen floats.
#pragma once

#include <immintrin.h>

#include <cstddef>

namespace lowbit {

struct F32Avx512Lanes {
  using V = __m512;
  using Mask = __mmask16;
  static constexpr size_t kLanes = 16;
  static V load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, V x) { _mm512_storeu_ps(p, x); }
  static V set1(float x) { return _mm512_set1_ps(x); }
  static V zero() { return _mm512_setzero_ps(); }
  static V add(V x, V y) { return _mm512_add_ps(x, y); }
  static V sub(V x, V y) { return _mm512_sub_ps(x, y); }
  static V mul(V x, V y) { return _mm512_mul_ps(x, y); }
  static V div(V x, V y) { return _mm512_div_ps(x, y); }
  static V fmadd(V x, V y, V z) { return _mm512_fmadd_ps(x, y, z); }
  // VMAXPS returns its second operand when either is NaN.
  static V max(V x, V y) { return _mm512_max_ps(x, y); }
  // The reference's std::max(acc, v): acc unless acc < v (so a NaN v is skipped).
  static V max_tap(V acc, V v) { return _mm512_max_ps(v, acc); }
  // The reference's min(max(x, lo), hi): x unless below lo (above hi), NaN kept.
  static V clamp(V x, V lo, V hi) { return _mm512_min_ps(hi, _mm512_max_ps(lo, x)); }
  static V abs(V x) { return _mm512_abs_ps(x); }
  static Mask less(V x, V y) { return _mm512_cmp_ps_mask(x, y, _CMP_LT_OQ); }
  static Mask is_nan(V x) { return _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q); }
  static V select(Mask m, V if_set, V otherwise) { return _mm512_mask_blend_ps(m, otherwise, if_set); }
  // The float whose bits are t's shifted left by 23 (2^n from n + 127).
  static V shift_to_exponent(V t) {
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_castps_si512(t), 23));
  }
  static float reduce_add(V x) { return _mm512_reduce_add_ps(x); }
  static float reduce_max(V x) { return _mm512_reduce_max_ps(x); }
};

}  // namespace lowbit
