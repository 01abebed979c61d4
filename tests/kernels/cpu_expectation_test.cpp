// Under emulation the variant tests only prove something if the emulated CPU's
// features are really detected: a variant whose features are missing is
// skipped (with a warning). scripts/test-arm.sh sets LOWBIT_EXPECT_CPU to the
// features each qemu -cpu model has ("neon dotprod i8mm" for -cpu max), and
// this test fails when detection disagrees. It also prints which qs8 GEMM
// variants ran, and with LOWBIT_EXPECT_ALL_VARIANTS=1 fails if any is skipped.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

#include "kernels/qs8_gemm.h"
#include "runtime/cpu_features.h"

using namespace lowbit;

TEST_CASE("detected CPU features equal LOWBIT_EXPECT_CPU when it is set", "[kernels][cpu]") {
  const CpuFeatures cpu = CpuFeatures::detect();
  const char* expected = std::getenv("LOWBIT_EXPECT_CPU");
  if (expected == nullptr || *expected == '\0') {
    WARN("LOWBIT_EXPECT_CPU unset: detected '" << cpu.to_string() << "', nothing to compare");
    return;
  }
  CHECK(cpu.to_string() == std::string(expected));
}

TEST_CASE("qs8 GEMM variants this CPU runs", "[kernels][cpu]") {
  const CpuFeatures cpu = CpuFeatures::detect();
  size_t count = 0;
  const KernelVariant<Qs8GemmKernel>* variants = qs8_gemm_variants(&count);
  std::string ran;
  for (size_t v = 0; v < count; ++v) {
    if (cpu.has(variants[v].required)) ran += std::string(ran.empty() ? "" : " ") + variants[v].name;
  }
  std::cout << "CPU features: " << cpu.to_string() << "; qs8 GEMM variants run: " << ran << "\n";
  // scripts/test-arm.sh sets this on the CPU models that have every feature
  // this build's variants use (-cpu max, the armv7 ones): none may be skipped.
  const char* all = std::getenv("LOWBIT_EXPECT_ALL_VARIANTS");
  if (all != nullptr && std::string(all) == "1") {
    for (size_t v = 0; v < count; ++v) {
      INFO(variants[v].name << " needs features this CPU lacks");
      CHECK(cpu.has(variants[v].required));
    }
  }
  CHECK(!ran.empty());
}
