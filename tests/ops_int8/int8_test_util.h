// Helpers shared by the int8 operator tests: profiles, random quantization,
// and end-to-end runs at several thread counts.
#pragma once

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "int8_simulation.h"
#include "kernels/reference/requantize.h"
#include "lowbit/lowbit.h"
#include "ops/conv2d_common.h"  // Qs8ConvGeometry, set_window_params
#include "runtime/cpu_features.h"
#include "support/model_runner.h"

namespace lowbit {
namespace int8_test {

// Defines one test case per requantization profile, so ctest lists each:
// "<title> [tflite_reference]" runs body(RequantProfile::kTfliteReference).
#define LOWBIT_PROFILE_TEST_CASES(title, tags, body)                                    \
  TEST_CASE(title " (tflite_reference)", tags "[tflite_reference]") {                  \
    body(::lowbit::RequantProfile::kTfliteReference);                                   \
  }                                                                                     \
  TEST_CASE(title " (single_rounding)", tags "[single_rounding]") {                    \
    body(::lowbit::RequantProfile::kSingleRounding);                                    \
  }                                                                                     \
  TEST_CASE(title " (xnnpack_fp32)", tags "[xnnpack_fp32]") {                          \
    body(::lowbit::RequantProfile::kXnnpackFp32);                                       \
  }

// The same plus tflite_optimized, which changes only CONV_2D,
// DEPTHWISE_CONV_2D and FULLY_CONNECTED (the tests of those use this).
#define LOWBIT_CONV_PROFILE_TEST_CASES(title, tags, body)                               \
  LOWBIT_PROFILE_TEST_CASES(title, tags, body)                                          \
  TEST_CASE(title " (tflite_optimized)", tags "[tflite_optimized]") {                  \
    body(::lowbit::RequantProfile::kTfliteOptimized);                                   \
  }

// The int8 (8 random cases) and uint8 (4) tests "<name> matches simulation"
// and "<name> uint8 matches simulation" of a weighted operator, under every
// profile: random_case<T>(rng) draws a case, the reference runs must pick
// qs8_kernel or qu8_kernel.
#define LOWBIT_OPERATOR_SIMULATION_TESTS(name, tags, seed, random_case, qs8_kernel, qu8_kernel)  \
  template <typename T>                                                                        \
  void operator_matches_simulation(::lowbit::RequantProfile profile, const char* kernel,       \
                                   int iterations) {                                           \
    ::lowbit::int8_test::check_operator_cases(                                                 \
        seed, iterations, 2, profile, kernel,                                                  \
        [](std::mt19937& rng, int) { return random_case<T>(rng); });                           \
  }                                                                                            \
  void int8_operator(::lowbit::RequantProfile profile) {                                       \
    operator_matches_simulation<int8_t>(profile, qs8_kernel, 8);                               \
  }                                                                                            \
  LOWBIT_CONV_PROFILE_TEST_CASES(name " matches simulation", tags, int8_operator)              \
  void uint8_operator(::lowbit::RequantProfile profile) {                                      \
    operator_matches_simulation<uint8_t>(profile, qu8_kernel, 4);                              \
  }                                                                                            \
  LOWBIT_CONV_PROFILE_TEST_CASES(name " uint8 matches simulation", tags "[uint8]", uint8_operator)

inline int uniform(std::mt19937& rng, int lo, int hi) {
  return std::uniform_int_distribution<int>(lo, hi)(rng);
}
inline float uniform_real(std::mt19937& rng, float lo, float hi) {
  return std::uniform_real_distribution<float>(lo, hi)(rng);
}

// Activation, weight and output scales for a layer summing `taps` products.
// Three regimes: arbitrary scales; powers of two (the multiplier is an exact
// power of two, so requantization hits exact ties often and the profiles'
// tie rules show); and multipliers above one (left shifts, saturation).
struct LayerScales {
  float input = 0, output = 0;
  std::vector<float> weights;  // one per output channel
};

inline LayerScales random_layer_scales(std::mt19937& rng, int taps, int channels,
                                       bool per_channel) {
  LayerScales s;
  const int regime = uniform(rng, 0, 9);
  const int n = per_channel ? channels : 1;
  if (regime < 3) {
    s.input = std::ldexp(1.0f, -uniform(rng, 2, 7));
    for (int c = 0; c < n; ++c) s.weights.push_back(std::ldexp(1.0f, -uniform(rng, 3, 9)));
    // Make in*w/out = 2^-k with 2^k near the accumulator's typical size / 50.
    const int k = int(std::lround(std::log2(100.0 * std::sqrt(double(taps))))) + uniform(rng, -2, 1);
    s.output = s.input * s.weights[0] * std::ldexp(1.0f, k);
  } else {
    s.input = uniform_real(rng, 0.005f, 0.1f);
    for (int c = 0; c < n; ++c) s.weights.push_back(uniform_real(rng, 0.002f, 0.02f));
    const float spread = regime == 9 ? uniform_real(rng, 0.3f, 0.9f)
                                     : uniform_real(rng, 20.0f, 200.0f) * std::sqrt(float(taps));
    s.output = s.input * s.weights[0] * spread;
  }
  return s;
}

// The simulation's per-channel scales, formed as NUMERICS section 3 says.
inline std::vector<sim::ChannelScale> channel_scales(const LayerScales& s, int channels,
                                                     bool float_product) {
  std::vector<sim::ChannelScale> out;
  for (int c = 0; c < channels; ++c) {
    const float w = s.weights.size() > 1 ? s.weights[c] : s.weights[0];
    sim::ChannelScale cs;
    cs.real = float_product ? double(s.input * w) / double(s.output)
                            : double(s.input) * double(w) / double(s.output);
    cs.fp32 = s.input * w / s.output;
    out.push_back(cs);
  }
  return out;
}

// The kernels' requantizers for the same scales.
inline std::vector<ref::Requantizer> kernel_requantizers(const std::vector<sim::ChannelScale>& s,
                                                         RequantProfile profile) {
  std::vector<ref::Requantizer> out;
  for (const auto& cs : s) out.push_back(ref::make_requantizer(profile, cs.real, cs.fp32));
  return out;
}

// FULLY_CONNECTED under tflite_reference rescales by the real multiplier in
// double (ref::FullyConnectedQuantParams::double_scales).
inline std::vector<double> fc_double_scales(const std::vector<sim::ChannelScale>& s) {
  std::vector<double> out;
  for (const auto& cs : s) out.push_back(cs.real);
  return out;
}

inline Activation random_activation(std::mt19937& rng) {
  return static_cast<Activation>(uniform(rng, 0, 3));
}

inline Quantization weight_quantization(const LayerScales& s, int axis) {
  return s.weights.size() > 1 ? testing::per_axis(s.weights, axis)
                              : testing::per_tensor(s.weights[0], 0);
}

inline Quantization bias_quantization(const LayerScales& s) {
  std::vector<float> scales;
  for (float w : s.weights) scales.push_back(s.input * w);
  return scales.size() > 1 ? testing::per_axis(scales, 0) : testing::per_tensor(scales[0], 0);
}

// Runs the model with the reference kernels at 1 thread and, when
// `all_thread_counts`, also at 2 and 4 threads; then with every SIMD kernel
// set this CPU can run. All runs must agree bit for bit, the reference run
// must have chosen `kernel`, and the output is returned. (Multi-threaded runs
// are slow on an oversubscribed machine, so long random sweeps check thread
// invariance on a few cases.)
inline testing::Bytes run_all_thread_counts(const ModelBuilder& builder,
                                            const std::vector<testing::Bytes>& inputs,
                                            RequantProfile profile, const std::string& kernel,
                                            bool all_thread_counts = true) {
  testing::Bytes first;
  for (const char* kernel_set : {"reference", "avx2", "avx512", "auto"}) {
    if (!KernelSelector::create(kernel_set, CpuFeatures::detect()).ok()) continue;
    for (int threads : {1, 2, 4}) {
      if (threads > 1 && !all_thread_counts) break;
      InterpreterOptions options;
      options.profile = profile;
      options.num_threads = threads;
      options.kernel = kernel_set;
      testing::RunResult r = testing::run_model(builder, inputs, options);
      INFO("kernel set " << kernel_set << ", threads " << threads << ": " << r.status.to_string());
      REQUIRE(r.status.ok());
      REQUIRE(r.outputs.size() == 1);
      REQUIRE(r.kernels.size() >= 1);
      if (std::string(kernel_set) == "reference") CHECK(r.kernels[0] == kernel);
      if (first.empty()) {
        first = r.outputs[0];
      } else {
        REQUIRE(r.outputs[0] == first);
      }
    }
  }
  return first;
}

// A reference kernel's Params gets the quantization the simulation uses.
template <typename Params>
void set_kernel_quantization(const sim::Quant& q, const std::vector<ref::Requantizer>& requantizers,
                             Params* p) {
  p->input_zero_point = q.input_zp;
  p->output_zero_point = q.output_zp;
  p->act_min = q.act_min;
  p->act_max = q.act_max;
  p->profile = q.profile;
  p->requantizers = requantizers.data();
}

template <typename T>
constexpr DType dtype_of() {
  return std::is_same<T, uint8_t>::value ? DType::kUInt8 : DType::kInt8;
}

// Draws a convolution window into a sim::ConvShape or sim::DepthwiseShape:
// kernel min_kernel..3, strides and dilations 1..2, SAME or VALID.
template <typename SimShape>
void random_window(std::mt19937& rng, int min_kernel, SimShape* s) {
  s->kh = uniform(rng, min_kernel, 3);
  s->kw = uniform(rng, min_kernel, 3);
  s->stride_h = uniform(rng, 1, 2);
  s->stride_w = uniform(rng, 1, 2);
  s->dilation_h = uniform(rng, 1, 2);
  s->dilation_w = uniform(rng, 1, 2);
  s->padding = uniform(rng, 0, 1) ? Padding::kSame : Padding::kValid;
}

template <typename SimShape>
std::string describe_window(const SimShape& s) {
  return " kernel " + std::to_string(s.kh) + "x" + std::to_string(s.kw) + " stride " +
         std::to_string(s.stride_h) + "x" + std::to_string(s.stride_w) + " dilation " +
         std::to_string(s.dilation_h) + "x" + std::to_string(s.dilation_w) +
         (s.padding == Padding::kSame ? " SAME" : " VALID");
}

// Conv2DOptions or DepthwiseConv2DOptions with the shape's window.
template <typename Options, typename SimShape>
Options window_options(const SimShape& s, Activation activation) {
  Options opt;
  opt.padding = s.padding;
  opt.stride_h = s.stride_h, opt.stride_w = s.stride_w;
  opt.dilation_h = s.dilation_h, opt.dilation_w = s.dilation_w;
  opt.activation = activation;
  return opt;
}

// The shape's window as the operators hand it to the kernels.
template <typename SimShape>
Qs8ConvGeometry window_geometry(const SimShape& s, int output_channels) {
  const sim::Dim h = sim::padded(s.h, s.kh, s.stride_h, s.dilation_h, s.padding);
  const sim::Dim w = sim::padded(s.w, s.kw, s.stride_w, s.dilation_w, s.padding);
  return Qs8ConvGeometry{s.n, s.h, s.w, s.c,  // input
                         h.out, w.out, output_channels,
                         s.kh, s.kw, s.stride_h, s.stride_w, s.dilation_h, s.dilation_w,
                         h.pad_before, w.pad_before};
}

// The quantized operands of one weighted layer (CONV_2D, DEPTHWISE_CONV_2D,
// FULLY_CONNECTED) and what the simulation, the kernels and a model take of
// them. The tests' cases add the layer's shape.
template <typename T>
struct WeightedLayer {
  Activation activation = Activation::kNone;
  LayerScales scales;
  int32_t input_zp = 0, filter_zp = 0, output_zp = 0;
  std::vector<T> input, weights;
  std::vector<int32_t> bias;  // empty = no bias

