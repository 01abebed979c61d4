// InterpreterOptions::float_precision = kFp16: where the CPU has half-precision
// arithmetic the convolutions and fully connected layers run in FP16 through
// XNNPACK (every output a half value, close to float32's); elsewhere, and
// with lowbit's own float kernels, prepare() refuses with the reason.
#include <cmath>
#include <cstring>

#include "test_common.h"

namespace lowbit {
namespace testing {
namespace {

std::vector<float> random_floats(std::mt19937& rng, size_t n) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

// x [1,6,6,3] -> CONV_2D 3x3 SAME + RELU -> DEPTHWISE_CONV_2D 3x3 SAME ->
// FULLY_CONNECTED to 5 values.
void build_conv_net(ModelBuilder& b, std::mt19937& rng) {
  const int x = b.add_tensor("x", DType::kFloat32, {1, 6, 6, 3});
  const int conv_w = b.add_constant("conv_w", DType::kFloat32, {8, 3, 3, 3}, random_floats(rng, 216));
  const int conv_b = b.add_constant("conv_b", DType::kFloat32, {8}, random_floats(rng, 8));
  const int a = b.add_tensor("a", DType::kFloat32, {1, 6, 6, 8});
  Conv2DOptions conv;
  conv.padding = Padding::kSame;
  conv.activation = Activation::kRelu;
  b.add_operator(OpType::kConv2D, {x, conv_w, conv_b}, {a}, conv);
  const int dw_w = b.add_constant("dw_w", DType::kFloat32, {1, 3, 3, 8}, random_floats(rng, 72));
  const int dw = b.add_tensor("dw", DType::kFloat32, {1, 6, 6, 8});
  DepthwiseConv2DOptions depthwise;
  depthwise.padding = Padding::kSame;
  b.add_operator(OpType::kDepthwiseConv2D, {a, dw_w, -1}, {dw}, depthwise);
  const int fc_w = b.add_constant("fc_w", DType::kFloat32, {5, 288}, random_floats(rng, 1440));
  const int y = b.add_tensor("y", DType::kFloat32, {1, 5});
  b.add_operator(OpType::kFullyConnected, {dw, fc_w, -1}, {y}, FullyConnectedOptions{});
  b.set_inputs({x});
  b.set_outputs({y});
}

// A float32 value that half precision represents exactly has at most 11
// significant bits: the low 13 bits of its mantissa are zero.
bool is_half_value(float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, 4);
  return (bits & 0x1fffu) == 0 && std::fabs(v) <= 65504.0f;
}

TEST_CASE("float_precision fp16 runs convolutions and fully connected layers in half precision",
          "[float][options][fp16]") {
  std::mt19937 rng(18);
  ModelBuilder model;
  build_conv_net(model, rng);
  const std::vector<float> x = random_floats(rng, 108);
  InterpreterOptions options;
  options.float_kernels = FloatKernels::kXnnpack;
  const RunResult fp32 = run_model(model, {to_bytes(x)}, options);
  if (!build_has_xnnpack()) {
    WARN("this build has no XNNPACK: only the refusal is tested");
  } else {
    REQUIRE(fp32.status.ok());
  }
  options.float_precision = FloatPrecision::kFp16;
  const RunResult fp16 = run_model(model, {to_bytes(x)}, options);
  if (!build_has_xnnpack() || !cpu_has_fp16_arithmetic()) {
    INFO(fp16.status.to_string());
    CHECK(fp16.status.code() == StatusCode::kUnsupported);
    CHECK(fp16.status.message().find("float precision fp16") != std::string::npos);
    return;
  }
  INFO(fp16.status.to_string());
  REQUIRE(fp16.status.ok());
  CHECK(fp16.kernels == std::vector<std::string>{"f16_conv2d__xnnpack", "f16_dwconv2d__xnnpack",
                                                 "f16_fully_connected__xnnpack"});
  const std::vector<float> half = from_bytes<float>(fp16.outputs[0]);
  const std::vector<float> full = from_bytes<float>(fp32.outputs[0]);
  REQUIRE(half.size() == full.size());
  double scale = 0, max_error = 0;
  for (size_t i = 0; i < full.size(); ++i) {
    scale = std::max(scale, double(std::fabs(full[i])));
    max_error = std::max(max_error, std::fabs(double(half[i]) - full[i]));
    INFO("output " << i << ": fp16 " << half[i] << ", fp32 " << full[i]);
    CHECK(is_half_value(half[i]));
  }
  // Weights and activations rounded to 11 significant bits (relative 2^-11
  // each) over three layers of up to 288 terms: a few 1e-3 of the scale.
  INFO("max error " << max_error << " of scale " << scale);
  CHECK(max_error <= 1e-2 * scale);
  CHECK(max_error > 0);  // the arithmetic really was not float32's
}

TEST_CASE("float_precision fp16 with lowbit's own float kernels is refused by name",
          "[float][options][fp16]") {
  std::mt19937 rng(19);
  ModelBuilder model;
  build_conv_net(model, rng);
  InterpreterOptions options;
  options.float_kernels = FloatKernels::kOwn;
  options.float_precision = FloatPrecision::kFp16;
  const RunResult run = run_model(model, {to_bytes(random_floats(rng, 108))}, options);
  CHECK(run.status.code() == StatusCode::kUnsupported);
  CHECK(run.status.message().find("float precision fp16 runs through XNNPACK, but the float "
                                  "kernels are own") != std::string::npos);
  FloatPrecision parsed = FloatPrecision::kFp32;
  CHECK(parse_float_precision("fp16", &parsed));
  CHECK(parsed == FloatPrecision::kFp16);
  CHECK_FALSE(parse_float_precision("half", &parsed));
  CHECK(std::string(float_precision_name(FloatPrecision::kFp32)) == "fp32");
}

}  // namespace
}  // namespace testing
}  // namespace lowbit
