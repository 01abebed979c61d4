// The float element-wise families' tester (kernels/f32_elementwise_simd.h):
// every variant this CPU runs against the reference. ADD, SUB, MUL, the clamp
// and HARD_SWISH bit for bit; LOGISTIC and SOFTMAX within the bounds below
// (their SIMD rows use a polynomial exp), with the largest errors measured
// printed. Lengths go through every remainder of the widest vector.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <iostream>
#include <limits>
#include <random>
#include <vector>

#include "kernels/f32_float.h"
#include "support/kernel_tester.h"
#include "support/model_runner.h"

using namespace lowbit;
using namespace lowbit::testing;

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// The documented bounds (kernels/f32_elementwise_loops.h) against the
// reference's std::exp: LOGISTIC's relative error where the reference result
// is normal, and the absolute error below that (the SIMD rows give 0 where
// the reference gives a subnormal).
constexpr double kLogisticMaxRel = 1e-6;
constexpr double kSoftmaxMaxRel = 4e-6;
constexpr double kBelowNormal = 1.2e-38;

// Bit-for-bit equality of n outputs written by want and got, and nothing
// written after them; NaNs need only both be NaN (32-bit NEON makes default
// NaNs).
template <typename WriteWant, typename WriteGot>
void expect_same_bits(size_t n, WriteWant&& write_want, WriteGot&& write_got) {
  GuardedOutput<float> want(n), got(n);
  write_want(want.data());
  write_got(got.data());
  REQUIRE(got.guard_intact());
  const std::vector<float> w = want.values(), g = got.values();
  if (std::memcmp(w.data(), g.data(), n * sizeof(float)) == 0) return;  // the usual case, fast
  for (size_t i = 0; i < n; ++i) {
    if (std::isnan(w[i]) && std::isnan(g[i])) continue;
    CAPTURE(i, w[i], g[i]);
    REQUIRE(std::memcmp(&w[i], &g[i], sizeof(float)) == 0);
  }
}

// Relative error of got against want, with values below the normal range
// counted as absolute (and NaN only against NaN); returns the largest.
double max_error(const std::vector<float>& want, const std::vector<float>& got, double rel_bound,
                 const std::vector<float>& input) {
  double worst = 0.0;
  for (size_t i = 0; i < want.size(); ++i) {
    const bool nan_want = std::isnan(want[i]), nan_got = std::isnan(got[i]);
    const double diff = std::fabs(double(got[i]) - double(want[i]));
    const bool normal = std::fabs(want[i]) >= std::numeric_limits<float>::min();
    const double rel = normal ? diff / std::fabs(double(want[i])) : 0.0;
    const bool ok = nan_want || nan_got ? nan_want && nan_got
                                        : (normal ? rel <= rel_bound : diff <= kBelowNormal);
    if (!ok) {
      INFO("at " << i << " input " << input[i] << ": want " << want[i] << ", got " << got[i]);
      REQUIRE(ok);
    }
    if (!nan_want) worst = std::max(worst, rel);
  }
  return worst;
}

// The operator's parameters for shapes a and b (kernels' strides: 0 where an
// input is broadcast), the output's shape filled in.
ref::F32BinaryParams binary_params(const std::vector<int32_t>& a, const std::vector<int32_t>& b,
                                   float lo, float hi) {
  ref::F32BinaryParams p;
  p.rank = int(std::max(a.size(), b.size()));
  p.out_min = lo;
  p.out_max = hi;
  const std::vector<int32_t>* shapes[2] = {&a, &b};
  int64_t* strides[2] = {p.a_strides, p.b_strides};
  for (int d = 0; d < p.rank; ++d) {
    const int da = d - (p.rank - int(a.size())), db = d - (p.rank - int(b.size()));
    p.out_dims[d] = std::max(da >= 0 ? a[size_t(da)] : 1, db >= 0 ? b[size_t(db)] : 1);
  }
  for (int i = 0; i < 2; ++i) {
    const std::vector<int32_t>& s = *shapes[i];
    int64_t stride = 1;
    for (int d = p.rank - 1; d >= 0; --d) {
      const int sd = d - (p.rank - int(s.size()));
      const int32_t dim = sd >= 0 ? s[size_t(sd)] : 1;
      strides[i][d] = dim == 1 ? 0 : stride;
      stride *= dim;
    }
  }
  return p;
}

