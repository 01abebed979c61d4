// The tile loop of TRANSPOSE_CONV's GEMM (kernels/transpose_conv.h), shared
// by the x86 (AVX2, AVX-512) and ARM (NEON) files, which include it under
// their own flags. `Isa` supplies the accumulator type V of kLanes int32
// column sums and: zero(); load_pairs(int16 *) for kLanes columns of packed
// channel pairs; broadcast(int32), one pixel's staged channel pair;
// madd_add(acc, x, w), acc plus each column's two int16 products (|x|, |w|
// <= 255, so a pair's sum never overflows); load_first / store_first of the
// first `count` int32 lanes. The loaded weights and broadcast pair may have
// types of their own (on x86 all three are one vector; NEON keeps the pair
// in a lane to multiply by).
//
// A tile is kRows pixels x 2 vectors of columns, kept in registers over all
// channel pairs; the pixels' channel pairs are staged first (kChunk at a
// time, reloading the partial sums between chunks) so the inner loop is one
// broadcast and two multiply-adds per pixel. Pixels beyond the range stage
// zeros and are not stored; columns beyond columns() read the packing's zero
// padding and are not stored.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "kernels/qs8_gemm.h"
#include "kernels/reference/transpose_conv.h"
#include "kernels/reference/transpose_conv_gather.h"

namespace lowbit {
namespace tconv {

template <class Isa, size_t kRows, typename T>
void transpose_conv_gemm_tiles(const ref::TransposeConvParams& p, const T* input,
                               const int16_t* packed, int32_t* columns, size_t row_begin,
                               size_t row_end) {
  using V = typename Isa::V;
  constexpr size_t kLanes = Isa::kLanes;
  constexpr size_t kChunk = 256;
  const size_t n = p.columns(), pairs = p.channel_pairs();
  const size_t weight_row = p.packed_columns() * 2;
  const size_t pixel_end = row_end * size_t(p.input_w);
  alignas(64) int32_t staged[kChunk * kRows];
  for (size_t px = row_begin * size_t(p.input_w); px < pixel_end; px += kRows) {
    const size_t rows = std::min(kRows, pixel_end - px);
    for (size_t k0 = 0; k0 < pairs; k0 += kChunk) {
      const size_t chunk = std::min(kChunk, pairs - k0);
      for (size_t r = 0; r < kRows; ++r) {
        if (r < rows) {
          ref::stage_transpose_conv_pairs(p, input + (px + r) * size_t(p.input_c), k0, chunk,
                                          staged + r, kRows);
        } else {
          for (size_t k = 0; k < chunk; ++k) staged[k * kRows + r] = 0;
        }
      }
      for (size_t j = 0; j < n; j += 2 * kLanes) {
        const size_t width = std::min(2 * kLanes, n - j);
        const size_t lanes[2] = {std::min(kLanes, width), width > kLanes ? width - kLanes : 0};
        V acc[kRows][2];
#pragma GCC unroll 8
        for (size_t r = 0; r < kRows; ++r) {
          const size_t at = (px + r) * n + j;  // past the columns if r >= rows
          const bool fresh = k0 == 0 || r >= rows;
          acc[r][0] = fresh ? Isa::zero() : Isa::load_first(columns + at, lanes[0]);
          acc[r][1] = fresh ? Isa::zero() : Isa::load_first(columns + at + kLanes, lanes[1]);
        }
        const int16_t* w = packed + k0 * weight_row + j * 2;
        const int32_t* x = staged;
        for (size_t k = 0; k < chunk; ++k, w += weight_row, x += kRows) {
          const auto w0 = Isa::load_pairs(w), w1 = Isa::load_pairs(w + 2 * kLanes);
#pragma GCC unroll 8
          for (size_t r = 0; r < kRows; ++r) {
            const auto xr = Isa::broadcast(x[r]);
            acc[r][0] = Isa::madd_add(acc[r][0], xr, w0);
            acc[r][1] = Isa::madd_add(acc[r][1], xr, w1);
          }
        }
        // Every index of acc is a constant once unrolled, so GCC keeps the
        // sums in registers (a loop bounded by `rows`, or over h, kept them
        // in memory, stored on every step of k).
#pragma GCC unroll 8
        for (size_t r = 0; r < kRows; ++r) {
          if (r < rows) {
            int32_t* sums = columns + (px + r) * n + j;
            Isa::store_first(sums, acc[r][0], lanes[0]);
            Isa::store_first(sums + kLanes, acc[r][1], lanes[1]);
          }
        }
      }
    }
  }
}

// The gather's output channels are taken kBlock at a time, their bias and
// requantization terms laid out as arrays once per block (zero past the last
// channel) for vector loads.
struct TransposeConvChannelBlock {
  static constexpr int32_t kBlock = 256;
  alignas(64) int32_t multiplier[kBlock], shift[kBlock], bias[kBlock];
  alignas(64) float scale[kBlock];

