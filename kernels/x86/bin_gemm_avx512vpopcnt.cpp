// Binary GEMM tile of up to 12 rows x 16 channels with AVX-512 VPOPCNTDQ on
// the interleaved filter layout (kernels/bin_gemm.h): each 64-bit A word is
// broadcast against the same word of 16 filter channels (two vectors), so
// every 64-bit lane accumulates one output channel: no horizontal reduction,
// and K costs whole 64-bit words only (3x3x64 channels: 9 steps).
// Per step: 2 loads, 12 broadcasts from memory, 24 x (XOR, VPOPCNTQ, add);
// the 24 accumulators, 2 filter vectors and one broadcast fill 27 of the 32
// vector registers. A rows come through the indirection pointers, reloaded
// once per tap. Short tiles (fully connected layers of batch 1, the last
// tile of a layer) run a 4- or 8-row body instead of repeating rows.
#include <immintrin.h>

#include "kernels/bin_gemm.h"

namespace lowbit {
namespace {

template <int kRows>
void bin_gemm_rows(size_t mr, size_t nr, size_t taps, size_t tap_words, const uint32_t* const* a,
                   uint32_t last_mask, const uint32_t* b, int32_t* c, size_t c_stride) {
  __m512i acc[kRows][2];
#pragma GCC unroll 12
  for (int m = 0; m < kRows; ++m) acc[m][0] = acc[m][1] = _mm512_setzero_si512();

  const size_t full = bin_gemm_full_steps(tap_words, last_mask);
  const bool tail = bin_gemm_has_tail(tap_words, last_mask);
  const uint32_t* w = b;
  for (size_t t = 0; t < taps; ++t, a += mr) {
    // Rows past mr repeat the last valid row: computed, never stored.
    const uint32_t* rows[kRows];
#pragma GCC unroll 12
    for (int m = 0; m < kRows; ++m) rows[m] = a[size_t(m) < mr ? m : mr - 1];
    for (size_t q = 0; q < full; ++q, w += 32) {
      const __m512i b0 = _mm512_loadu_si512(w);
      const __m512i b1 = _mm512_loadu_si512(w + 16);
#pragma GCC unroll 12
      for (int m = 0; m < kRows; ++m) {
        const __m512i va = _mm512_set1_epi64(static_cast<long long>(bin_gemm_load_word(rows[m] + 2 * q)));
        acc[m][0] = _mm512_add_epi64(acc[m][0], _mm512_popcnt_epi64(_mm512_xor_si512(va, b0)));
        acc[m][1] = _mm512_add_epi64(acc[m][1], _mm512_popcnt_epi64(_mm512_xor_si512(va, b1)));
      }
    }
    if (tail) {
      const __m512i b0 = _mm512_loadu_si512(w);
      const __m512i b1 = _mm512_loadu_si512(w + 16);
      w += 32;
#pragma GCC unroll 12
      for (int m = 0; m < kRows; ++m) {
        const __m512i va = _mm512_set1_epi64(
            static_cast<long long>(bin_gemm_tail_word(rows[m], tap_words, last_mask)));
        acc[m][0] = _mm512_add_epi64(acc[m][0], _mm512_popcnt_epi64(_mm512_xor_si512(va, b0)));
        acc[m][1] = _mm512_add_epi64(acc[m][1], _mm512_popcnt_epi64(_mm512_xor_si512(va, b1)));
      }
    }
  }

  const uint32_t columns = (1u << nr) - 1;
  const __mmask8 low = __mmask8(columns), high = __mmask8(columns >> 8);
#pragma GCC unroll 12
  for (int m = 0; m < kRows; ++m) {
    if (size_t(m) >= mr) break;
    int32_t* row = c + m * c_stride;
    _mm256_mask_storeu_epi32(row, low, _mm512_cvtepi64_epi32(acc[m][0]));
    _mm256_mask_storeu_epi32(row + 8, high, _mm512_cvtepi64_epi32(acc[m][1]));
  }
}

}  // namespace

void bin_gemm_12x16c2__avx512vpopcnt(size_t mr, size_t nr, size_t taps, size_t tap_words,
                                     const uint32_t* const* a, uint32_t last_mask,
                                     const uint32_t* b, int32_t* c, size_t c_stride) {
  if (mr <= 4) {
    bin_gemm_rows<4>(mr, nr, taps, tap_words, a, last_mask, b, c, c_stride);
  } else if (mr <= 8) {
    bin_gemm_rows<8>(mr, nr, taps, tap_words, a, last_mask, b, c, c_stride);
  } else {
    bin_gemm_rows<12>(mr, nr, taps, tap_words, a, last_mask, b, c, c_stride);
  }
}

}  // namespace lowbit
