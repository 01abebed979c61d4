// DEQUANTIZE: int8/uint8 -> float32, float(double(scale) * (q - zp)) as TFLite.
#include <memory>

#include "kernels/qs8_quantize.h"
#include "ops/conversion_kernel.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 1, 1, 1));
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, 0, {DType::kInt8, DType::kUInt8}));
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, 0, {DType::kFloat32}));
  LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, true, 0));
  output_shapes[0] = graph.tensors[op.inputs[0]].shape;
  return Status::Ok();
}

void set_dequantize_params(const PrepareContext& ctx, ref::DequantizeParams* p) {
  const TensorDesc& in = ctx.input(0);
  p->scale = in.quant.scales[0];
  p->zero_point = in.quant.zero_points[0];
}

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  if (graph.tensors[op.inputs[0]].dtype == DType::kUInt8) {
    return conversion_kernel(qu8_dequantize_variants(), set_dequantize_params);
  }
  return conversion_kernel(qs8_dequantize_variants(), set_dequantize_params);
}

}  // namespace

LOWBIT_REGISTER_OP(Dequantize, validate, create)

}  // namespace lowbit
