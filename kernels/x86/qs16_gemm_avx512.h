// The AVX-512 steps of the 16x8 GEMM loop (kernels/qs16_gemm_loop.h):
// 32 int16 activations against 32 sign-extended int8 weights, summed in
// pairs into sixteen int32 lanes by VPMADDWD + VPADDD, or by VPDPWSSD where
// AVX512-VNNI has it (same sums: each lane adds the same two products).
#pragma once

#include <immintrin.h>

#include "kernels/qs16_gemm_loop.h"

namespace lowbit {

template <bool kVnni>
struct Avx512Steps {
  static constexpr size_t kStep = 32;
  using Vec = __m512i;
  static Vec zero() { return _mm512_setzero_si512(); }
  static Vec madd(Vec acc, const int16_t* a, const int8_t* w) {
    const __m512i x = _mm512_loadu_si512(a);
    const __m512i y = _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(w)));
#if defined(__AVX512VNNI__)
    if constexpr (kVnni) return _mm512_dpwssd_epi32(acc, x, y);
#endif
    return _mm512_add_epi32(acc, _mm512_madd_epi16(x, y));
  }
  static int64_t sum(Vec v) {
    return _mm512_reduce_add_epi64(_mm512_add_epi64(
        _mm512_cvtepi32_epi64(_mm512_castsi512_si256(v)),
        _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(v, 1))));
  }
};

}  // namespace lowbit
