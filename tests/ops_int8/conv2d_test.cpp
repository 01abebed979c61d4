#include <catch2/catch.hpp>

#include "int8_test_util.h"
#include "kernels/reference/qs8_conv2d.h"

namespace lowbit {
namespace {

using int8_test::uniform;
using testing::Bytes;

template <typename T>
struct ConvCase {
  sim::ConvShape shape;
  Activation activation = Activation::kNone;
  int8_test::LayerScales scales;
  int32_t input_zp = 0, filter_zp = 0, output_zp = 0;
  std::vector<T> input, filter;
  std::vector<int32_t> bias;  // empty = no bias

  int filter_c() const { return shape.c / shape.groups; }
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
    q.scales = int8_test::channel_scales(scales, shape.oc, std::is_same<T, uint8_t>::value);
    sim::activation_range(activation, scales.output, output_zp, std::is_same<T, uint8_t>::value,
                          &q.act_min, &q.act_max);
    return q;
  }
  std::vector<T> expected(RequantProfile profile) const {
    return sim::conv2d(shape, sim_quant(profile), input, filter, bias);
  }
};

template <typename T>
// `few_rows`: a tiny image with many output channels, so the SIMD driver
// splits channel blocks across threads. `wide_input`: 16-68 input channels
// (multiples of 4 or not), so K x K layers take the indirect GEMM path where
// a variant has one.
ConvCase<T> random_conv_case(std::mt19937& rng, bool few_rows = false, bool wide_input = false) {
  const bool is_uint8 = std::is_same<T, uint8_t>::value;
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
  s.kh = uniform(rng, wide_input ? 2 : 1, 3);
  s.kw = uniform(rng, wide_input ? 2 : 1, 3);
  s.stride_h = uniform(rng, 1, 2);
  s.stride_w = uniform(rng, 1, 2);
  s.dilation_h = uniform(rng, 1, 2);
  s.dilation_w = uniform(rng, 1, 2);
  s.padding = uniform(rng, 0, 1) ? Padding::kSame : Padding::kValid;
  const int max_size = few_rows ? 4 : 8;
  s.h = uniform(rng, (s.kh - 1) * s.dilation_h + 1, std::max(max_size, (s.kh - 1) * s.dilation_h + 1));
  s.w = uniform(rng, (s.kw - 1) * s.dilation_w + 1, std::max(max_size, (s.kw - 1) * s.dilation_w + 1));
  t.activation = int8_test::random_activation(rng);
  const bool per_channel = !is_uint8 && (few_rows || uniform(rng, 0, 1));
  t.scales = int8_test::random_layer_scales(rng, s.kh * s.kw * t.filter_c(), s.oc, per_channel);
  const int lo = is_uint8 ? 0 : -128, hi = is_uint8 ? 255 : 127;
  t.input_zp = uniform(rng, lo, hi);
  t.output_zp = uniform(rng, lo, hi);
  t.filter_zp = is_uint8 ? uniform(rng, 0, 255) : 0;
  t.input = testing::random_ints<T>(rng, size_t(s.n) * s.h * s.w * s.c, lo, hi);
  t.filter = testing::random_ints<T>(rng, size_t(s.oc) * s.kh * s.kw * t.filter_c(),
                                     is_uint8 ? 0 : -127, hi);
  if (uniform(rng, 0, 3) != 0) t.bias = testing::random_ints<int32_t>(rng, s.oc, -30000, 30000);
  return t;
}

template <typename T>
std::unique_ptr<ModelBuilder> build_model(const ConvCase<T>& t) {
  const DType dtype = std::is_same<T, uint8_t>::value ? DType::kUInt8 : DType::kInt8;
  const sim::ConvShape& s = t.shape;
  auto model = std::make_unique<ModelBuilder>();
  ModelBuilder& b = *model;
  const int in = b.add_tensor("input", dtype, Shape{s.n, s.h, s.w, s.c},
                              testing::per_tensor(t.scales.input, t.input_zp));
  Quantization wq = int8_test::weight_quantization(t.scales, 0);
  if (t.filter_zp != 0) wq.zero_points = {t.filter_zp};
  const int w = b.add_constant("filter", dtype, Shape{s.oc, s.kh, s.kw, t.filter_c()},
                               t.filter, wq);
  const int bias = t.bias.empty() ? kAbsentInput
                                  : b.add_constant("bias", DType::kInt32, Shape{s.oc}, t.bias,
                                                   int8_test::bias_quantization(t.scales));
  const int out = b.add_tensor("output", dtype, Shape{s.n, t.out_h().out, t.out_w().out, s.oc},
                               testing::per_tensor(t.scales.output, t.output_zp));
  Conv2DOptions opt;
  opt.padding = s.padding;
  opt.stride_h = s.stride_h;
  opt.stride_w = s.stride_w;
  opt.dilation_h = s.dilation_h;
  opt.dilation_w = s.dilation_w;
  opt.activation = t.activation;
  std::vector<int> inputs = {in, w};
  if (bias != kAbsentInput) inputs.push_back(bias);
  b.add_operator(OpType::kConv2D, inputs, {out}, opt, "conv");
  b.set_inputs({in});
  b.set_outputs({out});
  return model;
}

template <typename T>
std::string describe(const ConvCase<T>& t) {
  const auto& s = t.shape;
  return "in [" + std::to_string(s.n) + "," + std::to_string(s.h) + "," + std::to_string(s.w) +
         "," + std::to_string(s.c) + "] filter [" + std::to_string(s.oc) + "," +
         std::to_string(s.kh) + "," + std::to_string(s.kw) + "," + std::to_string(t.filter_c()) +
         "] groups " + std::to_string(s.groups) + " stride " + std::to_string(s.stride_h) + "x" +
         std::to_string(s.stride_w) + " dilation " + std::to_string(s.dilation_h) + "x" +
         std::to_string(s.dilation_w) + " " + (s.padding == Padding::kSame ? "SAME" : "VALID") + " act " +
         std::to_string(int(t.activation)) + " per-channel " +
         std::to_string(t.scales.weights.size() > 1) + " bias " + std::to_string(!t.bias.empty());
}

// Hand-worked case (comments in the test) whose accumulators land on exact
// ties of the 0.25 multiplier, so each profile gives a different answer.
std::unique_ptr<ModelBuilder> hand_model() {
  auto model = std::make_unique<ModelBuilder>();
  ModelBuilder& b = *model;
  // Input 1x2x2x1 with zero point -3: raw [-70, 40, -103, 17] -> centered
  // X = [a, b; c, d] = [-67, 43; -100, 20].
  const int in = b.add_tensor("input", DType::kInt8, Shape{1, 2, 2, 1}, testing::per_tensor(0.5f, -3));
  // Filter [[1, 1], [1, 2]] (OHWI 1x2x2x1), scale 0.5; bias 10.
  const int w = b.add_constant("filter", DType::kInt8, Shape{1, 2, 2, 1},
                               std::vector<int8_t>{1, 1, 1, 2}, testing::per_tensor(0.5f, 0));
  const int bias = b.add_constant("bias", DType::kInt32, Shape{1}, std::vector<int32_t>{10},
                                  testing::per_tensor(0.25f, 0));
  // SAME with a 2x2 kernel on 2x2 pads one row/column after: output 2x2.
  const int out = b.add_tensor("output", DType::kInt8, Shape{1, 2, 2, 1}, testing::per_tensor(1.0f, 2));
  Conv2DOptions opt;
  opt.padding = Padding::kSame;
  b.add_operator(OpType::kConv2D, {in, w, bias}, {out}, opt);
  b.set_inputs({in});
  b.set_outputs({out});
  return model;
}

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
  const Bytes input = testing::to_bytes(std::vector<int8_t>{-70, 40, -103, 17});
  const Bytes out =
      int8_test::run_all_thread_counts(*hand_model(), {input}, profile, "qs8_conv2d__reference");
  CHECK(testing::from_bytes<int8_t>(out) == expected);
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
  auto model = std::make_unique<ModelBuilder>();
  ModelBuilder& b = *model;
  const int in = b.add_tensor("input", DType::kUInt8, Shape{1, 1, 2, 2}, testing::per_tensor(0.5f, 128));
  const int w = b.add_constant("filter", DType::kUInt8, Shape{1, 1, 1, 2},
                               std::vector<uint8_t>{125, 110}, testing::per_tensor(0.25f, 120));
  const int bias = b.add_constant("bias", DType::kInt32, Shape{1}, std::vector<int32_t>{10},
                                  testing::per_tensor(0.125f, 0));
  const int out = b.add_tensor("output", DType::kUInt8, Shape{1, 1, 2, 1}, testing::per_tensor(1.0f, 100));
  b.add_operator(OpType::kConv2D, {in, w, bias}, {out}, Conv2DOptions{});
  b.set_inputs({in});
  b.set_outputs({out});
  const uint8_t tie = profile == RequantProfile::kXnnpackFp32 ? 112 : 113;
  const Bytes result = int8_test::run_all_thread_counts(
      b, {testing::to_bytes(std::vector<uint8_t>{130, 120, 128, 200})}, profile,
      "qu8_conv2d__reference");
  CHECK(testing::from_bytes<uint8_t>(result) == std::vector<uint8_t>{tie, 11});
}
LOWBIT_CONV_PROFILE_TEST_CASES("CONV_2D uint8 hand-computed", "[conv2d][uint8]", uint8_hand_computed)

