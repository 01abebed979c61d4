// RELU, RELU6, LOGISTIC, HARD_SWISH and SOFTMAX on int8.
//
// RELU/RELU6 and HARD_SWISH are checked bit-exactly against integer
// simulations of TFLite's published algorithms. LOGISTIC and SOFTMAX are
// checked against the exact real function: the kernel's output must equal the
// correctly rounded value except inside a narrow window around rounding ties,
// where the fixed-point approximation may fall either way.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "elementwise_test_util.h"
#include "fixedpoint_sim.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

std::vector<int8_t> run_unary(OpType type, const Operand& in, const Operand& out,
                              const std::vector<int8_t>& x, OpOptions options = {},
                              RequantProfile profile = RequantProfile::kTfliteReference,
                              int threads = 1) {
  RunResult r = run_single_op(type, {in}, out, std::move(options), {to_bytes(x)}, profile, threads);
  INFO(r.status.to_string());
  REQUIRE(r.status.ok());
  return from_bytes<int8_t>(r.outputs[0]);
}

std::vector<int8_t> all_int8_values() {
  std::vector<int8_t> v;
  for (int i = -128; i <= 127; ++i) v.push_back(static_cast<int8_t>(i));
  return v;
}

const Operand kProbabilityOutput(Shape shape) { return int8_operand(shape, 1.0f / 256, -128); }

// Checks got == round(real * 256) - 128 (clamped) unless real * 256 is within
// `window` of a tie.
void check_probability(int8_t got, double real, double window) {
  const double scaled = real * 256.0;
  const double frac = scaled - std::floor(scaled);
  const int64_t want = std::min<int64_t>(127, std::llround(scaled) - 128);
  CAPTURE(real, scaled, int(got), want);
  if (std::fabs(frac - 0.5) < window) {
    CHECK(std::abs(int64_t(got) - want) <= 1);
  } else {
    CHECK(int64_t(got) == want);
  }
}

// ---- HARD_SWISH simulation (TFLite reference, int16 fixed point) ----

int64_t sat16(int64_t v) { return v < -32768 ? -32768 : (v > 32767 ? 32767 : v); }
int64_t high_mul16_rounding(int64_t a, int64_t b) {
  if (a == -32768 && b == -32768) return 32767;
  const int64_t p = a * b + (1 << 14);
  return p >= 0 ? p >> 15 : -((-p + 32767) >> 15);  // floor division by 2^15
}
int64_t high_mul16_truncating(int64_t a, int64_t b) {
  if (a == -32768 && b == -32768) return 32767;
  return (a * b) / 32768;  // C++ division truncates toward zero
}
int64_t to_q15(int64_t q31) {
  return q31 >= 2147483647 - 32768 ? 32767 : (q31 + 32768) >> 16;
}

int32_t sim_hardswish(int32_t x, float si, int32_t zi, float so, int32_t zo) {
  const float hires_scale = si / 128.0f;
  const SimMultiplier om = sim_quantize_multiplier(hires_scale / so, false);
  const SimMultiplier rm = sim_quantize_multiplier(hires_scale / (3.0f / 32768.0f), false);
  const int64_t out_m = to_q15(om.multiplier), relu_m = to_q15(rm.multiplier);
  const int64_t hires = int64_t(x - zi) * 128;
  const int64_t preshift_output = high_mul16_rounding(hires, out_m);
  int64_t r = hires;
  if (rm.exponent > 0) r = sat16(r * (int64_t{1} << (rm.exponent - 1)));
  r = high_mul16_rounding(r, relu_m);
  if (rm.exponent > 0) r = sat16(r * 2);
  if (rm.exponent < 0) r = sim_round_half_away(r, -rm.exponent);
  r = (r + 32768) >> 1;
  const int64_t product = high_mul16_truncating(r, preshift_output);
  return clamp_i32(sim_round_half_away(product, -om.exponent) + zo, -128, 127);
}

double hardswish_real(double x) { return x * std::min(6.0, std::max(0.0, x + 3.0)) / 6.0; }

}  // namespace

// ---------------------------------------------------------------- RELU, RELU6

