// int4 weights (W4A8 CONV_2D and FULLY_CONNECTED): a model with int4 weights
// gives the bytes of the same model with those weight values stored as int8,
// under every profile, kernel set this CPU runs and thread count; bad int4
// tensors get errors that name them.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "int8_test_util.h"
#include "kernels/isa.h"
#include "kernels/qs8w4_gemm.h"
#include "ops/int4_weights.h"

namespace lowbit {
namespace {

using int8_test::uniform;
using testing::Bytes;
using testing::per_axis;
using testing::per_tensor;
using Catch::Matchers::Contains;

constexpr RequantProfile kProfiles[] = {RequantProfile::kTfliteReference,
                                        RequantProfile::kSingleRounding,
                                        RequantProfile::kXnnpackFp32,
                                        RequantProfile::kTfliteOptimized};

// TFLite's INT4 packing: element 2i in the low nibble of byte i.
std::vector<uint8_t> pack_int4(const std::vector<int8_t>& values) {
  std::vector<uint8_t> packed((values.size() + 1) / 2, 0);
  for (size_t i = 0; i < values.size(); ++i) {
    const uint8_t nibble = static_cast<uint8_t>(values[i]) & 0x0f;
    packed[i / 2] |= i % 2 ? static_cast<uint8_t>(nibble << 4) : nibble;
  }
  return packed;
}

// One CONV_2D or FULLY_CONNECTED layer with weights in [-8, 7].
struct Int4Layer {
  OpType type = OpType::kFullyConnected;
  OpOptions options;
  Shape input_shape, weights_shape, output_shape;
  float input_scale = 0, output_scale = 0;
  std::vector<float> weight_scales;  // one: per tensor
  int32_t input_zp = 0, output_zp = 0;
  std::vector<int8_t> input, weights;
  std::vector<int32_t> bias;  // empty: none
  std::string what;

