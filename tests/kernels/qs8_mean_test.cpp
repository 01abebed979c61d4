// The MEAN families' tester (int8, uint8): every variant this CPU runs
// against the reference over every channel remainder of the NHWC spatial
// mean, every subset of reduced axes, zero points and rescales at the limits,
// windows whose sums reach their largest magnitude, and random shapes; each
// run split at run boundaries as the operator's threads split it.
#include <catch2/catch.hpp>

#include <array>
#include <random>
#include <vector>

#include "kernels/qs8_mean.h"
#include "support/kernel_tester.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

struct MeanCase {
  std::array<int32_t, 4> shape{};  // NHWC
  uint32_t reduce_mask = 0b0110;  // bit d: axis d is reduced (default H and W)
  float in_scale = 0.05f, out_scale = 0.04f;
  int32_t in_zp = 0, out_zp = 0;
  Fill fill = Fill::kRandom;
};

// As the operator (src/ops/mean.cpp) forms them: the kept and reduced axes
// with their input strides, 1/count folded into the rescale.
ref::MeanQuantParams mean_params(const MeanCase& c, RequantProfile profile, int32_t lo,
                                 int32_t hi, size_t* outputs) {
  ref::MeanQuantParams p;
  size_t strides[4];
  size_t stride = 1;
  for (size_t d = c.shape.size(); d-- > 0;) {
    strides[d] = stride;
    stride *= size_t(c.shape[d]);
  }
  *outputs = 1;
  for (size_t d = 0; d < c.shape.size(); ++d) {
    if (c.reduce_mask & (1u << d)) {
      p.reduced_dims[p.reduced_rank] = c.shape[d];
      p.reduced_strides[p.reduced_rank++] = strides[d];
      p.count *= c.shape[d];
    } else {
      p.kept_dims[p.kept_rank] = c.shape[d];
      p.kept_strides[p.kept_rank++] = strides[d];
      *outputs *= size_t(c.shape[d]);
    }
  }
  p.input_zero_point = c.in_zp;
  p.output_zero_point = c.out_zp;
  p.act_min = lo;
  p.act_max = hi;
  p.profile = profile;
  const ref::QuantizedMultiplier ratio =
      ref::quantize_multiplier(double(c.in_scale) / double(c.out_scale),
                               profile == RequantProfile::kSingleRounding);
  const ref::QuantizedMultiplier folded = ref::fold_mean_count(ratio, p.count);
  p.requantizer.multiplier = folded.multiplier;
  p.requantizer.shift = folded.shift;
  p.requantizer.scale = c.in_scale / (c.out_scale * static_cast<float>(p.count));
  return p;
}

template <typename T, typename Fn>
void expect_reference(const KernelVariant<Fn>& row, Fn reference, const MeanCase& c,
                      RequantProfile profile, std::mt19937& rng) {
  size_t outputs = 0;
  const ref::MeanQuantParams p = mean_params(c, profile, lowest<T>(), highest<T>(), &outputs);
  size_t elements = 1;
  for (int32_t d : c.shape) elements *= size_t(d);
  CAPTURE(c.shape[0], c.shape[1], c.shape[2], c.shape[3], c.reduce_mask, c.in_scale, c.out_scale, c.in_zp, c.out_zp, int(c.fill),
          requant_profile_name(profile));
  const auto input = filled<T>(rng, elements, c.fill);
  GuardedOutput<T> want(outputs), got(outputs);
  reference(p, input.data(), want.data(), 0, outputs);
  // Runs of the innermost kept dimension, split in two as threads take them.
  const size_t run = p.kept_rank > 0 ? size_t(p.kept_dims[p.kept_rank - 1]) : 1;
  const size_t split = run * (rng() % (outputs / run + 1));
  row.fn(p, input.data(), got.data(), 0, split);
  row.fn(p, input.data(), got.data(), split, outputs);
  REQUIRE(got.guard_intact());
  REQUIRE(got.values() == want.values());
}

