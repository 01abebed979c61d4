// The ADD/SUB, MUL, PRELU and SQUARED_DIFFERENCE families' tester: every
// variant this CPU runs against the reference, over every length remainder,
// stride pattern (0 = broadcast, as PRELU's per-channel or scalar alpha; 1;
// and 2 for the scalar fallback), input fill, zero points and clamps at the
// limits, scales at each profile's limits, int8 and uint8 (sign_flip), then
// random cases. PRELU and SQUARED_DIFFERENCE have no profile or clamp of
// their own (TFLite's double rounding, the full int8 range): they take the
// same cases and ignore those.
#include <catch2/catch.hpp>

#include <cmath>
#include <iterator>
#include <random>
#include <type_traits>
#include <vector>

#include "kernels/qs8_elementwise.h"
#include "kernels/qs8_math.h"
#include "support/kernel_tester.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

enum class Op { kAdd, kSub, kMul };

struct Quant {
  float sa = 0.05f, sb = 0.03f, so = 0.08f;
  int32_t za = 0, zb = 0, zo = 0;  // as the kernel sees them (int8 range)
  int32_t lo = -128, hi = 127;
  uint8_t flip = 0;
};

// The zero points, clamp and flip both parameter structs share.
template <typename Params>
Params with_offsets(Params p, const Quant& q) {
  p.a_zero_point = q.za;
  p.b_zero_point = q.zb;
  p.output_zero_point = q.zo;
  p.act_min = q.lo;
  p.act_max = q.hi;
  p.sign_flip = q.flip;
  return p;
}

ref::Qs8AddParams add_params(RequantProfile profile, const Quant& q, bool subtract) {
  ref::Qs8AddParams p;
  ref::make_qs8_add_params(profile, q.sa, q.sb, q.so, subtract, &p);
  p = with_offsets(p, q);
  ref::plan_qs8_add_linear(&p);  // as the operator does: SIMD kernels may take the linear form
  return p;
}

// PRELU: a is x, b is alpha.
ref::Qs8PreluParams prelu_params(const Quant& q) {
  ref::Qs8PreluParams p;
  ref::make_qs8_prelu_params(q.sa, q.sb, q.so, &p);
  p.input_zero_point = q.za;
  p.alpha_zero_point = q.zb;
  p.output_zero_point = q.zo;
  p.sign_flip = q.flip;
  return p;
}

// False when TFLite refuses the scales (the operator does not load then).
bool squared_difference_params(const Quant& q, ref::Qs8SquaredDifferenceParams* p) {
  if (!ref::make_qs8_squared_difference_params(q.sa, q.sb, q.so, p)) return false;
  p->a_zero_point = q.za;
  p->b_zero_point = q.zb;
  p->output_zero_point = q.zo;
  return true;
}

ref::Qs8MulParams mul_params(RequantProfile profile, const Quant& q) {
  ref::Qs8MulParams p;
  p.profile = profile;
  const double real = double(q.sa) * double(q.sb) / double(q.so);
  p.output = ref::make_requantizer(profile, real, q.sa * q.sb / q.so);
  return with_offsets(p, q);
}

struct Run {
  size_t n = 1, a_stride = 1, b_stride = 1;
  Fill fill = Fill::kRandom;
};

// Inputs sized exactly for the run, so an over-read shows under ASan.
template <typename Params, typename Fn>
void expect_reference(const KernelVariant<Fn>& row, Fn reference, const Params& p, const Run& r,
                      std::mt19937& rng) {
  const auto a = filled<int8_t>(rng, (r.n - 1) * r.a_stride + 1, r.fill);
  const auto b = filled<int8_t>(rng, (r.n - 1) * r.b_stride + 1,
                                r.fill == Fill::kAlternating ? Fill::kRandom : r.fill);
  GuardedOutput<int8_t> want(r.n), got(r.n);
  reference(p, r.n, a.data(), r.a_stride, b.data(), r.b_stride, want.data());
  row.fn(p, r.n, a.data(), r.a_stride, b.data(), r.b_stride, got.data());
  CAPTURE(r.n, r.a_stride, r.b_stride, int(r.fill));
  REQUIRE(got.guard_intact());
  REQUIRE(got.values() == want.values());
}

