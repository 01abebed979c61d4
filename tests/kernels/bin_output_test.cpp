// Binary output stages: every variant this CPU runs equals the scalar stage
// bit for bit, on channel counts around the vector widths, with and without a
// zero-padding correction, on exact int8 ties and saturating thresholds.
#include <catch2/catch.hpp>

#include <algorithm>
#include <climits>
#include <cmath>
#include <limits>
#include <cstring>
#include <random>
#include <vector>

#include "kernels/bin_gemm.h"
#include "runtime/cpu_features.h"
#include "support/gemm_variants.h"
#include "support/model_runner.h"

using namespace lowbit;

namespace {

struct StageCase {
  std::vector<int32_t> popcounts, correction, doubled_threshold;
  std::vector<float> multiplier, bias;
  BinOutputStageParams params;
};

StageCase random_case(std::mt19937& rng, size_t channels, bool ties) {
  StageCase t;
  std::uniform_int_distribution<int32_t> pc(0, 3000), corr(-500, 500), thr(-100, 6500);
  std::uniform_real_distribution<float> mul(-0.2f, 0.2f), bias(-200.0f, 200.0f);
  for (size_t c = 0; c < channels; ++c) {
    t.popcounts.push_back(pc(rng));
    t.correction.push_back(corr(rng));
    t.doubled_threshold.push_back(rng() % 9 == 0 ? (rng() % 2 ? INT32_MAX : INT32_MIN) : thr(rng));
    // Quarters make y land exactly on .5 ties, of both signs.
    t.multiplier.push_back(ties ? 0.25f * float(int(rng() % 5) - 2) : mul(rng));
    t.bias.push_back(ties ? 0.25f * float(int(rng() % 801) - 400) : bias(rng));
  }
  t.params.multiplier = t.multiplier.data();
  t.params.bias = t.bias.data();
  t.params.clamp_min = rng() % 2 ? INT32_MIN : int32_t(rng() % 1000);
  t.params.clamp_max = rng() % 2 ? INT32_MAX : int32_t(2000 + rng() % 4000);
  t.params.doubled_threshold = t.doubled_threshold.data();
  return t;
}

}  // namespace

TEST_CASE("binary output stages equal the scalar stage", "[kernels][bin_output]") {
  const uint32_t seed = testing::test_seed();
  CAPTURE(seed);
  const int tested = testing::for_each_runnable_variant(
      bin_output_variants(), [&](const KernelVariant<BinOutputKernel>& variant) {
    const BinOutputKernel k = variant.fn;
    std::mt19937 rng(seed);
    for (int iter = 0; iter < testing::scaled_iterations(300); ++iter) {
      const size_t channels = iter < 70 ? size_t(1 + iter) : 1 + rng() % 300;
      const bool ties = iter % 3 == 0;
      const StageCase t = random_case(rng, channels, ties);
      const int32_t* correction = iter % 2 ? t.correction.data() : nullptr;
      CAPTURE(iter, channels, ties, correction != nullptr);
      const BinOutputFn scalar[] = {bin_output_float__reference, bin_output_int8__reference,
                                    bin_output_bits__reference};
      const BinOutputFn tested_fns[] = {k.to_float, k.to_int8, k.to_bits};
      for (int mode = 0; mode < 3; ++mode) {
        CAPTURE(mode);
        // One guard byte past the row shows stray stores.
        const size_t bytes = mode == 0 ? channels * 4 : mode == 1 ? channels : (channels + 31) / 32 * 4;
        std::vector<uint8_t> expected(bytes + 1, 0x5A), got(bytes + 1, 0x5A);
        scalar[mode](channels, t.popcounts.data(), correction, t.params, expected.data());
        tested_fns[mode](channels, t.popcounts.data(), correction, t.params, got.data());
        REQUIRE(got == expected);
      }
    }
  });
  CHECK(tested >= 1);
}

TEST_CASE("scalar output stage: ties round away from zero, thresholds compare doubled",
          "[kernels][bin_output]") {
  const int32_t popcounts[2] = {1, 3};  // D = 2, 6
  const float multiplier[2] = {0.25f, -0.25f};
  const float bias[2] = {0.0f, 0.0f};  // y = 0.5, -1.5
  const int32_t doubled_threshold[2] = {2, 5};
  BinOutputStageParams params;
  params.multiplier = multiplier;
  params.bias = bias;
  params.doubled_threshold = doubled_threshold;
  int8_t q[2];
  bin_output_int8__reference(2, popcounts, nullptr, params, q);
  CHECK(q[0] == 1);
  CHECK(q[1] == -2);
  uint32_t bits = ~0u;
  bin_output_bits__reference(2, popcounts, nullptr, params, &bits);
  CHECK(bits == 0x2u);  // 2 > 2 is false, 6 > 5 is true; pad bits cleared
}

TEST_CASE("binary output stages keep subnormal multipliers and biases", "[kernels][bin_output]") {
  // ARMv7 NEON flushes subnormals to zero; its variant must still give the
  // scalar stage's bits (a product or sum near zero keeps its subnormal value).
  const float tiny = std::numeric_limits<float>::denorm_min();
  const size_t channels = 21;  // two full blocks of 8 and a partial one
  std::vector<int32_t> popcounts(channels);
  std::vector<float> multiplier(channels), bias(channels);
  for (size_t c = 0; c < channels; ++c) {
    popcounts[c] = int32_t(c % 4);  // D = 0, 2, 4, 6
    multiplier[c] = c % 3 == 0 ? tiny * float(1 + c) : (c % 3 == 1 ? 1e-39f : 0.5f);
    bias[c] = c % 2 == 0 ? -tiny * 3.0f : 0.0f;
  }
  BinOutputStageParams params;
  params.multiplier = multiplier.data();
  params.bias = bias.data();
  std::vector<float> expected(channels), got(channels);
  bin_output_float__reference(channels, popcounts.data(), nullptr, params, expected.data());
  // Some results are subnormal and non-zero, or the case proves nothing.
  CHECK(std::count_if(expected.begin(), expected.end(),
                      [](float y) { return y != 0.0f && std::fpclassify(y) == FP_SUBNORMAL; }) > 0);
  const int tested = testing::for_each_runnable_variant(
      bin_output_variants(), [&](const KernelVariant<BinOutputKernel>& variant) {
        std::fill(got.begin(), got.end(), -1.0f);
        variant.fn.to_float(channels, popcounts.data(), nullptr, params, got.data());
        REQUIRE(std::memcmp(got.data(), expected.data(), channels * sizeof(float)) == 0);
      });
  CHECK(tested >= 1);
}
