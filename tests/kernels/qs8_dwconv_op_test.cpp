// DEPTHWISE_CONV_2D through the runtime with every SIMD kernel set this CPU
// runs, at 1, 2 and 3 threads, against the reference kernel set: the driver's
// row/generic dispatch, padding rows and columns, channel tiles (few output
// rows split channels across threads), depth multiplier and dilation.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "runtime/cpu_features.h"
#include "support/model_runner.h"

using namespace lowbit;

namespace {

int uniform(std::mt19937& rng, int lo, int hi) {
  return std::uniform_int_distribution<int>(lo, hi)(rng);
}

struct Case {
  int n = 1, h = 1, w = 1, c = 1, multiplier = 1, kh = 3, kw = 3;
  DepthwiseConv2DOptions opt;
  std::vector<int8_t> input, filter;
  std::vector<int32_t> bias;
  std::vector<float> weight_scales;
  int32_t input_zp = 0, output_zp = 0;
  float input_scale = 0.05f, output_scale = 0.1f;

  int oc() const { return c * multiplier; }
  static int out_dim(int in, int k, int stride, int dilation, Padding padding) {
    const int eff = (k - 1) * dilation + 1;
    return padding == Padding::kSame ? (in + stride - 1) / stride : (in - eff) / stride + 1;
  }
  bool row_kernel_shape() const {
    return kh == kw && (kh == 3 || kh == 5) && (opt.stride_w == 1 || opt.stride_w == 2) &&
           opt.dilation_h == 1 && opt.dilation_w == 1;
  }
  std::string describe() const {
    return "n " + std::to_string(n) + " h " + std::to_string(h) + " w " + std::to_string(w) +
           " c " + std::to_string(c) + " x" + std::to_string(multiplier) + " kernel " +
           std::to_string(kh) + "x" + std::to_string(kw) + " stride " + std::to_string(opt.stride_h) +
           "x" + std::to_string(opt.stride_w) + " dilation " + std::to_string(opt.dilation_h) + "x" +
           std::to_string(opt.dilation_w) + (opt.padding == Padding::kSame ? " SAME" : " VALID");
  }
};

// large: a layer above the driver's one-thread threshold.
Case random_case(std::mt19937& rng, bool large) {
  static const int kEdgeChannels[] = {1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 48, 65};
  Case t;
  t.n = uniform(rng, 1, 2);
  t.multiplier = uniform(rng, 0, 4) == 0 ? uniform(rng, 2, 3) : 1;
  t.c = uniform(rng, 0, 1) ? kEdgeChannels[uniform(rng, 0, 11)] : uniform(rng, 1, 70);
  if (t.multiplier > 1) t.c = uniform(rng, 1, 20);
  static const int kSizes[] = {3, 3, 3, 5, 5, 1, 2, 4};
  t.kh = kSizes[uniform(rng, 0, 7)];
  t.kw = uniform(rng, 0, 4) == 0 ? kSizes[uniform(rng, 0, 7)] : t.kh;
  t.opt.stride_h = uniform(rng, 1, 2);
  t.opt.stride_w = uniform(rng, 1, 2);
  t.opt.dilation_h = uniform(rng, 0, 4) == 0 ? 2 : 1;
  t.opt.dilation_w = uniform(rng, 0, 4) == 0 ? 2 : 1;
  t.opt.depth_multiplier = t.multiplier;
  t.opt.padding = uniform(rng, 0, 1) ? Padding::kSame : Padding::kValid;
  t.opt.activation = static_cast<Activation>(uniform(rng, 0, 2));
  t.h = uniform(rng, (t.kh - 1) * t.opt.dilation_h + 1, 12);
  t.w = uniform(rng, 0, 3) == 0 ? uniform(rng, 20, 40) : uniform(rng, (t.kw - 1) * t.opt.dilation_w + 1, 12);
  if (large) {
    // At least 2 x 8 x 16 outputs x 48 channels x 9 taps = 110k MACs.
    t.n = 2;
    t.multiplier = t.opt.depth_multiplier = 1;
    t.c = uniform(rng, 48, 70);
    t.kh = t.kw = uniform(rng, 0, 1) ? 3 : 5;
    t.opt.stride_h = 1;
    t.opt.dilation_h = t.opt.dilation_w = 1;
    t.h = 12;
    t.w = uniform(rng, 36, 40);
  }
  t.input_zp = uniform(rng, -128, 127);
  t.output_zp = uniform(rng, -128, 127);
  t.input = testing::random_ints<int8_t>(rng, size_t(t.n) * t.h * t.w * t.c, -128, 127);
  t.filter = testing::random_ints<int8_t>(rng, size_t(t.kh) * t.kw * t.oc(), -127, 127);
  if (uniform(rng, 0, 3) != 0) t.bias = testing::random_ints<int32_t>(rng, t.oc(), -30000, 30000);
  t.weight_scales = testing::random_floats(rng, t.oc(), 0.002f, 0.02f);
  t.output_scale = 0.05f * std::sqrt(float(t.kh * t.kw)) * testing::random_floats(rng, 1, 0.3f, 3.0f)[0];
  return t;
}

std::unique_ptr<ModelBuilder> build_model(const Case& t) {
  auto model = std::make_unique<ModelBuilder>();
  ModelBuilder& b = *model;
  const int in = b.add_tensor("input", DType::kInt8, Shape{t.n, t.h, t.w, t.c},
                              testing::per_tensor(t.input_scale, t.input_zp));
  const int w = b.add_constant("filter", DType::kInt8, Shape{1, t.kh, t.kw, t.oc()}, t.filter,
                               testing::per_axis(t.weight_scales, 3));
  const int oh = Case::out_dim(t.h, t.kh, t.opt.stride_h, t.opt.dilation_h, t.opt.padding);
  const int ow = Case::out_dim(t.w, t.kw, t.opt.stride_w, t.opt.dilation_w, t.opt.padding);
  const int out = b.add_tensor("output", DType::kInt8, Shape{t.n, oh, ow, t.oc()},
                               testing::per_tensor(t.output_scale, t.output_zp));
  std::vector<int> inputs = {in, w};
  if (!t.bias.empty()) {
    std::vector<float> bias_scales;
    for (float s : t.weight_scales) bias_scales.push_back(s * t.input_scale);
    inputs.push_back(b.add_constant("bias", DType::kInt32, Shape{t.oc()}, t.bias,
                                    testing::per_axis(bias_scales, 0)));
  }
  b.add_operator(OpType::kDepthwiseConv2D, inputs, {out}, t.opt, "depthwise");
  b.set_inputs({in});
  b.set_outputs({out});
  return model;
}

testing::RunResult run(const ModelBuilder& b, const Case& t, RequantProfile profile,
                       const char* kernel_set, int threads) {
  InterpreterOptions options;
  options.profile = profile;
  options.num_threads = threads;
  options.kernel = kernel_set;
  return testing::run_model(b, {testing::to_bytes(t.input)}, options);
}

}  // namespace

