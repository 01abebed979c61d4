// FLOOR_MOD: the remainder of a / b with b's sign, float32 and int32 with NumPy
// broadcasting (TFLite's floor_mod.cc). An int32 zero divisor fails invoke()
// naming the operator instead of being undefined.
#include "ops/math_elementwise_util.h"

namespace lowbit {
namespace {

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  const bool is_int32 = graph.tensors[op.inputs[0]].dtype == DType::kInt32;
  return create_float_or_int32_binary(
      graph, op,
      {ref::f32_floor_mod__reference, "f32_floor_mod__reference", ref::s32_floor_mod__reference,
       "s32_floor_mod__reference"},
      is_int32);
}

}  // namespace

LOWBIT_REGISTER_OP(FloorMod, validate_float_or_int32_binary, create)

}  // namespace lowbit