void kernel_matches_simulation(RequantProfile profile) {
  std::mt19937 rng(testing::test_seed());
  CAPTURE(testing::test_seed());
  for (int iter = 0; iter < testing::scaled_iterations(300); ++iter) {
    const ConvCase<int8_t> t = random_conv_case<int8_t>(rng);
    INFO("iteration " << iter << ": " << describe(t));
    const sim::Quant q = t.sim_quant(profile);
    const std::vector<ref::Requantizer> requantizers =
        int8_test::kernel_requantizers(q.scales, profile);
    ref::ConvQuantParams p;
    p.batch = t.shape.n;
    p.input_h = t.shape.h;
    p.input_w = t.shape.w;
    p.input_c = t.shape.c;
    p.output_h = t.out_h().out;
    p.output_w = t.out_w().out;
    p.output_c = t.shape.oc;
    p.kernel_h = t.shape.kh;
    p.kernel_w = t.shape.kw;
    p.stride_h = t.shape.stride_h;
    p.stride_w = t.shape.stride_w;
    p.dilation_h = t.shape.dilation_h;
    p.dilation_w = t.shape.dilation_w;
    p.pad_top = t.out_h().pad_before;
    p.pad_left = t.out_w().pad_before;
    p.groups = t.shape.groups;
    p.input_zero_point = t.input_zp;
    p.output_zero_point = t.output_zp;
    p.act_min = q.act_min;
    p.act_max = q.act_max;
    p.profile = profile;
    p.requantizers = requantizers.data();
    const size_t rows = size_t(p.batch) * p.output_h;
    std::vector<int8_t> out(rows * p.output_w * p.output_c, 0x55);
    // Compute in two row ranges to check the split changes nothing.
    const size_t split = uniform(rng, 0, int(rows));
    ref::qs8_conv2d__reference(p, t.input.data(), t.filter.data(),
                               t.bias.empty() ? nullptr : t.bias.data(), out.data(), 0, split);
    ref::qs8_conv2d__reference(p, t.input.data(), t.filter.data(),
                               t.bias.empty() ? nullptr : t.bias.data(), out.data(), split, rows);
    REQUIRE(out == t.expected(profile));
  }
}
LOWBIT_CONV_PROFILE_TEST_CASES("qs8_conv2d__reference matches simulation", "[conv2d][kernel]",
                          kernel_matches_simulation)

