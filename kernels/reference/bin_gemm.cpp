// Portable binary GEMM tile: the definition the SIMD variants are tested
// against, and the block packing every variant shares.
#include "kernels/bin_gemm.h"

#include <algorithm>

namespace lowbit {

void bin_gemm_4x4c2__reference(size_t mr, size_t nr, size_t taps, size_t tap_words,
                               const uint32_t* const* a, uint32_t last_mask, const uint32_t* b,
                               int32_t* c, size_t c_stride) {
  constexpr size_t kNR = 4;
  const size_t steps = bin_gemm_tap_steps(tap_words);
  const size_t full = bin_gemm_full_steps(tap_words, last_mask);
  const auto* packed = reinterpret_cast<const uint64_t*>(b);
  for (size_t m = 0; m < mr; ++m) {
    for (size_t n = 0; n < nr; ++n) {
      int32_t sum = 0;
      for (size_t t = 0; t < taps; ++t) {
        const uint32_t* row = a[t * mr + m];
        const uint64_t* w = packed + t * steps * kNR + n;
        for (size_t q = 0; q < steps; ++q) {
          const uint64_t x = q < full ? bin_gemm_load_word(row + 2 * q)
                                      : bin_gemm_tail_word(row, tap_words, last_mask);
          sum += __builtin_popcountll(x ^ w[q * kNR]);
        }
      }
      c[m * c_stride + n] = sum;
    }
  }
}

size_t bin_gemm_block_words(const BinGemmKernel& kernel, size_t taps, size_t tap_words) {
  return size_t(kernel.nr) * taps * bin_gemm_tap_steps(tap_words) * 2;
}

void bin_gemm_pack_block(const BinGemmKernel& kernel, size_t n, size_t taps, size_t tap_words,
                         const uint32_t* rows, size_t row_stride, size_t tap_stride,
                         uint32_t* block) {
  const size_t nr = kernel.nr, steps = bin_gemm_tap_steps(tap_words);
  std::fill(block, block + bin_gemm_block_words(kernel, taps, tap_words), 0u);
  for (size_t r = 0; r < n; ++r) {
    for (size_t t = 0; t < taps; ++t) {
      const uint32_t* tap = rows + r * row_stride + t * tap_stride;
      for (size_t w = 0; w < tap_words; ++w) {
        block[2 * ((t * steps + w / 2) * nr + r) + w % 2] = tap[w];
      }
    }
  }
}

}  // namespace lowbit
