// int8 depthwise 3x3 row kernels for aarch64 with the dot-product extension
// (Cortex-A55/A76 and later, e.g. the Raspberry Pi 5): per input column the
// three kernel rows of 8 channels are interleaved byte-wise with a zero into
// 4-byte groups (r0, r1, r2, 0), so one SDOT adds a whole kernel column for
// 4 channels: 6 SDOT per output of 8 channels where SMLAL needs 18.
// Same row layout as the NEON kernels (int16 row pairs, 8-channel blocks):
// the weights are narrowed back to int8 groups once per block. 5x5 and the
// generic kernel stay with kernels/arm/qs8_dwconv_neon.h.
#include "kernels/arm/qs8_dwconv_neon.h"

namespace lowbit {
namespace {

using neon::dwconv::block_inputs;
using neon::dwconv::BlockInputs;
using neon::dwconv::BlockRequant;
using neon::dwconv::OutputRange;
using neon::dwconv::kBlock;
using neon::dwconv::load_bytes8;

// Three rows of 8 channels as two 4-channel vectors of (r0, r1, r2, 0) groups.
struct Quads {
  int8x16_t lo, hi;  // channels 0-3, 4-7
};

inline Quads interleave(int8x8_t r0, int8x8_t r1, int8x8_t r2) {
  const int8x8_t zero = vdup_n_s8(0);
  const int16x4_t a_lo = vreinterpret_s16_s8(vzip1_s8(r0, r1));
  const int16x4_t a_hi = vreinterpret_s16_s8(vzip2_s8(r0, r1));
  const int16x4_t b_lo = vreinterpret_s16_s8(vzip1_s8(r2, zero));
  const int16x4_t b_hi = vreinterpret_s16_s8(vzip2_s8(r2, zero));
  Quads q;
  q.lo = vcombine_s8(vreinterpret_s8_s16(vzip1_s16(a_lo, b_lo)), vreinterpret_s8_s16(vzip2_s16(a_lo, b_lo)));
  q.hi = vcombine_s8(vreinterpret_s8_s16(vzip1_s16(a_hi, b_hi)), vreinterpret_s8_s16(vzip2_s16(a_hi, b_hi)));
  return q;
}

// kFull: n == 8 (no tail copies in the loop); kSpread: depth multiplier > 1
// (TBL spreads the block's input channels over the lanes).
template <int S, RequantProfile kProfile, bool kFull, bool kSpread>
void row_block(const Qs8DwconvRowArgs& a, size_t block, size_t n, const uint8_t* w,
               const OutputRange& range) {
  constexpr int K = 3, P = 2;
  BlockRequant<kProfile> rq;
  rq.load(*a.params, block);
  const int32x4_t bias_lo = vld1q_s32(reinterpret_cast<const int32_t*>(w));
  const int32x4_t bias_hi = vld1q_s32(reinterpret_cast<const int32_t*>(w) + 4);
  Quads wt[K];
  for (int kx = 0; kx < K; ++kx) {
    const int16_t* pairs = reinterpret_cast<const int16_t*>(w + kBlock * sizeof(int32_t) +
                                                             size_t(kx) * P * kBlock * 4);
    const int16x8x2_t rows01 = vld2q_s16(pairs);
    const int16x8x2_t rows2z = vld2q_s16(pairs + 2 * kBlock);
    // Weights are int8 values stored as int16: narrowing is exact.
    wt[kx] = interleave(vmovn_s16(rows01.val[0]), vmovn_s16(rows01.val[1]), vmovn_s16(rows2z.val[0]));
  }
  const BlockInputs in = block_inputs<kSpread>(a, block, n);
  const size_t in_first = in.first, in_count = in.count;
  const int8x8_t spread_index = in.spread_index;
  auto load_column = [&](ptrdiff_t ix) {
    const bool inside = ix >= 0 && ix < ptrdiff_t(a.input_width);
    const size_t offset = inside ? size_t(ix) * a.input_stride + in_first : 0;
    int8x8_t r[K];
    for (int ky = 0; ky < K; ++ky) {
      const int8_t* src = inside ? a.rows[ky] + offset : a.zero_row + in_first;
      r[ky] = kFull ? vld1_s8(src) : load_bytes8(src, in_count);
      if (kSpread) r[ky] = vtbl1_s8(r[ky], spread_index);
    }
    return interleave(r[0], r[1], r[2]);
  };
  Quads win[K];
  ptrdiff_t ix = a.input_x;
  for (int kx = 0; kx < K - S; ++kx) win[kx] = load_column(ix + kx);
  int8_t* out = a.output + block;
  for (size_t o = 0; o < a.output_width; ++o, ix += S, out += a.pixel_stride) {
    for (int s = 0; s < S; ++s) win[K - S + s] = load_column(ix + K - S + s);
    int32x4_t acc_lo = bias_lo, acc_hi = bias_hi;
    for (int kx = 0; kx < K; ++kx) {
      acc_lo = vdotq_s32(acc_lo, win[kx].lo, wt[kx].lo);
      acc_hi = vdotq_s32(acc_hi, win[kx].hi, wt[kx].hi);
    }
    for (int kx = 0; kx < K - S; ++kx) win[kx] = win[kx + S];
    const int8x8_t bytes = rq.bytes(acc_lo, acc_hi, range);
    if (kFull) {
      vst1_s8(out, bytes);
    } else {
      neon::dwconv::store8(out, bytes, n);
    }
  }
}

template <int S, RequantProfile kProfile>
__attribute__((noinline)) void row(const Qs8DwconvRowArgs& a) {
  constexpr size_t kBlockBytes = kBlock * sizeof(int32_t) + 3 * 2 * kBlock * 4;
  const OutputRange range(*a.params);
  const auto* w = static_cast<const uint8_t*>(a.packed_w);
  for (size_t block = 0; block < a.channels; block += kBlock, w += kBlockBytes) {
    const size_t n = a.channels - block < kBlock ? a.channels - block : kBlock;
    if (a.depth_multiplier > 1) {
      row_block<S, kProfile, false, true>(a, block, n, w, range);
    } else if (n == kBlock) {
      row_block<S, kProfile, true, false>(a, block, n, w, range);
    } else {
      row_block<S, kProfile, false, false>(a, block, n, w, range);
    }
  }
}

template <int S>
void row_any_profile(const Qs8DwconvRowArgs& a) {
  switch (qs8_kernel_profile(*a.params)) {
    case RequantProfile::kXnnpackFp32:
      return row<S, RequantProfile::kXnnpackFp32>(a);
    case RequantProfile::kSingleRounding:
      return row<S, RequantProfile::kSingleRounding>(a);
    case RequantProfile::kTfliteOptimized:
      return row<S, RequantProfile::kTfliteOptimized>(a);
    case RequantProfile::kTfliteReference:
    default:
      return row<S, RequantProfile::kTfliteReference>(a);
  }
}

}  // namespace

void qs8_dwconv_row3x3s1__neondot(const Qs8DwconvRowArgs& a) { row_any_profile<1>(a); }
void qs8_dwconv_row3x3s2__neondot(const Qs8DwconvRowArgs& a) { row_any_profile<2>(a); }

}  // namespace lowbit
