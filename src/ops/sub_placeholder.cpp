// PLACEHOLDER for SUB (value 23), which another branch adds: lowbit/ops.def
// values must be dense, and the data movement operators start at 24. Drop
// this file when merging the real src/ops/sub.cpp.
#include "ops/op_util.h"
#include "ops/op_kernel.h"

namespace lowbit {
namespace {

Status validate(const GraphDesc&, const OperatorDesc&, Shape*) {
  return Status(StatusCode::kUnsupported, "SUB is not implemented in this build");
}

Result<std::unique_ptr<OpKernel>> create(const GraphDesc&, const OperatorDesc&) {
  return Status(StatusCode::kUnsupported, "SUB is not implemented in this build");
}

}  // namespace

LOWBIT_REGISTER_OP(Sub, validate, create)

}  // namespace lowbit
