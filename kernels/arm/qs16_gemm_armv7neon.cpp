// 16x8 GEMM, 32-bit ARM NEON (VMLAL.S16): kernels/arm/qs16_neon.h.
#include "kernels/arm/qs16_neon.h"

namespace lowbit {

void qs16_gemm__armv7neon(size_t mr, size_t nc, size_t k, const int16_t* const* a_rows,
                          const int8_t* weights, int64_t* acc) {
  qs16_gemm_simd<NeonQs16Steps>(mr, nc, k, a_rows, weights, acc);
}

}  // namespace lowbit
