#include <catch2/catch.hpp>

#include "int8_test_util.h"
#include "kernels/reference/qs8_pool2d.h"
#include "ops/pool2d_common.h"

namespace lowbit {
namespace {

using int8_test::uniform;
using testing::Bytes;

template <typename T>
struct PoolCase {
  sim::PoolShape shape;
  Activation activation = Activation::kNone;
  float scale = 0.1f;
  int32_t zp = 0;
  std::vector<T> input;

  sim::Dim out_h() const { return sim::padded(shape.h, shape.fh, shape.stride_h, 1, shape.padding); }
  sim::Dim out_w() const { return sim::padded(shape.w, shape.fw, shape.stride_w, 1, shape.padding); }
  Pool2DOptions options() const {
    // padding, stride_h, stride_w, filter_h, filter_w, activation
    return Pool2DOptions{shape.padding, shape.stride_h, shape.stride_w,
                         shape.fh,      shape.fw,       activation};
  }
  void act_range(int32_t* lo, int32_t* hi) const {
    sim::activation_range(activation, scale, zp, std::is_same<T, uint8_t>::value, lo, hi);
  }
  std::vector<T> expected(bool average) const {
    int32_t lo, hi;
    act_range(&lo, &hi);
    return sim::pool2d(shape, average, lo, hi, input);
  }
  std::string describe() const {
    const auto& s = shape;
    return "in [" + std::to_string(s.n) + "," + std::to_string(s.h) + "," + std::to_string(s.w) +
           "," + std::to_string(s.c) + "] filter " + std::to_string(s.fh) + "x" +
           std::to_string(s.fw) + " stride " + std::to_string(s.stride_h) + "x" +
           std::to_string(s.stride_w) + (s.padding == Padding::kSame ? " SAME" : " VALID") +
           " act " + std::to_string(int(activation)) + " scale " + std::to_string(scale) +
           " zp " + std::to_string(zp);
  }
};

template <typename T>
PoolCase<T> random_case(std::mt19937& rng) {
  const bool is_uint8 = std::is_same<T, uint8_t>::value;
  PoolCase<T> t;
  sim::PoolShape& s = t.shape;
  s.n = uniform(rng, 1, 2);
  s.c = uniform(rng, 1, 5);
  s.fh = uniform(rng, 1, 4);
  s.fw = uniform(rng, 1, 4);
  s.stride_h = uniform(rng, 1, 3);
  s.stride_w = uniform(rng, 1, 3);
  s.padding = uniform(rng, 0, 1) ? Padding::kSame : Padding::kValid;
  s.h = uniform(rng, s.padding == Padding::kValid ? s.fh : 1, 9);
  s.w = uniform(rng, s.padding == Padding::kValid ? s.fw : 1, 9);
  t.activation = int8_test::random_activation(rng);
  t.scale = int8_test::uniform_real(rng, 0.005f, 0.1f);
  const int lo = is_uint8 ? 0 : -128, hi = is_uint8 ? 255 : 127;
  t.zp = uniform(rng, lo, hi);
  t.input = testing::random_ints<T>(rng, size_t(s.n) * s.h * s.w * s.c, lo, hi);
  return t;
}

template <typename T>
std::unique_ptr<ModelBuilder> build_model(const PoolCase<T>& t, OpType type) {
  const DType dtype = std::is_same<T, uint8_t>::value ? DType::kUInt8 : DType::kInt8;
  const sim::PoolShape& s = t.shape;
  auto model = std::make_unique<ModelBuilder>();
  ModelBuilder& b = *model;
  const int in = b.add_tensor("input", dtype, Shape{s.n, s.h, s.w, s.c},
                              testing::per_tensor(t.scale, t.zp));
  const int out = b.add_tensor("output", dtype, Shape{s.n, t.out_h().out, t.out_w().out, s.c},
                               testing::per_tensor(t.scale, t.zp));
  b.add_operator(type, {in}, {out}, t.options(), "pool");
  b.set_inputs({in});
  b.set_outputs({out});
  return model;
}

// Input 1x3x3x1
//   10  -3   5
//    4   2  -7
//   -9  -8   6
// 2x2 filter, stride 2, SAME: out 2x2, the pad (one row/column) goes after,
// so the windows hold 4, 2, 2 and 1 valid taps.
const std::vector<int8_t> kHandInput = {10, -3, 5, 4, 2, -7, -9, -8, 6};

std::unique_ptr<ModelBuilder> hand_model(OpType type, Activation activation) {
  PoolCase<int8_t> t;
  t.shape.h = t.shape.w = 3;
  t.shape.fh = t.shape.fw = 2;
  t.shape.stride_h = t.shape.stride_w = 2;
  t.shape.padding = Padding::kSame;
  t.activation = activation;
  t.scale = 0.5f;
  t.zp = -4;
  return build_model(t, type);
}

void average_hand_computed(RequantProfile profile) {
  // Sums / valid taps: 13/4 = 3.25 -> 3;  -2/2 = -1;  -17/2 = -8.5 -> -9 (half
  // away from zero);  6/1 = 6.  RELU at scale 0.5, zero point -4 clamps below
  // Q(0) = -4: [3, -1, -4, 6].
  const Bytes out = int8_test::run_all_thread_counts(
      *hand_model(OpType::kAveragePool2D, Activation::kRelu), {testing::to_bytes(kHandInput)},
      profile, "qs8_average_pool2d__reference");
  CHECK(testing::from_bytes<int8_t>(out) == std::vector<int8_t>{3, -1, -4, 6});
}
LOWBIT_PROFILE_TEST_CASES("AVERAGE_POOL_2D hand-computed", "[avgpool]", average_hand_computed)

void max_hand_computed(RequantProfile profile) {
  // Maxima: 10, 5, -8, 6. RELU6 clamps to [Q(0), Q(6)] = [-4, -4 + 12 = 8]:
  // [8, 5, -4, 6].
  const Bytes out = int8_test::run_all_thread_counts(
      *hand_model(OpType::kMaxPool2D, Activation::kRelu6), {testing::to_bytes(kHandInput)},
      profile, "qs8_max_pool2d__reference");
  CHECK(testing::from_bytes<int8_t>(out) == std::vector<int8_t>{8, 5, -4, 6});
}
LOWBIT_PROFILE_TEST_CASES("MAX_POOL_2D hand-computed", "[maxpool]", max_hand_computed)

template <typename T, typename Kernel>
void kernel_matches_simulation(bool average, Kernel kernel, uint32_t seed_offset) {
  std::mt19937 rng(testing::test_seed() + seed_offset);
  CAPTURE(testing::test_seed());
  for (int iter = 0; iter < testing::scaled_iterations(300); ++iter) {
    const PoolCase<T> t = random_case<T>(rng);
    INFO("iteration " << iter << ": " << t.describe());
    const sim::PoolShape& s = t.shape;
    ref::PoolParams p;
    REQUIRE(pool_params(Shape{s.n, s.h, s.w, s.c}, t.options(), &p).ok());
    // The operator's geometry must be the simulation's.
    REQUIRE(p.output_h == t.out_h().out);
    REQUIRE(p.output_w == t.out_w().out);
    REQUIRE(p.pad_top == t.out_h().pad_before);
    REQUIRE(p.pad_left == t.out_w().pad_before);
    t.act_range(&p.act_min, &p.act_max);
    const size_t rows = size_t(p.batch) * p.output_h;
    std::vector<T> out(rows * p.output_w * p.channels, 0x55);
    const size_t split = uniform(rng, 0, int(rows));
    kernel(p, t.input.data(), out.data(), 0, split);
    kernel(p, t.input.data(), out.data(), split, rows);
    REQUIRE(out == t.expected(average));
  }
}

TEST_CASE("pool reference kernels match simulation", "[avgpool][maxpool][kernel]") {
  kernel_matches_simulation<int8_t>(true, ref::qs8_average_pool2d__reference, 30);
  kernel_matches_simulation<uint8_t>(true, ref::qu8_average_pool2d__reference, 31);
  kernel_matches_simulation<int8_t>(false, ref::qs8_max_pool2d__reference, 32);
  kernel_matches_simulation<uint8_t>(false, ref::qu8_max_pool2d__reference, 33);
}

template <typename T>
void operator_matches_simulation(RequantProfile profile, OpType type, const char* kernel,
                                 int iterations, uint32_t seed_offset) {
  std::mt19937 rng(testing::test_seed() + seed_offset);
  CAPTURE(testing::test_seed());
  for (int iter = 0; iter < testing::scaled_iterations(iterations); ++iter) {
    const PoolCase<T> t = random_case<T>(rng);
    INFO("iteration " << iter << ": " << t.describe());
    const Bytes out = int8_test::run_all_thread_counts(
        *build_model(t, type), {testing::to_bytes(t.input)}, profile, kernel, iter < 2);
    REQUIRE(testing::from_bytes<T>(out) == t.expected(type == OpType::kAveragePool2D));
  }
}

// Pools do not requantize: every profile must give the same answer.
void average_operator(RequantProfile profile) {
  operator_matches_simulation<int8_t>(profile, OpType::kAveragePool2D,
                                      "qs8_average_pool2d__reference", 6, 34);
  operator_matches_simulation<uint8_t>(profile, OpType::kAveragePool2D,
                                       "qu8_average_pool2d__reference", 3, 35);
}
LOWBIT_PROFILE_TEST_CASES("AVERAGE_POOL_2D matches simulation", "[avgpool]", average_operator)

void max_operator(RequantProfile profile) {
  operator_matches_simulation<int8_t>(profile, OpType::kMaxPool2D, "qs8_max_pool2d__reference",
                                      6, 36);
  operator_matches_simulation<uint8_t>(profile, OpType::kMaxPool2D, "qu8_max_pool2d__reference",
                                       3, 37);
}
LOWBIT_PROFILE_TEST_CASES("MAX_POOL_2D matches simulation", "[maxpool]", max_operator)

}  // namespace
}  // namespace lowbit
