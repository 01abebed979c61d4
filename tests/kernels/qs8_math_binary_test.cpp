// The PRELU and SQUARED_DIFFERENCE families' tester: every variant this CPU
// runs against the reference over every length remainder, stride pattern (0
// = broadcast, as PRELU's per-channel or scalar alpha; 1; and 2 for the
// scalar fallback), input fill, zero points at the limits, int8 and uint8
// (PRELU's sign_flip), scales from tiny to large rescales, then random cases.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/qs8_math.h"
#include "support/kernel_tester.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

struct Quant {
  float sa = 0.05f, sb = 0.03f, so = 0.08f;  // x/alpha/out or a/b/out
  int32_t za = 0, zb = 0, zo = 0;
  uint8_t flip = 0;  // PRELU only
};

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
  CAPTURE(r.n, r.a_stride, r.b_stride, int(r.fill));
  expect_same_writes<int8_t>(
      r.n,
      [&](int8_t* out) { reference(p, r.n, a.data(), r.a_stride, b.data(), r.b_stride, out); },
      [&](int8_t* out) { row.fn(p, r.n, a.data(), r.a_stride, b.data(), r.b_stride, out); });
}

ref::Qs8PreluParams prelu_params(const Quant& q) {
  ref::Qs8PreluParams p;
  ref::make_qs8_prelu_params(q.sa, q.sb, q.so, &p);
  p.input_zero_point = q.za;
  p.alpha_zero_point = q.zb;
  p.output_zero_point = q.zo;
  p.sign_flip = q.flip;
  return p;
}

// False when TFLite refuses the scales (the operator does not run then).
bool squared_difference_params(const Quant& q, ref::Qs8SquaredDifferenceParams* p) {
  if (!ref::make_qs8_squared_difference_params(q.sa, q.sb, q.so, p)) return false;
  p->a_zero_point = q.za;
  p->b_zero_point = q.zb;
  p->output_zero_point = q.zo;
  return true;
}

// body(check) for PRELU then SQUARED_DIFFERENCE: check(q, run, rng) compares
// the row with the reference on q's parameters.
template <typename Body>
void for_each_op(Body&& body) {
  SECTION("PRELU") {
    for_each_variant("qs8_prelu", qs8_prelu_variants(), [&](const auto& row, auto reference) {
      body([&](const Quant& q, const Run& r, std::mt19937& rng) {
        expect_reference(row, reference, prelu_params(q), r, rng);
      });
    });
  }
  SECTION("SQUARED_DIFFERENCE") {
    for_each_variant("qs8_squared_difference", qs8_squared_difference_variants(),
                     [&](const auto& row, auto reference) {
                       body([&](const Quant& q, const Run& r, std::mt19937& rng) {
                         ref::Qs8SquaredDifferenceParams p;
                         Quant int8 = q;
                         int8.flip = 0;
                         if (squared_difference_params(int8, &p)) {
                           expect_reference(row, reference, p, r, rng);
                         }
                       });
                     });
  }
}

}  // namespace

TEST_CASE("prelu / squared difference variants: every length, stride pattern and fill",
          "[kernels][qs8_math]") {
  for_each_op([](auto check) {
    std::mt19937 rng(test_seed());
    const size_t strides[][2] = {{1, 1}, {1, 0}, {0, 1}, {0, 0}, {2, 1}, {1, 2}};
    for (uint8_t flip : {uint8_t{0}, uint8_t{0x80}}) {
      const Quant q{0.05f, 0.03f, 0.08f, 3, -7, 11, flip};
      for (size_t n : lengths_through_remainders()) {
        for (const auto& s : strides) check(q, Run{n, s[0], s[1], kFills[n % 4]}, rng);
      }
    }
  });
}

TEST_CASE("prelu / squared difference variants: zero points at the limits",
          "[kernels][qs8_math]") {
  for_each_op([](auto check) {
    std::mt19937 rng(test_seed() + 1);
    for (int32_t za : edge_zero_points<int8_t>(rng)) {
      for (int32_t zb : edge_zero_points<int8_t>(rng)) {
        for (int32_t zo : edge_zero_points<int8_t>(rng)) {
          const Quant q{0.02f, 0.07f, 0.05f, za, zb, zo, uint8_t(rng() % 2 ? 0x80 : 0)};
          CAPTURE(za, zb, zo);
          for (Fill fill : kFills) check(q, Run{2 * kWidestVector + 1, 1, 1, fill}, rng);
          check(q, Run{2 * kWidestVector + 1, 1, 0, Fill::kRandom}, rng);
        }
      }
    }
  });
}

TEST_CASE("prelu / squared difference variants: scales from tiny to large rescales",
          "[kernels][qs8_math]") {
  // Ratios s_a / s_out and s_b / s_out: rescales that round everything to
  // the zero point, that shift left (PRELU's multipliers above 1), equal and
  // very unequal inputs.
  const float ratios[][2] = {{0x1.0p-20f, 1.0f}, {1.0f, 0x1.0p-20f}, {1.0f, 1.0f},
                             {0x1.0p-30f, 0x1.0p-30f}, {300.0f, 0.5f}, {0.01f, 2000.0f},
                             {0x1.0p-6f, 0x1.0p-6f}, {0.9f, 0.0001f}};
  for_each_op([&](auto check) {
    std::mt19937 rng(test_seed() + 2);
    for (const auto& ratio : ratios) {
      Quant q;
      q.so = 0.01f;
      q.sa = ratio[0] * q.so;
      q.sb = ratio[1] * q.so;
      q.za = -128;
      q.zb = 127;
      q.zo = static_cast<int32_t>(rng() % 256) - 128;
      q.flip = rng() % 2 ? 0x80 : 0;
      CAPTURE(ratio[0], ratio[1]);
      check(q, Run{2 * kWidestVector + 1, 1, 1, Fill::kAlternating}, rng);
      check(q, Run{2 * kWidestVector + 1, 1, 0, Fill::kRandom}, rng);
      check(q, Run{2 * kWidestVector + 1, 1, 1, Fill::kLowest}, rng);
    }
  });
}

TEST_CASE("prelu / squared difference variants: random parameters", "[kernels][qs8_math]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  for_each_op([&](auto check) {
    std::mt19937 rng(seed + 3);
    for (int iter = 0; iter < scaled_iterations(300); ++iter) {
      auto log_uniform = [&](float lo, float hi) {
        return std::exp2(std::uniform_real_distribution<float>(lo, hi)(rng));
      };
      Quant q;
      q.sa = log_uniform(-9, -3);
      q.sb = log_uniform(-9, 0);
      q.so = q.sa * log_uniform(-3, 3);
      q.za = static_cast<int32_t>(rng() % 256) - 128;
      q.zb = static_cast<int32_t>(rng() % 256) - 128;
      q.zo = static_cast<int32_t>(rng() % 256) - 128;
      q.flip = rng() % 2 ? 0x80 : 0;
      const size_t strides[] = {0, 1, 1, 2};
      const Run r{1 + rng() % 300, strides[rng() % 4], strides[rng() % 4], kFills[rng() % 4]};
      CAPTURE(iter, q.sa, q.sb, q.so, q.za, q.zb, q.zo);
      check(q, r, rng);
    }
  });
}
