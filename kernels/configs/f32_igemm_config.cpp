// The packed float GEMM variants (kernels/f32_igemm.h) this build has: each
// SIMD row only where its ISA's files are compiled (LOWBIT_HAVE_<ISA>,
// cmake/LowbitKernels.cmake). Best first; the portable row last.
#include "kernels/f32_igemm.h"

namespace lowbit {
namespace {

constexpr KernelVariant<F32IgemmKernel> kF32Igemm[] = {
#if defined(LOWBIT_HAVE_AVX512) && defined(LOWBIT_HAVE_AVX2)
    // Narrow layers run the AVX2 tile (every AVX-512 CPU has AVX2 and FMA).
    {"f32_igemm_7x32__avx512", "avx512", kCpuAVX512F | kCpuAVX512BW | kCpuAVX2,
     {{f32_igemm_7x32__avx512, 7, 32}, {f32_igemm_6x8__avx2, 6, 8}}},
#endif
#if defined(LOWBIT_HAVE_AVX2)
    {"f32_igemm_6x16__avx2", "avx2", kCpuAVX2,
     {{f32_igemm_6x16__avx2, 6, 16}, {f32_igemm_6x8__avx2, 6, 8}}},
#endif
#if defined(LOWBIT_HAVE_NEON)
    {"f32_igemm_6x8__neon", "neon", kCpuNEON, {{f32_igemm_6x8__neon, 6, 8}, {}}},
#endif
#if defined(LOWBIT_HAVE_ARMV7NEON)
    {"f32_igemm_4x8__armv7neon", "armv7neon", kCpuNEON,
     {{f32_igemm_4x8__armv7neon, 4, 8}, {}}},
#endif
    {"f32_igemm_4x8__reference", "reference", 0, {{f32_igemm_4x8__reference, 4, 8}, {}, true}},
};

}  // namespace

KernelFamily<F32IgemmKernel> f32_igemm_variants() { return kernel_family(kF32Igemm); }

}  // namespace lowbit
