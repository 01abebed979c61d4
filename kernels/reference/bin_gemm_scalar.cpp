// Portable binary GEMM tile: the definition the SIMD variants are tested against.
#include "kernels/bin_gemm.h"

#include <algorithm>

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

size_t bin_gemm_block_words(const BinGemmKernel& kernel, size_t k_words) {
  return size_t(kernel.nr) * k_words;
}

void bin_gemm_pack_block(const BinGemmKernel& kernel, size_t n, size_t k_words,
                         const uint32_t* rows, size_t row_stride, uint32_t* block) {
  const size_t nr = kernel.nr;
  std::fill(block, block + nr * k_words, 0u);
  for (size_t r = 0; r < n; ++r) {
    const uint32_t* row = rows + r * row_stride;
    if (kernel.layout == BinGemmLayout::kRows) {
      std::copy(row, row + k_words, block + r * k_words);
      continue;
    }
    for (size_t q = 0; q < k_words / 2; ++q) {
      block[2 * (q * nr + r)] = row[2 * q];
      block[2 * (q * nr + r) + 1] = row[2 * q + 1];
    }
  }
}

const KernelVariant<BinGemmKernel>* bin_gemm_variants(size_t* count) {
  static const KernelVariant<BinGemmKernel> kVariants[] = {
#if defined(__x86_64__) || defined(__i386__)
      {"bin_gemm_12x16c2__avx512vpopcnt", "avx512vpopcnt",
       kCpuAVX512F | kCpuAVX512BW | kCpuAVX512VPOPCNTDQ,
       {bin_gemm_12x16c2__avx512vpopcnt, 12, 16, BinGemmLayout::kInterleaved64, 2}},
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
