// QUANTIZE: float32 -> int8/uint8 (round(x / scale) + zp, ties away from
// zero, saturating; xnnpack_fp32 uses XNNPACK's x * (1 / scale) rounded half
// to even), and requantization uint8 -> int8, uint8 -> uint8 (legacy uint8
// models such as DeepLab), int8 -> uint8 and int8 -> int8 by the multiplier
// s_in / s_out (formed in double as TFLite does; applied in the profile's
// requantization). 16x8 models add float32 -> int16 and the requantizations
// int16 -> int16/int8/int32, int8 -> int16 and int32 -> int16 (TFLite Micro's;
// the seanet models), all on the same rules with the int16 range.
#include <climits>
#include <memory>

#include "kernels/qs8_quantize.h"
#include "ops/add_elementwise_util.h"
#include "ops/conversion_kernel.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 1, 1, 1));
  LOWBIT_RETURN_IF_ERROR(check_dtype(
      graph, op, true, 0,
      {DType::kFloat32, DType::kInt8, DType::kUInt8, DType::kInt16, DType::kInt32}));
  const DType in = graph.tensors[op.inputs[0]].dtype;
  // The output types TFLite (and, for int32 input, TFLite Micro) converts each input to.
  switch (in) {
    case DType::kFloat32:
    case DType::kInt8:
      LOWBIT_RETURN_IF_ERROR(
          check_dtype(graph, op, false, 0, {DType::kInt8, DType::kUInt8, DType::kInt16}));
      break;
    case DType::kInt16:
      LOWBIT_RETURN_IF_ERROR(
          check_dtype(graph, op, false, 0, {DType::kInt8, DType::kInt16, DType::kInt32}));
      break;
    case DType::kInt32:
      LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, 0, {DType::kInt16}));
      break;
    default:
      LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, 0, {DType::kInt8, DType::kUInt8}));
      break;
  }
  if (in != DType::kFloat32) LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, true, 0));
  LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, false, 0));
  // TFLite's int16 -> int16 requantization is symmetric on both sides (an int8
  // SOFTMAX's int16 output, zero point -32768, only goes to int32 or int8).
  if (in == DType::kInt16 && graph.tensors[op.outputs[0]].dtype == DType::kInt16) {
    LOWBIT_RETURN_IF_ERROR(check_symmetric_int16(graph, op, true, 0));
    LOWBIT_RETURN_IF_ERROR(check_symmetric_int16(graph, op, false, 0));
  }
  output_shapes[0] = graph.tensors[op.inputs[0]].shape;
  return Status::Ok();
}

// The value range of an integer output type.
void type_range(DType dtype, int32_t* lo, int32_t* hi) {
  switch (dtype) {
    case DType::kUInt8: *lo = 0, *hi = 255; return;
    case DType::kInt16: *lo = -32768, *hi = 32767; return;
    case DType::kInt32: *lo = INT32_MIN, *hi = INT32_MAX; return;
    default: *lo = -128, *hi = 127; return;
  }
}

void set_quantize_params(const PrepareContext& ctx, ref::QuantizeParams* p) {
  const TensorDesc& out = ctx.output(0);
  p->scale = out.quant.scales[0];
  p->inverse_scale = 1.0f / p->scale;
  // XNNPACK has no int16 conversion: LiteRT runs TFLite's for it.
  p->xnnpack_rounding =
      ctx.profile() == RequantProfile::kXnnpackFp32 && out.dtype != DType::kInt16;
  p->zero_point = out.quant.zero_points[0];
  type_range(out.dtype, &p->qmin, &p->qmax);
}

void set_requantize_params(const PrepareContext& ctx, ref::RequantizeParams* p) {
  const TensorDesc& in = ctx.input(0);
  const TensorDesc& out = ctx.output(0);
  const float si = in.quant.scales[0], so = out.quant.scales[0];
  const bool wide = in.dtype == DType::kInt16 || in.dtype == DType::kInt32 ||
                    out.dtype == DType::kInt16 || out.dtype == DType::kInt32;
  // XNNPACK has no 16- or 32-bit requantization: LiteRT runs TFLite's.
  p->profile = wide && ctx.profile() == RequantProfile::kXnnpackFp32
                   ? RequantProfile::kSingleRounding
                   : ctx.profile();
  p->input_zero_point = in.quant.zero_points[0];
  p->output_zero_point = out.quant.zero_points[0];
  p->rescale = ref::make_requantizer(p->profile, double(si) / double(so), si / so);
  type_range(out.dtype, &p->act_min, &p->act_max);
}

template <typename In, typename Out>
std::unique_ptr<OpKernel> requantizer(const KernelFamily<ref::RequantizeFn<In, Out>>& family) {
  return conversion_kernel(family, set_requantize_params);
}

// The 16x8 conversions: float32 -> int16, or a requantization to or from int16.
std::unique_ptr<OpKernel> create_int16(DType in, DType out) {
  if (in == DType::kFloat32) {
    return conversion_kernel(qs16_quantize_variants(), set_quantize_params);
  }
  if (in == DType::kInt8) return requantizer(qs8_qs16_requantize_variants());
  if (in == DType::kInt32) return requantizer(qs32_qs16_requantize_variants());
  if (out == DType::kInt8) return requantizer(qs16_qs8_requantize_variants());
  if (out == DType::kInt32) return requantizer(qs16_qs32_requantize_variants());
  return requantizer(qs16_requantize_variants());
}

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  const DType in = graph.tensors[op.inputs[0]].dtype;
  const DType out = graph.tensors[op.outputs[0]].dtype;
  if (in == DType::kInt16 || out == DType::kInt16) return create_int16(in, out);
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