// Runs `body(params_check)` for ADD, SUB, MUL, PRELU and SQUARED_DIFFERENCE:
// params_check(profile, q, run, rng) compares the row with the reference on
// the parameters q gives.
template <typename Body>
void for_each_op(Body&& body) {
  SECTION("ADD and SUB") {
    for_each_variant("qs8_add", qs8_add_variants(), [&](const auto& row, auto reference) {
      for (Op op : {Op::kAdd, Op::kSub}) {
        INFO((op == Op::kAdd ? "ADD" : "SUB"));
        body([&](RequantProfile profile, const Quant& q, const Run& r, std::mt19937& rng) {
          expect_reference(row, reference, add_params(profile, q, op == Op::kSub), r, rng);
        });
      }
    });
  }
  SECTION("MUL") {
    for_each_variant("qs8_mul", qs8_mul_variants(), [&](const auto& row, auto reference) {
      body([&](RequantProfile profile, const Quant& q, const Run& r, std::mt19937& rng) {
        expect_reference(row, reference, mul_params(profile, q), r, rng);
      });
    });
  }
  SECTION("PRELU") {
    for_each_variant("qs8_prelu", qs8_prelu_variants(), [&](const auto& row, auto reference) {
      body([&](RequantProfile, const Quant& q, const Run& r, std::mt19937& rng) {
        expect_reference(row, reference, prelu_params(q), r, rng);
      });
    });
  }
  SECTION("SQUARED_DIFFERENCE (int8 only)") {
    for_each_variant("qs8_squared_difference", qs8_squared_difference_variants(),
                     [&](const auto& row, auto reference) {
                       body([&](RequantProfile, const Quant& q, const Run& r, std::mt19937& rng) {
                         Quant int8 = q;
                         int8.flip = 0;
                         ref::Qs8SquaredDifferenceParams p;
                         if (squared_difference_params(int8, &p)) {
                           expect_reference(row, reference, p, r, rng);
                         }
                       });
                     });
  }
}

}  // namespace

TEST_CASE("elementwise variants: every length, stride pattern and fill",
          "[kernels][qs8_elementwise]") {
  for_each_op([](auto check) {
    std::mt19937 rng(test_seed());
    const size_t strides[][2] = {{1, 1}, {0, 1}, {1, 0}, {0, 0}, {2, 1}, {1, 2}};
    for (RequantProfile profile : kSimdProfiles) {
      INFO(requant_profile_name(profile));
      for (uint8_t flip : {uint8_t{0}, uint8_t{0x80}}) {
        const Quant q{0.05f, 0.03f, 0.08f, 3, -7, 11, -128, 127, flip};
        for (size_t n : lengths_through_remainders()) {
          for (const auto& s : strides) {
            check(profile, q, Run{n, s[0], s[1], kFills[n % 4]}, rng);
          }
        }
      }
    }
  });
}

TEST_CASE("elementwise variants: zero points and clamps at the limits",
          "[kernels][qs8_elementwise]") {
  for_each_op([](auto check) {
    std::mt19937 rng(test_seed() + 1);
    for (RequantProfile profile : kSimdProfiles) {
      INFO(requant_profile_name(profile));
      for (int32_t za : edge_zero_points<int8_t>(rng)) {
        for (int32_t zb : edge_zero_points<int8_t>(rng)) {
          for (int32_t zo : edge_zero_points<int8_t>(rng)) {
            for (const auto& [lo, hi] : edge_clamps<int8_t>(rng, zo)) {
              const Quant q{0.02f, 0.07f, 0.05f, za, zb, zo, lo, hi, uint8_t(rng() % 2 ? 0x80 : 0)};
              CAPTURE(za, zb, zo, lo, hi);
              check(profile, q, Run{2 * kWidestVector + 1, 1, 1, kFills[rng() % 4]}, rng);
            }
          }
        }
      }
    }
  });
}

TEST_CASE("elementwise variants: scales at the profile limits", "[kernels][qs8_elementwise]") {
  // XNNPACK's ratios s / s_out at both ends of [2^-10, 2^8) and just outside
  // (the fallback to single rounding); TFLite's output multiplier just below
  // 1 (the smallest output scale it accepts); equal and very unequal inputs;
  // for MUL, rescales from 2^-30 (all outputs at the zero point) to 2^8.
  const float just_below_256 = std::nextafter(256.0f, 0.0f);
  const float ratios[][2] = {{0x1.0p-10f, 1.0f},       {1.0f, 0x1.0p-10f},
                             {just_below_256, 1.0f},   {1.0f, just_below_256},
                             {0x1.0p-11f, 1.0f},       {256.0f, 1.0f},
                             {1.0f, 1.0f},             {0x1.0p-20f, 0x1.0p-20f},
                             {0x1.0p-30f, 1.0f},       {just_below_256, just_below_256}};
  for_each_op([&](auto check) {
    std::mt19937 rng(test_seed() + 2);
    for (RequantProfile profile : kSimdProfiles) {
      INFO(requant_profile_name(profile));
      for (const auto& ratio : ratios) {
        Quant q;
        q.so = 0.01f;
        q.sa = ratio[0] * q.so;
        q.sb = ratio[1] * q.so;
        q.za = -128;
        q.zb = 127;
        q.zo = static_cast<int32_t>(rng() % 256) - 128;
        CAPTURE(ratio[0], ratio[1]);
        check(profile, q, Run{2 * kWidestVector + 1, 1, 1, Fill::kAlternating}, rng);
        check(profile, q, Run{2 * kWidestVector + 1, 1, 0, Fill::kRandom}, rng);
      }
      // The output scale where TFLite's ADD output multiplier reaches 1.
      Quant tight;
      tight.sa = tight.sb = 1.0f;
      tight.so = std::nextafter(0x1.0p-19f, 1.0f);
      check(profile, tight, Run{2 * kWidestVector + 1, 1, 1, Fill::kAlternating}, rng);
    }
  });
}