  static constexpr bool kUint8 = std::is_same<T, uint8_t>::value;
  bool per_channel() const { return scales.weights.size() > 1; }

  // Draws, in this order: the activation, per-channel weights for int8 (when
  // force_per_channel, else at random), scales for sums of `taps` products,
  // zero points (int8 weights symmetric), input, weights, and a bias three
  // times in four.
  void randomize(std::mt19937& rng, int taps, int channels, bool force_per_channel,
                 size_t input_size, size_t weights_size) {
    activation = random_activation(rng);
    const bool per_channel_weights = !kUint8 && (force_per_channel || uniform(rng, 0, 1));
    scales = random_layer_scales(rng, taps, channels, per_channel_weights);
    const int lo = kUint8 ? 0 : -128, hi = kUint8 ? 255 : 127;
    input_zp = uniform(rng, lo, hi);
    output_zp = uniform(rng, lo, hi);
    filter_zp = kUint8 ? uniform(rng, 0, 255) : 0;
    input = testing::random_ints<T>(rng, input_size, lo, hi);
    weights = testing::random_ints<T>(rng, weights_size, kUint8 ? 0 : -127, hi);
    if (uniform(rng, 0, 3) != 0) bias = testing::random_ints<int32_t>(rng, channels, -30000, 30000);
  }

