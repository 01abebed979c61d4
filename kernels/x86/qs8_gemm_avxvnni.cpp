// int8 GEMM, 4 rows x 8 channels, with the 256-bit VEX VPDPBUSD of AVX-VNNI
// (Alder Lake, Sapphire Rapids and later). Activations enter as a + 128
// (VPDPBUSD is unsigned x signed); the packed bias already subtracts
// 128 * sum(w).
//
// Neither AMD Zen 4 nor qemu 7.2 has AVX-VNNI, so this file also builds as
// qs8_gemm_4x8c4__avxvnni_evex (kernels/x86/evex_twin/): the same source with
// the EVEX encoding of the same 256-bit instruction (AVX512-VNNI with VL),
// which the kernel tests and bench_kernels run on such CPUs. It is in no
// selection table.
#include <immintrin.h>

#include <cstring>

#include "kernels/qs8_gemm.h"
#include "kernels/x86/qs8_requant_avx2.h"

#if defined(LOWBIT_AVXVNNI_AS_EVEX)
#define LOWBIT_DPBUSD256 _mm256_dpbusd_epi32
#define LOWBIT_AVXVNNI_GEMM qs8_gemm_4x8c4__avxvnni_evex
#else
#define LOWBIT_DPBUSD256 _mm256_dpbusd_avx_epi32
#define LOWBIT_AVXVNNI_GEMM qs8_gemm_4x8c4__avxvnni
#endif

namespace lowbit {

void LOWBIT_AVXVNNI_GEMM(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows,
                         const void* packed_w, int8_t* c, size_t c_stride,
                         const Qs8GemmParams& params) {
  constexpr size_t kMR = 4, kNR = 8;
  const int8_t* rows[kMR];
  for (size_t m = 0; m < kMR; ++m) rows[m] = a_rows[m < mr ? m : mr - 1];
  const size_t k_main = k & ~size_t{3};
  const size_t padded_k = (k + 3) & ~size_t{3};
  alignas(4) int8_t tails[kMR][4] = {};
  for (size_t m = 0; m < kMR; ++m) std::memcpy(tails[m], rows[m] + k_main, k - k_main);
  const __m256i sign_flip = _mm256_set1_epi32(static_cast<int32_t>(0x80808080u));

  const auto* w = static_cast<const uint8_t*>(packed_w);
  for (size_t block = 0; block < nc; block += kNR) {
    const __m256i bias = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w));
    w += kNR * sizeof(int32_t);
    __m256i acc[kMR];
    for (size_t m = 0; m < kMR; ++m) acc[m] = bias;
    for (size_t kk = 0; kk < padded_k; kk += 4) {
      const __m256i vw = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w));
      w += 32;
      for (size_t m = 0; m < kMR; ++m) {
        int32_t a4;
        std::memcpy(&a4, kk == k_main ? tails[m] : rows[m] + kk, 4);
        acc[m] = LOWBIT_DPBUSD256(
            acc[m], _mm256_xor_si256(_mm256_set1_epi32(a4), sign_flip), vw);
      }
    }
    const size_t channels = nc - block < kNR ? nc - block : kNR;
    for (size_t m = 0; m < mr; ++m) {
      avx2::requantize_store(acc[m], params, block, c + m * c_stride + block, channels);
    }
  }
}

}  // namespace lowbit
