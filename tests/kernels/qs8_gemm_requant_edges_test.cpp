// Fused requantization of every qs8 GEMM variant at its edges: with zero
// weights the accumulator is exactly the packed bias, so any int32 can be fed
// in. Accumulators are aimed at the int8 output range for multipliers with
// every shift the profiles allow (so rounding differences show rather than
// being clamped away), hit rounding ties on purpose, and include INT32_MIN/MAX
// for the saturating shifts. Bit-exact with ref::requantize_to_output.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "kernels/qs8_gemm.h"
#include "support/gemm_variants.h"
#include "support/kernel_tester.h"
#include "lowbit/interpreter.h"
#include "runtime/cpu_features.h"
#include "support/model_runner.h"

using namespace lowbit;

namespace {

constexpr size_t kChannels = 48;  // a multiple of every NR, plus remainders below

struct Channel {
  int32_t acc;
  ref::Requantizer r;
};

int32_t clamp_to_int32(double v) {
  if (v >= 2147483647.0) return std::numeric_limits<int32_t>::max();
  if (v <= -2147483648.0) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(v);
}

// right_only: shifts -31..0 only, as in real layers (the SIMD kernels then
// skip the saturating left shift for the whole block).
Channel make_channel(std::mt19937& rng, RequantProfile profile, bool right_only) {
  Channel ch;
  const int32_t max_shift =
      right_only ? 0 : (profile == RequantProfile::kSingleRounding ? 30 : 31);
  const int32_t shift = static_cast<int32_t>(rng() % (max_shift + 32)) - 31;  // -31..max
  switch (rng() % 4) {
    case 0: ch.r.multiplier = 1 << 30; break;  // 0.5: many exact halves
    case 1: ch.r.multiplier = std::numeric_limits<int32_t>::max(); break;
    default: ch.r.multiplier = static_cast<int32_t>((1u << 30) + rng() % (1u << 30)); break;
  }
  ch.r.shift = shift;
  // fp32: powers of two give exact ties, others random magnitudes.
  ch.r.scale = rng() % 3 == 0 ? std::ldexp(1.0f, -static_cast<int>(rng() % 12))
                              : static_cast<float>(std::pow(2.0, -20.0 + 24.0 * (rng() % 1000) / 1000.0));
  const double real = profile == RequantProfile::kXnnpackFp32
                          ? double(ch.r.scale)
                          : double(ch.r.multiplier) * std::ldexp(1.0, shift - 31);
  switch (rng() % 8) {
    case 0: ch.acc = std::numeric_limits<int32_t>::min(); break;
    case 1: ch.acc = std::numeric_limits<int32_t>::max(); break;
    default: {
      // Aim at an output in or just outside [-128, 127], then nudge by a few
      // units so neighbouring roundings (and ties) are all visited.
      const double target = static_cast<double>(static_cast<int>(rng() % 300) - 150) + 0.5 * (rng() % 2);
      const int32_t jitter = static_cast<int32_t>(rng() % 7) - 3;
      ch.acc = clamp_to_int32(std::nearbyint(target / real) + jitter);
      break;
    }
  }
  return ch;
}

}  // namespace

TEST_CASE("qs8 GEMM variants requantize edge accumulators like the reference", "[kernels][qs8_gemm]") {
  const uint32_t seed = testing::test_seed();
  CAPTURE(seed);
  const auto variants = testing::qs8_gemm_variants_under_test();
  testing::for_each_runnable_variant(variants, [&](const KernelVariant<Qs8GemmKernel>& variant) {
    const Qs8GemmKernel& kernel = variant.fn;
    for (RequantProfile profile : testing::kSimdProfiles) {
      INFO(requant_profile_name(profile));
      std::mt19937 rng(seed);
      for (int iter = 0; iter < testing::scaled_iterations(60); ++iter) {
        const size_t n = kChannels - rng() % 9;
        std::vector<Channel> channels;
        std::vector<int32_t> bias(n), multiplier(kChannels, 0), shift(kChannels, 0);
        std::vector<float> scale(kChannels, 0.0f);
        for (size_t c = 0; c < n; ++c) {
          channels.push_back(make_channel(rng, profile, /*right_only=*/iter % 2 == 1));
          bias[c] = channels[c].acc;
          multiplier[c] = channels[c].r.multiplier;
          shift[c] = channels[c].r.shift;
          scale[c] = channels[c].r.scale;
        }
        Qs8GemmParams params;
        params.profile = profile;
        params.output_zero_point = static_cast<int32_t>(rng() % 256) - 128;
        // A fused RELU's clamp (act_min = zero point) every third round: the
        // kernels then round tflite_reference's ties up (ref::clamped_profile).
        if (iter % 3 == 2) params.output_min = params.output_zero_point;
        params.multiplier = multiplier.data();
        params.shift = shift.data();
        params.scale = scale.data();

        // One row, K = 1, weights 0: acc = bias for every channel.
        const std::vector<int8_t> weights(n, 0);
        std::vector<uint8_t> packed(qs8_gemm_packed_bytes(kernel.layout, n, 1) + 64);
        void* aligned = packed.data() + (64 - reinterpret_cast<uintptr_t>(packed.data()) % 64) % 64;
        qs8_gemm_pack(kernel.layout, n, 1, weights.data(), bias.data(), 0, aligned);
        const int8_t row[1] = {static_cast<int8_t>(rng())};
        const int8_t* rows[1] = {row};
        std::vector<int8_t> out(n, 0x55);
        kernel.fn(1, n, 1, rows, aligned, out.data(), n, params);

        for (size_t c = 0; c < n; ++c) {
          const int32_t expected = ref::requantize_to_output(
              channels[c].acc, channels[c].r, profile, params.output_zero_point, params.output_min,
              127);
          INFO("iter " << iter << " channel " << c << ": acc " << channels[c].acc << " multiplier "
                       << channels[c].r.multiplier << " shift " << channels[c].r.shift << " scale "
                       << channels[c].r.scale << " zp " << params.output_zero_point << " min "
                       << params.output_min);
          REQUIRE(int32_t(out[c]) == expected);
        }
      }
    }
  });
}