// body(check, type tag) for the int8 and uint8 families.
template <typename Body>
void for_each_mean_family(Body&& body) {
  auto run = [&](const char* name, auto family, auto type_tag) {
    using T = decltype(type_tag);
    for_each_variant(name, family, [&](const auto& row, auto reference) {
      body([&](const MeanCase& c, RequantProfile profile, std::mt19937& rng) {
        expect_reference<T>(row, reference, c, profile, rng);
      }, T{});
    });
  };
  SECTION("int8") { run("qs8_mean", qs8_mean_variants(), int8_t{}); }
  SECTION("uint8") { run("qu8_mean", qu8_mean_variants(), uint8_t{}); }
}

}  // namespace

TEST_CASE("mean variants: every channel remainder and fill", "[kernels][qs8_mean]") {
  for_each_mean_family([](auto check, auto) {
    std::mt19937 rng(test_seed());
    for (RequantProfile profile : kSimdProfiles) {
      for (size_t c : lengths_through_remainders()) {
        MeanCase m;
        m.shape = {1 + int32_t(c % 2), 3, 2, int32_t(c)};
        m.fill = kFills[c % 4];
        check(m, profile, rng);
      }
    }
  });
}

TEST_CASE("mean variants: every subset of reduced axes", "[kernels][qs8_mean]") {
  for_each_mean_family([](auto check, auto) {
    std::mt19937 rng(test_seed() + 1);
    for (RequantProfile profile : kSimdProfiles) {
      for (uint32_t mask = 0; mask < 16; ++mask) {
        MeanCase m;
        m.shape = {2, 3, 4, 19};
        m.reduce_mask = mask;
        check(m, profile, rng);
      }
    }
  });
}

TEST_CASE("mean variants: zero points, rescales and sums at the limits", "[kernels][qs8_mean]") {
  for_each_mean_family([](auto check, auto type_tag) {
    using T = decltype(type_tag);
    std::mt19937 rng(test_seed() + 2);
    const float ratios[] = {0x1.0p-12f, 0.3f, 1.0f, 7.0f, 0x1.0p12f};
    for (RequantProfile profile : kSimdProfiles) {
      for (float ratio : ratios) {
        for (int32_t in_zp : edge_zero_points<T>(rng)) {
          for (int32_t out_zp : edge_zero_points<T>(rng)) {
            MeanCase m;
            m.shape = {1, 5, 7, 33};
            m.in_scale = 0.02f * ratio;
            m.out_scale = 0.02f;
            m.in_zp = in_zp;
            m.out_zp = out_zp;
            m.fill = kFills[rng() % 4];
            check(m, profile, rng);
          }
        }
      }
      // 300 x 301 pixels at one limit, the zero point at the other: sums of
      // 255 * 90300, and a count that is not a power of two.
      for (Fill fill : {Fill::kLowest, Fill::kHighest}) {
        MeanCase big;
        big.shape = {1, 300, 301, 9};
        big.fill = fill;
        big.in_zp = fill == Fill::kLowest ? highest<T>() : lowest<T>();
        check(big, profile, rng);
      }
    }
  });
}

TEST_CASE("mean variants: random shapes", "[kernels][qs8_mean]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  for_each_mean_family([&](auto check, auto type_tag) {
    using T = decltype(type_tag);
    std::mt19937 rng(seed + 3);
    for (int iter = 0; iter < scaled_iterations(200); ++iter) {
      MeanCase m;
      m.shape = {1 + int32_t(rng() % 2), 1 + int32_t(rng() % 7), 1 + int32_t(rng() % 7),
                 1 + int32_t(rng() % 40)};
      m.reduce_mask = rng() % 2 ? 0b0110 : uint32_t(rng() % 16);
      m.in_scale = std::exp2(std::uniform_real_distribution<float>(-8, -2)(rng));
      m.out_scale = m.in_scale * std::exp2(std::uniform_real_distribution<float>(-2, 2)(rng));
      m.in_zp = edge_zero_points<T>(rng)[3];
      m.out_zp = edge_zero_points<T>(rng)[3];
      CAPTURE(iter);
      check(m, kSimdProfiles[rng() % 3], rng);
    }
  });
}
