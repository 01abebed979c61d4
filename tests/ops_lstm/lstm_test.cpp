// The int8 UNIDIRECTIONAL_SEQUENCE_LSTM: the int16 gate activations, state
// carried across invokes and reset, sequence splitting, and every refusal
// with its own message. Bit-exactness against LiteRT is lstm_cases.py's job.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <random>

#include "kernels/reference/fixed_point_q15.h"
#include "kernels/reference/q15_activation_table.h"
#include "lowbit/interpreter.h"
#include "lowbit/model.h"
#include "lowbit/model_builder.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

struct LstmSpec {
  int units = 6, features = 4, steps = 3, batch = 1;
  int32_t input_zero_point = 3;
  bool time_major = false;
  float cell_scale = 1.0f / 4096;
  int32_t cell_zero_point = 0;
  float hidden_scale = 1.0f / 128;
  bool variable_state = true;
};

// A one-operator graph; `edit` may change the operator before it is added.
using Edit = std::function<void(ModelBuilder&, std::vector<int>&, SequenceLstmOptions&)>;

// Builds into a fresh builder (ModelBuilder cannot be moved).
std::unique_ptr<ModelBuilder> lstm_graph(const LstmSpec& s, uint32_t seed, const Edit& edit = {}) {
  auto builder = std::make_unique<ModelBuilder>();
  ModelBuilder& b = *builder;
  std::mt19937 rng(seed);
  const Shape in_shape = s.time_major ? Shape{s.steps, s.batch, s.features}
                                      : Shape{s.batch, s.steps, s.features};
  const Shape out_shape = s.time_major ? Shape{s.steps, s.batch, s.units}
                                       : Shape{s.batch, s.steps, s.units};
  std::vector<int> in(24, kAbsentInput);
  in[0] = b.add_tensor("x", DType::kInt8, in_shape, per_tensor(1.0f / 64, s.input_zero_point));
  for (int g = 0; g < 4; ++g) {
    in[1 + g] = b.add_constant("w_in" + std::to_string(g), DType::kInt8, {s.units, s.features},
                               random_ints<int8_t>(rng, size_t(s.units * s.features), -127, 127),
                               per_tensor(0.01f + 0.002f * g, 0));
    in[5 + g] = b.add_constant("w_rec" + std::to_string(g), DType::kInt8, {s.units, s.units},
                               random_ints<int8_t>(rng, size_t(s.units * s.units), -127, 127),
                               per_tensor(0.008f + 0.001f * g, 0));
    in[12 + g] = b.add_constant("bias" + std::to_string(g), DType::kInt32, {s.units},
                                random_ints<int32_t>(rng, size_t(s.units), -3000, 3000),
                                per_tensor(1e-4f, 0));
  }
  const Shape state{s.batch, s.units};
  auto add_state = [&](const char* name, DType dtype, Quantization q) {
    return s.variable_state ? b.add_variable(name, dtype, state, q) : b.add_tensor(name, dtype, state, q);
  };
  in[18] = add_state("h", DType::kInt8, per_tensor(s.hidden_scale, -1));
  in[19] = add_state("c", DType::kInt16, per_tensor(s.cell_scale, s.cell_zero_point));
  SequenceLstmOptions o;
  o.time_major = s.time_major;
  o.hidden_scale = s.hidden_scale;
  o.hidden_zero_point = -1;
  if (edit) edit(b, in, o);
  const int y = b.add_tensor("y", DType::kInt8, out_shape, per_tensor(s.hidden_scale, -1));
  b.add_operator(OpType::kUnidirectionalSequenceLstm, in, {y}, o, "lstm");
  b.set_inputs({in[0]});
  b.set_outputs({y});
  return builder;
}

// int16 layer-norm weights for all four gates (inputs 20-23).
void add_layer_norm(ModelBuilder& b, std::vector<int>& in, int units) {
  std::mt19937 rng(13);
  for (int g = 0; g < 4; ++g) {
    in[20 + g] = b.add_constant("layer_norm" + std::to_string(g), DType::kInt16, {units},
                                random_ints<int16_t>(rng, size_t(units), -32767, 32767),
                                per_tensor(5e-5f, 0));
  }
}

struct Runner {
  std::vector<uint8_t> model_bytes;  // declared first: outlives the model reading it
  std::shared_ptr<const Model> model;
  std::unique_ptr<Interpreter> interp;