  // The layer with its weights stored as `weights_dtype` (int8 or int4).
  std::unique_ptr<ModelBuilder> model(DType weights_dtype) const {
    auto model = std::make_unique<ModelBuilder>();
    ModelBuilder& b = *model;
    const int in = b.add_tensor("input", DType::kInt8, input_shape,
                                per_tensor(input_scale, input_zp));
    const Quantization wq = weight_scales.size() > 1 ? per_axis(weight_scales, 0)
                                                     : per_tensor(weight_scales[0], 0);
    int w;
    if (weights_dtype == DType::kInt4) {
      const std::vector<uint8_t> packed = pack_int4(weights);
      w = b.add_constant("weights", DType::kInt4, weights_shape, packed.data(), packed.size(),
                         wq);
    } else {
      w = b.add_constant("weights", DType::kInt8, weights_shape, weights, wq);
    }
    std::vector<int> inputs = {in, w};
    if (!bias.empty()) {
      std::vector<float> bias_scales;
      for (float s : weight_scales) bias_scales.push_back(s * input_scale);
      inputs.push_back(b.add_constant("bias", DType::kInt32, Shape{weights_shape[0]}, bias,
                                      bias_scales.size() > 1 ? per_axis(bias_scales, 0)
                                                             : per_tensor(bias_scales[0], 0)));
    }
    const int out = b.add_tensor("output", DType::kInt8, output_shape,
                                 per_tensor(output_scale, output_zp));
    b.add_operator(type, inputs, {out}, options, "layer");
    b.set_inputs({in});
    b.set_outputs({out});
    return model;
  }
};

void randomize_quantization(std::mt19937& rng, int taps, int channels, Int4Layer* t) {
  const bool per_channel = uniform(rng, 0, 1) == 1;
  t->input_scale = int8_test::uniform_real(rng, 0.005f, 0.1f);
  for (int c = 0; c < (per_channel ? channels : 1); ++c) {
    t->weight_scales.push_back(int8_test::uniform_real(rng, 0.02f, 0.3f));
  }
  // Outputs spread over the int8 range: sums of taps products of |w| <= 8.
  t->output_scale = t->input_scale * t->weight_scales[0] * 10.0f * std::sqrt(float(taps)) *
                    int8_test::uniform_real(rng, 0.5f, 3.0f);
  t->input_zp = uniform(rng, -128, 127);
  t->output_zp = uniform(rng, -128, 127);
  t->weights = testing::random_ints<int8_t>(rng, size_t(t->weights_shape.num_elements()), -8, 7);
  t->input = testing::random_ints<int8_t>(rng, size_t(t->input_shape.num_elements()), -128, 127);
  if (uniform(rng, 0, 3) != 0) t->bias = testing::random_ints<int32_t>(rng, channels, -3000, 3000);
  t->what += std::string(per_channel ? " per-channel" : " per-tensor") +
             (t->bias.empty() ? " no bias" : " bias") + " weights " +
             std::to_string(t->weights.size()) + " values";
}

// K and OC odd or even at random, so the weight count is odd in some cases;
// OC up to 20 passes the GEMM's 16-channel tiles.
Int4Layer random_fully_connected(std::mt19937& rng) {
  Int4Layer t;
  const int batch = uniform(rng, 1, 9), k = uniform(rng, 1, 70), oc = uniform(rng, 1, 140);
  t.type = OpType::kFullyConnected;
  FullyConnectedOptions opt;
  opt.activation = int8_test::random_activation(rng);
  t.options = opt;
  t.input_shape = Shape{batch, k};
  t.weights_shape = Shape{oc, k};
  t.output_shape = Shape{batch, oc};
  t.what = "FULLY_CONNECTED batch " + std::to_string(batch) + " K " + std::to_string(k) +
           " OC " + std::to_string(oc);
  randomize_quantization(rng, k, oc, &t);
  return t;
}

Int4Layer random_conv(std::mt19937& rng) {
  Int4Layer t;
  sim::ConvShape s;
  s.n = uniform(rng, 1, 2);
  s.c = uniform(rng, 1, 9);
  int8_test::random_window(rng, 1, &s);
  s.h = uniform(rng, (s.kh - 1) * s.dilation_h + 1, 8);
  s.w = uniform(rng, (s.kw - 1) * s.dilation_w + 1, 8);
  const int oc = uniform(rng, 1, 19);
  const Qs8ConvGeometry g = int8_test::window_geometry(s, oc);
  t.type = OpType::kConv2D;
  t.options = int8_test::window_options<Conv2DOptions>(s, int8_test::random_activation(rng));
  t.input_shape = Shape{s.n, s.h, s.w, s.c};
  t.weights_shape = Shape{oc, s.kh, s.kw, s.c};
  t.output_shape = Shape{s.n, g.output_h, g.output_w, oc};
  t.what = "CONV_2D input " + t.input_shape.to_string() + " OC " + std::to_string(oc) +
           int8_test::describe_window(s);
  randomize_quantization(rng, s.kh * s.kw * s.c, oc, &t);
  return t;
}

// The kernel the int4 layer runs, given the int8 layer's: FULLY_CONNECTED
// takes the W4A8 GEMM wherever the int8 layer takes a SIMD GEMM (same
// rescale), every other case the int8 layer's own kernel.
std::string expected_int4_kernel(OpType type, const std::string& kernel_set,
                                 const std::string& int8_kernel) {
  const bool simd_gemm = int8_kernel.rfind("qs8_gemm_", 0) == 0 &&
                         int8_kernel.find("__reference") == std::string::npos;
  if (type != OpType::kFullyConnected || !simd_gemm) return int8_kernel;
  const Result<KernelSelector> selector = KernelSelector::create(kernel_set, CpuFeatures::detect());
  return selector.value().select(qs8w4_gemm_variants()).name;
}

// Runs both models under `profile` with every kernel set this CPU runs, at 1
// thread and, when two_threads, 2: all outputs must equal the int8 model's on
// the reference kernels at 1 thread. Returns how many kernel sets ran.
int check_same_bytes(const Int4Layer& t, RequantProfile profile, bool two_threads) {
  const std::unique_ptr<ModelBuilder> int8_model = t.model(DType::kInt8);
  const std::unique_ptr<ModelBuilder> int4_model = t.model(DType::kInt4);
  const std::vector<Bytes> inputs = {testing::to_bytes(t.input)};
  Bytes expected;
  int sets = 0;
  std::vector<std::string> names = {"auto"};
  for (const IsaInfo& isa : kIsas) names.push_back(isa.name);
  for (const std::string& kernel_set : names) {
    if (!KernelSelector::create(kernel_set, CpuFeatures::detect()).ok()) continue;
    ++sets;
    for (int threads : {1, 2}) {
      if (threads == 2 && !two_threads) break;
      InterpreterOptions options;
      options.profile = profile;
      options.num_threads = threads;
      options.kernel = kernel_set;
      const testing::RunResult int8_run = testing::run_model(*int8_model, inputs, options);
      const testing::RunResult int4_run = testing::run_model(*int4_model, inputs, options);
      INFO("kernel set " << kernel_set << ", threads " << threads << ": "
                         << int8_run.status.to_string() << " / " << int4_run.status.to_string());
      REQUIRE(int8_run.status.ok());
      REQUIRE(int4_run.status.ok());
      INFO("int4 kernel " << int4_run.kernels.at(0) << ", int8 kernel " << int8_run.kernels.at(0));
      CHECK(int4_run.kernels.at(0) == expected_int4_kernel(t.type, kernel_set, int8_run.kernels.at(0)));
      if (expected.empty()) expected = int8_run.outputs.at(0);
      REQUIRE(int8_run.outputs.at(0) == expected);
      REQUIRE(int4_run.outputs.at(0) == expected);
    }
  }
  return sets;
}

void check_random_layers(RequantProfile profile) {
  std::mt19937 rng(testing::test_seed() + 41);
  CAPTURE(testing::test_seed());
  for (int iter = 0; iter < testing::scaled_iterations(5); ++iter) {
    for (bool conv : {false, true}) {
      const Int4Layer t = conv ? random_conv(rng) : random_fully_connected(rng);
      INFO("iteration " << iter << ": " << t.what);
      // Two threads on a few cases: slow on a loaded machine, and the int4
      // path adds nothing thread-dependent to the int8 one.
      REQUIRE(check_same_bytes(t, profile, iter < 2) >= 2);  // reference and auto at least
    }
  }
}

LOWBIT_CONV_PROFILE_TEST_CASES("int4 weights give the int8 model's bytes", "[int4]",
                               check_random_layers)

TEST_CASE("int4 unpacking sign-extends every nibble, low nibble first", "[int4]") {
  std::vector<int8_t> all;
  for (int v = -8; v <= 7; ++v) all.push_back(static_cast<int8_t>(v));
  all.push_back(-8);  // an odd count: the last high nibble stays 0
  const std::vector<uint8_t> packed = pack_int4(all);
  REQUIRE(packed.size() == 9);
  CHECK(packed[0] == 0x98);  // -8 low (0x8), -7 high (0x9)
  CHECK(packed[8] == 0x08);
  std::vector<int8_t> unpacked(all.size(), 0x55);
  unpack_int4(packed.data(), unpacked.size(), unpacked.data());
  CHECK(unpacked == all);
}

TEST_CASE("int4 weights on the reference kernels are counted as packed weights", "[int4]") {
  std::mt19937 rng(7);
  const Int4Layer t = random_fully_connected(rng);
  InterpreterOptions options;
  options.kernel = "reference";
  size_t bytes[2] = {0, 0};
  int i = 0;
  for (DType dtype : {DType::kInt8, DType::kInt4}) {
    Result<std::vector<uint8_t>> lbm = t.model(dtype)->finish();
    REQUIRE(lbm.ok());
    Result<std::shared_ptr<const Model>> model = Model::from_buffer(lbm->data(), lbm->size());
    REQUIRE(model.ok());
    Interpreter interp(model.value(), options);
    REQUIRE(interp.prepare().ok());
    bytes[i++] = interp.packed_weight_bytes();
  }
  CHECK(bytes[1] >= bytes[0] + t.weights.size());
}

// Errors: a one-operator model around int4 weights, broken in one way.
struct BadInt4 {
  OpType type = OpType::kFullyConnected;
  OpOptions options = FullyConnectedOptions{};
  DType input_dtype = DType::kInt8;
  Shape input{1, 5}, weights{3, 5}, output{1, 3};
  Quantization weights_quant = per_tensor(0.1f, 0);
  size_t weight_bytes = 8;  // storage_bytes of int4[3, 5]
  bool constant_weights = true;

