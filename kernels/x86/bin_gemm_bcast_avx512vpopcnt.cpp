// Binary GEMM 12x16 tile with AVX-512 VPOPCNTDQ on the interleaved filter
// layout (BinGemmLayout::kInterleaved64): each 64-bit word of an A row is
// broadcast against the same word of 16 filter rows (two vectors), so every
// 64-bit lane accumulates one output channel. No horizontal reduction, and K
// costs whole 64-bit words only (3x3x64 channels: 9 steps, not 12 or 16).
// Per step: 2 loads, 12 broadcasts from memory, 24 x (XOR, VPOPCNTQ, add);
// the 24 accumulators, 2 filter vectors and one broadcast fill 27 of the 32
// vector registers.
#include <immintrin.h>

#include <cstring>

#include "kernels/bin_gemm.h"

namespace lowbit {

void bin_gemm_12x16c2__avx512vpopcnt(size_t mr, size_t nr, size_t k_words, const uint32_t* a,
                                     size_t a_stride, const uint32_t* b, size_t /*b_stride*/,
                                     int32_t* c, size_t c_stride) {
  constexpr int kMR = 12;
  // Rows past mr repeat the last valid row: computed, never stored.
  const uint32_t* a_rows[kMR];
  for (size_t i = 0; i < kMR; ++i) a_rows[i] = a + (i < mr ? i : mr - 1) * a_stride;

  __m512i acc[kMR][2];
#pragma GCC unroll 12
  for (int m = 0; m < kMR; ++m) acc[m][0] = acc[m][1] = _mm512_setzero_si512();

  const size_t steps = k_words / 2;
  for (size_t q = 0; q < steps; ++q) {
    const __m512i b0 = _mm512_loadu_si512(b + q * 32);
    const __m512i b1 = _mm512_loadu_si512(b + q * 32 + 16);
#pragma GCC unroll 12
    for (int m = 0; m < kMR; ++m) {
      long long word;
      std::memcpy(&word, a_rows[m] + 2 * q, sizeof(word));
      const __m512i va = _mm512_set1_epi64(word);
      acc[m][0] = _mm512_add_epi64(acc[m][0], _mm512_popcnt_epi64(_mm512_xor_si512(va, b0)));
      acc[m][1] = _mm512_add_epi64(acc[m][1], _mm512_popcnt_epi64(_mm512_xor_si512(va, b1)));
    }
  }

  const uint32_t columns = (1u << nr) - 1;
  const __mmask8 low = __mmask8(columns), high = __mmask8(columns >> 8);
#pragma GCC unroll 12
  for (int m = 0; m < kMR; ++m) {
    if (size_t(m) >= mr) break;
    int32_t* row = c + m * c_stride;
    _mm256_mask_storeu_epi32(row, low, _mm512_cvtepi64_epi32(acc[m][0]));
    _mm256_mask_storeu_epi32(row + 8, high, _mm512_cvtepi64_epi32(acc[m][1]));
  }
}

}  // namespace lowbit
