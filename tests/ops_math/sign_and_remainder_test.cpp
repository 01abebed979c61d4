// FLOOR_MOD (remainder with the divisor's sign, zero divisor failing invoke()),
// SQUARED_DIFFERENCE, ABS and NEG in float32 and int32.
#include <catch2/catch.hpp>

#include <limits>

#include "math_test_util.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

constexpr int32_t kIntMin = std::numeric_limits<int32_t>::min();

Tensor ints(Shape shape, std::vector<int32_t> v) { return tensor_of(DType::kInt32, shape, v); }
Tensor floats(Shape shape, std::vector<float> v) { return tensor_of(DType::kFloat32, shape, v); }

}  // namespace

TEST_CASE("FLOOR_MOD takes the divisor's sign", "[floor_mod]") {
  const Tensor a = ints({2, 3}, {7, -7, 6, 7, -7, kIntMin});
  const Tensor b = ints({2, 1}, {3, -1});
  CHECK(run_one<int32_t>(OpType::kFloorMod, {a, b}, DType::kInt32, {2, 3}) ==
        std::vector<int32_t>{1, 2, 0, 0, 0, 0});
  CHECK(run_one<int32_t>(OpType::kFloorMod, {ints({2}, {7, -7}), ints({}, {-3})}, DType::kInt32,
                         {2}) == std::vector<int32_t>{-2, -1});
  CHECK(run_one<float>(OpType::kFloorMod, {floats({2}, {7.5f, -7.5f}), floats({}, {2})},
                       DType::kFloat32, {2}) == std::vector<float>{1.5f, 0.5f});
  CHECK_THAT(failure_of(OpType::kFloorMod, {a, ints({}, {0})}, DType::kInt32, {2, 3}),
             Catch::Contains("FLOOR_MOD") && Catch::Contains("division by zero"));
}

TEST_CASE("SQUARED_DIFFERENCE, ABS and NEG", "[squared_difference][abs][neg]") {
  CHECK(run_one<float>(OpType::kSquaredDifference, {floats({2, 2}, {1, 2, 3, 4}), floats({2}, {3, 0})},
                       DType::kFloat32, {2, 2}) == std::vector<float>{4, 4, 0, 16});
  CHECK(run_one<int32_t>(OpType::kSquaredDifference, {ints({2}, {65536, -3}), ints({}, {0})},
                         DType::kInt32, {2}) == std::vector<int32_t>{0, 9});
  const Tensor x = ints({3}, {-5, 0, kIntMin});
  CHECK(run_one<int32_t>(OpType::kAbs, {x}, DType::kInt32, {3}) == std::vector<int32_t>{5, 0, kIntMin});
  CHECK(run_one<int32_t>(OpType::kNeg, {x}, DType::kInt32, {3}) == std::vector<int32_t>{5, 0, kIntMin});
  const auto negated = run_one<float>(OpType::kNeg, {floats({2}, {0.0f, -1.5f})}, DType::kFloat32, {2});
  CHECK(bits_of(negated[0]) == 0x80000000u);
  CHECK(negated[1] == 1.5f);
  CHECK(run_one<float>(OpType::kAbs, {floats({2}, {-0.0f, -2.5f})}, DType::kFloat32, {2}) ==
        std::vector<float>{0.0f, 2.5f});
  CHECK_THAT(load_status(OpType::kAbs, {tensor_of(DType::kInt64, {1}, std::vector<int64_t>{1})},
                         {{DType::kInt64, {1}, {}}}, {}).message(),
             Catch::Contains("ABS") && Catch::Contains("int64"));
}
