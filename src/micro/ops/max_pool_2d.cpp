// PLACEHOLDER until the operator lands (helpers replace this file).
#include "micro/op.h"

namespace lowbit {
namespace micro {
namespace {

lowbit_status prepare(PrepareContext& ctx) { return ctx.fail(LOWBIT_UNSUPPORTED, "not yet"); }
void invoke(const InvokeArgs&) {}
constexpr lowbit_micro_op kOp{kOpMaxPool2D, prepare, invoke};

}  // namespace
}  // namespace micro
}  // namespace lowbit

extern "C" const lowbit_micro_op* lowbit_micro_op_max_pool_2d(void) { return &lowbit::micro::kOp; }
