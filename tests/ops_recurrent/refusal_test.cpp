// Every malformed SVDF or RNN is refused with a message of its own naming the
// operand or option at fault.
#include <catch2/catch.hpp>

#include <map>

#include "ops_recurrent/recurrent_test_models.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

TEST_CASE("SVDF and RNN refusals name what is wrong, each in its own words") {
  const IntSvdf s;
  const int filters = s.units * s.rank, state_width = s.memory * filters;
  struct Case {
    const char* name;
    std::function<void(ModelBuilder&, std::vector<int>&, RecurrentOptions&, int&)> edit;
    const char* fragment;
  };
  const std::vector<Case> cases = {
      {"state shape", [&](ModelBuilder& b, std::vector<int>& in, RecurrentOptions&, int&) {
         in[4] = b.add_variable("bad_state", DType::kInt16, {s.batch, filters}, per_tensor(0.02f, 0));
       }, "(the state) has shape [2,6]; expected [2,24] (batch x memory * filters)"},
      {"state not variable", [&](ModelBuilder& b, std::vector<int>& in, RecurrentOptions&, int&) {
         in[4] = b.add_tensor("plain", DType::kInt16, {s.batch, state_width}, per_tensor(0.02f, 0));
       }, "\"plain\" is used before any operator produces it"},
      {"int16 state zero point", [&](ModelBuilder& b, std::vector<int>& in, RecurrentOptions&, int&) {
         in[4] = b.add_variable("zp_state", DType::kInt16, {s.batch, state_width}, per_tensor(0.02f, -32768));
       }, "\"zp_state\") must be symmetric (zero point 0), has -32768"},
      {"state scale missing", [&](ModelBuilder& b, std::vector<int>& in, RecurrentOptions&, int&) {
         in[4] = b.add_variable("unscaled", DType::kInt16, {s.batch, state_width});
       }, "\"unscaled\") needs per-tensor quantization"},
      {"state dtype", [&](ModelBuilder& b, std::vector<int>& in, RecurrentOptions&, int&) {
         in[4] = b.add_variable("wide", DType::kInt32, {s.batch, state_width}, per_tensor(0.02f, 0));
       }, "(the state) must be int16 or int8"},
      {"state absent", [&](ModelBuilder&, std::vector<int>& in, RecurrentOptions&, int&) {
         in[4] = kAbsentInput;
       }, "required input 4 (the state) is absent"},
      {"four operands", [&](ModelBuilder&, std::vector<int>& in, RecurrentOptions&, int&) {
         in.pop_back();
       }, "expects 5 inputs (the bias may be absent), has 4"},
      {"time weights of another type", [&](ModelBuilder& b, std::vector<int>& in, RecurrentOptions&, int&) {
         in[2] = b.add_constant("wt8", DType::kInt8, {filters, s.memory},
                                std::vector<int8_t>(size_t(filters * s.memory), 1), per_tensor(0.01f, 0));
       }, "\"wt8\") has dtype int8"},
      {"time weights shape", [&](ModelBuilder& b, std::vector<int>& in, RecurrentOptions&, int&) {
         in[2] = b.add_constant("wt_short", DType::kInt16, {filters - 1, s.memory},
                                std::vector<int16_t>(size_t((filters - 1) * s.memory), 1), per_tensor(0.01f, 0));
       }, "\"wt_short\") has shape [5,4]; expected [6,4]"},
      {"feature weights zero point", [&](ModelBuilder& b, std::vector<int>& in, RecurrentOptions&, int&) {
         in[1] = b.add_constant("wf_zp", DType::kInt8, {filters, s.inputs},
                                std::vector<int8_t>(size_t(filters * s.inputs), 1), per_tensor(0.01f, 2));
       }, "\"wf_zp\") must be symmetric (zero point 0), has 2"},
      {"feature weights not constant", [&](ModelBuilder& b, std::vector<int>& in, RecurrentOptions&, int&) {
         in[1] = in[0];
         (void)b;
       }, "must be a constant tensor"},
      {"bias length", [&](ModelBuilder& b, std::vector<int>& in, RecurrentOptions&, int&) {
         in[3] = b.add_constant("bias_long", DType::kInt32, {s.units + 1},
                                std::vector<int32_t>(size_t(s.units + 1), 0), per_tensor(1e-4f, 0));
       }, "\"bias_long\") has shape [4]; expected [3]"},
      {"rank zero", [&](ModelBuilder&, std::vector<int>&, RecurrentOptions& o, int&) { o.rank = 0; },
       "options: rank is 0; must be >= 1"},
      {"rank not dividing the filters", [&](ModelBuilder&, std::vector<int>&, RecurrentOptions& o, int&) {
         o.rank = 4;
       }, "options: rank 4 does not divide the 6 filters"},
      {"float output", [&](ModelBuilder& b, std::vector<int>&, RecurrentOptions&, int& y) {
         y = b.add_tensor("y_float", DType::kFloat32, {s.batch, s.units});
       }, "\"y_float\") has dtype float32"},
      {"input rank", [&](ModelBuilder& b, std::vector<int>& in, RecurrentOptions&, int&) {
         in[0] = b.add_tensor("x3", DType::kInt8, {1, s.batch, s.inputs}, per_tensor(0.05f, 0));
       }, "\"x3\") has rank 3"},
  };
  std::map<std::string, std::string> seen;  // message -> case
  for (const Case& c : cases) {
    INFO(c.name);
    ModelBuilder b;
    int_svdf(b, s, 3, [&](std::vector<int>& in, RecurrentOptions& o, int& y) { c.edit(b, in, o, y); });
    const std::string error = load_error(b);
    CHECK_THAT(error, Catch::Contains(c.fragment));
    const auto previous = seen.emplace(error, c.name);
    INFO("same message as: " << previous.first->second);
    CHECK(previous.second);
  }

  ModelBuilder act;
  float_svdf(act, /*no such code in TFLite's schema*/ 6);
  CHECK_THAT(load_error(act), Catch::Contains("fused activation 6 is not supported"));

  ModelBuilder hybrid;
  hybrid_svdf(hybrid, DType::kFloat32);
  CHECK_THAT(load_error(hybrid), Catch::Contains("\"wt\") has dtype float32, expected int8"));

  // RNN: 3 inputs, 4 units, batch 1, 2 steps, batch-major.
  auto rnn_error = [](DType weights, Shape hidden, Shape recurrent, bool bias, int32_t activation) {
    ModelBuilder b;
    const int x = b.add_tensor("x", DType::kFloat32, {1, 2, 3});
    const int w = weights == DType::kFloat32
                      ? b.add_constant("w", DType::kFloat32, {4, 3}, std::vector<float>(12, 0.5f))
                      : b.add_constant("w", DType::kInt8, {4, 3}, std::vector<int8_t>(12, 1), per_tensor(0.1f, 0));
    const int r = b.add_constant("r", DType::kFloat32, recurrent,
                                 std::vector<float>(size_t(recurrent.num_elements()), 0.1f));
    const int b_in = bias ? b.add_constant("b", DType::kFloat32, {4}, std::vector<float>(4, 0.0f)) : kAbsentInput;
    const int h = b.add_variable("h", DType::kFloat32, hidden);
    const int y = b.add_tensor("y", DType::kFloat32, {1, 2, 4});
    RecurrentOptions o;
    o.fused_activation = activation;
    b.add_operator(OpType::kUnidirectionalSequenceRnn, {x, w, r, b_in, h}, {y}, o, "rnn");
    b.set_inputs({x});
    b.set_outputs({y});
    return load_error(b);
  };
  const DType f32 = DType::kFloat32;
  CHECK(rnn_error(f32, {1, 4}, {4, 4}, true, 4).empty());
  CHECK_THAT(rnn_error(f32, {2, 4}, {4, 4}, true, 4),
             Catch::Contains("(the state) has shape [2,4]; expected [1,4] (batch x units)"));
  CHECK_THAT(rnn_error(DType::kInt8, {1, 4}, {4, 4}, true, 4),
             Catch::Contains("\"r\") has dtype float32, expected int8"));
  CHECK_THAT(rnn_error(f32, {1, 4}, {4, 3}, true, 4), Catch::Contains("\"r\") has shape [4,3]; expected [4,4]"));
  CHECK_THAT(rnn_error(f32, {1, 4}, {4, 4}, false, 4), Catch::Contains("required input 3 is absent"));
  CHECK_THAT(rnn_error(f32, {1, 4}, {4, 4}, true, 9), Catch::Contains("fused activation 9 is not supported"));
}