TEST_CASE("DEPTHWISE_CONV_2D SIMD kernel sets equal the reference at any thread count",
          "[kernels][qs8_dwconv]") {
  const uint32_t seed = testing::test_seed();
  CAPTURE(seed);
  std::vector<const char*> sets;
  for (const char* set : {"avx2", "avx512", "avx512vnni", "avxvnni", "neon", "neondot", "i8mm"}) {
    if (KernelSelector::create(set, CpuFeatures::detect()).ok()) sets.push_back(set);
  }
  if (sets.empty()) WARN("no SIMD kernel set runs on this CPU: only the reference ran");
  // Layers under Qs8DwconvDriver::kMinMacsToSplit (100k) run on one thread;
  // the sweep must include larger ones so the thread tiling runs too.
  int large_cases = 0;
  for (RequantProfile profile : {RequantProfile::kTfliteReference, RequantProfile::kSingleRounding,
                                 RequantProfile::kXnnpackFp32, RequantProfile::kTfliteOptimized}) {
    std::mt19937 rng(seed + 77);
    for (int iter = 0; iter < testing::scaled_iterations(30); ++iter) {
      const Case t = random_case(rng, iter % 6 == 0);
      INFO("iteration " << iter << " [" << requant_profile_name(profile) << "]: " << t.describe());
      const std::unique_ptr<ModelBuilder> model = build_model(t);
      const ModelBuilder& b = *model;
      const int oh = Case::out_dim(t.h, t.kh, t.opt.stride_h, t.opt.dilation_h, t.opt.padding);
      const int ow = Case::out_dim(t.w, t.kw, t.opt.stride_w, t.opt.dilation_w, t.opt.padding);
      if (int64_t(t.n) * oh * ow * t.oc() * t.kh * t.kw >= 100000) ++large_cases;
      const testing::RunResult expected = run(b, t, profile, "reference", 1);
      REQUIRE(expected.status.ok());
      for (const char* set : sets) {
        for (int threads : {1, 2, 3}) {
          const testing::RunResult r = run(b, t, profile, set, threads);
          INFO("kernel set " << set << ", threads " << threads << ": " << r.status.to_string());
          REQUIRE(r.status.ok());
          REQUIRE(r.kernels.size() == 1);
          CAPTURE(r.kernels[0]);
          // Row kernels name their shape: qs8_dwconv_3x3s1_c16__avx2.
          const std::string& name = r.kernels[0];
          const bool row = name.compare(0, 11, "qs8_dwconv_") == 0 && name.size() > 13 &&
                           std::isdigit(static_cast<unsigned char>(name[11])) && name[12] == 'x';
          CHECK(row == t.row_kernel_shape());
          REQUIRE(r.outputs == expected.outputs);
        }
      }
    }
  }
  CHECK(large_cases >= 3);
}

