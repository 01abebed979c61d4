// The QUANTIZE, DEQUANTIZE and RELU families' tester: every variant this CPU
// runs against the reference over every length remainder, zero points at the
// limits of both types, rescales at their extremes (saturating, vanishing,
// exactly 1), float inputs at rounding ties, infinities and NaN, and clamps at
// the limits; then random parameters.
#include <catch2/catch.hpp>

#include <cfloat>
#include <cmath>
#include <cstring>
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
      // 0.7, and 1 (only the zero point moves: the x86 kernels' byte path).
      for (double rescale : {0.7, 1.0}) {
        p.rescale = ref::make_requantizer(profile, rescale, static_cast<float>(rescale));
        for (size_t n : lengths_through_remainders()) {
          expect_unary_matches(row, reference, p, filled<In>(rng, n, kFills[n % 4]));
        }
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

// x moved by `ulps` representable floats (up if positive).
float ulps_away(float x, int ulps) {
  for (; ulps > 0; --ulps) x = std::nextafter(x, std::numeric_limits<float>::infinity());
  for (; ulps < 0; ++ulps) x = std::nextafter(x, -std::numeric_limits<float>::infinity());
  return x;
}

// Floats that stress the conversion to `scale`'s grid: exact ties k + 0.5 and
// their float neighbours up to 6 apart (on either side of the tie after the
// division or multiply; 32-bit ARM's x * (1 / scale) lands on the other side
// of some), integers, infinities, NaN, signed zeros, subnormals, values far
// beyond int32's range, and random ones.
std::vector<float> edge_floats(std::mt19937& rng, size_t n, float scale) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  const float specials[] = {kInf,       -kInf,      std::numeric_limits<float>::quiet_NaN(),
                            -std::numeric_limits<float>::quiet_NaN(),
                            0.0f,       -0.0f,      std::numeric_limits<float>::denorm_min(),
                            -std::numeric_limits<float>::denorm_min(),
                            0x1.fffffcp-127f,       FLT_MIN,    1e30f,      -1e30f,
                            FLT_MAX,    -FLT_MAX,   0x1.0p31f,  -0x1.0p31f, 0x1.0p24f + 2.0f};
  constexpr size_t kSpecials = sizeof(specials) / sizeof(specials[0]);
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) {
    const float k = static_cast<float>(static_cast<int>(rng() % 600) - 300);
    const float tie = (k + 0.5f) * scale;
    switch (rng() % 6) {
      case 0: v[i] = tie; break;
      case 1: v[i] = ulps_away(tie, static_cast<int>(rng() % 13) - 6); break;
      case 2: v[i] = specials[rng() % kSpecials]; break;
      case 3: v[i] = k * scale; break;
      default: v[i] = std::uniform_real_distribution<float>(-300.0f, 300.0f)(rng) * scale;
    }
  }
  return v;
}

// Every tie k + 0.5 of `scale` for |k| <= 300 and its neighbours up to 6
// floats apart, in order: with 0.017 or 2.2, x * fl(1 / scale) and
// fl(x / scale) round to different integers for about 1 in 40 of these.
std::vector<float> near_ties(float scale) {
  std::vector<float> v;
  for (int k = -300; k <= 300; ++k) {
    const float tie = (static_cast<float>(k) + 0.5f) * scale;
    for (int ulps = -6; ulps <= 6; ++ulps) v.push_back(ulps_away(tie, ulps));
  }
  return v;
}

// Scales whose ties are exact (powers of two), inexact ones, the usual image
// scales, extremes, and ones where 32-bit ARM's variants defer to the
// reference (below 2^-100, subnormal, infinite 1 / scale).
constexpr float kQuantizeScales[] = {0x1.0p-20f, 0.5f,  0.25f,      2.0f,       0.1f,
                                     1.0f,       0.37f, 1.0f / 255, 1.0f / 128, 3.0f,
                                     0.017f,     2.2f,  1e10f,      1e-35f,     0x1.0p-130f};

