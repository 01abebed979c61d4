// SVDF's float32 and hybrid kernels and the choice of kernel (the integer
// one is in svdf_integer_kernel.cpp). Their float products run through the
// f32_dot4 family (LiteRT's four-lane order: the same bits as the
// reference), the hybrid feature product's int32 sums through qs8_matvec,
// where the CPU has SIMD rows; the reference kernel set runs
// kernels/reference/svdf.h and hybrid.h directly.
#include "ops/svdf_kernels.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "kernels/f32_dot4.h"
#include "kernels/qs8_matvec.h"
#include "kernels/reference/hybrid.h"

namespace lowbit {
namespace svdf {
namespace {

// The float time product (svdf_float_time) through a kernels/f32_dot4.h row:
// each filter's time weights against its window, then bias and activation.
void float_time(const ref::SvdfShape& s, ref::F32Dot4Fn dot, const float* weights_time,
                const float* bias, int activation, const float* state, float* time, float* output) {
  for (int b = 0; b < s.batches; ++b) {
    float* t = time + int64_t{b} * s.filters;
    dot(size_t(s.filters), size_t(s.memory), weights_time, state + int64_t{b} * s.filters * s.memory,
        size_t(s.memory), t);
    ref::svdf_float_output(s, bias, activation, t, output + int64_t{b} * s.units());
  }
}

// The f32_dot4 row to use, or null where it is the reference (whose kernel
// set runs kernels/reference/svdf.h directly); `name` gets its name.
ref::F32Dot4Fn select_dot4(PrepareContext& ctx, const char** name) {
  const auto& row = ctx.selector().select(f32_dot4_variants());
  *name = row.name;
  return std::strcmp(row.isa, "reference") == 0 ? nullptr : row.fn;
}
// TFLite's EvalHybridSVDF: each batch row of the input quantized to int8
// (symmetric, or asymmetric with options.asymmetric_quantize_inputs), the
// feature product in int32 scaled back to float into the state, then the
// float time product with the time weights dequantized once.
class HybridSvdfKernel : public SvdfKernel {
 public:
  Status prepare(PrepareContext& ctx) override {
    s_ = layer_shape(ctx.graph(), ctx.op());
    const auto& options = std::get<RecurrentOptions>(ctx.op().options);
    activation_ = options.fused_activation;
    asymmetric_ = options.asymmetric_quantize_inputs;
    feature_scale_ = ctx.input(kWeightsFeature).quant.scales[0];
    const size_t time_count = size_t(s_.filters) * s_.memory;
    auto* time = static_cast<float*>(ctx.allocate_persistent(sizeof(float) * time_count));
    auto* sums = static_cast<int32_t*>(ctx.allocate_persistent(sizeof(int32_t) * size_t(s_.filters)));
    if (time == nullptr || sums == nullptr) {
      return Status(StatusCode::kResourceExhausted, "no memory for the hybrid SVDF's weights");
    }
    const auto* time_q = static_cast<const int8_t*>(ctx.input(kWeightsTime).data);
    const float time_scale = ctx.input(kWeightsTime).quant.scales[0];
    for (size_t i = 0; i < time_count; ++i) time[i] = float(time_q[i]) * time_scale;
    ref::int8_row_sums(static_cast<const int8_t*>(ctx.input(kWeightsFeature).data), s_.filters,
                       s_.inputs, sums);
    time_weights_ = time;
    row_sums_ = sums;
    const size_t cells = size_t(s_.batches) * s_.filters;
    // The time products and the feature products (floats), one batch row's
    // int32 sums, then the quantized input rows.
    ctx.request_scratch(2 * sizeof(float) * cells + sizeof(int32_t) * size_t(s_.filters) +
                        size_t(s_.batches) * s_.inputs);
    const auto& matvec = ctx.selector().select(qs8_matvec_variants());
    // The reference kernel set runs ref::hybrid_matvec_accumulate and
    // svdf_float_time directly.
    if (std::strcmp(matvec.isa, "reference") != 0) {
      matvec_ = matvec.fn;
      name_ = std::string("hybrid_svdf+") + matvec.name;
    }
    const char* dot_name = "";
    dot4_ = select_dot4(ctx, &dot_name);
    if (dot4_ != nullptr) name_ = (matvec_ != nullptr ? name_ : "hybrid_svdf") + "+" + dot_name;
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    float* state = static_cast<float*>(const_cast<void*>(ctx.input(kState)));
    const float* input = ctx.input_as<float>(kInput);
    const size_t cells = size_t(s_.batches) * s_.filters;
    float* time = static_cast<float*>(ctx.scratch());
    float* features = time + cells;
    auto* sums = reinterpret_cast<int32_t*>(features + cells);
    int8_t* quantized = reinterpret_cast<int8_t*>(sums + s_.filters);
    ref::svdf_shift_state(s_, state);
    // TFLite clears the newest places and skips the products of an all-zero input.
    std::fill(features, features + cells, 0.0f);
    if (!ref::is_zero_vector(input, int64_t{s_.batches} * s_.inputs)) {
      for (int b = 0; b < s_.batches; ++b) {
        float scale = 0.0f;
        int32_t offset = 0;
        int8_t* q = quantized + int64_t{b} * s_.inputs;
        ref::hybrid_quantize_row(input + int64_t{b} * s_.inputs, s_.inputs, asymmetric_, q, &scale,
                                 &offset);
        const int8_t* weights = ctx.input_as<int8_t>(kWeightsFeature);
        float* result = features + int64_t{b} * s_.filters;
        if (matvec_ != nullptr) {
          matvec_(size_t(s_.filters), size_t(s_.inputs), weights, q, sums);
          ref::hybrid_accumulate_sums(sums, s_.filters, scale * feature_scale_, offset, row_sums_,
                                      result);
        } else {
          ref::hybrid_matvec_accumulate(weights, s_.filters, s_.inputs, q, scale * feature_scale_,
                                        offset, row_sums_, result);
        }
      }
    }
    for (size_t i = 0; i < cells; ++i) state[i * s_.memory + s_.memory - 1] = features[i];
    if (dot4_ != nullptr) {
      float_time(s_, dot4_, time_weights_, ctx.input_as<float>(kBias), activation_, state, time,
                 ctx.output_as<float>(0));
    } else {
      ref::svdf_float_time(s_, time_weights_, ctx.input_as<float>(kBias), activation_, state, time,
                           ctx.output_as<float>(0));
    }
    return Status::Ok();
  }

