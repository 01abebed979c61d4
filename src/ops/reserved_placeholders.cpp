// BRANCH-ONLY (wip-tconv): registrations for ops.def values 54-58, which another
// branch implements; they exist so this branch's list stays dense. Every one
// refuses to load. Delete this file with the placeholder block of ops.def when
// merging.
#include "ops/op_kernel.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

Status refuse(const GraphDesc&, const OperatorDesc&, Shape*) {
  return Status(StatusCode::kUnsupported, "is not implemented on this branch");
}

Result<std::unique_ptr<OpKernel>> no_kernel(const GraphDesc&, const OperatorDesc&) {
  return Status(StatusCode::kUnsupported, "is not implemented on this branch");
}

}  // namespace

LOWBIT_REGISTER_OP(Tanh, refuse, no_kernel)
LOWBIT_REGISTER_OP(Exp, refuse, no_kernel)
LOWBIT_REGISTER_OP(Log, refuse, no_kernel)
LOWBIT_REGISTER_OP(LeakyRelu, refuse, no_kernel)
LOWBIT_REGISTER_OP(Prelu, refuse, no_kernel)

}  // namespace lowbit
