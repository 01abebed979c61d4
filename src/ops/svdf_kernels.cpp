// With int8 state the feature product is an int8 GEMM (rescaled into the
// state's scale and zero point, clamped to int8): it runs through the qs8 GEMM
// family when the CPU has a SIMD variant. The int16 state's products, and the
// time products, run in the reference kernel.
#include "ops/svdf_kernels.h"

#include <algorithm>
#include <string>

#include "kernels/qs8_gemm.h"
#include "kernels/reference/hybrid.h"
#include "kernels/reference/requantize.h"

namespace lowbit {
namespace svdf {
namespace {

// What every SVDF kernel has: the layer's shape and its work.
class SvdfKernel : public OpKernel {
 public:
  uint64_t macs() const override {
    return uint64_t(s_.batches) * s_.filters * uint64_t(s_.inputs + s_.memory);
  }

 protected:
  ref::SvdfShape s_;
};

template <typename StateT>
class IntegerSvdfKernel : public SvdfKernel {
 public:
  Status prepare(PrepareContext& ctx) override {
    s_ = layer_shape(ctx.graph(), ctx.op());
    const float in_s = ctx.input(kInput).quant.scales[0];
    const float feature_s = ctx.input(kWeightsFeature).quant.scales[0];
    const float time_s = ctx.input(kWeightsTime).quant.scales[0];
    const float state_s = ctx.input(kState).quant.scales[0];
    const float out_s = ctx.output(0).quant.scales[0];
    // Both ratios in float, then widened, as TFLite and TFLite Micro form them.
    const ref::QuantizedMultiplier feature =
        ref::quantize_multiplier(static_cast<double>(in_s * feature_s / state_s));
    const ref::QuantizedMultiplier time =
        ref::quantize_multiplier(static_cast<double>(state_s * time_s / out_s));
    q_.feature_multiplier = feature.multiplier, q_.feature_shift = feature.shift;
    q_.time_multiplier = time.multiplier, q_.time_shift = time.shift;
    q_.input_zero_point = ctx.input(kInput).quant.zero_points[0];
    q_.state_zero_point = ctx.input(kState).quant.zero_points[0];
    q_.output_zero_point = ctx.output(0).quant.zero_points[0];
    const size_t cells = static_cast<size_t>(s_.batches) * s_.filters;
    // The time products (int32), then the GEMM's int8 feature activations.
    ctx.request_scratch(sizeof(int32_t) * cells + cells);
    if (sizeof(StateT) == 1) return prepare_gemm(ctx);
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    // The state is an operator input updated in place; the interpreter keeps
    // variable tensors in the writable arena.
    StateT* state = static_cast<StateT*>(const_cast<void*>(ctx.input(kState)));
    if (gemm_.fn != nullptr) {
      run_gemm(ctx, reinterpret_cast<int8_t*>(state));
    } else {
      ref::svdf_integer_features(s_, q_, ctx.input_as<int8_t>(kInput),
                                 ctx.input_as<int8_t>(kWeightsFeature), state);
    }
    ref::svdf_integer_time(s_, q_, ctx.input_as<StateT>(kWeightsTime),
                           ctx.input_as<int32_t>(kBias), state,
                           static_cast<int32_t*>(ctx.scratch()), ctx.output_as<int8_t>(0));
    return Status::Ok();
  }

  const char* name() const override {
    if (gemm_.fn != nullptr) return name_.c_str();
    return sizeof(StateT) == 1 ? "qs8_svdf_s8state__reference" : "qs8_svdf_s16state__reference";
  }

 private:
  // The feature product as a GEMM of the batch rows by the filters: the
  // weights packed with the input zero point folded in, one multiplier for
  // every filter (TFLite's double rounding whatever the interpreter's
  // profile), the state's zero point as the output's.
  Status prepare_gemm(PrepareContext& ctx) {
    const KernelVariant<Qs8GemmKernel>& variant = ctx.selector().select(qs8_gemm_variants());
    if (variant.fn.portable) return Status::Ok();  // the reference kernel does it directly
    const Qs8GemmLayout& layout = variant.fn.layout;
    const size_t filters = size_t(s_.filters), inputs = size_t(s_.inputs);
    const size_t channels = (filters + layout.nr - 1) / layout.nr * layout.nr;
    void* packed = ctx.allocate_persistent(qs8_gemm_packed_bytes(layout, filters, inputs));
    auto* multipliers = static_cast<int32_t*>(ctx.allocate_persistent(2 * sizeof(int32_t) * channels));
    auto* scales = static_cast<float*>(ctx.allocate_persistent(sizeof(float) * channels));
    rows_ = static_cast<const int8_t**>(ctx.allocate_persistent(sizeof(int8_t*) * size_t(s_.batches)));
    if (packed == nullptr || multipliers == nullptr || scales == nullptr || rows_ == nullptr) {
      return Status(StatusCode::kResourceExhausted, "no memory for the SVDF's packed weights");
    }
    qs8_gemm_pack(layout, filters, inputs, static_cast<const int8_t*>(ctx.input(kWeightsFeature).data),
                  nullptr, q_.input_zero_point, packed);
    for (size_t c = 0; c < filters; ++c) {
      multipliers[c] = q_.feature_multiplier;
      multipliers[channels + c] = q_.feature_shift;
    }
    params_.profile = RequantProfile::kTfliteReference;
    params_.output_zero_point = q_.state_zero_point;
    params_.multiplier = multipliers;
    params_.shift = multipliers + channels;
    params_.scale = scales;  // unread by the double-rounding profile
    packed_ = packed;
    gemm_ = variant.fn;
    name_ = std::string("qs8_svdf_s8state+") + variant.name;
    return Status::Ok();
  }

