// ARG_MAX / ARG_MIN over int8 and uint8 channels with NEON, 16 per vector, one
// source for aarch64 (arg_reduce_neon.cpp) and 32-bit ARM
// (arg_reduce_armv7neon.cpp): the key operations ref::first_best_key
// (kernels/reference/arg_reduce.h) searches with. Other dtypes and axes are
// the reference's.
#pragma once

#include <arm_neon.h>

#include <cstring>

#include "kernels/arg_reduce.h"

namespace lowbit {
namespace arg_neon {
namespace {

struct NeonKeys {
  using Vec = int8x16_t;
  static constexpr size_t kLanes = 16;

  static Vec splat(uint8_t byte) { return vreinterpretq_s8_u8(vdupq_n_u8(byte)); }
  static Vec max(Vec a, Vec b) { return vmaxq_s8(a, b); }

  static Vec broadcast_max(Vec v) {
#if defined(__aarch64__)
    return vdupq_n_s8(vmaxvq_s8(v));
#else
    int8x8_t m = vpmax_s8(vget_low_s8(v), vget_high_s8(v));
    m = vpmax_s8(m, m);
    m = vpmax_s8(m, m);
    m = vpmax_s8(m, m);
    return vdupq_lane_s8(m, 0);
#endif
  }

  // A partial chunk is read through a copy when a full load would pass the
  // input's end, and its lanes from `count` on are set to the lowest key.
  static Vec keys(const uint8_t* x, size_t count, size_t readable, Vec flip) {
    uint8_t copy[kLanes] = {};
    if (count < kLanes && readable < kLanes) {
      std::memcpy(copy, x, count);
      x = copy;
    }
    const Vec v = veorq_s8(vreinterpretq_s8_u8(vld1q_u8(x)), flip);
    if (count == kLanes) return v;
    static const uint8_t kLaneIndex[kLanes] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    const uint8x16_t inside = vcltq_u8(vld1q_u8(kLaneIndex), vdupq_n_u8(static_cast<uint8_t>(count)));
    return vbslq_s8(inside, v, vdupq_n_s8(-128));
  }

  // No movemask in NEON: four bits per lane by a narrowing shift.
  static size_t first_equal(Vec a, Vec b) {
    const uint8x8_t nibbles = vshrn_n_u16(vreinterpretq_u16_u8(vceqq_s8(a, b)), 4);
    const uint64_t hits = vget_lane_u64(vreinterpret_u64_u8(nibbles), 0);
    return hits == 0 ? kLanes : static_cast<size_t>(__builtin_ctzll(hits)) / 4;
  }
};

}  // namespace
}  // namespace arg_neon
}  // namespace lowbit

// Defines arg_reduce__<isa> in the one file per ISA that includes this.
#define LOWBIT_DEFINE_ARG_REDUCE_NEON(isa)                                                      \
  void lowbit::arg_reduce__##isa(const ref::ArgReduceParams& p, const void* input, void* output, \
                                 size_t outer_begin, size_t outer_end) {                        \
    ref::arg_reduce_simd<arg_neon::NeonKeys>(p, input, output, outer_begin, outer_end);         \
  }
