// SVDF and UNIDIRECTIONAL_SEQUENCE_RNN: results worked out by hand, state
// carried across invokes and cleared by reset_state(), the integer SVDF
// against a double-precision model of its arithmetic, and each refusal with
// its own message. Bit-exactness against LiteRT and TFLite Micro is
// tests/conformance/svdf_rnn_cases.py's job.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <random>

#include "lowbit/interpreter.h"
#include "lowbit/model.h"
#include "lowbit/model_builder.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

// One model, invoked frame after frame with its state carried.
class Stream {
 public:
  explicit Stream(const ModelBuilder& builder, int threads = 1, const char* kernel = "auto") {
    Result<std::vector<uint8_t>> bytes = builder.finish();
    REQUIRE(bytes.ok());
    bytes_ = std::move(bytes.value());  // Model::from_buffer reads them in place
    Result<std::shared_ptr<const Model>> model = Model::from_buffer(bytes_.data(), bytes_.size());
    INFO(model.status().to_string());
    REQUIRE(model.ok());
    model_ = model.value();
    InterpreterOptions options;
    options.num_threads = threads;
    options.kernel = kernel;
    interp_.reset(new Interpreter(model_, options));
    const Status prepared = interp_->prepare();
    INFO(prepared.to_string());
    REQUIRE(prepared.ok());
  }

  template <typename Out, typename In>
  std::vector<Out> step(const std::vector<In>& x) {
    TensorView in = interp_->input(0);
    REQUIRE(in.bytes == x.size() * sizeof(In));
    std::memcpy(in.data, x.data(), in.bytes);
    REQUIRE(interp_->invoke().ok());
    const TensorView out = interp_->output(0);
    std::vector<Out> y(out.bytes / sizeof(Out));
    std::memcpy(y.data(), out.data, out.bytes);
    return y;
  }

  void reset() { REQUIRE(interp_->reset_state().ok()); }

 private:
  std::vector<uint8_t> bytes_;
  std::shared_ptr<const Model> model_;
  std::unique_ptr<Interpreter> interp_;
};

std::string load_error(const ModelBuilder& b) {
  Result<std::vector<uint8_t>> bytes = b.finish();
  if (!bytes.ok()) return bytes.status().to_string();
  Result<std::shared_ptr<const Model>> model = Model::from_buffer(bytes->data(), bytes->size());
  if (!model.ok()) return model.status().to_string();
  Interpreter interp(model.value());
  const Status s = interp.prepare();
  return s.ok() ? "" : s.to_string();
}

// A float SVDF: 2 inputs, 1 unit of rank 1, memory 3 (oldest first in the
// time weights).
void float_svdf(ModelBuilder& b, int32_t activation = 0) {
  const int x = b.add_tensor("x", DType::kFloat32, {1, 2});
  const int wf = b.add_constant("wf", DType::kFloat32, {1, 2}, std::vector<float>{1.0f, 2.0f});
  const int wt = b.add_constant("wt", DType::kFloat32, {1, 3}, std::vector<float>{0.5f, 0.25f, 1.0f});
  const int bias = b.add_constant("bias", DType::kFloat32, {1}, std::vector<float>{0.125f});
  const int state = b.add_variable("state", DType::kFloat32, {1, 3});
  const int y = b.add_tensor("y", DType::kFloat32, {1, 1});
  RecurrentOptions o;
  o.fused_activation = activation;
  b.add_operator(OpType::kSvdf, {x, wf, wt, bias, state}, {y}, o, "svdf");
  b.set_inputs({x});
  b.set_outputs({y});
}

struct IntSvdf {
  int batch = 2, inputs = 12, units = 3, rank = 2, memory = 4;
  DType state_type = DType::kInt16;
  float in_scale = 0.05f, wf_scale = 0.01f, wt_scale = 0.004f, state_scale = 0.02f;
  float out_scale = 0.05f;
  int32_t in_zp = 5, state_zp = 0, out_zp = -3;
};

// The integer SVDF with random weights (stored for the double model).
struct IntSvdfModel {
  IntSvdf s;
  std::vector<int8_t> wf;
  std::vector<int16_t> wt;  // the state's type's values, widened
  std::vector<int32_t> bias;
};

// `edit` may change the operands, options and output before the operator is added.
using SvdfEdit = std::function<void(std::vector<int>& inputs, RecurrentOptions& options, int& output)>;

