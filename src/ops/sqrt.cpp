// SQRT: std::sqrt per element, float32 (TFLite's elementwise.cc).
#include "ops/math_elementwise_util.h"

namespace lowbit {
namespace {

Result<std::unique_ptr<OpKernel>> create(const GraphDesc&, const OperatorDesc&) {
  return create_float_unary(ref::f32_sqrt__reference, "f32_sqrt__reference");
}

}  // namespace

LOWBIT_REGISTER_OP(Sqrt, validate_float_unary, create)

}  // namespace lowbit
