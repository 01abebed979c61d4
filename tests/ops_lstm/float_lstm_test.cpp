// The hybrid UNIDIRECTIONAL_SEQUENCE_LSTM (float activations, int8 weights)
// and BIDIRECTIONAL_SEQUENCE_LSTM (float32 and hybrid): the hybrid cell
// against the float cell on the same (dequantized) weights, each direction of
// the bidirectional operator against a unidirectional cell (the backward one
// on the time-reversed sequence), bit for bit, state carried and reset, and
// the refusals by name. Bit-exactness against LiteRT is lstm_cases.py's job.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <random>
#include <set>
#include <string>

#include "float_lstm_graphs.h"
#include "lowbit/interpreter.h"
#include "lowbit/model.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

struct Sequence {
  int steps = 4, batch = 2, features = 3;
  bool time_major = false;
  Shape input_shape() const {
    return time_major ? Shape{steps, batch, features} : Shape{batch, steps, features};
  }
  Shape output_shape(int width) const {
    return time_major ? Shape{steps, batch, width} : Shape{batch, steps, width};
  }
};

using Edit = std::function<void(ModelBuilder&, std::vector<int>&, SequenceLstmOptions&)>;

std::unique_ptr<ModelBuilder> unidirectional(const Sequence& q, const FloatCellSpec& cell,
                                             uint32_t seed, bool asymmetric = false,
                                             const Edit& edit = {}) {
  auto builder = std::make_unique<ModelBuilder>();
  ModelBuilder& b = *builder;
  std::vector<int> in(cell.layer_norm ? 24 : 20, kAbsentInput);
  in[0] = b.add_tensor("x", DType::kFloat32, q.input_shape());
  add_float_cell(b, in, kUnidirectionalLstmCell, cell, q.batch, "", seed);
  SequenceLstmOptions o;
  o.time_major = q.time_major;
  o.asymmetric_quantize_inputs = asymmetric;
  o.cell_clip = 3.0f;
  if (edit) edit(b, in, o);
  const int y = b.add_tensor("y", DType::kFloat32, q.output_shape(cell.outputs()));
  b.add_operator(OpType::kUnidirectionalSequenceLstm, in, {y}, o, "lstm");
  b.set_inputs({in[0]});
  b.set_outputs({y});
  return builder;
}

// The forward cell from seed, the backward one from seed + 1.
std::unique_ptr<ModelBuilder> bidirectional(const Sequence& q, const FloatCellSpec& fw,
                                            const FloatCellSpec& bw, uint32_t seed, bool merge,
                                            const Edit& edit = {}) {
  auto builder = std::make_unique<ModelBuilder>();
  ModelBuilder& b = *builder;
  std::vector<int> in(48, kAbsentInput);
  in[0] = b.add_tensor("x", DType::kFloat32, q.input_shape());
  add_float_cell(b, in, kForwardLstmCell, fw, q.batch, "fw/", seed);
  add_float_cell(b, in, kBackwardLstmCell, bw, q.batch, "bw/", seed + 1);
  SequenceLstmOptions o;
  o.time_major = q.time_major;
  o.merge_outputs = merge;
  o.cell_clip = 3.0f;
  if (edit) edit(b, in, o);
  std::vector<int> outs;
  if (merge) {
    outs.push_back(b.add_tensor("y", DType::kFloat32, q.output_shape(fw.outputs() + bw.outputs())));
  } else {
    outs.push_back(b.add_tensor("y_fw", DType::kFloat32, q.output_shape(fw.outputs())));
    outs.push_back(b.add_tensor("y_bw", DType::kFloat32, q.output_shape(bw.outputs())));
  }
  b.add_operator(OpType::kBidirectionalSequenceLstm, in, outs, o, "bilstm");
  b.set_inputs({in[0]});
  b.set_outputs(outs);
  return builder;
}

