// Binary output stages with AVX-512 (F + BW), sixteen channels per vector;
// tails use masked loads and stores, bits come straight from compare masks.
#include <immintrin.h>

#include "kernels/bin_gemm.h"
#include "kernels/x86/bin_output_avx512.h"

namespace lowbit {
namespace {

using bin_avx512::lanes;
using bin_avx512::round_to_int8_range;
using bin_avx512::transform;

inline __m512i doubled_accumulator(const int32_t* popcounts, const int32_t* correction,
                                   __mmask16 mask) {
  const __m512i pc = _mm512_maskz_loadu_epi32(mask, popcounts);
  const __m512i d = _mm512_add_epi32(pc, pc);
  return correction != nullptr ? _mm512_add_epi32(d, _mm512_maskz_loadu_epi32(mask, correction))
                               : d;
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
