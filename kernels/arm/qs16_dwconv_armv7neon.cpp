// 16x8 depthwise taps, 32-bit ARM NEON: kernels/arm/qs16_neon.h.
#include "kernels/arm/qs16_neon.h"

namespace lowbit {

void qs16_dwconv__armv7neon(size_t channels, size_t taps, const int16_t* const* rows,
                            const int8_t* weights, size_t weights_stride, int64_t* acc) {
  qs16_dwconv_simd<NeonQs16Steps>(channels, taps, rows, weights, weights_stride, acc);
}

}  // namespace lowbit
