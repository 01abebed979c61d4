// ARG_MAX / ARG_MIN over int8 and uint8 channels with NEON, 16 per vector, one
// source for aarch64 (arg_reduce_neon.cpp) and 32-bit ARM
// (arg_reduce_armv7neon.cpp): the keys' maximum (kernels/reference/
// arg_reduce.h's key_flip) by vertical then horizontal maxima, then the first
// lane equal to it. Other dtypes and axes are the reference's.
#pragma once

#include <arm_neon.h>

#include <cstring>

#include "kernels/arg_reduce.h"

namespace lowbit {
namespace arg_neon {
namespace {

int8_t horizontal_max(int8x16_t v) {
#if defined(__aarch64__)
  return vmaxvq_s8(v);
#else
  int8x8_t m = vpmax_s8(vget_low_s8(v), vget_high_s8(v));
  m = vpmax_s8(m, m);
  m = vpmax_s8(m, m);
  m = vpmax_s8(m, m);
  return vget_lane_s8(m, 0);
#endif
}

// Four bits per lane of a compare result, lane 0 lowest (no movemask in NEON).
uint64_t lane_nibbles(uint8x16_t equal) {
  const uint8x8_t narrowed = vshrn_n_u16(vreinterpretq_u16_u8(equal), 4);
  return vget_lane_u64(vreinterpret_u64_u8(narrowed), 0);
}

int8x16_t keys_at(const uint8_t* x, uint8x16_t flip) {
  return vreinterpretq_s8_u8(veorq_u8(vld1q_u8(x), flip));
}

// The last n < 16 bytes of a pixel as keys, lanes from n on at the lowest
// key; read through a copy when a full load would pass the input's end.
int8x16_t tail_keys(const uint8_t* x, size_t n, size_t readable, uint8x16_t flip) {
  uint8_t copy[16] = {};
  if (readable < 16) {
    std::memcpy(copy, x, n);
    x = copy;
  }
  static const uint8_t kLanes[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
  const uint8x16_t inside = vcltq_u8(vld1q_u8(kLanes), vdupq_n_u8(static_cast<uint8_t>(n)));
  return vbslq_s8(inside, keys_at(x, flip), vdupq_n_s8(-128));
}

size_t first_best(const uint8_t* x, size_t n, size_t readable, uint8x16_t flip) {
  const size_t whole = n / 16 * 16;
  int8x16_t best = vdupq_n_s8(-128);
  for (size_t i = 0; i < whole; i += 16) best = vmaxq_s8(best, keys_at(x + i, flip));
  int8x16_t tail = best;
  if (whole < n) {
    tail = tail_keys(x + whole, n - whole, readable - whole, flip);
    best = vmaxq_s8(best, tail);
  }
  const int8x16_t max = vdupq_n_s8(horizontal_max(best));
  for (size_t i = 0; i < whole; i += 16) {
    const uint64_t hits = lane_nibbles(vceqq_s8(keys_at(x + i, flip), max));
    if (hits != 0) return i + static_cast<size_t>(__builtin_ctzll(hits)) / 4;
  }
  // The maximum is in the tail: a real lane holds it, before any padding.
  return whole + static_cast<size_t>(__builtin_ctzll(lane_nibbles(vceqq_s8(tail, max)))) / 4;
}

void arg_reduce(const ref::ArgReduceParams& p, const void* input, void* output,
                size_t outer_begin, size_t outer_end) {
  if (!ref::arg_reduce_takes_bytes(p)) {
    ref::arg_reduce__reference(p, input, output, outer_begin, outer_end);
    return;
  }
  const uint8x16_t flip = vdupq_n_u8(ref::arg_reduce_key_flip(p));
  ref::arg_reduce_bytes(p, input, output, outer_begin, outer_end,
                        [flip](const uint8_t* x, size_t n, size_t readable) {
                          return first_best(x, n, readable, flip);
                        });
}

}  // namespace
}  // namespace arg_neon
}  // namespace lowbit

// Defines arg_reduce__<isa> in the one file per ISA that includes this.
#define LOWBIT_DEFINE_ARG_REDUCE_NEON(isa)                                                    \
  namespace lowbit {                                                                          \
  void arg_reduce__##isa(const ref::ArgReduceParams& p, const void* input, void* output,      \
                         size_t outer_begin, size_t outer_end) {                              \
    arg_neon::arg_reduce(p, input, output, outer_begin, outer_end);                           \
  }                                                                                           \
  }
