// Selection against fake CPUs: for every feature set an ISA name (or a
// firmware's list of them) describes, and every kernel set that CPU accepts,
// no family may pick a variant that executes a feature outside the set. This
// is what keeps a firmware built for avx2 on AVX2 kernels on any CPU, and it
// covers CPUs this machine is not (AVX-VNNI, ARM) by construction.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "kernels/qs8_gemm.h"
#include "runtime/cpu_features.h"
#include "support/kernel_families.h"

using namespace lowbit;

namespace {

std::vector<std::string> fake_cpus() {
  std::vector<std::string> cpus = {"none"};
  for (const IsaInfo& isa : kIsas) cpus.push_back(isa.name);
  // What real CPUs combine: Sapphire Rapids, Ice Lake with VPOPCNTDQ.
  cpus.push_back("avx512vnni,avxvnni");
  cpus.push_back("avx512vnni,avx512vpopcnt");
  cpus.push_back("avx512vnni,avx512vpopcnt,avxvnni");
  return cpus;
}

std::vector<std::string> kernel_sets() {
  std::vector<std::string> sets = {"auto"};
  for (const IsaInfo& isa : kIsas) sets.push_back(isa.name);
  return sets;
}

// What selection must return, computed here without the selector.
size_t first_allowed_row(const testing::KernelFamilyRows& family, uint32_t allowed) {
  for (size_t i = 0; i < family.rows.size(); ++i) {
    if ((family.rows[i].required & ~allowed) == 0) return i;
  }
  return family.rows.size() - 1;
}

}  // namespace

TEST_CASE("every variant's tag is a known ISA that covers what it requires",
          "[kernels][selection]") {
  for (const testing::KernelFamilyRows& family : testing::all_kernel_families()) {
    REQUIRE(!family.rows.empty());
    CHECK(family.rows.back().required == 0);  // the reference closes every table
    for (const testing::VariantRow& row : family.rows) {
      INFO(family.family << ": " << row.name << " tagged " << row.isa);
      const IsaInfo* isa = find_isa(row.isa.c_str());
      REQUIRE(isa != nullptr);
      CHECK((row.required & ~isa->features) == 0);
      // The name carries its ISA tag: "<family...>__<isa>".
      const std::string suffix = "__" + row.isa;
      CHECK(row.name.size() > suffix.size());
      CHECK(row.name.compare(row.name.size() - suffix.size(), suffix.size(), suffix) == 0);
    }
  }
}

TEST_CASE("selection never leaves the CPU's feature set, for every family and kernel set",
          "[kernels][selection]") {
  const auto families = testing::all_kernel_families();
  int checked = 0;
  for (const std::string& cpu_name : fake_cpus()) {
    const uint32_t features = isa_list_features(cpu_name.c_str());
    REQUIRE(features != kUnknownIsaList);
    CpuFeatures cpu;
    cpu.mask = features;
    for (const std::string& set : kernel_sets()) {
      Result<KernelSelector> selector = KernelSelector::create(set, cpu);
      const IsaInfo* forced = find_isa(set.c_str());
      if (!selector.ok()) {
        // Refused exactly when the forced set needs what the CPU lacks.
        REQUIRE(forced != nullptr);
        CHECK(!cpu.has(forced->features));
        continue;
      }
      const uint32_t set_features = forced != nullptr ? forced->features : features;
      CHECK(selector->allowed_features() == (features & set_features));
      for (const testing::KernelFamilyRows& family : families) {
        INFO("cpu " << cpu_name << ", kernel set " << set << ", family " << family.family);
        size_t chosen = family.rows.size();
        for (size_t i = 0; i < family.rows.size(); ++i) {
          if (selector->allows(family.rows[i].required)) {
            chosen = i;
            break;
          }
        }
        if (chosen == family.rows.size()) chosen = family.rows.size() - 1;
        const testing::VariantRow& row = family.rows[chosen];
        INFO("picked " << row.name);
        CHECK((row.required & ~features) == 0);
        CHECK((row.required & ~set_features) == 0);
        CHECK(chosen == first_allowed_row(family, features & set_features));
        if (set == "reference") CHECK(row.required == 0);
        ++checked;
      }
    }
  }
  CHECK(checked > 0);
}

