// QUANTIZE (float32 -> int8/uint8, uint8 <-> int8, int8 -> int8, uint8 -> uint8) and
// DEQUANTIZE (int8/uint8 -> float32).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>

#include "elementwise_test_util.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

Operand quantized(DType dtype, Shape shape, float scale, int32_t zp) {
  return Operand{dtype, shape, per_tensor(scale, zp), {}};
}

Bytes run_ok(OpType type, const Operand& in, const Operand& out, const Bytes& data,
             RequantProfile profile = RequantProfile::kTfliteReference, int threads = 1) {
  RunResult r = run_single_op(type, {in}, out, {}, {data}, profile, threads);
  INFO(r.status.to_string());
  REQUIRE(r.status.ok());
  return r.outputs[0];
}

}  // namespace

TEST_CASE("QUANTIZE float32 to int8 and uint8, hand-computed", "[quantize]") {
  // scale 0.5: 0.25 / 0.5 = 0.5 rounds away from zero to 1; -0.25 -> -1;
  // 0.74 -> 1.48 -> 1; large values saturate; NaN maps to the zero point.
  const std::vector<float> x = {0.25f, -0.25f, 0.74f, 1000.0f, -1000.0f,
                                std::numeric_limits<float>::quiet_NaN()};
  const Shape shape{6};
  CHECK(from_bytes<int8_t>(run_ok(OpType::kQuantize, float_operand(shape),
                                  quantized(DType::kInt8, shape, 0.5f, 1), to_bytes(x))) ==
        std::vector<int8_t>{2, 0, 2, 127, -128, 1});
  // xnnpack_fp32: 0.25 * 2 = 0.5 and -0.5 round to even 0 -> zp 1.
  CHECK(from_bytes<int8_t>(run_ok(OpType::kQuantize, float_operand(shape),
                                  quantized(DType::kInt8, shape, 0.5f, 1), to_bytes(x),
                                  RequantProfile::kXnnpackFp32)) ==
        std::vector<int8_t>{1, 1, 2, 127, -128, 1});
  CHECK(from_bytes<uint8_t>(run_ok(OpType::kQuantize, float_operand(shape),
                                   quantized(DType::kUInt8, shape, 0.5f, 128), to_bytes(x))) ==
        std::vector<uint8_t>{129, 127, 129, 255, 0, 128});
}

static void check_quantize_float(RequantProfile profile) {
  const uint32_t seed = test_seed();
  CAPTURE(seed, profile_tag(profile));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> scale(0.001f, 0.5f);
  std::uniform_int_distribution<int> zp(-128, 127);
  for (int it = 0; it < scaled_iterations(30); ++it) {
    const float s = scale(rng);
    const int32_t z = zp(rng);
    CAPTURE(it, s, z);
    auto x = random_floats(rng, 500, -200.0f * s, 200.0f * s);
    // Exact ties: k + 0.5 steps.
    for (int k = 0; k < 20; ++k) x.push_back((float(k - 10) + 0.5f) * s);
    const Shape shape{int32_t(x.size())};
    const auto got = from_bytes<int8_t>(run_ok(OpType::kQuantize, float_operand(shape),
                                               quantized(DType::kInt8, shape, s, z), to_bytes(x),
                                               profile));
    for (size_t i = 0; i < x.size(); ++i) {
      CAPTURE(x[i]);
      // TFLite: float division, ties away. XNNPACK: times the float
      // reciprocal, ties to even.
      const double q = profile == RequantProfile::kXnnpackFp32 ? std::nearbyint(x[i] * (1.0f / s))
                                                               : std::round(x[i] / s);
      REQUIRE(int32_t(got[i]) == clamp_i32(int64_t(q) + z, -128, 127));
    }
  }
}

TEST_CASE("QUANTIZE float32 matches the formula [tflite_reference]", "[quantize]") {
  check_quantize_float(RequantProfile::kTfliteReference);
}
TEST_CASE("QUANTIZE float32 matches the formula [single_rounding]", "[quantize]") {
  check_quantize_float(RequantProfile::kSingleRounding);
}
TEST_CASE("QUANTIZE float32 matches the formula [xnnpack_fp32]", "[quantize]") {
  check_quantize_float(RequantProfile::kXnnpackFp32);
}

TEST_CASE("QUANTIZE uint8 <-> int8 with the same scale flips the sign bit", "[quantize]") {
  std::vector<uint8_t> u(256);
  std::vector<int8_t> s(256);
  for (int i = 0; i < 256; ++i) {
    u[i] = uint8_t(i);
    s[i] = int8_t(i - 128);
  }
  for (RequantProfile p : kAllProfiles) {
    CAPTURE(profile_tag(p));
    CHECK(from_bytes<int8_t>(run_ok(OpType::kQuantize, quantized(DType::kUInt8, {256}, 0.02f, 128),
                                    quantized(DType::kInt8, {256}, 0.02f, 0), to_bytes(u), p)) == s);
    CHECK(from_bytes<uint8_t>(run_ok(OpType::kQuantize, quantized(DType::kInt8, {256}, 0.02f, 0),
                                     quantized(DType::kUInt8, {256}, 0.02f, 128), to_bytes(s), p)) ==
          u);
  }
}

