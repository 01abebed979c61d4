// Binary output stages with AVX-512 (F + BW), sixteen channels per vector;
// tails use masked loads and stores, bits come straight from compare masks.
#include <immintrin.h>

#include "kernels/bin_gemm.h"

namespace lowbit {
namespace {

inline __mmask16 lanes(size_t n) { return n >= 16 ? __mmask16(0xffff) : __mmask16((1u << n) - 1); }

inline __m512i doubled_accumulator(const int32_t* popcounts, const int32_t* correction,
                                   __mmask16 mask) {
  const __m512i pc = _mm512_maskz_loadu_epi32(mask, popcounts);
  const __m512i d = _mm512_add_epi32(pc, pc);
  return correction != nullptr ? _mm512_add_epi32(d, _mm512_maskz_loadu_epi32(mask, correction))
                               : d;
}

// Clamp, convert, multiply, then add; the empty asm keeps the compiler from
// contracting the product into an FMA (the reference rounds twice).
inline __m512 transform(__m512i d, const BinOutputStageParams& params, size_t c, __mmask16 mask) {
  const __m512i clamped = _mm512_min_epi32(_mm512_max_epi32(d, _mm512_set1_epi32(params.clamp_min)),
                                           _mm512_set1_epi32(params.clamp_max));
  __m512 product =
      _mm512_mul_ps(_mm512_cvtepi32_ps(clamped), _mm512_maskz_loadu_ps(mask, params.multiplier + c));
  asm("" : "+v"(product));
  return _mm512_add_ps(product, _mm512_maskz_loadu_ps(mask, params.bias + c));
}

// Saturates to [-128, 127] (NaN to -128), then rounds half away from zero.
inline __m512i round_to_int8_range(__m512 y) {
  y = _mm512_min_ps(_mm512_max_ps(y, _mm512_set1_ps(-128.0f)), _mm512_set1_ps(127.0f));
  const __m512 truncated = _mm512_roundscale_ps(y, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
  const __m512 fraction = _mm512_abs_ps(_mm512_sub_ps(y, truncated));
  const __mmask16 away = _mm512_cmp_ps_mask(fraction, _mm512_set1_ps(0.5f), _CMP_GE_OQ);
  const __m512i sign = _mm512_and_si512(_mm512_castps_si512(y), _mm512_set1_epi32(INT32_MIN));
  const __m512 unit = _mm512_castsi512_ps(_mm512_or_si512(sign, _mm512_set1_epi32(0x3f800000)));
  return _mm512_cvttps_epi32(_mm512_mask_add_ps(truncated, away, truncated, unit));
}

}  // namespace

void bin_output_float__avx512(size_t channels, const int32_t* popcounts, const int32_t* correction,
                              const BinOutputStageParams& params, void* output) {
  float* out = static_cast<float*>(output);
  for (size_t c = 0; c < channels; c += 16) {
    const __mmask16 mask = lanes(channels - c);
    const __m512i d = doubled_accumulator(popcounts + c, correction ? correction + c : nullptr, mask);
    _mm512_mask_storeu_ps(out + c, mask, transform(d, params, c, mask));
  }
}

void bin_output_int8__avx512(size_t channels, const int32_t* popcounts, const int32_t* correction,
                             const BinOutputStageParams& params, void* output) {
  int8_t* out = static_cast<int8_t*>(output);
  for (size_t c = 0; c < channels; c += 16) {
    const __mmask16 mask = lanes(channels - c);
    const __m512i d = doubled_accumulator(popcounts + c, correction ? correction + c : nullptr, mask);
    _mm512_mask_cvtsepi32_storeu_epi8(out + c, mask,
                                      round_to_int8_range(transform(d, params, c, mask)));
  }
}

void bin_output_bits__avx512(size_t channels, const int32_t* popcounts, const int32_t* correction,
                             const BinOutputStageParams& params, void* output) {
  uint32_t* out = static_cast<uint32_t*>(output);
  for (size_t word = 0; word * 32 < channels; ++word) {
    uint32_t bits = 0;
    for (size_t half = 0; half < 2; ++half) {
      const size_t c = word * 32 + half * 16;
      if (c >= channels) break;
      const __mmask16 mask = lanes(channels - c);
      const __m512i d =
          doubled_accumulator(popcounts + c, correction ? correction + c : nullptr, mask);
      const __m512i threshold = _mm512_maskz_loadu_epi32(mask, params.doubled_threshold + c);
      bits |= uint32_t(_mm512_mask_cmpgt_epi32_mask(mask, d, threshold)) << (half * 16);
    }
    out[word] = bits;
  }
}

}  // namespace lowbit
