// The firmware build's CPU features: exactly those of the instruction sets it
// was built for (LOWBIT_FIRMWARE_ISA, e.g. "avx2" or "avx512vnni,avxvnni"),
// whatever CPU it later runs on. No CPUID, no cpuinfo, nothing probed: an
// AVX2 firmware must never execute an instruction its target may lack.
#include "runtime/cpu_features.h"

#ifndef LOWBIT_FIRMWARE_ISA
#error "LOWBIT_FIRMWARE_ISA must name the target's instruction sets (cmake/LowbitFirmware.cmake)"
#endif

namespace lowbit {
namespace {

constexpr uint32_t kFirmwareFeatures = isa_list_features(LOWBIT_FIRMWARE_ISA);
static_assert(kFirmwareFeatures != kUnknownIsaList,
              "LOWBIT_FIRMWARE_ISA names an instruction set missing from kernels/isa.h's kIsas");

}  // namespace

CpuFeatures CpuFeatures::detect() {
  CpuFeatures f;
  f.mask = kFirmwareFeatures;
  return f;
}

}  // namespace lowbit
