// The NEON steps of the 16x8 GEMM loop (kernels/qs16_gemm_loop.h), for
// aarch64 and 32-bit ARM alike: 8 int16 activations against 8 int8 weights
// widened by SXTL/VMOVL, SMLAL/VMLAL.S16 multiplying the low and high halves
// into two int32x4 accumulators, so a lane takes one product per step.
#pragma once

#include <arm_neon.h>

#include "kernels/qs16_gemm_loop.h"

namespace lowbit {

struct NeonQs16Steps {
  static constexpr size_t kStep = 8;
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
};

}  // namespace lowbit
