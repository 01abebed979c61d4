// LOG: std::log. int8 runs TFLite's 256-entry table, where inputs <= 0 give
// the output's lowest value; TFLite has no uint8 LOG. float32: the reference
// loop (log of a negative is NaN, of 0 is -inf, as std::log).
#include "ops/byte_table_util.h"
#include "ops/math_elementwise_util.h"

namespace lowbit {
namespace {

void build(const OperatorDesc&, const ref::ByteQuant& in, const ref::ByteQuant& out,
           uint8_t table[256]) {
  ref::make_float_table(in, out, ref::log_transform, ref::lowest_output_value(out), table);
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  return validate_plain_unary(graph, op, {DType::kFloat32, DType::kInt8}, output_shapes);
}

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  return create_float_or_table(graph, op, ref::f32_log__reference, "f32_log__reference", build);
}

}  // namespace

LOWBIT_REGISTER_OP(Log, validate, create)

}  // namespace lowbit
