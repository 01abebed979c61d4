// W4A8 GEMM, 4 rows x 8 channels, AVX2 (kernels/x86/qs8w4_gemm_avx2_tile.h):
// VPMADDUBSW of the unsigned nibbles by the signed activations, both nibble
// groups summed in int16 (at most 4 * 15 * 128), one VPMADDWD into int32.
#include "kernels/x86/qs8w4_gemm_avx2_tile.h"

namespace lowbit {
namespace {

struct MaddubsDot {
  static __attribute__((always_inline)) inline void step(__m256i (&acc)[2], __m256i low,
                                                         __m256i high, __m256i a_low,
                                                         __m256i a_high) {
    const __m256i pairs =
        _mm256_add_epi16(_mm256_maddubs_epi16(low, a_low), _mm256_maddubs_epi16(high, a_high));
    acc[0] = _mm256_add_epi32(acc[0], _mm256_madd_epi16(pairs, _mm256_set1_epi16(1)));
  }
};

}  // namespace

void qs8w4_gemm_4x8c4__avx2(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows,
                            const void* packed_w, int8_t* c, size_t c_stride,
                            const Qs8GemmParams& params) {
  w4avx2::gemm<MaddubsDot>(mr, nc, k, a_rows, packed_w, c, c_stride, params);
}

}  // namespace lowbit