  std::string describe_quantization() const {
    return " act " + std::to_string(int(activation)) + " per-channel " +
           std::to_string(per_channel()) + " bias " + std::to_string(!bias.empty());
  }

  // float_product: the real multiplier's in*w is formed in float first
  // (NUMERICS section 3).
  sim::Quant sim_quant(RequantProfile profile, int channels, bool float_product) const {
    sim::Quant q;
    q.input_zp = input_zp;
    q.filter_zp = filter_zp;
    q.output_zp = output_zp;
    q.profile = profile;
    q.scales = channel_scales(scales, channels, float_product);
    sim::activation_range(activation, scales.output, output_zp, kUint8, &q.act_min, &q.act_max);
    return q;
  }

  // Runs an int8 reference kernel over rows [0, split) and [split, rows) for
  // a random split, which must change nothing.
  template <typename Params, typename Kernel>
  std::vector<int8_t> run_kernel_split(std::mt19937& rng, Kernel kernel, const Params& p,
                                       size_t rows, size_t row_elements) const {
    std::vector<int8_t> out(rows * row_elements, 0x55);
    const size_t split = uniform(rng, 0, int(rows));
    const int32_t* bias_data = bias.empty() ? nullptr : bias.data();
    kernel(p, input.data(), weights.data(), bias_data, out.data(), 0, split);
    kernel(p, input.data(), weights.data(), bias_data, out.data(), split, rows);
    return out;
  }

