// Binary GEMM 4x4 tile with AVX2, which has no vector popcount: bytes are
// counted with a 16-entry nibble table (VPSHUFB) and summed into 64-bit lanes
// with VPSADBW. Byte counts are accumulated for several steps before the
// widening sum: a byte gains at most 8 per step, so 31 steps cannot overflow.
#include <immintrin.h>

#include "kernels/bin_gemm.h"

namespace lowbit {
namespace {

inline __m256i popcount_bytes(__m256i v, __m256i table, __m256i low_mask) {
  const __m256i lo = _mm256_and_si256(v, low_mask);
  const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), low_mask);
  return _mm256_add_epi8(_mm256_shuffle_epi8(table, lo), _mm256_shuffle_epi8(table, hi));
}

constexpr size_t kStepsPerFlush = 31;

}  // namespace

void bin_gemm_2x4__avx2(size_t mr, size_t nr, size_t k_words, const uint32_t* a, size_t a_stride,
                        const uint32_t* b, size_t b_stride, int32_t* c, size_t c_stride) {
  // 2x4 keeps the eight byte accumulators, the six operand vectors and the
  // two constants within AVX2's sixteen registers.
  const uint32_t* a0 = a;
  const uint32_t* a1 = mr > 1 ? a + a_stride : a;
  const uint32_t* b_rows[4];
  for (size_t i = 0; i < 4; ++i) b_rows[i] = b + (i < nr ? i : nr - 1) * b_stride;
  const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1,
                                         2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i low_mask = _mm256_set1_epi8(0x0f);
  const __m256i zero = _mm256_setzero_si256();

  __m256i total[2][4];
  __m256i bytes[2][4];
  for (int m = 0; m < 2; ++m)
    for (int n = 0; n < 4; ++n) total[m][n] = bytes[m][n] = zero;

  size_t steps = 0;
  for (size_t k = 0; k < k_words; k += 8) {
    const __m256i va0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(a0 + k));
    const __m256i va1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(a1 + k));
    for (int n = 0; n < 4; ++n) {
      const __m256i vb = _mm256_load_si256(reinterpret_cast<const __m256i*>(b_rows[n] + k));
      bytes[0][n] = _mm256_add_epi8(
          bytes[0][n], popcount_bytes(_mm256_xor_si256(va0, vb), table, low_mask));
      bytes[1][n] = _mm256_add_epi8(
          bytes[1][n], popcount_bytes(_mm256_xor_si256(va1, vb), table, low_mask));
    }
    if (++steps == kStepsPerFlush) {
      steps = 0;
      for (int m = 0; m < 2; ++m) {
        for (int n = 0; n < 4; ++n) {
          total[m][n] = _mm256_add_epi64(total[m][n], _mm256_sad_epu8(bytes[m][n], zero));
          bytes[m][n] = zero;
        }
      }
    }
  }
  for (size_t m = 0; m < mr; ++m) {
    for (size_t n = 0; n < nr; ++n) {
      const __m256i t = _mm256_add_epi64(total[m][n], _mm256_sad_epu8(bytes[m][n], zero));
      const __m128i s = _mm_add_epi64(_mm256_castsi256_si128(t), _mm256_extracti128_si256(t, 1));
      c[m * c_stride + n] =
          static_cast<int32_t>(_mm_cvtsi128_si64(s) + _mm_extract_epi64(s, 1));
    }
  }
}

}  // namespace lowbit
