// NEG: -x, float32 and int32 (-INT32_MIN wraps to itself); int8 negates the
// stored values as TFLite does (quantization ignored, -(-128) wraps to -128),
// as a 256-entry table.
#include "ops/byte_table_util.h"
#include "ops/math_elementwise_util.h"

namespace lowbit {
namespace {

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  return create_float_int32_or_table(
      graph, op,
      {ref::f32_neg__reference, "f32_neg__reference", ref::s32_neg__reference, "s32_neg__reference"},
      ref::make_neg_table);
}

}  // namespace

LOWBIT_REGISTER_OP(Neg, validate_float_int32_or_int8_unary, create)

}  // namespace lowbit
