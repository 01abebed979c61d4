// The pooling families' tester (average and max, int8 and uint8): every
// variant this CPU runs against the reference over every channel remainder,
// window, stride and padding at the image borders, global windows, clamps at
// the limits, saturating fills, a 300x301 window, and random geometry; each
// run split into row ranges as threads split it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <type_traits>
#include <vector>

#include "kernels/qs8_pool.h"
#include "support/kernel_tester.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

int32_t pick(std::mt19937& rng, int32_t lo, int32_t hi) {
  return lo + static_cast<int32_t>(rng() % uint32_t(hi - lo + 1));
}

ref::PoolParams geometry(int32_t h, int32_t w, int32_t c, int32_t filter_h, int32_t filter_w,
                         int32_t stride_h, int32_t stride_w, int32_t pad_top, int32_t pad_left) {
  ref::PoolParams p;
  p.batch = 1;
  p.input_h = h;
  p.input_w = w;
  p.channels = c;
  p.filter_h = filter_h;
  p.filter_w = filter_w;
  p.stride_h = stride_h;
  p.stride_w = stride_w;
  p.pad_top = pad_top;
  p.pad_left = pad_left;
  p.output_h = std::max(1, (h + 2 * pad_top - filter_h) / stride_h + 1);
  p.output_w = std::max(1, (w + 2 * pad_left - filter_w) / stride_w + 1);
  return p;
}

// The row against the reference on p: all rows in one call, then each row
// range [0, split) and [split, rows) as two threads would run it.
template <typename T, typename Fn>
void expect_reference(const KernelVariant<Fn>& row, Fn reference, const ref::PoolParams& p,
                      Fill fill, std::mt19937& rng) {
  CAPTURE(p.batch, p.input_h, p.input_w, p.channels, p.filter_h, p.filter_w, p.stride_h,
          p.stride_w, p.pad_top, p.pad_left, p.act_min, p.act_max, int(fill));
  const auto input = filled<T>(rng, size_t(p.batch) * p.input_h * p.input_w * p.channels, fill);
  const size_t rows = size_t(p.batch) * p.output_h;
  const size_t outputs = rows * p.output_w * p.channels;
  GuardedOutput<T> want(outputs), whole(outputs), split_run(outputs);
  reference(p, input.data(), want.data(), 0, rows);
  row.fn(p, input.data(), whole.data(), 0, rows);
  const size_t split = rng() % (rows + 1);
  row.fn(p, input.data(), split_run.data(), 0, split);
  row.fn(p, input.data(), split_run.data(), split, rows);
  REQUIRE(whole.guard_intact());
  REQUIRE(whole.values() == want.values());
  REQUIRE(split_run.values() == want.values());
}

// Runs body(check) for each of the four pooling families; check(p, fill, rng)
// compares a row with the reference, with p's clamp in the family's type.
template <typename Body>
void for_each_pool_family(Body&& body) {
  auto run = [&](const char* name, auto family, auto type_tag) {
    using T = decltype(type_tag);
    for_each_variant(name, family, [&](const auto& row, auto reference) {
      body([&](ref::PoolParams p, Fill fill, std::mt19937& rng) {
        if (p.act_min == -128 && p.act_max == 127 && !std::is_signed<T>::value) {
          p.act_min = 0;
          p.act_max = 255;
        }
        expect_reference<T>(row, reference, p, fill, rng);
      }, T{});
    });
  };
  SECTION("int8 average") { run("qs8_average_pool2d", qs8_average_pool2d_variants(), int8_t{}); }
  SECTION("uint8 average") { run("qu8_average_pool2d", qu8_average_pool2d_variants(), uint8_t{}); }
  SECTION("int8 max") { run("qs8_max_pool2d", qs8_max_pool2d_variants(), int8_t{}); }
  SECTION("uint8 max") { run("qu8_max_pool2d", qu8_max_pool2d_variants(), uint8_t{}); }
}

}  // namespace

