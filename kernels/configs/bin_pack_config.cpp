// The bitpacking variants (kernels/bin_pack.h) this build has: each SIMD row
// only where its ISA's files are compiled (LOWBIT_HAVE_<ISA>). Best first;
// the reference last.
#include "kernels/bin_pack.h"

namespace lowbit {
namespace {

constexpr uint32_t kAvx512 = kCpuAVX512F | kCpuAVX512BW;

constexpr KernelVariant<ref::BinPackF32Fn> kBinPackF32[] = {
#if defined(LOWBIT_HAVE_AVX512)
    {"f32_bitpack__avx512", "avx512", kAvx512, bin_pack_f32__avx512},
#endif
#if defined(LOWBIT_HAVE_AVX2)
    {"f32_bitpack__avx2", "avx2", kCpuAVX2, bin_pack_f32__avx2},
#endif
#if defined(LOWBIT_HAVE_NEON) || defined(LOWBIT_HAVE_ARMV7NEON)
    {"f32_bitpack__neon", "neon", kCpuNEON, bin_pack_f32__neon},
#endif
    {"f32_bitpack__reference", "reference", 0, ref::bin_pack_f32},
};

constexpr KernelVariant<ref::BinPackS8Fn> kBinPackS8[] = {
#if defined(LOWBIT_HAVE_AVX512)
    {"qs8_bitpack__avx512", "avx512", kAvx512, bin_pack_s8__avx512},
#endif
#if defined(LOWBIT_HAVE_AVX2)
    {"qs8_bitpack__avx2", "avx2", kCpuAVX2, bin_pack_s8__avx2},
#endif
#if defined(LOWBIT_HAVE_NEON) || defined(LOWBIT_HAVE_ARMV7NEON)
    {"qs8_bitpack__neon", "neon", kCpuNEON, bin_pack_s8__neon},
#endif
    {"qs8_bitpack__reference", "reference", 0, ref::bin_pack_s8},
};

}  // namespace

KernelFamily<ref::BinPackF32Fn> bin_pack_f32_variants() { return kernel_family(kBinPackF32); }
KernelFamily<ref::BinPackS8Fn> bin_pack_s8_variants() { return kernel_family(kBinPackS8); }

}  // namespace lowbit
