// uint8 MEAN and SUM (which runs the uint8 kernel) with NEON, one source for
// aarch64 (qs8_mean_neon.cpp) and 32-bit ARM (qs8_mean_armv7neon.cpp),
// bit-exact with kernels/reference/qs8_mean.cpp: the same int32 sums (exact
// in any order; the operator caps the count so they cannot overflow), then
// the reference's requantization (kernels/arm/qs8_requant_neon.h lane for
// lane). Eight contiguous outputs per step when the innermost kept dimension
// is contiguous; sums of 16 bytes at a time when the innermost reduced one is.
#pragma once

#include <arm_neon.h>

#include <algorithm>

#include "kernels/arm/qs8_requant_neon.h"
#include "kernels/qs8_mean.h"

namespace lowbit {
namespace mean_neon {
namespace {

// Four sums rescaled under the params' profile, plus the zero point, clamped.
inline int32x4_t requantize4(int32x4_t acc, const ref::MeanQuantParams& p) {
  const ref::Requantizer& r = p.requantizer;
  int32x4_t v;
  switch (p.profile) {
    case RequantProfile::kSingleRounding:
      v = neon::requant_single_rounding(acc, vdupq_n_s32(r.multiplier), vdupq_n_s32(r.shift));
      break;
    case RequantProfile::kXnnpackFp32:
      v = neon::requant_fp32(acc, vdupq_n_f32(r.scale));
      break;
    case RequantProfile::kTfliteReference:
    case RequantProfile::kTfliteOptimized:
    default:
      v = neon::requant_double_rounding(acc, vdupq_n_s32(r.multiplier), vdupq_n_s32(r.shift),
                                        ref::rounds_half_up(p.profile));
      break;
  }
  v = vmaxq_s32(v, vdupq_n_s32(-ref::kRequantizedLimit));
  v = vminq_s32(v, vdupq_n_s32(ref::kRequantizedLimit));
  v = vaddq_s32(v, vdupq_n_s32(p.output_zero_point));
  return vminq_s32(vmaxq_s32(v, vdupq_n_s32(p.act_min)), vdupq_n_s32(p.act_max));
}

// Eight neighbouring outputs (stride 1 in the input) per step.
inline void across_outputs(const ref::MeanQuantParams& p, const uint8_t* input, uint8_t* output,
                           size_t begin, size_t end) {
  const size_t inner = static_cast<size_t>(p.kept_dims[p.kept_rank - 1]);
  const int32x4_t centering = vdupq_n_s32(p.count * p.input_zero_point);
  size_t o = begin;
  while (o < end) {
    // Eight outputs that stay within one run of the contiguous dimension.
    if (o + 8 > end || o % inner + 8 > inner) {
      const size_t run_end = std::min(end, o - o % inner + inner);
      ref::qu8_mean__reference(p, input, output, o, run_end);
      o = run_end;
      continue;
    }
    uint32x4_t low = vdupq_n_u32(0), high = vdupq_n_u32(0);
    ref::for_each_reduced(p, ref::reduce_output_base(p, o), [&](size_t offset) {
      const uint16x8_t v = vmovl_u8(vld1_u8(input + offset));
      low = vaddw_u16(low, vget_low_u16(v));
      high = vaddw_u16(high, vget_high_u16(v));
    });
    const int32x4_t lo = requantize4(vsubq_s32(vreinterpretq_s32_u32(low), centering), p);
    const int32x4_t hi = requantize4(vsubq_s32(vreinterpretq_s32_u32(high), centering), p);
    // Already in [act_min, act_max] within 0..255: the saturating narrows are exact.
    vst1_u8(output + o, vqmovun_s16(vcombine_s16(vqmovn_s32(lo), vqmovn_s32(hi))));
    o += 8;
  }
}

// Each output sums whole runs of the innermost (contiguous) reduced
// dimension, 16 bytes per step by pairwise widening adds.
inline void of_runs(const ref::MeanQuantParams& p, const uint8_t* input, uint8_t* output,
                    size_t begin, size_t end) {
  const size_t run = static_cast<size_t>(p.reduced_dims[p.reduced_rank - 1]);
  ref::ReduceGeometry runs = p;  // the reduced dimensions but the innermost
  runs.reduced_rank -= 1;
  runs.count = p.count / static_cast<int32_t>(run);
  for (size_t o = begin; o < end; ++o) {
    uint32x4_t sums = vdupq_n_u32(0);
    uint32_t tail = 0;
    ref::for_each_reduced(runs, ref::reduce_output_base(p, o), [&](size_t at) {
      const uint8_t* x = input + at;
      size_t i = 0;
      for (; i + 16 <= run; i += 16) sums = vpadalq_u16(sums, vpaddlq_u8(vld1q_u8(x + i)));
      for (; i < run; ++i) tail += x[i];
    });
    const uint64x2_t pairs = vpaddlq_u32(sums);
    const uint32_t vector_sum =
        static_cast<uint32_t>(vgetq_lane_u64(pairs, 0) + vgetq_lane_u64(pairs, 1));
    const int32_t sum = static_cast<int32_t>(vector_sum + tail);
    output[o] = static_cast<uint8_t>(ref::requantize_to_output(
        sum - p.count * p.input_zero_point, p.requantizer, p.profile, p.output_zero_point,
        p.act_min, p.act_max));
  }
}

inline void mean(const ref::MeanQuantParams& p, const uint8_t* input, uint8_t* output,
                 size_t begin, size_t end) {
  if (p.kept_rank >= 1 && p.kept_strides[p.kept_rank - 1] == 1) {
    across_outputs(p, input, output, begin, end);
  } else if (p.reduced_rank >= 1 && p.reduced_strides[p.reduced_rank - 1] == 1) {
    of_runs(p, input, output, begin, end);
  } else {
    ref::qu8_mean__reference(p, input, output, begin, end);
  }
}

}  // namespace
}  // namespace mean_neon
}  // namespace lowbit

// Defines qu8_mean__<isa> in the one file per ISA that includes this.
#define LOWBIT_DEFINE_QU8_MEAN_NEON(isa)                                                       \
  void lowbit::qu8_mean__##isa(const ref::MeanQuantParams& p, const uint8_t* input,            \
                               uint8_t* output, size_t begin, size_t end) {                   \
    mean_neon::mean(p, input, output, begin, end);                                            \
  }
