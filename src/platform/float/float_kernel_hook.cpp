// The firmware library's entry point for float operators. It refers to no
// float kernel itself, so firmware whose models are int8/binary links none;
// link_float_kernels() (its own file, reached only from
// lowbit_op_resolver_add_float_kernels) hands it the factory. Until then a
// float operator is refused at interpreter creation, naming the call to add.
#include "ops/float/float_kernels.h"

namespace lowbit {

namespace {
// Set once, always to the same function (make_float_kernel): no ordering or
// thread concern beyond "before the first float interpreter is created".
CreateFn float_kernel_factory = nullptr;
}  // namespace

void set_float_kernel_factory(CreateFn factory) { float_kernel_factory = factory; }

Result<std::unique_ptr<OpKernel>> create_float_kernel(const GraphDesc& graph,
                                                      const OperatorDesc& op) {
  if (float_kernel_factory == nullptr) {
    return Status(StatusCode::kUnsupported,
                  std::string(op_type_name(op.type)) +
                      ": float32 operators are not linked into this firmware: add them with "
                      "lowbit_op_resolver_add_float_kernels() (lowbit's own float kernels)");
  }
  return float_kernel_factory(graph, op);
}

}  // namespace lowbit
