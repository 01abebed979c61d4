// The widening int8 GEMM shared by the aarch64 NEON and armv7 NEON variants:
// packed weights "c8" (eight k-values per channel, eight channels per
// k-group), one SMULL/VMULL.S8 per 8 products into int16 and one
// SADALP/VPADAL.S16 pairwise-accumulating them into int32. One product is at
// most 128*128, so nothing saturates (pairing two products in int16 with
// SMLAL would overflow for a = w = -128). After K, the four partial sums of
// each channel are added pairwise.
#pragma once

#include <arm_neon.h>

#include <cstring>

#include "kernels/arm/qs8_gemm_rows_neon.h"
#include "kernels/arm/qs8_requant_neon.h"
#include "kernels/qs8_gemm.h"

namespace lowbit {
namespace neon {

// Sums each of four vectors: {sum(a0), sum(a1), sum(a2), sum(a3)}.
inline int32x4_t reduce4(int32x4_t a0, int32x4_t a1, int32x4_t a2, int32x4_t a3) {
#if defined(__aarch64__)
  return vpaddq_s32(vpaddq_s32(a0, a1), vpaddq_s32(a2, a3));
#else
  const int32x2_t s0 = vpadd_s32(vget_low_s32(a0), vget_high_s32(a0));
  const int32x2_t s1 = vpadd_s32(vget_low_s32(a1), vget_high_s32(a1));
  const int32x2_t s2 = vpadd_s32(vget_low_s32(a2), vget_high_s32(a2));
  const int32x2_t s3 = vpadd_s32(vget_low_s32(a3), vget_high_s32(a3));
  return vcombine_s32(vpadd_s32(s0, s1), vpadd_s32(s2, s3));
#endif
}

// One k-group (eight k) of MR rows a[m] against CH channels of weights wp.
template <size_t MR, size_t CH>
__attribute__((always_inline)) inline void c8_step(int32x4_t (&acc)[MR][CH],
                                                   const int8_t* const (&a)[MR],
                                                   const int8_t* wp) {
#if defined(__aarch64__)
  // The row's eight bytes in both halves (LD1R), so SMULL2 can take the high
  // half of a two-channel weight register.
  int8x16_t av[MR];
  for (size_t m = 0; m < MR; ++m) {
    av[m] = vreinterpretq_s8_s64(vld1q_dup_s64(reinterpret_cast<const int64_t*>(a[m])));
  }
  for (size_t j = 0; j < CH; j += 2) {
    const int8x16_t wj = vld1q_s8(wp + 8 * j);
    for (size_t m = 0; m < MR; ++m) {
      acc[m][j] = vpadalq_s16(acc[m][j], vmull_s8(vget_low_s8(av[m]), vget_low_s8(wj)));
      acc[m][j + 1] = vpadalq_s16(acc[m][j + 1], vmull_high_s8(av[m], wj));
    }
  }
#else
  int8x8_t av[MR];
  for (size_t m = 0; m < MR; ++m) av[m] = vld1_s8(a[m]);
  for (size_t j = 0; j < CH; j += 2) {
    const int8x16_t wj = vld1q_s8(wp + 8 * j);
    for (size_t m = 0; m < MR; ++m) {
      acc[m][j] = vpadalq_s16(acc[m][j], vmull_s8(av[m], vget_low_s8(wj)));
      acc[m][j + 1] = vpadalq_s16(acc[m][j + 1], vmull_s8(av[m], vget_high_s8(wj)));
    }
  }
#endif
}

// CH channels (starting at wp inside each 64-byte k-group) of MR rows over K;
// returns the CH / 4 vectors of four channel sums per row.
template <size_t MR, size_t CH>
__attribute__((always_inline)) inline void c8_pass(const int8_t* const (&rows)[MR],
                                                   const int8_t (&tails)[MR][8], size_t k_main,
                                                   bool has_tail, const int8_t* wp,
                                                   int32x4_t (&sums)[MR][CH / 4]) {
  int32x4_t acc[MR][CH];
  for (size_t m = 0; m < MR; ++m) {
    for (size_t j = 0; j < CH; ++j) acc[m][j] = vdupq_n_s32(0);
  }
  for (size_t kk = 0; kk < k_main; kk += 8) {
    const int8_t* a[MR];
    for (size_t m = 0; m < MR; ++m) a[m] = rows[m] + kk;
    c8_step<MR, CH>(acc, a, wp);
    wp += 64;
  }
  if (has_tail) {
    const int8_t* a[MR];
    for (size_t m = 0; m < MR; ++m) a[m] = tails[m];
    c8_step<MR, CH>(acc, a, wp);
  }
  for (size_t m = 0; m < MR; ++m) {
    for (size_t q = 0; q < CH / 4; ++q) {
      sums[m][q] = reduce4(acc[m][4 * q], acc[m][4 * q + 1], acc[m][4 * q + 2], acc[m][4 * q + 3]);
    }
  }
}

// MR rows by 8-channel blocks, CH (4 or 8) channels per pass over K: the
// aarch64 variant keeps all eight channels of two rows in 16 of its 32
// registers; armv7 has 16 and makes two passes of four channels.
template <size_t MR, size_t CH>
void qs8_gemm_c8(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows,
                 const void* packed_w, int8_t* c, size_t c_stride, const Qs8GemmParams& params) {
  static_assert(CH == 4 || CH == 8, "a pass covers half or all of the 8-channel block");
  constexpr size_t kNR = 8;
  const size_t k_main = k & ~size_t{7};
  const size_t padded_k = (k + 7) & ~size_t{7};
  const Qs8GemmTileRows<MR, 8> tile(a_rows, mr, k, k_main);
  const auto& rows = tile.rows;
  const auto& tails = tile.tails;

  const auto* w = static_cast<const int8_t*>(packed_w);
  for (size_t block = 0; block < nc; block += kNR) {
    const int32x4_t bias_lo = vld1q_s32(reinterpret_cast<const int32_t*>(w));
    const int32x4_t bias_hi = vld1q_s32(reinterpret_cast<const int32_t*>(w) + 4);
    const int8_t* wk = w + kNR * sizeof(int32_t);
    int32x4_t lo[MR][CH / 4], hi[MR][CH / 4];
    c8_pass<MR, CH>(rows, tails, k_main, k != k_main, wk, lo);
    if (CH == 4) c8_pass<MR, CH>(rows, tails, k_main, k != k_main, wk + 32, hi);
    const size_t channels = nc - block < kNR ? nc - block : kNR;
    for (size_t m = 0; m < mr && m < MR; ++m) {
      const int32x4_t sum_hi = CH == 4 ? hi[m][0] : lo[m][CH / 4 - 1];
      const int32x4_t offset = gemm_row_offset(params, m);
      requantize_store8(vaddq_s32(vaddq_s32(bias_lo, offset), lo[m][0]),
                        vaddq_s32(vaddq_s32(bias_hi, offset), sum_hi), params, block,
                        c + m * c_stride + block, channels);
    }
    w = wk + kNR * padded_k;
  }
}

}  // namespace neon
}  // namespace lowbit