TEST_CASE("RELU and RELU6 hand-computed requantization", "[relu][relu6]") {
  // in: scale 0.5 zp -10; out: scale 0.25 zp -128 (real 0 maps to -128).
  // x = -20 -> real -5 -> clamped to -128.  x = -10 -> 0 -> -128.
  // x = -9 -> 0.5 -> -126.  x = 0 -> 5.0 -> -108.  x = 2 -> 6.0 -> -104 (RELU6
  // top: -128 + round(6 / 0.25) = -104).  x = 40 -> 25 -> RELU: 127 (100 - 128
  // = -28? no: 25 / 0.25 = 100 -> -28), RELU6: -104.
  const Operand in = int8_operand({6}, 0.5f, -10), out = int8_operand({6}, 0.25f, -128);
  const std::vector<int8_t> x = {-20, -10, -9, 0, 2, 40};
  for (RequantProfile p : kAllProfiles) {
    CAPTURE(profile_tag(p));
    CHECK(run_unary(OpType::kRelu, in, out, x, {}, p) ==
          std::vector<int8_t>{-128, -128, -126, -108, -104, -28});
    CHECK(run_unary(OpType::kRelu6, in, out, x, {}, p) ==
          std::vector<int8_t>{-128, -128, -126, -108, -104, -104});
  }
}

static void check_relu_random(OpType type, RequantProfile profile) {
  const uint32_t seed = test_seed();
  CAPTURE(seed, profile_tag(profile));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> scale(0.01f, 0.3f);
  std::uniform_int_distribution<int> zp(-128, 127);
  const Activation act = type == OpType::kRelu ? Activation::kRelu : Activation::kRelu6;
  for (int it = 0; it < scaled_iterations(40); ++it) {
    const float si = scale(rng), so = scale(rng);
    const int32_t zi = zp(rng), zo = zp(rng);
    CAPTURE(it, si, so, zi, zo);
    const auto x = all_int8_values();
    const auto got = run_unary(type, int8_operand({256}, si, zi), int8_operand({256}, so, zo), x,
                               {}, profile);
    int32_t lo, hi;
    sim_activation_range(act, so, zo, &lo, &hi);
    for (size_t i = 0; i < x.size(); ++i) {
      const int64_t v = sim_requantize(profile, x[i] - zi, double(si) / double(so), si / so) + zo;
      CAPTURE(int(x[i]));
      REQUIRE(int32_t(got[i]) == clamp_i32(v, lo, hi));
    }
  }
}

TEST_CASE("RELU matches simulation [tflite_reference]", "[relu]") {
  check_relu_random(OpType::kRelu, RequantProfile::kTfliteReference);
}
TEST_CASE("RELU matches simulation [single_rounding]", "[relu]") {
  check_relu_random(OpType::kRelu, RequantProfile::kSingleRounding);
}
TEST_CASE("RELU matches simulation [xnnpack_fp32]", "[relu]") {
  check_relu_random(OpType::kRelu, RequantProfile::kXnnpackFp32);
}
TEST_CASE("RELU6 matches simulation [tflite_reference]", "[relu6]") {
  check_relu_random(OpType::kRelu6, RequantProfile::kTfliteReference);
}
TEST_CASE("RELU6 matches simulation [single_rounding]", "[relu6]") {
  check_relu_random(OpType::kRelu6, RequantProfile::kSingleRounding);
}
TEST_CASE("RELU6 matches simulation [xnnpack_fp32]", "[relu6]") {
  check_relu_random(OpType::kRelu6, RequantProfile::kXnnpackFp32);
}

// ---------------------------------------------------------------- LOGISTIC

TEST_CASE("LOGISTIC hand-computed points", "[logistic]") {
  // scale 0.1, zp 3: x = 3 is real 0 -> 0.5 -> 128 - 128 = 0. x = 127 is 12.4
  // -> 1 - 4e-6 -> 256 -> clamped 127. x = -128 is -13.1 -> 2e-6 -> -128.
  // x = 13 is 1.0 -> 0.731059 * 256 = 187.15 -> 59.
  const Operand in = int8_operand({4}, 0.1f, 3);
  CHECK(run_unary(OpType::kLogistic, in, kProbabilityOutput({4}), {3, 127, -128, 13}) ==
        std::vector<int8_t>{0, 127, -128, 59});
}

