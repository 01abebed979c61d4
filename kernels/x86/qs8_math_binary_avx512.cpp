// int8/uint8 PRELU and int8 SQUARED_DIFFERENCE with AVX-512 (BW), sixteen
// outputs per step: the AVX2 variant's arithmetic (kernels/x86/
// qs8_math_binary_avx2.cpp) on twice the lanes, TFLite's double rounding as
// avx512::FixedPointTerms, the int8 clamp as VPMOVSDB's saturation.
#include <immintrin.h>

#include <cstring>

#include "kernels/qs8_math.h"
#include "kernels/x86/qs8_requant_avx512.h"

namespace lowbit {
namespace {

constexpr size_t kStep = 16;

// Sixteen bytes from x (stride 1) or one repeated (stride 0), each XOR flip,
// widened to int32 lanes, minus the zero point.
__m512i centered16(const int8_t* x, size_t stride, uint8_t flip, __m512i zero_point) {
  if (stride == 0) {
    return _mm512_sub_epi32(_mm512_set1_epi32(static_cast<int8_t>(*x ^ flip)), zero_point);
  }
  const __m128i v = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x)),
                                  _mm_set1_epi8(static_cast<char>(flip)));
  return _mm512_sub_epi32(_mm512_cvtepi8_epi32(v), zero_point);
}

// TFLite's double rounding (the reference kernels' rescale).
constexpr RequantProfile kTflite = RequantProfile::kTfliteReference;

avx512::FixedPointTerms tflite_rescale(const ref::QuantizedMultiplier& m) {
  avx512::FixedPointTerms terms;
  terms.set(_mm512_set1_epi32(m.multiplier), _mm512_set1_epi32(m.shift), kTflite);
  return terms;
}

// r + zero_point (wrapping as the reference's int32 addition), saturated to
// int8, XOR flip, stored as sixteen bytes.
void store16(__m512i r, __m512i zero_point, uint8_t flip, int8_t* out) {
  const __m128i bytes = _mm512_cvtsepi32_epi8(_mm512_add_epi32(r, zero_point));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out),
                   _mm_xor_si128(bytes, _mm_set1_epi8(static_cast<char>(flip))));
}

}  // namespace

void qs8_prelu__avx512(const ref::Qs8PreluParams& p, size_t n, const int8_t* x,
                       size_t x_stride, const int8_t* alpha, size_t alpha_stride,
                       int8_t* output) {
  const avx512::FixedPointTerms positive = tflite_rescale(p.positive);
  const avx512::FixedPointTerms negative = tflite_rescale(p.negative);
  const __m512i zero_points[] = {_mm512_set1_epi32(p.input_zero_point),
                                 _mm512_set1_epi32(p.alpha_zero_point),
                                 _mm512_set1_epi32(p.output_zero_point)};
  ref::binary_steps<kStep>(
      p, n, x, x_stride, alpha, alpha_stride, output, ref::qs8_prelu__reference,
      [&](const int8_t* xs, const int8_t* alphas, int8_t* out) {
        const __m512i v = centered16(xs, x_stride, p.sign_flip, zero_points[0]);
        const __m512i a = centered16(alphas, alpha_stride, p.sign_flip, zero_points[1]);
        const __mmask16 below = _mm512_cmplt_epi32_mask(v, _mm512_setzero_si512());
        const __m512i r = _mm512_mask_blend_epi32(
            below, positive.apply<kTflite>(v), negative.apply<kTflite>(_mm512_mullo_epi32(v, a)));
        store16(r, zero_points[2], p.sign_flip, out);
      });
}

void qs8_squared_difference__avx512(const ref::Qs8SquaredDifferenceParams& p, size_t n,
                                    const int8_t* a, size_t a_stride, const int8_t* b,
                                    size_t b_stride, int8_t* output) {
  const avx512::FixedPointTerms rescales[] = {tflite_rescale(p.a), tflite_rescale(p.b),
                                                  tflite_rescale(p.output)};
  const __m512i zero_points[] = {_mm512_set1_epi32(p.a_zero_point),
                                 _mm512_set1_epi32(p.b_zero_point),
                                 _mm512_set1_epi32(p.output_zero_point)};
  ref::binary_steps<kStep>(
      p, n, a, a_stride, b, b_stride, output, ref::qs8_squared_difference__reference,
      [&](const int8_t* as, const int8_t* bs, int8_t* out) {
        // Lifted by 2^7 onto the common scale, as the reference.
        const __m512i sa = rescales[0].apply<kTflite>(
            _mm512_slli_epi32(centered16(as, a_stride, 0, zero_points[0]), 7));
        const __m512i sb = rescales[1].apply<kTflite>(
            _mm512_slli_epi32(centered16(bs, b_stride, 0, zero_points[1]), 7));
        const __m512i diff = _mm512_sub_epi32(sa, sb);
        store16(rescales[2].apply<kTflite>(_mm512_mullo_epi32(diff, diff)), zero_points[2], 0, out);
      });
}

}  // namespace lowbit
