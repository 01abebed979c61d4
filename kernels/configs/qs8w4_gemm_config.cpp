// The W4A8 GEMM variants (kernels/qs8w4_gemm.h) this build has: each SIMD row
// only where its ISA's files are compiled (LOWBIT_HAVE_<ISA>). Best first; the
// portable reference last. MR is 4 where the registers allow it (batches 1-4
// of a fully connected layer in one pass over the weights), 2 otherwise.
#include "kernels/qs8w4_gemm.h"

namespace lowbit {
namespace {

constexpr KernelVariant<Qs8w4GemmKernel> kQs8w4Gemm[] = {
#if defined(LOWBIT_HAVE_AVX512VNNI)
    {"qs8w4_gemm_4x32c4__avx512vnni", "avx512vnni", kCpuAVX512F | kCpuAVX512BW | kCpuAVX512VNNI,
     {qs8w4_gemm_4x32c4__avx512vnni, 4, {32, 4}}},
#endif
#if defined(LOWBIT_HAVE_AVXVNNI)
    {"qs8w4_gemm_4x8c4__avxvnni", "avxvnni", kCpuAVX2 | kCpuAVXVNNI,
     {qs8w4_gemm_4x8c4__avxvnni, 4, {8, 4}}},
#endif
#if defined(LOWBIT_HAVE_AVX2)
    {"qs8w4_gemm_4x8c4__avx2", "avx2", kCpuAVX2, {qs8w4_gemm_4x8c4__avx2, 4, {8, 4}}},
#endif
#if defined(LOWBIT_HAVE_NEONDOT)
    {"qs8w4_gemm_4x16c4__neondot", "neondot", kCpuNEON | kCpuNEONDot,
     {qs8w4_gemm_4x16c4__neondot, 4, {16, 4}}},
#endif
#if defined(LOWBIT_HAVE_NEON)
    {"qs8w4_gemm_2x8c8__neon", "neon", kCpuNEON, {qs8w4_gemm_2x8c8__neon, 2, {8, 8}}},
#endif
#if defined(LOWBIT_HAVE_ARMV7NEON)
    {"qs8w4_gemm_2x8c8__armv7neon", "armv7neon", kCpuNEON,
     {qs8w4_gemm_2x8c8__armv7neon, 2, {8, 8}}},
#endif
    {"qs8w4_gemm_4x8__reference", "reference", 0,
     {qs8w4_gemm_4x8__reference, 4, {8, 1}, true}},
};

}  // namespace

KernelFamily<Qs8w4GemmKernel> qs8w4_gemm_variants() { return kernel_family(kQs8w4Gemm); }

}  // namespace lowbit
