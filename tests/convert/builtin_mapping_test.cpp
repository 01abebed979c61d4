// How TFLite builtin operators and their options land in the lowbit graph:
// constant operand tensors become options, negative axes are normalized,
// quantized float weights are folded, quantization survives.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>

#include "convert_test_util.h"
#include "support/model_runner.h"
#include "tflite_writer.h"

namespace lowbit {
namespace testing {
namespace {

enum : int32_t { kAdd = 0, kConcat = 2, kConv = 3, kDepthwise = 4, kDequantize = 6, kFc = 9,
                 kPad = 34, kMean = 40, kSqueeze = 43 };

// Imports the .tflite bytes into *builder; the import must succeed.
void require_import(const std::vector<uint8_t>& bytes, ModelBuilder* builder,
                    ConversionSummary* summary) {
  const Status status = import_tflite(bytes.data(), bytes.size(), builder, summary);
  INFO(status.to_string());
  REQUIRE(status.ok());
}

const OperatorDesc* find_op(const GraphDesc& g, OpType type) {
  for (const OperatorDesc& op : g.operators) {
    if (op.type == type) return &op;
  }
  return nullptr;
}

std::vector<float> constant_floats(const TensorDesc& t) {
  std::vector<float> v(t.data_bytes / sizeof(float));
  if (!v.empty()) std::memcpy(v.data(), t.data, t.data_bytes);
  return v;
}

}  // namespace

TEST_CASE("constant operand tensors become options with normalized axes", "[convert][builtin]") {
  TfliteWriter w;
  const std::vector<float> s = {0.5f};
  const std::vector<int64_t> z = {-3};
  const int x = w.add_tensor("x", kTflInt8, {1, 4, 4, 2}, s, z);
  const int paddings = w.add_constant("paddings", kTflInt64, {4, 2},
                                      std::vector<int64_t>{0, 0, 1, 1, 2, 0, 0, 0});
  const int padded = w.add_tensor("padded", kTflInt8, {1, 6, 6, 2}, s, z);
  const int axes = w.add_constant("axes", kTflInt32, {2}, std::vector<int32_t>{-3, 2});
  const int mean = w.add_tensor("mean", kTflInt8, {1, 1, 1, 2}, s, z);
  const int joined = w.add_tensor("joined", kTflInt8, {1, 1, 1, 4}, s, z);
  const int squeezed = w.add_tensor("squeezed", kTflInt8, {4}, s, z);
  w.add_operator(w.builtin_code(kPad), {x, paddings}, {padded}, {22, {}});
  w.add_operator(w.builtin_code(kMean), {padded, axes}, {mean}, {27, {{OptionField::kByte, 0, 1}}});
  w.add_operator(w.builtin_code(kConcat), {mean, mean}, {joined},
                 {10, {{OptionField::kInt, 0, -1}, {OptionField::kByte, 1, 3}}});
  w.add_operator(w.builtin_code(kSqueeze), {joined}, {squeezed});
  w.set_inputs({x});
  w.set_outputs({squeezed});

  ModelBuilder builder;
  ConversionSummary summary;
  require_import(w.finish(), &builder, &summary);
  const GraphDesc& g = builder.graph();
  REQUIRE(g.operators.size() == 4);

  const auto* pad = std::get_if<PadOptions>(&g.operators[0].options);
  REQUIRE(pad != nullptr);
  CHECK(pad->paddings == std::vector<int32_t>{0, 0, 1, 1, 2, 0, 0, 0});
  CHECK(g.operators[0].inputs.size() == 1);

  const auto* m = std::get_if<MeanOptions>(&g.operators[1].options);
  REQUIRE(m != nullptr);
  CHECK(m->axes == std::vector<int32_t>{1, 2});
  CHECK(m->keep_dims);

  const auto* cat = std::get_if<ConcatenationOptions>(&g.operators[2].options);
  REQUIRE(cat != nullptr);
  CHECK(cat->axis == 3);
  CHECK(cat->activation == Activation::kRelu6);

  // SQUEEZE without squeeze_dims removes every size-1 dimension.
  CHECK(g.operators[3].type == OpType::kSqueeze);
  const auto* squeeze = std::get_if<SqueezeOptions>(&g.operators[3].options);
  REQUIRE(squeeze != nullptr);
  CHECK(squeeze->axes.empty());

  // Only the graph's real tensors survive: the paddings and axes tensors are options now.
  CHECK(summary.constant_tensors == 0);
  CHECK(summary.weight_bytes_before == 64 + 8);
  CHECK(summary.weight_bytes_after == 0);
  const TensorDesc& in = g.tensors[g.inputs[0]];
  CHECK(in.dtype == DType::kInt8);
  CHECK(in.quant.scales == std::vector<float>{0.5f});
  CHECK(in.quant.zero_points == std::vector<int32_t>{-3});
  CHECK(g.operators[0].name == "padded");
}

TEST_CASE("depthwise multiplier comes from the shapes, per-channel quantization survives",
          "[convert][builtin]") {
  TfliteWriter w;
  const int x = w.add_tensor("x", kTflInt8, {1, 3, 3, 2}, {0.1f}, {5});
  const std::vector<float> filter_scales = {0.01f, 0.02f, 0.03f, 0.04f};
  const int filter = w.add_constant("dw/filter", kTflInt8, {1, 3, 3, 4}, std::vector<int8_t>(36, 3),
                                    filter_scales, {0, 0, 0, 0}, 3);
  const int bias = w.add_constant("dw/bias", kTflInt32, {4}, std::vector<int32_t>{1, 2, 3, 4},
                                  {0.001f, 0.002f, 0.003f, 0.004f}, {0, 0, 0, 0}, 0);
  const int y = w.add_tensor("y", kTflInt8, {1, 3, 3, 4}, {0.2f}, {-1});
  // A stale depth_multiplier of 1 with a filter of twice the input channels.
  w.add_operator(w.builtin_code(kDepthwise), {x, filter, bias}, {y},
                 {2, {{OptionField::kByte, 0, 0}, {OptionField::kInt, 1, 1}, {OptionField::kInt, 2, 1},
                      {OptionField::kInt, 3, 1}, {OptionField::kByte, 4, 1}}});
  w.set_inputs({x});
  w.set_outputs({y});
  ModelBuilder builder;
  ConversionSummary summary;
  require_import(w.finish(), &builder, &summary);
  const GraphDesc& g = builder.graph();
  const auto* dw = std::get_if<DepthwiseConv2DOptions>(&g.operators[0].options);
  REQUIRE(dw != nullptr);
  CHECK(dw->depth_multiplier == 2);
  CHECK(dw->padding == Padding::kSame);
  CHECK(dw->activation == Activation::kRelu);
  const TensorDesc& f = g.tensors[g.operators[0].inputs[1]];
  CHECK(f.quant.scales == filter_scales);
  CHECK(f.quant.axis == 3);
  CHECK(f.is_constant());
  CHECK(summary.int8_macs == 9u * 4u * 9u);
}

TEST_CASE("quantized weights of float operators are folded to float", "[convert][builtin][float]") {
  // y = W x + b with W stored int8 per-channel behind a DEQUANTIZE, and a
  // second FULLY_CONNECTED whose int8 weights feed it directly (dynamic range).
  TfliteWriter w;
  const int x = w.add_tensor("x", kTflFloat32, {1, 3});
  const std::vector<int8_t> q = {10, -20, 30, 4, 5, -6};
  const std::vector<float> scales = {0.5f, 0.25f};
  const std::vector<int64_t> zps = {1, -2};
  const int wq = w.add_constant("fc1/w_int8", kTflInt8, {2, 3}, q, scales, zps, 0);
  const int wf = w.add_tensor("fc1/w", kTflFloat32, {2, 3});
  const int b = w.add_constant("fc1/b", kTflFloat32, {2}, std::vector<float>{0.5f, -1.0f});
  const int h = w.add_tensor("h", kTflFloat32, {1, 2});
  const int w2 = w.add_constant("fc2/w_int8", kTflInt8, {1, 2}, std::vector<int8_t>{8, -4}, {0.125f}, {0});
  const int y = w.add_tensor("y", kTflFloat32, {1, 1});
  w.add_operator(w.builtin_code(kDequantize), {wq}, {wf});
  w.add_operator(w.builtin_code(kFc), {x, wf, b}, {h});
  w.add_operator(w.builtin_code(kFc), {h, w2, -1}, {y});
  w.set_inputs({x});
  w.set_outputs({y});

  const std::vector<float> w1_real = {0.5f * (10 - 1), 0.5f * (-20 - 1), 0.5f * (30 - 1),
                                      0.25f * (4 + 2), 0.25f * (5 + 2), 0.25f * (-6 + 2)};
  const std::vector<uint8_t> bytes = w.finish();
  {
    ModelBuilder builder;
    ConversionSummary summary;
    require_import(bytes, &builder, &summary);
    const GraphDesc& g = builder.graph();
    CHECK(find_op(g, OpType::kDequantize) == nullptr);
    REQUIRE(g.operators.size() == 2);
    const TensorDesc& w1 = g.tensors[g.operators[0].inputs[1]];
    CHECK(w1.dtype == DType::kFloat32);
    CHECK(constant_floats(w1) == w1_real);
    const TensorDesc& w2t = g.tensors[g.operators[1].inputs[1]];
    CHECK(w2t.dtype == DType::kFloat32);
    CHECK(constant_floats(w2t) == std::vector<float>{1.0f, -0.5f});
    CHECK(g.operators[1].inputs[2] == kAbsentInput);
    CHECK(summary.notes.size() == 2);
    CHECK(summary.float_macs == 6u + 2u);
  }

  Converted c = convert_and_prepare(bytes);
  INFO(c.stage << ": " << c.status.to_string());
  REQUIRE(c.status.ok());
  const std::vector<float> input = {1.5f, -2.0f, 0.25f};
  REQUIRE(fill_input(*c.interpreter, 0, to_bytes(input)));
  REQUIRE(c.interpreter->invoke().ok());
  float hidden[2] = {0.5f, -1.0f};
  for (int o = 0; o < 2; ++o)
    for (int i = 0; i < 3; ++i) hidden[o] += w1_real[o * 3 + i] * input[i];
  const float expected = 1.0f * hidden[0] - 0.5f * hidden[1];
  const std::vector<float> out = output_values<float>(*c.interpreter, 0);
  REQUIRE(out.size() == 1);
  CHECK(out[0] == Approx(expected).epsilon(1e-5));
}

}  // namespace testing
}  // namespace lowbit

