// SVDF: validation of TFLite's five operands (input, weights_feature,
// weights_time, optional bias, variable state) and its kernels: float32, and
// the fully-integer form with int16 state (TFLite) or int8 state with a zero
// point (TFLite Micro), and the hybrid form (float input and state, int8
// weights: the input quantized per batch row on the fly).
// With int8 state the feature product is an int8 GEMM (rescaled into the
// state's scale and zero point, clamped to int8): it runs through the qs8 GEMM
// family when the CPU has a SIMD variant. The int16 state's products, and the
// time products, run in the reference kernel.
#include <algorithm>
#include <string>

#include "kernels/qs8_gemm.h"
#include "kernels/reference/hybrid.h"
#include "kernels/reference/requantize.h"
#include "kernels/reference/svdf.h"
#include "ops/op_kernel.h"
#include "ops/op_util.h"
#include "ops/recurrent_checks.h"

namespace lowbit {
namespace {

constexpr size_t kInput = 0, kWeightsFeature = 1, kWeightsTime = 2, kBias = 3, kState = 4;

bool has_bias(const OperatorDesc& op) { return op.inputs.size() > kBias && op.inputs[kBias] != kAbsentInput; }

ref::SvdfShape svdf_shape(const GraphDesc& graph, const OperatorDesc& op) {
  const auto& options = std::get<RecurrentOptions>(op.options);
  ref::SvdfShape s;
  s.batches = graph.tensors[op.inputs[kInput]].shape[0];
  s.inputs = graph.tensors[op.inputs[kInput]].shape[1];
  s.filters = graph.tensors[op.inputs[kWeightsFeature]].shape[0];
  s.memory = graph.tensors[op.inputs[kWeightsTime]].shape[1];
  s.rank = options.rank;
  return s;
}

// The integer form's quantization: int8 input and output, symmetric int8
// feature weights, int32 bias, time weights and state both int16 (symmetric)
// or both int8.
Status validate_integer(const GraphDesc& graph, const OperatorDesc& op) {
  LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, true, kInput));
  LOWBIT_RETURN_IF_ERROR(check_symmetric_operand(graph, op, kWeightsFeature));
  LOWBIT_RETURN_IF_ERROR(check_symmetric_operand(graph, op, kWeightsTime));
  if (graph.tensors[op.inputs[kState]].dtype == DType::kInt16) {
    LOWBIT_RETURN_IF_ERROR(check_symmetric_operand(graph, op, kState));
  } else {
    LOWBIT_RETURN_IF_ERROR(check_per_tensor_quant(graph, op, true, kState));
  }
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, 0, {DType::kInt8}));
  return check_per_tensor_quant(graph, op, false, 0);
}

Status validate(const GraphDesc& graph, const OperatorDesc& op, Shape* output_shapes) {
  LOWBIT_RETURN_IF_ERROR(check_arity(op, 3, 5, 1));
  if (op.inputs.size() != 5) {
    return invalid("expects 5 inputs (the bias may be absent), has " + std::to_string(op.inputs.size()));
  }
  if (op.inputs[kState] == kAbsentInput) return invalid("required input 4 (the state) is absent");
  const RecurrentOptions* options = nullptr;
  LOWBIT_RETURN_IF_ERROR(require_options(op, &options));
  LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, true, kInput, {DType::kFloat32, DType::kInt8}));
  LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, kInput, 2));
  LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, kWeightsFeature, 2));
  LOWBIT_RETURN_IF_ERROR(check_rank(graph, op, true, kWeightsTime, 2));
  LOWBIT_RETURN_IF_ERROR(check_nonempty(graph, op, kInput));
  LOWBIT_RETURN_IF_ERROR(check_nonempty(graph, op, kWeightsFeature));
  LOWBIT_RETURN_IF_ERROR(check_nonempty(graph, op, kWeightsTime));
  const bool is_float = graph.tensors[op.inputs[kInput]].dtype == DType::kFloat32;
  const bool hybrid = is_float && graph.tensors[op.inputs[kWeightsFeature]].dtype == DType::kInt8;
  const ref::SvdfShape s = svdf_shape(graph, op);
  if (s.rank < 1) return invalid("options: rank is " + std::to_string(s.rank) + "; must be >= 1");
  if (s.filters % s.rank != 0) {
    return invalid("options: rank " + std::to_string(s.rank) + " does not divide the " +
                   std::to_string(s.filters) + " filters of " +
                   describe_input(graph, op, kWeightsFeature));
  }
  const DType state_type = is_float ? DType::kFloat32 : graph.tensors[op.inputs[kState]].dtype;
  if (state_type != DType::kInt8 && state_type != DType::kInt16 && state_type != DType::kFloat32) {
    return invalid(describe_input(graph, op, kState) + " (the state) must be int16 or int8");
  }
  const DType feature_type = is_float && !hybrid ? DType::kFloat32 : DType::kInt8;
  LOWBIT_RETURN_IF_ERROR(check_constant_operand(graph, op, kWeightsFeature, feature_type,
                                                Shape{s.filters, s.inputs}));
  LOWBIT_RETURN_IF_ERROR(check_constant_operand(graph, op, kWeightsTime,
                                                hybrid ? DType::kInt8 : state_type,
                                                Shape{s.filters, s.memory}));
  if (hybrid) {
    // TFLite scales by the weights' scales and subtracts no weight zero point.
    LOWBIT_RETURN_IF_ERROR(check_symmetric_operand(graph, op, kWeightsFeature));
    LOWBIT_RETURN_IF_ERROR(check_symmetric_operand(graph, op, kWeightsTime));
  }
  if (has_bias(op)) {
    LOWBIT_RETURN_IF_ERROR(check_constant_operand(graph, op, kBias,
                                                  is_float ? DType::kFloat32 : DType::kInt32,
                                                  Shape{s.units()}));
  }
  LOWBIT_RETURN_IF_ERROR(check_state_operand(graph, op, kState, state_type,
                                             Shape{s.batches, s.memory * s.filters},
                                             "batch x memory * filters"));
  if (is_float) {
    LOWBIT_RETURN_IF_ERROR(check_fused_activation(options->fused_activation));
    LOWBIT_RETURN_IF_ERROR(check_dtype(graph, op, false, 0, {DType::kFloat32}));
  } else {
    // The integer kernel applies no activation: TFLite requires RELU and
    // TFLite Micro takes any, both leaving it to the output's range.
    LOWBIT_RETURN_IF_ERROR(validate_integer(graph, op));
  }
  output_shapes[0] = Shape{s.batches, s.units()};
  return Status::Ok();
}

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
    s_ = svdf_shape(ctx.graph(), ctx.op());
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
    s_ = svdf_shape(ctx.graph(), ctx.op());
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
    s_ = svdf_shape(ctx.graph(), ctx.op());
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

Result<std::unique_ptr<OpKernel>> create(const GraphDesc& graph, const OperatorDesc& op) {
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

}  // namespace

LOWBIT_REGISTER_OP(Svdf, validate, create)

}  // namespace lowbit