  // The layer as a one-operator model: input, constant weights quantized
  // along weights_axis (its output-channel axis), the bias if any, output.
  std::unique_ptr<ModelBuilder> layer_model(OpType type, const OpOptions& options,
                                            const Shape& input_shape, const Shape& weights_shape,
                                            int weights_axis, const Shape& output_shape) const {
    auto model = std::make_unique<ModelBuilder>();
    ModelBuilder& b = *model;
    const int in = b.add_tensor("input", dtype_of<T>(), input_shape,
                                testing::per_tensor(scales.input, input_zp));
    Quantization wq = weight_quantization(scales, weights_axis);
    if (filter_zp != 0) wq.zero_points = {filter_zp};
    std::vector<int> inputs = {in, b.add_constant("weights", dtype_of<T>(), weights_shape,
                                                  weights, wq)};
    if (!bias.empty()) {
      inputs.push_back(b.add_constant("bias", DType::kInt32, Shape{weights_shape[weights_axis]},
                                      bias, bias_quantization(scales)));
    }
    const int out = b.add_tensor("output", dtype_of<T>(), output_shape,
                                 testing::per_tensor(scales.output, output_zp));
    b.add_operator(type, inputs, {out}, options, "layer");
    b.set_inputs({in});
    b.set_outputs({out});
    return model;
  }

  // A model of this layer run on `input` by run_all_thread_counts.
  std::vector<T> run(const ModelBuilder& model, RequantProfile profile, const char* kernel) const {
    return testing::from_bytes<T>(
        run_all_thread_counts(model, {testing::to_bytes(input)}, profile, kernel));
  }
};

// Checks the reference kernel on `iterations` (scaled) random cases from
// make_case(rng): run_kernel(rng, case, quant, requantizers) must return the
// simulation's output.
template <typename MakeCase, typename RunKernel>
void check_kernel_cases(uint32_t seed, int iterations, RequantProfile profile,
                        MakeCase make_case, RunKernel run_kernel) {
  std::mt19937 rng(seed);
  CAPTURE(testing::test_seed());
  for (int iter = 0; iter < testing::scaled_iterations(iterations); ++iter) {
    const auto t = make_case(rng);
    INFO("iteration " << iter << ": " << t.describe());
    const sim::Quant q = t.sim_quant(profile);
    const std::vector<ref::Requantizer> requantizers = kernel_requantizers(q.scales, profile);
    REQUIRE(run_kernel(rng, t, q, requantizers) == t.expected(profile));
  }
}

// Checks the operator on `iterations` (scaled) random cases from
// make_case(rng, iteration) through run_all_thread_counts, every thread
// count on the first `threaded_iterations`.
constexpr int kEveryIteration = std::numeric_limits<int>::max();
template <typename MakeCase>
void check_operator_cases(uint32_t seed, int iterations, int threaded_iterations,
                          RequantProfile profile, const char* kernel, MakeCase make_case) {
  std::mt19937 rng(seed);
  CAPTURE(testing::test_seed());
  for (int iter = 0; iter < testing::scaled_iterations(iterations); ++iter) {
    const auto t = make_case(rng, iter);
    INFO("iteration " << iter << ": " << t.describe());
    using T = typename decltype(t.input)::value_type;
    const testing::Bytes out = run_all_thread_counts(*t.model(), {testing::to_bytes(t.input)},
                                                     profile, kernel, iter < threaded_iterations);
    REQUIRE(testing::from_bytes<T>(out) == t.expected(profile));
  }
}

}  // namespace int8_test
}  // namespace lowbit