  explicit Runner(const std::unique_ptr<ModelBuilder>& b, int threads = 1) {
    Result<std::vector<uint8_t>> bytes = b->finish();
    REQUIRE(bytes.ok());
    // Model::from_buffer reads the bytes in place: they must outlive the model.
    model_bytes = std::move(bytes.value());
    Result<std::shared_ptr<const Model>> m =
        Model::from_buffer(model_bytes.data(), model_bytes.size());
    INFO(m.status().to_string());
    REQUIRE(m.ok());
    model = m.value();
    InterpreterOptions options;
    options.num_threads = threads;
    interp.reset(new Interpreter(model, options));
    REQUIRE(interp->prepare().ok());
  }
  std::vector<int8_t> invoke(const std::vector<int8_t>& x) {
    TensorView in = interp->input(0);
    REQUIRE(in.bytes == x.size());
    std::memcpy(in.data, x.data(), x.size());
    REQUIRE(interp->invoke().ok());
    const TensorView out = interp->output(0);
    const int8_t* p = static_cast<const int8_t*>(out.data);
    return {p, p + out.bytes};
  }
};

// Runs one random input twice (the second run differs: it starts from the
// first one's state), resets, and checks the first run comes back; returns it.
std::vector<int8_t> check_state_carried(const std::unique_ptr<ModelBuilder>& graph,
                                        const LstmSpec& s, std::mt19937& rng) {
  Runner r(graph);
  const auto x = random_ints<int8_t>(rng, size_t(s.batch * s.steps * s.features), -128, 127);
  const auto first = r.invoke(x);
  CHECK(r.invoke(x) != first);
  REQUIRE(r.interp->reset_state().ok());
  CHECK(r.invoke(x) == first);
  return first;
}

// TFLite's integer LSTM sums a gate's bias and products in int32, wrapping
// where a malformed model overflows it (fuzz_load_lbm found both sums as
// signed-overflow UB). A graph whose input weights are all 127 and whose gate
// biases are all `bias`, with input zero point `zero_point`.
std::unique_ptr<ModelBuilder> extreme_gates_graph(int32_t bias, int32_t zero_point) {
  LstmSpec s;
  s.input_zero_point = zero_point;
  return lstm_graph(s, 21, [&](ModelBuilder& b, std::vector<int>& in, SequenceLstmOptions&) {
    for (int g = 0; g < 4; ++g) {
      const std::string gate = std::to_string(g);
      in[1 + g] = b.add_constant("w_in_max" + gate, DType::kInt8, {s.units, s.features},
                                 std::vector<int8_t>(size_t(s.units * s.features), 127),
                                 per_tensor(0.01f, 0));
      in[12 + g] = b.add_constant("bias_edge" + gate, DType::kInt32, {s.units},
                                  std::vector<int32_t>(size_t(s.units), bias), per_tensor(1e-4f, 0));
    }
  });
}

// What TFLite's int32 accumulator holds for input `x` in every feature:
// bias + features * (x - zero_point) * 127, modulo 2^32.
int32_t tflite_gate_sum(int32_t bias, int8_t x, int32_t zero_point) {
  const int64_t exact = int64_t{bias} + int64_t{LstmSpec{}.features} * (x - zero_point) * 127;
  return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(exact)));
}

// The overflowing graph on input 127 must equal a graph that holds TFLite's
// wrapped sum exactly (as its bias, on input 0 with zero point 0: no overflow
// anywhere), over two invokes (state carried), and must differ from the
// saturated sum's graph, so the check tells wrapping from saturating.
void check_gate_sum_wraps(int32_t bias, int32_t zero_point) {
  const LstmSpec s;
  const std::vector<int8_t> x(size_t(s.steps * s.features), 127), zeros(x.size(), 0);
  const int32_t wrapped = tflite_gate_sum(bias, 127, zero_point);
  Runner overflowing(extreme_gates_graph(bias, zero_point));
  Runner expected(extreme_gates_graph(wrapped, 0));
  Runner saturated(extreme_gates_graph(std::numeric_limits<int32_t>::max(), 0));
  for (int invoke = 0; invoke < 2; ++invoke) {
    const std::vector<int8_t> want = expected.invoke(zeros);
    CHECK(overflowing.invoke(x) == want);
    CHECK(saturated.invoke(zeros) != want);
  }
}

