// ADD/SUB through the linear form (ref::plan_qs8_add_linear): every byte
// pair, contiguous and broadcast, against the reference, for scales taken
// from real models (where the form is used and a few lanes fall near a
// rounding boundary), scales in simple ratios (exact ties: the exact form, or
// no form) and scales at the limits, in every profile (xnnpack_fp32: XNNPACK's
// vadd as an exact form, or its own path where XNNPACK refuses the scales),
// int8 and uint8, ADD and SUB, with zero points and clamps at their limits. The proof
// in kernels/reference/qs8_add_linear.cpp is checked here byte pair by byte
// pair for each of these parameter sets.
#include <catch2/catch.hpp>

#include <algorithm>
#include <iterator>
#include <random>
#include <vector>

#include "kernels/qs8_elementwise.h"
#include "support/kernel_tester.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

struct Scales {
  float a, b, out;
  // What the plan must give for zero points 0 in tflite_reference: 1 a form
  // with near lanes, 2 an exact form, 0 either or none.
  int expect_form;
};

// ResNet-8, MobileNetV2 and MoveNet ADD/SUB scales, then simple ratios and limits.
const Scales kScales[] = {
    {0.009375445f, 0.015489308f, 0.010737729f, 1},
    {0.012895922f, 0.009785778f, 0.008236033f, 1},
    {0.2455354631f, 0.3608494103f, 0.4029064775f, 1},
    {0.1843137294f, 0.2100991309f, 0.3881896734f, 1},
    {0.007843138f, 0.003921569f, 0.007843138f, 2},  // MoveNet's x/127.5 - 1: exact ties
    {0.5f, 0.5f, 1.0f, 2},                            // (a + b) / 2: exact ties
    {0.05f, 0.03f, 0.08f, 0},                         // sums a hair from ties: no form
    {1.0f, 1e-6f, 1.0f, 0},                           // b vanishes (MoveNet)
    {0.02f, 0.02f, 0.02f * 1.000001f, 0},
    {3.0f, 0.011f, 0.0001f, 0},                       // outputs far outside int8
    {0.0001f, 0.7f, 0.9f, 0},
};

struct Offsets {
  int32_t za, zb, zo, lo, hi;
};

const Offsets kOffsets[] = {
    {0, 0, 0, -128, 127}, {-128, 127, -128, -128, 127}, {17, -50, 6, 6, 127},  // RELU
    {127, -128, 127, -100, 40},
};

ref::Qs8AddParams params(RequantProfile profile, const Scales& s, const Offsets& o,
                         bool subtract, uint8_t flip) {
  ref::Qs8AddParams p;
  ref::make_qs8_add_params(profile, s.a, s.b, s.out, subtract, &p);
  p.a_zero_point = o.za;
  p.b_zero_point = o.zb;
  p.output_zero_point = o.zo;
  p.act_min = o.lo;
  p.act_max = o.hi;
  p.sign_flip = flip;
  ref::plan_qs8_add_linear(&p);
  return p;
}

