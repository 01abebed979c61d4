// IEEE 754 half precision (TFLite's FLOAT16) to float32: exact for every
// value, subnormals, infinities and NaNs (payload kept) included.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace lowbit {
namespace ref {

inline float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h >> 15) << 31;
  const uint32_t exponent = (h >> 10) & 0x1fu, mantissa = h & 0x3ffu;
  if (exponent == 0) {  // zero or subnormal: mantissa * 2^-24, exact in float
    const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    return sign ? -magnitude : magnitude;
  }
  // Infinities and NaNs keep their payload bits (as Eigen's conversion does).
  const uint32_t biased = exponent == 31 ? 0xffu : exponent + (127 - 15);
  const uint32_t bits = sign | (biased << 23) | (mantissa << 13);
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

// DEQUANTIZE of float16 values: elements [begin, end).
inline void f16_dequantize__reference(const uint16_t* input, float* output, size_t begin,
                                      size_t end) {
  for (size_t i = begin; i < end; ++i) output[i] = half_to_float(input[i]);
}

}  // namespace ref
}  // namespace lowbit
