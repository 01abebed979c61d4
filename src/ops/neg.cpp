// NEG: -x, float32 and int32 (-INT32_MIN wraps to itself).
#include "ops/math_elementwise_util.h"

namespace lowbit {
namespace {

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  return create_float_or_int32_unary(graph, op,
                                     {ref::f32_neg__reference, "f32_neg__reference",
                                      ref::s32_neg__reference, "s32_neg__reference"});
}

}  // namespace

LOWBIT_REGISTER_OP(Neg, validate_float_or_int32_unary, create)

}  // namespace lowbit
