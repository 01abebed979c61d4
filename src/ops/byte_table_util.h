// What the quantized one-input math operators (TANH, EXP, LOG, LEAKY_RELU,
// ABS, NEG, SQRT, RSQRT) share: each maps an input byte to an output byte, so
// its int8/uint8 kernel is a 256-entry table built in prepare() by a
// ref::TableBuilder (kernels/reference/qs8_math.h) and run by the x8_lut
// family; their float32 kernels are reference loops.
#pragma once

#include <cstdint>
#include <memory>

#include "kernels/reference/qs8_math.h"
#include "ops/math_elementwise_util.h"

namespace lowbit {

// One operator's kernels. With reject_negative, run() first fails naming the
// position of any input below the input's zero point (a negative real value:
// SQRT, RSQRT).
struct TableUnaryOp {
  void (*f32)(size_t, const float*, float*);
  const char* f32_name;
  ref::TableBuilder build;
  bool reject_negative;
};

// The table kernel; `param` goes to the builder (LEAKY_RELU's alpha).
std::unique_ptr<OpKernel> make_byte_table_kernel(ref::TableBuilder build, float param,
                                                 bool reject_negative);

// The float32 kernel for a float32 input 0, else the table kernel.
Result<std::unique_ptr<OpKernel>> create_float_or_table(const GraphDesc& graph,
                                                        const OperatorDesc& op,
                                                        const TableUnaryOp& kernels);
template <const TableUnaryOp& kKernels>
Result<std::unique_ptr<OpKernel>> create_table_unary(const GraphDesc& graph, const OperatorDesc& op) {
  return create_float_or_table(graph, op, kKernels);
}

// ABS and NEG: float32 and int32 kernels, or the table kernel for int8.
Result<std::unique_ptr<OpKernel>> create_float_int32_or_table(const GraphDesc& graph,
                                                              const OperatorDesc& op,
                                                              const UnaryPair& kernels,
                                                              ref::TableBuilder build);
Status validate_float_int32_or_int8_unary(const GraphDesc& graph, const OperatorDesc& op,
                                          Shape* output_shapes);

// Operands all float32, int8 or uint8 (TANH, LEAKY_RELU).
Status validate_float_or_8bit_unary(const GraphDesc& graph, const OperatorDesc& op,
                                    Shape* output_shapes);

}  // namespace lowbit
