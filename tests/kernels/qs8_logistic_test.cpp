// The LOGISTIC families' tester (fixed-point form, table form): every variant
// this CPU runs against the reference over every length remainder, every
// input value, input scales and zero points at the limits (inputs all inside
// the saturation radius, or all beyond it), both table roundings, and random
// parameters.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/qs8_logistic.h"
#include "support/kernel_tester.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

std::vector<int8_t> every_int8_value() {
  std::vector<int8_t> v(256);
  for (int i = 0; i < 256; ++i) v[size_t(i)] = static_cast<int8_t>(i - 128);
  return v;
}

const float kInputScales[] = {0x1.0p-12f, 0.01f, 0.0625f, 0.5f, 8.0f};

}  // namespace

TEST_CASE("logistic fixed-point variants: lengths, every input, scales at the limits",
          "[kernels][qs8_logistic]") {
  for_each_variant("qs8_logistic", qs8_logistic_variants(), [](const auto& row, auto reference) {
    std::mt19937 rng(test_seed());
    for (float scale : kInputScales) {
      for (int32_t zp : edge_zero_points<int8_t>(rng)) {
        ref::Qs8LogisticParams p;
        if (!ref::make_qs8_logistic_params(scale, zp, &p)) continue;
        CAPTURE(scale, zp);
        expect_unary_matches(row, reference, p, every_int8_value());
      }
    }
    ref::Qs8LogisticParams p;
    REQUIRE(ref::make_qs8_logistic_params(0.05f, 4, &p));
    for (size_t n : lengths_through_remainders()) {
      expect_unary_matches(row, reference, p, filled<int8_t>(rng, n, kFills[n % 4]));
    }
  });
}

TEST_CASE("logistic table variants: both roundings, every input, scales at the limits",
          "[kernels][qs8_logistic]") {
  for_each_variant("qs8_logistic_table", qs8_logistic_table_variants(),
                   [](const auto& row, auto reference) {
    std::mt19937 rng(test_seed() + 1);
    int8_t table[256];
    ref::Qs8TableParams p;
    p.table = table;
    for (auto rounding : {ref::LogisticTableRounding::kHalfAwayFromZero,
                          ref::LogisticTableRounding::kHalfToEven}) {
      for (float scale : kInputScales) {
        for (int32_t zp : edge_zero_points<int8_t>(rng)) {
          ref::make_qs8_logistic_table(scale, zp, 1.0f / 256, -128, rounding, table);
          CAPTURE(scale, zp, int(rounding));
          expect_unary_matches(row, reference, p, every_int8_value());
        }
      }
    }
    for (size_t n : lengths_through_remainders()) {
      expect_unary_matches(row, reference, p, filled<int8_t>(rng, n, kFills[n % 4]));
    }
  });
}
