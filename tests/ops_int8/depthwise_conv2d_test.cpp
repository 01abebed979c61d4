#include <catch2/catch.hpp>

#include "int8_test_util.h"
#include "kernels/reference/qs8_depthwise_conv2d.h"

namespace lowbit {
namespace {

using int8_test::uniform;
using testing::Bytes;

template <typename T>
struct DepthwiseCase : int8_test::WeightedLayer<T> {
  sim::DepthwiseShape shape;

  int oc() const { return shape.c * shape.multiplier; }
  Qs8ConvGeometry geometry() const { return int8_test::window_geometry(shape, oc()); }
  sim::Quant sim_quant(RequantProfile profile) const {
    // Legacy uint8: TFLite's GetQuantizedConvolutionMultipler forms in*w in float.
    return this->WeightedLayer::sim_quant(profile, oc(), this->kUint8);
  }
  std::vector<T> expected(RequantProfile profile) const {
    return sim::depthwise_conv2d(shape, sim_quant(profile), this->input, this->weights, this->bias);
  }
  std::unique_ptr<ModelBuilder> model() const {
    const sim::DepthwiseShape& s = shape;
    const Qs8ConvGeometry g = geometry();
    auto opt = int8_test::window_options<DepthwiseConv2DOptions>(s, this->activation);
    opt.depth_multiplier = s.multiplier;
    return this->layer_model(OpType::kDepthwiseConv2D, opt, Shape{s.n, s.h, s.w, s.c},
                             Shape{1, s.kh, s.kw, oc()}, 3,
                             Shape{s.n, g.output_h, g.output_w, oc()});
  }
  std::string describe() const {
    const auto& s = shape;
    return "in [" + std::to_string(s.n) + "," + std::to_string(s.h) + "," + std::to_string(s.w) +
           "," + std::to_string(s.c) + "] multiplier " + std::to_string(s.multiplier) +
           int8_test::describe_window(s) + this->describe_quantization();
  }
};

template <typename T>
DepthwiseCase<T> random_case(std::mt19937& rng) {
  DepthwiseCase<T> t;
  sim::DepthwiseShape& s = t.shape;
  s.n = uniform(rng, 1, 2);
  s.c = uniform(rng, 1, 6);
  s.multiplier = uniform(rng, 0, 2) == 0 ? uniform(rng, 2, 3) : 1;
  int8_test::random_window(rng, 1, &s);
  s.h = uniform(rng, (s.kh - 1) * s.dilation_h + 1, 9);
  s.w = uniform(rng, (s.kw - 1) * s.dilation_w + 1, 9);
  t.randomize(rng, s.kh * s.kw, t.oc(), false, size_t(s.n) * s.h * s.w * s.c,
              size_t(s.kh) * s.kw * t.oc());
  return t;
}

void hand_computed(RequantProfile profile) {
  // Input 1x2x2x1 [[1, 2], [3, 4]], zero point 0, scale 0.5; depth multiplier 2.
  // Filter 1x2x2x2 stores (ky, kx, oc) innermost-oc:
  //   oc 0 taps [1, 2, 3, 4]   -> acc0 = 1 + 4 + 9 + 16 = 30
  //   oc 1 taps [-1, 0, 1, 10] -> acc1 = -1 + 0 + 3 + 40 = 42
  // Per-channel weight scales [0.5, 0.25], output scale 0.5, zero point -10:
  //   multipliers 0.5 and 0.25 -> 15 and 10.5.
  // RELU6 clamps to [Q(0), Q(6)] = [-10, -10 + 12] = [-10, 2]:
  //   oc 0: -10 + 15 = 5 -> 2.
  //   oc 1: 10.5 rounds to 11 (double: 42 -> 21 -> 10.5 away; single: half up)
  //         or 10 (xnnpack_fp32, half to even) -> 1 or 0.
  int8_test::WeightedLayer<int8_t> layer;
  layer.scales = {0.5f, 0.5f, {0.5f, 0.25f}};  // input, output, weights per channel
  layer.output_zp = -10;
  layer.input = {1, 2, 3, 4};
  layer.weights = {1, -1, 2, 0, 3, 1, 4, 10};
  DepthwiseConv2DOptions opt;
  opt.depth_multiplier = 2;
  opt.activation = Activation::kRelu6;
  const auto model = layer.layer_model(OpType::kDepthwiseConv2D, opt, Shape{1, 2, 2, 1},
                                       Shape{1, 2, 2, 2}, 3, Shape{1, 1, 1, 2});
  const std::vector<int8_t> expected =
      profile == RequantProfile::kXnnpackFp32 ? std::vector<int8_t>{2, 0} : std::vector<int8_t>{2, 1};
  CHECK(layer.run(*model, profile, "qs8_depthwise_conv2d__reference") == expected);
}
LOWBIT_CONV_PROFILE_TEST_CASES("DEPTHWISE_CONV_2D hand-computed", "[depthwise]", hand_computed)

void hand_computed_negative_ties(RequantProfile profile) {
  // 1x1 filter of ones on four channels, input scale 1, weight scale 0.25,
  // output scale 1, zero points 0: multiplier 0.25 = 2^30 * 2^-31 * 2^-1, so
  // the high multiply halves exactly and the shift by one meets the ties.
  //   input [-6, 6, -10, 2] -> exact [-1.5, 1.5, -2.5, 0.5]
  //   tflite_reference (halves away from zero): [-2, 2, -3, 1]
  //   single_rounding, tflite_optimized (halves up): [-1, 2, -2, 1]
  //   xnnpack_fp32 (halves to even): [-2, 2, -2, 0]
  int8_test::WeightedLayer<int8_t> layer;
  layer.scales = {1.0f, 1.0f, {0.25f}};  // input, output, weights
  layer.input = {-6, 6, -10, 2};
  layer.weights = {1, 1, 1, 1};
  const auto model = layer.layer_model(OpType::kDepthwiseConv2D, DepthwiseConv2DOptions{},
                                       Shape{1, 1, 1, 4}, Shape{1, 1, 1, 4}, 3, Shape{1, 1, 1, 4});
  std::vector<int8_t> expected;
  switch (profile) {
    case RequantProfile::kTfliteReference: expected = {-2, 2, -3, 1}; break;
    case RequantProfile::kSingleRounding:
    case RequantProfile::kTfliteOptimized: expected = {-1, 2, -2, 1}; break;
    case RequantProfile::kXnnpackFp32: expected = {-2, 2, -2, 0}; break;
  }
  CHECK(layer.run(*model, profile, "qs8_depthwise_conv2d__reference") == expected);
}
LOWBIT_CONV_PROFILE_TEST_CASES("DEPTHWISE_CONV_2D hand-computed negative ties", "[depthwise]",
                               hand_computed_negative_ties)

void kernel_matches_simulation(RequantProfile profile) {
  int8_test::check_kernel_cases(
      testing::test_seed() + 10, 300, profile,
      [](std::mt19937& rng) { return random_case<int8_t>(rng); },
      [](std::mt19937& rng, const DepthwiseCase<int8_t>& t, const sim::Quant& q,
         const std::vector<ref::Requantizer>& requantizers) {
        ref::DepthwiseQuantParams p;
        set_window_params(t.geometry(), &p);
        p.depth_multiplier = t.shape.multiplier;
        int8_test::set_kernel_quantization(q, requantizers, &p);
        return t.run_kernel_split(rng, ref::qs8_depthwise_conv2d__reference, p,
                                  size_t(p.batch) * p.output_h, size_t(p.output_w) * t.oc());
      });
}
LOWBIT_CONV_PROFILE_TEST_CASES("qs8_depthwise_conv2d__reference matches simulation",
                          "[depthwise][kernel]", kernel_matches_simulation)

LOWBIT_OPERATOR_SIMULATION_TESTS("DEPTHWISE_CONV_2D", "[depthwise]", testing::test_seed() + 11, random_case,
                                 "qs8_depthwise_conv2d__reference", "qu8_depthwise_conv2d__reference")

}  // namespace
}  // namespace lowbit
