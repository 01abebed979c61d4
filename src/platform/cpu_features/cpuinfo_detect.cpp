// Run-time CPU detection (the firmware, lowbit micro, has fixed features:
// LOWBIT_FIRMWARE_ISA, src/micro/runtime.cpp).
#include <cpuinfo.h>

#include "runtime/cpu_features.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#endif

namespace lowbit {
namespace {

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

}  // namespace lowbit
