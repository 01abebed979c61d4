// The integer SVDF's kernel (TFLite's EvalIntegerSVDF with int16 state,
// TFLite Micro's with int8 state). Its two products run through SIMD rows
// where the CPU has them: the feature product as an int8 GEMM into the int8
// state (the GEMM requantizes) or as int8 matrix-vector sums
// (kernels/qs8_matvec.h) rescaled into the int16 state, and the time product
// as row dot products of the time weights with the state (qs8_rowdot /
// qs16_rowdot). The input's and the int8 state's zero points come out of the
// sums as precomputed row-sum terms (exact modulo 2^32, as TFLite's int32
// sums). The reference kernel set runs kernels/reference/svdf.h directly.
#include <algorithm>
#include <cstring>
#include <limits>
#include <string>

#include "kernels/qs8_gemm.h"
#include "kernels/qs8_matvec.h"
#include "kernels/reference/requantize.h"
#include "ops/svdf_kernels.h"

namespace lowbit {
namespace svdf {
namespace {

// zero_point * (the sum of each row of an int8 or int16 [rows, cols] matrix),
// modulo 2^32: what subtracting the zero point from every vector element
// takes off each row's dot product.
template <typename T>
void zero_point_terms(const T* matrix, int rows, int cols, int32_t zero_point, uint32_t* terms) {
  for (int r = 0; r < rows; ++r) {
    uint32_t sum = 0;
    for (int c = 0; c < cols; ++c) sum += static_cast<uint32_t>(int32_t{matrix[int64_t{r} * cols + c]});
    terms[r] = sum * static_cast<uint32_t>(zero_point);
  }
}

// The row dot product family of the state's type.
KernelFamily<ref::Qs8RowdotFn> rowdot_variants(int8_t*) { return qs8_rowdot_variants(); }
KernelFamily<ref::Qs16RowdotFn> rowdot_variants(int16_t*) { return qs16_rowdot_variants(); }

template <typename StateT>
class IntegerSvdfKernel : public SvdfKernel {
 public:
  using RowdotFn = void (*)(size_t, size_t, const StateT*, const StateT*, int32_t*);

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
    // The time products (int32), the matrix-vector sums of one batch row
    // (int32), then the GEMM's int8 feature activations.
    ctx.request_scratch(sizeof(int32_t) * (cells + size_t(s_.filters)) + cells);
    const auto& matvec = ctx.selector().select(qs8_matvec_variants());
    const auto& rowdot = ctx.selector().select(rowdot_variants(static_cast<StateT*>(nullptr)));
    if (std::strcmp(matvec.isa, "reference") == 0 && std::strcmp(rowdot.isa, "reference") == 0) {
      return Status::Ok();  // the reference kernels, directly
    }
    matvec_ = matvec.fn;
    rowdot_ = rowdot.fn;
    auto* terms = static_cast<uint32_t*>(ctx.allocate_persistent(sizeof(uint32_t) * 2 * size_t(s_.filters)));
    if (terms == nullptr) return Status(StatusCode::kResourceExhausted, "no memory for the SVDF's row sums");
    zero_point_terms(static_cast<const int8_t*>(ctx.input(kWeightsFeature).data), s_.filters, s_.inputs,
                     q_.input_zero_point, terms);
    zero_point_terms(static_cast<const StateT*>(ctx.input(kWeightsTime).data), s_.filters, s_.memory,
                     q_.state_zero_point, terms + s_.filters);
    feature_terms_ = terms;
    time_terms_ = terms + s_.filters;
    if (sizeof(StateT) == 1) LOWBIT_RETURN_IF_ERROR(prepare_gemm(ctx));
    name_ = std::string(sizeof(StateT) == 1 ? "qs8_svdf_s8state+" : "qs8_svdf_s16state+") +
            (gemm_.fn != nullptr ? gemm_name_ : matvec.name) + "+" + rowdot.name;
    return Status::Ok();
  }

  Status run(const RunContext& ctx) override {
    // The state is an operator input updated in place; the interpreter keeps
    // variable tensors in the writable arena.
    StateT* state = static_cast<StateT*>(const_cast<void*>(ctx.input(kState)));
    auto* time = static_cast<int32_t*>(ctx.scratch());
    if (matvec_ == nullptr) {
      ref::svdf_integer_features(s_, q_, ctx.input_as<int8_t>(kInput),
                                 ctx.input_as<int8_t>(kWeightsFeature), state);
      ref::svdf_integer_time(s_, q_, ctx.input_as<StateT>(kWeightsTime),
                             ctx.input_as<int32_t>(kBias), state, time, ctx.output_as<int8_t>(0));
      return Status::Ok();
    }
    if (gemm_.fn != nullptr) {
      run_gemm(ctx, reinterpret_cast<int8_t*>(state));
    } else {
      run_matvec_features(ctx, state);
    }
    run_time(ctx, state, time);
    return Status::Ok();
  }

  const char* name() const override {
    if (matvec_ != nullptr) return name_.c_str();
    return sizeof(StateT) == 1 ? "qs8_svdf_s8state__reference" : "qs8_svdf_s16state__reference";
  }

