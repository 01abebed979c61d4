#include "runtime/cpu_features.h"

#include <cpuinfo.h>

#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#endif

namespace lowbit {
namespace {

struct IsaInfo {
  const char* name;
  uint32_t required;
};

// Every ISA a kernel variant may be tagged with, and what it needs.
constexpr IsaInfo kIsas[] = {
    {"reference", 0},
    {"sse41", kCpuSSE41},
    {"avx2", kCpuAVX2},
    {"avx512", kCpuAVX512F | kCpuAVX512BW},
    {"avx512vnni", kCpuAVX512F | kCpuAVX512BW | kCpuAVX512VNNI},
    {"avx512vpopcnt", kCpuAVX512F | kCpuAVX512BW | kCpuAVX512VPOPCNTDQ},
    {"avxvnni", kCpuAVX2 | kCpuAVXVNNI},
    {"neon", kCpuNEON},
    {"neondot", kCpuNEON | kCpuNEONDot},
    {"i8mm", kCpuNEON | kCpuNEONDot | kCpuNEONI8MM},
};

const IsaInfo* find_isa(const std::string& name) {
  for (const IsaInfo& isa : kIsas) {
    if (name == isa.name) return &isa;
  }
  return nullptr;
}

#if defined(__x86_64__) || defined(__i386__)
// This cpuinfo predates AVX-VNNI: CPUID leaf 7 sub-leaf 1, EAX bit 4.
bool x86_has_avxvnni() {
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx)) return false;
  return (eax >> 4) & 1u;
}
#endif

}  // namespace

CpuFeatures CpuFeatures::detect() {
  CpuFeatures f;
  if (!cpuinfo_initialize()) return f;
#if defined(__x86_64__) || defined(__i386__)
  if (cpuinfo_has_x86_sse4_1()) f.mask |= kCpuSSE41;
  if (cpuinfo_has_x86_avx2() && cpuinfo_has_x86_fma3()) f.mask |= kCpuAVX2;
  if (cpuinfo_has_x86_avx512f()) f.mask |= kCpuAVX512F;
  if (cpuinfo_has_x86_avx512bw() && cpuinfo_has_x86_avx512vl() && cpuinfo_has_x86_avx512dq())
    f.mask |= kCpuAVX512BW;
  if (cpuinfo_has_x86_avx512vnni()) f.mask |= kCpuAVX512VNNI;
  if (cpuinfo_has_x86_avx512vpopcntdq()) f.mask |= kCpuAVX512VPOPCNTDQ;
  if ((f.mask & kCpuAVX2) && x86_has_avxvnni()) f.mask |= kCpuAVXVNNI;
#elif defined(__aarch64__) || defined(__arm__)
  if (cpuinfo_has_arm_neon()) f.mask |= kCpuNEON;
  if (cpuinfo_has_arm_neon_dot()) f.mask |= kCpuNEONDot;
#if defined(__aarch64__) && defined(__linux__)
  // This cpuinfo predates i8mm: HWCAP2_I8MM is bit 13.
  if (getauxval(AT_HWCAP2) & (1ul << 13)) f.mask |= kCpuNEONI8MM;
#endif
#endif
  return f;
}

std::string CpuFeatures::to_string() const {
  static constexpr struct {
    uint32_t bit;
    const char* name;
  } kNames[] = {{kCpuSSE41, "sse4.1"},      {kCpuAVX2, "avx2"},
                {kCpuAVX512F, "avx512f"},   {kCpuAVX512BW, "avx512bw"},
                {kCpuAVX512VNNI, "avx512vnni"}, {kCpuAVX512VPOPCNTDQ, "avx512vpopcntdq"},
                {kCpuAVXVNNI, "avxvnni"},   {kCpuNEON, "neon"},
                {kCpuNEONDot, "dotprod"},   {kCpuNEONI8MM, "i8mm"}};
  std::string out;
  for (const auto& n : kNames) {
    if (mask & n.bit) {
      if (!out.empty()) out += ' ';
      out += n.name;
    }
  }
  return out.empty() ? "none" : out;
}

Result<KernelSelector> KernelSelector::create(const std::string& kernel_set, CpuFeatures cpu) {
  KernelSelector selector;
  selector.cpu_ = cpu;
  selector.kernel_set_ = kernel_set.empty() ? "auto" : kernel_set;
  if (selector.kernel_set_ == "auto") return selector;
  const IsaInfo* isa = find_isa(selector.kernel_set_);
  if (isa == nullptr) {
    return Status(StatusCode::kInvalidArgument, "unknown kernel set '" + selector.kernel_set_ +
                                                    "' (known: auto " + isa_names() + ")");
  }
  if (!cpu.has(isa->required)) {
    return Status(StatusCode::kUnsupported, "kernel set '" + selector.kernel_set_ +
                                                "' needs CPU features this CPU lacks (it has: " +
                                                cpu.to_string() + ")");
  }
  return selector;
}

const char* KernelSelector::isa_names() {
  return "reference sse41 avx2 avx512 avx512vnni avx512vpopcnt avxvnni neon neondot i8mm";
}

bool KernelSelector::allows(const char* isa, uint32_t required) const {
  if (!cpu_.has(required)) return false;
  if (std::strcmp(isa, "reference") == 0) return true;
  if (kernel_set_ == "auto") return true;
  return kernel_set_ == isa;
}

}  // namespace lowbit
