#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <type_traits>
#include <vector>

#include "kernels/qs8_quantize.h"
#include "lowbit/interpreter.h"
#include "runtime/cpu_features.h"
#include "support/model_runner.h"

using namespace lowbit;

namespace {

template <typename T>
int32_t random_value(std::mt19937& rng) {
  return std::is_signed<T>::value ? static_cast<int32_t>(rng() % 256) - 128
                                  : static_cast<int32_t>(rng() % 256);
}

// Rescales from 2^-10 to 2^10 cover QUANTIZE between integer types and the
// saturating extremes; the activation range is the output type's.
template <typename In, typename Out>
void check_requantize(ref::RequantizeFn<In, Out> variant, ref::RequantizeFn<In, Out> reference) {
  const uint32_t seed = testing::test_seed();
  CAPTURE(seed);
  for (RequantProfile profile : {RequantProfile::kTfliteReference, RequantProfile::kSingleRounding,
                                 RequantProfile::kXnnpackFp32}) {
    INFO(requant_profile_name(profile));
    std::mt19937 rng(seed);
    for (int iter = 0; iter < testing::scaled_iterations(300); ++iter) {
      ref::RequantizeParams p;
      p.profile = profile;
      p.input_zero_point = random_value<In>(rng);
      p.output_zero_point = random_value<Out>(rng);
      const double real =
          rng() % 4 == 0 ? 1.0 : std::pow(2.0, std::uniform_real_distribution<double>(-10, 10)(rng));
      p.rescale = ref::make_requantizer(profile, real, static_cast<float>(real));
      p.act_min = std::is_signed<Out>::value ? -128 : 0;
      p.act_max = std::is_signed<Out>::value ? 127 : 255;
      const size_t n = 1 + rng() % (rng() % 4 == 0 ? 500 : 20);
      std::vector<In> input(n);
      for (auto& x : input) x = static_cast<In>(random_value<In>(rng));
      CAPTURE(iter, n, real, p.input_zero_point, p.output_zero_point);
      std::vector<Out> expected(n, 0x55), actual(n, 0x55);
      reference(p, n, input.data(), expected.data());
      variant(p, n, input.data(), actual.data());
      REQUIRE(actual == expected);
    }
  }
}

}  // namespace

#if defined(__x86_64__)
TEST_CASE("qs8 requantize avx2 variants match the reference in every profile",
          "[kernels][qs8_quantize]") {
  if (!CpuFeatures::detect().has(kCpuAVX2)) {
    WARN("requantize avx2 variants not run: this CPU lacks AVX2");
    return;
  }
  check_requantize<int8_t, int8_t>(qs8_requantize__avx2, ref::qs8_requantize__reference);
  check_requantize<uint8_t, int8_t>(qu8_qs8_requantize__avx2, ref::qu8_qs8_requantize__reference);
  check_requantize<int8_t, uint8_t>(qs8_qu8_requantize__avx2, ref::qs8_qu8_requantize__reference);
}
#endif
