// The float AVERAGE_POOL_2D, MAX_POOL_2D and MEAN families' tester
// (kernels/f32_elementwise_simd.h): every variant this CPU runs against the
// reference bit for bit (the SIMD rows fold each channel's taps in its order
// and divide exactly), over channel counts through every remainder of the
// widest step (four AVX-512 vectors), window geometries with padding, and
// clamps.
#include <catch2/catch.hpp>

#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "kernels/f32_float.h"
#include "support/kernel_tester.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

// 1 .. 4 * 16 + 16 + 1 channels (every remainder of the four-vector and
// one-vector steps), then a few wider.
std::vector<int32_t> channel_counts() {
  std::vector<int32_t> counts;
  for (int32_t c = 1; c <= 81; ++c) counts.push_back(c);
  for (int32_t c : {127, 128, 131, 200}) counts.push_back(c);
  return counts;
}

template <typename WriteWant, typename WriteGot>
void expect_same_bits(size_t n, WriteWant&& write_want, WriteGot&& write_got) {
  GuardedOutput<float> want(n), got(n);
  write_want(want.data());
  write_got(got.data());
  REQUIRE(got.guard_intact());
  const std::vector<float> w = want.values(), g = got.values();
  REQUIRE(std::memcmp(w.data(), g.data(), n * sizeof(float)) == 0);
}

}  // namespace

TEST_CASE("float pooling variants: channels, windows, padding, clamps, bit-exact",
          "[kernels][f32_pool]") {
  const std::pair<const char*, KernelFamily<ref::F32PoolFn>> families[] = {
      {"f32_avgpool2d", f32_avgpool2d_variants()}, {"f32_maxpool2d", f32_maxpool2d_variants()}};
  for (const auto& [name, family] : families) {
    for_each_variant(name, family, [](const auto& row, auto reference) {
      std::mt19937 rng(test_seed());
      std::uniform_real_distribution<float> dist(-4.0f, 4.0f);
      const float inf = std::numeric_limits<float>::infinity();
      for (int32_t channels : channel_counts()) {
        ref::F32PoolParams p;
        p.batch = 1 + int32_t(rng() % 2);
        p.in_h = 1 + int32_t(rng() % 5);
        p.in_w = 1 + int32_t(rng() % 5);
        p.channels = channels;
        p.filter_h = 1 + int32_t(rng() % 3);
        p.filter_w = 1 + int32_t(rng() % 3);
        p.stride_h = 1 + int32_t(rng() % 2);
        p.stride_w = 1 + int32_t(rng() % 2);
        // Padding up to the whole window: some windows hold no pixel.
        p.pad_top = int32_t(rng() % uint32_t(p.filter_h + 1));
        p.pad_left = int32_t(rng() % uint32_t(p.filter_w + 1));
        p.out_h = 1 + int32_t(rng() % 4);
        p.out_w = 1 + int32_t(rng() % 4);
        const int clamp = int(rng() % 3);
        p.out_min = clamp == 0 ? -inf : (clamp == 1 ? 0.0f : -1.0f);
        p.out_max = clamp == 0 ? inf : (clamp == 1 ? 6.0f : 1.0f);
        std::vector<float> in(size_t(p.batch) * p.in_h * p.in_w * channels);
        for (float& x : in) x = dist(rng);
        // Equal zeros of both signs: the maximum keeps the reference's choice.
        if (channels % 7 == 0) {
          for (size_t i = 0; i < in.size(); ++i) in[i] = i % 2 ? 0.0f : -0.0f;
        }
        const size_t out = size_t(p.batch) * p.out_h * p.out_w * channels;
        CAPTURE(channels, p.in_h, p.in_w, p.filter_h, p.filter_w, p.stride_h, p.stride_w,
                p.pad_top, p.pad_left, p.out_h, p.out_w, clamp);
        expect_same_bits(
            out, [&](float* o) { reference(p, in.data(), o); },
            [&](float* o) { row.fn(p, in.data(), o); });
      }
    });
  }
}

TEST_CASE("float MEAN variants: channels and pixel counts, bit-exact", "[kernels][f32_pool]") {
  for_each_variant("f32_mean", f32_mean_variants(), [](const auto& row, auto reference) {
    std::mt19937 rng(test_seed());
    std::uniform_real_distribution<float> dist(-4.0f, 4.0f);
    for (int32_t channels : channel_counts()) {
      const ref::F32MeanParams p{1 + int32_t(rng() % 2), channels, 1 + int64_t(rng() % 60)};
      std::vector<float> in(size_t(p.batch) * size_t(p.pixels) * size_t(channels));
      for (float& x : in) x = dist(rng);
      CAPTURE(channels, p.batch, p.pixels);
      expect_same_bits(
          size_t(p.batch) * size_t(channels), [&](float* o) { reference(p, in.data(), o); },
          [&](float* o) { row.fn(p, in.data(), o); });
    }
  });
}
