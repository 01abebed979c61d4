// The converter's graph-level rewrites on hand-written TFLite graphs:
// constant folding (SHAPE chains, index tensors computed from constants),
// TRANSPOSE pairs that cancel, and dead operators. The same rewrites on
// TensorFlow-made int8 models, bit-exact against LiteRT, are in
// tests/conformance/graph_folding_cases.py.
#include <catch2/catch.hpp>

#include <algorithm>

#include "convert_test_util.h"
#include "tflite_writer.h"

namespace lowbit {
namespace testing {
namespace {

enum : int32_t { kAdd = 0, kEmbeddingLookup = 7, kRelu = 19, kReshape = 22, kTranspose = 39,
                 kStridedSlice = 45, kShape = 77, kPack = 83 };

int count_ops(const GraphDesc& g, OpType type) {
  return static_cast<int>(std::count_if(g.operators.begin(), g.operators.end(),
                                        [&](const OperatorDesc& op) { return op.type == type; }));
}

std::string notes(const ConversionSummary& summary) {
  std::string text;
  for (const std::string& note : summary.notes) text += note + "\n";
  return text;
}

// Converts (and with `run`, loads and prepares) the graph x -> y; requires success.
Converted require_converted(TfliteWriter& w, int x, int y, bool run) {
  w.set_inputs({x});
  w.set_outputs({y});
  Converted c = run ? convert_and_prepare(w.finish()) : convert_only(w.finish());
  INFO(c.stage + ": " + c.status.to_string());
  REQUIRE(c.status.ok());
  return c;
}

// x -> TRANSPOSE(perm) -> returned tensor, int8 with x's quantization.
int add_transpose(TfliteWriter& w, int x, std::vector<int32_t> shape,
                  const std::vector<int32_t>& perm, const std::string& name) {
  std::vector<int32_t> out_shape;
  for (int32_t p : perm) out_shape.push_back(shape[p]);
  const int perm_tensor = w.add_constant(name + "/perm", kTflInt32,
                                         {static_cast<int32_t>(perm.size())}, perm);
  const int y = w.add_tensor(name, kTflInt8, out_shape, {0.5f}, {-3});
  w.add_operator(w.builtin_code(kTranspose), {x, perm_tensor}, {y});
  return y;
}

int add_relu(TfliteWriter& w, int x, std::vector<int32_t> shape, const std::string& name) {
  const int y = w.add_tensor(name, kTflInt8, std::move(shape), {0.5f}, {-3});
  w.add_operator(w.builtin_code(kRelu), {x}, {y});
  return y;
}

// NCHW input -> TRANSPOSE -> RELU -> TRANSPOSE -> TRANSPOSE -> RELU -> TRANSPOSE,
// the middle pair cancelling; `middle_is_output` also makes the NCHW tensor
// between the pair a graph output.
std::vector<uint8_t> nchw_model(bool middle_is_output) {
  TfliteWriter w;
  const std::vector<int32_t> nchw = {1, 3, 4, 5}, nhwc = {1, 4, 5, 3};
  const int x = w.add_tensor("x", kTflInt8, nchw, {0.5f}, {-3});
  const int a = add_transpose(w, x, nchw, {0, 2, 3, 1}, "to_nhwc");
  const int b = add_relu(w, a, nhwc, "relu1");
  const int c = add_transpose(w, b, nhwc, {0, 3, 1, 2}, "pair/to_nchw");
  const int d = add_transpose(w, c, nchw, {0, 2, 3, 1}, "pair/to_nhwc");
  const int e = add_relu(w, d, nhwc, "relu2");
  const int y = add_transpose(w, e, nhwc, {0, 3, 1, 2}, "to_nchw");
  w.set_inputs({x});
  w.set_outputs(middle_is_output ? std::vector<int32_t>{y, c} : std::vector<int32_t>{y});
  return w.finish();
}

}  // namespace

TEST_CASE("a dynamic-batch Flatten's SHAPE -> STRIDED_SLICE -> PACK chain folds away",
          "[convert][folding]") {
  TfliteWriter w;
  const int x = w.add_tensor("x", kTflInt8, {1, 2, 3, 4}, {0.25f}, {7});
  const int shape = w.add_tensor("shape", kTflInt32, {4});
  w.add_operator(w.builtin_code(kShape), {x}, {shape});
  const int begin = w.add_constant("begin", kTflInt32, {1}, std::vector<int32_t>{0});
  const int end = w.add_constant("end", kTflInt32, {1}, std::vector<int32_t>{1});
  const int strides = w.add_constant("strides", kTflInt32, {1}, std::vector<int32_t>{1});
  const int batch = w.add_tensor("batch", kTflInt32, {});
  // StridedSliceOptions field 4: shrink_axis_mask.
  w.add_operator(w.builtin_code(kStridedSlice), {shape, begin, end, strides}, {batch},
                 {32, {{OptionField::kInt, 4, 1}}});
  const int rest = w.add_constant("rest", kTflInt32, {}, std::vector<int32_t>{-1});
  const int new_shape = w.add_tensor("new_shape", kTflInt32, {2});
  // PackOptions: values_count 0, axis 1.
  w.add_operator(w.builtin_code(kPack), {batch, rest}, {new_shape},
                 {59, {{OptionField::kInt, 0, 2}, {OptionField::kInt, 1, 0}}});
  const int y = w.add_tensor("y", kTflInt8, {1, 24}, {0.25f}, {7});
  w.add_operator(w.builtin_code(kReshape), {x, new_shape}, {y});
  Converted c = require_converted(w, x, y, true);
  const GraphDesc& g = c.model->graph();
  REQUIRE(g.operators.size() == 1);
  CHECK(g.operators[0].type == OpType::kReshape);
  CHECK(g.tensors.size() == 2);  // no folded constant is left behind
  CHECK(c.summary.constant_tensors == 0);
  CHECK_THAT(notes(c.summary), Catch::Contains("PACK x1") && Catch::Contains("SHAPE x1") &&
                                   Catch::Contains("STRIDED_SLICE x1"));
  std::vector<uint8_t> input(24);
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<uint8_t>(i * 37);
  REQUIRE(fill_input(*c.interpreter, 0, input));
  REQUIRE(c.interpreter->invoke().ok());
  CHECK(output_values<uint8_t>(*c.interpreter, 0) == input);
}

TEST_CASE("an index tensor computed from constants is evaluated by lowbit's own operator",
          "[convert][folding]") {
  TfliteWriter w;
  const int x = w.add_tensor("x", kTflFloat32, {2, 3});
  const int table = w.add_constant("table", kTflInt32, {3}, std::vector<int32_t>{9, 1, 0});
  const int begin = w.add_constant("begin", kTflInt32, {1}, std::vector<int32_t>{1});
  const int end = w.add_constant("end", kTflInt32, {1}, std::vector<int32_t>{3});
  const int strides = w.add_constant("strides", kTflInt32, {1}, std::vector<int32_t>{1});
  const int perm = w.add_tensor("perm", kTflInt32, {2});
  w.add_operator(w.builtin_code(kStridedSlice), {table, begin, end, strides}, {perm});
  const int t = w.add_tensor("t", kTflFloat32, {3, 2});
  w.add_operator(w.builtin_code(kTranspose), {x, perm}, {t});
  Converted c = require_converted(w, x, t, false);
  CHECK(c.summary.operators_by_kind == std::map<std::string, int>{{"TRANSPOSE", 1}});
  CHECK(c.summary.constant_tensors == 0);
  CHECK_THAT(notes(c.summary), Catch::Contains("STRIDED_SLICE x1"));
}

TEST_CASE("an operator with constant inputs that lowbit cannot evaluate is still reported",
          "[convert][folding]") {
  TfliteWriter w;
  const int ids = w.add_constant("ids", kTflInt32, {1}, std::vector<int32_t>{0});
  const int table = w.add_constant("table", kTflFloat32, {2, 2}, std::vector<float>{1, 2, 3, 4});
  const int rows = w.add_tensor("rows", kTflFloat32, {1, 2});
  w.add_operator(w.builtin_code(kEmbeddingLookup), {ids, table}, {rows});
  const int x = w.add_tensor("x", kTflFloat32, {1, 2});
  const int y = w.add_tensor("y", kTflFloat32, {1, 2});
  w.add_operator(w.builtin_code(kAdd), {x, rows}, {y});
  w.set_inputs({x});
  w.set_outputs({y});

  Converted c = convert_only(w.finish());
  REQUIRE_FALSE(c.status.ok());
  CHECK(c.status.code() == StatusCode::kUnsupported);
  CHECK_THAT(c.status.message(), Catch::Contains("EMBEDDING_LOOKUP"));
}

TEST_CASE("a TRANSPOSE pair that cancels goes, the NCHW <-> NHWC ends stay", "[convert][folding]") {
  Converted c = convert_and_prepare(nchw_model(false));
  INFO(c.stage + ": " + c.status.to_string());
  REQUIRE(c.status.ok());
  const GraphDesc& g = c.model->graph();
  REQUIRE(g.operators.size() == 4);
  CHECK(g.operators[0].type == OpType::kTranspose);
  CHECK(g.operators[3].type == OpType::kTranspose);
  CHECK(count_ops(g, OpType::kRelu) == 2);
  // The second RELU reads the first one's output directly.
  CHECK(g.operators[2].inputs == g.operators[1].outputs);
  CHECK(g.tensors.size() == 5);  // x, three intermediates, y
  CHECK_THAT(notes(c.summary), Catch::Contains("removed 1 TRANSPOSE pair"));

  // Every transpose cancels overall: y = RELU(x) with the same quantization.
  std::vector<uint8_t> input(60);
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<uint8_t>(i * 53 + 11);
  REQUIRE(fill_input(*c.interpreter, 0, input));
  REQUIRE(c.interpreter->invoke().ok());
  const std::vector<int8_t> y = output_values<int8_t>(*c.interpreter, 0);
  REQUIRE(y.size() == input.size());
  for (size_t i = 0; i < y.size(); ++i) {
    INFO("element " << i);
    CHECK(y[i] == std::max<int8_t>(static_cast<int8_t>(input[i]), -3));
  }
}

TEST_CASE("a TRANSPOSE pair stays when its middle tensor is a graph output or it does not cancel",
          "[convert][folding]") {
  SECTION("middle tensor is a graph output") {
    Converted c = convert_only(nchw_model(true));
    REQUIRE(c.status.ok());
    CHECK(c.summary.operators_by_kind.at("TRANSPOSE") == 4);
  }
  SECTION("perms that compose to a rotation") {
    TfliteWriter w;
    const std::vector<int32_t> shape = {2, 3, 4}, rotated = {3, 4, 2};
    const int x = w.add_tensor("x", kTflInt8, shape, {0.5f}, {-3});
    const int a = add_transpose(w, x, shape, {1, 2, 0}, "a");
    const int b = add_transpose(w, a, rotated, {1, 2, 0}, "b");
    Converted c = require_converted(w, x, b, false);
    CHECK(c.summary.operators_by_kind.at("TRANSPOSE") == 2);
  }
}

TEST_CASE("operators no graph output depends on are removed with their constants",
          "[convert][folding]") {
  TfliteWriter w;
  const int x = w.add_tensor("x", kTflInt8, {1, 4}, {0.5f}, {-3});
  const int y = add_relu(w, x, {1, 4}, "y");
  const int bias = w.add_constant("unused_bias", kTflInt8, {1, 4}, std::vector<int8_t>{1, 2, 3, 4},
                                  {0.5f}, {-3});
  const int unused = w.add_tensor("unused", kTflInt8, {1, 4}, {0.5f}, {-3});
  w.add_operator(w.builtin_code(kAdd), {x, bias}, {unused});
  Converted c = require_converted(w, x, y, false);
  CHECK(c.summary.operators_by_kind == std::map<std::string, int>{{"RELU", 1}});
  CHECK(c.summary.tensors == 2);
  CHECK(c.summary.constant_tensors == 0);
  CHECK(c.summary.weight_bytes_after == 0);
  CHECK_THAT(notes(c.summary), Catch::Contains("removed 1 operator"));
}

}  // namespace testing
}  // namespace lowbit
