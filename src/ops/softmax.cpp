// SOFTMAX over the innermost dimension; int8 output scale 1/256, zero point
// -128. tflite_reference follows TFLite Micro's reference kernel (gemmlowp
// fixed-point exp); single_rounding and xnnpack_fp32 follow TFLite's optimized
// kernel as built for x86 (a 256-entry float exp table, float sums; aarch64
// clang builds use a different uint16 table), which is also what runs int8
// SOFTMAX under TFLite's XNNPACK delegate. float32 runs through the float
// kernels.
//
// 16x8 models add int8 -> int16 (TFLite's reference algorithm above with
// int16 probabilities: scale 1/65536, zero point -32768) and int16 -> int16
// (TFLite's SoftmaxInt16: exp and reciprocal tables, scale 1/32768), both
// TFLite's reference kernels in every profile.
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>

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

// An int16 output's fixed scale and zero point: 1/65536 and -32768 after
// int8, 1/32768 and 0 after int16 (TFLite's tolerance of 0.1% on the scale).
Status check_int16_probability_output(const GraphDesc& graph, const OperatorDesc& op) {
  const bool from_int8 = graph.tensors[op.inputs[0]].dtype == DType::kInt8;
  const float scale = from_int8 ? 1.0f / 65536 : 1.0f / 32768;
  const int32_t zero_point = from_int8 ? -32768 : 0;
  const TensorDesc& out = graph.tensors[op.outputs[0]];
  if (out.quant.zero_points[0] != zero_point ||
      !(std::fabs(out.quant.scales[0] - scale) <= 0.001f * scale)) {
    return invalid(describe_output(graph, op, 0) + " must have scale 1/" +
                   (from_int8 ? "65536 and zero point -32768" : "32768 and zero point 0") +
                   " (int16 probabilities)");
  }
  return Status::Ok();
}

// int8 -> int16 or int16 -> int16, per-tensor quantization.
Status validate_int16_operands(const GraphDesc& graph, const OperatorDesc& op,
                               Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 1, 1, 1));
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, 0, {DType::kInt8, DType::kInt16}));
  LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, true, 0));
  LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, false, 0));
  if (graph.tensors[op.inputs[0]].dtype == DType::kInt16) {
    LOWBIT_RETURN_IF_ERROR(check_symmetric_int16(graph, op, true, 0));
  }
  output_shapes[0] = graph.tensors[op.inputs[0]].shape;
  return check_int16_probability_output(graph, op);
}

bool has_int16_output(const GraphDesc& graph, const OperatorDesc& op) {
  return op.outputs.size() == 1 && op.outputs[0] >= 0 &&
         static_cast<size_t>(op.outputs[0]) < graph.tensors.size() &&
         graph.tensors[op.outputs[0]].dtype == DType::kInt16;
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(has_int16_output(graph, op)
                             ? validate_int16_operands(graph, op, output_shapes)
                             : validate_int8_or_float_unary(graph, op, output_shapes));
  const float beta = softmax_beta(op);
  if (!(beta > 0.0f) || !std::isfinite(beta)) {
    return invalid("beta must be positive and finite, got " + std::to_string(beta));
  }
  const TensorDesc& in = graph.tensors[op.inputs[0]];
  if (in.shape.rank < 1) return invalid(describe_input(graph, op, 0) + " must have rank >= 1");
  if (in.dtype != DType::kInt8) return Status::Ok();
  if (has_int16_output(graph, op)) {
    ref::Qs8SoftmaxParams params;
    return make_params(graph, op, &params);
  }
  const TensorDesc& out = graph.tensors[op.outputs[0]];
  if (out.quant.zero_points[0] != -128 || std::fabs(out.quant.scales[0] - 1.0f / 256) > 1e-8f) {
    return invalid(describe_output(graph, op, 0) + " must have scale 1/256 and zero point -128");
  }
  ref::Qs8SoftmaxParams params;
  return make_params(graph, op, &params);
}

// The quantized kernels: rows of the innermost dimension, at most
// max_row_size long (the kernel's sum would overflow beyond).
template <typename Fn, typename Params, typename In, typename Out>
class RowSoftmax : public VariantKernel<Fn> {
 public:
  Status run(const RunContext& ctx) override {
    if (rows_ == 0) return Status::Ok();
    const In* in = ctx.input_as<In>(0);
    Out* out = ctx.output_as<Out>(0);
    const size_t rows_per_task = row_size_ >= kElementwiseBlock ? 1 : kElementwiseBlock / row_size_;
    parallel_blocks(ctx.pool(), rows_, rows_per_task, [&](size_t begin, size_t end) {
      this->fn_(params_, end - begin, row_size_, in + begin * row_size_, out + begin * row_size_);
    });
    return Status::Ok();
  }

