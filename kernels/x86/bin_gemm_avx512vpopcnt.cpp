// Binary GEMM 4x4 tile with AVX-512 VPOPCNTDQ: per 512 bits one XOR, one
// VPOPCNTQ and one 64-bit add per (row, column) pair; the four A and four B
// vectors loaded per step are each reused four times. A last half step of
// 256 bits (k_words is a multiple of 8) runs XOR and VPOPCNTQ on ymm, half
// the cost where 512-bit operations are split in two (Zen 4). The sixteen
// accumulators are reduced together by a tree of unpacks and 128-bit
// shuffles (21 adds in all) instead of sixteen separate horizontal sums.
// GCC 12 flags its own unpack/shuffle/convert intrinsics (self-initialized
// undefined vectors) as uninitialized: a false positive.
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>

#include "kernels/bin_gemm.h"

namespace lowbit {
namespace {

// Adds qword pairs of x and y: per 128-bit block [x0+x1, y0+y1].
inline __m512i add_pairs(__m512i x, __m512i y) {
  return _mm512_add_epi64(_mm512_unpacklo_epi64(x, y), _mm512_unpackhi_epi64(x, y));
}

// Adds neighbouring 128-bit blocks: [x0+x1, x2+x3, y0+y1, y2+y3].
inline __m512i add_blocks(__m512i x, __m512i y) {
  return _mm512_add_epi64(_mm512_shuffle_i64x2(x, y, _MM_SHUFFLE(2, 0, 2, 0)),
                          _mm512_shuffle_i64x2(x, y, _MM_SHUFFLE(3, 1, 3, 1)));
}

}  // namespace

void bin_gemm_4x4__avx512vpopcnt(size_t mr, size_t nr, size_t k_words, const uint32_t* a,
                                 size_t a_stride, const uint32_t* b, size_t b_stride, int32_t* c,
                                 size_t c_stride) {
  // Rows past mr/nr repeat the last valid row: computed, never stored.
  const uint32_t* a_rows[4];
  const uint32_t* b_rows[4];
  for (size_t i = 0; i < 4; ++i) {
    a_rows[i] = a + (i < mr ? i : mr - 1) * a_stride;
    b_rows[i] = b + (i < nr ? i : nr - 1) * b_stride;
  }

  __m512i acc[4][4];
  for (auto& row : acc)
    for (auto& v : row) v = _mm512_setzero_si512();

  size_t k = 0;
  for (; k + 16 <= k_words; k += 16) {
    __m512i vb[4];
    for (int n = 0; n < 4; ++n) vb[n] = _mm512_loadu_si512(b_rows[n] + k);
    for (int m = 0; m < 4; ++m) {
      const __m512i va = _mm512_loadu_si512(a_rows[m] + k);
      for (int n = 0; n < 4; ++n) {
        acc[m][n] = _mm512_add_epi64(acc[m][n], _mm512_popcnt_epi64(_mm512_xor_si512(va, vb[n])));
      }
    }
  }
  if (k < k_words) {
    __m256i vb[4];
    for (int n = 0; n < 4; ++n) {
      vb[n] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b_rows[n] + k));
    }
    for (int m = 0; m < 4; ++m) {
      const __m256i va = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a_rows[m] + k));
      for (int n = 0; n < 4; ++n) {
        const __m256i counts = _mm256_popcnt_epi64(_mm256_xor_si256(va, vb[n]));
        acc[m][n] = _mm512_add_epi64(acc[m][n], _mm512_zextsi256_si512(counts));
      }
    }
  }

  // acc[m][n] -> sums in row-major order: rows 0-1 in `low`, rows 2-3 in `high`.
  __m512i pairs[8];
  for (int i = 0; i < 8; ++i) pairs[i] = add_pairs(acc[i / 2][(i % 2) * 2], acc[i / 2][(i % 2) * 2 + 1]);
  __m512i quads[4];
  for (int i = 0; i < 4; ++i) quads[i] = add_blocks(pairs[2 * i], pairs[2 * i + 1]);
  const __m256i low = _mm512_cvtepi64_epi32(add_blocks(quads[0], quads[1]));
  const __m256i high = _mm512_cvtepi64_epi32(add_blocks(quads[2], quads[3]));
  const __m128i rows[4] = {_mm256_castsi256_si128(low), _mm256_extracti128_si256(low, 1),
                           _mm256_castsi256_si128(high), _mm256_extracti128_si256(high, 1)};
  const __mmask8 columns = __mmask8((1u << nr) - 1);
  for (size_t m = 0; m < mr; ++m) _mm_mask_storeu_epi32(c + m * c_stride, columns, rows[m]);
}

}  // namespace lowbit
