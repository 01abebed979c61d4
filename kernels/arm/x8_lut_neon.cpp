// x8_lut on aarch64 NEON: the 256-byte table as four 64-byte quarters. TBL
// looks a byte up in the first quarter (0 beyond it); TBX in each later
// quarter, with the byte's top two bits flipped to that quarter's, leaves
// lanes whose index falls outside it unchanged. Tails go through the reference.
#include <arm_neon.h>

#include "kernels/qs8_math.h"

namespace lowbit {

void x8_lut__neon(const ref::X8LutParams& params, size_t n, const uint8_t* input,
                  uint8_t* output) {
  const uint8x16x4_t q0 = vld1q_u8_x4(params.table);
  const uint8x16x4_t q1 = vld1q_u8_x4(params.table + 64);
  const uint8x16x4_t q2 = vld1q_u8_x4(params.table + 128);
  const uint8x16x4_t q3 = vld1q_u8_x4(params.table + 192);
  const uint8x16_t to_q1 = vdupq_n_u8(0x40), to_q2 = vdupq_n_u8(0x80), to_q3 = vdupq_n_u8(0xc0);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const uint8x16_t x = vld1q_u8(input + i);
    uint8x16_t r = vqtbl4q_u8(q0, x);
    r = vqtbx4q_u8(r, q1, veorq_u8(x, to_q1));
    r = vqtbx4q_u8(r, q2, veorq_u8(x, to_q2));
    r = vqtbx4q_u8(r, q3, veorq_u8(x, to_q3));
    vst1q_u8(output + i, r);
  }
  ref::x8_lut__reference(params, n - i, input + i, output + i);
}

}  // namespace lowbit
