// RELU and RELU6 on int8: TFLite's ReluX, a requantization from the input to
// the output quantization followed by the activation clamp (both bounds in
// the output quantization). float32 runs through the float kernels.
#pragma once

#include "ops/op_kernel.h"

namespace lowbit {

Status validate_relu(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes);
Result<std::unique_ptr<OpKernel>> create_relu_kernel(const GraphDesc& graph, const OperatorDesc& op,
                                                     Activation activation);

// create() of RELU (Activation::kRelu) and RELU6 (Activation::kRelu6).
template <Activation kActivation>
Result<std::unique_ptr<OpKernel>> create_relu(const GraphDesc& graph, const OperatorDesc& op) {
  return create_relu_kernel(graph, op, kActivation);
}

}  // namespace lowbit
