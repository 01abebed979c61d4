#include <catch2/catch.hpp>

#include "int8_test_util.h"
#include "kernels/reference/qs8_conv2d.h"

namespace lowbit {
namespace {

using int8_test::uniform;
using testing::Bytes;

template <typename T>
struct ConvCase : int8_test::WeightedLayer<T> {
  sim::ConvShape shape;

  int filter_c() const { return shape.c / shape.groups; }
  Qs8ConvGeometry geometry() const { return int8_test::window_geometry(shape, shape.oc); }
  sim::Quant sim_quant(RequantProfile profile) const {
    // Legacy uint8: TFLite's GetQuantizedConvolutionMultipler forms in*w in float.
    return this->WeightedLayer::sim_quant(profile, shape.oc, this->kUint8);
  }
  std::vector<T> expected(RequantProfile profile) const {
    return sim::conv2d(shape, sim_quant(profile), this->input, this->weights, this->bias);
  }
  std::unique_ptr<ModelBuilder> model() const {
    const sim::ConvShape& s = shape;
    const Qs8ConvGeometry g = geometry();
    return this->layer_model(OpType::kConv2D,
                             int8_test::window_options<Conv2DOptions>(s, this->activation),
                             Shape{s.n, s.h, s.w, s.c}, Shape{s.oc, s.kh, s.kw, filter_c()}, 0,
                             Shape{s.n, g.output_h, g.output_w, s.oc});
  }
  std::string describe() const {
    const auto& s = shape;
    return "in [" + std::to_string(s.n) + "," + std::to_string(s.h) + "," + std::to_string(s.w) +
           "," + std::to_string(s.c) + "] oc " + std::to_string(s.oc) + " groups " +
           std::to_string(s.groups) + int8_test::describe_window(s) +
           this->describe_quantization();
  }
};

// `few_rows`: a tiny image with many output channels, so the SIMD driver
// splits channel blocks across threads. `wide_input`: 16-68 input channels
// (multiples of 4 or not), so K x K layers take the indirect GEMM path where
// a variant has one.
template <typename T>
ConvCase<T> random_conv_case(std::mt19937& rng, bool few_rows = false, bool wide_input = false) {
  ConvCase<T> t;
  sim::ConvShape& s = t.shape;
  s.n = few_rows ? 1 : uniform(rng, 1, 2);
  s.groups = !few_rows && uniform(rng, 0, 3) == 0 ? uniform(rng, 2, 3) : 1;
  s.c = s.groups * uniform(rng, 1, 5);
  if (wide_input) {
    s.groups = 1;
    s.c = uniform(rng, 0, 3) == 0 ? uniform(rng, 16, 40) : 4 * uniform(rng, 4, 17);
  }
  s.oc = few_rows ? uniform(rng, 17, 70) : s.groups * uniform(rng, 1, 4);
  int8_test::random_window(rng, wide_input ? 2 : 1, &s);
  const int max_size = few_rows ? 4 : 8;
  s.h = uniform(rng, (s.kh - 1) * s.dilation_h + 1, std::max(max_size, (s.kh - 1) * s.dilation_h + 1));
  s.w = uniform(rng, (s.kw - 1) * s.dilation_w + 1, std::max(max_size, (s.kw - 1) * s.dilation_w + 1));
  t.randomize(rng, s.kh * s.kw * t.filter_c(), s.oc, few_rows, size_t(s.n) * s.h * s.w * s.c,
              size_t(s.oc) * s.kh * s.kw * t.filter_c());
  return t;
}

// Hand-worked case (comments in the test) whose accumulators land on exact
// ties of the 0.25 multiplier, so each profile gives a different answer.
void hand_computed(RequantProfile profile) {
  // acc(0,0) = a + b + c + 2d + 10 = -67 + 43 - 100 + 40 + 10 = -74
  // acc(0,1) = b + d + 10 (right column padded)   = 43 + 20 + 10 = 73
  // acc(1,0) = c + d + 10 (bottom row padded)     = -100 + 20 + 10 = -70
  // acc(1,1) = d + 10                             = 30
  // Multiplier 0.5 * 0.5 / 1 = 0.25 -> exact values -18.5, 18.25, -17.5, 7.5.
  // tflite_reference: M = 2^30, shift -1: the high multiply halves rounding
  //   half up (73 -> 36.5 -> 37), then the shift halves rounding half away:
  //   -74 -> -37 -> -19;  73 -> 37 -> 19;  -70 -> -35 -> -18;  30 -> 15 -> 8.
  // single_rounding: floor(x/4 + 1/2): -18, 18, -17, 8.
  // xnnpack_fp32: half to even: -18, 18, -18, 8.
  // tflite_optimized: the same high multiply, then the shift rounds half up
  //   (LCE's builtin CONV_2D): -37 -> -18;  37 -> 19;  -35 -> -17;  15 -> 8.
  // Plus output zero point 2.
  std::vector<int8_t> expected;
  switch (profile) {
    case RequantProfile::kTfliteReference: expected = {-17, 21, -16, 10}; break;
    case RequantProfile::kSingleRounding: expected = {-16, 20, -15, 10}; break;
    case RequantProfile::kXnnpackFp32: expected = {-16, 20, -16, 10}; break;
    case RequantProfile::kTfliteOptimized: expected = {-16, 21, -15, 10}; break;
  }
  // Input 1x2x2x1 with zero point -3: raw [-70, 40, -103, 17] -> centered
  // X = [a, b; c, d] = [-67, 43; -100, 20]. Filter [[1, 1], [1, 2]] (OHWI
  // 1x2x2x1), scale 0.5; bias 10. SAME with a 2x2 kernel on 2x2 pads one
  // row/column after: output 2x2.
  int8_test::WeightedLayer<int8_t> layer;
  layer.scales = {0.5f, 1.0f, {0.5f}};  // input, output, weights
  layer.input_zp = -3;
  layer.output_zp = 2;
  layer.input = {-70, 40, -103, 17};
  layer.weights = {1, 1, 1, 2};
  layer.bias = {10};
  Conv2DOptions opt;
  opt.padding = Padding::kSame;
  const auto model = layer.layer_model(OpType::kConv2D, opt, Shape{1, 2, 2, 1}, Shape{1, 2, 2, 1},
                                       0, Shape{1, 2, 2, 1});
  CHECK(layer.run(*model, profile, "qs8_conv2d__reference") == expected);
}
LOWBIT_CONV_PROFILE_TEST_CASES("CONV_2D hand-computed ties", "[conv2d]", hand_computed)

void uint8_hand_computed(RequantProfile profile) {
  // Legacy asymmetric uint8: input 1x1x2x2 zero point 128, raw pixels
  // [130, 120] and [128, 200] -> centered [2, -8] and [0, 72]. A 1x1 filter
  // (one output channel) raw [125, 110] with zero point 120 -> [5, -10].
  //   pixel 0: 2*5 + (-8)(-10) + bias 10 = 100
  //   pixel 1: 0*5 + 72*(-10)  + bias 10 = -710
  // Multiplier 0.5 * 0.25 / 1 = 0.125: 12.5 and -88.75. The tie 12.5 gives 13
  // (tflite_reference: 100 -> 50 -> 12.5 away; single_rounding and
  // tflite_optimized: half up) or
  // 12 (xnnpack_fp32: to even); -88.75 -> -89. Output zero point 100.
  int8_test::WeightedLayer<uint8_t> layer;
  layer.scales = {0.5f, 1.0f, {0.25f}};  // input, output, weights
  layer.input_zp = 128;
  layer.filter_zp = 120;
  layer.output_zp = 100;
  layer.input = {130, 120, 128, 200};
  layer.weights = {125, 110};
  layer.bias = {10};
  const auto model = layer.layer_model(OpType::kConv2D, Conv2DOptions{}, Shape{1, 1, 2, 2},
                                       Shape{1, 1, 1, 2}, 0, Shape{1, 1, 2, 1});
  const uint8_t tie = profile == RequantProfile::kXnnpackFp32 ? 112 : 113;
  CHECK(layer.run(*model, profile, "qu8_conv2d__reference") == std::vector<uint8_t>{tie, 11});
}
LOWBIT_CONV_PROFILE_TEST_CASES("CONV_2D uint8 hand-computed", "[conv2d][uint8]", uint8_hand_computed)

void kernel_matches_simulation(RequantProfile profile) {
  int8_test::check_kernel_cases(
      testing::test_seed(), 300, profile,
      [](std::mt19937& rng) { return random_conv_case<int8_t>(rng); },
      [](std::mt19937& rng, const ConvCase<int8_t>& t, const sim::Quant& q,
         const std::vector<ref::Requantizer>& requantizers) {
        ref::ConvQuantParams p;
        set_window_params(t.geometry(), &p);
        p.output_c = t.shape.oc;
        p.groups = t.shape.groups;
        int8_test::set_kernel_quantization(q, requantizers, &p);
        return t.run_kernel_split(rng, ref::qs8_conv2d__reference, p, size_t(p.batch) * p.output_h,
                                  size_t(p.output_w) * p.output_c);
      });
}
LOWBIT_CONV_PROFILE_TEST_CASES("qs8_conv2d__reference matches simulation", "[conv2d][kernel]",
                          kernel_matches_simulation)

LOWBIT_OPERATOR_SIMULATION_TESTS("CONV_2D", "[conv2d]", testing::test_seed() + 1, random_conv_case,
                                 "qs8_conv2d__reference", "qu8_conv2d__reference")

void channel_split(RequantProfile profile) {
  int8_test::check_operator_cases(
      testing::test_seed() + 2, 4, int8_test::kEveryIteration, profile, "qs8_conv2d__reference",
      [](std::mt19937& rng, int) { return random_conv_case<int8_t>(rng, true); });
}
LOWBIT_CONV_PROFILE_TEST_CASES("CONV_2D with few output pixels splits channels across threads",
                          "[conv2d]", channel_split)

void wide_input(RequantProfile profile) {
  int8_test::check_operator_cases(
      testing::test_seed() + 3, 12, int8_test::kEveryIteration, profile, "qs8_conv2d__reference",
      [](std::mt19937& rng, int iter) {
        return random_conv_case<int8_t>(rng, iter % 4 == 0, true);
      });
}
LOWBIT_CONV_PROFILE_TEST_CASES("CONV_2D with 16-68 input channels (indirect GEMM taps)", "[conv2d]",
                          wide_input)

}  // namespace
}  // namespace lowbit
