// QUANTIZE: float32 -> int8/uint8 (round(x / scale) + zp, ties away from
// zero, saturating; xnnpack_fp32 uses XNNPACK's x * (1 / scale) rounded half
// to even), and requantization uint8 -> int8, uint8 -> uint8 (legacy uint8
// models such as DeepLab), int8 -> uint8 and int8 -> int8 by the multiplier
// s_in / s_out (formed in double as TFLite does; applied in the profile's
// requantization).
#include <memory>

#include "kernels/qs8_quantize.h"
#include "ops/conversion_kernel.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 1, 1, 1));
  LOWBIT_RETURN_IF_ERROR(
      check_dtype(graph, op, true, 0, {DType::kFloat32, DType::kInt8, DType::kUInt8}));
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, 0, {DType::kInt8, DType::kUInt8}));
  const DType in = graph.tensors[op.inputs[0]].dtype;
  if (in != DType::kFloat32) LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, true, 0));
  LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, false, 0));
  output_shapes[0] = graph.tensors[op.inputs[0]].shape;
  return Status::Ok();
}

void set_quantize_params(const PrepareContext& ctx, ref::QuantizeParams* p) {
  const TensorDesc& out = ctx.output(0);
  p->scale = out.quant.scales[0];
  p->inverse_scale = 1.0f / p->scale;
  p->xnnpack_rounding = ctx.profile() == RequantProfile::kXnnpackFp32;
  p->zero_point = out.quant.zero_points[0];
  p->qmin = out.dtype == DType::kUInt8 ? 0 : -128;
  p->qmax = out.dtype == DType::kUInt8 ? 255 : 127;
}

void set_requantize_params(const PrepareContext& ctx, ref::RequantizeParams* p) {
  const TensorDesc& in = ctx.input(0);
  const TensorDesc& out = ctx.output(0);
  const float si = in.quant.scales[0], so = out.quant.scales[0];
  p->profile = ctx.profile();
  p->input_zero_point = in.quant.zero_points[0];
  p->output_zero_point = out.quant.zero_points[0];
  p->rescale = ref::make_requantizer(p->profile, double(si) / double(so), si / so);
  p->act_min = out.dtype == DType::kUInt8 ? 0 : -128;
  p->act_max = out.dtype == DType::kUInt8 ? 255 : 127;
}

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  const DType in = graph.tensors[op.inputs[0]].dtype;
  const DType out = graph.tensors[op.outputs[0]].dtype;
  if (in == DType::kFloat32 && out == DType::kInt8) {
    return conversion_kernel(qs8_quantize_variants(), set_quantize_params);
  }
  if (in == DType::kFloat32) return conversion_kernel(qu8_quantize_variants(), set_quantize_params);
  if (in == DType::kUInt8 && out == DType::kUInt8) {
    return conversion_kernel(qu8_requantize_variants(), set_requantize_params);
  }
  if (in == DType::kUInt8) {
    return conversion_kernel(qu8_qs8_requantize_variants(), set_requantize_params);
  }
  if (out == DType::kUInt8) {
    return conversion_kernel(qs8_qu8_requantize_variants(), set_requantize_params);
  }
  return conversion_kernel(qs8_requantize_variants(), set_requantize_params);
}

}  // namespace

LOWBIT_REGISTER_OP(Quantize, validate, create)

}  // namespace lowbit
