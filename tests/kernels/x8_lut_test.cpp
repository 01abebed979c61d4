// The table lookup family's tester: every variant this CPU runs against the
// reference over every length remainder, every byte value, and random tables.
#include <catch2/catch.hpp>

#include <random>
#include <vector>

#include "kernels/qs8_math.h"
#include "support/kernel_tester.h"
#include "support/model_runner.h"

TEST_CASE("x8_lut variants: every byte, every length remainder, random tables",
          "[kernels][x8_lut]") {
  using namespace lowbit;
  using namespace lowbit::testing;
  // Every byte value at every position of a vector, three times over.
  std::vector<uint8_t> every_byte(256 * 3);
  for (size_t v = 0; v < every_byte.size(); ++v) every_byte[v] = static_cast<uint8_t>(v * 7);
  for_each_variant("x8_lut", x8_lut_variants(), [&](const auto& row, auto reference) {
    std::mt19937 rng(test_seed());
    std::vector<uint8_t> table(256);
    ref::X8LutParams p;
    p.table = table.data();
    for (int iter = 0; iter < scaled_iterations(20); ++iter) {
      for (auto& t : table) t = static_cast<uint8_t>(rng());
      CAPTURE(iter);
      expect_unary_matches(row, reference, p, every_byte);
      for (size_t n : lengths_through_remainders()) {
        expect_unary_matches(row, reference, p, random_ints<uint8_t>(rng, n, 0, 255));
      }
    }
  });
}
