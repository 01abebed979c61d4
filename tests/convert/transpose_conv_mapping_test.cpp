// How TRANSPOSE_CONV and L2_NORMALIZATION land in the lowbit graph: TFLite's
// [output_shape, weights, input, bias?] becomes [input, weights, bias?] with
// the constant output_shape's height and width in TransposeConvOptions (a
// computed output_shape becomes a fourth operand); bad
// operands fail naming the operator and the tensor.
#include <catch2/catch.hpp>

#include "convert_test_util.h"
#include "tflite_writer.h"

namespace lowbit {
namespace testing {
namespace {

enum : int32_t { kTransposeConv = 67, kL2Normalization = 11 };
enum : uint8_t { kTransposeConvOptions = 49, kL2NormOptions = 12 };

struct ShapeOperand {
  int8_t type = kTflInt32;
  std::vector<int32_t> values = {1, 6, 6, 3};
  bool constant = true;
};

// x [1,3,3,2] int8 -> y [1,6,6,3] (SAME, stride 2, RELU), with bias.
Result<GraphDesc> transpose_conv_model(const ShapeOperand& shape) {
  TfliteWriter w;
  const std::vector<float> s = {0.5f};
  const std::vector<int64_t> z = {-3};
  const int x = w.add_tensor("x", kTflInt8, {1, 3, 3, 2}, s, z);
  const int32_t length = int32_t(shape.values.size());
  const int out_shape =
      !shape.constant ? w.add_tensor("output_shape", shape.type, {length})
      : shape.type == kTflInt32
          ? w.add_constant("output_shape", shape.type, {length}, shape.values)
          : w.add_constant("output_shape", shape.type, {length},
                           std::vector<int64_t>(shape.values.begin(), shape.values.end()));
  const int weights = w.add_constant("w", kTflInt8, {3, 3, 3, 2}, std::vector<int8_t>(54, 1),
                                     {0.1f, 0.2f, 0.3f}, {0, 0, 0}, 0);
  const int bias = w.add_constant("b", kTflInt32, {3}, std::vector<int32_t>{1, 2, 3},
                                  {0.05f, 0.1f, 0.15f}, {0, 0, 0}, 0);
  const int y = w.add_tensor("y", kTflInt8, {1, 6, 6, 3}, {1.0f}, {5});
  const BuiltinOptions options{kTransposeConvOptions,
                               {{OptionField::kByte, 0, 0}, {OptionField::kInt, 1, 2},
                                {OptionField::kInt, 2, 2}, {OptionField::kByte, 3, 1}}};
  w.add_operator(w.builtin_code(kTransposeConv), {out_shape, weights, x, bias}, {y}, options);
  w.set_inputs(shape.constant ? std::vector<int32_t>{x} : std::vector<int32_t>{x, out_shape});
  w.set_outputs({y});
  return import_graph(w.finish());
}

Result<GraphDesc> l2_model(int activation) {
  TfliteWriter w;
  const int x = w.add_tensor("x", kTflInt8, {2, 5}, {0.1f}, {0});
  const int y = w.add_tensor("y", kTflInt8, {2, 5}, {1.0f / 128}, {0});
  w.add_operator(w.builtin_code(kL2Normalization), {x}, {y},
                 {kL2NormOptions, {{OptionField::kByte, 0, double(activation)}}});
  w.set_inputs({x});
  w.set_outputs({y});
  return import_graph(w.finish());
}

}  // namespace

TEST_CASE("TRANSPOSE_CONV takes its output_shape into TransposeConvOptions",
          "[convert][builtin][tconv]") {
  Result<GraphDesc> g = transpose_conv_model({});
  INFO(g.status().to_string());
  REQUIRE(g.ok());
  REQUIRE(g->operators.size() == 1);
  const OperatorDesc& op = g->operators[0];
  CHECK(op.type == OpType::kTransposeConv);
  REQUIRE(op.inputs.size() == 3);  // input, weights, bias
  CHECK(g->tensors[op.inputs[0]].name == "x");
  CHECK(g->tensors[op.inputs[1]].name == "w");
  CHECK(g->tensors[op.inputs[2]].name == "b");
  const auto* o = std::get_if<TransposeConvOptions>(&op.options);
  REQUIRE(o != nullptr);
  CHECK(o->padding == Padding::kSame);
  CHECK(o->stride_h == 2);
  CHECK(o->stride_w == 2);
  CHECK(o->activation == Activation::kRelu);
  CHECK(o->output_height == 6);
  CHECK(o->output_width == 6);
}

TEST_CASE("TRANSPOSE_CONV keeps a computed output_shape as its fourth operand",
          "[convert][builtin][tconv]") {
  // As the seanet models feed it: a graph input, which the operator never
  // reads (tests/ops_int8/conv_16x8_test.cpp).
  ShapeOperand computed;
  computed.constant = false;
  Result<GraphDesc> g = transpose_conv_model(computed);
  INFO(g.status().to_string());
  REQUIRE(g.ok());
  REQUIRE(g->operators.size() == 1);
  const OperatorDesc& op = g->operators[0];
  REQUIRE(op.inputs.size() == 4);  // input, weights, bias, output_shape
  CHECK(g->tensors[op.inputs[2]].name == "b");
  CHECK(g->tensors[op.inputs[3]].name == "output_shape");
  CHECK(g->tensors[op.inputs[3]].data == nullptr);
  REQUIRE(g->inputs.size() == 2);
  CHECK(g->inputs[1] == op.inputs[3]);
  const auto* o = std::get_if<TransposeConvOptions>(&op.options);
  REQUIRE(o != nullptr);
  CHECK(o->output_height == 6);
  CHECK(o->output_width == 6);
}

TEST_CASE("TRANSPOSE_CONV rejects an output_shape that is mistyped or wrong",
          "[convert][builtin][tconv]") {
  ShapeOperand wide;
  wide.type = kTflInt64;
  Result<GraphDesc> g = transpose_conv_model(wide);
  REQUIRE_FALSE(g.ok());
  CHECK_THAT(g.status().message(), Catch::Contains("must be INT32"));
  ShapeOperand wrong;
  wrong.values = {1, 7, 6, 3};
  g = transpose_conv_model(wrong);
  REQUIRE_FALSE(g.ok());
  CHECK_THAT(g.status().message(),
             Catch::Contains("holds [1,7,6,3] but the output is [1,6,6,3]"));
}

TEST_CASE("L2_NORMALIZATION maps without options and refuses a fused activation",
          "[convert][builtin][l2norm]") {
  Result<GraphDesc> g = l2_model(0);
  INFO(g.status().to_string());
  REQUIRE(g.ok());
  REQUIRE(g->operators.size() == 1);
  CHECK(g->operators[0].type == OpType::kL2Normalization);
  g = l2_model(1);
  REQUIRE_FALSE(g.ok());
  CHECK_THAT(g.status().message(),
             Catch::Contains("L2_NORMALIZATION") && Catch::Contains("fused activation"));
}

}  // namespace testing
}  // namespace lowbit
