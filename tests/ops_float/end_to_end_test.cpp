// Float operators through the whole public path (ModelBuilder → .lbm → loader
// with full verification → interpreter) via tests/support/model_runner.h.
#include "test_common.h"

namespace lowbit {
namespace testing {
namespace {

std::vector<float> run_float_model(const ModelBuilder& b, const std::vector<std::vector<float>>& in,
                                   int threads, std::vector<std::string>* kernels = nullptr) {
  std::vector<Bytes> inputs;
  for (const auto& v : in) inputs.push_back(to_bytes(v));
  InterpreterOptions options;
  options.num_threads = threads;
  const RunResult r = run_model(b, inputs, options);
  INFO("threads " << threads << ": " << r.status.to_string());
  REQUIRE(r.status.ok());
  REQUIRE(r.outputs.size() == 1);
  if (kernels) *kernels = r.kernels;
  return from_bytes<float>(r.outputs[0]);
}

// Reference check with 1 thread; 2 and 4 threads must match it bit for bit.
// `grouped`: a CONV_2D with groups (float_kernel_for).
void check_model(const ModelBuilder& b, const std::vector<std::vector<float>>& in,
                 const Expected& expected, const char* kernel_name, bool grouped = false) {
  std::vector<std::string> kernels;
  const std::vector<float> one = run_float_model(b, in, 1, &kernels);
  if (kernel_name != nullptr) {
    REQUIRE(kernels.size() == 1);
    CHECK(kernels[0] == float_kernel_for(kernel_name, false, grouped));
  }
  std::string message;
  const bool close =
      all_close(one, expected.values, expected.magnitude, kRelTol, kAbsTol, &message);
  INFO(message);
  CHECK(close);
  for (int threads : {2, 4}) CHECK(bit_identical(one, run_float_model(b, in, threads)));
}

TEST_CASE("float conv2d and depthwise conv2d run end to end", "[float][e2e]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for (bool depthwise : {false, true}) {
    ConvParams p;
    p.batch = 1, p.in_h = 9, p.in_w = 7, p.in_c = 6, p.kernel_h = 3, p.kernel_w = 2;
    p.stride_h = 2, p.dilation_w = 2, p.same = true;
    p.act_min = 0.0, p.act_max = 6.0;
    if (depthwise) {
      p.depth_multiplier = 2;
    } else {
      p.groups = 2, p.out_c = 8;
    }
    const int out_c = depthwise ? 12 : 8;
    const int filter_in = depthwise ? 1 : 3;
    const std::vector<float> input = random_floats(rng, 9 * 7 * 6, -2, 2);
    const std::vector<float> filter = random_floats(rng, size_t(out_c) * 3 * 2 * filter_in, -1, 1);
    const std::vector<float> bias = random_floats(rng, out_c, -1, 1);
    const Dim h = padded_dim(9, 3, 2, 1, true), w = padded_dim(7, 2, 1, 2, true);
    ModelBuilder b;
    const int in = b.add_tensor("input", DType::kFloat32, {1, 9, 7, 6});
    const int f = depthwise
                      ? b.add_constant("filter", DType::kFloat32, {1, 3, 2, out_c}, filter)
                      : b.add_constant("filter", DType::kFloat32, {out_c, 3, 2, filter_in}, filter);
    const int bi = b.add_constant("bias", DType::kFloat32, {out_c}, bias);
    const int out = b.add_tensor("output", DType::kFloat32, {1, h.out, w.out, out_c});
    if (depthwise) {
      DepthwiseConv2DOptions o;
      o.padding = Padding::kSame, o.stride_h = 2, o.dilation_w = 2, o.depth_multiplier = 2;
      o.activation = Activation::kRelu6;
      b.add_operator(OpType::kDepthwiseConv2D, {in, f, bi}, {out}, o);
    } else {
      Conv2DOptions o;
      o.padding = Padding::kSame, o.stride_h = 2, o.dilation_w = 2;
      o.activation = Activation::kRelu6;
      b.add_operator(OpType::kConv2D, {in, f, bi}, {out}, o);
    }
    b.set_inputs({in});
    b.set_outputs({out});
    check_model(b, {input}, conv_reference(p, input, filter, bias),
                depthwise ? "f32_dwconv2d__xnnpack" : "f32_conv2d__xnnpack", /*grouped=*/!depthwise);
  }
}

TEST_CASE("float fully connected runs end to end", "[float][e2e]") {
  std::mt19937 rng(test_seed());
  const std::vector<float> input = random_floats(rng, 3 * 20, -2, 2);
  const std::vector<float> weights = random_floats(rng, 7 * 20, -1, 1);
  const std::vector<float> bias = random_floats(rng, 7, -1, 1);
  ModelBuilder b;
  const int in = b.add_tensor("input", DType::kFloat32, {3, 20});
  const int w = b.add_constant("weights", DType::kFloat32, {7, 20}, weights);
  const int bi = b.add_constant("bias", DType::kFloat32, {7}, bias);
  const int out = b.add_tensor("output", DType::kFloat32, {3, 7});
  FullyConnectedOptions o;
  o.activation = Activation::kRelu;
  b.add_operator(OpType::kFullyConnected, {in, w, bi}, {out}, o);
  b.set_inputs({in});
  b.set_outputs({out});
  const double inf = std::numeric_limits<double>::infinity();
  check_model(b, {input}, fully_connected_reference(input, weights, bias, 20, 7, 0.0, inf),
              "f32_fully_connected__xnnpack");
}

TEST_CASE("float pools and mean run end to end", "[float][e2e]") {
  std::mt19937 rng(test_seed());
  for (bool is_max : {false, true}) {
    PoolParams p;
    p.is_max = is_max;
    p.batch = 2, p.in_h = 7, p.in_w = 8, p.channels = 5, p.filter_h = 3, p.filter_w = 3;
    p.stride_h = 2, p.stride_w = 2, p.same = true;
    const std::vector<float> input = random_floats(rng, 2 * 7 * 8 * 5, -4, 4);
    ModelBuilder b;
    const int in = b.add_tensor("input", DType::kFloat32, {2, 7, 8, 5});
    const int out = b.add_tensor("output", DType::kFloat32, {2, 4, 4, 5});
    Pool2DOptions o;
    o.padding = Padding::kSame, o.filter_h = o.filter_w = 3, o.stride_h = o.stride_w = 2;
    b.add_operator(is_max ? OpType::kMaxPool2D : OpType::kAveragePool2D, {in}, {out}, o);
    b.set_inputs({in});
    b.set_outputs({out});
    check_model(b, {input}, pool_reference(p, input),
                is_max ? "f32_maxpool2d__xnnpack" : "f32_avgpool2d__xnnpack");
  }
  const std::vector<float> input = random_floats(rng, 2 * 5 * 6 * 9, -4, 4);
  ModelBuilder b;
  const int in = b.add_tensor("input", DType::kFloat32, {2, 5, 6, 9});
  const int out = b.add_tensor("output", DType::kFloat32, {2, 1, 1, 9});
  MeanOptions o;
  o.axes = {1, 2};
  o.keep_dims = true;
  b.add_operator(OpType::kMean, {in}, {out}, o);
  b.set_inputs({in});
  b.set_outputs({out});
  check_model(b, {input}, spatial_mean_reference(input, 2, 30, 9), "f32_mean__xnnpack");
}

TEST_CASE("float add and mul broadcast end to end", "[float][e2e]") {
  std::mt19937 rng(test_seed());
  for (OpType type : {OpType::kAdd, OpType::kMul}) {
    const std::vector<float> x = random_floats(rng, 2 * 3 * 4 * 5, -3, 3);
    const std::vector<float> y = random_floats(rng, 4 * 1, -3, 3);
    ModelBuilder b;
    const int in = b.add_tensor("x", DType::kFloat32, {2, 3, 4, 5});
    const int other = b.add_constant("y", DType::kFloat32, {4, 1}, y);
    const int out = b.add_tensor("output", DType::kFloat32, {2, 3, 4, 5});
    ElementwiseOptions o;
    o.activation = Activation::kReluN1To1;
    b.add_operator(type, {in, other}, {out}, o);
    b.set_inputs({in});
    b.set_outputs({out});
    const Expected e =
        type == OpType::kAdd
            ? broadcast_reference({2, 3, 4, 5}, x, {4, 1}, y,
                                  [](double a, double c) { return a + c; }, -1.0, 1.0)
            : broadcast_reference({2, 3, 4, 5}, x, {4, 1}, y,
                                  [](double a, double c) { return a * c; }, -1.0, 1.0);
    check_model(b, {x}, e, type == OpType::kAdd ? "f32_add__xnnpack" : "f32_mul__xnnpack");
  }
}

TEST_CASE("float softmax, logistic, hard swish, relu and relu6 run end to end", "[float][e2e]") {
  std::mt19937 rng(test_seed());
  const std::vector<float> x = random_floats(rng, 4 * 33, -8, 8);
  struct Case {
    OpType type;
    const char* kernel;
    double (*fn)(double);
  };
  const Case cases[] = {
      {OpType::kLogistic, "f32_logistic__xnnpack", [](double v) { return 1 / (1 + std::exp(-v)); }},
      {OpType::kHardSwish, "f32_hardswish__xnnpack",
       [](double v) { return v * std::min(std::max(v + 3, 0.0), 6.0) / 6; }},
      {OpType::kRelu, "f32_relu__xnnpack", [](double v) { return std::max(v, 0.0); }},
      {OpType::kRelu6, "f32_relu6__xnnpack",
       [](double v) { return std::min(std::max(v, 0.0), 6.0); }},
  };
  for (const Case& c : cases) {
    INFO(c.kernel);
    ModelBuilder b;
    const int in = b.add_tensor("x", DType::kFloat32, {4, 33});
    const int out = b.add_tensor("y", DType::kFloat32, {4, 33});
    b.add_operator(c.type, {in}, {out});
    b.set_inputs({in});
    b.set_outputs({out});
    Expected e;
    for (float v : x) {
      e.values.push_back(c.fn(v));
      e.magnitude.push_back(std::fabs(v) * (std::fabs(v) + 3) / 6);
    }
    check_model(b, {x}, e, c.kernel);
  }
  for (float beta : {1.0f, 0.25f}) {
    ModelBuilder b;
    const int in = b.add_tensor("x", DType::kFloat32, {4, 33});
    const int out = b.add_tensor("y", DType::kFloat32, {4, 33});
    SoftmaxOptions o;
    o.beta = beta;
    b.add_operator(OpType::kSoftmax, {in}, {out}, o);
    b.set_inputs({in});
    b.set_outputs({out});
    check_model(b, {x}, softmax_reference(x, 33, beta), "f32_softmax__xnnpack");
  }
}

}  // namespace
}  // namespace testing
}  // namespace lowbit