IntSvdfModel int_svdf(ModelBuilder& b, const IntSvdf& s, uint32_t seed, const SvdfEdit& edit = {}) {
  std::mt19937 rng(seed);
  IntSvdfModel m{s, {}, {}, {}};
  const int filters = s.units * s.rank;
  const int wt_limit = s.state_type == DType::kInt16 ? 2000 : 127;
  m.wf = random_ints<int8_t>(rng, size_t(filters * s.inputs), -127, 127);
  m.wt = random_ints<int16_t>(rng, size_t(filters * s.memory), -wt_limit, wt_limit);
  m.bias = random_ints<int32_t>(rng, size_t(s.units), -500, 500);
  std::vector<int> in(5);
  in[0] = b.add_tensor("x", DType::kInt8, {s.batch, s.inputs}, per_tensor(s.in_scale, s.in_zp));
  in[1] = b.add_constant("wf", DType::kInt8, {filters, s.inputs}, m.wf, per_tensor(s.wf_scale, 0));
  if (s.state_type == DType::kInt16) {
    in[2] = b.add_constant("wt", DType::kInt16, {filters, s.memory}, m.wt, per_tensor(s.wt_scale, 0));
  } else {
    in[2] = b.add_constant("wt", DType::kInt8, {filters, s.memory},
                           std::vector<int8_t>(m.wt.begin(), m.wt.end()), per_tensor(s.wt_scale, 0));
  }
  in[3] = b.add_constant("bias", DType::kInt32, {s.units}, m.bias,
                         per_tensor(s.state_scale * s.wt_scale, 0));
  in[4] = b.add_variable("state", s.state_type, {s.batch, s.memory * filters},
                         per_tensor(s.state_scale, s.state_zp));
  int y = b.add_tensor("y", DType::kInt8, {s.batch, s.units}, per_tensor(s.out_scale, s.out_zp));
  RecurrentOptions o;
  o.rank = s.rank;
  o.fused_activation = 1;
  if (edit) edit(in, o, y);
  b.add_operator(OpType::kSvdf, in, {y}, o, "svdf");
  b.set_inputs({in[0]});
  b.set_outputs({y});
  return m;
}

// The integer SVDF in double precision: each rescale exact, then rounded
// and clamped; lowbit's fixed-point rescales may differ from it by one step
// per rounding.
std::vector<double> int_svdf_model(const IntSvdfModel& m, const std::vector<std::vector<int8_t>>& frames) {
  const IntSvdf& s = m.s;
  const int filters = s.units * s.rank;
  const double lo = s.state_type == DType::kInt16 ? -32768 : -128;
  const double hi = s.state_type == DType::kInt16 ? 32767 : 127;
  // window[b][f]: the last `memory` state values, oldest first.
  std::vector<double> window(size_t(s.batch * filters * s.memory), s.state_zp);
  std::vector<double> out;
  for (const auto& x : frames) {
    out.clear();
    for (int b = 0; b < s.batch; ++b) {
      for (int f = 0; f < filters; ++f) {
        double acc = 0;
        for (int c = 0; c < s.inputs; ++c) acc += m.wf[f * s.inputs + c] * double(x[b * s.inputs + c] - s.in_zp);
        double* w = &window[size_t((b * filters + f) * s.memory)];
        for (int k = 0; k + 1 < s.memory; ++k) w[k] = w[k + 1];
        w[s.memory - 1] = std::fmin(std::fmax(std::round(acc * s.in_scale * s.wf_scale / s.state_scale) + s.state_zp, lo), hi);
      }
      for (int u = 0; u < s.units; ++u) {
        double acc = m.bias[u];
        for (int r = 0; r < s.rank; ++r) {
          const int f = u * s.rank + r;
          for (int k = 0; k < s.memory; ++k) {
            acc += m.wt[f * s.memory + k] * (window[size_t((b * filters + f) * s.memory + k)] - s.state_zp);
          }
        }
        out.push_back(std::fmin(std::fmax(acc * s.state_scale * s.wt_scale / s.out_scale + s.out_zp, -128.0), 127.0));
      }
    }
  }
  return out;
}

