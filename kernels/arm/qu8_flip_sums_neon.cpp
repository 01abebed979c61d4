// Legacy uint8 input of a 1x1 GEMM layer on aarch64: each pixel flipped to
// int8 (x ^ 0x80) and the sum of its int8 values. The unsigned bytes are
// summed 16 at a time (UADALP into eight uint16 lanes: at most 255 * 2 per
// lane per step, so 128 steps fit before widening), then 128 per byte taken
// off once per pixel: sum(x - 128) without a signed widening per byte.
// Without an output the input is flipped already (int8) and only summed.
#include <arm_neon.h>

#include <cstring>

#include "kernels/qs8_gemm.h"

namespace lowbit {
namespace {

// Steps of 16 bytes a uint16 lane holds: 128 * 2 * 255 < 65536.
constexpr size_t kStepsPerWiden = 128;

template <bool kWrite>
void flip_sums(const uint8_t* input, int8_t* output, size_t pixels, size_t pixel_bytes,
               int32_t* sums) {
  const uint8x16_t sign_bits = vdupq_n_u8(0x80);
  // The bytes summed as unsigned: the input itself when it is uint8.
  const uint8_t to_unsigned = kWrite ? 0 : 0x80;
  const uint8x16_t to_unsigned_bits = vdupq_n_u8(to_unsigned);
  for (size_t p = 0; p < pixels; ++p) {
    const uint8_t* in = input + p * pixel_bytes;
    auto* out = kWrite ? reinterpret_cast<uint8_t*>(output + p * pixel_bytes) : nullptr;
    uint32x4_t total = vdupq_n_u32(0);
    size_t i = 0;
    while (i + 16 <= pixel_bytes) {
      uint16x8_t part = vdupq_n_u16(0);
      for (size_t step = 0; step < kStepsPerWiden && i + 16 <= pixel_bytes; ++step, i += 16) {
        const uint8x16_t v = vld1q_u8(in + i);
        part = vpadalq_u8(part, veorq_u8(v, to_unsigned_bits));
        if (kWrite) vst1q_u8(out + i, veorq_u8(v, sign_bits));
      }
      total = vpadalq_u16(total, part);
    }
    uint32_t sum = vaddvq_u32(total);
    // The last partial step byte by byte (never past the pixel).
    for (; i < pixel_bytes; ++i) {
      sum += uint8_t(in[i] ^ to_unsigned);
      if (kWrite) out[i] = static_cast<uint8_t>(in[i] ^ 0x80u);
    }
    sums[p] = static_cast<int32_t>(int64_t(sum) - 128 * int64_t(pixel_bytes));
  }
}

}  // namespace

void qu8_flip_sums__neon(const uint8_t* input, int8_t* output, size_t pixels,
                         size_t pixel_bytes, int32_t* sums) {
  if (output != nullptr) {
    flip_sums<true>(input, output, pixels, pixel_bytes, sums);
  } else {
    flip_sums<false>(input, nullptr, pixels, pixel_bytes, sums);
  }
}

}  // namespace lowbit
