#include <catch2/catch.hpp>

#include "int8_test_util.h"
#include "kernels/reference/qs8_depthwise_conv2d.h"

namespace lowbit {
namespace {

using int8_test::uniform;
using testing::Bytes;

template <typename T>
struct DepthwiseCase {
  sim::DepthwiseShape shape;
  Activation activation = Activation::kNone;
  int8_test::LayerScales scales;
  int32_t input_zp = 0, filter_zp = 0, output_zp = 0;
  std::vector<T> input, filter;
  std::vector<int32_t> bias;

  int oc() const { return shape.c * shape.multiplier; }
  sim::Dim out_h() const {
    return sim::padded(shape.h, shape.kh, shape.stride_h, shape.dilation_h, shape.padding);
  }
  sim::Dim out_w() const {
    return sim::padded(shape.w, shape.kw, shape.stride_w, shape.dilation_w, shape.padding);
  }
  sim::Quant sim_quant(RequantProfile profile) const {
    sim::Quant q;
    q.input_zp = input_zp;
    q.filter_zp = filter_zp;
    q.output_zp = output_zp;
    q.profile = profile;
    // Legacy uint8: TFLite's GetQuantizedConvolutionMultipler forms in*w in float.
    q.scales = int8_test::channel_scales(scales, oc(), std::is_same<T, uint8_t>::value);
    sim::activation_range(activation, scales.output, output_zp, std::is_same<T, uint8_t>::value,
                          &q.act_min, &q.act_max);
    return q;
  }
  std::vector<T> expected(RequantProfile profile) const {
    return sim::depthwise_conv2d(shape, sim_quant(profile), input, filter, bias);
  }
  std::string describe() const {
    const auto& s = shape;
    return "in [" + std::to_string(s.n) + "," + std::to_string(s.h) + "," + std::to_string(s.w) +
           "," + std::to_string(s.c) + "] multiplier " + std::to_string(s.multiplier) +
           " kernel " + std::to_string(s.kh) + "x" + std::to_string(s.kw) + " stride " +
           std::to_string(s.stride_h) + "x" + std::to_string(s.stride_w) + " dilation " +
           std::to_string(s.dilation_h) + "x" + std::to_string(s.dilation_w) +
           (s.padding == Padding::kSame ? " SAME" : " VALID") + " act " +
           std::to_string(int(activation)) + " per-channel " +
           std::to_string(scales.weights.size() > 1) + " bias " + std::to_string(!bias.empty());
  }
};

template <typename T>
DepthwiseCase<T> random_case(std::mt19937& rng) {
  const bool is_uint8 = std::is_same<T, uint8_t>::value;
  DepthwiseCase<T> t;
  sim::DepthwiseShape& s = t.shape;
  s.n = uniform(rng, 1, 2);
  s.c = uniform(rng, 1, 6);
  s.multiplier = uniform(rng, 0, 2) == 0 ? uniform(rng, 2, 3) : 1;
  s.kh = uniform(rng, 1, 3);
  s.kw = uniform(rng, 1, 3);
  s.stride_h = uniform(rng, 1, 2);
  s.stride_w = uniform(rng, 1, 2);
  s.dilation_h = uniform(rng, 1, 2);
  s.dilation_w = uniform(rng, 1, 2);
  s.padding = uniform(rng, 0, 1) ? Padding::kSame : Padding::kValid;
  s.h = uniform(rng, (s.kh - 1) * s.dilation_h + 1, 9);
  s.w = uniform(rng, (s.kw - 1) * s.dilation_w + 1, 9);
  t.activation = int8_test::random_activation(rng);
  const bool per_channel = !is_uint8 && uniform(rng, 0, 1);
  t.scales = int8_test::random_layer_scales(rng, s.kh * s.kw, t.oc(), per_channel);
  const int lo = is_uint8 ? 0 : -128, hi = is_uint8 ? 255 : 127;
  t.input_zp = uniform(rng, lo, hi);
  t.output_zp = uniform(rng, lo, hi);
  t.filter_zp = is_uint8 ? uniform(rng, 0, 255) : 0;
  t.input = testing::random_ints<T>(rng, size_t(s.n) * s.h * s.w * s.c, lo, hi);
  t.filter = testing::random_ints<T>(rng, size_t(s.kh) * s.kw * t.oc(), is_uint8 ? 0 : -127, hi);
  if (uniform(rng, 0, 3) != 0) t.bias = testing::random_ints<int32_t>(rng, t.oc(), -30000, 30000);
  return t;
}

template <typename T>
std::unique_ptr<ModelBuilder> build_model(const DepthwiseCase<T>& t) {
  const DType dtype = std::is_same<T, uint8_t>::value ? DType::kUInt8 : DType::kInt8;
  const sim::DepthwiseShape& s = t.shape;
  auto model = std::make_unique<ModelBuilder>();
  ModelBuilder& b = *model;
  const int in = b.add_tensor("input", dtype, Shape{s.n, s.h, s.w, s.c},
                              testing::per_tensor(t.scales.input, t.input_zp));
  Quantization wq = int8_test::weight_quantization(t.scales, 3);
  if (t.filter_zp != 0) wq.zero_points = {t.filter_zp};
  const int w = b.add_constant("filter", dtype, Shape{1, s.kh, s.kw, t.oc()}, t.filter, wq);
  const int out = b.add_tensor("output", dtype, Shape{s.n, t.out_h().out, t.out_w().out, t.oc()},
                               testing::per_tensor(t.scales.output, t.output_zp));
  DepthwiseConv2DOptions opt;
  opt.padding = s.padding;
  opt.stride_h = s.stride_h;
  opt.stride_w = s.stride_w;
  opt.dilation_h = s.dilation_h;
  opt.dilation_w = s.dilation_w;
  opt.depth_multiplier = s.multiplier;
  opt.activation = t.activation;
  std::vector<int> inputs = {in, w};
  if (!t.bias.empty()) {
    inputs.push_back(b.add_constant("bias", DType::kInt32, Shape{t.oc()}, t.bias,
                                    int8_test::bias_quantization(t.scales)));
  }
  b.add_operator(OpType::kDepthwiseConv2D, inputs, {out}, opt, "depthwise");
  b.set_inputs({in});
  b.set_outputs({out});
  return model;
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
  auto model = std::make_unique<ModelBuilder>();
  ModelBuilder& b = *model;
  const int in = b.add_tensor("input", DType::kInt8, Shape{1, 2, 2, 1}, testing::per_tensor(0.5f, 0));
  const int w = b.add_constant("filter", DType::kInt8, Shape{1, 2, 2, 2},
                               std::vector<int8_t>{1, -1, 2, 0, 3, 1, 4, 10},
                               testing::per_axis({0.5f, 0.25f}, 3));
  const int out = b.add_tensor("output", DType::kInt8, Shape{1, 1, 1, 2}, testing::per_tensor(0.5f, -10));
  DepthwiseConv2DOptions opt;
  opt.depth_multiplier = 2;
  opt.activation = Activation::kRelu6;
  b.add_operator(OpType::kDepthwiseConv2D, {in, w}, {out}, opt);
  b.set_inputs({in});
  b.set_outputs({out});
  const std::vector<int8_t> expected =
      profile == RequantProfile::kXnnpackFp32 ? std::vector<int8_t>{2, 0} : std::vector<int8_t>{2, 1};
  const Bytes result = int8_test::run_all_thread_counts(
      b, {testing::to_bytes(std::vector<int8_t>{1, 2, 3, 4})}, profile,
      "qs8_depthwise_conv2d__reference");
  CHECK(testing::from_bytes<int8_t>(result) == expected);
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
  auto model = std::make_unique<ModelBuilder>();
  ModelBuilder& b = *model;
  const int in = b.add_tensor("input", DType::kInt8, Shape{1, 1, 1, 4}, testing::per_tensor(1.0f, 0));
  const int w = b.add_constant("filter", DType::kInt8, Shape{1, 1, 1, 4},
                               std::vector<int8_t>{1, 1, 1, 1}, testing::per_tensor(0.25f, 0));
  const int out = b.add_tensor("output", DType::kInt8, Shape{1, 1, 1, 4}, testing::per_tensor(1.0f, 0));
  b.add_operator(OpType::kDepthwiseConv2D, {in, w}, {out}, DepthwiseConv2DOptions{});
  b.set_inputs({in});
  b.set_outputs({out});
  std::vector<int8_t> expected;
  switch (profile) {
    case RequantProfile::kTfliteReference: expected = {-2, 2, -3, 1}; break;
    case RequantProfile::kSingleRounding:
    case RequantProfile::kTfliteOptimized: expected = {-1, 2, -2, 1}; break;
    case RequantProfile::kXnnpackFp32: expected = {-2, 2, -2, 0}; break;
  }
  const Bytes result = int8_test::run_all_thread_counts(
      b, {testing::to_bytes(std::vector<int8_t>{-6, 6, -10, 2})}, profile,
      "qs8_depthwise_conv2d__reference");
  CHECK(testing::from_bytes<int8_t>(result) == expected);
}
LOWBIT_CONV_PROFILE_TEST_CASES("DEPTHWISE_CONV_2D hand-computed negative ties", "[depthwise]",
                               hand_computed_negative_ties)

void kernel_matches_simulation(RequantProfile profile) {
  std::mt19937 rng(testing::test_seed() + 10);
  CAPTURE(testing::test_seed());
  for (int iter = 0; iter < testing::scaled_iterations(300); ++iter) {
    const DepthwiseCase<int8_t> t = random_case<int8_t>(rng);
    INFO("iteration " << iter << ": " << t.describe());
    const sim::Quant q = t.sim_quant(profile);
    const std::vector<ref::Requantizer> requantizers =
        int8_test::kernel_requantizers(q.scales, profile);
    ref::DepthwiseQuantParams p;
    p.batch = t.shape.n;
    p.input_h = t.shape.h;
    p.input_w = t.shape.w;
    p.input_c = t.shape.c;
    p.output_h = t.out_h().out;
    p.output_w = t.out_w().out;
    p.depth_multiplier = t.shape.multiplier;
    p.kernel_h = t.shape.kh;
    p.kernel_w = t.shape.kw;
    p.stride_h = t.shape.stride_h;
    p.stride_w = t.shape.stride_w;
    p.dilation_h = t.shape.dilation_h;
    p.dilation_w = t.shape.dilation_w;
    p.pad_top = t.out_h().pad_before;
    p.pad_left = t.out_w().pad_before;
    p.input_zero_point = t.input_zp;
    p.output_zero_point = t.output_zp;
    p.act_min = q.act_min;
    p.act_max = q.act_max;
    p.profile = profile;
    p.requantizers = requantizers.data();
    const size_t rows = size_t(p.batch) * p.output_h;
    std::vector<int8_t> out(rows * p.output_w * t.oc(), 0x55);
    const size_t split = uniform(rng, 0, int(rows));
    const int32_t* bias = t.bias.empty() ? nullptr : t.bias.data();
    ref::qs8_depthwise_conv2d__reference(p, t.input.data(), t.filter.data(), bias, out.data(), 0,
                                         split);
    ref::qs8_depthwise_conv2d__reference(p, t.input.data(), t.filter.data(), bias, out.data(),
                                         split, rows);
    REQUIRE(out == t.expected(profile));
  }
}
LOWBIT_CONV_PROFILE_TEST_CASES("qs8_depthwise_conv2d__reference matches simulation",
                          "[depthwise][kernel]", kernel_matches_simulation)

template <typename T>
void operator_matches_simulation(RequantProfile profile, const char* kernel, int iterations) {
  std::mt19937 rng(testing::test_seed() + 11);
  CAPTURE(testing::test_seed());
  for (int iter = 0; iter < testing::scaled_iterations(iterations); ++iter) {
    const DepthwiseCase<T> t = random_case<T>(rng);
    INFO("iteration " << iter << ": " << t.describe());
    const Bytes out = int8_test::run_all_thread_counts(*build_model(t), {testing::to_bytes(t.input)},
                                                       profile, kernel, iter < 2);
    REQUIRE(testing::from_bytes<T>(out) == t.expected(profile));
  }
}

void int8_operator(RequantProfile profile) {
  operator_matches_simulation<int8_t>(profile, "qs8_depthwise_conv2d__reference", 8);
}
LOWBIT_CONV_PROFILE_TEST_CASES("DEPTHWISE_CONV_2D matches simulation", "[depthwise]", int8_operator)

void uint8_operator(RequantProfile profile) {
  operator_matches_simulation<uint8_t>(profile, "qu8_depthwise_conv2d__reference", 4);
}
LOWBIT_CONV_PROFILE_TEST_CASES("DEPTHWISE_CONV_2D uint8 matches simulation", "[depthwise][uint8]",
                          uint8_operator)

}  // namespace
}  // namespace lowbit
