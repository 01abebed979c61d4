// int8 GEMM, 8 rows x 16 channels, with VPDPBUSD. VPDPBUSD multiplies unsigned
// by signed bytes, so activations enter as a + 128 (one XOR per broadcast);
// the packed bias already subtracts 128 * sum(w).
#include <immintrin.h>

#include <cstring>

#include "kernels/qs8_gemm.h"
#include "kernels/x86/qs8_requant_avx512.h"

namespace lowbit {

void qs8_gemm_8x16c4__avx512vnni(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows,
                                 const void* packed_w, int8_t* c, size_t c_stride,
                                 const Qs8GemmParams& params) {
  constexpr size_t kMR = 8, kNR = 16;
  const int8_t* rows[kMR];
  for (size_t m = 0; m < kMR; ++m) rows[m] = a_rows[m < mr ? m : mr - 1];
  const size_t k_main = k & ~size_t{3};
  const size_t padded_k = (k + 3) & ~size_t{3};
  // The last partial group of each row is copied so no row is read past K.
  alignas(4) int8_t tails[kMR][4] = {};
  for (size_t m = 0; m < kMR; ++m) std::memcpy(tails[m], rows[m] + k_main, k - k_main);
  const __m512i sign_flip = _mm512_set1_epi32(static_cast<int32_t>(0x80808080u));

  const auto* w = static_cast<const uint8_t*>(packed_w);
  for (size_t block = 0; block < nc; block += kNR) {
    const __m512i bias = _mm512_loadu_si512(w);
    w += kNR * sizeof(int32_t);
    __m512i acc[kMR];
    for (size_t m = 0; m < kMR; ++m) acc[m] = bias;
    for (size_t kk = 0; kk < k_main; kk += 4) {
      const __m512i vw = _mm512_loadu_si512(w);
      w += 64;
      for (size_t m = 0; m < kMR; ++m) {
        int32_t a4;
        std::memcpy(&a4, rows[m] + kk, 4);
        acc[m] = _mm512_dpbusd_epi32(acc[m], _mm512_xor_si512(_mm512_set1_epi32(a4), sign_flip), vw);
      }
    }
    if (k_main != padded_k) {
      const __m512i vw = _mm512_loadu_si512(w);
      w += 64;
      for (size_t m = 0; m < kMR; ++m) {
        int32_t a4;
        std::memcpy(&a4, tails[m], 4);
        acc[m] = _mm512_dpbusd_epi32(acc[m], _mm512_xor_si512(_mm512_set1_epi32(a4), sign_flip), vw);
      }
    }
    const size_t channels = nc - block < kNR ? nc - block : kNR;
    const __mmask16 store_mask = static_cast<__mmask16>((1u << channels) - 1u);
    for (size_t m = 0; m < mr; ++m) {
      avx512::requantize_store(acc[m], params, block, c + m * c_stride + block, store_mask);
    }
  }
}

}  // namespace lowbit