 private:
  // Moves the window and writes each batch row's newest feature activations:
  // the int32 sums less the input zero point's term, rescaled, plus the
  // state's zero point, clamped to the state's type (ref::svdf_integer_features).
  void run_matvec_features(const RunContext& ctx, StateT* state) {
    int32_t* sums = static_cast<int32_t*>(ctx.scratch()) + size_t(s_.batches) * s_.filters;
    const int8_t* input = ctx.input_as<int8_t>(kInput);
    const int8_t* weights = ctx.input_as<int8_t>(kWeightsFeature);
    const int32_t lo = std::numeric_limits<StateT>::min(), hi = std::numeric_limits<StateT>::max();
    ref::svdf_shift_state(s_, state);
    for (int b = 0; b < s_.batches; ++b) {
      matvec_(size_t(s_.filters), size_t(s_.inputs), weights, input + int64_t{b} * s_.inputs, sums);
      StateT* newest = state + int64_t{b} * s_.filters * s_.memory + (s_.memory - 1);
      for (int f = 0; f < s_.filters; ++f) {
        const auto acc = static_cast<int32_t>(static_cast<uint32_t>(sums[f]) - feature_terms_[f]);
        const int32_t v =
            ref::multiply_by_quantized_multiplier(acc, q_.feature_multiplier, q_.feature_shift) +
            q_.state_zero_point;
        newest[int64_t{f} * s_.memory] = static_cast<StateT>(std::min(std::max(v, lo), hi));
      }
    }
  }

  // Each filter's time weights against its window (less the int8 state's
  // zero point's term), then ref::svdf_integer_output's bias and rescale.
  void run_time(const RunContext& ctx, const StateT* state, int32_t* time) {
    const StateT* weights = ctx.input_as<StateT>(kWeightsTime);
    for (int b = 0; b < s_.batches; ++b) {
      int32_t* t = time + int64_t{b} * s_.filters;
      rowdot_(size_t(s_.filters), size_t(s_.memory), weights, state + int64_t{b} * s_.filters * s_.memory, t);
      if (q_.state_zero_point != 0) {
        for (int f = 0; f < s_.filters; ++f) {
          t[f] = static_cast<int32_t>(static_cast<uint32_t>(t[f]) - time_terms_[f]);
        }
      }
      ref::svdf_integer_output(s_, q_, ctx.input_as<int32_t>(kBias), t,
                               ctx.output_as<int8_t>(0) + int64_t{b} * s_.units());
    }
  }

  // The int8 state's feature product as a GEMM of the batch rows by the
  // filters: the weights packed with the input zero point folded in, one
  // multiplier for every filter (TFLite's double rounding whatever the
  // interpreter's profile), the state's zero point as the output's. Only
  // where the GEMM has a SIMD row; else the matrix-vector path.
  Status prepare_gemm(PrepareContext& ctx) {
    const KernelVariant<Qs8GemmKernel>& variant = ctx.selector().select(qs8_gemm_variants());
    if (variant.fn.portable) return Status::Ok();
    const Qs8GemmLayout& layout = variant.fn.layout;
    const size_t filters = size_t(s_.filters), inputs = size_t(s_.inputs);
    const size_t channels = (filters + layout.nr - 1) / layout.nr * layout.nr;
    const size_t packed_bytes = qs8_gemm_packed_bytes(layout, filters, inputs);
    if (ctx.sizing_only()) ctx.reserve_persistent(packed_bytes);
    void* packed = ctx.sizing_only() ? nullptr : ctx.allocate_persistent(packed_bytes);
    auto* multipliers = static_cast<int32_t*>(ctx.allocate_persistent(2 * sizeof(int32_t) * channels));
    auto* scales = static_cast<float*>(ctx.allocate_persistent(sizeof(float) * channels));
    rows_ = static_cast<const int8_t**>(ctx.allocate_persistent(sizeof(int8_t*) * size_t(s_.batches)));
    if ((packed == nullptr && !ctx.sizing_only()) || multipliers == nullptr || scales == nullptr ||
        rows_ == nullptr) {
      return Status(StatusCode::kResourceExhausted, "no memory for the SVDF's packed weights");
    }
    if (!ctx.sizing_only()) {
      qs8_gemm_pack(layout, filters, inputs,
                    static_cast<const int8_t*>(ctx.input(kWeightsFeature).data), nullptr,
                    q_.input_zero_point, packed);
    }
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
    gemm_name_ = variant.name;
    return Status::Ok();
  }

  // Moves the window, runs the GEMM into scratch and writes its activations
  // into the newest place of each filter's window.
  void run_gemm(const RunContext& ctx, int8_t* state) {
    const size_t cells = static_cast<size_t>(s_.batches) * s_.filters;
    int8_t* features = static_cast<int8_t*>(ctx.scratch()) + sizeof(int32_t) * (cells + size_t(s_.filters));
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
  ref::Qs8MatvecFn matvec_ = nullptr;  // null: the reference kernels, directly
  RowdotFn rowdot_ = nullptr;
  const uint32_t* feature_terms_ = nullptr;
  const uint32_t* time_terms_ = nullptr;
  Qs8GemmKernel gemm_{};  // fn null: the matrix-vector path
  Qs8GemmParams params_;
  const void* packed_ = nullptr;
  const int8_t** rows_ = nullptr;
  const char* gemm_name_ = "";
  std::string name_;
};
}  // namespace

std::unique_ptr<OpKernel> make_integer_kernel(DType state) {
  if (state == DType::kInt16) return std::unique_ptr<OpKernel>(new IntegerSvdfKernel<int16_t>());
  return std::unique_ptr<OpKernel>(new IntegerSvdfKernel<int8_t>());
}

}  // namespace svdf
}  // namespace lowbit