  void fill(const ref::TransposeConvParams& p, const int32_t* layer_bias, int32_t first,
            int32_t count) {
    for (int32_t i = 0; i < kBlock; ++i) {
      const bool real = i < count;
      multiplier[i] = real ? p.requantizers[first + i].multiplier : 0;
      shift[i] = real ? p.requantizers[first + i].shift : 0;
      scale[i] = real ? p.requantizers[first + i].scale : 0.0f;
      bias[i] = real && layer_bias != nullptr ? layer_bias[first + i] : 0;
    }
  }
  // The block's terms as the GEMM microkernels' requantizers take them.
  Qs8GemmParams gemm_params(const ref::TransposeConvParams& p) const {
    Qs8GemmParams q;
    q.profile = p.profile, q.output_zero_point = p.output_zero_point;
    q.output_min = p.act_min, q.output_max = p.act_max;
    q.multiplier = multiplier, q.shift = shift, q.scale = scale;
    return q;
  }
};

// Calls block_fn(block, first, count) for each block of output channels
// with the block's terms filled.
template <typename BlockFn>
void for_each_channel_block(const ref::TransposeConvParams& p, const int32_t* bias,
                            BlockFn&& block_fn) {
  constexpr int32_t kBlock = TransposeConvChannelBlock::kBlock;
  TransposeConvChannelBlock block;
  for (int32_t first = 0; first < p.output_c; first += kBlock) {
    const int32_t count = std::min(kBlock, p.output_c - first);
    block.fill(p, bias, first, count);
    block_fn(block, first, count);
  }
}

// The SIMD gathers' loop: for each output pixel of rows [row_begin,
// row_end) and each run of up to kWidth of its channels, calls
// run(block, j, lanes, tap_columns, out): the run is the block's channels
// j .. j + lanes - 1, `out` its first output value, and tap_columns(add)
// calls add(column) with the run's first value in the column of each tap
// that reaches the pixel, in the reference's order.
template <int32_t kWidth, typename T, typename RunFn>
void for_each_output_run(const ref::TransposeConvParams& p, const int32_t* columns,
                         const int32_t* bias, T* output, size_t row_begin, size_t row_end,
                         RunFn&& run) {
  const size_t n = p.columns();
  for_each_channel_block(p, bias, [&](const TransposeConvChannelBlock& block, int32_t oc0,
                                      int32_t count) {
    ref::gather_rows(p, output, row_begin, row_end, [&](auto&& taps, T* out) {
      for (int32_t j = 0; j < count; j += kWidth) {
        auto tap_columns = [&](auto&& add) {
          taps([&](size_t pixel, int32_t ky, int32_t kx) {
            add(columns + pixel * n + (size_t(ky) * p.kernel_w + kx) * p.output_c + oc0 + j);
          });
        };
        run(block, size_t(j), size_t(std::min(kWidth, count - j)), tap_columns, out + oc0 + j);
      }
    });
  });
}

}  // namespace tconv
}  // namespace lowbit

// Defines an ISA's two entry points (kernels/transpose_conv.h), int8 and
// uint8, on tiles of `rows` pixels; inside namespace lowbit.
#define LOWBIT_DEFINE_TRANSPOSE_CONV_GEMM(isa, Isa, rows)                                       \
  void qs8_transpose_conv_gemm__##isa(const ref::TransposeConvParams& p, const int8_t* input,  \
                                      const int16_t* packed, int32_t* columns,                 \
                                      size_t row_begin, size_t row_end) {                      \
    tconv::transpose_conv_gemm_tiles<Isa, rows>(p, input, packed, columns, row_begin, row_end); \
  }                                                                                             \
  void qu8_transpose_conv_gemm__##isa(const ref::TransposeConvParams& p, const uint8_t* input, \
                                      const int16_t* packed, int32_t* columns,                 \
                                      size_t row_begin, size_t row_end) {                      \
    tconv::transpose_conv_gemm_tiles<Isa, rows>(p, input, packed, columns, row_begin, row_end); \
  }

// Defines an ISA's two gather entry points, int8 and uint8, calling
// `rows(p, columns, bias, output, row_begin, row_end)`; inside namespace lowbit.
#define LOWBIT_DEFINE_TRANSPOSE_CONV_OUTPUT(isa, rows)                                    \
  void qs8_transpose_conv_output__##isa(const ref::TransposeConvParams& p,                \
                                        const int32_t* columns, const int32_t* bias,      \
                                        int8_t* output, size_t row_begin, size_t row_end) { \
    rows(p, columns, bias, output, row_begin, row_end);                                   \
  }                                                                                       \
  void qu8_transpose_conv_output__##isa(const ref::TransposeConvParams& p,                \
                                        const int32_t* columns, const int32_t* bias,      \
                                        uint8_t* output, size_t row_begin, size_t row_end) { \
    rows(p, columns, bias, output, row_begin, row_end);                                   \
  }
