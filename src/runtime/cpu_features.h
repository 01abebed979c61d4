// What the running CPU can do, and the kernel variant tables selected from it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "lowbit/status.h"

namespace lowbit {

enum CpuFeature : uint32_t {
  kCpuSSE41 = 1u << 0,
  kCpuAVX2 = 1u << 1,  // with FMA
  kCpuAVX512F = 1u << 2,
  kCpuAVX512BW = 1u << 3,  // with VL, DQ
  kCpuAVX512VNNI = 1u << 4,
  kCpuAVX512VPOPCNTDQ = 1u << 5,
  kCpuAVXVNNI = 1u << 6,
  kCpuNEON = 1u << 16,
  kCpuNEONDot = 1u << 17,
  kCpuNEONI8MM = 1u << 18,
};

struct CpuFeatures {
  uint32_t mask = 0;

  static CpuFeatures detect();  // cpuinfo, plus CPUID/getauxval where it lacks a bit
  bool has(uint32_t required) const { return (mask & required) == required; }
  std::string to_string() const;  // "avx2 avx512f ..."
};

// A kernel family lists its variants best first and ends with the reference.
template <typename Fn>
struct KernelVariant {
  const char* name;   // "qs8_conv2d__reference"
  const char* isa;    // "reference", "avx2", "avx512vnni", "neondot", ...
  uint32_t required;  // CpuFeature bits the variant needs
  Fn fn;
};

// Resolves the interpreter's kernel set against the CPU and picks variants.
class KernelSelector {
 public:
  // kernel_set: "auto", "reference" or an ISA name from isa_names().
  static Result<KernelSelector> create(const std::string& kernel_set, CpuFeatures cpu);
  static const char* isa_names();  // "reference avx2 avx512 ..." for help text

  const std::string& kernel_set() const { return kernel_set_; }
  const CpuFeatures& cpu() const { return cpu_; }

  template <typename Fn>
  const KernelVariant<Fn>& select(const KernelVariant<Fn>* table, size_t count) const {
    for (size_t i = 0; i < count; ++i) {
      if (allows(table[i].isa, table[i].required)) return table[i];
    }
    return table[count - 1];
  }
  template <typename Fn, size_t N>
  const KernelVariant<Fn>& select(const KernelVariant<Fn> (&table)[N]) const {
    return select(table, N);
  }

  bool allows(const char* isa, uint32_t required) const;

 private:
  std::string kernel_set_ = "auto";
  CpuFeatures cpu_;
};

}  // namespace lowbit
