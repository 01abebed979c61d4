// Helpers shared by PAD, CONCATENATION and RESHAPE, which move elements of
// any byte-sized dtype without looking at their values.
#pragma once

#include <cstddef>

#include "ops/op_kernel.h"

namespace lowbit {

// Bytes per element for the dtypes these operators move (0 for bit tensors,
// whose elements are not byte addressable).
size_t element_bytes(DType dtype);

// Rejects bit tensors on operand `i` with a message naming it (int64 and bool,
// like every whole-byte dtype, are accepted).
Status check_byte_addressable(const GraphDesc& graph, const OperatorDesc& op, bool is_input,
                              size_t i);

// int8/uint8 operands must share the output's scale and zero point.
Status check_same_quantization(const GraphDesc& graph, const OperatorDesc& op, size_t input);

}  // namespace lowbit
