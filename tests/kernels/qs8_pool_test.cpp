#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <type_traits>
#include <vector>

#include "kernels/qs8_pool.h"
#include "runtime/cpu_features.h"
#include "support/model_runner.h"

using namespace lowbit;

namespace {

int32_t pick(std::mt19937& rng, int32_t lo, int32_t hi) {
  return lo + static_cast<int32_t>(rng() % uint32_t(hi - lo + 1));
}

// Random geometry: channels around the 16/32-wide steps, windows from 1x1 to
// global, strides and paddings that clip windows at every border.
ref::PoolParams random_params(std::mt19937& rng, bool is_uint8) {
  ref::PoolParams p;
  p.batch = pick(rng, 1, 2);
  const int32_t channel_choices[] = {1, 3, 8, 15, 16, 17, 31, 32, 33, 48, 64, 70};
  p.channels = channel_choices[rng() % 12];
  p.input_h = pick(rng, 1, 12);
  p.input_w = pick(rng, 1, 12);
  const bool global = rng() % 5 == 0;
  p.filter_h = global ? p.input_h : pick(rng, 1, 5);
  p.filter_w = global ? p.input_w : pick(rng, 1, 5);
  p.stride_h = pick(rng, 1, 3);
  p.stride_w = pick(rng, 1, 3);
  p.pad_top = pick(rng, 0, p.filter_h - 1);
  p.pad_left = pick(rng, 0, p.filter_w - 1);
  p.output_h = std::max(1, (p.input_h + 2 * p.pad_top - p.filter_h) / p.stride_h + 1);
  p.output_w = std::max(1, (p.input_w + 2 * p.pad_left - p.filter_w) / p.stride_w + 1);
  const int32_t lo = is_uint8 ? 0 : -128, hi = is_uint8 ? 255 : 127;
  p.act_min = rng() % 2 ? lo : pick(rng, lo, hi);
  p.act_max = rng() % 2 ? hi : pick(rng, p.act_min, hi);
  return p;
}

template <typename T, typename Fn>
void check_variant(Fn variant, Fn reference, bool is_uint8) {
  const uint32_t seed = testing::test_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for (int iter = 0; iter < testing::scaled_iterations(400); ++iter) {
    const ref::PoolParams p = random_params(rng, is_uint8);
    CAPTURE(iter, p.batch, p.input_h, p.input_w, p.channels, p.filter_h, p.filter_w, p.stride_h,
            p.stride_w, p.pad_top, p.pad_left, p.act_min, p.act_max);
    std::vector<T> input(size_t(p.batch) * p.input_h * p.input_w * p.channels);
    // Some inputs sit at the type's extremes so sums reach their largest magnitude.
    const bool extreme = rng() % 4 == 0;
    for (auto& x : input) {
      const int32_t v = extreme ? (rng() % 2 ? (is_uint8 ? 255 : 127) : (is_uint8 ? 0 : -128))
                                : pick(rng, is_uint8 ? 0 : -128, is_uint8 ? 255 : 127);
      x = static_cast<T>(v);
    }
    const size_t rows = size_t(p.batch) * p.output_h;
    const size_t out_size = rows * p.output_w * p.channels;
    std::vector<T> expected(out_size, T(0x55)), actual(out_size, T(0x55));
    reference(p, input.data(), expected.data(), 0, rows);
    // Two calls over a split of the rows, as threads run it.
    const size_t split = rows / 2;
    variant(p, input.data(), actual.data(), 0, split);
    variant(p, input.data(), actual.data(), split, rows);
    REQUIRE(actual == expected);
  }
}

// A large window: sums near their int32 limits of the average kernel's
// division (validation allows windows up to 2^23 pixels).
template <typename T, typename Fn>
void check_large_window(Fn variant, Fn reference, T value) {
  ref::PoolParams p;
  p.batch = 1;
  p.input_h = 300;
  p.input_w = 301;
  p.channels = 17;
  p.filter_h = 300;
  p.filter_w = 301;
  p.output_h = p.output_w = 1;
  p.act_min = std::is_signed<T>::value ? -128 : 0;
  p.act_max = std::is_signed<T>::value ? 127 : 255;
  std::vector<T> input(size_t(p.input_h) * p.input_w * p.channels, value);
  // One pixel lower so the average is not an integer: exercises the rounding.
  input[5 * p.channels + 3] = static_cast<T>(value - 1);
  std::vector<T> expected(p.channels, T(0x55)), actual(p.channels, T(0x55));
  reference(p, input.data(), expected.data(), 0, 1);
  variant(p, input.data(), actual.data(), 0, 1);
  REQUIRE(actual == expected);
}

}  // namespace

#if defined(__x86_64__)
TEST_CASE("pool avx2 variants match the reference", "[kernels][qs8_pool]") {
  if (!CpuFeatures::detect().has(kCpuAVX2)) {
    WARN("pool avx2 variants not run: this CPU lacks AVX2");
    return;
  }
  SECTION("int8 average") {
    check_variant<int8_t>(qs8_average_pool2d__avx2, ref::qs8_average_pool2d__reference, false);
  }
  SECTION("uint8 average") {
    check_variant<uint8_t>(qu8_average_pool2d__avx2, ref::qu8_average_pool2d__reference, true);
  }
  SECTION("int8 max") {
    check_variant<int8_t>(qs8_max_pool2d__avx2, ref::qs8_max_pool2d__reference, false);
  }
  SECTION("uint8 max") {
    check_variant<uint8_t>(qu8_max_pool2d__avx2, ref::qu8_max_pool2d__reference, true);
  }
  SECTION("average over a 300x301 window") {
    check_large_window<int8_t>(qs8_average_pool2d__avx2, ref::qs8_average_pool2d__reference, int8_t(127));
    check_large_window<int8_t>(qs8_average_pool2d__avx2, ref::qs8_average_pool2d__reference, int8_t(-127));
    check_large_window<uint8_t>(qu8_average_pool2d__avx2, ref::qu8_average_pool2d__reference, uint8_t(255));
  }
}
#endif
