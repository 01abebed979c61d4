// Under emulation the variant tests only prove something if the emulated CPU's
// features are really detected: a variant whose features are missing is
// skipped (with a warning). scripts/test-arm.sh sets LOWBIT_EXPECT_CPU to the
// features each qemu -cpu model has ("neon dotprod i8mm" for -cpu max), and
// this test fails when detection disagrees. It also prints, for every kernel
// family, which variants ran (scripts/test.sh shows that list), and with
// LOWBIT_EXPECT_ALL_VARIANTS=1 fails if any is skipped.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "runtime/cpu_features.h"
#include "support/gemm_variants.h"
#include "support/kernel_families.h"

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

TEST_CASE("kernel variants this CPU runs", "[kernels][cpu]") {
  const CpuFeatures cpu = CpuFeatures::detect();
  std::cout << "CPU features: " << cpu.to_string() << "\n";
  // scripts/test-arm.sh sets this on the CPU models that have every feature
  // this build's variants use (-cpu max, the armv7 ones): none may be skipped.
  const char* all = std::getenv("LOWBIT_EXPECT_ALL_VARIANTS");
  const bool expect_all = all != nullptr && std::string(all) == "1";
  std::vector<testing::KernelFamilyRows> families = testing::all_kernel_families();
  // The EVEX build of the AVX-VNNI GEMM that the kernel tests also run.
  const auto gemm_under_test = testing::qs8_gemm_variants_under_test();
  families.push_back(testing::family_rows(
      "qs8_gemm (kernel tests)",
      KernelFamily<Qs8GemmKernel>{gemm_under_test.data(), gemm_under_test.size()}));
  for (const testing::KernelFamilyRows& family : families) {
    std::string ran, skipped;
    for (const testing::VariantRow& row : family.rows) {
      std::string& list = cpu.has(row.required) ? ran : skipped;
      list += (list.empty() ? "" : " ") + row.name;
    }
    std::cout << "variants run: " << family.family << ": " << ran
              << (skipped.empty() ? "" : "; not on this CPU: " + skipped) << "\n";
    CHECK(!ran.empty());
    if (expect_all && family.family.find("kernel tests") == std::string::npos) {
      INFO(family.family << " skips variants on a CPU that should run all: " << skipped);
      CHECK(skipped.empty());
    }
  }
}