// Every (x_a, x_b) byte pair in one contiguous run, then every fifth x_b
// broadcast over all x_a and every fifth x_a over all x_b (a broadcast input
// only joins the bias), then odd-length runs at odd offsets.
void expect_every_pair(const KernelVariant<ref::Qs8AddFn>& row, ref::Qs8AddFn reference,
                       const ref::Qs8AddParams& p, std::mt19937& rng) {
  constexpr size_t kPairs = 256 * 256;
  std::vector<int8_t> a(kPairs), b(kPairs), values(256);
  for (size_t i = 0; i < kPairs; ++i) {
    a[i] = static_cast<int8_t>(i & 255);
    b[i] = static_cast<int8_t>(i >> 8);
  }
  for (size_t i = 0; i < 256; ++i) values[i] = static_cast<int8_t>(i);
  GuardedOutput<int8_t> want(kPairs), got(kPairs);
  reference(p, kPairs, a.data(), 1, b.data(), 1, want.data());
  row.fn(p, kPairs, a.data(), 1, b.data(), 1, got.data());
  REQUIRE(got.guard_intact());
  REQUIRE(got.values() == want.values());
  for (int broadcast = 0; broadcast < 2; ++broadcast) {
    INFO((broadcast == 0 ? "b broadcast" : "a broadcast"));
    for (size_t v = 0; v < 256; v += 5) {
      GuardedOutput<int8_t> w(256), g(256);
      const int8_t* x = broadcast == 0 ? values.data() : &values[v];
      const int8_t* y = broadcast == 0 ? &values[v] : values.data();
      const size_t sx = broadcast == 0 ? 1 : 0, sy = broadcast == 0 ? 0 : 1;
      reference(p, 256, x, sx, y, sy, w.data());
      row.fn(p, 256, x, sx, y, sy, g.data());
      CAPTURE(v);
      REQUIRE(g.guard_intact());
      REQUIRE(g.values() == w.values());
    }
  }
  for (int t = 0; t < 16; ++t) {
    const size_t n = 1 + rng() % 200, at = rng() % (kPairs - n);
    GuardedOutput<int8_t> w(n), g(n);
    reference(p, n, a.data() + at, 1, b.data() + at, 1, w.data());
    row.fn(p, n, a.data() + at, 1, b.data() + at, 1, g.data());
    CAPTURE(n, at);
    REQUIRE(g.guard_intact());
    REQUIRE(g.values() == w.values());
  }
}

}  // namespace

TEST_CASE("ADD linear form: the plan takes real-model scales and exact ties",
          "[kernels][qs8_elementwise]") {
  for (const Scales& s : kScales) {
    CAPTURE(s.a, s.b, s.out);
    const ref::Qs8AddParams p =
        params(RequantProfile::kTfliteReference, s, kOffsets[0], false, 0);
    if (!ref::kQs8AddLinearPlanned) {
      CHECK_FALSE(p.linear.usable);
      continue;
    }
    if (s.expect_form == 1) CHECK((p.linear.usable && p.linear.near_mask != 0));
    if (s.expect_form == 2) CHECK((p.linear.usable && p.linear.near_mask == 0));
  }
  // XNNPACK's vadd is an exact form wherever it fits int32.
  const ref::Qs8AddParams xnn =
      params(RequantProfile::kXnnpackFp32, kScales[0], kOffsets[1], true, 0);
  if (ref::kQs8AddLinearPlanned) {
    CHECK((xnn.linear.usable && xnn.linear.near_mask == 0 && xnn.linear.negative_adjust == 0));
  } else {
    CHECK_FALSE(xnn.linear.usable);
  }
}

TEST_CASE("ADD linear form: every byte pair equals the reference",
          "[kernels][qs8_elementwise]") {
  for_each_variant("qs8_add", qs8_add_variants(), [](const auto& row, auto reference) {
    if (row.fn == reference) return;
    std::mt19937 rng(test_seed());
    for (RequantProfile profile : {RequantProfile::kTfliteReference,
                                   RequantProfile::kSingleRounding,
                                   RequantProfile::kTfliteOptimized,
                                   RequantProfile::kXnnpackFp32}) {
      // Under emulation ($LOWBIT_TEST_SCALE) every stride-th parameter set.
      const int sets = static_cast<int>(std::size(kScales) * std::size(kOffsets) * 2);
      const int stride = sets / std::max(1, scaled_iterations(sets));
      int set = 0;
      for (const Scales& s : kScales) {
        for (const Offsets& o : kOffsets) {
          for (bool subtract : {false, true}) {
            const uint8_t flip = rng() % 2 ? 0x80 : 0;
            if (set++ % stride != 0) continue;
            const ref::Qs8AddParams p = params(profile, s, o, subtract, flip);
            CAPTURE(requant_profile_name(profile), s.a, s.b, s.out, o.za, o.zb, o.zo, o.lo, o.hi,
                    subtract, int(flip), p.linear.usable, p.linear.near_mask);
            expect_every_pair(row, reference, p, rng);
          }
        }
      }
    }
  });
}
