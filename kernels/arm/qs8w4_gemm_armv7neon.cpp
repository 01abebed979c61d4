// W4A8 GEMM for 32-bit ARM with NEON (built with -mfpu=neon, selected only
// when NEON is detected): 2 rows x 8 channels in two passes of four channels,
// VMULL.S8 + VMLAL.S8 + VPADAL.S16 (kernels/arm/qs8w4_gemm_c8_neon.h), so the
// accumulators, weights and rows fit in the sixteen q registers.
#include "kernels/arm/qs8w4_gemm_c8_neon.h"

namespace lowbit {

void qs8w4_gemm_2x8c8__armv7neon(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows,
                                 const void* packed_w, int8_t* c, size_t c_stride,
                                 const Qs8GemmParams& params) {
  // A single row keeps all eight channels in one pass.
  if (mr == 1) return neon::qs8w4_gemm_c8<1, 8>(mr, nc, k, a_rows, packed_w, c, c_stride, params);
  neon::qs8w4_gemm_c8<2, 4>(mr, nc, k, a_rows, packed_w, c, c_stride, params);
}

}  // namespace lowbit
