// 16x8 (int16 activation) forms of ADD, SUB, MUL, LEAKY_RELU, LOGISTIC, TANH,
// SOFTMAX, MEAN, QUANTIZE, DEQUANTIZE and the byte movers: the arithmetic
// against the independent simulation (elementwise_test_util.h) or against
// hand-worked values, and each validation error with its own message. The
// LiteRT and TFLite Micro oracles are scripts/conformance.sh --int16-cases and
// --seanet-cases.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <string>

#include "elementwise_test_util.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

Operand int16_operand(Shape shape, float scale, int32_t zero_point = 0) {
  return Operand{DType::kInt16, shape, per_tensor(scale, zero_point), {}};
}

std::vector<int16_t> run_int16(OpType type, const std::vector<Operand>& inputs,
                               const Operand& out, OpOptions options,
                               const std::vector<Bytes>& data, int threads = 1) {
  RunResult r = run_single_op(type, inputs, out, std::move(options), data,
                              RequantProfile::kTfliteReference, threads);
  INFO(r.status.to_string());
  REQUIRE(r.status.ok());
  return from_bytes<int16_t>(r.outputs[0]);
}

std::string failure(OpType type, const std::vector<Operand>& inputs, const Operand& out,
                    OpOptions options, const std::vector<Bytes>& data) {
  RunResult r = run_single_op(type, inputs, out, std::move(options), data);
  REQUIRE_FALSE(r.status.ok());
  return r.status.to_string();
}

std::vector<int16_t> random_int16(std::mt19937& rng, size_t n) {
  std::uniform_int_distribution<int> value(-32768, 32767);
  std::vector<int16_t> v(n);
  for (auto& x : v) x = static_cast<int16_t>(value(rng));
  return v;
}

}  // namespace

TEST_CASE("int16 ADD and SUB follow TFLite's general path (left shift 15)", "[int16]") {
  std::mt19937 rng(16);
  std::uniform_real_distribution<float> scale(1e-5f, 1e-3f);
  for (int trial = 0; trial < 40; ++trial) {
    const bool subtract = trial % 2 == 1;
    const float sa = scale(rng), sb = scale(rng);
    const float so = std::max(sa, sb) * std::uniform_real_distribution<float>(0.5f, 3.0f)(rng);
    const int32_t cols = 1 + int32_t(rng() % 37);
    const Shape a_shape{3, cols}, b_shape = trial % 3 == 0 ? Shape{cols} : Shape{3, cols};
    const auto xa = random_int16(rng, size_t(3 * cols));
    const auto xb = random_int16(rng, size_t(b_shape.num_elements()));
    const auto got = run_int16(subtract ? OpType::kSub : OpType::kAdd,
                               {int16_operand(a_shape, sa), int16_operand(b_shape, sb)},
                               int16_operand(a_shape, so), ElementwiseOptions{},
                               {to_bytes(xa), to_bytes(xb)}, 1 + trial % 2);
    const double twice_max = 2.0 * std::max<double>(sa, sb);
    for (size_t i = 0; i < got.size(); ++i) {
      const size_t j = b_shape.rank == 1 ? i % size_t(cols) : i;
      const int64_t a = int64_t{xa[i]} * 32768, b = int64_t{xb[j]} * 32768;
      const int64_t ra = sim_requantize(RequantProfile::kTfliteReference, a, sa / twice_max, 0);
      // SUB: b's quantized multiplier negated (TFLite's sub.cc), so b is rescaled as -b.
      const int64_t rb = sim_requantize(RequantProfile::kTfliteReference, subtract ? -b : b,
                                        sb / twice_max, 0);
      const int64_t sum = ra + rb;
      const int64_t v = sim_requantize(RequantProfile::kTfliteReference, sum,
                                       twice_max / (32768.0 * so), 0);
      INFO("trial " << trial << " element " << i);
      REQUIRE(got[i] == clamp_i32(v, -32768, 32767));
    }
  }
}

TEST_CASE("int16 MUL rescales the product by s_a s_b / s_out, formed in float", "[int16]") {
  std::mt19937 rng(17);
  const float sa = 3e-4f, sb = 5e-4f, so = 2e-3f;
  const auto xa = random_int16(rng, 50), xb = random_int16(rng, 50);
  const auto got = run_int16(OpType::kMul, {int16_operand({50}, sa), int16_operand({50}, sb)},
                             int16_operand({50}, so), ElementwiseOptions{Activation::kRelu},
                             {to_bytes(xa), to_bytes(xb)});
  for (size_t i = 0; i < got.size(); ++i) {
    const int64_t v = sim_requantize(RequantProfile::kTfliteReference, int64_t{xa[i]} * xb[i],
                                     static_cast<double>(sa * sb / so), 0);
    REQUIRE(got[i] == clamp_i32(v, 0, 32767));  // RELU: real 0 is 0
  }
}

