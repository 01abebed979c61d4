// ADD and MUL on int8: hand-worked cases per profile, random shapes with
// broadcasting against the simulation, thread-count invariance, validation.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>

#include "elementwise_test_util.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

std::vector<int8_t> run_binary(OpType type, const Operand& a, const Operand& b, const Operand& out,
                               Activation act, const std::vector<int8_t>& xa,
                               const std::vector<int8_t>& xb, RequantProfile profile,
                               int threads = 1) {
  RunResult r = run_single_op(type, {a, b}, out, ElementwiseOptions{act},
                              {to_bytes(xa), to_bytes(xb)}, profile, threads);
  INFO(r.status.to_string());
  REQUIRE(r.status.ok());
  REQUIRE(r.outputs.size() == 1);
  return from_bytes<int8_t>(r.outputs[0]);
}

// Index of the element of `in` (aligned right, size-1 dims broadcast) that
// feeds output element with multi-index `index`.
size_t broadcast_source(const Shape& in, const Shape& out, const std::vector<int32_t>& index) {
  size_t offset = 0;
  for (int d = 0; d < in.rank; ++d) {
    const int od = d + (out.rank - in.rank);
    offset = offset * in[d] + (in[d] == 1 ? 0 : index[od]);
  }
  return offset;
}

struct BinaryCase {
  Shape a, b, out;
  float sa, sb, so;
  int32_t za, zb, zo;
  Activation act;
};

BinaryCase random_case(std::mt19937& rng) {
  std::uniform_int_distribution<int> rank_dist(1, 4), dim_dist(1, 5), coin(0, 2);
  std::uniform_real_distribution<float> scale_dist(0.005f, 0.5f);
  std::uniform_int_distribution<int> zp_dist(-128, 127), act_dist(0, 3);
  BinaryCase c;
  const int rank = rank_dist(rng);
  c.out.rank = rank;
  for (int d = 0; d < rank; ++d) c.out[d] = dim_dist(rng);
  // Each input keeps a suffix of the output dims, some of them set to 1.
  auto derive = [&](Shape* s) {
    const int r = std::uniform_int_distribution<int>(1, rank)(rng);
    s->rank = r;
    for (int d = 0; d < r; ++d) {
      const int od = d + rank - r;
      (*s)[d] = coin(rng) == 0 ? 1 : c.out[od];
    }
  };
  derive(&c.a);
  derive(&c.b);
  // The output is the broadcast of both (a dim where both chose 1 shrinks,
  // leading dims neither input has disappear).
  const int out_rank = std::max(c.a.rank, c.b.rank);
  c.out.rank = out_rank;
  for (int d = 0; d < out_rank; ++d) {
    const int da = d - (out_rank - c.a.rank), db = d - (out_rank - c.b.rank);
    const int32_t x = da >= 0 ? c.a[da] : 1, y = db >= 0 ? c.b[db] : 1;
    c.out[d] = std::max(x, y);
  }
  c.sa = scale_dist(rng);
  c.sb = scale_dist(rng);
  c.so = scale_dist(rng) * 2;
  c.za = zp_dist(rng);
  c.zb = zp_dist(rng);
  c.zo = zp_dist(rng);
  c.act = static_cast<Activation>(act_dist(rng));
  return c;
}

int32_t sim_add(const BinaryCase& c, int32_t xa, int32_t xb, RequantProfile profile) {
  int32_t lo, hi;
  sim_activation_range(c.act, c.so, c.zo, &lo, &hi);
  const float ra = c.sa / c.so, rb = c.sb / c.so;
  const bool xnnpack_accepts = ra >= 0x1.0p-10f && ra < 256.0f && rb >= 0x1.0p-10f && rb < 256.0f;
  if (profile == RequantProfile::kXnnpackFp32 && xnnpack_accepts) {
    // XNNPACK qs8 add: multipliers ratio * 2^shift (half to even), the larger
    // in [2^20, 2^21); sum; shift right rounding half up (floor of + half).
    int e = 0;
    std::frexp(std::max(ra, rb), &e);  // max in [2^(e-1), 2^e)
    const int shift = 21 - e;
    const int64_t ma = int64_t(std::nearbyint(double(ra) * std::ldexp(1.0, shift)));
    const int64_t mb = int64_t(std::nearbyint(double(rb) * std::ldexp(1.0, shift)));
    const int64_t acc = (xa - c.za) * ma + (xb - c.zb) * mb;
    const int64_t half = int64_t{1} << (shift - 1);
    const int64_t q = acc + half >= 0 ? (acc + half) >> shift
                                      : -((-(acc + half) + (int64_t{1} << shift) - 1) >> shift);
    return clamp_i32(q + c.zo, lo, hi);
  }
  if (profile == RequantProfile::kXnnpackFp32) profile = RequantProfile::kSingleRounding;
  const double twice_max = 2.0 * std::max<double>(c.sa, c.sb);
  const int64_t a = sim_requantize(profile, int64_t(xa - c.za) * (1 << 20), c.sa / twice_max, 0.0f);
  const int64_t b = sim_requantize(profile, int64_t(xb - c.zb) * (1 << 20), c.sb / twice_max, 0.0f);
  const int64_t sum = sim_requantize(profile, a + b, twice_max / (double(1 << 20) * c.so), 0.0f);
  return clamp_i32(sum + c.zo, lo, hi);
}

