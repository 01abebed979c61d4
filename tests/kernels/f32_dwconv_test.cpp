// The float depthwise family's tester: every variant this CPU runs against
// the reference, bit for bit (the SIMD rows keep its tap order and use no
// FMA), over channel counts through every remainder of the widest vector,
// depth multipliers 1 and 2, strides, dilations, padding, bias and clamps.
// (The armv7 row flushes subnormals; these values and sums stay normal.)
#include <catch2/catch.hpp>

#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "kernels/f32_float.h"
#include "support/f32_conv_geometry.h"
#include "support/kernel_tester.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

TEST_CASE("float depthwise variants: channels through remainders, geometries, bit-exact",
          "[kernels][f32_dwconv2d]") {
  for_each_variant("f32_dwconv2d", f32_dwconv2d_variants(), [](const auto& row, auto reference) {
    std::mt19937 rng(test_seed());
    std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
    const float inf = std::numeric_limits<float>::infinity();
    for (size_t channels : lengths_through_remainders(16)) {
      if (channels > 100) continue;
      ref::F32ConvParams p = random_f32_conv_window(rng, 6);
      p.in_channels = int32_t(channels);
      p.groups = p.in_channels;
      p.group_in = 1;
      p.group_out = 1 + int32_t(rng() % 2);
      const bool clamp = rng() % 2 == 0;
      p.out_min = clamp ? -1.0f : -inf;
      p.out_max = clamp ? 2.0f : inf;
      const size_t out_c = size_t(p.out_channels());
      std::vector<float> in(size_t(p.batch) * p.in_h * p.in_w * channels);
      std::vector<float> w(size_t(p.kernel_h) * p.kernel_w * out_c), bias(out_c);
      for (float& x : in) x = dist(rng);
      for (float& x : w) x = dist(rng);
      for (float& x : bias) x = dist(rng);
      const bool has_bias = rng() % 4 != 0;
      const size_t out_size = size_t(p.batch) * p.out_h * p.out_w * out_c;
      std::vector<float> expected(out_size + 4, -7.0f), actual(out_size + 4, -7.0f);
      reference(p, in.data(), w.data(), has_bias ? bias.data() : nullptr, expected.data());
      row.fn(p, in.data(), w.data(), has_bias ? bias.data() : nullptr, actual.data());
      CAPTURE(channels, p.group_out, p.kernel_h, p.kernel_w, p.stride_h, p.dilation_h, clamp);
      CHECK(std::memcmp(expected.data(), actual.data(), actual.size() * sizeof(float)) == 0);
    }
  });
}
