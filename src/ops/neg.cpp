// NEG: -x, float32 and int32 (-INT32_MIN wraps to itself); int8 negates the
// stored values as TFLite does (quantization ignored, -(-128) wraps to -128),
// as a 256-entry table.
#include "ops/byte_table_util.h"
#include "ops/math_elementwise_util.h"

namespace lowbit {
namespace {

void build(const OperatorDesc&, const ref::ByteQuant&, const ref::ByteQuant&, uint8_t table[256]) {
  ref::make_neg_table(table);
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  return validate_plain_unary(graph, op, {DType::kFloat32, DType::kInt32, DType::kInt8},
                              output_shapes);
}

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  if (graph.tensors[op.inputs[0]].dtype == DType::kInt8) return make_byte_table_kernel(build, false);
  return create_float_or_int32_unary(graph, op,
                                     {ref::f32_neg__reference, "f32_neg__reference",
                                      ref::s32_neg__reference, "s32_neg__reference"});
}

}  // namespace

LOWBIT_REGISTER_OP(Neg, validate, create)

}  // namespace lowbit
