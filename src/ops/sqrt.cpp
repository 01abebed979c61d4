// SQRT: std::sqrt per element, float32 (TFLite's elementwise.cc); int8 as
// TFLite's quantized SQRT, in float and truncated, as a 256-entry table. A
// negative int8 input makes invoke() fail, as in TFLite.
#include "ops/byte_table_util.h"
#include "ops/math_elementwise_util.h"

namespace lowbit {
namespace {

void build(const OperatorDesc&, const ref::ByteQuant& in, const ref::ByteQuant& out,
           uint8_t table[256]) {
  ref::make_sqrt_table(in, out, table);
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  return validate_plain_unary(graph, op, {DType::kFloat32, DType::kInt8}, output_shapes);
}

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  return create_float_or_table(graph, op, ref::f32_sqrt__reference, "f32_sqrt__reference", build,
                               true);
}

}  // namespace

LOWBIT_REGISTER_OP(Sqrt, validate, create)

}  // namespace lowbit