int32_t sim_mul(const BinaryCase& c, int32_t xa, int32_t xb, RequantProfile profile) {
  int32_t lo, hi;
  sim_activation_range(c.act, c.so, c.zo, &lo, &hi);
  const int64_t product = int64_t(xa - c.za) * (xb - c.zb);
  const double real = double(c.sa) * double(c.sb) / double(c.so);
  const float fp32_scale = c.sa * c.sb / c.so;
  // XNNPACK refuses scales outside [2^-16, 2^8); TFLite's own kernel runs.
  if (profile == RequantProfile::kXnnpackFp32 && !(fp32_scale >= 0x1.0p-16f && fp32_scale < 256.0f)) {
    profile = RequantProfile::kSingleRounding;
  }
  return clamp_i32(sim_requantize(profile, product, real, fp32_scale) + c.zo, lo, hi);
}

void check_random_binary(OpType type, RequantProfile profile) {
  const uint32_t seed = test_seed();
  CAPTURE(seed, profile_tag(profile));
  std::mt19937 rng(seed);
  const int iterations = scaled_iterations(60);
  for (int it = 0; it < iterations; ++it) {
    const BinaryCase c = random_case(rng);
    CAPTURE(it, c.a.to_string(), c.b.to_string(), c.out.to_string(), c.sa, c.sb, c.so, c.za, c.zb,
            c.zo, int(c.act));
    const auto xa = random_ints<int8_t>(rng, c.a.num_elements(), -128, 127);
    const auto xb = random_ints<int8_t>(rng, c.b.num_elements(), -128, 127);
    const auto got = run_binary(type, int8_operand(c.a, c.sa, c.za), int8_operand(c.b, c.sb, c.zb),
                                int8_operand(c.out, c.so, c.zo), c.act, xa, xb, profile);
    REQUIRE(got.size() == size_t(c.out.num_elements()));
    std::vector<int32_t> index(c.out.rank, 0);
    for (size_t i = 0; i < got.size(); ++i) {
      const int32_t va = xa[broadcast_source(c.a, c.out, index)];
      const int32_t vb = xb[broadcast_source(c.b, c.out, index)];
      const int32_t want = type == OpType::kAdd ? sim_add(c, va, vb, profile) : sim_mul(c, va, vb, profile);
      CAPTURE(i, va, vb);
      REQUIRE(int32_t(got[i]) == want);
      for (int d = c.out.rank - 1; d >= 0; --d) {
        if (++index[d] < c.out[d]) break;
        index[d] = 0;
      }
    }
  }
}

}  // namespace

TEST_CASE("ADD hand-computed ties follow each profile's rounding", "[add]") {
  // Scales 0.5, 0.5 -> 1.0, zero points 0: out = (x_a + x_b) / 2.
  //  -1 + -2 = -1.5: double rounding -> -2 (half away from zero), single
  //  rounding -> -1 (half up), XNNPACK (multipliers 2^20, shift 21, half up)
  //  -> -1.  1 + 4 = 2.5: 3 in all three.  3 + 5 = 4: exact.
  const Operand a = int8_operand({3}, 0.5f, 0), b = int8_operand({3}, 0.5f, 0);
  const Operand out = int8_operand({3}, 1.0f, 0);
  const std::vector<int8_t> xa = {-1, 1, 3}, xb = {-2, 4, 5};
  CHECK(run_binary(OpType::kAdd, a, b, out, Activation::kNone, xa, xb,
                   RequantProfile::kTfliteReference) == std::vector<int8_t>{-2, 3, 4});
  CHECK(run_binary(OpType::kAdd, a, b, out, Activation::kNone, xa, xb,
                   RequantProfile::kSingleRounding) == std::vector<int8_t>{-1, 3, 4});
  CHECK(run_binary(OpType::kAdd, a, b, out, Activation::kNone, xa, xb,
                   RequantProfile::kXnnpackFp32) == std::vector<int8_t>{-1, 3, 4});
}

