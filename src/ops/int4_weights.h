// int4 weights (DType::kInt4: two signed nibbles a byte over the flattened
// tensor, element 2i in the low nibble of byte i) as the int8 the weighted
// operators compute with. CONV_2D and FULLY_CONNECTED sign-extend them once
// at prepare and run the int8 paths on the result, so an int4 model gives the
// same bytes as the int8 model with the same weight values in every kernel
// set. The SIMD GEMM packs a temporary copy; the reference kernels keep one in
// persistent memory (packed-weight bytes).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/int4.h"
#include "ops/op_kernel.h"

namespace lowbit {

inline void unpack_int4(const uint8_t* packed, size_t count, int8_t* out) {
  for (size_t i = 0; i < count; ++i) out[i] = int4_element(packed, i);
}

// Operand `input` of the operator as int8: its own bytes when int8, an
// unpacked copy in persistent memory when int4; nullptr when that memory
// cannot be had.
inline const int8_t* weights_as_int8(PrepareContext& ctx, size_t input) {
  const TensorDesc& w = ctx.input(input);
  if (w.dtype != DType::kInt4) return static_cast<const int8_t*>(w.data);
  const size_t count = static_cast<size_t>(w.shape.num_elements());
  auto* unpacked = static_cast<int8_t*>(ctx.allocate_persistent(count));
  if (unpacked == nullptr) return nullptr;
  unpack_int4(static_cast<const uint8_t*>(w.data), count, unpacked);
  return unpacked;
}

}  // namespace lowbit