// Stored terms (Qs8GemmKernel::requant_terms) round like the reference where
// it matters most for tflite_reference's doubled form: exact ties of both
// signs (multiplier 2^30 with shift -r makes acc * 2^-(1+r) a half for acc
// an odd multiple of 2^r), their neighbours, zero, multiplier-0 lanes with
// accumulators of either sign, and accumulators at the bound the layer
// declares. Zero weights, so each accumulator is its channel's bias.
TEST_CASE("qs8 GEMM stored terms round ties, zero multipliers and signs like the reference",
          "[kernels][qs8_gemm]") {
  const uint32_t seed = testing::test_seed();
  CAPTURE(seed);
  const auto variants = testing::qs8_gemm_variants_under_test();
  int checked = 0;
  testing::for_each_runnable_variant(variants, [&](const KernelVariant<Qs8GemmKernel>& variant) {
    const Qs8GemmKernel& kernel = variant.fn;
    if (kernel.requant_terms == nullptr) return;
    for (RequantProfile profile : {RequantProfile::kTfliteReference,
                                   RequantProfile::kTfliteOptimized,
                                   RequantProfile::kSingleRounding}) {
      INFO(requant_profile_name(profile));
      std::mt19937 rng(seed);
      for (int iter = 0; iter < testing::scaled_iterations(200); ++iter) {
        const size_t n = kChannels - rng() % 9;
        const int32_t bound = iter % 4 == 0 ? (1 << 29) - 2 : 1 << (10 + rng() % 18);
        std::vector<int32_t> bias(n), multiplier(kChannels, 0), shift(kChannels, -1);
        std::vector<float> scale(kChannels, 0.0f);
        Qs8GemmParams params;
        params.profile = profile;
        params.output_zero_point = static_cast<int32_t>(rng() % 256) - 128;
        for (size_t c = 0; c < n; ++c) {
          const int32_t r = 1 + static_cast<int32_t>(rng() % 30);
          shift[c] = -r;
          switch (rng() % 4) {
            case 0: multiplier[c] = 0; break;
            case 1: multiplier[c] = 1 << 30; break;
            case 2: multiplier[c] = std::numeric_limits<int32_t>::max(); break;
            default: multiplier[c] = static_cast<int32_t>((1u << 30) + rng() % (1u << 30)); break;
          }
          int64_t acc = 0;
          switch (rng() % 4) {
            case 0: {  // a tie of multiplier 2^30 and its neighbours
              const int64_t odd = 2 * int64_t(rng() % 300) - 299;
              acc = odd * (int64_t{1} << r) + int64_t(rng() % 3) - 1;
              break;
            }
            case 1: acc = rng() % 2 ? bound : -int64_t(bound); break;
            case 2: acc = int64_t(rng() % 7) - 3; break;
            default: acc = int64_t(rng() % (2 * uint32_t(bound) + 1)) - bound; break;
          }
          bias[c] = static_cast<int32_t>(std::max<int64_t>(-bound, std::min<int64_t>(bound, acc)));
        }
        // The zero point must fold (|zp| <= 2^(30-r)) for terms to be stored:
        // keep it small where some shift is large.
        if (*std::min_element(shift.begin(), shift.end()) < -22) {
          params.output_zero_point = static_cast<int32_t>(rng() % 3) - 1;
        }
        params.multiplier = multiplier.data();
        params.shift = shift.data();
        params.scale = scale.data();
        std::vector<uint8_t> terms((n + 15) / 16 * kernel.requant_terms_block_bytes);
        // K = 1 with zero weights: the bias is the accumulator, within bound.
        REQUIRE(kernel.requant_terms(n, params, uint32_t(bound), terms.data()));
        params.requant_terms = terms.data();

        const std::vector<int8_t> weights(n, 0);
        std::vector<uint8_t> packed(qs8_gemm_packed_bytes(kernel.layout, n, 1) + 64);
        void* aligned = packed.data() + (64 - reinterpret_cast<uintptr_t>(packed.data()) % 64) % 64;
        qs8_gemm_pack(kernel.layout, n, 1, weights.data(), bias.data(), 0, aligned);
        const int8_t row[1] = {static_cast<int8_t>(rng())};
        const int8_t* rows[1] = {row};
        std::vector<int8_t> out(n, 0x55);
        kernel.fn(1, n, 1, rows, aligned, out.data(), n, params);
        for (size_t c = 0; c < n; ++c) {
          ref::Requantizer r;
          r.multiplier = multiplier[c];
          r.shift = shift[c];
          const int32_t expected = ref::requantize_to_output(
              bias[c], r, profile, params.output_zero_point, params.output_min, 127);
          INFO("iter " << iter << " channel " << c << ": acc " << bias[c] << " multiplier "
                       << multiplier[c] << " shift " << shift[c] << " zp "
                       << params.output_zero_point);
          REQUIRE(int32_t(out[c]) == expected);
          ++checked;
        }
      }
    }
  });
  if (checked == 0) WARN("no variant with stored requantization terms runs on this CPU");
}
