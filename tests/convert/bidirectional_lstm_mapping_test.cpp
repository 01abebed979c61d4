// How BIDIRECTIONAL_SEQUENCE_LSTM lands in the lowbit graph: its 48 operands
// one to one (absent ones stay absent), BidirectionalSequenceLSTMOptions in
// SequenceLstmOptions (time_major defaulting to true, as TFLite's schema),
// one output with merge_outputs and two without.
#include <catch2/catch.hpp>

#include "convert_test_util.h"
#include "tflite_writer.h"

namespace lowbit {
namespace testing {
namespace {

enum : int32_t { kBidirectionalSequenceLstm = 52 };
enum : uint8_t { kBidirectionalSequenceLstmOptions = 69 };

// A float model with both cells' operands (2 units, 3 features; the forward
// cell without its input gate),
// `outputs` outputs and `options`.
Result<GraphDesc> bilstm_model(const BuiltinOptions& options, int outputs) {
  TfliteWriter w;
  const int x = w.add_tensor("x", kTflFloat32, {4, 1, 3});
  std::vector<int32_t> in(48, -1);
  in[0] = x;
  for (int cell : {0, 17}) {
    const std::string p = cell == 0 ? "fw/" : "bw/";
    for (int g = cell == 0 ? 1 : 0; g < 4; ++g) {  // the forward cell is CIFG
      const std::string n = std::to_string(g);
      in[size_t(cell + 1 + g)] = w.add_constant(p + "w_in" + n, kTflFloat32, {2, 3}, std::vector<float>(6, 0.5f));
      in[size_t(cell + 5 + g)] = w.add_constant(p + "w_rec" + n, kTflFloat32, {2, 2}, std::vector<float>(4, 0.25f));
      in[size_t(cell + 12 + g)] = w.add_constant(p + "bias" + n, kTflFloat32, {2}, std::vector<float>(2, 0.0f));
    }
  }
  for (int s = 35; s < 39; ++s) in[size_t(s)] = w.add_tensor("state" + std::to_string(s), kTflFloat32, {1, 2});
  std::vector<int32_t> outs;
  for (int o = 0; o < outputs; ++o) {
    outs.push_back(w.add_tensor("y" + std::to_string(o), kTflFloat32, {4, 1, outputs == 1 ? 4 : 2}));
  }
  w.add_operator(w.builtin_code(kBidirectionalSequenceLstm), in, outs, options);
  w.set_inputs({x});
  w.set_outputs(outs);
  return import_graph(w.finish());
}

}  // namespace

TEST_CASE("BIDIRECTIONAL_SEQUENCE_LSTM keeps its 48 operands and its options", "[convert]") {
  SECTION("defaults: time-major, two outputs") {
    const Result<GraphDesc> g = bilstm_model({kBidirectionalSequenceLstmOptions, {}}, 2);
    INFO(g.status().to_string());
    REQUIRE(g.ok());
    const OperatorDesc& op = g->operators.at(0);
    CHECK(op.type == OpType::kBidirectionalSequenceLstm);
    REQUIRE(op.inputs.size() == 48);
    CHECK(op.inputs[1] == kAbsentInput);  // the forward input gate's weights
    CHECK(op.inputs[39] == kAbsentInput);  // no auxiliary input
    CHECK(op.inputs[19] != kAbsentInput);
    CHECK(op.outputs.size() == 2);
    const auto& o = std::get<SequenceLstmOptions>(op.options);
    CHECK(o.time_major);
    CHECK_FALSE(o.merge_outputs);
  }
  SECTION("merged, batch-major, clips and asymmetric inputs") {
    const Result<GraphDesc> g = bilstm_model(
        {kBidirectionalSequenceLstmOptions,
         {{OptionField::kByte, 0, 4}, {OptionField::kFloat, 1, 2.5}, {OptionField::kFloat, 2, 0.5},
          {OptionField::kByte, 3, 1}, {OptionField::kByte, 4, 0}, {OptionField::kByte, 5, 1}}},
        1);
    INFO(g.status().to_string());
    REQUIRE(g.ok());
    const auto& o = std::get<SequenceLstmOptions>(g->operators.at(0).options);
    CHECK(o.merge_outputs);
    CHECK_FALSE(o.time_major);
    CHECK(o.asymmetric_quantize_inputs);
    CHECK(o.cell_clip == 2.5f);
    CHECK(o.proj_clip == 0.5f);
    CHECK(o.cell_activation == 4);
  }
  SECTION("merge_outputs with two outputs is refused") {
    const Result<GraphDesc> g = bilstm_model(
        {kBidirectionalSequenceLstmOptions, {{OptionField::kByte, 3, 1}}}, 2);
    REQUIRE_FALSE(g.ok());
    CHECK_THAT(g.status().message(), Catch::Contains("has 2 outputs; expected 1 (merge_outputs)"));
  }
}

}  // namespace testing
}  // namespace lowbit
