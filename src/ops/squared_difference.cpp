// SQUARED_DIFFERENCE: (a - b) * (a - b), float32 and int32 (wrapping) with
// NumPy broadcasting (TFLite's squared_difference.cc).
#include "ops/math_elementwise_util.h"

namespace lowbit {
namespace {

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  return create_float_or_int32_binary(
      graph, op,
      {ref::f32_squared_difference__reference, "f32_squared_difference__reference",
       ref::s32_squared_difference__reference, "s32_squared_difference__reference"},
      false);
}

}  // namespace

LOWBIT_REGISTER_OP(SquaredDifference, validate_float_or_int32_binary, create)

}  // namespace lowbit
