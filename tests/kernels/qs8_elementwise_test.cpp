#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/qs8_elementwise.h"
#include "lowbit/interpreter.h"
#include "runtime/cpu_features.h"
#include "support/model_runner.h"

using namespace lowbit;

// Only x86 has SIMD ADD/MUL variants (AVX2) so far: elsewhere the file is empty
// (its helpers would be unused).
#if defined(__x86_64__)
namespace {

const RequantProfile kProfiles[] = {RequantProfile::kTfliteReference,
                                    RequantProfile::kSingleRounding, RequantProfile::kXnnpackFp32};

double log_uniform(std::mt19937& rng, double lo_exp, double hi_exp) {
  return std::pow(2.0, std::uniform_real_distribution<double>(lo_exp, hi_exp)(rng));
}

int32_t random_zero_point(std::mt19937& rng) { return static_cast<int32_t>(rng() % 256) - 128; }

void random_clamp(std::mt19937& rng, int32_t zero_point, int32_t* lo, int32_t* hi) {
  *lo = rng() % 3 == 0 ? zero_point : -128;  // a fused ReLU clamps at the zero point
  *hi = rng() % 3 == 0 ? std::max(*lo, 100) : 127;
}

// TFLite's ADD parameters: input multipliers s / (2 max(s_a, s_b)) <= 1/2,
// output multiplier 2 max(s_a, s_b) / (2^20 s_out).
ref::Qs8AddParams random_add_params(std::mt19937& rng, RequantProfile profile) {
  ref::Qs8AddParams p;
  p.profile = profile;
  p.a_zero_point = random_zero_point(rng);
  p.b_zero_point = random_zero_point(rng);
  p.output_zero_point = random_zero_point(rng);
  random_clamp(rng, p.output_zero_point, &p.act_min, &p.act_max);
  const double sa = log_uniform(rng, -9, -3), sb = log_uniform(rng, -9, -3);
  const double so = std::max(sa, sb) * log_uniform(rng, -1, 3);
  const double twice_max = 2 * std::max(sa, sb);
  p.left_shift = 20;
  p.a = ref::make_requantizer(profile, sa / twice_max, static_cast<float>(sa / twice_max));
  p.b = ref::make_requantizer(profile, sb / twice_max, static_cast<float>(sb / twice_max));
  const double out = twice_max / (std::ldexp(1.0, p.left_shift) * so);
  p.output = ref::make_requantizer(profile, out, static_cast<float>(out));
  if (profile == RequantProfile::kXnnpackFp32) {
    REQUIRE(ref::make_xnnpack_add_multipliers(static_cast<float>(sa / so),
                                              static_cast<float>(sb / so), &p));
  }
  return p;
}

ref::Qs8MulParams random_mul_params(std::mt19937& rng, RequantProfile profile) {
  ref::Qs8MulParams p;
  p.profile = profile;
  p.a_zero_point = random_zero_point(rng);
  p.b_zero_point = random_zero_point(rng);
  p.output_zero_point = random_zero_point(rng);
  random_clamp(rng, p.output_zero_point, &p.act_min, &p.act_max);
  const double real = log_uniform(rng, -16, 0);
  p.output = ref::make_requantizer(profile, real, static_cast<float>(real));
  return p;
}

struct Run {
  size_t n, a_stride, b_stride;
  std::vector<int8_t> a, b;
};

// Strides 0 and 1 are the vector paths; 2 checks the fallback.
Run random_run(std::mt19937& rng) {
  Run r;
  r.n = rng() % 4 == 0 ? 1 + rng() % 300 : 1 + rng() % 20;
  const size_t strides[] = {0, 1, 1, 2};
  r.a_stride = strides[rng() % 4];
  r.b_stride = strides[rng() % 4];
  r.a = testing::random_ints<int8_t>(rng, (r.n - 1) * r.a_stride + 1, -128, 127);
  r.b = testing::random_ints<int8_t>(rng, (r.n - 1) * r.b_stride + 1, -128, 127);
  return r;
}

template <typename Params, typename Fn>
void check_variant(Fn variant, Fn reference, Params (*make)(std::mt19937&, RequantProfile)) {
  const uint32_t seed = testing::test_seed();
  CAPTURE(seed);
  for (RequantProfile profile : kProfiles) {
    INFO(requant_profile_name(profile));
    std::mt19937 rng(seed);
    for (int iter = 0; iter < testing::scaled_iterations(300); ++iter) {
      const Params p = make(rng, profile);
      const Run r = random_run(rng);
      CAPTURE(iter, r.n, r.a_stride, r.b_stride);
      std::vector<int8_t> expected(r.n, 0x55), actual(r.n, 0x55);
      reference(p, r.n, r.a.data(), r.a_stride, r.b.data(), r.b_stride, expected.data());
      variant(p, r.n, r.a.data(), r.a_stride, r.b.data(), r.b_stride, actual.data());
      REQUIRE(actual == expected);
    }
  }
}

}  // namespace

TEST_CASE("qs8 ADD avx2 matches the reference in every profile", "[kernels][qs8_elementwise]") {
  if (!CpuFeatures::detect().has(kCpuAVX2)) {
    WARN("qs8_add__avx2 not run: this CPU lacks AVX2");
    return;
  }
  check_variant<ref::Qs8AddParams, ref::Qs8AddFn>(qs8_add__avx2, ref::qs8_add__reference,
                                                  random_add_params);
}

TEST_CASE("qs8 MUL avx2 matches the reference in every profile", "[kernels][qs8_elementwise]") {
  if (!CpuFeatures::detect().has(kCpuAVX2)) {
    WARN("qs8_mul__avx2 not run: this CPU lacks AVX2");
    return;
  }
  check_variant<ref::Qs8MulParams, ref::Qs8MulFn>(qs8_mul__avx2, ref::qs8_mul__reference,
                                                  random_mul_params);
}
#endif  // __x86_64__
