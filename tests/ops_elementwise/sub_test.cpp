// SUB: int8 and uint8 against the reference kernel (TFLite's SUB is its ADD
// with b's multiplier negated; the LiteRT oracle check is
// scripts/conformance.sh --op-cases --kinds sub), hand-worked ties per
// profile, the uint8 identity, float32, and validation errors.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "elementwise_test_util.h"
#include "kernels/reference/qs8_elementwise.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

Operand quantized(DType dtype, Shape shape, float scale, int32_t zero_point) {
  return Operand{dtype, shape, per_tensor(scale, zero_point), {}};
}

template <typename T>
std::vector<T> run_sub(const Operand& a, const Operand& b, const Operand& out, Activation act,
                       const std::vector<T>& xa, const std::vector<T>& xb,
                       RequantProfile profile) {
  RunResult r = run_single_op(OpType::kSub, {a, b}, out, ElementwiseOptions{act},
                              {to_bytes(xa), to_bytes(xb)}, profile);
  INFO(r.status.to_string());
  REQUIRE(r.status.ok());
  return from_bytes<T>(r.outputs[0]);
}

struct SubCase {
  Shape a, b;  // b is a or a row of a's last dimension (broadcast), or a scalar
  float sa, sb, so;
  int32_t za, zb, zo;
  Activation act;
};

SubCase random_case(std::mt19937& rng) {
  SubCase c;
  const int32_t rows = 1 + int32_t(rng() % 4), cols = 1 + int32_t(rng() % 40);
  c.a = Shape{rows, cols};
  const int pattern = int(rng() % 3);
  c.b = pattern == 0 ? c.a : (pattern == 1 ? Shape{cols} : Shape{1});
  std::uniform_real_distribution<float> scale(0.002f, 0.2f);
  c.sa = scale(rng);
  c.sb = scale(rng);
  c.so = std::max(c.sa, c.sb) * std::uniform_real_distribution<float>(0.05f, 8.0f)(rng);
  c.za = int32_t(rng() % 256) - 128;
  c.zb = rng() % 4 == 0 ? 127 : int32_t(rng() % 256) - 128;
  c.zo = rng() % 4 == 0 ? -128 : int32_t(rng() % 256) - 128;
  c.act = static_cast<Activation>(rng() % 4);
  return c;
}

}  // namespace

TEST_CASE("SUB hand-computed ties follow each profile's rounding", "[sub]") {
  // Scales 0.5, 0.5 -> 1.0, zero points 0: out = (x_a - x_b) / 2.
  // 1 - 2 = -0.5: double rounding -> -1 (half away from zero), single
  // rounding -> 0 (half up, on b's negated multiplier), XNNPACK (multipliers
  // 2^20 and -2^20, shift 21, half up) -> 0.  2 - 1 = 0.5 -> 1 in all three.
  const Operand a = int8_operand({2}, 0.5f, 0), b = int8_operand({2}, 0.5f, 0);
  const Operand out = int8_operand({2}, 1.0f, 0);
  const std::vector<int8_t> xa = {1, 2}, xb = {2, 1};
  CHECK(run_sub(a, b, out, Activation::kNone, xa, xb, RequantProfile::kTfliteReference) ==
        std::vector<int8_t>{-1, 1});
  CHECK(run_sub(a, b, out, Activation::kNone, xa, xb, RequantProfile::kSingleRounding) ==
        std::vector<int8_t>{0, 1});
  CHECK(run_sub(a, b, out, Activation::kNone, xa, xb, RequantProfile::kXnnpackFp32) ==
        std::vector<int8_t>{0, 1});
}

TEST_CASE("SUB uint8: zero points, saturation and RELU", "[sub]") {
  // a: scale 0.1 zp 128, b: scale 0.1 zp 100, out: scale 0.2 zp 10, RELU.
  // (138, 100): 1.0 - 0 = 1.0 -> 15.  (128, 140): 0 - 4.0 clamps to 0 -> 10.
  // (255, 0): 12.7 + 10 = 22.7 = 113.5 steps of 0.2, an exact tie (equal input
  // scales, 0.2f == 2 * 0.1f) that both roundings take up -> 114 + 10 = 124.
  // (0, 255): -12.8 - 15.5 clamps to real 0 -> 10.
  const Operand a = quantized(DType::kUInt8, {4}, 0.1f, 128);
  const Operand b = quantized(DType::kUInt8, {4}, 0.1f, 100);
  const Operand out = quantized(DType::kUInt8, {4}, 0.2f, 10);
  const std::vector<uint8_t> xa = {138, 128, 255, 0}, xb = {100, 140, 0, 255};
  CHECK(run_sub(a, b, out, Activation::kRelu, xa, xb, RequantProfile::kTfliteReference) ==
        std::vector<uint8_t>{15, 10, 124, 10});
  CHECK(run_sub(a, b, out, Activation::kRelu, xa, xb, RequantProfile::kSingleRounding) ==
        std::vector<uint8_t>{15, 10, 124, 10});
}