struct Runner {
  std::vector<uint8_t> model_bytes;  // outlives the model reading it
  std::shared_ptr<const Model> model;
  std::unique_ptr<Interpreter> interp;

  explicit Runner(const std::unique_ptr<ModelBuilder>& b, int threads = 1) {
    Result<std::vector<uint8_t>> bytes = b->finish();
    REQUIRE(bytes.ok());
    model_bytes = std::move(bytes.value());
    Result<std::shared_ptr<const Model>> m = Model::from_buffer(model_bytes.data(), model_bytes.size());
    INFO(m.status().to_string());
    REQUIRE(m.ok());
    model = m.value();
    InterpreterOptions options;
    options.num_threads = threads;
    interp.reset(new Interpreter(model, options));
    REQUIRE(interp->prepare().ok());
  }
  // Every output of one invoke.
  std::vector<std::vector<float>> invoke(const std::vector<float>& x) {
    TensorView in = interp->input(0);
    REQUIRE(in.bytes == x.size() * sizeof(float));
    std::memcpy(in.data, x.data(), in.bytes);
    REQUIRE(interp->invoke().ok());
    std::vector<std::vector<float>> outs;
    for (size_t o = 0; o < interp->num_outputs(); ++o) {
      const TensorView out = interp->output(o);
      const float* p = static_cast<const float*>(out.data);
      outs.emplace_back(p, p + out.bytes / sizeof(float));
    }
    return outs;
  }
};

// The sequence with its time steps reversed (rows of `width` values).
std::vector<float> reverse_time(const std::vector<float>& v, const Sequence& q, int width) {
  std::vector<float> r(v.size());
  for (int t = 0; t < q.steps; ++t) {
    for (int b = 0; b < q.batch; ++b) {
      const int from = q.time_major ? t * q.batch + b : b * q.steps + t;
      const int to = q.time_major ? (q.steps - 1 - t) * q.batch + b : b * q.steps + q.steps - 1 - t;
      std::copy_n(v.begin() + from * width, width, r.begin() + to * width);
    }
  }
  return r;
}

// Rows of a (width_a + width_b)-wide merged output split into the two cells' parts.
std::vector<float> columns(const std::vector<float>& merged, int width, int from, int count) {
  std::vector<float> part;
  for (size_t row = 0; row < merged.size() / size_t(width); ++row) {
    part.insert(part.end(), merged.begin() + long(row * width + from),
                merged.begin() + long(row * width + from + count));
  }
  return part;
}

float max_abs_difference(const std::vector<float>& a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  float m = 0;
  for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

std::string load_error(const std::unique_ptr<ModelBuilder>& b) {
  Result<std::vector<uint8_t>> bytes = b->finish();
  REQUIRE(bytes.ok());
  Result<std::shared_ptr<const Model>> m = Model::from_buffer(bytes->data(), bytes->size());
  REQUIRE_FALSE(m.ok());
  return m.status().message();
}

std::vector<FloatCellSpec> cell_variants(bool hybrid) {
  FloatCellSpec plain, full;
  plain.hybrid = full.hybrid = hybrid;
  full.cifg = full.peephole = true;
  full.projection = 4;
  return {plain, full};
}

}  // namespace

TEST_CASE("the hybrid LSTM stays within input quantization of the float LSTM", "[lstm][hybrid]") {
  std::mt19937 rng(31);
  for (bool layer_norm : {false, true}) {
    for (FloatCellSpec cell : cell_variants(true)) {
      cell.layer_norm = layer_norm;
      FloatCellSpec dequantized = cell;
      dequantized.hybrid = false;
      dequantized.dequantized = true;
      Sequence q;
      q.time_major = layer_norm;
      const auto x = random_floats(rng, size_t(q.batch * q.steps * q.features), -2.0f, 2.0f);
      Runner symmetric(unidirectional(q, cell, 7));
      Runner asymmetric(unidirectional(q, cell, 7, true));
      Runner reference(unidirectional(q, dequantized, 7));
      CHECK(std::string(symmetric.interp->kernel_name(0)) == "hybrid_lstm__reference");
      const auto want = reference.invoke(x)[0];
      const auto sym = symmetric.invoke(x)[0];
      const auto asym = asymmetric.invoke(x)[0];
      INFO("layer norm " << layer_norm << " cifg/peephole/projection " << cell.cifg);
      // int8 inputs carry about 1/254 of each row's range: close, never equal.
      CHECK(max_abs_difference(sym, want) < 0.03f);
      CHECK(max_abs_difference(asym, want) < 0.03f);
      CHECK(sym != want);
      CHECK(asym != sym);  // asymmetric_quantize_inputs is honoured
    }
  }
}

