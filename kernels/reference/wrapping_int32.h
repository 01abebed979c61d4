// int32 arithmetic modulo 2^32 for the scalar kernels' accumulators, which
// must behave as the SIMD lanes do when a model file's prepared data states
// a false accumulator range (kernels/qs8_conv.h).
#pragma once

#include <cstdint>

namespace lowbit {

inline int32_t wrapping_add(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}

inline int32_t wrapping_mul(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) * static_cast<uint32_t>(b));
}

}  // namespace lowbit
