// LOGISTIC: 1 / (1 + exp(-x)); int8 output scale 1/256, zero point -128.
// The int8 algorithm is the profile's: tflite_reference uses TFLite Micro's
// fixed-point kernel; single_rounding the 256-entry float table of TFLite's
// optimized kernel (rounded half away from zero); xnnpack_fp32 the same table
// rounded half to even. float32 runs through the float kernels.
#include <cmath>
#include <memory>

#include "kernels/qs8_logistic.h"
#include "ops/add_elementwise_util.h"
#include "ops/float/float_kernels.h"
#include "ops/op_util.h"

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

class Qs8LogisticFixedPoint
    : public UnaryElementwiseKernel<int8_t, int8_t, ref::Qs8LogisticParams> {
 public:
  Status prepare(PrepareContext& ctx) override {
    const TensorDesc& in = ctx.input(0);
    if (!ref::make_qs8_logistic_params(in.quant.scales[0], in.quant.zero_points[0], &params_)) {
      return invalid(describe_input(ctx.graph(), ctx.op(), 0) +
                     " scale is out of the range LOGISTIC supports");
    }
    return choose(ctx, qs8_logistic_variants());
  }
};

class Qs8LogisticTable : public UnaryElementwiseKernel<int8_t, int8_t, ref::Qs8TableParams> {
 public:
  Status prepare(PrepareContext& ctx) override {
    const TensorDesc& in = ctx.input(0);
    const TensorDesc& out = ctx.output(0);
    auto* table = static_cast<int8_t*>(ctx.allocate_persistent(256));
    if (table == nullptr) return Status(StatusCode::kResourceExhausted, "cannot allocate table");
    ref::make_qs8_logistic_table(in.quant.scales[0], in.quant.zero_points[0], out.quant.scales[0],
                                 out.quant.zero_points[0],
                                 ctx.profile() == RequantProfile::kXnnpackFp32
                                     ? ref::LogisticTableRounding::kHalfToEven
                                     : ref::LogisticTableRounding::kHalfAwayFromZero,
                                 table);
    params_.table = table;
    return choose(ctx, qs8_logistic_table_variants());
  }
};

// Decides the algorithm in prepare(), where the profile is known.
class Qs8Logistic : public OpKernel {
 public:
  Status prepare(PrepareContext& ctx) override {
    if (ctx.profile() == RequantProfile::kTfliteReference) {
      impl_.reset(new Qs8LogisticFixedPoint());
    } else {
      impl_.reset(new Qs8LogisticTable());
    }
    return impl_->prepare(ctx);
  }
  Status run(const RunContext& ctx) override { return impl_->run(ctx); }
  const char* name() const override { return impl_ ? impl_->name() : "qs8_logistic"; }

 private:
  std::unique_ptr<OpKernel> impl_;
};

}  // namespace

LOWBIT_REGISTER_OP(Logistic, validate, create_float_or_quantized<Qs8Logistic>)

}  // namespace lowbit
