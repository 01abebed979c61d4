// What the quantized one-input math operators (TANH, EXP, LOG, LEAKY_RELU,
// ABS, NEG, SQRT, RSQRT) share: each maps an input byte to an output byte, so
// its int8/uint8 kernel is a 256-entry table built in prepare() by a
// TableBuilder (kernels/reference/qs8_math.h) and run by the x8_lut family.
#pragma once

#include <cstdint>
#include <memory>

#include "kernels/reference/qs8_math.h"
#include "ops/add_elementwise_util.h"

namespace lowbit {

ref::ByteQuant byte_quant(const TensorDesc& t);

// Fills table[input byte] = output byte for the operator's quantization.
using TableBuilder = void (*)(const OperatorDesc& op, const ref::ByteQuant& in,
                              const ref::ByteQuant& out, uint8_t table[256]);

// With reject_negative, run() first fails naming the position of any input
// below the input's zero point (a negative real value: SQRT, RSQRT).
std::unique_ptr<OpKernel> make_byte_table_kernel(TableBuilder build, bool reject_negative);

// The float32 kernel fn, or the table kernel for an int8/uint8 input 0.
Result<std::unique_ptr<OpKernel>> create_float_or_table(const GraphDesc& graph,
                                                        const OperatorDesc& op,
                                                        void (*fn)(size_t, const float*, float*),
                                                        const char* name, TableBuilder build,
                                                        bool reject_negative = false);

}  // namespace lowbit
