// The binary GEMM variants (kernels/bin_gemm.h) this build has: each SIMD
// row only where its ISA's files are compiled (LOWBIT_HAVE_<ISA>). Best
// first; the portable reference last.
#include "kernels/bin_gemm.h"

namespace lowbit {
namespace {

constexpr KernelVariant<BinGemmKernel> kBinGemm[] = {
#if defined(LOWBIT_HAVE_AVX512VPOPCNT)
    {"bin_gemm_12x16c2__avx512vpopcnt", "avx512vpopcnt",
     kCpuAVX512F | kCpuAVX512BW | kCpuAVX512VPOPCNTDQ,
     {bin_gemm_12x16c2__avx512vpopcnt, 12, 16, bin_gemm_12x16c2__avx512vpopcnt_fused}},
#endif
#if defined(LOWBIT_HAVE_AVX2)
    {"bin_gemm_4x4c2__avx2", "avx2", kCpuAVX2, {bin_gemm_4x4c2__avx2, 4, 4}},
#endif
#if defined(LOWBIT_HAVE_NEON)
    {"bin_gemm_4x4c2__neon", "neon", kCpuNEON, {bin_gemm_4x4c2__neon, 4, 4}},
#endif
#if defined(LOWBIT_HAVE_ARMV7NEON)
    {"bin_gemm_2x4c2__armv7neon", "armv7neon", kCpuNEON, {bin_gemm_2x4c2__armv7neon, 2, 4}},
#endif
    {"bin_gemm_4x4c2__reference", "reference", 0,
     {bin_gemm_4x4c2__reference, 4, 4, nullptr, true}},
};

}  // namespace

KernelFamily<BinGemmKernel> bin_gemm_variants() { return kernel_family(kBinGemm); }

}  // namespace lowbit