TEST_CASE("LOGISTIC matches the real function on every input [tflite_reference]",
          "[logistic]") {
  const std::vector<std::pair<float, int32_t>> quants = {
      {0.1f, 0}, {0.0625f, -20}, {1.0f, 0}, {0.02f, 100}, {0.37f, -128}, {0.004f, 7}};
  for (RequantProfile p : kAllProfiles) {
    for (const auto& q : quants) {
      CAPTURE(profile_tag(p), q.first, q.second);
      const auto x = all_int8_values();
      const auto got =
          run_unary(OpType::kLogistic, int8_operand({256}, q.first, q.second),
                    kProbabilityOutput({256}), x, {}, p);
      for (size_t i = 0; i < x.size(); ++i) {
        const double real = double(q.first) * (x[i] - q.second);
        check_probability(got[i], 1.0 / (1.0 + std::exp(-real)), 0.01);
      }
    }
  }
}

TEST_CASE("LOGISTIC matches the fixed-point simulation [tflite_reference]", "[logistic]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> log_scale(-7.0f, 1.0f);
  std::uniform_int_distribution<int> zp(-128, 127);
  for (int it = 0; it < scaled_iterations(40); ++it) {
    const float s = std::exp(log_scale(rng));
    const int32_t z = zp(rng);
    CAPTURE(it, s, z);
    const auto x = all_int8_values();
    const auto got = run_unary(OpType::kLogistic, int8_operand({256}, s, z),
                               kProbabilityOutput({256}), x);
    for (size_t i = 0; i < x.size(); ++i) {
      CAPTURE(int(x[i]));
      REQUIRE(int32_t(got[i]) == sim_logistic(x[i], s, z));
    }
  }
}

// TFLite's optimized kernel and XNNPACK tabulate sigmoid in float:
// table[q] = round(sigmoid(s * (q - zp)) * (1 / s_out)) + zp_out.
static void check_logistic_table(RequantProfile profile) {
  const uint32_t seed = test_seed();
  CAPTURE(seed, profile_tag(profile));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> scale(0.005f, 0.5f);
  std::uniform_int_distribution<int> zp(-128, 127);
  for (int it = 0; it < scaled_iterations(30); ++it) {
    const float s = scale(rng);
    const int32_t z = zp(rng);
    CAPTURE(it, s, z);
    const auto x = all_int8_values();
    const auto got = run_unary(OpType::kLogistic, int8_operand({256}, s, z),
                               kProbabilityOutput({256}), x, {}, profile);
    for (size_t i = 0; i < x.size(); ++i) {
      const float real = s * float(x[i] - z);
      const float sigmoid = 1.0f / (1.0f + std::exp(-real));
      const float scaled = sigmoid * (1.0f / (1.0f / 256));
      const float rounded = profile == RequantProfile::kXnnpackFp32 ? std::nearbyint(scaled)
                                                                    : std::round(scaled);
      CAPTURE(int(x[i]), scaled);
      REQUIRE(int32_t(got[i]) == clamp_i32(int64_t(rounded) - 128, -128, 127));
    }
  }
}

TEST_CASE("LOGISTIC matches the float table [single_rounding]", "[logistic]") {
  check_logistic_table(RequantProfile::kSingleRounding);
}
TEST_CASE("LOGISTIC matches the float table [xnnpack_fp32]", "[logistic]") {
  check_logistic_table(RequantProfile::kXnnpackFp32);
}

TEST_CASE("LOGISTIC rejects an output that is not 1/256, -128", "[logistic][validation]") {
  RunResult r = run_single_op(OpType::kLogistic, {int8_operand({2}, 0.1f, 0)},
                              int8_operand({2}, 1.0f / 255, -128), {}, {Bytes(2)});
  CHECK_FALSE(r.status.ok());
  CHECK_THAT(r.status.message(), Catch::Contains("output 0") && Catch::Contains("1/256"));
}