TEST_CASE("the hybrid LSTM carries its state and reset_state clears it", "[lstm][hybrid]") {
  Sequence q;
  FloatCellSpec cell;
  cell.hybrid = true;
  std::mt19937 rng(4);
  const auto x = random_floats(rng, size_t(q.batch * q.steps * q.features), -1.0f, 1.0f);
  Runner r(unidirectional(q, cell, 3, true));
  const auto first = r.invoke(x);
  CHECK(r.invoke(x) != first);
  REQUIRE(r.interp->reset_state().ok());
  CHECK(r.invoke(x) == first);
  Runner two_threads(unidirectional(q, cell, 3, true), 2);
  CHECK(two_threads.invoke(x) == first);
}

TEST_CASE("each direction of BIDIRECTIONAL_SEQUENCE_LSTM is a unidirectional cell",
          "[lstm][bidirectional]") {
  std::mt19937 rng(12);
  for (bool hybrid : {false, true}) {
    const auto variants = cell_variants(hybrid);
    for (bool time_major : {false, true}) {
      for (bool merge : {false, true}) {
        Sequence q;
        q.time_major = time_major;
        const FloatCellSpec& fw = variants[merge ? 1 : 0];
        const FloatCellSpec& bw = variants[merge ? 0 : 1];
        INFO("hybrid " << hybrid << " time-major " << time_major << " merged " << merge);
        Runner bi(bidirectional(q, fw, bw, 20, merge));
        Runner forward(unidirectional(q, fw, 20));
        Runner backward(unidirectional(q, bw, 21));
        const auto x = random_floats(rng, size_t(q.batch * q.steps * q.features), -1.5f, 1.5f);
        std::vector<std::vector<float>> first;
        // Two invokes: both cells carry their state (the backward one from the
        // end of the sequence), then a reset brings the first back.
        for (int invoke = 0; invoke < 2; ++invoke) {
          const auto got = bi.invoke(x);
          if (invoke == 0) first = got;
          const auto want_fw = forward.invoke(x)[0];
          const auto want_bw =
              reverse_time(backward.invoke(reverse_time(x, q, q.features))[0], q, bw.outputs());
          const int width = fw.outputs() + bw.outputs();
          CHECK((merge ? columns(got[0], width, 0, fw.outputs()) : got[0]) == want_fw);
          CHECK((merge ? columns(got[0], width, fw.outputs(), bw.outputs()) : got[1]) == want_bw);
        }
        REQUIRE(bi.interp->reset_state().ok());
        CHECK(bi.invoke(x) == first);
        CHECK(std::string(bi.interp->kernel_name(0)) ==
              (hybrid ? "hybrid_bidirectional_lstm__reference" : "f32_bidirectional_lstm__reference"));
      }
    }
  }
}

