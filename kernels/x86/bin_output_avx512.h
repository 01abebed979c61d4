// AVX-512 (F + BW) steps of the binary output stages on sixteen channels,
// shared by bin_output_avx512.cpp and the fused GEMM epilogue of
// bin_gemm_avx512vpopcnt.cpp. Include only from files built with AVX-512 flags.
#pragma once

#include <immintrin.h>

#include <cstddef>

#include "kernels/bin_gemm.h"

namespace lowbit {
namespace bin_avx512 {
// Internal linkage: each including file keeps its own copy, built with its
// own flags, so the linker never swaps in another file's instructions.
namespace {

inline __mmask16 lanes(size_t n) { return n >= 16 ? __mmask16(0xffff) : __mmask16((1u << n) - 1); }

// Clamp, convert, multiply, then add; the empty asm keeps the compiler from
// contracting the product into an FMA (the reference rounds twice).
inline __m512 transform(__m512i d, const BinOutputStageParams& params, size_t c, __mmask16 mask) {
  const __m512i clamped = _mm512_min_epi32(_mm512_max_epi32(d, _mm512_set1_epi32(params.clamp_min)),
                                           _mm512_set1_epi32(params.clamp_max));
  __m512 product =
      _mm512_mul_ps(_mm512_cvtepi32_ps(clamped), _mm512_maskz_loadu_ps(mask, params.multiplier + c));
  asm("" : "+v"(product));
  return _mm512_add_ps(product, _mm512_maskz_loadu_ps(mask, params.bias + c));
}

// Saturates to [-128, 127] (NaN to -128), then rounds half away from zero.
inline __m512i round_to_int8_range(__m512 y) {
  y = _mm512_min_ps(_mm512_max_ps(y, _mm512_set1_ps(-128.0f)), _mm512_set1_ps(127.0f));
  const __m512 truncated = _mm512_roundscale_ps(y, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
  const __m512 fraction = _mm512_abs_ps(_mm512_sub_ps(y, truncated));
  const __mmask16 away = _mm512_cmp_ps_mask(fraction, _mm512_set1_ps(0.5f), _CMP_GE_OQ);
  const __m512i sign = _mm512_and_si512(_mm512_castps_si512(y), _mm512_set1_epi32(INT32_MIN));
  const __m512 unit = _mm512_castsi512_ps(_mm512_or_si512(sign, _mm512_set1_epi32(0x3f800000)));
  return _mm512_cvttps_epi32(_mm512_mask_add_ps(truncated, away, truncated, unit));
}

}  // namespace
}  // namespace bin_avx512
}  // namespace lowbit