// ---------------------------------------------------------------- HARD_SWISH

TEST_CASE("HARD_SWISH hand-computed points", "[hard_swish]") {
  // in scale 0.05 zp 0, out scale 0.05 zp -10: x = 0 -> 0 -> -10.
  // x = 100 (real 5 >= 3) -> 5 -> 100 - 10 = 90. x = -100 (real -5) -> 0 -> -10.
  // x = 20 (real 1) -> 1 * 4 / 6 = 0.6667 -> 13.33 -> 13 - 10 = 3.
  const Operand in = int8_operand({4}, 0.05f, 0), out = int8_operand({4}, 0.05f, -10);
  CHECK(run_unary(OpType::kHardSwish, in, out, {0, 100, -100, 20}) ==
        std::vector<int8_t>{-10, 90, -10, 3});
}

TEST_CASE("HARD_SWISH matches simulation on every input [all profiles]", "[hard_swish]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> log_scale(-6.0f, 0.0f);
  std::uniform_int_distribution<int> zp(-128, 127);
  for (int it = 0; it < scaled_iterations(40); ++it) {
    const float si = std::exp(log_scale(rng)), so = si * std::exp(log_scale(rng) / 3.0f + 0.5f);
    const int32_t zi = zp(rng), zo = zp(rng);
    CAPTURE(it, si, so, zi, zo);
    const auto x = all_int8_values();
    for (RequantProfile p : kAllProfiles) {
      CAPTURE(profile_tag(p));
      const auto got = run_unary(OpType::kHardSwish, int8_operand({256}, si, zi),
                                 int8_operand({256}, so, zo), x, {}, p);
      for (size_t i = 0; i < x.size(); ++i) {
        CAPTURE(int(x[i]));
        REQUIRE(int32_t(got[i]) == sim_hardswish(x[i], si, zi, so, zo));
        // The algorithm itself stays within 1 LSB of the real function.
        const double real = hardswish_real(double(si) * (x[i] - zi)) / so + zo;
        CHECK(std::fabs(std::min(127.0, std::max(-128.0, real)) - got[i]) <= 1.0 + 1e-6);
      }
    }
  }
}

// ---------------------------------------------------------------- SOFTMAX

TEST_CASE("SOFTMAX hand-computed rows", "[softmax]") {
  // Four equal values: 1/4 each -> 64 - 128 = -64. A row of one: 1 -> 256,
  // clamped to 127. Row {0, 127} at scale 0.1: the small entry is
  // exp(-12.7) / (1 + ...) = 3e-6 -> -128, the large one 127.
  const Operand in4 = int8_operand({2, 4}, 0.1f, 0);
  CHECK(run_unary(OpType::kSoftmax, in4, kProbabilityOutput({2, 4}), {5, 5, 5, 5, -9, -9, -9, -9},
                  SoftmaxOptions{}) == std::vector<int8_t>{-64, -64, -64, -64, -64, -64, -64, -64});
  CHECK(run_unary(OpType::kSoftmax, int8_operand({3, 1}, 0.1f, 0), kProbabilityOutput({3, 1}),
                  {1, -128, 127}, SoftmaxOptions{}) == std::vector<int8_t>{127, 127, 127});
  CHECK(run_unary(OpType::kSoftmax, int8_operand({2}, 0.1f, 0), kProbabilityOutput({2}), {0, 127},
                  SoftmaxOptions{}) == std::vector<int8_t>{-128, 127});
}

