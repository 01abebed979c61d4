// The packed float GEMM family's tester: every variant this CPU runs against
// the direct reference convolution (TFLite's order), called tile by tile as
// the driver calls it, over GEMMs (one tap; depths 1..17 and a few longer)
// and convolutions (kernel sizes, strides, dilations, padding: taps in the
// padding point at zeros), channel counts through the panels' remainders,
// partial row tiles, both tiles of a row (wide, narrow), a first panel other
// than 0, bias and clamps. The rows sum from the bias with FMA, so each value
// must lie within 1e-5 x |reference| + 1e-6 x (sum of |terms|) of it; nothing
// past a row's channels may be written. Prints the largest differences seen.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <vector>

#include "kernels/f32_igemm.h"
#include "kernels/reference/f32_conv.h"
#include "support/f32_conv_geometry.h"
#include "support/kernel_tester.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

std::vector<float> random_floats(std::mt19937& rng, size_t n) {
  std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

std::vector<float> absolute(std::vector<float> v) {
  for (float& x : v) x = std::fabs(x);
  return v;
}

struct Errors {
  double max_abs = 0.0, max_rel = 0.0;
};

// One convolution through `kernel` from channel panel first_panel on,
// checked against the reference.
void check_conv(const F32IgemmTile& kernel, const ref::F32ConvParams& p, bool has_bias,
                size_t first_panel, std::mt19937& rng, Errors* errors) {
  const size_t n = size_t(p.out_channels()), kc = size_t(p.in_channels);
  const size_t taps = size_t(p.kernel_h) * p.kernel_w, k = taps * kc;
  const std::vector<float> in = random_floats(rng, size_t(p.batch) * p.in_h * p.in_w * kc);
  const std::vector<float> w = random_floats(rng, n * k), bias = random_floats(rng, n);
  const size_t rows = size_t(p.batch) * p.out_h * p.out_w;
  std::vector<float> expected(rows * n), magnitude(rows * n);
  ref::f32_conv2d__reference(p, in.data(), w.data(), has_bias ? bias.data() : nullptr,
                             expected.data());
  ref::F32ConvParams unclamped = p;
  unclamped.out_min = -std::numeric_limits<float>::infinity();
  unclamped.out_max = std::numeric_limits<float>::infinity();
  ref::f32_conv2d__reference(unclamped, absolute(in).data(), absolute(w).data(),
                             has_bias ? absolute(bias).data() : nullptr, magnitude.data());

  std::vector<float> packed(f32_igemm_packed_floats(kernel.nr, n, k), 99.0f);
  f32_igemm_pack(kernel.nr, n, k, w.data(), has_bias ? bias.data() : nullptr, packed.data());
  const size_t first = first_panel * kernel.nr;
  const size_t stride = n + 2;  // two guard floats after each row's outputs
  const float guard = -12345.0f;
  std::vector<float> actual(rows * stride, guard);
  const std::vector<float> zeros(kc, 0.0f);
  std::vector<const float*> a(kernel.mr * taps);
  for (size_t row0 = 0; row0 < rows; row0 += kernel.mr) {
    const size_t count = std::min<size_t>(kernel.mr, rows - row0);
    const float** ptr = a.data();
    for (size_t m = 0; m < count; ++m) {
      const int64_t r = int64_t(row0 + m), per_image = int64_t(p.out_h) * p.out_w;
      const int64_t b = r / per_image, oy = r % per_image / p.out_w, ox = r % p.out_w;
      for (int32_t ky = 0; ky < p.kernel_h; ++ky) {
        for (int32_t kx = 0; kx < p.kernel_w; ++kx) {
          const int64_t iy = oy * p.stride_h - p.pad_top + int64_t(ky) * p.dilation_h;
          const int64_t ix = ox * p.stride_w - p.pad_left + int64_t(kx) * p.dilation_w;
          const bool inside = iy >= 0 && iy < p.in_h && ix >= 0 && ix < p.in_w;
          *ptr++ = inside ? in.data() + ((b * p.in_h + iy) * p.in_w + ix) * kc : zeros.data();
        }
      }
    }
    kernel.fn(count, n - first, taps, kc, a.data(),
              packed.data() + first_panel * kernel.nr * (k + 1),
              actual.data() + row0 * stride + first, stride, p.out_min, p.out_max);
  }
  for (size_t r = 0; r < rows; ++r) {
    for (size_t j = 0; j < stride; ++j) {
      const float got = actual[r * stride + j];
      CAPTURE(r, j, got);
      if (j < first || j >= n) {
        CHECK(got == guard);
        continue;
      }
      const float want = expected[r * n + j];
      CAPTURE(want);
      const double diff = std::fabs(double(got) - double(want));
      CHECK(diff <= 1e-5 * std::fabs(want) + 1e-6 * magnitude[r * n + j]);
      errors->max_abs = std::max(errors->max_abs, diff);
      if (want != 0.0f) errors->max_rel = std::max(errors->max_rel, diff / std::fabs(double(want)));
    }
  }
}

ref::F32ConvParams clamps(ref::F32ConvParams p, std::mt19937& rng) {
  const float inf = std::numeric_limits<float>::infinity();
  const bool clamp = rng() % 2 == 0;
  p.out_min = clamp ? -1.0f : -inf;
  p.out_max = clamp ? 1.5f : inf;
  return p;
}

// GEMMs (a 1 x m image of 1x1 taps) and convolutions through one tile.
void check_tile(const char* name, const F32IgemmTile& kernel) {
  CAPTURE(kernel.mr, kernel.nr);
  std::mt19937 rng(test_seed());
  Errors errors;
  // The tile steps through depth one broadcast at a time (no depth
  // remainders to meet): a few depths suffice, channel counts go through
  // the panels' remainders.
  for (size_t k : lengths_through_remainders(8)) {
    for (size_t n : {size_t{1}, size_t{3}, size_t{kernel.nr - 1}, size_t{kernel.nr},
                     size_t{kernel.nr + 5}, size_t{3 * kernel.nr}}) {
      ref::F32ConvParams p;
      p.batch = 1, p.in_h = 1, p.in_w = 1 + int32_t(rng() % (2 * kernel.mr + 1));
      p.in_channels = int32_t(k), p.out_h = 1, p.out_w = p.in_w;
      p.groups = 1, p.group_in = int32_t(k), p.group_out = int32_t(n);
      p = clamps(p, rng);
      const size_t panels = (n + kernel.nr - 1) / kernel.nr;
      CAPTURE(k, n, p.in_w);
      check_conv(kernel, p, rng() % 4 != 0, rng() % panels, rng, &errors);
    }
  }
  for (int it = 0; it < scaled_iterations(60); ++it) {
    ref::F32ConvParams p = random_f32_conv_window(rng, 7);
    p.in_channels = 1 + int32_t(rng() % 20);
    p.groups = 1;
    p.group_in = p.in_channels;
    p.group_out = 1 + int32_t(rng() % (2 * kernel.nr + 3));
    p = clamps(p, rng);
    CAPTURE(it, p.in_channels, p.group_out, p.kernel_h, p.kernel_w, p.stride_h, p.dilation_h,
            p.pad_top);
    check_conv(kernel, p, rng() % 4 != 0, 0, rng, &errors);
  }
  std::printf("f32_igemm %s (%ux%u tile) vs reference: max abs error %.3g, max relative error "
              "%.3g\n", name, kernel.mr, kernel.nr, errors.max_abs, errors.max_rel);
}

}  // namespace

TEST_CASE("packed float GEMM variants: GEMMs and convolutions against the reference",
          "[kernels][f32_igemm]") {
  for_each_variant("f32_igemm", f32_igemm_variants(), [](const auto& row, auto) {
    check_tile(row.name, row.fn.wide);
    if (row.fn.narrow.fn != nullptr) check_tile(row.name, row.fn.narrow);
  });
}
