// EXP: std::exp. int8 runs TFLite's 256-entry table (LUTPopulate of
// std::exp); TFLite has no uint8 EXP. float32: the reference loop.
#include "ops/byte_table_util.h"
#include "ops/math_elementwise_util.h"

namespace lowbit {
namespace {

void build(const OperatorDesc&, const ref::ByteQuant& in, const ref::ByteQuant& out,
           uint8_t table[256]) {
  ref::make_float_table(in, out, ref::exp_transform, 0.0f, table);
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  return validate_plain_unary(graph, op, {DType::kFloat32, DType::kInt8}, output_shapes);
}

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  return create_float_or_table(graph, op, ref::f32_exp__reference, "f32_exp__reference", build);
}

}  // namespace

LOWBIT_REGISTER_OP(Exp, validate, create)

}  // namespace lowbit
