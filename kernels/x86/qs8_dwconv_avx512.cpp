// int8 depthwise convolution, 32 channels per step with AVX-512BW. An int8
// product fits in int16 (|x*w| <= 128*127), so one 16-bit multiply serves 32
// channels; the products are widened to int32 for accumulation.
#include <immintrin.h>

#include "kernels/qs8_dwconv.h"
#include "kernels/x86/qs8_dwconv_rows_avx512.h"
#include "kernels/x86/qs8_requant_avx512.h"

namespace lowbit {
namespace {

constexpr size_t kBlock = 32;

// Accumulates each block of 32 channels and hands its two 16-channel halves
// to store(acc, block, half_offset, store_mask).
template <typename Store>
LOWBIT_AVX512_ALWAYS_INLINE void accumulate_blocks(size_t channels, size_t taps,
                                                   const int8_t* const* inputs,
                                                   const void* packed_w, Store&& store) {
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
    store(acc_lo, block, 0, static_cast<__mmask16>((1u << n_lo) - 1u));
    if (n > 16) store(acc_hi, block, 16, static_cast<__mmask16>((1u << (n - 16)) - 1u));
    w += kBlock * (sizeof(int32_t) + taps);
  }
}

// With the stored terms (zero point folded, see qs8_dwconv_rows_avx512.h):
// the rescale, VPMOVSDB's saturation, and a byte clamp only where the output
// range is narrower than int8 (saturating, then clamping inside the
// saturated range, is the reference's clamp).
template <bool kAwayFromZero>
void dwconv_with_terms(size_t channels, size_t taps, const int8_t* const* inputs,
                       const void* packed_w, int8_t* output, const Qs8GemmParams& params,
                       const void* terms) {
  using avx512::dwconv::HalfRequant;
  using avx512::dwconv::kStoredHalfVectors;
  const auto* stored = static_cast<const __m512i*>(terms);
  const bool full_int8 = params.output_min == -128 && params.output_max == 127;
  const __m128i out_min = _mm_set1_epi8(static_cast<char>(params.output_min));
  const __m128i out_max = _mm_set1_epi8(static_cast<char>(params.output_max));
  accumulate_blocks(channels, taps, inputs, packed_w,
                    [&](__m512i acc, size_t block, size_t half, __mmask16 store_mask) {
    // The profile only selects the fp32 branch, which cannot happen here.
    HalfRequant<RequantProfile::kTfliteReference> rq;
    if (!rq.stored_folded(stored + block / kBlock * 2 * kStoredHalfVectors)) {
      avx512::requantize_store(acc, params, block + half, output + block + half, store_mask);
      return;
    }
    rq.load_stored(stored + (block / kBlock * 2 + half / 16) * kStoredHalfVectors);
    __m128i bytes = _mm512_cvtsepi32_epi8(avx512::dwconv::rescale_folded<kAwayFromZero>(acc, rq));
    if (!full_int8) bytes = _mm_min_epi8(_mm_max_epi8(bytes, out_min), out_max);
    _mm_mask_storeu_epi8(output + block + half, store_mask, bytes);
  });
}

}  // namespace

void qs8_dwconv_c32__avx512(size_t channels, size_t taps, const int8_t* const* inputs,
                            const void* packed_w, int8_t* output, const Qs8GemmParams& params) {
  accumulate_blocks(channels, taps, inputs, packed_w,
                    [&](__m512i acc, size_t block, size_t half, __mmask16 store_mask) {
    avx512::requantize_store(acc, params, block + half, output + block + half, store_mask);
  });
}

void qs8_dwconv_c32_terms__avx512(size_t channels, size_t taps, const int8_t* const* inputs,
                                  const void* packed_w, int8_t* output,
                                  const Qs8GemmParams& params, const void* terms) {
  if (qs8_kernel_profile(params) == RequantProfile::kTfliteReference) {
    dwconv_with_terms<true>(channels, taps, inputs, packed_w, output, params, terms);
  } else {
    dwconv_with_terms<false>(channels, taps, inputs, packed_w, output, params, terms);
  }
}

}  // namespace lowbit