// A hybrid SVDF: float input and state, int8 feature weights {1, 2} (scale
// 0.1), time weights (`time_type`) 1, 1, 1 at scale 0.5, memory 3.
void hybrid_svdf(ModelBuilder& b, DType time_type) {
  const int x = b.add_tensor("x", DType::kFloat32, {1, 2});
  const int wf = b.add_constant("wf", DType::kInt8, {1, 2}, std::vector<int8_t>{1, 2}, per_tensor(0.1f, 0));
  const int wt = time_type == DType::kInt8
                     ? b.add_constant("wt", DType::kInt8, {1, 3}, std::vector<int8_t>{1, 1, 1}, per_tensor(0.5f, 0))
                     : b.add_constant("wt", DType::kFloat32, {1, 3}, std::vector<float>{1, 1, 1});
  const int st = b.add_variable("state", DType::kFloat32, {1, 3});
  const int y = b.add_tensor("y", DType::kFloat32, {1, 1});
  b.add_operator(OpType::kSvdf, {x, wf, wt, kAbsentInput, st}, {y}, RecurrentOptions{}, "svdf");
  b.set_inputs({x});
  b.set_outputs({y});
}

}  // namespace

TEST_CASE("SVDF hybrid: the input quantized per row, the int8 product scaled back, state carried") {
  ModelBuilder b;
  hybrid_svdf(b, DType::kInt8);
  Stream stream(b);
  // x = (1, 0.5): q = (127, 64) at scale 1/127; the product 127 + 128 = 255.
  const float feature = 255.0f * ((1.0f / 127.0f) * 0.1f);
  CHECK(stream.step<float>(std::vector<float>{1.0f, 0.5f})[0] == 0.5f * feature);
  // An all-zero frame enters as zero; the window still holds the first.
  CHECK(stream.step<float>(std::vector<float>{0.0f, 0.0f})[0] == 0.5f * feature);
  stream.reset();
  CHECK(stream.step<float>(std::vector<float>{0.0f, 0.0f})[0] == 0.0f);
}

TEST_CASE("SVDF float: the window of feature activations weighted by time, streamed and reset") {
  ModelBuilder b;
  float_svdf(b);
  Stream stream(b);
  // f = x0 + 2 x1; y = bias + 0.5 f(t-2) + 0.25 f(t-1) + f(t).
  const std::vector<std::vector<float>> frames = {{1, 0}, {0, 1}, {2, 1}, {-1, 0}};
  const float f[] = {1, 2, 4, -1};
  const float expected[] = {0.125f + 1, 0.125f + 0.25f * 1 + 2, 0.125f + 0.5f * 1 + 0.25f * 2 + 4,
                            0.125f + 0.5f * 2 + 0.25f * 4 - 1};
  for (int t = 0; t < 4; ++t) CHECK(stream.step<float>(frames[t])[0] == expected[t]);
  stream.reset();
  CHECK(stream.step<float>(frames[2])[0] == 0.125f + f[2]);

  ModelBuilder relu;
  float_svdf(relu, /*RELU*/ 1);
  Stream clipped(relu);
  CHECK(clipped.step<float>(std::vector<float>{-3, 0})[0] == 0.0f);
}

TEST_CASE("SVDF int8: within one rounding step of exact arithmetic, streamed, reset, any thread count and kernel set") {
  for (DType state : {DType::kInt16, DType::kInt8}) {
    IntSvdf s;
    s.state_type = state;
    if (state == DType::kInt8) s.state_scale = 0.6f, s.state_zp = 9, s.wt_scale = 0.02f, s.out_scale = 0.3f;
    for (int threads : {1, 2}) {
      INFO("state " << (state == DType::kInt16 ? "int16" : "int8") << ", threads " << threads);
      ModelBuilder b;
      const IntSvdfModel m = int_svdf(b, s, 7);
      Stream stream(b, threads);
      // The reference kernels (the auto set may run the feature product as a SIMD GEMM).
      Stream reference(b, threads, "reference");
      std::mt19937 rng(11);
      std::vector<std::vector<int8_t>> frames;
      std::vector<std::vector<int8_t>> outputs;
      for (int t = 0; t < 7; ++t) {
        frames.push_back(random_ints<int8_t>(rng, size_t(s.batch * s.inputs), -128, 127));
        outputs.push_back(stream.step<int8_t>(frames.back()));
        CHECK(reference.step<int8_t>(frames.back()) == outputs.back());
        const std::vector<double> exact = int_svdf_model(m, frames);
        for (size_t i = 0; i < exact.size(); ++i) CHECK(std::abs(outputs.back()[i] - exact[i]) <= 1.5);
      }
      // The state has carried: the last frame alone gives another answer.
      stream.reset();
      CHECK(stream.step<int8_t>(frames.back()) != outputs.back());
      stream.reset();
      for (int t = 0; t < 7; ++t) CHECK(stream.step<int8_t>(frames[size_t(t)]) == outputs[size_t(t)]);
    }
  }
}