TEST_CASE("SUB matches the reference kernel with b's multiplier negated", "[sub]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for (RequantProfile profile : kAllProfiles) {
    CAPTURE(profile_tag(profile));
    for (int it = 0; it < scaled_iterations(40); ++it) {
      const SubCase c = random_case(rng);
      CAPTURE(it, c.a.to_string(), c.b.to_string(), c.sa, c.sb, c.so, c.za, c.zb, c.zo,
              int(c.act));
      const auto xa = random_ints<int8_t>(rng, c.a.num_elements(), -128, 127);
      const auto xb = random_ints<int8_t>(rng, c.b.num_elements(), -128, 127);
      const auto got =
          run_sub(int8_operand(c.a, c.sa, c.za), int8_operand(c.b, c.sb, c.zb),
                  int8_operand(c.a, c.so, c.zo), c.act, xa, xb, profile);
      ref::Qs8AddParams p;
      const RequantProfile effective =
          profile == RequantProfile::kTfliteOptimized ? RequantProfile::kTfliteReference : profile;
      ref::make_qs8_add_params(effective, c.sa, c.sb, c.so, /*subtract=*/true, &p);
      p.a_zero_point = c.za;
      p.b_zero_point = c.zb;
      p.output_zero_point = c.zo;
      sim_activation_range(c.act, c.so, c.zo, &p.act_min, &p.act_max);
      const size_t cols = size_t(c.a[c.a.rank - 1]);
      for (size_t i = 0; i < got.size(); ++i) {
        const size_t j = c.b.num_elements() == 1 ? 0 : (c.b.rank == 1 ? i % cols : i);
        int8_t want = 0;
        ref::qs8_add__reference(p, 1, &xa[i], 1, &xb[j], 1, &want);
        CAPTURE(i, int(xa[i]), int(xb[j]));
        REQUIRE(got[i] == want);
      }
    }
  }
}

TEST_CASE("SUB uint8 equals int8 SUB on the sign-flipped bytes", "[sub]") {
  // (q_u8 - zp) == int8(q_u8 ^ 0x80) - (zp - 128): a uint8 SUB is the int8 SUB
  // of the flipped bytes with zero points lowered by 128, its outputs flipped.
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed + 1);
  for (RequantProfile profile : kAllProfiles) {
    CAPTURE(profile_tag(profile));
    for (int it = 0; it < scaled_iterations(30); ++it) {
      const SubCase c = random_case(rng);
      CAPTURE(it, c.a.to_string(), c.b.to_string(), c.za, c.zb, c.zo, int(c.act));
      const auto ua = random_ints<uint8_t>(rng, c.a.num_elements(), 0, 255);
      const auto ub = random_ints<uint8_t>(rng, c.b.num_elements(), 0, 255);
      auto flip = [](const std::vector<uint8_t>& v) {
        std::vector<int8_t> out(v.size());
        for (size_t i = 0; i < v.size(); ++i) out[i] = static_cast<int8_t>(v[i] ^ 0x80);
        return out;
      };
      const auto u8 = run_sub(quantized(DType::kUInt8, c.a, c.sa, c.za + 128),
                              quantized(DType::kUInt8, c.b, c.sb, c.zb + 128),
                              quantized(DType::kUInt8, c.a, c.so, c.zo + 128), c.act, ua, ub,
                              profile);
      const auto i8 = run_sub(int8_operand(c.a, c.sa, c.za), int8_operand(c.b, c.sb, c.zb),
                              int8_operand(c.a, c.so, c.zo), c.act, flip(ua), flip(ub), profile);
      REQUIRE(flip(u8) == i8);
    }
  }
}

TEST_CASE("uint8 ADD and SUB run the int8 variant this CPU selects", "[sub][add]") {
  for (OpType type : {OpType::kAdd, OpType::kSub}) {
    std::string kernels[2];
    for (DType dtype : {DType::kInt8, DType::kUInt8}) {
      const Operand x = quantized(dtype, {40}, 0.1f, 3);
      RunResult r = run_single_op(type, {x, x}, x, ElementwiseOptions{}, {Bytes(40), Bytes(40)});
      INFO(r.status.to_string());
      REQUIRE(r.status.ok());
      kernels[dtype == DType::kUInt8] = r.kernels[0];
    }
    CHECK(kernels[0].rfind("qs8_add__", 0) == 0);
    CHECK(kernels[1] == kernels[0]);
  }
}

