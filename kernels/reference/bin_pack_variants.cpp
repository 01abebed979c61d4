// Variant tables of the bitpacking and binary max-pooling kernels (kernels/bin_pack.h).
#include "kernels/bin_pack.h"

namespace lowbit {

constexpr uint32_t kAvx512 = kCpuAVX512F | kCpuAVX512BW;

const KernelVariant<ref::BinPackF32Fn>* bin_pack_f32_variants(size_t* count) {
  static const KernelVariant<ref::BinPackF32Fn> kVariants[] = {
#if defined(__x86_64__) || defined(__i386__)
      {"f32_bitpack__avx512", "avx512", kAvx512, bin_pack_f32__avx512},
      {"f32_bitpack__avx2", "avx2", kCpuAVX2, bin_pack_f32__avx2},
#endif
#if defined(__aarch64__) || defined(__arm__)
      {"f32_bitpack__neon", "neon", kCpuNEON, bin_pack_f32__neon},
#endif
      {"f32_bitpack__reference", "reference", 0, ref::bin_pack_f32},
  };
  *count = sizeof(kVariants) / sizeof(kVariants[0]);
  return kVariants;
}

const KernelVariant<ref::BinPackS8Fn>* bin_pack_s8_variants(size_t* count) {
  static const KernelVariant<ref::BinPackS8Fn> kVariants[] = {
#if defined(__x86_64__) || defined(__i386__)
      {"qs8_bitpack__avx512", "avx512", kAvx512, bin_pack_s8__avx512},
      {"qs8_bitpack__avx2", "avx2", kCpuAVX2, bin_pack_s8__avx2},
#endif
#if defined(__aarch64__) || defined(__arm__)
      {"qs8_bitpack__neon", "neon", kCpuNEON, bin_pack_s8__neon},
#endif
      {"qs8_bitpack__reference", "reference", 0, ref::bin_pack_s8},
  };
  *count = sizeof(kVariants) / sizeof(kVariants[0]);
  return kVariants;
}

const KernelVariant<ref::BinMaxPool2DFn>* bin_maxpool2d_variants(size_t* count) {
  static const KernelVariant<ref::BinMaxPool2DFn> kVariants[] = {
#if defined(__x86_64__) || defined(__i386__)
      {"bin_maxpool2d__avx512", "avx512", kAvx512, bin_maxpool2d__avx512},
      {"bin_maxpool2d__avx2", "avx2", kCpuAVX2, bin_maxpool2d__avx2},
#endif
#if defined(__aarch64__) || defined(__arm__)
      {"bin_maxpool2d__neon", "neon", kCpuNEON, bin_maxpool2d__neon},
#endif
      {"bin_maxpool2d__reference", "reference", 0, ref::bin_maxpool2d},
  };
  *count = sizeof(kVariants) / sizeof(kVariants[0]);
  return kVariants;
}

}  // namespace lowbit