namespace lowbit {
namespace testing {

TEST_CASE("FLOAT16 constants behind DEQUANTIZE become exact float32", "[convert][builtin][float]") {
  // IEEE half bit patterns and their exact values, including a subnormal and the largest half.
  const std::vector<uint16_t> halves = {0x3c00, 0xc000, 0x3555, 0x0001, 0x7bff, 0x8000};
  const std::vector<float> expected = {1.0f, -2.0f, 0.333251953125f, 5.9604644775390625e-8f,
                                       65504.0f, -0.0f};
  TfliteWriter w;
  const int x = w.add_tensor("x", kTflFloat32, {1, 6});
  const int h = w.add_constant("w_f16", kTflFloat16, {1, 6}, halves);
  const int wf = w.add_tensor("w", kTflFloat32, {1, 6});
  const int y = w.add_tensor("y", kTflFloat32, {1, 1});
  w.add_operator(w.builtin_code(kDequantize), {h}, {wf});
  w.add_operator(w.builtin_code(kFc), {x, wf, -1}, {y});
  w.set_inputs({x});
  w.set_outputs({y});
  ModelBuilder builder;
  const std::vector<uint8_t> bytes = w.finish();
  require_import(bytes, &builder, nullptr);
  const GraphDesc& g = builder.graph();
  REQUIRE(g.operators.size() == 1);
  const std::vector<float> got = constant_floats(g.tensors[g.operators[0].inputs[1]]);
  REQUIRE(got.size() == expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    CAPTURE(i);
    CHECK(got[i] == expected[i]);
    CHECK(std::signbit(got[i]) == std::signbit(expected[i]));
  }
}

// TensorFlow's float16 models give an LSTM's state its initial value as a
// DEQUANTIZE of float16 zeros into the variable: dropped, the variable stays.
TEST_CASE("DEQUANTIZE of float16 zeros into a variable is dropped; non-zero is refused",
          "[convert][builtin][float]") {
  for (const uint16_t half : {uint16_t{0x0000}, uint16_t{0x3c00}}) {
    CAPTURE(half);
    TfliteWriter w;
    const int x = w.add_tensor("x", kTflFloat32, {1, 4});
    const int h = w.add_constant("init_f16", kTflFloat16, {1, 4}, std::vector<uint16_t>(4, half));
    const int state = w.add_variable("state", kTflFloat32, {1, 4});
    const int y = w.add_tensor("y", kTflFloat32, {1, 4});
    w.add_operator(w.builtin_code(kDequantize), {h}, {state});
    w.add_operator(w.builtin_code(kAdd), {x, state}, {y});
    w.set_inputs({x});
    w.set_outputs({y});
    const Result<GraphDesc> g = import_graph(w.finish());
    if (half == 0) {
      INFO(g.status().to_string());
      REQUIRE(g.ok());
      REQUIRE(g->operators.size() == 1);
      CHECK(g->operators[0].type == OpType::kAdd);
      const TensorDesc& s = g->tensors[g->operators[0].inputs[1]];
      CHECK(s.name == "state");
      CHECK(s.is_variable);
      CHECK_FALSE(s.is_constant());
    } else {
      CHECK(g.status().code() == StatusCode::kUnsupported);
      CHECK(g.status().message().find("operator 0 (DEQUANTIZE) gives the state") !=
            std::string::npos);
      CHECK(g.status().message().find("non-zero initial value") != std::string::npos);
    }
  }
}

}  // namespace testing
}  // namespace lowbit
