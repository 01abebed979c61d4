// int8 GEMM with the ARMv8.2 dot product (SDOT), 4 rows x 16 channels,
// weights packed "c4": per k-group of four, 16 channels x 4 bytes = four
// registers. Each SDOT (by element) multiplies one register of four channels
// by the four bytes of one row broadcast from a lane, adding 16 products into
// four int32 lanes: 16 accumulators, 4 row registers (16 k each) and 4 weight
// registers stay in the 32 vector registers. Built with
// -march=armv8.2-a+dotprod; selected only when the CPU reports dotprod.
#include <arm_neon.h>

#include <cstring>

#include "kernels/arm/qs8_gemm_rows_neon.h"
#include "kernels/arm/qs8_requant_neon.h"
#include "kernels/qs8_gemm.h"

namespace lowbit {
namespace {

constexpr size_t kNR = 16;

// One k-group (four k) for MR rows: weights w[0..3] (channels 0-3 ... 12-15),
// row bytes in lane G of a[m].
template <int G, size_t MR>
inline void dot_group(int32x4_t (&acc)[MR][4], const int8x16_t (&a)[MR], const int8_t* w) {
  const int8x16_t w0 = vld1q_s8(w), w1 = vld1q_s8(w + 16), w2 = vld1q_s8(w + 32),
                  w3 = vld1q_s8(w + 48);
  for (size_t m = 0; m < MR; ++m) {
    acc[m][0] = vdotq_laneq_s32(acc[m][0], w0, a[m], G);
    acc[m][1] = vdotq_laneq_s32(acc[m][1], w1, a[m], G);
    acc[m][2] = vdotq_laneq_s32(acc[m][2], w2, a[m], G);
    acc[m][3] = vdotq_laneq_s32(acc[m][3], w3, a[m], G);
  }
}

// One 16-byte step of every row: its four k-groups against their 64 weight
// bytes each.
template <size_t MR>
__attribute__((always_inline)) inline void dot_step16(int32x4_t (&acc)[MR][4],
                                                      const int8x16_t (&a)[MR], const int8_t* wk) {
  dot_group<0, MR>(acc, a, wk);
  dot_group<1, MR>(acc, a, wk + 64);
  dot_group<2, MR>(acc, a, wk + 128);
  dot_group<3, MR>(acc, a, wk + 192);
}

// The accumulators start at the block's packed biases.
template <size_t MR>
inline void start_block(int32x4_t (&acc)[MR][4], const int8_t* w) {
  for (size_t q = 0; q < 4; ++q) {
    const int32x4_t bias = vld1q_s32(reinterpret_cast<const int32_t*>(w) + 4 * q);
    for (size_t m = 0; m < MR; ++m) acc[m][q] = bias;
  }
}

// Adds each row's offset, requantizes MR rows of the 16-channel block at
// `block` and stores the channels that exist.
template <size_t MR>
inline void store_block(const int32x4_t (&acc)[MR][4], size_t nc, size_t block, int8_t* c,
                        size_t c_stride, const Qs8GemmParams& params) {
  const size_t channels = nc - block < kNR ? nc - block : kNR;
  for (size_t m = 0; m < MR; ++m) {
    int8_t* out = c + m * c_stride + block;
    const int32x4_t offset = gemm_row_offset(params, m);
    neon::requantize_store8(vaddq_s32(acc[m][0], offset), vaddq_s32(acc[m][1], offset), params,
                            block, out, channels < 8 ? channels : 8);
    if (channels > 8) {
      neon::requantize_store8(vaddq_s32(acc[m][2], offset), vaddq_s32(acc[m][3], offset), params,
                              block + 8, out + 8, channels - 8);
    }
  }
}

// MR (1..4) rows: a tile of fewer rows than the kernel's four (the last tile,
// or a fully connected layer's single row) does only its own rows' work.
template <size_t MR>
void gemm_rows(size_t nc, size_t k, const int8_t* const* a_rows, const void* packed_w,
               int8_t* c, size_t c_stride, const Qs8GemmParams& params) {
  const size_t k_main = k & ~size_t{15};
  const size_t tail_groups = ((k - k_main) + 3) / 4;  // 0..4 k-groups after the 16-k steps
  const Qs8GemmTileRows<MR, 16> tile(a_rows, MR, k, k_main);
  const auto& rows = tile.rows;
  const auto& tails = tile.tails;

  const auto* w = static_cast<const int8_t*>(packed_w);
  for (size_t block = 0; block < nc; block += kNR) {
    int32x4_t acc[MR][4];
    start_block(acc, w);
    const int8_t* wk = w + kNR * sizeof(int32_t);
    int8x16_t a[MR];
    for (size_t kk = 0; kk < k_main; kk += 16) {
      for (size_t m = 0; m < MR; ++m) a[m] = vld1q_s8(rows[m] + kk);
      dot_step16(acc, a, wk);
      wk += 256;
    }
    if (tail_groups > 0) {
      for (size_t m = 0; m < MR; ++m) a[m] = vld1q_s8(tails[m]);
      dot_group<0, MR>(acc, a, wk);
      if (tail_groups > 1) dot_group<1, MR>(acc, a, wk + 64);
      if (tail_groups > 2) dot_group<2, MR>(acc, a, wk + 128);
      if (tail_groups > 3) dot_group<3, MR>(acc, a, wk + 192);
      wk += 64 * tail_groups;
    }
    store_block(acc, nc, block, c, c_stride, params);
    w = wk;
  }
}

// The indirect form: row m's K bytes are `taps` runs of tap_bytes (a
// multiple of 4) at indirection[m * taps + t]. Each run is read exactly: in
// 16-byte steps, then its last one to three k-groups lane by lane.
template <size_t MR>
void igemm_rows(size_t nc, size_t taps, size_t tap_bytes, const int8_t* const* indirection,
                const void* packed_w, int8_t* c, size_t c_stride, const Qs8GemmParams& params) {
  const size_t tap_main = tap_bytes & ~size_t{15};
  const size_t tail_groups = (tap_bytes - tap_main) / 4;  // 0..3
  const auto* w = static_cast<const int8_t*>(packed_w);
  for (size_t block = 0; block < nc; block += kNR) {
    int32x4_t acc[MR][4];
    start_block(acc, w);
    const int8_t* wk = w + kNR * sizeof(int32_t);
    for (size_t t = 0; t < taps; ++t) {
      const int8_t* rows[MR];
      for (size_t m = 0; m < MR; ++m) rows[m] = indirection[m * taps + t];
      int8x16_t a[MR];
      for (size_t kk = 0; kk < tap_main; kk += 16) {
        for (size_t m = 0; m < MR; ++m) a[m] = vld1q_s8(rows[m] + kk);
        dot_step16(acc, a, wk);
        wk += 256;
      }
      if (tail_groups > 0) {
        for (size_t m = 0; m < MR; ++m) {
          int32_t group[3] = {0, 0, 0};
          std::memcpy(group, rows[m] + tap_main, 4 * tail_groups);
          a[m] = vreinterpretq_s8_s32(vcombine_s32(vld1_s32(group), vdup_n_s32(group[2])));
        }
        dot_group<0, MR>(acc, a, wk);
        if (tail_groups > 1) dot_group<1, MR>(acc, a, wk + 64);
        if (tail_groups > 2) dot_group<2, MR>(acc, a, wk + 128);
        wk += 64 * tail_groups;
      }
    }
    store_block(acc, nc, block, c, c_stride, params);
    w = wk;
  }
}

}  // namespace

void qs8_igemm_4x16c4__neondot(size_t mr, size_t nc, size_t taps, size_t tap_bytes,
                               const int8_t* const* indirection, const void* packed_w, int8_t* c,
                               size_t c_stride, const Qs8GemmParams& params) {
  switch (mr) {
    case 1: return igemm_rows<1>(nc, taps, tap_bytes, indirection, packed_w, c, c_stride, params);
    case 2: return igemm_rows<2>(nc, taps, tap_bytes, indirection, packed_w, c, c_stride, params);
    case 3: return igemm_rows<3>(nc, taps, tap_bytes, indirection, packed_w, c, c_stride, params);
    default: return igemm_rows<4>(nc, taps, tap_bytes, indirection, packed_w, c, c_stride, params);
  }
}

void qs8_gemm_4x16c4__neondot(size_t mr, size_t nc, size_t k, const int8_t* const* a_rows,
                              const void* packed_w, int8_t* c, size_t c_stride,
                              const Qs8GemmParams& params) {
  switch (mr) {
    case 1: return gemm_rows<1>(nc, k, a_rows, packed_w, c, c_stride, params);
    case 2: return gemm_rows<2>(nc, k, a_rows, packed_w, c, c_stride, params);
    case 3: return gemm_rows<3>(nc, k, a_rows, packed_w, c, c_stride, params);
    default: return gemm_rows<4>(nc, k, a_rows, packed_w, c, c_stride, params);
  }
}

}  // namespace lowbit
