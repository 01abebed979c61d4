// ABS: |x|, float32 and int32 (|INT32_MIN| wraps to itself, as TFLite's
// std::abs does in practice).
#include "ops/math_elementwise_util.h"

namespace lowbit {
namespace {

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  return create_float_or_int32_unary(graph, op,
                                     {ref::f32_abs__reference, "f32_abs__reference",
                                      ref::s32_abs__reference, "s32_abs__reference"});
}

}  // namespace

LOWBIT_REGISTER_OP(Abs, validate_float_or_int32_unary, create)

}  // namespace lowbit