TEST_CASE("the selector's template picks the same row as the rule", "[kernels][selection]") {
  const KernelFamily<Qs8GemmKernel> table = qs8_gemm_variants();
  const testing::KernelFamilyRows family = testing::family_rows("qs8_gemm", table);
  for (const std::string& cpu_name : fake_cpus()) {
    CpuFeatures cpu;
    cpu.mask = isa_list_features(cpu_name.c_str());
    Result<KernelSelector> selector = KernelSelector::create("auto", cpu);
    REQUIRE(selector.ok());
    INFO("cpu " << cpu_name);
    CHECK(std::string(selector->select(table).name) ==
          family.rows[first_allowed_row(family, cpu.mask)].name);
  }
}

#if defined(__x86_64__)
// The instruction sets a firmware names (LOWBIT_FIRMWARE_ISA) map to the
// variants a reader of the tables expects.
TEST_CASE("x86 feature sets pick the expected qs8 GEMM", "[kernels][selection]") {
  const KernelFamily<Qs8GemmKernel> table = qs8_gemm_variants();
  const struct {
    const char* cpu;
    const char* gemm;
  } kExpected[] = {
      {"none", "qs8_gemm_4x8__reference"},
      {"avx2", "qs8_gemm_2x8c8__avx2"},
      {"avxvnni", "qs8_gemm_4x8c4__avxvnni"},
      {"avx512", "qs8_gemm_8x16c2__avx512"},
      {"avx512vnni", "qs8_gemm_8x16c4__avx512vnni"},
      // Both VNNI forms: the 512-bit one measured faster (docs/benchmarks-int8.md).
      {"avx512vnni,avxvnni", "qs8_gemm_8x16c4__avx512vnni"},
  };
  for (const auto& e : kExpected) {
    CpuFeatures cpu;
    cpu.mask = isa_list_features(e.cpu);
    INFO("cpu " << e.cpu);
    CHECK(std::string(KernelSelector::create("auto", cpu)->select(table).name) == e.gemm);
  }
  // Forcing a set keeps what it implies: avxvnni on a Sapphire Rapids-like CPU.
  CpuFeatures spr;
  spr.mask = isa_list_features("avx512vnni,avx512vpopcnt,avxvnni");
  CHECK(std::string(KernelSelector::create("avxvnni", spr)->select(table).name) ==
        "qs8_gemm_4x8c4__avxvnni");
  CHECK(std::string(KernelSelector::create("avx2", spr)->select(table).name) ==
        "qs8_gemm_2x8c8__avx2");
}
#endif

TEST_CASE("firmware ISA lists parse against the one list of names", "[kernels][selection]") {
  CHECK(isa_list_features("none") == 0);
  CHECK(isa_list_features("") == 0);
  CHECK(isa_list_features("avx2") == (kCpuSSE41 | kCpuAVX2));
  CHECK(isa_list_features("avx512vnni,avxvnni") ==
        (kIsaAvx512 | kCpuAVX512VNNI | kCpuAVXVNNI));
  CHECK(isa_list_features("avx512vnni") & kCpuAVX2);
  CHECK((isa_list_features("avx512vnni") & kCpuAVXVNNI) == 0);
  CHECK(isa_list_features("i8mm") == (kCpuNEON | kCpuNEONDot | kCpuNEONI8MM));
  CHECK(isa_list_features("avx3") == kUnknownIsaList);
  CHECK(isa_list_features("avx2,") == (kCpuSSE41 | kCpuAVX2));
  CHECK(isa_list_features("avx2,bogus") == kUnknownIsaList);
}