size_t elements(const std::vector<int32_t>& shape) {
  size_t n = 1;
  for (int32_t d : shape) n *= size_t(d);
  return n;
}

// The broadcast forms models use, with an inner dimension of c: same shapes,
// a scalar on either side, a per-channel vector, [N,1,1,C] (squeeze-and-
// excite), [N,H,W,1], and both sides broadcast.
std::vector<std::pair<std::vector<int32_t>, std::vector<int32_t>>> broadcast_forms(int32_t c,
                                                                                     std::mt19937& rng) {
  // Long rows get one pixel: the outer dimensions are tested on the short ones.
  const int32_t outer = c > 100 ? 1 : 0;
  const int32_t n = 1 + int32_t(rng() % 2) * (1 - outer), h = 1 + int32_t(rng() % 3) * (1 - outer),
                w = 1 + int32_t(rng() % 3) * (1 - outer);
  return {{{n, h, w, c}, {n, h, w, c}}, {{c}, {c}},           {{n, h, w, c}, {}},
          {{}, {n, h, w, c}},           {{n, h, w, c}, {c}},   {{c}, {n, h, w, c}},
          {{n, h, w, c}, {n, 1, 1, c}}, {{n, h, w, c}, {n, h, w, 1}}, {{n, 1, w, c}, {n, h, 1, 1}},
          {{h, 1}, {1, c}},             {{}, {}}};
}

}  // namespace

TEST_CASE("float ADD/SUB/MUL variants: broadcast forms, clamps, bit-exact",
          "[kernels][f32_elementwise]") {
  const std::pair<const char*, KernelFamily<ref::F32BinaryFn>> families[] = {
      {"f32_add", f32_add_variants()}, {"f32_sub", f32_sub_variants()},
      {"f32_mul", f32_mul_variants()}};
  for (const auto& [name, family] : families) {
    for_each_variant(name, family, [](const auto& row, auto reference) {
      std::mt19937 rng(test_seed());
      std::uniform_real_distribution<float> dist(-4.0f, 4.0f);
      const std::pair<float, float> clamps[] = {{-kInf, kInf}, {0.0f, kInf}, {0.0f, 6.0f}, {-1.0f, 1.0f}};
      for (size_t c : lengths_through_remainders(16)) {
        for (const auto& [a_shape, b_shape] : broadcast_forms(int32_t(c), rng)) {
          const auto [lo, hi] = clamps[rng() % 4];
          const ref::F32BinaryParams p = binary_params(a_shape, b_shape, lo, hi);
          std::vector<float> a(elements(a_shape)), b(elements(b_shape));
          for (float& x : a) x = dist(rng);
          for (float& x : b) x = dist(rng);
          size_t out = 1;
          for (int d = 0; d < p.rank; ++d) out *= size_t(p.out_dims[d]);
          CAPTURE(c, a_shape, b_shape, lo, hi);
          expect_same_bits(
              out, [&](float* o) { reference(p, a.data(), b.data(), o); },
              [&](float* o) { row.fn(p, a.data(), b.data(), o); });
        }
      }
    });
  }
}