template <typename T>
void operator_matches_simulation(RequantProfile profile, const char* kernel, int iterations) {
  std::mt19937 rng(testing::test_seed() + 1);
  CAPTURE(testing::test_seed());
  for (int iter = 0; iter < testing::scaled_iterations(iterations); ++iter) {
    const ConvCase<T> t = random_conv_case<T>(rng);
    INFO("iteration " << iter << ": " << describe(t));
    const Bytes out = int8_test::run_all_thread_counts(*build_model(t), {testing::to_bytes(t.input)},
                                                       profile, kernel, iter < 2);
    REQUIRE(testing::from_bytes<T>(out) == t.expected(profile));
  }
}

void int8_operator(RequantProfile profile) {
  operator_matches_simulation<int8_t>(profile, "qs8_conv2d__reference", 8);
}
LOWBIT_CONV_PROFILE_TEST_CASES("CONV_2D matches simulation", "[conv2d]", int8_operator)

void channel_split(RequantProfile profile) {
  std::mt19937 rng(testing::test_seed() + 2);
  CAPTURE(testing::test_seed());
  for (int iter = 0; iter < testing::scaled_iterations(4); ++iter) {
    const ConvCase<int8_t> t = random_conv_case<int8_t>(rng, true);
    INFO("iteration " << iter << ": " << describe(t));
    const Bytes out = int8_test::run_all_thread_counts(*build_model(t), {testing::to_bytes(t.input)},
                                                       profile, "qs8_conv2d__reference");
    REQUIRE(testing::from_bytes<int8_t>(out) == t.expected(profile));
  }
}
LOWBIT_CONV_PROFILE_TEST_CASES("CONV_2D with few output pixels splits channels across threads",
                          "[conv2d]", channel_split)

void wide_input(RequantProfile profile) {
  std::mt19937 rng(testing::test_seed() + 3);
  CAPTURE(testing::test_seed());
  for (int iter = 0; iter < testing::scaled_iterations(12); ++iter) {
    const ConvCase<int8_t> t = random_conv_case<int8_t>(rng, iter % 4 == 0, true);
    INFO("iteration " << iter << ": " << describe(t));
    const Bytes out = int8_test::run_all_thread_counts(*build_model(t), {testing::to_bytes(t.input)},
                                                       profile, "qs8_conv2d__reference");
    REQUIRE(testing::from_bytes<int8_t>(out) == t.expected(profile));
  }
}
LOWBIT_CONV_PROFILE_TEST_CASES("CONV_2D with 16-68 input channels (indirect GEMM taps)", "[conv2d]",
                          wide_input)

void uint8_operator(RequantProfile profile) {
  operator_matches_simulation<uint8_t>(profile, "qu8_conv2d__reference", 4);
}
LOWBIT_CONV_PROFILE_TEST_CASES("CONV_2D uint8 matches simulation", "[conv2d][uint8]", uint8_operator)

}  // namespace
}  // namespace lowbit
