// Float operators: lowbit's own float32 kernels or XNNPACK's operator API.
#pragma once

#include <memory>

#include "ops/op_kernel.h"

namespace lowbit {

// The kernel for a validated operator whose activations are float32 (lowbit's
// own or XNNPACK's, as the interpreter's float_kernels says); an error Status
// when the operator has no float implementation. What the operators call; it
// forwards to make_float_kernel (float_kernel_entry.cpp).
Result<std::unique_ptr<OpKernel>> create_float_kernel(const GraphDesc& graph,
                                                      const OperatorDesc& op);
// Every float operator's kernel factory (float_kernels.cpp).
Result<std::unique_ptr<OpKernel>> make_float_kernel(const GraphDesc& graph,
                                                    const OperatorDesc& op);
// What lowbit_op_resolver_add_float_kernels calls: nothing to do (the float
// kernels are always linked; the C API keeps the call for older firmware code).
void link_float_kernels();

// create() of an operator whose quantized kernel Quantized needs no options:
// the float kernel for float32 input, else Quantized.
template <typename Quantized>
Result<std::unique_ptr<OpKernel>> create_float_or_quantized(const GraphDesc& graph,
                                                            const OperatorDesc& op) {
  if (graph.tensors[op.inputs[0]].dtype == DType::kFloat32) return create_float_kernel(graph, op);
  return std::unique_ptr<OpKernel>(new Quantized());
}

}  // namespace lowbit
