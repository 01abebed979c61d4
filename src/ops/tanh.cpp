// TANH: std::tanh. int8 and uint8 run TFLite's 256-entry table (its
// LUTPopulate of std::tanh, which BUILTIN_REF uses too); float32 the
// reference loop (XNNPACK's tanh is an approximation, not TFLite's bits);
// int16 (16x8) TFLite's int16 table kernel (kernels/reference/qs16_activation.h).
#include "ops/byte_table_util.h"
#include "ops/math_elementwise_util.h"
#include "ops/qs16_unary_util.h"

namespace lowbit {
namespace {
constexpr TableUnaryOp kTanh{ref::f32_tanh__reference, "f32_tanh__reference", ref::make_tanh_table,
                             false};

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  if (has_int16_input(graph, op)) return validate_qs16_sigmoid(graph, op, output_shapes);
  return validate_float_or_8bit_unary(graph, op, output_shapes);
}

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  if (has_int16_input(graph, op)) return make_qs16_sigmoid_kernel(true);
  return create_table_unary<kTanh>(graph, op);
}
}  // namespace

LOWBIT_REGISTER_OP(Tanh, validate, create)

}  // namespace lowbit
