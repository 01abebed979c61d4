// The HARD_SWISH family's tester: every variant this CPU runs against the
// reference over every length remainder, input and output quantizations at
// the int16 path's limits (scales where the output exponent reaches 0, zero
// points at -128 and 127), every input value, and random parameters.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/qs8_hardswish.h"
#include "support/kernel_tester.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

TEST_CASE("hardswish variants: lengths, every input and quantizations at the limits",
          "[kernels][qs8_hardswish]") {
  for_each_variant("qs8_hardswish", qs8_hardswish_variants(), [](const auto& row, auto reference) {
    std::mt19937 rng(test_seed());
    std::vector<int8_t> every_value(256);
    for (int v = 0; v < 256; ++v) every_value[size_t(v)] = static_cast<int8_t>(v - 128);
    const float scales[] = {0x1.0p-10f, 0.01f, 0.1f, 0.5f, 4.0f};
    int accepted = 0;
    for (float in_scale : scales) {
      for (float out_scale : scales) {
        for (int32_t in_zp : edge_zero_points<int8_t>(rng)) {
          for (int32_t out_zp : edge_zero_points<int8_t>(rng)) {
            ref::Qs8HardSwishParams p;
            // The int16 path refuses output scales below the input's / 2^7.
            if (!ref::make_qs8_hardswish_params(in_scale, in_zp, out_scale, out_zp, &p)) continue;
            ++accepted;
            CAPTURE(in_scale, out_scale, in_zp, out_zp);
            expect_unary_matches(row, reference, p, every_value);
          }
        }
      }
    }
    CHECK(accepted > 0);
    ref::Qs8HardSwishParams p;
    REQUIRE(ref::make_qs8_hardswish_params(0.05f, -3, 0.03f, 9, &p));
    for (size_t n : lengths_through_remainders()) {
      expect_unary_matches(row, reference, p, filled<int8_t>(rng, n, kFills[n % 4]));
    }
    for (int iter = 0; iter < scaled_iterations(100); ++iter) {
      const float in_scale = std::exp2(std::uniform_real_distribution<float>(-9, 0)(rng));
      const float out_scale = in_scale * std::exp2(std::uniform_real_distribution<float>(-2, 3)(rng));
      if (!ref::make_qs8_hardswish_params(in_scale, edge_zero_points<int8_t>(rng)[3], out_scale,
                                          edge_zero_points<int8_t>(rng)[3], &p)) {
        continue;
      }
      CAPTURE(iter, in_scale, out_scale);
      expect_unary_matches(row, reference, p, filled<int8_t>(rng, 1 + rng() % 300, Fill::kRandom));
    }
  });
}
