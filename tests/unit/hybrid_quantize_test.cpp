// The hybrid operators' run-time input quantization on inputs no range
// bounds: infinities and NaN give int8 values in range (the sanitizer build
// would flag an out-of-range float-to-int conversion), finite inputs keep
// their usual rounding.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "kernels/reference/hybrid.h"

namespace lowbit {
namespace {

TEST_CASE("hybrid input quantization stays defined for infinite and NaN inputs", "[unit][hybrid]") {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<std::vector<float>> rows = {
      {inf, 1.0f, -2.0f}, {-inf, 0.5f, 3.0f}, {nan, 1.0f, -1.0f}, {1.0f, nan, inf}, {1e-44f, 0.0f}};
  for (bool asymmetric : {false, true}) {
    for (const auto& row : rows) {
      CAPTURE(asymmetric, row);
      std::vector<int8_t> q(row.size(), 99);
      float scale = 0;
      int32_t offset = 0;
      ref::hybrid_quantize_row(row.data(), int(row.size()), asymmetric, q.data(), &scale, &offset);
      CHECK(offset >= -128);
      CHECK(offset <= 127);
      for (int8_t v : q) CHECK(v >= (asymmetric ? -128 : -127));
    }
  }
  // Finite rows as before: symmetric 127 / max|x| steps, rounded.
  const std::vector<float> finite = {2.0f, -1.0f, 0.5f};
  std::vector<int8_t> q(3);
  float scale = 0;
  int32_t offset = 0;
  ref::hybrid_quantize_row(finite.data(), 3, false, q.data(), &scale, &offset);
  CHECK(q == std::vector<int8_t>{127, -64, 32});
  CHECK(scale == Approx(2.0f / 127.0f));
}

}  // namespace
}  // namespace lowbit
