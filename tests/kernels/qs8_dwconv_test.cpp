#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "kernels/qs8_dwconv.h"
#include "runtime/cpu_features.h"
#include "support/gemm_variants.h"
#include "support/kernel_tester.h"
#include "support/model_runner.h"

using namespace lowbit;

namespace {

// Random per-channel requantization and output range under one profile.
struct Requant : testing::ChannelRequant {
  // max_log_scale below 0 keeps every channel's shift right of 1 or more,
  // where the stored terms fold the zero point.
  Requant(std::mt19937& rng, RequantProfile profile, size_t channels,
          double max_log_scale = 0.0) {
    std::uniform_real_distribution<double> log_scale(-12.0, max_log_scale);
    draw(profile, channels, 32, [&] { return std::pow(2.0, log_scale(rng)); });
    params.output_zero_point = static_cast<int32_t>(rng() % 256) - 128;
    params.output_max = rng() % 3 == 0 ? 90 : 127;
    // A fused RELU's clamp or none (with a negative lower bound the
    // tflite_reference kernels round ties away from zero; see
    // ref::clamped_profile).
    params.output_min =
        rng() % 2 == 0 ? std::min(params.output_zero_point, params.output_max) : -128;
  }
  // Per-channel scales at their ends, output zero point and clamp of `e`.
  Requant(const testing::Qs8EdgeParams& e, size_t channels) {
    draw_edges(e.profile, channels, 32, 1.0 / 256);
    set_output(e);
  }
  Requant(const Requant&) = delete;

