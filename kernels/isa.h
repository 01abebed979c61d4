// Instruction sets: the CPU feature bits kernels need, the one list of ISA
// names variants are tagged with (and kernel sets are forced by), and the
// variant-table row and table every kernel family uses. Nothing here detects
// a CPU.
#pragma once

#include <cstddef>
#include <cstdint>

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
  // ARMv7E-M's DSP extension (Cortex-M4, M7, M33...): SMLAD and the other
  // packed 16-bit multiply-accumulates. Bare-metal builds fix it at compile time.
  kCpuArmDSP = 1u << 19,
};

struct IsaInfo {
  const char* name;
  // Every feature a CPU with this instruction set has: a set implies the
  // older ones (avx512 brings avx2), never a sibling (avx512vnni does not
  // bring avxvnni: AMD Zen 4 has the first only).
  uint32_t features;
};

constexpr uint32_t kIsaAvx2 = kCpuSSE41 | kCpuAVX2;
constexpr uint32_t kIsaAvx512 = kIsaAvx2 | kCpuAVX512F | kCpuAVX512BW;

// Every name a variant may be tagged with, a kernel set forced by, or a
// firmware built for (LOWBIT_FIRMWARE_ISA).
constexpr IsaInfo kIsas[] = {
    {"reference", 0},
    {"avx2", kIsaAvx2},
    {"avx512", kIsaAvx512},
    {"avx512vnni", kIsaAvx512 | kCpuAVX512VNNI},
    {"avx512vpopcnt", kIsaAvx512 | kCpuAVX512VPOPCNTDQ},
    {"avxvnni", kIsaAvx2 | kCpuAVXVNNI},
    {"neon", kCpuNEON},
    {"neondot", kCpuNEON | kCpuNEONDot},
    {"i8mm", kCpuNEON | kCpuNEONDot | kCpuNEONI8MM},
    // 32-bit ARM's NEON: the features of aarch64's "neon", a name of its own
    // because its kernels are other code (kernels/arm/*_armv7neon.cpp).
    {"armv7neon", kCpuNEON},
    // Cortex-M4 bare metal: the DSP extension (kernels/arm/*_cortexm4.cpp).
    {"cortexm4", kCpuArmDSP},
};
constexpr size_t kNumIsas = sizeof(kIsas) / sizeof(kIsas[0]);

constexpr bool isa_name_equals(const char* a, const char* b, size_t b_len) {
  for (size_t i = 0; i < b_len; ++i) {
    if (a[i] != b[i]) return false;
  }
  return a[b_len] == '\0';
}

// The entry named by the first `len` characters of `name`, or nullptr.
constexpr const IsaInfo* find_isa(const char* name, size_t len) {
  for (const IsaInfo& isa : kIsas) {
    if (isa_name_equals(isa.name, name, len)) return &isa;
  }
  return nullptr;
}

constexpr size_t isa_name_length(const char* s) {
  size_t n = 0;
  while (s[n] != '\0') ++n;
  return n;
}

constexpr const IsaInfo* find_isa(const char* name) { return find_isa(name, isa_name_length(name)); }

constexpr uint32_t kUnknownIsaList = 0xffffffffu;

// Features of a comma-separated list such as "avx512vnni,avxvnni" (the union
// of each name's features); "none" or "" is no feature; kUnknownIsaList when
// a name is not in kIsas. Compile-time usable, so a firmware build checks its
// LOWBIT_FIRMWARE_ISA against the same list the runtime uses.
constexpr uint32_t isa_list_features(const char* list) {
  if (isa_name_equals(list, "none", 4)) return 0;
  uint32_t features = 0;
  size_t start = 0;
  for (size_t i = 0;; ++i) {
    if (list[i] == ',' || list[i] == '\0') {
      if (i > start) {
        const IsaInfo* isa = find_isa(list + start, i - start);
        if (isa == nullptr) return kUnknownIsaList;
        features |= isa->features;
      }
      if (list[i] == '\0') return features;
      start = i + 1;
    }
  }
}

// One row of a kernel family's variant table. A family lists its variants
// best first and ends with the reference, which needs nothing.
template <typename Fn>
struct KernelVariant {
  // The kernel function's name ("qs8_conv2d__reference"); a row of several
  // kernels is named after its family and best ISA ("bin_output__avx2").
  const char* name;
  const char* isa;    // a kIsas name: "reference", "avx2", "avx512vnni", ...
  uint32_t required;  // CpuFeature bits the variant executes
  Fn fn;
};

// A family's variant table as its config (kernels/configs/) exposes it: the
// rows this build compiled, best first, the reference last.
template <typename Fn>
struct KernelFamily {
  const KernelVariant<Fn>* rows;
  size_t count;

  const KernelVariant<Fn>* begin() const { return rows; }
  const KernelVariant<Fn>* end() const { return rows + count; }
  const KernelVariant<Fn>& operator[](size_t i) const { return rows[i]; }
};

template <typename Fn, size_t N>
constexpr KernelFamily<Fn> kernel_family(const KernelVariant<Fn> (&rows)[N]) {
  return {rows, N};
}

}  // namespace lowbit