TEST_CASE("UNIDIRECTIONAL_SEQUENCE_RNN float: tanh cell by hand, both layouts, state carried") {
  auto rnn = [](ModelBuilder& b, bool time_major, int steps, int batch) {
    const Shape in_shape = time_major ? Shape{steps, batch, 2} : Shape{batch, steps, 2};
    const int x = b.add_tensor("x", DType::kFloat32, in_shape);
    const int w = b.add_constant("w", DType::kFloat32, {1, 2}, std::vector<float>{0.5f, -1.0f});
    const int r = b.add_constant("r", DType::kFloat32, {1, 1}, std::vector<float>{0.75f});
    const int bias = b.add_constant("b", DType::kFloat32, {1}, std::vector<float>{0.25f});
    const int h = b.add_variable("h", DType::kFloat32, {batch, 1});
    const int y = b.add_tensor("y", DType::kFloat32, {in_shape[0], in_shape[1], 1});
    RecurrentOptions o;
    o.time_major = time_major;
    o.fused_activation = 4;  // TANH
    b.add_operator(OpType::kUnidirectionalSequenceRnn, {x, w, r, bias, h}, {y}, o, "rnn");
    b.set_inputs({x});
    b.set_outputs({y});
  };
  // Two sequences of three steps, batch-major rows [b][t].
  const std::vector<float> x = {1, 0, 0, 1, 2, 2, -1, 1, 0, 0, 3, -2};
  std::vector<float> expected;
  for (int b = 0; b < 2; ++b) {
    float h = 0;
    for (int t = 0; t < 3; ++t) {
      const float* xt = &x[size_t((b * 3 + t) * 2)];
      h = std::tanh(0.25f + (0.5f * xt[0] + -1.0f * xt[1]) + 0.75f * h);
      expected.push_back(h);
    }
  }
  ModelBuilder batch_major;
  rnn(batch_major, false, 3, 2);
  Stream by_batch(batch_major);
  const std::vector<float> got = by_batch.step<float>(x);
  for (size_t i = 0; i < expected.size(); ++i) CHECK(got[i] == Approx(expected[i]).epsilon(1e-6));

  // Time-major: the same sequences interleaved [t][b].
  std::vector<float> x_tm;
  for (int t = 0; t < 3; ++t) {
    for (int b = 0; b < 2; ++b) x_tm.insert(x_tm.end(), &x[size_t((b * 3 + t) * 2)], &x[size_t((b * 3 + t) * 2 + 2)]);
  }
  ModelBuilder time_major;
  rnn(time_major, true, 3, 2);
  Stream by_time(time_major, 2);
  const std::vector<float> got_tm = by_time.step<float>(x_tm);
  for (int t = 0; t < 3; ++t) {
    for (int b = 0; b < 2; ++b) CHECK(got_tm[size_t(t * 2 + b)] == got[size_t(b * 3 + t)]);
  }

  // One step at a time carries the hidden state: the same three outputs.
  ModelBuilder one_step;
  rnn(one_step, false, 1, 1);
  Stream stepper(one_step);
  for (int t = 0; t < 3; ++t) {
    CHECK(stepper.step<float>(std::vector<float>(&x[size_t(t * 2)], &x[size_t(t * 2 + 2)]))[0] == got[size_t(t)]);
  }
  stepper.reset();
  CHECK(stepper.step<float>(std::vector<float>{1, 0})[0] == got[0]);
}

// Every malformed SVDF or RNN is refused with a message of its own naming the
// operand or option at fault.
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
         in[4] = b.add_variable("zp_state", DType::kInt16, {s.batch, state_width}, per_tensor(0.02f, 4));
       }, "\"zp_state\") must be symmetric (zero point 0), has 4"},
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