TEST_CASE("hybrid and bidirectional LSTM refusals name what is wrong", "[lstm][bidirectional]") {
  Sequence q;
  FloatCellSpec cell;
  cell.hybrid = true;
  std::set<std::string> messages;  // every refusal in its own words
  int refusals = 0;
  const auto remember = [&](std::string error) {
    messages.insert(error);
    ++refusals;
    return error;
  };
  const auto uni_error = [&](const Edit& edit) {
    return remember(load_error(unidirectional(q, cell, 1, false, edit)));
  };
  CHECK_THAT(uni_error([&](ModelBuilder& b, auto& in, auto&) {
               in[2] = b.add_constant("w_u8", DType::kUInt8, {cell.units, cell.features},
                                      std::vector<uint8_t>(size_t(cell.units * cell.features), 1),
                                      per_tensor(0.01f, 128));
             }),
             Catch::Contains("hybrid LSTM with uint8 weights is not supported"));
  CHECK_THAT(uni_error([&](ModelBuilder& b, auto& in, auto&) {
               in[3] = b.add_constant("w_zp", DType::kInt8, {cell.units, cell.features},
                                      std::vector<int8_t>(size_t(cell.units * cell.features), 1),
                                      per_tensor(0.01f, 3));
             }),
             Catch::Contains("must be symmetric (zero point 0), has 3"));
  CHECK_THAT(uni_error([&](ModelBuilder& b, auto& in, auto&) {
               for (int i : {9, 10, 11}) {
                 in[size_t(i)] = b.add_constant("peephole_f" + std::to_string(i), DType::kFloat32,
                                                {cell.units}, std::vector<float>(size_t(cell.units), 0.1f));
               }
             }),
             Catch::Contains("has dtype float32, expected int8"));
  CHECK_THAT(uni_error([&](ModelBuilder& b, auto& in, auto&) {
               in[18] = b.add_variable("h_i8", DType::kInt8, {q.batch, cell.units}, per_tensor(0.01f, 0));
             }),
             Catch::Contains("has dtype int8, expected float32"));

  const auto bi_error = [&](const Edit& edit, bool merge = false) {
    return remember(load_error(bidirectional(q, cell, cell, 1, merge, edit)));
  };
  CHECK_THAT(bi_error([&](ModelBuilder& b, auto& in, auto&) {
               in[41] = b.add_constant("fw/aux_w_forget", DType::kFloat32, {cell.units, 2},
                                       std::vector<float>(size_t(cell.units * 2), 0.1f));
             }),
             Catch::Contains("auxiliary input and its weights (inputs 39-47") &&
                 Catch::Contains("input 41 is present"));
  CHECK_THAT(bi_error([](auto&, auto& in, auto&) { in[20] = kAbsentInput; }),
             Catch::Contains("required input 20 is absent"));
  CHECK_THAT(bi_error([&](ModelBuilder& b, auto& in, auto&) {
               in[38] = b.add_variable("bw/c_wide", DType::kFloat32, {q.batch, cell.units + 1});
             }),
             Catch::Contains("(the cell state) has shape") && Catch::Contains("batch x units"));
  CHECK_THAT(bi_error([&](ModelBuilder& b, auto& in, auto&) {
               in[35] = b.add_constant("fw/h_constant", DType::kFloat32, {q.batch, cell.units},
                                       std::vector<float>(size_t(q.batch * cell.units), 0.0f));
             }),
             Catch::Contains("must be a variable (state) tensor"));
  CHECK_THAT(bi_error([](auto&, auto&, auto& o) { o.merge_outputs = true; }),
             Catch::Contains("expects 1 output (merge_outputs), has 2"));
  CHECK_THAT(bi_error([&](ModelBuilder& b, auto& in, auto&) {
               FloatCellSpec float_cell;
               add_float_cell(b, in, kBackwardLstmCell, float_cell, q.batch, "bw_float/", 2);
             }),
             Catch::Contains("forward and backward cells' weights must have one element type"));
  CHECK_THAT(bi_error([](auto&, auto& in, auto&) { in.resize(47); }),
             Catch::Contains("expects 48 inputs, has 47"));
  CHECK_THAT(bi_error([](auto&, auto&, auto& o) { o.cell_clip = -1; }),
             Catch::Contains("cell_clip and proj_clip must be finite"));
  CHECK(int(messages.size()) == refusals);
}
