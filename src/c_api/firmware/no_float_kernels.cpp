// The firmware build leaves out XNNPACK, which runs every float operator:
// float graphs are refused at prepare with a message naming the operator.
#include "ops/float/float_kernels.h"

namespace lowbit {

Result<std::unique_ptr<OpKernel>> create_float_kernel(const GraphDesc& /*graph*/,
                                                      const OperatorDesc& op) {
  return Status(StatusCode::kUnsupported,
                std::string(op_type_name(op.type)) +
                    ": float operators need XNNPACK, which the firmware build leaves out");
}

}  // namespace lowbit