  // Moves the window, runs the GEMM into scratch and writes its activations
  // into the newest place of each filter's window.
  void run_gemm(const RunContext& ctx, int8_t* state) {
    const size_t cells = static_cast<size_t>(s_.batches) * s_.filters;
    int8_t* features = static_cast<int8_t*>(ctx.scratch()) + sizeof(int32_t) * cells;
    const int8_t* input = ctx.input_as<int8_t>(kInput);
    for (int b = 0; b < s_.batches; ++b) rows_[b] = input + int64_t{b} * s_.inputs;
    ref::svdf_shift_state(s_, state);
    for (int b = 0; b < s_.batches; b += int(gemm_.mr)) {
      const size_t rows = std::min<size_t>(gemm_.mr, size_t(s_.batches - b));
      gemm_.fn(rows, size_t(s_.filters), size_t(s_.inputs), rows_ + b, packed_,
               features + int64_t{b} * s_.filters, size_t(s_.filters), params_);
    }
    for (int b = 0; b < s_.batches; ++b) {
      int8_t* newest = state + int64_t{b} * s_.filters * s_.memory + (s_.memory - 1);
      for (int f = 0; f < s_.filters; ++f) newest[int64_t{f} * s_.memory] = features[int64_t{b} * s_.filters + f];
    }
  }

  ref::SvdfQuantParams q_;
  Qs8GemmKernel gemm_{};  // fn null: the reference kernel
  Qs8GemmParams params_;
  const void* packed_ = nullptr;
  const int8_t** rows_ = nullptr;
  std::string name_;
};

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
    // The time products and the feature products (floats), then the
    // quantized input rows.
    ctx.request_scratch(2 * sizeof(float) * cells + size_t(s_.batches) * s_.inputs);
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    float* state = static_cast<float*>(const_cast<void*>(ctx.input(kState)));
    const float* input = ctx.input_as<float>(kInput);
    const size_t cells = size_t(s_.batches) * s_.filters;
    float* time = static_cast<float*>(ctx.scratch());
    float* features = time + cells;
    int8_t* quantized = reinterpret_cast<int8_t*>(features + cells);
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
        ref::hybrid_matvec_accumulate(ctx.input_as<int8_t>(kWeightsFeature), s_.filters, s_.inputs,
                                      q, scale * feature_scale_, offset, row_sums_,
                                      features + int64_t{b} * s_.filters);
      }
    }
    for (size_t i = 0; i < cells; ++i) state[i * s_.memory + s_.memory - 1] = features[i];
    ref::svdf_float_time(s_, time_weights_, ctx.input_as<float>(kBias), activation_, state, time,
                         ctx.output_as<float>(0));
    return Status::Ok();
  }

  const char* name() const override { return "hybrid_svdf__reference"; }

 private:
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
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    float* state = static_cast<float*>(const_cast<void*>(ctx.input(kState)));
    ref::svdf_float(s_, ctx.input_as<float>(kInput), ctx.input_as<float>(kWeightsFeature),
                    ctx.input_as<float>(kWeightsTime), ctx.input_as<float>(kBias), activation_,
                    state, static_cast<float*>(ctx.scratch()), ctx.output_as<float>(0));
    return Status::Ok();
  }

  const char* name() const override { return "f32_svdf__reference"; }

 private:
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
    case DType::kInt8: return std::unique_ptr<OpKernel>(new IntegerSvdfKernel<int8_t>());
    case DType::kInt16: return std::unique_ptr<OpKernel>(new IntegerSvdfKernel<int16_t>());
    default:
      if (graph.tensors[op.inputs[kWeightsFeature]].dtype == DType::kInt8) {
        return std::unique_ptr<OpKernel>(new HybridSvdfKernel());
      }
      return std::unique_ptr<OpKernel>(new FloatSvdfKernel());
  }
}

}  // namespace svdf
}  // namespace lowbit
