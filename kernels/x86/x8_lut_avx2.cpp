// x8_lut on AVX2: the 256-byte table as 16 rows of 16 bytes. VPSHUFB looks
// up every row by each byte's low nibble at once; the byte keeps the lookup
// of the row its high nibble names. Tails go through the reference.
#include <immintrin.h>

#include "kernels/qs8_math.h"

namespace lowbit {

void x8_lut__avx2(const ref::X8LutParams& params, size_t n, const uint8_t* input,
                  uint8_t* output) {
  __m256i rows[16];
  for (int k = 0; k < 16; ++k) {
    rows[k] = _mm256_broadcastsi128_si256(
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(params.table + 16 * k)));
  }
  const __m256i nibble = _mm256_set1_epi8(0x0f);
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(input + i));
    const __m256i low = _mm256_and_si256(x, nibble);
    const __m256i high = _mm256_and_si256(_mm256_srli_epi16(x, 4), nibble);
    __m256i result = _mm256_shuffle_epi8(rows[0], low);
    for (int k = 1; k < 16; ++k) {
      const __m256i in_row = _mm256_cmpeq_epi8(high, _mm256_set1_epi8(static_cast<char>(k)));
      result = _mm256_blendv_epi8(result, _mm256_shuffle_epi8(rows[k], low), in_row);
    }
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(output + i), result);
  }
  ref::x8_lut__reference(params, n - i, input + i, output + i);
}

}  // namespace lowbit
