// Binary GEMM 4x4 tile with AVX-512 VPOPCNTDQ: per 512 bits one XOR, one
// VPOPCNTQ and one 64-bit add per (row, column) pair; the four A and four B
// vectors loaded per step are each reused four times.
#include <immintrin.h>

#include "kernels/bin_gemm.h"

namespace lowbit {

void bin_gemm_4x4__avx512vpopcnt(size_t mr, size_t nr, size_t k_words, const uint32_t* a,
                                 size_t a_stride, const uint32_t* b, size_t b_stride, int32_t* c,
                                 size_t c_stride) {
  // Rows past mr/nr repeat the last valid row: computed, never stored.
  const uint32_t* a0 = a;
  const uint32_t* a1 = mr > 1 ? a0 + a_stride : a0;
  const uint32_t* a2 = mr > 2 ? a1 + a_stride : a1;
  const uint32_t* a3 = mr > 3 ? a2 + a_stride : a2;
  const uint32_t* b0 = b;
  const uint32_t* b1 = nr > 1 ? b0 + b_stride : b0;
  const uint32_t* b2 = nr > 2 ? b1 + b_stride : b1;
  const uint32_t* b3 = nr > 3 ? b2 + b_stride : b2;

  __m512i acc[4][4];
  for (auto& row : acc)
    for (auto& v : row) v = _mm512_setzero_si512();

  for (size_t k = 0; k < k_words; k += 16) {
    const __m512i va[4] = {_mm512_load_si512(a0 + k), _mm512_load_si512(a1 + k),
                           _mm512_load_si512(a2 + k), _mm512_load_si512(a3 + k)};
    const __m512i vb[4] = {_mm512_load_si512(b0 + k), _mm512_load_si512(b1 + k),
                           _mm512_load_si512(b2 + k), _mm512_load_si512(b3 + k)};
    for (int m = 0; m < 4; ++m) {
      for (int n = 0; n < 4; ++n) {
        acc[m][n] = _mm512_add_epi64(acc[m][n],
                                     _mm512_popcnt_epi64(_mm512_xor_si512(va[m], vb[n])));
      }
    }
  }

  for (size_t m = 0; m < mr; ++m) {
    for (size_t n = 0; n < nr; ++n) {
      c[m * c_stride + n] = static_cast<int32_t>(_mm512_reduce_add_epi64(acc[m][n]));
    }
  }
}

}  // namespace lowbit
