// The int8 GEMM variants (kernels/qs8_gemm.h) this build has: each SIMD row
// only where its ISA's files are compiled (LOWBIT_HAVE_<ISA>,
// cmake/LowbitKernels.cmake). Best first; the portable reference last.
#include "kernels/qs8_gemm.h"

namespace lowbit {
namespace {

#if defined(LOWBIT_HAVE_AVX512VNNI)
constexpr Qs8NarrowTile kVnniNarrow = {"qs8_gemm_16x16c4__avx512vnni", 16,
                                       qs8_gemm_16x16c4__avx512vnni,
                                       qs8_igemm_16x16c4__avx512vnni,
                                       qs8_gemm_16x16c4__avx512vnni_offset,
                                       qs8_igemm_16x16c4__avx512vnni_offset};
#endif

constexpr KernelVariant<Qs8GemmKernel> kQs8Gemm[] = {
#if defined(LOWBIT_HAVE_AVX512VNNI)
    {"qs8_gemm_8x16c4__avx512vnni", "avx512vnni", kCpuAVX512F | kCpuAVX512BW | kCpuAVX512VNNI,
     {qs8_gemm_8x16c4__avx512vnni, 8, {16, 4, true}, qs8_igemm_8x16c4__avx512vnni, false, true,
      true, qu8_flip_sums__avx512, qs8_gemm_8x16c4__avx512vnni_offset,
      qs8_igemm_8x16c4__avx512vnni_offset, qs8_offset_activations__avx512vnni, &kVnniNarrow,
      qs8_gemm_requant_terms__avx512vnni, kQs8GemmTermsBlockBytesAvx512vnni}},
#endif
#if defined(LOWBIT_HAVE_AVX512)
    {"qs8_gemm_8x16c2__avx512", "avx512", kCpuAVX512F | kCpuAVX512BW,
     {qs8_gemm_8x16c2__avx512, 8, {16, 2, false}, nullptr, false, true, false,
      qu8_flip_sums__avx512}},
#endif
#if defined(LOWBIT_HAVE_AVXVNNI)
    // Untested on real hardware: this machine and qemu lack AVX-VNNI.
    {"qs8_gemm_4x8c4__avxvnni", "avxvnni", kCpuAVX2 | kCpuAVXVNNI,
     {qs8_gemm_4x8c4__avxvnni, 4, {8, 4, true}}},
#endif
#if defined(LOWBIT_HAVE_AVX2)
    {"qs8_gemm_2x8c8__avx2", "avx2", kCpuAVX2,
     {qs8_gemm_2x8c8__avx2, 2, {8, 8, false}, nullptr, false, true}},
#endif
#if defined(LOWBIT_HAVE_I8MM)
    {"qs8_gemm_4x8c8__i8mm", "i8mm", kCpuNEON | kCpuNEONDot | kCpuNEONI8MM,
     {qs8_gemm_4x8c8__i8mm, 4, {8, 8, false}, nullptr, false, true, false, qu8_flip_sums__neon}},
#endif
#if defined(LOWBIT_HAVE_NEONDOT)
    {"qs8_gemm_4x16c4__neondot", "neondot", kCpuNEON | kCpuNEONDot,
     {qs8_gemm_4x16c4__neondot, 4, {16, 4, false}, qs8_igemm_4x16c4__neondot, false, true, false,
      qu8_flip_sums__neon}},
#endif
#if defined(LOWBIT_HAVE_NEON)
    {"qs8_gemm_2x8c8__neon", "neon", kCpuNEON,
     {qs8_gemm_2x8c8__neon, 2, {8, 8, false}, nullptr, false, true, false, qu8_flip_sums__neon}},
#endif
#if defined(LOWBIT_HAVE_ARMV7NEON)
    {"qs8_gemm_2x8c8__armv7neon", "armv7neon", kCpuNEON,
     {qs8_gemm_2x8c8__armv7neon, 2, {8, 8, false}, nullptr, false, true}},
#endif
#if defined(LOWBIT_HAVE_CORTEXM4)
    {"qs8_gemm_2x4c4__cortexm4", "cortexm4", kCpuArmDSP,
     {qs8_gemm_2x4c4__cortexm4, 2, {4, 4, false}, nullptr, false, true}},
#endif
    {"qs8_gemm_4x8__reference", "reference", 0,
     {qs8_gemm_4x8__reference, 4, {8, 1, false}, nullptr, true, true}},
};

}  // namespace

KernelFamily<Qs8GemmKernel> qs8_gemm_variants() { return kernel_family(kQs8Gemm); }

}  // namespace lowbit
