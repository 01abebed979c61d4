// SOFTMAX over the innermost dimension; int8 output scale 1/256, zero point
// -128. tflite_reference follows TFLite Micro's reference kernel (gemmlowp
// fixed-point exp); single_rounding and xnnpack_fp32 follow TFLite's optimized
// kernel as built for x86 (a 256-entry float exp table, float sums; aarch64
// clang builds use a different uint16 table), which is also what runs int8
// SOFTMAX under TFLite's XNNPACK delegate. float32 runs through the float
// kernels.
#include <cmath>
#include <memory>

#include "kernels/qs8_softmax.h"
#include "ops/add_elementwise_util.h"
#include "ops/float/float_kernels.h"
#include "ops/op_util.h"

namespace lowbit {
namespace {

// Absent options mean TFLite's default beta of 1.
float softmax_beta(const OperatorDesc& op) {
  const auto* opt = get_options<SoftmaxOptions>(op);
  return opt ? opt->beta : 1.0f;
}

Status make_params(const GraphDesc& graph, const OperatorDesc& op, ref::Qs8SoftmaxParams* p) {
  const float beta = softmax_beta(op);
  const TensorDesc& in = graph.tensors[op.inputs[0]];
  if (!ref::make_qs8_softmax_params(beta, in.quant.scales[0], p)) {
    return invalid("beta " + std::to_string(beta) + " times " + describe_input(graph, op, 0) +
                   " scale is outside the range SOFTMAX supports");
  }
  return Status::Ok();
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(validate_int8_or_float_unary(graph, op, output_shapes));
  const float beta = softmax_beta(op);
  if (!(beta > 0.0f) || !std::isfinite(beta)) {
    return invalid("beta must be positive and finite, got " + std::to_string(beta));
  }
  const TensorDesc& in = graph.tensors[op.inputs[0]];
  if (in.shape.rank < 1) return invalid(describe_input(graph, op, 0) + " must have rank >= 1");
  if (in.dtype != DType::kInt8) return Status::Ok();
  const TensorDesc& out = graph.tensors[op.outputs[0]];
  if (out.quant.zero_points[0] != -128 || std::fabs(out.quant.scales[0] - 1.0f / 256) > 1e-8f) {
    return invalid(describe_output(graph, op, 0) + " must have scale 1/256 and zero point -128");
  }
  ref::Qs8SoftmaxParams params;
  return make_params(graph, op, &params);
}

class Qs8Softmax : public VariantKernel<ref::Qs8SoftmaxFn> {
 public:
  Status prepare(PrepareContext& ctx) override {
    LOWBIT_RETURN_IF_ERROR(make_params(ctx.graph(), ctx.op(), &params_));
    LOWBIT_RETURN_IF_ERROR(check_same_element_count(ctx));
    const Shape& shape = ctx.input(0).shape;
    row_size_ = static_cast<size_t>(shape[shape.rank - 1]);
    rows_ = row_size_ == 0 ? 0 : static_cast<size_t>(shape.num_elements()) / row_size_;
    if (ctx.profile() != RequantProfile::kTfliteReference) {
      auto* table = static_cast<float*>(ctx.allocate_persistent(256 * sizeof(float)));
      if (table == nullptr) return Status(StatusCode::kResourceExhausted, "cannot allocate table");
      ref::make_qs8_softmax_exp_table(softmax_beta(ctx.op()),
                                      ctx.input(0).quant.scales[0], table);
      params_.exp_table = table;
    } else {
      // The SIMD fixed-point variant looks the exp up (2 KiB); the reference ignores it.
      auto* table = static_cast<int32_t*>(
          ctx.allocate_persistent(kQs8SoftmaxFixedTableSize * sizeof(int32_t)));
      if (table == nullptr) return Status(StatusCode::kResourceExhausted, "cannot allocate table");
      make_qs8_softmax_fixed_exp_table(params_, table);
      params_.fixed_exp_table = table;
    }
    // The fixed-point sum holds 4095 exp(0) = 1.0 terms in Q12.19; TFLite's
    // would overflow beyond that, so longer rows have no reference answer.
    if (ctx.profile() == RequantProfile::kTfliteReference && row_size_ > 4095) {
      return Status(StatusCode::kUnsupported,
                    describe_input(ctx.graph(), ctx.op(), 0) + " rows of " +
                        std::to_string(row_size_) +
                        " elements overflow the tflite_reference SOFTMAX sum (at most 4095)");
    }
    select(ctx, ctx.profile() == RequantProfile::kTfliteReference ? qs8_softmax_variants()
                                                                  : qs8_softmax_table_variants());
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    if (rows_ == 0) return Status::Ok();
    const int8_t* in = ctx.input_as<int8_t>(0);
    int8_t* out = ctx.output_as<int8_t>(0);
    const size_t rows_per_task = row_size_ >= kElementwiseBlock ? 1 : kElementwiseBlock / row_size_;
    parallel_blocks(ctx.pool(), rows_, rows_per_task, [&](size_t begin, size_t end) {
      fn_(params_, end - begin, row_size_, in + begin * row_size_, out + begin * row_size_);
    });
    return Status::Ok();
  }

 private:
  ref::Qs8SoftmaxParams params_;
  size_t rows_ = 0, row_size_ = 0;
};

}  // namespace

LOWBIT_REGISTER_OP(Softmax, validate, create_float_or_quantized<Qs8Softmax>)

}  // namespace lowbit
