// The widening W4A8 GEMM shared by the aarch64 NEON and armv7 NEON variants:
// 8 channels per block, chunks of 64 bytes = 8 channels x 16 k-values as
// nibbles w + 8 (kernels/qs8w4_gemm.h), channel j's two k-groups of eight at
// bytes 8j..8j+7. AND and a shift give the groups as bytes 0..15; per channel
// SMULL/VMULL.S8 multiplies the first group by the row's first eight
// activations into int16, SMLAL/VMLAL.S8 adds the second group's products
// (two products of at most 15 * 128 per lane: no overflow), and
// SADALP/VPADAL.S16 accumulates pairs into int32, one instruction per 16
// products where the int8 kernel needs one per 8. -8 * sum(a) per row
// undoes the +8.
#pragma once

#include <arm_neon.h>

#include "kernels/arm/qs8_gemm_c8_neon.h"
#include "kernels/arm/qs8_gemm_rows_neon.h"
#include "kernels/arm/qs8_requant_neon.h"
#include "kernels/qs8w4_gemm.h"

namespace lowbit {
namespace neon {

constexpr size_t kW4ChunkK = 16, kW4ChunkBytes = 64;

// One chunk (16 k) of MR rows a[m] against CH channels of the chunk at wp.
template <size_t MR, size_t CH>
__attribute__((always_inline)) inline void w4_c8_step(int32x4_t (&acc)[MR][CH],
                                                      const int8_t* const (&a)[MR],
                                                      const uint8_t* wp) {
  const uint8x16_t low_nibbles = vdupq_n_u8(0x0F);
  int8x8_t a_low[MR], a_high[MR];
  for (size_t m = 0; m < MR; ++m) {
    a_low[m] = vld1_s8(a[m]);
    a_high[m] = vld1_s8(a[m] + 8);
  }
  for (size_t j = 0; j < CH; j += 2) {
    const uint8x16_t v = vld1q_u8(wp + 8 * j);  // channels j, j + 1
    const int8x16_t low = vreinterpretq_s8_u8(vandq_u8(v, low_nibbles));
    const int8x16_t high = vreinterpretq_s8_u8(vshrq_n_u8(v, 4));
    for (size_t m = 0; m < MR; ++m) {
      const int16x8_t p0 = vmlal_s8(vmull_s8(vget_low_s8(low), a_low[m]), vget_low_s8(high),
                                    a_high[m]);
      const int16x8_t p1 = vmlal_s8(vmull_s8(vget_high_s8(low), a_low[m]), vget_high_s8(high),
                                    a_high[m]);
      acc[m][j] = vpadalq_s16(acc[m][j], p0);
      acc[m][j + 1] = vpadalq_s16(acc[m][j + 1], p1);
    }
  }
}

// CH channels (from wp inside each chunk) of MR rows over K; the CH / 4
// vectors of four channel sums per row.
template <size_t MR, size_t CH>
__attribute__((always_inline)) inline void w4_c8_pass(const Qs8GemmTileRows<MR, kW4ChunkK>& t,
                                                      size_t main_chunks, size_t chunks,
                                                      const uint8_t* wp,
                                                      int32x4_t (&sums)[MR][CH / 4]) {
  int32x4_t acc[MR][CH];
  for (size_t m = 0; m < MR; ++m) {
    for (size_t j = 0; j < CH; ++j) acc[m][j] = vdupq_n_s32(0);
  }
  for (size_t chunk = 0; chunk < chunks; ++chunk) {
    const int8_t* a[MR];
    for (size_t m = 0; m < MR; ++m) {
      a[m] = chunk == main_chunks ? t.tails[m] : t.rows[m] + chunk * kW4ChunkK;
    }
    w4_c8_step<MR, CH>(acc, a, wp);
    wp += kW4ChunkBytes;
  }
  for (size_t m = 0; m < MR; ++m) {
    for (size_t q = 0; q < CH / 4; ++q) {
      sums[m][q] = reduce4(acc[m][4 * q], acc[m][4 * q + 1], acc[m][4 * q + 2], acc[m][4 * q + 3]);
    }
  }
}

// MR rows by 8-channel blocks, CH (4 or 8) channels per pass over K, as
// qs8_gemm_c8 (armv7's sixteen q registers take two passes of four).
template <size_t MR, size_t CH>
void qs8w4_gemm_c8(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows,
                   const void* packed_w, int8_t* c, size_t c_stride, const Qs8GemmParams& params) {
  static_assert(CH == 4 || CH == 8, "a pass covers half or all of the 8-channel block");
  constexpr size_t kNR = 8;
  const size_t main_chunks = k / kW4ChunkK, chunks = (k + kW4ChunkK - 1) / kW4ChunkK;
  const Qs8GemmTileRows<MR, kW4ChunkK> t(a_rows, mr, k, main_chunks * kW4ChunkK);
  int32x4_t correction[MR];
  for (size_t m = 0; m < MR; ++m) {
    correction[m] = vdupq_n_s32(m < mr ? qs8w4_row_correction(t.rows[m], k) : 0);
  }
  const auto* w = static_cast<const uint8_t*>(packed_w);
  for (size_t block = 0; block < nc; block += kNR) {
    const int32x4_t bias_lo = vld1q_s32(reinterpret_cast<const int32_t*>(w));
    const int32x4_t bias_hi = vld1q_s32(reinterpret_cast<const int32_t*>(w) + 4);
    const uint8_t* wk = w + kNR * sizeof(int32_t);
    int32x4_t lo[MR][CH / 4], hi[MR][CH / 4];
    w4_c8_pass<MR, CH>(t, main_chunks, chunks, wk, lo);
    if (CH == 4) w4_c8_pass<MR, CH>(t, main_chunks, chunks, wk + 32, hi);
    const size_t channels = nc - block < kNR ? nc - block : kNR;
    for (size_t m = 0; m < mr && m < MR; ++m) {
      const int32x4_t sum_hi = CH == 4 ? hi[m][0] : lo[m][CH / 4 - 1];
      requantize_store8(vaddq_s32(vaddq_s32(bias_lo, correction[m]), lo[m][0]),
                        vaddq_s32(vaddq_s32(bias_hi, correction[m]), sum_hi), params, block,
                        c + m * c_stride + block, channels);
    }
    w = wk + chunks * kW4ChunkBytes;
  }
}

}  // namespace neon
}  // namespace lowbit