static void check_requantize(RequantProfile profile) {
  const uint32_t seed = test_seed();
  CAPTURE(seed, profile_tag(profile));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> scale(0.005f, 0.5f);
  std::uniform_int_distribution<int> zp(-128, 127), uzp(0, 255), kind(0, 3);
  for (int it = 0; it < scaled_iterations(40); ++it) {
    const float si = scale(rng), so = scale(rng);
    // 0: int8 -> int8, 1: uint8 -> int8, 2: int8 -> uint8, 3: uint8 -> uint8.
    const int k = kind(rng);
    const DType din = k == 1 || k == 3 ? DType::kUInt8 : DType::kInt8;
    const DType dout = k >= 2 ? DType::kUInt8 : DType::kInt8;
    const int32_t zi = din == DType::kUInt8 ? uzp(rng) : zp(rng);
    const int32_t zo = dout == DType::kUInt8 ? uzp(rng) : zp(rng);
    CAPTURE(it, k, si, so, zi, zo);
    std::vector<uint8_t> raw(256);
    for (int i = 0; i < 256; ++i) raw[i] = uint8_t(i);
    const Bytes out = run_ok(OpType::kQuantize, quantized(din, {256}, si, zi),
                             quantized(dout, {256}, so, zo), to_bytes(raw), profile);
    for (int i = 0; i < 256; ++i) {
      const int32_t x = din == DType::kUInt8 ? int32_t(raw[i]) : int32_t(int8_t(raw[i]));
      const int64_t v = sim_requantize(profile, x - zi, double(si) / double(so), si / so) + zo;
      const int32_t want = dout == DType::kUInt8 ? clamp_i32(v, 0, 255) : clamp_i32(v, -128, 127);
      const int32_t got = dout == DType::kUInt8 ? int32_t(out[i]) : int32_t(int8_t(out[i]));
      CAPTURE(x);
      REQUIRE(got == want);
    }
  }
}

TEST_CASE("QUANTIZE requantization matches simulation [tflite_reference]", "[quantize]") {
  check_requantize(RequantProfile::kTfliteReference);
}
TEST_CASE("QUANTIZE requantization matches simulation [single_rounding]", "[quantize]") {
  check_requantize(RequantProfile::kSingleRounding);
}
TEST_CASE("QUANTIZE requantization matches simulation [xnnpack_fp32]", "[quantize]") {
  check_requantize(RequantProfile::kXnnpackFp32);
}

TEST_CASE("DEQUANTIZE int8 and uint8, hand-computed and exhaustive", "[dequantize]") {
  // scale 0.5 zp -3: q = -3 -> 0, q = 0 -> 1.5, q = 127 -> 65, q = -128 -> -62.5.
  CHECK(from_bytes<float>(run_ok(OpType::kDequantize, quantized(DType::kInt8, {4}, 0.5f, -3),
                                 float_operand({4}),
                                 to_bytes(std::vector<int8_t>{-3, 0, 127, -128}))) ==
        std::vector<float>{0.0f, 1.5f, 65.0f, -62.5f});
  const float s = 0.0137f;
  std::vector<uint8_t> raw(256);
  for (int i = 0; i < 256; ++i) raw[i] = uint8_t(i);
  const auto got_u8 = from_bytes<float>(run_ok(
      OpType::kDequantize, quantized(DType::kUInt8, {256}, s, 77), float_operand({256}), to_bytes(raw)));
  const auto got_s8 = from_bytes<float>(run_ok(
      OpType::kDequantize, quantized(DType::kInt8, {256}, s, -9), float_operand({256}), to_bytes(raw)));
  for (int i = 0; i < 256; ++i) {
    CHECK(got_u8[i] == float(double(s) * (i - 77)));
    CHECK(got_s8[i] == float(double(s) * (int8_t(raw[i]) + 9)));
  }
}

TEST_CASE("QUANTIZE and DEQUANTIZE are identical on 1, 2 and 4 threads", "[quantize][dequantize][threads]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  const Shape shape{20000};
  const auto x = random_floats(rng, 20000, -3.0f, 3.0f);
  const auto q = random_ints<int8_t>(rng, 20000, -128, 127);
  const Operand qi = quantized(DType::kInt8, shape, 0.02f, 5);
  const Bytes one_q = run_ok(OpType::kQuantize, float_operand(shape), qi, to_bytes(x));
  const Bytes one_d = run_ok(OpType::kDequantize, qi, float_operand(shape), to_bytes(q));
  for (int threads : {2, 4}) {
    CHECK(run_ok(OpType::kQuantize, float_operand(shape), qi, to_bytes(x),
                 RequantProfile::kTfliteReference, threads) == one_q);
    CHECK(run_ok(OpType::kDequantize, qi, float_operand(shape), to_bytes(q),
                 RequantProfile::kTfliteReference, threads) == one_d);
  }
}

TEST_CASE("QUANTIZE and DEQUANTIZE reject unsupported dtypes naming the operand",
          "[quantize][dequantize][validation]") {
  RunResult r = run_single_op(OpType::kQuantize, {float_operand({2})}, float_operand({2}), {},
                              {Bytes(8)});
  CHECK_FALSE(r.status.ok());
  CHECK_THAT(r.status.message(), Catch::Contains("output 0") && Catch::Contains("dtype"));
  r = run_single_op(OpType::kDequantize, {quantized(DType::kInt8, {2}, 1.0f, 0)},
                    quantized(DType::kInt8, {2}, 1.0f, 0), {}, {Bytes(2)});
  CHECK_FALSE(r.status.ok());
  CHECK_THAT(r.status.message(), Catch::Contains("output 0") && Catch::Contains("float32"));
  r = run_single_op(OpType::kDequantize, {quantized(DType::kInt8, {2}, -1.0f, 0)},
                    float_operand({2}), {}, {Bytes(2)});
  CHECK_FALSE(r.status.ok());
  // The loader's structural checks catch this before the operator does.
  CHECK_THAT(r.status.message(), Catch::Contains("\"in0\"") && Catch::Contains("scale"));
}
