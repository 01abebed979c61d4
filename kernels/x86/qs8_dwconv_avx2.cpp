// int8 depthwise convolution, 16 channels per step with AVX2: int8 products
// fit in int16, so one 16-bit multiply serves 16 channels; the products are
// widened to int32 for accumulation.
#include <immintrin.h>

#include <cstring>

#include "kernels/qs8_dwconv.h"
#include "kernels/x86/qs8_requant_avx2.h"

namespace lowbit {

void qs8_dwconv_c16__avx2(size_t channels, size_t taps, const int8_t* const* inputs,
                          const void* packed_w, int8_t* output, const Qs8GemmParams& params) {
  constexpr size_t kBlock = 16;
  const auto* w = static_cast<const uint8_t*>(packed_w);
  for (size_t block = 0; block < channels; block += kBlock) {
    const size_t n = channels - block < kBlock ? channels - block : kBlock;
    __m256i acc_lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w));
    __m256i acc_hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 32));
    const uint8_t* wt = w + kBlock * sizeof(int32_t);
    for (size_t t = 0; t < taps; ++t) {
      __m128i bytes;
      if (n == kBlock) {
        bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(inputs[t] + block));
      } else {
        // The last block of a pixel may end at the end of the tensor.
        alignas(16) int8_t tail[16] = {};
        std::memcpy(tail, inputs[t] + block, n);
        bytes = _mm_load_si128(reinterpret_cast<const __m128i*>(tail));
      }
      const __m256i x = _mm256_cvtepi8_epi16(bytes);
      const __m256i k = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(wt)));
      const __m256i product = _mm256_mullo_epi16(x, k);
      acc_lo = _mm256_add_epi32(acc_lo, _mm256_cvtepi16_epi32(_mm256_castsi256_si128(product)));
      acc_hi = _mm256_add_epi32(acc_hi, _mm256_cvtepi16_epi32(_mm256_extracti128_si256(product, 1)));
      wt += kBlock;
    }
    avx2::requantize_store(acc_lo, params, block, output + block, n < 8 ? n : 8);
    if (n > 8) avx2::requantize_store(acc_hi, params, block + 8, output + block + 8, n - 8);
    w += kBlock * (sizeof(int32_t) + taps);
  }
}

}  // namespace lowbit
