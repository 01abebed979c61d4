// W4A8 GEMM, 4 rows x 8 channels, AVX2 (kernels/x86/qs8w4_gemm_avx2_tile.h):
// VPMADDUBSW of the unsigned nibbles by the signed activations, both nibble
// groups summed in int16 (at most 4 * 15 * 128), one VPMADDWD into int32.
#include "kernels/x86/qs8w4_gemm_avx2_tile.h"

namespace lowbit {

void qs8w4_gemm_4x8c4__avx2(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows,
                            const void* packed_w, int8_t* c, size_t c_stride,
                            const Qs8GemmParams& params) {
  w4avx2::gemm<w4avx2::MaddubsDot, w4avx2::MaddubsDot>(mr, nc, k, a_rows, packed_w, c, c_stride,
                                                       params);
}

}  // namespace lowbit
