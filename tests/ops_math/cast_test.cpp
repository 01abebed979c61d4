// CAST: TFLite's conversions (values checked against LiteRT BUILTIN_REF):
// float -> integer truncates and saturates with NaN at the maximum, integer
// narrowing keeps the low bits, anything -> bool is != 0.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "math_test_util.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

const float kNan = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();
const std::vector<float> kFloats = {kNan, kInf, -kInf, 3e9f, -3e9f, 300.7f, -300.7f, -128.7f,
                                    -129.5f, 2147483520.0f, -1.5f, 0.0f};

template <typename Out>
std::vector<Out> cast_floats(DType to) {
  const Shape shape{static_cast<int32_t>(kFloats.size())};
  return run_one<Out>(OpType::kCast, {tensor_of(DType::kFloat32, shape, kFloats)}, to, shape);
}

}  // namespace

TEST_CASE("CAST float to integers truncates and saturates as LiteRT", "[cast]") {
  constexpr int32_t kMax = std::numeric_limits<int32_t>::max(), kMin = std::numeric_limits<int32_t>::min();
  CHECK(cast_floats<int32_t>(DType::kInt32) ==
        std::vector<int32_t>{kMax, kMax, kMin, kMax, kMin, 300, -300, -128, -129, 2147483520, -1, 0});
  CHECK(cast_floats<int8_t>(DType::kInt8) ==
        std::vector<int8_t>{127, 127, -128, 127, -128, 127, -128, -128, -128, 127, -1, 0});
  CHECK(cast_floats<uint8_t>(DType::kUInt8) ==
        std::vector<uint8_t>{255, 255, 0, 255, 0, 255, 0, 0, 0, 255, 0, 0});
  const std::vector<int64_t> wide = cast_floats<int64_t>(DType::kInt64);
  CHECK(wide[0] == std::numeric_limits<int64_t>::max());
  CHECK(wide[3] == 3000000000);
  CHECK(wide[4] == -3000000000);
  CHECK(cast_floats<uint8_t>(DType::kBool) ==
        std::vector<uint8_t>{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0});
}

TEST_CASE("CAST between integers keeps the low bits", "[cast]") {
  const Tensor ints = tensor_of(DType::kInt32, {5}, std::vector<int32_t>{300, -300, 255, -1, 0});
  CHECK(run_one<int8_t>(OpType::kCast, {ints}, DType::kInt8, {5}) ==
        std::vector<int8_t>{44, -44, -1, -1, 0});
  CHECK(run_one<uint8_t>(OpType::kCast, {ints}, DType::kUInt8, {5}) ==
        std::vector<uint8_t>{44, 212, 255, 255, 0});
  CHECK(run_one<float>(OpType::kCast, {ints}, DType::kFloat32, {5}) ==
        std::vector<float>{300, -300, 255, -1, 0});
  const Tensor longs =
      tensor_of(DType::kInt64, {3}, std::vector<int64_t>{(int64_t{1} << 40) + 5, int64_t{1} << 31, -5});
  CHECK(run_one<int32_t>(OpType::kCast, {longs}, DType::kInt32, {3}) ==
        std::vector<int32_t>{5, std::numeric_limits<int32_t>::min(), -5});
  const Tensor bytes = tensor_of(DType::kInt8, {3}, std::vector<int8_t>{-1, -128, 0});
  CHECK(run_one<uint8_t>(OpType::kCast, {bytes}, DType::kUInt8, {3}) ==
        std::vector<uint8_t>{255, 128, 0});
  CHECK(run_one<uint8_t>(OpType::kCast, {bytes}, DType::kBool, {3}) == std::vector<uint8_t>{1, 1, 0});
  const Tensor flags = tensor_of(DType::kBool, {2}, std::vector<uint8_t>{1, 0});
  CHECK(run_one<int64_t>(OpType::kCast, {flags}, DType::kInt64, {2}) == std::vector<int64_t>{1, 0});
}

TEST_CASE("CAST of a large tensor on two threads equals one thread", "[cast]") {
  std::vector<float> v(20000);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i) * 0.37f - 3000.0f;
  const Tensor in = tensor_of(DType::kFloat32, {20000}, v);
  const auto one = run_one<int8_t>(OpType::kCast, {in}, DType::kInt8, {20000}, {}, 1);
  CHECK(run_one<int8_t>(OpType::kCast, {in}, DType::kInt8, {20000}, {}, 2) == one);
  CHECK(one[0] == -128);
  CHECK(one[19999] == 127);
}

TEST_CASE("CAST validation", "[cast][validation]") {
  const Tensor in = tensor_of(DType::kFloat32, {2}, std::vector<float>{1, 2});
  CHECK_THAT(load_status(OpType::kCast, {in}, {{DType::kInt32, {3}, {}}}, {}).message(),
             Catch::Contains("CAST") && Catch::Contains("shape"));
  CHECK_THAT(load_status(OpType::kCast, {in, in}, {{DType::kInt32, {2}, {}}}, {}).message(),
             Catch::Contains("CAST") && Catch::Contains("inputs"));
}
