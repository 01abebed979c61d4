// The CPU features a firmware build fixes at compile time: exactly those of
// the instruction sets it was built for (LOWBIT_FIRMWARE_ISA, e.g. "avx2" or
// "cortexm4"), whatever CPU it later runs on. No CPUID, no cpuinfo, nothing
// probed: an AVX2 firmware must never execute an instruction its target may
// lack. Read by lowbit micro (src/micro/runtime.cpp).
#pragma once

#include <cstdint>

#include "kernels/isa.h"

#ifndef LOWBIT_FIRMWARE_ISA
#error "LOWBIT_FIRMWARE_ISA must name the target's instruction sets (cmake/LowbitMicro.cmake)"
#endif

namespace lowbit {

constexpr uint32_t kFixedIsaFeatures = isa_list_features(LOWBIT_FIRMWARE_ISA);
static_assert(kFixedIsaFeatures != kUnknownIsaList,
              "LOWBIT_FIRMWARE_ISA names an instruction set missing from kernels/isa.h's kIsas");

}  // namespace lowbit
