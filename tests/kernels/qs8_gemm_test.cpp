#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "kernels/qs8_gemm.h"
#include "support/gemm_variants.h"
#include "lowbit/interpreter.h"
#include "runtime/cpu_features.h"
#include "support/model_runner.h"

using namespace lowbit;

namespace {

struct Problem : testing::ChannelRequant {
  size_t mr, n, k;
  int32_t input_zp;
  std::vector<std::vector<int8_t>> rows;  // each exactly k bytes: over-reads show under ASan
  std::vector<int8_t> weights;            // [n][k]
  std::vector<int32_t> bias;
};

Problem make_problem(std::mt19937& rng, size_t max_mr, RequantProfile profile) {
  Problem p;
  p.mr = 1 + rng() % max_mr;
  p.n = 1 + rng() % 40;
  p.k = 1 + rng() % (rng() % 4 == 0 ? 600 : 40);
  p.input_zp = static_cast<int32_t>(rng() % 256) - 128;
  for (size_t m = 0; m < p.mr; ++m) p.rows.push_back(testing::random_ints<int8_t>(rng, p.k, -128, 127));
  p.weights = testing::random_ints<int8_t>(rng, p.n * p.k, -127, 127);
  p.bias = testing::random_ints<int32_t>(rng, p.n, -20000, 20000);
  std::uniform_real_distribution<double> log_scale(-14.0, 1.0);
  p.draw(profile, p.n, 16,
         [&] { return std::pow(2.0, log_scale(rng)) / std::sqrt(double(p.k)); });
  p.params.output_zero_point = static_cast<int32_t>(rng() % 256) - 128;
  // A fused ReLU clamps at the zero point; an upper clamp mimics ReLU6.
  p.params.output_max = rng() % 3 == 0 ? 100 : 127;
  p.params.output_min =
      rng() % 3 == 0 ? std::min(p.params.output_zero_point, p.params.output_max) : -128;
  return p;
}

// The definition: sum((a - zp) * w) + bias, then the profile's requantization.
std::vector<int8_t> simulate(const Problem& p) {
  std::vector<int8_t> out(p.mr * p.n);
  for (size_t m = 0; m < p.mr; ++m) {
    for (size_t c = 0; c < p.n; ++c) {
      int64_t acc = p.bias[c];
      for (size_t i = 0; i < p.k; ++i) {
        acc += int64_t(p.rows[m][i] - p.input_zp) * p.weights[c * p.k + i];
      }
      const ref::Requantizer r = p.channel(c);
      out[m * p.n + c] = static_cast<int8_t>(ref::requantize_to_output(
          static_cast<int32_t>(acc), r, p.params.profile, p.params.output_zero_point,
          p.params.output_min, p.params.output_max));
    }
  }
  return out;
}

std::vector<int8_t> run(const Qs8GemmKernel& kernel, const Problem& p) {
  std::vector<uint8_t> packed(qs8_gemm_packed_bytes(kernel.layout, p.n, p.k) + 64);
  // Start the packed weights at a 64-byte boundary as the runtime does.
  void* aligned = packed.data() + (64 - reinterpret_cast<uintptr_t>(packed.data()) % 64) % 64;
  qs8_gemm_pack(kernel.layout, p.n, p.k, p.weights.data(), p.bias.data(), p.input_zp, aligned);
  std::vector<int8_t> out(p.mr * p.n, 0x55);
  for (size_t m0 = 0; m0 < p.mr; m0 += kernel.mr) {
    const size_t mr = std::min<size_t>(kernel.mr, p.mr - m0);
    std::vector<const int8_t*> rows;
    for (size_t m = 0; m < mr; ++m) rows.push_back(p.rows[m0 + m].data());
    kernel.fn(mr, p.n, p.k, rows.data(), aligned, out.data() + m0 * p.n, p.n, p.params);
  }
  return out;
}

const RequantProfile kProfiles[] = {RequantProfile::kTfliteReference,
                                    RequantProfile::kSingleRounding, RequantProfile::kXnnpackFp32};

}  // namespace

