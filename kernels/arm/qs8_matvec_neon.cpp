// The int8 matrix-vector product on aarch64: per row, 16 columns a step as two
// SMULL (int8 x int8 -> int16, a single product always fits) and SADALP into
// four int32 lanes; the lanes and the tail sum modulo 2^32 as TFLite's int32
// sums do (vector adds wrap, the tail in unsigned arithmetic).
#include <arm_neon.h>

#include "kernels/qs8_matvec.h"

namespace lowbit {

void qs8_matvec__neon(size_t rows, size_t cols, const int8_t* matrix, const int8_t* vector,
                      int32_t* sums) {
  for (size_t r = 0; r < rows; ++r) {
    const int8_t* row = matrix + r * cols;
    int32x4_t lanes = vdupq_n_s32(0);
    size_t c = 0;
    for (; c + 16 <= cols; c += 16) {
      const int8x16_t w = vld1q_s8(row + c);
      const int8x16_t x = vld1q_s8(vector + c);
      lanes = vpadalq_s16(lanes, vmull_s8(vget_low_s8(w), vget_low_s8(x)));
      lanes = vpadalq_s16(lanes, vmull_high_s8(w, x));
    }
    uint32_t sum = static_cast<uint32_t>(vaddvq_s32(lanes));
    for (; c < cols; ++c) sum += static_cast<uint32_t>(int32_t{row[c]} * vector[c]);
    sums[r] = static_cast<int32_t>(sum);
  }
}

}  // namespace lowbit