 protected:
  Status plan_rows(PrepareContext& ctx, size_t max_row_size, const char* sum) {
    LOWBIT_RETURN_IF_ERROR(check_same_element_count(ctx));
    const Shape& shape = ctx.input(0).shape;
    row_size_ = static_cast<size_t>(shape[shape.rank - 1]);
    rows_ = row_size_ == 0 ? 0 : static_cast<size_t>(shape.num_elements()) / row_size_;
    if (row_size_ <= max_row_size) return Status::Ok();
    return Status(StatusCode::kUnsupported,
                  describe_input(ctx.graph(), ctx.op(), 0) + " rows of " +
                      std::to_string(row_size_) + " elements overflow " + sum + " (at most " +
                      std::to_string(max_row_size) + ")");
  }

  Params params_{};

 private:
  size_t rows_ = 0, row_size_ = 0;
};

class Qs8Softmax : public RowSoftmax<ref::Qs8SoftmaxFn, ref::Qs8SoftmaxParams, int8_t, int8_t> {
 public:
  Status prepare(PrepareContext& ctx) override {
    LOWBIT_RETURN_IF_ERROR(make_params(ctx.graph(), ctx.op(), &params_));
    const bool reference = ctx.profile() == RequantProfile::kTfliteReference;
    // The fixed-point sum holds 4095 exp(0) = 1.0 terms in Q12.19; TFLite's
    // would overflow beyond that, so longer rows have no reference answer.
    LOWBIT_RETURN_IF_ERROR(plan_rows(ctx, reference ? 4095 : SIZE_MAX,
                                     "the tflite_reference SOFTMAX sum"));
    if (!reference) {
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
    select(ctx, reference ? qs8_softmax_variants() : qs8_softmax_table_variants());
    return Status::Ok();
  }
};

class Qs8Qs16Softmax
    : public RowSoftmax<ref::Qs8Qs16SoftmaxFn, ref::Qs8SoftmaxParams, int8_t, int16_t> {
 public:
  Status prepare(PrepareContext& ctx) override {
    LOWBIT_RETURN_IF_ERROR(make_params(ctx.graph(), ctx.op(), &params_));
    LOWBIT_RETURN_IF_ERROR(plan_rows(ctx, 4095, "the fixed-point SOFTMAX sum"));
    select(ctx, qs8_qs16_softmax_variants());
    return Status::Ok();
  }
};

double exp_of(double x) { return std::exp(x); }
double one_over_one_plus(double x) { return 1.0 / (1.0 + x); }

class Qs16Softmax
    : public RowSoftmax<ref::Qs16SoftmaxFn, ref::Qs16SoftmaxParams, int16_t, int16_t> {
 public:
  Status prepare(PrepareContext& ctx) override {
    LOWBIT_RETURN_IF_ERROR(plan_rows(ctx, 65535, "the int16 SOFTMAX sum"));
    auto* luts = static_cast<int16_t*>(
        ctx.allocate_persistent(2 * ref::kInt16LutSize * sizeof(int16_t)));
    if (luts == nullptr) return Status(StatusCode::kResourceExhausted, "cannot allocate tables");
    ref::make_int16_lut(exp_of, -10.0, 0.0, luts);
    ref::make_int16_lut(one_over_one_plus, 0.0, 1.0, luts + ref::kInt16LutSize);
    params_.exp_lut = luts;
    params_.one_over_one_plus_x_lut = luts + ref::kInt16LutSize;
    params_.profile = ctx.profile() == RequantProfile::kXnnpackFp32
                          ? RequantProfile::kSingleRounding
                          : ctx.profile();
    // [-65535, 0] onto [-10, 0]; the scale-beta product in float, as TFLite forms it.
    const float scale_beta = ctx.input(0).quant.scales[0] * softmax_beta(ctx.op());
    params_.input_rescale =
        ref::make_requantizer(params_.profile, double(scale_beta) / (10.0 / 65535.0), 0.0f);
    select(ctx, qs16_softmax_variants());
    return Status::Ok();
  }
};

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
  if (has_int16_output(graph, op)) {
    if (graph.tensors[op.inputs[0]].dtype == DType::kInt8) {
      return std::unique_ptr<OpKernel>(new Qs8Qs16Softmax());
    }
    return std::unique_ptr<OpKernel>(new Qs16Softmax());
  }
  return create_float_or_quantized<Qs8Softmax>(graph, op);
}

}  // namespace

LOWBIT_REGISTER_OP(Softmax, validate, create)

}  // namespace lowbit
