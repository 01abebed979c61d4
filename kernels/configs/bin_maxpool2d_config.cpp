// The binary max-pooling variants (kernels/bin_maxpool2d.h) this build has:
// each SIMD row only where its ISA's files are compiled (LOWBIT_HAVE_<ISA>).
// Best first; the reference last.
#include "kernels/bin_maxpool2d.h"

namespace lowbit {
namespace {

constexpr KernelVariant<ref::BinMaxPool2DFn> kBinMaxPool2D[] = {
#if defined(LOWBIT_HAVE_AVX512)
    {"bin_maxpool2d__avx512", "avx512", kCpuAVX512F | kCpuAVX512BW, bin_maxpool2d__avx512},
#endif
#if defined(LOWBIT_HAVE_AVX2)
    {"bin_maxpool2d__avx2", "avx2", kCpuAVX2, bin_maxpool2d__avx2},
#endif
#if defined(LOWBIT_HAVE_NEON)
    {"bin_maxpool2d__neon", "neon", kCpuNEON, bin_maxpool2d__neon},
#endif
#if defined(LOWBIT_HAVE_ARMV7NEON)
    {"bin_maxpool2d__armv7neon", "armv7neon", kCpuNEON, bin_maxpool2d__armv7neon},
#endif
    {"bin_maxpool2d__reference", "reference", 0, ref::bin_maxpool2d__reference},
};

}  // namespace

KernelFamily<ref::BinMaxPool2DFn> bin_maxpool2d_variants() { return kernel_family(kBinMaxPool2D); }

}  // namespace lowbit
