// W4A8 GEMM for any aarch64 CPU: 2 rows x 8 channels, SMULL + SMLAL + SADALP
// (kernels/arm/qs8w4_gemm_c8_neon.h), 16 accumulators.
#include "kernels/arm/qs8w4_gemm_c8_neon.h"

namespace lowbit {

void qs8w4_gemm_2x8c8__neon(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows,
                            const void* packed_w, int8_t* c, size_t c_stride,
                            const Qs8GemmParams& params) {
  if (mr == 1) return neon::qs8w4_gemm_c8<1, 8>(mr, nc, k, a_rows, packed_w, c, c_stride, params);
  neon::qs8w4_gemm_c8<2, 8>(mr, nc, k, a_rows, packed_w, c, c_stride, params);
}

}  // namespace lowbit
