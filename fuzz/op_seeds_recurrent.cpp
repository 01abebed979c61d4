// Seeds of the recurrent operators with their variable state: SVDF in float32
// (rank 2, TANH), int8 with int16 state (TFLite) or int8 state with a zero
// point (TFLite Micro) and hybrid, and UNIDIRECTIONAL_SEQUENCE_RNN in float32
// (batch- and time-major) and hybrid.
#include "op_seeds.h"

namespace lowbit::fuzz_seeds {
namespace {

const DType f32 = DType::kFloat32, s8 = DType::kInt8;

// 6 inputs, 3 units of rank 2 (6 filters), memory 4, batch 2; `state` is
// float32, int16 or int8 (the int8 form's time weights have the state's type).
void svdf(ModelBuilder& b, DType state) {
  const int batch = 2, inputs = 6, units = 3, rank = 2, filters = units * rank, memory = 4;
  const bool integer = state != f32;
  const Quantization none;
  auto q = [&](float scale, int32_t zero_point) { return integer ? per_tensor(scale, zero_point) : none; };
  const int x = b.add_tensor("x", integer ? s8 : f32, {batch, inputs}, q(0.05f, 3));
  const int wf = integer ? b.add_constant("weights_feature", s8, {filters, inputs},
                                          spread<int8_t>(size_t(filters * inputs), -127, 127), q(0.01f, 0))
                         : b.add_constant("weights_feature", f32, {filters, inputs},
                                          spread<float>(size_t(filters * inputs), -2, 2));
  int wt = 0;
  if (state == DType::kInt16) {
    wt = b.add_constant("weights_time", state, {filters, memory},
                        spread<int16_t>(size_t(filters * memory), -3000, 3000), q(0.002f, 0));
  } else if (state == s8) {
    wt = b.add_constant("weights_time", state, {filters, memory},
                        spread<int8_t>(size_t(filters * memory), -127, 127), q(0.01f, 0));
  } else {
    wt = b.add_constant("weights_time", f32, {filters, memory}, spread<float>(size_t(filters * memory), -1, 1));
  }
  const float state_scale = state == s8 ? 0.3f : 0.01f;
  const int bias = integer ? b.add_constant("bias", DType::kInt32, {units}, spread<int32_t>(size_t(units), -400, 400),
                                            q(state_scale * (state == s8 ? 0.01f : 0.002f), 0))
                           : b.add_constant("bias", f32, {units}, spread<float>(size_t(units), -1, 1));
  const int st = b.add_variable("state", state, {batch, memory * filters}, q(state_scale, state == s8 ? -5 : 0));
  const int y = b.add_tensor("y", integer ? s8 : f32, {batch, units}, q(0.1f, -2));
  RecurrentOptions o;
  o.rank = rank;
  o.fused_activation = integer ? 1 : 4;  // RELU (integer: left to the range), TANH
  b.add_operator(OpType::kSvdf, {x, wf, wt, bias, st}, {y}, o);
  b.set_inputs({x});
  b.set_outputs({y});
}

// A hybrid SVDF: float input and state, int8 weights, asymmetric inputs.
void hybrid_svdf(ModelBuilder& b) {
  const int x = b.add_tensor("x", f32, {1, 5});
  const int wf = b.add_constant("weights_feature", s8, {4, 5}, spread<int8_t>(20, -127, 127), per_tensor(0.02f, 0));
  const int wt = b.add_constant("weights_time", s8, {4, 3}, spread<int8_t>(12, -127, 127), per_tensor(0.01f, 0));
  const int st = b.add_variable("state", f32, {1, 12});
  const int y = b.add_tensor("y", f32, {1, 2});
  RecurrentOptions o;
  o.rank = 2;
  o.asymmetric_quantize_inputs = true;
  b.add_operator(OpType::kSvdf, {x, wf, wt, kAbsentInput, st}, {y}, o);
  b.set_inputs({x});
  b.set_outputs({y});
}

// 3 inputs, 5 units, batch 2, 3 steps; int8 weights when `hybrid`.
void rnn(ModelBuilder& b, bool time_major, bool hybrid = false) {
  const int batch = 2, steps = 3, inputs = 3, units = 5;
  const Shape in_shape = time_major ? Shape{steps, batch, inputs} : Shape{batch, steps, inputs};
  const int x = b.add_tensor("x", f32, in_shape);
  const int w = hybrid ? b.add_constant("input_weights", s8, {units, inputs},
                                        spread<int8_t>(size_t(units * inputs), -127, 127), per_tensor(0.02f, 0))
                      : b.add_constant("input_weights", f32, {units, inputs},
                                        spread<float>(size_t(units * inputs), -2, 2));
  const int r = hybrid ? b.add_constant("recurrent_weights", s8, {units, units},
                                        spread<int8_t>(size_t(units * units), -127, 127), per_tensor(0.01f, 0))
                      : b.add_constant("recurrent_weights", f32, {units, units},
                                        spread<float>(size_t(units * units), -1, 1));
  const int bias = b.add_constant("bias", f32, {units}, spread<float>(size_t(units), -1, 1));
  const int h = b.add_variable("hidden_state", f32, {batch, units});
  const int y = b.add_tensor("y", f32, {in_shape[0], in_shape[1], units});
  RecurrentOptions o;
  o.time_major = time_major;
  o.fused_activation = time_major ? 1 : 4;  // RELU, TANH
  b.add_operator(OpType::kUnidirectionalSequenceRnn, {x, w, r, bias, h}, {y}, o);
  b.set_inputs({x});
  b.set_outputs({y});
}

}  // namespace

std::vector<OpSeed> recurrent_seeds() {
  return {
      {"svdf_float_rank2_tanh", [](ModelBuilder& b) { svdf(b, f32); }},
      {"svdf_int8_int16_state", [](ModelBuilder& b) { svdf(b, DType::kInt16); }},
      {"svdf_int8_int8_state", [](ModelBuilder& b) { svdf(b, s8); }},
      {"unidirectional_sequence_rnn_float", [](ModelBuilder& b) { rnn(b, false); }},
      {"unidirectional_sequence_rnn_float_time_major", [](ModelBuilder& b) { rnn(b, true); }},
      {"svdf_hybrid_asymmetric", [](ModelBuilder& b) { hybrid_svdf(b); }},
      {"unidirectional_sequence_rnn_hybrid", [](ModelBuilder& b) { rnn(b, false, true); }},
  };
}

}  // namespace lowbit::fuzz_seeds
