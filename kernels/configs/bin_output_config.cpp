// The binary output-stage variants (kernels/bin_gemm.h) this build has: each
// SIMD row only where its ISA's files are compiled (LOWBIT_HAVE_<ISA>). A row
// is the three modes' kernels (float, int8, bits) of one ISA. Best first; the
// reference last.
#include "kernels/bin_gemm.h"

namespace lowbit {
namespace {

constexpr KernelVariant<BinOutputKernel> kBinOutput[] = {
#if defined(LOWBIT_HAVE_AVX512)
    {"bin_output__avx512", "avx512", kCpuAVX512F | kCpuAVX512BW,
     {bin_output_float__avx512, bin_output_int8__avx512, bin_output_bits__avx512}},
#endif
#if defined(LOWBIT_HAVE_AVX2)
    {"bin_output__avx2", "avx2", kCpuAVX2,
     {bin_output_float__avx2, bin_output_int8__avx2, bin_output_bits__avx2}},
#endif
#if defined(LOWBIT_HAVE_NEON)
    {"bin_output__neon", "neon", kCpuNEON,
     {bin_output_float__neon, bin_output_int8__neon, bin_output_bits__neon}},
#endif
#if defined(LOWBIT_HAVE_ARMV7NEON)
    {"bin_output__armv7neon", "armv7neon", kCpuNEON,
     {bin_output_float__armv7neon, bin_output_int8__armv7neon, bin_output_bits__armv7neon}},
#endif
    {"bin_output__reference", "reference", 0,
     {bin_output_float__reference, bin_output_int8__reference, bin_output_bits__reference}},
};

}  // namespace

KernelFamily<BinOutputKernel> bin_output_variants() { return kernel_family(kBinOutput); }

}  // namespace lowbit
