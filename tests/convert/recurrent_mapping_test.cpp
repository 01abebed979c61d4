// How SVDF and UNIDIRECTIONAL_SEQUENCE_RNN land in the lowbit graph: their
// five operands one to one (SVDF's absent bias stays absent), SVDFOptions and
// SequenceRNNOptions in RecurrentOptions with TFLite's activation code kept.
#include <catch2/catch.hpp>

#include "convert_test_util.h"
#include "tflite_writer.h"

namespace lowbit {
namespace testing {
namespace {

enum : int32_t { kSvdf = 27, kSequenceRnn = 35 };
enum : uint8_t { kSvdfOptions = 6, kSequenceRnnOptions = 31 };

// A float SVDF (2 units of rank `rank`, memory 3, no bias) or RNN (4 units),
// with `inputs` operands (the last the state) and `options`.
Result<GraphDesc> recurrent_model(bool svdf, const BuiltinOptions& options, size_t inputs = 5) {
  TfliteWriter w;
  const int filters = 4;
  const int x = w.add_tensor("x", kTflFloat32, svdf ? std::vector<int32_t>{1, 3} : std::vector<int32_t>{1, 2, 3});
  const int w1 = w.add_constant("w1", kTflFloat32, {filters, 3}, std::vector<float>(12, 0.5f));
  const int w2 = w.add_constant("w2", kTflFloat32, {filters, svdf ? 3 : filters},
                                std::vector<float>(svdf ? 12 : 16, 0.25f));
  const int bias = svdf ? -1 : w.add_constant("b", kTflFloat32, {filters}, std::vector<float>(4, 0.0f));
  const int state = w.add_tensor("state", kTflFloat32, svdf ? std::vector<int32_t>{1, 12} : std::vector<int32_t>{1, 4});
  const int y = w.add_tensor("y", kTflFloat32, svdf ? std::vector<int32_t>{1, 2} : std::vector<int32_t>{1, 2, 4});
  std::vector<int32_t> operands = {x, w1, w2, bias, state};
  operands.resize(inputs);
  w.add_operator(w.builtin_code(svdf ? kSvdf : kSequenceRnn), operands, {y}, options);
  w.set_inputs({x});
  w.set_outputs({y});
  return import_graph(w.finish());
}

}  // namespace

TEST_CASE("SVDF takes rank, activation and asymmetric_quantize_inputs into RecurrentOptions",
          "[convert]") {
  const Result<GraphDesc> g = recurrent_model(
      true, {kSvdfOptions, {{OptionField::kInt, 0, 2}, {OptionField::kByte, 1, 3}, {OptionField::kByte, 2, 1}}});
  INFO(g.status().to_string());
  REQUIRE(g.ok());
  const OperatorDesc& op = g->operators.at(0);
  CHECK(op.type == OpType::kSvdf);
  REQUIRE(op.inputs.size() == 5);
  CHECK(op.inputs[3] == kAbsentInput);
  const auto& o = std::get<RecurrentOptions>(op.options);
  CHECK(o.rank == 2);
  CHECK(o.fused_activation == 3);  // RELU6, TFLite's code
  CHECK(o.asymmetric_quantize_inputs);
  CHECK_FALSE(o.time_major);
}

TEST_CASE("UNIDIRECTIONAL_SEQUENCE_RNN takes time_major and its activation", "[convert]") {
  const Result<GraphDesc> g = recurrent_model(
      false, {kSequenceRnnOptions, {{OptionField::kByte, 0, 1}, {OptionField::kByte, 1, 4}}});
  INFO(g.status().to_string());
  REQUIRE(g.ok());
  const auto& o = std::get<RecurrentOptions>(g->operators.at(0).options);
  CHECK(g->operators[0].type == OpType::kUnidirectionalSequenceRnn);
  CHECK(o.time_major);
  CHECK(o.fused_activation == 4);  // TANH
  CHECK_FALSE(o.asymmetric_quantize_inputs);
}

TEST_CASE("SVDF and RNN without their state or with foreign options are refused by name",
          "[convert]") {
  const Result<GraphDesc> four = recurrent_model(true, {kSvdfOptions, {{OptionField::kInt, 0, 2}}}, 4);
  CHECK_THAT(four.status().message(),
             Catch::Contains("needs 5 inputs, the last the state (the bias, input 3, may be absent)"));
  const Result<GraphDesc> foreign = recurrent_model(false, {kSvdfOptions, {{OptionField::kInt, 0, 2}}});
  CHECK_THAT(foreign.status().message(), Catch::Contains("builtin options have union type 6, expected 31"));
}

}  // namespace testing
}  // namespace lowbit
