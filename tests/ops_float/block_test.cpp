// A float inverted-residual block end to end: CONV_2D 1x1 (ReLU6) →
// DEPTHWISE_CONV_2D 3x3 (ReLU6) → CONV_2D 1x1 → ADD with the block input.
#include "test_common.h"

namespace lowbit {
namespace testing {
namespace {

std::vector<float> to_floats(const std::vector<double>& v) { return {v.begin(), v.end()}; }

std::vector<float> abs_floats(const std::vector<float>& v) {
  std::vector<float> a(v);
  for (float& x : a) x = std::fabs(x);
  return a;
}

// Float rounding bound of one stage's sums, relative to the sum of |terms|.
constexpr double kStageEps = 2e-6;

TEST_CASE("float inverted-residual block runs end to end and is thread-invariant",
          "[float][e2e][block]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  const int n = 1, h = 10, w = 9, c = 8, expand = 24;
  const std::vector<float> x = random_floats(rng, size_t(n) * h * w * c, -2, 2);
  const std::vector<float> f1 = random_floats(rng, size_t(expand) * c, -0.5f, 0.5f);
  const std::vector<float> b1 = random_floats(rng, expand, -0.5f, 0.5f);
  const std::vector<float> f2 = random_floats(rng, 9 * expand, -0.5f, 0.5f);
  const std::vector<float> b2 = random_floats(rng, expand, -0.5f, 0.5f);
  const std::vector<float> f3 = random_floats(rng, size_t(c) * expand, -0.5f, 0.5f);
  const std::vector<float> b3 = random_floats(rng, c, -0.5f, 0.5f);

  ModelBuilder b;
  const int in = b.add_tensor("input", DType::kFloat32, {n, h, w, c});
  const int t1 = b.add_tensor("expanded", DType::kFloat32, {n, h, w, expand});
  const int t2 = b.add_tensor("depthwise", DType::kFloat32, {n, h, w, expand});
  const int t3 = b.add_tensor("projected", DType::kFloat32, {n, h, w, c});
  const int out = b.add_tensor("output", DType::kFloat32, {n, h, w, c});
  Conv2DOptions expand_options;
  expand_options.activation = Activation::kRelu6;
  b.add_operator(OpType::kConv2D,
                 {in, b.add_constant("expand/w", DType::kFloat32, {expand, 1, 1, c}, f1),
                  b.add_constant("expand/b", DType::kFloat32, {expand}, b1)},
                 {t1}, expand_options, "expand");
  DepthwiseConv2DOptions dw_options;
  dw_options.padding = Padding::kSame;
  dw_options.activation = Activation::kRelu6;
  b.add_operator(OpType::kDepthwiseConv2D,
                 {t1, b.add_constant("dw/w", DType::kFloat32, {1, 3, 3, expand}, f2),
                  b.add_constant("dw/b", DType::kFloat32, {expand}, b2)},
                 {t2}, dw_options, "depthwise");
  b.add_operator(OpType::kConv2D,
                 {t2, b.add_constant("project/w", DType::kFloat32, {c, 1, 1, expand}, f3),
                  b.add_constant("project/b", DType::kFloat32, {c}, b3)},
                 {t3}, Conv2DOptions{}, "project");
  b.add_operator(OpType::kAdd, {t3, in}, {out}, ElementwiseOptions{}, "residual");
  b.set_inputs({in});
  b.set_outputs({out});

  // Reference stage by stage in double, with a bound on the float error each
  // stage adds plus what it propagates (clamps never enlarge an error).
  ConvParams p1;
  p1.batch = n, p1.in_h = h, p1.in_w = w, p1.in_c = c, p1.out_c = expand;
  ConvParams p2 = p1;
  p2.in_c = expand, p2.kernel_h = p2.kernel_w = 3, p2.same = true, p2.depth_multiplier = 1;
  ConvParams p3 = p1;
  p3.in_c = expand, p3.out_c = c;
  const ConvParams linear2 = p2, linear3 = p3;
  p1.act_min = p2.act_min = 0.0;
  p1.act_max = p2.act_max = 6.0;

  const Expected s1 = conv_reference(p1, x, f1, b1);
  const Expected s2 = conv_reference(p2, to_floats(s1.values), f2, b2);
  const Expected s3 = conv_reference(p3, to_floats(s2.values), f3, b3);
  std::vector<double> err1(s1.magnitude.size());
  for (size_t i = 0; i < err1.size(); ++i) err1[i] = kStageEps * s1.magnitude[i];
  const Expected prop2 = conv_reference(linear2, to_floats(err1), abs_floats(f2), {});
  std::vector<double> err2(s2.magnitude.size());
  for (size_t i = 0; i < err2.size(); ++i) err2[i] = kStageEps * s2.magnitude[i] + prop2.values[i];
  const Expected prop3 = conv_reference(linear3, to_floats(err2), abs_floats(f3), {});
  Expected expected;
  for (size_t i = 0; i < s3.values.size(); ++i) {
    expected.values.push_back(s3.values[i] + x[i]);
    // all_close multiplies the magnitude by kAbsTol; fold the bound in here.
    const double bound = kStageEps * s3.magnitude[i] + prop3.values[i] +
                         kStageEps * (std::fabs(s3.values[i]) + std::fabs(x[i]));
    expected.magnitude.push_back(bound / kAbsTol);
  }

  std::vector<Bytes> inputs = {to_bytes(x)};
  std::vector<float> first;
  for (int threads : {1, 2, 4}) {
    InterpreterOptions options;
    options.num_threads = threads;
    const RunResult r = run_model(b, inputs, options);
    INFO("threads " << threads << ": " << r.status.to_string());
    REQUIRE(r.status.ok());
    // The expand and project convolutions are 1x1: the own GEMM runs them.
    CHECK(r.kernels == std::vector<std::string>{float_kernel_for("f32_conv2d__xnnpack", true),
                                                float_kernel_for("f32_dwconv2d__xnnpack"),
                                                float_kernel_for("f32_conv2d__xnnpack", true),
                                                float_kernel_for("f32_add__xnnpack")});
    REQUIRE(r.outputs.size() == 1);
    const std::vector<float> y = from_bytes<float>(r.outputs[0]);
    if (threads == 1) {
      std::string message;
      const bool close = all_close(y, expected.values, expected.magnitude, 0.0, kAbsTol, &message);
      INFO(message);
      CHECK(close);
      first = y;
    } else {
      CHECK(bit_identical(first, y));
    }
  }
}

}  // namespace
}  // namespace testing
}  // namespace lowbit