TEST_CASE("DEPTHWISE_CONV_2D of one input channel fanned out equals the reference",
          "[kernels][qs8_dwconv]") {
  // The fan-out row kernels (Qs8DwconvKernel::fanout_*): a one-channel input
  // with depth multipliers they take (4, 8, 16..64) and some they leave to
  // the channel-block kernels (3, 12); widths past a 256-column chunk,
  // padding on every side, both kernel sizes and strides, every profile.
  const uint32_t seed = testing::test_seed();
  CAPTURE(seed);
  std::vector<const char*> sets;
  for (const char* set : {"avx2", "avx512", "avx512vnni", "avxvnni", "neon", "neondot", "i8mm"}) {
    if (KernelSelector::create(set, CpuFeatures::detect()).ok()) sets.push_back(set);
  }
  static const int kMultipliers[] = {4, 8, 16, 32, 48, 64, 3, 12};
  int fanout_runs = 0;
  for (RequantProfile profile : {RequantProfile::kTfliteReference, RequantProfile::kSingleRounding,
                                 RequantProfile::kXnnpackFp32, RequantProfile::kTfliteOptimized}) {
    std::mt19937 rng(seed + 91);
    for (int iter = 0; iter < testing::scaled_iterations(16); ++iter) {
      Case t = random_case(rng, false);
      t.n = 1;
      t.c = 1;
      t.multiplier = t.opt.depth_multiplier = kMultipliers[iter % 8];
      t.kh = t.kw = uniform(rng, 0, 1) ? 3 : 5;
      t.opt.dilation_h = t.opt.dilation_w = 1;
      t.h = uniform(rng, t.kh, 7);
      t.w = iter % 4 == 0 ? uniform(rng, 250, 300) : uniform(rng, t.kw, 40);
      t.input = testing::random_ints<int8_t>(rng, size_t(t.h) * t.w, -128, 127);
      t.filter = testing::random_ints<int8_t>(rng, size_t(t.kh) * t.kw * t.oc(), -127, 127);
      if (!t.bias.empty()) t.bias = testing::random_ints<int32_t>(rng, t.oc(), -30000, 30000);
      t.weight_scales = testing::random_floats(rng, t.oc(), 0.002f, 0.02f);
      INFO("iteration " << iter << " [" << requant_profile_name(profile) << "]: " << t.describe());
      const std::unique_ptr<ModelBuilder> model = build_model(t);
      const testing::RunResult expected = run(*model, t, profile, "reference", 1);
      REQUIRE(expected.status.ok());
      for (const char* set : sets) {
        for (int threads : {1, 2}) {
          const testing::RunResult r = run(*model, t, profile, set, threads);
          INFO("kernel set " << set << ", threads " << threads << ": " << r.status.to_string());
          REQUIRE(r.status.ok());
          REQUIRE(r.kernels.size() == 1);
          CAPTURE(r.kernels[0]);
          const bool fanout = r.kernels[0].find("fanout") != std::string::npos;
          if (fanout) ++fanout_runs;
          if (std::string(set) == "avx512vnni") {
            CHECK(fanout == (t.multiplier != 3 && t.multiplier != 12));
          }
          REQUIRE(r.outputs == expected.outputs);
        }
      }
    }
  }
  if (std::find(sets.begin(), sets.end(), std::string("avx512vnni")) != sets.end()) {
    CHECK(fanout_runs > 0);
  }
}