  const char* name() const override {
    return matvec_ != nullptr || dot4_ != nullptr ? name_.c_str() : "hybrid_svdf__reference";
  }

 private:
  ref::Qs8MatvecFn matvec_ = nullptr;  // null: the reference kernel, directly
  ref::F32Dot4Fn dot4_ = nullptr;
  std::string name_;
  int activation_ = 0;
  bool asymmetric_ = false;
  float feature_scale_ = 1.0f;
  const float* time_weights_ = nullptr;
  const int32_t* row_sums_ = nullptr;
};

class FloatSvdfKernel : public SvdfKernel {
 public:
  Status prepare(PrepareContext& ctx) override {
    s_ = layer_shape(ctx.graph(), ctx.op());
    activation_ = std::get<RecurrentOptions>(ctx.op().options).fused_activation;
    ctx.request_scratch(sizeof(float) * static_cast<size_t>(s_.batches) * s_.filters);
    const char* dot_name = "";
    dot4_ = select_dot4(ctx, &dot_name);
    name_ = std::string("f32_svdf+") + dot_name;
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    float* state = static_cast<float*>(const_cast<void*>(ctx.input(kState)));
    float* scratch = static_cast<float*>(ctx.scratch());
    if (dot4_ == nullptr) {
      ref::svdf_float(s_, ctx.input_as<float>(kInput), ctx.input_as<float>(kWeightsFeature),
                      ctx.input_as<float>(kWeightsTime), ctx.input_as<float>(kBias), activation_,
                      state, scratch, ctx.output_as<float>(0));
      return Status::Ok();
    }
    // ref::svdf_float's steps: the window moves, each batch row's feature
    // products (into scratch first) enter it, then the time product.
    ref::svdf_shift_state(s_, state);
    const float* input = ctx.input_as<float>(kInput);
    for (int b = 0; b < s_.batches; ++b) {
      dot4_(size_t(s_.filters), size_t(s_.inputs), ctx.input_as<float>(kWeightsFeature),
            input + int64_t{b} * s_.inputs, 0, scratch);
      float* newest = state + int64_t{b} * s_.filters * s_.memory + (s_.memory - 1);
      for (int f = 0; f < s_.filters; ++f) newest[int64_t{f} * s_.memory] = scratch[f];
    }
    float_time(s_, dot4_, ctx.input_as<float>(kWeightsTime), ctx.input_as<float>(kBias),
               activation_, state, scratch, ctx.output_as<float>(0));
    return Status::Ok();
  }

  const char* name() const override {
    return dot4_ != nullptr ? name_.c_str() : "f32_svdf__reference";
  }

 private:
  ref::F32Dot4Fn dot4_ = nullptr;
  std::string name_;
  int activation_ = 0;
};
}  // namespace

ref::SvdfShape layer_shape(const GraphDesc& graph, const OperatorDesc& op) {
  const auto& options = std::get<RecurrentOptions>(op.options);
  ref::SvdfShape s;
  s.batches = graph.tensors[op.inputs[kInput]].shape[0];
  s.inputs = graph.tensors[op.inputs[kInput]].shape[1];
  s.filters = graph.tensors[op.inputs[kWeightsFeature]].shape[0];
  s.memory = graph.tensors[op.inputs[kWeightsTime]].shape[1];
  s.rank = options.rank;
  return s;
}

std::unique_ptr<OpKernel> make_kernel(const GraphDesc& graph, const OperatorDesc& op) {
  switch (graph.tensors[op.inputs[kState]].dtype) {
    case DType::kInt8:
    case DType::kInt16: return make_integer_kernel(graph.tensors[op.inputs[kState]].dtype);
    default:
      if (graph.tensors[op.inputs[kWeightsFeature]].dtype == DType::kInt8) {
        return std::unique_ptr<OpKernel>(new HybridSvdfKernel());
      }
      return std::unique_ptr<OpKernel>(new FloatSvdfKernel());
  }
}

}  // namespace svdf
}  // namespace lowbit
