// ABS: |x|, float32 and int32 (|INT32_MIN| wraps to itself, as TFLite's
// std::abs does in practice); int8 as TFLite's quantized ABS (|q - zp_in|
// rescaled to the output), as a 256-entry table.
#include "ops/byte_table_util.h"
#include "ops/math_elementwise_util.h"

namespace lowbit {
namespace {

void build(const OperatorDesc&, const ref::ByteQuant& in, const ref::ByteQuant& out,
           uint8_t table[256]) {
  ref::make_abs_table(in, out, table);
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  return validate_plain_unary(graph, op, {DType::kFloat32, DType::kInt32, DType::kInt8},
                              output_shapes);
}

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  if (graph.tensors[op.inputs[0]].dtype == DType::kInt8) return make_byte_table_kernel(build, false);
  return create_float_or_int32_unary(graph, op,
                                     {ref::f32_abs__reference, "f32_abs__reference",
                                      ref::s32_abs__reference, "s32_abs__reference"});
}

}  // namespace

LOWBIT_REGISTER_OP(Abs, validate, create)

}  // namespace lowbit
