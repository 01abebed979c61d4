// The bitpacking variants (kernels/bin_pack.h) this build has: each SIMD row
// only where its ISA's files are compiled (LOWBIT_HAVE_<ISA>). Best first;
// the reference last.
#include "kernels/bin_pack.h"

namespace lowbit {
namespace {

constexpr uint32_t kAvx512 = kCpuAVX512F | kCpuAVX512BW;

constexpr KernelVariant<ref::BinPackF32Fn> kBinPackF32[] = {
#if defined(LOWBIT_HAVE_AVX512)
    {"bin_pack_f32__avx512", "avx512", kAvx512, bin_pack_f32__avx512},
#endif
#if defined(LOWBIT_HAVE_AVX2)
    {"bin_pack_f32__avx2", "avx2", kCpuAVX2, bin_pack_f32__avx2},
#endif
#if defined(LOWBIT_HAVE_NEON)
    {"bin_pack_f32__neon", "neon", kCpuNEON, bin_pack_f32__neon},
#endif
#if defined(LOWBIT_HAVE_ARMV7NEON)
    {"bin_pack_f32__armv7neon", "armv7neon", kCpuNEON, bin_pack_f32__armv7neon},
#endif
    {"bin_pack_f32__reference", "reference", 0, ref::bin_pack_f32__reference},
};

constexpr KernelVariant<ref::BinPackQs8Fn> kBinPackQs8[] = {
#if defined(LOWBIT_HAVE_AVX512)
    {"bin_pack_qs8__avx512", "avx512", kAvx512, bin_pack_qs8__avx512},
#endif
#if defined(LOWBIT_HAVE_AVX2)
    {"bin_pack_qs8__avx2", "avx2", kCpuAVX2, bin_pack_qs8__avx2},
#endif
#if defined(LOWBIT_HAVE_NEON)
    {"bin_pack_qs8__neon", "neon", kCpuNEON, bin_pack_qs8__neon},
#endif
#if defined(LOWBIT_HAVE_ARMV7NEON)
    {"bin_pack_qs8__armv7neon", "armv7neon", kCpuNEON, bin_pack_qs8__armv7neon},
#endif
    {"bin_pack_qs8__reference", "reference", 0, ref::bin_pack_qs8__reference},
};

}  // namespace

KernelFamily<ref::BinPackF32Fn> bin_pack_f32_variants() { return kernel_family(kBinPackF32); }
KernelFamily<ref::BinPackQs8Fn> bin_pack_qs8_variants() { return kernel_family(kBinPackQs8); }

}  // namespace lowbit
