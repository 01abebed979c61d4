// DType::kInt4 storage: two signed 4-bit values per byte over the flattened
// tensor, element 2i in the low nibble of byte i. The one decoder the
// kernels, the operators, the quantizer and the tools share.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lowbit {

// Element `index` of a flattened int4 tensor, sign-extended.
inline int8_t int4_element(const uint8_t* nibbles, size_t index) {
  const uint8_t byte = nibbles[index / 2];
  const uint8_t nibble = index % 2 ? byte >> 4 : byte & 0x0F;
  return static_cast<int8_t>(static_cast<int8_t>(nibble << 4) >> 4);
}

}  // namespace lowbit
