// int8 depthwise kernels with NEON, eight channels per block, shared by the
// aarch64 and armv7 variants:
// - generic: one output pixel per call, any taps;
// - row kernels (3x3 / 5x5, stride 1 / 2, any depth multiplier): the weights
//   of a block stay in registers as int16 and each input column is loaded
//   and widened once (LD1 + SXTL per kernel row) for the K / S outputs that
//   overlap it.
// Each tap is two widening multiply-accumulates (SMLAL / SMLAL2, armv7
// VMLAL.S16) of int16 inputs and weights into int32: 4 MACs per instruction.
// (int8 x int8 into int16, SMLAL.8H, would be twice as wide but overflows
// after two taps.) The row layout's int16 pairs of kernel rows (qs8_dwconv.h;
// for 8-channel blocks "unpack order" is channel order) are split back into
// rows by VLD2.
#pragma once

#include <arm_neon.h>

#include <cstring>

#include "kernels/arm/qs8_requant_neon.h"
#include "kernels/qs8_dwconv.h"

namespace lowbit {
namespace neon {
// Internal linkage: each including file is compiled with its own flags.
namespace dwconv {
namespace {

constexpr size_t kBlock = 8;

inline int32x4_t mla_low(int32x4_t acc, int16x8_t x, int16x8_t w) {
  return vmlal_s16(acc, vget_low_s16(x), vget_low_s16(w));
}
inline int32x4_t mla_high(int32x4_t acc, int16x8_t x, int16x8_t w) {
#if defined(__aarch64__)
  return vmlal_high_s16(acc, x, w);
#else
  return vmlal_s16(acc, vget_high_s16(x), vget_high_s16(w));
#endif
}

// n <= 8 int8 channels widened to int16; a partial block reads only n bytes.
inline int8x8_t load_bytes8(const int8_t* src, size_t n) {
  if (n == kBlock) return vld1_s8(src);
  int8_t tail[kBlock] = {};
  std::memcpy(tail, src, n);
  return vld1_s8(tail);
}
inline int16x8_t load8(const int8_t* src, size_t n) { return vmovl_s8(load_bytes8(src, n)); }

inline void store8(int8_t* out, int8x8_t bytes, size_t n) {
  if (n == kBlock) {
    vst1_s8(out, bytes);
    return;
  }
  int8_t tmp[kBlock];
  vst1_s8(tmp, bytes);
  std::memcpy(out, tmp, n);
}

// Output range relative to the zero point: clamping the rescaled value to
// [output_min - zp, output_max - zp] and then adding zp equals the
// reference's limit-add-clamp (the bounds lie within +-255); in the fp32
// profile the clamp is applied to the float before rounding, which commutes
// with rounding to nearest since the bounds are integers.
struct OutputRange {
  int32x4_t zero_point, lo, hi;
  float32x4_t lo_f, hi_f;
  explicit OutputRange(const Qs8GemmParams& p)
      : zero_point(vdupq_n_s32(p.output_zero_point)),
        lo(vdupq_n_s32(p.output_min - p.output_zero_point)),
        hi(vdupq_n_s32(p.output_max - p.output_zero_point)),
        lo_f(vdupq_n_f32(float(p.output_min - p.output_zero_point))),
        hi_f(vdupq_n_f32(float(p.output_max - p.output_zero_point))) {}
};

// Requantization of one 8-channel block, parameters loaded once.
template <RequantProfile kProfile>
struct BlockRequant {
  int32x4_t multiplier[2], shift[2];
  float32x4_t scale[2];
  void load(const Qs8GemmParams& p, size_t channel) {
    for (int h = 0; h < 2; ++h) {
      if (kProfile == RequantProfile::kXnnpackFp32) {
        scale[h] = vld1q_f32(p.scale + channel + 4 * h);
      } else {
        multiplier[h] = vld1q_s32(p.multiplier + channel + 4 * h);
        shift[h] = vld1q_s32(p.shift + channel + 4 * h);
      }
    }
  }
  int32x4_t apply(int32x4_t acc, int h, const OutputRange& r) const {
    int32x4_t v;
    if (kProfile == RequantProfile::kXnnpackFp32) {
      const float32x4_t f =
          vminq_f32(vmaxq_f32(vmulq_f32(vcvtq_f32_s32(acc), scale[h]), r.lo_f), r.hi_f);
#if defined(__aarch64__)
      v = vcvtnq_s32_f32(f);
#else
      // Round to nearest even by adding 1.5 * 2^23: exact for |f| <= 255.
      const float32x4_t magic = vdupq_n_f32(12582912.0f);
      v = vsubq_s32(vreinterpretq_s32_f32(vaddq_f32(f, magic)), vreinterpretq_s32_f32(magic));
#endif
      return vaddq_s32(v, r.zero_point);
    }
    v = kProfile == RequantProfile::kSingleRounding
            ? requant_single_rounding(acc, multiplier[h], shift[h])
            : requant_double_rounding(acc, multiplier[h], shift[h], ref::rounds_half_up(kProfile));
    return vaddq_s32(vminq_s32(vmaxq_s32(v, r.lo), r.hi), r.zero_point);
  }
  int8x8_t bytes(int32x4_t acc_lo, int32x4_t acc_hi, const OutputRange& r) const {
    // In int8 range already, so the saturating narrows are exact.
    return vqmovn_s16(vcombine_s16(vqmovn_s32(apply(acc_lo, 0, r)), vqmovn_s32(apply(acc_hi, 1, r))));
  }
};

// Generic layout (qs8_dwconv_pack), one output pixel.
template <RequantProfile kProfile>
void pixel(size_t channels, size_t taps, const int8_t* const* inputs, const void* packed_w,
           int8_t* output, const Qs8GemmParams& params) {
  const OutputRange range(params);
  const auto* w = static_cast<const uint8_t*>(packed_w);
  for (size_t block = 0; block < channels; block += kBlock, w += kBlock * (sizeof(int32_t) + taps)) {
    const size_t n = channels - block < kBlock ? channels - block : kBlock;
    int32x4_t acc_lo = vld1q_s32(reinterpret_cast<const int32_t*>(w));
    int32x4_t acc_hi = vld1q_s32(reinterpret_cast<const int32_t*>(w) + 4);
    const int8_t* wt = reinterpret_cast<const int8_t*>(w + kBlock * sizeof(int32_t));
    for (size_t t = 0; t < taps; ++t, wt += kBlock) {
      const int16x8_t x = load8(inputs[t] + block, n);
      const int16x8_t k = vmovl_s8(vld1_s8(wt));
      acc_lo = mla_low(acc_lo, x, k);
      acc_hi = mla_high(acc_hi, x, k);
    }
    BlockRequant<kProfile> rq;
    rq.load(params, block);
    store8(output + block, rq.bytes(acc_lo, acc_hi, range), n);
  }
}

// The input channels one 8-channel block of n outputs reads: `count` of them
// from channel `first`. kSpread (a depth multiplier above 1): lane j takes
// input channel first + spread_index[j] (a VTBL index); otherwise lane j is
// channel first + j.
struct BlockInputs {
  size_t first;
  size_t count;
  int8x8_t spread_index;
};
template <bool kSpread>
inline BlockInputs block_inputs(const Qs8DwconvRowArgs& a, size_t block, size_t n) {
  if (!kSpread) return {block, n, vdup_n_s8(0)};
  const size_t first = qs8_dwconv_input_offset(a, block);
  int8_t idx[kBlock];
  for (size_t j = 0; j < kBlock; ++j) {
    idx[j] = int8_t(qs8_dwconv_input_offset(a, block + (j < n ? j : n - 1)) - first);
  }
  return {first, size_t(idx[n - 1]) + 1, vld1_s8(idx)};
}

// Row layout (qs8_dwconv_pack_rows), one 8-channel block of a run of an
// output row. kFull: n == 8, so loads and stores need no tail copies (whose
// memcpy calls would make GCC keep the weights in memory). kSpread: a depth
// multiplier above 1; the block loads the input channels it needs and VTBL
// spreads them over the lanes.
template <int K, int S, RequantProfile kProfile, bool kFull, bool kSpread = false>
void row_block(const Qs8DwconvRowArgs& a, size_t block, size_t n, const uint8_t* w,
               const OutputRange& range) {
  constexpr int P = (K + 1) / 2;
  BlockRequant<kProfile> rq;
  rq.load(*a.params, block);
  const int32x4_t bias_lo = vld1q_s32(reinterpret_cast<const int32_t*>(w));
  const int32x4_t bias_hi = vld1q_s32(reinterpret_cast<const int32_t*>(w) + 4);
  int16x8_t wt[K][K];  // [kx][ky]
  for (int kx = 0; kx < K; ++kx) {
    for (int p = 0; p < P; ++p) {
      const int16x8x2_t pair = vld2q_s16(reinterpret_cast<const int16_t*>(
          w + kBlock * sizeof(int32_t) + (size_t(kx) * P + p) * kBlock * 4));
      wt[kx][2 * p] = pair.val[0];
      if (2 * p + 1 < K) wt[kx][2 * p + 1] = pair.val[1];
    }
  }
  const BlockInputs in = block_inputs<kSpread>(a, block, n);
  const size_t in_first = in.first, in_count = in.count;
  const int8x8_t spread_index = in.spread_index;
  auto load_column = [&](ptrdiff_t ix, int16x8_t (&col)[K]) {
    const bool inside = ix >= 0 && ix < ptrdiff_t(a.input_width);
    const size_t offset = inside ? size_t(ix) * a.input_stride + in_first : 0;
    for (int ky = 0; ky < K; ++ky) {
      const int8_t* src = inside ? a.rows[ky] + offset : a.zero_row + in_first;
      if (kSpread) {
        col[ky] = vmovl_s8(vtbl1_s8(load_bytes8(src, in_count), spread_index));
      } else {
        col[ky] = kFull ? vmovl_s8(vld1_s8(src)) : load8(src, n);
      }
    }
  };
  int8_t* out = a.output + block;
  auto finish = [&](const int32x4_t (&acc)[2][2]) {
    const int8x8_t bytes =
        rq.bytes(vaddq_s32(acc[0][0], acc[1][0]), vaddq_s32(acc[0][1], acc[1][1]), range);
    if (kFull) {
      vst1_s8(out, bytes);
    } else {
      store8(out, bytes, n);
    }
  };
  ptrdiff_t ix = a.input_x;
  // A window of K columns moved by S per output, each column loaded once.
  // (A ring of columns with the output loop unrolled, so that no moves are
  // needed, ran out of registers: GCC spilled more than the moves cost. For
  // 5x5, 25 weights and 25 window columns exceed the 32 registers either
  // way; loading the columns per output instead was no better: 212 against
  // 192 instructions per output.)
  int16x8_t win[K][K];
  for (int kx = 0; kx < K - S; ++kx) load_column(ix + kx, win[kx]);
  for (size_t o = 0; o < a.output_width; ++o, ix += S, out += a.pixel_stride) {
    for (int s = 0; s < S; ++s) load_column(ix + K - S + s, win[K - S + s]);
    // Two accumulator chains per half: in-order cores wait less on SMLAL.
    int32x4_t acc[2][2] = {{bias_lo, bias_hi}, {vdupq_n_s32(0), vdupq_n_s32(0)}};
    for (int kx = 0; kx < K; ++kx) {
      for (int ky = 0; ky < K; ++ky) {
        const int chain = (kx * K + ky) & 1;
        acc[chain][0] = mla_low(acc[chain][0], win[kx][ky], wt[kx][ky]);
        acc[chain][1] = mla_high(acc[chain][1], win[kx][ky], wt[kx][ky]);
      }
    }
    for (int kx = 0; kx < K - S; ++kx) {
      for (int ky = 0; ky < K; ++ky) win[kx][ky] = win[kx + S][ky];
    }
    finish(acc);
  }
}

// Out of line, so that GCC's register allocation of the multiplier-1 loops
// in row() stays as it is (inlined, it cost the 3x3 stride-2 loop 8
// instructions per output).
template <int K, int S, RequantProfile kProfile>
__attribute__((noinline)) void row_block_spread(const Qs8DwconvRowArgs& a, size_t block, size_t n,
                                                const uint8_t* w, const OutputRange& range) {
  row_block<K, S, kProfile, false, true>(a, block, n, w, range);
}

template <int K, int S, RequantProfile kProfile>
__attribute__((noinline)) void row(const Qs8DwconvRowArgs& a) {
  constexpr size_t kBlockBytes = kBlock * sizeof(int32_t) + size_t(K) * ((K + 1) / 2) * kBlock * 4;
  const OutputRange range(*a.params);
  const auto* w = static_cast<const uint8_t*>(a.packed_w);
  for (size_t block = 0; block < a.channels; block += kBlock, w += kBlockBytes) {
    const size_t n = a.channels - block < kBlock ? a.channels - block : kBlock;
    if (a.depth_multiplier > 1) {
      row_block_spread<K, S, kProfile>(a, block, n, w, range);
    } else if (n == kBlock) {
      row_block<K, S, kProfile, true>(a, block, n, w, range);
    } else {
      row_block<K, S, kProfile, false>(a, block, n, w, range);
    }
  }
}

template <RequantProfile kProfile>
struct ForProfile {};

template <typename F>
void with_profile(RequantProfile profile, F&& f) {
  switch (profile) {
    case RequantProfile::kXnnpackFp32:
      return f(ForProfile<RequantProfile::kXnnpackFp32>{});
    case RequantProfile::kSingleRounding:
      return f(ForProfile<RequantProfile::kSingleRounding>{});
    case RequantProfile::kTfliteOptimized:
      return f(ForProfile<RequantProfile::kTfliteOptimized>{});
    case RequantProfile::kTfliteReference:
    default:
      return f(ForProfile<RequantProfile::kTfliteReference>{});
  }
}

template <RequantProfile kProfile>
constexpr RequantProfile profile_of(ForProfile<kProfile>) {
  return kProfile;
}

inline void pixel_any_profile(size_t channels, size_t taps, const int8_t* const* inputs,
                              const void* packed_w, int8_t* output, const Qs8GemmParams& params) {
  with_profile(qs8_kernel_profile(params), [&](auto tag) {
    pixel<profile_of(decltype(tag){})>(channels, taps, inputs, packed_w, output, params);
  });
}

template <int K, int S>
void row_any_profile(const Qs8DwconvRowArgs& a) {
  with_profile(qs8_kernel_profile(*a.params), [&](auto tag) { row<K, S, profile_of(decltype(tag){})>(a); });
}

}  // namespace
}  // namespace dwconv
}  // namespace neon
}  // namespace lowbit
