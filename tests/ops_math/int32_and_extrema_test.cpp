// int32 ADD, SUB and MUL (wrapping, activation-clamped as TFLite's int32
// kernels) and MAXIMUM/MINIMUM (NaN and quantized operands).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "math_test_util.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

constexpr int32_t kIntMax = std::numeric_limits<int32_t>::max();
constexpr int32_t kIntMin = std::numeric_limits<int32_t>::min();

Tensor ints(Shape shape, std::vector<int32_t> v) { return tensor_of(DType::kInt32, shape, v); }

}  // namespace

TEST_CASE("int32 ADD, SUB and MUL wrap and clamp like TFLite", "[int32]") {
  const Tensor a = ints({2, 2}, {kIntMax, 5, -7, kIntMin});
  const Tensor b = ints({2}, {1, -3});
  CHECK(run_one<int32_t>(OpType::kAdd, {a, b}, DType::kInt32, {2, 2}, ElementwiseOptions{}) ==
        std::vector<int32_t>{kIntMin, 2, -6, kIntMax - 2});
  CHECK(run_one<int32_t>(OpType::kSub, {a, b}, DType::kInt32, {2, 2}, ElementwiseOptions{}) ==
        std::vector<int32_t>{kIntMax - 1, 8, -8, kIntMin + 3});
  CHECK(run_one<int32_t>(OpType::kMul, {a, b}, DType::kInt32, {2, 2},
                         ElementwiseOptions{Activation::kRelu6}) ==
        std::vector<int32_t>{6, 0, 0, 0});
  CHECK(run_one<int32_t>(OpType::kMul, {ints({}, {65536}), ints({}, {65536})}, DType::kInt32, {},
                         ElementwiseOptions{}) == std::vector<int32_t>{0});
}

TEST_CASE("MAXIMUM and MINIMUM broadcast and return b when the comparison fails", "[extrema]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const Tensor a = tensor_of(DType::kFloat32, {3}, std::vector<float>{1, nan, -2});
  const Tensor b = tensor_of(DType::kFloat32, {3}, std::vector<float>{nan, 3, -1});
  const auto hi = run_one<float>(OpType::kMaximum, {a, b}, DType::kFloat32, {3});
  CHECK(std::isnan(hi[0]));
  CHECK(hi[1] == 3.0f);
  CHECK(hi[2] == -1.0f);
  const auto lo = run_one<float>(OpType::kMinimum, {a, b}, DType::kFloat32, {3});
  CHECK(std::isnan(lo[0]));
  CHECK(lo[2] == -2.0f);
  const Tensor q = tensor_of(DType::kInt8, {2, 2}, std::vector<int8_t>{-5, 7, 100, -100});
  const Tensor r = tensor_of(DType::kInt8, {2}, std::vector<int8_t>{0, 8});
  CHECK(run_one<int8_t>(OpType::kMaximum, {q, r}, DType::kInt8, {2, 2}) ==
        std::vector<int8_t>{0, 8, 100, 8});
  CHECK(run_one<int8_t>(OpType::kMinimum, {q, r}, DType::kInt8, {2, 2}) ==
        std::vector<int8_t>{-5, 7, 0, -100});
  const Tensor wide = tensor_of(DType::kInt64, {2}, std::vector<int64_t>{int64_t{1} << 40, -1});
  CHECK(run_one<int64_t>(OpType::kMinimum, {wide, tensor_of(DType::kInt64, {}, std::vector<int64_t>{0})},
                         DType::kInt64, {2}) == std::vector<int64_t>{0, -1});
}

TEST_CASE("MAXIMUM validation", "[extrema][validation]") {
  const Tensor f = tensor_of(DType::kFloat32, {2}, std::vector<float>{1, 2});
  CHECK_THAT(load_status(OpType::kMaximum, {f, tensor_of(DType::kBool, {2}, std::vector<uint8_t>{1, 0})},
                         {{DType::kFloat32, {2}, {}}}, {}).message(),
             Catch::Contains("MAXIMUM") && Catch::Contains("input 1"));
  CHECK_THAT(load_status(OpType::kMinimum, {f, f, f}, {{DType::kFloat32, {2}, {}}}, {}).message(),
             Catch::Contains("MINIMUM") && Catch::Contains("inputs"));
}