TEST_CASE("SUB float32 subtracts with broadcasting and the fused activation", "[sub]") {
  RunResult r = run_single_op(OpType::kSub, {float_operand({2, 2}), float_operand({2})},
                              float_operand({2, 2}), ElementwiseOptions{Activation::kRelu6},
                              {to_bytes(std::vector<float>{5.0f, 1.0f, -2.0f, 9.5f}),
                               to_bytes(std::vector<float>{1.5f, 2.0f})});
  INFO(r.status.to_string());
  REQUIRE(r.status.ok());
  CHECK(from_bytes<float>(r.outputs[0]) == std::vector<float>{3.5f, 0.0f, 0.0f, 6.0f});
  // XNNPACK's or lowbit's own row, as $LOWBIT_FLOAT_KERNELS says (tests/ops_float checks which).
  CHECK(r.kernels[0].rfind("f32_sub__", 0) == 0);
}

TEST_CASE("SUB rejects bad operands naming them", "[sub][validation]") {
  // Shapes that do not broadcast.
  RunResult r = run_single_op(OpType::kSub, {int8_operand({2, 3}, 1.0f, 0), int8_operand({4}, 1.0f, 0)},
                              int8_operand({2, 3}, 1.0f, 0), ElementwiseOptions{},
                              {Bytes(6), Bytes(4)});
  CHECK_FALSE(r.status.ok());
  CHECK_THAT(r.status.message(), Catch::Contains("SUB") && Catch::Contains("input 1") &&
                                     Catch::Contains("broadcast"));
  // int8 and uint8 mixed.
  r = run_single_op(OpType::kSub, {int8_operand({2}, 1.0f, 0), quantized(DType::kUInt8, {2}, 1.0f, 0)},
                    int8_operand({2}, 1.0f, 0), ElementwiseOptions{}, {Bytes(2), Bytes(2)});
  CHECK_FALSE(r.status.ok());
  CHECK_THAT(r.status.message(), Catch::Contains("input 1") && Catch::Contains("dtype"));
  // A uint8 zero point outside [0, 255] (the model loader names the tensor).
  r = run_single_op(OpType::kSub,
                    {quantized(DType::kUInt8, {2}, 1.0f, 0), quantized(DType::kUInt8, {2}, 1.0f, -1)},
                    quantized(DType::kUInt8, {2}, 1.0f, 0), ElementwiseOptions{},
                    {Bytes(2), Bytes(2)});
  CHECK_FALSE(r.status.ok());
  CHECK_THAT(r.status.message(), Catch::Contains("in1") && Catch::Contains("zero point"));
  // An output scale TFLite's rescale cannot reach: 2 * 1 / (2^20 * 2^-21) >= 1.
  r = run_single_op(OpType::kSub, {int8_operand({2}, 1.0f, 0), int8_operand({2}, 1.0f, 0)},
                    int8_operand({2}, 0x1.0p-21f, 0), ElementwiseOptions{}, {Bytes(2), Bytes(2)});
  CHECK_FALSE(r.status.ok());
  CHECK_THAT(r.status.message(), Catch::Contains("output 0") && Catch::Contains("too small"));
}

// A constant broadcast in rows shorter than 16 elements is expanded once at
// prepare (one flat kernel call instead of one per row): the bytes must be
// those of the same operator reading the constant as a graph input.
TEST_CASE("SUB with a constant in short broadcast rows equals SUB reading it as an input",
          "[sub][broadcast]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  const Shape pixels{1, 6, 5, 3}, channels{1, 1, 1, 3}, vector{3};
  for (RequantProfile profile : kAllProfiles) {
    for (bool constant_first : {false, true}) {
      CAPTURE(profile_tag(profile), constant_first);
      const Shape& small = constant_first ? vector : channels;
      const auto xs = random_ints<int8_t>(rng, small.num_elements(), -128, 127);
      const auto xp = random_ints<int8_t>(rng, pixels.num_elements(), -128, 127);
      Operand big = int8_operand(pixels, 0.5f, 3), as_input = int8_operand(small, 0.25f, -7);
      Operand as_constant = as_input;
      as_constant.constant = to_bytes(xs);
      const Operand out = int8_operand(pixels, 0.75f, 1);
      auto run = [&](const Operand& s, std::vector<Bytes> data) {
        const std::vector<Operand> inputs =
            constant_first ? std::vector<Operand>{s, big} : std::vector<Operand>{big, s};
        RunResult r = run_single_op(OpType::kSub, inputs, out, ElementwiseOptions{}, data,
                                    profile);
        INFO(r.status.to_string());
        REQUIRE(r.status.ok());
        return r.outputs[0];
      };
      const Bytes with_input =
          run(as_input, constant_first ? std::vector<Bytes>{to_bytes(xs), to_bytes(xp)}
                                       : std::vector<Bytes>{to_bytes(xp), to_bytes(xs)});
      const Bytes with_constant = run(as_constant, {to_bytes(xp)});
      CHECK(with_constant == with_input);
    }
  }
}
