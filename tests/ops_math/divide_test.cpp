// DIV and FLOOR_DIV (float32 and int32, broadcasting, DIV's fused activation,
// zero divisors failing invoke()), SQRT and RSQRT.
#include <catch2/catch.hpp>

#include <cfloat>
#include <cmath>
#include <limits>

#include "math_test_util.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

Tensor ints(Shape shape, std::vector<int32_t> v) { return tensor_of(DType::kInt32, shape, v); }
Tensor floats(Shape shape, std::vector<float> v) { return tensor_of(DType::kFloat32, shape, v); }

}  // namespace

TEST_CASE("DIV float32 broadcasts and clamps like TFLite", "[div]") {
  const Tensor a = floats({2, 3}, {1, -2, 3, 4, 0, -6});
  const Tensor b = floats({3}, {2, 4, 0});
  const auto out = run_one<float>(OpType::kDiv, {a, b}, DType::kFloat32, {2, 3},
                                  ElementwiseOptions{Activation::kNone});
  // x / 0 is an infinity, clamped to +-FLT_MAX by TFLite's activation range.
  CHECK(out == std::vector<float>{0.5f, -0.5f, FLT_MAX, 2.0f, 0.0f, -FLT_MAX});
  CHECK(run_one<float>(OpType::kDiv, {a, b}, DType::kFloat32, {2, 3},
                       ElementwiseOptions{Activation::kRelu6}) ==
        std::vector<float>{0.5f, 0.0f, 6.0f, 2.0f, 0.0f, 0.0f});
  const auto nan = run_one<float>(OpType::kDiv, {floats({1}, {0}), floats({1}, {0})},
                                  DType::kFloat32, {1}, ElementwiseOptions{Activation::kRelu});
  CHECK(std::isnan(nan[0]));
}

TEST_CASE("DIV int32 truncates and a zero divisor fails invoke()", "[div]") {
  const Tensor a = ints({4}, {7, -7, 7, std::numeric_limits<int32_t>::min()});
  const Tensor b = ints({4}, {2, 2, -2, -1});
  CHECK(run_one<int32_t>(OpType::kDiv, {a, b}, DType::kInt32, {4}, ElementwiseOptions{}) ==
        std::vector<int32_t>{3, -3, -3, std::numeric_limits<int32_t>::min()});
  CHECK_THAT(failure_of(OpType::kDiv, {a, ints({2, 1}, {1, 0})}, DType::kInt32, {2, 4},
                        ElementwiseOptions{}),
             Catch::Contains("DIV") && Catch::Contains("division by zero") &&
                 Catch::Contains("position 1"));
}

TEST_CASE("FLOOR_DIV rounds toward minus infinity", "[floor_div]") {
  const Tensor a = ints({2, 3}, {7, -7, 7, -7, 0, -1});
  const Tensor b = ints({2, 1}, {2, -2});
  CHECK(run_one<int32_t>(OpType::kFloorDiv, {a, b}, DType::kInt32, {2, 3}) ==
        std::vector<int32_t>{3, -4, 3, 3, 0, 0});
  CHECK(run_one<float>(OpType::kFloorDiv, {floats({3}, {7, -7, 1e30f}), floats({}, {2})},
                       DType::kFloat32, {3}) == std::vector<float>{3, -4, 5e29f});
  CHECK_THAT(failure_of(OpType::kFloorDiv, {a, ints({}, {0})}, DType::kInt32, {2, 3}),
             Catch::Contains("FLOOR_DIV") && Catch::Contains("division by zero"));
}

TEST_CASE("DIV and FLOOR_DIV on two threads equal one thread", "[div][floor_div]") {
  std::vector<int32_t> av(3 * 5000), bv(5000);
  for (size_t i = 0; i < av.size(); ++i) av[i] = static_cast<int32_t>(i * 7919 % 2001) - 1000;
  for (size_t i = 0; i < bv.size(); ++i) bv[i] = static_cast<int32_t>(i % 13) - 6 == 0 ? 5 : static_cast<int32_t>(i % 13) - 6;
  const Tensor a = ints({3, 5000}, av), b = ints({5000}, bv);
  for (OpType type : {OpType::kDiv, OpType::kFloorDiv}) {
    const OpOptions options = type == OpType::kDiv ? OpOptions{ElementwiseOptions{}} : OpOptions{};
    const auto one = run_one<int32_t>(type, {a, b}, DType::kInt32, {3, 5000}, options, 1);
    CHECK(run_one<int32_t>(type, {a, b}, DType::kInt32, {3, 5000}, options, 2) == one);
    const int32_t q = av[7] / bv[7];
    CHECK(one[7] == (type == OpType::kDiv || (av[7] % bv[7] == 0) || ((av[7] < 0) == (bv[7] < 0))
                         ? q : q - 1));
  }
}

TEST_CASE("SQRT and RSQRT", "[sqrt]") {
  const Tensor x = floats({4}, {4, 0, -1, std::numeric_limits<float>::infinity()});
  const auto root = run_one<float>(OpType::kSqrt, {x}, DType::kFloat32, {4});
  CHECK(root[0] == 2.0f);
  CHECK(root[1] == 0.0f);
  CHECK(std::isnan(root[2]));
  CHECK(std::isinf(root[3]));
  const auto inverse = run_one<float>(OpType::kRsqrt, {x}, DType::kFloat32, {4});
  CHECK(inverse[0] == 0.5f);
  CHECK(std::isinf(inverse[1]));
  CHECK(std::isnan(inverse[2]));
  CHECK(inverse[3] == 0.0f);
}

TEST_CASE("DIV, FLOOR_DIV and SQRT validation", "[div][validation]") {
  const Tensor f = floats({2}, {1, 2});
  CHECK_THAT(load_status(OpType::kDiv, {f, ints({2}, {1, 2})}, {{DType::kFloat32, {2}, {}}},
                         ElementwiseOptions{}).message(),
             Catch::Contains("DIV") && Catch::Contains("input 1"));
  CHECK_THAT(load_status(OpType::kFloorDiv, {f, floats({3}, {1, 2, 3})},
                         {{DType::kFloat32, {2}, {}}}, {}).message(),
             Catch::Contains("FLOOR_DIV") && Catch::Contains("do not broadcast"));
  CHECK_THAT(load_status(OpType::kDiv, {f, f, f}, {{DType::kFloat32, {2}, {}}}, ElementwiseOptions{})
                 .message(),
             Catch::Contains("DIV") && Catch::Contains("inputs"));
  CHECK_THAT(load_status(OpType::kSqrt, {ints({2}, {1, 2})}, {{DType::kInt32, {2}, {}}}, {}).message(),
             Catch::Contains("SQRT") && Catch::Contains("int32"));
}