TEST_CASE("SOFTMAX matches the real function [tflite_reference]", "[softmax]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> scale(0.005f, 0.2f), beta(0.5f, 2.0f);
  std::uniform_int_distribution<int> row_size(1, 40), rows(1, 5), zp(-128, 127);
  for (int it = 0; it < scaled_iterations(60); ++it) {
    const float s = scale(rng), b = beta(rng);
    const int32_t z = zp(rng);
    const int n = row_size(rng), m = rows(rng);
    CAPTURE(it, s, b, z, n, m);
    const auto x = random_ints<int8_t>(rng, size_t(n) * m, -128, 127);
    const auto got = run_unary(OpType::kSoftmax, int8_operand({m, n}, s, z),
                               kProbabilityOutput({m, n}), x, SoftmaxOptions{b});
    for (int r = 0; r < m; ++r) {
      const int8_t* row = x.data() + r * n;
      const int max = *std::max_element(row, row + n);
      double sum = 0;
      for (int c = 0; c < n; ++c) sum += std::exp(double(b) * s * (row[c] - max));
      for (int c = 0; c < n; ++c) {
        CAPTURE(r, c);
        check_probability(got[r * n + c], std::exp(double(b) * s * (row[c] - max)) / sum, 0.02);
      }
    }
  }
}

TEST_CASE("SOFTMAX matches the fixed-point simulation [tflite_reference]", "[softmax]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> log_scale(-6.0f, 0.0f), beta(0.3f, 3.0f);
  std::uniform_int_distribution<int> row_size(1, 64), rows(1, 4), zp(-128, 127);
  for (int it = 0; it < scaled_iterations(80); ++it) {
    const float s = std::exp(log_scale(rng)), b = beta(rng);
    const int n = row_size(rng), m = rows(rng);
    CAPTURE(it, s, b, n, m);
    const auto x = random_ints<int8_t>(rng, size_t(n) * m, -128, 127);
    const auto got = run_unary(OpType::kSoftmax, int8_operand({m, n}, s, zp(rng)),
                               kProbabilityOutput({m, n}), x, SoftmaxOptions{b});
    for (int r = 0; r < m; ++r) {
      const std::vector<int32_t> row(x.begin() + r * n, x.begin() + (r + 1) * n);
      const std::vector<int32_t> want = sim_softmax_row(row, s, b);
      for (int c = 0; c < n; ++c) {
        CAPTURE(r, c);
        REQUIRE(int32_t(got[r * n + c]) == want[c]);
      }
    }
  }
}

// TFLite's optimized int8 SOFTMAX: exp table in float, float sum in row
// order, round(e * (1 / (sum / 256))) half away from zero, minus 128.
static void check_softmax_table(RequantProfile profile) {
  const uint32_t seed = test_seed();
  CAPTURE(seed, profile_tag(profile));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> scale(0.005f, 0.2f), beta(0.5f, 2.0f);
  std::uniform_int_distribution<int> row_size(1, 40), rows(1, 5), zp(-128, 127);
  for (int it = 0; it < scaled_iterations(60); ++it) {
    const float s = scale(rng), b = beta(rng);
    const int n = row_size(rng), m = rows(rng);
    CAPTURE(it, s, b, n, m);
    const auto x = random_ints<int8_t>(rng, size_t(n) * m, -128, 127);
    const auto got = run_unary(OpType::kSoftmax, int8_operand({m, n}, s, zp(rng)),
                               kProbabilityOutput({m, n}), x, SoftmaxOptions{b}, profile);
    for (int r = 0; r < m; ++r) {
      const int8_t* row = x.data() + r * n;
      const int max = *std::max_element(row, row + n);
      const float minus_scale_beta = -s * b;
      auto e = [&](int v) { return std::exp(minus_scale_beta * float(max - v)); };
      float sum = 0.0f;
      for (int c = 0; c < n; ++c) sum += e(row[c]);
      const float inverse = 1.0f / (sum * (1.0f / 256));
      for (int c = 0; c < n; ++c) {
        CAPTURE(r, c);
        REQUIRE(int32_t(got[r * n + c]) ==
                clamp_i32(int64_t(std::round(e(row[c]) * inverse)) - 128, -128, 127));
      }
    }
  }
}

TEST_CASE("SOFTMAX matches the float table [single_rounding]", "[softmax]") {
  check_softmax_table(RequantProfile::kSingleRounding);
}
TEST_CASE("SOFTMAX matches the float table [xnnpack_fp32]", "[softmax]") {
  check_softmax_table(RequantProfile::kXnnpackFp32);
}

