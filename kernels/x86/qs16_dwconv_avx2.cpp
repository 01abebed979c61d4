// 16x8 depthwise taps, AVX2: eight channels per vector, activations and
// weights sign-extended to int32 and multiplied lane by lane (VPMULLD).
#include "kernels/qs16_dwconv_loop.h"
#include "kernels/x86/qs16_avx2.h"

namespace lowbit {
namespace {

struct Avx2DwSteps : Avx2Int32Lanes {
  static constexpr size_t kLanes = 8;
  static Vec madd(Vec acc, const int16_t* a, const int8_t* w) {
    const __m256i x = _mm256_cvtepi16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a)));
    const __m256i y = _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(w)));
    return _mm256_add_epi32(acc, _mm256_mullo_epi32(x, y));
  }
  static void add_wide(Vec v, int64_t* acc) {
    const __m256i low = _mm256_cvtepi32_epi64(_mm256_castsi256_si128(v));
    const __m256i high = _mm256_cvtepi32_epi64(_mm256_extracti128_si256(v, 1));
    __m256i* out = reinterpret_cast<__m256i*>(acc);
    _mm256_storeu_si256(out, _mm256_add_epi64(_mm256_loadu_si256(out), low));
    _mm256_storeu_si256(out + 1, _mm256_add_epi64(_mm256_loadu_si256(out + 1), high));
  }
};

}  // namespace

void qs16_dwconv__avx2(size_t channels, size_t taps, const int16_t* const* rows,
                       const int8_t* weights, size_t weights_stride, int64_t* acc) {
  qs16_dwconv_simd<Avx2DwSteps>(channels, taps, rows, weights, weights_stride, acc);
}

}  // namespace lowbit
