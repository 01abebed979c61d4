// The float GEMM family's tester: every variant this CPU runs against the
// reference (TFLite's depth-order sum) over depths through every remainder
// of the widest vector, column counts through the four-row blocks, row
// strides wider than the depth, with and without bias and clamps. SIMD rows
// sum in other orders with FMA, so each value must lie within
// 1e-5 x |reference| + 1e-6 x (sum of |terms|) of it; nothing past a row's
// n outputs may be written. Prints the largest differences seen.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <vector>

#include "kernels/f32_float.h"
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

}  // namespace

TEST_CASE("float GEMM variants: depths through remainders, blocks of columns, strides, clamps",
          "[kernels][f32_gemm]") {
  for_each_variant("f32_gemm", f32_gemm_variants(), [](const auto& row, auto reference) {
    std::mt19937 rng(test_seed());
    const float inf = std::numeric_limits<float>::infinity();
    const float guard = -12345.0f;
    double max_abs = 0.0, max_rel = 0.0;
    for (size_t k : lengths_through_remainders()) {
      for (size_t n : {size_t{1}, size_t{3}, size_t{4}, size_t{5}, size_t{8}, size_t{13}}) {
        ref::F32GemmParams p;
        p.m = 1 + rng() % 3;
        p.n = n;
        p.k = k;
        p.a_stride = k + rng() % 3;
        p.c_stride = n + 2;  // two guard floats after each row's outputs
        const bool clamp = rng() % 2 == 0;
        p.out_min = clamp ? -1.0f : -inf;
        p.out_max = clamp ? 1.5f : inf;
        const std::vector<float> a = random_floats(rng, p.m * p.a_stride);
        const std::vector<float> w = random_floats(rng, n * k);
        const std::vector<float> bias = random_floats(rng, n);
        const bool has_bias = rng() % 4 != 0;
        std::vector<float> expected(p.m * p.c_stride, guard), actual(p.m * p.c_stride, guard);
        reference(p, a.data(), w.data(), has_bias ? bias.data() : nullptr, expected.data());
        row.fn(p, a.data(), w.data(), has_bias ? bias.data() : nullptr, actual.data());
        CAPTURE(p.m, n, k, p.a_stride, clamp, has_bias);
        for (size_t i = 0; i < p.m; ++i) {
          for (size_t j = 0; j < p.c_stride; ++j) {
            const float want = expected[i * p.c_stride + j], got = actual[i * p.c_stride + j];
            CAPTURE(i, j, want, got);
            if (j >= n) {
              CHECK(got == guard);
              continue;
            }
            double magnitude = has_bias ? std::fabs(bias[j]) : 0.0;
            for (size_t d = 0; d < k; ++d) {
              magnitude += std::fabs(double(a[i * p.a_stride + d]) * double(w[j * k + d]));
            }
            const double diff = std::fabs(double(got) - double(want));
            CHECK(diff <= 1e-5 * std::fabs(want) + 1e-6 * magnitude);
            max_abs = std::max(max_abs, diff);
            if (want != 0.0f) max_rel = std::max(max_rel, diff / std::fabs(double(want)));
          }
        }
      }
    }
    std::printf("f32_gemm %s vs reference: max abs error %.3g, max relative error %.3g\n",
                row.name, max_abs, max_rel);
  });
}
