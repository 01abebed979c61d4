// SVDF and UNIDIRECTIONAL_SEQUENCE_RNN: results worked out by hand, state
// carried across invokes and cleared by reset_state(), and the integer SVDF
// against a double-precision model of its arithmetic. Bit-exactness against
// LiteRT and TFLite Micro is tests/conformance/svdf_rnn_cases.py's job;
// refusals are in refusal_test.cpp.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "ops_recurrent/recurrent_test_models.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

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
  // The small layer, and one whose products pass the SIMD rows' whole steps
  // and tails (37 inputs, 10 filters, a memory of 19).
  for (int layer = 0; layer < 4; ++layer) {
    const DType state = layer % 2 == 0 ? DType::kInt16 : DType::kInt8;
    IntSvdf s;
    s.state_type = state;
    if (state == DType::kInt8) s.state_scale = 0.6f, s.state_zp = 9, s.wt_scale = 0.02f, s.out_scale = 0.3f;
    if (layer >= 2) s.batch = 3, s.inputs = 37, s.units = 5, s.rank = 2, s.memory = 19;
    for (int threads : {1, 2}) {
      INFO("state " << (state == DType::kInt16 ? "int16" : "int8") << ", layer " << layer
                    << ", threads " << threads);
      ModelBuilder b;
      const IntSvdfModel m = int_svdf(b, s, 7);
      Stream stream(b, threads);
      // The reference kernels (the auto set runs the products through SIMD rows).
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

