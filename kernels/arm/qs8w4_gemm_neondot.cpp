// W4A8 GEMM for aarch64 with the dot product extension: 4 rows x 16 channels.
// A chunk of 64 bytes holds 16 channels x 8 k-values as nibbles w + 8
// (kernels/qs8w4_gemm.h): AND and USHR give two k-groups of bytes 0..15,
// which SDOT takes as signed bytes against lane 0 (k-values 0..3) and lane 1
// (4..7) of the row's eight activations; -8 * sum(a) per row undoes the +8.
#include <arm_neon.h>

#include "kernels/arm/qs8_gemm_rows_neon.h"
#include "kernels/arm/qs8_requant_neon.h"
#include "kernels/qs8w4_gemm.h"

namespace lowbit {
namespace {

constexpr size_t kMR = 4, kNR = 16, kChunkK = 8, kChunkBytes = kNR * kChunkK / 2;
using TileRows = Qs8GemmTileRows<kMR, kChunkK>;

// Sums over K of one block: sums[m][q] is channels 4q..4q+3 of row m.
template <size_t kRows>
__attribute__((noinline)) void accumulate(const TileRows& t, size_t main_chunks, size_t chunks,
                                          const uint8_t* w, int32x4_t (&sums)[kRows][4]) {
  const uint8x16_t low_nibbles = vdupq_n_u8(0x0F);
  int32x4_t acc[kRows][4];
  const int8_t* a[kRows];
  for (size_t m = 0; m < kRows; ++m) {
    a[m] = t.rows[m];
    for (size_t q = 0; q < 4; ++q) acc[m][q] = vdupq_n_s32(0);
  }
  for (size_t chunk = 0; chunk < chunks; ++chunk) {
    if (chunk == main_chunks) {
      for (size_t m = 0; m < kRows; ++m) a[m] = t.tails[m];
    }
    int8x16_t low[4], high[4];
    for (size_t q = 0; q < 4; ++q) {
      const uint8x16_t v = vld1q_u8(w + 16 * q);
      low[q] = vreinterpretq_s8_u8(vandq_u8(v, low_nibbles));
      high[q] = vreinterpretq_s8_u8(vshrq_n_u8(v, 4));
    }
    w += kChunkBytes;
    for (size_t m = 0; m < kRows; ++m) {
      const int8x8_t av = vld1_s8(a[m]);
      a[m] += kChunkK;
      for (size_t q = 0; q < 4; ++q) {
        acc[m][q] = vdotq_lane_s32(acc[m][q], low[q], av, 0);
        acc[m][q] = vdotq_lane_s32(acc[m][q], high[q], av, 1);
      }
    }
  }
  for (size_t m = 0; m < kRows; ++m) {
    for (size_t q = 0; q < 4; ++q) sums[m][q] = acc[m][q];
  }
}

template <size_t kRows>
void gemm_rows(size_t nc, size_t k, const TileRows& t, const int32_t (&correction)[kMR],
               const uint8_t* w, int8_t* c, size_t c_stride, const Qs8GemmParams& params) {
  const size_t main_chunks = k / kChunkK, chunks = (k + kChunkK - 1) / kChunkK;
  const size_t block_bytes = kNR * sizeof(int32_t) + chunks * kChunkBytes;
  for (size_t block = 0; block < nc; block += kNR) {
    int32x4_t sums[kRows][4];
    accumulate<kRows>(t, main_chunks, chunks, w + kNR * sizeof(int32_t), sums);
    const auto* bias = reinterpret_cast<const int32_t*>(w);
    const size_t channels = nc - block < kNR ? nc - block : kNR;
    for (size_t m = 0; m < kRows; ++m) {
      const int32x4_t offset = vdupq_n_s32(correction[m]);
      int32x4_t acc[4];
      for (size_t q = 0; q < 4; ++q) {
        acc[q] = vaddq_s32(vaddq_s32(vld1q_s32(bias + 4 * q), offset), sums[m][q]);
      }
      int8_t* out = c + m * c_stride + block;
      neon::requantize_store8(acc[0], acc[1], params, block, out, channels < 8 ? channels : 8);
      if (channels > 8) {
        neon::requantize_store8(acc[2], acc[3], params, block + 8, out + 8, channels - 8);
      }
    }
    w += block_bytes;
  }
}

}  // namespace

void qs8w4_gemm_4x16c4__neondot(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows,
                                const void* packed_w, int8_t* c, size_t c_stride,
                                const Qs8GemmParams& params) {
  const size_t k_main = k / kChunkK * kChunkK;
  const TileRows t(a_rows, mr, k, k_main);
  int32_t correction[kMR] = {};
  for (size_t m = 0; m < mr && m < kMR; ++m) correction[m] = qs8w4_row_correction(t.rows[m], k);
  const auto* w = static_cast<const uint8_t*>(packed_w);
  switch (mr) {
    case 1: return gemm_rows<1>(nc, k, t, correction, w, c, c_stride, params);
    case 2: return gemm_rows<2>(nc, k, t, correction, w, c, c_stride, params);
    case 3: return gemm_rows<3>(nc, k, t, correction, w, c, c_stride, params);
    default: return gemm_rows<4>(nc, k, t, correction, w, c, c_stride, params);
  }
}

}  // namespace lowbit
