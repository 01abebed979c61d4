// Placeholder registration for an operator whose implementation has not landed.
#pragma once

#include "ops/op_kernel.h"

namespace lowbit {

inline Status validate_unimplemented(const GraphDesc&, const OperatorDesc& op, Shape*) {
  return Status(StatusCode::kUnsupported,
                std::string(op_type_name(op.type)) + " is not implemented in this build");
}

inline Result<std::unique_ptr<OpKernel>> create_unimplemented(const GraphDesc&,
                                                              const OperatorDesc& op) {
  return Status(StatusCode::kUnsupported,
                std::string(op_type_name(op.type)) + " is not implemented in this build");
}

}  // namespace lowbit