TEST_CASE("ADD xnnpack_fp32 rounds its multipliers half to even", "[add]") {
  // Ratios 0.3 / 1 and 1 / 1 -> shift 20, m_a = round(0.3 * 2^20) = 314573
  // (0.3 * 2^20 = 314572.8), m_b = 2^20. x_a = 10, x_b = 0:
  // 10 * 314573 = 3145730; + 2^19 = 3670018; >> 20 = 3 (real 3.0000029).
  // x_a = 5, x_b = 0: 1572865 + 524288 = 2097153 >> 20 = 2 (real 1.5 rounds
  // up, one LSB above the tie because m_a rounded up).
  const Operand a = int8_operand({2}, 0.3f, 0), b = int8_operand({2}, 1.0f, 0);
  const Operand out = int8_operand({2}, 1.0f, 0);
  CHECK(run_binary(OpType::kAdd, a, b, out, Activation::kNone, {10, 5}, {0, 0},
                   RequantProfile::kXnnpackFp32) == std::vector<int8_t>{3, 2});
}

TEST_CASE("ADD hand-computed zero points, saturation and RELU6", "[add]") {
  // a: scale 0.1 zp 10, b: scale 0.2 zp -20, out: scale 0.1 zp -5, RELU6.
  // (30, -20): 2.0 + 0 = 2.0 -> 20 - 5 = 15.  (0, 0): -1.0 + 4.0 = 3.0 -> 25.
  // (127, 127): 11.7 + 29.4 clamps to RELU6's 6.0 -> 55.  (-128, -128):
  // -13.8 - 21.6 clamps to real 0 -> zp -5.
  const Operand a = int8_operand({4}, 0.1f, 10), b = int8_operand({4}, 0.2f, -20);
  const Operand out = int8_operand({4}, 0.1f, -5);
  for (RequantProfile p : kAllProfiles) {
    CAPTURE(profile_tag(p));
    CHECK(run_binary(OpType::kAdd, a, b, out, Activation::kRelu6, {30, 0, 127, -128},
                     {-20, 0, 127, -128}, p) == std::vector<int8_t>{15, 25, 55, -5});
  }
}

TEST_CASE("MUL hand-computed ties follow each profile's rounding", "[mul]") {
  // Scales 0.5 * 0.5 / 2.0 = 1/8; zp 1 and -1; out zp 10.
  // (4, -5): 3 * -4 = -12 -> -1.5 -> -2 / -1 / -2 -> 8 / 9 / 8.
  // (5, 4): 4 * 5 = 20 -> 2.5 -> 3 / 3 / 2 -> 13 / 13 / 12.
  const Operand a = int8_operand({2}, 0.5f, 1), b = int8_operand({2}, 0.5f, -1);
  const Operand out = int8_operand({2}, 2.0f, 10);
  const std::vector<int8_t> xa = {4, 5}, xb = {-5, 4};
  CHECK(run_binary(OpType::kMul, a, b, out, Activation::kNone, xa, xb,
                   RequantProfile::kTfliteReference) == std::vector<int8_t>{8, 13});
  CHECK(run_binary(OpType::kMul, a, b, out, Activation::kNone, xa, xb,
                   RequantProfile::kSingleRounding) == std::vector<int8_t>{9, 13});
  CHECK(run_binary(OpType::kMul, a, b, out, Activation::kNone, xa, xb,
                   RequantProfile::kXnnpackFp32) == std::vector<int8_t>{8, 12});
}

TEST_CASE("ADD and MUL broadcast a row and a column", "[add][mul]") {
  // a [2,1] = {1, 2}, b [3] = {10, 20, 30}; unit scales, zero points 0.
  const Operand a = int8_operand({2, 1}, 1.0f, 0), b = int8_operand({3}, 1.0f, 0);
  const Operand out = int8_operand({2, 3}, 1.0f, 0);
  CHECK(run_binary(OpType::kAdd, a, b, out, Activation::kNone, {1, 2}, {10, 20, 30},
                   RequantProfile::kTfliteReference) ==
        std::vector<int8_t>{11, 21, 31, 12, 22, 32});
  CHECK(run_binary(OpType::kMul, a, b, out, Activation::kNone, {1, 2}, {10, 20, 30},
                   RequantProfile::kTfliteReference) ==
        std::vector<int8_t>{10, 20, 30, 20, 40, 60});
}

