// CAST's common conversions (kernels/cast.h), sixteen values per vector, the
// tail under a mask; the conversions of cast_avx2.cpp in AVX-512.
#include <immintrin.h>

#include "kernels/cast.h"

namespace lowbit {
namespace {

__mmask16 first_lanes(size_t count) {
  return static_cast<__mmask16>(count >= 16 ? 0xffffu : (1u << count) - 1u);
}

// convert16(input + i, output + i, lanes) over [0, n), masked at the end.
template <typename In, typename Out, typename Convert16>
void cast_avx512(size_t n, const In* input, Out* output, Convert16 convert16) {
  for (size_t i = 0; i < n; i += 16) convert16(input + i, output + i, first_lanes(n - i));
}

}  // namespace

void u8_f32_cast__avx512(const ref::CastParams&, size_t n, const uint8_t* input, float* output) {
  cast_avx512(n, input, output, [](const uint8_t* in, float* out, __mmask16 lanes) {
    const __m512i v = _mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(lanes, in));
    _mm512_mask_storeu_ps(out, lanes, _mm512_cvtepi32_ps(v));
  });
}

void s8_f32_cast__avx512(const ref::CastParams&, size_t n, const int8_t* input, float* output) {
  cast_avx512(n, input, output, [](const int8_t* in, float* out, __mmask16 lanes) {
    const __m512i v = _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(lanes, in));
    _mm512_mask_storeu_ps(out, lanes, _mm512_cvtepi32_ps(v));
  });
}

void s32_f32_cast__avx512(const ref::CastParams&, size_t n, const int32_t* input, float* output) {
  cast_avx512(n, input, output, [](const int32_t* in, float* out, __mmask16 lanes) {
    _mm512_mask_storeu_ps(out, lanes, _mm512_cvtepi32_ps(_mm512_maskz_loadu_epi32(lanes, in)));
  });
}

void f32_s32_cast__avx512(const ref::CastParams&, size_t n, const float* input, int32_t* output) {
  cast_avx512(n, input, output, [](const float* in, int32_t* out, __mmask16 lanes) {
    const __m512 x = _mm512_maskz_loadu_ps(lanes, in);
    // NaN or at least 2^31: INT32_MAX; below -2^31 CVTTPS2DQ's INT32_MIN is right.
    const __mmask16 too_high = _mm512_cmp_ps_mask(x, _mm512_set1_ps(0x1.0p31f), _CMP_NLT_UQ);
    const __m512i t = _mm512_mask_mov_epi32(_mm512_cvttps_epi32(x), too_high,
                                            _mm512_set1_epi32(INT32_MAX));
    _mm512_mask_storeu_epi32(out, lanes, t);
  });
}

}  // namespace lowbit
