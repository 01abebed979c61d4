// The bilinear families' tester: every variant this CPU runs
// (kernels/configs/resize_config.cpp) against the reference, bit for bit:
// random geometry and options, channel counts around the 4- and 8-wide SIMD
// steps, values at the type's extremes, output rows split as threads split
// them.
#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <type_traits>

#include "kernels/resize.h"
#include "support/kernel_tester.h"
#include "support/model_runner.h"

using namespace lowbit;

namespace {

template <typename T, typename Fn>
void check_family(const char* name, KernelFamily<Fn> family) {
  const uint32_t seed = testing::test_seed();
  CAPTURE(seed);
  testing::for_each_variant(name, family, [seed](const auto& variant, Fn reference) {
    std::mt19937 rng(seed);
    const int sizes[] = {1, 2, 3, 5, 8, 13, 31};
    const int channels[] = {1, 3, 4, 5, 7, 8, 9, 16, 21, 33};
    for (int iter = 0; iter < testing::scaled_iterations(300); ++iter) {
      ref::ResizeParams p;
      p.batches = 1 + rng() % 2;
      p.input_height = sizes[rng() % 7];
      p.input_width = sizes[rng() % 7];
      p.output_height = sizes[rng() % 7];
      p.output_width = sizes[rng() % 7];
      p.channels = channels[rng() % 10];
      p.align_corners = rng() % 3 == 0;
      p.half_pixel_centers = !p.align_corners && rng() % 2;
      CAPTURE(variant.name, iter, p.batches, p.input_height, p.input_width, p.output_height,
              p.output_width, p.channels, p.align_corners, p.half_pixel_centers);
      const bool extreme = rng() % 4 == 0;
      std::vector<T> input(size_t(p.batches) * p.input_height * p.input_width * p.channels);
      for (T& v : input) {
        const int lo = std::is_signed<T>::value ? -128 : 0, hi = lo + 255;
        v = static_cast<T>(extreme ? (rng() % 2 ? lo : hi) : lo + int(rng() % 256));
        // float: fractions, both zeros (a -0 sum must come out as the
        // reference's +0) and subnormals (which a flushing SIMD unit loses)
        if (std::is_floating_point<T>::value) {
          const float subnormal = 1e-40f * static_cast<float>(rng() % 9);
          v = extreme ? T(rng() % 3 == 0 ? subnormal : rng() % 2 ? 0.0f : -0.0f)
                      : static_cast<T>(v / T(7));
        }
      }
      const size_t rows = size_t(p.batches) * p.output_height;
      const size_t out_size = rows * p.output_width * p.channels;
      std::vector<T> expected(out_size, T(0x55)), actual(out_size, T(0x55));
      reference(p, input.data(), expected.data(), 0, rows);
      variant.fn(p, input.data(), actual.data(), 0, rows / 2);
      variant.fn(p, input.data(), actual.data(), rows / 2, rows);
      REQUIRE(std::memcmp(actual.data(), expected.data(), out_size * sizeof(T)) == 0);
    }
  });
}

}  // namespace

TEST_CASE("int8 bilinear variants match the reference", "[resize][kernels]") {
  check_family<int8_t>("qs8_resize_bilinear", qs8_resize_bilinear_variants());
}

TEST_CASE("uint8 bilinear variants match the reference", "[resize][kernels]") {
  check_family<uint8_t>("qu8_resize_bilinear", qu8_resize_bilinear_variants());
}

TEST_CASE("float32 bilinear variants match the reference", "[resize][kernels]") {
  check_family<float>("f32_resize_bilinear", f32_resize_bilinear_variants());
}
