// Float operators run through XNNPACK's operator API.
#pragma once

#include <memory>

#include "ops/op_kernel.h"

namespace lowbit {

// The XNNPACK-backed kernel for a validated operator whose activations are
// float32; an error Status when the operator has no float implementation.
Result<std::unique_ptr<OpKernel>> create_float_kernel(const GraphDesc& graph,
                                                      const OperatorDesc& op);

// create() of an operator whose quantized kernel Quantized needs no options:
// the float kernel for float32 input, else Quantized.
template <typename Quantized>
Result<std::unique_ptr<OpKernel>> create_float_or_quantized(const GraphDesc& graph,
                                                            const OperatorDesc& op) {
  if (graph.tensors[op.inputs[0]].dtype == DType::kFloat32) return create_float_kernel(graph, op);
  return std::unique_ptr<OpKernel>(new Quantized());
}

}  // namespace lowbit