// ref::add_input_rescale_is_multiply's claim, for every input difference,
// right shift and lift, on the multiples of the divisor at both ends and
// between (both signs), and its refusal one bit off them.
TEST_CASE("ADD input rescales that are one product: exhaustive", "[kernels][qs8_elementwise]") {
  int products = 0;
  for (RequantProfile profile : {RequantProfile::kTfliteReference,
                                 RequantProfile::kTfliteOptimized,
                                 RequantProfile::kSingleRounding}) {
    INFO(requant_profile_name(profile));
    for (int lift = 0; lift <= 20; ++lift) {
      for (int e = 0; e <= lift; ++e) {
        const int bits = 31 - lift + e;
        const int64_t largest = ((int64_t{1} << 31) - 1) >> bits;
        for (int64_t k : {int64_t{0}, int64_t{1}, int64_t{3}, largest / 2 + 1, largest, -int64_t{1},
                          -int64_t{3}, -largest}) {
          if (k > largest || -k > largest) continue;  // beyond int32 where bits is 31
          ref::Requantizer r;
          r.multiplier = static_cast<int32_t>(k * (int64_t{1} << bits));
          r.shift = -e;
          CAPTURE(lift, e, r.multiplier);
          int32_t factor = 0;
          REQUIRE(ref::add_input_rescale_is_multiply(r, lift, &factor));
          REQUIRE(factor == k);
          for (int32_t v = -255; v <= 255; ++v) {
            REQUIRE(ref::requantize(v * (int32_t{1} << lift), r, profile) == v * factor);
          }
          ++products;
          if (bits > 1 && k != 0) {
            ref::Requantizer off = r;
            off.multiplier += int32_t{1} << (bits - 1);
            CHECK_FALSE(ref::add_input_rescale_is_multiply(off, lift, &factor));
          }
        }
        ref::Requantizer beyond;
        beyond.multiplier = int32_t{1} << 30;
        beyond.shift = -(lift + 1);
        CHECK_FALSE(ref::add_input_rescale_is_multiply(beyond, lift, &beyond.multiplier));
      }
    }
  }
  CHECK(products > 3000);
}

// Input scales 2^k apart for every k the one-product rescale takes (and a
// few beyond), either input larger: each variant against the reference.
TEST_CASE("elementwise variants: ADD/SUB inputs scaled by powers of two",
          "[kernels][qs8_elementwise]") {
  for_each_variant("qs8_add", qs8_add_variants(), [&](const auto& row, auto reference) {
    std::mt19937 rng(test_seed() + 7);
    for (RequantProfile profile : kSimdProfiles) {
      INFO(requant_profile_name(profile));
      for (int k = 0; k <= 23; ++k) {
        for (bool a_larger : {true, false}) {
          for (bool subtract : {false, true}) {
            Quant q;
            q.so = 0.02f;
            q.sa = a_larger ? 0.01f : std::ldexp(0.01f, -k);
            q.sb = a_larger ? std::ldexp(0.01f, -k) : 0.01f;
            q.za = k % 2 ? -128 : 127;
            q.zb = k % 2 ? 127 : -128;
            q.zo = static_cast<int32_t>(rng() % 256) - 128;
            q.flip = k % 3 == 0 ? 0x80 : 0;
            CAPTURE(k, a_larger, subtract);
            for (Fill fill : {Fill::kAlternating, Fill::kRandom}) {
              expect_reference(row, reference, add_params(profile, q, subtract),
                               Run{2 * kWidestVector + 1, 1, 1, fill}, rng);
            }
          }
        }
      }
    }
  });
}

TEST_CASE("elementwise variants: random parameters", "[kernels][qs8_elementwise]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  for_each_op([&](auto check) {
    std::mt19937 rng(seed + 3);
    for (int iter = 0; iter < scaled_iterations(300); ++iter) {
      const RequantProfile profile = kSimdProfiles[rng() % std::size(kSimdProfiles)];
      auto log_uniform = [&](float lo, float hi) {
        return std::exp2(std::uniform_real_distribution<float>(lo, hi)(rng));
      };
      Quant q;
      q.sa = log_uniform(-9, -3);
      q.sb = log_uniform(-9, -3);
      q.so = std::max(q.sa, q.sb) * log_uniform(-3, 3);
      q.za = static_cast<int32_t>(rng() % 256) - 128;
      q.zb = static_cast<int32_t>(rng() % 256) - 128;
      q.zo = static_cast<int32_t>(rng() % 256) - 128;
      q.flip = rng() % 2 ? 0x80 : 0;
      const size_t strides[] = {0, 1, 1, 2};
      const Run r{1 + rng() % 300, strides[rng() % 4], strides[rng() % 4], kFills[rng() % 4]};
      CAPTURE(iter, requant_profile_name(profile), q.sa, q.sb, q.so, q.za, q.zb, q.zo);
      check(profile, q, r, rng);
    }
  });
}
