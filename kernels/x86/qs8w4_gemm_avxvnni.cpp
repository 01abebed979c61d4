// W4A8 GEMM, 4 rows x 8 channels, with the 256-bit VEX VPDPBUSD of AVX-VNNI
// (kernels/x86/qs8w4_gemm_avx2_tile.h): the unsigned nibbles are VPDPBUSD's
// unsigned operand, each nibble group in its own accumulator.
#include "kernels/x86/qs8w4_gemm_avx2_tile.h"

namespace lowbit {
namespace {

struct VnniDot {
  static __attribute__((always_inline)) inline void step(__m256i (&acc)[2], __m256i low,
                                                         __m256i high, __m256i a_low,
                                                         __m256i a_high) {
    acc[0] = _mm256_dpbusd_avx_epi32(acc[0], low, a_low);
    acc[1] = _mm256_dpbusd_avx_epi32(acc[1], high, a_high);
  }
};

}  // namespace

void qs8w4_gemm_4x8c4__avxvnni(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows,
                               const void* packed_w, int8_t* c, size_t c_stride,
                               const Qs8GemmParams& params) {
  w4avx2::gemm<VnniDot>(mr, nc, k, a_rows, packed_w, c, c_stride, params);
}

}  // namespace lowbit