TEST_CASE("int16 LEAKY_RELU: identity above zero, alpha below", "[int16]") {
  // Equal scales: positives unchanged; alpha 0.25 quarters negatives, ties away from zero.
  const std::vector<int16_t> x = {0, 1000, 32767, -4, -6, -32768};
  const auto got = run_int16(OpType::kLeakyRelu, {int16_operand({6}, 1e-3f)},
                             int16_operand({6}, 1e-3f), LeakyReluOptions{0.25f}, {to_bytes(x)});
  CHECK(got == std::vector<int16_t>{0, 1000, 32767, -1, -2, -8192});
}

TEST_CASE("int16 LOGISTIC and TANH: TFLite's table at the anchors and close to the function",
          "[int16]") {
  std::vector<int16_t> every(65536);
  for (int i = 0; i < 65536; ++i) every[size_t(i)] = static_cast<int16_t>(i - 32768);
  for (const bool tanh : {false, true}) {
    // Input scale 2^-12 (3 integer bits, the power-of-two path) and a general one.
    for (const float in_scale : {1.0f / 4096, 3.3e-4f}) {
      const auto got = run_int16(tanh ? OpType::kTanh : OpType::kLogistic,
                                 {int16_operand({65536}, in_scale)},
                                 int16_operand({65536}, 1.0f / 32768), {}, {to_bytes(every)});
      CHECK(got[32768] == (tanh ? 0 : 16384));  // f(0)
      if (in_scale > 1.0f / 4096) CHECK(got[65535] == 32767);  // x = 10.8: saturated
      if (tanh) CHECK(got[0] == -32767);  // saturated
      for (int i = 0; i < 65536; i += 97) {
        const double x = double(in_scale) * (i - 32768);
        const double expected = tanh ? std::tanh(x) : 1.0 / (1.0 + std::exp(-x));
        INFO((tanh ? "tanh" : "logistic") << " x = " << x);
        REQUIRE(std::fabs(got[size_t(i)] / 32768.0 - expected) < 1.5e-3);
      }
    }
  }
  CHECK_THAT(failure(OpType::kLogistic, {int16_operand({4}, 1.0f / 4096)},
                     int16_operand({4}, 1.0f / 256), {}, {to_bytes(std::vector<int16_t>(4))}),
             Catch::Contains("must have scale 2^-15"));
  CHECK_THAT(failure(OpType::kTanh, {int16_operand({4}, 8.0f)}, int16_operand({4}, 1.0f / 32768),
                     {}, {to_bytes(std::vector<int16_t>(4))}),
             Catch::Contains("scale is too large for int16"));
}

TEST_CASE("int16 SOFTMAX: rows sum to one in Q0.15, int8 -> int16 in 1/65536", "[int16]") {
  std::mt19937 rng(18);
  const auto x = random_int16(rng, 3 * 10);
  const auto got = run_int16(OpType::kSoftmax, {int16_operand({3, 10}, 2e-4f)},
                             int16_operand({3, 10}, 1.0f / 32768), SoftmaxOptions{1.0f},
                             {to_bytes(x)}, 2);
  for (int r = 0; r < 3; ++r) {
    double denominator = 0;
    for (int c = 0; c < 10; ++c) denominator += std::exp(2e-4 * x[size_t(r * 10 + c)]);
    for (int c = 0; c < 10; ++c) {
      const double p = std::exp(2e-4 * x[size_t(r * 10 + c)]) / denominator;
      REQUIRE(std::fabs(got[size_t(r * 10 + c)] / 32768.0 - p) < 2e-3);
    }
  }
  // int8 -> int16: equal inputs share the probability, 1/4 = 16384/65536 -> -32768 + 16384.
  const std::vector<int8_t> equal(4, 7);
  RunResult r = run_single_op(OpType::kSoftmax, {int8_operand({1, 4}, 0.1f, 0)},
                              int16_operand({1, 4}, 1.0f / 65536, -32768), SoftmaxOptions{1.0f},
                              {to_bytes(equal)});
  INFO(r.status.to_string());
  REQUIRE(r.status.ok());
  CHECK(from_bytes<int16_t>(r.outputs[0]) == std::vector<int16_t>(4, -16384));
  CHECK_THAT(failure(OpType::kSoftmax, {int8_operand({1, 4}, 0.1f, 0)},
                     int16_operand({1, 4}, 1.0f / 32768), SoftmaxOptions{1.0f}, {to_bytes(equal)}),
             Catch::Contains("must have scale 1/65536 and zero point -32768"));
}

