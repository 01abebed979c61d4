/* Compile-time kernel choice for firmware: instead of probing the CPU through
 * cpuinfo, the build states which instruction sets the target has
 * (LOWBIT_FIRMWARE_ISA in cmake/LowbitFirmware.cmake defines the
 * LOWBIT_TARGET_* macros). The runtime's selection table then picks the best
 * variant for that CPU, exactly as on a probed one. */
#include <cpuinfo.h>

#if CPUINFO_ARCH_X86 || CPUINFO_ARCH_X86_64
struct cpuinfo_x86_isa cpuinfo_isa = {
#if defined(LOWBIT_TARGET_AVX2) || defined(LOWBIT_TARGET_AVX512)
    .sse4_1 = true,
    .avx = true,
    .avx2 = true,
    .fma3 = true,
#endif
#if defined(LOWBIT_TARGET_AVX512)
    .avx512f = true,
    .avx512bw = true,
    .avx512vl = true,
    .avx512dq = true,
#endif
};
#endif

bool cpuinfo_initialize(void) { return true; }

void cpuinfo_deinitialize(void) {}