  int8_t output(int64_t acc, size_t c) const {
    const ref::Requantizer r = channel(c);
    return static_cast<int8_t>(ref::requantize_to_output(static_cast<int32_t>(acc), r,
                                                         params.profile, params.output_zero_point,
                                                         params.output_min, params.output_max));
  }
};

// Channel counts around the vector widths, and random ones.
size_t random_channels(std::mt19937& rng) {
  static const size_t kEdges[] = {1, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 48, 64, 65};
  return rng() % 2 ? kEdges[rng() % (sizeof(kEdges) / sizeof(kEdges[0]))] : 1 + rng() % 100;
}

struct Problem {
  size_t channels, taps;
  int32_t input_zp;
  std::vector<std::vector<int8_t>> inputs;  // one row per tap, exactly `channels` bytes
  std::vector<int8_t> weights;              // [taps][channels]
  std::vector<int32_t> bias;
};

Problem make_problem(std::mt19937& rng) {
  Problem p;
  p.channels = random_channels(rng);
  p.taps = 1 + rng() % 25;
  p.input_zp = static_cast<int32_t>(rng() % 256) - 128;
  for (size_t t = 0; t < p.taps; ++t) {
    p.inputs.push_back(testing::random_ints<int8_t>(rng, p.channels, -128, 127));
  }
  p.weights = testing::random_ints<int8_t>(rng, p.taps * p.channels, -127, 127);
  p.bias = testing::random_ints<int32_t>(rng, p.channels, -5000, 5000);
  return p;
}

void simulate_into(const Problem& p, const Requant& rq, int8_t* out) {
  for (size_t c = 0; c < p.channels; ++c) {
    int64_t acc = p.bias[c];
    for (size_t t = 0; t < p.taps; ++t) {
      acc += int64_t(p.inputs[t][c] - p.input_zp) * p.weights[t * p.channels + c];
    }
    out[c] = rq.output(acc, c);
  }
}

std::vector<int8_t> simulate(const Problem& p, const Requant& rq) {
  std::vector<int8_t> out(p.channels);
  simulate_into(p, rq, out.data());
  return out;
}

// The kernel with tap t read at inputs[t]; with `stored_terms`, fn_terms
// with the terms generic_terms stores (fn where it declines, as in the
// driver; *used, if given, says whether it stored them).
void run_into(const Qs8DwconvKernel& kernel, const Problem& p, const Requant& rq,
              const int8_t* const* inputs, int8_t* out, bool stored_terms = false,
              bool* used = nullptr) {
  std::vector<uint8_t> packed(qs8_dwconv_packed_bytes(kernel.channel_block, p.channels, p.taps));
  qs8_dwconv_pack(kernel.channel_block, p.channels, p.taps, p.weights.data(), p.bias.data(),
                  p.input_zp, packed.data());
  if (stored_terms && kernel.fn_terms) {
    const size_t blocks = (p.channels + kernel.channel_block - 1) / kernel.channel_block;
    // Poisoned first: the kernel may read only what generic_terms wrote.
    std::vector<uint8_t> terms(blocks * kernel.generic_terms_block_bytes + 64, 0xA5);
    void* aligned = terms.data() + (64 - reinterpret_cast<uintptr_t>(terms.data()) % 64) % 64;
    if (kernel.generic_terms(p.channels, rq.params, aligned)) {
      if (used) *used = true;
      kernel.fn_terms(p.channels, p.taps, inputs, packed.data(), out, rq.params, aligned);
      return;
    }
  }
  kernel.fn(p.channels, p.taps, inputs, packed.data(), out, rq.params);
}

std::vector<int8_t> run(const Qs8DwconvKernel& kernel, const Problem& p, const Requant& rq,
                        bool stored_terms = false, bool* used = nullptr) {
  std::vector<const int8_t*> rows;
  for (const auto& row : p.inputs) rows.push_back(row.data());
  std::vector<int8_t> out(p.channels, 0x55);
  run_into(kernel, p, rq, rows.data(), out.data(), stored_terms, used);
  return out;
}

// `channels` channels under `taps` taps filled as e.fill (weights kept in
// int8's symmetric range), every third tap (from `phase`) in the padding: one
// shared buffer of the input zero point. The kernel's exact output against
// the definition.
void expect_edge_matches(std::mt19937& rng, const Qs8DwconvKernel& kernel, size_t channels,
                         size_t taps, size_t phase, const testing::Qs8EdgeParams& e,
                         bool stored_terms = false) {
  Problem p;
  p.channels = channels;
  p.taps = taps;
  p.input_zp = e.input_zp;
  const std::vector<int8_t> padding(channels, static_cast<int8_t>(e.input_zp));
  std::vector<const int8_t*> inputs;
  for (size_t t = 0; t < taps; ++t) {
    const bool in_padding = (t + phase) % 3 == 2;
    p.inputs.push_back(in_padding ? padding : testing::filled<int8_t>(rng, channels, e.fill));
    inputs.push_back(in_padding ? padding.data() : p.inputs.back().data());
  }
  p.weights = testing::filled<int8_t>(rng, taps * channels, e.fill);
  for (int8_t& w : p.weights) w = std::max<int8_t>(w, -127);
  p.bias = testing::random_ints<int32_t>(rng, channels, -5000, 5000);
  const Requant rq(e, channels);
  INFO("channels " << channels << " taps " << taps << " zero points " << e.input_zp << "/"
                   << e.output_zp << " clamp [" << e.clamp.first << ", " << e.clamp.second << "] "
                   << requant_profile_name(e.profile));
  testing::expect_same_writes<int8_t>(
      channels, [&](int8_t* out) { simulate_into(p, rq, out); },
      [&](int8_t* out) { run_into(kernel, p, rq, inputs.data(), out, stored_terms); });
}

const auto& kProfiles = testing::kSimdProfiles;

}  // namespace

