// THROWAWAY: ARG_MAX (40) and ARG_MIN (41) are added on another branch; these
// registrations only keep ops.def's values dense until it is merged. Delete
// this file at that merge.
#include "ops/op_util.h"
#include "ops/op_kernel.h"

namespace lowbit {
namespace {

Status refuse(const GraphDesc&, const OperatorDesc&, Shape*) {
  return Status(StatusCode::kUnsupported, "is not implemented on this branch");
}

Result<std::unique_ptr<OpKernel>> never_created(const GraphDesc&, const OperatorDesc&) {
  return Status(StatusCode::kUnsupported, "is not implemented on this branch");
}

}  // namespace

LOWBIT_REGISTER_OP(ArgMax, refuse, never_created)
LOWBIT_REGISTER_OP(ArgMin, refuse, never_created)

}  // namespace lowbit
