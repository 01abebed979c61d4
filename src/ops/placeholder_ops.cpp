// THROWAWAY: TANH..L2_NORMALIZATION (54-60) are added on other branches; these
// registrations only keep ops.def's values dense until they are merged.
// Delete this file (and the placeholder lines of ops.def and lowbit.fbs) at
// that merge.
#include "ops/op_kernel.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

Status refuse(const GraphDesc&, const OperatorDesc&, Shape*) {
  return Status(StatusCode::kUnsupported, "is not implemented on this branch");
}

Result<std::unique_ptr<OpKernel>> never_created(const GraphDesc&, const OperatorDesc&) {
  return Status(StatusCode::kUnsupported, "is not implemented on this branch");
}

}  // namespace

LOWBIT_REGISTER_OP(Tanh, refuse, never_created)
LOWBIT_REGISTER_OP(Exp, refuse, never_created)
LOWBIT_REGISTER_OP(Log, refuse, never_created)
LOWBIT_REGISTER_OP(LeakyRelu, refuse, never_created)
LOWBIT_REGISTER_OP(Prelu, refuse, never_created)
LOWBIT_REGISTER_OP(TransposeConv, refuse, never_created)
LOWBIT_REGISTER_OP(L2Normalization, refuse, never_created)

}  // namespace lowbit
