/* cpuinfo's ISA flags for ARM Linux from the kernel's hardware capabilities,
 * for the static bench_model and lowbit-run (src/platform/README.md). Only what lowbit's
 * CPU detection reads (src/runtime/cpu_features.cpp: cpuinfo_has_arm_neon
 * and cpuinfo_has_arm_neon_dot, inline functions reading cpuinfo_isa) is
 * filled. */
#include <cpuinfo.h>
#include <sys/auxv.h>

struct cpuinfo_arm_isa cpuinfo_isa;

/* Bit numbers from the Linux UAPI <asm/hwcap.h> of each architecture. */
#if CPUINFO_ARCH_ARM64
#define LOWBIT_HWCAP_ASIMDDP (1ul << 20)
#elif CPUINFO_ARCH_ARM
#define LOWBIT_HWCAP_NEON (1ul << 12)
#endif

bool cpuinfo_initialize(void) {
#if CPUINFO_ARCH_ARM64
  /* NEON is architectural on aarch64 (cpuinfo_has_arm_neon returns true). */
  cpuinfo_isa.dot = (getauxval(AT_HWCAP) & LOWBIT_HWCAP_ASIMDDP) != 0;
#elif CPUINFO_ARCH_ARM
  cpuinfo_isa.neon = (getauxval(AT_HWCAP) & LOWBIT_HWCAP_NEON) != 0;
  /* No 32-bit kernel uses the dot product, so it is left unset. */
#endif
  return true;
}

void cpuinfo_deinitialize(void) {}