template <typename Out>
void check_quantize(const char* name, KernelFamily<ref::QuantizeFn<Out>> family) {
  for_each_variant(name, family, [&](const auto& row, auto reference) {
    std::mt19937 rng(test_seed() + 1);
    for (bool xnnpack_rounding : {false, true}) {
      for (float scale : kQuantizeScales) {
        for (int32_t zp : edge_zero_points<Out>(rng)) {
          ref::QuantizeParams p;
          p.scale = scale;
          p.inverse_scale = 1.0f / scale;
          p.xnnpack_rounding = xnnpack_rounding;
          p.zero_point = zp;
          p.qmin = lowest<Out>();
          p.qmax = highest<Out>();
          CAPTURE(xnnpack_rounding, scale, zp);
          for (size_t n = 0; n <= 70; ++n) {
            expect_unary_matches(row, reference, p, edge_floats(rng, n, scale));
          }
          expect_unary_matches(row, reference, p, edge_floats(rng, 1000, scale));
          expect_unary_matches(row, reference, p, near_ties(scale));
        }
      }
    }
  });
}

// Scales for DEQUANTIZE: doubles that are no float (the variants then run
// the reference), floats from subnormal to ones whose products overflow.
constexpr double kDequantizeScales[] = {0x1.0p-30, 0.1, 1.0, 1e20, 0.1f, 0.37f, 1.0f / 255,
                                        1e-45f,    0x1.0p-126f, 3e38f, -0.5f};

template <typename In>
void check_dequantize(const char* name, KernelFamily<ref::DequantizeFn<In>> family) {
  for_each_variant(name, family, [&](const auto& row, auto reference) {
    std::mt19937 rng(test_seed() + 2);
    for (double scale : kDequantizeScales) {
      for (int32_t zp : edge_zero_points<In>(rng)) {
        ref::DequantizeParams p;
        p.scale = scale;
        p.zero_point = zp;
        CAPTURE(scale, zp);
        for (size_t n = 0; n <= 70; ++n) {
          expect_unary_bits_match(row, reference, p, filled<In>(rng, n, kFills[n % 4]));
        }
        expect_unary_bits_match(row, reference, p, filled<In>(rng, 1000, Fill::kRandom));
      }
    }
  });
}

// A float scale and every 8-bit q - zp: the reference's double product
// rounded to float equals the float product (dequantize_is_float_product).
void check_float_product(float scale, int32_t zero_point) {
  ref::DequantizeParams p;
  p.scale = scale;
  p.zero_point = zero_point;
  REQUIRE(dequantize_is_float_product(p));
  // Catch2 only for a q that differs: an assertion (and its CAPTURE) per q
  // made this test seconds long natively and minutes under qemu.
  for (int32_t q = -128; q <= 255; ++q) {
    const int32_t k = q - zero_point;
    const float from_double = static_cast<float>(static_cast<double>(scale) * k);
    const float from_float = scale * static_cast<float>(k);
    if (std::memcmp(&from_double, &from_float, sizeof(float)) != 0) {
      CAPTURE(scale, zero_point, q, from_double, from_float);
      FAIL("float(double(scale) * k) differs from the float product");
    }
  }
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

TEST_CASE("dequantize: float(double(scale) * k) is the float product for every 8-bit k",
          "[kernels][qs8_quantize]") {
  std::mt19937 rng(test_seed() + 3);
  std::vector<float> scales = {1.0f,     0.1f,       1.0f / 255, 0.37f,  FLT_MIN, 1e-45f,
                               1e-40f,   FLT_MAX,    3e38f,      1e30f,  -0.5f,   0x1.fffffep-1f,
                               0x1.000002p0f};
  for (int i = 0; i < scaled_iterations(2000); ++i) {
    // Random significands over the whole exponent range, subnormals included.
    uint32_t bits = static_cast<uint32_t>(rng()) & 0x7fffffffu;
    float scale;
    std::memcpy(&scale, &bits, sizeof(scale));
    if (std::isfinite(scale)) scales.push_back(scale);
  }
  for (float scale : scales) {
    for (int32_t zero_point : {-128, 0, 127, 255, 128}) check_float_product(scale, zero_point);
  }
}
