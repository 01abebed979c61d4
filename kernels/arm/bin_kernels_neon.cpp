// aarch64 NEON binary kernels (NEON is the aarch64 baseline: no extra flags).
// The 4x4 GEMM tile keeps 8 byte counters, 8 totals, 2 filter and up to 4
// broadcast registers in the 32 q registers.
#include "kernels/arm/bin_neon_impl.h"

namespace lowbit {

void bin_gemm_4x4c2__neon(size_t mr, size_t nr, size_t taps, size_t tap_words,
                          const uint32_t* const* a, uint32_t last_mask, const uint32_t* b,
                          int32_t* c, size_t c_stride) {
  // Short tiles (a fully connected layer's single row, a layer's last tile)
  // run a body with that many rows instead of repeating rows.
  if (mr == 1) {
    bin_neon::gemm_tile<1>(mr, nr, taps, tap_words, a, last_mask, b, c, c_stride);
  } else if (mr == 2) {
    bin_neon::gemm_tile<2>(mr, nr, taps, tap_words, a, last_mask, b, c, c_stride);
  } else {
    bin_neon::gemm_tile<4>(mr, nr, taps, tap_words, a, last_mask, b, c, c_stride);
  }
}

}  // namespace lowbit
