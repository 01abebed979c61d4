// The binary counterpart of cpu_expectation_test.cpp: prints which binary
// kernel variants this CPU runs, and with LOWBIT_EXPECT_ALL_VARIANTS=1 (set by
// scripts/test-arm.sh on -cpu max and the armv7 CPUs, where every variant of
// the build must run) fails if any of the binary tables would skip one.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

#include "kernels/bin_gemm.h"
#include "kernels/bin_pack.h"
#include "runtime/cpu_features.h"

using namespace lowbit;

namespace {

template <typename Fn>
void check_table(const char* family, const KernelVariant<Fn>* variants, size_t count) {
  const CpuFeatures cpu = CpuFeatures::detect();
  std::string ran;
  for (size_t v = 0; v < count; ++v) {
    if (cpu.has(variants[v].required)) ran += std::string(ran.empty() ? "" : " ") + variants[v].name;
  }
  std::cout << family << " variants run: " << ran << "\n";
  const char* all = std::getenv("LOWBIT_EXPECT_ALL_VARIANTS");
  if (all != nullptr && std::string(all) == "1") {
    for (size_t v = 0; v < count; ++v) {
      INFO(variants[v].name << " needs features this CPU lacks");
      CHECK(cpu.has(variants[v].required));
    }
  }
  CHECK(!ran.empty());
}

}  // namespace

TEST_CASE("binary kernel variants this CPU runs", "[kernels][cpu][bin_gemm]") {
  size_t count = 0;
  const auto* gemm = bin_gemm_variants(&count);
  check_table("bin GEMM", gemm, count);
  const auto* output = bin_output_variants(&count);
  check_table("bin output stage", output, count);
  const auto* pack_f32 = bin_pack_f32_variants(&count);
  check_table("f32 bitpack", pack_f32, count);
  const auto* pack_s8 = bin_pack_s8_variants(&count);
  check_table("int8 bitpack", pack_s8, count);
  const auto* maxpool = bin_maxpool2d_variants(&count);
  check_table("BMAXPOOL2D", maxpool, count);
}