TEST_CASE("qs8 GEMM variants match the definition in every profile", "[kernels][qs8_gemm]") {
  const uint32_t seed = testing::test_seed();
  CAPTURE(seed);
  const auto variants = testing::qs8_gemm_variants_under_test();
  const int tested =
      testing::for_each_runnable_variant(variants, [&](const KernelVariant<Qs8GemmKernel>& variant) {
        for (RequantProfile profile : kProfiles) {
          INFO(requant_profile_name(profile));
          std::mt19937 rng(seed);
          for (int iter = 0; iter < testing::scaled_iterations(150); ++iter) {
            // Rows up to 2*MR+1 exercise full tiles and a remainder.
            Problem p = make_problem(rng, 2 * variant.fn.mr + 1, profile);
            CAPTURE(iter, p.mr, p.n, p.k, p.input_zp);
            REQUIRE(run(variant.fn, p) == simulate(p));
          }
        }
      });
  CHECK(tested >= 1);
}

TEST_CASE("qs8 GEMM saturates at the clamp bounds", "[kernels][qs8_gemm]") {
  // All-max activations and weights drive every output to output_max.
  const auto variants = testing::qs8_gemm_variants_under_test();
  testing::for_each_runnable_variant(variants, [&](const KernelVariant<Qs8GemmKernel>& variant) {
    std::mt19937 rng(1);
    Problem p = make_problem(rng, 1, RequantProfile::kTfliteReference);
    for (auto& x : p.rows[0]) x = 127;
    for (auto& w : p.weights) w = 127;
    for (auto& m : p.multiplier) m = 1 << 30;  // 0.5
    for (auto& s : p.shift) s = 0;
    p.input_zp = -128;
    p.params.output_max = 127;
    std::vector<int8_t> out = run(variant.fn, p);
    for (int8_t o : out) CHECK(o == 127);
  });
}

// The indirect form: each row's K bytes split into taps of tap_bytes, every
// tap in its own buffer (as input pixels are), some taps shared between rows
// (as a padding row is). Same results as the definition.
TEST_CASE("qs8 indirect GEMM variants match the definition in every profile",
          "[kernels][qs8_gemm]") {
  const uint32_t seed = testing::test_seed();
  CAPTURE(seed);
  const auto variants = testing::qs8_gemm_variants_under_test();
  testing::for_each_runnable_variant(variants, [&](const KernelVariant<Qs8GemmKernel>& variant) {
    const Qs8GemmKernel& kernel = variant.fn;
    if (kernel.igemm == nullptr) return;
    for (RequantProfile profile : kProfiles) {
      INFO("indirect [" << requant_profile_name(profile) << "]");
      std::mt19937 rng(seed + 7);
      for (int iter = 0; iter < testing::scaled_iterations(150); ++iter) {
        Problem p = make_problem(rng, kernel.mr, profile);
        const size_t group = kernel.layout.k_group;
        const size_t tap_bytes = group * (1 + rng() % 20);
        const size_t taps = 1 + rng() % 9;
        p.k = taps * tap_bytes;
        p.weights = testing::random_ints<int8_t>(rng, p.n * p.k, -127, 127);
        // Tap t of row m: its own buffer, or (sometimes) one shared buffer.
        const std::vector<int8_t> shared = testing::random_ints<int8_t>(rng, tap_bytes, -128, 127);
        std::vector<std::vector<int8_t>> tap_buffers;
        std::vector<const int8_t*> indirection;
        p.rows.assign(p.mr, {});
        for (size_t m = 0; m < p.mr; ++m) {
          for (size_t t = 0; t < taps; ++t) {
            const bool use_shared = rng() % 5 == 0;
            if (!use_shared) tap_buffers.push_back(testing::random_ints<int8_t>(rng, tap_bytes, -128, 127));
            const std::vector<int8_t>& tap = use_shared ? shared : tap_buffers.back();
            indirection.push_back(tap.data());
            p.rows[m].insert(p.rows[m].end(), tap.begin(), tap.end());
          }
        }
        CAPTURE(iter, p.mr, p.n, taps, tap_bytes, p.input_zp);
        std::vector<uint8_t> packed(qs8_gemm_packed_bytes(kernel.layout, p.n, p.k) + 64);
        void* aligned = packed.data() + (64 - reinterpret_cast<uintptr_t>(packed.data()) % 64) % 64;
        qs8_gemm_pack(kernel.layout, p.n, p.k, p.weights.data(), p.bias.data(), p.input_zp, aligned);
        std::vector<int8_t> out(p.mr * p.n, 0x55);
        kernel.igemm(p.mr, p.n, taps, tap_bytes, indirection.data(), aligned, out.data(), p.n,
                     p.params);
        REQUIRE(out == simulate(p));
      }
    }
  });
}
