// The 16x8 (int16) ADD/SUB family's tester: every variant this CPU runs
// against the reference over every length remainder, the stride patterns
// (0 = broadcast, 1, and 2 for the scalar fallback), input fills at the int16
// limits, clamps at the limits, the three fixed-point profiles int16 runs
// (xnnpack_fp32 maps to single_rounding) and random scales.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "kernels/qs8_elementwise.h"
#include "support/kernel_tester.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

constexpr RequantProfile kInt16Profiles[] = {RequantProfile::kTfliteReference,
                                             RequantProfile::kSingleRounding,
                                             RequantProfile::kTfliteOptimized};

ref::Qs8AddParams int16_add_params(RequantProfile profile, float sa, float sb, float so,
                                   bool subtract, std::pair<int32_t, int32_t> clamp) {
  ref::Qs8AddParams p;
  p.left_shift = 15;
  ref::make_qs8_add_params(profile, sa, sb, so, subtract, &p);
  p.act_min = clamp.first;
  p.act_max = clamp.second;
  return p;
}

void expect_reference(const KernelVariant<ref::Qs16AddFn>& row, ref::Qs16AddFn reference,
                      const ref::Qs8AddParams& p, size_t n, size_t a_stride, size_t b_stride,
                      Fill fill, std::mt19937& rng) {
  const auto a = filled<int16_t>(rng, (n - 1) * a_stride + 1, fill);
  const auto b = filled<int16_t>(rng, (n - 1) * b_stride + 1,
                                 fill == Fill::kAlternating ? Fill::kRandom : fill);
  GuardedOutput<int16_t> want(n), got(n);
  reference(p, n, a.data(), a_stride, b.data(), b_stride, want.data());
  row.fn(p, n, a.data(), a_stride, b.data(), b_stride, got.data());
  CAPTURE(n, a_stride, b_stride, int(fill));
  REQUIRE(got.guard_intact());
  REQUIRE(got.values() == want.values());
}

}  // namespace

TEST_CASE("int16 ADD/SUB variants: lengths, strides, fills, clamps, profiles",
          "[kernels][qs16_elementwise]") {
  std::mt19937 rng(1616);
  for_each_variant("qs16_add", qs16_add_variants(), [&](const auto& row, auto reference) {
    for (RequantProfile profile : kInt16Profiles) {
      for (const bool subtract : {false, true}) {
        CAPTURE(int(profile), subtract);
        for (size_t n : lengths_through_remainders(32)) {
          for (auto [sa, sb] : {std::pair<size_t, size_t>{1, 1}, {0, 1}, {1, 0}, {2, 1}}) {
            const auto p = int16_add_params(profile, 3e-4f, 7e-4f, 9e-4f, subtract,
                                            {lowest<int16_t>(), highest<int16_t>()});
            expect_reference(row, reference, p, n, sa, sb, Fill::kRandom, rng);
          }
        }
        for (Fill fill : kFills) {
          for (auto clamp : edge_clamps<int16_t>(rng, 0)) {
            const auto p = int16_add_params(profile, 1e-4f, 1e-4f, 1.5e-4f, subtract, clamp);
            expect_reference(row, reference, p, 37, 1, 1, fill, rng);
          }
        }
      }
    }
  });
}

TEST_CASE("int16 ADD/SUB variants: random scales", "[kernels][qs16_elementwise]") {
  std::mt19937 rng(1617);
  std::uniform_real_distribution<float> log_scale(-16.0f, -4.0f);
  for_each_variant("qs16_add", qs16_add_variants(), [&](const auto& row, auto reference) {
    for (int trial = 0; trial < 200; ++trial) {
      const float sa = std::exp2(log_scale(rng)), sb = std::exp2(log_scale(rng));
      // The output scale TFLite accepts: 2 max(s_a, s_b) / (2^15 s_out) < 1.
      const float ratio = std::exp2(std::uniform_real_distribution<float>(-8, 4)(rng));
      const float so = std::max(sa, sb) * ratio;
      const auto p = int16_add_params(kInt16Profiles[trial % 3], sa, sb, so, trial % 2 == 1,
                                      {lowest<int16_t>(), highest<int16_t>()});
      expect_reference(row, reference, p, 1 + rng() % 100, 1, rng() % 2, Fill::kRandom, rng);
    }
  });
}