// Why a graph does not load.
std::string load_error(const std::unique_ptr<ModelBuilder>& b) {
  Result<std::vector<uint8_t>> bytes = b->finish();
  REQUIRE(bytes.ok());
  Result<std::shared_ptr<const Model>> m = Model::from_buffer(bytes->data(), bytes->size());
  REQUIRE_FALSE(m.ok());
  return m.status().message();
}

}  // namespace

TEST_CASE("int16 gate activations follow sigmoid and tanh", "[lstm]") {
  CHECK(ref::q15::logistic(0, 3) == 16384);
  CHECK(ref::q15::tanh(0, 3) == 0);
  for (int raw = -32768; raw <= 32767; raw += 97) {
    const double x = raw / 4096.0;  // Q3.12
    const double sigmoid = 1.0 / (1.0 + std::exp(-x));
    CHECK(std::abs(ref::q15::logistic(static_cast<int16_t>(raw), 3) / 32768.0 - sigmoid) < 4e-4);
    CHECK(std::abs(ref::q15::tanh(static_cast<int16_t>(raw), 3) / 32768.0 - std::tanh(x)) < 4e-4);
  }
  // The cell state's tanh with other integer bits (cell scales 2^-9 .. 2^-15).
  for (int bits = 0; bits <= 6; ++bits) {
    const double x = 3000.0 / (1 << (15 - bits));
    CHECK(std::abs(ref::q15::tanh(3000, bits) / 32768.0 - std::tanh(x)) < 4e-4);
  }
}

TEST_CASE("tabulated gate activations equal the computed ones for every input", "[lstm]") {
  // The integer LSTM's formats: gates in Q3, the cell state in Q0..Q6.
  for (int bits = 0; bits <= 6; ++bits) {
    const int16_t* logistic = ref::q15_activation_table(ref::Q15Activation::kLogistic, bits);
    const int16_t* tanh = ref::q15_activation_table(ref::Q15Activation::kTanh, bits);
    REQUIRE(ref::q15_activation_table(ref::Q15Activation::kTanh, bits) == tanh);  // built once
    int mismatches = 0;
    for (int raw = -32768; raw <= 32767; ++raw) {
      const int16_t x = static_cast<int16_t>(raw);
      const uint16_t index = static_cast<uint16_t>(x);
      mismatches += logistic[index] != ref::q15::logistic(x, bits);
      mismatches += tanh[index] != ref::q15::tanh(x, bits);
    }
    INFO("integer bits " << bits);
    CHECK(mismatches == 0);
  }
}

TEST_CASE("LSTM state carries across invokes and reset_state restores it", "[lstm]") {
  for (const bool time_major : {false, true}) {
    LstmSpec s;
    s.time_major = time_major;
    s.batch = 2;
    Runner r(lstm_graph(s, 11));
    std::mt19937 rng(5);
    const auto x = random_ints<int8_t>(rng, size_t(s.batch * s.steps * s.features), -128, 127);
    const auto first = r.invoke(x);
    const auto second = r.invoke(x);
    CHECK(first != second);  // the second run starts from the first one's state
    REQUIRE(r.interp->reset_state().ok());
    CHECK(r.invoke(x) == first);
    Runner two_threads(lstm_graph(s, 11), 2);
    CHECK(two_threads.invoke(x) == first);
  }
}

TEST_CASE("CIFG and peephole LSTMs run and carry state", "[lstm]") {
  LstmSpec s;
  std::mt19937 rng(2);
  const Edit cifg_peephole = [&](ModelBuilder& b, std::vector<int>& in, SequenceLstmOptions& o) {
    in[1] = in[5] = in[12] = kAbsentInput;  // no input gate: 1 - forget gate
    for (int i : {10, 11}) {  // int16 peephole weights of the forget and output gates
      in[i] = b.add_constant("peephole" + std::to_string(i), DType::kInt16, {s.units},
                             random_ints<int16_t>(rng, size_t(s.units), -32767, 32767),
                             per_tensor(1e-5f, 0));
    }
    o.cell_clip = 0.5f;
  };
  check_state_carried(lstm_graph(s, 4, cifg_peephole), s, rng);
}

