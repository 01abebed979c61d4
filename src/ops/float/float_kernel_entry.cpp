// Hosted builds link every float kernel: the operators' entry point forwards
// to the factory. The firmware library has its own entry point instead
// (src/platform/float/float_kernel_hook.cpp), which links the factory only
// when the program asks for float operators.
#include "ops/float/float_kernels.h"

namespace lowbit {

Result<std::unique_ptr<OpKernel>> create_float_kernel(const GraphDesc& graph,
                                                      const OperatorDesc& op) {
  return make_float_kernel(graph, op);
}

void link_float_kernels() {}

}  // namespace lowbit
