// The NEON steps of both 16x8 loops, the GEMM's (kernels/qs16_gemm_loop.h)
// and the depthwise one's (kernels/qs16_dwconv_loop.h), for aarch64 and
// 32-bit ARM alike: 8 int16 activations against 8 int8 weights widened by
// SXTL/VMOVL, SMLAL/VMLAL.S16 multiplying the low and high halves into two
// int32x4 accumulators, so a lane takes one product per step. The GEMM sums
// the lanes (SADDLP/VPADDL.S32), the depthwise loop widens each lane into its
// channel's int64 sum (SADDW/VADDW.S32).
#pragma once

#include <arm_neon.h>

#include "kernels/qs16_dwconv_loop.h"
#include "kernels/qs16_gemm_loop.h"

namespace lowbit {

struct NeonQs16Steps {
  static constexpr size_t kStep = 8;   // k values per GEMM step
  static constexpr size_t kLanes = 8;  // channels per depthwise step
  struct Vec {
    int32x4_t low, high;
  };
  static Vec zero() { return {vdupq_n_s32(0), vdupq_n_s32(0)}; }
  static Vec madd(Vec acc, const int16_t* a, const int8_t* w) {
    const int16x8_t x = vld1q_s16(a);
    const int16x8_t y = vmovl_s8(vld1_s8(w));
    return {vmlal_s16(acc.low, vget_low_s16(x), vget_low_s16(y)),
            vmlal_s16(acc.high, vget_high_s16(x), vget_high_s16(y))};
  }
  static int64_t sum(Vec v) {
    const int64x2_t wide = vaddq_s64(vpaddlq_s32(v.low), vpaddlq_s32(v.high));
    return vgetq_lane_s64(wide, 0) + vgetq_lane_s64(wide, 1);
  }
  static void add_wide(Vec v, int64_t* acc) {
    vst1q_s64(acc, vaddw_s32(vld1q_s64(acc), vget_low_s32(v.low)));
    vst1q_s64(acc + 2, vaddw_s32(vld1q_s64(acc + 2), vget_high_s32(v.low)));
    vst1q_s64(acc + 4, vaddw_s32(vld1q_s64(acc + 4), vget_low_s32(v.high)));
    vst1q_s64(acc + 6, vaddw_s32(vld1q_s64(acc + 6), vget_high_s32(v.high)));
  }
};

}  // namespace lowbit
