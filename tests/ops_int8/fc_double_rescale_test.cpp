// FULLY_CONNECTED under profile tflite_reference rescales as LiteRT's reference
// kernel does: round(double(acc) * double(in_s) * double(w_s) / double(out_s)),
// ties away from zero, for int8 (per-tensor and per-channel) and legacy uint8.
// TFLite Micro's fixed-point double rounding differs by one near halves; the
// cases here are built so that it does, so these tests fail on that rule.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <string>

#include "int8_test_util.h"

namespace lowbit {
namespace {

using int8_test::uniform;
using int8_test::uniform_real;

// K = 1, so every accumulator is bias[c] + w[c] * (x - zp_in): a batch of all
// 256 input values walks each channel through 256 accumulators.
template <typename T>
struct NearHalfCase {
  int channels = 48;
  float input_scale = 0, output_scale = 0;
  std::vector<float> weight_scales;  // one (per-tensor) or one per channel
  int32_t input_zp = 0, weight_zp = 0, output_zp = 0;
  std::vector<T> weights;
  std::vector<int32_t> bias;

  double scale(int c) const {
    const float w = weight_scales.size() > 1 ? weight_scales[c] : weight_scales[0];
    return double(input_scale) * double(w) / double(output_scale);
  }
  static constexpr int kLow = std::is_same<T, uint8_t>::value ? 0 : -128;
  int32_t accumulator(int c, int x) const {
    return bias[c] + (int32_t(weights[c]) - weight_zp) * (x - input_zp);
  }
  int32_t clamp(int64_t v) const { return int32_t(std::min<int64_t>(std::max<int64_t>(v, kLow), kLow + 255)); }
  // LiteRT's reference FULLY_CONNECTED, restated.
  T expected(int c, int x) const {
    return T(clamp(int64_t(std::round(double(accumulator(c, x)) * scale(c))) + output_zp));
  }
  // TFLite Micro: QuantizeMultiplier (per-tensor: in*w in float) and double rounding.
  T micro(int c, int x) const {
    const float w = weight_scales.size() > 1 ? weight_scales[c] : weight_scales[0];
    const double real = weight_scales.size() > 1 ? scale(c)
                                                 : double(input_scale * w) / double(output_scale);
    const ref::QuantizedMultiplier qm = ref::quantize_multiplier(real);
    return T(clamp(int64_t(ref::multiply_by_quantized_multiplier(accumulator(c, x), qm.multiplier,
                                                                  qm.shift)) +
                   output_zp));
  }
};

template <typename T>
NearHalfCase<T> make_case(uint32_t seed, bool per_channel) {
  std::mt19937 rng(seed);
  NearHalfCase<T> t;
  const bool is_uint8 = std::is_same<T, uint8_t>::value;
  t.input_scale = uniform_real(rng, 0.01f, 0.1f);
  for (int c = 0; c < (per_channel ? t.channels : 1); ++c) {
    t.weight_scales.push_back(uniform_real(rng, 0.002f, 0.02f));
  }
  // Multipliers around 1/400: a right shift of 8 or 9, where the first
  // rounding of the fixed-point rule moves values by up to 2^-10.
  t.output_scale = t.input_scale * t.weight_scales[0] * uniform_real(rng, 300.0f, 500.0f);
  t.input_zp = uniform(rng, NearHalfCase<T>::kLow + 100, NearHalfCase<T>::kLow + 155);
  t.output_zp = uniform(rng, NearHalfCase<T>::kLow + 100, NearHalfCase<T>::kLow + 155);
  t.weight_zp = is_uint8 ? uniform(rng, 100, 155) : 0;
  for (int c = 0; c < t.channels; ++c) {
    const int magnitude = uniform(rng, 90, 127);
    t.weights.push_back(T(t.weight_zp + (uniform(rng, 0, 1) ? magnitude : -magnitude)));
    t.bias.push_back(uniform(rng, -20000, 20000));
  }
  return t;
}

template <typename T>
std::unique_ptr<ModelBuilder> build(const NearHalfCase<T>& t) {
  int8_test::WeightedLayer<T> layer;
  layer.scales = {t.input_scale, t.output_scale, t.weight_scales};
  layer.input_zp = t.input_zp;
  layer.filter_zp = t.weight_zp;
  layer.output_zp = t.output_zp;
  layer.weights = t.weights;
  layer.bias = t.bias;
  return layer.layer_model(OpType::kFullyConnected, FullyConnectedOptions{}, Shape{256, 1},
                           Shape{t.channels, 1}, 0, Shape{256, t.channels});
}

template <typename T>
void check_near_halves(const NearHalfCase<T>& t, const std::string& reference_kernel) {
  std::vector<T> input, expected;
  for (int x = 0; x < 256; ++x) input.push_back(T(NearHalfCase<T>::kLow + x));
  int micro_differs = 0;
  for (int x = 0; x < 256; ++x) {
    for (int c = 0; c < t.channels; ++c) {
      expected.push_back(t.expected(c, input[x]));
      micro_differs += t.micro(c, input[x]) != expected.back();
    }
  }
  // The case must tell the two rules apart, or it proves nothing.
  REQUIRE(micro_differs > 0);
  const auto model = build(t);
  for (const char* kernel_set : {"reference", "avx2", "avx512", "auto"}) {
    if (!KernelSelector::create(kernel_set, CpuFeatures::detect()).ok()) continue;
    for (int threads : {1, 2}) {
      InterpreterOptions options;
      options.profile = RequantProfile::kTfliteReference;
      options.kernel = kernel_set;
      options.num_threads = threads;
      const testing::RunResult r = testing::run_model(*model, {testing::to_bytes(input)}, options);
      INFO("kernel set " << kernel_set << ", threads " << threads << ", kernel "
                         << (r.kernels.empty() ? "?" : r.kernels[0]) << ", TFLite Micro differs on "
                         << micro_differs << " outputs");
      REQUIRE(r.status.ok());
      if (std::string(kernel_set) == "reference") CHECK(r.kernels[0] == reference_kernel);
      // int8 SIMD sets must keep the GEMM (a proven single-rounding equivalent);
      // "auto" on a CPU without AVX2 (qemu -cpu Nehalem) is the reference set.
      const bool simd_set = std::string(kernel_set) != "reference" &&
                            (std::string(kernel_set) != "auto" || CpuFeatures::detect().has(kCpuAVX2));
      if (simd_set && std::is_same<T, int8_t>::value) {
        CHECK(r.kernels[0].find("gemm") != std::string::npos);
      }
      CHECK(testing::from_bytes<T>(r.outputs[0]) == expected);
    }
  }
}

TEST_CASE("FULLY_CONNECTED tflite_reference: per-channel int8 rescales in double", "[fc][tflite_reference]") {
  for (uint32_t seed : {1u, 2u, 3u}) {
    CAPTURE(seed);
    check_near_halves(make_case<int8_t>(seed, true), "qs8_fully_connected__reference");
  }
}

TEST_CASE("FULLY_CONNECTED tflite_reference: per-tensor int8 rescales in double", "[fc][tflite_reference]") {
  for (uint32_t seed : {4u, 5u, 6u, 7u}) {
    CAPTURE(seed);
    check_near_halves(make_case<int8_t>(seed, false), "qs8_fully_connected__reference");
  }
}

TEST_CASE("FULLY_CONNECTED tflite_reference: legacy uint8 rescales in double", "[fc][uint8][tflite_reference]") {
  for (uint32_t seed : {8u, 9u, 10u, 11u}) {
    CAPTURE(seed);
    check_near_halves(make_case<uint8_t>(seed, false), "qu8_fully_connected__reference");
  }
}

// Exact ties (power-of-two multiplier): LiteRT rounds them away from zero, so
// -1.5 -> -2 where single rounding alone would give -1; the SIMD path must
// still agree (its multiplier is nudged up by the equivalence search).
TEST_CASE("FULLY_CONNECTED tflite_reference: exact ties round away from zero", "[fc][tflite_reference]") {
  NearHalfCase<int8_t> t;
  t.channels = 20;
  t.input_scale = 0.5f;
  t.weight_scales = {0.25f};
  t.output_scale = 32.0f;  // multiplier 2^-8
  t.input_zp = 0;
  t.output_zp = 0;
  for (int c = 0; c < t.channels; ++c) {
    t.weights.push_back(int8_t(c % 2 ? 127 : -128 + 1));
    t.bias.push_back(128 * c - 1280);
  }
  std::vector<int8_t> input;
  for (int x = -128; x < 128; ++x) input.push_back(int8_t(x));
  const auto model = build(t);
  std::vector<int8_t> expected;
  int ties = 0;
  for (int x = -128; x < 128; ++x) {
    for (int c = 0; c < t.channels; ++c) {
      const int32_t acc = t.accumulator(c, x);
      ties += (std::abs(acc) % 256) == 128;
      expected.push_back(t.expected(c, x));
    }
  }
  REQUIRE(ties > 0);
  for (const char* kernel_set : {"reference", "avx2", "avx512", "auto"}) {
    if (!KernelSelector::create(kernel_set, CpuFeatures::detect()).ok()) continue;
    InterpreterOptions options;
    options.profile = RequantProfile::kTfliteReference;
    options.kernel = kernel_set;
    const testing::RunResult r = testing::run_model(*model, {testing::to_bytes(input)}, options);
    INFO("kernel set " << kernel_set);
    REQUIRE(r.status.ok());
    CHECK(testing::from_bytes<int8_t>(r.outputs[0]) == expected);
  }
}

}  // namespace
}  // namespace lowbit
