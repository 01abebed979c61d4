// The operators' validate() functions reject bad operands with a message that
// names the operand, and accept float32 graphs (run later through XNNPACK).
#include <catch2/catch.hpp>

#include "int8_test_util.h"
#include "ops/op_kernel.h"

namespace lowbit {
namespace {

using testing::per_axis;
using testing::per_tensor;

// A valid int8 CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED description that
// each test breaks in one way.
struct WeightedSpec {
  OpType type = OpType::kConv2D;
  DType input_dtype = DType::kInt8, weights_dtype = DType::kInt8, bias_dtype = DType::kInt32;
  DType output_dtype = DType::kInt8;
  Shape input{1, 5, 5, 4}, weights{6, 3, 3, 4}, bias{6};
  Quantization input_quant = per_tensor(0.1f, 3), output_quant = per_tensor(0.2f, -1);
  Quantization weights_quant = per_axis(std::vector<float>(6, 0.01f), 0);
  bool constant_weights = true;
  bool with_bias = true;
  OpOptions options = Conv2DOptions{};
};

size_t element_bytes(DType dtype) {
  return dtype == DType::kFloat32 || dtype == DType::kInt32 ? 4 : 1;
}

std::vector<uint8_t> zero_bytes(DType dtype, const Shape& shape) {
  return std::vector<uint8_t>(size_t(shape.num_elements()) * element_bytes(dtype), 0);
}

Status validate(const ModelBuilder& b, Shape* out_shape) {
  const GraphDesc& g = b.graph();
  const OperatorDesc& op = g.operators.at(0);
  const OpRegistration* reg = default_op_resolver().find(op.type);
  REQUIRE(reg != nullptr);
  return reg->validate(g, op, out_shape);
}

Status validate(const WeightedSpec& s, Shape* out_shape = nullptr) {
  ModelBuilder b;
  const int in = b.add_tensor("x", s.input_dtype, s.input, s.input_quant);
  const std::vector<uint8_t> w_bytes = zero_bytes(s.weights_dtype, s.weights);
  const int w = s.constant_weights
                    ? b.add_constant("w", s.weights_dtype, s.weights, w_bytes.data(),
                                     w_bytes.size(), s.weights_quant)
                    : b.add_tensor("w", s.weights_dtype, s.weights, s.weights_quant);
  std::vector<int> inputs = {in, w};
  if (s.with_bias) {
    const std::vector<uint8_t> bias_bytes = zero_bytes(s.bias_dtype, s.bias);
    inputs.push_back(
        b.add_constant("b", s.bias_dtype, s.bias, bias_bytes.data(), bias_bytes.size()));
  }
  const int out = b.add_tensor("y", s.output_dtype, Shape{1}, s.output_quant);
  b.add_operator(s.type, inputs, {out}, s.options);
  Shape ignored;
  return validate(b, out_shape ? out_shape : &ignored);
}

// The failure names the operand (e.g. "input 1 (tensor 1 \"w\")") and says why.
void require_rejected(const Status& status, const std::string& operand, const std::string& why) {
  INFO(status.to_string());
  REQUIRE_FALSE(status.ok());
  CHECK(status.message().find(operand) != std::string::npos);
  CHECK(status.message().find(why) != std::string::npos);
}

TEST_CASE("CONV_2D validation infers shapes and names the faulty operand", "[conv2d][validate]") {
  WeightedSpec s;
  Conv2DOptions opt;
  opt.padding = Padding::kSame;
  opt.stride_h = opt.stride_w = 2;
  s.options = opt;
  Shape out;
  REQUIRE(validate(s, &out).ok());
  CHECK(out == Shape{1, 3, 3, 6});

  SECTION("grouped") {
    s.weights = Shape{6, 3, 3, 2};
    REQUIRE(validate(s, &out).ok());
    s.weights = Shape{6, 3, 3, 3};
    require_rejected(validate(s), "input 0 (tensor 0 \"x\")", "not a multiple");
    s.weights = Shape{5, 3, 3, 2};
    s.bias = Shape{5};
    s.weights_quant = per_tensor(0.01f, 0);
    require_rejected(validate(s), "input 1 (tensor 1 \"w\")", "groups");
  }
  SECTION("dtypes") {
    s.weights_dtype = DType::kUInt8;
    s.weights_quant = per_tensor(0.01f, 0);
    require_rejected(validate(s), "input 1 (tensor 1 \"w\")", "dtype");
  }
  SECTION("bias") {
    s.bias_dtype = DType::kFloat32;
    require_rejected(validate(s), "input 2 (tensor 2 \"b\")", "dtype");
    s.bias_dtype = DType::kInt32;
    s.bias = Shape{5};
    require_rejected(validate(s), "input 2 (tensor 2 \"b\")", "5 elements");
  }
  SECTION("ranks and constness") {
    s.input = Shape{5, 5, 4};
    require_rejected(validate(s), "input 0 (tensor 0 \"x\")", "rank 3");
    s.input = Shape{1, 5, 5, 4};
    s.constant_weights = false;
    require_rejected(validate(s), "input 1 (tensor 1 \"w\")", "constant");
  }
  SECTION("quantization") {
    s.input_quant = Quantization{};
    require_rejected(validate(s), "input 0 (tensor 0 \"x\")", "per-tensor");
    s.input_quant = per_tensor(0.1f, 3);
    s.output_quant = per_tensor(-1.0f, 0);
    require_rejected(validate(s), "output 0 (tensor 3 \"y\")", "scale");
    s.output_quant = per_tensor(0.2f, -1);
    s.weights_quant = per_axis(std::vector<float>(4, 0.01f), 3);
    require_rejected(validate(s), "input 1 (tensor 1 \"w\")", "axis");
    s.weights_quant = per_tensor(0.01f, 2);
    require_rejected(validate(s), "input 1 (tensor 1 \"w\")", "zero point");
  }
  SECTION("geometry") {
    Conv2DOptions valid;
    valid.padding = Padding::kValid;
    valid.dilation_h = 3;  // effective kernel 7 > 5
    s.options = valid;
    require_rejected(validate(s), "height", "exceeds");
    valid.dilation_h = 1;
    valid.stride_w = 0;
    s.options = valid;
    require_rejected(validate(s), "width", "stride 0");
  }
  SECTION("float32 graphs validate") {
    s.input_dtype = s.weights_dtype = s.bias_dtype = s.output_dtype = DType::kFloat32;
    s.input_quant = s.output_quant = s.weights_quant = Quantization{};
    REQUIRE(validate(s, &out).ok());
    CHECK(out == Shape{1, 3, 3, 6});
    s.bias_dtype = DType::kInt32;
    require_rejected(validate(s), "input 2 (tensor 2 \"b\")", "dtype");
  }
}

TEST_CASE("DEPTHWISE_CONV_2D validation", "[depthwise][validate]") {
  WeightedSpec s;
  s.type = OpType::kDepthwiseConv2D;
  s.weights = Shape{1, 3, 3, 8};
  s.bias = Shape{8};
  s.weights_quant = per_axis(std::vector<float>(8, 0.01f), 3);
  DepthwiseConv2DOptions opt;
  opt.depth_multiplier = 2;
  opt.dilation_w = 2;
  s.options = opt;
  Shape out;
  REQUIRE(validate(s, &out).ok());
  CHECK(out == Shape{1, 3, 1, 8});

  opt.depth_multiplier = 3;
  s.options = opt;
  require_rejected(validate(s), "input 1 (tensor 1 \"w\")", "depth_multiplier 3");
  opt.depth_multiplier = 2;
  s.options = opt;
  s.weights_quant = per_axis(std::vector<float>(8, 0.01f), 0);
  require_rejected(validate(s), "input 1 (tensor 1 \"w\")", "axis");
  s.weights_quant = per_tensor(0.01f, 0);
  s.with_bias = false;
  s.weights = Shape{2, 3, 3, 4};
  require_rejected(validate(s), "input 1 (tensor 1 \"w\")", "[1, KH, KW");
  s.weights = Shape{1, 3, 3, 8};
  s.options = Conv2DOptions{};
  CHECK_FALSE(validate(s).ok());  // wrong options kind
}

TEST_CASE("FULLY_CONNECTED validation", "[fc][validate]") {
  WeightedSpec s;
  s.type = OpType::kFullyConnected;
  s.input = Shape{2, 3, 4};
  s.weights = Shape{5, 12};
  s.bias = Shape{5};
  s.weights_quant = per_tensor(0.01f, 0);
  s.options = FullyConnectedOptions{};
  Shape out;
  REQUIRE(validate(s, &out).ok());
  CHECK(out == Shape{2, 5});

  FullyConnectedOptions keep;
  keep.keep_num_dims = true;
  s.options = keep;
  require_rejected(validate(s), "input 0 (tensor 0 \"x\")", "keep_num_dims");
  s.weights = Shape{5, 4};
  REQUIRE(validate(s, &out).ok());
  CHECK(out == Shape{2, 3, 5});

  s.options = FullyConnectedOptions{};
  s.weights = Shape{5, 7};
  require_rejected(validate(s), "input 0 (tensor 0 \"x\")", "not a multiple");
  s.weights = Shape{5, 4, 1};
  require_rejected(validate(s), "input 1 (tensor 1 \"w\")", "rank 3");
  s.weights = Shape{5, 4};
  s.weights_quant = per_axis(std::vector<float>(4, 0.01f), 0);
  require_rejected(validate(s), "input 1 (tensor 1 \"w\")", "one per output channel");
  s.weights_quant = per_tensor(0.01f, 0);
  s.output_dtype = DType::kUInt8;
  require_rejected(validate(s), "output 0 (tensor 3 \"y\")", "dtype");
}

Status validate_pool(OpType type, DType dtype, Shape input, Quantization in_q, Quantization out_q,
                     Pool2DOptions opt, Shape* out_shape) {
  ModelBuilder b;
  const int in = b.add_tensor("x", dtype, input, in_q);
  const int out = b.add_tensor("y", dtype, Shape{1}, out_q);
  b.add_operator(type, {in}, {out}, opt);
  return validate(b, out_shape);
}

TEST_CASE("pool validation", "[avgpool][maxpool][validate]") {
  for (OpType type : {OpType::kAveragePool2D, OpType::kMaxPool2D}) {
    CAPTURE(op_type_name(type));
    Pool2DOptions opt;
    opt.filter_h = opt.filter_w = 3;
    opt.stride_h = opt.stride_w = 2;
    opt.padding = Padding::kSame;
    Shape out;
    const Quantization q = per_tensor(0.05f, 7);
    REQUIRE(validate_pool(type, DType::kInt8, Shape{1, 7, 5, 3}, q, q, opt, &out).ok());
    CHECK(out == Shape{1, 4, 3, 3});
    REQUIRE(validate_pool(type, DType::kFloat32, Shape{1, 7, 5, 3}, {}, {}, opt, &out).ok());
    require_rejected(validate_pool(type, DType::kInt8, Shape{1, 7, 5, 3}, q,
                                   per_tensor(0.05f, 8), opt, &out),
                     "output 0 (tensor 1 \"y\")", "share the quantization");
    require_rejected(validate_pool(type, DType::kInt8, Shape{7, 5, 3}, q, q, opt, &out),
                     "input 0 (tensor 0 \"x\")", "rank 3");
    opt.padding = Padding::kValid;
    opt.filter_w = 6;
    require_rejected(validate_pool(type, DType::kInt8, Shape{1, 7, 5, 3}, q, q, opt, &out),
                     "width", "exceeds");
    // A 4096x4096 window of 255s would overflow the int32 sum.
    opt.filter_h = opt.filter_w = 4096;
    const Status huge = validate_pool(type, DType::kUInt8, Shape{1, 4096, 4096, 1},
                                      per_tensor(0.05f, 7), per_tensor(0.05f, 7), opt, &out);
    CHECK(huge.code() == StatusCode::kUnsupported);
    CHECK(huge.message().find("overflow") != std::string::npos);
  }
}

TEST_CASE("MEAN validation", "[mean][validate]") {
  auto run = [](DType in_dtype, DType out_dtype, Shape input, MeanOptions opt, Shape* out) {
    ModelBuilder b;
    const int in = b.add_tensor("x", in_dtype, input,
                                in_dtype == DType::kFloat32 ? Quantization{} : per_tensor(0.1f, 0));
    const int o = b.add_tensor("y", out_dtype, Shape{1},
                               out_dtype == DType::kFloat32 ? Quantization{} : per_tensor(0.1f, 0));
    b.add_operator(OpType::kMean, {in}, {o}, opt);
    return validate(b, out);
  };
  MeanOptions opt;
  opt.axes = {1, -2};
  Shape out;
  REQUIRE(run(DType::kInt8, DType::kInt8, Shape{2, 4, 4, 8}, opt, &out).ok());
  CHECK(out == Shape{2, 8});
  opt.keep_dims = true;
  REQUIRE(run(DType::kInt8, DType::kInt8, Shape{2, 4, 4, 8}, opt, &out).ok());
  CHECK(out == Shape{2, 1, 1, 8});
  REQUIRE(run(DType::kFloat32, DType::kFloat32, Shape{2, 4, 4, 8}, opt, &out).ok());
  opt.axes = {4};
  require_rejected(run(DType::kInt8, DType::kInt8, Shape{2, 4, 4, 8}, opt, &out),
                   "input 0 (tensor 0 \"x\")", "axis 4");
  opt.axes = {1};
  require_rejected(run(DType::kInt8, DType::kUInt8, Shape{2, 4, 4, 8}, opt, &out),
                   "output 0 (tensor 1 \"y\")", "dtype");
  require_rejected(run(DType::kBool, DType::kBool, Shape{2, 4, 4, 8}, opt, &out),
                   "input 0 (tensor 0 \"x\")", "dtype");
}

TEST_CASE("bad operands fail the whole load with the operand named", "[conv2d][validate]") {
  // Through the public path: the loader runs validate and prefixes the operator.
  ModelBuilder b;
  const int in = b.add_tensor("x", DType::kInt8, Shape{1, 4, 4, 2}, per_tensor(0.1f, 0));
  const int w = b.add_constant("w", DType::kInt8, Shape{3, 1, 1, 2}, std::vector<int8_t>(6, 1),
                               per_tensor(0.1f, 0));
  const int bias = b.add_constant("b", DType::kInt32, Shape{2}, std::vector<int32_t>(2, 0));
  const int out = b.add_tensor("y", DType::kInt8, Shape{1, 4, 4, 3}, per_tensor(0.1f, 0));
  b.add_operator(OpType::kConv2D, {in, w, bias}, {out}, Conv2DOptions{}, "conv");
  b.set_inputs({in});
  b.set_outputs({out});
  const testing::RunResult r =
      testing::run_model(b, {testing::to_bytes(std::vector<int8_t>(32, 0))});
  require_rejected(r.status, "input 2 (tensor 2 \"b\")", "expected 3");
  CHECK(r.status.message().find("CONV_2D") != std::string::npos);
}

TEST_CASE("accumulators that could overflow int32 are refused at prepare", "[fc][validate]") {
  // K = 140000 taps of |w| = 127 against |x - zp| up to 128: 2.28e9 > 2^31.
  const int k = 140000;
  ModelBuilder b;
  const int in = b.add_tensor("x", DType::kInt8, Shape{1, k}, per_tensor(0.1f, 0));
  const int w = b.add_constant("w", DType::kInt8, Shape{1, k}, std::vector<int8_t>(k, 127),
                               per_tensor(0.1f, 0));
  const int out = b.add_tensor("y", DType::kInt8, Shape{1, 1}, per_tensor(0.1f, 0));
  b.add_operator(OpType::kFullyConnected, {in, w}, {out}, FullyConnectedOptions{});
  b.set_inputs({in});
  b.set_outputs({out});
  const testing::RunResult r = testing::run_model(b, {testing::to_bytes(std::vector<int8_t>(k, 0))});
  INFO(r.status.to_string());
  REQUIRE(r.status.code() == StatusCode::kUnsupported);
  CHECK(r.status.message().find("overflow") != std::string::npos);
}

// The bound is sum_t |w - zw| * max|x - zx| + |bias| per channel; these put
// one channel exactly at 2^31 - 1 (accepted) or one above (refused), so a sum
// over the wrong weights, a wrong zero point or a dropped partial sum fails.
Status prepare_status(const ModelBuilder& b, const std::vector<uint8_t>& input) {
  return testing::run_model(b, {input}).status;
}

constexpr int64_t kInt32Max = 2147483647;

Status fc_at_bound(DType dtype, int k, int64_t bias_value) {
  // int8: |w| = 127 and |x - 0| <= 128; uint8: |0 - 128| = 128 and |x - 128| <= 128.
  const bool u8 = dtype == DType::kUInt8;
  const int zp = u8 ? 128 : 0;
  ModelBuilder b;
  const int in = b.add_tensor("x", dtype, Shape{1, k}, per_tensor(0.1f, zp));
  const int w = u8 ? b.add_constant("w", dtype, Shape{1, k}, std::vector<uint8_t>(k, 0),
                                    per_tensor(0.1f, 128))
                   : b.add_constant("w", dtype, Shape{1, k}, std::vector<int8_t>(k, -127),
                                    per_tensor(0.1f, 0));
  const int bias = b.add_constant("b", DType::kInt32, Shape{1},
                                  std::vector<int32_t>{int32_t(-bias_value)});
  const int out = b.add_tensor("y", dtype, Shape{1, 1}, per_tensor(0.1f, zp));
  b.add_operator(OpType::kFullyConnected, {in, w, bias}, {out}, FullyConnectedOptions{});
  b.set_inputs({in});
  b.set_outputs({out});
  return prepare_status(b, std::vector<uint8_t>(size_t(k), uint8_t(zp)));
}

TEST_CASE("the int32 accumulator bound is exact at 2^31 - 1", "[fc][depthwise][validate]") {
  SECTION("int8 FULLY_CONNECTED, more taps than one partial sum holds") {
    const int k = 100000;  // 127 * 128 * k = 1625600000
    const int64_t slack = kInt32Max - int64_t(k) * 127 * 128;
    CHECK(fc_at_bound(DType::kInt8, k, slack).ok());
    CHECK(fc_at_bound(DType::kInt8, k, slack + 1).code() == StatusCode::kUnsupported);
  }
  SECTION("uint8 FULLY_CONNECTED with weight zero point 128") {
    const int k = 70000;
    const int64_t slack = kInt32Max - int64_t(k) * 128 * 128;
    CHECK(fc_at_bound(DType::kUInt8, k, slack).ok());
    CHECK(fc_at_bound(DType::kUInt8, k, slack + 1).code() == StatusCode::kUnsupported);
  }
  SECTION("DEPTHWISE_CONV_2D: a tap's channels are contiguous") {
    // 3x3 taps, 3 channels; channel c's weights are all c + 1 (|w| sums 9, 18,
    // 27), so summing along the wrong stride changes channel 2's bound.
    for (const int64_t extra : {0, 1}) {
      std::vector<int8_t> weights(27);
      for (size_t i = 0; i < weights.size(); ++i) weights[i] = int8_t(i % 3 + 1);
      ModelBuilder b;
      const int in = b.add_tensor("x", DType::kInt8, Shape{1, 3, 3, 3}, per_tensor(0.1f, 0));
      const int w = b.add_constant("w", DType::kInt8, Shape{1, 3, 3, 3}, weights,
                                   per_tensor(0.1f, 0));
      const int64_t bias2 = kInt32Max - 27 * 128 + extra;
      const int bias = b.add_constant("b", DType::kInt32, Shape{3},
                                      std::vector<int32_t>{0, 0, int32_t(bias2)});
      const int out = b.add_tensor("y", DType::kInt8, Shape{1, 1, 1, 3}, per_tensor(0.1f, 0));
      b.add_operator(OpType::kDepthwiseConv2D, {in, w, bias}, {out}, DepthwiseConv2DOptions{});
      b.set_inputs({in});
      b.set_outputs({out});
      const Status status = prepare_status(b, std::vector<uint8_t>(27, 0));
      INFO(status.to_string());
      if (extra == 0) {
        CHECK(status.ok());
      } else {
        CHECK(status.code() == StatusCode::kUnsupported);
        CHECK(status.message().find("channel 2") != std::string::npos);
      }
    }
  }
}

}  // namespace
}  // namespace lowbit
