// Float operators run through XNNPACK's operator API.
#pragma once

#include <memory>

#include "ops/op_kernel.h"

namespace lowbit {

// The XNNPACK-backed kernel for a validated operator whose activations are
// float32; an error Status when the operator has no float implementation.
Result<std::unique_ptr<OpKernel>> create_float_kernel(const GraphDesc& graph,
                                                      const OperatorDesc& op);

}  // namespace lowbit
