// The float dot product family's tester (kernels/f32_dot4.h): every variant
// this CPU runs against the reference, bit for bit (the summation order is
// the whole point), for row counts through the four-row blocks, column counts
// through every remainder of 4, both strides (one vector, paired rows), on
// values of mixed magnitude, products that round to subnormals, and zeros
// whose signs must survive.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "kernels/f32_dot4.h"
#include "support/kernel_tester.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

std::vector<float> random_floats(std::mt19937& rng, size_t n, int kind) {
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  std::uniform_int_distribution<int> exponent(-30, 30);
  std::vector<float> v(n);
  for (float& x : v) {
    switch (kind) {
      case 0: x = unit(rng) * std::ldexp(1.0f, exponent(rng)); break;  // cancellation-prone
      case 1: x = unit(rng) * 1e-20f; break;                            // products ~1e-40: subnormal
      default: x = unit(rng) < 0 ? -0.0f : 0.0f; break;                 // signed zeros
    }
  }
  return v;
}

}  // namespace

TEST_CASE("f32_dot4 variants match the reference bit for bit", "[kernels]") {
  for_each_variant("f32_dot4", f32_dot4_variants(), [](const auto& row, auto reference) {
    std::mt19937 rng(test_seed());
    for (int kind = 0; kind < 3; ++kind) {
      for (size_t rows = 0; rows <= 9; ++rows) {
        for (size_t cols = 0; cols <= 21; ++cols) {
          for (bool paired : {false, true}) {
            const size_t stride = paired ? cols : 0;
            const auto a = random_floats(rng, rows * cols, kind);
            const auto b = random_floats(rng, paired ? rows * cols : cols, kind);
            GuardedOutput<float> want(rows), got(rows);
            reference(rows, cols, a.data(), b.data(), stride, want.data());
            row.fn(rows, cols, a.data(), b.data(), stride, got.data());
            INFO("kind " << kind << " rows " << rows << " cols " << cols << " paired " << paired);
            REQUIRE(got.guard_intact());
            const std::vector<float> w = want.values(), g = got.values();
            REQUIRE(w == g);
          }
        }
      }
    }
  });
}
