#include "ops/float/float_kernels.h"

namespace lowbit {

Result<std::unique_ptr<OpKernel>> create_float_kernel(const GraphDesc&, const OperatorDesc& op) {
  return Status(StatusCode::kUnsupported,
                std::string("float ") + op_type_name(op.type) + " is not implemented yet");
}

}  // namespace lowbit
