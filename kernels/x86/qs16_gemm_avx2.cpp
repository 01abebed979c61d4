// 16x8 GEMM, AVX2: 16 int16 activations against 16 sign-extended int8
// weights per step, VPMADDWD summing pairs into eight int32 lanes, four
// channels at a time so each activation load serves four weight rows. Lanes
// widen to int64 every kQs16Int32Block values (kernels/qs16_gemm.h).
#include "kernels/qs16_gemm.h"
#include "kernels/qs16_gemm_loop.h"
#include "kernels/x86/qs16_avx2.h"

namespace lowbit {
namespace {

struct Avx2Steps : Avx2Int32Lanes {
  static constexpr size_t kStep = 16;
  static Vec madd(Vec acc, const int16_t* a, const int8_t* w) {
    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a));
    const __m256i y = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w)));
    return _mm256_add_epi32(acc, _mm256_madd_epi16(x, y));
  }
  static int64_t sum(Vec v) {
    const __m256i wide = _mm256_add_epi64(_mm256_cvtepi32_epi64(_mm256_castsi256_si128(v)),
                                          _mm256_cvtepi32_epi64(_mm256_extracti128_si256(v, 1)));
    const __m128i half = _mm_add_epi64(_mm256_castsi256_si128(wide),
                                       _mm256_extracti128_si256(wide, 1));
    return _mm_cvtsi128_si64(half) + _mm_extract_epi64(half, 1);
  }
};

}  // namespace

void qs16_gemm__avx2(size_t mr, size_t nc, size_t k, const int16_t* const* a_rows,
                     const int8_t* weights, int64_t* acc) {
  qs16_gemm_simd<Avx2Steps>(mr, nc, k, a_rows, weights, acc);
}

}  // namespace lowbit