TEST_CASE("ADD matches simulation [tflite_reference]", "[add]") {
  check_random_binary(OpType::kAdd, RequantProfile::kTfliteReference);
}
TEST_CASE("ADD matches simulation [single_rounding]", "[add]") {
  check_random_binary(OpType::kAdd, RequantProfile::kSingleRounding);
}
TEST_CASE("ADD matches simulation [xnnpack_fp32]", "[add]") {
  check_random_binary(OpType::kAdd, RequantProfile::kXnnpackFp32);
}
TEST_CASE("MUL matches simulation [tflite_reference]", "[mul]") {
  check_random_binary(OpType::kMul, RequantProfile::kTfliteReference);
}
TEST_CASE("MUL matches simulation [single_rounding]", "[mul]") {
  check_random_binary(OpType::kMul, RequantProfile::kSingleRounding);
}
TEST_CASE("MUL matches simulation [xnnpack_fp32]", "[mul]") {
  check_random_binary(OpType::kMul, RequantProfile::kXnnpackFp32);
}

TEST_CASE("ADD and MUL give identical results on 1, 2 and 4 threads", "[add][mul][threads]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  // Large enough to split into many blocks, both along rows and within rows.
  const std::vector<std::pair<Shape, Shape>> shapes = {
      {Shape{3, 40, 100}, Shape{3, 1, 100}}, {Shape{1, 9000}, Shape{1}}, {Shape{6000, 2}, Shape{2}}};
  for (OpType type : {OpType::kAdd, OpType::kMul}) {
    for (const auto& s : shapes) {
      const Shape out = s.first;
      const auto xa = random_ints<int8_t>(rng, s.first.num_elements(), -128, 127);
      const auto xb = random_ints<int8_t>(rng, s.second.num_elements(), -128, 127);
      const Operand a = int8_operand(s.first, 0.05f, 3), b = int8_operand(s.second, 0.07f, -9);
      const Operand o = int8_operand(out, 0.1f, 1);
      const auto one = run_binary(type, a, b, o, Activation::kNone, xa, xb,
                                  RequantProfile::kTfliteReference, 1);
      CHECK(run_binary(type, a, b, o, Activation::kNone, xa, xb, RequantProfile::kTfliteReference,
                       2) == one);
      CHECK(run_binary(type, a, b, o, Activation::kNone, xa, xb, RequantProfile::kTfliteReference,
                       4) == one);
    }
  }
}

TEST_CASE("ADD with a constant operand", "[add]") {
  // b is a constant {1, -1} broadcast over rows of a [2,2]; unit scales.
  Operand b = int8_operand({2}, 1.0f, 0);
  b.constant = to_bytes(std::vector<int8_t>{1, -1});
  RunResult r = run_single_op(OpType::kAdd, {int8_operand({2, 2}, 1.0f, 0), b},
                              int8_operand({2, 2}, 1.0f, 0), ElementwiseOptions{},
                              {to_bytes(std::vector<int8_t>{5, 5, -7, 127})});
  INFO(r.status.to_string());
  REQUIRE(r.status.ok());
  CHECK(from_bytes<int8_t>(r.outputs[0]) == std::vector<int8_t>{6, 4, -6, 126});
  // Whichever variant the CPU allows; all are bit-exact with the reference.
  CHECK(r.kernels[0].rfind("qs8_add__", 0) == 0);
}

TEST_CASE("ADD and MUL reject bad operands naming them", "[add][mul][validation]") {
  for (OpType type : {OpType::kAdd, OpType::kMul}) {
    // Shapes that do not broadcast.
    RunResult r = run_single_op(type, {int8_operand({2, 3}, 1.0f, 0), int8_operand({4}, 1.0f, 0)},
                                int8_operand({2, 3}, 1.0f, 0), ElementwiseOptions{},
                                {Bytes(6), Bytes(4)});
    CHECK_FALSE(r.status.ok());
    CHECK_THAT(r.status.message(), Catch::Contains("input 1") && Catch::Contains("broadcast"));
    // Mixed dtypes.
    Operand u8 = int8_operand({2}, 1.0f, 0);
    u8.dtype = DType::kUInt8;
    r = run_single_op(type, {int8_operand({2}, 1.0f, 0), u8}, int8_operand({2}, 1.0f, 0),
                      ElementwiseOptions{}, {Bytes(2), Bytes(2)});
    CHECK_FALSE(r.status.ok());
    CHECK_THAT(r.status.message(), Catch::Contains("input 1") && Catch::Contains("dtype"));
    // Missing quantization on the output.
    Operand unquantized = int8_operand({2}, 1.0f, 0);
    unquantized.quant = {};
    r = run_single_op(type, {int8_operand({2}, 1.0f, 0), int8_operand({2}, 1.0f, 0)}, unquantized,
                      ElementwiseOptions{}, {Bytes(2), Bytes(2)});
    CHECK_FALSE(r.status.ok());
    CHECK_THAT(r.status.message(), Catch::Contains("output 0"));
  }
}
