#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "kernels/qs8_dwconv.h"
#include "support/model_runner.h"

using namespace lowbit;

namespace {

struct Problem {
  size_t channels, taps;
  int32_t input_zp;
  std::vector<std::vector<int8_t>> inputs;  // one row per tap, exactly `channels` bytes
  std::vector<int8_t> weights;              // [taps][channels]
  std::vector<int32_t> bias, multiplier, shift;
  std::vector<float> scale;
  Qs8GemmParams params;
};

Problem make_problem(std::mt19937& rng, RequantProfile profile) {
  Problem p;
  p.channels = 1 + rng() % 100;
  p.taps = 1 + rng() % 25;
  p.input_zp = static_cast<int32_t>(rng() % 256) - 128;
  for (size_t t = 0; t < p.taps; ++t) {
    p.inputs.push_back(testing::random_ints<int8_t>(rng, p.channels, -128, 127));
  }
  p.weights = testing::random_ints<int8_t>(rng, p.taps * p.channels, -127, 127);
  p.bias = testing::random_ints<int32_t>(rng, p.channels, -5000, 5000);
  const size_t padded = (p.channels + 31) / 32 * 32;
  p.multiplier.assign(padded, 0);
  p.shift.assign(padded, 0);
  p.scale.assign(padded, 0.0f);
  std::uniform_real_distribution<double> log_scale(-12.0, 0.0);
  for (size_t c = 0; c < p.channels; ++c) {
    const double real = std::pow(2.0, log_scale(rng));
    const ref::Requantizer r = ref::make_requantizer(profile, real, static_cast<float>(real));
    p.multiplier[c] = r.multiplier;
    p.shift[c] = r.shift;
    p.scale[c] = r.scale;
  }
  p.params.profile = profile;
  p.params.output_zero_point = static_cast<int32_t>(rng() % 256) - 128;
  p.params.output_max = rng() % 3 == 0 ? 90 : 127;
  p.params.output_min = std::min(p.params.output_zero_point, p.params.output_max);
  p.params.multiplier = p.multiplier.data();
  p.params.shift = p.shift.data();
  p.params.scale = p.scale.data();
  return p;
}

std::vector<int8_t> simulate(const Problem& p) {
  std::vector<int8_t> out(p.channels);
  for (size_t c = 0; c < p.channels; ++c) {
    int64_t acc = p.bias[c];
    for (size_t t = 0; t < p.taps; ++t) {
      acc += int64_t(p.inputs[t][c] - p.input_zp) * p.weights[t * p.channels + c];
    }
    ref::Requantizer r{p.multiplier[c], p.shift[c], p.scale[c]};
    out[c] = static_cast<int8_t>(ref::requantize_to_output(static_cast<int32_t>(acc), r,
                                                           p.params.profile,
                                                           p.params.output_zero_point,
                                                           p.params.output_min,
                                                           p.params.output_max));
  }
  return out;
}

std::vector<int8_t> run(const Qs8DwconvKernel& kernel, const Problem& p) {
  std::vector<uint8_t> packed(qs8_dwconv_packed_bytes(kernel.channel_block, p.channels, p.taps));
  qs8_dwconv_pack(kernel.channel_block, p.channels, p.taps, p.weights.data(), p.bias.data(),
                  p.input_zp, packed.data());
  std::vector<const int8_t*> rows;
  for (const auto& row : p.inputs) rows.push_back(row.data());
  std::vector<int8_t> out(p.channels, 0x55);
  kernel.fn(p.channels, p.taps, rows.data(), packed.data(), out.data(), p.params);
  return out;
}

}  // namespace

TEST_CASE("qs8 depthwise variants match the definition in every profile",
          "[kernels][qs8_dwconv]") {
  const CpuFeatures cpu = CpuFeatures::detect();
  size_t count = 0;
  const KernelVariant<Qs8DwconvKernel>* variants = qs8_dwconv_variants(&count);
  const uint32_t seed = testing::test_seed();
  CAPTURE(seed);
  int tested = 0;
  for (size_t v = 0; v < count; ++v) {
    if (!cpu.has(variants[v].required)) {
      WARN(variants[v].name << " not run: this CPU lacks its features");
      continue;
    }
    ++tested;
    for (RequantProfile profile : {RequantProfile::kTfliteReference,
                                   RequantProfile::kSingleRounding, RequantProfile::kXnnpackFp32}) {
      INFO(variants[v].name << " [" << requant_profile_name(profile) << "]");
      std::mt19937 rng(seed);
      for (int iter = 0; iter < testing::scaled_iterations(200); ++iter) {
        Problem p = make_problem(rng, profile);
        CAPTURE(iter, p.channels, p.taps, p.input_zp);
        REQUIRE(run(variants[v].fn, p) == simulate(p));
      }
    }
  }
  CHECK(tested >= 1);
}
