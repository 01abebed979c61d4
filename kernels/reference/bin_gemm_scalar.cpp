// Portable binary GEMM tile: the definition the SIMD variants are tested against.
#include "kernels/bin_gemm.h"

namespace lowbit {

void bin_gemm_4x4__scalar(size_t mr, size_t nr, size_t k_words, const uint32_t* a,
                          size_t a_stride, const uint32_t* b, size_t b_stride, int32_t* c,
                          size_t c_stride) {
  for (size_t m = 0; m < mr; ++m) {
    const uint32_t* a_row = a + m * a_stride;
    for (size_t n = 0; n < nr; ++n) {
      const uint32_t* b_row = b + n * b_stride;
      int32_t sum = 0;
      for (size_t k = 0; k < k_words; ++k) sum += __builtin_popcount(a_row[k] ^ b_row[k]);
      c[m * c_stride + n] = sum;
    }
  }
}

const KernelVariant<BinGemmKernel>* bin_gemm_variants(size_t* count) {
  static const KernelVariant<BinGemmKernel> kVariants[] = {
#if defined(__x86_64__) || defined(__i386__)
      {"bin_gemm_4x4__avx512vpopcnt", "avx512vpopcnt",
       kCpuAVX512F | kCpuAVX512BW | kCpuAVX512VPOPCNTDQ, {bin_gemm_4x4__avx512vpopcnt, 4, 4}},
      {"bin_gemm_2x4__avx2", "avx2", kCpuAVX2, {bin_gemm_2x4__avx2, 2, 4}},
#endif
      {"bin_gemm_4x4__reference", "reference", 0, {bin_gemm_4x4__scalar, 4, 4}},
  };
  *count = sizeof(kVariants) / sizeof(kVariants[0]);
  return kVariants;
}

}  // namespace lowbit
