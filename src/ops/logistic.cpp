// LOGISTIC: 1 / (1 + exp(-x)); int8 output scale 1/256, zero point -128.
// The int8 algorithm is the profile's: tflite_reference uses TFLite Micro's
// fixed-point kernel; single_rounding the 256-entry float table of TFLite's
// optimized kernel (rounded half away from zero); xnnpack_fp32 the same table
// rounded half to even. All run as a table lookup. float32 runs through the
// float kernels. int16 (16x8) runs TFLite's int16 table kernel
// (kernels/reference/qs16_activation.h) in every profile.
#include <cmath>
#include <string>

#include "kernels/qs8_logistic.h"
#include "ops/add_elementwise_util.h"
#include "ops/float/float_kernels.h"
#include "ops/op_util.h"
#include "ops/qs16_unary_util.h"

namespace lowbit {
namespace {

// int8 outputs of SOFTMAX and LOGISTIC are fixed at scale 1/256, zero point -128.
Status check_probability_output(const GraphDesc& graph, const OperatorDesc& op) {
  const TensorDesc& out = graph.tensors[op.outputs[0]];
  if (out.quant.zero_points[0] != -128 || std::fabs(out.quant.scales[0] - 1.0f / 256) > 1e-8f) {
    return invalid(describe_output(graph, op, 0) + " must have scale 1/256 and zero point -128");
  }
  return Status::Ok();
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  if (has_int16_input(graph, op)) return validate_qs16_sigmoid(graph, op, output_shapes);
  LOWBIT_RETURN_IF_ERROR(validate_int8_or_float_unary(graph, op, output_shapes));
  if (graph.tensors[op.inputs[0]].dtype != DType::kInt8) return Status::Ok();
  LOWBIT_RETURN_IF_ERROR(check_probability_output(graph, op));
  const TensorDesc& in = graph.tensors[op.inputs[0]];
  ref::Qs8LogisticParams params;
  if (!ref::make_qs8_logistic_params(in.quant.scales[0], in.quant.zero_points[0], &params)) {
    return invalid(describe_input(graph, op, 0) + " scale is out of the range LOGISTIC supports");
  }
  return Status::Ok();
}

// Every profile runs a 256-entry table: an int8 input has only 256 values, so
// tabulating the profile's algorithm over all of them at prepare() is exact
// and costs one lookup per element. tflite_reference fills it with TFLite
// Micro's fixed-point kernel, the others with the optimized kernel's float
// table (rounded as the profile says).
class Qs8Logistic : public UnaryElementwiseKernel<int8_t, int8_t, ref::Qs8TableParams> {
 public:
  Status prepare(PrepareContext& ctx) override {
    const TensorDesc& in = ctx.input(0);
    const TensorDesc& out = ctx.output(0);
    ref::Qs8LogisticParams fixed_point;
    if (ctx.profile() == RequantProfile::kTfliteReference &&
        !ref::make_qs8_logistic_params(in.quant.scales[0], in.quant.zero_points[0],
                                       &fixed_point)) {
      return invalid(describe_input(ctx.graph(), ctx.op(), 0) +
                     " scale is out of the range LOGISTIC supports");
    }
    // The table the converter stored for this profile (docs/format.md,
    // "Prepared data"), used in place: any 256 bytes are a valid table.
    const std::string key = "logistic_table.v1 profile=" + std::to_string(int(ctx.profile()));
    if (const void* stored = ctx.find_prepared(key, 256)) {
      params_.table = static_cast<const int8_t*>(stored);
      return choose(ctx, qs8_logistic_table_variants());
    }
    auto* table = static_cast<int8_t*>(ctx.allocate_persistent(256));
    if (table == nullptr) return Status(StatusCode::kResourceExhausted, "cannot allocate table");
    if (ctx.profile() == RequantProfile::kTfliteReference) {
      int8_t every_input[256];
      for (int i = 0; i < 256; ++i) every_input[i] = static_cast<int8_t>(i);
      ref::qs8_logistic__reference(fixed_point, 256, every_input, table);
    } else {
      ref::make_qs8_logistic_table(in.quant.scales[0], in.quant.zero_points[0],
                                   out.quant.scales[0], out.quant.zero_points[0],
                                   ctx.profile() == RequantProfile::kXnnpackFp32
                                       ? ref::LogisticTableRounding::kHalfToEven
                                       : ref::LogisticTableRounding::kHalfAwayFromZero,
                                   table);
    }
    ctx.offer_prepared(key, table, 256);
    params_.table = table;
    return choose(ctx, qs8_logistic_table_variants());
  }
};

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  if (has_int16_input(graph, op)) return make_qs16_sigmoid_kernel(false);
  return create_float_or_quantized<Qs8Logistic>(graph, op);
}

}  // namespace

LOWBIT_REGISTER_OP(Logistic, validate, create)

}  // namespace lowbit
