// ABS: |x|, float32 and int32 (|INT32_MIN| wraps to itself, as TFLite's
// std::abs does in practice); int8 as TFLite's quantized ABS (|q - zp_in|
// rescaled to the output), as a 256-entry table.
#include "ops/byte_table_util.h"
#include "ops/math_elementwise_util.h"

namespace lowbit {
namespace {

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  return create_float_int32_or_table(
      graph, op,
      {ref::f32_abs__reference, "f32_abs__reference", ref::s32_abs__reference, "s32_abs__reference"},
      ref::make_abs_table);
}

}  // namespace

LOWBIT_REGISTER_OP(Abs, validate_float_int32_or_int8_unary, create)

}  // namespace lowbit