TEST_CASE("float clamp and HARD_SWISH variants: lengths, special values, bit-exact",
          "[kernels][f32_elementwise]") {
  const std::pair<const char*, KernelFamily<ref::F32UnaryFn>> families[] = {
      {"f32_clamp", f32_clamp_variants()}, {"f32_hardswish", f32_hardswish_variants()}};
  for (const auto& [name, family] : families) {
    for_each_variant(name, family, [](const auto& row, auto reference) {
      std::mt19937 rng(test_seed());
      std::uniform_real_distribution<float> dist(-8.0f, 8.0f);
      const float specials[] = {0.0f, -0.0f, -3.0f, 3.0f, 6.0f, -6.0f, kInf, -kInf, kNaN, 1e30f};
      for (size_t n : lengths_through_remainders(16)) {
        std::vector<float> in(n);
        for (float& x : in) x = rng() % 8 == 0 ? specials[rng() % 10] : dist(rng);
        for (const auto& [lo, hi] : {std::pair{0.0f, kInf}, std::pair{0.0f, 6.0f},
                                     std::pair{-1.0f, 1.0f}}) {
          const ref::F32UnaryParams p{lo, hi};
          CAPTURE(n, lo, hi);
          expect_same_bits(
              n, [&](float* o) { reference(p, n, in.data(), o); },
              [&](float* o) { row.fn(p, n, in.data(), o); });
        }
      }
    });
  }
}

TEST_CASE("float LOGISTIC variants: within the stated error of the reference",
          "[kernels][f32_elementwise]") {
  for_each_variant("f32_logistic", f32_logistic_variants(), [](const auto& row, auto reference) {
    // A dense sweep of [-100, 100] (every range the polynomial and the
    // scaling meet), the edges of the normal range, and special values.
    std::vector<float> in;
    for (float x = -100.0f; x <= 100.0f; x += 0.00137f) in.push_back(x);
    for (float x : {0.0f, -0.0f, kInf, -kInf, kNaN, 1e-8f, -1e-8f, -87.3f, -87.4f, -103.0f, -104.0f,
                    88.0f, 17.0f, -17.0f}) {
      in.push_back(x);
    }
    const ref::F32UnaryParams p;
    GuardedOutput<float> want(in.size()), got(in.size());
    reference(p, in.size(), in.data(), want.data());
    row.fn(p, in.size(), in.data(), got.data());
    REQUIRE(got.guard_intact());
    const double worst = max_error(want.values(), got.values(), kLogisticMaxRel, in);
    std::cout << "  " << row.name << ": largest relative error " << worst << " (bound "
              << kLogisticMaxRel << ")\n";
    // Every tail length (inputs around -4) gets the vectors' arithmetic.
    for (size_t n : lengths_through_remainders(16)) {
      const std::vector<float> part(in.begin() + 70000, in.begin() + 70000 + long(n));
      GuardedOutput<float> w(n), g(n);
      reference(p, n, part.data(), w.data());
      row.fn(p, n, part.data(), g.data());
      CAPTURE(n);
      REQUIRE(g.guard_intact());
      max_error(w.values(), g.values(), kLogisticMaxRel, part);
    }
  });
}

TEST_CASE("float SOFTMAX variants: row lengths, betas, within the stated error",
          "[kernels][f32_elementwise]") {
  for_each_variant("f32_softmax", f32_softmax_variants(), [](const auto& row, auto reference) {
    std::mt19937 rng(test_seed());
    std::uniform_real_distribution<float> dist(-10.0f, 10.0f);
    double worst = 0.0;
    for (size_t channels : lengths_through_remainders(16)) {
      for (float beta : {1.0f, 0.5f, 2.0f, 0.0f, -1.0f}) {
        ref::F32SoftmaxParams p{1 + rng() % 3, channels, beta};
        std::vector<float> in(p.rows * channels);
        for (float& x : in) x = dist(rng);
        GuardedOutput<float> want(in.size()), got(in.size());
        reference(p, in.data(), want.data());
        row.fn(p, in.data(), got.data());
        CAPTURE(channels, beta, p.rows);
        REQUIRE(got.guard_intact());
        worst = std::max(worst, max_error(want.values(), got.values(), kSoftmaxMaxRel, in));
      }
    }
    std::cout << "  " << row.name << ": largest relative error " << worst << " (bound "
              << kSoftmaxMaxRel << ")\n";
  });
}
