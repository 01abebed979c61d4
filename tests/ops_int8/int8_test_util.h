// Helpers shared by the int8 operator tests: profiles, random quantization,
// and end-to-end runs at several thread counts.
#pragma once

#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "int8_simulation.h"
#include "kernels/reference/requantize.h"
#include "lowbit/lowbit.h"
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

}  // namespace int8_test
}  // namespace lowbit
