// REDUCE_MAX / REDUCE_MIN of int8 and uint8 with NEON, 16 bytes per vector
// (kernels/reference/reduce_simd.h), one source for aarch64 (reduce_neon.cpp)
// and 32-bit ARM (reduce_armv7neon.cpp). Other dtypes and kinds are the
// reference's.
#pragma once

#include "kernels/arm/arg_reduce_neon.h"
#include "kernels/reduce.h"
#include "kernels/reference/reduce_simd.h"

namespace lowbit {
namespace reduce_neon {
namespace {

// ARG_MAX's key operations (splat, max, broadcast_max) and plain loads.
struct NeonBytes : arg_neon::NeonKeys {
  static Vec load(const uint8_t* x) { return vreinterpretq_s8_u8(vld1q_u8(x)); }
  static void store(uint8_t* y, Vec v) { vst1q_u8(y, vreinterpretq_u8_s8(v)); }
  static Vec keys(Vec v, Vec flip) { return veorq_s8(v, flip); }
  static int8_t largest(Vec v) { return vgetq_lane_s8(broadcast_max(v), 0); }
};

}  // namespace
}  // namespace reduce_neon
}  // namespace lowbit

// Defines reduce__<isa> in the one file per ISA that includes this.
#define LOWBIT_DEFINE_REDUCE_NEON(isa)                                                       \
  void lowbit::reduce__##isa(const ref::ReduceParams& p, const void* input, void* output,    \
                             size_t begin, size_t end) {                                    \
    ref::reduce_simd<reduce_neon::NeonBytes>(p, input, output, begin, end);                 \
  }