TEST_CASE("int16 MEAN, QUANTIZE and DEQUANTIZE", "[int16]") {
  const std::vector<int16_t> x = {100, 300, -32768, 32767};
  MeanOptions mean;
  mean.axes = {1};
  CHECK(run_int16(OpType::kMean, {int16_operand({2, 2}, 1e-3f)}, int16_operand({2}, 1e-3f), mean,
                  {to_bytes(x)}) == std::vector<int16_t>{200, 0});
  // float32 -> int16: round half away from zero, saturating.
  const std::vector<float> f = {0.25f, -0.25f, 1e9f, -1e9f};
  CHECK(run_int16(OpType::kQuantize, {float_operand({4})}, int16_operand({4}, 0.5f), {},
                  {to_bytes(f)}) == std::vector<int16_t>{1, -1, 32767, -32768});
  // int16 -> int16 halves, ties as TFLite's double rounding; int32 -> int16 saturates.
  const std::vector<int16_t> halved = {3, -3, 32767, -32768};
  const auto got = run_int16(OpType::kQuantize, {int16_operand({4}, 1e-3f)},
                             int16_operand({4}, 2e-3f), {}, {to_bytes(halved)});
  for (size_t i = 0; i < halved.size(); ++i) {
    CHECK(got[i] == sim_requantize(RequantProfile::kTfliteReference, halved[i], 0.5, 0));
  }
  const Operand int32_in{DType::kInt32, Shape{3}, per_tensor(1e-3f, 0), {}};
  CHECK(run_int16(OpType::kQuantize, {int32_in}, int16_operand({3}, 1e-3f), {},
                  {to_bytes(std::vector<int32_t>{5, 100000, -100000})}) ==
        std::vector<int16_t>{5, 32767, -32768});
  RunResult r = run_single_op(OpType::kDequantize, {int16_operand({2}, 0.5f)}, float_operand({2}),
                              {}, {to_bytes(std::vector<int16_t>{-32768, 3})});
  REQUIRE(r.status.ok());
  CHECK(from_bytes<float>(r.outputs[0]) == std::vector<float>{-16384.0f, 1.5f});
}

TEST_CASE("int16 PAD fills with the zero point; CONCATENATION needs equal scales", "[int16]") {
  PadOptions pad;
  pad.paddings = {1, 1};
  CHECK(run_int16(OpType::kPad, {int16_operand({2}, 1e-3f)}, int16_operand({4}, 1e-3f), pad,
                  {to_bytes(std::vector<int16_t>{-7, 9})}) == std::vector<int16_t>{0, -7, 9, 0});
  ConcatenationOptions concat;
  concat.axis = 0;
  CHECK_THAT(failure(OpType::kConcatenation, {int16_operand({2}, 1e-3f), int16_operand({2}, 2e-3f)},
                     int16_operand({4}, 1e-3f), concat,
                     {to_bytes(std::vector<int16_t>(2)), to_bytes(std::vector<int16_t>(2))}),
             Catch::Contains("int16 CONCATENATION does not rescale"));
}

TEST_CASE("int16 zero points: tensors hold 0 or SOFTMAX's -32768, kernels take 0", "[int16]") {
  const std::vector<int16_t> x(2);
  CHECK_THAT(failure(OpType::kAdd, {int16_operand({2}, 1e-3f, 5), int16_operand({2}, 1e-3f)},
                     int16_operand({2}, 1e-3f), ElementwiseOptions{}, {to_bytes(x), to_bytes(x)}),
             Catch::Contains("int16 zero point 5 is neither 0"));
  CHECK_THAT(failure(OpType::kAdd, {int16_operand({2}, 1e-3f, -32768), int16_operand({2}, 1e-3f)},
                     int16_operand({2}, 1e-3f), ElementwiseOptions{}, {to_bytes(x), to_bytes(x)}),
             Catch::Contains("has int16 zero point -32768; TFLite's int16 kernels need 0"));
  CHECK_THAT(failure(OpType::kAdd, {int16_operand({2}, 1e-3f), int16_operand({2}, 1e-3f)},
                     int16_operand({2}, 1e-9f), ElementwiseOptions{}, {to_bytes(x), to_bytes(x)}),
             Catch::Contains("2^15 * output scale"));
}

TEST_CASE("int16 ADD/SUB with pot_scale_int16: TFLite's saturating power-of-two path",
          "[int16]") {
  // a at 2^-12, b at 2^-13, out at 2^-12: b is halved (ties away from zero), a taken as is.
  const Operand a = int16_operand({4}, 1.0f / 4096), b = int16_operand({4}, 1.0f / 8192);
  const Operand out = int16_operand({4}, 1.0f / 4096);
  const std::vector<int16_t> xa = {100, 100, 32767, -32768}, xb = {3, -3, 100, -100};
  ElementwiseOptions pot;
  pot.pot_scale_int16 = true;
  CHECK(run_int16(OpType::kAdd, {a, b}, out, pot, {to_bytes(xa), to_bytes(xb)}) ==
        std::vector<int16_t>{102, 98, 32767, -32768});
  CHECK(run_int16(OpType::kSub, {a, b}, out, pot, {to_bytes(xa), to_bytes(xb)}) ==
        std::vector<int16_t>{98, 102, 32717, -32718});
  CHECK_THAT(failure(OpType::kAdd, {int16_operand({4}, 1.0f / 8192), b}, out, pot,
                     {to_bytes(xa), to_bytes(xb)}),
             Catch::Contains("one input scale must equal the output's"));
  CHECK_THAT(failure(OpType::kAdd, {int16_operand({2, 4}, 1.0f / 4096), b},
                     int16_operand({2, 4}, 1.0f / 4096), pot,
                     {to_bytes(std::vector<int16_t>(8)), to_bytes(xb)}),
             Catch::Contains("has no broadcast form"));
}
