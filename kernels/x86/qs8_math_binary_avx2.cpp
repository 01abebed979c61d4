// int8/uint8 PRELU and int8 SQUARED_DIFFERENCE with AVX2, eight outputs per
// step, bit-exact with kernels/reference/qs8_math.cpp: both use TFLite's
// MultiplyByQuantizedMultiplier (double rounding, ties away from zero) in
// every profile, which the GEMM's vector requantization reproduces lane for
// lane. Runs with strides 0 (a broadcast value) or 1 are vectorised; other
// strides and each run's tail go through the reference.
#include <immintrin.h>

#include <cstring>

#include "kernels/qs8_math.h"
#include "kernels/x86/qs8_requant_avx2.h"

namespace lowbit {
namespace {

constexpr size_t kStep = 8;

// Eight bytes from x (stride 1) or one repeated (stride 0), each XOR flip,
// widened to int32 lanes, minus the zero point.
__m256i centered8(const int8_t* x, size_t stride, uint8_t flip, __m256i zero_point) {
  if (stride == 0) {
    return _mm256_sub_epi32(_mm256_set1_epi32(static_cast<int8_t>(*x ^ flip)), zero_point);
  }
  int64_t bits;
  std::memcpy(&bits, x, 8);
  const __m128i flips = _mm_set1_epi8(static_cast<char>(flip));
  return _mm256_sub_epi32(_mm256_cvtepi8_epi32(_mm_xor_si128(_mm_cvtsi64_si128(bits), flips)),
                          zero_point);
}

// TFLite's MultiplyByQuantizedMultiplier of one multiplier, its terms once.
avx2::DoubleRoundingTerms tflite_rescale(const ref::QuantizedMultiplier& m) {
  avx2::DoubleRoundingTerms terms;
  terms.set(_mm256_set1_epi32(m.multiplier), _mm256_set1_epi32(m.shift),
            RequantProfile::kTfliteReference);
  return terms;
}

// r + zero_point (wrapping as the reference's int32 addition), clamped to
// int8, XOR flip, stored as eight bytes.
void store8(__m256i r, __m256i zero_point, uint8_t flip, int8_t* out) {
  r = _mm256_add_epi32(r, zero_point);
  r = _mm256_min_epi32(_mm256_max_epi32(r, _mm256_set1_epi32(-128)), _mm256_set1_epi32(127));
  const __m128i bytes = _mm_xor_si128(avx2::narrow_to_int8(r), _mm_set1_epi8(static_cast<char>(flip)));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out), bytes);
}

}  // namespace

void qs8_prelu__avx2(const ref::Qs8PreluParams& p, size_t n, const int8_t* x, size_t x_stride,
                     const int8_t* alpha, size_t alpha_stride, int8_t* output) {
  size_t i = 0;
  if (x_stride <= 1 && alpha_stride <= 1) {
    const avx2::DoubleRoundingTerms positive = tflite_rescale(p.positive);
    const avx2::DoubleRoundingTerms negative = tflite_rescale(p.negative);
    const __m256i x_zero_point = _mm256_set1_epi32(p.input_zero_point);
    const __m256i alpha_zero_point = _mm256_set1_epi32(p.alpha_zero_point);
    const __m256i output_zero_point = _mm256_set1_epi32(p.output_zero_point);
    for (; i + kStep <= n; i += kStep) {
      const __m256i v = centered8(x + i * x_stride, x_stride, p.sign_flip, x_zero_point);
      const __m256i a = centered8(alpha + i * alpha_stride, alpha_stride, p.sign_flip, alpha_zero_point);
      const __m256i below = _mm256_cmpgt_epi32(_mm256_setzero_si256(), v);
      const __m256i r = _mm256_blendv_epi8(positive.apply<false>(v),
                                           negative.apply<false>(_mm256_mullo_epi32(v, a)), below);
      store8(r, output_zero_point, p.sign_flip, output + i);
    }
  }
  if (i < n) {
    ref::qs8_prelu__reference(p, n - i, x + i * x_stride, x_stride, alpha + i * alpha_stride,
                              alpha_stride, output + i);
  }
}

void qs8_squared_difference__avx2(const ref::Qs8SquaredDifferenceParams& p, size_t n,
                                  const int8_t* a, size_t a_stride, const int8_t* b,
                                  size_t b_stride, int8_t* output) {
  size_t i = 0;
  if (a_stride <= 1 && b_stride <= 1) {
    const avx2::DoubleRoundingTerms a_rescale = tflite_rescale(p.a);
    const avx2::DoubleRoundingTerms b_rescale = tflite_rescale(p.b);
    const avx2::DoubleRoundingTerms output_rescale = tflite_rescale(p.output);
    const __m256i a_zero_point = _mm256_set1_epi32(p.a_zero_point);
    const __m256i b_zero_point = _mm256_set1_epi32(p.b_zero_point);
    const __m256i output_zero_point = _mm256_set1_epi32(p.output_zero_point);
    for (; i + kStep <= n; i += kStep) {
      // Lifted by 2^7 onto the common scale, as the reference.
      const __m256i sa = a_rescale.apply<false>(
          _mm256_slli_epi32(centered8(a + i * a_stride, a_stride, 0, a_zero_point), 7));
      const __m256i sb = b_rescale.apply<false>(
          _mm256_slli_epi32(centered8(b + i * b_stride, b_stride, 0, b_zero_point), 7));
      const __m256i diff = _mm256_sub_epi32(sa, sb);
      store8(output_rescale.apply<false>(_mm256_mullo_epi32(diff, diff)), output_zero_point, 0,
             output + i);
    }
  }
  if (i < n) {
    ref::qs8_squared_difference__reference(p, n - i, a + i * a_stride, a_stride,
                                           b + i * b_stride, b_stride, output + i);
  }
}

}  // namespace lowbit