TEST_CASE("pool variants: every channel remainder and fill", "[kernels][qs8_pool]") {
  for_each_pool_family([](auto check, auto) {
    std::mt19937 rng(test_seed());
    for (size_t c : lengths_through_remainders()) {
      if (c > 300) continue;
      check(geometry(3, 4, int32_t(c), 2, 3, 1, 2, 1, 1), kFills[c % 4], rng);
    }
  });
}

TEST_CASE("pool variants: windows, strides and padding at the borders", "[kernels][qs8_pool]") {
  for_each_pool_family([](auto check, auto) {
    std::mt19937 rng(test_seed() + 1);
    for (int32_t size = 1; size <= 5; ++size) {
      for (int32_t filter = 1; filter <= 4; ++filter) {
        for (int32_t stride = 1; stride <= 3; ++stride) {
          for (int32_t pad = 0; pad < filter; ++pad) {
            // Along the height, then along the width; 17 channels leave a
            // remainder after every vector step.
            check(geometry(size, 3, 17, filter, 2, stride, 1, pad, 0), Fill::kRandom, rng);
            check(geometry(3, size, 17, 2, filter, 1, stride, 0, pad), Fill::kAlternating, rng);
          }
        }
      }
      // A global window, and a batch of two.
      check(geometry(size, size + 1, 33, size, size + 1, 1, 1, 0, 0), Fill::kRandom, rng);
      ref::PoolParams batch = geometry(size, 4, 9, 2, 2, 2, 2, 1, 1);
      batch.batch = 2;
      check(batch, Fill::kRandom, rng);
    }
  });
}

TEST_CASE("pool variants: clamps at the limits", "[kernels][qs8_pool]") {
  for_each_pool_family([](auto check, auto type_tag) {
    using T = decltype(type_tag);
    std::mt19937 rng(test_seed() + 2);
    for (int32_t zp : edge_zero_points<T>(rng)) {
      for (const auto& [lo, hi] : edge_clamps<T>(rng, zp)) {
        ref::PoolParams p = geometry(5, 6, 35, 3, 3, 2, 2, 1, 1);
        p.act_min = lo;
        p.act_max = hi;
        check(p, kFills[rng() % 4], rng);
      }
    }
  });
}

TEST_CASE("pool variants: a 300x301 window at the sums' limits", "[kernels][qs8_pool]") {
  // Validation allows windows up to 2^23 pixels; these sums come near the
  // int32 limits of the average kernel's division.
  for_each_pool_family([](auto check, auto) {
    std::mt19937 rng(test_seed() + 3);
    for (Fill fill : {Fill::kLowest, Fill::kHighest, Fill::kAlternating}) {
      check(geometry(300, 301, 17, 300, 301, 1, 1, 0, 0), fill, rng);
    }
  });
}

TEST_CASE("pool variants: random geometry", "[kernels][qs8_pool]") {
  const uint32_t seed = test_seed();
  CAPTURE(seed);
  for_each_pool_family([&](auto check, auto type_tag) {
    using T = decltype(type_tag);
    std::mt19937 rng(seed + 4);
    for (int iter = 0; iter < scaled_iterations(300); ++iter) {
      const int32_t filter_h = pick(rng, 1, 5), filter_w = pick(rng, 1, 5);
      ref::PoolParams p = geometry(pick(rng, 1, 12), pick(rng, 1, 12), pick(rng, 1, 70), filter_h,
                                   filter_w, pick(rng, 1, 3), pick(rng, 1, 3),
                                   pick(rng, 0, filter_h - 1), pick(rng, 0, filter_w - 1));
      p.batch = pick(rng, 1, 2);
      p.output_h = std::max(1, p.output_h);
      const int32_t lo = lowest<T>(), hi = highest<T>();
      p.act_min = rng() % 2 ? lo : pick(rng, lo, hi);
      p.act_max = rng() % 2 ? hi : pick(rng, p.act_min, hi);
      CAPTURE(iter);
      check(p, kFills[rng() % 4], rng);
    }
  });
}