TEST_CASE("qs8 depthwise variants match the definition in every profile",
          "[kernels][qs8_dwconv]") {
  const uint32_t seed = testing::test_seed();
  CAPTURE(seed);
  int stored = 0, stored_variants = 0;
  const int tested = testing::for_each_runnable_variant(
      qs8_dwconv_variants(), [&](const KernelVariant<Qs8DwconvKernel>& variant) {
    stored_variants += variant.fn.fn_terms != nullptr;
    for (RequantProfile profile : kProfiles) {
      INFO(requant_profile_name(profile));
      std::mt19937 rng(seed);
      for (int iter = 0; iter < testing::scaled_iterations(200); ++iter) {
        const Problem p = make_problem(rng);
        const Requant rq(rng, profile, p.channels);
        CAPTURE(iter, p.channels, p.taps, p.input_zp);
        const std::vector<int8_t> expected = simulate(p, rq);
        REQUIRE(run(variant.fn, p, rq) == expected);
        if (variant.fn.fn_terms) {
          // As it comes (stored terms mostly declined: some channel's scale
          // is at least 1/2), then with scales below 1/2 (always stored).
          REQUIRE(run(variant.fn, p, rq, true) == expected);
          const Requant folding(rng, profile, p.channels, -1.0);
          bool used = false;
          REQUIRE(run(variant.fn, p, folding, true, &used) == simulate(p, folding));
          stored += used;
        }
      }
    }
  });
  CHECK(tested >= 1);
  // The stored terms serve every fixed-point problem with scales below 1/2
  // (three profiles of four), or fn_terms would go untested.
  CHECK(stored == stored_variants * 3 * testing::scaled_iterations(200));
}

// Every channel remainder of the variant's block (and far past it), tap
// counts of 1x1, 3x3 and 5x5 windows and odd ones between, padding taps;
// then every combination of zero points, clamps, fills and profiles.
TEST_CASE("qs8 depthwise variants: every channel remainder, tap count and padding, limits",
          "[kernels][qs8_dwconv]") {
  testing::for_each_runnable_variant(
      qs8_dwconv_variants(), [&](const KernelVariant<Qs8DwconvKernel>& variant) {
    const Qs8DwconvKernel& kernel = variant.fn;
    std::mt19937 rng(testing::test_seed());
    const std::vector<int32_t> zero_points = testing::edge_zero_points<int8_t>(rng);
    size_t i = 0;
    for (size_t channels : testing::lengths_through_remainders(kernel.channel_block)) {
      for (size_t taps : {1, 2, 3, 9, 25}) {
        expect_edge_matches(rng, kernel, channels, taps, i,
                            testing::rotating_edge_params(i, zero_points), i % 2 == 1);
        ++i;
      }
    }
    testing::for_each_edge_combination(rng, [&](const testing::Qs8EdgeParams& e, size_t j) {
      const size_t block = kernel.channel_block;
      expect_edge_matches(rng, kernel, j % 2 ? block + 1 : 2 * block - 1, j % 3 ? 9 : 25, j, e);
      if (kernel.fn_terms) {
        expect_edge_matches(rng, kernel, j % 2 ? block + 1 : 2 * block - 1, j % 3 ? 9 : 25, j, e,
                            true);
      }
    });
  });
}

// One channel whose zero point cannot fold (scale 3/4: no right shift) marks
// its own 32-channel block for per-call terms; the other blocks keep their
// stored terms, and every output still equals the definition.
TEST_CASE("qs8 depthwise stored terms: a block that cannot fold leaves the others stored",
          "[kernels][qs8_dwconv]") {
  testing::for_each_runnable_variant(
      qs8_dwconv_variants(), [&](const KernelVariant<Qs8DwconvKernel>& variant) {
    if (!variant.fn.fn_terms) return;
    for (RequantProfile profile : kProfiles) {
      if (profile == RequantProfile::kXnnpackFp32) continue;
      INFO(requant_profile_name(profile));
      std::mt19937 rng(testing::test_seed());
      Problem p = make_problem(rng);
      p.channels = 97;
      p.inputs.clear();
      for (size_t t = 0; t < p.taps; ++t) {
        p.inputs.push_back(testing::random_ints<int8_t>(rng, p.channels, -128, 127));
      }
      p.weights = testing::random_ints<int8_t>(rng, p.taps * p.channels, -127, 127);
      p.bias = testing::random_ints<int32_t>(rng, p.channels, -5000, 5000);
      Requant rq(rng, profile, p.channels, -1.0);
      const ref::Requantizer unfolding = ref::make_requantizer(profile, 0.75, 0.75f);
      rq.multiplier[40] = unfolding.multiplier;
      rq.shift[40] = unfolding.shift;
      rq.scale[40] = unfolding.scale;
      bool used = false;
      REQUIRE(run(variant.fn, p, rq, true, &used) == simulate(p, rq));
      CHECK(used);
    }
  });
}
