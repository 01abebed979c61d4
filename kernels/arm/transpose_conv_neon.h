// TRANSPOSE_CONV with NEON, one source for aarch64 (transpose_conv_neon.cpp)
// and 32-bit ARM (transpose_conv_armv7neon.cpp).
//
// The GEMM runs the shared tile loop (kernels/transpose_conv_tile.h) on 16
// columns a tile. The packed weights interleave input channels in pairs, the
// operand order of x86's pmaddwd, which NEON lacks: VLD2 splits 8 columns'
// pairs into the even channel's weights and the odd one's, and SMLAL / VMLAL
// by lane multiplies each by its channel of the pixel's staged pair, so a
// tile's sums stay one int32 lane per column, with no pairwise add. SDOT does
// not fit: the factors are int16 (x minus its zero point spans -255..255).
//
// The gather adds eight output channels at a time and requantizes them as the
// NEON GEMM microkernels do (kernels/arm/qs8_requant_neon.h), so both equal
// the reference bit for bit in every profile.
#pragma once

#include <arm_neon.h>

#include <algorithm>
#include <cstring>

#include "kernels/arm/qs8_requant_neon.h"
#include "kernels/reference/transpose_conv_gather.h"
#include "kernels/transpose_conv.h"
#include "kernels/transpose_conv_tile.h"

namespace lowbit {
namespace tconv_neon {
namespace {

// The tile loop's ISA: 8 columns per accumulator.
struct Neon {
  struct V {
    int32x4_t low, high;  // columns 0..3, 4..7
  };
  static constexpr size_t kLanes = 8;
  static V zero() { return {vdupq_n_s32(0), vdupq_n_s32(0)}; }
  // 8 columns' weights: val[0] for the pair's even channel, val[1] the odd.
  static int16x8x2_t load_pairs(const int16_t* w) { return vld2q_s16(w); }
  // The pair (even channel in lane 0, odd in lane 1; lanes 2, 3 repeat it).
  static int16x4_t broadcast(int32_t pair) { return vreinterpret_s16_s32(vdup_n_s32(pair)); }
  static V madd_add(V acc, int16x4_t x, int16x8x2_t w) {
    acc.low = vmlal_lane_s16(acc.low, vget_low_s16(w.val[0]), x, 0);
    acc.low = vmlal_lane_s16(acc.low, vget_low_s16(w.val[1]), x, 1);
    acc.high = vmlal_lane_s16(acc.high, vget_high_s16(w.val[0]), x, 0);
    acc.high = vmlal_lane_s16(acc.high, vget_high_s16(w.val[1]), x, 1);
    return acc;
  }
  // No masked loads or stores: a partial run of columns goes through a
  // buffer, so nothing past `count` is read or written.
  static V load_first(const int32_t* p, size_t count) {
    if (count == kLanes) return {vld1q_s32(p), vld1q_s32(p + 4)};
    int32_t buffer[kLanes] = {};
    std::memcpy(buffer, p, count * sizeof(int32_t));
    return {vld1q_s32(buffer), vld1q_s32(buffer + 4)};
  }
  static void store_first(int32_t* p, V v, size_t count) {
    if (count == kLanes) {
      vst1q_s32(p, v.low), vst1q_s32(p + 4, v.high);
      return;
    }
    int32_t buffer[kLanes];
    vst1q_s32(buffer, v.low), vst1q_s32(buffer + 4, v.high);
    std::memcpy(p, buffer, count * sizeof(int32_t));
  }
};

// Eight values already clamped to T's range: their low bytes are T's bits.
template <typename T>
void narrow_store(T* out, int16x8_t v, size_t count) {
  const int8x8_t bytes = vmovn_s16(v);
  if (count == 8) return vst1_s8(reinterpret_cast<int8_t*>(out), bytes);
  int8_t buffer[8];
  vst1_s8(buffer, bytes);
  std::memcpy(out, buffer, count);
}

// One run of the gather (tconv::for_each_output_run): eight channels' sums
// from bias and taps, requantized as the NEON GEMM microkernels do.
template <typename TapColumns, typename T>
void output_run(const ref::TransposeConvParams& p, const tconv::TransposeConvChannelBlock& block,
                size_t j, size_t lanes, TapColumns&& tap_columns, T* out) {
  Neon::V acc = {vld1q_s32(block.bias + j), vld1q_s32(block.bias + j + 4)};
  auto add = [&acc](const Neon::V& values) {
    acc.low = vaddq_s32(acc.low, values.low);
    acc.high = vaddq_s32(acc.high, values.high);
  };
  // Whole runs apart: a loop without the partial run's memcpy call keeps the
  // sums in registers.
  if (lanes == Neon::kLanes) {
    tap_columns([&](const int32_t* column) { add({vld1q_s32(column), vld1q_s32(column + 4)}); });
  } else {
    tap_columns([&](const int32_t* column) { add(Neon::load_first(column, lanes)); });
  }
  const Qs8GemmParams q = block.gemm_params(p);
  const int32x4_t low = neon::offset_and_clamp(neon::requant(acc.low, q, j), q);
  const int32x4_t high = neon::offset_and_clamp(neon::requant(acc.high, q, j + 4), q);
  narrow_store(out, vcombine_s16(vqmovn_s32(low), vqmovn_s32(high)), lanes);
}

template <typename T>
void output_rows(const ref::TransposeConvParams& p, const int32_t* columns, const int32_t* bias,
                 T* output, size_t row_begin, size_t row_end) {
  tconv::for_each_output_run<8>(p, columns, bias, output, row_begin, row_end,
                                [&](auto&&... run) { output_run(p, run...); });
}

}  // namespace
}  // namespace tconv_neon
}  // namespace lowbit

// Defines the GEMM's and the gather's int8 and uint8 entry points of `isa`
// on tiles of `rows` pixels, in the one file per ISA that includes this.
#define LOWBIT_DEFINE_TRANSPOSE_CONV_NEON(isa, rows)                  \
  namespace lowbit {                                                  \
  LOWBIT_DEFINE_TRANSPOSE_CONV_GEMM(isa, tconv_neon::Neon, rows)      \
  LOWBIT_DEFINE_TRANSPOSE_CONV_OUTPUT(isa, tconv_neon::output_rows)   \
  }
