// 32-bit ARM NEON binary kernels (built with -mfpu=neon, selected only when
// NEON is detected). ARMv7 has 16 q registers: the GEMM tile is 2x4 (4 byte
// counters, 4 totals, 2 filter registers, one broadcast).
#include "kernels/arm/bin_neon_impl.h"

namespace lowbit {

void bin_gemm_2x4c2__neon(size_t mr, size_t nr, size_t taps, size_t tap_words,
                          const uint32_t* const* a, uint32_t last_mask, const uint32_t* b,
                          int32_t* c, size_t c_stride) {
  // A single row (a fully connected layer of batch 1) runs a one-row body.
  if (mr == 1) {
    bin_neon::gemm_tile<1>(mr, nr, taps, tap_words, a, last_mask, b, c, c_stride);
  } else {
    bin_neon::gemm_tile<2>(mr, nr, taps, tap_words, a, last_mask, b, c, c_stride);
  }
}

}  // namespace lowbit
