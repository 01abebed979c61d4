// The QUANTIZE, DEQUANTIZE and RELU families' tester: every variant this CPU
// runs against the reference over every length remainder, zero points at the
// limits of both types, rescales at their extremes (saturating, vanishing,
// exactly 1), float inputs at rounding ties, infinities and NaN, and clamps at
// the limits; then random parameters.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "kernels/qs8_quantize.h"
#include "support/kernel_tester.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

// Rescales from vanishing (every output at the zero point) through exactly 1
// to saturating.
constexpr double kRescales[] = {0x1.0p-31, 0x1.0p-10, 0.3, 0.5, 0.9999999, 1.0, 1.0000001,
                                3.7,       0x1.0p10};

// QUANTIZE between integer types and RELU: (In, Out) families.
template <typename In, typename Out>
void check_requantize(const char* name, KernelFamily<ref::RequantizeFn<In, Out>> family) {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  for_each_variant(name, family, [&](const auto& row, auto reference) {
    std::mt19937 rng(seed);
    for (RequantProfile profile : kSimdProfiles) {
      INFO(requant_profile_name(profile));
      ref::RequantizeParams p;
      p.profile = profile;
      p.act_min = lowest<Out>();
      p.act_max = highest<Out>();
      p.rescale = ref::make_requantizer(profile, 0.7, 0.7f);
      for (size_t n : lengths_through_remainders()) {
        expect_unary_matches(row, reference, p, filled<In>(rng, n, kFills[n % 4]));
      }
      for (double rescale : kRescales) {
        p.rescale = ref::make_requantizer(profile, rescale, static_cast<float>(rescale));
        for (int32_t in_zp : edge_zero_points<In>(rng)) {
          for (int32_t out_zp : edge_zero_points<Out>(rng)) {
            for (const auto& [lo, hi] : edge_clamps<Out>(rng, out_zp)) {
              p.input_zero_point = in_zp;
              p.output_zero_point = out_zp;
              p.act_min = lo;
              p.act_max = hi;
              CAPTURE(rescale, in_zp, out_zp, lo, hi);
              expect_unary_matches(row, reference, p,
                                   filled<In>(rng, 2 * kWidestVector + 1, kFills[rng() % 4]));
            }
          }
        }
      }
      for (int iter = 0; iter < scaled_iterations(100); ++iter) {
        const double rescale = std::exp2(std::uniform_real_distribution<double>(-10, 10)(rng));
        p.rescale = ref::make_requantizer(profile, rescale, static_cast<float>(rescale));
        p.input_zero_point = edge_zero_points<In>(rng)[3];
        p.output_zero_point = edge_zero_points<Out>(rng)[3];
        p.act_min = lowest<Out>();
        p.act_max = highest<Out>();
        CAPTURE(iter, rescale);
        expect_unary_matches(row, reference, p, filled<In>(rng, 1 + rng() % 500, Fill::kRandom));
      }
    }
  });
}

// Floats at the rounding ties of `scale` around the zero point, beyond the
// type's range, infinite, NaN, tiny, and random.
std::vector<float> edge_floats(std::mt19937& rng, size_t n, float scale) {
  const float specials[] = {std::numeric_limits<float>::infinity(),
                            -std::numeric_limits<float>::infinity(),
                            std::numeric_limits<float>::quiet_NaN(),
                            std::numeric_limits<float>::denorm_min(),
                            -0.0f,
                            1e30f,
                            -1e30f};
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) {
    const int kind = static_cast<int>(rng() % 4);
    const float k = static_cast<float>(static_cast<int>(rng() % 600) - 300);
    v[i] = kind == 0   ? (k + 0.5f) * scale
           : kind == 1 ? specials[rng() % 7]
                       : std::uniform_real_distribution<float>(-300.0f, 300.0f)(rng) * scale;
  }
  return v;
}

template <typename Out>
void check_quantize(const char* name, KernelFamily<ref::QuantizeFn<Out>> family) {
  for_each_variant(name, family, [&](const auto& row, auto reference) {
    std::mt19937 rng(test_seed() + 1);
    for (bool xnnpack_rounding : {false, true}) {
      for (float scale : {0x1.0p-20f, 0.1f, 1.0f, 0.37f, 1e10f}) {
        for (int32_t zp : edge_zero_points<Out>(rng)) {
          ref::QuantizeParams p;
          p.scale = scale;
          p.inverse_scale = 1.0f / scale;
          p.xnnpack_rounding = xnnpack_rounding;
          p.zero_point = zp;
          p.qmin = lowest<Out>();
          p.qmax = highest<Out>();
          CAPTURE(xnnpack_rounding, scale, zp);
          for (size_t n : lengths_through_remainders()) {
            expect_unary_matches(row, reference, p, edge_floats(rng, n, scale));
          }
        }
      }
    }
  });
}

template <typename In>
void check_dequantize(const char* name, KernelFamily<ref::DequantizeFn<In>> family) {
  for_each_variant(name, family, [&](const auto& row, auto reference) {
    std::mt19937 rng(test_seed() + 2);
    for (double scale : {0x1.0p-30, 0.1, 1.0, 1e20}) {
      for (int32_t zp : edge_zero_points<In>(rng)) {
        ref::DequantizeParams p;
        p.scale = scale;
        p.zero_point = zp;
        CAPTURE(scale, zp);
        for (size_t n : lengths_through_remainders()) {
          expect_unary_matches(row, reference, p, filled<In>(rng, n, kFills[n % 4]));
        }
      }
    }
  });
}

}  // namespace

TEST_CASE("requantize variants: lengths, zero points, rescales and clamps at the limits",
          "[kernels][qs8_quantize]") {
  SECTION("int8 -> int8") { check_requantize("qs8_requantize", qs8_requantize_variants()); }
  SECTION("uint8 -> int8") { check_requantize("qu8_qs8_requantize", qu8_qs8_requantize_variants()); }
  SECTION("int8 -> uint8") { check_requantize("qs8_qu8_requantize", qs8_qu8_requantize_variants()); }
  SECTION("uint8 -> uint8") { check_requantize("qu8_requantize", qu8_requantize_variants()); }
  SECTION("RELU, RELU6") { check_requantize("qs8_relu", qs8_relu_variants()); }
  SECTION("uint8 RELU, RELU6") { check_requantize("qu8_relu", qu8_relu_variants()); }
}

TEST_CASE("quantize variants: float ties, infinities and NaN at every length",
          "[kernels][qs8_quantize]") {
  SECTION("float -> int8") { check_quantize("qs8_quantize", qs8_quantize_variants()); }
  SECTION("float -> uint8") { check_quantize("qu8_quantize", qu8_quantize_variants()); }
}

TEST_CASE("dequantize variants: zero points and scales at the limits", "[kernels][qs8_quantize]") {
  SECTION("int8") { check_dequantize("qs8_dequantize", qs8_dequantize_variants()); }
  SECTION("uint8") { check_dequantize("qu8_dequantize", qu8_dequantize_variants()); }
}
