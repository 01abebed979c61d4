// int8 GEMM with the ARMv8.6 int8 matrix multiply (SMMLA), 4 rows x 8
// channels, weights packed "c8": per k-group of eight, channel j's eight bytes
// then channel j+1's, so one register holds a 2x8 block of two channels. SMMLA
// multiplies a 2x8 block of two rows (row pair) by it, adding a 2x2 int32
// result (32 products): two row pairs x four channel pairs = 8 accumulators.
// Built with -march=armv8.2-a+dotprod+i8mm; selected only when the kernel
// reports HWCAP2_I8MM.
#include <arm_neon.h>

#include <cstring>

#include "kernels/arm/qs8_gemm_rows_neon.h"
#include "kernels/arm/qs8_requant_neon.h"
#include "kernels/qs8_gemm.h"

namespace lowbit {
namespace {

constexpr size_t kNR = 8;

// Eight bytes of row r0 in the low half, of r1 in the high half.
inline int8x16_t row_pair(const int8_t* r0, const int8_t* r1) {
  return vcombine_s8(vld1_s8(r0), vld1_s8(r1));
}

// One k-group: PAIRS row pairs a[p] against four channel pairs.
template <size_t PAIRS>
inline void mmla_group(int32x4_t (&acc)[PAIRS][4], const int8x16_t (&a)[PAIRS], const int8_t* w) {
  for (size_t q = 0; q < 4; ++q) {
    const int8x16_t wq = vld1q_s8(w + 16 * q);
    for (size_t p = 0; p < PAIRS; ++p) acc[p][q] = vmmlaq_s32(acc[p][q], a[p], wq);
  }
}

// acc[q] of a row pair holds {r0 c2q, r0 c2q+1, r1 c2q, r1 c2q+1}: the 64-bit
// halves interleave into row r0 channels 0-3 / 4-7 and row r1 likewise.
inline int32x4_t first_row(int32x4_t p, int32x4_t q) {
  return vreinterpretq_s32_s64(vzip1q_s64(vreinterpretq_s64_s32(p), vreinterpretq_s64_s32(q)));
}
inline int32x4_t second_row(int32x4_t p, int32x4_t q) {
  return vreinterpretq_s32_s64(vzip2q_s64(vreinterpretq_s64_s32(p), vreinterpretq_s64_s32(q)));
}

// PAIRS (1 or 2) row pairs: a tile of one or two rows does one pair's work.
// A missing second row of a pair repeats the first (computed, never stored).
template <size_t PAIRS>
void gemm_pairs(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows,
                const void* packed_w, int8_t* c, size_t c_stride, const Qs8GemmParams& params) {
  constexpr size_t kRows = 2 * PAIRS;
  const size_t k_main = k & ~size_t{7};
  const size_t padded_k = (k + 7) & ~size_t{7};
  const Qs8GemmTileRows<kRows, 8> tile(a_rows, mr, k, k_main);
  const auto& rows = tile.rows;
  const auto& tails = tile.tails;

  const auto* w = static_cast<const int8_t*>(packed_w);
  for (size_t block = 0; block < nc; block += kNR) {
    const int32x4_t bias_lo = vld1q_s32(reinterpret_cast<const int32_t*>(w));
    const int32x4_t bias_hi = vld1q_s32(reinterpret_cast<const int32_t*>(w) + 4);
    const int8_t* wk = w + kNR * sizeof(int32_t);
    int32x4_t acc[PAIRS][4];
    for (auto& pair : acc) {
      for (auto& v : pair) v = vdupq_n_s32(0);
    }
    size_t kk = 0;
    // Two k-groups per step: 16 bytes of each row, paired by 64-bit zips.
    for (; kk + 16 <= k; kk += 16) {
      int8x16_t first[PAIRS], second[PAIRS];
      for (size_t p = 0; p < PAIRS; ++p) {
        const int64x2_t r0 = vreinterpretq_s64_s8(vld1q_s8(rows[2 * p] + kk));
        const int64x2_t r1 = vreinterpretq_s64_s8(vld1q_s8(rows[2 * p + 1] + kk));
        first[p] = vreinterpretq_s8_s64(vzip1q_s64(r0, r1));
        second[p] = vreinterpretq_s8_s64(vzip2q_s64(r0, r1));
      }
      mmla_group<PAIRS>(acc, first, wk);
      mmla_group<PAIRS>(acc, second, wk + 64);
      wk += 128;
    }
    if (kk < k_main) {
      int8x16_t a[PAIRS];
      for (size_t p = 0; p < PAIRS; ++p) a[p] = row_pair(rows[2 * p] + kk, rows[2 * p + 1] + kk);
      mmla_group<PAIRS>(acc, a, wk);
      wk += 64;
    }
    if (k_main < padded_k) {
      int8x16_t a[PAIRS];
      for (size_t p = 0; p < PAIRS; ++p) a[p] = row_pair(tails[2 * p], tails[2 * p + 1]);
      mmla_group<PAIRS>(acc, a, wk);
      wk += 64;
    }
    const size_t channels = nc - block < kNR ? nc - block : kNR;
    for (size_t m = 0; m < mr && m < kRows; ++m) {
      const auto& pair = acc[m / 2];
      const bool first = m % 2 == 0;
      const int32x4_t lo = first ? first_row(pair[0], pair[1]) : second_row(pair[0], pair[1]);
      const int32x4_t hi = first ? first_row(pair[2], pair[3]) : second_row(pair[2], pair[3]);
      const int32x4_t offset = gemm_row_offset(params, m);
      neon::requantize_store8(vaddq_s32(vaddq_s32(bias_lo, offset), lo),
                              vaddq_s32(vaddq_s32(bias_hi, offset), hi), params, block,
                              c + m * c_stride + block, channels);
    }
    w = wk;
  }
}

}  // namespace

void qs8_gemm_4x8c8__i8mm(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows,
                          const void* packed_w, int8_t* c, size_t c_stride,
                          const Qs8GemmParams& params) {
  if (mr <= 2) return gemm_pairs<1>(mr, nc, k, a_rows, packed_w, c, c_stride, params);
  gemm_pairs<2>(mr, nc, k, a_rows, packed_w, c, c_stride, params);
}

}  // namespace lowbit