TEST_CASE("SOFTMAX, LOGISTIC, HARD_SWISH, RELU are identical on 1, 2 and 4 threads",
          "[softmax][logistic][hard_swish][relu][threads]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  const Shape shape{50, 300};
  const auto x = random_ints<int8_t>(rng, shape.num_elements(), -128, 127);
  const Operand in = int8_operand(shape, 0.05f, 4);
  struct Case {
    OpType type;
    Operand out;
    OpOptions options;
  };
  const Case cases[] = {{OpType::kSoftmax, kProbabilityOutput(shape), SoftmaxOptions{}},
                        {OpType::kLogistic, kProbabilityOutput(shape), {}},
                        {OpType::kHardSwish, int8_operand(shape, 0.04f, -3), {}},
                        {OpType::kRelu, int8_operand(shape, 0.03f, -100), {}}};
  for (const Case& c : cases) {
    CAPTURE(op_type_name(c.type));
    const auto one = run_unary(c.type, in, c.out, x, c.options, RequantProfile::kTfliteReference, 1);
    CHECK(run_unary(c.type, in, c.out, x, c.options, RequantProfile::kTfliteReference, 2) == one);
    CHECK(run_unary(c.type, in, c.out, x, c.options, RequantProfile::kTfliteReference, 4) == one);
  }
}

TEST_CASE("Activations reject mismatched dtypes naming the operand", "[relu][softmax][validation]") {
  Operand u8 = int8_operand({4}, 0.1f, 0);
  u8.dtype = DType::kUInt8;
  for (OpType type : {OpType::kRelu, OpType::kRelu6, OpType::kLogistic, OpType::kHardSwish}) {
    RunResult r = run_single_op(type, {int8_operand({4}, 0.1f, 0)}, u8, {}, {Bytes(4)});
    CAPTURE(op_type_name(type));
    CHECK_FALSE(r.status.ok());
    CHECK_THAT(r.status.message(), Catch::Contains("output 0") && Catch::Contains("dtype"));
  }
  RunResult r = run_single_op(OpType::kSoftmax, {int8_operand({4}, 0.1f, 0)},
                              int8_operand({4}, 1.0f / 256, 0), SoftmaxOptions{}, {Bytes(4)});
  CHECK_FALSE(r.status.ok());
  CHECK_THAT(r.status.message(), Catch::Contains("output 0"));
}

TEST_CASE("float32 graphs of ADD, MUL and the activations go to the float kernels",
          "[add][mul][softmax][logistic][hard_swish][relu][relu6][float]") {
  const Shape shape{4};
  const std::vector<float> x = {-1.5f, 0.0f, 2.0f, 7.0f};
  RunResult r = run_single_op(OpType::kAdd, {float_operand(shape), float_operand(shape)},
                              float_operand(shape), ElementwiseOptions{}, {to_bytes(x), to_bytes(x)});
  INFO(r.status.to_string());
  REQUIRE(r.status.ok());
  CHECK(from_bytes<float>(r.outputs[0]) == std::vector<float>{-3.0f, 0.0f, 4.0f, 14.0f});
  CHECK(r.kernels[0].rfind("f32_", 0) == 0);
  r = run_single_op(OpType::kRelu6, {float_operand(shape)}, float_operand(shape), {}, {to_bytes(x)});
  REQUIRE(r.status.ok());
  CHECK(from_bytes<float>(r.outputs[0]) == std::vector<float>{0.0f, 0.0f, 2.0f, 6.0f});
  const std::pair<OpType, OpOptions> others[] = {{OpType::kMul, ElementwiseOptions{}},
                                                 {OpType::kSoftmax, SoftmaxOptions{}},
                                                 {OpType::kLogistic, {}},
                                                 {OpType::kHardSwish, {}},
                                                 {OpType::kRelu, {}}};
  for (const auto& o : others) {
    CAPTURE(op_type_name(o.first));
    std::vector<Operand> inputs = {float_operand(shape)};
    std::vector<Bytes> data = {to_bytes(x)};
    if (o.first == OpType::kMul) {
      inputs.push_back(float_operand(shape));
      data.push_back(to_bytes(x));
    }
    r = run_single_op(o.first, inputs, float_operand(shape), o.second, data);
    INFO(r.status.to_string());
    CHECK(r.status.ok());
    if (r.status.ok()) CHECK(r.kernels[0].rfind("f32_", 0) == 0);
  }
}

