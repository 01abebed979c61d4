// int8 depthwise convolution, 32 channels per step with AVX-512BW. An int8
// product fits in int16 (|x*w| <= 128*127), so one 16-bit multiply serves 32
// channels; the products are widened to int32 for accumulation.
#include <immintrin.h>

#include "kernels/qs8_dwconv.h"
#include "kernels/x86/qs8_requant_avx512.h"

namespace lowbit {

void qs8_dwconv_c32__avx512(size_t channels, size_t taps, const int8_t* const* inputs,
                            const void* packed_w, int8_t* output, const Qs8GemmParams& params) {
  constexpr size_t kBlock = 32;
  const auto* w = static_cast<const uint8_t*>(packed_w);
  for (size_t block = 0; block < channels; block += kBlock) {
    const size_t n = channels - block < kBlock ? channels - block : kBlock;
    const __mmask32 load_mask = n == kBlock ? ~__mmask32{0} : ((__mmask32{1} << n) - 1);
    __m512i acc_lo = _mm512_loadu_si512(w);
    __m512i acc_hi = _mm512_loadu_si512(w + 64);
    const uint8_t* wt = w + kBlock * sizeof(int32_t);
    if (n <= 16) {
      // Narrow layers (8 or 16 channels): only the low half carries outputs.
      for (size_t t = 0; t < taps; ++t) {
        const __m256i x = _mm256_cvtepi8_epi16(
            _mm_maskz_loadu_epi8(static_cast<__mmask16>(load_mask), inputs[t] + block));
        const __m256i k =
            _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(wt)));
        acc_lo = _mm512_add_epi32(acc_lo, _mm512_cvtepi16_epi32(_mm256_mullo_epi16(x, k)));
        wt += kBlock;
      }
    } else {
      for (size_t t = 0; t < taps; ++t) {
        const __m512i x =
            _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(load_mask, inputs[t] + block));
        const __m512i k =
            _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(wt)));
        const __m512i product = _mm512_mullo_epi16(x, k);
        acc_lo = _mm512_add_epi32(acc_lo, _mm512_cvtepi16_epi32(_mm512_castsi512_si256(product)));
        acc_hi =
            _mm512_add_epi32(acc_hi, _mm512_cvtepi16_epi32(_mm512_extracti64x4_epi64(product, 1)));
        wt += kBlock;
      }
    }
    const size_t n_lo = n < 16 ? n : 16;
    avx512::requantize_store(acc_lo, params, block, output + block,
                             static_cast<__mmask16>((1u << n_lo) - 1u));
    if (n > 16) {
      avx512::requantize_store(acc_hi, params, block + 16, output + block + 16,
                               static_cast<__mmask16>((1u << (n - 16)) - 1u));
    }
    w += kBlock * (sizeof(int32_t) + taps);
  }
}

}  // namespace lowbit
