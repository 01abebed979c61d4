// The library links every float kernel: the operators' entry point forwards
// to the factory. (The retired whole-runtime firmware build had an entry
// point that linked them only on request; the indirection stays for
// lowbit_op_resolver_add_float_kernels, now a no-op.)
#include "ops/float/float_kernels.h"

namespace lowbit {

Result<std::unique_ptr<OpKernel>> create_float_kernel(const GraphDesc& graph,
                                                      const OperatorDesc& op) {
  return make_float_kernel(graph, op);
}

void link_float_kernels() {}

}  // namespace lowbit
