// The variants the kernel tests run. for_each_runnable_variant walks a
// variant table the way every kernel test does. qs8_gemm_variants_under_test
// is the qs8 GEMM selection table plus, on x86, the EVEX build of the
// AVX-VNNI kernel, so that kernel's logic runs on CPUs with AVX512-VNNI but no
// AVX-VNNI (AMD Zen 4). Where the CPU has AVX-VNNI, the table's own row runs
// too.
#pragma once

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "kernels/qs8_gemm.h"
#include "runtime/cpu_features.h"

namespace lowbit::testing {

// Calls run(row), with the row's name in the messages of its assertions, for
// every row of `table` (a KernelFamily or a vector of rows) whose features
// this CPU has; warns about every other row. Returns how many rows ran.
template <typename Table, typename Run>
int for_each_runnable_variant(const Table& table, Run&& run) {
  const CpuFeatures cpu = CpuFeatures::detect();
  int ran = 0;
  for (const auto& row : table) {
    if (!cpu.has(row.required)) {
      WARN(row.name << " not run: this CPU lacks its features");
      continue;
    }
    ++ran;
    INFO(row.name);
    run(row);
  }
  return ran;
}

// Per-channel requantization of a random kernel-test problem, in the arrays
// Qs8GemmParams points at.
struct ChannelRequant {
  std::vector<int32_t> multiplier, shift;
  std::vector<float> scale;
  Qs8GemmParams params;

  // Channel c < channels gets real scale real_scale() (called in channel
  // order); the arrays are zero up to a multiple of pad_to channels. Sets the
  // profile and the array pointers of `params`, not its output range.
  template <typename RealScale>
  void draw(RequantProfile profile, size_t channels, size_t pad_to, RealScale&& real_scale) {
    const size_t padded = (channels + pad_to - 1) / pad_to * pad_to;
    multiplier.assign(padded, 0);
    shift.assign(padded, 0);
    scale.assign(padded, 0.0f);
    for (size_t c = 0; c < channels; ++c) {
      const double real = real_scale();
      const ref::Requantizer r = ref::make_requantizer(profile, real, static_cast<float>(real));
      multiplier[c] = r.multiplier;
      shift[c] = r.shift;
      scale[c] = r.scale;
    }
    params.profile = profile;
    params.multiplier = multiplier.data();
    params.shift = shift.data();
    params.scale = scale.data();
  }

  ref::Requantizer channel(size_t c) const { return {multiplier[c], shift[c], scale[c]}; }
};

inline std::vector<KernelVariant<Qs8GemmKernel>> qs8_gemm_variants_under_test() {
  const auto [table, count] = qs8_gemm_variants();
  std::vector<KernelVariant<Qs8GemmKernel>> variants(table, table + count);
#if defined(__x86_64__)
  for (size_t v = 0; v < count; ++v) {
    if (table[v].fn.fn != qs8_gemm_4x8c4__avxvnni) continue;
    // The reference stays last.
    variants.insert(variants.end() - 1, qs8_gemm_avxvnni_evex_row(table[v]));
  }
#endif
  return variants;
}

}  // namespace lowbit::testing
