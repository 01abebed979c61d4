// Operator tests for BITPACK, UNPACK, BMAXPOOL2D and BFULLY_CONNECTED through
// the op harness: hand-computed cases, random cases against the simulation,
// round trips, thread-count independence and validation messages.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>

#include "binary_sim.h"
#include "random_sweep.h"
#include "op_harness.h"
#include "runtime/cpu_features.h"
#include "support/model_runner.h"

namespace lowbit {
namespace testing {
namespace {

// One-operator graph: x -> op -> y.
std::unique_ptr<ModelBuilder> single_op(OpType type, DType in_dtype, Shape in_shape,
                                        Quantization in_q, DType out_dtype, Shape out_shape,
                                        Quantization out_q, OpOptions options = {}) {
  auto b = std::make_unique<ModelBuilder>();
  const int x = b->add_tensor("x", in_dtype, in_shape, in_q);
  const int y = b->add_tensor("y", out_dtype, out_shape, out_q);
  b->add_operator(type, {x}, {y}, options, "op");
  b->set_inputs({x});
  b->set_outputs({y});
  return b;
}

TEST_CASE("BITPACK float32: hand-computed and random rows", "[bitpack]") {
  // 2 rows of 3: (-1, 2, -0) and (0.5, -3, -7).
  const std::vector<float> x = {-1.0f, 2.0f, -0.0f, 0.5f, -3.0f, -7.0f};
  auto b = single_op(OpType::kBitpack, DType::kFloat32, Shape{2, 3}, {}, DType::kBit, Shape{2, 3}, {});
  OpRun r = run_operator(*b, 0, {to_bytes(x)});
  REQUIRE(r.status.ok());
  CHECK(r.kernel == "bin_pack_f32__reference");
  CHECK(from_bytes<uint32_t>(r.outputs[0]) == std::vector<uint32_t>{0x1u, 0x6u});

  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for (int32_t channels : {1, 31, 32, 33, 65}) {
    CAPTURE(channels);
    const Shape shape{2, 3, channels};
    const std::vector<float> values = random_floats(rng, 6 * channels, -1.0f, 1.0f);
    Signs signs(values.size());
    for (size_t i = 0; i < values.size(); ++i) signs[i] = values[i] < 0 ? -1 : 1;
    auto g = single_op(OpType::kBitpack, DType::kFloat32, shape, {}, DType::kBit, shape, {});
    const OpRun one = run_operator(*g, 0, {to_bytes(values)}, 1);
    REQUIRE(one.status.ok());
    CHECK(from_bytes<uint32_t>(one.outputs[0]) == pack_signs(signs, channels));
    const OpRun four = run_operator(*g, 0, {to_bytes(values)}, 4);
    REQUIRE(four.status.ok());
    CHECK(four.outputs[0] == one.outputs[0]);
    const OpRun best = run_operator(*g, 0, {to_bytes(values)}, 4, "auto");
    REQUIRE(best.status.ok());
    CHECK(best.outputs[0] == one.outputs[0]);
  }
}

TEST_CASE("BITPACK int8: bit = q < zero_point", "[bitpack]") {
  const std::vector<int8_t> q = {-128, 4, 5, 6, 127};
  auto b = single_op(OpType::kBitpack, DType::kInt8, Shape{5}, per_tensor(0.5f, 5), DType::kBit,
                     Shape{5}, {});
  const OpRun r = run_operator(*b, 0, {to_bytes(q)});
  REQUIRE(r.status.ok());
  CHECK(r.kernel == "bin_pack_qs8__reference");
  CHECK(from_bytes<uint32_t>(r.outputs[0]) == std::vector<uint32_t>{0x3u});
}

TEST_CASE("UNPACK float32 and int8: hand-computed and round trip", "[unpack]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for (int32_t channels : {1, 31, 33, 65}) {
    CAPTURE(channels);
    const Shape shape{3, channels};
    const Signs s = random_signs(rng, 3 * channels);
    std::vector<uint32_t> packed = pack_signs(s, channels);
    auto f = single_op(OpType::kBitUnpack, DType::kBit, shape, {}, DType::kFloat32, shape, {});
    const OpRun rf = run_operator(*f, 0, {to_bytes(packed)});
    REQUIRE(rf.status.ok());
    CHECK(rf.kernel == "bin_unpack_f32__reference");
    const std::vector<float> values = from_bytes<float>(rf.outputs[0]);
    REQUIRE(values.size() == s.size());
    for (size_t i = 0; i < s.size(); ++i) REQUIRE(values[i] == float(s[i]));
    // ... and BITPACK of those values gives the original words back.
    auto p = single_op(OpType::kBitpack, DType::kFloat32, shape, {}, DType::kBit, shape, {});
    const OpRun rp = run_operator(*p, 0, {rf.outputs[0]});
    REQUIRE(rp.status.ok());
    CHECK(from_bytes<uint32_t>(rp.outputs[0]) == packed);

    // int8 with scale 1/32, zero point -100: +1 -> -68, -1 -> -128 (saturated).
    auto q = single_op(OpType::kBitUnpack, DType::kBit, shape, {}, DType::kInt8, shape,
                       per_tensor(1.0f / 32, -100));
    const OpRun rq = run_operator(*q, 0, {to_bytes(packed)}, 2);
    REQUIRE(rq.status.ok());
    CHECK(rq.kernel == "bin_unpack_qs8__reference");
    const std::vector<int8_t> qv = from_bytes<int8_t>(rq.outputs[0]);
    for (size_t i = 0; i < s.size(); ++i) REQUIRE(qv[i] == (s[i] > 0 ? -68 : -128));
  }
}

TEST_CASE("BITPACK / UNPACK validation", "[bitpack][unpack][validation]") {
  auto b = single_op(OpType::kBitpack, DType::kInt32, Shape{4}, {}, DType::kBit, Shape{4}, {});
  CHECK_THAT(validate_operator(*b, 0).message(), Catch::Contains("\"x\"") && Catch::Contains("int32"));
  b = single_op(OpType::kBitpack, DType::kInt8, Shape{4}, {}, DType::kBit, Shape{4}, {});
  CHECK_THAT(validate_operator(*b, 0).message(), Catch::Contains("quantization"));
  b = single_op(OpType::kBitpack, DType::kFloat32, Shape{4}, {}, DType::kFloat32, Shape{4}, {});
  CHECK_THAT(validate_operator(*b, 0).message(), Catch::Contains("output 0") && Catch::Contains("bit"));
  b = single_op(OpType::kBitUnpack, DType::kBit, Shape{4}, {}, DType::kInt8, Shape{4}, {});
  CHECK_THAT(validate_operator(*b, 0).message(), Catch::Contains("output 0") && Catch::Contains("quantization"));
  b = single_op(OpType::kBitUnpack, DType::kFloat32, Shape{4}, {}, DType::kFloat32, Shape{4}, {});
  CHECK_THAT(validate_operator(*b, 0).message(), Catch::Contains("input 0"));
}

TEST_CASE("BMAXPOOL2D: random shapes against the ±1 simulation", "[bmaxpool2d]") {
  random_sweep(40, [&](int it, std::mt19937& rng, const ValuePicker& pick) {
    const int n = pick({1, 2}), h = pick({1, 3, 4, 7}), w = pick({2, 5}),
              c = pick({1, 31, 32, 33, 65});
    Pool2DOptions o;
    o.filter_h = pick({1, 2, 3});
    o.filter_w = pick({2, 3});
    o.stride_h = pick({1, 2});
    o.stride_w = pick({1, 2, 3});
    o.padding = (o.filter_h > h || o.filter_w > w || pick({0, 1})) ? Padding::kSame : Padding::kValid;
    const bool same = o.padding == Padding::kSame;
    const int oh = same ? (h + o.stride_h - 1) / o.stride_h : (h - o.filter_h) / o.stride_h + 1;
    const int ow = same ? (w + o.stride_w - 1) / o.stride_w : (w - o.filter_w) / o.stride_w + 1;
    const int pad_top = same ? std::max(0, (oh - 1) * o.stride_h + o.filter_h - h) / 2 : 0;
    const int pad_left = same ? std::max(0, (ow - 1) * o.stride_w + o.filter_w - w) / 2 : 0;
    CAPTURE(it, n, h, w, c, o.filter_h, o.filter_w, o.stride_h, o.stride_w, same);
    // Mostly -1 so that all-negative windows occur.
    Signs s(size_t(n) * h * w * c);
    std::bernoulli_distribution negative(0.8);
    for (auto& v : s) v = negative(rng) ? -1 : 1;
    Signs expected(size_t(n) * oh * ow * c);
    for (int b = 0; b < n; ++b)
      for (int oy = 0; oy < oh; ++oy)
        for (int ox = 0; ox < ow; ++ox)
          for (int ch = 0; ch < c; ++ch) {
            int best = -2;
            for (int ky = 0; ky < o.filter_h; ++ky)
              for (int kx = 0; kx < o.filter_w; ++kx) {
                const int iy = oy * o.stride_h - pad_top + ky, ix = ox * o.stride_w - pad_left + kx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                best = std::max<int>(best, s[((size_t(b) * h + iy) * w + ix) * c + ch]);
              }
            REQUIRE(best != -2);
            expected[((size_t(b) * oh + oy) * ow + ox) * c + ch] = int8_t(best);
          }
    auto g = single_op(OpType::kBMaxPool2D, DType::kBit, Shape{n, h, w, c}, {}, DType::kBit,
                       Shape{n, oh, ow, c}, {}, o);
    const Bytes in = to_bytes(pack_signs(s, c));
    const OpRun r = run_operator(*g, 0, {in}, 1);
    INFO(r.status.to_string());
    REQUIRE(r.status.ok());
    CHECK(r.kernel == "bin_maxpool2d__reference");
    CHECK(r.inferred_shape == Shape{n, oh, ow, c});
    const std::vector<uint32_t> words = from_bytes<uint32_t>(r.outputs[0]);
    CHECK(unpack_signs(words, size_t(n) * oh * ow, c) == expected);
    CHECK(count_nonzero_pad_bits(words, c) == 0);
    const OpRun best = run_operator(*g, 0, {in}, 1, "auto");
    REQUIRE(best.status.ok());
    CHECK(best.outputs[0] == r.outputs[0]);
    if (it % 8 == 0) {
      const OpRun r4 = run_operator(*g, 0, {in}, 4, it % 16 == 0 ? "auto" : "reference");
      REQUIRE(r4.status.ok());
      CHECK(r4.outputs[0] == r.outputs[0]);
    }
  });
}

TEST_CASE("BMAXPOOL2D validation", "[bmaxpool2d][validation]") {
  Pool2DOptions o;
  o.filter_h = o.filter_w = 2;
  o.activation = Activation::kRelu;
  auto g = single_op(OpType::kBMaxPool2D, DType::kBit, Shape{1, 4, 4, 8}, {}, DType::kBit,
                     Shape{1, 3, 3, 8}, {}, o);
  CHECK_THAT(validate_operator(*g, 0).message(), Catch::Contains("RELU"));
  o.activation = Activation::kNone;
  g = single_op(OpType::kBMaxPool2D, DType::kBit, Shape{1, 4, 4, 8}, {}, DType::kFloat32,
                Shape{1, 3, 3, 8}, {}, o);
  CHECK_THAT(validate_operator(*g, 0).message(), Catch::Contains("output 0"));
  o.filter_h = 5;
  g = single_op(OpType::kBMaxPool2D, DType::kBit, Shape{1, 4, 4, 8}, {}, DType::kBit,
                Shape{1, 3, 3, 8}, {}, o);
  CHECK_THAT(validate_operator(*g, 0).message(), Catch::Contains("height"));
}

struct FcCase {
  int batch = 1, k = 1, cout = 1;
  DType out_dtype = DType::kFloat32;
  Activation activation = Activation::kNone;
  float scale = 0.1f;
  int zero_point = 0;
  Signs input, weights;
  std::vector<float> mul, bias;
  std::vector<int32_t> threshold;
};

std::unique_ptr<ModelBuilder> build_fc(const FcCase& t, Shape in_shape) {
  auto b = std::make_unique<ModelBuilder>();
  const int x = b->add_tensor("x", DType::kBit, in_shape);
  const int w = b->add_constant("w", DType::kBit, Shape{t.cout, t.k}, pack_signs(t.weights, t.k));
  std::vector<int> inputs = {x, w, kAbsentInput, kAbsentInput};
  if (!t.mul.empty()) inputs[2] = b->add_constant("mul", DType::kFloat32, Shape{t.cout}, t.mul);
  if (!t.bias.empty()) inputs[3] = b->add_constant("bias", DType::kFloat32, Shape{t.cout}, t.bias);
  if (!t.threshold.empty()) {
    inputs.push_back(b->add_constant("thr", DType::kInt32, Shape{t.cout}, t.threshold));
  }
  const Quantization q = t.out_dtype == DType::kInt8 ? per_tensor(t.scale, t.zero_point) : Quantization{};
  const int y = b->add_tensor("y", t.out_dtype, Shape{t.batch, t.cout}, q);
  BFullyConnectedOptions o;
  o.activation = t.activation;
  b->add_operator(OpType::kBFullyConnected, inputs, {y}, o, "bfc");
  b->set_inputs({x});
  b->set_outputs({y});
  return b;
}

TEST_CASE("BFULLY_CONNECTED: every output mode against the simulation", "[bfully_connected]") {
  random_sweep(45, [&](int it, std::mt19937& rng, const ValuePicker& pick) {
    FcCase t;
    t.out_dtype = it % 3 == 0 ? DType::kFloat32 : (it % 3 == 1 ? DType::kInt8 : DType::kBit);
    t.batch = pick({1, 2, 6});
    t.k = pick({1, 31, 32, 33, 65, 200});
    t.cout = pick({1, 7, 32, 33});
    t.input = random_signs(rng, size_t(t.batch) * t.k);
    t.weights = random_signs(rng, size_t(t.cout) * t.k);
    if (t.out_dtype == DType::kBit) {
      t.threshold = random_ints<int32_t>(rng, t.cout, -1, t.k + 1);
    } else {
      t.activation = static_cast<Activation>(pick({0, 1, 2, 3}));
      t.mul = random_floats(rng, t.cout, -2.0f, 2.0f);
      t.bias = random_floats(rng, t.cout, -5.0f, 5.0f);
      t.scale = std::uniform_real_distribution<float>(0.02f, 0.5f)(rng);
      t.zero_point = pick({-9, 0, 12});
    }
    // Leading dimensions are the batch: [batch, K] or [batch/2, 2, K].
    const Shape in_shape = t.batch % 2 == 0 && pick({0, 1}) ? Shape{t.batch / 2, 2, t.k}
                                                             : Shape{t.batch, t.k};
    CAPTURE(it, int(t.out_dtype), t.batch, t.k, t.cout, int(t.activation), in_shape.to_string());
    auto g = build_fc(t, in_shape);
    const Bytes in = to_bytes(pack_signs(t.input, t.k));
    const OpRun r = run_operator(*g, 0, {in}, 1);
    INFO(r.status.to_string());
    REQUIRE(r.status.ok());
    CHECK(r.kernel == "bin_fully_connected__reference");
    CHECK(r.inferred_shape == Shape{t.batch, t.cout});
    const int act = static_cast<int>(t.activation);  // enum order matches clamp_conv_value
    for (int b = 0; b < t.batch; ++b) {
      for (int c = 0; c < t.cout; ++c) {
        int32_t s = 0;
        for (int i = 0; i < t.k; ++i) s += t.input[size_t(b) * t.k + i] * t.weights[size_t(c) * t.k + i];
        const size_t idx = size_t(b) * t.cout + c;
        CAPTURE(b, c, s);
        if (t.out_dtype == DType::kBit) {
          const Signs bits = unpack_signs(from_bytes<uint32_t>(r.outputs[0]), t.batch, t.cout);
          REQUIRE((bits[idx] < 0) == ((t.k - s) > 2 * t.threshold[c]));
        } else if (t.out_dtype == DType::kFloat32) {
          REQUIRE(from_bytes<float>(r.outputs[0])[idx] ==
                  lce_float_output(clamp_conv_value(s, act), t.k, t.mul[c], t.bias[c]));
        } else {
          REQUIRE(from_bytes<int8_t>(r.outputs[0])[idx] ==
                  lce_int8_output(clamp_conv_value(s, act), t.k, t.mul[c], t.bias[c], t.scale,
                                  t.zero_point));
        }
      }
    }
    if (t.out_dtype == DType::kBit) {
      CHECK(count_nonzero_pad_bits(from_bytes<uint32_t>(r.outputs[0]), t.cout) == 0);
    }
    const OpRun best = run_operator(*g, 0, {in}, 1, "auto");
    REQUIRE(best.status.ok());
    CHECK(best.outputs[0] == r.outputs[0]);
    if (it % 2 == 1 && CpuFeatures::detect().has(kCpuAVX2)) {
      const OpRun avx2 = run_operator(*g, 0, {in}, 1, "avx2");
      REQUIRE(avx2.status.ok());
      CHECK(avx2.kernel == "bin_fully_connected__avx2");
      CHECK(avx2.outputs[0] == r.outputs[0]);
    }
    if (it % 6 == 0) {
      const OpRun many = run_operator(*g, 0, {in}, it % 12 == 0 ? 2 : 3, "auto");
      REQUIRE(many.status.ok());
      CHECK(many.outputs[0] == r.outputs[0]);
    }
  });
}

TEST_CASE("BFULLY_CONNECTED validation", "[bfully_connected][validation]") {
  FcCase t;
  t.k = 40;
  t.cout = 3;
  t.weights = Signs(3 * 40, 1);
  t.mul = {1, 2, 3};
  t.bias = {0, 0, 0};
  CHECK(validate_operator(*build_fc(t, Shape{1, 40}), 0).ok());
  CHECK_THAT(validate_operator(*build_fc(t, Shape{40, 1}), 0).message(),
             Catch::Contains("innermost") && Catch::Contains("\"w\""));
  t.bias = {0, 0};
  CHECK_THAT(validate_operator(*build_fc(t, Shape{1, 40}), 0).message(),
             Catch::Contains("post-activation bias"));
}

}  // namespace
}  // namespace testing
}  // namespace lowbit