  Status load() const {
    ModelBuilder b;
    const Quantization activation_quant =
        input_dtype == DType::kFloat32 ? Quantization{} : per_tensor(0.5f, 0);
    const int in = b.add_tensor("x", input_dtype, input, activation_quant);
    const std::vector<uint8_t> data(weight_bytes, 0x71);
    const int w = constant_weights
                      ? b.add_constant("w4", DType::kInt4, weights, data.data(), data.size(),
                                       weights_quant)
                      : b.add_tensor("w4", DType::kInt4, weights, weights_quant);
    const int out = b.add_tensor("y", input_dtype, output, activation_quant);
    b.add_operator(type, {in, w}, {out}, options, "layer");
    b.set_inputs({in});
    b.set_outputs({out});
    return testing::run_model(b, {Bytes(size_t(input.num_elements()) *
                                        (input_dtype == DType::kFloat32 ? 4 : 1))})
        .status;
  }
};

TEST_CASE("a valid int4 FULLY_CONNECTED loads (the error cases' baseline)", "[int4]") {
  const Status s = BadInt4().load();
  INFO(s.to_string());
  CHECK(s.ok());
}

TEST_CASE("int4 weights of the wrong byte count are refused by name", "[int4]") {
  BadInt4 bad;
  bad.weight_bytes = 15;  // one byte per value: not packed
  const Status s = bad.load();
  CHECK(s.code() == StatusCode::kInvalidModel);
  CHECK_THAT(s.message(), Contains("tensor 1 \"w4\": constant data has 15 bytes but "
                                   "int4[3,5] needs 8") &&
                              Contains("int4 packs two values a byte"));
}

TEST_CASE("non-constant int4 tensors are refused", "[int4]") {
  BadInt4 bad;
  bad.constant_weights = false;
  const Status s = bad.load();
  CHECK(s.code() == StatusCode::kInvalidModel);
  CHECK_THAT(s.message(), Contains("tensor 1 \"w4\" is int4 but not constant"));
}

TEST_CASE("int4 outside CONV_2D and FULLY_CONNECTED weights is refused", "[int4]") {
  BadInt4 bad;
  bad.type = OpType::kDepthwiseConv2D;
  DepthwiseConv2DOptions dw;
  dw.depth_multiplier = 1;
  bad.options = dw;
  bad.input = Shape{1, 3, 3, 4};
  bad.weights = Shape{1, 2, 2, 4};
  bad.weight_bytes = 8;
  bad.output = Shape{1, 2, 2, 4};
  const Status s = bad.load();
  CHECK(s.code() == StatusCode::kInvalidModel);
  CHECK_THAT(s.message(),
             Contains("operator 0 (DEPTHWISE_CONV_2D \"layer\"): input 1 tensor 1 \"w4\" is "
                      "int4; only the weights (input 1) of CONV_2D and FULLY_CONNECTED may be "
                      "int4"));

  ModelBuilder b;  // an int4 constant as an ADD operand
  const int x = b.add_tensor("x", DType::kInt8, Shape{2}, per_tensor(0.5f, 0));
  const uint8_t data = 0x12;
  const int c = b.add_constant("c4", DType::kInt4, Shape{2}, &data, 1, per_tensor(0.5f, 0));
  const int y = b.add_tensor("y", DType::kInt8, Shape{2}, per_tensor(0.5f, 0));
  b.add_operator(OpType::kAdd, {x, c}, {y}, ElementwiseOptions{}, "sum");
  b.set_inputs({x});
  b.set_outputs({y});
  const Status add = testing::run_model(b, {Bytes(2)}).status;
  CHECK_THAT(add.message(), Contains("operator 0 (ADD \"sum\"): input 1 tensor 1 \"c4\" is int4"));
}

TEST_CASE("int4 weights need int8 activations and symmetric quantization", "[int4]") {
  for (DType dtype : {DType::kUInt8, DType::kInt16, DType::kFloat32}) {
    BadInt4 bad;
    bad.input_dtype = dtype;
    const Status s = bad.load();
    INFO(dtype_name(dtype));
    CHECK(s.code() == StatusCode::kInvalidModel);
    CHECK_THAT(s.message(),
               Contains("operator 0 (FULLY_CONNECTED \"layer\"): input 1 (tensor 1 \"w4\") is "
                        "int4, which needs int8 activations (W4A8)"));
  }
  BadInt4 asymmetric;
  asymmetric.weights_quant = per_tensor(0.1f, 3);
  CHECK_THAT(asymmetric.load().message(),
             Contains("has zero point 3 at channel 0; int4 weights must be symmetric"));
  BadInt4 out_of_range;
  out_of_range.weights_quant = per_tensor(0.1f, 9);
  CHECK_THAT(out_of_range.load().message(),
             Contains("tensor 1 \"w4\": zero point 9 is out of range for int4"));
  BadInt4 wrong_axis;
  wrong_axis.weights_quant = per_axis({0.1f, 0.1f, 0.1f, 0.1f, 0.1f}, 1);
  CHECK_THAT(wrong_axis.load().message(),
             Contains("is quantized along axis 1, expected its output-channel axis 0"));
}

}  // namespace
}  // namespace lowbit