TEST_CASE("layer-norm LSTMs with a projection run and carry state", "[lstm]") {
  LstmSpec s;
  std::mt19937 rng(6);
  const Edit layer_norm_projection = [&](ModelBuilder& b, std::vector<int>& in,
                                         SequenceLstmOptions& o) {
    add_layer_norm(b, in, s.units);
    o.input_gate_scale = 3e-4f;
    o.forget_gate_scale = 2e-4f;
    o.cell_gate_scale = 5e-4f;
    o.output_gate_scale = 4e-4f;
    // A square projection keeps the output width; its hidden zero point differs
    // from the output state's, as the converter may record it.
    in[16] = b.add_constant("projection", DType::kInt8, {s.units, s.units},
                            random_ints<int8_t>(rng, size_t(s.units * s.units), -127, 127),
                            per_tensor(0.02f, 0));
    o.hidden_zero_point = 4;
    o.proj_clip = 0.5f;
  };
  const auto first = check_state_carried(lstm_graph(s, 8, layer_norm_projection), s, rng);
  // proj_clip 0.5 at the output scale 1/128 is 64: every output within it.
  for (int8_t v : first) CHECK(std::abs(int{v}) <= 64);
}

TEST_CASE("two invokes equal one run over the doubled sequence", "[lstm]") {
  LstmSpec half, whole;
  whole.steps = 2 * half.steps;
  std::mt19937 rng(9);
  const auto x = random_ints<int8_t>(rng, size_t(half.steps * half.features), -128, 127);
  Runner streaming(lstm_graph(half, 3));
  streaming.invoke(x);
  const auto second = streaming.invoke(x);
  std::vector<int8_t> doubled = x;
  doubled.insert(doubled.end(), x.begin(), x.end());
  const auto all = Runner(lstm_graph(whole, 3)).invoke(doubled);
  CHECK(std::vector<int8_t>(all.begin() + all.size() / 2, all.end()) == second);
}

TEST_CASE("folding the input zero point into an LSTM gate bias wraps in int32 as TFLite", "[lstm]") {
  // bias - zero_point * sum(weights) = (2^31 - 1001) + 128 * 4 * 127 overflows
  // in the fold at prepare (fixed in 75070c5); the products then bring the
  // int32 sum back into range, so only the fold wraps.
  const int32_t bias = std::numeric_limits<int32_t>::max() - 1000, zero_point = -128;
  const int64_t features = LstmSpec{}.features;
  const int64_t folded = bias - zero_point * features * 127;
  REQUIRE(folded > std::numeric_limits<int32_t>::max());
  REQUIRE(folded - (int64_t{1} << 32) + features * 127 * 127 <= std::numeric_limits<int32_t>::max());
  check_gate_sum_wraps(bias, zero_point);
}

TEST_CASE("an LSTM gate's bias and products sum with int32 wraparound as TFLite", "[lstm]") {
  // Zero point 0 keeps the fold exact; bias + 4 * 127 * 127 overflows in the
  // gate's product sum at invoke (fixed in 06b1859).
  const int32_t bias = std::numeric_limits<int32_t>::max() - 1000;
  REQUIRE(int64_t{bias} + LstmSpec{}.features * 127 * 127 > std::numeric_limits<int32_t>::max());
  check_gate_sum_wraps(bias, 0);
}

