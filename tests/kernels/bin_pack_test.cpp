// Bitpacking and binary max-pooling variants equal the reference kernels bit
// for bit: channel counts around 8/16/32/64, special floats, every int8 zero
// point, pooling windows cut by the image border, any split of the rows.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "kernels/bin_maxpool2d.h"
#include "kernels/bin_pack.h"
#include "runtime/cpu_features.h"
#include "support/gemm_variants.h"
#include "support/model_runner.h"

using namespace lowbit;

namespace {

size_t random_channels(std::mt19937& rng, int iter) {
  return iter < 80 ? size_t(1 + iter) : 1 + rng() % 700;
}

// Calls body(fn) for every variant of `variants` this CPU runs.
template <typename Fn, typename Body>
int for_each_variant(KernelFamily<Fn> variants, Body body) {
  return testing::for_each_runnable_variant(
      variants, [&](const KernelVariant<Fn>& variant) { body(variant.fn); });
}

}  // namespace

TEST_CASE("f32 bitpack variants equal the reference", "[kernels][bitpack]") {
  const auto variants = bin_pack_f32_variants();
  const uint32_t seed = testing::test_seed();
  CAPTURE(seed);
  const float specials[] = {-0.0f, 0.0f, std::numeric_limits<float>::quiet_NaN(),
                            -std::numeric_limits<float>::infinity(),
                            std::numeric_limits<float>::infinity(),
                            -std::numeric_limits<float>::denorm_min(), -1e-30f, 1e-30f};
  const int tested = for_each_variant(variants, [&](ref::BinPackF32Fn fn) {
    std::mt19937 rng(seed);
    for (int iter = 0; iter < testing::scaled_iterations(200); ++iter) {
      const size_t channels = random_channels(rng, iter), rows = 1 + rng() % 4;
      const size_t words = (channels + 31) / 32;
      std::vector<float> x(rows * channels);
      std::normal_distribution<float> value(0.0f, 1.0f);
      for (float& v : x) v = rng() % 8 == 0 ? specials[rng() % 8] : value(rng);
      std::vector<uint32_t> expected(rows * words, 0xdeadbeef), got(rows * words, 0xdeadbeef);
      const size_t split = rng() % (rows + 1);
      ref::bin_pack_f32__reference(x.data(), channels, expected.data(), 0, rows);
      fn(x.data(), channels, got.data(), 0, split);
      fn(x.data(), channels, got.data(), split, rows);
      CAPTURE(iter, channels, rows);
      REQUIRE(got == expected);
    }
  });
  CHECK(tested >= 1);
}

TEST_CASE("int8 bitpack variants equal the reference", "[kernels][bitpack]") {
  const auto variants = bin_pack_qs8_variants();
  const uint32_t seed = testing::test_seed();
  CAPTURE(seed);
  const int tested = for_each_variant(variants, [&](ref::BinPackQs8Fn fn) {
    std::mt19937 rng(seed);
    for (int iter = 0; iter < testing::scaled_iterations(200); ++iter) {
      const size_t channels = random_channels(rng, iter), rows = 1 + rng() % 4;
      const size_t words = (channels + 31) / 32;
      // Both int8 ends and beyond (which only the reference fallback handles).
      const int32_t zero_point = iter % 10 == 0 ? int32_t(rng() % 2 ? 200 : -200)
                                                : int32_t(rng() % 259) - 129;
      std::vector<int8_t> q(rows * channels);
      for (int8_t& v : q) v = static_cast<int8_t>(rng());
      std::vector<uint32_t> expected(rows * words, 0xdeadbeef), got(rows * words, 0xdeadbeef);
      ref::bin_pack_qs8__reference(q.data(), channels, zero_point, expected.data(), 0, rows);
      fn(q.data(), channels, zero_point, got.data(), 0, rows);
      CAPTURE(iter, channels, rows, zero_point);
      REQUIRE(got == expected);
    }
  });
  CHECK(tested >= 1);
}

TEST_CASE("binary max-pool variants equal the reference", "[kernels][bmaxpool2d]") {
  const auto variants = bin_maxpool2d_variants();
  const uint32_t seed = testing::test_seed();
  CAPTURE(seed);
  const int tested = for_each_variant(variants, [&](ref::BinMaxPool2DFn fn) {
    std::mt19937 rng(seed);
    for (int iter = 0; iter < testing::scaled_iterations(150); ++iter) {
      ref::BinMaxPool2DParams p;
      p.batch = 1 + int32_t(rng() % 2);
      p.input_h = 1 + int32_t(rng() % 7);
      p.input_w = 1 + int32_t(rng() % 7);
      p.channels = int32_t(random_channels(rng, iter));
      p.filter_h = 1 + int32_t(rng() % 3);
      p.filter_w = 1 + int32_t(rng() % 3);
      p.stride_h = 1 + int32_t(rng() % 2);
      p.stride_w = 1 + int32_t(rng() % 2);
      p.pad_top = int32_t(rng() % p.filter_h);
      p.pad_left = int32_t(rng() % p.filter_w);
      p.output_h = (p.input_h + 2 * p.pad_top - p.filter_h) / p.stride_h + 1;
      p.output_w = (p.input_w + 2 * p.pad_left - p.filter_w) / p.stride_w + 1;
      if (p.output_h < 1 || p.output_w < 1) continue;
      const size_t words = (size_t(p.channels) + 31) / 32;
      // Dense -1 bits so that ANDs keep some set; pad bits hold garbage.
      std::vector<uint32_t> in(size_t(p.batch) * p.input_h * p.input_w * words);
      for (uint32_t& w : in) w = uint32_t(rng()) | uint32_t(rng()) | uint32_t(rng());
      const size_t pixels = ref::bin_maxpool2d_pixels(p);
      std::vector<uint32_t> expected(pixels * words, 0xdeadbeef), got(pixels * words, 0xdeadbeef);
      ref::bin_maxpool2d__reference(p, in.data(), expected.data(), 0, pixels);
      const size_t split = rng() % (pixels + 1);
      fn(p, in.data(), got.data(), 0, split);
      fn(p, in.data(), got.data(), split, pixels);
      CAPTURE(iter, p.input_h, p.input_w, p.channels, p.filter_h, p.filter_w, p.stride_h,
              p.stride_w, p.pad_top, p.pad_left);
      REQUIRE(got == expected);
    }
  });
  CHECK(tested >= 1);
}
