// Reference kernels at the edges: saturated inputs, long reductions, zero
// points at the ends of the range, and multipliers from below 2^-31 (which
// quantize to zero) to far above one (left shifts, saturation).
#include <catch2/catch.hpp>

#include "int8_test_util.h"
#include "kernels/reference/qs8_conv2d.h"
#include "kernels/reference/qs8_fully_connected.h"

namespace lowbit {
namespace {

using int8_test::uniform;

const RequantProfile kProfiles[] = {RequantProfile::kTfliteReference,
                                    RequantProfile::kSingleRounding,
                                    RequantProfile::kXnnpackFp32};

// Values drawn mostly from the ends of the int8 range.
std::vector<int8_t> extreme_values(std::mt19937& rng, size_t n, int lo) {
  std::vector<int8_t> v(n);
  for (auto& x : v) {
    const int pick = uniform(rng, 0, 4);
    x = static_cast<int8_t>(pick == 0 ? lo : pick == 1 ? 127 : pick == 2 ? -1 : uniform(rng, lo, 127));
  }
  return v;
}

std::vector<sim::ChannelScale> extreme_scales(std::mt19937& rng, int channels) {
  std::vector<sim::ChannelScale> scales;
  for (int c = 0; c < channels; ++c) {
    double real;
    switch (uniform(rng, 0, 4)) {
      case 0: real = std::ldexp(1.0, -uniform(rng, 32, 40)); break;  // quantizes to zero
      case 1: real = std::ldexp(1.0, -uniform(rng, 5, 25)); break;   // exact power of two
      case 2: real = int8_test::uniform_real(rng, 1.0f, 400.0f); break;
      default: real = std::ldexp(int8_test::uniform_real(rng, 0.5f, 1.0f), -uniform(rng, 8, 22));
    }
    scales.push_back({real, static_cast<float>(real)});
  }
  return scales;
}

// Zero points at the ends of the range, scales from extreme_scales and, when
// random_clamp, an activation clamp of random width.
sim::Quant extreme_quant(std::mt19937& rng, int channels, bool random_clamp) {
  sim::Quant q;
  q.input_zp = uniform(rng, 0, 1) ? -128 : 127;
  q.output_zp = uniform(rng, -128, 127);
  if (random_clamp) {
    q.act_min = uniform(rng, -128, 0);
    q.act_max = uniform(rng, 0, 127);
  }
  q.scales = extreme_scales(rng, channels);
  return q;
}

// Calls check(requantizers) with q.profile set to each profile in turn.
template <typename Check>
void for_each_profile(sim::Quant& q, Check check) {
  for (RequantProfile profile : kProfiles) {
    CAPTURE(requant_profile_name(profile));
    q.profile = profile;
    check(int8_test::kernel_requantizers(q.scales, profile));
  }
}

TEST_CASE("qs8_fully_connected__reference at the extremes matches simulation",
          "[fc][kernel][extremes]") {
  std::mt19937 rng(testing::test_seed() + 50);
  CAPTURE(testing::test_seed());
  for (int iter = 0; iter < testing::scaled_iterations(40); ++iter) {
    const int batch = uniform(rng, 1, 3), k = uniform(rng, 1, 3000), oc = uniform(rng, 1, 9);
    CAPTURE(iter, batch, k, oc);
    const std::vector<int8_t> input = extreme_values(rng, size_t(batch) * k, -128);
    const std::vector<int8_t> weights = extreme_values(rng, size_t(oc) * k, -127);
    std::vector<int32_t> bias = testing::random_ints<int32_t>(rng, oc, -1000000, 1000000);
    sim::Quant q = extreme_quant(rng, oc, false);
    for_each_profile(q, [&](const std::vector<ref::Requantizer>& requantizers) {
      ref::FullyConnectedQuantParams p;
      p.batch = batch;
      p.input_depth = k;
      p.output_depth = oc;
      int8_test::set_kernel_quantization(q, requantizers, &p);
      const std::vector<double> double_scales = int8_test::fc_double_scales(q.scales);
      if (q.profile == RequantProfile::kTfliteReference) p.double_scales = double_scales.data();
      std::vector<int8_t> out(size_t(batch) * oc);
      ref::qs8_fully_connected__reference(p, input.data(), weights.data(), bias.data(), out.data(),
                                          0, batch);
      REQUIRE(out == sim::fully_connected(batch, k, oc, q, input, weights, bias));
    });
  }
}

TEST_CASE("qs8_conv2d__reference with many channels matches simulation",
          "[conv2d][kernel][extremes]") {
  std::mt19937 rng(testing::test_seed() + 51);
  CAPTURE(testing::test_seed());
  for (int iter = 0; iter < testing::scaled_iterations(12); ++iter) {
    sim::ConvShape s;
    s.h = uniform(rng, 1, 6);
    s.w = uniform(rng, 1, 6);
    s.groups = uniform(rng, 0, 1) ? 1 : 4;
    s.c = s.groups * uniform(rng, 8, 40);
    s.oc = s.groups * uniform(rng, 1, 6);
    s.kh = s.kw = uniform(rng, 0, 1) ? 1 : 3;
    s.padding = Padding::kSame;
    s.stride_h = s.stride_w = uniform(rng, 1, 2);
    CAPTURE(iter, s.h, s.w, s.c, s.oc, s.kh, s.groups, s.stride_h);
    const std::vector<int8_t> input = extreme_values(rng, size_t(s.h) * s.w * s.c, -128);
    const std::vector<int8_t> filter =
        extreme_values(rng, size_t(s.oc) * s.kh * s.kw * (s.c / s.groups), -127);
    sim::Quant q = extreme_quant(rng, s.oc, true);
    for_each_profile(q, [&](const std::vector<ref::Requantizer>& requantizers) {
      ref::ConvQuantParams p;
      set_window_params(int8_test::window_geometry(s, s.oc), &p);
      p.output_c = s.oc;
      p.groups = s.groups;
      int8_test::set_kernel_quantization(q, requantizers, &p);
      std::vector<int8_t> out(size_t(p.output_h) * p.output_w * s.oc);
      ref::qs8_conv2d__reference(p, input.data(), filter.data(), nullptr, out.data(), 0,
                                 p.output_h);
      REQUIRE(out == sim::conv2d(s, q, input, filter, {}));
    });
  }
}

}  // namespace
}  // namespace lowbit