TEST_CASE("LSTM refusals name what is wrong", "[lstm]") {
  LstmSpec s;
  const auto error_with = [&](const LstmSpec& spec, const Edit& edit) {
    return load_error(lstm_graph(spec, 1, edit));
  };
  CHECK_THAT(error_with(s, [](auto&, auto& in, auto&) { in[1] = kAbsentInput; in[5] = kAbsentInput; }),
             Catch::Contains("must be all present or all absent (CIFG)"));
  CHECK_THAT(error_with(s, [](auto&, auto& in, auto&) { in[10] = in[12]; }),
             Catch::Contains("peephole weights (inputs 9, 10, 11"));
  CHECK_THAT(error_with(s, [](auto&, auto& in, auto&) { in[9] = in[10] = in[11] = in[12]; }),
             Catch::Contains("has dtype int32") && Catch::Contains("int16"));
  CHECK_THAT(error_with(s, [](auto&, auto& in, auto&) { in[16] = in[1]; }),
             Catch::Contains("has shape") && Catch::Contains("expected"));
  CHECK_THAT(error_with(s, [](auto&, auto& in, auto&) { in[17] = in[12]; }),
             Catch::Contains("needs projection weights"));
  CHECK_THAT(error_with(s, [](auto&, auto& in, auto&) { in[21] = in[12]; }),
             Catch::Contains("layer-norm weights (inputs 20, 21, 22, 23"));
  CHECK_THAT(error_with(s, [&](ModelBuilder& b, auto& in, auto& o) {
               add_layer_norm(b, in, s.units);
               o.input_gate_scale = o.cell_gate_scale = o.output_gate_scale = 1e-4f;
             }),
             Catch::Contains("needs the forget gate's intermediate scale"));
  CHECK_THAT(error_with(s, [&](ModelBuilder& b, auto& in, auto&) {
               in[0] = b.add_tensor("x_float", DType::kFloat32, {s.batch, s.steps, s.features});
             }),
             Catch::Contains("\"bias0\") has dtype int32, expected float32"));  // hybrid: float biases
  CHECK_THAT(error_with(s, [&](ModelBuilder& b, auto& in, auto&) {
               in[18] = b.add_variable("h_wide", DType::kInt8, {s.batch, s.units + 1},
                                       per_tensor(s.hidden_scale, -1));
             }),
             Catch::Contains("(the output state) has shape") &&
                 Catch::Contains("elements (batch x units)"));
  CHECK_THAT(error_with(s, [](auto&, auto& in, auto&) { in[14] = kAbsentInput; }),
             Catch::Contains("required input 14 is absent"));
  CHECK_THAT(error_with(s, [](auto&, auto& in, auto&) { in.resize(19); }),
             Catch::Contains("expects 20 or 24 inputs"));
  CHECK_THAT(error_with(s, [](auto&, auto&, auto& o) { o.hidden_scale = 0; }),
             Catch::Contains("hidden-state quantization"));
  CHECK_THAT(error_with(s, [](auto&, auto&, auto& o) { o.cell_activation = 1; }),
             Catch::Contains("cell activation 1"));
  CHECK_THAT(error_with(s, [](auto&, auto& in, auto&) { std::swap(in[2], in[6]); }),
             Catch::Contains("expected [6,4]"));
  LstmSpec bad_scale = s;
  bad_scale.cell_scale = 0.001f;
  CHECK_THAT(error_with(bad_scale, {}), Catch::Contains("power of two"));
  LstmSpec too_coarse = s;
  too_coarse.cell_scale = 1.0f / 256;  // 2^-8: beyond TFLite's int16 tanh
  CHECK_THAT(error_with(too_coarse, {}), Catch::Contains("power of two"));
  LstmSpec offset_cell = s;
  offset_cell.cell_zero_point = 5;
  // Refused at load by the int16 tensor rule (graph validation) before LSTM's own check.
  CHECK_THAT(error_with(offset_cell, {}), Catch::Contains("int16 zero point 5 is neither 0"));
  LstmSpec plain_state = s;
  plain_state.variable_state = false;
  CHECK_THAT(error_with(plain_state, {}), Catch::Contains("is used before any operator produces it"));
}

TEST_CASE("the zoo's int8 LSTM loads from .tflite with its state as variable tensors", "[lstm]") {
  const std::string dir = shared_models_dir();
  if (dir.empty()) FAIL("the shared models folder is missing; set LOWBIT_MODELS_DIR");
  Result<std::shared_ptr<const Model>> model =
      Model::from_tflite(dir + "/zoo/tflite_micro/trained_lstm_int8.tflite");
  INFO(model.status().to_string());
  REQUIRE(model.ok());
  int variables = 0;
  for (const TensorDesc& t : model.value()->graph().tensors) variables += t.is_variable ? 1 : 0;
  CHECK(variables == 2);  // the int8 output state and the int16 cell state
  Interpreter interp(model.value());
  REQUIRE(interp.prepare().ok());
  // The LSTM's own output (before the classifier) shows the carried state.
  const int lstm_out = model.value()->graph().operators[0].outputs[0];
  std::mt19937 rng(1);
  const auto x = random_ints<int8_t>(rng, interp.input(0).bytes, -128, 127);
  auto run = [&]() {
    std::memcpy(interp.input(0).data, x.data(), x.size());
    REQUIRE(interp.invoke().ok());
    const TensorView out = interp.tensor(lstm_out);
    const int8_t* p = static_cast<const int8_t*>(out.data);
    return std::vector<int8_t>(p, p + out.bytes);
  };
  const auto first = run();
  CHECK(run() != first);
  REQUIRE(interp.reset_state().ok());
  CHECK(run() == first);
}