TEST_CASE("HARD_SWISH and SOFTMAX reject parameters their algorithms cannot represent",
          "[hard_swish][softmax][validation]") {
  // (1 / 128) / 0.001 = 7.8 needs a left shift, which TFLite's int16 path forbids.
  RunResult r = run_single_op(OpType::kHardSwish, {int8_operand({4}, 1.0f, 0)},
                              int8_operand({4}, 0.001f, 0), {}, {Bytes(4)});
  CHECK_FALSE(r.status.ok());
  CHECK_THAT(r.status.message(), Catch::Contains("output 0") && Catch::Contains("scale"));
  r = run_single_op(OpType::kSoftmax, {int8_operand({4}, 0.1f, 0)}, kProbabilityOutput({4}),
                    SoftmaxOptions{-1.0f}, {Bytes(4)});
  CHECK_FALSE(r.status.ok());
  CHECK_THAT(r.status.message(), Catch::Contains("beta"));
  // beta * scale * 2^26 below 1 cannot be a left-shifting multiplier.
  r = run_single_op(OpType::kSoftmax, {int8_operand({4}, 1e-9f, 0)}, kProbabilityOutput({4}),
                    SoftmaxOptions{1.0f}, {Bytes(4)});
  CHECK_FALSE(r.status.ok());
  CHECK_THAT(r.status.message(), Catch::Contains("input 0") && Catch::Contains("beta"));
}

TEST_CASE("SOFTMAX rows beyond the fixed-point sum's reach", "[softmax][validation]") {
  // 4095 equal values: each 1/4095 * 256 = 0.0625 -> rounds to 0 -> -128.
  const std::vector<int8_t> x(4095, 7);
  CHECK(run_unary(OpType::kSoftmax, int8_operand({4095}, 0.1f, 0), kProbabilityOutput({4095}), x,
                  SoftmaxOptions{}) == std::vector<int8_t>(4095, -128));
  RunResult r = run_single_op(OpType::kSoftmax, {int8_operand({4096}, 0.1f, 0)},
                              kProbabilityOutput({4096}), SoftmaxOptions{}, {Bytes(4096)});
  CHECK(r.status.code() == StatusCode::kUnsupported);
  CHECK_THAT(r.status.message(), Catch::Contains("input 0") && Catch::Contains("4095"));
  // The float-table profiles have no such limit.
  r = run_single_op(OpType::kSoftmax, {int8_operand({4096}, 0.1f, 0)}, kProbabilityOutput({4096}),
                    SoftmaxOptions{}, {Bytes(4096)}, RequantProfile::kSingleRounding);
  CHECK(r.status.ok());
}

TEST_CASE("SOFTMAX long rows of near-maximal values [tflite_reference]", "[softmax]") {
  // Sums of exps above 256 push TFLite's final shift past 31 bits.
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> length(200, 4095), low(90, 127);
  for (int it = 0; it < scaled_iterations(6); ++it) {
    const int n = length(rng);
    const float s = 0.01f;
    const auto x = random_ints<int8_t>(rng, n, low(rng), 127);
    CAPTURE(it, n);
    const auto got = run_unary(OpType::kSoftmax, int8_operand({n}, s, 0), kProbabilityOutput({n}), x,
                               SoftmaxOptions{});
    const std::vector<int32_t> want = sim_softmax_row(std::vector<int32_t>(x.begin(), x.end()), s, 1.0f);
    const int max = *std::max_element(x.begin(), x.end());
    double sum = 0;
    for (int8_t v : x) sum += std::exp(double(s) * (v - max));
    for (int c = 0; c < n; ++c) {
      CAPTURE(c);
      REQUIRE(int32_t(got[c]) == want[c]);
      check_probability(got[c], std::exp(double(s) * (x[c] - max)) / sum, 0.02);
    }
  }
}
