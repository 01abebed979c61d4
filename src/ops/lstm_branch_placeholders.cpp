// THROWAWAY: values 54-65 of lowbit/ops.def are added on other branches; these
// registrations only keep the values dense on the LSTM branch. Delete this
// file (and the placeholder block of ops.def / lowbit.fbs) at that merge.
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
LOWBIT_REGISTER_OP(ReduceMax, refuse, never_created)
LOWBIT_REGISTER_OP(ReduceMin, refuse, never_created)
LOWBIT_REGISTER_OP(Sum, refuse, never_created)
LOWBIT_REGISTER_OP(SpaceToBatchNd, refuse, never_created)
LOWBIT_REGISTER_OP(BatchToSpaceNd, refuse, never_created)

}  // namespace lowbit
